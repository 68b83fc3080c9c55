//! Clients: the private state of one connection ([`ClientState`]) and the shared part other
//! connections may look at or act on ([`ClientHandle`], held by the [`ClientRegistry`] for
//! `CLIENT LIST`, `CLIENT KILL` and `INFO clients`).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use cedis_resp::Protocol;
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

/// State only the connection's own task touches: no locks needed.
#[derive(Debug)]
pub struct ClientState {
    pub id: u64,
    pub db: usize,
    pub protocol: Protocol,
    pub authenticated: bool,
    pub reply_mode: ReplyMode,
    /// Set by QUIT, SHUTDOWN and protocol errors: flush the replies, then close.
    pub close_after_reply: bool,
    pub no_evict: bool,
    pub no_touch: bool,
    /// Commands queued since MULTI; `None` outside a transaction.
    pub transaction: Option<Vec<Vec<Bytes>>>,
    pub subscriptions: Subscriptions,
    pub handle: Arc<ClientHandle>,
}

/// Channels, patterns and shard channels a connection is subscribed to.
#[derive(Debug, Default)]
pub struct Subscriptions {
    pub channels: HashSet<Bytes>,
    pub patterns: HashSet<Bytes>,
    pub shard_channels: HashSet<Bytes>,
}

impl Subscriptions {
    /// Total subscriptions; a RESP2 connection with any is in subscribe mode.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len() + self.shard_channels.len()
    }

    pub fn clear(&mut self) {
        self.channels.clear();
        self.patterns.clear();
        self.shard_channels.clear();
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
            close_after_reply: false,
            no_evict: false,
            no_touch: false,
            transaction: None,
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
    killed: AtomicBool,
    kill_notify: Notify,
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

    /// One `CLIENT LIST` line (without the trailing newline), fields as in Redis 7.0.
    pub fn info_line(&self) -> String {
        let name = self.name().unwrap_or_default();
        let mut line = String::with_capacity(256);
        let qbuf = self.query_buffer.load(Ordering::Relaxed);
        let _ = write!(
            line,
            "id={} addr={} laddr={} fd=0 name={} age={} idle={} flags=N db={} sub=0 psub=0 ssub=0 \
             multi=-1 qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=0 \
             tot-mem={} events=r cmd={} user=default redir=-1 resp={}",
            self.id,
            self.addr,
            self.local_addr,
            String::from_utf8_lossy(&name),
            self.created.elapsed().as_secs(),
            self.idle_secs(),
            self.db.load(Ordering::Relaxed),
            qbuf,
            16384usize.saturating_sub(qbuf),
            16384 + qbuf,
            *lock(&self.last_command),
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
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let handle = Arc::new(ClientHandle {
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
            killed: AtomicBool::new(false),
            kill_notify: Notify::new(),
        });
        lock(&self.clients).insert(id, Arc::clone(&handle));
        handle
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
