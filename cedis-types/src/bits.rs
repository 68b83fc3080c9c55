//! Bitmap operations on byte strings, with Redis's bit order (bit 0 is the most
//! significant bit of byte 0).
//!
//! These are the byte-level halves of SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and
//! BITFIELD; argument parsing helpers return exactly Redis's error texts.

use crate::number::parse_i64;

/// Whether BITCOUNT/BITPOS indexes count bytes or bits (the `BYTE|BIT` option, Redis 7.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BitUnit {
    #[default]
    Byte,
    Bit,
}

/// The value of bit `offset` (0 or 1); bits past the end read as 0, as GETBIT does.
///
/// ```
/// use cedis_types::bits::get_bit;
/// assert_eq!(get_bit(b"\x80", 0), 1);
/// assert_eq!(get_bit(b"\x80", 1), 0);
/// assert_eq!(get_bit(b"\x80", 1000), 0);
/// ```
pub fn get_bit(bytes: &[u8], offset: u64) -> u8 {
    let Ok(byte) = usize::try_from(offset >> 3) else {
        return 0;
    };
    match bytes.get(byte) {
        Some(b) => (b >> (7 - (offset & 7))) & 1,
        None => 0,
    }
}

/// SETBIT: sets bit `offset` to `value` (any non-zero is 1), growing the string with
/// zero bytes as needed; returns the old bit. The caller has checked `offset` against
/// the size limit (see [`parse_bit_offset`]).
///
/// ```
/// use cedis_types::bits::set_bit;
/// let mut v = Vec::new();
/// assert_eq!(set_bit(&mut v, 9, 1), 0);
/// assert_eq!(v, b"\x00\x40");
/// assert_eq!(set_bit(&mut v, 9, 0), 1);
/// ```
pub fn set_bit(bytes: &mut Vec<u8>, offset: u64, value: u8) -> u8 {
    let byte = usize::try_from(offset >> 3).unwrap_or(usize::MAX);
    if bytes.len() <= byte {
        bytes.resize(byte.saturating_add(1), 0);
    }
    let shift = 7 - (offset & 7);
    let old = (bytes[byte] >> shift) & 1;
    if value != 0 {
        bytes[byte] |= 1 << shift;
    } else {
        bytes[byte] &= !(1 << shift);
    }
    old
}

/// Parses a SETBIT/GETBIT offset: a non-negative integer whose byte (`offset / 8`) is
/// below `max_bytes` (Redis's `proto-max-bulk-len`, 512MB by default). `None` means
/// Redis's `ERR bit offset is not an integer or out of range`.
///
/// ```
/// use cedis_types::bits::parse_bit_offset;
/// assert_eq!(parse_bit_offset(b"4294967295", 512 * 1024 * 1024), Some(4294967295));
/// assert_eq!(parse_bit_offset(b"4294967296", 512 * 1024 * 1024), None);
/// assert_eq!(parse_bit_offset(b"-1", 512 * 1024 * 1024), None);
/// ```
pub fn parse_bit_offset(arg: &[u8], max_bytes: u64) -> Option<u64> {
    let offset = u64::try_from(parse_i64(arg)?).ok()?;
    ((offset >> 3) < max_bytes).then_some(offset)
}

/// Parses SETBIT's value: exactly `0` or `1`; `None` is [`BIT_VALUE_ERROR`].
///
/// ```
/// use cedis_types::bits::parse_bit_value;
/// assert_eq!(parse_bit_value(b"1"), Some(1));
/// assert_eq!(parse_bit_value(b"2"), None);
/// assert_eq!(parse_bit_value(b"01"), None);
/// ```
pub fn parse_bit_value(arg: &[u8]) -> Option<u8> {
    match parse_i64(arg)? {
        0 => Some(0),
        1 => Some(1),
        _ => None,
    }
}

/// Resolves a Redis start/end pair against a length: negative indexes count from the
/// end, then both are clamped into `0..len`. `None` when the range is empty.
///
/// BITCOUNT (like GETRANGE) first answers "empty" when both indexes are negative and
/// `start > end`; BITPOS does not (`shortcut` false), so there `-2 -3` on a one-byte
/// string clamps to byte 0 and searches it.
fn resolve_range(start: i64, end: i64, len: i64, shortcut: bool) -> Option<(i64, i64)> {
    if shortcut && start < 0 && end < 0 && start > end {
        return None;
    }
    let mut start = if start < 0 {
        start.saturating_add(len)
    } else {
        start
    };
    let mut end = if end < 0 {
        end.saturating_add(len)
    } else {
        end
    };
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if len == 0 || start > end {
        return None;
    }
    Some((start, end))
}

/// Population count of whole bytes.
fn popcount(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut total: u64 = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        total += u64::from(u64::from_ne_bytes(word).count_ones());
    }
    total
        + chunks
            .remainder()
            .iter()
            .map(|b| u64::from(b.count_ones()))
            .sum::<u64>()
}

/// Counts the set bits of bit positions `first..=last` (both within `bytes`).
fn count_bit_range(bytes: &[u8], first: u64, last: u64) -> u64 {
    let first_byte = (first >> 3) as usize;
    let last_byte = (last >> 3) as usize;
    let head_mask = 0xffu8 >> (first & 7);
    let tail_mask = 0xffu8 << (7 - (last & 7));
    if first_byte == last_byte {
        return u64::from((bytes[first_byte] & head_mask & tail_mask).count_ones());
    }
    u64::from((bytes[first_byte] & head_mask).count_ones())
        + popcount(&bytes[first_byte + 1..last_byte])
        + u64::from((bytes[last_byte] & tail_mask).count_ones())
}

/// BITCOUNT of the whole string.
///
/// ```
/// assert_eq!(cedis_types::bits::bit_count_all(b"foobar"), 26);
/// ```
pub fn bit_count_all(bytes: &[u8]) -> u64 {
    popcount(bytes)
}

/// BITCOUNT with a range: `start`/`end` index bytes or bits (per `unit`), negative ones
/// count from the end, both are clamped into the string, and an empty range counts 0.
///
/// ```
/// use cedis_types::bits::{bit_count, BitUnit};
/// assert_eq!(bit_count(b"foobar", 1, 1, BitUnit::Byte), 6);
/// assert_eq!(bit_count(b"foobar", 5, 30, BitUnit::Bit), 17);
/// assert_eq!(bit_count(b"foobar", -2, -1, BitUnit::Byte), 7);
/// assert_eq!(bit_count(b"foobar", 3, 1, BitUnit::Byte), 0);
/// ```
pub fn bit_count(bytes: &[u8], start: i64, end: i64, unit: BitUnit) -> u64 {
    let len = bytes.len() as i64;
    match unit {
        BitUnit::Byte => match resolve_range(start, end, len, true) {
            Some((s, e)) => popcount(&bytes[s as usize..=e as usize]),
            None => 0,
        },
        BitUnit::Bit => match resolve_range(start, end, len.saturating_mul(8), true) {
            Some((s, e)) => count_bit_range(bytes, s as u64, e as u64),
            None => 0,
        },
    }
}

/// BITPOS: the position of the first bit equal to `bit` (0 or 1), or -1.
///
/// `start`/`end` are as BITCOUNT's (bytes unless `unit` is [`BitUnit::Bit`]), except
/// that two negative indexes with `start > end` are still clamped (BITCOUNT answers 0
/// for those; BITPOS `1 -2 -3` on `"a"` searches byte 0 and finds bit 1). Redis's
/// quirk: when looking for a 0 without an explicit `end`, the string is taken as padded
/// with zeros to the right, so an all-ones string answers the bit just past its end;
/// with an explicit `end` the answer is -1. An empty string (an existing key holding
/// `""`) answers -1 whatever the bit; a *missing* key is the caller's case: Redis replies
/// 0 for `bit` 0 and -1 for `bit` 1 (without validating the arguments after `bit`).
///
/// ```
/// use cedis_types::bits::{bit_pos, BitUnit};
/// assert_eq!(bit_pos(b"\xff\xf0\x00", 0, None, None, BitUnit::Byte), 12);
/// assert_eq!(bit_pos(b"\x00\xff\xf0", 1, Some(0), None, BitUnit::Byte), 8);
/// assert_eq!(bit_pos(b"\xff\xff", 0, None, None, BitUnit::Byte), 16);
/// assert_eq!(bit_pos(b"\xff\xff", 0, Some(0), Some(-1), BitUnit::Byte), -1);
/// assert_eq!(bit_pos(b"\x00\xff\xf0", 1, Some(2), Some(-1), BitUnit::Bit), 8);
/// assert_eq!(bit_pos(b"", 0, None, None, BitUnit::Byte), -1);
/// assert_eq!(bit_pos(b"a", 1, Some(-2), Some(-3), BitUnit::Byte), 1);
/// ```
pub fn bit_pos(bytes: &[u8], bit: u8, start: Option<i64>, end: Option<i64>, unit: BitUnit) -> i64 {
    let want = bit != 0;
    let len = bytes.len() as i64;
    if bytes.is_empty() {
        return -1;
    }
    let end_given = end.is_some();
    let total = match unit {
        BitUnit::Byte => len,
        BitUnit::Bit => len.saturating_mul(8),
    };
    let Some((s, e)) = resolve_range(start.unwrap_or(0), end.unwrap_or(-1), total, false) else {
        return -1;
    };
    let (first, last) = match unit {
        BitUnit::Byte => (s as u64 * 8, e as u64 * 8 + 7),
        BitUnit::Bit => (s as u64, e as u64),
    };
    match find_bit(bytes, want, first, last) {
        Some(pos) => pos as i64,
        None if !want && !end_given => (last + 1) as i64,
        None => -1,
    }
}

/// The first bit equal to `want` among bit positions `first..=last` (within `bytes`).
/// Whole bytes that cannot match (0x00 when looking for a 1, 0xff for a 0) are skipped
/// with a byte scan, so long runs cost little.
fn find_bit(bytes: &[u8], want: bool, first: u64, last: u64) -> Option<u64> {
    let skip = if want { 0x00 } else { 0xff };
    let first_byte = (first >> 3) as usize;
    let last_byte = (last >> 3) as usize;
    for byte_index in first_byte..=last_byte {
        let mut byte = bytes[byte_index];
        if !want {
            byte = !byte;
        }
        // Keep only the bits of this byte inside the range.
        if byte_index == first_byte {
            byte &= 0xff >> (first & 7);
        }
        if byte_index == last_byte {
            byte &= 0xff << (7 - (last & 7));
        }
        if byte != 0 {
            return Some(byte_index as u64 * 8 + u64::from(byte.leading_zeros()));
        }
        if byte_index == first_byte && first_byte + 1 < last_byte {
            // Fast path over the full bytes in the middle.
            let middle = &bytes[first_byte + 1..last_byte];
            if let Some(found) = middle.iter().position(|&b| b != skip) {
                let index = first_byte + 1 + found;
                let b = if want { bytes[index] } else { !bytes[index] };
                return Some(index as u64 * 8 + u64::from(b.leading_zeros()));
            }
            let b = if want {
                bytes[last_byte]
            } else {
                !bytes[last_byte]
            };
            let b = b & (0xff << (7 - (last & 7)));
            return (b != 0).then(|| last_byte as u64 * 8 + u64::from(b.leading_zeros()));
        }
    }
    None
}

/// A BITOP operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

impl BitOp {
    /// Parses the operation name, any case (`AND`, `OR`, `XOR`, `NOT`); `None` is a
    /// syntax error in Redis.
    ///
    /// ```
    /// use cedis_types::bits::BitOp;
    /// assert_eq!(BitOp::parse(b"xor"), Some(BitOp::Xor));
    /// assert_eq!(BitOp::parse(b"nand"), None);
    /// ```
    pub fn parse(name: &[u8]) -> Option<BitOp> {
        [
            (&b"and"[..], BitOp::And),
            (b"or", BitOp::Or),
            (b"xor", BitOp::Xor),
            (b"not", BitOp::Not),
        ]
        .into_iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n))
        .map(|(_, op)| op)
    }
}

/// BITOP: combines `sources` (missing keys passed as empty slices); shorter sources are
/// padded with zero bytes, so the result is as long as the longest. NOT takes the first
/// source only (the command rejects other counts). An empty result means the command
/// deletes the destination and replies 0.
///
/// ```
/// use cedis_types::bits::{bit_op, BitOp};
/// assert_eq!(bit_op(BitOp::And, &[b"\xff\x0f", b"\xf0"]), b"\xf0\x00");
/// assert_eq!(bit_op(BitOp::Or, &[b"\x01", b"\x10\x01"]), b"\x11\x01");
/// assert_eq!(bit_op(BitOp::Not, &[b"\x0f"]), b"\xf0");
/// ```
pub fn bit_op(op: BitOp, sources: &[&[u8]]) -> Vec<u8> {
    let len = sources.iter().map(|s| s.len()).max().unwrap_or(0);
    match op {
        BitOp::Not => sources
            .first()
            .map(|s| s.iter().map(|b| !b).collect())
            .unwrap_or_default(),
        BitOp::And | BitOp::Or | BitOp::Xor => {
            let Some((first, rest)) = sources.split_first() else {
                return Vec::new();
            };
            let mut out = first.to_vec();
            out.resize(len, 0);
            for src in rest {
                let common = src.len().min(len);
                let (head, tail) = out.split_at_mut(common);
                let pairs = head.iter_mut().zip(src.iter());
                match op {
                    BitOp::And => {
                        pairs.for_each(|(o, s)| *o &= s);
                        // Past a shorter source, AND with its zero padding.
                        tail.fill(0);
                    }
                    BitOp::Or => pairs.for_each(|(o, s)| *o |= s),
                    _ => pairs.for_each(|(o, s)| *o ^= s),
                }
            }
            out
        }
    }
}

/// Redis's error for a bad BITFIELD type (without the leading `-`).
pub const BITFIELD_TYPE_ERROR: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
/// Redis's error for a bad bit offset (SETBIT, GETBIT, BITFIELD).
pub const BIT_OFFSET_ERROR: &str = "ERR bit offset is not an integer or out of range";
/// Redis's error for a bad SETBIT value.
pub const BIT_VALUE_ERROR: &str = "ERR bit is not an integer or out of range";
/// Redis's error for a BITPOS bit argument other than 0 or 1.
pub const BITPOS_BIT_ERROR: &str = "ERR The bit argument must be 1 or 0.";
/// Redis's error for BITOP NOT with other than one source.
pub const BITOP_NOT_ERROR: &str = "ERR BITOP NOT must be called with a single source key.";
/// Redis's error for a write subcommand in BITFIELD_RO.
pub const BITFIELD_RO_ERROR: &str = "ERR BITFIELD_RO only supports the GET subcommand";
/// Redis's error for a bad OVERFLOW mode in BITFIELD.
pub const OVERFLOW_ERROR: &str = "ERR Invalid OVERFLOW type specified";

/// A BITFIELD integer type: `i1`..`i64` or `u1`..`u63`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitfieldType {
    pub signed: bool,
    pub bits: u8,
}

impl BitfieldType {
    /// Parses `i<bits>`/`u<bits>`; `None` is [`BITFIELD_TYPE_ERROR`]. u64 is refused
    /// because replies are signed 64-bit integers. The prefix is lowercase only (`I8`
    /// is refused) and the width follows [`parse_i64`] (`i08`, `i+8` are refused).
    ///
    /// ```
    /// use cedis_types::bits::BitfieldType;
    /// assert_eq!(BitfieldType::parse(b"i5"), Some(BitfieldType { signed: true, bits: 5 }));
    /// assert_eq!(BitfieldType::parse(b"u63").map(|t| t.bits), Some(63));
    /// assert_eq!(BitfieldType::parse(b"u64"), None);
    /// assert_eq!(BitfieldType::parse(b"i0"), None);
    /// assert_eq!(BitfieldType::parse(b"I8"), None);
    /// ```
    pub fn parse(arg: &[u8]) -> Option<BitfieldType> {
        let (signed, digits) = match arg {
            [b'i', rest @ ..] => (true, rest),
            [b'u', rest @ ..] => (false, rest),
            _ => return None,
        };
        let bits = parse_i64(digits)?;
        let max = if signed { 64 } else { 63 };
        if !(1..=max).contains(&bits) {
            return None;
        }
        Some(BitfieldType {
            signed,
            bits: bits as u8,
        })
    }

    /// Largest value of the type.
    pub fn max(self) -> i64 {
        if self.signed {
            (mask(self.bits) >> 1) as i64
        } else {
            mask(self.bits) as i64
        }
    }

    /// Smallest value of the type.
    pub fn min(self) -> i64 {
        if self.signed {
            -self.max() - 1
        } else {
            0
        }
    }
}

/// Parses a BITFIELD offset: a plain bit offset, or `#N` meaning `N` times the type's
/// width. `None` is [`BIT_OFFSET_ERROR`].
///
/// Redis's rules, found by experiment: the digits follow [`parse_i64`] (no `+`, no
/// leading zeros); the `#` product wraps around in 64-bit two's complement (so
/// `u8 #2305843009213693953` is bit 8), and only the resulting offset is checked, not
/// the end of the field: negative, or `offset / 8 >= max_bytes`, is refused, so a field
/// may end up to 63 bits past the limit (and SET grows the string beyond it).
///
/// ```
/// use cedis_types::bits::{parse_bitfield_offset, BitfieldType};
/// let t = BitfieldType::parse(b"u8").unwrap();
/// let max = 512 << 20;
/// assert_eq!(parse_bitfield_offset(b"#3", t, max), Some(24));
/// assert_eq!(parse_bitfield_offset(b"13", t, max), Some(13));
/// assert_eq!(parse_bitfield_offset(b"4294967295", t, max), Some(4294967295));
/// assert_eq!(parse_bitfield_offset(b"4294967296", t, max), None);
/// assert_eq!(parse_bitfield_offset(b"#2305843009213693953", t, max), Some(8));
/// assert_eq!(parse_bitfield_offset(b"-1", t, max), None);
/// assert_eq!(parse_bitfield_offset(b"#-1", t, max), None);
/// ```
pub fn parse_bitfield_offset(arg: &[u8], ty: BitfieldType, max_bytes: u64) -> Option<u64> {
    let (multiply, digits) = match arg {
        [b'#', rest @ ..] => (true, rest),
        _ => (false, arg),
    };
    let mut offset = parse_i64(digits)?;
    if multiply {
        offset = offset.wrapping_mul(i64::from(ty.bits));
    }
    let offset = u64::try_from(offset).ok()?;
    ((offset >> 3) < max_bytes).then_some(offset)
}

/// BITFIELD's OVERFLOW mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Two's-complement wrap-around (the default).
    #[default]
    Wrap,
    /// Clamp to the type's minimum or maximum.
    Sat,
    /// Leave the field unchanged and reply nil.
    Fail,
}

impl Overflow {
    /// Parses `WRAP`, `SAT` or `FAIL` (any case); `None` is [`OVERFLOW_ERROR`].
    pub fn parse(arg: &[u8]) -> Option<Overflow> {
        if arg.eq_ignore_ascii_case(b"wrap") {
            Some(Overflow::Wrap)
        } else if arg.eq_ignore_ascii_case(b"sat") {
            Some(Overflow::Sat)
        } else if arg.eq_ignore_ascii_case(b"fail") {
            Some(Overflow::Fail)
        } else {
            None
        }
    }
}

/// Bytes the string must have for a field at `offset` of type `ty` to fit; Redis grows
/// the string to this before running a BITFIELD with any SET/INCRBY (even ones that
/// then FAIL).
pub fn bitfield_required_len(offset: u64, ty: BitfieldType) -> u64 {
    ((offset + u64::from(ty.bits) - 1) >> 3) + 1
}

/// Reads the raw unsigned bits of a field (bits past the end read as 0).
fn read_field(bytes: &[u8], offset: u64, bits: u8) -> u64 {
    let mut value: u64 = 0;
    for i in 0..u64::from(bits) {
        value = (value << 1) | u64::from(get_bit(bytes, offset + i));
    }
    value
}

/// Writes the low `bits` of `value` at `offset`, growing the string as needed.
fn write_field(bytes: &mut Vec<u8>, offset: u64, bits: u8, value: u64) {
    for i in 0..u64::from(bits) {
        let bit = (value >> (u64::from(bits) - 1 - i)) & 1;
        set_bit(bytes, offset + i, bit as u8);
    }
}

/// Interprets raw field bits as a value of `ty`.
fn field_value(raw: u64, ty: BitfieldType) -> i64 {
    if ty.signed && ty.bits < 64 && raw & (1 << (ty.bits - 1)) != 0 {
        (raw | (u64::MAX << ty.bits)) as i64
    } else {
        raw as i64
    }
}

/// BITFIELD GET: the field's value (missing bytes read as zeros).
///
/// ```
/// use cedis_types::bits::{bitfield_get, BitfieldType};
/// let i4 = BitfieldType::parse(b"i4").unwrap();
/// assert_eq!(bitfield_get(b"\xf0", 0, i4), -1);
/// assert_eq!(bitfield_get(b"\xf0", 4, i4), 0);
/// ```
pub fn bitfield_get(bytes: &[u8], offset: u64, ty: BitfieldType) -> i64 {
    field_value(read_field(bytes, offset, ty.bits), ty)
}

/// Which way a BITFIELD operation overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

/// Redis's signed overflow test for `value + incr` in a `bits`-wide field (SET passes
/// the new value with `incr` 0). It is the mathematical test except for one quirk that
/// SAT makes visible: Redis computes `max - value` in wrapping 64-bit arithmetic, so a
/// SET value so negative that `max - value` exceeds `i64::MAX` (for i15: values up to
/// `i64::MIN + 16383`; for i63: every value below the minimum) counts as overflowing
/// *upwards* and SAT stores the maximum.
fn signed_overflow(value: i64, incr: i64, bits: u8) -> Option<Direction> {
    let max: i64 = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    if value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr)
    {
        Some(Direction::Up)
    } else if value < min
        || (bits != 64 && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        Some(Direction::Down)
    } else {
        None
    }
}

/// Redis's unsigned overflow test for `value + incr` (SET passes the new value, its i64
/// reinterpreted as u64, so a negative value is a huge one and overflows upwards).
fn unsigned_overflow(value: u64, incr: i64, bits: u8) -> Option<Direction> {
    let max = mask(bits);
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = (value as i64).wrapping_neg();
    if value > max || (incr > 0 && incr > max_incr) {
        Some(Direction::Up)
    } else if incr < 0 && incr < min_incr {
        Some(Direction::Down)
    } else {
        None
    }
}

/// The value a BITFIELD SET/INCRBY writes for `value + incr`, or `None` (reply nil,
/// nothing written) on overflow under FAIL.
fn apply_overflow(value: i64, incr: i64, ty: BitfieldType, overflow: Overflow) -> Option<i64> {
    let direction = if ty.signed {
        signed_overflow(value, incr, ty.bits)
    } else {
        unsigned_overflow(value as u64, incr, ty.bits)
    };
    let wrapped = field_value((value as u64).wrapping_add(incr as u64) & mask(ty.bits), ty);
    match (direction, overflow) {
        (None, _) | (Some(_), Overflow::Wrap) => Some(wrapped),
        (Some(_), Overflow::Fail) => None,
        (Some(Direction::Up), Overflow::Sat) => Some(ty.max()),
        (Some(Direction::Down), Overflow::Sat) => Some(ty.min()),
    }
}

fn mask(bits: u8) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// BITFIELD SET: stores `value` (after the overflow policy) and returns the old value;
/// `None` (reply nil, nothing written) when it overflows under FAIL.
///
/// Unsigned types take the i64 as unsigned: `SET u8 0 -1` overflows upwards (SAT stores
/// 255, WRAP stores 255 too). Signed SAT has Redis's quirk for hugely negative values
/// (`SET i15 0 -9223372036854775808` under SAT stores 16383, the maximum).
///
/// ```
/// use cedis_types::bits::{bitfield_set, BitfieldType, Overflow};
/// let u8t = BitfieldType::parse(b"u8").unwrap();
/// let mut v = Vec::new();
/// assert_eq!(bitfield_set(&mut v, 0, u8t, 300, Overflow::Wrap), Some(0));
/// assert_eq!(v, [44]);
/// assert_eq!(bitfield_set(&mut v, 0, u8t, 300, Overflow::Sat), Some(44));
/// assert_eq!(v, [255]);
/// assert_eq!(bitfield_set(&mut v, 0, u8t, 300, Overflow::Fail), None);
/// assert_eq!(bitfield_set(&mut v, 0, u8t, -5, Overflow::Sat), Some(255));
/// assert_eq!(v, [255]);
/// let i15 = BitfieldType::parse(b"i15").unwrap();
/// let mut w = Vec::new();
/// bitfield_set(&mut w, 0, i15, i64::MIN, Overflow::Sat);
/// assert_eq!(cedis_types::bits::bitfield_get(&w, 0, i15), 16383);
/// ```
pub fn bitfield_set(
    bytes: &mut Vec<u8>,
    offset: u64,
    ty: BitfieldType,
    value: i64,
    overflow: Overflow,
) -> Option<i64> {
    let new = apply_overflow(value, 0, ty, overflow)?;
    let old = bitfield_get(bytes, offset, ty);
    write_field(bytes, offset, ty.bits, new as u64);
    Some(old)
}

/// BITFIELD INCRBY: adds `increment` (after the overflow policy) and returns the new
/// value; `None` (reply nil, nothing written) when it overflows under FAIL.
///
/// ```
/// use cedis_types::bits::{bitfield_incrby, BitfieldType, Overflow};
/// let i8t = BitfieldType::parse(b"i8").unwrap();
/// let mut v = vec![120];
/// assert_eq!(bitfield_incrby(&mut v, 0, i8t, 10, Overflow::Wrap), Some(-126));
/// assert_eq!(bitfield_incrby(&mut v, 0, i8t, -10, Overflow::Sat), Some(-128));
/// assert_eq!(bitfield_incrby(&mut v, 0, i8t, -1, Overflow::Fail), None);
/// ```
pub fn bitfield_incrby(
    bytes: &mut Vec<u8>,
    offset: u64,
    ty: BitfieldType,
    increment: i64,
    overflow: Overflow,
) -> Option<i64> {
    let old = bitfield_get(bytes, offset, ty);
    let new = apply_overflow(old, increment, ty, overflow)?;
    write_field(bytes, offset, ty.bits, new as u64);
    Some(new)
}
