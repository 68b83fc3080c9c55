//! The cedis server: a Redis 7.0 compatible in-memory data store.
//!
//! Layout (read in this order):
//! - [`server`]: the shared [`server::Server`] state, the listener, start-up and shutdown.
//! - [`connection`]: one task per client: read bytes, decode commands, run them as a batch
//!   under one short keyspace lock, write all replies with one write.
//! - [`client`]: per-connection state ([`client::ClientState`]) and the registry behind
//!   `CLIENT LIST`/`CLIENT KILL`.
//! - [`command`]: the command table (one entry per command and subcommand, as data) and the
//!   dispatcher; one file per command family.
//! - [`pubsub`]: the Pub/Sub registry and message fan-out into client outboxes.
//! - [`notify`]: keyspace notifications, published through [`pubsub`].
//! - [`signals`]: the keyspace's change hook: expiry events, WATCH, blocked clients.
//! - [`monitor`]: MONITOR's feed of executed commands.
//! - [`pause`]: CLIENT PAUSE, holding commands back.
//! - [`persistence`]: SAVE/BGSAVE and loading RDB files (the format is `cedis-persist`'s).
//! - [`aof`]: the append-only file: loading, logging writes, fsync, BGREWRITEAOF.
//! - [`tracking`]: CLIENT TRACKING (client-side caching) and its invalidations.
//! - [`args`]: the shared argument cursor every handler parses its arguments with.
//! - [`reply`]: the reply writer, straight into the connection's output buffer.
//! - [`error`]: [`error::CommandError`], whose `Display` is Redis's exact error line.
//! - [`config`]: redis.conf parsing and `CONFIG GET/SET/REWRITE`.
//! - [`logging`]: Redis-style log lines.

pub mod aof;
pub mod args;
pub mod client;
pub mod command;
pub mod config;
pub mod connection;
pub mod error;
pub mod eviction;
pub mod job;
pub mod logging;
pub mod monitor;
pub mod notify;
pub mod pause;
pub mod persistence;
pub mod pubsub;
pub mod reply;
pub mod server;
pub mod signals;
pub mod tracking;
