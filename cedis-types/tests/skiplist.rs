//! The skip list and the zset against a `BTreeSet<(score, member)>` model after random
//! insert/delete/update sequences: order, spans (checked structurally), ranks, elements
//! by rank and range counts.

use std::collections::{BTreeMap, BTreeSet};

use cedis_types::skiplist::SkipList;
use cedis_types::zset::ZSet;
use proptest::prelude::*;

/// `f64` ordered totally (the lists never hold NaN).
#[derive(Clone, Copy, Debug, PartialEq)]
struct OrderedScore(f64);
impl Eq for OrderedScore {}
impl PartialOrd for OrderedScore {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrderedScore {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[derive(Clone, Debug)]
enum Op {
    Insert(i8, u8),
    Delete(u8),
    Update(u8, i8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<i8>(), any::<u8>()).prop_map(|(s, m)| Op::Insert(s, m)),
        1 => any::<u8>().prop_map(Op::Delete),
        1 => (any::<u8>(), any::<i8>()).prop_map(|(m, s)| Op::Update(m, s)),
    ]
}

/// Every fifth member is longer than a node holds inline.
fn member(m: u8) -> Vec<u8> {
    let m = m % 64;
    if m % 5 == 0 {
        format!("long-member-{m:0>20}").into_bytes()
    } else {
        format!("m{m}").into_bytes()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn skiplist_matches_model(ops in prop::collection::vec(op(), 0..300)) {
        let mut list = SkipList::new();
        let mut scores: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
        let mut model: BTreeSet<(OrderedScore, Vec<u8>)> = BTreeSet::new();
        for op in ops {
            match op {
                Op::Insert(s, m) => {
                    let (s, m) = (f64::from(s) / 4.0, member(m));
                    if !scores.contains_key(&m) {
                        list.insert(s, &m);
                        scores.insert(m.clone(), s);
                        model.insert((OrderedScore(s), m));
                    }
                }
                Op::Delete(m) => {
                    let m = member(m);
                    let expected = scores.remove(&m);
                    let got = match expected {
                        Some(s) => {
                            model.remove(&(OrderedScore(s), m.clone()));
                            list.delete(s, &m).is_some()
                        }
                        None => list.delete(0.0, &m).is_some(),
                    };
                    prop_assert_eq!(got, expected.is_some());
                }
                Op::Update(m, s) => {
                    let (m, s) = (member(m), f64::from(s));
                    if let Some(old) = scores.insert(m.clone(), s) {
                        list.update_score(old, &m, s);
                        model.remove(&(OrderedScore(old), m.clone()));
                        model.insert((OrderedScore(s), m));
                    } else {
                        scores.remove(&m);
                    }
                }
            }
            prop_assert!(list.check_invariants().is_ok(), "{:?}", list.check_invariants());
            prop_assert_eq!(list.len(), model.len());
        }
        let items: Vec<(f64, Vec<u8>)> =
            list.iter_from(0, false).map(|(s, m)| (s, m.to_vec())).collect();
        let expected: Vec<(f64, Vec<u8>)> =
            model.iter().map(|(s, m)| (s.0, m.clone())).collect();
        prop_assert_eq!(&items, &expected);
        let mut rev: Vec<(f64, Vec<u8>)> = list
            .iter_from(model.len().saturating_sub(1), true)
            .map(|(s, m)| (s, m.to_vec()))
            .collect();
        rev.reverse();
        prop_assert_eq!(&rev, &expected);
        for (rank, (s, m)) in expected.iter().enumerate() {
            prop_assert_eq!(list.rank(*s, m), Some(rank));
            prop_assert_eq!(list.get_by_rank(rank), Some((*s, &m[..])));
        }
        prop_assert_eq!(list.get_by_rank(expected.len()), None);
        for bound in -40..40 {
            let bound = f64::from(bound) / 2.0;
            let below = expected.iter().filter(|(s, _)| *s < bound).count();
            prop_assert_eq!(list.count_while(|s, _| s < bound), below);
        }
    }

    #[test]
    fn zset_matches_model_across_encodings(
        ops in prop::collection::vec(op(), 0..300),
        max_entries in 0usize..40,
    ) {
        let mut z = ZSet::new();
        let mut scores: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(s, m) | Op::Update(m, s) => {
                    let (s, m) = (f64::from(s) / 8.0, member(m));
                    z.insert(s, &m, max_entries, 64);
                    scores.insert(m, s);
                }
                Op::Delete(m) => {
                    let m = member(m);
                    prop_assert_eq!(z.remove(&m), scores.remove(&m).is_some());
                }
            }
            prop_assert_eq!(z.len(), scores.len());
        }
        let mut expected: Vec<(OrderedScore, Vec<u8>)> =
            scores.iter().map(|(m, s)| (OrderedScore(*s), m.clone())).collect();
        expected.sort();
        let items: Vec<(OrderedScore, Vec<u8>)> =
            z.iter_from(0, false).map(|(s, m)| (OrderedScore(s), m.to_vec())).collect();
        prop_assert_eq!(&items, &expected);
        for (rank, (s, m)) in expected.iter().enumerate() {
            prop_assert_eq!(z.rank(m), Some(rank));
            prop_assert_eq!(z.score(m), Some(s.0));
        }
        if scores.len() > max_entries {
            prop_assert_eq!(z.encoding(), "skiplist");
        }
        // Emptying the set returns the memory counter to an empty set's.
        let before_empty = ZSet::new().mem_usage();
        let n = z.len();
        prop_assert_eq!(z.remove_rank_range(0, n), n);
        prop_assert!(z.is_empty());
        if z.encoding() == "listpack" {
            prop_assert_eq!(z.mem_usage(), before_empty);
        } else {
            prop_assert_eq!(z.mem_usage(), ZSet::new_skiplist().mem_usage());
        }
    }
}

#[test]
fn long_members_convert() {
    let mut z = ZSet::new();
    z.insert(1.0, b"a", 128, 64);
    assert_eq!(z.encoding(), "listpack");
    z.insert(2.0, &[b'x'; 65], 128, 64);
    assert_eq!(z.encoding(), "skiplist");
    assert_eq!(z.rank(b"a"), Some(0));
    assert_eq!(z.score(&[b'x'; 65]), Some(2.0));
}

#[test]
fn a_large_list_keeps_log_ranks() {
    let mut list = SkipList::new();
    for i in 0..10_000u32 {
        list.insert(f64::from(i % 100), &i.to_be_bytes());
    }
    list.check_invariants().unwrap();
    for i in (0..10_000u32).step_by(97) {
        let rank = list.rank(f64::from(i % 100), &i.to_be_bytes()).unwrap();
        assert_eq!(
            list.get_by_rank(rank),
            Some((f64::from(i % 100), &i.to_be_bytes()[..]))
        );
    }
    for i in 0..5_000u32 {
        assert!(list.delete(f64::from(i % 100), &i.to_be_bytes()).is_some());
    }
    list.check_invariants().unwrap();
    assert_eq!(list.len(), 5_000);
}
