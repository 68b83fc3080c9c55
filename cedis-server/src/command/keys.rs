//! Generic keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, the EXPIRE family, TTL,
//! PERSIST, RENAME, COPY, MOVE, KEYS, SCAN, RANDOMKEY, OBJECT, MEMORY; and the database
//! commands SWAPDB, FLUSHDB, FLUSHALL.
//!
//! Every reply and error is Redis 7.0.15's, including the order in which arguments are
//! checked (observed against the real server: options before numbers, numbers before key
//! lookups, ...).

use bytes::Bytes;
use cedis_store::{Lookup, Ttl};
use cedis_types::glob::glob_match;
use cedis_types::Value;

use super::{Acl, Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{int_arg, is_keyword, parse_i64};
use crate::config::keyspace_events as ev;
use crate::config::MaxmemoryPolicy;
use crate::error::{printable_line, CommandError, CommandResult};

fn count_reply(ctx: &mut Ctx<'_>, n: usize) {
    ctx.reply.int(i64::try_from(n).unwrap_or(i64::MAX));
}

/// A deadline as Redis's signed milliseconds.
fn signed(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TOUCH, TYPE

fn del(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let mut deleted = 0;
    for key in &argv[1..] {
        if ctx.db().remove(key, now).is_some() {
            deleted += 1;
            ctx.notify(ev::GENERIC, "del", key);
        }
    }
    count_reply(ctx, deleted);
    Ok(())
}

/// How many of the keys exist (a key named twice counts twice), looked up as `how`.
fn count_existing(ctx: &mut Ctx<'_>, argv: &[Bytes], how: Lookup) -> CommandResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    let found = argv[1..]
        .iter()
        .filter(|key| db.lookup(key, now, how).is_some())
        .count();
    count_reply(ctx, found);
    Ok(())
}

fn exists(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    count_existing(ctx, argv, Lookup::READ.no_touch())
}

fn touch(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    count_existing(ctx, argv, Lookup::READ)
}

fn type_(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let name = ctx
        .db()
        .lookup(&argv[1], now, Lookup::READ.no_touch())
        .map(Value::type_name)
        .unwrap_or("none");
    ctx.reply.simple(name.as_bytes());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST

#[derive(Clone, Copy, Default)]
struct ExpireCondition {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

impl ExpireCondition {
    fn parse(options: &[Bytes]) -> Result<ExpireCondition, CommandError> {
        let mut c = ExpireCondition::default();
        for option in options {
            if is_keyword(option, "nx") {
                c.nx = true;
            } else if is_keyword(option, "xx") {
                c.xx = true;
            } else if is_keyword(option, "gt") {
                c.gt = true;
            } else if is_keyword(option, "lt") {
                c.lt = true;
            } else {
                return Err(CommandError::UnsupportedOption(printable_line(option)));
            }
        }
        if c.nx && (c.xx || c.gt || c.lt) {
            return Err(CommandError::ExpireNxConflict);
        }
        if c.gt && c.lt {
            return Err(CommandError::ExpireGtLtConflict);
        }
        Ok(c)
    }

    /// Whether the new deadline `when` may replace `current` (`None`: no deadline, which
    /// GT and LT treat as infinite).
    fn allows(self, current: Option<i64>, when: i64) -> bool {
        match current {
            Some(_) if self.nx => false,
            None if self.xx || self.gt => false,
            Some(current) if self.gt && when <= current => false,
            Some(current) if self.lt && when >= current => false,
            _ => true,
        }
    }
}

/// The EXPIRE family. `name` is the command's name for the error line, `seconds` whether
/// the time is in seconds, `absolute` whether it is a Unix time rather than relative.
fn expire_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    name: &str,
    seconds: bool,
    absolute: bool,
) -> CommandResult {
    let condition = ExpireCondition::parse(&argv[3..])?;
    let mut when = int_arg(&argv[2])?;
    let invalid = || CommandError::InvalidExpireTime(name.to_string());
    if seconds {
        when = when.checked_mul(1000).ok_or_else(invalid)?;
    }
    let now = ctx.now_ms();
    if !absolute {
        when = when.checked_add(signed(now)).ok_or_else(invalid)?;
    }
    let key = &argv[1];
    let db = ctx.db();
    if db.get(key, now).is_none() {
        ctx.reply.int(0);
        return Ok(());
    }
    let current = db.expire_at(key, now).map(signed);
    if !condition.allows(current, when) {
        ctx.reply.int(0);
        return Ok(());
    }
    if when <= signed(now) && !db.expiry_frozen() {
        // A deadline already past deletes the key, as DEL would (and says `del`); not
        // while an AOF loads, whose later commands may still use the key.
        db.remove(key, now);
        ctx.notify(ev::GENERIC, "del", key);
    } else {
        db.set_expire(key, u64::try_from(when.max(0)).ok(), now);
        ctx.notify(ev::GENERIC, "expire", key);
    }
    ctx.reply.int(1);
    Ok(())
}

fn expire(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    expire_generic(ctx, argv, "expire", true, false)
}

fn pexpire(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    expire_generic(ctx, argv, "pexpire", false, false)
}

fn expireat(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    expire_generic(ctx, argv, "expireat", true, true)
}

fn pexpireat(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    expire_generic(ctx, argv, "pexpireat", false, true)
}

/// The deadline of `key`: `Err(-2)` when it does not exist, `Ok(None)` without one.
fn deadline(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<u64>, i64> {
    let now = ctx.now_ms();
    let db = ctx.db();
    if db.lookup(key, now, Lookup::READ.no_touch()).is_none() {
        return Err(-2);
    }
    Ok(db.expire_at(key, now))
}

/// TTL and PTTL.
fn ttl_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], millis: bool) -> CommandResult {
    let now = ctx.now_ms();
    let reply = match deadline(ctx, &argv[1]) {
        Err(code) => code,
        Ok(None) => -1,
        Ok(Some(at)) => {
            let left = signed(at.saturating_sub(now));
            if millis {
                left
            } else {
                (left + 500) / 1000
            }
        }
    };
    ctx.reply.int(reply);
    Ok(())
}

fn ttl(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    ttl_generic(ctx, argv, false)
}

fn pttl(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    ttl_generic(ctx, argv, true)
}

/// EXPIRETIME and PEXPIRETIME.
fn expiretime_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], millis: bool) -> CommandResult {
    let reply = match deadline(ctx, &argv[1]) {
        Err(code) => code,
        Ok(None) => -1,
        Ok(Some(at)) if millis => signed(at),
        // Rounded to the nearest second, as Redis does.
        Ok(Some(at)) => i64::try_from((u128::from(at) + 500) / 1000).unwrap_or(i64::MAX),
    };
    ctx.reply.int(reply);
    Ok(())
}

fn expiretime(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    expiretime_generic(ctx, argv, false)
}

fn pexpiretime(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    expiretime_generic(ctx, argv, true)
}

fn persist(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    let removed = db.get(&argv[1], now).is_some()
        && db.expire_at(&argv[1], now).is_some()
        && db.set_expire(&argv[1], None, now);
    if removed {
        ctx.notify(ev::GENERIC, "persist", &argv[1]);
    }
    ctx.reply.int(i64::from(removed));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// RENAME, RENAMENX, COPY, MOVE

fn rename_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], nx: bool) -> CommandResult {
    let (src, dst) = (&argv[1], &argv[2]);
    let now = ctx.now_ms();
    let db = ctx.db();
    if db.get(src, now).is_none() {
        return Err(CommandError::NoSuchKey);
    }
    let done = if src == dst {
        !nx
    } else if nx && db.contains(dst, now) {
        false
    } else {
        let renamed = db.rename(src, dst, now);
        if renamed {
            ctx.notify(ev::GENERIC, "rename_from", src);
            ctx.notify(ev::GENERIC, "rename_to", dst);
        }
        renamed
    };
    match (nx, done) {
        (false, _) => ctx.reply.ok(),
        (true, done) => ctx.reply.int(i64::from(done)),
    }
    Ok(())
}

fn rename(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    rename_generic(ctx, argv, false)
}

fn renamenx(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    rename_generic(ctx, argv, true)
}

/// A database index argument parsed as Redis parses a C `int`, then checked against the
/// number of databases.
fn db_index_arg(ctx: &mut Ctx<'_>, arg: &[u8]) -> Result<usize, CommandError> {
    let index = int_arg(arg)?;
    let index = i32::try_from(index).map_err(|_| CommandError::IntOutOfRange)?;
    let databases = ctx.store().databases();
    usize::try_from(index)
        .ok()
        .filter(|&i| i < databases)
        .ok_or(CommandError::DbIndexOutOfRange)
}

/// `COPY source destination [DB destination-db] [REPLACE]`
fn copy(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut replace = false;
    let mut dst_db = ctx.client.db;
    let mut j = 3;
    while j < argv.len() {
        if is_keyword(&argv[j], "replace") {
            replace = true;
        } else if is_keyword(&argv[j], "db") && j + 1 < argv.len() {
            dst_db = db_index_arg(ctx, &argv[j + 1])?;
            j += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    let (src, dst) = (&argv[1], &argv[2]);
    if dst_db == ctx.client.db && src == dst {
        return Err(CommandError::SameObject);
    }
    let now = ctx.now_ms();
    let db = ctx.db();
    let Some(value) = db.get_for_read(src, now).cloned() else {
        ctx.reply.int(0);
        return Ok(());
    };
    let ttl = db.expire_at(src, now).map_or(Ttl::Clear, Ttl::At);
    let target = ctx.store().db(dst_db);
    if target.contains(dst, now) {
        if !replace {
            ctx.reply.int(0);
            return Ok(());
        }
        // Redis deletes the old key first, so the copy is a `new` key.
        target.remove(dst, now);
    }
    target.set(dst, value, ttl, now);
    ctx.notify_in(dst_db, ev::GENERIC, "copy_to", dst);
    ctx.reply.int(1);
    Ok(())
}

fn move_(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let dst_db = db_index_arg(ctx, &argv[2])?;
    let src_db = ctx.client.db;
    if dst_db == src_db {
        return Err(CommandError::SameObject);
    }
    let now = ctx.now_ms();
    let moved = ctx.store().move_key(&argv[1], src_db, dst_db, now);
    if moved {
        ctx.notify_in(src_db, ev::GENERIC, "move_from", &argv[1]);
        ctx.notify_in(dst_db, ev::GENERIC, "move_to", &argv[1]);
    }
    ctx.reply.int(i64::from(moved));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY

/// Whether `key` matches `pattern`; a pattern of exactly `*` matches every key (the empty
/// one too) without running the matcher, as in Redis.
fn pattern_matches(pattern: Option<&[u8]>, key: &[u8]) -> bool {
    match pattern {
        None | Some(b"*") => true,
        Some(pattern) => glob_match(pattern, key, false),
    }
}

fn write_keys(ctx: &mut Ctx<'_>, keys: &[Vec<u8>]) {
    ctx.reply.array(keys.len());
    for key in keys {
        ctx.reply.bulk(key);
    }
}

fn keys(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let pattern = &argv[1][..];
    let now = ctx.now_ms();
    let mut found = Vec::new();
    ctx.db().for_each_key(now, |key, _| {
        if pattern_matches(Some(pattern), key) {
            found.push(key.to_vec());
        }
    });
    write_keys(ctx, &found);
    Ok(())
}

/// A SCAN cursor as Redis reads one (C `strtoul`, base 10): an optional sign, digits, no
/// leading space, no trailing text, no overflow; a negative number wraps around; the empty
/// string is cursor 0.
pub fn parse_cursor(arg: &[u8]) -> Option<u64> {
    if arg.is_empty() {
        return Some(0);
    }
    let (negative, digits) = match arg {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: u64 = 0;
    for &d in digits {
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`
fn scan(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let cursor = parse_cursor(&argv[1]).ok_or(CommandError::InvalidCursor)?;
    let mut count: usize = 10;
    let mut pattern: Option<&[u8]> = None;
    let mut type_name: Option<&[u8]> = None;
    let mut i = 2;
    while i < argv.len() {
        let has_value = argv.len() - i >= 2;
        if is_keyword(&argv[i], "count") && has_value {
            let n = int_arg(&argv[i + 1])?;
            if n < 1 {
                return Err(CommandError::Syntax);
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if is_keyword(&argv[i], "match") && has_value {
            pattern = Some(&argv[i + 1]);
        } else if is_keyword(&argv[i], "type") && has_value {
            type_name = Some(&argv[i + 1]);
        } else {
            return Err(CommandError::Syntax);
        }
        i += 2;
    }
    let now = ctx.now_ms();
    let mut found = Vec::new();
    let next = ctx.db().scan(cursor, count, now, |key, value| {
        let type_ok =
            type_name.is_none_or(|t| t.eq_ignore_ascii_case(value.type_name().as_bytes()));
        if type_ok && pattern_matches(pattern, key) {
            found.push(key.to_vec());
        }
    });
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    write_keys(ctx, &found);
    Ok(())
}

fn randomkey(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let key = ctx.db().random_key(now);
    ctx.reply.bulk_or_null(key.as_deref());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// SWAPDB, FLUSHDB, FLUSHALL

fn swapdb(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let index = |arg: &[u8], which: &str| {
        parse_i64(arg)
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(|| CommandError::Line(format!("ERR invalid {which} DB index")))
    };
    let a = index(&argv[1], "first")?;
    let b = index(&argv[2], "second")?;
    let store = ctx.store();
    let databases = store.databases();
    let in_range = |i: i32| usize::try_from(i).ok().filter(|&i| i < databases);
    let (Some(a), Some(b)) = (in_range(a), in_range(b)) else {
        return Err(CommandError::DbIndexOutOfRange);
    };
    if a != b {
        super::transaction::touch_watched_before_swap(ctx, a, b);
        ctx.store().swap(a, b);
        // Clients blocked on a key that now holds data in its database are served.
        let now = ctx.now_ms();
        for db in [a, b] {
            for key in ctx.server.signals.blocked_keys_in(db) {
                if ctx.store().db(db).is_live(&key, now) {
                    ctx.server.signals.mark_ready(db, &key);
                }
            }
        }
    }
    ctx.reply.ok();
    Ok(())
}

/// The optional `ASYNC|SYNC` of FLUSHDB/FLUSHALL (cedis always frees synchronously).
fn flush_mode(argv: &[Bytes]) -> CommandResult {
    match argv.get(1..).unwrap_or_default() {
        [] => Ok(()),
        [mode] if is_keyword(mode, "sync") || is_keyword(mode, "async") => Ok(()),
        _ => Err(CommandError::Syntax),
    }
}

fn flushdb(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    flush_mode(argv)?;
    let db = ctx.client.db;
    super::transaction::touch_watched_before_flush(ctx, &[db]);
    let removed = ctx.db().len();
    ctx.db().clear();
    ctx.server.tracking.invalidate_all();
    // Counted (and so logged to the AOF) even when there was nothing to remove.
    ctx.server.persistence.note_change(removed as u64 + 1);
    ctx.reply.ok();
    Ok(())
}

fn flushall(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    flush_mode(argv)?;
    let dbs: Vec<usize> = (0..ctx.store().databases()).collect();
    super::transaction::touch_watched_before_flush(ctx, &dbs);
    let removed = ctx.store().flush_all();
    ctx.server.tracking.invalidate_all();
    // Counted (and so logged to the AOF) even when there was nothing to remove.
    ctx.server.persistence.note_change(removed as u64 + 1);
    // A running background save is cut short (its file would hold what was just
    // flushed); with save rules, Redis saves the now empty dataset at once, so the dirty
    // counter starts again from zero.
    let server = ctx.server;
    let aborted = server.persistence.cancel_job(ctx.store());
    if aborted.is_some() {
        tracing::warn!("Background saving aborted by FLUSHALL");
    }
    drop(aborted);
    if !ctx.server.config().save.is_empty() {
        let server = ctx.server;
        if let Err(err) = server.save_now(ctx.store()) {
            tracing::warn!("Error saving DB on disk after FLUSHALL: {err}");
        }
    }
    ctx.reply.ok();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// OBJECT

fn policy(ctx: &Ctx<'_>) -> (u64, MaxmemoryPolicy) {
    let config = ctx.server.config();
    (config.maxmemory, config.maxmemory_policy)
}

fn is_lfu(policy: MaxmemoryPolicy) -> bool {
    matches!(
        policy,
        MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu
    )
}

/// The reference count Redis reports: small integers (0..10000) are shared objects with
/// the "shared" count `INT_MAX`, unless an LRU/LFU policy with a memory limit makes every
/// value its own object.
pub fn refcount(value: &Value, maxmemory: u64, policy: MaxmemoryPolicy) -> i64 {
    let per_object_lru = maxmemory != 0
        && matches!(
            policy,
            MaxmemoryPolicy::AllkeysLru
                | MaxmemoryPolicy::VolatileLru
                | MaxmemoryPolicy::AllkeysLfu
                | MaxmemoryPolicy::VolatileLfu
        );
    let shared = value
        .as_string()
        .filter(|s| s.encoding() == "int")
        .and_then(|s| s.as_i64())
        .is_some_and(|n| (0..10_000).contains(&n));
    if shared && !per_object_lru {
        i64::from(i32::MAX)
    } else {
        1
    }
}

/// OBJECT's lookup: a read that leaves the key's idle time alone.
const OBJECT_LOOKUP: Lookup = Lookup::READ.no_touch().no_notify();

fn object_encoding(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let encoding = ctx
        .db()
        .lookup(&argv[2], now, OBJECT_LOOKUP)
        .map(Value::encoding);
    ctx.reply.bulk_or_null(encoding.map(str::as_bytes));
    Ok(())
}

fn object_refcount(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let (maxmemory, policy) = policy(ctx);
    match ctx
        .db()
        .lookup(&argv[2], now, OBJECT_LOOKUP)
        .map(|v| refcount(v, maxmemory, policy))
    {
        Some(n) => ctx.reply.int(n),
        None => ctx.reply.null(),
    }
    Ok(())
}

fn object_idletime(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    if ctx.db().lookup(&argv[2], now, OBJECT_LOOKUP).is_none() {
        ctx.reply.null();
        return Ok(());
    }
    if is_lfu(policy(ctx).1) {
        return Err(CommandError::LfuSelected);
    }
    let idle = ctx.db().idle_time(&argv[2], now).unwrap_or(0);
    ctx.reply.int(i64::try_from(idle).unwrap_or(i64::MAX));
    Ok(())
}

fn object_freq(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    if ctx.db().lookup(&argv[2], now, OBJECT_LOOKUP).is_none() {
        ctx.reply.null();
        return Ok(());
    }
    if !is_lfu(policy(ctx).1) {
        return Err(CommandError::LfuNotSelected);
    }
    let freq = ctx.db().lfu_freq(&argv[2], now).unwrap_or(0);
    ctx.reply.int(i64::from(freq));
    Ok(())
}

fn object_help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Returns the internal representation of the value stored at <key>.",
            "FREQ <key>",
            "    Returns the logarithmic access counter of <key> (LFU policies only).",
            "IDLETIME <key>",
            "    Returns how many seconds ago <key> was last accessed (not under LFU).",
            "REFCOUNT <key>",
            "    Returns the reference count of the value stored at <key>.",
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// MEMORY

/// `MEMORY USAGE key [SAMPLES count]`
fn memory_usage(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut j = 3;
    while j < argv.len() {
        if is_keyword(&argv[j], "samples") && j + 1 < argv.len() {
            // Collections are measured exactly, so the sample count only gets validated.
            if int_arg(&argv[j + 1])? < 0 {
                return Err(CommandError::Syntax);
            }
            j += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let key = &argv[2];
    let now = ctx.now_ms();
    let usage = ctx.db().key_memory(key, now);
    match usage {
        Some(bytes) => ctx.reply.int(i64::try_from(bytes).unwrap_or(i64::MAX)),
        None => ctx.reply.null(),
    }
    Ok(())
}

fn memory_stats(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let store = ctx.store();
    let used = store.used_memory() as u64;
    // (index, keys, table overhead) of the databases that hold keys.
    let databases: Vec<(usize, usize, usize)> = store
        .dbs()
        .iter()
        .enumerate()
        .map(|(i, db)| (i, db.len(), db.table_overhead()))
        .filter(|&(_, keys, _)| keys > 0)
        .collect();
    let keys: usize = databases.iter().map(|&(_, k, _)| k).sum();
    let tables: usize = databases.iter().map(|&(_, _, t)| t).sum();
    let peak = ctx.server.stats.metrics.note_memory(used);
    let rss = super::info::rss_bytes();
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let diff = |a: u64, b: u64| i64::try_from(i128::from(a) - i128::from(b)).unwrap_or(0);
    let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let startup = 0u64;
    let overhead = startup + tables as u64;
    let dataset = used.saturating_sub(overhead);
    let reply = &mut *ctx.reply;
    reply.map(27 + databases.len());
    for (name, value) in [
        ("peak.allocated", peak),
        ("total.allocated", used),
        ("startup.allocated", startup),
        ("replication.backlog", 0),
        ("clients.slaves", 0),
        ("clients.normal", 0),
        ("cluster.links", 0),
        ("aof.buffer", 0),
        ("lua.caches", 0),
        ("functions.caches", 0),
    ] {
        reply.bulk(name.as_bytes());
        reply.int(int(value));
    }
    for &(index, _, table) in &databases {
        reply.bulk(format!("db.{index}").as_bytes());
        reply.map(3);
        // The store reports both tables' overhead together.
        for (name, bytes) in [
            ("overhead.hashtable.main", table),
            ("overhead.hashtable.expires", 0),
            ("overhead.hashtable.slot-to-keys", 0),
        ] {
            reply.bulk(name.as_bytes());
            reply.int(int(bytes as u64));
        }
    }
    reply.bulk(b"overhead.total");
    reply.int(int(overhead));
    reply.bulk(b"keys.count");
    reply.int(int(keys as u64));
    reply.bulk(b"keys.bytes-per-key");
    reply.int(if keys == 0 {
        0
    } else {
        int(dataset / keys as u64)
    });
    reply.bulk(b"dataset.bytes");
    reply.int(int(dataset));
    reply.bulk(b"dataset.percentage");
    reply.double(ratio(dataset, used.saturating_sub(startup)) * 100.0);
    reply.bulk(b"peak.percentage");
    reply.double(ratio(used, peak) * 100.0);
    for (name, value) in [
        ("allocator.allocated", int(used)),
        ("allocator.active", int(used)),
        ("allocator.resident", int(rss)),
    ] {
        reply.bulk(name.as_bytes());
        reply.int(value);
    }
    reply.bulk(b"allocator-fragmentation.ratio");
    reply.double(1.0);
    reply.bulk(b"allocator-fragmentation.bytes");
    reply.int(0);
    reply.bulk(b"allocator-rss.ratio");
    reply.double(ratio(rss, used));
    reply.bulk(b"allocator-rss.bytes");
    reply.int(diff(rss, used));
    reply.bulk(b"rss-overhead.ratio");
    reply.double(1.0);
    reply.bulk(b"rss-overhead.bytes");
    reply.int(0);
    reply.bulk(b"fragmentation");
    reply.double(ratio(rss, used));
    reply.bulk(b"fragmentation.bytes");
    reply.int(diff(rss, used));
    Ok(())
}

fn memory_doctor(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let keys = ctx.store().total_keys();
    let text = if keys == 0 {
        "This instance holds no data yet, so there is nothing for the memory doctor to \
         examine. Write some keys and ask again.\n"
    } else {
        "No memory problems were detected in this instance.\n"
    };
    ctx.reply.verbatim(b"txt", text.as_bytes());
    Ok(())
}

fn memory_malloc_stats(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply
        .verbatim(b"txt", b"Stats not supported for the current allocator");
    Ok(())
}

fn memory_purge(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.ok();
    Ok(())
}

fn memory_help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "MEMORY",
        &[
            "DOCTOR",
            "    Reports memory problems, if any.",
            "MALLOC-STATS",
            "    Reports the allocator's internal statistics.",
            "PURGE",
            "    Asks the allocator to release unused memory.",
            "STATS",
            "    Reports the server's memory use.",
            "USAGE <key> [SAMPLES <count>]",
            "    Reports the bytes used by <key> and its value.",
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The table.

const GENERIC: &str = "generic";
const RW_FAST: Flags = Flags::WRITE.union(Flags::FAST);
const RO_FAST: Flags = Flags::READONLY.union(Flags::FAST);
const MULTI_SHARD: &[&str] = &["request_policy:multi_shard", "response_policy:agg_sum"];

const RO_ACCESS: K = K::RO.union(K::ACCESS);
const RW_UPDATE: K = K::RW.union(K::UPDATE);
const RW_ACCESS_DELETE: K = K::RW.union(K::ACCESS).union(K::DELETE);
const OW_UPDATE: K = K::OW.union(K::UPDATE);
const RM_DELETE: K = K::RM.union(K::DELETE);
/// The key after a subcommand name (OBJECT ENCODING key, MEMORY USAGE key).
const SUBCOMMAND_KEY: &[KeySpec] = &[KeySpec::single(K::RO, 2)];

const fn doc(summary: &'static str, since: &'static str, syntax: &'static str) -> Doc {
    Doc::new(summary, since, GENERIC, "O(1)", syntax)
}

static OBJECT_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "object|encoding",
        3,
        doc(
            "Returns the internal encoding of a value.",
            "2.2.3",
            "key:key",
        ),
        object_encoding,
    )
    .flags(Flags::READONLY)
    .acl(Acl::KEYSPACE)
    .tips(&["nondeterministic_output"])
    .keys(2, 2, 1)
    .key_specs(SUBCOMMAND_KEY),
    Command::new(
        "object|freq",
        3,
        doc(
            "Returns the logarithmic access frequency counter of a key.",
            "4.0.0",
            "key:key",
        ),
        object_freq,
    )
    .flags(Flags::READONLY)
    .acl(Acl::KEYSPACE)
    .tips(&["nondeterministic_output"])
    .keys(2, 2, 1)
    .key_specs(SUBCOMMAND_KEY),
    Command::new(
        "object|help",
        2,
        doc("Lists the OBJECT subcommands.", "6.2.0", ""),
        object_help,
    )
    .flags(Flags::LOADING.union(Flags::STALE))
    .acl(Acl::KEYSPACE),
    Command::new(
        "object|idletime",
        3,
        doc(
            "Returns the seconds since a key was last accessed.",
            "2.2.3",
            "key:key",
        ),
        object_idletime,
    )
    .flags(Flags::READONLY)
    .acl(Acl::KEYSPACE)
    .tips(&["nondeterministic_output"])
    .keys(2, 2, 1)
    .key_specs(SUBCOMMAND_KEY),
    Command::new(
        "object|refcount",
        3,
        doc(
            "Returns the reference count of a value.",
            "2.2.3",
            "key:key",
        ),
        object_refcount,
    )
    .flags(Flags::READONLY)
    .acl(Acl::KEYSPACE)
    .tips(&["nondeterministic_output"])
    .keys(2, 2, 1)
    .key_specs(SUBCOMMAND_KEY),
];

const SERVER: &str = "server";

const fn server_doc(
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    syntax: &'static str,
) -> Doc {
    Doc::new(summary, since, SERVER, complexity, syntax)
}

const SHARDS_STATS: &[&str] = &[
    "nondeterministic_output",
    "request_policy:all_shards",
    "response_policy:special",
];

static MEMORY_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "memory|doctor",
        2,
        server_doc("Reports memory problems.", "4.0.0", "O(1)", ""),
        memory_doctor,
    )
    .tips(SHARDS_STATS),
    Command::new(
        "memory|help",
        2,
        server_doc("Lists the MEMORY subcommands.", "4.0.0", "O(1)", ""),
        memory_help,
    )
    .flags(Flags::LOADING.union(Flags::STALE)),
    Command::new(
        "memory|malloc-stats",
        2,
        server_doc(
            "Returns the allocator's statistics.",
            "4.0.0",
            "Depends on how much memory is allocated, could be slow",
            "",
        ),
        memory_malloc_stats,
    )
    .tips(SHARDS_STATS),
    Command::new(
        "memory|purge",
        2,
        server_doc(
            "Asks the allocator to release memory.",
            "4.0.0",
            "Depends on how much memory is allocated, could be slow",
            "",
        ),
        memory_purge,
    )
    .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    Command::new(
        "memory|stats",
        2,
        server_doc("Returns details about memory usage.", "4.0.0", "O(1)", ""),
        memory_stats,
    )
    .tips(SHARDS_STATS),
    Command::new(
        "memory|usage",
        -3,
        server_doc(
            "Estimates the memory usage of a key.",
            "4.0.0",
            "O(N) where N is the number of samples.",
            "key:key [SAMPLES count:integer]",
        ),
        memory_usage,
    )
    .flags(Flags::READONLY)
    .keys(2, 2, 1)
    .key_specs(SUBCOMMAND_KEY),
];

pub static COMMANDS: &[Command] = &[
    Command::new("del", -2, Doc::new("Deletes one or more keys.", "1.0.0", GENERIC, "O(N) where N is the number of keys that will be removed.", "key:key ..."), del)
        .flags(Flags::WRITE)
        .acl(Acl::KEYSPACE)
        .tips(MULTI_SHARD)
        .keys(1, -1, 1)
        .key_specs(&[KeySpec::range(RM_DELETE, 1, -1, 1)]),
    Command::new("unlink", -2, Doc::new("Deletes one or more keys, freeing their values in the background.", "4.0.0", GENERIC, "O(1) for each key removed regardless of its size.", "key:key ..."), del)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .tips(MULTI_SHARD)
        .keys(1, -1, 1)
        .key_specs(&[KeySpec::range(RM_DELETE, 1, -1, 1)]),
    Command::new("exists", -2, Doc::new("Counts how many of the given keys exist.", "1.0.0", GENERIC, "O(N) where N is the number of keys to check.", "key:key ..."), exists)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .tips(MULTI_SHARD)
        .keys(1, -1, 1)
        .key_specs(&[KeySpec::range(K::RO, 1, -1, 1)]),
    Command::new("touch", -2, Doc::new("Updates the last access time of keys; returns how many exist.", "3.2.1", GENERIC, "O(N) where N is the number of keys that will be touched.", "key:key ..."), touch)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .tips(MULTI_SHARD)
        .keys(1, -1, 1)
        .key_specs(&[KeySpec::range(K::RO, 1, -1, 1)]),
    Command::new("type", 2, doc("Returns the type of the value stored at a key.", "1.0.0", "key:key"), type_)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(K::RO, 1)]),
    Command::new("expire", -3, doc("Sets a key's time to live in seconds.", "1.0.0", "key:key seconds:integer condition=[NX|XX|GT|LT]@7.0.0"), expire)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new("pexpire", -3, doc("Sets a key's time to live in milliseconds.", "2.6.0", "key:key milliseconds:integer condition=[NX|XX|GT|LT]@7.0.0"), pexpire)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new("expireat", -3, doc("Sets a key's expiry as a Unix time in seconds.", "1.2.0", "key:key unix-time-seconds:unix-time condition=[NX|XX|GT|LT]@7.0.0"), expireat)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new("pexpireat", -3, doc("Sets a key's expiry as a Unix time in milliseconds.", "2.6.0", "key:key unix-time-milliseconds:unix-time condition=[NX|XX|GT|LT]@7.0.0"), pexpireat)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new("expiretime", 2, doc("Returns a key's expiry as a Unix time in seconds.", "7.0.0", "key:key"), expiretime)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new("pexpiretime", 2, doc("Returns a key's expiry as a Unix time in milliseconds.", "7.0.0", "key:key"), pexpiretime)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new("ttl", 2, doc("Returns a key's time to live in seconds.", "1.0.0", "key:key"), ttl)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .tips(&["nondeterministic_output"])
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new("pttl", 2, doc("Returns a key's time to live in milliseconds.", "2.6.0", "key:key"), pttl)
        .flags(RO_FAST)
        .acl(Acl::KEYSPACE)
        .tips(&["nondeterministic_output"])
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new("persist", 2, doc("Removes a key's expiry.", "2.2.0", "key:key"), persist)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new("rename", 3, doc("Renames a key, overwriting the destination.", "1.0.0", "key:key newkey:key"), rename)
        .flags(Flags::WRITE)
        .acl(Acl::KEYSPACE)
        .keys(1, 2, 1)
        .key_specs(&[KeySpec::single(RW_ACCESS_DELETE, 1), KeySpec::single(OW_UPDATE, 2)]),
    Command::new("renamenx", 3, doc("Renames a key only when the new name does not exist.", "1.0.0", "key:key newkey:key"), renamenx)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 2, 1)
        .key_specs(&[KeySpec::single(RW_ACCESS_DELETE, 1), KeySpec::single(K::OW.union(K::INSERT), 2)]),
    Command::new("copy", -3, Doc::new("Copies the value of a key to another key.", "6.2.0", GENERIC, "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", "source:key destination:key [DB destination-db:integer] [REPLACE]"), copy)
        .flags(Flags::WRITE.union(Flags::DENYOOM))
        .acl(Acl::KEYSPACE)
        .keys(1, 2, 1)
        .key_specs(&[KeySpec::single(RO_ACCESS, 1), KeySpec::single(OW_UPDATE, 2)]),
    Command::new("move", 3, doc("Moves a key to another database.", "1.0.0", "key:key db:integer"), move_)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE)
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(K::RW.union(K::ACCESS).union(K::UPDATE), 1)]),
    Command::new("keys", 2, Doc::new("Returns the key names matching a pattern.", "1.0.0", GENERIC, "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", "pattern:pattern"), keys)
        .flags(Flags::READONLY)
        .acl(Acl::KEYSPACE.union(Acl::DANGEROUS))
        .tips(&["request_policy:all_shards", "nondeterministic_output_order"]),
    Command::new("scan", -2, Doc::new("Iterates over the key names in the database.", "2.8.0", GENERIC, "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type@6.0.0]"), scan)
        .flags(Flags::READONLY)
        .acl(Acl::KEYSPACE)
        .tips(&["nondeterministic_output", "request_policy:special"]),
    Command::new("randomkey", 1, doc("Returns a random key name from the database.", "1.0.0", ""), randomkey)
        .flags(Flags::READONLY)
        .acl(Acl::KEYSPACE)
        .tips(&["request_policy:all_shards", "nondeterministic_output"]),
    Command::new("swapdb", 3, server_doc("Swaps two databases.", "4.0.0", "O(N) where N is the count of clients watching or blocking on keys from both databases.", "index1:integer index2:integer"), swapdb)
        .flags(RW_FAST)
        .acl(Acl::KEYSPACE.union(Acl::DANGEROUS)),
    Command::new("flushdb", -1, server_doc("Removes all keys from the current database.", "1.0.0", "O(N) where N is the number of keys in the selected database", "async=[ASYNC@4.0.0|SYNC@6.2.0]"), flushdb)
        .flags(Flags::WRITE)
        .acl(Acl::KEYSPACE.union(Acl::DANGEROUS))
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    Command::new("flushall", -1, server_doc("Removes all keys from all databases.", "1.0.0", "O(N) where N is the total number of keys in all databases", "async=[ASYNC@4.0.0|SYNC@6.2.0]"), flushall)
        .flags(Flags::WRITE)
        .acl(Acl::KEYSPACE.union(Acl::DANGEROUS))
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    Command::container("object", Doc::new("Inspects the internals of Redis objects.", "2.2.3", GENERIC, "Depends on subcommand.", ""), OBJECT_SUBCOMMANDS),
    Command::container("memory", server_doc("Reports and manages memory use.", "4.0.0", "Depends on subcommand.", ""), MEMORY_SUBCOMMANDS),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_parse_like_strtoul() {
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"+7"), Some(7));
        assert_eq!(parse_cursor(b"007"), Some(7));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"-18446744073709551615"), Some(1));
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b" 0"), None);
        assert_eq!(parse_cursor(b"0 "), None);
        assert_eq!(parse_cursor(b"-"), None);
        assert_eq!(parse_cursor(b"1.5"), None);
        assert_eq!(parse_cursor(b"abc"), None);
    }

    #[test]
    fn expire_conditions() {
        let c = |nx, xx, gt, lt| ExpireCondition { nx, xx, gt, lt };
        assert!(c(false, false, false, false).allows(Some(5), 1));
        assert!(!c(true, false, false, false).allows(Some(5), 1));
        assert!(c(true, false, false, false).allows(None, 1));
        assert!(!c(false, true, false, false).allows(None, 1));
        assert!(!c(false, false, true, false).allows(None, 1));
        assert!(c(false, false, true, false).allows(Some(5), 6));
        assert!(!c(false, false, true, false).allows(Some(5), 5));
        assert!(c(false, false, false, true).allows(None, 6));
        assert!(c(false, false, false, true).allows(Some(5), 4));
        assert!(!c(false, false, false, true).allows(Some(5), 5));
        assert!(!c(false, true, true, false).allows(Some(5), 5));
    }
}
