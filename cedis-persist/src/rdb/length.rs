//! RDB length encoding.
//!
//! ```text
//! 00LLLLLL                      length 0..=63
//! 01LLLLLL LLLLLLLL             length 0..=16383 (14 bits, big-endian)
//! 10000000 <4 bytes BE>         32-bit length
//! 10000001 <8 bytes BE>         64-bit length
//! 11EEEEEE                      not a length: a special string encoding E
//!                               (0 int8, 1 int16, 2 int32, 3 LZF; see `string`)
//! ```

use std::io::Read;

use super::input::Input;
use crate::error::{Corrupt, RdbError};

/// What a length field held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Len {
    Len(u64),
    /// A special string encoding (the low 6 bits of a `11xxxxxx` byte).
    Encoded(u8),
}

/// Appends `n` in the shortest length encoding (as Redis writes it).
pub(crate) fn write_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u64::from(u32::MAX) {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub(crate) fn read_len_or_encoding<R: Read>(input: &mut Input<R>) -> Result<Len, RdbError> {
    let first = input.u8()?;
    Ok(match first >> 6 {
        0 => Len::Len(u64::from(first & 0x3f)),
        1 => Len::Len((u64::from(first & 0x3f) << 8) | u64::from(input.u8()?)),
        2 => match first {
            0x80 => Len::Len(u64::from(u32::from_be_bytes(input.array()?))),
            0x81 => Len::Len(u64::from_be_bytes(input.array()?)),
            _ => return Err(input.err(Corrupt::BadLength(first))),
        },
        _ => Len::Encoded(first & 0x3f),
    })
}

/// A length (a special string encoding here is an error).
pub(crate) fn read_len<R: Read>(input: &mut Input<R>) -> Result<u64, RdbError> {
    match read_len_or_encoding(input)? {
        Len::Len(n) => Ok(n),
        Len::Encoded(e) => Err(input.err(Corrupt::BadLength(0xc0 | e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(n: u64) -> (Vec<u8>, u64) {
        let mut out = Vec::new();
        write_len(&mut out, n);
        let mut input = Input::new(&out[..]);
        let back = read_len(&mut input).unwrap();
        assert_eq!(input.offset(), out.len() as u64);
        (out, back)
    }

    #[test]
    fn encodings() {
        assert_eq!(round_trip(5), (vec![5], 5));
        assert_eq!(round_trip(63), (vec![63], 63));
        assert_eq!(round_trip(64), (vec![0x40, 64], 64));
        assert_eq!(round_trip(16383), (vec![0x7f, 0xff], 16383));
        assert_eq!(round_trip(16384), (vec![0x80, 0, 0, 0x40, 0], 16384));
        assert_eq!(round_trip(u64::from(u32::MAX)).1, u64::from(u32::MAX));
        let (bytes, n) = round_trip(1 << 40);
        assert_eq!((bytes.len(), n), (9, 1 << 40));
        assert_eq!(bytes[0], 0x81);
    }

    #[test]
    fn bad_and_short() {
        let mut input = Input::new(&[0x82u8][..]);
        assert!(read_len(&mut input).is_err());
        let mut input = Input::new(&[0x80u8, 1][..]);
        assert!(matches!(
            read_len(&mut input).unwrap_err().corrupt_kind(),
            Some(Corrupt::Truncated)
        ));
        let mut input = Input::new(&[0xc3u8][..]);
        assert_eq!(read_len_or_encoding(&mut input).unwrap(), Len::Encoded(3));
    }
}
