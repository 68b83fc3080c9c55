//! The foundation commands run side by side on cedis and on a real `redis-server`: the
//! replies must be the same bytes (or the same under a mask where they cannot be).

use cedis_resp::Frame;
use cedis_tests::{
    blank_docs_prose, check_help, client_fields, frame_text, reference, Differential, Mask,
};

/// Commands the foundation implements fully, for COMMAND INFO/DOCS comparisons.
const FOUNDATION: &[&str] = &[
    "ping", "echo", "select", "auth", "hello", "quit", "reset", "client", "dbsize", "time",
    "shutdown", "command", "config",
];

/// The foundation's subcommands. Redis 7.0.15 has more CLIENT subcommands (CACHING, PAUSE,
/// TRACKING, ...) and cedis has two of Redis 7.2 (NO-TOUCH, SETINFO): comparisons of
/// container commands and of COMMAND LIST keep only these.
const FOUNDATION_SUBCOMMANDS: &[&str] = &[
    "client|id",
    "client|getname",
    "client|setname",
    "client|list",
    "client|info",
    "client|kill",
    "client|reply",
    "client|no-evict",
    "client|unblock",
    "client|help",
    "command|count",
    "command|info",
    "command|docs",
    "command|list",
    "command|getkeys",
    "command|getkeysandflags",
    "command|help",
    "config|get",
    "config|set",
    "config|resetstat",
    "config|rewrite",
    "config|help",
];

fn is_foundation(name: &Frame) -> bool {
    let name = frame_text(name).to_ascii_lowercase();
    FOUNDATION.contains(&name.as_str()) || FOUNDATION_SUBCOMMANDS.contains(&name.as_str())
}

fn sorted(mut items: Vec<Frame>) -> Vec<Frame> {
    items.sort_by_key(reference::encode);
    items
}

/// Elements of an array or set, kept when `keep` says so, sorted; the aggregate type stays.
fn filter_sorted(f: Frame, keep: impl Fn(&Frame) -> bool) -> Frame {
    match f {
        Frame::Array(items) => Frame::Array(sorted(items.into_iter().filter(keep).collect())),
        Frame::Set(items) => Frame::Set(sorted(items.into_iter().filter(keep).collect())),
        other => other,
    }
}

/// `COMMAND INFO` entries restricted to the foundation: other commands and other
/// subcommands are left out, and subcommands are sorted (Redis lists them in hash-table
/// order). With `everything` (the reply to `COMMAND` or a bare `COMMAND INFO`), the entries
/// are sorted too; otherwise they stay in the order asked for.
fn foundation_info(everything: bool) -> Mask {
    fn entry(f: Frame) -> Frame {
        match f {
            Frame::Array(mut fields) if fields.len() == 10 => {
                let subs = std::mem::replace(&mut fields[9], Frame::Null);
                fields[9] = filter_sorted(
                    subs,
                    |s| matches!(s, Frame::Array(f) if f.len() == 10 && is_foundation(&f[0])),
                );
                Frame::Array(fields)
            }
            other => other,
        }
    }
    Mask::normalize(move |f| match f {
        Frame::Array(entries) => {
            let entries: Vec<Frame> = entries
                .into_iter()
                .filter(|e| match e {
                    Frame::Array(fields) if fields.len() == 10 => is_foundation(&fields[0]),
                    _ => true,
                })
                .map(entry)
                .collect();
            Frame::Array(if everything { sorted(entries) } else { entries })
        }
        other => other,
    })
}

/// `COMMAND DOCS` replies without prose (see [`blank_docs_prose`]), restricted to the
/// foundation's commands and subcommands, subcommands sorted. With `everything` (the reply
/// to a bare `COMMAND DOCS`) the entries are sorted too; otherwise they stay in the order
/// asked for.
fn foundation_docs(everything: bool) -> Mask {
    /// Name → entry pairs (map or RESP2 flat array) of foundation names only.
    fn keep_pairs(f: Frame, sort: bool) -> Frame {
        let (mut pairs, map): (Vec<(Frame, Frame)>, bool) = match f {
            Frame::Map(pairs) => (pairs, true),
            Frame::Array(items) if items.len() % 2 == 0 => (
                items
                    .chunks(2)
                    .map(|kv| (kv[0].clone(), kv[1].clone()))
                    .collect(),
                false,
            ),
            other => return other,
        };
        pairs.retain(|(k, _)| is_foundation(k));
        if sort {
            pairs.sort_by_key(|(k, _)| reference::encode(k));
        }
        let pairs = pairs.into_iter().map(|(k, v)| (k, entry(v)));
        if map {
            Frame::Map(pairs.collect())
        } else {
            Frame::Array(pairs.flat_map(|(k, v)| [k, v]).collect())
        }
    }
    /// One entry with its `subcommands` restricted and sorted.
    fn entry(f: Frame) -> Frame {
        let is_subs =
            |k: &Frame| matches!(k, Frame::Bulk(b) | Frame::Simple(b) if &b[..] == b"subcommands");
        match f {
            Frame::Map(pairs) => Frame::Map(
                pairs
                    .into_iter()
                    .map(|(k, v)| {
                        if is_subs(&k) {
                            (k, keep_pairs(v, true))
                        } else {
                            (k, v)
                        }
                    })
                    .collect(),
            ),
            Frame::Array(mut items) if items.len() % 2 == 0 => {
                for i in (0..items.len()).step_by(2) {
                    if is_subs(&items[i]) {
                        let subs = std::mem::replace(&mut items[i + 1], Frame::Null);
                        items[i + 1] = keep_pairs(subs, true);
                    }
                }
                Frame::Array(items)
            }
            other => other,
        }
    }
    Mask::normalize(move |f| keep_pairs(blank_docs_prose(f), everything))
}

/// `COMMAND LIST` restricted to the foundation's names, in any order.
fn foundation_list() -> Mask {
    Mask::normalize(|f| filter_sorted(f, is_foundation))
}

/// Both replies are `<cmd> HELP` replies (prose is each server's own) naming `subcommands`.
fn help(cmd: &'static str, subcommands: &'static [&'static str]) -> Mask {
    Mask::check(move |a, b| {
        check_help(a, cmd, subcommands).map_err(|e| format!("subject: {e}"))?;
        check_help(b, cmd, subcommands).map_err(|e| format!("redis: {e}"))
    })
}

/// Both replies are `CLIENT INFO`/`CLIENT LIST` text with the same field names.
fn same_client_fields() -> Mask {
    Mask::check(|a, b| {
        let names = |raw: &[u8]| -> Vec<String> {
            let text = cedis_tests::frame_text(&reference::parse_exact(raw));
            client_fields(&text).into_iter().map(|(k, _)| k).collect()
        };
        let (x, y) = (names(a), names(b));
        if x == y {
            Ok(())
        } else {
            Err(format!("fields differ: {x:?} vs {y:?}"))
        }
    })
}

#[test]
fn ping_echo_and_errors() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["PING"],
        &["ping", "hello"],
        &["PING", ""],
        &["PING", "a", "b"],
        &["ECHO", "x y z"],
        &["ECHO"],
        &["ECHO", "a", "b"],
        &["foo"],
        &["foo", "a", "b"],
        &["FOO", "a b", "'q'"],
        &[""],
        &["SELECT"],
        &["select", "a", "b"],
        &["Client", "SetName"],
        &["CONFIG", "get"],
        &["DBSIZE"],
        &["DBSIZE", "x"],
        &["TIME", "x"],
    ]);
}

#[test]
fn select_edge_cases() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for db in [
        "0",
        "15",
        "16",
        "-1",
        "abc",
        "1.5",
        "",
        " 1",
        "01",
        "+1",
        "9223372036854775808",
    ] {
        d.check(&[&["SELECT", db]]);
    }
    d.check(&[&["SELECT"], &["SELECT", "1", "2"], &["DBSIZE"]]);
}

#[test]
fn auth_and_hello() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["AUTH", "foo"],
        &["AUTH", "a", "b"],
        &["AUTH"],
        &["HELLO", "4"],
        &["HELLO", "1"],
        &["HELLO", "abc"],
        &["HELLO", "2", "FOO"],
        &["HELLO", "2", "AUTH", "default"],
        &["HELLO", "3", "SETNAME", "a b"],
        &["HELLO", "2", "AUTH", "nobody", "x"],
    ]);
    let hello = Mask::ignore_fields(&["id"]);
    for cmd in [
        &["HELLO"][..],
        &["HELLO", "2"],
        &["HELLO", "2", "AUTH", "default", "x", "SETNAME", "n"],
        &["HELLO", "3"],
        &["HELLO"],
        &["HELLO", "2"],
    ] {
        d.check_masked(cmd, &hello);
    }
}

#[test]
fn client_subcommands() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "a b"],
        &["CLIENT", "SETNAME", "a\nb"],
        &["CLIENT", "SETNAME", "good-name"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", ""],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME"],
        &["CLIENT", "NO-EVICT", "on"],
        &["CLIENT", "NO-EVICT", "maybe"],
        &["CLIENT", "NO-EVICT"],
        &["CLIENT", "FOO"],
        &["client", "foo"],
        &["CLIENT"],
        &["CLIENT", "REPLY", "FOO"],
        &["CLIENT", "KILL", "127.0.0.1:1"],
        &["CLIENT", "KILL", "ID", "999999"],
        &["CLIENT", "KILL", "ID", "abc"],
        &["CLIENT", "KILL", "USER", "nobody"],
        &["CLIENT", "KILL", "FOO", "bar"],
        &["CLIENT", "KILL", "ADDR", "1.2.3.4:5"],
        &["CLIENT", "LIST", "ID", "abc"],
        &["CLIENT", "LIST", "TYPE", "foo"],
        &["CLIENT", "LIST", "FOO"],
        &["CLIENT", "ID", "x"],
        &["CLIENT", "UNBLOCK", "999999"],
        &["CLIENT", "UNBLOCK", "999999", "TIMEOUT"],
        &["CLIENT", "UNBLOCK", "999999", "error"],
        &["CLIENT", "UNBLOCK", "999999", "FOO"],
        &["CLIENT", "UNBLOCK", "abc"],
        &["CLIENT", "UNBLOCK"],
        &["CLIENT", "HELP", "x"],
    ]);
    d.check_masked(
        &["CLIENT", "HELP"],
        &help(
            "CLIENT",
            &[
                "GETNAME", "ID", "INFO", "KILL", "LIST", "NO-EVICT", "REPLY", "SETNAME", "UNBLOCK",
                "HELP",
            ],
        ),
    );
    d.check_masked(&["CLIENT", "ID"], &Mask::SameType);
    d.check_masked(&["CLIENT", "INFO"], &same_client_fields());
    d.check_masked(&["CLIENT", "LIST", "TYPE", "normal"], &same_client_fields());
    d.check_masked(&["TIME"], &Mask::SameShape);
}

#[test]
fn config_values_and_errors() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in [
        "databases",
        "maxmemory",
        "maxmemory-policy",
        "hz",
        "timeout",
        "loglevel",
        "save",
        "appendonly",
        "appendfsync",
        "maxclients",
        "requirepass",
        "proto-max-bulk-len",
        "client-query-buffer-limit",
        "dbfilename",
        "tcp-keepalive",
        "notify-keyspace-events",
        "maxmemory-p*",
        "nosuch",
    ] {
        d.check(&[&["CONFIG", "GET", name]]);
    }
    d.check_masked(&["CONFIG", "GET", "PORT"], &Mask::SameShape);
    d.check_masked(
        &["CONFIG", "GET", "hz", "databases", "timeout"],
        &Mask::unordered_pairs(),
    );
    d.check(&[
        &["CONFIG", "SET", "hz", "50"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "SET", "maxmemory", "1mb"],
        &["CONFIG", "GET", "maxmemory"],
        &["CONFIG", "SET", "maxmemory", "0"],
        &["CONFIG", "SET", "nosuch", "1"],
        &["CONFIG", "SET", "hz", "abc"],
        &["CONFIG", "SET", "databases", "20"],
        &["CONFIG", "SET", "timeout", "-1"],
        &["CONFIG", "SET", "loglevel", "foo"],
        &["CONFIG", "SET", "save", "900"],
        &["CONFIG", "SET", "hz", "1", "hz", "2"],
        &["CONFIG", "SET", "hz", "1", "timeout"],
        &["CONFIG", "SET", "hz"],
        &["CONFIG", "GET"],
        &["CONFIG", "REWRITE"],
        &["CONFIG", "RESETSTAT"],
        &["CONFIG", "FOO"],
        &["CONFIG", "HELP", "x"],
        &["CONFIG"],
    ]);
    d.check_masked(
        &["CONFIG", "HELP"],
        &help("CONFIG", &["GET", "SET", "RESETSTAT", "REWRITE", "HELP"]),
    );
}

#[test]
fn command_introspection() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let (info, docs) = (foundation_info(false), foundation_docs(false));
    for name in FOUNDATION.iter().chain(FOUNDATION_SUBCOMMANDS).chain(&[
        "nosuch",
        "CLIENT|ID",
        "Config|Get",
        "client|nosuch",
    ]) {
        d.check_masked(&["COMMAND", "INFO", name], &info);
        d.check_masked(&["COMMAND", "DOCS", name], &docs);
    }
    d.check_masked(&["COMMAND", "INFO", "ping", "echo", "select"], &info);
    d.check_masked(&["COMMAND", "INFO", "ping", "nosuch", "client"], &info);
    d.check_masked(&["COMMAND", "DOCS", "ping", "nosuch", "config"], &docs);
    // Everything: compared on the foundation's entries.
    let (all_info, all_docs) = (foundation_info(true), foundation_docs(true));
    d.check_masked(&["COMMAND"], &all_info);
    d.check_masked(&["COMMAND", "INFO"], &all_info);
    d.check_masked(&["COMMAND", "DOCS"], &all_docs);
    d.check_masked(&["COMMAND", "LIST"], &foundation_list());
    d.check_masked(
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"],
        &foundation_list(),
    );
    d.check_masked(
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "c*"],
        &foundation_list(),
    );
    d.check_masked(&["COMMAND", "COUNT"], &Mask::SameType);
    d.check(&[
        &["COMMAND", "GETKEYS", "ping", "x"],
        &["COMMAND", "GETKEYS", "echo", "a", "b"],
        &["COMMAND", "GETKEYS", "config", "get", "x"],
        &["COMMAND", "GETKEYS", "config", "nosuch", "x"],
        &["COMMAND", "GETKEYS", "nosuch", "x"],
        &["COMMAND", "GETKEYS", "ping"],
        &["COMMAND", "GETKEYS"],
        &["COMMAND", "GETKEYSANDFLAGS", "ping", "x"],
        &["COMMAND", "GETKEYSANDFLAGS", "nosuch", "x"],
        &["COMMAND", "GETKEYSANDFLAGS"],
        &["COMMAND", "COUNT", "x"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "ping*"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "ech?"],
        &["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"],
        &["COMMAND", "LIST", "FILTERBY"],
        &["COMMAND", "LIST", "FOO"],
        &["COMMAND", "foo"],
        &["COMMAND", "HELP", "x"],
    ]);
    d.check_masked(
        &["COMMAND", "HELP"],
        &help(
            "COMMAND",
            &[
                "COUNT",
                "DOCS",
                "GETKEYS",
                "GETKEYSANDFLAGS",
                "INFO",
                "LIST",
                "HELP",
            ],
        ),
    );
}

#[test]
fn resp3_replies() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check_masked(&["HELLO", "3"], &Mask::ignore_fields(&["id"]));
    d.check(&[
        &["PING"],
        &["ECHO", "x"],
        &["CLIENT", "GETNAME"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "GET", "nosuch"],
        &["COMMAND", "INFO", "ping"],
        &["COMMAND", "INFO", "nosuch"],
        &["SELECT", "99"],
    ]);
    d.check_masked(
        &["CONFIG", "GET", "hz", "timeout"],
        &Mask::unordered_pairs(),
    );
    d.check_masked(&["CLIENT", "INFO"], &same_client_fields());
    d.check_masked(&["TIME"], &Mask::SameShape);
    d.check_masked(
        &["COMMAND", "DOCS", "ping", "config"],
        &foundation_docs(false),
    );
    d.check_masked(
        &["COMMAND", "INFO", "echo", "client"],
        &foundation_info(false),
    );
    d.check(&[&["RESET"], &["CLIENT", "GETNAME"], &["CONFIG", "GET", "hz"]]);
}

#[test]
fn raw_inline_and_malformed_input() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let cases: &[&[u8]] = &[
        b"PING\r\n",
        b"ping\nECHO \"a\\x41\"\r\n  PING  \r\n",
        b"\r\n\r\n*0\r\n*-1\r\nPING\r\n",
        b"foo a b\r\n",
        b"$99999999999\r\n",
        b"*abc\r\n",
        b"*1\r\nfoo\r\n",
        b"*1\r\n$-5\r\n",
        b"*1\r\n$99999999999\r\n",
        b"*2147483648\r\n",
        b"PING \"a\r\n",
        b"ECHO 'a\\'b'\r\n",
        b"QUIT\r\nPING\r\n",
        b"CLIENT REPLY SKIP\r\nPING 1\r\nPING 2\r\n",
        b"*1\r\n$4\r\nPING\r\n*1\r\n",
    ];
    for case in cases {
        d.check_raw(case);
    }
}
