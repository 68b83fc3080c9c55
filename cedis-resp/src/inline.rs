//! Redis's argument splitting for inline commands and config-file lines.

use thiserror::Error;

/// A line whose quotes do not close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("unbalanced quotes")]
pub struct UnbalancedQuotes;

/// Splits a line into arguments the way Redis does (spaces, `"double"` quotes with
/// `\n \r \t \b \a \\ \" \xHH` escapes, `'single'` quotes with only `\'`).
pub fn split_args(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
    let _ = line;
    todo!()
}
