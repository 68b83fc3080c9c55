//! `COMMAND` and its subcommands: everything here is read off the command table.

use bytes::Bytes;

use super::docs::{parse_syntax, write_args};
use super::{lookup, table, Acl, BeginSearch, Command, Ctx, Doc, FindKeys, Flags, KeySpecFlags};
use crate::args::Args;
use crate::error::{CommandError, CommandResult};
use crate::reply::Reply;

/// Finds a command or `container|sub` by its full name.
fn find(name: &[u8]) -> Option<&'static Command> {
    let text = std::str::from_utf8(name).ok()?;
    match text.split_once('|') {
        Some((container, sub)) => lookup(container.as_bytes())?.subcommand(sub.as_bytes()),
        None => lookup(name),
    }
}

/// One `COMMAND INFO` entry: name, arity, flags, first/last/step, ACL categories, tips,
/// key specifications and subcommands.
fn write_info(reply: &mut Reply, cmd: &Command) {
    reply.array(10);
    reply.bulk(cmd.name.as_bytes());
    reply.int(i64::from(cmd.arity));
    reply.simple_list(&cmd.flags.names().collect::<Vec<_>>());
    reply.int(i64::from(cmd.keys.first));
    reply.int(i64::from(cmd.keys.last));
    reply.int(i64::from(cmd.keys.step));
    let categories: Vec<String> = cmd
        .acl_categories()
        .names()
        .map(|c| format!("@{c}"))
        .collect();
    reply.set(categories.len());
    for category in &categories {
        reply.simple(category.as_bytes());
    }
    reply.set(cmd.tips.len());
    for tip in cmd.tips {
        reply.bulk(tip.as_bytes());
    }
    write_key_specs(reply, cmd);
    // Redis writes an empty subcommand list as an empty set under RESP3.
    if cmd.subcommands.is_empty() {
        reply.set(0);
    } else {
        reply.array(cmd.subcommands.len());
    }
    for sub in cmd.subcommands {
        write_info(reply, sub);
    }
}

/// The key specifications, as Redis writes them: a set of maps of `notes` (when there are
/// some), `flags`, `begin_search` and `find_keys`.
fn write_key_specs(reply: &mut Reply, cmd: &Command) {
    // A set under RESP3, as Redis writes it.
    reply.set(cmd.key_specs.len());
    for spec in cmd.key_specs {
        reply.map(3 + usize::from(spec.notes.is_some()));
        if let Some(notes) = spec.notes {
            reply.bulk(b"notes");
            reply.bulk(notes.as_bytes());
        }
        reply.bulk(b"flags");
        reply.simple_list(&spec.flags.names().collect::<Vec<_>>());
        reply.bulk(b"begin_search");
        reply.map(2);
        reply.bulk(b"type");
        match spec.begin_search {
            BeginSearch::Index(index) => {
                reply.bulk(b"index");
                reply.bulk(b"spec");
                reply.map(1);
                reply.bulk(b"index");
                reply.int(i64::from(index));
            }
            BeginSearch::Keyword { keyword, startfrom } => {
                reply.bulk(b"keyword");
                reply.bulk(b"spec");
                reply.map(2);
                reply.bulk(b"keyword");
                reply.bulk(keyword.as_bytes());
                reply.bulk(b"startfrom");
                reply.int(i64::from(startfrom));
            }
            BeginSearch::Unknown => {
                reply.bulk(b"unknown");
                reply.bulk(b"spec");
                reply.map(0);
            }
        }
        reply.bulk(b"find_keys");
        reply.map(2);
        reply.bulk(b"type");
        let fields: &[(&str, i32)] = match spec.find_keys {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                reply.bulk(b"range");
                &[("lastkey", lastkey), ("keystep", keystep), ("limit", limit)]
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                reply.bulk(b"keynum");
                &[
                    ("keynumidx", keynumidx),
                    ("firstkey", firstkey),
                    ("keystep", keystep),
                ]
            }
            FindKeys::Unknown => {
                reply.bulk(b"unknown");
                &[]
            }
        };
        reply.bulk(b"spec");
        reply.map(fields.len());
        for &(name, value) in fields {
            reply.bulk(name.as_bytes());
            reply.int(i64::from(value));
        }
    }
}

fn write_doc(reply: &mut Reply, cmd: &Command) {
    let doc = &cmd.doc;
    let args = parse_syntax(doc.syntax).unwrap_or_default();
    // A command without a complexity (MONITOR) has no such field, as in Redis.
    let fields = 3
        + usize::from(!doc.complexity.is_empty())
        + usize::from(!doc.doc_flags.is_empty())
        + usize::from(doc.deprecated_since.is_some())
        + usize::from(doc.replaced_by.is_some())
        + usize::from(!args.is_empty())
        + usize::from(!cmd.subcommands.is_empty());
    reply.map(fields);
    for (key, value) in [
        ("summary", doc.summary),
        ("since", doc.since),
        ("group", doc.group),
        ("complexity", doc.complexity),
    ] {
        if key == "complexity" && value.is_empty() {
            continue;
        }
        reply.bulk(key.as_bytes());
        reply.bulk(value.as_bytes());
    }
    if !doc.doc_flags.is_empty() {
        reply.bulk(b"doc_flags");
        reply.simple_list(&doc.doc_flags.names().collect::<Vec<_>>());
    }
    for (key, value) in [
        ("deprecated_since", doc.deprecated_since),
        ("replaced_by", doc.replaced_by),
    ] {
        if let Some(value) = value {
            reply.bulk(key.as_bytes());
            reply.bulk(value.as_bytes());
        }
    }
    if !args.is_empty() {
        reply.bulk(b"arguments");
        write_args(reply, &args, &mut 0);
    }
    if !cmd.subcommands.is_empty() {
        reply.bulk(b"subcommands");
        reply.map(cmd.subcommands.len());
        for sub in cmd.subcommands {
            reply.bulk(sub.name.as_bytes());
            write_doc(reply, sub);
        }
    }
}

fn command(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let commands: Vec<_> = table().collect();
    ctx.reply.array(commands.len());
    for cmd in commands {
        write_info(ctx.reply, cmd);
    }
    Ok(())
}

fn count(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply
        .int(i64::try_from(table().count()).unwrap_or(i64::MAX));
    Ok(())
}

fn info(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if argv.len() == 2 {
        return command(ctx, argv);
    }
    ctx.reply.array(argv.len() - 2);
    for name in &argv[2..] {
        match find(name) {
            Some(cmd) => write_info(ctx.reply, cmd),
            None => ctx.reply.null(),
        }
    }
    Ok(())
}

fn docs(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let commands: Vec<&Command> = if argv.len() == 2 {
        table().collect()
    } else {
        argv[2..].iter().filter_map(|name| find(name)).collect()
    };
    ctx.reply.map(commands.len());
    for cmd in commands {
        ctx.reply.bulk(cmd.name.as_bytes());
        write_doc(ctx.reply, cmd);
    }
    Ok(())
}

/// `COMMAND LIST [FILTERBY (MODULE name | ACLCAT category | PATTERN pattern)]`.
fn list(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let mut args = Args::new(argv, 2);
    let mut filter: Box<dyn Fn(&Command) -> bool> = Box::new(|_| true);
    if args.eat_keyword("filterby") {
        if args.eat_keyword("module") {
            args.next_bytes()?;
            filter = Box::new(|_| false);
        } else if args.eat_keyword("aclcat") {
            let category = Acl::from_name(args.next_bytes()?);
            filter =
                Box::new(move |cmd| category.is_some_and(|c| cmd.acl_categories().contains(c)));
        } else if args.eat_keyword("pattern") {
            let pattern = args.next_bytes()?.clone();
            filter = Box::new(move |cmd| {
                cedis_types::glob::glob_match(&pattern, cmd.name.as_bytes(), true)
            });
        } else {
            return Err(CommandError::Syntax);
        }
    }
    args.finish()?;
    let names: Vec<&str> = table()
        .flat_map(|cmd| std::iter::once(cmd).chain(cmd.subcommands.iter()))
        .filter(|cmd| filter(cmd))
        .map(|cmd| cmd.name)
        .collect();
    ctx.reply.array(names.len());
    for name in names {
        ctx.reply.bulk(name.as_bytes());
    }
    Ok(())
}

/// The key arguments of `argv` (command name at 0) and the flags of the key
/// specification that found each, walking the command's key specifications as Redis does
/// (index or keyword search, then a range or a key count). Commands without key
/// specifications fall back to the legacy first/last/step range.
pub fn key_positions(argv: &[Bytes]) -> Result<Vec<(usize, KeySpecFlags)>, CommandError> {
    // Redis checks, in order: the command exists, it has keys, the arity fits.
    let cmd = super::resolve_name(argv).map_err(|_| CommandError::InvalidCommandSpecified)?;
    if cmd.key_specs.is_empty() && cmd.keys.first <= 0 {
        return Err(CommandError::NoKeyArguments);
    }
    if !cmd.arity_ok(argv.len()) {
        return Err(CommandError::InvalidKeyArguments);
    }
    if let Some(finder) = cmd.get_keys {
        let keys = finder(argv);
        if keys.is_empty() {
            return Err(invalid_arguments());
        }
        return Ok(keys);
    }
    let argc = i64::try_from(argv.len()).unwrap_or(i64::MAX);
    let mut keys = Vec::new();
    if cmd.key_specs.is_empty() {
        let last = match i64::from(cmd.keys.last) {
            last if last < 0 => argc + last,
            last => last,
        };
        let step = i64::from(cmd.keys.step.max(1));
        let mut pos = i64::from(cmd.keys.first);
        while pos <= last && pos < argc {
            keys.push((to_index(pos)?, KeySpecFlags::NONE));
            pos += step;
        }
        return Ok(keys);
    }
    for spec in cmd.key_specs {
        let Some(start) = search_start(argv, spec.begin_search) else {
            continue;
        };
        let (first, last, step) = match spec.find_keys {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    start + i64::from(lastkey)
                } else if limit <= 1 {
                    argc + i64::from(lastkey)
                } else {
                    start + (argc - 1 - start) / i64::from(limit)
                };
                (start, last, i64::from(keystep.max(1)))
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                let count = usize::try_from(start + i64::from(keynumidx))
                    .ok()
                    .and_then(|i| argv.get(i))
                    .and_then(|n| crate::args::parse_i64(n))
                    .filter(|&n| n >= 0)
                    .ok_or_else(invalid_arguments)?;
                let step = i64::from(keystep.max(1));
                let first = start + i64::from(firstkey);
                (first, first + (count - 1) * step, step)
            }
            FindKeys::Unknown => continue,
        };
        if last >= argc {
            return Err(invalid_arguments());
        }
        let flags = match cmd.variable_key_flags {
            Some(actual) if spec.flags.contains(KeySpecFlags::VARIABLE_FLAGS) => actual(argv),
            _ => spec.flags,
        };
        let mut pos = first;
        while pos <= last {
            keys.push((to_index(pos)?, flags));
            pos += step;
        }
    }
    if keys.is_empty() {
        return Err(invalid_arguments());
    }
    Ok(keys)
}

/// Where a key specification's search begins, if it finds a start at all.
fn search_start(argv: &[Bytes], begin: BeginSearch) -> Option<i64> {
    let argc = i64::try_from(argv.len()).ok()?;
    match begin {
        BeginSearch::Index(index) => {
            let index = i64::from(index);
            (index < argc).then_some(index)
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            let matches = |i: i64| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| argv.get(i))
                    .is_some_and(|arg| arg.eq_ignore_ascii_case(keyword.as_bytes()))
            };
            let found = if startfrom >= 0 {
                (i64::from(startfrom)..argc).find(|&i| matches(i))
            } else {
                (1..=argc + i64::from(startfrom))
                    .rev()
                    .find(|&i| matches(i))
            };
            found.map(|i| i + 1)
        }
        BeginSearch::Unknown => None,
    }
}

fn to_index(pos: i64) -> Result<usize, CommandError> {
    usize::try_from(pos).map_err(|_| invalid_arguments())
}

fn invalid_arguments() -> CommandError {
    CommandError::Line("ERR Invalid arguments specified for command".to_string())
}

fn getkeys(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let keys = key_positions(&argv[2..])?;
    ctx.reply.array(keys.len());
    for (pos, _) in keys {
        ctx.reply.bulk(&argv[2 + pos]);
    }
    Ok(())
}

fn getkeysandflags(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let keys = key_positions(&argv[2..])?;
    ctx.reply.array(keys.len());
    for (pos, flags) in keys {
        ctx.reply.array(2);
        ctx.reply.bulk(&argv[2 + pos]);
        ctx.reply.simple_list(&flags.names().collect::<Vec<_>>());
    }
    Ok(())
}

fn help(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    ctx.reply.help(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Describes every command.",
            "COUNT",
            "    Returns how many commands the server has.",
            "LIST [FILTERBY (MODULE <name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    Lists command names, optionally filtered.",
            "INFO [<command-name> ...]",
            "    Describes the given commands (all of them without arguments).",
            "DOCS [<command-name> ...]",
            "    Returns the documentation of the given commands (all of them without arguments).",
            "GETKEYS <full-command>",
            "    Returns the key arguments of a full command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Returns the key arguments of a full command with their access flags.",
        ],
    );
    Ok(())
}

const SUB: Flags = Flags::LOADING.union(Flags::STALE);
const CONN: Acl = Acl::CONNECTION;
const GROUP: &str = "server";
const ORDER_TIP: &[&str] = &["nondeterministic_output_order"];

static SUBCOMMANDS: &[Command] = &[
    Command::new(
        "command|count",
        2,
        Doc::new(
            "Returns how many commands the server has.",
            "2.8.13",
            GROUP,
            "O(1)",
            "",
        ),
        count,
    )
    .flags(SUB)
    .acl(CONN),
    Command::new(
        "command|info",
        -2,
        Doc::new(
            "Describes commands.",
            "2.8.13",
            GROUP,
            "O(N) where N is the number of commands to look up",
            "[command-name ...]",
        ),
        info,
    )
    .flags(SUB)
    .acl(CONN)
    .tips(ORDER_TIP),
    Command::new(
        "command|docs",
        -2,
        Doc::new(
            "Returns commands' documentation.",
            "7.0.0",
            GROUP,
            "O(N) where N is the number of commands to look up",
            "[command-name ...]",
        ),
        docs,
    )
    .flags(SUB)
    .acl(CONN)
    .tips(ORDER_TIP),
    Command::new(
        "command|list",
        -2,
        Doc::new(
            "Lists command names.",
            "7.0.0",
            GROUP,
            "O(N) where N is the total number of Redis commands",
            "[FILTERBY filterby=(MODULE module-name|ACLCAT category|PATTERN pattern:pattern)]",
        ),
        list,
    )
    .flags(SUB)
    .acl(CONN)
    .tips(ORDER_TIP),
    Command::new(
        "command|getkeys",
        -4,
        Doc::new(
            "Extracts the key names from a full command.",
            "2.8.13",
            GROUP,
            "O(N) where N is the number of arguments to the command",
            "",
        ),
        getkeys,
    )
    .flags(SUB)
    .acl(CONN),
    Command::new(
        "command|getkeysandflags",
        -4,
        Doc::new(
            "Extracts the key names and their access flags from a full command.",
            "7.0.0",
            GROUP,
            "O(N) where N is the number of arguments to the command",
            "",
        ),
        getkeysandflags,
    )
    .flags(SUB)
    .acl(CONN),
    Command::new(
        "command|help",
        2,
        Doc::new("Lists the COMMAND subcommands.", "5.0.0", GROUP, "O(1)", ""),
        help,
    )
    .flags(SUB)
    .acl(CONN),
];

pub static COMMANDS: &[Command] = &[Command {
    arity: -1,
    flags: SUB,
    acl: CONN,
    tips: ORDER_TIP,
    handler: Some(command),
    ..Command::container(
        "command",
        Doc::new(
            "Describes every command.",
            "2.8.13",
            GROUP,
            "O(N) where N is the total number of Redis commands",
            "",
        ),
        SUBCOMMANDS,
    )
}];
