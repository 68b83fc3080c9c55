//! A blocking connection to the server: send commands, read frames.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use bytes::BytesMut;
use cedis_resp::{Decoder, Frame};

/// Where to connect and how to log in, from the command line (`-h -p -a --user -n -u -3`).
#[derive(Clone, Debug)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    pub db: i64,
    pub resp3: bool,
}

impl Target {
    /// `host:port`, as redis-cli writes it in messages and the prompt.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// One connection with its read buffer.
pub struct Connection {
    stream: TcpStream,
    buffer: BytesMut,
    decoder: Decoder,
}

/// The text redis-cli prints after `Could not connect to Redis at host:port: `.
pub fn connect_error_text(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "Connection refused".to_string(),
        io::ErrorKind::TimedOut => "Connection timed out".to_string(),
        _ => {
            let text = err.to_string();
            let text = text
                .strip_prefix("failed to lookup address information: ")
                .unwrap_or(&text)
                .to_string();
            // Rust appends " (os error N)" to system errors; redis-cli prints strerror alone.
            match text.find(" (os error ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

/// How a failed exchange is reported: a peer that went away is "Server closed the
/// connection", as redis-cli says it, whichever side noticed first.
pub fn io_error_text(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => "Server closed the connection".to_string(),
        _ => err.to_string(),
    }
}

/// RESP multibulk for `args`.
pub fn encode(args: &[Vec<u8>]) -> BytesMut {
    let mut out = BytesMut::new();
    cedis_resp::encode::write_array_header(&mut out, args.len());
    for arg in args {
        cedis_resp::encode::write_bulk(&mut out, arg);
    }
    out
}

impl Connection {
    /// Opens a TCP connection (no handshake).
    pub fn open(host: &str, port: u16) -> io::Result<Connection> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "Name or service not known");
        for addr in (host, port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, Duration::from_secs(10)) {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(Connection {
                        stream,
                        buffer: BytesMut::with_capacity(16 * 1024),
                        decoder: Decoder::default(),
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Opens a connection and logs in as redis-cli does: AUTH, SELECT, then HELLO 3 when
    /// asked for. Failures of those are reported on stderr and do not close the connection.
    pub fn connect(target: &Target) -> io::Result<Connection> {
        let mut conn = Connection::open(&target.host, target.port)?;
        if let Some(password) = &target.password {
            let mut args = vec![b"AUTH".to_vec()];
            if let Some(user) = &target.user {
                args.push(user.clone().into_bytes());
            }
            args.push(password.clone().into_bytes());
            if let Frame::Error(e) = conn.call(&args)? {
                eprintln!("AUTH failed: {}", String::from_utf8_lossy(&e));
                // redis-cli stops logging in there (no SELECT, no HELLO).
                return Ok(conn);
            }
        }
        if target.db != 0 {
            let args = vec![b"SELECT".to_vec(), target.db.to_string().into_bytes()];
            if let Frame::Error(e) = conn.call(&args)? {
                eprintln!(
                    "SELECT {} failed: {}",
                    target.db,
                    String::from_utf8_lossy(&e)
                );
            }
        }
        if target.resp3 {
            if let Frame::Error(e) = conn.call(&[b"HELLO".to_vec(), b"3".to_vec()])? {
                eprintln!("HELLO 3 failed: {}", String::from_utf8_lossy(&e));
            }
        }
        Ok(conn)
    }

    /// A second handle on the socket (for a writer thread).
    pub fn try_clone_stream(&self) -> io::Result<TcpStream> {
        self.stream.try_clone()
    }

    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.stream.set_read_timeout(timeout)
    }

    pub fn send(&mut self, args: &[Vec<u8>]) -> io::Result<()> {
        self.stream.write_all(&encode(args))
    }

    /// The next frame; push frames included.
    pub fn read_frame(&mut self) -> io::Result<Frame> {
        loop {
            match self.decoder.decode(&mut self.buffer) {
                Ok(Some(frame)) => return Ok(frame),
                Ok(None) => {}
                Err(err) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("Protocol error: {err}"),
                    ))
                }
            }
            self.fill()?;
        }
    }

    /// Sends a command and returns its reply, skipping push frames.
    pub fn call(&mut self, args: &[Vec<u8>]) -> io::Result<Frame> {
        self.send(args)?;
        loop {
            match self.read_frame()? {
                Frame::Push(_) => continue,
                frame => return Ok(frame),
            }
        }
    }

    /// Reads the reply to SYNC: keep-alive newlines, then `$<len>\r\n` and that many bytes
    /// (no CRLF after them). `Ok(Err(text))` when the server answered with an error.
    pub fn read_rdb_payload(&mut self) -> io::Result<Result<Vec<u8>, String>> {
        let line = loop {
            while self.buffer.first() == Some(&b'\n') {
                let _ = self.buffer.split_to(1);
            }
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                let line = self.buffer.split_to(end + 2);
                break line[..end].to_vec();
            }
            self.fill()?;
        };
        match line.first() {
            Some(b'$') => {}
            Some(b'-') => return Ok(Err(String::from_utf8_lossy(&line[1..]).into_owned())),
            _ => return Ok(Err(String::from_utf8_lossy(&line).into_owned())),
        }
        let len: usize = std::str::from_utf8(&line[1..])
            .ok()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad payload length"))?;
        while self.buffer.len() < len {
            self.fill()?;
        }
        Ok(Ok(self.buffer.split_to(len).to_vec()))
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "Server closed the connection",
            ));
        }
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// [`Connection::call`] with `&str` arguments.
    pub fn call_str(&mut self, args: &[&str]) -> io::Result<Frame> {
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        self.call(&args)
    }
}
