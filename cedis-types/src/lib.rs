//! Redis value types and the data structures behind them.
//!
//! Layout:
//! - [`glob`]: Redis's glob matcher (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET).

pub mod glob;
