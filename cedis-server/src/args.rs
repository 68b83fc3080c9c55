//! Shared argument parsing: the integer and float rules every command uses, and a cursor
//! for walking option lists. Handlers never re-implement number parsing.

use bytes::Bytes;

use crate::error::CommandError;

pub use cedis_types::number::{parse_f64, parse_i64};

/// [`parse_i64`], as a command error.
pub fn int_arg(bytes: &[u8]) -> Result<i64, CommandError> {
    parse_i64(bytes).ok_or(CommandError::NotInteger)
}

/// A cursor over a command's arguments with typed getters.
///
/// ```
/// use bytes::Bytes;
/// use cedis_server::args::Args;
/// let argv: Vec<Bytes> = ["set", "k", "v", "EX", "10"].iter().map(|s| Bytes::from(*s)).collect();
/// let mut args = Args::new(&argv, 3);
/// assert!(args.eat_keyword("ex"));
/// assert_eq!(args.next_i64().unwrap(), 10);
/// assert!(args.finish().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct Args<'a> {
    argv: &'a [Bytes],
    pos: usize,
}

impl<'a> Args<'a> {
    /// A cursor over `argv` starting at index `start` (1 skips the command name).
    pub fn new(argv: &'a [Bytes], start: usize) -> Self {
        Args { argv, pos: start }
    }

    pub fn remaining(&self) -> usize {
        self.argv.len().saturating_sub(self.pos)
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn peek(&self) -> Option<&'a Bytes> {
        self.argv.get(self.pos)
    }

    /// The next argument; a syntax error when there is none.
    pub fn next_bytes(&mut self) -> Result<&'a Bytes, CommandError> {
        let arg = self.argv.get(self.pos).ok_or(CommandError::Syntax)?;
        self.pos += 1;
        Ok(arg)
    }

    pub fn next_i64(&mut self) -> Result<i64, CommandError> {
        int_arg(self.next_bytes()?)
    }

    /// Consumes the next argument if it is `keyword` (case-insensitive).
    pub fn eat_keyword(&mut self, keyword: &str) -> bool {
        match self.peek() {
            Some(arg) if arg.eq_ignore_ascii_case(keyword.as_bytes()) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Errors with a syntax error if arguments are left over.
    pub fn finish(&self) -> Result<(), CommandError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CommandError::Syntax)
        }
    }
}

/// The `[MATCH pattern] [COUNT count]` options of HSCAN, SSCAN and ZSCAN, parsed as Redis
/// parses them: options in any order, each with its value, a COUNT below 1 is a syntax
/// error, and a `*` pattern is dropped because it matches everything.
///
/// ```
/// use bytes::Bytes;
/// use cedis_server::args::ScanOptions;
/// let argv: Vec<Bytes> = ["sscan", "k", "0", "COUNT", "5", "MATCH", "a*"]
///     .iter().map(|s| Bytes::from(*s)).collect();
/// let options = ScanOptions::parse(&argv, 3).unwrap();
/// assert_eq!(options.count, 5);
/// assert_eq!(options.pattern, Some(&b"a*"[..]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanOptions<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
}

impl<'a> ScanOptions<'a> {
    pub fn parse(argv: &'a [Bytes], start: usize) -> Result<ScanOptions<'a>, CommandError> {
        let mut options = ScanOptions {
            count: 10,
            pattern: None,
        };
        let mut args = Args::new(argv, start);
        while let Some(option) = args.peek() {
            if args.remaining() < 2 {
                return Err(CommandError::Syntax);
            }
            args.next_bytes()?;
            if is_keyword(option, "count") {
                let n = args.next_i64()?;
                if n < 1 {
                    return Err(CommandError::Syntax);
                }
                options.count = usize::try_from(n).unwrap_or(usize::MAX);
            } else if is_keyword(option, "match") {
                options.pattern = Some(&args.next_bytes()?[..]);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        options.pattern = options.pattern.filter(|p| *p != b"*");
        Ok(options)
    }

    /// Whether `member` passes the MATCH filter.
    pub fn matches(&self, member: &[u8]) -> bool {
        self.pattern
            .is_none_or(|p| cedis_types::glob::glob_match(p, member, false))
    }
}

/// Case-insensitive comparison of an argument with a keyword.
pub fn is_keyword(arg: &[u8], keyword: &str) -> bool {
    arg.eq_ignore_ascii_case(keyword.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_redis_rules() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-0"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b"1 "), None);
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"-9223372036854775809"), None);
        assert_eq!(parse_i64(b"12a"), None);
    }

    #[test]
    fn floats_follow_redis_rules() {
        assert_eq!(parse_f64(b"3"), Some(3.0));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        assert_eq!(parse_f64(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_f64(b""), None);
    }
}
