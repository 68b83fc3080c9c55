//! SORT and SORT_RO compared with real Redis 7.0.15: numeric and ALPHA ordering, ties,
//! BY weights (string keys, hash fields, missing keys, `nosort`), LIMIT, GET (`#`,
//! patterns, nil), STORE, number parsing edge cases, errors, and the key specifications
//! and `COMMAND GETKEYS` results for these key-moving commands.

use cedis_tests::{Differential, Mask};

/// Runs `line` (space-separated, no quoting needed) on both servers and compares.
fn check_lines(d: &mut Differential, lines: &[&str]) {
    for line in lines {
        let args: Vec<&str> = line.split(' ').collect();
        d.check(&[&args]);
    }
}

#[test]
fn command_info_docs_and_getkeys() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for protocol in ["2", "3"] {
        d.run_both(&["HELLO", protocol]);
        for name in ["sort", "sort_ro"] {
            d.check(&[&["COMMAND", "INFO", name]]);
            d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
        }
    }
    d.run_both(&["HELLO", "2"]);
    check_lines(
        &mut d,
        &[
            "COMMAND GETKEYS sort a by x get y store d",
            "COMMAND GETKEYS sort_ro a by x get y",
            "COMMAND GETKEYS sort a get store d",
            "COMMAND GETKEYS sort a store",
            "COMMAND GETKEYS sort a store d store e",
            "COMMAND GETKEYS sort a limit store 1 store e",
            "COMMAND GETKEYS sort a xx store d",
            "COMMAND GETKEYS sort a by store d",
            "COMMAND GETKEYSANDFLAGS sort_ro a",
            "COMMAND GETKEYSANDFLAGS sort a asc store d alpha",
        ],
    );
}

#[test]
fn numeric_alpha_desc_and_limit() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    check_lines(
        &mut d,
        &[
            "RPUSH l 3 1 2 10 1.5",
            "SORT l",
            "SORT l DESC",
            "SORT l ALPHA",
            "SORT l alpha desc asc",
            "SORT l asc desc",
            "SORT l LIMIT 1 2",
            "SORT l LIMIT -1 2",
            "SORT l LIMIT 1 -1",
            "SORT l LIMIT 10 1",
            "SORT l LIMIT 0 1 LIMIT 1 1 ALPHA",
            "SORT l LIMIT 9223372036854775807 9223372036854775807 ALPHA",
            "SORT l LIMIT 1 9223372036854775807 ALPHA",
            "SORT_RO l DESC LIMIT 0 2",
            "SORT missing",
            "RPUSH n 2 1 2 1",
            "SORT n",
            "SORT n DESC",
            "RPUSH m a B é e",
            "SORT m ALPHA",
            "SORT m ALPHA DESC",
            "SADD ints 5 -3 100 7",
            "SORT ints",
            "SORT ints DESC LIMIT 1 2",
            "SADD strs x y z w",
            "SORT strs ALPHA",
            "SORT strs",
            "ZADD z 3 a 1 b 2 c 5 d",
            "SORT z ALPHA",
            "SORT z ALPHA DESC",
            "SORT z",
            "ZADD zn 0 3 0 -inf 0 inf",
            "SORT zn",
        ],
    );
}

#[test]
fn number_parsing_matches_strtod() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for (i, elements) in [
        &["1 "][..],
        &[" 1", "2"],
        &["\t3", "\n1"],
        &["inf", "-inf", "0x10"],
        &["nan", "1"],
        &["", "1", "-2"],
        &[" ", "1"],
        &["1e5", "-3", "+4"],
        &["0x1p3", "1.", ".5", "INF", "-Infinity"],
        &["infinity", "1e"],
        &["0", "-0", "0e9"],
        // Last: Redis checks `errno == ERANGE` without clearing errno first, so after
        // one of these, its next SORT on the same connection fails whatever it sorts.
        &["1e-400"],
        &["1e-310"],
        &["4.9e-324"],
        &["1e500"],
    ]
    .iter()
    .enumerate()
    {
        let key = format!("k{i}");
        let mut push = vec!["RPUSH", &key];
        push.extend_from_slice(elements);
        d.check(&[&push, &["SORT", &key]]);
    }
}

#[test]
fn by_weights_and_get_patterns() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    check_lines(
        &mut d,
        &[
            "RPUSH l 3 1 2 10 1.5",
            "SORT l BY w_*",
            "MSET w_3 1 w_1 2 w_2 0",
            "SORT l BY w_*",
            "SORT l BY w_* DESC",
            "SORT l BY w_* GET # GET w_* GET x_*",
            "SORT l BY nosort",
            "SORT l BY nosort DESC",
            "SORT l BY nosort LIMIT 1 2",
            "SORT l BY nosort DESC LIMIT 1 2",
            "SORT l BY nosort BY w_*",
            "SORT l BY w_* BY nosort",
            "SORT l BY #",
            "SORT l GET foo",
            "SET foo FOO",
            "SORT l GET foo",
            "RPUSH ll b a c d",
            "MSET w_a x w_b 2",
            "SORT ll BY w_* ALPHA",
            "SORT ll BY w_* ALPHA DESC",
            "SORT ll BY w_*",
            "SORT ll BY nokey_* DESC",
            "SORT ll BY nokey_* DESC ALPHA",
            "MSET v_a X v_b X v_c X v_d X",
            "SORT ll BY v_* ALPHA",
            "SORT ll BY v_* ALPHA LIMIT 0 3",
            "HSET h_a f 3",
            "HSET h_b f 1 f->g FG",
            "HSET h_c f 2",
            "HSET h_d  E",
            "SORT ll BY h_*->f GET h_*->f GET h_*-> GET # GET h_*->g GET h_*->f->g",
            "SORT ll BY h_*-> ALPHA",
            "SET s_a-> X",
            "SET a->b AB",
            "SORT ll BY nosort GET s_*-> GET a->*",
            "SORT ll BY h_x->*",
            "HSET h_x a 1 b 2 c 3 d 0",
            "SORT ll BY h_x->*",
            "RPUSH wl a",
            "SORT ll BY w* ALPHA",
            "ZADD z 3 a 1 b 2 c 5 d",
            "SORT z BY nosort",
            "SORT z BY nosort DESC",
            "SORT z BY nosort LIMIT 1 2",
            "SORT z BY nosort DESC LIMIT 1 2",
            "MSET w_c 1 w_d 3",
            "SORT z BY w_* ALPHA",
        ],
    );
}

#[test]
fn store_and_errors() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    check_lines(
        &mut d,
        &[
            "RPUSH l 3 1 2",
            "MSET w_3 1 w_1 2 w_2 0",
            "SORT l BY w_* GET # GET w_* GET x_* STORE d",
            "LRANGE d 0 -1",
            "OBJECT ENCODING d",
            "SORT l STORE d STORE e",
            "EXISTS d e",
            "SORT missing STORE d",
            "EXISTS d",
            "SORT l LIMIT 5 1 STORE e",
            "EXISTS e",
            "SADD st x y z w",
            "SORT st BY nosort STORE sd",
            "LRANGE sd 0 -1",
            "SORT l BY nosort STORE l2",
            "LRANGE l2 0 -1",
            "SORT l STORE l",
            "LRANGE l 0 -1",
            "SET str x",
            "SORT str",
            "SORT str STORE d",
            "SORT str foo",
            "SORT str LIMIT a b",
            "SORT missing LIMIT a 1",
            "SORT l LIMIT 1 a",
            "SORT l LIMIT 1",
            "SORT l foo",
            "SORT l BY",
            "SORT l GET",
            "SORT l STORE",
            "SORT_RO l STORE d",
            "RPUSH s a b c",
            "SORT s",
            "SORT s GET # ALPHA STORE str",
            "TYPE str",
            "HSET h f v",
            "SORT h",
            "SORT",
        ],
    );
}
