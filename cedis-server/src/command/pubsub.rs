//! Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB.
//!
//! A connection's own subscriptions live in its [`crate::client::Subscriptions`]; the
//! server-wide registry ([`crate::pubsub::PubSub`]) maps names to subscribers. The
//! confirmations go into the connection's normal reply; messages arrive through its
//! outbox, which the connection writes after its own replies, so a confirmation always
//! precedes the first message it allows.
//!
//! Under RESP2 a subscribed connection may only run the subscribe family, PING, QUIT and
//! RESET (enforced in [`super::dispatch`]); PING then answers `pong` as a two-element
//! array, as Redis does.

use bytes::Bytes;

use super::{Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::client::OrderedNames;
use crate::error::{CommandError, CommandResult};
use crate::pubsub::Kind;

const GROUP: &str = "pubsub";

/// The confirmation event names of one kind: (subscribe, unsubscribe).
fn events(kind: Kind) -> (&'static [u8], &'static [u8]) {
    match kind {
        Kind::Channel => (b"subscribe", b"unsubscribe"),
        Kind::Pattern => (b"psubscribe", b"punsubscribe"),
        Kind::ShardChannel => (b"ssubscribe", b"sunsubscribe"),
    }
}

fn names_mut<'c>(ctx: &'c mut Ctx<'_>, kind: Kind) -> &'c mut OrderedNames {
    let subs = &mut ctx.client.subscriptions;
    match kind {
        Kind::Channel => &mut subs.channels,
        Kind::Pattern => &mut subs.patterns,
        Kind::ShardChannel => &mut subs.shard_channels,
    }
}

/// The count a confirmation carries: shard channels count apart from the rest.
fn confirmed_count(ctx: &Ctx<'_>, kind: Kind) -> usize {
    let subs = &ctx.client.subscriptions;
    match kind {
        Kind::ShardChannel => subs.shard_channels.len(),
        _ => subs.channels_and_patterns(),
    }
}

fn confirm(ctx: &mut Ctx<'_>, event: &[u8], name: Option<&[u8]>, kind: Kind) {
    let count = confirmed_count(ctx, kind);
    ctx.reply.push(3);
    ctx.reply.bulk(event);
    ctx.reply.bulk_or_null(name);
    ctx.reply.int(i64::try_from(count).unwrap_or(i64::MAX));
}

fn subscribe_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], kind: Kind) -> CommandResult {
    let (event, _) = events(kind);
    for name in &argv[1..] {
        if names_mut(ctx, kind).insert(name) {
            ctx.server.pubsub.subscribe(kind, name, &ctx.client.handle);
        }
        confirm(ctx, event, Some(name), kind);
    }
    ctx.client.publish_sub_counts();
    Ok(())
}

/// Unsubscribes from the names given, or from every name of the kind when none is; with
/// nothing to drop, one confirmation with a null name.
fn unsubscribe_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], kind: Kind) -> CommandResult {
    let (_, event) = events(kind);
    let names: Vec<Bytes> = if argv.len() > 1 {
        argv[1..].to_vec()
    } else {
        names_mut(ctx, kind).names()
    };
    if names.is_empty() {
        confirm(ctx, event, None, kind);
    }
    for name in &names {
        if names_mut(ctx, kind).remove(name) {
            ctx.server.pubsub.unsubscribe(kind, name, ctx.client.id);
        }
        confirm(ctx, event, Some(name), kind);
    }
    ctx.client.publish_sub_counts();
    Ok(())
}

/// Drops every subscription of the connection without confirmations (disconnect,
/// RESET).
pub fn unsubscribe_all(server: &crate::server::Server, client: &mut crate::client::ClientState) {
    let subs = &mut client.subscriptions;
    for (kind, names) in [
        (Kind::Channel, &mut subs.channels),
        (Kind::Pattern, &mut subs.patterns),
        (Kind::ShardChannel, &mut subs.shard_channels),
    ] {
        for name in names.names() {
            server.pubsub.unsubscribe(kind, &name, client.id);
        }
        *names = OrderedNames::default();
    }
    client.publish_sub_counts();
}

fn subscribe(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    subscribe_generic(ctx, argv, Kind::Channel)
}

fn psubscribe(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    subscribe_generic(ctx, argv, Kind::Pattern)
}

fn ssubscribe(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    subscribe_generic(ctx, argv, Kind::ShardChannel)
}

fn unsubscribe(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    unsubscribe_generic(ctx, argv, Kind::Channel)
}

fn punsubscribe(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    unsubscribe_generic(ctx, argv, Kind::Pattern)
}

fn sunsubscribe(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    unsubscribe_generic(ctx, argv, Kind::ShardChannel)
}

fn publish_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], kind: Kind) -> CommandResult {
    let limit = ctx.server.pubsub_output_limit();
    let receivers = ctx.server.pubsub.publish(kind, &argv[1], &argv[2], limit);
    ctx.reply.int(i64::try_from(receivers).unwrap_or(i64::MAX));
    Ok(())
}

fn publish(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    publish_generic(ctx, argv, Kind::Channel)
}

fn spublish(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    publish_generic(ctx, argv, Kind::ShardChannel)
}

fn channels_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], kind: Kind) -> CommandResult {
    if argv.len() > 3 {
        return Err(CommandError::SubcommandArity {
            sub: String::from_utf8_lossy(&argv[1]).into_owned(),
            command: "PUBSUB",
        });
    }
    let names = ctx
        .server
        .pubsub
        .channels(kind, argv.get(2).map(|p| &p[..]));
    ctx.reply.array(names.len());
    for name in &names {
        ctx.reply.bulk(name);
    }
    Ok(())
}

fn numsub_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], kind: Kind) -> CommandResult {
    ctx.reply.map(argv.len() - 2);
    for channel in &argv[2..] {
        ctx.reply.bulk(channel);
        let count = ctx.server.pubsub.numsub(kind, channel);
        ctx.reply.int(i64::try_from(count).unwrap_or(i64::MAX));
    }
    Ok(())
}

fn channels(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    channels_generic(ctx, argv, Kind::Channel)
}

fn shardchannels(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    channels_generic(ctx, argv, Kind::ShardChannel)
}

fn numsub(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    numsub_generic(ctx, argv, Kind::Channel)
}

fn shardnumsub(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    numsub_generic(ctx, argv, Kind::ShardChannel)
}

fn numpat(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let count = ctx.server.pubsub.numpat();
    ctx.reply.int(i64::try_from(count).unwrap_or(i64::MAX));
    Ok(())
}

fn help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Lists the channels with subscribers, optionally only those matching <pattern>.",
            "NUMPAT",
            "    Counts the patterns with subscribers.",
            "NUMSUB [<channel> ...]",
            "    Counts each channel's subscribers (pattern subscriptions not included).",
            "SHARDCHANNELS [<pattern>]",
            "    Lists the shard channels with subscribers, optionally matching <pattern>.",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Counts each shard channel's subscribers.",
            "HELP",
            "    Prints this help.",
        ],
    );
    Ok(())
}

const SUB_FLAGS: Flags = Flags::PUBSUB
    .union(Flags::NOSCRIPT)
    .union(Flags::LOADING)
    .union(Flags::STALE);
const INFO_FLAGS: Flags = Flags::PUBSUB.union(Flags::LOADING).union(Flags::STALE);
const SHARD_SPECS: &[KeySpec] = &[KeySpec::range(K::NOT_KEY, 1, -1, 1)];

const fn doc(summary: &'static str, since: &'static str, syntax: &'static str) -> Doc {
    Doc::new(
        summary,
        since,
        GROUP,
        "O(N) where N is the number of names",
        syntax,
    )
}

static SUBCOMMANDS: &[Command] = &[
    Command::new(
        "pubsub|channels",
        -2,
        doc("Lists the active channels.", "2.8.0", "[pattern:pattern]"),
        channels,
    )
    .flags(INFO_FLAGS),
    Command::new(
        "pubsub|numpat",
        2,
        doc("Counts the patterns with subscribers.", "2.8.0", ""),
        numpat,
    )
    .flags(INFO_FLAGS),
    Command::new(
        "pubsub|numsub",
        -2,
        doc(
            "Counts the subscribers of channels.",
            "2.8.0",
            "[channel ...]",
        ),
        numsub,
    )
    .flags(INFO_FLAGS),
    Command::new(
        "pubsub|shardchannels",
        -2,
        doc(
            "Lists the active shard channels.",
            "7.0.0",
            "[pattern:pattern]",
        ),
        shardchannels,
    )
    .flags(INFO_FLAGS),
    Command::new(
        "pubsub|shardnumsub",
        -2,
        doc(
            "Counts the subscribers of shard channels.",
            "7.0.0",
            "[shardchannel ...]",
        ),
        shardnumsub,
    )
    .flags(INFO_FLAGS),
    Command::new(
        "pubsub|help",
        2,
        doc("Describes the PUBSUB subcommands.", "6.2.0", ""),
        help,
    )
    .flags(Flags::LOADING.union(Flags::STALE)),
];

pub static COMMANDS: &[Command] = &[
    Command::new(
        "subscribe",
        -2,
        doc(
            "Listens to messages published to channels.",
            "2.0.0",
            "channel ...",
        ),
        subscribe,
    )
    .flags(SUB_FLAGS),
    Command::new(
        "unsubscribe",
        -1,
        doc("Stops listening to channels.", "2.0.0", "[channel ...]"),
        unsubscribe,
    )
    .flags(SUB_FLAGS),
    Command::new(
        "psubscribe",
        -2,
        doc(
            "Listens to messages published to channels matching patterns.",
            "2.0.0",
            "pattern=(pattern:pattern) ...",
        ),
        psubscribe,
    )
    .flags(SUB_FLAGS),
    Command::new(
        "punsubscribe",
        -1,
        doc(
            "Stops listening to patterns.",
            "2.0.0",
            "[pattern:pattern ...]",
        ),
        punsubscribe,
    )
    .flags(SUB_FLAGS),
    Command::new(
        "ssubscribe",
        -2,
        doc(
            "Listens to messages published to shard channels.",
            "7.0.0",
            "shardchannel ...",
        ),
        ssubscribe,
    )
    .flags(SUB_FLAGS)
    .keys(1, -1, 1)
    .key_specs(SHARD_SPECS),
    Command::new(
        "sunsubscribe",
        -1,
        doc(
            "Stops listening to shard channels.",
            "7.0.0",
            "[shardchannel ...]",
        ),
        sunsubscribe,
    )
    .flags(SUB_FLAGS)
    .keys(1, -1, 1)
    .key_specs(SHARD_SPECS),
    Command::new(
        "publish",
        3,
        Doc::new(
            "Posts a message to a channel.",
            "2.0.0",
            GROUP,
            "O(N+M) where N is the number of subscribers and M the number of patterns",
            "channel message",
        ),
        publish,
    )
    .flags(INFO_FLAGS.union(Flags::FAST)),
    Command::new(
        "spublish",
        3,
        Doc::new(
            "Posts a message to a shard channel.",
            "7.0.0",
            GROUP,
            "O(N) where N is the number of subscribers",
            "shardchannel message",
        ),
        spublish,
    )
    .flags(INFO_FLAGS.union(Flags::FAST))
    .keys(1, 1, 1)
    .key_specs(&[KeySpec::single(K::NOT_KEY, 1)]),
    Command::container(
        "pubsub",
        Doc::new(
            "Inspects the Pub/Sub subsystem.",
            "2.8.0",
            GROUP,
            "Depends on subcommand.",
            "",
        ),
        SUBCOMMANDS,
    ),
];
