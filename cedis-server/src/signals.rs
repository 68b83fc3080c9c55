//! The keyspace's change signal, turned into what the server does about it: keyspace
//! notifications for changes the store makes on its own (expiry), WATCH invalidation,
//! and waking clients blocked on a key.
//!
//! The store calls [`KeySignals::on_change`] synchronously, under the keyspace lock,
//! after each change; so everything here runs inside the command (or cron tick) that
//! made the change, before any other client can see the keyspace.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use cedis_store::Change;

use crate::client::ClientHandle;
use crate::config::keyspace_events;
use crate::notify::Notifier;
use crate::persistence::Persistence;
use crate::tracking::Tracking;

/// One client watching one key.
#[derive(Debug)]
struct Watcher {
    db: usize,
    client: Arc<ClientHandle>,
    /// The key had already expired (but was still stored) when WATCHed: its removal by
    /// expiry is then no change, as in Redis.
    stale: bool,
}

/// A client blocked on keys, as the server needs it to serve the client later.
#[derive(Debug, Clone)]
pub struct BlockedClient {
    pub client: Arc<ClientHandle>,
    pub db: usize,
    pub protocol: cedis_resp::Protocol,
    /// The blocking command, run again (for the ready key only) when a key is ready.
    pub argv: Vec<Bytes>,
    pub keys: Vec<Bytes>,
}

/// Who waits on which key, and which keys got data since they were last served.
#[derive(Debug, Default)]
struct Blocked {
    /// Key → (database, client id), oldest waiter first.
    by_key: HashMap<Bytes, Vec<(usize, u64)>>,
    clients: HashMap<u64, BlockedClient>,
    /// Keys with waiters that were written, in the order they became ready.
    ready: Vec<(usize, Bytes)>,
}

/// Everything that listens to key changes.
#[derive(Debug)]
pub struct KeySignals {
    notifier: Arc<Notifier>,
    tracking: Arc<Tracking>,
    persistence: Arc<Persistence>,
    aof: Arc<crate::aof::Aof>,
    /// WATCHed keys → who watches them (any database: the watcher records which).
    watches: Mutex<HashMap<Bytes, Vec<Watcher>>>,
    /// Number of (client, key) watches: changes skip the lock while it is zero.
    watch_count: AtomicUsize,
    blocked: Mutex<Blocked>,
    /// Number of blocked clients: changes skip the lock while it is zero.
    blocked_count: AtomicUsize,
}

impl KeySignals {
    pub fn new(
        notifier: Arc<Notifier>,
        tracking: Arc<Tracking>,
        persistence: Arc<Persistence>,
        aof: Arc<crate::aof::Aof>,
    ) -> KeySignals {
        KeySignals {
            notifier,
            tracking,
            persistence,
            aof,
            watches: Mutex::new(HashMap::new()),
            watch_count: AtomicUsize::new(0),
            blocked: Mutex::new(Blocked::default()),
            blocked_count: AtomicUsize::new(0),
        }
    }

    /// Called by the store for every change of `key` in database `db`.
    pub fn on_change(&self, db: usize, key: &[u8], change: Change) {
        self.notify_store_event(db, key, change);
        let touches = matches!(
            change,
            Change::Modified
                | Change::Deleted
                | Change::Expired
                | Change::Created
                | Change::Evicted
        );
        if touches && self.watch_count.load(Ordering::Relaxed) > 0 {
            self.touch_watchers(db, key, change == Change::Expired);
        }
        // `Created` is always followed by `Modified`: one invalidation per change.
        if matches!(
            change,
            Change::Modified | Change::Deleted | Change::Expired | Change::Evicted
        ) {
            let by_server = matches!(change, Change::Expired | Change::Evicted);
            self.tracking.invalidate(key, by_server);
            self.persistence.note_change(1);
            if by_server {
                // Logged as the `DEL` it amounts to.
                self.aof.propagate_expired(db, key);
            }
        }
        let fills = matches!(change, Change::Modified | Change::Created);
        if fills && self.blocked_count.load(Ordering::Relaxed) > 0 {
            self.mark_ready(db, key);
        }
    }

    fn lock_blocked(&self) -> MutexGuard<'_, Blocked> {
        self.blocked.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `key` for serving if someone waits on it in `db`.
    pub fn mark_ready(&self, db: usize, key: &[u8]) {
        let mut blocked = self.lock_blocked();
        let waited = blocked
            .by_key
            .get(key)
            .is_some_and(|ws| ws.iter().any(|(d, _)| *d == db));
        if waited && !blocked.ready.iter().any(|(d, k)| *d == db && k == key) {
            blocked.ready.push((db, Bytes::copy_from_slice(key)));
        }
    }

    /// Registers a blocked client on its keys.
    pub fn block(&self, waiter: BlockedClient) {
        let mut blocked = self.lock_blocked();
        let id = waiter.client.id;
        for key in &waiter.keys {
            let waiters = blocked.by_key.entry(key.clone()).or_default();
            if !waiters.iter().any(|(d, c)| *d == waiter.db && *c == id) {
                waiters.push((waiter.db, id));
            }
        }
        blocked.clients.insert(id, waiter);
        self.blocked_count
            .store(blocked.clients.len(), Ordering::Relaxed);
    }

    /// Removes a blocked client (served, timed out, unblocked, gone); what it was
    /// waiting with, or `None` when it was not blocked any more.
    pub fn unblock(&self, client_id: u64) -> Option<BlockedClient> {
        let mut blocked = self.lock_blocked();
        let waiter = blocked.clients.remove(&client_id)?;
        for key in &waiter.keys {
            if let Some(waiters) = blocked.by_key.get_mut(key) {
                waiters.retain(|(_, c)| *c != client_id);
                if waiters.is_empty() {
                    blocked.by_key.remove(key);
                }
            }
        }
        self.blocked_count
            .store(blocked.clients.len(), Ordering::Relaxed);
        Some(waiter)
    }

    /// The keys that became ready since the last call, in order.
    pub fn take_ready(&self) -> Vec<(usize, Bytes)> {
        if self.blocked_count.load(Ordering::Relaxed) == 0 {
            return Vec::new();
        }
        std::mem::take(&mut self.lock_blocked().ready)
    }

    /// The clients waiting on `key` in `db`, oldest first.
    pub fn waiters(&self, db: usize, key: &[u8]) -> Vec<BlockedClient> {
        let blocked = self.lock_blocked();
        blocked
            .by_key
            .get(key)
            .map(|ws| {
                ws.iter()
                    .filter(|(d, _)| *d == db)
                    .filter_map(|(_, id)| blocked.clients.get(id).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `client_id` is still waiting.
    pub fn is_blocked(&self, client_id: u64) -> bool {
        self.lock_blocked().clients.contains_key(&client_id)
    }

    /// Clients blocked right now (`INFO clients`' `blocked_clients`).
    pub fn blocked_clients(&self) -> usize {
        self.blocked_count.load(Ordering::Relaxed)
    }

    /// Keys with waiters in `db` (SWAPDB makes them ready if they now hold data).
    pub fn blocked_keys_in(&self, db: usize) -> Vec<Bytes> {
        if self.blocked_count.load(Ordering::Relaxed) == 0 {
            return Vec::new();
        }
        self.lock_blocked()
            .by_key
            .iter()
            .filter(|(_, ws)| ws.iter().any(|(d, _)| *d == db))
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn lock_watches(&self) -> MutexGuard<'_, HashMap<Bytes, Vec<Watcher>>> {
        self.watches.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the transactions watching `key` in `db` as failed (an expiry spares those
    /// that watched the key already stale).
    fn touch_watchers(&self, db: usize, key: &[u8], by_expiry: bool) {
        if let Some(watchers) = self.lock_watches().get(key) {
            for w in watchers {
                if w.db == db && !(by_expiry && w.stale) {
                    w.client.mark_watch_dirty();
                }
            }
        }
    }

    /// A key changed without the store signalling it per key (FLUSHDB, FLUSHALL,
    /// SWAPDB): the caller decides which watched keys count as touched.
    pub fn touch(&self, db: usize, key: &[u8]) {
        if self.watch_count.load(Ordering::Relaxed) > 0 {
            self.touch_watchers(db, key, false);
        }
    }

    /// SWAPDB brought a stale key (expired, not yet removed) to where `key` is watched in
    /// `db`: like a key watched while stale, its expiry will be no change.
    pub fn mark_stale(&self, db: usize, key: &[u8]) {
        if let Some(watchers) = self.lock_watches().get_mut(key) {
            for w in watchers.iter_mut().filter(|w| w.db == db) {
                w.stale = true;
            }
        }
    }

    /// Whether `client_id`'s watch of `key` in `db` counts the key as stale.
    pub fn watch_is_stale(&self, db: usize, key: &[u8], client_id: u64) -> bool {
        self.lock_watches().get(key).is_some_and(|ws| {
            ws.iter()
                .any(|w| w.db == db && w.client.id == client_id && w.stale)
        })
    }

    /// The keys watched in `db` by anyone (for FLUSHDB/SWAPDB to check).
    pub fn watched_keys_in(&self, db: usize) -> Vec<Bytes> {
        if self.watch_count.load(Ordering::Relaxed) == 0 {
            return Vec::new();
        }
        self.lock_watches()
            .iter()
            .filter(|(_, ws)| ws.iter().any(|w| w.db == db))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Registers `client` as watching `key` in `db`.
    pub fn watch(&self, db: usize, key: &Bytes, client: &Arc<ClientHandle>, stale: bool) {
        self.lock_watches()
            .entry(key.clone())
            .or_default()
            .push(Watcher {
                db,
                client: Arc::clone(client),
                stale,
            });
        self.watch_count.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops `client`'s watch on `key` in `db`.
    pub fn unwatch(&self, db: usize, key: &[u8], client_id: u64) {
        let mut watches = self.lock_watches();
        let Some(watchers) = watches.get_mut(key) else {
            return;
        };
        let before = watchers.len();
        watchers.retain(|w| !(w.db == db && w.client.id == client_id));
        let removed = before - watchers.len();
        if watchers.is_empty() {
            watches.remove(key);
        }
        self.watch_count.fetch_sub(removed, Ordering::Relaxed);
    }

    /// Keyspace notifications the store signals itself: `expired`, `new` (a key was
    /// added) and `keymiss` (a read lookup found nothing). Commands publish the rest.
    fn notify_store_event(&self, db: usize, key: &[u8], change: Change) {
        let (class, event) = match change {
            Change::Expired => (keyspace_events::EXPIRED, "expired"),
            Change::Created => (keyspace_events::NEW, "new"),
            Change::Missed => (keyspace_events::KEY_MISS, "keymiss"),
            Change::Evicted => (keyspace_events::EVICTED, "evicted"),
            Change::Modified | Change::Deleted => return,
        };
        self.notifier.notify(class, event, key, db);
    }
}
