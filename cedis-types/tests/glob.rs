//! Tests of `glob_match` against Redis 7.0.15.
//!
//! `OBSERVED` was recorded from a real `redis-server` 7.0.15 (x86-64): every string in
//! `KEYS` was stored with `SET key 1` (over raw RESP, so binary keys are exact), then
//! `KEYS pattern` was run for each pattern and the returned keys written down here.
//! One adjustment: Redis's `KEYS *` skips the matcher entirely and so also lists the
//! empty key; the matcher itself says `*` does not match `""` (`KEYS **` omits it, and
//! `PUBLISH ""` reaches no `PSUBSCRIBE *` client), so the `*` row omits `""`.
//!
//! `NOCASE` was recorded with `CONFIG GET pattern` (which matches with `nocase` set)
//! against the parameter names `loglevel` and `appendonly`.
//!
//! The property tests compare the matcher with a deliberately naive reference: a
//! memoised recursive matcher over an explicitly parsed token list.

use std::collections::HashMap;

use cedis_types::glob::glob_match;
use proptest::prelude::*;

/// Every key the experiment stored (one `SET` each).
const KEYS: &[&[u8]] = &[
    b"",
    b"a",
    b"b",
    b"c",
    b"d",
    b"x",
    b"z",
    b"A",
    b"B",
    b"C",
    b"Z",
    b"ab",
    b"abc",
    b"ac",
    b"aa",
    b"ba",
    b"a[",
    b"[",
    b"]",
    b"^",
    b"-",
    b"\\",
    b"a\\",
    b"[abc",
    b"_",
    b"`",
    b"\x00",
    b"\x7f",
    b"\x80",
    b"\xfe",
    b"\xff",
    b"hello",
    b"hallo",
    b"hxllo",
    b"hllo",
    b"heeeello",
    b"a-",
    b"-a",
    b"a]",
    b"]a",
    b"*",
    b"?",
    b"a*",
    b"a?",
    b"\\a",
    b"[]",
    b"]]",
    b"a-b",
    b"!",
    b"\\\\",
    b"x]",
    b"ax",
    b"[a",
    b"\\]",
    b"^a",
];

/// `(pattern, keys KEYS pattern returned)`.
const OBSERVED: &[(&[u8], &[&[u8]])] = &[
    (
        b"*",
        &[
            b"a",
            b"b",
            b"c",
            b"d",
            b"x",
            b"z",
            b"A",
            b"B",
            b"C",
            b"Z",
            b"ab",
            b"abc",
            b"ac",
            b"aa",
            b"ba",
            b"a[",
            b"[",
            b"]",
            b"^",
            b"-",
            b"\\",
            b"a\\",
            b"[abc",
            b"_",
            b"`",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xfe",
            b"\xff",
            b"hello",
            b"hallo",
            b"hxllo",
            b"hllo",
            b"heeeello",
            b"a-",
            b"-a",
            b"a]",
            b"]a",
            b"*",
            b"?",
            b"a*",
            b"a?",
            b"\\a",
            b"[]",
            b"]]",
            b"a-b",
            b"!",
            b"\\\\",
            b"x]",
            b"ax",
            b"[a",
            b"\\]",
            b"^a",
        ],
    ),
    (
        b"**",
        &[
            b"a",
            b"b",
            b"c",
            b"d",
            b"x",
            b"z",
            b"A",
            b"B",
            b"C",
            b"Z",
            b"ab",
            b"abc",
            b"ac",
            b"aa",
            b"ba",
            b"a[",
            b"[",
            b"]",
            b"^",
            b"-",
            b"\\",
            b"a\\",
            b"[abc",
            b"_",
            b"`",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xfe",
            b"\xff",
            b"hello",
            b"hallo",
            b"hxllo",
            b"hllo",
            b"heeeello",
            b"a-",
            b"-a",
            b"a]",
            b"]a",
            b"*",
            b"?",
            b"a*",
            b"a?",
            b"\\a",
            b"[]",
            b"]]",
            b"a-b",
            b"!",
            b"\\\\",
            b"x]",
            b"ax",
            b"[a",
            b"\\]",
            b"^a",
        ],
    ),
    (
        b"***",
        &[
            b"a",
            b"b",
            b"c",
            b"d",
            b"x",
            b"z",
            b"A",
            b"B",
            b"C",
            b"Z",
            b"ab",
            b"abc",
            b"ac",
            b"aa",
            b"ba",
            b"a[",
            b"[",
            b"]",
            b"^",
            b"-",
            b"\\",
            b"a\\",
            b"[abc",
            b"_",
            b"`",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xfe",
            b"\xff",
            b"hello",
            b"hallo",
            b"hxllo",
            b"hllo",
            b"heeeello",
            b"a-",
            b"-a",
            b"a]",
            b"]a",
            b"*",
            b"?",
            b"a*",
            b"a?",
            b"\\a",
            b"[]",
            b"]]",
            b"a-b",
            b"!",
            b"\\\\",
            b"x]",
            b"ax",
            b"[a",
            b"\\]",
            b"^a",
        ],
    ),
    (
        b"?",
        &[
            b"a", b"b", b"c", b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-",
            b"\\", b"_", b"`", b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (
        b"??",
        &[
            b"ab", b"ac", b"aa", b"ba", b"a[", b"a\\", b"a-", b"-a", b"a]", b"]a", b"a*", b"a?",
            b"\\a", b"[]", b"]]", b"\\\\", b"x]", b"ax", b"[a", b"\\]", b"^a",
        ],
    ),
    (b"a", &[b"a"]),
    (
        b"a*",
        &[
            b"a", b"ab", b"abc", b"ac", b"aa", b"a[", b"a\\", b"a-", b"a]", b"a*", b"a?", b"a-b",
            b"ax",
        ],
    ),
    (
        b"*a",
        &[b"a", b"aa", b"ba", b"-a", b"]a", b"\\a", b"[a", b"^a"],
    ),
    (
        b"a**",
        &[
            b"a", b"ab", b"abc", b"ac", b"aa", b"a[", b"a\\", b"a-", b"a]", b"a*", b"a?", b"a-b",
            b"ax",
        ],
    ),
    (
        b"*?",
        &[
            b"a",
            b"b",
            b"c",
            b"d",
            b"x",
            b"z",
            b"A",
            b"B",
            b"C",
            b"Z",
            b"ab",
            b"abc",
            b"ac",
            b"aa",
            b"ba",
            b"a[",
            b"[",
            b"]",
            b"^",
            b"-",
            b"\\",
            b"a\\",
            b"[abc",
            b"_",
            b"`",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xfe",
            b"\xff",
            b"hello",
            b"hallo",
            b"hxllo",
            b"hllo",
            b"heeeello",
            b"a-",
            b"-a",
            b"a]",
            b"]a",
            b"*",
            b"?",
            b"a*",
            b"a?",
            b"\\a",
            b"[]",
            b"]]",
            b"a-b",
            b"!",
            b"\\\\",
            b"x]",
            b"ax",
            b"[a",
            b"\\]",
            b"^a",
        ],
    ),
    (
        b"?*",
        &[
            b"a",
            b"b",
            b"c",
            b"d",
            b"x",
            b"z",
            b"A",
            b"B",
            b"C",
            b"Z",
            b"ab",
            b"abc",
            b"ac",
            b"aa",
            b"ba",
            b"a[",
            b"[",
            b"]",
            b"^",
            b"-",
            b"\\",
            b"a\\",
            b"[abc",
            b"_",
            b"`",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xfe",
            b"\xff",
            b"hello",
            b"hallo",
            b"hxllo",
            b"hllo",
            b"heeeello",
            b"a-",
            b"-a",
            b"a]",
            b"]a",
            b"*",
            b"?",
            b"a*",
            b"a?",
            b"\\a",
            b"[]",
            b"]]",
            b"a-b",
            b"!",
            b"\\\\",
            b"x]",
            b"ax",
            b"[a",
            b"\\]",
            b"^a",
        ],
    ),
    (
        b"*?*",
        &[
            b"a",
            b"b",
            b"c",
            b"d",
            b"x",
            b"z",
            b"A",
            b"B",
            b"C",
            b"Z",
            b"ab",
            b"abc",
            b"ac",
            b"aa",
            b"ba",
            b"a[",
            b"[",
            b"]",
            b"^",
            b"-",
            b"\\",
            b"a\\",
            b"[abc",
            b"_",
            b"`",
            b"\x00",
            b"\x7f",
            b"\x80",
            b"\xfe",
            b"\xff",
            b"hello",
            b"hallo",
            b"hxllo",
            b"hllo",
            b"heeeello",
            b"a-",
            b"-a",
            b"a]",
            b"]a",
            b"*",
            b"?",
            b"a*",
            b"a?",
            b"\\a",
            b"[]",
            b"]]",
            b"a-b",
            b"!",
            b"\\\\",
            b"x]",
            b"ax",
            b"[a",
            b"\\]",
            b"^a",
        ],
    ),
    (b"a[", &[]),
    (b"[", &[]),
    (b"[a", &[b"a"]),
    (b"[abc", &[b"a", b"b", b"c"]),
    (b"[abc]", &[b"a", b"b", b"c"]),
    (
        b"[^abc]",
        &[
            b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`",
            b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (
        b"[^abc",
        &[
            b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`",
            b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (
        b"[^",
        &[
            b"a", b"b", b"c", b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-",
            b"\\", b"_", b"`", b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (
        b"[^]",
        &[
            b"a", b"b", b"c", b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-",
            b"\\", b"_", b"`", b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (b"[]", &[]),
    (b"[]]", &[]),
    (b"[]a]", &[]),
    (b"[^]]", &[b"a]", b"[]", b"]]", b"x]", b"\\]"]),
    (b"[^]a]", &[]),
    (b"[a-]", &[b"a", b"]", b"^", b"_", b"`"]),
    (b"[a-]x", &[b"a", b"x", b"]", b"^", b"_", b"`"]),
    (b"[-a]", &[b"a", b"-"]),
    (b"[a-", &[b"a", b"-"]),
    (b"[a-c]", &[b"a", b"b", b"c"]),
    (b"[c-a]", &[b"a", b"b", b"c"]),
    (b"[a-c", &[b"a", b"b", b"c"]),
    (b"[\\]", &[b"]"]),
    (b"[\\", &[b"\\"]),
    (b"[\\]]", &[b"]"]),
    (b"[\\]a]", &[b"a", b"]"]),
    (b"[\\a-c]", &[b"a", b"c", b"-"]),
    (b"[a\\-c]", &[b"a", b"c", b"-"]),
    (b"[a-\\]", &[b"a", b"]", b"^", b"\\", b"_", b"`"]),
    (b"[a-\\]]", &[b"a]", b"]]", b"\\]"]),
    (b"[\\--a]", &[b"a", b"-"]),
    (b"a\\", &[b"a\\"]),
    (b"\\", &[b"\\"]),
    (b"\\\\", &[b"\\"]),
    (b"\\a", &[b"a"]),
    (b"\\*", &[b"*"]),
    (b"\\?", &[b"?"]),
    (b"\\[", &[b"["]),
    (b"a\\*", &[b"a*"]),
    (b"[\\\\]", &[b"\\"]),
    (b"[\\-]", &[b"-"]),
    (
        b"[a-\xff]",
        &[
            b"a", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`", b"\x00",
            b"\xff", b"*", b"?", b"!",
        ],
    ),
    (
        b"[\xff-a]",
        &[
            b"a", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`", b"\x00",
            b"\xff", b"*", b"?", b"!",
        ],
    ),
    (b"[\x80-\xff]", &[b"\x80", b"\xfe", b"\xff"]),
    (
        b"[\x00-a]",
        &[
            b"a", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`", b"\x00", b"*",
            b"?", b"!",
        ],
    ),
    (b"h?llo", &[b"hello", b"hallo", b"hxllo"]),
    (
        b"h*llo",
        &[b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello"],
    ),
    (b"h[ae]llo", &[b"hello", b"hallo"]),
    (b"h[^e]llo", &[b"hallo", b"hxllo"]),
    (b"h[a-b]llo", &[b"hallo"]),
    (b"[[]", &[b"["]),
    (b"[[]]", &[b"[]"]),
    (b"[a-b-c]", &[b"a", b"b", b"c", b"-"]),
    (
        b"[--a]",
        &[
            b"a", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`", b"?",
        ],
    ),
    (
        b"[a--]",
        &[
            b"a", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`", b"?",
        ],
    ),
    (
        b"[^-]",
        &[
            b"a", b"b", b"c", b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"\\",
            b"_", b"`", b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (b"[!a]", &[b"a", b"!"]),
    (b"[]-a]", &[]),
    (
        b"[^a-c]",
        &[
            b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"-", b"\\", b"_", b"`",
            b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (b"a*b", &[b"ab", b"a-b"]),
    (
        b"[a]*",
        &[
            b"a", b"ab", b"abc", b"ac", b"aa", b"a[", b"a\\", b"a-", b"a]", b"a*", b"a?", b"a-b",
            b"ax",
        ],
    ),
    (b"[x-z]*", &[b"x", b"z", b"x]"]),
    (b"[Z-a]", &[b"a", b"Z", b"[", b"]", b"^", b"\\", b"_", b"`"]),
    (b"[z-a]", &[b"a", b"b", b"c", b"d", b"x", b"z"]),
    (
        b"[A-c]",
        &[
            b"a", b"b", b"c", b"A", b"B", b"C", b"Z", b"[", b"]", b"^", b"\\", b"_", b"`",
        ],
    ),
    (b"[a-a]", &[b"a"]),
    (
        b"[^a-]",
        &[
            b"b", b"c", b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"-", b"\\", b"\x00",
            b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
    (b"[-]", &[b"-"]),
    (
        b"[--]",
        &[b"A", b"B", b"C", b"Z", b"[", b"]", b"-", b"\\", b"?"],
    ),
    (b"[---]", &[b"-"]),
    (b"[a-c-]", &[b"a", b"b", b"c", b"-"]),
    (b"\\[a]", &[]),
    (b"[a]]", &[b"a]"]),
    (b"*[", &[]),
    (b"*\\", &[b"\\", b"a\\", b"\\\\"]),
    (b"*]", &[b"]", b"a]", b"[]", b"]]", b"x]", b"\\]"]),
    (b"[*]", &[b"*"]),
    (b"[?]", &[b"?"]),
    (b"[\\*]", &[b"*"]),
    (b"a[]", &[]),
    (
        b"a[^]",
        &[
            b"ab", b"ac", b"aa", b"a[", b"a\\", b"a-", b"a]", b"a*", b"a?", b"ax",
        ],
    ),
    (b"\\\\*", &[b"\\", b"\\a", b"\\\\", b"\\]"]),
    (b"[\x00]", &[b"\x00"]),
    (b"?\\", &[b"a\\", b"\\\\"]),
    (b"[a-]]", &[b"a", b"]", b"^", b"_", b"`"]),
    (b"[ab-]", &[b"a", b"b", b"]", b"^", b"_", b"`"]),
    (b"[ab-", &[b"a", b"b", b"-"]),
    (
        b"[^\\]]",
        &[
            b"a", b"b", b"c", b"d", b"x", b"z", b"A", b"B", b"C", b"Z", b"[", b"^", b"-", b"\\",
            b"_", b"`", b"\x00", b"\x7f", b"\x80", b"\xfe", b"\xff", b"*", b"?", b"!",
        ],
    ),
];

/// `(pattern, string, CONFIG GET pattern returned string)`.
const NOCASE: &[(&[u8], &[u8], bool)] = &[
    (b"LOGLEVE?", b"loglevel", true),
    (b"[L]oglevel", b"loglevel", true),
    // An escaped byte inside brackets is compared case-sensitively...
    (b"[\\L]oglevel", b"loglevel", false),
    (b"[^\\L]oglevel", b"loglevel", true),
    // ...but an escaped byte outside brackets folds.
    (b"\\Loglevel*", b"loglevel", true),
    (b"[^L]oglevel", b"loglevel", false),
    (b"[K-M]oglevel", b"loglevel", true),
    (b"[k-m]OGLEVEL", b"loglevel", true),
    (b"[L-L]oglevel", b"loglevel", true),
    (b"[l-l]oglevel", b"loglevel", true),
    // Bounds are ordered before folding: `Z`..`a` folds to the empty `z`..`a`.
    (b"[Z-a]oglevel", b"loglevel", false),
    (b"[a-Z]oglevel", b"loglevel", false),
    (b"[A-A]ppendonly", b"appendonly", true),
    (b"[@-A]ppendonly", b"appendonly", true),
    (b"[A-@]ppendonly", b"appendonly", true),
    (b"[_-a]ppendonly", b"appendonly", true),
    (b"[a-_]ppendonly", b"appendonly", true),
];

#[test]
fn matches_redis_keys() {
    let mut failures = Vec::new();
    for &(pattern, matched) in OBSERVED {
        for &key in KEYS {
            let expected = matched.contains(&key);
            if glob_match(pattern, key, false) != expected {
                failures.push(format!(
                    "pattern {:?} key {:?}: expected {expected}",
                    pattern.escape_ascii().to_string(),
                    key.escape_ascii().to_string(),
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn matches_redis_config_get_nocase() {
    for &(pattern, string, expected) in NOCASE {
        assert_eq!(
            glob_match(pattern, string, true),
            expected,
            "pattern {:?}",
            pattern.escape_ascii().to_string()
        );
    }
}

#[test]
fn pathological_patterns_finish() {
    let aaaa = vec![b'a'; 20_000];
    assert!(!glob_match(b"*a*a*a*a*a*a*a*a*b", &aaaa, false));
    assert!(!glob_match(
        b"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
        &aaaa,
        true
    ));
    assert!(!glob_match(b"*?*?*?*?*?*?*?*[b]", &aaaa, false));
    assert!(!glob_match(
        b"*[a-z]*[^b]*\\a*a*a*a*a*a*a*a*a*a*a*b",
        &aaaa,
        false
    ));
    let mut aaab = aaaa.clone();
    aaab.push(b'b');
    assert!(glob_match(b"*a*a*a*a*a*a*a*a*b", &aaab, false));
    let stars: Vec<u8> = b"*a".repeat(5_000);
    assert!(glob_match(&stars, &aaaa, false));
    assert!(!glob_match(
        &[stars.as_slice(), b"b"].concat(),
        &aaaa,
        false
    ));
}

/// One byte-consuming element of a bracket class.
#[derive(Debug)]
enum Item {
    /// A plain byte (folds under `nocase`) or an escaped one (never folds).
    Byte { byte: u8, folds: bool },
    /// `from-to`, as written.
    Range(u8, u8),
}

#[derive(Debug)]
enum Token {
    Star,
    Any,
    Byte(u8),
    Class { negate: bool, items: Vec<Item> },
}

/// Splits a pattern into tokens following the documented rules, one rule per arm.
fn tokenize(pattern: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'*' => {
                tokens.push(Token::Star);
                i += 1;
            }
            b'?' => {
                tokens.push(Token::Any);
                i += 1;
            }
            b'\\' if i + 1 < pattern.len() => {
                tokens.push(Token::Byte(pattern[i + 1]));
                i += 2;
            }
            b'[' => {
                i += 1;
                let negate = pattern.get(i) == Some(&b'^');
                if negate {
                    i += 1;
                }
                let mut items = Vec::new();
                while i < pattern.len() {
                    let rest = &pattern[i..];
                    match rest {
                        [b']', ..] => {
                            i += 1;
                            break;
                        }
                        [b'\\', escaped, ..] => {
                            items.push(Item::Byte {
                                byte: *escaped,
                                folds: false,
                            });
                            i += 2;
                        }
                        [from, b'-', to, ..] => {
                            items.push(Item::Range(*from, *to));
                            i += 3;
                        }
                        [byte, ..] => {
                            items.push(Item::Byte {
                                byte: *byte,
                                folds: true,
                            });
                            i += 1;
                        }
                        [] => unreachable!("loop condition"),
                    }
                }
                tokens.push(Token::Class { negate, items });
            }
            byte => {
                tokens.push(Token::Byte(byte));
                i += 1;
            }
        }
    }
    tokens
}

fn lower(b: u8, nocase: bool) -> u8 {
    if nocase {
        b.to_ascii_lowercase()
    } else {
        b
    }
}

fn token_matches(token: &Token, c: u8, nocase: bool) -> bool {
    match token {
        Token::Star => unreachable!("stars are handled by the caller"),
        Token::Any => true,
        Token::Byte(b) => lower(*b, nocase) == lower(c, nocase),
        Token::Class { negate, items } => {
            let hit = items.iter().any(|item| match *item {
                Item::Byte { byte, folds } => {
                    if folds {
                        lower(byte, nocase) == lower(c, nocase)
                    } else {
                        byte == c
                    }
                }
                Item::Range(from, to) => {
                    // Signed C chars; swap first, fold afterwards.
                    let (mut lo, mut hi) = (from as i8, to as i8);
                    if lo > hi {
                        std::mem::swap(&mut lo, &mut hi);
                    }
                    let fold = |b: i8| lower(b as u8, nocase) as i8;
                    fold(lo) <= fold(c as i8) && fold(c as i8) <= fold(hi)
                }
            });
            hit != *negate
        }
    }
}

/// Textbook recursive glob semantics over `tokens`, memoised on `(token, byte)`.
fn reference(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    fn go(
        tokens: &[Token],
        t: usize,
        string: &[u8],
        s: usize,
        nocase: bool,
        memo: &mut HashMap<(usize, usize), bool>,
    ) -> bool {
        if let Some(&known) = memo.get(&(t, s)) {
            return known;
        }
        let result = match tokens.get(t) {
            None => s == string.len(),
            Some(Token::Star) => {
                (s..=string.len()).any(|start| go(tokens, t + 1, string, start, nocase, memo))
            }
            Some(token) => {
                s < string.len()
                    && token_matches(token, string[s], nocase)
                    && go(tokens, t + 1, string, s + 1, nocase, memo)
            }
        };
        memo.insert((t, s), result);
        result
    }
    if string.is_empty() {
        // Redis quirk: the empty string matches only the empty pattern.
        return pattern.is_empty();
    }
    go(
        &tokenize(pattern),
        0,
        string,
        0,
        nocase,
        &mut HashMap::new(),
    )
}

#[test]
fn reference_agrees_with_redis() {
    for &(pattern, matched) in OBSERVED {
        for &key in KEYS {
            assert_eq!(
                reference(pattern, key, false),
                matched.contains(&key),
                "pattern {:?} key {:?}",
                pattern.escape_ascii().to_string(),
                key.escape_ascii().to_string(),
            );
        }
    }
    for &(pattern, string, expected) in NOCASE {
        assert_eq!(reference(pattern, string, true), expected);
    }
}

fn pattern_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        proptest::sample::select(&b"ab*?*[]^-\\A\xff\x80"[..]),
        0..12,
    )
}

fn string_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(&b"abAB]-\\^[\xff\x80"[..]), 0..10)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn agrees_with_reference(
        pattern in pattern_bytes(),
        string in string_bytes(),
        nocase in any::<bool>(),
    ) {
        prop_assert_eq!(
            glob_match(&pattern, &string, nocase),
            reference(&pattern, &string, nocase),
            "pattern {:?} string {:?}",
            pattern.escape_ascii().to_string(),
            string.escape_ascii().to_string(),
        );
    }

    #[test]
    fn escaped_string_matches_itself(string in proptest::collection::vec(any::<u8>(), 1..16)) {
        let pattern: Vec<u8> = string.iter().flat_map(|&b| [b'\\', b]).collect();
        prop_assert!(glob_match(&pattern, &string, false));
        prop_assert!(glob_match(&[pattern.as_slice(), b"*"].concat(), &string, false));
        prop_assert!(glob_match(&[b"*", pattern.as_slice()].concat(), &string, false));
    }

    #[test]
    fn star_and_question_marks(string in proptest::collection::vec(any::<u8>(), 1..16)) {
        prop_assert!(glob_match(b"*", &string, false));
        let qs = vec![b'?'; string.len()];
        prop_assert!(glob_match(&qs, &string, false));
        prop_assert!(!glob_match(&[qs.as_slice(), b"?"].concat(), &string, false));
    }
}
