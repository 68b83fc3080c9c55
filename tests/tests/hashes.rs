//! The hash commands compared with real Redis 7.0.15: HSET, HSETNX, HGET, HMSET, HMGET,
//! HDEL, HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD
//! and HSCAN; the listpack/hashtable encodings and their conversion; COMMAND INFO/DOCS.
//!
//! Small hashes (listpack) reply in insertion order, so they are compared byte for byte;
//! hashtable-encoded ones with unordered masks.

use std::collections::BTreeSet;

use cedis_tests::{frame_items, frame_text, Both, Differential, Mask, RawConn, XorShift64};

const HASH_COMMANDS: &[&str] = &[
    "hset",
    "hsetnx",
    "hget",
    "hmset",
    "hmget",
    "hdel",
    "hexists",
    "hlen",
    "hstrlen",
    "hkeys",
    "hvals",
    "hgetall",
    "hincrby",
    "hincrbyfloat",
    "hrandfield",
    "hscan",
];

#[test]
fn set_get_and_friends() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["HSET", "h", "a", "1"],
        &["HSET", "h", "a", "2", "b", "3", "c", "4"],
        &["HSET", "h", "a", "2", "a", "5"],
        &["HGET", "h", "a"],
        &["HGET", "h", "missing"],
        &["HGET", "nokey", "a"],
        &["HMGET", "h", "a", "missing", "b", "a"],
        &["HMGET", "nokey", "a", "b"],
        &["HEXISTS", "h", "a"],
        &["HEXISTS", "h", "zz"],
        &["HEXISTS", "nokey", "a"],
        &["HLEN", "h"],
        &["HLEN", "nokey"],
        &["HSTRLEN", "h", "a"],
        &["HSTRLEN", "h", "missing"],
        &["HSTRLEN", "nokey", "a"],
        &["HSETNX", "h", "a", "new"],
        &["HSETNX", "h", "d", "new"],
        &["HGET", "h", "d"],
        &["HSETNX", "fresh", "f", "v"],
        &["HGETALL", "fresh"],
        &["HMSET", "h", "e", "6", "a", "7"],
        &["HGETALL", "h"],
        &["HSET", "h", "", ""],
        &["HGET", "h", ""],
        &["HSTRLEN", "h", ""],
        &["HSET", "h", "n", "-0012"],
        &["HSTRLEN", "h", "n"],
        &["HGET", "h", "n"],
        &["HSET", "h", "big", "123456789012345678901234567890"],
        &["HSTRLEN", "h", "big"],
        &["HGETALL", "h"],
        &["TYPE", "h"],
        &["OBJECT", "ENCODING", "h"],
    ]);
    // HDEL: counts, duplicates, and the key goes once empty.
    b.all(&[
        &["HDEL", "h", "a", "a", "missing"],
        &["HDEL", "h", "missing"],
        &["HDEL", "nokey", "a"],
        &["HDEL", "h", "b", "c", "d", "e", "", "n", "big"],
        &["EXISTS", "h"],
        &["HLEN", "h"],
        &["HGETALL", "h"],
        &["HDEL", "fresh", "f"],
        &["EXISTS", "fresh"],
    ]);
    // Binary-safe fields and values.
    let binary: &[&[u8]] = &[b"\x00", b"a\x00b", b"\r\n", b"\xff\xfe\x80", b"$3\r\nfoo"];
    for v in binary {
        b.check(&[&b"HSET"[..], b"bin", v, v]);
        b.check(&[&b"HGET"[..], b"bin", v]);
        b.check(&[&b"HSTRLEN"[..], b"bin", v]);
    }
    b.check(&["HGETALL", "bin"]);
}

#[test]
fn arity_and_wrong_type() {
    let Some(mut b) = Both::new() else { return };
    b.run(&["SET", "s", "x"]);
    b.run(&["HSET", "h", "f", "v"]);
    b.all(&[
        &["HSET", "h"],
        &["HSET", "h", "f"],
        &["HSET", "h", "f", "v", "g"],
        &["HMSET", "h", "f", "v", "g"],
        &["HMSET", "h", "f"],
        &["HSETNX", "h", "f"],
        &["HGET", "h"],
        &["HMGET", "h"],
        &["HDEL", "h"],
        &["HEXISTS", "h"],
        &["HLEN"],
        &["HSTRLEN", "h"],
        &["HKEYS"],
        &["HVALS", "h", "x"],
        &["HGETALL"],
        &["HINCRBY", "h", "f"],
        &["HINCRBYFLOAT", "h", "f"],
        &["HRANDFIELD"],
        &["HSCAN", "h"],
        &["HGET", "h", "f"],
    ]);
    b.all(&[
        &["HSET", "s", "f", "v"],
        &["HMSET", "s", "f", "v"],
        &["HSETNX", "s", "f", "v"],
        &["HGET", "s", "f"],
        &["HMGET", "s", "f"],
        &["HDEL", "s", "f"],
        &["HEXISTS", "s", "f"],
        &["HLEN", "s"],
        &["HSTRLEN", "s", "f"],
        &["HKEYS", "s"],
        &["HVALS", "s"],
        &["HGETALL", "s"],
        &["HINCRBY", "s", "f", "1"],
        &["HINCRBY", "s", "f", "x"],
        &["HINCRBYFLOAT", "s", "f", "1"],
        &["HINCRBYFLOAT", "s", "f", "inf"],
        &["HINCRBYFLOAT", "s", "f", "x"],
        &["HRANDFIELD", "s"],
        &["HRANDFIELD", "s", "0"],
        &["HRANDFIELD", "s", "1", "WITHVALUES"],
        &["HRANDFIELD", "s", "x"],
        &["HSCAN", "s", "0"],
        &["HSCAN", "s", "0", "bogus"],
        &["HSCAN", "s", "x"],
        &["GET", "s"],
    ]);
}

/// Small hashes keep insertion order: an overwrite keeps the field's place, a field
/// deleted and written again goes to the end.
#[test]
fn listpack_order() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["HSET", "h", "z", "1", "y", "2", "x", "3"],
        &["HSET", "h", "y", "22"],
        &["HKEYS", "h"],
        &["HVALS", "h"],
        &["HGETALL", "h"],
        &["HDEL", "h", "z"],
        &["HSET", "h", "z", "111"],
        &["HGETALL", "h"],
        &["HKEYS", "nokey"],
        &["HVALS", "nokey"],
        &["HGETALL", "nokey"],
        &["HSCAN", "h", "0"],
        &["HRANDFIELD", "h", "3"],
        &["HRANDFIELD", "h", "10", "WITHVALUES"],
        &["HRANDFIELD", "h", "0"],
        &["HRANDFIELD", "h", "0", "withvalues"],
    ]);
}

#[test]
fn encoding_conversion() {
    let Some(mut b) = Both::new() else { return };
    let v64 = "v".repeat(64);
    let v65 = "v".repeat(65);
    b.all(&[
        &["CONFIG", "SET", "hash-max-listpack-entries", "4"],
        &["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
        &["OBJECT", "ENCODING", "h"],
        &["HSET", "h", "e", "5"],
        &["OBJECT", "ENCODING", "h"],
        &["HDEL", "h", "a", "b", "c", "d"],
        &["OBJECT", "ENCODING", "h"],
        &["HLEN", "h"],
        // Five entries in one HSET.
        &[
            "HSET", "five", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
        ],
        &["OBJECT", "ENCODING", "five"],
        // Overwriting does not count.
        &["HSET", "four", "a", "1", "b", "2", "c", "3", "d", "4"],
        &["HSET", "four", "a", "9"],
        &["OBJECT", "ENCODING", "four"],
    ]);
    b.all(&[
        &["HSET", "v", "f", &v64],
        &["OBJECT", "ENCODING", "v"],
        &["HSET", "v", "f", &v65],
        &["OBJECT", "ENCODING", "v"],
        &["HSET", "fld", &v64, "x"],
        &["OBJECT", "ENCODING", "fld"],
        &["HSET", "fld", &v65, "x"],
        &["OBJECT", "ENCODING", "fld"],
        &["HSETNX", "nx", "f", &v65],
        &["OBJECT", "ENCODING", "nx"],
        &["HSET", "nx2", "f", "1"],
        &["HSETNX", "nx2", "f", &v65],
        &["OBJECT", "ENCODING", "nx2"],
        &["HINCRBY", "inc", &v65, "1"],
        &["OBJECT", "ENCODING", "inc"],
        &["HINCRBYFLOAT", "incf", &v65, "1.5"],
        &["OBJECT", "ENCODING", "incf"],
        &["HMSET", "m", "a", "1", "b", &v65],
        &["OBJECT", "ENCODING", "m"],
        &["HGET", "m", "b"],
        &["CONFIG", "SET", "hash-max-listpack-value", "0"],
        &["HSET", "zero", "", ""],
        &["OBJECT", "ENCODING", "zero"],
        &["HSET", "zero1", "a", ""],
        &["OBJECT", "ENCODING", "zero1"],
        &["CONFIG", "SET", "hash-max-listpack-value", "64"],
        &["CONFIG", "SET", "hash-max-listpack-entries", "0"],
        &["HSET", "e0", "a", "1"],
        &["OBJECT", "ENCODING", "e0"],
    ]);
}

/// A SCAN-like or random reply whose elements are compared as a set.
fn unordered() -> Mask {
    Mask::unordered()
}

#[test]
fn hashtable_replies() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["CONFIG", "SET", "hash-max-listpack-entries", "16"]);
    for i in 0..200 {
        let (f, v) = (format!("field:{i}"), format!("{}", i * 7));
        d.check(&[&["HSET", "big", &f, &v]]);
    }
    d.check(&[
        &["OBJECT", "ENCODING", "big"],
        &["HLEN", "big"],
        &["HGET", "big", "field:17"],
        &["HMGET", "big", "field:0", "nope", "field:199"],
        &["HSTRLEN", "big", "field:150"],
        &["HEXISTS", "big", "field:3"],
    ]);
    d.check_masked(&["HKEYS", "big"], &unordered());
    d.check_masked(&["HVALS", "big"], &unordered());
    d.check_masked(&["HGETALL", "big"], &Mask::unordered_pairs());
    for i in 0..200 {
        let f = format!("field:{i}");
        d.check(&[&["HDEL", "big", &f]]);
    }
    d.check(&[&["EXISTS", "big"]]);
    // RESP3: HGETALL is a map.
    d.run_both(&["HELLO", "3"]);
    for i in 0..40 {
        let f = format!("f{i}");
        d.run_both(&["HSET", "big", &f, "v"]);
    }
    d.check_masked(&["HGETALL", "big"], &Mask::unordered_pairs());
    d.check(&[
        &["HSET", "small", "a", "1", "b", "2"],
        &["HGETALL", "small"],
        &["HGETALL", "nokey"],
        &["HKEYS", "nokey"],
        &["HRANDFIELD", "nokey"],
        &["HRANDFIELD", "nokey", "3", "WITHVALUES"],
        &["HRANDFIELD", "small", "2", "WITHVALUES"],
    ]);
    d.check_masked(
        &["HRANDFIELD", "small", "-3", "WITHVALUES"],
        &Mask::SameShape,
    );
}

#[test]
fn hincrby() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["HINCRBY", "h", "n", "5"],
        &["HINCRBY", "h", "n", "-12"],
        &["HGET", "h", "n"],
        &["HINCRBY", "h", "n", "x"],
        &["HINCRBY", "h", "n", "1.5"],
        &["HINCRBY", "h", "n", ""],
        &["HINCRBY", "h", "n", "9223372036854775808"],
        &["HSET", "h", "max", "9223372036854775807"],
        &["HINCRBY", "h", "max", "1"],
        &["HINCRBY", "h", "max", "0"],
        &["HSET", "h", "min", "-9223372036854775808"],
        &["HINCRBY", "h", "min", "-1"],
        &["HSET", "h", "txt", "abc"],
        &["HINCRBY", "h", "txt", "1"],
        &["HINCRBY", "h", "txt", "x"],
        &["HSET", "h", "sp", " 1"],
        &["HINCRBY", "h", "sp", "1"],
        &["HSET", "h", "lead", "01"],
        &["HINCRBY", "h", "lead", "1"],
        &["HSET", "h", "f", "1.0"],
        &["HINCRBY", "h", "f", "1"],
        &["HINCRBY", "nokey", "n", "x"],
        &["EXISTS", "nokey"],
        &["HINCRBY", "h", "neg", "-9223372036854775808"],
        &["HGETALL", "h"],
    ]);
}

#[test]
fn hincrbyfloat() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["HINCRBYFLOAT", "h", "f", "10.5"],
        &["HINCRBYFLOAT", "h", "f", "0.1"],
        &["HINCRBYFLOAT", "h", "f", "-5"],
        &["HINCRBYFLOAT", "h", "f", "5.0e3"],
        &["HINCRBYFLOAT", "h", "f", "1e-20"],
        &["HINCRBYFLOAT", "h", "g", "0.1"],
        &["HINCRBYFLOAT", "h", "g", "0.2"],
        &["HINCRBYFLOAT", "h", "f", "nan"],
        &["HINCRBYFLOAT", "h", "f", "inf"],
        &["HINCRBYFLOAT", "h", "f", "-inf"],
        &["HINCRBYFLOAT", "h", "f", "x"],
        &["HINCRBYFLOAT", "h", "f", ""],
        &["HINCRBYFLOAT", "h", "f", " 1"],
        &["HINCRBYFLOAT", "h", "f", "0x10"],
        &["HSET", "h", "txt", "abc"],
        &["HINCRBYFLOAT", "h", "txt", "1"],
        &["HINCRBYFLOAT", "h", "txt", "inf"],
        &["HINCRBYFLOAT", "h", "txt", "nan"],
        &["HSET", "h", "inf", "inf"],
        &["HINCRBYFLOAT", "h", "inf", "1"],
        &["HSET", "hh", "huge", "1.18e4932"],
        &["HINCRBYFLOAT", "hh", "huge", "1.18e4932"],
        &["HINCRBYFLOAT", "hh", "huge", "1"],
        &["HSET", "h", "int", "17"],
        &["HINCRBYFLOAT", "h", "int", "3"],
        &["HINCRBYFLOAT", "h", "int", "-20"],
        &["HINCRBYFLOAT", "h", "int", "1.23456789012345678"],
        &["HINCRBYFLOAT", "nokey", "f", "inf"],
        &["HINCRBYFLOAT", "nokey", "f", "x"],
        &["EXISTS", "nokey"],
        &["HGETALL", "h"],
    ]);
    let mut rng = XorShift64::new(0x5eed_f10a7);
    for i in 0..200 {
        let incr = format!(
            "{}{}.{}e{}",
            if rng.next_u64() % 2 == 0 { "-" } else { "" },
            rng.next_u64() % 100_000,
            rng.next_u64() % 1000,
            (rng.next_u64() % 40) as i64 - 20
        );
        let field = format!("r{}", i % 7);
        b.check(&["HINCRBYFLOAT", "rand", field.as_str(), incr.as_str()]);
    }
}

#[test]
fn hrandfield() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["HRANDFIELD", "nokey"],
        &["HRANDFIELD", "nokey", "5"],
        &["HRANDFIELD", "nokey", "-5", "WITHVALUES"],
        &["HRANDFIELD", "nokey", "x"],
        &["HRANDFIELD", "nokey", "1", "bogus"],
        &["HRANDFIELD", "nokey", "1", "WITHVALUES", "x"],
        &["HRANDFIELD", "nokey", "-9223372036854775808"],
        &["HRANDFIELD", "nokey", "9223372036854775807", "WITHVALUES"],
        &["HRANDFIELD", "nokey", "-4611686018427387904", "WITHVALUES"],
        &["HRANDFIELD", "nokey", "-4611686018427387903", "WITHVALUES"],
        &["HSET", "one", "f", "v"],
        &["HRANDFIELD", "one"],
        &["HRANDFIELD", "one", "-5"],
        &["HRANDFIELD", "one", "-3", "withvalues"],
        &["HRANDFIELD", "one", "5", "WITHVALUES"],
    ]);
    for (key, n) in [("small", 10), ("large", 1000)] {
        for i in 0..n {
            let f = format!("f{i}");
            d.run_both(&["HSET", key, &f, "v"]);
        }
        d.check_masked(&["HRANDFIELD", key], &Mask::SameShape);
        d.check_masked(&["HRANDFIELD", key, "-20"], &Mask::SameShape);
        d.check_masked(&["HRANDFIELD", key, "-20", "WITHVALUES"], &Mask::SameShape);
        d.check_masked(&["HRANDFIELD", key, "5"], &Mask::SameShape);
        d.check_masked(&["HRANDFIELD", key, "5", "WITHVALUES"], &Mask::SameShape);
        d.check_masked(&["HRANDFIELD", key, &n.to_string()], &unordered());
        d.check_masked(&["HRANDFIELD", key, "100000"], &unordered());
    }
    // Positive counts are distinct fields of the hash.
    let mut c = d.subject().raw();
    for count in [1, 5, 9, 10, 300, 999] {
        for key in ["small", "large"] {
            let reply = c.cmd_frame(&["HRANDFIELD", key, &count.to_string()]);
            let fields: Vec<String> = frame_items(&reply).iter().map(frame_text).collect();
            let set: BTreeSet<&String> = fields.iter().collect();
            let size = if key == "small" { 10 } else { 1000 };
            assert_eq!(fields.len(), count.min(size), "{key} {count}");
            assert_eq!(set.len(), fields.len(), "{key} {count}: repeated fields");
        }
    }
    // RESP3: WITHVALUES pairs are nested arrays.
    d.run_both(&["HELLO", "3"]);
    d.check_masked(
        &["HRANDFIELD", "large", "-7", "WITHVALUES"],
        &Mask::SameShape,
    );
    d.check_masked(
        &["HRANDFIELD", "large", "7", "WITHVALUES"],
        &Mask::SameShape,
    );
    d.check(&[
        &["HRANDFIELD", "one", "-2", "WITHVALUES"],
        &["HRANDFIELD", "nokey"],
    ]);
}

/// Every field of a hash by HSCAN, with the number of calls.
fn hscan_all(c: &mut RawConn, key: &str, extra: &[&str]) -> (BTreeSet<(String, String)>, usize) {
    let mut cursor = "0".to_string();
    let mut found = BTreeSet::new();
    let mut calls = 0;
    loop {
        let mut cmd = vec!["HSCAN", key, cursor.as_str()];
        cmd.extend_from_slice(extra);
        let reply = c.cmd_frame(&cmd);
        let parts = frame_items(&reply);
        assert_eq!(parts.len(), 2, "HSCAN reply: {reply:?}");
        cursor = frame_text(&parts[0]);
        let items: Vec<String> = frame_items(&parts[1]).iter().map(frame_text).collect();
        assert_eq!(items.len() % 2, 0);
        for pair in items.chunks(2) {
            found.insert((pair[0].clone(), pair[1].clone()));
        }
        calls += 1;
        assert!(calls < 100_000, "HSCAN does not terminate");
        if cursor == "0" {
            return (found, calls);
        }
    }
}

#[test]
fn hscan() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["HSCAN", "nokey", "0"],
        &["HSCAN", "nokey", "0", "bogus"],
        &["HSCAN", "nokey", "x"],
        &["HSET", "h", "a1", "1", "b1", "2", "a2", "3", "c", "4"],
        &["HSCAN", "h", "0"],
        &["HSCAN", "h", "0", "COUNT", "1"],
        &["HSCAN", "h", "0", "MATCH", "a*"],
        &["HSCAN", "h", "0", "match", "*"],
        &["HSCAN", "h", "0", "MATCH", "zz*", "COUNT", "100"],
        &["HSCAN", "h", "0", "COUNT", "0"],
        &["HSCAN", "h", "0", "COUNT", "-1"],
        &["HSCAN", "h", "0", "COUNT", "x"],
        &["HSCAN", "h", "0", "COUNT"],
        &["HSCAN", "h", "0", "MATCH"],
        &["HSCAN", "h", "0", "TYPE", "string"],
        &["HSCAN", "h", "x"],
        &["HSCAN", "h", "-1"],
        &["HSCAN", "h", "123"],
        &["HSCAN", "h", "18446744073709551616"],
    ]);
    // Hashtable: a full iteration returns every pair.
    let mut expected = BTreeSet::new();
    for i in 0..1000 {
        let (f, v) = (format!("field:{i}"), format!("value:{i}"));
        d.run_both(&["HSET", "big", &f, &v]);
        expected.insert((f, v));
    }
    d.check(&[&["OBJECT", "ENCODING", "big"]]);
    let mut s = d.subject().raw();
    let mut r = d.redis().raw();
    for extra in [&[][..], &["COUNT", "7"][..], &["COUNT", "1000"][..]] {
        let (found, calls) = hscan_all(&mut s, "big", extra);
        assert_eq!(found, expected, "HSCAN {extra:?}");
        assert!(calls > 1 || extra.contains(&"1000"), "{extra:?}: {calls}");
        let (found, _) = hscan_all(&mut r, "big", extra);
        assert_eq!(found, expected, "redis HSCAN {extra:?}");
    }
    let (found, _) = hscan_all(&mut s, "big", &["MATCH", "field:1?"]);
    let (found_r, _) = hscan_all(&mut r, "big", &["MATCH", "field:1?"]);
    assert_eq!(found, found_r);
    assert_eq!(found.len(), 10);
}

#[test]
fn random_operations_match_redis() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0xa5a5_1234);
    let fields: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
    for _ in 0..2000 {
        let key = if rng.next_u64() % 3 == 0 { "h1" } else { "h2" };
        let f = &fields[(rng.next_u64() % 20) as usize];
        let v = (rng.next_u64() % 1000).to_string();
        match rng.next_u64() % 8 {
            0 | 1 => b.check(&["HSET", key, f.as_str(), v.as_str()]),
            2 => b.check(&["HDEL", key, f.as_str()]),
            3 => b.check(&["HINCRBY", key, f.as_str(), v.as_str()]),
            4 => b.check(&["HSETNX", key, f.as_str(), v.as_str()]),
            5 => b.check(&["HGETALL", key]),
            6 => b.check(&["HLEN", key]),
            _ => b.check(&["HMGET", key, f.as_str(), "f1"]),
        };
    }
}

#[test]
fn command_info() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in HASH_COMMANDS {
        d.check(&[&["COMMAND", "INFO", name]]);
    }
}

#[test]
fn command_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in HASH_COMMANDS {
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}
