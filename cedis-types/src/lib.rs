#![doc = include_str!("../README.md")]
//!
//! # Layout
//!
//! - [`glob`]: Redis's glob matcher (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET).
//! - [`value`]: [`Value`], what a key holds, with its Redis type and encoding names.
//! - [`string`]: [`StringValue`], Redis strings with the `int`/`embstr`/`raw` encodings.
//! - [`bits`]: bitmap operations on byte strings (SETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD).
//! - [`list`], [`hash`], [`set`], [`zset`]: the collection types, each with a compact
//!   encoding for small values and the large form past Redis's thresholds.
//! - [`number`]: integers and floats parsed and printed exactly as Redis does.
//! - [`long_double`]: a software x87 `long double` (parse, add, `%.17Lf`) for
//!   INCRBYFLOAT/HINCRBYFLOAT.
//! - [`lcs`]: the LCS command's algorithm (string, length, IDX match ranges).

pub mod bits;
pub mod dict;
pub mod glob;
pub mod hash;
pub mod intset;
pub mod lcs;
pub mod list;
pub mod long_double;
pub mod member_index;
pub mod number;
pub mod set;
pub mod skiplist;
pub mod small_bytes;
pub mod string;
pub mod value;
pub mod zset;

pub use hash::Hash;
pub use list::List;
pub use set::Set;
pub use string::StringValue;
pub use value::Value;
pub use zset::ZSet;
