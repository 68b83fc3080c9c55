//! Small helpers shared by the tests: byte display, a seeded generator, polling, tools.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cedis_resp::Frame;

/// Bytes as an escaped, printable string (`\r\n` stays visible).
pub fn show(bytes: &[u8]) -> String {
    const MAX: usize = 4096;
    if bytes.len() > MAX {
        format!(
            "\"{}\"... ({} bytes in all)",
            bytes[..MAX].escape_ascii(),
            bytes.len()
        )
    } else {
        format!("\"{}\"", bytes.escape_ascii())
    }
}

/// A deterministic xorshift64* generator, so random tests replay exactly.
#[derive(Clone, Debug)]
pub struct XorShift64(u64);

impl XorShift64 {
    pub fn new(seed: u64) -> Self {
        XorShift64(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Polls `f` every 20 ms until it returns true or `timeout` passes; returns the last result.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `name` found in a directory of `$PATH`.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// True when `CEDIS_REQUIRE_REDIS=1`: missing Redis tools fail tests instead of skipping them.
pub fn redis_required() -> bool {
    std::env::var("CEDIS_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

/// Finds a Redis tool (`redis-server`, `redis-cli`, `redis-benchmark`) on `$PATH`.
///
/// When it is missing, prints a `SKIPPED` line and returns `None` (the caller returns), or
/// panics if `CEDIS_REQUIRE_REDIS=1`.
pub fn redis_tool(name: &str, test: &str) -> Option<PathBuf> {
    if let Some(p) = find_in_path(name) {
        return Some(p);
    }
    if redis_required() {
        panic!("{name} is not installed (not on PATH) and CEDIS_REQUIRE_REDIS=1");
    }
    eprintln!("SKIPPED: {name} not installed (not on PATH); test `{test}` did not run");
    None
}

/// Text of a bulk, simple, verbatim string, or an integer.
pub fn frame_text(f: &Frame) -> String {
    match f {
        Frame::Bulk(b) | Frame::Simple(b) | Frame::Error(b) | Frame::BlobError(b) => {
            String::from_utf8_lossy(b).into_owned()
        }
        Frame::Verbatim { text, .. } => String::from_utf8_lossy(text).into_owned(),
        Frame::Integer(n) => n.to_string(),
        other => panic!("expected a string frame, got {other:?}"),
    }
}

/// Key/value pairs of a RESP3 map or of a RESP2 flat array `[k1, v1, k2, v2, ...]`.
pub fn frame_pairs(f: &Frame) -> Vec<(String, Frame)> {
    match f {
        Frame::Map(pairs) => pairs
            .iter()
            .map(|(k, v)| (frame_text(k), v.clone()))
            .collect(),
        Frame::Array(items) => {
            assert!(items.len() % 2 == 0, "odd-length array as a map: {f:?}");
            items
                .chunks(2)
                .map(|kv| (frame_text(&kv[0]), kv[1].clone()))
                .collect()
        }
        other => panic!("expected a map or a flat array, got {other:?}"),
    }
}

/// Elements of an array, set or push frame.
pub fn frame_items(f: &Frame) -> &[Frame] {
    match f {
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => items,
        other => panic!("expected an aggregate, got {other:?}"),
    }
}

/// The `name=value` fields of one `CLIENT LIST`/`CLIENT INFO` line, in order.
pub fn client_fields(line: &str) -> Vec<(String, String)> {
    line.trim_end_matches('\n')
        .split(' ')
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("field without '=': {kv:?} in {line:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// The value of field `name` in a `CLIENT LIST` line.
pub fn client_field(line: &str, name: &str) -> String {
    client_fields(line)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no field {name:?} in {line:?}"))
}

/// Checks the structure of a `<CMD> HELP` reply, whose prose is each server's own: an array
/// of simple strings; the first is `<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands
/// are:`, the last two are `HELP` and `    Prints this help.`, and for each name in
/// `subcommands` some line starts with that name (then a space or the end of the line).
pub fn check_help(raw: &[u8], cmd: &str, subcommands: &[&str]) -> Result<(), String> {
    let frame = crate::reference::parse_exact(raw);
    let Frame::Array(items) = &frame else {
        return Err(format!("{cmd} HELP is not an array: {}", show(raw)));
    };
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Frame::Simple(b) => lines.push(String::from_utf8_lossy(b).into_owned()),
            other => return Err(format!("{cmd} HELP line is not a simple string: {other:?}")),
        }
    }
    let first = format!("{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    if lines.first() != Some(&first) {
        return Err(format!(
            "{cmd} HELP: first line {:?}, want {first:?}",
            lines.first()
        ));
    }
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .collect();
    if lines.len() < 3 || tail != ["HELP", "    Prints this help."] {
        return Err(format!("{cmd} HELP: last lines {tail:?}"));
    }
    for sub in subcommands {
        let mentioned = lines[1..]
            .iter()
            .any(|l| l == sub || l.strip_prefix(sub).is_some_and(|r| r.starts_with(' ')));
        if !mentioned {
            return Err(format!("{cmd} HELP has no line for {sub}: {lines:?}"));
        }
    }
    Ok(())
}

/// [`check_help`], panicking with the reply on failure.
pub fn assert_help(raw: &[u8], cmd: &str, subcommands: &[&str]) {
    if let Err(why) = check_help(raw, cmd, subcommands) {
        panic!("{why}\nreply: {}", show(raw));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xorshift_is_deterministic() {
        let a: Vec<u64> = {
            let mut r = XorShift64::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let mut r = XorShift64::new(7);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert!(a.windows(2).all(|w| w[0] != w[1]));
    }

    #[test]
    fn client_line_fields() {
        let f = client_fields("id=3 addr=127.0.0.1:5 name= cmd=client|list\n");
        assert_eq!(f[2], ("name".into(), "".into()));
        assert_eq!(client_field("id=3 db=2", "db"), "2");
    }

    #[test]
    fn help_structure() {
        let good = b"*5\r\n+X <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n\
            +FOO <a>\r\n+    Does foo.\r\n+HELP\r\n+    Prints this help.\r\n";
        assert!(check_help(good, "X", &["FOO", "HELP"]).is_ok());
        assert!(check_help(good, "X", &["FO"]).is_err());
        assert!(check_help(good, "Y", &[]).is_err());
        assert!(check_help(b"*1\r\n$4\r\nHELP\r\n", "X", &[]).is_err());
    }
}
