//! The directive table: one entry per directive Redis 7.0.15 knows, as data.
//!
//! Each entry gives the canonical name, the old alias if any (`slaveof` for `replicaof`,
//! `hash-max-ziplist-entries` for `hash-max-listpack-entries`, ...), the kind of value
//! (which decides how it is parsed, validated and printed), the default exactly as
//! `CONFIG GET` prints it, and flags (immutable, protected, sensitive, hidden).
//!
//! Why data and not code: `CONFIG GET *`, `CONFIG SET`, the config-file loader and
//! `CONFIG REWRITE` all walk the same table, so a directive added here is accepted,
//! validated, listed and rewritten everywhere at once. Names, defaults, ranges, enum
//! values and flags were read off a real `redis-server` 7.0.15 (`CONFIG GET *`, and
//! `CONFIG SET`/config files with out-of-range values to learn each range).
//!
//! Example entry: `int("hz", 0, 2147483647, "10")` is a directive named `hz`, whose
//! value must be an integer in that range, defaulting to `10`.

use super::special::{self, ClientBufferLimit};
use super::value::{
    check_range, format_bool, format_memory_units, parse_bool, parse_int, parse_memory, repr,
};

/// `CONFIG SET` refuses it: only the config file and the command line set it.
pub(crate) const IMMUTABLE: u8 = 1 << 0;
/// `CONFIG SET` refuses it unless `enable-protected-configs` allows it (`dir`,
/// `dbfilename`): changing where files are written is how a client could take over a
/// host.
pub(crate) const PROTECTED: u8 = 1 << 1;
/// A secret (passwords): callers should keep it out of logs.
pub(crate) const SENSITIVE: u8 = 1 << 2;
/// Testing knob Redis keeps out of `CONFIG GET *`; only its exact name finds it.
pub(crate) const HIDDEN: u8 = 1 << 3;

/// Extra validation for string directives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringCheck {
    /// Any bytes.
    Any,
    /// A plain file name (no `/` or `\`): Redis's error for a path, and for an empty
    /// name (`""` when an empty name is allowed).
    BaseName(&'static str, &'static str),
    /// Letters, digits, `-` and `.` (`cluster-announce-hostname`).
    Hostname,
    /// `proc-title-template`: only known `{variables}`.
    ProcTitle,
}

/// Directives whose value has its own syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    /// `save <seconds> <changes> [...]`, accumulated over several lines in a file.
    Save,
    /// `client-output-buffer-limit <class> <hard> <soft> <seconds> [...]`.
    ClientOutputBufferLimit,
    /// `bind <addr> [...]`, at most 16 addresses.
    Bind,
    /// `notify-keyspace-events` class characters.
    NotifyKeyspaceEvents,
    /// `oom-score-adj-values <n> <n> <n>`.
    OomScoreAdjValues,
    /// `latency-tracking-info-percentiles <p> [...]`.
    LatencyPercentiles,
    /// `replicaof <host> <port>` or `replicaof no one`.
    ReplicaOf,
    /// `unixsocketperm`: an octal mode up to `777`.
    UnixSocketPerm,
    /// `dir`: must name an existing directory; stored as an absolute path.
    Dir,
    /// `shutdown-on-sigint`/`shutdown-on-sigterm`: `default` or a set of flags.
    ShutdownFlags,
    /// `hz`: an integer, then clamped into 1..=500 as Redis does.
    Hz,
}

/// How a directive's value is parsed and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `yes`/`no`.
    Bool,
    /// A strict integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// A memory size (`1gb`) stored as a signed number in `min..=max`.
    Memory { min: i64, max: i64 },
    /// A memory size over the whole unsigned range (`maxmemory`).
    MemoryU64,
    /// A memory size or a percentage (`maxmemory-clients 10%`).
    MemoryOrPercent,
    /// One of a fixed set of words (case-insensitive; printed lowercase).
    Enum(&'static [&'static str]),
    /// Free text, possibly checked.
    String(StringCheck),
    /// A directive with its own syntax.
    Special(Special),
}

/// One directive of the table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Directive {
    /// Canonical name, as `CONFIG REWRITE` writes it.
    pub(crate) name: &'static str,
    /// Old name still accepted everywhere and listed by `CONFIG GET`.
    pub(crate) alias: Option<&'static str>,
    pub(crate) kind: Kind,
    /// The default, exactly as `CONFIG GET` prints it (parsed at start-up).
    pub(crate) default: &'static str,
    pub(crate) flags: u8,
}

impl Directive {
    const fn new(name: &'static str, kind: Kind, default: &'static str) -> Directive {
        Directive {
            name,
            alias: None,
            kind,
            default,
            flags: 0,
        }
    }

    const fn alias(mut self, alias: &'static str) -> Directive {
        self.alias = Some(alias);
        self
    }

    const fn flags(mut self, flags: u8) -> Directive {
        self.flags |= flags;
        self
    }

    pub(crate) fn is(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// Whether the directive takes several words (`save 900 1`): in a file they are
    /// separate arguments, in `CONFIG SET` one value split on spaces.
    pub(crate) fn multi_arg(&self) -> bool {
        matches!(
            self.kind,
            Kind::Special(
                Special::Save
                    | Special::ClientOutputBufferLimit
                    | Special::Bind
                    | Special::OomScoreAdjValues
                    | Special::LatencyPercentiles
                    | Special::ReplicaOf
                    | Special::ShutdownFlags
            )
        )
    }

    /// Parses the arguments after the directive name.
    ///
    /// `current` is the value in force: `client-output-buffer-limit` changes only the
    /// classes it names, and a relative `dir` is relative to the current one.
    pub(crate) fn parse(&self, args: &[&[u8]], current: &Value) -> Result<Value, String> {
        let single = || args.first().copied().unwrap_or_default();
        match self.kind {
            Kind::Bool => parse_bool(single()).map(Value::Bool),
            Kind::Int { min, max } => parse_int(single(), min, max).map(Value::Int),
            Kind::Memory { min, max } => {
                let value = parse_memory(single())
                    .ok_or_else(|| "argument must be a memory value".to_string())?;
                // Redis stores these as signed numbers: a huge value wraps negative and
                // fails the range check, exactly as it does there.
                check_range(value as i64, min, max).map(Value::Int)
            }
            Kind::MemoryU64 => parse_memory(single())
                .map(Value::U64)
                .ok_or_else(|| "argument must be a memory value".to_string()),
            Kind::MemoryOrPercent => special::parse_memory_or_percent(single()).map(Value::Int),
            Kind::Enum(names) => names
                .iter()
                .position(|name| name.as_bytes().eq_ignore_ascii_case(single()))
                .map(Value::Enum)
                .ok_or_else(|| {
                    format!(
                        "argument(s) must be one of the following: {}",
                        names.join(", ")
                    )
                }),
            Kind::String(check) => {
                let arg = single();
                special::check_string(check, arg)?;
                Ok(Value::Str(arg.to_vec()))
            }
            Kind::Special(kind) => match kind {
                Special::Save => special::parse_save(args).map(Value::Save),
                Special::ClientOutputBufferLimit => {
                    let current = match current {
                        Value::Limits(limits) => *limits,
                        _ => [ClientBufferLimit::default(); 3],
                    };
                    special::parse_client_output_buffer_limit(args, current).map(Value::Limits)
                }
                Special::Bind => special::parse_bind(args).map(Value::List),
                Special::NotifyKeyspaceEvents => {
                    special::parse_keyspace_events(single()).map(Value::Flags)
                }
                Special::OomScoreAdjValues => {
                    special::parse_oom_score_adj_values(args).map(Value::Oom)
                }
                Special::LatencyPercentiles => {
                    special::parse_percentiles(args).map(Value::Percentiles)
                }
                Special::ReplicaOf => special::parse_replicaof(args).map(Value::ReplicaOf),
                Special::UnixSocketPerm => special::parse_octal_perm(single()).map(Value::U64),
                Special::Dir => {
                    let base = match current {
                        Value::Str(dir) => String::from_utf8_lossy(dir).into_owned(),
                        _ => String::new(),
                    };
                    special::resolve_dir(&base, single()).map(|dir| Value::Str(dir.into_bytes()))
                }
                Special::ShutdownFlags => special::parse_shutdown_flags(args).map(Value::Flags),
                Special::Hz => parse_int(single(), 0, i64::from(i32::MAX))
                    .map(|hz| Value::Int(hz.clamp(1, 500))),
            },
        }
    }

    /// The value as `CONFIG GET` prints it.
    pub(crate) fn format(&self, value: &Value) -> Vec<u8> {
        match (self.kind, value) {
            (Kind::Bool, Value::Bool(b)) => format_bool(*b).as_bytes().to_vec(),
            (Kind::Enum(names), Value::Enum(i)) => {
                names.get(*i).copied().unwrap_or("").as_bytes().to_vec()
            }
            (Kind::MemoryOrPercent, Value::Int(v)) => {
                special::format_memory_or_percent(*v, false).into_bytes()
            }
            (Kind::Special(Special::UnixSocketPerm), Value::U64(v)) => {
                format!("{v:o}").into_bytes()
            }
            (Kind::Special(Special::NotifyKeyspaceEvents), Value::Flags(f)) => {
                special::format_keyspace_events(*f).into_bytes()
            }
            (Kind::Special(Special::ShutdownFlags), Value::Flags(f)) => {
                special::format_shutdown_flags(*f).into_bytes()
            }
            (_, Value::Int(v)) => v.to_string().into_bytes(),
            (_, Value::U64(v)) => v.to_string().into_bytes(),
            (_, Value::Str(s)) => s.clone(),
            (_, Value::Save(points)) => points
                .iter()
                .map(|(s, c)| format!("{s} {c}"))
                .collect::<Vec<_>>()
                .join(" ")
                .into_bytes(),
            (_, Value::Limits(limits)) => {
                special::format_client_output_buffer_limit(limits).into_bytes()
            }
            (_, Value::List(items)) => items.join(" ").into_bytes(),
            (_, Value::Oom(v)) => format!("{} {} {}", v[0], v[1], v[2]).into_bytes(),
            (_, Value::Percentiles(p)) => special::format_percentiles(p).into_bytes(),
            (_, Value::ReplicaOf(Some((host, port)))) => format!("{host} {port}").into_bytes(),
            (_, Value::ReplicaOf(None)) => Vec::new(),
            (_, Value::Bool(b)) => format_bool(*b).as_bytes().to_vec(),
            (_, Value::Enum(i)) => i.to_string().into_bytes(),
            (_, Value::Flags(f)) => f.to_string().into_bytes(),
        }
    }

    /// The lines `CONFIG REWRITE` writes for this value (most directives: one line;
    /// `save` and `client-output-buffer-limit`: one per entry), and whether they must
    /// be written even when the file does not mention the directive yet.
    ///
    /// `default` is the built-in default: a value equal to it is only written over an
    /// existing line, never appended, as Redis does. `save` and `dir` are always
    /// written (Redis does so that a rewritten file pins them down).
    pub(crate) fn rewrite_lines(&self, value: &Value, default: &Value) -> Vec<(String, bool)> {
        let name = self.name;
        let differs = value != default;
        match (self.kind, value) {
            (Kind::Special(Special::Save), Value::Save(points)) => {
                if points.is_empty() {
                    vec![(format!("{name} \"\""), true)]
                } else {
                    points
                        .iter()
                        .map(|(s, c)| (format!("{name} {s} {c}"), true))
                        .collect()
                }
            }
            (Kind::Special(Special::Dir), Value::Str(dir)) => {
                vec![(format!("{name} {}", repr(dir)), true)]
            }
            (Kind::Special(Special::ClientOutputBufferLimit), Value::Limits(limits)) => {
                let defaults = match default {
                    Value::Limits(d) => *d,
                    _ => [ClientBufferLimit::default(); 3],
                };
                limits
                    .iter()
                    .zip(defaults.iter())
                    .zip(special::CLIENT_CLASS_REWRITE_NAMES)
                    .map(|((limit, default), class)| {
                        (
                            format!(
                                "{name} {class} {} {} {}",
                                format_memory_units(limit.hard),
                                format_memory_units(limit.soft),
                                limit.soft_seconds
                            ),
                            limit != default,
                        )
                    })
                    .collect()
            }
            (Kind::Special(Special::ReplicaOf), Value::ReplicaOf(None)) => Vec::new(),
            (Kind::Special(Special::Bind), Value::List(items)) if items.is_empty() => {
                vec![(name.to_string(), differs)]
            }
            (Kind::Special(Special::NotifyKeyspaceEvents), Value::Flags(f)) => vec![(
                format!(
                    "{name} {}",
                    repr(special::format_keyspace_events(*f).as_bytes())
                ),
                differs,
            )],
            (Kind::Memory { .. }, Value::Int(v)) => {
                vec![(
                    format!("{name} {}", format_memory_units(*v as u64)),
                    differs,
                )]
            }
            (Kind::MemoryU64, Value::U64(v)) => {
                vec![(format!("{name} {}", format_memory_units(*v)), differs)]
            }
            (Kind::MemoryOrPercent, Value::Int(v)) => vec![(
                format!("{name} {}", special::format_memory_or_percent(*v, true)),
                differs,
            )],
            (Kind::String(_), Value::Str(s)) => vec![(format!("{name} {}", repr(s)), differs)],
            _ => vec![(
                format!("{name} {}", String::from_utf8_lossy(&self.format(value))),
                differs,
            )],
        }
    }
}

/// A directive's parsed value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Bool(bool),
    /// Integers and signed memory sizes; `maxmemory-clients` stores a percentage as a
    /// negative number (as Redis does).
    Int(i64),
    /// Unsigned memory sizes and `unixsocketperm`.
    U64(u64),
    /// Index into the directive's enum names.
    Enum(usize),
    /// Bit sets (`notify-keyspace-events`, `shutdown-on-*`).
    Flags(u32),
    Str(Vec<u8>),
    Save(Vec<(u64, u64)>),
    Limits([ClientBufferLimit; 3]),
    /// `bind` addresses.
    List(Vec<String>),
    Oom([i64; 3]),
    Percentiles(Vec<f64>),
    ReplicaOf(Option<(String, u16)>),
}

const I32_MAX: i64 = i32::MAX as i64;
const I32_MIN: i64 = i32::MIN as i64;
const U32_MAX: i64 = u32::MAX as i64;
const I64_MAX: i64 = i64::MAX;

const fn boolean(name: &'static str, default: &'static str) -> Directive {
    Directive::new(name, Kind::Bool, default)
}
const fn int(name: &'static str, min: i64, max: i64, default: &'static str) -> Directive {
    Directive::new(name, Kind::Int { min, max }, default)
}
const fn mem(name: &'static str, min: i64, max: i64, default: &'static str) -> Directive {
    Directive::new(name, Kind::Memory { min, max }, default)
}
const fn enumeration(
    name: &'static str,
    values: &'static [&'static str],
    default: &'static str,
) -> Directive {
    Directive::new(name, Kind::Enum(values), default)
}
const fn string(name: &'static str, default: &'static str) -> Directive {
    Directive::new(name, Kind::String(StringCheck::Any), default)
}
const fn special(name: &'static str, kind: Special, default: &'static str) -> Directive {
    Directive::new(name, Kind::Special(kind), default)
}

const PROTECTED_ACCESS: &[&str] = &["no", "yes", "local"];

/// Every directive of Redis 7.0.15, in alphabetical order of canonical name.
pub(crate) static DIRECTIVES: &[Directive] = &[
    enumeration(
        "acl-pubsub-default",
        &["allchannels", "resetchannels"],
        "resetchannels",
    ),
    string("aclfile", "").flags(IMMUTABLE),
    int("acllog-max-len", 0, I64_MAX, "128"),
    int("active-defrag-cycle-max", 1, 99, "25"),
    int("active-defrag-cycle-min", 1, 99, "1"),
    mem("active-defrag-ignore-bytes", 1, I64_MAX, "104857600"),
    int("active-defrag-max-scan-fields", 1, I64_MAX, "1000"),
    int("active-defrag-threshold-lower", 0, 1000, "10"),
    int("active-defrag-threshold-upper", 0, 1000, "100"),
    int("active-expire-effort", 1, 10, "1"),
    boolean("activedefrag", "no"),
    boolean("activerehashing", "yes"),
    boolean("always-show-logo", "no").flags(IMMUTABLE),
    boolean("aof-disable-auto-gc", "no"),
    boolean("aof-load-truncated", "yes"),
    boolean("aof-rewrite-incremental-fsync", "yes"),
    boolean("aof-timestamp-enabled", "no"),
    boolean("aof-use-rdb-preamble", "yes"),
    string("aof_rewrite_cpulist", "").flags(IMMUTABLE),
    Directive::new(
        "appenddirname",
        Kind::String(StringCheck::BaseName(
            "appenddirname can't be a path, just a dirname",
            "appenddirname can't be empty",
        )),
        "appendonlydir",
    )
    .flags(IMMUTABLE),
    Directive::new(
        "appendfilename",
        Kind::String(StringCheck::BaseName(
            "appendfilename can't be a path, just a filename",
            "appendfilename can't be empty",
        )),
        "appendonly.aof",
    )
    .flags(IMMUTABLE),
    enumeration("appendfsync", &["everysec", "always", "no"], "everysec"),
    boolean("appendonly", "no"),
    mem("auto-aof-rewrite-min-size", 0, I64_MAX, "67108864"),
    int("auto-aof-rewrite-percentage", 0, I32_MAX, "100"),
    string("bgsave_cpulist", "").flags(IMMUTABLE),
    // Every interface, as Redis: `protected-mode` (on by default) refuses clients that
    // are not local while no password is set.
    special("bind", Special::Bind, "* -::*"),
    string("bind-source-addr", ""),
    string("bio_cpulist", "").flags(IMMUTABLE),
    int("busy-reply-threshold", 0, I64_MAX, "5000").alias("lua-time-limit"),
    special(
        "client-output-buffer-limit",
        Special::ClientOutputBufferLimit,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    mem(
        "client-query-buffer-limit",
        1024 * 1024,
        I64_MAX,
        "1073741824",
    ),
    boolean("cluster-allow-pubsubshard-when-down", "yes"),
    boolean("cluster-allow-reads-when-down", "no"),
    boolean("cluster-allow-replica-migration", "yes"),
    int("cluster-announce-bus-port", 0, 65535, "0"),
    Directive::new(
        "cluster-announce-hostname",
        Kind::String(StringCheck::Hostname),
        "",
    ),
    string("cluster-announce-ip", ""),
    int("cluster-announce-port", 0, 65535, "0"),
    int("cluster-announce-tls-port", 0, 65535, "0"),
    string("cluster-config-file", "nodes.conf").flags(IMMUTABLE),
    boolean("cluster-enabled", "no").flags(IMMUTABLE),
    Directive::new("cluster-link-sendbuf-limit", Kind::MemoryU64, "0"),
    int("cluster-migration-barrier", 0, I32_MAX, "1"),
    int("cluster-node-timeout", 0, I64_MAX, "15000"),
    int("cluster-port", 0, 65535, "0").flags(IMMUTABLE),
    enumeration(
        "cluster-preferred-endpoint-type",
        &["ip", "hostname", "unknown-endpoint"],
        "ip",
    ),
    boolean("cluster-replica-no-failover", "no").alias("cluster-slave-no-failover"),
    int("cluster-replica-validity-factor", 0, I32_MAX, "10").alias("cluster-slave-validity-factor"),
    boolean("cluster-require-full-coverage", "yes"),
    boolean("crash-log-enabled", "yes"),
    boolean("crash-memcheck-enabled", "yes"),
    boolean("daemonize", "no").flags(IMMUTABLE),
    int("databases", 1, I32_MAX, "16").flags(IMMUTABLE),
    Directive::new(
        "dbfilename",
        Kind::String(StringCheck::BaseName(
            "dbfilename can't be a path, just a filename",
            "",
        )),
        "dump.rdb",
    )
    .flags(PROTECTED),
    // The default is the working directory at start-up, filled in by `Config::default`.
    special("dir", Special::Dir, "").flags(PROTECTED),
    boolean("disable-thp", "yes").flags(IMMUTABLE),
    boolean("dynamic-hz", "yes"),
    enumeration("enable-debug-command", PROTECTED_ACCESS, "no").flags(IMMUTABLE),
    enumeration("enable-module-command", PROTECTED_ACCESS, "no").flags(IMMUTABLE),
    enumeration("enable-protected-configs", PROTECTED_ACCESS, "no").flags(IMMUTABLE),
    int("hash-max-listpack-entries", 0, I64_MAX, "512").alias("hash-max-ziplist-entries"),
    mem("hash-max-listpack-value", 0, I64_MAX, "64").alias("hash-max-ziplist-value"),
    mem("hll-sparse-max-bytes", 0, I64_MAX, "3000"),
    special("hz", Special::Hz, "10"),
    string("ignore-warnings", ""),
    int("io-threads", 1, 128, "1").flags(IMMUTABLE),
    boolean("io-threads-do-reads", "no").flags(IMMUTABLE),
    boolean("jemalloc-bg-thread", "yes"),
    int("key-load-delay", I32_MIN, I32_MAX, "0").flags(HIDDEN),
    int("latency-monitor-threshold", 0, I64_MAX, "0"),
    boolean("latency-tracking", "yes"),
    special(
        "latency-tracking-info-percentiles",
        Special::LatencyPercentiles,
        "50 99 99.9",
    ),
    boolean("lazyfree-lazy-eviction", "no"),
    boolean("lazyfree-lazy-expire", "no"),
    boolean("lazyfree-lazy-server-del", "no"),
    boolean("lazyfree-lazy-user-del", "no"),
    boolean("lazyfree-lazy-user-flush", "no"),
    int("lfu-decay-time", 0, I32_MAX, "1"),
    int("lfu-log-factor", 0, I32_MAX, "10"),
    int("list-compress-depth", 0, I32_MAX, "0"),
    int("list-max-listpack-size", I32_MIN, I32_MAX, "-2").alias("list-max-ziplist-size"),
    int(
        "loading-process-events-interval-bytes",
        1024,
        I32_MAX,
        "2097152",
    )
    .flags(HIDDEN),
    string("logfile", "").flags(IMMUTABLE),
    enumeration(
        "loglevel",
        &["debug", "verbose", "notice", "warning"],
        "notice",
    ),
    boolean("lua-enable-deprecated-api", "no").flags(IMMUTABLE | HIDDEN),
    string("masterauth", "").flags(SENSITIVE),
    string("masteruser", ""),
    int("maxclients", 1, U32_MAX, "10000"),
    Directive::new("maxmemory", Kind::MemoryU64, "0"),
    Directive::new("maxmemory-clients", Kind::MemoryOrPercent, "0"),
    int("maxmemory-eviction-tenacity", 0, 100, "10"),
    enumeration(
        "maxmemory-policy",
        &[
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "noeviction",
        ],
        "noeviction",
    ),
    int("maxmemory-samples", 1, I32_MAX, "5"),
    int("min-replicas-max-lag", 0, I32_MAX, "10").alias("min-slaves-max-lag"),
    int("min-replicas-to-write", 0, I32_MAX, "0").alias("min-slaves-to-write"),
    boolean("no-appendfsync-on-rewrite", "no"),
    special("notify-keyspace-events", Special::NotifyKeyspaceEvents, ""),
    enumeration(
        "oom-score-adj",
        &["no", "yes", "relative", "absolute"],
        "no",
    ),
    special(
        "oom-score-adj-values",
        Special::OomScoreAdjValues,
        "0 200 800",
    ),
    string("pidfile", "/var/run/redis.pid").flags(IMMUTABLE),
    int("port", 0, 65535, "6379"),
    Directive::new(
        "proc-title-template",
        Kind::String(StringCheck::ProcTitle),
        "{title} {listen-addr} {server-mode}",
    ),
    enumeration(
        "propagation-error-behavior",
        &["ignore", "panic", "panic-on-replicas"],
        "ignore",
    ),
    boolean("protected-mode", "yes"),
    mem("proto-max-bulk-len", 1024 * 1024, I64_MAX, "536870912"),
    boolean("rdb-del-sync-files", "no"),
    int("rdb-key-save-delay", I32_MIN, I32_MAX, "0").flags(HIDDEN),
    boolean("rdb-save-incremental-fsync", "yes"),
    boolean("rdbchecksum", "yes").flags(IMMUTABLE),
    boolean("rdbcompression", "yes"),
    mem("repl-backlog-size", 1, I64_MAX, "1048576"),
    int("repl-backlog-ttl", 0, I64_MAX, "3600"),
    boolean("repl-disable-tcp-nodelay", "no"),
    enumeration(
        "repl-diskless-load",
        &["disabled", "on-empty-db", "swapdb"],
        "disabled",
    ),
    boolean("repl-diskless-sync", "yes"),
    int("repl-diskless-sync-delay", 0, I32_MAX, "5"),
    int("repl-diskless-sync-max-replicas", 0, I32_MAX, "0"),
    int("repl-ping-replica-period", 1, I32_MAX, "10").alias("repl-ping-slave-period"),
    int("repl-timeout", 1, I32_MAX, "60"),
    string("replica-announce-ip", "").alias("slave-announce-ip"),
    int("replica-announce-port", 0, 65535, "0").alias("slave-announce-port"),
    boolean("replica-announced", "yes"),
    boolean("replica-ignore-disk-write-errors", "no"),
    boolean("replica-ignore-maxmemory", "yes").alias("slave-ignore-maxmemory"),
    boolean("replica-lazy-flush", "no").alias("slave-lazy-flush"),
    int("replica-priority", 0, I32_MAX, "100").alias("slave-priority"),
    boolean("replica-read-only", "yes").alias("slave-read-only"),
    boolean("replica-serve-stale-data", "yes").alias("slave-serve-stale-data"),
    special("replicaof", Special::ReplicaOf, "")
        .alias("slaveof")
        .flags(IMMUTABLE),
    string("requirepass", "").flags(SENSITIVE),
    enumeration("sanitize-dump-payload", &["no", "yes", "clients"], "no"),
    special("save", Special::Save, "3600 1 300 100 60 10000"),
    string("server_cpulist", "").flags(IMMUTABLE),
    // cedis's own: worker threads of the runtime, `0` for one per CPU the process may run
    // on. Hidden from `CONFIG GET *` so the listing stays Redis's.
    int("server-threads", 0, 1024, "0").flags(IMMUTABLE | HIDDEN),
    int("set-max-intset-entries", 0, I64_MAX, "512"),
    boolean("set-proc-title", "yes").flags(IMMUTABLE),
    special("shutdown-on-sigint", Special::ShutdownFlags, "default"),
    special("shutdown-on-sigterm", Special::ShutdownFlags, "default"),
    int("shutdown-timeout", 0, I32_MAX, "10"),
    int("slowlog-log-slower-than", -1, I64_MAX, "10000"),
    int("slowlog-max-len", 0, I64_MAX, "128"),
    int("socket-mark-id", 0, U32_MAX, "0").flags(IMMUTABLE),
    boolean("stop-writes-on-bgsave-error", "yes"),
    mem("stream-node-max-bytes", 0, I64_MAX, "4096"),
    int("stream-node-max-entries", 0, I64_MAX, "100"),
    enumeration("supervised", &["upstart", "systemd", "auto", "no"], "no").flags(IMMUTABLE),
    boolean("syslog-enabled", "no").flags(IMMUTABLE),
    enumeration(
        "syslog-facility",
        &[
            "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
        ],
        "local0",
    )
    .flags(IMMUTABLE),
    string("syslog-ident", "redis").flags(IMMUTABLE),
    int("tcp-backlog", 0, I32_MAX, "511").flags(IMMUTABLE),
    int("tcp-keepalive", 0, I32_MAX, "300"),
    int("timeout", 0, I32_MAX, "0"),
    enumeration("tls-auth-clients", &["no", "yes", "optional"], "yes"),
    string("tls-ca-cert-dir", ""),
    string("tls-ca-cert-file", ""),
    string("tls-cert-file", ""),
    string("tls-ciphers", ""),
    string("tls-ciphersuites", ""),
    string("tls-client-cert-file", ""),
    string("tls-client-key-file", ""),
    string("tls-client-key-file-pass", "").flags(SENSITIVE),
    boolean("tls-cluster", "no"),
    string("tls-dh-params-file", ""),
    string("tls-key-file", ""),
    string("tls-key-file-pass", "").flags(SENSITIVE),
    int("tls-port", 0, 65535, "0"),
    boolean("tls-prefer-server-ciphers", "no"),
    string("tls-protocols", ""),
    boolean("tls-replication", "no"),
    int("tls-session-cache-size", 0, I32_MAX, "20480"),
    int("tls-session-cache-timeout", 0, I32_MAX, "300"),
    boolean("tls-session-caching", "yes"),
    int("tracking-table-max-keys", 0, I64_MAX, "1000000"),
    string("unixsocket", "").flags(IMMUTABLE),
    special("unixsocketperm", Special::UnixSocketPerm, "0").flags(IMMUTABLE),
    boolean("use-exit-on-panic", "no").flags(HIDDEN),
    int("watchdog-period", 0, I32_MAX, "0").flags(HIDDEN),
    int("zset-max-listpack-entries", 0, I64_MAX, "128").alias("zset-max-ziplist-entries"),
    mem("zset-max-listpack-value", 0, I64_MAX, "64").alias("zset-max-ziplist-value"),
];

/// Finds a directive by canonical name or alias, case-insensitively.
///
/// Returns its index in [`DIRECTIVES`] and the spelling that matched (the canonical
/// name or the alias), since Redis echoes the alias back in `CONFIG GET`.
///
/// ```text
/// lookup(b"SLAVEOF") -> Some((index of replicaof, "slaveof"))
/// ```
pub(crate) fn lookup(name: &[u8]) -> Option<(usize, &'static str)> {
    DIRECTIVES.iter().enumerate().find_map(|(i, d)| {
        if d.name.as_bytes().eq_ignore_ascii_case(name) {
            Some((i, d.name))
        } else {
            d.alias
                .filter(|alias| alias.as_bytes().eq_ignore_ascii_case(name))
                .map(|alias| (i, alias))
        }
    })
}

/// The index of a canonical name; `None` only for a misspelt name in cedis's own code.
pub(crate) fn index_of(name: &str) -> Option<usize> {
    DIRECTIVES.iter().position(|d| d.name == name)
}
