//! Blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
//!
//! A blocking command first behaves as its non-blocking form. When none of its keys
//! exists it blocks: it sets [`crate::client::ClientState::blocked`], and the connection
//! registers the wait with [`crate::signals::KeySignals`] before the keyspace lock is
//! released (so no push can slip in between) and runs nothing more until it is answered.
//!
//! A write to a waited-on key marks it ready. After each command the writing connection
//! serves the ready keys ([`serve_ready_keys`]), still under the keyspace lock: each
//! waiter's command runs again, oldest waiter first, for that key only, on the waiter's
//! behalf; its reply goes to the waiter's outbox. A waiter whose key holds nothing it can
//! use (emptied again, or now another type) keeps waiting, as in Redis 7.0. Because
//! serving happens after the whole command (or whole EXEC), a transaction that pushes and
//! pops leaves nothing for the waiter; a BLMOVE that pushes onto a waited key makes that
//! key ready in turn.
//!
//! Inside EXEC the commands never block: they answer as if they had timed out.

use bytes::Bytes;

use super::{Acl, Command, Ctx, Doc, DocFlags, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{is_keyword, parse_i64};
use crate::client::{BlockRequest, ClientState};
use crate::error::{CommandError, CommandResult};
use crate::reply::Reply;

/// Parses a blocking timeout in seconds (`0`: forever) as Redis 7.0 does; the deadline.
fn parse_timeout(arg: &[u8]) -> Result<Option<std::time::Instant>, CommandError> {
    let parsed =
        cedis_types::number::parse_long_double(arg).ok_or(CommandError::TimeoutNotFloat)?;
    let value = parsed.to_f64();
    if value < 0.0 {
        return Err(CommandError::TimeoutNegative);
    }
    // `inf` waits forever; a finite value too large for milliseconds wraps negative.
    if !parsed.is_finite() || value == 0.0 {
        return Ok(None);
    }
    let ms = value * 1000.0;
    // Redis converts to a signed 64-bit millisecond count: past it, the value wraps
    // negative.
    if ms >= i64::MAX as f64 {
        return Err(CommandError::TimeoutNegative);
    }
    let ms = (ms as u64).max(1);
    Ok(std::time::Instant::now().checked_add(std::time::Duration::from_millis(ms)))
}

/// How this run of a blocking command may end when there is nothing to pop.
enum Mode {
    /// A client's own call: block.
    Block,
    /// Inside EXEC: answer with the timeout reply.
    Exec,
    /// Serving a waiter because `key` got data: pop from that key or keep waiting.
    Serve(Bytes),
}

fn mode(ctx: &Ctx<'_>) -> Mode {
    if let Some(key) = &ctx.serving {
        Mode::Serve(key.clone())
    } else if ctx.in_exec {
        Mode::Exec
    } else {
        Mode::Block
    }
}

/// The type a key must hold for the command to use it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    List,
    ZSet,
}

/// Whether `key` holds a non-empty value of the wanted type (no lookup side effects
/// beyond lazy expiry).
fn has_data(ctx: &mut Ctx<'_>, key: &[u8], want: Want) -> bool {
    let now = ctx.now_ms();
    match ctx.db().get(key, now) {
        Some(v) => match want {
            Want::List => v.as_list().is_some(),
            Want::ZSet => v.as_zset().is_some(),
        },
        None => false,
    }
}

/// The first of `keys` that exists at all (any type: the non-blocking form then either
/// serves it or answers WRONGTYPE).
fn first_existing(ctx: &mut Ctx<'_>, keys: &[Bytes]) -> Option<Bytes> {
    let now = ctx.now_ms();
    keys.iter()
        .find(|k| ctx.db().get(k, now).is_some())
        .cloned()
}

/// What a blocking command does when it has nothing to pop.
fn wait(ctx: &mut Ctx<'_>, mode: Mode, keys: &[Bytes], deadline_arg: &[u8]) -> CommandResult {
    match mode {
        Mode::Exec => {
            ctx.reply.null_array();
            Ok(())
        }
        Mode::Block | Mode::Serve(_) => {
            ctx.client.blocked = Some(BlockRequest {
                keys: keys.to_vec(),
                deadline: parse_timeout(deadline_arg)?,
            });
            Ok(())
        }
    }
}

/// Runs `handler` with a rewritten argument vector.
fn run_as(ctx: &mut Ctx<'_>, handler: super::Handler, argv: Vec<Bytes>) -> CommandResult {
    handler(ctx, &argv)
}

fn bpop_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], head: bool) -> CommandResult {
    let (timeout, keys) = argv[1..].split_last().ok_or(CommandError::Syntax)?;
    parse_timeout(timeout)?;
    let mode = mode(ctx);
    let key = match &mode {
        Mode::Serve(key) => has_data(ctx, key, Want::List).then(|| key.clone()),
        _ => first_existing(ctx, keys),
    };
    let Some(key) = key else {
        return wait(ctx, mode, keys, timeout);
    };
    let pop: super::Handler = if head {
        super::list::lpop
    } else {
        super::list::rpop
    };
    // LPOP answers WRONGTYPE itself; otherwise its bulk goes after the key.
    let mark = ctx.reply.len();
    ctx.reply.array(2);
    ctx.reply.bulk(&key);
    let name = Bytes::from_static(if head { b"lpop" } else { b"rpop" });
    if let Err(err) = run_as(ctx, pop, vec![name, key.clone()]) {
        ctx.reply.truncate(mark);
        return Err(err);
    }
    // Logged in its non-blocking form, as Redis does.
    let logged = Bytes::from_static(if head { b"LPOP" } else { b"RPOP" });
    ctx.propagate_as = Some(vec![vec![logged, key]]);
    Ok(())
}

fn blpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bpop_generic(ctx, argv, true)
}

fn brpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bpop_generic(ctx, argv, false)
}

fn side_ok(arg: &[u8]) -> bool {
    is_keyword(arg, "left") || is_keyword(arg, "right")
}

fn bmove_generic(
    ctx: &mut Ctx<'_>,
    src: &Bytes,
    dst: &Bytes,
    from: Bytes,
    to: Bytes,
    timeout: &[u8],
) -> CommandResult {
    if !side_ok(&from) || !side_ok(&to) {
        return Err(CommandError::Syntax);
    }
    parse_timeout(timeout)?;
    let mode = mode(ctx);
    // Inside EXEC the command is LMOVE outright (a missing source answers a null bulk).
    let ready = match &mode {
        Mode::Serve(_) => has_data(ctx, src, Want::List),
        Mode::Exec => true,
        Mode::Block => first_existing(ctx, std::slice::from_ref(src)).is_some(),
    };
    if !ready {
        return wait(ctx, mode, std::slice::from_ref(src), timeout);
    }
    let argv = vec![
        Bytes::from_static(b"lmove"),
        src.clone(),
        dst.clone(),
        from.clone(),
        to.clone(),
    ];
    run_as(ctx, super::list::lmove, argv)?;
    let logged = vec![
        Bytes::from_static(b"LMOVE"),
        src.clone(),
        dst.clone(),
        from,
        to,
    ];
    ctx.propagate_as = Some(vec![logged]);
    Ok(())
}

fn blmove(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bmove_generic(
        ctx,
        &argv[1],
        &argv[2],
        argv[3].clone(),
        argv[4].clone(),
        &argv[5],
    )
}

fn brpoplpush(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bmove_generic(
        ctx,
        &argv[1],
        &argv[2],
        Bytes::from_static(b"right"),
        Bytes::from_static(b"left"),
        &argv[3],
    )
}

/// BLMPOP/BZMPOP: `timeout numkeys key... <rest>` → the non-blocking `numkeys key...
/// <rest>`, for the ready key only when serving.
fn bmpop_generic(
    ctx: &mut Ctx<'_>,
    argv: &[Bytes],
    name: &'static [u8],
    handler: super::Handler,
    want: Want,
) -> CommandResult {
    parse_timeout(&argv[1])?;
    let numkeys = parse_i64(&argv[2])
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let keys: Vec<Bytes> = argv.get(3..3 + numkeys).unwrap_or_default().to_vec();
    let rest = argv.get(3 + numkeys..).unwrap_or_default();
    let mode = mode(ctx);
    let mut call = vec![Bytes::from_static(name)];
    if let Mode::Serve(key) = &mode {
        if !has_data(ctx, key, want) {
            return wait(ctx, mode, &keys, &argv[1]);
        }
        call.push(Bytes::from_static(b"1"));
        call.push(key.clone());
        call.extend_from_slice(rest);
        return run_as(ctx, handler, call);
    }
    call.extend_from_slice(&argv[2..]);
    if keys.is_empty() || first_existing(ctx, &keys).is_some() {
        // Serves, or answers the argument error / WRONGTYPE.
        return run_as(ctx, handler, call);
    }
    // Nothing to pop: still let the non-blocking form check the arguments.
    let mark = ctx.reply.len();
    run_as(ctx, handler, call)?;
    ctx.reply.truncate(mark);
    wait(ctx, mode, &keys, &argv[1])
}

fn blmpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bmpop_generic(ctx, argv, b"lmpop", super::list::lmpop, Want::List)
}

fn bzmpop(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bmpop_generic(ctx, argv, b"zmpop", super::zset::zmpop, Want::ZSet)
}

fn bzpop_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], max: bool) -> CommandResult {
    let (timeout, keys) = argv[1..].split_last().ok_or(CommandError::Syntax)?;
    parse_timeout(timeout)?;
    let mode = mode(ctx);
    let key = match &mode {
        Mode::Serve(key) => has_data(ctx, key, Want::ZSet).then(|| key.clone()),
        _ => first_existing(ctx, keys),
    };
    let Some(key) = key else {
        return wait(ctx, mode, keys, timeout);
    };
    if !has_data(ctx, &key, Want::ZSet) {
        return Err(CommandError::WrongType);
    }
    let now = ctx.now_ms();
    let popped = super::zset::pop_n(ctx.db(), &key, now, 1, max);
    let Some((score, member)) = popped.into_iter().next() else {
        return wait(ctx, mode, keys, timeout);
    };
    let class = crate::config::keyspace_events::ZSET;
    ctx.notify(class, if max { "zpopmax" } else { "zpopmin" }, &key);
    if ctx.db().get(&key, now).is_none() {
        ctx.notify(crate::config::keyspace_events::GENERIC, "del", &key);
    }
    ctx.reply.array(3);
    ctx.reply.bulk(&key);
    ctx.reply.bulk(&member);
    ctx.reply.double(score);
    let logged = Bytes::from_static(if max { b"ZPOPMAX" } else { b"ZPOPMIN" });
    ctx.propagate_as = Some(vec![vec![logged, key]]);
    Ok(())
}

fn bzpopmin(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bzpop_generic(ctx, argv, false)
}

fn bzpopmax(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    bzpop_generic(ctx, argv, true)
}

/// Serves the clients blocked on keys that got data, until no key is ready (serving a
/// BLMOVE can make its destination ready). Runs under the keyspace lock, after a
/// command (or a whole EXEC) finished.
pub fn serve_ready_keys(ctx: &mut Ctx<'_>) {
    loop {
        let ready = ctx.server.signals.take_ready();
        if ready.is_empty() {
            return;
        }
        for (db, key) in ready {
            for waiter in ctx.server.signals.waiters(db, &key) {
                serve_waiter(ctx, &waiter, &key);
            }
        }
    }
}

/// Runs `waiter`'s command again for `key`; answers it unless it must keep waiting.
fn serve_waiter(ctx: &mut Ctx<'_>, waiter: &crate::signals::BlockedClient, key: &Bytes) {
    let mut client = ClientState::new(waiter.client.clone(), true);
    client.db = waiter.db;
    client.protocol = waiter.protocol;
    let mut reply = Reply::new(waiter.protocol);
    ctx.run_for(&mut client, &mut reply, key, &waiter.argv);
    if client.blocked.is_some() {
        return;
    }
    if ctx.server.signals.unblock(waiter.client.id).is_some() {
        let bytes = reply.buffer().clone();
        waiter
            .client
            .deliver_unblock(|out| out.buffer_mut().extend_from_slice(&bytes));
    }
}

/// The reply a blocked client gets on timeout (or CLIENT UNBLOCK … TIMEOUT).
pub fn timeout_reply(reply: &mut Reply) {
    reply.null_array();
}

const BLOCK_FLAGS: Flags = Flags::WRITE.union(Flags::NOSCRIPT).union(Flags::BLOCKING);
const MPOP_FLAGS: Flags = Flags::WRITE
    .union(Flags::BLOCKING)
    .union(Flags::MOVABLEKEYS);

const RW_ACCESS_DELETE: K = K::RW.union(K::ACCESS).union(K::DELETE);
/// BLMPOP/BZMPOP: `numkeys` at argument 2, the keys after it.
const MPOP_KEYS: &[KeySpec] = &[KeySpec::new(
    RW_ACCESS_DELETE,
    super::BeginSearch::Index(2),
    super::FindKeys::Keynum {
        keynumidx: 0,
        firstkey: 1,
        keystep: 1,
    },
)];

const fn doc(
    summary: &'static str,
    since: &'static str,
    group: &'static str,
    syntax: &'static str,
) -> Doc {
    Doc::new(
        summary,
        since,
        group,
        "O(N) where N is the number of keys checked",
        syntax,
    )
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "blpop",
        -3,
        doc(
            "Pops the first element of the first non-empty list, waiting for one if none is.",
            "2.0.0",
            "list",
            "key:key ... timeout:double",
        ),
        blpop,
    )
    .flags(BLOCK_FLAGS)
    .acl(Acl::LIST)
    .keys(1, -2, 1)
    .key_specs(&[KeySpec::range(RW_ACCESS_DELETE, 1, -2, 1)]),
    Command::new(
        "brpop",
        -3,
        doc(
            "Pops the last element of the first non-empty list, waiting for one if none is.",
            "2.0.0",
            "list",
            "key:key ... timeout:double",
        ),
        brpop,
    )
    .flags(BLOCK_FLAGS)
    .acl(Acl::LIST)
    .keys(1, -2, 1)
    .key_specs(&[KeySpec::range(RW_ACCESS_DELETE, 1, -2, 1)]),
    Command::new(
        "brpoplpush",
        4,
        Doc::new(
            "Moves the last element of a list to the head of another, waiting for one.",
            "2.2.0",
            "list",
            "O(1)",
            "source:key destination:key timeout:double",
        )
        .flags(DocFlags::DEPRECATED)
        .deprecated_since("6.2.0")
        .replaced_by("`BLMOVE` with the `RIGHT` and `LEFT` arguments"),
        brpoplpush,
    )
    .flags(BLOCK_FLAGS.union(Flags::DENYOOM))
    .acl(Acl::LIST)
    .keys(1, 2, 1)
    .key_specs(&[
        KeySpec::single(RW_ACCESS_DELETE, 1),
        KeySpec::single(K::RW.union(K::INSERT), 2),
    ]),
    Command::new(
        "blmove",
        6,
        Doc::new(
            "Moves an element from one list to another, waiting for one.",
            "6.2.0",
            "list",
            "O(1)",
            "source:key destination:key wherefrom=(LEFT|RIGHT) whereto=(LEFT|RIGHT) timeout:double",
        ),
        blmove,
    )
    .flags(BLOCK_FLAGS.union(Flags::DENYOOM))
    .acl(Acl::LIST)
    .keys(1, 2, 1)
    .key_specs(&[
        KeySpec::single(RW_ACCESS_DELETE, 1),
        KeySpec::single(K::RW.union(K::INSERT), 2),
    ]),
    Command::new(
        "blmpop",
        -5,
        doc(
            "Pops elements from the first non-empty list, waiting for one if none is.",
            "7.0.0",
            "list",
            "timeout:double numkeys:integer key:key ... where=(LEFT|RIGHT) [COUNT count:integer]",
        ),
        blmpop,
    )
    .flags(MPOP_FLAGS)
    .acl(Acl::LIST)
    .key_specs(MPOP_KEYS),
    Command::new(
        "bzpopmin",
        -3,
        doc(
            "Pops the lowest-scored member of the first non-empty sorted set, waiting for one.",
            "5.0.0",
            "sorted-set",
            "key:key ... timeout:double",
        ),
        bzpopmin,
    )
    .flags(BLOCK_FLAGS.union(Flags::FAST))
    .acl(Acl::SORTEDSET)
    .keys(1, -2, 1)
    .key_specs(&[KeySpec::range(RW_ACCESS_DELETE, 1, -2, 1)]),
    Command::new(
        "bzpopmax",
        -3,
        doc(
            "Pops the highest-scored member of the first non-empty sorted set, waiting for one.",
            "5.0.0",
            "sorted-set",
            "key:key ... timeout:double",
        ),
        bzpopmax,
    )
    .flags(BLOCK_FLAGS.union(Flags::FAST))
    .acl(Acl::SORTEDSET)
    .keys(1, -2, 1)
    .key_specs(&[KeySpec::range(RW_ACCESS_DELETE, 1, -2, 1)]),
    Command::new(
        "bzmpop",
        -5,
        doc(
            "Pops members from the first non-empty sorted set, waiting for one if none is.",
            "7.0.0",
            "sorted-set",
            "timeout:double numkeys:integer key:key ... where=(MIN|MAX) [COUNT count:integer]",
        ),
        bzmpop,
    )
    .flags(MPOP_FLAGS)
    .acl(Acl::SORTEDSET)
    .key_specs(MPOP_KEYS),
];
