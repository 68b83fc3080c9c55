//! List commands: LPUSH/RPUSH(X), LPOP/RPOP, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM,
//! LTRIM, RPOPLPUSH, LMOVE, LPOS and LMPOP.
//!
//! Every behaviour here was checked against Redis 7.0.15, including which argument is
//! parsed before the key is looked up (clients see only the first error). A list that
//! becomes empty is deleted.

use bytes::Bytes;
use cedis_store::{Keyspace, Ttl};
use cedis_types::{List, Value};

use super::{
    Acl, BeginSearch, Command, Ctx, Doc, DocFlags, FindKeys, Flags, KeySpec, KeySpecFlags as K,
};
use crate::args::{int_arg, is_keyword, parse_i64};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};

/// The list a key holds: `Ok(None)` when missing, WRONGTYPE for another type.
fn as_list(value: Option<&Value>) -> Result<Option<&List>, CommandError> {
    match value {
        None => Ok(None),
        Some(value) => value.as_list().map(Some).ok_or(CommandError::WrongType),
    }
}

/// The length of the list at `key` for a write command (`None`: missing).
fn write_len(db: &mut Keyspace, key: &[u8], now: u64) -> Result<Option<usize>, CommandError> {
    Ok(as_list(db.get(key, now))?.map(List::len))
}

/// Changes the (existing) list at `key`, deleting the key if it becomes empty.
fn modify<R>(db: &mut Keyspace, key: &[u8], now: u64, f: impl FnOnce(&mut List) -> R) -> R {
    modify_deleting(db, key, now, f).0
}

/// [`modify`], then the keyspace notifications Redis sends: `event` (a list event), and
/// `del` when the list became empty and was deleted.
fn modify_notify<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    now: u64,
    event: &str,
    f: impl FnOnce(&mut List) -> R,
) -> R {
    let (result, deleted) = modify_deleting(ctx.db(), key, now, f);
    ctx.notify(ev::LIST, event, key);
    if deleted {
        ctx.notify(ev::GENERIC, "del", key);
    }
    result
}

/// The list event for a push or pop at the head (`lpush`/`lpop`) or the tail.
fn side_event(head: bool, push: bool) -> &'static str {
    match (head, push) {
        (true, true) => "lpush",
        (false, true) => "rpush",
        (true, false) => "lpop",
        (false, false) => "rpop",
    }
}

/// [`modify`], also saying whether the key was deleted because the list became empty.
fn modify_deleting<R>(
    db: &mut Keyspace,
    key: &[u8],
    now: u64,
    f: impl FnOnce(&mut List) -> R,
) -> (R, bool) {
    let mut empty = false;
    let result = db.update(key, now, |v| {
        let list = v.as_list_mut().expect("checked to be a list");
        let r = f(list);
        empty = list.is_empty();
        r
    });
    if empty {
        db.remove(key, now);
    }
    (result.expect("checked to exist"), empty)
}

/// Pushes onto `key`, creating the list when missing.
fn push_elements<'a>(
    db: &mut Keyspace,
    key: &[u8],
    now: u64,
    head: bool,
    elements: impl Iterator<Item = &'a [u8]>,
    exists: bool,
) -> usize {
    let push = |list: &mut List| {
        for e in elements {
            if head {
                list.push_front(e);
            } else {
                list.push_back(e);
            }
        }
        list.len()
    };
    if exists {
        modify(db, key, now, push)
    } else {
        let mut list = List::new();
        let len = push(&mut list);
        db.set(key, Value::List(Box::new(list)), Ttl::Clear, now);
        len
    }
}

/// Resolves a possibly negative index against `len`.
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if index < 0 {
        index.checked_add(len)?
    } else {
        index
    };
    if (0..len).contains(&i) {
        usize::try_from(i).ok()
    } else {
        None
    }
}

/// LRANGE/LTRIM's range: `None` when empty.
fn resolve_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let n = i64::try_from(len).unwrap_or(i64::MAX);
    let mut start = if start < 0 {
        start.saturating_add(n)
    } else {
        start
    };
    let mut end = if end < 0 { end.saturating_add(n) } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= n {
        return None;
    }
    if end >= n {
        end = n - 1;
    }
    Some((usize::try_from(start).ok()?, usize::try_from(end).ok()?))
}

// ---------------------------------------------------------------------------------------
// Pushes and pops
// ---------------------------------------------------------------------------------------

fn push_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    head: bool,
    only_existing: bool,
) -> CommandResult {
    let now = ctx.now_ms();
    let key = &argv[1][..];
    let db = ctx.db();
    let exists = write_len(db, key, now)?.is_some();
    if only_existing && !exists {
        ctx.reply.int(0);
        return Ok(());
    }
    let len = push_elements(db, key, now, head, argv[2..].iter().map(|b| &b[..]), exists);
    ctx.notify(ev::LIST, side_event(head, true), key);
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

fn lpush(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    push_generic(ctx, argv, true, false)
}

fn rpush(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    push_generic(ctx, argv, false, false)
}

fn lpushx(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    push_generic(ctx, argv, true, true)
}

fn rpushx(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    push_generic(ctx, argv, false, true)
}

fn pop_one(list: &mut List, head: bool) -> Option<Box<[u8]>> {
    if head {
        list.pop_front()
    } else {
        list.pop_back()
    }
}

fn pop_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], head: bool) -> CommandResult {
    if argv.len() > 3 {
        return Err(CommandError::WrongArity(
            String::from_utf8_lossy(&argv[0]).to_lowercase(),
        ));
    }
    let count = match argv.get(2) {
        Some(arg) => {
            let n = parse_i64(arg)
                .filter(|n| *n >= 0)
                .ok_or(CommandError::NotPositive)?;
            Some(usize::try_from(n).unwrap_or(usize::MAX))
        }
        None => None,
    };
    let now = ctx.now_ms();
    let key = &argv[1][..];
    let db = ctx.db();
    if write_len(db, key, now)?.is_none() {
        match count {
            Some(_) => ctx.reply.null_array(),
            None => ctx.reply.null(),
        }
        return Ok(());
    }
    if count == Some(0) {
        ctx.reply.array(0);
        return Ok(());
    }
    let popped = modify_notify(ctx, key, now, side_event(head, false), |list| {
        let n = count.unwrap_or(1).min(list.len());
        (0..n)
            .filter_map(|_| pop_one(list, head))
            .collect::<Vec<_>>()
    });
    match count {
        Some(_) => {
            ctx.reply.array(popped.len());
            for e in &popped {
                ctx.reply.bulk(e);
            }
        }
        None => ctx.reply.bulk_or_null(popped.first().map(|e| &e[..])),
    }
    Ok(())
}

pub(crate) fn lpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    pop_generic(ctx, argv, true)
}

pub(crate) fn rpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    pop_generic(ctx, argv, false)
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

fn llen(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    let len = as_list(db.get_for_read(&argv[1], now))?.map_or(0, List::len);
    reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

fn lrange(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let start = int_arg(&argv[2])?;
    let end = int_arg(&argv[3])?;
    let (db, now, reply) = ctx.db_and_reply();
    let Some(list) = as_list(db.get_for_read(&argv[1], now))? else {
        reply.array(0);
        return Ok(());
    };
    match resolve_range(start, end, list.len()) {
        Some((start, end)) => {
            let items = list.range(start, end);
            reply.array(items.len());
            for e in items {
                reply.bulk(e);
            }
        }
        None => reply.array(0),
    }
    Ok(())
}

fn lindex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    let Some(list) = as_list(db.get_for_read(&argv[1], now))? else {
        reply.null();
        return Ok(());
    };
    let index = int_arg(&argv[2])?;
    reply.bulk_or_null(resolve_index(index, list.len()).and_then(|i| list.get(i)));
    Ok(())
}

fn lpos(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut rank: i64 = 1;
    let mut count: Option<usize> = None;
    let mut maxlen: usize = 0;
    let mut i = 3;
    while i < argv.len() {
        let arg = &argv[i];
        let value = argv.get(i + 1);
        match value {
            Some(v) if is_keyword(arg, "rank") => {
                rank = int_arg(v)?;
                if rank == 0 {
                    return Err(CommandError::Line(
                        "ERR RANK can't be zero: use 1 to start from the first match, 2 from \
                         the second ... or use negative to start from the end of the list"
                            .to_string(),
                    ));
                }
            }
            Some(v) if is_keyword(arg, "count") => {
                let n = parse_i64(v)
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| CommandError::Line("ERR COUNT can't be negative".to_string()))?;
                count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            }
            Some(v) if is_keyword(arg, "maxlen") => {
                let n = parse_i64(v).filter(|n| *n >= 0).ok_or_else(|| {
                    CommandError::Line("ERR MAXLEN can't be negative".to_string())
                })?;
                maxlen = usize::try_from(n).unwrap_or(usize::MAX);
            }
            _ => return Err(CommandError::Syntax),
        }
        i += 2;
    }
    let (db, now, reply) = ctx.db_and_reply();
    let Some(list) = as_list(db.get_for_read(&argv[1], now))? else {
        match count {
            Some(_) => reply.array(0),
            None => reply.null(),
        }
        return Ok(());
    };
    // Redis negates the rank with C arithmetic: LONG_MIN stays negative and then every
    // match qualifies, exactly as rank -1.
    let from_tail = rank < 0;
    let skip = usize::try_from(rank.unsigned_abs().max(1) - 1).unwrap_or(usize::MAX);
    let skip = if rank == i64::MIN { 0 } else { skip };
    let len = list.len();
    let wanted = match count {
        Some(0) => usize::MAX,
        Some(n) => n,
        None => 1,
    };
    let scan = if maxlen == 0 { len } else { maxlen.min(len) };
    let mut found = Vec::new();
    let mut matches = 0usize;
    let mut check = |pos: usize, e: &[u8]| {
        if e == &argv[2][..] {
            matches += 1;
            if matches > skip {
                found.push(pos);
            }
        }
        found.len() < wanted
    };
    if from_tail {
        for (k, e) in list.iter().rev().take(scan).enumerate() {
            if !check(len - 1 - k, e) {
                break;
            }
        }
    } else {
        for (k, e) in list.iter().take(scan).enumerate() {
            if !check(k, e) {
                break;
            }
        }
    }
    match count {
        Some(_) => {
            reply.array(found.len());
            for pos in found {
                reply.int(i64::try_from(pos).unwrap_or(i64::MAX));
            }
        }
        None => match found.first() {
            Some(&pos) => reply.int(i64::try_from(pos).unwrap_or(i64::MAX)),
            None => reply.null(),
        },
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Changes in place
// ---------------------------------------------------------------------------------------

fn lset(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let key = &argv[1][..];
    let db = ctx.db();
    let len = write_len(db, key, now)?.ok_or(CommandError::NoSuchKey)?;
    let index = int_arg(&argv[2])?;
    let i = resolve_index(index, len).ok_or(CommandError::IndexOutOfRange)?;
    modify_notify(ctx, key, now, "lset", |list| list.set(i, &argv[3]));
    ctx.reply.ok();
    Ok(())
}

fn linsert(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let after = if is_keyword(&argv[2], "after") {
        true
    } else if is_keyword(&argv[2], "before") {
        false
    } else {
        return Err(CommandError::Syntax);
    };
    let now = ctx.now_ms();
    let key = &argv[1][..];
    let db = ctx.db();
    let Some(list) = as_list(db.get(key, now))? else {
        ctx.reply.int(0);
        return Ok(());
    };
    let Some(pos) = list.position(&argv[3]) else {
        ctx.reply.int(-1);
        return Ok(());
    };
    let len = modify_notify(ctx, key, now, "linsert", |list| {
        list.insert(pos + usize::from(after), &argv[4]);
        list.len()
    });
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

fn lrem(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let count = int_arg(&argv[2])?;
    let now = ctx.now_ms();
    let key = &argv[1][..];
    let db = ctx.db();
    let Some(list) = as_list(db.get(key, now))? else {
        ctx.reply.int(0);
        return Ok(());
    };
    if list.position(&argv[3]).is_none() {
        ctx.reply.int(0);
        return Ok(());
    }
    let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    let removed = modify_notify(ctx, key, now, "lrem", |list| {
        list.remove_matching(&argv[3], limit, count < 0)
    });
    ctx.reply.int(i64::try_from(removed).unwrap_or(i64::MAX));
    Ok(())
}

fn ltrim(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let start = int_arg(&argv[2])?;
    let end = int_arg(&argv[3])?;
    let now = ctx.now_ms();
    let key = &argv[1][..];
    let db = ctx.db();
    let Some(len) = write_len(db, key, now)? else {
        ctx.reply.ok();
        return Ok(());
    };
    match resolve_range(start, end, len) {
        // Redis signals the key as modified even when the range keeps everything.
        Some((s, e)) => modify_notify(ctx, key, now, "ltrim", |list| list.retain_range(s, e)),
        None => {
            db.remove(key, now);
            ctx.notify(ev::LIST, "ltrim", key);
            ctx.notify(ev::GENERIC, "del", key);
        }
    }
    ctx.reply.ok();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Moves between lists
// ---------------------------------------------------------------------------------------

fn parse_side(arg: &[u8]) -> Result<bool, CommandError> {
    if is_keyword(arg, "left") {
        Ok(true)
    } else if is_keyword(arg, "right") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

fn move_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    from_head: bool,
    to_head: bool,
) -> CommandResult {
    let now = ctx.now_ms();
    let (src, dst) = (&argv[1][..], &argv[2][..]);
    let db = ctx.db();
    if write_len(db, src, now)?.is_none() {
        ctx.reply.null();
        return Ok(());
    }
    let dst_exists = write_len(db, dst, now)?.is_some();
    let element = if src == dst {
        let e = modify(db, src, now, |list| {
            let e = pop_one(list, from_head);
            if let Some(e) = &e {
                if to_head {
                    list.push_front(e);
                } else {
                    list.push_back(e);
                }
            }
            e
        });
        ctx.notify(ev::LIST, side_event(to_head, true), dst);
        ctx.notify(ev::LIST, side_event(from_head, false), src);
        e
    } else {
        let (e, deleted) = modify_deleting(db, src, now, |list| pop_one(list, from_head));
        if let Some(e) = &e {
            push_elements(db, dst, now, to_head, std::iter::once(&e[..]), dst_exists);
        }
        // Redis reports the push before the pop.
        ctx.notify(ev::LIST, side_event(to_head, true), dst);
        ctx.notify(ev::LIST, side_event(from_head, false), src);
        if deleted {
            ctx.notify(ev::GENERIC, "del", src);
        }
        e
    };
    ctx.reply.bulk_or_null(element.as_deref());
    Ok(())
}

fn rpoplpush(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    move_generic(ctx, argv, false, true)
}

pub(crate) fn lmove(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let from_head = parse_side(&argv[3])?;
    let to_head = parse_side(&argv[4])?;
    move_generic(ctx, argv, from_head, to_head)
}

pub(crate) fn lmpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let numkeys = parse_i64(&argv[1])
        .filter(|n| *n > 0)
        .ok_or_else(|| CommandError::Line("ERR numkeys should be greater than 0".to_string()))?;
    let where_idx = usize::try_from(numkeys)
        .ok()
        .and_then(|n| n.checked_add(2))
        .filter(|i| *i < argv.len())
        .ok_or(CommandError::Syntax)?;
    let head = parse_side(&argv[where_idx])?;
    let mut count: Option<usize> = None;
    let mut i = where_idx + 1;
    while i < argv.len() {
        match argv.get(i + 1) {
            Some(v) if count.is_none() && is_keyword(&argv[i], "count") => {
                let n = parse_i64(v).filter(|n| *n > 0).ok_or_else(|| {
                    CommandError::Line("ERR count should be greater than 0".to_string())
                })?;
                count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            }
            _ => return Err(CommandError::Syntax),
        }
        i += 2;
    }
    let count = count.unwrap_or(1);
    let now = ctx.now_ms();
    let db = ctx.db();
    for key in &argv[2..where_idx] {
        if write_len(db, key, now)?.is_none() {
            continue;
        }
        let popped = modify_notify(ctx, key, now, side_event(head, false), |list| {
            let n = count.min(list.len());
            (0..n)
                .filter_map(|_| pop_one(list, head))
                .collect::<Vec<_>>()
        });
        ctx.reply.array(2);
        ctx.reply.bulk(key);
        ctx.reply.array(popped.len());
        for e in &popped {
            ctx.reply.bulk(e);
        }
        return Ok(());
    }
    ctx.reply.null_array();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const LIST: Acl = Acl::LIST;
const WRITE_OOM_FAST: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);
const WRITE_OOM: Flags = Flags::WRITE.union(Flags::DENYOOM);
const WRITE_FAST: Flags = Flags::WRITE.union(Flags::FAST);
const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);
const GROUP: &str = "list";

const RW_INSERT: K = K::RW.union(K::INSERT);
const RW_ACCESS_DELETE: K = K::RW.union(K::ACCESS).union(K::DELETE);
const RO_ACCESS: K = K::RO.union(K::ACCESS);
const RW_DELETE: K = K::RW.union(K::DELETE);

const fn doc(
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    syntax: &'static str,
) -> Doc {
    Doc::new(summary, since, GROUP, complexity, syntax)
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "lpush",
        -3,
        doc(
            "Prepends elements to a list, creating it when missing.",
            "1.0.0",
            "O(1) per element",
            "key:key element ...",
        ),
        lpush,
    )
    .flags(WRITE_OOM_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_INSERT, 1)]),
    Command::new(
        "rpush",
        -3,
        doc(
            "Appends elements to a list, creating it when missing.",
            "1.0.0",
            "O(1) per element",
            "key:key element ...",
        ),
        rpush,
    )
    .flags(WRITE_OOM_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_INSERT, 1)]),
    Command::new(
        "lpushx",
        -3,
        doc(
            "Prepends elements to a list only when the list exists.",
            "2.2.0",
            "O(1) per element",
            "key:key element ...",
        ),
        lpushx,
    )
    .flags(WRITE_OOM_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_INSERT, 1)]),
    Command::new(
        "rpushx",
        -3,
        doc(
            "Appends elements to a list only when the list exists.",
            "2.2.0",
            "O(1) per element",
            "key:key element ...",
        ),
        rpushx,
    )
    .flags(WRITE_OOM_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_INSERT, 1)]),
    Command::new(
        "lpop",
        -2,
        doc(
            "Removes and returns the first elements of a list, deleting it when emptied.",
            "1.0.0",
            "O(N) where N is the number of elements returned",
            "key:key [count:integer@6.2.0]",
        ),
        lpop,
    )
    .flags(WRITE_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_DELETE, 1)]),
    Command::new(
        "rpop",
        -2,
        doc(
            "Removes and returns the last elements of a list, deleting it when emptied.",
            "1.0.0",
            "O(N) where N is the number of elements returned",
            "key:key [count:integer@6.2.0]",
        ),
        rpop,
    )
    .flags(WRITE_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_DELETE, 1)]),
    Command::new(
        "llen",
        2,
        doc("Returns the length of a list.", "1.0.0", "O(1)", "key:key"),
        llen,
    )
    .flags(READ_FAST)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RO, 1)]),
    Command::new(
        "lrange",
        4,
        doc(
            "Returns a range of elements from a list.",
            "1.0.0",
            "O(S+N) where S is the start offset and N the number of elements",
            "key:key start:integer stop:integer",
        ),
        lrange,
    )
    .flags(Flags::READONLY)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "lindex",
        3,
        doc(
            "Returns an element of a list by its index.",
            "1.0.0",
            "O(1)",
            "key:key index:integer",
        ),
        lindex,
    )
    .flags(Flags::READONLY)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "lset",
        4,
        doc(
            "Sets the element of a list at an index.",
            "1.0.0",
            "O(1)",
            "key:key index:integer element",
        ),
        lset,
    )
    .flags(WRITE_OOM)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::UPDATE), 1)]),
    Command::new(
        "linsert",
        5,
        doc(
            "Inserts an element before or after another element of a list.",
            "2.2.0",
            "O(N) where N is the position of the pivot",
            "key:key where=(BEFORE|AFTER) pivot element",
        ),
        linsert,
    )
    .flags(WRITE_OOM)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_INSERT, 1)]),
    Command::new(
        "lrem",
        4,
        doc(
            "Removes elements equal to a value from a list, deleting it when emptied.",
            "1.0.0",
            "O(N) where N is the length of the list",
            "key:key count:integer element",
        ),
        lrem,
    )
    .flags(Flags::WRITE)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_DELETE, 1)]),
    Command::new(
        "ltrim",
        4,
        doc(
            "Keeps only a range of a list's elements, deleting it when emptied.",
            "1.0.0",
            "O(N) where N is the number of elements removed",
            "key:key start:integer stop:integer",
        ),
        ltrim,
    )
    .flags(Flags::WRITE)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_DELETE, 1)]),
    Command::new(
        "rpoplpush",
        3,
        doc(
            "Moves the last element of a list to the head of another and returns it.",
            "1.2.0",
            "O(1)",
            "source:key destination:key",
        )
        .flags(DocFlags::DEPRECATED)
        .deprecated_since("6.2.0")
        .replaced_by("`LMOVE` with the `RIGHT` and `LEFT` arguments"),
        rpoplpush,
    )
    .flags(WRITE_OOM)
    .acl(LIST)
    .keys(1, 2, 1)
    .key_specs(&[
        KeySpec::single(RW_ACCESS_DELETE, 1),
        KeySpec::single(RW_INSERT, 2),
    ]),
    Command::new(
        "lmove",
        5,
        doc(
            "Moves an element from one end of a list to an end of another and returns it.",
            "6.2.0",
            "O(1)",
            "source:key destination:key wherefrom=(LEFT|RIGHT) whereto=(LEFT|RIGHT)",
        ),
        lmove,
    )
    .flags(WRITE_OOM)
    .acl(LIST)
    .keys(1, 2, 1)
    .key_specs(&[
        KeySpec::single(RW_ACCESS_DELETE, 1),
        KeySpec::single(RW_INSERT, 2),
    ]),
    Command::new(
        "lpos",
        -3,
        doc(
            "Returns the indexes of the elements of a list equal to a value.",
            "6.0.6",
            "O(N) where N is the number of elements scanned",
            "key:key element [RANK rank:integer] [COUNT num-matches:integer] \
             [MAXLEN len:integer]",
        ),
        lpos,
    )
    .flags(Flags::READONLY)
    .acl(LIST)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "lmpop",
        -4,
        doc(
            "Pops elements from the first non-empty list of several.",
            "7.0.0",
            "O(N+M) where N is the number of keys and M the number of elements returned",
            "numkeys:integer key:key ... where=(LEFT|RIGHT) [COUNT count:integer]",
        ),
        lmpop,
    )
    .flags(Flags::WRITE.union(Flags::MOVABLEKEYS))
    .acl(LIST)
    .key_specs(&[KeySpec::new(
        RW_ACCESS_DELETE,
        BeginSearch::Index(1),
        FindKeys::Keynum {
            keynumidx: 0,
            firstkey: 1,
            keystep: 1,
        },
    )]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_redis() {
        assert_eq!(resolve_range(0, -1, 3), Some((0, 2)));
        assert_eq!(resolve_range(-100, 100, 3), Some((0, 2)));
        assert_eq!(resolve_range(2, 1, 3), None);
        assert_eq!(resolve_range(3, 5, 3), None);
        assert_eq!(resolve_range(i64::MIN, i64::MAX, 3), Some((0, 2)));
        assert_eq!(resolve_range(0, -1, 0), None);
        assert_eq!(resolve_index(-1, 3), Some(2));
        assert_eq!(resolve_index(-4, 3), None);
        assert_eq!(resolve_index(i64::MIN, 3), None);
        assert_eq!(resolve_index(3, 3), None);
    }
}
