//! Loading the configuration: the command line, the config file, stdin and `include`s,
//! following `redis-server` 7.0.15's rules.
//!
//! # Command line
//!
//! `[/path/to/file.conf] [--name value ...] [-]`, turned into config lines exactly as
//! Redis does it:
//!
//! - the first argument is the config file unless it starts with `-`;
//! - `-` as the first or the last argument reads configuration from stdin;
//! - `--name` starts a new line `name`, and each following argument is appended to it
//!   quoted (`--save 900 1` → `save "900" "1"`), so values with spaces survive;
//! - an argument starting with `--` right after `--name` is that option's value
//!   (`--loglevel --x` → `loglevel "--x"`), except that `--save` with nothing after it
//!   means `save ""`.
//!
//! The text read is the file, then stdin, then a newline and the option lines, so an
//! error in an option is reported "at line N" past the end of the file, as Redis does.
//!
//! # File
//!
//! One directive per line; `#` comments and blank lines are skipped; arguments are split
//! with Redis's quoting ([`cedis_resp::split_args`]); names are case-insensitive.
//! Besides the table's directives, a file may hold `include <path>` (relative to the
//! working directory; a `*`/`?`/`[` in the file name includes every matching file, in
//! name order, as one text), `rename-command <name> <new>`, `user <name> <rules...>`,
//! `loadmodule <path> [args]`, and the directives Redis 7.0 still accepts but ignores
//! (`list-max-ziplist-entries`, `list-max-ziplist-value`, `lua-replicate-commands`).
//! Several `save` lines add up; the first one replaces the default save points.
//! A multi-word directive given as a single argument is split on spaces
//! (`save "900 1"` is `save 900 1`), which is how `--save "900 1"` works.

use std::io::Read;
use std::path::{Path, PathBuf};

use cedis_resp::split_args;
use cedis_types::glob::glob_match;

use super::directive::{lookup, Special, Value, DIRECTIVES};
use super::error::ConfigError;
use super::value::{repr, split_spaces, strerror};
use super::Config;

/// How deep `include` may nest; Redis has no limit and recurses until it crashes.
const MAX_INCLUDE_DEPTH: usize = 32;

impl Config {
    /// Loads the configuration from `redis-server`-style arguments (the program name
    /// excluded): `[/path/to/file.conf] [--name value ...] [-]`.
    ///
    /// ```text
    /// Config::from_args(&["/etc/redis.conf".into(), "--port".into(), "7000".into()])
    /// Config::from_args(&["--save".into(), "".into()])              // no snapshots
    /// Config::from_args(&["--save".into(), "900".into(), "1".into()])
    /// ```
    ///
    /// Does not change the working directory: call [`Config::apply_dir`] for that.
    pub fn from_args(args: &[String]) -> Result<Config, ConfigError> {
        Config::from_args_with_stdin(args, || {
            let mut input = Vec::new();
            std::io::stdin().read_to_end(&mut input).map(|_| input)
        })
    }

    /// [`Config::from_args`] with the stdin reader injected (for tests).
    pub(crate) fn from_args_with_stdin(
        args: &[String],
        read_stdin: impl FnOnce() -> std::io::Result<Vec<u8>>,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let (file, start) = match args.first() {
            Some(first) if !first.starts_with('-') => (Some(first.as_str()), 1),
            _ => (None, 0),
        };
        let (options, stdin) = option_lines(args, start);

        let mut content = Vec::new();
        if let Some(file) = file {
            content = read_config_file(Path::new(file))?;
            config.config_file = Some(absolute(Path::new(file)));
        }
        if stdin {
            let input = read_stdin().map_err(|err| ConfigError::Open {
                path: "-".to_string(),
                reason: strerror(&err),
            })?;
            content.extend_from_slice(&input);
        }
        if !options.is_empty() {
            content.push(b'\n');
            content.extend_from_slice(options.as_bytes());
        }
        config.load(&content)?;
        Ok(config)
    }

    /// Loads configuration text on top of the current values (what a config file
    /// holds); `save` lines accumulate as described in the module docs.
    pub(crate) fn load(&mut self, content: &[u8]) -> Result<(), ConfigError> {
        let mut loader = Loader {
            config: self,
            seen_save: false,
        };
        let result = loader.load(content, 0);
        self.refresh();
        result
    }
}

/// Turns command-line arguments from `start` into config lines; also says whether `-`
/// asked for stdin.
fn option_lines(args: &[String], start: usize) -> (String, bool) {
    let mut options = String::new();
    let mut stdin = false;
    let mut handled_last = true;
    for (j, arg) in args.iter().enumerate().skip(start) {
        if arg == "-" && (j == 0 || j + 1 == args.len()) {
            stdin = true;
            continue;
        }
        if handled_last && arg.starts_with("--") {
            if !options.is_empty() {
                options.push('\n');
            }
            let name = &arg[2..];
            options.push_str(name);
            options.push(' ');
            let next_is_option = !matches!(args.get(j + 1), Some(next) if !next.starts_with("--"));
            if name == "save" && next_is_option {
                options.push_str("\"\"");
                handled_last = true;
            } else if name.contains(' ') {
                // `"--maxmemory 700mb"`: name and value in one argument.
                handled_last = true;
            } else {
                handled_last = false;
            }
        } else {
            options.push_str(&repr(arg.as_bytes()));
            options.push(' ');
            handled_last = true;
        }
    }
    (options, stdin)
}

/// Reads a config file, with Redis's error text.
fn read_config_file(path: &Path) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|err| ConfigError::Open {
        path: path.to_string_lossy().into_owned(),
        reason: strerror(&err),
    })
}

/// The absolute form of a path, without resolving symlinks.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads what `include <arg>` names: one file, or every file matching a pattern in the
/// file-name part, concatenated in name order (no match includes nothing).
fn read_include(arg: &[u8]) -> Result<Vec<u8>, ConfigError> {
    let text = String::from_utf8_lossy(arg).into_owned();
    let path = Path::new(&text);
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let is_pattern = file_name
        .as_deref()
        .is_some_and(|n| n.contains(['*', '?', '[']));
    if !is_pattern {
        return read_config_file(path);
    }
    let pattern = file_name.unwrap_or_default();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut matches: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_type()
                .is_ok_and(|t| t.is_file() || t.is_symlink())
        })
        .filter(|entry| {
            glob_match(
                pattern.as_bytes(),
                entry.file_name().to_string_lossy().as_bytes(),
                false,
            )
        })
        .map(|entry| entry.path())
        .collect();
    matches.sort();
    let mut content = Vec::new();
    for file in matches {
        content.extend_from_slice(&read_config_file(&file)?);
    }
    Ok(content)
}

/// Strips the blanks Redis strips from each config line.
pub(crate) fn trim_line(line: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |e| e + 1);
    &line[start..end]
}

/// Directives Redis 7.0 still accepts with one argument and ignores.
pub(crate) const IGNORED_DIRECTIVES: [&str; 3] = [
    "list-max-ziplist-entries",
    "list-max-ziplist-value",
    "lua-replicate-commands",
];

/// Directives handled by the loader rather than the table; `CONFIG REWRITE` keeps
/// their lines as they are.
pub(crate) const LOADER_DIRECTIVES: [&str; 5] = [
    "include",
    "rename-command",
    "user",
    "loadmodule",
    "sentinel",
];

struct Loader<'a> {
    config: &'a mut Config,
    /// Whether a `save` line was seen: the first replaces the defaults, later ones add.
    seen_save: bool,
}

/// Why a line failed: a reason for this line, or an error already located in an
/// included file.
enum LineError {
    Reason(String),
    Nested(ConfigError),
}

impl From<String> for LineError {
    fn from(reason: String) -> LineError {
        LineError::Reason(reason)
    }
}

const BAD_DIRECTIVE: &str = "Bad directive or wrong number of arguments";

impl Loader<'_> {
    fn load(&mut self, content: &[u8], depth: usize) -> Result<(), ConfigError> {
        for (number, raw) in content.split(|&b| b == b'\n').enumerate() {
            let line = trim_line(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let located = |reason: String| ConfigError::Line {
                line: number + 1,
                text: String::from_utf8_lossy(line).into_owned(),
                reason,
            };
            let args = split_args(line)
                .map_err(|_| located("Unbalanced quotes in configuration line".to_string()))?;
            if args.is_empty() {
                continue;
            }
            match self.directive(&args, depth) {
                Ok(()) => {}
                Err(LineError::Reason(reason)) => return Err(located(reason)),
                Err(LineError::Nested(err)) => return Err(err),
            }
        }
        Ok(())
    }

    /// Applies one split line.
    fn directive(&mut self, args: &[Vec<u8>], depth: usize) -> Result<(), LineError> {
        let name = args[0].to_ascii_lowercase();
        let argc = args.len();
        let bad = || LineError::Reason(BAD_DIRECTIVE.to_string());
        match name.as_slice() {
            b"include" => {
                if argc != 2 {
                    return Err(bad());
                }
                if depth >= MAX_INCLUDE_DEPTH {
                    return Err(LineError::Reason("include nesting is too deep".to_string()));
                }
                let content = read_include(&args[1]).map_err(LineError::Nested)?;
                self.load(&content, depth + 1).map_err(LineError::Nested)
            }
            b"rename-command" => {
                if argc != 3 {
                    return Err(bad());
                }
                self.config
                    .rename_commands
                    .push((args[1].clone(), args[2].clone()));
                Ok(())
            }
            b"user" => {
                if argc < 2 {
                    return Err(bad());
                }
                self.config.users.push(args[1..].to_vec());
                Ok(())
            }
            b"loadmodule" => {
                if argc < 2 {
                    return Err(bad());
                }
                self.config.loadmodules.push(args[1..].to_vec());
                Ok(())
            }
            b"sentinel" => {
                if argc > 1 {
                    return Err(LineError::Reason(
                        "sentinel directive while not in sentinel mode".to_string(),
                    ));
                }
                Ok(())
            }
            _ if IGNORED_DIRECTIVES.iter().any(|d| d.as_bytes() == name) => {
                if argc != 2 {
                    return Err(bad());
                }
                Ok(())
            }
            _ => self.table_directive(&name, args),
        }
    }

    /// Applies a directive of the table.
    fn table_directive(&mut self, name: &[u8], args: &[Vec<u8>]) -> Result<(), LineError> {
        let Some((index, _)) = lookup(name) else {
            return Err(LineError::Reason(BAD_DIRECTIVE.to_string()));
        };
        let d = &DIRECTIVES[index];
        if !d.multi_arg() && args.len() != 2 {
            return Err(LineError::Reason("wrong number of arguments".to_string()));
        }
        // A multi-word directive given as one non-empty argument (`--save "900 1"`,
        // the old command-line style) is split on spaces, as Redis does. A single empty
        // argument stays one argument: `save`, `bind` and the percentiles read it as
        // "none", `client-output-buffer-limit ""` is an error (all as in Redis).
        let values: Vec<&[u8]> = if d.multi_arg() && args.len() == 2 && !args[1].is_empty() {
            split_spaces(&args[1])
        } else {
            args[1..].iter().map(Vec::as_slice).collect()
        };
        let new = d.parse(&values, &self.config.values[index])?;
        let slot = &mut self.config.values[index];
        match (d.kind, new, slot) {
            (
                super::directive::Kind::Special(Special::Save),
                Value::Save(points),
                Value::Save(current),
            ) => {
                if points.is_empty() || !self.seen_save {
                    *current = points;
                } else {
                    current.extend(points);
                }
                self.seen_save = true;
            }
            (_, new, slot) => *slot = new,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_become_quoted_lines() {
        let (text, stdin) = option_lines(&strings(&["--port", "abc"]), 0);
        assert_eq!(text, "port \"abc\" ");
        assert!(!stdin);
        let (text, _) = option_lines(&strings(&["--save", "900", "1", "--save", "300", "10"]), 0);
        assert_eq!(text, "save \"900\" \"1\" \nsave \"300\" \"10\" ");
        let (text, _) = option_lines(&strings(&["--save", "--port", "1"]), 0);
        assert_eq!(text, "save \"\"\nport \"1\" ");
        let (text, _) = option_lines(&strings(&["--port", "1", "--save"]), 0);
        assert_eq!(text, "port \"1\" \nsave \"\"");
        let (text, _) = option_lines(&strings(&["--loglevel", "--abc"]), 0);
        assert_eq!(text, "loglevel \"--abc\" ");
        let (text, _) = option_lines(&strings(&["--loglevel", "a\"b"]), 0);
        assert_eq!(text, "loglevel \"a\\\"b\" ");
        let (text, _) = option_lines(&strings(&["--port", "7199", "hz", "5"]), 0);
        assert_eq!(text, "port \"7199\" \"hz\" \"5\" ");
        let (text, _) = option_lines(&strings(&["--hz"]), 0);
        assert_eq!(text, "hz ");
    }

    #[test]
    fn dash_reads_stdin_only_first_or_last() {
        assert_eq!(option_lines(&strings(&["-"]), 0), (String::new(), true));
        assert_eq!(
            option_lines(&strings(&["f.conf", "--port", "1", "-"]), 1),
            ("port \"1\" ".to_string(), true)
        );
        assert_eq!(
            option_lines(&strings(&["f.conf", "-", "--port", "1"]), 1),
            ("\"-\" \nport \"1\" ".to_string(), false)
        );
    }

    #[test]
    fn trim_matches_redis() {
        assert_eq!(trim_line(b"  port 1 \r"), b"port 1");
        assert_eq!(trim_line(b"\t\t"), b"");
        assert_eq!(trim_line(b""), b"");
    }
}
