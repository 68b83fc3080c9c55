//! Client-side caching support: `CLIENT TRACKING` and its invalidation messages.
//!
//! Two modes, as in Redis:
//! - **Default**: after a read-only command, the keys it read are remembered with the id of
//!   the client that read them (the *tracking table*: key name → client ids, across
//!   databases). When such a key changes (any write, expiry, deletion) every remembered
//!   client gets one `invalidate` message for it and the key leaves the table, until it
//!   is read again. `OPTIN` remembers only reads right after `CLIENT CACHING yes`,
//!   `OPTOUT` all but those right after `CLIENT CACHING no`.
//! - **BCAST**: nothing is remembered; a client registers key prefixes (the empty prefix
//!   matches all keys) and hears about every change of a matching key. Changes are
//!   collected per prefix and sent as one message per prefix when the command (or the
//!   cron tick that expired them) ends.
//!
//! `NOLOOP` leaves out changes the client made itself. Messages go to the client itself
//! as a RESP3 push (`>2 invalidate [keys]`), or, with `REDIRECT id`, to another client: a
//! RESP3 push there too, or for a RESP2 client in Pub/Sub mode a message on the
//! `__redis__:invalidate` channel. A redirect to a client that went away marks the
//! tracking as broken and tells a RESP3 client so with a `tracking-redir-broken` push.
//! FLUSHDB/FLUSHALL send every tracking client an invalidation with a null key list.
//!
//! A message for the client whose command made the change is held until that command's
//! reply has been written ([`Tracking::take_own`]), so a reply and an invalidation never
//! interleave; every other client gets it in its outbox at once. The table is bounded by
//! `tracking-table-max-keys`: past it, keys are dropped at random with an invalidation.
//!
//! Lock order: keyspace → tracking table → client registry → outboxes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::client::{ClientHandle, ClientRegistry, OutputLimit};
use crate::reply::Reply;

/// The channel RESP2 redirect targets hear invalidations on.
pub const INVALIDATE_CHANNEL: &[u8] = b"__redis__:invalidate";

/// How a client tracks (`CLIENT TRACKING ON ...`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackingMode {
    /// `REDIRECT id`: messages go to that client.
    pub redirect: Option<u64>,
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
}

/// One tracking client.
#[derive(Debug)]
struct Tracker {
    handle: Arc<ClientHandle>,
    mode: TrackingMode,
    prefixes: Vec<Bytes>,
    /// The redirect target went away.
    broken: bool,
}

/// A BCAST prefix: who listens, and the keys changed since the last flush with the id of
/// the client that changed each (0: the server itself, e.g. expiry).
#[derive(Debug, Default)]
struct Prefix {
    clients: HashSet<u64>,
    changed: Vec<(Bytes, u64)>,
    /// Position of each key in `changed`: a key is listed once; changed by two different
    /// clients (or a client and the server), it counts as nobody's own change.
    index: HashMap<Bytes, usize>,
}

impl Prefix {
    fn note(&mut self, key: &[u8], by: u64) {
        match self.index.get(key) {
            Some(&at) => {
                if self.changed[at].1 != by {
                    self.changed[at].1 = 0;
                }
            }
            None => {
                let key = Bytes::copy_from_slice(key);
                self.index.insert(key.clone(), self.changed.len());
                self.changed.push((key, by));
            }
        }
    }
}

#[derive(Debug, Default)]
struct Table {
    /// Default mode: key → clients that may hold it in their cache.
    keys: HashMap<Bytes, HashSet<u64>>,
    /// Sum of the client sets' sizes (`tracking_total_items`).
    items: usize,
    clients: HashMap<u64, Tracker>,
    prefixes: BTreeMap<Bytes, Prefix>,
    /// Invalidations for the client running a command, written after its reply:
    /// (client id, keys or `None` for a flush).
    own: Vec<(u64, Option<Vec<Bytes>>)>,
}

/// The server's tracking state. Every entry point is cheap while no client tracks and
/// the table is empty.
#[derive(Debug)]
pub struct Tracking {
    table: Mutex<Table>,
    registry: Arc<ClientRegistry>,
    /// Clients with tracking on, or keys still in the table.
    active: AtomicBool,
    /// The client whose command is running (for NOLOOP and held messages); 0 for none.
    current: AtomicU64,
    /// `tracking-table-max-keys` (0: no limit).
    max_keys: AtomicUsize,
    /// Keys in the table, readable without the lock.
    key_count: AtomicUsize,
}

/// What INFO reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackingStats {
    pub clients: usize,
    pub keys: usize,
    pub items: usize,
    pub prefixes: usize,
}

/// Why `CLIENT TRACKING ON` was refused (the message is Redis's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingRefused(pub String);

impl Tracking {
    pub fn new(registry: Arc<ClientRegistry>) -> Tracking {
        Tracking {
            table: Mutex::new(Table::default()),
            registry,
            active: AtomicBool::new(false),
            current: AtomicU64::new(0),
            max_keys: AtomicUsize::new(1_000_000),
            key_count: AtomicUsize::new(0),
        }
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn refresh_active(&self, table: &Table) {
        self.key_count.store(table.keys.len(), Ordering::Relaxed);
        self.active.store(
            !table.clients.is_empty() || !table.keys.is_empty(),
            Ordering::Relaxed,
        );
    }

    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    pub fn set_max_keys(&self, max: u64) {
        self.max_keys.store(
            usize::try_from(max).unwrap_or(usize::MAX),
            Ordering::Relaxed,
        );
    }

    /// Marks `client` (0: none) as the one running a command; returns the previous one
    /// so nested runs (EXEC, serving a blocked client) can restore it.
    pub fn set_current(&self, client: u64) -> u64 {
        self.current.swap(client, Ordering::Relaxed)
    }

    /// `CLIENT TRACKING ON`: turns tracking on (or changes its options) and adds BCAST
    /// `prefixes`. Checks prefixes against each other and against the client's own.
    pub fn enable(
        &self,
        handle: &Arc<ClientHandle>,
        mode: TrackingMode,
        prefixes: &[Bytes],
    ) -> Result<(), TrackingRefused> {
        let mut table = self.table();
        let existing: &[Bytes] = table
            .clients
            .get(&handle.id)
            .map_or(&[], |t| t.prefixes.as_slice());
        for (i, prefix) in prefixes.iter().enumerate() {
            if let Some(other) = existing.iter().find(|p| overlaps(p, prefix)) {
                return Err(overlap_error(prefix, other, "an existing"));
            }
            if let Some(other) = prefixes[i + 1..].iter().find(|p| overlaps(p, prefix)) {
                return Err(overlap_error(prefix, other, "another provided"));
            }
        }
        let mut added: Vec<Bytes> = prefixes.to_vec();
        if mode.bcast && prefixes.is_empty() && existing.is_empty() {
            added.push(Bytes::new());
        }
        let id = handle.id;
        let tracker = table.clients.entry(id).or_insert_with(|| Tracker {
            handle: Arc::clone(handle),
            mode: TrackingMode::default(),
            prefixes: Vec::new(),
            broken: false,
        });
        tracker.mode = mode;
        tracker.broken = false;
        tracker.prefixes.extend(added.iter().cloned());
        let flags = tracker_flags(tracker);
        let redirect = tracker.mode.redirect.map_or(0, |r| r as i64);
        for prefix in added {
            table.prefixes.entry(prefix).or_default().clients.insert(id);
        }
        handle.set_tracking(flags, redirect);
        self.refresh_active(&table);
        Ok(())
    }

    /// `CLIENT TRACKING OFF`, RESET, disconnect. Keys the client read stay in the table
    /// until they change (then nobody is told) or are evicted.
    pub fn disable(&self, id: u64) {
        if !self.is_active() {
            return;
        }
        let mut table = self.table();
        if let Some(tracker) = table.clients.remove(&id) {
            tracker.handle.set_tracking(0, -1);
            for prefix in tracker.prefixes {
                if let Some(state) = table.prefixes.get_mut(&prefix) {
                    state.clients.remove(&id);
                    if state.clients.is_empty() {
                        table.prefixes.remove(&prefix);
                    }
                }
            }
        }
        table.own.retain(|(client, _)| *client != id);
        self.refresh_active(&table);
    }

    /// `CLIENT TRACKINGINFO`: the mode, whether the redirect broke, the prefixes; `None`
    /// when tracking is off.
    pub fn info(&self, id: u64) -> Option<(TrackingMode, bool, Vec<Bytes>)> {
        let table = self.table();
        let tracker = table.clients.get(&id)?;
        Some((
            tracker.mode.clone(),
            tracker.broken,
            tracker.prefixes.clone(),
        ))
    }

    /// Remembers that `client` read `keys` (default mode).
    pub fn remember(&self, client: u64, keys: impl IntoIterator<Item = Bytes>) {
        let mut table = self.table();
        let table = &mut *table;
        for key in keys {
            if table.keys.entry(key).or_default().insert(client) {
                table.items += 1;
            }
        }
        self.refresh_active(table);
    }

    /// A key changed: tell who cached it, and queue it for BCAST listeners of matching
    /// prefixes. Called under the keyspace lock by the change hook. `by_server`: the
    /// server itself changed it (expiry), so NOLOOP does not hide it from anyone.
    pub fn invalidate(&self, key: &[u8], by_server: bool) {
        if !self.is_active() {
            return;
        }
        let modifier = if by_server {
            0
        } else {
            self.current.load(Ordering::Relaxed)
        };
        let running = self.current.load(Ordering::Relaxed);
        let mut table = self.table();
        let table = &mut *table;
        if !table.prefixes.is_empty() {
            for (prefix, state) in table.prefixes.iter_mut() {
                if key.starts_with(prefix) {
                    state.note(key, modifier);
                }
            }
        }
        let Some(clients) = table.keys.remove(key) else {
            return;
        };
        table.items = table.items.saturating_sub(clients.len());
        let keys = [Bytes::copy_from_slice(key)];
        for client in clients {
            let Some(tracker) = table.clients.get_mut(&client) else {
                continue;
            };
            if tracker.mode.bcast || (tracker.mode.noloop && client == modifier) {
                continue;
            }
            self.send(tracker, Some(&keys), running, &mut table.own);
        }
        self.refresh_active(table);
    }

    /// Sends the BCAST messages collected since the last call: one per prefix and client.
    pub fn flush_broadcasts(&self) {
        if !self.is_active() {
            return;
        }
        let mut table = self.table();
        let table = &mut *table;
        let running = self.current.load(Ordering::Relaxed);
        for state in table.prefixes.values_mut() {
            if state.changed.is_empty() {
                continue;
            }
            let changed = std::mem::take(&mut state.changed);
            state.index.clear();
            for client in &state.clients {
                let Some(tracker) = table.clients.get_mut(client) else {
                    continue;
                };
                let keys: Vec<Bytes> = changed
                    .iter()
                    .filter(|(_, by)| !(tracker.mode.noloop && by == client))
                    .map(|(key, _)| key.clone())
                    .collect();
                if !keys.is_empty() {
                    self.send(tracker, Some(&keys), running, &mut table.own);
                }
            }
        }
    }

    /// FLUSHDB / FLUSHALL: every tracking client hears that everything may have changed,
    /// and the table empties.
    pub fn invalidate_all(&self) {
        if !self.is_active() {
            return;
        }
        let running = self.current.load(Ordering::Relaxed);
        let mut table = self.table();
        let table = &mut *table;
        table.keys.clear();
        table.items = 0;
        for tracker in table.clients.values_mut() {
            self.send(tracker, None, running, &mut table.own);
        }
        self.refresh_active(table);
    }

    /// Drops keys at random, with an invalidation, until the table is within
    /// `tracking-table-max-keys`.
    pub fn enforce_limit(&self) {
        let max = self.max_keys.load(Ordering::Relaxed);
        if max == 0 || self.key_count.load(Ordering::Relaxed) <= max {
            return;
        }
        let running = self.current.load(Ordering::Relaxed);
        let mut table = self.table();
        let table = &mut *table;
        while table.keys.len() > max {
            let Some(key) = table.keys.keys().next().cloned() else {
                break;
            };
            let clients = table.keys.remove(&key).unwrap_or_default();
            table.items = table.items.saturating_sub(clients.len());
            let keys = [key];
            for client in clients {
                if let Some(tracker) = table.clients.get_mut(&client) {
                    if !tracker.mode.bcast {
                        self.send(tracker, Some(&keys), running, &mut table.own);
                    }
                }
            }
        }
        self.refresh_active(table);
    }

    /// Writes the invalidations held for `client` (see the module docs) into `reply`.
    pub fn take_own(&self, client: u64, reply: &mut Reply) {
        if !self.is_active() {
            return;
        }
        let held: Vec<_> = {
            let mut table = self.table();
            if table.own.is_empty() {
                return;
            }
            let (mine, others) = std::mem::take(&mut table.own)
                .into_iter()
                .partition(|(id, _)| *id == client);
            table.own = others;
            mine
        };
        for (_, keys) in held {
            write_invalidation(reply, keys.as_deref());
        }
        reply.take_wrote_push();
    }

    pub fn stats(&self) -> TrackingStats {
        let table = self.table();
        TrackingStats {
            clients: table.clients.len(),
            keys: table.keys.len(),
            items: table.items,
            prefixes: table.prefixes.len(),
        }
    }

    /// Delivers one invalidation for `tracker` (to it or its redirect target). Held in
    /// `own` when it is for the client whose command is running.
    fn send(
        &self,
        tracker: &mut Tracker,
        keys: Option<&[Bytes]>,
        running: u64,
        own: &mut Vec<(u64, Option<Vec<Bytes>>)>,
    ) {
        let Some(target_id) = tracker.mode.redirect else {
            if tracker.handle.resp.load(Ordering::Relaxed) < 3 {
                return;
            }
            if tracker.handle.id == running {
                own.push((running, keys.map(<[Bytes]>::to_vec)));
            } else {
                tracker
                    .handle
                    .deliver(OutputLimit::default(), |out| write_invalidation(out, keys));
            }
            return;
        };
        let Some(target) = self.registry.get(target_id) else {
            if !tracker.broken {
                tracker.broken = true;
                tracker
                    .handle
                    .set_tracking(tracker_flags(tracker), target_id as i64);
            }
            if tracker.handle.resp.load(Ordering::Relaxed) >= 3 {
                tracker.handle.deliver(OutputLimit::default(), |out| {
                    out.push(2);
                    out.bulk(b"tracking-redir-broken");
                    out.int(i64::try_from(target_id).unwrap_or(i64::MAX));
                });
            }
            return;
        };
        if target.resp.load(Ordering::Relaxed) >= 3 {
            target.deliver(OutputLimit::default(), |out| write_invalidation(out, keys));
        } else if target.is_subscriber() {
            target.deliver(OutputLimit::default(), |out| {
                out.array(3);
                out.bulk(b"message");
                out.bulk(INVALIDATE_CHANNEL);
                write_keys(out, keys);
            });
        }
    }
}

/// `>2 invalidate [keys]` (a null list for a flush).
fn write_invalidation(out: &mut Reply, keys: Option<&[Bytes]>) {
    out.push(2);
    out.bulk(b"invalidate");
    write_keys(out, keys);
}

fn write_keys(out: &mut Reply, keys: Option<&[Bytes]>) {
    match keys {
        Some(keys) => {
            out.array(keys.len());
            for key in keys {
                out.bulk(key);
            }
        }
        None => out.null_array(),
    }
}

/// Whether one prefix is a prefix of the other (a key could match both).
fn overlaps(a: &[u8], b: &[u8]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

fn overlap_error(prefix: &[u8], other: &[u8], which: &str) -> TrackingRefused {
    TrackingRefused(format!(
        "ERR Prefix '{}' overlaps with {which} prefix '{}'. Prefixes for a single client must not overlap.",
        String::from_utf8_lossy(prefix),
        String::from_utf8_lossy(other)
    ))
}

/// The `CLIENT LIST` letters this tracker sets (see [`ClientHandle::set_tracking`]).
fn tracker_flags(tracker: &Tracker) -> u8 {
    let mut flags = crate::client::TRACKING_ON;
    if tracker.broken {
        flags |= crate::client::TRACKING_BROKEN;
    }
    if tracker.mode.bcast {
        flags |= crate::client::TRACKING_BCAST;
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_overlap_when_one_starts_the_other() {
        assert!(overlaps(b"foo", b"foobar"));
        assert!(overlaps(b"foobar", b"foo"));
        assert!(overlaps(b"", b"x"));
        assert!(!overlaps(b"foo", b"bar"));
    }

    #[test]
    fn overlap_errors_read_as_redis() {
        assert_eq!(
            overlap_error(b"fo", b"foo", "an existing").0,
            "ERR Prefix 'fo' overlaps with an existing prefix 'foo'. Prefixes for a single client must not overlap."
        );
    }
}
