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
    /// What was wrong, for corrupt data (inside a key's value: the cause itself, not
    /// the [`Corrupt::InKey`] around it).
    pub fn corrupt_kind(&self) -> Option<&Corrupt> {
        match self {
            RdbError::Corrupt {
                kind: Corrupt::InKey { cause, .. },
                ..
            } => Some(cause),
            RdbError::Corrupt { kind, .. } => Some(kind),
            RdbError::Io { .. } => None,
        }
    }

    /// What was wrong, as found: a [`Corrupt::InKey`] names the key it happened in.
    pub fn corrupt_kind_outer(&self) -> Option<&Corrupt> {
        match self {
            RdbError::Corrupt { kind, .. } => Some(kind),
            RdbError::Io { .. } => None,
        }
    }

    /// For a compact encoding that failed validation, Redis's log line for it (see
    /// [`integrity_failure`]), given the value's type when the error does not carry it.
    pub fn integrity_failure(&self, ty: Option<u8>) -> Option<String> {
        match self {
            RdbError::Corrupt {
                kind: Corrupt::InKey { ty, cause, .. },
                ..
            } => integrity_failure(*ty, cause),
            RdbError::Corrupt { kind, .. } => integrity_failure(ty?, kind),
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
    #[error("RDB CRC error: wrong checksum: the file says {stored:#018x}, the data gives {computed:#018x}")]
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
    /// A compact encoding inside key `key`'s value (RDB type `ty`) failed validation.
    #[error("{} reading key '{key}' ({cause})", integrity_failure(*ty, cause).unwrap_or_default())]
    InKey {
        ty: u8,
        key: String,
        cause: Box<Corrupt>,
    },
}

/// Redis's words for a compact encoding of RDB value type `ty` that failed validation
/// (`Zset ziplist integrity check failed`, `Hash listpack with dup elements`, …), which
/// operators and Redis's test suite look for in the log. `None` when `kind` is not about
/// a compact encoding.
///
/// ```
/// use cedis_persist::{integrity_failure, Corrupt};
/// let line = integrity_failure(12, &Corrupt::Ziplist("bad tail offset"));
/// assert_eq!(line.as_deref(), Some("Zset ziplist integrity check failed"));
/// ```
pub fn integrity_failure(ty: u8, kind: &Corrupt) -> Option<String> {
    let what = match ty {
        9 => "Zipmap",
        10 | 14 => "Ziplist",
        11 => "Intset",
        12 => "Zset ziplist",
        13 => "Hash ziplist",
        15 | 19 | 21 => "Stream listpack",
        16 => "Hash listpack",
        17 => "Zset listpack",
        18 => "Listpack",
        _ => "Encoding",
    };
    match kind {
        // Listpacks are converted (and their duplicates found) after validation; Redis
        // says so differently.
        Corrupt::Duplicate(_) if matches!(ty, 16 | 17) => Some(format!("{what} with dup elements")),
        Corrupt::Duplicate(_) => Some(format!("{what} integrity check failed")),
        Corrupt::Listpack(_)
        | Corrupt::Ziplist(_)
        | Corrupt::Zipmap(_)
        | Corrupt::Intset(_)
        | Corrupt::Quicklist(_)
        | Corrupt::OddEntries(_)
        | Corrupt::Unexpected(_) => Some(format!("{what} integrity check failed")),
        _ => None,
    }
}
