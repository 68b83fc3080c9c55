//! SLOWLOG and LATENCY against real Redis 7.0.15: entries (argument caps, redaction, client
//! name), ids across RESET and `slowlog-max-len`, thresholds, errors, HELP, COMMAND
//! INFO/DOCS; the latency monitor's events, DOCTOR texts and the shape of LATENCY
//! HISTOGRAM. Timestamps, durations and client ports are masked.

use cedis_resp::Frame;
use cedis_tests::{reference, show, Differential, Mask};

/// A SLOWLOG GET reply with each entry's timestamp and duration zeroed and the client's
/// port blanked: everything else (ids, arguments, address, name) must match.
fn slowlog_entries() -> Mask {
    Mask::normalize(|frame| match frame {
        Frame::Array(entries) => Frame::Array(
            entries
                .into_iter()
                .map(|entry| match entry {
                    Frame::Array(mut fields) if fields.len() == 6 => {
                        fields[1] = Frame::Integer(0);
                        fields[2] = Frame::Integer(0);
                        if let Frame::Bulk(peer) = &fields[4] {
                            let text = String::from_utf8_lossy(peer);
                            let ip = text.rsplit_once(':').map_or("", |(ip, _)| ip);
                            fields[4] = Frame::Bulk(format!("{ip}:PORT").into());
                        }
                        Frame::Array(fields)
                    }
                    other => other,
                })
                .collect(),
        ),
        other => other,
    })
}

fn strings(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn slowlog_entries_match_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["CONFIG", "SET", "slowlog-log-slower-than", "0"],
        &["SLOWLOG", "RESET"],
        &["SET", "foo", "bar"],
    ]);
    // 40 arguments: 31 kept and a marker; exactly 32 kept whole.
    let mut many: Vec<String> = vec!["RPUSH".into(), "list".into()];
    many.extend((0..38).map(|i| i.to_string()));
    d.check(&[&strings(&many)]);
    let mut exact: Vec<String> = vec!["RPUSH".into(), "list".into()];
    exact.extend((0..30).map(|i| i.to_string()));
    d.check(&[&strings(&exact)]);
    // Arguments over 128 bytes are cut, 128 are kept.
    let long_key = "k".repeat(129);
    let long_value = "v".repeat(200);
    let just = "x".repeat(128);
    d.check(&[
        &["SET", &long_key, &just],
        &["SET", "k", &long_value],
        // Secrets: every AUTH argument, HELLO's AUTH pair (only once the version parsed).
        &["AUTH", "foo"],
        &["AUTH", "user", "pass"],
    ]);
    // (HELLO replies carry the client id, which differs.)
    let hello = Mask::ignore_fields(&["id"]);
    d.check_masked(
        &["HELLO", "2", "AUTH", "default", "x", "SETNAME", "n1"],
        &hello,
    );
    d.check(&[
        &["HELLO", "9", "AUTH", "default", "x"],
        &["HELLO", "2", "AUTH", "default"],
        &["CLIENT", "SETNAME", "myname"],
        // Ran and failed: logged. Refused before running: not logged.
        &["GET", "list"],
        &["NOSUCHCMD", "a"],
        &["GET"],
    ]);
    // CONFIG SET values of secret directives, whatever else the call does.
    d.run_both(&["CONFIG", "SET", "maxmemory", "0", "requirepass", ""]);
    d.run_both(&["CONFIG", "SET", "REQUIREPASS", "", "nosuch", "y"]);
    d.run_both(&["CONFIG", "SET", "requirepass"]);
    d.check_masked(&["SLOWLOG", "GET", "-1"], &slowlog_entries());
    d.check(&[&["SLOWLOG", "LEN"]]);
    d.check_masked(&["SLOWLOG", "GET"], &slowlog_entries());
    d.check_masked(&["SLOWLOG", "GET", "2"], &slowlog_entries());
    d.check(&[&["SLOWLOG", "GET", "0"]]);
}

#[test]
fn slowlog_errors_and_help_match_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["SLOWLOG", "GET", "-2"],
        &["SLOWLOG", "GET", "abc"],
        &["SLOWLOG", "GET", "+3"],
        &["SLOWLOG", "GET", "-0"],
        &["SLOWLOG", "GET", "1.5"],
        &["SLOWLOG", "GET", "99999999999999999999"],
        &["SLOWLOG", "GET", "1", "2"],
        &["SLOWLOG", "LEN", "x"],
        &["SLOWLOG", "RESET", "x"],
        &["SLOWLOG", "HELP", "x"],
        &["SLOWLOG", "FOO"],
        &["SLOWLOG"],
        &["SLOWLOG", "HELP"],
        &["slowlog", "help"],
    ]);
    for name in [
        "slowlog",
        "slowlog|get",
        "slowlog|len",
        "slowlog|reset",
        "slowlog|help",
    ] {
        d.check_masked(&["COMMAND", "INFO", name], &Mask::command_info());
    }
    d.check_masked(&["COMMAND", "DOCS", "slowlog"], &Mask::command_docs());
}

#[test]
fn slowlog_thresholds_and_max_len_match_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        // Negative: nothing is logged, not even the CONFIG SET that enables it again later.
        &["CONFIG", "SET", "slowlog-log-slower-than", "-1"],
        &["SLOWLOG", "RESET"],
        &["PING"],
        &["SLOWLOG", "LEN"],
        // One second: fast commands are not logged.
        &["CONFIG", "SET", "slowlog-log-slower-than", "1000000"],
        &["PING"],
        &["SLOWLOG", "LEN"],
        // Zero: everything, the enabling CONFIG SET included (its id is the first).
        &["CONFIG", "SET", "slowlog-log-slower-than", "0"],
        &["SLOWLOG", "LEN"],
        // A lower maximum applies at the next entry; ids keep counting across RESET and
        // while the maximum is 0.
        &["CONFIG", "SET", "slowlog-max-len", "3"],
        &["SLOWLOG", "LEN"],
        &["CONFIG", "SET", "slowlog-max-len", "0"],
        &["PING"],
        &["SLOWLOG", "LEN"],
        &["CONFIG", "SET", "slowlog-max-len", "2"],
        &["PING"],
        &["PING"],
        &["SLOWLOG", "LEN"],
        &["SLOWLOG", "RESET"],
        &["CONFIG", "SET", "slowlog-max-len", "128"],
    ]);
    d.check_masked(&["SLOWLOG", "GET", "-1"], &slowlog_entries());
    // The name at the time of the command.
    d.check(&[&["CLIENT", "SETNAME", "later"]]);
    d.check_masked(&["SLOWLOG", "GET", "1"], &slowlog_entries());
}

#[test]
fn latency_commands_match_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["LATENCY", "LATEST"],
        &["LATENCY", "HISTORY", "command"],
        &["LATENCY", "GRAPH", "command"],
        &["LATENCY", "GRAPH", "nosuch"],
        // Disabled and nothing recorded: Redis's fixed text.
        &["LATENCY", "DOCTOR"],
        &["LATENCY", "RESET"],
        &["LATENCY", "RESET", "a", "b"],
        &["LATENCY", "HISTORY"],
        &["LATENCY", "HISTORY", "a", "b"],
        &["LATENCY", "GRAPH"],
        &["LATENCY", "LATEST", "x"],
        &["LATENCY", "DOCTOR", "x"],
        &["LATENCY", "HELP", "x"],
        &["LATENCY", "FOO"],
        &["LATENCY"],
        &["LATENCY", "HELP"],
        // Enabled, still nothing: the other fixed text.
        &["CONFIG", "SET", "latency-monitor-threshold", "1000"],
        &["LATENCY", "DOCTOR"],
    ]);
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["LATENCY", "DOCTOR"], &["LATENCY", "LATEST"]]);
    d.run_both(&["HELLO", "2"]);
    for name in [
        "latency",
        "latency|doctor",
        "latency|graph",
        "latency|histogram",
        "latency|history",
        "latency|latest",
        "latency|reset",
        "latency|help",
    ] {
        d.check_masked(&["COMMAND", "INFO", name], &Mask::command_info());
    }
    d.check_masked(&["COMMAND", "DOCS", "latency"], &Mask::command_docs());
}

/// Replaces the histogram of each command in a LATENCY HISTOGRAM reply by a marker saying
/// whether it was well formed: increasing bounds, cumulative counts ending at `calls`.
fn histogram_checked(frame: Frame) -> Frame {
    fn buckets_ok(calls: i64, buckets: &[Frame]) -> bool {
        let mut last = (0, 0);
        for pair in buckets.chunks(2) {
            let [Frame::Integer(bound), Frame::Integer(count)] = pair else {
                return false;
            };
            if *bound <= last.0 && last != (0, 0) || *count <= last.1 {
                return false;
            }
            last = (*bound, *count);
        }
        last.1 == calls
    }
    fn entry(value: Frame) -> Frame {
        let items = match value {
            Frame::Array(items) => items,
            Frame::Map(pairs) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
            other => return other,
        };
        let [k1, Frame::Integer(calls), k2, buckets] = &items[..] else {
            return Frame::Array(items);
        };
        let buckets: Vec<Frame> = match buckets {
            Frame::Array(items) => items.clone(),
            Frame::Map(pairs) => pairs
                .iter()
                .flat_map(|(k, v)| [k.clone(), v.clone()])
                .collect(),
            _ => Vec::new(),
        };
        let ok = buckets_ok(*calls, &buckets);
        Frame::Array(vec![
            k1.clone(),
            Frame::Integer(*calls),
            k2.clone(),
            Frame::Bulk(if ok { "ok" } else { "BAD" }.into()),
        ])
    }
    let pairs: Vec<(Frame, Frame)> = match frame {
        Frame::Array(items) => items
            .chunks(2)
            .map(|kv| (kv[0].clone(), kv.get(1).cloned().unwrap_or(Frame::Null)))
            .collect(),
        Frame::Map(pairs) => pairs,
        other => return other,
    };
    let mut pairs: Vec<(Frame, Frame)> = pairs.into_iter().map(|(k, v)| (k, entry(v))).collect();
    pairs.sort_by_key(|(k, v)| (reference::encode(k), reference::encode(v)));
    Frame::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect())
}

#[test]
fn latency_histogram_matches_redis() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["CONFIG", "RESETSTAT"],
        &["SET", "a", "b"],
        &["SET", "a", "c"],
        &["GET", "a"],
        &["CONFIG", "GET", "maxmemory"],
        &["LATENCY", "HISTOGRAM", "nosuch"],
        &["LATENCY", "HISTOGRAM", "config|nosuch"],
        &["LATENCY", "HISTOGRAM", "lpush"],
    ]);
    let mask = Mask::normalize(histogram_checked);
    d.check_masked(&["LATENCY", "HISTOGRAM", "set"], &mask);
    d.check_masked(&["LATENCY", "HISTOGRAM", "SET", "get", "set"], &mask);
    d.check_masked(&["LATENCY", "HISTOGRAM", "config"], &mask);
    d.check_masked(&["LATENCY", "HISTOGRAM", "config|get"], &mask);
    d.check_masked(&["LATENCY", "HISTOGRAM"], &mask);
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["LATENCY", "HISTOGRAM", "nosuch"]]);
    d.check_masked(&["LATENCY", "HISTOGRAM", "set", "get"], &mask);
}

/// Events from slow commands (DEBUG SLEEP): LATEST, HISTORY, GRAPH and DOCTOR agree with
/// Redis on everything but the measured milliseconds and times.
#[test]
fn latency_events_match_redis() {
    let Some(mut d) = Differential::with_args(&["--enable-debug-command", "yes"]) else {
        return;
    };
    d.check(&[
        &["CONFIG", "SET", "latency-monitor-threshold", "100"],
        &["DEBUG", "SLEEP", "0.2"],
        // Below the threshold: no sample.
        &["DEBUG", "SLEEP", "0"],
    ]);
    // [[event, time, latest, max]]: times and milliseconds masked after checking them.
    let latest = Mask::check(|a, b| {
        for raw in [a, b] {
            let frame = reference::parse_exact(raw);
            let Frame::Array(events) = &frame else {
                return Err(format!("not an array: {}", show(raw)));
            };
            let [Frame::Array(event)] = &events[..] else {
                return Err(format!("want one event: {}", show(raw)));
            };
            let [Frame::Bulk(name), Frame::Integer(_), Frame::Integer(ms), Frame::Integer(max)] =
                &event[..]
            else {
                return Err(format!("bad event: {}", show(raw)));
            };
            if &name[..] != b"command" || !(200..400).contains(ms) || max != ms {
                return Err(format!("unexpected event: {}", show(raw)));
            }
        }
        Ok(())
    });
    d.check_masked(&["LATENCY", "LATEST"], &latest);
    d.check_masked(&["LATENCY", "HISTORY", "command"], &Mask::SameShape);
    d.check(&[&["LATENCY", "HISTORY", "fast-command"]]);
    let first_lines = |lines: usize| {
        Mask::check(move |a, b| {
            let head = |raw: &[u8]| -> String {
                let text = cedis_tests::frame_text(&reference::parse_exact(raw));
                text.lines().take(lines).collect::<Vec<_>>().join("\n")
            };
            let (a, b) = (head(a), head(b));
            let cut = |s: &str| s.split(" (").next().unwrap_or_default().to_string();
            if cut(&a) == cut(&b) {
                Ok(())
            } else {
                Err(format!("{a:?} vs {b:?}"))
            }
        })
    };
    d.check_masked(&["LATENCY", "GRAPH", "command"], &first_lines(1));
    d.check_masked(&["LATENCY", "DOCTOR"], &first_lines(3));
    d.check(&[
        &["LATENCY", "RESET", "command", "nosuch"],
        &["LATENCY", "LATEST"],
        &["LATENCY", "GRAPH", "command"],
    ]);
}
