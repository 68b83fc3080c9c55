//! One task per client connection.
//!
//! The loop: read whatever bytes arrived, decode every complete command in the buffer, run
//! them in order as one batch (the keyspace lock is taken by the first command that needs
//! it and released when the batch ends, before any `.await`), then send all replies with
//! one write. A protocol error gets Redis's error line and closes this connection only.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use cedis_resp::RequestDecoder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::{ClientHandle, ClientState, ReplyMode};
use crate::command::{self, Ctx};
use crate::reply::Reply;
use crate::server::Server;
use crate::signals::BlockedClient;

/// Serves one client until it quits, is killed, idles out, or the server shuts down.
pub async fn run(server: Arc<Server>, mut stream: TcpStream, handle: Arc<ClientHandle>) {
    let mut client = ClientState::new(Arc::clone(&handle), !server.auth_required());
    let mut reply = Reply::new(client.protocol);
    let mut input = BytesMut::with_capacity(16 * 1024);
    let mut decoder = RequestDecoder::default();
    handle.touch();
    'connection: loop {
        let (idle_timeout, max_bulk_len, query_buffer_limit) = {
            let config = server.config();
            (
                config.timeout,
                config.proto_max_bulk_len,
                config.client_query_buffer_limit,
            )
        };
        decoder.limits.max_bulk_len = max_bulk_len;
        // Redis never times out a subscriber for idleness: it is waiting for messages.
        let idle_timeout = if client.subscriptions.count() > 0 {
            0
        } else {
            idle_timeout
        };
        input.reserve(16 * 1024);
        let read = tokio::select! {
            read = stream.read_buf(&mut input) => Some(read),
            _ = handle.killed() => break,
            _ = handle.outbox_ready() => None,
            _ = sleep_or_forever(idle_timeout) => {
                tracing::debug!("Closing idle client");
                break;
            }
        };
        if let Some(read) = read {
            match read {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    server
                        .stats
                        .net_input_bytes
                        .fetch_add(n as u64, Ordering::Relaxed);
                }
            }
            handle.touch();
            let mut end = run_batch(
                &server,
                &mut client,
                &mut reply,
                &mut decoder,
                &mut input,
                None,
            );
            // A command stopped the batch: answer what came before it, wait, then go on
            // with the commands that were pipelined behind it.
            loop {
                let held = match end {
                    BatchEnd::Done => break,
                    BatchEnd::Blocked(deadline) => {
                        if !flush(&server, &mut stream, &handle, &mut reply).await {
                            break 'connection;
                        }
                        handle.blocked.store(true, Ordering::Relaxed);
                        let waited = wait_unblocked(
                            &server,
                            &handle,
                            &mut stream,
                            &mut input,
                            deadline,
                            &mut reply,
                        )
                        .await;
                        handle.blocked.store(false, Ordering::Relaxed);
                        if !waited {
                            break 'connection;
                        }
                        None
                    }
                    BatchEnd::Paused(argv) => {
                        if !flush(&server, &mut stream, &handle, &mut reply).await {
                            break 'connection;
                        }
                        if !wait_unpaused(&server, &client, &argv, &mut stream, &mut input).await {
                            break 'connection;
                        }
                        Some(argv)
                    }
                };
                if !flush(&server, &mut stream, &handle, &mut reply).await {
                    break 'connection;
                }
                end = run_batch(
                    &server,
                    &mut client,
                    &mut reply,
                    &mut decoder,
                    &mut input,
                    held,
                );
            }
            if input.len() as u64 > query_buffer_limit {
                tracing::warn!("Closing client that reached max query buffer length");
                client.close_after_reply = true;
            }
            handle.query_buffer.store(input.len(), Ordering::Relaxed);
            handle
                .pending_args
                .store(decoder.pending_bytes(), Ordering::Relaxed);
        }
        if !flush(&server, &mut stream, &handle, &mut reply).await {
            break;
        }
        if client.close_after_reply {
            break;
        }
    }
    crate::command::pubsub::unsubscribe_all(&server, &mut client);
    crate::command::transaction::unwatch_all(&server, &mut client);
    if client.monitor {
        server.monitors.remove(handle.id);
    }
    if client.tracking.is_some() {
        server.tracking.disable(handle.id);
    }
    let _ = stream.shutdown().await;
    server.clients.unregister(handle.id);
}

/// Writes this connection's replies, then what other connections delivered to it (a
/// message can only follow the confirmation of the subscription it came through). False
/// when the connection is done.
async fn flush(
    server: &Server,
    stream: &mut TcpStream,
    handle: &ClientHandle,
    reply: &mut Reply,
) -> bool {
    // What the replies confirm is in the AOF before they go out.
    server.aof.write_out();
    if !reply.is_empty() {
        // Counted as client memory (`maxmemory`) while the write waits on the client.
        handle.reply_pending.store(reply.len(), Ordering::Relaxed);
        let written = write_out(stream, handle, reply.buffer()).await;
        handle.reply_pending.store(0, Ordering::Relaxed);
        server
            .stats
            .net_output_bytes
            .fetch_add(reply.len() as u64, Ordering::Relaxed);
        server
            .stats
            .error_replies
            .fetch_add(reply.take_error_count(), Ordering::Relaxed);
        reply.buffer_mut().clear();
        if !written {
            return false;
        }
    }
    let pending = handle.take_outbox();
    if !pending.is_empty() {
        let written = write_out(stream, handle, &pending).await;
        handle.written(pending.len());
        server
            .stats
            .net_output_bytes
            .fetch_add(pending.len() as u64, Ordering::Relaxed);
        if !written {
            return false;
        }
    }
    true
}

/// Waits while this connection's blocking command is registered: until another client
/// serves it (its reply is then in the outbox), CLIENT UNBLOCK answers it, or the
/// deadline passes (the timeout reply goes into `reply`). Bytes that arrive meanwhile
/// are kept for later. False when the connection closed or was killed.
async fn wait_unblocked(
    server: &Server,
    handle: &ClientHandle,
    stream: &mut TcpStream,
    input: &mut BytesMut,
    deadline: Option<std::time::Instant>,
    reply: &mut Reply,
) -> bool {
    let id = handle.id;
    let give_up = |server: &Server| {
        let _keyspace = server.lock_store();
        server.signals.unblock(id);
    };
    loop {
        if handle.take_unblocked() {
            return true;
        }
        let timeout = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending::<()>().await,
            }
        };
        input.reserve(4096);
        tokio::select! {
            _ = handle.outbox_ready() => {}
            _ = timeout => {
                let _keyspace = server.lock_store();
                if server.signals.unblock(id).is_some() {
                    crate::command::blocking::timeout_reply(reply);
                    return true;
                }
            }
            _ = handle.killed() => {
                give_up(server);
                return false;
            }
            read = stream.read_buf(input) => match read {
                Ok(0) | Err(_) => {
                    give_up(server);
                    return false;
                }
                Ok(n) => {
                    server.stats.net_input_bytes.fetch_add(n as u64, Ordering::Relaxed);
                }
            },
        }
    }
}

/// Writes `bytes`, giving up when the client is killed meanwhile (a client that does not
/// read must not keep its task stuck in a write). False when the connection is done.
async fn write_out(stream: &mut TcpStream, handle: &ClientHandle, bytes: &[u8]) -> bool {
    tokio::select! {
        written = stream.write_all(bytes) => written.is_ok(),
        _ = handle.killed() => false,
    }
}

/// Why [`run_batch`] returned.
enum BatchEnd {
    /// Every complete command ran (or the connection is closing).
    Done,
    /// A blocking command is registered as waiting, until this deadline (`None`: forever).
    Blocked(Option<std::time::Instant>),
    /// CLIENT PAUSE holds this command back; it has not run.
    Paused(Vec<Bytes>),
}

/// Decodes and runs every complete command in `input`, starting with `held` (a command
/// a pause held back) when given. Stops early when a command blocks (it is registered as
/// waiting before the keyspace lock is released) or a pause holds one back.
fn run_batch(
    server: &Server,
    client: &mut ClientState,
    reply: &mut Reply,
    decoder: &mut RequestDecoder,
    input: &mut BytesMut,
    mut held: Option<Vec<Bytes>>,
) -> BatchEnd {
    let mut ctx = Ctx::new(server, client, reply);
    loop {
        decoder.set_auth_required(!ctx.client.authenticated);
        let buffered = input.len();
        let argv = match held.take() {
            Some(argv) => argv,
            None => match decoder.decode(input) {
                Ok(Some(argv)) => argv,
                Ok(None) => return BatchEnd::Done,
                Err(err) => {
                    tracing::debug!("Protocol error from client {}: {err}", ctx.client.id);
                    ctx.reply
                        .error(&crate::error::CommandError::Line(err.to_string()));
                    ctx.client.close_after_reply = true;
                    return BatchEnd::Done;
                }
            },
        };
        if server.pause.holds(ctx.client, &argv) {
            return BatchEnd::Paused(argv);
        }
        // `qbuf=` while a command runs counts the command itself, as in Redis.
        ctx.client
            .handle
            .query_buffer
            .store(buffered, Ordering::Relaxed);
        let tracking = &server.tracking;
        let id = ctx.client.id;
        if tracking.is_active() {
            // Keys evicted from a full tracking table are invalidated before the command.
            let outer = tracking.set_current(id);
            tracking.enforce_limit();
            tracking.set_current(outer);
            tracking.take_own(id, ctx.reply);
        }
        execute(&mut ctx, &argv);
        server.aof.end_unit();
        if tracking.is_active() {
            let outer = tracking.set_current(id);
            tracking.flush_broadcasts();
            tracking.set_current(outer);
            tracking.take_own(id, ctx.reply);
        }
        crate::command::blocking::serve_ready_keys(&mut ctx);
        // Pops served to blocked clients are logged as a unit of their own.
        server.aof.end_unit();
        if let Some(request) = ctx.client.blocked.take() {
            ctx.store();
            server.signals.block(BlockedClient {
                client: Arc::clone(&ctx.client.handle),
                db: ctx.client.db,
                protocol: ctx.client.protocol,
                argv: argv.to_vec(),
                keys: request.keys,
            });
            return BatchEnd::Blocked(request.deadline);
        }
        if ctx.client.close_after_reply {
            return BatchEnd::Done;
        }
        decoder.recycle(argv);
    }
}

/// Waits until CLIENT PAUSE no longer holds `argv` back (unpaused, timed out, or turned
/// into a pause that lets it through). Bytes that arrive meanwhile are kept. False when
/// the connection closed or was killed.
async fn wait_unpaused(
    server: &Server,
    client: &ClientState,
    argv: &[Bytes],
    stream: &mut TcpStream,
    input: &mut BytesMut,
) -> bool {
    let handle = &client.handle;
    let mut changes = server.pause.subscribe();
    server.pause.note_waiting(true);
    handle.blocked.store(true, Ordering::Relaxed);
    let mut alive = true;
    while server.pause.holds(client, argv) {
        let until = server.pause.current().map(|p| p.until);
        input.reserve(4096);
        tokio::select! {
            _ = changes.changed() => {}
            _ = async {
                match until {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending::<()>().await,
                }
            } => {}
            _ = handle.killed() => {
                alive = false;
                break;
            }
            read = stream.read_buf(input) => match read {
                Ok(0) | Err(_) => {
                    alive = false;
                    break;
                }
                Ok(n) => {
                    server.stats.net_input_bytes.fetch_add(n as u64, Ordering::Relaxed);
                }
            },
        }
    }
    handle.blocked.store(false, Ordering::Relaxed);
    server.pause.note_waiting(false);
    alive
}

/// Runs one command and applies `CLIENT REPLY OFF|SKIP` to its reply.
pub fn execute(ctx: &mut Ctx<'_>, argv: &[Bytes]) {
    if ctx.client.reply_mode == ReplyMode::SkipNext {
        ctx.client.reply_mode = ReplyMode::On;
        ctx.client.skip_current = true;
    }
    let start = ctx.reply.len();
    ctx.reply.take_wrote_push();
    command::dispatch(ctx, argv);
    let suppressed =
        std::mem::take(&mut ctx.client.skip_current) || ctx.client.reply_mode != ReplyMode::On;
    // Pushes (subscription confirmations) are not replies: they always go out.
    if suppressed && !ctx.reply.take_wrote_push() {
        ctx.reply.truncate(start);
    }
}

async fn sleep_or_forever(seconds: u64) {
    if seconds == 0 {
        std::future::pending::<()>().await;
    } else {
        tokio::time::sleep(Duration::from_secs(seconds)).await;
    }
}
