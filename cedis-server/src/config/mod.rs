//! redis.conf parsing and `CONFIG GET/SET/REWRITE`, compatible with Redis 7.0.15.
//!
//! Layout:
//! - `directive`: the table of every directive Redis 7.0.15 knows (name, alias, kind,
//!   default, flags) — data, not code.
//! - `value`: the typed parsers (strict integers, memory sizes, booleans, quoting).
//! - `special`: directives with their own syntax (`save`, `client-output-buffer-limit`,
//!   `notify-keyspace-events`, ...).
//! - `parse`: the config file and the command line (`redis-server` argv rules).
//! - `rewrite`: `CONFIG REWRITE`.
//! - `error`: the errors, whose `Display` is Redis's exact text.
//!
//! # How values are kept
//!
//! Every directive's value lives in one list indexed like the table, so `CONFIG GET`,
//! `CONFIG SET` and `CONFIG REWRITE` treat all directives alike, and `CONFIG SET` is
//! atomic by restoring a snapshot of that list. The server's hot paths read plain typed
//! fields instead ([`Config::port`], [`Config::maxmemory`], ...): they are refreshed from
//! the list after every load and every `CONFIG SET`. Treat them as read-only — change
//! configuration through [`Config::set`], or `CONFIG GET`/`REWRITE` would not see it.
//!
//! ```text
//! let mut config = Config::from_args(&["/etc/redis.conf".into(), "--port".into(), "7000".into()])?;
//! assert_eq!(config.port, 7000);
//! config.set(&[(b"maxmemory", b"1gb")])?;            // -> ["maxmemory"]
//! assert_eq!(config.maxmemory, 1 << 30);
//! config.get(&[b"maxmemory"]);                         // -> [("maxmemory", b"1073741824")]
//! ```

mod directive;
mod error;
mod parse;
mod rewrite;
mod special;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use cedis_types::glob::glob_match;

use crate::logging::LogLevel;
use directive::{
    lookup, Directive, Kind, Special, Value, DIRECTIVES, HIDDEN, IMMUTABLE, PROTECTED, SENSITIVE,
};
pub use error::{ConfigError, ConfigRewriteError, ConfigSetError, REDIS_COMPAT_VERSION};
pub use special::{
    keyspace_events, shutdown_flags, ClientBufferLimit, CLIENT_CLASS_NORMAL, CLIENT_CLASS_PUBSUB,
    CLIENT_CLASS_REPLICA,
};

/// `appendfsync`: when the AOF is flushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendFsync {
    Always,
    Everysec,
    No,
}

/// `maxmemory-policy`: what to evict when `maxmemory` is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxmemoryPolicy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    Noeviction,
}

/// `enable-debug-command`, `enable-module-command`, `enable-protected-configs`:
/// allowed never, always, or only for clients on a local connection (loopback or Unix
/// socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedAccess {
    No,
    Yes,
    Local,
}

impl ProtectedAccess {
    /// Whether a client may use the feature, given whether it is connected locally.
    pub fn allows(self, local_client: bool) -> bool {
        match self {
            ProtectedAccess::No => false,
            ProtectedAccess::Yes => true,
            ProtectedAccess::Local => local_client,
        }
    }
}

/// `maxmemory-clients`: a byte budget for all client buffers, or a percentage of
/// `maxmemory`; `Bytes(0)` disables the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxmemoryClients {
    Bytes(u64),
    Percent(u64),
}

/// Whether the server applied `dir` to the process (see [`Config::apply_dir`]): from
/// then on `CONFIG SET dir` changes the working directory too, as in Redis.
///
/// Process-wide because the working directory is process-wide; unit tests never set it,
/// so they never change directory.
static DIR_APPLIED: AtomicBool = AtomicBool::new(false);

/// The server's configuration: every directive's value, plus typed fields for the ones
/// the server reads on hot paths.
#[derive(Debug, Clone)]
pub struct Config {
    /// One value per [`DIRECTIVES`] entry.
    values: Vec<Value>,
    /// The configuration file given on the command line, made absolute (so `CONFIG
    /// REWRITE` finds it after `dir` changed the working directory); `None` without one.
    pub config_file: Option<PathBuf>,
    /// `rename-command <name> <new-name>` lines, in order (`""` disables a command).
    /// Recorded for the command table; cedis does not check the command exists.
    pub rename_commands: Vec<(Vec<u8>, Vec<u8>)>,
    /// `user ...` lines (arguments after `user`), in order, for the ACL code.
    pub users: Vec<Vec<Vec<u8>>>,
    /// `loadmodule <path> [args]` lines (arguments after `loadmodule`).
    pub loadmodules: Vec<Vec<Vec<u8>>>,

    // --- network ---
    /// `bind`: addresses to listen on; a leading `-` marks one that may be unavailable.
    pub bind: Vec<String>,
    /// `port`: TCP port, `0` for none.
    pub port: u16,
    /// `protected-mode`.
    pub protected_mode: bool,
    /// `tcp-backlog` (immutable).
    pub tcp_backlog: u32,
    /// `unixsocket` path, empty for none (immutable).
    pub unixsocket: String,
    /// `unixsocketperm` mode bits, e.g. `0o700` (immutable).
    pub unixsocketperm: u32,
    /// `timeout`: close idle clients after this many seconds, `0` never.
    pub timeout: u64,
    /// `tcp-keepalive` seconds, `0` off.
    pub tcp_keepalive: u64,
    /// `maxclients`.
    pub maxclients: u64,
    /// `requirepass`; `None` when empty.
    pub requirepass: Option<Vec<u8>>,
    /// `io-threads` (immutable).
    pub io_threads: u32,
    /// `io-threads-do-reads` (immutable).
    pub io_threads_do_reads: bool,
    /// `server-threads` (cedis's own, immutable): the runtime's worker threads; `0` means
    /// one per CPU in the process's affinity mask.
    pub server_threads: usize,
    /// `replicaof <host> <port>`; `None` for a master.
    pub replicaof: Option<(String, u16)>,

    // --- general ---
    /// `databases` (immutable).
    pub databases: usize,
    /// `hz`, already clamped into 1..=500 as Redis does.
    pub hz: u32,
    /// `dynamic-hz`.
    pub dynamic_hz: bool,
    /// `loglevel`.
    pub loglevel: LogLevel,
    /// `logfile`; empty means standard output (immutable).
    pub logfile: String,
    /// `pidfile` (immutable).
    pub pidfile: String,
    /// `daemonize` (immutable); cedis accepts it but never forks.
    pub daemonize: bool,
    /// `always-show-logo` (immutable).
    pub always_show_logo: bool,
    /// `dir`: absolute path of the working directory for RDB/AOF files.
    pub dir: String,
    /// `enable-debug-command` (immutable).
    pub enable_debug_command: ProtectedAccess,
    /// `enable-module-command` (immutable).
    pub enable_module_command: ProtectedAccess,
    /// `enable-protected-configs` (immutable).
    pub enable_protected_configs: ProtectedAccess,
    /// `shutdown-on-sigint` as [`shutdown_flags`] bits (`0` = default).
    pub shutdown_on_sigint: u32,
    /// `shutdown-on-sigterm` as [`shutdown_flags`] bits.
    pub shutdown_on_sigterm: u32,
    /// `shutdown-timeout` seconds.
    pub shutdown_timeout: u64,
    /// `cluster-enabled` (immutable).
    pub cluster_enabled: bool,

    // --- persistence ---
    /// `save` points as `(seconds, changes)`; empty means never save.
    pub save: Vec<(u64, u64)>,
    /// `dbfilename`.
    pub dbfilename: String,
    /// `rdbcompression`.
    pub rdbcompression: bool,
    /// `rdbchecksum` (immutable).
    pub rdbchecksum: bool,
    /// `rdb-del-sync-files`.
    pub rdb_del_sync_files: bool,
    /// `stop-writes-on-bgsave-error`.
    pub stop_writes_on_bgsave_error: bool,
    /// `appendonly`.
    pub appendonly: bool,
    /// `appendfsync`.
    pub appendfsync: AppendFsync,
    /// `appendfilename` (immutable).
    pub appendfilename: String,
    /// `appenddirname` (immutable).
    pub appenddirname: String,
    /// `aof-use-rdb-preamble`.
    pub aof_use_rdb_preamble: bool,
    /// `aof-disable-auto-gc`: keep the files a rewrite retires (as `type h`).
    pub aof_disable_auto_gc: bool,
    /// `aof-load-truncated`.
    pub aof_load_truncated: bool,
    /// `aof-timestamp-enabled`.
    pub aof_timestamp_enabled: bool,
    /// `no-appendfsync-on-rewrite`.
    pub no_appendfsync_on_rewrite: bool,
    /// `auto-aof-rewrite-percentage`.
    pub auto_aof_rewrite_percentage: u64,
    /// `auto-aof-rewrite-min-size` bytes.
    pub auto_aof_rewrite_min_size: u64,

    // --- memory ---
    /// `maxmemory` bytes, `0` for no limit.
    pub maxmemory: u64,
    /// `maxmemory-policy`.
    pub maxmemory_policy: MaxmemoryPolicy,
    /// `maxmemory-samples`.
    pub maxmemory_samples: u32,
    /// `maxmemory-eviction-tenacity`.
    pub maxmemory_eviction_tenacity: u32,
    /// `maxmemory-clients`.
    pub maxmemory_clients: MaxmemoryClients,
    /// `lfu-log-factor`.
    pub lfu_log_factor: u32,
    /// `lfu-decay-time` minutes.
    pub lfu_decay_time: u32,
    /// `active-expire-effort` (1..=10).
    pub active_expire_effort: u32,
    /// `activerehashing`.
    pub activerehashing: bool,
    /// `activedefrag`.
    pub activedefrag: bool,
    /// `lazyfree-lazy-eviction`.
    pub lazyfree_lazy_eviction: bool,
    /// `lazyfree-lazy-expire`.
    pub lazyfree_lazy_expire: bool,
    /// `lazyfree-lazy-server-del`.
    pub lazyfree_lazy_server_del: bool,
    /// `lazyfree-lazy-user-del`.
    pub lazyfree_lazy_user_del: bool,
    /// `lazyfree-lazy-user-flush`.
    pub lazyfree_lazy_user_flush: bool,
    /// `replica-lazy-flush`.
    pub replica_lazy_flush: bool,

    // --- clients and protocol ---
    /// `proto-max-bulk-len` bytes.
    pub proto_max_bulk_len: u64,
    /// `client-query-buffer-limit` bytes.
    pub client_query_buffer_limit: u64,
    /// `client-output-buffer-limit`, indexed by [`CLIENT_CLASS_NORMAL`],
    /// [`CLIENT_CLASS_REPLICA`], [`CLIENT_CLASS_PUBSUB`].
    pub client_output_buffer_limit: [ClientBufferLimit; 3],
    /// `notify-keyspace-events` as [`keyspace_events`] bits; `0` disables notifications.
    pub notify_keyspace_events: u32,
    /// `tracking-table-max-keys`.
    pub tracking_table_max_keys: u64,
    /// `acllog-max-len`.
    pub acllog_max_len: u64,

    // --- encodings ---
    /// `hash-max-listpack-entries` (alias `hash-max-ziplist-entries`).
    pub hash_max_listpack_entries: u64,
    /// `hash-max-listpack-value` bytes.
    pub hash_max_listpack_value: u64,
    /// `set-max-intset-entries`.
    pub set_max_intset_entries: u64,
    /// `zset-max-listpack-entries`.
    pub zset_max_listpack_entries: u64,
    /// `zset-max-listpack-value` bytes.
    pub zset_max_listpack_value: u64,
    /// `list-max-listpack-size`: positive = entries per node, -1..-5 = 4..64 KiB.
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`.
    pub list_compress_depth: u64,
    /// `key-load-delay` (hidden, for tests): microseconds to wait after loading each key.
    pub key_load_delay: i64,
    /// `rdb-key-save-delay` (hidden, for tests): microseconds a BGSAVE waits per key.
    pub rdb_key_save_delay: i64,
    /// `stream-node-max-bytes`.
    pub stream_node_max_bytes: u64,
    /// `stream-node-max-entries`.
    pub stream_node_max_entries: u64,
    /// `hll-sparse-max-bytes`.
    pub hll_sparse_max_bytes: u64,

    // --- monitoring and scripting ---
    /// `slowlog-log-slower-than` microseconds; negative disables, `0` logs everything.
    pub slowlog_log_slower_than: i64,
    /// `slowlog-max-len`.
    pub slowlog_max_len: u64,
    /// `latency-monitor-threshold` milliseconds, `0` off.
    pub latency_monitor_threshold: u64,
    /// `latency-tracking`.
    pub latency_tracking: bool,
    /// `latency-tracking-info-percentiles`.
    pub latency_tracking_info_percentiles: Vec<f64>,
    /// `busy-reply-threshold` milliseconds (alias `lua-time-limit`).
    pub busy_reply_threshold: u64,
}

/// What Redis's `CONFIG SET` does to a value beyond parsing it: `repl-backlog-size`
/// is raised to 16kb when it changes (the backlog's minimum), though a config file may
/// set less (observed on Redis 7.0.15: `--repl-backlog-size 1` reads back `1`, while
/// `CONFIG SET repl-backlog-size 1` from the default reads back `16384`).
fn adjust_on_set(d: &Directive, old: &Value, new: Value) -> Value {
    const REPL_BACKLOG_MIN_SIZE: i64 = 16 * 1024;
    match new {
        Value::Int(size) if d.name == "repl-backlog-size" && *old != new => {
            Value::Int(size.max(REPL_BACKLOG_MIN_SIZE))
        }
        other => other,
    }
}

/// The built-in defaults, parsed once from the table (`dir` is left empty here and
/// filled with the working directory by [`Config::default`]).
fn defaults() -> &'static [Value] {
    static DEFAULTS: OnceLock<Vec<Value>> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        DIRECTIVES
            .iter()
            .map(|d| {
                match d.kind {
                    Kind::Special(Special::Dir) => return Value::Str(Vec::new()),
                    // "" prints a master; as arguments it would be a syntax error.
                    Kind::Special(Special::ReplicaOf) => return Value::ReplicaOf(None),
                    _ => {}
                }
                let args: Vec<&[u8]> = if d.multi_arg() {
                    value::split_spaces(d.default.as_bytes())
                } else {
                    vec![d.default.as_bytes()]
                };
                let start = Value::Str(Vec::new());
                // The table is cedis's own constant data, checked by a unit test.
                d.parse(&args, &start)
                    .unwrap_or_else(|e| panic!("bad built-in default for {}: {e}", d.name))
            })
            .collect()
    })
}

impl Default for Config {
    /// Redis's defaults; `dir` is the current working directory (read, not changed).
    fn default() -> Config {
        let mut values = defaults().to_vec();
        if let Some(i) = directive::index_of("dir") {
            let cwd = std::env::current_dir()
                .and_then(std::fs::canonicalize)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| ".".to_string());
            values[i] = Value::Str(cwd.into_bytes());
        }
        let mut config = Config {
            values,
            config_file: None,
            rename_commands: Vec::new(),
            users: Vec::new(),
            loadmodules: Vec::new(),
            bind: Vec::new(),
            port: 0,
            protected_mode: false,
            tcp_backlog: 0,
            unixsocket: String::new(),
            unixsocketperm: 0,
            timeout: 0,
            tcp_keepalive: 0,
            maxclients: 0,
            requirepass: None,
            io_threads: 0,
            io_threads_do_reads: false,
            server_threads: 0,
            replicaof: None,
            databases: 0,
            hz: 0,
            dynamic_hz: false,
            loglevel: LogLevel::Notice,
            logfile: String::new(),
            pidfile: String::new(),
            daemonize: false,
            always_show_logo: false,
            dir: String::new(),
            enable_debug_command: ProtectedAccess::No,
            enable_module_command: ProtectedAccess::No,
            enable_protected_configs: ProtectedAccess::No,
            shutdown_on_sigint: 0,
            shutdown_on_sigterm: 0,
            shutdown_timeout: 0,
            cluster_enabled: false,
            save: Vec::new(),
            dbfilename: String::new(),
            rdbcompression: false,
            rdbchecksum: false,
            rdb_del_sync_files: false,
            stop_writes_on_bgsave_error: false,
            appendonly: false,
            appendfsync: AppendFsync::Everysec,
            appendfilename: String::new(),
            appenddirname: String::new(),
            aof_use_rdb_preamble: false,
            aof_disable_auto_gc: false,
            aof_load_truncated: false,
            aof_timestamp_enabled: false,
            no_appendfsync_on_rewrite: false,
            auto_aof_rewrite_percentage: 0,
            auto_aof_rewrite_min_size: 0,
            maxmemory: 0,
            maxmemory_policy: MaxmemoryPolicy::Noeviction,
            maxmemory_samples: 0,
            maxmemory_eviction_tenacity: 0,
            maxmemory_clients: MaxmemoryClients::Bytes(0),
            lfu_log_factor: 0,
            lfu_decay_time: 0,
            active_expire_effort: 0,
            activerehashing: false,
            activedefrag: false,
            lazyfree_lazy_eviction: false,
            lazyfree_lazy_expire: false,
            lazyfree_lazy_server_del: false,
            lazyfree_lazy_user_del: false,
            lazyfree_lazy_user_flush: false,
            replica_lazy_flush: false,
            proto_max_bulk_len: 0,
            client_query_buffer_limit: 0,
            client_output_buffer_limit: [ClientBufferLimit::default(); 3],
            notify_keyspace_events: 0,
            tracking_table_max_keys: 0,
            acllog_max_len: 0,
            hash_max_listpack_entries: 0,
            hash_max_listpack_value: 0,
            set_max_intset_entries: 0,
            zset_max_listpack_entries: 0,
            zset_max_listpack_value: 0,
            list_max_listpack_size: 0,
            list_compress_depth: 0,
            key_load_delay: 0,
            rdb_key_save_delay: 0,
            stream_node_max_bytes: 0,
            stream_node_max_entries: 0,
            hll_sparse_max_bytes: 0,
            slowlog_log_slower_than: 0,
            slowlog_max_len: 0,
            latency_monitor_threshold: 0,
            latency_tracking: false,
            latency_tracking_info_percentiles: Vec::new(),
            busy_reply_threshold: 0,
        };
        config.refresh();
        config
    }
}

impl Config {
    /// `CONFIG GET pattern [pattern ...]`: the matching directives and their values.
    ///
    /// Matches Redis 7.0.15:
    /// - a pattern with `*`, `?` or `[` is a case-insensitive glob over canonical names
    ///   and aliases (`CONFIG GET *max-*-entries*` lists both `hash-max-listpack-entries`
    ///   and `hash-max-ziplist-entries`), skipping hidden testing knobs;
    /// - any other pattern is an exact, case-insensitive name (hidden ones included),
    ///   and the reply spells the name as asked (`CONFIG GET HZ` answers `HZ`);
    /// - each name appears once even when several patterns match it.
    ///
    /// Values are printed as Redis prints them: sizes in bytes, `yes`/`no`, lowercase
    /// enums, `save` and `bind` joined with spaces.
    pub fn get(&self, patterns: &[&[u8]]) -> Vec<(String, Vec<u8>)> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        let mut push = |name: String, index: usize, out: &mut Vec<(String, Vec<u8>)>| {
            if seen.insert(name.to_ascii_lowercase()) {
                out.push((name, DIRECTIVES[index].format(&self.values[index])));
            }
        };
        for pattern in patterns {
            if !pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
                if let Some((index, _)) = lookup(pattern) {
                    push(
                        String::from_utf8_lossy(pattern).into_owned(),
                        index,
                        &mut out,
                    );
                }
                continue;
            }
            for (index, d) in DIRECTIVES.iter().enumerate() {
                if d.is(HIDDEN) {
                    continue;
                }
                for name in std::iter::once(d.name).chain(d.alias) {
                    if glob_match(pattern, name.as_bytes(), true) {
                        push(name.to_string(), index, &mut out);
                    }
                }
            }
        }
        out
    }

    /// `CONFIG SET name value [name value ...]` from a client that is not local; see
    /// [`Config::set_with`].
    pub fn set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<Vec<&'static str>, ConfigSetError> {
        self.set_with(pairs, false, |_, _| Ok(()))
    }

    /// `CONFIG SET`, all or nothing, returning the canonical names whose value changed
    /// (in request order, each once).
    ///
    /// Checks, in Redis's order:
    /// 1. every name, left to right: unknown (`ERR Unknown option ...`), immutable,
    ///    protected (`dir`, `dbfilename` unless `enable-protected-configs` allows it;
    ///    `local_client` says whether the connection is loopback/Unix socket, for
    ///    `enable-protected-configs local`), then duplicate (same name twice, case-
    ///    insensitively; an alias and its canonical name are not duplicates, the later
    ///    one wins, as in Redis);
    /// 2. every value, left to right, parsed and validated;
    /// 3. side effects: `dir` changes the process's working directory once
    ///    [`Config::apply_dir`] ran, then `apply` is called with each changed canonical
    ///    name and the new configuration, so the server can act (re-listen on a new
    ///    `port`, ...) and refuse with a reason.
    ///
    /// Any failure restores every value; after an `apply` failure the names already
    /// applied are passed to `apply` again with the old values, as Redis does.
    ///
    /// ```text
    /// set(&[(b"hz", b"5"), (b"maxmemory-policy", b"foo")])
    ///   -> Err: ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: ...
    ///      and hz is unchanged
    /// ```
    pub fn set_with<F>(
        &mut self,
        pairs: &[(&[u8], &[u8])],
        local_client: bool,
        mut apply: F,
    ) -> Result<Vec<&'static str>, ConfigSetError>
    where
        F: FnMut(&'static str, &Config) -> Result<(), String>,
    {
        let failed = |name: &[u8], reason: &str| ConfigSetError::Failed {
            name: String::from_utf8_lossy(name).into_owned(),
            reason: reason.to_string(),
        };
        let mut targets = Vec::with_capacity(pairs.len());
        for (i, (name, value)) in pairs.iter().enumerate() {
            let Some((index, _)) = lookup(name) else {
                return Err(ConfigSetError::Unknown {
                    name: String::from_utf8_lossy(name).into_owned(),
                });
            };
            let d = &DIRECTIVES[index];
            if d.is(IMMUTABLE) {
                return Err(failed(name, "can't set immutable config"));
            }
            if d.is(PROTECTED) && !self.enable_protected_configs.allows(local_client) {
                return Err(failed(name, "can't set protected config"));
            }
            if pairs[..i]
                .iter()
                .any(|(other, _)| other.eq_ignore_ascii_case(name))
            {
                return Err(failed(name, "duplicate parameter"));
            }
            targets.push((index, *name, *value));
        }

        let snapshot = self.values.clone();
        for &(index, name, value) in &targets {
            let d = &DIRECTIVES[index];
            let args: Vec<&[u8]> = if d.multi_arg() {
                value::split_spaces(value)
            } else {
                vec![value]
            };
            match d.parse(&args, &self.values[index]) {
                Ok(new) => {
                    let new = adjust_on_set(d, &self.values[index], new);
                    self.values[index] = new;
                }
                Err(reason) => {
                    self.values = snapshot;
                    return Err(failed(name, &reason));
                }
            }
        }

        let mut changed: Vec<(usize, &[u8])> = Vec::new();
        for &(index, name, _) in &targets {
            if self.values[index] != snapshot[index] && !changed.iter().any(|(i, _)| *i == index) {
                changed.push((index, name));
            }
        }
        self.refresh();

        let dir_index = directive::index_of("dir");
        let dir_change = changed.iter().find(|(i, _)| Some(*i) == dir_index).copied();
        if let Some((_, name)) = dir_change {
            if DIR_APPLIED.load(Ordering::Relaxed) {
                if let Err(err) = std::env::set_current_dir(&self.dir) {
                    self.values = snapshot;
                    self.refresh();
                    return Err(failed(name, &value::strerror(&err)));
                }
            }
        }

        for (done, &(index, name)) in changed.iter().enumerate() {
            if let Err(reason) = apply(DIRECTIVES[index].name, self) {
                self.values = snapshot;
                self.refresh();
                if dir_change.is_some() && DIR_APPLIED.load(Ordering::Relaxed) {
                    let _ = std::env::set_current_dir(&self.dir);
                }
                for &(undo, _) in &changed[..done] {
                    let _ = apply(DIRECTIVES[undo].name, self);
                }
                return Err(failed(name, &reason));
            }
        }
        Ok(changed.iter().map(|(i, _)| DIRECTIVES[*i].name).collect())
    }

    /// Changes the process's working directory to [`Config::dir`], as Redis does when it
    /// reads `dir`; from then on `CONFIG SET dir` changes it too.
    ///
    /// Why a separate step: loading a configuration must not change the process
    /// (several tests load configurations in parallel in one process), so the server
    /// calls this once at start-up, after loading.
    ///
    /// ```text
    /// let config = Config::from_args(&args)?;
    /// config.apply_dir()?;   // now relative paths (dbfilename, appenddirname) resolve in dir
    /// ```
    pub fn apply_dir(&self) -> std::io::Result<()> {
        std::env::set_current_dir(&self.dir)?;
        DIR_APPLIED.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Whether a directive holds a secret (`requirepass`, `masterauth`, TLS key
    /// passwords), so `CONFIG SET` arguments for it should be redacted in the slow log
    /// and `MONITOR`, as Redis does.
    pub fn is_sensitive(name: &[u8]) -> bool {
        lookup(name).is_some_and(|(i, _)| DIRECTIVES[i].is(SENSITIVE))
    }

    /// Refreshes the typed fields from the value list.
    fn refresh(&mut self) {
        self.bind = match self.value("bind") {
            Value::List(items) => items.clone(),
            _ => Vec::new(),
        };
        self.port = u16::try_from(self.int("port")).unwrap_or(0);
        self.protected_mode = self.boolean("protected-mode");
        self.tcp_backlog = self.int("tcp-backlog") as u32;
        self.unixsocket = self.string("unixsocket");
        self.unixsocketperm = self.uint("unixsocketperm") as u32;
        self.timeout = self.uint("timeout");
        self.tcp_keepalive = self.uint("tcp-keepalive");
        self.maxclients = self.uint("maxclients");
        self.requirepass = match self.value("requirepass") {
            Value::Str(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        self.io_threads = self.int("io-threads") as u32;
        self.io_threads_do_reads = self.boolean("io-threads-do-reads");
        self.server_threads = self.int("server-threads") as usize;
        self.replicaof = match self.value("replicaof") {
            Value::ReplicaOf(r) => r.clone(),
            _ => None,
        };
        self.databases = self.uint("databases") as usize;
        self.hz = self.int("hz") as u32;
        self.dynamic_hz = self.boolean("dynamic-hz");
        self.loglevel = match self.enum_index("loglevel") {
            0 => LogLevel::Debug,
            1 => LogLevel::Verbose,
            2 => LogLevel::Notice,
            _ => LogLevel::Warning,
        };
        self.logfile = self.string("logfile");
        self.pidfile = self.string("pidfile");
        self.daemonize = self.boolean("daemonize");
        self.always_show_logo = self.boolean("always-show-logo");
        self.dir = self.string("dir");
        self.enable_debug_command = self.protected_access("enable-debug-command");
        self.enable_module_command = self.protected_access("enable-module-command");
        self.enable_protected_configs = self.protected_access("enable-protected-configs");
        self.shutdown_on_sigint = self.flags("shutdown-on-sigint");
        self.shutdown_on_sigterm = self.flags("shutdown-on-sigterm");
        self.shutdown_timeout = self.uint("shutdown-timeout");
        self.cluster_enabled = self.boolean("cluster-enabled");

        self.save = match self.value("save") {
            Value::Save(points) => points.clone(),
            _ => Vec::new(),
        };
        self.dbfilename = self.string("dbfilename");
        self.rdbcompression = self.boolean("rdbcompression");
        self.rdbchecksum = self.boolean("rdbchecksum");
        self.rdb_del_sync_files = self.boolean("rdb-del-sync-files");
        self.stop_writes_on_bgsave_error = self.boolean("stop-writes-on-bgsave-error");
        self.appendonly = self.boolean("appendonly");
        self.appendfsync = match self.enum_index("appendfsync") {
            0 => AppendFsync::Everysec,
            1 => AppendFsync::Always,
            _ => AppendFsync::No,
        };
        self.appendfilename = self.string("appendfilename");
        self.appenddirname = self.string("appenddirname");
        self.aof_use_rdb_preamble = self.boolean("aof-use-rdb-preamble");
        self.aof_disable_auto_gc = self.boolean("aof-disable-auto-gc");
        self.aof_load_truncated = self.boolean("aof-load-truncated");
        self.aof_timestamp_enabled = self.boolean("aof-timestamp-enabled");
        self.no_appendfsync_on_rewrite = self.boolean("no-appendfsync-on-rewrite");
        self.auto_aof_rewrite_percentage = self.uint("auto-aof-rewrite-percentage");
        self.auto_aof_rewrite_min_size = self.uint("auto-aof-rewrite-min-size");

        self.maxmemory = self.uint("maxmemory");
        self.maxmemory_policy = match self.enum_index("maxmemory-policy") {
            0 => MaxmemoryPolicy::VolatileLru,
            1 => MaxmemoryPolicy::VolatileLfu,
            2 => MaxmemoryPolicy::VolatileRandom,
            3 => MaxmemoryPolicy::VolatileTtl,
            4 => MaxmemoryPolicy::AllkeysLru,
            5 => MaxmemoryPolicy::AllkeysLfu,
            6 => MaxmemoryPolicy::AllkeysRandom,
            _ => MaxmemoryPolicy::Noeviction,
        };
        self.maxmemory_samples = self.int("maxmemory-samples") as u32;
        self.maxmemory_eviction_tenacity = self.int("maxmemory-eviction-tenacity") as u32;
        let clients = self.int("maxmemory-clients");
        self.maxmemory_clients = if clients < 0 {
            MaxmemoryClients::Percent(clients.unsigned_abs())
        } else {
            MaxmemoryClients::Bytes(clients as u64)
        };
        self.lfu_log_factor = self.int("lfu-log-factor") as u32;
        self.lfu_decay_time = self.int("lfu-decay-time") as u32;
        self.active_expire_effort = self.int("active-expire-effort") as u32;
        self.activerehashing = self.boolean("activerehashing");
        self.activedefrag = self.boolean("activedefrag");
        self.lazyfree_lazy_eviction = self.boolean("lazyfree-lazy-eviction");
        self.lazyfree_lazy_expire = self.boolean("lazyfree-lazy-expire");
        self.lazyfree_lazy_server_del = self.boolean("lazyfree-lazy-server-del");
        self.lazyfree_lazy_user_del = self.boolean("lazyfree-lazy-user-del");
        self.lazyfree_lazy_user_flush = self.boolean("lazyfree-lazy-user-flush");
        self.replica_lazy_flush = self.boolean("replica-lazy-flush");

        self.proto_max_bulk_len = self.uint("proto-max-bulk-len");
        self.client_query_buffer_limit = self.uint("client-query-buffer-limit");
        self.client_output_buffer_limit = match self.value("client-output-buffer-limit") {
            Value::Limits(limits) => *limits,
            _ => [ClientBufferLimit::default(); 3],
        };
        self.notify_keyspace_events = self.flags("notify-keyspace-events");
        self.tracking_table_max_keys = self.uint("tracking-table-max-keys");
        self.acllog_max_len = self.uint("acllog-max-len");

        self.hash_max_listpack_entries = self.uint("hash-max-listpack-entries");
        self.hash_max_listpack_value = self.uint("hash-max-listpack-value");
        self.set_max_intset_entries = self.uint("set-max-intset-entries");
        self.zset_max_listpack_entries = self.uint("zset-max-listpack-entries");
        self.zset_max_listpack_value = self.uint("zset-max-listpack-value");
        self.list_max_listpack_size = self.int("list-max-listpack-size");
        self.list_compress_depth = self.uint("list-compress-depth");
        self.key_load_delay = self.int("key-load-delay");
        self.rdb_key_save_delay = self.int("rdb-key-save-delay");
        self.stream_node_max_bytes = self.uint("stream-node-max-bytes");
        self.stream_node_max_entries = self.uint("stream-node-max-entries");
        self.hll_sparse_max_bytes = self.uint("hll-sparse-max-bytes");

        self.slowlog_log_slower_than = self.int("slowlog-log-slower-than");
        self.slowlog_max_len = self.uint("slowlog-max-len");
        self.latency_monitor_threshold = self.uint("latency-monitor-threshold");
        self.latency_tracking = self.boolean("latency-tracking");
        self.latency_tracking_info_percentiles =
            match self.value("latency-tracking-info-percentiles") {
                Value::Percentiles(p) => p.clone(),
                _ => Vec::new(),
            };
        self.busy_reply_threshold = self.uint("busy-reply-threshold");
    }

    /// The stored value of a canonical name.
    fn value(&self, name: &str) -> &Value {
        static NONE: Value = Value::Bool(false);
        let index = directive::index_of(name);
        debug_assert!(index.is_some(), "unknown directive {name}");
        index.and_then(|i| self.values.get(i)).unwrap_or(&NONE)
    }

    fn int(&self, name: &str) -> i64 {
        match self.value(name) {
            Value::Int(v) => *v,
            Value::U64(v) => i64::try_from(*v).unwrap_or(i64::MAX),
            _ => 0,
        }
    }

    fn uint(&self, name: &str) -> u64 {
        match self.value(name) {
            Value::Int(v) => u64::try_from(*v).unwrap_or(0),
            Value::U64(v) => *v,
            _ => 0,
        }
    }

    fn boolean(&self, name: &str) -> bool {
        matches!(self.value(name), Value::Bool(true))
    }

    fn string(&self, name: &str) -> String {
        match self.value(name) {
            Value::Str(s) => String::from_utf8_lossy(s).into_owned(),
            _ => String::new(),
        }
    }

    fn enum_index(&self, name: &str) -> usize {
        match self.value(name) {
            Value::Enum(i) => *i,
            _ => 0,
        }
    }

    fn flags(&self, name: &str) -> u32 {
        match self.value(name) {
            Value::Flags(f) => *f,
            _ => 0,
        }
    }

    fn protected_access(&self, name: &str) -> ProtectedAccess {
        match self.enum_index(name) {
            1 => ProtectedAccess::Yes,
            2 => ProtectedAccess::Local,
            _ => ProtectedAccess::No,
        }
    }
}
