#![doc = include_str!("../README.md")]
//!
//! ## Layout
//!
//! - [`frame`]: the [`Frame`] value, one variant per RESP2/RESP3 type.
//! - [`decode`]: [`Decoder`], a streaming decoder of any frame (what a client reads).
//! - [`request`]: [`RequestDecoder`], what a server reads: multibulk or inline commands,
//!   with Redis's protocol errors and limits.
//! - [`inline`]: [`split_args`], Redis's quoting rules for inline commands and config files.
//! - [`encode`]: writers for every frame straight into a `BytesMut`, with the RESP3 → RESP2
//!   downgrades Redis applies.
//! - [`double`]: `%.17g` formatting of doubles, as Redis 7.0 prints them.
//! - [`error`]: decoder errors whose `Display` is Redis's exact error line.
//!
//! No `unsafe` anywhere; no decoder path can panic on malformed input.

pub mod decode;
pub mod double;
pub mod encode;
pub mod error;
pub mod frame;
pub mod inline;
pub mod request;

pub use decode::{Decoder, Limits};
pub use encode::Protocol;
pub use error::{DecodeError, ProtocolError};
pub use frame::Frame;
pub use inline::{repr, split_args, UnbalancedQuotes};
pub use request::{RequestDecoder, UNAUTHENTICATED_MAX_BULK_LEN, UNAUTHENTICATED_MAX_ELEMENTS};
