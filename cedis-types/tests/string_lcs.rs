//! LCS against replies observed on Redis 7.0.15 (`LCS a b` and `LCS a b IDX
//! WITHMATCHLEN`), plus a property test against a reference DP.

use cedis_types::lcs::{exceeds_memory_limit, lcs, lcs_len, LcsMatch};
use proptest::prelude::*;

// (a, b, LCS reply, [(a range, b range, len)] from LCS a b IDX WITHMATCHLEN)
/// An IDX range: (a range, b range, length).
type Range = ((usize, usize), (usize, usize), usize);
const CASES: &[(&str, &str, &str, &[Range])] = &[
    (
        "ohmytext",
        "mynewtext",
        "mytext",
        &[((4, 7), (5, 8), 4), ((2, 3), (0, 1), 2)],
    ),
    ("ab", "ba", "b", &[((1, 1), (0, 0), 1)]),
    ("abc", "cba", "c", &[((2, 2), (0, 0), 1)]),
    ("", "", "", &[]),
    ("a", "", "", &[]),
    ("", "a", "", &[]),
    ("abcdef", "abcdef", "abcdef", &[((0, 5), (0, 5), 6)]),
    ("aaaa", "aa", "aa", &[((2, 3), (0, 1), 2)]),
    ("aa", "aaaa", "aa", &[((0, 1), (2, 3), 2)]),
    (
        "abcXdefYghi",
        "abcdefghi",
        "abcdefghi",
        &[
            ((8, 10), (6, 8), 3),
            ((4, 6), (3, 5), 3),
            ((0, 2), (0, 2), 3),
        ],
    ),
    ("xabcx", "yabcy", "abc", &[((1, 3), (1, 3), 3)]),
    ("abab", "baba", "bab", &[((1, 3), (0, 2), 3)]),
    (
        "ACCGGTCGAGTGCGCGGAAGCCGGCCGAA",
        "GTCGTTCGGAATGCCGTTGCTCTGTAAA",
        "GTCGTCGGAAGCCGGCCGAA",
        &[
            ((27, 28), (26, 27), 2),
            ((26, 26), (23, 23), 1),
            ((25, 25), (21, 21), 1),
            ((23, 24), (18, 19), 2),
            ((19, 22), (12, 15), 4),
            ((14, 18), (6, 10), 5),
            ((9, 10), (3, 4), 2),
            ((4, 6), (0, 2), 3),
        ],
    ),
    (
        "abXcd",
        "aYbcd",
        "abcd",
        &[
            ((3, 4), (3, 4), 2),
            ((1, 1), (2, 2), 1),
            ((0, 0), (0, 0), 1),
        ],
    ),
    (
        "1234",
        "1a2b3c4",
        "1234",
        &[
            ((3, 3), (6, 6), 1),
            ((2, 2), (4, 4), 1),
            ((1, 1), (2, 2), 1),
            ((0, 0), (0, 0), 1),
        ],
    ),
    ("hello", "world", "o", &[((4, 4), (1, 1), 1)]),
    (
        "aabbcc",
        "abcabc",
        "abcc",
        &[
            ((5, 5), (5, 5), 1),
            ((3, 4), (1, 2), 2),
            ((1, 1), (0, 0), 1),
        ],
    ),
    (
        "rosettacode",
        "raisethysword",
        "rsetod",
        &[
            ((9, 9), (12, 12), 1),
            ((8, 8), (10, 10), 1),
            ((5, 5), (5, 5), 1),
            ((2, 3), (3, 4), 2),
            ((0, 0), (0, 0), 1),
        ],
    ),
    (
        "thisisatest",
        "testing123testing",
        "tsitest",
        &[
            ((7, 10), (10, 13), 4),
            ((4, 4), (4, 4), 1),
            ((3, 3), (2, 2), 1),
            ((0, 0), (0, 0), 1),
        ],
    ),
];

#[test]
fn lcs_matches_redis() {
    for &(a, b, string, matches) in CASES {
        let result = lcs(a.as_bytes(), b.as_bytes());
        assert_eq!(result.string, string.as_bytes(), "LCS {a} {b}");
        assert_eq!(result.len(), string.len());
        assert_eq!(lcs_len(a.as_bytes(), b.as_bytes()), string.len());
        let want: Vec<LcsMatch> = matches
            .iter()
            .map(|&(a, b, len)| LcsMatch { a, b, len })
            .collect();
        assert_eq!(result.matches, want, "LCS {a} {b} IDX");
    }
}

#[test]
fn minmatchlen_filters_ranges_but_not_len() {
    // LCS la lb IDX MINMATCHLEN 2 WITHMATCHLEN on Redis.
    let result = lcs(
        b"ACCGGTCGAGTGCGCGGAAGCCGGCCGAA",
        b"GTCGTTCGGAATGCCGTTGCTCTGTAAA",
    );
    let kept: Vec<usize> = result.matches_min_len(2).map(|m| m.len).collect();
    assert_eq!(kept, [2, 2, 4, 5, 2, 3]);
    assert_eq!(result.len(), 20);
    // MINMATCHLEN -5 and 0 keep everything.
    assert_eq!(result.matches_min_len(-5).count(), 8);
    assert_eq!(result.matches_min_len(0).count(), 8);
    assert_eq!(result.matches_min_len(i64::MAX).count(), 0);
}

#[test]
fn memory_limit_matches_redis() {
    // Redis refuses when (alen+1)*(blen+1)*4 > proto-max-bulk-len; equal is allowed.
    let max = 512 * 1024 * 1024;
    assert!(!exceeds_memory_limit(11584, 11584, max));
    assert!(exceeds_memory_limit(11585, 11585, max));
    assert!(!exceeds_memory_limit(16383, 8191, max));
    assert!(!exceeds_memory_limit(300_000, 1, max));
    assert!(exceeds_memory_limit(300_000, 447, max));
    assert!(!exceeds_memory_limit(511, 511, 1024 * 1024));
    assert!(exceeds_memory_limit(usize::MAX, usize::MAX, u64::MAX));
}

/// The LCS length by a straightforward recursive definition.
fn reference_len(a: &[u8], b: &[u8]) -> usize {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    table[0][0]
}

fn is_subsequence(needle: &[u8], hay: &[u8]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

proptest! {
    #[test]
    fn lcs_is_a_longest_common_subsequence(a in "[abc]{0,24}", b in "[abc]{0,24}") {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let result = lcs(a, b);
        prop_assert_eq!(result.len(), reference_len(a, b));
        prop_assert_eq!(lcs_len(a, b), result.len());
        prop_assert!(is_subsequence(&result.string, a));
        prop_assert!(is_subsequence(&result.string, b));
        // The ranges tile the subsequence, walking backwards, and point at equal bytes.
        prop_assert_eq!(result.matches.iter().map(|m| m.len).sum::<usize>(), result.len());
        let mut rebuilt = Vec::new();
        for m in result.matches.iter().rev() {
            prop_assert_eq!(m.a.1 - m.a.0 + 1, m.len);
            prop_assert_eq!(m.b.1 - m.b.0 + 1, m.len);
            prop_assert_eq!(&a[m.a.0..=m.a.1], &b[m.b.0..=m.b.1]);
            rebuilt.extend_from_slice(&a[m.a.0..=m.a.1]);
        }
        prop_assert_eq!(rebuilt, result.string);
    }
}
