//! The server side of the protocol: commands as Redis reads them.
//!
//! A client sends either a multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`, what every client
//! library sends) or an inline command (`GET k\r\n`, what a human types into `telnet`).
//! The first byte of each command decides: `*` means multibulk, anything else inline.
//!
//! [`RequestDecoder`] reproduces Redis 7.0.15's framing byte for byte, including its
//! quirks, because clients and test suites observe them:
//!
//! - Empty commands (a blank inline line, `*0`, any negative count such as `*-1`) are
//!   skipped silently.
//! - The two bytes after a bulk payload are skipped without checking that they are
//!   `\r\n`, and so is the byte after the `\r` ending a length line.
//! - Length lines end at the first `\r`, inline lines at the first `\n` (a `\r` before it
//!   is dropped). A NUL byte before that terminator hides it, exactly as `strchr` does in
//!   Redis: the command then never completes and eventually fails with the "too big"
//!   error once more than [`Limits::max_inline_len`] bytes are buffered.
//! - Numbers follow Redis's `string2ll`: optional `-`, no `+`, no leading zeros, no
//!   spaces, no `-0`, fits in an `i64`.
//! - A protocol error is reported only once the offending line is complete (its `\r` and
//!   the byte after it have arrived); the server should then write
//!   [`ProtocolError::reply_bytes`] as an error reply and close the connection.

use bytes::{Buf, Bytes, BytesMut};

use crate::{split_args, Limits, ProtocolError};

/// Most arguments a multibulk may announce before the client authenticates.
///
/// Redis 7.0.15 replies `unauthenticated multibulk length` to `*11` from a client that
/// has not yet passed `AUTH` (when `requirepass` or ACL users demand it).
pub const UNAUTHENTICATED_MAX_ELEMENTS: u64 = 10;

/// Longest bulk accepted before the client authenticates (`unauthenticated bulk length`).
pub const UNAUTHENTICATED_MAX_BULK_LEN: u64 = 16 * 1024;

/// Reads client commands: multibulk (`*N\r\n$len\r\n...`) or inline (`PING\r\n`).
///
/// # Streaming state
///
/// Unlike [`crate::Decoder`], this decoder keeps state between calls so that a huge
/// multibulk arriving in many small reads costs linear time: complete bulks of a
/// still-incomplete command are removed from `buf` and held inside the decoder until the
/// last argument arrives, and the position up to which a length line was already searched
/// is remembered. Consequently one `RequestDecoder` belongs to one connection, and `buf`
/// must be that connection's read buffer, only ever appended to between calls. Payloads
/// are zero-copy [`Bytes`] slices of `buf`.
///
/// Nothing is allocated from a length prefix alone: the argument vector grows with the
/// bulks actually received.
///
/// ```
/// use bytes::BytesMut;
/// use cedis_resp::RequestDecoder;
///
/// let mut dec = RequestDecoder::default();
/// let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*1\r\n$4"[..]);
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap(), vec!["GET", "k"]);
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap(), vec!["PING"]);
/// assert_eq!(dec.decode(&mut buf).unwrap(), None);
/// buf.extend_from_slice(b"\r\nECHO\r\n");
/// assert_eq!(dec.decode(&mut buf).unwrap().unwrap(), vec!["ECHO"]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct RequestDecoder {
    pub limits: Limits,
    auth_required: bool,
    pending: Option<Multibulk>,
    /// Bytes at the front of `buf` known not to contain the current line's terminator.
    scanned: usize,
    /// An argument vector handed back by [`RequestDecoder::recycle`], reused by the next
    /// command so a pipelined batch allocates no vector per command.
    spare: Option<Vec<Bytes>>,
}

/// A multibulk whose header has been read but some of whose arguments have not.
#[derive(Clone, Debug)]
struct Multibulk {
    remaining: usize,
    args: Vec<Bytes>,
    /// The length of the next bulk, once its `$len` line has been read.
    bulk_len: Option<usize>,
    /// Bytes of `args` so far.
    bytes: usize,
}

impl RequestDecoder {
    pub fn new(limits: Limits) -> Self {
        RequestDecoder {
            limits,
            ..RequestDecoder::default()
        }
    }

    /// Gives back a command's arguments once it has run: the vector's allocation is
    /// reused for the next command (its contents are dropped now).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use cedis_resp::request::RequestDecoder;
    ///
    /// let mut decoder = RequestDecoder::default();
    /// let mut buf = BytesMut::from(&b"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"[..]);
    /// let first = decoder.decode(&mut buf).unwrap().unwrap();
    /// let at = first.as_ptr();
    /// decoder.recycle(first);
    /// let second = decoder.decode(&mut buf).unwrap().unwrap();
    /// assert_eq!(second.as_ptr(), at);
    /// assert_eq!(&second[0][..], b"PING");
    /// ```
    pub fn recycle(&mut self, mut args: Vec<Bytes>) {
        args.clear();
        // A huge vector (a command with many arguments) is not worth keeping.
        if args.capacity() <= 64 {
            self.spare = Some(args);
        }
    }

    /// Applies Redis's limits for clients that have not authenticated yet.
    ///
    /// While set, a multibulk of more than [`UNAUTHENTICATED_MAX_ELEMENTS`] arguments fails
    /// with [`ProtocolError::UnauthenticatedMultibulkLength`] and a bulk longer than
    /// [`UNAUTHENTICATED_MAX_BULK_LEN`] with [`ProtocolError::UnauthenticatedBulkLength`],
    /// as in Redis 7.0.15. Inline commands are only bound by the usual 64 KB.
    ///
    /// The server sets it for a new connection when a password is required and clears it
    /// after a successful `AUTH` (or `HELLO ... AUTH`); the next call to
    /// [`decode`](Self::decode) already uses the new setting, even for commands of the
    /// same pipeline, because a command's header is only read when that command is
    /// decoded.
    pub fn set_auth_required(&mut self, required: bool) {
        self.auth_required = required;
    }

    /// Whether the unauthenticated limits are in force.
    pub fn auth_required(&self) -> bool {
        self.auth_required
    }

    /// Bytes of the arguments already read of an incomplete command (Redis's
    /// `argv-mem`): memory the client holds beyond its query buffer.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// let mut dec = cedis_resp::RequestDecoder::default();
    /// let mut buf = BytesMut::from(&b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n"[..]);
    /// assert_eq!(dec.decode(&mut buf).unwrap(), None);
    /// assert_eq!(dec.pending_bytes(), 4);
    /// ```
    pub fn pending_bytes(&self) -> usize {
        self.pending.as_ref().map_or(0, |mb| mb.bytes)
    }

    /// The next command's arguments, or `Ok(None)` when more bytes are needed.
    ///
    /// Consumes the bytes of every command it returns (and of empty commands it skips).
    /// On `Ok(None)` it may also have moved complete bulks of the incomplete command into
    /// its own state (see the type docs). After an error the connection is unusable; the
    /// decoder resets itself, but the rest of `buf` is not meaningful.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        if self.scanned > buf.len() {
            self.scanned = 0;
        }
        let result = self.decode_inner(buf);
        if result.is_err() {
            self.pending = None;
            self.scanned = 0;
        }
        result
    }

    fn decode_inner(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        loop {
            if self.pending.is_none() {
                let Some(&first) = buf.first() else {
                    return Ok(None);
                };
                if first == b'*' {
                    if !self.read_multibulk_header(buf)? {
                        return Ok(None);
                    }
                    if self.pending.is_none() {
                        continue;
                    }
                } else {
                    match self.read_inline(buf)? {
                        Some(args) if args.is_empty() => continue,
                        Some(args) => return Ok(Some(args)),
                        None => return Ok(None),
                    }
                }
            }
            return self.read_bulks(buf);
        }
    }

    /// Finds the end of the line at the front of `buf`: the first `term` not preceded by
    /// a NUL. `None` while it has not arrived (or never can, after a NUL).
    fn find_line_end(&mut self, buf: &[u8], term: u8) -> Option<usize> {
        let from = self.scanned.min(buf.len());
        match buf[from..].iter().position(|&b| b == term || b == 0) {
            Some(off) if buf[from + off] == term => {
                self.scanned = from + off;
                Some(from + off)
            }
            _ => {
                self.scanned = buf.len();
                None
            }
        }
    }

    fn consume(&mut self, buf: &mut BytesMut, n: usize) {
        buf.advance(n);
        self.scanned = 0;
    }

    /// Reads `*N\r\n`. `Ok(false)` when incomplete; on success `pending` is set, or left
    /// empty for an empty command.
    fn read_multibulk_header(&mut self, buf: &mut BytesMut) -> Result<bool, ProtocolError> {
        let Some(cr) = self.find_line_end(buf, b'\r') else {
            if buf.len() > self.limits.max_inline_len {
                return Err(ProtocolError::TooBigMultibulkCount);
            }
            return Ok(false);
        };
        if cr + 1 >= buf.len() {
            return Ok(false);
        }
        let count = parse_i64(&buf[1..cr]).ok_or(ProtocolError::InvalidMultibulkLength)?;
        let max = self.limits.max_elements.min(i32::MAX as u64);
        if count > 0 && count as u64 > max {
            return Err(ProtocolError::InvalidMultibulkLength);
        }
        if self.auth_required && count > 0 && count as u64 > UNAUTHENTICATED_MAX_ELEMENTS {
            return Err(ProtocolError::UnauthenticatedMultibulkLength);
        }
        self.consume(buf, cr + 2);
        if count > 0 {
            let count = count as usize;
            // The smallest bulk, `$0\r\n\r\n`, is 6 bytes: never reserve more slots than
            // the bytes already received could fill.
            let cap = count.min(buf.len() / 6);
            let args = match self.spare.take() {
                Some(mut args) => {
                    args.reserve(cap);
                    args
                }
                None => Vec::with_capacity(cap),
            };
            self.pending = Some(Multibulk {
                remaining: count,
                args,
                bulk_len: None,
                bytes: 0,
            });
        }
        Ok(true)
    }

    fn read_bulks(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        loop {
            let Some(mb) = self.pending.as_mut() else {
                return Ok(None);
            };
            if mb.remaining == 0 {
                let args = std::mem::take(&mut mb.args);
                self.pending = None;
                return Ok(Some(args));
            }
            let len = match mb.bulk_len {
                Some(len) => len,
                None => {
                    let Some(len) = self.read_bulk_len(buf)? else {
                        return Ok(None);
                    };
                    len
                }
            };
            let Some(mb) = self.pending.as_mut() else {
                return Ok(None);
            };
            if buf.len() < len + 2 {
                mb.bulk_len = Some(len);
                return Ok(None);
            }
            let arg = buf.split_to(len).freeze();
            buf.advance(2);
            self.scanned = 0;
            mb.bytes += arg.len();
            mb.args.push(arg);
            mb.remaining -= 1;
            mb.bulk_len = None;
        }
    }

    /// Reads `$len\r\n`. `Ok(None)` when incomplete.
    fn read_bulk_len(&mut self, buf: &mut BytesMut) -> Result<Option<usize>, ProtocolError> {
        let Some(cr) = self.find_line_end(buf, b'\r') else {
            if buf.len() > self.limits.max_inline_len {
                return Err(ProtocolError::TooBigBulkCount);
            }
            return Ok(None);
        };
        if cr + 1 >= buf.len() {
            return Ok(None);
        }
        match buf.first() {
            Some(b'$') => {}
            Some(&other) => return Err(ProtocolError::ExpectedDollar(other)),
            None => return Ok(None),
        }
        let len = parse_i64(&buf[1..cr]).ok_or(ProtocolError::InvalidBulkLength)?;
        if len < 0 || len as u64 > self.limits.max_bulk_len {
            return Err(ProtocolError::InvalidBulkLength);
        }
        if self.auth_required && len as u64 > UNAUTHENTICATED_MAX_BULK_LEN {
            return Err(ProtocolError::UnauthenticatedBulkLength);
        }
        let len = usize::try_from(len).map_err(|_| ProtocolError::InvalidBulkLength)?;
        self.consume(buf, cr + 2);
        Ok(Some(len))
    }

    /// Reads one inline line. `Some(vec![])` for a blank line.
    fn read_inline(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let Some(nl) = self.find_line_end(buf, b'\n') else {
            if buf.len() > self.limits.max_inline_len {
                return Err(ProtocolError::TooBigInlineRequest);
            }
            return Ok(None);
        };
        let mut line = &buf[..nl];
        if let Some(stripped) = line.strip_suffix(b"\r") {
            line = stripped;
        }
        let args = split_args(line).map_err(|_| ProtocolError::UnbalancedQuotes)?;
        self.consume(buf, nl + 1);
        Ok(Some(args.into_iter().map(Bytes::from).collect()))
    }
}

/// Redis's `string2ll`: `0`, or an optional `-` and digits without a leading zero,
/// fitting in an `i64`. No `+`, no spaces, no `-0`.
pub(crate) fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'0'] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    if digits.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}
