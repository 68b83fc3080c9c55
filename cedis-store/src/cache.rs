//! [`Cache`]: cedis-store embedded in a program as a thread-safe in-process cache.
//!
//! A `Cache` is a cloneable handle on one [`Store`] behind a `std::sync::Mutex`: every
//! operation locks, runs one keyspace call with the store's clock, and unlocks, so the
//! lock is never held across anything slow (or anything async: the handle is plain
//! synchronous code and is fine to call from async tasks for these O(1) operations).
//!
//! Expired keys vanish on access (lazy expiry) and are also swept by a background thread
//! running the store's active expiry cycle every 100 ms with a 25 ms budget, as Redis's
//! server cron does (it also gives a table resize in progress 1 ms per tick). The thread holds only a [`Weak`] reference and a channel receiver:
//! when the last handle is dropped the channel disconnects, the thread wakes and ends.
//!
//! ```
//! use std::time::Duration;
//! use cedis_store::{Cache, KeyTtl, SetOptions};
//!
//! let cache = Cache::new(1);
//! assert!(cache.set(b"hits", b"41", SetOptions::default()));
//! assert_eq!(cache.incr_by(b"hits", 1), Ok(42));
//! assert!(cache.set(b"token", b"abc", SetOptions::with_ttl(Duration::from_secs(60))));
//! assert!(matches!(cache.ttl(b"token"), KeyTtl::Remaining(d) if d <= Duration::from_secs(60)));
//! assert_eq!(cache.ttl(b"hits"), KeyTtl::Persistent);
//! ```

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use cedis_types::glob::glob_match;
use cedis_types::{StringValue, Value};

use crate::clock::{Clock, SystemClock};
use crate::keyspace::{Keyspace, Lookup, Ttl};
use crate::Store;

/// Why [`Cache::incr_by`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    /// The value is not a canonical 64-bit integer (as Redis's INCR requires).
    #[error("value is not an integer or out of range")]
    NotAnInteger,
    /// The result would not fit in an `i64`.
    #[error("increment or decrement would overflow")]
    Overflow,
    /// The key holds a value that is not a string.
    #[error("operation against a key holding the wrong kind of value")]
    WrongType,
}

/// How [`Cache::set`] writes. The default is a plain SET: always write, drop any TTL.
///
/// ```
/// use std::time::Duration;
/// use cedis_store::SetOptions;
///
/// let only_new = SetOptions { nx: true, ..SetOptions::with_ttl(Duration::from_secs(5)) };
/// assert!(only_new.nx && only_new.ttl.is_some());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// Expire after this long (rounded up to whole milliseconds). Takes precedence over
    /// `keep_ttl`.
    pub ttl: Option<Duration>,
    /// Write only if the key does not exist (SET NX).
    pub nx: bool,
    /// Write only if the key exists (SET XX). With `nx` too, nothing is ever written.
    pub xx: bool,
    /// Keep the key's current TTL instead of clearing it (SET KEEPTTL).
    pub keep_ttl: bool,
}

impl SetOptions {
    /// A plain write that expires after `ttl`.
    pub fn with_ttl(ttl: Duration) -> SetOptions {
        SetOptions {
            ttl: Some(ttl),
            ..SetOptions::default()
        }
    }
}

/// A key's time to live, as TTL distinguishes it (-2, -1, or the remaining time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyTtl {
    /// No such key.
    Missing,
    /// The key exists and never expires.
    Persistent,
    /// The key expires after this long.
    Remaining(Duration),
}

/// A cloneable, thread-safe handle on a [`crate::Store`] with typed operations and
/// background expiry.
///
/// Operations act on the handle's database (0 unless made with [`Cache::db`]).
#[derive(Clone, Debug)]
pub struct Cache {
    shared: Arc<Shared>,
    db: usize,
}

#[derive(Debug)]
struct Shared {
    store: Mutex<Store>,
    /// Wall time one active expiry cycle may take, in microseconds.
    expire_budget_us: u64,
    /// Never sent on: dropping it (with the last handle) disconnects the expiry thread's
    /// receiver, which wakes it to exit at once instead of after its next sleep.
    _stop: Option<mpsc::Sender<()>>,
}

/// Configures a [`Cache`]: `Cache::builder().databases(4).build()`.
#[derive(Clone, Debug)]
pub struct CacheBuilder {
    databases: usize,
    clock: Option<Arc<dyn Clock>>,
    expire_interval: Option<Duration>,
    expire_budget: Duration,
}

impl Default for CacheBuilder {
    fn default() -> Self {
        CacheBuilder {
            databases: 1,
            clock: None,
            expire_interval: Some(Duration::from_millis(100)),
            expire_budget: Duration::from_millis(25),
        }
    }
}

impl CacheBuilder {
    /// Number of databases (at least one; default 1).
    pub fn databases(mut self, databases: usize) -> Self {
        self.databases = databases;
        self
    }

    /// The clock deadlines are measured with (default: the system clock). Tests pass a
    /// [`crate::clock::ManualClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How often the background thread runs the active expiry cycle (default 100 ms);
    /// `None` runs no thread (expired keys then go only on access or
    /// [`Cache::expire_now`]).
    pub fn expire_interval(mut self, interval: Option<Duration>) -> Self {
        self.expire_interval = interval;
        self
    }

    /// Wall time one background cycle may take (default 25 ms).
    pub fn expire_budget(mut self, budget: Duration) -> Self {
        self.expire_budget = budget;
        self
    }

    /// The cache, with its expiry thread started.
    ///
    /// # Panics
    ///
    /// If the operating system refuses to start the thread (as `std::thread::spawn`).
    pub fn build(self) -> Cache {
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let budget_us = u64::try_from(self.expire_budget.as_micros()).unwrap_or(u64::MAX);
        let store = Mutex::new(Store::with_clock(self.databases, clock));
        let Some(interval) = self.expire_interval else {
            return Cache {
                shared: Arc::new(Shared {
                    store,
                    expire_budget_us: budget_us,
                    _stop: None,
                }),
                db: 0,
            };
        };
        let (stop, stopped) = mpsc::channel();
        let shared = Arc::new(Shared {
            store,
            expire_budget_us: budget_us,
            _stop: Some(stop),
        });
        let weak = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("cedis-expire".into())
            .spawn(move || expire_loop(&weak, &stopped, interval, budget_us))
            .expect("failed to spawn the cedis-expire thread");
        Cache { shared, db: 0 }
    }
}

/// The background thread: a cycle per tick for as long as a handle exists.
fn expire_loop(
    shared: &Weak<Shared>,
    stopped: &mpsc::Receiver<()>,
    tick: Duration,
    budget_us: u64,
) {
    loop {
        match stopped.recv_timeout(tick) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let mut store = lock(&shared.store);
        let now = store.now_ms();
        store.active_expire_cycle(now, budget_us);
        store.active_rehash(REHASH_BUDGET_US);
    }
}

/// Wall time per tick the background thread spends helping a table resize (Redis: 1 ms).
const REHASH_BUDGET_US: u64 = 1_000;

/// Locks the store, ignoring poisoning: every keyspace call leaves the store consistent
/// before it can panic in a caller's closure or hook.
fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A duration as whole milliseconds, rounded up so a TTL is never shortened.
fn ceil_ms(duration: Duration) -> u64 {
    let ms = duration.as_millis() + u128::from(duration.subsec_nanos() % 1_000_000 != 0);
    u64::try_from(ms).unwrap_or(u64::MAX)
}

impl Cache {
    /// A cache with `databases` databases (at least one) on the system clock, with
    /// background expiry.
    pub fn new(databases: usize) -> Cache {
        Cache::builder().databases(databases).build()
    }

    pub fn builder() -> CacheBuilder {
        CacheBuilder::default()
    }

    /// A handle on database `index` of the same store.
    ///
    /// # Panics
    ///
    /// If `index >= self.databases()`.
    pub fn db(&self, index: usize) -> Cache {
        let databases = self.databases();
        assert!(
            index < databases,
            "database {index} out of range (0..{databases})"
        );
        Cache {
            shared: Arc::clone(&self.shared),
            db: index,
        }
    }

    /// The database this handle acts on.
    pub fn db_index(&self) -> usize {
        self.db
    }

    pub fn databases(&self) -> usize {
        self.lock().databases()
    }

    /// The whole store, locked, for what the typed operations do not cover (hooks,
    /// other value types, stats). Do not call this handle's other methods while holding
    /// the guard (the mutex is not reentrant), and do not hold it across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        lock(&self.shared.store)
    }

    /// Runs `op` on this handle's database with the store's current time.
    fn with<R>(&self, op: impl FnOnce(&mut Keyspace, u64) -> R) -> R {
        let mut store = self.lock();
        let now = store.now_ms();
        op(store.db(self.db), now)
    }

    /// The string at `key` (GET). `None` if the key is missing, expired, or holds
    /// another type.
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.with(|db, now| {
            db.get_for_read(key, now)
                .and_then(Value::as_string)
                .map(|s| s.to_bytes().into_owned())
        })
    }

    /// Writes a string (SET with its NX/XX/KEEPTTL/PX options); whether it was written.
    pub fn set(&self, key: &[u8], value: &[u8], options: SetOptions) -> bool {
        self.with(|db, now| {
            if options.nx || options.xx {
                let exists = db.contains(key, now);
                if (options.nx && exists) || (options.xx && !exists) {
                    return false;
                }
            }
            let ttl = match options.ttl {
                Some(ttl) => Ttl::At(now.saturating_add(ceil_ms(ttl))),
                None if options.keep_ttl => Ttl::Keep,
                None => Ttl::Clear,
            };
            db.set(key, Value::String(StringValue::from_bytes(value)), ttl, now);
            true
        })
    }

    /// INCRBY: adds `delta` to the integer at `key` (a missing key counts as 0) and
    /// returns the result; the key keeps its TTL.
    pub fn incr_by(&self, key: &[u8], delta: i64) -> Result<i64, CacheError> {
        self.with(|db, now| {
            let current = match db.get(key, now) {
                None => None,
                Some(Value::String(s)) => Some(s.as_i64().ok_or(CacheError::NotAnInteger)?),
                Some(_) => return Err(CacheError::WrongType),
            };
            let Some(current) = current else {
                db.set(
                    key,
                    Value::String(StringValue::from_i64(delta)),
                    Ttl::Clear,
                    now,
                );
                return Ok(delta);
            };
            let next = current.checked_add(delta).ok_or(CacheError::Overflow)?;
            db.update(key, now, |value| {
                *value = Value::String(StringValue::from_i64(next));
            });
            Ok(next)
        })
    }

    /// DEL: whether the key existed.
    pub fn del(&self, key: &[u8]) -> bool {
        self.with(|db, now| db.remove(key, now).is_some())
    }

    /// EXISTS.
    pub fn exists(&self, key: &[u8]) -> bool {
        self.with(|db, now| db.lookup(key, now, Lookup::READ.no_touch()).is_some())
    }

    /// EXPIRE: the key expires after `ttl` (a zero `ttl` deletes it now); false if the key
    /// does not exist.
    pub fn expire(&self, key: &[u8], ttl: Duration) -> bool {
        self.with(|db, now| db.set_expire(key, Some(now.saturating_add(ceil_ms(ttl))), now))
    }

    /// TTL, in milliseconds precision.
    pub fn ttl(&self, key: &[u8]) -> KeyTtl {
        self.with(|db, now| {
            if db.lookup(key, now, Lookup::READ.no_touch()).is_none() {
                return KeyTtl::Missing;
            }
            match db.expire_at(key, now) {
                None => KeyTtl::Persistent,
                Some(deadline) => {
                    KeyTtl::Remaining(Duration::from_millis(deadline.saturating_sub(now)))
                }
            }
        })
    }

    /// PERSIST: removes the key's TTL; whether it had one.
    pub fn persist(&self, key: &[u8]) -> bool {
        self.with(|db, now| db.expire_at(key, now).is_some() && db.set_expire(key, None, now))
    }

    /// One SCAN step: the keys of about `count` entries that match `pattern` (Redis glob
    /// syntax), and the cursor to continue with (0 when the iteration is complete).
    ///
    /// ```
    /// use cedis_store::{Cache, SetOptions};
    ///
    /// let cache = Cache::new(1);
    /// for key in ["user:1", "user:2", "order:1"] {
    ///     cache.set(key.as_bytes(), b"x", SetOptions::default());
    /// }
    /// let mut users = Vec::new();
    /// let mut cursor = 0;
    /// loop {
    ///     let (next, keys) = cache.scan(cursor, Some(b"user:*"), 10);
    ///     users.extend(keys);
    ///     cursor = next;
    ///     if cursor == 0 {
    ///         break;
    ///     }
    /// }
    /// users.sort();
    /// assert_eq!(users, [b"user:1".to_vec(), b"user:2".to_vec()]);
    /// ```
    pub fn scan(&self, cursor: u64, pattern: Option<&[u8]>, count: usize) -> (u64, Vec<Vec<u8>>) {
        self.with(|db, now| {
            let mut keys = Vec::new();
            let next = db.scan(cursor, count, now, |key, _| {
                if pattern.is_none_or(|pattern| glob_match(pattern, key, false)) {
                    keys.push(key.to_vec());
                }
            });
            (next, keys)
        })
    }

    /// DBSIZE: keys in this database, including expired keys not yet removed.
    pub fn len(&self) -> usize {
        self.with(|db, _| db.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// FLUSHDB: removes every key of this database.
    pub fn flush(&self) {
        self.with(|db, _| db.clear());
    }

    /// Bytes used by every database of the store (see [`Store::used_memory`]).
    pub fn used_memory(&self) -> usize {
        self.lock().used_memory()
    }

    /// Runs one active expiry cycle now, over every database, within the builder's
    /// budget; keys expired. For caches built without the background thread.
    pub fn expire_now(&self) -> usize {
        let mut store = self.lock();
        let now = store.now_ms();
        store.active_expire_cycle(now, self.shared.expire_budget_us)
    }
}
