//! Differential testing: the same bytes to cedis and to a real `redis-server`, and the
//! replies must be byte-for-byte equal (or equal after a [`Mask`]).
//!
//! ```no_run
//! use cedis_tests::{Differential, Mask};
//! let Some(mut d) = Differential::new() else { return }; // no redis-server: skipped
//! d.check(&[&["PING"], &["ECHO", "hi"]]);
//! d.check_masked(&["TIME"], &Mask::SameShape);
//! d.check_raw(b"*1\r\nfoo\r\n");
//! ```

use std::time::Duration;

use cedis_resp::Frame;

use crate::raw::RawConn;
use crate::reference;
use crate::server::{ServerBuilder, Target, TestServer};
use crate::util::{redis_tool, show};

type Normalizer = Box<dyn Fn(Frame) -> Frame>;
type Checker = Box<dyn Fn(&[u8], &[u8]) -> Result<(), String>>;

/// How two replies are compared.
pub enum Mask {
    /// Byte-for-byte equal.
    Exact,
    /// Anything goes, as long as both servers send one whole reply.
    Any,
    /// The same RESP type (the first byte), e.g. both errors or both arrays.
    SameType,
    /// The same structure: types and aggregate lengths everywhere, any scalar contents
    /// (for TIME, ids, counters).
    SameShape,
    /// Both decoded replies go through the function, then must be equal.
    Normalize(Normalizer),
    /// A custom comparison of (cedis bytes, redis bytes).
    Check(Checker),
}

impl Mask {
    pub fn normalize(f: impl Fn(Frame) -> Frame + 'static) -> Mask {
        Mask::Normalize(Box::new(f))
    }

    pub fn check(f: impl Fn(&[u8], &[u8]) -> Result<(), String> + 'static) -> Mask {
        Mask::Check(Box::new(f))
    }

    /// Top-level elements compared as a set (replies in hash-table order).
    pub fn unordered() -> Mask {
        Mask::normalize(sort_items)
    }

    /// A map (or RESP2 flat key/value array) compared with its pairs in any order.
    pub fn unordered_pairs() -> Mask {
        Mask::normalize(sort_pairs)
    }

    /// A map-like reply (e.g. HELLO) with the values of `keys` ignored.
    pub fn ignore_fields(keys: &'static [&'static str]) -> Mask {
        Mask::normalize(move |f| blank_fields(f, keys))
    }

    /// `COMMAND INFO` replies with subcommands (and key specs) in any order.
    pub fn command_info() -> Mask {
        Mask::normalize(sort_command_info)
    }

    /// `COMMAND DOCS` replies compared without their prose (see [`blank_docs_prose`]).
    pub fn command_docs() -> Mask {
        Mask::normalize(blank_docs_prose)
    }

    fn compare(&self, subject: &[u8], redis: &[u8]) -> Result<(), String> {
        let differ = || Err("replies differ".to_string());
        match self {
            Mask::Exact => {
                if subject == redis {
                    Ok(())
                } else {
                    differ()
                }
            }
            Mask::Any => Ok(()),
            Mask::SameType => {
                if subject.first() == redis.first() {
                    Ok(())
                } else {
                    Err("different RESP types".into())
                }
            }
            Mask::SameShape => {
                let (a, b) = (
                    reference::parse_exact(subject),
                    reference::parse_exact(redis),
                );
                if shape(&a) == shape(&b) {
                    Ok(())
                } else {
                    Err(format!("shapes differ: {} vs {}", shape(&a), shape(&b)))
                }
            }
            Mask::Normalize(f) => {
                let a = reference::encode(&f(reference::parse_exact(subject)));
                let b = reference::encode(&f(reference::parse_exact(redis)));
                if a == b {
                    Ok(())
                } else {
                    Err(format!(
                        "after normalizing:\n  subject: {}\n  redis:   {}",
                        show(&a),
                        show(&b)
                    ))
                }
            }
            Mask::Check(f) => f(subject, redis),
        }
    }
}

/// A compact description of a frame's structure: types and lengths, no contents.
pub fn shape(f: &Frame) -> String {
    fn list<'a>(tag: &str, items: impl Iterator<Item = &'a Frame>) -> String {
        let inner: Vec<String> = items.map(shape).collect();
        format!("{tag}[{}]", inner.join(","))
    }
    match f {
        Frame::Array(i) => list("*", i.iter()),
        Frame::Set(i) => list("~", i.iter()),
        Frame::Push(i) => list(">", i.iter()),
        Frame::Map(p) => list("%", p.iter().flat_map(|(k, v)| [k, v])),
        Frame::Attribute { attributes, data } => format!(
            "|{}{}",
            list("", attributes.iter().flat_map(|(k, v)| [k, v])),
            shape(data)
        ),
        other => {
            let enc = reference::encode(other);
            char::from(enc[0]).to_string()
        }
    }
}

fn sort_items(f: Frame) -> Frame {
    match f {
        Frame::Array(mut items) => {
            items.sort_by_key(reference::encode);
            Frame::Array(items)
        }
        Frame::Set(mut items) => {
            items.sort_by_key(reference::encode);
            Frame::Set(items)
        }
        other => other,
    }
}

fn sort_pairs(f: Frame) -> Frame {
    let key = |(k, v): &(Frame, Frame)| (reference::encode(k), reference::encode(v));
    match f {
        Frame::Map(mut pairs) => {
            pairs.sort_by_key(key);
            Frame::Map(pairs)
        }
        Frame::Array(items) if items.len() % 2 == 0 => {
            let mut pairs: Vec<(Frame, Frame)> = items
                .chunks(2)
                .map(|kv| (kv[0].clone(), kv[1].clone()))
                .collect();
            pairs.sort_by_key(key);
            Frame::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect())
        }
        other => other,
    }
}

fn is_key(f: &Frame, keys: &[&str]) -> bool {
    match f {
        Frame::Bulk(b) | Frame::Simple(b) => keys.iter().any(|k| k.as_bytes() == &b[..]),
        _ => false,
    }
}

fn blank_fields(f: Frame, keys: &[&str]) -> Frame {
    match f {
        Frame::Map(pairs) => Frame::Map(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let v = if is_key(&k, keys) { Frame::Null } else { v };
                    (k, v)
                })
                .collect(),
        ),
        Frame::Array(mut items) if items.len() % 2 == 0 => {
            for i in (0..items.len()).step_by(2) {
                if is_key(&items[i], keys) {
                    items[i + 1] = Frame::Null;
                }
            }
            Frame::Array(items)
        }
        other => other,
    }
}

/// Key/value pairs of a map or of a RESP2 flat array, and whether it was a map; anything
/// else comes back as the error.
fn pairs_of(f: Frame) -> Result<(Vec<(Frame, Frame)>, bool), Frame> {
    match f {
        Frame::Map(pairs) => Ok((pairs, true)),
        Frame::Array(items) if items.len() % 2 == 0 => Ok((
            items
                .chunks(2)
                .map(|kv| (kv[0].clone(), kv[1].clone()))
                .collect(),
            false,
        )),
        other => Err(other),
    }
}

fn from_pairs(pairs: Vec<(Frame, Frame)>, map: bool) -> Frame {
    if map {
        Frame::Map(pairs)
    } else {
        Frame::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect())
    }
}

/// A `COMMAND DOCS` reply (name → entry, a map or a RESP2 flat array) without the prose that
/// is each server's own: in every entry, a `summary` or `complexity` that is a non-empty bulk
/// string becomes `-` (anything else is left as it is, so it shows up as a difference), and
/// `history` is dropped (cedis has none). Subcommands' entries get the same treatment and are
/// sorted by name (Redis lists them in hash-table order). `since`, `group`, `arguments` and
/// the rest stay as they are.
pub fn blank_docs_prose(reply: Frame) -> Frame {
    fn entry(doc: Frame) -> Frame {
        let (pairs, map) = match pairs_of(doc) {
            Ok(p) => p,
            Err(other) => return other,
        };
        let pairs = pairs
            .into_iter()
            .filter_map(|(k, v)| {
                if is_key(&k, &["history"]) {
                    None
                } else if is_key(&k, &["summary", "complexity"])
                    && matches!(&v, Frame::Bulk(b) if !b.is_empty())
                {
                    Some((k, Frame::Bulk(bytes::Bytes::from_static(b"-"))))
                } else if is_key(&k, &["subcommands"]) {
                    Some((k, sort_pairs(blank_docs_prose(v))))
                } else {
                    Some((k, v))
                }
            })
            .collect();
        from_pairs(pairs, map)
    }
    match pairs_of(reply) {
        Ok((pairs, map)) => {
            from_pairs(pairs.into_iter().map(|(k, v)| (k, entry(v))).collect(), map)
        }
        Err(other) => other,
    }
}

/// Sorts the subcommand list (element 10) of each `COMMAND INFO` entry, recursively.
fn sort_command_info(f: Frame) -> Frame {
    fn entry(f: Frame) -> Frame {
        match f {
            Frame::Array(mut fields) if fields.len() == 10 => {
                if let Frame::Array(subs) = std::mem::replace(&mut fields[9], Frame::Null) {
                    let mut subs: Vec<Frame> = subs.into_iter().map(entry).collect();
                    subs.sort_by_key(reference::encode);
                    fields[9] = Frame::Array(subs);
                }
                Frame::Array(fields)
            }
            other => other,
        }
    }
    match f {
        Frame::Array(entries) => Frame::Array(entries.into_iter().map(entry).collect()),
        other => other,
    }
}

/// cedis (or whatever `CEDIS_TEST_TARGET` selects) side by side with a real `redis-server`.
pub struct Differential {
    subject: TestServer,
    redis: TestServer,
    s: RawConn,
    r: RawConn,
}

impl Differential {
    /// Both servers with the default arguments; `None` (after printing `SKIPPED`) when
    /// `redis-server` is not installed, unless `CEDIS_REQUIRE_REDIS=1`.
    pub fn new() -> Option<Differential> {
        Self::with_args(&[])
    }

    /// Both servers with the same extra arguments.
    pub fn with_args(args: &[&str]) -> Option<Differential> {
        let test = std::thread::current()
            .name()
            .unwrap_or("differential")
            .to_string();
        redis_tool("redis-server", &test)?;
        let subject = ServerBuilder::default().args(args).start();
        let redis = ServerBuilder::default()
            .target(Target::Redis)
            .args(args)
            .start();
        let (s, r) = (subject.raw(), redis.raw());
        Some(Differential {
            subject,
            redis,
            s,
            r,
        })
    }

    /// The server under test.
    pub fn subject(&self) -> &TestServer {
        &self.subject
    }

    /// The real Redis.
    pub fn redis(&self) -> &TestServer {
        &self.redis
    }

    fn label(&self) -> &'static str {
        match self.subject.target() {
            Target::Cedis => "cedis",
            Target::Redis => "redis (as subject)",
        }
    }

    /// Sends `cmd` to both and returns (subject reply, redis reply).
    pub fn replies(&mut self, cmd: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let bytes = crate::raw::encode_command(cmd);
        self.s.send(&bytes);
        self.r.send(&bytes);
        let r = self.r.read_raw_reply();
        let s = self.s.try_read_raw_reply().unwrap_or_else(|e| {
            panic!(
                "{cmd:?}: {} sent no reply: {e}\nredis: {}",
                self.label(),
                show(&r)
            )
        });
        (s, r)
    }

    /// Each command must get byte-identical replies.
    pub fn check(&mut self, cmds: &[&[&str]]) {
        for cmd in cmds {
            self.check_masked(cmd, &Mask::Exact);
        }
    }

    /// One command, compared through `mask`.
    pub fn check_masked(&mut self, cmd: &[&str], mask: &Mask) {
        let (s, r) = self.replies(cmd);
        if let Err(why) = mask.compare(&s, &r) {
            panic!(
                "differential mismatch for {cmd:?}: {why}\n  {}: {}\n  redis: {}",
                self.label(),
                show(&s),
                show(&r)
            );
        }
    }

    /// Raw bytes (inline commands, malformed input) to fresh connections on both; everything
    /// that comes back until the connection closes or goes quiet (300 ms) must be equal, and
    /// both must agree on whether the connection was closed.
    pub fn check_raw(&mut self, bytes: &[u8]) {
        let (mut s, mut r) = (self.subject.raw(), self.redis.raw());
        // A send may fail if the server already closed on a protocol error: that is fine.
        let _ = s.try_send(bytes);
        let _ = r.try_send(bytes);
        let quiet = Duration::from_millis(300);
        let (rb, rc) = r.read_until_quiet(quiet);
        let (sb, sc) = s.read_until_quiet(quiet);
        if sb != rb || sc != rc {
            panic!(
                "differential mismatch for raw input {}\n  {}: {} (closed: {sc})\n  redis: {} (closed: {rc})",
                show(bytes),
                self.label(),
                show(&sb),
                show(&rb)
            );
        }
    }

    /// Sends `cmd` on both persistent connections without comparing (setup steps).
    pub fn run_both(&mut self, cmd: &[&str]) {
        let _ = self.replies(cmd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        let hello_a = b"*4\r\n$2\r\nid\r\n:5\r\n$5\r\nproto\r\n:2\r\n";
        let hello_b = b"*4\r\n$2\r\nid\r\n:9\r\n$5\r\nproto\r\n:2\r\n";
        assert!(Mask::Exact.compare(hello_a, hello_b).is_err());
        assert!(Mask::ignore_fields(&["id"])
            .compare(hello_a, hello_b)
            .is_ok());
        assert!(Mask::SameShape.compare(hello_a, hello_b).is_ok());
        assert!(Mask::SameType.compare(b"+OK\r\n", b"-ERR\r\n").is_err());
        assert!(Mask::unordered()
            .compare(b"*2\r\n:1\r\n:2\r\n", b"*2\r\n:2\r\n:1\r\n")
            .is_ok());
        assert!(Mask::unordered_pairs()
            .compare(
                b"*4\r\n+a\r\n:1\r\n+b\r\n:2\r\n",
                b"*4\r\n+b\r\n:2\r\n+a\r\n:1\r\n"
            )
            .is_ok());
    }

    #[test]
    fn docs_prose_is_blanked() {
        let a = b"*2\r\n$1\r\nx\r\n*8\r\n$7\r\nsummary\r\n$3\r\nOne\r\n$5\r\nsince\r\n$1\r\n1\r\n\
            $7\r\nhistory\r\n*0\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n";
        let b = b"*2\r\n$1\r\nx\r\n*6\r\n$7\r\nsummary\r\n$3\r\nTwo\r\n$5\r\nsince\r\n$1\r\n1\r\n\
            $10\r\ncomplexity\r\n$4\r\nO(N)\r\n";
        let c = b"*2\r\n$1\r\nx\r\n*6\r\n$7\r\nsummary\r\n$3\r\nTwo\r\n$5\r\nsince\r\n$1\r\n2\r\n\
            $10\r\ncomplexity\r\n$4\r\nO(N)\r\n";
        assert!(Mask::command_docs().compare(a, b).is_ok());
        assert!(Mask::command_docs().compare(a, c).is_err());
        let empty = b"*2\r\n$1\r\nx\r\n*6\r\n$7\r\nsummary\r\n$0\r\n\r\n$5\r\nsince\r\n$1\r\n1\r\n\
            $10\r\ncomplexity\r\n$4\r\nO(N)\r\n";
        assert!(Mask::command_docs().compare(empty, b).is_err());
    }
}
