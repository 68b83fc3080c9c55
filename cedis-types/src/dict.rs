//! [`Dict`]: the hash table under the keyspace and the large hashes.
//!
//! # Why not `std::collections::HashMap`
//!
//! A database holds tens of millions of small keys, and three properties of std's table
//! get in the way there:
//!
//! - **Resizing pauses.** `HashMap` grows by rehashing every entry at once; at 10M keys that
//!   is hundreds of milliseconds during which no command runs. `Dict` keeps two tables
//!   while resizing and moves one bucket per write (plus what a background cron asks for
//!   with [`Dict::rehash_for`]), so no single operation does more than a constant amount of
//!   migration work.
//! - **SCAN.** Redis's SCAN promises that a key present for a whole iteration is returned
//!   at least once even if the table grows or shrinks between calls, with nothing but a
//!   64-bit cursor as state. That needs power-of-two bucket arrays and a cursor that
//!   counts in reversed bit order (see [`Dict::scan`]); an open-addressing table whose
//!   entries move on insert cannot give it.
//! - **Memory.** Each entry is one chained node holding the key inline when it is short
//!   (up to [`INLINE_KEY_LEN`] bytes), the value and the `next` pointer; the bucket array
//!   costs 8 bytes per bucket at a load factor between ~1/8 and 1. With a 16-byte key and a
//!   10-byte boxed value that is about 104 resident bytes per key at 1M keys and 109 at
//!   10M with glibc's allocator (node 64 + value 32 + buckets 8–13), against ~119 for
//!   Redis 7.0.
//!
//! # Layout
//!
//! `tables[0]` is the table in use; while a resize is in progress `tables[1]` is the
//! table being filled, `rehash_idx` is the next bucket of `tables[0]` to migrate, and every
//! bucket of `tables[0]` below it is empty. Lookups check both tables, new keys go to
//! `tables[1]`, and when `tables[0]` is empty it is dropped and `tables[1]` takes its place.
//! Bucket arrays are stored in segments of 16Ki buckets, allocated when first written and
//! freed as the rehash leaves them behind, so no operation allocates, zeroes or frees a
//! whole large array (see `SEG_BITS`).
//!
//! Keys are hashed with SipHash keyed by a per-dict random key ([`RandomState`]), so a
//! client cannot choose keys that all land in one chain.
//!
//! ```
//! use cedis_types::dict::Dict;
//!
//! let mut d = Dict::new();
//! d.insert(b"user:1".to_vec().into_boxed_slice(), 10u32);
//! assert_eq!(d.get(b"user:1"), Some(&10));
//! assert_eq!(d.remove(b"user:1").map(|(_, v)| v), Some(10));
//! assert!(d.is_empty());
//! ```

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// Keys up to this many bytes are stored inside the node instead of in their own heap
/// allocation.
///
/// Why 30: the key representation is then 32 bytes (tag, length, 30 bytes), which makes a
/// node with a 16-byte value exactly 56 bytes, the largest request glibc serves from a
/// 64-byte chunk. A separately boxed key would cost a 48-byte node chunk plus a 32-byte
/// key chunk, so inlining saves 16 bytes and one allocation per key, and covers typical
/// keys such as `user:1234567890` or `session:ab12cd34ef56`.
///
/// ```
/// let key = b"session:0123456789abcdef";
/// assert!(key.len() <= cedis_types::dict::INLINE_KEY_LEN);
/// ```
pub const INLINE_KEY_LEN: usize = 30;

/// Smallest non-empty bucket array (Redis's `DICT_HT_INITIAL_SIZE`): below this, shrinking
/// saves nothing worth a rehash.
const MIN_BUCKETS: usize = 4;

/// A step visits at most this many empty buckets per bucket it is asked to move, so a
/// step on a sparse table (after many deletions) stays bounded.
const EMPTY_VISITS_PER_BUCKET: usize = 10;

/// Random bucket probes [`Dict::random_entry`] tries before walking forward from the last
/// one: at the lowest fill the table allows (1/8 load, ~12% non-empty buckets) 64 probes
/// all miss with probability ~3e-4, so the walk is a guard against pathological cases,
/// never the normal path.
const RANDOM_PROBES: usize = 64;

/// A key as stored in a node: inline when short, boxed otherwise.
enum Key {
    Inline {
        len: u8,
        bytes: [u8; INLINE_KEY_LEN],
    },
    Heap(Box<[u8]>),
}

impl Key {
    fn from_box(key: Box<[u8]>) -> Key {
        if key.len() <= INLINE_KEY_LEN {
            Key::from_slice(&key)
        } else {
            Key::Heap(key)
        }
    }

    fn from_slice(key: &[u8]) -> Key {
        if key.len() <= INLINE_KEY_LEN {
            let mut bytes = [0u8; INLINE_KEY_LEN];
            bytes[..key.len()].copy_from_slice(key);
            Key::Inline {
                // Fits: INLINE_KEY_LEN < 256.
                len: key.len() as u8,
                bytes,
            }
        } else {
            Key::Heap(key.into())
        }
    }

    #[inline]
    fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Key::Heap(b) => b,
        }
    }

    /// Bytes this key owns outside its node.
    fn heap_bytes(&self) -> usize {
        match self {
            Key::Inline { .. } => 0,
            Key::Heap(b) => b.len(),
        }
    }

    fn into_box(self) -> Box<[u8]> {
        match self {
            Key::Inline { len, bytes } => bytes[..usize::from(len)].into(),
            Key::Heap(b) => b,
        }
    }
}

type Link<V> = Option<Box<Node<V>>>;

/// One entry; chained through `next`.
struct Node<V> {
    key: Key,
    value: V,
    next: Link<V>,
}

/// Buckets per segment: 2^14 links, 128 KiB.
///
/// Why segments: a table of 16M buckets is a 128 MiB array, and allocating, zeroing or
/// freeing it in one operation is itself a pause (freeing 128 MiB took 11 ms in
/// measurement, where every other rehash step takes microseconds). In segments, a new
/// table's are allocated when first written and an old table's are freed as the rehash
/// passes them, so each costs one operation at most ~128 KiB of allocator work. The
/// segment directory is small enough (16 KiB at 16M buckets) to stay in cache.
const SEG_BITS: u32 = 14;
const SEG_LEN: usize = 1 << SEG_BITS;
const SEG_MASK: usize = SEG_LEN - 1;

type Segment<V> = Box<[Link<V>]>;

/// One power-of-two bucket array, stored as segments of `min(size, SEG_LEN)` buckets
/// (`None` while not yet written, or once drained by a rehash), and its entry count.
struct Table<V> {
    segs: Box<[Option<Segment<V>>]>,
    size: usize,
    used: usize,
    /// Buckets in allocated segments.
    allocated: usize,
}

impl<V> Table<V> {
    fn empty() -> Table<V> {
        Table {
            segs: Box::default(),
            size: 0,
            used: 0,
            allocated: 0,
        }
    }

    /// A table of `n` buckets; a single-segment one is allocated at once, larger ones
    /// segment by segment as they are written.
    fn with_buckets(n: usize) -> Table<V> {
        debug_assert!(n.is_power_of_two());
        let seg_len = n.min(SEG_LEN);
        let mut table = Table {
            segs: std::iter::repeat_with(|| None).take(n / seg_len).collect(),
            size: n,
            used: 0,
            allocated: 0,
        };
        if n <= SEG_LEN {
            table.segment_mut(0);
        }
        table
    }

    #[inline]
    fn size(&self) -> usize {
        self.size
    }

    /// `size - 1`; only meaningful for a non-empty table.
    #[inline]
    fn mask(&self) -> u64 {
        (self.size as u64).wrapping_sub(1)
    }

    #[inline]
    fn index(&self, hash: u64) -> usize {
        // The mask is below the size, so the cast cannot truncate.
        (hash & self.mask()) as usize
    }

    /// The chain in bucket `idx`.
    #[inline]
    fn bucket(&self, idx: usize) -> Option<&Node<V>> {
        self.segs[idx >> SEG_BITS].as_ref()?[idx & SEG_MASK].as_deref()
    }

    /// The chain in bucket `idx`, for changing values in place.
    #[inline]
    fn bucket_mut(&mut self, idx: usize) -> Option<&mut Node<V>> {
        self.segs[idx >> SEG_BITS].as_mut()?[idx & SEG_MASK].as_deref_mut()
    }

    /// Bucket `idx`'s link, if its segment is allocated (otherwise the bucket is empty).
    #[inline]
    fn link_mut(&mut self, idx: usize) -> Option<&mut Link<V>> {
        self.segs[idx >> SEG_BITS]
            .as_mut()
            .map(|s| &mut s[idx & SEG_MASK])
    }

    /// Segment `k`, allocated (zeroed, at most 128 KiB) if it was not.
    fn segment_mut(&mut self, k: usize) -> &mut Segment<V> {
        let seg_len = self.size.min(SEG_LEN);
        let allocated = &mut self.allocated;
        self.segs[k].get_or_insert_with(|| {
            *allocated += seg_len;
            std::iter::repeat_with(|| None).take(seg_len).collect()
        })
    }

    /// Frees segment `k`, which must hold no entries.
    fn release(&mut self, k: usize) {
        if let Some(seg) = self.segs[k].take() {
            debug_assert!(seg.iter().all(Option::is_none));
            self.allocated -= seg.len();
        }
    }

    fn find(&self, idx: usize, key: &[u8]) -> Option<&Node<V>> {
        let mut cur = self.bucket(idx);
        while let Some(node) = cur {
            if node.key.as_bytes() == key {
                return Some(node);
            }
            cur = node.next.as_deref();
        }
        None
    }

    fn find_mut(&mut self, idx: usize, key: &[u8]) -> Option<&mut Node<V>> {
        let mut cur = self.link_mut(idx)?.as_deref_mut();
        while let Some(node) = cur {
            if node.key.as_bytes() == key {
                return Some(node);
            }
            cur = node.next.as_deref_mut();
        }
        None
    }

    /// Unlinks the node holding `key` from bucket `idx`.
    fn unlink(&mut self, idx: usize, key: &[u8]) -> Option<Box<Node<V>>> {
        let mut cur = self.link_mut(idx)?;
        while cur.as_ref().is_some_and(|n| n.key.as_bytes() != key) {
            // The loop condition just saw `Some`.
            cur = &mut cur.as_mut().expect("checked Some").next;
        }
        let mut node = cur.take()?;
        *cur = node.next.take();
        self.used -= 1;
        Some(node)
    }

    fn push_front(&mut self, idx: usize, mut node: Box<Node<V>>) {
        let link = &mut self.segment_mut(idx >> SEG_BITS)[idx & SEG_MASK];
        node.next = link.take();
        *link = Some(node);
        self.used += 1;
    }

    /// The allocated segments, in index order.
    fn segments(&self) -> impl Iterator<Item = &Segment<V>> {
        self.segs.iter().flatten()
    }
}

impl<V> Drop for Table<V> {
    /// Drops chains node by node: the derived drop would recurse once per chained node.
    fn drop(&mut self) {
        if self.used == 0 {
            return;
        }
        for seg in self.segs.iter_mut().flatten() {
            for bucket in seg.iter_mut() {
                let mut link = bucket.take();
                while let Some(mut node) = link {
                    link = node.next.take();
                }
            }
        }
    }
}

/// Cumulative counts of incremental-rehash work a [`Dict`] has done, for observing that the
/// work per operation stays bounded (and for diagnostics such as `DEBUG HTSTATS`).
///
/// ```
/// use cedis_types::dict::Dict;
///
/// let mut d = Dict::new();
/// for i in 0..1000u32 {
///     let before = d.rehash_stats();
///     d.insert(i.to_be_bytes().into(), i);
///     assert!(d.rehash_stats().buckets_moved - before.buckets_moved <= 1);
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RehashStats {
    /// Non-empty buckets migrated from the old table to the new one.
    pub buckets_moved: u64,
    /// Entries migrated (the sum of the moved buckets' chain lengths).
    pub entries_moved: u64,
    /// Empty buckets (or never-written segments) of the old table skipped over.
    pub empty_visited: u64,
    /// Resizes started (growths and shrinks).
    pub resizes: u64,
}

/// A hash table from binary keys to `V`, built for many small keys: it grows and shrinks
/// incrementally (never rehashing everything at once) and supports SCAN's guarantee.
///
/// Writes (`insert`, `remove`, `get_mut`) each migrate one bucket of a resize in
/// progress; `get` takes `&self` and migrates nothing, so a read-only workload relies on
/// [`Dict::rehash_for`] from a periodic task to finish a resize.
///
/// ```
/// use cedis_types::dict::Dict;
///
/// let mut d: Dict<Vec<u8>> = Dict::new();
/// for i in 0..100u32 {
///     d.insert(format!("k{i}").into_bytes().into(), b"v".to_vec());
/// }
/// // SCAN: call with the returned cursor until it is 0.
/// let (mut cursor, mut seen) = (0, 0);
/// loop {
///     cursor = d.scan(cursor, |_k, _v| seen += 1);
///     if cursor == 0 {
///         break;
///     }
/// }
/// assert_eq!(seen, 100);
/// ```
pub struct Dict<V> {
    tables: [Table<V>; 2],
    /// Next bucket of `tables[0]` to migrate; meaningful only while `tables[1]` has buckets.
    rehash_idx: usize,
    len: usize,
    /// Bytes of keys too long to be stored inline.
    heap_key_bytes: usize,
    hasher: RandomState,
    stats: RehashStats,
    /// Bytes a growth may add (see [`Dict::set_grow_headroom`]); `None`: no limit.
    grow_headroom: Option<usize>,
}

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Dict {
            tables: [Table::empty(), Table::empty()],
            rehash_idx: 0,
            len: 0,
            heap_key_bytes: 0,
            hasher: RandomState::new(),
            stats: RehashStats::default(),
            grow_headroom: None,
        }
    }
}

/// Entries per bucket (×1000) past which a table grows even without headroom (Redis's
/// rule: a table over a memory limit may fill to about 1.618 before it must grow).
const FORCED_GROWTH_LOAD_MILLI: usize = 1618;

/// A summary (sizes, not entries): a keyspace's table can hold millions of entries.
impl<V> fmt::Debug for Dict<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dict")
            .field("len", &self.len)
            .field("buckets", &self.tables[0].size())
            .field(
                "rehashing_to",
                &self.is_rehashing().then(|| self.tables[1].size()),
            )
            .finish_non_exhaustive()
    }
}

impl<V> Dict<V> {
    /// An empty table; allocates nothing until the first insert (a server has 16 databases
    /// with two dicts each, mostly empty).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Buckets of the table (of both tables while rehashing), for INFO-style stats.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// assert_eq!(d.bucket_count(), 0);
    /// d.insert(b"a"[..].into(), ());
    /// assert_eq!(d.bucket_count(), 4);
    /// ```
    pub fn bucket_count(&self) -> usize {
        self.tables[0].size() + self.tables[1].size()
    }

    /// Whether a resize is in progress (two tables allocated).
    pub fn is_rehashing(&self) -> bool {
        self.tables[1].size() != 0
    }

    /// Cumulative incremental-rehash work done so far; see [`RehashStats`].
    pub fn rehash_stats(&self) -> RehashStats {
        self.stats
    }

    #[inline]
    fn hash(&self, key: &[u8]) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write(key);
        h.finish()
    }

    /// The node holding `key`: in the old table unless its bucket was already migrated,
    /// else in the new one.
    fn find(&self, key: &[u8]) -> Option<&Node<V>> {
        if self.len == 0 {
            return None;
        }
        let hash = self.hash(key);
        let [t0, t1] = &self.tables;
        let idx = t0.index(hash);
        // Buckets below `rehash_idx` were migrated and are empty.
        if !(self.is_rehashing() && idx < self.rehash_idx) {
            if let Some(node) = t0.find(idx, key) {
                return Some(node);
            }
        }
        if self.is_rehashing() {
            return t1.find(t1.index(hash), key);
        }
        None
    }

    /// [`Dict::find`] for writing, with the hash already computed.
    fn find_mut(&mut self, key: &[u8], hash: u64) -> Option<&mut Node<V>> {
        if self.len == 0 {
            return None;
        }
        let (rehashing, rehash_idx) = (self.is_rehashing(), self.rehash_idx);
        let [t0, t1] = &mut self.tables;
        let idx = t0.index(hash);
        if !(rehashing && idx < rehash_idx) {
            if let Some(node) = t0.find_mut(idx, key) {
                return Some(node);
            }
        }
        if rehashing {
            let idx = t1.index(hash);
            return t1.find_mut(idx, key);
        }
        None
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.find(key).map(|n| &n.value)
    }

    /// The stored key and value, e.g. to hand out the key's canonical bytes.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert(b"k"[..].into(), 1);
    /// assert_eq!(d.get_key_value(b"k"), Some((&b"k"[..], &1)));
    /// ```
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&[u8], &V)> {
        self.find(key).map(|n| (n.key.as_bytes(), &n.value))
    }

    /// Also migrates one bucket if a resize is in progress.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.step_if_rehashing();
        let hash = self.hash(key);
        self.find_mut(key, hash).map(|n| &mut n.value)
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Inserts or replaces; returns the previous value. On replacement the stored key is
    /// kept and `key` dropped. Keys of up to [`INLINE_KEY_LEN`] bytes are copied into the
    /// node and their box freed; [`Dict::insert_slice`] avoids that allocation when the
    /// caller has a slice.
    pub fn insert(&mut self, key: Box<[u8]>, value: V) -> Option<V> {
        match self.replace_existing(&key, value) {
            Ok(old) => Some(old),
            Err((value, hash)) => {
                self.insert_new(Key::from_box(key), value, hash);
                None
            }
        }
    }

    /// [`Dict::insert`] from a borrowed key: allocates only for keys longer than
    /// [`INLINE_KEY_LEN`] (what a command handler holding the request's bytes wants).
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// assert_eq!(d.insert_slice(b"counter", 1), None);
    /// assert_eq!(d.insert_slice(b"counter", 2), Some(1));
    /// ```
    pub fn insert_slice(&mut self, key: &[u8], value: V) -> Option<V> {
        match self.replace_existing(key, value) {
            Ok(old) => Some(old),
            Err((value, hash)) => {
                self.insert_new(Key::from_slice(key), value, hash);
                None
            }
        }
    }

    /// First half of an insert: one rehash step, then replaces the value if `key` exists
    /// (`Ok(old)`), else hands `value` back with the key's hash.
    fn replace_existing(&mut self, key: &[u8], value: V) -> Result<V, (V, u64)> {
        self.step_if_rehashing();
        let hash = self.hash(key);
        match self.find_mut(key, hash) {
            Some(node) => Ok(std::mem::replace(&mut node.value, value)),
            None => Err((value, hash)),
        }
    }

    /// Second half: links a new node, into the new table if a resize is in progress.
    fn insert_new(&mut self, key: Key, value: V, hash: u64) {
        self.grow_if_needed();
        self.heap_key_bytes += key.heap_bytes();
        let node = Box::new(Node {
            key,
            value,
            next: None,
        });
        let t = usize::from(self.is_rehashing());
        let idx = self.tables[t].index(hash);
        self.tables[t].push_front(idx, node);
        self.len += 1;
    }

    /// Removes a key; returns its stored key and value. (A key stored inline is boxed for
    /// the return; [`Dict::remove_value`] skips that.)
    pub fn remove(&mut self, key: &[u8]) -> Option<(Box<[u8]>, V)> {
        self.remove_node(key).map(|n| {
            let Node { key, value, .. } = *n;
            (key.into_box(), value)
        })
    }

    /// Removes a key and returns only its value, without boxing the stored key.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert_slice(b"k", 7);
    /// assert_eq!(d.remove_value(b"k"), Some(7));
    /// assert_eq!(d.remove_value(b"k"), None);
    /// ```
    pub fn remove_value(&mut self, key: &[u8]) -> Option<V> {
        self.remove_node(key).map(|n| n.value)
    }

    fn remove_node(&mut self, key: &[u8]) -> Option<Box<Node<V>>> {
        self.step_if_rehashing();
        if self.len == 0 {
            return None;
        }
        let hash = self.hash(key);
        let (rehashing, rehash_idx) = (self.is_rehashing(), self.rehash_idx);
        let [t0, t1] = &mut self.tables;
        let idx = t0.index(hash);
        let node = if rehashing && idx < rehash_idx {
            None
        } else {
            t0.unlink(idx, key)
        };
        let node = match node {
            Some(node) => node,
            None if rehashing => {
                let idx = t1.index(hash);
                t1.unlink(idx, key)?
            }
            None => return None,
        };
        self.len -= 1;
        self.heap_key_bytes -= node.key.heap_bytes();
        self.shrink_if_needed();
        Some(node)
    }

    /// Pre-sizes the table for `additional` more entries (RDB loading knows the key count):
    /// an empty table is allocated at once, a populated one starts an incremental resize.
    /// Does nothing while a resize is in progress.
    ///
    /// ```
    /// let mut d: cedis_types::dict::Dict<()> = cedis_types::dict::Dict::new();
    /// d.reserve(1000);
    /// assert_eq!(d.bucket_count(), 1024);
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        if self.is_rehashing() {
            return;
        }
        let want = self.len.saturating_add(additional);
        if want > self.tables[0].size() {
            self.resize_to(want);
        }
    }

    /// Keeps the load factor between 1/8 and 1 once no resize is in progress.
    fn resize_if_needed(&mut self) {
        let size = self.tables[0].size();
        if (self.len > size && self.may_grow()) || (size > MIN_BUCKETS && self.len < size / 8) {
            self.resize_to(self.len);
        }
    }

    fn grow_if_needed(&mut self) {
        if !self.is_rehashing() && self.len + 1 > self.tables[0].size() && self.may_grow() {
            self.resize_to(self.len + 1);
        }
    }

    /// Limits growth to tables whose new bucket array fits in `headroom` bytes, unless
    /// the load has passed ~1.618 (`maxmemory`: doubling a large table must not push the
    /// server over its limit and evict keys for the table's sake, as in Redis). `None`
    /// lifts the limit.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.set_grow_headroom(Some(0));
    /// for i in 0..6u8 {
    ///     d.insert_slice(&[i], ());
    /// }
    /// assert_eq!(d.bucket_count(), 4); // 6 entries in 4 buckets: below the forced load
    /// d.insert_slice(&[6], ()); // past the forced load: grows
    /// assert!(d.bucket_count() > 4);
    /// ```
    pub fn set_grow_headroom(&mut self, headroom: Option<usize>) {
        self.grow_headroom = headroom;
    }

    fn may_grow(&self) -> bool {
        let Some(headroom) = self.grow_headroom else {
            return true;
        };
        let size = self.tables[0].size();
        size == 0
            || (self.len + 1) * 1000 > size * FORCED_GROWTH_LOAD_MILLI
            || size * 2 * std::mem::size_of::<Link<V>>() <= headroom
    }

    fn shrink_if_needed(&mut self) {
        let size = self.tables[0].size();
        if !self.is_rehashing() && size > MIN_BUCKETS && self.len < size / 8 {
            self.resize_to(self.len);
        }
    }

    /// Starts moving to a table of the smallest power of two holding `entries` at load 1
    /// (replaces the current table directly when it is empty and small enough to free at
    /// once; a large empty one is released segment by segment like any rehash).
    fn resize_to(&mut self, entries: usize) {
        let size = entries
            .max(MIN_BUCKETS)
            .checked_next_power_of_two()
            .expect("dict size overflow");
        if size == self.tables[0].size() {
            return;
        }
        self.stats.resizes += 1;
        if self.tables[0].used == 0 && self.tables[0].size() <= SEG_LEN {
            self.tables[0] = Table::with_buckets(size);
        } else {
            self.tables[1] = Table::with_buckets(size);
            self.rehash_idx = 0;
        }
    }

    #[inline]
    fn step_if_rehashing(&mut self) {
        if self.is_rehashing() {
            self.rehash_step(1);
        }
    }

    /// Migrates up to `n` non-empty buckets of a resize in progress, skipping at most
    /// `10 * n` empty ones, so a call's work is bounded whatever the table's fill; the old
    /// table's memory is freed segment by segment as the migration passes it. Returns
    /// whether the resize is still in progress. Every write calls this with `n = 1`; a
    /// background task may call it (or [`Dict::rehash_for`]) to finish a resize sooner.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// for i in 0..5u8 {
    ///     d.insert_slice(&[i], ());
    /// }
    /// assert!(d.is_rehashing()); // 5 keys outgrew 4 buckets
    /// while d.rehash_step(100) {}
    /// assert_eq!(d.bucket_count(), 8);
    /// ```
    pub fn rehash_step(&mut self, n: usize) -> bool {
        if !self.is_rehashing() {
            return false;
        }
        let mut empty_budget = n.saturating_mul(EMPTY_VISITS_PER_BUCKET);
        let mut moves = n;
        let [old, new] = &mut self.tables;
        // Invariants: every bucket of `old` below `rehash_idx` is empty, and every segment
        // entirely below it has been released.
        while moves > 0 && old.allocated > 0 {
            let k = self.rehash_idx >> SEG_BITS;
            if old.used == 0 {
                // Nothing left to move: release the remaining (empty) segments, one per
                // unit of work, rather than all at once.
                let next = old.segs[k..]
                    .iter()
                    .position(Option::is_some)
                    .expect("allocated > 0, and segments below rehash_idx are released");
                old.release(k + next);
                self.rehash_idx = ((k + next + 1) << SEG_BITS).min(old.size());
                moves -= 1;
                continue;
            }
            let moved = match old.segs[k].as_mut() {
                // Never written: all its buckets are empty.
                None => {
                    self.rehash_idx = (k + 1) << SEG_BITS;
                    false
                }
                Some(seg) => {
                    let mut link = seg[self.rehash_idx & SEG_MASK].take();
                    self.rehash_idx += 1;
                    let moved = link.is_some();
                    while let Some(mut node) = link {
                        link = node.next.take();
                        old.used -= 1;
                        let mut h = self.hasher.build_hasher();
                        h.write(node.key.as_bytes());
                        let idx = new.index(h.finish());
                        new.push_front(idx, node);
                        self.stats.entries_moved += 1;
                    }
                    moved
                }
            };
            if self.rehash_idx & SEG_MASK == 0 || self.rehash_idx == old.size() {
                // Left segment `k` behind: it is drained.
                old.release(k);
            }
            if moved {
                self.stats.buckets_moved += 1;
                moves -= 1;
            } else {
                self.stats.empty_visited += 1;
                empty_budget -= 1;
                if empty_budget == 0 {
                    return true;
                }
            }
        }
        if old.allocated == 0 {
            debug_assert_eq!(old.used, 0);
            self.tables[0] = std::mem::replace(&mut self.tables[1], Table::empty());
            self.rehash_idx = 0;
            // Writes during the rehash may have left the new table outgrown or too sparse:
            // start the next resize now rather than at the next write.
            self.resize_if_needed();
            return self.is_rehashing();
        }
        true
    }

    /// Rehashes in steps of 100 buckets until `budget` has elapsed or the resize is done
    /// (Redis's `dictRehashMilliseconds`, for the server cron); returns buckets migrated.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut d = cedis_types::dict::Dict::new();
    /// for i in 0..1000u32 {
    ///     d.insert_slice(&i.to_le_bytes(), i);
    /// }
    /// while d.is_rehashing() {
    ///     d.rehash_for(Duration::from_millis(1));
    /// }
    /// assert_eq!(d.bucket_count(), 1024);
    /// ```
    pub fn rehash_for(&mut self, budget: Duration) -> u64 {
        let start = Instant::now();
        let before = self.stats.buckets_moved;
        while self.rehash_step(100) {
            if start.elapsed() >= budget {
                break;
            }
        }
        self.stats.buckets_moved - before
    }

    /// Visits the entries of the bucket(s) `cursor` designates and returns the next cursor
    /// (0 when the iteration is complete). Every key present for a whole iteration is
    /// visited at least once, even if the table is resized between calls; keys may be
    /// visited more than once.
    ///
    /// Why it works: a cursor is a bucket index counted in reversed-bit order, so the
    /// buckets already visited are those whose low bits, read backwards, are below the
    /// cursor's. In a power-of-two table a key's bucket is the low bits of its hash; when
    /// the table doubles, bucket `b` splits into `b` and `b + size`, and when it halves,
    /// `b` and `b + size/2` merge, in both cases into buckets that share the visited
    /// prefix, so nothing visited moves to an unvisited-looking place. While rehashing,
    /// a key may be in either table: the cursor's bucket in the smaller table and every
    /// bucket of the larger table that expands from it are visited together.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert_slice(b"a", 1);
    /// let mut keys = Vec::new();
    /// let mut cursor = 0;
    /// loop {
    ///     cursor = d.scan(cursor, |k, _| keys.push(k.to_vec()));
    ///     if cursor == 0 {
    ///         break;
    ///     }
    /// }
    /// assert_eq!(keys, [b"a".to_vec()]);
    /// ```
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &V)) -> u64 {
        fn visit_chain<V>(mut link: Option<&Node<V>>, visit: &mut impl FnMut(&[u8], &V)) {
            while let Some(node) = link {
                visit(node.key.as_bytes(), &node.value);
                link = node.next.as_deref();
            }
        }
        let mut v = cursor;
        if !self.is_rehashing() {
            let t = &self.tables[0];
            if t.size() == 0 {
                return 0;
            }
            let m = t.mask();
            visit_chain(t.bucket((v & m) as usize), &mut visit);
            return next_cursor(v, m);
        }
        let (small, large) = if self.tables[0].size() <= self.tables[1].size() {
            (&self.tables[0], &self.tables[1])
        } else {
            (&self.tables[1], &self.tables[0])
        };
        let (m0, m1) = (small.mask(), large.mask());
        visit_chain(small.bucket((v & m0) as usize), &mut visit);
        // The larger table's buckets whose low bits equal the cursor's under the small
        // mask: step through the bits between the two masks.
        loop {
            visit_chain(large.bucket((v & m1) as usize), &mut visit);
            v = next_cursor(v, m1);
            if v & (m0 ^ m1) == 0 {
                break;
            }
        }
        v
    }

    /// [`Dict::scan`] with mutable access to the values: the same cursor, the same
    /// guarantee (a key present for the whole iteration is visited at least once, maybe
    /// twice). Like `scan` it migrates no bucket, so a cursor stays valid across calls
    /// whatever writes do in between. The background snapshot uses it to mark each entry
    /// as it copies it, which makes a second visit of the same entry harmless.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert_slice(b"a", 1);
    /// let mut cursor = 0;
    /// loop {
    ///     cursor = d.scan_mut(cursor, |_, v| *v += 1);
    ///     if cursor == 0 {
    ///         break;
    ///     }
    /// }
    /// assert_eq!(d.get(b"a"), Some(&2));
    /// ```
    pub fn scan_mut(&mut self, cursor: u64, mut visit: impl FnMut(&[u8], &mut V)) -> u64 {
        fn visit_chain<V>(mut link: Option<&mut Node<V>>, visit: &mut impl FnMut(&[u8], &mut V)) {
            while let Some(node) = link {
                visit(node.key.as_bytes(), &mut node.value);
                link = node.next.as_deref_mut();
            }
        }

        let mut v = cursor;
        if !self.is_rehashing() {
            let t = &mut self.tables[0];
            if t.size() == 0 {
                return 0;
            }
            let m = t.mask();
            visit_chain(t.bucket_mut((v & m) as usize), &mut visit);
            return next_cursor(v, m);
        }
        let [t0, t1] = &mut self.tables;
        let (small, large) = if t0.size() <= t1.size() {
            (t0, t1)
        } else {
            (t1, t0)
        };
        let (m0, m1) = (small.mask(), large.mask());
        visit_chain(small.bucket_mut((v & m0) as usize), &mut visit);
        loop {
            visit_chain(large.bucket_mut((v & m1) as usize), &mut visit);
            v = next_cursor(v, m1);
            if v & (m0 ^ m1) == 0 {
                break;
            }
        }
        v
    }

    /// Turns the dict into a [`Drain`] that hands out its entries one at a time, freeing
    /// the table as it goes. A whole table can so be moved aside in O(1) (FLUSHDB while a
    /// snapshot still needs the old content) and taken apart in bounded steps later.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert_slice(b"a", 1);
    /// d.insert_slice(b"b", 2);
    /// let mut all: Vec<_> = d.into_drain().collect();
    /// all.sort();
    /// assert_eq!(all, [(b"a"[..].into(), 1), (b"b"[..].into(), 2)]);
    /// ```
    pub fn into_drain(self) -> Drain<V> {
        let Dict {
            tables,
            len,
            heap_key_bytes,
            ..
        } = self;
        Drain {
            tables,
            table: 0,
            idx: 0,
            chain: None,
            len,
            heap_key_bytes,
        }
    }

    /// A random entry (uniform enough for RANDOMKEY and eviction sampling): a random
    /// non-empty bucket, then a random node of its chain. Entries in long chains are
    /// slightly less likely than others, as in Redis.
    ///
    /// Probing random buckets costs ~1/fill tries, at most ~8.5 on average at the lowest
    /// load the table keeps (1/8); after 64 misses it walks forward from the last probe so
    /// that even a pathological table answers.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert_slice(b"only", 1);
    /// let mut rng = rand::thread_rng();
    /// assert_eq!(d.random_entry(&mut rng), Some((&b"only"[..], &1)));
    /// ```
    pub fn random_entry(&self, rng: &mut impl rand::Rng) -> Option<(&[u8], &V)> {
        if self.len == 0 {
            return None;
        }
        // Candidate positions: the old table from `rehash_idx` on (below it is empty),
        // then the new table.
        let (start, size0) = if self.is_rehashing() {
            (self.rehash_idx, self.tables[0].size())
        } else {
            (0, self.tables[0].size())
        };
        let span = size0 + self.tables[1].size() - start;
        let bucket = |pos: usize| {
            let pos = start + pos;
            if pos < size0 {
                self.tables[0].bucket(pos)
            } else {
                self.tables[1].bucket(pos - size0)
            }
        };
        let mut pos = 0;
        let mut head = None;
        for _ in 0..RANDOM_PROBES {
            pos = rng.gen_range(0..span);
            head = bucket(pos);
            if head.is_some() {
                break;
            }
        }
        while head.is_none() {
            // `len > 0`, so some bucket in the span is non-empty.
            pos = (pos + 1) % span;
            head = bucket(pos);
        }
        let head = head.expect("loop ends on Some");
        let mut chain_len = 0;
        let mut cur = Some(head);
        while let Some(n) = cur {
            chain_len += 1;
            cur = n.next.as_deref();
        }
        let mut node = head;
        for _ in 0..rng.gen_range(0..chain_len) {
            node = node.next.as_deref().expect("within chain length");
        }
        Some((node.key.as_bytes(), &node.value))
    }

    /// Visits up to `count` entries found in consecutive buckets from a random one (as
    /// Redis's `dictGetSomeKeys`), for eviction sampling: much cheaper than `count`
    /// [`Dict::random_entry`] calls (one random jump, then sequential memory), slightly
    /// less uniform. Reads at most `count × 10` buckets (at least `count` entries when the
    /// table holds that many and the reads allow). Returns the entries visited.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// for i in 0..100u8 {
    ///     d.insert_slice(&[i], i);
    /// }
    /// let mut rng = rand::thread_rng();
    /// let mut seen = Vec::new();
    /// assert_eq!(d.sample(5, &mut rng, |k, _| seen.push(k[0])), 5);
    /// seen.sort_unstable();
    /// seen.dedup();
    /// assert_eq!(seen.len(), 5);
    /// ```
    pub fn sample(
        &self,
        count: usize,
        rng: &mut impl rand::Rng,
        mut visit: impl FnMut(&[u8], &V),
    ) -> usize {
        if self.len == 0 || count == 0 {
            return 0;
        }
        let (start, size0) = if self.is_rehashing() {
            (self.rehash_idx, self.tables[0].size())
        } else {
            (0, self.tables[0].size())
        };
        let span = size0 + self.tables[1].size() - start;
        let mut pos = rng.gen_range(0..span);
        let mut visited = 0;
        for _ in 0..count.saturating_mul(10).min(span) {
            let at = start + pos;
            let head = if at < size0 {
                self.tables[0].bucket(at)
            } else {
                self.tables[1].bucket(at - size0)
            };
            let mut node = head;
            while let Some(n) = node {
                visit(n.key.as_bytes(), &n.value);
                visited += 1;
                if visited == count {
                    return visited;
                }
                node = n.next.as_deref();
            }
            pos = (pos + 1) % span;
        }
        visited
    }

    /// All entries, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.tables
            .iter()
            .flat_map(Table::segments)
            .flat_map(|s| s.iter())
            .flat_map(|b| Chain(b.as_deref()))
    }

    /// Removes everything and frees the bucket arrays. O(len) (chains are dropped node by
    /// node, never recursively); to empty a huge dict without a pause, `std::mem::take` it
    /// and drop the taken dict on another thread, as Redis's `FLUSHALL ASYNC` does.
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// d.insert_slice(b"k", 1);
    /// d.clear();
    /// assert!(d.is_empty() && d.bucket_count() == 0);
    /// ```
    pub fn clear(&mut self) {
        self.tables = [Table::empty(), Table::empty()];
        self.rehash_idx = 0;
        self.len = 0;
        self.heap_key_bytes = 0;
    }

    /// Bytes used by the table itself (buckets and entry nodes, not what values own):
    /// the allocated bucket segments, one node per entry, and the bytes of keys too long to
    /// be inline. Nominal sizes, without the allocator's per-allocation overhead; O(1).
    ///
    /// ```
    /// let mut d = cedis_types::dict::Dict::new();
    /// assert_eq!(d.overhead_bytes(), 0);
    /// d.insert_slice(b"k", 0u64);
    /// assert!(d.overhead_bytes() > 0);
    /// ```
    pub fn overhead_bytes(&self) -> usize {
        (self.tables[0].allocated + self.tables[1].allocated) * std::mem::size_of::<Link<V>>()
            + self.len * allocator_chunk(std::mem::size_of::<Node<V>>())
            + self.heap_key_bytes
    }
}

/// The memory an allocation of `size` bytes really takes from glibc's malloc: an 8-byte
/// header, rounded up to 16 bytes, at least 32. Counting nodes this way keeps `used_memory`
/// close to the resident size (a 72-byte node occupies an 80-byte chunk).
///
/// ```
/// assert_eq!(cedis_types::dict::allocator_chunk(56), 64);
/// assert_eq!(cedis_types::dict::allocator_chunk(72), 80);
/// assert_eq!(cedis_types::dict::allocator_chunk(1), 32);
/// ```
pub const fn allocator_chunk(size: usize) -> usize {
    let chunk = (size + 8 + 15) & !15;
    if chunk < 32 {
        32
    } else {
        chunk
    }
}

/// Adds one to the bits of `v` above `mask`, counting in reversed bit order (SCAN's
/// cursor).
fn next_cursor(v: u64, mask: u64) -> u64 {
    (((v | !mask).reverse_bits()).wrapping_add(1)).reverse_bits()
}

/// A dict being taken apart: yields every entry once, in table order, and frees each
/// bucket segment as soon as it has passed it, so neither taking the entries nor
/// dropping what is left ever frees the whole bucket array at once (see `SEG_BITS`).
/// Made by [`Dict::into_drain`].
pub struct Drain<V> {
    tables: [Table<V>; 2],
    /// The table being walked (2 once both are done).
    table: usize,
    /// Next bucket of `tables[table]`.
    idx: usize,
    /// The rest of the chain taken from the last bucket.
    chain: Link<V>,
    /// Entries not yet handed out.
    len: usize,
    heap_key_bytes: usize,
}

impl<V> Drain<V> {
    /// Entries not yet handed out.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether every entry was handed out (segments may still be left to free).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether everything, bucket arrays included, has been freed.
    pub fn is_finished(&self) -> bool {
        self.table >= 2
    }

    /// What [`Dict::overhead_bytes`] would say of the entries and segments left.
    pub fn overhead_bytes(&self) -> usize {
        (self.tables[0].allocated + self.tables[1].allocated) * std::mem::size_of::<Link<V>>()
            + self.len * allocator_chunk(std::mem::size_of::<Node<V>>())
            + self.heap_key_bytes
    }

    /// The next entry, visiting at most `budget` buckets (each visited bucket, empty or
    /// not, takes one from it). `None` when the budget ran out or the drain is finished:
    /// [`Drain::is_finished`] tells which. Bounds the work of one call on a sparse table.
    pub fn next_within(&mut self, budget: &mut usize) -> Option<(Box<[u8]>, V)> {
        loop {
            if let Some(mut node) = self.chain.take() {
                self.chain = node.next.take();
                self.len -= 1;
                self.heap_key_bytes -= node.key.heap_bytes();
                let Node { key, value, .. } = *node;
                return Some((key.into_box(), value));
            }
            if self.table >= 2 || *budget == 0 {
                return None;
            }
            *budget -= 1;
            let t = &mut self.tables[self.table];
            if self.idx >= t.size() {
                self.table += 1;
                self.idx = 0;
                continue;
            }
            let k = self.idx >> SEG_BITS;
            match t.segs[k].as_mut() {
                // Never written (or already freed): nothing in its buckets.
                None => self.idx = (k + 1) << SEG_BITS,
                Some(seg) => {
                    self.chain = seg[self.idx & SEG_MASK].take();
                    self.idx += 1;
                }
            }
            if self.idx & SEG_MASK == 0 || self.idx >= t.size() {
                // Every bucket of segment `k` is now empty.
                t.release(k);
            }
            if self.chain.is_some() {
                // The bucket's chain is out of the table; `used` counts what is left in it.
                let mut n = 0;
                let mut cur = self.chain.as_deref();
                while let Some(node) = cur {
                    n += 1;
                    cur = node.next.as_deref();
                }
                t.used -= n;
            }
        }
    }
}

impl<V> Iterator for Drain<V> {
    type Item = (Box<[u8]>, V);

    fn next(&mut self) -> Option<Self::Item> {
        let mut budget = usize::MAX;
        self.next_within(&mut budget)
    }
}

impl<V> Drop for Drain<V> {
    /// Frees the taken chain node by node (the tables free themselves the same way).
    fn drop(&mut self) {
        let mut link = self.chain.take();
        while let Some(mut node) = link {
            link = node.next.take();
        }
    }
}

impl<V> fmt::Debug for Drain<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drain")
            .field("len", &self.len)
            .field("table", &self.table)
            .field("idx", &self.idx)
            .finish_non_exhaustive()
    }
}

/// Walks one chain.
struct Chain<'a, V>(Option<&'a Node<V>>);

impl<'a, V> Iterator for Chain<'a, V> {
    type Item = (&'a [u8], &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        let node = self.0?;
        self.0 = node.next.as_deref();
        Some((node.key.as_bytes(), &node.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> Box<[u8]> {
        format!("key:{i:012}").into_bytes().into()
    }

    #[test]
    fn node_is_56_bytes_with_a_16_byte_value() {
        assert_eq!(std::mem::size_of::<Key>(), 32);
        assert_eq!(std::mem::size_of::<Node<Box<[u8]>>>(), 56);
        assert_eq!(std::mem::size_of::<Link<()>>(), 8);
    }

    #[test]
    fn inline_and_heap_keys_round_trip() {
        let mut d = Dict::new();
        let short = vec![7u8; INLINE_KEY_LEN];
        let long = vec![9u8; INLINE_KEY_LEN + 1];
        let empty: &[u8] = b"";
        d.insert(short.clone().into(), 1);
        d.insert(long.clone().into(), 2);
        d.insert(empty.into(), 3);
        assert_eq!(d.get(&short), Some(&1));
        assert_eq!(d.get(&long), Some(&2));
        assert_eq!(d.get(empty), Some(&3));
        assert_eq!(d.get(&short[..5]), None);
        let node = allocator_chunk(std::mem::size_of::<Node<i32>>());
        assert_eq!(d.overhead_bytes(), 4 * 8 + 3 * node + long.len());
        assert_eq!(d.remove(&long), Some((long.clone().into(), 2)));
        assert_eq!(d.remove(&short), Some((short.clone().into(), 1)));
        assert_eq!(d.overhead_bytes(), 4 * 8 + node);
    }

    #[test]
    fn insert_replaces_and_keeps_len() {
        let mut d = Dict::new();
        assert_eq!(d.insert(key(1), "a"), None);
        assert_eq!(d.insert(key(1), "b"), Some("a"));
        assert_eq!(d.len(), 1);
        *d.get_mut(&key(1)).unwrap() = "c";
        assert_eq!(d.get(&key(1)), Some(&"c"));
        assert!(d.contains_key(&key(1)));
        assert!(!d.contains_key(&key(2)));
    }

    #[test]
    fn grows_incrementally_and_finds_keys_in_both_tables() {
        let mut d = Dict::new();
        for i in 0..4 {
            d.insert(key(i), i);
        }
        assert_eq!(d.bucket_count(), 4);
        assert!(!d.is_rehashing());
        d.insert(key(4), 4);
        assert!(d.is_rehashing());
        assert_eq!(d.tables[1].size(), 8);
        for i in 0..5 {
            assert_eq!(d.get(&key(i)), Some(&i));
        }
        assert_eq!(d.iter().count(), 5);
        while d.rehash_step(1) {}
        assert_eq!(d.bucket_count(), 8);
        for i in 0..5 {
            assert_eq!(d.get(&key(i)), Some(&i));
        }
    }

    #[test]
    fn shrinks_when_sparse_down_to_the_minimum() {
        let mut d = Dict::new();
        for i in 0..1000 {
            d.insert(key(i), i);
        }
        while d.rehash_step(100) {}
        assert_eq!(d.bucket_count(), 1024);
        for i in 0..1000 {
            assert_eq!(d.remove(&key(i)).map(|(_, v)| v), Some(i));
        }
        while d.rehash_step(100) {}
        assert!(d.is_empty());
        assert_eq!(d.bucket_count(), MIN_BUCKETS);
        d.clear();
        assert_eq!(d.bucket_count(), 0);
        assert_eq!(d.overhead_bytes(), 0);
    }

    #[test]
    fn segments_are_allocated_lazily_and_released_as_the_rehash_passes() {
        let mut d = Dict::new();
        let mut n = 0;
        while d.bucket_count() < 4 * SEG_LEN || d.is_rehashing() {
            d.insert(key(n), n);
            n += 1;
        }
        assert_eq!(d.tables[0].allocated, 4 * SEG_LEN);
        // Grow to 8 segments: the new table starts with only what was written.
        while !d.is_rehashing() {
            d.insert(key(n), n);
            n += 1;
        }
        assert_eq!(d.tables[1].size(), 8 * SEG_LEN);
        assert!(
            d.tables[1].allocated <= 2 * SEG_LEN,
            "{}",
            d.tables[1].allocated
        );
        let mut old_allocated = d.tables[0].allocated;
        while d.is_rehashing() {
            if !d.rehash_step(1) {
                break;
            }
            let now = d.tables[0].allocated;
            assert!(now == old_allocated || now + SEG_LEN == old_allocated);
            assert!(d.tables[0].segs[..d.rehash_idx >> SEG_BITS]
                .iter()
                .all(Option::is_none));
            old_allocated = now;
        }
        for i in 0..n {
            assert_eq!(d.get(&key(i)), Some(&i));
        }
        // Shrink, then delete the old table's keys from its far end, faster than the
        // migration sweep reaches them: the old table is then empty but mostly still
        // allocated, and is released one segment per step, not all at once.
        let mut i = 0;
        while !d.is_rehashing() {
            d.remove(&key(i));
            i += 1;
        }
        let old_size = d.tables[0].size();
        let mut far = Vec::new();
        for idx in (d.rehash_idx..old_size).rev() {
            let mut cur = d.tables[0].bucket(idx);
            while let Some(node) = cur {
                far.push(node.key.as_bytes().to_vec());
                cur = node.next.as_deref();
            }
        }
        for k in &far {
            if d.tables[0].used == 0 {
                break;
            }
            assert!(d.remove(k).is_some());
        }
        assert!(d.is_rehashing());
        assert_eq!(d.tables[0].used, 0);
        assert!(d.tables[0].allocated > SEG_LEN, "{}", d.tables[0].allocated);
        let mut steps = 0;
        while d.tables[0].size() == old_size {
            let before = d.tables[0].allocated;
            d.rehash_step(1);
            if d.tables[0].size() == old_size {
                assert!(before - d.tables[0].allocated <= SEG_LEN);
            }
            steps += 1;
        }
        assert!(steps > 1);
        while i < n {
            d.remove(&key(i));
            i += 1;
        }
        while d.rehash_step(1) {}
        assert!(d.is_empty());
        assert_eq!(d.bucket_count(), MIN_BUCKETS);
        assert_eq!(d.overhead_bytes(), MIN_BUCKETS * 8);
    }

    #[test]
    fn reserve_then_shrink_skips_unwritten_segments() {
        let mut d = Dict::new();
        d.reserve(1 << 20);
        assert_eq!(d.bucket_count(), 1 << 20);
        for i in 0..10 {
            d.insert(key(i), i);
        }
        let allocated = d.tables[0].allocated;
        assert!(allocated <= 10 * SEG_LEN);
        d.remove(&key(0));
        assert!(d.is_rehashing());
        let mut steps = 0;
        while d.rehash_step(1) {
            steps += 1;
        }
        // Ten empty buckets per step in written segments, one step per unwritten one.
        let segments = (1 << 20) / SEG_LEN;
        assert!(steps <= allocated / 10 + segments + 10, "{steps} steps");
        assert_eq!(d.bucket_count(), MIN_BUCKETS * 4);
        for i in 1..10 {
            assert_eq!(d.get(&key(i)), Some(&i));
        }
    }

    #[test]
    fn long_chain_drops_without_recursion() {
        // All keys in one bucket is impossible to force through SipHash, so build a chain
        // directly.
        let mut t: Table<u32> = Table::with_buckets(1);
        for i in 0..1_000_000u32 {
            t.push_front(
                0,
                Box::new(Node {
                    key: Key::from_slice(&i.to_le_bytes()),
                    value: i,
                    next: None,
                }),
            );
        }
        drop(t);
    }

    #[test]
    fn random_entry_on_a_sparse_rehashing_table() {
        let mut d = Dict::new();
        for i in 0..4096 {
            d.insert(key(i), i);
        }
        while d.rehash_step(100) {}
        for i in 1..4096 {
            d.remove(&key(i));
        }
        let mut rng = rand::thread_rng();
        for _ in 0..100 {
            assert_eq!(d.random_entry(&mut rng), Some((&key(0)[..], &0)));
        }
        d.remove(&key(0));
        assert_eq!(d.random_entry(&mut rng), None);
    }

    #[test]
    fn drain_yields_everything_once_and_frees_segments_as_it_goes() {
        let mut d = Dict::new();
        let mut n = 0;
        // Stop mid-resize, so both tables hold entries.
        while d.bucket_count() < 4 * SEG_LEN || !d.is_rehashing() {
            d.insert(key(n), n);
            n += 1;
        }
        d.rehash_step(1000);
        assert!(d.is_rehashing());
        let mut drain = d.into_drain();
        let mut seen = vec![false; n];
        let mut last_allocated = drain.tables[0].allocated + drain.tables[1].allocated;
        let mut budget = 0;
        // A zero budget visits nothing.
        assert!(drain.next_within(&mut budget).is_none() && !drain.is_finished());
        while let Some((k, v)) = drain.next() {
            assert_eq!(k, key(v));
            assert!(!std::mem::replace(&mut seen[v], true));
            let allocated = drain.tables[0].allocated + drain.tables[1].allocated;
            assert!(last_allocated - allocated <= SEG_LEN);
            last_allocated = allocated;
        }
        assert!(seen.iter().all(|&s| s));
        assert!(drain.is_finished() && drain.is_empty());
        assert_eq!(drain.overhead_bytes(), 0);
    }

    #[test]
    fn scan_mut_visits_every_key_across_a_resize() {
        let mut d = Dict::new();
        for i in 0..1000 {
            d.insert(key(i), 0u32);
        }
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            cursor = d.scan_mut(cursor, |_, v| *v += 1);
            calls += 1;
            if calls % 10 == 0 {
                // Grow in between calls.
                for i in 0..50 {
                    d.insert(key(10_000 + calls * 100 + i), 1);
                }
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(d.get(&key(i)).is_some_and(|&v| v >= 1));
        }
    }

    #[test]
    fn scan_cursor_counts_in_reversed_bits() {
        let mut d = Dict::new();
        for i in 0..8 {
            d.insert(key(i), ());
        }
        while d.rehash_step(100) {}
        assert_eq!(d.bucket_count(), 8);
        let mut cursors = vec![0];
        loop {
            let c = d.scan(*cursors.last().unwrap(), |_, _| {});
            if c == 0 {
                break;
            }
            cursors.push(c);
        }
        assert_eq!(cursors, [0, 4, 2, 6, 1, 5, 3, 7]);
    }
}
