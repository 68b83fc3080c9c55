//! `CLIENT` and its subcommands.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::connection::set_client_name;
use super::{Acl, Command, Ctx, Doc, Flags};
use crate::args::{is_keyword, parse_i64, Args};
use crate::client::{ClientHandle, ReplyMode};
use crate::error::{printable_line, CommandError, CommandResult};
use crate::pause::PauseMode;
use crate::tracking::TrackingMode;

fn id(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply
        .int(i64::try_from(ctx.client.id).unwrap_or(i64::MAX));
    Ok(())
}

fn getname(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let name = ctx.client.handle.name();
    ctx.reply.bulk_or_null(name.as_deref());
    Ok(())
}

fn setname(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    set_client_name(ctx, &argv[2])?;
    ctx.reply.ok();
    Ok(())
}

/// Client types of `CLIENT LIST TYPE` / `CLIENT KILL TYPE`: `pubsub` for clients with
/// subscriptions, `normal` for the rest (there are no replicas or masters yet).
fn client_type_matches(kind: &[u8], client: &ClientHandle) -> Result<bool, CommandError> {
    let subscriber = client.is_subscriber();
    if is_keyword(kind, "normal") {
        Ok(!subscriber)
    } else if is_keyword(kind, "pubsub") {
        Ok(subscriber)
    } else if ["master", "replica", "slave"]
        .iter()
        .any(|k| is_keyword(kind, k))
    {
        Ok(false)
    } else {
        Err(CommandError::Line(format!(
            "ERR Unknown client type '{}'",
            printable_line(kind)
        )))
    }
}

fn list(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut args = Args::new(argv, 2);
    let mut clients = ctx.server.clients.all();
    if args.eat_keyword("type") {
        let kind = args.next_bytes()?;
        let mut kept = Vec::new();
        for client in clients {
            if client_type_matches(kind, &client)? {
                kept.push(client);
            }
        }
        clients = kept;
    } else if args.eat_keyword("id") {
        if args.is_empty() {
            return Err(CommandError::Syntax);
        }
        let mut ids = Vec::new();
        while !args.is_empty() {
            let id = parse_i64(args.next_bytes()?)
                .and_then(|id| u64::try_from(id).ok())
                .filter(|&id| id > 0)
                .ok_or_else(|| CommandError::Line("ERR Invalid client ID".to_string()))?;
            ids.push(id);
        }
        clients.retain(|c| ids.contains(&c.id));
    }
    args.finish()?;
    let mut text = String::new();
    for client in clients {
        text.push_str(&client.info_line());
        text.push('\n');
    }
    ctx.reply.verbatim(b"txt", text.as_bytes());
    Ok(())
}

fn info(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let mut line = ctx.client.handle.info_line();
    line.push('\n');
    ctx.reply.verbatim(b"txt", line.as_bytes());
    Ok(())
}

/// The filters of `CLIENT KILL`'s new form; every given filter must match.
#[derive(Default)]
struct KillFilter<'a> {
    id: Option<u64>,
    kind: Option<&'a [u8]>,
    user: Option<&'a [u8]>,
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    skip_me: bool,
}

impl KillFilter<'_> {
    fn matches(&self, client: &ClientHandle, me: u64) -> Result<bool, CommandError> {
        // A client killed earlier is on its way out (its task has yet to unregister it):
        // not counted twice.
        if (self.skip_me && client.id == me) || client.is_killed() {
            return Ok(false);
        }
        if let Some(kind) = self.kind {
            if !client_type_matches(kind, client)? {
                return Ok(false);
            }
        }
        Ok(self.id.is_none_or(|id| id == client.id)
            && self.user.is_none_or(|user| user == b"default")
            && self
                .addr
                .is_none_or(|addr| addr == client.addr.to_string().as_bytes())
            && self
                .laddr
                .is_none_or(|laddr| laddr == client.local_addr.to_string().as_bytes()))
    }
}

fn kill(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let me = ctx.client.id;
    if argv.len() == 3 {
        let target = &argv[2][..];
        let victim = ctx
            .server
            .clients
            .all()
            .into_iter()
            .find(|c| c.addr.to_string().as_bytes() == target)
            .ok_or(CommandError::NoSuchClient)?;
        kill_one(ctx, &victim);
        ctx.reply.ok();
        return Ok(());
    }
    let mut filter = KillFilter {
        skip_me: true,
        ..KillFilter::default()
    };
    let mut args = Args::new(argv, 2);
    while !args.is_empty() {
        if args.remaining() < 2 {
            return Err(CommandError::Syntax);
        }
        let option = args.next_bytes()?;
        let value = args.next_bytes()?;
        if is_keyword(option, "id") {
            let id = parse_i64(value)
                .and_then(|id| u64::try_from(id).ok())
                .filter(|&id| id > 0)
                .ok_or(CommandError::InvalidClientId)?;
            filter.id = Some(id);
        } else if is_keyword(option, "type") {
            client_type_matches(value, &ctx.client.handle)?;
            filter.kind = Some(value);
        } else if is_keyword(option, "user") {
            if &value[..] != b"default" {
                return Err(CommandError::Line(format!(
                    "ERR No such user '{}'",
                    printable_line(value)
                )));
            }
            filter.user = Some(value);
        } else if is_keyword(option, "addr") {
            filter.addr = Some(value);
        } else if is_keyword(option, "laddr") {
            filter.laddr = Some(value);
        } else if is_keyword(option, "skipme") {
            filter.skip_me = if is_keyword(value, "yes") {
                true
            } else if is_keyword(value, "no") {
                false
            } else {
                return Err(CommandError::Syntax);
            };
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let mut killed = 0;
    for client in ctx.server.clients.all() {
        if filter.matches(&client, me)? {
            kill_one(ctx, &client);
            killed += 1;
        }
    }
    ctx.reply.int(killed);
    Ok(())
}

/// Closes a client; the caller itself is closed only after its reply has been sent.
fn kill_one(ctx: &mut Ctx<'_>, victim: &Arc<ClientHandle>) {
    if victim.id == ctx.client.id {
        ctx.client.close_after_reply = true;
    } else {
        victim.kill();
    }
}

/// `CLIENT REPLY`: only `ON` is answered (`OFF` and `SKIP` are silent by nature).
fn reply(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mode = &argv[2];
    if is_keyword(mode, "on") {
        ctx.client.reply_mode = ReplyMode::On;
        ctx.client.skip_current = false;
        ctx.reply.ok();
    } else if is_keyword(mode, "off") {
        ctx.client.reply_mode = ReplyMode::Off;
    } else if is_keyword(mode, "skip") {
        if ctx.client.reply_mode != ReplyMode::Off {
            ctx.client.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(CommandError::Syntax);
    }
    Ok(())
}

/// `CLIENT PAUSE timeout [WRITE|ALL]` (see [`crate::pause`]).
fn pause(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if argv.len() > 4 {
        return Err(CommandError::SubcommandArguments {
            sub: printable_line(&argv[1]),
            command: "CLIENT".to_string(),
        });
    }
    let timeout = parse_i64(&argv[2]).ok_or_else(|| {
        CommandError::Line("ERR timeout is not an integer or out of range".to_string())
    })?;
    if timeout < 0 {
        return Err(CommandError::Line("ERR timeout is negative".to_string()));
    }
    let mode = match argv.get(3) {
        None => PauseMode::All,
        Some(mode) if is_keyword(mode, "write") => PauseMode::Write,
        Some(mode) if is_keyword(mode, "all") => PauseMode::All,
        Some(_) => {
            return Err(CommandError::Line(
                "ERR CLIENT PAUSE mode must be WRITE or ALL".to_string(),
            ))
        }
    };
    let millis = u64::try_from(timeout).unwrap_or(0);
    let until = Instant::now() + Duration::from_millis(millis.min(100 * 365 * 86_400_000));
    ctx.server.pause.pause(mode, until);
    ctx.store().set_expiry_paused(true);
    ctx.reply.ok();
    Ok(())
}

fn unpause(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.server.pause.unpause();
    ctx.store().set_expiry_paused(false);
    ctx.reply.ok();
    Ok(())
}

/// `CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]`
/// (see [`crate::tracking`]).
fn tracking(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let on = if is_keyword(&argv[2], "on") {
        true
    } else if is_keyword(&argv[2], "off") {
        false
    } else {
        return Err(CommandError::Syntax);
    };
    let mut mode = TrackingMode::default();
    let mut prefixes = Vec::new();
    let mut args = Args::new(argv, 3);
    while !args.is_empty() {
        if args.eat_keyword("redirect") {
            if args.is_empty() {
                return Err(CommandError::Syntax);
            }
            let id = args.next_i64()?;
            mode.redirect = Some(u64::try_from(id).unwrap_or(0));
        } else if args.eat_keyword("bcast") {
            mode.bcast = true;
        } else if args.eat_keyword("optin") {
            mode.optin = true;
        } else if args.eat_keyword("optout") {
            mode.optout = true;
        } else if args.eat_keyword("noloop") {
            mode.noloop = true;
        } else if args.eat_keyword("prefix") {
            if args.is_empty() {
                return Err(CommandError::Syntax);
            }
            prefixes.push(args.next_bytes()?.clone());
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let refuse = |text: &str| Err(CommandError::Line(text.to_string()));
    if !on {
        if ctx.client.tracking.take().is_some() {
            ctx.server.tracking.disable(ctx.client.id);
        }
        ctx.client.caching = None;
        ctx.reply.ok();
        return Ok(());
    }
    if let Some(current) = &ctx.client.tracking {
        if current.bcast != mode.bcast {
            return refuse("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
        }
        if (current.optin && mode.optout) || (current.optout && mode.optin) {
            return refuse("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
        }
    }
    if !prefixes.is_empty() && !mode.bcast {
        return refuse("ERR PREFIX option requires BCAST mode to be enabled");
    }
    if mode.bcast && (mode.optin || mode.optout) {
        return refuse("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if mode.optin && mode.optout {
        return refuse("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if let Some(target) = mode.redirect {
        if ctx.server.clients.get(target).is_none() {
            return refuse("ERR The client ID you want redirect to does not exist");
        }
    }
    ctx.server
        .tracking
        .enable(&ctx.client.handle, mode.clone(), &prefixes)
        .map_err(|refused| CommandError::Line(refused.0))?;
    ctx.client.tracking = Some(mode);
    ctx.reply.ok();
    Ok(())
}

/// `CLIENT CACHING YES|NO`: whether the next command's reads are remembered (OPTIN /
/// OPTOUT tracking).
fn caching(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let Some(mode) = ctx.client.tracking.as_ref() else {
        return Err(CommandError::Line("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled".to_string()));
    };
    if is_keyword(&argv[2], "yes") {
        if !mode.optin {
            return Err(CommandError::Line(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
                    .to_string(),
            ));
        }
        ctx.client.caching = Some(true);
    } else if is_keyword(&argv[2], "no") {
        if !mode.optout {
            return Err(CommandError::Line(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
                    .to_string(),
            ));
        }
        ctx.client.caching = Some(false);
    } else {
        return Err(CommandError::Syntax);
    }
    ctx.reply.ok();
    Ok(())
}

/// `CLIENT GETREDIR`: -1 without tracking, 0 without a redirect, else the target's id.
fn getredir(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let redirect = match &ctx.client.tracking {
        None => -1,
        Some(mode) => mode
            .redirect
            .map_or(0, |id| i64::try_from(id).unwrap_or(i64::MAX)),
    };
    ctx.reply.int(redirect);
    Ok(())
}

/// `CLIENT TRACKINGINFO`: flags, redirect and prefixes, as a map.
fn trackinginfo(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let info = ctx.server.tracking.info(ctx.client.id);
    let mut flags: Vec<&str> = Vec::new();
    let (redirect, prefixes) = match &info {
        None => {
            flags.push("off");
            (-1, Vec::new())
        }
        Some((mode, broken, prefixes)) => {
            flags.push("on");
            let set = [
                ("bcast", mode.bcast),
                ("optin", mode.optin),
                ("optout", mode.optout),
                ("caching-yes", ctx.client.caching == Some(true)),
                ("caching-no", ctx.client.caching == Some(false)),
                ("noloop", mode.noloop),
                ("broken_redirect", *broken),
            ];
            flags.extend(set.iter().filter(|(_, on)| *on).map(|(name, _)| *name));
            let redirect = mode
                .redirect
                .map_or(0, |id| i64::try_from(id).unwrap_or(i64::MAX));
            (redirect, prefixes.clone())
        }
    };
    ctx.reply.map(3);
    ctx.reply.bulk(b"flags");
    ctx.reply.set(flags.len());
    for flag in flags {
        ctx.reply.bulk(flag.as_bytes());
    }
    ctx.reply.bulk(b"redirect");
    ctx.reply.int(redirect);
    ctx.reply.bulk(b"prefixes");
    ctx.reply.array(prefixes.len());
    for prefix in prefixes {
        ctx.reply.bulk(&prefix);
    }
    Ok(())
}

fn on_off(arg: &[u8]) -> Result<bool, CommandError> {
    if is_keyword(arg, "on") {
        Ok(true)
    } else if is_keyword(arg, "off") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

fn no_evict(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    ctx.client.no_evict = on_off(&argv[2])?;
    ctx.client
        .handle
        .no_evict
        .store(ctx.client.no_evict, Ordering::Relaxed);
    ctx.reply.ok();
    Ok(())
}

fn no_touch(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    ctx.client.no_touch = on_off(&argv[2])?;
    ctx.reply.ok();
    Ok(())
}

/// `CLIENT SETINFO LIB-NAME|LIB-VER value` (Redis 7.2; client libraries send it on connect).
fn setinfo(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let attribute = &argv[2];
    let value = &argv[3];
    let slot = if is_keyword(attribute, "lib-name") {
        &ctx.client.handle.lib_name
    } else if is_keyword(attribute, "lib-ver") {
        &ctx.client.handle.lib_version
    } else {
        return Err(CommandError::Line(format!(
            "ERR Unrecognized option '{}'",
            printable_line(attribute)
        )));
    };
    if value.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(CommandError::Line(format!(
            "ERR {} cannot contain spaces, newlines or special characters.",
            printable_line(attribute).to_ascii_lowercase()
        )));
    }
    *slot.lock().unwrap_or_else(|p| p.into_inner()) = (!value.is_empty()).then(|| value.clone());
    ctx.reply.ok();
    Ok(())
}

/// No command blocks yet, so no client can be unblocked.
fn unblock(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut args = Args::new(argv, 2);
    let id = args.next_i64()?;
    let mut error = false;
    if !args.is_empty() {
        if args.eat_keyword("error") {
            error = true;
        } else if !args.eat_keyword("timeout") {
            return Err(CommandError::Line(
                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR".to_string(),
            ));
        }
    }
    args.finish()?;
    let waiter = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.server.signals.unblock(id));
    match waiter {
        Some(waiter) => {
            waiter.client.deliver_unblock(|out| {
                if error {
                    out.error(&CommandError::Unblocked);
                } else {
                    super::blocking::timeout_reply(out);
                }
            });
            ctx.reply.int(1);
        }
        None => ctx.reply.int(0),
    }
    Ok(())
}

fn help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "CLIENT",
        &[
            "GETNAME",
            "    Returns the name of this connection.",
            "ID",
            "    Returns the id of this connection.",
            "INFO",
            "    Describes this connection, in CLIENT LIST's format.",
            "KILL <ip:port>",
            "    Closes the connection from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Closes every connection matching all the filters:",
            "    * ID <client-id>",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "    * USER <username>",
            "    * SKIPME (YES|NO)  (default YES: never close the caller)",
            "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> [<id> ...]]",
            "    Describes the connections, one line each.",
            "NO-EVICT (ON|OFF)",
            "    Exempts this connection from client eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Stops this connection's reads from changing keys' access time.",
            "REPLY (ON|OFF|SKIP)",
            "    Turns replies to this connection on or off, or skips the next one.",
            "SETINFO (LIB-NAME|LIB-VER) <value>",
            "    Records the client library's name or version.",
            "SETNAME <name>",
            "    Names this connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblocks a client blocked in a blocking command.",
        ],
    );
    Ok(())
}

const SUB: Flags = Flags::NOSCRIPT.union(Flags::LOADING).union(Flags::STALE);
const ADMIN: Flags = SUB.union(Flags::ADMIN);
const CONN: Acl = Acl::CONNECTION;
const GROUP: &str = "connection";

static SUBCOMMANDS: &[Command] = &[
    Command::new("client|id", 2, Doc::new("Returns the id of the connection.", "5.0.0", GROUP, "O(1)", ""), id)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|getname", 2, Doc::new("Returns the name of the connection.", "2.6.9", GROUP, "O(1)", ""), getname)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|setname", 3, Doc::new("Names the connection.", "2.6.9", GROUP, "O(1)", "connection-name"), setname)
        .flags(SUB)
        .acl(CONN),
    Command::new(
        "client|list",
        -2,
        Doc::new("Describes the open connections.", "2.4.0", GROUP, "O(N) where N is the number of client connections", "[TYPE normal_master_replica_pubsub=(NORMAL|MASTER|REPLICA|PUBSUB)@5.0.0] [ID id=(client-id:integer ...)@6.2.0]"),
        list,
    )
    .flags(ADMIN)
    .acl(CONN)
    .tips(&["nondeterministic_output"]),
    Command::new("client|info", 2, Doc::new("Describes the connection.", "6.2.0", GROUP, "O(1)", ""), info)
        .flags(SUB)
        .acl(CONN)
        .tips(&["nondeterministic_output"]),
    Command::new(
        "client|kill",
        -3,
        Doc::new("Closes connections.", "2.4.0", GROUP, "O(N) where N is the number of client connections", "filter=(ip:port!2.8.12|new-format=([ID client-id:integer@2.8.12]|[TYPE normal_master_slave_pubsub=(NORMAL|MASTER@3.2.0|SLAVE|REPLICA@5.0.0|PUBSUB)@2.8.12]|[USER username]|[ADDR ip:port]|[LADDR ip:port@6.2.0]|[SKIPME yes/no])...)"),
        kill,
    )
    .flags(ADMIN)
    .acl(CONN),
    Command::new("client|reply", 3, Doc::new("Turns the server's replies on or off.", "3.2.0", GROUP, "O(1)", "(ON|OFF|SKIP)"), reply)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|no-evict", 3, Doc::new("Exempts the connection from client eviction.", "7.0.0", GROUP, "O(1)", "enabled=(ON|OFF)"), no_evict)
        .flags(ADMIN)
        .acl(CONN),
    Command::new("client|no-touch", 3, Doc::new("Keeps the connection's reads from changing keys' access time.", "7.2.0", GROUP, "O(1)", "enabled=(ON|OFF)"), no_touch)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|setinfo", 4, Doc::new("Records the client library's name or version.", "7.2.0", GROUP, "O(1)", "(LIB-NAME libname|LIB-VER libver)"), setinfo)
        .flags(SUB)
        .acl(CONN)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    Command::new(
        "client|unblock",
        -3,
        Doc::new("Unblocks a client blocked by a blocking command.", "5.0.0", GROUP, "O(log N) where N is the number of client connections", "client-id:integer [TIMEOUT|ERROR]"),
        unblock,
    )
    .flags(ADMIN)
    .acl(CONN),
    Command::new("client|pause", -3, Doc::new("Stop processing commands from clients for some time", "2.9.50", GROUP, "O(1)", "timeout:integer [mode=(WRITE|ALL)@6.2.0]"), pause)
        .flags(ADMIN)
        .acl(CONN),
    Command::new("client|unpause", 2, Doc::new("Resume processing of clients that were paused", "6.2.0", GROUP, "O(N) Where N is the number of paused clients", ""), unpause)
        .flags(ADMIN)
        .acl(CONN),
    Command::new(
        "client|tracking",
        -3,
        Doc::new("Enables or disables server-assisted client-side caching.", "6.0.0", GROUP, "O(1). Some options may introduce additional complexity.", "status=(ON|OFF) [REDIRECT client-id:integer] [PREFIX+ prefix:string ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]"),
        tracking,
    )
    .flags(SUB)
    .acl(CONN),
    Command::new("client|caching", 3, Doc::new("Instructs the server whether to track the keys in the next request.", "6.0.0", GROUP, "O(1)", "mode=(YES|NO)"), caching)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|getredir", 2, Doc::new("Returns the client ID to which the connection's tracking notifications are redirected.", "6.0.0", GROUP, "O(1)", ""), getredir)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|trackinginfo", 2, Doc::new("Returns information about server-assisted client-side caching for the connection.", "6.2.0", GROUP, "O(1)", ""), trackinginfo)
        .flags(SUB)
        .acl(CONN),
    Command::new("client|help", 2, Doc::new("Lists the CLIENT subcommands.", "5.0.0", GROUP, "O(1)", ""), help)
        .flags(Flags::LOADING.union(Flags::STALE))
        .acl(CONN),
];

pub static COMMANDS: &[Command] = &[Command::container(
    "client",
    Doc::new(
        "Inspects and controls client connections.",
        "2.4.0",
        GROUP,
        "Depends on subcommand.",
        "",
    ),
    SUBCOMMANDS,
)];
