//! Server commands: DBSIZE, TIME, SHUTDOWN, CONFIG.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::{Acl, Command, Ctx, Doc, Flags};
use crate::args::Args;
use crate::error::{CommandError, CommandResult};
use crate::server::ShutdownRequest;

fn dbsize(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let db = ctx.client.db;
    let len = ctx.store().db(db).len();
    ctx.reply.int(i64::try_from(len).unwrap_or(i64::MAX));
    Ok(())
}

fn time(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    ctx.reply.array(2);
    ctx.reply.bulk(now.as_secs().to_string().as_bytes());
    ctx.reply.bulk(now.subsec_micros().to_string().as_bytes());
    Ok(())
}

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`. On success the connection closes
/// without a reply, as in Redis.
fn shutdown(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut request = ShutdownRequest::default();
    let mut abort = false;
    let mut args = Args::new(argv, 1);
    while !args.is_empty() {
        if args.eat_keyword("nosave") {
            request.nosave = true;
        } else if args.eat_keyword("save") {
            request.save = true;
        } else if args.eat_keyword("now") || args.eat_keyword("force") {
            // Nothing to wait for (no replicas) and nothing to force past (no failing save).
        } else if args.eat_keyword("abort") {
            abort = true;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    if (request.save && request.nosave) || (abort && argv.len() > 2) {
        return Err(CommandError::Syntax);
    }
    if abort {
        return Err(CommandError::Line(
            "ERR No shutdown in progress.".to_string(),
        ));
    }
    tracing::warn!("User requested shutdown...");
    ctx.release_store();
    ctx.server
        .save_before_shutdown(request)
        .map_err(CommandError::Line)?;
    ctx.server.request_shutdown(request);
    ctx.client.close_after_reply = true;
    Ok(())
}

fn config_get(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let patterns: Vec<&[u8]> = argv[2..].iter().map(|p| &p[..]).collect();
    let pairs = ctx.server.config().get(&patterns);
    ctx.reply.map(pairs.len());
    for (name, value) in pairs {
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.bulk(&value);
    }
    Ok(())
}

fn config_set(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if argv.len() % 2 != 0 {
        return Err(CommandError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = argv[2..]
        .chunks_exact(2)
        .map(|pair| (&pair[0][..], &pair[1][..]))
        .collect();
    // Settings the load in progress depends on cannot change under it.
    const DENIED_WHILE_LOADING: &[&str] = &[
        "dir",
        "dbfilename",
        "appendonly",
        "appendfilename",
        "appenddirname",
    ];
    if ctx.server.persistence.loading.load(Ordering::Relaxed)
        && pairs.iter().any(|(name, _)| {
            DENIED_WHILE_LOADING
                .iter()
                .any(|denied| denied.as_bytes().eq_ignore_ascii_case(name))
        })
    {
        return Err(CommandError::Loading);
    }
    let local = ctx.client.handle.addr.ip().is_loopback();
    let mut config = ctx.server.config_mut();
    let changed = config
        .set_with(&pairs, local, |name, config| match name {
            "port" => ctx
                .server
                .relisten(&config.bind, config.port)
                .map_err(|_| "Unable to listen on this port. Check server logs.".to_string()),
            "bind" => ctx
                .server
                .relisten(&config.bind, config.port)
                .map_err(|_| "Failed to bind to specified addresses.".to_string()),
            _ => Ok(()),
        })
        .map_err(|err| CommandError::Line(err.to_string()))?;
    drop(config);
    ctx.server.config_changed(&changed);
    if changed
        .iter()
        .any(|name| name.starts_with("maxmemory") || name.starts_with("lfu-"))
    {
        crate::eviction::config_changed(ctx);
    }
    if changed.contains(&"appendonly") {
        let server = ctx.server;
        if server.config().appendonly {
            // Turning the AOF on writes its first base from a snapshot, as a rewrite;
            // writes are logged once that rewrite starts.
            server.aof.waiting_rewrite.store(true, Ordering::SeqCst);
            let busy = server.aof.rewrite_in_progress.load(Ordering::SeqCst)
                || ctx.store().snapshot_in_progress();
            if busy {
                server.aof.rewrite_scheduled.store(true, Ordering::SeqCst);
            } else if let Err(err) = server.start_aof_rewrite(ctx.store()) {
                tracing::warn!("Can't start the AOF: {err}");
            }
        } else {
            server.aof.turn_off(&server.persistence, ctx.store());
        }
    }
    ctx.reply.ok();
    Ok(())
}

fn config_resetstat(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.server.stats.reset();
    ctx.store().reset_stats();
    ctx.server.eviction.reset_stats();
    ctx.reply.ok();
    Ok(())
}

fn config_rewrite(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.server
        .config()
        .rewrite()
        .map_err(|err| CommandError::Line(err.to_string()))?;
    tracing::info!("CONFIG REWRITE executed with success.");
    ctx.reply.ok();
    Ok(())
}

fn config_help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Returns every parameter matching a glob pattern, with its value.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Sets parameters, all or none of them.",
            "RESETSTAT",
            "    Resets the statistics INFO reports.",
            "REWRITE",
            "    Writes the running configuration back to the configuration file.",
        ],
    );
    Ok(())
}

/// `MONITOR`: from now on this connection receives every command the server runs (see
/// [`crate::monitor`]). A second MONITOR is ignored without a reply, as in Redis.
fn monitor(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    if ctx.in_exec {
        return Err(CommandError::Line(
            "ERR MONITOR isn't allowed for DENY BLOCKING client".to_string(),
        ));
    }
    if ctx.client.monitor {
        return Ok(());
    }
    ctx.client.monitor = true;
    ctx.client.handle.monitor.store(true, Ordering::Relaxed);
    ctx.server.monitors.add(&ctx.client.handle);
    ctx.reply.ok();
    Ok(())
}

const ADMIN: Flags = Flags::ADMIN
    .union(Flags::NOSCRIPT)
    .union(Flags::LOADING)
    .union(Flags::STALE);
const GROUP: &str = "server";

static CONFIG_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "config|get",
        -3,
        Doc::new(
            "Returns the values of configuration parameters.",
            "2.0.0",
            GROUP,
            "O(N) when N is the number of configuration parameters provided",
            "parameter=(parameter) ...",
        ),
        config_get,
    )
    .flags(ADMIN),
    Command::new(
        "config|set",
        -4,
        Doc::new(
            "Sets configuration parameters at run time.",
            "2.0.0",
            GROUP,
            "O(N) when N is the number of configuration parameters provided",
            "parameter_value=(parameter value) ...",
        ),
        config_set,
    )
    .flags(ADMIN)
    .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    Command::new(
        "config|resetstat",
        2,
        Doc::new(
            "Resets the server's statistics.",
            "2.0.0",
            GROUP,
            "O(1)",
            "",
        ),
        config_resetstat,
    )
    .flags(ADMIN),
    Command::new(
        "config|rewrite",
        2,
        Doc::new(
            "Writes the running configuration to the configuration file.",
            "2.8.0",
            GROUP,
            "O(1)",
            "",
        ),
        config_rewrite,
    )
    .flags(ADMIN),
    Command::new(
        "config|help",
        2,
        Doc::new("Lists the CONFIG subcommands.", "5.0.0", GROUP, "O(1)", ""),
        config_help,
    )
    .flags(Flags::LOADING.union(Flags::STALE)),
];

pub static COMMANDS: &[Command] = &[
    Command::new("dbsize", 1, Doc::new("Returns the number of keys in the selected database.", "1.0.0", GROUP, "O(1)", ""), dbsize)
        .flags(Flags::READONLY.union(Flags::FAST))
        .acl(Acl::KEYSPACE)
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"]),
    Command::new("time", 1, Doc::new("Returns the server time.", "2.6.0", GROUP, "O(1)", ""), time)
        .flags(Flags::LOADING.union(Flags::STALE).union(Flags::FAST))
        .tips(&["nondeterministic_output"]),
    Command::new(
        "shutdown",
        -1,
        Doc::new("Stops the server, saving first when save rules are configured.", "1.0.0", GROUP, "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", "[NOSAVE|SAVE] [NOW@7.0.0] [FORCE@7.0.0] [ABORT@7.0.0]"),
        shutdown,
    )
    .flags(Flags::ADMIN.union(Flags::NOSCRIPT).union(Flags::LOADING).union(Flags::STALE).union(Flags::NO_MULTI).union(Flags::ALLOW_BUSY)),
    Command::new("monitor", 1, Doc::new("Listen for all requests received by the server in real time", "1.0.0", GROUP, "", ""), monitor)
        .flags(ADMIN),
    Command::container("config", Doc::new("Reads and changes the server configuration.", "2.0.0", GROUP, "Depends on subcommand.", ""), CONFIG_SUBCOMMANDS),
];
