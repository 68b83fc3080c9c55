//! Loading: one AOF file ([`read_aof`]) or a whole multi-part directory
//! ([`load_aof_dir`]) into an [`AofSink`].
//!
//! # What Redis 7.0.15 does, and so do these functions
//!
//! - A file that starts with `REDIS` begins with an RDB snapshot (the "preamble"); it
//!   is loaded as RDB and any commands after it follow.
//! - Then commands: `*<argc>\r\n` and `argc` times `$<len>\r\n<bytes>\r\n`. Lines
//!   starting with `#` (the `#TS:<unix time>` annotations of `aof-timestamp-enabled`)
//!   are skipped. Anything else is "Bad file format", an error whatever the settings.
//! - A file ending inside a command is *truncated*. With `aof-load-truncated yes`
//!   Redis logs `!!! Warning: short read while loading the AOF file <name>!!!` and
//!   `!!! Truncating the AOF <name> at offset <n> !!!`, where `<n>` is the end of the
//!   last whole command, truncates the file there and starts; with `no` it refuses
//!   ("Unexpected end of file reading the append only file …"). Only the last file
//!   of a directory may be truncated ("Fatal error: the truncated file is not the last
//!   file").
//! - Commands between `MULTI` and `EXEC` are applied at the `EXEC`. A file that ends
//!   inside a transaction ("Revert incomplete MULTI/EXEC transaction in AOF file") is
//!   treated as truncated at the offset of that `MULTI`.
//! - `redis-check-aof` reports the same offset as `ok_up_to` (for a truncated file:
//!   `0x<where>: Expected to read 3 bytes, got 1 bytes`, then
//!   `AOF analyzed: … ok_up_to=50 …`); [`Truncation::valid_len`] and the offsets in
//!   [`AofError`] are that number.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use bytes::Bytes;
use thiserror::Error;

use super::manifest::{AofFileInfo, Manifest, ManifestError};
use crate::error::RdbError;
use crate::rdb::{read_rdb, Entry, LoadLimits, RdbSink, Summary};

/// Receives what loading finds: the RDB preamble's items (through [`RdbSink`]) and the
/// commands, in file order.
pub trait AofSink: RdbSink {
    /// One command to execute, arguments as written. A transaction is delivered whole
    /// (`MULTI`, its commands, `EXEC`) once its `EXEC` is read. An `Err` stops loading
    /// with [`AofError::Rejected`] (Redis stops on an unknown command, for instance).
    fn command(&mut self, argv: Vec<Bytes>) -> Result<(), String>;
}

/// How to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AofLoadOptions {
    /// `aof-load-truncated`: accept a last file that ends inside a command, loading up
    /// to the last whole one (Redis's default, `yes`).
    pub load_truncated: bool,
    /// Encoding thresholds for values in an RDB preamble.
    pub limits: LoadLimits,
}

impl Default for AofLoadOptions {
    fn default() -> Self {
        AofLoadOptions {
            load_truncated: true,
            limits: LoadLimits::default(),
        }
    }
}

/// Where a file was cut short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncation {
    /// The end of the last whole command (before an unfinished `MULTI`): truncate the
    /// file to this length, as Redis does.
    pub valid_len: u64,
    /// The file's length.
    pub file_len: u64,
    /// The cut fell inside a transaction, which was dropped.
    pub multi_reverted: bool,
}

/// What loading one file found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOutcome {
    /// The RDB preamble's summary, when the file has one.
    pub rdb: Option<Summary>,
    /// Commands handed to [`AofSink::command`] (`MULTI`/`EXEC` included).
    pub commands: u64,
    /// Set when the file was truncated and that was accepted.
    pub truncated: Option<Truncation>,
}

/// What loading a directory found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirLoadOutcome {
    pub manifest: Manifest,
    /// Each loaded file and what it held, in load order.
    pub files: Vec<(AofFileInfo, LoadOutcome)>,
}

impl DirLoadOutcome {
    /// The last file's truncation, if it was truncated: the server truncates that file
    /// to `valid_len` before appending to it.
    pub fn truncated(&self) -> Option<(&AofFileInfo, Truncation)> {
        let (info, outcome) = self.files.last()?;
        Some((info, outcome.truncated?))
    }
}

/// Why an AOF could not be loaded.
#[derive(Debug, Error)]
pub enum AofError {
    #[error("I/O error reading the append only file at byte {offset}: {source}")]
    Io {
        offset: u64,
        #[source]
        source: io::Error,
    },
    /// The RDB preamble is corrupt or truncated (never accepted as truncated).
    #[error("Bad RDB preamble in the append only file: {0}")]
    Rdb(#[from] RdbError),
    /// The file ends inside a command (or a transaction) and truncation is not
    /// accepted. `valid_len` is where it could be cut; `at` where the read fell short.
    #[error("Unexpected end of file reading the append only file at byte {at} (valid up to byte {valid_len})")]
    Truncated {
        valid_len: u64,
        at: u64,
        multi_reverted: bool,
    },
    /// Bytes that are not a command where one should start, or inside one.
    #[error("Bad file format reading the append only file at byte {at}: {what} (valid up to byte {valid_len})")]
    BadFormat {
        valid_len: u64,
        at: u64,
        what: &'static str,
    },
    /// The sink refused a command.
    #[error("command at byte {offset} of the append only file refused: {message}")]
    Rejected { offset: u64, message: String },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A file the manifest lists is missing or unreadable (Redis: "Unable to obtain the
    /// AOF file `<name>` length. stat: No such file or directory").
    #[error("Unable to obtain the AOF file {name} length. stat: {source}")]
    MissingFile {
        name: String,
        #[source]
        source: io::Error,
    },
    /// A file other than the last of a directory is truncated (Redis 7.0.15 logs the
    /// usual truncation warnings for it, then this).
    #[error("Fatal error: the truncated file is not the last file ({name}, valid up to byte {valid_len})")]
    TruncatedNotLast { name: String, valid_len: u64 },
    /// An error in one file of a directory.
    #[error("{name}: {source}")]
    InFile {
        name: String,
        #[source]
        source: Box<AofError>,
    },
}

impl AofError {
    /// The offset up to which the file is valid, for truncation and format errors.
    pub fn valid_len(&self) -> Option<u64> {
        match self {
            AofError::Truncated { valid_len, .. } | AofError::BadFormat { valid_len, .. } => {
                Some(*valid_len)
            }
            AofError::TruncatedNotLast { valid_len, .. } => Some(*valid_len),
            AofError::InFile { source, .. } => source.valid_len(),
            _ => None,
        }
    }
}

/// Loads one AOF file: an optional RDB preamble, then commands.
///
/// ```
/// use bytes::Bytes;
/// use cedis_persist::aof::{read_aof, AofLoadOptions, AofSink};
/// use cedis_persist::{Entry, RdbSink};
///
/// #[derive(Default)]
/// struct Cmds(Vec<Vec<Bytes>>);
/// impl RdbSink for Cmds {
///     fn entry(&mut self, _: Entry) {}
/// }
/// impl AofSink for Cmds {
///     fn command(&mut self, argv: Vec<Bytes>) -> Result<(), String> {
///         self.0.push(argv);
///         Ok(())
///     }
/// }
/// let file = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nset";
/// let mut cmds = Cmds::default();
/// let outcome = read_aof(std::io::Cursor::new(&file[..]), &AofLoadOptions::default(), &mut cmds)?;
/// assert_eq!(cmds.0.len(), 2);
/// assert_eq!(outcome.truncated.unwrap().valid_len, 50); // cut the partial SET off
/// # Ok::<(), cedis_persist::aof::AofError>(())
/// ```
pub fn read_aof<R: Read + Seek, S: AofSink + ?Sized>(
    mut input: R,
    opts: &AofLoadOptions,
    sink: &mut S,
) -> Result<LoadOutcome, AofError> {
    let io_err = |offset| move |source| AofError::Io { offset, source };
    let file_len = input.seek(SeekFrom::End(0)).map_err(io_err(0))?;
    input.seek(SeekFrom::Start(0)).map_err(io_err(0))?;
    let mut head = [0u8; 5];
    let head_len = read_up_to(&mut input, &mut head).map_err(io_err(0))?;
    input.seek(SeekFrom::Start(0)).map_err(io_err(0))?;
    let mut outcome = LoadOutcome::default();
    let mut start = 0;
    if head_len == 5 && &head == b"REDIS" {
        let (summary, end) = read_preamble(&mut input, &opts.limits, sink)?;
        outcome.rdb = Some(summary);
        start = end;
        input.seek(SeekFrom::Start(start)).map_err(io_err(start))?;
    }
    let mut parser = Parser {
        r: BufReader::with_capacity(64 * 1024, input),
        pos: start,
    };
    let mut multi: Option<(u64, Vec<Vec<Bytes>>)> = None;
    let mut valid_len = start;
    loop {
        let cmd_start = parser.pos;
        let step = parser.next_command();
        let truncated_at = match step {
            Ok(Some(argv)) => {
                let name = argv[0].to_ascii_lowercase();
                if let Some((_, queued)) = multi.as_mut() {
                    let is_exec = name == b"exec";
                    queued.push(argv);
                    if is_exec {
                        if let Some((_, queued)) = multi.take() {
                            for argv in queued {
                                deliver(sink, argv, cmd_start, &mut outcome)?;
                            }
                        }
                        valid_len = parser.pos;
                    }
                } else if name == b"multi" {
                    multi = Some((cmd_start, vec![argv]));
                } else {
                    deliver(sink, argv, cmd_start, &mut outcome)?;
                    valid_len = parser.pos;
                }
                continue;
            }
            Ok(None) => {
                if multi.is_none() {
                    return Ok(outcome);
                }
                parser.pos
            }
            Err(Fault::Truncated { at }) => at,
            Err(Fault::Bad { at, what }) => {
                return Err(AofError::BadFormat {
                    valid_len: multi.map_or(valid_len, |(m, _)| m),
                    at,
                    what,
                })
            }
            Err(Fault::Io { at, source }) => return Err(AofError::Io { offset: at, source }),
        };
        let multi_reverted = multi.is_some();
        let valid_len = multi.map_or(valid_len, |(m, _)| m);
        if !opts.load_truncated {
            return Err(AofError::Truncated {
                valid_len,
                at: truncated_at,
                multi_reverted,
            });
        }
        outcome.truncated = Some(Truncation {
            valid_len,
            file_len,
            multi_reverted,
        });
        return Ok(outcome);
    }
}

fn deliver<S: AofSink + ?Sized>(
    sink: &mut S,
    argv: Vec<Bytes>,
    offset: u64,
    outcome: &mut LoadOutcome,
) -> Result<(), AofError> {
    sink.command(argv)
        .map_err(|message| AofError::Rejected { offset, message })?;
    outcome.commands += 1;
    Ok(())
}

/// Loads the AOF directory `dir` as its manifest `<appendfilename>.manifest` lists it:
/// the base, then each incremental file. `Ok(None)` when there is no manifest.
/// Truncation is accepted (per `opts`) only in the last file (else
/// [`AofError::TruncatedNotLast`], after the earlier files' commands were delivered, as in
/// Redis, which then exits); the caller truncates that file (see [`DirLoadOutcome::truncated`] and [`truncate_file`]). An empty file
/// is fine.
pub fn load_aof_dir<S: AofSink + ?Sized>(
    dir: &Path,
    appendfilename: &str,
    opts: &AofLoadOptions,
    sink: &mut S,
) -> Result<Option<DirLoadOutcome>, AofError> {
    let Some(manifest) = Manifest::load(dir, appendfilename)? else {
        return Ok(None);
    };
    let order: Vec<AofFileInfo> = manifest.load_order().cloned().collect();
    let mut files = Vec::with_capacity(order.len());
    for (i, info) in order.iter().enumerate() {
        let last = i + 1 == order.len();
        let path = dir.join(&info.name);
        let file = File::open(&path).map_err(|source| AofError::MissingFile {
            name: info.name.clone(),
            source,
        })?;
        let outcome = read_aof(file, opts, sink).map_err(|e| AofError::InFile {
            name: info.name.clone(),
            source: Box::new(e),
        })?;
        if let (Some(t), false) = (outcome.truncated, last) {
            return Err(AofError::TruncatedNotLast {
                name: info.name.clone(),
                valid_len: t.valid_len,
            });
        }
        files.push((info.clone(), outcome));
    }
    Ok(Some(DirLoadOutcome { manifest, files }))
}

/// Cuts a file to `len` bytes and fsyncs it, as Redis does with a truncated AOF.
pub fn truncate_file(path: &Path, len: u64) -> io::Result<()> {
    let f = fs::OpenOptions::new().write(true).open(path)?;
    f.set_len(len)?;
    f.sync_all()
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Forwards the RDB part to the caller's sink (works for unsized sinks too).
struct RdbPart<'a, S: ?Sized>(&'a mut S);

impl<S: AofSink + ?Sized> RdbSink for RdbPart<'_, S> {
    fn aux(&mut self, key: &[u8], value: &[u8]) {
        self.0.aux(key, value)
    }
    fn select_db(&mut self, db: u64) {
        self.0.select_db(db)
    }
    fn resize_db(&mut self, keys: u64, expires: u64) {
        self.0.resize_db(keys, expires)
    }
    fn entry(&mut self, entry: Entry) {
        self.0.entry(entry)
    }
    fn function(&mut self, code: &[u8]) {
        self.0.function(code)
    }
    fn skipped(&mut self, db: u64, key: Option<&[u8]>, reason: &str) {
        self.0.skipped(db, key, reason)
    }
}

struct Ignore;

impl RdbSink for Ignore {
    fn entry(&mut self, _: Entry) {}
}

/// Counts what passes through; with `one_byte`, hands out a byte per call so that the
/// RDB reader's buffer never reads past the end of the RDB part.
struct Counting<'a, R> {
    inner: &'a mut R,
    count: u64,
    one_byte: bool,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let buf = if self.one_byte && !buf.is_empty() {
            &mut buf[..1]
        } else {
            buf
        };
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// Reads the RDB preamble into `sink`; returns its summary and where it ends. The RDB
/// reader buffers up to 64 KiB ahead, so the end is found afterwards: the stored CRC-64
/// right after the EOF opcode, searched for in the last stretch read. Without a checksum
/// (`rdbchecksum no`, old versions) the file is parsed a second time a byte per read.
fn read_preamble<R: Read + Seek, S: AofSink + ?Sized>(
    input: &mut R,
    limits: &LoadLimits,
    sink: &mut S,
) -> Result<(Summary, u64), AofError> {
    let mut counting = Counting {
        inner: &mut *input,
        count: 0,
        one_byte: false,
    };
    let summary = read_rdb(&mut counting, limits, &mut RdbPart(sink))?;
    let consumed = counting.count;
    let io_err = |offset| move |source| AofError::Io { offset, source };
    if let Some(crc) = summary.checksum.filter(|&c| c != 0) {
        let lo = consumed.saturating_sub(64 * 1024 + 64);
        input.seek(SeekFrom::Start(lo)).map_err(io_err(lo))?;
        let mut window = Vec::new();
        (&mut *input)
            .take(consumed - lo)
            .read_to_end(&mut window)
            .map_err(io_err(lo))?;
        let stored = crc.to_le_bytes();
        for end in 9..=window.len() {
            if window[end - 9] == 0xff && window[end - 8..end] == stored {
                return Ok((summary, lo + end as u64));
            }
        }
    }
    input.seek(SeekFrom::Start(0)).map_err(io_err(0))?;
    let mut exact = Counting {
        inner: &mut *input,
        count: 0,
        one_byte: true,
    };
    read_rdb(&mut exact, limits, &mut Ignore)?;
    Ok((summary, exact.count))
}

/// What went wrong inside the command parser.
enum Fault {
    Truncated { at: u64 },
    Bad { at: u64, what: &'static str },
    Io { at: u64, source: io::Error },
}

/// Longest `*<argc>` or `$<len>` line Redis reads (its `fgets` buffer).
const MAX_LINE: usize = 128;

struct Parser<R> {
    r: BufReader<R>,
    pos: u64,
}

impl<R: Read> Parser<R> {
    /// Reads a line ending in `\n` (not included). `Ok(None)` at end of data before any
    /// byte.
    fn line(&mut self) -> Result<Option<Vec<u8>>, Fault> {
        let start = self.pos;
        let mut line = Vec::new();
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(Fault::Io {
                        at: self.pos,
                        source,
                    })
                }
            };
            if buf.is_empty() {
                return if line.is_empty() {
                    Ok(None)
                } else {
                    Err(Fault::Truncated { at: self.pos })
                };
            }
            let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            line.extend_from_slice(&buf[..take]);
            self.r.consume(take);
            self.pos += take as u64;
            if line.len() > MAX_LINE {
                return Err(Fault::Bad {
                    at: start,
                    what: "line too long",
                });
            }
            if done {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(line));
            }
        }
    }

    fn exact(&mut self, n: u64) -> Result<Vec<u8>, Fault> {
        let mut out = Vec::new();
        let got = (&mut self.r)
            .take(n)
            .read_to_end(&mut out)
            .map_err(|source| Fault::Io {
                at: self.pos,
                source,
            })?;
        self.pos += got as u64;
        if (got as u64) < n {
            return Err(Fault::Truncated { at: self.pos });
        }
        Ok(out)
    }

    /// The next command; `Ok(None)` at a clean end of data.
    fn next_command(&mut self) -> Result<Option<Vec<Bytes>>, Fault> {
        let (start, line) = loop {
            let start = self.pos;
            let Some(line) = self.line()? else {
                return Ok(None);
            };
            if line.first() != Some(&b'#') {
                break (start, line);
            }
        };
        let bad = |what| Fault::Bad { at: start, what };
        if line.first() != Some(&b'*') {
            return Err(bad("expected '*' starting a command"));
        }
        let argc = number(&line[1..]).ok_or_else(|| bad("invalid argument count"))?;
        if argc < 1 {
            return Err(bad("invalid argument count"));
        }
        let mut argv = Vec::with_capacity(argc.min(1024) as usize);
        for _ in 0..argc {
            let at = self.pos;
            let Some(line) = self.line()? else {
                return Err(Fault::Truncated { at: self.pos });
            };
            if line.first() != Some(&b'$') {
                return Err(Fault::Bad {
                    at,
                    what: "expected '$' starting an argument",
                });
            }
            let len = number(&line[1..]).filter(|&n| n >= 0).ok_or(Fault::Bad {
                at,
                what: "invalid argument length",
            })?;
            let data = self.exact(len as u64)?;
            let crlf_at = self.pos;
            if self.exact(2)? != b"\r\n" {
                return Err(Fault::Bad {
                    at: crlf_at,
                    what: "argument not followed by CRLF",
                });
            }
            argv.push(Bytes::from(data));
        }
        Ok(Some(argv))
    }
}

/// A decimal integer as Redis writes them (optional `-`, digits, nothing else).
fn number(text: &[u8]) -> Option<i64> {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[derive(Default)]
    struct Collect {
        cmds: Vec<Vec<Bytes>>,
        entries: Vec<Entry>,
    }
    impl RdbSink for Collect {
        fn entry(&mut self, entry: Entry) {
            self.entries.push(entry);
        }
    }
    impl AofSink for Collect {
        fn command(&mut self, argv: Vec<Bytes>) -> Result<(), String> {
            self.cmds.push(argv);
            Ok(())
        }
    }

    const CMDS: &[u8] =
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n";

    fn load(data: &[u8], truncated_ok: bool) -> (Result<LoadOutcome, AofError>, Collect) {
        let mut c = Collect::default();
        let opts = AofLoadOptions {
            load_truncated: truncated_ok,
            ..AofLoadOptions::default()
        };
        (read_aof(Cursor::new(data), &opts, &mut c), c)
    }

    #[test]
    fn truncated_like_redis() {
        let data = [CMDS, b"*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2"].concat();
        let (r, c) = load(&data, true);
        let t = r.unwrap().truncated.unwrap();
        assert_eq!((t.valid_len, t.file_len), (50, 75));
        assert_eq!(c.cmds.len(), 2);
        let (r, _) = load(&data, false);
        assert!(matches!(r, Err(AofError::Truncated { valid_len: 50, .. })));
    }

    #[test]
    fn garbage_is_bad_format() {
        let data = [CMDS, b"garbage\r\n", CMDS].concat();
        let (r, _) = load(&data, true);
        match r {
            Err(AofError::BadFormat { valid_len, at, .. }) => assert_eq!((valid_len, at), (50, 50)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn multi_without_exec_is_reverted() {
        let data = [
            CMDS,
            b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\nc\r\n$1\r\n3\r\n",
        ]
        .concat();
        let (r, c) = load(&data, true);
        let t = r.unwrap().truncated.unwrap();
        assert_eq!(t.valid_len, 50);
        assert!(t.multi_reverted);
        assert_eq!(c.cmds.len(), 2);
        let (r, _) = load(&data, false);
        assert!(matches!(
            r,
            Err(AofError::Truncated {
                valid_len: 50,
                multi_reverted: true,
                ..
            })
        ));
        let whole = [&data[..], b"*1\r\n$4\r\nEXEC\r\n"].concat();
        let (r, c) = load(&whole, false);
        assert_eq!(r.unwrap().commands, 5);
        assert_eq!(c.cmds[4][0], "EXEC");
    }

    #[test]
    fn annotations_and_empty() {
        let data = [b"#TS:1700000000\r\n", CMDS].concat();
        let (r, c) = load(&data, false);
        assert_eq!(r.unwrap().commands, 2);
        assert_eq!(c.cmds[1][2], "1");
        let (r, _) = load(b"", false);
        assert_eq!(r.unwrap(), LoadOutcome::default());
    }

    #[test]
    fn rdb_preamble_then_commands() {
        use crate::rdb::{AuxFields, RdbWriter, WriteOptions};
        use cedis_types::Value;
        for checksum in [true, false] {
            let mut w = RdbWriter::new(Vec::new(), WriteOptions::default()).unwrap();
            w.aux_fields(&AuxFields {
                aof_base: true,
                ..AuxFields::default()
            })
            .unwrap();
            w.select_db(0, 1, 0).unwrap();
            w.entry(b"k", &Value::string(&[0xffu8; 100]), None).unwrap();
            let mut file = w.finish().unwrap();
            if !checksum {
                let n = file.len();
                file[n - 8..].fill(0);
            }
            file.extend_from_slice(CMDS);
            let (r, c) = load(&file, false);
            let outcome = r.unwrap();
            assert_eq!(outcome.rdb.unwrap().keys, 1);
            assert_eq!(outcome.commands, 2, "checksum {checksum}");
            assert_eq!(c.entries.len(), 1);
        }
    }
}
