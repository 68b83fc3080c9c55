//! Zset scores as text: how Redis 7.0 prints them into listpacks (`d2string`) and the
//! old string-score RDB encoding, and how they are read back.

use cedis_types::number::parse_f64;

/// C's `printf("%.17g")` of a finite `x`.
pub(crate) fn g17(x: f64) -> String {
    // 17 significant digits, correctly rounded, as d.dddddddddddddddde<exp>.
    let sci = format!("{:.16e}", x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..17).contains(&exp) {
        let mut m = mantissa.to_string();
        if m.contains('.') {
            while m.ends_with('0') {
                m.pop();
            }
            if m.ends_with('.') {
                m.pop();
            }
        }
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (16 - exp) as usize;
        let mut s = format!("{:.*}", decimals, x);
        if s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        s
    }
}

/// A score as Redis 7.0's `d2string` prints it into a listpack: integral values of
/// magnitude up to `i64::MAX / 2` as integers, `inf`/`-inf`/`nan`, else `%.17g`.
pub(crate) fn d2string(x: f64) -> String {
    if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if x == 0.0 {
        // The listpack holds "0" for -0 as well (checked against Redis 7.0.15).
        "0".to_string()
    } else {
        let half = (i64::MAX / 2) as f64;
        if x >= -half && x <= half && x == x.trunc() {
            (x as i64).to_string()
        } else {
            g17(x)
        }
    }
}

/// A score stored as text (a listpack/ziplist entry or an old RDB string score), as
/// `strtod` reads it; NaN and text that is not a number give `None`.
pub(crate) fn parse_score(bytes: &[u8]) -> Option<f64> {
    if let Some(x) = parse_f64(bytes) {
        return Some(x);
    }
    // strtod also takes values that overflow to infinity or underflow to zero.
    let text = std::str::from_utf8(bytes).ok()?;
    let x: f64 = text.parse().ok()?;
    (!x.is_nan()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts Redis 7.0.15 put in zset listpacks (see the `zadd` experiments in the
    /// crate's README).
    #[test]
    fn matches_redis() {
        for (x, s) in [
            (0.1, "0.10000000000000001"),
            (1e20, "1e+20"),
            (3e-5, "3.0000000000000001e-05"),
            (123456789012345678.0, "123456789012345680"),
            (-0.0, "0"),
            (1e15, "1000000000000000"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (1.5, "1.5"),
            (4503599627370496.0, "4503599627370496"),
            (9007199254740993.0, "9007199254740992"),
            (9223372036854775807.0, "9.2233720368547758e+18"),
            (-9223372036854775808.0, "-9.2233720368547758e+18"),
            (9_223_372_036_854_774_784.0, "9.2233720368547748e+18"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e-5, "1.0000000000000001e-05"),
            (0.0001, "0.0001"),
            (1e16, "10000000000000000"),
            (2.5, "2.5"),
        ] {
            assert_eq!(d2string(x), s, "{x}");
        }
        assert_eq!(g17(1e16), "10000000000000000");
        assert_eq!(g17(1e17), "1e+17");
        assert_eq!(g17(-1.5e-300), "-1.5000000000000001e-300");
    }

    #[test]
    fn parse() {
        assert_eq!(parse_score(b"2.5"), Some(2.5));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"1e400"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"nan"), None);
        assert_eq!(parse_score(b"abc"), None);
        assert_eq!(parse_score(b""), None);
        for x in [0.1, 1e300, -3.25e-7, 123.0] {
            assert_eq!(parse_score(g17(x).as_bytes()), Some(x));
        }
    }
}
