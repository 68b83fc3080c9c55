//! Zipmaps: the compact hash blob of RDB type 9 (Redis before 2.6).
//!
//! ```text
//! <count: u8, 254 or more = unknown> (<len> <field> <len> <free: u8> <value> <free bytes>)* 0xFF
//! len: 1 byte if < 254, else 0xFE <u32 LE>
//! ```

/// A zipmap's (field, value) pairs, borrowed from the blob.
pub(crate) type Pairs<'a> = Vec<(&'a [u8], &'a [u8])>;

/// Parses and validates a zipmap into its (field, value) pairs.
pub(crate) fn parse(blob: &[u8]) -> Result<Pairs<'_>, &'static str> {
    let count = *blob.first().ok_or("empty")?;
    let mut pos = 1;
    let mut pairs = Vec::new();
    let read_len = |pos: &mut usize| -> Result<Option<usize>, &'static str> {
        let first = *blob.get(*pos).ok_or("entry past the end")?;
        match first {
            0xff => Ok(None),
            0xfe => {
                let b = blob.get(*pos + 1..*pos + 5).ok_or("entry past the end")?;
                *pos += 5;
                Ok(Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize))
            }
            n => {
                *pos += 1;
                Ok(Some(usize::from(n)))
            }
        }
    };
    loop {
        let Some(flen) = read_len(&mut pos)? else {
            if pos + 1 != blob.len() {
                return Err("terminator before the end");
            }
            break;
        };
        let field = blob.get(pos..pos + flen).ok_or("entry past the end")?;
        pos += flen;
        let vlen = read_len(&mut pos)?.ok_or("field without a value")?;
        let free = usize::from(*blob.get(pos).ok_or("entry past the end")?);
        pos += 1;
        let value = blob.get(pos..pos + vlen).ok_or("entry past the end")?;
        pos += vlen + free;
        if pos > blob.len() {
            return Err("entry past the end");
        }
        pairs.push((field, value));
    }
    if count < 254 && usize::from(count) != pairs.len() {
        return Err("count does not match its entries");
    }
    Ok(pairs)
}

/// Builds a zipmap, for tests of the old encoding.
#[cfg(test)]
pub(crate) fn build(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut buf = vec![pairs.len().min(254) as u8];
    let push_len = |buf: &mut Vec<u8>, n: usize| {
        if n < 254 {
            buf.push(n as u8);
        } else {
            buf.push(254);
            buf.extend_from_slice(&(n as u32).to_le_bytes());
        }
    };
    for (f, v) in pairs {
        push_len(&mut buf, f.len());
        buf.extend_from_slice(f);
        push_len(&mut buf, v.len());
        buf.push(2); // two free bytes, as after an update to a shorter value
        buf.extend_from_slice(v);
        buf.extend_from_slice(b"\0\0");
    }
    buf.push(0xff);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corrupt() {
        let long = vec![b'v'; 300];
        let pairs: Vec<(&[u8], &[u8])> = vec![(b"a", b"1"), (b"field", &long), (b"", b"")];
        let zm = build(&pairs);
        assert_eq!(parse(&zm).unwrap(), pairs);
        assert!(parse(&zm[..zm.len() - 1]).is_err());
        let mut bad = zm.clone();
        bad[0] = 7;
        assert!(parse(&bad).is_err());
        assert!(parse(b"").is_err());
        assert_eq!(parse(b"\x00\xff").unwrap(), vec![]);
        assert!(parse(b"\x01\x05ab\xff").is_err());
    }
}
