//! `CLIENT` and its subcommands.

use std::sync::Arc;

use bytes::Bytes;

use super::connection::set_client_name;
use super::{Acl, Command, Ctx, Doc, Flags};
use crate::args::{is_keyword, parse_i64, Args};
use crate::client::{ClientHandle, ReplyMode};
use crate::error::{printable_line, CommandError, CommandResult};

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

/// Client types of `CLIENT LIST TYPE` / `CLIENT KILL TYPE`. Every cedis client is a normal
/// client until pub/sub and replication exist.
fn client_type_matches(kind: &[u8], _client: &ClientHandle) -> Result<bool, CommandError> {
    if is_keyword(kind, "normal") {
        Ok(true)
    } else if ["master", "replica", "slave", "pubsub"]
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
        if self.skip_me && client.id == me {
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

fn reply(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mode = &argv[2];
    ctx.client.reply_mode = if is_keyword(mode, "on") {
        ReplyMode::On
    } else if is_keyword(mode, "off") {
        ReplyMode::Off
    } else if is_keyword(mode, "skip") {
        ReplyMode::SkipNext
    } else {
        return Err(CommandError::Syntax);
    };
    ctx.reply.ok();
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
