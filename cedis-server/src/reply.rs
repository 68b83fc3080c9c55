//! Replies are written straight into the connection's output buffer, in the protocol the
//! connection speaks, so a command never builds an intermediate reply value.

use std::fmt::Write as _;

use bytes::BytesMut;
use cedis_resp::{encode, Frame, Protocol};

use crate::error::CommandError;

/// The output buffer of one connection plus the protocol it speaks.
///
/// ```
/// use cedis_server::reply::Reply;
/// use cedis_resp::Protocol;
/// let mut reply = Reply::new(Protocol::Resp2);
/// reply.map(1);
/// reply.bulk(b"proto");
/// reply.int(2);
/// assert_eq!(&reply.buffer()[..], b"*2\r\n$5\r\nproto\r\n:2\r\n");
/// ```
#[derive(Debug, Default)]
pub struct Reply {
    buf: BytesMut,
    proto: Protocol,
    errors: u64,
    /// Whether a push (a Pub/Sub confirmation or message; an array under RESP2) was
    /// written since the last [`Reply::take_wrote_push`]: pushes are out-of-band and
    /// reach the client even under `CLIENT REPLY OFF|SKIP`, as in Redis.
    wrote_push: bool,
}

impl Reply {
    pub fn new(proto: Protocol) -> Self {
        Reply {
            buf: BytesMut::with_capacity(16 * 1024),
            proto,
            errors: 0,
            wrote_push: false,
        }
    }

    pub fn protocol(&self) -> Protocol {
        self.proto
    }

    pub fn set_protocol(&mut self, proto: Protocol) {
        self.proto = proto;
    }

    pub fn buffer(&self) -> &BytesMut {
        &self.buf
    }

    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Bytes written so far; with [`Reply::truncate`] this lets the connection drop the reply
    /// of a command run under `CLIENT REPLY OFF|SKIP`.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    /// Error replies written since the last call (for INFO's error counters).
    pub fn take_error_count(&mut self) -> u64 {
        std::mem::take(&mut self.errors)
    }

    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    pub fn simple(&mut self, s: &[u8]) {
        encode::write_simple(&mut self.buf, s);
    }

    pub fn error(&mut self, err: &CommandError) {
        self.errors += 1;
        let start = self.buf.len();
        self.buf.extend_from_slice(b"-");
        let _ = write!(self.buf, "{err}");
        // An error line must stay one line whatever text a lower layer produced.
        for byte in &mut self.buf[start..] {
            if *byte == b'\r' || *byte == b'\n' {
                *byte = b' ';
            }
        }
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A protocol error line exactly as the codec renders it (it may hold raw bytes that
    /// Redis echoes, such as `expected '$', got '\xff'`).
    pub fn protocol_error(&mut self, line: &[u8]) {
        self.errors += 1;
        self.buf.extend_from_slice(b"-");
        self.buf.extend_from_slice(line);
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn int(&mut self, n: i64) {
        encode::write_integer(&mut self.buf, n);
    }

    pub fn bulk(&mut self, bytes: &[u8]) {
        encode::write_bulk(&mut self.buf, bytes);
    }

    /// A bulk string, or null when absent.
    pub fn bulk_or_null(&mut self, bytes: Option<&[u8]>) {
        match bytes {
            Some(bytes) => self.bulk(bytes),
            None => self.null(),
        }
    }

    pub fn null(&mut self) {
        encode::write_null(&mut self.buf, self.proto);
    }

    pub fn null_array(&mut self) {
        encode::write_null_array(&mut self.buf, self.proto);
    }

    pub fn array(&mut self, len: usize) {
        encode::write_array_header(&mut self.buf, len);
    }

    /// A map of `pairs` entries (a flat array of `2 * pairs` in RESP2).
    pub fn map(&mut self, pairs: usize) {
        encode::write_map_header(&mut self.buf, self.proto, pairs);
    }

    pub fn set(&mut self, len: usize) {
        encode::write_set_header(&mut self.buf, self.proto, len);
    }

    /// Whether a push was written since the last call.
    pub fn take_wrote_push(&mut self) -> bool {
        std::mem::take(&mut self.wrote_push)
    }

    /// A push header (`>` under RESP3, an array under RESP2).
    pub fn push(&mut self, len: usize) {
        self.wrote_push = true;
        encode::write_push_header(&mut self.buf, self.proto, len);
    }

    pub fn double(&mut self, d: f64) {
        encode::write_double(&mut self.buf, self.proto, d);
    }

    pub fn boolean(&mut self, b: bool) {
        encode::write_bool(&mut self.buf, self.proto, b);
    }

    pub fn verbatim(&mut self, format: &[u8; 3], text: &[u8]) {
        encode::write_verbatim(&mut self.buf, self.proto, format, text);
    }

    pub fn frame(&mut self, frame: &Frame) {
        frame.encode(&mut self.buf, self.proto);
    }

    /// Simple strings in RESP2 and RESP3 alike: Redis's status replies inside COMMAND INFO.
    pub fn simple_list(&mut self, items: &[&str]) {
        self.set(items.len());
        for item in items {
            self.simple(item.as_bytes());
        }
    }

    /// Help text as Redis prints it: a header line, then the given lines, then `HELP`.
    pub fn help(&mut self, command: &str, lines: &[&str]) {
        self.array(lines.len() + 3);
        self.simple(
            format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
                .as_bytes(),
        );
        for line in lines {
            self.simple(line.as_bytes());
        }
        self.simple(b"HELP");
        self.simple(b"    Prints this help.");
    }
}
