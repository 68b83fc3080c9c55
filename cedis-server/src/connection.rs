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

/// Serves one client until it quits, is killed, idles out, or the server shuts down.
pub async fn run(server: Arc<Server>, mut stream: TcpStream, handle: Arc<ClientHandle>) {
    let mut client = ClientState::new(Arc::clone(&handle), !server.auth_required());
    let mut reply = Reply::new(client.protocol);
    let mut input = BytesMut::with_capacity(16 * 1024);
    let mut decoder = RequestDecoder::default();
    handle.touch();
    loop {
        let (idle_timeout, max_bulk_len, query_buffer_limit) = {
            let config = server.config();
            (
                config.timeout,
                config.proto_max_bulk_len,
                config.client_query_buffer_limit,
            )
        };
        decoder.limits.max_bulk_len = max_bulk_len;
        input.reserve(16 * 1024);
        let read = tokio::select! {
            read = stream.read_buf(&mut input) => read,
            _ = handle.killed() => break,
            _ = sleep_or_forever(idle_timeout) => {
                tracing::debug!("Closing idle client");
                break;
            }
        };
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
        run_batch(&server, &mut client, &mut reply, &mut decoder, &mut input);
        if input.len() as u64 > query_buffer_limit {
            tracing::warn!("Closing client that reached max query buffer length");
            client.close_after_reply = true;
        }
        handle.query_buffer.store(input.len(), Ordering::Relaxed);
        if !reply.is_empty() {
            let written = stream.write_all(reply.buffer()).await;
            server
                .stats
                .net_output_bytes
                .fetch_add(reply.len() as u64, Ordering::Relaxed);
            server
                .stats
                .error_replies
                .fetch_add(reply.take_error_count(), Ordering::Relaxed);
            reply.buffer_mut().clear();
            if written.is_err() {
                break;
            }
        }
        if client.close_after_reply {
            break;
        }
    }
    let _ = stream.shutdown().await;
    server.clients.unregister(handle.id);
}

/// Decodes and runs every complete command in `input`.
fn run_batch(
    server: &Server,
    client: &mut ClientState,
    reply: &mut Reply,
    decoder: &mut RequestDecoder,
    input: &mut BytesMut,
) {
    let mut ctx = Ctx::new(server, client, reply);
    loop {
        decoder.set_auth_required(!ctx.client.authenticated);
        match decoder.decode(input) {
            Ok(Some(argv)) => {
                execute(&mut ctx, &argv);
                if ctx.client.close_after_reply {
                    return;
                }
            }
            Ok(None) => return,
            Err(err) => {
                tracing::debug!("Protocol error from client {}: {err}", ctx.client.id);
                ctx.reply
                    .error(&crate::error::CommandError::Line(err.to_string()));
                ctx.client.close_after_reply = true;
                return;
            }
        }
    }
}

/// Runs one command and applies `CLIENT REPLY OFF|SKIP` to its reply.
pub fn execute(ctx: &mut Ctx<'_>, argv: &[Bytes]) {
    let before = ctx.client.reply_mode;
    if before == ReplyMode::SkipNext {
        ctx.client.reply_mode = ReplyMode::On;
    }
    let start = ctx.reply.len();
    command::dispatch(ctx, argv);
    if before == ReplyMode::SkipNext || ctx.client.reply_mode != ReplyMode::On {
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
