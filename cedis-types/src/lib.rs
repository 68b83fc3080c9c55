#![doc = include_str!("../README.md")]
//!
//! # Layout
//!
//! - [`glob`]: Redis's glob matcher (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET).

pub mod glob;
