//! Numbers as Redis parses and prints them.
//!
//! Integers follow `string2ll` ([`parse_i64`]); client doubles follow `strtod`
//! ([`parse_f64`]); INCRBYFLOAT/HINCRBYFLOAT work in x87 `long double`
//! ([`incr_by_float`], modelled exactly by [`crate::long_double`]).

use crate::long_double;
pub use crate::long_double::{incr_by_float, IncrFloatError, LongDouble};

/// Parses an integer exactly as Redis's `string2ll` does.
///
/// Redis keeps one canonical text per integer, so it refuses anything that would not
/// print back the same: an optional `-`, no `+`, no spaces, no leading zeros (except
/// `0` itself), no `-0`, at most 20 characters, and no overflow.
///
/// ```
/// use cedis_types::number::parse_i64;
/// assert_eq!(parse_i64(b"-42"), Some(-42));
/// assert_eq!(parse_i64(b"042"), None);
/// assert_eq!(parse_i64(b"+1"), None);
/// assert_eq!(parse_i64(b"-0"), None);
/// assert_eq!(parse_i64(b"9223372036854775808"), None);
/// assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
/// ```
pub fn parse_i64(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes {
        [b'0'] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    match digits.first() {
        Some(b'1'..=b'9') if bytes.len() <= 20 => {}
        _ => return None,
    }
    let mut value: i64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        let d = i64::from(digit - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// Parses a client-supplied float the way Redis does (`strtod`, for ZADD scores, range
/// bounds, and every other `double` argument): decimal or `0x` hexadecimal notation, an
/// optional sign, `inf`/`infinity` in any case; no leading or trailing spaces, no NaN,
/// nothing that overflows or underflows to zero (subnormals are fine). No length limit.
///
/// INCRBYFLOAT/HINCRBYFLOAT use the `long double` rules instead: see
/// [`parse_long_double`] and [`incr_by_float`].
///
/// ```
/// use cedis_types::number::parse_f64;
/// assert_eq!(parse_f64(b"1.5e3"), Some(1500.0));
/// assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
/// assert_eq!(parse_f64(b"0x10"), Some(16.0));
/// assert_eq!(parse_f64(b".5"), Some(0.5));
/// assert_eq!(parse_f64(b"5."), Some(5.0));
/// assert_eq!(parse_f64(b"nan"), None);
/// assert_eq!(parse_f64(b" 1"), None);
/// assert_eq!(parse_f64(b"1 "), None);
/// assert_eq!(parse_f64(b"1e400"), None);
/// assert_eq!(parse_f64(b"1e-400"), None);
/// ```
pub fn parse_f64(bytes: &[u8]) -> Option<f64> {
    long_double::parse_strtod(bytes)
}

/// Parses an INCRBYFLOAT/HINCRBYFLOAT operand (`strtold` rules; see
/// [`LongDouble::parse`]): like [`parse_f64`] but in extended range (`1e4932` is valid)
/// and shorter than 5120 bytes.
///
/// ```
/// use cedis_types::number::parse_long_double;
/// assert!(parse_long_double(b"1.5e400").is_some());
/// assert!(parse_long_double(b"inf").is_some_and(|v| !v.is_finite()));
/// assert!(parse_long_double(b"nan").is_none());
/// ```
pub fn parse_long_double(bytes: &[u8]) -> Option<LongDouble> {
    LongDouble::parse(bytes)
}

/// The text INCRBYFLOAT/HINCRBYFLOAT reply with and store for `value`: `%.17Lf` of the
/// (exact) extended value, trailing zeros and a trailing `.` removed, `-0` printed as `0`.
///
/// Prefer [`incr_by_float`], which also does the addition in extended precision as Redis
/// does; this is for callers that already hold an `f64`.
///
/// ```
/// use cedis_types::number::format_incrbyfloat;
/// assert_eq!(format_incrbyfloat(5000.0), "5000");
/// assert_eq!(format_incrbyfloat(1.5), "1.5");
/// assert_eq!(format_incrbyfloat(-0.0), "0");
/// assert_eq!(format_incrbyfloat(0.1), "0.10000000000000001");
/// assert_eq!(format_incrbyfloat(1e-20), "0");
/// ```
pub fn format_incrbyfloat(value: f64) -> String {
    LongDouble::from_f64(value).format_human()
}
