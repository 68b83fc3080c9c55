//! `SLOWLOG`: the log of commands that ran longer than `slowlog-log-slower-than`
//! microseconds, newest first, at most `slowlog-max-len` entries.
//!
//! [`observe`] is the dispatcher's one hook after every executed command: it feeds both
//! this log and the latency monitor ([`super::latency`]). Both thresholds are cached in
//! atomics (refreshed by `Server::config_changed`), so a command below them costs two
//! relaxed loads and no allocation.
//!
//! What an entry keeps, as Redis 7.0 does:
//! - at most [`MAX_ARGC`] arguments: past that, the first `MAX_ARGC - 1` and then
//!   `... (N more arguments)`;
//! - at most [`MAX_STRING`] bytes of each: past that, the first `MAX_STRING` bytes and then
//!   `... (N more bytes)`;
//! - secrets replaced by `(redacted)`: every AUTH argument, the two after each HELLO
//!   `AUTH`, and the values of `requirepass`, `masterauth` and `masteruser` in CONFIG SET;
//! - the client's address and its name at the time the command ended.
//!
//! Commands flagged `skip_slowlog` (EXEC) are never logged; commands refused before they
//! ran (unknown, wrong arity, NOAUTH) never reach the hook.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;

use super::{latency, Command, Ctx, Doc, Flags};
use crate::args::parse_i64;
use crate::config::Config;
use crate::error::{CommandError, CommandResult};
use crate::server::unix_ms;

/// Arguments kept per entry (the last one may be the "more arguments" marker).
pub const MAX_ARGC: usize = 32;
/// Bytes kept per argument before the "more bytes" marker.
pub const MAX_STRING: usize = 128;
/// Entries `SLOWLOG GET` returns without a count.
const DEFAULT_GET: usize = 10;

/// One logged command.
#[derive(Debug, Clone)]
struct Entry {
    id: u64,
    /// Unix time in seconds at which the command ended.
    time: u64,
    /// Microseconds.
    duration: u64,
    args: Vec<Bytes>,
    peer: String,
    name: Bytes,
}

/// The slow log and its cached settings.
#[derive(Debug)]
pub struct SlowLog {
    /// `slowlog-log-slower-than` in microseconds; negative: disabled.
    slower_than: AtomicI64,
    max_len: AtomicU64,
    /// Ids keep counting across `SLOWLOG RESET`, and even while `slowlog-max-len` is 0.
    next_id: AtomicU64,
    entries: Mutex<VecDeque<Entry>>,
}

impl SlowLog {
    pub fn new(config: &Config) -> SlowLog {
        let log = SlowLog {
            slower_than: AtomicI64::new(-1),
            max_len: AtomicU64::new(0),
            next_id: AtomicU64::new(0),
            entries: Mutex::new(VecDeque::new()),
        };
        log.configure(config);
        log
    }

    /// Reads `slowlog-log-slower-than` and `slowlog-max-len` (at start-up and after
    /// CONFIG SET). Like Redis, a lower maximum takes effect at the next logged command.
    pub fn configure(&self, config: &Config) {
        self.slower_than
            .store(config.slowlog_log_slower_than, Ordering::Relaxed);
        self.max_len
            .store(config.slowlog_max_len, Ordering::Relaxed);
    }

    /// `slowlog-log-slower-than`, as cached.
    pub fn slower_than(&self) -> i64 {
        self.slower_than.load(Ordering::Relaxed)
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn reset(&self) {
        self.entries().clear();
    }

    fn push(&self, entry: Entry) {
        let max = usize::try_from(self.max_len.load(Ordering::Relaxed)).unwrap_or(usize::MAX);
        let mut entries = self.entries();
        entries.push_front(entry);
        entries.truncate(max);
    }
}

/// The dispatcher's hook after a command ran: logs it when it was slow enough, and gives
/// the latency monitor its sample. Cheap when neither threshold is reached.
pub fn observe(ctx: &mut Ctx<'_>, cmd: &Command, argv: &[Bytes], elapsed: Duration) {
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    latency::observe(ctx.server, cmd, micros / 1000);
    let log = &ctx.server.slowlog;
    let slower_than = log.slower_than();
    if slower_than < 0
        || micros < slower_than.unsigned_abs()
        || cmd.flags.contains(Flags::SKIP_SLOWLOG)
    {
        return;
    }
    let id = log.next_id.fetch_add(1, Ordering::Relaxed);
    let entry = Entry {
        id,
        time: unix_ms() / 1000,
        duration: micros,
        args: entry_args(cmd, argv),
        peer: ctx.client.handle.addr.to_string(),
        name: ctx.client.handle.name().unwrap_or_default(),
    };
    log.push(entry);
}

/// The arguments an entry keeps: secrets redacted, then capped in count and length.
fn entry_args(cmd: &Command, argv: &[Bytes]) -> Vec<Bytes> {
    let redacted = redacted_positions(cmd, argv);
    let kept = if argv.len() > MAX_ARGC {
        MAX_ARGC - 1
    } else {
        argv.len()
    };
    let mut args: Vec<Bytes> = argv[..kept]
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            if redacted.contains(&i) {
                Bytes::from_static(b"(redacted)")
            } else if arg.len() > MAX_STRING {
                let mut text = arg[..MAX_STRING].to_vec();
                text.extend_from_slice(
                    format!("... ({} more bytes)", arg.len() - MAX_STRING).as_bytes(),
                );
                Bytes::from(text)
            } else {
                Bytes::copy_from_slice(arg)
            }
        })
        .collect();
    if kept < argv.len() {
        args.push(Bytes::from(format!(
            "... ({} more arguments)",
            argv.len() - kept
        )));
    }
    args
}

/// Which arguments hold secrets, as Redis redacts them while parsing: only for a call
/// whose syntax got as far as the secret.
fn redacted_positions(cmd: &Command, argv: &[Bytes]) -> Vec<usize> {
    match cmd.name {
        "auth" => (1..argv.len()).collect(),
        "hello" => {
            // The protocol version is checked first; each complete `AUTH user pass` is
            // redacted until an option fails to parse.
            let proto_ok = argv
                .get(1)
                .and_then(|v| parse_i64(v))
                .is_some_and(|v| v == 2 || v == 3);
            let mut positions = Vec::new();
            if !proto_ok {
                return positions;
            }
            let mut i = 2;
            while i < argv.len() {
                let more = argv.len() - i - 1;
                if argv[i].eq_ignore_ascii_case(b"auth") && more >= 2 {
                    positions.extend([i + 1, i + 2]);
                    i += 3;
                } else if argv[i].eq_ignore_ascii_case(b"setname") && more >= 1 {
                    i += 2;
                } else {
                    break;
                }
            }
            positions
        }
        "config|set" if argv.len() % 2 == 0 => (2..argv.len())
            .step_by(2)
            .filter(|&i| {
                ["requirepass", "masterauth", "masteruser"]
                    .iter()
                    .any(|secret| argv[i].eq_ignore_ascii_case(secret.as_bytes()))
            })
            .map(|i| i + 1)
            .collect(),
        _ => Vec::new(),
    }
}

fn slowlog_get(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if argv.len() > 3 {
        return Err(CommandError::SubcommandArity {
            sub: crate::error::printable_line(&argv[1]),
            command: "SLOWLOG",
        });
    }
    let count = match argv.get(2) {
        None => DEFAULT_GET,
        Some(arg) => match parse_i64(arg) {
            Some(-1) => usize::MAX,
            Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => return Err(CommandError::SlowlogCount),
        },
    };
    let entries: Vec<Entry> = ctx
        .server
        .slowlog
        .entries()
        .iter()
        .take(count)
        .cloned()
        .collect();
    let reply = &mut *ctx.reply;
    reply.array(entries.len());
    for entry in &entries {
        reply.array(6);
        reply.int(i64::try_from(entry.id).unwrap_or(i64::MAX));
        reply.int(i64::try_from(entry.time).unwrap_or(i64::MAX));
        reply.int(i64::try_from(entry.duration).unwrap_or(i64::MAX));
        reply.array(entry.args.len());
        for arg in &entry.args {
            reply.bulk(arg);
        }
        reply.bulk(entry.peer.as_bytes());
        reply.bulk(&entry.name);
    }
    Ok(())
}

fn slowlog_len(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let len = ctx.server.slowlog.len();
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

fn slowlog_reset(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.server.slowlog.reset();
    ctx.reply.ok();
    Ok(())
}

fn slowlog_help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}

const GROUP: &str = "server";
const ADMIN: Flags = Flags::ADMIN.union(Flags::LOADING).union(Flags::STALE);

static SUBCOMMANDS: &[Command] = &[
    Command::new(
        "slowlog|get",
        -2,
        Doc::new(
            "Returns the slow log's entries.",
            "2.2.12",
            GROUP,
            "O(N) where N is the number of entries returned",
            "[count:integer]",
        ),
        slowlog_get,
    )
    .flags(ADMIN)
    .tips(&["request_policy:all_nodes", "nondeterministic_output"]),
    Command::new(
        "slowlog|len",
        2,
        Doc::new(
            "Returns the number of entries in the slow log.",
            "2.2.12",
            GROUP,
            "O(1)",
            "",
        ),
        slowlog_len,
    )
    .flags(ADMIN)
    .tips(&[
        "request_policy:all_nodes",
        "response_policy:agg_sum",
        "nondeterministic_output",
    ]),
    Command::new(
        "slowlog|reset",
        2,
        Doc::new(
            "Clears all entries from the slow log.",
            "2.2.12",
            GROUP,
            "O(N) where N is the number of entries in the slowlog",
            "",
        ),
        slowlog_reset,
    )
    .flags(ADMIN)
    .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    Command::new(
        "slowlog|help",
        2,
        Doc::new(
            "Shows helpful text about the different subcommands.",
            "6.2.0",
            GROUP,
            "O(1)",
            "",
        ),
        slowlog_help,
    )
    .flags(Flags::LOADING.union(Flags::STALE)),
];

pub static COMMANDS: &[Command] = &[Command::container(
    "slowlog",
    Doc::new(
        "A container for slow log commands.",
        "2.2.12",
        GROUP,
        "Depends on subcommand.",
        "",
    ),
    SUBCOMMANDS,
)];
