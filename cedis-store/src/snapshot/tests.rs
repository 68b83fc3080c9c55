//! Unit tests of the snapshot: each write path keeps the start-instant version.
//! The random interleaving of everything is the property test in
//! `cedis-store/tests/snapshot.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use cedis_types::Value;

use super::*;
use crate::clock::ManualClock;
use crate::Ttl;

const NOW: u64 = 1_000_000;

type Content = BTreeMap<(usize, Vec<u8>), (Value, Option<u64>)>;

fn store(dbs: usize) -> (Store, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(NOW));
    (Store::with_clock(dbs, clock.clone()), clock)
}

fn v(s: &str) -> Value {
    Value::string(s.as_bytes())
}

/// The live content of every database at `now`.
fn content(store: &Store, now: u64) -> Content {
    let mut all = Content::new();
    for (db, ks) in store.dbs().iter().enumerate() {
        ks.for_each_entry(now, |key, entry, deadline| {
            all.insert((db, key.to_vec()), (entry.value.clone(), deadline));
        });
    }
    all
}

/// Runs the snapshot to its end with steps of `step`; checks order and uniqueness.
fn finish(store: &mut Store, step: usize) -> Content {
    let mut all = Content::new();
    let mut last_db = 0;
    for _ in 0..1_000_000 {
        let batch = store.snapshot_step(step);
        assert!(batch.items.len() <= step);
        for item in batch.items {
            assert!(item.db >= last_db, "database order");
            last_db = item.db;
            let old = all.insert((item.db, item.key.to_vec()), (item.value, item.deadline));
            assert!(old.is_none(), "emitted twice: {:?}", item.key);
        }
        if batch.done {
            assert!(!batch.aborted);
            assert!(!store.snapshot_in_progress());
            return all;
        }
    }
    panic!("snapshot never finished");
}

fn fill(store: &mut Store, db: usize, n: usize) {
    for i in 0..n {
        let key = format!("k{i}");
        let ttl = if i % 3 == 0 {
            Ttl::At(NOW + 10_000 + i as u64)
        } else {
            Ttl::Clear
        };
        store
            .db(db)
            .set(key.as_bytes(), v(&format!("v{i}")), ttl, NOW);
    }
}

#[test]
fn entry_marker_costs_no_memory() {
    assert_eq!(std::mem::size_of::<Entry>(), 32);
}

#[test]
fn unchanged_store_is_emitted_once_in_database_order() {
    let (mut s, _) = store(3);
    fill(&mut s, 0, 100);
    fill(&mut s, 2, 50);
    let expected = content(&s, NOW);
    let start = s.begin_snapshot().unwrap();
    assert_eq!(start.started_ms, NOW);
    assert_eq!(
        start.dbs[0],
        DbCounts {
            keys: 100,
            expires: 34
        }
    );
    assert_eq!(start.dbs[1], DbCounts::default());
    assert_eq!(s.begin_snapshot(), Err(SnapshotError::InProgress));
    assert_eq!(finish(&mut s, 7), expected);
    // And again: the marks of the first snapshot do not hide keys from the second.
    s.begin_snapshot().unwrap();
    assert_eq!(finish(&mut s, 1000), expected);
}

#[test]
fn every_write_path_keeps_the_start_version() {
    let (mut s, clock) = store(4);
    fill(&mut s, 0, 40);
    fill(&mut s, 1, 40);
    s.db(2).set(b"short", v("lived"), Ttl::At(NOW + 5), NOW);
    s.db(2)
        .set(b"gone", v("before start"), Ttl::At(NOW - 1), NOW - 10);
    let expected = content(&s, NOW);
    assert!(!expected.contains_key(&(2, b"gone".to_vec())));
    s.begin_snapshot().unwrap();
    let ks = s.db(0);
    ks.update(b"k1", NOW, |value| *value = v("updated"))
        .unwrap();
    ks.set(b"k2", v("overwritten"), Ttl::Keep, NOW);
    assert!(ks.remove(b"k4", NOW).is_some());
    assert!(ks.set_expire(b"k3", None, NOW)); // PERSIST
    assert!(ks.set_expire(b"k5", Some(NOW + 99), NOW));
    assert!(ks.set_expire(b"k7", Some(NOW - 1), NOW)); // a past EXPIRE deletes
    assert!(ks.rename(b"k8", b"k10", NOW));
    assert!(ks.rename(b"k11", b"new-name", NOW));
    ks.set(b"created", v("after start"), Ttl::Clear, NOW);
    assert!(s.move_key(b"k12", 0, 3, NOW));
    assert!(s.move_key(b"k13", 1, 2, NOW));
    s.swap(1, 3);
    s.db(3)
        .update(b"k20", NOW, |value| *value = v("in swapped db"))
        .unwrap();
    clock.advance(10); // `short` expires
    let now = s.now_ms();
    assert!(s.db(2).get(b"short", now).is_none()); // lazy expiry
    assert_eq!(s.active_expire_cycle(now, 1_000_000), 1); // `gone`
    let progress = s.snapshot_progress().unwrap();
    assert_eq!(progress.keys_at_start, 82);
    assert!(progress.pending_items >= 10, "{progress:?}");
    assert!(progress.pending_bytes > 0);
    assert_eq!(finish(&mut s, 5), expected);
    assert_eq!(s.snapshot_memory(), 0);
    for ks in s.dbs() {
        assert_eq!(ks.used_memory(), ks.recount_memory());
    }
}

#[test]
fn flush_and_swap_mid_walk_still_yield_the_start_content() {
    let (mut s, _) = store(3);
    for db in 0..3 {
        fill(&mut s, db, 300);
    }
    let expected = content(&s, NOW);
    s.begin_snapshot().unwrap();
    let mut got = Content::new();
    // Part of database 0 walked, then its table flushed away and refilled.
    let batch = s.snapshot_step(100);
    assert_eq!(batch.items.len(), 100);
    for item in batch.items {
        got.insert((item.db, item.key.to_vec()), (item.value, item.deadline));
    }
    s.db(0).clear();
    assert_eq!(s.db(0).len(), 0);
    fill(&mut s, 0, 10);
    s.swap(1, 2);
    let detached = s.snapshot_progress().unwrap().detached_bytes;
    assert!(detached > 0);
    s.flush_all();
    s.db(1).set(b"late", v("x"), Ttl::Clear, NOW);
    let rest = finish(&mut s, 64);
    for (k, value) in rest {
        assert!(got.insert(k, value).is_none(), "emitted twice");
    }
    assert_eq!(got, expected);
    assert_eq!(s.snapshot_memory(), 0);
}

#[test]
fn writes_after_a_database_is_done_copy_nothing() {
    let (mut s, _) = store(2);
    fill(&mut s, 0, 10);
    fill(&mut s, 1, 10);
    s.begin_snapshot().unwrap();
    // Database 0 done, database 1 not.
    let batch = s.snapshot_step(10);
    assert!(batch.items.iter().all(|i| i.db == 0));
    let batch = s.snapshot_step(1);
    assert!(batch.items.iter().all(|i| i.db == 1));
    // What the walk of database 1 took beyond the step waits in its queue.
    let queued = s.snapshot_progress().unwrap().pending_items;
    s.db(0).update(b"k1", NOW, |value| *value = v("x")).unwrap();
    s.db(0).clear();
    let progress = s.snapshot_progress().unwrap();
    assert_eq!(progress.pending_items, queued);
    assert_eq!(progress.detached_bytes, 0);
    // A copy for database 1 (k9: not walked yet, or already queued and then skipped).
    let unwalked = (0..10).map(|i| format!("k{i}")).find(|k| {
        let before = s.snapshot_progress().unwrap().pending_items;
        s.db(1).update(k.as_bytes(), NOW, |_| ()).unwrap();
        s.snapshot_progress().unwrap().pending_items == before + 1
    });
    assert!(unwalked.is_some());
}

#[test]
fn abort_drops_everything_and_the_next_snapshot_is_complete() {
    let (mut s, _) = store(2);
    fill(&mut s, 0, 200);
    let expected = content(&s, NOW);
    s.begin_snapshot().unwrap();
    let _ = s.snapshot_step(50);
    s.db(0)
        .update(b"k199", NOW, |value| *value = v("changed"))
        .unwrap();
    s.db(0).clear();
    assert!(s.abort_snapshot().is_some());
    assert!(s.abort_snapshot().is_none());
    assert!(!s.snapshot_in_progress());
    assert_eq!(s.snapshot_progress(), None);
    let batch = s.snapshot_step(10);
    assert!(batch.done && batch.aborted && batch.items.is_empty());
    assert_eq!(s.db(0).len(), 0);
    // Refill, abort half way, snapshot again: the half marked by the aborted one is
    // emitted too.
    fill(&mut s, 0, 200);
    let expected_again = content(&s, NOW);
    assert_eq!(expected_again.len(), expected.len());
    s.begin_snapshot().unwrap();
    let _ = s.snapshot_step(100);
    drop(s.abort_snapshot());
    s.begin_snapshot().unwrap();
    assert_eq!(finish(&mut s, 33), expected_again);
}

#[test]
fn byte_cap_bounds_a_step_of_large_values() {
    let (mut s, _) = store(1);
    for i in 0..10 {
        let big = vec![b'x'; 100_000];
        s.db(0).set(
            format!("big{i}").as_bytes(),
            Value::string(&big),
            Ttl::Clear,
            NOW,
        );
    }
    s.begin_snapshot().unwrap();
    let batch = s.snapshot_step_limited(1000, 250_000);
    assert!(
        (2..=4).contains(&batch.items.len()),
        "{}",
        batch.items.len()
    );
    assert!(!batch.done);
    assert_eq!(finish(&mut s, 1000).len() + batch.items.len(), 10);
}

#[test]
fn keys_expired_at_the_start_may_be_left_out_but_not_later_ones() {
    let (mut s, clock) = store(1);
    s.db(0).set(b"stale", v("a"), Ttl::At(NOW - 1), NOW - 5);
    s.db(0).set(b"edge", v("b"), Ttl::At(NOW), NOW - 5);
    s.begin_snapshot().unwrap();
    clock.advance(5);
    let now = s.now_ms();
    assert!(s.db(0).get(b"edge", now).is_none());
    let got = finish(&mut s, 10);
    assert_eq!(got.len(), 1);
    assert_eq!(got[&(0, b"edge".to_vec())], (v("b"), Some(NOW)));
}

#[test]
fn replacing_the_contents_aborts_a_running_snapshot() {
    let (mut s, _) = store(2);
    fill(&mut s, 0, 10);
    s.begin_snapshot().unwrap();
    let (mut loaded, _) = store(2);
    fill(&mut loaded, 1, 5);
    s.replace_contents(&mut loaded);
    assert!(!s.snapshot_in_progress());
    assert!(s.snapshot_step(10).aborted);
    assert_eq!((s.db(0).len(), s.db(1).len()), (0, 5));
    assert_eq!(loaded.db(0).len(), 10);
}
