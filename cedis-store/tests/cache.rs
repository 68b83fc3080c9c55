//! The embeddable `Cache`: typed operations, options, errors, sharing across threads and
//! the background expiry thread's lifetime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use cedis_store::clock::{Clock, ManualClock, SystemClock};
use cedis_store::{Cache, CacheError, KeyTtl, SetOptions};

/// A cache on a manual clock without the background thread: expiry only as tests say.
fn manual() -> (Cache, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_000_000));
    let cache = Cache::builder()
        .databases(2)
        .clock(clock.clone())
        .expire_interval(None)
        .build();
    (cache, clock)
}

#[test]
fn strings_round_trip() {
    let (cache, _) = manual();
    assert_eq!(cache.get(b"k"), None);
    assert!(cache.set(b"k", b"hello", SetOptions::default()));
    assert_eq!(cache.get(b"k").as_deref(), Some(&b"hello"[..]));
    assert!(cache.set(b"n", b"12", SetOptions::default()));
    assert_eq!(cache.get(b"n").as_deref(), Some(&b"12"[..]));
    assert!(cache.set(b"empty", b"", SetOptions::default()));
    assert_eq!(cache.get(b"empty"), Some(Vec::new()));
    assert_eq!(cache.len(), 3);
    assert!(cache.exists(b"k"));
    assert!(cache.del(b"k"));
    assert!(!cache.del(b"k"));
    assert!(!cache.exists(b"k"));
    cache.flush();
    assert!(cache.is_empty());
}

#[test]
fn set_options_follow_set_nx_xx_keepttl_px() {
    let (cache, clock) = manual();
    let nx = SetOptions {
        nx: true,
        ..SetOptions::default()
    };
    let xx = SetOptions {
        xx: true,
        ..SetOptions::default()
    };
    assert!(!cache.set(b"k", b"1", xx), "XX on a missing key");
    assert!(cache.set(b"k", b"1", nx));
    assert!(!cache.set(b"k", b"2", nx), "NX on an existing key");
    assert!(cache.set(b"k", b"3", xx));
    assert_eq!(cache.get(b"k").as_deref(), Some(&b"3"[..]));

    assert!(cache.set(b"k", b"4", SetOptions::with_ttl(Duration::from_secs(10))));
    let keep = SetOptions {
        keep_ttl: true,
        ..SetOptions::default()
    };
    clock.advance(1_000);
    assert!(cache.set(b"k", b"5", keep));
    assert_eq!(cache.ttl(b"k"), KeyTtl::Remaining(Duration::from_secs(9)));
    assert!(cache.set(b"k", b"6", SetOptions::default()));
    assert_eq!(cache.ttl(b"k"), KeyTtl::Persistent);

    // A sub-millisecond TTL is rounded up, never down to "already expired".
    assert!(cache.set(
        b"short",
        b"v",
        SetOptions::with_ttl(Duration::from_micros(1))
    ));
    assert_eq!(
        cache.ttl(b"short"),
        KeyTtl::Remaining(Duration::from_millis(1))
    );
}

#[test]
fn keys_expire_lazily_on_the_injected_clock() {
    let (cache, clock) = manual();
    cache.set(b"k", b"v", SetOptions::with_ttl(Duration::from_millis(500)));
    assert_eq!(
        cache.ttl(b"k"),
        KeyTtl::Remaining(Duration::from_millis(500))
    );
    clock.advance(500);
    assert_eq!(cache.get(b"k").as_deref(), Some(&b"v"[..]));
    clock.advance(1);
    assert_eq!(cache.get(b"k"), None);
    assert_eq!(cache.ttl(b"k"), KeyTtl::Missing);
    assert_eq!(cache.lock().stats().expired_keys, 1);
}

#[test]
fn expire_ttl_and_persist() {
    let (cache, clock) = manual();
    assert!(!cache.expire(b"k", Duration::from_secs(1)));
    assert_eq!(cache.ttl(b"k"), KeyTtl::Missing);
    cache.set(b"k", b"v", SetOptions::default());
    assert_eq!(cache.ttl(b"k"), KeyTtl::Persistent);
    assert!(!cache.persist(b"k"), "nothing to persist");
    assert!(cache.expire(b"k", Duration::from_secs(2)));
    clock.advance(500);
    assert_eq!(
        cache.ttl(b"k"),
        KeyTtl::Remaining(Duration::from_millis(1500))
    );
    assert!(cache.persist(b"k"));
    assert_eq!(cache.ttl(b"k"), KeyTtl::Persistent);
    // A zero TTL deletes at once, as EXPIRE with a past time.
    assert!(cache.expire(b"k", Duration::ZERO));
    assert!(!cache.exists(b"k"));
}

#[test]
fn incr_by_counts_and_reports_redis_errors() {
    let (cache, _) = manual();
    assert_eq!(cache.incr_by(b"n", 5), Ok(5));
    assert_eq!(cache.incr_by(b"n", -7), Ok(-2));
    assert_eq!(cache.get(b"n").as_deref(), Some(&b"-2"[..]));
    cache.set(b"text", b"abc", SetOptions::default());
    assert_eq!(cache.incr_by(b"text", 1), Err(CacheError::NotAnInteger));
    cache.set(b"spaced", b" 1", SetOptions::default());
    assert_eq!(cache.incr_by(b"spaced", 1), Err(CacheError::NotAnInteger));
    cache.set(
        b"max",
        i64::MAX.to_string().as_bytes(),
        SetOptions::default(),
    );
    assert_eq!(cache.incr_by(b"max", 1), Err(CacheError::Overflow));
    assert_eq!(cache.get(b"max"), Some(i64::MAX.to_string().into_bytes()));
    assert_eq!(
        CacheError::NotAnInteger.to_string(),
        "value is not an integer or out of range"
    );
}

#[test]
fn incr_by_keeps_the_ttl() {
    let (cache, _) = manual();
    cache.set(b"n", b"1", SetOptions::with_ttl(Duration::from_secs(10)));
    assert_eq!(cache.incr_by(b"n", 1), Ok(2));
    assert_eq!(cache.ttl(b"n"), KeyTtl::Remaining(Duration::from_secs(10)));
}

#[test]
fn scan_with_a_pattern_returns_each_matching_key() {
    let (cache, _) = manual();
    for i in 0..200 {
        cache.set(format!("user:{i}").as_bytes(), b"v", SetOptions::default());
        cache.set(format!("order:{i}").as_bytes(), b"v", SetOptions::default());
    }
    let mut users = std::collections::HashSet::new();
    let mut cursor = 0;
    loop {
        let (next, keys) = cache.scan(cursor, Some(b"user:*"), 20);
        for key in keys {
            assert!(key.starts_with(b"user:"));
            users.insert(key);
        }
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(users.len(), 200);
    let (_, everything) = cache.scan(0, None, 10_000);
    assert_eq!(everything.len(), 400);
}

#[test]
fn database_views_share_the_store_but_not_keys() {
    let (cache, _) = manual();
    let other = cache.db(1);
    assert_eq!((cache.db_index(), other.db_index()), (0, 1));
    other.set(b"k", b"in 1", SetOptions::default());
    assert_eq!(cache.get(b"k"), None);
    assert_eq!(other.get(b"k").as_deref(), Some(&b"in 1"[..]));
    assert_eq!(cache.lock().total_keys(), 1);
    assert!(cache.used_memory() > 0);
}

#[test]
#[should_panic(expected = "out of range")]
fn a_database_view_out_of_range_panics() {
    let (cache, _) = manual();
    let _ = cache.db(2);
}

#[test]
fn handles_can_be_shared_across_threads() {
    let cache = Cache::new(1);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let cache = cache.clone();
            thread::spawn(move || {
                for i in 0..1000 {
                    cache.incr_by(b"counter", 1).unwrap();
                    let key = format!("t{t}:{i}");
                    cache.set(key.as_bytes(), key.as_bytes(), SetOptions::default());
                    assert_eq!(cache.get(key.as_bytes()), Some(key.into_bytes()));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(cache.get(b"counter").as_deref(), Some(&b"8000"[..]));
    assert_eq!(cache.len(), 8001);
}

#[test]
fn the_background_thread_removes_keys_nobody_reads() {
    let cache = Cache::new(1);
    for i in 0..200 {
        let key = format!("k{i}");
        cache.set(
            key.as_bytes(),
            b"v",
            SetOptions::with_ttl(Duration::from_millis(50)),
        );
    }
    cache.set(b"keep", b"v", SetOptions::default());
    let start = Instant::now();
    // `len` counts expired keys until they are removed: only the thread can remove these.
    while cache.len() > 1 {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{} keys left",
            cache.len()
        );
        thread::sleep(Duration::from_millis(20));
    }
    assert!(cache.exists(b"keep"));
}

/// The system clock, counting how often it is read.
#[derive(Debug, Default)]
struct CountingClock {
    reads: AtomicU64,
}

impl Clock for CountingClock {
    fn now_ms(&self) -> u64 {
        self.reads.fetch_add(1, Ordering::SeqCst);
        SystemClock.now_ms()
    }
}

#[test]
fn the_background_thread_stops_with_the_last_handle() {
    let clock = Arc::new(CountingClock::default());
    let cache = Cache::builder()
        .clock(clock.clone())
        .expire_interval(Some(Duration::from_millis(10)))
        .build();
    let second = cache.clone();
    drop(cache);
    // One handle left: the thread keeps reading the clock once per tick.
    let before = clock.reads.load(Ordering::SeqCst);
    let start = Instant::now();
    while clock.reads.load(Ordering::SeqCst) == before {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "the thread is not running"
        );
        thread::sleep(Duration::from_millis(5));
    }
    drop(second);
    thread::sleep(Duration::from_millis(50));
    let after_drop = clock.reads.load(Ordering::SeqCst);
    thread::sleep(Duration::from_millis(100));
    assert_eq!(
        clock.reads.load(Ordering::SeqCst),
        after_drop,
        "still ticking"
    );
    // Only the test's `clock` is left holding it: the store (and its thread) are gone.
    assert_eq!(Arc::strong_count(&clock), 1);
}

#[test]
fn expire_now_sweeps_a_cache_without_the_background_thread() {
    let (cache, clock) = manual();
    for i in 0..100 {
        let key = format!("k{i}");
        cache.set(
            key.as_bytes(),
            b"v",
            SetOptions::with_ttl(Duration::from_millis(10)),
        );
    }
    cache
        .db(1)
        .set(b"k", b"v", SetOptions::with_ttl(Duration::from_millis(10)));
    clock.advance(11);
    let mut expired = 0;
    for _ in 0..10 {
        expired += cache.expire_now();
    }
    assert_eq!(expired, 101);
    assert_eq!(cache.lock().total_keys(), 0);
}
