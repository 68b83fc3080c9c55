//! RDB persistence as the server uses it: SAVE, loading at start-up and on DEBUG RELOAD,
//! the counters `INFO persistence` reports, and the change counter the `save` rules
//! compare against. The file format itself is `cedis-persist`'s.
//!
//! A file is always written to a temp file (`temp-<pid>.rdb`) in the same directory, flushed, fsynced
//! and then renamed over `dbfilename` (and the directory fsynced), so a crash in the
//! middle of a save leaves the previous snapshot intact.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use cedis_persist::{AuxFields, KeyUsage, LoadLimits, RdbError, RdbSink, RdbWriter, WriteOptions};
use cedis_store::{Store, Ttl};

use crate::config::Config;

/// Save and load bookkeeping (`INFO persistence`).
#[derive(Debug)]
pub struct Persistence {
    /// Changes to the dataset since start-up (Redis's `dirty`), counted by the change
    /// hook; `rdb_changes_since_last_save` is the difference from `dirty_at_save`.
    pub dirty: AtomicU64,
    dirty_at_save: AtomicU64,
    /// A BGSAVE is running.
    pub bgsave_in_progress: AtomicBool,
    /// `BGSAVE SCHEDULE` asked for one to start when the running rewrite/save ends.
    pub bgsave_scheduled: AtomicBool,
    bgsave_started: std::sync::Mutex<Option<Instant>>,
    pub last_bgsave_ok: AtomicBool,
    /// Duration of the last BGSAVE in seconds, -1 before the first.
    pub last_bgsave_secs: AtomicI64,
    /// When the last save failed (Unix s), to wait before retrying automatic saves.
    pub last_failed_save: AtomicU64,
    pub saves: AtomicU64,
    /// Start-up or DEBUG RELOAD is loading a file.
    pub loading: AtomicBool,
    pub last_load_keys_loaded: AtomicU64,
    pub last_load_keys_expired: AtomicU64,
    /// Background jobs started (`total_forks`; see [`crate::job`]) and how long the
    /// last one's process took to start (`latest_fork_usec`).
    pub total_forks: AtomicU64,
    pub latest_fork_usec: AtomicU64,
    /// Background jobs cancelled from outside (FLUSHALL, SHUTDOWN, DEBUG RELOAD,
    /// `appendonly no`); a job sleeping between keys wakes up when it moves.
    cancelled_jobs: AtomicU64,
}

impl Default for Persistence {
    fn default() -> Self {
        Persistence {
            dirty: AtomicU64::new(0),
            dirty_at_save: AtomicU64::new(0),
            bgsave_in_progress: AtomicBool::new(false),
            bgsave_scheduled: AtomicBool::new(false),
            bgsave_started: std::sync::Mutex::new(None),
            last_bgsave_ok: AtomicBool::new(true),
            last_bgsave_secs: AtomicI64::new(-1),
            last_failed_save: AtomicU64::new(0),
            saves: AtomicU64::new(0),
            loading: AtomicBool::new(false),
            last_load_keys_loaded: AtomicU64::new(0),
            last_load_keys_expired: AtomicU64::new(0),
            total_forks: AtomicU64::new(0),
            latest_fork_usec: AtomicU64::new(0),
            cancelled_jobs: AtomicU64::new(0),
        }
    }
}

impl Persistence {
    /// Starts a background job's process (see [`crate::job`]) and counts it.
    pub fn start_job(&self, delay: std::time::Duration) -> crate::job::Job {
        let job = crate::job::Job::start(delay);
        self.total_forks.fetch_add(1, Ordering::Relaxed);
        self.latest_fork_usec.store(job.spawn_us, Ordering::Relaxed);
        job
    }

    /// Cancels the running background job (BGSAVE or AOF rewrite) by aborting its
    /// snapshot of `store`. What the snapshot held comes back, for the caller to drop
    /// once the keyspace lock is released.
    pub fn cancel_job(&self, store: &mut Store) -> Option<cedis_store::AbortedSnapshot> {
        self.cancelled_jobs.fetch_add(1, Ordering::SeqCst);
        store.abort_snapshot()
    }

    pub fn bgsave_in_progress(&self) -> bool {
        self.bgsave_in_progress.load(Ordering::SeqCst)
    }

    pub fn note_change(&self, count: u64) {
        self.dirty.fetch_add(count, Ordering::Relaxed);
    }

    /// `rdb_changes_since_last_save`.
    pub fn changes_since_save(&self) -> u64 {
        self.dirty
            .load(Ordering::Relaxed)
            .saturating_sub(self.dirty_at_save.load(Ordering::Relaxed))
    }

    /// The dataset was just loaded from disk: it has no unsaved changes (Redis resets
    /// `dirty` after loading the AOF).
    pub fn forget_changes(&self) {
        self.dirty_at_save
            .store(self.dirty.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// A save that captured the dataset as of `dirty` changes succeeded.
    pub fn saved(&self, dirty: u64) {
        self.dirty_at_save.store(dirty, Ordering::Relaxed);
        self.saves.fetch_add(1, Ordering::Relaxed);
    }

    pub fn bgsave_started(&self) {
        *self
            .bgsave_started
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        self.bgsave_in_progress.store(true, Ordering::SeqCst);
    }

    pub fn bgsave_finished(&self, ok: bool) {
        let started = self
            .bgsave_started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let secs = started.map_or(0, |at| at.elapsed().as_secs());
        self.last_bgsave_secs
            .store(i64::try_from(secs).unwrap_or(i64::MAX), Ordering::Relaxed);
        self.last_bgsave_ok.store(ok, Ordering::Relaxed);
        if !ok {
            self.last_failed_save.store(unix_secs(), Ordering::Relaxed);
        }
        self.bgsave_in_progress.store(false, Ordering::SeqCst);
    }

    /// Seconds the running BGSAVE has taken so far, -1 when none runs.
    pub fn current_bgsave_secs(&self) -> i64 {
        self.bgsave_started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map_or(-1, |at| {
                i64::try_from(at.elapsed().as_secs()).unwrap_or(i64::MAX)
            })
    }
}

/// Where `dbfilename` lives (the process already runs in `dir`).
pub fn rdb_path(config: &Config) -> PathBuf {
    PathBuf::from(&config.dbfilename)
}

/// How values are written, from the configuration.
pub fn write_options(config: &Config) -> WriteOptions {
    WriteOptions {
        compression: config.rdbcompression,
        list_max_listpack_size: config.list_max_listpack_size,
        ..WriteOptions::default()
    }
}

/// The encoding thresholds loaded values get, from the configuration.
pub fn load_limits(config: &Config) -> LoadLimits {
    let clamp = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    LoadLimits {
        hash: cedis_types::hash::Limits {
            max_entries: config.hash_max_listpack_entries,
            max_value: config.hash_max_listpack_value,
        },
        set_max_intset_entries: clamp(config.set_max_intset_entries),
        zset_max_listpack_entries: clamp(config.zset_max_listpack_entries),
        zset_max_listpack_value: clamp(config.zset_max_listpack_value),
    }
}

/// The AUX fields of a file written now.
pub fn aux_fields(used_memory: usize) -> AuxFields {
    AuxFields {
        ctime: i64::try_from(unix_secs()).unwrap_or(i64::MAX),
        used_mem: u64::try_from(used_memory).unwrap_or(u64::MAX),
        ..AuxFields::default()
    }
}

/// What a save records of each key's use, as Redis does: `IDLE` records under an LRU
/// policy, `FREQ` records under an LFU one, nothing otherwise; read from the keys' stamps.
#[derive(Clone, Copy, Debug)]
pub enum UsageRecords {
    None,
    Idle,
    Freq(cedis_store::eviction::Lfu),
}

impl UsageRecords {
    pub fn for_policy(eviction: &crate::eviction::Eviction) -> UsageRecords {
        let policy = eviction.policy();
        if policy.is_lfu() {
            UsageRecords::Freq(eviction.lfu())
        } else if policy.is_lru() {
            UsageRecords::Idle
        } else {
            UsageRecords::None
        }
    }

    fn of(self, stamp: u32, now_ms: u64) -> KeyUsage {
        match self {
            UsageRecords::None => KeyUsage::None,
            UsageRecords::Idle => {
                KeyUsage::IdleSeconds(cedis_store::keyspace::lru_idle_ms(stamp, now_ms) / 1000)
            }
            UsageRecords::Freq(lfu) => {
                KeyUsage::Frequency(cedis_store::eviction::lfu_counter(stamp, now_ms, lfu))
            }
        }
    }
}

/// Writes the whole store to `path` (SAVE, SHUTDOWN, DEBUG RELOAD): temp file, fsync,
/// rename. Holds whatever lock the caller holds for the whole write.
pub fn save_store(
    store: &Store,
    path: &Path,
    opts: WriteOptions,
    records: UsageRecords,
) -> std::io::Result<()> {
    let now = crate::server::unix_ms();
    let temp = format!("temp-{}.rdb", std::process::id());
    write_atomically(path, &temp, |out| {
        let mut writer = RdbWriter::new(out, opts)?;
        writer.aux_fields(&aux_fields(store.used_memory()))?;
        for (index, db) in store.dbs().iter().enumerate() {
            if db.is_empty() {
                continue;
            }
            writer.select_db(index as u64, db.len() as u64, db.expires_len() as u64)?;
            let mut failed = None;
            // Every stored key, expired or not, as Redis writes it (the loader drops the
            // expired ones and counts them in `rdb_last_load_keys_expired`).
            db.for_each_entry(0, |key, entry, deadline| {
                if failed.is_none() {
                    let usage = records.of(entry.lru, now);
                    if let Err(err) = writer.entry_with_usage(key, &entry.value, deadline, usage) {
                        failed = Some(err);
                    }
                }
            });
            if let Some(err) = failed {
                return Err(err);
            }
        }
        writer.finish()?;
        Ok(())
    })
}

/// Writes a file through `fill` into `temp_name` beside `path`, then makes it `path`
/// only once it is complete and on disk.
pub fn write_atomically(
    path: &Path,
    temp_name: &str,
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = dir.join(temp_name);
    let result = (|| {
        let mut out = BufWriter::with_capacity(64 * 1024, File::create(&temp)?);
        fill(&mut out)?;
        out.flush()?;
        let file = out.into_inner().map_err(|err| err.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        if let Ok(dir) = File::open(&dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// What a load found.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadReport {
    pub keys: u64,
    pub expired: u64,
    pub skipped: u64,
    /// Empty collections left out (Redis never writes them; a corrupt file may).
    pub empty: u64,
}

/// Why a file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Rdb(#[from] RdbError),
    #[error("Can't open the RDB file {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("FATAL: Data file was created with a Redis server configured to handle more than {0} databases. Exiting")]
    TooManyDatabases(usize),
}

/// Fills a fresh store.
struct StoreSink<'a> {
    store: &'a mut Store,
    now_ms: u64,
    report: LoadReport,
    /// A key in a database this server does not have.
    bad_db: bool,
    /// `key-load-delay`: a pause after each key (tests use it to watch a slow load).
    key_delay: std::time::Duration,
}

impl RdbSink for StoreSink<'_> {
    fn entry(&mut self, entry: cedis_persist::Entry) {
        let Some(db) = usize::try_from(entry.db)
            .ok()
            .filter(|&db| db < self.store.databases())
        else {
            self.bad_db = true;
            return;
        };
        // Keys already expired are not loaded (a master's behaviour).
        if entry.expire_ms.is_some_and(|at| at < self.now_ms) {
            self.report.expired += 1;
            return;
        }
        let ttl = entry.expire_ms.map_or(Ttl::Clear, Ttl::At);
        let keyspace = self.store.db(db);
        keyspace.set(&entry.key, entry.value, ttl, self.now_ms);
        // Each applies only when the stamps hold what it sets (LRU clock or LFU counter).
        if let Some(idle) = entry.idle_s {
            keyspace.set_idle_time(&entry.key, idle, self.now_ms);
        }
        if let Some(freq) = entry.freq {
            keyspace.set_lfu_freq(&entry.key, freq, self.now_ms);
        }
        self.report.keys += 1;
        if !self.key_delay.is_zero() {
            std::thread::sleep(self.key_delay);
        }
    }

    fn skipped(&mut self, db: u64, key: Option<&[u8]>, reason: &str) {
        self.report.skipped += 1;
        match key {
            Some(key) if reason == "empty collection" => {
                self.report.empty += 1;
                tracing::warn!(
                    "rdbLoadObject skipping empty key: {}",
                    String::from_utf8_lossy(key)
                );
            }
            Some(key) => tracing::warn!(
                "Skipping key '{}' in db {db} while loading: {reason}",
                String::from_utf8_lossy(key)
            ),
            None => tracing::warn!("Skipping while loading: {reason}"),
        }
    }
}

/// Logs what was wrong with an RDB file that failed to load, in the shape of the
/// report Redis logs (that of `redis-check-rdb`): where, what, and in which key.
pub fn log_rdb_error(err: &RdbError) {
    let what = err.integrity_failure(None).unwrap_or_else(|| {
        err.corrupt_kind()
            .map_or_else(|| err.to_string(), ToString::to_string)
    });
    let offset = err.offset();
    tracing::warn!("Internal error in RDB reading offset {offset} -> {what}");
    tracing::warn!("--- RDB ERROR DETECTED ---");
    tracing::warn!("[offset {offset}] {what}");
    if let Some(cedis_persist::Corrupt::InKey { ty, key, .. }) = err.corrupt_kind_outer() {
        tracing::warn!("[additional info] Reading key '{key}'");
        tracing::warn!("[additional info] Reading type {ty}");
    }
}

/// Reads an RDB file into a new store with `databases` databases (nothing is signalled:
/// the caller swaps it in with [`Store::replace_contents`]). `stamps` is what the running
/// policy keeps in each key's stamp, so loaded keys get LFU counters under an LFU policy,
/// and a file's IDLE/FREQ records (written by Redis under an LRU/LFU policy) apply.
pub fn load_file(
    path: &Path,
    databases: usize,
    limits: &LoadLimits,
    now_ms: u64,
    key_delay: std::time::Duration,
    stamps: Option<cedis_store::eviction::Lfu>,
) -> Result<(Store, LoadReport), LoadError> {
    let file = File::open(path).map_err(|err| LoadError::Open {
        path: path.display().to_string(),
        reason: err.to_string(),
    })?;
    let mut store = Store::new(databases);
    store.set_lfu(stamps);
    let mut sink = StoreSink {
        store: &mut store,
        now_ms,
        report: LoadReport::default(),
        bad_db: false,
        key_delay,
    };
    cedis_persist::read_rdb(BufReader::new(file), limits, &mut sink)?;
    if sink.bad_db {
        return Err(LoadError::TooManyDatabases(databases));
    }
    let report = sink.report;
    Ok((store, report))
}

/// `rdb-key-save-delay` (microseconds after each key a background job writes).
pub fn key_save_delay(config: &Config) -> std::time::Duration {
    std::time::Duration::from_micros(u64::try_from(config.rdb_key_save_delay).unwrap_or(0))
}

pub fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// BGSAVE's writer: takes the snapshot `start` began in steps of at most 1000 entries
/// (the keyspace lock is held for one step only), writing each database as its entries
/// come, paced by the job (`rdb-key-save-delay`, which tests use to keep a save running).
pub fn write_snapshot(
    server: &crate::server::Server,
    path: &Path,
    opts: WriteOptions,
    aux: AuxFields,
    start: &cedis_store::SnapshotStart,
    job: &mut crate::job::Job,
) -> std::io::Result<()> {
    // Not SAVE's temp name: a SAVE (DEBUG RELOAD, SHUTDOWN) may cut a BGSAVE short.
    let temp = format!("temp-bgsave-{}.rdb", std::process::id());
    write_atomically(path, &temp, |out| {
        let mut writer = RdbWriter::new(out, opts)?;
        writer.aux_fields(&aux)?;
        let records = UsageRecords::for_policy(&server.eviction);
        let now = crate::server::unix_ms();
        let mut current_db = None;
        drain_snapshot(server, job, |item| {
            if current_db != Some(item.db) {
                let counts = start.dbs.get(item.db).copied().unwrap_or_default();
                writer.select_db(item.db as u64, counts.keys as u64, counts.expires as u64)?;
                current_db = Some(item.db);
            }
            let usage = records.of(item.stamp, now);
            writer.entry_with_usage(&item.key, &item.value, item.deadline, usage)
        })?;
        writer.finish()?;
        Ok(())
    })
}

/// Takes the running snapshot of the server's store to its end, one short locked step
/// at a time, handing each item to `write` (pacing by the job's `rdb-key-save-delay`).
/// Fails when the snapshot is aborted meanwhile (FLUSHALL, DEBUG RELOAD, SHUTDOWN,
/// turning the AOF off) or the job process is killed.
pub fn drain_snapshot(
    server: &crate::server::Server,
    job: &mut crate::job::Job,
    mut write: impl FnMut(&cedis_store::SnapshotItem) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Small steps when slowed down on purpose, so an abort is noticed quickly.
    let step = if job.paced() { 16 } else { 1000 };
    let cancelled = &server.persistence.cancelled_jobs;
    let cancelled_at_start = cancelled.load(Ordering::SeqCst);
    loop {
        job.check()?;
        let batch = server.lock_store().snapshot_step(step);
        if batch.aborted {
            return Err(std::io::Error::other("the snapshot was aborted"));
        }
        for item in &batch.items {
            write(item)?;
            job.pause(|| cancelled.load(Ordering::SeqCst) != cancelled_at_start)?;
        }
        if batch.done {
            return Ok(());
        }
    }
}
