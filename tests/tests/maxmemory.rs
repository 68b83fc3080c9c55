//! `maxmemory` and eviction against the real binary: every policy keeps to its kind of
//! key, `noeviction` refuses writes with Redis's `-OOM` line, LRU keeps a hot set, LFU
//! counters (OBJECT FREQ, RESTORE … FREQ), INFO's `evicted_keys` and the `evicted`
//! keyspace notification. With `CEDIS_TEST_TARGET=redis` the same tests run against a
//! real redis-server. No timing assertions: the one sleep only makes keys' LRU clocks
//! (one-second resolution) differ.

use std::thread::sleep;
use std::time::Duration;

use cedis_tests::{wait_until, TestServer};

const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";

fn server() -> TestServer {
    TestServer::with_args(&["--save", "", "--appendonly", "no"])
}

fn cmd<T: redis::FromRedisValue>(con: &mut redis::Connection, args: &[&str]) -> T {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    match c.query(con) {
        Ok(v) => v,
        Err(e) => panic!("{args:?}: {e}"),
    }
}

/// The error line of a command expected to fail (code and message, as on the wire).
fn error_line(con: &mut redis::Connection, args: &[&str]) -> String {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    match c.query::<redis::Value>(con) {
        Ok(v) => panic!("{args:?}: expected an error, got {v:?}"),
        Err(e) => match (e.code(), e.detail()) {
            (Some(code), Some(detail)) => format!("{code} {detail}"),
            _ => e.to_string(),
        },
    }
}

fn info_field(con: &mut redis::Connection, section: &str, name: &str) -> u64 {
    let info: String = cmd(con, &["INFO", section]);
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("INFO {section} has no numeric {name}"))
}

fn used_memory(con: &mut redis::Connection) -> u64 {
    info_field(con, "memory", "used_memory")
}

fn fill(con: &mut redis::Connection, prefix: &str, range: std::ops::Range<usize>, ttl: bool) {
    let value = "v".repeat(100);
    let mut pipe = redis::pipe();
    for i in range {
        let key = format!("{prefix}:{i}");
        if ttl {
            pipe.cmd("SET")
                .arg(&key)
                .arg(&value)
                .arg("EX")
                .arg(100_000)
                .ignore();
        } else {
            pipe.cmd("SET").arg(&key).arg(&value).ignore();
        }
    }
    let () = pipe.query(con).expect("pipelined SETs");
}

fn count_existing(
    con: &mut redis::Connection,
    prefix: &str,
    range: std::ops::Range<usize>,
) -> usize {
    let mut pipe = redis::pipe();
    for i in range {
        pipe.cmd("EXISTS").arg(format!("{prefix}:{i}"));
    }
    let found: Vec<i64> = pipe.query(con).expect("pipelined EXISTS");
    found.iter().filter(|&&n| n == 1).count()
}

/// The LRU test: a cold set written first and left alone, a hot set read over
/// and over; new keys push memory past `maxmemory`. The hot set survives, as on Redis.
#[test]
fn lru_keeps_the_hot_set() {
    let srv = server();
    let mut con = srv.client();
    let _: () = cmd(
        &mut con,
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
    );
    const COLD: usize = 4000;
    const HOT: usize = 400;
    const NEW: usize = 3000;
    fill(&mut con, "cold", 0..COLD, false);
    // LRU clocks tick once a second: let the cold set age.
    sleep(Duration::from_millis(2100));
    fill(&mut con, "hot", 0..HOT, false);
    let limit = used_memory(&mut con);
    let _: () = cmd(
        &mut con,
        &["CONFIG", "SET", "maxmemory", &limit.to_string()],
    );
    for round in 0..NEW / 100 {
        // Read the hot set, then write a batch of new keys.
        let _ = count_existing(&mut con, "hot", 0..HOT);
        fill(&mut con, "new", round * 100..(round + 1) * 100, false);
    }
    let evicted = info_field(&mut con, "stats", "evicted_keys");
    assert!(evicted > 0, "nothing was evicted");
    let hot = count_existing(&mut con, "hot", 0..HOT);
    let cold = count_existing(&mut con, "cold", 0..COLD);
    eprintln!(
        "{:?}: evicted {evicted}, hot kept {hot}/{HOT} ({:.1}%), cold kept {cold}/{COLD} ({:.1}%)",
        srv.target(),
        hot as f64 * 100.0 / HOT as f64,
        cold as f64 * 100.0 / COLD as f64,
    );
    assert!(hot * 100 >= HOT * 90, "hot keys kept: {hot}/{HOT}");
    assert!(
        hot as f64 / HOT as f64 > cold as f64 / COLD as f64,
        "the hot set must fare better than the cold one"
    );
}

/// volatile-* policies evict only keys with a TTL; once none is left, writes are refused.
#[test]
fn volatile_policies_evict_only_keys_with_a_ttl() {
    let srv = server();
    let mut con = srv.client();
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
        let _: () = cmd(&mut con, &["FLUSHALL"]);
        let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory-policy", policy]);
        fill(&mut con, "keep", 0..500, false);
        fill(&mut con, "vol", 0..500, true);
        let used = used_memory(&mut con);
        let limit = used - 20_000;
        let _: () = cmd(
            &mut con,
            &["CONFIG", "SET", "maxmemory", &limit.to_string()],
        );
        let _: () = cmd(&mut con, &["PING"]);
        assert_eq!(count_existing(&mut con, "keep", 0..500), 500, "{policy}");
        let vol = count_existing(&mut con, "vol", 0..500);
        assert!(vol < 500, "{policy}: no volatile key was evicted");
        // Every volatile key goes (each command evicts for a bounded time); then nothing
        // is left to evict and a write is refused.
        let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "1"]);
        assert!(wait_until(Duration::from_secs(10), || {
            count_existing(&mut con, "vol", 0..500) == 0
        }));
        assert_eq!(error_line(&mut con, &["SET", "x", "y"]), OOM, "{policy}");
        assert_eq!(count_existing(&mut con, "keep", 0..500), 500, "{policy}");
    }
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
}

/// allkeys-* policies may evict any key and keep memory within the limit.
#[test]
fn allkeys_policies_keep_memory_within_the_limit() {
    let srv = server();
    let mut con = srv.client();
    for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
        let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
        let _: () = cmd(&mut con, &["FLUSHALL"]);
        let limit = used_memory(&mut con) + 200 * 1024;
        let _: () = cmd(
            &mut con,
            &["CONFIG", "SET", "maxmemory", &limit.to_string()],
        );
        let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory-policy", policy]);
        for batch in 0..40 {
            fill(&mut con, "k", batch * 100..(batch + 1) * 100, false);
        }
        let used = used_memory(&mut con);
        assert!(
            used <= limit + 4096,
            "{policy}: used {used} > limit {limit}"
        );
        let dbsize: u64 = cmd(&mut con, &["DBSIZE"]);
        assert!(dbsize < 4000, "{policy}: nothing evicted");
    }
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
}

/// noeviction: `denyoom` commands get `-OOM`, reads and deletes still run; in MULTI any
/// queued command is refused and EXEC aborts.
#[test]
fn noeviction_refuses_writes_but_allows_reads_and_deletes() {
    let srv = server();
    let mut con = srv.client();
    fill(&mut con, "k", 0..100, false);
    let _: () = cmd(
        &mut con,
        &["CONFIG", "SET", "maxmemory-policy", "noeviction"],
    );
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "1"]);
    assert_eq!(error_line(&mut con, &["SET", "a", "b"]), OOM);
    assert_eq!(error_line(&mut con, &["INCR", "n"]), OOM);
    assert_eq!(error_line(&mut con, &["RPUSH", "l", "x"]), OOM);
    let v: String = cmd(&mut con, &["GET", "k:1"]);
    assert_eq!(v, "v".repeat(100));
    let deleted: i64 = cmd(&mut con, &["DEL", "k:1", "k:2"]);
    assert_eq!(deleted, 2);
    let _: i64 = cmd(&mut con, &["EXPIRE", "k:3", "100"]);
    assert_eq!(info_field(&mut con, "stats", "evicted_keys"), 0);

    let mut raw = srv.raw();
    raw.assert_cmd(&["MULTI"], b"+OK\r\n");
    raw.assert_cmd(&["GET", "k:5"], format!("-{OOM}\r\n").as_bytes());
    raw.assert_cmd(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    // A transaction queued under the limit, run after it is lowered: refused as a whole.
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
    raw.assert_cmd(&["MULTI"], b"+OK\r\n");
    raw.assert_cmd(&["SET", "a", "b"], b"+QUEUED\r\n");
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "1"]);
    raw.assert_cmd(
        &["EXEC"],
        format!("-EXECABORT Transaction discarded because of: {OOM}\r\n").as_bytes(),
    );
    // Without a write in it, EXEC runs.
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
    raw.assert_cmd(&["MULTI"], b"+OK\r\n");
    raw.assert_cmd(&["GET", "nokey"], b"+QUEUED\r\n");
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "1"]);
    raw.assert_cmd(&["EXEC"], b"*1\r\n$-1\r\n");
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
    let _: () = cmd(&mut con, &["SET", "a", "b"]);
}

/// Sets a one-byte limit under allkeys-random; the next command evicts every key (no
/// dataset fits in one byte).
fn evict_everything(con: &mut redis::Connection) {
    let _: () = cmd(
        con,
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-random"],
    );
    let _: () = cmd(con, &["CONFIG", "SET", "maxmemory", "1"]);
    let _: String = cmd(con, &["PING"]);
    assert!(wait_until(Duration::from_secs(5), || {
        cmd::<u64>(con, &["DBSIZE"]) == 0
    }));
}

/// Each evicted key counts in `evicted_keys` and publishes `evicted` (class `e`).
#[test]
fn evictions_are_counted_and_notified() {
    let srv = server();
    let mut con = srv.client();
    let _: () = cmd(&mut con, &["CONFIG", "SET", "notify-keyspace-events", "Ee"]);
    let mut sub = srv.raw();
    sub.assert_cmd(
        &["SUBSCRIBE", "__keyevent@0__:evicted"],
        b"*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:evicted\r\n:1\r\n",
    );
    fill(&mut con, "k", 0..50, false);
    evict_everything(&mut con);
    assert_eq!(info_field(&mut con, "stats", "evicted_keys"), 50);
    let mut keys = Vec::new();
    for _ in 0..50 {
        match sub.read_frame() {
            cedis_resp::Frame::Array(items) => {
                assert_eq!(items.len(), 3);
                keys.push(cedis_tests::frame_text(&items[2]));
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }
    keys.sort();
    let mut expected: Vec<String> = (0..50).map(|i| format!("k:{i}")).collect();
    expected.sort();
    assert_eq!(keys, expected);
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
    let _: () = cmd(&mut con, &["CONFIG", "RESETSTAT"]);
    assert_eq!(info_field(&mut con, "stats", "evicted_keys"), 0);
}

/// LFU: OBJECT FREQ counts accesses logarithmically, RESTORE … FREQ sets it, and each
/// of OBJECT FREQ / OBJECT IDLETIME is an error under the other kind of policy.
#[test]
fn lfu_counters_and_object_subcommands() {
    let srv = server();
    let mut con = srv.client();
    let _: () = cmd(&mut con, &["SET", "k", "v"]);
    assert_eq!(
        error_line(&mut con, &["OBJECT", "FREQ", "k"]),
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
    );
    let _: () = cmd(
        &mut con,
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
    );
    let _: () = cmd(&mut con, &["SET", "fresh", "v"]);
    let freq: i64 = cmd(&mut con, &["OBJECT", "FREQ", "fresh"]);
    assert_eq!(freq, 5);
    for _ in 0..200 {
        let _: String = cmd(&mut con, &["GET", "fresh"]);
    }
    let freq: i64 = cmd(&mut con, &["OBJECT", "FREQ", "fresh"]);
    assert!(freq > 5 && freq < 30, "freq after 200 reads: {freq}");
    assert_eq!(
        error_line(&mut con, &["OBJECT", "IDLETIME", "fresh"]),
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
    );
    let missing: Option<i64> = cmd(&mut con, &["OBJECT", "FREQ", "nokey"]);
    assert_eq!(missing, None);
    let dump: Vec<u8> = redis::cmd("DUMP")
        .arg("fresh")
        .query(&mut con)
        .expect("DUMP");
    let _: () = redis::cmd("RESTORE")
        .arg("copy")
        .arg(0)
        .arg(&dump)
        .arg("FREQ")
        .arg(100)
        .query(&mut con)
        .expect("RESTORE FREQ");
    let freq: i64 = cmd(&mut con, &["OBJECT", "FREQ", "copy"]);
    assert_eq!(freq, 100);
    let _: () = cmd(
        &mut con,
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
    );
    let idle: i64 = cmd(&mut con, &["OBJECT", "IDLETIME", "k"]);
    assert!(idle >= 0);
}

/// An eviction is a `DEL` for the AOF and an invalidation for client-side caching.
#[test]
fn evictions_reach_the_aof_and_tracking_clients() {
    let srv = TestServer::with_args(&[
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
    ]);
    let mut con = srv.client();
    // A RESP3 client caching `cached`: it hears about the eviction.
    let mut tracker = srv.raw();
    let _ = tracker.cmd(&["HELLO", "3"]);
    tracker.assert_cmd(&["CLIENT", "TRACKING", "on"], b"+OK\r\n");
    let _: () = cmd(&mut con, &["SET", "cached", "1"]);
    let _: () = cmd(&mut con, &["SET", "other", "2"]);
    tracker.assert_cmd(&["GET", "cached"], b"$1\r\n1\r\n");
    evict_everything(&mut con);
    let _: () = cmd(&mut con, &["CONFIG", "SET", "maxmemory", "0"]);
    let _: () = cmd(&mut con, &["SET", "after", "3"]);
    let push = cedis_tests::show(&tracker.read_raw_reply());
    assert!(
        push.contains("invalidate") && push.contains("cached"),
        "expected an invalidation of `cached`, got {push}"
    );
    // The AOF has both keys' DELs between the writes before and after.
    let dir = srv.dir().join("appendonlydir");
    let mut aof = String::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("appendonlydir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .collect();
    files.sort();
    for file in files {
        aof.push_str(&String::from_utf8_lossy(
            &std::fs::read(file).expect("read AOF"),
        ));
    }
    let lower = aof.to_lowercase();
    let at = |needle: &str| {
        lower
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in the AOF:\n{aof}"))
    };
    let del_cached = at("$3\r\ndel\r\n$6\r\ncached\r\n");
    let del_other = at("$3\r\ndel\r\n$5\r\nother\r\n");
    let set_after = at("$5\r\nafter\r\n");
    assert!(at("$6\r\ncached\r\n$1\r\n1\r\n") < del_cached.min(del_other));
    assert!(del_cached.max(del_other) < set_after);
}
