//! `LATENCY`: the latency monitor (events slower than `latency-monitor-threshold`
//! milliseconds, as time series of one sample per second) and `LATENCY HISTOGRAM`, which
//! reads the per-command histograms `INFO latencystats` is built from.
//!
//! Events recorded: `command` for every command that reached the threshold, and
//! `fast-command` for commands flagged `fast`. Each event keeps its last
//! [`SAMPLES`] samples; two in the same second merge into their maximum.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;

use super::{Command, Ctx, Doc, Flags};
use crate::config::Config;
use crate::error::{CommandError, CommandResult};
use crate::server::{unix_ms, Server};

/// Samples kept per event.
pub const SAMPLES: usize = 160;
/// Rows of a `LATENCY GRAPH`; each row has three steps (`_`, `o`, `#`).
const GRAPH_ROWS: usize = 4;
/// Columns (samples) of a `LATENCY GRAPH`.
const GRAPH_COLUMNS: usize = 80;

/// One event's history.
#[derive(Debug, Clone, Default)]
struct Series {
    /// (Unix seconds, milliseconds), oldest first.
    samples: VecDeque<(u64, u64)>,
    /// The highest sample ever recorded (until LATENCY RESET).
    max: u64,
}

/// The latency monitor and its cached threshold.
#[derive(Debug)]
pub struct LatencyMonitor {
    /// `latency-monitor-threshold` in milliseconds; 0: disabled.
    threshold_ms: AtomicU64,
    events: Mutex<BTreeMap<String, Series>>,
}

impl LatencyMonitor {
    pub fn new(config: &Config) -> LatencyMonitor {
        let monitor = LatencyMonitor {
            threshold_ms: AtomicU64::new(0),
            events: Mutex::new(BTreeMap::new()),
        };
        monitor.configure(config);
        monitor
    }

    /// Reads `latency-monitor-threshold` (at start-up and after CONFIG SET).
    pub fn configure(&self, config: &Config) {
        self.threshold_ms
            .store(config.latency_monitor_threshold, Ordering::Relaxed);
    }

    pub fn threshold_ms(&self) -> u64 {
        self.threshold_ms.load(Ordering::Relaxed)
    }

    fn events(&self) -> MutexGuard<'_, BTreeMap<String, Series>> {
        self.events.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records `millis` for `event` when monitoring is on and the threshold is reached.
    pub fn add_sample_if_needed(&self, event: &str, millis: u64) {
        let threshold = self.threshold_ms();
        if threshold == 0 || millis < threshold {
            return;
        }
        self.add_sample(event, millis, unix_ms() / 1000);
    }

    fn add_sample(&self, event: &str, millis: u64, now: u64) {
        let mut events = self.events();
        let series = match events.get_mut(event) {
            Some(series) => series,
            None => events.entry(event.to_string()).or_default(),
        };
        series.max = series.max.max(millis);
        match series.samples.back_mut() {
            Some((time, value)) if *time == now => *value = (*value).max(millis),
            _ => {
                if series.samples.len() == SAMPLES {
                    series.samples.pop_front();
                }
                series.samples.push_back((now, millis));
            }
        }
    }
}

/// Called by [`super::slowlog::observe`] after every executed command.
pub fn observe(server: &Server, cmd: &Command, millis: u64) {
    let event = if cmd.flags.contains(Flags::FAST) {
        "fast-command"
    } else {
        "command"
    };
    server.latency.add_sample_if_needed(event, millis);
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn latency_latest(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let latest: Vec<(String, u64, u64, u64)> = ctx
        .server
        .latency
        .events()
        .iter()
        .filter_map(|(name, series)| {
            let &(time, value) = series.samples.back()?;
            Some((name.clone(), time, value, series.max))
        })
        .collect();
    ctx.reply.array(latest.len());
    for (name, time, value, max) in latest {
        ctx.reply.array(4);
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.int(to_i64(time));
        ctx.reply.int(to_i64(value));
        ctx.reply.int(to_i64(max));
    }
    Ok(())
}

/// The samples of the event named by `name`, oldest first; `None` when it has none.
fn samples_of(server: &Server, name: &[u8]) -> Option<Series> {
    let name = std::str::from_utf8(name).ok()?;
    let series = server.latency.events().get(name)?.clone();
    (!series.samples.is_empty()).then_some(series)
}

fn latency_history(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let samples = samples_of(ctx.server, &argv[2])
        .map(|series| series.samples)
        .unwrap_or_default();
    ctx.reply.array(samples.len());
    for (time, value) in samples {
        ctx.reply.array(2);
        ctx.reply.int(to_i64(time));
        ctx.reply.int(to_i64(value));
    }
    Ok(())
}

fn latency_reset(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut events = ctx.server.latency.events();
    let reset = if argv.len() == 2 {
        let count = events.len();
        events.clear();
        count
    } else {
        argv[2..]
            .iter()
            .filter(|name| {
                std::str::from_utf8(name)
                    .ok()
                    .and_then(|name| events.remove(name))
                    .is_some()
            })
            .count()
    };
    drop(events);
    ctx.reply.int(i64::try_from(reset).unwrap_or(i64::MAX));
    Ok(())
}

fn latency_graph(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let name = &argv[2];
    let Some(series) = samples_of(ctx.server, name) else {
        return Err(CommandError::NoLatencySamples(
            String::from_utf8_lossy(name).into_owned(),
        ));
    };
    let text = graph(&String::from_utf8_lossy(name), &series, unix_ms() / 1000);
    ctx.reply.verbatim(b"txt", text.as_bytes());
    Ok(())
}

/// `LATENCY GRAPH`'s text: a header, then one column per sample (the newest
/// [`GRAPH_COLUMNS`]) scaled between the lowest and highest sample in [`GRAPH_ROWS`] rows of
/// three steps, then under each column how long ago it was, written downwards.
fn graph(event: &str, series: &Series, now: u64) -> String {
    let samples: Vec<(u64, u64)> = series
        .samples
        .iter()
        .skip(series.samples.len().saturating_sub(GRAPH_COLUMNS))
        .copied()
        .collect();
    let high = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let low = samples.iter().map(|s| s.1).min().unwrap_or(0);
    let mut out = format!(
        "{event} - high {high} ms, low {low} ms (all time high {} ms)\n{}\n",
        series.max,
        "-".repeat(80)
    );
    let steps = GRAPH_ROWS * 3;
    let levels: Vec<usize> = samples
        .iter()
        .map(|&(_, value)| {
            if high == low {
                return 1;
            }
            let x = (value - low) as f64 / (high - low) as f64 * steps as f64;
            (x as usize + 1).min(steps)
        })
        .collect();
    for row in (0..GRAPH_ROWS).rev() {
        for &level in &levels {
            let top = (level - 1) / 3;
            out.push(match top.cmp(&row) {
                std::cmp::Ordering::Greater => '|',
                std::cmp::Ordering::Equal => ['_', 'o', '#'][(level - 1) % 3],
                std::cmp::Ordering::Less => ' ',
            });
        }
        out.push('\n');
    }
    out.push_str(&" ".repeat(samples.len()));
    out.push('\n');
    let labels: Vec<Vec<char>> = samples
        .iter()
        .map(|&(time, _)| {
            let ago = now.saturating_sub(time);
            let label = match ago {
                0..=59 => format!("{ago}s"),
                60..=3599 => format!("{}m", ago / 60),
                3600..=86399 => format!("{}h", ago / 3600),
                _ => format!("{}d", ago / 86400),
            };
            label.chars().collect()
        })
        .collect();
    let height = labels.iter().map(Vec::len).max().unwrap_or(0);
    for line in 0..height {
        for label in &labels {
            out.push(label.get(line).copied().unwrap_or(' '));
        }
        out.push('\n');
    }
    out
}

fn latency_doctor(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let events: Vec<(String, Series)> = ctx
        .server
        .latency
        .events()
        .iter()
        .filter(|(_, series)| !series.samples.is_empty())
        .map(|(name, series)| (name.clone(), series.clone()))
        .collect();
    let threshold = ctx.server.latency.threshold_ms();
    let slower_than = ctx.server.slowlog.slower_than();
    let text = doctor(&events, threshold, slower_than, unix_ms() / 1000);
    ctx.reply.verbatim(b"txt", text.as_bytes());
    Ok(())
}

/// `LATENCY DOCTOR`'s report. The texts for no events are Redis's own.
fn doctor(events: &[(String, Series)], threshold: u64, slower_than: i64, now: u64) -> String {
    if events.is_empty() {
        return if threshold == 0 {
            "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis \
             instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in \
             order to enable it. If we weren't in a deep space mission I'd suggest to take a \
             look at https://redis.io/topics/latency-monitor.\n"
                .to_string()
        } else {
            "Dave, no latency spike was observed during the lifetime of this Redis instance, \
             not in the slightest bit. I honestly think you ought to sit down calmly, take a \
             stress pill, and think things over.\n"
                .to_string()
        };
    }
    let mut out = String::from(
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking \
         about it, do you Dave?\n\n",
    );
    let mut fast_spikes = false;
    for (i, (name, series)) in events.iter().enumerate() {
        let values: Vec<u64> = series.samples.iter().map(|s| s.1).collect();
        let n = values.len() as u64;
        let avg = values.iter().sum::<u64>() / n;
        let deviation = values.iter().map(|&v| v.abs_diff(avg)).sum::<u64>() / n;
        let first = series.samples.front().map_or(now, |s| s.0);
        let period = now.saturating_sub(first) as f64 / n as f64;
        fast_spikes |= name == "fast-command";
        let _ = writeln!(
            out,
            "{}. {name}: {n} latency spikes (average {avg}ms, mean deviation {deviation}ms, \
             period {period:.2} sec). Worst all time event {}ms.",
            i + 1,
            series.max
        );
    }
    out.push_str("\nI have a few advices for you:\n\n");
    if slower_than < 0 {
        out.push_str(
            "- There are latency issues with potentially slow commands you are using. Try to \
             enable the Slow Log Redis feature using the command 'CONFIG SET \
             slowlog-log-slower-than 0'. If the Slow log is disabled Redis is not able to log \
             slow commands execution for you.\n",
        );
    } else if slower_than.unsigned_abs() / 1000 > threshold {
        let _ = writeln!(
            out,
            "- Your current Slow Log configuration only logs events that are slower than your \
             configured latency monitor threshold. Please use 'CONFIG SET \
             slowlog-log-slower-than {}'.",
            threshold.saturating_mul(1000)
        );
    }
    out.push_str(
        "- Check your Slow Log to understand what are the commands you are running which are \
         too slow to execute. Please check https://redis.io/commands/slowlog for more \
         information.\n",
    );
    out.push_str(
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a \
         blocking operation. If you have very large objects that are often deleted, expired, \
         or evicted, try to fragment those objects into multiple smaller objects.\n",
    );
    if fast_spikes {
        out.push_str(
            "- The system is slow to execute Redis code paths not containing slow commands. \
             This may signal that the system is overloaded, swapping, or running in a \
             virtualized environment with a noisy neighbour.\n",
        );
    }
    out
}

/// One command's LATENCY HISTOGRAM entry: name, calls, cumulative buckets.
type CommandHistogram = (&'static str, u64, Vec<(u64, u64)>);

fn latency_histogram(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let stats = &ctx.server.stats.commands;
    let mut found: Vec<CommandHistogram> = Vec::new();
    let mut add = |name: &'static str| {
        let Some(histogram) = stats.get(name).and_then(|s| s.latency.get()) else {
            return;
        };
        let buckets = log_buckets(histogram.slots());
        let calls = buckets.last().map_or(0, |b| b.1);
        if calls > 0 {
            found.push((name, calls, buckets));
        }
    };
    if argv.len() == 2 {
        for cmd in super::table() {
            add(cmd.name);
            cmd.subcommands.iter().for_each(|sub| add(sub.name));
        }
    } else {
        for name in &argv[2..] {
            let (top, sub) = match name.iter().position(|&b| b == b'|') {
                Some(at) => (&name[..at], Some(&name[at + 1..])),
                None => (&name[..], None),
            };
            let Some(cmd) = super::lookup(top) else {
                continue;
            };
            match sub {
                Some(sub) => {
                    if let Some(sub) = cmd.subcommand(sub) {
                        add(sub.name);
                    }
                }
                None => {
                    add(cmd.name);
                    cmd.subcommands.iter().for_each(|sub| add(sub.name));
                }
            }
        }
    }
    let reply = &mut *ctx.reply;
    reply.map(found.len());
    for (name, calls, buckets) in found {
        reply.bulk(name.as_bytes());
        reply.map(2);
        reply.bulk(b"calls");
        reply.int(to_i64(calls));
        reply.bulk(b"histogram_usec");
        reply.map(buckets.len());
        for (usec, count) in buckets {
            reply.int(to_i64(usec));
            reply.int(to_i64(count));
        }
    }
    Ok(())
}

/// Turns a histogram's slots (highest value in ns, count; lowest first) into Redis's
/// power-of-two buckets from 1024 ns: for each bucket that gained values, its bound (the
/// highest value of the slot holding `1024 << k` ns, in µs) and the cumulative count.
fn log_buckets(slots: impl Iterator<Item = (u64, u64)>) -> Vec<(u64, u64)> {
    let highest = |bound: u64| bound + (bound >> 7) - 1;
    let mut out = Vec::new();
    let (mut bound, mut cumulative, mut added) = (1024u64, 0u64, 0u64);
    for (value, count) in slots {
        while value > highest(bound) && bound < u64::MAX / 4 {
            if added > 0 {
                out.push((highest(bound) / 1000, cumulative));
                added = 0;
            }
            bound *= 2;
        }
        cumulative += count;
        added += count;
    }
    if added > 0 {
        out.push((highest(bound) / 1000, cumulative));
    }
    out
}

fn latency_help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "LATENCY",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    );
    Ok(())
}

const GROUP: &str = "server";
const ADMIN: Flags = Flags::ADMIN
    .union(Flags::NOSCRIPT)
    .union(Flags::LOADING)
    .union(Flags::STALE);
const SPECIAL: &[&str] = &[
    "nondeterministic_output",
    "request_policy:all_nodes",
    "response_policy:special",
];

static SUBCOMMANDS: &[Command] = &[
    Command::new(
        "latency|doctor",
        2,
        Doc::new(
            "Returns a human-readable latency analysis report.",
            "2.8.13",
            GROUP,
            "O(1)",
            "",
        ),
        latency_doctor,
    )
    .flags(ADMIN)
    .tips(SPECIAL),
    Command::new(
        "latency|graph",
        3,
        Doc::new(
            "Returns a latency graph for an event.",
            "2.8.13",
            GROUP,
            "O(1)",
            "event",
        ),
        latency_graph,
    )
    .flags(ADMIN)
    .tips(SPECIAL),
    Command::new(
        "latency|histogram",
        -2,
        Doc::new(
            "Returns the cumulative distribution of latencies of a subset or all commands.",
            "7.0.0",
            GROUP,
            "O(N) where N is the number of commands with latency information being retrieved.",
            "[command ...]",
        ),
        latency_histogram,
    )
    .flags(ADMIN)
    .tips(SPECIAL),
    Command::new(
        "latency|history",
        3,
        Doc::new(
            "Returns timestamp-latency samples for an event.",
            "2.8.13",
            GROUP,
            "O(1)",
            "event",
        ),
        latency_history,
    )
    .flags(ADMIN)
    .tips(SPECIAL),
    Command::new(
        "latency|latest",
        2,
        Doc::new(
            "Returns the latest latency samples for all events.",
            "2.8.13",
            GROUP,
            "O(1)",
            "",
        ),
        latency_latest,
    )
    .flags(ADMIN)
    .tips(SPECIAL),
    Command::new(
        "latency|reset",
        -2,
        Doc::new(
            "Resets the latency data for one or more events.",
            "2.8.13",
            GROUP,
            "O(1)",
            "[event ...]",
        ),
        latency_reset,
    )
    .flags(ADMIN)
    .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    Command::new(
        "latency|help",
        2,
        Doc::new(
            "Returns helpful text about the different subcommands.",
            "2.8.13",
            GROUP,
            "O(1)",
            "",
        ),
        latency_help,
    )
    .flags(Flags::LOADING.union(Flags::STALE)),
];

pub static COMMANDS: &[Command] = &[Command::container(
    "latency",
    Doc::new(
        "A container for latency diagnostics commands.",
        "2.8.13",
        GROUP,
        "Depends on subcommand.",
        "",
    ),
    SUBCOMMANDS,
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_powers_of_two() {
        // 500 ns and 1000 ns land under 1 µs; 3000 ns under 4 µs (4127 ns → 4).
        let slots = [(500, 1), (1000, 2), (3007, 4)].into_iter();
        assert_eq!(log_buckets(slots), vec![(1, 3), (4, 7)]);
        // 1 ms lands in the bucket of 1048576 ns, whose slot ends at 1056767 ns.
        assert_eq!(log_buckets([(1_000_447, 1)].into_iter()), vec![(1056, 1)]);
        assert!(log_buckets(std::iter::empty()).is_empty());
    }

    #[test]
    fn samples_in_one_second_merge_into_their_maximum() {
        let monitor = LatencyMonitor {
            threshold_ms: AtomicU64::new(1),
            events: Mutex::new(BTreeMap::new()),
        };
        monitor.add_sample("command", 200, 10);
        monitor.add_sample("command", 150, 10);
        monitor.add_sample("command", 50, 11);
        let events = monitor.events();
        let series = &events["command"];
        assert_eq!(
            series.samples.iter().copied().collect::<Vec<_>>(),
            vec![(10, 200), (11, 50)]
        );
        assert_eq!(series.max, 200);
    }

    #[test]
    fn graph_matches_redis_layout() {
        // Redis 7.0.15 drew this for samples of 200 ms (2 s ago) and 1100 ms (now).
        let series = Series {
            samples: [(8, 200), (10, 1100)].into_iter().collect(),
            max: 1100,
        };
        let text = graph("command", &series, 10);
        let expected = format!(
            "command - high 1100 ms, low 200 ms (all time high 1100 ms)\n{}\n #\n |\n |\n_|\n  \n20\nss\n",
            "-".repeat(80)
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn graph_scales_into_twelve_steps() {
        // Redis 7.0.15's drawing of 100, 100, 200, ..., 1000, 50, 150, ..., 950 ms.
        let mut values = vec![100u64];
        values.extend((1..=10).map(|i| i * 100));
        values.extend((0..10).map(|i| 50 + i * 100));
        let series = Series {
            samples: values.iter().map(|&v| (100, v)).collect(),
            max: 1000,
        };
        let text = graph("command", &series, 100);
        let rows: Vec<&str> = text.lines().skip(2).take(4).collect();
        assert_eq!(
            rows,
            vec![
                "        _o#        o#",
                "      _#|||     _o#||",
                "   _o#|||||   _#|||||",
                "__o||||||||_o#|||||||",
            ]
        );
    }
}
