//! MIGRATE between two servers: moving and copying keys, REPLACE and BUSYKEY, TTLs, the
//! KEYS form, AUTH, timeouts, the cached connections, and migrations between cedis and a
//! real Redis in both directions. Every reply is the one Redis 7.0 gives.

use std::time::Duration;

use cedis_tests::util::redis_tool;
use cedis_tests::{wait_until, RawConn, ServerBuilder, Target, TestServer};

const BUSYKEY: &[u8] =
    b"-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n";

fn migrate(c: &mut RawConn, target: &TestServer, key: &str, extra: &[&str]) -> Vec<u8> {
    let port = target.port().to_string();
    let mut args = vec!["MIGRATE", "127.0.0.1", &port, key, "0", "5000"];
    args.extend_from_slice(extra);
    c.cmd(&args)
}

fn int(c: &mut RawConn, args: &[&str]) -> i64 {
    let reply = c.cmd(args);
    let text = String::from_utf8_lossy(&reply);
    text.trim()
        .strip_prefix(':')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{args:?}: {text}"))
}

fn cached_sockets(c: &mut RawConn) -> String {
    let info = String::from_utf8_lossy(&c.cmd(&["INFO", "stats"])).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("migrate_cached_sockets:"))
        .unwrap_or("missing")
        .to_string()
}

#[test]
fn moves_copies_and_replaces() {
    let (source, target) = (TestServer::start(), TestServer::start());
    let (mut s, mut t) = (source.raw(), target.raw());
    s.assert_cmd(&["RPUSH", "list", "a", "b", "c"], b":3\r\n");
    assert_eq!(migrate(&mut s, &target, "list", &[]), b"+OK\r\n");
    s.assert_cmd(&["EXISTS", "list"], b":0\r\n");
    t.assert_cmd(
        &["LRANGE", "list", "0", "-1"],
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    assert_eq!(cached_sockets(&mut s), "1");
    // Nothing left to move.
    assert_eq!(migrate(&mut s, &target, "list", &[]), b"+NOKEY\r\n");
    // The target has the key: BUSYKEY, and the source keeps it.
    s.assert_cmd(&["SET", "list", "new"], b"+OK\r\n");
    assert_eq!(migrate(&mut s, &target, "list", &[]), BUSYKEY);
    s.assert_cmd(&["GET", "list"], b"$3\r\nnew\r\n");
    // COPY keeps the source's key (and still fails on a busy target).
    assert_eq!(migrate(&mut s, &target, "list", &["COPY"]), BUSYKEY);
    assert_eq!(
        migrate(&mut s, &target, "list", &["COPY", "REPLACE"]),
        b"+OK\r\n"
    );
    s.assert_cmd(&["GET", "list"], b"$3\r\nnew\r\n");
    t.assert_cmd(&["GET", "list"], b"$3\r\nnew\r\n");
    s.assert_cmd(&["SET", "list", "newer"], b"+OK\r\n");
    assert_eq!(migrate(&mut s, &target, "list", &["REPLACE"]), b"+OK\r\n");
    s.assert_cmd(&["EXISTS", "list"], b":0\r\n");
    t.assert_cmd(&["GET", "list"], b"$5\r\nnewer\r\n");
    // Another database of the target.
    s.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    let port = target.port().to_string();
    s.assert_cmd(
        &["MIGRATE", "127.0.0.1", &port, "k", "3", "5000"],
        b"+OK\r\n",
    );
    t.assert_cmd(&["SELECT", "3"], b"+OK\r\n");
    t.assert_cmd(&["GET", "k"], b"$1\r\nv\r\n");
}

#[test]
fn keeps_the_time_to_live() {
    let (source, target) = (TestServer::start(), TestServer::start());
    let (mut s, mut t) = (source.raw(), target.raw());
    s.assert_cmd(&["SET", "k", "v", "PX", "100000"], b"+OK\r\n");
    s.assert_cmd(&["SET", "persistent", "v"], b"+OK\r\n");
    assert_eq!(
        migrate(&mut s, &target, "", &["KEYS", "k", "persistent"]),
        b"+OK\r\n"
    );
    let ttl = int(&mut t, &["PTTL", "k"]);
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    t.assert_cmd(&["PTTL", "persistent"], b":-1\r\n");
}

#[test]
fn the_keys_form() {
    let (source, target) = (TestServer::start(), TestServer::start());
    let (mut s, mut t) = (source.raw(), target.raw());
    s.assert_cmd(&["MSET", "a", "1", "b", "2", "c", "3"], b"+OK\r\n");
    // Missing keys are skipped.
    assert_eq!(
        migrate(&mut s, &target, "", &["KEYS", "a", "missing", "b"]),
        b"+OK\r\n"
    );
    s.assert_cmd(&["EXISTS", "a", "b", "c"], b":1\r\n");
    t.assert_cmd(&["MGET", "a", "b"], b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    // None exists: NOKEY.
    assert_eq!(
        migrate(&mut s, &target, "", &["KEYS", "x", "y"]),
        b"+NOKEY\r\n"
    );
    // One key busy on the target: its error, and the others still move.
    s.assert_cmd(&["SET", "a", "again"], b"+OK\r\n");
    assert_eq!(migrate(&mut s, &target, "", &["KEYS", "c", "a"]), BUSYKEY);
    s.assert_cmd(&["EXISTS", "c"], b":0\r\n");
    s.assert_cmd(&["GET", "a"], b"$5\r\nagain\r\n");
    t.assert_cmd(&["GET", "c"], b"$1\r\n3\r\n");
    // With KEYS the key argument must be empty; without, "" is just a missing key.
    assert_eq!(
        migrate(&mut s, &target, "a", &["KEYS", "a"]),
        b"-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n"
    );
    assert_eq!(migrate(&mut s, &target, "", &[]), b"+NOKEY\r\n");
}

#[test]
fn argument_errors() {
    let (source, target) = (TestServer::start(), TestServer::start());
    let mut s = source.raw();
    let port = target.port().to_string();
    s.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    for extra in [&["foo"][..], &["AUTH"], &["AUTH2", "user"]] {
        assert_eq!(
            migrate(&mut s, &target, "k", extra),
            b"-ERR syntax error\r\n"
        );
    }
    let not_int = b"-ERR value is not an integer or out of range\r\n";
    s.assert_cmd(&["MIGRATE", "127.0.0.1", &port, "k", "x", "10"], not_int);
    s.assert_cmd(&["MIGRATE", "127.0.0.1", &port, "k", "0", "x"], not_int);
    s.assert_cmd(
        &["MIGRATE", "127.0.0.1", &port, "k", "0"],
        b"-ERR wrong number of arguments for 'migrate' command\r\n",
    );
    s.assert_cmd(&["EXISTS", "k"], b":1\r\n");
    // COMMAND GETKEYS finds the keys as Redis does.
    s.assert_cmd(
        &[
            "COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "1", "AUTH", "keys", "KEYS", "a",
            "b",
        ],
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    s.assert_cmd(
        &[
            "COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "1", "KEYS", "a",
        ],
        b"-ERR Invalid arguments specified for command\r\n",
    );
}

#[test]
fn authentication() {
    let source = TestServer::start();
    let target = TestServer::with_args(&["--requirepass", "secret"]);
    let mut s = source.raw();
    s.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    let noauth = migrate(&mut s, &target, "k", &["COPY"]);
    assert!(
        noauth.starts_with(b"-ERR Target instance replied with error: NOAUTH"),
        "{}",
        String::from_utf8_lossy(&noauth)
    );
    let wrongpass = b"-ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled.\r\n";
    assert_eq!(migrate(&mut s, &target, "k", &["AUTH", "nope"]), wrongpass);
    assert_eq!(
        migrate(&mut s, &target, "k", &["AUTH2", "default", "nope"]),
        wrongpass
    );
    s.assert_cmd(&["EXISTS", "k"], b":1\r\n");
    assert_eq!(
        migrate(&mut s, &target, "k", &["AUTH", "secret", "REPLACE"]),
        b"+OK\r\n"
    );
    s.assert_cmd(&["EXISTS", "k"], b":0\r\n");
    s.assert_cmd(&["SET", "k2", "v"], b"+OK\r\n");
    assert_eq!(
        migrate(&mut s, &target, "k2", &["AUTH2", "default", "secret"]),
        b"+OK\r\n"
    );
    let mut t = target.raw();
    t.assert_cmd(&["AUTH", "secret"], b"+OK\r\n");
    t.assert_cmd(&["MGET", "k", "k2"], b"*2\r\n$1\r\nv\r\n$1\r\nv\r\n");
}

#[test]
fn io_errors_and_timeouts() {
    let source = TestServer::start();
    let target = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut s = source.raw();
    s.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    // Nothing listens there.
    let closed = cedis_tests::server::free_port().to_string();
    s.assert_cmd(
        &["MIGRATE", "127.0.0.1", &closed, "k", "0", "1000"],
        b"-IOERR error or timeout writing to target instance\r\n",
    );
    // A target too busy to answer in time.
    assert_eq!(migrate(&mut s, &target, "k", &["COPY"]), b"+OK\r\n");
    assert_eq!(cached_sockets(&mut s), "1");
    let mut sleeper = target.raw();
    sleeper.send_cmd(&["DEBUG", "SLEEP", "2"]);
    std::thread::sleep(Duration::from_millis(200));
    let port = target.port().to_string();
    s.assert_cmd(
        &["MIGRATE", "127.0.0.1", &port, "k", "0", "500", "REPLACE"],
        b"-IOERR error or timeout reading to target instance\r\n",
    );
    s.assert_cmd(&["EXISTS", "k"], b":1\r\n");
    // The failed connection is dropped.
    assert_eq!(cached_sockets(&mut s), "0");
    sleeper.set_timeout(Duration::from_secs(10));
    assert_eq!(sleeper.read_raw_reply(), b"+OK\r\n");
}

#[test]
fn cached_connections_close_when_idle() {
    cedis_tests::cedis_only!("waits for the idle timeout of cached connections");
    let (source, target) = (TestServer::start(), TestServer::start());
    let mut s = source.raw();
    s.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    assert_eq!(migrate(&mut s, &target, "k", &[]), b"+OK\r\n");
    assert_eq!(cached_sockets(&mut s), "1");
    assert!(wait_until(Duration::from_secs(20), || cached_sockets(
        &mut s
    ) == "0"));
}

/// Payloads cross between cedis and Redis in both directions.
#[test]
fn migrates_between_cedis_and_redis() {
    if redis_tool("redis-server", "migrates_between_cedis_and_redis").is_none() {
        return;
    }
    let redis = ServerBuilder::default().target(Target::Redis).start();
    let cedis = ServerBuilder::default().target(Target::Cedis).start();
    let (mut r, mut c) = (redis.raw(), cedis.raw());
    let fill = |conn: &mut RawConn, prefix: &str| {
        let key = |name: &str| format!("{prefix}{name}");
        conn.assert_cmd(&["SET", &key("s"), "hello"], b"+OK\r\n");
        conn.assert_cmd(&["RPUSH", &key("l"), "1", "2", "3"], b":3\r\n");
        conn.assert_cmd(&["HSET", &key("h"), "f", "v"], b":1\r\n");
        conn.assert_cmd(&["SADD", &key("set"), "a", "b"], b":2\r\n");
        conn.assert_cmd(&["ZADD", &key("z"), "1", "a", "2.5", "b"], b":2\r\n");
        conn.assert_cmd(&["PEXPIRE", &key("s"), "100000"], b":1\r\n");
    };
    let check = |conn: &mut RawConn, prefix: &str| {
        let key = |name: &str| format!("{prefix}{name}");
        conn.assert_cmd(&["GET", &key("s")], b"$5\r\nhello\r\n");
        assert!(int(conn, &["PTTL", &key("s")]) > 90_000);
        conn.assert_cmd(
            &["LRANGE", &key("l"), "0", "-1"],
            b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
        );
        conn.assert_cmd(&["HGET", &key("h"), "f"], b"$1\r\nv\r\n");
        conn.assert_cmd(&["SCARD", &key("set")], b":2\r\n");
        conn.assert_cmd(&["ZSCORE", &key("z"), "b"], b"$3\r\n2.5\r\n");
    };
    let names = ["s", "l", "h", "set", "z"];
    // cedis → Redis.
    fill(&mut c, "c:");
    let keys: Vec<String> = names.iter().map(|n| format!("c:{n}")).collect();
    let mut extra = vec!["KEYS"];
    extra.extend(keys.iter().map(String::as_str));
    assert_eq!(migrate(&mut c, &redis, "", &extra), b"+OK\r\n");
    check(&mut r, "c:");
    c.assert_cmd(&["DBSIZE"], b":0\r\n");
    // Redis → cedis.
    fill(&mut r, "r:");
    let keys: Vec<String> = names.iter().map(|n| format!("r:{n}")).collect();
    let mut extra = vec!["KEYS"];
    extra.extend(keys.iter().map(String::as_str));
    assert_eq!(migrate(&mut r, &cedis, "", &extra), b"+OK\r\n");
    check(&mut c, "r:");
    r.assert_cmd(&["EXISTS", "r:s", "r:l", "r:h", "r:set", "r:z"], b":0\r\n");
}

/// A cached connection the target closed meanwhile (its idle `timeout`) is replaced by a
/// new one without an error.
#[test]
fn a_connection_the_target_closed_is_replaced() {
    let source = TestServer::start();
    let target = TestServer::with_args(&["--timeout", "1"]);
    let mut s = source.raw();
    s.assert_cmd(&["SET", "a", "1"], b"+OK\r\n");
    assert_eq!(migrate(&mut s, &target, "a", &[]), b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(3000));
    s.assert_cmd(&["SET", "b", "2"], b"+OK\r\n");
    assert_eq!(migrate(&mut s, &target, "b", &[]), b"+OK\r\n");
    let mut t = target.raw();
    t.assert_cmd(&["MGET", "a", "b"], b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}
