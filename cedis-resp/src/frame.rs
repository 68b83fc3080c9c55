//! The [`Frame`]: one value of the RESP2/RESP3 protocol.

use bytes::Bytes;

/// One RESP value. Covers every RESP2 and RESP3 type.
///
/// Payloads are [`Bytes`], so a decoded bulk string shares the read buffer instead of
/// being copied. Maps keep their wire order.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// `+OK\r\n`
    Simple(Bytes),
    /// `-ERR message\r\n` (the payload includes the error code, without the `-`).
    Error(Bytes),
    /// `:1000\r\n`
    Integer(i64),
    /// `$6\r\nfoobar\r\n`
    Bulk(Bytes),
    /// `$-1\r\n` (RESP2 null bulk string)
    NullBulk,
    /// `*2\r\n...`
    Array(Vec<Frame>),
    /// `*-1\r\n` (RESP2 null array)
    NullArray,
    /// `_\r\n` (RESP3 null)
    Null,
    /// `,3.14\r\n`, also `,inf`, `,-inf`, `,nan`
    Double(f64),
    /// `#t\r\n` / `#f\r\n`
    Boolean(bool),
    /// `(3492890328409238509324850943850943825024385\r\n` (digits kept as text)
    BigNumber(Bytes),
    /// `=15\r\ntxt:Some string\r\n`: a three-byte format and the text.
    Verbatim { format: [u8; 3], text: Bytes },
    /// `%2\r\n...` key/value pairs, in wire order.
    Map(Vec<(Frame, Frame)>),
    /// `~3\r\n...`
    Set(Vec<Frame>),
    /// `|1\r\n<key><value><frame>`: attributes and the frame they annotate.
    Attribute {
        attributes: Vec<(Frame, Frame)>,
        data: Box<Frame>,
    },
    /// `>3\r\n...` out-of-band push data (pub/sub messages under RESP3).
    Push(Vec<Frame>),
    /// `!21\r\nSYNTAX invalid syntax\r\n`
    BlobError(Bytes),
}
