//! [`Hash`]: a Redis hash, a map of fields to values.
//!
//! Small hashes use a compact form, reported as `listpack` as Redis's is: one packed byte
//! buffer of field/value pairs (each item a LEB128 length then its bytes), searched
//! linearly and kept in insertion order. Once a hash holds more entries than
//! `hash-max-listpack-entries`, or a field or value longer than `hash-max-listpack-value`
//! is written, it becomes a hash table (`hashtable`) and never goes back, as in Redis.

use std::collections::hash_map::RandomState;
use std::collections::BTreeMap;
use std::hash::BuildHasher;

use rand::Rng;

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

/// Bytes counted per hash-table entry beyond its field and value: the B-tree slot (key
/// and value, with the nodes' spare room) and the two boxed slices' allocations.
const TABLE_ENTRY_OVERHEAD: usize = 3 * (8 + std::mem::size_of::<Slot>()) / 2 + 32;

/// A Redis hash.
#[derive(Clone, Debug)]
pub struct Hash {
    repr: Repr,
}

#[derive(Clone, Debug)]
enum Repr {
    /// Packed `field, value, field, value, …`; `len` pairs.
    Compact { buf: Vec<u8>, len: usize },
    /// The table and the bytes its fields and values hold (with per-entry overhead).
    Table { table: Box<Table>, bytes: usize },
}

type Pair = (Box<[u8]>, Box<[u8]>);

/// The large form: fields ordered by a keyed SipHash of the field (a random key per
/// table), so lookups are O(log n) without allocating and HSCAN resumes at the next hash
/// value in O(log n + count).
#[derive(Clone, Debug, Default)]
struct Table {
    hasher: RandomState,
    slots: BTreeMap<u64, Slot>,
    len: usize,
    /// Tests only: squeeze hashes into 0..8 so fields collide.
    #[cfg(test)]
    narrow: bool,
}

/// The fields sharing one hash value: almost always one.
#[derive(Clone, Debug)]
enum Slot {
    One(Pair),
    Many(Vec<Pair>),
}

impl Slot {
    fn pairs(&self) -> &[Pair] {
        match self {
            Slot::One(pair) => std::slice::from_ref(pair),
            Slot::Many(pairs) => pairs,
        }
    }
}

impl Table {
    fn position(&self, field: &[u8]) -> u64 {
        let hash = self.hasher.hash_one(field);
        #[cfg(test)]
        if self.narrow {
            return hash % 8;
        }
        hash
    }

    fn get(&self, field: &[u8]) -> Option<&[u8]> {
        let slot = self.slots.get(&self.position(field))?;
        slot.pairs()
            .iter()
            .find(|(f, _)| &f[..] == field)
            .map(|(_, v)| &v[..])
    }

    /// Sets a field; the old value's length when it existed.
    fn insert(&mut self, field: &[u8], value: &[u8]) -> Option<usize> {
        let pos = self.position(field);
        let Some(slot) = self.slots.get_mut(&pos) else {
            self.slots
                .insert(pos, Slot::One((Box::from(field), Box::from(value))));
            self.len += 1;
            return None;
        };
        if let Slot::One(pair) = slot {
            if &pair.0[..] == field {
                let old = pair.1.len();
                pair.1 = Box::from(value);
                return Some(old);
            }
            let first = std::mem::take(pair);
            *slot = Slot::Many(vec![first]);
        }
        let Slot::Many(pairs) = slot else {
            return None;
        };
        if let Some(pair) = pairs.iter_mut().find(|(f, _)| &f[..] == field) {
            let old = pair.1.len();
            pair.1 = Box::from(value);
            return Some(old);
        }
        pairs.push((Box::from(field), Box::from(value)));
        self.len += 1;
        None
    }

    /// Removes a field; its value's length when it existed.
    fn remove(&mut self, field: &[u8]) -> Option<usize> {
        let pos = self.position(field);
        let slot = self.slots.get_mut(&pos)?;
        let removed = match slot {
            Slot::One(pair) if &pair.0[..] == field => {
                let old = pair.1.len();
                self.slots.remove(&pos);
                old
            }
            Slot::One(_) => return None,
            Slot::Many(pairs) => {
                let i = pairs.iter().position(|(f, _)| &f[..] == field)?;
                let (_, v) = pairs.swap_remove(i);
                if pairs.is_empty() {
                    self.slots.remove(&pos);
                }
                v.len()
            }
        };
        self.len -= 1;
        Some(removed)
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.slots
            .values()
            .flat_map(|slot| slot.pairs().iter().map(|(f, v)| (&f[..], &v[..])))
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
            Repr::Table { table, .. } => table.len,
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

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
            + match &self.repr {
                Repr::Compact { buf, .. } => buf.capacity(),
                Repr::Table { bytes, .. } => std::mem::size_of::<Table>() + bytes,
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
            let mut bytes = 0;
            for (f, v, _, _) in (CompactIter { buf, pos: 0 }) {
                bytes += f.len() + v.len() + TABLE_ENTRY_OVERHEAD;
                table.insert(f, v);
            }
            self.repr = Repr::Table { table, bytes };
        }
    }

    /// Converts to the hash table if any of `items` is longer than the compact form allows
    /// (Redis's `hashTypeTryConversion`, run before a write).
    pub fn try_conversion(&mut self, items: &[&[u8]], limits: Limits) {
        if self.is_compact() && items.iter().any(|i| i.len() as u64 > limits.max_value) {
            self.convert_to_table();
        }
    }

    /// Sets `field` to `value`; whether the field is new. Converts to the hash table when
    /// either is longer than `limits.max_value` or the hash grows past
    /// `limits.max_entries`.
    pub fn insert(&mut self, field: &[u8], value: &[u8], limits: Limits) -> bool {
        self.try_conversion(&[field, value], limits);
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
            Repr::Table { table, bytes } => match table.insert(field, value) {
                Some(old) => {
                    *bytes = (*bytes + value.len()).saturating_sub(old);
                    false
                }
                None => {
                    *bytes += field.len() + value.len() + TABLE_ENTRY_OVERHEAD;
                    true
                }
            },
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
                Some(v) => {
                    *bytes = bytes.saturating_sub(field.len() + v + TABLE_ENTRY_OVERHEAD);
                    true
                }
                None => false,
            },
        }
    }

    /// One random pair, or `None` when empty.
    pub fn random_pair(&self, rng: &mut impl Rng) -> Option<(&[u8], &[u8])> {
        if self.is_empty() {
            return None;
        }
        let n = rng.gen_range(0..self.len());
        self.iter().nth(n)
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
    /// The table is walked in the order of its keyed hash of the field, the cursor being
    /// the next hash value to visit, so a field present for the whole iteration is
    /// returned exactly once however the hash changes between calls.
    pub fn scan(&self, cursor: u64, count: usize) -> (Pairs<'_>, u64) {
        let Repr::Table { table, .. } = &self.repr else {
            return (self.iter().collect(), 0);
        };
        let mut found = Vec::new();
        let mut slots = table.slots.range(cursor..);
        for (_, slot) in slots.by_ref() {
            found.extend(slot.pairs().iter().map(|(f, v)| (&f[..], &v[..])));
            if found.len() >= count.max(1) {
                break;
            }
        }
        let next = slots.next().map_or(0, |(pos, _)| *pos);
        (found, next)
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
        assert_eq!(h.mem_usage(), empty_usage);
    }

    /// Fields sharing a hash value (forced here) are kept, found, removed and scanned.
    #[test]
    fn colliding_fields() {
        let mut table = Table {
            narrow: true,
            ..Table::default()
        };
        let mut model = std::collections::BTreeMap::new();
        for round in 0..3u32 {
            for i in 0..100u32 {
                let f = i.to_string().into_bytes();
                let v = (i * round).to_string().into_bytes();
                let had = model.insert(f.clone(), v.clone()).map(|o| o.len());
                assert_eq!(table.insert(&f, &v), had);
            }
            for i in (0..100u32).step_by(3 + round as usize) {
                let f = i.to_string().into_bytes();
                assert_eq!(table.remove(&f), model.remove(&f).map(|v| v.len()));
                assert_eq!(table.remove(&f), None);
            }
            assert_eq!(table.len, model.len());
            for (f, v) in &model {
                assert_eq!(table.get(f), Some(&v[..]));
            }
        }
        let mut hash = Hash::new();
        hash.repr = Repr::Table {
            table: Box::new(table),
            bytes: 0,
        };
        let mut seen = std::collections::BTreeMap::new();
        let mut cursor = 0;
        loop {
            let (pairs, next) = hash.scan(cursor, 1);
            for (f, v) in pairs {
                assert!(seen.insert(f.to_vec(), v.to_vec()).is_none());
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen, model);
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
