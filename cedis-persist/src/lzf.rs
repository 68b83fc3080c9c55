//! LZF compression, as Redis applies it to strings in RDB files and DUMP payloads.
//!
//! # Format
//!
//! A compressed stream is a sequence of items, each starting with a control byte:
//!
//! ```text
//! 000LLLLL  <L+1 literal bytes>                    literal run of 1..=32 bytes
//! LLLooooo  oooooooo                               back-reference, L in 1..=6
//! 111ooooo  LLLLLLLL  oooooooo                     back-reference, length 7 + L
//! ```
//!
//! A back-reference copies `length + 2` bytes starting `offset + 1` bytes behind the
//! output's current end (13-bit offset, so at most 8 KiB back); the copy may overlap
//! the bytes it produces (runs).
//!
//! The compressor reproduces the choices of the classic `liblzf` "very fast" mode that
//! Redis ships (a 2^16-slot table of the last position of each 3-byte sequence, matches of
//! at most 264 bytes, the two last bytes of a match re-hashed), so for the same input it
//! produces the same bytes as Redis does (established by experiment against
//! redis-server 7.0.15, see the tests).

use thiserror::Error;

/// Why a compressed stream could not be decompressed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LzfError {
    #[error("LZF data ends in the middle of an item")]
    Truncated,
    #[error("LZF back-reference points before the start of the output")]
    BadReference,
    #[error("LZF data decompresses to more than the announced {expected} bytes")]
    TooLong { expected: usize },
    #[error("LZF data decompresses to {actual} bytes, {expected} announced")]
    LengthMismatch { expected: usize, actual: usize },
}

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// The hash-table slot of the three bytes ending at `hval`'s low byte.
#[inline]
fn idx(hval: u32) -> usize {
    ((hval >> (3 * 8 - HLOG)).wrapping_sub(hval.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// Compresses `input` into at most `max_out` bytes; `None` when the result would not fit
/// (or `input` is empty), in which case the caller stores the bytes as they are.
///
/// Redis calls this with `max_out = input.len() - 4` for strings longer than 20 bytes.
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    let in_len = input.len();
    if in_len == 0 {
        return None;
    }
    // Stored positions are offsets from the input's start; 0 doubles as "empty", so a
    // match can never refer to position 0 (as in liblzf).
    let mut htab = vec![0u32; HSIZE];
    let mut out: Vec<u8> = Vec::with_capacity(max_out.min(in_len + in_len / 16 + 64));
    // `out.len()` is liblzf's `op`; a literal run's control byte is reserved up front.
    let mut lit: usize = 0;
    out.push(0);
    let mut ip: usize = 0;
    let mut hval: u32 = if in_len >= 2 {
        (u32::from(input[0]) << 8) | u32::from(input[1])
    } else {
        0
    };
    while in_len >= 3 && ip < in_len - 2 {
        hval = (hval << 8) | u32::from(input[ip + 2]);
        let slot = idx(hval);
        let reference = htab[slot] as usize;
        htab[slot] = ip as u32;
        let off = ip.wrapping_sub(reference).wrapping_sub(1);
        if off < MAX_OFF
            && reference > 0
            && input[reference + 2] == input[ip + 2]
            && input[reference] == input[ip]
            && input[reference + 1] == input[ip + 1]
        {
            let mut len: usize = 2;
            let maxlen = (in_len - ip - len).min(MAX_REF);
            // The worst case is 3 bytes of back-reference plus the closed literal run.
            let op = out.len();
            if op + 3 + 1 >= max_out && op - usize::from(lit == 0) + 3 + 1 >= max_out {
                return None;
            }
            // Close the literal run (or take back its unused control byte).
            out[op - lit - 1] = (lit as u8).wrapping_sub(1);
            if lit == 0 {
                out.pop();
            }
            // liblzf compares 16 bytes unconditionally when more than 16 may match
            // (maxlen > 16 guarantees they are inside the input), which can take a match
            // up to 2 bytes past `maxlen`; Redis's output depends on it.
            let mut done = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[reference + len] != input[ip + len] {
                        done = true;
                        break;
                    }
                }
            }
            if !done {
                loop {
                    len += 1;
                    if !(len < maxlen && input[reference + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2; // now the number of bytes copied, minus 2
            ip += 1;
            if len < 7 {
                out.push(((off >> 8) + (len << 5)) as u8);
            } else {
                out.push(((off >> 8) + (7 << 5)) as u8);
                out.push((len - 7) as u8);
            }
            out.push(off as u8);
            lit = 0;
            out.push(0);
            ip += len + 1;
            if ip >= in_len - 2 {
                break;
            }
            // Hash the match's last two positions so the next match can start there.
            ip -= 2;
            hval = (u32::from(input[ip]) << 8) | u32::from(input[ip + 1]);
            hval = (hval << 8) | u32::from(input[ip + 2]);
            htab[idx(hval)] = ip as u32;
            ip += 1;
            hval = (hval << 8) | u32::from(input[ip + 2]);
            htab[idx(hval)] = ip as u32;
            ip += 1;
        } else {
            if out.len() >= max_out {
                return None;
            }
            lit += 1;
            out.push(input[ip]);
            ip += 1;
            if lit == MAX_LIT {
                let op = out.len();
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                out.push(0);
            }
        }
    }
    if out.len() + 3 > max_out {
        return None;
    }
    while ip < in_len {
        lit += 1;
        out.push(input[ip]);
        ip += 1;
        if lit == MAX_LIT {
            let op = out.len();
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            out.push(0);
        }
    }
    let op = out.len();
    out[op - lit - 1] = (lit as u8).wrapping_sub(1);
    if lit == 0 {
        out.pop();
    }
    Some(out)
}

/// Decompresses `input`, which must produce exactly `expected_len` bytes.
///
/// Never allocates more than `expected_len` bytes, so a corrupt length prefix cannot make
/// it reserve memory the data does not back: callers should still bound `expected_len`.
pub fn decompress(input: &[u8], expected_len: usize) -> Result<Vec<u8>, LzfError> {
    let mut out: Vec<u8> = Vec::with_capacity(expected_len.min(input.len().saturating_mul(64)));
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            let lits = input.get(ip..ip + n).ok_or(LzfError::Truncated)?;
            if out.len() + n > expected_len {
                return Err(LzfError::TooLong {
                    expected: expected_len,
                });
            }
            out.extend_from_slice(lits);
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += usize::from(*input.get(ip).ok_or(LzfError::Truncated)?);
                ip += 1;
            }
            let low = usize::from(*input.get(ip).ok_or(LzfError::Truncated)?);
            ip += 1;
            let back = (((ctrl & 0x1f) << 8) | low) + 1;
            let start = out.len().checked_sub(back).ok_or(LzfError::BadReference)?;
            let n = len + 2;
            if out.len() + n > expected_len {
                return Err(LzfError::TooLong {
                    expected: expected_len,
                });
            }
            // Byte by byte: the source may overlap what this copy appends.
            for i in 0..n {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    if out.len() != expected_len {
        return Err(LzfError::LengthMismatch {
            expected: expected_len,
            actual: out.len(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn redis_compress(s: &[u8]) -> Option<Vec<u8>> {
        compress(s, s.len() - 4)
    }

    /// Byte strings Redis 7.0.15 wrote for these values (`DUMP` of `SET k <value>`).
    #[test]
    fn matches_redis_output() {
        let a100 = vec![b'a'; 100];
        assert_eq!(
            redis_compress(&a100).unwrap(),
            b"\x01aa\xe0\x57\x00\x01aa".to_vec()
        );
        assert_eq!(
            redis_compress(&[b'a'; 21]).unwrap(),
            b"\x01aa\xe0\x0a\x00".to_vec()
        );
        assert_eq!(
            redis_compress(&[b'a'; 400]).unwrap(),
            b"\x01aa\xe0\xff\x00\xe0\x7b\x00\x01aa".to_vec()
        );
        assert_eq!(
            redis_compress(b"abcabcabcabcabcabcabcabcabcabc").unwrap(),
            b"\x03abca\xe0\x0f\x02\x01bc".to_vec()
        );
        assert_eq!(
            redis_compress(b"hello world hello world hello world hello world!").unwrap(),
            b"\x0chello world h\xe0\x18\x0b\x01d!".to_vec()
        );
        // A match may end exactly at the input's end.
        assert_eq!(
            redis_compress(b"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqabcdabc").unwrap(),
            b"\x01qq\xe0\x1d\x00\x03abcd \x03".to_vec()
        );
        assert_eq!(
            redis_compress(b"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqabcdeabcd").unwrap(),
            b"\x01qq\xe0\x1d\x00\x04abcde \x04\x00d".to_vec()
        );
        let mut s = b"qqqqqqqqqq".to_vec();
        for _ in 0..3 {
            s.extend_from_slice(b"0123456789012345678901234567890123456789");
        }
        assert_eq!(
            redis_compress(&s).unwrap(),
            b"\x01qq\xc0\x00\t0123456789\xe0c\t\x0189".to_vec()
        );
        // Incompressible: Redis keeps the plain string.
        assert_eq!(
            redis_compress(b"xrQhpgA3Ko56hhKYzc3q1MZu35j24LXuui65+RJj"),
            None
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decompress(b"\x05ab", 6), Err(LzfError::Truncated));
        assert_eq!(decompress(b"\x20\x05", 3), Err(LzfError::BadReference));
        assert_eq!(decompress(b"\xe0", 3), Err(LzfError::Truncated));
        assert!(decompress(b"\x01aa", 1).is_err());
        assert!(decompress(b"\x01aa", 3).is_err());
        assert_eq!(decompress(b"", 0), Ok(Vec::new()));
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(
            prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()], 0..3000)) {
            if let Some(c) = compress(&data, data.len() + 64) {
                prop_assert_eq!(decompress(&c, data.len()).unwrap(), data.clone());
            }
            if data.len() > 4 {
                if let Some(c) = compress(&data, data.len() - 4) {
                    prop_assert!(c.len() < data.len() - 4);
                    prop_assert_eq!(decompress(&c, data.len()).unwrap(), data);
                }
            }
        }

        #[test]
        fn runs_round_trip(byte in any::<u8>(), n in 1usize..20000) {
            let data = vec![byte; n];
            let c = compress(&data, n + 64).unwrap();
            prop_assert_eq!(decompress(&c, n).unwrap(), data);
        }

        #[test]
        fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200),
                                len in 0usize..2000) {
            let _ = decompress(&data, len);
        }
    }
}
