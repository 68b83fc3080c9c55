#![doc = include_str!("../README.md")]
//!
//! Layout:
//! - [`checksum`]: the CRC-64 that ends every RDB file and DUMP payload.
//!
//! RDB, AOF and DUMP payloads arrive with the persistence work; they will read and write
//! the keyspace through `cedis-store`'s API, never its internals.

pub mod checksum;

pub use checksum::crc64;
