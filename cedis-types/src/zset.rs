//! STUB: the zset type is being written; this placeholder only fixes its place in [`crate::Value`].

/// A Redis zset.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZSet {}

impl ZSet {
    pub fn new() -> ZSet {
        ZSet {}
    }

    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}
