//! An independent, deliberately simple RESP2/RESP3 reply parser.
//!
//! The harness finds reply boundaries with this parser rather than with the codec under
//! test, so a bug in `cedis_resp` cannot make a wrong server reply look right. Every frame
//! [`crate::RawConn::read_frame`] returns is decoded by both this parser and
//! `cedis_resp::Decoder`, and the two must agree.

use bytes::Bytes;
use cedis_resp::Frame;

/// Deepest nesting the reference parser follows (replies are never this deep).
const MAX_DEPTH: usize = 512;

/// Parses one frame from the start of `buf`.
///
/// `Ok(None)`: `buf` holds only part of a frame. `Ok(Some((frame, n)))`: the frame and the
/// number of bytes it used. `Err`: `buf` does not start with valid RESP.
pub fn parse(buf: &[u8]) -> Result<Option<(Frame, usize)>, String> {
    let mut p = Parser { buf, pos: 0 };
    match p.frame(0)? {
        Some(f) => Ok(Some((f, p.pos))),
        None => Ok(None),
    }
}

/// The length of the first whole frame in `buf`, if `buf` holds one.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    Ok(parse(buf)?.map(|(_, n)| n))
}

/// Parses a buffer that must hold exactly one frame.
pub fn parse_exact(buf: &[u8]) -> Frame {
    match parse(buf) {
        Ok(Some((f, n))) if n == buf.len() => f,
        Ok(Some((_, n))) => panic!(
            "{} trailing bytes after a frame in {}",
            buf.len() - n,
            crate::show(buf)
        ),
        Ok(None) => panic!("incomplete frame: {}", crate::show(buf)),
        Err(e) => panic!("invalid RESP ({e}): {}", crate::show(buf)),
    }
}

/// Encodes a frame the way the wire carries it (RESP3 types kept as RESP3).
pub fn encode(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(frame, &mut out);
    out
}

fn encode_into(frame: &Frame, out: &mut Vec<u8>) {
    fn line(out: &mut Vec<u8>, prefix: u8, body: &[u8]) {
        out.push(prefix);
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n");
    }
    fn blob(out: &mut Vec<u8>, prefix: u8, body: &[u8]) {
        line(out, prefix, body.len().to_string().as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n");
    }
    match frame {
        Frame::Simple(s) => line(out, b'+', s),
        Frame::Error(s) => line(out, b'-', s),
        Frame::Integer(n) => line(out, b':', n.to_string().as_bytes()),
        Frame::Bulk(b) => blob(out, b'$', b),
        Frame::NullBulk => out.extend_from_slice(b"$-1\r\n"),
        Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
        Frame::Null => out.extend_from_slice(b"_\r\n"),
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            let prefix = match frame {
                Frame::Array(_) => b'*',
                Frame::Set(_) => b'~',
                _ => b'>',
            };
            line(out, prefix, items.len().to_string().as_bytes());
            for item in items {
                encode_into(item, out);
            }
        }
        Frame::Map(pairs) => {
            line(out, b'%', pairs.len().to_string().as_bytes());
            for (k, v) in pairs {
                encode_into(k, out);
                encode_into(v, out);
            }
        }
        Frame::Attribute { attributes, data } => {
            line(out, b'|', attributes.len().to_string().as_bytes());
            for (k, v) in attributes {
                encode_into(k, out);
                encode_into(v, out);
            }
            encode_into(data, out);
        }
        Frame::Double(d) => {
            let text = if d.is_nan() {
                "nan".to_string()
            } else if d.is_infinite() {
                if *d > 0.0 { "inf" } else { "-inf" }.to_string()
            } else {
                d.to_string()
            };
            line(out, b',', text.as_bytes())
        }
        Frame::Boolean(b) => line(out, b'#', if *b { b"t" } else { b"f" }),
        Frame::BigNumber(d) => line(out, b'(', d),
        Frame::Verbatim { format, text } => {
            let mut body = format.to_vec();
            body.push(b':');
            body.extend_from_slice(text);
            blob(out, b'=', &body)
        }
        Frame::BlobError(e) => blob(out, b'!', e),
        other => panic!("reference encoder does not know {other:?}"),
    }
}

struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// The next `\r\n`-terminated line (without the terminator), or `None` if incomplete.
    fn line(&mut self) -> Result<Option<&[u8]>, String> {
        let rest = &self.buf[self.pos..];
        match rest.windows(2).position(|w| w == b"\r\n") {
            Some(i) => {
                let start = self.pos;
                self.pos += i + 2;
                Ok(Some(&self.buf[start..start + i]))
            }
            None => {
                if rest.contains(&b'\n') {
                    return Err("a bare \\n where \\r\\n was expected".into());
                }
                Ok(None)
            }
        }
    }

    fn int_line(&mut self) -> Result<Option<i64>, String> {
        let Some(l) = self.line()? else {
            return Ok(None);
        };
        let s = std::str::from_utf8(l).map_err(|_| "non-UTF-8 integer".to_string())?;
        s.parse::<i64>()
            .map(Some)
            .map_err(|_| format!("invalid integer {s:?}"))
    }

    /// A length-prefixed payload; `Ok(None)` if incomplete. Length -1 gives `Some(None)`.
    fn blob(&mut self) -> Result<Option<Option<Bytes>>, String> {
        let Some(len) = self.int_line()? else {
            return Ok(None);
        };
        if len == -1 {
            return Ok(Some(None));
        }
        let len = usize::try_from(len).map_err(|_| format!("invalid length {len}"))?;
        if self.buf.len() < self.pos + len + 2 {
            return Ok(None);
        }
        let data = Bytes::copy_from_slice(&self.buf[self.pos..self.pos + len]);
        if &self.buf[self.pos + len..self.pos + len + 2] != b"\r\n" {
            return Err("a blob not followed by \\r\\n".into());
        }
        self.pos += len + 2;
        Ok(Some(Some(data)))
    }

    fn items(&mut self, n: usize, depth: usize) -> Result<Option<Vec<Frame>>, String> {
        let mut items = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            match self.frame(depth + 1)? {
                Some(f) => items.push(f),
                None => return Ok(None),
            }
        }
        Ok(Some(items))
    }

    fn pairs(&mut self, n: usize, depth: usize) -> Result<Option<Vec<(Frame, Frame)>>, String> {
        let Some(flat) = self.items(n * 2, depth)? else {
            return Ok(None);
        };
        let mut it = flat.into_iter();
        let mut pairs = Vec::with_capacity(n);
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            pairs.push((k, v));
        }
        Ok(Some(pairs))
    }

    fn count(&mut self) -> Result<Option<i64>, String> {
        let n = self.int_line()?;
        if let Some(n) = n {
            if !(-1..=100_000_000).contains(&n) {
                return Err(format!("implausible aggregate length {n}"));
            }
        }
        Ok(n)
    }

    fn frame(&mut self, depth: usize) -> Result<Option<Frame>, String> {
        if depth > MAX_DEPTH {
            return Err("nesting too deep".into());
        }
        let Some(&tag) = self.buf.get(self.pos) else {
            return Ok(None);
        };
        self.pos += 1;
        macro_rules! need {
            ($e:expr) => {
                match $e? {
                    Some(v) => v,
                    None => return Ok(None),
                }
            };
        }
        let frame = match tag {
            b'+' => Frame::Simple(Bytes::copy_from_slice(need!(self.line()))),
            b'-' => Frame::Error(Bytes::copy_from_slice(need!(self.line()))),
            b':' => Frame::Integer(need!(self.int_line())),
            b'_' => {
                let l = need!(self.line());
                if !l.is_empty() {
                    return Err("text after a RESP3 null".into());
                }
                Frame::Null
            }
            b',' => {
                let l = need!(self.line());
                let s = std::str::from_utf8(l).map_err(|_| "non-UTF-8 double".to_string())?;
                Frame::Double(s.parse().map_err(|_| format!("invalid double {s:?}"))?)
            }
            b'#' => match need!(self.line()) {
                b"t" => Frame::Boolean(true),
                b"f" => Frame::Boolean(false),
                other => return Err(format!("invalid boolean {}", crate::show(other))),
            },
            b'(' => Frame::BigNumber(Bytes::copy_from_slice(need!(self.line()))),
            b'$' => match need!(self.blob()) {
                Some(b) => Frame::Bulk(b),
                None => Frame::NullBulk,
            },
            b'!' => match need!(self.blob()) {
                Some(b) => Frame::BlobError(b),
                None => return Err("null blob error".into()),
            },
            b'=' => match need!(self.blob()) {
                Some(b) if b.len() >= 4 && b[3] == b':' => Frame::Verbatim {
                    format: [b[0], b[1], b[2]],
                    text: b.slice(4..),
                },
                _ => return Err("invalid verbatim string".into()),
            },
            b'*' | b'~' | b'>' => {
                let n = need!(self.count());
                if n == -1 {
                    if tag != b'*' {
                        return Err("null set or push".into());
                    }
                    Frame::NullArray
                } else {
                    let items = need!(self.items(n as usize, depth));
                    match tag {
                        b'*' => Frame::Array(items),
                        b'~' => Frame::Set(items),
                        _ => Frame::Push(items),
                    }
                }
            }
            b'%' | b'|' => {
                let n = need!(self.count());
                if n < 0 {
                    return Err("negative map length".into());
                }
                let pairs = need!(self.pairs(n as usize, depth));
                if tag == b'%' {
                    Frame::Map(pairs)
                } else {
                    let data = need!(self.frame(depth + 1));
                    Frame::Attribute {
                        attributes: pairs,
                        data: Box::new(data),
                    }
                }
            }
            other => {
                return Err(format!(
                    "unknown type byte {:?}",
                    char::from(other).escape_default().to_string()
                ))
            }
        };
        Ok(Some(frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_and_whole() {
        assert_eq!(frame_len(b"+OK\r").unwrap(), None);
        assert_eq!(frame_len(b"+OK\r\n+X").unwrap(), Some(5));
        assert_eq!(frame_len(b"$3\r\nab").unwrap(), None);
        assert_eq!(frame_len(b"$3\r\nabc\r\n").unwrap(), Some(9));
        assert_eq!(frame_len(b"*2\r\n:1\r\n").unwrap(), None);
        assert_eq!(frame_len(b"*2\r\n:1\r\n$-1\r\n").unwrap(), Some(13));
        assert_eq!(frame_len(b"%1\r\n+a\r\n_\r\n").unwrap(), Some(11));
        assert!(frame_len(b"?x\r\n").is_err());
    }

    #[test]
    fn round_trip() {
        let wire: &[&[u8]] = &[
            b"+OK\r\n",
            b"-ERR x\r\n",
            b":-5\r\n",
            b"$0\r\n\r\n",
            b"$-1\r\n",
            b"*-1\r\n",
            b"_\r\n",
            b"#t\r\n",
            b",inf\r\n",
            b",1.5\r\n",
            b"(123456789012345678901234567890\r\n",
            b"=7\r\ntxt:abc\r\n",
            b"!5\r\nERR x\r\n",
            b"*2\r\n~1\r\n+a\r\n>1\r\n:1\r\n",
            b"%1\r\n$1\r\nk\r\n*0\r\n",
            b"|1\r\n+a\r\n+b\r\n:7\r\n",
        ];
        for w in wire {
            assert_eq!(encode(&parse_exact(w)), *w, "{}", crate::show(w));
        }
    }
}
