//! [`Keyspace`]: one numbered database — keys, values, deadlines.
//!
//! # Expiry
//!
//! Deadlines (Unix milliseconds) live in a second table, `expires`, so only keys with a
//! TTL pay for one and the active cycle samples among volatile keys only. A key is expired
//! once `now > deadline` (as in Redis), where `now` is always passed in by the caller from
//! the injected [`Clock`](crate::clock::Clock): the keyspace never reads the system time,
//! so tests drive expiry with a [`ManualClock`](crate::clock::ManualClock) and never sleep.
//!
//! Two mechanisms remove expired keys, as in Redis:
//! - **lazily**: every lookup of a key first checks its deadline and deletes it if passed
//!   (signalling [`Change::Expired`] and counting `expired_keys`), so a command never sees
//!   an expired key;
//! - **actively**: [`Keyspace::active_expire`] samples volatile keys and deletes the
//!   expired ones, so keys nobody reads again do not hold memory forever.
//!
//! [`Keyspace::len`] counts expired keys that neither mechanism has reached yet, as
//! `DBSIZE` does in Redis.
//!
//! # Memory
//!
//! [`Keyspace::used_memory`] is a running total updated by every change (see
//! [`memory`](crate::memory) module), plus the tables' overhead: O(1), never a walk.
//!
//! ```
//! use cedis_store::{Change, Keyspace, Ttl};
//! use cedis_types::{StringValue, Value};
//!
//! let mut db = Keyspace::new(0);
//! let now = 1_000_000;
//! db.set(b"session", Value::String(StringValue::from_i64(7)), Ttl::At(now + 500), now);
//! assert!(db.get(b"session", now + 500).is_some()); // deadline reached, not passed
//! assert!(db.get(b"session", now + 501).is_none()); // passed: deleted on access
//! assert_eq!(db.len(), 0);
//! assert_eq!(db.stats().expired_keys, 1);
//! ```

pub(crate) mod capture;
mod expire;

use cedis_types::Value;

use crate::dict::Dict;
use crate::eviction::{self, Lfu};
use crate::memory;
use crate::ChangeHook;

/// An entry's stamp after an access: the LRU clock, or under LFU the updated counter.
#[inline]
fn touched(stamp: u32, now_ms: u64, lfu: Option<Lfu>, rng: &mut u64) -> u32 {
    match lfu {
        None => lru_clock(now_ms),
        Some(lfu) => eviction::lfu_touch(stamp, now_ms, lfu, rng),
    }
}

/// What happened to a key, for WATCH, blocking commands and keyspace notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Written or changed in place.
    Modified,
    /// Deleted by a command.
    Deleted,
    /// Deleted because its deadline passed (lazily or by the active cycle).
    Expired,
    /// Added: the key did not exist before this write (Redis's `new` event). Signalled
    /// as soon as the key is inserted, before the write's own `Modified`.
    Created,
    /// Not a change: a read lookup found no key (Redis's `keymiss` event). WATCH and
    /// blocking commands ignore it.
    Missed,
    /// Deleted to bring memory under `maxmemory` (see [`crate::eviction`]): the server
    /// treats it as a `DEL` (AOF, tracking, WATCH) and notifies `evicted`.
    Evicted,
}

/// How a write treats the key's existing deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// Drop any deadline (plain SET).
    Clear,
    /// Keep the existing deadline (SET KEEPTTL, in-place changes).
    Keep,
    /// Expire at this Unix time in milliseconds.
    At(u64),
}

/// One stored value and its access metadata.
#[derive(Debug)]
pub struct Entry {
    pub value: Value,
    /// Last access, in the LRU clock's units (for OBJECT IDLETIME and eviction later).
    pub lru: u32,
    /// The epoch of the last background snapshot that emitted this entry (or during
    /// which it was created): while a snapshot runs, an entry with another mark still has
    /// to be emitted, and a write copies it first (see [`crate::snapshot`]). It fills what
    /// was padding, so an entry stays 32 bytes.
    pub(crate) snapshot_epoch: u32,
}

/// Bits of the LRU clock, as Redis keeps it in its object header.
pub const LRU_BITS: u32 = 24;
/// Largest LRU clock value; the clock wraps to 0 after it (about every 194 days).
pub const LRU_CLOCK_MAX: u32 = (1 << LRU_BITS) - 1;
/// Milliseconds per LRU clock tick: Redis's `LRU_CLOCK_RESOLUTION`.
pub const LRU_CLOCK_RESOLUTION_MS: u64 = 1000;

/// The LRU clock at `now_ms`: seconds, wrapped to [`LRU_BITS`] bits.
///
/// ```
/// use cedis_store::keyspace::{lru_clock, LRU_CLOCK_MAX};
/// assert_eq!(lru_clock(5_999), 5);
/// assert_eq!(lru_clock((u64::from(LRU_CLOCK_MAX) + 1) * 1000), 0);
/// ```
pub fn lru_clock(now_ms: u64) -> u32 {
    let ticks = (now_ms / LRU_CLOCK_RESOLUTION_MS) % (u64::from(LRU_CLOCK_MAX) + 1);
    u32::try_from(ticks).unwrap_or(LRU_CLOCK_MAX)
}

/// Milliseconds since an entry stamped `lru` was last touched, allowing for one wrap of
/// the clock (as Redis's `estimateObjectIdleTime`).
///
/// ```
/// use cedis_store::keyspace::{lru_clock, lru_idle_ms};
/// let stamped = lru_clock(10_000);
/// assert_eq!(lru_idle_ms(stamped, 70_000), 60_000);
/// ```
pub fn lru_idle_ms(lru: u32, now_ms: u64) -> u64 {
    let clock = lru_clock(now_ms);
    let ticks = if clock >= lru {
        clock - lru
    } else {
        clock + (LRU_CLOCK_MAX - lru)
    };
    u64::from(ticks) * LRU_CLOCK_RESOLUTION_MS
}

/// How a lookup treats the key's metadata: Redis distinguishes read lookups (which count
/// `keyspace_hits`/`keyspace_misses`) from write lookups (which do not), and lookups that
/// refresh the key's LRU clock from those that must not (`OBJECT`, `TTL`, `TYPE`).
/// Every kind deletes an expired key first.
///
/// ```
/// use cedis_store::keyspace::Lookup;
/// // TTL and TYPE: counted as a hit or miss, but the key's idle time is left alone.
/// let ttl_lookup = Lookup::READ.no_touch();
/// assert_ne!(ttl_lookup, Lookup::READ);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    stats: bool,
    touch: bool,
    /// Signal [`Change::Missed`] when the key is not found.
    notify: bool,
}

impl Lookup {
    /// A read command's lookup (GET, EXISTS, STRLEN …): counts a hit or a miss and
    /// refreshes the LRU clock.
    pub const READ: Lookup = Lookup {
        stats: true,
        touch: true,
        notify: true,
    };
    /// A write command's lookup (SET, INCR, DEL …): refreshes the LRU clock, no stats.
    pub const WRITE: Lookup = Lookup {
        stats: false,
        touch: true,
        notify: false,
    };
    /// Neither stats nor touch: internal checks (MOVE, RENAME's target, MEMORY USAGE).
    pub const PEEK: Lookup = Lookup {
        stats: false,
        touch: false,
        notify: false,
    };

    /// The same lookup without refreshing the LRU clock.
    pub const fn no_touch(self) -> Lookup {
        Lookup {
            touch: false,
            ..self
        }
    }

    /// The same lookup without signalling [`Change::Missed`] on a miss (OBJECT).
    pub const fn no_notify(self) -> Lookup {
        Lookup {
            notify: false,
            ..self
        }
    }
}

/// Counters for `INFO stats`. Each database counts its own; [`crate::Store::stats`] sums
/// them (the totals are what Redis reports, and they survive SWAPDB and FLUSHALL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Keys deleted because their deadline passed (lazily or actively).
    pub expired_keys: u64,
    /// Read lookups that found a live key.
    pub keyspace_hits: u64,
    /// Read lookups that found nothing (or an expired key).
    pub keyspace_misses: u64,
    /// Active expiry runs that stopped because their time budget was spent.
    pub expired_time_cap_reached_count: u64,
    /// Keys removed by eviction (`maxmemory`).
    pub evicted_keys: u64,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.expired_keys += other.expired_keys;
        self.keyspace_hits += other.keyspace_hits;
        self.keyspace_misses += other.keyspace_misses;
        self.expired_time_cap_reached_count += other.expired_time_cap_reached_count;
        self.evicted_keys += other.evicted_keys;
    }
}

/// One database.
#[derive(Default)]
pub struct Keyspace {
    id: usize,
    entries: Dict<Entry>,
    expires: Dict<u64>,
    hook: Option<ChangeHook>,
    /// Running total of [`memory::entry_cost`] and [`memory::expire_cost`] over the keys;
    /// the tables' own [`Dict::overhead_bytes`] is added when asked.
    data_bytes: usize,
    stats: Stats,
    /// Running estimate of the remaining TTL of volatile keys (ms), from the active
    /// cycle's samples, for `INFO keyspace`'s `avg_ttl`.
    avg_ttl: u64,
    /// Expired keys read as missing but are not deleted (CLIENT PAUSE: nothing may be
    /// written, not even an expiry's DEL). See [`Keyspace::set_expiry_paused`].
    expiry_paused: bool,
    /// Time stands still for expiry: no key counts as expired, for reads or writes
    /// (loading an AOF, whose commands ran when those keys were alive). See
    /// [`Keyspace::set_expiry_frozen`].
    expiry_frozen: bool,
    /// The epoch new entries are marked with: the running snapshot's, or the last one's
    /// (which the next snapshot's differs from, so they count as not yet emitted).
    snapshot_epoch: u32,
    /// Copy-before-write state while a snapshot runs (boxed: most of the time `None`, and
    /// a server has 16 databases).
    capture: Option<Box<capture::Capture>>,
    /// Under an LFU policy, entries' stamps hold an LFU counter (see
    /// [`crate::eviction`]) and accesses update it; `None`: they hold the LRU clock.
    lfu: Option<Lfu>,
    /// State of the LFU counter's coin flips.
    rng: u64,
}

impl std::fmt::Debug for Keyspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyspace")
            .field("id", &self.id)
            .field("keys", &self.entries.len())
            .field("expires", &self.expires.len())
            .field("data_bytes", &self.data_bytes)
            .finish_non_exhaustive()
    }
}

impl Keyspace {
    pub fn new(id: usize) -> Keyspace {
        Keyspace {
            id,
            ..Keyspace::default()
        }
    }

    pub fn id(&self) -> usize {
        self.id
    }

    /// Installs the function told about every change. It is called synchronously, after
    /// the change is complete (the keyspace is consistent when it runs); it must not call
    /// back into the store that is calling it.
    pub fn set_hook(&mut self, hook: Option<ChangeHook>) {
        self.hook = hook;
    }

    /// Number of keys (expired ones not yet removed included, as DBSIZE in Redis).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keys with a deadline.
    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// Looks a key up the way `how` says: an expired key is deleted first (`None`), a live
    /// key's LRU clock is refreshed unless `how` is no-touch, and read lookups count a hit
    /// or a miss and signal [`Change::Missed`] on a miss.
    pub fn lookup(&mut self, key: &[u8], now_ms: u64, how: Lookup) -> Option<&Value> {
        let gone = self.expired_for_read(key, now_ms);
        match self.entries.get_mut(key).filter(|_| !gone) {
            Some(entry) => {
                if how.touch {
                    entry.lru = touched(entry.lru, now_ms, self.lfu, &mut self.rng);
                }
                if how.stats {
                    self.stats.keyspace_hits += 1;
                }
                Some(&entry.value)
            }
            None => {
                if how.stats {
                    self.stats.keyspace_misses += 1;
                }
                if how.notify {
                    // `self.signal` would borrow all of `self` while `entries` is borrowed.
                    if let Some(hook) = &self.hook {
                        hook(self.id, key, Change::Missed);
                    }
                }
                None
            }
        }
    }

    /// The value of a live key, removing it first if its deadline has passed.
    /// A write-path lookup ([`Lookup::WRITE`]): touches the LRU clock, counts no stats.
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&Value> {
        self.lookup(key, now_ms, Lookup::WRITE)
    }

    /// [`Keyspace::get`] for read commands ([`Lookup::READ`]): also counts
    /// `keyspace_hits` / `keyspace_misses`.
    pub fn get_for_read(&mut self, key: &[u8], now_ms: u64) -> Option<&Value> {
        self.lookup(key, now_ms, Lookup::READ)
    }

    /// Changes a live key's value in place; signals `Modified` and updates memory
    /// accounting. `None` if the key does not exist.
    ///
    /// The closure always counts as a change (WATCH is told): check first with
    /// [`Keyspace::get`] when a command may turn out to change nothing.
    pub fn update<R>(
        &mut self,
        key: &[u8],
        now_ms: u64,
        change: impl FnOnce(&mut Value) -> R,
    ) -> Option<R> {
        self.expire_if_needed(key, now_ms);
        self.keep_before_change(key);
        let entry = self.entries.get_mut(key)?;
        entry.lru = touched(entry.lru, now_ms, self.lfu, &mut self.rng);
        let before = memory::entry_cost(&entry.value);
        let result = change(&mut entry.value);
        let after = memory::entry_cost(&entry.value);
        self.data_bytes = (self.data_bytes + after).saturating_sub(before);
        self.signal(key, Change::Modified);
        Some(result)
    }

    /// Writes a value (insert or overwrite), signals `Modified`.
    ///
    /// A deadline already in the past is stored as given (Redis does the same for
    /// `SET … PXAT <past>`): the key then expires on its next access or active cycle.
    pub fn set(&mut self, key: &[u8], value: Value, ttl: Ttl, now_ms: u64) {
        // A stale key must not lend its deadline to the new value under `Ttl::Keep`.
        self.expire_if_needed(key, now_ms);
        let lru = match self.lfu {
            None => lru_clock(now_ms),
            // An overwritten key keeps its access history (as in Redis).
            Some(lfu) => match self.entries.get(key) {
                Some(old) => eviction::lfu_touch(old.lru, now_ms, lfu, &mut self.rng),
                None => eviction::lfu_new_stamp(now_ms),
            },
        };
        let entry = Entry {
            value,
            lru,
            snapshot_epoch: self.snapshot_epoch,
        };
        self.insert_entry(key, entry);
        match ttl {
            Ttl::Clear => {
                self.remove_deadline(key);
            }
            Ttl::Keep => {}
            Ttl::At(deadline) => self.put_deadline(key, deadline),
        }
        self.signal(key, Change::Modified);
    }

    /// Deletes a live key, signals `Deleted`; its value.
    pub fn remove(&mut self, key: &[u8], now_ms: u64) -> Option<Value> {
        self.expire_if_needed(key, now_ms);
        let (entry, _) = self.delete_entry(key)?;
        self.signal(key, Change::Deleted);
        Some(entry.value)
    }

    /// Whether a live key exists (no stats, no touch: see [`Lookup::PEEK`]).
    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.lookup(key, now_ms, Lookup::PEEK).is_some()
    }

    /// The deadline of a live key (Unix ms), if it has one. `None` both for a key without
    /// a deadline and for a missing key: TTL tells them apart with a lookup first.
    pub fn expire_at(&mut self, key: &[u8], now_ms: u64) -> Option<u64> {
        if self.expired_for_read(key, now_ms) {
            return None;
        }
        self.expires.get(key).copied()
    }

    /// Sets or clears a live key's deadline; false if the key does not exist.
    ///
    /// - `None` (PERSIST) removes the deadline, signalling `Modified` if there was one.
    /// - A deadline in the future sets it and signals `Modified`.
    /// - A deadline `<= now_ms` deletes the key and signals `Deleted`, not `Expired`: Redis
    ///   treats `EXPIRE key <past>` as a DEL (it replicates a DEL, notifies `del` and does
    ///   not count `expired_keys`). Returns true, as EXPIRE then replies 1.
    pub fn set_expire(&mut self, key: &[u8], deadline: Option<u64>, now_ms: u64) -> bool {
        self.expire_if_needed(key, now_ms);
        let Some(entry) = self.entries.get_mut(key) else {
            return false;
        };
        entry.lru = touched(entry.lru, now_ms, self.lfu, &mut self.rng);
        match deadline {
            None => {
                if self.expires.contains_key(key) {
                    self.keep_before_change(key);
                }
                if self.remove_deadline(key).is_some() {
                    self.signal(key, Change::Modified);
                }
            }
            // While expiry is paused (AOF loading, CLIENT PAUSE) a past deadline is
            // stored like any other, as Redis does while loading.
            Some(deadline) if deadline <= now_ms && !self.expiry_paused && !self.expiry_frozen => {
                self.discard_entry(key);
                self.signal(key, Change::Deleted);
            }
            Some(deadline) => {
                self.keep_before_change(key);
                self.put_deadline(key, deadline);
                self.signal(key, Change::Modified);
            }
        }
        true
    }

    /// One SCAN step: calls `visit` for live keys of the next bucket(s) until about `count`
    /// keys were visited; returns the next cursor (0 = done).
    ///
    /// As Redis's SCAN: the table is asked for buckets until `count` entries came back,
    /// the iteration ended, or `10 × count` buckets were read (so a sparse table cannot
    /// make one call long); expired keys among them are not visited and are deleted
    /// (signalling `Expired`) once the table is no longer borrowed. Every key that exists
    /// for a whole iteration is visited at least once; keys may be visited twice.
    pub fn scan(
        &mut self,
        cursor: u64,
        count: usize,
        now_ms: u64,
        mut visit: impl FnMut(&[u8], &Value),
    ) -> u64 {
        let count = count.max(1);
        let mut buckets_left = count.saturating_mul(10);
        let mut returned = 0usize;
        let mut expired: Vec<Box<[u8]>> = Vec::new();
        let mut cursor = cursor;
        let (entries, expires) = (&self.entries, &self.expires);
        loop {
            cursor = entries.scan(cursor, |key, entry| {
                returned += 1;
                match expires.get(key) {
                    Some(&deadline) if now_ms > deadline => expired.push(key.into()),
                    _ => visit(key, &entry.value),
                }
            });
            buckets_left -= 1;
            if cursor == 0 || returned >= count || buckets_left == 0 {
                break;
            }
        }
        for key in expired {
            self.expired_for_read(&key, now_ms);
        }
        cursor
    }

    /// A random live key (RANDOMKEY), deleting the expired keys it draws on the way.
    ///
    /// Each expired draw deletes a key, so the loop always ends; to bound the work of a
    /// single call when nearly every key is volatile and expired (Redis bounds that case
    /// too), after [`RANDOM_KEY_MAX_EXPIRED`] expired draws it takes the first live key
    /// in table order instead, leaving the rest to the active cycle.
    pub fn random_key(&mut self, now_ms: u64) -> Option<Vec<u8>> {
        let mut rng = rand::thread_rng();
        let draws = if self.expiry_paused || self.expiry_frozen {
            0
        } else {
            RANDOM_KEY_MAX_EXPIRED
        };
        for _ in 0..draws {
            let (key, _) = self.entries.random_entry(&mut rng)?;
            if !self.is_expired(key, now_ms) {
                return Some(key.to_vec());
            }
            let key = key.to_vec();
            self.expire_if_needed(&key, now_ms);
        }
        self.entries
            .iter()
            .map(|(key, _)| key)
            .find(|key| !self.is_expired(key, now_ms))
            .map(<[u8]>::to_vec)
    }

    /// Every live key, for KEYS (`visit` decides what to keep). Expired keys are skipped
    /// but not deleted, as KEYS does in Redis.
    pub fn for_each_key(&mut self, now_ms: u64, mut visit: impl FnMut(&[u8], &Value)) {
        for (key, entry) in self.entries.iter() {
            if !self.is_expired(key, now_ms) {
                visit(key, &entry.value);
            }
        }
    }

    /// Every live key with its entry and deadline, without touching anything: for
    /// persistence (RDB, AOF rewrite) and DEBUG.
    pub fn for_each_entry(&self, now_ms: u64, mut visit: impl FnMut(&[u8], &Entry, Option<u64>)) {
        for (key, entry) in self.entries.iter() {
            let deadline = self.expires.get(key).copied();
            if deadline.is_none_or(|deadline| now_ms <= deadline) {
                visit(key, entry, deadline);
            }
        }
    }

    /// Removes everything (FLUSHDB); signals nothing per key. Stats are kept.
    ///
    /// While a snapshot still needs the table, the table is moved into it whole (O(1))
    /// instead of being freed here; the snapshot's steps free it.
    pub fn clear(&mut self) {
        self.detach_for_snapshot();
        self.entries.clear();
        self.expires.clear();
        self.data_bytes = 0;
        self.avg_ttl = 0;
    }

    /// Bytes used by keys, values and table overhead, maintained incrementally.
    pub fn used_memory(&self) -> usize {
        self.data_bytes + self.table_overhead()
    }

    /// The part of [`Keyspace::used_memory`] that is the hash tables themselves.
    pub fn table_overhead(&self) -> usize {
        self.entries.overhead_bytes() + self.expires.overhead_bytes()
    }

    /// [`Keyspace::used_memory`] recomputed by walking every key: O(keys). For tests and
    /// DEBUG, to check the running total.
    pub fn recount_memory(&self) -> usize {
        let mut bytes = self.table_overhead();
        for (_, entry) in self.entries.iter() {
            bytes += memory::entry_cost(&entry.value);
        }
        bytes += self.expires.len() * memory::expire_cost();
        bytes
    }

    /// MEMORY USAGE: bytes attributable to a live key ([`memory::key_usage`]).
    pub fn key_memory(&mut self, key: &[u8], now_ms: u64) -> Option<usize> {
        self.lookup(key, now_ms, Lookup::PEEK)
            .map(|value| memory::key_usage(key.len(), value))
    }

    /// OBJECT IDLETIME: whole seconds since a live key was last touched. Does not touch it
    /// (or count stats: OBJECT's read lookup is `lookup(key, now, Lookup::READ.no_touch())`).
    pub fn idle_time(&mut self, key: &[u8], now_ms: u64) -> Option<u64> {
        if self.expired_for_read(key, now_ms) {
            return None;
        }
        let entry = self.entries.get(key)?;
        Some(lru_idle_ms(entry.lru, now_ms) / 1000)
    }

    /// RESTORE … IDLETIME: makes a live key look untouched for `idle_secs`. False when
    /// the key does not exist. Ignored (true) under LFU, whose stamps hold no idle time.
    pub fn set_idle_time(&mut self, key: &[u8], idle_secs: u64, now_ms: u64) -> bool {
        if self.lfu.is_some() {
            return self.entries.contains_key(key);
        }
        match self.entries.get_mut(key) {
            Some(entry) => {
                entry.lru = lru_clock(now_ms.saturating_sub(idle_secs.saturating_mul(1000)));
                true
            }
            None => false,
        }
    }

    /// Limits how much its tables may grow at once (see [`Dict::set_grow_headroom`]).
    pub fn set_grow_headroom(&mut self, headroom: Option<usize>) {
        self.entries.set_grow_headroom(headroom);
        self.expires.set_grow_headroom(headroom);
    }

    /// Switches the entries' stamps between LRU clock (`None`) and LFU counter. Existing
    /// stamps are not converted (Redis does not either: they adjust as keys are used).
    pub fn set_lfu(&mut self, lfu: Option<Lfu>) {
        self.lfu = lfu;
    }

    /// OBJECT FREQ: a live key's LFU counter, decayed to `now_ms` (not touched). Only
    /// meaningful under an LFU policy.
    pub fn lfu_freq(&mut self, key: &[u8], now_ms: u64) -> Option<u8> {
        if self.expired_for_read(key, now_ms) {
            return None;
        }
        let lfu = self.lfu.unwrap_or_default();
        let entry = self.entries.get(key)?;
        Some(eviction::lfu_counter(entry.lru, now_ms, lfu))
    }

    /// RESTORE … FREQ: sets a live key's LFU counter. False when the key does not exist.
    /// Ignored (true) unless the stamps hold LFU counters (an LFU policy), as in Redis.
    pub fn set_lfu_freq(&mut self, key: &[u8], freq: u8, now_ms: u64) -> bool {
        if self.lfu.is_none() {
            return self.entries.contains_key(key);
        }
        match self.entries.get_mut(key) {
            Some(entry) => {
                entry.lru = eviction::lfu_stamp_with(freq, now_ms);
                true
            }
            None => false,
        }
    }

    /// Evicts `key` (expired or not): removes it, counts `evicted_keys` and signals
    /// [`Change::Evicted`]. False when it is not stored.
    pub fn evict(&mut self, key: &[u8]) -> bool {
        if !self.discard_entry(key) {
            return false;
        }
        self.stats.evicted_keys += 1;
        self.signal(key, Change::Evicted);
        true
    }

    /// A random key for eviction sampling, from every key or only those with a
    /// deadline: the key, its access stamp and its deadline.
    pub(crate) fn sample_for_eviction(
        &self,
        volatile: bool,
        rng: &mut impl rand::Rng,
    ) -> Option<(&[u8], u32, Option<u64>)> {
        if volatile {
            let (key, &deadline) = self.expires.random_entry(rng)?;
            let entry = self.entries.get(key)?;
            Some((key, entry.lru, Some(deadline)))
        } else {
            let (key, entry) = self.entries.random_entry(rng)?;
            Some((key, entry.lru, self.expires.get(key).copied()))
        }
    }

    /// Up to `count` keys for eviction sampling from consecutive buckets (see
    /// [`Dict::sample`]), from every key or only those with a deadline: each visited
    /// with its access stamp and deadline.
    pub(crate) fn sample_some_for_eviction(
        &self,
        volatile: bool,
        count: usize,
        rng: &mut impl rand::Rng,
        mut visit: impl FnMut(&[u8], u32, Option<u64>),
    ) {
        if volatile {
            self.expires.sample(count, rng, |key, &deadline| {
                if let Some(entry) = self.entries.get(key) {
                    visit(key, entry.lru, Some(deadline));
                }
            });
        } else {
            self.entries.sample(count, rng, |key, entry| {
                visit(key, entry.lru, self.expires.get(key).copied());
            });
        }
    }

    /// Whether a pooled candidate is still there to evict (with a deadline, if `volatile`).
    pub(crate) fn holds_for_eviction(&self, key: &[u8], volatile: bool) -> bool {
        if volatile {
            self.expires.contains_key(key)
        } else {
            self.entries.contains_key(key)
        }
    }

    /// RENAME: moves a live key's value and deadline to `dst`, replacing what `dst` held.
    /// Signals `Deleted` on `src`, then `Modified` on `dst`; false if `src` does not exist.
    /// Renaming a key to itself changes nothing and signals nothing (as Redis).
    /// RENAMENX checks `dst` with [`Keyspace::contains`] first.
    pub fn rename(&mut self, src: &[u8], dst: &[u8], now_ms: u64) -> bool {
        if self.get(src, now_ms).is_none() {
            return false;
        }
        if src == dst {
            return true;
        }
        let Some((entry, deadline)) = self.delete_entry(src) else {
            return false;
        };
        // A stale target expires (and says so) before it is overwritten.
        self.expire_if_needed(dst, now_ms);
        self.discard_entry(dst);
        self.attach(dst, entry, deadline);
        self.signal(src, Change::Deleted);
        self.signal(dst, Change::Modified);
        true
    }

    /// Whether either table is in the middle of an incremental resize.
    pub fn is_rehashing(&self) -> bool {
        self.entries.is_rehashing() || self.expires.is_rehashing()
    }

    /// Helps a resize in progress for about `budget` of wall time (Redis's
    /// `activerehashing`): writes move the tables' buckets one at a time, so a database
    /// that is only read would otherwise keep two tables indefinitely. Works on the main
    /// table first, then `expires`; whether there was a resize to help.
    pub fn rehash_for(&mut self, budget: std::time::Duration) -> bool {
        if self.entries.is_rehashing() {
            self.entries.rehash_for(budget);
            true
        } else if self.expires.is_rehashing() {
            self.expires.rehash_for(budget);
            true
        } else {
            false
        }
    }

    /// Counters for INFO (see [`Stats`]).
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// CONFIG RESETSTAT.
    pub fn reset_stats(&mut self) {
        self.stats = Stats::default();
    }

    /// Estimated mean remaining TTL of volatile keys (ms), for `INFO keyspace`'s
    /// `avg_ttl`: a running average fed by the active cycle's samples, 0 until it has run
    /// and 0 again once no key has a deadline (as Redis reports it).
    pub fn avg_ttl(&self) -> u64 {
        if self.expires.is_empty() {
            0
        } else {
            self.avg_ttl
        }
    }

    /// Removes a live key with its entry and deadline for MOVE, signalling `Deleted`.
    pub(crate) fn take(&mut self, key: &[u8], now_ms: u64) -> Option<(Entry, Option<u64>)> {
        self.get(key, now_ms)?;
        let (entry, deadline) = self.delete_entry(key)?;
        self.signal(key, Change::Deleted);
        Some((entry, deadline))
    }

    /// Stores an entry taken from elsewhere (MOVE), signalling `Modified`.
    pub(crate) fn put(&mut self, key: &[u8], entry: Entry, deadline: Option<u64>) {
        self.discard_entry(key);
        self.attach(key, entry, deadline);
        self.signal(key, Change::Modified);
    }

    /// SWAPDB: exchanges the data (keys, deadlines, their accounting) with `other`; the
    /// id, hook and stats stay where they are.
    pub(crate) fn swap_contents(&mut self, other: &mut Keyspace) {
        std::mem::swap(&mut self.entries, &mut other.entries);
        std::mem::swap(&mut self.expires, &mut other.expires);
        std::mem::swap(&mut self.data_bytes, &mut other.data_bytes);
        std::mem::swap(&mut self.avg_ttl, &mut other.avg_ttl);
        self.swap_capture_origin(other);
    }

    fn signal(&self, key: &[u8], change: Change) {
        if let Some(hook) = &self.hook {
            hook(self.id, key, change);
        }
    }

    /// Whether `key` is stored and live (its deadline, if any, not passed), without
    /// removing it when it has expired and without touching stats or the LRU clock.
    pub fn is_live(&self, key: &[u8], now_ms: u64) -> bool {
        self.entries.get(key).is_some() && !self.is_expired(key, now_ms)
    }

    /// Whether `key` is still stored though its deadline has passed (a "stale" key that
    /// the next lookup or the active cycle will remove).
    pub fn is_stale(&self, key: &[u8], now_ms: u64) -> bool {
        self.entries.get(key).is_some() && self.is_expired(key, now_ms)
    }

    fn is_expired(&self, key: &[u8], now_ms: u64) -> bool {
        !self.expiry_frozen && matches!(self.expires.get(key), Some(&deadline) if now_ms > deadline)
    }

    /// Freezes (`true`) or thaws expiry: while frozen no key is expired, so commands see
    /// and change keys whose deadline has passed as live keys, and nothing is deleted
    /// for expiring. Replaying an AOF needs this: `RPUSH l a; PEXPIREAT l 1000; RPUSH l b`
    /// must leave one list holding both (expired once the load is over), as in Redis.
    ///
    /// ```
    /// use cedis_store::{Keyspace, Ttl};
    /// use cedis_types::Value;
    /// let mut db = Keyspace::new(0);
    /// db.set_expiry_frozen(true);
    /// db.set(b"k", Value::string(b"v"), Ttl::At(1), 5_000);
    /// assert!(db.get_for_read(b"k", 5_000).is_some());
    /// db.set_expiry_frozen(false);
    /// assert!(db.get_for_read(b"k", 5_000).is_none());
    /// ```
    pub fn set_expiry_frozen(&mut self, frozen: bool) {
        self.expiry_frozen = frozen;
    }

    pub fn expiry_frozen(&self) -> bool {
        self.expiry_frozen
    }

    /// Stops (`true`) or resumes deleting expired keys: while paused, reads see an
    /// expired key as missing but leave it in place, and the active cycle does nothing.
    pub fn set_expiry_paused(&mut self, paused: bool) {
        self.expiry_paused = paused;
    }

    pub fn expiry_paused(&self) -> bool {
        self.expiry_paused
    }

    /// For reads: whether `key` is expired, deleting it unless expiry is paused.
    fn expired_for_read(&mut self, key: &[u8], now_ms: u64) -> bool {
        if self.expiry_paused {
            self.is_expired(key, now_ms)
        } else {
            self.expire_if_needed(key, now_ms)
        }
    }

    /// Deletes `key` if its deadline has passed, signalling `Expired` and counting it;
    /// whether it did.
    fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) -> bool {
        if !self.is_expired(key, now_ms) {
            return false;
        }
        self.discard_entry(key);
        self.stats.expired_keys += 1;
        self.signal(key, Change::Expired);
        true
    }

    /// Removes a key's entry and deadline and their cost, for a caller that keeps the
    /// value (a running snapshot gets a clone); signals nothing.
    fn delete_entry(&mut self, key: &[u8]) -> Option<(Entry, Option<u64>)> {
        let mut entry = self.entries.remove_value(key)?;
        self.release(memory::entry_cost(&entry.value));
        let deadline = self.remove_deadline(key);
        self.keep_removed_clone(key, &mut entry, deadline);
        Some((entry, deadline))
    }

    /// [`Keyspace::delete_entry`] for a value nobody keeps (expired, overwritten by a
    /// rename or MOVE): a running snapshot takes the value itself instead of a clone.
    fn discard_entry(&mut self, key: &[u8]) -> bool {
        let Some(entry) = self.entries.remove_value(key) else {
            return false;
        };
        self.release(memory::entry_cost(&entry.value));
        let deadline = self.remove_deadline(key);
        self.keep_removed(key, entry, deadline);
        true
    }

    /// Inserts (or replaces) an entry with the given deadline; signals nothing.
    fn attach(&mut self, key: &[u8], entry: Entry, deadline: Option<u64>) {
        self.insert_entry(key, entry);
        match deadline {
            Some(deadline) => self.put_deadline(key, deadline),
            None => {
                self.remove_deadline(key);
            }
        }
    }

    /// Inserts or replaces an entry; signals [`Change::Created`] when the key is new.
    /// The entry counts as created now, so a running snapshot will not emit it; the one
    /// it replaces goes to the snapshot (with the deadline still stored) if not emitted.
    fn insert_entry(&mut self, key: &[u8], mut entry: Entry) {
        entry.snapshot_epoch = self.snapshot_epoch;
        self.data_bytes += memory::entry_cost(&entry.value);
        match self.entries.insert_slice(key, entry) {
            Some(old) => {
                self.release(memory::entry_cost(&old.value));
                if self.capture.is_some() {
                    let deadline = self.expires.get(key).copied();
                    self.keep_removed(key, old, deadline);
                }
            }
            None => self.signal(key, Change::Created),
        }
    }

    fn put_deadline(&mut self, key: &[u8], deadline: u64) {
        if self.expires.insert_slice(key, deadline).is_none() {
            self.data_bytes += memory::expire_cost();
        }
    }

    fn remove_deadline(&mut self, key: &[u8]) -> Option<u64> {
        let deadline = self.expires.remove_value(key)?;
        self.release(memory::expire_cost());
        Some(deadline)
    }

    fn release(&mut self, bytes: usize) {
        debug_assert!(bytes <= self.data_bytes, "memory accounting underflow");
        self.data_bytes = self.data_bytes.saturating_sub(bytes);
    }
}

/// Expired keys [`Keyspace::random_key`] deletes before it stops drawing at random.
pub const RANDOM_KEY_MAX_EXPIRED: usize = 100;

#[cfg(test)]
mod tests;
