//! Redis's argument splitting for inline commands and config-file lines.
//!
//! Redis uses one splitter (`sdssplitargs`) for inline commands typed into a raw
//! connection (`SET key "hello world"\r\n`), for `redis.conf` lines and for `redis-cli`
//! input, so the same quoting works everywhere. [`split_args`] reproduces it.

use thiserror::Error;

/// A line whose quotes do not close, or whose closing quote is glued to more text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("unbalanced quotes")]
pub struct UnbalancedQuotes;

/// Splits a line into arguments the way Redis does.
///
/// Rules (checked against Redis 7.0 inline commands):
///
/// - Arguments are separated by spaces, `\t`, `\r` or `\n`. Leading blanks before an
///   argument may also include `\v` and `\f` (C's `isspace`), but those two do not end
///   an argument: `a\x0Bb` is one argument.
/// - `"double quotes"` allow the escapes `\n \r \t \b \a`, `\xHH` (exactly two hex
///   digits, otherwise `\x` is just `x`), and `\c` for any other `c` gives `c` (so `\\`
///   and `\"`).
/// - `'single quotes'` take everything literally except `\'`, which gives `'`.
/// - A quote may start in the middle of an argument (`a"b c"` is `ab c`), but a closing
///   quote must be followed by whitespace or the end of the line (`"a"b` is an error).
/// - A quote that never closes is an error.
/// - The line ends at the first NUL byte, as it does for the C string Redis splits.
/// - An empty or all-blank line gives no arguments (Redis ignores such a command).
///
/// ```
/// use cedis_resp::split_args;
///
/// let args = split_args(br#"SET "key one" 'it\'s' "\x41\n" plain"#).unwrap();
/// assert_eq!(args, vec![
///     b"SET".to_vec(),
///     b"key one".to_vec(),
///     b"it's".to_vec(),
///     b"A\n".to_vec(),
///     b"plain".to_vec(),
/// ]);
///
/// assert!(split_args(b"GET \"unterminated").is_err());
/// assert!(split_args(b"GET \"glued\"text").is_err());
/// assert!(split_args(b"   ").unwrap().is_empty());
/// ```
pub fn split_args(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
    let line = match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    };
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while line.get(i).is_some_and(|&c| is_c_space(c)) {
            i += 1;
        }
        if i >= line.len() {
            return Ok(args);
        }
        let mut arg = Vec::new();
        let mut quote = Quote::None;
        loop {
            let Some(&c) = line.get(i) else {
                if quote == Quote::None {
                    break;
                }
                return Err(UnbalancedQuotes);
            };
            match quote {
                Quote::Double => match c {
                    b'\\' if i + 1 < line.len() => {
                        let next = line[i + 1];
                        let hex = line
                            .get(i + 2)
                            .and_then(|&h| hex_val(h))
                            .zip(line.get(i + 3).and_then(|&l| hex_val(l)));
                        match (next, hex) {
                            (b'x', Some((h, l))) => {
                                arg.push(h * 16 + l);
                                i += 3;
                            }
                            _ => {
                                arg.push(match next {
                                    b'n' => b'\n',
                                    b'r' => b'\r',
                                    b't' => b'\t',
                                    b'b' => 0x08,
                                    b'a' => 0x07,
                                    other => other,
                                });
                                i += 1;
                            }
                        }
                    }
                    b'"' => {
                        if line.get(i + 1).is_some_and(|&n| !is_c_space(n)) {
                            return Err(UnbalancedQuotes);
                        }
                        i += 1;
                        break;
                    }
                    _ => arg.push(c),
                },
                Quote::Single => match c {
                    b'\\' if line.get(i + 1) == Some(&b'\'') => {
                        arg.push(b'\'');
                        i += 1;
                    }
                    b'\'' => {
                        if line.get(i + 1).is_some_and(|&n| !is_c_space(n)) {
                            return Err(UnbalancedQuotes);
                        }
                        i += 1;
                        break;
                    }
                    _ => arg.push(c),
                },
                Quote::None => match c {
                    b' ' | b'\n' | b'\r' | b'\t' => {
                        i += 1;
                        break;
                    }
                    b'"' => quote = Quote::Double,
                    b'\'' => quote = Quote::Single,
                    _ => arg.push(c),
                },
            }
            i += 1;
        }
        args.push(arg);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Double,
    Single,
}

/// C's `isspace` in the "C" locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Quotes bytes the way Redis's `sdscatrepr` does: in double quotes, with `\\`, `\"`, `\n`,
/// `\r`, `\t`, `\a`, `\b` escaped and other unprintable bytes as `\xHH`. It is the inverse
/// of [`split_args`]: `redis-cli` prints bulk strings this way, `CONFIG REWRITE` writes
/// values this way, and the output splits back to the same bytes.
///
/// ```
/// use cedis_resp::{repr, split_args};
/// assert_eq!(repr(b"se cr\"et\x01"), r#""se cr\"et\x01""#);
/// assert_eq!(split_args(repr(b"a b\n").as_bytes()).unwrap(), vec![b"a b\n".to_vec()]);
/// ```
pub fn repr(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\x");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(line: &[u8]) -> Vec<Vec<u8>> {
        split_args(line).unwrap()
    }

    fn v(args: &[&[u8]]) -> Vec<Vec<u8>> {
        args.iter().map(|a| a.to_vec()).collect()
    }

    /// Each expectation was observed by sending `ECHO <line>` inline to Redis 7.0.15.
    #[test]
    fn matches_redis() {
        assert_eq!(ok(b"ECHO a\"b c\""), v(&[b"ECHO", b"ab c"]));
        assert_eq!(split_args(b"ECHO \"a\"b"), Err(UnbalancedQuotes));
        assert_eq!(ok(b"ECHO 'a\\'b'"), v(&[b"ECHO", b"a'b"]));
        assert_eq!(ok(b"ECHO 'a\\nb'"), v(&[b"ECHO", b"a\\nb"]));
        assert_eq!(
            ok(b"ECHO \"\\x41\\x4g\\xzz\\n\\q\\\\\\\"\""),
            v(&[b"ECHO", b"Ax4gxzz\nq\\\""])
        );
        assert_eq!(split_args(b"ECHO \"abc"), Err(UnbalancedQuotes));
        assert_eq!(split_args(b"ECHO 'abc"), Err(UnbalancedQuotes));
        assert_eq!(ok(b"ECHO \"a\"\tb"), v(&[b"ECHO", b"a", b"b"]));
        assert_eq!(split_args(b"ECHO a\\\"b"), Err(UnbalancedQuotes));
        assert_eq!(ok(b"ECHO x\x0bb"), v(&[b"ECHO", b"x\x0bb"]));
        assert_eq!(ok(b"ECHO \x0bb"), v(&[b"ECHO", b"b"]));
        assert_eq!(ok(b"\x0b\x0cPING"), v(&[b"PING"]));
        assert_eq!(ok(b"PING\rPING"), v(&[b"PING", b"PING"]));
        assert_eq!(ok(b"ECHO a\r"), v(&[b"ECHO", b"a"]));
        assert_eq!(ok(b"ECHO \"\""), v(&[b"ECHO", b""]));
        assert_eq!(split_args(b"ECHO ''x"), Err(UnbalancedQuotes));
        assert_eq!(ok(b"ECHO \"\\x\""), v(&[b"ECHO", b"x"]));
        assert_eq!(ok(b"ECHO \"\\xA\""), v(&[b"ECHO", b"xA"]));
        assert_eq!(split_args(b"ECHO \"\\"), Err(UnbalancedQuotes));
        assert_eq!(split_args(b"ECHO '''"), Err(UnbalancedQuotes));
    }

    #[test]
    fn escapes_and_edges() {
        assert_eq!(ok(b""), Vec::<Vec<u8>>::new());
        assert_eq!(ok(b" \t\r\n"), Vec::<Vec<u8>>::new());
        assert_eq!(
            ok(b"\"\\n\\r\\t\\b\\a\\xff\\x00\""),
            v(&[b"\n\r\t\x08\x07\xff\x00"])
        );
        assert_eq!(ok(b"'a\\b' 'x\"y'"), v(&[b"a\\b", b"x\"y"]));
        assert_eq!(ok(b"\"x'y\" 'end'"), v(&[b"x'y", b"end"]));
        assert_eq!(ok(b"a\\\\b"), v(&[b"a\\\\b"]));
        assert_eq!(ok(b"\"a\"\x0bb"), v(&[b"a", b"b"]));
        assert_eq!(ok(b"a\0 b"), v(&[b"a"]));
        assert_eq!(split_args(b"\"a\0\""), Err(UnbalancedQuotes));
        assert_eq!(
            ok(b"dir \"/var/lib/redis\""),
            v(&[b"dir", b"/var/lib/redis"])
        );
        assert_eq!(ok(b"  save 900 1  "), v(&[b"save", b"900", b"1"]));
    }

    proptest! {
        #[test]
        fn never_panics(line in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = split_args(&line);
        }

        /// Quoting any argument with `"` and `\xHH` escapes splits back to it.
        #[test]
        fn quoted_round_trip(args in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..16), 0..8)) {
            let mut line = Vec::new();
            for a in &args {
                line.extend_from_slice(b" \"");
                for b in a {
                    line.extend_from_slice(format!("\\x{b:02x}").as_bytes());
                }
                line.push(b'"');
            }
            prop_assert_eq!(split_args(&line).unwrap(), args);
        }
    }
}
