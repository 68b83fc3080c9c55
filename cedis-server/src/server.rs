//! The shared server state, the listener, start-up and shutdown.
//!
//! Concurrency model: one tokio task per connection on a multi-threaded runtime. Reading,
//! decoding, encoding and writing happen in parallel on all cores; only command execution
//! takes the keyspace lock ([`Server::lock_store`]), a `std::sync::Mutex` held for one
//! batch of pipelined commands and never across an `.await`. That gives Redis's guarantee
//! that every command (and batch) is atomic with respect to all other clients.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cedis_store::Store;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::client::{ClientRegistry, OutputLimit};
use crate::command::info::{CommandStatsTable, ErrorStats, Metrics};
use crate::command::latency::LatencyMonitor;
use crate::command::slowlog::SlowLog;
use crate::config::Config;
use crate::config::{CLIENT_CLASS_NORMAL, CLIENT_CLASS_PUBSUB};
use crate::connection;
use crate::logging::LogHandle;
use crate::monitor::Monitors;
use crate::notify::Notifier;
use crate::pause::ClientPause;
use crate::persistence::Persistence;
use crate::pubsub::PubSub;
use crate::signals::KeySignals;
use crate::tracking::Tracking;

/// Counters behind `INFO stats`.
#[derive(Debug, Default)]
pub struct Stats {
    pub commands_processed: AtomicU64,
    pub connections_received: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
    pub error_replies: AtomicU64,
    /// Per command: calls, time, rejected and failed calls, latency (`INFO commandstats`).
    pub commands: CommandStatsTable,
    /// Error replies by prefix (`INFO errorstats`).
    pub errors: ErrorStats,
    /// Instantaneous throughput, peak memory, expiry counters.
    pub metrics: Metrics,
}

impl Stats {
    pub fn note_command(&self) {
        self.commands_processed.fetch_add(1, Ordering::Relaxed);
    }

    /// `CONFIG RESETSTAT`.
    pub fn reset(&self) {
        for counter in [
            &self.commands_processed,
            &self.connections_received,
            &self.rejected_connections,
            &self.net_input_bytes,
            &self.net_output_bytes,
            &self.error_replies,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
        self.commands.reset();
        self.errors.reset();
        self.metrics.reset();
    }
}

/// How `SHUTDOWN` (or a signal) asked the server to stop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShutdownRequest {
    /// `SAVE` given: save even without save rules.
    pub save: bool,
    /// `NOSAVE` given: don't save even with save rules.
    pub nosave: bool,
}

/// Everything the connections share.
pub struct Server {
    config: RwLock<Config>,
    store: Mutex<Store>,
    pub clients: Arc<ClientRegistry>,
    /// `CLIENT TRACKING`: who caches which keys, and the invalidation messages.
    pub tracking: Arc<Tracking>,
    /// Save/load bookkeeping and the change counter behind the `save` rules.
    pub persistence: Arc<Persistence>,
    /// The append-only file.
    pub aof: Arc<crate::aof::Aof>,
    /// `DEBUG SET-SKIP-CHECKSUM-VALIDATION`: RESTORE decodes payloads with a wrong CRC.
    pub skip_dump_checksum: AtomicBool,
    pub pubsub: Arc<PubSub>,
    /// Keyspace notifications (publishing through `pubsub`).
    pub notifier: Arc<Notifier>,
    /// What reacts to key changes (the store's change hook calls it).
    pub signals: Arc<KeySignals>,
    pub stats: Stats,
    pub started: Instant,
    pub run_id: String,
    pub log: Option<LogHandle>,
    /// The port listened on (`INFO server`'s `tcp_port`).
    pub port: std::sync::atomic::AtomicU16,
    /// Whether `requirepass` is set: read once per connection instead of taking the config lock.
    auth_required: AtomicBool,
    shutdown: watch::Sender<Option<ShutdownRequest>>,
    /// Whether the cron's active expiry cycle runs (`DEBUG SET-ACTIVE-EXPIRE`).
    pub active_expire: AtomicBool,
    /// The replication id (`INFO replication`; `DEBUG CHANGE-REPL-ID` replaces it).
    repl_id: Mutex<String>,
    /// Unix time (s) of the last successful save (`LASTSAVE`); start-up time until one.
    pub lastsave: AtomicU64,
    /// `SLOWLOG`, with its thresholds cached from the config.
    pub slowlog: SlowLog,
    /// `LATENCY`'s event monitor, with its threshold cached from the config.
    pub latency: LatencyMonitor,
    /// Clients in MONITOR mode.
    pub monitors: Monitors,
    /// `CLIENT PAUSE`.
    pub pause: ClientPause,
    /// MIGRATE's cached connections to its targets.
    pub migrate: crate::command::migrate::MigrateCache,
    /// `maxmemory` and its eviction policy.
    pub eviction: crate::eviction::Eviction,
    /// The accept loops running now: replaced when CONFIG SET changes `port` or `bind`.
    accept_tasks: Mutex<Vec<tokio::task::AbortHandle>>,
    /// This server, for spawning accept loops from a command (set by [`serve`]).
    this: std::sync::OnceLock<std::sync::Weak<Server>>,
}

impl Server {
    pub fn new(config: Config, log: Option<LogHandle>) -> Server {
        let mut store = Store::new(config.databases);
        let eviction = crate::eviction::Eviction::new(&config);
        store.set_lfu(eviction.stamps());
        let pubsub = Arc::new(PubSub::default());
        let notifier = Arc::new(Notifier::new(Arc::clone(&pubsub)));
        notifier.set_flags(config.notify_keyspace_events);
        notifier.set_output_limit(output_limit(&config));
        let clients = Arc::new(ClientRegistry::default());
        let tracking = Arc::new(Tracking::new(Arc::clone(&clients)));
        tracking.set_max_keys(config.tracking_table_max_keys);
        let persistence = Arc::new(Persistence::default());
        let aof = Arc::new(crate::aof::Aof::new());
        aof.timestamps
            .store(config.aof_timestamp_enabled, Ordering::Relaxed);
        let signals = Arc::new(KeySignals::new(
            Arc::clone(&notifier),
            Arc::clone(&tracking),
            Arc::clone(&persistence),
            Arc::clone(&aof),
        ));
        let hook = Arc::clone(&signals);
        store.set_hook(Some(Arc::new(move |db, key: &[u8], change| {
            hook.on_change(db, key, change)
        })));
        crate::command::install_renames(&config.rename_commands);
        let auth_required = config.requirepass.is_some();
        let port = config.port;
        let slowlog = SlowLog::new(&config);
        let latency = LatencyMonitor::new(&config);
        Server {
            config: RwLock::new(config),
            store: Mutex::new(store),
            clients,
            tracking,
            persistence,
            aof,
            skip_dump_checksum: AtomicBool::new(false),
            pubsub,
            notifier,
            signals,
            stats: Stats::default(),
            started: Instant::now(),
            run_id: random_run_id(),
            log,
            port: std::sync::atomic::AtomicU16::new(port),
            auth_required: AtomicBool::new(auth_required),
            shutdown: watch::channel(None).0,
            active_expire: AtomicBool::new(true),
            repl_id: Mutex::new(random_run_id()),
            lastsave: AtomicU64::new(unix_ms() / 1000),
            slowlog,
            latency,
            monitors: Monitors::default(),
            pause: ClientPause::default(),
            migrate: Default::default(),
            eviction,
            accept_tasks: Mutex::new(Vec::new()),
            this: std::sync::OnceLock::new(),
        }
    }

    pub fn repl_id(&self) -> String {
        self.repl_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `DEBUG CHANGE-REPL-ID`.
    pub fn change_repl_id(&self) {
        *self.repl_id.lock().unwrap_or_else(|p| p.into_inner()) = random_run_id();
    }

    /// One tick of the server cron (`hz` times a second): throughput samples, the active
    /// expiry cycle (Redis's slow cycle: at most 25% of the tick, plus 2% per
    /// `active-expire-effort` step above 1), peak memory.
    pub fn cron_tick(&self, hz: u64) {
        self.stats.metrics.sample(&self.stats);
        let (effort, rehash) = {
            let config = self.config();
            (
                u64::from(config.active_expire_effort.clamp(1, 10)) - 1,
                config.activerehashing,
            )
        };
        self.eviction.cron_clients(self);
        let mut store = self.lock_store();
        // A CLIENT PAUSE that timed out lets expiry go on again.
        let paused = self.pause.current().is_some();
        if store.db(0).expiry_paused() != paused {
            store.set_expiry_paused(paused);
        }
        if self.active_expire.load(Ordering::Relaxed) {
            let budget_us = (25 + 2 * effort) * 1_000_000 / hz.max(1) / 100;
            let started = Instant::now();
            let now = store.now_ms();
            store.active_expire_cycle(now, budget_us);
            let spent = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            self.stats
                .metrics
                .expire_cycle_us
                .fetch_add(spent, Ordering::Relaxed);
        }
        if rehash {
            // Redis's `incrementallyRehash`: 1 ms on a database with a resize in progress.
            store.active_rehash(1000);
        }
        // An eviction cut short by its time budget goes on here too.
        self.eviction.perform(&mut store);
        self.migrate.close_idle();
        self.aof.end_unit();
        let auto_rewrite = self.aof.wants_auto_rewrite(&self.config());
        if auto_rewrite {
            tracing::info!("Starting automatic rewriting of AOF");
            self.aof.rewrite_scheduled.store(true, Ordering::Relaxed);
        }
        if self.aof.rewrite_scheduled.load(Ordering::Relaxed)
            && !store.snapshot_in_progress()
            && !self.aof.rewrite_in_progress.load(Ordering::SeqCst)
        {
            if let Err(err) = self.start_aof_rewrite(&mut store) {
                tracing::warn!("Can't start the scheduled AOF rewrite: {err}");
            }
        }
        self.auto_save(&mut store);
        // Keys the active cycle expired reach BCAST listeners now.
        self.tracking.enforce_limit();
        self.tracking.flush_broadcasts();
        let used = self.eviction.used_memory(&store);
        drop(store);
        self.aof.cron();
        self.stats.metrics.note_memory(used);
    }

    /// The keyspace. Poisoning is ignored: a panicking handler is reported to its client
    /// and the data it left is still the data every other client sees.
    pub fn lock_store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn config(&self) -> RwLockReadGuard<'_, Config> {
        self.config.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn config_mut(&self) -> RwLockWriteGuard<'_, Config> {
        self.config.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The output buffer limit of the Pub/Sub client class, for message deliveries.
    pub fn pubsub_output_limit(&self) -> OutputLimit {
        output_limit(&self.config())
    }

    /// Writes the dataset to `dbfilename` now (SAVE, SHUTDOWN, DEBUG RELOAD), with
    /// `store` locked by the caller for the whole write.
    pub fn save_now(&self, store: &Store) -> std::io::Result<()> {
        let (path, opts) = {
            let config = self.config();
            (
                crate::persistence::rdb_path(&config),
                crate::persistence::write_options(&config),
            )
        };
        let dirty = self.persistence.dirty.load(Ordering::Relaxed);
        let records = crate::persistence::UsageRecords::for_policy(&self.eviction);
        crate::persistence::save_store(store, &path, opts, records)?;
        self.persistence.saved(dirty);
        self.lastsave
            .store(crate::persistence::unix_secs(), Ordering::Relaxed);
        tracing::info!("DB saved on disk");
        Ok(())
    }

    /// Replaces the dataset with the RDB file's (DEBUG RELOAD), `store` being locked by
    /// the caller. Nothing is signalled per key. On failure the dataset is unchanged.
    pub fn load_rdb(&self, store: &mut Store) -> Result<(), crate::persistence::LoadError> {
        let databases = store.databases();
        let (mut fresh, report) = self.read_rdb_file(databases)?;
        self.install_loaded(store, &mut fresh, report);
        Ok(())
    }

    /// Reads `dbfilename` into a new store, without touching the served one (so start-up
    /// can serve `-LOADING` meanwhile). `INFO persistence` shows `loading:1` meanwhile.
    fn read_rdb_file(
        &self,
        databases: usize,
    ) -> Result<(Store, crate::persistence::LoadReport), crate::persistence::LoadError> {
        let (path, limits, delay) = {
            let config = self.config();
            let delay = u64::try_from(config.key_load_delay).unwrap_or(0);
            (
                crate::persistence::rdb_path(&config),
                crate::persistence::load_limits(&config),
                Duration::from_micros(delay),
            )
        };
        let started = Instant::now();
        self.persistence.loading.store(true, Ordering::SeqCst);
        let now = unix_ms();
        let stamps = self.eviction.stamps();
        let loaded = crate::persistence::load_file(&path, databases, &limits, now, delay, stamps);
        self.persistence.loading.store(false, Ordering::SeqCst);
        if let Err(crate::persistence::LoadError::Rdb(err)) = &loaded {
            crate::persistence::log_rdb_error(err);
        }
        if loaded.is_ok() {
            tracing::info!(
                "DB loaded from disk: {:.3} seconds",
                started.elapsed().as_secs_f64()
            );
        }
        loaded
    }

    fn install_loaded(
        &self,
        store: &mut Store,
        fresh: &mut Store,
        report: crate::persistence::LoadReport,
    ) {
        store.replace_contents(fresh);
        self.persistence
            .last_load_keys_loaded
            .store(report.keys, Ordering::Relaxed);
        self.persistence
            .last_load_keys_expired
            .store(report.expired, Ordering::Relaxed);
        if report.empty > 0 {
            tracing::warn!(
                "Done loading RDB, keys loaded: {}, keys expired: {}, empty keys skipped: {}.",
                report.keys,
                report.expired,
                report.empty
            );
        } else {
            tracing::info!(
                "Done loading RDB, keys loaded: {}, keys expired: {}.",
                report.keys,
                report.expired
            );
        }
    }

    /// This server as an `Arc`, for work that outlives a command (background saves).
    pub fn arc(&self) -> Option<Arc<Server>> {
        self.this.get().and_then(std::sync::Weak::upgrade)
    }

    /// BGREWRITEAOF (and a scheduled one from the cron), `store` locked by the caller.
    pub fn start_aof_rewrite(&self, store: &mut Store) -> Result<(), String> {
        let this = self
            .arc()
            .ok_or_else(|| "the server is not serving yet".to_string())?;
        self.aof.rewrite_scheduled.store(false, Ordering::SeqCst);
        crate::aof::start_rewrite(&this, store)
    }

    /// BGSAVE: starts writing a point-in-time snapshot of `store` (locked by the
    /// caller) from a background thread. No fork: the store keeps serving, and saves the
    /// old version of an entry about to change before it changes (see
    /// `cedis_store::snapshot`). The thread takes the lock for one short step at a time.
    pub fn start_bgsave(&self, store: &mut Store) -> Result<(), String> {
        let Some(this) = self.this.get().and_then(std::sync::Weak::upgrade) else {
            return Err("the server is not serving yet".to_string());
        };
        let start = store
            .begin_snapshot()
            .map_err(|_| "Background save already in progress".to_string())?;
        let (path, opts, delay) = {
            let config = self.config();
            (
                crate::persistence::rdb_path(&config),
                crate::persistence::write_options(&config),
                crate::persistence::key_save_delay(&config),
            )
        };
        let aux = crate::persistence::aux_fields(store.used_memory());
        let dirty = self.persistence.dirty.load(Ordering::Relaxed);
        self.persistence.bgsave_started();
        let mut job = self.persistence.start_job(delay);
        tracing::info!("Background saving started by pid {}", job.pid());
        let spawned = std::thread::Builder::new()
            .name("cedis-bgsave".to_string())
            .spawn(move || {
                let result =
                    crate::persistence::write_snapshot(&this, &path, opts, aux, &start, &mut job);
                match &result {
                    Ok(()) => {
                        this.persistence.saved(dirty);
                        this.lastsave
                            .store(crate::persistence::unix_secs(), Ordering::Relaxed);
                        tracing::info!("Background saving terminated with success");
                    }
                    Err(err) => {
                        let aborted = this.lock_store().abort_snapshot();
                        drop(aborted);
                        match crate::job::killed_by(err) {
                            Some(signal) => {
                                tracing::warn!("Background saving terminated by signal {signal}")
                            }
                            None => tracing::warn!("Background saving error: {err}"),
                        }
                    }
                }
                job.finish();
                this.persistence.bgsave_finished(result.is_ok());
            });
        if let Err(err) = spawned {
            drop(store.abort_snapshot());
            self.persistence.bgsave_finished(false);
            return Err(format!("Can't start the background save: {err}"));
        }
        Ok(())
    }

    /// The cron's side of the `save` rules: a BGSAVE once some rule's changes happened
    /// within its seconds (after a failed save, not before 5 seconds have passed).
    fn auto_save(&self, store: &mut Store) {
        if self.persistence.bgsave_in_progress() || self.persistence.loading.load(Ordering::Relaxed)
        {
            return;
        }
        let changes = self.persistence.changes_since_save();
        if changes == 0 {
            return;
        }
        let now = crate::persistence::unix_secs();
        let since_save = now.saturating_sub(self.lastsave.load(Ordering::Relaxed));
        let failed_recently = !self.persistence.last_bgsave_ok.load(Ordering::Relaxed)
            && now.saturating_sub(self.persistence.last_failed_save.load(Ordering::Relaxed)) < 5;
        if failed_recently {
            return;
        }
        let rule = self
            .config()
            .save
            .iter()
            .copied()
            .find(|&(seconds, needed)| changes >= needed && since_save >= seconds);
        if let Some((seconds, _)) = rule {
            tracing::info!("{changes} changes in {seconds} seconds. Saving...");
            if let Err(err) = self.start_bgsave(store) {
                tracing::warn!("Can't start an automatic save: {err}");
            }
        }
    }

    /// Whether start-up has something to load (clients get `-LOADING` until it is in):
    /// the AOF with `appendonly yes` (which it also creates), else the RDB file.
    pub fn has_rdb_to_load(&self) -> bool {
        let config = self.config();
        config.appendonly || crate::persistence::rdb_path(&config).exists()
    }

    /// Start-up: loads `dbfilename` (AOF off), while connections are already served
    /// with `-LOADING`. A file that exists but cannot be loaded stops the server, as in
    /// Redis.
    pub fn load_at_startup(self: &Arc<Self>) -> Result<(), String> {
        if self.config().appendonly {
            let loaded = crate::aof::load_at_startup(self);
            self.persistence.loading.store(false, Ordering::SeqCst);
            return loaded;
        }
        if !self.has_rdb_to_load() {
            return Ok(());
        }
        let databases = self.lock_store().databases();
        let (mut fresh, report) = self
            .read_rdb_file(databases)
            .map_err(|err| {
                format!(
                    "Fatal error loading the DB: {err}. Terminating server after rdb file reading failure."
                )
            })?;
        let mut store = self.lock_store();
        self.install_loaded(&mut store, &mut fresh, report);
        Ok(())
    }

    /// What SHUTDOWN (or SIGTERM/SIGINT) must do before stopping: save when asked to,
    /// or when `save` rules exist and NOSAVE was not given.
    pub fn save_before_shutdown(&self, request: ShutdownRequest) -> Result<(), String> {
        let rules = !self.config().save.is_empty();
        if request.nosave || !(request.save || rules) {
            self.aof.flush_all();
            return Ok(());
        }
        self.aof.flush_all();
        tracing::info!("Saving the final RDB snapshot before exiting.");
        let mut store = self.lock_store();
        if let Some(aborted) = self.persistence.cancel_job(&mut store) {
            tracing::warn!("There is a child saving an .rdb. Killing it!");
            drop(aborted);
        }
        self.save_now(&store).map_err(|err| {
            tracing::warn!("Error trying to save the DB, can't exit: {err}");
            "ERR Errors trying to SHUTDOWN. Check logs.".to_string()
        })
    }

    /// Listens on `port` at every `bind` address instead of where the server listens
    /// now (CONFIG SET port/bind). On failure nothing changes (the error is logged).
    pub fn relisten(&self, addresses: &[String], port: u16) -> Result<(), String> {
        let Some(this) = self.this.get().and_then(std::sync::Weak::upgrade) else {
            return Err("the server is not serving yet".to_string());
        };
        let listeners = bind_now(addresses, port)?;
        self.port.store(port, Ordering::Relaxed);
        let mut tasks = self.accept_tasks.lock().unwrap_or_else(|p| p.into_inner());
        for task in tasks.drain(..) {
            task.abort();
        }
        for listener in listeners {
            let task = tokio::spawn(accept_loop(Arc::clone(&this), listener));
            tasks.push(task.abort_handle());
        }
        Ok(())
    }

    /// The output buffer limit of normal clients (MONITOR lines are bounded by it).
    pub fn normal_output_limit(&self) -> OutputLimit {
        let limit = self.config().client_output_buffer_limit[CLIENT_CLASS_NORMAL];
        OutputLimit {
            hard: limit.hard,
            soft: limit.soft,
            soft_seconds: limit.soft_seconds,
        }
    }

    pub fn auth_required(&self) -> bool {
        self.auth_required.load(Ordering::Relaxed)
    }

    /// Applies the side effects of changed directives after `CONFIG SET`.
    pub fn config_changed(&self, names: &[&str]) {
        let config = self.config();
        for name in names {
            match *name {
                "requirepass" => self
                    .auth_required
                    .store(config.requirepass.is_some(), Ordering::Relaxed),
                "slowlog-log-slower-than" | "slowlog-max-len" => self.slowlog.configure(&config),
                "latency-monitor-threshold" => self.latency.configure(&config),
                "appendfsync" => self.aof.set_policy(&config),
                "aof-timestamp-enabled" => self
                    .aof
                    .timestamps
                    .store(config.aof_timestamp_enabled, Ordering::Relaxed),
                "aof-disable-auto-gc" if !config.aof_disable_auto_gc => {
                    self.aof.collect_history(&config);
                }
                "tracking-table-max-keys" => {
                    self.tracking.set_max_keys(config.tracking_table_max_keys);
                }
                "notify-keyspace-events" => {
                    self.notifier.set_flags(config.notify_keyspace_events);
                }
                "client-output-buffer-limit" => {
                    self.notifier.set_output_limit(output_limit(&config));
                }
                "loglevel" => {
                    if let Some(log) = &self.log {
                        log.set_level(config.loglevel);
                    }
                }
                _ => {}
            }
        }
    }

    /// Asks the server to shut down: stop accepting, let connections finish, exit.
    pub fn request_shutdown(&self, request: ShutdownRequest) {
        self.shutdown.send_replace(Some(request));
    }

    pub fn shutdown_requested(&self) -> watch::Receiver<Option<ShutdownRequest>> {
        self.shutdown.subscribe()
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }
}

/// The Pub/Sub class's `client-output-buffer-limit`.
fn output_limit(config: &Config) -> OutputLimit {
    let limit = config.client_output_buffer_limit[CLIENT_CLASS_PUBSUB];
    OutputLimit {
        hard: limit.hard,
        soft: limit.soft,
        soft_seconds: limit.soft_seconds,
    }
}

fn random_run_id() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..40)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Binds every `bind` address on `port`. A `-` prefix marks an address that may be
/// unavailable (Redis's `-::1`). Fails, as Redis does, when nothing could be bound.
pub async fn bind(addresses: &[String], port: u16) -> Result<Vec<TcpListener>, String> {
    let mut listeners = Vec::new();
    for address in addresses {
        let (optional, host) = match address.strip_prefix('-') {
            Some(host) => (true, host),
            None => (false, address.as_str()),
        };
        let host = if host == "*" { "0.0.0.0" } else { host };
        let host = if host == "::*" { "::" } else { host };
        let target = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        match TcpListener::bind(&target).await {
            Ok(listener) => listeners.push(listener),
            Err(err) if optional => {
                tracing::debug!("Skipping optional bind address {target}: {err}");
            }
            Err(err) => {
                tracing::warn!(
                    "Warning: Could not create server TCP listening socket {target}: bind: {err}"
                );
                return Err(format!("Failed listening on port {port} (TCP), aborting."));
            }
        }
    }
    if listeners.is_empty() {
        return Err(format!("Failed listening on port {port} (TCP), aborting."));
    }
    Ok(listeners)
}

/// [`bind`] without waiting, for a command: binds with the standard library and hands
/// the sockets to the runtime. Errors are CONFIG SET's reasons.
fn bind_now(addresses: &[String], port: u16) -> Result<Vec<TcpListener>, String> {
    let mut listeners = Vec::new();
    for address in addresses {
        let (optional, host) = match address.strip_prefix('-') {
            Some(host) => (true, host),
            None => (false, address.as_str()),
        };
        let host = match host {
            "*" => "0.0.0.0",
            "::*" => "::",
            host => host,
        };
        let target = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let bound = std::net::TcpListener::bind(&target).and_then(|listener| {
            listener.set_nonblocking(true)?;
            TcpListener::from_std(listener)
        });
        match bound {
            Ok(listener) => listeners.push(listener),
            Err(_) if optional => {}
            Err(err) => {
                tracing::warn!("Could not create server TCP listening socket {target}: {err}");
                return Err(err.to_string());
            }
        }
    }
    if listeners.is_empty() {
        return Err("no address could be bound".to_string());
    }
    Ok(listeners)
}

/// Accepts connections on every listener until shutdown, then waits (briefly) for the
/// connections to finish what they are doing.
pub async fn serve(server: Arc<Server>, listeners: Vec<TcpListener>) {
    let _ = server.this.set(Arc::downgrade(&server));
    let mut tasks = tokio::task::JoinSet::new();
    {
        let mut accepting = server
            .accept_tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        for listener in listeners {
            accepting.push(tokio::spawn(accept_loop(Arc::clone(&server), listener)).abort_handle());
        }
    }
    tasks.spawn(signal_watch(Arc::clone(&server)));
    tasks.spawn(cron(Arc::clone(&server)));
    let mut shutdown = server.shutdown_requested();
    let _ = shutdown.wait_for(Option::is_some).await;
    tasks.abort_all();
    for task in server
        .accept_tasks
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
    {
        task.abort();
    }
    server.clients.kill_all();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.clients.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn accept_loop(server: Arc<Server>, listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, addr)) => accept(&server, stream, addr),
            Err(err) => {
                tracing::warn!("Accepting client connection: {err}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// What a client from another host gets while `protected-mode` is on and no password
/// is set, before the connection is closed (Redis's text, word for word).
const PROTECTED_MODE_DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

fn accept(server: &Arc<Server>, stream: TcpStream, addr: SocketAddr) {
    server
        .stats
        .connections_received
        .fetch_add(1, Ordering::Relaxed);
    let (maxclients, keepalive, protected) = {
        let config = server.config();
        (
            config.maxclients,
            config.tcp_keepalive,
            config.protected_mode && config.requirepass.is_none(),
        )
    };
    if protected && !addr.ip().to_canonical().is_loopback() {
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let mut stream = stream;
            let _ = stream.write_all(PROTECTED_MODE_DENIED).await;
        });
        return;
    }
    let _ = stream.set_nodelay(true);
    if keepalive > 0 {
        let params = socket2::TcpKeepalive::new().with_time(Duration::from_secs(keepalive));
        let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&params);
    }
    if u64::try_from(server.clients.len()).unwrap_or(u64::MAX) >= maxclients {
        server
            .stats
            .rejected_connections
            .fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let mut stream = stream;
            let _ = stream
                .write_all(b"-ERR max number of clients reached\r\n")
                .await;
        });
        return;
    }
    let local = stream.local_addr().unwrap_or(addr);
    let handle = server.clients.register(addr, local);
    tracing::trace!("Accepted {addr}");
    tokio::spawn(connection::run(Arc::clone(server), stream, handle));
}

/// The server cron: [`Server::cron_tick`] `hz` times a second. A panic in a tick (a bug
/// in a lower layer) is logged and the cron goes on.
async fn cron(server: Arc<Server>) {
    let mut warned = false;
    loop {
        let hz = u64::from(server.config().hz.clamp(1, 500));
        tokio::time::sleep(Duration::from_micros(1_000_000 / hz)).await;
        let tick = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.cron_tick(hz)));
        if tick.is_err() {
            if !warned {
                tracing::warn!("The server cron panicked; it keeps running");
                warned = true;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

async fn signal_watch(server: Arc<Server>) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("Could not install signal handlers");
        return;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    tracing::warn!("Received {name} scheduling shutdown...");
    if server
        .save_before_shutdown(ShutdownRequest::default())
        .is_err()
    {
        return;
    }
    server.request_shutdown(ShutdownRequest::default());
}
