//! Key expiry: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX/XX/GT/LT and their errors), TTL,
//! PTTL, EXPIRETIME, PEXPIRETIME, PERSIST; lazy expiry on access, the active expiry cycle,
//! and `DEBUG SET-ACTIVE-EXPIRE`. Real waits are short and bounded.

use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cedis_resp::Frame;
use cedis_tests::{frame_text, wait_until, Differential, Mask, RawConn, TestServer};

fn both(d: &mut Differential, cmds: &[&[&str]]) {
    for cmd in cmds {
        d.run_both(cmd);
    }
}

fn int(c: &mut RawConn, cmd: &[&str]) -> i64 {
    match c.cmd_frame(cmd) {
        Frame::Integer(n) => n,
        other => panic!("{cmd:?}: expected an integer, got {other:?}"),
    }
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// An integer reply within `range` on both servers.
fn int_in(range: std::ops::RangeInclusive<i64>) -> Mask {
    Mask::check(move |a, b| {
        for (who, raw) in [("subject", a), ("redis", b)] {
            let text = String::from_utf8_lossy(raw);
            let n: i64 = text
                .strip_prefix(':')
                .and_then(|t| t.trim_end().parse().ok())
                .ok_or_else(|| format!("{who}: not an integer: {text:?}"))?;
            if !range.contains(&n) {
                return Err(format!("{who}: {n} not in {range:?}"));
            }
        }
        Ok(())
    })
}

#[test]
fn expire_option_errors() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["SET", "k", "v"]);
    d.check(&[
        &["EXPIRE", "k", "10", "NX", "XX"],
        &["EXPIRE", "k", "10", "nx", "gt"],
        &["EXPIRE", "k", "10", "NX", "LT"],
        &["EXPIRE", "k", "10", "GT", "LT"],
        &["EXPIRE", "k", "10", "gt", "lt", "xx"],
        &["EXPIRE", "k", "10", "foo"],
        &["EXPIRE", "k", "10", "NX", "foo"],
        &["EXPIRE", "k", "abc"],
        &["EXPIRE", "k", "abc", "foo"],
        &["EXPIRE", "k", "abc", "NX", "XX"],
        &["EXPIRE", "k", "1.5"],
        &["EXPIRE", "k", ""],
        &["EXPIRE", "k"],
        &["EXPIRE"],
        &["PEXPIRE", "k", "10", "XX", "NX"],
        &["EXPIREAT", "k", "10", "LT", "GT"],
        &["PEXPIREAT", "k", "10", "bar"],
        &["TTL", "k"],
        &["TTL"],
        &["PTTL", "k", "x"],
        &["EXPIRETIME"],
        &["PEXPIRETIME", "a", "b"],
        &["PERSIST"],
        &["PERSIST", "a", "b"],
    ]);
}

#[test]
fn expire_time_overflows() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["SET", "k", "v"]);
    d.check(&[
        &["EXPIRE", "k", "9223372036854775807"],
        &["EXPIRE", "k", "9223372036854776"],
        &["EXPIRE", "k", "9223372036854775"],
        &["EXPIRE", "k", "-9223372036854776"],
        &["EXPIRE", "k", "-9223372036854775808"],
        &["PEXPIRE", "k", "9223372036854775807"],
        &["PEXPIRE", "k", "9223372036854775000"],
        &["EXPIREAT", "k", "9223372036854776"],
        &["EXPIREAT", "k", "-9223372036854776"],
        &["EXPIRE", "k", "92233720368547758070"],
        &["EXISTS", "k"],
        // The largest deadlines that fit.
        &["PEXPIREAT", "k", "9223372036854775807"],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
        &["EXPIREAT", "k", "9223372036854775"],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
    ]);
    // Overflow is checked before the key is looked up.
    d.check(&[
        &["EXPIRE", "nokey", "9223372036854775807"],
        &["EXPIRE", "nokey", "100"],
        &["PEXPIREAT", "nokey", "9223372036854775807"],
    ]);
}

#[test]
fn past_deadlines_delete_the_key() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for cmd in [
        &["EXPIRE", "k", "0"][..],
        &["EXPIRE", "k", "-1"],
        &["PEXPIRE", "k", "-100"],
        &["EXPIREAT", "k", "1"],
        &["PEXPIREAT", "k", "0"],
        &["EXPIRE", "k", "-9223372036854775"],
        &["PEXPIREAT", "k", "-9223372036854775808"],
        &["EXPIREAT", "k", "-9223372036854775"],
    ] {
        d.run_both(&["SET", "k", "v"]);
        d.check(&[cmd, &["EXISTS", "k"], &["TTL", "k"], &["DBSIZE"]]);
    }
    // NX on a key without deadline still deletes with a past time; GT never does.
    both(&mut d, &[&["SET", "k", "v"]]);
    d.check(&[
        &["EXPIRE", "k", "-1", "GT"],
        &["EXISTS", "k"],
        &["EXPIRE", "k", "-1", "NX"],
        &["EXISTS", "k"],
    ]);
}

#[test]
fn nx_xx_gt_lt() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["SET", "k", "v"]);
    d.check(&[
        &["EXPIRE", "k", "100", "XX"],
        &["EXPIRE", "k", "100", "GT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "100", "LT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "50", "GT"],
        &["EXPIRE", "k", "200", "gt"],
        &["TTL", "k"],
        &["EXPIRE", "k", "300", "LT"],
        &["EXPIRE", "k", "50", "lt"],
        &["TTL", "k"],
        &["EXPIRE", "k", "500", "XX"],
        &["TTL", "k"],
        &["EXPIRE", "k", "500", "NX"],
        &["PERSIST", "k"],
        &["PERSIST", "k"],
        &["TTL", "k"],
        &["EXPIRE", "k", "100", "XX"],
        &["EXPIRE", "k", "100", "NX"],
        &["PEXPIRE", "k", "100000", "nx"],
        &["EXPIRE", "k", "1000", "XX", "GT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "2000", "XX", "LT"],
        &["EXPIRE", "k", "10", "XX", "LT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "1", "Gt", "GT"],
        &["EXPIRE", "nokey", "100"],
        &["EXPIRE", "nokey", "100", "NX"],
        &["PERSIST", "nokey"],
    ]);
    // The same through the absolute forms.
    let base = (unix_ms() / 1000 + 1000).to_string();
    let later = (unix_ms() / 1000 + 2000).to_string();
    d.check(&[
        &["EXPIREAT", "k", &base, "GT"],
        &["EXPIREAT", "k", &later, "GT"],
        &["EXPIRETIME", "k"],
        &["EXPIREAT", "k", &base, "LT"],
        &["EXPIRETIME", "k"],
    ]);
}

#[test]
fn ttl_pttl_and_expiretime() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["SET", "k", "v"]);
    d.check(&[
        &["TTL", "nokey"],
        &["PTTL", "nokey"],
        &["EXPIRETIME", "nokey"],
        &["PEXPIRETIME", "nokey"],
        &["TTL", "k"],
        &["PTTL", "k"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["EXPIRE", "k", "100"],
        &["TTL", "k"],
    ]);
    d.check_masked(&["PTTL", "k"], &int_in(95_000..=100_000));
    // Fixed absolute deadlines read back exactly; EXPIRETIME truncates to seconds.
    let at = unix_ms() + 3_600_123;
    let at_s = at.to_string();
    d.check(&[
        &["PEXPIREAT", "k", &at_s],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
        &["TTL", "k"],
    ]);
    // TTL rounds to the nearest second.
    d.check(&[&["PEXPIRE", "k", "1800"], &["TTL", "k"]]);
    d.check(&[&["PEXPIRE", "k", "1200"], &["TTL", "k"]]);
    d.check_masked(&["PTTL", "k"], &int_in(900..=1200));
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["TTL", "nokey"], &["PERSIST", "k"], &["TTL", "k"]]);
}

#[test]
fn deadlines_follow_the_value() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    both(&mut d, &[&["SET", "k", "v"], &["EXPIRE", "k", "100"]]);
    d.check(&[
        &["SET", "k", "w"],
        &["TTL", "k"],
        &["EXPIRE", "k", "100"],
        &["RENAME", "k", "r"],
        &["TTL", "r"],
        &["COPY", "r", "c"],
        &["TTL", "c"],
        &["MOVE", "c", "1"],
        &["SELECT", "1"],
        &["TTL", "c"],
        &["SELECT", "0"],
        &["SET", "r", "x", "KEEPTTL"],
        &["TTL", "r"],
        &["DEL", "r"],
        &["SET", "r", "new"],
        &["TTL", "r"],
    ]);
    d.check_masked(&["INFO", "keyspace"], &Mask::SameType);
}

#[test]
fn keys_expire_on_access() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    c.assert_cmd(&["SET", "keep", "v"], b"+OK\r\n");
    c.assert_cmd(&["PEXPIRE", "k", "50"], b":1\r\n");
    assert_eq!(int(&mut c, &["EXISTS", "k"]), 1);
    sleep(Duration::from_millis(150));
    c.assert_cmd(&["GET", "k"], b"$-1\r\n");
    c.assert_cmd(&["EXISTS", "k"], b":0\r\n");
    c.assert_cmd(&["TTL", "k"], b":-2\r\n");
    c.assert_cmd(&["TYPE", "k"], b"+none\r\n");
    c.assert_cmd(&["PERSIST", "k"], b":0\r\n");
    c.assert_cmd(&["EXPIRE", "k", "100"], b":0\r\n");
    c.assert_cmd(&["KEYS", "*"], b"*1\r\n$4\r\nkeep\r\n");
    c.assert_cmd(&["DBSIZE"], b":1\r\n");
    // SET ... PX, then the same wait.
    c.assert_cmd(&["SET", "p", "v", "PX", "50"], b"+OK\r\n");
    sleep(Duration::from_millis(150));
    c.assert_cmd(&["EXISTS", "p"], b":0\r\n");
}

/// Writes `n` keys `prefix:i` that expire after `ms` milliseconds, pipelined.
fn volatile_keys(c: &mut RawConn, prefix: &str, n: usize, ms: u64) {
    let mut batch = Vec::new();
    for i in 0..n {
        let key = format!("{prefix}:{i}");
        let ms = ms.to_string();
        batch.extend(cedis_tests::encode_command(&[
            "SET",
            key.as_str(),
            "v",
            "PX",
            ms.as_str(),
        ]));
    }
    c.send(&batch);
    for _ in 0..n {
        assert_eq!(c.read_raw_reply(), b"+OK\r\n");
    }
}

fn info_field(c: &mut RawConn, section: &str, name: &str) -> String {
    let text = frame_text(&c.cmd_frame(&["INFO", section]));
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {name} in INFO {section}:\n{text}"))
}

#[test]
fn active_expiry_removes_keys_nobody_reads() {
    let server = TestServer::start();
    let mut c = server.raw();
    volatile_keys(&mut c, "gone", 200, 100);
    c.assert_cmd(&["SET", "stays", "v"], b"+OK\r\n");
    assert_eq!(int(&mut c, &["DBSIZE"]), 201);
    // DBSIZE counts expired keys not yet removed: only the active cycle can lower it.
    let started = Instant::now();
    assert!(
        wait_until(Duration::from_secs(5), || int(&mut c, &["DBSIZE"]) == 1),
        "active expiry left {} keys",
        int(&mut c, &["DBSIZE"])
    );
    assert!(started.elapsed() >= Duration::from_millis(90));
    c.assert_cmd(&["EXISTS", "stays"], b":1\r\n");
    let expired: u64 = info_field(&mut c, "stats", "expired_keys").parse().unwrap();
    assert_eq!(expired, 200);
    assert_eq!(
        info_field(&mut c, "keyspace", "db0"),
        "keys=1,expires=0,avg_ttl=0"
    );
    // Other databases too.
    c.assert_cmd(&["SELECT", "9"], b"+OK\r\n");
    volatile_keys(&mut c, "nine", 50, 50);
    assert!(wait_until(Duration::from_secs(5), || int(
        &mut c,
        &["DBSIZE"]
    ) == 0));
}

#[test]
fn debug_set_active_expire() {
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    c.assert_cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], b"+OK\r\n");
    volatile_keys(&mut c, "k", 100, 50);
    sleep(Duration::from_millis(400));
    // Expired but still stored: invisible to reads, counted by DBSIZE.
    assert_eq!(int(&mut c, &["DBSIZE"]), 100);
    c.assert_cmd(&["KEYS", "*"], b"*0\r\n");
    c.assert_cmd(&["RANDOMKEY"], b"$-1\r\n");
    let scan = c.cmd_frame(&["SCAN", "0", "COUNT", "1000"]);
    assert_eq!(
        scan,
        Frame::Array(vec![Frame::Bulk("0".into()), Frame::Array(Vec::new())])
    );
    c.assert_cmd(&["DEL", "k:0"], b":0\r\n");
    c.assert_cmd(&["EXISTS", "k:1", "k:2"], b":0\r\n");
    // Accessing them deleted them lazily (SCAN and RANDOMKEY may have removed others).
    assert!(int(&mut c, &["DBSIZE"]) <= 97);
    c.assert_cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"], b"+OK\r\n");
    assert!(wait_until(Duration::from_secs(5), || int(
        &mut c,
        &["DBSIZE"]
    ) == 0));
}

#[test]
fn expires_in_info_keyspace() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(&["SET", "a", "1"], b"+OK\r\n");
    c.assert_cmd(&["SET", "b", "1", "EX", "1000"], b"+OK\r\n");
    c.assert_cmd(&["SELECT", "3"], b"+OK\r\n");
    c.assert_cmd(&["SET", "c", "1", "EX", "1000"], b"+OK\r\n");
    let text = frame_text(&c.cmd_frame(&["INFO", "keyspace"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "# Keyspace");
    assert!(
        lines[1].starts_with("db0:keys=2,expires=1,avg_ttl="),
        "{text}"
    );
    assert!(
        lines[2].starts_with("db3:keys=1,expires=1,avg_ttl="),
        "{text}"
    );
    assert_eq!(lines.len(), 3, "{text}");
    c.assert_cmd(&["PERSIST", "c"], b":1\r\n");
    assert_eq!(
        info_field(&mut c, "keyspace", "db3"),
        "keys=1,expires=0,avg_ttl=0"
    );
}
