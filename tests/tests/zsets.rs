//! The sorted-set commands compared with real Redis 7.0.15: ZADD and its options, ZINCRBY,
//! ZSCORE/ZMSCORE, ZCARD, ZREM, ZRANK/ZREVRANK, ZCOUNT/ZLEXCOUNT, the ZRANGE family,
//! ZPOPMIN/ZPOPMAX, ZREMRANGEBY*, both encodings, RESP3 replies, seeded random
//! comparisons, and COMMAND INFO/DOCS.

use cedis_tests::{Differential, Mask, XorShift64};

const ZSET_COMMANDS: &[&str] = &[
    "zadd",
    "zincrby",
    "zscore",
    "zmscore",
    "zcard",
    "zrem",
    "zrank",
    "zrevrank",
    "zcount",
    "zlexcount",
    "zrange",
    "zrangebyscore",
    "zrevrangebyscore",
    "zrangebylex",
    "zrevrangebylex",
    "zrevrange",
    "zpopmin",
    "zpopmax",
    "zremrangebyrank",
    "zremrangebyscore",
    "zremrangebylex",
    "zrangestore",
    "zunion",
    "zinter",
    "zdiff",
    "zintercard",
    "zunionstore",
    "zinterstore",
    "zdiffstore",
    "zmpop",
    "zrandmember",
    "zscan",
];

#[test]
fn zadd_options_and_errors() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["ZADD", "z", "1", "a"],
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        &["ZADD", "z", "1", "a", "5", "b"],
        &["ZADD", "z", "CH", "1", "a", "6", "b", "7", "d"],
        &["ZADD", "z", "NX", "100", "a", "8", "e"],
        &["ZADD", "z", "XX", "100", "a", "9", "f"],
        &["ZADD", "z", "XX", "CH", "101", "a", "9", "f"],
        &["ZADD", "z", "GT", "CH", "50", "a", "200", "b"],
        &["ZADD", "z", "LT", "CH", "50", "a", "300", "c"],
        &["ZADD", "z", "GT", "1", "newgt"],
        &["ZADD", "z", "INCR", "2.5", "a"],
        &["ZADD", "z", "INCR", "NX", "2.5", "a"],
        &["ZADD", "z", "INCR", "XX", "2.5", "nope"],
        &["ZADD", "z", "INCR", "GT", "-1", "a"],
        &["ZADD", "z", "INCR", "LT", "-1", "a"],
        &["ZADD", "z", "incr", "xx", "ch", "1", "a"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZADD", "missing", "XX", "1", "a"],
        &["ZADD", "missing", "XX", "INCR", "1", "a"],
        &["EXISTS", "missing"],
        // Errors, in Redis's order.
        &["ZADD", "z", "NX", "XX", "1", "a"],
        &["ZADD", "z", "GT", "LT", "1", "a"],
        &["ZADD", "z", "GT", "NX", "1", "a"],
        &["ZADD", "z", "LT", "NX", "1", "a"],
        &["ZADD", "z", "NX", "XX", "1"],
        &["ZADD", "z", "INCR", "1", "a", "2", "b"],
        &["ZADD", "z", "1", "a", "2"],
        &["ZADD", "z", "NX"],
        &["ZADD", "z", "x", "a"],
        &["ZADD", "z", "nan", "a"],
        &["ZADD", "z", "1", "a", "nan", "b"],
        &["ZADD", "z", "1e400", "a"],
        &["ZADD", "z", " 1", "a"],
        &["ZADD", "z", "", "a"],
        &["ZADD", "z", "inf", "inf"],
        &["ZADD", "z", "-inf", "ninf"],
        &["ZADD", "z", "INCR", "-inf", "inf"],
        &["ZADD", "z", "0x10", "hex"],
        &["ZADD", "z", "-0", "negzero"],
        &["ZSCORE", "z", "negzero"],
        &["ZADD", "z", "1.5e-5", "small"],
        &["ZADD", "z", "0.1", "tenth"],
        &["ZADD", "z", "123456789012345678", "big"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZADD", "z"],
        &["ZADD", "z", "1"],
        &["SET", "s", "x"],
        &["ZADD", "s", "1", "a"],
        &["ZADD", "s", "x", "a"],
        &["ZINCRBY", "s", "1", "a"],
        &["ZSCORE", "s", "a"],
        &["ZRANGE", "s", "0", "-1"],
    ]);
}

#[test]
fn zincrby_zscore_zmscore_zcard_zrem() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["ZINCRBY", "z", "1", "a"],
        &["ZINCRBY", "z", "1.5", "a"],
        &["ZINCRBY", "z", "-10", "b"],
        &["ZINCRBY", "z", "x", "a"],
        &["ZINCRBY", "z", "inf", "a"],
        &["ZINCRBY", "z", "-inf", "a"],
        &["ZINCRBY", "z", "nan", "a"],
        &["ZSCORE", "z", "a"],
        &["ZSCORE", "z", "b"],
        &["ZSCORE", "z", "nope"],
        &["ZSCORE", "missing", "a"],
        &["ZMSCORE", "z", "a", "b", "nope"],
        &["ZMSCORE", "missing", "a", "b"],
        &["ZCARD", "z"],
        &["ZCARD", "missing"],
        &["ZREM", "z", "nope"],
        &["ZREM", "missing", "a"],
        &["ZREM", "z", "a", "a", "nope"],
        &["ZCARD", "z"],
        &["ZREM", "z", "b"],
        &["EXISTS", "z"],
        &["ZADD", "z", "1", "a"],
        &["ZINCRBY", "z", "0", "a"],
        &["ZADD", "z", "1e308", "a"],
        &["ZINCRBY", "z", "1e308", "a"],
    ]);
}

#[test]
fn ranks_and_counts() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &[
            "ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d", "-inf", "m", "inf", "p",
        ],
        &["ZRANK", "z", "a"],
        &["ZRANK", "z", "m"],
        &["ZRANK", "z", "p"],
        &["ZREVRANK", "z", "a"],
        &["ZREVRANK", "z", "p"],
        &["ZRANK", "z", "nope"],
        &["ZRANK", "missing", "a"],
        &["ZCOUNT", "z", "-inf", "+inf"],
        &["ZCOUNT", "z", "1", "2"],
        &["ZCOUNT", "z", "(1", "2"],
        &["ZCOUNT", "z", "(1", "(2"],
        &["ZCOUNT", "z", "2", "1"],
        &["ZCOUNT", "z", "(2", "2"],
        &["ZCOUNT", "z", "-inf", "(-inf"],
        &["ZCOUNT", "z", "(-inf", "(inf"],
        &["ZCOUNT", "z", "x", "1"],
        &["ZCOUNT", "z", "1", "nan"],
        &["ZCOUNT", "z", "((1", "2"],
        &["ZCOUNT", "z", "", "5"],
        &["ZCOUNT", "z", "(", "5"],
        &["ZCOUNT", "z", " 1", "5"],
        &["ZCOUNT", "z", "1e400", "5"],
        &["ZCOUNT", "z", "-1e400", "5"],
        &["ZCOUNT", "missing", "0", "1"],
        &["ZCOUNT", "missing", "x", "1"],
        &[
            "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
        &["ZLEXCOUNT", "l", "-", "+"],
        &["ZLEXCOUNT", "l", "[b", "[d"],
        &["ZLEXCOUNT", "l", "(b", "[d"],
        &["ZLEXCOUNT", "l", "(b", "(d"],
        &["ZLEXCOUNT", "l", "[d", "[b"],
        &["ZLEXCOUNT", "l", "+", "-"],
        &["ZLEXCOUNT", "l", "[", "+"],
        &["ZLEXCOUNT", "l", "b", "+"],
        &["ZLEXCOUNT", "l", "-", "++"],
        &["ZLEXCOUNT", "missing", "-", "+"],
        &["ZLEXCOUNT", "missing", "x", "+"],
    ]);
}

#[test]
fn zrange_family() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        &["ZRANGE", "z", "0", "-1"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGE", "z", "1", "2"],
        &["ZRANGE", "z", "-2", "-1"],
        &["ZRANGE", "z", "-100", "100"],
        &["ZRANGE", "z", "3", "1"],
        &["ZRANGE", "z", "5", "10"],
        &["ZRANGE", "z", "0", "-1", "REV"],
        &["ZRANGE", "z", "0", "1", "REV", "WITHSCORES"],
        &["ZRANGE", "z", "x", "1"],
        &["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"],
        &["ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "x", "1"],
        &["ZRANGE", "z", "(1", "5", "BYSCORE"],
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "WITHSCORES"],
        &["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV"],
        &["ZRANGE", "z", "4", "(2", "BYSCORE", "REV", "WITHSCORES"],
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"],
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "10", "2"],
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "0"],
        &[
            "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2",
        ],
        &["ZRANGE", "z", "x", "1", "BYSCORE"],
        &["ZRANGE", "z", "[a", "[c", "BYLEX"],
        &["ZRANGE", "z", "[c", "[a", "BYLEX", "REV"],
        &["ZRANGE", "z", "-", "+", "BYLEX", "LIMIT", "1", "3"],
        &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
        &["ZRANGE", "z", "a", "+", "BYLEX"],
        &["ZRANGE", "z", "0", "1", "BYLEX", "BYSCORE"],
        &["ZRANGE", "z", "0", "1", "REV", "REV"],
        &["ZRANGE", "z", "0", "1", "LIMIT", "1"],
        &["ZRANGE", "z", "0", "1", "foo"],
        &["ZRANGE", "missing", "0", "-1"],
        &["ZRANGE", "missing", "x", "-1"],
        &["ZRANGEBYSCORE", "z", "2", "4"],
        &[
            "ZRANGEBYSCORE",
            "z",
            "2",
            "4",
            "WITHSCORES",
            "LIMIT",
            "1",
            "1",
        ],
        &["ZRANGEBYSCORE", "z", "2", "4", "REV"],
        &["ZRANGEBYSCORE", "z", "2", "4", "BYSCORE"],
        &["ZRANGEBYSCORE", "z", "x", "4"],
        &["ZREVRANGEBYSCORE", "z", "4", "2"],
        &["ZREVRANGEBYSCORE", "z", "(4", "(2", "WITHSCORES"],
        &["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "0", "2"],
        &["ZREVRANGE", "z", "0", "1"],
        &["ZREVRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"],
        &["ZREVRANGE", "z", "-1", "-1"],
        &[
            "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
        &["ZRANGEBYLEX", "l", "-", "+"],
        &["ZRANGEBYLEX", "l", "[b", "(d"],
        &["ZRANGEBYLEX", "l", "-", "+", "LIMIT", "2", "2"],
        &["ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"],
        &["ZRANGEBYLEX", "l", "x", "+"],
        &["ZREVRANGEBYLEX", "l", "+", "-"],
        &["ZREVRANGEBYLEX", "l", "(d", "[b"],
        &["ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "1", "2"],
        &["ZREVRANGEBYLEX", "l", "-", "+"],
    ]);
}

#[test]
fn pops_and_range_removal() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        &["ZPOPMIN", "z"],
        &["ZPOPMAX", "z"],
        &["ZPOPMIN", "z", "2"],
        &["ZPOPMAX", "z", "0"],
        &["ZPOPMAX", "z", "-1"],
        &["ZPOPMAX", "z", "x"],
        &["ZPOPMAX", "z", "1", "2"],
        &["ZPOPMAX", "z", "10"],
        &["EXISTS", "z"],
        &["ZPOPMIN", "missing"],
        &["ZPOPMIN", "missing", "3"],
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        &["ZREMRANGEBYRANK", "z", "1", "2"],
        &["ZRANGE", "z", "0", "-1"],
        &["ZREMRANGEBYRANK", "z", "5", "10"],
        &["ZREMRANGEBYRANK", "z", "x", "10"],
        &["ZREMRANGEBYRANK", "z", "-1", "-1"],
        &["ZREMRANGEBYRANK", "z", "0", "-1"],
        &["EXISTS", "z"],
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        &["ZREMRANGEBYSCORE", "z", "(1", "3"],
        &["ZREMRANGEBYSCORE", "z", "x", "3"],
        &["ZREMRANGEBYSCORE", "z", "10", "30"],
        &["ZREMRANGEBYSCORE", "z", "-inf", "+inf"],
        &["EXISTS", "z"],
        &[
            "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
        &["ZREMRANGEBYLEX", "l", "(a", "[c"],
        &["ZREMRANGEBYLEX", "l", "x", "[c"],
        &["ZREMRANGEBYLEX", "l", "-", "+"],
        &["EXISTS", "l"],
        &["ZREMRANGEBYLEX", "missing", "-", "+"],
        &["ZREMRANGEBYSCORE", "missing", "x", "1"],
        &["ZREMRANGEBYRANK", "missing", "0", "1"],
    ]);
}

#[test]
fn resp3_replies() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["HELLO", "3"]);
    d.check(&[
        &["ZADD", "z", "1", "a", "2.5", "b", "3", "c", "inf", "d"],
        &["ZSCORE", "z", "b"],
        &["ZSCORE", "z", "d"],
        &["ZSCORE", "z", "x"],
        &["ZMSCORE", "z", "a", "x"],
        &["ZINCRBY", "z", "1", "a"],
        &["ZADD", "z", "INCR", "1", "a"],
        &["ZADD", "z", "NX", "INCR", "1", "a"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGE", "z", "0", "-1"],
        &["ZRANGEBYSCORE", "z", "-inf", "inf", "WITHSCORES"],
        &["ZREVRANGE", "z", "0", "1", "WITHSCORES"],
        &["ZRANK", "z", "x"],
        &["ZPOPMIN", "z"],
        &["ZPOPMIN", "z", "1"],
        &["ZPOPMAX", "z", "5"],
        &["ZPOPMAX", "z"],
    ]);
}

/// Both encodings, the conversion and OBJECT ENCODING.
#[test]
fn encodings() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let long = "x".repeat(65);
    d.check(&[
        &["ZADD", "small", "1", "a"],
        &["OBJECT", "ENCODING", "small"],
        &["ZADD", "small", "1", &long],
        &["OBJECT", "ENCODING", "small"],
        &["ZADD", "long", "1", &long],
        &["OBJECT", "ENCODING", "long"],
        &["ZINCRBY", "long2", "1", &long],
        &["OBJECT", "ENCODING", "long2"],
    ]);
    for i in 0..129 {
        let score = (i * 7 % 13).to_string();
        let member = format!("m{i}");
        d.check(&[&["ZADD", "big", &score, &member]]);
        if i == 127 || i == 128 {
            d.check(&[&["OBJECT", "ENCODING", "big"]]);
        }
    }
    d.check(&[
        &["ZRANGE", "big", "0", "-1", "WITHSCORES"],
        &[
            "ZRANGE", "big", "3", "(9", "BYSCORE", "REV", "LIMIT", "2", "10",
        ],
        &["ZRANK", "big", "m77"],
        &["ZREVRANK", "big", "m77"],
        &["ZCOUNT", "big", "(3", "9"],
        &["ZREMRANGEBYRANK", "big", "0", "9"],
        &["ZPOPMAX", "big", "5"],
        &["ZCARD", "big"],
        &["OBJECT", "ENCODING", "big"],
    ]);
}

/// Seeded random operations on both encodings, every reply compared.
#[test]
fn random_operations() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let mut rng = XorShift64::new(0x5eed_2e75);
    for round in 0..3000 {
        let key = if round % 2 == 0 { "z" } else { "w" };
        let member = format!("m{}", rng.next_u64() % 200);
        let score = format!("{}", (rng.next_u64() % 41) as i64 - 20);
        let a = format!("{}", (rng.next_u64() % 60) as i64 - 30);
        let b = format!("{}", (rng.next_u64() % 60) as i64 - 30);
        let cmd: Vec<String> = match rng.next_u64() % 12 {
            0..=3 => vec!["ZADD".into(), key.into(), score, member],
            4 => vec!["ZINCRBY".into(), key.into(), score, member],
            5 => vec!["ZREM".into(), key.into(), member],
            6 => vec!["ZRANK".into(), key.into(), member],
            7 => vec!["ZRANGE".into(), key.into(), a, b, "WITHSCORES".into()],
            8 => vec!["ZCOUNT".into(), key.into(), format!("({a}"), b],
            9 => vec![
                "ZRANGEBYSCORE".into(),
                key.into(),
                a,
                b,
                "LIMIT".into(),
                "1".into(),
                "5".into(),
            ],
            10 => vec!["ZREVRANGE".into(), key.into(), a, b],
            _ => vec!["ZREMRANGEBYSCORE".into(), key.into(), a.clone(), a],
        };
        let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
        d.check(&[&cmd]);
    }
    d.check(&[
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGE", "w", "0", "-1", "WITHSCORES"],
    ]);
}

#[test]
fn command_info_and_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in ZSET_COMMANDS {
        d.check(&[&["COMMAND", "INFO", name]]);
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
    d.check(&[
        &["COMMAND", "GETKEYS", "ZADD", "k", "1", "a"],
        &[
            "COMMAND",
            "GETKEYS",
            "ZUNIONSTORE",
            "dst",
            "2",
            "a",
            "b",
            "WEIGHTS",
            "1",
            "2",
        ],
        &["COMMAND", "GETKEYS", "ZINTER", "2", "a", "b"],
        &["COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"],
        &["COMMAND", "GETKEYS", "ZRANGESTORE", "d", "s", "0", "1"],
    ]);
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["COMMAND", "INFO", "zadd", "zrange", "zpopmin"]]);
}

#[test]
fn zrangestore() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        &["ZRANGESTORE", "dst", "z", "1", "2"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "dst"],
        &["ZRANGESTORE", "dst", "z", "(1", "4", "BYSCORE", "REV"],
        &[
            "ZRANGESTORE",
            "dst",
            "z",
            "4",
            "(1",
            "BYSCORE",
            "REV",
            "LIMIT",
            "1",
            "2",
        ],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["ZRANGESTORE", "dst", "z", "[b", "[d", "BYLEX"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGESTORE", "dst", "z", "0", "-1", "LIMIT", "0", "1"],
        &["ZRANGESTORE", "dst", "z", "x", "-1"],
        &["ZRANGESTORE", "dst", "z", "10", "20"],
        &["EXISTS", "dst"],
        &["SET", "dst", "string"],
        &["ZRANGESTORE", "dst", "z", "0", "0"],
        &["TYPE", "dst"],
        &["ZRANGESTORE", "dst", "missing", "0", "-1"],
        &["EXISTS", "dst"],
        &["SET", "s", "x"],
        &["ZRANGESTORE", "dst", "s", "0", "-1"],
        &["ZRANGESTORE", "z", "z", "0", "1"],
        &["ZRANGE", "z", "0", "-1"],
    ]);
}

#[test]
fn union_inter_diff() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["ZADD", "a", "1", "x", "2", "y", "3", "z"],
        &["ZADD", "b", "10", "y", "20", "z", "30", "w", "40", "v"],
        &["ZADD", "c", "inf", "z", "-inf", "y"],
        &["ZUNION", "2", "a", "b"],
        &["ZUNION", "2", "a", "b", "WITHSCORES"],
        &["ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"],
        &["ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"],
        &["ZUNION", "2", "a", "b", "AGGREGATE", "max", "WITHSCORES"],
        &["ZUNION", "3", "a", "b", "c", "WITHSCORES"],
        &["ZUNION", "2", "c", "c", "WITHSCORES"],
        &["ZUNION", "2", "c", "a", "WEIGHTS", "0", "1", "WITHSCORES"],
        &["ZUNION", "2", "a", "missing", "WITHSCORES"],
        &["ZINTER", "2", "a", "b", "WITHSCORES"],
        &["ZINTER", "3", "a", "b", "c", "WITHSCORES"],
        &["ZINTER", "2", "c", "c", "WITHSCORES"],
        &[
            "ZINTER",
            "2",
            "a",
            "b",
            "WEIGHTS",
            "1",
            "-1",
            "AGGREGATE",
            "MAX",
            "WITHSCORES",
        ],
        &["ZINTER", "2", "a", "missing"],
        &["ZINTER", "1", "a"],
        &["ZDIFF", "2", "b", "a", "WITHSCORES"],
        &["ZDIFF", "2", "a", "b"],
        &["ZDIFF", "1", "b"],
        &["ZDIFF", "2", "missing", "a"],
        &["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"],
        &["ZINTERCARD", "2", "a", "b"],
        &["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
        &["ZINTERCARD", "2", "a", "b", "LIMIT", "0"],
        &["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"],
        &["ZINTERCARD", "2", "a", "b", "LIMIT", "x"],
        &["ZINTERCARD", "2", "a", "b", "WITHSCORES"],
        &["ZINTERCARD", "0", "a"],
        &["ZUNIONSTORE", "dst", "2", "a", "b"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "dst"],
        &["ZINTERSTORE", "dst", "2", "a", "b", "WEIGHTS", "3", "4"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["ZDIFFSTORE", "dst", "2", "b", "a"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["ZINTERSTORE", "dst", "2", "a", "missing"],
        &["EXISTS", "dst"],
        &["ZUNIONSTORE", "dst", "2", "a", "b", "WITHSCORES"],
        &["ZDIFFSTORE", "dst", "0", "a"],
        &["ZUNIONSTORE", "a", "2", "a", "b"],
        &["ZRANGE", "a", "0", "-1", "WITHSCORES"],
        // Errors.
        &["ZUNION", "0", "a"],
        &["ZUNION", "-1", "a"],
        &["ZUNION", "x", "a"],
        &["ZUNION", "3", "a", "b"],
        &["ZUNION", "2", "a", "b", "WEIGHTS", "1"],
        &["ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"],
        &["ZUNION", "2", "a", "b", "WEIGHTS", "1", "nan"],
        &["ZUNION", "2", "a", "b", "AGGREGATE", "avg"],
        &["ZUNION", "2", "a", "b", "AGGREGATE"],
        &["ZUNION", "2", "a", "b", "foo"],
        &["SET", "str", "x"],
        &["ZUNION", "2", "a", "str"],
        &["ZUNION", "2", "str", "a", "WEIGHTS", "x"],
        &["ZINTERSTORE", "dst", "1", "str"],
        &["ZUNIONSTORE", "dst", "0", "a"],
        &["ZINTERCARD", "2", "a", "str"],
    ]);
}

/// Plain sets take part with every score 1 (where SADD exists).
#[test]
fn set_operations_accept_sets() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let (s, _) = d.replies(&["SADD", "s", "x", "q"]);
    if s.starts_with(b"-") {
        return;
    }
    d.run_both(&["SADD", "s", "x", "q"]);
    d.check(&[
        &["ZADD", "a", "5", "x", "2", "y"],
        &["ZUNION", "2", "a", "s", "WITHSCORES"],
        &["ZINTER", "2", "s", "a", "WEIGHTS", "3", "1", "WITHSCORES"],
        &["ZDIFF", "2", "s", "a", "WITHSCORES"],
        &["ZINTERCARD", "2", "a", "s"],
    ]);
}

#[test]
fn zmpop() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["ZADD", "a", "1", "x", "2", "y", "3", "z"],
        &["ZADD", "b", "10", "p"],
        &["ZMPOP", "2", "missing", "a", "MIN"],
        &["ZMPOP", "2", "missing", "a", "MAX", "COUNT", "10"],
        &["EXISTS", "a"],
        &["ZMPOP", "2", "a", "b", "min", "count", "1"],
        &["ZMPOP", "1", "b", "MIN"],
        &["ZMPOP", "2", "a", "b", "MIN"],
        &["ZMPOP", "0", "a", "MIN"],
        &["ZMPOP", "x", "a", "MIN"],
        &["ZMPOP", "-1", "a", "MIN"],
        &["ZMPOP", "3", "a", "MIN"],
        &["ZMPOP", "1", "a", "FOO"],
        &["ZMPOP", "1", "a", "MIN", "COUNT", "0"],
        &["ZMPOP", "1", "a", "MIN", "COUNT", "x"],
        &["ZMPOP", "1", "a", "MIN", "COUNT"],
        &["ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "1"],
        &["SET", "s", "x"],
        &["ZADD", "c", "1", "q"],
        &["ZMPOP", "2", "s", "c", "MIN"],
        &["ZMPOP", "2", "c", "s", "MIN"],
    ]);
    d.run_both(&["HELLO", "3"]);
    d.check(&[
        &["ZADD", "a", "1", "x", "2.5", "y"],
        &["ZMPOP", "1", "a", "MAX", "COUNT", "5"],
        &["ZMPOP", "1", "a", "MAX"],
    ]);
}

#[test]
fn zrandmember() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        &["ZRANDMEMBER", "missing"],
        &["ZRANDMEMBER", "missing", "5"],
        &["ZRANDMEMBER", "missing", "x"],
        &["ZRANDMEMBER", "z", "0"],
        &["ZRANDMEMBER", "z", "0", "WITHSCORES"],
        &["ZRANDMEMBER", "z", "1", "x"],
        &["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
        &["ZRANDMEMBER", "z", "x"],
        &["ZRANDMEMBER", "z", "-9223372036854775808"],
        &["ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"],
        &["ZRANDMEMBER", "z", "5000000000000000000", "WITHSCORES"],
        &["SET", "s", "x"],
        &["ZRANDMEMBER", "s"],
        &["ZRANDMEMBER", "s", "1"],
    ]);
    // The whole set when asked for at least as many members as it has.
    d.check_masked(&["ZRANDMEMBER", "z", "3"], &Mask::unordered());
    d.check_masked(&["ZRANDMEMBER", "z", "10"], &Mask::unordered());
    d.check_masked(
        &["ZRANDMEMBER", "z", "10", "WITHSCORES"],
        &Mask::unordered_pairs(),
    );
    d.check_masked(&["ZRANDMEMBER", "z"], &Mask::SameShape);
    d.check_masked(&["ZRANDMEMBER", "z", "2"], &Mask::SameShape);
    d.check_masked(&["ZRANDMEMBER", "z", "-7", "WITHSCORES"], &Mask::SameShape);
    d.run_both(&["HELLO", "3"]);
    d.check_masked(&["ZRANDMEMBER", "z", "-4", "WITHSCORES"], &Mask::SameShape);
    d.check_masked(&["ZRANDMEMBER", "z", "2", "WITHSCORES"], &Mask::SameShape);
}

#[test]
fn zscan() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["ZADD", "z", "1", "a", "2.5", "b", "inf", "c", "-0.1", "ab"],
        &["ZSCAN", "z", "0"],
        &["ZSCAN", "z", "0", "MATCH", "a*"],
        &["ZSCAN", "z", "0", "COUNT", "1"],
        &["ZSCAN", "z", "0", "COUNT", "0"],
        &["ZSCAN", "z", "0", "COUNT", "x"],
        &["ZSCAN", "z", "0", "FOO", "x"],
        &["ZSCAN", "z", "x"],
        &["ZSCAN", "missing", "0"],
        &["ZSCAN", "missing", "x"],
        &["SET", "s", "x"],
        &["ZSCAN", "s", "0"],
    ]);
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["ZSCAN", "z", "0"]]);
}

/// The thresholds come from the config at the time of each write.
#[test]
fn encoding_thresholds_follow_the_config() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["CONFIG", "SET", "zset-max-listpack-entries", "4"],
        &["CONFIG", "SET", "zset-max-listpack-value", "3"],
        &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
        &["OBJECT", "ENCODING", "z"],
        &["ZADD", "z", "5", "e"],
        &["OBJECT", "ENCODING", "z"],
        &["ZADD", "v", "1", "abcd"],
        &["OBJECT", "ENCODING", "v"],
        &["ZADD", "w", "1", "abc"],
        &["OBJECT", "ENCODING", "w"],
        &["ZUNIONSTORE", "u", "2", "z", "w"],
        &["OBJECT", "ENCODING", "u"],
        &["ZINTERSTORE", "i", "2", "z", "z"],
        &["OBJECT", "ENCODING", "i"],
        &["ZRANGESTORE", "r", "z", "0", "2"],
        &["OBJECT", "ENCODING", "r"],
        &["ZRANGESTORE", "r", "v", "0", "2"],
        &["OBJECT", "ENCODING", "r"],
        &["CONFIG", "SET", "zset-max-listpack-entries", "0"],
        &["ZADD", "zero", "1", "a"],
        &["OBJECT", "ENCODING", "zero"],
        &["ZINCRBY", "zero2", "1", "a"],
        &["OBJECT", "ENCODING", "zero2"],
        &["ZADD", "zero", "-0", "negzero"],
        &["ZSCORE", "zero", "negzero"],
        &["ZRANGE", "zero", "0", "-1", "WITHSCORES"],
        &["CONFIG", "SET", "zset-max-listpack-entries", "128"],
        &["CONFIG", "SET", "zset-max-listpack-value", "0"],
        &["ZADD", "empty", "1", ""],
        &["OBJECT", "ENCODING", "empty"],
        &["ZADD", "one", "1", "a"],
        &["OBJECT", "ENCODING", "one"],
    ]);
    // Many pairs naming one member: the count of pairs does not decide the encoding.
    let mut dup = vec!["ZADD".to_string(), "dup".to_string()];
    for i in 0..130 {
        dup.push(i.to_string());
        dup.push("a".to_string());
    }
    let dup: Vec<&str> = dup.iter().map(String::as_str).collect();
    d.check(&[&["CONFIG", "SET", "zset-max-listpack-value", "64"], &dup]);
    d.check(&[&["OBJECT", "ENCODING", "dup"], &["ZSCORE", "dup", "a"]]);
}

/// Seeded random lexicographical ranges, set operations and pops on large (skip-list)
/// and small sets.
#[test]
fn random_lex_and_set_operations() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let mut rng = XorShift64::new(0x1e7_5e75);
    let letters = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for i in 0..300 {
        let member = format!("{}{}", rng.pick(&letters), rng.below(40));
        d.check(&[&["ZADD", "lex", "0", &member]]);
        let score = format!("{}", rng.below(50) as i64 - 25);
        let key = ["s1", "s2", "s3"][i % 3];
        let member = format!("m{}", rng.below(150));
        d.check(&[&["ZADD", key, &score, &member]]);
    }
    let bound = |rng: &mut XorShift64| -> String {
        match rng.below(6) {
            0 => "-".into(),
            1 => "+".into(),
            2 | 3 => format!("[{}{}", rng.pick(&letters), rng.below(40)),
            _ => format!("({}", rng.pick(&letters)),
        }
    };
    for _ in 0..300 {
        let (a, b) = (bound(&mut rng), bound(&mut rng));
        let off = rng.below(5).to_string();
        let n = (rng.below(8) as i64 - 1).to_string();
        d.check(&[
            &["ZLEXCOUNT", "lex", &a, &b],
            &["ZRANGEBYLEX", "lex", &a, &b, "LIMIT", &off, &n],
            &["ZREVRANGEBYLEX", "lex", &b, &a, "LIMIT", &off, &n],
            &["ZRANGE", "lex", &a, &b, "BYLEX"],
        ]);
    }
    let aggs = ["SUM", "MIN", "MAX"];
    for _ in 0..60 {
        let w1 = format!("{}", rng.below(7) as i64 - 3);
        let w2 = format!("{}.5", rng.below(3));
        let agg = rng.pick(&aggs).to_string();
        d.check(&[
            &[
                "ZUNION",
                "3",
                "s1",
                "s2",
                "s3",
                "WEIGHTS",
                &w1,
                &w2,
                "1",
                "AGGREGATE",
                &agg,
                "WITHSCORES",
            ],
            &[
                "ZINTER",
                "2",
                "s1",
                "s2",
                "WEIGHTS",
                &w1,
                &w2,
                "AGGREGATE",
                &agg,
                "WITHSCORES",
            ],
            &["ZDIFF", "3", "s1", "s2", "s3", "WITHSCORES"],
            &["ZINTERCARD", "3", "s1", "s2", "s3"],
        ]);
    }
    d.check(&[
        &["ZUNIONSTORE", "u", "3", "s1", "s2", "s3"],
        &["OBJECT", "ENCODING", "u"],
        &["ZCARD", "u"],
        &["ZRANGE", "u", "0", "-1", "WITHSCORES"],
        &[
            "ZRANGESTORE",
            "r",
            "u",
            "-inf",
            "+inf",
            "BYSCORE",
            "LIMIT",
            "3",
            "200",
        ],
        &["OBJECT", "ENCODING", "r"],
        &["ZPOPMIN", "u", "20"],
        &["ZPOPMAX", "u", "20"],
        &["ZMPOP", "1", "u", "MIN", "COUNT", "5"],
        &["ZREMRANGEBYLEX", "lex", "[c", "(f"],
        &["ZRANGE", "lex", "0", "-1"],
        &["ZREMRANGEBYRANK", "u", "10", "-10"],
        &["ZRANGE", "u", "0", "-1", "WITHSCORES"],
    ]);
}
