//! [`RawConn`]: a byte-level client for checking exact replies and protocol errors.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use cedis_resp::Frame;

use crate::reference;
use crate::util::show;

/// How long a read waits before the test fails (never hang).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Encodes a command as a RESP multibulk (`*N\r\n$len\r\narg\r\n...`).
pub fn encode_command<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// What one read attempt found.
enum Fill {
    Data,
    Closed,
    TimedOut,
}

/// A raw TCP connection to a server. Replies are split by the harness's own
/// [`reference`] parser, so the exact bytes of each reply can be compared.
pub struct RawConn {
    stream: TcpStream,
    buf: BytesMut,
    timeout: Duration,
    closed: bool,
}

impl RawConn {
    pub fn connect(addr: SocketAddr) -> RawConn {
        let stream = TcpStream::connect_timeout(&addr, DEFAULT_TIMEOUT)
            .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
        stream.set_nodelay(true).expect("nodelay");
        stream
            .set_write_timeout(Some(DEFAULT_TIMEOUT))
            .expect("write timeout");
        RawConn {
            stream,
            buf: BytesMut::new(),
            timeout: DEFAULT_TIMEOUT,
            closed: false,
        }
    }

    /// How long reads wait before failing the test.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// This side's address, as the server's `CLIENT LIST` shows it in `addr=`.
    pub fn local_addr(&self) -> SocketAddr {
        self.stream.local_addr().expect("local_addr")
    }

    /// Writes all of `bytes`; panics on error.
    pub fn send(&mut self, bytes: &[u8]) {
        self.try_send(bytes)
            .unwrap_or_else(|e| panic!("send {}: {e}", show(bytes)));
    }

    /// Writes all of `bytes`; errors (the server closed on us) are returned.
    pub fn try_send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Sends one command as a multibulk.
    pub fn send_cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) {
        self.send(&encode_command(args));
    }

    /// Sends a command and returns the exact bytes of its reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        self.send_cmd(args);
        self.read_raw_reply()
    }

    /// Sends a command and returns its reply decoded.
    pub fn cmd_frame<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Frame {
        self.send_cmd(args);
        self.read_frame()
    }

    /// Sends a command and asserts its reply is exactly `expected`.
    pub fn assert_cmd<A: AsRef<[u8]>>(&mut self, args: &[A], expected: &[u8]) {
        let got = self.cmd(args);
        let shown: Vec<String> = args
            .iter()
            .map(|a| String::from_utf8_lossy(a.as_ref()).into_owned())
            .collect();
        assert_eq!(
            show(&got),
            show(expected),
            "reply to {shown:?} differs (left: got, right: expected)"
        );
    }

    /// Reads into the buffer once. EOF and connection resets both count as closed.
    fn fill(&mut self, deadline: Instant) -> Fill {
        if self.closed {
            return Fill::Closed;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Fill::TimedOut;
        }
        self.stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("read timeout");
        let mut chunk = [0u8; 64 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => {
                self.closed = true;
                Fill::Closed
            }
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Fill::Data
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Fill::TimedOut
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => self.fill(deadline),
            Err(_) => {
                // ECONNRESET and friends: the server closed with unread input.
                self.closed = true;
                Fill::Closed
            }
        }
    }

    /// The exact bytes of the next reply.
    pub fn read_raw_reply(&mut self) -> Vec<u8> {
        match self.try_read_raw_reply() {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    /// The next reply's bytes, or a description of why none came (closed, timeout, bad RESP).
    pub fn try_read_raw_reply(&mut self) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + self.timeout;
        loop {
            match reference::frame_len(&self.buf) {
                Ok(Some(n)) => return Ok(self.buf.split_to(n).to_vec()),
                Ok(None) => {}
                Err(e) => {
                    return Err(format!(
                        "the server sent invalid RESP ({e}): {}",
                        show(&self.buf)
                    ))
                }
            }
            match self.fill(deadline) {
                Fill::Data => {}
                Fill::Closed => {
                    return Err(format!(
                        "the connection closed before a whole reply arrived; got {}",
                        show(&self.buf)
                    ))
                }
                Fill::TimedOut => {
                    return Err(format!(
                        "no whole reply within {:?}; got {}",
                        self.timeout,
                        show(&self.buf)
                    ))
                }
            }
        }
    }

    /// The next reply, decoded by `cedis_resp::Decoder` and checked against the harness's
    /// reference parser (`CEDIS_TEST_DECODER=reference` uses the reference parser only).
    pub fn read_frame(&mut self) -> Frame {
        let raw = self.read_raw_reply();
        decode_checked(&raw)
    }

    /// Reads replies until the server closes the connection or sends nothing for `quiet`;
    /// returns everything received and whether the connection closed.
    pub fn read_until_quiet(&mut self, quiet: Duration) -> (Vec<u8>, bool) {
        let overall = Instant::now() + self.timeout;
        loop {
            let deadline = (Instant::now() + quiet).min(overall);
            match self.fill(deadline) {
                Fill::Data => {}
                Fill::Closed => return (self.buf.split().to_vec(), true),
                Fill::TimedOut => return (self.buf.split().to_vec(), false),
            }
        }
    }

    /// Asserts that nothing arrives within `wait` and the connection stays open.
    pub fn assert_no_reply(&mut self, wait: Duration) {
        assert!(self.buf.is_empty(), "unexpected {}", show(&self.buf));
        let deadline = Instant::now() + wait;
        match self.fill(deadline) {
            Fill::Data => panic!("expected no reply, got {}", show(&self.buf)),
            Fill::Closed => panic!(
                "expected no reply, but the connection closed (after {})",
                show(&self.buf)
            ),
            Fill::TimedOut => {}
        }
    }

    /// Asserts the server closes the connection without sending anything more.
    pub fn expect_closed(&mut self) {
        let deadline = Instant::now() + self.timeout;
        loop {
            if !self.buf.is_empty() {
                panic!(
                    "expected the connection to be closed, got {}",
                    show(&self.buf)
                );
            }
            match self.fill(deadline) {
                Fill::Data => {}
                Fill::Closed => {
                    assert!(self.buf.is_empty(), "got {} before close", show(&self.buf));
                    return;
                }
                Fill::TimedOut => panic!(
                    "the connection is still open after {:?} (expected it closed)",
                    self.timeout
                ),
            }
        }
    }

    /// Whether the server has closed the connection (waits up to `wait` for news).
    pub fn is_closed(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            match self.fill(deadline) {
                Fill::Data => {}
                Fill::Closed => return true,
                Fill::TimedOut => return false,
            }
        }
    }

    /// Closes our write side (the server sees EOF).
    pub fn shutdown_write(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

/// Decodes one whole reply with `cedis_resp::Decoder` and asserts it agrees with the
/// harness's reference parser.
pub fn decode_checked(raw: &[u8]) -> Frame {
    let reference = reference::parse_exact(raw);
    if std::env::var("CEDIS_TEST_DECODER").is_ok_and(|v| v == "reference") {
        return reference;
    }
    let mut buf = BytesMut::from(raw);
    let decoded = match cedis_resp::Decoder::default().decode(&mut buf) {
        Ok(Some(f)) => f,
        Ok(None) => panic!(
            "cedis_resp::Decoder wants more bytes for the whole reply {}",
            show(raw)
        ),
        Err(e) => panic!("cedis_resp::Decoder rejected {}: {e}", show(raw)),
    };
    assert!(
        buf.is_empty(),
        "cedis_resp::Decoder left {} bytes of {}",
        buf.len(),
        show(raw)
    );
    // Debug text compares NaN doubles as equal, unlike PartialEq.
    assert_eq!(
        format!("{decoded:?}"),
        format!("{reference:?}"),
        "cedis_resp::Decoder (left) and the reference parser (right) disagree on {}",
        show(raw)
    );
    decoded
}
