//! Connection commands: ECHO, QUIT, SELECT, AUTH, HELLO, RESET, CLIENT *, DBSIZE, TIME,
//! SHUTDOWN.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cedis_resp::Frame;
use cedis_tests::{
    assert_help, client_field, client_fields, frame_pairs, frame_text, show, RawConn, TestServer,
};

/// The fields of a `CLIENT LIST`/`CLIENT INFO` line in Redis 7.0.15, in order.
const CLIENT_FIELDS: &[&str] = &[
    "id",
    "addr",
    "laddr",
    "fd",
    "name",
    "age",
    "idle",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "qbuf",
    "qbuf-free",
    "argv-mem",
    "multi-mem",
    "rbs",
    "rbp",
    "obl",
    "oll",
    "omem",
    "tot-mem",
    "events",
    "cmd",
    "user",
    "redir",
    "resp",
];

const NOAUTH: &[u8] = b"-NOAUTH Authentication required.\r\n";
const WRONGPASS: &[u8] = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n";

/// The exact HELLO reply of Redis 7.0.15 for protocol `proto` and client `id`.
fn hello_reply(proto: u8, id: i64) -> Vec<u8> {
    let header = if proto == 3 { "%7" } else { "*14" };
    format!(
        "{header}\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n\
         $5\r\nproto\r\n:{proto}\r\n$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n\
         $4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
    )
    .into_bytes()
}

fn client_id(c: &mut RawConn) -> i64 {
    match c.cmd_frame(&["CLIENT", "ID"]) {
        Frame::Integer(id) => id,
        other => panic!("CLIENT ID gave {other:?}"),
    }
}

/// `CLIENT INFO` text (a bulk string in RESP2, a verbatim `txt` string in RESP3).
fn client_info(c: &mut RawConn) -> String {
    frame_text(&c.cmd_frame(&["CLIENT", "INFO"]))
}

fn assert_field_names(line: &str) {
    let names: Vec<String> = client_fields(line).into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, CLIENT_FIELDS, "fields of {line:?}");
}

#[test]
fn echo() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["ECHO", "hello"], b"$5\r\nhello\r\n");
    c.assert_cmd(&["echo", ""], b"$0\r\n\r\n");
    c.assert_cmd(
        &["ECHO"],
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    );
    c.assert_cmd(
        &["ECHO", "a", "b"],
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    );
}

#[test]
fn quit_replies_ok_then_closes() {
    let server = TestServer::start();
    let mut c = server.raw();
    // Commands pipelined after QUIT are not run.
    c.send(b"QUIT\r\nPING\r\n");
    assert_eq!(c.read_raw_reply(), b"+OK\r\n");
    c.expect_closed();
    let mut c = server.raw();
    c.assert_cmd(&["QUIT", "extra"], b"+OK\r\n");
    c.expect_closed();
}

#[test]
fn select() {
    let server = TestServer::start();
    let mut c = server.raw();
    for db in 0..16 {
        c.assert_cmd(&["SELECT", &db.to_string()], b"+OK\r\n");
        assert_eq!(client_field(&client_info(&mut c), "db"), db.to_string());
    }
    for bad in ["16", "-1", "100"] {
        c.assert_cmd(&["SELECT", bad], b"-ERR DB index is out of range\r\n");
    }
    for bad in ["abc", "1.5", "", " 1", "+1", "01", "99999999999999999999"] {
        c.assert_cmd(
            &["SELECT", bad],
            b"-ERR value is not an integer or out of range\r\n",
        );
    }
    c.assert_cmd(
        &["SELECT"],
        b"-ERR wrong number of arguments for 'select' command\r\n",
    );
    c.assert_cmd(
        &["SELECT", "0", "x"],
        b"-ERR wrong number of arguments for 'select' command\r\n",
    );
    // Failed SELECTs leave the last good one in place.
    assert_eq!(client_field(&client_info(&mut c), "db"), "15");
}

#[test]
fn auth_without_requirepass() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(
        &["AUTH", "foo"],
        b"-ERR AUTH <password> called without any password configured for the default user. \
          Are you sure your configuration is correct?\r\n",
    );
    // The two-argument form checks the (passwordless) user: a wrong pair is WRONGPASS.
    c.assert_cmd(&["AUTH", "nobody", "x"], WRONGPASS);
    c.assert_cmd(
        &["AUTH"],
        b"-ERR wrong number of arguments for 'auth' command\r\n",
    );
    c.assert_cmd(&["PING"], b"+PONG\r\n");
}

#[test]
fn auth_with_requirepass() {
    let server = TestServer::with_args(&["--requirepass", "secret"]);
    let mut c = server.raw();
    for cmd in [&["PING"][..], &["ECHO", "x"], &["SELECT", "1"], &["DBSIZE"]] {
        c.assert_cmd(cmd, NOAUTH);
    }
    // Unknown commands are reported as such even before AUTH.
    c.assert_cmd(
        &["FOO"],
        b"-ERR unknown command 'FOO', with args beginning with: \r\n",
    );
    c.assert_cmd(&["AUTH", "wrong"], WRONGPASS);
    c.assert_cmd(&["AUTH", "default", "wrong"], WRONGPASS);
    c.assert_cmd(&["PING"], NOAUTH);
    c.assert_cmd(&["AUTH", "secret"], b"+OK\r\n");
    c.assert_cmd(&["PING"], b"+PONG\r\n");

    let mut c = server.raw();
    c.assert_cmd(&["AUTH", "default", "secret"], b"+OK\r\n");
    c.assert_cmd(&["PING"], b"+PONG\r\n");
    // RESET logs the connection out again.
    c.assert_cmd(&["RESET"], b"+RESET\r\n");
    c.assert_cmd(&["PING"], NOAUTH);
    // QUIT works without authentication.
    c.assert_cmd(&["QUIT"], b"+OK\r\n");
    c.expect_closed();
}

#[test]
fn hello_with_requirepass() {
    let server = TestServer::with_args(&["--requirepass", "secret"]);
    let mut c = server.raw();
    let noauth_hello: &[u8] = b"-NOAUTH HELLO must be called with the client already \
        authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to \
        authenticate the client and select the RESP protocol version at the same time\r\n";
    c.assert_cmd(&["HELLO", "3"], noauth_hello);
    c.assert_cmd(&["HELLO"], noauth_hello);
    c.assert_cmd(&["HELLO", "2", "AUTH", "default", "wrong"], WRONGPASS);
    let reply = c.cmd(&["HELLO", "3", "AUTH", "default", "secret", "SETNAME", "me"]);
    let frame = cedis_tests::raw::decode_checked(&reply);
    let my_id = match frame_pairs(&frame).into_iter().find(|(k, _)| k == "id") {
        Some((_, Frame::Integer(id))) => id,
        other => panic!("no integer id in HELLO: {other:?}"),
    };
    assert_eq!(show(&reply), show(&hello_reply(3, my_id)));
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$2\r\nme\r\n");
    c.assert_cmd(&["PING"], b"+PONG\r\n");
}

#[test]
fn hello_reply_structure() {
    let server = TestServer::start();
    let mut c = server.raw();
    let id = client_id(&mut c);
    for (cmd, proto) in [
        (&["HELLO", "2"][..], 2),
        (&["HELLO"], 2),
        (&["HELLO", "3"], 3),
    ] {
        let frame = c.cmd_frame(cmd);
        match (&frame, proto) {
            (Frame::Array(_), 2) | (Frame::Map(_), 3) => {}
            _ => panic!("{cmd:?}: wrong aggregate type for RESP{proto}: {frame:?}"),
        }
        let pairs = frame_pairs(&frame);
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["server", "version", "proto", "id", "mode", "role", "modules"]
        );
        let text = |i: usize| frame_text(&pairs[i].1);
        assert_eq!(text(0), "redis");
        assert_eq!(text(1), "7.0.15");
        assert_eq!(pairs[2].1, Frame::Integer(proto));
        assert_eq!(pairs[3].1, Frame::Integer(id));
        assert_eq!(text(4), "standalone");
        assert_eq!(text(5), "master");
        assert_eq!(pairs[6].1, Frame::Array(vec![]));
    }
}

#[test]
fn hello_exact_bytes() {
    let server = TestServer::start();
    let mut c = server.raw();
    let id = client_id(&mut c);
    c.assert_cmd(&["HELLO", "2"], &hello_reply(2, id));
    c.assert_cmd(&["HELLO"], &hello_reply(2, id));
    c.assert_cmd(&["HELLO", "3"], &hello_reply(3, id));
    // With no version, HELLO reports the connection's current protocol.
    c.assert_cmd(&["HELLO"], &hello_reply(3, id));
    c.assert_cmd(&["HELLO", "2"], &hello_reply(2, id));
}

#[test]
fn hello_3_switches_to_resp3() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
    let _ = c.cmd(&["HELLO", "3"]);
    c.assert_cmd(&["PING"], b"+PONG\r\n");
    let port = server.port().to_string();
    let want = format!("%1\r\n$4\r\nport\r\n${}\r\n{port}\r\n", port.len());
    c.assert_cmd(&["CONFIG", "GET", "port"], want.as_bytes());
    c.assert_cmd(&["CLIENT", "GETNAME"], b"_\r\n");
    let info = c.cmd(&["CLIENT", "INFO"]);
    assert!(
        info.starts_with(b"="),
        "CLIENT INFO in RESP3: {}",
        show(&info)
    );
    let frame = cedis_tests::raw::decode_checked(&info);
    match &frame {
        Frame::Verbatim { format, text } => {
            assert_eq!(format, b"txt");
            let line = String::from_utf8_lossy(text);
            assert_field_names(&line);
            assert_eq!(client_field(&line, "resp"), "3");
        }
        other => panic!("CLIENT INFO in RESP3 should be verbatim, got {other:?}"),
    }
    match c.cmd_frame(&["TIME"]) {
        Frame::Array(items) => assert_eq!(items.len(), 2),
        other => panic!("TIME in RESP3: {other:?}"),
    }
    // Back to RESP2.
    let _ = c.cmd(&["HELLO", "2"]);
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
}

#[test]
fn hello_errors() {
    let server = TestServer::start();
    let mut c = server.raw();
    for v in ["4", "1", "0", "-1"] {
        c.assert_cmd(&["HELLO", v], b"-NOPROTO unsupported protocol version\r\n");
    }
    c.assert_cmd(
        &["HELLO", "abc"],
        b"-ERR Protocol version is not an integer or out of range\r\n",
    );
    c.assert_cmd(
        &["HELLO", "2", "FOO"],
        b"-ERR Syntax error in HELLO option 'FOO'\r\n",
    );
    c.assert_cmd(
        &["HELLO", "2", "AUTH", "default"],
        b"-ERR Syntax error in HELLO option 'AUTH'\r\n",
    );
    c.assert_cmd(
        &["HELLO", "3", "SETNAME"],
        b"-ERR Syntax error in HELLO option 'SETNAME'\r\n",
    );
    c.assert_cmd(
        &["HELLO", "3", "SETNAME", "a b"],
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    // A failed HELLO changes nothing: still RESP2, no name.
    c.assert_cmd(
        &["HELLO", "4", "SETNAME", "x"],
        b"-NOPROTO unsupported protocol version\r\n",
    );
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
}

#[test]
fn hello_auth_and_setname() {
    let server = TestServer::start();
    let mut c = server.raw();
    let id = client_id(&mut c);
    // Without requirepass the default user takes any password.
    c.assert_cmd(&["HELLO", "2", "AUTH", "default", "x"], &hello_reply(2, id));
    c.assert_cmd(
        &["HELLO", "3", "AUTH", "default", "x", "SETNAME", "n1"],
        &hello_reply(3, id),
    );
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$2\r\nn1\r\n");
    c.assert_cmd(
        &["HELLO", "2", "setname", "n2", "SETNAME", "n3"],
        &hello_reply(2, id),
    );
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$2\r\nn3\r\n");
    c.assert_cmd(&["HELLO", "2", "AUTH", "nobody", "x"], WRONGPASS);
}

#[test]
fn reset_restores_defaults() {
    let server = TestServer::start();
    let mut c = server.raw();
    let _ = c.cmd(&["HELLO", "3", "SETNAME", "foo"]);
    c.assert_cmd(&["SELECT", "3"], b"+OK\r\n");
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$3\r\nfoo\r\n");
    c.assert_cmd(&["RESET"], b"+RESET\r\n");
    c.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
    let port = server.port().to_string();
    let want = format!("*2\r\n$4\r\nport\r\n${}\r\n{port}\r\n", port.len());
    c.assert_cmd(&["CONFIG", "GET", "port"], want.as_bytes());
    let info = client_info(&mut c);
    assert_eq!(client_field(&info, "db"), "0");
    assert_eq!(client_field(&info, "name"), "");
    assert_eq!(client_field(&info, "resp"), "2");
    c.assert_cmd(
        &["RESET", "x"],
        b"-ERR wrong number of arguments for 'reset' command\r\n",
    );
    // RESET also turns replies back on.
    c.send(b"CLIENT REPLY OFF\r\nRESET\r\nPING\r\n");
    assert_eq!(c.read_raw_reply(), b"+RESET\r\n");
    assert_eq!(c.read_raw_reply(), b"+PONG\r\n");
}

#[test]
fn client_id_setname_getname() {
    let server = TestServer::start();
    let (mut a, mut b) = (server.raw(), server.raw());
    let (ia, ib) = (client_id(&mut a), client_id(&mut b));
    assert!(ia > 0 && ib > ia, "ids {ia} then {ib}");
    assert_eq!(client_id(&mut a), ia, "CLIENT ID is stable");
    a.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
    a.assert_cmd(&["CLIENT", "SETNAME", "worker-1"], b"+OK\r\n");
    a.assert_cmd(&["CLIENT", "GETNAME"], b"$8\r\nworker-1\r\n");
    b.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
    for bad in ["a b", "a\nb", "tab\there"] {
        a.assert_cmd(
            &["CLIENT", "SETNAME", bad],
            b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
        );
    }
    a.assert_cmd(&["CLIENT", "GETNAME"], b"$8\r\nworker-1\r\n");
    // An empty name removes the name.
    a.assert_cmd(&["CLIENT", "SETNAME", ""], b"+OK\r\n");
    a.assert_cmd(&["CLIENT", "GETNAME"], b"$-1\r\n");
    a.assert_cmd(
        &["CLIENT", "ID", "x"],
        b"-ERR wrong number of arguments for 'client|id' command\r\n",
    );
    a.assert_cmd(
        &["CLIENT", "GETNAME", "x"],
        b"-ERR wrong number of arguments for 'client|getname' command\r\n",
    );
    a.assert_cmd(
        &["CLIENT", "SETNAME"],
        b"-ERR wrong number of arguments for 'client|setname' command\r\n",
    );
}

#[test]
fn client_list_and_info() {
    let server = TestServer::start();
    let (mut a, mut b) = (server.raw(), server.raw());
    let (ia, ib) = (client_id(&mut a), client_id(&mut b));
    b.assert_cmd(&["CLIENT", "SETNAME", "bee"], b"+OK\r\n");
    b.assert_cmd(&["SELECT", "7"], b"+OK\r\n");

    let list = frame_text(&a.cmd_frame(&["CLIENT", "LIST"]));
    assert!(
        list.ends_with('\n'),
        "CLIENT LIST ends with a newline: {list:?}"
    );
    let lines: Vec<&str> = list.lines().collect();
    for line in &lines {
        assert_field_names(line);
    }
    let line_of = |id: i64| {
        *lines
            .iter()
            .find(|l| client_field(l, "id") == id.to_string())
            .unwrap_or_else(|| panic!("client {id} missing from {list:?}"))
    };
    let (la, lb) = (line_of(ia), line_of(ib));
    assert_eq!(client_field(la, "addr"), a.local_addr().to_string());
    assert_eq!(client_field(la, "laddr"), server.addr().to_string());
    assert_eq!(client_field(la, "cmd"), "client|list");
    assert_eq!(client_field(la, "user"), "default");
    assert_eq!(client_field(la, "resp"), "2");
    assert_eq!(client_field(la, "flags"), "N");
    assert_eq!(client_field(la, "multi"), "-1");
    assert_eq!(client_field(lb, "name"), "bee");
    assert_eq!(client_field(lb, "db"), "7");
    assert_eq!(client_field(lb, "cmd"), "select");

    let info = client_info(&mut b);
    assert_field_names(&info);
    assert!(
        info.ends_with('\n') && info.lines().count() == 1,
        "{info:?}"
    );
    assert_eq!(client_field(&info, "id"), ib.to_string());
    assert_eq!(client_field(&info, "cmd"), "client|info");

    // Filters.
    let only_b = frame_text(&a.cmd_frame(&["CLIENT", "LIST", "ID", &ib.to_string()]));
    assert_eq!(only_b.lines().count(), 1);
    assert_eq!(client_field(&only_b, "id"), ib.to_string());
    a.assert_cmd(&["CLIENT", "LIST", "ID", "999999"], b"$0\r\n\r\n");
    a.assert_cmd(
        &["CLIENT", "LIST", "ID", "abc"],
        b"-ERR Invalid client ID\r\n",
    );
    let normal = frame_text(&a.cmd_frame(&["CLIENT", "LIST", "TYPE", "normal"]));
    assert!(normal.lines().count() >= 2);
    a.assert_cmd(
        &["CLIENT", "LIST", "TYPE", "foo"],
        b"-ERR Unknown client type 'foo'\r\n",
    );
    a.assert_cmd(&["CLIENT", "LIST", "FOO"], b"-ERR syntax error\r\n");
    a.assert_cmd(
        &["CLIENT", "INFO", "x"],
        b"-ERR wrong number of arguments for 'client|info' command\r\n",
    );
}

#[test]
fn client_kill_forms() {
    let server = TestServer::start();
    let mut me = server.raw();
    let my_id = client_id(&mut me);

    // Old form: by address.
    let mut v = server.raw();
    v.assert_cmd(&["PING"], b"+PONG\r\n");
    me.assert_cmd(&["CLIENT", "KILL", &v.local_addr().to_string()], b"+OK\r\n");
    v.expect_closed();
    me.assert_cmd(
        &["CLIENT", "KILL", "127.0.0.1:1"],
        b"-ERR No such client\r\n",
    );
    me.assert_cmd(&["CLIENT", "KILL", "ID"], b"-ERR No such client\r\n");

    // ID.
    let mut v = server.raw();
    let vid = client_id(&mut v);
    me.assert_cmd(&["CLIENT", "KILL", "ID", &vid.to_string()], b":1\r\n");
    v.expect_closed();
    me.assert_cmd(&["CLIENT", "KILL", "ID", &vid.to_string()], b":0\r\n");
    for bad in ["abc", "0", "-1"] {
        me.assert_cmd(
            &["CLIENT", "KILL", "ID", bad],
            b"-ERR client-id should be greater than 0\r\n",
        );
    }

    // ADDR.
    let mut v = server.raw();
    v.assert_cmd(&["PING"], b"+PONG\r\n");
    me.assert_cmd(
        &["CLIENT", "KILL", "ADDR", &v.local_addr().to_string()],
        b":1\r\n",
    );
    v.expect_closed();
    me.assert_cmd(&["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], b":0\r\n");

    // LADDR and USER kill everyone else (SKIPME defaults to yes).
    let mut victims: Vec<RawConn> = (0..2).map(|_| server.raw()).collect();
    for v in &mut victims {
        v.assert_cmd(&["PING"], b"+PONG\r\n");
    }
    let killed = me.cmd(&["CLIENT", "KILL", "LADDR", &server.addr().to_string()]);
    assert_eq!(killed, b":2\r\n", "{}", show(&killed));
    for v in &mut victims {
        v.expect_closed();
    }
    let mut v = server.raw();
    v.assert_cmd(&["PING"], b"+PONG\r\n");
    me.assert_cmd(&["CLIENT", "KILL", "USER", "default"], b":1\r\n");
    v.expect_closed();
    me.assert_cmd(
        &["CLIENT", "KILL", "USER", "nobody"],
        b"-ERR No such user 'nobody'\r\n",
    );
    me.assert_cmd(&["CLIENT", "KILL", "LADDR", "1.2.3.4:5"], b":0\r\n");
    me.assert_cmd(
        &["CLIENT", "KILL", "USER", "default", "SKIPME", "yes"],
        b":0\r\n",
    );

    // Errors.
    me.assert_cmd(&["CLIENT", "KILL", "FOO", "bar"], b"-ERR syntax error\r\n");
    me.assert_cmd(
        &["CLIENT", "KILL", "SKIPME", "maybe"],
        b"-ERR syntax error\r\n",
    );
    me.assert_cmd(
        &["CLIENT", "KILL", "ID", "1", "SKIPME"],
        b"-ERR syntax error\r\n",
    );
    me.assert_cmd(
        &["CLIENT", "KILL", "127.0.0.1:1", "extra"],
        b"-ERR syntax error\r\n",
    );
    me.assert_cmd(
        &["CLIENT", "KILL"],
        b"-ERR wrong number of arguments for 'client|kill' command\r\n",
    );

    // SKIPME no: a client can kill itself; the reply still arrives.
    me.assert_cmd(
        &["CLIENT", "KILL", "ID", &my_id.to_string(), "SKIPME", "no"],
        b":1\r\n",
    );
    me.expect_closed();
}

#[test]
fn client_reply_modes() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.send(b"CLIENT REPLY SKIP\r\nPING 1\r\nPING 2\r\n");
    assert_eq!(c.read_raw_reply(), b"$1\r\n2\r\n");
    c.send(b"CLIENT REPLY OFF\r\nPING 1\r\nECHO x\r\n");
    c.assert_no_reply(Duration::from_millis(200));
    c.send(b"CLIENT REPLY ON\r\nPING 2\r\n");
    assert_eq!(c.read_raw_reply(), b"+OK\r\n");
    assert_eq!(c.read_raw_reply(), b"$1\r\n2\r\n");
    c.assert_cmd(&["CLIENT", "REPLY", "FOO"], b"-ERR syntax error\r\n");
    c.assert_cmd(
        &["CLIENT", "REPLY"],
        b"-ERR wrong number of arguments for 'client|reply' command\r\n",
    );
}

/// The CLIENT subcommands of the foundation milestone, as CLIENT HELP names them.
const CLIENT_HELP_SUBCOMMANDS: &[&str] = &[
    "GETNAME", "ID", "INFO", "KILL", "LIST", "NO-EVICT", "REPLY", "SETNAME", "UNBLOCK", "HELP",
];

#[test]
fn client_no_evict_errors_and_help() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["CLIENT", "NO-EVICT", "on"], b"+OK\r\n");
    c.assert_cmd(&["CLIENT", "NO-EVICT", "OFF"], b"+OK\r\n");
    c.assert_cmd(&["CLIENT", "NO-EVICT", "maybe"], b"-ERR syntax error\r\n");
    c.assert_cmd(
        &["CLIENT", "NO-EVICT"],
        b"-ERR wrong number of arguments for 'client|no-evict' command\r\n",
    );
    c.assert_cmd(
        &["CLIENT", "FOO"],
        b"-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n",
    );
    c.assert_cmd(
        &["client", "foo", "bar"],
        b"-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n",
    );
    c.assert_cmd(
        &["CLIENT"],
        b"-ERR wrong number of arguments for 'client' command\r\n",
    );
    // The help text is cedis's own prose: only its structure is checked.
    assert_help(
        &c.cmd(&["CLIENT", "HELP"]),
        "CLIENT",
        CLIENT_HELP_SUBCOMMANDS,
    );
    c.assert_cmd(
        &["CLIENT", "HELP", "x"],
        b"-ERR wrong number of arguments for 'client|help' command\r\n",
    );
}

/// CLIENT NO-TOUCH and CLIENT SETINFO come from Redis 7.2 (7.0.15 answers "unknown
/// subcommand"): cedis has them on purpose, because client libraries (redis-py 5, the
/// `redis` crate) send CLIENT SETINFO when they connect.
#[test]
fn client_no_touch_and_setinfo_extensions() {
    cedis_tests::cedis_only!("CLIENT NO-TOUCH and CLIENT SETINFO are Redis 7.2 extensions");
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["CLIENT", "NO-TOUCH", "on"], b"+OK\r\n");
    c.assert_cmd(&["CLIENT", "NO-TOUCH", "OFF"], b"+OK\r\n");
    c.assert_cmd(&["CLIENT", "NO-TOUCH", "maybe"], b"-ERR syntax error\r\n");
    c.assert_cmd(
        &["CLIENT", "NO-TOUCH"],
        b"-ERR wrong number of arguments for 'client|no-touch' command\r\n",
    );
    c.assert_cmd(&["CLIENT", "SETINFO", "LIB-NAME", "x"], b"+OK\r\n");
    c.assert_cmd(&["client", "setinfo", "lib-ver", "1.2.3"], b"+OK\r\n");
    for bad in [
        &["CLIENT", "SETINFO", "LIB-NAME", "a b"][..],
        &["CLIENT", "SETINFO", "LIB-VER", "1\n2"],
        &["CLIENT", "SETINFO", "FOO", "x"],
    ] {
        let reply = c.cmd(bad);
        assert!(
            reply.starts_with(b"-ERR ") && reply.iter().filter(|&&b| b == b'\n').count() == 1,
            "{bad:?} should be an error, got {}",
            show(&reply)
        );
    }
    c.assert_cmd(
        &["CLIENT", "SETINFO", "LIB-NAME"],
        b"-ERR wrong number of arguments for 'client|setinfo' command\r\n",
    );
    c.assert_cmd(&["PING"], b"+PONG\r\n");
    let mut subs = CLIENT_HELP_SUBCOMMANDS.to_vec();
    subs.extend(["NO-TOUCH", "SETINFO"]);
    assert_help(&c.cmd(&["CLIENT", "HELP"]), "CLIENT", &subs);
}

#[test]
fn dbsize_empty() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["DBSIZE"], b":0\r\n");
    c.assert_cmd(&["SELECT", "5"], b"+OK\r\n");
    c.assert_cmd(&["DBSIZE"], b":0\r\n");
    c.assert_cmd(
        &["DBSIZE", "x"],
        b"-ERR wrong number of arguments for 'dbsize' command\r\n",
    );
}

#[test]
fn time_shape() {
    let server = TestServer::start();
    let mut c = server.raw();
    let frame = c.cmd_frame(&["TIME"]);
    let items = cedis_tests::frame_items(&frame);
    assert_eq!(items.len(), 2, "{frame:?}");
    assert!(
        items.iter().all(|i| matches!(i, Frame::Bulk(_))),
        "{frame:?}"
    );
    let secs: u64 = frame_text(&items[0]).parse().expect("seconds");
    let micros: u64 = frame_text(&items[1]).parse().expect("microseconds");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(secs.abs_diff(now) <= 5, "TIME {secs} vs now {now}");
    assert!(micros < 1_000_000);
    c.assert_cmd(
        &["TIME", "x"],
        b"-ERR wrong number of arguments for 'time' command\r\n",
    );
}

#[test]
fn shutdown_nosave_exits_cleanly() {
    let mut server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["SHUTDOWN", "FOO"], b"-ERR syntax error\r\n");
    c.assert_cmd(&["SHUTDOWN", "NOSAVE", "SAVE"], b"-ERR syntax error\r\n");
    c.send_cmd(&["SHUTDOWN", "NOSAVE"]);
    c.expect_closed();
    let status = server
        .wait_for_exit(Duration::from_secs(10))
        .expect("server still running 10 s after SHUTDOWN NOSAVE");
    assert!(status.success(), "exit status {status}");
    assert!(
        std::net::TcpStream::connect(server.addr()).is_err(),
        "port {} still accepts connections",
        server.port()
    );
}

/// SIGTERM and SIGINT shut down as SHUTDOWN does: in-flight clients are closed, the
/// process exits 0 and the port closes.
#[test]
fn signals_shut_down_gracefully() {
    for signal in ["-TERM", "-INT"] {
        let mut server = TestServer::start();
        let mut c = server.raw();
        c.assert_cmd(&["PING"], b"+PONG\r\n");
        let sent = std::process::Command::new("kill")
            .arg(signal)
            .arg(server.pid().to_string())
            .status()
            .expect("run kill");
        assert!(sent.success());
        let status = server
            .wait_for_exit(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("server still running 10 s after kill {signal}"));
        assert!(status.success(), "exit status {status} after kill {signal}");
        c.expect_closed();
        assert!(std::net::TcpStream::connect(server.addr()).is_err());
    }
}
