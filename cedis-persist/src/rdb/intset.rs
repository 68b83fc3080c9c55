//! Intsets: the blob of RDB type 11 (a set of integers).
//!
//! ```text
//! <width in bytes: u32 LE, 2/4/8> <count: u32 LE> <count members: width bytes LE each,
//! strictly ascending>
//! ```

/// Serializes sorted, distinct `members` at `min_width` bytes each, or the narrowest
/// width holding them all if that is wider.
pub(crate) fn build(members: &[i64], min_width: usize) -> Vec<u8> {
    let needed: usize = members
        .iter()
        .map(|&n| {
            if i16::try_from(n).is_ok() {
                2
            } else if i32::try_from(n).is_ok() {
                4
            } else {
                8
            }
        })
        .max()
        .unwrap_or(2);
    let width = needed.max(min_width);
    let mut buf = Vec::with_capacity(8 + width * members.len());
    buf.extend_from_slice(&(width as u32).to_le_bytes());
    buf.extend_from_slice(&(members.len() as u32).to_le_bytes());
    for &n in members {
        buf.extend_from_slice(&n.to_le_bytes()[..width]);
    }
    buf
}

/// Parses and validates an intset (width, size, strictly ascending members).
pub(crate) fn parse(blob: &[u8]) -> Result<Vec<i64>, &'static str> {
    if blob.len() < 8 {
        return Err("shorter than its header");
    }
    let width = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if !matches!(width, 2 | 4 | 8) {
        return Err("invalid width");
    }
    let count = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]) as usize;
    let body = &blob[8..];
    if count.checked_mul(width) != Some(body.len()) {
        return Err("size does not match its count");
    }
    let mut members: Vec<i64> = Vec::with_capacity(count);
    for chunk in body.chunks_exact(width) {
        let n = match width {
            2 => i64::from(i16::from_le_bytes([chunk[0], chunk[1]])),
            4 => i64::from(i32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])),
            _ => {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                i64::from_le_bytes(b)
            }
        };
        if members.last().is_some_and(|&last| last >= n) {
            return Err("members not strictly ascending");
        }
        members.push(n);
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_redis_and_validates() {
        // SADD s 1 2 3 in Redis 7.0.15 (DUMP body after the type byte and length).
        assert_eq!(
            build(&[1, 2, 3], 2),
            b"\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00"
        );
        assert_eq!(parse(&build(&[1, 2, 3], 2)).unwrap(), vec![1, 2, 3]);
        let wide = [i64::MIN, -70000, 0, 1 << 40];
        assert_eq!(build(&wide, 2)[0], 8);
        assert_eq!(parse(&build(&wide, 2)).unwrap(), wide.to_vec());
        assert_eq!(build(&[-70000, 5], 2)[0], 4);
        // Redis keeps the width after the wide member is gone: SADD w 1 70000, SREM w
        // 70000, DUMP w gives width 4.
        assert_eq!(
            build(&[1], 4),
            b"\x04\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00"
        );
        assert!(parse(&build(&[3, 2], 2)).is_err());
        assert!(parse(&build(&[2, 2], 2)).is_err());
        assert!(parse(b"\x03\x00\x00\x00\x00\x00\x00\x00").is_err());
        assert!(parse(b"\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00").is_err());
        assert!(parse(b"\x02\x00\x00\x00\xff\xff\xff\xff").is_err());
        assert_eq!(parse(b"\x02\x00\x00\x00\x00\x00\x00\x00").unwrap(), vec![]);
    }
}
