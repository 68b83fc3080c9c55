//! [`Hash`]: a Redis hash, a map of fields to values.
//!
//! Small hashes use a compact form, reported as `listpack` as Redis's is: one packed byte
//! buffer of field/value pairs (each item a LEB128 length then its bytes), searched
//! linearly and kept in insertion order. Once a hash holds more entries than
//! `hash-max-listpack-entries`, or a field or value longer than `hash-max-listpack-value`
//! is written, it becomes a hash table (`hashtable`) and never goes back, as in Redis.
//!
//! The hash table is a [`Dict`] (the keyspace's chained table with incremental
//! rehashing): O(1) lookups, the field stored inside the node when short, and the value
//! too when at most [`INLINE_VALUE_LEN`] bytes, so a typical field costs one allocation.

use rand::Rng;

use crate::dict::{allocator_chunk, Dict, INLINE_KEY_LEN};
use crate::small_bytes::SmallBytes;

/// The thresholds of the compact form (`hash-max-listpack-entries`,
/// `hash-max-listpack-value`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: u64,
    pub max_value: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 128,
            max_value: 64,
        }
    }
}

/// Values up to this many bytes are stored inside the table's node; longer ones in their
/// own allocation (see [`SmallBytes`]).
pub const INLINE_VALUE_LEN: usize = crate::small_bytes::INLINE_LEN;

/// What a field costs beyond what [`Dict::overhead_bytes`] counts: the dict counts a field
/// too long to be inline by its length, the allocator takes a whole chunk.
fn field_cost(len: usize) -> usize {
    if len > INLINE_KEY_LEN {
        allocator_chunk(len) - len
    } else {
        0
    }
}

/// HSCAN visits at most this many buckets per field asked for (Redis's `maxiterations`),
/// so a sparse table (after many deletions) cannot make one call walk it all.
const SCAN_BUCKETS_PER_FIELD: usize = 10;

/// A Redis hash.
#[derive(Clone, Debug)]
pub struct Hash {
    repr: Repr,
}

#[derive(Clone, Debug)]
enum Repr {
    /// Packed `field, value, field, value, …`; `len` pairs.
    Compact { buf: Vec<u8>, len: usize },
    /// The table and the bytes its entries own beyond [`Dict::overhead_bytes`] (boxed
    /// values, and allocator rounding of long fields).
    Table { table: Box<Table>, bytes: usize },
}

/// The large form: a [`Dict`] from field to value (its hash is SipHash with a random key
/// per table, so clients cannot choose colliding fields).
#[derive(Debug, Default)]
struct Table {
    dict: Dict<SmallBytes>,
}

impl Clone for Table {
    fn clone(&self) -> Table {
        let mut dict = Dict::new();
        dict.reserve(self.dict.len());
        for (f, v) in self.dict.iter() {
            dict.insert_slice(f, v.clone());
        }
        Table { dict }
    }
}

impl Table {
    fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.dict.get(field).map(SmallBytes::as_bytes)
    }

    /// Sets a field; the change in the bytes the entries own outside the dict's count
    /// (added, removed), and whether the field is new.
    fn insert(&mut self, field: &[u8], value: &[u8]) -> (usize, usize, bool) {
        let value = SmallBytes::new(value);
        let added = value.heap_cost();
        match self.dict.insert_slice(field, value) {
            Some(old) => (added, old.heap_cost(), false),
            None => (added + field_cost(field.len()), 0, true),
        }
    }

    /// Removes a field; the bytes its entry owned outside the dict's count, when it
    /// existed.
    fn remove(&mut self, field: &[u8]) -> Option<usize> {
        let old = self.dict.remove_value(field)?;
        Some(old.heap_cost() + field_cost(field.len()))
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.dict.iter().map(|(f, v)| (f, v.as_bytes()))
    }
}

impl Default for Hash {
    fn default() -> Hash {
        Hash::new()
    }
}

impl PartialEq for Hash {
    /// Equal when the same fields map to the same values (encoding and order aside).
    fn eq(&self, other: &Hash) -> bool {
        self.len() == other.len() && self.iter().all(|(f, v)| other.get(f) == Some(v))
    }
}

fn write_len(buf: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            buf.push(byte);
            return;
        }
        buf.push(byte | 0x80);
    }
}

/// Reads one item at `pos`: its bytes and the position after it.
fn read_item(buf: &[u8], mut pos: usize) -> Option<(&[u8], usize)> {
    let mut n = 0usize;
    let mut shift = 0u32;
    loop {
        let byte = *buf.get(pos)?;
        pos += 1;
        n |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let end = pos.checked_add(n)?;
    Some((buf.get(pos..end)?, end))
}

/// A list of (field, value) pairs borrowed from a hash.
pub type Pairs<'a> = Vec<(&'a [u8], &'a [u8])>;

/// Iterator over a compact buffer's pairs.
struct CompactIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for CompactIter<'a> {
    /// (field, value, start of the pair, end of the pair)
    type Item = (&'a [u8], &'a [u8], usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let (field, next) = read_item(self.buf, start)?;
        let (value, end) = read_item(self.buf, next)?;
        self.pos = end;
        Some((field, value, start, end))
    }
}

/// Iterator over a hash's (field, value) pairs.
pub struct Iter<'a> {
    inner: IterInner<'a>,
}

enum IterInner<'a> {
    Compact(CompactIter<'a>),
    Table(Box<dyn Iterator<Item = (&'a [u8], &'a [u8])> + 'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            IterInner::Compact(it) => it.next().map(|(f, v, _, _)| (f, v)),
            IterInner::Table(it) => it.next(),
        }
    }
}

impl Hash {
    pub fn new() -> Hash {
        Hash {
            repr: Repr::Compact {
                buf: Vec::new(),
                len: 0,
            },
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Compact { len, .. } => *len,
            Repr::Table { table, .. } => table.dict.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Compact { .. } => "listpack",
            Repr::Table { .. } => "hashtable",
        }
    }

    /// Whether the hash is in its compact form.
    pub fn is_compact(&self) -> bool {
        matches!(self.repr, Repr::Compact { .. })
    }

    /// Bytes owned by this value (O(1), maintained incrementally). The table counts as
    /// the allocator chunks it occupies: its buckets and nodes
    /// ([`Dict::overhead_bytes`]), the boxed values and long fields.
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
            + match &self.repr {
                Repr::Compact { buf, .. } => buf.capacity(),
                Repr::Table { table, bytes } => {
                    allocator_chunk(std::mem::size_of::<Table>())
                        + table.dict.overhead_bytes()
                        + bytes
                }
            }
    }

    /// The pairs, in insertion order for the compact form.
    pub fn iter(&self) -> Iter<'_> {
        let inner = match &self.repr {
            Repr::Compact { buf, .. } => IterInner::Compact(CompactIter { buf, pos: 0 }),
            Repr::Table { table, .. } => IterInner::Table(Box::new(table.iter())),
        };
        Iter { inner }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.repr {
            Repr::Compact { buf, .. } => CompactIter { buf, pos: 0 }
                .find(|(f, _, _, _)| *f == field)
                .map(|(_, v, _, _)| v),
            Repr::Table { table, .. } => table.get(field),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Converts to the hash table unless it already is one.
    pub fn convert_to_table(&mut self) {
        if let Repr::Compact { buf, .. } = &self.repr {
            let mut table = Box::<Table>::default();
            table.dict.reserve(self.len());
            let mut bytes = 0;
            for (f, v, _, _) in (CompactIter { buf, pos: 0 }) {
                let (added, removed, _) = table.insert(f, v);
                bytes = (bytes + added).saturating_sub(removed);
            }
            self.repr = Repr::Table { table, bytes };
        }
    }

    /// Converts to the hash table if any of `items` is longer than the compact form allows
    /// (Redis's `hashTypeTryConversion`, run before a write).
    pub fn try_conversion<'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a [u8]>,
        limits: Limits,
    ) {
        if self.is_compact() && items.into_iter().any(|i| i.len() as u64 > limits.max_value) {
            self.convert_to_table();
        }
    }

    /// Sets `field` to `value`; whether the field is new. Converts to the hash table when
    /// either is longer than `limits.max_value` or the hash grows past
    /// `limits.max_entries`.
    pub fn insert(&mut self, field: &[u8], value: &[u8], limits: Limits) -> bool {
        self.try_conversion([field, value], limits);
        let created = match &mut self.repr {
            Repr::Compact { buf, len } => {
                let found = CompactIter { buf, pos: 0 }.find(|(f, _, _, _)| *f == field);
                match found {
                    Some((_, _, start, end)) => {
                        let mut pair = Vec::with_capacity(field.len() + value.len() + 10);
                        write_len(&mut pair, field.len());
                        pair.extend_from_slice(field);
                        write_len(&mut pair, value.len());
                        pair.extend_from_slice(value);
                        buf.splice(start..end, pair);
                        false
                    }
                    None => {
                        write_len(buf, field.len());
                        buf.extend_from_slice(field);
                        write_len(buf, value.len());
                        buf.extend_from_slice(value);
                        *len += 1;
                        true
                    }
                }
            }
            Repr::Table { table, bytes } => {
                let (added, removed, created) = table.insert(field, value);
                *bytes = (*bytes + added).saturating_sub(removed);
                created
            }
        };
        if self.is_compact() && self.len() as u64 > limits.max_entries {
            self.convert_to_table();
        }
        created
    }

    /// Removes `field`; whether it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Compact { buf, len } => {
                let found = CompactIter { buf, pos: 0 }.find(|(f, _, _, _)| *f == field);
                match found {
                    Some((_, _, start, end)) => {
                        buf.drain(start..end);
                        *len -= 1;
                        true
                    }
                    None => false,
                }
            }
            Repr::Table { table, bytes } => match table.remove(field) {
                Some(freed) => {
                    *bytes = bytes.saturating_sub(freed);
                    true
                }
                None => false,
            },
        }
    }

    /// One random pair, or `None` when empty.
    pub fn random_pair(&self, rng: &mut impl Rng) -> Option<(&[u8], &[u8])> {
        match &self.repr {
            Repr::Compact { .. } => {
                if self.is_empty() {
                    return None;
                }
                let n = rng.gen_range(0..self.len());
                self.iter().nth(n)
            }
            Repr::Table { table, .. } => {
                table.dict.random_entry(rng).map(|(f, v)| (f, v.as_bytes()))
            }
        }
    }

    /// HRANDFIELD's pairs for `count`: a positive count gives distinct pairs (all of them
    /// when it is at least the size), a negative one `|count|` pairs that may repeat.
    pub fn random_pairs(&self, count: i64, rng: &mut impl Rng) -> Pairs<'_> {
        let all: Pairs<'_> = self.iter().collect();
        if all.is_empty() || count == 0 {
            return Vec::new();
        }
        if count < 0 {
            let n = count.unsigned_abs();
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            return (0..n).map(|_| all[rng.gen_range(0..all.len())]).collect();
        }
        let n = usize::try_from(count).unwrap_or(usize::MAX);
        if n >= all.len() {
            return all;
        }
        let mut all = all;
        // Partial Fisher-Yates: the first `n` are a uniform sample.
        for i in 0..n {
            let j = rng.gen_range(i..all.len());
            all.swap(i, j);
        }
        all.truncate(n);
        all
    }

    /// One step of HSCAN: the pairs from `cursor` on (about `count` of them) and the next
    /// cursor (0 when done). The compact form returns everything at once with cursor 0, as
    /// Redis does.
    ///
    /// The table is walked with [`Dict::scan`]'s reverse-binary cursor, a bucket at a
    /// time until `count` pairs are found (or `10 × count` buckets visited), as Redis's
    /// HSCAN: a field present for the whole iteration is returned at least once however
    /// the hash grows or shrinks between calls (possibly twice after a resize).
    pub fn scan(&self, cursor: u64, count: usize) -> (Pairs<'_>, u64) {
        let Repr::Table { table, .. } = &self.repr else {
            return (self.iter().collect(), 0);
        };
        let count = count.max(1);
        // `Dict::scan` lends each entry to the closure only for the call, so the fields
        // are copied out and looked up again for references that live as long as `self`
        // (a few lookups per call; HSCAN is not a hot path).
        let mut fields = Vec::new();
        let mut ends = Vec::new();
        let mut cursor = cursor;
        let mut buckets = count.saturating_mul(SCAN_BUCKETS_PER_FIELD);
        loop {
            cursor = table.dict.scan(cursor, |f, _| {
                fields.extend_from_slice(f);
                ends.push(fields.len());
            });
            buckets -= 1;
            if cursor == 0 || buckets == 0 || ends.len() >= count {
                break;
            }
        }
        let mut start = 0;
        let found = ends
            .into_iter()
            .filter_map(|end| {
                let field = &fields[start..end];
                start = end;
                table.dict.get_key_value(field)
            })
            .map(|(f, v)| (f, v.as_bytes()))
            .collect();
        (found, cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_entries: 4,
            max_value: 8,
        }
    }

    #[test]
    fn compact_keeps_insertion_order_and_converts() {
        let mut h = Hash::new();
        assert!(h.insert(b"b", b"1", limits()));
        assert!(h.insert(b"a", b"2", limits()));
        assert!(!h.insert(b"b", b"3", limits()));
        let pairs: Vec<_> = h.iter().collect();
        assert_eq!(pairs, [(&b"b"[..], &b"3"[..]), (&b"a"[..], &b"2"[..])]);
        assert_eq!(h.encoding(), "listpack");
        assert!(h.remove(b"b"));
        assert!(!h.remove(b"b"));
        assert_eq!(h.len(), 1);
        for i in 0..4u8 {
            h.insert(&[b'x', i], b"v", limits());
        }
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"a"), Some(&b"2"[..]));
        let mut h = Hash::new();
        h.insert(b"f", b"123456789", limits());
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn table_scan_returns_every_field_once() {
        let mut h = Hash::new();
        for i in 0..1000u32 {
            h.insert(i.to_string().as_bytes(), b"v", limits());
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            let (pairs, next) = h.scan(cursor, 10);
            for (f, _) in pairs {
                assert!(seen.insert(f.to_vec()));
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn table_matches_a_model() {
        let mut h = Hash::new();
        let mut model = std::collections::HashMap::new();
        let empty_usage = {
            let mut t = Hash::new();
            t.convert_to_table();
            t.mem_usage()
        };
        let mut seed = 0x1234_5678_u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let field = (seed % 300).to_string().into_bytes();
            let value = (seed % 7)
                .to_string()
                .repeat((seed % 5) as usize)
                .into_bytes();
            if seed % 3 == 0 {
                assert_eq!(h.remove(&field), model.remove(&field).is_some());
            } else {
                assert_eq!(
                    h.insert(&field, &value, limits()),
                    model.insert(field.clone(), value.clone()).is_none()
                );
            }
            assert_eq!(h.len(), model.len());
        }
        assert_eq!(h.encoding(), "hashtable");
        for (f, v) in &model {
            assert_eq!(h.get(f), Some(&v[..]));
        }
        let pairs: std::collections::HashMap<Vec<u8>, Vec<u8>> =
            h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        assert_eq!(pairs, model);
        let fields: Vec<Vec<u8>> = model.keys().cloned().collect();
        for f in fields {
            assert!(h.remove(&f));
        }
        assert!(h.is_empty());
        // All that is left is the emptied table's smallest bucket array.
        let Repr::Table { table, bytes } = &h.repr else {
            panic!("not a table");
        };
        assert_eq!(*bytes, 0);
        assert_eq!(h.mem_usage(), empty_usage + table.dict.overhead_bytes());
    }

    /// HSCAN's guarantee while the table grows and shrinks between calls: every field
    /// present for the whole scan is returned (at least once), cursor 0 ends it.
    #[test]
    fn table_scan_survives_resizes() {
        for grow in [true, false] {
            let mut h = Hash::new();
            let stable: Vec<Vec<u8>> = (0..500u32).map(|i| format!("s{i}").into_bytes()).collect();
            for f in &stable {
                h.insert(f, b"v", limits());
            }
            if !grow {
                for i in 0..20_000u32 {
                    h.insert(format!("t{i}").as_bytes(), b"v", limits());
                }
            }
            let mut seen = std::collections::HashSet::new();
            let (mut cursor, mut step) = (0, 0u32);
            loop {
                let (pairs, next) = h.scan(cursor, 7);
                seen.extend(pairs.into_iter().map(|(f, _)| f.to_vec()));
                // Between calls: grow by many fields, or remove the transient ones.
                // (Growing by a few fields per call: a table growing faster than the scan
                // advances would never let it end, in Redis too.)
                let n = if grow { 3 } else { 200 };
                for i in 0..n {
                    let f = format!("t{}", step * n + i);
                    if grow {
                        h.insert(f.as_bytes(), b"w", limits());
                    } else {
                        h.remove(f.as_bytes());
                    }
                }
                step += 1;
                if next == 0 {
                    break;
                }
                cursor = next;
            }
            for f in &stable {
                assert!(seen.contains(f), "{} missed", String::from_utf8_lossy(f));
            }
        }
    }

    /// Values on both sides of the inline limit and fields on both sides of the dict's
    /// inline key limit: read back, overwritten, and the accounting returns to the start.
    #[test]
    fn inline_and_boxed_items_are_accounted() {
        let mut h = Hash::new();
        h.convert_to_table();
        let base = h.mem_usage();
        let lens = [
            0,
            1,
            INLINE_VALUE_LEN,
            INLINE_VALUE_LEN + 1,
            INLINE_KEY_LEN,
            INLINE_KEY_LEN + 1,
            200,
        ];
        let (mut expected_extra, mut expected_total) = (0, 0);
        for &fl in &lens {
            for &vl in &lens {
                // Exactly `fl` bytes when that holds the unique prefix.
                let mut f = format!("{fl}.{vl}:").into_bytes();
                f.resize(f.len().max(fl), b'f');
                let v = vec![b'v'; vl];
                assert!(h.insert(&f, &v, limits()));
                assert_eq!(h.get(&f), Some(&v[..]));
                let w = vec![b'w'; lens[(vl + fl) % lens.len()]];
                assert!(!h.insert(&f, &w, limits()));
                assert_eq!(h.get(&f), Some(&w[..]));
                expected_extra += field_cost(f.len()) + SmallBytes::new(&w).heap_cost();
                // A node (inline field, value, `next`: 64 bytes) is an 80-byte chunk; a
                // long field and a long value are each a chunk of their own.
                let field_chunk = if f.len() > INLINE_KEY_LEN {
                    allocator_chunk(f.len())
                } else {
                    0
                };
                expected_total += 80 + field_chunk + SmallBytes::new(&w).heap_cost();
            }
        }
        let Repr::Table { table, bytes } = &h.repr else {
            panic!("not a table");
        };
        assert_eq!(*bytes, expected_extra);
        // A small table allocates its whole bucket array(s) at once.
        let buckets = table.dict.bucket_count() * 8;
        assert_eq!(h.mem_usage(), base + buckets + expected_total);
        let fields: Vec<Vec<u8>> = h.iter().map(|(f, _)| f.to_vec()).collect();
        for f in fields {
            assert!(h.remove(&f));
        }
        let Repr::Table { table, bytes } = &h.repr else {
            panic!("not a table");
        };
        assert_eq!(*bytes, 0);
        assert_eq!(h.mem_usage(), base + table.dict.overhead_bytes());
        assert_eq!(h.clone(), h);
    }

    #[test]
    fn random_pairs_follow_redis_counts() {
        let mut h = Hash::new();
        for i in 0..10u8 {
            h.insert(&[i], b"v", Limits::default());
        }
        let mut rng = rand::thread_rng();
        assert!(h.random_pairs(0, &mut rng).is_empty());
        assert_eq!(h.random_pairs(-25, &mut rng).len(), 25);
        let some = h.random_pairs(4, &mut rng);
        let distinct: std::collections::HashSet<_> = some.iter().collect();
        assert_eq!((some.len(), distinct.len()), (4, 4));
        let all: Vec<_> = h.random_pairs(100, &mut rng);
        assert_eq!(all, h.iter().collect::<Vec<_>>());
        assert!(h.random_pair(&mut rng).is_some());
        assert!(Hash::new().random_pair(&mut rng).is_none());
    }

    #[test]
    fn long_items_round_trip() {
        let mut h = Hash::new();
        let big = vec![7u8; 300];
        let lim = Limits {
            max_entries: 100,
            max_value: 1000,
        };
        h.insert(&big, &big, lim);
        h.insert(b"", b"", lim);
        assert_eq!(h.get(&big), Some(&big[..]));
        assert_eq!(h.get(b""), Some(&b""[..]));
        assert_eq!(h.encoding(), "listpack");
    }
}
