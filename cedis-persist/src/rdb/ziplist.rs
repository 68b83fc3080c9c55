//! Ziplists: the compact blob of RDB types 10, 12, 13 and the nodes of 14, written by
//! Redis before 7.0 (7.0 still loads them, converting to listpacks).
//!
//! ```text
//! <total bytes: u32 LE> <offset of the last entry: u32 LE> <count: u16 LE, 65535 = unknown>
//! <entry>* 0xFF
//!
//! entry = <prevlen> <encoding> <data>
//!   prevlen: the previous entry's size; 1 byte if < 254, else 0xFE <u32 LE>
//!   00LLLLLL                   string of up to 63 bytes
//!   01LLLLLL LLLLLLLL          string, 14-bit big-endian length
//!   10000000 <u32 BE>          string, 32-bit length
//!   0xC0 <i16 LE>  0xD0 <i32 LE>  0xE0 <i64 LE>  0xF0 <i24 LE>  0xFE <i8>
//!   0xF1..=0xFD                immediate integer 0..=12 (low 4 bits minus 1)
//! ```

use super::listpack::Entry;

const HEADER: usize = 10;
const EOF: u8 = 0xff;

fn le_int(bytes: &[u8]) -> i64 {
    let mut v: u64 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        v |= u64::from(b) << (8 * i);
    }
    let shift = 64 - 8 * bytes.len() as u32;
    ((v << shift) as i64) >> shift
}

/// Parses and fully validates a ziplist (sizes, prevlens, the tail offset, the count).
pub(crate) fn parse(blob: &[u8]) -> Result<Vec<Entry<'_>>, &'static str> {
    if blob.len() < HEADER + 1 {
        return Err("shorter than its header");
    }
    let total = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if total != blob.len() {
        return Err("total-bytes header does not match its size");
    }
    let tail = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]) as usize;
    let count = u16::from_le_bytes([blob[8], blob[9]]);
    let mut entries = Vec::new();
    let mut pos = HEADER;
    let mut prev_len = 0usize;
    let mut last_start = HEADER;
    loop {
        let Some(&first) = blob.get(pos) else {
            return Err("missing terminator");
        };
        if first == EOF {
            if pos + 1 != blob.len() {
                return Err("terminator before the end");
            }
            break;
        }
        let start = pos;
        let take = |from: usize, n: usize| blob.get(from..from + n).ok_or("entry past the end");
        let (stored_prev, prev_size) = if first < 254 {
            (usize::from(first), 1)
        } else if first == 254 {
            let b = take(pos + 1, 4)?;
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize, 5)
        } else {
            return Err("invalid prevlen");
        };
        if stored_prev != prev_len {
            return Err("prevlen does not match the previous entry");
        }
        pos += prev_size;
        let enc = *blob.get(pos).ok_or("entry past the end")?;
        let (entry, size) = match enc >> 6 {
            0 => {
                let n = usize::from(enc & 0x3f);
                (Entry::Str(take(pos + 1, n)?), 1 + n)
            }
            1 => {
                let low = *blob.get(pos + 1).ok_or("entry past the end")?;
                let n = (usize::from(enc & 0x3f) << 8) | usize::from(low);
                (Entry::Str(take(pos + 2, n)?), 2 + n)
            }
            2 => {
                let b = take(pos + 1, 4)?;
                let n = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
                (Entry::Str(take(pos + 5, n)?), 5 + n)
            }
            _ => match enc {
                0xc0 => (Entry::Int(le_int(take(pos + 1, 2)?)), 3),
                0xd0 => (Entry::Int(le_int(take(pos + 1, 4)?)), 5),
                0xe0 => (Entry::Int(le_int(take(pos + 1, 8)?)), 9),
                0xf0 => (Entry::Int(le_int(take(pos + 1, 3)?)), 4),
                0xfe => (Entry::Int(le_int(take(pos + 1, 1)?)), 2),
                0xf1..=0xfd => (Entry::Int(i64::from(enc & 0x0f) - 1), 1),
                _ => return Err("invalid entry encoding"),
            },
        };
        pos += size;
        prev_len = pos - start;
        last_start = start;
        entries.push(entry);
    }
    if tail != last_start {
        return Err("tail offset does not point at the last entry");
    }
    if count != u16::MAX && usize::from(count) != entries.len() {
        return Err("entry count header does not match its entries");
    }
    Ok(entries)
}

/// Builds a ziplist, for tests of the old encodings Redis 7.0 no longer writes.
#[cfg(test)]
pub(crate) fn build(items: &[&[u8]]) -> Vec<u8> {
    let mut buf = vec![0u8; HEADER];
    let mut prev = 0usize;
    let mut last = HEADER;
    for item in items {
        let start = buf.len();
        last = start;
        if prev < 254 {
            buf.push(prev as u8);
        } else {
            buf.push(254);
            buf.extend_from_slice(&(prev as u32).to_le_bytes());
        }
        match cedis_types::number::parse_i64(item) {
            Some(n @ 0..=12) => buf.push(0xf1 + n as u8),
            Some(n) if i8::try_from(n).is_ok() => {
                buf.push(0xfe);
                buf.push(n as u8);
            }
            Some(n) if i16::try_from(n).is_ok() => {
                buf.push(0xc0);
                buf.extend_from_slice(&(n as i16).to_le_bytes());
            }
            Some(n) if (-(1 << 23)..(1 << 23)).contains(&n) => {
                buf.push(0xf0);
                buf.extend_from_slice(&(n as i32).to_le_bytes()[..3]);
            }
            Some(n) if i32::try_from(n).is_ok() => {
                buf.push(0xd0);
                buf.extend_from_slice(&(n as i32).to_le_bytes());
            }
            Some(n) => {
                buf.push(0xe0);
                buf.extend_from_slice(&n.to_le_bytes());
            }
            None => {
                let n = item.len();
                if n < 64 {
                    buf.push(n as u8);
                } else if n < 16384 {
                    buf.push(0x40 | (n >> 8) as u8);
                    buf.push(n as u8);
                } else {
                    buf.push(0x80);
                    buf.extend_from_slice(&(n as u32).to_be_bytes());
                }
                buf.extend_from_slice(item);
            }
        }
        prev = buf.len() - start;
    }
    buf.push(EOF);
    let total = buf.len() as u32;
    buf[0..4].copy_from_slice(&total.to_le_bytes());
    buf[4..8].copy_from_slice(&(last as u32).to_le_bytes());
    let count = u16::try_from(items.len()).unwrap_or(u16::MAX);
    buf[8..10].copy_from_slice(&count.to_le_bytes());
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_encoding() {
        let items: Vec<&[u8]> = vec![
            b"",
            b"a",
            b"0",
            b"12",
            b"13",
            b"-1",
            b"-200",
            b"300",
            b"70000",
            b"-9000000",
            b"3000000000",
            b"-9223372036854775808",
        ];
        let long = vec![b'y'; 300];
        let mut all = items.clone();
        all.push(&long);
        let zl = build(&all);
        let back: Vec<Vec<u8>> = parse(&zl)
            .unwrap()
            .iter()
            .map(|e| e.bytes().into_owned())
            .collect();
        let want: Vec<Vec<u8>> = all.iter().map(|i| i.to_vec()).collect();
        assert_eq!(back, want);
        let mut bad = zl.clone();
        bad[4] += 1;
        assert!(parse(&bad).is_err());
        let mut bad = zl.clone();
        bad[11] = 5; // first entry's prevlen must be 0... (byte 10); this corrupts its encoding
        bad[10] = 1;
        assert!(parse(&bad).is_err());
        assert_eq!(parse(&build(&[])).unwrap(), vec![]);
    }

    proptest! {
        #[test]
        fn round_trip(items in proptest::collection::vec(
            prop_oneof![
                any::<i64>().prop_map(|n| n.to_string().into_bytes()),
                proptest::collection::vec(any::<u8>(), 0..300),
            ], 0..30)) {
            let refs: Vec<&[u8]> = items.iter().map(|i| &i[..]).collect();
            let zl = build(&refs);
            let back: Vec<Vec<u8>> = parse(&zl).unwrap().iter().map(|e| e.bytes().into_owned()).collect();
            prop_assert_eq!(back, items);
        }

        #[test]
        fn garbage_never_panics(mut data in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = parse(&data);
            if data.len() >= 11 {
                let n = data.len() as u32;
                data[0..4].copy_from_slice(&n.to_le_bytes());
                let _ = parse(&data);
            }
        }
    }
}
