//! Typed parsers and printers for directive values, each matching what Redis 7.0
//! accepts and prints (checked against `redis-server` 7.0.15).
//!
//! Redis does not use one number parser for everything: plain integers go through a
//! strict parser (no `+`, no leading zeros, no blanks), memory sizes through a lenient
//! one (`01`, `1kb`, an empty string is `0`), and a few special directives (`save`,
//! `client-output-buffer-limit` seconds, `oom-score-adj-values`) through C's `strtoll`.
//! Each of those is reproduced here so a value Redis accepts is accepted here, and one it
//! rejects is rejected with the same reason.

/// Parses a `yes`/`no` directive (case-insensitive), the only spellings Redis accepts.
///
/// Why so strict: Redis 7.0 rejects `1`, `true` or `on` with this exact reason, and a
/// config file that works on cedis must work on Redis too.
///
/// ```text
/// appendonly yes   -> true
/// appendonly YES   -> true
/// appendonly 1     -> "argument must be 'yes' or 'no'"
/// ```
pub(crate) fn parse_bool(arg: &[u8]) -> Result<bool, String> {
    if arg.eq_ignore_ascii_case(b"yes") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"no") {
        Ok(false)
    } else {
        Err("argument must be 'yes' or 'no'".to_string())
    }
}

/// Prints a boolean the way `CONFIG GET` and `CONFIG REWRITE` do.
pub(crate) fn format_bool(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// Redis's strict integer parser (`string2ll`): an optional `-`, then digits with no
/// leading zero (except `0` itself), nothing else, and no overflow.
///
/// Why: `CONFIG SET hz 05`, `hz +5`, `hz " 5"` and `hz -0` are all rejected by Redis
/// with "argument couldn't be parsed into an integer"; a lenient parser would accept
/// configurations Redis refuses.
///
/// ```text
/// "42" -> Some(42)     "-1" -> Some(-1)
/// "05" -> None         "+5" -> None      "-0" -> None     "" -> None
/// ```
pub(crate) fn parse_strict_i64(arg: &[u8]) -> Option<i64> {
    let (negative, digits) = match arg.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits[0] == b'0' && (digits.len() > 1 || negative) {
        return None;
    }
    let mut value: i64 = 0;
    for &d in digits {
        let d = i64::from(d - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// Parses an integer directive and checks its inclusive range, with Redis's reasons.
///
/// ```text
/// port 6379   -> 6379
/// port abc    -> "argument couldn't be parsed into an integer"
/// port 99999  -> "argument must be between 0 and 65535 inclusive"
/// ```
pub(crate) fn parse_int(arg: &[u8], min: i64, max: i64) -> Result<i64, String> {
    let value = parse_strict_i64(arg)
        .ok_or_else(|| "argument couldn't be parsed into an integer".to_string())?;
    check_range(value, min, max)
}

/// The range check shared by integer and memory directives.
pub(crate) fn check_range(value: i64, min: i64, max: i64) -> Result<i64, String> {
    if value < min || value > max {
        Err(format!(
            "argument must be between {min} and {max} inclusive"
        ))
    } else {
        Ok(value)
    }
}

/// Redis's memory-size parser (`memtoull`): decimal digits followed by an optional
/// case-insensitive unit: `b`, `k` (1000), `kb` (1024), `m` (1000²), `mb` (1024²),
/// `g` (1000³), `gb` (1024³).
///
/// Quirks reproduced on purpose (all observed on Redis 7.0.15):
/// - no sign and no blanks (`+1`, `-0`, ` 1`, `1k ` are invalid), but leading zeros are
///   fine (`01`);
/// - the digits may be missing: `""` and `kb` both mean 0;
/// - a number too big for 64 bits saturates to `u64::MAX`, and the unit multiplication
///   then wraps (`100000000000g` is `7766279631452241920` on Redis too).
///
/// ```text
/// "1k" -> Some(1000)   "1KB" -> Some(1024)   "1gb" -> Some(1073741824)
/// "1.5k" -> None       "1t" -> None          "" -> Some(0)
/// ```
pub(crate) fn parse_memory(arg: &[u8]) -> Option<u64> {
    let digits_end = arg
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(arg.len());
    let (digits, unit) = arg.split_at(digits_end);
    let multiplier: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let mut value: u64 = 0;
    for &d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .unwrap_or(u64::MAX);
    }
    Some(value.wrapping_mul(multiplier))
}

/// Prints a byte count with the largest binary unit that divides it exactly, as
/// `CONFIG REWRITE` does (`1073741824` → `1gb`, `3072` → `3kb`, `1000000` stays).
///
/// Why: a rewritten file stays readable (`maxmemory 1gb`), and reading it back gives the
/// same number because `gb`/`mb`/`kb` are the binary units.
pub(crate) fn format_memory_units(value: u64) -> String {
    const GB: u64 = 1024 * 1024 * 1024;
    const MB: u64 = 1024 * 1024;
    const KB: u64 = 1024;
    if value == 0 {
        "0".to_string()
    } else if value % GB == 0 {
        format!("{}gb", value / GB)
    } else if value % MB == 0 {
        format!("{}mb", value / MB)
    } else if value % KB == 0 {
        format!("{}kb", value / KB)
    } else {
        value.to_string()
    }
}

/// C's `strtoll` as Redis uses it for `save`, `oom-score-adj-values` and buffer-limit
/// seconds: leading C blanks, an optional sign, digits; the whole argument must be used.
///
/// Returns the value (saturated like `strtoll`) and whether it overflowed, so each caller
/// can decide, as Redis does, whether overflow is an error.
///
/// Why a separate parser: these directives accept `01`, `+1` and `" 1"` in Redis, and an
/// empty argument reads as `0` (`CONFIG SET save "1 "` gives `1 0` on Redis 7.0.15).
///
/// ```text
/// "+1" -> Some((1, false))    "" -> Some((0, false))    "1x" -> None    " " -> None
/// ```
pub(crate) fn parse_strtoll(arg: &[u8]) -> Option<(i64, bool)> {
    parse_strtoll_radix(arg, 10)
}

/// [`parse_strtoll`] in another base (`unixsocketperm` is read in base 8).
pub(crate) fn parse_strtoll_radix(arg: &[u8], radix: u32) -> Option<(i64, bool)> {
    if arg.is_empty() {
        return Some((0, false));
    }
    let start = arg
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        .unwrap_or(arg.len());
    let rest = &arg[start..];
    let (negative, digits) = match rest.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, rest),
    };
    let digit = |b: u8| char::from(b).to_digit(radix).map(i64::from);
    if digits.is_empty() || !digits.iter().all(|&b| digit(b).is_some()) {
        return None;
    }
    let mut value: i64 = 0;
    let mut overflow = false;
    for &b in digits {
        let d = digit(b).unwrap_or(0);
        let next = value.checked_mul(i64::from(radix)).and_then(|v| {
            if negative {
                v.checked_sub(d)
            } else {
                v.checked_add(d)
            }
        });
        match next {
            Some(v) => value = v,
            None => {
                overflow = true;
                value = if negative { i64::MIN } else { i64::MAX };
                break;
            }
        }
    }
    Some((value, overflow))
}

/// Splits a `CONFIG SET` value of a multi-argument directive on single spaces, like
/// Redis's `sdssplitlen(value, " ")`.
///
/// Why not `split_whitespace`: Redis keeps empty pieces, so `"900  1"` is three pieces
/// and `save` rejects it, while an empty value is zero pieces (`save ""` clears).
///
/// ```text
/// ""        -> []
/// "900 1"   -> ["900", "1"]
/// "900  1"  -> ["900", "", "1"]
/// ```
pub(crate) fn split_spaces(value: &[u8]) -> Vec<&[u8]> {
    if value.is_empty() {
        Vec::new()
    } else {
        value.split(|&b| b == b' ').collect()
    }
}

pub(crate) use cedis_resp::repr;

/// The text of an `std::io::Error` without Rust's ` (os error N)` suffix, i.e. C's
/// `strerror`, which is what Redis prints (`No such file or directory`).
pub(crate) fn strerror(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error ") {
        Some(pos) => text[..pos].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bools_are_yes_or_no_in_any_case() {
        assert_eq!(parse_bool(b"yes"), Ok(true));
        assert_eq!(parse_bool(b"Yes"), Ok(true));
        assert_eq!(parse_bool(b"NO"), Ok(false));
        for bad in [&b"1"[..], b"true", b"on", b"", b"yes "] {
            assert_eq!(
                parse_bool(bad).unwrap_err(),
                "argument must be 'yes' or 'no'"
            );
        }
    }

    #[test]
    fn strict_integers_match_string2ll() {
        assert_eq!(parse_strict_i64(b"0"), Some(0));
        assert_eq!(parse_strict_i64(b"-1"), Some(-1));
        assert_eq!(parse_strict_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_strict_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"+5",
            b" 5",
            b"05",
            b"5.0",
            b"0x10",
            b"1e3",
            b"-0",
            b"-",
            b"9223372036854775808",
            b"1k",
        ] {
            assert_eq!(
                parse_strict_i64(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn int_ranges_use_redis_reasons() {
        assert_eq!(parse_int(b"10", 0, 100), Ok(10));
        assert_eq!(
            parse_int(b"abc", 0, 100).unwrap_err(),
            "argument couldn't be parsed into an integer"
        );
        assert_eq!(
            parse_int(b"99999", 0, 65535).unwrap_err(),
            "argument must be between 0 and 65535 inclusive"
        );
    }

    #[test]
    fn memory_units_match_memtoull() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"1k", Some(1000)),
            (b"1K", Some(1000)),
            (b"1kb", Some(1024)),
            (b"1KB", Some(1024)),
            (b"1kB", Some(1024)),
            (b"1m", Some(1_000_000)),
            (b"1mb", Some(1_048_576)),
            (b"1mB", Some(1_048_576)),
            (b"1g", Some(1_000_000_000)),
            (b"1gb", Some(1_073_741_824)),
            (b"1Gb", Some(1_073_741_824)),
            (b"1b", Some(1)),
            (b"", Some(0)),
            (b"kb", Some(0)),
            (b"00", Some(0)),
            (b"01", Some(1)),
            (b"20gb", Some(21_474_836_480)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", Some(u64::MAX)),
            (b"100000000000g", Some(7_766_279_631_452_241_920)),
            (b"1t", None),
            (b"1tb", None),
            (b"1.5k", None),
            (b"1.5", None),
            (b"-1", None),
            (b"-0", None),
            (b"+1", None),
            (b" 1", None),
            (b"1 kb", None),
            (b"1k ", None),
            (b"0x10", None),
            (b"1e3", None),
            (b"1bb", None),
            (b"10%", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_memory(input),
                *expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn rewrite_memory_uses_binary_units() {
        assert_eq!(format_memory_units(0), "0");
        assert_eq!(format_memory_units(1_073_741_824), "1gb");
        assert_eq!(format_memory_units(5 * 1_048_576), "5mb");
        assert_eq!(format_memory_units(3072), "3kb");
        assert_eq!(format_memory_units(1_000_000), "1000000");
        assert_eq!(format_memory_units(1_073_741_825), "1073741825");
    }

    #[test]
    fn strtoll_is_lenient_like_c() {
        assert_eq!(parse_strtoll(b"01"), Some((1, false)));
        assert_eq!(parse_strtoll(b"+1"), Some((1, false)));
        assert_eq!(parse_strtoll(b" 1"), Some((1, false)));
        assert_eq!(parse_strtoll(b"-5"), Some((-5, false)));
        assert_eq!(parse_strtoll(b""), Some((0, false)));
        assert_eq!(
            parse_strtoll(b"9223372036854775808"),
            Some((i64::MAX, true))
        );
        assert_eq!(parse_strtoll(b" "), None);
        assert_eq!(parse_strtoll(b"+"), None);
        assert_eq!(parse_strtoll(b"1x"), None);
        assert_eq!(parse_strtoll(b"1k"), None);
    }

    #[test]
    fn split_spaces_keeps_empty_pieces() {
        assert!(split_spaces(b"").is_empty());
        assert_eq!(split_spaces(b"900 1"), vec![&b"900"[..], b"1"]);
        assert_eq!(split_spaces(b"900  1"), vec![&b"900"[..], b"", b"1"]);
        assert_eq!(split_spaces(b"1 "), vec![&b"1"[..], b""]);
    }

    #[test]
    fn repr_quotes_like_sdscatrepr() {
        assert_eq!(repr(b"abc"), "\"abc\"");
        assert_eq!(repr(b"se cr\"et"), "\"se cr\\\"et\"");
        assert_eq!(
            repr(b"a\\b\n\r\t\x07\x08\x01\xff"),
            "\"a\\\\b\\n\\r\\t\\a\\b\\x01\\xff\""
        );
        assert_eq!(repr(b""), "\"\"");
    }

    #[test]
    fn strerror_drops_the_os_error_suffix() {
        let err = std::io::Error::from_raw_os_error(2);
        assert_eq!(strerror(&err), "No such file or directory");
    }
}
