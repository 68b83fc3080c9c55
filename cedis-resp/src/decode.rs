//! A streaming decoder of any RESP2/RESP3 frame.
//!
//! This is what a client reads (replies, push messages) and what the test harness uses
//! to check a server's output. It accepts every type in [`Frame`]; RESP3 streamed
//! aggregates and strings (`*?`, `$?`) are rejected because Redis never sends them.
//!
//! Decoding is done in two passes over the buffered bytes. The first pass only checks
//! that a whole, valid frame is present and where it ends, allocating nothing; it can be
//! resumed where it stopped when more bytes arrive, so a large reply trickling in costs
//! linear time. The second pass splits exactly that frame off the buffer and builds the
//! [`Frame`], with bulk payloads as zero-copy slices of it. Neither pass recurses, so
//! nesting depth is bounded only by [`Limits::max_depth`], never by the thread's stack.

use bytes::{Bytes, BytesMut};

use crate::{DecodeError, Frame};

/// Limits that keep a hostile peer from making the decoder allocate or recurse without bound.
///
/// Shared by [`Decoder`] and [`crate::RequestDecoder`]. The defaults are Redis 7.0.15's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest bulk payload accepted (`proto-max-bulk-len`, 512 MB by default).
    pub max_bulk_len: u64,
    /// Most elements in one aggregate (pairs, for maps and attributes). Redis 7.0.15
    /// accepts a multibulk of up to `i32::MAX` arguments (`*2147483648` is an "invalid
    /// multibulk length"), so that is the default; memory is only ever reserved for
    /// elements whose bytes have arrived.
    pub max_elements: u64,
    /// Deepest nesting of aggregates ([`Decoder`] only; requests are never nested).
    pub max_depth: usize,
    /// Longest inline command or length line before the peer is cut off (64 KB).
    pub max_inline_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
            max_elements: i32::MAX as u64,
            max_depth: 128,
            max_inline_len: 64 * 1024,
        }
    }
}

/// Decodes frames from a byte stream that may arrive in any chunking.
///
/// ```
/// use bytes::{Bytes, BytesMut};
/// use cedis_resp::{Decoder, Frame};
///
/// let mut dec = Decoder::default();
/// let mut buf = BytesMut::from(&b"%1\r\n+key\r\n$5\r\nval"[..]);
/// assert_eq!(dec.decode(&mut buf).unwrap(), None);
/// assert_eq!(buf.len(), 17); // nothing consumed
/// buf.extend_from_slice(b"ue\r\n:7\r\n");
/// assert_eq!(
///     dec.decode(&mut buf).unwrap(),
///     Some(Frame::Map(vec![(
///         Frame::Simple(Bytes::from_static(b"key")),
///         Frame::Bulk(Bytes::from_static(b"value")),
///     )]))
/// );
/// assert_eq!(dec.decode(&mut buf).unwrap(), Some(Frame::Integer(7)));
/// ```
///
/// A decoder remembers how far it validated an incomplete frame, to resume there. Use
/// one decoder per stream, and only append to `buf` between calls; a shorter buffer than
/// the one last seen makes it start over.
#[derive(Clone, Debug, Default)]
pub struct Decoder {
    pub limits: Limits,
    scan: Scan,
}

/// Where validation of an incomplete frame stopped.
#[derive(Clone, Debug, Default)]
struct Scan {
    /// Start of the first element not yet validated.
    pos: usize,
    /// Elements still expected by each open aggregate, outermost first.
    open: Vec<u64>,
}

impl Decoder {
    pub fn new(limits: Limits) -> Self {
        Decoder {
            limits,
            scan: Scan::default(),
        }
    }

    /// `Ok(None)` when `buf` does not yet hold a whole frame (nothing is consumed then).
    ///
    /// On success exactly the frame's bytes are removed from `buf`. On error `buf` is left
    /// as it was; the stream cannot be resynchronised, so the caller should drop it.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, DecodeError> {
        if self.scan.pos > buf.len() {
            self.scan = Scan::default();
        }
        let end = match self.validate(buf) {
            Ok(Some(end)) => end,
            Ok(None) => return Ok(None),
            Err(e) => {
                self.scan = Scan::default();
                return Err(e);
            }
        };
        self.scan = Scan::default();
        let bytes = buf.split_to(end).freeze();
        build(&bytes, &self.limits).map(Some)
    }

    /// Checks that a whole frame is present; returns its length.
    fn validate(&mut self, buf: &[u8]) -> Result<Option<usize>, DecodeError> {
        let limits = &self.limits;
        let scan = &mut self.scan;
        loop {
            let Some((header, next)) = parse_header(buf, scan.pos, limits)? else {
                return Ok(None);
            };
            scan.pos = next;
            let children = header.children();
            if children > 0 {
                if scan.open.len() >= limits.max_depth {
                    return Err(invalid(format!(
                        "nesting deeper than {} levels",
                        limits.max_depth
                    )));
                }
                scan.open.push(children);
                continue;
            }
            loop {
                match scan.open.last_mut() {
                    None => return Ok(Some(scan.pos)),
                    Some(left) => {
                        *left -= 1;
                        if *left > 0 {
                            break;
                        }
                        scan.open.pop();
                    }
                }
            }
        }
    }
}

fn invalid(msg: impl Into<String>) -> DecodeError {
    DecodeError::Invalid(msg.into())
}

/// One element's header: a whole scalar, or the size of an aggregate that follows.
#[derive(Debug)]
enum Header {
    Scalar(Frame),
    Array(u64),
    Map(u64),
    Set(u64),
    Push(u64),
    Attribute(u64),
}

impl Header {
    /// How many elements follow this header as its children.
    fn children(&self) -> u64 {
        match *self {
            Header::Scalar(_) => 0,
            Header::Array(n) | Header::Set(n) | Header::Push(n) => n,
            Header::Map(n) => 2 * n,
            Header::Attribute(n) => 2 * n + 1,
        }
    }
}

/// Parses the element starting at `pos`. `Ok(None)` when it is not complete yet.
///
/// Payload slices are built from `src` when given (the second pass); during validation
/// `src` is `None` and payloads are represented by empty `Bytes`, which do not allocate.
fn parse_header_from(
    buf: &[u8],
    src: Option<&Bytes>,
    pos: usize,
    limits: &Limits,
) -> Result<Option<(Header, usize)>, DecodeError> {
    let Some(&tag) = buf.get(pos) else {
        return Ok(None);
    };
    let start = pos + 1;
    let rest = buf.get(start..).unwrap_or_default();
    let window = rest
        .get(..limits.max_inline_len.saturating_add(1))
        .unwrap_or(rest);
    let Some(cr) = window.iter().position(|&b| b == b'\r') else {
        if rest.len() > limits.max_inline_len {
            return Err(invalid("line too long"));
        }
        return Ok(None);
    };
    match rest.get(cr + 1) {
        None => return Ok(None),
        Some(b'\n') => {}
        Some(_) => return Err(invalid("expected \\n after \\r")),
    }
    let line = &rest[..cr];
    let next = start + cr + 2;
    let slice = |from: usize, to: usize| match src {
        Some(b) => b.slice(from..to),
        None => Bytes::new(),
    };
    let scalar = |f: Frame| Ok(Some((Header::Scalar(f), next)));

    match tag {
        b'+' => scalar(Frame::Simple(slice(start, start + cr))),
        b'-' => scalar(Frame::Error(slice(start, start + cr))),
        b':' => scalar(Frame::Integer(parse_int(line)?)),
        b'_' if line.is_empty() => scalar(Frame::Null),
        b'_' => Err(invalid("null with payload")),
        b'#' => match line {
            b"t" => scalar(Frame::Boolean(true)),
            b"f" => scalar(Frame::Boolean(false)),
            _ => Err(invalid("invalid boolean")),
        },
        b',' => scalar(Frame::Double(parse_double(line)?)),
        b'(' => {
            let digits = line.strip_prefix(b"-").unwrap_or(line);
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(invalid("invalid big number"));
            }
            scalar(Frame::BigNumber(slice(start, start + cr)))
        }
        b'$' | b'!' | b'=' => {
            if tag == b'$' && line == b"-1" {
                return scalar(Frame::NullBulk);
            }
            let len = parse_len(line)?;
            if len > limits.max_bulk_len {
                return Err(invalid("bulk length exceeds the limit"));
            }
            let len = usize::try_from(len).map_err(|_| invalid("bulk length too large"))?;
            let end = next
                .checked_add(len)
                .ok_or_else(|| invalid("bulk length too large"))?;
            let after = end
                .checked_add(2)
                .ok_or_else(|| invalid("bulk length too large"))?;
            match buf.get(end..after) {
                None => return Ok(None),
                Some(b"\r\n") => {}
                Some(_) => return Err(invalid("bulk not followed by \\r\\n")),
            }
            match tag {
                b'$' => Ok(Some((Header::Scalar(Frame::Bulk(slice(next, end))), after))),
                b'!' => Ok(Some((
                    Header::Scalar(Frame::BlobError(slice(next, end))),
                    after,
                ))),
                _ => {
                    let payload = &buf[next..end];
                    let (Some(fmt), Some(b':')) = (payload.get(..3), payload.get(3)) else {
                        return Err(invalid("verbatim string without a format"));
                    };
                    let format = [fmt[0], fmt[1], fmt[2]];
                    let text = slice(next + 4, end);
                    Ok(Some((
                        Header::Scalar(Frame::Verbatim { format, text }),
                        after,
                    )))
                }
            }
        }
        b'*' | b'%' | b'~' | b'>' | b'|' => {
            if tag == b'*' && line == b"-1" {
                return scalar(Frame::NullArray);
            }
            let n = parse_len(line)?;
            if n > limits.max_elements {
                return Err(invalid("aggregate has too many elements"));
            }
            let header = match tag {
                b'*' => Header::Array(n),
                b'%' => Header::Map(n),
                b'~' => Header::Set(n),
                b'>' => Header::Push(n),
                _ => Header::Attribute(n),
            };
            Ok(Some((header, next)))
        }
        other => Err(invalid(format!("unexpected type byte 0x{other:02x}"))),
    }
}

fn parse_header(
    buf: &[u8],
    pos: usize,
    limits: &Limits,
) -> Result<Option<(Header, usize)>, DecodeError> {
    parse_header_from(buf, None, pos, limits)
}

/// An `i64` with an optional sign.
fn parse_int(line: &[u8]) -> Result<i64, DecodeError> {
    let (neg, digits) = match line {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, line),
    };
    if digits.is_empty() || digits.len() > 40 {
        return Err(invalid("invalid integer"));
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(invalid("invalid integer"));
        }
        let d = i64::from(c - b'0');
        v = v
            .checked_mul(10)
            .and_then(|v| {
                if neg {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or_else(|| invalid("integer out of range"))?;
    }
    Ok(v)
}

/// A non-negative length or count.
fn parse_len(line: &[u8]) -> Result<u64, DecodeError> {
    if line.is_empty() || line.len() > 20 {
        return Err(invalid("invalid length"));
    }
    let mut v: u64 = 0;
    for &c in line {
        if !c.is_ascii_digit() {
            return Err(invalid("invalid length"));
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(c - b'0')))
            .ok_or_else(|| invalid("invalid length"))?;
    }
    Ok(v)
}

/// `1.5`, `-3e10`, `inf`, `-inf`, `nan`, as Redis and `strtod` write them.
fn parse_double(line: &[u8]) -> Result<f64, DecodeError> {
    std::str::from_utf8(line)
        .ok()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<f64>().ok())
        .ok_or_else(|| invalid("invalid double"))
}

/// A partly built aggregate of the second pass.
enum Building {
    List {
        kind: ListKind,
        items: Vec<Frame>,
        left: u64,
    },
    Pairs {
        attribute: bool,
        pairs: Vec<(Frame, Frame)>,
        key: Option<Frame>,
        left: u64,
    },
    /// An attribute whose pairs are complete, waiting for the frame it annotates.
    AttributeData { attributes: Vec<(Frame, Frame)> },
}

#[derive(Clone, Copy)]
enum ListKind {
    Array,
    Set,
    Push,
}

impl ListKind {
    fn finish(self, items: Vec<Frame>) -> Frame {
        match self {
            ListKind::Array => Frame::Array(items),
            ListKind::Set => Frame::Set(items),
            ListKind::Push => Frame::Push(items),
        }
    }
}

/// Builds the frame from `bytes`, which [`Decoder::validate`] found to hold exactly one.
fn build(bytes: &Bytes, limits: &Limits) -> Result<Frame, DecodeError> {
    let incomplete = || invalid("frame changed between passes");
    let mut stack: Vec<Building> = Vec::new();
    let mut pos = 0;
    loop {
        let (header, next) =
            parse_header_from(bytes, Some(bytes), pos, limits)?.ok_or_else(incomplete)?;
        pos = next;
        // Every element of a validated frame is present, and each takes at least 3
        // bytes, so these capacities are bounded by the bytes received.
        let cap = |n: u64| usize::try_from(n).unwrap_or(0).min(bytes.len() / 3);
        let mut frame = match header {
            Header::Scalar(f) => f,
            Header::Array(0) => Frame::Array(Vec::new()),
            Header::Set(0) => Frame::Set(Vec::new()),
            Header::Push(0) => Frame::Push(Vec::new()),
            Header::Map(0) => Frame::Map(Vec::new()),
            Header::Array(n) | Header::Set(n) | Header::Push(n) => {
                let kind = match header {
                    Header::Set(_) => ListKind::Set,
                    Header::Push(_) => ListKind::Push,
                    _ => ListKind::Array,
                };
                stack.push(Building::List {
                    kind,
                    items: Vec::with_capacity(cap(n)),
                    left: n,
                });
                continue;
            }
            Header::Map(n) => {
                stack.push(Building::Pairs {
                    attribute: false,
                    pairs: Vec::with_capacity(cap(n)),
                    key: None,
                    left: n,
                });
                continue;
            }
            Header::Attribute(0) => {
                stack.push(Building::AttributeData {
                    attributes: Vec::new(),
                });
                continue;
            }
            Header::Attribute(n) => {
                stack.push(Building::Pairs {
                    attribute: true,
                    pairs: Vec::with_capacity(cap(n)),
                    key: None,
                    left: n,
                });
                continue;
            }
        };
        // Hand the finished element to its parent, finishing parents as they fill up.
        loop {
            let Some(top) = stack.last_mut() else {
                if pos != bytes.len() {
                    return Err(incomplete());
                }
                return Ok(frame);
            };
            match top {
                Building::List { items, left, .. } => {
                    items.push(frame);
                    *left -= 1;
                    if *left > 0 {
                        break;
                    }
                    let Some(Building::List { kind, items, .. }) = stack.pop() else {
                        return Err(incomplete());
                    };
                    frame = kind.finish(items);
                }
                Building::Pairs {
                    pairs, key, left, ..
                } => {
                    match key.take() {
                        None => {
                            *key = Some(frame);
                            break;
                        }
                        Some(k) => pairs.push((k, frame)),
                    }
                    *left -= 1;
                    if *left > 0 {
                        break;
                    }
                    let Some(Building::Pairs {
                        attribute, pairs, ..
                    }) = stack.pop()
                    else {
                        return Err(incomplete());
                    };
                    if attribute {
                        stack.push(Building::AttributeData { attributes: pairs });
                        break;
                    }
                    frame = Frame::Map(pairs);
                }
                Building::AttributeData { .. } => {
                    let Some(Building::AttributeData { attributes }) = stack.pop() else {
                        return Err(incomplete());
                    };
                    frame = Frame::Attribute {
                        attributes,
                        data: Box::new(frame),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(input: &[u8]) -> Result<Option<Frame>, DecodeError> {
        let mut buf = BytesMut::from(input);
        Decoder::default().decode(&mut buf)
    }

    fn one(input: &[u8]) -> Frame {
        let mut buf = BytesMut::from(input);
        let f = Decoder::default().decode(&mut buf).unwrap().unwrap();
        assert!(buf.is_empty(), "left over: {buf:?}");
        f
    }

    fn b(s: &'static [u8]) -> Bytes {
        Bytes::from_static(s)
    }

    #[test]
    fn every_type() {
        assert_eq!(one(b"+OK\r\n"), Frame::Simple(b(b"OK")));
        assert_eq!(one(b"-ERR x\r\n"), Frame::Error(b(b"ERR x")));
        assert_eq!(one(b":-12\r\n"), Frame::Integer(-12));
        assert_eq!(one(b":+12\r\n"), Frame::Integer(12));
        assert_eq!(one(b":-9223372036854775808\r\n"), Frame::Integer(i64::MIN));
        assert_eq!(one(b"$3\r\na\r\n\r\n"), Frame::Bulk(b(b"a\r\n")));
        assert_eq!(one(b"$0\r\n\r\n"), Frame::Bulk(b(b"")));
        assert_eq!(one(b"$-1\r\n"), Frame::NullBulk);
        assert_eq!(one(b"*-1\r\n"), Frame::NullArray);
        assert_eq!(one(b"_\r\n"), Frame::Null);
        assert_eq!(one(b"*0\r\n"), Frame::Array(vec![]));
        assert_eq!(one(b",1.5\r\n"), Frame::Double(1.5));
        assert_eq!(one(b",inf\r\n"), Frame::Double(f64::INFINITY));
        assert_eq!(one(b",-inf\r\n"), Frame::Double(f64::NEG_INFINITY));
        assert!(matches!(one(b",nan\r\n"), Frame::Double(d) if d.is_nan()));
        assert_eq!(one(b",1e+20\r\n"), Frame::Double(1e20));
        assert_eq!(one(b"#t\r\n"), Frame::Boolean(true));
        assert_eq!(one(b"#f\r\n"), Frame::Boolean(false));
        assert_eq!(one(b"(-123\r\n"), Frame::BigNumber(b(b"-123")));
        assert_eq!(
            one(b"=15\r\ntxt:Some string\r\n"),
            Frame::Verbatim {
                format: *b"txt",
                text: b(b"Some string")
            }
        );
        assert_eq!(
            one(b"!21\r\nSYNTAX invalid syntax\r\n"),
            Frame::BlobError(b(b"SYNTAX invalid syntax"))
        );
        assert_eq!(
            one(b"%2\r\n+a\r\n:1\r\n+b\r\n_\r\n"),
            Frame::Map(vec![
                (Frame::Simple(b(b"a")), Frame::Integer(1)),
                (Frame::Simple(b(b"b")), Frame::Null)
            ])
        );
        assert_eq!(one(b"%0\r\n"), Frame::Map(vec![]));
        assert_eq!(
            one(b"~2\r\n:1\r\n*1\r\n~0\r\n"),
            Frame::Set(vec![
                Frame::Integer(1),
                Frame::Array(vec![Frame::Set(vec![])])
            ])
        );
        assert_eq!(
            one(b">2\r\n$1\r\na\r\n>0\r\n"),
            Frame::Push(vec![Frame::Bulk(b(b"a")), Frame::Push(vec![])])
        );
        assert_eq!(
            one(b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*1\r\n:1\r\n"),
            Frame::Attribute {
                attributes: vec![(
                    Frame::Simple(b(b"key-popularity")),
                    Frame::Map(vec![(Frame::Bulk(b(b"a")), Frame::Double(0.1923))])
                )],
                data: Box::new(Frame::Array(vec![Frame::Integer(1)]))
            }
        );
        assert_eq!(
            one(b"|0\r\n:1\r\n"),
            Frame::Attribute {
                attributes: vec![],
                data: Box::new(Frame::Integer(1))
            }
        );
        assert_eq!(
            one(b"*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n"),
            Frame::Array(vec![
                Frame::Attribute {
                    attributes: vec![(Frame::Simple(b(b"a")), Frame::Simple(b(b"b")))],
                    data: Box::new(Frame::Integer(1))
                },
                Frame::Integer(2)
            ])
        );
    }

    #[test]
    fn malformed() {
        for bad in [
            &b"?\r\n"[..],
            b":\r\n",
            b":1x\r\n",
            b":99999999999999999999\r\n",
            b"$-2\r\n",
            b"$x\r\n",
            b"$?\r\n",
            b"*?\r\n",
            b"$3\r\nabcd\r\n",
            b"$3\r\nabc\n\n",
            b"*-2\r\n",
            b"%-1\r\n",
            b"_x\r\n",
            b"#x\r\n",
            b",\r\n",
            b",1.5x\r\n",
            b"(\r\n",
            b"(12a\r\n",
            b"=3\r\ntxt\r\n",
            b"=4\r\ntxtx\r\n",
            b"+OK\rX",
            b"!-1\r\n",
        ] {
            assert!(dec(bad).is_err(), "{bad:?} accepted: {:?}", dec(bad));
        }
    }

    #[test]
    fn incomplete_consumes_nothing() {
        let mut d = Decoder::default();
        let mut buf = BytesMut::from(&b"*2\r\n$3\r\nabc\r\n$2\r\nx"[..]);
        assert_eq!(d.decode(&mut buf), Ok(None));
        assert_eq!(buf.len(), 18);
        buf.extend_from_slice(b"y\r\n");
        assert_eq!(
            d.decode(&mut buf),
            Ok(Some(Frame::Array(vec![
                Frame::Bulk(b(b"abc")),
                Frame::Bulk(b(b"xy"))
            ])))
        );
    }

    #[test]
    fn limits() {
        let mut d = Decoder::new(Limits {
            max_bulk_len: 4,
            max_elements: 2,
            max_depth: 2,
            max_inline_len: 8,
        });
        let mut run = |s: &[u8]| d.decode(&mut BytesMut::from(s));
        assert!(run(b"$5\r\n").is_err());
        assert!(run(b"$4\r\nabcd\r\n").unwrap().is_some());
        assert!(run(b"*3\r\n").is_err());
        assert!(run(b"%3\r\n").is_err());
        assert!(run(b"*1\r\n*1\r\n*1\r\n").is_err());
        assert!(run(b"*1\r\n*1\r\n:1\r\n").unwrap().is_some());
        assert!(run(b"+123456789").is_err());
        assert!(run(b"+12345678").unwrap().is_none());
    }

    #[test]
    fn payloads_are_zero_copy() {
        let mut buf = BytesMut::from(&b"*1\r\n$5\r\nhello\r\n"[..]);
        let base = buf.as_ptr() as usize;
        let Some(Frame::Array(items)) = Decoder::default().decode(&mut buf).unwrap() else {
            panic!()
        };
        let Frame::Bulk(p) = &items[0] else { panic!() };
        assert_eq!(p.as_ptr() as usize, base + 8);
    }
}
