//! Hash commands: HSET, HSETNX, HGET, HMSET, HMGET, HDEL, HEXISTS, HLEN, HSTRLEN, HKEYS,
//! HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD and HSCAN.
//!
//! Checked against Redis 7.0.15, including the order errors are found in (which arguments
//! are parsed before the key is looked up, and which after). An emptied hash is deleted.

use bytes::Bytes;
use cedis_types::hash::Limits;
use cedis_types::long_double::LongDouble;
use cedis_types::{Hash, Value};

use super::keys::parse_cursor;
use super::string::with_db;
use super::{Acl, Command, Ctx, Doc, DocFlags, Flags, KeySpec, KeySpecFlags as K};
use crate::args::ScanOptions;
use crate::args::{int_arg, is_keyword};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};
use cedis_store::Ttl;

/// The compact form's thresholds, from the config.
fn limits(ctx: &Ctx<'_>) -> Limits {
    let config = ctx.server.config();
    Limits {
        max_entries: config.hash_max_listpack_entries,
        max_value: config.hash_max_listpack_value,
    }
}

/// The hash a key holds: `Ok(None)` when missing, WRONGTYPE for another type.
fn as_hash(value: Option<&Value>) -> Result<Option<&Hash>, CommandError> {
    match value {
        None => Ok(None),
        Some(value) => value.as_hash().map(Some).ok_or(CommandError::WrongType),
    }
}

fn line(text: &str) -> CommandError {
    CommandError::Line(text.to_string())
}

/// Runs `change` on the hash at `key`, creating it when missing (Redis's
/// `hashTypeLookupWriteOrCreate`); a hash left empty is deleted. Publishes `event` (a hash
/// event), then `del` if the hash was deleted.
fn write_hash<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    event: &str,
    change: impl FnOnce(&mut Hash, Limits) -> R,
) -> Result<R, CommandError> {
    let now = ctx.now_ms();
    let limits = limits(ctx);
    let db = ctx.db();
    let result = match db.get(key, now) {
        None => {
            let mut hash = Hash::new();
            let result = change(&mut hash, limits);
            if !hash.is_empty() {
                db.set(key, Value::Hash(Box::new(hash)), Ttl::Clear, now);
                ctx.notify(ev::HASH, event, key);
            }
            return Ok(result);
        }
        Some(value) if value.as_hash().is_none() => return Err(CommandError::WrongType),
        Some(_) => db
            .update(key, now, |v| {
                v.as_hash_mut().map(|h| {
                    let result = change(h, limits);
                    (result, h.is_empty())
                })
            })
            .flatten()
            .ok_or(CommandError::WrongType)?,
    };
    let (result, emptied) = result;
    if emptied {
        db.remove(key, now);
    }
    ctx.notify(ev::HASH, event, key);
    if emptied {
        ctx.notify(ev::GENERIC, "del", key);
    }
    Ok(result)
}

fn pairs(argv: &[Bytes]) -> impl Iterator<Item = (&Bytes, &Bytes)> {
    argv[2..].chunks_exact(2).map(|pair| (&pair[0], &pair[1]))
}

fn set_pairs(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> Result<i64, CommandError> {
    if argv.len() % 2 == 1 {
        return Err(CommandError::WrongArity(argv_name(argv)));
    }
    write_hash(ctx, &argv[1], "hset", |hash, limits| {
        hash.try_conversion(argv[2..].iter().map(|b| &b[..]), limits);
        pairs(argv)
            .map(|(f, v)| i64::from(hash.insert(f, v, limits)))
            .sum()
    })
}

fn argv_name(argv: &[Bytes]) -> String {
    String::from_utf8_lossy(&argv[0]).to_ascii_lowercase()
}

fn hset(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let created = set_pairs(ctx, argv)?;
    ctx.reply.int(created);
    Ok(())
}

fn hmset(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    set_pairs(ctx, argv)?;
    ctx.reply.ok();
    Ok(())
}

fn hsetnx(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let exists = match as_hash(ctx.db().get(&argv[1], now))? {
        Some(hash) => hash.contains(&argv[2]),
        None => false,
    };
    if !exists {
        write_hash(ctx, &argv[1], "hset", |hash, limits| {
            hash.insert(&argv[2], &argv[3], limits)
        })?;
    }
    ctx.reply.int(i64::from(!exists));
    Ok(())
}

fn hget(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let value = as_hash(db.get_for_read(&argv[1], now))?.and_then(|h| h.get(&argv[2]));
        reply.bulk_or_null(value);
        Ok(())
    })
}

fn hmget(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let hash = as_hash(db.get_for_read(&argv[1], now))?;
        reply.array(argv.len() - 2);
        for field in &argv[2..] {
            reply.bulk_or_null(hash.and_then(|h| h.get(field)));
        }
        Ok(())
    })
}

fn hdel(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let any = match as_hash(ctx.db().get(&argv[1], now))? {
        Some(hash) => argv[2..].iter().any(|f| hash.contains(f)),
        None => false,
    };
    let deleted = if any {
        write_hash(ctx, &argv[1], "hdel", |hash, _| {
            argv[2..].iter().filter(|f| hash.remove(f)).count()
        })?
    } else {
        0
    };
    ctx.reply.int(i64::try_from(deleted).unwrap_or(i64::MAX));
    Ok(())
}

fn hexists(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let found = as_hash(db.get_for_read(&argv[1], now))?.is_some_and(|h| h.contains(&argv[2]));
        reply.int(i64::from(found));
        Ok(())
    })
}

fn hlen(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let len = as_hash(db.get_for_read(&argv[1], now))?.map_or(0, Hash::len);
        reply.int(i64::try_from(len).unwrap_or(i64::MAX));
        Ok(())
    })
}

fn hstrlen(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let len = as_hash(db.get_for_read(&argv[1], now))?
            .and_then(|h| h.get(&argv[2]))
            .map_or(0, <[u8]>::len);
        reply.int(i64::try_from(len).unwrap_or(i64::MAX));
        Ok(())
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Keys,
    Values,
    All,
}

fn get_all(ctx: &mut Ctx<'_>, argv: &[Bytes], what: What) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        let Some(hash) = as_hash(db.get_for_read(&argv[1], now))? else {
            match what {
                What::All => reply.map(0),
                _ => reply.array(0),
            }
            return Ok(());
        };
        match what {
            What::All => reply.map(hash.len()),
            _ => reply.array(hash.len()),
        }
        for (field, value) in hash.iter() {
            if what != What::Values {
                reply.bulk(field);
            }
            if what != What::Keys {
                reply.bulk(value);
            }
        }
        Ok(())
    })
}

fn hkeys(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    get_all(ctx, argv, What::Keys)
}

fn hvals(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    get_all(ctx, argv, What::Values)
}

fn hgetall(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    get_all(ctx, argv, What::All)
}

/// The current value of a field for HINCRBY/HINCRBYFLOAT, copied out (WRONGTYPE checked).
fn field_value(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    field: &[u8],
) -> Result<Option<Vec<u8>>, CommandError> {
    let now = ctx.now_ms();
    Ok(as_hash(ctx.db().get(key, now))?
        .and_then(|h| h.get(field))
        .map(<[u8]>::to_vec))
}

fn hincrby(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let incr = int_arg(&argv[3])?;
    let current = match field_value(ctx, &argv[1], &argv[2])? {
        None => 0,
        Some(value) => cedis_types::number::parse_i64(&value)
            .ok_or_else(|| line("ERR hash value is not an integer"))?,
    };
    let new = current.checked_add(incr).ok_or(CommandError::Overflow)?;
    let text = new.to_string();
    write_hash(ctx, &argv[1], "hincrby", |hash, limits| {
        hash.insert(&argv[2], text.as_bytes(), limits)
    })?;
    ctx.reply.int(new);
    Ok(())
}

fn hincrbyfloat(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let incr = LongDouble::parse(&argv[3]).ok_or(CommandError::NotFloat)?;
    if !incr.is_finite() {
        return Err(line("ERR value is NaN or Infinity"));
    }
    let current = match field_value(ctx, &argv[1], &argv[2])? {
        None => LongDouble::ZERO,
        Some(value) => {
            LongDouble::parse(&value).ok_or_else(|| line("ERR hash value is not a float"))?
        }
    };
    let sum = current.add(incr);
    if !sum.is_finite() {
        return Err(CommandError::NanOrInfinity);
    }
    let text = sum.format_human();
    write_hash(ctx, &argv[1], "hincrbyfloat", |hash, limits| {
        hash.insert(&argv[2], text.as_bytes(), limits)
    })?;
    // Logged as the value it produced, so replaying gives the same digits.
    ctx.propagate_as = Some(vec![vec![
        Bytes::from_static(b"HSET"),
        argv[1].clone(),
        argv[2].clone(),
        Bytes::copy_from_slice(text.as_bytes()),
    ]]);
    ctx.reply.bulk(text.as_bytes());
    Ok(())
}

/// `HRANDFIELD key [count [WITHVALUES]]`
fn hrandfield(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut rng = rand::thread_rng();
    if argv.len() == 2 {
        return with_db(ctx, |db, now, reply| {
            let hash = as_hash(db.get_for_read(&argv[1], now))?;
            reply.bulk_or_null(hash.and_then(|h| h.random_pair(&mut rng)).map(|(f, _)| f));
            Ok(())
        });
    }
    let count = int_arg(&argv[2])?;
    if count == i64::MIN {
        return Err(line(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    if argv.len() > 4 || (argv.len() == 4 && !is_keyword(&argv[3], "withvalues")) {
        return Err(CommandError::Syntax);
    }
    let with_values = argv.len() == 4;
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(line("ERR value is out of range"));
    }
    with_db(ctx, |db, now, reply| {
        let Some(hash) = as_hash(db.get_for_read(&argv[1], now))? else {
            reply.array(0);
            return Ok(());
        };
        let resp3 = reply.protocol() == cedis_resp::Protocol::Resp3;
        let write = |reply: &mut crate::reply::Reply, field: &[u8], value: &[u8]| {
            if with_values {
                if resp3 {
                    reply.array(2);
                }
                reply.bulk(field);
                reply.bulk(value);
            } else {
                reply.bulk(field);
            }
        };
        let header = |reply: &mut crate::reply::Reply, n: usize| {
            reply.array(if with_values && !resp3 { n * 2 } else { n });
        };
        if count < 0 {
            let n = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
            let all: Vec<(&[u8], &[u8])> = hash.iter().collect();
            header(reply, n);
            for _ in 0..n {
                let (f, v) = all[rand::Rng::gen_range(&mut rng, 0..all.len())];
                write(reply, f, v);
            }
        } else {
            let picked = hash.random_pairs(count, &mut rng);
            header(reply, picked.len());
            for (f, v) in picked {
                write(reply, f, v);
            }
        }
        Ok(())
    })
}

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`
fn hscan(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let cursor = parse_cursor(&argv[2]).ok_or(CommandError::InvalidCursor)?;
    with_db(ctx, |db, now, reply| {
        let Some(hash) = as_hash(db.get_for_read(&argv[1], now))? else {
            reply.array(2);
            reply.bulk(b"0");
            reply.array(0);
            return Ok(());
        };
        let options = ScanOptions::parse(argv, 3)?;
        let (pairs, next) = hash.scan(cursor, options.count);
        let pairs: Vec<_> = pairs
            .into_iter()
            .filter(|(f, _)| options.matches(f))
            .collect();
        reply.array(2);
        reply.bulk(next.to_string().as_bytes());
        reply.array(pairs.len() * 2);
        for (f, v) in pairs {
            reply.bulk(f);
            reply.bulk(v);
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const HASH: Acl = Acl::HASH;
const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);
const WRITE_OOM_FAST: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);
const WRITE_FAST: Flags = Flags::WRITE.union(Flags::FAST);
const GROUP: &str = "hash";

const RO: K = K::RO;
const RO_ACCESS: K = K::RO.union(K::ACCESS);
const RW_UPDATE: K = K::RW.union(K::UPDATE);
const RW_ACCESS_UPDATE: K = K::RW.union(K::ACCESS).union(K::UPDATE);

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
        "hset",
        -4,
        doc(
            "Creates or modifies the value of fields in a hash.",
            "2.0.0",
            "O(1) for each field/value pair added",
            "key:key (field value) ...",
        ),
        hset,
    )
    .flags(WRITE_OOM_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new(
        "hsetnx",
        4,
        doc(
            "Sets the value of a field in a hash only when the field doesn't exist.",
            "2.0.0",
            "O(1)",
            "key:key field value",
        ),
        hsetnx,
    )
    .flags(WRITE_OOM_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::INSERT), 1)]),
    Command::new(
        "hget",
        3,
        doc(
            "Returns the value of a field in a hash.",
            "2.0.0",
            "O(1)",
            "key:key field",
        ),
        hget,
    )
    .flags(READ_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "hmset",
        -4,
        doc(
            "Sets the values of multiple fields.",
            "2.0.0",
            "O(N) where N is the number of fields being set",
            "key:key (field value) ...",
        )
        .flags(DocFlags::DEPRECATED)
        .deprecated_since("4.0.0")
        .replaced_by("`HSET` with multiple field-value pairs"),
        hmset,
    )
    .flags(WRITE_OOM_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_UPDATE, 1)]),
    Command::new(
        "hmget",
        -3,
        doc(
            "Returns the values of all fields in a hash.",
            "2.0.0",
            "O(N) where N is the number of fields being requested",
            "key:key field ...",
        ),
        hmget,
    )
    .flags(READ_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "hdel",
        -3,
        doc(
            "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
            "2.0.0",
            "O(N) where N is the number of fields to be removed",
            "key:key field ...",
        ),
        hdel,
    )
    .flags(WRITE_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::DELETE), 1)]),
    Command::new(
        "hexists",
        3,
        doc(
            "Determines whether a field exists in a hash.",
            "2.0.0",
            "O(1)",
            "key:key field",
        ),
        hexists,
    )
    .flags(READ_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO, 1)]),
    Command::new(
        "hlen",
        2,
        doc(
            "Returns the number of fields in a hash.",
            "2.0.0",
            "O(1)",
            "key:key",
        ),
        hlen,
    )
    .flags(READ_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO, 1)]),
    Command::new(
        "hstrlen",
        3,
        doc(
            "Returns the length of the value of a field.",
            "3.2.0",
            "O(1)",
            "key:key field",
        ),
        hstrlen,
    )
    .flags(READ_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO, 1)]),
    Command::new(
        "hkeys",
        2,
        doc(
            "Returns all fields in a hash.",
            "2.0.0",
            "O(N) where N is the size of the hash",
            "key:key",
        ),
        hkeys,
    )
    .flags(Flags::READONLY)
    .acl(HASH)
    .tips(&["nondeterministic_output_order"])
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "hvals",
        2,
        doc(
            "Returns all values in a hash.",
            "2.0.0",
            "O(N) where N is the size of the hash",
            "key:key",
        ),
        hvals,
    )
    .flags(Flags::READONLY)
    .acl(HASH)
    .tips(&["nondeterministic_output_order"])
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "hgetall",
        2,
        doc(
            "Returns all fields and values in a hash.",
            "2.0.0",
            "O(N) where N is the size of the hash",
            "key:key",
        ),
        hgetall,
    )
    .flags(Flags::READONLY)
    .acl(HASH)
    .tips(&["nondeterministic_output_order"])
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "hincrby",
        4,
        doc(
            "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.",
            "2.0.0",
            "O(1)",
            "key:key field increment:integer",
        ),
        hincrby,
    )
    .flags(WRITE_OOM_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "hincrbyfloat",
        4,
        doc(
            "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.",
            "2.6.0",
            "O(1)",
            "key:key field increment:double",
        ),
        hincrbyfloat,
    )
    .flags(WRITE_OOM_FAST)
    .acl(HASH)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "hrandfield",
        -2,
        doc(
            "Returns one or more random fields from a hash.",
            "6.2.0",
            "O(N) where N is the number of fields returned",
            "key:key [options=(count:integer [WITHVALUES])]",
        ),
        hrandfield,
    )
    .flags(Flags::READONLY)
    .acl(HASH)
    .tips(&["nondeterministic_output"])
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "hscan",
        -3,
        doc(
            "Iterates over fields and values of a hash.",
            "2.8.0",
            "O(1) for every call. O(N) for a complete iteration",
            "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        ),
        hscan,
    )
    .flags(Flags::READONLY)
    .acl(HASH)
    .tips(&["nondeterministic_output"])
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
];
