//! `MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password |
//! AUTH2 username password] [KEYS key ...]`: moves keys to another instance.
//!
//! The values are serialized as DUMP does, under the keyspace lock; the lock is then given
//! up while the target is spoken to (`RESTORE key ttl payload [REPLACE]`, pipelined, on a
//! connection cached per `host:port`), and taken again to delete the keys the target
//! acknowledged — only those whose value did not change in the meantime, so a concurrent
//! write is never lost. Connections unused for [`IDLE_SECS`] are closed by the server cron.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{Acl, BeginSearch, Command, Ctx, Doc, FindKeys, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{is_keyword, parse_i64};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};
use crate::persistence;

/// Cached connections unused for longer than this are closed (Redis's 10 seconds).
pub const IDLE_SECS: u64 = 10;
/// At most this many cached connections; a new one evicts another.
const MAX_CACHED: usize = 64;
/// The timeout used when the command's is zero or negative.
const DEFAULT_TIMEOUT_MS: u64 = 1000;

/// One cached connection to a target.
struct Cached {
    stream: BufReader<TcpStream>,
    /// The database last selected on it (`None`: unknown, SELECT is sent).
    db: Option<i64>,
    last_use: Instant,
}

/// The connections MIGRATE keeps open, by `host:port` (`migrate_cached_sockets`).
#[derive(Default)]
pub struct MigrateCache {
    conns: Mutex<HashMap<String, Cached>>,
}

impl MigrateCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many connections are cached (`INFO stats`' `migrate_cached_sockets`).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the connections unused for more than [`IDLE_SECS`] (from the server cron).
    pub fn close_idle(&self) {
        let limit = Duration::from_secs(IDLE_SECS);
        self.lock()
            .retain(|_, conn| conn.last_use.elapsed() <= limit);
    }

    /// Takes the cached connection to `target` out of the cache, if any.
    fn take(&self, target: &str) -> Option<Cached> {
        self.lock().remove(target)
    }

    /// Puts a connection (back) into the cache.
    fn put(&self, target: String, mut conn: Cached) {
        conn.last_use = Instant::now();
        let mut conns = self.lock();
        if conns.len() >= MAX_CACHED && !conns.contains_key(&target) {
            if let Some(victim) = conns.keys().next().cloned() {
                conns.remove(&victim);
            }
        }
        conns.insert(target, conn);
    }
}

/// The parsed arguments.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    host: Bytes,
    port: Bytes,
    db: i64,
    timeout_ms: u64,
    copy: bool,
    replace: bool,
    /// `AUTH password` (`[password]`) or `AUTH2 username password`.
    auth: Option<Vec<Bytes>>,
    keys: Vec<Bytes>,
}

const KEYS_NEED_EMPTY_KEY: &str =
    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";

fn parse(argv: &[Bytes]) -> Result<Args, CommandError> {
    if argv.len() < 6 {
        return Err(CommandError::WrongArity("migrate".to_string()));
    }
    let mut copy = false;
    let mut replace = false;
    let mut auth = None;
    let mut keys = None;
    let mut i = 6;
    while i < argv.len() {
        let arg = &argv[i];
        let rest = argv.len() - i - 1;
        if is_keyword(arg, "copy") {
            copy = true;
        } else if is_keyword(arg, "replace") {
            replace = true;
        } else if is_keyword(arg, "auth") {
            if rest < 1 {
                return Err(CommandError::Syntax);
            }
            auth = Some(vec![argv[i + 1].clone()]);
            i += 1;
        } else if is_keyword(arg, "auth2") {
            if rest < 2 {
                return Err(CommandError::Syntax);
            }
            auth = Some(vec![argv[i + 1].clone(), argv[i + 2].clone()]);
            i += 2;
        } else if is_keyword(arg, "keys") {
            if !argv[3].is_empty() {
                return Err(CommandError::Line(KEYS_NEED_EMPTY_KEY.to_string()));
            }
            keys = Some(argv[i + 1..].to_vec());
            break;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    let timeout = parse_i64(&argv[5]).ok_or(CommandError::NotInteger)?;
    let db = parse_i64(&argv[4]).ok_or(CommandError::NotInteger)?;
    let timeout_ms = u64::try_from(timeout)
        .ok()
        .filter(|&t| t > 0)
        .unwrap_or(DEFAULT_TIMEOUT_MS);
    Ok(Args {
        host: argv[1].clone(),
        port: argv[2].clone(),
        db,
        timeout_ms,
        copy,
        replace,
        auth,
        keys: keys.unwrap_or_else(|| vec![argv[3].clone()]),
    })
}

/// `COMMAND GETKEYS`: the key argument, or the keys after `KEYS` (skipping the values of
/// AUTH and AUTH2); none when `KEYS` comes with a non-empty key argument.
fn migrate_keys(argv: &[Bytes]) -> Vec<(usize, K)> {
    let flags = K::RW | K::ACCESS | K::DELETE;
    let mut i = 6;
    while i + 1 < argv.len() {
        let arg = &argv[i];
        if is_keyword(arg, "auth") {
            i += 1;
        } else if is_keyword(arg, "auth2") {
            i += 2;
        } else if is_keyword(arg, "keys") {
            if !argv[3].is_empty() {
                return Vec::new();
            }
            return (i + 1..argv.len()).map(|pos| (pos, flags)).collect();
        }
        i += 1;
    }
    if argv.len() > 3 {
        vec![(3, flags)]
    } else {
        Vec::new()
    }
}

/// A key to send: its DUMP payload and its remaining time to live (ms, 0 = none).
struct Outgoing {
    key: Bytes,
    payload: Vec<u8>,
    ttl_ms: u64,
}

/// How talking to the target went.
enum Outcome {
    /// The connection failed or timed out (`writing` or `reading`).
    Io(&'static str),
    /// AUTH or SELECT failed: nothing is deleted.
    Refused(String),
    /// One entry per key, in order: `None` for an acknowledged RESTORE, or the error.
    Replies(Vec<Option<String>>),
}

fn io_error(what: &str) -> CommandError {
    CommandError::Line(format!("IOERR error or timeout {what} to target instance"))
}

fn target_error(line: &str) -> CommandError {
    CommandError::Line(format!("ERR Target instance replied with error: {line}"))
}

fn migrate(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let args = parse(argv)?;
    // (1) Serialize the keys that exist, under the keyspace lock.
    let opts = persistence::write_options(&ctx.server.config());
    let now = ctx.now_ms();
    let mut outgoing = Vec::new();
    {
        let db = ctx.db();
        for key in &args.keys {
            let Some(value) = db.get_for_read(key, now) else {
                continue;
            };
            let payload = cedis_persist::dump::dump_with(value, &opts)
                .map_err(|err| CommandError::Line(format!("ERR {err}")))?;
            let ttl_ms = db
                .expire_at(key, now)
                .map_or(0, |at| at.saturating_sub(now).max(1));
            outgoing.push(Outgoing {
                key: key.clone(),
                payload,
                ttl_ms,
            });
        }
    }
    if outgoing.is_empty() {
        ctx.reply.simple(b"NOKEY");
        return Ok(());
    }
    // (2) Talk to the target without the keyspace lock (inside EXEC the transaction keeps
    // it: its commands run as one).
    if !ctx.in_exec {
        ctx.release_store();
    }
    let cache = &ctx.server.migrate;
    let outcome = blocking(|| send_all(cache, &args, &outgoing));
    let replies = match outcome {
        Outcome::Io(what) => return Err(io_error(what)),
        Outcome::Refused(line) => return Err(target_error(&line)),
        Outcome::Replies(replies) => replies,
    };
    // (3) Delete the acknowledged keys still holding the value that was sent.
    let mut deleted = Vec::new();
    if !args.copy {
        let now = ctx.now_ms();
        for (sent, reply) in outgoing.iter().zip(&replies) {
            if reply.is_some() {
                continue;
            }
            let db = ctx.db();
            let unchanged = db
                .get_for_read(&sent.key, now)
                .and_then(|value| cedis_persist::dump::dump_with(value, &opts).ok())
                .is_some_and(|payload| payload == sent.payload);
            if unchanged && db.remove(&sent.key, now).is_some() {
                ctx.notify(ev::GENERIC, "del", &sent.key);
                deleted.push(sent.key.clone());
            }
        }
    }
    if !deleted.is_empty() {
        let mut del = Vec::with_capacity(deleted.len() + 1);
        del.push(Bytes::from_static(b"DEL"));
        del.extend(deleted);
        ctx.propagate_as = Some(vec![del]);
    }
    match replies.into_iter().flatten().next() {
        Some(line) => Err(target_error(&line)),
        None => {
            ctx.reply.ok();
            Ok(())
        }
    }
}

/// Runs blocking network code from a handler: on a multi-threaded tokio runtime's worker,
/// the worker's other tasks move elsewhere meanwhile.
fn blocking<R>(work: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

/// Sends the keys to the target, on the cached connection when there is one. A cached
/// connection that fails before anything was read from it (the target may have closed it
/// meanwhile) is replaced by a new one, once.
fn send_all(cache: &MigrateCache, args: &Args, outgoing: &[Outgoing]) -> Outcome {
    let target = format!(
        "{}:{}",
        String::from_utf8_lossy(&args.host),
        String::from_utf8_lossy(&args.port)
    );
    let timeout = Duration::from_millis(args.timeout_ms);
    let mut retried = false;
    loop {
        let (mut conn, cached) = match cache.take(&target) {
            Some(conn) => (conn, true),
            None => match connect(args, timeout) {
                Some(stream) => (
                    Cached {
                        stream: BufReader::new(stream),
                        db: None,
                        last_use: Instant::now(),
                    },
                    false,
                ),
                None => return Outcome::Io("writing"),
            },
        };
        match exchange(&mut conn, args, outgoing, timeout) {
            Ok(outcome) => {
                cache.put(target, conn);
                return outcome;
            }
            Err(Failure {
                what,
                read_any,
                timed_out,
            }) => {
                // The connection is dropped (closed) here. One the target closed while
                // it sat in the cache fails at once, before any reply: try a new one.
                if cached && !read_any && !timed_out && !retried {
                    retried = true;
                    continue;
                }
                return Outcome::Io(what);
            }
        }
    }
}

fn connect(args: &Args, timeout: Duration) -> Option<TcpStream> {
    let host = std::str::from_utf8(&args.host).ok()?;
    let port: u16 = std::str::from_utf8(&args.port).ok()?.parse().ok()?;
    let addrs = (host, port).to_socket_addrs().ok()?;
    for addr in addrs {
        if let Ok(stream) = TcpStream::connect_timeout(&addr, timeout) {
            let _ = stream.set_nodelay(true);
            return Some(stream);
        }
    }
    None
}

/// An I/O failure: while `writing` or `reading`, whether any reply had been read, and
/// whether the timeout expired (rather than the connection failing).
struct Failure {
    what: &'static str,
    read_any: bool,
    timed_out: bool,
}

fn is_timeout(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// One RESP command.
fn encode(out: &mut Vec<u8>, parts: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", parts.len()).as_bytes());
    for part in parts {
        out.extend_from_slice(format!("${}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
}

/// Sends AUTH, SELECT and the RESTOREs in one write, then reads one reply for each.
fn exchange(
    conn: &mut Cached,
    args: &Args,
    outgoing: &[Outgoing],
    timeout: Duration,
) -> Result<Outcome, Failure> {
    let write_failure = |timed_out| Failure {
        what: "writing",
        read_any: false,
        timed_out,
    };
    let stream = conn.stream.get_mut();
    if stream.set_write_timeout(Some(timeout)).is_err()
        || stream.set_read_timeout(Some(timeout)).is_err()
    {
        return Err(write_failure(false));
    }
    let mut out = Vec::new();
    let mut preamble = 0;
    if let Some(auth) = &args.auth {
        let mut parts: Vec<&[u8]> = vec![b"AUTH"];
        parts.extend(auth.iter().map(|p| &p[..]));
        encode(&mut out, &parts);
        preamble += 1;
    }
    let select = conn.db != Some(args.db);
    if select {
        encode(&mut out, &[b"SELECT", args.db.to_string().as_bytes()]);
        preamble += 1;
    }
    for sent in outgoing {
        let ttl = sent.ttl_ms.to_string();
        let mut parts: Vec<&[u8]> = vec![b"RESTORE", &sent.key, ttl.as_bytes(), &sent.payload];
        if args.replace {
            parts.push(b"REPLACE");
        }
        encode(&mut out, &parts);
    }
    if let Err(err) = stream.write_all(&out).and_then(|()| stream.flush()) {
        return Err(write_failure(is_timeout(&err)));
    }
    let mut refused = None;
    let mut read_any = false;
    let mut replies = Vec::with_capacity(outgoing.len());
    for index in 0..preamble + outgoing.len() {
        let line = read_line(&mut conn.stream).map_err(|timed_out| Failure {
            what: "reading",
            read_any,
            timed_out,
        })?;
        read_any = true;
        let error = line.strip_prefix('-').map(str::to_string);
        if index < preamble {
            if select && index == preamble - 1 {
                conn.db = if error.is_some() { None } else { Some(args.db) };
            }
            if refused.is_none() {
                refused = error;
            }
        } else {
            replies.push(error);
        }
    }
    Ok(match refused {
        Some(line) => Outcome::Refused(line),
        None => Outcome::Replies(replies),
    })
}

/// Reads one single-line reply (`+OK`, `-ERR …`); a bulk reply's body is skipped. The
/// error says whether the timeout expired.
fn read_line(stream: &mut BufReader<TcpStream>) -> Result<String, bool> {
    let mut line = Vec::new();
    match stream.read_until(b'\n', &mut line) {
        Ok(_) if line.ends_with(b"\r\n") => {}
        Ok(_) => return Err(false),
        Err(err) => return Err(is_timeout(&err)),
    }
    line.truncate(line.len() - 2);
    let text = String::from_utf8_lossy(&line).into_owned();
    // A bulk reply (not expected from AUTH, SELECT or RESTORE): skip its body.
    if let Some(len) = text.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
        let want = u64::try_from(len).unwrap_or(u64::MAX).saturating_add(2);
        let mut body = std::io::Read::take(&mut *stream, want);
        match std::io::copy(&mut body, &mut std::io::sink()) {
            Ok(got) if got == want => {}
            Ok(_) => return Err(false),
            Err(err) => return Err(is_timeout(&err)),
        }
    }
    Ok(text)
}

const KEY_FLAGS: K = K::RW.union(K::ACCESS).union(K::DELETE);

pub static COMMANDS: &[Command] = &[Command::new(
    "migrate",
    -6,
    Doc::new(
        "Atomically transfer a key from a Redis instance to another one.",
        "2.6.0",
        "generic",
        "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
        "host port:integer key_or_empty_string=(key:key|empty_string= \"\") destination-db:integer timeout:integer [COPY@3.0.0] [REPLACE@3.0.0] [authentication=([AUTH password@4.0.7]|[AUTH2 username_password=(username password)@6.0.0])] [KEYS key:key...@3.0.6]",
    ),
    migrate,
)
.flags(Flags::WRITE.union(Flags::MOVABLEKEYS))
.acl(Acl::KEYSPACE.union(Acl::DANGEROUS))
.tips(&["nondeterministic_output"])
.keys(3, 3, 1)
.key_specs(&[
    KeySpec::single(KEY_FLAGS, 3),
    KeySpec::new(
        KEY_FLAGS.union(K::INCOMPLETE),
        BeginSearch::Keyword {
            keyword: "KEYS",
            startfrom: -2,
        },
        FindKeys::Range {
            lastkey: -1,
            keystep: 1,
            limit: 0,
        },
    ),
])
.get_keys(migrate_keys)];

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<Bytes> {
        std::iter::once("migrate")
            .chain(args.iter().copied())
            .map(|a| Bytes::from(a.to_string()))
            .collect()
    }

    fn err(args: &[&str]) -> String {
        parse(&argv(args)).unwrap_err().to_string()
    }

    #[test]
    fn parses_the_single_key_form() {
        let args = parse(&argv(&["h", "6379", "k", "3", "500"])).unwrap();
        assert_eq!(args.keys, vec![Bytes::from("k")]);
        assert_eq!((args.db, args.timeout_ms), (3, 500));
        assert!(!args.copy && !args.replace && args.auth.is_none());
        // A timeout of zero or less is Redis's default second.
        let args = parse(&argv(&["h", "1", "k", "0", "0", "COPY", "replace"])).unwrap();
        assert_eq!(args.timeout_ms, 1000);
        assert!(args.copy && args.replace);
        assert_eq!(
            parse(&argv(&["h", "1", "k", "0", "-5"]))
                .unwrap()
                .timeout_ms,
            1000
        );
    }

    #[test]
    fn parses_auth_and_keys() {
        let args = parse(&argv(&[
            "h", "1", "", "0", "10", "auth2", "u", "p", "KEYS", "a", "copy",
        ]))
        .unwrap();
        assert_eq!(args.auth, Some(vec![Bytes::from("u"), Bytes::from("p")]));
        // Everything after KEYS is a key.
        assert_eq!(args.keys, vec![Bytes::from("a"), Bytes::from("copy")]);
        assert!(!args.copy);
        let args = parse(&argv(&["h", "1", "", "0", "10", "auth", "keys"])).unwrap();
        assert_eq!(args.auth, Some(vec![Bytes::from("keys")]));
        assert_eq!(args.keys, vec![Bytes::new()]);
        let args = parse(&argv(&["h", "1", "", "0", "10", "keys"])).unwrap();
        assert!(args.keys.is_empty());
    }

    #[test]
    fn reports_redis_errors() {
        assert_eq!(err(&["h", "1", "k", "0", "10", "foo"]), "ERR syntax error");
        assert_eq!(err(&["h", "1", "k", "0", "10", "auth"]), "ERR syntax error");
        assert_eq!(
            err(&["h", "1", "k", "0", "10", "auth2", "u"]),
            "ERR syntax error"
        );
        assert_eq!(
            err(&["h", "1", "k", "0", "10", "keys"]),
            KEYS_NEED_EMPTY_KEY
        );
        assert_eq!(
            err(&["h", "1", "k", "x", "10", "keys", "a"]),
            KEYS_NEED_EMPTY_KEY
        );
        assert_eq!(
            err(&["h", "1", "k", "x", "1000", "foo"]),
            "ERR syntax error"
        );
        assert_eq!(
            err(&["h", "1", "k", "x", "10"]),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            err(&["h", "1", "k", "0", "x"]),
            "ERR value is not an integer or out of range"
        );
    }

    #[test]
    fn finds_keys_as_redis_does() {
        let keys = |args: &[&str]| -> Vec<usize> {
            migrate_keys(&argv(args))
                .into_iter()
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(keys(&["h", "p", "k", "0", "1"]), [3]);
        assert_eq!(keys(&["h", "p", "", "0", "1", "keys", "a", "b"]), [7, 8]);
        assert!(keys(&["h", "p", "k", "0", "1", "keys", "a"]).is_empty());
        // KEYS last names no keys; AUTH's and AUTH2's values are skipped.
        assert_eq!(keys(&["h", "p", "k", "0", "1", "keys"]), [3]);
        assert_eq!(keys(&["h", "p", "", "0", "1", "auth", "keys", "x"]), [3]);
        assert_eq!(
            keys(&["h", "p", "", "0", "1", "auth2", "keys", "keys", "keys", "a"]),
            [10]
        );
    }
}
