//! The interactive prompt.
//!
//! - Prompt: redis-cli's, after `cedis `: `cedis 127.0.0.1:6379> `, `cedis
//!   127.0.0.1:6379[2]> ` after `SELECT 2`, `cedis 127.0.0.1:6379(TX)> ` inside MULTI,
//!   `cedis not connected> ` without a server.
//! - Input split with redis-cli's quoting rules (`"a b"`, `'x'`, `"\x00"`).
//! - History in `$CEDISCLI_HISTFILE` or `~/.cedis_history`, one command a line.
//! - Tab completion of command and subcommand names and gray argument hints, both from the
//!   server's `COMMAND DOCS`, so they work against real Redis too.
//! - `HELP [cmd | @group]`, `CLEAR`, `QUIT`/`EXIT`, `CONNECT host port`, and `N cmd ...` to
//!   run a command N times.
//! - A lost connection is reported (`Error: Server closed the connection`) and the next
//!   command reconnects.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use cedis_resp::{split_args, Frame};
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::conn::{Connection, Target};
use crate::{out, report_connect_error, run_command, Settings};

/// What `COMMAND DOCS` says about one command or subcommand.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    /// Display name, upper case (`GET`, `CONFIG GET`).
    pub name: String,
    /// The arguments as redis-cli's hints show them (`key value [NX|XX] ...`).
    pub args: String,
    pub summary: String,
    pub since: String,
    pub group: String,
}

/// Commands by lower-case name; subcommands under `container|sub`.
#[derive(Default)]
pub struct Docs {
    pub commands: BTreeMap<String, Doc>,
    /// Subcommand names (lower case) of each container command.
    pub subcommands: BTreeMap<String, Vec<String>>,
}

/// Key/value pairs of a RESP3 map or a RESP2 flat array.
fn pairs(frame: &Frame) -> Vec<(&Frame, &Frame)> {
    match frame {
        Frame::Map(p) => p.iter().map(|(k, v)| (k, v)).collect(),
        Frame::Array(items) => items
            .chunks(2)
            .filter_map(|c| Some((c.first()?, c.get(1)?)))
            .collect(),
        _ => Vec::new(),
    }
}

fn text(frame: &Frame) -> String {
    match frame {
        Frame::Bulk(b) | Frame::Simple(b) => String::from_utf8_lossy(b).into_owned(),
        Frame::Verbatim { text, .. } => String::from_utf8_lossy(text).into_owned(),
        Frame::Integer(n) => n.to_string(),
        _ => String::new(),
    }
}

fn list(frame: &Frame) -> &[Frame] {
    match frame {
        Frame::Array(items) | Frame::Set(items) => items,
        _ => &[],
    }
}

/// One argument of a `COMMAND DOCS` entry as hint text.
fn arg_text(arg: &Frame) -> String {
    let (mut name, mut kind, mut token) = (String::new(), String::new(), None);
    let (mut optional, mut multiple) = (false, false);
    let mut children = Vec::new();
    for (k, v) in pairs(arg) {
        match text(k).as_str() {
            "name" => name = text(v),
            "type" => kind = text(v),
            "token" => token = Some(text(v)),
            "flags" => {
                for f in list(v) {
                    match text(f).as_str() {
                        "optional" => optional = true,
                        "multiple" => multiple = true,
                        _ => {}
                    }
                }
            }
            "arguments" => children = list(v).iter().map(arg_text).collect(),
            _ => {}
        }
    }
    let mut s = match kind.as_str() {
        "oneof" => children.join("|"),
        "block" => children.join(" "),
        "pure-token" => token.clone().unwrap_or_default(),
        _ => name,
    };
    if kind != "pure-token" {
        if let Some(t) = token {
            s = format!("{t} {s}");
        }
    }
    if multiple {
        s = format!("{s} [{s} ...]");
    }
    if optional {
        s = format!("[{s}]");
    }
    s
}

fn parse_doc(name: &str, body: &Frame, docs: &mut Docs) {
    let mut doc = Doc {
        name: name.replace('|', " ").to_uppercase(),
        ..Doc::default()
    };
    for (k, v) in pairs(body) {
        match text(k).as_str() {
            "summary" => doc.summary = text(v),
            "since" => doc.since = text(v),
            "group" => doc.group = text(v),
            "arguments" => doc.args = list(v).iter().map(arg_text).collect::<Vec<_>>().join(" "),
            "subcommands" => {
                for (sub, sub_body) in pairs(v) {
                    let sub = text(sub).to_lowercase();
                    if let Some((_, short)) = sub.split_once('|') {
                        docs.subcommands
                            .entry(name.to_string())
                            .or_default()
                            .push(short.to_string());
                    }
                    parse_doc(&sub, sub_body, docs);
                }
            }
            _ => {}
        }
    }
    docs.commands.insert(name.to_string(), doc);
}

/// Docs from a `COMMAND DOCS` reply.
pub fn parse_docs(reply: &Frame) -> Docs {
    let mut docs = Docs::default();
    for (name, body) in pairs(reply) {
        parse_doc(&text(name).to_lowercase(), body, &mut docs);
    }
    docs
}

/// Splits a hint at top-level spaces (not inside `[...]`).
fn hint_parts(args: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in args.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ' ' if depth == 0 => {
                if i > start {
                    parts.push(&args[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < args.len() {
        parts.push(&args[start..]);
    }
    parts
}

impl Docs {
    /// The doc for the words typed so far, and how many words named it.
    fn lookup(&self, words: &[&str]) -> Option<(&Doc, usize)> {
        let first = words.first()?.to_lowercase();
        if let Some(second) = words.get(1) {
            let key = format!("{first}|{}", second.to_lowercase());
            if let Some(d) = self.commands.get(&key) {
                return Some((d, 2));
            }
        }
        self.commands.get(&first).map(|d| (d, 1))
    }

    /// The gray text shown after `line`.
    pub fn hint(&self, line: &str) -> Option<String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (doc, used) = self.lookup(&words)?;
        if doc.args.is_empty() {
            return None;
        }
        let parts = hint_parts(&doc.args);
        if !line.ends_with(' ') {
            return (words.len() == used).then(|| format!(" {}", doc.args));
        }
        let typed = words.len() - used;
        let rest: Vec<&str> = parts.into_iter().skip(typed).collect();
        (!rest.is_empty()).then(|| rest.join(" "))
    }

    /// Completions of the word under the cursor: (start of the word, candidates).
    pub fn complete(&self, line: &str) -> (usize, Vec<String>) {
        let start = line.rfind(' ').map_or(0, |i| i + 1);
        let word = &line[start..];
        let before: Vec<&str> = line[..start].split_whitespace().collect();
        let upper = word.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        let names: Vec<String> = match before.as_slice() {
            [] => self
                .commands
                .keys()
                .filter(|n| !n.contains('|'))
                .cloned()
                .collect(),
            [help] if help.eq_ignore_ascii_case("help") => self
                .commands
                .keys()
                .filter(|n| !n.contains('|'))
                .cloned()
                .collect(),
            [cmd] => self
                .subcommands
                .get(&cmd.to_lowercase())
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let lower = word.to_lowercase();
        let found = names
            .into_iter()
            .filter(|n| n.starts_with(&lower))
            .map(|n| if upper { n.to_uppercase() } else { n })
            .collect();
        (start, found)
    }

    /// `HELP cmd` as redis-cli prints it.
    pub fn help(&self, words: &[String]) -> Option<String> {
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let (doc, _) = self.lookup(&refs)?;
        Some(format!(
            "\r\n  \x1b[1m{}\x1b[0m \x1b[90m{}\x1b[0m\r\n  \x1b[33msummary:\x1b[0m {}\r\n  \x1b[33msince:\x1b[0m {}\r\n  \x1b[33mgroup:\x1b[0m {}\r\n\r\n",
            doc.name, doc.args, doc.summary, doc.since, doc.group
        ))
    }

    /// `HELP @group`: every command of the group.
    pub fn help_group(&self, group: &str) -> String {
        let mut s = String::new();
        for doc in self.commands.values() {
            if doc.group.eq_ignore_ascii_case(group) {
                s.push_str(&format!(
                    "\r\n  \x1b[1m{}\x1b[0m \x1b[90m{}\x1b[0m\r\n  \x1b[33msummary:\x1b[0m {}\r\n  \x1b[33msince:\x1b[0m {}\r\n",
                    doc.name, doc.args, doc.summary, doc.since
                ));
            }
        }
        s.push_str("\r\n");
        s
    }
}

/// Rustyline's view of the docs.
struct CliHelper {
    docs: Docs,
}

impl Completer for CliHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.docs.complete(&line[..pos]))
    }
}

impl Hinter for CliHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        self.docs.hint(line)
    }
}

impl Highlighter for CliHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[90m{hint}\x1b[0m"))
    }
}

impl Validator for CliHelper {}

impl Helper for CliHelper {}

const BANNER: &str = "\
To get help about Redis commands type:
      \"help @<group>\" to get a list of commands in <group>
      \"help <command>\" for help on <command>
      \"help <tab>\" to get a list of possible help topics
      \"quit\" to exit
";

fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CEDISCLI_HISTFILE") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cedis_history"))
}

fn fetch_docs(conn: &mut Connection) -> Docs {
    match conn.call_str(&["COMMAND", "DOCS"]) {
        Ok(reply @ (Frame::Array(_) | Frame::Map(_))) => parse_docs(&reply),
        _ => Docs::default(),
    }
}

/// The interactive session.
pub fn run(settings: &Settings) -> ExitCode {
    let mut target: Target = settings.target.clone();
    let mut conn = match Connection::connect(&target) {
        Ok(c) => Some(c),
        Err(e) => {
            report_connect_error(&target, &e);
            None
        }
    };
    let docs = conn.as_mut().map(fetch_docs).unwrap_or_default();
    let Ok(mut editor) = Editor::<CliHelper, DefaultHistory>::new() else {
        eprintln!("Cannot start the line editor");
        return ExitCode::from(1);
    };
    editor.set_helper(Some(CliHelper { docs }));
    let history = history_path();
    if let Some(path) = &history {
        if let Ok(text) = std::fs::read(path) {
            for line in String::from_utf8_lossy(&text).lines() {
                let _ = editor.add_history_entry(line);
            }
        }
    }
    let mut in_tx = false;
    loop {
        let prompt = if conn.is_some() {
            let mut p = format!("cedis {}", target.address());
            if target.db != 0 {
                p.push_str(&format!("[{}]", target.db));
            }
            if in_tx {
                p.push_str("(TX)");
            }
            p.push_str("> ");
            p
        } else {
            "cedis not connected> ".to_string()
        };
        let line = match editor.readline(&prompt) {
            Ok(line) => line,
            Err(_) => break,
        };
        let Ok(mut args) = split_args(line.as_bytes()) else {
            out(b"Invalid argument(s)\n");
            continue;
        };
        if args.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line.as_str());
        if let Some(path) = &history {
            let secret = args[0].eq_ignore_ascii_case(b"auth");
            if !secret {
                if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(path) {
                    let _ = writeln!(f, "{line}");
                }
            }
        }
        let name = String::from_utf8_lossy(&args[0]).to_lowercase();
        match name.as_str() {
            "quit" | "exit" => break,
            "clear" => {
                out(b"\x1b[H\x1b[2J");
                continue;
            }
            "help" | "?" => {
                let words: Vec<String> = args[1..]
                    .iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                let docs = editor.helper().map(|h| &h.docs);
                let text = match (words.first(), docs) {
                    (None, _) => format!(
                        "cedis-cli {}\r\n{}",
                        env!("CARGO_PKG_VERSION"),
                        BANNER.replace('\n', "\r\n")
                    ),
                    (Some(w), Some(d)) if w.starts_with('@') => d.help_group(&w[1..]),
                    (Some(_), Some(d)) => d.help(&words).unwrap_or_default(),
                    _ => String::new(),
                };
                out(text.as_bytes());
                continue;
            }
            "connect" => {
                let host = args.get(1).map(|h| String::from_utf8_lossy(h).into_owned());
                let port = args
                    .get(2)
                    .and_then(|p| std::str::from_utf8(p).ok()?.parse::<u16>().ok());
                target.host = host.unwrap_or_else(|| settings.target.host.clone());
                target.port = port.unwrap_or(settings.target.port);
                target.db = settings.target.db;
                in_tx = false;
                conn = match Connection::connect(&target) {
                    Ok(mut c) => {
                        let docs = fetch_docs(&mut c);
                        editor.set_helper(Some(CliHelper { docs }));
                        Some(c)
                    }
                    Err(e) => {
                        report_connect_error(&target, &e);
                        None
                    }
                };
                continue;
            }
            _ => {}
        }
        // `3 incr x` runs `incr x` three times.
        let mut times = 1u64;
        if args.len() > 1 {
            if let Some(n) = std::str::from_utf8(&args[0])
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
            {
                times = n;
                args.remove(0);
            }
        }
        if conn.is_none() {
            match Connection::connect(&target) {
                Ok(mut c) => {
                    if editor.helper().is_some_and(|h| h.docs.commands.is_empty()) {
                        let docs = fetch_docs(&mut c);
                        editor.set_helper(Some(CliHelper { docs }));
                    }
                    conn = Some(c);
                }
                Err(e) => {
                    report_connect_error(&target, &e);
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let cmd = String::from_utf8_lossy(&args[0]).to_lowercase();
        for _ in 0..times {
            match run_command(c, &args, settings, false) {
                Ok(crate::Outcome::Ok) => match cmd.as_str() {
                    "select" => {
                        if let Some(db) = args
                            .get(1)
                            .and_then(|d| std::str::from_utf8(d).ok()?.parse().ok())
                        {
                            target.db = db;
                        }
                    }
                    "multi" => in_tx = true,
                    "exec" | "discard" => in_tx = false,
                    _ => {}
                },
                Ok(crate::Outcome::ErrorReply) => {
                    if cmd == "exec" || cmd == "discard" {
                        in_tx = false;
                    }
                }
                Err(e) => {
                    let msg = crate::conn::io_error_text(&e);
                    out(format!("Error: {msg}\n").as_bytes());
                    conn = None;
                    in_tx = false;
                    break;
                }
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn b(s: &str) -> Frame {
        Frame::Bulk(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn arg(name: &str, kind: &str, extra: Vec<(Frame, Frame)>) -> Frame {
        let mut p = vec![(b("name"), b(name)), (b("type"), b(kind))];
        p.extend(extra);
        Frame::Map(p)
    }

    fn docs() -> Docs {
        let optional = (b("flags"), Frame::Array(vec![b("optional")]));
        let set = Frame::Map(vec![
            (b("summary"), b("Set the string value of a key")),
            (b("since"), b("1.0.0")),
            (b("group"), b("string")),
            (
                b("arguments"),
                Frame::Array(vec![
                    arg("key", "key", vec![]),
                    arg("value", "string", vec![]),
                    arg(
                        "condition",
                        "oneof",
                        vec![
                            optional.clone(),
                            (
                                b("arguments"),
                                Frame::Array(vec![
                                    arg("nx", "pure-token", vec![(b("token"), b("NX"))]),
                                    arg("xx", "pure-token", vec![(b("token"), b("XX"))]),
                                ]),
                            ),
                        ],
                    ),
                ]),
            ),
        ]);
        let config = Frame::Map(vec![(
            b("subcommands"),
            Frame::Map(vec![(
                b("config|get"),
                Frame::Map(vec![(
                    b("arguments"),
                    Frame::Array(vec![arg(
                        "parameter",
                        "string",
                        vec![(b("flags"), Frame::Array(vec![b("multiple")]))],
                    )]),
                )]),
            )]),
        )]);
        parse_docs(&Frame::Map(vec![(b("set"), set), (b("config"), config)]))
    }

    #[test]
    fn hints_follow_the_typed_arguments() {
        let d = docs();
        assert_eq!(d.hint("set").as_deref(), Some(" key value [NX|XX]"));
        assert_eq!(d.hint("set ").as_deref(), Some("key value [NX|XX]"));
        assert_eq!(d.hint("SET k ").as_deref(), Some("value [NX|XX]"));
        assert_eq!(d.hint("set k v nx ").as_deref(), None);
        assert_eq!(
            d.hint("config get ").as_deref(),
            Some("parameter [parameter ...]")
        );
    }

    #[test]
    fn completes_commands_and_subcommands() {
        let d = docs();
        assert_eq!(d.complete("se"), (0, vec!["set".to_string()]));
        assert_eq!(d.complete("SE"), (0, vec!["SET".to_string()]));
        assert_eq!(d.complete("config g"), (7, vec!["get".to_string()]));
        assert!(d
            .help(&["set".into()])
            .is_some_and(|h| h.contains("\x1b[1mSET\x1b[0m")));
    }
}
