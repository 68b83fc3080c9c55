//! RDB files and DUMP payloads between cedis and real Redis 7.0.15: files each one writes
//! load in the other with every key, value, encoding and TTL intact, DUMP payloads are
//! byte-identical, and SAVE / DEBUG RELOAD / SHUTDOWN / start-up behave as in Redis.

use std::time::Duration;

use cedis_tests::util::redis_tool;
use cedis_tests::{RawConn, ServerBuilder, Target, TestServer};

/// Every type in its compact and its large encoding, TTLs, and several databases.
fn fill(conn: &mut RawConn) {
    let mut cmds: Vec<Vec<String>> = vec![
        vec!["SET".into(), "int".into(), "12345".into()],
        vec!["SET".into(), "neg".into(), "-7".into()],
        vec!["SET".into(), "short".into(), "hello".into()],
        vec!["SET".into(), "long".into(), "x".repeat(300)],
        vec![
            "SET".into(),
            "ttl".into(),
            "v".into(),
            "EX".into(),
            "1000".into(),
        ],
        vec![
            "RPUSH".into(),
            "list".into(),
            "a".into(),
            "1".into(),
            "b".into(),
        ],
        vec![
            "SADD".into(),
            "intset".into(),
            "1".into(),
            "70000".into(),
            "-5".into(),
        ],
        vec!["SADD".into(), "set".into(), "a".into(), "b".into()],
        vec![
            "HSET".into(),
            "hash".into(),
            "f".into(),
            "v".into(),
            "n".into(),
            "1".into(),
        ],
        vec![
            "ZADD".into(),
            "zset".into(),
            "1".into(),
            "a".into(),
            "2.5".into(),
            "b".into(),
        ],
        vec![
            "ZADD".into(),
            "zinf".into(),
            "inf".into(),
            "x".into(),
            "-inf".into(),
            "y".into(),
        ],
        vec!["SELECT".into(), "3".into()],
        vec![
            "SET".into(),
            "in3".into(),
            "three".into(),
            "PX".into(),
            "500000".into(),
        ],
        vec!["SELECT".into(), "0".into()],
    ];
    let mut big_list = vec!["RPUSH".to_string(), "biglist".to_string()];
    let mut big_hash = vec!["HSET".to_string(), "bighash".to_string()];
    let mut big_zset = vec!["ZADD".to_string(), "bigzset".to_string()];
    for i in 0..1000 {
        big_list.push(format!("element-{i}"));
        big_hash.extend([format!("field-{i}"), format!("value-{i}")]);
        big_zset.extend([format!("{}", i as f64 / 3.0), format!("member-{i}")]);
    }
    cmds.extend([big_list, big_hash, big_zset]);
    for cmd in &cmds {
        let reply = conn.cmd(cmd);
        assert!(!reply.starts_with(b"-"), "{cmd:?}: {reply:?}");
    }
}

/// Keys whose DUMP does not depend on hash-table order (so the bytes must be equal).
const ORDERED_KEYS: &[&str] = &[
    "int", "neg", "short", "long", "ttl", "list", "intset", "hash", "zset", "zinf", "biglist",
    "bigzset",
];

fn dumps(conn: &mut RawConn, keys: &[&str]) -> Vec<Vec<u8>> {
    keys.iter().map(|k| conn.cmd(&["DUMP", k])).collect()
}

/// What every key holds, read back in an order-independent way.
fn contents(conn: &mut RawConn) -> Vec<String> {
    let mut out = Vec::new();
    for db in ["0", "3"] {
        conn.cmd(&["SELECT", db]);
        let keys = conn.cmd_frame(&["KEYS", "*"]);
        let mut names: Vec<String> = cedis_tests::util::frame_items(&keys)
            .iter()
            .map(cedis_tests::util::frame_text)
            .collect();
        names.sort();
        for key in names {
            let kind = String::from_utf8_lossy(&conn.cmd(&["TYPE", &key])).into_owned();
            let encoding =
                String::from_utf8_lossy(&conn.cmd(&["OBJECT", "ENCODING", &key])).into_owned();
            let value = match kind.trim() {
                "+string" => conn.cmd(&["GET", &key]),
                "+list" => conn.cmd(&["LRANGE", &key, "0", "-1"]),
                "+set" => conn.cmd(&["SORT", &key, "ALPHA"]),
                "+hash" => conn.cmd(&["HLEN", &key]),
                "+zset" => conn.cmd(&["ZRANGE", &key, "0", "-1", "WITHSCORES"]),
                other => panic!("unexpected type {other}"),
            };
            let ttl = String::from_utf8_lossy(&conn.cmd(&["TTL", &key])).into_owned();
            let has_ttl = ttl.trim() != ":-1";
            out.push(format!(
                "db{db} {key} {kind} {encoding} ttl={has_ttl} {}",
                String::from_utf8_lossy(&value)
            ));
        }
    }
    conn.cmd(&["SELECT", "0"]);
    out
}

#[test]
fn save_and_restart_keep_every_key_value_and_ttl() {
    let mut server = TestServer::start();
    let mut conn = server.raw();
    fill(&mut conn);
    let before = contents(&mut conn);
    conn.assert_cmd(&["SAVE"], b"+OK\r\n");
    assert!(server.dir().join("dump.rdb").is_file());
    server.restart();
    let mut conn = server.raw();
    assert_eq!(contents(&mut conn), before);
    let info = String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"])).into_owned();
    assert!(info.contains("rdb_last_load_keys_loaded:15"), "{info}");
}

#[test]
fn rdb_files_move_between_redis_and_cedis() {
    if redis_tool("redis-server", "rdb_files_move_between_redis_and_cedis").is_none() {
        return;
    }
    let mut redis = ServerBuilder::default().target(Target::Redis).start();
    let mut cedis = ServerBuilder::default().target(Target::Cedis).start();
    let (mut r, mut c) = (redis.raw(), cedis.raw());
    fill(&mut r);
    fill(&mut c);
    assert_eq!(contents(&mut c), contents(&mut r));
    assert_eq!(dumps(&mut c, ORDERED_KEYS), dumps(&mut r, ORDERED_KEYS));
    let expected = contents(&mut r);
    r.assert_cmd(&["SAVE"], b"+OK\r\n");
    c.assert_cmd(&["SAVE"], b"+OK\r\n");
    // Swap the files and restart both.
    let (redis_file, cedis_file) = (redis.dir().join("dump.rdb"), cedis.dir().join("dump.rdb"));
    let redis_bytes = std::fs::read(&redis_file).unwrap();
    let cedis_bytes = std::fs::read(&cedis_file).unwrap();
    std::fs::write(&redis_file, &cedis_bytes).unwrap();
    std::fs::write(&cedis_file, &redis_bytes).unwrap();
    if let Some(check) = redis_tool("redis-check-rdb", "rdb_files_move_between_redis_and_cedis") {
        let out = std::process::Command::new(check)
            .arg(&redis_file)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("RDB looks OK"), "{text}");
    }
    redis.restart();
    cedis.restart();
    let (mut r, mut c) = (redis.raw(), cedis.raw());
    assert_eq!(contents(&mut r), expected, "Redis loading cedis's file");
    assert_eq!(contents(&mut c), expected, "cedis loading Redis's file");
    assert_eq!(dumps(&mut c, ORDERED_KEYS), dumps(&mut r, ORDERED_KEYS));
}

#[test]
fn dump_and_restore_match_redis() {
    let Some(mut d) = cedis_tests::Differential::new() else {
        return;
    };
    fill(&mut d.subject().raw());
    fill(&mut d.redis().raw());
    let payload = d.redis().raw().cmd(&["DUMP", "short"]);
    // Strip the bulk header to get the payload itself.
    let start = payload.iter().position(|&b| b == b'\n').unwrap() + 1;
    let payload = String::from_utf8_lossy(&payload[start..payload.len() - 2]).into_owned();
    let mut corrupt = payload.clone().into_bytes();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 1;
    let corrupt = String::from_utf8_lossy(&corrupt).into_owned();
    for key in ORDERED_KEYS {
        d.check(&[&["DUMP", key]]);
    }
    d.check(&[
        &["DUMP", "nosuchkey"],
        &["RESTORE", "short", "0", &payload],
        &[
            "RESTORE", "new", "0", &payload, "REPLACE", "IDLETIME", "5", "FREQ", "3",
        ],
        &["RESTORE", "new", "0", &payload, "IDLETIME", "-1"],
        &["RESTORE", "new", "0", &payload, "FREQ", "256"],
        &["RESTORE", "new", "-1", &payload],
        &["RESTORE", "new", "x", &payload],
        &["RESTORE", "new", "0", &payload, "foo"],
        &["RESTORE", "new", "0", &corrupt],
        &["RESTORE", "new", "0", "garbage"],
        &["RESTORE", "new", "0", &payload],
        &["GET", "new"],
        &["RESTORE", "past", "1000", &payload, "ABSTTL"],
        &["EXISTS", "past"],
        &[
            "RESTORE", "new", "0", &payload, "REPLACE", "IDLETIME", "100",
        ],
        &["OBJECT", "IDLETIME", "new"],
        &["RESTORE", "ttlkey", "100000", &payload],
    ]);
    let s = d.subject().raw().cmd(&["PTTL", "ttlkey"]);
    let r = d.redis().raw().cmd(&["PTTL", "ttlkey"]);
    let ms = |b: &[u8]| -> i64 { String::from_utf8_lossy(&b[1..b.len() - 2]).parse().unwrap() };
    assert!((ms(&s) - ms(&r)).abs() < 2000, "{s:?} {r:?}");
}

#[test]
fn debug_reload_keeps_the_dataset() {
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut conn = server.raw();
    fill(&mut conn);
    let before = contents(&mut conn);
    let payloads = dumps(&mut conn, ORDERED_KEYS);
    conn.assert_cmd(&["DEBUG", "RELOAD"], b"+OK\r\n");
    assert_eq!(contents(&mut conn), before);
    assert_eq!(dumps(&mut conn, ORDERED_KEYS), payloads);
    conn.assert_cmd(&["DEBUG", "RELOAD", "NOSAVE"], b"+OK\r\n");
    assert_eq!(contents(&mut conn), before);
}

#[test]
fn shutdown_saves_only_with_save_rules_or_save() {
    let mut server = TestServer::with_args(&["--save", "3600 1"]);
    let mut conn = server.raw();
    conn.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    conn.send_cmd(&["SHUTDOWN"]);
    assert!(server.wait_for_exit(Duration::from_secs(10)).is_some());
    assert!(server.dir().join("dump.rdb").is_file());
    server.restart();
    server.raw().assert_cmd(&["GET", "k"], b"$1\r\nv\r\n");

    let mut server = TestServer::start();
    let mut conn = server.raw();
    conn.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    conn.send_cmd(&["SHUTDOWN", "NOSAVE"]);
    assert!(server.wait_for_exit(Duration::from_secs(10)).is_some());
    assert!(!server.dir().join("dump.rdb").exists());
}

#[test]
fn a_corrupt_rdb_stops_start_up() {
    let server = TestServer::start();
    let mut conn = server.raw();
    fill(&mut conn);
    conn.assert_cmd(&["SAVE"], b"+OK\r\n");
    let path = server.dir().join("dump.rdb");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    drop(conn);
    let damaged = std::env::temp_dir().join(format!("cedis-corrupt-rdb-{}", std::process::id()));
    std::fs::create_dir_all(&damaged).unwrap();
    std::fs::write(damaged.join("dump.rdb"), &bytes).unwrap();
    let failed = TestServer::builder()
        .args(&["--dir", &damaged.to_string_lossy()])
        .start_expecting_failure();
    let _ = std::fs::remove_dir_all(&damaged);
    assert!(!failed.status.success());
    // Redis: "Wrong RDB checksum …" / "… -> RDB CRC error"; cedis: "corrupt RDB at byte N".
    assert!(failed.output.contains("RDB"), "{}", failed.output);
}

#[test]
fn clients_get_loading_errors_while_the_file_loads() {
    cedis_tests::cedis_only!("starts the cedis binary by hand");
    let server = TestServer::start();
    let mut conn = server.raw();
    let mut mset = vec!["MSET".to_string()];
    for i in 0..400 {
        mset.extend([format!("k{i}"), format!("v{i}")]);
    }
    conn.cmd(&mset);
    conn.assert_cmd(&["SAVE"], b"+OK\r\n");
    // A second server on the same file, loading slowly (3 ms a key). The harness waits
    // for the end of loading before handing a server over, so this one is started by hand.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(cedis_tests::cedis_binary())
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--key-load-delay",
            "3000",
        ])
        .arg("--dir")
        .arg(server.dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    assert!(cedis_tests::util::wait_until(
        Duration::from_secs(10),
        || { std::net::TcpStream::connect(addr).is_ok() }
    ));
    let mut loading = RawConn::connect(addr);
    loading.assert_cmd(
        &["GET", "k1"],
        b"-LOADING Redis is loading the dataset in memory\r\n",
    );
    let info = String::from_utf8_lossy(&loading.cmd(&["INFO", "persistence"])).into_owned();
    assert!(info.contains("loading:1"), "{info}");
    loading.assert_cmd(&["CONFIG", "SET", "loglevel", "debug"], b"+OK\r\n");
    loading.assert_cmd(
        &["CONFIG", "SET", "dir", "/tmp"],
        b"-LOADING Redis is loading the dataset in memory\r\n",
    );
    let loaded = cedis_tests::util::wait_until(Duration::from_secs(30), || {
        loading.cmd(&["GET", "k399"]) == b"$4\r\nv399\r\n"
    });
    let size = loading.cmd(&["DBSIZE"]);
    let _ = child.kill();
    let _ = child.wait();
    assert!(loaded);
    assert_eq!(size, b":400\r\n");
}

fn bgsave_done(conn: &mut RawConn) -> bool {
    let info = String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"])).into_owned();
    info.contains("rdb_bgsave_in_progress:0")
}

#[test]
fn bgsave_writes_the_dataset_as_it_was_when_it_started() {
    let mut server = TestServer::with_args(&["--rdb-key-save-delay", "200"]);
    let mut conn = server.raw();
    let mut mset = vec!["MSET".to_string()];
    for i in 0..2000 {
        mset.extend([format!("k{i}"), format!("v{i}")]);
    }
    conn.cmd(&mset);
    conn.cmd(&["RPUSH", "list", "a", "b"]);
    conn.assert_cmd(&["BGSAVE"], b"+Background saving started\r\n");
    conn.assert_cmd(&["BGSAVE"], b"-ERR Background save already in progress\r\n");
    conn.assert_cmd(&["SAVE"], b"-ERR Background save already in progress\r\n");
    // Writes while the save runs: none of them may reach the file.
    for i in 0..2000 {
        conn.cmd(&["SET", &format!("k{i}"), "changed"]);
    }
    conn.cmd(&["DEL", "k5"]);
    conn.cmd(&["RPUSH", "list", "c"]);
    conn.cmd(&["SET", "new", "x"]);
    assert!(cedis_tests::util::wait_until(
        Duration::from_secs(30),
        || { bgsave_done(&mut conn) }
    ));
    let info = String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"])).into_owned();
    assert!(info.contains("rdb_last_bgsave_status:ok"), "{info}");
    server.restart();
    let mut conn = server.raw();
    conn.assert_cmd(&["DBSIZE"], b":2001\r\n");
    conn.assert_cmd(&["GET", "k5"], b"$2\r\nv5\r\n");
    conn.assert_cmd(&["GET", "k1999"], b"$5\r\nv1999\r\n");
    conn.assert_cmd(
        &["LRANGE", "list", "0", "-1"],
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    conn.assert_cmd(&["EXISTS", "new"], b":0\r\n");
}

#[test]
fn save_rules_trigger_a_background_save() {
    let server = TestServer::with_args(&["--save", "1 2"]);
    let mut conn = server.raw();
    conn.assert_cmd(&["SET", "a", "1"], b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !server.dir().join("dump.rdb").exists(),
        "one change is not enough"
    );
    conn.assert_cmd(&["SET", "b", "2"], b"+OK\r\n");
    assert!(cedis_tests::util::wait_until(
        Duration::from_secs(10),
        || { server.dir().join("dump.rdb").exists() && bgsave_done(&mut conn) }
    ));
    let info = String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"])).into_owned();
    assert!(info.contains("rdb_changes_since_last_save:0"), "{info}");
}

/// Redis writes each key's LFU counter (a FREQ record) into the RDB under an LFU policy;
/// cedis loading the file keeps the counters, and writes them the same way. (IDLE records,
/// under an LRU policy, go the same way.)
#[test]
fn lfu_counters_in_redis_files_are_kept() {
    if redis_tool("redis-server", "lfu_counters_in_redis_files_are_kept").is_none() {
        return;
    }
    let mut redis = ServerBuilder::default()
        .target(Target::Redis)
        .args(&["--maxmemory-policy", "allkeys-lfu"])
        .start();
    let mut r = redis.raw();
    r.assert_cmd(&["SET", "hot", "v"], b"+OK\r\n");
    r.assert_cmd(&["SET", "cold", "v"], b"+OK\r\n");
    for _ in 0..200 {
        r.cmd(&["GET", "hot"]);
    }
    let freq = |conn: &mut RawConn, key: &str| conn.cmd(&["OBJECT", "FREQ", key]);
    let (hot, cold) = (freq(&mut r, "hot"), freq(&mut r, "cold"));
    assert_ne!(hot, cold);
    r.assert_cmd(&["SAVE"], b"+OK\r\n");
    let lfu_file = std::fs::read(redis.dir().join("dump.rdb")).unwrap();
    drop(r);
    redis.stop();

    let mut cedis = ServerBuilder::default()
        .target(Target::Cedis)
        .args(&[
            "--maxmemory-policy",
            "allkeys-lfu",
            "--enable-debug-command",
            "yes",
        ])
        .start();
    cedis.stop();
    std::fs::write(cedis.dir().join("dump.rdb"), &lfu_file).unwrap();
    cedis.restart();
    let mut c = cedis.raw();
    assert_eq!(freq(&mut c, "hot"), hot);
    assert_eq!(freq(&mut c, "cold"), cold);

    // And back: cedis writes the FREQ records too, so Redis loading its file (and cedis
    // reloading its own) keeps the counters.
    c.assert_cmd(&["SAVE"], b"+OK\r\n");
    let cedis_file = std::fs::read(cedis.dir().join("dump.rdb")).unwrap();
    c.assert_cmd(&["DEBUG", "RELOAD"], b"+OK\r\n");
    assert_eq!(freq(&mut c, "hot"), hot);
    std::fs::write(redis.dir().join("dump.rdb"), &cedis_file).unwrap();
    redis.restart();
    let mut r = redis.raw();
    assert_eq!(freq(&mut r, "hot"), hot);
    assert_eq!(freq(&mut r, "cold"), cold);
}
