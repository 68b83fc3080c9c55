//! The wire protocol: inline and multibulk requests, pipelining, Redis's protocol errors
//! (exact bytes, then the connection closes), and robustness against hostile input.

use std::thread;
use std::time::Duration;

use cedis_tests::{show, RawConn, TestServer, XorShift64};

/// Sends `input` on a fresh connection and asserts the server answers exactly `reply`
/// and then closes the connection; the server must still serve a new connection.
fn assert_protocol_error(server: &TestServer, input: &[u8], reply: &str) {
    let mut c = server.raw();
    // The server may close while we are still writing a big input.
    let _ = c.try_send(input);
    let got = c
        .try_read_raw_reply()
        .unwrap_or_else(|e| panic!("input {}: expected {reply:?}, but {e}", show(input)));
    assert_eq!(show(&got), show(reply.as_bytes()), "input {}", show(input));
    c.expect_closed();
    assert_alive(server);
}

/// A new connection still gets an answer to PING (`-NOAUTH` where a password is set).
fn assert_alive(server: &TestServer) {
    let reply = server.raw().cmd(&["PING"]);
    assert!(
        reply == b"+PONG\r\n" || reply.starts_with(b"-NOAUTH"),
        "PING on a new connection got {}",
        show(&reply)
    );
}

#[test]
fn ping_inline() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.send(b"PING\r\n");
    assert_eq!(c.read_raw_reply(), b"+PONG\r\n");
    c.send(b"PING hello\r\n");
    assert_eq!(c.read_raw_reply(), b"$5\r\nhello\r\n");
    // Inline commands are case-insensitive, may end in a bare \n, and spaces are trimmed.
    c.send(b"ping\npInG\r\n   PING   \r\n");
    for _ in 0..3 {
        assert_eq!(c.read_raw_reply(), b"+PONG\r\n");
    }
}

#[test]
fn ping_multibulk() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["PING"], b"+PONG\r\n");
    c.assert_cmd(&["ping", "hello world"], b"$11\r\nhello world\r\n");
    c.assert_cmd(&["PING", ""], b"$0\r\n\r\n");
    c.assert_cmd(
        &["PING", "a", "b"],
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    );
}

#[test]
fn empty_requests_are_ignored() {
    let server = TestServer::start();
    let mut c = server.raw();
    // Empty inline lines, `*0` and `*-1` get no reply at all.
    c.send(b"\r\n\r\n\n*0\r\n*-1\r\nPING\r\n");
    assert_eq!(c.read_raw_reply(), b"+PONG\r\n");
    c.assert_no_reply(Duration::from_millis(200));
}

#[test]
fn requests_split_across_writes() {
    let server = TestServer::start();
    let mut c = server.raw();
    let req = b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
    for b in req.iter() {
        c.send(std::slice::from_ref(b));
        thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(c.read_raw_reply(), b"$5\r\nhello\r\n");
    for part in [&b"PI"[..], b"NG", b"\r", b"\n"] {
        c.send(part);
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(c.read_raw_reply(), b"+PONG\r\n");
}

#[test]
fn pipelining_keeps_order() {
    let server = TestServer::start();
    let mut c = server.raw();
    let mut batch = Vec::new();
    for i in 0..100 {
        if i % 2 == 0 {
            batch.extend_from_slice(format!("ECHO inline-{i}\r\n").as_bytes());
        } else {
            batch.extend(cedis_tests::encode_command(&["ECHO", &format!("bulk-{i}")]));
        }
    }
    c.send(&batch);
    for i in 0..100 {
        let want = if i % 2 == 0 {
            format!("inline-{i}")
        } else {
            format!("bulk-{i}")
        };
        let want = format!("${}\r\n{want}\r\n", want.len());
        assert_eq!(
            show(&c.read_raw_reply()),
            show(want.as_bytes()),
            "reply {i}"
        );
    }
    c.assert_no_reply(Duration::from_millis(100));
}

#[test]
fn binary_safe_and_large_arguments() {
    let server = TestServer::start();
    let mut c = server.raw();
    let binary: Vec<u8> = (0..=255u8).chain(*b"\r\n\0\r\n").collect();
    let mut want = format!("${}\r\n", binary.len()).into_bytes();
    want.extend_from_slice(&binary);
    want.extend_from_slice(b"\r\n");
    assert_eq!(c.cmd(&[&b"ECHO"[..], &binary]), want);

    // Bigger than Redis's 32 KB "big argument" threshold and than one read.
    let big = XorShift64::new(42).bytes(1 << 20);
    let reply = c.cmd(&[&b"ECHO"[..], &big]);
    let header = format!("${}\r\n", big.len());
    assert!(reply.starts_with(header.as_bytes()));
    assert_eq!(&reply[header.len()..reply.len() - 2], &big[..]);
}

#[test]
fn inline_quoting() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.send(b"ECHO \"a\\x41\\n\"\r\n");
    assert_eq!(c.read_raw_reply(), b"$3\r\naA\n\r\n");
    c.send(b"ECHO 'a\\'b'\r\n");
    assert_eq!(c.read_raw_reply(), b"$3\r\na'b\r\n");
    c.send(b"ECHO 'a\"b'\r\n");
    assert_eq!(c.read_raw_reply(), b"$3\r\na\"b\r\n");
    c.send(b"ECHO \"\"\r\n");
    assert_eq!(c.read_raw_reply(), b"$0\r\n\r\n");
}

#[test]
fn protocol_errors_close_the_connection() {
    let server = TestServer::start();
    let cases: &[(&[u8], &str)] = &[
        (
            b"*abc\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1a\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*2147483648\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*99999999999\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\nfoo\r\n",
            "-ERR Protocol error: expected '$', got 'f'\r\n",
        ),
        (
            b"*2\r\n$4\r\nECHO\r\n:1\r\n",
            "-ERR Protocol error: expected '$', got ':'\r\n",
        ),
        (
            b"*1\r\n$-5\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$abc\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$99999999999\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        // proto-max-bulk-len is 512 MB: one more byte is refused.
        (
            b"*1\r\n$536870913\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"PING \"a\r\n",
            "-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        (
            b"ECHO 'a\r\n",
            "-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        // A closing quote must be followed by a space or the end.
        (
            b"ECHO \"a\"b\r\n",
            "-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
    ];
    for (input, reply) in cases {
        assert_protocol_error(&server, input, reply);
    }
}

#[test]
fn oversized_lines_are_refused() {
    let server = TestServer::start();
    // More than 64 KB without a newline.
    assert_protocol_error(
        &server,
        &vec![b'A'; 70_000],
        "-ERR Protocol error: too big inline request\r\n",
    );
    let mut mbulk = b"*".to_vec();
    mbulk.extend(std::iter::repeat_n(b'1', 70_000));
    assert_protocol_error(
        &server,
        &mbulk,
        "-ERR Protocol error: too big mbulk count string\r\n",
    );
    let mut bulk = b"*1\r\n$".to_vec();
    bulk.extend(std::iter::repeat_n(b'1', 70_000));
    assert_protocol_error(
        &server,
        &bulk,
        "-ERR Protocol error: too big bulk count string\r\n",
    );
}

#[test]
fn dollar_line_outside_multibulk_is_an_inline_command() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.send(b"$99999999999\r\n");
    assert_eq!(
        show(&c.read_raw_reply()),
        show(b"-ERR unknown command '$99999999999', with args beginning with: \r\n")
    );
    c.assert_cmd(&["PING"], b"+PONG\r\n");
}

#[test]
fn large_multibulk_count_waits_for_arguments() {
    // Up to INT_MAX elements are accepted (nothing is allocated up front): the server waits.
    let server = TestServer::start();
    let mut c = server.raw();
    c.send(b"*99999999\r\n");
    c.assert_no_reply(Duration::from_millis(300));
    c.send(b"PING\r\n");
    assert_eq!(
        c.read_raw_reply(),
        b"-ERR Protocol error: expected '$', got 'P'\r\n"
    );
    c.expect_closed();
    assert_alive(&server);
    if let Some(rss) = server.rss_kb() {
        assert!(rss < 200 * 1024, "RSS {rss} KiB after *99999999");
    }
}

#[test]
fn deep_nesting_is_a_protocol_error() {
    // Requests are flat: a nested `*` where a `$` belongs is refused, however deep.
    let server = TestServer::start();
    assert_protocol_error(
        &server,
        &b"*1\r\n".repeat(100_000),
        "-ERR Protocol error: expected '$', got '*'\r\n",
    );
}

#[test]
fn huge_bulk_prefix_does_not_allocate_it() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.send(b"*1\r\n$500000000\r\n");
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..16 {
        c.send(&chunk);
        thread::sleep(Duration::from_millis(10));
    }
    thread::sleep(Duration::from_millis(200));
    if let Some(rss) = server.rss_kb() {
        assert!(
            rss < 200 * 1024,
            "server RSS is {rss} KiB after a 500 MB bulk header and 1 MB of payload"
        );
    } else {
        eprintln!("no /proc/PID/status here: RSS not checked");
    }
    // Still waiting for the rest, and the server still serves others.
    c.assert_no_reply(Duration::from_millis(100));
    assert_alive(&server);
}

#[test]
fn random_bytes_never_kill_the_server() {
    let server = TestServer::start();
    let mut rng = XorShift64::new(0x5eed_cafe);
    let alphabet: &[u8] = b"*$\r\n0123456789-+:\"' \\xPINGECHO";
    for case in 0..300 {
        let len = 1 + rng.below(600) as usize;
        let input: Vec<u8> = if rng.below(2) == 0 {
            rng.bytes(len)
        } else {
            (0..len).map(|_| *rng.pick(alphabet)).collect()
        };
        {
            let mut c = server.raw();
            let _ = c.try_send(&input);
            // Whatever comes back (maybe nothing), the connection is dropped.
            let _ = c.read_until_quiet(Duration::from_millis(5));
        }
        let mut probe = server.raw();
        let reply = probe.cmd(&["PING"]);
        assert_eq!(
            reply,
            b"+PONG\r\n",
            "after random case {case}: {}",
            show(&input)
        );
    }
    thread::sleep(Duration::from_millis(100));
    assert_alive(&server);
}

#[test]
fn many_concurrent_clients() {
    let server = TestServer::start();
    let addr = server.addr();
    let threads: Vec<_> = (0..50)
        .map(|t| {
            thread::spawn(move || {
                let mut c = RawConn::connect(addr);
                for i in 0..200 {
                    if i % 2 == 0 {
                        c.assert_cmd(&["PING"], b"+PONG\r\n");
                    } else {
                        let msg = format!("{t}-{i}");
                        let want = format!("${}\r\n{msg}\r\n", msg.len());
                        c.assert_cmd(&["PING", &msg], want.as_bytes());
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client thread panicked");
    }
    assert_alive(&server);
}

#[test]
fn command_errors_keep_the_connection_open() {
    let server = TestServer::start();
    let mut c = server.raw();
    let cases: &[(&[&str], &str)] = &[
        (
            &["foo", "a", "b"],
            "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n",
        ),
        (
            &["foo"],
            "-ERR unknown command 'foo', with args beginning with: \r\n",
        ),
        (
            &[""],
            "-ERR unknown command '', with args beginning with: \r\n",
        ),
        (
            &["select"],
            "-ERR wrong number of arguments for 'select' command\r\n",
        ),
        // The name in the message is the command's own (lower case), not as typed.
        (
            &["SELECT"],
            "-ERR wrong number of arguments for 'select' command\r\n",
        ),
        (
            &["Client", "SetName"],
            "-ERR wrong number of arguments for 'client|setname' command\r\n",
        ),
        (
            &["CONFIG", "GET"],
            "-ERR wrong number of arguments for 'config|get' command\r\n",
        ),
        (
            &["echo"],
            "-ERR wrong number of arguments for 'echo' command\r\n",
        ),
        (
            &["ECHO", "a", "b"],
            "-ERR wrong number of arguments for 'echo' command\r\n",
        ),
    ];
    for (cmd, reply) in cases {
        c.assert_cmd(cmd, reply.as_bytes());
    }
    c.assert_cmd(&["PING"], b"+PONG\r\n");
}

#[test]
fn unknown_command_args_are_truncated() {
    let server = TestServer::start();
    let mut c = server.raw();
    // The argument list in the message stops once it reaches 128 characters.
    let long = "x".repeat(200);
    let want = format!(
        "-ERR unknown command 'foo', with args beginning with: '{}' \r\n",
        "x".repeat(128)
    );
    c.assert_cmd(&["foo", &long, "y"], want.as_bytes());
    let many: Vec<&str> = std::iter::once("foo")
        .chain(std::iter::repeat_n("a", 100))
        .collect();
    let want = format!(
        "-ERR unknown command 'foo', with args beginning with: {}\r\n",
        "'a' ".repeat(32)
    );
    c.assert_cmd(&many, want.as_bytes());
    // Inline: the name is not unescaped outside quotes.
    c.send(b"foo\\x41 \"a'b\"\r\n");
    assert_eq!(
        show(&c.read_raw_reply()),
        show(b"-ERR unknown command 'foo\\x41', with args beginning with: 'a'b' \r\n")
    );
}

#[test]
fn unauthenticated_clients_get_small_limits() {
    let server = TestServer::with_args(&["--requirepass", "secret"]);
    assert_protocol_error(
        &server,
        b"*11\r\n",
        "-ERR Protocol error: unauthenticated multibulk length\r\n",
    );
    assert_protocol_error(
        &server,
        b"*1\r\n$16385\r\n",
        "-ERR Protocol error: unauthenticated bulk length\r\n",
    );
    // At the limits: accepted (the server waits for the rest).
    for input in [&b"*10\r\n"[..], b"*1\r\n$16384\r\n"] {
        let mut c = server.raw();
        c.send(input);
        c.assert_no_reply(Duration::from_millis(200));
    }
}
