//! The LCS command's algorithm (Redis 7.0): the longest common subsequence of two
//! strings, its length, and the matching ranges exactly as `LCS ... IDX` reports them.
//!
//! Redis fills the classic dynamic-programming table of `(len(a)+1) * (len(b)+1)` 32-bit
//! cells, then walks back from the end of both strings: on equal bytes it takes the byte
//! and steps back in both; otherwise it steps back in `a` only when that keeps a strictly
//! longer subsequence, else in `b`. Which of several equally long subsequences comes back
//! depends on that tie rule, so it is reproduced here. Matches are reported in walk
//! order (from the end of the strings towards their start), a run of bytes contiguous in
//! both strings forming one range.
//!
//! ```
//! use cedis_types::lcs::{lcs, LcsMatch};
//! let result = lcs(b"ohmytext", b"mynewtext");
//! assert_eq!(result.string, b"mytext");
//! assert_eq!(result.matches, vec![
//!     LcsMatch { a: (4, 7), b: (5, 8), len: 4 },
//!     LcsMatch { a: (2, 3), b: (0, 1), len: 2 },
//! ]);
//! ```

/// Redis's error when the table would exceed `proto-max-bulk-len` (see
/// [`exceeds_memory_limit`]).
pub const LCS_MEMORY_ERROR: &str =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

/// Redis's error for `LCS ... LEN IDX`.
pub const LCS_LEN_AND_IDX_ERROR: &str =
    "ERR If you want both the length and indexes, please just use IDX.";

/// One range of `LCS ... IDX`: inclusive byte ranges in the first and second string,
/// and their length (the `WITHMATCHLEN` number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LcsMatch {
    pub a: (usize, usize),
    pub b: (usize, usize),
    pub len: usize,
}

/// The result of [`lcs`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Lcs {
    /// The subsequence Redis replies without options.
    pub string: Vec<u8>,
    /// Every range, in Redis's order (from the end of the strings backwards), before any
    /// MINMATCHLEN filtering; see [`Lcs::matches_min_len`].
    pub matches: Vec<LcsMatch>,
}

impl Lcs {
    /// Length of the subsequence (`LEN`, and the `len` entry of `IDX`).
    pub fn len(&self) -> usize {
        self.string.len()
    }

    pub fn is_empty(&self) -> bool {
        self.string.is_empty()
    }

    /// The ranges `IDX MINMATCHLEN min` reports: those at least `min` long (a zero or
    /// negative `min` keeps all). The reply's `len` stays the full LCS length.
    ///
    /// ```
    /// use cedis_types::lcs::lcs;
    /// let result = lcs(b"ohmytext", b"mynewtext");
    /// assert_eq!(result.matches_min_len(3).count(), 1);
    /// assert_eq!(result.matches_min_len(-5).count(), 2);
    /// ```
    pub fn matches_min_len(&self, min: i64) -> impl Iterator<Item = &LcsMatch> {
        self.matches
            .iter()
            .filter(move |m| i64::try_from(m.len).map_or(true, |len| len >= min))
    }
}

/// Whether Redis refuses LCS on strings of these lengths: the table of
/// `(a_len + 1) * (b_len + 1)` 4-byte cells must not exceed `max_bytes`
/// (`proto-max-bulk-len`, 512MB by default); equal is allowed.
///
/// ```
/// use cedis_types::lcs::exceeds_memory_limit;
/// let max = 512 * 1024 * 1024;
/// assert!(!exceeds_memory_limit(11584, 11584, max));
/// assert!(exceeds_memory_limit(11585, 11585, max));
/// assert!(!exceeds_memory_limit(16383, 8191, max)); // exactly 512MB
/// ```
pub fn exceeds_memory_limit(a_len: usize, b_len: usize, max_bytes: u64) -> bool {
    let cells = (a_len as u128 + 1).saturating_mul(b_len as u128 + 1);
    cells.saturating_mul(4) > u128::from(max_bytes)
}

/// Only the LCS length (`LCS ... LEN`), in O(min(len)) memory.
///
/// ```
/// assert_eq!(cedis_types::lcs::lcs_len(b"ohmytext", b"mynewtext"), 6);
/// ```
pub fn lcs_len(a: &[u8], b: &[u8]) -> usize {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut prev = vec![0u32; short.len() + 1];
    let mut cur = vec![0u32; short.len() + 1];
    for &x in long {
        for (j, &y) in short.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[short.len()] as usize
}

/// The LCS of `a` and `b` with Redis's choice among equally long subsequences and its
/// match ranges. The caller checks [`exceeds_memory_limit`] first, as Redis does.
///
/// ```
/// use cedis_types::lcs::lcs;
/// assert_eq!(lcs(b"ab", b"ba").string, b"b"); // ties step back in the second string
/// assert_eq!(lcs(b"hello", b"world").string, b"o");
/// assert!(lcs(b"", b"abc").matches.is_empty());
/// ```
pub fn lcs(a: &[u8], b: &[u8]) -> Lcs {
    let width = b.len() + 1;
    let mut table = vec![0u32; (a.len() + 1) * width];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            table[i * width + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * width + j - 1] + 1
            } else {
                table[(i - 1) * width + j].max(table[i * width + j - 1])
            };
        }
    }
    let mut string = Vec::with_capacity(table[a.len() * width + b.len()] as usize);
    let mut matches: Vec<LcsMatch> = Vec::new();
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 && j > 0 {
        if a[i - 1] == b[j - 1] {
            string.push(a[i - 1]);
            let (ai, bj) = (i - 1, j - 1);
            match matches.last_mut() {
                Some(m) if m.a.0 == ai + 1 && m.b.0 == bj + 1 => {
                    m.a.0 = ai;
                    m.b.0 = bj;
                    m.len += 1;
                }
                _ => matches.push(LcsMatch {
                    a: (ai, ai),
                    b: (bj, bj),
                    len: 1,
                }),
            }
            i -= 1;
            j -= 1;
        } else if table[(i - 1) * width + j] > table[i * width + j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    string.reverse();
    Lcs { string, matches }
}
