//! The append-only file as the server runs it: loading at start-up, logging every
//! write, `appendfsync`, BGREWRITEAOF and turning `appendonly` on and off at run time.
//! The file formats (manifest, command stream, rewrite) are `cedis_persist::aof`'s.
//!
//! Logging: after a write command changed the dataset, the dispatcher hands its
//! *propagated form* to [`Aof::propagate`] (relative expiry turned absolute, as Redis
//! logs it; expired keys become `DEL`). What one top-level command produced (an EXEC's
//! commands, or a command plus the expiry it caused) is one unit: two or more commands are
//! wrapped in `MULTI`/`EXEC` ([`Aof::end_unit`]). Units are appended to a buffer under
//! the keyspace lock, so the file follows execution order; the connection writes the
//! buffer out after its batch and before its replies ([`Aof::write_out`]), fsyncing at
//! once under `appendfsync always`, once a second (cron) under `everysec`.
//!
//! BGREWRITEAOF opens a new incremental file first (so writes go on into a file the new
//! base does not cover), then writes the base from a point-in-time snapshot of the store
//! on a thread (`cedis_store::snapshot`, as BGSAVE), and finally swaps the manifest.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use cedis_persist::aof::{
    commit_manifest, load_aof_dir, migrate_old_style, temp_rewrite_name, translate_for_aof,
    truncate_file, AofLoadOptions, AofRewriter, AofSink, AofWriter, FsyncPolicy, FsyncTracker,
    Manifest, RewriteMode, RewritePlan,
};
use cedis_persist::{Entry, RdbSink};
use cedis_store::{Store, Ttl};

use crate::client::ClientState;
use crate::config::{AppendFsync, Config};
use crate::reply::Reply;
use crate::server::{unix_ms, Server};

/// The AOF's running state.
#[derive(Default)]
struct State {
    /// The incremental file being appended to.
    writer: Option<AofWriter<File>>,
    /// The second of the last `#TS:` annotation written (`aof-timestamp-enabled`).
    last_timestamp: u64,
    fsync: Option<FsyncTracker>,
    manifest: Option<Manifest>,
    /// The commands of the top-level command running now (db, argv).
    unit: Vec<(usize, Vec<Bytes>)>,
}

/// The server's AOF. Every entry point is one atomic load while `appendonly` is off.
#[derive(Default)]
pub struct Aof {
    state: Mutex<State>,
    on: AtomicBool,
    pub rewrite_in_progress: AtomicBool,
    pub rewrite_scheduled: AtomicBool,
    pub rewrites: AtomicU64,
    pub last_rewrite_ok: AtomicBool,
    pub last_rewrite_secs: AtomicI64,
    pub last_write_ok: AtomicBool,
    /// Size of the AOF when it was last loaded or rewritten (the base the automatic
    /// rewrite's growth percentage is measured from).
    pub base_size: AtomicU64,
    /// `appendonly` was turned on and its first base is not written yet (Redis's
    /// `AOF_WAIT_REWRITE`): the next rewrite is [`RewriteMode::Enabling`].
    pub waiting_rewrite: AtomicBool,
    /// The running rewrite was cancelled on purpose (`appendonly no`): not a failure.
    cancelled: AtomicBool,
    /// The running rewrite's job process (see [`crate::job`]).
    rewrite_pid: AtomicU32,
    /// Failed rewrites in a row; from 3 on, automatic rewrites back off.
    pub consecutive_failures: AtomicU64,
    /// Until when (Unix ms) automatic rewrites wait after repeated failures; 0: no limit.
    limit_until_ms: AtomicU64,
    /// `DEBUG AOF-FLUSH-SLEEP`: microseconds to sleep before each write to the file.
    pub flush_sleep_us: AtomicU64,
    /// `aof-timestamp-enabled`: a `#TS:<unix secs>` line before the first command of
    /// each second.
    pub timestamps: AtomicBool,
}

impl std::fmt::Debug for Aof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aof")
            .field("on", &self.is_on())
            .finish_non_exhaustive()
    }
}

/// The directory the AOF lives in (`<dir>/<appenddirname>`; the process runs in `dir`).
pub fn aof_dir(config: &Config) -> PathBuf {
    PathBuf::from(&config.appenddirname)
}

fn policy(config: &Config) -> FsyncPolicy {
    match config.appendfsync {
        AppendFsync::Always => FsyncPolicy::Always,
        AppendFsync::Everysec => FsyncPolicy::EverySec,
        AppendFsync::No => FsyncPolicy::No,
    }
}

impl Aof {
    pub fn new() -> Aof {
        Aof {
            last_rewrite_ok: AtomicBool::new(true),
            last_write_ok: AtomicBool::new(true),
            last_rewrite_secs: AtomicI64::new(-1),
            ..Aof::default()
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Logs one command of the running unit (see the module docs), in its propagated
    /// form: relative expiry made absolute (an expiry already in the past becomes DEL).
    pub fn propagate(&self, db: usize, argv: &[Bytes], now_ms: u64) {
        if !self.is_on() {
            return;
        }
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        let argv = match translate_for_aof(argv, now) {
            Ok(Some(translated)) => translated,
            _ => argv.to_vec(),
        };
        self.state().unit.push((db, argv));
    }

    /// A key expired (lazily or by the active cycle): logged as `DEL`.
    pub fn propagate_expired(&self, db: usize, key: &[u8]) {
        if !self.is_on() {
            return;
        }
        self.state().unit.push((
            db,
            vec![Bytes::from_static(b"DEL"), Bytes::copy_from_slice(key)],
        ));
    }

    /// Ends the unit: its commands go to the buffer, in `MULTI`/`EXEC` when two or more.
    pub fn end_unit(&self) {
        if !self.is_on() {
            return;
        }
        let mut state = self.state();
        let unit = std::mem::take(&mut state.unit);
        let state = &mut *state;
        let Some(writer) = state.writer.as_mut() else {
            return;
        };
        if !unit.is_empty() && self.timestamps.load(Ordering::Relaxed) {
            let secs = unix_ms() / 1000;
            if secs > state.last_timestamp {
                writer.annotate(timestamp_line(secs).as_bytes());
                state.last_timestamp = secs;
            }
        }
        match unit.len() {
            0 => {}
            1 => writer.feed(unit[0].0 as u64, &unit[0].1),
            _ => {
                writer.feed(unit[0].0 as u64, &[&b"MULTI"[..]]);
                let mut db = unit[0].0;
                for (unit_db, argv) in &unit {
                    writer.feed(*unit_db as u64, argv);
                    db = *unit_db;
                }
                writer.feed(db as u64, &[&b"EXEC"[..]]);
            }
        }
    }

    /// Writes the buffered commands to the file (before the replies that depend on them
    /// go out), and fsyncs under `appendfsync always`.
    pub fn write_out(&self) {
        if !self.is_on() {
            return;
        }
        let mut state = self.state();
        let state = &mut *state;
        let (Some(writer), Some(fsync)) = (state.writer.as_mut(), state.fsync.as_mut()) else {
            return;
        };
        if writer.pending() == 0 {
            return;
        }
        let sleep_us = self.flush_sleep_us.load(Ordering::Relaxed);
        if sleep_us > 0 {
            std::thread::sleep(std::time::Duration::from_micros(sleep_us));
        }
        match writer.write_pending() {
            Ok(_) => {
                fsync.wrote();
                self.last_write_ok.store(true, Ordering::Relaxed);
            }
            Err(err) => {
                self.last_write_ok.store(false, Ordering::Relaxed);
                tracing::warn!("Error writing to the AOF file: {err}");
                return;
            }
        }
        let now = unix_ms();
        if fsync.policy == FsyncPolicy::Always
            && fsync.due(now)
            && writer.get_mut().sync_data().is_ok()
        {
            fsync.synced(now);
        }
    }

    /// The cron's part: write what is buffered and fsync once a second under
    /// `everysec`.
    pub fn cron(&self) {
        if !self.is_on() {
            return;
        }
        self.write_out();
        let mut state = self.state();
        let state = &mut *state;
        let (Some(writer), Some(fsync)) = (state.writer.as_mut(), state.fsync.as_mut()) else {
            return;
        };
        let now = unix_ms();
        if fsync.due(now) && writer.get_mut().sync_data().is_ok() {
            fsync.synced(now);
        }
    }

    /// Flushes and fsyncs everything (SHUTDOWN, turning the AOF off).
    pub fn flush_all(&self) {
        if !self.is_on() {
            return;
        }
        self.end_unit();
        self.write_out();
        let mut state = self.state();
        if let Some(writer) = state.writer.as_mut() {
            let _ = writer.get_mut().sync_all();
        }
    }

    /// `CONFIG SET appendonly no`: stops logging, and cancels a running rewrite (as
    /// Redis kills its rewrite child). `store` is locked by the caller.
    pub fn turn_off(&self, persistence: &crate::persistence::Persistence, store: &mut Store) {
        if self.rewrite_in_progress.load(Ordering::SeqCst) {
            tracing::info!(
                "Killing running AOF rewrite child: {}",
                self.rewrite_pid.load(Ordering::SeqCst)
            );
            self.cancelled.store(true, Ordering::SeqCst);
            drop(persistence.cancel_job(store));
        }
        self.rewrite_scheduled.store(false, Ordering::SeqCst);
        self.waiting_rewrite.store(false, Ordering::SeqCst);
        self.flush_all();
        self.on.store(false, Ordering::SeqCst);
        let mut state = self.state();
        state.writer = None;
        state.fsync = None;
        state.unit.clear();
    }

    /// `aof-disable-auto-gc` turned off: the history files go now.
    pub fn collect_history(&self, config: &Config) {
        let dir = aof_dir(config);
        let mut state = self.state();
        let Some(manifest) = state.manifest.as_mut() else {
            return;
        };
        if manifest.history.is_empty() {
            return;
        }
        let dropped = manifest.drop_history(&dir);
        let committed =
            dropped.and_then(|()| commit_manifest(&dir, &config.appendfilename, manifest));
        if let Err(err) = committed {
            tracing::warn!("Can't remove the AOF history files: {err}");
        }
    }

    /// `appendfsync` changed.
    pub fn set_policy(&self, config: &Config) {
        let mut state = self.state();
        if state.fsync.is_some() {
            state.fsync = Some(FsyncTracker::new(policy(config), unix_ms()));
        }
    }

    /// `aof_current_size`: the base size plus what was appended since.
    pub fn current_size(&self) -> u64 {
        let written = self.state().writer.as_ref().map_or(0, AofWriter::written);
        self.base_size.load(Ordering::Relaxed) + written
    }

    /// Whether `auto-aof-rewrite-percentage`/`min-size` call for a rewrite now.
    pub fn wants_auto_rewrite(&self, config: &Config) -> bool {
        if !self.is_on()
            || config.auto_aof_rewrite_percentage == 0
            || self.rewrite_in_progress.load(Ordering::Relaxed)
        {
            return false;
        }
        let current = self.current_size();
        if current < config.auto_aof_rewrite_min_size {
            return false;
        }
        let base = self.base_size.load(Ordering::Relaxed).max(1);
        if current.saturating_mul(100) / base < 100 + config.auto_aof_rewrite_percentage {
            return false;
        }
        self.past_failure_limit()
    }

    /// After three failed rewrites in a row, automatic rewrites wait 1, 2, 4 … up to 60
    /// minutes between attempts (BGREWRITEAOF is not limited).
    fn past_failure_limit(&self) -> bool {
        let failures = self.consecutive_failures.load(Ordering::Relaxed);
        if failures < 3 {
            return true;
        }
        let now = unix_ms();
        let until = self.limit_until_ms.load(Ordering::Relaxed);
        if until == 0 {
            let minutes = (1u64 << (failures - 3).min(6)).min(60);
            self.limit_until_ms
                .store(now + minutes * 60_000, Ordering::Relaxed);
            tracing::warn!(
                "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in {minutes} minutes"
            );
            return false;
        }
        if now < until {
            return false;
        }
        self.limit_until_ms.store(0, Ordering::Relaxed);
        true
    }
}

/// Replays the AOF directory into the store (start-up and DEBUG LOADAOF): upgrades a
/// pre-7.0 single file first, truncates a short last file per `aof-load-truncated`.
/// `Ok(None)` when there is no AOF yet.
pub fn replay(server: &Arc<Server>) -> Result<Option<Manifest>, String> {
    let (dir, name, opts) = {
        let config = server.config();
        (
            aof_dir(&config),
            config.appendfilename.clone(),
            AofLoadOptions {
                load_truncated: config.aof_load_truncated,
                limits: crate::persistence::load_limits(&config),
            },
        )
    };
    if let Err(err) = std::fs::create_dir_all(&dir) {
        return Err(format!(
            "Can't open or create append-only dir {}: {err}",
            dir.display()
        ));
    }
    migrate_old_style(Path::new("."), &dir.to_string_lossy(), &name)
        .map_err(|err| format!("Error migrating the old-style AOF: {err}"))?;
    finish_interrupted_upgrade(&dir, &name)?;
    let mut loader = Loader::new(server);
    // Nothing expires while loading: a PEXPIREAT in the past sets the deadline, later
    // commands still see the key, and it goes once the load is over (as in Redis).
    server.lock_store().set_expiry_frozen(true);
    let loaded = load_aof_dir(&dir, &name, &opts, &mut loader);
    server.lock_store().set_expiry_frozen(false);
    let outcome = loaded.map_err(|err| {
        // Redis's line for a command it cannot run: "Unknown command 'x' reading …".
        let mut cause: &dyn std::error::Error = &err;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        match find_rejection(&err) {
            Some(message) => message,
            None => format!("Fatal error loading the AOF: {err} ({cause}). Exiting."),
        }
    })?;
    server.persistence.forget_changes();
    let Some(outcome) = outcome else {
        return Ok(None);
    };
    if let Some((info, truncation)) = outcome.truncated() {
        tracing::warn!(
            "!!! Warning: short read while loading the AOF file {}!!! Truncating the AOF {} at offset {}",
            info.name,
            info.name,
            truncation.valid_len
        );
        truncate_file(&dir.join(&info.name), truncation.valid_len)
            .map_err(|err| format!("Error truncating the AOF file: {err}"))?;
    }
    tracing::info!("DB loaded from append only file");
    Ok(Some(outcome.manifest))
}

/// Loads the AOF directory at start-up (`appendonly yes`), then opens its last
/// incremental file for appending; with no AOF yet, creates one from the (empty)
/// dataset. Runs while clients are answered `-LOADING`.
pub fn load_at_startup(server: &Arc<Server>) -> Result<(), String> {
    let (dir, name, preamble) = {
        let config = server.config();
        (
            aof_dir(&config),
            config.appendfilename.clone(),
            config.aof_use_rdb_preamble,
        )
    };
    let manifest = match replay(server)? {
        Some(manifest) => manifest,
        None => {
            // A fresh AOF: an empty base, then the incremental file.
            let manifest = Manifest::fresh(&name, preamble);
            let base = manifest
                .base
                .clone()
                .ok_or_else(|| "a fresh manifest has a base".to_string())?;
            let store = server.lock_store();
            // A command base starts with the time, which counts as this second's
            // annotation (as in Redis).
            let timestamp = (!preamble && server.aof.timestamps.load(Ordering::Relaxed))
                .then(|| unix_ms() / 1000);
            write_base(&store, &dir.join(&base.name), preamble, timestamp)
                .map_err(|err| format!("Can't create the AOF base file: {err}"))?;
            if let Some(secs) = timestamp {
                server.aof.state().last_timestamp = secs;
            }
            drop(store);
            tracing::info!("Creating AOF base file {} on server start", base.name);
            manifest
        }
    };
    let mut manifest = manifest;
    let incr = match manifest.incrs.last() {
        Some(incr) => incr.clone(),
        // An upgraded pre-7.0 AOF is a base alone: writes go to a first incr file.
        None => manifest.open_new_incr(&name),
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(&incr.name))
        .map_err(|err| format!("Can't open the append-only file {}: {err}", incr.name))?;
    commit_manifest(&dir, &name, &manifest)
        .map_err(|err| format!("Can't write the AOF manifest: {err}"))?;
    let size: u64 = manifest
        .load_order()
        .filter_map(|f| std::fs::metadata(dir.join(&f.name)).ok())
        .map(|m| m.len())
        .sum();
    server.aof.base_size.store(size, Ordering::Relaxed);
    server.aof.install(file, manifest, &server.config());
    Ok(())
}

/// A manifest whose base still has the pre-7.0 name (`file appendonly.aof seq 1 type
/// b`) but no such file in the AOF directory is an upgrade interrupted between writing
/// the manifest and moving the file: finish the move. When the directory has the file,
/// it wins and the one in the server directory stays where it is (as in Redis).
fn finish_interrupted_upgrade(dir: &Path, name: &str) -> Result<(), String> {
    let Ok(Some(manifest)) = Manifest::load(dir, name) else {
        return Ok(());
    };
    let old_style_base = manifest.base.as_ref().is_some_and(|b| b.name == name);
    let old = Path::new(name);
    if old_style_base && !dir.join(name).exists() && old.is_file() {
        std::fs::rename(old, dir.join(name)).map_err(|err| {
            format!(
                "Error moving the old-style AOF into {}: {err}",
                dir.display()
            )
        })?;
        tracing::info!(
            "Successfully migrated an old-style AOF file ({name}) into the AOF directory ({}).",
            dir.display()
        );
    }
    Ok(())
}

impl Aof {
    fn install(&self, file: File, manifest: Manifest, config: &Config) {
        let mut state = self.state();
        state.writer = Some(AofWriter::new(file));
        state.fsync = Some(FsyncTracker::new(policy(config), unix_ms()));
        state.manifest = Some(manifest);
        state.unit.clear();
        self.on.store(true, Ordering::SeqCst);
    }
}

/// Writes a whole base (RDB preamble or commands) from the store, under its lock: the
/// first base at start-up, which is empty or small.
fn write_base(
    store: &Store,
    path: &Path,
    preamble: bool,
    timestamp: Option<u64>,
) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(File::create(path)?);
    if let Some(secs) = timestamp {
        file.write_all(timestamp_line(secs).as_bytes())?;
    }
    let now = store.now_ms();
    if preamble {
        let aux = crate::persistence::aux_fields(store.used_memory());
        let mut items = Vec::new();
        for (db, keyspace) in store.dbs().iter().enumerate() {
            keyspace.for_each_entry(now, |key, entry, deadline| {
                items.push((db as u64, key.to_vec(), entry.value.clone(), deadline));
            });
        }
        let refs = items
            .iter()
            .map(|(db, key, value, deadline)| (*db, &key[..], value, *deadline));
        let dbs = store.dbs();
        cedis_persist::aof::write_rdb_base(&mut file, &aux, Default::default(), refs, |db| {
            dbs.get(db as usize)
                .map_or((0, 0), |d| (d.len() as u64, d.expires_len() as u64))
        })?;
    } else {
        let mut rewriter = AofRewriter::new(&mut file).skip_expired(now);
        for (db, keyspace) in store.dbs().iter().enumerate() {
            let mut failed = None;
            keyspace.for_each_entry(now, |key, entry, deadline| {
                if failed.is_none() {
                    if let Err(err) = rewriter.entry(db as u64, key, &entry.value, deadline) {
                        failed = Some(err);
                    }
                }
            });
            if let Some(err) = failed {
                return Err(err);
            }
        }
        rewriter.finish()?;
    }
    file.flush()?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// The message of a command the loader refused, wherever it sits in the error chain.
fn find_rejection(err: &cedis_persist::aof::AofError) -> Option<String> {
    use cedis_persist::aof::AofError;
    match err {
        AofError::Rejected { message, .. } => Some(message.clone()),
        AofError::InFile { source, .. } => find_rejection(source),
        _ => None,
    }
}

/// Replays an AOF: RDB-preamble keys straight into the store, commands through the
/// dispatcher as a client of its own (never blocking, never logged).
struct Loader<'a> {
    server: &'a Server,
    client: ClientState,
    reply: Reply,
    now_ms: u64,
}

impl<'a> Loader<'a> {
    fn new(server: &'a Arc<Server>) -> Loader<'a> {
        let addr = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
        let handle = server.clients.register_detached(addr, addr);
        let mut client = ClientState::new(handle, true);
        client.aof_loader = true;
        Loader {
            server,
            client,
            reply: Reply::new(cedis_resp::Protocol::Resp2),
            now_ms: unix_ms(),
        }
    }
}

impl RdbSink for Loader<'_> {
    fn entry(&mut self, entry: Entry) {
        if entry.expire_ms.is_some_and(|at| at < self.now_ms) {
            return;
        }
        let mut store = self.server.lock_store();
        let Ok(db) = usize::try_from(entry.db) else {
            return;
        };
        if db >= store.databases() {
            return;
        }
        let ttl = entry.expire_ms.map_or(Ttl::Clear, Ttl::At);
        let now = store.now_ms();
        store.db(db).set(&entry.key, entry.value, ttl, now);
    }
}

impl AofSink for Loader<'_> {
    fn command(&mut self, argv: Vec<Bytes>) -> Result<(), String> {
        let mut ctx = crate::command::Ctx::new(self.server, &mut self.client, &mut self.reply);
        ctx.in_exec = true;
        crate::command::dispatch(&mut ctx, &argv);
        drop(ctx);
        if self.reply.buffer().starts_with(b"-ERR unknown command") {
            let name =
                String::from_utf8_lossy(argv.first().map_or(&b""[..], |n| &n[..])).into_owned();
            return Err(format!(
                "Unknown command '{name}' reading the append only file"
            ));
        }
        self.reply.buffer_mut().clear();
        Ok(())
    }
}

/// BGREWRITEAOF (and `CONFIG SET appendonly yes`, and the cron's scheduled or automatic
/// rewrite): the base is written from a snapshot on a thread, then the manifest swaps to
/// it. Meanwhile writes go where [`RewriteMode`] says: a new incremental file (AOF on),
/// a temporary one (AOF being turned on), or nowhere (AOF off). `store` is locked by
/// the caller.
pub fn start_rewrite(server: &Arc<Server>, store: &mut Store) -> Result<(), String> {
    let aof = &server.aof;
    if aof.rewrite_in_progress.swap(true, Ordering::SeqCst) {
        return Err("Background append only file rewriting already in progress".to_string());
    }
    let (dir, name, preamble, opts, delay, mode) = {
        let config = server.config();
        let mode = if !config.appendonly {
            RewriteMode::Off
        } else if aof.waiting_rewrite.load(Ordering::SeqCst) {
            RewriteMode::Enabling
        } else {
            RewriteMode::Logging
        };
        (
            aof_dir(&config),
            config.appendfilename.clone(),
            config.aof_use_rdb_preamble,
            crate::persistence::write_options(&config),
            crate::persistence::key_save_delay(&config),
            mode,
        )
    };
    let result = (|| -> Result<_, String> {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let current = match aof.state().manifest.clone() {
            Some(manifest) => manifest,
            // The AOF was off since start-up: go on from the files on disk, if any.
            None => Manifest::load(&dir, &name)
                .map_err(|e| e.to_string())?
                .unwrap_or_default(),
        };
        let plan = current.plan_rewrite(&name, preamble, mode);
        if store.snapshot_in_progress() {
            return Err("Background save already in progress".to_string());
        }
        let file = plan.begin(&dir, &name).map_err(|e| e.to_string())?;
        let start = store
            .begin_snapshot()
            .map_err(|_| "Background save already in progress".to_string())?;
        // Writes from here on go where the mode says.
        aof.flush_all();
        let mut state = aof.state();
        state.manifest = Some(plan.during.clone());
        if let Some(file) = file {
            state.writer = Some(AofWriter::new(file));
            if state.fsync.is_none() {
                state.fsync = Some(FsyncTracker::new(policy(&server.config()), unix_ms()));
            }
            state.unit.clear();
            aof.on.store(true, Ordering::SeqCst);
        }
        drop(state);
        Ok((plan, start))
    })();
    let (plan, start) = match result {
        Ok(ok) => ok,
        Err(err) => {
            aof.rewrite_in_progress.store(false, Ordering::SeqCst);
            return Err(err);
        }
    };
    let aux = crate::persistence::aux_fields(store.used_memory());
    let this = Arc::clone(server);
    let started = std::time::Instant::now();
    aof.cancelled.store(false, Ordering::SeqCst);
    let mut job = server.persistence.start_job(delay);
    aof.rewrite_pid.store(job.pid(), Ordering::SeqCst);
    let spawned = std::thread::Builder::new()
        .name("cedis-aofrw".to_string())
        .spawn(move || {
            let temp = dir.join(temp_rewrite_name(std::process::id()));
            let written = if preamble {
                let aux = cedis_persist::AuxFields {
                    aof_base: true,
                    ..aux
                };
                crate::persistence::write_snapshot(&this, &temp, opts, aux, &start, &mut job)
            } else {
                write_command_base(&this, &temp, &mut job)
            };
            job.finish();
            let keep_history = this.config().aof_disable_auto_gc;
            let finished = written.and_then(|()| plan.finish(&dir, &name, &temp, keep_history));
            this.aof.rewrite_done(&this, &plan, &dir, &name, finished);
            let _ = std::fs::remove_file(&temp);
            this.aof.last_rewrite_secs.store(
                i64::try_from(started.elapsed().as_secs()).unwrap_or(i64::MAX),
                Ordering::Relaxed,
            );
            this.aof.rewrite_in_progress.store(false, Ordering::SeqCst);
        });
    if let Err(err) = spawned {
        drop(store.abort_snapshot());
        aof.rewrite_in_progress.store(false, Ordering::SeqCst);
        return Err(err.to_string());
    }
    tracing::info!(
        "Background append only file rewriting started by pid {}",
        aof.rewrite_pid.load(Ordering::SeqCst)
    );
    Ok(())
}

impl Aof {
    /// The end of a rewrite, on its thread: the new manifest in force, or the failure's
    /// bookkeeping (a temporary incr file removed, the AOF still waiting for its first
    /// base retried from the cron, repeated failures counted for the automatic rewrite's
    /// limit).
    fn rewrite_done(
        &self,
        server: &Server,
        plan: &RewritePlan,
        dir: &Path,
        name: &str,
        finished: std::io::Result<Manifest>,
    ) {
        let cancelled = self.cancelled.swap(false, Ordering::SeqCst);
        match finished {
            Ok(manifest) => {
                let base = manifest
                    .base
                    .as_ref()
                    .and_then(|b| std::fs::metadata(dir.join(&b.name)).ok())
                    .map_or(0, |m| m.len());
                self.base_size.store(base, Ordering::Relaxed);
                self.state().manifest = Some(manifest);
                if plan.mode == RewriteMode::Enabling {
                    self.waiting_rewrite.store(false, Ordering::SeqCst);
                }
                self.rewrites.fetch_add(1, Ordering::Relaxed);
                self.consecutive_failures.store(0, Ordering::Relaxed);
                self.limit_until_ms.store(0, Ordering::Relaxed);
                self.last_rewrite_ok.store(true, Ordering::Relaxed);
                tracing::info!("Background AOF rewrite terminated with success");
                tracing::info!("Background AOF rewrite finished successfully");
            }
            Err(err) => {
                drop(server.lock_store().abort_snapshot());
                if let Some(temp_incr) = plan.abandon(dir, name) {
                    tracing::info!("Removing the temp incr aof file {temp_incr} in the background");
                    if !cancelled {
                        // Still waiting for a first base: the writes logged meanwhile are
                        // gone with the file; the next attempt's snapshot has them.
                        let mut state = self.state();
                        state.writer = None;
                        state.unit.clear();
                        self.on.store(false, Ordering::SeqCst);
                        drop(state);
                        self.rewrite_scheduled.store(true, Ordering::SeqCst);
                    }
                }
                if cancelled {
                    return;
                }
                self.consecutive_failures.fetch_add(1, Ordering::Relaxed);
                self.last_rewrite_ok.store(false, Ordering::Relaxed);
                match crate::job::killed_by(&err) {
                    Some(signal) => {
                        tracing::warn!("Background AOF rewrite terminated by signal {signal}")
                    }
                    None => tracing::warn!("Background AOF rewrite failed: {err}"),
                }
            }
        }
    }
}

/// The `aof-timestamp-enabled` annotation for Unix second `secs`.
fn timestamp_line(secs: u64) -> String {
    format!("#TS:{secs}\r\n")
}

/// A command base (`aof-use-rdb-preamble no`) from the running snapshot.
fn write_command_base(
    server: &Server,
    temp: &Path,
    job: &mut crate::job::Job,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(File::create(temp)?);
    if server.aof.timestamps.load(Ordering::Relaxed) {
        out.write_all(timestamp_line(unix_ms() / 1000).as_bytes())?;
    }
    {
        let mut rewriter = AofRewriter::new(&mut out);
        crate::persistence::drain_snapshot(server, job, |item| {
            rewriter
                .entry(item.db as u64, &item.key, &item.value, item.deadline)
                .map(drop)
        })?;
        rewriter.finish()?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}
