//! [`ZSet`]: Redis sorted sets.
//!
//! Small sets are a sorted packed `Vec` of `(score, member)` (reported as `listpack`);
//! past `zset-max-listpack-entries` entries or a member longer than
//! `zset-max-listpack-value` bytes they become a [`SkipList`] plus a member → score map
//! (reported as `skiplist`), as Redis does. The thresholds are passed in by the caller.
//!
//! Every operation is expressed in ranks (0-based positions in `(score, member)` order),
//! so the commands work the same on both forms.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::mem::size_of;

use crate::skiplist::{cmp_entry, SkipList};

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    Packed(Vec<(f64, Box<[u8]>)>),
    Skip {
        list: SkipList,
        scores: HashMap<Box<[u8]>, f64>,
    },
}

/// A Redis zset.
#[derive(Clone, Debug, PartialEq)]
pub struct ZSet {
    repr: Repr,
    /// Heap bytes owned, kept up to date by every change.
    bytes: usize,
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::new()
    }
}

/// What [`ZSet::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    Added,
    Updated,
    Unchanged,
}

const PACKED_ENTRY: usize = size_of::<(f64, Box<[u8]>)>();
const MAP_ENTRY: usize = size_of::<(Box<[u8]>, f64)>() + 8;

impl ZSet {
    pub fn new() -> ZSet {
        ZSet {
            repr: Repr::Packed(Vec::new()),
            bytes: 0,
        }
    }

    /// An empty zset already in the skip-list form (for sets that will be large).
    pub fn new_skiplist() -> ZSet {
        ZSet {
            repr: Repr::Skip {
                list: SkipList::new(),
                scores: HashMap::new(),
            },
            bytes: SkipList::node_overhead(crate::skiplist::MAX_LEVEL),
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Packed(v) => v.len(),
            Repr::Skip { list, .. } => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Packed(_) => "listpack",
            Repr::Skip { .. } => "skiplist",
        }
    }

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        size_of::<Self>() + self.bytes
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Packed(v) => v.iter().find(|(_, m)| &m[..] == member).map(|(s, _)| *s),
            Repr::Skip { scores, .. } => scores.get(member).copied(),
        }
    }

    fn skip_entry_cost(member: &[u8], level: usize) -> usize {
        2 * member.len() + SkipList::node_overhead(level) + MAP_ENTRY
    }

    fn convert(&mut self) {
        let Repr::Packed(v) = &mut self.repr else {
            return;
        };
        let entries = std::mem::take(v);
        let mut z = ZSet::new_skiplist();
        for (score, member) in entries {
            z.skip_insert_new(score, &member);
        }
        *self = z;
    }

    fn skip_insert_new(&mut self, score: f64, member: &[u8]) {
        if let Repr::Skip { list, scores } = &mut self.repr {
            let level = list.insert(score, member);
            scores.insert(member.into(), score);
            self.bytes += Self::skip_entry_cost(member, level);
        }
    }

    /// Sets `member`'s score, converting to the skip-list form when the set would pass
    /// `max_entries` entries or the member is longer than `max_value` bytes.
    pub fn insert(
        &mut self,
        score: f64,
        member: &[u8],
        max_entries: usize,
        max_value: usize,
    ) -> Inserted {
        if let Some(old) = self.score(member) {
            if old == score {
                return Inserted::Unchanged;
            }
            match &mut self.repr {
                Repr::Packed(v) => {
                    let score = if score == 0.0 { 0.0 } else { score };
                    if let Some(i) = v.iter().position(|(_, m)| &m[..] == member) {
                        let entry = v.remove(i);
                        let at = packed_pos(v, score, member);
                        v.insert(at, (score, entry.1));
                    }
                }
                Repr::Skip { list, scores } => {
                    if let Some((before, after)) = list.update_score(old, member, score) {
                        self.bytes = self.bytes + SkipList::node_overhead(after)
                            - SkipList::node_overhead(before);
                    }
                    if let Some(s) = scores.get_mut(member) {
                        *s = score;
                    }
                }
            }
            return Inserted::Updated;
        }
        if let Repr::Packed(v) = &self.repr {
            if v.len() + 1 > max_entries || member.len() > max_value {
                self.convert();
            }
        }
        match &mut self.repr {
            Repr::Packed(v) => {
                // A listpack stores scores as text, where -0 becomes 0 (`d2string`).
                let score = if score == 0.0 { 0.0 } else { score };
                let at = packed_pos(v, score, member);
                v.insert(at, (score, member.into()));
                self.bytes += PACKED_ENTRY + member.len();
            }
            Repr::Skip { .. } => self.skip_insert_new(score, member),
        }
        Inserted::Added
    }

    /// Removes `member`; whether it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Packed(v) => match v.iter().position(|(_, m)| &m[..] == member) {
                Some(i) => {
                    v.remove(i);
                    self.bytes -= PACKED_ENTRY + member.len();
                    true
                }
                None => false,
            },
            Repr::Skip { list, scores } => match scores.remove(member) {
                Some(score) => {
                    let level = list.delete(score, member).unwrap_or(1);
                    self.bytes -= Self::skip_entry_cost(member, level);
                    true
                }
                None => false,
            },
        }
    }

    /// The 0-based rank of `member` in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        match &self.repr {
            Repr::Packed(v) => v.iter().position(|(_, m)| &m[..] == member),
            Repr::Skip { list, scores } => {
                let score = *scores.get(member)?;
                list.rank(score, member)
            }
        }
    }

    /// The number of leading elements for which `pred` holds (`pred` holds for a prefix).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match &self.repr {
            Repr::Packed(v) => v.partition_point(|(s, m)| pred(*s, m)),
            Repr::Skip { list, .. } => list.count_while(pred),
        }
    }

    /// The element at 0-based `rank`.
    pub fn get_by_rank(&self, rank: usize) -> Option<(f64, &[u8])> {
        match &self.repr {
            Repr::Packed(v) => v.get(rank).map(|(s, m)| (*s, &m[..])),
            Repr::Skip { list, .. } => list.get_by_rank(rank),
        }
    }

    /// Elements from rank `start` on (ascending), or from `start` towards rank 0 (`rev`).
    pub fn iter_from(
        &self,
        start: usize,
        rev: bool,
    ) -> Box<dyn Iterator<Item = (f64, &[u8])> + '_> {
        match &self.repr {
            Repr::Packed(v) => {
                if rev {
                    let end = if start < v.len() { start + 1 } else { 0 };
                    Box::new(v[..end].iter().rev().map(|(s, m)| (*s, &m[..])))
                } else {
                    Box::new(v.iter().skip(start).map(|(s, m)| (*s, &m[..])))
                }
            }
            Repr::Skip { list, .. } => Box::new(list.iter_from(start, rev)),
        }
    }

    /// Removes the elements of ranks `start..end` (ascending); how many.
    pub fn remove_rank_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        let members: Vec<Vec<u8>> = self
            .iter_from(start, false)
            .take(end - start)
            .map(|(_, m)| m.to_vec())
            .collect();
        for m in &members {
            self.remove(m);
        }
        members.len()
    }
}

fn packed_pos(v: &[(f64, Box<[u8]>)], score: f64, member: &[u8]) -> usize {
    v.partition_point(|(s, m)| cmp_entry(*s, m, score, member) == Ordering::Less)
}
