//! Encoding frames into a `BytesMut`, with the RESP3 → RESP2 downgrades Redis applies.
//!
//! The free functions write one frame (or one aggregate header) each, so a server can
//! write replies straight into its output buffer without building a [`Frame`] first.

use bytes::BytesMut;

use crate::Frame;

/// Which protocol a connection speaks. `HELLO 3` switches a connection to RESP3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    #[default]
    Resp2,
    Resp3,
}

/// `+s\r\n`
pub fn write_simple(buf: &mut BytesMut, s: &[u8]) {
    let _ = (buf, s);
    todo!()
}
/// `-msg\r\n`; `msg` includes the code (`ERR ...`, `WRONGTYPE ...`).
pub fn write_error(buf: &mut BytesMut, msg: &[u8]) {
    let _ = (buf, msg);
    todo!()
}
/// `:n\r\n`
pub fn write_integer(buf: &mut BytesMut, n: i64) {
    let _ = (buf, n);
    todo!()
}
/// `$len\r\nbytes\r\n`
pub fn write_bulk(buf: &mut BytesMut, bytes: &[u8]) {
    let _ = (buf, bytes);
    todo!()
}
/// A null bulk: `$-1\r\n` in RESP2, `_\r\n` in RESP3.
pub fn write_null(buf: &mut BytesMut, proto: Protocol) {
    let _ = (buf, proto);
    todo!()
}
/// A null array: `*-1\r\n` in RESP2, `_\r\n` in RESP3.
pub fn write_null_array(buf: &mut BytesMut, proto: Protocol) {
    let _ = (buf, proto);
    todo!()
}
/// `*n\r\n`
pub fn write_array_header(buf: &mut BytesMut, n: usize) {
    let _ = (buf, n);
    todo!()
}
/// `%n\r\n` in RESP3; `*2n\r\n` in RESP2 (a flat array of key, value, ...).
pub fn write_map_header(buf: &mut BytesMut, proto: Protocol, pairs: usize) {
    let _ = (buf, proto, pairs);
    todo!()
}
/// `~n\r\n` in RESP3; `*n\r\n` in RESP2.
pub fn write_set_header(buf: &mut BytesMut, proto: Protocol, n: usize) {
    let _ = (buf, proto, n);
    todo!()
}
/// `>n\r\n` in RESP3; `*n\r\n` in RESP2.
pub fn write_push_header(buf: &mut BytesMut, proto: Protocol, n: usize) {
    let _ = (buf, proto, n);
    todo!()
}
/// `,<%.17g>\r\n` in RESP3; a bulk string of the same text in RESP2.
pub fn write_double(buf: &mut BytesMut, proto: Protocol, d: f64) {
    let _ = (buf, proto, d);
    todo!()
}
/// `#t\r\n`/`#f\r\n` in RESP3; `:1\r\n`/`:0\r\n` in RESP2.
pub fn write_bool(buf: &mut BytesMut, proto: Protocol, b: bool) {
    let _ = (buf, proto, b);
    todo!()
}
/// `(digits\r\n` in RESP3; a bulk string in RESP2.
pub fn write_big_number(buf: &mut BytesMut, proto: Protocol, digits: &[u8]) {
    let _ = (buf, proto, digits);
    todo!()
}
/// `=len\r\nfmt:text\r\n` in RESP3; a bulk string of `text` in RESP2.
pub fn write_verbatim(buf: &mut BytesMut, proto: Protocol, format: &[u8; 3], text: &[u8]) {
    let _ = (buf, proto, format, text);
    todo!()
}
/// `!len\r\nmsg\r\n` in RESP3; `-msg\r\n` in RESP2.
pub fn write_blob_error(buf: &mut BytesMut, proto: Protocol, msg: &[u8]) {
    let _ = (buf, proto, msg);
    todo!()
}

impl Frame {
    /// Appends this frame to `buf` as `proto` speaks it.
    pub fn encode(&self, buf: &mut BytesMut, proto: Protocol) {
        let _ = (buf, proto);
        todo!()
    }
}
