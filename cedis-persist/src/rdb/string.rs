//! RDB strings: a length and the bytes, or one of the special encodings a `11EEEEEE`
//! length byte announces.
//!
//! ```text
//! <len> <bytes>                                   plain
//! 0xC0 <i8>          0xC1 <i16 LE>   0xC2 <i32 LE>  integer, read back as its decimal text
//! 0xC3 <compressed len> <original len> <LZF data>   compressed (see `crate::lzf`)
//! ```
//!
//! Redis writes a string of at most 11 bytes that is a canonical integer fitting in 32
//! bits as an integer, and compresses strings longer than 20 bytes when that saves more
//! than 4 bytes (with `rdbcompression yes`).

use std::io::Read;

use cedis_types::number::parse_i64;

use super::input::Input;
use super::length::{read_len_or_encoding, write_len, Len};
use crate::error::{Corrupt, RdbError};
use crate::lzf;

const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;

/// Appends an integer in the shortest integer string encoding, or `false` when it does
/// not fit in 32 bits.
fn write_int(out: &mut Vec<u8>, n: i64) -> bool {
    if let Ok(v) = i8::try_from(n) {
        out.push(0xc0 | ENC_INT8);
        out.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = i16::try_from(n) {
        out.push(0xc0 | ENC_INT16);
        out.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = i32::try_from(n) {
        out.push(0xc0 | ENC_INT32);
        out.extend_from_slice(&v.to_le_bytes());
    } else {
        return false;
    }
    true
}

/// Appends `bytes` as Redis's `rdbSaveRawString` does.
pub(crate) fn write_string(out: &mut Vec<u8>, bytes: &[u8], compress: bool) {
    if bytes.len() <= 11 {
        if let Some(n) = parse_i64(bytes) {
            if write_int(out, n) {
                return;
            }
        }
    }
    if compress && bytes.len() > 20 {
        if let Some(packed) = lzf::compress(bytes, bytes.len() - 4) {
            out.push(0xc0 | ENC_LZF);
            write_len(out, packed.len() as u64);
            write_len(out, bytes.len() as u64);
            out.extend_from_slice(&packed);
            return;
        }
    }
    write_len(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends an integer string (an `int`-encoded value), as `rdbSaveLongLongAsStringObject`.
pub(crate) fn write_i64(out: &mut Vec<u8>, n: i64) {
    if !write_int(out, n) {
        let text = n.to_string();
        write_len(out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }
}

/// Reads a string in any encoding.
pub(crate) fn read_string<R: Read>(input: &mut Input<R>) -> Result<Vec<u8>, RdbError> {
    match read_len_or_encoding(input)? {
        Len::Len(n) => input.bytes(n),
        Len::Encoded(ENC_INT8) => Ok((input.u8()? as i8).to_string().into_bytes()),
        Len::Encoded(ENC_INT16) => Ok(i16::from_le_bytes(input.array()?).to_string().into_bytes()),
        Len::Encoded(ENC_INT32) => Ok(i32::from_le_bytes(input.array()?).to_string().into_bytes()),
        Len::Encoded(ENC_LZF) => {
            let start = input.offset();
            let clen = super::length::read_len(input)?;
            let ulen = super::length::read_len(input)?;
            let ulen =
                usize::try_from(ulen).map_err(|_| input.err(Corrupt::LengthTooLarge(ulen)))?;
            let packed = input.bytes(clen)?;
            lzf::decompress(&packed, ulen).map_err(|e| RdbError::Corrupt {
                offset: start,
                kind: Corrupt::Lzf(e),
            })
        }
        Len::Encoded(e) => Err(input.err(Corrupt::BadStringEncoding(e))),
    }
}

/// Skips a string in any encoding without keeping it.
pub(crate) fn skip_string<R: Read>(input: &mut Input<R>) -> Result<(), RdbError> {
    match read_len_or_encoding(input)? {
        Len::Len(n) => input.skip(n),
        Len::Encoded(ENC_INT8) => input.skip(1),
        Len::Encoded(ENC_INT16) => input.skip(2),
        Len::Encoded(ENC_INT32) => input.skip(4),
        Len::Encoded(ENC_LZF) => {
            let clen = super::length::read_len(input)?;
            super::length::read_len(input)?;
            input.skip(clen)
        }
        Len::Encoded(e) => Err(input.err(Corrupt::BadStringEncoding(e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_string(&mut out, bytes, true);
        out
    }

    /// What Redis 7.0.15 wrote (`DUMP` of `SET k <value>`, less the type byte and footer).
    #[test]
    fn matches_redis() {
        assert_eq!(enc(b"12"), b"\xc0\x0c");
        assert_eq!(enc(b"-1"), b"\xc0\xff");
        assert_eq!(enc(b"200"), b"\xc1\xc8\x00");
        assert_eq!(enc(b"40000"), b"\xc2\x40\x9c\x00\x00");
        assert_eq!(enc(b"-40000"), b"\xc2\xc0\x63\xff\xff");
        assert_eq!(enc(b"2147483647"), b"\xc2\xff\xff\xff\x7f");
        assert_eq!(enc(b"-2147483648"), b"\xc2\x00\x00\x00\x80");
        assert_eq!(enc(b"2147483648"), b"\x0a2147483648");
        assert_eq!(enc(b"01"), b"\x0201");
        assert_eq!(enc(b"abc"), b"\x03abc");
        assert_eq!(enc(&[b'a'; 20]), [&b"\x14"[..], &[b'a'; 20]].concat());
        assert_eq!(
            enc(&[b'a'; 100]),
            b"\xc3\x09\x40\x64\x01aa\xe0\x57\x00\x01aa"
        );
        let mut out = Vec::new();
        write_i64(&mut out, 1 << 40);
        assert_eq!(out, b"\x0d1099511627776");
    }

    #[test]
    fn corrupt_lzf_is_an_error() {
        let data = b"\xc3\x03\x10\x05ab";
        let mut input = Input::new(&data[..]);
        assert!(read_string(&mut input).is_err());
        let data = b"\xc4";
        let mut input = Input::new(&data[..]);
        assert!(read_string(&mut input).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(
            prop_oneof![Just(b'1'), Just(b'x'), any::<u8>()], 0..200), compress: bool) {
            let mut out = Vec::new();
            write_string(&mut out, &bytes, compress);
            let mut input = Input::new(&out[..]);
            prop_assert_eq!(read_string(&mut input).unwrap(), bytes.clone());
            prop_assert_eq!(input.offset(), out.len() as u64);
            let mut input = Input::new(&out[..]);
            skip_string(&mut input).unwrap();
            prop_assert_eq!(input.offset(), out.len() as u64);
        }

        #[test]
        fn int_round_trip(n: i64) {
            let mut out = Vec::new();
            write_i64(&mut out, n);
            let mut input = Input::new(&out[..]);
            prop_assert_eq!(read_string(&mut input).unwrap(), n.to_string().into_bytes());
        }
    }
}
