#![doc = include_str!("../README.md")]
//!
//! # Layout
//!
//! - [`rdb`]: the RDB format. [`RdbWriter`] streams a file (header, AUX fields, databases,
//!   keys, EOF and checksum); [`RdbReader`] parses one from any `std::io::Read` into an
//!   [`RdbSink`]. Inside: `length` and `string` (the two primitive encodings), `listpack`,
//!   `ziplist`, `zipmap`, `intset` (compact blobs, validated in full on reading),
//!   `score` (zset scores as text), `value` (every value type, both directions).
//! - [`aof`]: the append-only file: the multi-part directory and its manifest, the
//!   command stream written on each write, loading (RDB preamble, truncated tails) and
//!   rewriting a base from a dataset.
//! - [`mod@dump`]: DUMP payloads for DUMP/RESTORE ([`dump()`], [`restore`]).
//! - [`lzf`]: LZF compression, byte-compatible with what Redis writes.
//! - [`checksum`]: the CRC-64 that ends every RDB file and DUMP payload.
//! - [`error`]: [`RdbError`] and [`Corrupt`] (every read error carries its byte offset).
//!
//! Nothing here panics on input: corrupt or hostile files and payloads give errors, and
//! lengths read from them never size an allocation before the bytes are there.

pub mod aof;
pub mod checksum;
pub mod dump;
pub mod error;
pub mod lzf;
pub mod rdb;

pub use aof::{
    load_aof_dir, read_aof, AofError, AofLoadOptions, AofRewriter, AofSink, AofWriter, FsyncPolicy,
    FsyncTracker, Manifest,
};
pub use checksum::crc64;
pub use dump::{dump, restore, DumpError};
pub use error::{integrity_failure, Corrupt, RdbError};
pub use rdb::{
    read_rdb, AuxFields, Entry, KeyUsage, LoadLimits, RdbReader, RdbSink, RdbWriter, Summary,
    UnsupportedValue, WriteOptions,
};
