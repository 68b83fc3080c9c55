//! Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
//!
//! Bitmaps are strings; the byte-level work is in `cedis_types::bits`. This file parses
//! arguments in Redis's order (some errors come before the key is looked up, some after)
//! and applies the results to the keyspace.

use bytes::Bytes;
use cedis_store::{Keyspace, Ttl};
use cedis_types::bits::{self, BitOp, BitUnit, BitfieldType, Overflow};
use cedis_types::number::parse_i64;
use cedis_types::{StringValue, Value};

use super::string::{as_string, with_db};
use super::{Acl, Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{int_arg, is_keyword};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};

fn max_bytes(ctx: &Ctx<'_>) -> u64 {
    ctx.server.config().proto_max_bulk_len
}

/// A raw-encoded string (what bit operations leave behind in Redis).
fn raw_string(bytes: Vec<u8>) -> Value {
    Value::String(StringValue::from_raw(bytes))
}

/// A SETBIT/GETBIT offset: a non-negative integer whose byte is within
/// `proto-max-bulk-len`.
fn bit_offset(ctx: &Ctx<'_>, arg: &[u8]) -> Result<u64, CommandError> {
    bits::parse_bit_offset(arg, max_bytes(ctx)).ok_or(CommandError::BitOffset)
}

fn setbit(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let offset = bit_offset(ctx, &argv[2])?;
    let bit = match parse_i64(&argv[3]) {
        Some(0) => 0,
        Some(1) => 1,
        _ => return Err(CommandError::BitValue),
    };
    let key = &argv[1][..];
    let now = ctx.now_ms();
    let db = ctx.db();
    // Redis reports `setbit` only when the bit flipped or the string grew.
    let (old, changed) = if let Some(s) = as_string(db.get(key, now))? {
        let grows = (offset / 8) as usize >= s.len();
        let old = db
            .update(key, now, |v| {
                v.as_string_mut()
                    .map(|s| bits::set_bit(s.raw_mut(), offset, bit))
            })
            .flatten()
            .unwrap_or(0);
        (old, grows || old != bit)
    } else {
        let mut bytes = Vec::new();
        bits::set_bit(&mut bytes, offset, bit);
        db.set(key, raw_string(bytes), Ttl::Clear, now);
        (0, true)
    };
    if changed {
        ctx.notify(ev::STRING, "setbit", key);
    }
    ctx.reply.int(i64::from(old));
    Ok(())
}

fn getbit(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let offset = bit_offset(ctx, &argv[2])?;
    let now = ctx.now_ms();
    let bit = match as_string(ctx.db().get_for_read(&argv[1], now))? {
        Some(s) => bits::get_bit(&s.to_bytes(), offset),
        None => 0,
    };
    ctx.reply.int(i64::from(bit));
    Ok(())
}

/// The `BYTE|BIT` option of BITCOUNT and BITPOS.
fn bit_unit(arg: &[u8]) -> Result<BitUnit, CommandError> {
    if is_keyword(arg, "byte") {
        Ok(BitUnit::Byte)
    } else if is_keyword(arg, "bit") {
        Ok(BitUnit::Bit)
    } else {
        Err(CommandError::Syntax)
    }
}

fn bitcount(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    with_db(ctx, |db, now, reply| {
        // A missing key counts 0 whatever the other arguments are.
        let Some(s) = as_string(db.get_for_read(&argv[1], now))? else {
            reply.int(0);
            return Ok(());
        };
        let bytes = s.to_bytes();
        let count = match argv.len() {
            2 => bits::bit_count_all(&bytes),
            4 | 5 => {
                let start = int_arg(&argv[2])?;
                let end = int_arg(&argv[3])?;
                let unit = match argv.get(4) {
                    Some(arg) => bit_unit(arg)?,
                    None => BitUnit::Byte,
                };
                bits::bit_count(&bytes, start, end, unit)
            }
            _ => return Err(CommandError::Syntax),
        };
        reply.int(i64::try_from(count).unwrap_or(i64::MAX));
        Ok(())
    })
}

fn bitpos(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let bit = match int_arg(&argv[2])? {
        0 => 0,
        1 => 1,
        _ => return Err(CommandError::BitArgument),
    };
    with_db(ctx, |db, now, reply| {
        let Some(s) = as_string(db.get_for_read(&argv[1], now))? else {
            // A missing key is all zeros: the first 0 is at 0, there is no 1.
            reply.int(if bit == 1 { -1 } else { 0 });
            return Ok(());
        };
        if argv.len() > 6 {
            return Err(CommandError::Syntax);
        }
        let start = argv.get(3).map(|a| int_arg(a)).transpose()?;
        let end = argv.get(4).map(|a| int_arg(a)).transpose()?;
        let unit = match argv.get(5) {
            Some(arg) => bit_unit(arg)?,
            None => BitUnit::Byte,
        };
        let bytes = s.to_bytes();
        // An existing empty string holds no bit at all, not even the padding zeros.
        let pos = if bytes.is_empty() {
            -1
        } else {
            bits::bit_pos(&bytes, bit, start, end, unit)
        };
        reply.int(pos);
        Ok(())
    })
}

fn bitop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let op = BitOp::parse(&argv[1]).ok_or(CommandError::Syntax)?;
    let sources = &argv[3..];
    if op == BitOp::Not && sources.len() != 1 {
        return Err(CommandError::BitopNotSingleSource);
    }
    let now = ctx.now_ms();
    let db = ctx.db();
    let mut values = Vec::with_capacity(sources.len());
    for key in sources {
        let bytes = as_string(db.get_for_read(key, now))?.map(|s| s.to_bytes().into_owned());
        values.push(bytes.unwrap_or_default());
    }
    let slices: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
    let result = bits::bit_op(op, &slices);
    let len = result.len();
    if result.is_empty() {
        if db.remove(&argv[2], now).is_some() {
            ctx.notify(ev::GENERIC, "del", &argv[2]);
        }
    } else {
        db.set(&argv[2], raw_string(result), Ttl::Clear, now);
        ctx.notify(ev::STRING, "set", &argv[2]);
    }
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// BITFIELD
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum FieldAction {
    Get,
    Set(i64),
    IncrBy(i64),
}

#[derive(Clone, Copy, Debug)]
struct FieldOp {
    action: FieldAction,
    ty: BitfieldType,
    offset: u64,
    overflow: Overflow,
}

impl FieldOp {
    fn writes(&self) -> bool {
        !matches!(self.action, FieldAction::Get)
    }
}

/// `i1`..`i64` or `u1`..`u63`, the prefix in lower case only.
fn field_type(arg: &[u8]) -> Result<BitfieldType, CommandError> {
    let (signed, digits) = match arg {
        [b'i', rest @ ..] => (true, rest),
        [b'u', rest @ ..] => (false, rest),
        _ => return Err(CommandError::BitfieldType),
    };
    let max = if signed { 64 } else { 63 };
    match parse_i64(digits) {
        Some(bits) if (1..=max).contains(&bits) => Ok(BitfieldType {
            signed,
            bits: bits as u8,
        }),
        _ => Err(CommandError::BitfieldType),
    }
}

/// A field offset: bits, or `#N` for N times the type's width. Redis multiplies in 64-bit
/// two's complement and then checks the result like a SETBIT offset, so a product that
/// wraps around to a small positive number is accepted; cedis does the same.
fn field_offset(arg: &[u8], ty: BitfieldType, max_bytes: u64) -> Result<u64, CommandError> {
    let (hash, digits) = match arg {
        [b'#', rest @ ..] => (true, rest),
        _ => (false, arg),
    };
    let n = parse_i64(digits).ok_or(CommandError::BitOffset)?;
    let offset = if hash {
        n.wrapping_mul(i64::from(ty.bits))
    } else {
        n
    };
    match u64::try_from(offset) {
        Ok(offset) if (offset >> 3) < max_bytes => Ok(offset),
        _ => Err(CommandError::BitOffset),
    }
}

fn parse_field_ops(argv: &[Bytes], max_bytes: u64) -> Result<Vec<FieldOp>, CommandError> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < argv.len() {
        let sub = &argv[j][..];
        let more = argv.len() - j - 1;
        let action_args = if is_keyword(sub, "get") && more >= 2 {
            2
        } else if (is_keyword(sub, "set") || is_keyword(sub, "incrby")) && more >= 3 {
            3
        } else if is_keyword(sub, "overflow") && more >= 1 {
            overflow = Overflow::parse(&argv[j + 1]).ok_or(CommandError::BitfieldOverflowType)?;
            j += 2;
            continue;
        } else {
            return Err(CommandError::Syntax);
        };
        let ty = field_type(&argv[j + 1])?;
        let offset = field_offset(&argv[j + 2], ty, max_bytes)?;
        let action = if action_args == 2 {
            FieldAction::Get
        } else if is_keyword(sub, "set") {
            FieldAction::Set(int_arg(&argv[j + 3])?)
        } else {
            FieldAction::IncrBy(int_arg(&argv[j + 3])?)
        };
        ops.push(FieldOp {
            action,
            ty,
            offset,
            overflow,
        });
        j += 1 + action_args;
    }
    Ok(ops)
}

/// What the operations of one BITFIELD did.
struct FieldResults {
    replies: Vec<Option<i64>>,
    /// Some write succeeded (was not refused by `OVERFLOW FAIL`).
    wrote: bool,
    /// Some write changed a field's value.
    changed: bool,
}

/// Runs the operations on the bytes of a string that is long enough for every write.
fn run_field_ops(bytes: &mut Vec<u8>, ops: &[FieldOp]) -> FieldResults {
    let mut wrote = false;
    let mut changed = false;
    let replies = ops
        .iter()
        .map(|op| {
            let before = || bits::bitfield_get(bytes, op.offset, op.ty);
            let (old, result) = match op.action {
                FieldAction::Get => return Some(before()),
                FieldAction::Set(value) => (
                    before(),
                    bits::bitfield_set(bytes, op.offset, op.ty, value, op.overflow),
                ),
                FieldAction::IncrBy(by) => (
                    before(),
                    bits::bitfield_incrby(bytes, op.offset, op.ty, by, op.overflow),
                ),
            };
            if result.is_some() {
                wrote = true;
                changed |= bits::bitfield_get(bytes, op.offset, op.ty) != old;
            }
            result
        })
        .collect();
    FieldResults {
        replies,
        wrote,
        changed,
    }
}

/// BITFIELD with at least one SET or INCRBY: the string is created or grown to hold the
/// furthest written field first (even when the write then fails under OVERFLOW FAIL).
/// Also whether Redis reports it (`setbit`): a write succeeded and changed a value or
/// grew the string.
fn write_fields(
    db: &mut Keyspace,
    key: &[u8],
    now: u64,
    ops: &[FieldOp],
) -> Result<(Vec<Option<i64>>, bool), CommandError> {
    let needed = ops
        .iter()
        .filter(|op| op.writes())
        .map(|op| bits::bitfield_required_len(op.offset, op.ty))
        .max()
        .unwrap_or(0);
    let needed = usize::try_from(needed).map_err(|_| CommandError::StringTooLong)?;
    if as_string(db.get(key, now))?.is_none() {
        let mut bytes = vec![0; needed];
        let results = run_field_ops(&mut bytes, ops);
        db.set(key, raw_string(bytes), Ttl::Clear, now);
        let notify = results.wrote && (needed > 0 || results.changed);
        return Ok((results.replies, notify));
    }
    let results = db.update(key, now, |v| {
        v.as_string_mut().map(|s| {
            let bytes = s.raw_mut();
            let grew = bytes.len() < needed;
            if grew {
                bytes.resize(needed, 0);
            }
            let results = run_field_ops(bytes, ops);
            let notify = results.wrote && (grew || results.changed);
            (results.replies, notify)
        })
    });
    Ok(results.flatten().unwrap_or_default())
}

fn bitfield_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], read_only: bool) -> CommandResult {
    let ops = parse_field_ops(argv, max_bytes(ctx))?;
    let writes = ops.iter().any(FieldOp::writes);
    if read_only && writes {
        return Err(CommandError::BitfieldReadOnly);
    }
    let key = &argv[1][..];
    let results = if writes {
        let now = ctx.now_ms();
        let (results, notify) = write_fields(ctx.db(), key, now, &ops)?;
        if notify {
            ctx.notify(ev::STRING, "setbit", key);
        }
        results
    } else {
        with_db(ctx, |db, now, _| {
            let bytes = as_string(db.get_for_read(key, now))?
                .map(|s| s.to_bytes().into_owned())
                .unwrap_or_default();
            Ok::<_, CommandError>(
                ops.iter()
                    .map(|op| Some(bits::bitfield_get(&bytes, op.offset, op.ty)))
                    .collect::<Vec<_>>(),
            )
        })?
    };
    ctx.reply.array(results.len());
    for result in results {
        match result {
            Some(n) => ctx.reply.int(n),
            None => ctx.reply.null(),
        }
    }
    Ok(())
}

fn bitfield(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bitfield_generic(ctx, argv, false)
}

fn bitfield_ro(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bitfield_generic(ctx, argv, true)
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const BITMAP: Acl = Acl::BITMAP;
const WRITE_OOM: Flags = Flags::WRITE.union(Flags::DENYOOM);
const GROUP: &str = "bitmap";

const RO_ACCESS: K = K::RO.union(K::ACCESS);
const RW_ACCESS_UPDATE: K = K::RW.union(K::ACCESS).union(K::UPDATE);

const fn doc(
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    syntax: &'static str,
) -> Doc {
    Doc::new(summary, since, GROUP, complexity, syntax)
}

/// BITFIELD only reads its key unless it has a SET or INCRBY operation.
fn bitfield_key_flags(argv: &[Bytes]) -> K {
    let writes = argv
        .iter()
        .skip(2)
        .any(|arg| arg.eq_ignore_ascii_case(b"set") || arg.eq_ignore_ascii_case(b"incrby"));
    if writes {
        RW_ACCESS_UPDATE
    } else {
        K::RO.union(K::ACCESS)
    }
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "setbit",
        4,
        doc(
            "Sets or clears one bit of a string, growing it as needed; returns the old bit.",
            "2.2.0",
            "O(1)",
            "key:key offset:integer value:integer",
        ),
        setbit,
    )
    .flags(WRITE_OOM)
    .acl(BITMAP)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RW_ACCESS_UPDATE, 1)]),
    Command::new(
        "getbit",
        3,
        doc(
            "Returns one bit of a string.",
            "2.2.0",
            "O(1)",
            "key:key offset:integer",
        ),
        getbit,
    )
    .flags(Flags::READONLY.union(Flags::FAST))
    .acl(BITMAP)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "bitcount",
        -2,
        doc(
            "Counts the set bits of a string, optionally within a byte or bit range.",
            "2.6.0",
            "O(N)",
            "key:key [index=(start:integer end:integer [index_unit=(BYTE|BIT)@7.0.0])]",
        ),
        bitcount,
    )
    .flags(Flags::READONLY)
    .acl(BITMAP)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "bitpos",
        -3,
        doc(
            "Finds the first set or clear bit of a string, optionally within a range.",
            "2.8.7",
            "O(N)",
            "key:key bit:integer [index=(start:integer [end_index=(end:integer \
             [index_unit=(BYTE|BIT)@7.0.0])])]",
        ),
        bitpos,
    )
    .flags(Flags::READONLY)
    .acl(BITMAP)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
    Command::new(
        "bitop",
        -4,
        doc(
            "Combines strings with AND, OR, XOR or NOT into a destination key.",
            "2.6.0",
            "O(N)",
            "operation destkey:key key:key ...",
        ),
        bitop,
    )
    .flags(WRITE_OOM)
    .acl(BITMAP)
    .keys(2, -1, 1)
    .key_specs(&[
        KeySpec::single(K::OW.union(K::UPDATE), 2),
        KeySpec::range(RO_ACCESS, 3, -1, 1),
    ]),
    Command::new(
        "bitfield",
        -2,
        doc(
            "Reads, writes and increments integer fields of any width at any bit offset.",
            "3.2.0",
            "O(1) for each operation",
            "key:key [operation=(GET encoding offset:integer|write=([OVERFLOW (WRAP|SAT|FAIL)] \
             write_operation=(SET encoding offset:integer value:integer|\
             INCRBY encoding offset:integer increment:integer)))...]",
        ),
        bitfield,
    )
    .flags(WRITE_OOM)
    .acl(BITMAP)
    .keys(1, 1, 1)
    .key_specs(&[
        KeySpec::single(RW_ACCESS_UPDATE.union(K::VARIABLE_FLAGS), 1)
            .notes("This command allows both access and modification of the key"),
    ])
    .variable_key_flags(bitfield_key_flags),
    Command::new(
        "bitfield_ro",
        -2,
        doc(
            "Reads integer fields of a string (BITFIELD limited to GET).",
            "6.0.0",
            "O(1) for each operation",
            "key:key [GET+ encoding_offset=(encoding offset:integer)...]",
        ),
        bitfield_ro,
    )
    .flags(Flags::READONLY.union(Flags::FAST))
    .acl(BITMAP)
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(RO_ACCESS, 1)]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_are_lower_case_and_bounded() {
        assert!(field_type(b"i64").is_ok());
        assert!(field_type(b"u63").is_ok());
        for bad in ["u64", "i65", "i0", "U8", "I8", "i08", "u+8", "i", "x8"] {
            assert_eq!(
                field_type(bad.as_bytes()),
                Err(CommandError::BitfieldType),
                "{bad}"
            );
        }
    }

    #[test]
    fn field_offsets_wrap_like_redis() {
        let max = 512 << 20;
        let u8t = field_type(b"u8").unwrap();
        assert_eq!(field_offset(b"4294967295", u8t, max), Ok(4294967295));
        assert!(field_offset(b"4294967296", u8t, max).is_err());
        assert_eq!(field_offset(b"#2305843009213693953", u8t, max), Ok(8));
        assert!(field_offset(b"#1152921504606846976", u8t, max).is_err());
        for bad in ["#", "#-1", "-0", "01", ""] {
            assert!(field_offset(bad.as_bytes(), u8t, max).is_err(), "{bad}");
        }
    }
}
