//! One database: keys to values.

/// One numbered database. Holds no keys yet: the table itself is the next piece of work.
#[derive(Debug, Default)]
pub struct Keyspace {
    len: usize,
}

impl Keyspace {
    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
