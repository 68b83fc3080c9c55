//! Sorted-set commands: ZADD, ZINCRBY, ZSCORE, ZMSCORE, ZCARD, ZREM, ZRANK, ZREVRANK,
//! ZCOUNT, ZLEXCOUNT, the ZRANGE family, ZPOPMIN/ZPOPMAX and ZREMRANGEBY*.
//!
//! Behaviour (argument order of checks, error texts, reply shapes in RESP2 and RESP3) was
//! checked against Redis 7.0.15.

use std::collections::HashMap;

use bytes::Bytes;
use cedis_resp::Protocol;
use cedis_store::Ttl;
use cedis_types::{Value, ZSet};

use super::string::with_db;
use super::{
    Acl, BeginSearch, Command, Ctx, Doc, DocFlags, FindKeys, Flags, KeySpec, KeySpecFlags as K,
};
use crate::args::ScanOptions;
use crate::args::{int_arg, is_keyword, parse_f64};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};
use crate::reply::Reply;

fn err(line: &str) -> CommandError {
    CommandError::Line(line.to_string())
}

fn nan_error() -> CommandError {
    err("ERR resulting score is not a number (NaN)")
}

fn not_float_range() -> CommandError {
    err("ERR min or max is not a float")
}

fn not_lex_range() -> CommandError {
    err("ERR min or max not valid string range item")
}

fn as_zset(value: Option<&Value>) -> Result<Option<&ZSet>, CommandError> {
    match value {
        None => Ok(None),
        Some(value) => value.as_zset().map(Some).ok_or(CommandError::WrongType),
    }
}

fn thresholds(ctx: &Ctx<'_>) -> (usize, usize) {
    let config = ctx.server.config();
    (
        usize::try_from(config.zset_max_listpack_entries).unwrap_or(usize::MAX),
        usize::try_from(config.zset_max_listpack_value).unwrap_or(usize::MAX),
    )
}

fn len_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------

/// `strtod` as `zslParseRange` uses it: leading spaces allowed, an empty rest is 0,
/// overflow is infinity, NaN refused.
fn range_double(bytes: &[u8]) -> Option<f64> {
    let trimmed = {
        let start = bytes
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
            .unwrap_or(bytes.len());
        &bytes[start..]
    };
    if bytes.is_empty() {
        return Some(0.0);
    }
    if let Some(v) = parse_f64(trimmed) {
        return Some(v);
    }
    let text = std::str::from_utf8(trimmed).ok()?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("nan") || lower.starts_with("0x") || lower.starts_with("-0x") {
        return None;
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| !v.is_nan())
}

#[derive(Clone, Copy, Debug)]
struct ScoreRange {
    min: f64,
    minex: bool,
    max: f64,
    maxex: bool,
}

fn score_bound(bytes: &[u8]) -> Option<(f64, bool)> {
    match bytes.strip_prefix(b"(") {
        Some(rest) => range_double(rest).map(|v| (v, true)),
        None => range_double(bytes).map(|v| (v, false)),
    }
}

fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CommandError> {
    let (min, minex) = score_bound(min).ok_or_else(not_float_range)?;
    let (max, maxex) = score_bound(max).ok_or_else(not_float_range)?;
    Ok(ScoreRange {
        min,
        minex,
        max,
        maxex,
    })
}

#[derive(Clone, Debug)]
enum LexBound {
    Min,
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

fn lex_bound(bytes: &[u8]) -> Result<LexBound, CommandError> {
    match bytes {
        b"+" => Ok(LexBound::Max),
        b"-" => Ok(LexBound::Min),
        [b'(', rest @ ..] => Ok(LexBound::Excl(rest.to_vec())),
        [b'[', rest @ ..] => Ok(LexBound::Incl(rest.to_vec())),
        _ => Err(not_lex_range()),
    }
}

/// Ranks `lo..hi` of the elements in a range.
trait Range {
    fn ranks(&self, z: &ZSet) -> (usize, usize);
}

impl Range for ScoreRange {
    fn ranks(&self, z: &ZSet) -> (usize, usize) {
        let lo = z.count_while(|s, _| {
            if self.minex {
                s <= self.min
            } else {
                s < self.min
            }
        });
        let hi = z.count_while(|s, _| {
            if self.maxex {
                s < self.max
            } else {
                s <= self.max
            }
        });
        (lo, hi.max(lo))
    }
}

#[derive(Clone, Debug)]
struct LexRange {
    min: LexBound,
    max: LexBound,
}

impl Range for LexRange {
    fn ranks(&self, z: &ZSet) -> (usize, usize) {
        // Elements below the minimum / not above the maximum.
        let lo = z.count_while(|_, m| match &self.min {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(v) => m < &v[..],
            LexBound::Excl(v) => m <= &v[..],
        });
        let hi = z.count_while(|_, m| match &self.max {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(v) => m <= &v[..],
            LexBound::Excl(v) => m < &v[..],
        });
        (lo, hi.max(lo))
    }
}

fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, CommandError> {
    Ok(LexRange {
        min: lex_bound(min)?,
        max: lex_bound(max)?,
    })
}

/// Redis's rank-range normalisation: `None` when empty, else inclusive `(start, end)`.
fn rank_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len_i64(len);
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((
        usize::try_from(start).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    ))
}

// ---------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------

/// Writes `items` as Redis does: members, or with scores flat (RESP2) or as
/// `[member, score]` pairs (RESP3, when `nested`).
fn reply_elements<'a>(
    reply: &mut Reply,
    items: impl Iterator<Item = (f64, &'a [u8])>,
    count: usize,
    withscores: bool,
    nested: bool,
) {
    let resp3_pairs = withscores && nested && reply.protocol() == Protocol::Resp3;
    if withscores && !resp3_pairs {
        reply.array(count * 2);
    } else {
        reply.array(count);
    }
    for (score, member) in items.take(count) {
        if resp3_pairs {
            reply.array(2);
        }
        reply.bulk(member);
        if withscores {
            reply.double(score);
        }
    }
}

// ---------------------------------------------------------------------------------------
// ZADD, ZINCRBY
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// Publishes a zset command's keyspace notifications: `event` (a zset event) on `key`,
/// then `del` when the command deleted the key.
fn notify_zset(ctx: &Ctx<'_>, key: &[u8], event: Option<&str>, deleted: bool) {
    if let Some(event) = event {
        ctx.notify(ev::ZSET, event, key);
    }
    if deleted {
        ctx.notify(ev::GENERIC, "del", key);
    }
}

fn zadd(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut f = AddFlags::default();
    let mut i = 2;
    while let Some(arg) = argv.get(i) {
        if is_keyword(arg, "nx") {
            f.nx = true;
        } else if is_keyword(arg, "xx") {
            f.xx = true;
        } else if is_keyword(arg, "ch") {
            f.ch = true;
        } else if is_keyword(arg, "incr") {
            f.incr = true;
        } else if is_keyword(arg, "gt") {
            f.gt = true;
        } else if is_keyword(arg, "lt") {
            f.lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let rest = &argv[i..];
    if rest.is_empty() || rest.len() % 2 != 0 {
        return Err(CommandError::Syntax);
    }
    if f.nx && f.xx {
        return Err(err(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return Err(err(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if f.incr && rest.len() > 2 {
        return Err(err(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    let mut pairs = Vec::with_capacity(rest.len() / 2);
    for pair in rest.chunks(2) {
        let score = parse_f64(&pair[0]).ok_or(CommandError::NotFloat)?;
        pairs.push((score, &pair[1][..]));
    }
    let (max_entries, max_value) = thresholds(ctx);
    let key = &argv[1][..];
    let changed = with_db(ctx, |db, now, reply| {
        let current = as_zset(db.get(key, now))?;
        if current.is_none() && f.xx {
            if f.incr {
                reply.null();
            } else {
                reply.int(0);
            }
            return Ok(false);
        }
        // Plan first, so that a command that changes nothing does not count as a change.
        let mut planned: HashMap<&[u8], f64> = HashMap::new();
        let (mut added, mut updated) = (0i64, 0i64);
        let mut last = None;
        for &(score, member) in &pairs {
            let existing = match planned.get(member) {
                Some(s) => Some(*s),
                None => current.and_then(|z| z.score(member)),
            };
            if let Some(cur) = existing {
                if f.nx {
                    continue;
                }
                let new = if f.incr { cur + score } else { score };
                if new.is_nan() {
                    return Err(nan_error());
                }
                if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    continue;
                }
                last = Some(new);
                if new != cur {
                    planned.insert(member, new);
                    updated += 1;
                }
            } else {
                if f.xx {
                    continue;
                }
                planned.insert(member, score);
                added += 1;
                last = Some(score);
            }
        }
        let changed = !planned.is_empty();
        if changed {
            let changes = pairs
                .iter()
                .filter_map(|&(_, m)| planned.remove(m).map(|s| (s, m)))
                .collect::<Vec<_>>();
            if current.is_none() {
                let z = if max_entries == 0 || max_value < pairs[0].1.len() {
                    ZSet::new_skiplist()
                } else {
                    ZSet::new()
                };
                db.set(key, Value::ZSet(Box::new(z)), Ttl::Clear, now);
            }
            db.update(key, now, |value| {
                if let Some(z) = value.as_zset_mut() {
                    for (score, member) in changes {
                        z.insert(score, member, max_entries, max_value);
                    }
                }
            });
        }
        if f.incr {
            match last {
                Some(score) => reply.double(score),
                None => reply.null(),
            }
        } else if f.ch {
            reply.int(added + updated);
        } else {
            reply.int(added);
        }
        Ok(changed)
    })?;
    if changed {
        ctx.notify(ev::ZSET, if f.incr { "zincr" } else { "zadd" }, key);
    }
    Ok(())
}

fn zincrby(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let by = parse_f64(&argv[2]).ok_or(CommandError::NotFloat)?;
    let (max_entries, max_value) = thresholds(ctx);
    let key = &argv[1][..];
    let changed = with_db(ctx, |db, now, reply| {
        let member = &argv[3][..];
        let current = as_zset(db.get(key, now))?.map(|z| z.score(member));
        let new = match current.flatten() {
            Some(cur) => cur + by,
            None => by,
        };
        if new.is_nan() {
            return Err(nan_error());
        }
        match current {
            None => {
                let mut z = if max_entries == 0 || max_value < member.len() {
                    ZSet::new_skiplist()
                } else {
                    ZSet::new()
                };
                z.insert(new, member, max_entries, max_value);
                db.set(key, Value::ZSet(Box::new(z)), Ttl::Clear, now);
            }
            Some(Some(cur)) if cur == new => {
                reply.double(new);
                return Ok(false);
            }
            Some(_) => {
                db.update(key, now, |value| {
                    if let Some(z) = value.as_zset_mut() {
                        z.insert(new, member, max_entries, max_value);
                    }
                });
            }
        }
        reply.double(new);
        Ok(true)
    })?;
    if changed {
        ctx.notify(ev::ZSET, "zincr", key);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

fn zscore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        match as_zset(db.get_for_read(&argv[1], now))?.and_then(|z| z.score(&argv[2])) {
            Some(score) => reply.double(score),
            None => reply.null(),
        }
        Ok(())
    })
}

fn zmscore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let z = as_zset(db.get_for_read(&argv[1], now))?;
        let members = &argv[2..];
        reply.array(members.len());
        for member in members {
            match z.and_then(|z| z.score(member)) {
                Some(score) => reply.double(score),
                None => reply.null(),
            }
        }
        Ok(())
    })
}

fn zcard(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let len = as_zset(db.get_for_read(&argv[1], now))?.map_or(0, |z| z.len());
        reply.int(len_i64(len));
        Ok(())
    })
}

fn rank_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], rev: bool) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let z = as_zset(db.get_for_read(&argv[1], now))?;
        match z.and_then(|z| z.rank(&argv[2]).map(|r| (r, z.len()))) {
            Some((rank, len)) => reply.int(len_i64(if rev { len - 1 - rank } else { rank })),
            None => reply.null(),
        }
        Ok(())
    })
}

fn zrank(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    rank_generic(ctx, argv, false)
}

fn zrevrank(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    rank_generic(ctx, argv, true)
}

fn count_generic(ctx: &mut Ctx<'_>, key: &[u8], range: &dyn Range) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let count = match as_zset(db.get_for_read(key, now))? {
            Some(z) => {
                let (lo, hi) = range.ranks(z);
                hi - lo
            }
            None => 0,
        };
        reply.int(len_i64(count));
        Ok(())
    })
}

fn zcount(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let range = parse_score_range(&argv[2], &argv[3])?;
    count_generic(ctx, &argv[1], &range)
}

fn zlexcount(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let range = parse_lex_range(&argv[2], &argv[3])?;
    count_generic(ctx, &argv[1], &range)
}

// ---------------------------------------------------------------------------------------
// The ZRANGE family
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Auto,
    Forward,
    Reverse,
}

fn zrange_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    rangetype: RangeType,
    direction: Direction,
) -> CommandResult {
    zrange_any(ctx, argv, rangetype, direction, false)
}

/// Z[REV]RANGE[BY*] and ZRANGESTORE (`store`: `argv[1]` is the destination and every other
/// argument is one place further).
fn zrange_any(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    mut rangetype: RangeType,
    mut direction: Direction,
    store: bool,
) -> CommandResult {
    let base = if store { 2 } else { 1 };
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = base + 3;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let arg = &argv[j];
        if !store && is_keyword(arg, "withscores") {
            withscores = true;
        } else if is_keyword(arg, "limit") && left >= 2 {
            offset = int_arg(&argv[j + 1])?;
            limit = int_arg(&argv[j + 2])?;
            j += 2;
        } else if direction == Direction::Auto && is_keyword(arg, "rev") {
            direction = Direction::Reverse;
        } else if rangetype == RangeType::Auto && is_keyword(arg, "bylex") {
            rangetype = RangeType::Lex;
        } else if rangetype == RangeType::Auto && is_keyword(arg, "byscore") {
            rangetype = RangeType::Score;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    if direction == Direction::Auto {
        direction = Direction::Forward;
    }
    if rangetype == RangeType::Auto {
        rangetype = RangeType::Rank;
    }
    if limit != -1 && rangetype == RangeType::Rank {
        return Err(err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && rangetype == RangeType::Lex {
        return Err(err(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let rev = direction == Direction::Reverse;
    let (minarg, maxarg) = if rev && rangetype != RangeType::Rank {
        (&argv[base + 2][..], &argv[base + 1][..])
    } else {
        (&argv[base + 1][..], &argv[base + 2][..])
    };
    enum Parsed {
        Rank(i64, i64),
        Other(Box<dyn Range>),
    }
    let parsed = match rangetype {
        RangeType::Score => Parsed::Other(Box::new(parse_score_range(minarg, maxarg)?)),
        RangeType::Lex => Parsed::Other(Box::new(parse_lex_range(minarg, maxarg)?)),
        _ => Parsed::Rank(int_arg(minarg)?, int_arg(maxarg)?),
    };
    let (max_entries, max_value) = thresholds(ctx);
    let (event, deleted) = with_db(ctx, |db, now, reply| {
        let source = &argv[base][..];
        // A read lookup for ZRANGESTORE's source too: Redis counts it and reports `keymiss`.
        let found = as_zset(db.get_for_read(source, now))?;
        let Some(z) = found else {
            if store {
                let existed = db.remove(&argv[1], now).is_some();
                reply.int(0);
                return Ok((None, existed));
            }
            reply.array(0);
            return Ok((None, false));
        };
        let len = z.len();
        let (start, count) = match parsed {
            Parsed::Rank(start, end) => match rank_range(start, end, len) {
                Some((s, e)) => (if rev { len - 1 - s } else { s }, e - s + 1),
                None => (0, 0),
            },
            Parsed::Other(range) => {
                let (lo, hi) = range.ranks(z);
                let n = hi - lo;
                let skip = if offset < 0 {
                    n
                } else {
                    usize::try_from(offset).unwrap_or(usize::MAX).min(n)
                };
                let mut count = n - skip;
                if limit >= 0 {
                    count = count.min(usize::try_from(limit).unwrap_or(usize::MAX));
                }
                let start = if rev {
                    hi.wrapping_sub(1 + skip)
                } else {
                    lo + skip
                };
                (start, count)
            }
        };
        if store {
            let mut result = if count <= max_entries {
                ZSet::new()
            } else {
                ZSet::new_skiplist()
            };
            for (score, member) in z.iter_from(start, rev).take(count) {
                result.insert(score, member, max_entries, max_value);
            }
            let fired = if result.is_empty() {
                (None, db.remove(&argv[1], now).is_some())
            } else {
                db.set(&argv[1], Value::ZSet(Box::new(result)), Ttl::Clear, now);
                (Some("zrangestore"), false)
            };
            reply.int(len_i64(count));
            return Ok(fired);
        }
        if count == 0 {
            reply.array(0);
            return Ok((None, false));
        }
        reply_elements(reply, z.iter_from(start, rev), count, withscores, true);
        Ok((None, false))
    })?;
    notify_zset(ctx, &argv[1], event, deleted);
    Ok(())
}

fn zrangestore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_any(ctx, argv, RangeType::Auto, Direction::Auto, true)
}

fn zrange(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_generic(ctx, argv, RangeType::Auto, Direction::Auto)
}

fn zrevrange(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_generic(ctx, argv, RangeType::Rank, Direction::Reverse)
}

fn zrangebyscore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_generic(ctx, argv, RangeType::Score, Direction::Forward)
}

fn zrevrangebyscore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_generic(ctx, argv, RangeType::Score, Direction::Reverse)
}

fn zrangebylex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_generic(ctx, argv, RangeType::Lex, Direction::Forward)
}

fn zrevrangebylex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zrange_generic(ctx, argv, RangeType::Lex, Direction::Reverse)
}

// ---------------------------------------------------------------------------------------
// Removal
// ---------------------------------------------------------------------------------------

/// Applies `change` to the zset at `key` if it exists, deleting the key once empty.
fn modify<R>(
    db: &mut cedis_store::Keyspace,
    key: &[u8],
    now: u64,
    change: impl FnOnce(&mut ZSet) -> R,
) -> Option<R> {
    modify_deleting(db, key, now, change).map(|(result, _)| result)
}

/// [`modify`], also saying whether the key was deleted because the zset became empty.
fn modify_deleting<R>(
    db: &mut cedis_store::Keyspace,
    key: &[u8],
    now: u64,
    change: impl FnOnce(&mut ZSet) -> R,
) -> Option<(R, bool)> {
    let result = db.update(key, now, |value| value.as_zset_mut().map(change))??;
    let empty = db
        .get(key, now)
        .and_then(Value::as_zset)
        .is_some_and(ZSet::is_empty);
    if empty {
        db.remove(key, now);
    }
    Some((result, empty))
}

fn zrem(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let key = &argv[1][..];
    let (removed, deleted) = with_db(ctx, |db, now, reply| {
        let members = &argv[2..];
        let any = match as_zset(db.get(key, now))? {
            Some(z) => members.iter().any(|m| z.score(m).is_some()),
            None => false,
        };
        let (removed, deleted) = if any {
            modify_deleting(db, key, now, |z| {
                members.iter().filter(|m| z.remove(m)).count()
            })
            .unwrap_or((0, false))
        } else {
            (0, false)
        };
        reply.int(len_i64(removed));
        Ok::<_, CommandError>((removed, deleted))
    })?;
    notify_zset(ctx, key, (removed > 0).then_some("zrem"), deleted);
    Ok(())
}

enum RemRange {
    Rank(i64, i64),
    Other(Box<dyn Range>),
}

/// ZREMRANGEBY*; `event` is the command's notification.
fn zremrange_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    range: RemRange,
    event: &str,
) -> CommandResult {
    let key = &argv[1][..];
    let (removed, deleted) = with_db(ctx, |db, now, reply| {
        let ranks = match as_zset(db.get(key, now))? {
            Some(z) => match &range {
                RemRange::Rank(start, end) => {
                    rank_range(*start, *end, z.len()).map(|(s, e)| (s, e + 1))
                }
                RemRange::Other(range) => Some(range.ranks(z)),
            },
            None => None,
        };
        let (removed, deleted) = match ranks {
            Some((lo, hi)) if hi > lo => {
                modify_deleting(db, key, now, |z| z.remove_rank_range(lo, hi)).unwrap_or((0, false))
            }
            _ => (0, false),
        };
        reply.int(len_i64(removed));
        Ok::<_, CommandError>((removed, deleted))
    })?;
    notify_zset(ctx, key, (removed > 0).then_some(event), deleted);
    Ok(())
}

fn zremrangebyrank(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let range = RemRange::Rank(int_arg(&argv[2])?, int_arg(&argv[3])?);
    zremrange_generic(ctx, argv, range, "zremrangebyrank")
}

fn zremrangebyscore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let range = RemRange::Other(Box::new(parse_score_range(&argv[2], &argv[3])?));
    zremrange_generic(ctx, argv, range, "zremrangebyscore")
}

fn zremrangebylex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let range = RemRange::Other(Box::new(parse_lex_range(&argv[2], &argv[3])?));
    zremrange_generic(ctx, argv, range, "zremrangebylex")
}

fn zpop_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], max: bool) -> CommandResult {
    if argv.len() > 3 {
        return Err(CommandError::Syntax);
    }
    let count = match argv.get(2) {
        Some(arg) => match crate::args::parse_i64(arg) {
            Some(n) if n >= 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => return Err(err("ERR value is out of range, must be positive")),
        },
        None => None,
    };
    let key = &argv[1][..];
    let popped = with_db(ctx, |db, now, reply| {
        let len = match as_zset(db.get(key, now))? {
            Some(z) => z.len(),
            None => 0,
        };
        let n = count.unwrap_or(1).min(len);
        if n == 0 {
            reply.array(0);
            return Ok(None);
        }
        let popped = pop_n(db, key, now, n, max);
        reply_elements(
            reply,
            popped.iter().map(|(s, m)| (*s, &m[..])),
            popped.len(),
            true,
            count.is_some(),
        );
        Ok::<_, CommandError>(Some(n == len))
    })?;
    if let Some(deleted) = popped {
        notify_zset(ctx, key, Some(pop_event(max)), deleted);
    }
    Ok(())
}

/// The notification of a pop from the low or high (`max`) end.
fn pop_event(max: bool) -> &'static str {
    if max {
        "zpopmax"
    } else {
        "zpopmin"
    }
}

fn zpopmin(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zpop_generic(ctx, argv, false)
}

fn zpopmax(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zpop_generic(ctx, argv, true)
}

// ---------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF (and their STORE forms), ZINTERCARD
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// An input of the set operations: zsets, and plain sets with every score 1.
enum Src {
    Missing,
    Z(ZSet),
    S(cedis_types::Set),
}

impl Src {
    fn len(&self) -> usize {
        match self {
            Src::Missing => 0,
            Src::Z(z) => z.len(),
            Src::S(s) => s.len(),
        }
    }

    fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::Z(z) => z.score(member),
            Src::S(s) => s.contains(member).then_some(1.0),
        }
    }

    fn for_each(&self, mut f: impl FnMut(f64, &[u8])) {
        match self {
            Src::Missing => {}
            Src::Z(z) => z.iter_from(0, false).for_each(|(s, m)| f(s, m)),
            Src::S(s) => s.iter().for_each(|m| f(1.0, &m)),
        }
    }
}

fn aggregate(target: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += value;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if value < *target {
                *target = value;
            }
        }
        Aggregate::Max => {
            if value > *target {
                *target = value;
            }
        }
    }
}

/// `zunionInterDiffGenericCommand`: `dst` is the destination's argument index for the
/// STORE forms, `numkeys_at` the index of numkeys.
fn zsetop_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    dst: Option<usize>,
    numkeys_at: usize,
    op: SetOp,
    cardinality_only: bool,
) -> CommandResult {
    let setnum = int_arg(&argv[numkeys_at])?;
    if setnum < 1 {
        let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
        return Err(CommandError::Line(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    let available = argv.len() - (numkeys_at + 1);
    let setnum = match usize::try_from(setnum) {
        Ok(n) if n <= available => n,
        _ => return Err(CommandError::Syntax),
    };
    let keys = &argv[numkeys_at + 1..numkeys_at + 1 + setnum];
    let mut srcs = Vec::with_capacity(setnum);
    {
        let (db, now, _) = ctx.db_and_reply();
        for key in keys {
            // Read lookups in the STORE forms too: Redis counts them and reports `keymiss`.
            srcs.push(match db.get_for_read(key, now) {
                None => Src::Missing,
                Some(Value::ZSet(z)) => Src::Z((**z).clone()),
                Some(Value::Set(s)) => Src::S((**s).clone()),
                Some(_) => return Err(CommandError::WrongType),
            });
        }
    }
    let mut weights = vec![1.0f64; setnum];
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = numkeys_at + 1 + setnum;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let arg = &argv[j];
        if op != SetOp::Diff
            && !cardinality_only
            && remaining > setnum
            && is_keyword(arg, "weights")
        {
            j += 1;
            for weight in weights.iter_mut() {
                *weight =
                    parse_f64(&argv[j]).ok_or_else(|| err("ERR weight value is not a float"))?;
                j += 1;
            }
        } else if op != SetOp::Diff
            && !cardinality_only
            && remaining >= 2
            && is_keyword(arg, "aggregate")
        {
            let which = &argv[j + 1];
            how = if is_keyword(which, "sum") {
                Aggregate::Sum
            } else if is_keyword(which, "min") {
                Aggregate::Min
            } else if is_keyword(which, "max") {
                Aggregate::Max
            } else {
                return Err(CommandError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !cardinality_only && is_keyword(arg, "withscores") {
            withscores = true;
            j += 1;
        } else if cardinality_only && remaining >= 2 && is_keyword(arg, "limit") {
            limit = match crate::args::parse_i64(&argv[j + 1]) {
                Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
                _ => return Err(err("ERR LIMIT can't be negative")),
            };
            j += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    // Smallest inputs first (a stable sort, as glibc's qsort is for small arrays).
    let mut order: Vec<usize> = (0..setnum).collect();
    if op != SetOp::Diff {
        order.sort_by_key(|&i| srcs[i].len());
    }
    let mut result: Vec<(f64, Vec<u8>)> = Vec::new();
    let mut cardinality = 0usize;
    match op {
        SetOp::Inter => {
            let first = order[0];
            srcs[first].for_each(|value, member| {
                if limit > 0 && cardinality >= limit {
                    return;
                }
                let mut score = weights[first] * value;
                if score.is_nan() {
                    score = 0.0;
                }
                for &other in &order[1..] {
                    match srcs[other].score(member) {
                        Some(v) => aggregate(&mut score, v * weights[other], how),
                        None => return,
                    }
                }
                if cardinality_only {
                    cardinality += 1;
                } else {
                    result.push((score, member.to_vec()));
                }
            });
        }
        SetOp::Union => {
            let mut acc: HashMap<Vec<u8>, f64> = HashMap::new();
            for &i in &order {
                srcs[i].for_each(|value, member| {
                    let mut score = weights[i] * value;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.get_mut(member) {
                        Some(target) => aggregate(target, score, how),
                        None => {
                            acc.insert(member.to_vec(), score);
                        }
                    }
                });
            }
            result = acc.into_iter().map(|(m, s)| (s, m)).collect();
        }
        SetOp::Diff => {
            srcs[0].for_each(|value, member| {
                if srcs[1..].iter().all(|s| s.score(member).is_none()) {
                    result.push((value, member.to_vec()));
                }
            });
        }
    }
    if cardinality_only {
        ctx.reply.int(len_i64(cardinality));
        return Ok(());
    }
    result.sort_by(|a, b| cedis_types::skiplist::cmp_entry(a.0, &a.1, b.0, &b.1));
    let (max_entries, max_value) = thresholds(ctx);
    let fired = with_db(ctx, |db, now, reply| match dst {
        Some(d) => {
            let key = &argv[d][..];
            let deleted = if result.is_empty() {
                db.remove(key, now).is_some()
            } else {
                let mut z = if result.len() <= max_entries {
                    ZSet::new()
                } else {
                    ZSet::new_skiplist()
                };
                for (score, member) in &result {
                    z.insert(*score, member, max_entries, max_value);
                }
                db.set(key, Value::ZSet(Box::new(z)), Ttl::Clear, now);
                false
            };
            reply.int(len_i64(result.len()));
            Some((d, deleted))
        }
        None => {
            reply_elements(
                reply,
                result.iter().map(|(s, m)| (*s, &m[..])),
                result.len(),
                withscores,
                true,
            );
            None
        }
    });
    if let Some((d, deleted)) = fired {
        let event = match op {
            SetOp::Union => "zunionstore",
            SetOp::Inter => "zinterstore",
            SetOp::Diff => "zdiffstore",
        };
        notify_zset(
            ctx,
            &argv[d],
            (!deleted && !result.is_empty()).then_some(event),
            deleted,
        );
    }
    Ok(())
}

fn zunion(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Union, false)
}

fn zinter(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, false)
}

fn zdiff(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Diff, false)
}

fn zunionstore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, Some(1), 2, SetOp::Union, false)
}

fn zinterstore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, Some(1), 2, SetOp::Inter, false)
}

fn zdiffstore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, Some(1), 2, SetOp::Diff, false)
}

fn zintercard(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, true)
}

// ---------------------------------------------------------------------------------------
// ZMPOP, ZRANDMEMBER, ZSCAN
// ---------------------------------------------------------------------------------------

pub(crate) fn zmpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let numkeys = match crate::args::parse_i64(&argv[1]) {
        Some(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
        _ => return Err(err("ERR numkeys should be greater than 0")),
    };
    let where_at = match numkeys.checked_add(2) {
        Some(i) if i < argv.len() => i,
        _ => return Err(CommandError::Syntax),
    };
    let max = if is_keyword(&argv[where_at], "min") {
        false
    } else if is_keyword(&argv[where_at], "max") {
        true
    } else {
        return Err(CommandError::Syntax);
    };
    let mut count: Option<usize> = None;
    let mut j = where_at + 1;
    while j < argv.len() {
        if count.is_none() && is_keyword(&argv[j], "count") && j + 1 < argv.len() {
            count = match crate::args::parse_i64(&argv[j + 1]) {
                Some(n) if n >= 1 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
                _ => return Err(err("ERR count should be greater than 0")),
            };
            j += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let count = count.unwrap_or(1);
    let popped = with_db(ctx, |db, now, reply| {
        for key in &argv[2..where_at] {
            let len = match as_zset(db.get(key, now))? {
                Some(z) if !z.is_empty() => z.len(),
                _ => continue,
            };
            let n = count.min(len);
            let popped = pop_n(db, key, now, n, max);
            let fired = Some((&key[..], n == len));
            reply.array(2);
            reply.bulk(key);
            reply.array(popped.len());
            for (score, member) in &popped {
                reply.array(2);
                reply.bulk(member);
                reply.double(*score);
            }
            return Ok(fired);
        }
        reply.null_array();
        Ok::<_, CommandError>(None)
    })?;
    if let Some((key, deleted)) = popped {
        notify_zset(ctx, key, Some(pop_event(max)), deleted);
    }
    Ok(())
}

/// Pops `n` elements from the low (or high, `max`) end of the zset at `key`.
pub(crate) fn pop_n(
    db: &mut cedis_store::Keyspace,
    key: &[u8],
    now: u64,
    n: usize,
    max: bool,
) -> Vec<(f64, Vec<u8>)> {
    modify(db, key, now, |z| {
        let start = if max { z.len().saturating_sub(1) } else { 0 };
        let items: Vec<(f64, Vec<u8>)> = z
            .iter_from(start, max)
            .take(n)
            .map(|(s, m)| (s, m.to_vec()))
            .collect();
        for (_, m) in &items {
            z.remove(m);
        }
        items
    })
    .unwrap_or_default()
}

fn zrandmember(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    use rand::Rng;
    let Some(count_arg) = argv.get(2) else {
        return with_db(ctx, |db, now, reply| {
            match as_zset(db.get_for_read(&argv[1], now))? {
                Some(z) => {
                    let i = rand::thread_rng().gen_range(0..z.len().max(1));
                    match z.get_by_rank(i) {
                        Some((_, m)) => reply.bulk(m),
                        None => reply.null(),
                    }
                }
                None => reply.null(),
            }
            Ok(())
        });
    };
    let l = int_arg(count_arg)?;
    if l == i64::MIN {
        return Err(err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withscores = match argv.len() {
        3 => false,
        4 if is_keyword(&argv[3], "withscores") => true,
        _ => return Err(CommandError::Syntax),
    };
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(err("ERR value is out of range"));
    }
    with_db(ctx, |db, now, reply| {
        let Some(z) = as_zset(db.get_for_read(&argv[1], now))? else {
            reply.array(0);
            return Ok(());
        };
        let size = z.len();
        let count = usize::try_from(l.unsigned_abs()).unwrap_or(usize::MAX);
        if count == 0 {
            reply.array(0);
            return Ok(());
        }
        let mut rng = rand::thread_rng();
        let picks: Vec<usize> = if l < 0 {
            (0..count).map(|_| rng.gen_range(0..size)).collect()
        } else if count >= size {
            (0..size).collect()
        } else {
            let mut ranks: Vec<usize> = rand::seq::index::sample(&mut rng, size, count).into_vec();
            ranks.sort_unstable();
            ranks
        };
        let items = picks
            .iter()
            .filter_map(|&r| z.get_by_rank(r))
            .collect::<Vec<_>>();
        reply_elements(reply, items.into_iter(), picks.len(), withscores, true);
        Ok(())
    })
}

/// ZSCAN: the whole set in one reply with cursor 0 (what Redis does for small sets; a
/// cursor is only a hint, so this is valid for any size).
fn zscan(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    super::keys::parse_cursor(&argv[2]).ok_or(CommandError::InvalidCursor)?;
    with_db(ctx, |db, now, reply| {
        let Some(z) = as_zset(db.get_for_read(&argv[1], now))? else {
            reply.array(2);
            reply.bulk(b"0");
            reply.array(0);
            return Ok(());
        };
        let options = ScanOptions::parse(argv, 3)?;
        let found: Vec<(f64, &[u8])> = z
            .iter_from(0, false)
            .filter(|(_, m)| options.matches(m))
            .collect();
        reply.array(2);
        reply.bulk(b"0");
        reply.array(found.len() * 2);
        let mut text = Vec::new();
        for (score, member) in found {
            reply.bulk(member);
            text.clear();
            cedis_resp::double::write_g17(&mut text, score);
            reply.bulk(&text);
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const ZSET: Acl = Acl::SORTEDSET;
const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);
const WRITE_FAST: Flags = Flags::WRITE.union(Flags::FAST);
const WRITE_OOM_FAST: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);
const WRITE_OOM: Flags = Flags::WRITE.union(Flags::DENYOOM);
const GROUP: &str = "sorted-set";
const NONDET: &[&str] = &["nondeterministic_output"];
const SETOP: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const KEYNUM: FindKeys = FindKeys::Keynum {
    keynumidx: 0,
    firstkey: 1,
    keystep: 1,
};
const RO_ACCESS_FLAGS: K = K::RO.union(K::ACCESS);
const OW_UPDATE: K = K::OW.union(K::UPDATE);
const STORE_SPECS: &[KeySpec] = &[
    KeySpec::single(OW_UPDATE, 1),
    KeySpec::single(RO_ACCESS_FLAGS, 2),
];
const KEYNUM_1: &[KeySpec] = &[KeySpec::new(RO_ACCESS_FLAGS, BeginSearch::Index(1), KEYNUM)];
const STORE_KEYNUM: &[KeySpec] = &[
    KeySpec::single(OW_UPDATE, 1),
    KeySpec::new(RO_ACCESS_FLAGS, BeginSearch::Index(2), KEYNUM),
];

const RO: &[KeySpec] = &[KeySpec::single(K::RO, 1)];
const RO_ACCESS: &[KeySpec] = &[KeySpec::single(K::RO.union(K::ACCESS), 1)];
const RW_UPDATE: &[KeySpec] = &[KeySpec::single(K::RW.union(K::UPDATE), 1)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[KeySpec::single(K::RW.union(K::ACCESS).union(K::UPDATE), 1)];
const RW_DELETE: &[KeySpec] = &[KeySpec::single(K::RW.union(K::DELETE), 1)];
const RW_ACCESS_DELETE: &[KeySpec] = &[KeySpec::single(K::RW.union(K::ACCESS).union(K::DELETE), 1)];

const fn doc(
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    syntax: &'static str,
) -> Doc {
    Doc::new(summary, since, GROUP, complexity, syntax)
}

const fn deprecated(d: Doc, replaced_by: &'static str) -> Doc {
    d.flags(DocFlags::DEPRECATED)
        .deprecated_since("6.2.0")
        .replaced_by(replaced_by)
}

const fn one(
    name: &'static str,
    arity: i32,
    d: Doc,
    h: super::Handler,
    flags: Flags,
    specs: &'static [KeySpec],
) -> Command {
    Command::new(name, arity, d, h)
        .flags(flags)
        .acl(ZSET)
        .keys(1, 1, 1)
        .key_specs(specs)
}

const LOGN: &str = "O(log(N))";
const RANGE: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";

pub static COMMANDS: &[Command] = &[
    one("zadd", -4, doc("Adds members to a sorted set, or updates their scores.", "1.2.0", LOGN,
        "key:key condition=[NX|XX]@3.0.2 comparison=[GT|LT]@6.2.0 [change= CH@3.0.2] [increment= INCR@3.0.2] score_member=(score:double member)..."),
        zadd, WRITE_OOM_FAST, RW_UPDATE),
    one("zincrby", 4, doc("Increments the score of a member of a sorted set.", "1.2.0", LOGN,
        "key:key increment:integer member"), zincrby, WRITE_OOM_FAST, RW_ACCESS_UPDATE),
    one("zscore", 3, doc("Returns the score of a member of a sorted set.", "1.2.0", "O(1)",
        "key:key member"), zscore, READ_FAST, RO_ACCESS),
    one("zmscore", -3, doc("Returns the scores of members of a sorted set.", "6.2.0", "O(N)",
        "key:key member..."), zmscore, READ_FAST, RO_ACCESS),
    one("zcard", 2, doc("Returns the number of members of a sorted set.", "1.2.0", "O(1)",
        "key:key"), zcard, READ_FAST, RO),
    one("zrem", -3, doc("Removes members from a sorted set.", "1.2.0", LOGN,
        "key:key member..."), zrem, WRITE_FAST, RW_DELETE),
    one("zrank", 3, doc("Returns the rank of a member in ascending order.", "2.0.0", LOGN,
        "key:key member"), zrank, READ_FAST, RO_ACCESS),
    one("zrevrank", 3, doc("Returns the rank of a member in descending order.", "2.0.0", LOGN,
        "key:key member"), zrevrank, READ_FAST, RO_ACCESS),
    one("zcount", 4, doc("Counts the members with scores in a range.", "2.0.0", LOGN,
        "key:key min:double max:double"), zcount, READ_FAST, RO_ACCESS),
    one("zlexcount", 4, doc("Counts the members in a lexicographical range.", "2.8.9", LOGN,
        "key:key min max"), zlexcount, READ_FAST, RO_ACCESS),
    one("zrange", -4, doc("Returns members in a range of ranks, scores or members.", "1.2.0", RANGE,
        "key:key start stop sortby=[BYSCORE|BYLEX]@6.2.0 [REV]@6.2.0 [LIMIT offset:integer count:integer]@6.2.0 [WITHSCORES]"),
        zrange, Flags::READONLY, RO_ACCESS),
    one("zrangebyscore", -4, deprecated(doc("Returns members in a range of scores.", "1.0.5", RANGE,
        "key:key min:double max:double [WITHSCORES]@2.0.0 [LIMIT offset:integer count:integer]"),
        "`ZRANGE` with the `BYSCORE` argument"), zrangebyscore, Flags::READONLY, RO_ACCESS),
    one("zrevrangebyscore", -4, deprecated(doc("Returns members in a range of scores, highest first.", "2.2.0", RANGE,
        "key:key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]"),
        "`ZRANGE` with the `REV` and `BYSCORE` arguments"), zrevrangebyscore, Flags::READONLY, RO_ACCESS),
    one("zrangebylex", -4, deprecated(doc("Returns members in a lexicographical range.", "2.8.9", RANGE,
        "key:key min max [LIMIT offset:integer count:integer]"),
        "`ZRANGE` with the `BYLEX` argument"), zrangebylex, Flags::READONLY, RO_ACCESS),
    one("zrevrangebylex", -4, deprecated(doc("Returns members in a lexicographical range, highest first.", "2.8.9", RANGE,
        "key:key max min [LIMIT offset:integer count:integer]"),
        "`ZRANGE` with the `REV` and `BYLEX` arguments"), zrevrangebylex, Flags::READONLY, RO_ACCESS),
    one("zrevrange", -4, deprecated(doc("Returns members in a range of ranks, highest first.", "1.2.0", RANGE,
        "key:key start:integer stop:integer [WITHSCORES]"),
        "`ZRANGE` with the `REV` argument"), zrevrange, Flags::READONLY, RO_ACCESS),
    one("zpopmin", -2, doc("Removes and returns the members with the lowest scores.", "5.0.0", "O(log(N)*M)",
        "key:key [count:integer]"), zpopmin, WRITE_FAST, RW_ACCESS_DELETE),
    one("zpopmax", -2, doc("Removes and returns the members with the highest scores.", "5.0.0", "O(log(N)*M)",
        "key:key [count:integer]"), zpopmax, WRITE_FAST, RW_ACCESS_DELETE),
    one("zremrangebyrank", 4, doc("Removes the members in a range of ranks.", "2.0.0", RANGE,
        "key:key start:integer stop:integer"), zremrangebyrank, Flags::WRITE, RW_DELETE),
    one("zremrangebyscore", 4, doc("Removes the members in a range of scores.", "1.2.0", RANGE,
        "key:key min:double max:double"), zremrangebyscore, Flags::WRITE, RW_DELETE),
    one("zremrangebylex", 4, doc("Removes the members in a lexicographical range.", "2.8.9", RANGE,
        "key:key min max"), zremrangebylex, Flags::WRITE, RW_DELETE),
    one("zrangestore", -5, doc("Stores a range of members of a sorted set in another key.", "6.2.0", RANGE,
        "dst:key src:key min max sortby=[BYSCORE|BYLEX] [REV] [LIMIT offset:integer count:integer]"),
        zrangestore, WRITE_OOM, STORE_SPECS).keys(1, 2, 1),
    one("zunion", -3, doc("Returns the union of sorted sets.", "6.2.0", SETOP,
        "numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)] [WITHSCORES]"),
        zunion, Flags::READONLY.union(Flags::MOVABLEKEYS), KEYNUM_1).keys(0, 0, 0),
    one("zinter", -3, doc("Returns the intersection of sorted sets.", "6.2.0", SETOP,
        "numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)] [WITHSCORES]"),
        zinter, Flags::READONLY.union(Flags::MOVABLEKEYS), KEYNUM_1).keys(0, 0, 0),
    one("zdiff", -3, doc("Returns the difference of sorted sets.", "6.2.0", SETOP,
        "numkeys:integer key:key... [WITHSCORES]"),
        zdiff, Flags::READONLY.union(Flags::MOVABLEKEYS), KEYNUM_1).keys(0, 0, 0),
    one("zintercard", -3, doc("Returns the number of members of the intersection of sorted sets.", "7.0.0", SETOP,
        "numkeys:integer key:key... [LIMIT limit:integer]"),
        zintercard, Flags::READONLY.union(Flags::MOVABLEKEYS), KEYNUM_1).keys(0, 0, 0),
    one("zunionstore", -4, doc("Stores the union of sorted sets in a key.", "2.0.0", SETOP,
        "destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)]"),
        zunionstore, WRITE_OOM.union(Flags::MOVABLEKEYS), STORE_KEYNUM),
    one("zinterstore", -4, doc("Stores the intersection of sorted sets in a key.", "2.0.0", SETOP,
        "destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)]"),
        zinterstore, WRITE_OOM.union(Flags::MOVABLEKEYS), STORE_KEYNUM),
    one("zdiffstore", -4, doc("Stores the difference of sorted sets in a key.", "6.2.0", SETOP,
        "destination:key numkeys:integer key:key..."),
        zdiffstore, WRITE_OOM.union(Flags::MOVABLEKEYS), STORE_KEYNUM),
    one("zmpop", -4, doc("Removes and returns members with the lowest or highest scores from the first non-empty sorted set.", "7.0.0",
        "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        "numkeys:integer key:key... where=(MIN|MAX) [COUNT count:integer]"),
        zmpop, Flags::WRITE.union(Flags::MOVABLEKEYS),
        &[KeySpec::new(K::RW.union(K::ACCESS).union(K::DELETE), BeginSearch::Index(1), KEYNUM)]).keys(0, 0, 0),
    one("zrandmember", -2, doc("Returns random members of a sorted set.", "6.2.0",
        "O(N) where N is the number of members returned",
        "key:key [options=(count:integer [WITHSCORES])]"),
        zrandmember, Flags::READONLY, RO_ACCESS).tips(NONDET),
    one("zscan", -3, doc("Iterates over the members and scores of a sorted set.", "2.8.0",
        "O(1) for every call. O(N) for a complete iteration.",
        "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"),
        zscan, Flags::READONLY, RO_ACCESS).tips(NONDET),
];
