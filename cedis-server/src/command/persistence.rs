//! `SAVE`, `BGSAVE`, `DUMP` and `RESTORE` (see [`crate::persistence`] for the files).

use bytes::Bytes;
use cedis_store::Ttl;

use super::{Acl, Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{is_keyword, parse_i64, Args};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};
use crate::persistence;

/// `SAVE`: writes the dataset now, blocking every client until it is on disk.
fn save(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    if ctx.server.persistence.bgsave_in_progress() {
        return Err(CommandError::Line(
            "ERR Background save already in progress".to_string(),
        ));
    }
    ctx.server.save_now(ctx.store()).map_err(|err| {
        tracing::warn!("Error saving DB on disk: {err}");
        CommandError::Line("ERR".to_string())
    })?;
    ctx.reply.ok();
    Ok(())
}

/// `BGSAVE [SCHEDULE]`: a point-in-time snapshot written while clients keep being
/// served (see `Server::start_bgsave`).
fn bgsave(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    match argv.get(1) {
        None => {}
        Some(arg) if is_keyword(arg, "schedule") && argv.len() == 2 => {}
        Some(_) => return Err(CommandError::Syntax),
    }
    if ctx.server.persistence.bgsave_in_progress() {
        return Err(CommandError::Line(
            "ERR Background save already in progress".to_string(),
        ));
    }
    let server = ctx.server;
    server
        .start_bgsave(ctx.store())
        .map_err(|err| CommandError::Line(format!("ERR {err}")))?;
    ctx.reply.simple(b"Background saving started");
    Ok(())
}

/// `BGREWRITEAOF`: a new AOF base written from a snapshot in the background (see
/// [`crate::aof`]); scheduled for later while a BGSAVE runs.
fn bgrewriteaof(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let server = ctx.server;
    if server
        .aof
        .rewrite_in_progress
        .load(std::sync::atomic::Ordering::SeqCst)
    {
        return Err(CommandError::Line(
            "ERR Background append only file rewriting already in progress".to_string(),
        ));
    }
    if server.persistence.bgsave_in_progress() {
        server
            .aof
            .rewrite_scheduled
            .store(true, std::sync::atomic::Ordering::SeqCst);
        ctx.reply
            .simple(b"Background append only file rewriting scheduled");
        return Ok(());
    }
    server.start_aof_rewrite(ctx.store()).map_err(|err| {
        tracing::warn!("Can't rewrite the append only file: {err}");
        CommandError::Line("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.".to_string())
    })?;
    ctx.reply
        .simple(b"Background append only file rewriting started");
    Ok(())
}

/// `DUMP key`: the value in Redis's DUMP format (RDB encoding, version, CRC-64).
fn dump(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let opts = persistence::write_options(&ctx.server.config());
    let (db, now, reply) = ctx.db_and_reply();
    match db.get_for_read(&argv[1], now) {
        None => reply.null(),
        Some(value) => {
            let payload = cedis_persist::dump::dump_with(value, &opts)
                .map_err(|err| CommandError::Line(format!("ERR {err}")))?;
            reply.bulk(&payload);
        }
    }
    Ok(())
}

/// `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]`.
fn restore(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let key = &argv[1];
    let mut replace = false;
    let mut absolute = false;
    let mut idle: Option<u64> = None;
    let mut freq: Option<u8> = None;
    let mut args = Args::new(argv, 4);
    while !args.is_empty() {
        if args.eat_keyword("replace") {
            replace = true;
        } else if args.eat_keyword("absttl") {
            absolute = true;
        } else if freq.is_none() && args.remaining() >= 2 && args.eat_keyword("idletime") {
            let secs = args.next_i64()?;
            idle = Some(u64::try_from(secs).map_err(|_| {
                CommandError::Line("ERR Invalid IDLETIME value, must be >= 0".to_string())
            })?);
        } else if idle.is_none() && args.remaining() >= 2 && args.eat_keyword("freq") {
            let count = args.next_i64()?;
            freq = Some(u8::try_from(count).map_err(|_| {
                CommandError::Line("ERR Invalid FREQ value, must be >= 0 and <= 255".to_string())
            })?);
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let ttl = parse_i64(&argv[2]).ok_or(CommandError::NotInteger)?;
    if ttl < 0 {
        return Err(CommandError::Line(
            "ERR Invalid TTL value, must be >= 0".to_string(),
        ));
    }
    let now = ctx.now_ms();
    if !replace && ctx.db().contains(key, now) {
        return Err(CommandError::Line(
            "BUSYKEY Target key name already exists.".to_string(),
        ));
    }
    let limits = persistence::load_limits(&ctx.server.config());
    let check_crc = !ctx
        .server
        .skip_dump_checksum
        .load(std::sync::atomic::Ordering::Relaxed);
    let value =
        cedis_persist::dump::restore_checked(&argv[3], &limits, check_crc).map_err(|err| {
            log_integrity_failure(&err, &argv[3]);
            CommandError::Line(err.to_string())
        })?;
    let ttl = u64::try_from(ttl).unwrap_or(0);
    let deadline = match (ttl, absolute) {
        (0, _) => None,
        (at, true) => Some(at),
        (ms, false) => Some(now.saturating_add(ms)),
    };
    let db = ctx.db();
    if deadline.is_some_and(|at| at <= now) {
        // Already expired: the key is removed (when replacing) and not created.
        if replace && db.remove(key, now).is_some() {
            ctx.notify(ev::GENERIC, "del", key);
        }
        ctx.reply.ok();
        return Ok(());
    }
    db.set(key, value, deadline.map_or(Ttl::Clear, Ttl::At), now);
    if let Some(secs) = idle {
        db.set_idle_time(key, secs, now);
    }
    if let Some(freq) = freq {
        db.set_lfu_freq(key, freq, now);
    }
    ctx.notify(ev::GENERIC, "restore", key);
    ctx.reply.ok();
    Ok(())
}

/// Logs a payload whose compact encoding failed validation the way Redis's sanitizer
/// does (`Zset ziplist integrity check failed`, …), so operators can tell a corrupt
/// payload from a merely unknown one. The payload's first byte is its RDB type.
fn log_integrity_failure(err: &cedis_persist::DumpError, payload: &[u8]) {
    let cedis_persist::DumpError::BadData(rdb) = err else {
        return;
    };
    if let Some(line) = rdb.integrity_failure(payload.first().copied()) {
        tracing::warn!("{line}: {rdb}");
    }
}

const GROUP: &str = "server";
const ADMIN: Flags = Flags::ADMIN
    .union(Flags::NOSCRIPT)
    .union(Flags::NO_ASYNC_LOADING);

pub static COMMANDS: &[Command] = &[
    Command::new("save", 1, Doc::new("Synchronously saves the database(s) to disk.", "1.0.0", GROUP, "O(N) where N is the total number of keys in all databases", ""), save)
        .flags(ADMIN.union(Flags::NO_MULTI))
        .acl(Acl::NONE),
    Command::new("bgsave", -1, Doc::new("Asynchronously saves the database(s) to disk.", "1.0.0", GROUP, "O(1)", "[SCHEDULE@3.2.2]"), bgsave)
        .flags(ADMIN)
        .acl(Acl::NONE),
    Command::new("bgrewriteaof", 1, Doc::new("Asynchronously rewrites the append-only file to disk.", "1.0.0", GROUP, "O(1)", ""), bgrewriteaof)
        .flags(Flags::ADMIN.union(Flags::NOSCRIPT).union(Flags::NO_ASYNC_LOADING))
        .acl(Acl::NONE),
    Command::new("dump", 2, Doc::new("Returns a serialized representation of the value stored at a key.", "2.6.0", "generic", "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).", "key:key"), dump)
        .flags(Flags::READONLY)
        .acl(Acl::KEYSPACE)
        .tips(&["nondeterministic_output"])
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(K::RO.union(K::ACCESS), 1)]),
    Command::new("restore", -4, Doc::new("Creates a key from the serialized representation of a value.", "2.6.0", "generic", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).", "key:key ttl:integer serialized-value:string [REPLACE@3.0.0] [ABSTTL@5.0.0] [IDLETIME seconds:integer@5.0.0] [FREQ frequency:integer@5.0.0]"), restore)
        .flags(Flags::WRITE.union(Flags::DENYOOM))
        .acl(Acl::KEYSPACE.union(Acl::DANGEROUS))
        .keys(1, 1, 1)
        .key_specs(&[KeySpec::single(K::OW.union(K::UPDATE), 1)]),
];
