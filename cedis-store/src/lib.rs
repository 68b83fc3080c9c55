#![doc = include_str!("../README.md")]
//!
//!
//! Layout:
//! - [`Store`]: the numbered databases (`SELECT`, `SWAPDB`, `FLUSHALL`).
//! - [`Keyspace`]: one database.
//!
//! The server reaches the store only through this crate's API.

mod keyspace;

pub use keyspace::Keyspace;

/// The numbered databases of one server.
#[derive(Debug, Default)]
pub struct Store {
    dbs: Vec<Keyspace>,
}

impl Store {
    /// A store with `databases` empty databases (at least one).
    pub fn new(databases: usize) -> Store {
        Store {
            dbs: (0..databases.max(1)).map(|_| Keyspace::default()).collect(),
        }
    }

    pub fn databases(&self) -> usize {
        self.dbs.len()
    }

    /// Database `index`. Callers validate indexes against [`Store::databases`] (SELECT does);
    /// an out-of-range index is a bug and panics.
    pub fn db(&self, index: usize) -> &Keyspace {
        &self.dbs[index]
    }

    pub fn db_mut(&mut self, index: usize) -> &mut Keyspace {
        &mut self.dbs[index]
    }

    /// Total keys in all databases.
    pub fn total_keys(&self) -> usize {
        self.dbs.iter().map(Keyspace::len).sum()
    }
}
