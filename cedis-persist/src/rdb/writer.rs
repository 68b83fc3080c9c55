//! [`RdbWriter`]: streams an RDB file, checksumming as it goes.

use std::io::{self, Write};

use cedis_types::Value;

use super::length::write_len;
use super::string::write_string;
use super::value::write_value;
use super::{opcode, WriteOptions, RDB_VERSION};
use crate::checksum::Crc64;

/// The AUX fields Redis 7.0 opens a file with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuxFields {
    /// `redis-ver`: the version the file claims to come from.
    pub redis_ver: String,
    /// `redis-bits`: 64 (or 32).
    pub redis_bits: u32,
    /// `ctime`: creation time, Unix seconds.
    pub ctime: i64,
    /// `used-mem`: bytes of memory in use when saving.
    pub used_mem: u64,
    /// `aof-base`: whether the file is the base of an append-only file.
    pub aof_base: bool,
}

impl Default for AuxFields {
    fn default() -> Self {
        AuxFields {
            redis_ver: "7.0.15".to_string(),
            redis_bits: 64,
            ctime: 0,
            used_mem: 0,
            aof_base: false,
        }
    }
}

/// Writes an RDB file to `W` in one pass.
///
/// Each call ends in one `write_all` of what it encoded (a whole key, for `entry`): give
/// it a `BufWriter` around a file.
///
/// Call [`aux_fields`](Self::aux_fields) (or [`aux`](Self::aux)), then per database
/// [`select_db`](Self::select_db) and its [`entry`](Self::entry)s, then
/// [`finish`](Self::finish), which appends the EOF opcode and the CRC-64.
/// What an RDB records of a key's use, by eviction policy (see
/// [`RdbWriter::entry_with_usage`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUsage {
    /// No LRU or LFU policy: nothing is written.
    None,
    /// An LRU policy: seconds since the key was last used.
    IdleSeconds(u64),
    /// An LFU policy: the key's (decayed) LFU counter.
    Frequency(u8),
}

pub struct RdbWriter<W: Write> {
    out: W,
    crc: Crc64,
    buf: Vec<u8>,
    opts: WriteOptions,
}

impl<W: Write> RdbWriter<W> {
    /// Starts a file: writes the `REDIS0010` header.
    pub fn new(out: W, opts: WriteOptions) -> io::Result<RdbWriter<W>> {
        let mut w = RdbWriter {
            out,
            crc: Crc64::default(),
            buf: Vec::with_capacity(4096),
            opts,
        };
        w.buf
            .extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
        w.flush_buf()?;
        Ok(w)
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.crc.update(&self.buf);
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// One AUX field.
    pub fn aux(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        self.buf.push(opcode::AUX);
        write_string(&mut self.buf, key, self.opts.compression);
        write_string(&mut self.buf, value, self.opts.compression);
        self.flush_buf()
    }

    /// The AUX fields Redis 7.0 writes, in its order.
    pub fn aux_fields(&mut self, aux: &AuxFields) -> io::Result<()> {
        self.aux(b"redis-ver", aux.redis_ver.as_bytes())?;
        self.aux(b"redis-bits", aux.redis_bits.to_string().as_bytes())?;
        self.aux(b"ctime", aux.ctime.to_string().as_bytes())?;
        self.aux(b"used-mem", aux.used_mem.to_string().as_bytes())?;
        self.aux(b"aof-base", if aux.aof_base { b"1" } else { b"0" })
    }

    /// Starts database `db`: SELECTDB, then RESIZEDB with its number of keys and of keys
    /// with an expire time.
    pub fn select_db(&mut self, db: u64, keys: u64, expires: u64) -> io::Result<()> {
        self.buf.push(opcode::SELECTDB);
        write_len(&mut self.buf, db);
        self.buf.push(opcode::RESIZEDB);
        write_len(&mut self.buf, keys);
        write_len(&mut self.buf, expires);
        self.flush_buf()
    }

    /// One key, with its absolute expire time in Unix milliseconds.
    ///
    /// A value of a type this crate cannot serialize is an `InvalidInput` error and
    /// leaves the file as it was.
    pub fn entry(&mut self, key: &[u8], value: &Value, expire_ms: Option<u64>) -> io::Result<()> {
        self.entry_with_usage(key, value, expire_ms, KeyUsage::None)
    }

    /// [`RdbWriter::entry`] with the key's access record, which Redis writes between the
    /// expire time and the key under an LRU policy (`IDLE`, seconds) or an LFU policy
    /// (`FREQ`, the counter).
    pub fn entry_with_usage(
        &mut self,
        key: &[u8],
        value: &Value,
        expire_ms: Option<u64>,
        usage: KeyUsage,
    ) -> io::Result<()> {
        if let Some(ms) = expire_ms {
            self.buf.push(opcode::EXPIRETIME_MS);
            self.buf.extend_from_slice(&ms.to_le_bytes());
        }
        match usage {
            KeyUsage::None => {}
            KeyUsage::IdleSeconds(idle) => {
                self.buf.push(opcode::IDLE);
                write_len(&mut self.buf, idle);
            }
            KeyUsage::Frequency(freq) => {
                self.buf.push(opcode::FREQ);
                self.buf.push(freq);
            }
        }
        // The type byte comes before the key: encode the value first, then splice.
        let mut body = Vec::new();
        if let Err(e) = write_value(&mut body, value, &self.opts) {
            self.buf.clear();
            return Err(io::Error::new(io::ErrorKind::InvalidInput, e));
        }
        self.buf.push(body[0]);
        write_string(&mut self.buf, key, self.opts.compression);
        self.buf.extend_from_slice(&body[1..]);
        self.flush_buf()
    }

    /// One function library (`FUNCTION2`), its code as `FUNCTION DUMP` holds it.
    pub fn function(&mut self, code: &[u8]) -> io::Result<()> {
        self.buf.push(opcode::FUNCTION2);
        write_string(&mut self.buf, code, self.opts.compression);
        self.flush_buf()
    }

    /// Ends the file (EOF opcode and checksum), flushes and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.buf.push(opcode::EOF);
        self.flush_buf()?;
        let crc = self.crc.value();
        self.out.write_all(&crc.to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}
