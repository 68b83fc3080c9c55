//! `--pipe`: bulk import of raw RESP from stdin.
//!
//! A writer thread copies stdin to the socket in fixed-size chunks and then sends
//! `ECHO <random marker>`; the main thread reads replies at the same time, counting them
//! and printing error replies on stderr, until the marker comes back. Memory stays
//! constant whatever the input size: neither side buffers more than a chunk.
//!
//! The lines on stdout and the exit status are redis-cli's. When the server closes the
//! connection early (malformed input makes it answer a protocol error and hang up), the
//! import stops with status 1 instead of waiting.

use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cedis_resp::Frame;
use rand::Rng;

use crate::conn::{encode, Connection, Target};
use crate::{out, report_connect_error};

/// Shared between the writer thread and the reader.
#[derive(Default)]
struct Progress {
    sent: AtomicU64,
    done: AtomicBool,
}

pub fn run(target: &Target, timeout_secs: u64) -> ExitCode {
    let mut conn = match Connection::connect(target) {
        Ok(c) => c,
        Err(e) => {
            report_connect_error(target, &e);
            return ExitCode::from(1);
        }
    };
    let mut writer = match conn.try_clone_stream() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: {e}");
            return ExitCode::from(1);
        }
    };
    let marker: Vec<u8> = {
        let mut rng = rand::thread_rng();
        (0..20)
            .map(|_| b"0123456789abcdef"[rng.gen_range(0..16)])
            .collect()
    };
    let progress = Arc::new(Progress::default());
    let echo = encode(&[b"ECHO".to_vec(), marker.clone()]);
    let writer_progress = Arc::clone(&progress);
    let writer_thread = std::thread::spawn(move || -> io::Result<()> {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        // Input is sent in 64 KB writes; the last one carries the closing ECHO, so a small
        // input goes out in one write, as redis-cli sends it.
        const CHUNK: usize = 64 * 1024;
        let mut chunk = vec![0u8; CHUNK];
        let mut pending: Vec<u8> = Vec::with_capacity(2 * CHUNK);
        loop {
            let n = match input.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            pending.extend_from_slice(&chunk[..n]);
            if pending.len() >= CHUNK {
                writer.write_all(&pending)?;
                writer_progress
                    .sent
                    .fetch_add(pending.len() as u64, Ordering::Relaxed);
                pending.clear();
            }
        }
        pending.extend_from_slice(&echo);
        writer.write_all(&pending)?;
        out(b"All data transferred. Waiting for the last reply...\n");
        writer_progress.done.store(true, Ordering::SeqCst);
        Ok(())
    });

    let show_progress = io::stderr().is_terminal();
    let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
    let (mut errors, mut replies) = (0u64, 0u64);
    let mut last_reply = Instant::now();
    let mut last_report = Instant::now();
    let status = loop {
        match conn.read_frame() {
            Ok(frame) => {
                last_reply = Instant::now();
                match &frame {
                    Frame::Bulk(b) if b[..] == marker[..] => {
                        let _ = writer_thread.join();
                        if show_progress {
                            eprint!("\r\x1b[K");
                        }
                        out(b"Last reply received from server.\n");
                        out(format!("errors: {errors}, replies: {replies}\n").as_bytes());
                        break if errors > 0 { 1 } else { 0 };
                    }
                    Frame::Error(e) | Frame::BlobError(e) => {
                        errors += 1;
                        let mut stderr = io::stderr().lock();
                        let _ = stderr.write_all(e);
                        let _ = stderr.write_all(b"\n");
                    }
                    _ => {}
                }
                replies += 1;
                if show_progress && last_report.elapsed() >= Duration::from_secs(1) {
                    last_report = Instant::now();
                    let sent = progress.sent.load(Ordering::Relaxed);
                    eprint!(
                        "\rsent: {} MB, replies: {replies}, errors: {errors}\x1b[K",
                        sent / (1024 * 1024)
                    );
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if progress.done.load(Ordering::SeqCst)
                    && timeout_secs > 0
                    && last_reply.elapsed() >= Duration::from_secs(timeout_secs)
                {
                    eprintln!("No replies for {timeout_secs} seconds: exiting.");
                    errors += 1;
                    out(format!("errors: {errors}, replies: {replies}\n").as_bytes());
                    break 1;
                }
                if writer_thread.is_finished() && !progress.done.load(Ordering::SeqCst) {
                    // The writer failed (the server went away); the reader learns it next.
                    continue;
                }
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::UnexpectedEof {
                    eprintln!("Error reading from the server: {e}");
                }
                // Let the writer finish its last write and line (its writes now fail fast),
                // but do not wait on a stdin that is still open.
                let deadline = Instant::now() + Duration::from_secs(1);
                while !writer_thread.is_finished() && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(5));
                }
                break 1;
            }
        }
    };
    ExitCode::from(status)
}
