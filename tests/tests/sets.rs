//! The set commands compared with real Redis 7.0.15: SADD, SREM, SISMEMBER, SMISMEMBER,
//! SMEMBERS, SCARD, SPOP, SRANDMEMBER, SMOVE, SUNION/SINTER/SDIFF and their STORE forms,
//! SINTERCARD, SSCAN; the intset/hashtable encodings; COMMAND INFO/DOCS.
//!
//! Intsets reply in ascending order, so their replies must be byte-identical; hash-table
//! replies are compared with [`Mask::unordered`].

use std::collections::BTreeSet;

use cedis_resp::Frame;
use cedis_tests::{frame_items, Differential, Mask, RawConn};

/// The bulk strings of an aggregate reply.
fn bulks(frame: &Frame) -> Vec<Vec<u8>> {
    frame_items(frame)
        .iter()
        .map(|f| match f {
            Frame::Bulk(b) => b.to_vec(),
            other => panic!("expected a bulk string, got {other:?}"),
        })
        .collect()
}

const SET_COMMANDS: &[&str] = &[
    "sadd",
    "srem",
    "sismember",
    "smismember",
    "smembers",
    "scard",
    "spop",
    "srandmember",
    "smove",
    "sunion",
    "sinter",
    "sdiff",
    "sunionstore",
    "sinterstore",
    "sdiffstore",
    "sintercard",
    "sscan",
];

#[test]
fn command_info_and_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for protocol in ["2", "3"] {
        d.run_both(&["HELLO", protocol]);
        for name in SET_COMMANDS {
            d.check(&[&["COMMAND", "INFO", name]]);
            d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
        }
    }
    d.run_both(&["HELLO", "2"]);
    d.check(&[&["COMMAND", "GETKEYS", "smove", "a", "b", "m"]]);
    d.check(&[&["COMMAND", "GETKEYS", "sunionstore", "d", "a", "b"]]);
}

#[test]
fn sadd_srem_and_encodings() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SADD", "s", "3", "1", "2", "1"],
        &["SMEMBERS", "s"],
        &["OBJECT", "ENCODING", "s"],
        &[
            "SADD",
            "s",
            "-5",
            "9223372036854775807",
            "-9223372036854775808",
            "70000",
        ],
        &["SMEMBERS", "s"],
        &["OBJECT", "ENCODING", "s"],
        &["SCARD", "s"],
        &["SADD", "s", "1"],
        &["SREM", "s", "1", "nope", "1"],
        &["SREM", "s", "nope"],
        &["SREM", "missing", "a"],
        &["EXISTS", "missing"],
        &["SMEMBERS", "s"],
        &[
            "SREM",
            "s",
            "2",
            "3",
            "-5",
            "9223372036854775807",
            "-9223372036854775808",
            "70000",
        ],
        &["EXISTS", "s"],
        &["SMEMBERS", "s"],
        &["SCARD", "s"],
        &["TYPE", "s"],
    ]);
    // Members that are not canonical integers make a hash table, for good.
    for member in [
        "01",
        "-0",
        "+1",
        " 1",
        "1 ",
        "9223372036854775808",
        "1.0",
        "a",
        "",
    ] {
        d.check(&[
            &["DEL", "t"],
            &["SADD", "t", "1", member],
            &["OBJECT", "ENCODING", "t"],
            &["SISMEMBER", "t", member],
            &["SISMEMBER", "t", "1"],
            &["SCARD", "t"],
        ]);
        d.check_masked(&["SMEMBERS", "t"], &Mask::unordered());
        d.check(&[&["SREM", "t", member], &["OBJECT", "ENCODING", "t"]]);
    }
    d.check(&[
        &["SADD", "h", "a", "1"],
        &["OBJECT", "ENCODING", "h"],
        &["SREM", "h", "a"],
        &["OBJECT", "ENCODING", "h"],
    ]);
}

#[test]
fn intset_size_limit() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let mut args: Vec<String> = vec!["SADD".into(), "s".into()];
    args.extend((0..512).map(|i| (i * 7 - 1000).to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    d.check(&[&refs, &["OBJECT", "ENCODING", "s"], &["SCARD", "s"]]);
    d.check(&[&["SMEMBERS", "s"]]);
    d.check(&[
        &["SADD", "s", "-1000"],
        &["OBJECT", "ENCODING", "s"],
        &["SADD", "s", "100000"],
        &["OBJECT", "ENCODING", "s"],
        &["SREM", "s", "100000"],
        &["OBJECT", "ENCODING", "s"],
    ]);
    d.check(&[
        &["CONFIG", "SET", "set-max-intset-entries", "2"],
        &["SADD", "a", "1", "2"],
        &["OBJECT", "ENCODING", "a"],
        &["SADD", "a", "3"],
        &["OBJECT", "ENCODING", "a"],
        &["SADD", "b", "1", "2", "3"],
        &["OBJECT", "ENCODING", "b"],
        &["SUNIONSTORE", "c", "a"],
        &["OBJECT", "ENCODING", "c"],
        &["SINTERSTORE", "c", "a", "b"],
        &["OBJECT", "ENCODING", "c"],
        &["SDIFFSTORE", "c", "a", "nokey"],
        &["OBJECT", "ENCODING", "c"],
        &["SREM", "a", "3"],
        &["SDIFFSTORE", "c", "a", "nokey"],
        &["OBJECT", "ENCODING", "c"],
        &["CONFIG", "SET", "set-max-intset-entries", "0"],
        &["SADD", "z", "1"],
        &["OBJECT", "ENCODING", "z"],
        &["SMOVE", "a", "y", "1"],
        &["OBJECT", "ENCODING", "y"],
    ]);
}

#[test]
fn membership_and_wrongtype() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SADD", "s", "a", "b", "c"],
        &["SET", "str", "x"],
        &["SISMEMBER", "s", "a"],
        &["SISMEMBER", "s", "z"],
        &["SISMEMBER", "missing", "a"],
        &["SMISMEMBER", "s", "a", "z", "c", "a"],
        &["SMISMEMBER", "missing", "a", "b"],
        &["SCARD", "s"],
        &["SCARD", "missing"],
        &["SMEMBERS", "missing"],
        &["SADD", "str", "a"],
        &["SREM", "str", "a"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SMEMBERS", "str"],
        &["SCARD", "str"],
        &["SPOP", "str"],
        &["SPOP", "str", "2"],
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "2"],
        &["SSCAN", "str", "0"],
        &["SUNION", "s", "str"],
        &["SINTER", "missing", "str"],
        &["SDIFF", "missing", "str"],
        &["SINTERCARD", "2", "missing", "str"],
        &["SUNIONSTORE", "d", "str"],
        &["SINTERSTORE", "d", "missing", "str"],
        &["SDIFFSTORE", "d", "s", "str"],
        &["SUNIONSTORE", "str", "s"],
        &["TYPE", "str"],
        &["SMISMEMBER", "s"],
        &["SADD", "s"],
        &["SREM", "s"],
        &["SISMEMBER", "s"],
        &["SCARD"],
        &["SINTERCARD", "1"],
        &["SMOVE", "s", "d"],
        &["SSCAN", "s"],
    ]);
}

#[test]
fn spop_and_srandmember() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SPOP", "missing"],
        &["SPOP", "missing", "3"],
        &["SPOP", "missing", "0"],
        &["SPOP", "missing", "-1"],
        &["SPOP", "missing", "x"],
        &["SPOP", "missing", "1", "2"],
        &["SRANDMEMBER", "missing"],
        &["SRANDMEMBER", "missing", "3"],
        &["SRANDMEMBER", "missing", "-3"],
        &["SRANDMEMBER", "missing", "x"],
        &["SRANDMEMBER", "missing", "-9223372036854775808"],
        &["SRANDMEMBER", "missing", "1", "2"],
        &["SADD", "one", "7"],
        &["SRANDMEMBER", "one"],
        &["SRANDMEMBER", "one", "5"],
        &["SRANDMEMBER", "one", "-3"],
        &["SRANDMEMBER", "one", "0"],
        &["SPOP", "one", "0"],
        &["SPOP", "one", "-1"],
        &["SPOP", "one", "x"],
        &["SPOP", "one"],
        &["EXISTS", "one"],
        &["SADD", "i", "1", "2", "3"],
        &["SRANDMEMBER", "i", "3"],
        &["SRANDMEMBER", "i", "100"],
        &["SPOP", "i", "3"],
        &["EXISTS", "i"],
        &["SADD", "h", "a", "b", "c"],
    ]);
    d.check_masked(&["SPOP", "h", "5"], &Mask::unordered());
    d.check(&[&["EXISTS", "h"]]);
    for (set, members) in [("ints", 0..20), ("strs", 0..20)] {
        let mut args = vec!["SADD".to_string(), set.to_string()];
        args.extend(members.map(|i| {
            if set == "ints" {
                i.to_string()
            } else {
                format!("m{i}")
            }
        }));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        d.check(&[&refs]);
        for count in ["5", "-5", "19", "-40", "20", "21"] {
            d.check_masked(&["SRANDMEMBER", set, count], &Mask::SameShape);
        }
        d.check_masked(&["SRANDMEMBER", set], &Mask::SameShape);
        d.check_masked(&["SPOP", set], &Mask::SameShape);
        d.check_masked(&["SPOP", set, "4"], &Mask::SameShape);
        d.check(&[&["SCARD", set]]);
        d.check_masked(&["SPOP", set, "15"], &Mask::SameShape);
        d.check(&[&["SCARD", set], &["EXISTS", set]]);
    }
    // RESP3: SPOP with a count is a set, SRANDMEMBER with a count an array.
    d.run_both(&["HELLO", "3"]);
    d.check(&[
        &["SPOP", "missing", "2"],
        &["SRANDMEMBER", "missing", "2"],
        &["SADD", "r", "1", "2"],
        &["SPOP", "r", "0"],
        &["SRANDMEMBER", "r", "2"],
        &["SPOP", "r", "2"],
        &["SMEMBERS", "missing"],
    ]);
}

fn members(conn: &mut RawConn, cmd: &[&str]) -> BTreeSet<Vec<u8>> {
    bulks(&conn.cmd_frame(cmd)).into_iter().collect()
}

/// SRANDMEMBER and SPOP semantics on cedis itself: distinct members for a positive count,
/// repeats allowed for a negative one, every member reachable.
#[test]
fn random_members_semantics() {
    let Some(d) = Differential::new() else {
        return;
    };
    let mut c = d.subject().raw();
    for (key, prefix) in [("ints", ""), ("strs", "m")] {
        let mut args = vec!["SADD".to_string(), key.to_string()];
        args.extend((0..50).map(|i| format!("{prefix}{i}")));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        c.cmd(&refs);
        let all = members(&mut c, &["SMEMBERS", key]);
        assert_eq!(all.len(), 50);
        let picked = members(&mut c, &["SRANDMEMBER", key, "30"]);
        assert_eq!(picked.len(), 30);
        assert!(picked.is_subset(&all));
        let mut seen = BTreeSet::new();
        for _ in 0..40 {
            seen.extend(members(&mut c, &["SRANDMEMBER", key, "-20"]));
        }
        assert_eq!(seen, all, "every member comes up eventually");
        let popped = members(&mut c, &["SPOP", key, "10"]);
        assert_eq!(popped.len(), 10);
        let rest = members(&mut c, &["SMEMBERS", key]);
        assert_eq!(rest.len(), 40);
        assert!(rest.is_disjoint(&popped));
    }
}

#[test]
fn smove() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SADD", "a", "1", "2", "x"],
        &["SET", "str", "v"],
        &["SMOVE", "a", "b", "1"],
        &["SMEMBERS", "b"],
        &["OBJECT", "ENCODING", "b"],
        &["SMOVE", "a", "b", "nope"],
        &["SMOVE", "a", "a", "2"],
        &["SMOVE", "a", "a", "nope"],
        &["SMOVE", "missing", "b", "1"],
        &["SMOVE", "missing", "str", "1"],
        &["SMOVE", "a", "str", "2"],
        &["SMOVE", "a", "str", "nope"],
        &["SMOVE", "str", "a", "1"],
        &["SMOVE", "a", "b", "x"],
        &["OBJECT", "ENCODING", "b"],
        &["SMOVE", "a", "b", "2"],
        &["EXISTS", "a"],
        &["SCARD", "b"],
        &["SISMEMBER", "b", "x"],
    ]);
}

#[test]
fn algebra() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SADD", "i1", "1", "2", "3", "4"],
        &["SADD", "i2", "3", "4", "5"],
        &["SADD", "h1", "a", "b", "c", "3"],
        &["SADD", "h2", "c", "d", "4"],
        &["SINTER", "i1", "i2"],
        &["SINTER", "i1"],
        &["SINTER", "i1", "missing"],
        &["SINTER", "missing", "i1"],
        &["SUNION", "i1", "i2"],
        &["SUNION", "missing"],
        &["SDIFF", "i1", "i2"],
        &["SDIFF", "i1", "i1"],
        &["SDIFF", "missing", "i1"],
        &["SDIFF", "i1", "missing"],
        &["SINTERSTORE", "d", "i1", "i2"],
        &["SMEMBERS", "d"],
        &["OBJECT", "ENCODING", "d"],
        &["SUNIONSTORE", "d", "i1", "i2"],
        &["SMEMBERS", "d"],
        &["SDIFFSTORE", "d", "i1", "i2"],
        &["SMEMBERS", "d"],
        &["SUNIONSTORE", "d", "i1", "h1"],
        &["OBJECT", "ENCODING", "d"],
        &["SCARD", "d"],
        &["SINTERSTORE", "d", "i1", "h1"],
        &["OBJECT", "ENCODING", "d"],
        &["SMEMBERS", "d"],
    ]);
    for cmd in [
        &["SUNION", "h1", "h2", "i1"][..],
        &["SINTER", "h1", "h2"],
        &["SINTER", "h1", "i1"],
        &["SDIFF", "h1", "h2", "i2"],
        &["SDIFF", "h1"],
        &["SUNION", "h1", "h1"],
    ] {
        d.check_masked(cmd, &Mask::unordered());
    }
    // Empty results delete the destination; a stored result has no TTL.
    d.check(&[
        &["SET", "dst", "string"],
        &["EXPIRE", "dst", "100"],
        &["SUNIONSTORE", "dst", "h1"],
        &["TTL", "dst"],
        &["TYPE", "dst"],
        &["SINTERSTORE", "dst", "h1", "missing"],
        &["EXISTS", "dst"],
        &["SET", "dst", "string"],
        &["SDIFFSTORE", "dst", "h1", "h1"],
        &["EXISTS", "dst"],
        &["SET", "dst", "string"],
        &["SUNIONSTORE", "dst", "missing"],
        &["EXISTS", "dst"],
        &["SUNIONSTORE", "i1", "i1", "i2"],
        &["SMEMBERS", "i1"],
        &["SDIFFSTORE", "i1", "i1", "i2"],
        &["SMEMBERS", "i1"],
        &["SUNIONSTORE", "dst"],
    ]);
}

#[test]
fn sintercard() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SADD", "a", "1", "2", "3", "x", "y"],
        &["SADD", "b", "2", "3", "x", "z"],
        &["SINTERCARD", "2", "a", "b"],
        &["SINTERCARD", "1", "a"],
        &["SINTERCARD", "2", "a", "missing"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "0"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "2"],
        &["SINTERCARD", "2", "a", "b", "limit", "100"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "3"],
        &["SINTERCARD", "0", "a"],
        &["SINTERCARD", "-1", "a"],
        &["SINTERCARD", "x", "a"],
        &["SINTERCARD", "3", "a", "b"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "-1"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "x"],
        &["SINTERCARD", "2", "a", "b", "LIMIT"],
        &["SINTERCARD", "2", "a", "b", "FOO", "1"],
        &["SINTERCARD", "1", "a", "b"],
    ]);
}

/// A whole SSCAN iteration on one server: the members seen.
fn scan_all(conn: &mut RawConn, key: &str, extra: &[&str]) -> BTreeSet<Vec<u8>> {
    let mut cursor = "0".to_string();
    let mut seen = BTreeSet::new();
    for _ in 0..10_000 {
        let mut cmd = vec!["SSCAN", key, cursor.as_str()];
        cmd.extend_from_slice(extra);
        let frame = conn.cmd_frame(&cmd);
        let items = frame_items(&frame);
        let next = match &items[0] {
            Frame::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("expected a cursor, got {other:?}"),
        };
        seen.extend(bulks(&items[1]));
        if next == "0" {
            return seen;
        }
        cursor = next;
    }
    panic!("SSCAN did not finish");
}

#[test]
fn sscan() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SSCAN", "missing", "0"],
        &["SSCAN", "missing", "0", "COUNT", "0"],
        &["SSCAN", "missing", "x"],
        &["SADD", "i", "5", "1", "3", "10", "20"],
        &["SSCAN", "i", "0"],
        &["SSCAN", "i", "0", "COUNT", "1"],
        &["SSCAN", "i", "7"],
        &["SSCAN", "i", "0", "MATCH", "1*"],
        &["SSCAN", "i", "0", "match", "*", "count", "2"],
        &["SSCAN", "i", "x"],
        &["SSCAN", "i", "-1"],
        &["SSCAN", "i", "18446744073709551616"],
        &["SSCAN", "i", "0", "COUNT", "0"],
        &["SSCAN", "i", "0", "COUNT", "-1"],
        &["SSCAN", "i", "0", "COUNT", "x"],
        &["SSCAN", "i", "0", "COUNT"],
        &["SSCAN", "i", "0", "MATCH"],
        &["SSCAN", "i", "0", "TYPE", "set"],
        &["SSCAN", "i", "0", "FOO", "bar"],
        &["SADD", "h", "a", "b"],
    ]);
    d.check_masked(&["SSCAN", "h", "0"], &Mask::SameShape);
    let mut args = vec!["SADD".to_string(), "big".to_string()];
    args.extend((0..300).map(|i| format!("member:{i}")));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    d.check(&[&refs]);
    let (mut s, mut r) = (d.subject().raw(), d.redis().raw());
    for extra in [
        &[][..],
        &["COUNT", "7"],
        &["MATCH", "member:1*"],
        &["COUNT", "1000"],
    ] {
        let a = scan_all(&mut s, "big", extra);
        let b = scan_all(&mut r, "big", extra);
        assert_eq!(a, b, "SSCAN {extra:?}");
    }
    assert_eq!(scan_all(&mut s, "big", &[]).len(), 300);
}

/// Which commands count keyspace hits and misses (reads do; writes and STORE sources do
/// not).
#[test]
fn keyspace_hit_stats() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["SADD", "a", "1", "2"]);
    d.run_both(&["CONFIG", "RESETSTAT"]);
    for cmd in [
        &["SISMEMBER", "a", "1"][..],
        &["SMISMEMBER", "missing", "1"],
        &["SMEMBERS", "a"],
        &["SCARD", "missing"],
        &["SRANDMEMBER", "a"],
        &["SINTER", "a", "missing"],
        &["SUNION", "a", "missing"],
        &["SDIFF", "a", "missing"],
        &["SINTERCARD", "2", "a", "missing"],
        &["SSCAN", "a", "0"],
        &["SUNIONSTORE", "d", "a", "missing"],
        &["SINTERSTORE", "d", "a", "missing"],
        &["SDIFFSTORE", "d", "a", "missing"],
        &["SADD", "a", "3"],
        &["SREM", "a", "3"],
        &["SMOVE", "a", "b", "1"],
        &["SPOP", "missing"],
    ] {
        d.run_both(cmd);
    }
    let stats = |server: &cedis_tests::TestServer| {
        let mut c = server.raw();
        let reply = c.cmd(&["INFO", "stats"]);
        String::from_utf8_lossy(&reply)
            .lines()
            .filter(|l| l.starts_with("keyspace_hits:") || l.starts_with("keyspace_misses:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(stats(d.subject()), stats(d.redis()));
}

/// Seeded random operations on a few small sets, compared with Redis after each step:
/// replies, cardinalities, encodings (with a small intset limit so conversions happen)
/// and contents.
#[test]
fn random_operations() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[&["CONFIG", "SET", "set-max-intset-entries", "8"]]);
    let mut rng = cedis_tests::XorShift64::new(0x5e75);
    let keys = ["a", "b", "c"];
    let members = [
        "0", "1", "2", "3", "-1", "7", "10", "100", "65536", "-40000", "x", "y", "01",
    ];
    for _ in 0..400 {
        let k = *rng.pick(&keys);
        let k2 = *rng.pick(&keys);
        let m = *rng.pick(&members);
        let m2 = *rng.pick(&members);
        let cmd: Vec<&str> = match rng.below(8) {
            0..=2 => vec!["SADD", k, m, m2],
            3..=4 => vec!["SREM", k, m, m2],
            5 => vec!["SMOVE", k, k2, m],
            6 => vec![
                *rng.pick(&["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]),
                k,
                k2,
                "c",
            ],
            _ => vec!["SISMEMBER", k, m],
        };
        d.check(&[&cmd]);
        for key in keys {
            d.check(&[&["SCARD", key], &["OBJECT", "ENCODING", key]]);
            d.check_masked(&["SMEMBERS", key], &Mask::unordered());
        }
        d.check(&[&["SINTERCARD", "3", "a", "b", "c"]]);
        d.check_masked(&["SUNION", "a", "b", "c"], &Mask::unordered());
        d.check_masked(&["SDIFF", "a", "b"], &Mask::unordered());
    }
}
