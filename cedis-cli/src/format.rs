//! Replies printed exactly as `redis-cli` 7.0 prints them, in each of its output modes.
//!
//! Every function here returns bytes, not text: in raw mode a reply's payload is written
//! as it came, and payloads need not be UTF-8.
//!
//! The rules, found by running redis-cli 7.0.15 against redis-server:
//!
//! - **Tty** (stdout is a terminal, or `--no-raw`): `(integer) 1`, `(nil)`, `(error) ERR ..`,
//!   `(double) 1.5`, `(true)`, bulk strings quoted with escapes, status replies and verbatim
//!   strings as they are. Aggregates are numbered `1)` (array, push), `1~` (set), `1#`
//!   (map, as `key => value`), the numbers right-aligned to the widest, and each nested
//!   aggregate indented under its parent's number. A map value that takes more than one
//!   line starts on a line of its own. Empty aggregates are `(empty array)`,
//!   `(empty hash)`, `(empty set)`.
//! - **Raw** (stdout is not a terminal, or `--raw`): payloads as they are, aggregates one
//!   element per line, map pairs as `key value`, booleans `(true)`/`(false)`, nulls empty.
//!   An error carries its own newline, so a top-level error is followed by an empty line.
//! - **Csv**: strings quoted with escapes, aggregates flattened with `,`, `NULL`,
//!   `ERROR,"message"`.
//! - **Json**: `[..]`, `{"key":value}` (non-string keys quoted), `null`, `true`/`false`,
//!   strings with JSON escapes but other bytes as they are, and `error:"message"`.
//!
//! Doubles are printed as the server sent them; Redis 7.0 sends `%.17g`, which survives
//! the round trip through `f64`.

use cedis_resp::Frame;

pub use cedis_resp::repr as quote;

/// How replies are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Human readable, as on a terminal.
    Tty,
    /// Payloads only.
    Raw,
    /// `--csv`.
    Csv,
    /// `--json`.
    Json,
}

/// A whole reply as printed by redis-cli, with its final newline.
pub fn render(frame: &Frame, mode: Mode) -> Vec<u8> {
    let mut out = match mode {
        Mode::Tty => return tty(frame, 0),
        Mode::Raw => raw(frame),
        Mode::Csv => csv(frame),
        Mode::Json => json(frame),
    };
    out.push(b'\n');
    out
}

/// The reply's raw bytes with no newline added: how redis-cli prints the replies of
/// [`prints_raw`] commands in every mode.
pub fn render_verbatim(frame: &Frame) -> Vec<u8> {
    raw(frame)
}

/// Commands whose replies are text meant to be read as is (INFO, CLIENT LIST, LOLWUT,
/// MEMORY DOCTOR, ...): redis-cli prints them raw even on a terminal, with `--csv` or
/// `--json`.
pub fn prints_raw(args: &[Vec<u8>]) -> bool {
    let word = |i: usize| {
        args.get(i)
            .map(|a| String::from_utf8_lossy(a).to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (first, second) = (word(0), word(1));
    match first.as_str() {
        "info" | "lolwut" => true,
        "client" => matches!(second.as_str(), "list" | "info"),
        "cluster" => matches!(second.as_str(), "info" | "nodes"),
        "memory" => matches!(second.as_str(), "malloc-stats" | "doctor"),
        "latency" => matches!(second.as_str(), "doctor" | "graph"),
        "debug" => matches!(second.as_str(), "htstats" | "htstats-key"),
        _ => false,
    }
}

/// `%.17g`, as Redis 7.0 writes doubles (`inf`, `-inf`, `nan` included).
pub fn double_text(d: f64) -> Vec<u8> {
    let mut out = Vec::new();
    cedis_resp::double::write_g17(&mut out, d);
    out
}

fn tty(frame: &Frame, indent: usize) -> Vec<u8> {
    let mut out = match frame {
        Frame::Simple(s) => s.to_vec(),
        Frame::Verbatim { text, .. } => text.to_vec(),
        Frame::Error(e) | Frame::BlobError(e) => [&b"(error) "[..], e].concat(),
        Frame::Integer(n) => format!("(integer) {n}").into_bytes(),
        Frame::Bulk(b) => quote(b).into_bytes(),
        Frame::NullBulk | Frame::NullArray | Frame::Null => b"(nil)".to_vec(),
        Frame::Double(d) => [&b"(double) "[..], &double_text(*d)].concat(),
        Frame::Boolean(b) => if *b { "(true)" } else { "(false)" }.as_bytes().to_vec(),
        Frame::BigNumber(n) => [&b"(big number) "[..], n].concat(),
        Frame::Array(items) | Frame::Push(items) => {
            return tty_list(items, b')', indent, b"(empty array)\n")
        }
        Frame::Set(items) => return tty_list(items, b'~', indent, b"(empty set)\n"),
        Frame::Map(pairs) => return tty_map(pairs, indent),
        Frame::Attribute { data, .. } => return tty(data, indent),
        _ => Vec::new(),
    };
    out.push(b'\n');
    out
}

/// `1) `, right-aligned to the widest number.
fn label(i: usize, count: usize, mark: u8) -> Vec<u8> {
    let width = count.to_string().len();
    let mut l = format!("{:>width$}", i + 1).into_bytes();
    l.push(mark);
    l.push(b' ');
    l
}

fn tty_list(items: &[Frame], mark: u8, indent: usize, empty: &[u8]) -> Vec<u8> {
    if items.is_empty() {
        return empty.to_vec();
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.resize(out.len() + indent, b' ');
        }
        let l = label(i, items.len(), mark);
        let inner = indent + l.len();
        out.extend_from_slice(&l);
        out.extend_from_slice(&tty(item, inner));
    }
    out
}

fn tty_map(pairs: &[(Frame, Frame)], indent: usize) -> Vec<u8> {
    if pairs.is_empty() {
        return b"(empty hash)\n".to_vec();
    }
    let mut out = Vec::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.resize(out.len() + indent, b' ');
        }
        let l = label(i, pairs.len(), b'#');
        let inner = indent + l.len();
        out.extend_from_slice(&l);
        let mut k = tty(key, inner);
        k.pop();
        out.extend_from_slice(&k);
        out.extend_from_slice(b" => ");
        let v = tty(value, inner);
        if v[..v.len().saturating_sub(1)].contains(&b'\n') {
            out.push(b'\n');
            out.resize(out.len() + inner, b' ');
        }
        out.extend_from_slice(&v);
    }
    out
}

fn raw(frame: &Frame) -> Vec<u8> {
    match frame {
        Frame::Simple(s) | Frame::Bulk(s) | Frame::BigNumber(s) => s.to_vec(),
        Frame::Verbatim { text, .. } => text.to_vec(),
        Frame::Error(e) | Frame::BlobError(e) => [&e[..], b"\n"].concat(),
        Frame::Integer(n) => n.to_string().into_bytes(),
        Frame::Double(d) => double_text(*d),
        Frame::Boolean(b) => if *b { "(true)" } else { "(false)" }.as_bytes().to_vec(),
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            join(items.iter().map(raw), b"\n")
        }
        Frame::Map(pairs) => join(
            pairs
                .iter()
                .map(|(k, v)| [raw(k), b" ".to_vec(), raw(v)].concat()),
            b"\n",
        ),
        Frame::Attribute { data, .. } => raw(data),
        _ => Vec::new(),
    }
}

fn join(parts: impl Iterator<Item = Vec<u8>>, sep: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(&part);
    }
    out
}

fn csv(frame: &Frame) -> Vec<u8> {
    match frame {
        Frame::Simple(s) | Frame::Bulk(s) => quote(s).into_bytes(),
        Frame::Verbatim { text, .. } => quote(text).into_bytes(),
        Frame::Error(e) | Frame::BlobError(e) => format!("ERROR,{}", quote(e)).into_bytes(),
        Frame::Integer(n) => n.to_string().into_bytes(),
        Frame::Double(d) => double_text(*d),
        Frame::BigNumber(n) => n.to_vec(),
        Frame::Boolean(b) => if *b { "true" } else { "false" }.as_bytes().to_vec(),
        Frame::NullBulk | Frame::NullArray | Frame::Null => b"NULL".to_vec(),
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            join(items.iter().map(csv), b",")
        }
        Frame::Map(pairs) => join(pairs.iter().flat_map(|(k, v)| [csv(k), csv(v)]), b","),
        Frame::Attribute { data, .. } => csv(data),
        _ => Vec::new(),
    }
}

/// A JSON string: `"`, `\` and control characters escaped, every other byte as it is.
pub fn json_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'"');
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
    out
}

fn json(frame: &Frame) -> Vec<u8> {
    match frame {
        Frame::Simple(s) | Frame::Bulk(s) => json_string(s),
        Frame::Verbatim { text, .. } => json_string(text),
        Frame::Error(e) | Frame::BlobError(e) => [&b"error:"[..], &json_string(e)].concat(),
        Frame::Integer(n) => n.to_string().into_bytes(),
        Frame::Double(d) => double_text(*d),
        Frame::BigNumber(n) => n.to_vec(),
        Frame::Boolean(b) => if *b { "true" } else { "false" }.as_bytes().to_vec(),
        Frame::NullBulk | Frame::NullArray | Frame::Null => b"null".to_vec(),
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            [&b"["[..], &join(items.iter().map(json), b","), b"]"].concat()
        }
        Frame::Map(pairs) => {
            let body = join(
                pairs.iter().map(|(k, v)| {
                    let key = match k {
                        Frame::Simple(_) | Frame::Bulk(_) | Frame::Verbatim { .. } => json(k),
                        other => json_string(&json(other)),
                    };
                    [key, b":".to_vec(), json(v)].concat()
                }),
                b",",
            );
            [&b"{"[..], &body, b"}"].concat()
        }
        Frame::Attribute { data, .. } => json(data),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn bulk(s: &str) -> Frame {
        Frame::Bulk(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn tty_text(frame: &Frame) -> String {
        String::from_utf8_lossy(&render(frame, Mode::Tty)).into_owned()
    }

    #[test]
    fn nested_arrays_are_numbered_and_indented_like_redis_cli() {
        let frame = Frame::Array(vec![
            Frame::Integer(1),
            Frame::Array(vec![
                Frame::Integer(2),
                Frame::Array(vec![Frame::Integer(3), bulk("x")]),
            ]),
            bulk("y"),
            Frame::Array(vec![]),
        ]);
        assert_eq!(
            tty_text(&frame),
            "1) (integer) 1\n2) 1) (integer) 2\n   2) 1) (integer) 3\n      2) \"x\"\n3) \"y\"\n4) (empty array)\n"
        );
    }

    #[test]
    fn numbers_are_right_aligned_to_the_widest() {
        let frame = Frame::Array((0..10).map(Frame::Integer).collect());
        let text = tty_text(&frame);
        assert!(text.starts_with(" 1) (integer) 0\n 2) "));
        assert!(text.ends_with("\n10) (integer) 9\n"));
    }

    #[test]
    fn map_values_on_several_lines_start_on_their_own_line() {
        let frame = Frame::Map(vec![
            (
                bulk("a"),
                Frame::Array(vec![Frame::Integer(1), Frame::Integer(2)]),
            ),
            (bulk("c"), Frame::Map(vec![(bulk("x"), Frame::Integer(1))])),
            (bulk("b"), Frame::Array(vec![])),
            (bulk("s"), Frame::Set(vec![bulk("p")])),
        ]);
        assert_eq!(
            tty_text(&frame),
            "1# \"a\" => \n   1) (integer) 1\n   2) (integer) 2\n2# \"c\" => 1# \"x\" => (integer) 1\n3# \"b\" => (empty array)\n4# \"s\" => 1~ \"p\"\n"
        );
    }

    #[test]
    fn scalars_in_every_mode() {
        let cases: Vec<(Frame, [&str; 4])> = vec![
            (Frame::Integer(5), ["(integer) 5", "5", "5", "5"]),
            (Frame::NullBulk, ["(nil)", "", "NULL", "null"]),
            (Frame::Double(1.5), ["(double) 1.5", "1.5", "1.5", "1.5"]),
            (Frame::Boolean(true), ["(true)", "(true)", "true", "true"]),
            (
                Frame::Simple(Bytes::from_static(b"OK")),
                ["OK", "OK", "\"OK\"", "\"OK\""],
            ),
            (
                Frame::Error(Bytes::from_static(b"ERR x")),
                [
                    "(error) ERR x",
                    "ERR x\n",
                    "ERROR,\"ERR x\"",
                    "error:\"ERR x\"",
                ],
            ),
            (
                bulk("q\"\x01"),
                [
                    "\"q\\\"\\x01\"",
                    "q\"\x01",
                    "\"q\\\"\\x01\"",
                    "\"q\\\"\\u0001\"",
                ],
            ),
        ];
        for (frame, expected) in cases {
            for (mode, want) in [Mode::Tty, Mode::Raw, Mode::Csv, Mode::Json]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    String::from_utf8_lossy(&render(&frame, mode)),
                    format!("{want}\n"),
                    "{frame:?} in {mode:?}"
                );
            }
        }
    }

    #[test]
    fn aggregates_in_raw_csv_and_json() {
        let frame = Frame::Map(vec![
            (bulk("f"), bulk("v 1")),
            (
                Frame::Integer(2),
                Frame::Array(vec![Frame::Integer(1), Frame::Null]),
            ),
        ]);
        assert_eq!(render(&frame, Mode::Raw), b"f v 1\n2 1\n\n");
        assert_eq!(render(&frame, Mode::Csv), b"\"f\",\"v 1\",2,1,NULL\n");
        assert_eq!(
            render(&frame, Mode::Json),
            b"{\"f\":\"v 1\",\"2\":[1,null]}\n"
        );
        let empty = Frame::Array(vec![Frame::Integer(1), Frame::Array(vec![])]);
        assert_eq!(render(&empty, Mode::Csv), b"1,\n");
        assert_eq!(render(&Frame::Set(vec![]), Mode::Tty), b"(empty set)\n");
        assert_eq!(render(&Frame::Map(vec![]), Mode::Tty), b"(empty hash)\n");
    }

    #[test]
    fn text_commands_print_raw_without_an_added_newline() {
        let args = |a: &[&str]| a.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert!(prints_raw(&args(&["info"])));
        assert!(prints_raw(&args(&["CLIENT", "List"])));
        assert!(!prints_raw(&args(&["client", "kill"])));
        assert!(!prints_raw(&args(&[])));
        assert_eq!(render_verbatim(&bulk("# Server\r\n")), b"# Server\r\n");
        let err = Frame::Error(Bytes::from_static(b"ERR x"));
        assert_eq!(render_verbatim(&err), b"ERR x\n");
    }

    #[test]
    fn quoting_escapes_like_redis_cli() {
        assert_eq!(quote(b"a\"b\n\x01"), "\"a\\\"b\\n\\x01\"");
    }
}
