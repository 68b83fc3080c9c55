//! The RDB format: whole files ([`RdbWriter`], [`RdbReader`]) and the value encoding they
//! share with DUMP payloads.
//!
//! # File layout (version 10, what Redis 7.0 writes)
//!
//! ```text
//! "REDIS0010"                                   magic and 4-digit version
//! 0xFA <key: string> <value: string>            AUX field (redis-ver, ctime, …), repeated
//! 0xFE <db: length>                             SELECTDB
//! 0xFB <db size: length> <expires size: length> RESIZEDB
//! [0xFC <ms: u64 LE> | 0xFD <s: u32 LE>]        expire time of the next key
//! [0xF9 <idle seconds: length>] [0xF8 <freq: u8>]  LRU / LFU info of the next key
//! <type: u8> <key: string> <value>              one key (see `value` for the bodies)
//! …
//! 0xF7 <module id> <when opcode> <when> <module opcodes…>   MODULE_AUX (skipped)
//! 0xF5 <code: string>                           FUNCTION2: a function library
//! 0xFF <CRC-64 of everything before it: u64 LE> EOF (a zero CRC means "not computed")
//! ```
//!
//! Lengths and strings are described in `length` and `string`; compact blobs in
//! `listpack`, `ziplist`, `zipmap` and `intset`.

mod input;
mod intset;
mod length;
mod listpack;
mod reader;
mod score;
mod string;
pub(crate) mod value;
mod writer;
mod ziplist;
mod zipmap;

pub use reader::{read_rdb, Entry, RdbReader, RdbSink, Summary};
pub use value::UnsupportedValue;
pub use writer::{AuxFields, KeyUsage, RdbWriter};

pub(crate) use input::Input;

/// The RDB version written (Redis 7.0's), and the newest read.
pub const RDB_VERSION: u32 = 10;

/// Opcodes: bytes in a type position that are not value types.
pub mod opcode {
    /// Function library (pre-release 7.0 form; refused).
    pub const FUNCTION: u8 = 0xf6;
    /// Function library: the code as one string.
    pub const FUNCTION2: u8 = 0xf5;
    pub const MODULE_AUX: u8 = 0xf7;
    /// LRU idle time in seconds (a length), written by Redis under an LRU policy.
    pub const IDLE: u8 = 0xf8;
    /// LFU counter (one byte), written by Redis under an LFU policy.
    pub const FREQ: u8 = 0xf9;
    pub const AUX: u8 = 0xfa;
    pub const RESIZEDB: u8 = 0xfb;
    pub const EXPIRETIME_MS: u8 = 0xfc;
    pub const EXPIRETIME: u8 = 0xfd;
    pub const SELECTDB: u8 = 0xfe;
    pub const EOF: u8 = 0xff;
}

/// Value type bytes.
pub mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
}

/// The encoding thresholds a loaded value is given its encoding by (the server's
/// `hash-max-listpack-*`, `set-max-intset-entries`, `zset-max-listpack-*`). As in Redis
/// 7.0, a compact blob (listpack, ziplist) is converted only when it holds more entries
/// than allowed; values stored expanded are made compact when small enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadLimits {
    pub hash: cedis_types::hash::Limits,
    pub set_max_intset_entries: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
}

impl Default for LoadLimits {
    /// Redis 7.0's built-in defaults (what `CONFIG GET` shows with no config file):
    /// hashes 512 entries / 64 bytes, zsets 128 / 64, intsets 512. (The `redis.conf`
    /// shipped with Redis sets `hash-max-listpack-entries 128`.)
    fn default() -> Self {
        LoadLimits {
            hash: cedis_types::hash::Limits {
                max_entries: 512,
                max_value: 64,
            },
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
        }
    }
}

/// How values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// `rdbcompression`: LZF-compress strings longer than 20 bytes when it pays.
    pub compression: bool,
    /// `list-max-listpack-size`: how lists are cut into quicklist nodes (negative: a
    /// byte limit of 4/8/16/32/64 KiB for -1..=-5; positive: elements per node).
    pub list_max_listpack_size: i64,
    /// Elements of at least this many bytes get a node of their own, stored plain
    /// (Redis's `packed_threshold`, 1 GiB).
    pub list_packed_threshold: usize,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            compression: true,
            list_max_listpack_size: -2,
            list_packed_threshold: 1 << 30,
        }
    }
}
