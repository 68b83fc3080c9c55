//! Configuration: config files, CONFIG GET/SET/REWRITE/RESETSTAT, and the directives that
//! change connection handling (timeout, maxclients).

use std::path::Path;
use std::time::Duration;

use cedis_tests::{frame_pairs, frame_text, show, RawConn, TestServer};

/// The default config of Redis's own test suite (`tests/assets/default.conf`), with the
/// pidfile moved into the server's temp dir.
const TEST_SUITE_CONF: &str = "\
# Redis configuration for testing.

always-show-logo yes
notify-keyspace-events KEA
daemonize no
pidfile {{dir}}/redis.pid
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

/// `CONFIG GET name` for one exact name: its value.
fn config_get(c: &mut RawConn, name: &str) -> String {
    let pairs = frame_pairs(&c.cmd_frame(&["CONFIG", "GET", name]));
    assert_eq!(pairs.len(), 1, "CONFIG GET {name}: {pairs:?}");
    assert_eq!(pairs[0].0, name);
    frame_text(&pairs[0].1)
}

fn config_set(c: &mut RawConn, args: &[&str]) {
    let mut cmd = vec!["CONFIG", "SET"];
    cmd.extend_from_slice(args);
    c.assert_cmd(&cmd, b"+OK\r\n");
}

fn set_error(param: &str, why: &str) -> Vec<u8> {
    format!("-ERR CONFIG SET failed (possibly related to argument '{param}') - {why}\r\n")
        .into_bytes()
}

fn canonical(p: &Path) -> String {
    p.canonicalize()
        .unwrap_or_else(|_| p.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

#[test]
fn test_suite_config_file() {
    let server = TestServer::with_config(TEST_SUITE_CONF, &[]);
    let mut c = server.raw();
    let dir = canonical(server.dir());
    let port = server.port().to_string();
    let pidfile = format!("{}/redis.pid", server.dir().display());
    let expected: &[(&str, &str)] = &[
        ("always-show-logo", "yes"),
        // The flags are stored as a set and printed in Redis's canonical order.
        ("notify-keyspace-events", "AKE"),
        ("daemonize", "no"),
        ("pidfile", &pidfile),
        // Command-line arguments come after the file and win.
        ("port", &port),
        ("dir", &dir),
        ("timeout", "0"),
        ("bind", "127.0.0.1"),
        ("loglevel", "verbose"),
        ("logfile", ""),
        ("databases", "16"),
        ("latency-monitor-threshold", "1"),
        ("repl-diskless-sync-delay", "0"),
        ("save", "900 1 300 10 60 10000"),
        ("rdbcompression", "yes"),
        ("dbfilename", "dump.rdb"),
        ("slave-serve-stale-data", "yes"),
        ("replica-serve-stale-data", "yes"),
        ("appendonly", "no"),
        ("appendfsync", "everysec"),
        ("no-appendfsync-on-rewrite", "no"),
        ("activerehashing", "yes"),
        ("enable-debug-command", "yes"),
        ("enable-protected-configs", "yes"),
        ("enable-module-command", "yes"),
        ("propagation-error-behavior", "panic"),
    ];
    for (name, value) in expected {
        assert_eq!(config_get(&mut c, name), *value, "CONFIG GET {name}");
    }
    // The pidfile holds the server's pid.
    let pid = std::fs::read_to_string(server.dir().join("redis.pid")).expect("pidfile written");
    assert_eq!(pid.trim(), server.pid().to_string());
}

#[test]
fn config_set_get_round_trips() {
    let server = TestServer::start();
    let mut c = server.raw();
    let cases: &[(&str, &str, &str)] = &[
        ("maxmemory", "1mb", "1048576"),
        ("maxmemory", "1gb", "1073741824"),
        ("maxmemory", "10k", "10000"),
        ("maxmemory", "0", "0"),
        ("hz", "50", "50"),
        // hz is clamped to 1..=500.
        ("hz", "0", "1"),
        ("hz", "1000", "500"),
        ("timeout", "30", "30"),
        ("loglevel", "warning", "warning"),
        ("loglevel", "NOTICE", "notice"),
        ("save", "", ""),
        ("save", "900 1 300 10", "900 1 300 10"),
        ("maxmemory-policy", "allkeys-lru", "allkeys-lru"),
        ("appendfsync", "always", "always"),
        ("slave-serve-stale-data", "no", "no"),
    ];
    for (name, value, shown) in cases {
        config_set(&mut c, &[name, value]);
        assert_eq!(
            config_get(&mut c, name),
            *shown,
            "after CONFIG SET {name} {value:?}"
        );
    }
    // An alias and its canonical name are one setting.
    assert_eq!(config_get(&mut c, "replica-serve-stale-data"), "no");
}

#[test]
fn config_set_errors() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(
        &["CONFIG", "SET", "nosuch", "1"],
        b"-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n",
    );
    let not_int = "argument couldn't be parsed into an integer";
    c.assert_cmd(&["CONFIG", "SET", "hz", "abc"], &set_error("hz", not_int));
    c.assert_cmd(
        &["CONFIG", "SET", "timeout", "abc"],
        &set_error("timeout", not_int),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "port", "abc"],
        &set_error("port", not_int),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "timeout", "-1"],
        &set_error(
            "timeout",
            "argument must be between 0 and 2147483647 inclusive",
        ),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "maxclients", "0"],
        &set_error(
            "maxclients",
            "argument must be between 1 and 4294967295 inclusive",
        ),
    );
    for v in ["abc", "-1"] {
        c.assert_cmd(
            &["CONFIG", "SET", "maxmemory", v],
            &set_error("maxmemory", "argument must be a memory value"),
        );
    }
    for name in ["databases", "daemonize"] {
        c.assert_cmd(
            &["CONFIG", "SET", name, "20"],
            &set_error(name, "can't set immutable config"),
        );
    }
    c.assert_cmd(
        &["CONFIG", "SET", "loglevel", "foo"],
        &set_error(
            "loglevel",
            "argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "appendonly", "maybe"],
        &set_error("appendonly", "argument must be 'yes' or 'no'"),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "save", "900"],
        &set_error("save", "Invalid save parameters"),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "hz"],
        b"-ERR wrong number of arguments for 'config|set' command\r\n",
    );
    // Nothing above changed anything.
    assert_eq!(config_get(&mut c, "hz"), "10");
    assert_eq!(config_get(&mut c, "databases"), "16");
}

#[test]
fn config_set_is_atomic() {
    let server = TestServer::start();
    let mut c = server.raw();
    config_set(&mut c, &["hz", "20", "timeout", "40"]);
    assert_eq!(config_get(&mut c, "hz"), "20");
    assert_eq!(config_get(&mut c, "timeout"), "40");
    // One bad pair: nothing is applied.
    c.assert_cmd(
        &["CONFIG", "SET", "hz", "30", "timeout", "abc"],
        &set_error("timeout", "argument couldn't be parsed into an integer"),
    );
    assert_eq!(config_get(&mut c, "hz"), "20");
    c.assert_cmd(
        &["CONFIG", "SET", "hz", "30", "hz", "31"],
        &set_error("hz", "duplicate parameter"),
    );
    c.assert_cmd(
        &["CONFIG", "SET", "hz", "1", "timeout"],
        b"-ERR syntax error\r\n",
    );
    assert_eq!(config_get(&mut c, "hz"), "20");
    assert_eq!(config_get(&mut c, "timeout"), "40");
}

#[test]
fn config_get_patterns() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(
        &["CONFIG", "GET", "maxmemory-p*"],
        b"*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n",
    );
    c.assert_cmd(&["CONFIG", "GET", "nosuch"], b"*0\r\n");
    // An exact name is echoed as given.
    let port = server.port().to_string();
    let want = format!("*2\r\n$4\r\nPORT\r\n${}\r\n{port}\r\n", port.len());
    c.assert_cmd(&["CONFIG", "GET", "PORT"], want.as_bytes());
    // Several patterns: one flat list of pairs (in no particular order).
    let mut pairs = frame_pairs(&c.cmd_frame(&["CONFIG", "GET", "port", "databases", "nosuch"]));
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| (k, frame_text(&v)))
        .collect();
    assert_eq!(
        pairs,
        [("databases".into(), "16".into()), ("port".into(), port)]
    );
    let all = frame_pairs(&c.cmd_frame(&["CONFIG", "GET", "*"]));
    assert!(all.len() > 100, "CONFIG GET * gave {} pairs", all.len());
    c.assert_cmd(
        &["CONFIG", "GET"],
        b"-ERR wrong number of arguments for 'config|get' command\r\n",
    );
}

fn assert_fatal_config(conf: &str, line: usize, text: &str, why: &str) {
    let failed = TestServer::builder().config(conf).start_expecting_failure();
    assert!(!failed.status.success(), "exit status {}", failed.status);
    let out = &failed.output;
    assert!(
        out.contains("*** FATAL CONFIG FILE ERROR"),
        "output:\n{out}"
    );
    assert!(
        out.contains(&format!("Reading the configuration file, at line {line}\n")),
        "output:\n{out}"
    );
    assert!(out.contains(&format!(">>> '{text}'\n")), "output:\n{out}");
    assert!(out.contains(why), "output:\n{out}");
}

#[test]
fn bad_config_file_fails_start_up() {
    assert_fatal_config(
        "port 7000\nfoo bar\n",
        2,
        "foo bar",
        "Bad directive or wrong number of arguments",
    );
    assert_fatal_config(
        "hz abc\n",
        1,
        "hz abc",
        "argument couldn't be parsed into an integer",
    );
    assert_fatal_config(
        "# comment\n\nsave \"a\n",
        3,
        "save \"a",
        "Unbalanced quotes in configuration line",
    );
    // Command-line directives go through the same parser.
    let failed = TestServer::builder()
        .args(&["--nosuch", "1"])
        .start_expecting_failure();
    assert!(!failed.status.success());
    assert!(
        failed.output.contains("FATAL CONFIG FILE ERROR")
            && failed
                .output
                .contains("Bad directive or wrong number of arguments"),
        "output:\n{}",
        failed.output
    );
}

#[test]
fn config_rewrite_survives_restart() {
    let mut server = TestServer::with_config("hz 15\nmaxmemory 2mb\n", &[]);
    let mut c = server.raw();
    config_set(&mut c, &["hz", "42", "maxmemory", "1mb"]);
    c.assert_cmd(&["CONFIG", "REWRITE"], b"+OK\r\n");
    let conf = std::fs::read_to_string(server.config_path().expect("config file")).unwrap();
    // Lines are rewritten in place; memory values keep a unit when it divides evenly.
    let lines: Vec<&str> = conf.lines().collect();
    assert_eq!(
        lines[..2],
        ["hz 42", "maxmemory 1mb"],
        "rewritten config:\n{conf}"
    );
    assert!(!conf.contains("hz 15"), "rewritten config:\n{conf}");
    drop(c);
    server.restart();
    let mut c = server.raw();
    assert_eq!(config_get(&mut c, "hz"), "42");
    assert_eq!(config_get(&mut c, "maxmemory"), "1048576");
}

#[test]
fn config_rewrite_without_config_file() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(
        &["CONFIG", "REWRITE"],
        b"-ERR The server is running without a config file\r\n",
    );
}

#[test]
fn config_resetstat() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    c.assert_cmd(
        &["CONFIG", "RESETSTAT", "x"],
        b"-ERR wrong number of arguments for 'config|resetstat' command\r\n",
    );
}

#[test]
fn idle_timeout_disconnects() {
    let server = TestServer::with_args(&["--timeout", "1"]);
    let mut c = server.raw();
    c.assert_cmd(&["PING"], b"+PONG\r\n");
    assert!(
        c.is_closed(Duration::from_secs(10)),
        "an idle client was not disconnected within 10 s with timeout 1"
    );
    // Busy clients stay.
    let mut busy = server.raw();
    for _ in 0..6 {
        busy.assert_cmd(&["PING"], b"+PONG\r\n");
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn maxclients_refuses_extra_clients() {
    let server = TestServer::with_args(&["--maxclients", "2"]);
    let mut a = server.raw();
    a.assert_cmd(&["PING"], b"+PONG\r\n");
    // The start-up probe's connection may not be reaped yet: retry the second slot briefly.
    let mut b = None;
    for _ in 0..50 {
        let mut conn = server.raw();
        conn.send(b"PING\r\n");
        if conn.read_raw_reply() == b"+PONG\r\n" {
            b = Some(conn);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut b = b.expect("a second client could not connect with maxclients 2");
    // The third gets the error as soon as it connects (without sending anything).
    let mut third = server.raw();
    let reply = third.read_raw_reply();
    assert_eq!(
        show(&reply),
        show(b"-ERR max number of clients reached\r\n")
    );
    third.expect_closed();
    b.assert_cmd(&["PING"], b"+PONG\r\n");
    drop(a);
    // A slot frees up once a client leaves.
    let ok = cedis_tests::wait_until(Duration::from_secs(5), || {
        let mut c = server.raw();
        c.send(b"PING\r\n");
        c.read_raw_reply() == b"+PONG\r\n"
    });
    assert!(ok, "no slot after a client disconnected");
}

/// Whether `line` looks like `12345:M 24 Nov 2026 03:48:01.123 * message`.
fn is_log_line(line: &str) -> bool {
    let Some((pid_role, rest)) = line.split_once(' ') else {
        return false;
    };
    let Some((pid, role)) = pid_role.split_once(':') else {
        return false;
    };
    let fields: Vec<&str> = rest.splitn(6, ' ').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let time_ok = |t: &str| {
        t.len() == 12
            && t.bytes().enumerate().all(|(i, b)| match i {
                2 | 5 => b == b':',
                8 => b == b'.',
                _ => b.is_ascii_digit(),
            })
    };
    digits(pid)
        && ["M", "C", "S", "X"].contains(&role)
        && fields.len() == 6
        && digits(fields[0])
        && fields[1].len() == 3
        && digits(fields[2])
        && time_ok(fields[3])
        && [".", "-", "*", "#"].contains(&fields[4])
}

#[test]
fn log_lines_have_the_redis_format() {
    let server = TestServer::start();
    let ok = cedis_tests::wait_until(Duration::from_secs(5), || {
        server.log().contains("Ready to accept connections")
    });
    assert!(
        ok,
        "no 'Ready to accept connections' in the log:\n{}",
        server.log()
    );
    for line in server.log().lines().filter(|l| !l.trim().is_empty()) {
        assert!(is_log_line(line), "not a Redis-style log line: {line:?}");
    }
}

#[test]
fn logfile_directive() {
    let server = TestServer::with_args(&["--logfile", "own.log"]);
    let path = server.dir().join("own.log");
    let ok = cedis_tests::wait_until(Duration::from_secs(5), || {
        std::fs::read_to_string(&path).is_ok_and(|l| l.contains("Ready to accept connections"))
    });
    assert!(ok, "{} lacks 'Ready to accept connections'", path.display());
    let mut c = server.raw();
    assert_eq!(config_get(&mut c, "logfile"), "own.log");
}

#[test]
fn start_up_banner_names_cedis() {
    cedis_tests::cedis_only!("the start-up banner names the server");
    let server = TestServer::start();
    assert!(
        server
            .log()
            .contains("oO0OoO0OoO0Oo cedis is starting oO0OoO0OoO0Oo"),
        "log:\n{}",
        server.log()
    );
}
