//! A skip list ordered by `(score, member)`, as Redis's `zskiplist`: nodes live in an
//! arena (`Vec` with index links and a free list), levels are drawn with p = 0.25 up to
//! 32, and every forward link carries its span so ranks are found in O(log n).
//!
//! A search spends its time fetching nodes, so a node keeps its score and, for nodes of up
//! to [`INLINE_LEVELS`] levels (98% of them), its forward links in one 64-byte arena slot:
//! a step to the next node touches one cache line, not two. Taller nodes keep their links
//! in a boxed slice. Spans are `u32`: a sorted set holds fewer than 2^32 members.
//!
//! Scores are never NaN (the zset refuses them), so `f64` ordering is total here.

use std::cmp::Ordering;

/// Maximum number of levels.
pub const MAX_LEVEL: usize = 32;
/// Levels a node keeps inline (see the module docs).
pub const INLINE_LEVELS: usize = 3;
const NIL: u32 = u32::MAX;
const HEAD: u32 = 0;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Link {
    forward: u32,
    span: u32,
}

const EMPTY_LINK: Link = Link {
    forward: NIL,
    span: 0,
};

/// A node's forward links, one per level.
#[derive(Clone, Debug, PartialEq)]
enum Tower {
    Inline {
        height: u8,
        links: [Link; INLINE_LEVELS],
    },
    Boxed(Box<[Link]>),
}

impl Tower {
    fn new(height: usize) -> Tower {
        match u8::try_from(height) {
            Ok(h) if height <= INLINE_LEVELS => Tower::Inline {
                height: h,
                links: [EMPTY_LINK; INLINE_LEVELS],
            },
            _ => Tower::Boxed(vec![EMPTY_LINK; height].into_boxed_slice()),
        }
    }

    fn links(&self) -> &[Link] {
        match self {
            Tower::Inline { height, links } => &links[..usize::from(*height)],
            Tower::Boxed(links) => links,
        }
    }

    fn links_mut(&mut self) -> &mut [Link] {
        match self {
            Tower::Inline { height, links } => &mut links[..usize::from(*height)],
            Tower::Boxed(links) => links,
        }
    }
}

impl std::ops::Index<usize> for Tower {
    type Output = Link;
    fn index(&self, level: usize) -> &Link {
        &self.links()[level]
    }
}

impl std::ops::IndexMut<usize> for Tower {
    fn index_mut(&mut self, level: usize) -> &mut Link {
        &mut self.links_mut()[level]
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Node {
    score: f64,
    member: Box<[u8]>,
    backward: u32,
    levels: Tower,
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
#[derive(Clone, Debug, PartialEq)]
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<u32>,
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

impl SkipList {
    pub fn new() -> SkipList {
        let head = Node {
            score: 0.0,
            member: Box::default(),
            backward: NIL,
            levels: Tower::new(MAX_LEVEL),
        };
        SkipList {
            nodes: vec![head],
            free: Vec::new(),
            level: 1,
            len: 0,
            tail: NIL,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of bookkeeping a node of `levels` levels costs besides its member.
    pub fn node_overhead(levels: usize) -> usize {
        let boxed = if levels > INLINE_LEVELS {
            levels * std::mem::size_of::<Link>()
        } else {
            0
        };
        std::mem::size_of::<Node>() + boxed
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

    fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    fn node_mut(&mut self, i: u32) -> &mut Node {
        &mut self.nodes[i as usize]
    }

    /// For each level, the last node before `(score, member)` and its rank (0 = head).
    fn find_update(&self, score: f64, member: &[u8]) -> ([u32; MAX_LEVEL], [usize; MAX_LEVEL]) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i + 1 == self.level { 0 } else { rank[i + 1] };
            loop {
                let next = self.node(x).levels[i].forward;
                if next == NIL {
                    break;
                }
                let n = self.node(next);
                if cmp_entry(n.score, &n.member, score, member) == Ordering::Less {
                    rank[i] += self.node(x).levels[i].span as usize;
                    x = next;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        (update, rank)
    }

    /// Inserts `(score, member)`, which must not be present. Returns the new node's level.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> usize {
        let (mut update, mut rank) = self.find_update(score, member);
        let level = self.random_level();
        if level > self.level {
            for i in self.level..level {
                rank[i] = 0;
                update[i] = HEAD;
                self.nodes[0].levels[i].span = span(self.len);
            }
            self.level = level;
        }
        let node = Node {
            score,
            member: member.into(),
            backward: NIL,
            levels: Tower::new(level),
        };
        let x = match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = node;
                i
            }
            None => {
                self.nodes.push(node);
                u32::try_from(self.nodes.len() - 1).unwrap_or(NIL)
            }
        };
        for i in 0..level {
            let prev = update[i];
            let prev_link = self.node(prev).levels[i];
            let behind = span(rank[0] - rank[i]);
            self.node_mut(x).levels[i] = Link {
                forward: prev_link.forward,
                span: prev_link.span - behind,
            };
            let p = &mut self.node_mut(prev).levels[i];
            p.forward = x;
            p.span = behind + 1;
        }
        for (i, u) in update.iter().enumerate().take(self.level).skip(level) {
            self.nodes[*u as usize].levels[i].span += 1;
        }
        self.node_mut(x).backward = if update[0] == HEAD { NIL } else { update[0] };
        let next = self.node(x).levels[0].forward;
        if next == NIL {
            self.tail = x;
        } else {
            self.node_mut(next).backward = x;
        }
        self.len += 1;
        level
    }

    /// Removes `(score, member)`; its level if it was present.
    pub fn delete(&mut self, score: f64, member: &[u8]) -> Option<usize> {
        let (update, _) = self.find_update(score, member);
        let x = self.node(update[0]).levels[0].forward;
        if x == NIL {
            return None;
        }
        {
            let n = self.node(x);
            if cmp_entry(n.score, &n.member, score, member) != Ordering::Equal {
                return None;
            }
        }
        let level = self.node(x).levels.links().len();
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let x_link = self.node(x).levels.links().get(i).copied();
            let link = &mut self.nodes[u as usize].levels[i];
            match x_link {
                Some(xl) if link.forward == x => {
                    link.span += xl.span;
                    link.span -= 1;
                    link.forward = xl.forward;
                }
                _ => link.span -= 1,
            }
        }
        let next = self.node(x).levels[0].forward;
        let back = self.node(x).backward;
        if next == NIL {
            self.tail = back;
        } else {
            self.node_mut(next).backward = back;
        }
        while self.level > 1 && self.nodes[0].levels[self.level - 1].forward == NIL {
            self.level -= 1;
        }
        let node = self.node_mut(x);
        node.member = Box::default();
        node.levels = Tower::new(0);
        self.free.push(x);
        self.len -= 1;
        Some(level)
    }

    /// Changes the score of `member` from `old` to `new`; the node's old and new levels,
    /// `None` if `(old, member)` was not present.
    pub fn update_score(&mut self, old: f64, member: &[u8], new: f64) -> Option<(usize, usize)> {
        let before = self.delete(old, member)?;
        Some((before, self.insert(new, member)))
    }

    /// The number of leading elements for which `pred` holds; `pred` must hold for a
    /// prefix of the list and fail for the rest (a range bound, for example).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut x = HEAD;
        let mut rank = 0;
        for i in (0..self.level).rev() {
            loop {
                let next = self.node(x).levels[i].forward;
                if next == NIL {
                    break;
                }
                let n = self.node(next);
                if pred(n.score, &n.member) {
                    rank += self.node(x).levels[i].span as usize;
                    x = next;
                } else {
                    break;
                }
            }
        }
        rank
    }

    /// The 0-based rank of `(score, member)`, if present.
    pub fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let before = self.count_while(|s, m| cmp_entry(s, m, score, member) == Ordering::Less);
        match self.get_by_rank(before) {
            Some((s, m)) if cmp_entry(s, m, score, member) == Ordering::Equal => Some(before),
            _ => None,
        }
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
                let link = self.node(x).levels[i];
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
        (x != NIL).then(|| {
            let n = self.node(x);
            (n.score, &n.member[..])
        })
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
        let mut x = self.nodes[0].levels[0].forward;
        let mut prev = NIL;
        let mut r = 0usize;
        while x != NIL {
            r += 1;
            ranks.insert(x, r);
            let n = self.node(x);
            if n.backward != if prev == NIL { NIL } else { prev } {
                return Err(format!("bad backward at rank {r}"));
            }
            if prev != NIL {
                let p = self.node(prev);
                if cmp_entry(p.score, &p.member, n.score, &n.member) != Ordering::Less {
                    return Err(format!("out of order at rank {r}"));
                }
            }
            prev = x;
            x = n.levels[0].forward;
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
            loop {
                let node = self.node(x);
                let Some(link) = node.levels.links().get(i) else {
                    break;
                };
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
        let n = self.list.node(self.at);
        self.at = if self.rev {
            n.backward
        } else {
            n.levels[0].forward
        };
        Some((n.score, &n.member[..]))
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    /// The point of the inline tower: a node fits a 64-byte cache line.
    #[test]
    fn a_node_fits_a_cache_line() {
        assert!(
            std::mem::size_of::<Node>() <= 64,
            "{}",
            std::mem::size_of::<Node>()
        );
    }
}
