//! Appending commands: the RESP encoding Redis logs, SELECT insertion, the expire
//! translation done before logging, and the `appendfsync` policy.
//!
//! # What Redis 7.0.15 writes (found by running commands against it)
//!
//! - Each command is a RESP array of bulk strings, `*<argc>\r\n` then `$<len>\r\n<arg>\r\n`
//!   per argument, the arguments as the client sent them (`set` stays lower case).
//! - The first command written to a new incremental file is preceded by `SELECT <db>`
//!   (even for db 0); afterwards a `SELECT` is written whenever the database changes.
//! - Relative expires are logged as absolute times (see [`translate_for_aof`]).
//! - Transactions are logged as `MULTI`, the commands, `EXEC`.

use std::io::{self, Write};
use std::str::FromStr;

use bytes::Bytes;
use thiserror::Error;

/// Appends the RESP array Redis logs for `argv` to `out`.
///
/// ```
/// let mut out = Vec::new();
/// cedis_persist::aof::encode_command(&mut out, &[&b"set"[..], b"k", b"v"]);
/// assert_eq!(out, b"*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n");
/// ```
pub fn encode_command<A: AsRef<[u8]>>(out: &mut Vec<u8>, argv: &[A]) {
    out.push(b'*');
    out.extend_from_slice(argv.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    for arg in argv {
        let arg = arg.as_ref();
        out.push(b'$');
        out.extend_from_slice(arg.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

/// The command stream of one AOF file (an incremental file, or a base written as
/// commands). Commands are buffered, as in Redis's `aof_buf`, and written out by
/// [`write_pending`](Self::write_pending), which the server calls before replying to
/// the clients whose writes are in the buffer (and before fsyncing under
/// `appendfsync always`).
///
/// ```
/// use cedis_persist::aof::AofWriter;
/// let mut w = AofWriter::new(Vec::new());
/// w.feed(0, &[&b"set"[..], b"a", b"1"]);
/// w.feed(0, &[&b"incr"[..], b"a"]);
/// w.feed(2, &[&b"del"[..], b"b"]);
/// w.write_pending()?;
/// let text = String::from_utf8(w.into_inner()).unwrap();
/// assert!(text.starts_with("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n"));
/// assert_eq!(text.matches("SELECT").count(), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct AofWriter<W: Write> {
    out: W,
    selected_db: Option<u64>,
    buf: Vec<u8>,
    written: u64,
}

impl<W: Write> AofWriter<W> {
    /// A writer for a new (or reopened) file: its first command gets a `SELECT`.
    pub fn new(out: W) -> AofWriter<W> {
        AofWriter {
            out,
            selected_db: None,
            buf: Vec::new(),
            written: 0,
        }
    }

    /// Buffers `argv` for database `db`, after a `SELECT db` when `db` is not the
    /// database of the previous command in this file.
    pub fn feed<A: AsRef<[u8]>>(&mut self, db: u64, argv: &[A]) {
        if self.selected_db != Some(db) {
            let db_text = db.to_string();
            encode_command(&mut self.buf, &[&b"SELECT"[..], db_text.as_bytes()]);
            self.selected_db = Some(db);
        }
        encode_command(&mut self.buf, argv);
    }

    /// Buffers bytes already encoded (a command stream replayed from elsewhere); the
    /// next [`feed`](Self::feed) writes a `SELECT` again, as the bytes may have changed
    /// database.
    pub fn feed_raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.selected_db = None;
    }

    /// Buffers an annotation line such as `#TS:1628217470\r\n` (`aof-timestamp-enabled`),
    /// which loaders skip; the selected database is unaffected.
    pub fn annotate(&mut self, line: &[u8]) {
        self.buf.extend_from_slice(line);
    }

    /// Bytes buffered and not yet written.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Writes the buffer out (one `write_all`, then `flush`); the number of bytes.
    /// On error the buffer is kept, so a later call retries it (Redis keeps `aof_buf`
    /// and retries too); the caller decides whether to refuse writes meanwhile.
    pub fn write_pending(&mut self) -> io::Result<usize> {
        if self.buf.is_empty() {
            return Ok(0);
        }
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        let n = self.buf.len();
        self.written += n as u64;
        self.buf.clear();
        Ok(n)
    }

    /// Bytes written to the output so far (the file's size, for a new file).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The output, to fsync it (`get_mut().sync_data()` for a `File`).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The output, dropping what was not written.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// `appendfsync`: when the AOF is fsynced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FsyncPolicy {
    /// After every write of the buffer, before replying.
    Always,
    /// At most once a second (Redis does it in a background thread).
    #[default]
    EverySec,
    /// Never: the kernel decides.
    No,
}

impl FsyncPolicy {
    /// The configuration value.
    pub fn as_str(self) -> &'static str {
        match self {
            FsyncPolicy::Always => "always",
            FsyncPolicy::EverySec => "everysec",
            FsyncPolicy::No => "no",
        }
    }
}

/// The configuration value was not `always`, `everysec` or `no`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("argument(s) must be one of the following: always, everysec, no")]
pub struct BadFsyncPolicy;

impl FromStr for FsyncPolicy {
    type Err = BadFsyncPolicy;
    /// Case-insensitive, as CONFIG SET takes it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "always" => Ok(FsyncPolicy::Always),
            "everysec" => Ok(FsyncPolicy::EverySec),
            "no" => Ok(FsyncPolicy::No),
            _ => Err(BadFsyncPolicy),
        }
    }
}

/// Tracks when the AOF was last fsynced and whether writes have happened since, so the
/// server can ask "fsync now?" after each write and from its once-a-second cron. Time is
/// passed in (Unix or monotonic milliseconds, as long as it is consistent).
///
/// ```
/// use cedis_persist::aof::{FsyncPolicy, FsyncTracker};
/// let mut t = FsyncTracker::new(FsyncPolicy::EverySec, 0);
/// t.wrote();
/// assert!(!t.due(500));
/// assert!(t.due(1000));
/// t.synced(1000);
/// assert!(!t.due(5000)); // nothing new since
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FsyncTracker {
    pub policy: FsyncPolicy,
    last_fsync_ms: u64,
    dirty: bool,
}

impl FsyncTracker {
    pub fn new(policy: FsyncPolicy, now_ms: u64) -> FsyncTracker {
        FsyncTracker {
            policy,
            last_fsync_ms: now_ms,
            dirty: false,
        }
    }

    /// Records that bytes were written since the last fsync.
    pub fn wrote(&mut self) {
        self.dirty = true;
    }

    /// Whether to fsync now: `always` whenever something was written, `everysec` when
    /// something was written and a second has passed since the last fsync, `no` never.
    pub fn due(&self, now_ms: u64) -> bool {
        self.dirty
            && match self.policy {
                FsyncPolicy::Always => true,
                FsyncPolicy::EverySec => now_ms.saturating_sub(self.last_fsync_ms) >= 1000,
                FsyncPolicy::No => false,
            }
    }

    /// Records an fsync at `now_ms`.
    pub fn synced(&mut self, now_ms: u64) {
        self.dirty = false;
        self.last_fsync_ms = now_ms;
    }

    /// When the last fsync happened.
    pub fn last_fsync_ms(&self) -> u64 {
        self.last_fsync_ms
    }

    /// Whether there are writes not yet fsynced.
    pub fn dirty(&self) -> bool {
        self.dirty
    }
}

/// An expire argument that is not an integer or overflows; `Display` is Redis's reply.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ExpireError {
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpireTime(String),
    #[error("ERR value is not an integer or out of range")]
    NotAnInteger,
    #[error("ERR syntax error")]
    Syntax,
}

/// What Redis 7.0 logs instead of a command that sets a relative expire, so that
/// replaying the AOF later gives the same deadline: `None` when `argv` is logged as it
/// is. `now_ms` is the command's time (Unix milliseconds). Call it only for commands
/// that took effect (an `EXPIRE … NX` that changed nothing is not logged at all).
///
/// Seen in the incr file of Redis 7.0.15:
///
/// | command | logged |
/// | --- | --- |
/// | `EXPIRE k s`, `PEXPIRE k ms`, `EXPIREAT k s` (+ `NX`/`XX`/`GT`/`LT`) | `PEXPIREAT k <abs ms>` (+ the flags) |
/// | `PEXPIREAT k ms` | unchanged |
/// | any of the four, with a time not after `now_ms` | `DEL k` |
/// | `SETEX k s v`, `PSETEX k ms v` | `SET k v PXAT <abs ms>` |
/// | `SET k v … EX/PX/EXAT/PXAT n …` | `SET k v PXAT <abs ms>` (`NX`/`XX`/`GET` dropped) |
/// | `SET k v` with no expire option (`KEEPTTL` included) | unchanged |
/// | `GETEX k EX/PX/EXAT/PXAT n` | `PEXPIREAT k <abs ms>`, or `DEL k` when past |
/// | `GETEX k PERSIST` | `PERSIST k` |
/// | `RESTORE k ttl payload …` (ttl > 0, no `ABSTTL`) | same with `<abs ms>` and `ABSTTL` appended |
///
/// ```
/// use bytes::Bytes;
/// use cedis_persist::aof::translate_for_aof;
/// let argv: Vec<Bytes> = ["setex", "k", "100", "v"].map(Bytes::from).to_vec();
/// let logged = translate_for_aof(&argv, 1_000).unwrap().unwrap();
/// assert_eq!(logged, ["SET", "k", "v", "PXAT", "101000"].map(Bytes::from));
/// ```
pub fn translate_for_aof(argv: &[Bytes], now_ms: i64) -> Result<Option<Vec<Bytes>>, ExpireError> {
    let Some(name) = argv.first() else {
        return Ok(None);
    };
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    let invalid = || ExpireError::InvalidExpireTime(lower.clone());
    let abs = |unit: Unit, n: i64| -> Result<i64, ExpireError> {
        match unit {
            Unit::RelSec => n.checked_mul(1000).and_then(|ms| ms.checked_add(now_ms)),
            Unit::RelMs => n.checked_add(now_ms),
            Unit::AbsSec => n.checked_mul(1000),
            Unit::AbsMs => Some(n),
        }
        .ok_or_else(invalid)
    };
    let del = |key: &Bytes| vec![Bytes::from_static(b"DEL"), key.clone()];
    let set_pxat = |key: &Bytes, value: &Bytes, at: i64| {
        vec![
            Bytes::from_static(b"SET"),
            key.clone(),
            value.clone(),
            Bytes::from_static(b"PXAT"),
            Bytes::from(at.to_string()),
        ]
    };
    let unit = match lower.as_str() {
        "expire" => Some(Unit::RelSec),
        "pexpire" => Some(Unit::RelMs),
        "expireat" => Some(Unit::AbsSec),
        "pexpireat" => Some(Unit::AbsMs),
        _ => None,
    };
    if let Some(unit) = unit {
        let [_, key, when, flags @ ..] = argv else {
            return Err(ExpireError::Syntax);
        };
        let at = abs(unit, int(when)?)?;
        if at <= now_ms {
            return Ok(Some(del(key)));
        }
        if unit == Unit::AbsMs {
            return Ok(None);
        }
        let mut out = vec![
            Bytes::from_static(b"PEXPIREAT"),
            key.clone(),
            Bytes::from(at.to_string()),
        ];
        out.extend(flags.iter().cloned());
        return Ok(Some(out));
    }
    match lower.as_str() {
        "setex" | "psetex" => {
            let [_, key, n, value] = argv else {
                return Err(ExpireError::Syntax);
            };
            let unit = if lower == "setex" {
                Unit::RelSec
            } else {
                Unit::RelMs
            };
            let n = int(n)?;
            if n <= 0 {
                return Err(invalid());
            }
            Ok(Some(set_pxat(key, value, abs(unit, n)?)))
        }
        "set" => {
            let [_, key, value, opts @ ..] = argv else {
                return Err(ExpireError::Syntax);
            };
            let Some((unit, n)) = expire_option(opts)? else {
                return Ok(None);
            };
            if n <= 0 {
                return Err(invalid());
            }
            Ok(Some(set_pxat(key, value, abs(unit, n)?)))
        }
        "getex" => {
            let [_, key, opts @ ..] = argv else {
                return Err(ExpireError::Syntax);
            };
            if let [p] = opts {
                if p.eq_ignore_ascii_case(b"persist") {
                    return Ok(Some(vec![Bytes::from_static(b"PERSIST"), key.clone()]));
                }
            }
            let Some((unit, n)) = expire_option(opts)? else {
                return Ok(None);
            };
            if n <= 0 {
                return Err(invalid());
            }
            let at = abs(unit, n)?;
            if at <= now_ms {
                return Ok(Some(del(key)));
            }
            Ok(Some(vec![
                Bytes::from_static(b"PEXPIREAT"),
                key.clone(),
                Bytes::from(at.to_string()),
            ]))
        }
        "restore" => {
            let [_, _key, ttl, _payload, opts @ ..] = argv else {
                return Err(ExpireError::Syntax);
            };
            let ttl = int(ttl)?;
            if ttl == 0 || opts.iter().any(|o| o.eq_ignore_ascii_case(b"absttl")) {
                return Ok(None);
            }
            let mut out = argv.to_vec();
            out[2] = Bytes::from(abs(Unit::RelMs, ttl)?.to_string());
            out.push(Bytes::from_static(b"ABSTTL"));
            Ok(Some(out))
        }
        _ => Ok(None),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    RelSec,
    RelMs,
    AbsSec,
    AbsMs,
}

fn int(arg: &[u8]) -> Result<i64, ExpireError> {
    std::str::from_utf8(arg)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(ExpireError::NotAnInteger)
}

/// The `EX`/`PX`/`EXAT`/`PXAT` option among SET or GETEX options, if any.
fn expire_option(opts: &[Bytes]) -> Result<Option<(Unit, i64)>, ExpireError> {
    let mut found = None;
    let mut i = 0;
    while i < opts.len() {
        let unit = match opts[i].to_ascii_lowercase().as_slice() {
            b"ex" => Some(Unit::RelSec),
            b"px" => Some(Unit::RelMs),
            b"exat" => Some(Unit::AbsSec),
            b"pxat" => Some(Unit::AbsMs),
            _ => None,
        };
        if let Some(unit) = unit {
            let n = opts.get(i + 1).ok_or(ExpireError::Syntax)?;
            found = Some((unit, int(n)?));
            i += 2;
        } else {
            i += 1;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(args: &[&str], now: i64) -> Option<Vec<String>> {
        let argv: Vec<Bytes> = args
            .iter()
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect();
        translate_for_aof(&argv, now).unwrap().map(|v| {
            v.iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect()
        })
    }

    #[test]
    fn translations_seen_in_redis() {
        let now = 1_000_000;
        assert_eq!(
            t(&["expire", "a", "200"], now).unwrap(),
            ["PEXPIREAT", "a", "1200000"]
        );
        assert_eq!(
            t(&["expire", "a", "100", "XX"], now).unwrap(),
            ["PEXPIREAT", "a", "1100000", "XX"]
        );
        assert_eq!(t(&["expire", "a", "-1"], now).unwrap(), ["DEL", "a"]);
        assert_eq!(t(&["expire", "a", "0"], now).unwrap(), ["DEL", "a"]);
        assert_eq!(t(&["pexpire", "a", "-5"], now).unwrap(), ["DEL", "a"]);
        assert_eq!(t(&["expireat", "a", "999"], now).unwrap(), ["DEL", "a"]);
        assert_eq!(
            t(&["EXPIREAT", "x", "4102444800"], now).unwrap(),
            ["PEXPIREAT", "x", "4102444800000"]
        );
        assert_eq!(t(&["pexpireat", "a", "4102444800000"], now), None);
        assert_eq!(t(&["pexpireat", "a", "1000"], now).unwrap(), ["DEL", "a"]);
        assert_eq!(
            t(&["setex", "b", "100", "v"], now).unwrap(),
            ["SET", "b", "v", "PXAT", "1100000"]
        );
        assert_eq!(
            t(&["psetex", "g", "5000", "v"], now).unwrap(),
            ["SET", "g", "v", "PXAT", "1005000"]
        );
        assert_eq!(
            t(&["set", "k1", "v", "NX", "EX", "10"], now).unwrap(),
            ["SET", "k1", "v", "PXAT", "1010000"]
        );
        assert_eq!(
            t(&["set", "k1", "v", "XX", "px", "100000", "GET"], now).unwrap(),
            ["SET", "k1", "v", "PXAT", "1100000"]
        );
        assert_eq!(
            t(&["set", "f", "v", "PXAT", "1000"], now).unwrap(),
            ["SET", "f", "v", "PXAT", "1000"]
        );
        assert_eq!(
            t(&["set", "e", "v", "EXAT", "4102444800"], now).unwrap(),
            ["SET", "e", "v", "PXAT", "4102444800000"]
        );
        assert_eq!(t(&["set", "d", "v", "KEEPTTL"], now), None);
        assert_eq!(t(&["set", "d", "v"], now), None);
        assert_eq!(
            t(&["getex", "a", "EX", "100"], now).unwrap(),
            ["PEXPIREAT", "a", "1100000"]
        );
        assert_eq!(
            t(&["getex", "a", "persist"], now).unwrap(),
            ["PERSIST", "a"]
        );
        assert_eq!(
            t(&["getex", "a", "EXAT", "1000"], now).unwrap(),
            ["DEL", "a"]
        );
        assert_eq!(
            t(&["restore", "r1", "5000", "payload"], now).unwrap(),
            ["restore", "r1", "1005000", "payload", "ABSTTL"]
        );
        assert_eq!(t(&["restore", "r2", "0", "payload"], now), None);
        assert_eq!(
            t(&["restore", "r3", "4102444800000", "p", "ABSTTL"], now),
            None
        );
        assert_eq!(t(&["incr", "x"], now), None);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let argv = |a: &[&'static str]| {
            a.iter()
                .map(|s| Bytes::from_static(s.as_bytes()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            translate_for_aof(&argv(&["expire", "a", "x"]), 0),
            Err(ExpireError::NotAnInteger)
        );
        assert_eq!(
            translate_for_aof(&argv(&["expire", "a", "9223372036854775807"]), 0)
                .unwrap_err()
                .to_string(),
            "ERR invalid expire time in 'expire' command"
        );
        assert_eq!(
            translate_for_aof(&argv(&["set", "a", "v", "EX"]), 0),
            Err(ExpireError::Syntax)
        );
        assert_eq!(
            translate_for_aof(&argv(&["setex", "a"]), 0),
            Err(ExpireError::Syntax)
        );
    }

    #[test]
    fn fsync_policies() {
        assert_eq!("EVERYSEC".parse(), Ok(FsyncPolicy::EverySec));
        assert!("sometimes".parse::<FsyncPolicy>().is_err());
        let mut always = FsyncTracker::new(FsyncPolicy::Always, 0);
        assert!(!always.due(0));
        always.wrote();
        assert!(always.due(0));
        let mut no = FsyncTracker::new(FsyncPolicy::No, 0);
        no.wrote();
        assert!(!no.due(10_000));
    }
}
