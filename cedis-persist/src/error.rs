//! The errors of reading RDB data ([`RdbError`], with [`Corrupt`] saying what was wrong).

use thiserror::Error;

use crate::lzf::LzfError;

/// Why an RDB file or a value inside one could not be read.
#[derive(Debug, Error)]
pub enum RdbError {
    /// The underlying reader failed (other than by ending early).
    #[error("I/O error at byte {offset}: {source}")]
    Io {
        offset: u64,
        #[source]
        source: std::io::Error,
    },
    /// The data is not a valid RDB file or value; `offset` is where the problem was found
    /// (the start of the item for errors inside a compact blob).
    #[error("corrupt RDB at byte {offset}: {kind}")]
    Corrupt { offset: u64, kind: Corrupt },
}

impl RdbError {
    /// What was wrong, for corrupt data.
    pub fn corrupt_kind(&self) -> Option<&Corrupt> {
        match self {
            RdbError::Corrupt { kind, .. } => Some(kind),
            RdbError::Io { .. } => None,
        }
    }

    /// The byte offset the error was found at.
    pub fn offset(&self) -> u64 {
        match self {
            RdbError::Io { offset, .. } | RdbError::Corrupt { offset, .. } => *offset,
        }
    }
}

/// What made RDB data invalid.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Corrupt {
    #[error("unexpected end of data (truncated)")]
    Truncated,
    #[error("not an RDB file (the header is not REDIS<4 digits>)")]
    BadMagic,
    #[error("can't handle RDB format version {0} (versions 1 to 10 are supported)")]
    UnsupportedVersion(u32),
    #[error("wrong checksum: the file says {stored:#018x}, the data gives {computed:#018x}")]
    BadChecksum { stored: u64, computed: u64 },
    #[error("unknown value type {0}")]
    UnknownType(u8),
    #[error("module values are not supported (value type {0})")]
    ModuleValue(u8),
    #[error("invalid length encoding {0:#04x}")]
    BadLength(u8),
    #[error("invalid string encoding {0}")]
    BadStringEncoding(u8),
    #[error("length {0} does not fit in memory")]
    LengthTooLarge(u64),
    #[error("corrupt LZF-compressed string: {0}")]
    Lzf(LzfError),
    #[error("corrupt listpack: {0}")]
    Listpack(&'static str),
    #[error("corrupt ziplist: {0}")]
    Ziplist(&'static str),
    #[error("corrupt zipmap: {0}")]
    Zipmap(&'static str),
    #[error("corrupt intset: {0}")]
    Intset(&'static str),
    #[error("corrupt quicklist: {0}")]
    Quicklist(&'static str),
    #[error("corrupt stream: {0}")]
    Stream(&'static str),
    #[error("corrupt module data: {0}")]
    Module(&'static str),
    #[error("duplicate {0} detected")]
    Duplicate(&'static str),
    #[error("invalid zset score")]
    BadScore,
    #[error("zset with a NaN score")]
    NanScore,
    #[error("a {0} listpack or ziplist with an odd number of entries")]
    OddEntries(&'static str),
    #[error("{0} expected as a ziplist/listpack entry, found an integer")]
    Unexpected(&'static str),
    #[error("pre-release FUNCTION records (opcode 0xf6) are not supported")]
    OldFunction,
}
