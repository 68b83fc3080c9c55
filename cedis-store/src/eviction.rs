//! Eviction: choosing and removing keys to bring the store under a memory limit
//! (Redis's `maxmemory` and `maxmemory-policy`).
//!
//! # Policies
//!
//! [`Policy`] names what may go (every key, or only keys with a deadline) and in which
//! order: least recently used, least frequently used, soonest to expire, or at random.
//! [`Policy::NoEviction`] removes nothing: the server refuses commands that would grow
//! the dataset instead.
//!
//! # Approximation, as in Redis
//!
//! Nothing is kept in order. Each round samples `samples` keys per database
//! ([`Limits::samples`], `maxmemory-samples`) and offers them to an [`EvictionPool`] of
//! the [`POOL_SIZE`] best candidates seen so far, which survives between calls so good
//! candidates found earlier are not forgotten. The best candidate still present is
//! evicted. With 5 samples this is close to true LRU for typical access patterns, at
//! O(samples × databases) per evicted key.
//!
//! # The 24-bit access stamp
//!
//! Every [`Entry`](crate::Entry) has a 24-bit `lru` field. Under an LRU policy (or
//! none) it holds the [LRU clock](crate::keyspace::lru_clock) of the last access. Under
//! an LFU policy it holds, as Redis does,
//!
//! ```text
//!   23              8 7        0
//!  +-----------------+----------+
//!  |  minutes (16)   | counter  |
//!  +-----------------+----------+
//! ```
//!
//! the time of the counter's last decay, in minutes wrapped to 16 bits, and an 8-bit
//! logarithmic access counter: an access increments it with probability
//! `1 / ((counter - LFU_INIT_VAL) × lfu-log-factor + 1)`, and it loses one per
//! `lfu-decay-time` minutes without access. New keys start at [`LFU_INIT_VAL`] so they
//! are not evicted before they had a chance to be used.
//!
//! ```
//! use cedis_store::eviction::{lfu_counter, lfu_new_stamp, lfu_touch, Lfu};
//! let lfu = Lfu { log_factor: 10, decay_time: 1 };
//! let now = 3_600_000;
//! let mut stamp = lfu_new_stamp(now);
//! assert_eq!(lfu_counter(stamp, now, lfu), 5);
//! let mut rng = 1;
//! for _ in 0..1000 {
//!     stamp = lfu_touch(stamp, now, lfu, &mut rng);
//! }
//! assert!(lfu_counter(stamp, now, lfu) > 5);
//! // Ten idle minutes with a decay time of one minute take ten off.
//! assert_eq!(lfu_counter(stamp, now + 600_000, lfu), lfu_counter(stamp, now, lfu) - 10);
//! ```

use std::time::{Duration, Instant};

use crate::keyspace::{lru_idle_ms, Keyspace};

/// `maxmemory-policy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    #[default]
    NoEviction,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}

impl Policy {
    /// Every policy, `NoEviction` first (for tables indexed by policy, and tests).
    pub const ALL: [Policy; 8] = [
        Policy::NoEviction,
        Policy::AllkeysLru,
        Policy::AllkeysLfu,
        Policy::AllkeysRandom,
        Policy::VolatileLru,
        Policy::VolatileLfu,
        Policy::VolatileRandom,
        Policy::VolatileTtl,
    ];

    /// Whether the policy ranks keys by access frequency (entries then keep an LFU stamp).
    pub const fn is_lru(self) -> bool {
        matches!(self, Policy::AllkeysLru | Policy::VolatileLru)
    }

    pub const fn is_lfu(self) -> bool {
        matches!(self, Policy::AllkeysLfu | Policy::VolatileLfu)
    }

    /// Whether only keys with a deadline may be evicted.
    pub const fn is_volatile(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru
                | Policy::VolatileLfu
                | Policy::VolatileRandom
                | Policy::VolatileTtl
        )
    }

    /// Whether candidates go through the pool (every policy but the random ones).
    const fn ranked(self) -> bool {
        !matches!(
            self,
            Policy::NoEviction | Policy::AllkeysRandom | Policy::VolatileRandom
        )
    }
}

/// The LFU tuning knobs (`lfu-log-factor`, `lfu-decay-time`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lfu {
    /// How hard the counter is to increment: higher needs more hits per step.
    pub log_factor: u32,
    /// Minutes without access that take one off the counter; 0 never decays.
    pub decay_time: u32,
}

impl Default for Lfu {
    /// Redis's defaults: factor 10, one minute.
    fn default() -> Lfu {
        Lfu {
            log_factor: 10,
            decay_time: 1,
        }
    }
}

/// The counter a new key starts with (Redis's `LFU_INIT_VAL`).
pub const LFU_INIT_VAL: u8 = 5;

/// Candidates the eviction pool keeps between calls (Redis's `EVPOOL_SIZE`).
pub const POOL_SIZE: usize = 16;

/// The LFU clock: minutes, wrapped to 16 bits.
fn lfu_minutes(now_ms: u64) -> u32 {
    // Truncation is the point: the clock wraps every ~45 days.
    ((now_ms / 60_000) & 0xFFFF) as u32
}

/// Minutes since the stamp's decay time, allowing for one wrap of the clock.
fn lfu_elapsed_minutes(stamp: u32, now_ms: u64) -> u32 {
    let then = stamp >> 8;
    lfu_minutes(now_ms).wrapping_sub(then) & 0xFFFF
}

/// A stamp for a key created at `now_ms`: the counter at [`LFU_INIT_VAL`].
pub fn lfu_new_stamp(now_ms: u64) -> u32 {
    (lfu_minutes(now_ms) << 8) | u32::from(LFU_INIT_VAL)
}

/// A stamp holding `counter` as of `now_ms` (RESTORE … FREQ, OBJECT FREQ's tests).
pub fn lfu_stamp_with(counter: u8, now_ms: u64) -> u32 {
    (lfu_minutes(now_ms) << 8) | u32::from(counter)
}

/// The stamp's counter as of `now_ms`, after the decay its idle minutes earned
/// (OBJECT FREQ, and the pool's ranking). Reading does not change the stamp.
pub fn lfu_counter(stamp: u32, now_ms: u64, lfu: Lfu) -> u8 {
    let counter = (stamp & 0xFF) as u8;
    if lfu.decay_time == 0 {
        return counter;
    }
    let periods = lfu_elapsed_minutes(stamp, now_ms) / lfu.decay_time;
    counter.saturating_sub(u8::try_from(periods).unwrap_or(u8::MAX))
}

/// One access: decays the counter, then increments it logarithmically; the new stamp.
/// `rng` is the caller's random state (any value; see [`next_random`]).
pub fn lfu_touch(stamp: u32, now_ms: u64, lfu: Lfu, rng: &mut u64) -> u32 {
    let mut counter = lfu_counter(stamp, now_ms, lfu);
    if counter < u8::MAX {
        let base = f64::from(counter.saturating_sub(LFU_INIT_VAL));
        let p = 1.0 / (base * f64::from(lfu.log_factor) + 1.0);
        if unit_random(rng) < p {
            counter += 1;
        }
    }
    lfu_stamp_with(counter, now_ms)
}

/// splitmix64: a fast generator for the LFU coin flips (any seed works, zero too).
pub fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in `[0, 1)`.
fn unit_random(state: &mut u64) -> f64 {
    (next_random(state) >> 11) as f64 / (1u64 << 53) as f64
}

/// What one eviction call may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub policy: Policy,
    /// Keys sampled per database per round (`maxmemory-samples`, at least 1).
    pub samples: usize,
    /// Evict until [`crate::Store::used_memory`] is at most this.
    pub max_bytes: usize,
    /// Stop after this much wall time (checked every 16 keys); `None`: no limit
    /// (`maxmemory-eviction-tenacity 100`).
    pub budget: Option<Duration>,
    /// The LFU parameters, for ranking under an LFU policy.
    pub lfu: Lfu,
}

/// How an eviction call ended (Redis's `EVICT_OK`, `EVICT_RUNNING`, `EVICT_FAIL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Memory is within the limit.
    Ok,
    /// Still above, but keys were evicted and the time budget ran out: call again
    /// later. Commands are not refused for this.
    Running,
    /// Still above and nothing (more) can be evicted: the policy is `noeviction`, or
    /// no key qualifies.
    Fail,
}

/// The result of [`crate::Store::evict`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// Keys evicted by this call.
    pub evicted: usize,
}

/// One candidate: its database, key and rank (higher goes first).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Candidate {
    score: u64,
    db: usize,
    key: Box<[u8]>,
}

/// The best eviction candidates seen so far, kept across calls (Redis's
/// `EvictionPoolLRU`): at most [`POOL_SIZE`], in ascending order of rank.
///
/// ```
/// use cedis_store::eviction::EvictionPool;
/// let mut pool = EvictionPool::default();
/// for score in 0..40u64 {
///     pool.offer(score, 0, format!("k{score}").as_bytes());
/// }
/// assert_eq!(pool.len(), 16);
/// assert_eq!(pool.pop_best(), Some((0, b"k39".to_vec())));
/// ```
#[derive(Clone, Debug, Default)]
pub struct EvictionPool {
    slots: Vec<Candidate>,
}

impl EvictionPool {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// Considers a sampled key: kept if the pool has room or it ranks above the worst
    /// one kept (which then goes). A key already in the pool gets its new rank.
    pub fn offer(&mut self, score: u64, db: usize, key: &[u8]) {
        if let Some(i) = self.slots.iter().position(|c| c.db == db && *c.key == *key) {
            self.slots.remove(i);
        } else if self.slots.len() >= POOL_SIZE
            && self.slots.first().is_some_and(|c| score <= c.score)
        {
            return;
        }
        let at = self.slots.partition_point(|c| c.score <= score);
        self.slots.insert(
            at,
            Candidate {
                score,
                db,
                key: key.into(),
            },
        );
        if self.slots.len() > POOL_SIZE {
            self.slots.remove(0);
        }
    }

    /// Takes out the best candidate: `(database, key)`.
    pub fn pop_best(&mut self) -> Option<(usize, Vec<u8>)> {
        self.slots.pop().map(|c| (c.db, c.key.into_vec()))
    }
}

/// The store's eviction state: the pool and where random eviction goes next.
#[derive(Debug, Default)]
pub(crate) struct Evictor {
    pool: EvictionPool,
    /// The policy the pool's ranks were computed under: a change empties the pool.
    pool_policy: Policy,
    next_db: usize,
}

impl Evictor {
    /// Evicts keys from `dbs` until `used()` is within `limits.max_bytes`.
    pub(crate) fn run(
        &mut self,
        dbs: &mut [Keyspace],
        limits: &Limits,
        now_ms: u64,
        used: impl Fn(&[Keyspace]) -> usize,
    ) -> Outcome {
        let mut evicted = 0;
        if used(dbs) <= limits.max_bytes {
            return Outcome {
                status: Status::Ok,
                evicted,
            };
        }
        if limits.policy == Policy::NoEviction {
            return Outcome {
                status: Status::Fail,
                evicted,
            };
        }
        if self.pool_policy != limits.policy {
            self.pool.clear();
            self.pool_policy = limits.policy;
        }
        let started = Instant::now();
        while used(dbs) > limits.max_bytes {
            let Some((db, key)) = self.choose(dbs, limits, now_ms) else {
                return Outcome {
                    status: Status::Fail,
                    evicted,
                };
            };
            if dbs[db].evict(&key) {
                evicted += 1;
            }
            if evicted % 16 == 0 && limits.budget.is_some_and(|b| started.elapsed() > b) {
                let status = if used(dbs) <= limits.max_bytes {
                    Status::Ok
                } else {
                    Status::Running
                };
                return Outcome { status, evicted };
            }
        }
        Outcome {
            status: Status::Ok,
            evicted,
        }
    }

    /// The next key to evict under `limits.policy`, or `None` when no key qualifies.
    fn choose(
        &mut self,
        dbs: &[Keyspace],
        limits: &Limits,
        now_ms: u64,
    ) -> Option<(usize, Vec<u8>)> {
        let volatile = limits.policy.is_volatile();
        let mut rng = rand::thread_rng();
        if !limits.policy.ranked() {
            for _ in 0..dbs.len() {
                let db = self.next_db % dbs.len();
                self.next_db = (db + 1) % dbs.len();
                if let Some((key, _, _)) = dbs[db].sample_for_eviction(volatile, &mut rng) {
                    return Some((db, key.to_vec()));
                }
            }
            return None;
        }
        loop {
            let mut candidates = 0;
            for (index, db) in dbs.iter().enumerate() {
                let keys = if volatile { db.expires_len() } else { db.len() };
                if keys == 0 {
                    continue;
                }
                candidates += keys;
                let pool = &mut self.pool;
                db.sample_some_for_eviction(
                    volatile,
                    limits.samples.max(1),
                    &mut rng,
                    |key, stamp, deadline| {
                        let score = match limits.policy {
                            Policy::AllkeysLfu | Policy::VolatileLfu => {
                                255 - u64::from(lfu_counter(stamp, now_ms, limits.lfu))
                            }
                            Policy::VolatileTtl => u64::MAX - deadline.unwrap_or(u64::MAX),
                            _ => lru_idle_ms(stamp, now_ms),
                        };
                        pool.offer(score, index, key);
                    },
                );
            }
            // No candidate at all (or sampling found none to offer): nothing to evict.
            if candidates == 0 || self.pool.is_empty() {
                return None;
            }
            while let Some((db, key)) = self.pool.pop_best() {
                let present = dbs
                    .get(db)
                    .is_some_and(|d| d.holds_for_eviction(&key, volatile));
                if present {
                    return Some((db, key));
                }
            }
            // Every pooled candidate was gone already: sample again.
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use cedis_types::{StringValue, Value};
    use proptest::prelude::*;

    use super::*;
    use crate::clock::ManualClock;
    use crate::{Store, Ttl};

    fn value(len: usize) -> Value {
        Value::String(StringValue::from_bytes(&vec![b'x'; len]))
    }

    fn limits(policy: Policy, max_bytes: usize) -> Limits {
        Limits {
            policy,
            samples: 5,
            max_bytes,
            budget: None,
            lfu: Lfu::default(),
        }
    }

    fn filled(keys: usize, ttl_every: usize) -> Store {
        let mut store = Store::with_clock(2, Arc::new(ManualClock::new(1_000_000)));
        let now = store.now_ms();
        for i in 0..keys {
            let ttl = if ttl_every > 0 && i % ttl_every == 0 {
                Ttl::At(now + 1_000_000 + i as u64)
            } else {
                Ttl::Clear
            };
            store
                .db(i % 2)
                .set(format!("key:{i}").as_bytes(), value(100), ttl, now);
        }
        store
    }

    #[test]
    fn noeviction_fails_and_removes_nothing() {
        let mut store = filled(100, 0);
        let now = store.now_ms();
        let out = store.evict(&limits(Policy::NoEviction, 1), now);
        assert_eq!(out.status, Status::Fail);
        assert_eq!(store.total_keys(), 100);
    }

    #[test]
    fn every_policy_gets_under_the_limit() {
        for policy in Policy::ALL.into_iter().skip(1) {
            let mut store = filled(400, 2);
            let now = store.now_ms();
            let target = store.used_memory() * 3 / 4;
            let out = store.evict(&limits(policy, target), now);
            assert_eq!(out.status, Status::Ok, "{policy:?}");
            assert!(store.used_memory() <= target, "{policy:?}");
            assert!(out.evicted > 0);
            assert_eq!(store.stats().evicted_keys, out.evicted as u64);
            if policy.is_volatile() {
                // Only keys with a deadline went.
                let persistent: usize = (0..2)
                    .map(|db| store.db(db).len() - store.db(db).expires_len())
                    .sum();
                assert_eq!(persistent, 200, "{policy:?}");
            }
        }
    }

    #[test]
    fn volatile_policies_fail_without_volatile_keys() {
        let mut store = filled(50, 0);
        let now = store.now_ms();
        let out = store.evict(&limits(Policy::VolatileLru, 1), now);
        assert_eq!(out.status, Status::Fail);
        assert_eq!(store.total_keys(), 50);
    }

    #[test]
    fn volatile_ttl_evicts_the_soonest_deadlines_first() {
        let mut store = Store::with_clock(1, Arc::new(ManualClock::new(0)));
        for i in 0..100u64 {
            store.db(0).set(
                format!("k{i}").as_bytes(),
                value(100),
                Ttl::At(10_000 + i),
                0,
            );
        }
        let target = store.used_memory() / 2;
        store.evict(&limits(Policy::VolatileTtl, target), 0);
        // The survivors are mostly the later deadlines.
        let late = (50..100)
            .filter(|i| store.db(0).contains(format!("k{i}").as_bytes(), 0))
            .count();
        let early = (0..50)
            .filter(|i| store.db(0).contains(format!("k{i}").as_bytes(), 0))
            .count();
        assert!(late > early * 2, "late {late} early {early}");
    }

    #[test]
    fn lru_keeps_the_recently_used_keys() {
        let clock = Arc::new(ManualClock::new(0));
        let mut store = Store::with_clock(1, clock.clone());
        for i in 0..1000 {
            store
                .db(0)
                .set(format!("k{i}").as_bytes(), value(50), Ttl::Clear, 0);
        }
        clock.advance(100_000);
        let now = store.now_ms();
        for i in 0..100 {
            store.db(0).get(format!("k{i}").as_bytes(), now);
        }
        let target = store.used_memory() / 2;
        store.evict(&limits(Policy::AllkeysLru, target), now);
        let hot = (0..100)
            .filter(|i| store.db(0).contains(format!("k{i}").as_bytes(), now))
            .count();
        assert!(hot >= 95, "hot survivors {hot}");
    }

    #[test]
    fn lfu_keeps_the_frequently_used_keys() {
        let clock = Arc::new(ManualClock::new(0));
        let mut store = Store::with_clock(1, clock.clone());
        store.set_lfu(Some(Lfu::default()));
        for i in 0..1000 {
            store
                .db(0)
                .set(format!("k{i}").as_bytes(), value(50), Ttl::Clear, 0);
        }
        for _ in 0..200 {
            for i in 0..100 {
                store.db(0).get(format!("k{i}").as_bytes(), 0);
            }
        }
        assert!(store.db(0).lfu_freq(b"k1", 0).is_some_and(|f| f > 5));
        assert_eq!(store.db(0).lfu_freq(b"k500", 0), Some(5));
        let target = store.used_memory() / 2;
        store.evict(
            &Limits {
                policy: Policy::AllkeysLfu,
                ..limits(Policy::AllkeysLfu, target)
            },
            0,
        );
        let hot = (0..100)
            .filter(|i| store.db(0).contains(format!("k{i}").as_bytes(), 0))
            .count();
        assert!(hot >= 95, "hot survivors {hot}");
    }

    #[test]
    fn lfu_counter_saturates_and_decays() {
        let lfu = Lfu {
            log_factor: 0,
            decay_time: 2,
        };
        let mut rng = 7;
        let mut stamp = lfu_new_stamp(0);
        for _ in 0..300 {
            stamp = lfu_touch(stamp, 0, lfu, &mut rng);
        }
        assert_eq!(lfu_counter(stamp, 0, lfu), 255);
        // 20 minutes at one per 2 minutes.
        assert_eq!(lfu_counter(stamp, 20 * 60_000, lfu), 245);
        let never = Lfu {
            decay_time: 0,
            ..lfu
        };
        assert_eq!(lfu_counter(stamp, 1 << 40, never), 255);
    }

    #[test]
    fn lfu_minutes_wrap() {
        let wrap = 65_536 * 60_000u64;
        let stamp = lfu_stamp_with(100, wrap - 60_000);
        assert_eq!(lfu_counter(stamp, wrap + 60_000, Lfu::default()), 98);
    }

    #[test]
    fn eviction_signals_evicted() {
        let mut store = filled(20, 0);
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        store.set_hook(Some(Arc::new(move |_, key: &[u8], change| {
            sink.lock().unwrap().push((key.to_vec(), change));
        })));
        let now = store.now_ms();
        let out = store.evict(&limits(Policy::AllkeysRandom, 0), now);
        assert_eq!(out.evicted, 20);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 20);
        assert!(seen.iter().all(|(_, c)| *c == crate::Change::Evicted));
    }

    proptest! {
        #[test]
        fn pool_keeps_the_best_ranks(scores in proptest::collection::vec(0u64..1000, 0..100)) {
            let mut pool = EvictionPool::default();
            for (i, s) in scores.iter().enumerate() {
                pool.offer(*s, 0, &i.to_be_bytes());
            }
            let mut best: Vec<u64> = scores.clone();
            best.sort_unstable();
            best.reverse();
            best.truncate(POOL_SIZE);
            let mut got = Vec::new();
            while let Some((_, key)) = pool.pop_best() {
                let i = usize::from_be_bytes(key.try_into().unwrap());
                got.push(scores[i]);
            }
            prop_assert_eq!(got, best);
        }

        #[test]
        fn eviction_ends_within_the_limit_and_accounting_holds(
            sizes in proptest::collection::vec(1usize..500, 1..200),
            share in 0usize..100,
            policy in 0usize..7,
        ) {
            let policy = [
                Policy::AllkeysLru, Policy::AllkeysLfu, Policy::AllkeysRandom,
                Policy::VolatileLru, Policy::VolatileLfu, Policy::VolatileRandom,
                Policy::VolatileTtl,
            ][policy];
            let mut store = Store::with_clock(3, Arc::new(ManualClock::new(0)));
            store.set_lfu(policy.is_lfu().then(Lfu::default));
            for (i, len) in sizes.iter().enumerate() {
                let ttl = if i % 2 == 0 { Ttl::At(1_000_000 + i as u64) } else { Ttl::Clear };
                store.db(i % 3).set(format!("k{i}").as_bytes(), value(*len), ttl, 0);
            }
            let target = store.used_memory() * share / 100;
            let out = store.evict(&limits(policy, target), 0);
            match out.status {
                Status::Ok => prop_assert!(store.used_memory() <= target),
                Status::Fail => {
                    // Only when nothing evictable is left.
                    let left: usize = (0..3).map(|d| if policy.is_volatile() {
                        store.db(d).expires_len()
                    } else {
                        store.db(d).len()
                    }).sum();
                    prop_assert_eq!(left, 0);
                }
                Status::Running => prop_assert!(false, "no budget was set"),
            }
            for d in 0..3 {
                prop_assert_eq!(store.db(d).used_memory(), store.db(d).recount_memory());
            }
        }
    }
}

#[cfg(test)]
mod speed {
    use super::*;
    use crate::{Store, Ttl};
    use cedis_types::Value;

    #[test]
    #[ignore = "timing probe, run by hand"]
    fn evict_speed() {
        let mut store = Store::new(16);
        for i in 0..200_000 {
            store.db(0).set(
                format!("k{i}").as_bytes(),
                Value::string(b"v"),
                Ttl::Clear,
                0,
            );
        }
        let max_bytes = store.used_memory() / 2;
        let started = Instant::now();
        let out = store.evict(
            &Limits {
                policy: Policy::AllkeysLru,
                samples: 5,
                max_bytes,
                budget: None,
                lfu: Lfu::default(),
            },
            0,
        );
        let per = started.elapsed() / u32::try_from(out.evicted.max(1)).unwrap_or(1);
        eprintln!("evicted {} at {per:?} each", out.evicted);
    }
}
