//! The background snapshot as a property: whatever writes, moves, swaps, flushes and
//! expiries interleave with the steps, the collected items are exactly the store's content
//! at `begin_snapshot` (keys, values, deadlines), each once, in database order.
//!
//! Plus an `#[ignore]`d measurement of step times on a 100k-key store (no timing
//! assertions: run with `cargo test -p cedis-store --release --test snapshot -- --ignored
//! --nocapture`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use cedis_store::clock::ManualClock;
use cedis_store::{SnapshotBatch, Store, Ttl};
use cedis_types::Value;
use proptest::prelude::*;

const DBS: usize = 3;
const START: u64 = 1_000_000;

type Content = BTreeMap<(usize, Vec<u8>), (Value, Option<u64>)>;

#[derive(Debug, Clone)]
enum Op {
    Set {
        db: usize,
        key: u8,
        val: u8,
        ttl: Option<i16>,
    },
    Append {
        db: usize,
        key: u8,
    },
    Del {
        db: usize,
        key: u8,
    },
    Expire {
        db: usize,
        key: u8,
        delta: Option<i16>,
    },
    Rename {
        db: usize,
        src: u8,
        dst: u8,
    },
    Move {
        key: u8,
        from: usize,
        to: usize,
    },
    Swap {
        a: usize,
        b: usize,
    },
    FlushDb {
        db: usize,
    },
    FlushAll,
    Advance {
        ms: u16,
    },
    Get {
        db: usize,
        key: u8,
    },
    ActiveExpire,
    /// Inserts `n` fresh keys, to make the tables grow (rehash) mid-walk.
    Bulk {
        db: usize,
        n: u16,
    },
    /// Deletes many keys, to make the tables shrink mid-walk.
    Thin {
        db: usize,
    },
    Step {
        n: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let db = 0..DBS;
    let key = 0u8..40;
    prop_oneof![
        6 => (db.clone(), key.clone(), any::<u8>(), proptest::option::of(-50i16..500))
            .prop_map(|(db, key, val, ttl)| Op::Set { db, key, val, ttl }),
        4 => (db.clone(), key.clone()).prop_map(|(db, key)| Op::Append { db, key }),
        3 => (db.clone(), key.clone()).prop_map(|(db, key)| Op::Del { db, key }),
        3 => (db.clone(), key.clone(), proptest::option::of(-50i16..500))
            .prop_map(|(db, key, delta)| Op::Expire { db, key, delta }),
        3 => (db.clone(), key.clone(), key.clone())
            .prop_map(|(db, src, dst)| Op::Rename { db, src, dst }),
        2 => (key.clone(), db.clone(), db.clone()).prop_map(|(key, from, to)| Op::Move { key, from, to }),
        1 => (db.clone(), db.clone()).prop_map(|(a, b)| Op::Swap { a, b }),
        1 => db.clone().prop_map(|db| Op::FlushDb { db }),
        1 => Just(Op::FlushAll),
        2 => (0u16..200).prop_map(|ms| Op::Advance { ms }),
        3 => (db.clone(), key.clone()).prop_map(|(db, key)| Op::Get { db, key }),
        1 => Just(Op::ActiveExpire),
        1 => (db.clone(), 1u16..300).prop_map(|(db, n)| Op::Bulk { db, n }),
        1 => db.clone().prop_map(|db| Op::Thin { db }),
        8 => (1u8..40).prop_map(|n| Op::Step { n }),
    ]
}

fn key(k: u8) -> Vec<u8> {
    format!("key:{k}").into_bytes()
}

fn content(store: &Store, now: u64) -> Content {
    let mut all = Content::new();
    for (db, ks) in store.dbs().iter().enumerate() {
        ks.for_each_entry(now, |key, entry, deadline| {
            all.insert((db, key.to_vec()), (entry.value.clone(), deadline));
        });
    }
    all
}

/// Adds a batch to what was collected; false on a duplicate or out-of-order item.
fn collect(got: &mut Content, last_db: &mut usize, batch: SnapshotBatch) -> Result<bool, String> {
    for item in batch.items {
        if item.db < *last_db {
            return Err(format!("db {} after db {}", item.db, last_db));
        }
        *last_db = item.db;
        let k = (item.db, item.key.to_vec());
        if got.insert(k.clone(), (item.value, item.deadline)).is_some() {
            return Err(format!("emitted twice: {k:?}"));
        }
    }
    Ok(batch.done)
}

fn apply(store: &mut Store, clock: &ManualClock, op: &Op, fresh: &mut u64) {
    let now = store.now_ms();
    let deadline = |delta: i16| now.saturating_add_signed(i64::from(delta));
    match *op {
        Op::Set {
            db,
            key: k,
            val,
            ttl,
        } => {
            let ttl = ttl.map_or(Ttl::Clear, |d| Ttl::At(deadline(d)));
            store
                .db(db)
                .set(&key(k), Value::string(&[b'v', val]), ttl, now);
        }
        Op::Append { db, key: k } => {
            store.db(db).update(&key(k), now, |value| {
                if let Value::String(s) = value {
                    s.append(b"+");
                }
            });
        }
        Op::Del { db, key: k } => {
            store.db(db).remove(&key(k), now);
        }
        Op::Expire { db, key: k, delta } => {
            store.db(db).set_expire(&key(k), delta.map(deadline), now);
        }
        Op::Rename { db, src, dst } => {
            store.db(db).rename(&key(src), &key(dst), now);
        }
        Op::Move { key: k, from, to } => {
            store.move_key(&key(k), from, to, now);
        }
        Op::Swap { a, b } => store.swap(a, b),
        Op::FlushDb { db } => store.db(db).clear(),
        Op::FlushAll => store.clear_all(),
        Op::Advance { ms } => clock.advance(u64::from(ms)),
        Op::Get { db, key: k } => {
            store.db(db).get_for_read(&key(k), now);
        }
        Op::ActiveExpire => {
            store.active_expire_cycle(now, 1_000_000);
        }
        Op::Bulk { db, n } => {
            for _ in 0..n {
                *fresh += 1;
                let k = format!("bulk:{fresh}");
                let ttl = if *fresh % 4 == 0 {
                    Ttl::At(now + 300)
                } else {
                    Ttl::Clear
                };
                store
                    .db(db)
                    .set(k.as_bytes(), Value::string(k.as_bytes()), ttl, now);
            }
        }
        Op::Thin { db } => {
            let mut keys = Vec::new();
            store.db(db).for_each_key(now, |k, _| keys.push(k.to_vec()));
            for (i, k) in keys.iter().enumerate() {
                if i % 8 != 0 {
                    store.db(db).remove(k, now);
                }
            }
        }
        Op::Step { .. } => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn snapshot_is_the_start_content_exactly_once(
        before in proptest::collection::vec(op(), 0..60),
        during in proptest::collection::vec(op(), 0..200),
    ) {
        let clock = Arc::new(ManualClock::new(START));
        let mut store = Store::with_clock(DBS, clock.clone());
        let mut fresh = 0;
        for op in &before {
            if !matches!(op, Op::Step { .. }) {
                apply(&mut store, &clock, op, &mut fresh);
            }
        }
        let start_now = store.now_ms();
        let expected = content(&store, start_now);
        let start = store.begin_snapshot().expect("none running");
        prop_assert_eq!(start.started_ms, start_now);
        for (db, counts) in start.dbs.iter().enumerate() {
            prop_assert_eq!(counts.keys, store.dbs()[db].len());
        }
        let (mut got, mut last_db, mut done) = (Content::new(), 0, false);
        for op in &during {
            match *op {
                Op::Step { n } if !done => {
                    done = collect(&mut got, &mut last_db, store.snapshot_step(usize::from(n)))
                        .map_err(TestCaseError::fail)?;
                }
                _ => apply(&mut store, &clock, op, &mut fresh),
            }
        }
        let mut steps = 0;
        while !done {
            done = collect(&mut got, &mut last_db, store.snapshot_step(17))
                .map_err(TestCaseError::fail)?;
            steps += 1;
            prop_assert!(steps < 100_000, "snapshot never finished");
        }
        prop_assert!(!store.snapshot_in_progress());
        prop_assert_eq!(store.snapshot_memory(), 0);
        prop_assert_eq!(got, expected);
        for ks in store.dbs() {
            prop_assert_eq!(ks.used_memory(), ks.recount_memory());
        }
    }
}

/// Step times on a 100k-key store, printed (debug builds are ~10× slower than release).
#[test]
#[ignore = "measurement, not a check: run with --ignored --nocapture, ideally --release"]
fn step_times_on_100k_keys() {
    let clock = Arc::new(ManualClock::new(START));
    let mut store = Store::with_clock(1, clock);
    for i in 0..100_000u32 {
        let k = format!("key:{i:08}");
        store.db(0).set(
            k.as_bytes(),
            Value::string(b"some value of 24 bytes.."),
            Ttl::Clear,
            START,
        );
    }
    store.begin_snapshot().expect("none running");
    let (mut times, mut items, mut i) = (Vec::new(), 0, 0u32);
    loop {
        // Writes between steps, as clients would: a few copy-before-writes per step.
        for _ in 0..10 {
            let k = format!("key:{:08}", (i * 7919) % 100_000);
            store
                .db(0)
                .update(k.as_bytes(), START, |v| *v = Value::string(b"new"));
            i += 1;
        }
        let t = Instant::now();
        let batch = store.snapshot_step(1000);
        times.push(t.elapsed());
        items += batch.items.len();
        if batch.done {
            break;
        }
    }
    times.sort();
    let total: std::time::Duration = times.iter().sum();
    println!(
        "{items} items in {} steps of up to 1000: median {:?}, p99 {:?}, max {:?}, total {:?}",
        times.len(),
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times[times.len() - 1],
        total
    );
    assert_eq!(items, 100_000);
}
