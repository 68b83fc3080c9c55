//! Property tests: [`IntSet`] and [`Set`] against `BTreeSet` models.

use std::collections::BTreeSet;

use cedis_types::intset::IntSet;
use cedis_types::Set;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert(i64),
    Remove(i64),
}

fn value() -> impl Strategy<Value = i64> {
    prop_oneof![
        -300i64..300,
        any::<i16>().prop_map(i64::from),
        any::<i32>().prop_map(i64::from),
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![value().prop_map(Op::Insert), value().prop_map(Op::Remove)]
}

proptest! {
    #[test]
    fn intset_matches_btreeset(ops in proptest::collection::vec(op(), 0..200), probes in proptest::collection::vec(value(), 0..20)) {
        let mut set = IntSet::new();
        let mut model = BTreeSet::new();
        for op in ops {
            match op {
                Op::Insert(v) => prop_assert_eq!(set.insert(v), model.insert(v)),
                Op::Remove(v) => prop_assert_eq!(set.remove(v), model.remove(&v)),
            }
            prop_assert_eq!(set.len(), model.len());
        }
        prop_assert_eq!(set.iter().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
        for p in probes {
            prop_assert_eq!(set.contains(p), model.contains(&p));
        }
        // The width is the narrowest that held every member ever inserted, at least.
        let widest = model.iter().map(|&v| if i16::try_from(v).is_ok() { 2 } else if i32::try_from(v).is_ok() { 4 } else { 8 }).max().unwrap_or(2);
        prop_assert!(set.width() >= widest);
    }

    #[test]
    fn set_matches_btreeset(ops in proptest::collection::vec((any::<bool>(), prop_oneof![value().prop_map(|v| v.to_string()), "[a-c0-9-]{0,3}"]), 0..200), max in 0usize..40) {
        let mut set = Set::new();
        let mut model: BTreeSet<Vec<u8>> = BTreeSet::new();
        let mut converted = false;
        for (insert, member) in ops {
            let m = member.as_bytes();
            if insert {
                prop_assert_eq!(set.insert(m, max), model.insert(m.to_vec()));
            } else {
                prop_assert_eq!(set.remove(m), model.remove(m));
            }
            prop_assert_eq!(set.len(), model.len());
            let all_ints = model.iter().all(|m| cedis_types::number::parse_i64(m).is_some());
            converted |= !all_ints || model.len() > max;
            prop_assert_eq!(set.encoding(), if converted { "hashtable" } else { "intset" });
        }
        let got: BTreeSet<Vec<u8>> = set.iter().map(|m| m.into_owned()).collect();
        prop_assert_eq!(&got, &model);
        let picked: BTreeSet<Vec<u8>> = set.random_members(5).into_iter().collect();
        prop_assert_eq!(picked.len(), model.len().min(5));
        prop_assert!(picked.is_subset(&model));
        let repeated = set.random_members(-7);
        prop_assert_eq!(repeated.len(), if model.is_empty() { 0 } else { 7 });
        // A full SSCAN returns every member.
        let mut scanned = BTreeSet::new();
        let mut cursor = 0;
        loop {
            cursor = set.scan(cursor, 3, |m| { scanned.insert(m.to_vec()); });
            if cursor == 0 { break; }
        }
        prop_assert_eq!(&scanned, &model);
        let popped = set.pop_random_n(4);
        prop_assert_eq!(popped.len(), model.len().min(4));
        for p in &popped {
            prop_assert!(model.remove(p));
        }
        prop_assert_eq!(set.len(), model.len());
    }
}

proptest! {
    /// With hashes narrowed to two bits nearly every member collides: the overflow path
    /// of the hash table must keep insert/remove/lookup/pop/scan right.
    #[test]
    fn colliding_hashes(ops in proptest::collection::vec((0u8..3, "[a-f]{1,2}"), 0..300)) {
        let mut set = Set::new();
        set.insert(b"seed", 512);
        set.debug_narrow_hashes(2);
        let mut model: BTreeSet<Vec<u8>> = BTreeSet::new();
        model.insert(b"seed".to_vec());
        for (op, member) in ops {
            let m = member.as_bytes();
            match op {
                0 => prop_assert_eq!(set.insert(m, 512), model.insert(m.to_vec())),
                1 => prop_assert_eq!(set.remove(m), model.remove(m)),
                _ => {
                    if let Some(p) = set.pop_random() {
                        prop_assert!(model.remove(&p));
                    }
                }
            }
            prop_assert_eq!(set.len(), model.len());
            for probe in ["a", "b", "ab", "ff", "seed"] {
                prop_assert_eq!(set.contains(probe.as_bytes()), model.contains(probe.as_bytes()));
            }
        }
        let got: BTreeSet<Vec<u8>> = set.iter().map(|m| m.into_owned()).collect();
        prop_assert_eq!(&got, &model);
        let mut scanned = BTreeSet::new();
        let mut cursor = 0;
        loop {
            cursor = set.scan(cursor, 2, |m| { scanned.insert(m.to_vec()); });
            if cursor == 0 { break; }
        }
        prop_assert_eq!(&scanned, &model);
        let n = model.len() / 2;
        for p in set.pop_random_n(n) {
            prop_assert!(model.remove(&p));
        }
        let got: BTreeSet<Vec<u8>> = set.iter().map(|m| m.into_owned()).collect();
        prop_assert_eq!(&got, &model);
    }
}

proptest! {
    /// SSCAN on a hash table while members come and go: every member present for the
    /// whole iteration is returned.
    #[test]
    fn scan_survives_changes(
        initial in proptest::collection::btree_set("[a-z]{1,3}", 1..80),
        changes in proptest::collection::vec((any::<bool>(), "[a-z]{1,3}"), 0..200),
        count in 1usize..12,
    ) {
        let mut set = Set::new();
        for m in &initial {
            set.insert(m.as_bytes(), 0);
        }
        let mut stable: BTreeSet<Vec<u8>> = initial.iter().map(|m| m.as_bytes().to_vec()).collect();
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        let mut changes = changes.into_iter();
        loop {
            cursor = set.scan(cursor, count, |m| { seen.insert(m.to_vec()); });
            if cursor == 0 {
                break;
            }
            for (insert, m) in changes.by_ref().take(3) {
                if insert {
                    set.insert(m.as_bytes(), 0);
                } else {
                    set.remove(m.as_bytes());
                    stable.remove(m.as_bytes());
                }
            }
        }
        prop_assert!(stable.is_subset(&seen), "missed {:?}", stable.difference(&seen).collect::<Vec<_>>());
    }
}
