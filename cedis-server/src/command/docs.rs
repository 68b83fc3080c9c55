//! Command documentation as data: each command entry carries a one-line syntax string in
//! the notation of the Redis manual, and this module turns it into the argument tree that
//! `COMMAND DOCS` returns (and that redis-cli 7 turns into its hints).
//!
//! Notation:
//! - `name` is a string argument; `name:integer`, `name:double`, `name:key`, `name:pattern`,
//!   `name:unix-time` give other types.
//! - An UPPERCASE word is a token. Followed by one plain argument it introduces that argument
//!   (`SETNAME clientname`), followed by several it introduces a block of them
//!   (`AUTH username password`), alone it is a pure token (`NOSAVE`).
//! - `[...]` is optional, `(...)` groups, `a|b` is a choice, and a trailing `...` repeats.
//! - `name=` before an item names it (a named one-item group stays a block); otherwise a
//!   group's name joins its children's names with `_`, as most of Redis's do.
//! - `@7.0.0` after an item records the version that added it, `!2.8.12` the version that
//!   deprecated it.
//! - A key argument's `key_spec_index` is its position among the key arguments (0, 1, …)
//!   unless `#n` after the type gives it: `key2:key#0` when two key arguments share the
//!   command's first key specification (LCS). A pattern argument may carry `#n` too
//!   (`pattern:pattern#1`: SORT's BY and GET name keys found through spec 1).
//! - `+` after a token marks it `multiple_token`: the token is repeated before each
//!   repetition of its value (`GET+ encoding_offset=(encoding offset:integer)...` for
//!   `GET u8 0 GET u8 8`).
//!
//! ```
//! use cedis_server::command::docs::{parse_syntax, ArgKind};
//! let args = parse_syntax("[NOSAVE|SAVE] [NOW]").unwrap();
//! assert_eq!(args[0].name, "nosave_save");
//! assert_eq!(args[0].kind, ArgKind::OneOf);
//! assert!(args[0].optional);
//! assert_eq!(args[1].token.as_deref(), Some("NOW"));
//!
//! let args = parse_syntax("key1:key key2:key#0 [GET+ x ...]").unwrap();
//! assert_eq!((args[0].key_spec_index, args[1].key_spec_index), (None, Some(0)));
//! assert!(args[2].multiple_token && args[2].multiple);
//! ```

use crate::reply::Reply;

/// Command-level documentation flags (`doc_flags` of `COMMAND DOCS`), in Redis's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DocFlags(u8);

impl DocFlags {
    pub const NONE: DocFlags = DocFlags(0);
    /// The command is deprecated (see [`Doc::deprecated_since`], [`Doc::replaced_by`]).
    pub const DEPRECATED: DocFlags = DocFlags(1 << 0);
    /// A system command, not meant for users (DEBUG).
    pub const SYSCMD: DocFlags = DocFlags(1 << 1);

    const NAMES: [&'static str; 2] = ["deprecated", "syscmd"];

    pub const fn union(self, other: DocFlags) -> DocFlags {
        DocFlags(self.0 | other.0)
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Names in Redis's order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .iter()
            .enumerate()
            .filter(move |(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, name)| *name)
    }
}

/// Static documentation of one command.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: &'static str,
    /// Arguments after the command (and subcommand) name, in the notation above.
    pub syntax: &'static str,
    pub doc_flags: DocFlags,
    /// The version that deprecated the command.
    pub deprecated_since: Option<&'static str>,
    /// What to use instead of a deprecated command (Redis's text, in its markdown).
    pub replaced_by: Option<&'static str>,
}

impl Doc {
    pub const fn new(
        summary: &'static str,
        since: &'static str,
        group: &'static str,
        complexity: &'static str,
        syntax: &'static str,
    ) -> Doc {
        Doc {
            summary,
            since,
            group,
            complexity,
            syntax,
            doc_flags: DocFlags::NONE,
            deprecated_since: None,
            replaced_by: None,
        }
    }

    pub const fn flags(mut self, doc_flags: DocFlags) -> Doc {
        self.doc_flags = doc_flags;
        self
    }

    pub const fn deprecated_since(mut self, version: &'static str) -> Doc {
        self.deprecated_since = Some(version);
        self
    }

    pub const fn replaced_by(mut self, replacement: &'static str) -> Doc {
        self.replaced_by = Some(replacement);
        self
    }
}

/// The `type` field of an argument in `COMMAND DOCS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    OneOf,
    Block,
}

impl ArgKind {
    fn as_str(self) -> &'static str {
        match self {
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Key => "key",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::OneOf => "oneof",
            ArgKind::Block => "block",
        }
    }

    fn from_suffix(suffix: &str) -> Option<ArgKind> {
        Some(match suffix {
            "string" => ArgKind::String,
            "integer" => ArgKind::Integer,
            "double" => ArgKind::Double,
            "key" => ArgKind::Key,
            "pattern" => ArgKind::Pattern,
            "unix-time" => ArgKind::UnixTime,
            _ => return None,
        })
    }
}

/// One argument of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgDoc {
    pub name: String,
    pub kind: ArgKind,
    pub token: Option<String>,
    pub since: Option<String>,
    pub deprecated_since: Option<String>,
    /// The key specification of a key argument, when given with `#n` (otherwise its
    /// position among the key arguments).
    pub key_spec_index: Option<i64>,
    pub optional: bool,
    pub multiple: bool,
    /// The token is repeated before each repetition of the argument.
    pub multiple_token: bool,
    pub children: Vec<ArgDoc>,
}

impl ArgDoc {
    fn leaf(name: String, kind: ArgKind) -> ArgDoc {
        ArgDoc {
            name,
            kind,
            token: None,
            since: None,
            deprecated_since: None,
            key_spec_index: None,
            optional: false,
            multiple: false,
            multiple_token: false,
            children: Vec::new(),
        }
    }

    fn group(kind: ArgKind, children: Vec<ArgDoc>) -> ArgDoc {
        let name = children
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join("_");
        ArgDoc {
            children,
            ..ArgDoc::leaf(name, kind)
        }
    }
}

/// A malformed syntax string (a bug in the command table; a unit test parses them all).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad command syntax at token {0}: {1}")]
pub struct SyntaxError(usize, &'static str);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'a> {
    Open(char),
    Close(char),
    Bar,
    Repeat,
    Word(&'a str),
}

fn tokenize(syntax: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut rest = syntax;
    while let Some(c) = rest.chars().next() {
        match c {
            ' ' => rest = &rest[1..],
            '[' | '(' => {
                toks.push(Tok::Open(c));
                rest = &rest[1..];
            }
            ']' | ')' => {
                toks.push(Tok::Close(c));
                rest = &rest[1..];
            }
            '|' => {
                toks.push(Tok::Bar);
                rest = &rest[1..];
            }
            _ if rest.starts_with("...") => {
                toks.push(Tok::Repeat);
                rest = &rest[3..];
            }
            _ => {
                let mut end = 0;
                while end < rest.len()
                    && !" []()|".contains(&rest[end..end + 1])
                    && !rest[end..].starts_with("...")
                {
                    end += 1;
                }
                let end = end.max(1);
                toks.push(Tok::Word(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    toks
}

struct Parser<'a> {
    toks: Vec<Tok<'a>>,
    pos: usize,
}

/// A token word with its annotations: `(token, multiple_token, since, deprecated)`.
fn token_parts(word: &str) -> Option<(&str, bool, Option<String>, Option<String>)> {
    let (base, since, deprecated) = split_annotations(word);
    let (token, multiple_token) = match base.strip_suffix('+') {
        Some(token) => (token, true),
        None => (base, false),
    };
    // `""`: the empty token (MIGRATE's `empty_string`).
    if token == "\"\"" {
        return Some(("", multiple_token, since, deprecated));
    }
    is_token(token).then_some((token, multiple_token, since, deprecated))
}

fn is_token(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl<'a> Parser<'a> {
    fn err(&self, what: &'static str) -> SyntaxError {
        SyntaxError(self.pos, what)
    }

    /// alts := seq ('|' seq)*
    fn alternatives(&mut self) -> Result<Vec<Vec<ArgDoc>>, SyntaxError> {
        let mut alts = vec![self.sequence()?];
        while self.toks.get(self.pos) == Some(&Tok::Bar) {
            self.pos += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    /// seq := item*, with tokens attached to the plain arguments and groups that follow them.
    fn sequence(&mut self) -> Result<Vec<ArgDoc>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            match self.toks.get(self.pos) {
                None | Some(Tok::Close(_)) | Some(Tok::Bar) => return Ok(items),
                Some(Tok::Word(word)) if token_parts(word).is_some() => {
                    items.push(self.sequence_of_one()?);
                }
                Some(_) => items.push(self.item()?),
            }
        }
    }

    /// One token and the values it introduces (a pure token when there are none).
    fn sequence_of_one(&mut self) -> Result<ArgDoc, SyntaxError> {
        let Some(Tok::Word(word)) = self.toks.get(self.pos).cloned() else {
            return Err(self.err("not a token"));
        };
        let Some((token, multiple_token, since, deprecated)) = token_parts(word) else {
            return Err(self.err("not a token"));
        };
        self.pos += 1;
        let mut values = Vec::new();
        while self.starts_value() {
            values.push(self.item()?);
        }
        let mut arg = match values.len() {
            0 => {
                let mut arg = ArgDoc::leaf(token.to_ascii_lowercase(), ArgKind::PureToken);
                arg.since = since;
                arg.deprecated_since = deprecated;
                arg
            }
            1 => values.remove(0),
            _ => ArgDoc::group(ArgKind::Block, values),
        };
        arg.token = Some(token.to_string());
        arg.multiple_token = multiple_token;
        self.suffixes(&mut arg);
        Ok(arg)
    }

    /// Whether the next symbol begins a value a token can introduce.
    fn starts_value(&self) -> bool {
        match self.toks.get(self.pos) {
            Some(Tok::Open(_)) => true,
            Some(Tok::Word(word)) => token_parts(word).is_none(),
            _ => false,
        }
    }

    /// `@since`, `!deprecated` and `...` after an item.
    fn suffixes(&mut self, arg: &mut ArgDoc) {
        loop {
            match self.toks.get(self.pos) {
                Some(Tok::Repeat) => arg.multiple = true,
                Some(Tok::Word(word)) if word.starts_with(['@', '!']) => {
                    let (_, since, deprecated) = split_annotations(word);
                    arg.since = since.or(arg.since.take());
                    arg.deprecated_since = deprecated.or(arg.deprecated_since.take());
                }
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn item(&mut self) -> Result<ArgDoc, SyntaxError> {
        let tok = self.toks.get(self.pos).cloned().ok_or(self.err("end"))?;
        self.pos += 1;
        let mut arg = match tok {
            Tok::Word(word) if word.ends_with('=') => {
                let mut arg = match self.toks.get(self.pos) {
                    Some(Tok::Open(open)) => {
                        let open = *open;
                        self.pos += 1;
                        self.group(open, true)?
                    }
                    // `name= TOKEN`: a pure token with its own name (ZADD's `change= CH`).
                    Some(Tok::Word(next)) if token_parts(next).is_some() => {
                        self.sequence_of_one()?
                    }
                    _ => self.item()?,
                };
                arg.name = word.trim_end_matches('=').to_string();
                arg
            }
            Tok::Word(word) => {
                let (word, since, deprecated) = split_annotations(word);
                let (word, key_spec_index) = match word.rsplit_once('#') {
                    Some((word, index)) => {
                        let index = index.parse().map_err(|_| self.err("bad key spec index"))?;
                        (word, Some(index))
                    }
                    None => (word, None),
                };
                let mut arg = match word.split_once(':') {
                    Some((name, suffix)) if ArgKind::from_suffix(suffix).is_some() => ArgDoc::leaf(
                        name.to_string(),
                        ArgKind::from_suffix(suffix).unwrap_or(ArgKind::String),
                    ),
                    _ => ArgDoc::leaf(word.to_string(), ArgKind::String),
                };
                if key_spec_index.is_some() && !matches!(arg.kind, ArgKind::Key | ArgKind::Pattern)
                {
                    return Err(self.err("key spec index on a non-key argument"));
                }
                arg.since = since;
                arg.deprecated_since = deprecated;
                arg.key_spec_index = key_spec_index;
                arg
            }
            Tok::Open(open) => self.group(open, false)?,
            _ => return Err(self.err("unexpected symbol")),
        };
        self.suffixes(&mut arg);
        Ok(arg)
    }

    /// The rest of a group after its opening bracket. A one-item group is that item,
    /// unless the group is named.
    fn group(&mut self, open: char, named: bool) -> Result<ArgDoc, SyntaxError> {
        let alts = self.alternatives()?;
        let close = if open == '[' { ']' } else { ')' };
        if self.toks.get(self.pos) != Some(&Tok::Close(close)) {
            return Err(self.err("unclosed group"));
        }
        self.pos += 1;
        let mut arg = if alts.len() > 1 {
            let choices = alts
                .into_iter()
                .map(|mut seq| {
                    if seq.len() == 1 {
                        seq.remove(0)
                    } else {
                        ArgDoc::group(ArgKind::Block, seq)
                    }
                })
                .collect();
            ArgDoc::group(ArgKind::OneOf, choices)
        } else {
            let mut seq = alts.into_iter().next().unwrap_or_default();
            match seq.len() {
                0 => return Err(self.err("empty group")),
                1 if !named => seq.remove(0),
                _ => ArgDoc::group(ArgKind::Block, seq),
            }
        };
        arg.optional |= open == '[';
        Ok(arg)
    }
}

/// Splits `name@since!deprecated` into its parts.
fn split_annotations(word: &str) -> (&str, Option<String>, Option<String>) {
    let end = word.find(['@', '!']).unwrap_or(word.len());
    let (base, mut rest) = word.split_at(end);
    let (mut since, mut deprecated) = (None, None);
    while let Some(marker) = rest.chars().next() {
        let body = &rest[1..];
        let next = body.find(['@', '!']).unwrap_or(body.len());
        let version = body[..next].to_string();
        if marker == '@' {
            since = Some(version);
        } else {
            deprecated = Some(version);
        }
        rest = &body[next..];
    }
    (base, since, deprecated)
}

/// Parses a syntax string into `COMMAND DOCS` arguments.
pub fn parse_syntax(syntax: &str) -> Result<Vec<ArgDoc>, SyntaxError> {
    let mut parser = Parser {
        toks: tokenize(syntax),
        pos: 0,
    };
    let args = parser.sequence()?;
    if parser.pos != parser.toks.len() {
        return Err(parser.err("trailing symbols"));
    }
    Ok(args)
}

/// Writes the argument list as `COMMAND DOCS` shows it. `key_index` counts the key
/// arguments written so far: a key argument's `key_spec_index` defaults to it.
pub fn write_args(reply: &mut Reply, args: &[ArgDoc], key_index: &mut i64) {
    reply.array(args.len());
    for arg in args {
        let mut fields = 2;
        fields += usize::from(arg.kind == ArgKind::Key || arg.key_spec_index.is_some());
        fields += usize::from(arg.token.is_some());
        fields += usize::from(arg.since.is_some());
        fields += usize::from(arg.deprecated_since.is_some());
        fields += usize::from(arg.optional || arg.multiple || arg.multiple_token);
        fields += usize::from(!arg.children.is_empty());
        reply.map(fields);
        reply.bulk(b"name");
        reply.bulk(arg.name.as_bytes());
        reply.bulk(b"type");
        reply.bulk(arg.kind.as_str().as_bytes());
        if arg.kind == ArgKind::Key {
            reply.bulk(b"key_spec_index");
            reply.int(arg.key_spec_index.unwrap_or(*key_index));
            *key_index += 1;
        }
        // A pattern that names keys (SORT's BY and GET) points at the spec it feeds.
        if let (ArgKind::Pattern, Some(index)) = (arg.kind, arg.key_spec_index) {
            reply.bulk(b"key_spec_index");
            reply.int(index);
        }
        if let Some(token) = &arg.token {
            reply.bulk(b"token");
            reply.bulk(token.as_bytes());
        }
        if let Some(since) = &arg.since {
            reply.bulk(b"since");
            reply.bulk(since.as_bytes());
        }
        if let Some(deprecated) = &arg.deprecated_since {
            reply.bulk(b"deprecated_since");
            reply.bulk(deprecated.as_bytes());
        }
        if arg.optional || arg.multiple || arg.multiple_token {
            let flags: Vec<&str> = [
                ("optional", arg.optional),
                ("multiple", arg.multiple),
                ("multiple_token", arg.multiple_token),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect();
            reply.bulk(b"flags");
            reply.simple_list(&flags);
        }
        if !arg.children.is_empty() {
            reply.bulk(b"arguments");
            write_args(reply, &arg.children, key_index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_syntax_matches_redis_structure() {
        let args = parse_syntax("[protover:integer [AUTH username password] [SETNAME clientname]]")
            .unwrap();
        assert_eq!(args.len(), 1);
        let block = &args[0];
        assert_eq!(block.kind, ArgKind::Block);
        assert!(block.optional);
        assert_eq!(block.children[0].kind, ArgKind::Integer);
        let auth = &block.children[1];
        assert_eq!(auth.name, "username_password");
        assert_eq!(auth.token.as_deref(), Some("AUTH"));
        assert_eq!(auth.children.len(), 2);
        assert_eq!(block.children[2].name, "clientname");
        assert_eq!(block.children[2].token.as_deref(), Some("SETNAME"));
    }

    #[test]
    fn repeats_and_names_with_colons() {
        let args = parse_syntax("key:key ... [ADDR ip:port]").unwrap();
        assert!(args[0].multiple);
        assert_eq!(args[0].kind, ArgKind::Key);
        assert_eq!(args[1].name, "ip:port");
        assert_eq!(args[1].kind, ArgKind::String);
    }

    #[test]
    fn names_and_versions() {
        let args = parse_syntax(
            "filter=(ip:port!2.8.12|new-format=([ID client-id:integer@2.8.12]|[TYPE (NORMAL|MASTER@3.2.0)@2.8.12])...)",
        )
        .unwrap();
        let filter = &args[0];
        assert_eq!(
            (filter.name.as_str(), filter.kind),
            ("filter", ArgKind::OneOf)
        );
        assert_eq!(
            filter.children[0].deprecated_since.as_deref(),
            Some("2.8.12")
        );
        let new_format = &filter.children[1];
        assert_eq!(new_format.name, "new-format");
        assert!(new_format.multiple);
        let id = &new_format.children[0];
        assert_eq!(
            (
                id.name.as_str(),
                id.token.as_deref(),
                id.since.as_deref(),
                id.optional
            ),
            ("client-id", Some("ID"), Some("2.8.12"), true)
        );
        let kind = &new_format.children[1];
        assert_eq!(
            (kind.kind, kind.token.as_deref()),
            (ArgKind::OneOf, Some("TYPE"))
        );
        assert_eq!(kind.since.as_deref(), Some("2.8.12"));
        assert_eq!(kind.children[1].since.as_deref(), Some("3.2.0"));
    }

    #[test]
    fn a_named_single_item_group_stays_a_block() {
        let args = parse_syntax("parameter=(parameter) ...").unwrap();
        assert_eq!(args[0].kind, ArgKind::Block);
        assert!(args[0].multiple);
        assert_eq!(args[0].children[0].name, "parameter");
    }

    #[test]
    fn a_named_pure_token() {
        let args = parse_syntax("[change= CH@3.0.2] [INCR]").unwrap();
        assert_eq!(args[0].name, "change");
        assert_eq!(args[0].kind, ArgKind::PureToken);
        assert_eq!(args[0].token.as_deref(), Some("CH"));
        assert_eq!(args[0].since.as_deref(), Some("3.0.2"));
        assert!(args[0].optional);
        assert_eq!(args[1].name, "incr");
    }

    #[test]
    fn malformed_syntax_is_an_error() {
        assert!(parse_syntax("[a").is_err());
        assert!(parse_syntax("a)").is_err());
        assert!(parse_syntax("[]").is_err());
        assert!(parse_syntax("key:key#x").is_err());
        assert!(parse_syntax("count:integer#1").is_err());
    }

    #[test]
    fn key_spec_indexes_default_to_the_running_count() {
        let args = parse_syntax("operation destkey:key key:key ...").unwrap();
        let mut reply = Reply::default();
        let mut count = 0;
        write_args(&mut reply, &args, &mut count);
        assert_eq!(count, 2);
        let text = String::from_utf8_lossy(reply.buffer()).into_owned();
        assert!(text.contains(
            "$7\r\ndestkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"
        ));
        assert!(text
            .contains("$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n"));
        let args = parse_syntax("key1:key key2:key#0 [LEN]").unwrap();
        assert_eq!(args[0].key_spec_index, None);
        assert_eq!(args[1].key_spec_index, Some(0));
        assert_eq!(args[1].name, "key2");
        let mut reply = Reply::default();
        write_args(&mut reply, &args, &mut 0);
        let text = String::from_utf8_lossy(reply.buffer()).into_owned();
        assert_eq!(
            text.matches("key_spec_index\r\n:0\r\n").count(),
            2,
            "{text}"
        );
    }

    #[test]
    fn multiple_token_flag() {
        let args =
            parse_syntax("key:key [GET+ encoding_offset=(encoding offset:integer)...]").unwrap();
        let get = &args[1];
        assert_eq!(
            (get.name.as_str(), get.kind, get.token.as_deref()),
            ("encoding_offset", ArgKind::Block, Some("GET"))
        );
        assert!(get.optional && get.multiple && get.multiple_token);
        let mut reply = Reply::default();
        write_args(&mut reply, &args[1..], &mut 0);
        let text = String::from_utf8_lossy(reply.buffer()).into_owned();
        assert!(
            text.contains("$5\r\nflags\r\n*3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n"),
            "{text}"
        );
        // A pure token can be marked too.
        assert!(parse_syntax("[NOW+]").unwrap()[0].multiple_token);
    }
}
