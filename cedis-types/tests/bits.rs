//! Bitmap operations against replies observed on Redis 7.0.15, plus property tests
//! comparing BITCOUNT/BITPOS with a bit-by-bit model.

use cedis_types::bits::{
    bit_count, bit_count_all, bit_op, bit_pos, bitfield_get, bitfield_incrby,
    bitfield_required_len, bitfield_set, get_bit, parse_bit_offset, parse_bit_value,
    parse_bitfield_offset, set_bit, BitOp, BitUnit, BitfieldType, Overflow,
};
use proptest::prelude::*;

const MAX: u64 = 512 * 1024 * 1024;

fn unit(bit: bool) -> BitUnit {
    if bit {
        BitUnit::Bit
    } else {
        BitUnit::Byte
    }
}

// (string, start, end, unit is BIT, Redis's BITCOUNT reply); (0, -1, false) stands for no range
const BITCOUNT_CASES: &[(&[u8], i64, i64, bool, u64)] = &[
    (b"", 0, -1, false, 0),
    (b"", 0, -1, false, 0),
    (b"", 1, 1, false, 0),
    (b"", -2, -1, false, 0),
    (b"", 5, 3, false, 0),
    (b"", -1, -2, false, 0),
    (b"", -100, 100, false, 0),
    (b"", 0, 0, true, 0),
    (b"", 5, 30, true, 0),
    (b"", -3, -1, true, 0),
    (b"", -2, -3, false, 0),
    (b"", -9, -10, true, 0),
    (b"", -9223372036854775808, 9223372036854775807, true, 0),
    (b"", 1, -1, false, 0),
    (b"", 7, 8, true, 0),
    (b"", 3, 200, true, 0),
    (b"\x00", 0, -1, false, 0),
    (b"\x00", 0, -1, false, 0),
    (b"\x00", 1, 1, false, 0),
    (b"\x00", -2, -1, false, 0),
    (b"\x00", 5, 3, false, 0),
    (b"\x00", -1, -2, false, 0),
    (b"\x00", -100, 100, false, 0),
    (b"\x00", 0, 0, true, 0),
    (b"\x00", 5, 30, true, 0),
    (b"\x00", -3, -1, true, 0),
    (b"\x00", -2, -3, false, 0),
    (b"\x00", -9, -10, true, 0),
    (b"\x00", -9223372036854775808, 9223372036854775807, true, 0),
    (b"\x00", 1, -1, false, 0),
    (b"\x00", 7, 8, true, 0),
    (b"\x00", 3, 200, true, 0),
    (b"\xff", 0, -1, false, 8),
    (b"\xff", 0, -1, false, 8),
    (b"\xff", 1, 1, false, 0),
    (b"\xff", -2, -1, false, 8),
    (b"\xff", 5, 3, false, 0),
    (b"\xff", -1, -2, false, 0),
    (b"\xff", -100, 100, false, 8),
    (b"\xff", 0, 0, true, 1),
    (b"\xff", 5, 30, true, 3),
    (b"\xff", -3, -1, true, 3),
    (b"\xff", -2, -3, false, 0),
    (b"\xff", -9, -10, true, 0),
    (b"\xff", -9223372036854775808, 9223372036854775807, true, 8),
    (b"\xff", 1, -1, false, 0),
    (b"\xff", 7, 8, true, 1),
    (b"\xff", 3, 200, true, 5),
    (b"\xff\xff", 0, -1, false, 16),
    (b"\xff\xff", 0, -1, false, 16),
    (b"\xff\xff", 1, 1, false, 8),
    (b"\xff\xff", -2, -1, false, 16),
    (b"\xff\xff", 5, 3, false, 0),
    (b"\xff\xff", -1, -2, false, 0),
    (b"\xff\xff", -100, 100, false, 16),
    (b"\xff\xff", 0, 0, true, 1),
    (b"\xff\xff", 5, 30, true, 11),
    (b"\xff\xff", -3, -1, true, 3),
    (b"\xff\xff", -2, -3, false, 0),
    (b"\xff\xff", -9, -10, true, 0),
    (
        b"\xff\xff",
        -9223372036854775808,
        9223372036854775807,
        true,
        16,
    ),
    (b"\xff\xff", 1, -1, false, 8),
    (b"\xff\xff", 7, 8, true, 2),
    (b"\xff\xff", 3, 200, true, 13),
    (b"\x00\x00", 0, -1, false, 0),
    (b"\x00\x00", 0, -1, false, 0),
    (b"\x00\x00", 1, 1, false, 0),
    (b"\x00\x00", -2, -1, false, 0),
    (b"\x00\x00", 5, 3, false, 0),
    (b"\x00\x00", -1, -2, false, 0),
    (b"\x00\x00", -100, 100, false, 0),
    (b"\x00\x00", 0, 0, true, 0),
    (b"\x00\x00", 5, 30, true, 0),
    (b"\x00\x00", -3, -1, true, 0),
    (b"\x00\x00", -2, -3, false, 0),
    (b"\x00\x00", -9, -10, true, 0),
    (
        b"\x00\x00",
        -9223372036854775808,
        9223372036854775807,
        true,
        0,
    ),
    (b"\x00\x00", 1, -1, false, 0),
    (b"\x00\x00", 7, 8, true, 0),
    (b"\x00\x00", 3, 200, true, 0),
    (b"\xff\xf0\x00", 0, -1, false, 12),
    (b"\xff\xf0\x00", 0, -1, false, 12),
    (b"\xff\xf0\x00", 1, 1, false, 4),
    (b"\xff\xf0\x00", -2, -1, false, 4),
    (b"\xff\xf0\x00", 5, 3, false, 0),
    (b"\xff\xf0\x00", -1, -2, false, 0),
    (b"\xff\xf0\x00", -100, 100, false, 12),
    (b"\xff\xf0\x00", 0, 0, true, 1),
    (b"\xff\xf0\x00", 5, 30, true, 7),
    (b"\xff\xf0\x00", -3, -1, true, 0),
    (b"\xff\xf0\x00", -2, -3, false, 0),
    (b"\xff\xf0\x00", -9, -10, true, 0),
    (
        b"\xff\xf0\x00",
        -9223372036854775808,
        9223372036854775807,
        true,
        12,
    ),
    (b"\xff\xf0\x00", 1, -1, false, 4),
    (b"\xff\xf0\x00", 7, 8, true, 2),
    (b"\xff\xf0\x00", 3, 200, true, 9),
    (b"\x00\xff\xf0", 0, -1, false, 12),
    (b"\x00\xff\xf0", 0, -1, false, 12),
    (b"\x00\xff\xf0", 1, 1, false, 8),
    (b"\x00\xff\xf0", -2, -1, false, 12),
    (b"\x00\xff\xf0", 5, 3, false, 0),
    (b"\x00\xff\xf0", -1, -2, false, 0),
    (b"\x00\xff\xf0", -100, 100, false, 12),
    (b"\x00\xff\xf0", 0, 0, true, 0),
    (b"\x00\xff\xf0", 5, 30, true, 12),
    (b"\x00\xff\xf0", -3, -1, true, 0),
    (b"\x00\xff\xf0", -2, -3, false, 0),
    (b"\x00\xff\xf0", -9, -10, true, 0),
    (
        b"\x00\xff\xf0",
        -9223372036854775808,
        9223372036854775807,
        true,
        12,
    ),
    (b"\x00\xff\xf0", 1, -1, false, 12),
    (b"\x00\xff\xf0", 7, 8, true, 1),
    (b"\x00\xff\xf0", 3, 200, true, 12),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, -1, false, 26),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, -1, false, 26),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, 1, false, 6),
    (b"\x66\x6f\x6f\x62\x61\x72", -2, -1, false, 7),
    (b"\x66\x6f\x6f\x62\x61\x72", 5, 3, false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", -1, -2, false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", -100, 100, false, 26),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, 0, true, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 5, 30, true, 17),
    (b"\x66\x6f\x6f\x62\x61\x72", -3, -1, true, 1),
    (b"\x66\x6f\x6f\x62\x61\x72", -2, -3, false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", -9, -10, true, 0),
    (
        b"\x66\x6f\x6f\x62\x61\x72",
        -9223372036854775808,
        9223372036854775807,
        true,
        26,
    ),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, -1, false, 22),
    (b"\x66\x6f\x6f\x62\x61\x72", 7, 8, true, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 3, 200, true, 24),
    (b"\x61", 0, -1, false, 3),
    (b"\x61", 0, -1, false, 3),
    (b"\x61", 1, 1, false, 0),
    (b"\x61", -2, -1, false, 3),
    (b"\x61", 5, 3, false, 0),
    (b"\x61", -1, -2, false, 0),
    (b"\x61", -100, 100, false, 3),
    (b"\x61", 0, 0, true, 0),
    (b"\x61", 5, 30, true, 1),
    (b"\x61", -3, -1, true, 1),
    (b"\x61", -2, -3, false, 0),
    (b"\x61", -9, -10, true, 0),
    (b"\x61", -9223372036854775808, 9223372036854775807, true, 3),
    (b"\x61", 1, -1, false, 0),
    (b"\x61", 7, 8, true, 1),
    (b"\x61", 3, 200, true, 1),
    (b"\x01\x01", 0, -1, false, 2),
    (b"\x01\x01", 0, -1, false, 2),
    (b"\x01\x01", 1, 1, false, 1),
    (b"\x01\x01", -2, -1, false, 2),
    (b"\x01\x01", 5, 3, false, 0),
    (b"\x01\x01", -1, -2, false, 0),
    (b"\x01\x01", -100, 100, false, 2),
    (b"\x01\x01", 0, 0, true, 0),
    (b"\x01\x01", 5, 30, true, 2),
    (b"\x01\x01", -3, -1, true, 1),
    (b"\x01\x01", -2, -3, false, 0),
    (b"\x01\x01", -9, -10, true, 0),
    (
        b"\x01\x01",
        -9223372036854775808,
        9223372036854775807,
        true,
        2,
    ),
    (b"\x01\x01", 1, -1, false, 1),
    (b"\x01\x01", 7, 8, true, 1),
    (b"\x01\x01", 3, 200, true, 2),
    (b"\x80\x7f", 0, -1, false, 8),
    (b"\x80\x7f", 0, -1, false, 8),
    (b"\x80\x7f", 1, 1, false, 7),
    (b"\x80\x7f", -2, -1, false, 8),
    (b"\x80\x7f", 5, 3, false, 0),
    (b"\x80\x7f", -1, -2, false, 0),
    (b"\x80\x7f", -100, 100, false, 8),
    (b"\x80\x7f", 0, 0, true, 1),
    (b"\x80\x7f", 5, 30, true, 7),
    (b"\x80\x7f", -3, -1, true, 3),
    (b"\x80\x7f", -2, -3, false, 0),
    (b"\x80\x7f", -9, -10, true, 0),
    (
        b"\x80\x7f",
        -9223372036854775808,
        9223372036854775807,
        true,
        8,
    ),
    (b"\x80\x7f", 1, -1, false, 7),
    (b"\x80\x7f", 7, 8, true, 0),
    (b"\x80\x7f", 3, 200, true, 7),
    (b"\x89", 0, -1, false, 3),
    (b"\x89", 0, -1, false, 3),
    (b"\x89", 1, 1, false, 0),
    (b"\x89", -2, -1, false, 3),
    (b"\x89", 5, 3, false, 0),
    (b"\x89", -1, -2, false, 0),
    (b"\x89", -100, 100, false, 3),
    (b"\x89", 0, 0, true, 1),
    (b"\x89", 5, 30, true, 1),
    (b"\x89", -3, -1, true, 1),
    (b"\x89", -2, -3, false, 0),
    (b"\x89", -9, -10, true, 0),
    (b"\x89", -9223372036854775808, 9223372036854775807, true, 3),
    (b"\x89", 1, -1, false, 0),
    (b"\x89", 7, 8, true, 1),
    (b"\x89", 3, 200, true, 2),
];
// (string, bit, start, end, unit is BIT, Redis's BITPOS reply)
/// (string, bit, start, end, unit is BIT, reply)
type BitposCase = (&'static [u8], u8, Option<i64>, Option<i64>, bool, i64);
const BITPOS_CASES: &[BitposCase] = &[
    (b"", 0, None, None, false, -1),
    (b"", 1, None, None, false, -1),
    (b"", 0, Some(0), None, false, -1),
    (b"", 1, Some(1), None, false, -1),
    (b"", 0, Some(2), None, false, -1),
    (b"", 0, Some(100), None, false, -1),
    (b"", 0, Some(-100), None, false, -1),
    (b"", 0, Some(0), Some(-1), false, -1),
    (b"", 1, Some(0), Some(-1), false, -1),
    (b"", 0, Some(5), Some(3), false, -1),
    (b"", 0, Some(-1), Some(-2), false, -1),
    (b"", 1, Some(-2), Some(-3), false, -1),
    (b"", 0, Some(0), Some(0), true, -1),
    (b"", 1, Some(0), Some(0), true, -1),
    (b"", 0, Some(0), Some(0), false, -1),
    (b"", 1, Some(2), Some(-1), true, -1),
    (b"", 0, Some(9), Some(15), true, -1),
    (b"", 0, Some(1), Some(1), false, -1),
    (b"", 1, Some(-9), Some(-10), true, -1),
    (b"", 0, Some(-2), Some(-9223372036854775808), false, -1),
    (b"", 0, Some(7), Some(7), true, -1),
    (b"\x00", 0, None, None, false, 0),
    (b"\x00", 1, None, None, false, -1),
    (b"\x00", 0, Some(0), None, false, 0),
    (b"\x00", 1, Some(1), None, false, -1),
    (b"\x00", 0, Some(2), None, false, -1),
    (b"\x00", 0, Some(100), None, false, -1),
    (b"\x00", 0, Some(-100), None, false, 0),
    (b"\x00", 0, Some(0), Some(-1), false, 0),
    (b"\x00", 1, Some(0), Some(-1), false, -1),
    (b"\x00", 0, Some(5), Some(3), false, -1),
    (b"\x00", 0, Some(-1), Some(-2), false, 0),
    (b"\x00", 1, Some(-2), Some(-3), false, -1),
    (b"\x00", 0, Some(0), Some(0), true, 0),
    (b"\x00", 1, Some(0), Some(0), true, -1),
    (b"\x00", 0, Some(0), Some(0), false, 0),
    (b"\x00", 1, Some(2), Some(-1), true, -1),
    (b"\x00", 0, Some(9), Some(15), true, -1),
    (b"\x00", 0, Some(1), Some(1), false, -1),
    (b"\x00", 1, Some(-9), Some(-10), true, -1),
    (b"\x00", 0, Some(-2), Some(-9223372036854775808), false, 0),
    (b"\x00", 0, Some(7), Some(7), true, 7),
    (b"\xff", 0, None, None, false, 8),
    (b"\xff", 1, None, None, false, 0),
    (b"\xff", 0, Some(0), None, false, 8),
    (b"\xff", 1, Some(1), None, false, -1),
    (b"\xff", 0, Some(2), None, false, -1),
    (b"\xff", 0, Some(100), None, false, -1),
    (b"\xff", 0, Some(-100), None, false, 8),
    (b"\xff", 0, Some(0), Some(-1), false, -1),
    (b"\xff", 1, Some(0), Some(-1), false, 0),
    (b"\xff", 0, Some(5), Some(3), false, -1),
    (b"\xff", 0, Some(-1), Some(-2), false, -1),
    (b"\xff", 1, Some(-2), Some(-3), false, 0),
    (b"\xff", 0, Some(0), Some(0), true, -1),
    (b"\xff", 1, Some(0), Some(0), true, 0),
    (b"\xff", 0, Some(0), Some(0), false, -1),
    (b"\xff", 1, Some(2), Some(-1), true, 2),
    (b"\xff", 0, Some(9), Some(15), true, -1),
    (b"\xff", 0, Some(1), Some(1), false, -1),
    (b"\xff", 1, Some(-9), Some(-10), true, 0),
    (b"\xff", 0, Some(-2), Some(-9223372036854775808), false, -1),
    (b"\xff", 0, Some(7), Some(7), true, -1),
    (b"\xff\xff", 0, None, None, false, 16),
    (b"\xff\xff", 1, None, None, false, 0),
    (b"\xff\xff", 0, Some(0), None, false, 16),
    (b"\xff\xff", 1, Some(1), None, false, 8),
    (b"\xff\xff", 0, Some(2), None, false, -1),
    (b"\xff\xff", 0, Some(100), None, false, -1),
    (b"\xff\xff", 0, Some(-100), None, false, 16),
    (b"\xff\xff", 0, Some(0), Some(-1), false, -1),
    (b"\xff\xff", 1, Some(0), Some(-1), false, 0),
    (b"\xff\xff", 0, Some(5), Some(3), false, -1),
    (b"\xff\xff", 0, Some(-1), Some(-2), false, -1),
    (b"\xff\xff", 1, Some(-2), Some(-3), false, 0),
    (b"\xff\xff", 0, Some(0), Some(0), true, -1),
    (b"\xff\xff", 1, Some(0), Some(0), true, 0),
    (b"\xff\xff", 0, Some(0), Some(0), false, -1),
    (b"\xff\xff", 1, Some(2), Some(-1), true, 2),
    (b"\xff\xff", 0, Some(9), Some(15), true, -1),
    (b"\xff\xff", 0, Some(1), Some(1), false, -1),
    (b"\xff\xff", 1, Some(-9), Some(-10), true, -1),
    (
        b"\xff\xff",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        -1,
    ),
    (b"\xff\xff", 0, Some(7), Some(7), true, -1),
    (b"\x00\x00", 0, None, None, false, 0),
    (b"\x00\x00", 1, None, None, false, -1),
    (b"\x00\x00", 0, Some(0), None, false, 0),
    (b"\x00\x00", 1, Some(1), None, false, -1),
    (b"\x00\x00", 0, Some(2), None, false, -1),
    (b"\x00\x00", 0, Some(100), None, false, -1),
    (b"\x00\x00", 0, Some(-100), None, false, 0),
    (b"\x00\x00", 0, Some(0), Some(-1), false, 0),
    (b"\x00\x00", 1, Some(0), Some(-1), false, -1),
    (b"\x00\x00", 0, Some(5), Some(3), false, -1),
    (b"\x00\x00", 0, Some(-1), Some(-2), false, -1),
    (b"\x00\x00", 1, Some(-2), Some(-3), false, -1),
    (b"\x00\x00", 0, Some(0), Some(0), true, 0),
    (b"\x00\x00", 1, Some(0), Some(0), true, -1),
    (b"\x00\x00", 0, Some(0), Some(0), false, 0),
    (b"\x00\x00", 1, Some(2), Some(-1), true, -1),
    (b"\x00\x00", 0, Some(9), Some(15), true, 9),
    (b"\x00\x00", 0, Some(1), Some(1), false, 8),
    (b"\x00\x00", 1, Some(-9), Some(-10), true, -1),
    (
        b"\x00\x00",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        0,
    ),
    (b"\x00\x00", 0, Some(7), Some(7), true, 7),
    (b"\xff\xf0\x00", 0, None, None, false, 12),
    (b"\xff\xf0\x00", 1, None, None, false, 0),
    (b"\xff\xf0\x00", 0, Some(0), None, false, 12),
    (b"\xff\xf0\x00", 1, Some(1), None, false, 8),
    (b"\xff\xf0\x00", 0, Some(2), None, false, 16),
    (b"\xff\xf0\x00", 0, Some(100), None, false, -1),
    (b"\xff\xf0\x00", 0, Some(-100), None, false, 12),
    (b"\xff\xf0\x00", 0, Some(0), Some(-1), false, 12),
    (b"\xff\xf0\x00", 1, Some(0), Some(-1), false, 0),
    (b"\xff\xf0\x00", 0, Some(5), Some(3), false, -1),
    (b"\xff\xf0\x00", 0, Some(-1), Some(-2), false, -1),
    (b"\xff\xf0\x00", 1, Some(-2), Some(-3), false, -1),
    (b"\xff\xf0\x00", 0, Some(0), Some(0), true, -1),
    (b"\xff\xf0\x00", 1, Some(0), Some(0), true, 0),
    (b"\xff\xf0\x00", 0, Some(0), Some(0), false, -1),
    (b"\xff\xf0\x00", 1, Some(2), Some(-1), true, 2),
    (b"\xff\xf0\x00", 0, Some(9), Some(15), true, 12),
    (b"\xff\xf0\x00", 0, Some(1), Some(1), false, 12),
    (b"\xff\xf0\x00", 1, Some(-9), Some(-10), true, -1),
    (
        b"\xff\xf0\x00",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        -1,
    ),
    (b"\xff\xf0\x00", 0, Some(7), Some(7), true, -1),
    (b"\x00\xff\xf0", 0, None, None, false, 0),
    (b"\x00\xff\xf0", 1, None, None, false, 8),
    (b"\x00\xff\xf0", 0, Some(0), None, false, 0),
    (b"\x00\xff\xf0", 1, Some(1), None, false, 8),
    (b"\x00\xff\xf0", 0, Some(2), None, false, 20),
    (b"\x00\xff\xf0", 0, Some(100), None, false, -1),
    (b"\x00\xff\xf0", 0, Some(-100), None, false, 0),
    (b"\x00\xff\xf0", 0, Some(0), Some(-1), false, 0),
    (b"\x00\xff\xf0", 1, Some(0), Some(-1), false, 8),
    (b"\x00\xff\xf0", 0, Some(5), Some(3), false, -1),
    (b"\x00\xff\xf0", 0, Some(-1), Some(-2), false, -1),
    (b"\x00\xff\xf0", 1, Some(-2), Some(-3), false, -1),
    (b"\x00\xff\xf0", 0, Some(0), Some(0), true, 0),
    (b"\x00\xff\xf0", 1, Some(0), Some(0), true, -1),
    (b"\x00\xff\xf0", 0, Some(0), Some(0), false, 0),
    (b"\x00\xff\xf0", 1, Some(2), Some(-1), true, 8),
    (b"\x00\xff\xf0", 0, Some(9), Some(15), true, -1),
    (b"\x00\xff\xf0", 0, Some(1), Some(1), false, -1),
    (b"\x00\xff\xf0", 1, Some(-9), Some(-10), true, -1),
    (
        b"\x00\xff\xf0",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        -1,
    ),
    (b"\x00\xff\xf0", 0, Some(7), Some(7), true, 7),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, None, None, false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, None, None, false, 1),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(0), None, false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, Some(1), None, false, 9),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(2), None, false, 16),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(100), None, false, -1),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(-100), None, false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(0), Some(-1), false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, Some(0), Some(-1), false, 1),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(5), Some(3), false, -1),
    (
        b"\x66\x6f\x6f\x62\x61\x72",
        0,
        Some(-1),
        Some(-2),
        false,
        -1,
    ),
    (
        b"\x66\x6f\x6f\x62\x61\x72",
        1,
        Some(-2),
        Some(-3),
        false,
        -1,
    ),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(0), Some(0), true, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, Some(0), Some(0), true, -1),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(0), Some(0), false, 0),
    (b"\x66\x6f\x6f\x62\x61\x72", 1, Some(2), Some(-1), true, 2),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(9), Some(15), true, 11),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(1), Some(1), false, 8),
    (
        b"\x66\x6f\x6f\x62\x61\x72",
        1,
        Some(-9),
        Some(-10),
        true,
        -1,
    ),
    (
        b"\x66\x6f\x6f\x62\x61\x72",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        -1,
    ),
    (b"\x66\x6f\x6f\x62\x61\x72", 0, Some(7), Some(7), true, 7),
    (b"\x61", 0, None, None, false, 0),
    (b"\x61", 1, None, None, false, 1),
    (b"\x61", 0, Some(0), None, false, 0),
    (b"\x61", 1, Some(1), None, false, -1),
    (b"\x61", 0, Some(2), None, false, -1),
    (b"\x61", 0, Some(100), None, false, -1),
    (b"\x61", 0, Some(-100), None, false, 0),
    (b"\x61", 0, Some(0), Some(-1), false, 0),
    (b"\x61", 1, Some(0), Some(-1), false, 1),
    (b"\x61", 0, Some(5), Some(3), false, -1),
    (b"\x61", 0, Some(-1), Some(-2), false, 0),
    (b"\x61", 1, Some(-2), Some(-3), false, 1),
    (b"\x61", 0, Some(0), Some(0), true, 0),
    (b"\x61", 1, Some(0), Some(0), true, -1),
    (b"\x61", 0, Some(0), Some(0), false, 0),
    (b"\x61", 1, Some(2), Some(-1), true, 2),
    (b"\x61", 0, Some(9), Some(15), true, -1),
    (b"\x61", 0, Some(1), Some(1), false, -1),
    (b"\x61", 1, Some(-9), Some(-10), true, -1),
    (b"\x61", 0, Some(-2), Some(-9223372036854775808), false, 0),
    (b"\x61", 0, Some(7), Some(7), true, -1),
    (b"\x01\x01", 0, None, None, false, 0),
    (b"\x01\x01", 1, None, None, false, 7),
    (b"\x01\x01", 0, Some(0), None, false, 0),
    (b"\x01\x01", 1, Some(1), None, false, 15),
    (b"\x01\x01", 0, Some(2), None, false, -1),
    (b"\x01\x01", 0, Some(100), None, false, -1),
    (b"\x01\x01", 0, Some(-100), None, false, 0),
    (b"\x01\x01", 0, Some(0), Some(-1), false, 0),
    (b"\x01\x01", 1, Some(0), Some(-1), false, 7),
    (b"\x01\x01", 0, Some(5), Some(3), false, -1),
    (b"\x01\x01", 0, Some(-1), Some(-2), false, -1),
    (b"\x01\x01", 1, Some(-2), Some(-3), false, 7),
    (b"\x01\x01", 0, Some(0), Some(0), true, 0),
    (b"\x01\x01", 1, Some(0), Some(0), true, -1),
    (b"\x01\x01", 0, Some(0), Some(0), false, 0),
    (b"\x01\x01", 1, Some(2), Some(-1), true, 7),
    (b"\x01\x01", 0, Some(9), Some(15), true, 9),
    (b"\x01\x01", 0, Some(1), Some(1), false, 8),
    (b"\x01\x01", 1, Some(-9), Some(-10), true, -1),
    (
        b"\x01\x01",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        0,
    ),
    (b"\x01\x01", 0, Some(7), Some(7), true, -1),
    (b"\x80\x7f", 0, None, None, false, 1),
    (b"\x80\x7f", 1, None, None, false, 0),
    (b"\x80\x7f", 0, Some(0), None, false, 1),
    (b"\x80\x7f", 1, Some(1), None, false, 9),
    (b"\x80\x7f", 0, Some(2), None, false, -1),
    (b"\x80\x7f", 0, Some(100), None, false, -1),
    (b"\x80\x7f", 0, Some(-100), None, false, 1),
    (b"\x80\x7f", 0, Some(0), Some(-1), false, 1),
    (b"\x80\x7f", 1, Some(0), Some(-1), false, 0),
    (b"\x80\x7f", 0, Some(5), Some(3), false, -1),
    (b"\x80\x7f", 0, Some(-1), Some(-2), false, -1),
    (b"\x80\x7f", 1, Some(-2), Some(-3), false, 0),
    (b"\x80\x7f", 0, Some(0), Some(0), true, -1),
    (b"\x80\x7f", 1, Some(0), Some(0), true, 0),
    (b"\x80\x7f", 0, Some(0), Some(0), false, 1),
    (b"\x80\x7f", 1, Some(2), Some(-1), true, 9),
    (b"\x80\x7f", 0, Some(9), Some(15), true, -1),
    (b"\x80\x7f", 0, Some(1), Some(1), false, 8),
    (b"\x80\x7f", 1, Some(-9), Some(-10), true, -1),
    (
        b"\x80\x7f",
        0,
        Some(-2),
        Some(-9223372036854775808),
        false,
        1,
    ),
    (b"\x80\x7f", 0, Some(7), Some(7), true, 7),
    (b"\x89", 0, None, None, false, 1),
    (b"\x89", 1, None, None, false, 0),
    (b"\x89", 0, Some(0), None, false, 1),
    (b"\x89", 1, Some(1), None, false, -1),
    (b"\x89", 0, Some(2), None, false, -1),
    (b"\x89", 0, Some(100), None, false, -1),
    (b"\x89", 0, Some(-100), None, false, 1),
    (b"\x89", 0, Some(0), Some(-1), false, 1),
    (b"\x89", 1, Some(0), Some(-1), false, 0),
    (b"\x89", 0, Some(5), Some(3), false, -1),
    (b"\x89", 0, Some(-1), Some(-2), false, 1),
    (b"\x89", 1, Some(-2), Some(-3), false, 0),
    (b"\x89", 0, Some(0), Some(0), true, -1),
    (b"\x89", 1, Some(0), Some(0), true, 0),
    (b"\x89", 0, Some(0), Some(0), false, 1),
    (b"\x89", 1, Some(2), Some(-1), true, 4),
    (b"\x89", 0, Some(9), Some(15), true, -1),
    (b"\x89", 0, Some(1), Some(1), false, -1),
    (b"\x89", 1, Some(-9), Some(-10), true, 0),
    (b"\x89", 0, Some(-2), Some(-9223372036854775808), false, 1),
    (b"\x89", 0, Some(7), Some(7), true, -1),
];
// (initial bytes, BITFIELD arguments, Redis's replies (None = nil), bytes afterwards)
/// (initial bytes, arguments, replies, bytes afterwards)
type BitfieldCase = (
    &'static [u8],
    &'static str,
    &'static [Option<i64>],
    &'static [u8],
);
const BITFIELD_CASES: &[BitfieldCase] = &[
    (b"", "OVERFLOW WRAP SET u8 0 -1 GET u8 0 SET u8 0 -200 GET u8 0 SET u8 0 256 GET u8 0 SET i8 0 128 GET i8 0 SET i8 0 -129 GET i8 0 SET i8 0 -9223372036854775808 GET i8 0", &[Some(0), Some(255), Some(255), Some(56), Some(56), Some(0), Some(0), Some(-128), Some(-128), Some(127), Some(127), Some(0)], b"\x00"),
    (b"\x7f", "OVERFLOW WRAP SET u8 0 250 INCRBY u8 0 10 INCRBY u8 0 -300 INCRBY u8 0 9223372036854775807 INCRBY u8 0 -9223372036854775808", &[Some(127), Some(4), Some(216), Some(215), Some(215)], b"\xd7"),
    (b"", "OVERFLOW WRAP SET i64 0 9223372036854775807 INCRBY i64 0 1 INCRBY i64 0 -1 SET i64 0 -9223372036854775808 INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807", &[Some(0), Some(-9223372036854775808), Some(9223372036854775807), Some(9223372036854775807), Some(9223372036854775807), Some(-2)], b"\xff\xff\xff\xff\xff\xff\xff\xfe"),
    (b"", "OVERFLOW WRAP SET u63 0 9223372036854775807 INCRBY u63 0 1 SET u63 0 -1 GET u63 0 SET u63 0 5 INCRBY u63 0 -6 INCRBY u63 0 -9223372036854775808", &[Some(0), Some(0), Some(0), Some(9223372036854775807), Some(9223372036854775807), Some(9223372036854775807), Some(9223372036854775807)], b"\xff\xff\xff\xff\xff\xff\xff\xfe"),
    (b"", "OVERFLOW WRAP SET u1 0 5 GET u1 0 SET i1 0 1 GET i1 0 SET i1 0 -1 INCRBY i1 0 -1 INCRBY i1 0 1 INCRBY u1 3 3", &[Some(0), Some(1), Some(-1), Some(-1), Some(-1), Some(0), Some(-1), Some(1)], b"\x90"),
    (b"", "OVERFLOW WRAP SET i15 74 -9223372036854775808 GET i15 74 SET i63 0 -4611686018427387905 GET i63 0 SET i15 74 -9223372036854759425 GET i15 74 SET i15 74 -9223372036854759424 GET i15 74", &[Some(0), Some(0), Some(0), Some(4611686018427387903), Some(0), Some(16383), Some(16383), Some(-16384)], b"\x7f\xff\xff\xff\xff\xff\xff\xfe\x00\x20\x00\x00"),
    (b"", "OVERFLOW SAT SET u8 0 -1 GET u8 0 SET u8 0 -200 GET u8 0 SET u8 0 256 GET u8 0 SET i8 0 128 GET i8 0 SET i8 0 -129 GET i8 0 SET i8 0 -9223372036854775808 GET i8 0", &[Some(0), Some(255), Some(255), Some(255), Some(255), Some(255), Some(-1), Some(127), Some(127), Some(-128), Some(-128), Some(127)], b"\x7f"),
    (b"\x7f", "OVERFLOW SAT SET u8 0 250 INCRBY u8 0 10 INCRBY u8 0 -300 INCRBY u8 0 9223372036854775807 INCRBY u8 0 -9223372036854775808", &[Some(127), Some(255), Some(0), Some(255), Some(0)], b"\x00"),
    (b"", "OVERFLOW SAT SET i64 0 9223372036854775807 INCRBY i64 0 1 INCRBY i64 0 -1 SET i64 0 -9223372036854775808 INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807", &[Some(0), Some(9223372036854775807), Some(9223372036854775806), Some(9223372036854775806), Some(-9223372036854775808), Some(-1)], b"\xff\xff\xff\xff\xff\xff\xff\xff"),
    (b"", "OVERFLOW SAT SET u63 0 9223372036854775807 INCRBY u63 0 1 SET u63 0 -1 GET u63 0 SET u63 0 5 INCRBY u63 0 -6 INCRBY u63 0 -9223372036854775808", &[Some(0), Some(9223372036854775807), Some(9223372036854775807), Some(9223372036854775807), Some(9223372036854775807), Some(0), Some(0)], b"\x00\x00\x00\x00\x00\x00\x00\x00"),
    (b"", "OVERFLOW SAT SET u1 0 5 GET u1 0 SET i1 0 1 GET i1 0 SET i1 0 -1 INCRBY i1 0 -1 INCRBY i1 0 1 INCRBY u1 3 3", &[Some(0), Some(1), Some(-1), Some(0), Some(0), Some(-1), Some(0), Some(1)], b"\x10"),
    (b"", "OVERFLOW SAT SET i15 74 -9223372036854775808 GET i15 74 SET i63 0 -4611686018427387905 GET i63 0 SET i15 74 -9223372036854759425 GET i15 74 SET i15 74 -9223372036854759424 GET i15 74", &[Some(0), Some(16383), Some(0), Some(4611686018427387903), Some(16383), Some(16383), Some(16383), Some(-16384)], b"\x7f\xff\xff\xff\xff\xff\xff\xfe\x00\x20\x00\x00"),
    (b"", "OVERFLOW FAIL SET u8 0 -1 GET u8 0 SET u8 0 -200 GET u8 0 SET u8 0 256 GET u8 0 SET i8 0 128 GET i8 0 SET i8 0 -129 GET i8 0 SET i8 0 -9223372036854775808 GET i8 0", &[None, Some(0), None, Some(0), None, Some(0), None, Some(0), None, Some(0), None, Some(0)], b"\x00"),
    (b"\x7f", "OVERFLOW FAIL SET u8 0 250 INCRBY u8 0 10 INCRBY u8 0 -300 INCRBY u8 0 9223372036854775807 INCRBY u8 0 -9223372036854775808", &[Some(127), None, None, None, None], b"\xfa"),
    (b"", "OVERFLOW FAIL SET i64 0 9223372036854775807 INCRBY i64 0 1 INCRBY i64 0 -1 SET i64 0 -9223372036854775808 INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807", &[Some(0), None, Some(9223372036854775806), Some(9223372036854775806), None, Some(-1)], b"\xff\xff\xff\xff\xff\xff\xff\xff"),
    (b"", "OVERFLOW FAIL SET u63 0 9223372036854775807 INCRBY u63 0 1 SET u63 0 -1 GET u63 0 SET u63 0 5 INCRBY u63 0 -6 INCRBY u63 0 -9223372036854775808", &[Some(0), None, None, Some(9223372036854775807), Some(9223372036854775807), None, None], b"\x00\x00\x00\x00\x00\x00\x00\x0a"),
    (b"", "OVERFLOW FAIL SET u1 0 5 GET u1 0 SET i1 0 1 GET i1 0 SET i1 0 -1 INCRBY i1 0 -1 INCRBY i1 0 1 INCRBY u1 3 3", &[None, Some(0), None, Some(0), Some(0), None, Some(0), None], b"\x00"),
    (b"", "OVERFLOW FAIL SET i15 74 -9223372036854775808 GET i15 74 SET i63 0 -4611686018427387905 GET i63 0 SET i15 74 -9223372036854759425 GET i15 74 SET i15 74 -9223372036854759424 GET i15 74", &[None, Some(0), None, Some(0), None, Some(0), None, Some(0)], b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
    (b"", "SET u8 0 255 OVERFLOW FAIL INCRBY u8 0 1 OVERFLOW WRAP INCRBY u8 0 1 OVERFLOW SAT INCRBY u8 0 -1", &[Some(0), None, Some(0), Some(0)], b"\x00"),
    (b"", "GET u8 0 INCRBY u8 0 1 OVERFLOW FAIL", &[Some(0), Some(1)], b"\x01"),
    (b"", "SET i5 3 -7 GET u8 0 GET i5 3 GET u4 5 INCRBY i5 3 30 GET i5 3", &[Some(0), Some(25), Some(-7), Some(2), Some(-9), Some(-9)], b"\x17"),
    (b"\x61\x62\x63", "GET i64 0 GET u63 0 GET i8 20 GET u8 20 GET u8 #1 GET i8 #2 GET u4 #5", &[Some(7017280021047803904), Some(3508640010523901952), Some(48), Some(48), Some(98), Some(99), Some(3)], b"\x61\x62\x63"),
    (b"", "OVERFLOW FAIL INCRBY u2 100 5", &[None], b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
    (b"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01", "GET u8 #2305843009213693953 GET u3 #6148914691236517206 GET u8 #2305843009213693952", &[Some(1), Some(0), Some(1)], b"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"),
    (b"", "SET u8 #1 200 SET i16 #1 -2 INCRBY u8 #0 3 GET u32 0", &[Some(0), Some(0), Some(3), Some(63504382)], b"\x03\xc8\xff\xfe"),
    (b"\x65\xec\x1a\xb7", "GET u5 15 SET u63 #1 9223372036854775807 GET i3 36 GET i33 0", &[Some(1), Some(0), Some(0), Some(3419944302)], b"\x65\xec\x1a\xb7\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xfc"),
    (b"\x66\x1c\x6c", "GET u3 28 OVERFLOW FAIL", &[Some(0)], b"\x66\x1c\x6c"),
    (b"\xcc\xc5", "GET i3 22 INCRBY i2 9 2 INCRBY u9 #1 228 SET u1 #0 -2", &[Some(0), Some(0), Some(248), Some(1)], b"\x4c\xbe\x00"),
    (b"\xac\x65\xb0", "INCRBY u3 #2 4 INCRBY i8 6 128 SET u31 26 -1073741825 INCRBY i64 #1 9223372036854775807", &[Some(4), Some(25), Some(0), Some(9223372036854775807)], b"\xac\x65\xb0\x1f\xff\xff\xff\x80\x7f\xff\xff\xff\xff\xff\xff\xff"),
    (b"\xcc\x01\x39\x67\x00", "SET u5 #2 16", &[Some(0)], b"\xcc\x21\x39\x67\x00"),
    (b"\xf5\xf3\x56\x26\x7a\xeb", "GET u3 32 SET u63 18 -9223372036854775808 OVERFLOW SAT INCRBY i9 #1 -9223372036854775808 INCRBY i8 #2 135", &[Some(3), Some(3192196535370645504), Some(-256), Some(127)], b"\xf5\xc0\x7f\x00\x00\x00\x00\x00\x00\x00\x00"),
    (b"\xdf\x60\x9d\x5b\x38\x4b", "OVERFLOW WRAP OVERFLOW SAT GET i16 14 GET i33 12 OVERFLOW SAT", &[Some(10070), Some(330000137)], b"\xdf\x60\x9d\x5b\x38\x4b"),
    (b"\xa7\x11\xc0\x8a\x74", "SET u1 14 -2 INCRBY u2 #1 2 SET u1 19 -9223372036854775808 GET i16 #0", &[Some(0), Some(0), Some(0), Some(-30959)], b"\x87\x11\xc0\x8a\x74"),
    (b"\x33\xdf\x67\x58\x44\xf3", "GET u8 25 GET u3 #0 OVERFLOW WRAP INCRBY i16 28 -32769 OVERFLOW FAIL", &[Some(176), Some(1), Some(1102)], b"\x33\xdf\x67\x50\x44\xe3"),
    (b"\x4e\x25\x0b\x0e", "INCRBY i64 16 9223372036854775807 INCRBY i33 #1 5730298400 OVERFLOW SAT GET u8 #4 GET i8 33 GET i2 #0", &[Some(-8426797852763619329), Some(-2859636193), Some(213), Some(-86), Some(1)], b"\x4e\x25\x8b\x0d\xd5\x63\x5a\x87\xff\xff"),
    (b"\xb0\x3b\x8b\x7c\x20", "GET i8 #0 SET u9 #3 256", &[Some(-80), Some(450)], b"\xb0\x3b\x8b\x70\x00"),
    (b"\x08\x86\x27", "GET i2 17", &[Some(1)], b"\x08\x86\x27"),
    (b"\x36\x06\xdc\x92\x5d", "OVERFLOW FAIL SET u2 18 -3 INCRBY i63 5 -4611686018427387905 GET u63 37", &[None, None, Some(5764607523034234880)], b"\x36\x06\xdc\x92\x5d\x00\x00\x00\x00"),
    (b"\x23\x80\xf2\xc8\x41", "INCRBY u3 #0 -5 SET i33 19 -20", &[Some(4), Some(-3548114944)], b"\x83\x80\xff\xff\xff\xfe\xc0"),
    (b"\xea\x36\x2a", "SET i33 #3 4294967296 OVERFLOW FAIL SET i1 21 -290", &[Some(0), None], b"\xea\x36\x2a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00"),
    (b"\x58\x61", "GET u5 19", &[Some(0)], b"\x58\x61"),
    (b"\x80\xf5\xb2\x6f\xb2", "SET i5 #3 -17", &[Some(-5)], b"\x80\xf4\xf2\x6f\xb2"),
    (b"", "OVERFLOW SAT SET u62 19 -2305843009213693953", &[Some(0)], b"\x00\x00\x1f\xff\xff\xff\xff\xff\xff\xff\x80"),
    (b"\x97\x10\xaf\xd8", "SET u62 18 9223372036854775807", &[Some(3447505514752114688)], b"\x97\x10\xbf\xff\xff\xff\xff\xff\xff\xff"),
    (b"\x79\x3f\x94\x8d", "SET i64 #3 -9223372036854775808 INCRBY i2 16 2", &[Some(0), Some(0)], b"\x79\x3f\x14\x8d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x00\x00\x00"),
    (b"\x07\xe6\x67\xea\xfe", "INCRBY i3 #0 -5 SET i8 27 -129 GET u31 19 SET i64 22 9223372036854775807", &[Some(3), Some(87), Some(532674560), Some(-288371113640067072)], b"\x67\xe6\x65\xff\xff\xff\xff\xff\xff\xff\xfc"),
    (b"\x71\x99\x82\xa4\xc9\xb7", "INCRBY i1 38 -1 INCRBY u62 29 9223372036854775807 OVERFLOW WRAP SET i9 36 28 SET i2 #3 10 SET u1 16 -9223372036854775808", &[Some(-1), Some(2764568056414863359), Some(-138), Some(1), Some(1)], b"\x72\x99\x02\xa4\xc0\xe6\xff\xff\xff\xff\xff\xe0"),
    (b"\xd0", "GET i3 #1 INCRBY u3 20 -5 SET u31 13 -1073741825 SET i5 4 17", &[Some(-4), Some(3), Some(6291456), Some(0)], b"\xd8\x83\xff\xff\xff\xf0"),
    (b"\x49", "GET i1 #3 GET i3 #3", &[Some(0), Some(0)], b"\x49"),
    (b"\x00\x39\x40\x60\x44\x70", "SET u3 #3 9223372036854775807 SET u8 #3 -200 INCRBY u31 #0 -1073741825 INCRBY i1 12 -9223372036854775808", &[Some(3), Some(96), Some(1077714971), Some(-1)], b"\x80\x79\x40\x36\x44\x70"),
    (b"\xcc\x90\xbc\xae\x5f\xf1", "OVERFLOW WRAP GET u3 #2 INCRBY i8 1 -214", &[Some(1), Some(-61)], b"\xe1\x90\xbc\xae\x5f\xf1"),
    (b"", "SET u31 #0 1073741824 OVERFLOW FAIL GET i9 16", &[Some(0), Some(0)], b"\x80\x00\x00\x00"),
    (b"\x7d\x1b\x43\x80\xcb\x55", "SET i2 #0 1", &[Some(1)], b"\x7d\x1b\x43\x80\xcb\x55"),
    (b"\x33", "OVERFLOW FAIL INCRBY u1 #0 1 OVERFLOW WRAP GET u63 5 GET u5 #3 SET i8 33 9223372036854775807", &[Some(1), Some(3458764513820540928), Some(0), Some(0)], b"\xb3\x00\x00\x00\x7f\x80"),
    (b"\x6c\x3f\x11", "INCRBY i1 #2 -285 GET i2 4 INCRBY i16 #0 57452 SET i2 #1 9223372036854775807 GET i33 35", &[Some(0), Some(-1), Some(11435), Some(-2), Some(0)], b"\x3c\xab\x11"),
    (b"\x81\xe1", "SET i3 12 -9223372036854775808 INCRBY u2 15 -9223372036854775808", &[Some(0), Some(2)], b"\x81\xe1\x00"),
    (b"\xb8", "SET u31 #2 9223372036854775807 OVERFLOW SAT", &[Some(0)], b"\xb8\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xf8"),
    (b"", "OVERFLOW SAT INCRBY i64 #1 9223372036854775807 SET i3 #4 -5 GET u1 #1 GET u63 #1", &[Some(9223372036854775807), Some(0), Some(0), Some(2305843009213693951)], b"\x00\x08\x00\x00\x00\x00\x00\x00\x7f\xff\xff\xff\xff\xff\xff\xff"),
    (b"\xdf\x4b\x6b\xda", "OVERFLOW FAIL INCRBY u5 22 -17 INCRBY u63 #1 9223372036854775807 SET i1 11 1", &[Some(13), Some(9223372036854775807), None], b"\xdf\x4b\x69\xba\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xfc"),
    (b"\xc2\xb3", "INCRBY i2 21 -63 OVERFLOW FAIL GET i3 #1", &[Some(1), Some(0)], b"\xc2\xb3\x02"),
    (b"\xd2\xf5\x09\x60\x73\x26", "SET i31 33 -9223372036854775808", &[Some(-215613440)], b"\xd2\xf5\x09\x60\x00\x00\x00\x00"),
    (b"\xa4\x63\x8a\xba", "SET i3 #2 -9223372036854775808 INCRBY u1 #3 1", &[Some(0), Some(1)], b"\xb4\x63\x8a\xba"),
    (b"\x16\xa2\x94\xed", "GET i9 39", &[Some(0)], b"\x16\xa2\x94\xed"),
    (b"\x89\xf5\xca\x11\x67", "INCRBY u31 #1 -736364047", &[Some(769391089)], b"\x89\xf5\xca\x10\xb7\x6f\xe7\xc4"),
    (b"\xc2\xbe\x75\x22\xb0\x54", "INCRBY i3 #1 -5 SET i63 39 -1984225545209825282 GET u3 40 SET i31 36 9223372036854775807 INCRBY i1 8 -2", &[Some(3), Some(1513209474796486656), Some(4), Some(210686892), Some(-1)], b"\xce\xbe\x75\x22\xbf\xff\xff\xff\xe4\x9e\x0c\xdf\xf8"),
];

#[test]
fn bitcount_matches_redis() {
    for &(bytes, start, end, bit, want) in BITCOUNT_CASES {
        assert_eq!(
            bit_count(bytes, start, end, unit(bit)),
            want,
            "BITCOUNT {bytes:?} {start} {end} bit={bit}"
        );
    }
    assert_eq!(bit_count_all(b"foobar"), 26);
    assert_eq!(bit_count_all(b""), 0);
}

#[test]
fn bitpos_matches_redis() {
    for &(bytes, bitv, start, end, bit, want) in BITPOS_CASES {
        assert_eq!(
            bit_pos(bytes, bitv, start, end, unit(bit)),
            want,
            "BITPOS {bytes:?} {bitv} {start:?} {end:?} bit={bit}"
        );
    }
}

/// Runs BITFIELD arguments (already validated) the way the command does: grow the string
/// for every write first, then run the operations in order.
fn run_bitfield(initial: &[u8], args: &str) -> (Vec<Option<i64>>, Vec<u8>) {
    let words: Vec<&str> = args.split(' ').collect();
    let mut bytes = initial.to_vec();
    let mut replies = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut i = 0;
    // First pass: the highest write decides the length, as in Redis.
    let mut need = 0;
    while i < words.len() {
        match words[i] {
            "OVERFLOW" => i += 2,
            "GET" => i += 3,
            _ => {
                let ty = BitfieldType::parse(words[i + 1].as_bytes()).unwrap();
                let offset = parse_bitfield_offset(words[i + 2].as_bytes(), ty, MAX).unwrap();
                need = need.max(bitfield_required_len(offset, ty));
                i += 4;
            }
        }
    }
    if (bytes.len() as u64) < need {
        bytes.resize(need as usize, 0);
    }
    i = 0;
    while i < words.len() {
        match words[i] {
            "OVERFLOW" => {
                overflow = Overflow::parse(words[i + 1].as_bytes()).unwrap();
                i += 2;
            }
            op => {
                let ty = BitfieldType::parse(words[i + 1].as_bytes()).unwrap();
                let offset = parse_bitfield_offset(words[i + 2].as_bytes(), ty, MAX).unwrap();
                if op == "GET" {
                    replies.push(Some(bitfield_get(&bytes, offset, ty)));
                    i += 3;
                    continue;
                }
                let value: i64 = words[i + 3].parse().unwrap();
                replies.push(if op == "SET" {
                    bitfield_set(&mut bytes, offset, ty, value, overflow)
                } else {
                    bitfield_incrby(&mut bytes, offset, ty, value, overflow)
                });
                i += 4;
            }
        }
    }
    (replies, bytes)
}

#[test]
fn bitfield_matches_redis() {
    for &(initial, args, replies, after) in BITFIELD_CASES {
        let (got, bytes) = run_bitfield(initial, args);
        assert_eq!(got, replies, "BITFIELD {args}");
        assert_eq!(bytes, after, "BITFIELD {args}");
    }
}

#[test]
fn bitfield_type_parsing_matches_redis() {
    for ok in ["i5", "u63", "i64", "i1", "u1", "i16", "u8"] {
        assert!(BitfieldType::parse(ok.as_bytes()).is_some(), "{ok}");
    }
    let refused = [
        "u64", "i65", "I8", "U8", "i0", "u0", "i08", "i+8", "i-8", "i 8", "x8", "i", "u", "8",
        "i8a", "i64 ", "",
    ];
    for bad in refused {
        assert!(BitfieldType::parse(bad.as_bytes()).is_none(), "{bad:?}");
    }
    let i5 = BitfieldType::parse(b"i5").unwrap();
    assert_eq!((i5.min(), i5.max()), (-16, 15));
    let u63 = BitfieldType::parse(b"u63").unwrap();
    assert_eq!((u63.min(), u63.max()), (0, i64::MAX));
    let i64t = BitfieldType::parse(b"i64").unwrap();
    assert_eq!((i64t.min(), i64t.max()), (i64::MIN, i64::MAX));
}

#[test]
fn bitfield_offsets_match_redis() {
    let u8t = BitfieldType::parse(b"u8").unwrap();
    let ok: &[(&str, u64)] = &[
        ("0", 0),
        ("#0", 0),
        ("#1", 8),
        ("4294967295", 4294967295),
        ("4294967288", 4294967288),
        ("#536870911", 4294967288),
        // The # product wraps around in 64 bits: 2305843009213693953 * 8 = 2^64 + 8.
        ("#2305843009213693953", 8),
        ("#2305843009213693952", 0),
        ("#4611686018427387905", 8),
    ];
    for &(text, want) in ok {
        assert_eq!(
            parse_bitfield_offset(text.as_bytes(), u8t, MAX),
            Some(want),
            "{text}"
        );
    }
    let refused = [
        "-1",
        "#-1",
        "# 1",
        "##1",
        "1.5",
        "+1",
        "01",
        "#01",
        "4294967296",
        "#536870912",
        "9223372036854775807",
        "#9223372036854775807",
        "#1152921504606846976",
        "",
        "#",
    ];
    for text in refused {
        assert_eq!(
            parse_bitfield_offset(text.as_bytes(), u8t, MAX),
            None,
            "{text:?}"
        );
    }
    let i64t = BitfieldType::parse(b"i64").unwrap();
    assert_eq!(
        parse_bitfield_offset(b"#144115188075855873", i64t, MAX),
        None
    );
    let u3 = BitfieldType::parse(b"u3").unwrap();
    assert_eq!(
        parse_bitfield_offset(b"#6148914691236517206", u3, MAX),
        Some(2)
    );
    // A field may end past the limit: SET i64 4294967295 grows the string to 536870920.
    assert_eq!(bitfield_required_len(4294967295, i64t), 536_870_920);
    assert_eq!(
        bitfield_required_len(100, BitfieldType::parse(b"u2").unwrap()),
        13
    );
}

#[test]
fn setbit_getbit_arguments_match_redis() {
    assert_eq!(parse_bit_offset(b"4294967295", MAX), Some(4294967295));
    for bad in ["4294967296", "-1", "x", "+1", "01", ""] {
        assert_eq!(parse_bit_offset(bad.as_bytes(), MAX), None, "{bad:?}");
    }
    // proto-max-bulk-len 1mb: SETBIT 8388607 ok, 8388608 refused.
    assert_eq!(parse_bit_offset(b"8388607", 1 << 20), Some(8388607));
    assert_eq!(parse_bit_offset(b"8388608", 1 << 20), None);
    assert_eq!(parse_bit_value(b"0"), Some(0));
    assert_eq!(parse_bit_value(b"1"), Some(1));
    for bad in ["2", "-1", "x", "01", ""] {
        assert_eq!(parse_bit_value(bad.as_bytes()), None, "{bad:?}");
    }
}

#[test]
fn setbit_and_getbit() {
    let mut v = Vec::new();
    assert_eq!(set_bit(&mut v, 7, 1), 0);
    assert_eq!(v, [0x01]);
    assert_eq!(set_bit(&mut v, 7, 1), 1);
    assert_eq!(set_bit(&mut v, 100, 1), 0);
    assert_eq!(v.len(), 13);
    assert_eq!(get_bit(&v, 100), 1);
    assert_eq!(get_bit(&v, 101), 0);
    assert_eq!(get_bit(&v, u64::MAX), 0);
    assert_eq!(set_bit(&mut v, 100, 0), 1);
    assert_eq!(get_bit(&v, 100), 0);
}

#[test]
fn bitop_matches_redis() {
    assert_eq!(BitOp::parse(b"AND"), Some(BitOp::And));
    assert_eq!(BitOp::parse(b"oR"), Some(BitOp::Or));
    assert_eq!(BitOp::parse(b"foo"), None);
    let a: &[u8] = b"\xff\x0f\x01";
    let b: &[u8] = b"\xf0";
    assert_eq!(bit_op(BitOp::And, &[a, b]), b"\xf0\x00\x00");
    assert_eq!(bit_op(BitOp::Or, &[a, b]), b"\xff\x0f\x01");
    assert_eq!(bit_op(BitOp::Xor, &[a, b]), b"\x0f\x0f\x01");
    assert_eq!(bit_op(BitOp::Xor, &[a, a, a]), a);
    assert_eq!(bit_op(BitOp::Not, &[a]), b"\x00\xf0\xfe");
    // BITOP NOT d i, where i is SET to 123: the digits' complement.
    assert_eq!(bit_op(BitOp::Not, &[b"123"]), b"\xce\xcd\xcc");
    // All sources missing: empty result (Redis deletes the destination, replies 0).
    assert_eq!(bit_op(BitOp::And, &[b"", b""]), b"");
    assert_eq!(bit_op(BitOp::Not, &[b""]), b"");
}

fn naive_bits(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
        .collect()
}

/// The model: resolve the range as Redis does, then look at bits one by one.
fn model_range(start: i64, end: i64, len: i64, shortcut: bool) -> Option<(i64, i64)> {
    if shortcut && start < 0 && end < 0 && start > end {
        return None;
    }
    let s = if start < 0 {
        (start as i128 + len as i128).max(0)
    } else {
        start as i128
    };
    let e = if end < 0 {
        (end as i128 + len as i128).max(0)
    } else {
        end as i128
    };
    let e = e.min(len as i128 - 1);
    (len > 0 && s <= e).then_some((s as i64, e as i64))
}

fn model_count(bytes: &[u8], start: i64, end: i64, bit_unit: bool) -> u64 {
    let bits = naive_bits(bytes);
    let scale = if bit_unit { 1 } else { 8 };
    match model_range(start, end, bits.len() as i64 / scale, true) {
        None => 0,
        Some((s, e)) => bits[(s * scale) as usize..((e + 1) * scale) as usize]
            .iter()
            .map(|&b| u64::from(b))
            .sum(),
    }
}

fn model_pos(bytes: &[u8], bit: u8, start: Option<i64>, end: Option<i64>, bit_unit: bool) -> i64 {
    let bits = naive_bits(bytes);
    if bits.is_empty() {
        return -1;
    }
    let scale = if bit_unit { 1 } else { 8 };
    let len = bits.len() as i64 / scale;
    let Some((s, e)) = model_range(start.unwrap_or(0), end.unwrap_or(-1), len, false) else {
        return -1;
    };
    let (first, last) = (s * scale, (e + 1) * scale - 1);
    for p in first..=last {
        if bits[p as usize] == bit {
            return p;
        }
    }
    if bit == 0 && end.is_none() {
        last + 1
    } else {
        -1
    }
}

fn index(len: usize) -> impl Strategy<Value = i64> {
    let n = len as i64 * 8 + 10;
    prop_oneof![
        -n..n,
        Just(i64::MIN),
        Just(i64::MAX),
        Just(0i64),
        Just(-1i64),
    ]
}

proptest! {
    #[test]
    fn bit_count_matches_model(
        (bytes, start, end) in proptest::collection::vec(
            prop_oneof![Just(0u8), Just(0xff), any::<u8>()], 0..40
        ).prop_flat_map(|b| { let n = b.len(); (Just(b), index(n), index(n)) }),
        bit_unit in any::<bool>(),
    ) {
        prop_assert_eq!(
            bit_count(&bytes, start, end, unit(bit_unit)),
            model_count(&bytes, start, end, bit_unit)
        );
        prop_assert_eq!(bit_count_all(&bytes), model_count(&bytes, 0, -1, false));
    }

    #[test]
    fn bit_pos_matches_model(
        (bytes, start, end) in proptest::collection::vec(
            prop_oneof![Just(0u8), Just(0xff), any::<u8>()], 0..40
        ).prop_flat_map(|b| { let n = b.len(); (Just(b), index(n), index(n)) }),
        bit in 0u8..2,
        shape in 0u8..4,
    ) {
        // BITPOS key bit | bit start | bit start end | bit start end BIT
        let (s, e, bit_unit) = match shape {
            0 => (None, None, false),
            1 => (Some(start), None, false),
            2 => (Some(start), Some(end), false),
            _ => (Some(start), Some(end), true),
        };
        prop_assert_eq!(
            bit_pos(&bytes, bit, s, e, unit(bit_unit)),
            model_pos(&bytes, bit, s, e, bit_unit)
        );
    }

    #[test]
    fn bitfield_get_reads_what_set_wrote(
        bytes in proptest::collection::vec(any::<u8>(), 0..16),
        signed in any::<bool>(),
        bits in 1u8..65,
        offset in 0u64..150,
        value in any::<i64>(),
    ) {
        let bits = if signed { bits } else { bits.min(63) };
        let ty = BitfieldType { signed, bits };
        let mut v = bytes.clone();
        let old = bitfield_get(&v, offset, ty);
        let written = bitfield_set(&mut v, offset, ty, value, Overflow::Wrap);
        prop_assert_eq!(written, Some(old));
        let now = bitfield_get(&v, offset, ty);
        prop_assert!(now >= ty.min() && now <= ty.max());
        // Wrapping keeps the low bits of the value.
        let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
        prop_assert_eq!(now as u64 & mask, value as u64 & mask);
        // Bits outside the field are untouched.
        for p in 0..(v.len() as u64 * 8) {
            if p < offset || p >= offset + u64::from(bits) {
                prop_assert_eq!(get_bit(&v, p), get_bit(&bytes, p));
            }
        }
    }
}
