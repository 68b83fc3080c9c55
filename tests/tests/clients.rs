//! Real clients against the server: the `redis` crate, `redis-benchmark`, `redis-cli`.

use std::process::{Command, Output};

use cedis_tests::{client_field, redis_tool, TestServer};

fn run(tool: &std::path::Path, args: &[&str]) -> Output {
    Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", tool.display()))
}

fn describe(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn redis_crate_basics() {
    let server = TestServer::start();
    let mut c = server.client();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let echo: String = redis::cmd("ECHO").arg("héllo\r\n").query(&mut c).unwrap();
    assert_eq!(echo, "héllo\r\n");
    let size: i64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert_eq!(size, 0);
    let err = redis::cmd("NOSUCH").query::<String>(&mut c).unwrap_err();
    assert!(err.to_string().contains("unknown command"), "{err}");
    // The connection survives the error.
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
}

#[test]
fn redis_crate_pipeline_of_1000() {
    let server = TestServer::start();
    let mut c = server.client();
    let mut pipe = redis::pipe();
    for _ in 0..1000 {
        pipe.cmd("PING");
    }
    let replies: Vec<String> = pipe.query(&mut c).unwrap();
    assert_eq!(replies.len(), 1000);
    assert!(replies.iter().all(|r| r == "PONG"));
}

#[test]
fn redis_crate_after_select() {
    let server = TestServer::start();
    let mut c = server.client();
    let _: () = redis::cmd("SELECT").arg(5).query(&mut c).unwrap();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let info: String = redis::cmd("CLIENT").arg("INFO").query(&mut c).unwrap();
    assert_eq!(client_field(&info, "db"), "5");
    // The crate can also select the database itself, from the URL.
    let client = redis::Client::open(format!("redis://{}/7", server.addr())).unwrap();
    let mut c = client.get_connection().unwrap();
    let info: String = redis::cmd("CLIENT").arg("INFO").query(&mut c).unwrap();
    assert_eq!(client_field(&info, "db"), "7");
}

#[test]
fn redis_crate_resp3_and_auth() {
    let server = TestServer::with_args(&["--requirepass", "pw"]);
    let url = format!("redis://:pw@{}/?protocol=resp3", server.addr());
    let mut c = redis::Client::open(url).unwrap().get_connection().unwrap();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let info: String = redis::cmd("CLIENT").arg("INFO").query(&mut c).unwrap();
    assert_eq!(client_field(&info, "resp"), "3");
    // Wrong password: connecting fails.
    let bad = format!("redis://:nope@{}/", server.addr());
    assert!(redis::Client::open(bad).unwrap().get_connection().is_err());
}

fn assert_benchmark_clean(out: &Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "redis-benchmark failed: {}",
        describe(out)
    );
    assert!(
        !text.contains("ERR") && !text.to_lowercase().contains("error"),
        "redis-benchmark reported errors: {}",
        describe(out)
    );
    assert!(
        text.contains("PING_INLINE") && text.contains("PING_MBULK"),
        "{}",
        describe(out)
    );
}

#[test]
fn redis_benchmark_ping() {
    let Some(bench) = redis_tool("redis-benchmark", "redis_benchmark_ping") else {
        return;
    };
    let server = TestServer::start();
    let port = server.port().to_string();
    let base = [
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-t",
        "ping_inline,ping_mbulk",
    ];
    let mut args = base.to_vec();
    args.extend(["-c", "50", "-n", "20000", "-q"]);
    assert_benchmark_clean(&run(&bench, &args));
    args.extend(["-P", "16"]);
    assert_benchmark_clean(&run(&bench, &args));
}

#[test]
fn redis_cli_ping() {
    let Some(cli) = redis_tool("redis-cli", "redis_cli_ping") else {
        return;
    };
    let server = TestServer::start();
    let port = server.port().to_string();
    let out = run(&cli, &["-h", "127.0.0.1", "-p", &port, "PING"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "PONG\n",
        "{}",
        describe(&out)
    );
    let out = run(&cli, &["-h", "127.0.0.1", "-p", &port, "ECHO", "hi there"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hi there\n",
        "{}",
        describe(&out)
    );
    let out = run(&cli, &["-h", "127.0.0.1", "-p", &port, "NOSUCH"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ERR unknown command 'NOSUCH'"),
        "{}",
        describe(&out)
    );
    // Commands from stdin, as scripts use it.
    let mut child = Command::new(&cli)
        .args(["-h", "127.0.0.1", "-p", &port])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"PING\nECHO a\nSELECT 3\nDBSIZE\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "PONG\na\nOK\n0\n");
}
