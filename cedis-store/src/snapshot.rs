//! Point-in-time snapshots without `fork`: what BGSAVE writes while clients keep writing.
//!
//! # Design, and why not fork + copy-on-write
//!
//! Redis forks: the child sees the memory as it was at the fork and the kernel copies each
//! 4 KiB page the parent writes afterwards. cedis is one multi-threaded process behind a
//! `Mutex<Store>`, where forking is unsafe (other threads' locks and allocator state are
//! copied mid-operation) and, on large heaps, the fork itself (copying page tables) is a
//! pause of its own. So the store does the copy-on-write itself, at the granularity of
//! one key instead of one page:
//!
//! - [`Store::begin_snapshot`] records the start instant and the per-database key and
//!   deadline counts (what RDB's `RESIZEDB` wants) and starts a new *epoch*. Every
//!   [`Entry`] carries the epoch of the last snapshot that took it (a `u32`
//!   that sits in what was padding: an entry is 32 bytes with or without it, so the
//!   marker costs no memory per key). An entry whose mark is not the running epoch has
//!   not been emitted yet; entries created during the snapshot get the running epoch
//!   at once, so they are never emitted.
//! - The saver thread calls [`Store::snapshot_step`] repeatedly, each time taking the lock
//!   for one bounded step. A step walks the databases' tables with SCAN's reverse-binary
//!   cursor ([`Dict::scan_mut`](crate::dict::Dict::scan_mut)), which visits every key
//!   present for the whole walk at least once however the table is resized in between;
//!   visiting a key twice is harmless because the first visit marks it. A step clones the
//!   values it emits, at most `max_entries` of them and about [`STEP_MAX_BYTES`] of value
//!   bytes, so the lock is held for a bounded time (only a single value larger than that
//!   is cloned whole in one step).
//! - **Copy-before-write.** Every write path of [`Keyspace`] that would
//!   change, replace or remove an entry not yet emitted first hands its start-instant
//!   version (value and deadline) to the snapshot and marks the entry: moved when the
//!   value is being dropped anyway (overwrite, expiry, DEL of a replaced key, a rename's
//!   target), cloned when it lives on (in-place update, EXPIRE/PERSIST, a rename's or
//!   MOVE's source, DEL, which returns the value to its caller). That copy waits in a
//!   pending queue that the steps emit before walking further.
//! - FLUSHDB/FLUSHALL move the whole table aside into the snapshot (O(1)); the steps then
//!   take its entries apart without cloning and free it as they go. SWAPDB exchanges
//!   tables, and each table remembers which database's start content it holds, so the
//!   walk follows it.
//!
//! Output comes database by database: every item of database 0, then of 1, and so on, so
//! a writer emits one `SELECTDB` + `RESIZEDB` per database. Copies made for a database not
//! yet reached wait until it is.
//!
//! **Memory.** Extra memory is the copies of entries modified during the snapshot, each
//! at most once (plus flushed tables kept until emitted), never a copy of the dataset:
//! see [`SnapshotProgress::pending_bytes`] and [`SnapshotProgress::detached_bytes`].
//! Compared with fork: fork copies a 4 KiB page on any write to it, so scattered small
//! writes can copy far more than they touch, and the pages are the kernel's, invisible to
//! `used_memory`; here a write copies exactly the one value it changes, which is cheaper
//! for small values and dearer for a huge one (the first `ZADD` to a 1M-member sorted set
//! during a snapshot clones the whole set, once, inside that command). And every emitted
//! value is cloned once by the steps, where a forked child reads memory in place: the
//! price of not forking, paid in bounded steps on the saver thread.
//!
//! ```
//! use std::sync::Arc;
//! use cedis_store::{clock::ManualClock, Store, Ttl};
//! use cedis_types::Value;
//!
//! let mut store = Store::with_clock(2, Arc::new(ManualClock::new(1_000)));
//! store.db(0).set(b"a", Value::string(b"old"), Ttl::Clear, 1_000);
//! let start = store.begin_snapshot().expect("none running");
//! assert_eq!(start.dbs[0].keys, 1);
//! // Writes go on while the snapshot runs; it still sees the start instant.
//! store.db(0).set(b"a", Value::string(b"new"), Ttl::Clear, 1_000);
//! store.db(1).set(b"b", Value::string(b"created later"), Ttl::Clear, 1_000);
//! let mut items = Vec::new();
//! loop {
//!     let batch = store.snapshot_step(100);
//!     items.extend(batch.items);
//!     if batch.done {
//!         break;
//!     }
//! }
//! assert_eq!(items.len(), 1);
//! assert_eq!((items[0].db, &*items[0].key), (0, &b"a"[..]));
//! assert_eq!(items[0].value, Value::string(b"old"));
//! assert!(!store.snapshot_in_progress());
//! ```

use std::collections::VecDeque;

use cedis_types::Value;

use crate::dict::{Dict, Drain};
use crate::keyspace::capture::{Capture, DetachedTable};
use crate::keyspace::Entry;
use crate::{memory, Keyspace, Store};

/// Value bytes (see [`SnapshotItem::mem_bytes`]) one [`Store::snapshot_step`] emits at
/// most, besides its entry count, so a step of large values keeps the lock about as short
/// as a step of small ones. One value larger than this is still emitted whole.
pub const STEP_MAX_BYTES: usize = 1 << 20;

/// Work units (buckets and entries looked at) a step may spend per entry it is asked
/// for, so a sparse table or a run of already-emitted entries cannot make one step long.
const WORK_PER_ENTRY: usize = 16;

/// One key as it was when the snapshot started.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotItem {
    /// The database the key belonged to at the start.
    pub db: usize,
    pub key: Box<[u8]>,
    pub value: Value,
    /// Unix ms, as stored.
    pub deadline: Option<u64>,
    /// The entry's LRU clock or LFU counter stamp (see [`crate::keyspace::Entry::lru`]),
    /// for the IDLE/FREQ records Redis writes under an LRU/LFU policy.
    pub stamp: u32,
}

impl SnapshotItem {
    /// Bytes this item holds while it waits in a queue (key, value, the item itself), for
    /// the snapshot's memory counters.
    pub fn mem_bytes(&self) -> usize {
        memory::snapshot_item_cost(self.key.len(), &self.value)
    }
}

/// What one [`Store::snapshot_step`] returns.
#[derive(Debug, Default)]
pub struct SnapshotBatch {
    /// In database order across the whole snapshot: an item's `db` is never smaller than
    /// the previous item's, so a writer starts a database when `db` changes.
    pub items: Vec<SnapshotItem>,
    /// No more items will come (the snapshot has ended; `items` may still hold the last).
    pub done: bool,
    /// No snapshot was running: it was aborted ([`Store::abort_snapshot`], or
    /// [`Store::replace_contents`]) or never begun. `done` is set too, but what was
    /// collected is incomplete and must not be used as a snapshot.
    pub aborted: bool,
}

/// Counts of one database at the snapshot's start (RDB's `RESIZEDB` hints). Keys that
/// had already expired but were not yet removed are counted, though the snapshot may
/// leave them out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DbCounts {
    pub keys: usize,
    pub expires: usize,
}

/// What [`Store::begin_snapshot`] recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotStart {
    /// The start instant (the store clock's Unix ms); keys expired at it may be left out.
    pub started_ms: u64,
    /// Indexed by database.
    pub dbs: Vec<DbCounts>,
}

/// A running snapshot's progress, for logs and INFO persistence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapshotProgress {
    pub started_ms: u64,
    /// Keys in all databases at the start.
    pub keys_at_start: usize,
    /// Items handed out by the steps so far.
    pub emitted: u64,
    /// The database the steps are emitting.
    pub current_db: usize,
    /// Copies waiting to be emitted (copy-before-write and step overshoot).
    pub pending_items: usize,
    /// Bytes of those copies ([`SnapshotItem::mem_bytes`]).
    pub pending_bytes: usize,
    /// Bytes of flushed tables kept for the snapshot until their entries are emitted.
    pub detached_bytes: usize,
}

/// Why a snapshot could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// Only one snapshot runs at a time (Redis: "Background save already in progress").
    #[error("a snapshot is already in progress")]
    InProgress,
}

/// What an aborted snapshot still held: copies and flushed tables. Dropping it frees
/// them; a caller holding the store's lock can move it out and drop it after unlocking,
/// since freeing a large flushed table takes time.
#[derive(Debug)]
pub struct AbortedSnapshot {
    _snapshot: Box<Snapshot>,
    _captures: Vec<Capture>,
}

/// A flushed table the steps take apart.
struct DetachedDrain {
    entries: Drain<Entry>,
    expires: Dict<u64>,
    /// What the values still in `entries` own (their share of the running total).
    data_bytes: usize,
}

impl DetachedDrain {
    fn bytes(&self) -> usize {
        self.entries.overhead_bytes() + self.expires.overhead_bytes() + self.data_bytes
    }
}

/// The start content of one database and how far its emission has come.
#[derive(Default)]
struct Source {
    /// Where the walk of its table has reached (while the table is live).
    cursor: u64,
    /// Its table has been walked (or drained) completely.
    table_done: bool,
    /// Its table, if it was flushed before the walk ended.
    detached: Option<DetachedDrain>,
    /// Copies to emit before walking on.
    queue: VecDeque<SnapshotItem>,
    queue_bytes: usize,
}

impl Source {
    fn push(&mut self, item: SnapshotItem) {
        self.queue_bytes += item.mem_bytes();
        self.queue.push_back(item);
    }
}

/// The store's side of a running snapshot (each database's side is its
/// [`Capture`]).
pub(crate) struct Snapshot {
    epoch: u32,
    start: SnapshotStart,
    /// Indexed by the database the content belonged to at the start.
    sources: Vec<Source>,
    current: usize,
    emitted: u64,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("epoch", &self.epoch)
            .field("started_ms", &self.start.started_ms)
            .field("current", &self.current)
            .field("emitted", &self.emitted)
            .finish_non_exhaustive()
    }
}

/// What a step may still spend.
pub(crate) struct StepBudget {
    /// Items still wanted.
    pub items: usize,
    /// Value bytes still wanted.
    pub bytes: usize,
    /// Buckets and entries that may still be looked at.
    pub work: usize,
}

impl StepBudget {
    pub fn exhausted(&self) -> bool {
        self.items == 0 || self.bytes == 0 || self.work == 0
    }

    /// Accounts for one item emitted.
    pub fn take(&mut self, bytes: usize) {
        self.items = self.items.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(bytes);
    }
}

impl Store {
    /// Starts a point-in-time snapshot of every database (see the [module](self) docs):
    /// from now on each write keeps the start-instant version of what it changes. O(dbs).
    /// Fails if one is already running.
    pub fn begin_snapshot(&mut self) -> Result<SnapshotStart, SnapshotError> {
        if self.snapshot.is_some() {
            return Err(SnapshotError::InProgress);
        }
        let started_ms = self.clock.now_ms();
        // A new epoch every time, so marks left by an aborted snapshot mean nothing to
        // this one. It wraps after 2^32 snapshots; a stale mark could then only collide
        // for an entry untouched through 2^32 snapshots none of which completed (a
        // completed one marks every entry with its own epoch).
        self.snapshot_epoch = self.snapshot_epoch.wrapping_add(1);
        let epoch = self.snapshot_epoch;
        let start = SnapshotStart {
            started_ms,
            dbs: self
                .dbs
                .iter()
                .map(|db| DbCounts {
                    keys: db.len(),
                    expires: db.expires_len(),
                })
                .collect(),
        };
        for (index, db) in self.dbs.iter_mut().enumerate() {
            db.begin_capture(index, epoch, started_ms);
        }
        self.snapshot = Some(Box::new(Snapshot {
            epoch,
            start: start.clone(),
            sources: self.dbs.iter().map(|_| Source::default()).collect(),
            current: 0,
            emitted: 0,
        }));
        Ok(start)
    }

    /// The next items of the running snapshot: up to `max_entries` (at least one is asked
    /// for) and about [`STEP_MAX_BYTES`] of values, in database order. Copies kept by
    /// writes are emitted first, then the walk goes on. A step may return fewer items
    /// (even none) without being done when it spent its work budget on empty buckets or
    /// already-emitted entries: call again until `done`. Without a running snapshot the
    /// batch is empty, `done` and `aborted`. The saver that began the snapshot is meant to
    /// be the only caller.
    pub fn snapshot_step(&mut self, max_entries: usize) -> SnapshotBatch {
        self.snapshot_step_limited(max_entries, STEP_MAX_BYTES)
    }

    /// [`Store::snapshot_step`] with the byte cap chosen by the caller.
    pub fn snapshot_step_limited(&mut self, max_entries: usize, max_bytes: usize) -> SnapshotBatch {
        let Some(mut snap) = self.snapshot.take() else {
            return SnapshotBatch {
                items: Vec::new(),
                done: true,
                aborted: true,
            };
        };
        gather(&mut self.dbs, &mut snap);
        let max_entries = max_entries.max(1);
        let mut budget = StepBudget {
            items: max_entries,
            bytes: max_bytes.max(1),
            work: max_entries.saturating_mul(WORK_PER_ENTRY),
        };
        let mut items = Vec::with_capacity(max_entries.min(4096));
        let (epoch, started_ms) = (snap.epoch, snap.start.started_ms);
        while let Some(source) = snap.sources.get_mut(snap.current) {
            while budget.items > 0 && budget.bytes > 0 {
                let Some(item) = source.queue.pop_front() else {
                    break;
                };
                let bytes = item.mem_bytes();
                source.queue_bytes = source.queue_bytes.saturating_sub(bytes);
                budget.take(bytes);
                items.push(item);
            }
            if budget.exhausted() {
                break;
            }
            // The queue is empty: refill it from the table, or move on.
            if source.table_done {
                snap.current += 1;
                continue;
            }
            let db = snap.current;
            // Refilling spends work; the items count when they leave the queue above.
            let mut fill = StepBudget {
                items: budget.items,
                bytes: budget.bytes,
                work: budget.work,
            };
            let (queue, queue_bytes) = (&mut source.queue, &mut source.queue_bytes);
            if let Some(detached) = &mut source.detached {
                drain_detached(
                    detached,
                    db,
                    (epoch, started_ms),
                    (queue, queue_bytes),
                    &mut fill,
                );
            } else if let Some(live) = self.dbs.iter_mut().find(|k| k.capture_origin() == Some(db))
            {
                source.cursor = live.snapshot_scan(source.cursor, &mut fill, queue, queue_bytes);
                if source.cursor == 0 {
                    // Every entry of the table is marked now: writes to it need no copy.
                    live.end_capture_origin();
                    source.table_done = true;
                }
            } else {
                // Not live and not detached: a flushed table already taken apart.
                source.table_done = true;
            }
            budget.work = fill.work;
            if let Some(detached) = &source.detached {
                if detached.entries.is_finished() {
                    source.detached = None;
                    source.table_done = true;
                }
            }
        }
        snap.emitted += items.len() as u64;
        let done = snap.current >= snap.sources.len();
        if done {
            for db in &mut self.dbs {
                db.end_capture();
            }
        } else {
            self.snapshot = Some(snap);
        }
        SnapshotBatch {
            items,
            done,
            aborted: false,
        }
    }

    /// Whether a snapshot is running.
    pub fn snapshot_in_progress(&self) -> bool {
        self.snapshot.is_some()
    }

    /// The running snapshot's progress, `None` when none runs. O(dbs).
    pub fn snapshot_progress(&self) -> Option<SnapshotProgress> {
        let snap = self.snapshot.as_deref()?;
        let mut progress = SnapshotProgress {
            started_ms: snap.start.started_ms,
            keys_at_start: snap.start.dbs.iter().map(|c| c.keys).sum(),
            emitted: snap.emitted,
            current_db: snap.current,
            ..SnapshotProgress::default()
        };
        for source in &snap.sources {
            progress.pending_items += source.queue.len();
            progress.pending_bytes += source.queue_bytes;
            progress.detached_bytes += source.detached.as_ref().map_or(0, DetachedDrain::bytes);
        }
        for db in &self.dbs {
            let (items, bytes, detached) = db.capture_held();
            progress.pending_items += items;
            progress.pending_bytes += bytes;
            progress.detached_bytes += detached;
        }
        Some(progress)
    }

    /// Bytes the running snapshot holds (copies plus flushed tables); 0 when none runs.
    /// Not part of [`Store::used_memory`], as the pages a forked child keeps are not part
    /// of Redis's.
    pub fn snapshot_memory(&self) -> usize {
        self.snapshot_progress()
            .map_or(0, |p| p.pending_bytes + p.detached_bytes)
    }

    /// Stops the running snapshot; writes stop keeping copies. What it held comes back
    /// so the caller can drop it after releasing the store's lock. `None` if none ran.
    pub fn abort_snapshot(&mut self) -> Option<AbortedSnapshot> {
        let snapshot = self.snapshot.take()?;
        let captures = self
            .dbs
            .iter_mut()
            .filter_map(Keyspace::end_capture)
            .map(|capture| *capture)
            .collect();
        Some(AbortedSnapshot {
            _snapshot: snapshot,
            _captures: captures,
        })
    }
}

/// Moves what the databases' captures collected since the last step into the sources:
/// copies into their database's queue, flushed tables into their source.
fn gather(dbs: &mut [Keyspace], snap: &mut Snapshot) {
    for db in dbs {
        let Some((pending, detached)) = db.take_captured() else {
            continue;
        };
        for item in pending {
            debug_assert!(item.db >= snap.current, "copy for a finished database");
            if let Some(source) = snap.sources.get_mut(item.db) {
                source.push(item);
            }
        }
        for table in detached {
            let DetachedTable {
                origin,
                entries,
                expires,
                data_bytes,
            } = table;
            if let Some(source) = snap.sources.get_mut(origin) {
                debug_assert!(!source.table_done && source.detached.is_none());
                source.detached = Some(DetachedDrain {
                    entries: entries.into_drain(),
                    expires,
                    data_bytes,
                });
            }
        }
    }
}

/// Takes entries of a flushed table apart into the queue: the values are moved, not
/// cloned; entries already emitted (or created after the start) are dropped.
fn drain_detached(
    detached: &mut DetachedDrain,
    db: usize,
    (epoch, started_ms): (u32, u64),
    (queue, queue_bytes): (&mut VecDeque<SnapshotItem>, &mut usize),
    budget: &mut StepBudget,
) {
    while !budget.exhausted() {
        let Some((key, entry)) = detached.entries.next_within(&mut budget.work) else {
            break;
        };
        budget.work = budget.work.saturating_sub(1);
        detached.data_bytes = detached
            .data_bytes
            .saturating_sub(memory::entry_cost(&entry.value));
        let deadline = detached.expires.remove_value(&key);
        if entry.snapshot_epoch == epoch || expired_at(deadline, started_ms) {
            continue;
        }
        let item = SnapshotItem {
            db,
            key,
            value: entry.value,
            deadline,
            stamp: entry.lru,
        };
        let bytes = item.mem_bytes();
        budget.take(bytes);
        *queue_bytes += bytes;
        queue.push_back(item);
    }
}

/// Whether a key with this deadline had expired at `started_ms` (`now > deadline`, as
/// everywhere in the store): such keys may be left out of the snapshot.
pub(crate) fn expired_at(deadline: Option<u64>, started_ms: u64) -> bool {
    deadline.is_some_and(|deadline| started_ms > deadline)
}

#[cfg(test)]
mod tests;
