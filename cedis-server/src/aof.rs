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
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use cedis_persist::aof::{
    commit_manifest, load_aof_dir, migrate_old_style, temp_rewrite_name, translate_for_aof,
    truncate_file, AofLoadOptions, AofRewriter, AofSink, AofWriter, FsyncPolicy, FsyncTracker,
    Manifest,
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
        let Some(writer) = state.writer.as_mut() else {
            return;
        };
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

    /// `CONFIG SET appendonly no`: stops logging.
    pub fn turn_off(&self) {
        self.flush_all();
        self.on.store(false, Ordering::SeqCst);
        let mut state = self.state();
        state.writer = None;
        state.fsync = None;
        state.unit.clear();
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
        current.saturating_mul(100) / base >= 100 + config.auto_aof_rewrite_percentage
    }
}

/// Loads the AOF directory at start-up (`appendonly yes`), then opens its last
/// incremental file for appending; with no AOF yet, creates one from the (empty)
/// dataset. Runs while clients are answered `-LOADING`.
pub fn load_at_startup(server: &Arc<Server>) -> Result<(), String> {
    let (dir, name, opts, preamble) = {
        let config = server.config();
        (
            aof_dir(&config),
            config.appendfilename.clone(),
            AofLoadOptions {
                load_truncated: config.aof_load_truncated,
                limits: crate::persistence::load_limits(&config),
            },
            config.aof_use_rdb_preamble,
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
    let mut loader = Loader::new(server);
    // Nothing expires while loading: a PEXPIREAT in the past sets the deadline, and the
    // key goes once the load is over (as in Redis).
    server.lock_store().set_expiry_paused(true);
    let loaded = load_aof_dir(&dir, &name, &opts, &mut loader);
    let paused = server.pause.current().is_some();
    server.lock_store().set_expiry_paused(paused);
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
    let manifest = match outcome {
        Some(outcome) => {
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
            outcome.manifest
        }
        None => {
            // A fresh AOF: an empty base, then the incremental file.
            let manifest = Manifest::fresh(&name, preamble);
            let base = manifest
                .base
                .clone()
                .ok_or_else(|| "a fresh manifest has a base".to_string())?;
            let store = server.lock_store();
            write_base(&store, &dir.join(&base.name), preamble)
                .map_err(|err| format!("Can't create the AOF base file: {err}"))?;
            drop(store);
            tracing::info!("Creating AOF base file {} on server start", base.name);
            manifest
        }
    };
    let incr = manifest
        .incrs
        .last()
        .cloned()
        .ok_or_else(|| "the AOF manifest has no incremental file".to_string())?;
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
fn write_base(store: &Store, path: &Path, preamble: bool) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(File::create(path)?);
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

/// BGREWRITEAOF (and `CONFIG SET appendonly yes`): a new incremental file takes the
/// writes from now on, the base is written from a snapshot on a thread, then the
/// manifest swaps to the new base. `store` is locked by the caller.
pub fn start_rewrite(server: &Arc<Server>, store: &mut Store) -> Result<(), String> {
    let aof = &server.aof;
    let logging = server.config().appendonly;
    if aof.rewrite_in_progress.swap(true, Ordering::SeqCst) {
        return Err("Background append only file rewriting already in progress".to_string());
    }
    let (dir, name, preamble, opts) = {
        let config = server.config();
        (
            aof_dir(&config),
            config.appendfilename.clone(),
            config.aof_use_rdb_preamble,
            crate::persistence::write_options(&config),
        )
    };
    let result = (|| -> Result<_, String> {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let current = aof.state().manifest.clone().unwrap_or_default();
        let plan = current.plan_rewrite(&name, preamble);
        let file = plan.begin(&dir, &name).map_err(|e| e.to_string())?;
        let start = store
            .begin_snapshot()
            .map_err(|_| "Background save already in progress".to_string())?;
        // Writes from here on go to the new incremental file (when the AOF is on).
        aof.flush_all();
        let mut state = aof.state();
        state.manifest = Some(plan.during.clone());
        if logging {
            state.writer = Some(AofWriter::new(file));
            if state.fsync.is_none() {
                state.fsync = Some(FsyncTracker::new(policy(&server.config()), unix_ms()));
            }
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
    let spawned = std::thread::Builder::new()
        .name("cedis-aofrw".to_string())
        .spawn(move || {
            let temp = dir.join(temp_rewrite_name(std::process::id()));
            let written = if preamble {
                let aux = cedis_persist::AuxFields {
                    aof_base: true,
                    ..aux
                };
                crate::persistence::write_snapshot(&this, &temp, opts, aux, &start, Duration::ZERO)
            } else {
                write_command_base(&this, &temp)
            };
            let finished = written.and_then(|()| plan.finish(&dir, &name, &temp));
            let aof = &this.aof;
            match finished {
                Ok(manifest) => {
                    let base = manifest
                        .base
                        .as_ref()
                        .and_then(|b| std::fs::metadata(dir.join(&b.name)).ok())
                        .map_or(0, |m| m.len());
                    aof.base_size.store(base, Ordering::Relaxed);
                    aof.state().manifest = Some(manifest);
                    aof.rewrites.fetch_add(1, Ordering::Relaxed);
                    aof.last_rewrite_ok.store(true, Ordering::Relaxed);
                    tracing::info!("Background AOF rewrite finished successfully");
                }
                Err(err) => {
                    drop(this.lock_store().abort_snapshot());
                    let _ = std::fs::remove_file(&temp);
                    aof.last_rewrite_ok.store(false, Ordering::Relaxed);
                    tracing::warn!("Background AOF rewrite failed: {err}");
                }
            }
            aof.last_rewrite_secs.store(
                i64::try_from(started.elapsed().as_secs()).unwrap_or(i64::MAX),
                Ordering::Relaxed,
            );
            aof.rewrite_in_progress.store(false, Ordering::SeqCst);
        });
    if let Err(err) = spawned {
        drop(store.abort_snapshot());
        aof.rewrite_in_progress.store(false, Ordering::SeqCst);
        return Err(err.to_string());
    }
    tracing::info!("Background append only file rewriting started");
    Ok(())
}

/// A command base (`aof-use-rdb-preamble no`) from the running snapshot.
fn write_command_base(server: &Server, temp: &Path) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(File::create(temp)?);
    {
        let mut rewriter = AofRewriter::new(&mut out);
        crate::persistence::drain_snapshot(server, Duration::ZERO, |item| {
            rewriter
                .entry(item.db as u64, &item.key, &item.value, item.deadline)
                .map(drop)
        })?;
        rewriter.finish()?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}
