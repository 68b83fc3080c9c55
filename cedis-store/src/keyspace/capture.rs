//! One database's side of a running snapshot: copy-before-write (see
//! [`crate::snapshot`] for the design).
//!
//! While a snapshot runs, every write path of [`Keyspace`] that changes, replaces or
//! removes an entry whose mark is not the snapshot's epoch (an entry not yet emitted)
//! first keeps its start-instant version here, then marks it. The store moves what is
//! kept into the snapshot at its next step.

use std::collections::VecDeque;

use crate::dict::Dict;
use crate::snapshot::{expired_at, SnapshotItem, StepBudget};

use super::{Entry, Keyspace};

/// Copy-before-write state of one database while a snapshot runs.
pub(crate) struct Capture {
    pub epoch: u32,
    pub started_ms: u64,
    /// Which database's start content the table now here holds, while entries of it may
    /// still be unemitted: the position at the start, changed by SWAPDB, `None` once the
    /// table was walked completely or after FLUSHDB (the new table holds only entries
    /// created during the snapshot).
    pub origin: Option<usize>,
    /// Start-instant versions kept by writes, each tagged with its database.
    pub pending: Vec<SnapshotItem>,
    pub pending_bytes: usize,
    /// Tables moved aside by FLUSHDB.
    pub detached: Vec<DetachedTable>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("epoch", &self.epoch)
            .field("origin", &self.origin)
            .field("pending", &self.pending.len())
            .field("detached", &self.detached.len())
            .finish_non_exhaustive()
    }
}

/// A whole table taken out of a database by FLUSHDB while the snapshot still needed it.
pub(crate) struct DetachedTable {
    pub origin: usize,
    pub entries: Dict<Entry>,
    pub expires: Dict<u64>,
    /// The database's running total of what the values own, at the flush.
    pub data_bytes: usize,
}

impl Capture {
    /// Keeps the start-instant version of an entry about to change, if it is not emitted
    /// yet; `value` makes it (a clone, or the value itself when it is being dropped).
    /// Marks the entry as emitted either way.
    fn keep(
        &mut self,
        key: &[u8],
        mark: &mut u32,
        deadline: Option<u64>,
        stamp: u32,
        value: impl FnOnce() -> Option<cedis_types::Value>,
    ) {
        if *mark == self.epoch {
            return;
        }
        *mark = self.epoch;
        if expired_at(deadline, self.started_ms) {
            // Expired at the start: the snapshot may leave it out, so no copy.
            return;
        }
        // No start content here (flushed, or walked to the end, where every entry is
        // marked): nothing to keep.
        let Some(origin) = self.origin else {
            return;
        };
        let Some(value) = value() else {
            return;
        };
        let item = SnapshotItem {
            db: origin,
            key: key.into(),
            value,
            deadline,
            stamp,
        };
        self.pending_bytes += item.mem_bytes();
        self.pending.push(item);
    }
}

impl Keyspace {
    /// Starts keeping copies for the snapshot of `epoch`; this database is position
    /// `index` of the store.
    pub(crate) fn begin_capture(&mut self, index: usize, epoch: u32, started_ms: u64) {
        self.snapshot_epoch = epoch;
        self.capture = Some(Box::new(Capture {
            epoch,
            started_ms,
            origin: Some(index),
            pending: Vec::new(),
            pending_bytes: 0,
            detached: Vec::new(),
        }));
    }

    /// Stops keeping copies; what was kept and not yet taken.
    pub(crate) fn end_capture(&mut self) -> Option<Box<Capture>> {
        self.capture.take()
    }

    /// Which database's start content this table holds, while some may be unemitted.
    pub(crate) fn capture_origin(&self) -> Option<usize> {
        self.capture.as_ref().and_then(|c| c.origin)
    }

    /// The walk of this table is complete: every entry in it is marked.
    pub(crate) fn end_capture_origin(&mut self) {
        if let Some(capture) = &mut self.capture {
            capture.origin = None;
        }
    }

    /// Copies kept since the last call, and flushed tables.
    pub(crate) fn take_captured(&mut self) -> Option<(Vec<SnapshotItem>, Vec<DetachedTable>)> {
        let capture = self.capture.as_deref_mut()?;
        capture.pending_bytes = 0;
        Some((
            std::mem::take(&mut capture.pending),
            std::mem::take(&mut capture.detached),
        ))
    }

    /// (items, bytes) of copies kept here, and bytes of flushed tables, for progress.
    pub(crate) fn capture_held(&self) -> (usize, usize, usize) {
        self.capture.as_deref().map_or((0, 0, 0), |c| {
            let detached = c
                .detached
                .iter()
                .map(|t| t.entries.overhead_bytes() + t.expires.overhead_bytes() + t.data_bytes)
                .sum();
            (c.pending.len(), c.pending_bytes, detached)
        })
    }

    /// Copy-before-write for an entry changed in place or whose deadline changes: keeps a
    /// clone of its value and its deadline if not emitted yet. One branch when no
    /// snapshot runs.
    pub(super) fn keep_before_change(&mut self, key: &[u8]) {
        let Some(capture) = self.capture.as_deref_mut() else {
            return;
        };
        let Some(entry) = self.entries.get_mut(key) else {
            return;
        };
        let deadline = self.expires.get(key).copied();
        let value = &entry.value;
        capture.keep(key, &mut entry.snapshot_epoch, deadline, entry.lru, || {
            Some(value.clone())
        });
    }

    /// Copy-before-write for an entry already out of the table whose value lives on (a
    /// rename's or MOVE's source, DEL returning it): keeps a clone.
    pub(super) fn keep_removed_clone(
        &mut self,
        key: &[u8],
        entry: &mut Entry,
        deadline: Option<u64>,
    ) {
        if let Some(capture) = self.capture.as_deref_mut() {
            let value = &entry.value;
            capture.keep(key, &mut entry.snapshot_epoch, deadline, entry.lru, || {
                Some(value.clone())
            });
        }
    }

    /// Copy-before-write for an entry out of the table for good (overwritten, expired,
    /// deleted without returning it): the snapshot takes the value itself, no clone.
    pub(super) fn keep_removed(&mut self, key: &[u8], entry: Entry, deadline: Option<u64>) {
        if let Some(capture) = self.capture.as_deref_mut() {
            let Entry {
                value,
                mut snapshot_epoch,
                lru,
            } = entry;
            capture.keep(key, &mut snapshot_epoch, deadline, lru, || Some(value));
        }
    }

    /// FLUSHDB while the snapshot still needs this table: moves it aside whole (O(1));
    /// whether it did (then the database is already empty).
    pub(super) fn detach_for_snapshot(&mut self) -> bool {
        let Some(capture) = self.capture.as_deref_mut() else {
            return false;
        };
        let Some(origin) = capture.origin.take() else {
            return false;
        };
        capture.detached.push(DetachedTable {
            origin,
            entries: std::mem::take(&mut self.entries),
            expires: std::mem::take(&mut self.expires),
            data_bytes: self.data_bytes,
        });
        true
    }

    /// SWAPDB: the start content follows its table.
    pub(super) fn swap_capture_origin(&mut self, other: &mut Keyspace) {
        if let (Some(a), Some(b)) = (self.capture.as_deref_mut(), other.capture.as_deref_mut()) {
            std::mem::swap(&mut a.origin, &mut b.origin);
        }
    }

    /// One walk step for the snapshot: visits the table from `cursor`, clones the values
    /// of entries not yet emitted (and not expired at the start) into `queue`, marks them,
    /// until `budget` is spent or the walk is complete; the next cursor (0 = complete).
    pub(crate) fn snapshot_scan(
        &mut self,
        mut cursor: u64,
        budget: &mut StepBudget,
        queue: &mut VecDeque<SnapshotItem>,
        queue_bytes: &mut usize,
    ) -> u64 {
        let Some(capture) = self.capture.as_deref() else {
            return 0;
        };
        let Some(origin) = capture.origin else {
            return 0;
        };
        let (epoch, started_ms) = (capture.epoch, capture.started_ms);
        let (entries, expires) = (&mut self.entries, &self.expires);
        loop {
            cursor = entries.scan_mut(cursor, |key, entry| {
                budget.work = budget.work.saturating_sub(1);
                if entry.snapshot_epoch == epoch {
                    return;
                }
                entry.snapshot_epoch = epoch;
                let deadline = expires.get(key).copied();
                if expired_at(deadline, started_ms) {
                    return;
                }
                let item = SnapshotItem {
                    db: origin,
                    key: key.into(),
                    value: entry.value.clone(),
                    deadline,
                    stamp: entry.lru,
                };
                let bytes = item.mem_bytes();
                budget.take(bytes);
                *queue_bytes += bytes;
                queue.push_back(item);
            });
            budget.work = budget.work.saturating_sub(1);
            if cursor == 0 || budget.exhausted() {
                return cursor;
            }
        }
    }
}
