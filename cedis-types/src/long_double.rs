//! A software model of the x87 80-bit `long double` that Redis uses for INCRBYFLOAT and
//! HINCRBYFLOAT, so that cedis stores and replies exactly the same digits.
//!
//! Why not `f64`? Redis parses both operands with `strtold`, adds them in extended
//! precision (64-bit mantissa, 15-bit exponent) and prints the sum with `%.17Lf`. In `f64`,
//! `10.5 + 0.1` prints as `10.59999999999999964`, while Redis replies `10.6`; values such
//! as `1e400` are also valid INCRBYFLOAT operands although they overflow `f64`. Redis
//! stores the printed text and re-parses it on the next increment, so the whole operation
//! is a pure function of two byte strings, which [`incr_by_float`] reproduces bit for bit:
//! correctly rounded parsing (decimal and hexadecimal, as glibc does), addition rounded to
//! nearest-even, and exact `%.17Lf` printing (glibc prints the exact binary value, ties to
//! even).
//!
//! The same machinery parses `f64`s exactly as glibc's `strtod` does ([`parse_strtod`]),
//! including hexadecimal floats and Redis's rejection of overflow and of underflow to zero.
//!
//! Residual differences: none known against Redis built for x86-64 (where `long double`
//! is the x87 80-bit format). It was checked against a C program using glibc's
//! `strtold`, x87 addition and `printf("%.17Lf")` on ~110,000 random operand pairs
//! (decimal, hexadecimal, halfway cases, subnormals, 1e±4932), on ~120,000 exact
//! parse comparisons, and against Redis 7.0.15 itself on 1,500 pairs. Redis builds whose
//! `long double` is IEEE quad (aarch64) or plain double would print other digits; cedis
//! follows x86-64.
//!
//! ```
//! use cedis_types::long_double::{incr_by_float, IncrFloatError};
//! assert_eq!(incr_by_float(b"10.5", b"0.1").unwrap(), "10.6");
//! assert_eq!(incr_by_float(b"0", b"1e30").unwrap(), "1000000000000000000024696061952");
//! assert_eq!(incr_by_float(b"0", b"inf"), Err(IncrFloatError::NanOrInfinity));
//! assert_eq!(incr_by_float(b"abc", b"1"), Err(IncrFloatError::InvalidValue));
//! ```

use std::cmp::Ordering;

/// The longest text Redis's `strtold` wrapper accepts is `MAX_LONG_DOUBLE_CHARS - 1`:
/// inputs of 5120 bytes or more are "not a valid float".
pub const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// An x87 extended-precision value: ±0, ±infinity, NaN, or `mantissa * 2^exponent` with
/// at most 64 significant bits (subnormals included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongDouble {
    negative: bool,
    class: Class,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Zero,
    /// `mantissa * 2^exponent`, mantissa non-zero.
    Finite {
        mantissa: u64,
        exponent: i64,
    },
    Infinite,
    Nan,
}

/// Why [`incr_by_float`] failed; the command maps these to Redis's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IncrFloatError {
    /// The stored value does not parse (`ERR value is not a valid float` for INCRBYFLOAT,
    /// `ERR hash value is not a float` for HINCRBYFLOAT).
    #[error("ERR value is not a valid float")]
    InvalidValue,
    /// The increment does not parse (`ERR value is not a valid float`).
    #[error("ERR value is not a valid float")]
    InvalidIncrement,
    /// The sum is infinite or NaN (`ERR increment would produce NaN or Infinity`).
    #[error("ERR increment would produce NaN or Infinity")]
    NanOrInfinity,
}

/// INCRBYFLOAT/HINCRBYFLOAT: parses `current` and `increment` as Redis does (`strtold`,
/// see [`LongDouble::parse`]), adds them in extended precision and returns the text Redis
/// replies with and stores.
///
/// HINCRBYFLOAT additionally refuses an infinite increment up front with `ERR value is NaN
/// or Infinity` (INCRBYFLOAT lets the sum check catch it); check
/// [`LongDouble::is_finite`] on the parsed increment for that.
///
/// ```
/// use cedis_types::long_double::incr_by_float;
/// assert_eq!(incr_by_float(b"3.0", b"2").unwrap(), "5");
/// assert_eq!(incr_by_float(b"5.0e3", b"0").unwrap(), "5000");
/// assert_eq!(incr_by_float(b"0", b"1e-20").unwrap(), "0");
/// assert_eq!(incr_by_float(b"0.1", b"0.2").unwrap(), "0.3");
/// ```
pub fn incr_by_float(current: &[u8], increment: &[u8]) -> Result<String, IncrFloatError> {
    let value = LongDouble::parse(current).ok_or(IncrFloatError::InvalidValue)?;
    let incr = LongDouble::parse(increment).ok_or(IncrFloatError::InvalidIncrement)?;
    let sum = value.add(incr);
    if !sum.is_finite() {
        return Err(IncrFloatError::NanOrInfinity);
    }
    Ok(sum.format_human())
}

impl LongDouble {
    pub const ZERO: LongDouble = LongDouble {
        negative: false,
        class: Class::Zero,
    };

    /// Parses `bytes` as Redis's `string2ld` does: the whole input must be a `strtold`
    /// number (decimal or `0x` hexadecimal, optional sign, `inf`/`infinity` in any case),
    /// shorter than [`MAX_LONG_DOUBLE_CHARS`], with no leading or trailing space. NaN is
    /// refused, and so is any value that overflows or underflows to zero (`ERANGE`);
    /// subnormals are accepted.
    ///
    /// ```
    /// use cedis_types::long_double::LongDouble;
    /// assert!(LongDouble::parse(b"1e4932").is_some());
    /// assert!(LongDouble::parse(b"1e4933").is_none());
    /// assert!(LongDouble::parse(b"1e-4950").is_some());
    /// assert!(LongDouble::parse(b"1e-4960").is_none());
    /// assert!(LongDouble::parse(b"0x10").is_some());
    /// assert!(LongDouble::parse(b" 1").is_none());
    /// assert!(LongDouble::parse(b"nan").is_none());
    /// ```
    pub fn parse(bytes: &[u8]) -> Option<LongDouble> {
        if bytes.is_empty() || bytes.len() >= MAX_LONG_DOUBLE_CHARS {
            return None;
        }
        let value = parse_with(bytes, &EXTENDED)?;
        Some(LongDouble {
            negative: value.negative,
            class: match value.rounded {
                Rounded::Zero => Class::Zero,
                Rounded::Infinite => Class::Infinite,
                Rounded::Finite { mantissa, exponent } => Class::Finite {
                    mantissa: mantissa as u64,
                    exponent,
                },
            },
        })
    }

    /// The exact extended value of `value` (every `f64` is representable).
    ///
    /// ```
    /// use cedis_types::long_double::LongDouble;
    /// assert_eq!(LongDouble::from_f64(0.5).to_f64(), 0.5);
    /// ```
    pub fn from_f64(value: f64) -> LongDouble {
        let negative = value.is_sign_negative();
        let class = if value.is_nan() {
            Class::Nan
        } else if value.is_infinite() {
            Class::Infinite
        } else if value == 0.0 {
            Class::Zero
        } else {
            let bits = value.to_bits();
            let biased = ((bits >> 52) & 0x7ff) as i64;
            let fraction = bits & ((1 << 52) - 1);
            let (mantissa, exponent) = if biased == 0 {
                (fraction, -1074)
            } else {
                (fraction | (1 << 52), biased - 1075)
            };
            Class::Finite { mantissa, exponent }
        };
        LongDouble { negative, class }
    }

    /// The exact value of `value` (a 64-bit integer always fits the 64-bit mantissa).
    pub fn from_i64(value: i64) -> LongDouble {
        let negative = value < 0;
        let class = match value.unsigned_abs() {
            0 => Class::Zero,
            mantissa => Class::Finite {
                mantissa,
                exponent: 0,
            },
        };
        LongDouble { negative, class }
    }

    /// The nearest `f64` (ties to even; overflow gives infinity, underflow zero).
    pub fn to_f64(self) -> f64 {
        let magnitude = match self.class {
            Class::Zero => 0.0,
            Class::Infinite => f64::INFINITY,
            Class::Nan => f64::NAN,
            Class::Finite { mantissa, exponent } => {
                match round(
                    &Big::from_u128(u128::from(mantissa)),
                    exponent,
                    false,
                    &DOUBLE,
                ) {
                    Rounded::Zero => 0.0,
                    Rounded::Infinite => f64::INFINITY,
                    Rounded::Finite { mantissa, exponent } => {
                        compose_f64(mantissa as u64, exponent)
                    }
                }
            }
        };
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }

    /// For a finite non-zero value, `(negative, mantissa, exponent)` with the value equal
    /// to `mantissa * 2^exponent` and the mantissa's top bit set (what `frexpl` gives,
    /// scaled by 2^64): a way to compare parsed values exactly.
    ///
    /// ```
    /// use cedis_types::long_double::LongDouble;
    /// assert_eq!(LongDouble::from_i64(-3).to_parts(), Some((true, 3 << 62, -62)));
    /// assert_eq!(LongDouble::ZERO.to_parts(), None);
    /// ```
    pub fn to_parts(self) -> Option<(bool, u64, i64)> {
        match self.class {
            Class::Finite { mantissa, exponent } => {
                let shift = mantissa.leading_zeros();
                Some((
                    self.negative,
                    mantissa << shift,
                    exponent - i64::from(shift),
                ))
            }
            _ => None,
        }
    }

    pub fn is_finite(self) -> bool {
        matches!(self.class, Class::Zero | Class::Finite { .. })
    }

    pub fn is_nan(self) -> bool {
        matches!(self.class, Class::Nan)
    }

    pub fn is_sign_negative(self) -> bool {
        self.negative
    }

    /// IEEE addition rounded to nearest-even in extended precision, as the x87 FPU does.
    ///
    /// ```
    /// use cedis_types::long_double::LongDouble;
    /// let a = LongDouble::parse(b"10.5").unwrap();
    /// let b = LongDouble::parse(b"0.1").unwrap();
    /// assert_eq!(a.add(b).format_human(), "10.6");
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, other: LongDouble) -> LongDouble {
        use Class::*;
        match (self.class, other.class) {
            (Nan, _) | (_, Nan) => LongDouble {
                negative: false,
                class: Nan,
            },
            (Infinite, Infinite) if self.negative != other.negative => LongDouble {
                negative: false,
                class: Nan,
            },
            (Infinite, _) => self,
            (_, Infinite) => other,
            (Zero, Zero) => LongDouble {
                negative: self.negative && other.negative,
                class: Zero,
            },
            (Zero, _) => other,
            (_, Zero) => self,
            (
                Finite {
                    mantissa: ma,
                    exponent: ea,
                },
                Finite {
                    mantissa: mb,
                    exponent: eb,
                },
            ) => {
                let lead_a = ea + i64::from(64 - ma.leading_zeros());
                let lead_b = eb + i64::from(64 - mb.leading_zeros());
                // A far smaller operand is below a quarter of the larger one's ulp: the
                // sum rounds back to the larger one.
                if lead_a - lead_b > 130 {
                    return self;
                }
                if lead_b - lead_a > 130 {
                    return other;
                }
                let base = ea.min(eb);
                let mut a = Big::from_u128(u128::from(ma));
                a.shl((ea - base) as u64);
                let mut b = Big::from_u128(u128::from(mb));
                b.shl((eb - base) as u64);
                let (negative, sum) = if self.negative == other.negative {
                    a.add_assign(&b);
                    (self.negative, a)
                } else {
                    match a.cmp(&b) {
                        Ordering::Equal => return LongDouble::ZERO,
                        Ordering::Greater => {
                            a.sub_assign(&b);
                            (self.negative, a)
                        }
                        Ordering::Less => {
                            b.sub_assign(&a);
                            (other.negative, b)
                        }
                    }
                };
                let class = match round(&sum, base, false, &EXTENDED) {
                    Rounded::Zero => Zero,
                    Rounded::Infinite => Infinite,
                    Rounded::Finite { mantissa, exponent } => Finite {
                        mantissa: mantissa as u64,
                        exponent,
                    },
                };
                LongDouble { negative, class }
            }
        }
    }

    /// Redis's "human" long double format (`ld2string` with `LD_STR_HUMAN`): `%.17Lf`,
    /// trailing zeros and a trailing `.` removed, `-0` printed as `0`; `inf`/`-inf`/`nan`
    /// for the non-finite values (which INCRBYFLOAT never prints).
    ///
    /// ```
    /// use cedis_types::long_double::LongDouble;
    /// assert_eq!(LongDouble::from_f64(3.0).format_human(), "3");
    /// assert_eq!(LongDouble::from_f64(-0.0).format_human(), "0");
    /// assert_eq!(LongDouble::from_f64(1.25).format_human(), "1.25");
    /// ```
    pub fn format_human(self) -> String {
        let mut text = self.format_fixed17();
        if text.contains('.') {
            let keep = text.trim_end_matches('0').len();
            text.truncate(keep);
            if text.ends_with('.') {
                text.pop();
            }
        }
        if text == "-0" {
            text = "0".to_string();
        }
        text
    }

    /// `printf("%.17Lf")`: the exact value rounded to 17 decimals, ties to even.
    ///
    /// ```
    /// use cedis_types::long_double::LongDouble;
    /// assert_eq!(LongDouble::from_f64(0.1).format_fixed17(), "0.10000000000000001");
    /// assert_eq!(LongDouble::from_f64(-2.0).format_fixed17(), "-2.00000000000000000");
    /// ```
    pub fn format_fixed17(self) -> String {
        let sign = if self.negative { "-" } else { "" };
        let (mantissa, exponent) = match self.class {
            Class::Nan => return format!("{sign}nan"),
            Class::Infinite => return format!("{sign}inf"),
            Class::Zero => return format!("{sign}0.00000000000000000"),
            Class::Finite { mantissa, exponent } => (mantissa, exponent),
        };
        const SCALE: u128 = 100_000_000_000_000_000; // 10^17
        let digits = if exponent >= 0 {
            let mut integer = Big::from_u128(u128::from(mantissa));
            integer.shl(exponent as u64);
            let mut digits = integer.to_decimal();
            digits.push_str("00000000000000000");
            digits
        } else {
            // mantissa * 10^17 < 2^121, so the scaled value fits in a u128.
            let scaled = u128::from(mantissa) * SCALE;
            let shift = exponent.unsigned_abs();
            let quotient = if shift >= 128 {
                // scaled < 2^121 <= half of 2^shift: rounds to 0.
                0
            } else {
                let shift = shift as u32;
                let quotient = scaled >> shift;
                let remainder = scaled & ((1u128 << shift) - 1);
                let half = 1u128 << (shift - 1);
                if remainder > half || (remainder == half && quotient & 1 == 1) {
                    quotient + 1
                } else {
                    quotient
                }
            };
            format!("{quotient:018}")
        };
        let (integer, fraction) = digits.split_at(digits.len() - 17);
        format!("{sign}{integer}.{fraction}")
    }
}

/// `strtod` as Redis uses it for client-supplied doubles (ZADD scores, ZRANGEBYSCORE
/// bounds, INCRBYFLOAT-like commands that work in `double`): the whole input must be a
/// number (decimal or `0x` hexadecimal, optional sign, `inf`/`infinity` in any case), no
/// leading space, no NaN, no overflow, no underflow to zero. There is no length limit.
///
/// ```
/// use cedis_types::long_double::parse_strtod;
/// assert_eq!(parse_strtod(b"0x1p4"), Some(16.0));
/// assert_eq!(parse_strtod(b"1e-310"), Some(1e-310));
/// assert_eq!(parse_strtod(b"2e-324"), None);
/// assert_eq!(parse_strtod(b"1.7976931348623159e308"), None);
/// assert_eq!(parse_strtod(b"-Infinity"), Some(f64::NEG_INFINITY));
/// assert_eq!(parse_strtod(b"000123"), Some(123.0));
/// assert!(parse_strtod(b"-0").is_some_and(|z| z == 0.0 && z.is_sign_negative()));
/// assert_eq!(parse_strtod(b"-"), None);
/// ```
pub fn parse_strtod(bytes: &[u8]) -> Option<f64> {
    // Most scores are short integers, exact in an `f64`: skip the general parser.
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if (1..=15).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) {
        let n = digits
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        let magnitude = n as f64;
        return Some(if negative { -magnitude } else { magnitude });
    }
    let value = parse_with(bytes, &DOUBLE)?;
    let magnitude = match value.rounded {
        Rounded::Zero => 0.0,
        Rounded::Infinite => f64::INFINITY,
        Rounded::Finite { mantissa, exponent } => compose_f64(mantissa as u64, exponent),
    };
    Some(if value.negative {
        -magnitude
    } else {
        magnitude
    })
}

/// `mantissa * 2^exponent` as an `f64`, for values already rounded to [`DOUBLE`].
fn compose_f64(mantissa: u64, exponent: i64) -> f64 {
    // Normalise to 53 bits where possible; subnormals keep exponent -1074.
    let mut mantissa = mantissa;
    let mut exponent = exponent;
    while mantissa < (1 << 52) && exponent > -1074 {
        mantissa <<= 1;
        exponent -= 1;
    }
    if mantissa < (1 << 52) {
        return f64::from_bits(mantissa);
    }
    let biased = (exponent + 1075) as u64;
    f64::from_bits((biased << 52) | (mantissa & ((1 << 52) - 1)))
}

/// A binary floating-point format: how many mantissa bits, the exponent of the lowest
/// subnormal bit, and the largest exponent of a leading bit.
struct Format {
    mantissa_bits: u32,
    min_exponent: i64,
    max_lead: i64,
}

/// x87 extended: 64-bit mantissa (explicit integer bit), exponents -16382..16383.
const EXTENDED: Format = Format {
    mantissa_bits: 64,
    min_exponent: -16445,
    max_lead: 16383,
};

/// IEEE binary64.
const DOUBLE: Format = Format {
    mantissa_bits: 53,
    min_exponent: -1074,
    max_lead: 1023,
};

/// A value rounded into a [`Format`]: `mantissa * 2^exponent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rounded {
    Zero,
    Infinite,
    Finite { mantissa: u128, exponent: i64 },
}

/// Rounds `m * 2^x` (plus something smaller than `2^x` when `sticky`) to nearest-even in
/// `format`. When `sticky` is set, `m` must carry at least two bits below the format's
/// precision so the rounding direction is known.
fn round(m: &Big, x: i64, sticky: bool, format: &Format) -> Rounded {
    if m.is_zero() {
        return Rounded::Zero;
    }
    let bits = m.bit_len() as i64;
    let lead = x + bits - 1;
    if lead > format.max_lead {
        return Rounded::Infinite;
    }
    let mut lowest = (lead - (i64::from(format.mantissa_bits) - 1)).max(format.min_exponent);
    let shift = lowest - x;
    let mut kept: u128 = if shift <= 0 {
        debug_assert!(!sticky, "sticky rounding needs guard bits");
        m.extract(0, bits as u64) << (-shift)
    } else {
        let shift = shift as u64;
        let kept = m.extract(shift, (bits as u64).saturating_sub(shift));
        let half = m.bit(shift - 1);
        let rest = sticky || m.any_below(shift - 1);
        if half && (rest || kept & 1 == 1) {
            kept + 1
        } else {
            kept
        }
    };
    if kept >> format.mantissa_bits != 0 {
        kept >>= 1;
        lowest += 1;
    }
    if kept == 0 {
        return Rounded::Zero;
    }
    let lead = lowest + i64::from(128 - kept.leading_zeros()) - 1;
    if lead > format.max_lead {
        return Rounded::Infinite;
    }
    Rounded::Finite {
        mantissa: kept,
        exponent: lowest,
    }
}

/// A parsed number before Redis's acceptance checks.
struct Parsed {
    negative: bool,
    rounded: Rounded,
}

/// The syntax `strtod`/`strtold` accept, consuming the whole input, then the conversion
/// and Redis's checks (no NaN, no `ERANGE` overflow or underflow to zero).
fn parse_with(bytes: &[u8], format: &Format) -> Option<Parsed> {
    let (negative, rest) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, bytes),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(Parsed {
            negative,
            rounded: Rounded::Infinite,
        });
    }
    let rounded = match rest {
        [b'0', b'x' | b'X', hex @ ..] => parse_hex(hex, format)?,
        _ => parse_decimal(rest, format)?,
    };
    // What strtod reports as ERANGE: overflow to infinity or underflow to zero. A zero
    // written as zero is fine and returns `Zero` with `exact_zero`.
    match rounded {
        (Rounded::Infinite, _) => None,
        (Rounded::Zero, false) => None,
        (rounded, _) => Some(Parsed { negative, rounded }),
    }
}

/// Splits `digits [. digits]` (at least one digit in all) followed by an optional
/// exponent introduced by `marker` (`e` or `p`, with optional sign and at least one
/// decimal digit). Returns the digit values, how many came after the point, and the
/// exponent (saturated far beyond any meaningful range).
fn split_number(text: &[u8], radix: u32, marker: u8) -> Option<(Vec<u8>, i64, i64)> {
    let mut digits = Vec::new();
    let mut after_point: i64 = 0;
    let mut seen_point = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c == b'.' && !seen_point {
            seen_point = true;
        } else if let Some(d) = (c as char).to_digit(radix) {
            digits.push(d as u8);
            if seen_point {
                after_point += 1;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let mut exponent: i64 = 0;
    if i < text.len() {
        if !text[i].eq_ignore_ascii_case(&marker) {
            return None;
        }
        i += 1;
        let negative = match text.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let exp_digits = &text[i..];
        if exp_digits.is_empty() || !exp_digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for &d in exp_digits {
            exponent = (exponent * 10 + i64::from(d - b'0')).min(1 << 40);
        }
        if negative {
            exponent = -exponent;
        }
    }
    Some((digits, after_point, exponent))
}

/// Significant decimal digits kept exactly; the rest only count as "non-zero tail".
/// Every halfway point between two extended values has fewer significant digits
/// (about 11,500 at most), so the truncation never changes a rounding decision.
const MAX_DECIMAL_DIGITS: usize = 12_000;

/// Converts a decimal mantissa and exponent; the flag says the input was an exact zero.
fn parse_decimal(text: &[u8], format: &Format) -> Option<(Rounded, bool)> {
    let (digits, after_point, exponent) = split_number(text, 10, b'e')?;
    let Some(first) = digits.iter().position(|&d| d != 0) else {
        return Some((Rounded::Zero, true));
    };
    let mut significant = &digits[first..];
    // Value = significant * 10^(exponent - after_point).
    let mut exp10 = exponent - after_point;
    let mut sticky = false;
    if significant.len() > MAX_DECIMAL_DIGITS {
        let dropped = &significant[MAX_DECIMAL_DIGITS..];
        sticky = dropped.iter().any(|&d| d != 0);
        exp10 += dropped.len() as i64;
        significant = &significant[..MAX_DECIMAL_DIGITS];
    }
    while significant.len() > 1 && significant.last() == Some(&0) {
        significant = &significant[..significant.len() - 1];
        exp10 += 1;
    }
    let magnitude = significant.len() as i64 + exp10; // value < 10^magnitude
    if magnitude > 5000 {
        return Some((Rounded::Infinite, false));
    }
    if magnitude < -5000 {
        return Some((Rounded::Zero, false));
    }
    let mut d = Big::from_decimal_digits(significant);
    if exp10 >= 0 {
        d.mul_pow10(exp10 as u32);
        // A dropped non-zero tail is below the integer's last digit: with 12,000 kept
        // digits that is far below any rounding boundary's resolution.
        return Some((round_sticky(d, 0, sticky, format), false));
    }
    let mut p = Big::from_u128(1);
    p.mul_pow10(exp10.unsigned_abs() as u32);
    // Scale so that the quotient has mantissa_bits + 3 bits or more.
    let target = i64::from(format.mantissa_bits) + 3;
    let s = target + p.bit_len() as i64 - d.bit_len() as i64;
    if s >= 0 {
        d.shl(s as u64);
    } else {
        sticky |= d.any_below((-s) as u64);
        d.shr((-s) as u64);
    }
    let remainder_nonzero = d.div_rem_in_place(&p);
    Some((round(&d, -s, sticky || remainder_nonzero, format), false))
}

/// [`round`] for `m * 2^x` plus, when `sticky`, a non-zero tail far smaller than the
/// format's precision (a dropped digit tail): the tail becomes one set bit placed at
/// least two bits below the last mantissa bit, so it can only break ties and push an
/// exact value up by less than half an ulp, as the real tail does.
fn round_sticky(mut m: Big, x: i64, sticky: bool, format: &Format) -> Rounded {
    if sticky {
        let guard = (u64::from(format.mantissa_bits) + 2)
            .saturating_sub(m.bit_len())
            .max(2);
        m.shl(guard);
        m.add_small(1);
        round(&m, x - guard as i64, false, format)
    } else {
        round(&m, x, false, format)
    }
}

/// Significant hexadecimal digits kept exactly (160 bits, far more than any rounding
/// decision needs); the rest only count as "non-zero tail".
const MAX_HEX_DIGITS: usize = 40;

/// Converts a hexadecimal mantissa (after `0x`) and its binary `p` exponent.
fn parse_hex(text: &[u8], format: &Format) -> Option<(Rounded, bool)> {
    let (digits, after_point, exponent) = split_number(text, 16, b'p')?;
    let Some(first) = digits.iter().position(|&d| d != 0) else {
        return Some((Rounded::Zero, true));
    };
    let mut significant = &digits[first..];
    let mut exp2 = exponent.saturating_sub(after_point.saturating_mul(4));
    let mut sticky = false;
    if significant.len() > MAX_HEX_DIGITS {
        let dropped = &significant[MAX_HEX_DIGITS..];
        sticky = dropped.iter().any(|&d| d != 0);
        exp2 = exp2.saturating_add(dropped.len() as i64 * 4);
        significant = &significant[..MAX_HEX_DIGITS];
    }
    let lead = exp2 + significant.len() as i64 * 4;
    if lead > 20_000 {
        return Some((Rounded::Infinite, false));
    }
    if lead < -20_000 {
        return Some((Rounded::Zero, false));
    }
    let mut m = Big::from_u128(0);
    for &d in significant {
        m.shl(4);
        m.add_small(u64::from(d));
    }
    Some((round_sticky(m, exp2, sticky, format), false))
}

/// A small arbitrary-precision unsigned integer (little-endian 64-bit limbs, no
/// trailing zero limbs), just enough for exact conversions.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u64>);

impl Big {
    fn from_u128(v: u128) -> Big {
        let mut big = Big(vec![v as u64, (v >> 64) as u64]);
        big.trim();
        big
    }

    fn from_decimal_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for chunk in digits.chunks(19) {
            let mut value: u64 = 0;
            for &d in chunk {
                value = value * 10 + u64::from(d);
            }
            big.mul_small(10u64.pow(chunk.len() as u32));
            big.add_small(value);
        }
        big
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bit_len(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(top) => self.0.len() as u64 * 64 - u64::from(top.leading_zeros()),
        }
    }

    fn bit(&self, i: u64) -> bool {
        self.0
            .get((i / 64) as usize)
            .is_some_and(|limb| (limb >> (i % 64)) & 1 == 1)
    }

    /// Whether any bit below position `n` is set.
    fn any_below(&self, n: u64) -> bool {
        let full = (n / 64) as usize;
        let partial = n % 64;
        if self.0.iter().take(full).any(|&l| l != 0) {
            return true;
        }
        partial != 0
            && self
                .0
                .get(full)
                .is_some_and(|&l| l & ((1u64 << partial) - 1) != 0)
    }

    /// Bits `[shift, shift + count)` as an integer; `count` is at most 128.
    fn extract(&self, shift: u64, count: u64) -> u128 {
        let mut out: u128 = 0;
        for i in (0..count.min(128)).rev() {
            out = (out << 1) | u128::from(self.bit(shift + i));
        }
        out
    }

    fn mul_small(&mut self, m: u64) {
        let mut carry: u128 = 0;
        for limb in &mut self.0 {
            let product = u128::from(*limb) * u128::from(m) + carry;
            *limb = product as u64;
            carry = product >> 64;
        }
        if carry != 0 {
            self.0.push(carry as u64);
        }
        self.trim();
    }

    fn add_small(&mut self, a: u64) {
        let mut carry = a;
        for limb in &mut self.0 {
            let (sum, overflow) = limb.overflowing_add(carry);
            *limb = sum;
            if !overflow {
                return;
            }
            carry = 1;
        }
        if carry != 0 {
            self.0.push(carry);
        }
    }

    fn mul_pow10(&mut self, mut e: u32) {
        while e >= 19 {
            self.mul_small(10u64.pow(19));
            e -= 19;
        }
        self.mul_small(10u64.pow(e));
    }

    fn shl(&mut self, n: u64) {
        if self.is_zero() {
            return;
        }
        let limbs = (n / 64) as usize;
        let bits = n % 64;
        if bits != 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let next = *limb >> (64 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn shr(&mut self, n: u64) {
        let limbs = ((n / 64) as usize).min(self.0.len());
        self.0.drain(0..limbs);
        let bits = n % 64;
        if bits != 0 {
            let mut carry = 0;
            for limb in self.0.iter_mut().rev() {
                let next = *limb << (64 - bits);
                *limb = (*limb >> bits) | carry;
                carry = next;
            }
        }
        self.trim();
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn add_assign(&mut self, other: &Big) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut carry = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let o = other.0.get(i).copied().unwrap_or(0);
            let (s1, c1) = limb.overflowing_add(o);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *limb = s2;
            carry = c1 || c2;
        }
        if carry {
            self.0.push(1);
        }
    }

    /// `self -= other`; requires `self >= other`.
    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let o = other.0.get(i).copied().unwrap_or(0);
            let (d1, b1) = limb.overflowing_sub(o);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *limb = d2;
            borrow = b1 || b2;
        }
        self.trim();
    }

    /// Replaces `self` with `self / divisor`; returns whether the remainder is non-zero.
    /// Shift-and-subtract: the callers keep quotients around 70 bits.
    fn div_rem_in_place(&mut self, divisor: &Big) -> bool {
        if self.cmp(divisor) == Ordering::Less {
            let nonzero = !self.is_zero();
            self.0.clear();
            return nonzero;
        }
        let shift = self.bit_len() - divisor.bit_len();
        let mut d = divisor.clone();
        d.shl(shift);
        let mut quotient = Big(Vec::new());
        let mut remainder = std::mem::replace(self, Big(Vec::new()));
        for i in (0..=shift).rev() {
            if remainder.cmp(&d) != Ordering::Less {
                remainder.sub_assign(&d);
                quotient.set_bit(i);
            }
            d.shr(1);
        }
        *self = quotient;
        !remainder.is_zero()
    }

    fn set_bit(&mut self, i: u64) {
        let limb = (i / 64) as usize;
        if self.0.len() <= limb {
            self.0.resize(limb + 1, 0);
        }
        self.0[limb] |= 1 << (i % 64);
    }

    /// Divides by a small divisor in place, returning the remainder.
    fn div_small(&mut self, divisor: u64) -> u64 {
        let mut remainder: u128 = 0;
        for limb in self.0.iter_mut().rev() {
            let current = (remainder << 64) | u128::from(*limb);
            *limb = (current / u128::from(divisor)) as u64;
            remainder = current % u128::from(divisor);
        }
        self.trim();
        remainder as u64
    }

    fn to_decimal(&self) -> String {
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_small(10u64.pow(19)));
        }
        let mut out = match chunks.pop() {
            Some(top) => top.to_string(),
            None => return "0".to_string(),
        };
        for chunk in chunks.iter().rev() {
            out.push_str(&format!("{chunk:019}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_roundtrip() {
        let b = Big::from_decimal_digits(&[
            1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,
        ]);
        assert_eq!(b.to_decimal(), "123456789012345678901");
        let mut p = Big::from_u128(1);
        p.mul_pow10(40);
        assert_eq!(p.to_decimal(), format!("1{}", "0".repeat(40)));
        let mut q = p.clone();
        assert!(!q.div_rem_in_place(&Big::from_u128(10u128.pow(20))));
        assert_eq!(q.to_decimal(), format!("1{}", "0".repeat(20)));
    }

    #[test]
    fn strtod_matches_rust_parse() {
        for text in [
            "0.1",
            "1e23",
            "2.2250738585072011e-308",
            "4.9e-324",
            "123456789.123456789e-5",
        ] {
            assert_eq!(
                parse_strtod(text.as_bytes()),
                text.parse::<f64>().ok(),
                "{text}"
            );
        }
    }
}
