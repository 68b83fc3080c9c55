//! cedis-cli against redis-cli: the same arguments and input, the same server (cedis and a
//! real redis-server), and the same stdout, stderr and exit status, byte for byte.
//!
//! Tests that need `redis-cli` or `redis-server` skip when they are missing, and fail under
//! `CEDIS_REQUIRE_REDIS=1`. The REPL test drives cedis-cli through a pseudo-terminal made by
//! `script` (util-linux).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cedis_tests::cli::{cedis_cli_binary, run, Output, Stdin};
use cedis_tests::server::{free_port, fresh_temp_dir};
use cedis_tests::util::{find_in_path, redis_tool};
use cedis_tests::{show, ServerBuilder, Target, TestServer};

const TIMEOUT: Duration = Duration::from_secs(30);

/// Both clients.
struct Clis {
    cedis: PathBuf,
    redis: PathBuf,
}

impl Clis {
    fn new(test: &str) -> Option<Clis> {
        let redis = redis_tool("redis-cli", test)?;
        Some(Clis {
            cedis: cedis_cli_binary(),
            redis,
        })
    }

    /// Runs both with `args` and `stdin`; everything they print must be the same bytes.
    fn same(&self, args: &[&str], stdin: &[u8]) -> Output {
        self.same_after(args, stdin, || {})
    }

    /// [`Clis::same`], with `reset` run before each client (for commands that write).
    fn same_after(&self, args: &[&str], stdin: &[u8], reset: impl Fn()) -> Output {
        let input = || (!stdin.is_empty()).then(|| Stdin::Bytes(stdin.to_vec()));
        reset();
        let r = run(&self.redis, args, input(), TIMEOUT);
        reset();
        let c = run(&self.cedis, args, input(), TIMEOUT);
        assert_same(args, &r, &c);
        r
    }
}

fn assert_same(args: &[&str], r: &Output, c: &Output) {
    if r != c {
        panic!(
            "cedis-cli and redis-cli differ for {args:?}\n  stdout redis: {}\n  stdout cedis: {}\n  stderr redis: {}\n  stderr cedis: {}\n  exit redis {:?}, cedis {:?}",
            show(&r.stdout),
            show(&c.stdout),
            show(&r.stderr),
            show(&c.stderr),
            r.code,
            c.code
        );
    }
}

/// The server under test (cedis, or Redis under `CEDIS_TEST_TARGET=redis`) and a real
/// redis-server, both with DEBUG enabled (for `DEBUG PROTOCOL`).
/// Both clients and both servers for `test`; `None` (the test skips) when redis-cli or
/// redis-server is missing.
fn setup(test: &str) -> Option<(Clis, Vec<TestServer>)> {
    Some((Clis::new(test)?, servers(test)?))
}

fn servers(test: &str) -> Option<Vec<TestServer>> {
    redis_tool("redis-server", test)?;
    let args = ["--enable-debug-command", "yes"];
    Some(vec![
        ServerBuilder::default().args(&args).start(),
        ServerBuilder::default()
            .target(Target::Redis)
            .args(&args)
            .start(),
    ])
}

fn fill(server: &TestServer) {
    let mut c = server.raw();
    let cmds: Vec<Vec<&[u8]>> = vec![
        vec![b"FLUSHALL"],
        vec![b"SET", b"k", b"q\"u\\o\x01te\xff\n\t\x08\x0c\xc3\xa9"],
        vec![b"SET", b"plain", b"hello world"],
        vec![b"HSET", b"h", b"f1", b"v1", b"f2", b"v 2"],
        vec![b"SADD", b"s", b"a"],
        vec![b"ZADD", b"z", b"1.5", b"a", b"2", b"b", b"0.1", b"c"],
        vec![
            b"RPUSH", b"l", b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"i", b"j", b"k",
        ],
        vec![b"SET", b"n", b"10"],
        vec![b"SELECT", b"3"],
        vec![b"SET", b"in3", b"three"],
    ];
    for cmd in cmds {
        c.cmd(&cmd);
    }
}

fn port_args(server: &TestServer) -> Vec<String> {
    vec!["-p".to_string(), server.port().to_string()]
}

fn with<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect()
}

#[test]
fn one_shot_replies_match_redis_cli_in_every_mode() {
    let Some((clis, servers)) = setup("one_shot_replies_match_redis_cli_in_every_mode") else {
        return;
    };
    let modes: &[&[&str]] = &[
        &[],
        &["--raw"],
        &["--no-raw"],
        &["--csv"],
        &["--json"],
        &["-2", "--json"],
        &["-3"],
        &["-3", "--no-raw"],
        &["-3", "--csv"],
        &["-e"],
        &["--no-raw", "-e"],
    ];
    let commands: &[&[&str]] = &[
        &["GET", "k"],
        &["GET", "plain"],
        &["GET", "nokey"],
        &["SET", "x", "y"],
        &["INCR", "n"],
        &["HGETALL", "h"],
        &["HGETALL", "nokey"],
        &["SMEMBERS", "s"],
        &["SMEMBERS", "nokey"],
        &["LRANGE", "l", "0", "-1"],
        &["LRANGE", "nokey", "0", "-1"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZSCORE", "z", "c"],
        &["NOSUCHCOMMAND", "a"],
        &["LPUSH", "k", "x"],
        &["EXISTS", "k", "h", "nokey"],
        &["COMMAND", "DOCS", "GET"],
        &["DEBUG", "PROTOCOL", "string"],
        &["DEBUG", "PROTOCOL", "integer"],
        &["DEBUG", "PROTOCOL", "double"],
        &["DEBUG", "PROTOCOL", "null"],
        &["DEBUG", "PROTOCOL", "array"],
        &["DEBUG", "PROTOCOL", "set"],
        &["DEBUG", "PROTOCOL", "map"],
        &["DEBUG", "PROTOCOL", "verbatim"],
        &["DEBUG", "PROTOCOL", "true"],
        &["DEBUG", "PROTOCOL", "false"],
        &["DEBUG", "PROTOCOL", "push"],
        &["MGET", "plain", "nokey"],
        // Printed raw in every mode, as redis-cli prints them.
        &["INFO", "keyspace"],
        &["CLIENT", "LIST", "ID", "999999"],
        &["CLUSTER", "INFO"],
        &["MEMORY", "DOCTOR"],
    ];
    for server in &servers {
        fill(server);
        let base = port_args(server);
        for mode in modes {
            for cmd in commands {
                let args: Vec<&str> = with(&base, mode)
                    .into_iter()
                    .chain(cmd.iter().copied())
                    .collect();
                clis.same_after(&args, b"", || fill(server));
            }
        }
    }
}

#[test]
fn transactions_and_nested_replies_match_redis_cli() {
    let Some((clis, servers)) = setup("transactions_and_nested_replies_match_redis_cli") else {
        return;
    };
    let input = b"multi\nset a b\nlpush a x\nget a\nexec\nmulti\nexec\n";
    for server in &servers {
        fill(server);
        let base = port_args(server);
        for mode in [
            &[][..],
            &["--no-raw"],
            &["--csv"],
            &["--json"],
            &["-3", "--no-raw"],
        ] {
            clis.same_after(&with(&base, mode), input, || fill(server));
            // Maps nested in arrays nested in maps: COMMAND DOCS of commands with nested
            // arguments.
            clis.same(
                &with(
                    &base,
                    &[mode, &["COMMAND", "DOCS", "SET", "CLIENT|KILL"][..]].concat(),
                ),
                b"",
            );
        }
    }
}

#[test]
fn commands_from_stdin_match_redis_cli() {
    let Some((clis, servers)) = setup("commands_from_stdin_match_redis_cli") else {
        return;
    };
    let input = b"set a \"b c\"\nget a\n   \nget \"unbalanced\nset b 'q'\nget b\nset c \"\\x00\\x41\\n\"\nget c\nfoo\nselect 3\nget in3\nincr a\n";
    for server in &servers {
        fill(server);
        let base = port_args(server);
        for mode in [&[][..], &["--no-raw"], &["-e"], &["--csv"], &["--json"]] {
            let out = clis.same_after(&with(&base, mode), input, || fill(server));
            assert_eq!(out.code, Some(0));
        }
        // -x: the last argument from stdin, trailing newline kept.
        clis.same(
            &with(&base, &["-x", "SET", "fromstdin"]),
            b"line one\nline two\n",
        );
        clis.same(&with(&base, &["--no-raw", "GET", "fromstdin"]), b"");
        clis.same(&with(&base, &["-x", "ECHO"]), b"\x00binary\xff");
        // -r and -i.
        clis.same_after(&with(&base, &["-r", "3", "INCR", "counter"]), b"", || {
            fill(server)
        });
        clis.same(
            &with(&base, &["-r", "2", "-i", "0.05", "--no-raw", "ECHO", "x"]),
            b"",
        );
    }
}

#[test]
fn options_and_failures_match_redis_cli() {
    let Some((clis, servers)) = setup("options_and_failures_match_redis_cli") else {
        return;
    };
    // Options: unknown ones and missing values are refused before connecting.
    for args in [
        &["--no-such-option"][..],
        &["-p"],
        &["-h", "127.0.0.1", "-n"],
    ] {
        let out = clis.same(args, b"");
        assert_eq!(out.code, Some(1));
    }
    // Nothing listens on a fresh free port.
    let closed = free_port().to_string();
    let out = clis.same(&["-p", &closed, "PING"], b"");
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr_text(),
        format!("Could not connect to Redis at 127.0.0.1:{closed}: Connection refused\n")
    );
    clis.same(&["-p", &closed, "-e", "--no-raw", "PING"], b"");
    // Without a command: every stdin command retries, the status is 0.
    let out = clis.same(&["-p", &closed], b"ping\nping\n");
    assert_eq!(out.code, Some(0));
    for server in &servers {
        fill(server);
        let port = server.port().to_string();
        let p = port.as_str();
        for args in [
            &["-p", p, "-a", "secret", "PING"][..],
            &["-p", p, "--no-auth-warning", "-a", "secret", "PING"],
            &["-p", p, "--user", "someone", "-a", "secret", "PING"],
            &["-p", p, "-n", "3", "GET", "in3"],
            &["-p", p, "-n", "99", "PING"],
            &["-u", &format!("redis://127.0.0.1:{p}/3"), "GET", "in3"],
            &["-u", &format!("redis://u:pw@127.0.0.1:{p}/3"), "GET", "in3"],
            &["-h", "127.0.0.1", "-p", p, "--no-raw", "PING"],
            &["-p", p, "-e", "GET", "plain"],
            &["-p", p, "-e", "LPUSH", "plain", "x"],
            &["-p", p, "-e", "--no-raw", "NOSUCHCOMMAND"],
        ] {
            clis.same(args, b"");
        }
        let out = run(
            &cedis_cli_binary(),
            &["-p", p, "-e", "NOSUCHCOMMAND"],
            None,
            TIMEOUT,
        );
        assert_eq!(out.code, Some(1));
    }
}

#[test]
fn resp3_types_redis_cli_7_0_cannot_print_are_printed() {
    // redis-cli 7.0 stops with "Unknown reply type: 13" on a big number and a protocol
    // error on an attribute; cedis-cli prints them (as later redis-cli versions do).
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let base = port_args(&server);
    let cli = cedis_cli_binary();
    let out = run(
        &cli,
        &with(&base, &["-3", "--no-raw", "DEBUG", "PROTOCOL", "bignum"]),
        None,
        TIMEOUT,
    );
    assert_eq!(
        out.stdout_text(),
        "(big number) 1234567999999999999999999999999999999\n"
    );
    let out = run(
        &cli,
        &with(&base, &["-3", "DEBUG", "PROTOCOL", "attrib"]),
        None,
        TIMEOUT,
    );
    assert_eq!(
        out.stdout_text(),
        "Some real reply following the attribute\n"
    );
    assert_eq!(out.code, Some(0));
}

/// Runs `args` with both clients at once for `secs`, while `during` acts on the server.
fn streaming_pair(
    clis: &Clis,
    args: &[&str],
    secs: f64,
    during: impl FnOnce(),
) -> (Output, Output) {
    let spawn = |bin: PathBuf, args: Vec<String>| {
        std::thread::spawn(move || {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&bin, &refs, None, Duration::from_secs_f64(secs))
        })
    };
    let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let r = spawn(clis.redis.clone(), owned.clone());
    let c = spawn(clis.cedis.clone(), owned);
    std::thread::sleep(Duration::from_millis(400));
    during();
    (
        r.join().expect("redis-cli thread"),
        c.join().expect("cedis-cli thread"),
    )
}

#[test]
fn pubsub_and_monitor_match_redis_cli() {
    let Some((clis, servers)) = setup("pubsub_and_monitor_match_redis_cli") else {
        return;
    };
    for server in &servers {
        let base = port_args(server);
        for mode in [&[][..], &["--no-raw"], &["-3", "--no-raw"], &["--csv"]] {
            let mut args = with(&base, mode);
            args.extend(["SUBSCRIBE", "c1", "c2"]);
            let (r, c) = streaming_pair(&clis, &args, 1.5, || {
                let mut conn = server.raw();
                conn.cmd(&["PUBLISH", "c1", "hello"]);
                conn.cmd(&["PUBLISH", "c2", "a\nb"]);
            });
            assert_same(&args, &r, &c);
            assert!(r.stdout_text().contains("hello"), "{}", r.stdout_text());
        }
        let mut args = with(&base, &["--no-raw"]);
        args.extend(["PSUBSCRIBE", "c*"]);
        let (r, c) = streaming_pair(&clis, &args, 1.5, || {
            server.raw().cmd(&["PUBLISH", "c9", "x"]);
        });
        assert_same(&args, &r, &c);
        assert!(r
            .stdout_text()
            .starts_with("Reading messages... (press Ctrl-C to quit)\n"));
        // MONITOR lines carry a client address that differs between the two clients'
        // connections only if they issued the commands; here one third client does.
        let args = with(&base, &["MONITOR"]);
        let (r, c) = streaming_pair(&clis, &args, 1.5, || {
            server.raw().cmd(&["SET", "watched", "1"]);
        });
        assert_same(&args, &r, &c);
        assert!(
            r.stdout_text().contains("\"SET\" \"watched\" \"1\""),
            "{}",
            r.stdout_text()
        );
    }
}

#[test]
fn scan_bigkeys_memkeys_match_redis_cli() {
    let Some((clis, servers)) = setup("scan_bigkeys_memkeys_match_redis_cli") else {
        return;
    };
    for server in &servers {
        fill(server);
        let mut conn = server.raw();
        for i in 0..200 {
            conn.cmd(&["SET", &format!("key:{i}"), &"v".repeat(i)]);
        }
        let base = port_args(server);
        // Redis may be rehashing the keyspace between two runs, which reorders SCAN (and
        // the "found so far" progress lines): compare sorted keys and the summaries.
        let scans: [&[&str]; 3] = [
            &["--scan"],
            &["--scan", "--pattern", "key:1*"],
            &["--no-raw", "--scan", "--pattern", "*k*"],
        ];
        for mode in scans {
            let args = with(&base, mode);
            let r = run(&clis.redis, &args, None, TIMEOUT);
            let c = run(&clis.cedis, &args, None, TIMEOUT);
            let sorted = |o: &Output| {
                let mut lines: Vec<String> = o.stdout_text().lines().map(String::from).collect();
                lines.sort();
                lines
            };
            assert_eq!(sorted(&r), sorted(&c), "{args:?}");
            assert_eq!((r.code, c.code), (Some(0), Some(0)));
            if mode.len() == 1 {
                // 7 keys from fill() in db 0, and the 200 above.
                assert_eq!(r.stdout_text().lines().count(), 207);
            }
        }
        let summary = |o: &Output| {
            let text = o.stdout_text();
            let at = text.find("-------- summary -------").unwrap_or(0);
            (text[at..].to_string(), text.lines().count())
        };
        let mut modes = vec!["--bigkeys"];
        if server.target() == Target::Redis {
            // MEMORY USAGE figures are Redis's allocator's; cedis reports its own.
            modes.push("--memkeys");
        }
        for mode in modes {
            let args = with(&base, &[mode]);
            let r = run(&clis.redis, &args, None, TIMEOUT);
            let c = run(&clis.cedis, &args, None, TIMEOUT);
            assert_eq!(summary(&r), summary(&c), "{args:?}");
            if mode == "--bigkeys" {
                assert!(r
                    .stdout_text()
                    .contains("Biggest string found '\"key:199\"' has 199 bytes"));
            }
        }
    }
}

#[test]
fn latency_stat_and_rdb_modes() {
    let server = TestServer::start();
    let base = port_args(&server);
    let cli = cedis_cli_binary();
    // Not a terminal: one line "min max avg samples" after -i seconds.
    let out = run(
        &cli,
        &with(&base, &["--latency", "-i", "0.3"]),
        None,
        TIMEOUT,
    );
    let line = out.stdout_text();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.len(), 4, "{line:?}");
    assert!(fields[3].parse::<u64>().is_ok_and(|n| n > 0), "{line:?}");
    let out = run(
        &cli,
        &with(&base, &["--latency-history", "-i", "0.3"]),
        None,
        Duration::from_millis(800),
    );
    assert!(
        out.stdout_text().contains("seconds range\n"),
        "{}",
        out.stdout_text()
    );
    let out = run(
        &cli,
        &with(&base, &["--latency-dist", "-i", "0.3"]),
        None,
        Duration::from_millis(800),
    );
    assert!(out.stdout_text().contains("samples ----\n"));
    let out = run(
        &cli,
        &with(&base, &["--stat", "-i", "0.2"]),
        None,
        Duration::from_millis(700),
    );
    assert!(out.stdout_text().starts_with("------- data ------"));
    let dir = fresh_temp_dir();
    let file = dir.join("dump.rdb");
    let out = run(
        &cli,
        &with(&base, &["--rdb", file.to_str().expect("utf-8 path")]),
        None,
        TIMEOUT,
    );
    if server.target() == Target::Redis {
        assert_eq!(out.code, Some(0), "{}", out.stderr_text());
        let bytes = std::fs::read(&file).expect("rdb written");
        assert!(bytes.starts_with(b"REDIS"));
    } else if out.code != Some(0) {
        // No SYNC in cedis yet: a clear message and a failure status.
        assert!(out.stderr_text().contains("does not support SYNC"));
        assert_eq!(out.code, Some(1));
    }
}

#[test]
fn help_and_version() {
    let cli = cedis_cli_binary();
    let out = run(&cli, &["--version"], None, TIMEOUT);
    assert_eq!(
        out.stdout_text(),
        format!("cedis-cli {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = run(&cli, &["--help"], None, TIMEOUT);
    assert_eq!(out.code, Some(0));
    assert!(out
        .stdout_text()
        .contains("Usage: cedis-cli [OPTIONS] [cmd [arg [arg ...]]]"));
    for option in [
        "--pipe",
        "--scan",
        "--bigkeys",
        "--latency-dist",
        "--json",
        "-x",
    ] {
        assert!(out.stdout_text().contains(option), "{option}");
    }
}

/// `count` SET commands as raw RESP, written to a file.
fn pipe_input(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("import.resp");
    let file = std::fs::File::create(&path).expect("create import file");
    let mut w = std::io::BufWriter::new(file);
    for i in 0..count {
        let key = format!("key:{i}");
        let value = format!("value:{i}");
        write!(
            w,
            "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n{value}\r\n",
            key.len(),
            value.len()
        )
        .expect("write import file");
    }
    w.flush().expect("flush import file");
    path
}

const PIPE_OK: &str = "All data transferred. Waiting for the last reply...\nLast reply received from server.\nerrors: 0, replies: 1000000\n";

#[test]
fn pipe_imports_a_million_sets_into_cedis_and_redis() {
    let dir = fresh_temp_dir();
    let input = pipe_input(&dir, 1_000_000);
    let mut targets = vec![TestServer::start()];
    if redis_tool(
        "redis-server",
        "pipe_imports_a_million_sets_into_cedis_and_redis",
    )
    .is_some()
    {
        targets.push(ServerBuilder::default().target(Target::Redis).start());
    }
    let redis_cli = find_in_path("redis-cli");
    for server in &targets {
        let port = server.port().to_string();
        let started = Instant::now();
        let out = run(
            &cedis_cli_binary(),
            &["-p", &port, "--pipe"],
            Some(Stdin::File(input.clone())),
            Duration::from_secs(300),
        );
        let took = started.elapsed();
        assert_eq!(out.stdout_text(), PIPE_OK, "stderr: {}", out.stderr_text());
        assert_eq!(out.stderr_text(), "");
        assert_eq!(out.code, Some(0));
        assert_eq!(server.raw().cmd(&["DBSIZE"]), b":1000000\r\n");
        assert_eq!(
            server.raw().cmd(&["GET", "key:999999"]),
            b"$12\r\nvalue:999999\r\n"
        );
        eprintln!(
            "cedis-cli --pipe, 1M SETs into {:?}: {took:?}",
            server.target()
        );
        if let Some(redis_cli) = &redis_cli {
            server.raw().cmd(&["FLUSHALL"]);
            let started = Instant::now();
            let out = run(
                redis_cli,
                &["-p", &port, "--pipe"],
                Some(Stdin::File(input.clone())),
                Duration::from_secs(300),
            );
            eprintln!(
                "redis-cli --pipe, 1M SETs into {:?}: {:?}",
                server.target(),
                started.elapsed()
            );
            assert_eq!(out.stdout_text(), PIPE_OK);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pipe_reports_errors_and_never_hangs_on_malformed_input() {
    let Some((clis, servers)) = setup("pipe_reports_errors_and_never_hangs_on_malformed_input")
    else {
        return;
    };
    for server in &servers {
        let port = server.port().to_string();
        let p = port.as_str();
        // Error replies are counted and printed on stderr; the status is 1.
        let out = clis.same(
            &["-p", p, "--pipe"],
            b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*1\r\n$3\r\nfoo\r\nPING\r\n",
        );
        assert!(out.stdout_text().ends_with("errors: 1, replies: 3\n"));
        assert_eq!(out.code, Some(1));
        // A protocol error: the server hangs up, the import stops.
        let started = Instant::now();
        let out = clis.same(
            &["-p", p, "--pipe"],
            b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$x\r\nb\r\n*1\r\n$4\r\nPING\r\n",
        );
        assert_eq!(out.code, Some(1));
        assert!(out.stderr_text().contains("Protocol error"));
        // A truncated command swallows the closing ECHO: --pipe-timeout ends the wait.
        let out = clis.same(
            &["-p", p, "--pipe", "--pipe-timeout", "1"],
            b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$100\r\nb",
        );
        assert_eq!(out.code, Some(1));
        assert_eq!(out.stderr_text(), "No replies for 1 seconds: exiting.\n");
        assert!(started.elapsed() < Duration::from_secs(20));
        // Empty input.
        clis.same(&["-p", p, "--pipe"], b"");
    }
}

/// Drives the REPL through `script`'s pseudo-terminal, writing `steps` with pauses.
fn repl_session(port: u16, history: &Path, steps: &[&str]) -> String {
    let cli = cedis_cli_binary();
    let command = format!("{} -p {port}", cli.display());
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("CEDISCLI_HISTFILE", history)
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script");
    let mut stdin = child.stdin.take().expect("stdin");
    std::thread::sleep(Duration::from_millis(700));
    for step in steps {
        let _ = stdin.write_all(step.as_bytes());
        let _ = stdin.flush();
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("script output");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn repl_through_a_pseudo_terminal() {
    if find_in_path("script").is_none() {
        eprintln!("SKIPPED: `script` (util-linux) not installed; repl_through_a_pseudo_terminal did not run");
        return;
    }
    let server = TestServer::start();
    let dir = fresh_temp_dir();
    let history = dir.join("history");
    let port = server.port();
    let screen = repl_session(
        port,
        &history,
        &[
            "set greeting \"hello world\"\r",
            "get ",
            "\x15",
            "get greeting\r",
            "select 2\r",
            "multi\r",
            "ping\r",
            "exec\r",
            "help get\r",
            "quit\r",
        ],
    );
    let prompt = format!("cedis 127.0.0.1:{port}> ");
    assert!(screen.contains(&prompt), "no prompt in {screen:?}");
    assert!(screen.contains("OK\r\n"), "{screen:?}");
    assert!(screen.contains("\"hello world\"\r\n"), "{screen:?}");
    // The hint for GET, in gray, from COMMAND DOCS.
    assert!(
        screen.contains("get \x1b[90mkey\x1b[0m"),
        "no hint in {screen:?}"
    );
    assert!(
        screen.contains(&format!("cedis 127.0.0.1:{port}[2]> ")),
        "{screen:?}"
    );
    assert!(
        screen.contains(&format!("cedis 127.0.0.1:{port}[2](TX)> ")),
        "{screen:?}"
    );
    assert!(screen.contains("QUEUED\r\n"), "{screen:?}");
    assert!(screen.contains("1) PONG\r\n"), "{screen:?}");
    assert!(
        screen.contains("\x1b[1mGET\x1b[0m \x1b[90mkey\x1b[0m\r\r\n  \x1b[33msummary:\x1b[0m "),
        "{screen:?}"
    );
    let saved = std::fs::read_to_string(&history).expect("history file written");
    assert_eq!(
        saved,
        "set greeting \"hello world\"\nget greeting\nselect 2\nmulti\nping\nexec\nhelp get\nquit\n"
    );
    // The history comes back in the next session: Up recalls "quit", Up again "help get".
    let screen = repl_session(port, &history, &["\x1b[A", "\x1b[A", "\r", "quit\r"]);
    assert!(screen.contains("> help get"), "{screen:?}");
    assert!(
        screen.contains("\x1b[33mgroup:\x1b[0m string"),
        "{screen:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn repl_reconnects_after_the_server_restarts() {
    if find_in_path("script").is_none() {
        eprintln!("SKIPPED: `script` (util-linux) not installed");
        return;
    }
    let mut server = TestServer::start();
    let dir = fresh_temp_dir();
    let cli = cedis_cli_binary();
    let command = format!("{} -p {}", cli.display(), server.port());
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("CEDISCLI_HISTFILE", dir.join("h"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut step = |s: &str, ms: u64| {
        let _ = stdin.write_all(s.as_bytes());
        let _ = stdin.flush();
        std::thread::sleep(Duration::from_millis(ms));
    };
    step("", 700);
    step("ping\r", 300);
    let port = server.port();
    server.restart();
    if server.port() != port {
        eprintln!("SKIPPED: the server came back on another port");
        drop(stdin);
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    step("ping\r", 400);
    step("ping\r", 400);
    step("quit\r", 300);
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("script output");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains("Error: Server closed the connection\r\n"),
        "{screen:?}"
    );
    assert!(screen.contains("cedis not connected> "), "{screen:?}");
    assert_eq!(screen.matches("PONG\r\n").count(), 2, "{screen:?}");
    let _ = std::fs::remove_dir_all(dir);
}
