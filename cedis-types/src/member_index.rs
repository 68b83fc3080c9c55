//! [`MemberIndex`]: member → id lookup for large sorted sets (ids of skip-list nodes) and
//! sets (positions in the dense member array).
//!
//! A sorted set needs both orders: by `(score, member)` (the skip list) and by member
//! (ZSCORE, ZADD's "is it there"). Keeping a second copy of every member in a map would
//! double the members' bytes, so this table holds only node ids: an open-addressing array
//! of `(32-bit hash, node id)` slots, 8 bytes each, probed linearly. The caller compares
//! candidates against the node's member; the stored hash makes a mismatch cost no node
//! fetch in all but one case in 2^32. Hashes are SipHash keyed per table, so a client
//! cannot choose members that collide.
//!
//! ```
//! use cedis_types::member_index::MemberIndex;
//!
//! let members: Vec<&[u8]> = vec![b"a", b"b"];
//! let mut index = MemberIndex::default();
//! for (id, m) in members.iter().enumerate() {
//!     index.insert(index.hash(m), id as u32);
//! }
//! let (a, b) = (index.hash(b"a"), index.hash(b"b"));
//! assert_eq!(index.find(b, |id| members[id as usize] == b"b"), Some(1));
//! assert_eq!(index.remove(a, |id| members[id as usize] == b"a"), Some(0));
//! assert_eq!(index.find(a, |id| members[id as usize] == b"a"), None);
//! ```

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

const EMPTY: u32 = u32::MAX;
const MIN_SLOTS: usize = 8;

#[derive(Clone, Copy, Debug)]
struct Slot {
    hash: u32,
    id: u32,
}

const EMPTY_SLOT: Slot = Slot { hash: 0, id: EMPTY };

/// The index; ids are `u32` other than `u32::MAX`.
#[derive(Clone, Debug, Default)]
pub struct MemberIndex {
    /// Empty, or a power of two at least `MIN_SLOTS`, at most 3/4 full.
    slots: Vec<Slot>,
    len: usize,
    hasher: RandomState,
}

impl MemberIndex {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The hash `find`, `insert` and `remove` take for `member`.
    pub fn hash(&self, member: &[u8]) -> u32 {
        // The low half of a keyed 64-bit SipHash.
        self.hasher.hash_one(member) as u32
    }

    /// Heap bytes held by the slot array.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot holding the id with `hash` for which `is` holds.
    fn position(&self, hash: u32, mut is: impl FnMut(u32) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.id == EMPTY {
                return None;
            }
            if slot.hash == hash && is(slot.id) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The id with `hash` for which `is` holds (the caller's member comparison).
    pub fn find(&self, hash: u32, is: impl FnMut(u32) -> bool) -> Option<u32> {
        self.position(hash, is).map(|i| self.slots[i].id)
    }

    /// Adds `id` under `hash`; the caller knows its member is not in the index yet.
    pub fn insert(&mut self, hash: u32, id: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.resize((self.slots.len() * 2).max(MIN_SLOTS));
        }
        self.place(Slot { hash, id });
        self.len += 1;
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.mask();
        let mut i = slot.hash as usize & mask;
        while self.slots[i].id != EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// Changes the id stored for an entry from `from` to `to` (its member moved); whether
    /// it was found.
    pub fn reassign(&mut self, hash: u32, from: u32, to: u32) -> bool {
        match self.position(hash, |id| id == from) {
            Some(i) => {
                self.slots[i].id = to;
                true
            }
            None => false,
        }
    }

    /// Removes and returns the id with `hash` for which `is` holds.
    pub fn remove(&mut self, hash: u32, is: impl FnMut(u32) -> bool) -> Option<u32> {
        let mut hole = self.position(hash, is)?;
        let id = self.slots[hole].id;
        // Backward-shift deletion: pull later slots of the probe run into the hole when
        // their home slot is not after it, so no search stops early at the hole.
        let mask = self.mask();
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let slot = self.slots[j];
            if slot.id == EMPTY {
                break;
            }
            let home = slot.hash as usize & mask;
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.slots[hole] = slot;
                hole = j;
            }
        }
        self.slots[hole] = EMPTY_SLOT;
        self.len -= 1;
        if self.len == 0 {
            self.slots = Vec::new();
        } else if self.len * 8 < self.slots.len() && self.slots.len() > MIN_SLOTS {
            self.resize(self.slots.len() / 2);
        }
        Some(id)
    }

    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; slots]);
        for slot in old.into_iter().filter(|s| s.id != EMPTY) {
            self.place(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// Against a `HashMap`, with hashes squeezed into a few values so probe runs are
        /// long, wrap around the array and get holes punched in them.
        #[test]
        fn matches_a_map(ops in prop::collection::vec((any::<bool>(), 0u32..200), 0..600)) {
            let mut index = MemberIndex::default();
            let mut model: HashMap<u32, u32> = HashMap::new();
            let mut ids: HashMap<u32, u32> = HashMap::new(); // id -> member
            let mut next_id = 0;
            let hash = |m: u32| m % 13;
            for (add, m) in ops {
                if add {
                    if let std::collections::hash_map::Entry::Vacant(slot) = model.entry(m) {
                        index.insert(hash(m), next_id);
                        ids.insert(next_id, m);
                        slot.insert(next_id);
                        next_id += 1;
                    }
                } else {
                    let removed = index.remove(hash(m), |id| ids[&id] == m);
                    prop_assert_eq!(removed, model.remove(&m));
                }
                prop_assert_eq!(index.len(), model.len());
            }
            for m in 0..200 {
                let found = index.find(hash(m), |id| ids[&id] == m);
                prop_assert_eq!(found, model.get(&m).copied());
            }
        }
    }
}
