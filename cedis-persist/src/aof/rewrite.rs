//! Writing a base from a dataset (BGREWRITEAOF): as commands ([`AofRewriter`]) or as an
//! RDB preamble ([`write_rdb_base`]).
//!
//! # What Redis 7.0.15 writes (`aof-use-rdb-preamble no`, then BGREWRITEAOF)
//!
//! ```text
//! SELECT 0                          once per non-empty database, before its keys
//! SET key value                     strings
//! RPUSH key e1 … e64                lists, 64 elements per command, in order
//! SADD key m1 … m64                 sets
//! ZADD key s1 m1 … s64 m64          sorted sets, scores as %.17g (inf, -inf)
//! HMSET key f1 v1 … f64 v64         hashes (HMSET, not HSET)
//! PEXPIREAT key <ms>                after the value, for keys with a TTL
//! ```
//!
//! A 200-element list becomes RPUSHes of 64, 64, 64 and 8; an empty dataset an empty
//! file. Function libraries come first, as `FUNCTION LOAD <code>`, before any `SELECT`.
//! Keys already expired when the rewrite runs are left out. With `aof-use-rdb-preamble yes` the base (`.base.rdb`) is a plain RDB file with
//! the AUX field `aof-base 1`.

use std::io::{self, Write};

use cedis_types::Value;

use super::writer::encode_command;
use crate::rdb::{AuxFields, RdbWriter, WriteOptions};

/// Elements per command in a rewritten base (Redis's `AOF_REWRITE_ITEMS_PER_CMD`).
pub const REWRITE_ITEMS_PER_CMD: usize = 64;

/// Streams a base AOF of commands, one key at a time.
///
/// ```
/// use cedis_persist::aof::AofRewriter;
/// use cedis_types::Value;
/// let mut w = AofRewriter::new(Vec::new());
/// w.entry(0, b"greeting", &Value::string(b"hi"), Some(4_102_444_800_000))?;
/// let text = String::from_utf8(w.finish()?).unwrap();
/// assert_eq!(
///     text.replace("\r\n", " "),
///     "*2 $6 SELECT $1 0 *3 $3 SET $8 greeting $2 hi *3 $9 PEXPIREAT $8 greeting $13 4102444800000 "
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct AofRewriter<W: Write> {
    out: W,
    db: Option<u64>,
    buf: Vec<u8>,
    keys: u64,
    now_ms: Option<u64>,
}

impl<W: Write> AofRewriter<W> {
    pub fn new(out: W) -> AofRewriter<W> {
        AofRewriter {
            out,
            db: None,
            buf: Vec::new(),
            keys: 0,
            now_ms: None,
        }
    }

    /// Leaves out keys whose expire time is before `now_ms` (Unix ms), as Redis's
    /// rewrite does.
    pub fn skip_expired(mut self, now_ms: u64) -> Self {
        self.now_ms = Some(now_ms);
        self
    }

    /// Writes a function library as `FUNCTION LOAD <code>`; call it for every library
    /// before the first [`entry`](Self::entry), as Redis does.
    pub fn function(&mut self, code: &[u8]) -> io::Result<()> {
        self.buf.clear();
        encode_command(&mut self.buf, &[&b"FUNCTION"[..], b"LOAD", code]);
        self.out.write_all(&self.buf)
    }

    /// Writes the commands that recreate `key` in database `db` (after a `SELECT` when
    /// the database changes), then its `PEXPIREAT` when `expire_ms` is set. Give keys
    /// grouped by database. `Ok(false)` when the key was left out as expired (see
    /// [`skip_expired`](Self::skip_expired)).
    pub fn entry(
        &mut self,
        db: u64,
        key: &[u8],
        value: &Value,
        expire_ms: Option<u64>,
    ) -> io::Result<bool> {
        if let (Some(now), Some(at)) = (self.now_ms, expire_ms) {
            if at < now {
                return Ok(false);
            }
        }
        self.buf.clear();
        if self.db != Some(db) {
            let db_text = db.to_string();
            encode_command(&mut self.buf, &[&b"SELECT"[..], db_text.as_bytes()]);
            self.db = Some(db);
        }
        match value {
            Value::String(s) => {
                encode_command(&mut self.buf, &[&b"SET"[..], key, &s.to_bytes()]);
            }
            Value::List(l) => batched(
                &mut self.buf,
                b"RPUSH",
                key,
                l.iter().map(|e| vec![e.to_vec()]),
            ),
            Value::Set(s) => batched(
                &mut self.buf,
                b"SADD",
                key,
                s.iter().map(|m| vec![m.into_owned()]),
            ),
            Value::ZSet(z) => batched(
                &mut self.buf,
                b"ZADD",
                key,
                z.iter_from(0, false)
                    .map(|(score, m)| vec![score_text(score).into_bytes(), m.to_vec()]),
            ),
            Value::Hash(h) => batched(
                &mut self.buf,
                b"HMSET",
                key,
                h.iter().map(|(f, v)| vec![f.to_vec(), v.to_vec()]),
            ),
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("can't rewrite a {} value into the AOF", other.type_name()),
                ))
            }
        }
        if let Some(ms) = expire_ms {
            let ms = ms.to_string();
            encode_command(&mut self.buf, &[&b"PEXPIREAT"[..], key, ms.as_bytes()]);
        }
        self.out.write_all(&self.buf)?;
        self.keys += 1;
        Ok(true)
    }

    /// Keys written so far.
    pub fn keys(&self) -> u64 {
        self.keys
    }

    /// Flushes and returns the output (fsync and rename it next).
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Appends `NAME key item…` commands of at most [`REWRITE_ITEMS_PER_CMD`] items (an
/// item is one element, or a score and member, or a field and value).
fn batched(out: &mut Vec<u8>, name: &[u8], key: &[u8], items: impl Iterator<Item = Vec<Vec<u8>>>) {
    let mut argv: Vec<Vec<u8>> = Vec::new();
    let mut count = 0;
    let flush = |out: &mut Vec<u8>, argv: &mut Vec<Vec<u8>>| {
        let mut full = Vec::with_capacity(argv.len() + 2);
        full.push(name);
        full.push(key);
        full.extend(argv.iter().map(Vec::as_slice));
        encode_command(out, &full);
        argv.clear();
    };
    for item in items {
        argv.extend(item);
        count += 1;
        if count == REWRITE_ITEMS_PER_CMD {
            flush(out, &mut argv);
            count = 0;
        }
    }
    if count > 0 {
        flush(out, &mut argv);
    }
}

/// A score as the rewrite prints it: C's `%.17g`, `inf`, `-inf` (`nan` cannot be
/// stored).
pub fn score_text(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let strip = |s: &mut String| {
        if s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
    };
    let sci = format!("{x:.16e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..17).contains(&exp) {
        let mut m = mantissa.to_string();
        strip(&mut m);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let mut s = format!("{:.*}", (16 - exp) as usize, x);
        strip(&mut s);
        s
    }
}

/// Writes a base as an RDB file (`aof-use-rdb-preamble yes`): the AUX fields with
/// `aof-base` set, each database's keys after SELECTDB/RESIZEDB (`sizes(db)` gives the
/// RESIZEDB hint, keys and keys with a TTL), EOF and checksum. Items must come grouped
/// by database.
///
/// ```
/// use cedis_persist::aof::write_rdb_base;
/// use cedis_persist::{AuxFields, WriteOptions};
/// use cedis_types::Value;
/// let v = Value::string(b"1");
/// let items = [(0u64, &b"a"[..], &v, None)];
/// let file = write_rdb_base(Vec::new(), &AuxFields::default(), WriteOptions::default(), items, |_| (1, 0))?;
/// assert!(file.starts_with(b"REDIS0010"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_rdb_base<'a, W: Write>(
    out: W,
    aux: &AuxFields,
    opts: WriteOptions,
    items: impl IntoIterator<Item = (u64, &'a [u8], &'a Value, Option<u64>)>,
    mut sizes: impl FnMut(u64) -> (u64, u64),
) -> io::Result<W> {
    let mut w = RdbWriter::new(out, opts)?;
    w.aux_fields(&AuxFields {
        aof_base: true,
        ..aux.clone()
    })?;
    let mut current = None;
    for (db, key, value, expire_ms) in items {
        if current != Some(db) {
            let (keys, expires) = sizes(db);
            w.select_db(db, keys, expires)?;
            current = Some(db);
        }
        w.entry(key, value, expire_ms)?;
    }
    let mut out = w.finish()?;
    out.flush()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_as_redis_prints_them() {
        for (x, s) in [
            (1.0, "1"),
            (2.5, "2.5"),
            (0.1, "0.10000000000000001"),
            (1e20, "1e+20"),
            (1e-5, "1.0000000000000001e-05"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.0 / 3.0, "0.33333333333333331"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(score_text(x), s);
        }
    }

    #[test]
    fn functions_first_expired_skipped() {
        let mut w = AofRewriter::new(Vec::new()).skip_expired(1000);
        w.function(b"#!lua name=l").unwrap();
        assert!(!w
            .entry(0, b"gone", &Value::string(b"v"), Some(999))
            .unwrap());
        assert!(w
            .entry(0, b"stay", &Value::string(b"v"), Some(1000))
            .unwrap());
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(text.starts_with("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"));
        assert!(!text.contains("gone"));
    }

    #[test]
    fn batches_of_64() {
        let mut list = cedis_types::list::List::new();
        for i in 1..=200 {
            list.push_back(i.to_string().as_bytes());
        }
        let mut w = AofRewriter::new(Vec::new());
        w.entry(3, b"biglist", &Value::List(Box::new(list)), None)
            .unwrap();
        let out = w.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let counts: Vec<&str> = text.split("\r\n").filter(|l| l.starts_with('*')).collect();
        assert_eq!(counts, ["*2", "*66", "*66", "*66", "*10"]);
    }
}
