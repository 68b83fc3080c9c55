//! String commands: GET, SET and its variants, the counters, ranges, APPEND and LCS.
//!
//! Every behaviour here was checked against Redis 7.0.15, including the order in which
//! errors are found (which argument is parsed before the key is looked up, and which
//! after), since clients see only the first error.

use bytes::Bytes;
use cedis_store::{Keyspace, Ttl};
use cedis_types::long_double::IncrFloatError;
use cedis_types::{lcs, StringValue, Value};

use super::{Acl, Command, Ctx, Doc, DocFlags, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{int_arg, is_keyword};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};
use crate::reply::Reply;

/// Runs `f` with the selected database, the command's time and the reply buffer.
pub(crate) fn with_db<R>(
    ctx: &mut Ctx<'_>,
    f: impl FnOnce(&mut Keyspace, u64, &mut Reply) -> R,
) -> R {
    let (db, now, reply) = ctx.db_and_reply();
    f(db, now, reply)
}

/// SET only overwrites its key unless `GET` asks for the old value too.
fn set_key_flags(argv: &[Bytes]) -> K {
    if argv
        .iter()
        .skip(3)
        .any(|arg| arg.eq_ignore_ascii_case(b"get"))
    {
        RW_ACCESS_UPDATE
    } else {
        K::OW.union(K::UPDATE)
    }
}

/// The string a key holds: `Ok(None)` when missing, WRONGTYPE for another type.
pub(crate) fn as_string(value: Option<&Value>) -> Result<Option<&StringValue>, CommandError> {
    match value {
        None => Ok(None),
        Some(value) => value.as_string().map(Some).ok_or(CommandError::WrongType),
    }
}

/// The string value of `key` for a write command (no hit/miss stats), copied out.
fn read_for_write(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<StringValue>, CommandError> {
    let now = ctx.now_ms();
    Ok(as_string(ctx.db().get(key, now))?.cloned())
}

fn proto_max_bulk_len(ctx: &Ctx<'_>) -> u64 {
    ctx.server.config().proto_max_bulk_len
}

/// Checks the length a write would give a string against `proto-max-bulk-len`.
fn check_length(ctx: &Ctx<'_>, offset: u64, len: u64) -> CommandResult {
    match offset.checked_add(len) {
        Some(total) if total <= proto_max_bulk_len(ctx) => Ok(()),
        _ => Err(CommandError::StringTooLong),
    }
}

// ---------------------------------------------------------------------------------------
// Expiry arguments
// ---------------------------------------------------------------------------------------

/// Which expiry option was given: the unit and whether the time is absolute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExpireKind {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl ExpireKind {
    fn parse(arg: &[u8]) -> Option<ExpireKind> {
        [
            ("ex", ExpireKind::Ex),
            ("px", ExpireKind::Px),
            ("exat", ExpireKind::ExAt),
            ("pxat", ExpireKind::PxAt),
        ]
        .into_iter()
        .find(|(name, _)| is_keyword(arg, name))
        .map(|(_, kind)| kind)
    }
}

/// Turns an expiry argument into a deadline (Unix ms), with Redis's checks: not an
/// integer, not positive, or overflowing once converted to milliseconds or made
/// absolute is an error; a deadline already in the past is not.
fn deadline(kind: ExpireKind, arg: &[u8], now: u64, command: &str) -> Result<u64, CommandError> {
    let n = int_arg(arg)?;
    let invalid = || CommandError::InvalidExpireTime(command.to_string());
    if n <= 0 {
        return Err(invalid());
    }
    let ms = match kind {
        ExpireKind::Ex | ExpireKind::ExAt => n.checked_mul(1000).ok_or_else(invalid)?,
        ExpireKind::Px | ExpireKind::PxAt => n,
    };
    let ms = match kind {
        ExpireKind::Ex | ExpireKind::Px => {
            let now = i64::try_from(now).map_err(|_| invalid())?;
            ms.checked_add(now).ok_or_else(invalid)?
        }
        ExpireKind::ExAt | ExpireKind::PxAt => ms,
    };
    u64::try_from(ms).map_err(|_| invalid())
}

// ---------------------------------------------------------------------------------------
// GET, SET and friends
// ---------------------------------------------------------------------------------------

fn get(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        match as_string(db.get_for_read(&argv[1], now))? {
            Some(s) => reply.bulk(&s.to_bytes()),
            None => reply.null(),
        }
        Ok(())
    })
}

/// SET's options once parsed.
#[derive(Default)]
struct SetOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    expire: Option<(ExpireKind, &'a [u8])>,
}

fn parse_set_options(argv: &[Bytes]) -> Result<SetOptions<'_>, CommandError> {
    let mut opts = SetOptions::default();
    let mut i = 3;
    while let Some(arg) = argv.get(i) {
        let has_next = i + 1 < argv.len();
        if is_keyword(arg, "nx") && !opts.xx {
            opts.nx = true;
        } else if is_keyword(arg, "xx") && !opts.nx {
            opts.xx = true;
        } else if is_keyword(arg, "get") {
            opts.get = true;
        } else if is_keyword(arg, "keepttl") && opts.expire.is_none() {
            opts.keep_ttl = true;
        } else if let Some(kind) = ExpireKind::parse(arg).filter(|kind| {
            // The same option may be repeated (the last value wins), another may not.
            has_next && !opts.keep_ttl && opts.expire.is_none_or(|(k, _)| k == *kind)
        }) {
            i += 1;
            opts.expire = Some((kind, &argv[i][..]));
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    Ok(opts)
}

fn set(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let opts = parse_set_options(argv)?;
    let now = ctx.now_ms();
    let expire = match opts.expire {
        Some((kind, arg)) => Some(deadline(kind, arg, now, "set")?),
        None => None,
    };
    let key = &argv[1][..];
    let db = ctx.db();
    let old = if opts.get {
        Some(as_string(db.get_for_read(key, now))?.map(|s| s.to_bytes().into_owned()))
    } else {
        None
    };
    let found = match &old {
        Some(old) => old.is_some(),
        None if opts.nx || opts.xx => db.get(key, now).is_some(),
        None => false,
    };
    if (opts.nx && found) || (opts.xx && !found) {
        match old {
            Some(old) => ctx.reply.bulk_or_null(old.as_deref()),
            None => ctx.reply.null(),
        }
        return Ok(());
    }
    let ttl = match expire {
        Some(at) => Ttl::At(at),
        None if opts.keep_ttl => Ttl::Keep,
        None => Ttl::Clear,
    };
    db.set(
        key,
        Value::String(StringValue::from_bytes(&argv[2])),
        ttl,
        now,
    );
    ctx.notify(ev::STRING, "set", key);
    if expire.is_some() {
        ctx.notify(ev::GENERIC, "expire", key);
    }
    match old {
        Some(old) => ctx.reply.bulk_or_null(old.as_deref()),
        None => ctx.reply.ok(),
    }
    Ok(())
}

fn setnx(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    if db.get(&argv[1], now).is_some() {
        ctx.reply.int(0);
    } else {
        let value = Value::String(StringValue::from_bytes(&argv[2]));
        db.set(&argv[1], value, Ttl::Clear, now);
        ctx.notify(ev::STRING, "set", &argv[1]);
        ctx.reply.int(1);
    }
    Ok(())
}

/// SETEX and PSETEX.
fn set_with_expire(ctx: &mut Ctx<'_>, argv: &[Bytes], kind: ExpireKind) -> CommandResult {
    let name = if kind == ExpireKind::Ex {
        "setex"
    } else {
        "psetex"
    };
    let now = ctx.now_ms();
    let at = deadline(kind, &argv[2], now, name)?;
    let value = Value::String(StringValue::from_bytes(&argv[3]));
    ctx.db().set(&argv[1], value, Ttl::At(at), now);
    ctx.notify(ev::STRING, "set", &argv[1]);
    ctx.notify(ev::GENERIC, "expire", &argv[1]);
    ctx.reply.ok();
    Ok(())
}

fn setex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    set_with_expire(ctx, argv, ExpireKind::Ex)
}

fn psetex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    set_with_expire(ctx, argv, ExpireKind::Px)
}

fn getset(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    let old = as_string(db.get_for_read(&argv[1], now))?.map(|s| s.to_bytes().into_owned());
    let value = Value::String(StringValue::from_bytes(&argv[2]));
    db.set(&argv[1], value, Ttl::Clear, now);
    ctx.notify(ev::STRING, "set", &argv[1]);
    ctx.reply.bulk_or_null(old.as_deref());
    Ok(())
}

/// What GETEX does to the key's deadline.
enum GetExAction<'a> {
    Nothing,
    Persist,
    Expire(ExpireKind, &'a [u8]),
}

fn getex(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut action = GetExAction::Nothing;
    let mut i = 2;
    while let Some(arg) = argv.get(i) {
        let has_next = i + 1 < argv.len();
        if is_keyword(arg, "persist")
            && matches!(action, GetExAction::Nothing | GetExAction::Persist)
        {
            action = GetExAction::Persist;
        } else if let Some(kind) = ExpireKind::parse(arg).filter(|kind| {
            has_next
                && match action {
                    GetExAction::Nothing => true,
                    GetExAction::Persist => false,
                    GetExAction::Expire(k, _) => k == *kind,
                }
        }) {
            i += 1;
            action = GetExAction::Expire(kind, &argv[i]);
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    let key = &argv[1][..];
    let event = with_db(ctx, |db, now, reply| {
        let Some(value) = as_string(db.get_for_read(key, now))? else {
            reply.null();
            return Ok(None);
        };
        let at = match action {
            GetExAction::Expire(kind, arg) => Some(deadline(kind, arg, now, "getex")?),
            _ => None,
        };
        reply.bulk(&value.to_bytes());
        Ok(match action {
            GetExAction::Nothing => None,
            GetExAction::Persist => db.expire_at(key, now).map(|_| {
                db.set_expire(key, None, now);
                "persist"
            }),
            GetExAction::Expire(..) => {
                db.set_expire(key, at, now);
                Some(if at.is_some_and(|at| at <= now) {
                    "del"
                } else {
                    "expire"
                })
            }
        })
    })?;
    if let Some(event) = event {
        ctx.notify(ev::GENERIC, event, key);
    }
    Ok(())
}

fn getdel(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    if as_string(db.get_for_read(&argv[1], now))?.is_none() {
        ctx.reply.null();
        return Ok(());
    }
    let old = db.remove(&argv[1], now);
    ctx.notify(ev::GENERIC, "del", &argv[1]);
    ctx.propagate_as = Some(vec![vec![Bytes::from_static(b"DEL"), argv[1].clone()]]);
    match old.as_ref().and_then(Value::as_string) {
        Some(s) => ctx.reply.bulk(&s.to_bytes()),
        None => ctx.reply.null(),
    }
    Ok(())
}

fn mget(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        reply.array(argv.len() - 1);
        for key in &argv[1..] {
            match db.get_for_read(key, now).and_then(Value::as_string) {
                Some(s) => reply.bulk(&s.to_bytes()),
                None => reply.null(),
            }
        }
    });
    Ok(())
}

/// MSET and MSETNX need key/value pairs.
fn check_pairs(argv: &[Bytes], name: &str) -> CommandResult {
    if argv.len() % 2 == 0 {
        return Err(CommandError::WrongArity(name.to_string()));
    }
    Ok(())
}

fn set_pairs(ctx: &mut Ctx<'_>, argv: &[Bytes], now: u64) {
    for pair in argv[1..].chunks_exact(2) {
        let value = Value::String(StringValue::from_bytes(&pair[1]));
        ctx.db().set(&pair[0], value, Ttl::Clear, now);
        ctx.notify(ev::STRING, "set", &pair[0]);
    }
}

fn mset(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    check_pairs(argv, "mset")?;
    let now = ctx.now_ms();
    set_pairs(ctx, argv, now);
    ctx.reply.ok();
    Ok(())
}

fn msetnx(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    check_pairs(argv, "msetnx")?;
    let now = ctx.now_ms();
    let db = ctx.db();
    let any_exists = argv[1..]
        .chunks_exact(2)
        .any(|pair| db.get(&pair[0], now).is_some());
    if any_exists {
        ctx.reply.int(0);
    } else {
        set_pairs(ctx, argv, now);
        ctx.reply.int(1);
    }
    Ok(())
}

fn strlen(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let len = as_string(ctx.db().get_for_read(&argv[1], now))?.map_or(0, StringValue::len);
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

fn append(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let key = &argv[1][..];
    let now = ctx.now_ms();
    let current_len = as_string(ctx.db().get(key, now))?.map(StringValue::len);
    let len = match current_len {
        None => {
            let value = StringValue::from_bytes(&argv[2]);
            let len = value.len();
            ctx.db().set(key, Value::String(value), Ttl::Clear, now);
            len
        }
        Some(len) => {
            check_length(ctx, len as u64, argv[2].len() as u64)?;
            ctx.db()
                .update(key, now, |v| v.as_string_mut().map(|s| s.append(&argv[2])))
                .flatten()
                .unwrap_or(len)
        }
    };
    ctx.notify(ev::STRING, "append", key);
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------

/// INCR, DECR, INCRBY, DECRBY: adds `delta` to the integer at `key` (0 when missing),
/// keeping the key's deadline.
fn add_integer(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) -> CommandResult {
    let now = ctx.now_ms();
    let db = ctx.db();
    let current = match as_string(db.get(key, now))? {
        None => None,
        Some(s) => Some(s.as_i64().ok_or(CommandError::NotInteger)?),
    };
    let new = current
        .unwrap_or(0)
        .checked_add(delta)
        .ok_or(CommandError::Overflow)?;
    let value = Value::String(StringValue::from_i64(new));
    match current {
        Some(_) => {
            db.update(key, now, |v| *v = value);
        }
        None => db.set(key, value, Ttl::Clear, now),
    }
    ctx.notify(ev::STRING, "incrby", key);
    ctx.reply.int(new);
    Ok(())
}

fn incr(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    add_integer(ctx, &argv[1], 1)
}

fn decr(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    add_integer(ctx, &argv[1], -1)
}

fn incrby(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let delta = int_arg(&argv[2])?;
    add_integer(ctx, &argv[1], delta)
}

fn decrby(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let delta = int_arg(&argv[2])?;
    let delta = delta.checked_neg().ok_or(CommandError::DecrementOverflow)?;
    add_integer(ctx, &argv[1], delta)
}

fn incrbyfloat(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let key = &argv[1][..];
    let current = read_for_write(ctx, key)?;
    // Redis's arithmetic in x87 extended precision; the result is stored as text.
    let value = current
        .as_ref()
        .unwrap_or(&StringValue::from_i64(0))
        .incr_by_float(&argv[2])
        .map_err(|err| match err {
            IncrFloatError::NanOrInfinity => CommandError::NanOrInfinity,
            IncrFloatError::InvalidValue | IncrFloatError::InvalidIncrement => {
                CommandError::NotFloat
            }
        })?;
    let text = value.to_bytes().into_owned();
    let now = ctx.now_ms();
    let db = ctx.db();
    let value = Value::String(value);
    match current {
        Some(_) => {
            db.update(key, now, |v| *v = value);
        }
        None => db.set(key, value, Ttl::Clear, now),
    }
    ctx.notify(ev::STRING, "incrbyfloat", key);
    // Logged as the value it produced, so replaying gives the same digits.
    ctx.propagate_as = Some(vec![vec![
        Bytes::from_static(b"SET"),
        argv[1].clone(),
        Bytes::copy_from_slice(&text),
        Bytes::from_static(b"KEEPTTL"),
    ]]);
    ctx.reply.bulk(&text);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------

/// GETRANGE and SUBSTR.
fn getrange(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let start = int_arg(&argv[2])?;
    let end = int_arg(&argv[3])?;
    with_db(ctx, |db, now, reply| {
        match as_string(db.get_for_read(&argv[1], now))? {
            Some(s) => reply.bulk(&s.get_range(start, end)),
            None => reply.bulk(b""),
        }
        Ok(())
    })
}

fn setrange(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let key = &argv[1][..];
    let value = &argv[3][..];
    let offset = int_arg(&argv[2])?;
    let offset = u64::try_from(offset).map_err(|_| CommandError::OffsetOutOfRange)?;
    let now = ctx.now_ms();
    let current_len = as_string(ctx.db().get(key, now))?.map(StringValue::len);
    let len = match current_len {
        None if value.is_empty() => 0,
        Some(len) if value.is_empty() => len,
        _ => {
            check_length(ctx, offset, value.len() as u64)?;
            // Within proto-max-bulk-len, so it fits in memory's address space.
            let offset = usize::try_from(offset).map_err(|_| CommandError::StringTooLong)?;
            let len = match current_len {
                None => {
                    let mut bytes = vec![0; offset];
                    bytes.extend_from_slice(value);
                    let len = bytes.len();
                    let value = Value::String(StringValue::from_raw(bytes));
                    ctx.db().set(key, value, Ttl::Clear, now);
                    len
                }
                Some(len) => ctx
                    .db()
                    .update(key, now, |v| {
                        v.as_string_mut().map(|s| s.set_range(offset, value))
                    })
                    .flatten()
                    .unwrap_or(len),
            };
            ctx.notify(ev::STRING, "setrange", key);
            len
        }
    };
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------------------

fn lcs_command(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let now = ctx.now_ms();
    let (a, b) = {
        let db = ctx.db();
        let a = db
            .get_for_read(&argv[1], now)
            .map(|v| v.as_string().map(|s| s.to_bytes().into_owned()));
        let b = db
            .get_for_read(&argv[2], now)
            .map(|v| v.as_string().map(|s| s.to_bytes().into_owned()));
        match (a, b) {
            (Some(None), _) | (_, Some(None)) => return Err(CommandError::LcsNotStrings),
            (a, b) => (
                a.flatten().unwrap_or_default(),
                b.flatten().unwrap_or_default(),
            ),
        }
    };
    let (mut want_len, mut want_idx, mut with_match_len) = (false, false, false);
    let mut min_match_len: i64 = 0;
    let mut i = 3;
    while let Some(arg) = argv.get(i) {
        if is_keyword(arg, "idx") {
            want_idx = true;
        } else if is_keyword(arg, "len") {
            want_len = true;
        } else if is_keyword(arg, "withmatchlen") {
            with_match_len = true;
        } else if is_keyword(arg, "minmatchlen") && i + 1 < argv.len() {
            i += 1;
            min_match_len = int_arg(&argv[i])?;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    if want_idx && want_len {
        return Err(CommandError::LcsLenAndIdx);
    }
    if lcs::exceeds_memory_limit(a.len(), b.len(), proto_max_bulk_len(ctx)) {
        return Err(CommandError::LcsTooLarge);
    }
    let int = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let reply = &mut *ctx.reply;
    if want_len {
        reply.int(int(lcs::lcs_len(&a, &b)));
        return Ok(());
    }
    let result = lcs::lcs(&a, &b);
    if !want_idx {
        reply.bulk(&result.string);
        return Ok(());
    }
    let shown: Vec<&lcs::LcsMatch> = result.matches_min_len(min_match_len).collect();
    reply.map(2);
    reply.bulk(b"matches");
    reply.array(shown.len());
    for m in shown {
        reply.array(if with_match_len { 3 } else { 2 });
        reply.array(2);
        reply.int(int(m.a.0));
        reply.int(int(m.a.1));
        reply.array(2);
        reply.int(int(m.b.0));
        reply.int(int(m.b.1));
        if with_match_len {
            reply.int(int(m.len));
        }
    }
    reply.bulk(b"len");
    reply.int(int(result.len()));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const STRING: Acl = Acl::STRING;
const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);
const WRITE_OOM: Flags = Flags::WRITE.union(Flags::DENYOOM);
const WRITE_OOM_FAST: Flags = WRITE_OOM.union(Flags::FAST);
const GROUP: &str = "string";

const RO_ACCESS: K = K::RO.union(K::ACCESS);
const RW_ACCESS_UPDATE: K = K::RW.union(K::ACCESS).union(K::UPDATE);
const OW_UPDATE: K = K::OW.union(K::UPDATE);
const OW_INSERT: K = K::OW.union(K::INSERT);

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
        "get",
        2,
        doc("Returns the string value of a key.", "1.0.0", "O(1)", "key:key"),
        get,
    )
    .flags(READ_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "set",
        -3,
        doc(
            "Sets a key's string value, optionally with an expiry, a condition, or returning the old value.",
            "1.0.0",
            "O(1)",
            "key:key value [condition=(NX|XX)@2.6.12] [GET@6.2.0] \
             [expiration=(EX seconds:integer@2.6.12|PX milliseconds:integer@2.6.12|\
             EXAT unix-time-seconds:unix-time@6.2.0|PXAT unix-time-milliseconds:unix-time@6.2.0|\
             KEEPTTL@6.0.0)]",
        ),
        set,
    )
    .flags(WRITE_OOM)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE.union(K::VARIABLE_FLAGS), 1)
        .notes("RW and ACCESS due to the optional `GET` argument")])
    .variable_key_flags(set_key_flags),
    Command::new(
        "setnx",
        3,
        doc(
            "Sets a key's string value only when the key does not exist.",
            "1.0.0",
            "O(1)",
            "key:key value",
        ),
        setnx,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(OW_INSERT, 1)]),
    Command::new(
        "setex",
        4,
        doc(
            "Sets a key's string value with a time to live in seconds.",
            "2.0.0",
            "O(1)",
            "key:key seconds:integer value",
        ),
        setex,
    )
    .flags(WRITE_OOM)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(OW_UPDATE, 1)]),
    Command::new(
        "psetex",
        4,
        doc(
            "Sets a key's string value with a time to live in milliseconds.",
            "2.6.0",
            "O(1)",
            "key:key milliseconds:integer value",
        ),
        psetex,
    )
    .flags(WRITE_OOM)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(OW_UPDATE, 1)]),
    Command::new(
        "getset",
        3,
        doc(
            "Sets a key's string value and returns the previous one.",
            "1.0.0",
            "O(1)",
            "key:key value",
        )
        .flags(DocFlags::DEPRECATED)
        .deprecated_since("6.2.0")
        .replaced_by("`SET` with the `!GET` argument"),
        getset,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "getex",
        -2,
        doc(
            "Returns a key's string value and optionally changes or removes its expiry.",
            "6.2.0",
            "O(1)",
            "key:key [expiration=(EX seconds:integer|PX milliseconds:integer|\
             EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST)]",
        ),
        getex,
    )
    .flags(Flags::WRITE.union(Flags::FAST))
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)
        .notes("RW and UPDATE because it changes the TTL")]),
    Command::new(
        "getdel",
        2,
        doc(
            "Returns a key's string value and deletes the key.",
            "6.2.0",
            "O(1)",
            "key:key",
        ),
        getdel,
    )
    .flags(Flags::WRITE.union(Flags::FAST))
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::ACCESS).union(K::DELETE), 1)]),
    Command::new(
        "mget",
        -2,
        doc(
            "Returns the string values of several keys.",
            "1.0.0",
            "O(N) where N is the number of keys",
            "key:key ...",
        ),
        mget,
    )
    .flags(READ_FAST)
    .acl(STRING)
    .tips(&["request_policy:multi_shard"])
    .keys(1, -1, 1)
    .key_specs(&[KeySpec::range(RO_ACCESS, 1, -1, 1)]),
    Command::new(
        "mset",
        -3,
        doc(
            "Sets several keys to string values.",
            "1.0.1",
            "O(N) where N is the number of keys",
            "(key:key value) ...",
        ),
        mset,
    )
    .flags(WRITE_OOM)
    .acl(STRING)
    .tips(&["request_policy:multi_shard", "response_policy:all_succeeded"])
    .keys(1, -1, 2)
    .key_specs(&[KeySpec::range(OW_UPDATE, 1, -1, 2)]),
    Command::new(
        "msetnx",
        -3,
        doc(
            "Sets several keys to string values only when none of them exists.",
            "1.0.1",
            "O(N) where N is the number of keys",
            "(key:key value) ...",
        ),
        msetnx,
    )
    .flags(WRITE_OOM)
    .acl(STRING)
    .tips(&["request_policy:multi_shard", "response_policy:agg_min"])
    .keys(1, -1, 2)
    .key_specs(&[KeySpec::range(OW_INSERT, 1, -1, 2)]),
    Command::new(
        "append",
        3,
        doc(
            "Appends to a key's string value, creating the key when missing.",
            "2.0.0",
            "O(1) amortized",
            "key:key value",
        ),
        append,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::INSERT), 1)]),
    Command::new(
        "strlen",
        2,
        doc(
            "Returns the length of a key's string value.",
            "2.2.0",
            "O(1)",
            "key:key",
        ),
        strlen,
    )
    .flags(READ_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RO, 1)]),
    Command::new(
        "incr",
        2,
        doc(
            "Adds one to the integer stored at a key.",
            "1.0.0",
            "O(1)",
            "key:key",
        ),
        incr,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "decr",
        2,
        doc(
            "Subtracts one from the integer stored at a key.",
            "1.0.0",
            "O(1)",
            "key:key",
        ),
        decr,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "incrby",
        3,
        doc(
            "Adds an amount to the integer stored at a key.",
            "1.0.0",
            "O(1)",
            "key:key increment:integer",
        ),
        incrby,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "decrby",
        3,
        doc(
            "Subtracts an amount from the integer stored at a key.",
            "1.0.0",
            "O(1)",
            "key:key decrement:integer",
        ),
        decrby,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "incrbyfloat",
        3,
        doc(
            "Adds a floating-point amount to the number stored at a key.",
            "2.6.0",
            "O(1)",
            "key:key increment:double",
        ),
        incrbyfloat,
    )
    .flags(WRITE_OOM_FAST)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "getrange",
        4,
        doc(
            "Returns a substring of a key's string value.",
            "2.4.0",
            "O(N) where N is the length of the substring",
            "key:key start:integer end:integer",
        ),
        getrange,
    )
    .flags(Flags::READONLY)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "substr",
        4,
        doc(
            "Returns a substring of a key's string value (the old name of GETRANGE).",
            "1.0.0",
            "O(N) where N is the length of the substring",
            "key:key start:integer end:integer",
        )
        .flags(DocFlags::DEPRECATED)
        .deprecated_since("2.0.0")
        .replaced_by("`GETRANGE`"),
        getrange,
    )
    .flags(Flags::READONLY)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "setrange",
        4,
        doc(
            "Overwrites part of a key's string value at an offset, padding with zero bytes.",
            "2.2.0",
            "O(1) plus copying the new bytes",
            "key:key offset:integer value",
        ),
        setrange,
    )
    .flags(WRITE_OOM)
    .acl(STRING)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::RW.union(K::UPDATE), 1)]),
    Command::new(
        "lcs",
        -3,
        doc(
            "Finds the longest common subsequence of two keys' string values.",
            "7.0.0",
            "O(N*M) where N and M are the lengths of the strings",
            "key1:key key2:key#0 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]",
        ),
        lcs_command,
    )
    .flags(Flags::READONLY)
    .acl(STRING)
    .keys(1, 2, 1)
    .key_specs(&[KeySpec::range(RO_ACCESS, 1, 1, 1)]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_arithmetic_rejects_overflow() {
        let now = 1_700_000_000_000;
        let err = |kind, arg: &str| {
            deadline(kind, arg.as_bytes(), now, "set")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(ExpireKind::Ex, "0"),
            "ERR invalid expire time in 'set' command"
        );
        assert_eq!(
            err(ExpireKind::Ex, "9223372036854775"),
            "ERR invalid expire time in 'set' command"
        );
        assert_eq!(
            err(ExpireKind::Px, "9223372036854775807"),
            "ERR invalid expire time in 'set' command"
        );
        assert_eq!(
            err(ExpireKind::Ex, "x"),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            deadline(ExpireKind::ExAt, b"9223372036854775", now, "set"),
            Ok(9_223_372_036_854_775_000)
        );
        assert_eq!(
            deadline(ExpireKind::Ex, b"10", now, "set"),
            Ok(now + 10_000)
        );
    }
}
