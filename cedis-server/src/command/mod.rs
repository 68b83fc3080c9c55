//! The command table and the dispatcher.
//!
//! Every command is data: a [`Command`] entry with its name, arity, flags, ACL categories,
//! key positions, documentation and handler. Each family file ends with its table
//! (`connection.rs`, `client.rs`, …) and [`table`] joins them. `COMMAND`, `COMMAND INFO`,
//! `COMMAND DOCS`, arity checks and `NOAUTH` all come from these entries, so a command's
//! name is written exactly once.

pub mod bitmap;
pub mod client;
pub mod connection;
pub mod debug;
pub mod docs;
pub mod flags;
pub mod info;
pub mod introspection;
pub mod keys;
pub mod server;
pub mod string;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{LazyLock, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use cedis_store::Store;

use crate::client::ClientState;
use crate::error::{unknown_command, CommandError, CommandResult};
use crate::reply::Reply;
use crate::server::Server;

pub use docs::Doc;
pub use flags::{Acl, Flags};

/// A command handler: parses `argv` (name included at index 0), acts, writes the reply.
/// An `Err` is written as the error reply by the dispatcher.
pub type Handler = fn(&mut Ctx<'_>, &[Bytes]) -> CommandResult;

/// Legacy key positions (`COMMAND INFO` first key, last key, step; 0 = no keys).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyRange {
    pub first: i32,
    pub last: i32,
    pub step: i32,
}

/// One entry of the command table.
#[derive(Clone, Copy, Debug)]
pub struct Command {
    /// Lowercase; `container|sub` for subcommands.
    pub name: &'static str,
    /// Exact argument count including the name; negative means "at least".
    pub arity: i32,
    pub flags: Flags,
    /// Explicit categories; the implied ones are added by [`Command::acl_categories`].
    pub acl: Acl,
    pub tips: &'static [&'static str],
    pub keys: KeyRange,
    pub doc: Doc,
    /// `None` for containers such as `CONFIG`, which only dispatch to subcommands.
    pub handler: Option<Handler>,
    pub subcommands: &'static [Command],
}

impl Command {
    /// An entry with no flags, categories, keys or subcommands; chain the setters below.
    pub const fn new(name: &'static str, arity: i32, doc: Doc, handler: Handler) -> Command {
        Command {
            name,
            arity,
            flags: Flags::NONE,
            acl: Acl::NONE,
            tips: &[],
            keys: KeyRange {
                first: 0,
                last: 0,
                step: 0,
            },
            doc,
            handler: Some(handler),
            subcommands: &[],
        }
    }

    /// A container command (`CONFIG`, `CLIENT`, …): it only routes to its subcommands.
    pub const fn container(
        name: &'static str,
        doc: Doc,
        subcommands: &'static [Command],
    ) -> Command {
        Command {
            name,
            arity: -2,
            flags: Flags::NONE,
            acl: Acl::NONE,
            tips: &[],
            keys: KeyRange {
                first: 0,
                last: 0,
                step: 0,
            },
            doc,
            handler: None,
            subcommands,
        }
    }

    pub const fn flags(mut self, flags: Flags) -> Command {
        self.flags = flags;
        self
    }

    pub const fn acl(mut self, acl: Acl) -> Command {
        self.acl = acl;
        self
    }

    pub const fn tips(mut self, tips: &'static [&'static str]) -> Command {
        self.tips = tips;
        self
    }

    pub const fn keys(mut self, first: i32, last: i32, step: i32) -> Command {
        self.keys = KeyRange { first, last, step };
        self
    }

    /// All ACL categories, the implied ones included, in Redis's order.
    pub fn acl_categories(&self) -> Acl {
        self.acl.with_implied(self.flags)
    }

    /// The name without the container prefix (`get` for `config|get`).
    pub fn short_name(&self) -> &'static str {
        self.name.rsplit('|').next().unwrap_or(self.name)
    }

    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = i64::try_from(argc).unwrap_or(i64::MAX);
        let arity = i64::from(self.arity);
        if arity >= 0 {
            argc == arity
        } else {
            argc >= -arity
        }
    }

    /// Finds a subcommand case-insensitively.
    pub fn subcommand(&self, name: &[u8]) -> Option<&'static Command> {
        self.subcommands
            .iter()
            .find(|sub| sub.short_name().as_bytes().eq_ignore_ascii_case(name))
    }
}

/// Every command family's table, joined.
pub fn table() -> impl Iterator<Item = &'static Command> {
    [
        connection::COMMANDS,
        client::COMMANDS,
        server::COMMANDS,
        introspection::COMMANDS,
        string::COMMANDS,
        bitmap::COMMANDS,
        keys::COMMANDS,
        info::COMMANDS,
        debug::COMMANDS,
    ]
    .into_iter()
    .flatten()
}

static REGISTRY: LazyLock<HashMap<&'static str, &'static Command>> =
    LazyLock::new(|| table().map(|cmd| (cmd.name, cmd)).collect());

/// Looks a top-level command up by name, case-insensitively, without allocating.
pub fn lookup(name: &[u8]) -> Option<&'static Command> {
    let mut lower = [0u8; 64];
    let lower = lower.get_mut(..name.len())?;
    for (dst, src) in lower.iter_mut().zip(name) {
        *dst = src.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(lower).ok()?;
    REGISTRY.get(lower).copied()
}

/// Resolves `argv` to the command or subcommand it names, checking arity, as Redis does
/// before anything else looks at the command.
pub fn resolve(argv: &[Bytes]) -> Result<&'static Command, CommandError> {
    let cmd = resolve_name(argv)?;
    if !cmd.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(cmd.name.to_string()));
    }
    Ok(cmd)
}

/// Resolves `argv` to the command or subcommand it names, without checking arity.
pub fn resolve_name(argv: &[Bytes]) -> Result<&'static Command, CommandError> {
    let name = argv.first().map(|b| &b[..]).unwrap_or_default();
    let cmd = lookup(name).ok_or_else(|| unknown_command(name, &argv[1.min(argv.len())..]))?;
    let cmd = match argv.get(1) {
        Some(sub) if !cmd.subcommands.is_empty() => {
            cmd.subcommand(sub)
                .ok_or_else(|| CommandError::UnknownSubcommand {
                    sub: crate::error::printable_line(sub),
                    command: cmd.name.to_ascii_uppercase(),
                })?
        }
        _ => cmd,
    };
    Ok(cmd)
}

/// What a handler can reach: the server, its own client, its reply buffer, and the
/// keyspace — locked on first use and held until the end of the connection's batch.
pub struct Ctx<'a> {
    pub server: &'a Server,
    pub client: &'a mut ClientState,
    pub reply: &'a mut Reply,
    store: Option<MutexGuard<'a, Store>>,
    /// The time of the command being run, read once so a command sees one instant.
    now_ms: Option<u64>,
}

impl<'a> Ctx<'a> {
    pub fn new(server: &'a Server, client: &'a mut ClientState, reply: &'a mut Reply) -> Self {
        Ctx {
            server,
            client,
            reply,
            store: None,
            now_ms: None,
        }
    }

    /// The keyspace, locked for the rest of this batch.
    pub fn store(&mut self) -> &mut Store {
        let server = self.server;
        self.store.get_or_insert_with(|| server.lock_store())
    }

    /// The selected database, locked for the rest of this batch.
    pub fn db(&mut self) -> &mut cedis_store::Keyspace {
        let index = self.client.db;
        self.store().db(index)
    }

    /// The selected database, the command's time and the reply buffer at once, so a handler
    /// can write a stored value straight into the reply without copying it out first.
    pub fn db_and_reply(&mut self) -> (&mut cedis_store::Keyspace, u64, &mut Reply) {
        let now = self.now_ms();
        let index = self.client.db;
        let server = self.server;
        let store = self.store.get_or_insert_with(|| server.lock_store());
        (store.db(index), now, &mut *self.reply)
    }

    /// The current command's time (Unix ms): Redis evaluates every deadline a command
    /// touches against one instant.
    pub fn now_ms(&mut self) -> u64 {
        if let Some(now) = self.now_ms {
            return now;
        }
        let now = self.store().now_ms();
        self.now_ms = Some(now);
        now
    }

    /// Switches the connection's protocol (HELLO, RESET); replies that follow use it.
    pub fn set_protocol(&mut self, protocol: cedis_resp::Protocol) {
        self.client.set_protocol(protocol);
        self.reply.set_protocol(protocol);
    }

    /// Ends the batch's keyspace critical section early.
    pub fn release_store(&mut self) {
        self.store = None;
    }
}

/// Runs one command: resolve, authenticate, execute, and write its reply or error.
/// A panic inside a handler becomes an error reply; the server keeps running.
/// Every outcome is counted for `INFO commandstats`/`errorstats`, as Redis counts it: a
/// command refused before running (arity, NOAUTH, a disabled command) is a rejected call,
/// one that ran and replied with an error a failed call.
pub fn dispatch(ctx: &mut Ctx<'_>, argv: &[Bytes]) {
    let cmd = match resolve_name(argv) {
        Ok(cmd) => cmd,
        Err(err) => {
            reject(ctx, None, &err);
            return;
        }
    };
    if !cmd.arity_ok(argv.len()) {
        reject(
            ctx,
            Some(cmd),
            &CommandError::WrongArity(cmd.name.to_string()),
        );
        return;
    }
    if !ctx.client.authenticated && !cmd.flags.contains(Flags::NO_AUTH) {
        reject(ctx, Some(cmd), &CommandError::NoAuth);
        return;
    }
    ctx.client.note_command(cmd.name);
    let Some(handler) = cmd.handler else {
        reject(
            ctx,
            Some(cmd),
            &CommandError::WrongArity(cmd.name.to_string()),
        );
        return;
    };
    ctx.now_ms = None;
    let stats = &ctx.server.stats;
    // Error replies of earlier commands go to the total now, so that the count read after
    // the handler is this command's own.
    let earlier = ctx.reply.take_error_count();
    stats.error_replies.fetch_add(earlier, Ordering::Relaxed);
    let start = ctx.reply.len();
    let started = Instant::now();
    let failure = run_guarded(ctx, cmd.name, handler, argv);
    let elapsed = started.elapsed();
    let errors = ctx.reply.take_error_count();
    stats.error_replies.fetch_add(errors, Ordering::Relaxed);
    let cmd_stats = stats.commands.get(cmd.name);
    match &failure {
        Some(err @ CommandError::ProtectedCommand { .. }) => {
            stats.errors.note(&err.to_string());
            if let Some(cmd_stats) = cmd_stats {
                cmd_stats.record_rejected();
            }
            return;
        }
        Some(err) => stats.errors.note(&err.to_string()),
        None if errors > 0 => {
            // Written by the handler itself: take the prefix from the reply when it is a
            // plain error line.
            let written = &ctx.reply.buffer()[start..];
            let line = match written.strip_prefix(b"-") {
                Some(rest) => {
                    let end = rest.iter().position(|&b| b == b'\r').unwrap_or(rest.len());
                    String::from_utf8_lossy(&rest[..end]).into_owned()
                }
                None => String::new(),
            };
            stats.errors.note(&line);
        }
        None => {}
    }
    if let Some(cmd_stats) = cmd_stats {
        cmd_stats.record_call(elapsed, errors > 0);
    }
    stats.note_command();
}

/// Replies with an error for a command refused before running, counting it.
fn reject(ctx: &mut Ctx<'_>, cmd: Option<&Command>, err: &CommandError) {
    let stats = &ctx.server.stats;
    if let Some(cmd_stats) = cmd.and_then(|cmd| stats.commands.get(cmd.name)) {
        cmd_stats.record_rejected();
    }
    stats.errors.note(&err.to_string());
    ctx.reply.error(err);
}

/// Runs a handler so that a panic inside it (a bug) becomes an error reply and a log line
/// instead of taking the server down; whatever the handler had written is discarded.
/// Returns the error the handler failed with (an internal error for a panic).
pub fn run_guarded(
    ctx: &mut Ctx<'_>,
    name: &str,
    handler: Handler,
    argv: &[Bytes],
) -> Option<CommandError> {
    let reply_len = ctx.reply.len();
    match catch_unwind(AssertUnwindSafe(|| handler(ctx, argv))) {
        Ok(Ok(())) => None,
        Ok(Err(err)) => {
            ctx.reply.error(&err);
            Some(err)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::warn!("Command '{name}' panicked: {what}");
            ctx.reply.truncate(reply_len);
            let err = CommandError::Internal(name.to_string());
            ctx.reply.error(&err);
            Some(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_syntax_string_parses() {
        for cmd in table().chain(table().flat_map(|c| c.subcommands.iter())) {
            docs::parse_syntax(cmd.doc.syntax).unwrap_or_else(|e| panic!("{}: {e}", cmd.name));
        }
    }

    #[test]
    fn names_are_unique_lowercase_and_subcommands_are_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for cmd in table() {
            assert_eq!(cmd.name, cmd.name.to_ascii_lowercase());
            assert!(seen.insert(cmd.name), "duplicate {}", cmd.name);
            for sub in cmd.subcommands {
                assert!(
                    sub.name.starts_with(&format!("{}|", cmd.name)),
                    "{}",
                    sub.name
                );
                assert!(seen.insert(sub.name), "duplicate {}", sub.name);
            }
        }
    }

    #[test]
    fn a_panicking_handler_becomes_an_error_reply() {
        fn buggy(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
            ctx.reply.simple(b"partial");
            panic!("bug");
        }
        let server = Server::new(crate::config::Config::default(), None);
        let handle = server.clients.register(
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:2".parse().unwrap(),
        );
        let mut client = ClientState::new(handle, true);
        let mut reply = Reply::default();
        let mut ctx = Ctx::new(&server, &mut client, &mut reply);
        run_guarded(&mut ctx, "buggy", buggy, &[]);
        run_guarded(
            &mut ctx,
            "ping",
            |ctx, _| {
                ctx.reply.simple(b"PONG");
                Ok(())
            },
            &[],
        );
        drop(ctx);
        assert_eq!(
            &reply.buffer()[..],
            b"-ERR internal error while executing 'buggy'\r\n+PONG\r\n"
        );
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(lookup(b"PiNg").map(|c| c.name), Some("ping"));
        assert!(lookup(b"nope").is_none());
        assert!(lookup(&[b'a'; 100]).is_none());
    }

    #[test]
    fn resolve_reports_redis_errors() {
        let argv = |s: &[&str]| {
            s.iter()
                .map(|a| Bytes::from(a.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            resolve(&argv(&["config", "get"])).unwrap_err().to_string(),
            "ERR wrong number of arguments for 'config|get' command"
        );
        assert_eq!(
            resolve(&argv(&["config", "foo"])).unwrap_err().to_string(),
            "ERR unknown subcommand 'foo'. Try CONFIG HELP."
        );
        assert_eq!(
            resolve(&argv(&["config"])).unwrap_err().to_string(),
            "ERR wrong number of arguments for 'config' command"
        );
        assert_eq!(
            resolve(&argv(&["CONFIG", "GET", "x"])).unwrap().name,
            "config|get"
        );
    }
}
