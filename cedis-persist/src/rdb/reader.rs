//! [`RdbReader`]: parses a whole RDB file and hands each item to an [`RdbSink`].

use std::io::Read;

use cedis_types::Value;

use super::input::Input;
use super::length::read_len;
use super::string::read_string;
use super::value::{check_type, read_value, Decoded};
use super::{opcode, LoadLimits, RDB_VERSION};
use crate::error::{Corrupt, RdbError};

/// One key read from a file.
#[derive(Debug)]
pub struct Entry {
    /// The database it belongs to (the last SELECTDB; 0 before any).
    pub db: u64,
    pub key: Vec<u8>,
    pub value: Value,
    /// Absolute expire time, Unix milliseconds (files with second precision converted).
    pub expire_ms: Option<u64>,
    /// LRU idle time in seconds, when the file has it (`maxmemory-policy` *-lru).
    pub idle_s: Option<u64>,
    /// LFU counter, when the file has it (`maxmemory-policy` *-lfu).
    pub freq: Option<u8>,
}

/// Receives what [`RdbReader::read`] finds, in file order. Only [`entry`](Self::entry)
/// must be written; the rest default to ignoring their item.
pub trait RdbSink {
    /// An AUX field (`redis-ver`, `ctime`, `repl-id`, …).
    fn aux(&mut self, _key: &[u8], _value: &[u8]) {}
    /// SELECTDB: the following keys belong to database `db`.
    fn select_db(&mut self, _db: u64) {}
    /// RESIZEDB: a sizing hint for the current database.
    fn resize_db(&mut self, _keys: u64, _expires: u64) {}
    /// One key. Expired keys are passed on too: dropping them is the caller's choice.
    fn entry(&mut self, entry: Entry);
    /// A function library (`FUNCTION2`): its code, as `FUNCTION LOAD` takes it.
    fn function(&mut self, _code: &[u8]) {}
    /// Something read past and left out, with a log-worthy reason: a key whose value
    /// cedis cannot hold (a stream), an empty collection, module auxiliary data.
    /// `key` is `None` for items that are not keys.
    fn skipped(&mut self, _db: u64, _key: Option<&[u8]>, _reason: &str) {}
}

/// What a successful read found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The file's RDB version.
    pub version: u32,
    /// Keys handed to [`RdbSink::entry`].
    pub keys: u64,
    /// Items handed to [`RdbSink::skipped`].
    pub skipped: u64,
    /// The stored checksum, verified; `None` when the file has none (versions before 5,
    /// or written with `rdbchecksum no`).
    pub checksum: Option<u64>,
}

/// Reads RDB files with the given encoding thresholds.
#[derive(Clone, Debug, Default)]
pub struct RdbReader {
    pub limits: LoadLimits,
}

/// Reads a whole RDB file from `input` (see [`RdbReader::read`]).
pub fn read_rdb<R: Read>(
    input: R,
    limits: &LoadLimits,
    sink: &mut dyn RdbSink,
) -> Result<Summary, RdbError> {
    RdbReader { limits: *limits }.read(input, sink)
}

impl RdbReader {
    pub fn new(limits: LoadLimits) -> RdbReader {
        RdbReader { limits }
    }

    /// Parses a whole file, calling `sink` for each item, and checks the trailing
    /// CRC-64. Items already handed to the sink stay handed when a later error is found:
    /// a caller that wants all or nothing loads into a fresh keyspace and swaps it in.
    ///
    /// `input` is read through a buffer of its own, so a plain `File` is fine.
    pub fn read<R: Read>(&self, input: R, sink: &mut dyn RdbSink) -> Result<Summary, RdbError> {
        let mut input = Input::new(std::io::BufReader::with_capacity(64 * 1024, input));
        let magic: [u8; 9] = input.array().map_err(|e| match e {
            RdbError::Corrupt { .. } => RdbError::Corrupt {
                offset: 0,
                kind: Corrupt::BadMagic,
            },
            other => other,
        })?;
        if &magic[..5] != b"REDIS" || !magic[5..].iter().all(u8::is_ascii_digit) {
            return Err(RdbError::Corrupt {
                offset: 0,
                kind: Corrupt::BadMagic,
            });
        }
        let version = magic[5..]
            .iter()
            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
        if !(1..=RDB_VERSION).contains(&version) {
            return Err(RdbError::Corrupt {
                offset: 5,
                kind: Corrupt::UnsupportedVersion(version),
            });
        }
        let mut summary = Summary {
            version,
            ..Summary::default()
        };
        let mut db = 0u64;
        let mut expire_ms = None;
        let mut idle_s = None;
        let mut freq = None;
        loop {
            let ty = input.u8()?;
            match ty {
                opcode::EOF => break,
                opcode::AUX => {
                    let key = read_string(&mut input)?;
                    let value = read_string(&mut input)?;
                    sink.aux(&key, &value);
                }
                opcode::RESIZEDB => {
                    let keys = read_len(&mut input)?;
                    let expires = read_len(&mut input)?;
                    sink.resize_db(keys, expires);
                }
                opcode::SELECTDB => {
                    db = read_len(&mut input)?;
                    sink.select_db(db);
                }
                opcode::EXPIRETIME_MS => expire_ms = Some(u64::from_le_bytes(input.array()?)),
                opcode::EXPIRETIME => {
                    expire_ms = Some(u64::from(u32::from_le_bytes(input.array()?)) * 1000)
                }
                opcode::IDLE => idle_s = Some(read_len(&mut input)?),
                opcode::FREQ => freq = Some(input.u8()?),
                opcode::MODULE_AUX => {
                    let module_id = read_len(&mut input)?;
                    let _when_opcode = read_len(&mut input)?;
                    let _when = read_len(&mut input)?;
                    skip_module_opcodes(&mut input)?;
                    summary.skipped += 1;
                    sink.skipped(
                        db,
                        None,
                        &format!(
                            "module auxiliary data skipped (module {}): modules are not supported",
                            module_name(module_id)
                        ),
                    );
                }
                opcode::FUNCTION2 => {
                    let code = read_string(&mut input)?;
                    sink.function(&code);
                }
                opcode::FUNCTION => return Err(input.err(Corrupt::OldFunction)),
                _ => {
                    if let Err(kind) = check_type(ty) {
                        return Err(RdbError::Corrupt {
                            offset: input.offset() - 1,
                            kind,
                        });
                    }
                    let key = read_string(&mut input)?;
                    let meta = (expire_ms.take(), idle_s.take(), freq.take());
                    let value = read_value(&mut input, ty, &self.limits)
                        .map_err(|err| in_key(err, ty, &key))?;
                    match value {
                        Decoded::Value(value) => {
                            summary.keys += 1;
                            sink.entry(Entry {
                                db,
                                key,
                                value,
                                expire_ms: meta.0,
                                idle_s: meta.1,
                                freq: meta.2,
                            });
                        }
                        Decoded::Empty => {
                            summary.skipped += 1;
                            sink.skipped(db, Some(&key), "empty collection");
                        }
                        Decoded::Skipped(reason) => {
                            summary.skipped += 1;
                            sink.skipped(db, Some(&key), &reason);
                        }
                    }
                }
            }
        }
        if version >= 5 {
            let computed = input.crc();
            let offset = input.offset();
            let stored = u64::from_le_bytes(input.array()?);
            if stored != 0 {
                if stored != computed {
                    return Err(RdbError::Corrupt {
                        offset,
                        kind: Corrupt::BadChecksum { stored, computed },
                    });
                }
                summary.checksum = Some(stored);
            }
        }
        Ok(summary)
    }
}

/// Reads past a module's opcode-tagged data, up to its EOF opcode.
fn skip_module_opcodes<R: Read>(input: &mut Input<R>) -> Result<(), RdbError> {
    const EOF: u64 = 0;
    const SINT: u64 = 1;
    const UINT: u64 = 2;
    const FLOAT: u64 = 3;
    const DOUBLE: u64 = 4;
    const STRING: u64 = 5;
    loop {
        match read_len(input)? {
            EOF => return Ok(()),
            SINT | UINT => {
                read_len(input)?;
            }
            FLOAT => input.skip(4)?,
            DOUBLE => input.skip(8)?,
            STRING => super::string::skip_string(input)?,
            _ => return Err(input.err(Corrupt::Module("unknown module opcode"))),
        }
    }
}

/// A module's 9-character name from its 64-bit id (6 bits per character, then a
/// 10-bit encoding version).
fn module_name(id: u64) -> String {
    const CHARSET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..9)
        .map(|i| CHARSET[((id >> (64 - 6 * (i + 1))) & 63) as usize] as char)
        .collect()
}

/// Names the key and type a compact-encoding error happened in (see [`Corrupt::InKey`]).
fn in_key(err: RdbError, ty: u8, key: &[u8]) -> RdbError {
    match err {
        RdbError::Corrupt { offset, kind } if crate::integrity_failure(ty, &kind).is_some() => {
            RdbError::Corrupt {
                offset,
                kind: Corrupt::InKey {
                    ty,
                    key: String::from_utf8_lossy(key).into_owned(),
                    cause: Box::new(kind),
                },
            }
        }
        other => other,
    }
}
