//! A skip list ordered by `(score, member)`, as Redis's `zskiplist`: levels are drawn with
//! p = 0.25 up to 32, and every forward link carries its span so ranks are found in
//! O(log n).
//!
//! A search spends its time fetching nodes, so a node is one 64-byte, cache-line-aligned
//! arena slot holding the score, the first [`INLINE_LEVELS`] forward links (98% of nodes
//! have no more) and, up to [`INLINE_MEMBER_LEN`] bytes, the member itself: one step of a
//! search touches one line, and a typical entry costs 64 bytes with no allocation of its
//! own. Taller nodes keep their upper links, and longer members their bytes, in side
//! tables the node points into by index. Spans are `u32`: a sorted set holds fewer than
//! 2^32 members.
//!
//! Nodes keep their [`NodeId`] for as long as they are in the list, even when their score
//! changes, so the sorted set indexes members by node id instead of storing them twice.
//!
//! Scores are never NaN (the zset refuses them), so `f64` ordering is total here.
//!
//! ```
//! use cedis_types::skiplist::SkipList;
//!
//! let mut list = SkipList::new();
//! let (id, _level) = list.insert_node(2.0, b"b");
//! list.insert(1.0, b"a");
//! assert_eq!(list.rank(2.0, b"b"), Some(1));
//! list.update_node_score(id, 0.5);
//! assert_eq!(list.entry(id), (0.5, &b"b"[..]));
//! assert_eq!(list.get_by_rank(0), Some((0.5, &b"b"[..])));
//! ```

use std::cmp::Ordering;

/// Maximum number of levels.
pub const MAX_LEVEL: usize = 32;
/// Levels a node keeps inline (see the module docs).
pub const INLINE_LEVELS: usize = 3;
/// Members up to this many bytes are stored inside their node.
pub const INLINE_MEMBER_LEN: usize = 22;
const NIL: u32 = u32::MAX;
const HEAD: u32 = 0;
/// The first member byte of a node whose member lives in `SkipList::long_members`.
const LONG_MEMBER: u8 = u8::MAX;

/// A node's index in the list's arena; stable while the node is in the list.
pub type NodeId = u32;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Link {
    forward: u32,
    span: u32,
}

const EMPTY_LINK: Link = Link {
    forward: NIL,
    span: 0,
};

/// One entry: exactly one cache line (checked by a test below).
#[derive(Clone, Debug)]
#[repr(align(64))]
struct Node {
    score: f64,
    links: [Link; INLINE_LEVELS],
    backward: u32,
    /// Index in `SkipList::towers` of the links of levels `INLINE_LEVELS..height`; `NIL`
    /// for a node no taller than `INLINE_LEVELS`.
    upper: u32,
    height: u8,
    /// `[len, bytes...]` for a member of up to `INLINE_MEMBER_LEN` bytes, or
    /// `[LONG_MEMBER, index as 4 little-endian bytes, ...]` for one kept in
    /// `SkipList::long_members`.
    member: [u8; INLINE_MEMBER_LEN + 1],
}

impl Default for Node {
    fn default() -> Node {
        Node {
            score: 0.0,
            links: [EMPTY_LINK; INLINE_LEVELS],
            backward: NIL,
            upper: NIL,
            height: 0,
            member: [0; INLINE_MEMBER_LEN + 1],
        }
    }
}

/// A `Vec` with a free list: an item keeps its index while it is in.
#[derive(Clone, Debug, Default)]
struct Slab<T> {
    items: Vec<T>,
    free: Vec<u32>,
}

impl<T: Default> Slab<T> {
    fn insert(&mut self, item: T) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.items[i as usize] = item;
                i
            }
            None => {
                self.items.push(item);
                u32::try_from(self.items.len() - 1).unwrap_or(NIL)
            }
        }
    }

    fn remove(&mut self, i: u32) -> T {
        self.free.push(i);
        std::mem::take(&mut self.items[i as usize])
    }
}

/// A span as stored: rank differences, below 2^32 (see the module docs).
fn span(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Compares `(score, member)` pairs the way the list orders them.
pub fn cmp_entry(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> Ordering {
    a_score
        .partial_cmp(&b_score)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a_member.cmp(b_member))
}

/// The skip list.
#[derive(Clone, Debug)]
pub struct SkipList {
    nodes: Slab<Node>,
    towers: Slab<Box<[Link]>>,
    long_members: Slab<Box<[u8]>>,
    level: usize,
    len: usize,
    tail: u32,
    rng: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        SkipList::new()
    }
}

impl PartialEq for SkipList {
    /// Equal when they hold the same entries (however their nodes are laid out).
    fn eq(&self, other: &SkipList) -> bool {
        self.len == other.len && self.iter_from(0, false).eq(other.iter_from(0, false))
    }
}

impl SkipList {
    pub fn new() -> SkipList {
        let mut list = SkipList {
            nodes: Slab::default(),
            towers: Slab::default(),
            long_members: Slab::default(),
            level: 1,
            len: 0,
            tail: NIL,
            rng: 0x9E37_79B9_7F4A_7C15,
        };
        let head = list.alloc_node(0.0, b"", MAX_LEVEL);
        debug_assert_eq!(head, HEAD);
        list
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes an entry of `levels` levels with a `member_len`-byte member costs: its node,
    /// plus the side-table entries of a tall node or a long member.
    pub fn entry_bytes(member_len: usize, levels: usize) -> usize {
        let tower = if levels > INLINE_LEVELS {
            std::mem::size_of::<Box<[Link]>>()
                + (levels - INLINE_LEVELS) * std::mem::size_of::<Link>()
        } else {
            0
        };
        let member = if member_len > INLINE_MEMBER_LEN {
            std::mem::size_of::<Box<[u8]>>() + member_len
        } else {
            0
        };
        std::mem::size_of::<Node>() + tower + member
    }

    /// Live entries of the side tables (long members, tall towers): each is an allocation
    /// of its own.
    pub fn side_allocations(&self) -> usize {
        let live = |items: usize, free: usize| items - free;
        live(self.long_members.items.len(), self.long_members.free.len())
            + live(self.towers.items.len(), self.towers.free.len())
    }

    fn random_level(&mut self) -> usize {
        let mut level = 1;
        loop {
            // xorshift64*
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            let r = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
            if level < MAX_LEVEL && (r & 0xFFFF) < 0xFFFF / 4 {
                level += 1;
            } else {
                return level;
            }
        }
    }

    fn node(&self, x: u32) -> &Node {
        &self.nodes.items[x as usize]
    }

    fn node_mut(&mut self, x: u32) -> &mut Node {
        &mut self.nodes.items[x as usize]
    }

    fn height(&self, x: u32) -> usize {
        usize::from(self.node(x).height)
    }

    fn link(&self, x: u32, level: usize) -> Link {
        let n = self.node(x);
        debug_assert!(level < usize::from(n.height));
        if level < INLINE_LEVELS {
            n.links[level]
        } else {
            self.towers.items[n.upper as usize][level - INLINE_LEVELS]
        }
    }

    fn link_mut(&mut self, x: u32, level: usize) -> &mut Link {
        let n = &mut self.nodes.items[x as usize];
        debug_assert!(level < usize::from(n.height));
        if level < INLINE_LEVELS {
            &mut n.links[level]
        } else {
            &mut self.towers.items[n.upper as usize][level - INLINE_LEVELS]
        }
    }

    fn member(&self, x: u32) -> &[u8] {
        let m = &self.node(x).member;
        if m[0] == LONG_MEMBER {
            let i = u32::from_le_bytes([m[1], m[2], m[3], m[4]]);
            &self.long_members.items[i as usize]
        } else {
            &m[1..1 + usize::from(m[0])]
        }
    }

    /// The score and member of a node in the list.
    pub fn entry(&self, id: NodeId) -> (f64, &[u8]) {
        (self.node(id).score, self.member(id))
    }

    /// Whether node `x` sorts before `(score, member)`; the member is only read on a tie.
    fn before(&self, x: u32, score: f64, member: &[u8]) -> bool {
        match self.node(x).score.partial_cmp(&score) {
            Some(Ordering::Less) => true,
            Some(Ordering::Greater) => false,
            _ => self.member(x) < member,
        }
    }

    fn alloc_node(&mut self, score: f64, member: &[u8], height: usize) -> u32 {
        let mut node = Node {
            score,
            height: u8::try_from(height).unwrap_or(u8::MAX),
            ..Node::default()
        };
        if height > INLINE_LEVELS {
            node.upper = self
                .towers
                .insert(vec![EMPTY_LINK; height - INLINE_LEVELS].into_boxed_slice());
        }
        match u8::try_from(member.len()) {
            Ok(len) if member.len() <= INLINE_MEMBER_LEN => {
                node.member[0] = len;
                node.member[1..1 + member.len()].copy_from_slice(member);
            }
            _ => {
                let i = self.long_members.insert(member.into());
                node.member[0] = LONG_MEMBER;
                node.member[1..5].copy_from_slice(&i.to_le_bytes());
            }
        }
        self.nodes.insert(node)
    }

    fn free_node(&mut self, x: u32) {
        let node = self.nodes.remove(x);
        if node.upper != NIL {
            self.towers.remove(node.upper);
        }
        if node.member[0] == LONG_MEMBER {
            let m = &node.member;
            self.long_members
                .remove(u32::from_le_bytes([m[1], m[2], m[3], m[4]]));
        }
    }

    /// For each level, the last node before `(score, member)` and its rank (0 = head).
    fn find_update(&self, score: f64, member: &[u8]) -> ([u32; MAX_LEVEL], [usize; MAX_LEVEL]) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i + 1 == self.level { 0 } else { rank[i + 1] };
            loop {
                let link = self.link(x, i);
                if link.forward == NIL || !self.before(link.forward, score, member) {
                    break;
                }
                rank[i] += link.span as usize;
                x = link.forward;
            }
            update[i] = x;
        }
        (update, rank)
    }

    /// The node holding `(score, member)`.
    pub fn find(&self, score: f64, member: &[u8]) -> Option<NodeId> {
        let (update, _) = self.find_update(score, member);
        let x = self.link(update[0], 0).forward;
        (x != NIL && self.entry(x) == (score, member)).then_some(x)
    }

    /// Inserts `(score, member)`, which must not be present. Returns the new node's level.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> usize {
        self.insert_node(score, member).1
    }

    /// Inserts `(score, member)`, which must not be present: the new node and its level.
    pub fn insert_node(&mut self, score: f64, member: &[u8]) -> (NodeId, usize) {
        let (update, rank) = self.find_update(score, member);
        let level = self.random_level();
        let x = self.alloc_node(score, member, level);
        self.link_in(x, update, rank);
        (x, level)
    }

    /// Links node `x` in after the nodes `update` (at ranks `rank`) found for its entry.
    fn link_in(&mut self, x: u32, mut update: [u32; MAX_LEVEL], mut rank: [usize; MAX_LEVEL]) {
        let level = self.height(x);
        if level > self.level {
            for i in self.level..level {
                rank[i] = 0;
                update[i] = HEAD;
                self.link_mut(HEAD, i).span = span(self.len);
            }
            self.level = level;
        }
        for i in 0..level {
            let prev = update[i];
            let prev_link = self.link(prev, i);
            let behind = span(rank[0] - rank[i]);
            *self.link_mut(x, i) = Link {
                forward: prev_link.forward,
                span: prev_link.span - behind,
            };
            *self.link_mut(prev, i) = Link {
                forward: x,
                span: behind + 1,
            };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(level) {
            self.link_mut(u, i).span += 1;
        }
        self.node_mut(x).backward = if update[0] == HEAD { NIL } else { update[0] };
        let next = self.link(x, 0).forward;
        if next == NIL {
            self.tail = x;
        } else {
            self.node_mut(next).backward = x;
        }
        self.len += 1;
    }

    /// Takes node `x` out of the list (the node itself stays allocated); `update` is what
    /// `find_update` returned for its entry.
    fn unlink(&mut self, x: u32, update: &[u32; MAX_LEVEL]) {
        let height = self.height(x);
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let x_link = (i < height).then(|| self.link(x, i));
            let link = self.link_mut(u, i);
            match x_link {
                Some(xl) if link.forward == x => {
                    link.span += xl.span;
                    link.span -= 1;
                    link.forward = xl.forward;
                }
                _ => link.span -= 1,
            }
        }
        let next = self.link(x, 0).forward;
        let back = self.node(x).backward;
        if next == NIL {
            self.tail = back;
        } else {
            self.node_mut(next).backward = back;
        }
        while self.level > 1 && self.link(HEAD, self.level - 1).forward == NIL {
            self.level -= 1;
        }
        self.len -= 1;
    }

    /// Removes `(score, member)`; its level if it was present.
    pub fn delete(&mut self, score: f64, member: &[u8]) -> Option<usize> {
        let (update, _) = self.find_update(score, member);
        let x = self.link(update[0], 0).forward;
        if x == NIL || self.entry(x) != (score, member) {
            return None;
        }
        Some(self.delete_at(x, &update))
    }

    /// Removes node `id`; its level.
    pub fn delete_node(&mut self, id: NodeId) -> usize {
        let (score, member) = self.entry(id);
        let (update, _) = self.find_update(score, member);
        self.delete_at(id, &update)
    }

    fn delete_at(&mut self, x: u32, update: &[u32; MAX_LEVEL]) -> usize {
        let level = self.height(x);
        self.unlink(x, update);
        self.free_node(x);
        level
    }

    /// Changes the score of `member` from `old` to `new`; the node's old and new levels,
    /// `None` if `(old, member)` was not present.
    pub fn update_score(&mut self, old: f64, member: &[u8], new: f64) -> Option<(usize, usize)> {
        let x = self.find(old, member)?;
        self.update_node_score(x, new);
        let level = self.height(x);
        Some((level, level))
    }

    /// Changes node `id`'s score. The node stays where it is when its neighbours still
    /// bracket the new score (no search at all); otherwise it is unlinked and linked in
    /// again at its new place, keeping its id, level and member.
    pub fn update_node_score(&mut self, id: NodeId, new: f64) {
        // The search for the node's place comes first: unlinking needs it anyway, and it
        // leaves the previous node in the cache for the neighbour check.
        let (old, member) = self.entry(id);
        let (update, _) = self.find_update(old, member);
        let back = update[0];
        let next = self.link(id, 0).forward;
        let after_back = back == HEAD || self.before(back, new, member);
        let before_next = next == NIL || {
            let (s, m) = self.entry(next);
            cmp_entry(new, member, s, m) == Ordering::Less
        };
        if after_back && before_next {
            self.node_mut(id).score = new;
            return;
        }
        self.unlink(id, &update);
        self.node_mut(id).score = new;
        let (update, rank) = self.find_update(new, self.member(id));
        self.link_in(id, update, rank);
    }

    /// The number of leading elements for which `pred` holds; `pred` must hold for a
    /// prefix of the list and fail for the rest (a range bound, for example).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut x = HEAD;
        let mut rank = 0;
        for i in (0..self.level).rev() {
            loop {
                let link = self.link(x, i);
                if link.forward == NIL {
                    break;
                }
                let (score, member) = self.entry(link.forward);
                if pred(score, member) {
                    rank += link.span as usize;
                    x = link.forward;
                } else {
                    break;
                }
            }
        }
        rank
    }

    /// The 0-based rank of `(score, member)`, if present.
    pub fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let (update, rank) = self.find_update(score, member);
        let x = self.link(update[0], 0).forward;
        (x != NIL && self.entry(x) == (score, member)).then_some(rank[0])
    }

    fn node_by_rank(&self, rank: usize) -> u32 {
        if rank >= self.len {
            return NIL;
        }
        let target = rank + 1;
        let mut x = HEAD;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let link = self.link(x, i);
                let link_span = link.span as usize;
                if link.forward != NIL && traversed + link_span <= target {
                    traversed += link_span;
                    x = link.forward;
                } else {
                    break;
                }
            }
            if traversed == target {
                return x;
            }
        }
        NIL
    }

    /// The element at 0-based `rank`.
    pub fn get_by_rank(&self, rank: usize) -> Option<(f64, &[u8])> {
        let x = self.node_by_rank(rank);
        (x != NIL).then(|| self.entry(x))
    }

    /// The elements from 0-based rank `start` on, in order (or in reverse order when `rev`,
    /// going towards rank 0).
    pub fn iter_from(&self, start: usize, rev: bool) -> Iter<'_> {
        Iter {
            list: self,
            at: self.node_by_rank(start),
            rev,
        }
    }

    /// Checks the structure (ordering, spans, backward links, length); for tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        // Rank of every node along level 0.
        let mut ranks = std::collections::HashMap::new();
        let mut x = self.link(HEAD, 0).forward;
        let mut prev = NIL;
        let mut r = 0usize;
        while x != NIL {
            r += 1;
            ranks.insert(x, r);
            if self.node(x).backward != prev {
                return Err(format!("bad backward at rank {r}"));
            }
            if prev != NIL {
                let (ps, pm) = self.entry(prev);
                let (s, m) = self.entry(x);
                if cmp_entry(ps, pm, s, m) != Ordering::Less {
                    return Err(format!("out of order at rank {r}"));
                }
            }
            prev = x;
            x = self.link(x, 0).forward;
        }
        if r != self.len {
            return Err(format!("len {} but {} nodes", self.len, r));
        }
        if self.tail != prev {
            return Err("bad tail".into());
        }
        for i in 0..MAX_LEVEL {
            let mut x = HEAD;
            let mut rank_x = 0usize;
            while i < self.height(x) {
                let link = self.link(x, i);
                if i >= self.level {
                    if link.forward != NIL {
                        return Err(format!("link above level {}", self.level));
                    }
                    break;
                }
                if link.forward == NIL {
                    break;
                }
                let rank_next = ranks[&link.forward];
                if rank_next - rank_x != link.span as usize {
                    return Err(format!("bad span at level {i}"));
                }
                x = link.forward;
                rank_x = rank_next;
            }
        }
        Ok(())
    }
}

/// Iterator over `(score, member)` from a rank, forward or backward.
pub struct Iter<'a> {
    list: &'a SkipList,
    at: u32,
    rev: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (f64, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.at == NIL {
            return None;
        }
        let x = self.at;
        self.at = if self.rev {
            self.list.node(x).backward
        } else {
            self.list.link(x, 0).forward
        };
        Some(self.list.entry(x))
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    /// The point of the layout: a node is one 64-byte cache line.
    #[test]
    fn a_node_is_a_cache_line() {
        assert_eq!(std::mem::size_of::<Node>(), 64);
        assert_eq!(std::mem::align_of::<Node>(), 64);
    }

    #[test]
    fn long_members_and_tall_nodes_live_in_side_tables() {
        let mut list = SkipList::new();
        let long = vec![b'x'; INLINE_MEMBER_LEN + 1];
        let exact = vec![b'y'; INLINE_MEMBER_LEN - 4];
        for i in 0..2000u32 {
            let mut m = if i % 2 == 0 {
                long.clone()
            } else {
                exact.clone()
            };
            m.extend_from_slice(&i.to_be_bytes());
            list.insert(f64::from(i % 7), &m);
        }
        list.check_invariants().unwrap();
        assert!(!list.towers.items.is_empty() && !list.long_members.items.is_empty());
        for i in (0..2000u32).step_by(3) {
            let mut m = if i % 2 == 0 {
                long.clone()
            } else {
                exact.clone()
            };
            m.extend_from_slice(&i.to_be_bytes());
            assert!(list.delete(f64::from(i % 7), &m).is_some());
        }
        list.check_invariants().unwrap();
        let live = list.long_members.items.len() - list.long_members.free.len();
        assert_eq!(
            live,
            (0..2000u32).filter(|i| i % 2 == 0 && i % 3 != 0).count()
        );
    }
}
