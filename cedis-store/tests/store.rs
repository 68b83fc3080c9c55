//! The numbered databases together: SWAPDB, MOVE, FLUSHALL, the store-wide active expiry
//! cycle, summed counters and memory, with an injected clock.

use std::sync::{Arc, Mutex};

use cedis_store::clock::ManualClock;
use cedis_store::{Change, ChangeHook, Store, Ttl, EXPIRE_DBS_PER_CALL};
use cedis_types::{StringValue, Value};

const NOW: u64 = 1_700_000_000_000;

fn string(bytes: &[u8]) -> Value {
    Value::String(StringValue::from_bytes(bytes))
}

type Events = Arc<Mutex<Vec<(usize, Vec<u8>, Change)>>>;

fn store_with_events(databases: usize) -> (Store, Events, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(NOW));
    let mut store = Store::with_clock(databases, clock.clone());
    let events: Events = Arc::default();
    let sink = Arc::clone(&events);
    let hook: ChangeHook = Arc::new(move |db, key: &[u8], change| {
        sink.lock().unwrap().push((db, key.to_vec(), change));
    });
    store.set_hook(Some(hook));
    (store, events, clock)
}

fn drain(events: &Events) -> Vec<(usize, Vec<u8>, Change)> {
    events.lock().unwrap().drain(..).collect()
}

#[test]
fn swapdb_exchanges_contents_while_ids_stay_positional() {
    let (mut store, events, _) = store_with_events(4);
    store
        .db(0)
        .set(b"a", string(&[b'x'; 500]), Ttl::At(NOW + 100), NOW);
    store.db(2).set(b"b", string(b"y"), Ttl::Clear, NOW);
    let (mem0, mem2) = (store.db(0).used_memory(), store.db(2).used_memory());
    let total = store.used_memory();
    drain(&events);

    store.swap(0, 2);
    assert!(drain(&events).is_empty(), "SWAPDB signals no key");
    assert_eq!((store.db(0).id(), store.db(2).id()), (0, 2));
    assert!(store.db(2).contains(b"a", NOW));
    assert_eq!(store.db(2).expire_at(b"a", NOW), Some(NOW + 100));
    assert!(store.db(0).contains(b"b", NOW));
    assert!(!store.db(0).contains(b"a", NOW));
    assert_eq!(store.db(2).used_memory(), mem0);
    assert_eq!(store.db(0).used_memory(), mem2);
    assert_eq!(store.used_memory(), total);

    // The hook reports the position's id.
    store.db(2).remove(b"a", NOW);
    assert_eq!(drain(&events), [(2, b"a".to_vec(), Change::Deleted)]);

    store.swap(3, 3);
    store.swap(3, 1);
    assert_eq!(store.total_keys(), 1);
}

#[test]
fn move_key_carries_value_and_deadline_between_databases() {
    let (mut store, events, _) = store_with_events(3);
    store
        .db(0)
        .set(b"k", string(b"v"), Ttl::At(NOW + 1000), NOW);
    drain(&events);
    assert!(store.move_key(b"k", 0, 1, NOW));
    assert_eq!(
        drain(&events),
        [
            (0, b"k".to_vec(), Change::Deleted),
            (1, b"k".to_vec(), Change::Created),
            (1, b"k".to_vec(), Change::Modified)
        ]
    );
    assert!(!store.db(0).contains(b"k", NOW));
    assert_eq!(store.db(1).expire_at(b"k", NOW), Some(NOW + 1000));
    assert_eq!(
        (store.db(0).expires_len(), store.db(1).expires_len()),
        (0, 1)
    );
    for db in store.dbs() {
        assert_eq!(db.used_memory(), db.recount_memory());
    }

    // Refused: missing source, existing target, same database.
    assert!(!store.move_key(b"missing", 0, 1, NOW));
    store.db(2).set(b"k", string(b"other"), Ttl::Clear, NOW);
    assert!(!store.move_key(b"k", 1, 2, NOW));
    assert!(!store.move_key(b"k", 1, 1, NOW));
    assert_eq!(store.total_keys(), 2);
}

#[test]
fn move_key_over_an_expired_target_replaces_it() {
    let (mut store, _, clock) = store_with_events(2);
    store.db(0).set(b"k", string(b"new"), Ttl::Clear, NOW);
    store
        .db(1)
        .set(b"k", string(b"stale"), Ttl::At(NOW + 5), NOW);
    clock.advance(10);
    let now = store.now_ms();
    assert!(store.move_key(b"k", 0, 1, now));
    let value = store.db(1).get(b"k", now).unwrap().clone();
    assert_eq!(value, string(b"new"));
    assert_eq!(store.db(1).expire_at(b"k", now), None);
    assert_eq!(store.stats().expired_keys, 1);
}

#[test]
fn flush_all_empties_every_database_and_keeps_counters() {
    let (mut store, events, _) = store_with_events(3);
    for db in 0..3 {
        for i in 0..10 {
            let ttl = if i % 2 == 0 {
                Ttl::At(NOW + 10)
            } else {
                Ttl::Clear
            };
            store
                .db(db)
                .set(format!("k{i}").as_bytes(), string(b"v"), ttl, NOW);
        }
    }
    store.db(1).get_for_read(b"k1", NOW);
    drain(&events);
    assert_eq!(store.flush_all(), 30);
    assert!(drain(&events).is_empty());
    assert_eq!(store.total_keys(), 0);
    assert!(store.dbs().iter().all(|db| db.expires_len() == 0));
    assert_eq!(
        store.used_memory(),
        store
            .dbs()
            .iter()
            .map(|db| db.table_overhead())
            .sum::<usize>()
    );
    assert_eq!(store.stats().keyspace_hits, 1);
    store.reset_stats();
    assert_eq!(store.stats(), Default::default());
}

#[test]
fn stats_are_summed_over_databases() {
    let (mut store, _, clock) = store_with_events(2);
    store.db(0).set(b"a", string(b"v"), Ttl::At(NOW), NOW);
    store.db(1).set(b"b", string(b"v"), Ttl::Clear, NOW);
    clock.advance(1);
    let now = store.now_ms();
    store.db(0).get_for_read(b"a", now); // expired: a miss and an expiry
    store.db(1).get_for_read(b"b", now);
    store.db(1).get_for_read(b"c", now);
    let stats = store.stats();
    assert_eq!(
        (
            stats.keyspace_hits,
            stats.keyspace_misses,
            stats.expired_keys
        ),
        (1, 2, 1)
    );
}

#[test]
fn active_expire_cycle_covers_every_database() {
    let (mut store, events, clock) = store_with_events(16);
    for db in [0, 5, 15] {
        for i in 0..300 {
            store.db(db).set(
                format!("v{i}").as_bytes(),
                string(b"v"),
                Ttl::At(NOW + 50),
                NOW,
            );
        }
        store
            .db(db)
            .set(b"persistent", string(b"v"), Ttl::Clear, NOW);
    }
    drain(&events);
    clock.advance(51);
    let now = store.now_ms();
    let mut expired = 0;
    for _ in 0..5 {
        expired += store.active_expire_cycle(now, 1_000_000);
    }
    assert_eq!(expired, 900);
    assert_eq!(store.total_keys(), 3);
    assert_eq!(store.stats().expired_keys, 900);
    assert_eq!(drain(&events).len(), 900);
    assert!(store.expired_stale_perc() > 0.0);
}

#[test]
fn a_cycle_cut_short_resumes_at_the_next_database() {
    let (mut store, _, _) = store_with_events(3);
    for db in 0..3 {
        for i in 0..1000 {
            store
                .db(db)
                .set(format!("k{i}").as_bytes(), string(b"v"), Ttl::At(NOW), NOW);
        }
    }
    // No budget: each call stops at its first time check (16 rounds of 20 keys) in the
    // first database it visits, and the next call starts at the following one.
    assert_eq!(store.active_expire_cycle(NOW + 1, 0), 320);
    let lens: Vec<usize> = store.dbs().iter().map(|db| db.len()).collect();
    assert_eq!(lens, [680, 1000, 1000]);
    store.active_expire_cycle(NOW + 1, 0);
    store.active_expire_cycle(NOW + 1, 0);
    let lens: Vec<usize> = store.dbs().iter().map(|db| db.len()).collect();
    assert_eq!(lens, [680, 680, 680]);
    store.active_expire_cycle(NOW + 1, 0);
    assert_eq!(store.db(0).len(), 360);
    assert_eq!(store.stats().expired_time_cap_reached_count, 4);
}

#[test]
fn active_expire_cycle_visits_at_most_dbs_per_call_databases() {
    let databases = EXPIRE_DBS_PER_CALL + 4;
    let (mut store, _, _) = store_with_events(databases);
    for db in 0..databases {
        store.db(db).set(b"k", string(b"v"), Ttl::At(NOW), NOW);
    }
    assert_eq!(
        store.active_expire_cycle(NOW + 1, 1_000_000),
        EXPIRE_DBS_PER_CALL
    );
    assert_eq!(store.active_expire_cycle(NOW + 1, 1_000_000), 4);
    assert_eq!(store.total_keys(), 0);
}

#[test]
fn active_rehash_finishes_a_resize_that_only_reads_would_leave_pending() {
    let (mut store, _, _) = store_with_events(2);
    let mut rounds = 0;
    // Fill until the last insert leaves a resize in progress.
    let mut i = 0;
    while !store.db(1).is_rehashing() {
        store
            .db(1)
            .set(format!("k{i}").as_bytes(), string(b"v"), Ttl::Clear, NOW);
        i += 1;
        assert!(i < 100_000, "the table never resized");
    }
    while store.active_rehash(1_000) {
        rounds += 1;
        assert!(rounds < 10_000);
    }
    assert!(!store.db(1).is_rehashing());
    assert_eq!(store.db(1).len(), i);
}
