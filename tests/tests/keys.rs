//! Generic keyspace commands side by side with a real `redis-server`: DEL, UNLINK, EXISTS,
//! TOUCH, TYPE, RENAME, RENAMENX, COPY, MOVE, SWAPDB, FLUSHDB, FLUSHALL, KEYS, SCAN,
//! RANDOMKEY, OBJECT, MEMORY; plus full SCAN iterations checked against the keys written.

use std::collections::BTreeSet;

use cedis_resp::Frame;
use cedis_tests::{
    check_help, frame_items, frame_pairs, frame_text, reference, Differential, Mask, RawConn,
    TestServer,
};

fn diff() -> Option<Differential> {
    Differential::new()
}

fn both(d: &mut Differential, cmds: &[&[&str]]) {
    for cmd in cmds {
        d.run_both(cmd);
    }
}

/// A SCAN reply (`[cursor, [keys]]`) with its keys sorted.
fn scan_sorted() -> Mask {
    Mask::normalize(|f| match f {
        Frame::Array(mut parts) if parts.len() == 2 => {
            if let Frame::Array(keys) = &mut parts[1] {
                keys.sort_by_key(reference::encode);
            }
            Frame::Array(parts)
        }
        other => other,
    })
}

/// Both replies are `<cmd> HELP` replies naming `subcommands`.
fn help(cmd: &'static str, subcommands: &'static [&'static str]) -> Mask {
    Mask::check(move |a, b| {
        check_help(a, cmd, subcommands).map_err(|e| format!("subject: {e}"))?;
        check_help(b, cmd, subcommands).map_err(|e| format!("redis: {e}"))
    })
}

#[test]
fn del_unlink_exists_touch() {
    let Some(mut d) = diff() else { return };
    both(
        &mut d,
        &[&["SET", "a", "1"], &["SET", "b", "2"], &["SET", "c", "3"]],
    );
    d.check(&[
        &["EXISTS", "a"],
        &["EXISTS", "a", "a", "b", "nope"],
        &["TOUCH", "a", "b", "nope", "b"],
        &["DEL", "a", "nope", "a"],
        &["EXISTS", "a"],
        &["UNLINK", "b", "c", "b"],
        &["EXISTS", "b", "c"],
        &["DEL", "nope"],
        &["UNLINK", "nope"],
        &["TOUCH", "nope"],
        &["DBSIZE"],
        &["DEL"],
        &["UNLINK"],
        &["EXISTS"],
        &["TOUCH"],
    ]);
    // Binary and empty key names.
    both(&mut d, &[&["SET", "", "empty"], &["SET", "a\r\nb", "x"]]);
    d.check(&[
        &["EXISTS", "", "a\r\nb"],
        &["TYPE", ""],
        &["DEL", "", "a\r\nb"],
        &["DBSIZE"],
    ]);
}

#[test]
fn type_and_randomkey() {
    let Some(mut d) = diff() else { return };
    d.check(&[
        &["TYPE", "nope"],
        &["RANDOMKEY"],
        &["TYPE"],
        &["TYPE", "a", "b"],
        &["RANDOMKEY", "x"],
        &["SET", "a", "1"],
        &["TYPE", "a"],
        &["TYPE", "A"],
        &["RANDOMKEY"],
    ]);
    d.run_both(&["HELLO", "3"]);
    d.check(&[
        &["RANDOMKEY"],
        &["TYPE", "a"],
        &["DEL", "a"],
        &["RANDOMKEY"],
        &["TYPE", "a"],
    ]);
}

#[test]
fn randomkey_returns_every_key_eventually() {
    let server = TestServer::start();
    let mut c = server.raw();
    let names: BTreeSet<String> = (0..5).map(|i| format!("k{i}")).collect();
    for name in &names {
        c.assert_cmd(&["SET", name.as_str(), "v"], b"+OK\r\n");
    }
    let mut seen = BTreeSet::new();
    for _ in 0..500 {
        let key = frame_text(&c.cmd_frame(&["RANDOMKEY"]));
        assert!(names.contains(&key), "RANDOMKEY gave {key:?}");
        seen.insert(key);
        if seen.len() == names.len() {
            break;
        }
    }
    assert_eq!(seen, names);
}

#[test]
fn rename_and_renamenx() {
    let Some(mut d) = diff() else { return };
    both(&mut d, &[&["SET", "a", "1"], &["SET", "b", "2"]]);
    d.check(&[
        &["RENAME", "a", "a"],
        &["RENAME", "nokey", "a"],
        &["RENAME", "nokey", "nokey"],
        &["RENAMENX", "a", "a"],
        &["RENAMENX", "nokey", "x"],
        &["RENAMENX", "nokey", "nokey"],
        &["RENAMENX", "a", "b"],
        &["GET", "a"],
        &["RENAME", "a", "b"],
        &["GET", "b"],
        &["EXISTS", "a"],
        &["RENAMENX", "b", "c"],
        &["GET", "c"],
        &["EXISTS", "b"],
        &["RENAME", "a"],
        &["RENAME", "a", "b", "c"],
        &["RENAMENX", "a"],
    ]);
    // The deadline moves with the value; a plain value overwrites one with a deadline.
    both(&mut d, &[&["SET", "t", "v"], &["EXPIRE", "t", "100"]]);
    d.check(&[
        &["RENAME", "t", "u"],
        &["TTL", "u"],
        &["EXISTS", "t"],
        &["SET", "plain", "p"],
        &["RENAME", "plain", "u"],
        &["TTL", "u"],
        &["GET", "u"],
    ]);
}

#[test]
fn copy_options_and_errors() {
    let Some(mut d) = diff() else { return };
    both(&mut d, &[&["SET", "c", "1"], &["EXPIRE", "c", "100"]]);
    d.check(&[
        &["COPY", "c", "d"],
        &["TTL", "d"],
        &["GET", "d"],
        &["COPY", "c", "d"],
        &["SET", "d", "other"],
        &["COPY", "c", "d", "replace"],
        &["GET", "d"],
        &["COPY", "c", "c"],
        &["COPY", "c", "c", "DB", "1"],
        &["COPY", "c", "c", "db", "0"],
        &["COPY", "c", "x", "db", "16"],
        &["COPY", "c", "x", "db", "-1"],
        &["COPY", "c", "x", "db", "abc"],
        &["COPY", "c", "x", "db", "2147483648"],
        &["COPY", "c", "x", "db", "99999999999999999999"],
        &["COPY", "c", "x", "db"],
        &["COPY", "c", "x", "foo"],
        &["COPY", "c", "x", "replace", "replace"],
        &["COPY", "nokey", "x"],
        &["COPY", "nokey", "nokey"],
        &["COPY", "c"],
        &["SELECT", "1"],
        &["GET", "c"],
        &["TTL", "c"],
        &["COPY", "c", "c", "DB", "0"],
        &["COPY", "c", "c", "DB", "0", "REPLACE"],
        &["SELECT", "0"],
        &["EXISTS", "c", "d", "x"],
    ]);
}

#[test]
fn move_between_databases() {
    let Some(mut d) = diff() else { return };
    both(&mut d, &[&["SET", "m", "1"], &["PEXPIRE", "m", "100000"]]);
    d.check(&[
        &["MOVE", "m", "0"],
        &["MOVE", "nokey", "0"],
        &["MOVE", "m", "16"],
        &["MOVE", "m", "-1"],
        &["MOVE", "m", "abc"],
        &["MOVE", "m", "2147483648"],
        &["MOVE", "m", "99999999999999999999"],
        &["MOVE", "nokey", "1"],
        &["MOVE", "m", "1"],
        &["EXISTS", "m"],
        &["MOVE", "m", "1"],
        &["SELECT", "1"],
        &["GET", "m"],
        &["TTL", "m"],
        &["SET", "n", "db1"],
        &["SELECT", "0"],
        &["SET", "n", "db0"],
        &["MOVE", "n", "1"],
        &["GET", "n"],
        &["MOVE"],
        &["MOVE", "m"],
    ]);
}

#[test]
fn swapdb() {
    let Some(mut d) = diff() else { return };
    both(
        &mut d,
        &[
            &["SET", "zero", "0"],
            &["SELECT", "1"],
            &["SET", "one", "1"],
        ],
    );
    d.check(&[
        &["SWAPDB", "0", "1"],
        &["GET", "zero"],
        &["GET", "one"],
        &["DBSIZE"],
        &["SWAPDB", "1", "1"],
        &["SWAPDB", "0", "16"],
        &["SWAPDB", "16", "0"],
        &["SWAPDB", "abc", "0"],
        &["SWAPDB", "0", "abc"],
        &["SWAPDB", "abc", "def"],
        &["SWAPDB", "2147483648", "0"],
        &["SWAPDB", "-1", "0"],
        &["SWAPDB", "0"],
        &["SWAPDB", "1", "0"],
        &["GET", "one"],
        &["SELECT", "0"],
        &["GET", "zero"],
    ]);
}

#[test]
fn flushdb_and_flushall() {
    let Some(mut d) = diff() else { return };
    both(
        &mut d,
        &[
            &["SET", "a", "1"],
            &["SELECT", "1"],
            &["SET", "b", "1"],
            &["SELECT", "0"],
        ],
    );
    d.check(&[
        &["FLUSHDB", "foo"],
        &["FLUSHDB", "async", "sync"],
        &["FLUSHALL", "foo"],
        &["FLUSHALL", "sync", "async"],
        &["DBSIZE"],
        &["FLUSHDB"],
        &["DBSIZE"],
        &["SELECT", "1"],
        &["DBSIZE"],
        &["SET", "c", "1"],
        &["FLUSHDB", "ASYNC"],
        &["DBSIZE"],
        &["SET", "c", "1"],
        &["FLUSHDB", "sync"],
        &["DBSIZE"],
        &["SET", "c", "1"],
        &["SELECT", "0"],
        &["SET", "a", "1"],
        &["FLUSHALL"],
        &["DBSIZE"],
        &["SELECT", "1"],
        &["DBSIZE"],
        &["SET", "c", "1"],
        &["FLUSHALL", "ASYNC"],
        &["DBSIZE"],
        &["FLUSHALL", "SYNC"],
    ]);
}

#[test]
fn keys_patterns() {
    let Some(mut d) = diff() else { return };
    let names = [
        "hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "a", "ab", "abc", "",
        "foo:1", "foo:2", "foo:10", "bar", "[x]", "x\\y",
    ];
    for name in names {
        d.run_both(&["SET", name, "v"]);
    }
    let patterns = [
        "*",
        "**",
        "?",
        "??",
        "h?llo",
        "h*llo",
        "h[ae]llo",
        "h[^e]llo",
        "h[a-e]llo",
        "h[e-a]llo",
        "h\\*llo",
        "h\\?llo",
        "foo:*",
        "foo:?",
        "foo:1*",
        "*o*",
        "",
        "nomatch",
        "[[]x]",
        "x\\\\y",
        "a*b*c",
        "*c",
        "[",
        "h[",
        "\\",
    ];
    for pattern in patterns {
        d.check_masked(&["KEYS", pattern], &Mask::unordered());
    }
    d.check(&[&["KEYS"], &["KEYS", "a", "b"]]);
    d.check_masked(&["KEYS", "*"], &Mask::unordered());
    d.run_both(&["SELECT", "5"]);
    d.check(&[&["KEYS", "*"]]);
}

/// Scans a whole database with `extra` arguments (MATCH/COUNT/TYPE); every key once or
/// more, the cursor back to 0.
fn scan_all(c: &mut RawConn, extra: &[&str]) -> (Vec<String>, usize) {
    let mut cursor = "0".to_string();
    let mut keys = Vec::new();
    let mut calls = 0;
    loop {
        let mut cmd = vec!["SCAN", cursor.as_str()];
        cmd.extend_from_slice(extra);
        let reply = c.cmd_frame(&cmd);
        let parts = frame_items(&reply);
        assert_eq!(parts.len(), 2, "SCAN reply: {reply:?}");
        cursor = frame_text(&parts[0]);
        keys.extend(frame_items(&parts[1]).iter().map(frame_text));
        calls += 1;
        assert!(calls < 100_000, "SCAN does not terminate");
        if cursor == "0" {
            return (keys, calls);
        }
    }
}

#[test]
fn scan_iterates_every_key() {
    let server = TestServer::start();
    let mut c = server.raw();
    let mut expected = BTreeSet::new();
    // Pipelined writes.
    let mut batch = Vec::new();
    for i in 0..1000 {
        let key = format!("key:{i}");
        batch.extend(cedis_tests::encode_command(&["SET", key.as_str(), "v"]));
        expected.insert(key);
    }
    c.send(&batch);
    for _ in 0..1000 {
        assert_eq!(c.read_raw_reply(), b"+OK\r\n");
    }
    for count in [None, Some("1"), Some("7"), Some("100"), Some("5000")] {
        let extra: Vec<&str> = count.map(|n| vec!["COUNT", n]).unwrap_or_default();
        let (keys, calls) = scan_all(&mut c, &extra);
        let found: BTreeSet<String> = keys.iter().cloned().collect();
        assert_eq!(found, expected, "SCAN {extra:?} missed or invented keys");
        if count == Some("5000") {
            assert!(calls <= 3, "COUNT 5000 took {calls} calls");
        }
    }
    // MATCH filters after the fact; every match is still found.
    let (keys, _) = scan_all(&mut c, &["MATCH", "key:1*", "COUNT", "50"]);
    let found: BTreeSet<String> = keys.into_iter().collect();
    let want: BTreeSet<String> = expected
        .iter()
        .filter(|k| k.starts_with("key:1"))
        .cloned()
        .collect();
    assert_eq!(found, want);
    let (keys, _) = scan_all(&mut c, &["TYPE", "string", "MATCH", "key:99?"]);
    assert_eq!(keys.into_iter().collect::<BTreeSet<_>>().len(), 10);
    let (keys, _) = scan_all(&mut c, &["TYPE", "list"]);
    assert!(keys.is_empty());
    // A key deleted during the iteration may or may not be returned; the others must be.
    let mut cursor = "0".to_string();
    let mut seen = BTreeSet::new();
    let mut deleted = false;
    loop {
        let reply = c.cmd_frame(&["SCAN", cursor.as_str(), "COUNT", "20"]);
        let parts = frame_items(&reply);
        cursor = frame_text(&parts[0]);
        seen.extend(frame_items(&parts[1]).iter().map(frame_text));
        if !deleted {
            c.assert_cmd(&["DEL", "key:500"], b":1\r\n");
            deleted = true;
        }
        if cursor == "0" {
            break;
        }
    }
    seen.remove("key:500");
    let mut rest = expected.clone();
    rest.remove("key:500");
    assert_eq!(seen, rest);
}

#[test]
fn scan_arguments() {
    let Some(mut d) = diff() else { return };
    d.check(&[
        &["SCAN", "0"],
        &["SCAN", "abc"],
        &["SCAN", " 0"],
        &["SCAN", "0 "],
        &["SCAN", "1.5"],
        &["SCAN", "0x10"],
        &["SCAN", "-"],
        &["SCAN", "+"],
        &["SCAN", "18446744073709551616"],
        &["SCAN", "-18446744073709551616"],
        &["SCAN", "0", "COUNT", "0"],
        &["SCAN", "0", "COUNT", "-1"],
        &["SCAN", "0", "COUNT", "abc"],
        &["SCAN", "0", "COUNT"],
        &["SCAN", "0", "MATCH"],
        &["SCAN", "0", "TYPE"],
        &["SCAN", "0", "foo"],
        &["SCAN", "0", "foo", "bar"],
        &["SCAN", "abc", "COUNT", "0"],
        &["SCAN", "0", "COUNT", "0", "foo"],
        &["SCAN"],
    ]);
    both(
        &mut d,
        &[&["SET", "a", "1"], &["SET", "", "2"], &["SET", "d", "1"]],
    );
    for cmd in [
        &["SCAN", "0"][..],
        &["SCAN", ""],
        &["SCAN", "+0"],
        &["SCAN", "00"],
        &["SCAN", "0", "MATCH", "*"],
        &["SCAN", "0", "MATCH", "?"],
        &["SCAN", "0", "MATCH", ""],
        &["SCAN", "0", "match", "a*", "MATCH", "d*"],
        &["SCAN", "0", "count", "5", "COUNT", "1000"],
        &["SCAN", "0", "MATCH", "*", "COUNT", "10", "TYPE", "string"],
        &["SCAN", "0", "TYPE", "STRING"],
        &["SCAN", "0", "TYPE", "list"],
        &["SCAN", "0", "TYPE", "foo"],
        &["SCAN", "0", "TYPE", "string", "TYPE", "hash"],
    ] {
        d.check_masked(cmd, &scan_sorted());
    }
    d.run_both(&["HELLO", "3"]);
    d.check_masked(&["SCAN", "0"], &scan_sorted());
}

#[test]
fn object_subcommands() {
    let Some(mut d) = diff() else { return };
    let (x44, x45) = ("x".repeat(44), "x".repeat(45));
    both(
        &mut d,
        &[
            &["SET", "int", "123"],
            &["SET", "bigint", "12345"],
            &["SET", "negint", "-5"],
            &["SET", "emb", "hello"],
            &["SET", "emb44", x44.as_str()],
            &["SET", "raw", x45.as_str()],
            &["SET", "long", "123456789012345678901234567890"],
        ],
    );
    for key in [
        "int", "bigint", "negint", "emb", "emb44", "raw", "long", "nokey",
    ] {
        d.check(&[&["OBJECT", "ENCODING", key], &["OBJECT", "REFCOUNT", key]]);
        // Idle seconds can tick over between the two servers' replies.
        d.check_masked(&["OBJECT", "IDLETIME", key], &Mask::SameType);
    }
    d.check(&[
        &["OBJECT", "FREQ", "int"],
        &["OBJECT", "FREQ", "nokey"],
        &["OBJECT", "encoding", "int", "extra"],
        &["OBJECT", "encoding"],
        &["OBJECT", "foo"],
        &["OBJECT", "foo", "bar"],
        &["OBJECT"],
        &["OBJECT", "HELP", "extra"],
    ]);
    d.check_masked(
        &["OBJECT", "HELP"],
        &help("OBJECT", &["ENCODING", "FREQ", "IDLETIME", "REFCOUNT"]),
    );
    // Under an LFU policy, FREQ works and IDLETIME is refused (after the key lookup).
    d.check(&[
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
        &["OBJECT", "IDLETIME", "int"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["OBJECT", "FREQ", "nokey"],
    ]);
    d.check_masked(&["OBJECT", "FREQ", "emb"], &Mask::SameType);
    d.run_both(&["HELLO", "3"]);
    d.check(&[
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "FREQ", "nokey"],
    ]);
}

#[test]
fn memory_subcommands() {
    let Some(mut d) = diff() else { return };
    d.run_both(&["SET", "a", "hello"]);
    d.check_masked(&["MEMORY", "USAGE", "a"], &Mask::SameType);
    d.check_masked(&["MEMORY", "USAGE", "a", "SAMPLES", "0"], &Mask::SameType);
    d.check_masked(
        &["MEMORY", "USAGE", "a", "samples", "5", "SAMPLES", "3"],
        &Mask::SameType,
    );
    d.check(&[
        &["MEMORY", "USAGE", "nokey"],
        &["MEMORY", "USAGE", "a", "SAMPLES", "-1"],
        &["MEMORY", "USAGE", "a", "SAMPLES", "abc"],
        &["MEMORY", "USAGE", "a", "SAMPLES"],
        &["MEMORY", "USAGE", "a", "foo"],
        &["MEMORY", "USAGE"],
        &["MEMORY", "PURGE"],
        &["MEMORY", "foo"],
        &["MEMORY"],
        &["MEMORY", "DOCTOR", "x"],
    ]);
    d.check_masked(
        &["MEMORY", "HELP"],
        &help(
            "MEMORY",
            &["DOCTOR", "MALLOC-STATS", "PURGE", "STATS", "USAGE"],
        ),
    );
    d.check_masked(&["MEMORY", "DOCTOR"], &Mask::SameType);
    d.check_masked(&["MEMORY", "MALLOC-STATS"], &Mask::SameType);
    // MEMORY STATS: the same field names (and per-database entries), any values.
    let stats_fields = Mask::check(|a, b| {
        let names = |raw: &[u8]| -> Vec<String> {
            frame_pairs(&reference::parse_exact(raw))
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        let (x, y) = (names(a), names(b));
        if x == y {
            Ok(())
        } else {
            Err(format!("fields differ:\n  {x:?}\n  {y:?}"))
        }
    });
    d.check_masked(&["MEMORY", "STATS"], &stats_fields);
    d.run_both(&["HELLO", "3"]);
    d.check_masked(&["MEMORY", "STATS"], &stats_fields);
    d.check_masked(&["MEMORY", "DOCTOR"], &Mask::SameType);
    d.check(&[&["MEMORY", "USAGE", "nokey"]]);
}

/// The commands of this family, for COMMAND INFO/DOCS comparisons.
const FAMILY: &[&str] = &[
    "del",
    "unlink",
    "exists",
    "touch",
    "type",
    "expire",
    "pexpire",
    "expireat",
    "pexpireat",
    "expiretime",
    "pexpiretime",
    "ttl",
    "pttl",
    "persist",
    "rename",
    "renamenx",
    "copy",
    "move",
    "keys",
    "scan",
    "randomkey",
    "swapdb",
    "flushdb",
    "flushall",
    "object",
    "memory",
];

#[test]
fn command_info_and_docs() {
    let Some(mut d) = diff() else { return };
    // Key specifications included; only the order of OBJECT's and MEMORY's subcommands
    // (Redis's hash-table order) and the docs' prose are left out.
    for name in FAMILY {
        d.check_masked(&["COMMAND", "INFO", name], &Mask::command_info());
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
    d.check(&[
        &["COMMAND", "GETKEYS", "DEL", "a", "b"],
        &["COMMAND", "GETKEYS", "RENAME", "a", "b"],
        &["COMMAND", "GETKEYS", "COPY", "a", "b", "DB", "1"],
        &["COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"],
        &["COMMAND", "GETKEYS", "MEMORY", "USAGE", "k"],
        &["COMMAND", "GETKEYS", "EXPIRE", "k", "10"],
    ]);
    d.run_both(&["HELLO", "3"]);
    for name in ["del", "rename", "copy", "object", "memory"] {
        d.check_masked(&["COMMAND", "INFO", name], &Mask::command_info());
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}
