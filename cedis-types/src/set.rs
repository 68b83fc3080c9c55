//! [`Set`]: a Redis set. Small sets of integers are an [`IntSet`] (`intset`); a set gets
//! a hash table (`hashtable`) once a member is not a canonical integer (Redis's
//! `string2ll` rules, [`parse_i64`]) or it grows past `set-max-intset-entries`, and never
//! goes back.

use std::borrow::Cow;
use std::collections::HashSet;
use std::mem::size_of;

use rand::Rng;

use crate::intset::IntSet;
use crate::member_index::MemberIndex;
use crate::number::parse_i64;
use crate::small_bytes::SmallBytes;

/// The `hashtable` encoding: the members in a dense `Vec` (so a uniformly random member
/// is one index away), short ones inline ([`SmallBytes`]), and a [`MemberIndex`] from
/// each member's keyed hash to its position: 8 bytes a slot, no second copy of the
/// member.
#[derive(Clone, Debug)]
struct Table {
    members: Vec<SmallBytes>,
    index: MemberIndex,
    /// Allocator chunks of the members too long to be inline.
    heap: usize,
    /// Applied to every hash; tests narrow it to force collisions.
    mask: u32,
}

impl Table {
    fn with_capacity(n: usize) -> Table {
        Table {
            members: Vec::with_capacity(n),
            index: MemberIndex::default(),
            heap: 0,
            mask: u32::MAX,
        }
    }

    fn len(&self) -> usize {
        self.members.len()
    }

    fn hash(&self, member: &[u8]) -> u32 {
        self.index.hash(member) & self.mask
    }

    fn find(&self, member: &[u8]) -> Option<usize> {
        let members = &self.members;
        self.index
            .find(self.hash(member), |p| {
                members
                    .get(p as usize)
                    .is_some_and(|m| m.as_bytes() == member)
            })
            .map(|p| p as usize)
    }

    fn insert(&mut self, member: &[u8]) -> bool {
        if self.find(member).is_some() {
            return false;
        }
        let Ok(p) = u32::try_from(self.members.len()) else {
            return false;
        };
        let member = SmallBytes::new(member);
        self.heap += member.heap_cost();
        let h = self.hash(member.as_bytes());
        self.members.push(member);
        self.index.insert(h, p);
        true
    }

    fn remove_at(&mut self, p: usize) -> SmallBytes {
        let h = self.hash(self.members[p].as_bytes());
        self.index.remove(h, |q| q as usize == p);
        let last = self.members.len() - 1;
        let removed = self.members.swap_remove(p);
        if p != last {
            // The last member moved to `p`.
            let moved = self.hash(self.members[p].as_bytes());
            self.index.reassign(moved, last as u32, p as u32);
        }
        self.heap -= removed.heap_cost();
        if self.members.capacity() > 64 && self.members.len() * 4 < self.members.capacity() {
            self.members.shrink_to_fit();
        }
        removed
    }

    fn remove(&mut self, member: &[u8]) -> bool {
        match self.find(member) {
            Some(p) => {
                self.remove_at(p);
                true
            }
            None => false,
        }
    }

    fn heap_bytes(&self) -> usize {
        self.members.capacity() * size_of::<SmallBytes>() + self.index.heap_bytes() + self.heap
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.len() == other.len()
            && self
                .members
                .iter()
                .all(|m| other.find(m.as_bytes()).is_some())
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    Int(IntSet),
    Hash(Table),
}

/// A Redis set.
#[derive(Clone, Debug, PartialEq)]
pub struct Set {
    repr: Repr,
}

impl Default for Set {
    fn default() -> Self {
        Set::new()
    }
}

fn int_bytes(n: i64) -> Vec<u8> {
    n.to_string().into_bytes()
}

impl Set {
    /// An empty set (an empty intset, as Redis creates for an integer first member).
    pub fn new() -> Set {
        Set {
            repr: Repr::Int(IntSet::new()),
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Int(s) => s.len(),
            Repr::Hash(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Int(_) => "intset",
            Repr::Hash(_) => "hashtable",
        }
    }

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        size_of::<Self>()
            + match &self.repr {
                Repr::Int(s) => s.heap_bytes(),
                Repr::Hash(t) => t.heap_bytes(),
            }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match &self.repr {
            Repr::Int(s) => parse_i64(member).is_some_and(|n| s.contains(n)),
            Repr::Hash(t) => t.find(member).is_some(),
        }
    }

    fn convert_to_hash(&mut self) {
        if let Repr::Int(s) = &self.repr {
            let mut table = Table::with_capacity(s.len() + 1);
            for n in s.iter() {
                table.insert(&int_bytes(n));
            }
            self.repr = Repr::Hash(table);
        }
    }

    /// Adds `member`; whether it was new. `max_intset` is `set-max-intset-entries`.
    pub fn insert(&mut self, member: &[u8], max_intset: usize) -> bool {
        if let Repr::Int(s) = &mut self.repr {
            match parse_i64(member) {
                Some(n) => {
                    if !s.insert(n) {
                        return false;
                    }
                    if s.len() > max_intset {
                        self.convert_to_hash();
                    }
                    return true;
                }
                None => self.convert_to_hash(),
            }
        }
        match &mut self.repr {
            Repr::Hash(t) => t.insert(member),
            Repr::Int(_) => false,
        }
    }

    /// Removes `member`; whether it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Int(s) => parse_i64(member).is_some_and(|n| s.remove(n)),
            Repr::Hash(t) => t.remove(member),
        }
    }

    /// The intset, when the set is one (for serializing it as Redis lays it out).
    pub fn as_intset(&self) -> Option<&IntSet> {
        match &self.repr {
            Repr::Int(s) => Some(s),
            Repr::Hash(_) => None,
        }
    }

    /// Every member: ascending for an intset, table order otherwise.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, [u8]>> + '_> {
        match &self.repr {
            Repr::Int(s) => Box::new(s.iter().map(|n| Cow::Owned(int_bytes(n)))),
            Repr::Hash(t) => Box::new(t.members.iter().map(|m| Cow::Borrowed(m.as_bytes()))),
        }
    }

    /// The member at position `index` of [`Set::iter`] (O(1)).
    fn nth(&self, index: usize) -> Option<Vec<u8>> {
        match &self.repr {
            Repr::Int(s) => s.get(index).map(int_bytes),
            Repr::Hash(t) => t.members.get(index).map(|m| m.as_bytes().to_vec()),
        }
    }

    /// One member chosen uniformly at random (O(1)).
    pub fn random_member(&self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let index = rand::thread_rng().gen_range(0..self.len());
        self.nth(index)
    }

    /// `want < len` distinct positions chosen uniformly, ascending: O(want) by rejection
    /// when few are wanted, one selection-sampling pass (Knuth's algorithm S) otherwise.
    fn sample_positions(len: usize, want: usize) -> Vec<usize> {
        let mut rng = rand::thread_rng();
        if want.saturating_mul(3) <= len {
            let mut picked = HashSet::with_capacity(want);
            while picked.len() < want {
                picked.insert(rng.gen_range(0..len));
            }
            let mut picked: Vec<usize> = picked.into_iter().collect();
            picked.sort_unstable();
            return picked;
        }
        let mut out = Vec::with_capacity(want);
        for i in 0..len {
            if out.len() == want {
                break;
            }
            if rng.gen_range(0..len - i) < want - out.len() {
                out.push(i);
            }
        }
        out
    }

    /// SRANDMEMBER's count semantics: a positive `count` gives that many distinct members
    /// (all of them when the set is smaller), a negative one `-count` members that may
    /// repeat.
    pub fn random_members(&self, count: i64) -> Vec<Vec<u8>> {
        let len = self.len();
        if len == 0 || count == 0 {
            return Vec::new();
        }
        if count < 0 {
            let want = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
            let mut rng = rand::thread_rng();
            return (0..want)
                .filter_map(|_| self.nth(rng.gen_range(0..len)))
                .collect();
        }
        let want = usize::try_from(count).unwrap_or(usize::MAX);
        if want >= len {
            return self.iter().map(Cow::into_owned).collect();
        }
        Self::sample_positions(len, want)
            .into_iter()
            .filter_map(|i| self.nth(i))
            .collect()
    }

    /// Removes and returns one random member (O(1) for a hash table).
    pub fn pop_random(&mut self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let i = rand::thread_rng().gen_range(0..self.len());
        Some(match &mut self.repr {
            Repr::Int(s) => int_bytes(s.remove_at(i)),
            Repr::Hash(t) => t.remove_at(i).into_vec(),
        })
    }

    /// Removes and returns `count` distinct random members (all when `count >= len`).
    pub fn pop_random_n(&mut self, count: usize) -> Vec<Vec<u8>> {
        let len = self.len();
        if count >= len {
            let all = self.iter().map(Cow::into_owned).collect();
            *self = match self.repr {
                Repr::Int(_) => Set::new(),
                Repr::Hash(_) => Set {
                    repr: Repr::Hash(Table::with_capacity(0)),
                },
            };
            return all;
        }
        let positions = Self::sample_positions(len, count);
        match &mut self.repr {
            Repr::Int(s) => {
                // Rebuild once rather than shifting the array for every member.
                let mut kept = IntSet::new();
                let mut popped = Vec::with_capacity(count);
                let mut next = positions.iter().peekable();
                for (i, n) in s.iter().enumerate() {
                    if next.peek() == Some(&&i) {
                        next.next();
                        popped.push(int_bytes(n));
                    } else {
                        kept.insert(n);
                    }
                }
                kept.shrink_to_fit();
                *s = kept;
                popped
            }
            // Highest position first, so swap-removal never moves a chosen member.
            Repr::Hash(t) => positions
                .into_iter()
                .rev()
                .map(|i| t.remove_at(i).into_vec())
                .collect(),
        }
    }

    /// One SSCAN step from `cursor`: up to `count` members passed to `visit` (O(count));
    /// the next cursor (0 when done). An intset is returned whole with cursor 0, as Redis
    /// does. For a hash table every member present for the whole iteration is returned at
    /// least once, whatever is added or removed in between.
    pub fn scan(&self, cursor: u64, count: usize, mut visit: impl FnMut(&[u8])) -> u64 {
        match &self.repr {
            Repr::Int(s) => {
                for n in s.iter() {
                    visit(&int_bytes(n));
                }
                0
            }
            Repr::Hash(t) => {
                // Walk the dense member array from the top down: positions below the
                // cursor are still to visit. Removal moves the last member into the hole
                // and insertion appends, so a member still to visit never moves into the
                // visited part: every member present for the whole iteration is returned.
                let len = t.len();
                let from = match usize::try_from(cursor) {
                    Ok(0) => len,
                    Ok(c) => c.min(len),
                    Err(_) => len,
                };
                let to = from.saturating_sub(count.max(1));
                for m in t.members[to..from].iter().rev() {
                    visit(m.as_bytes());
                }
                to as u64
            }
        }
    }

    /// Narrows the hash table's hashes to `bits` bits so tests can force collisions.
    #[doc(hidden)]
    pub fn debug_narrow_hashes(&mut self, bits: u32) {
        self.convert_to_hash();
        if let Repr::Hash(t) = &mut self.repr {
            let members = std::mem::take(&mut t.members);
            let mut table = Table::with_capacity(members.len());
            table.mask = (1u32 << bits.min(31)) - 1;
            for m in &members {
                table.insert(m.as_bytes());
            }
            *t = table;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let mut s = Set::new();
        assert!(s.insert(b"1", 2));
        assert!(s.insert(b"2", 2));
        assert_eq!(s.encoding(), "intset");
        assert!(s.insert(b"3", 2));
        assert_eq!(s.encoding(), "hashtable");
        let mut s = Set::new();
        s.insert(b"01", 512);
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"01"));
        assert!(!s.contains(b"1"));
    }
}
