//! One database through its public API: lazy and active expiry driven by explicit times
//! (no sleeping), the change signal, memory accounting, SCAN, RANDOMKEY, RENAME.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use cedis_store::keyspace::{Lookup, RANDOM_KEY_MAX_EXPIRED};
use cedis_store::{Change, ChangeHook, Keyspace, Ttl};
use cedis_types::{StringValue, Value};

const NOW: u64 = 1_700_000_000_000;

fn string(bytes: &[u8]) -> Value {
    Value::String(StringValue::from_bytes(bytes))
}

fn bytes(value: &Value) -> Vec<u8> {
    value.as_string().expect("a string").to_bytes().into_owned()
}

type Events = Arc<Mutex<Vec<(usize, Vec<u8>, Change)>>>;

/// A keyspace whose change hook records every event.
fn recorded(id: usize) -> (Keyspace, Events) {
    let events: Events = Arc::default();
    let sink = Arc::clone(&events);
    let hook: ChangeHook = Arc::new(move |db, key: &[u8], change| {
        sink.lock().unwrap().push((db, key.to_vec(), change));
    });
    let mut db = Keyspace::new(id);
    db.set_hook(Some(hook));
    (db, events)
}

fn take(events: &Events) -> Vec<(Vec<u8>, Change)> {
    events
        .lock()
        .unwrap()
        .drain(..)
        .map(|(_, key, change)| (key, change))
        .collect()
}

#[test]
fn set_get_overwrite_and_remove() {
    let mut db = Keyspace::new(0);
    assert!(db.get(b"k", NOW).is_none());
    db.set(b"k", string(b"one"), Ttl::Clear, NOW);
    assert_eq!(db.get(b"k", NOW).map(bytes), Some(b"one".to_vec()));
    db.set(b"k", string(b"two"), Ttl::Clear, NOW);
    assert_eq!(db.len(), 1);
    assert_eq!(
        db.remove(b"k", NOW).as_ref().map(bytes),
        Some(b"two".to_vec())
    );
    assert!(db.remove(b"k", NOW).is_none());
    assert!(db.is_empty());
}

#[test]
fn a_key_lives_until_its_deadline_has_passed_then_expires_on_access() {
    let (mut db, events) = recorded(3);
    db.set(b"s", string(b"v"), Ttl::At(NOW + 100), NOW);
    assert_eq!(db.expire_at(b"s", NOW), Some(NOW + 100));
    assert!(
        db.get(b"s", NOW + 100).is_some(),
        "alive at its deadline (now > deadline expires)"
    );
    assert_eq!(db.len(), 1);
    assert!(db.get(b"s", NOW + 101).is_none());
    assert_eq!((db.len(), db.expires_len()), (0, 0));
    assert_eq!(db.stats().expired_keys, 1);
    assert_eq!(
        events.lock().unwrap().last(),
        Some(&(3, b"s".to_vec(), Change::Expired))
    );
}

#[test]
fn len_counts_expired_keys_until_something_removes_them() {
    let mut db = Keyspace::new(0);
    db.set(b"s", string(b"v"), Ttl::At(NOW), NOW);
    assert_eq!(db.len(), 1, "like DBSIZE: not yet removed");
    assert!(!db.contains(b"s", NOW + 1));
    assert_eq!(db.len(), 0);
}

#[test]
fn every_lookup_path_expires_lazily() {
    let paths: [&dyn Fn(&mut Keyspace) -> bool; 8] = [
        &|db| db.get(b"k", NOW + 1).is_some(),
        &|db| db.get_for_read(b"k", NOW + 1).is_some(),
        &|db| db.contains(b"k", NOW + 1),
        &|db| db.expire_at(b"k", NOW + 1).is_some(),
        &|db| db.update(b"k", NOW + 1, |_| ()).is_some(),
        &|db| db.remove(b"k", NOW + 1).is_some(),
        &|db| db.set_expire(b"k", None, NOW + 1),
        &|db| db.idle_time(b"k", NOW + 1).is_some(),
    ];
    for (i, path) in paths.iter().enumerate() {
        let (mut db, events) = recorded(0);
        db.set(b"k", string(b"v"), Ttl::At(NOW), NOW);
        take(&events);
        assert!(!path(&mut db), "path {i} saw an expired key");
        assert_eq!(db.len(), 0, "path {i}");
        let mut expected = vec![(b"k".to_vec(), Change::Expired)];
        if i == 1 {
            // A read lookup also reports the miss (`keymiss`).
            expected.push((b"k".to_vec(), Change::Missed));
        }
        assert_eq!(take(&events), expected, "path {i}");
        assert_eq!(db.stats().expired_keys, 1, "path {i}");
    }
}

#[test]
fn ttl_modes_clear_keep_and_set_deadlines() {
    let mut db = Keyspace::new(0);
    db.set(b"k", string(b"1"), Ttl::At(NOW + 1000), NOW);
    db.set(b"k", string(b"2"), Ttl::Keep, NOW);
    assert_eq!(db.expire_at(b"k", NOW), Some(NOW + 1000));
    db.set(b"k", string(b"3"), Ttl::At(NOW + 5), NOW);
    assert_eq!(db.expire_at(b"k", NOW), Some(NOW + 5));
    db.set(b"k", string(b"4"), Ttl::Clear, NOW);
    assert_eq!(db.expire_at(b"k", NOW), None);
    assert_eq!(db.expires_len(), 0);
}

#[test]
fn keep_ttl_on_a_stale_key_does_not_inherit_its_past_deadline() {
    let mut db = Keyspace::new(0);
    db.set(b"k", string(b"old"), Ttl::At(NOW), NOW);
    // Nobody removed the stale key; SET KEEPTTL must not resurrect its deadline.
    db.set(b"k", string(b"new"), Ttl::Keep, NOW + 10);
    assert_eq!(db.expire_at(b"k", NOW + 10), None);
    assert_eq!(db.get(b"k", NOW + 10).map(bytes), Some(b"new".to_vec()));
}

#[test]
fn expire_with_a_past_deadline_is_a_delete_not_an_expiry() {
    let (mut db, events) = recorded(0);
    db.set(b"k", string(b"v"), Ttl::Clear, NOW);
    take(&events);
    assert!(db.set_expire(b"k", Some(NOW), NOW), "EXPIRE replies 1");
    assert_eq!(db.len(), 0);
    assert_eq!(take(&events), [(b"k".to_vec(), Change::Deleted)]);
    assert_eq!(db.stats().expired_keys, 0);
    assert!(!db.set_expire(b"missing", Some(NOW + 10), NOW));
}

#[test]
fn set_expire_and_persist_signal_only_real_changes() {
    let (mut db, events) = recorded(0);
    db.set(b"k", string(b"v"), Ttl::Clear, NOW);
    take(&events);
    assert!(db.set_expire(b"k", None, NOW), "the key exists");
    assert!(take(&events).is_empty(), "nothing to persist: no change");
    assert!(db.set_expire(b"k", Some(NOW + 10), NOW));
    assert_eq!(db.expire_at(b"k", NOW), Some(NOW + 10));
    assert!(db.set_expire(b"k", None, NOW));
    assert_eq!(db.expire_at(b"k", NOW), None);
    assert_eq!(
        take(&events),
        [
            (b"k".to_vec(), Change::Modified),
            (b"k".to_vec(), Change::Modified)
        ]
    );
}

#[test]
fn change_hook_sees_writes_updates_and_deletes() {
    let (mut db, events) = recorded(7);
    db.set(b"a", string(b"1"), Ttl::Clear, NOW);
    let len = db.update(b"a", NOW, |v| match v {
        Value::String(s) => s.append(b"23"),
        _ => unreachable!(),
    });
    assert_eq!(len, Some(3));
    assert_eq!(db.update(b"missing", NOW, |_| ()), None);
    db.remove(b"a", NOW);
    assert_eq!(
        *events.lock().unwrap(),
        [
            (7, b"a".to_vec(), Change::Created),
            (7, b"a".to_vec(), Change::Modified),
            (7, b"a".to_vec(), Change::Modified),
            (7, b"a".to_vec(), Change::Deleted),
        ]
    );
}

#[test]
fn read_lookups_count_hits_and_misses_write_lookups_do_not() {
    let mut db = Keyspace::new(0);
    db.set(b"k", string(b"v"), Ttl::At(NOW + 10), NOW);
    db.get_for_read(b"k", NOW);
    db.get_for_read(b"nope", NOW);
    db.lookup(b"k", NOW, Lookup::READ.no_touch());
    db.get(b"k", NOW);
    db.get(b"nope", NOW);
    db.contains(b"k", NOW);
    let stats = db.stats();
    assert_eq!((stats.keyspace_hits, stats.keyspace_misses), (2, 1));
    // An expired key is a miss.
    db.get_for_read(b"k", NOW + 11);
    assert_eq!(db.stats().keyspace_misses, 2);
    db.reset_stats();
    assert_eq!(db.stats(), Default::default());
}

#[test]
fn idle_time_counts_seconds_since_the_last_touch() {
    let mut db = Keyspace::new(0);
    db.set(b"k", string(b"v"), Ttl::Clear, NOW);
    assert_eq!(db.idle_time(b"k", NOW + 65_000), Some(65));
    db.lookup(b"k", NOW + 70_000, Lookup::READ.no_touch());
    assert_eq!(db.idle_time(b"k", NOW + 70_000), Some(70));
    db.get_for_read(b"k", NOW + 70_000);
    assert_eq!(db.idle_time(b"k", NOW + 71_000), Some(1));
    assert_eq!(db.idle_time(b"missing", NOW), None);
}

#[test]
fn memory_accounting_returns_to_the_baseline_after_deleting_everything() {
    let mut db = Keyspace::new(0);
    let baseline = db.used_memory();
    assert_eq!(baseline, 0);
    for i in 0..2000u32 {
        let key = format!("key:{i}:{}", "x".repeat(i as usize % 50));
        let value = string(&vec![b'v'; (i as usize * 7) % 200]);
        let ttl = if i % 3 == 0 {
            Ttl::At(NOW + 1000 + u64::from(i))
        } else {
            Ttl::Clear
        };
        db.set(key.as_bytes(), value, ttl, NOW);
    }
    let full = db.used_memory();
    assert!(full > baseline + 2000 * 16);
    assert_eq!(full, db.recount_memory());
    let mut keys = Vec::new();
    db.for_each_key(NOW, |key, _| keys.push(key.to_vec()));
    for key in &keys[..500] {
        db.update(key, NOW, |v| {
            if let Value::String(s) = v {
                s.append(b"grown in place");
            }
        });
    }
    assert!(db.used_memory() > full);
    assert_eq!(db.used_memory(), db.recount_memory());
    for key in &keys {
        db.remove(key, NOW);
    }
    assert!(db.is_empty());
    assert_eq!(
        db.used_memory(),
        db.table_overhead(),
        "only the (empty) tables remain"
    );
    assert_eq!(db.used_memory(), db.recount_memory());
    db.set(b"again", string(b"v"), Ttl::Clear, NOW);
    db.clear();
    assert_eq!(db.used_memory(), baseline);
}

#[test]
fn key_memory_grows_with_the_value() {
    let mut db = Keyspace::new(0);
    db.set(b"small", string(b"v"), Ttl::Clear, NOW);
    db.set(b"big", string(&[b'v'; 10_000]), Ttl::Clear, NOW);
    let small = db.key_memory(b"small", NOW).unwrap();
    let big = db.key_memory(b"big", NOW).unwrap();
    assert!(big >= small + 9_990, "{small} {big}");
    assert_eq!(db.key_memory(b"missing", NOW), None);
}

/// Runs a whole SCAN iteration with the given COUNT.
fn scan_all(db: &mut Keyspace, count: usize, now: u64) -> (Vec<Vec<u8>>, usize) {
    let mut keys = Vec::new();
    let mut cursor = 0;
    let mut calls = 0;
    loop {
        cursor = db.scan(cursor, count, now, |key, _| keys.push(key.to_vec()));
        calls += 1;
        if cursor == 0 {
            return (keys, calls);
        }
        assert!(calls < 100_000, "SCAN does not terminate");
    }
}

#[test]
fn scan_returns_every_key() {
    let mut db = Keyspace::new(0);
    let all: HashSet<Vec<u8>> = (0..1000).map(|i| format!("k{i}").into_bytes()).collect();
    for key in &all {
        db.set(key, string(b"v"), Ttl::Clear, NOW);
    }
    for count in [1, 10, 1000] {
        let (keys, _) = scan_all(&mut db, count, NOW);
        let seen: HashSet<Vec<u8>> = keys.into_iter().collect();
        assert_eq!(seen, all, "COUNT {count}");
    }
}

#[test]
fn scan_returns_every_key_present_throughout_while_the_table_changes() {
    let mut db = Keyspace::new(0);
    for i in 0..500 {
        db.set(format!("stay{i}").as_bytes(), string(b"v"), Ttl::Clear, NOW);
    }
    let mut seen = HashSet::new();
    let mut cursor = 0;
    let mut step = 0;
    loop {
        cursor = db.scan(cursor, 5, NOW, |key, _| {
            seen.insert(key.to_vec());
        });
        // Grow the table between calls, then shrink it again.
        if step < 100 {
            for j in 0..20 {
                db.set(
                    format!("tmp{step}:{j}").as_bytes(),
                    string(b"v"),
                    Ttl::Clear,
                    NOW,
                );
            }
        } else {
            for j in 0..20 {
                db.remove(format!("tmp{}:{j}", step - 100).as_bytes(), NOW);
            }
        }
        step += 1;
        if cursor == 0 {
            break;
        }
    }
    for i in 0..500 {
        assert!(
            seen.contains(format!("stay{i}").as_bytes()),
            "stay{i} missed"
        );
    }
}

#[test]
fn scan_skips_expired_keys_and_deletes_them() {
    let (mut db, events) = recorded(0);
    for i in 0..100 {
        let ttl = if i % 2 == 0 { Ttl::At(NOW) } else { Ttl::Clear };
        db.set(format!("k{i}").as_bytes(), string(b"v"), ttl, NOW);
    }
    take(&events);
    let (keys, _) = scan_all(&mut db, 10, NOW + 1);
    let seen: HashSet<Vec<u8>> = keys.into_iter().collect();
    assert_eq!(seen.len(), 50);
    assert!(seen.iter().all(|k| k.ends_with(b"1")
        || k.ends_with(b"3")
        || k.ends_with(b"5")
        || k.ends_with(b"7")
        || k.ends_with(b"9")));
    assert_eq!(db.len(), 50);
    let expired = take(&events);
    assert_eq!(expired.len(), 50);
    assert!(expired.iter().all(|(_, change)| *change == Change::Expired));
}

#[test]
fn random_key_returns_live_keys_and_removes_expired_draws() {
    let mut db = Keyspace::new(0);
    assert_eq!(db.random_key(NOW), None);
    for i in 0..10 {
        db.set(format!("live{i}").as_bytes(), string(b"v"), Ttl::Clear, NOW);
    }
    for i in 0..50 {
        db.set(
            format!("dead{i}").as_bytes(),
            string(b"v"),
            Ttl::At(NOW),
            NOW,
        );
    }
    for _ in 0..100 {
        let key = db.random_key(NOW + 1).expect("live keys exist");
        assert!(key.starts_with(b"live"), "{key:?}");
    }
    assert!(db.len() >= 10);
}

#[test]
fn random_key_is_bounded_when_nearly_everything_has_expired() {
    let mut db = Keyspace::new(0);
    let dead = RANDOM_KEY_MAX_EXPIRED * 20;
    for i in 0..dead {
        db.set(
            format!("dead{i}").as_bytes(),
            string(b"v"),
            Ttl::At(NOW),
            NOW,
        );
    }
    db.set(b"survivor", string(b"v"), Ttl::Clear, NOW);
    assert_eq!(db.random_key(NOW + 1).as_deref(), Some(&b"survivor"[..]));
    assert!(
        db.len() >= dead + 1 - RANDOM_KEY_MAX_EXPIRED,
        "deleted at most the bound"
    );

    let mut all_dead = Keyspace::new(0);
    for i in 0..dead {
        all_dead.set(
            format!("dead{i}").as_bytes(),
            string(b"v"),
            Ttl::At(NOW),
            NOW,
        );
    }
    assert_eq!(all_dead.random_key(NOW + 1), None);
}

#[test]
fn for_each_key_skips_expired_keys_without_deleting_them() {
    let mut db = Keyspace::new(0);
    db.set(b"live", string(b"v"), Ttl::Clear, NOW);
    db.set(b"dead", string(b"v"), Ttl::At(NOW), NOW);
    let mut keys = Vec::new();
    db.for_each_key(NOW + 1, |key, _| keys.push(key.to_vec()));
    assert_eq!(keys, [b"live".to_vec()]);
    assert_eq!(db.len(), 2, "KEYS does not delete");
    let mut entries = Vec::new();
    db.for_each_entry(NOW + 1, |key, entry, deadline| {
        entries.push((key.to_vec(), bytes(&entry.value), deadline));
    });
    assert_eq!(entries, [(b"live".to_vec(), b"v".to_vec(), None)]);
}

#[test]
fn rename_moves_value_and_deadline_and_signals_both_keys() {
    let (mut db, events) = recorded(0);
    db.set(b"src", string(b"value"), Ttl::At(NOW + 500), NOW);
    db.set(b"dst", string(b"old"), Ttl::At(NOW + 9), NOW);
    take(&events);
    let memory = db.used_memory();
    assert!(db.rename(b"src", b"dst", NOW));
    assert_eq!(
        take(&events),
        [
            // The old `dst` is replaced by a new key, as in Redis (`new` is published).
            (b"dst".to_vec(), Change::Created),
            (b"src".to_vec(), Change::Deleted),
            (b"dst".to_vec(), Change::Modified)
        ]
    );
    assert!(!db.contains(b"src", NOW));
    assert_eq!(db.get(b"dst", NOW).map(bytes), Some(b"value".to_vec()));
    assert_eq!(db.expire_at(b"dst", NOW), Some(NOW + 500));
    assert_eq!((db.len(), db.expires_len()), (1, 1));
    assert!(db.used_memory() < memory);
    assert_eq!(db.used_memory(), db.recount_memory());

    // A persistent source leaves the target persistent, whatever the target had.
    db.set(b"p", string(b"v"), Ttl::Clear, NOW);
    assert!(db.rename(b"p", b"dst", NOW));
    assert_eq!(db.expire_at(b"dst", NOW), None);
    assert_eq!(db.expires_len(), 0);

    take(&events);
    assert!(!db.rename(b"missing", b"x", NOW));
    assert!(
        db.rename(b"dst", b"dst", NOW),
        "same key: OK, nothing changes"
    );
    assert!(take(&events).is_empty());
}

#[test]
fn active_expiry_removes_every_expired_key_and_leaves_the_others() {
    let (mut db, events) = recorded(0);
    for i in 0..1000 {
        db.set(
            format!("volatile{i}").as_bytes(),
            string(b"v"),
            Ttl::At(NOW + 10),
            NOW,
        );
    }
    for i in 0..500 {
        db.set(
            format!("persistent{i}").as_bytes(),
            string(b"v"),
            Ttl::Clear,
            NOW,
        );
    }
    take(&events);
    let mut expired = 0;
    for _ in 0..5 {
        expired += db.active_expire(NOW + 11, 1_000_000);
    }
    assert_eq!(expired, 1000);
    assert_eq!((db.len(), db.expires_len()), (500, 0));
    assert_eq!(db.stats().expired_keys, 1000);
    let events = take(&events);
    assert_eq!(events.len(), 1000);
    assert!(events.iter().all(|(_, change)| *change == Change::Expired));
    assert_eq!(db.used_memory(), db.recount_memory());
}

#[test]
fn active_expiry_stops_when_a_quarter_or_less_of_the_sample_had_expired() {
    let mut db = Keyspace::new(0);
    for i in 0..1000 {
        db.set(
            format!("future{i}").as_bytes(),
            string(b"v"),
            Ttl::At(NOW + 60_000),
            NOW,
        );
    }
    for i in 0..50 {
        db.set(
            format!("past{i}").as_bytes(),
            string(b"v"),
            Ttl::At(NOW),
            NOW,
        );
    }
    // About 5% of the volatile keys are expired: the first sample of 20 finds about one,
    // well under the 25% that would justify another round.
    let expired = db.active_expire(NOW + 1, 1_000_000);
    assert!(expired < 50, "stopped early, expired {expired}");
    assert!(db.avg_ttl() > 0, "live samples feed avg_ttl");
    assert!(db.avg_ttl() <= 60_000);
    // The rest still expire lazily.
    for i in 0..50 {
        assert!(db.get(format!("past{i}").as_bytes(), NOW + 1).is_none());
    }
    assert_eq!(db.len(), 1000);
}

#[test]
fn active_expiry_respects_its_time_budget() {
    let mut db = Keyspace::new(0);
    for i in 0..5000 {
        db.set(format!("k{i}").as_bytes(), string(b"v"), Ttl::At(NOW), NOW);
    }
    // With no budget at all the cycle stops at its first time check: 16 rounds of 20.
    let expired = db.active_expire(NOW + 1, 0);
    assert_eq!(expired, 16 * 20);
    assert_eq!(db.stats().expired_time_cap_reached_count, 1);
    assert_eq!(db.len(), 5000 - 320);
}

#[test]
fn active_expiry_on_a_keyspace_without_deadlines_does_nothing() {
    let mut db = Keyspace::new(0);
    db.set(b"k", string(b"v"), Ttl::Clear, NOW);
    assert_eq!(db.active_expire(NOW + 1_000_000, 1_000), 0);
    assert_eq!(db.len(), 1);
}
