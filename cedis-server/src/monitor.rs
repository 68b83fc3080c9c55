//! MONITOR: every command the server runs, as a line to each monitoring client.
//!
//! A command is fed after it ran (so a command inside MULTI shows up when EXEC runs it,
//! before the `exec` line itself), with the database the client has selected after it
//! ran. Commands refused before running (unknown, wrong arity, not authenticated) are not
//! fed, nor are admin commands and those flagged `skip_monitor`; secrets (AUTH and
//! HELLO … AUTH passwords, MIGRATE … AUTH/AUTH2) are replaced by `(redacted)`.
//!
//! ```text
//! +1700000000.123456 [0 127.0.0.1:50312] "set" "k" "a\nb"
//! ```

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::args::is_keyword;
use crate::client::{ClientHandle, OutputLimit};

/// The clients in MONITOR mode.
#[derive(Debug, Default)]
pub struct Monitors {
    clients: Mutex<Vec<Arc<ClientHandle>>>,
    /// Number of monitors: feeding costs one atomic load while it is zero.
    count: AtomicUsize,
}

impl Monitors {
    pub fn add(&self, client: &Arc<ClientHandle>) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if !clients.iter().any(|c| c.id == client.id) {
            clients.push(Arc::clone(client));
        }
        self.count.store(clients.len(), Ordering::Relaxed);
    }

    pub fn remove(&self, id: u64) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients.retain(|c| c.id != id);
        self.count.store(clients.len(), Ordering::Relaxed);
    }

    pub fn is_empty(&self) -> bool {
        self.count.load(Ordering::Relaxed) == 0
    }

    /// Sends one command line to every monitor. `origin` is the client's address, or
    /// `None` for commands a script ran (shown as `lua`).
    pub fn feed(&self, db: usize, origin: Option<SocketAddr>, argv: &[Bytes], limit: OutputLimit) {
        if self.is_empty() {
            return;
        }
        let line = monitor_line(SystemTime::now(), db, origin, argv);
        let clients = self
            .clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for client in clients {
            if !client.deliver(limit, |reply| reply.simple(&line)) {
                self.remove(client.id);
            }
        }
    }
}

/// One MONITOR line, without the `+` and line end.
pub fn monitor_line(
    at: SystemTime,
    db: usize,
    origin: Option<SocketAddr>,
    argv: &[Bytes],
) -> Vec<u8> {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let origin = origin.map_or_else(|| "lua".to_string(), |addr| addr.to_string());
    let mut line = format!(
        "{}.{:06} [{db} {origin}]",
        since.as_secs(),
        since.subsec_micros()
    )
    .into_bytes();
    let redacted = redacted_args(argv);
    for (i, arg) in argv.iter().enumerate() {
        line.push(b' ');
        if redacted.contains(&i) {
            line.extend_from_slice(b"\"(redacted)\"");
        } else {
            quote_into(&mut line, arg);
        }
    }
    line
}

/// The positions of arguments MONITOR must not show.
fn redacted_args(argv: &[Bytes]) -> Vec<usize> {
    let name = argv.first().map(|n| &n[..]).unwrap_or_default();
    if is_keyword(name, "auth") {
        return (1..argv.len()).collect();
    }
    let mut hidden = Vec::new();
    if is_keyword(name, "hello") {
        let mut i = 2;
        while i < argv.len() {
            if is_keyword(&argv[i], "auth") {
                hidden.extend([i + 1, i + 2]);
                i += 3;
            } else if is_keyword(&argv[i], "setname") {
                i += 2;
            } else {
                i += 1;
            }
        }
    } else if is_keyword(name, "migrate") {
        for (i, arg) in argv.iter().enumerate().skip(6) {
            if is_keyword(arg, "keys") {
                break;
            }
            if is_keyword(arg, "auth") {
                hidden.push(i + 1);
                break;
            }
            if is_keyword(arg, "auth2") {
                hidden.extend([i + 1, i + 2]);
                break;
            }
        }
    }
    hidden
}

/// Appends `bytes` in double quotes, escaped so that any byte string reads back
/// unambiguously (`\n`, `\"`, `\\`, `\xNN` for the unprintable).
pub fn quote_into(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn args(items: &[&str]) -> Vec<Bytes> {
        items
            .iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    #[test]
    fn line_format_matches_redis() {
        let at = UNIX_EPOCH + Duration::from_micros(1_795_504_314_349_120);
        let addr: SocketAddr = "127.0.0.1:45888".parse().unwrap();
        let argv = vec![
            Bytes::from_static(b"set"),
            Bytes::from_static(b"k"),
            Bytes::from_static(b"a\nb\"\\\x01\xc3\xbf"),
        ];
        assert_eq!(
            String::from_utf8(monitor_line(at, 0, Some(addr), &argv)).unwrap(),
            r#"1795504314.349120 [0 127.0.0.1:45888] "set" "k" "a\nb\"\\\x01\xc3\xbf""#
        );
        assert_eq!(
            String::from_utf8(monitor_line(at, 3, None, &args(&["get", "x"]))).unwrap(),
            r#"1795504314.349120 [3 lua] "get" "x""#
        );
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(redacted_args(&args(&["auth", "u", "p"])), vec![1, 2]);
        assert_eq!(
            redacted_args(&args(&["hello", "3", "setname", "auth", "auth", "u", "p"])),
            vec![5, 6]
        );
        assert_eq!(
            redacted_args(&args(&[
                "migrate", "h", "1", "", "0", "10", "copy", "auth2", "u", "p", "keys", "a"
            ])),
            vec![8, 9]
        );
        assert!(redacted_args(&args(&["set", "auth", "x"])).is_empty());
        assert!(
            redacted_args(&args(&["migrate", "h", "1", "", "0", "10", "keys", "auth"])).is_empty()
        );
    }
}
