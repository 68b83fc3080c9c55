//! Server introspection: INFO (every section's field names against real Redis, argument
//! handling, the text format, commandstats/errorstats/latencystats, CONFIG RESETSTAT),
//! DEBUG (the subcommands test suites use, `enable-debug-command`) and LASTSAVE.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cedis_resp::Frame;
use cedis_tests::{
    check_help, frame_text, reference, target_is_redis, Differential, Mask, TestServer, XorShift64,
};

/// One INFO reply: `(section, [(field, value)])` in order.
type Sections = Vec<(String, Vec<(String, String)>)>;

/// Parses INFO text strictly: `# Section` headers, `field:value` lines, one blank line
/// between sections, every line ending in CRLF.
fn parse_info(text: &str) -> Result<Sections, String> {
    let mut sections: Sections = Vec::new();
    if text.is_empty() {
        return Ok(sections);
    }
    let body = text
        .strip_suffix("\r\n")
        .ok_or_else(|| format!("INFO does not end with CRLF: {text:?}"))?;
    let mut expect_header = true;
    for line in body.split("\r\n") {
        if line.contains('\n') || line.contains('\r') {
            return Err(format!("bare line break in {line:?}"));
        }
        if expect_header {
            let name = line
                .strip_prefix("# ")
                .ok_or_else(|| format!("expected a section header, got {line:?}"))?;
            sections.push((name.to_string(), Vec::new()));
            expect_header = false;
        } else if line.is_empty() {
            expect_header = true;
        } else {
            let (field, value) = line
                .split_once(':')
                .ok_or_else(|| format!("not a field line: {line:?}"))?;
            if field.is_empty() || field.contains(' ') {
                return Err(format!("bad field name in {line:?}"));
            }
            sections
                .last_mut()
                .ok_or("field before any section")?
                .1
                .push((field.to_string(), value.to_string()));
        }
    }
    if expect_header {
        return Err("INFO ends with a blank line".into());
    }
    Ok(sections)
}

fn info_text(raw: &[u8]) -> String {
    frame_text(&reference::parse_exact(raw))
}

/// Section names and, per section, field names (in order, except for the per-command
/// and per-error sections), without cedis's own `cedis_version`.
fn field_names(raw: &[u8]) -> Result<Vec<(String, Vec<String>)>, String> {
    Ok(parse_info(&info_text(raw))?
        .into_iter()
        .map(|(section, fields)| {
            let mut names: Vec<String> = fields
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| k != "cedis_version")
                .collect();
            // Per-command and per-error lines come in hash-table order in Redis.
            if ["Commandstats", "Errorstats", "Latencystats"].contains(&section.as_str()) {
                names.sort();
            }
            (section, names)
        })
        .collect())
}

/// Both INFO replies have the same sections with the same field names, in order.
fn same_fields() -> Mask {
    Mask::check(|a, b| {
        let (x, y) = (field_names(a)?, field_names(b)?);
        if x.len() != y.len() {
            return Err(format!(
                "sections differ: {:?} vs {:?}",
                x.iter().map(|s| &s.0).collect::<Vec<_>>(),
                y.iter().map(|s| &s.0).collect::<Vec<_>>()
            ));
        }
        for ((sx, fx), (sy, fy)) in x.iter().zip(&y) {
            if sx != sy || fx != fy {
                return Err(format!("section {sx}/{sy} differs:\n  {fx:?}\n  {fy:?}"));
            }
        }
        Ok(())
    })
}

/// Both INFO replies are equal once every value outside `keep` sections is masked
/// (per-command lines' values in `keep` are compared without `usec` figures).
fn same_values_in(keep: &'static [&'static str]) -> Mask {
    Mask::check(move |a, b| {
        let norm = |raw: &[u8]| -> Result<Sections, String> {
            Ok(parse_info(&info_text(raw))?
                .into_iter()
                .filter(|(s, _)| keep.contains(&s.to_ascii_lowercase().as_str()))
                .map(|(s, fields)| {
                    let fields = fields
                        .into_iter()
                        .map(|(k, v)| {
                            let v = v
                                .split(',')
                                // usec timings and avg_ttl (fed by each server's own
                                // active-expiry sampling) differ from run to run.
                                .filter(|part| {
                                    !part.starts_with("usec") && !part.starts_with("avg_ttl")
                                })
                                .collect::<Vec<_>>()
                                .join(",");
                            (k, v)
                        })
                        .collect::<Vec<_>>();
                    let mut fields = fields;
                    fields.sort();
                    (s, fields)
                })
                .collect())
        };
        let (x, y) = (norm(a)?, norm(b)?);
        if x == y {
            Ok(())
        } else {
            Err(format!("differ:\n  {x:?}\n  {y:?}"))
        }
    })
}

#[test]
fn info_sections_and_field_names_match_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.run_both(&["SET", "k", "v"]);
    d.run_both(&["SET", "e", "v", "EX", "100"]);
    d.run_both(&["GET", "nokey"]);
    d.run_both(&["INCR", "k"]);
    for cmd in [
        &["INFO"][..],
        &["INFO", "default"],
        &["INFO", "all"],
        &["INFO", "everything"],
        &["INFO", "server"],
        &["INFO", "clients"],
        &["INFO", "memory"],
        &["INFO", "persistence"],
        &["INFO", "stats"],
        &["INFO", "replication"],
        &["INFO", "cpu"],
        &["INFO", "modules"],
        &["INFO", "commandstats"],
        &["INFO", "errorstats"],
        &["INFO", "latencystats"],
        &["INFO", "cluster"],
        &["INFO", "keyspace"],
        &["INFO", "KEYSPACE", "Server"],
        &["INFO", "keyspace", "keyspace", "cpu"],
        &["INFO", "commandstats", "default"],
        &["INFO", "default", "all"],
        &["INFO", "foo"],
        &["INFO", "foo", "cluster", "bar"],
    ] {
        d.check_masked(cmd, &same_fields());
    }
    d.check(&[&["INFO", "foo"], &["INFO", "modules"], &["INFO", "cluster"]]);
    d.check_masked(&["INFO", "keyspace"], &same_values_in(&["keyspace"]));
    d.run_both(&["HELLO", "3"]);
    d.check_masked(&["INFO", "server"], &Mask::SameType);
    d.check_masked(&["INFO", "all"], &same_fields());
    d.check(&[&["INFO", "cluster"], &["INFO", "nope"]]);
}

#[test]
fn info_values() {
    let server = TestServer::start();
    let mut c = server.raw();
    let info = |c: &mut cedis_tests::RawConn, section: &str| -> Vec<(String, String)> {
        let text = frame_text(&c.cmd_frame(&["INFO", section]));
        parse_info(&text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
            .into_iter()
            .flat_map(|(_, f)| f)
            .collect()
    };
    let get = |fields: &[(String, String)], name: &str| -> String {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let server_fields = info(&mut c, "server");
    assert_eq!(get(&server_fields, "redis_version"), "7.0.15");
    assert_eq!(get(&server_fields, "tcp_port"), server.port().to_string());
    assert_eq!(get(&server_fields, "process_id"), server.pid().to_string());
    assert_eq!(get(&server_fields, "run_id").len(), 40);
    if !target_is_redis() {
        assert_eq!(get(&server_fields, "cedis_version"), "0.1.0");
    }
    let now_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i128;
    let server_time: i128 = get(&server_fields, "server_time_usec").parse().unwrap();
    assert!((server_time - now_us).abs() < 5_000_000);
    let persistence = info(&mut c, "persistence");
    assert_eq!(get(&persistence, "loading"), "0");
    let clients = info(&mut c, "clients");
    let mut second = server.raw();
    second.assert_cmd(&["PING"], b"+PONG\r\n");
    let clients2 = info(&mut c, "clients");
    let connected = |f: &[(String, String)]| get(f, "connected_clients").parse::<i64>().unwrap();
    assert_eq!(connected(&clients2), connected(&clients) + 1);
    // used_memory grows with data and its human form is consistent.
    let used = |c: &mut cedis_tests::RawConn| -> u64 {
        get(&info(c, "memory"), "used_memory").parse().unwrap()
    };
    let before = used(&mut c);
    let big = "x".repeat(100_000);
    for i in 0..20 {
        let key = format!("big:{i}");
        c.assert_cmd(&["SET", key.as_str(), big.as_str()], b"+OK\r\n");
    }
    let after = used(&mut c);
    assert!(after >= before + 2_000_000, "{before} -> {after}");
    let memory = info(&mut c, "memory");
    assert!(get(&memory, "used_memory_human").ends_with('M'));
    assert_eq!(get(&memory, "maxmemory_policy"), "noeviction");
    // Stats count commands and connections.
    let stats = info(&mut c, "stats");
    let processed: u64 = get(&stats, "total_commands_processed").parse().unwrap();
    assert!(processed >= 20);
    let keyspace = info(&mut c, "keyspace");
    assert_eq!(get(&keyspace, "db0"), "keys=20,expires=0,avg_ttl=0");
    // keyspace_hits / misses.
    c.assert_cmd(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    c.cmd(&["GET", "big:0"]);
    c.cmd(&["GET", "nokey"]);
    c.cmd(&["GET", "nokey2"]);
    let stats = info(&mut c, "stats");
    assert_eq!(get(&stats, "keyspace_hits"), "1");
    assert_eq!(get(&stats, "keyspace_misses"), "2");
}

/// Client libraries parse INFO as `field:value` lines: the `redis` crate's `InfoDict`,
/// over RESP2 (a bulk string) and RESP3 (a verbatim string).
#[test]
fn info_parses_in_client_libraries() {
    let server = TestServer::start();
    for mut conn in [server.client(), server.client_resp3()] {
        let _: () = redis::cmd("SET")
            .arg("k")
            .arg("v")
            .query(&mut conn)
            .unwrap();
        let info: redis::InfoDict = redis::cmd("INFO")
            .arg("everything")
            .query(&mut conn)
            .unwrap();
        assert_eq!(
            info.get::<String>("redis_version").as_deref(),
            Some("7.0.15")
        );
        assert_eq!(info.get::<i64>("loading"), Some(0));
        assert!(info.get::<u64>("used_memory").is_some());
        assert_eq!(info.get::<String>("role").as_deref(), Some("master"));
        assert_eq!(
            info.get::<String>("db0").as_deref(),
            Some("keys=1,expires=0,avg_ttl=0")
        );
        let setstat: String = info.get("cmdstat_set").unwrap();
        assert!(setstat.starts_with("calls="), "{setstat}");
    }
}

#[test]
fn commandstats_errorstats_and_resetstat() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let sections: &[&str] = &["commandstats", "errorstats"];
    d.check(&[&["CONFIG", "RESETSTAT"]]);
    d.check_masked(
        &["INFO", "commandstats", "errorstats"],
        &same_values_in(&["commandstats", "errorstats"]),
    );
    d.check(&[
        &["SET", "k", "v"],
        &["SET", "k", "v", "EX", "abc"],
        &["GET", "k"],
        &["GET"],
        &["GET", "a", "b"],
        &["nosuchcommand"],
        &["CONFIG", "GET"],
        &["CONFIG", "nosuchsub"],
        &["OBJECT", "ENCODING", "k"],
        &["OBJECT", "FREQ", "k"],
        &["EXPIRE", "k", "10", "NX", "XX"],
        &["RENAME", "nokey", "x"],
        &["INCR", "k"],
        &["DEBUG", "SLEEP", "0"],
    ]);
    d.check_masked(
        &["INFO", "commandstats", "errorstats"],
        &same_values_in(&["commandstats", "errorstats"]),
    );
    d.check_masked(&["INFO", "stats"], &Mask::SameType);
    d.check_masked(&["INFO", "latencystats"], &same_fields());
    d.check_masked(&["INFO", "everything"], &same_fields());
    // total_error_replies counts every error reply above.
    let total = |raw: &[u8]| -> String {
        parse_info(&info_text(raw))
            .unwrap()
            .into_iter()
            .flat_map(|(_, f)| f)
            .find(|(k, _)| k == "total_error_replies")
            .map(|(_, v)| v)
            .unwrap()
    };
    let (s, r) = d.replies(&["INFO", "stats"]);
    assert_eq!(total(&s), total(&r));
    d.check(&[&["CONFIG", "RESETSTAT"]]);
    d.check_masked(
        &["INFO", "commandstats", "errorstats"],
        &same_values_in(sections),
    );
    let (s, r) = d.replies(&["INFO", "stats"]);
    assert_eq!(total(&s), "0");
    assert_eq!(total(&r), "0");
}

#[test]
fn latencystats_lines() {
    let server = TestServer::start();
    let mut c = server.raw();
    for _ in 0..10 {
        c.assert_cmd(&["PING"], b"+PONG\r\n");
    }
    let text = frame_text(&c.cmd_frame(&["INFO", "latencystats"]));
    let sections = parse_info(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let (_, fields) = &sections[0];
    let (_, ping) = fields
        .iter()
        .find(|(k, _)| k == "latency_percentiles_usec_ping")
        .unwrap_or_else(|| panic!("no ping line in\n{text}"));
    let parts: Vec<&str> = ping.split(',').collect();
    assert_eq!(parts.len(), 3, "{ping}");
    for (part, label) in parts.iter().zip(["p50=", "p99=", "p99.9="]) {
        let value = part.strip_prefix(label).unwrap_or_else(|| panic!("{ping}"));
        let (whole, frac) = value.split_once('.').unwrap_or_else(|| panic!("{ping}"));
        assert!(whole.parse::<u64>().is_ok() && frac.len() == 3, "{ping}");
    }
    c.assert_cmd(&["CONFIG", "SET", "latency-tracking", "no"], b"+OK\r\n");
    let text = frame_text(&c.cmd_frame(&["INFO", "latencystats"]));
    assert_eq!(text, "# Latencystats\r\n");
}

#[test]
fn info_and_friends_command_info() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in ["info", "debug", "lastsave"] {
        d.check_masked(&["COMMAND", "INFO", name], &Mask::command_info());
    }
    // DEBUG's docs carry `doc_flags: syscmd` in Redis, which cedis's table has no field for.
    for name in ["info", "lastsave"] {
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}

#[test]
fn lastsave_is_the_start_time_without_saves() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    let near_now = Mask::check(|a, b| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        for raw in [a, b] {
            let n = match reference::parse_exact(raw) {
                Frame::Integer(n) => n,
                other => return Err(format!("not an integer: {other:?}")),
            };
            if (n - now).abs() > 60 {
                return Err(format!("{n} is not near {now}"));
            }
        }
        Ok(())
    });
    d.check_masked(&["LASTSAVE"], &near_now);
    d.check(&[&["LASTSAVE", "x"]]);
}

#[test]
fn debug_is_refused_by_default() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["DEBUG", "SLEEP", "0"],
        &["DEBUG", "HELP"],
        &["DEBUG", "foo"],
        &["DEBUG"],
        &["CONFIG", "RESETSTAT"],
        &["DEBUG", "OBJECT", "x"],
    ]);
    d.check_masked(
        &["INFO", "commandstats", "errorstats"],
        &same_values_in(&["commandstats", "errorstats"]),
    );
}

fn debug_diff() -> Option<Differential> {
    Differential::with_args(&["--enable-debug-command", "yes"])
}

#[test]
fn debug_subcommand_errors() {
    let Some(mut d) = debug_diff() else { return };
    d.run_both(&["SET", "s", "v"]);
    d.check(&[
        &["DEBUG"],
        &["DEBUG", "foo"],
        &["DEBUG", "FOO", "bar"],
        &["DEBUG", "JMAP"],
        &["DEBUG", "STRINGMATCH-LEN"],
        &["DEBUG", "populate"],
        &["DEBUG", "populate", "1", "a", "1", "b"],
        &["DEBUG", "POPULATE", "-1"],
        &["DEBUG", "POPULATE", "abc"],
        &["DEBUG", "POPULATE", "1", "p", "-1"],
        &["DEBUG", "POPULATE", "1", "p", "x"],
        &["DEBUG", "sleep"],
        &["DEBUG", "sleep", "0", "extra"],
        &["DEBUG", "object"],
        &["DEBUG", "object", "s", "extra"],
        &["DEBUG", "object", "nokey"],
        &["DEBUG", "set-active-expire"],
        &["DEBUG", "set-active-expire", "1", "2"],
        &["DEBUG", "change-repl-id", "x"],
        &["DEBUG", "quicklist-packed-threshold"],
        &["DEBUG", "quicklist-packed-threshold", "abc"],
        &["DEBUG", "quicklist-packed-threshold", "4gb"],
        &["DEBUG", "quicklist-packed-threshold", "4294967296"],
        &["DEBUG", "quicklist-packed-threshold", "4293918721"],
        &["DEBUG", "quicklist-packed-threshold", "-1"],
        &["DEBUG", "quicklist-packed-threshold", "1.5"],
        &["DEBUG", "listpack", "s"],
        &["DEBUG", "listpack", "nokey"],
        &["DEBUG", "listpack"],
        &["DEBUG", "quicklist", "s"],
        &["DEBUG", "quicklist", "nokey"],
        &["DEBUG", "error", "FOO bar"],
        &["DEBUG", "error", "-x"],
        &["DEBUG", "error", "lower case"],
        &["DEBUG", "PROTOCOL", "nope"],
    ]);
}

#[test]
fn debug_simple_subcommands() {
    let Some(mut d) = debug_diff() else { return };
    d.check(&[
        &["DEBUG", "SLEEP", "0"],
        &["DEBUG", "sleep", "0.01"],
        &["DEBUG", "sleep", "abc"],
        &["DEBUG", "sleep", "-1"],
        &["DEBUG", "sleep", "1e-3"],
        &["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
        &["DEBUG", "set-active-expire", "1"],
        &["DEBUG", "CHANGE-REPL-ID"],
        &["DEBUG", "quicklist-packed-threshold", "100"],
        &["DEBUG", "quicklist-packed-threshold", "0"],
        &["DEBUG", "quicklist-packed-threshold", "1k"],
        &["DEBUG", "quicklist-packed-threshold", "4095mb"],
        &["DEBUG", "quicklist-packed-threshold", "4293918720"],
        &["DEBUG", "STRINGMATCH-TEST"],
        &["DEBUG", "LOG", "hello from the tests"],
        &["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"],
        &["DEBUG", "PAUSE-CRON", "0"],
    ]);
    d.check_masked(
        &["DEBUG", "HELP"],
        &Mask::check(|a, b| {
            let subs = &[
                "CHANGE-REPL-ID",
                "ERROR",
                "LISTPACK",
                "LOG",
                "OBJECT",
                "POPULATE",
                "PROTOCOL",
                "QUICKLIST",
                "QUICKLIST-PACKED-THRESHOLD",
                "RELOAD",
                "SET-ACTIVE-EXPIRE",
                "SLEEP",
                "STRINGMATCH-TEST",
                "STRUCTSIZE",
            ];
            check_help(a, "DEBUG", subs).map_err(|e| format!("subject: {e}"))?;
            check_help(b, "DEBUG", subs).map_err(|e| format!("redis: {e}"))
        }),
    );
    d.check_masked(&["DEBUG", "STRUCTSIZE"], &Mask::SameType);
}

#[test]
fn debug_replication_id_changes() {
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    let replid = |c: &mut cedis_tests::RawConn| -> String {
        let text = frame_text(&c.cmd_frame(&["INFO", "replication"]));
        text.lines()
            .find_map(|l| l.strip_prefix("master_replid:").map(str::to_string))
            .unwrap()
    };
    let before = replid(&mut c);
    assert_eq!(before.len(), 40);
    c.assert_cmd(&["DEBUG", "CHANGE-REPL-ID"], b"+OK\r\n");
    let after = replid(&mut c);
    assert_eq!(after.len(), 40);
    assert_ne!(before, after);
}

#[test]
fn debug_protocol_types() {
    let Some(mut d) = debug_diff() else { return };
    let kinds = [
        "string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
        "verbatim", "true", "false", "STRING",
    ];
    for kind in kinds {
        d.check(&[&["DEBUG", "PROTOCOL", kind]]);
    }
    d.run_both(&["HELLO", "3"]);
    for kind in kinds {
        d.check(&[&["DEBUG", "PROTOCOL", kind]]);
    }
}

#[test]
fn debug_populate() {
    let Some(mut d) = debug_diff() else { return };
    d.check(&[
        &["DEBUG", "POPULATE", "3"],
        &["DBSIZE"],
        &["GET", "key:0"],
        &["GET", "key:2"],
        &["EXISTS", "key:3"],
        &["DEBUG", "POPULATE", "2", "foo"],
        &["GET", "foo:1"],
        &["DEBUG", "POPULATE", "2", "bar", "3"],
        &["GET", "bar:0"],
        &["DEBUG", "POPULATE", "2", "baz", "12"],
        &["GET", "baz:1"],
        &["DEBUG", "POPULATE", "2", "zero", "0"],
        &["GET", "zero:1"],
        &["OBJECT", "ENCODING", "baz:1"],
        &["SET", "key:1", "mine"],
        &["DEBUG", "POPULATE", "5"],
        &["GET", "key:1"],
        &["GET", "key:4"],
        &["DBSIZE"],
        &["DEBUG", "POPULATE", "0"],
        &["DBSIZE"],
        &["SELECT", "2"],
        &["DEBUG", "POPULATE", "10", "k", "100"],
        &["DBSIZE"],
        &["STRLEN", "k:9"],
        &["OBJECT", "ENCODING", "k:9"],
    ]);
    d.check_masked(&["KEYS", "*"], &Mask::unordered());
}

/// `Value at:<addr> refcount:N encoding:E serializedlength:N lru:N lru_seconds_idle:N`
/// without the address and the LRU clock (which differ between any two processes).
fn debug_object_fields(raw: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = match reference::parse_exact(raw) {
        Frame::Simple(b) => String::from_utf8_lossy(&b).into_owned(),
        other => return Err(format!("not a status reply: {other:?}")),
    };
    let mut fields = Vec::new();
    let rest = text
        .strip_prefix("Value ")
        .ok_or_else(|| format!("no 'Value ' in {text:?}"))?;
    for (i, part) in rest.split(' ').enumerate() {
        let (k, v) = part
            .split_once(':')
            .ok_or_else(|| format!("bad part {part:?} in {text:?}"))?;
        match (i, k) {
            (0, "at") if v.starts_with("0x") => {}
            // Clock readings: the second can tick over between the two servers' replies.
            (_, "lru" | "lru_seconds_idle") => {
                v.parse::<u32>().map_err(|e| format!("{k} {v}: {e}"))?;
            }
            _ => fields.push((k.to_string(), v.to_string())),
        }
    }
    Ok(fields)
}

#[test]
fn debug_object() {
    let Some(mut d) = debug_diff() else { return };
    let same_object = Mask::check(|a, b| {
        let (x, y) = (debug_object_fields(a)?, debug_object_fields(b)?);
        if x == y {
            Ok(())
        } else {
            Err(format!("{x:?} vs {y:?}"))
        }
    });
    let (x20, x60) = ("x".repeat(20), "x".repeat(60));
    for (key, value) in [
        ("v", "v2"),
        ("small", "7"),
        ("neg", "-100"),
        ("i16", "12345"),
        ("i32", "1234567"),
        ("i64", "12345678901"),
        ("lead", "012"),
        ("text", "hello world"),
        ("twenty", x20.as_str()),
        ("sixty", x60.as_str()),
    ] {
        d.run_both(&["SET", key, value]);
        d.check_masked(&["DEBUG", "OBJECT", key], &same_object);
    }
    d.run_both(&["SET", "shared", "100"]);
    d.check_masked(&["DEBUG", "OBJECT", "shared"], &same_object);
    // Compressible strings of many lengths: serializedlength follows Redis's LZF.
    let mut rng = XorShift64::new(11);
    for i in 0..60 {
        let len = 15 + rng.below(600) as usize;
        let alphabet: &[u8] = if i % 3 == 0 { b"ab" } else { b"abcdefgh" };
        let value: String = (0..len).map(|_| char::from(*rng.pick(alphabet))).collect();
        d.run_both(&["SET", "z", value.as_str()]);
        d.check_masked(&["DEBUG", "OBJECT", "z"], &same_object);
    }
    d.run_both(&["HELLO", "3"]);
    d.check_masked(&["DEBUG", "OBJECT", "text"], &same_object);
    d.check(&[&["DEBUG", "OBJECT", "nokey"]]);
}

#[test]
fn debug_sleep_stops_the_server() {
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut sleeper = server.raw();
    let mut other = server.raw();
    other.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    sleeper.send_cmd(&["DEBUG", "SLEEP", "0.5"]);
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    other.assert_cmd(&["GET", "k"], b"$1\r\nv\r\n");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "GET answered after {waited:?} while the server slept"
    );
    assert_eq!(sleeper.read_raw_reply(), b"+OK\r\n");
    let started = Instant::now();
    sleeper.assert_cmd(&["DEBUG", "SLEEP", "0"], b"+OK\r\n");
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[test]
fn debug_reload_saves_and_loads() {
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    c.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    c.assert_cmd(&["DEBUG", "RELOAD"], b"+OK\r\n");
    c.assert_cmd(&["GET", "k"], b"$1\r\nv\r\n");
    assert!(server.dir().join("dump.rdb").is_file());
}

/// DEBUG DIGEST / DIGEST-VALUE: equal contents give equal digests (what Redis's test suite
/// checks after COPY), missing keys and an empty dataset give zeros. The digest values are
/// cedis's own, so the properties are checked on each server rather than compared.
#[test]
fn debug_digests() {
    let server = TestServer::with_args(&["--enable-debug-command", "yes"]);
    let mut c = server.client();
    let zeros = "0".repeat(40);
    let digest = |c: &mut redis::Connection| -> String {
        redis::cmd("DEBUG").arg("DIGEST").query(c).unwrap()
    };
    let values = |c: &mut redis::Connection, keys: &[&str]| -> Vec<String> {
        redis::cmd("DEBUG")
            .arg("DIGEST-VALUE")
            .arg(keys)
            .query(c)
            .unwrap()
    };
    assert_eq!(digest(&mut c), zeros);
    let _: () = redis::cmd("SET").arg("s").arg("v").query(&mut c).unwrap();
    let _: () = redis::cmd("RPUSH")
        .arg("l")
        .arg(&["a", "b", "c"])
        .query(&mut c)
        .unwrap();
    let _: () = redis::cmd("SADD")
        .arg("set")
        .arg(&["1", "2", "x"])
        .query(&mut c)
        .unwrap();
    let _: () = redis::cmd("HSET")
        .arg("h")
        .arg(&["f", "1", "g", "2"])
        .query(&mut c)
        .unwrap();
    let _: () = redis::cmd("ZADD")
        .arg("z")
        .arg(&["1", "a", "2", "b"])
        .query(&mut c)
        .unwrap();
    let before = digest(&mut c);
    assert_ne!(before, zeros);
    for key in ["s", "l", "set", "h", "z"] {
        let copy = format!("{key}-copy");
        let _: i64 = redis::cmd("COPY")
            .arg(key)
            .arg(&copy)
            .query(&mut c)
            .unwrap();
        let got = values(&mut c, &[key, &copy, "missing"]);
        assert_eq!(got[0], got[1], "{key}");
        assert_ne!(got[0], zeros, "{key}");
        assert_eq!(got[2], zeros);
    }
    assert_ne!(values(&mut c, &["l"])[0], values(&mut c, &["set"])[0]);
    assert_ne!(digest(&mut c), before);
    let none: Vec<String> = redis::cmd("DEBUG")
        .arg("DIGEST-VALUE")
        .query(&mut c)
        .unwrap();
    assert!(none.is_empty());
}
