//! Glob-style pattern matching identical to Redis's.
//!
//! Redis uses one matcher for `KEYS`, `SCAN ... MATCH`, `PSUBSCRIBE` and `CONFIG GET`,
//! and clients depend on its exact answers, quirks included, so [`glob_match`]
//! reproduces the behaviour of Redis 7.0 byte for byte. Every rule below was
//! established by asking a real `redis-server` 7.0.15 (see `tests/glob.rs`).
//!
//! # Syntax
//!
//! A pattern is a sequence of *tokens*. `*` matches any run of bytes; every other
//! token matches exactly one byte:
//!
//! | token | matches |
//! |-------|---------|
//! | `?` | any byte |
//! | `\x` | the byte `x` literally (`\*`, `\?`, `\[`, `\\`, ...) |
//! | `\` as the last byte | a literal `\` |
//! | `[...]` | one byte of the class (see below) |
//! | `[^...]` | one byte *not* in the class |
//! | anything else | itself |
//!
//! Inside brackets:
//!
//! - `\x` stands for `x` (so `[\]]` is the class `{]}`, and `[\-]` is `{-}`).
//! - `x-y` is the inclusive range between `x` and `y`; a reversed range `[z-a]` is the
//!   same as `[a-z]`. A `-` is a range operator whenever two more bytes follow it,
//!   even if the second one is `]`: `[a-]` is the range `]`..`a`, *not* `{a, -}`.
//! - `]` always closes the class, even first: `[]` matches nothing, `[^]` matches
//!   any byte and `[]a]` is the empty class followed by the literal `a]`.
//! - `!` is not a negation (`[!a]` is `{!, a}`).
//! - An unclosed bracket extends to the end of the pattern: `[abc` is `[abc]`,
//!   `[^` matches any byte, and `[` (nothing inside) matches nothing.
//!
//! # Quirks kept on purpose
//!
//! - **The empty string matches only the empty pattern**: `glob_match(b"*", b"", _)`
//!   is `false`. Redis's `KEYS *` and `SCAN` without `MATCH` still list an empty key
//!   because they skip matching altogether when the pattern is exactly `*`, and
//!   callers must do the same; `PUBLISH ""` reaches no `PSUBSCRIBE *` subscriber.
//! - Range bounds compare as *signed* C chars, as on x86-64 Redis: bytes
//!   `0x80..=0xFF` sort below `0x00`, so `[a-\xff]` is the range `\xff`..`a` (which
//!   excludes `b` and `\x80`), and `[\x80-\xff]` is every byte with the high bit set.
//! - With `nocase`, only ASCII letters fold. Range bounds are ordered *before* they
//!   are lowercased, so `[Z-a]` (`Z`..`a` = `Z[\]^_`a`) becomes the empty range
//!   `z`..`a` and matches nothing, and an escaped byte inside brackets (`[\L]`)
//!   is compared case-sensitively.
//!
//! # Complexity
//!
//! The matcher is iterative and needs no allocation. It keeps a single backtrack
//! point: the most recent `*`. Backtracking to an older `*` is never necessary
//! because every other token has width one, so whatever an older star could absorb,
//! the newer one can absorb too. Worst case is `O(pattern.len() * string.len())`,
//! so patterns such as `*a*a*a*a*a*a*a*a*b` (exponential for a naive recursive
//! matcher) are cheap.

/// Whether `string` matches the Redis glob `pattern`.
///
/// Binary safe: both arguments are arbitrary bytes. `nocase` folds ASCII letters
/// only, as `CONFIG GET` does; `KEYS`, `SCAN` and `PSUBSCRIBE` pass `false`. See the
/// [module docs](self) for the full syntax and Redis's quirks.
///
/// # Examples
///
/// ```
/// use cedis_types::glob::glob_match;
///
/// assert!(glob_match(b"user:*:name", b"user:42:name", false));
/// assert!(glob_match(b"h[ae]llo", b"hallo", false));
/// assert!(!glob_match(b"h[^e]llo", b"hello", false));
/// assert!(glob_match(b"LOGLEVE?", b"loglevel", true));
/// // Like Redis, a lone `*` does not match the empty string.
/// assert!(!glob_match(b"*", b"", false));
/// ```
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    if string.is_empty() {
        return pattern.is_empty();
    }
    let mut p = 0;
    let mut s = 0;
    // The most recent star: (pattern index just after it, string index it
    // currently stops absorbing at).
    let mut backtrack: Option<(usize, usize)> = None;
    while s < string.len() {
        if let Some(&token) = pattern.get(p) {
            if token == b'*' {
                while pattern.get(p) == Some(&b'*') {
                    p += 1;
                }
                if p == pattern.len() {
                    return true;
                }
                backtrack = Some((p, s));
                continue;
            }
            let (matched, next) = match_token(pattern, p, string[s], nocase);
            if matched {
                p = next;
                s += 1;
                continue;
            }
        }
        match backtrack.as_mut() {
            Some((after_star, absorbed)) => {
                *absorbed += 1;
                p = *after_star;
                s = *absorbed;
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// Matches the single-byte token starting at `pattern[p]` (never `*`) against
/// `byte`; returns whether it matched and the index of the next token.
fn match_token(pattern: &[u8], p: usize, byte: u8, nocase: bool) -> (bool, usize) {
    match pattern[p] {
        b'?' => (true, p + 1),
        b'[' => match_class(pattern, p + 1, byte, nocase),
        b'\\' if p + 1 < pattern.len() => (eq(pattern[p + 1], byte, nocase), p + 2),
        literal => (eq(literal, byte, nocase), p + 1),
    }
}

/// Matches the bracket class whose body starts at `pattern[start]` (just after `[`).
fn match_class(pattern: &[u8], start: usize, byte: u8, nocase: bool) -> (bool, usize) {
    let mut i = start;
    let negate = pattern.get(i) == Some(&b'^');
    if negate {
        i += 1;
    }
    let mut matched = false;
    // `rest` is how many pattern bytes remain from `i` on; an unclosed class simply
    // runs to the end of the pattern.
    loop {
        let rest = pattern.len() - i;
        if rest == 0 {
            break;
        }
        let b = pattern[i];
        if b == b'\\' && rest >= 2 {
            // Escapes inside brackets ignore `nocase`, as in Redis.
            matched |= pattern[i + 1] == byte;
            i += 2;
        } else if b == b']' {
            i += 1;
            break;
        } else if rest >= 3 && pattern[i + 1] == b'-' {
            matched |= in_range(b, pattern[i + 2], byte, nocase);
            i += 3;
        } else {
            matched |= eq(b, byte, nocase);
            i += 1;
        }
    }
    (matched != negate, i)
}

/// Byte equality, folding ASCII case when `nocase`.
fn eq(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// Whether `byte` lies in the range `from-to` the way Redis decides it: bounds and
/// byte are signed chars, reversed bounds are swapped, and only then (with
/// `nocase`) are all three lowercased.
fn in_range(from: u8, to: u8, byte: u8, nocase: bool) -> bool {
    let (lo, hi) = if as_c_char(from) <= as_c_char(to) {
        (from, to)
    } else {
        (to, from)
    };
    let fold = |b: u8| as_c_char(if nocase { b.to_ascii_lowercase() } else { b });
    (fold(lo)..=fold(hi)).contains(&fold(byte))
}

/// A byte's value as a signed C `char`, which is how Redis on x86-64 (the reference
/// build these rules were measured on) orders range bounds. For example `0xFF` is
/// `-1`, below `b'a'`.
fn as_c_char(b: u8) -> i8 {
    i8::from_ne_bytes([b])
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn basics() {
        assert!(glob_match(b"", b"", false));
        assert!(!glob_match(b"", b"a", false));
        assert!(!glob_match(b"a", b"", false));
        assert!(glob_match(b"a*", b"a", false));
        assert!(glob_match(b"*a*", b"bab", false));
        assert!(!glob_match(b"*a*b", b"aaaa", false));
        assert!(glob_match(b"\\", b"\\", false));
        assert!(glob_match(b"[\\", b"\\", false));
    }

    #[test]
    fn nocase_range_is_ordered_before_folding() {
        assert!(glob_match(b"[Z-a]", b"_", false));
        assert!(!glob_match(b"[Z-a]", b"l", true));
        assert!(glob_match(b"[K-M]", b"l", true));
        assert!(!glob_match(b"[\\L]", b"l", true));
    }
}
