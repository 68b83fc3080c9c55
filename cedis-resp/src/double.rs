//! Doubles printed as Redis 7.0 prints them (`%.17g`; `inf`, `-inf`, `nan`).
//!
//! Redis 7.0 formats every double reply with C's `printf("%.17g")`: 17 significant digits
//! (enough to round-trip any `f64`), trailing zeros removed, and scientific notation when
//! the decimal exponent is below -4 or at least 17. Clients compare these strings byte for
//! byte (for example `ZSCORE` and `INCRBYFLOAT` replies), so the exact C output matters more
//! than the shortest representation Rust's `Display` would give.
//!
//! The digits come from Rust's `{:.16e}` formatting, which is correctly rounded
//! (round-half-to-even on the exact binary value) just like glibc's `printf`; only the
//! layout is rearranged here. Nothing is allocated: the text is built in a stack buffer.

use std::fmt::Write as _;

/// Longest `%.17g` output: `-1.2345678901234567e-308` is 24 bytes.
pub(crate) const G17_MAX_LEN: usize = 32;

/// Appends `d` formatted as C's `%.17g` (with `inf`/`-inf`/`nan`) to `out`.
///
/// ```
/// use cedis_resp::double::write_g17;
///
/// let mut out = Vec::new();
/// for d in [1.5, 0.1, 1e20, 100.0, 1e-5, -0.0, f64::INFINITY] {
///     write_g17(&mut out, d);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"1.5 0.10000000000000001 1e+20 100 1.0000000000000001e-05 -0 inf ");
/// ```
pub fn write_g17(out: &mut Vec<u8>, d: f64) {
    let mut tmp = [0u8; G17_MAX_LEN];
    let n = format_g17(d, &mut tmp);
    out.extend_from_slice(&tmp[..n]);
}

/// Formats `d` as `%.17g` into `out` and returns the number of bytes written.
pub(crate) fn format_g17(d: f64, out: &mut [u8; G17_MAX_LEN]) -> usize {
    let mut w = StackWriter { buf: out, len: 0 };
    if d.is_nan() {
        w.push_slice(b"nan");
        return w.len;
    }
    if d.is_infinite() {
        w.push_slice(if d > 0.0 { b"inf" } else { b"-inf" });
        return w.len;
    }
    if d.is_sign_negative() {
        w.push(b'-');
    }
    let a = d.abs();
    if a == 0.0 {
        w.push(b'0');
        return w.len;
    }

    // `{:.16e}` gives `D.DDDDDDDDDDDDDDDDe[-]X`: the 17 correctly rounded significant
    // digits and the decimal exponent of the first one.
    let mut sci = [0u8; G17_MAX_LEN];
    let mut sw = StackWriter {
        buf: &mut sci,
        len: 0,
    };
    // Writing into a 32-byte buffer cannot fail: the text is at most 23 bytes.
    let _ = write!(sw, "{a:.16e}");
    let sci_len = sw.len;
    let sci = &sci[..sci_len];

    let mut digits = [b'0'; 17];
    let mut nd = 0;
    let mut exp: i32 = 0;
    let mut exp_neg = false;
    let mut in_exp = false;
    for &c in sci {
        match c {
            b'e' => in_exp = true,
            b'-' if in_exp => exp_neg = true,
            b'0'..=b'9' if in_exp => exp = exp * 10 + i32::from(c - b'0'),
            b'0'..=b'9' => {
                if let Some(slot) = digits.get_mut(nd) {
                    *slot = c;
                    nd += 1;
                }
            }
            _ => {}
        }
    }
    if exp_neg {
        exp = -exp;
    }

    // Trailing zeros are dropped in both layouts (that is what `%g` does without `#`).
    let mut sig = 17;
    while sig > 1 && digits[sig - 1] == b'0' {
        sig -= 1;
    }
    let digits = &digits[..sig];

    if (-4..17).contains(&exp) {
        if exp >= 0 {
            // All 17 digit positions lie within the integer part when exp == 16, so the
            // integer part never needs padding zeros.
            let int_len = exp as usize + 1;
            for i in 0..int_len {
                w.push(digits.get(i).copied().unwrap_or(b'0'));
            }
            if sig > int_len {
                w.push(b'.');
                w.push_slice(&digits[int_len..]);
            }
        } else {
            w.push_slice(b"0.");
            for _ in 0..(-exp - 1) {
                w.push(b'0');
            }
            w.push_slice(digits);
        }
    } else {
        w.push(digits[0]);
        if sig > 1 {
            w.push(b'.');
            w.push_slice(&digits[1..]);
        }
        w.push(b'e');
        w.push(if exp < 0 { b'-' } else { b'+' });
        let e = exp.unsigned_abs();
        if e >= 100 {
            w.push(b'0' + (e / 100) as u8);
        }
        w.push(b'0' + (e / 10 % 10) as u8);
        w.push(b'0' + (e % 10) as u8);
    }
    w.len
}

/// A `fmt::Write` into a fixed buffer, so float formatting needs no heap.
struct StackWriter<'a> {
    buf: &'a mut [u8; G17_MAX_LEN],
    len: usize,
}

impl StackWriter<'_> {
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn push_slice(&mut self, s: &[u8]) {
        for &b in s {
            self.push(b);
        }
    }
}

impl std::fmt::Write for StackWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.len + s.len() > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.push_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g17(d: f64) -> String {
        let mut v = Vec::new();
        write_g17(&mut v, d);
        String::from_utf8(v).unwrap()
    }

    /// Expected values produced by `python3 -c 'print("%.17g" % x)'` (same as glibc).
    /// The `...56.25`/`...56.75` literals are exact halfway cases for round-half-even.
    #[test]
    #[allow(clippy::approx_constant, clippy::excessive_precision)]
    fn matches_c_printf() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (1.5, "1.5"),
            (100.0, "100"),
            (0.1, "0.10000000000000001"),
            (0.2, "0.20000000000000001"),
            (0.3, "0.29999999999999999"),
            (1.0 / 3.0, "0.33333333333333331"),
            (2.0 / 3.0, "0.66666666666666663"),
            (3.14, "3.1400000000000001"),
            (1e20, "1e+20"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (12345678901234567.0, "12345678901234568"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1e-4, "0.0001"),
            (1e-5, "1.0000000000000001e-05"),
            (0.00012345, "0.00012344999999999999"),
            (1.5e-7, "1.4999999999999999e-07"),
            (1e100, "1e+100"),
            (1e300, "1.0000000000000001e+300"),
            (1e-300, "1e-300"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (f64::MAX, "1.7976931348623157e+308"),
            (-f64::MAX, "-1.7976931348623157e+308"),
            (9007199254740993.0, "9007199254740992"),
            (1234567890123456.25, "1234567890123456.2"),
            (1234567890123456.75, "1234567890123456.8"),
            (0.5, "0.5"),
            (2.5, "2.5"),
            (-2.5e-3, "-0.0025000000000000001"),
            (10.5, "10.5"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for &(d, want) in cases {
            assert_eq!(g17(d), want, "formatting {d:e}");
        }
    }

    /// An independent reference: C's `%.17g` rule spelled out with `format!`.
    fn reference(d: f64) -> String {
        if d.is_nan() {
            return "nan".into();
        }
        if d.is_infinite() {
            return if d > 0.0 { "inf" } else { "-inf" }.into();
        }
        let sci = format!("{d:.16e}");
        let (mant, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let s = if (-4..17).contains(&exp) {
            let prec = (16 - exp) as usize;
            let f = format!("{d:.prec$}");
            if f.contains('.') {
                f.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                f
            }
        } else {
            let mant = if mant.contains('.') {
                mant.trim_end_matches('0').trim_end_matches('.')
            } else {
                mant
            };
            format!(
                "{mant}e{}{:02}",
                if exp < 0 { '-' } else { '+' },
                exp.unsigned_abs()
            )
        };
        if s == "0" && d.is_sign_negative() {
            "-0".into()
        } else {
            s
        }
    }

    proptest! {
        #[test]
        fn matches_reference_bits(bits in any::<u64>()) {
            let d = f64::from_bits(bits);
            prop_assert_eq!(g17(d), reference(d));
        }

        #[test]
        fn matches_reference_ordinary(d in -1e25f64..1e25) {
            prop_assert_eq!(g17(d), reference(d));
        }

        #[test]
        fn matches_reference_small(m in -1000i64..1000, e in -30i32..30) {
            let d = m as f64 * 10f64.powi(e);
            prop_assert_eq!(g17(d), reference(d));
        }

        #[test]
        fn round_trips(bits in any::<u64>()) {
            let d = f64::from_bits(bits);
            prop_assume!(d.is_finite());
            let back: f64 = g17(d).parse().unwrap();
            prop_assert_eq!(back.to_bits(), d.to_bits());
        }
    }
}
