//! Encoding frames into a `BytesMut`, with the RESP3 → RESP2 downgrades Redis applies.
//!
//! The free functions write one frame (or one aggregate header) each, so a server can
//! write replies straight into its output buffer without building a [`Frame`] first.
//! They never allocate beyond growing `buf`: integers and doubles are formatted in stack
//! buffers.
//!
//! A RESP2 client cannot parse the RESP3-only types, so under [`Protocol::Resp2`] they are
//! downgraded exactly as Redis 7.0 does:
//!
//! | RESP3                     | RESP2                                   |
//! |---------------------------|-----------------------------------------|
//! | map `%n`                  | flat array `*2n` of key, value, ...     |
//! | set `~n`, push `>n`       | array `*n`                              |
//! | double `,1.5`             | bulk string `$3\r\n1.5`                 |
//! | boolean `#t` / `#f`       | integer `:1` / `:0`                     |
//! | null `_`                  | null bulk `$-1` (null array: `*-1`)     |
//! | big number `(123`         | bulk string of the digits               |
//! | verbatim `=7\r\ntxt:abc`  | bulk string of the text only (`abc`)    |
//! | blob error `!len\r\nmsg`  | simple error `-msg`                     |
//! | attribute `\|n ...`       | dropped; only the annotated frame       |
//!
//! ```
//! use bytes::BytesMut;
//! use cedis_resp::encode::{write_double, write_map_header, write_bulk};
//! use cedis_resp::Protocol;
//!
//! let mut buf = BytesMut::new();
//! write_map_header(&mut buf, Protocol::Resp2, 1);
//! write_bulk(&mut buf, b"score");
//! write_double(&mut buf, Protocol::Resp2, 1.5);
//! assert_eq!(&buf[..], b"*2\r\n$5\r\nscore\r\n$3\r\n1.5\r\n");
//!
//! buf.clear();
//! write_map_header(&mut buf, Protocol::Resp3, 1);
//! write_bulk(&mut buf, b"score");
//! write_double(&mut buf, Protocol::Resp3, 1.5);
//! assert_eq!(&buf[..], b"%1\r\n$5\r\nscore\r\n,1.5\r\n");
//! ```

use bytes::{BufMut, BytesMut};

use crate::double::{format_g17, G17_MAX_LEN};
use crate::Frame;

/// Which protocol a connection speaks. `HELLO 3` switches a connection to RESP3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// The protocol every connection starts with.
    #[default]
    Resp2,
    /// Typed replies (maps, sets, doubles, booleans, nulls, push messages).
    Resp3,
}

/// Formats `n` in decimal into the tail of a stack buffer; returns the used suffix.
fn fmt_u64(mut n: u64, tmp: &mut [u8; 20]) -> &[u8] {
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &tmp[i..]
}

/// `<prefix><n>\r\n` for a signed number.
#[inline]
fn put_line_i64(buf: &mut BytesMut, prefix: u8, n: i64) {
    let mut tmp = [0u8; 20];
    let digits = fmt_u64(n.unsigned_abs(), &mut tmp);
    buf.reserve(digits.len() + 4);
    buf.put_u8(prefix);
    if n < 0 {
        buf.put_u8(b'-');
    }
    buf.put_slice(digits);
    buf.put_slice(b"\r\n");
}

/// `<prefix><n>\r\n` for a length or count.
#[inline]
fn put_line_len(buf: &mut BytesMut, prefix: u8, n: usize) {
    let mut tmp = [0u8; 20];
    let digits = fmt_u64(n as u64, &mut tmp);
    buf.reserve(digits.len() + 3);
    buf.put_u8(prefix);
    buf.put_slice(digits);
    buf.put_slice(b"\r\n");
}

/// `<prefix><payload>\r\n`
#[inline]
fn put_line(buf: &mut BytesMut, prefix: u8, payload: &[u8]) {
    buf.reserve(payload.len() + 3);
    buf.put_u8(prefix);
    buf.put_slice(payload);
    buf.put_slice(b"\r\n");
}

/// `<prefix><len>\r\n<payload>\r\n`
#[inline]
fn put_blob(buf: &mut BytesMut, prefix: u8, payload: &[u8]) {
    put_line_len(buf, prefix, payload.len());
    buf.reserve(payload.len() + 2);
    buf.put_slice(payload);
    buf.put_slice(b"\r\n");
}

/// `+s\r\n`
///
/// `s` must not contain `\r` or `\n`; Redis only sends fixed status words this way.
pub fn write_simple(buf: &mut BytesMut, s: &[u8]) {
    put_line(buf, b'+', s);
}

/// `-msg\r\n`; `msg` includes the code (`ERR ...`, `WRONGTYPE ...`).
///
/// `msg` is written as is, so it must not contain `\r` or `\n` (Redis replaces them with
/// spaces before it gets here when the message embeds user input).
pub fn write_error(buf: &mut BytesMut, msg: &[u8]) {
    put_line(buf, b'-', msg);
}

/// `:n\r\n`
pub fn write_integer(buf: &mut BytesMut, n: i64) {
    put_line_i64(buf, b':', n);
}

/// `$len\r\nbytes\r\n`
pub fn write_bulk(buf: &mut BytesMut, bytes: &[u8]) {
    put_blob(buf, b'$', bytes);
}

/// A null bulk: `$-1\r\n` in RESP2, `_\r\n` in RESP3.
pub fn write_null(buf: &mut BytesMut, proto: Protocol) {
    buf.put_slice(match proto {
        Protocol::Resp2 => b"$-1\r\n",
        Protocol::Resp3 => b"_\r\n",
    });
}

/// A null array: `*-1\r\n` in RESP2, `_\r\n` in RESP3.
///
/// Redis uses it where an aggregate is absent (for example `BLPOP` timing out).
pub fn write_null_array(buf: &mut BytesMut, proto: Protocol) {
    buf.put_slice(match proto {
        Protocol::Resp2 => b"*-1\r\n",
        Protocol::Resp3 => b"_\r\n",
    });
}

/// `*n\r\n`
pub fn write_array_header(buf: &mut BytesMut, n: usize) {
    put_line_len(buf, b'*', n);
}

/// `%n\r\n` in RESP3; `*2n\r\n` in RESP2 (a flat array of key, value, ...).
pub fn write_map_header(buf: &mut BytesMut, proto: Protocol, pairs: usize) {
    match proto {
        Protocol::Resp2 => put_line_len(buf, b'*', pairs.saturating_mul(2)),
        Protocol::Resp3 => put_line_len(buf, b'%', pairs),
    }
}

/// `~n\r\n` in RESP3; `*n\r\n` in RESP2.
pub fn write_set_header(buf: &mut BytesMut, proto: Protocol, n: usize) {
    match proto {
        Protocol::Resp2 => put_line_len(buf, b'*', n),
        Protocol::Resp3 => put_line_len(buf, b'~', n),
    }
}

/// `>n\r\n` in RESP3; `*n\r\n` in RESP2.
///
/// Under RESP2 a push (a pub/sub message) is indistinguishable from an array reply,
/// which is how RESP2 pub/sub has always worked.
pub fn write_push_header(buf: &mut BytesMut, proto: Protocol, n: usize) {
    match proto {
        Protocol::Resp2 => put_line_len(buf, b'*', n),
        Protocol::Resp3 => put_line_len(buf, b'>', n),
    }
}

/// `,<%.17g>\r\n` in RESP3; a bulk string of the same text in RESP2.
///
/// ```
/// # use bytes::BytesMut;
/// # use cedis_resp::{encode::write_double, Protocol};
/// let mut buf = BytesMut::new();
/// write_double(&mut buf, Protocol::Resp3, 0.1);
/// write_double(&mut buf, Protocol::Resp2, f64::INFINITY);
/// assert_eq!(&buf[..], b",0.10000000000000001\r\n$3\r\ninf\r\n");
/// ```
pub fn write_double(buf: &mut BytesMut, proto: Protocol, d: f64) {
    let mut tmp = [0u8; G17_MAX_LEN];
    let n = format_g17(d, &mut tmp);
    let text = &tmp[..n];
    match proto {
        Protocol::Resp2 => put_blob(buf, b'$', text),
        Protocol::Resp3 => put_line(buf, b',', text),
    }
}

/// `#t\r\n`/`#f\r\n` in RESP3; `:1\r\n`/`:0\r\n` in RESP2.
pub fn write_bool(buf: &mut BytesMut, proto: Protocol, b: bool) {
    buf.put_slice(match (proto, b) {
        (Protocol::Resp2, true) => b":1\r\n",
        (Protocol::Resp2, false) => b":0\r\n",
        (Protocol::Resp3, true) => b"#t\r\n",
        (Protocol::Resp3, false) => b"#f\r\n",
    });
}

/// `(digits\r\n` in RESP3; a bulk string in RESP2.
pub fn write_big_number(buf: &mut BytesMut, proto: Protocol, digits: &[u8]) {
    match proto {
        Protocol::Resp2 => put_blob(buf, b'$', digits),
        Protocol::Resp3 => put_line(buf, b'(', digits),
    }
}

/// `=len\r\nfmt:text\r\n` in RESP3; a bulk string of `text` in RESP2.
///
/// `format` is a three-byte type such as `txt` or `mkd`; `len` counts `fmt:` too.
pub fn write_verbatim(buf: &mut BytesMut, proto: Protocol, format: &[u8; 3], text: &[u8]) {
    match proto {
        Protocol::Resp2 => put_blob(buf, b'$', text),
        Protocol::Resp3 => {
            put_line_len(buf, b'=', text.len() + 4);
            buf.reserve(text.len() + 6);
            buf.put_slice(format);
            buf.put_u8(b':');
            buf.put_slice(text);
            buf.put_slice(b"\r\n");
        }
    }
}

/// `!len\r\nmsg\r\n` in RESP3; `-msg\r\n` in RESP2.
///
/// A blob error may contain newlines; a simple error may not, so under RESP2 every `\r`
/// and `\n` becomes a space to keep the stream framed.
pub fn write_blob_error(buf: &mut BytesMut, proto: Protocol, msg: &[u8]) {
    match proto {
        Protocol::Resp3 => put_blob(buf, b'!', msg),
        Protocol::Resp2 => {
            buf.reserve(msg.len() + 3);
            buf.put_u8(b'-');
            for chunk in msg.split_inclusive(|&b| b == b'\r' || b == b'\n') {
                match chunk.split_last() {
                    Some((&last, head)) if last == b'\r' || last == b'\n' => {
                        buf.put_slice(head);
                        buf.put_u8(b' ');
                    }
                    _ => buf.put_slice(chunk),
                }
            }
            buf.put_slice(b"\r\n");
        }
    }
}

impl Frame {
    /// Appends this frame to `buf` as `proto` speaks it, downgrading RESP3 types under
    /// [`Protocol::Resp2`] (see the [module docs](crate::encode)).
    ///
    /// ```
    /// # use bytes::{Bytes, BytesMut};
    /// # use cedis_resp::{Frame, Protocol};
    /// let f = Frame::Set(vec![Frame::Boolean(true), Frame::Null]);
    /// let mut buf = BytesMut::new();
    /// f.encode(&mut buf, Protocol::Resp3);
    /// assert_eq!(&buf[..], b"~2\r\n#t\r\n_\r\n");
    /// buf.clear();
    /// f.encode(&mut buf, Protocol::Resp2);
    /// assert_eq!(&buf[..], b"*2\r\n:1\r\n$-1\r\n");
    /// ```
    pub fn encode(&self, buf: &mut BytesMut, proto: Protocol) {
        match self {
            Frame::Simple(s) => write_simple(buf, s),
            Frame::Error(e) => write_error(buf, e),
            Frame::Integer(n) => write_integer(buf, *n),
            Frame::Bulk(b) => write_bulk(buf, b),
            Frame::NullBulk | Frame::Null => write_null(buf, proto),
            Frame::NullArray => write_null_array(buf, proto),
            Frame::Array(items) => {
                write_array_header(buf, items.len());
                encode_all(buf, proto, items);
            }
            Frame::Double(d) => write_double(buf, proto, *d),
            Frame::Boolean(b) => write_bool(buf, proto, *b),
            Frame::BigNumber(n) => write_big_number(buf, proto, n),
            Frame::Verbatim { format, text } => write_verbatim(buf, proto, format, text),
            Frame::Map(pairs) => {
                write_map_header(buf, proto, pairs.len());
                encode_pairs(buf, proto, pairs);
            }
            Frame::Set(items) => {
                write_set_header(buf, proto, items.len());
                encode_all(buf, proto, items);
            }
            Frame::Push(items) => {
                write_push_header(buf, proto, items.len());
                encode_all(buf, proto, items);
            }
            Frame::Attribute { attributes, data } => {
                if proto == Protocol::Resp3 {
                    put_line_len(buf, b'|', attributes.len());
                    encode_pairs(buf, proto, attributes);
                }
                data.encode(buf, proto);
            }
            Frame::BlobError(e) => write_blob_error(buf, proto, e),
        }
    }
}

fn encode_all(buf: &mut BytesMut, proto: Protocol, items: &[Frame]) {
    for item in items {
        item.encode(buf, proto);
    }
}

fn encode_pairs(buf: &mut BytesMut, proto: Protocol, pairs: &[(Frame, Frame)]) {
    for (k, v) in pairs {
        k.encode(buf, proto);
        v.encode(buf, proto);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn enc(f: &Frame, proto: Protocol) -> Vec<u8> {
        let mut buf = BytesMut::new();
        f.encode(&mut buf, proto);
        buf.to_vec()
    }

    fn both(f: Frame, resp2: &[u8], resp3: &[u8]) {
        assert_eq!(
            enc(&f, Protocol::Resp2),
            resp2,
            "RESP2 {f:?}: {:?}",
            String::from_utf8_lossy(&enc(&f, Protocol::Resp2))
        );
        assert_eq!(
            enc(&f, Protocol::Resp3),
            resp3,
            "RESP3 {f:?}: {:?}",
            String::from_utf8_lossy(&enc(&f, Protocol::Resp3))
        );
    }

    fn b(s: &'static [u8]) -> Bytes {
        Bytes::from_static(s)
    }

    #[test]
    fn scalars() {
        both(Frame::Simple(b(b"OK")), b"+OK\r\n", b"+OK\r\n");
        both(
            Frame::Error(b(b"ERR unknown")),
            b"-ERR unknown\r\n",
            b"-ERR unknown\r\n",
        );
        both(Frame::Integer(0), b":0\r\n", b":0\r\n");
        both(Frame::Integer(1000), b":1000\r\n", b":1000\r\n");
        both(Frame::Integer(-42), b":-42\r\n", b":-42\r\n");
        both(
            Frame::Integer(i64::MAX),
            b":9223372036854775807\r\n",
            b":9223372036854775807\r\n",
        );
        both(
            Frame::Integer(i64::MIN),
            b":-9223372036854775808\r\n",
            b":-9223372036854775808\r\n",
        );
        both(
            Frame::Bulk(b(b"foobar")),
            b"$6\r\nfoobar\r\n",
            b"$6\r\nfoobar\r\n",
        );
        both(Frame::Bulk(b(b"")), b"$0\r\n\r\n", b"$0\r\n\r\n");
        both(
            Frame::Bulk(b(b"a\r\nb")),
            b"$4\r\na\r\nb\r\n",
            b"$4\r\na\r\nb\r\n",
        );
        both(Frame::NullBulk, b"$-1\r\n", b"_\r\n");
        both(Frame::Null, b"$-1\r\n", b"_\r\n");
        both(Frame::NullArray, b"*-1\r\n", b"_\r\n");
        both(Frame::Double(1.5), b"$3\r\n1.5\r\n", b",1.5\r\n");
        both(
            Frame::Double(0.1),
            b"$19\r\n0.10000000000000001\r\n",
            b",0.10000000000000001\r\n",
        );
        both(Frame::Double(1e20), b"$5\r\n1e+20\r\n", b",1e+20\r\n");
        both(Frame::Double(f64::INFINITY), b"$3\r\ninf\r\n", b",inf\r\n");
        both(
            Frame::Double(f64::NEG_INFINITY),
            b"$4\r\n-inf\r\n",
            b",-inf\r\n",
        );
        both(Frame::Double(f64::NAN), b"$3\r\nnan\r\n", b",nan\r\n");
        both(Frame::Boolean(true), b":1\r\n", b"#t\r\n");
        both(Frame::Boolean(false), b":0\r\n", b"#f\r\n");
        both(
            Frame::BigNumber(b(b"3492890328409238509324850943850943825024385")),
            b"$43\r\n3492890328409238509324850943850943825024385\r\n",
            b"(3492890328409238509324850943850943825024385\r\n",
        );
        both(
            Frame::Verbatim {
                format: *b"txt",
                text: b(b"Some string"),
            },
            b"$11\r\nSome string\r\n",
            b"=15\r\ntxt:Some string\r\n",
        );
        both(
            Frame::BlobError(b(b"SYNTAX invalid syntax")),
            b"-SYNTAX invalid syntax\r\n",
            b"!21\r\nSYNTAX invalid syntax\r\n",
        );
        both(
            Frame::BlobError(b(b"ERR a\r\nb\nc")),
            b"-ERR a  b c\r\n",
            b"!10\r\nERR a\r\nb\nc\r\n",
        );
    }

    #[test]
    fn aggregates() {
        both(Frame::Array(vec![]), b"*0\r\n", b"*0\r\n");
        both(
            Frame::Array(vec![Frame::Bulk(b(b"a")), Frame::Integer(1)]),
            b"*2\r\n$1\r\na\r\n:1\r\n",
            b"*2\r\n$1\r\na\r\n:1\r\n",
        );
        both(
            Frame::Map(vec![
                (Frame::Bulk(b(b"k")), Frame::Double(2.0)),
                (Frame::Simple(b(b"x")), Frame::Null),
            ]),
            b"*4\r\n$1\r\nk\r\n$1\r\n2\r\n+x\r\n$-1\r\n",
            b"%2\r\n$1\r\nk\r\n,2\r\n+x\r\n_\r\n",
        );
        both(Frame::Map(vec![]), b"*0\r\n", b"%0\r\n");
        both(
            Frame::Set(vec![Frame::Integer(1), Frame::Integer(2)]),
            b"*2\r\n:1\r\n:2\r\n",
            b"~2\r\n:1\r\n:2\r\n",
        );
        both(
            Frame::Push(vec![
                Frame::Bulk(b(b"message")),
                Frame::Bulk(b(b"ch")),
                Frame::Bulk(b(b"hi")),
            ]),
            b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
            b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
        );
        both(
            Frame::Attribute {
                attributes: vec![(Frame::Simple(b(b"ttl")), Frame::Integer(3))],
                data: Box::new(Frame::Array(vec![Frame::Boolean(false)])),
            },
            b"*1\r\n:0\r\n",
            b"|1\r\n+ttl\r\n:3\r\n*1\r\n#f\r\n",
        );
        both(
            Frame::Array(vec![Frame::Array(vec![Frame::NullArray]), Frame::NullBulk]),
            b"*2\r\n*1\r\n*-1\r\n$-1\r\n",
            b"*2\r\n*1\r\n_\r\n_\r\n",
        );
    }

    #[test]
    fn free_functions() {
        let mut buf = BytesMut::new();
        write_simple(&mut buf, b"PONG");
        write_error(&mut buf, b"WRONGTYPE x");
        write_integer(&mut buf, -1);
        write_bulk(&mut buf, b"v");
        write_null(&mut buf, Protocol::Resp2);
        write_null(&mut buf, Protocol::Resp3);
        write_null_array(&mut buf, Protocol::Resp2);
        write_null_array(&mut buf, Protocol::Resp3);
        write_array_header(&mut buf, 12);
        write_map_header(&mut buf, Protocol::Resp2, 3);
        write_map_header(&mut buf, Protocol::Resp3, 3);
        write_set_header(&mut buf, Protocol::Resp2, 4);
        write_set_header(&mut buf, Protocol::Resp3, 4);
        write_push_header(&mut buf, Protocol::Resp2, 5);
        write_push_header(&mut buf, Protocol::Resp3, 5);
        write_double(&mut buf, Protocol::Resp3, -0.0);
        write_bool(&mut buf, Protocol::Resp3, true);
        write_big_number(&mut buf, Protocol::Resp2, b"-12");
        write_verbatim(&mut buf, Protocol::Resp3, b"mkd", b"");
        write_blob_error(&mut buf, Protocol::Resp3, b"");
        assert_eq!(
            &buf[..],
            &b"+PONG\r\n-WRONGTYPE x\r\n:-1\r\n$1\r\nv\r\n$-1\r\n_\r\n*-1\r\n_\r\n*12\r\n\
               *6\r\n%3\r\n*4\r\n~4\r\n*5\r\n>5\r\n,-0\r\n#t\r\n$3\r\n-12\r\n=4\r\nmkd:\r\n\
               !0\r\n\r\n"[..]
        );
    }
}
