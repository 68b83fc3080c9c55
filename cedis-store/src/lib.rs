#![doc = include_str!("../README.md")]
//!
//! Layout:
//! - [`Store`]: the numbered databases (`SELECT`, `SWAPDB`, `MOVE`, `FLUSHALL`).
//! - [`keyspace`]: [`Keyspace`], one database: values, deadlines, lazy and active expiry,
//!   memory accounting, the change signal.
//! - [`dict`]: [`dict::Dict`], the incrementally rehashed hash table under each database.
//! - [`clock`]: injected time.
//! - [`memory`]: what a key costs, for the incremental memory accounting.
//! - [`eviction`]: choosing and removing keys to get under a memory limit (`maxmemory`).
//! - [`cache`]: [`Cache`], the thread-safe handle for embedding cedis-store in a program.
//! - [`snapshot`]: fork-free point-in-time snapshots (BGSAVE) with copy-before-write.
//!
//! The server reaches the store only through this crate's API.

pub mod cache;
pub mod clock;
pub use cedis_types::dict;
pub mod eviction;
pub mod keyspace;
pub mod memory;
pub mod snapshot;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use cache::{Cache, CacheBuilder, CacheError, KeyTtl, SetOptions};
pub use keyspace::{Change, Entry, Keyspace, Lookup, Stats, Ttl};
pub use snapshot::{
    AbortedSnapshot, DbCounts, SnapshotBatch, SnapshotError, SnapshotItem, SnapshotProgress,
    SnapshotStart,
};

/// Called for every change to a key: `(database, key, change)`.
///
/// It runs synchronously inside the store's call, after the change is complete, so it
/// must be quick and must not call back into the store (a [`Cache`] holds its lock while
/// the hook runs): push into a queue and act later.
pub type ChangeHook = Arc<dyn Fn(usize, &[u8], Change) + Send + Sync>;

/// Databases the store's active expiry cycle visits per call at most (Redis's
/// `CRON_DBS_PER_CALL`).
pub const EXPIRE_DBS_PER_CALL: usize = 16;

/// The numbered databases of one server, and the clock they share.
#[derive(Debug)]
pub struct Store {
    dbs: Vec<Keyspace>,
    clock: Arc<dyn clock::Clock>,
    /// Where the next active expiry cycle starts, so a cycle cut short by its budget does
    /// not starve the databases after the one it stopped in.
    next_expire_db: usize,
    /// The database the next [`Store::active_rehash`] starts with.
    next_rehash_db: usize,
    /// Store-wide counters (the active cycle's time cap); the rest live in each database.
    stats: Stats,
    /// Running estimate of the share of volatile keys that are expired but not yet
    /// removed (INFO `expired_stale_perc`), as a fraction 0.0..=1.0.
    expired_stale: f64,
    /// The running background snapshot, if any (see [`snapshot`]).
    snapshot: Option<Box<snapshot::Snapshot>>,
    /// The last snapshot's epoch; each snapshot takes the next.
    snapshot_epoch: u32,
    /// The eviction pool and cursor (see [`eviction`]).
    evictor: eviction::Evictor,
}

impl Store {
    /// A store with `databases` empty databases (at least one) on the system clock.
    pub fn new(databases: usize) -> Store {
        Store::with_clock(databases, Arc::new(clock::SystemClock))
    }

    pub fn with_clock(databases: usize, clock: Arc<dyn clock::Clock>) -> Store {
        Store {
            dbs: (0..databases.max(1)).map(Keyspace::new).collect(),
            clock,
            next_expire_db: 0,
            next_rehash_db: 0,
            stats: Stats::default(),
            expired_stale: 0.0,
            snapshot: None,
            snapshot_epoch: 0,
            evictor: eviction::Evictor::default(),
        }
    }

    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// The clock every deadline is measured against.
    pub fn clock(&self) -> &Arc<dyn clock::Clock> {
        &self.clock
    }

    pub fn databases(&self) -> usize {
        self.dbs.len()
    }

    /// Database `index`. Callers validate indexes against [`Store::databases`] (SELECT does);
    /// an out-of-range index is a bug and panics.
    pub fn db(&mut self, index: usize) -> &mut Keyspace {
        &mut self.dbs[index]
    }

    /// Every database, read-only (INFO keyspace, memory reports).
    pub fn dbs(&self) -> &[Keyspace] {
        &self.dbs
    }

    /// Total keys in all databases.
    pub fn total_keys(&self) -> usize {
        self.dbs.iter().map(Keyspace::len).sum()
    }

    /// SWAPDB: exchanges two databases' contents (ids stay with their positions).
    ///
    /// Keys, deadlines and their memory accounting move; each position keeps its id,
    /// change hook and counters. No per-key change is signalled: the server touches the
    /// watched keys of both databases and wakes blocked clients itself, as Redis does.
    /// Panics on an index out of range, as [`Store::db`].
    pub fn swap(&mut self, a: usize, b: usize) {
        if a == b {
            assert!(a < self.dbs.len(), "database index {a} out of range");
            return;
        }
        let (low, high) = (a.min(b), a.max(b));
        let (head, tail) = self.dbs.split_at_mut(high);
        head[low].swap_contents(&mut tail[0]);
    }

    /// Takes over the contents of `other`'s databases (keys, deadlines, memory totals),
    /// database by database, without signalling any change: how a dataset loaded into a
    /// fresh store (start-up, DEBUG RELOAD) replaces the served one. `other` gets the old
    /// contents. Databases past the shorter of the two stay as they are.
    ///
    /// A background snapshot running in either store is aborted (its steps then report
    /// `aborted`): the tables it reads from change hands wholesale.
    pub fn replace_contents(&mut self, other: &mut Store) {
        drop(self.abort_snapshot());
        drop(other.abort_snapshot());
        for (mine, theirs) in self.dbs.iter_mut().zip(other.dbs.iter_mut()) {
            mine.swap_contents(theirs);
        }
    }

    /// MOVE: moves a live key, with its deadline, from database `from` to `to`. False
    /// (nothing changes) when the key does not exist in `from`, already exists in `to`, or
    /// `from == to` (MOVE rejects that with an error before asking). Signals `Deleted` in
    /// `from`, then `Modified` in `to`.
    pub fn move_key(&mut self, key: &[u8], from: usize, to: usize, now_ms: u64) -> bool {
        if from == to || !self.dbs[from].contains(key, now_ms) || self.dbs[to].contains(key, now_ms)
        {
            return false;
        }
        let Some((entry, deadline)) = self.dbs[from].take(key, now_ms) else {
            return false;
        };
        self.dbs[to].put(key, entry, deadline);
        true
    }

    /// FLUSHALL: empties every database; the number of keys removed. Signals nothing per
    /// key; counters are kept.
    pub fn flush_all(&mut self) -> usize {
        let keys = self.total_keys();
        self.dbs.iter_mut().for_each(Keyspace::clear);
        keys
    }

    /// FLUSHALL (the same as [`Store::flush_all`], without the count).
    pub fn clear_all(&mut self) {
        self.flush_all();
    }

    /// Pauses (`true`) or resumes key expiry in every database (see
    /// [`Keyspace::set_expiry_paused`]); CLIENT PAUSE uses it.
    pub fn set_expiry_paused(&mut self, paused: bool) {
        for db in &mut self.dbs {
            db.set_expiry_paused(paused);
        }
    }

    /// Freezes (`true`) or thaws expiry in every database (see
    /// [`Keyspace::set_expiry_frozen`]); loading an AOF uses it.
    pub fn set_expiry_frozen(&mut self, frozen: bool) {
        for db in &mut self.dbs {
            db.set_expiry_frozen(frozen);
        }
    }

    pub fn set_hook(&mut self, hook: Option<ChangeHook>) {
        for db in &mut self.dbs {
            db.set_hook(hook.clone());
        }
    }

    /// Memory used by all databases.
    pub fn used_memory(&self) -> usize {
        self.dbs.iter().map(Keyspace::used_memory).sum()
    }

    /// Evicts keys under `limits.policy` until [`Store::used_memory`] is at most
    /// `limits.max_bytes`, or the time budget is spent, or nothing qualifies (see
    /// [`eviction`]). Each eviction signals [`Change::Evicted`].
    ///
    /// ```
    /// use cedis_store::eviction::{Lfu, Limits, Policy, Status};
    /// use cedis_store::{Store, Ttl};
    /// use cedis_types::Value;
    ///
    /// let mut store = Store::new(1);
    /// for i in 0..100 {
    ///     store.db(0).set(format!("k{i}").as_bytes(), Value::string(b"v"), Ttl::Clear, 0);
    /// }
    /// let max_bytes = store.used_memory() / 2;
    /// let limits = Limits { policy: Policy::AllkeysLru, samples: 5, max_bytes, budget: None, lfu: Lfu::default() };
    /// let outcome = store.evict(&limits, 0);
    /// assert_eq!(outcome.status, Status::Ok);
    /// assert!(store.used_memory() <= max_bytes);
    /// ```
    pub fn evict(&mut self, limits: &eviction::Limits, now_ms: u64) -> eviction::Outcome {
        self.evictor.run(&mut self.dbs, limits, now_ms, |dbs| {
            dbs.iter().map(Keyspace::used_memory).sum()
        })
    }

    /// Bytes the hash tables may grow by at once, or `None` for no limit: under
    /// `maxmemory` the server passes what is left below the limit, so that a table
    /// doubling does not by itself push the store over it (see
    /// [`dict::Dict::set_grow_headroom`]).
    pub fn set_grow_headroom(&mut self, headroom: Option<usize>) {
        for db in &mut self.dbs {
            db.set_grow_headroom(headroom);
        }
    }

    /// Switches every database's access stamps to LFU counters (`Some`) or the LRU clock
    /// (see [`Keyspace::set_lfu`]); the server calls it when `maxmemory-policy` changes.
    pub fn set_lfu(&mut self, lfu: Option<eviction::Lfu>) {
        for db in &mut self.dbs {
            db.set_lfu(lfu);
        }
    }

    /// Counters for INFO stats, summed over the databases.
    pub fn stats(&self) -> Stats {
        let mut total = self.stats;
        for db in &self.dbs {
            total += db.stats();
        }
        total
    }

    /// INFO's `expired_stale_perc`: estimated percentage of volatile keys that have
    /// expired but are not yet removed, smoothed over active cycles.
    pub fn expired_stale_perc(&self) -> f64 {
        self.expired_stale * 100.0
    }

    /// CONFIG RESETSTAT.
    pub fn reset_stats(&mut self) {
        self.stats = Stats::default();
        self.expired_stale = 0.0;
        self.dbs.iter_mut().for_each(Keyspace::reset_stats);
    }

    /// The server's periodic active expiry (Redis's `activeExpireCycle`, slow mode): runs
    /// [`Keyspace::active_expire`]'s algorithm over up to [`EXPIRE_DBS_PER_CALL`]
    /// databases within one shared wall-time budget, starting at the database after the
    /// last one the previous call visited. Returns keys expired.
    ///
    /// Redis calls it every 100 ms with a 25 ms budget (25% of one core at `hz 10`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use cedis_store::{clock::ManualClock, Store, Ttl};
    /// use cedis_types::{StringValue, Value};
    ///
    /// let clock = Arc::new(ManualClock::new(1_000));
    /// let mut store = Store::with_clock(4, clock.clone());
    /// store.db(3).set(b"k", Value::String(StringValue::from_i64(1)), Ttl::At(1_500), 1_000);
    /// clock.advance(1_000);
    /// let now = store.now_ms();
    /// assert_eq!(store.active_expire_cycle(now, 25_000), 1);
    /// assert_eq!(store.total_keys(), 0);
    /// ```
    pub fn active_expire_cycle(&mut self, now_ms: u64, budget_us: u64) -> usize {
        let deadline = Instant::now() + Duration::from_micros(budget_us);
        let count = self.dbs.len();
        let mut expired = 0;
        let mut sampled = 0;
        for _ in 0..count.min(EXPIRE_DBS_PER_CALL) {
            let index = self.next_expire_db % count;
            self.next_expire_db = (index + 1) % count;
            let outcome = self.dbs[index].expire_cycle(now_ms, deadline);
            expired += outcome.expired;
            sampled += outcome.sampled;
            if outcome.timed_out {
                self.stats.expired_time_cap_reached_count += 1;
                break;
            }
        }
        if sampled > 0 {
            let current = expired as f64 / sampled as f64;
            self.expired_stale = current * 0.05 + self.expired_stale * 0.95;
        }
        expired
    }

    /// The server cron's rehashing help (Redis's `incrementallyRehash` under
    /// `activerehashing yes`): spends about `budget_us` of wall time on the first database,
    /// from where the last call left off, that has a resize in progress; whether any had
    /// one. See [`Keyspace::rehash_for`].
    pub fn active_rehash(&mut self, budget_us: u64) -> bool {
        let count = self.dbs.len();
        for _ in 0..count.min(EXPIRE_DBS_PER_CALL) {
            let index = self.next_rehash_db % count;
            if self.dbs[index].rehash_for(Duration::from_micros(budget_us)) {
                // Stay on this database: the next call continues its resize.
                return true;
            }
            self.next_rehash_db = (index + 1) % count;
        }
        false
    }
}
