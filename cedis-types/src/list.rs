//! Redis lists: a double-ended sequence of byte strings.
//!
//! # Design
//!
//! Like Redis's quicklist of listpacks: a [`VecDeque`] of *chunks*, each one heap buffer
//! holding up to [`CHUNK_CAP`] (about 8 KiB, Redis's `list-max-listpack-size -2`) bytes of
//! entries packed back to back. An entry is the element's length as a varint (7 bits a
//! byte, low group first), the element's bytes, then the same varint mirrored so it can be
//! read backwards from the entry's end (a listpack's back-length): 2 bytes of overhead for
//! an element under 128 bytes, 4 under 16 KiB. An element bigger than the cap gets a chunk
//! of its own.
//!
//! A chunk's entries occupy `buf[start..]`. Pushing at the tail appends to the last chunk
//! (its buffer grows by a quarter at a time up to the cap, or is allocated at the cap at
//! once when the list already has a chunk, so a long list is made of full 8 KiB buffers,
//! about 17 resident bytes per 15-byte element like Redis); pushing at the
//! head writes just before `start` of the first chunk, whose new buffers are filled from
//! their end. Popping advances `start` or truncates, and drops a chunk once empty. So both
//! ends are amortised O(1) with no allocation per element and no memmove of a chunk.
//!
//! Indexed access, `set`, `insert` and `remove` walk the chunk counts from the nearer end
//! and then the entries inside one chunk from its nearer end: O(N / chunk + chunk), as in
//! Redis. Changes in the middle splice the chunk's bytes; a chunk that grows past the cap
//! is split, an emptied one dropped, and neighbours that together fill at most half a cap
//! are merged.
//!
//! **Per-element cost:** the element's bytes plus 2 (4 past 127 bytes), plus a share of
//! the chunk's unused tail (under one entry for full chunks) and of the chunk's 40-byte
//! slot in the deque (about 0.1 byte an element for short elements).
//!
//! [`mem_usage`](List::mem_usage) is O(1): the sum of the chunk buffers' capacities is kept
//! up to date by every change, and the ring's capacity is read from the deque.
//!
//! Redis 7.0 always reports `quicklist` from `OBJECT ENCODING` for a list (listpack-encoded
//! lists arrived in 7.2), whatever its size, and so does [`List::encoding`].
//!
//! ```
//! use cedis_types::List;
//! let mut l = List::new();
//! l.push_back(b"b");
//! l.push_front(b"a");
//! assert_eq!(l.len(), 2);
//! assert_eq!(l.get(1), Some(&b"b"[..]));
//! assert_eq!(l.pop_front().as_deref(), Some(&b"a"[..]));
//! assert_eq!(l.encoding(), "quicklist");
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::mem::size_of;

/// Bytes of entries one chunk holds at most (unless a single entry is bigger). 8 bytes
/// under 8 KiB so that a full buffer with glibc's 8-byte header is exactly an 8 KiB
/// malloc chunk: with 8 KiB buffers (8,208-byte chunks) the server's freed 8 KiB
/// temporaries could not be reused for them and a 1M-element RPUSH load took 19.1
/// resident bytes per element instead of 17.4.
pub const CHUNK_CAP: usize = 8 * 1024 - 8;

/// The smallest buffer a chunk starts with.
const MIN_BUF: usize = 24;

/// The largest size at most 15 bytes over `n` that fills a whole glibc malloc chunk (8
/// bytes of header, 16-byte granularity), so the allocator's rounding is not wasted.
fn malloc_fit(n: usize) -> usize {
    ((n + 8 + 15) & !15) - 8
}

/// The next buffer size after `cur` for a chunk that fills up gradually (the first chunk
/// of a list): a quarter more, so a short list's buffer holds at most about 25% of slack
/// (Redis reallocates its listpacks to size; doubling would leave up to half unused),
/// while the copying stays amortised O(1) per byte; at most `cap`.
fn grow_step(cur: usize, cap: usize) -> usize {
    malloc_fit((cur + cur / 4).max(MIN_BUF)).min(cap)
}

/// The buffer size of a new chunk whose first entry takes `size` bytes: the cap at once
/// when the list already has chunks (it is long, the chunk will fill up), else small.
fn first_buf(size: usize, cap: usize, long: bool) -> usize {
    if size >= cap {
        size
    } else if long {
        cap
    } else {
        malloc_fit(size.max(MIN_BUF)).min(cap)
    }
}

/// Bytes of the varint for `n`.
fn varint_len(n: usize) -> usize {
    let mut k = 1;
    let mut n = n >> 7;
    while n != 0 {
        k += 1;
        n >>= 7;
    }
    k
}

/// Bytes an entry for an element of `len` bytes takes.
fn entry_size(len: usize) -> usize {
    len + 2 * varint_len(len)
}

/// The varint of `n`, low group first, and its length.
fn varint(n: usize) -> ([u8; 10], usize) {
    let mut out = [0u8; 10];
    let mut v = n;
    let mut k = 0;
    loop {
        // Masked to 7 bits, so the cast cannot truncate.
        let mut b = (v & 0x7f) as u8;
        v >>= 7;
        if v != 0 {
            b |= 0x80;
        }
        out[k] = b;
        k += 1;
        if v == 0 {
            return (out, k);
        }
    }
}

/// Writes the entry for `e` into `out`, which is exactly `entry_size(e.len())` long.
fn write_entry(out: &mut [u8], e: &[u8]) {
    let (v, n) = varint(e.len());
    let total = out.len();
    out[..n].copy_from_slice(&v[..n]);
    out[n..n + e.len()].copy_from_slice(e);
    for (i, b) in v[..n].iter().enumerate() {
        out[total - 1 - i] = *b;
    }
}

/// The entry for `e` as bytes.
fn encode_entry(e: &[u8]) -> Vec<u8> {
    let mut out = vec![0; entry_size(e.len())];
    write_entry(&mut out, e);
    out
}

/// Reads the entry starting at `off`: (element start, element length, entry end).
fn read_fwd(buf: &[u8], off: usize) -> (usize, usize, usize) {
    let b = buf[off];
    if b < 0x80 {
        // The common case: an element under 128 bytes.
        let len = usize::from(b);
        return (off + 1, len, off + 2 + len);
    }
    let mut len = 0usize;
    let mut shift = 0;
    let mut p = off;
    loop {
        let b = buf[p];
        p += 1;
        len |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    (p, len, p + len + (p - off))
}

/// Reads the entry ending at `end`: (entry start, element start, element length).
fn read_back(buf: &[u8], end: usize) -> (usize, usize, usize) {
    let b = buf[end - 1];
    if b < 0x80 {
        let len = usize::from(b);
        return (end - 2 - len, end - 1 - len, len);
    }
    let mut len = 0usize;
    let mut shift = 0;
    let mut p = end;
    loop {
        p -= 1;
        let b = buf[p];
        len |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let n = end - p;
    let elem = p - len;
    (elem - n, elem, len)
}

/// One buffer of packed entries, at `buf[start..]`.
struct Chunk {
    buf: Vec<u8>,
    start: usize,
    count: usize,
}

impl Chunk {
    /// Entry bytes held.
    fn used(&self) -> usize {
        self.buf.len() - self.start
    }

    /// A chunk holding exactly these packed entries.
    fn from_entries(entries: &[u8], count: usize) -> Chunk {
        Chunk {
            buf: entries.to_vec(),
            start: 0,
            count,
        }
    }

    /// Offset of the start of entry `k` (< count), walking from the nearer end.
    fn offset_of(&self, k: usize) -> usize {
        if k <= self.count / 2 {
            let mut off = self.start;
            for _ in 0..k {
                off = read_fwd(&self.buf, off).2;
            }
            off
        } else {
            let mut end = self.buf.len();
            for _ in k..self.count {
                end = read_back(&self.buf, end).0;
            }
            end
        }
    }

    /// Appends an entry, growing the buffer in steps bounded by `cap`.
    fn append(&mut self, e: &[u8], size: usize, cap: usize) {
        if self.buf.capacity() - self.buf.len() < size {
            let used = self.used();
            if self.start > 0 && self.start >= used / 2 {
                // Reclaim the room popped from the front before growing.
                self.buf.copy_within(self.start.., 0);
                self.buf.truncate(used);
                self.start = 0;
            }
            let need = self.buf.len() + size;
            if self.buf.capacity() < need {
                let target = need.max(grow_step(self.buf.capacity(), cap));
                self.buf.reserve_exact(target - self.buf.len());
            }
        }
        let (v, n) = varint(e.len());
        self.buf.extend_from_slice(&v[..n]);
        self.buf.extend_from_slice(e);
        self.buf.extend(v[..n].iter().rev());
        self.count += 1;
    }

    /// Prepends an entry; the caller has checked that `used() + size <= cap` or the chunk is
    /// new.
    fn prepend(&mut self, e: &[u8], size: usize, cap: usize) {
        if self.start < size {
            // A bigger buffer, filled from its end.
            let used = self.used();
            let need = used + size;
            let len = need.max(grow_step(self.buf.len(), cap));
            let mut buf = vec![0; len];
            buf[len - used..].copy_from_slice(&self.buf[self.start..]);
            self.buf = buf;
            self.start = len - used;
        }
        let at = self.start - size;
        write_entry(&mut self.buf[at..self.start], e);
        self.start = at;
        self.count += 1;
    }

    /// Removes `n` (< count) entries from the front.
    fn drop_front(&mut self, n: usize) {
        for _ in 0..n {
            self.start = read_fwd(&self.buf, self.start).2;
        }
        self.count -= n;
    }

    /// Removes `n` (< count) entries from the back.
    fn drop_back(&mut self, n: usize) {
        let mut end = self.buf.len();
        for _ in 0..n {
            end = read_back(&self.buf, end).0;
        }
        self.buf.truncate(end);
        self.count -= n;
    }
}

/// In a list of `len` elements held in `chunks`, the chunk holding element `index` (< len)
/// and the offset of its entry: walks the chunk counts from the nearer end, then the
/// entries of that chunk from its nearer end.
fn locate_in(chunks: &VecDeque<Chunk>, len: usize, index: usize) -> (usize, usize) {
    let (ci, k) = if index < len / 2 {
        let mut i = index;
        let mut ci = 0;
        while i >= chunks[ci].count {
            i -= chunks[ci].count;
            ci += 1;
        }
        (ci, i)
    } else {
        let mut back = len - 1 - index;
        let mut ci = chunks.len() - 1;
        while back >= chunks[ci].count {
            back -= chunks[ci].count;
            ci -= 1;
        }
        (ci, chunks[ci].count - 1 - back)
    };
    (ci, chunks[ci].offset_of(k))
}

/// A Redis list.
pub struct List {
    chunks: VecDeque<Chunk>,
    /// Number of elements.
    len: usize,
    /// Sum of the chunk buffers' capacities.
    heap: usize,
    /// Entry bytes a chunk holds at most ([`CHUNK_CAP`]; smaller in tests).
    cap: usize,
}

impl Default for List {
    fn default() -> List {
        List {
            chunks: VecDeque::new(),
            len: 0,
            heap: 0,
            cap: CHUNK_CAP,
        }
    }
}

impl Clone for List {
    /// Copies the entries into exactly sized buffers.
    fn clone(&self) -> List {
        let chunks: VecDeque<Chunk> = self
            .chunks
            .iter()
            .map(|c| Chunk::from_entries(&c.buf[c.start..], c.count))
            .collect();
        let heap = chunks.iter().map(|c| c.buf.capacity()).sum();
        List {
            chunks,
            len: self.len,
            heap,
            cap: self.cap,
        }
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for List {}

impl List {
    pub fn new() -> List {
        List::default()
    }

    /// An empty list whose chunks hold at most `cap` bytes of entries (tests use tiny caps
    /// to exercise chunk splits and merges).
    #[cfg(test)]
    fn with_chunk_cap(cap: usize) -> List {
        List {
            cap,
            ..List::default()
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        size_of::<Self>() + self.chunks.capacity() * size_of::<Chunk>() + self.heap
    }

    /// Separate heap allocations the elements make (O(1)): one per chunk.
    pub fn heap_allocations(&self) -> usize {
        self.chunks.len()
    }

    /// Runs `f` on chunk `ci`, keeping the capacity total up to date.
    fn edit<R>(&mut self, ci: usize, f: impl FnOnce(&mut Chunk) -> R) -> R {
        let c = &mut self.chunks[ci];
        let before = c.buf.capacity();
        let r = f(c);
        self.heap = self.heap + c.buf.capacity() - before;
        r
    }

    fn insert_chunk(&mut self, at: usize, c: Chunk) {
        self.heap += c.buf.capacity();
        if self.chunks.capacity() == 0 {
            // A short list has one chunk: one slot, not the deque's default four.
            self.chunks.reserve_exact(1);
        }
        self.chunks.insert(at, c);
    }

    fn remove_chunk(&mut self, at: usize) -> Option<Chunk> {
        let c = self.chunks.remove(at)?;
        self.heap -= c.buf.capacity();
        Some(c)
    }

    pub fn push_front(&mut self, element: &[u8]) {
        let size = entry_size(element.len());
        let cap = self.cap;
        let fits = self.chunks.front().is_some_and(|c| c.used() + size <= cap);
        if !fits {
            // Later chunks of a long list are likely to fill: give them the cap at once.
            let len = first_buf(size, cap, !self.chunks.is_empty());
            self.insert_chunk(
                0,
                Chunk {
                    buf: vec![0; len],
                    start: len,
                    count: 0,
                },
            );
        }
        self.edit(0, |c| c.prepend(element, size, cap));
        self.len += 1;
    }

    pub fn push_back(&mut self, element: &[u8]) {
        let size = entry_size(element.len());
        let cap = self.cap;
        let fits = self.chunks.back().is_some_and(|c| c.used() + size <= cap);
        if !fits {
            let capacity = first_buf(size, cap, !self.chunks.is_empty());
            let at = self.chunks.len();
            self.insert_chunk(
                at,
                Chunk {
                    buf: Vec::with_capacity(capacity),
                    start: 0,
                    count: 0,
                },
            );
        }
        let last = self.chunks.len() - 1;
        self.edit(last, |c| c.append(element, size, cap));
        self.len += 1;
    }

    pub fn pop_front(&mut self) -> Option<Box<[u8]>> {
        let c = self.chunks.front_mut()?;
        let (p, n, end) = read_fwd(&c.buf, c.start);
        let e: Box<[u8]> = c.buf[p..p + n].into();
        c.start = end;
        c.count -= 1;
        self.len -= 1;
        if c.count == 0 {
            self.remove_chunk(0);
            self.shrink_ring();
        }
        Some(e)
    }

    pub fn pop_back(&mut self) -> Option<Box<[u8]>> {
        let c = self.chunks.back_mut()?;
        let (entry, p, n) = read_back(&c.buf, c.buf.len());
        let e: Box<[u8]> = c.buf[p..p + n].into();
        c.buf.truncate(entry);
        c.count -= 1;
        self.len -= 1;
        if c.count == 0 {
            self.remove_chunk(self.chunks.len() - 1);
            self.shrink_ring();
        }
        Some(e)
    }

    /// The chunk holding element `index` (< len) and the offset of its entry.
    fn locate(&self, index: usize) -> (usize, usize) {
        locate_in(&self.chunks, self.len, index)
    }

    /// The element at `index` (0 is the head).
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        if index >= self.len {
            return None;
        }
        let (ci, off) = self.locate(index);
        let c = &self.chunks[ci];
        let (p, n, _) = read_fwd(&c.buf, off);
        Some(&c.buf[p..p + n])
    }

    /// Replaces the element at `index`; `false` if out of range.
    pub fn set(&mut self, index: usize, element: &[u8]) -> bool {
        if index >= self.len {
            return false;
        }
        let (ci, off) = self.locate(index);
        let size = entry_size(element.len());
        self.edit(ci, |c| {
            let old = read_fwd(&c.buf, off).2 - off;
            if old == size {
                write_entry(&mut c.buf[off..off + size], element);
            } else {
                if size > old {
                    c.buf.reserve_exact(size - old);
                }
                c.buf
                    .splice(off..off + old, encode_entry(element))
                    .for_each(drop);
            }
        });
        self.fixup(ci);
        true
    }

    /// Inserts before position `index` (`index == len` appends). Panics past the end.
    pub fn insert(&mut self, index: usize, element: &[u8]) {
        assert!(index <= self.len, "insert index {index} past the end");
        if index == 0 {
            return self.push_front(element);
        }
        if index == self.len {
            return self.push_back(element);
        }
        let (ci, off) = self.locate(index);
        let entry = encode_entry(element);
        self.edit(ci, |c| {
            c.buf.reserve_exact(entry.len());
            c.buf.splice(off..off, entry).for_each(drop);
            c.count += 1;
        });
        self.len += 1;
        self.fixup(ci);
    }

    /// Removes and returns the element at `index`.
    pub fn remove(&mut self, index: usize) -> Option<Box<[u8]>> {
        if index >= self.len {
            return None;
        }
        if index == 0 {
            return self.pop_front();
        }
        if index == self.len - 1 {
            return self.pop_back();
        }
        let (ci, off) = self.locate(index);
        let e = self.edit(ci, |c| {
            let (p, n, end) = read_fwd(&c.buf, off);
            let e: Box<[u8]> = c.buf[p..p + n].into();
            c.buf.drain(off..end);
            c.count -= 1;
            e
        });
        self.len -= 1;
        self.fixup(ci);
        Some(e)
    }

    /// Restores the chunk invariants around chunk `ci` after a change in the middle: drops
    /// it if empty, splits it if over the cap, merges it with a small neighbour, and gives
    /// back a buffer that is mostly unused.
    fn fixup(&mut self, ci: usize) {
        let c = &self.chunks[ci];
        if c.count == 0 {
            self.remove_chunk(ci);
            self.shrink_ring();
        } else if c.count > 1 && c.used() > self.cap {
            self.split(ci);
        } else if ci + 1 < self.chunks.len()
            && c.used() + self.chunks[ci + 1].used() <= self.cap / 2
        {
            self.merge(ci);
        } else if ci > 0 && c.used() + self.chunks[ci - 1].used() <= self.cap / 2 {
            self.merge(ci - 1);
        } else if c.buf.capacity() > 2 * c.used() + MIN_BUF {
            self.edit(ci, |c| {
                *c = Chunk::from_entries(&c.buf[c.start..], c.count);
            });
        }
    }

    /// Replaces chunk `ci` by chunks of at most the cap each (or one entry).
    fn split(&mut self, ci: usize) {
        let Some(old) = self.remove_chunk(ci) else {
            return;
        };
        let mut at = ci;
        let mut piece = old.start;
        let mut count = 0;
        let mut off = old.start;
        while off < old.buf.len() {
            let end = read_fwd(&old.buf, off).2;
            if count > 0 && end - piece > self.cap {
                self.insert_chunk(at, Chunk::from_entries(&old.buf[piece..off], count));
                at += 1;
                piece = off;
                count = 0;
            }
            count += 1;
            off = end;
        }
        self.insert_chunk(at, Chunk::from_entries(&old.buf[piece..], count));
    }

    /// Merges chunk `ci + 1` into chunk `ci`, in an exactly sized buffer.
    fn merge(&mut self, ci: usize) {
        let Some(next) = self.remove_chunk(ci + 1) else {
            return;
        };
        self.edit(ci, |c| {
            let mut buf = Vec::with_capacity(c.used() + next.used());
            buf.extend_from_slice(&c.buf[c.start..]);
            buf.extend_from_slice(&next.buf[next.start..]);
            *c = Chunk {
                buf,
                start: 0,
                count: c.count + next.count,
            };
        });
        self.shrink_ring();
    }

    /// Index of the first element equal to `element`.
    pub fn position(&self, element: &[u8]) -> Option<usize> {
        self.iter().position(|e| e == element)
    }

    /// The elements from head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        Iter {
            chunks: &self.chunks,
            fi: 0,
            fo: self.chunks.front().map_or(0, |c| c.start),
            back: Back::At(
                self.chunks.len().saturating_sub(1),
                self.chunks.back().map_or(0, |c| c.buf.len()),
            ),
            left: self.len,
        }
    }

    /// The elements at positions `start..=end` (clamped to the list).
    pub fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        let end = end.min(self.len.saturating_sub(1));
        if start > end || self.is_empty() {
            return Iter {
                chunks: &self.chunks,
                fi: 0,
                fo: 0,
                back: Back::At(0, 0),
                left: 0,
            };
        }
        let (fi, fo) = self.locate(start);
        Iter {
            chunks: &self.chunks,
            fi,
            fo,
            // Found on the first `next_back`: `LRANGE 0 99` never walks to its end twice.
            back: Back::Index {
                len: self.len,
                index: end,
            },
            left: end - start + 1,
        }
    }

    /// Keeps only positions `start..=end`; an empty range empties the list.
    pub fn retain_range(&mut self, start: usize, end: usize) {
        if start > end || start >= self.len {
            self.chunks = VecDeque::new();
            self.len = 0;
            self.heap = 0;
            return;
        }
        let end = end.min(self.len - 1);
        // From the tail.
        let mut n = self.len - 1 - end;
        while n > 0 {
            let last = self.chunks.len() - 1;
            let count = self.chunks[last].count;
            if count <= n {
                self.remove_chunk(last);
                self.len -= count;
                n -= count;
            } else {
                self.edit(last, |c| c.drop_back(n));
                self.len -= n;
                n = 0;
                self.fixup(last);
            }
        }
        // From the head.
        let mut n = start;
        while n > 0 {
            let count = self.chunks[0].count;
            if count <= n {
                self.remove_chunk(0);
                self.len -= count;
                n -= count;
            } else {
                self.edit(0, |c| c.drop_front(n));
                self.len -= n;
                n = 0;
                self.fixup(0);
            }
        }
        self.shrink_ring();
    }

    /// Removes up to `limit` elements equal to `element` (0: all), scanning from the head,
    /// or from the tail when `from_tail`; how many were removed.
    pub fn remove_matching(&mut self, element: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        let chunks = self.chunks.len();
        for k in 0..chunks {
            if limit != 0 && removed == limit {
                break;
            }
            let ci = if from_tail { chunks - 1 - k } else { k };
            // Entry ranges of the matches in this chunk, head to tail.
            let mut hits: Vec<(usize, usize)> = Vec::new();
            {
                let c = &self.chunks[ci];
                let mut off = c.start;
                while off < c.buf.len() {
                    let (p, n, end) = read_fwd(&c.buf, off);
                    if &c.buf[p..p + n] == element {
                        hits.push((off, end));
                    }
                    off = end;
                }
            }
            if hits.is_empty() {
                continue;
            }
            if limit != 0 && hits.len() > limit - removed {
                let keep = limit - removed;
                if from_tail {
                    hits.drain(..hits.len() - keep);
                } else {
                    hits.truncate(keep);
                }
            }
            removed += hits.len();
            self.edit(ci, |c| {
                let freed: usize = hits.iter().map(|(s, e)| e - s).sum();
                let mut buf = Vec::with_capacity(c.used() - freed);
                let mut from = c.start;
                for (s, e) in &hits {
                    buf.extend_from_slice(&c.buf[from..*s]);
                    from = *e;
                }
                buf.extend_from_slice(&c.buf[from..]);
                *c = Chunk {
                    buf,
                    start: 0,
                    count: c.count - hits.len(),
                };
            });
        }
        if removed > 0 {
            self.len -= removed;
            self.compact();
        }
        removed
    }

    /// Drops empty chunks and merges neighbours that together fill at most half a cap.
    fn compact(&mut self) {
        let mut i = 0;
        while i < self.chunks.len() {
            if self.chunks[i].count == 0 {
                self.remove_chunk(i);
            } else if i + 1 < self.chunks.len()
                && self.chunks[i + 1].count > 0
                && self.chunks[i].used() + self.chunks[i + 1].used() <= self.cap / 2
            {
                self.merge(i);
            } else {
                i += 1;
            }
        }
        self.shrink_ring();
    }

    /// Gives memory back once the ring is mostly empty.
    fn shrink_ring(&mut self) {
        if self.chunks.capacity() > 16 && self.chunks.len() * 4 < self.chunks.capacity() {
            self.chunks.shrink_to(self.chunks.len() * 2);
        }
    }
}

/// Where an [`Iter`]'s next back entry ends.
enum Back {
    /// Ends at `chunks[.0].buf[..1]`.
    At(usize, usize),
    /// Not located yet: the element at `index` of a list of `len` elements.
    Index { len: usize, index: usize },
}

/// Walks a list from both ends: the next front entry is at `chunks[fi].buf[fo..]`, the next
/// back entry is given by `back`, and `left` entries remain between them.
struct Iter<'a> {
    chunks: &'a VecDeque<Chunk>,
    fi: usize,
    fo: usize,
    back: Back,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        let chunks = self.chunks;
        let mut c = &chunks[self.fi];
        while self.fo >= c.buf.len() {
            self.fi += 1;
            c = &chunks[self.fi];
            self.fo = c.start;
        }
        let (p, n, end) = read_fwd(&c.buf, self.fo);
        self.fo = end;
        self.left -= 1;
        Some(&c.buf[p..p + n])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let chunks = self.chunks;
        let (mut bi, mut bo) = match self.back {
            Back::At(bi, bo) => (bi, bo),
            Back::Index { len, index } => {
                let (bi, off) = locate_in(chunks, len, index);
                (bi, read_fwd(&chunks[bi].buf, off).2)
            }
        };
        let mut c = &chunks[bi];
        while bo <= c.start {
            bi -= 1;
            c = &chunks[bi];
            bo = c.buf.len();
        }
        let (entry, p, n) = read_back(&c.buf, bo);
        self.back = Back::At(bi, entry);
        self.left -= 1;
        Some(&c.buf[p..p + n])
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> FromIterator<&'a [u8]> for List {
    fn from_iter<I: IntoIterator<Item = &'a [u8]>>(iter: I) -> List {
        let mut list = List::new();
        for e in iter {
            list.push_back(e);
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        PushFront(Vec<u8>),
        PushBack(Vec<u8>),
        PopFront,
        PopBack,
        Get(usize),
        Set(usize, Vec<u8>),
        Insert(usize, Vec<u8>),
        Remove(usize),
        RetainRange(usize, usize),
        RemoveMatching(Vec<u8>, usize, bool),
        Range(usize, usize),
        Position(Vec<u8>),
        Zigzag(Vec<bool>),
        Clone,
    }

    fn element() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => proptest::collection::vec(b'a'..=b'c', 0..4),
            2 => proptest::collection::vec(any::<u8>(), 0..300),
            1 => proptest::collection::vec(Just(b'x'), 120..140),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        let i = 0usize..1000;
        prop_oneof![
            6 => element().prop_map(Op::PushFront),
            6 => element().prop_map(Op::PushBack),
            3 => Just(Op::PopFront),
            3 => Just(Op::PopBack),
            2 => i.clone().prop_map(Op::Get),
            2 => (i.clone(), element()).prop_map(|(i, e)| Op::Set(i, e)),
            3 => (i.clone(), element()).prop_map(|(i, e)| Op::Insert(i, e)),
            2 => i.clone().prop_map(Op::Remove),
            1 => (i.clone(), i.clone()).prop_map(|(a, b)| Op::RetainRange(a, b)),
            1 => (element(), 0usize..4, any::<bool>())
                .prop_map(|(e, l, t)| Op::RemoveMatching(e, l, t)),
            2 => (i.clone(), i.clone()).prop_map(|(a, b)| Op::Range(a, b)),
            1 => element().prop_map(Op::Position),
            1 => proptest::collection::vec(any::<bool>(), 0..40).prop_map(Op::Zigzag),
            1 => Just(Op::Clone),
        ]
    }

    /// The structure's invariants and the O(1) figures against a walk.
    fn check(list: &List, model: &VecDeque<Vec<u8>>) {
        assert_eq!(list.len(), model.len());
        let mut count = 0;
        let mut heap = 0;
        for c in &list.chunks {
            assert!(c.count > 0, "empty chunk");
            assert!(c.count == 1 || c.used() <= list.cap, "chunk over the cap");
            let mut off = c.start;
            let mut n = 0;
            while off < c.buf.len() {
                off = read_fwd(&c.buf, off).2;
                n += 1;
            }
            assert_eq!(off, c.buf.len());
            assert_eq!(n, c.count);
            count += c.count;
            heap += c.buf.capacity();
        }
        assert_eq!(count, list.len());
        assert_eq!(heap, list.heap);
        assert_eq!(
            list.mem_usage(),
            size_of::<List>() + list.chunks.capacity() * size_of::<Chunk>() + heap
        );
        let fwd: Vec<&[u8]> = list.iter().collect();
        let want: Vec<&[u8]> = model.iter().map(Vec::as_slice).collect();
        assert_eq!(fwd, want);
        let back: Vec<&[u8]> = list.iter().rev().collect();
        let want_back: Vec<&[u8]> = model.iter().rev().map(Vec::as_slice).collect();
        assert_eq!(back, want_back);
        assert_eq!(list.iter().len(), model.len());
    }

    fn run(cap: usize, ops: &[Op]) {
        let mut list = List::with_chunk_cap(cap);
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        for op in ops {
            let len = model.len();
            match op {
                Op::PushFront(e) => {
                    list.push_front(e);
                    model.push_front(e.clone());
                }
                Op::PushBack(e) => {
                    list.push_back(e);
                    model.push_back(e.clone());
                }
                Op::PopFront => assert_eq!(list.pop_front().map(Vec::from), model.pop_front()),
                Op::PopBack => assert_eq!(list.pop_back().map(Vec::from), model.pop_back()),
                Op::Get(i) => {
                    let i = i % (len + 1);
                    assert_eq!(list.get(i), model.get(i).map(Vec::as_slice));
                }
                Op::Set(i, e) => {
                    let i = i % (len + 1);
                    assert_eq!(list.set(i, e), i < len);
                    if i < len {
                        model[i] = e.clone();
                    }
                }
                Op::Insert(i, e) => {
                    let i = i % (len + 1);
                    list.insert(i, e);
                    model.insert(i, e.clone());
                }
                Op::Remove(i) => {
                    let i = i % (len + 1);
                    assert_eq!(list.remove(i).map(Vec::from), model.remove(i));
                }
                Op::RetainRange(a, b) => {
                    let (a, b) = (a % (len + 2), b % (len + 2));
                    list.retain_range(a, b);
                    if a > b || a >= len {
                        model.clear();
                    } else {
                        let b = b.min(len - 1);
                        model = model.range(a..=b).cloned().collect();
                    }
                }
                Op::RemoveMatching(e, limit, from_tail) => {
                    let removed = list.remove_matching(e, *limit, *from_tail);
                    let mut left = if *limit == 0 { usize::MAX } else { *limit };
                    let mut keep = vec![true; len];
                    let order: Vec<usize> = if *from_tail {
                        (0..len).rev().collect()
                    } else {
                        (0..len).collect()
                    };
                    for i in order {
                        if left > 0 && model[i] == *e {
                            keep[i] = false;
                            left -= 1;
                        }
                    }
                    assert_eq!(removed, keep.iter().filter(|k| !**k).count());
                    let mut flags = keep.into_iter();
                    model.retain(|_| flags.next().unwrap_or(true));
                }
                Op::Range(a, b) => {
                    let (a, b) = (a % (len + 2), b % (len + 2));
                    let got: Vec<&[u8]> = list.range(a, b).collect();
                    let want: Vec<&[u8]> = if len == 0 || a > b.min(len - 1) {
                        Vec::new()
                    } else {
                        model.range(a..=b.min(len - 1)).map(Vec::as_slice).collect()
                    };
                    assert_eq!(list.range(a, b).len(), want.len());
                    assert_eq!(got, want);
                    let back: Vec<&[u8]> = list.range(a, b).rev().collect();
                    assert_eq!(back, want.into_iter().rev().collect::<Vec<_>>());
                }
                Op::Position(e) => {
                    assert_eq!(list.position(e), model.iter().position(|m| m == e));
                }
                Op::Zigzag(sides) => {
                    let mut it = list.iter();
                    let (mut lo, mut hi) = (0, len);
                    for &front in sides {
                        assert_eq!(it.len(), hi - lo);
                        let got = if front { it.next() } else { it.next_back() };
                        let want = if lo == hi {
                            None
                        } else if front {
                            lo += 1;
                            Some(model[lo - 1].as_slice())
                        } else {
                            hi -= 1;
                            Some(model[hi].as_slice())
                        };
                        assert_eq!(got, want);
                    }
                }
                Op::Clone => {
                    let copy = list.clone();
                    assert_eq!(copy, list);
                    check(&copy, &model);
                    list = copy;
                }
            }
            check(&list, &model);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn matches_a_model_tiny_chunks(
            cap in prop_oneof![Just(8usize), Just(24), Just(100), Just(400)],
            ops in proptest::collection::vec(op(), 0..200),
        ) {
            run(cap, &ops);
        }

        #[test]
        fn matches_a_model_default_chunks(ops in proptest::collection::vec(op(), 0..300)) {
            run(CHUNK_CAP, &ops);
        }
    }

    #[test]
    fn varints_round_trip() {
        for len in [
            0usize,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            1 << 21,
            usize::MAX >> 1,
        ] {
            let (v, n) = varint(len);
            assert_eq!(n, varint_len(len));
            assert_eq!(v[n - 1] & 0x80, 0);
        }
        for len in [0usize, 5, 127, 128, 1000, 20_000] {
            let e = vec![7u8; len];
            let entry = encode_entry(&e);
            assert_eq!(entry.len(), entry_size(len));
            let (p, n, end) = read_fwd(&entry, 0);
            assert_eq!((&entry[p..p + n], end), (&e[..], entry.len()));
            let (start, p, n) = read_back(&entry, entry.len());
            assert_eq!((&entry[p..p + n], start), (&e[..], 0));
        }
    }

    #[test]
    fn long_lists_are_compact() {
        let mut tail = List::new();
        let mut head = List::new();
        for i in 0..100_000 {
            let e = format!("element:{i:07}");
            tail.push_back(e.as_bytes());
            head.push_front(e.as_bytes());
        }
        // 15-byte elements: 17 bytes an entry, plus the chunks' share.
        for l in [&tail, &head] {
            assert!(l.mem_usage() < 100_000 * 18, "{}", l.mem_usage());
        }
        assert_eq!(tail.get(12_345), Some(&b"element:0012345"[..]));
        assert_eq!(head.get(12_345), Some(&b"element:0087654"[..]));
        assert!(tail.iter().eq(head.iter().rev()));
    }

    #[test]
    fn big_elements_get_their_own_chunk() {
        let big = vec![b'z'; CHUNK_CAP * 2];
        let mut l: List = [&b"a"[..], b"b"].into_iter().collect();
        l.insert(1, &big);
        l.push_front(&big);
        l.push_back(&big);
        assert!(l.set(3, &big));
        let got: Vec<usize> = l.iter().map(<[u8]>::len).collect();
        assert_eq!(got, [big.len(), 1, big.len(), big.len(), big.len()]);
        assert_eq!(l.remove_matching(&big, 0, true), 4);
        assert_eq!(l.iter().collect::<Vec<_>>(), [&b"a"[..]]);
        assert!(l.mem_usage() < 1024);
    }
}
