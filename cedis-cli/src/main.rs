//! `cedis-cli`: a redis-cli compatible client.
//!
//! Wherever it does what redis-cli 7.0 does, its output is the same bytes, so scripts that
//! parse redis-cli output keep working.
//!
//! ## Layout
//!
//! - [`format`]: replies printed as redis-cli prints them (terminal, raw, CSV, JSON).
//! - [`conn`]: a blocking connection (connect, AUTH/SELECT/HELLO, send, read frames).
//! - [`repl`]: the interactive prompt (history, completion and hints from `COMMAND DOCS`).
//! - [`pipe`]: `--pipe`, streaming bulk import of raw RESP.
//! - [`tools`]: `--scan`, `--bigkeys`, `--memkeys`, `--latency*`, `--stat`, `--rdb`.
//!
//! This file parses the command line and runs one-shot commands and commands read from
//! stdin.

mod conn;
mod format;
mod pipe;
mod repl;
mod tools;

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::os::unix::ffi::OsStringExt;
use std::process::ExitCode;
use std::time::Duration;

use cedis_resp::{split_args, Frame};
use clap::Parser;

use conn::{connect_error_text, Connection, Target};
use format::Mode;

/// Command-line options, named as redis-cli names them.
#[derive(Parser, Debug)]
#[command(
    name = "cedis-cli",
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Options {
    #[arg(short = 'h', default_value = "127.0.0.1")]
    host: String,
    #[arg(short = 'p', default_value_t = 6379)]
    port: u16,
    #[arg(short = 'a', long = "pass")]
    password: Option<String>,
    #[arg(long)]
    user: Option<String>,
    #[arg(short = 'u')]
    uri: Option<String>,
    #[arg(short = 'n')]
    db: Option<i64>,
    #[arg(short = '2')]
    resp2: bool,
    #[arg(short = '3')]
    resp3: bool,
    #[arg(long)]
    raw: bool,
    #[arg(long = "no-raw")]
    no_raw: bool,
    #[arg(long)]
    csv: bool,
    #[arg(long)]
    json: bool,
    #[arg(short = 'e')]
    exit_on_error: bool,
    #[arg(long = "no-auth-warning")]
    no_auth_warning: bool,
    #[arg(short = 'x')]
    stdin_last_arg: bool,
    #[arg(short = 'r', allow_negative_numbers = true)]
    repeat: Option<i64>,
    #[arg(short = 'i')]
    interval: Option<f64>,
    #[arg(long)]
    pipe: bool,
    #[arg(long = "pipe-timeout", default_value_t = 30)]
    pipe_timeout: u64,
    #[arg(long)]
    scan: bool,
    #[arg(long)]
    pattern: Option<String>,
    #[arg(long)]
    count: Option<u64>,
    #[arg(long)]
    bigkeys: bool,
    #[arg(long)]
    memkeys: bool,
    #[arg(long)]
    latency: bool,
    #[arg(long = "latency-history")]
    latency_history: bool,
    #[arg(long = "latency-dist")]
    latency_dist: bool,
    #[arg(long)]
    stat: bool,
    #[arg(long)]
    rdb: Option<String>,
    #[arg(long)]
    help: bool,
    #[arg(short = 'v', long)]
    version: bool,
    /// The command to run; without one, commands come from stdin or an interactive prompt.
    #[arg(trailing_var_arg = true)]
    command: Vec<OsString>,
}

const AUTH_WARNING: &str =
    "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.";

const HELP: &str = "\
Usage: cedis-cli [OPTIONS] [cmd [arg [arg ...]]]
  -h <hostname>      Server hostname (default: 127.0.0.1).
  -p <port>          Server port (default: 6379).
  -a <password>      Password to use when connecting to the server.
                     You can also use the REDISCLI_AUTH environment
                     variable to pass this password more safely
                     (if both are used, this argument takes precedence).
  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
  --pass <password>  Alias of -a for consistency with the new --user option.
  -u <uri>           Server URI (redis://user:password@host:port/db).
  -r <repeat>        Execute specified command N times.
  -i <interval>      When -r is used, waits <interval> seconds per command.
                     It is possible to specify sub-second times like -i 0.1.
                     This interval is also used in --scan, --stat and --latency-history.
  -n <db>            Database number.
  -2                 Start session in RESP2 protocol mode.
  -3                 Start session in RESP3 protocol mode.
  -x                 Read last argument from STDIN (see example below).
  -e                 Return exit error code when command execution fails.
  --raw              Use raw formatting for replies (default when STDOUT is
                     not a tty).
  --no-raw           Force formatted output even when STDOUT is not a tty.
  --csv              Output in CSV format.
  --json             Output in JSON format (default RESP3, use -2 if you want to use with RESP2).
  --stat             Print rolling stats about server: mem, clients, ...
  --latency          Enter a special mode continuously sampling latency.
                     If the output is not a tty, or --raw or --csv is given, it
                     samples the latency for 1 second (-i changes the interval),
                     prints a single line and exits.
  --latency-history  Like --latency but tracking latency changes over time.
                     Default time interval is 15 sec. Change it using -i.
  --latency-dist     Shows latency as a text histogram.
                     Default time interval is 1 sec. Change it using -i.
  --rdb <filename>   Transfer an RDB dump from remote server to local file.
                     Use filename of \"-\" to write to stdout.
  --pipe             Transfer raw Redis protocol from stdin to server.
  --pipe-timeout <n> In --pipe mode, abort with error if after sending all data.
                     no reply is received within <n> seconds.
                     Default timeout: 30. Use 0 to wait forever.
  --bigkeys          Sample Redis keys looking for keys with many elements (complexity).
  --memkeys          Sample Redis keys looking for keys consuming a lot of memory.
  --scan             List all keys using the SCAN command.
  --pattern <pat>    Keys pattern when using the --scan, --bigkeys or --memkeys
                     options (default: *).
  --count <count>    COUNT hint for SCAN when using --scan.
  --no-auth-warning  Don't show warning message when using password on command
                     line interface.
  --help             Output this help and exit.
  --version          Output version and exit.

Examples:
  cat /etc/passwd | cedis-cli -x set mypasswd
  cedis-cli -r 100 lpush mylist x
  cedis-cli -r 100 -i 1 info | grep used_memory_human:
  cedis-cli --scan --pattern '*:12345*'
  cedis-cli --pipe < commands.resp

When no command is given, cedis-cli starts in interactive mode.
Type \"help\" in interactive mode for information on available commands.
";

/// Everything the modes need from the command line.
pub struct Settings {
    pub target: Target,
    pub mode: Mode,
    pub exit_on_error: bool,
    /// Print RESP3 push frames that arrive between replies (on a terminal).
    pub show_pushes: bool,
    pub interval: Option<f64>,
    pub pattern: Option<String>,
    pub count: Option<u64>,
}

fn main() -> ExitCode {
    let options = match Options::try_parse() {
        Ok(o) => o,
        Err(e) => {
            use clap::error::{ContextKind, ErrorKind};
            let invalid = e.get(ContextKind::InvalidArg).map(|a| a.to_string());
            match (e.kind(), invalid) {
                (ErrorKind::UnknownArgument | ErrorKind::InvalidValue, Some(arg)) => {
                    // redis-cli's words; the argument without clap's `<VALUE>` decoration.
                    let arg = arg.split(' ').next().unwrap_or_default();
                    eprintln!("Unrecognized option or bad number of args for: '{arg}'");
                }
                _ => eprintln!("{e}"),
            }
            return ExitCode::from(1);
        }
    };
    if options.help {
        print!("cedis-cli {}\n\n{HELP}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if options.version {
        println!("cedis-cli {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let mut target = Target {
        host: options.host.clone(),
        port: options.port,
        user: options.user.clone(),
        password: options.password.clone(),
        db: options.db.unwrap_or(0),
        resp3: options.resp3 || (options.json && !options.resp2),
    };
    let mut warn = options.password.is_some();
    if let Some(uri) = &options.uri {
        match parse_uri(uri, &mut target) {
            Ok(has_password) => warn |= has_password,
            Err(msg) => {
                eprintln!("{msg}");
                return ExitCode::from(1);
            }
        }
        if let Some(db) = options.db {
            target.db = db;
        }
    }
    if target.password.is_none() {
        target.password = std::env::var("REDISCLI_AUTH").ok();
    }
    if warn && !options.no_auth_warning {
        eprintln!("{AUTH_WARNING}");
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let mode = if options.json {
        Mode::Json
    } else if options.csv {
        Mode::Csv
    } else if options.raw {
        Mode::Raw
    } else if options.no_raw || stdout_tty {
        Mode::Tty
    } else {
        Mode::Raw
    };
    let settings = Settings {
        target,
        mode,
        exit_on_error: options.exit_on_error,
        show_pushes: stdout_tty,
        interval: options.interval,
        pattern: options.pattern.clone(),
        count: options.count,
    };

    if options.pipe {
        return pipe::run(&settings.target, options.pipe_timeout);
    }
    if let Some(file) = &options.rdb {
        return tools::rdb(&settings, file);
    }
    if options.scan {
        return tools::scan(&settings);
    }
    if options.bigkeys {
        return tools::bigkeys(&settings, false);
    }
    if options.memkeys {
        return tools::bigkeys(&settings, true);
    }
    if options.latency_dist {
        return tools::latency_dist(&settings);
    }
    if options.latency_history {
        return tools::latency(&settings, true);
    }
    if options.latency {
        return tools::latency(&settings, false);
    }
    if options.stat {
        return tools::stat(&settings);
    }

    if !options.command.is_empty() {
        let mut args: Vec<Vec<u8>> = options
            .command
            .iter()
            .map(|a| a.clone().into_vec())
            .collect();
        if options.stdin_last_arg {
            let mut input = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut input) {
                eprintln!("Reading from standard input: {e}");
                return ExitCode::from(1);
            }
            args.push(input);
        }
        return one_shot(&settings, &args, options.repeat.unwrap_or(1));
    }
    if !std::io::stdin().is_terminal() {
        return from_stdin(&settings);
    }
    repl::run(&settings)
}

/// Applies `redis://[[user]:password@]host[:port][/db]` to `target`; true when it holds a
/// password.
fn parse_uri(uri: &str, target: &mut Target) -> Result<bool, String> {
    let invalid = || format!("Invalid URI scheme: {uri}");
    let rest = if let Some(rest) = uri.strip_prefix("redis://") {
        rest
    } else if uri.starts_with("rediss://") {
        return Err("TLS is not supported by cedis-cli".to_string());
    } else {
        return Err(invalid());
    };
    let (auth, rest) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let mut has_password = false;
    if let Some(auth) = auth {
        match auth.split_once(':') {
            Some((user, password)) => {
                if !user.is_empty() {
                    target.user = Some(percent_decode(user));
                }
                target.password = Some(percent_decode(password));
                has_password = true;
            }
            None => target.user = Some(percent_decode(auth)),
        }
    }
    let (hostport, db) = match rest.split_once('/') {
        Some((h, d)) => (h, d),
        None => (rest, ""),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    };
    if !host.is_empty() {
        target.host = host.to_string();
    }
    if let Some(p) = port {
        target.port = p.parse().map_err(|_| invalid())?;
    }
    if !db.is_empty() {
        target.db = db.parse().map_err(|_| invalid())?;
    }
    Ok(has_password)
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes `bytes` to stdout and flushes (output may be a pipe read line by line).
pub fn out(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}

/// `Could not connect to Redis at host:port: reason` on stderr.
pub fn report_connect_error(target: &Target, err: &std::io::Error) {
    eprintln!(
        "Could not connect to Redis at {}: {}",
        target.address(),
        connect_error_text(err)
    );
}

/// What running one command did.
pub enum Outcome {
    Ok,
    /// The reply was an error (for `-e`).
    ErrorReply,
}

/// True for the commands after which the connection only streams replies.
fn is_streaming(name: &[u8]) -> bool {
    [&b"subscribe"[..], b"psubscribe", b"ssubscribe", b"monitor"]
        .iter()
        .any(|c| name.eq_ignore_ascii_case(c))
}

/// Sends one command and prints its reply in `settings.mode`. SUBSCRIBE and MONITOR stream
/// until the connection ends. An I/O error means the connection is gone.
pub fn run_command(
    conn: &mut Connection,
    args: &[Vec<u8>],
    settings: &Settings,
    errors_to_stderr: bool,
) -> std::io::Result<Outcome> {
    let name = args.first().map(Vec::as_slice).unwrap_or_default();
    if is_streaming(name) {
        let monitor = name.eq_ignore_ascii_case(b"monitor");
        if !monitor && settings.mode != Mode::Raw {
            out(b"Reading messages... (press Ctrl-C to quit)\n");
        }
        conn.send(args)?;
        loop {
            let frame = conn.read_frame()?;
            out(&format::render(&frame, settings.mode));
        }
    }
    conn.send(args)?;
    let frame = loop {
        match conn.read_frame()? {
            Frame::Push(items) => {
                if settings.show_pushes {
                    out(&format::render(&Frame::Push(items), settings.mode));
                }
            }
            frame => break frame,
        }
    };
    if let Frame::Error(e) | Frame::BlobError(e) = &frame {
        if errors_to_stderr {
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(e);
            let _ = stderr.write_all(b"\n");
            return Ok(Outcome::ErrorReply);
        }
        if format::prints_raw(args) {
            out(&format::render_verbatim(&frame));
        } else {
            out(&format::render(&frame, settings.mode));
        }
        return Ok(Outcome::ErrorReply);
    }
    if format::prints_raw(args) {
        out(&format::render_verbatim(&frame));
    } else {
        out(&format::render(&frame, settings.mode));
    }
    Ok(Outcome::Ok)
}

/// `cedis-cli [options] CMD args...`, repeated `-r` times every `-i` seconds.
fn one_shot(settings: &Settings, args: &[Vec<u8>], repeat: i64) -> ExitCode {
    let mut conn = match Connection::connect(&settings.target) {
        Ok(c) => c,
        Err(e) => {
            report_connect_error(&settings.target, &e);
            return ExitCode::from(1);
        }
    };
    let mut done = 0i64;
    let mut status = ExitCode::SUCCESS;
    while repeat < 0 || done < repeat {
        match run_command(&mut conn, args, settings, settings.exit_on_error) {
            Ok(Outcome::Ok) => {}
            Ok(Outcome::ErrorReply) => {
                if settings.exit_on_error {
                    status = ExitCode::from(1);
                }
            }
            Err(e) => {
                eprintln!("Error: {}", conn::io_error_text(&e));
                return ExitCode::from(1);
            }
        }
        done += 1;
        if let Some(secs) = settings.interval {
            if secs > 0.0 && (repeat < 0 || done < repeat) {
                std::thread::sleep(Duration::from_secs_f64(secs));
            }
        }
    }
    status
}

/// Commands read line by line from stdin (when it is not a terminal and no command is given).
/// Like redis-cli: a failed connection is reported for each command, and the exit status is 0.
fn from_stdin(settings: &Settings) -> ExitCode {
    let mut conn = match Connection::connect(&settings.target) {
        Ok(c) => Some(c),
        Err(e) => {
            report_connect_error(&settings.target, &e);
            None
        }
    };
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let Ok(args) = split_args(&line) else {
            out(b"Invalid argument(s)\n");
            continue;
        };
        if args.is_empty() {
            continue;
        }
        if conn.is_none() {
            match Connection::connect(&settings.target) {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    report_connect_error(&settings.target, &e);
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        if let Err(e) = run_command(c, &args, settings, false) {
            eprintln!("Error: {}", conn::io_error_text(&e));
            conn = None;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            host: "127.0.0.1".into(),
            port: 6379,
            user: None,
            password: None,
            db: 0,
            resp3: false,
        }
    }

    #[test]
    fn uri_sets_every_part() {
        let mut t = target();
        assert!(parse_uri("redis://us%40r:p%3Ass@example.com:7000/3", &mut t).unwrap());
        assert_eq!(t.user.as_deref(), Some("us@r"));
        assert_eq!(t.password.as_deref(), Some("p:ss"));
        assert_eq!((t.host.as_str(), t.port, t.db), ("example.com", 7000, 3));
        let mut t = target();
        assert!(!parse_uri("redis://localhost", &mut t).unwrap());
        assert_eq!((t.host.as_str(), t.port, t.db), ("localhost", 6379, 0));
        assert!(parse_uri("http://x", &mut target()).is_err());
    }
}
