//! Transactions: MULTI, EXEC, DISCARD, WATCH and UNWATCH.
//!
//! After MULTI, [`super::dispatch`] queues every command (`+QUEUED`) except EXEC,
//! DISCARD, MULTI, WATCH, QUIT and RESET. A command refused while queuing (unknown, wrong
//! arity, `no-multi` such as SHUTDOWN) marks the transaction failed, and EXEC then
//! answers `EXECABORT` without running anything. Otherwise EXEC runs the queue as one
//! uninterrupted stretch under the keyspace lock — no other client can observe a state
//! in between — and a command's runtime error does not stop the rest.
//!
//! WATCH registers keys with [`crate::signals::KeySignals`]; any change to one of them,
//! by anyone, marks the client, and EXEC then replies with a null array. A key that
//! expires counts as changed unless it had already expired (but not yet been removed)
//! when watched, as in Redis 7.0.

use bytes::Bytes;

use super::{Acl, Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::client::ClientState;
use crate::error::{CommandError, CommandResult};
use crate::server::Server;

const GROUP: &str = "transactions";

/// Leaves MULTI state, dropping the queue.
pub fn discard_transaction(client: &mut ClientState) {
    client.transaction = None;
    client.transaction_failed = false;
    client
        .handle
        .multi
        .store(-1, std::sync::atomic::Ordering::Relaxed);
}

/// Forgets every WATCHed key of `client` (EXEC, DISCARD, UNWATCH, RESET, disconnect).
pub fn unwatch_all(server: &Server, client: &mut ClientState) {
    for (db, key) in client.watched.drain(..) {
        server.signals.unwatch(db, &key, client.id);
    }
    client.handle.clear_watch_dirty();
}

/// FLUSHDB/FLUSHALL, before emptying `dbs`: the watched keys that exist there (live)
/// are touched; stale or missing ones are not.
pub fn touch_watched_before_flush(ctx: &mut Ctx<'_>, dbs: &[usize]) {
    let now = ctx.now_ms();
    for &db in dbs {
        for key in ctx.server.signals.watched_keys_in(db) {
            if ctx.store().db(db).is_live(&key, now) {
                ctx.server.signals.touch(db, &key);
            }
        }
    }
}

/// SWAPDB, before swapping `a` and `b`: a watched key is touched when it lives on either
/// side (its value changes, appears or disappears); when only a stale key moves in, the
/// watch becomes stale instead (that key's expiry will be no change).
pub fn touch_watched_before_swap(ctx: &mut Ctx<'_>, a: usize, b: usize) {
    let now = ctx.now_ms();
    for (db, other) in [(a, b), (b, a)] {
        for key in ctx.server.signals.watched_keys_in(db) {
            let store = ctx.store();
            let live_here = store.db(db).is_live(&key, now);
            let live_in = store.db(other).is_live(&key, now);
            let stale_in = store.db(other).is_stale(&key, now);
            if live_in || live_here {
                ctx.server.signals.touch(db, &key);
            } else if stale_in {
                ctx.server.signals.mark_stale(db, &key);
            }
        }
    }
}

/// Queues `argv` for EXEC.
pub fn queue(ctx: &mut Ctx<'_>, argv: &[Bytes]) {
    if let Some(queue) = ctx.client.transaction.as_mut() {
        queue.push(argv.to_vec());
        let queued = i64::try_from(queue.len()).unwrap_or(i64::MAX);
        ctx.client
            .handle
            .multi
            .store(queued, std::sync::atomic::Ordering::Relaxed);
    }
    ctx.reply.simple(b"QUEUED");
}

fn multi(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    if ctx.client.transaction.is_some() {
        return Err(CommandError::MultiNested);
    }
    ctx.client.transaction = Some(Vec::new());
    ctx.client.transaction_failed = false;
    ctx.client
        .handle
        .multi
        .store(0, std::sync::atomic::Ordering::Relaxed);
    ctx.reply.ok();
    Ok(())
}

fn discard(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    if ctx.client.transaction.is_none() {
        return Err(CommandError::DiscardWithoutMulti);
    }
    discard_transaction(ctx.client);
    unwatch_all(ctx.server, ctx.client);
    ctx.reply.ok();
    Ok(())
}

/// Whether a WATCHed key changed, or expired since it was watched (an expired key may
/// still be stored: nothing has removed it yet, so nothing signalled).
fn watch_failed(ctx: &mut Ctx<'_>) -> bool {
    if ctx.client.handle.watch_dirty() {
        return true;
    }
    let now = ctx.now_ms();
    let watched = std::mem::take(&mut ctx.client.watched);
    let (server, id) = (ctx.server, ctx.client.id);
    let store = ctx.store();
    let expired = watched.iter().any(|(db, key)| {
        store.db(*db).is_stale(key, now) && !server.signals.watch_is_stale(*db, key, id)
    });
    ctx.client.watched = watched;
    expired
}

fn exec(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let Some(queue) = ctx.client.transaction.take() else {
        return Err(CommandError::ExecWithoutMulti);
    };
    let failed = ctx.client.transaction_failed;
    discard_transaction(ctx.client);
    if failed {
        unwatch_all(ctx.server, ctx.client);
        return Err(CommandError::ExecAbort);
    }
    // Take the keyspace lock before checking the watches, and keep it to the end.
    ctx.store();
    if watch_failed(ctx) {
        unwatch_all(ctx.server, ctx.client);
        ctx.reply.null_array();
        return Ok(());
    }
    unwatch_all(ctx.server, ctx.client);
    ctx.reply.array(queue.len());
    ctx.in_exec = true;
    for argv in &queue {
        super::dispatch(ctx, argv);
    }
    ctx.in_exec = false;
    Ok(())
}

fn watch(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if ctx.client.transaction.is_some() {
        return Err(CommandError::WatchInsideMulti);
    }
    let db = ctx.client.db;
    let now = ctx.now_ms();
    for key in &argv[1..] {
        if ctx.client.watched.iter().any(|(d, k)| *d == db && k == key) {
            continue;
        }
        let stale = ctx.store().db(db).is_stale(key, now);
        ctx.server.signals.watch(db, key, &ctx.client.handle, stale);
        ctx.client.watched.push((db, key.clone()));
    }
    ctx.reply.ok();
    Ok(())
}

fn unwatch(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    unwatch_all(ctx.server, ctx.client);
    ctx.reply.ok();
    Ok(())
}

/// Commands that run at once even inside MULTI.
pub const NOT_QUEUED: &[&str] = &["exec", "discard", "multi", "watch", "quit", "reset"];

const TX_FLAGS: Flags = Flags::NOSCRIPT
    .union(Flags::LOADING)
    .union(Flags::STALE)
    .union(Flags::FAST)
    .union(Flags::ALLOW_BUSY);

pub static COMMANDS: &[Command] = &[
    Command::new(
        "multi",
        1,
        Doc::new("Starts a transaction.", "1.2.0", GROUP, "O(1)", ""),
        multi,
    )
    .flags(TX_FLAGS)
    .acl(Acl::TRANSACTION),
    Command::new(
        "exec",
        1,
        Doc::new(
            "Executes all commands queued since MULTI.",
            "1.2.0",
            GROUP,
            "Depends on commands in the transaction",
            "",
        ),
        exec,
    )
    .flags(
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::SKIP_SLOWLOG),
    )
    .acl(Acl::TRANSACTION),
    Command::new(
        "discard",
        1,
        Doc::new(
            "Drops the commands queued since MULTI.",
            "2.0.0",
            GROUP,
            "O(N), when N is the number of queued commands",
            "",
        ),
        discard,
    )
    .flags(TX_FLAGS)
    .acl(Acl::TRANSACTION),
    Command::new(
        "watch",
        -2,
        Doc::new(
            "Makes the next EXEC conditional on keys staying unchanged.",
            "2.2.0",
            GROUP,
            "O(1) for every key.",
            "key:key ...",
        ),
        watch,
    )
    .flags(TX_FLAGS)
    .acl(Acl::TRANSACTION)
    .keys(1, -1, 1)
    .key_specs(&[KeySpec::range(K::RO, 1, -1, 1)]),
    Command::new(
        "unwatch",
        1,
        Doc::new("Forgets all WATCHed keys.", "2.2.0", GROUP, "O(1)", ""),
        unwatch,
    )
    .flags(TX_FLAGS)
    .acl(Acl::TRANSACTION),
];
