//! [`ZSet`]: Redis sorted sets.
//!
//! Small sets are a sorted packed `Vec` of `(score, member)` (reported as `listpack`);
//! past `zset-max-listpack-entries` entries or a member longer than
//! `zset-max-listpack-value` bytes they become a [`SkipList`] plus a member → score map
//! (reported as `skiplist`), as Redis does. The thresholds are passed in by the caller.
//! In the large form each member is stored once, in its skip-list node; a
//! [`MemberIndex`] of node ids finds it by member.
//!
//! Every operation is expressed in ranks (0-based positions in `(score, member)` order),
//! so the commands work the same on both forms.

use std::cmp::Ordering;
use std::mem::size_of;

use crate::member_index::MemberIndex;
use crate::skiplist::{cmp_entry, NodeId, SkipList};

#[derive(Clone, Debug)]
enum Repr {
    Packed(Vec<(f64, Box<[u8]>)>),
    Skip { list: SkipList, index: MemberIndex },
}

/// A Redis zset.
#[derive(Clone, Debug)]
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

impl PartialEq for ZSet {
    /// Equal when they hold the same `(score, member)` entries, whatever their encodings.
    fn eq(&self, other: &ZSet) -> bool {
        self.len() == other.len() && self.iter_from(0, false).eq(other.iter_from(0, false))
    }
}

const PACKED_ENTRY: usize = size_of::<(f64, Box<[u8]>)>();

/// The node of `member` in a large set.
fn find_node(list: &SkipList, index: &MemberIndex, member: &[u8]) -> Option<NodeId> {
    index.find(index.hash(member), |id| list.entry(id).1 == member)
}

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
                index: MemberIndex::default(),
            },
            bytes: SkipList::entry_bytes(0, crate::skiplist::MAX_LEVEL),
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
        let index = match &self.repr {
            Repr::Skip { index, .. } => index.heap_bytes(),
            Repr::Packed(_) => 0,
        };
        size_of::<Self>() + self.bytes + index
    }

    /// Separate heap allocations its elements make (O(1)), for the allocator's overhead on
    /// each: one per member in the listpack form; in the skip-list form, one per long
    /// member or tall node (the nodes share one arena).
    pub fn heap_allocations(&self) -> usize {
        match &self.repr {
            Repr::Packed(v) => v.len(),
            Repr::Skip { list, .. } => list.side_allocations(),
        }
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Packed(v) => v.iter().find(|(_, m)| &m[..] == member).map(|(s, _)| *s),
            Repr::Skip { list, index } => find_node(list, index, member).map(|id| list.entry(id).0),
        }
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
        if let Repr::Skip { list, index } = &mut self.repr {
            let (id, level) = list.insert_node(score, member);
            index.insert(index.hash(member), id);
            self.bytes += SkipList::entry_bytes(member.len(), level);
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
        match &mut self.repr {
            Repr::Packed(v) => {
                if let Some(i) = v.iter().position(|(_, m)| &m[..] == member) {
                    if v[i].0 == score {
                        return Inserted::Unchanged;
                    }
                    let score = if score == 0.0 { 0.0 } else { score };
                    let entry = v.remove(i);
                    let at = packed_pos(v, score, member);
                    v.insert(at, (score, entry.1));
                    return Inserted::Updated;
                }
            }
            Repr::Skip { list, index } => {
                if let Some(id) = find_node(list, index, member) {
                    if list.entry(id).0 == score {
                        return Inserted::Unchanged;
                    }
                    list.update_node_score(id, score);
                    return Inserted::Updated;
                }
            }
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
            Repr::Skip { list, index } => {
                let hash = index.hash(member);
                match index.remove(hash, |id| list.entry(id).1 == member) {
                    Some(id) => {
                        let level = list.delete_node(id);
                        self.bytes -= SkipList::entry_bytes(member.len(), level);
                        true
                    }
                    None => false,
                }
            }
        }
    }

    /// The 0-based rank of `member` in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        match &self.repr {
            Repr::Packed(v) => v.iter().position(|(_, m)| &m[..] == member),
            Repr::Skip { list, index } => {
                let (score, member) = list.entry(find_node(list, index, member)?);
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
