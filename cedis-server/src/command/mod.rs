//! The command table and the dispatcher.
//!
//! Every command is data: a [`Command`] entry with its name, arity, flags, ACL categories,
//! key positions and key specifications, documentation and handler. Each family file ends with its table
//! (`connection.rs`, `client.rs`, …) and [`table`] joins them. `COMMAND`, `COMMAND INFO`,
//! `COMMAND DOCS`, arity checks and `NOAUTH` all come from these entries, so a command's
//! name is written exactly once.

pub mod bitmap;
pub mod blocking;
pub mod client;
pub mod connection;
pub mod debug;
pub mod docs;
pub mod flags;
pub mod hash;
pub mod info;
pub mod introspection;
pub mod keys;
pub mod latency;
pub mod list;
pub mod migrate;
pub mod persistence;
pub mod pubsub;
pub mod server;
pub mod set;
pub mod slowlog;
pub mod sort;
pub mod string;
pub mod transaction;
pub mod zset;

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

pub use docs::{Doc, DocFlags};
pub use flags::{Acl, Flags};

/// A command handler: parses `argv` (name included at index 0), acts, writes the reply.
/// An `Err` is written as the error reply by the dispatcher.
pub type Handler = fn(&mut Ctx<'_>, &[Bytes]) -> CommandResult;

/// Legacy key positions (`COMMAND INFO` first key, last key, step; 0 = no keys). An entry's
/// range is the one Redis derives from its key specs ([`legacy_range`]; a unit test checks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyRange {
    pub first: i32,
    pub last: i32,
    pub step: i32,
}

/// Key-specification flags (`COMMAND INFO` key specs, `COMMAND GETKEYSANDFLAGS`), as a bit
/// set whose bit order is the order Redis prints them in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KeySpecFlags(u16);

impl KeySpecFlags {
    pub const NONE: KeySpecFlags = KeySpecFlags(0);
    /// Read-only: the value is read, not changed.
    pub const RO: KeySpecFlags = KeySpecFlags(1 << 0);
    /// Read-write: the value is read and changed.
    pub const RW: KeySpecFlags = KeySpecFlags(1 << 1);
    /// Overwrite: the value is replaced without being read.
    pub const OW: KeySpecFlags = KeySpecFlags(1 << 2);
    /// Remove: the key is deleted.
    pub const RM: KeySpecFlags = KeySpecFlags(1 << 3);
    /// User data is returned (or copied) from the value.
    pub const ACCESS: KeySpecFlags = KeySpecFlags(1 << 4);
    pub const UPDATE: KeySpecFlags = KeySpecFlags(1 << 5);
    pub const INSERT: KeySpecFlags = KeySpecFlags(1 << 6);
    pub const DELETE: KeySpecFlags = KeySpecFlags(1 << 7);
    /// The argument is not a key (only its hash slot matters).
    pub const NOT_KEY: KeySpecFlags = KeySpecFlags(1 << 8);
    /// The spec may not find every key.
    pub const INCOMPLETE: KeySpecFlags = KeySpecFlags(1 << 9);
    /// The real flags depend on the other arguments.
    pub const VARIABLE_FLAGS: KeySpecFlags = KeySpecFlags(1 << 10);

    const NAMES: [&'static str; 11] = [
        "RO",
        "RW",
        "OW",
        "RM",
        "access",
        "update",
        "insert",
        "delete",
        "not_key",
        "incomplete",
        "variable_flags",
    ];

    pub const fn union(self, other: KeySpecFlags) -> KeySpecFlags {
        KeySpecFlags(self.0 | other.0)
    }

    pub const fn contains(self, other: KeySpecFlags) -> bool {
        self.0 & other.0 == other.0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Names in Redis's order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .iter()
            .enumerate()
            .filter(move |(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, name)| *name)
    }
}

impl std::ops::BitOr for KeySpecFlags {
    type Output = KeySpecFlags;
    fn bitor(self, other: KeySpecFlags) -> KeySpecFlags {
        self.union(other)
    }
}

/// Where the search for a key specification's keys begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeginSearch {
    /// At this argument index (the command name is 0).
    Index(i32),
    /// After the first argument equal to `keyword` (case-insensitively), searching from
    /// index `startfrom` (negative: from the end, backwards).
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    /// Keys whose place no rule can describe (SORT's STORE may come anywhere; its BY/GET
    /// keys come from the data); `COMMAND GETKEYS` asks the command's own key finder.
    Unknown,
}

/// How a key specification finds its keys from where the search began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys up to `lastkey` (relative to the start; negative: counted from the end of the
    /// arguments, -1 being the last), every `keystep` arguments; `limit` > 1 stops after
    /// `1/limit` of the remaining arguments (0: no limit).
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    /// The number of keys is at `keynumidx` (relative to the start), the first key at
    /// `firstkey` (relative to the start), then every `keystep` arguments.
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
    /// See [`BeginSearch::Unknown`].
    Unknown,
}

/// One key specification, as `COMMAND INFO` describes it (Redis 7's key specs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    pub flags: KeySpecFlags,
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
}

impl KeySpec {
    pub const fn new(
        flags: KeySpecFlags,
        begin_search: BeginSearch,
        find_keys: FindKeys,
    ) -> KeySpec {
        KeySpec {
            notes: None,
            flags,
            begin_search,
            find_keys,
        }
    }

    /// Keys from argument `index` to `lastkey` (relative to `index`; negative counts from
    /// the end), every `keystep` arguments.
    pub const fn range(flags: KeySpecFlags, index: i32, lastkey: i32, keystep: i32) -> KeySpec {
        KeySpec::new(
            flags,
            BeginSearch::Index(index),
            FindKeys::Range {
                lastkey,
                keystep,
                limit: 0,
            },
        )
    }

    /// Keys no rule can locate (Redis's `unknown` begin-search and find-keys types).
    pub const fn unknown(flags: KeySpecFlags) -> KeySpec {
        KeySpec::new(flags, BeginSearch::Unknown, FindKeys::Unknown)
    }

    /// The one key at argument `index`.
    pub const fn single(flags: KeySpecFlags, index: i32) -> KeySpec {
        KeySpec::range(flags, index, 0, 1)
    }

    /// Adds Redis's note on the spec (shown first in `COMMAND INFO`).
    pub const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = Some(notes);
        self
    }
}

/// The legacy key range Redis derives from key specs (`populateCommandLegacyRangeSpec`):
/// the index/range specs with step 1 that follow one another, merged; and whether the
/// command has keys that range cannot describe (`movablekeys`).
pub fn legacy_range(specs: &[KeySpec]) -> (KeyRange, bool) {
    let none = KeyRange::default();
    match specs {
        [] => return (none, false),
        [KeySpec {
            flags,
            begin_search: BeginSearch::Index(first),
            find_keys: FindKeys::Range {
                lastkey, keystep, ..
            },
            ..
        }] => {
            let last = if *lastkey < 0 {
                *lastkey
            } else {
                first + lastkey
            };
            let range = KeyRange {
                first: *first,
                last,
                step: *keystep,
            };
            return (range, flags.contains(KeySpecFlags::INCOMPLETE));
        }
        _ => {}
    }
    let (mut first, mut last, mut prev_last, mut movable) = (i32::MAX, 0i32, 0i32, false);
    for spec in specs {
        let (
            BeginSearch::Index(pos),
            FindKeys::Range {
                lastkey, keystep, ..
            },
        ) = (spec.begin_search, spec.find_keys)
        else {
            movable = true;
            continue;
        };
        if keystep != 1 || (prev_last != 0 && prev_last != pos - 1) {
            movable = true;
            continue;
        }
        movable |= spec.flags.contains(KeySpecFlags::INCOMPLETE);
        first = first.min(pos);
        let abs_last = if lastkey >= 0 { lastkey + pos } else { lastkey };
        // Redis compares as unsigned, so a negative (from the end) index wins.
        if abs_last as u32 > last as u32 {
            last = abs_last;
        }
        prev_last = last;
    }
    if first == i32::MAX {
        return (none, true);
    }
    let range = KeyRange {
        first,
        last,
        step: 1,
    };
    (range, movable)
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
    /// Redis 7 key specifications, in Redis's order (`COMMAND INFO` element 9; the
    /// `key_spec_index` of `COMMAND DOCS` key arguments points into this list).
    pub key_specs: &'static [KeySpec],
    pub doc: Doc,
    /// `None` for containers such as `CONFIG`, which only dispatch to subcommands.
    pub handler: Option<Handler>,
    pub subcommands: &'static [Command],
    /// For key specifications flagged `variable_flags`: the flags a given call really has
    /// (SET without GET only overwrites; BITFIELD with only GETs only reads), as
    /// `COMMAND GETKEYSANDFLAGS` reports them.
    pub variable_key_flags: Option<fn(&[Bytes]) -> KeySpecFlags>,
    /// The command's own key finder, for commands whose keys the key specifications
    /// cannot locate (SORT's STORE); `COMMAND GETKEYS` uses it instead of the specs.
    pub get_keys: Option<KeyFinder>,
}

/// Finds the key arguments of a call (indexes into `argv`) and their flags.
pub type KeyFinder = fn(&[Bytes]) -> Vec<(usize, KeySpecFlags)>;

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
            key_specs: &[],
            doc,
            handler: Some(handler),
            subcommands: &[],
            variable_key_flags: None,
            get_keys: None,
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
            key_specs: &[],
            doc,
            handler: None,
            subcommands,
            variable_key_flags: None,
            get_keys: None,
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

    pub const fn key_specs(mut self, key_specs: &'static [KeySpec]) -> Command {
        self.key_specs = key_specs;
        self
    }

    pub const fn variable_key_flags(mut self, flags: fn(&[Bytes]) -> KeySpecFlags) -> Command {
        self.variable_key_flags = Some(flags);
        self
    }

    pub const fn get_keys(mut self, finder: KeyFinder) -> Command {
        self.get_keys = Some(finder);
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
        list::COMMANDS,
        hash::COMMANDS,
        set::COMMANDS,
        zset::COMMANDS,
        sort::COMMANDS,
        slowlog::COMMANDS,
        latency::COMMANDS,
        pubsub::COMMANDS,
        transaction::COMMANDS,
        blocking::COMMANDS,
        persistence::COMMANDS,
        migrate::COMMANDS,
    ]
    .into_iter()
    .flatten()
}

/// Keyed by FNV-1a, as the stats table: the keys are the fixed command names, so a
/// keyed hash buys nothing, and this lookup runs for every command.
static REGISTRY: LazyLock<
    HashMap<&'static str, &'static Command, std::hash::BuildHasherDefault<info::Fnv>>,
> = LazyLock::new(|| table().map(|cmd| (cmd.name, cmd)).collect());

/// Looks a top-level command up by name, case-insensitively, without allocating.
pub fn lookup(name: &[u8]) -> Option<&'static Command> {
    if let Some(renamed) = RENAMED.get().filter(|r| !r.is_empty()) {
        if let Some(target) = renamed.get(&name.to_ascii_lowercase()) {
            return *target;
        }
    }
    let mut lower = [0u8; 64];
    let lower = lower.get_mut(..name.len())?;
    for (dst, src) in lower.iter_mut().zip(name) {
        *dst = src.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(lower).ok()?;
    REGISTRY.get(lower).copied()
}

/// `rename-command` of the configuration: lowercase name → the command it now names
/// (`None`: a name that no longer exists). Set once at start-up, for the whole process,
/// as the directive is not settable at run time.
static RENAMED: std::sync::OnceLock<HashMap<Vec<u8>, Option<&'static Command>>> =
    std::sync::OnceLock::new();

/// Applies `rename-command old new` pairs (an empty `new` removes the command). Only
/// the first call in a process takes effect. Unknown commands are skipped with a warning.
pub fn install_renames(pairs: &[(Vec<u8>, Vec<u8>)]) {
    let mut renamed = HashMap::new();
    for (old, new) in pairs {
        let Some(cmd) = lookup(old) else {
            tracing::warn!(
                "No such command in rename-command: {}",
                String::from_utf8_lossy(old)
            );
            continue;
        };
        renamed.entry(old.to_ascii_lowercase()).or_insert(None);
        if !new.is_empty() {
            renamed.insert(new.to_ascii_lowercase(), Some(cmd));
        }
    }
    let _ = RENAMED.set(renamed);
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
    /// When the previous command of this batch finished: the next one's duration starts
    /// there, so a pipelined command costs one clock read for its stats, not two.
    last_end: Option<Instant>,
    /// Running the queue of an EXEC: blocking commands must not block.
    pub in_exec: bool,
    /// Serving a blocked client because this key got data (see [`blocking`]).
    pub serving: Option<Bytes>,
    /// What the running command logs to the AOF instead of its own arguments, when
    /// replaying those would not give the same result (SPOP's random choice).
    pub propagate_as: Option<Vec<Vec<Bytes>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(server: &'a Server, client: &'a mut ClientState, reply: &'a mut Reply) -> Self {
        Ctx {
            server,
            client,
            reply,
            store: None,
            now_ms: None,
            last_end: None,
            in_exec: false,
            serving: None,
            propagate_as: None,
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

    /// Publishes a keyspace notification for `key` in the client's database (see
    /// [`crate::notify`]); `class` is a [`crate::config::keyspace_events`] bit.
    pub fn notify(&self, class: u32, event: &str, key: &[u8]) {
        self.server
            .notifier
            .notify(class, event, key, self.client.db);
    }

    /// [`Ctx::notify`] for a key in another database (MOVE, COPY … DB).
    pub fn notify_in(&self, db: usize, class: u32, event: &str, key: &[u8]) {
        self.server.notifier.notify(class, event, key, db);
    }

    /// Runs `argv` as `client` (a blocked client being served for `key`), inside this
    /// batch's keyspace critical section, its reply going to `reply`.
    pub fn run_for(
        &mut self,
        client: &mut ClientState,
        reply: &mut Reply,
        key: &Bytes,
        argv: &[Bytes],
    ) {
        // Swap the client and reply in: the keyspace guard stays where it is.
        std::mem::swap(self.client, client);
        std::mem::swap(self.reply, reply);
        let (in_exec, serving, now_ms) = (self.in_exec, self.serving.take(), self.now_ms);
        self.in_exec = false;
        self.serving = Some(key.clone());
        dispatch(self, argv);
        // Invalidations the served command caused for its own client follow its reply.
        self.server.tracking.take_own(self.client.id, self.reply);
        self.in_exec = in_exec;
        self.serving = serving;
        self.now_ms = now_ms;
        std::mem::swap(self.client, client);
        std::mem::swap(self.reply, reply);
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
    // `maxmemory`: evict first; refuse what would grow the dataset if that failed.
    // Commands run by EXEC were checked as a whole (a transaction is not cut short).
    if ctx.server.eviction.maxmemory() != 0
        && !ctx.client.aof_loader
        && !ctx.in_exec
        && ctx.serving.is_none()
    {
        if let Err(err) = crate::eviction::before_command(ctx, cmd.name, cmd.flags) {
            reject(ctx, Some(cmd), &err);
            return;
        }
    }
    if ctx.client.in_resp2_subscribe_mode() && !ALLOWED_IN_SUBSCRIBE.contains(&cmd.name) {
        reject(
            ctx,
            Some(cmd),
            &CommandError::NotInSubscribeContext(cmd.name.to_string()),
        );
        return;
    }
    if !cmd.flags.contains(Flags::LOADING)
        && !ctx.client.aof_loader
        && ctx.server.persistence.loading.load(Ordering::Relaxed)
    {
        reject(ctx, Some(cmd), &CommandError::Loading);
        return;
    }
    let touches_keyspace = Flags::WRITE
        .union(Flags::READONLY)
        .union(Flags::MAY_REPLICATE);
    if ctx.client.monitor && cmd.flags.intersects(touches_keyspace) {
        reject(ctx, Some(cmd), &CommandError::ReplicaKeyspace);
        return;
    }
    if ctx.client.transaction.is_some() && !transaction::NOT_QUEUED.contains(&cmd.name) {
        let protected = match cmd.name {
            "debug" => debug::protection_error(ctx),
            _ => None,
        };
        if let Some(err) = protected {
            reject(ctx, Some(cmd), &err);
        } else if cmd.flags.contains(Flags::NO_MULTI) {
            reject(ctx, Some(cmd), &CommandError::NotAllowedInTransaction);
        } else {
            transaction::queue(ctx, argv);
        }
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
    let started = ctx.last_end.take().unwrap_or_else(Instant::now);
    let server = ctx.server;
    let tracking = &server.tracking;
    let outer = tracking.set_current(ctx.client.id);
    let dirty = server.persistence.dirty.load(Ordering::Relaxed);
    ctx.propagate_as = None;
    let failure = run_guarded(ctx, cmd.name, handler, argv);
    tracking.set_current(outer);
    // A write that changed the dataset is logged (EXEC's commands log themselves).
    let rewritten = ctx.propagate_as.take();
    if server.aof.is_on()
        && cmd.flags.contains(Flags::WRITE)
        && !ctx.client.aof_loader
        && server.persistence.dirty.load(Ordering::Relaxed) != dirty
    {
        let now = ctx.now_ms();
        match rewritten {
            Some(commands) => {
                for command in commands {
                    server.aof.propagate(ctx.client.db, &command, now);
                }
            }
            None => server.aof.propagate(ctx.client.db, argv, now),
        }
    }
    let ended = Instant::now();
    ctx.last_end = Some(ended);
    let elapsed = ended.duration_since(started);
    if ctx.client.tracking.is_some() {
        remember_read_keys(ctx, cmd, argv);
    }
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
    slowlog::observe(ctx, cmd, argv, elapsed);
    let unmonitored = Flags::ADMIN.union(Flags::SKIP_MONITOR);
    if !ctx.server.monitors.is_empty()
        && !cmd.flags.intersects(unmonitored)
        && ctx.serving.is_none()
    {
        let limit = ctx.server.normal_output_limit();
        let addr = ctx.client.handle.addr;
        ctx.server
            .monitors
            .feed(ctx.client.db, Some(addr), argv, limit);
    }
}

/// Default-mode tracking: after a read-only command, remember the keys it read for the
/// client (unless OPTIN without `CLIENT CACHING yes`, or OPTOUT with `CLIENT CACHING no`).
/// `CLIENT CACHING` applies to the next command (a whole EXEC counts as one): any command
/// but another CLIENT subcommand clears it afterwards.
fn remember_read_keys(ctx: &mut Ctx<'_>, cmd: &Command, argv: &[Bytes]) {
    let keeps = ctx.in_exec || cmd.name.starts_with("client|");
    let caching = if keeps {
        ctx.client.caching
    } else {
        ctx.client.caching.take()
    };
    let Some(mode) = &ctx.client.tracking else {
        return;
    };
    let wanted = !mode.bcast
        && cmd.flags.contains(Flags::READONLY)
        && if mode.optin {
            caching == Some(true)
        } else if mode.optout {
            caching != Some(false)
        } else {
            true
        };
    if !wanted {
        return;
    }
    if let Ok(positions) = introspection::key_positions(argv) {
        let keys = positions.into_iter().map(|(i, _)| argv[i].clone());
        ctx.server.tracking.remember(ctx.client.id, keys);
    }
}

/// What a RESP2 connection with subscriptions may still run.
const ALLOWED_IN_SUBSCRIBE: &[&str] = &[
    "subscribe",
    "psubscribe",
    "ssubscribe",
    "unsubscribe",
    "punsubscribe",
    "sunsubscribe",
    "ping",
    "quit",
    "reset",
];

/// Replies with an error for a command refused before running, counting it. Inside
/// MULTI the refusal fails the transaction; a refused EXEC aborts it on the spot.
fn reject(ctx: &mut Ctx<'_>, cmd: Option<&Command>, err: &CommandError) {
    let stats = &ctx.server.stats;
    if let Some(cmd_stats) = cmd.and_then(|cmd| stats.commands.get(cmd.name)) {
        cmd_stats.record_rejected();
    }
    stats.errors.note(&err.to_string());
    // A refused EXEC aborts the transaction (and says so even outside MULTI, as Redis).
    if cmd.is_some_and(|cmd| cmd.name == "exec") {
        transaction::discard_transaction(ctx.client);
        transaction::unwatch_all(ctx.server, ctx.client);
        let text = err.to_string();
        let reason = text.strip_prefix("ERR ").unwrap_or(&text).to_string();
        ctx.reply.error(&CommandError::ExecAbortBecause(reason));
        return;
    }
    if ctx.client.transaction.is_some() {
        ctx.client.transaction_failed = true;
    }
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

    fn all_commands() -> impl Iterator<Item = &'static Command> {
        table().flat_map(|c| std::iter::once(c).chain(c.subcommands.iter()))
    }

    /// The legacy range of each entry is the one Redis derives from its key specs, so a
    /// command with keys has key specs, and `movablekeys` says what the range misses.
    #[test]
    fn legacy_ranges_follow_the_key_specs() {
        for cmd in all_commands() {
            let (range, movable) = legacy_range(cmd.key_specs);
            assert_eq!(cmd.keys, range, "{}", cmd.name);
            assert_eq!(
                cmd.flags.contains(Flags::MOVABLEKEYS),
                movable,
                "movablekeys of {}",
                cmd.name
            );
        }
    }

    /// Every key argument (and key-naming pattern) of `COMMAND DOCS` points at one of
    /// the command's key specs.
    #[test]
    fn key_arguments_name_existing_key_specs() {
        fn indexes(args: &[docs::ArgDoc], count: &mut i64, out: &mut Vec<i64>) {
            for arg in args {
                if arg.kind == docs::ArgKind::Key {
                    out.push(arg.key_spec_index.unwrap_or(*count));
                    *count += 1;
                } else if let Some(index) = arg.key_spec_index {
                    out.push(index);
                }
                indexes(&arg.children, count, out);
            }
        }
        for cmd in all_commands() {
            let args = docs::parse_syntax(cmd.doc.syntax).unwrap_or_default();
            let mut found = Vec::new();
            indexes(&args, &mut 0, &mut found);
            let specs = i64::try_from(cmd.key_specs.len()).unwrap_or(i64::MAX);
            for index in &found {
                assert!(*index < specs, "{}: key_spec_index {index}", cmd.name);
            }
            // ... and every key spec is some argument's (except `not_key` specs: Redis
            // documents SSUBSCRIBE's shard channels as strings).
            for spec in 0..specs {
                let not_key = usize::try_from(spec)
                    .ok()
                    .and_then(|i| cmd.key_specs.get(i))
                    .is_some_and(|s| s.flags.contains(KeySpecFlags::NOT_KEY));
                assert!(
                    not_key || found.contains(&spec),
                    "{}: key spec {spec} unused",
                    cmd.name
                );
            }
        }
    }

    #[test]
    fn legacy_range_derivation() {
        let k = KeySpecFlags::RO;
        assert_eq!(legacy_range(&[]), (KeyRange::default(), false));
        let range = |first, last, step| KeyRange { first, last, step };
        // One spec: taken as it is, lastkey made absolute.
        assert_eq!(
            legacy_range(&[KeySpec::range(k, 1, -1, 2)]),
            (range(1, -1, 2), false)
        );
        assert_eq!(
            legacy_range(&[KeySpec::range(k, 1, 1, 1)]),
            (range(1, 2, 1), false)
        );
        // Consecutive specs merge (RENAME, BITOP).
        let rename = [KeySpec::single(k, 1), KeySpec::single(k, 2)];
        assert_eq!(legacy_range(&rename), (range(1, 2, 1), false));
        let bitop = [KeySpec::single(k, 2), KeySpec::range(k, 3, -1, 1)];
        assert_eq!(legacy_range(&bitop), (range(2, -1, 1), false));
        // A keyword or keynum spec, or a gap, makes the keys movable.
        let keynum = KeySpec::new(
            k,
            BeginSearch::Index(2),
            FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        );
        assert_eq!(
            legacy_range(&[KeySpec::single(k, 1), keynum]),
            (range(1, 1, 1), true)
        );
        assert_eq!(
            legacy_range(&[KeySpec::single(k, 1), KeySpec::single(k, 3)]),
            (range(1, 1, 1), true)
        );
        let keyword = KeySpec::new(
            k,
            BeginSearch::Keyword {
                keyword: "STREAMS",
                startfrom: 1,
            },
            FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 2,
            },
        );
        assert_eq!(legacy_range(&[keyword]), (KeyRange::default(), true));
        assert_eq!(
            legacy_range(&[KeySpec::single(k.union(KeySpecFlags::INCOMPLETE), 1)]),
            (range(1, 1, 1), true)
        );
    }

    #[test]
    fn key_spec_flags_print_in_redis_order() {
        let all = [
            KeySpecFlags::VARIABLE_FLAGS,
            KeySpecFlags::INCOMPLETE,
            KeySpecFlags::NOT_KEY,
            KeySpecFlags::DELETE,
            KeySpecFlags::INSERT,
            KeySpecFlags::UPDATE,
            KeySpecFlags::ACCESS,
            KeySpecFlags::RM,
            KeySpecFlags::OW,
            KeySpecFlags::RW,
            KeySpecFlags::RO,
        ]
        .into_iter()
        .fold(KeySpecFlags::NONE, |a, b| a | b);
        assert_eq!(
            all.names().collect::<Vec<_>>(),
            [
                "RO",
                "RW",
                "OW",
                "RM",
                "access",
                "update",
                "insert",
                "delete",
                "not_key",
                "incomplete",
                "variable_flags"
            ]
        );
        assert!(KeySpecFlags::NONE.is_empty());
        assert!(all.contains(KeySpecFlags::RW | KeySpecFlags::ACCESS));
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
