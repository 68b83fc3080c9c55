//! The list commands compared byte for byte with real Redis 7.0.15: LPUSH, RPUSH, LPUSHX,
//! RPUSHX, LPOP, RPOP, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, RPOPLPUSH, LMOVE,
//! LPOS and LMPOP, with fixed edge cases (errors and the order they are found in, empty
//! lists deleted, WRONGTYPE), RESP3 replies, seeded random sequences, and their COMMAND
//! INFO/DOCS/GETKEYS.

use cedis_tests::{Both, Differential, Mask, XorShift64};

const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

const LIST_COMMANDS: &[&str] = &[
    "lpush",
    "rpush",
    "lpushx",
    "rpushx",
    "lpop",
    "rpop",
    "llen",
    "lrange",
    "lindex",
    "lset",
    "linsert",
    "lrem",
    "ltrim",
    "rpoplpush",
    "lmove",
    "lpos",
    "lmpop",
];

#[test]
fn push_and_range() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["LPUSH", "l", "a"],
        &["LPUSH", "l", "b", "c"],
        &["RPUSH", "l", "d", "e", "f"],
        &["LRANGE", "l", "0", "-1"],
        &["LLEN", "l"],
        &["LLEN", "missing"],
        &["TYPE", "l"],
        &["OBJECT", "ENCODING", "l"],
        &["LPUSHX", "missing", "a"],
        &["RPUSHX", "missing", "a", "b"],
        &["EXISTS", "missing"],
        &["LPUSHX", "l", "x", "y"],
        &["RPUSHX", "l", "z"],
        &["LRANGE", "l", "0", "-1"],
        &["RPUSH", "e", ""],
        &["LRANGE", "e", "0", "-1"],
        &["LLEN", "e"],
        &["RPUSH", "", "empty key"],
        &["LRANGE", "", "0", "0"],
        // Ranges.
        &["LRANGE", "l", "0", "0"],
        &["LRANGE", "l", "-1", "-1"],
        &["LRANGE", "l", "-3", "-2"],
        &["LRANGE", "l", "2", "1"],
        &["LRANGE", "l", "-100", "100"],
        &["LRANGE", "l", "100", "200"],
        &["LRANGE", "l", "-200", "-100"],
        &["LRANGE", "l", "5", "-1"],
        &["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
        &["LRANGE", "l", "9223372036854775807", "-9223372036854775808"],
        &["LRANGE", "missing", "0", "-1"],
        &["LRANGE", "missing", "a", "-1"],
        &["LRANGE", "l", "a", "-1"],
        &["LRANGE", "l", "0", "1.5"],
        &["LRANGE", "l", "0", "9223372036854775808"],
        // Indexes.
        &["LINDEX", "l", "0"],
        &["LINDEX", "l", "-1"],
        &["LINDEX", "l", "8"],
        &["LINDEX", "l", "9"],
        &["LINDEX", "l", "-9"],
        &["LINDEX", "l", "-10"],
        &["LINDEX", "l", "-9223372036854775808"],
        &["LINDEX", "l", "abc"],
        &["LINDEX", "missing", "abc"],
        &["LINDEX", "missing", "0"],
        // Arity.
        &["LPUSH", "l"],
        &["RPUSH"],
        &["LPUSHX", "l"],
        &["RPUSHX", "l"],
        &["LLEN"],
        &["LLEN", "a", "b"],
        &["LRANGE", "l", "0"],
        &["LINDEX", "l"],
    ]);
}

#[test]
fn binary_elements() {
    let Some(mut b) = Both::new() else { return };
    let elements: [&[u8]; 5] = [b"\x00", b"\r\n", b"\xff\xfe", b"", &[b'x'; 10_000]];
    for e in elements {
        b.check(&[&b"RPUSH"[..], b"bin", e]);
        b.check(&[&b"LPUSH"[..], b"bin", e]);
    }
    b.check(&["LRANGE", "bin", "0", "-1"]);
    b.check(&[&b"LPOS"[..], b"bin", b"\r\n", b"COUNT", b"0"]);
    b.check(&[&b"LREM"[..], b"bin", b"1", b"\x00"]);
    b.check(&[&b"LINSERT"[..], b"bin", b"AFTER", b"\xff\xfe", b"\x01"]);
    b.check(&[&b"LSET"[..], b"bin", b"0", b"\x00\x00"]);
    b.check(&["LRANGE", "bin", "0", "-1"]);
}

#[test]
fn pop_with_and_without_count() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["RPUSH", "l", "a", "b", "c", "d", "e"],
        &["LPOP", "l"],
        &["RPOP", "l"],
        &["LPOP", "l", "1"],
        &["RPOP", "l", "1"],
        &["LRANGE", "l", "0", "-1"],
        &["LPOP", "l", "0"],
        &["RPOP", "l", "0"],
        &["LPOP", "l", "-1"],
        &["RPOP", "l", "abc"],
        &["LPOP", "l", "1.5"],
        &["LPOP", "l", "1", "2"],
        &["RPOP", "l", "1", "2"],
        &["LPOP", "l", "10"],
        &["EXISTS", "l"],
        &["LPOP", "l"],
        &["RPOP", "l"],
        &["LPOP", "l", "1"],
        &["RPOP", "l", "5"],
        &["LPOP", "l", "0"],
        &["LPOP", "l", "-1"],
        &["RPUSH", "m", "a", "b", "c"],
        &["RPOP", "m", "2"],
        &["RPOP", "m", "9223372036854775807"],
        &["EXISTS", "m"],
        &["RPUSH", "one", "x"],
        &["RPOP", "one"],
        &["EXISTS", "one"],
        &["LPOP"],
    ]);
}

#[test]
fn lset_linsert() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["LSET", "missing", "0", "x"],
        &["LSET", "missing", "abc", "x"],
        &["RPUSH", "l", "a", "b", "c"],
        &["LSET", "l", "0", "A"],
        &["LSET", "l", "-1", "C"],
        &["LSET", "l", "3", "x"],
        &["LSET", "l", "-4", "x"],
        &["LSET", "l", "abc", "x"],
        &["LSET", "l", "9223372036854775807", "x"],
        &["LSET", "l", "1", ""],
        &["LRANGE", "l", "0", "-1"],
        &["LINSERT", "l", "BEFORE", "A", "0"],
        &["LINSERT", "l", "after", "C", "9"],
        &["LINSERT", "l", "AFTER", "A", "1"],
        &["LINSERT", "l", "before", "", "x"],
        &["LINSERT", "l", "BEFORE", "nope", "x"],
        &["LINSERT", "l", "MIDDLE", "A", "x"],
        &["LINSERT", "missing", "MIDDLE", "A", "x"],
        &["LINSERT", "missing", "BEFORE", "A", "x"],
        &["EXISTS", "missing"],
        &["LRANGE", "l", "0", "-1"],
        &["RPUSH", "d", "p", "p"],
        &["LINSERT", "d", "AFTER", "p", "q"],
        &["LRANGE", "d", "0", "-1"],
        &["LSET", "l", "0"],
        &["LINSERT", "l", "BEFORE", "A"],
    ]);
}

#[test]
fn lrem_ltrim() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"],
        &["LREM", "l", "1", "a"],
        &["LRANGE", "l", "0", "-1"],
        &["LREM", "l", "-1", "a"],
        &["LRANGE", "l", "0", "-1"],
        &["LREM", "l", "0", "b"],
        &["LRANGE", "l", "0", "-1"],
        &["LREM", "l", "0", "nope"],
        &["LREM", "l", "abc", "a"],
        &["LREM", "missing", "abc", "a"],
        &["LREM", "missing", "0", "a"],
        &["LREM", "l", "-9223372036854775808", "a"],
        &["EXISTS", "l"],
        &["RPUSH", "m", "x", "y", "x"],
        &["LREM", "m", "9223372036854775807", "x"],
        &["LREM", "m", "0", "y"],
        &["EXISTS", "m"],
        // LTRIM.
        &[
            "RPUSH", "t", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
        ],
        &["LTRIM", "t", "1", "-2"],
        &["LRANGE", "t", "0", "-1"],
        &["LTRIM", "t", "-100", "100"],
        &["LRANGE", "t", "0", "-1"],
        &["LTRIM", "t", "2", "4"],
        &["LRANGE", "t", "0", "-1"],
        &["LTRIM", "t", "a", "4"],
        &["LTRIM", "missing", "a", "4"],
        &["LTRIM", "missing", "0", "4"],
        &["EXISTS", "missing"],
        &["LTRIM", "t", "2", "1"],
        &["EXISTS", "t"],
        &["RPUSH", "u", "a", "b"],
        &["LTRIM", "u", "5", "10"],
        &["EXISTS", "u"],
        &["RPUSH", "v", "a", "b"],
        &["LTRIM", "v", "-1", "-1"],
        &["LRANGE", "v", "0", "-1"],
        &["LTRIM", "v", "-9223372036854775808", "9223372036854775807"],
        &["LRANGE", "v", "0", "-1"],
        &["LREM", "v", "1"],
        &["LTRIM", "v", "1"],
    ]);
}

#[test]
fn rpoplpush_and_lmove() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["RPOPLPUSH", "missing", "d"],
        &["EXISTS", "d"],
        &["RPUSH", "s", "a", "b", "c"],
        &["RPOPLPUSH", "s", "d"],
        &["LRANGE", "s", "0", "-1"],
        &["LRANGE", "d", "0", "-1"],
        &["RPOPLPUSH", "s", "s"],
        &["LRANGE", "s", "0", "-1"],
        &["LMOVE", "s", "d", "LEFT", "RIGHT"],
        &["LMOVE", "s", "d", "right", "left"],
        &["EXISTS", "s"],
        &["LRANGE", "d", "0", "-1"],
        &["LMOVE", "d", "d", "LEFT", "RIGHT"],
        &["LMOVE", "d", "d", "RIGHT", "LEFT"],
        &["LMOVE", "d", "d", "LEFT", "LEFT"],
        &["LMOVE", "d", "d", "RIGHT", "RIGHT"],
        &["LRANGE", "d", "0", "-1"],
        &["LMOVE", "d", "e", "UP", "LEFT"],
        &["LMOVE", "d", "e", "LEFT", "DOWN"],
        &["LMOVE", "missing", "e", "UP", "LEFT"],
        &["LMOVE", "missing", "e", "LEFT", "LEFT"],
        &["RPUSH", "one", "x"],
        &["LMOVE", "one", "one", "LEFT", "RIGHT"],
        &["LRANGE", "one", "0", "-1"],
        &["RPOPLPUSH", "one", "two"],
        &["EXISTS", "one"],
        &["LRANGE", "two", "0", "-1"],
        &["RPOPLPUSH", "s"],
        &["LMOVE", "s", "d", "LEFT"],
    ]);
}

#[test]
fn lpos() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"],
        &["LPOS", "l", "c"],
        &["LPOS", "l", "x"],
        &["LPOS", "l", "c", "RANK", "2"],
        &["LPOS", "l", "c", "RANK", "4"],
        &["LPOS", "l", "c", "RANK", "-1"],
        &["LPOS", "l", "c", "RANK", "-3"],
        &["LPOS", "l", "c", "RANK", "-4"],
        &["LPOS", "l", "c", "COUNT", "0"],
        &["LPOS", "l", "c", "COUNT", "2"],
        &["LPOS", "l", "x", "COUNT", "2"],
        &["LPOS", "l", "c", "COUNT", "0", "RANK", "2"],
        &["LPOS", "l", "c", "COUNT", "0", "RANK", "-2"],
        &["LPOS", "l", "c", "RANK", "-1", "COUNT", "2"],
        &["LPOS", "l", "c", "MAXLEN", "1"],
        &["LPOS", "l", "c", "MAXLEN", "3"],
        &["LPOS", "l", "c", "MAXLEN", "0", "COUNT", "0"],
        &["LPOS", "l", "c", "MAXLEN", "7", "COUNT", "0"],
        &["LPOS", "l", "c", "MAXLEN", "2", "RANK", "-1", "COUNT", "0"],
        &["LPOS", "l", "c", "rank", "1", "rank", "2"],
        &["LPOS", "l", "c", "RANK", "-9223372036854775808"],
        &[
            "LPOS",
            "l",
            "c",
            "RANK",
            "-9223372036854775808",
            "COUNT",
            "0",
        ],
        &["LPOS", "l", "c", "RANK", "9223372036854775807"],
        &["LPOS", "l", "c", "COUNT", "9223372036854775807"],
        // Errors, all found before the key is looked up.
        &["LPOS", "l", "c", "RANK", "0"],
        &["LPOS", "l", "c", "RANK", "x"],
        &["LPOS", "l", "c", "COUNT", "-1"],
        &["LPOS", "l", "c", "COUNT", "x"],
        &["LPOS", "l", "c", "MAXLEN", "-1"],
        &["LPOS", "l", "c", "MAXLEN", "x"],
        &["LPOS", "l", "c", "RANK"],
        &["LPOS", "l", "c", "foo"],
        &["LPOS", "l", "c", "foo", "1"],
        &["LPOS", "missing", "c"],
        &["LPOS", "missing", "c", "COUNT", "1"],
        &["LPOS", "missing", "c", "RANK", "0"],
        &["LPOS", "l"],
    ]);
}

#[test]
fn lmpop() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["LMPOP", "1", "missing", "LEFT"],
        &["LMPOP", "2", "m1", "m2", "RIGHT", "COUNT", "3"],
        &["RPUSH", "b", "1", "2", "3", "4", "5"],
        &["LMPOP", "2", "a", "b", "LEFT"],
        &["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"],
        &["LMPOP", "3", "a", "b", "c", "left", "count", "10"],
        &["EXISTS", "b"],
        &["RPUSH", "c", "x"],
        &["RPUSH", "d", "y"],
        &["LMPOP", "2", "d", "c", "LEFT"],
        // Errors.
        &["LMPOP", "0", "c", "LEFT"],
        &["LMPOP", "-1", "c", "LEFT"],
        &["LMPOP", "x", "c", "LEFT"],
        &["LMPOP", "3", "c", "LEFT"],
        &["LMPOP", "9223372036854775807", "c", "LEFT"],
        &["LMPOP", "1", "c", "MIDDLE"],
        &["LMPOP", "1", "c", "LEFT", "COUNT", "0"],
        &["LMPOP", "1", "c", "LEFT", "COUNT", "-1"],
        &["LMPOP", "1", "c", "LEFT", "COUNT", "x"],
        &["LMPOP", "1", "c", "LEFT", "COUNT"],
        &["LMPOP", "1", "c", "LEFT", "COUNT", "1", "COUNT", "1"],
        &["LMPOP", "1", "c", "LEFT", "foo"],
        &["LMPOP", "1", "c"],
        &["LMPOP", "2", "c", "LEFT"],
        &["LRANGE", "c", "0", "-1"],
    ]);
}

#[test]
fn resp3_replies() {
    let Some(mut b) = Both::new() else { return };
    b.run(&["HELLO", "3"]);
    b.all(&[
        &["LPOP", "missing"],
        &["LPOP", "missing", "1"],
        &["LPOP", "missing", "0"],
        &["RPOP", "missing", "2"],
        &["LINDEX", "missing", "0"],
        &["LPOS", "missing", "a"],
        &["LPOS", "missing", "a", "COUNT", "0"],
        &["LMPOP", "1", "missing", "LEFT"],
        &["RPOPLPUSH", "missing", "x"],
        &["LRANGE", "missing", "0", "-1"],
        &["RPUSH", "l", "a", "b"],
        &["LPOP", "l", "0"],
        &["LINDEX", "l", "5"],
        &["LPOS", "l", "x"],
        &["LMPOP", "1", "l", "RIGHT", "COUNT", "5"],
    ]);
}

#[test]
fn wrong_type() {
    let Some(mut b) = Both::new() else { return };
    b.run(&["SET", "s", "x"]);
    b.run(&["RPUSH", "l", "a"]);
    for cmd in [
        &["LPUSH", "s", "a"][..],
        &["RPUSH", "s", "a"],
        &["LPUSHX", "s", "a"],
        &["RPUSHX", "s", "a"],
        &["LPOP", "s"],
        &["RPOP", "s", "2"],
        &["LLEN", "s"],
        &["LRANGE", "s", "0", "-1"],
        &["LINDEX", "s", "0"],
        &["LINDEX", "s", "abc"],
        &["LSET", "s", "0", "x"],
        &["LSET", "s", "abc", "x"],
        &["LINSERT", "s", "BEFORE", "a", "b"],
        &["LREM", "s", "0", "a"],
        &["LTRIM", "s", "0", "1"],
        &["RPOPLPUSH", "s", "l"],
        &["RPOPLPUSH", "l", "s"],
        &["LMOVE", "s", "l", "LEFT", "LEFT"],
        &["LMOVE", "l", "s", "LEFT", "LEFT"],
        &["LPOS", "s", "a"],
        &["LMPOP", "2", "s", "l", "LEFT"],
        &["LMPOP", "2", "missing", "s", "LEFT"],
    ] {
        assert_eq!(b.check(cmd), WRONGTYPE, "{cmd:?}");
    }
    b.all(&[
        // Errors found before the type check, and lookups that stop earlier.
        &["LPOP", "s", "0"],
        &["LPOP", "s", "-1"],
        &["LRANGE", "s", "a", "0"],
        &["LINSERT", "s", "MIDDLE", "a", "b"],
        &["LREM", "s", "x", "a"],
        &["LTRIM", "s", "x", "1"],
        &["LMOVE", "s", "l", "UP", "LEFT"],
        &["LPOS", "s", "a", "RANK", "0"],
        &["LMPOP", "1", "s", "MIDDLE"],
        &["LMPOP", "2", "l", "s", "LEFT"],
        &["RPOPLPUSH", "missing", "s"],
        &["LRANGE", "l", "0", "-1"],
        &["GET", "s"],
    ]);
}

#[test]
fn random_sequences_match_redis() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0x11575);
    let keys = ["k1", "k2", "k3"];
    let values = ["a", "b", "c", "", "dd"];
    let int = |rng: &mut XorShift64| -> String {
        let n = i64::try_from(rng.next_u64() % 13).unwrap_or(0) - 6;
        n.to_string()
    };
    for _ in 0..3000 {
        let k = keys[(rng.next_u64() % 3) as usize].to_string();
        let k2 = keys[(rng.next_u64() % 3) as usize].to_string();
        let v = values[(rng.next_u64() % 5) as usize].to_string();
        let v2 = values[(rng.next_u64() % 5) as usize].to_string();
        let side = |rng: &mut XorShift64| {
            if rng.next_u64() % 2 == 0 {
                "LEFT"
            } else {
                "RIGHT"
            }
        };
        let cmd: Vec<String> = match rng.next_u64() % 16 {
            0 => vec!["LPUSH".into(), k, v, v2],
            1 => vec!["RPUSH".into(), k, v],
            2 => vec!["LPOP".into(), k],
            3 => vec!["RPOP".into(), k, int(&mut rng).replace('-', "")],
            4 => vec!["LRANGE".into(), k, int(&mut rng), int(&mut rng)],
            5 => vec!["LINDEX".into(), k, int(&mut rng)],
            6 => vec!["LSET".into(), k, int(&mut rng), v],
            7 => vec![
                "LINSERT".into(),
                k,
                side(&mut rng)
                    .replace("LEFT", "BEFORE")
                    .replace("RIGHT", "AFTER"),
                v,
                v2,
            ],
            8 => vec!["LREM".into(), k, int(&mut rng), v],
            9 => vec!["LTRIM".into(), k, int(&mut rng), int(&mut rng)],
            10 => vec!["RPOPLPUSH".into(), k, k2],
            11 => vec![
                "LMOVE".into(),
                k,
                k2,
                side(&mut rng).into(),
                side(&mut rng).into(),
            ],
            12 => vec![
                "LPOS".into(),
                k,
                v,
                "RANK".into(),
                int(&mut rng).replace('0', "1"),
                "COUNT".into(),
                int(&mut rng).replace('-', ""),
            ],
            13 => vec![
                "LMPOP".into(),
                "2".into(),
                k,
                k2,
                side(&mut rng).into(),
                "COUNT".into(),
                "2".into(),
            ],
            14 => vec!["LPUSHX".into(), k, v],
            _ => vec!["LLEN".into(), k],
        };
        b.check(&cmd);
        if rng.next_u64() % 50 == 0 {
            for key in keys {
                b.check(&["LRANGE", key, "0", "-1"]);
            }
        }
    }
    for key in keys {
        b.check(&["LRANGE", key, "0", "-1"]);
        b.check(&["EXISTS", key]);
    }
}

#[test]
fn large_lists() {
    let Some(mut b) = Both::new() else { return };
    let elements: Vec<String> = (0..2000).map(|i| format!("e{i}")).collect();
    let mut cmd: Vec<&str> = vec!["RPUSH", "big"];
    cmd.extend(elements.iter().map(String::as_str));
    b.check(&cmd);
    b.all(&[
        &["LLEN", "big"],
        &["LINDEX", "big", "1500"],
        &["LRANGE", "big", "995", "1005"],
        &["LPOS", "big", "e1999"],
        &["LINSERT", "big", "BEFORE", "e1000", "mid"],
        &["LINDEX", "big", "1000"],
        &["LREM", "big", "0", "mid"],
        &["LTRIM", "big", "100", "-100"],
        &["LLEN", "big"],
        &["LPOP", "big", "50"],
        &["OBJECT", "ENCODING", "big"],
    ]);
}

/// COMMAND INFO byte for byte, key specifications included.
#[test]
fn command_info() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in LIST_COMMANDS {
        d.check(&[&["COMMAND", "INFO", name]]);
    }
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["COMMAND", "INFO", "lpush", "lmpop", "lmove"]]);
}

/// COMMAND DOCS without the prose: RPOPLPUSH is deprecated in favour of LMOVE.
#[test]
fn command_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in LIST_COMMANDS {
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}

/// LMPOP's keys (a `keynum` key spec) are left out: `COMMAND GETKEYS` reads only the
/// legacy key range so far, which movable-key commands do not have.
#[test]
fn command_getkeys() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["COMMAND", "GETKEYS", "LPUSH", "l", "a"],
        &["COMMAND", "GETKEYS", "LMOVE", "a", "b", "LEFT", "RIGHT"],
        &["COMMAND", "GETKEYS", "RPOPLPUSH", "a", "b"],
    ]);
}
