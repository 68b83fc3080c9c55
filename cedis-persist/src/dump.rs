//! DUMP payloads: the value encoding of an RDB file, then a footer.
//!
//! ```text
//! <type: u8> <value body> <RDB version: u16 LE> <CRC-64 of everything before it: u64 LE>
//! ```

use cedis_types::Value;
use thiserror::Error;

use crate::checksum::crc64;
use crate::error::RdbError;
use crate::rdb::value::{read_value, write_value, Decoded};
use crate::rdb::{Input, LoadLimits, UnsupportedValue, WriteOptions, RDB_VERSION};

/// Why RESTORE refused a payload. `Display` is Redis's error line.
#[derive(Debug, Error)]
pub enum DumpError {
    /// Shorter than the footer, from a newer RDB version, or the checksum does not match.
    #[error("ERR DUMP payload version or checksum are wrong")]
    VersionOrChecksum,
    /// The footer is right but the body does not decode (the reason is the source).
    #[error("ERR Bad data format")]
    BadData(#[source] RdbError),
    /// The body is valid but holds nothing cedis can store: an empty collection, or a
    /// type cedis does not have (the reason).
    #[error("ERR Bad data format")]
    Unsupported(String),
}

/// The DUMP payload of `value`, as Redis 7.0 produces it (`rdbcompression yes`).
pub fn dump(value: &Value) -> Result<Vec<u8>, UnsupportedValue> {
    dump_with(value, &WriteOptions::default())
}

/// [`dump`] with explicit write options (`rdbcompression`, list node sizes).
pub fn dump_with(value: &Value, opts: &WriteOptions) -> Result<Vec<u8>, UnsupportedValue> {
    let mut out = Vec::new();
    write_value(&mut out, value, opts)?;
    out.extend_from_slice(&(RDB_VERSION as u16).to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Checks a payload's footer (version at most 10, CRC-64) and decodes its value,
/// validating it in full (duplicates, blob consistency, lengths), as Redis does with
/// `sanitize-dump-payload yes`.
pub fn restore(payload: &[u8], limits: &LoadLimits) -> Result<Value, DumpError> {
    restore_checked(payload, limits, true)
}

/// [`restore`], with the CRC check optional (`DEBUG SET-SKIP-CHECKSUM-VALIDATION 1`,
/// which Redis's test suite uses to feed crafted payloads to the decoder; the version
/// is still checked).
pub fn restore_checked(
    payload: &[u8],
    limits: &LoadLimits,
    check_crc: bool,
) -> Result<Value, DumpError> {
    verify_footer(payload, check_crc)?;
    let body = &payload[..payload.len() - 10];
    let mut input = Input::new(body);
    let ty = input.u8().map_err(DumpError::BadData)?;
    let decoded = read_value(&mut input, ty, limits).map_err(DumpError::BadData)?;
    // Bytes after the value are ignored, as Redis 7.0 ignores them (checked: RESTORE of
    // a string body followed by junk, with a right footer, succeeds).
    match decoded {
        Decoded::Value(v) => Ok(v),
        Decoded::Empty => Err(DumpError::Unsupported("empty collection".to_string())),
        Decoded::Skipped(reason) => Err(DumpError::Unsupported(reason)),
    }
}

/// Checks only the footer, as Redis's `verifyDumpPayload`.
pub fn verify(payload: &[u8]) -> Result<(), DumpError> {
    verify_footer(payload, true)
}

fn verify_footer(payload: &[u8], check_crc: bool) -> Result<(), DumpError> {
    if payload.len() < 10 {
        return Err(DumpError::VersionOrChecksum);
    }
    let footer = &payload[payload.len() - 10..];
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if u32::from(version) > RDB_VERSION {
        return Err(DumpError::VersionOrChecksum);
    }
    let mut stored = [0u8; 8];
    stored.copy_from_slice(&footer[2..]);
    if check_crc && crc64(&payload[..payload.len() - 8]) != u64::from_le_bytes(stored) {
        return Err(DumpError::VersionOrChecksum);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(body: &[u8], version: u8) -> Vec<u8> {
        let mut p = body.to_vec();
        p.extend_from_slice(&[version, 0]);
        let crc = crc64(&p);
        p.extend_from_slice(&crc.to_le_bytes());
        p
    }

    /// Each case was sent to Redis 7.0.15 as RESTORE; the comments give its answer.
    #[test]
    fn footer_and_body_errors_like_redis() {
        let limits = LoadLimits::default();
        // +OK, the junk after the value ignored.
        let v = restore(&payload(b"\x00\x03abcXYZ", 10), &limits).unwrap();
        assert_eq!(v, Value::string(b"abc"));
        // +OK: older versions are fine.
        assert!(restore(&payload(b"\x00\x03abc", 9), &limits).is_ok());
        // -ERR DUMP payload version or checksum are wrong
        for bad in [payload(b"\x00\x03abc", 11), b"abc".to_vec()] {
            let err = restore(&bad, &limits).unwrap_err();
            assert_eq!(
                err.to_string(),
                "ERR DUMP payload version or checksum are wrong"
            );
        }
        // -ERR Bad data format: an empty set, an unknown type, a duplicate member.
        for body in [&b"\x02\x00"[..], b"\x14\x00", b"\x02\x02\x01a\x01a"] {
            let err = restore(&payload(body, 10), &limits).unwrap_err();
            assert_eq!(err.to_string(), "ERR Bad data format");
        }
    }

    #[test]
    fn round_trip() {
        let v = Value::string(&[b'q'; 500]);
        let p = dump(&v).unwrap();
        assert_eq!(&p[p.len() - 10..p.len() - 8], &[10, 0]);
        assert_eq!(restore(&p, &LoadLimits::default()).unwrap(), v);
    }
}
