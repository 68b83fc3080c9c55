//! `parse_i64` (Redis's `string2ll`) and `parse_f64` (Redis's `strtod` wrapper), with
//! acceptance observed on Redis 7.0.15 (`SET k <v>` + `OBJECT ENCODING`, `ZADD z <v> m`).

use cedis_types::number::{parse_f64, parse_i64};
use proptest::prelude::*;

#[test]
fn parse_i64_follows_string2ll() {
    let cases: &[(&str, Option<i64>)] = &[
        ("0", Some(0)),
        ("123", Some(123)),
        ("-5", Some(-5)),
        ("9223372036854775807", Some(i64::MAX)),
        ("-9223372036854775808", Some(i64::MIN)),
        ("9223372036854775808", None),
        ("-9223372036854775809", None),
        ("12345678901234567890", None),
        ("-0", None),
        ("007", None),
        ("00", None),
        ("+1", None),
        (" 1", None),
        ("1 ", None),
        ("", None),
        ("-", None),
        ("1.0", None),
        ("1e3", None),
        ("0x10", None),
        ("１", None),
    ];
    for &(text, want) in cases {
        assert_eq!(parse_i64(text.as_bytes()), want, "{text:?}");
    }
}

#[test]
fn parse_f64_matches_zadd() {
    let ok: &[(&str, f64)] = &[
        ("1e3", 1000.0),
        ("inf", f64::INFINITY),
        ("-inf", f64::NEG_INFINITY),
        ("+inf", f64::INFINITY),
        ("infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
        ("0x10", 16.0),
        ("0x1p4", 16.0),
        ("1e308", 1e308),
        ("1.7976931348623158e308", f64::MAX),
        ("1.797693134862315807e308", f64::MAX),
        ("1e-310", 1e-310),
        ("4e-324", 5e-324),
        ("3e-324", 5e-324),
        (".5", 0.5),
        ("5.", 5.0),
        ("+5", 5.0),
        ("00012", 12.0),
        ("-0", -0.0),
        ("0e99999999999", 0.0),
    ];
    for &(text, want) in ok {
        assert_eq!(parse_f64(text.as_bytes()), Some(want), "{text:?}");
    }
    let rejected = [
        " 1",
        "1 ",
        "nan",
        "NaN",
        "1.5e400",
        "1.7976931348623159e308",
        "1e-400",
        "-1e-400",
        "2e-324",
        "1e-99999999999",
        "1e",
        "",
        "1d",
        "0x",
        "abc",
        "1_0",
    ];
    for text in rejected {
        assert_eq!(parse_f64(text.as_bytes()), None, "{text:?}");
    }
}

#[test]
fn parse_f64_has_no_length_limit() {
    // ZADD accepted 20,002-character scores; the tail must still round correctly.
    let long = format!("1.{}", "0".repeat(20_000));
    assert_eq!(parse_f64(long.as_bytes()), Some(1.0));
    let digits = "1".repeat(200);
    assert_eq!(parse_f64(digits.as_bytes()), digits.parse::<f64>().ok());
    let tiny = format!("0.{}1", "0".repeat(300));
    assert_eq!(parse_f64(tiny.as_bytes()), Some(1e-301));
    // A halfway case decided by a digit far beyond the 17th.
    // 2^53 + 1 is halfway between two doubles: ties to even gives 2^53, and any non-zero
    // digit after it, however far, rounds up to 2^53 + 2.
    assert_eq!(parse_f64(b"9007199254740993"), Some(9007199254740992.0));
    let above = format!("9007199254740993.{}1", "0".repeat(20_000));
    assert_eq!(parse_f64(above.as_bytes()), Some(9007199254740994.0));
}

proptest! {
    #[test]
    fn parse_i64_accepts_exactly_canonical_text(n in any::<i64>()) {
        prop_assert_eq!(parse_i64(n.to_string().as_bytes()), Some(n));
    }

    #[test]
    fn parse_i64_rejects_non_canonical(text in "[-+0-9 ]{1,22}") {
        let parsed = parse_i64(text.as_bytes());
        match text.parse::<i64>() {
            Ok(n) if n.to_string() == text => prop_assert_eq!(parsed, Some(n)),
            _ => prop_assert_eq!(parsed, None),
        }
    }

    /// Decimal text parses to the correctly rounded double, like Rust's own parser
    /// (both are correctly rounded, as glibc's strtod is).
    #[test]
    fn parse_f64_is_correctly_rounded(
        mantissa in "[0-9]{1,25}",
        point in 0usize..26,
        exponent in -340i32..320,
        negative in any::<bool>(),
    ) {
        let point = point.min(mantissa.len());
        let text = format!(
            "{}{}.{}e{exponent}",
            if negative { "-" } else { "" },
            &mantissa[..point],
            &mantissa[point..]
        );
        let rust: f64 = text.parse().unwrap();
        let all_zero = mantissa.bytes().all(|b| b == b'0');
        let expected = if rust.is_infinite() || (rust == 0.0 && !all_zero) {
            None // strtod's ERANGE: Redis refuses overflow and underflow to zero
        } else {
            Some(rust)
        };
        let got = parse_f64(text.as_bytes());
        prop_assert_eq!(got.map(f64::to_bits), expected.map(f64::to_bits), "{}", text);
    }

    #[test]
    fn parse_f64_round_trips_shortest_repr(bits in any::<u64>()) {
        let v = f64::from_bits(bits);
        prop_assume!(v.is_finite() && v != 0.0);
        prop_assert_eq!(parse_f64(format!("{v:e}").as_bytes()), Some(v));
        prop_assert_eq!(parse_f64(format!("{v:?}").as_bytes()), Some(v));
    }
}
