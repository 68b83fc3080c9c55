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
//!
//! ```
//! use cedis_server::command::docs::{parse_syntax, ArgKind};
//! let args = parse_syntax("[NOSAVE|SAVE] [NOW]").unwrap();
//! assert_eq!(args[0].name, "nosave_save");
//! assert_eq!(args[0].kind, ArgKind::OneOf);
//! assert!(args[0].optional);
//! assert_eq!(args[1].token.as_deref(), Some("NOW"));
//! ```

use crate::reply::Reply;

/// Static documentation of one command.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: &'static str,
    /// Arguments after the command (and subcommand) name, in the notation above.
    pub syntax: &'static str,
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
        }
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
    pub optional: bool,
    pub multiple: bool,
    pub children: Vec<ArgDoc>,
}

impl ArgDoc {
    fn leaf(name: String, kind: ArgKind) -> ArgDoc {
        ArgDoc {
            name,
            kind,
            token: None,
            optional: false,
            multiple: false,
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

    /// seq := item*, with tokens attached to the plain arguments that follow them.
    fn sequence(&mut self) -> Result<Vec<ArgDoc>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            match self.toks.get(self.pos) {
                None | Some(Tok::Close(_)) | Some(Tok::Bar) => return Ok(items),
                Some(Tok::Word(word)) if is_token(word) => {
                    let token = word.to_string();
                    self.pos += 1;
                    let mut values = Vec::new();
                    while let Some(Tok::Word(next)) = self.toks.get(self.pos) {
                        if is_token(next) {
                            break;
                        }
                        values.push(self.item()?);
                    }
                    let mut arg = match values.len() {
                        0 => ArgDoc::leaf(token.to_ascii_lowercase(), ArgKind::PureToken),
                        1 => values.remove(0),
                        _ => ArgDoc::group(ArgKind::Block, values),
                    };
                    arg.token = Some(token);
                    if self.toks.get(self.pos) == Some(&Tok::Repeat) {
                        self.pos += 1;
                        arg.multiple = true;
                    }
                    items.push(arg);
                }
                Some(_) => items.push(self.item()?),
            }
        }
    }

    fn item(&mut self) -> Result<ArgDoc, SyntaxError> {
        let tok = self.toks.get(self.pos).cloned().ok_or(self.err("end"))?;
        self.pos += 1;
        let mut arg = match tok {
            Tok::Word(word) => match word.split_once(':') {
                Some((name, suffix)) if ArgKind::from_suffix(suffix).is_some() => ArgDoc::leaf(
                    name.to_string(),
                    ArgKind::from_suffix(suffix).unwrap_or(ArgKind::String),
                ),
                _ => ArgDoc::leaf(word.to_string(), ArgKind::String),
            },
            Tok::Open(open) => {
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
                        1 => seq.remove(0),
                        _ => ArgDoc::group(ArgKind::Block, seq),
                    }
                };
                arg.optional |= open == '[';
                arg
            }
            _ => return Err(self.err("unexpected symbol")),
        };
        if self.toks.get(self.pos) == Some(&Tok::Repeat) {
            self.pos += 1;
            arg.multiple = true;
        }
        Ok(arg)
    }
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

/// Writes the argument list as `COMMAND DOCS` shows it. `key_index` numbers key arguments.
pub fn write_args(reply: &mut Reply, args: &[ArgDoc], key_index: &mut i64) {
    reply.array(args.len());
    for arg in args {
        let mut fields = 2;
        fields += usize::from(arg.kind == ArgKind::Key);
        fields += usize::from(arg.token.is_some());
        fields += usize::from(arg.optional || arg.multiple);
        fields += usize::from(!arg.children.is_empty());
        reply.map(fields);
        reply.bulk(b"name");
        reply.bulk(arg.name.as_bytes());
        reply.bulk(b"type");
        reply.bulk(arg.kind.as_str().as_bytes());
        if arg.kind == ArgKind::Key {
            reply.bulk(b"key_spec_index");
            reply.int(*key_index);
            *key_index += 1;
        }
        if let Some(token) = &arg.token {
            reply.bulk(b"token");
            reply.bulk(token.as_bytes());
        }
        if arg.optional || arg.multiple {
            let flags: Vec<&str> = [("optional", arg.optional), ("multiple", arg.multiple)]
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
    fn malformed_syntax_is_an_error() {
        assert!(parse_syntax("[a").is_err());
        assert!(parse_syntax("a)").is_err());
        assert!(parse_syntax("[]").is_err());
    }
}
