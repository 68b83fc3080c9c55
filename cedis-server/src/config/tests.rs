//! Behaviour tests for the configuration: every expected text below was observed on a
//! real `redis-server` 7.0.15 (`CONFIG GET/SET/REWRITE`, and start-up with bad files).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::directive::{Value, DIRECTIVES};
use super::*;

/// A scratch directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("cedis-config-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, content).expect("write temp file");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn from_args(list: &[&str]) -> Result<Config, ConfigError> {
    Config::from_args_with_stdin(&args(list), || Ok(Vec::new()))
}

fn load(text: &str) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    config.load(text.as_bytes())?;
    Ok(config)
}

/// The start-up error for a config text, as (line, text, reason).
fn load_error(text: &str) -> (usize, String, String) {
    match load(text) {
        Err(ConfigError::Line { line, text, reason }) => (line, text, reason),
        other => panic!("expected a line error for {text:?}, got {other:?}"),
    }
}

fn get1(config: &Config, name: &str) -> String {
    let pairs = config.get(&[name.as_bytes()]);
    assert_eq!(pairs.len(), 1, "CONFIG GET {name}: {pairs:?}");
    String::from_utf8(pairs[0].1.clone()).expect("utf-8 value")
}

fn set(config: &mut Config, pairs: &[(&str, &str)]) -> Result<Vec<&'static str>, ConfigSetError> {
    let pairs: Vec<(&[u8], &[u8])> = pairs
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
        .collect();
    config.set(&pairs)
}

fn set_err(config: &mut Config, pairs: &[(&str, &str)]) -> String {
    set(config, pairs)
        .expect_err("CONFIG SET should fail")
        .to_string()
}

const REDIS_DEFAULTS: &str = include_str!("redis_7_0_15_defaults.tsv");

/// Redis 7.0's `tests/assets/default.conf`.
const TEST_SUITE_DEFAULT_CONF: &str = "\
always-show-logo yes
notify-keyspace-events KEA
daemonize no
pidfile /var/run/redis.pid
port 6379
timeout 0
bind 127.0.0.1
loglevel verbose
logfile ''
databases 16
latency-monitor-threshold 1
repl-diskless-sync-delay 0
save 900 1
save 300 10
save 60 10000
rdbcompression yes
dbfilename dump.rdb
dir ./
slave-serve-stale-data yes
appendonly no
appendfsync everysec
no-appendfsync-on-rewrite no
activerehashing yes
enable-debug-command yes
enable-protected-configs yes
enable-module-command yes
propagation-error-behavior panic
";

// ---------------------------------------------------------------- the table

#[test]
fn every_default_round_trips_through_its_parser() {
    let defaults = super::defaults();
    for (d, value) in DIRECTIVES.iter().zip(defaults) {
        if d.name == "dir" {
            continue;
        }
        assert_eq!(
            String::from_utf8_lossy(&d.format(value)),
            d.default,
            "default of {}",
            d.name
        );
    }
}

#[test]
fn config_get_star_lists_exactly_redis_names_and_defaults() {
    let config = Config::default();
    let mut got: Vec<(String, String)> = config
        .get(&[b"*"])
        .into_iter()
        .filter(|(name, _)| name != "dir")
        .map(|(n, v)| (n, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    got.sort();
    let expected: Vec<(String, String)> = REDIS_DEFAULTS
        .lines()
        .map(|line| {
            let (name, value) = line.split_once('\t').expect("tab-separated");
            (name.to_string(), value.to_string())
        })
        .collect();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e);
    }
    // `dir` is the working directory.
    let cwd = std::fs::canonicalize(std::env::current_dir().unwrap()).unwrap();
    assert_eq!(get1(&config, "dir"), cwd.to_string_lossy());
}

#[test]
fn typed_fields_hold_the_defaults() {
    let c = Config::default();
    assert_eq!(c.bind, vec!["*".to_string(), "-::*".to_string()]);
    assert_eq!(c.port, 6379);
    assert_eq!(c.databases, 16);
    assert_eq!(c.requirepass, None);
    assert_eq!(c.timeout, 0);
    assert_eq!(c.tcp_keepalive, 300);
    assert_eq!(c.maxclients, 10000);
    assert_eq!(c.hz, 10);
    assert_eq!(c.loglevel, LogLevel::Notice);
    assert_eq!(c.logfile, "");
    assert_eq!(c.pidfile, "/var/run/redis.pid");
    assert!(!c.daemonize);
    assert_eq!(c.dbfilename, "dump.rdb");
    assert_eq!(c.save, vec![(3600, 1), (300, 100), (60, 10000)]);
    assert!(!c.appendonly);
    assert_eq!(c.appendfsync, AppendFsync::Everysec);
    assert_eq!(c.appendfilename, "appendonly.aof");
    assert_eq!(c.maxmemory, 0);
    assert_eq!(c.maxmemory_policy, MaxmemoryPolicy::Noeviction);
    assert_eq!(c.proto_max_bulk_len, 512 * 1024 * 1024);
    assert_eq!(c.client_query_buffer_limit, 1024 * 1024 * 1024);
    assert_eq!(c.notify_keyspace_events, 0);
    assert_eq!(c.enable_debug_command, ProtectedAccess::No);
    assert!(c.protected_mode);
    assert_eq!(c.hash_max_listpack_entries, 512);
    assert_eq!(c.hash_max_listpack_value, 64);
    assert_eq!(c.set_max_intset_entries, 512);
    assert_eq!(c.zset_max_listpack_entries, 128);
    assert_eq!(c.zset_max_listpack_value, 64);
    assert_eq!(c.list_max_listpack_size, -2);
    assert_eq!(c.list_compress_depth, 0);
    assert_eq!(c.slowlog_log_slower_than, 10000);
    assert_eq!(c.slowlog_max_len, 128);
    assert_eq!(c.latency_monitor_threshold, 0);
    assert_eq!(c.busy_reply_threshold, 5000);
    assert_eq!(c.active_expire_effort, 1);
    assert!(!c.lazyfree_lazy_eviction && !c.lazyfree_lazy_user_flush);
    assert_eq!(
        c.client_output_buffer_limit,
        [
            ClientBufferLimit {
                hard: 0,
                soft: 0,
                soft_seconds: 0
            },
            ClientBufferLimit {
                hard: 256 << 20,
                soft: 64 << 20,
                soft_seconds: 60
            },
            ClientBufferLimit {
                hard: 32 << 20,
                soft: 8 << 20,
                soft_seconds: 60
            },
        ]
    );
    assert!(c.rdbcompression && c.rdbchecksum);
    assert_eq!(c.io_threads, 1);
    assert!(!c.always_show_logo);
    assert_eq!(c.maxmemory_clients, MaxmemoryClients::Bytes(0));
    assert_eq!(c.latency_tracking_info_percentiles, vec![50.0, 99.0, 99.9]);
    assert_eq!(c.shutdown_on_sigint, 0);
    assert_eq!(c.replicaof, None);
    assert_eq!(c.config_file, None);
}

// ---------------------------------------------------------------- loading

#[test]
fn redis_test_suite_default_conf_loads() {
    let c = load(TEST_SUITE_DEFAULT_CONF).expect("default.conf loads");
    assert!(c.always_show_logo);
    assert_eq!(get1(&c, "notify-keyspace-events"), "AKE");
    assert_eq!(
        c.notify_keyspace_events,
        keyspace_events::ALL | keyspace_events::KEYSPACE | keyspace_events::KEYEVENT
    );
    assert_eq!(c.bind, vec!["127.0.0.1".to_string()]);
    assert_eq!(c.loglevel, LogLevel::Verbose);
    assert_eq!(c.logfile, "");
    assert_eq!(c.latency_monitor_threshold, 1);
    assert_eq!(get1(&c, "repl-diskless-sync-delay"), "0");
    assert_eq!(c.save, vec![(900, 1), (300, 10), (60, 10000)]);
    assert_eq!(get1(&c, "save"), "900 1 300 10 60 10000");
    let cwd = std::fs::canonicalize(std::env::current_dir().unwrap()).unwrap();
    assert_eq!(c.dir, cwd.to_string_lossy());
    assert_eq!(get1(&c, "slave-serve-stale-data"), "yes");
    assert_eq!(c.enable_debug_command, ProtectedAccess::Yes);
    assert_eq!(c.enable_protected_configs, ProtectedAccess::Yes);
    assert_eq!(c.enable_module_command, ProtectedAccess::Yes);
    assert_eq!(get1(&c, "propagation-error-behavior"), "panic");
}

#[test]
fn comments_blanks_case_and_quoting() {
    let c = load(
        "# comment\n\n   # indented comment\n  Port 7000  \r\nHZ\t20\n\
         requirepass \"a b\\x41\\n\"\nmasterauth 'it\\'s'\ntls-ciphers \"\"\n",
    )
    .unwrap();
    assert_eq!(c.port, 7000);
    assert_eq!(c.hz, 20);
    assert_eq!(c.requirepass, Some(b"a bA\n".to_vec()));
    assert_eq!(get1(&c, "masterauth"), "it's");
    assert_eq!(get1(&c, "tls-ciphers"), "");
}

#[test]
fn aliases_and_accepted_extra_directives() {
    let c = load(
        "slaveof 127.0.0.1 6380\nhash-max-ziplist-entries 100\nlua-time-limit 100\n\
         list-max-ziplist-size -3\nslave-read-only no\n\
         rename-command flushall \"\"\nuser alice on >pw ~* +@all\nloadmodule /x.so a b\n\
         list-max-ziplist-entries 5\nlist-max-ziplist-value 5\nlua-replicate-commands yes\nsentinel\n",
    )
    .unwrap();
    assert_eq!(c.replicaof, Some(("127.0.0.1".to_string(), 6380)));
    assert_eq!(get1(&c, "replicaof"), "127.0.0.1 6380");
    assert_eq!(c.hash_max_listpack_entries, 100);
    assert_eq!(c.busy_reply_threshold, 100);
    assert_eq!(c.list_max_listpack_size, -3);
    assert_eq!(get1(&c, "replica-read-only"), "no");
    assert_eq!(c.rename_commands, vec![(b"flushall".to_vec(), Vec::new())]);
    assert_eq!(c.users.len(), 1);
    assert_eq!(c.users[0][0], b"alice".to_vec());
    assert_eq!(
        c.loadmodules,
        vec![vec![b"/x.so".to_vec(), b"a".to_vec(), b"b".to_vec()]]
    );
    let c = load("replicaof no one\n").unwrap();
    assert_eq!(c.replicaof, None);
}

#[test]
fn save_lines_accumulate_and_clear() {
    assert_eq!(
        load("save 900 1\nsave 300 10\n").unwrap().save,
        vec![(900, 1), (300, 10)]
    );
    assert_eq!(
        load("save 900 1 300 10\n").unwrap().save,
        vec![(900, 1), (300, 10)]
    );
    assert_eq!(
        load("save 900 1\nsave \"\"\nsave 300 10\n").unwrap().save,
        vec![(300, 10)]
    );
    assert_eq!(load("save \"\"\n").unwrap().save, vec![]);
    assert_eq!(load("save\n").unwrap().save, vec![]);
    assert_eq!(load("save \" 1\" 1\n").unwrap().save, vec![(1, 1)]);
    assert_eq!(load("save 01 +1\n").unwrap().save, vec![(1, 1)]);
    assert_eq!(load("save 1 0\n").unwrap().save, vec![(1, 0)]);
}

#[test]
fn file_error_texts_match_redis() {
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "foo bar",
            1,
            "foo bar",
            "Bad directive or wrong number of arguments",
        ),
        (
            "port abc",
            1,
            "port abc",
            "argument couldn't be parsed into an integer",
        ),
        (
            "port 99999",
            1,
            "port 99999",
            "argument must be between 0 and 65535 inclusive",
        ),
        ("port", 1, "port", "wrong number of arguments"),
        ("port 1 2", 1, "port 1 2", "wrong number of arguments"),
        (
            "# c\n\nappendonly maybe",
            3,
            "appendonly maybe",
            "argument must be 'yes' or 'no'",
        ),
        (
            "port \"1",
            1,
            "port \"1",
            "Unbalanced quotes in configuration line",
        ),
        (
            "maxmemory-policy foo",
            1,
            "maxmemory-policy foo",
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, \
             volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
        ),
        ("save 900", 1, "save 900", "Invalid save parameters"),
        ("save a b", 1, "save a b", "Invalid save parameters"),
        (
            "save \"\" 900 1",
            1,
            "save \"\" 900 1",
            "Invalid save parameters",
        ),
        ("save 0 1", 1, "save 0 1", "Invalid save parameters"),
        (
            "databases 0",
            1,
            "databases 0",
            "argument must be between 1 and 2147483647 inclusive",
        ),
        (
            "hz 1k",
            1,
            "hz 1k",
            "argument couldn't be parsed into an integer",
        ),
        (
            "loglevel foo",
            1,
            "loglevel foo",
            "argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
        (
            "port 7199 # comment",
            1,
            "port 7199 # comment",
            "wrong number of arguments",
        ),
        (
            "dir /nonexistent-cedis",
            1,
            "dir /nonexistent-cedis",
            "No such file or directory",
        ),
        ("dir", 1, "dir", "wrong number of arguments"),
        (
            "replicaof 127.0.0.1",
            1,
            "replicaof 127.0.0.1",
            "wrong number of arguments",
        ),
        (
            "replicaof h abc",
            1,
            "replicaof h abc",
            "Invalid master port",
        ),
        (
            "slaveof h 99999",
            1,
            "slaveof h 99999",
            "Invalid master port",
        ),
        (
            "unixsocketperm 999",
            1,
            "unixsocketperm 999",
            "argument couldn't be parsed as an octal number",
        ),
        (
            "unixsocketperm 7777",
            1,
            "unixsocketperm 7777",
            "argument must be between 0 and 777 inclusive",
        ),
        (
            "enable-debug-command maybe",
            1,
            "enable-debug-command maybe",
            "argument(s) must be one of the following: no, yes, local",
        ),
        (
            "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
            1,
            "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
            "Too many bind addresses specified.",
        ),
        (
            "appendfilename a/b",
            1,
            "appendfilename a/b",
            "appendfilename can't be a path, just a filename",
        ),
        (
            "appenddirname a/b",
            1,
            "appenddirname a/b",
            "appenddirname can't be a path, just a dirname",
        ),
        (
            "dbfilename a/b",
            1,
            "dbfilename a/b",
            "dbfilename can't be a path, just a filename",
        ),
        (
            "syslog-facility foo",
            1,
            "syslog-facility foo",
            "argument(s) must be one of the following: user, local0, local1, local2, local3, \
             local4, local5, local6, local7",
        ),
        (
            "unixsocketperm -1",
            1,
            "unixsocketperm -1",
            "argument must be between 0 and 777 inclusive",
        ),
        (
            "appendfilename \"\"",
            1,
            "appendfilename \"\"",
            "appendfilename can't be empty",
        ),
        (
            "appenddirname \"\"",
            1,
            "appenddirname \"\"",
            "appenddirname can't be empty",
        ),
        (
            "io-threads 129",
            1,
            "io-threads 129",
            "argument must be between 1 and 128 inclusive",
        ),
        (
            "maxclients 0",
            1,
            "maxclients 0",
            "argument must be between 1 and 4294967295 inclusive",
        ),
        (
            "shutdown-on-sigint save nosave",
            1,
            "shutdown-on-sigint save nosave",
            "shutdown options SAVE and NOSAVE can't be used simultaneously",
        ),
        (
            "oom-score-adj-values 1 2",
            1,
            "oom-score-adj-values 1 2",
            "wrong number of arguments",
        ),
        (
            "client-output-buffer-limit normal 0 0",
            1,
            "client-output-buffer-limit normal 0 0",
            "Wrong number of arguments in buffer limit configuration.",
        ),
        (
            "notify-keyspace-events",
            1,
            "notify-keyspace-events",
            "wrong number of arguments",
        ),
        ("requirepass", 1, "requirepass", "wrong number of arguments"),
        (
            "rename-command get",
            1,
            "rename-command get",
            "Bad directive or wrong number of arguments",
        ),
        (
            "rename-command get foo bar",
            1,
            "rename-command get foo bar",
            "Bad directive or wrong number of arguments",
        ),
        (
            "user",
            1,
            "user",
            "Bad directive or wrong number of arguments",
        ),
        (
            "include",
            1,
            "include",
            "Bad directive or wrong number of arguments",
        ),
        (
            "include a b",
            1,
            "include a b",
            "Bad directive or wrong number of arguments",
        ),
        (
            "loadmodule",
            1,
            "loadmodule",
            "Bad directive or wrong number of arguments",
        ),
        (
            "list-max-ziplist-entries",
            1,
            "list-max-ziplist-entries",
            "Bad directive or wrong number of arguments",
        ),
        (
            "sentinel a",
            1,
            "sentinel a",
            "sentinel directive while not in sentinel mode",
        ),
    ];
    for (text, line, shown, reason) in cases {
        assert_eq!(
            load_error(text),
            (*line, shown.to_string(), reason.to_string()),
            "{text}"
        );
    }
}

#[test]
fn fatal_error_prints_like_redis_server() {
    let err = from_args(&["--port", "abc"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n\
         Reading the configuration file, at line 2\n\
         >>> 'port \"abc\"'\n\
         argument couldn't be parsed into an integer"
    );
}

#[test]
fn missing_files_report_strerror() {
    assert_eq!(
        from_args(&["/nonexistent-cedis/x.conf"]).unwrap_err().to_string(),
        "Fatal error, can't open config file '/nonexistent-cedis/x.conf': No such file or directory"
    );
    assert_eq!(
        load("include /nonexistent-cedis/x.conf\n").unwrap_err().to_string(),
        "Fatal error, can't open config file '/nonexistent-cedis/x.conf': No such file or directory"
    );
}

// ---------------------------------------------------------------- command line

fn arg_error(list: &[&str]) -> (usize, String, String) {
    match from_args(list) {
        Err(ConfigError::Line { line, text, reason }) => (line, text, reason),
        other => panic!("expected a line error for {list:?}, got {other:?}"),
    }
}

#[test]
fn command_line_takes_name_and_value_in_one_argument() {
    let c = from_args(&["--maxmemory 700mb", "--hz 20", "--port", "--7001"]);
    // `--7001` is a value of `port` (and not a valid one), as in Redis.
    assert!(c.is_err());
    let c = from_args(&["--maxmemory 700mb", "--hz 20", "--port", "7001"]).unwrap();
    assert_eq!(c.maxmemory, 700 << 20);
    assert_eq!(c.hz, 20);
    assert_eq!(c.port, 7001);
}

#[test]
fn command_line_overrides_the_file() {
    let dir = TempDir::new("argv");
    let file = dir.file("a.conf", "port 7000\nhz 20\nsave 900 1\nsave 300 10\n");
    let path = file.to_string_lossy().into_owned();
    let c = from_args(&[
        &path,
        "--port",
        "7001",
        "--save",
        "60",
        "5",
        "--maxmemory",
        "1gb",
    ])
    .unwrap();
    assert_eq!(c.port, 7001);
    assert_eq!(c.hz, 20);
    assert_eq!(c.save, vec![(900, 1), (300, 10), (60, 5)]);
    assert_eq!(c.maxmemory, 1 << 30);
    assert_eq!(c.config_file.as_deref(), Some(file.as_path()));

    let c = from_args(&["--save", ""]).unwrap();
    assert!(c.save.is_empty());
    let c = from_args(&["--port", "7002", "--save"]).unwrap();
    assert!(c.save.is_empty());
    let c = from_args(&["--save", "--port", "7003"]).unwrap();
    assert!(c.save.is_empty());
    assert_eq!(c.port, 7003);
    let c = from_args(&["--save", "900", "1", "--save", "300", "10"]).unwrap();
    assert_eq!(c.save, vec![(900, 1), (300, 10)]);
    let c = from_args(&["--requirepass", "with space", "--loglevel", "WARNING"]).unwrap();
    assert_eq!(c.requirepass, Some(b"with space".to_vec()));
    assert_eq!(c.loglevel, LogLevel::Warning);
    // A multi-word directive as one argument is split on spaces.
    let c = from_args(&[
        "--save",
        "900 1",
        "--client-output-buffer-limit",
        "normal 1 2 3",
    ])
    .unwrap();
    assert_eq!(c.save, vec![(900, 1)]);
    assert_eq!(
        c.client_output_buffer_limit[CLIENT_CLASS_NORMAL].soft_seconds,
        3
    );
    let c = from_args(&[
        "--shutdown-on-sigint",
        "save now",
        "--latency-tracking-info-percentiles",
        "",
    ])
    .unwrap();
    assert_eq!(
        c.shutdown_on_sigint,
        shutdown_flags::SAVE | shutdown_flags::NOW
    );
    assert!(c.latency_tracking_info_percentiles.is_empty());
    assert!(from_args(&["--bind", ""]).unwrap().bind.is_empty());
    assert_eq!(
        arg_error(&["--client-output-buffer-limit", ""]).2,
        "Wrong number of arguments in buffer limit configuration."
    );
    assert_eq!(
        arg_error(&["--replicaof", "a b"]),
        (2, "replicaof \"a b\"".into(), "Invalid master port".into())
    );
    let c = from_args(&["--", "hz", "5"]).unwrap();
    assert_eq!(c.hz, 5);
    let c = from_args(&[]).unwrap();
    assert_eq!(c.port, 6379);
}

#[test]
fn command_line_errors_count_lines_after_the_file() {
    assert_eq!(
        arg_error(&["--port", "abc"]),
        (
            2,
            "port \"abc\"".into(),
            "argument couldn't be parsed into an integer".into()
        )
    );
    assert_eq!(
        arg_error(&["--foo"]),
        (
            2,
            "foo".into(),
            "Bad directive or wrong number of arguments".into()
        )
    );
    assert_eq!(
        arg_error(&["--port"]),
        (2, "port".into(), "wrong number of arguments".into())
    );
    assert_eq!(
        arg_error(&["--save", "900", "x", "--port", "1"]),
        (
            2,
            "save \"900\" \"x\"".into(),
            "Invalid save parameters".into()
        )
    );
    assert_eq!(
        arg_error(&["--port", "7199", "--loglevel", "a b"]),
        (
            3,
            "loglevel \"a b\"".into(),
            "argument(s) must be one of the following: debug, verbose, notice, warning".into()
        )
    );
    assert_eq!(
        arg_error(&["--port", "7199", "--loglevel", "a\"b"]).1,
        "loglevel \"a\\\"b\""
    );
    assert_eq!(
        arg_error(&["--port", "7199", "--save", "", "--hz", "5", "6"]),
        (
            4,
            "hz \"5\" \"6\"".into(),
            "wrong number of arguments".into()
        )
    );
    assert_eq!(
        arg_error(&["--port", "7199", "hz", "5"]),
        (
            2,
            "port \"7199\" \"hz\" \"5\"".into(),
            "wrong number of arguments".into()
        )
    );
    assert_eq!(arg_error(&["--port", "7199", "--hz", ""]).1, "hz \"\"");

    let dir = TempDir::new("argv-lines");
    let file = dir.file("y.conf", "port 7199\n# comment\n\n");
    let path = file.to_string_lossy().into_owned();
    assert_eq!(arg_error(&[&path, "--port", "abc"]).0, 5);
    assert_eq!(
        arg_error(&[&path, "-", "--port", "1"]),
        (
            5,
            "\"-\"".into(),
            "Bad directive or wrong number of arguments".into()
        )
    );
}

#[test]
fn stdin_is_appended_after_the_file() {
    let dir = TempDir::new("stdin");
    let file = dir.file("y.conf", "port 7199\n# comment\n\n");
    let path = file.to_string_lossy().into_owned();
    let stdin = |text: &'static str| move || Ok(text.as_bytes().to_vec());
    let err = Config::from_args_with_stdin(&args(&[&path, "-"]), stdin("hz abc")).unwrap_err();
    assert!(matches!(err, ConfigError::Line { line: 4, .. }), "{err:?}");
    let err = Config::from_args_with_stdin(&args(&[&path, "--port", "abc", "-"]), stdin("hz 5\n"))
        .unwrap_err();
    assert!(matches!(err, ConfigError::Line { line: 6, .. }), "{err:?}");
    let err =
        Config::from_args_with_stdin(&args(&["--port", "abc", "-"]), stdin("hz 5")).unwrap_err();
    assert!(matches!(err, ConfigError::Line { line: 2, .. }), "{err:?}");
    let c = Config::from_args_with_stdin(&args(&["-"]), stdin("maxmemory 128mb\n")).unwrap();
    assert_eq!(c.maxmemory, 128 << 20);
    assert_eq!(c.config_file, None);
}

// ---------------------------------------------------------------- include

#[test]
fn include_files_and_patterns() {
    let dir = TempDir::new("include");
    let inc = dir.file("inc.conf", "# included\nport 7005\n");
    let main = dir.file(
        "main.conf",
        &format!("hz 20\ninclude {}\nmaxmemory 1mb\n", inc.to_string_lossy()),
    );
    let c = from_args(&[&main.to_string_lossy()]).unwrap();
    assert_eq!((c.hz, c.port, c.maxmemory), (20, 7005, 1 << 20));

    // Errors inside an included file are numbered within that file.
    let bad = dir.file("bad.conf", "port 7199\nhz abc\n");
    let (line, text, _) = load_error(&format!("# top\ninclude {}\n", bad.to_string_lossy()));
    assert_eq!((line, text.as_str()), (2, "hz abc"));

    // A pattern includes every match, in name order, as one text.
    std::fs::create_dir_all(dir.path().join("g")).unwrap();
    std::fs::write(dir.path().join("g/a.conf"), "hz 5\n").unwrap();
    std::fs::write(dir.path().join("g/b.conf"), "hz 6\n").unwrap();
    let pattern = dir.path().join("g/*.conf");
    let c = load(&format!("include {}\n", pattern.to_string_lossy())).unwrap();
    assert_eq!(c.hz, 6);
    std::fs::write(dir.path().join("g/b.conf"), "hz abc\n").unwrap();
    let (line, text, _) = load_error(&format!("include {}\n", pattern.to_string_lossy()));
    assert_eq!((line, text.as_str()), (2, "hz abc"));
    let pattern = dir.path().join("g/[a].conf");
    assert_eq!(
        load(&format!("include {}\n", pattern.to_string_lossy()))
            .unwrap()
            .hz,
        5
    );
    // No match, or no such directory: nothing is included.
    let none = dir.path().join("g/*.nomatch");
    assert!(load(&format!("include {}\n", none.to_string_lossy())).is_ok());
    let none = dir.path().join("nodir/*.conf");
    assert!(load(&format!("include {}\n", none.to_string_lossy())).is_ok());
}

#[test]
fn include_loops_are_refused() {
    let dir = TempDir::new("include-loop");
    let path = dir.path().join("self.conf");
    std::fs::write(&path, format!("include {}\n", path.to_string_lossy())).unwrap();
    assert!(from_args(&[&path.to_string_lossy()]).is_err());
}

// ---------------------------------------------------------------- CONFIG GET

#[test]
fn config_get_matching_rules() {
    let c = Config::default();
    let names = |patterns: &[&str]| -> Vec<String> {
        let patterns: Vec<&[u8]> = patterns.iter().map(|p| p.as_bytes()).collect();
        c.get(&patterns).into_iter().map(|(n, _)| n).collect()
    };
    // An exact name is echoed as asked.
    assert_eq!(names(&["HZ"]), vec!["HZ"]);
    assert_eq!(names(&["PORT", "port"]), vec!["PORT"]);
    assert_eq!(names(&["port", "PORT"]), vec!["port"]);
    // Glob patterns are case-insensitive.
    assert_eq!(names(&["P*T"]), vec!["port"]);
    assert_eq!(names(&["po[r]t"]), vec!["port"]);
    // Aliases are names of their own.
    assert_eq!(
        names(&["hash-max-ziplist-entries"]),
        vec!["hash-max-ziplist-entries"]
    );
    let mut got = names(&["*max-*-entries*"]);
    got.sort();
    assert_eq!(
        got,
        vec![
            "hash-max-listpack-entries",
            "hash-max-ziplist-entries",
            "set-max-intset-entries",
            "zset-max-listpack-entries",
            "zset-max-ziplist-entries",
        ]
    );
    let mut got = names(&["slave*"]);
    got.sort();
    assert_eq!(
        got,
        vec![
            "slave-announce-ip",
            "slave-announce-port",
            "slave-ignore-maxmemory",
            "slave-lazy-flush",
            "slave-priority",
            "slave-read-only",
            "slave-serve-stale-data",
            "slaveof",
        ]
    );
    // Each name once across patterns.
    let got = names(&["port", "p*", "*"]);
    assert_eq!(got.iter().filter(|n| n.as_str() == "port").count(), 1);
    // Unknown names give nothing.
    assert!(names(&["nosuch"]).is_empty());
    // Hidden knobs: only by exact name.
    assert!(names(&["key-*"]).is_empty());
    assert!(names(&["watchdog*"]).is_empty());
    assert_eq!(names(&["KEY-load-delay"]), vec!["KEY-load-delay"]);
    assert_eq!(get1(&c, "use-exit-on-panic"), "no");
    assert_eq!(get1(&c, "loading-process-events-interval-bytes"), "2097152");
}

// ---------------------------------------------------------------- CONFIG SET

#[test]
fn set_round_trips_for_each_kind() {
    let mut c = Config::default();
    let cases: &[(&str, &str, &str)] = &[
        ("appendonly", "yes", "yes"),
        ("protected-mode", "NO", "no"),
        ("port", "7000", "7000"),
        ("slowlog-log-slower-than", "-1", "-1"),
        ("list-max-listpack-size", "-5", "-5"),
        ("maxmemory", "1k", "1000"),
        ("maxmemory", "1kb", "1024"),
        ("maxmemory", "1mB", "1048576"),
        ("maxmemory", "20gb", "21474836480"),
        ("maxmemory", "", "0"),
        ("maxmemory", "18446744073709551616", "18446744073709551615"),
        ("maxmemory", "0", "0"),
        ("proto-max-bulk-len", "1mb", "1048576"),
        ("hash-max-listpack-value", "1kb", "1024"),
        ("maxmemory-clients", "10%", "10%"),
        ("maxmemory-clients", "0%", "0"),
        ("maxmemory-clients", "2mb", "2097152"),
        ("maxmemory-policy", "ALLKEYS-LRU", "allkeys-lru"),
        ("loglevel", "WARNING", "warning"),
        ("appendfsync", "ALWAYS", "always"),
        ("hz", "0", "1"),
        ("hz", "1000", "500"),
        ("hz", "2147483647", "500"),
        ("hz", "20", "20"),
        ("save", "900 1 300 10", "900 1 300 10"),
        ("save", "01 +1", "1 1"),
        ("save", "1 ", "1 0"),
        ("save", "", ""),
        ("bind", "127.0.0.1 -::1", "127.0.0.1 -::1"),
        ("bind", "", ""),
        ("notify-keyspace-events", "KEA", "AKE"),
        ("notify-keyspace-events", "Kx", "xK"),
        ("notify-keyspace-events", "", ""),
        ("oom-score-adj-values", "1 2 3", "1 2 3"),
        (
            "latency-tracking-info-percentiles",
            "50.0 99.99",
            "50 99.99",
        ),
        ("latency-tracking-info-percentiles", "", ""),
        ("shutdown-on-sigint", "now save", "save now"),
        ("requirepass", "se cr\"et", "se cr\"et"),
        ("proc-title-template", "{title} {port}", "{title} {port}"),
        ("cluster-announce-hostname", "A-b.c9", "A-b.c9"),
        ("tls-protocols", "TLSv1.2 TLSv1.3", "TLSv1.2 TLSv1.3"),
        (
            "client-output-buffer-limit",
            "replica 1mb 2k 3 NORMAL 5 5 5",
            "normal 5 5 5 slave 1048576 2000 3 pubsub 33554432 8388608 60",
        ),
        (
            "client-output-buffer-limit",
            "",
            "normal 5 5 5 slave 1048576 2000 3 pubsub 33554432 8388608 60",
        ),
        ("lua-time-limit", "7", "7"),
        ("slave-read-only", "no", "no"),
        ("key-load-delay", "5", "5"),
    ];
    for (name, value, printed) in cases {
        set(&mut c, &[(name, value)]).unwrap_or_else(|e| panic!("{name} {value}: {e}"));
        assert_eq!(get1(&c, name), *printed, "{name} {value}");
    }
    // The typed view follows.
    assert!(c.appendonly);
    assert_eq!(c.port, 7000);
    assert_eq!(c.hz, 20);
    assert_eq!(c.maxmemory_policy, MaxmemoryPolicy::AllkeysLru);
    assert_eq!(c.loglevel, LogLevel::Warning);
    assert_eq!(c.maxmemory_clients, MaxmemoryClients::Bytes(2 << 20));
    assert!(c.save.is_empty());
    assert!(c.bind.is_empty());
    assert_eq!(c.requirepass, Some(b"se cr\"et".to_vec()));
    assert_eq!(c.busy_reply_threshold, 7);
    assert_eq!(get1(&c, "busy-reply-threshold"), "7");
    assert_eq!(get1(&c, "replica-read-only"), "no");
    assert_eq!(
        c.shutdown_on_sigint,
        shutdown_flags::SAVE | shutdown_flags::NOW
    );
    assert_eq!(
        c.client_output_buffer_limit[CLIENT_CLASS_NORMAL].soft_seconds,
        5
    );
    set(&mut c, &[("requirepass", "")]).unwrap();
    assert_eq!(c.requirepass, None);

    // The replication backlog has a 16kb floor when changed by CONFIG SET only.
    set(&mut c, &[("repl-backlog-size", "1kb")]).unwrap();
    assert_eq!(get1(&c, "repl-backlog-size"), "16384");
    set(&mut c, &[("repl-backlog-size", "20000")]).unwrap();
    assert_eq!(get1(&c, "repl-backlog-size"), "20000");
    let mut c = from_args(&["--repl-backlog-size", "1"]).unwrap();
    assert_eq!(get1(&c, "repl-backlog-size"), "1");
    set(&mut c, &[("repl-backlog-size", "1")]).unwrap();
    assert_eq!(get1(&c, "repl-backlog-size"), "1");
}

#[test]
fn set_error_texts_match_redis() {
    let mut c = Config::default();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("foo", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
        (&[("hz", "5"), ("foo", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
        (&[("hz", "abc"), ("foo", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
        (&[("hz", "5"), ("hz", "6")], "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"),
        (&[("hz", "5"), ("HZ", "6")], "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"),
        (&[("maxmemory", "1"), ("maxmemory", "1")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"),
        (&[("hz", "1"), ("hz", "2"), ("foo", "1")], "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"),
        (&[("databases", "3")], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (&[("databases", "3"), ("foo", "1")], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (&[("hz", "abc"), ("databases", "3")], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (&[("hz", "1"), ("databases", "1"), ("hz", "2")], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
        (&[("slaveof", "x")], "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config"),
        (&[("daemonize", "yes")], "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"),
        (&[("enable-debug-command", "yes")], "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config"),
        (&[("dir", "/tmp")], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"),
        (&[("dbfilename", "x.rdb")], "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"),
        (&[("port", "abc")], "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"),
        (&[("port", "99999")], "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"),
        (&[("hz", "-1")], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"),
        (&[("hz", "05")], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"),
        (&[("hz", "+5")], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"),
        (&[("appendonly", "1")], "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"),
        (&[("maxmemory", "1t")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
        (&[("maxmemory", "-1")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
        (&[("proto-max-bulk-len", "0")], "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"),
        (&[("hash-max-listpack-value", "18446744073709551615")], "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-value') - argument must be between 0 and 9223372036854775807 inclusive"),
        (&[("maxmemory-samples", "18446744073709551615")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument couldn't be parsed into an integer"),
        (&[("maxmemory-clients", "101%")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"),
        (&[("maxmemory-clients", "-5%")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value"),
        (&[("maxmemory-policy", "foo")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
        (&[("save", "900")], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"),
        (&[("save", "  900   1  ")], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"),
        (&[("client-output-buffer-limit", "pubsub 1 2")], "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration."),
        (&[("client-output-buffer-limit", "foo 1 2 3")], "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration."),
        (&[("client-output-buffer-limit", "normal a 2 3")], "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration."),
        (&[("notify-keyspace-events", "kea")], "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
        (&[("oom-score-adj-values", "1 2")], "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments"),
        (&[("oom-score-adj-values", "a b c")], "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000."),
        (&[("latency-tracking-info-percentiles", "abc")], "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"),
        (&[("latency-tracking-info-percentiles", "100.1")], "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"),
        (&[("bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17")], "ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses specified."),
        (&[("shutdown-on-sigint", "save nosave")], "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously"),
        (&[("shutdown-on-sigint", "")], "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - argument(s) must be one of the following: default, save, nosave, now, force"),
        (&[("proc-title-template", "{title}")], "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"),
        (&[("cluster-announce-hostname", "a b")], "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - Hostnames may only contain alphanumeric characters, hyphens or dots"),
        (&[("lua-time-limit", "-1")], "ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument must be between 0 and 9223372036854775807 inclusive"),
        (&[("save", "1 1"), ("hz", "x")], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"),
    ];
    for (pairs, expected) in cases {
        assert_eq!(set_err(&mut c, pairs), *expected, "{pairs:?}");
    }
    // Nothing above changed anything.
    let fresh = Config::default();
    assert_eq!(c.get(&[b"*"]), fresh.get(&[b"*"]));
}

#[test]
fn set_is_atomic() {
    let mut c = Config::default();
    let err = set_err(
        &mut c,
        &[
            ("hz", "7"),
            ("maxmemory", "1gb"),
            ("maxmemory-policy", "foo"),
        ],
    );
    assert!(err.contains("'maxmemory-policy'"), "{err}");
    assert_eq!((c.hz, c.maxmemory), (10, 0));
    assert_eq!(get1(&c, "hz"), "10");

    // An alias and its canonical name are not duplicates: the later one wins.
    set(
        &mut c,
        &[("lua-time-limit", "5"), ("busy-reply-threshold", "6")],
    )
    .unwrap();
    assert_eq!(get1(&c, "busy-reply-threshold"), "6");
    set(
        &mut c,
        &[("busy-reply-threshold", "7"), ("lua-time-limit", "8")],
    )
    .unwrap();
    assert_eq!(get1(&c, "busy-reply-threshold"), "8");

    // Several pairs at once.
    let changed = set(&mut c, &[("hz", "11"), ("maxmemory", "2mb"), ("Hz2", "1")]);
    assert!(changed.is_err());
    let changed = set(
        &mut c,
        &[("Hz", "11"), ("maxmemory", "2mb"), ("port", "6379")],
    )
    .unwrap();
    assert_eq!(changed, vec!["hz", "maxmemory"]);
    assert_eq!((c.hz, c.maxmemory), (11, 2 << 20));
}

#[test]
fn apply_failures_roll_back_and_reapply() {
    let mut c = Config::default();
    let mut seen = Vec::new();
    let err = c
        .set_with(
            &[(b"hz", b"20"), (b"port", b"7000"), (b"maxmemory", b"1mb")],
            false,
            |name, config| {
                seen.push((name, config.hz, config.port));
                if name == "port" && config.port == 7000 {
                    Err("Unable to listen on this port: Address already in use".to_string())
                } else {
                    Ok(())
                }
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ERR CONFIG SET failed (possibly related to argument 'port') - \
         Unable to listen on this port: Address already in use"
    );
    assert_eq!((c.hz, c.port, c.maxmemory), (10, 6379, 0));
    // hz applied, port refused, then hz applied again with the old value.
    assert_eq!(
        seen,
        vec![("hz", 20, 7000), ("port", 20, 7000), ("hz", 10, 6379)]
    );
}

#[test]
fn protected_configs_follow_enable_protected_configs() {
    let tmp = std::fs::canonicalize(std::env::temp_dir()).unwrap();
    let tmp_text = tmp.to_string_lossy().into_owned();

    let mut c = load("enable-protected-configs local\n").unwrap();
    assert!(set(&mut c, &[("dbfilename", "x.rdb")]).is_err());
    c.set_with(&[(b"dbfilename", b"x.rdb")], true, |_, _| Ok(()))
        .unwrap();
    assert_eq!(c.dbfilename, "x.rdb");

    let mut c = load("enable-protected-configs yes\n").unwrap();
    set(&mut c, &[("dir", &tmp_text)]).unwrap();
    assert_eq!(c.dir, tmp_text);
    assert_eq!(get1(&c, "dir"), tmp_text);
    assert_eq!(
        set_err(&mut c, &[("dir", "/nonexistent-cedis")]),
        "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"
    );
    assert_eq!(
        set_err(&mut c, &[("dir", "")]),
        "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"
    );
    assert_eq!(
        set_err(&mut c, &[("hz", "5"), ("dir", "/nonexistent-cedis")]),
        "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"
    );
    assert_eq!(c.hz, 10);
    assert_eq!(
        set_err(&mut c, &[("dbfilename", "a/b")]),
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"
    );
    // A relative dir is relative to the current one.
    let dir = TempDir::new("reldir");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    set(&mut c, &[("dir", &base.to_string_lossy())]).unwrap();
    set(&mut c, &[("dir", "sub")]).unwrap();
    assert_eq!(c.dir, base.join("sub").to_string_lossy());
    set(&mut c, &[("dir", "..")]).unwrap();
    assert_eq!(c.dir, base.to_string_lossy());
}

#[test]
fn sensitive_directives() {
    assert!(Config::is_sensitive(b"requirepass"));
    assert!(Config::is_sensitive(b"MASTERAUTH"));
    assert!(Config::is_sensitive(b"tls-key-file-pass"));
    assert!(!Config::is_sensitive(b"port"));
    assert!(!Config::is_sensitive(b"nosuch"));
}

// ---------------------------------------------------------------- CONFIG REWRITE

#[test]
fn rewrite_without_a_file_fails_like_redis() {
    assert_eq!(
        Config::default().rewrite().unwrap_err().to_string(),
        "ERR The server is running without a config file"
    );
}

#[test]
fn rewrite_keeps_the_layout() {
    let dir = TempDir::new("rewrite");
    let inc = dir.file("inc.conf", "# included\nloglevel notice\n");
    let original = format!(
        "# top comment\nport 7199\n\n# memory\nmaxmemory 100mb\nhz 10\nsave 900 1\nsave 300 10\n\
         slave-serve-stale-data yes\nhash-max-ziplist-entries 100\nrename-command flushall \"\"\n\
         include {inc}\nuser alice on >pw ~* +@all\nlua-replicate-commands yes\n\
         client-output-buffer-limit normal 0 0 0\nnotify-keyspace-events KEA\ntimeout 0\n",
        inc = inc.to_string_lossy()
    );
    let file = dir.file("redis.conf", &original);
    let mut c = from_args(&[&file.to_string_lossy()]).unwrap();
    assert_eq!(c.save, vec![(900, 1), (300, 10)]);
    set(
        &mut c,
        &[
            ("maxmemory", "1gb"),
            ("hz", "20"),
            ("save", "60 5"),
            ("maxmemory-policy", "allkeys-lru"),
            ("lua-time-limit", "100"),
            ("replica-read-only", "no"),
            ("timeout", "5"),
            ("hash-max-listpack-entries", "512"),
            ("hash-max-listpack-value", "1000"),
            ("client-query-buffer-limit", "1073741825"),
        ],
    )
    .unwrap();
    c.rewrite().unwrap();
    let rewritten = std::fs::read_to_string(&file).unwrap();
    let expected = format!(
        "# top comment\nport 7199\n\n# memory\nmaxmemory 1gb\nhz 20\nsave 60 5\n\n\
         replica-serve-stale-data yes\nhash-max-listpack-entries 512\nrename-command flushall \"\"\n\
         include {inc}\nuser alice on >pw ~* +@all\n# ??? lua-replicate-commands yes\n\
         client-output-buffer-limit normal 0 0 0\nnotify-keyspace-events \"AKE\"\ntimeout 5\n\n\
         # Generated by CONFIG REWRITE\nbusy-reply-threshold 100\n\
         client-query-buffer-limit 1073741825\ndir \"{dir}\"\nhash-max-listpack-value 1000\n\
         maxmemory-policy allkeys-lru\nreplica-read-only no\n",
        inc = inc.to_string_lossy(),
        dir = c.dir
    );
    assert_eq!(rewritten, expected);

    // Reading it back gives the same configuration.
    let again = from_args(&[&file.to_string_lossy()]).unwrap();
    assert_eq!(again.get(&[b"*"]), c.get(&[b"*"]));

    // Rewriting again settles (Redis adds one trailing blank line, then nothing more).
    again.rewrite().unwrap();
    again.rewrite().unwrap();
    let first = std::fs::read_to_string(&file).unwrap();
    again.rewrite().unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
}

#[test]
fn rewrite_formats_each_kind() {
    let dir = TempDir::new("rewrite-kinds");
    let file = dir.file(
        "c.conf",
        "port 7199\nreplicaof 127.0.0.1 7777\nsave 900 1\nbind 127.0.0.1\n",
    );
    let mut c = from_args(&[&file.to_string_lossy()]).unwrap();
    set(
        &mut c,
        &[
            (
                "client-output-buffer-limit",
                "normal 1mb 2kb 3 pubsub 1gb 0 0",
            ),
            ("save", ""),
            ("bind", "127.0.0.1 -::1"),
            ("oom-score-adj-values", "1 2 3"),
            ("notify-keyspace-events", "Kx"),
            ("requirepass", "se cr\"et"),
            ("maxmemory-clients", "10%"),
            ("latency-tracking-info-percentiles", "50 99.99"),
            ("proc-title-template", "{title} {port}"),
            ("maxmemory", "3072"),
            ("stream-node-max-bytes", "5mb"),
            ("repl-backlog-size", "1000000"),
            ("shutdown-on-sigterm", "nosave now"),
        ],
    )
    .unwrap();
    let text = String::from_utf8(c.rewrite_content(&std::fs::read(&file).unwrap(), false)).unwrap();
    let expected_head = "port 7199\nreplicaof 127.0.0.1 7777\nsave \"\"\nbind 127.0.0.1 -::1\n\n\
                         # Generated by CONFIG REWRITE\n";
    assert!(text.starts_with(expected_head), "{text}");
    for line in [
        "client-output-buffer-limit normal 1mb 2kb 3\n",
        "client-output-buffer-limit pubsub 1gb 0 0\n",
        "oom-score-adj-values 1 2 3\n",
        "notify-keyspace-events \"xK\"\n",
        "requirepass \"se cr\\\"et\"\n",
        "maxmemory-clients 10%\n",
        "latency-tracking-info-percentiles 50 99.99\n",
        "proc-title-template \"{title} {port}\"\n",
        "maxmemory 3kb\n",
        "stream-node-max-bytes 5mb\n",
        "repl-backlog-size 1000000\n",
        "shutdown-on-sigterm nosave now\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // The replica class is at its default: not written.
    assert!(
        !text.contains("client-output-buffer-limit replica"),
        "{text}"
    );

    // A missing file is created, starting with the signature.
    let fresh = Config::default();
    let text = String::from_utf8(fresh.rewrite_content(b"", false)).unwrap();
    assert_eq!(
        text,
        format!(
            "# Generated by CONFIG REWRITE\ndir \"{}\"\nsave 3600 1\nsave 300 100\nsave 60 10000\n",
            fresh.dir
        )
    );
}

#[test]
fn rewrite_keeps_lines_set_back_to_default() {
    let dir = TempDir::new("rewrite-default");
    let file = dir.file("c.conf", "hz 11\nslave-read-only no\nsave \"\"\n");
    let mut c = from_args(&[&file.to_string_lossy()]).unwrap();
    set(&mut c, &[("hz", "10"), ("replica-read-only", "yes")]).unwrap();
    c.rewrite().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with(
            "hz 10\nreplica-read-only yes\nsave \"\"\n\n# Generated by CONFIG REWRITE\n"
        ),
        "{text}"
    );
}

#[test]
fn rewrite_into_missing_file_creates_it() {
    let dir = TempDir::new("rewrite-missing");
    let file = dir.file("gone.conf", "port 7199\n");
    let c = from_args(&[&file.to_string_lossy()]).unwrap();
    std::fs::remove_file(&file).unwrap();
    c.rewrite().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# Generated by CONFIG REWRITE\n"),
        "{text}"
    );
    assert!(text.contains("port 7199\n"), "{text}");

    // A directory that vanished is reported with strerror's text.
    let c2 = {
        let sub = dir.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        let path = sub.join("c.conf");
        std::fs::write(&path, "port 7199\n").unwrap();
        let c2 = from_args(&[&path.to_string_lossy()]).unwrap();
        std::fs::remove_dir_all(&sub).unwrap();
        c2
    };
    assert_eq!(
        c2.rewrite().unwrap_err().to_string(),
        "ERR Rewriting config file: No such file or directory"
    );
}

#[test]
fn value_list_matches_the_table() {
    let c = Config::default();
    assert_eq!(c.values.len(), DIRECTIVES.len());
    // Canonical names and aliases are unique.
    let mut names: Vec<&str> = DIRECTIVES
        .iter()
        .flat_map(|d| std::iter::once(d.name).chain(d.alias))
        .collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), total);
    assert!(matches!(c.values[0], Value::Enum(_)));
}
