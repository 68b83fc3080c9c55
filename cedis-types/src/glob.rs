//! Glob-style pattern matching identical to Redis's.

/// Whether `string` matches `pattern` (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\` escapes).
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let _ = (pattern, string, nocase);
    todo!()
}
