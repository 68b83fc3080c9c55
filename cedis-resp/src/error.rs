//! Decoder errors. `Display` is Redis's exact error line (without the leading `-`).

use thiserror::Error;

/// A request the server cannot frame. Redis replies with this line and closes the connection.
///
/// Commands decoded before the error are still executed (Redis runs everything that
/// precedes the bad bytes in its query buffer), then the server writes
/// `-<Display>\r\n` (use [`ProtocolError::reply_bytes`] for the exact bytes) and closes
/// the connection after the reply.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProtocolError {
    #[error("ERR Protocol error: invalid multibulk length")]
    InvalidMultibulkLength,
    #[error("ERR Protocol error: invalid bulk length")]
    InvalidBulkLength,
    /// The byte found where a bulk's `$` should be. Redis prints `\r` and `\n` as spaces
    /// (its error replies cannot contain newlines) and any other byte raw.
    #[error("ERR Protocol error: expected '$', got '{}'", char::from(printable(*.0)))]
    ExpectedDollar(u8),
    #[error("ERR Protocol error: unbalanced quotes in request")]
    UnbalancedQuotes,
    #[error("ERR Protocol error: too big inline request")]
    TooBigInlineRequest,
    #[error("ERR Protocol error: too big mbulk count string")]
    TooBigMultibulkCount,
    #[error("ERR Protocol error: too big bulk count string")]
    TooBigBulkCount,
    /// A multibulk of more than 10 arguments from a client that still has to `AUTH`
    /// (see [`crate::RequestDecoder::set_auth_required`]).
    #[error("ERR Protocol error: unauthenticated multibulk length")]
    UnauthenticatedMultibulkLength,
    /// A bulk longer than 16384 bytes from a client that still has to `AUTH`.
    #[error("ERR Protocol error: unauthenticated bulk length")]
    UnauthenticatedBulkLength,
}

impl ProtocolError {
    /// The error line exactly as Redis sends it, without the leading `-` and the `\r\n`.
    ///
    /// Same as `to_string()`, except that a non-ASCII byte in [`ProtocolError::ExpectedDollar`]
    /// is kept as that single raw byte (Redis prints it with `%c`), where `Display`
    /// can only show it as a Unicode character.
    ///
    /// ```
    /// use cedis_resp::ProtocolError;
    /// assert_eq!(ProtocolError::ExpectedDollar(0xff).reply_bytes(),
    ///            b"ERR Protocol error: expected '$', got '\xff'");
    /// assert_eq!(ProtocolError::ExpectedDollar(b'\r').to_string(),
    ///            "ERR Protocol error: expected '$', got ' '");
    /// ```
    pub fn reply_bytes(&self) -> Vec<u8> {
        match self {
            ProtocolError::ExpectedDollar(b) => {
                let mut v = b"ERR Protocol error: expected '$', got '".to_vec();
                v.push(printable(*b));
                v.push(b'\'');
                v
            }
            other => other.to_string().into_bytes(),
        }
    }
}

/// Redis turns `\r` and `\n` into spaces in formatted error replies.
fn printable(b: u8) -> u8 {
    match b {
        b'\r' | b'\n' => b' ',
        other => other,
    }
}

/// A malformed frame seen by the generic [`crate::Decoder`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    #[error("Protocol error: {0}")]
    Invalid(String),
}
