//! Clients: the private state of one connection ([`ClientState`]) and the shared part other
//! connections may look at or act on ([`ClientHandle`], held by the [`ClientRegistry`] for
//! `CLIENT LIST`, `CLIENT KILL` and `INFO clients`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use cedis_resp::Protocol;

use crate::reply::Reply;
use tokio::sync::Notify;

/// `CLIENT REPLY` modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// Skip the reply of the next command only.
    SkipNext,
}

/// A blocking command's wait: the keys it waits on and when it gives up (`None`:
/// never).
#[derive(Debug, Clone)]
pub struct BlockRequest {
    pub keys: Vec<Bytes>,
    pub deadline: Option<Instant>,
}

/// State only the connection's own task touches: no locks needed.
#[derive(Debug)]
pub struct ClientState {
    pub id: u64,
    pub db: usize,
    pub protocol: Protocol,
    pub authenticated: bool,
    pub reply_mode: ReplyMode,
    /// The reply of the command running now is dropped (the command after `CLIENT REPLY
    /// SKIP`); `CLIENT REPLY ON` clears it.
    pub skip_current: bool,
    /// In MONITOR mode: sees every command; may not touch the keyspace.
    pub monitor: bool,
    /// The client replaying the AOF at start-up: runs while loading, is never logged.
    pub aof_loader: bool,
    /// `CLIENT TRACKING` options while tracking is on (the table in
    /// [`crate::tracking`] is the authority; this copy spares it a lock per command).
    pub tracking: Option<crate::tracking::TrackingMode>,
    /// `CLIENT CACHING yes|no`: applies to the next command only.
    pub caching: Option<bool>,
    /// Set by QUIT, SHUTDOWN and protocol errors: flush the replies, then close.
    pub close_after_reply: bool,
    pub no_evict: bool,
    pub no_touch: bool,
    /// Commands queued since MULTI; `None` outside a transaction.
    pub transaction: Option<Vec<Vec<Bytes>>>,
    /// A command was refused while queuing: EXEC will abort.
    pub transaction_failed: bool,
    /// Set by a blocking command that found nothing to serve: the connection registers
    /// the wait and stops running commands until it is served or times out.
    pub blocked: Option<BlockRequest>,
    /// Keys this client WATCHes, with their database (the signal table knows the rest).
    pub watched: Vec<(usize, Bytes)>,
    pub subscriptions: Subscriptions,
    pub handle: Arc<ClientHandle>,
}

/// Names in the order they were added, with constant-time membership (the order in which
/// an UNSUBSCRIBE without arguments confirms them).
#[derive(Debug, Default)]
pub struct OrderedNames {
    order: BTreeMap<u64, Bytes>,
    index: HashMap<Bytes, u64>,
    next: u64,
}

impl OrderedNames {
    /// Adds `name`; false when already present.
    pub fn insert(&mut self, name: &Bytes) -> bool {
        if self.index.contains_key(name) {
            return false;
        }
        self.next += 1;
        self.index.insert(name.clone(), self.next);
        self.order.insert(self.next, name.clone());
        true
    }

    pub fn remove(&mut self, name: &[u8]) -> bool {
        match self.index.remove(name) {
            Some(seq) => {
                self.order.remove(&seq);
                true
            }
            None => false,
        }
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.index.contains_key(name)
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The names, oldest first.
    pub fn names(&self) -> Vec<Bytes> {
        self.order.values().cloned().collect()
    }
}

/// Channels, patterns and shard channels a connection is subscribed to.
#[derive(Debug, Default)]
pub struct Subscriptions {
    pub channels: OrderedNames,
    pub patterns: OrderedNames,
    pub shard_channels: OrderedNames,
}

impl Subscriptions {
    /// Total subscriptions; a RESP2 connection with any is in subscribe mode.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len() + self.shard_channels.len()
    }

    /// The count SUBSCRIBE/PSUBSCRIBE (and their UNSUBSCRIBEs) confirm with: channels
    /// and patterns, not shard channels (SSUBSCRIBE counts those alone).
    pub fn channels_and_patterns(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }
}

impl ClientState {
    pub fn new(handle: Arc<ClientHandle>, authenticated: bool) -> Self {
        ClientState {
            id: handle.id,
            db: 0,
            protocol: Protocol::Resp2,
            authenticated,
            reply_mode: ReplyMode::On,
            skip_current: false,
            monitor: false,
            aof_loader: false,
            tracking: None,
            caching: None,
            close_after_reply: false,
            no_evict: false,
            no_touch: false,
            transaction: None,
            transaction_failed: false,
            blocked: None,
            watched: Vec::new(),
            subscriptions: Subscriptions::default(),
            handle,
        }
    }

    /// Records the command for `CLIENT LIST`'s `cmd=` and `idle=` fields.
    pub fn note_command(&self, name: &'static str) {
        if let Ok(mut last) = self.handle.last_command.lock() {
            *last = name;
        }
    }

    pub fn select(&mut self, db: usize) {
        self.db = db;
        self.handle.db.store(db, Ordering::Relaxed);
    }

    pub fn set_protocol(&mut self, protocol: Protocol) {
        self.protocol = protocol;
        let resp = match protocol {
            Protocol::Resp2 => 2,
            Protocol::Resp3 => 3,
        };
        self.handle.resp.store(resp, Ordering::Relaxed);
        self.handle.set_outbox_protocol(protocol);
    }

    /// Mirrors the subscription counts into the handle for `CLIENT LIST`.
    pub fn publish_sub_counts(&self) {
        let subs = &self.subscriptions;
        for (slot, count) in self.handle.sub_counts.iter().zip([
            subs.channels.len(),
            subs.patterns.len(),
            subs.shard_channels.len(),
        ]) {
            slot.store(count, Ordering::Relaxed);
        }
    }

    /// Whether the RESP2 subscribe mode restricts the commands this client may run.
    pub fn in_resp2_subscribe_mode(&self) -> bool {
        self.protocol == Protocol::Resp2 && self.subscriptions.count() > 0
    }
}

/// The part of a client other connections can see.
#[derive(Debug)]
pub struct ClientHandle {
    pub id: u64,
    pub addr: SocketAddr,
    pub local_addr: SocketAddr,
    pub created: Instant,
    /// Milliseconds since `created` of the last command or read.
    last_interaction_ms: AtomicU64,
    pub name: Mutex<Option<Bytes>>,
    pub lib_name: Mutex<Option<Bytes>>,
    pub lib_version: Mutex<Option<Bytes>>,
    pub db: AtomicUsize,
    pub resp: AtomicU8,
    pub last_command: Mutex<&'static str>,
    /// Bytes waiting in the query buffer, for `qbuf=`.
    pub query_buffer: AtomicUsize,
    /// Bytes of arguments already read of an incomplete command (`argv-mem=`).
    pub pending_args: AtomicUsize,
    /// Bytes of replies the connection is writing to its socket now (a client that
    /// does not read keeps them waiting).
    pub reply_pending: AtomicUsize,
    killed: AtomicBool,
    kill_notify: Notify,
    /// Bytes other connections produced for this one (Pub/Sub messages, the reply of a
    /// blocked command served by another client's push, MONITOR lines), written by the
    /// connection's task after its own replies. See [`ClientHandle::deliver`].
    outbox: Mutex<Outbox>,
    outbox_notify: Notify,
    /// `sub=`, `psub=`, `ssub=` of `CLIENT LIST` (the connection's own counts, mirrored).
    pub sub_counts: [AtomicUsize; 3],
    /// A WATCHed key changed: the next EXEC fails.
    watch_dirty: AtomicBool,
    /// `multi=` of `CLIENT LIST`: commands queued, -1 outside MULTI.
    pub multi: AtomicI64,
    /// The blocked command was answered by someone else (served, or CLIENT UNBLOCK):
    /// its reply is in the outbox.
    unblocked: AtomicBool,
    /// Flags other connections show in `CLIENT LIST` (see [`ClientHandle::flags`]).
    pub monitor: AtomicBool,
    /// Waiting in a blocking command or held by CLIENT PAUSE (`b`).
    pub blocked: AtomicBool,
    /// `CLIENT NO-EVICT on` (`e`).
    pub no_evict: AtomicBool,
    /// [`TRACKING_ON`], [`TRACKING_BROKEN`], [`TRACKING_BCAST`] bits (`t`, `R`, `B`).
    tracking: AtomicU8,
    /// `redir=` of `CLIENT LIST`: -1 without tracking, 0 without a redirect.
    tracking_redirect: AtomicI64,
}

/// Tracking is on (`t` in `CLIENT LIST`).
pub const TRACKING_ON: u8 = 1;
/// The redirect target went away (`R`).
pub const TRACKING_BROKEN: u8 = 2;
/// BCAST mode (`B`).
pub const TRACKING_BCAST: u8 = 4;

/// Output waiting in a [`ClientHandle`]'s outbox, with what the output buffer limits need.
#[derive(Debug, Default)]
struct Outbox {
    reply: Reply,
    /// Bytes taken out and being written to the socket right now (still "in the buffer"
    /// as far as the limits go: a client that does not read keeps them there).
    in_flight: usize,
    /// When the soft limit was first exceeded without a break.
    over_soft_since: Option<Instant>,
}

/// An output buffer limit to enforce on a delivery (`client-output-buffer-limit`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: u64,
}

impl ClientHandle {
    pub fn touch(&self) {
        let ms = u64::try_from(self.created.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_interaction_ms.store(ms, Ordering::Relaxed);
    }

    pub fn idle_secs(&self) -> u64 {
        let now = u64::try_from(self.created.elapsed().as_millis()).unwrap_or(u64::MAX);
        now.saturating_sub(self.last_interaction_ms.load(Ordering::Relaxed)) / 1000
    }

    /// Asks the connection to close after what it is doing now.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        self.kill_notify.notify_one();
    }

    pub fn is_killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }

    /// Resolves once [`ClientHandle::kill`] has been called.
    pub async fn killed(&self) {
        while !self.is_killed() {
            self.kill_notify.notified().await;
        }
    }

    pub fn name(&self) -> Option<Bytes> {
        lock(&self.name).clone()
    }

    /// A key this client WATCHes was changed.
    pub fn mark_watch_dirty(&self) {
        self.watch_dirty.store(true, Ordering::Relaxed);
    }

    /// Whether a WATCHed key changed since the flag was last cleared.
    pub fn watch_dirty(&self) -> bool {
        self.watch_dirty.load(Ordering::Relaxed)
    }

    pub fn clear_watch_dirty(&self) {
        self.watch_dirty.store(false, Ordering::Relaxed);
    }

    /// Writes output for this client from elsewhere (another connection, the server) and
    /// wakes its connection task. `write` encodes in the client's protocol. When the
    /// pending output then exceeds `limit` (the hard limit, or the soft one for longer
    /// than its seconds), the client is killed and its pending output dropped, so a
    /// consumer that does not read cannot make the server's memory grow without bound.
    /// False when the client was killed (now or before).
    pub fn deliver(&self, limit: OutputLimit, write: impl FnOnce(&mut Reply)) -> bool {
        if self.is_killed() {
            return false;
        }
        let mut outbox = lock(&self.outbox);
        write(&mut outbox.reply);
        let pending = u64::try_from(outbox.reply.len() + outbox.in_flight).unwrap_or(u64::MAX);
        let over_hard = limit.hard > 0 && pending >= limit.hard;
        let over_soft = limit.soft > 0 && pending >= limit.soft;
        let soft_expired = if over_soft {
            let since = *outbox.over_soft_since.get_or_insert_with(Instant::now);
            since.elapsed().as_secs() >= limit.soft_seconds
        } else {
            outbox.over_soft_since = None;
            false
        };
        if over_hard || soft_expired {
            outbox.reply.truncate(0);
            drop(outbox);
            tracing::warn!(
                "Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer limits.",
                self.id,
                self.addr
            );
            self.kill();
            return false;
        }
        drop(outbox);
        self.outbox_notify.notify_one();
        true
    }

    /// Answers this client's blocked command from elsewhere: `write` puts the reply in
    /// the outbox, and the connection, waiting, resumes.
    pub fn deliver_unblock(&self, write: impl FnOnce(&mut Reply)) {
        self.deliver(OutputLimit::default(), write);
        self.unblocked.store(true, Ordering::SeqCst);
        self.outbox_notify.notify_one();
    }

    /// Whether the blocked command was answered elsewhere (clears the flag).
    pub fn take_unblocked(&self) -> bool {
        self.unblocked.swap(false, Ordering::SeqCst)
    }

    /// Resolves when [`ClientHandle::deliver`] has written something since the last
    /// [`ClientHandle::take_outbox`].
    pub async fn outbox_ready(&self) {
        self.outbox_notify.notified().await;
    }

    /// Takes the pending output for writing; call [`ClientHandle::written`] with its
    /// length once written.
    pub fn take_outbox(&self) -> BytesMut {
        let mut outbox = lock(&self.outbox);
        let bytes = outbox.reply.buffer_mut().split();
        outbox.in_flight += bytes.len();
        bytes
    }

    pub fn written(&self, len: usize) {
        let mut outbox = lock(&self.outbox);
        outbox.in_flight = outbox.in_flight.saturating_sub(len);
    }

    /// Bytes pending in the outbox (`omem=` of `CLIENT LIST`).
    pub fn outbox_len(&self) -> usize {
        let outbox = lock(&self.outbox);
        outbox.reply.len() + outbox.in_flight
    }

    /// Keeps outbox encoding in step with the connection's protocol (HELLO, RESET).
    fn set_outbox_protocol(&self, protocol: Protocol) {
        lock(&self.outbox).reply.set_protocol(protocol);
    }

    /// Mirrors the tracking state for `CLIENT LIST` (`flags` bits, `redir=`).
    pub fn set_tracking(&self, flags: u8, redirect: i64) {
        self.tracking.store(flags, Ordering::Relaxed);
        self.tracking_redirect.store(redirect, Ordering::Relaxed);
    }

    /// Whether the client has any subscription (`CLIENT LIST TYPE pubsub`).
    pub fn is_subscriber(&self) -> bool {
        self.sub_counts
            .iter()
            .any(|c| c.load(Ordering::Relaxed) > 0)
    }

    /// `flags=` of `CLIENT LIST`, letters in Redis's order: `O` monitor, `P` subscriber,
    /// `x` in MULTI, `b` blocked, `t` tracking, `R` broken tracking redirect, `B` BCAST
    /// tracking, `d` a WATCHed key changed, `e` no-evict; `N` for none.
    fn flags(&self) -> String {
        let mut flags = String::new();
        let relaxed = Ordering::Relaxed;
        let set = [
            ('O', self.monitor.load(relaxed)),
            ('P', self.is_subscriber()),
            ('x', self.multi.load(relaxed) >= 0),
            ('b', self.blocked.load(relaxed)),
            ('t', self.tracking.load(relaxed) & TRACKING_ON != 0),
            ('R', self.tracking.load(relaxed) & TRACKING_BROKEN != 0),
            ('B', self.tracking.load(relaxed) & TRACKING_BCAST != 0),
            ('d', self.watch_dirty()),
            ('e', self.no_evict.load(relaxed)),
        ];
        flags.extend(set.iter().filter(|(_, on)| *on).map(|(c, _)| *c));
        if flags.is_empty() {
            flags.push('N');
        }
        flags
    }

    /// One `CLIENT LIST` line (without the trailing newline), fields as in Redis 7.0.
    pub fn info_line(&self) -> String {
        let name = self.name().unwrap_or_default();
        let mut line = String::with_capacity(256);
        let qbuf = self.query_buffer.load(Ordering::Relaxed);
        let _ = write!(
            line,
            "id={} addr={} laddr={} fd=0 name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} \
             multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem={} \
             tot-mem={} events=r cmd={} user=default redir={} resp={}",
            self.id,
            self.addr,
            self.local_addr,
            String::from_utf8_lossy(&name),
            self.created.elapsed().as_secs(),
            self.idle_secs(),
            self.flags(),
            self.db.load(Ordering::Relaxed),
            self.sub_counts[0].load(Ordering::Relaxed),
            self.sub_counts[1].load(Ordering::Relaxed),
            self.sub_counts[2].load(Ordering::Relaxed),
            self.multi.load(Ordering::Relaxed),
            qbuf,
            16384usize.saturating_sub(qbuf),
            self.outbox_len(),
            16384 + qbuf + self.outbox_len(),
            *lock(&self.last_command),
            self.tracking_redirect.load(Ordering::Relaxed),
            self.resp.load(Ordering::Relaxed),
        );
        line
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every connected client, by id.
#[derive(Debug, Default)]
pub struct ClientRegistry {
    clients: Mutex<BTreeMap<u64, Arc<ClientHandle>>>,
    next_id: AtomicU64,
}

impl ClientRegistry {
    /// Registers a new connection; ids start at 1 and are never reused.
    pub fn register(&self, addr: SocketAddr, local_addr: SocketAddr) -> Arc<ClientHandle> {
        let handle = self.register_detached(addr, local_addr);
        lock(&self.clients).insert(handle.id, Arc::clone(&handle));
        handle
    }

    /// A client handle with a fresh id that is not listed (CLIENT LIST, KILL): the
    /// server's own clients, such as the one replaying the AOF.
    pub fn register_detached(&self, addr: SocketAddr, local_addr: SocketAddr) -> Arc<ClientHandle> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        Arc::new(ClientHandle {
            id,
            addr,
            local_addr,
            created: Instant::now(),
            last_interaction_ms: AtomicU64::new(0),
            name: Mutex::new(None),
            lib_name: Mutex::new(None),
            lib_version: Mutex::new(None),
            db: AtomicUsize::new(0),
            resp: AtomicU8::new(2),
            last_command: Mutex::new("NULL"),
            query_buffer: AtomicUsize::new(0),
            pending_args: AtomicUsize::new(0),
            reply_pending: AtomicUsize::new(0),
            killed: AtomicBool::new(false),
            kill_notify: Notify::new(),
            outbox: Mutex::new(Outbox::default()),
            outbox_notify: Notify::new(),
            sub_counts: Default::default(),
            watch_dirty: AtomicBool::new(false),
            multi: AtomicI64::new(-1),
            unblocked: AtomicBool::new(false),
            monitor: AtomicBool::new(false),
            blocked: AtomicBool::new(false),
            no_evict: AtomicBool::new(false),
            tracking: AtomicU8::new(0),
            tracking_redirect: AtomicI64::new(-1),
        })
    }

    pub fn unregister(&self, id: u64) {
        lock(&self.clients).remove(&id);
    }

    pub fn len(&self) -> usize {
        lock(&self.clients).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A snapshot of all clients, in id order.
    pub fn all(&self) -> Vec<Arc<ClientHandle>> {
        lock(&self.clients).values().cloned().collect()
    }

    pub fn get(&self, id: u64) -> Option<Arc<ClientHandle>> {
        lock(&self.clients).get(&id).cloned()
    }

    /// Asks every connection to close (server shutdown).
    pub fn kill_all(&self) {
        for client in self.all() {
            client.kill();
        }
    }
}
