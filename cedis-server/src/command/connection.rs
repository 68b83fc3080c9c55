//! Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use cedis_resp::Protocol;

use super::{Acl, Command, Ctx, Doc, Flags};
use crate::args::{is_keyword, parse_i64, Args};
use crate::client::ReplyMode;
use crate::error::{CommandError, CommandResult};

/// The version cedis reports: clients gate features on it, and cedis implements Redis
/// 7.0.15's behaviour.
pub const REDIS_VERSION: &str = "7.0.15";

fn ping(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if argv.len() > 2 {
        return Err(CommandError::WrongArity("ping".to_string()));
    }
    if ctx.client.in_resp2_subscribe_mode() {
        // A subscriber's replies share the stream with messages: Redis answers with the
        // shape of a message.
        ctx.reply.array(2);
        ctx.reply.bulk(b"pong");
        ctx.reply.bulk(argv.get(1).map_or(&b""[..], |m| &m[..]));
        return Ok(());
    }
    match argv.get(1) {
        Some(message) => ctx.reply.bulk(message),
        None => ctx.reply.simple(b"PONG"),
    }
    Ok(())
}

fn echo(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    ctx.reply.bulk(&argv[1]);
    Ok(())
}

fn quit(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.ok();
    ctx.client.close_after_reply = true;
    Ok(())
}

fn select(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let index = parse_i64(&argv[1]).ok_or(CommandError::NotInteger)?;
    let databases = ctx.server.config().databases;
    let index = usize::try_from(index)
        .ok()
        .filter(|&i| i < databases)
        .ok_or(CommandError::DbIndexOutOfRange)?;
    ctx.client.select(index);
    ctx.reply.ok();
    Ok(())
}

/// Checks a username/password pair against the only user cedis has: `default`, whose
/// password is `requirepass` (no password configured means any password is accepted).
fn check_credentials(ctx: &Ctx<'_>, user: &[u8], password: &[u8]) -> CommandResult {
    let config = ctx.server.config();
    let password_ok = match &config.requirepass {
        Some(expected) => expected.as_slice() == password,
        None => true,
    };
    if user == b"default" && password_ok {
        Ok(())
    } else {
        Err(CommandError::WrongPass)
    }
}

fn auth(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let (user, password) = match argv {
        [_, password] => {
            if ctx.server.config().requirepass.is_none() {
                return Err(CommandError::AuthNotConfigured);
            }
            (&b"default"[..], password)
        }
        [_, user, password] => (&user[..], password),
        _ => return Err(CommandError::Syntax),
    };
    check_credentials(ctx, user, password)?;
    ctx.client.authenticated = true;
    ctx.reply.ok();
    Ok(())
}

/// Client names are printable ASCII without spaces, so `CLIENT LIST` stays parseable.
pub fn validate_client_name(name: &[u8]) -> Result<(), CommandError> {
    if name.iter().all(|&b| (b'!'..=b'~').contains(&b)) {
        Ok(())
    } else {
        Err(CommandError::InvalidClientName)
    }
}

/// Sets (or, for an empty name, clears) the connection's name.
pub fn set_client_name(ctx: &mut Ctx<'_>, name: &Bytes) -> CommandResult {
    validate_client_name(name)?;
    let mut slot = ctx
        .client
        .handle
        .name
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    *slot = (!name.is_empty()).then(|| name.clone());
    Ok(())
}

fn hello(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut args = Args::new(argv, 1);
    let mut protocol = ctx.client.protocol;
    if let Some(version) = args.peek() {
        let version = parse_i64(version).ok_or(CommandError::ProtocolVersionNotInteger)?;
        protocol = match version {
            2 => Protocol::Resp2,
            3 => Protocol::Resp3,
            _ => return Err(CommandError::NoProto),
        };
        args.next_bytes()?;
    }
    let mut credentials = None;
    let mut name = None;
    while let Some(option) = args.peek() {
        let syntax = || {
            CommandError::Line(format!(
                "ERR Syntax error in HELLO option '{}'",
                crate::error::printable_line(option)
            ))
        };
        args.next_bytes()?;
        if is_keyword(option, "auth") && args.remaining() >= 2 {
            credentials = Some((args.next_bytes()?, args.next_bytes()?));
        } else if is_keyword(option, "setname") && args.remaining() >= 1 {
            name = Some(args.next_bytes()?);
        } else {
            return Err(syntax());
        }
    }
    if let Some((user, password)) = credentials {
        check_credentials(ctx, user, password)?;
        ctx.client.authenticated = true;
    }
    if !ctx.client.authenticated {
        return Err(CommandError::Line(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
             HELLO AUTH <user> <pass> option can be used to authenticate the client and \
             select the RESP protocol version at the same time"
                .to_string(),
        ));
    }
    if let Some(name) = name {
        set_client_name(ctx, name)?;
    }
    ctx.set_protocol(protocol);
    let reply = &mut *ctx.reply;
    reply.map(7);
    reply.bulk(b"server");
    reply.bulk(b"redis");
    reply.bulk(b"version");
    reply.bulk(REDIS_VERSION.as_bytes());
    reply.bulk(b"proto");
    reply.int(match protocol {
        Protocol::Resp2 => 2,
        Protocol::Resp3 => 3,
    });
    reply.bulk(b"id");
    reply.int(i64::try_from(ctx.client.id).unwrap_or(i64::MAX));
    reply.bulk(b"mode");
    reply.bulk(b"standalone");
    reply.bulk(b"role");
    reply.bulk(b"master");
    reply.bulk(b"modules");
    reply.array(0);
    Ok(())
}

fn reset(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    super::transaction::discard_transaction(ctx.client);
    super::transaction::unwatch_all(ctx.server, ctx.client);
    super::pubsub::unsubscribe_all(ctx.server, ctx.client);
    ctx.client.select(0);
    ctx.set_protocol(Protocol::Resp2);
    ctx.client.reply_mode = ReplyMode::On;
    ctx.client.no_evict = false;
    ctx.client.handle.no_evict.store(false, Ordering::Relaxed);
    ctx.client.no_touch = false;
    if ctx.client.tracking.take().is_some() {
        ctx.server.tracking.disable(ctx.client.id);
    }
    ctx.client.caching = None;
    if ctx.client.monitor {
        ctx.client.monitor = false;
        ctx.client.handle.monitor.store(false, Ordering::Relaxed);
        ctx.server.monitors.remove(ctx.client.id);
    }
    ctx.client.authenticated = !ctx.server.auth_required();
    *ctx.client
        .handle
        .name
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = None;
    ctx.reply.simple(b"RESET");
    Ok(())
}

const CONN: Acl = Acl::CONNECTION;
const ALWAYS: Flags = Flags::NOSCRIPT
    .union(Flags::LOADING)
    .union(Flags::STALE)
    .union(Flags::FAST)
    .union(Flags::NO_AUTH)
    .union(Flags::ALLOW_BUSY);

pub static COMMANDS: &[Command] = &[
    Command::new(
        "ping",
        -1,
        Doc::new(
            "Checks that the server answers; replies PONG or echoes the message.",
            "1.0.0",
            "connection",
            "O(1)",
            "[message]",
        ),
        ping,
    )
    .flags(Flags::FAST)
    .acl(CONN)
    .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    Command::new(
        "echo",
        2,
        Doc::new(
            "Replies with the given message.",
            "1.0.0",
            "connection",
            "O(1)",
            "message",
        ),
        echo,
    )
    .flags(Flags::LOADING.union(Flags::STALE).union(Flags::FAST))
    .acl(CONN),
    Command::new(
        "quit",
        -1,
        Doc::new(
            "Replies OK and closes the connection.",
            "1.0.0",
            "connection",
            "O(1)",
            "",
        ),
        quit,
    )
    .flags(ALWAYS)
    .acl(CONN),
    Command::new(
        "select",
        2,
        Doc::new(
            "Switches the connection to another logical database.",
            "1.0.0",
            "connection",
            "O(1)",
            "index:integer",
        ),
        select,
    )
    .flags(Flags::LOADING.union(Flags::STALE).union(Flags::FAST))
    .acl(CONN),
    Command::new(
        "auth",
        -2,
        Doc::new(
            "Authenticates the connection.",
            "1.0.0",
            "connection",
            "O(N) where N is the number of passwords defined for the user",
            "[username@6.0.0] password",
        ),
        auth,
    )
    .flags(ALWAYS)
    .acl(CONN),
    Command::new(
        "hello",
        -1,
        Doc::new(
            "Negotiates the protocol version, optionally authenticating and naming the connection.",
            "6.0.0",
            "connection",
            "O(1)",
            "arguments=[protover:integer [AUTH username password] [SETNAME clientname]]",
        ),
        hello,
    )
    .flags(ALWAYS)
    .acl(CONN),
    Command::new(
        "reset",
        1,
        Doc::new(
            "Returns the connection to its initial state.",
            "6.2.0",
            "connection",
            "O(1)",
            "",
        ),
        reset,
    )
    .flags(ALWAYS)
    .acl(CONN),
];
