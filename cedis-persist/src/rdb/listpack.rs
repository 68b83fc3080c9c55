//! Listpacks: the compact blob behind RDB types 16 (hash), 17 (zset) and the nodes of
//! 18 (quicklist 2).
//!
//! ```text
//! <total bytes: u32 LE> <entry count: u16 LE, 65535 = "count them"> <entry>* 0xFF
//!
//! entry = <encoding + data> <backlen>
//!   0xxxxxxx                        7-bit unsigned integer
//!   10LLLLLL <L bytes>              string of up to 63 bytes
//!   110xxxxx xxxxxxxx               13-bit signed integer (big-endian bits)
//!   1110LLLL LLLLLLLL <L bytes>     string of up to 4095 bytes
//!   11110000 <u32 LE len> <bytes>   longer string
//!   11110001 <i16 LE>   11110010 <i24 LE>   11110011 <i32 LE>   11110100 <i64 LE>
//! backlen = the length of <encoding + data>, 7 bits per byte, most significant group
//!   first; every byte but the first has its top bit set (1 byte up to 127, 2 up to
//!   16383, …), so the entry can be walked backwards.
//! ```
//!
//! A string that is a canonical integer (`string2ll`) is stored as an integer, as Redis's
//! `lpAppend` does.

use std::borrow::Cow;

use cedis_types::number::parse_i64;

const HEADER: usize = 6;
const EOF: u8 = 0xff;
/// The entry count stored when the real one does not fit in 16 bits.
const COUNT_UNKNOWN: u16 = u16::MAX;

/// One listpack (or ziplist) entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Entry<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl<'a> Entry<'a> {
    /// The entry as the bytes a client sees (integers in decimal).
    pub(crate) fn bytes(&self) -> Cow<'a, [u8]> {
        match self {
            Entry::Int(n) => Cow::Owned(n.to_string().into_bytes()),
            Entry::Str(s) => Cow::Borrowed(s),
        }
    }
}

/// Builds a listpack entry by entry.
pub(crate) struct Builder {
    buf: Vec<u8>,
    count: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// Bytes needed for the backlen of an entry of `len` bytes.
fn backlen_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn push_backlen(buf: &mut Vec<u8>, len: usize) {
    let n = backlen_size(len);
    for i in (0..n).rev() {
        let group = ((len >> (7 * i)) & 0x7f) as u8;
        buf.push(if i == n - 1 { group } else { group | 0x80 });
    }
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder {
            buf: vec![0; HEADER],
            count: 0,
        }
    }

    /// Size of the finished listpack so far (header and terminator included).
    pub(crate) fn size(&self) -> usize {
        self.buf.len() + 1
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Appends `bytes`, as an integer entry when it is a canonical integer.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        match parse_i64(bytes) {
            Some(n) => self.push_int(n),
            None => self.push_str(bytes),
        }
    }

    pub(crate) fn push_int(&mut self, n: i64) {
        let start = self.buf.len();
        if (0..=127).contains(&n) {
            self.buf.push(n as u8);
        } else if (-4096..=4095).contains(&n) {
            let u = (n as u16) & 0x1fff;
            self.buf.push(0xc0 | (u >> 8) as u8);
            self.buf.push(u as u8);
        } else if let Ok(v) = i16::try_from(n) {
            self.buf.push(0xf1);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else if (-(1 << 23)..(1 << 23)).contains(&n) {
            self.buf.push(0xf2);
            self.buf.extend_from_slice(&(n as i32).to_le_bytes()[..3]);
        } else if let Ok(v) = i32::try_from(n) {
            self.buf.push(0xf3);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else {
            self.buf.push(0xf4);
            self.buf.extend_from_slice(&n.to_le_bytes());
        }
        let len = self.buf.len() - start;
        push_backlen(&mut self.buf, len);
        self.count += 1;
    }

    fn push_str(&mut self, s: &[u8]) {
        let start = self.buf.len();
        let len = s.len();
        if len < 64 {
            self.buf.push(0x80 | len as u8);
        } else if len < 4096 {
            self.buf.push(0xe0 | (len >> 8) as u8);
            self.buf.push(len as u8);
        } else {
            self.buf.push(0xf0);
            self.buf.extend_from_slice(&(len as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(s);
        let entry_len = self.buf.len() - start;
        push_backlen(&mut self.buf, entry_len);
        self.count += 1;
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.buf.push(EOF);
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let count = u16::try_from(self.count).unwrap_or(COUNT_UNKNOWN);
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

fn le_int(bytes: &[u8]) -> i64 {
    // Sign-extends a little-endian integer of 1..=8 bytes.
    let mut v: u64 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        v |= u64::from(b) << (8 * i);
    }
    let shift = 64 - 8 * bytes.len() as u32;
    ((v << shift) as i64) >> shift
}

/// Parses and fully validates a listpack: sizes, every entry's encoding and backlen, the
/// entry count, the terminator.
pub(crate) fn parse(blob: &[u8]) -> Result<Vec<Entry<'_>>, &'static str> {
    if blob.len() < HEADER + 1 {
        return Err("shorter than its header");
    }
    let total = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if total != blob.len() {
        return Err("total-bytes header does not match its size");
    }
    let count = u16::from_le_bytes([blob[4], blob[5]]);
    let mut entries = Vec::new();
    let mut pos = HEADER;
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
        let take = |from: usize, n: usize| blob.get(from..from + n).ok_or("entry past the end");
        let (entry, len) = match first {
            0x00..=0x7f => (Entry::Int(i64::from(first)), 1),
            0x80..=0xbf => {
                let n = usize::from(first & 0x3f);
                (Entry::Str(take(pos + 1, n)?), 1 + n)
            }
            0xc0..=0xdf => {
                let low = *blob.get(pos + 1).ok_or("entry past the end")?;
                let u = (u16::from(first & 0x1f) << 8) | u16::from(low);
                // Sign-extend 13 bits.
                let v = ((u << 3) as i16) >> 3;
                (Entry::Int(i64::from(v)), 2)
            }
            0xe0..=0xef => {
                let low = *blob.get(pos + 1).ok_or("entry past the end")?;
                let n = (usize::from(first & 0x0f) << 8) | usize::from(low);
                (Entry::Str(take(pos + 2, n)?), 2 + n)
            }
            0xf0 => {
                let b = take(pos + 1, 4)?;
                let n = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                (Entry::Str(take(pos + 5, n)?), 5 + n)
            }
            0xf1 => (Entry::Int(le_int(take(pos + 1, 2)?)), 3),
            0xf2 => (Entry::Int(le_int(take(pos + 1, 3)?)), 4),
            0xf3 => (Entry::Int(le_int(take(pos + 1, 4)?)), 5),
            0xf4 => (Entry::Int(le_int(take(pos + 1, 8)?)), 9),
            _ => return Err("invalid entry encoding"),
        };
        let mut expected = Vec::with_capacity(5);
        push_backlen(&mut expected, len);
        let back = blob
            .get(pos + len..pos + len + expected.len())
            .ok_or("entry past the end")?;
        if back != expected.as_slice() {
            return Err("entry's backlen does not match its length");
        }
        pos += len + expected.len();
        entries.push(entry);
    }
    if count != COUNT_UNKNOWN && usize::from(count) != entries.len() {
        return Err("entry count header does not match its entries");
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_redis() {
        // RPUSH l a b 1 200 -5 hello, the listpack inside Redis 7.0.15's DUMP.
        let mut b = Builder::new();
        for e in [&b"a"[..], b"b", b"1", b"200", b"-5", b"hello"] {
            b.push(e);
        }
        assert_eq!(
            b.finish(),
            b"\x1c\x00\x00\x00\x06\x00\x81a\x02\x81b\x02\x01\x01\xc0\xc8\x02\xdf\xfb\x02\x85hello\x06\xff"
        );
        // A 150-byte string: 12-bit length, 2-byte backlen.
        let mut b = Builder::new();
        b.push(&[b'x'; 150]);
        let lp = b.finish();
        assert_eq!(&lp[6..8], b"\xe0\x96");
        assert_eq!(&lp[lp.len() - 3..], b"\x01\x98\xff");
    }

    #[test]
    fn integer_widths() {
        for (n, enc) in [
            (0i64, 0x00u8),
            (127, 0x7f),
            (128, 0xc0),
            (-4096, 0xd0),
            (4096, 0xf1),
            (-32768, 0xf1),
            (32768, 0xf2),
            (-(1 << 23), 0xf2),
            (1 << 23, 0xf3),
            (i64::from(i32::MIN), 0xf3),
            (1 << 31, 0xf4),
            (i64::MIN, 0xf4),
        ] {
            let mut b = Builder::new();
            b.push_int(n);
            let lp = b.finish();
            assert_eq!(lp[6], enc, "{n}");
            assert_eq!(parse(&lp).unwrap(), vec![Entry::Int(n)]);
        }
    }

    #[test]
    fn corrupt() {
        let mut b = Builder::new();
        b.push(b"hello");
        let lp = b.finish();
        let mut bad = lp.clone();
        bad[0] += 1;
        assert!(parse(&bad).is_err());
        let mut bad = lp.clone();
        bad[4] = 2;
        assert!(parse(&bad).is_err());
        let mut bad = lp.clone();
        let n = bad.len();
        bad[n - 2] = 9;
        assert!(parse(&bad).is_err());
        let mut bad = lp.clone();
        bad[6] = 0xf5;
        assert!(parse(&bad).is_err());
        assert!(parse(b"\x07\x00\x00\x00\x00\x00\x00").is_err());
        assert_eq!(parse(b"\x07\x00\x00\x00\x00\x00\xff").unwrap(), vec![]);
    }

    proptest! {
        #[test]
        fn round_trip(items in proptest::collection::vec(
            prop_oneof![
                any::<i64>().prop_map(|n| n.to_string().into_bytes()),
                (-5000i64..5000).prop_map(|n| n.to_string().into_bytes()),
                proptest::collection::vec(any::<u8>(), 0..100),
                proptest::collection::vec(any::<u8>(), 4000..5000),
            ], 0..40)) {
            let mut b = Builder::new();
            for i in &items {
                b.push(i);
            }
            let size = b.size();
            let lp = b.finish();
            prop_assert_eq!(lp.len(), size);
            let back: Vec<Vec<u8>> = parse(&lp).unwrap().iter().map(|e| e.bytes().into_owned()).collect();
            prop_assert_eq!(back, items);
        }

        #[test]
        fn garbage_never_panics(mut data in proptest::collection::vec(any::<u8>(), 0..100)) {
            let _ = parse(&data);
            if data.len() >= 7 {
                let n = data.len() as u32;
                data[0..4].copy_from_slice(&n.to_le_bytes());
                let _ = parse(&data);
            }
        }
    }
}
