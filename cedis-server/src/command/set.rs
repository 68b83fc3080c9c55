//! Set commands: SADD, SREM, membership, SPOP/SRANDMEMBER, SMOVE, the algebra
//! (SUNION/SINTER/SDIFF and their STORE forms, SINTERCARD) and SSCAN.
//!
//! Checked against Redis 7.0.15, including which errors come first.

use std::collections::HashSet;

use bytes::Bytes;
use cedis_store::{Keyspace, Ttl};
use cedis_types::{Set, Value};

use super::keys::parse_cursor;
use super::{Acl, Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::args::ScanOptions;
use crate::args::{int_arg, is_keyword};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};

/// The set a key holds: `Ok(None)` when missing, WRONGTYPE for another type.
fn as_set(value: Option<&Value>) -> Result<Option<&Set>, CommandError> {
    match value {
        None => Ok(None),
        Some(value) => value.as_set().map(Some).ok_or(CommandError::WrongType),
    }
}

fn max_intset(ctx: &Ctx<'_>) -> usize {
    usize::try_from(ctx.server.config().set_max_intset_entries).unwrap_or(usize::MAX)
}

fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn sadd(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let max = max_intset(ctx);
    let (db, now, _) = ctx.db_and_reply();
    let key = &argv[1][..];
    let members = &argv[2..];
    let added = match as_set(db.get(key, now))? {
        None => {
            let mut set = Set::new();
            let added = members.iter().filter(|m| set.insert(m, max)).count();
            db.set(key, Value::Set(Box::new(set)), Ttl::Clear, now);
            added
        }
        Some(set) if members.iter().all(|m| set.contains(m)) => 0,
        Some(_) => db
            .update(key, now, |v| {
                v.as_set_mut()
                    .map_or(0, |s| members.iter().filter(|m| s.insert(m, max)).count())
            })
            .unwrap_or(0),
    };
    if added > 0 {
        ctx.notify(ev::SET, "sadd", key);
    }
    ctx.reply.int(int(added));
    Ok(())
}

/// Removes `members` from the set at `key` (which must be a set), deleting the key when
/// it empties; how many were removed, and whether the key was deleted.
fn remove_members(db: &mut Keyspace, key: &[u8], members: &[&[u8]], now: u64) -> (usize, bool) {
    let removed = db
        .update(key, now, |v| {
            v.as_set_mut().map_or((0, false), |s| {
                let n = members.iter().filter(|m| s.remove(m)).count();
                (n, s.is_empty())
            })
        })
        .unwrap_or((0, false));
    if removed.1 {
        db.remove(key, now);
    }
    removed
}

fn srem(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, _) = ctx.db_and_reply();
    let key = &argv[1][..];
    let present = match as_set(db.get(key, now))? {
        None => false,
        Some(set) => argv[2..].iter().any(|m| set.contains(m)),
    };
    let (removed, deleted) = if present {
        let members: Vec<&[u8]> = argv[2..].iter().map(|m| &m[..]).collect();
        remove_members(db, key, &members, now)
    } else {
        (0, false)
    };
    if removed > 0 {
        ctx.notify(ev::SET, "srem", key);
    }
    if deleted {
        ctx.notify(ev::GENERIC, "del", key);
    }
    ctx.reply.int(int(removed));
    Ok(())
}

fn sismember(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    let found = as_set(db.get_for_read(&argv[1], now))?.is_some_and(|s| s.contains(&argv[2]));
    reply.int(i64::from(found));
    Ok(())
}

fn smismember(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    let set = as_set(db.get_for_read(&argv[1], now))?;
    reply.array(argv.len() - 2);
    for m in &argv[2..] {
        reply.int(i64::from(set.is_some_and(|s| s.contains(m))));
    }
    Ok(())
}

fn smembers(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    match as_set(db.get_for_read(&argv[1], now))? {
        None => reply.set(0),
        Some(set) => {
            reply.set(set.len());
            for m in set.iter() {
                reply.bulk(&m);
            }
        }
    }
    Ok(())
}

fn scard(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    let len = as_set(db.get_for_read(&argv[1], now))?.map_or(0, Set::len);
    reply.int(int(len));
    Ok(())
}

fn spop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let key = &argv[1][..];
    let count = match argv.len() {
        2 => None,
        3 => {
            let n = cedis_types::number::parse_i64(&argv[2])
                .filter(|n| *n >= 0)
                .ok_or(CommandError::NotPositive)?;
            Some(usize::try_from(n).unwrap_or(usize::MAX))
        }
        _ => return Err(CommandError::Syntax),
    };
    let (db, now, reply) = ctx.db_and_reply();
    let Some(set) = as_set(db.get(key, now))? else {
        match count {
            None => reply.null(),
            Some(_) => reply.set(0),
        }
        return Ok(());
    };
    if count == Some(0) {
        reply.set(0);
        return Ok(());
    }
    let whole = count.is_some_and(|c| c >= set.len());
    let popped = db
        .update(key, now, |v| {
            v.as_set_mut().map(|s| {
                let popped = match count {
                    None => s.pop_random().into_iter().collect(),
                    Some(c) => s.pop_random_n(c),
                };
                (popped, s.is_empty())
            })
        })
        .flatten();
    let Some((popped, empty)) = popped else {
        reply.null();
        return Ok(());
    };
    let deleted = empty || whole;
    if deleted {
        db.remove(key, now);
    }
    ctx.notify(ev::SET, "spop", key);
    if deleted {
        ctx.notify(ev::GENERIC, "del", key);
    }
    // Logged as what it did, not as a random pop: SREM of the members (DEL when the
    // whole set went), so replaying the AOF gives the same set.
    ctx.propagate_as = Some(if deleted {
        vec![vec![Bytes::from_static(b"DEL"), argv[1].clone()]]
    } else {
        let mut srem = vec![Bytes::from_static(b"SREM"), argv[1].clone()];
        srem.extend(popped.iter().map(|m| Bytes::copy_from_slice(m)));
        vec![srem]
    });
    let reply = &mut *ctx.reply;
    match count {
        None => reply.bulk_or_null(popped.first().map(|m| &m[..])),
        Some(_) => {
            reply.set(popped.len());
            for m in &popped {
                reply.bulk(m);
            }
        }
    }
    Ok(())
}

fn srandmember(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let count = match argv.len() {
        2 => None,
        3 => {
            let n = int_arg(&argv[2])?;
            if n == i64::MIN {
                return Err(CommandError::Line(
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
                        .to_string(),
                ));
            }
            Some(n)
        }
        _ => return Err(CommandError::Syntax),
    };
    let (db, now, reply) = ctx.db_and_reply();
    let set = as_set(db.get_for_read(&argv[1], now))?;
    match (set, count) {
        (None, None) => reply.null(),
        (None, Some(_)) => reply.array(0),
        (Some(set), None) => reply.bulk_or_null(set.random_member().as_deref()),
        (Some(set), Some(count)) => {
            let members = set.random_members(count);
            reply.array(members.len());
            for m in &members {
                reply.bulk(m);
            }
        }
    }
    Ok(())
}

fn smove(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let max = max_intset(ctx);
    let (src, dst, member) = (&argv[1][..], &argv[2][..], &argv[3][..]);
    let (db, now, reply) = ctx.db_and_reply();
    let Some(src_set) = db
        .get(src, now)
        .map(|v| v.as_set().map(|s| s.contains(member)))
    else {
        reply.int(0);
        return Ok(());
    };
    let dst_kind = db.get(dst, now).map(|v| v.as_set().is_some());
    let (Some(in_src), None | Some(true)) = (src_set, dst_kind) else {
        return Err(CommandError::WrongType);
    };
    if src == dst || !in_src {
        reply.int(i64::from(in_src));
        return Ok(());
    }
    let (_, src_deleted) = remove_members(db, src, &[member], now);
    // Redis reports the removal before it creates the destination (`new`).
    ctx.notify(ev::SET, "srem", src);
    if src_deleted {
        ctx.notify(ev::GENERIC, "del", src);
    }
    let db = ctx.db();
    let added = if dst_kind.is_some() {
        db.update(dst, now, |v| v.as_set_mut().map(|s| s.insert(member, max)))
            .flatten()
            .unwrap_or(false)
    } else {
        let mut set = Set::new();
        set.insert(member, max);
        db.set(dst, Value::Set(Box::new(set)), Ttl::Clear, now);
        true
    };
    if added {
        ctx.notify(ev::SET, "sadd", dst);
    }
    ctx.reply.int(1);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Set algebra
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

/// Looks every key up once as a read (a keyspace hit or miss each, the STORE forms'
/// sources included, as in Redis 7.0), type-checking in order; the sizes (`None` for a
/// missing key).
fn check_sets(
    db: &mut Keyspace,
    keys: &[Bytes],
    now: u64,
) -> Result<Vec<Option<usize>>, CommandError> {
    keys.iter()
        .map(|k| as_set(db.get_for_read(k, now)).map(|s| s.map(Set::len)))
        .collect()
}

/// The set at `key` after [`check_sets`] (no second stats count).
fn set_at<'a>(db: &'a mut Keyspace, key: &[u8], now: u64) -> Option<&'a Set> {
    db.get(key, now).and_then(Value::as_set)
}

/// The members of the result: SUNION in the order met, SINTER in the smallest set's
/// order, SDIFF in the first set's; `limit` stops an intersection early (0: none).
/// Only the result is copied, never a whole source set.
fn compute(
    db: &mut Keyspace,
    op: Op,
    keys: &[Bytes],
    now: u64,
    limit: usize,
) -> Result<Vec<Vec<u8>>, CommandError> {
    let sizes = check_sets(db, keys, now)?;
    Ok(match op {
        Op::Union => {
            let mut seen: HashSet<Vec<u8>> = HashSet::new();
            let mut out = Vec::new();
            for key in keys {
                let Some(set) = set_at(db, key, now) else {
                    continue;
                };
                for m in set.iter() {
                    if !seen.contains(&m[..]) {
                        seen.insert(m.to_vec());
                        out.push(m.into_owned());
                    }
                }
            }
            out
        }
        Op::Inter => {
            if sizes.iter().any(Option::is_none) {
                return Ok(Vec::new());
            }
            let mut order: Vec<usize> = (0..keys.len()).collect();
            order.sort_by_key(|&i| sizes[i]);
            let Some((&first, rest)) = order.split_first() else {
                return Ok(Vec::new());
            };
            let mut candidates: Vec<Vec<u8>> = set_at(db, &keys[first], now)
                .map(|s| s.iter().map(|m| m.into_owned()).collect())
                .unwrap_or_default();
            for &i in rest {
                if candidates.is_empty() {
                    break;
                }
                if let Some(set) = set_at(db, &keys[i], now) {
                    candidates.retain(|m| set.contains(m));
                }
            }
            if limit != 0 {
                candidates.truncate(limit);
            }
            candidates
        }
        Op::Diff => {
            let Some(first) = keys.first() else {
                return Ok(Vec::new());
            };
            let mut candidates: Vec<Vec<u8>> = set_at(db, first, now)
                .map(|s| s.iter().map(|m| m.into_owned()).collect())
                .unwrap_or_default();
            for key in &keys[1..] {
                if candidates.is_empty() {
                    break;
                }
                if let Some(set) = set_at(db, key, now) {
                    candidates.retain(|m| !set.contains(m));
                }
            }
            candidates
        }
    })
}

fn algebra(ctx: &mut Ctx<'_>, keys: &[Bytes], op: Op) -> CommandResult {
    let (db, now, reply) = ctx.db_and_reply();
    let members = compute(db, op, keys, now, 0)?;
    reply.set(members.len());
    for m in &members {
        reply.bulk(m);
    }
    Ok(())
}

fn algebra_store(ctx: &mut Ctx<'_>, argv: &[Bytes], op: Op) -> CommandResult {
    let max = max_intset(ctx);
    let (db, now, reply) = ctx.db_and_reply();
    let members = compute(db, op, &argv[2..], now, 0)?;
    let dst = &argv[1][..];
    if members.is_empty() {
        let existed = db.remove(dst, now).is_some();
        reply.int(0);
        if existed {
            ctx.notify(ev::GENERIC, "del", dst);
        }
        return Ok(());
    }
    let mut set = Set::new();
    for m in &members {
        set.insert(m, max);
    }
    reply.int(int(set.len()));
    db.set(dst, Value::Set(Box::new(set)), Ttl::Clear, now);
    let event = match op {
        Op::Union => "sunionstore",
        Op::Inter => "sinterstore",
        Op::Diff => "sdiffstore",
    };
    ctx.notify(ev::SET, event, dst);
    Ok(())
}

fn sunion(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    algebra(ctx, &argv[1..], Op::Union)
}

fn sinter(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    algebra(ctx, &argv[1..], Op::Inter)
}

fn sdiff(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    algebra(ctx, &argv[1..], Op::Diff)
}

fn sunionstore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    algebra_store(ctx, argv, Op::Union)
}

fn sinterstore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    algebra_store(ctx, argv, Op::Inter)
}

fn sdiffstore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    algebra_store(ctx, argv, Op::Diff)
}

fn sintercard(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let numkeys = cedis_types::number::parse_i64(&argv[1])
        .filter(|n| *n > 0)
        .ok_or_else(|| CommandError::Line("ERR numkeys should be greater than 0".to_string()))?;
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > argv.len() - 2 {
        return Err(CommandError::Line(
            "ERR Number of keys can't be greater than number of args".to_string(),
        ));
    }
    let mut limit = 0usize;
    let mut i = 2 + numkeys;
    while i < argv.len() {
        if is_keyword(&argv[i], "limit") && i + 1 < argv.len() {
            let n = cedis_types::number::parse_i64(&argv[i + 1])
                .filter(|n| *n >= 0)
                .ok_or_else(|| CommandError::Line("ERR LIMIT can't be negative".to_string()))?;
            limit = usize::try_from(n).unwrap_or(usize::MAX);
            i += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let (db, now, reply) = ctx.db_and_reply();
    let found = compute(db, Op::Inter, &argv[2..2 + numkeys], now, limit)?;
    reply.int(int(found.len()));
    Ok(())
}

/// `SSCAN key cursor [MATCH pattern] [COUNT count]`
fn sscan(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let cursor = parse_cursor(&argv[2]).ok_or(CommandError::InvalidCursor)?;
    let (db, now, reply) = ctx.db_and_reply();
    let Some(set) = as_set(db.get_for_read(&argv[1], now))? else {
        reply.array(2);
        reply.bulk(b"0");
        reply.array(0);
        return Ok(());
    };
    let options = ScanOptions::parse(argv, 3)?;
    let mut found: Vec<Vec<u8>> = Vec::new();
    let next = set.scan(cursor, options.count, |m| {
        if options.matches(m) {
            found.push(m.to_vec());
        }
    });
    reply.array(2);
    reply.bulk(next.to_string().as_bytes());
    reply.array(found.len());
    for m in &found {
        reply.bulk(m);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const SET: Acl = Acl::SET;
const GROUP: &str = "set";
const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);
const WRITE_FAST: Flags = Flags::WRITE.union(Flags::FAST);
const RO_ACCESS: K = K::RO.union(K::ACCESS);
const NONDET_ORDER: &[&str] = &["nondeterministic_output_order"];
const NONDET: &[&str] = &["nondeterministic_output"];
const STORE_SPECS_OW: &[KeySpec] = &[
    KeySpec::single(K::OW.union(K::UPDATE), 1),
    KeySpec::range(RO_ACCESS, 2, -1, 1),
];
const STORE_SPECS_RW: &[KeySpec] = &[
    KeySpec::single(K::RW.union(K::UPDATE), 1),
    KeySpec::range(RO_ACCESS, 2, -1, 1),
];

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
        "sadd",
        -3,
        doc(
            "Adds members to a set, creating it when missing.",
            "1.0.0",
            "O(1) for each member added",
            "key:key member ...",
        ),
        sadd,
    )
    .flags(Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST))
    .acl(SET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::INSERT), 1)]),
    Command::new(
        "srem",
        -3,
        doc(
            "Removes members from a set, deleting it when it empties.",
            "1.0.0",
            "O(N) where N is the number of members to remove",
            "key:key member ...",
        ),
        srem,
    )
    .flags(WRITE_FAST)
    .acl(SET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::DELETE), 1)]),
    Command::new(
        "sismember",
        3,
        doc(
            "Tells whether a member belongs to a set.",
            "1.0.0",
            "O(1)",
            "key:key member",
        ),
        sismember,
    )
    .flags(READ_FAST)
    .acl(SET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RO, 1)]),
    Command::new(
        "smismember",
        -3,
        doc(
            "Tells for each of several members whether it belongs to a set.",
            "6.2.0",
            "O(N) where N is the number of members",
            "key:key member ...",
        ),
        smismember,
    )
    .flags(READ_FAST)
    .acl(SET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "smembers",
        2,
        doc(
            "Returns every member of a set.",
            "1.0.0",
            "O(N) where N is the set cardinality",
            "key:key",
        ),
        smembers,
    )
    .flags(Flags::READONLY)
    .acl(SET)
    .tips(NONDET_ORDER)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "scard",
        2,
        doc(
            "Returns the number of members of a set.",
            "1.0.0",
            "O(1)",
            "key:key",
        ),
        scard,
    )
    .flags(READ_FAST)
    .acl(SET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RO, 1)]),
    Command::new(
        "spop",
        -2,
        doc(
            "Removes and returns random members of a set.",
            "1.0.0",
            "O(1) without count, O(N) with it",
            "key:key [count:integer@3.2.0]",
        ),
        spop,
    )
    .flags(WRITE_FAST)
    .acl(SET)
    .tips(NONDET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::ACCESS).union(K::DELETE), 1)]),
    Command::new(
        "srandmember",
        -2,
        doc(
            "Returns random members of a set.",
            "1.0.0",
            "O(1) without count, O(N) with it",
            "key:key [count:integer@2.6.0]",
        ),
        srandmember,
    )
    .flags(Flags::READONLY)
    .acl(SET)
    .tips(NONDET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "smove",
        4,
        doc(
            "Moves a member from one set to another.",
            "1.0.0",
            "O(1)",
            "source:key destination:key member",
        ),
        smove,
    )
    .flags(WRITE_FAST)
    .acl(SET)
    .keys(1, 2, 1)
    .key_specs(&[
        KeySpec::single(K::RW.union(K::ACCESS).union(K::DELETE), 1),
        KeySpec::single(K::RW.union(K::INSERT), 2),
    ]),
    Command::new(
        "sunion",
        -2,
        doc(
            "Returns the union of sets.",
            "1.0.0",
            "O(N) where N is the total number of members",
            "key:key ...",
        ),
        sunion,
    )
    .flags(Flags::READONLY)
    .acl(SET)
    .tips(NONDET_ORDER)
    .keys(1, -1, 1)
    .key_specs(&[KeySpec::range(RO_ACCESS, 1, -1, 1)]),
    Command::new(
        "sinter",
        -2,
        doc(
            "Returns the intersection of sets.",
            "1.0.0",
            "O(N*M) worst case, N the smallest set's cardinality and M the number of sets",
            "key:key ...",
        ),
        sinter,
    )
    .flags(Flags::READONLY)
    .acl(SET)
    .tips(NONDET_ORDER)
    .keys(1, -1, 1)
    .key_specs(&[KeySpec::range(RO_ACCESS, 1, -1, 1)]),
    Command::new(
        "sdiff",
        -2,
        doc(
            "Returns the members of the first set missing from the others.",
            "1.0.0",
            "O(N) where N is the total number of members",
            "key:key ...",
        ),
        sdiff,
    )
    .flags(Flags::READONLY)
    .acl(SET)
    .tips(NONDET_ORDER)
    .keys(1, -1, 1)
    .key_specs(&[KeySpec::range(RO_ACCESS, 1, -1, 1)]),
    Command::new(
        "sunionstore",
        -3,
        doc(
            "Stores the union of sets in a key.",
            "1.0.0",
            "O(N) where N is the total number of members",
            "destination:key key:key ...",
        ),
        sunionstore,
    )
    .flags(Flags::WRITE.union(Flags::DENYOOM))
    .acl(SET)
    .keys(1, -1, 1)
    .key_specs(STORE_SPECS_OW),
    Command::new(
        "sinterstore",
        -3,
        doc(
            "Stores the intersection of sets in a key.",
            "1.0.0",
            "O(N*M) worst case, N the smallest set's cardinality and M the number of sets",
            "destination:key key:key ...",
        ),
        sinterstore,
    )
    .flags(Flags::WRITE.union(Flags::DENYOOM))
    .acl(SET)
    .keys(1, -1, 1)
    .key_specs(STORE_SPECS_RW),
    Command::new(
        "sdiffstore",
        -3,
        doc(
            "Stores the difference of sets in a key.",
            "1.0.0",
            "O(N) where N is the total number of members",
            "destination:key key:key ...",
        ),
        sdiffstore,
    )
    .flags(Flags::WRITE.union(Flags::DENYOOM))
    .acl(SET)
    .keys(1, -1, 1)
    .key_specs(STORE_SPECS_OW),
    Command::new(
        "sintercard",
        -3,
        doc(
            "Returns the number of members in the intersection of sets.",
            "7.0.0",
            "O(N*M) worst case, N the smallest set's cardinality and M the number of sets",
            "numkeys:integer key:key ... [LIMIT limit:integer]",
        ),
        sintercard,
    )
    .flags(Flags::READONLY.union(Flags::MOVABLEKEYS))
    .acl(SET)
    .key_specs(&[KeySpec::new(
        RO_ACCESS,
        super::BeginSearch::Index(1),
        super::FindKeys::Keynum {
            keynumidx: 0,
            firstkey: 1,
            keystep: 1,
        },
    )]),
    Command::new(
        "sscan",
        -3,
        doc(
            "Iterates over the members of a set.",
            "2.8.0",
            "O(1) for every call, O(N) for a complete iteration",
            "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        ),
        sscan,
    )
    .flags(Flags::READONLY)
    .acl(SET)
    .tips(NONDET)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
];
