//! Property tests of [`Hash`]: it behaves as a map in both encodings, and HSCAN returns
//! every field present for a whole iteration even when the hash changes between calls.

use std::collections::{BTreeMap, BTreeSet};

use cedis_types::hash::{Hash, Limits};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Set(u8, Vec<u8>),
    Del(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..40, proptest::collection::vec(any::<u8>(), 0..12)).prop_map(|(f, v)| Op::Set(f, v)),
        1 => (0u8..40).prop_map(Op::Del),
    ]
}

fn field(f: u8) -> Vec<u8> {
    format!("field-{f}").into_bytes()
}

proptest! {
    #[test]
    fn behaves_like_a_map(ops in proptest::collection::vec(op(), 0..300), max_entries in 0u64..50) {
        let limits = Limits { max_entries, max_value: 10 };
        let mut hash = Hash::new();
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut was_table = false;
        for op in ops {
            match op {
                Op::Set(f, v) => {
                    let created = hash.insert(&field(f), &v, limits);
                    prop_assert_eq!(created, model.insert(field(f), v).is_none());
                }
                Op::Del(f) => {
                    prop_assert_eq!(hash.remove(&field(f)), model.remove(&field(f)).is_some());
                }
            }
            prop_assert_eq!(hash.len(), model.len());
            // Never converts back.
            prop_assert!(!(was_table && hash.encoding() == "listpack"));
            was_table = hash.encoding() == "hashtable";
            if hash.encoding() == "listpack" {
                prop_assert!(hash.len() as u64 <= max_entries);
            }
        }
        let pairs: BTreeMap<Vec<u8>, Vec<u8>> =
            hash.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        prop_assert_eq!(&pairs, &model);
        for (f, v) in &model {
            prop_assert_eq!(hash.get(f), Some(&v[..]));
        }
    }

    #[test]
    fn scan_survives_changes(ops in proptest::collection::vec(op(), 0..200), count in 1usize..8) {
        let limits = Limits { max_entries: 4, max_value: 64 };
        let mut hash = Hash::new();
        // Fields 100.. stay for the whole iteration.
        let stable: BTreeSet<Vec<u8>> = (100u8..130).map(field).collect();
        for f in &stable {
            hash.insert(f, b"v", limits);
        }
        let mut ops = ops.into_iter();
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        for _ in 0..10_000 {
            let (pairs, next) = hash.scan(cursor, count);
            seen.extend(pairs.into_iter().map(|(f, _)| f.to_vec()));
            if next == 0 {
                break;
            }
            cursor = next;
            for op in ops.by_ref().take(3) {
                match op {
                    Op::Set(f, v) => {
                        hash.insert(&field(f), &v, limits);
                    }
                    Op::Del(f) => {
                        hash.remove(&field(f));
                    }
                }
            }
        }
        prop_assert!(stable.is_subset(&seen));
    }
}
