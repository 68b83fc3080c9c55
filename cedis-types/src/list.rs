//! Redis lists: a double-ended sequence of byte strings.
//!
//! # Design
//!
//! A [`VecDeque`] of exactly sized `Box<[u8]>` elements. Pushing and popping at either
//! end are amortised O(1), so are the length and indexed access (the deque is a ring
//! buffer); insertion and removal in the middle move the shorter side, as Redis's
//! quicklist walk would cost O(N) anyway.
//!
//! **Per-element cost:** 16 bytes in the ring (the boxed slice's pointer and length; the
//! ring doubles when full and is halved once under a quarter full, so it holds between one
//! and four slots per element beyond 64 slots) plus the element's own heap allocation of
//! its length (none for an empty element, else rounded up by the allocator). Redis packs small elements
//! into listpack nodes (about 2–3 bytes of overhead per short element plus the 8 KiB-node
//! bookkeeping), so very short elements cost more here; in exchange every operation is
//! simple and indexed access is O(1) instead of O(N).
//!
//! [`mem_usage`](List::mem_usage) is O(1): the total of the element lengths is kept up to
//! date by every change, and the ring's capacity is read from the deque.
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
use std::mem::size_of;

/// A Redis list.
#[derive(Clone, Debug, Default)]
pub struct List {
    items: VecDeque<Box<[u8]>>,
    /// Sum of the elements' lengths.
    bytes: usize,
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.items == other.items
    }
}

impl Eq for List {}

impl List {
    pub fn new() -> List {
        List::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        size_of::<Self>() + self.items.capacity() * size_of::<Box<[u8]>>() + self.bytes
    }

    pub fn push_front(&mut self, element: &[u8]) {
        self.bytes += element.len();
        self.items.push_front(element.into());
    }

    pub fn push_back(&mut self, element: &[u8]) {
        self.bytes += element.len();
        self.items.push_back(element.into());
    }

    pub fn pop_front(&mut self) -> Option<Box<[u8]>> {
        let e = self.items.pop_front()?;
        self.bytes -= e.len();
        self.shrink();
        Some(e)
    }

    pub fn pop_back(&mut self) -> Option<Box<[u8]>> {
        let e = self.items.pop_back()?;
        self.bytes -= e.len();
        self.shrink();
        Some(e)
    }

    /// The element at `index` (0 is the head).
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.items.get(index).map(|e| &e[..])
    }

    /// Replaces the element at `index`; `false` if out of range.
    pub fn set(&mut self, index: usize, element: &[u8]) -> bool {
        match self.items.get_mut(index) {
            Some(slot) => {
                self.bytes = self.bytes - slot.len() + element.len();
                *slot = element.into();
                true
            }
            None => false,
        }
    }

    /// Inserts before position `index` (`index == len` appends). Panics past the end.
    pub fn insert(&mut self, index: usize, element: &[u8]) {
        self.bytes += element.len();
        self.items.insert(index, element.into());
    }

    /// Removes and returns the element at `index`.
    pub fn remove(&mut self, index: usize) -> Option<Box<[u8]>> {
        let e = self.items.remove(index)?;
        self.bytes -= e.len();
        self.shrink();
        Some(e)
    }

    /// Index of the first element equal to `element`.
    pub fn position(&self, element: &[u8]) -> Option<usize> {
        self.items.iter().position(|e| &e[..] == element)
    }

    /// The elements from head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.items.iter().map(|e| &e[..])
    }

    /// The elements at positions `start..=end` (clamped to the list).
    pub fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        let end = end.min(self.len().saturating_sub(1));
        let range = if start > end || self.is_empty() {
            0..0
        } else {
            start..end + 1
        };
        self.items.range(range).map(|e| &e[..])
    }

    /// Keeps only positions `start..=end`; an empty range empties the list.
    pub fn retain_range(&mut self, start: usize, end: usize) {
        if start > end || start >= self.len() {
            self.items.clear();
            self.bytes = 0;
            self.shrink();
            return;
        }
        let end = end.min(self.len() - 1);
        for e in self.items.drain(end + 1..) {
            self.bytes -= e.len();
        }
        for e in self.items.drain(..start) {
            self.bytes -= e.len();
        }
        self.shrink();
    }

    /// Removes up to `limit` elements equal to `element` (0: all), scanning from the head,
    /// or from the tail when `from_tail`; how many were removed.
    pub fn remove_matching(&mut self, element: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        let mut keep = vec![true; self.len()];
        let order: Box<dyn Iterator<Item = usize>> = if from_tail {
            Box::new((0..self.len()).rev())
        } else {
            Box::new(0..self.len())
        };
        for i in order {
            if limit != 0 && removed == limit {
                break;
            }
            if &self.items[i][..] == element {
                keep[i] = false;
                removed += 1;
            }
        }
        if removed > 0 {
            let mut flags = keep.into_iter();
            let mut freed = 0;
            self.items.retain(|e| {
                let k = flags.next().unwrap_or(true);
                if !k {
                    freed += e.len();
                }
                k
            });
            self.bytes -= freed;
            self.shrink();
        }
        removed
    }

    /// Gives memory back once the ring is mostly empty.
    fn shrink(&mut self) {
        if self.items.capacity() > 64 && self.items.len() * 4 < self.items.capacity() {
            self.items.shrink_to(self.items.len() * 2);
        }
    }
}

impl<'a> FromIterator<&'a [u8]> for List {
    fn from_iter<I: IntoIterator<Item = &'a [u8]>>(iter: I) -> List {
        let mut list = List::new();
        for e in iter {
            list.push_back(e);
        }
        list
    }
}
