//! A streaming decoder of any RESP2/RESP3 frame.

use bytes::BytesMut;

use crate::{DecodeError, Frame};

/// Limits that keep a hostile peer from making the decoder allocate or recurse without bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest bulk payload accepted (`proto-max-bulk-len`, 512 MB by default).
    pub max_bulk_len: u64,
    /// Most elements in one aggregate (1024*1024 by default).
    pub max_elements: u64,
    /// Deepest nesting of aggregates.
    pub max_depth: usize,
    /// Longest inline command or length line before the peer is cut off (64 KB).
    pub max_inline_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
            max_elements: 1024 * 1024,
            max_depth: 128,
            max_inline_len: 64 * 1024,
        }
    }
}

/// Decodes frames from a byte stream that may arrive in any chunking.
#[derive(Clone, Debug, Default)]
pub struct Decoder {
    pub limits: Limits,
}

impl Decoder {
    pub fn new(limits: Limits) -> Self {
        Decoder { limits }
    }

    /// `Ok(None)` when `buf` does not yet hold a whole frame (nothing is consumed then).
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, DecodeError> {
        let _ = buf;
        todo!()
    }
}
