//! COMMAND and its subcommands, as Redis 7.0.15 answers them, for the foundation commands,
//! and COMMAND INFO/DOCS of every implemented command compared with Redis's.
//! Prose (HELP lines, the `summary`/`complexity` of COMMAND DOCS) is each server's own: only
//! its structure is checked.

use cedis_resp::Frame;
use cedis_tests::{
    assert_help, blank_docs_prose, frame_items, frame_pairs, frame_text, reference, show,
    Differential, Mask, RawConn, TestServer,
};

/// One `COMMAND INFO` entry.
#[derive(Debug)]
struct Info {
    name: String,
    arity: i64,
    flags: Vec<String>,
    keys: (i64, i64, i64),
    acl: Vec<String>,
    tips: Vec<String>,
    subcommands: Vec<Info>,
}

fn texts(f: &Frame) -> Vec<String> {
    frame_items(f).iter().map(frame_text).collect()
}

fn int(f: &Frame) -> i64 {
    match f {
        Frame::Integer(n) => *n,
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn parse_info(f: &Frame) -> Info {
    let fields = frame_items(f);
    assert_eq!(fields.len(), 10, "COMMAND INFO entry has 10 fields: {f:?}");
    Info {
        name: frame_text(&fields[0]),
        arity: int(&fields[1]),
        flags: texts(&fields[2]),
        keys: (int(&fields[3]), int(&fields[4]), int(&fields[5])),
        acl: texts(&fields[6]),
        tips: texts(&fields[7]),
        subcommands: frame_items(&fields[9]).iter().map(parse_info).collect(),
    }
}

fn command_info(c: &mut RawConn, name: &str) -> Info {
    let reply = c.cmd_frame(&["COMMAND", "INFO", name]);
    let entries = frame_items(&reply);
    assert_eq!(entries.len(), 1, "{reply:?}");
    parse_info(&entries[0])
}

fn assert_info(info: &Info, arity: i64, flags: &[&str], keys: (i64, i64, i64), acl: &[&str]) {
    assert_eq!(info.arity, arity, "arity of {}", info.name);
    assert_eq!(info.flags, flags, "flags of {}", info.name);
    assert_eq!(info.keys, keys, "first/last/step of {}", info.name);
    assert_eq!(info.acl, acl, "ACL categories of {}", info.name);
}

const CONN_FLAGS: &[&str] = &[
    "noscript",
    "loading",
    "stale",
    "fast",
    "no_auth",
    "allow_busy",
];

#[test]
fn command_count() {
    let server = TestServer::start();
    let mut c = server.raw();
    let count = int(&c.cmd_frame(&["COMMAND", "COUNT"]));
    assert!(count > 0, "COMMAND COUNT {count}");
    // COMMAND without a subcommand lists every command.
    let all = c.cmd_frame(&["COMMAND"]);
    assert_eq!(frame_items(&all).len() as i64, count);
    c.assert_cmd(
        &["COMMAND", "COUNT", "x"],
        b"-ERR wrong number of arguments for 'command|count' command\r\n",
    );
}

#[test]
fn command_info_exact_bytes() {
    let server = TestServer::start();
    let mut c = server.raw();
    let echo: &[u8] = b"*10\r\n$4\r\necho\r\n:2\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n\
        :0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n";
    let ping: &[u8] = b"*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n\
        *2\r\n+@fast\r\n+@connection\r\n\
        *2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n";
    let config_get: &[u8] = b"*10\r\n$10\r\nconfig|get\r\n:-3\r\n\
        *4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n\
        *3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n";
    let mut want = b"*4\r\n".to_vec();
    for part in [echo, ping, config_get, b"$-1\r\n"] {
        want.extend_from_slice(part);
    }
    // Names are case-insensitive, a subcommand is asked for as `container|sub`, and unknown
    // names give a null.
    c.assert_cmd(
        &["COMMAND", "INFO", "echo", "PING", "config|get", "nosuch"],
        &want,
    );
    c.assert_cmd(&["COMMAND", "INFO", "nosuch"], b"*1\r\n$-1\r\n");
    // RESP3: flags, categories, tips, key specs and subcommands are sets; null is `_`.
    let _ = c.cmd(&["HELLO", "3"]);
    c.assert_cmd(
        &["COMMAND", "INFO", "ECHO", "nosuch"],
        b"*2\r\n*10\r\n$4\r\necho\r\n:2\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n\
          :0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n_\r\n",
    );
}

#[test]
fn command_info_of_foundation_commands() {
    let server = TestServer::start();
    let mut c = server.raw();
    let fast_conn = ["@fast", "@connection"];
    let none = (0, 0, 0);
    assert_info(
        &command_info(&mut c, "ping"),
        -1,
        &["fast"],
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "echo"),
        2,
        &["loading", "stale", "fast"],
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "select"),
        2,
        &["loading", "stale", "fast"],
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "auth"),
        -2,
        CONN_FLAGS,
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "hello"),
        -1,
        CONN_FLAGS,
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "quit"),
        -1,
        CONN_FLAGS,
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "reset"),
        1,
        CONN_FLAGS,
        none,
        &fast_conn,
    );
    assert_info(
        &command_info(&mut c, "dbsize"),
        1,
        &["readonly", "fast"],
        none,
        &["@keyspace", "@read", "@fast"],
    );
    let time = command_info(&mut c, "time");
    assert_info(&time, 1, &["loading", "stale", "fast"], none, &["@fast"]);
    assert_eq!(time.tips, ["nondeterministic_output"]);
    assert_info(
        &command_info(&mut c, "shutdown"),
        -1,
        &[
            "admin",
            "noscript",
            "loading",
            "stale",
            "no_multi",
            "allow_busy",
        ],
        none,
        &["@admin", "@slow", "@dangerous"],
    );
    assert_info(
        &command_info(&mut c, "config|get"),
        -3,
        &["admin", "noscript", "loading", "stale"],
        none,
        &["@admin", "@slow", "@dangerous"],
    );
    assert_info(
        &command_info(&mut c, "client|setname"),
        3,
        &["noscript", "loading", "stale"],
        none,
        &["@slow", "@connection"],
    );
}

/// The CLIENT subcommands of the foundation milestone (Redis 7.0.15 has them all).
const FOUNDATION_CLIENT_SUBCOMMANDS: &[&str] = &[
    "client|getname",
    "client|help",
    "client|id",
    "client|info",
    "client|kill",
    "client|list",
    "client|no-evict",
    "client|reply",
    "client|setname",
    "client|unblock",
];

/// Subcommand name → (arity, flags), order-free (Redis lists them in hash order).
fn subcommands(info: &Info) -> Vec<(String, i64, Vec<String>)> {
    let mut subs: Vec<_> = info
        .subcommands
        .iter()
        .map(|s| {
            assert!(s.subcommands.is_empty());
            (s.name.clone(), s.arity, s.flags.clone())
        })
        .collect();
    subs.sort();
    subs
}

fn owned(subs: &[(&str, i64, &[&str])]) -> Vec<(String, i64, Vec<String>)> {
    let mut v: Vec<_> = subs
        .iter()
        .map(|(n, a, f)| (n.to_string(), *a, f.iter().map(|s| s.to_string()).collect()))
        .collect();
    v.sort();
    v
}

#[test]
fn command_info_of_container_commands() {
    let server = TestServer::start();
    let mut c = server.raw();
    let admin: &[&str] = &["admin", "noscript", "loading", "stale"];
    let ls: &[&str] = &["loading", "stale"];

    let config = command_info(&mut c, "config");
    assert_info(&config, -2, &[], (0, 0, 0), &["@slow"]);
    assert_eq!(
        subcommands(&config),
        owned(&[
            ("config|get", -3, admin),
            ("config|set", -4, admin),
            ("config|resetstat", 2, admin),
            ("config|rewrite", 2, admin),
            ("config|help", 2, ls),
        ])
    );

    let command = command_info(&mut c, "command");
    assert_info(&command, -1, ls, (0, 0, 0), &["@slow", "@connection"]);
    assert_eq!(command.tips, ["nondeterministic_output_order"]);
    let names: Vec<String> = subcommands(&command).into_iter().map(|s| s.0).collect();
    assert_eq!(
        names,
        [
            "command|count",
            "command|docs",
            "command|getkeys",
            "command|getkeysandflags",
            "command|help",
            "command|info",
            "command|list"
        ]
    );

    let client = command_info(&mut c, "client");
    assert_info(&client, -2, &[], (0, 0, 0), &["@slow"]);
    let subs = subcommands(&client);
    let names: Vec<&str> = subs.iter().map(|s| s.0.as_str()).collect();
    // Redis 7.0.15 has more CLIENT subcommands than the foundation (CACHING, PAUSE, TRACKING,
    // ...), cedis has two of 7.2 (NO-TOUCH, SETINFO): the foundation's must all be there.
    for name in FOUNDATION_CLIENT_SUBCOMMANDS {
        assert!(names.contains(name), "{name} not in {names:?}");
    }
    let mut dedup = names.clone();
    dedup.dedup();
    assert_eq!(dedup, names, "duplicate CLIENT subcommands");
    assert!(names.iter().all(|n| n.starts_with("client|")), "{names:?}");
    let arity = |n: &str| subs.iter().find(|s| s.0 == n).map(|s| s.1);
    assert_eq!(arity("client|id"), Some(2));
    assert_eq!(arity("client|kill"), Some(-3));
    assert_eq!(arity("client|setname"), Some(3));
    assert_eq!(arity("client|list"), Some(-2));
    assert_eq!(arity("client|reply"), Some(3));
    assert_eq!(arity("client|no-evict"), Some(3));
    assert_eq!(arity("client|unblock"), Some(-3));

    // A subcommand can be asked for directly.
    let id = command_info(&mut c, "CLIENT|ID");
    assert_info(
        &id,
        2,
        &["noscript", "loading", "stale"],
        (0, 0, 0),
        &["@slow", "@connection"],
    );
}

/// `COMMAND DOCS ...` re-encoded with the prose blanked: `summary` and `complexity` (when
/// non-empty strings) become `-`, `history` is left out (see [`blank_docs_prose`]).
fn docs_without_prose(c: &mut RawConn, names: &[&str]) -> String {
    let mut cmd = vec!["COMMAND", "DOCS"];
    cmd.extend_from_slice(names);
    show(&reference::encode(&blank_docs_prose(c.cmd_frame(&cmd))))
}

#[test]
fn command_docs_shape() {
    let server = TestServer::start();
    let mut c = server.raw();
    // `since`, `group` and the arguments are facts; the summary and complexity are prose.
    let ping2: &[u8] = b"*2\r\n$4\r\nping\r\n*10\r\n$7\r\nsummary\r\n$1\r\n-\r\n\
          $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n\
          $10\r\ncomplexity\r\n$1\r\n-\r\n$9\r\narguments\r\n*1\r\n\
          *6\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+optional\r\n";
    assert_eq!(docs_without_prose(&mut c, &["ping"]), show(ping2));
    assert_eq!(docs_without_prose(&mut c, &["PING"]), show(ping2));
    let config_get: &[u8] = b"*2\r\n$10\r\nconfig|get\r\n*10\r\n$7\r\nsummary\r\n$1\r\n-\r\n\
          $5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n\
          $10\r\ncomplexity\r\n$1\r\n-\r\n$9\r\narguments\r\n*1\r\n\
          *8\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n\
          *1\r\n+multiple\r\n$9\r\narguments\r\n*1\r\n\
          *4\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$6\r\nstring\r\n";
    assert_eq!(
        docs_without_prose(&mut c, &["config|get"]),
        show(config_get)
    );
    // Commands without arguments have no `arguments` field.
    let quit: &[u8] = b"*2\r\n$4\r\nquit\r\n*8\r\n$7\r\nsummary\r\n$1\r\n-\r\n\
          $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n\
          $10\r\ncomplexity\r\n$1\r\n-\r\n";
    assert_eq!(docs_without_prose(&mut c, &["quit"]), show(quit));
    c.assert_cmd(&["COMMAND", "DOCS", "nosuch"], b"*0\r\n");
    // Containers: their subcommands' entries under `subcommands`, keyed `container|sub`.
    let config = blank_docs_prose(c.cmd_frame(&["COMMAND", "DOCS", "config"]));
    let entries = frame_pairs(&config);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "config");
    let fields = frame_pairs(&entries[0].1);
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["summary", "since", "group", "complexity", "subcommands"]
    );
    assert_eq!(
        frame_text(&fields[0].1),
        "-",
        "summary is a non-empty string"
    );
    assert_eq!(frame_text(&fields[1].1), "2.0.0");
    assert_eq!(frame_text(&fields[2].1), "server");
    assert_eq!(
        frame_text(&fields[3].1),
        "-",
        "complexity is a non-empty string"
    );
    let subs = frame_pairs(&fields[4].1);
    let mut names: Vec<&str> = subs.iter().map(|(k, _)| k.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "config|get",
            "config|help",
            "config|resetstat",
            "config|rewrite",
            "config|set"
        ]
    );
    for (name, doc) in &subs {
        let group = frame_pairs(doc).into_iter().find(|(k, _)| k == "group");
        assert_eq!(
            group.map(|(_, g)| frame_text(&g)).as_deref(),
            Some("server"),
            "{name}"
        );
    }
    // RESP3: maps all the way down, flags as a set.
    let _ = c.cmd(&["HELLO", "3"]);
    let ping3: &[u8] = b"%1\r\n$4\r\nping\r\n%5\r\n$7\r\nsummary\r\n$1\r\n-\r\n\
          $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n\
          $10\r\ncomplexity\r\n$1\r\n-\r\n$9\r\narguments\r\n*1\r\n\
          %3\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n~1\r\n+optional\r\n";
    assert_eq!(docs_without_prose(&mut c, &["ping"]), show(ping3));
    c.assert_cmd(&["COMMAND", "DOCS", "nosuch"], b"%0\r\n");
}

/// cedis's subcommands that Redis 7.0.15 does not have (they are Redis 7.2's).
const NOT_IN_REDIS_7_0: &[&str] = &["client|no-touch", "client|setinfo"];

/// COMMAND INFO and COMMAND DOCS of every command and subcommand cedis implements, compared
/// with Redis's in RESP2 and RESP3: key specifications, doc flags and argument trees byte
/// for byte; only the docs' prose and the order of subcommands (Redis's hash-table order)
/// are left out. CLIENT itself is left out (its subcommand list is not Redis's: see
/// [`NOT_IN_REDIS_7_0`]); each of its subcommands is compared.
#[test]
fn command_info_and_docs_of_every_command_match_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let (list, _) = d.replies(&["COMMAND", "LIST"]);
    let names = texts(&reference::parse_exact(&list));
    assert!(names.len() > 100, "{names:?}");
    for protocol in ["2", "3"] {
        d.run_both(&["HELLO", protocol]);
        for name in &names {
            if name == "client" {
                continue;
            }
            if NOT_IN_REDIS_7_0.contains(&name.as_str()) {
                let (_, redis) = d.replies(&["COMMAND", "INFO", name]);
                assert!(
                    redis == b"*1\r\n$-1\r\n" || redis == b"*1\r\n_\r\n",
                    "{name} is in Redis 7.0: compare it"
                );
                continue;
            }
            d.check_masked(&["COMMAND", "INFO", name], &Mask::command_info());
            d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
        }
    }
}

#[test]
fn command_getkeys() {
    let server = TestServer::start();
    let mut c = server.raw();
    // No foundation command takes keys; GETKEYS of a command with keys (GET, SET) returns
    // with the data commands (see README.md).
    for args in [
        &["COMMAND", "GETKEYS", "ping", "x"][..],
        &["COMMAND", "GETKEYS", "echo", "x"],
        &["COMMAND", "GETKEYS", "CONFIG", "GET", "x"],
        &["COMMAND", "GETKEYSANDFLAGS", "ping", "x"],
        // The key check comes before the arity check.
        &["COMMAND", "GETKEYS", "echo", "a", "b"],
        &["COMMAND", "GETKEYS", "select", "1", "2"],
        &["COMMAND", "GETKEYS", "client", "setname"],
    ] {
        c.assert_cmd(args, b"-ERR The command has no key arguments\r\n");
    }
    for args in [
        &["COMMAND", "GETKEYS", "nosuch", "a"][..],
        &["COMMAND", "GETKEYS", "config", "nosuch", "x"],
        &["COMMAND", "GETKEYS", "client|id", "x"],
        &["COMMAND", "GETKEYSANDFLAGS", "nosuch", "a"],
    ] {
        c.assert_cmd(args, b"-ERR Invalid command specified\r\n");
    }
    for args in [&["COMMAND", "GETKEYS"][..], &["COMMAND", "GETKEYS", "ping"]] {
        c.assert_cmd(
            args,
            b"-ERR wrong number of arguments for 'command|getkeys' command\r\n",
        );
    }
    c.assert_cmd(
        &["COMMAND", "GETKEYSANDFLAGS"],
        b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n",
    );
}

#[test]
fn command_list_filterby() {
    let server = TestServer::start();
    let mut c = server.raw();
    for pattern in ["p*", "P*"] {
        let names = texts(&c.cmd_frame(&["COMMAND", "LIST", "FILTERBY", "PATTERN", pattern]));
        assert!(names.iter().any(|n| n == "ping"), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with('p')), "{names:?}");
        let mut dedup = names.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), names.len(), "duplicates in {names:?}");
    }
    c.assert_cmd(
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "ping*"],
        b"*1\r\n$4\r\nping\r\n",
    );
    c.assert_cmd(
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "ech?"],
        b"*1\r\n$4\r\necho\r\n",
    );
    c.assert_cmd(&["COMMAND", "LIST", "FILTERBY", "MODULE", "foo"], b"*0\r\n");
    c.assert_cmd(
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"],
        b"*0\r\n",
    );
    let conn = texts(&c.cmd_frame(&["COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"]));
    for name in [
        "ping",
        "echo",
        "select",
        "auth",
        "hello",
        "quit",
        "reset",
        "client|id",
    ] {
        assert!(conn.iter().any(|n| n == name), "{name} not in {conn:?}");
    }
    // Every foundation command (and subcommands, as `container|sub`) is listed.
    let all = texts(&c.cmd_frame(&["COMMAND", "LIST"]));
    for name in [
        "ping",
        "echo",
        "select",
        "auth",
        "hello",
        "quit",
        "reset",
        "client",
        "client|list",
        "dbsize",
        "time",
        "shutdown",
        "command",
        "command|info",
        "config",
        "config|get",
    ] {
        assert!(all.iter().any(|n| n == name), "{name} not in COMMAND LIST");
    }
    c.assert_cmd(&["COMMAND", "LIST", "FILTERBY"], b"-ERR syntax error\r\n");
    c.assert_cmd(&["COMMAND", "LIST", "FOO"], b"-ERR syntax error\r\n");
}

#[test]
fn command_errors_and_help() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(
        &["COMMAND", "foo"],
        b"-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n",
    );
    c.assert_cmd(
        &["COMMAND", "FOO"],
        b"-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n",
    );
    assert_help(
        &c.cmd(&["COMMAND", "HELP"]),
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
    );
    c.assert_cmd(
        &["COMMAND", "HELP", "x"],
        b"-ERR wrong number of arguments for 'command|help' command\r\n",
    );
}

#[test]
fn config_help() {
    let server = TestServer::start();
    let mut c = server.raw();
    assert_help(
        &c.cmd(&["CONFIG", "HELP"]),
        "CONFIG",
        &["GET", "SET", "RESETSTAT", "REWRITE", "HELP"],
    );
    c.assert_cmd(
        &["CONFIG", "HELP", "x"],
        b"-ERR wrong number of arguments for 'config|help' command\r\n",
    );
    c.assert_cmd(
        &["CONFIG", "FOO"],
        b"-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n",
    );
    c.assert_cmd(
        &["CONFIG"],
        b"-ERR wrong number of arguments for 'config' command\r\n",
    );
}

/// GETKEYS and GETKEYSANDFLAGS walk the key specifications: index and keyword searches,
/// ranges and key counts, and the per-call flags of `variable_flags` specs.
#[test]
fn getkeys_follows_key_specs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
        &["COMMAND", "GETKEYS", "BITOP", "AND", "dest", "s1", "s2"],
        &["COMMAND", "GETKEYS", "COPY", "a", "b", "DB", "1"],
        &["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
        &["COMMAND", "GETKEYS", "LMPOP", "3", "a", "b", "LEFT"],
        &["COMMAND", "GETKEYS", "LMPOP", "0", "a", "LEFT"],
        &["COMMAND", "GETKEYS", "LMPOP", "x", "a", "LEFT"],
        &["COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v"],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "SET",
            "k",
            "v",
            "EX",
            "10",
            "GET",
        ],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "BITFIELD",
            "k",
            "GET",
            "u8",
            "0",
        ],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "BITFIELD",
            "k",
            "INCRBY",
            "u8",
            "0",
            "1",
        ],
        &["COMMAND", "GETKEYSANDFLAGS", "RENAME", "a", "b"],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "LMOVE",
            "a",
            "b",
            "LEFT",
            "RIGHT",
        ],
    ]);
}
