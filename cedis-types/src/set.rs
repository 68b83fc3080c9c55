//! STUB: the set type is being written; this placeholder only fixes its place in [`crate::Value`].

/// A Redis set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Set {}

impl Set {
    pub fn new() -> Set {
        Set {}
    }

    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "intset"
    }

    /// Bytes owned by this value (O(1), maintained incrementally).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}
