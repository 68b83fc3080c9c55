//! Replies printed the way `redis-cli` prints them on a terminal.

use cedis_resp::Frame;

pub use cedis_resp::repr as quote;

/// Formats a reply for a terminal (`tty`) or, like `redis-cli` piped, raw.
pub fn format(frame: &Frame, tty: bool) -> String {
    if tty {
        pretty(frame, 0)
    } else {
        raw(frame)
    }
}

fn pretty(frame: &Frame, indent: usize) -> String {
    match frame {
        Frame::Simple(s) => String::from_utf8_lossy(s).into_owned(),
        Frame::Error(e) | Frame::BlobError(e) => format!("(error) {}", String::from_utf8_lossy(e)),
        Frame::Integer(n) => format!("(integer) {n}"),
        Frame::Bulk(b) => quote(b),
        Frame::Verbatim { text, .. } => String::from_utf8_lossy(text).into_owned(),
        Frame::NullBulk | Frame::NullArray | Frame::Null => "(nil)".to_string(),
        Frame::Double(d) => format!("(double) {d}"),
        Frame::Boolean(b) => format!("({b})"),
        Frame::BigNumber(n) => format!("(big number) {}", String::from_utf8_lossy(n)),
        Frame::Array(items) | Frame::Push(items) => {
            list(items.iter(), ')', indent, "(empty array)")
        }
        Frame::Set(items) => list(items.iter(), '~', indent, "(empty set)"),
        Frame::Map(pairs) => {
            if pairs.is_empty() {
                return "(empty hash)".to_string();
            }
            let width = pairs.len().to_string().len();
            let mut out = String::new();
            for (i, (key, value)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                }
                let prefix = format!("{:>width$}# ", i + 1);
                out.push_str(&prefix);
                out.push_str(&pretty(key, indent + prefix.len()));
                out.push_str(" => ");
                out.push_str(&pretty(value, indent + prefix.len() + 4));
            }
            out
        }
        Frame::Attribute { data, .. } => pretty(data, indent),
        _ => String::new(),
    }
}

fn list<'a>(
    items: impl ExactSizeIterator<Item = &'a Frame>,
    mark: char,
    indent: usize,
    empty: &str,
) -> String {
    if items.len() == 0 {
        return empty.to_string();
    }
    let width = items.len().to_string().len();
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        let prefix = format!("{:>width$}{mark} ", i + 1);
        out.push_str(&prefix);
        out.push_str(&pretty(item, indent + prefix.len()));
    }
    out
}

fn raw(frame: &Frame) -> String {
    match frame {
        Frame::Simple(s)
        | Frame::Bulk(s)
        | Frame::Error(s)
        | Frame::BigNumber(s)
        | Frame::BlobError(s) => String::from_utf8_lossy(s).into_owned(),
        Frame::Verbatim { text, .. } => String::from_utf8_lossy(text).into_owned(),
        Frame::Integer(n) => n.to_string(),
        Frame::Double(d) => d.to_string(),
        Frame::Boolean(b) => if *b { "1" } else { "0" }.to_string(),
        Frame::NullBulk | Frame::NullArray | Frame::Null => String::new(),
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            items.iter().map(raw).collect::<Vec<_>>().join("\n")
        }
        Frame::Map(pairs) => pairs
            .iter()
            .flat_map(|(k, v)| [raw(k), raw(v)])
            .collect::<Vec<_>>()
            .join("\n"),
        Frame::Attribute { data, .. } => raw(data),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn nested_arrays_are_numbered_and_indented_like_redis_cli() {
        let frame = Frame::Array(vec![
            Frame::Bulk(Bytes::from_static(b"a")),
            Frame::Array(vec![Frame::Integer(1), Frame::NullBulk]),
        ]);
        assert_eq!(
            format(&frame, true),
            "1) \"a\"\n2) 1) (integer) 1\n   2) (nil)"
        );
    }

    #[test]
    fn quoting_escapes_like_redis_cli() {
        assert_eq!(quote(b"a\"b\n\x01"), "\"a\\\"b\\n\\x01\"");
    }
}
