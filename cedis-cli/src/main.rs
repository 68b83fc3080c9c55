//! `cedis-cli`: a redis-cli compatible client. This is its first cut (one-shot commands and
//! a basic prompt); the full client is its own piece of work.

mod format;

use std::io::{IsTerminal, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use bytes::BytesMut;
use cedis_resp::{split_args, Decoder, Frame};
use clap::Parser;

/// Command-line options, named as redis-cli names them.
#[derive(Parser, Debug)]
#[command(name = "cedis-cli", version, disable_help_flag = true)]
struct Options {
    /// Server hostname.
    #[arg(short = 'h', default_value = "127.0.0.1")]
    host: String,
    /// Server port.
    #[arg(short = 'p', default_value_t = 6379)]
    port: u16,
    /// Password for AUTH.
    #[arg(short = 'a')]
    password: Option<String>,
    /// Database number.
    #[arg(short = 'n', default_value_t = 0)]
    db: u32,
    /// Print raw replies even on a terminal.
    #[arg(long)]
    raw: bool,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// The command to run; without one, an interactive prompt starts.
    command: Vec<String>,
}

struct Connection {
    stream: TcpStream,
    buffer: BytesMut,
    decoder: Decoder,
}

impl Connection {
    fn call(&mut self, args: &[Vec<u8>]) -> std::io::Result<Frame> {
        let mut out = BytesMut::new();
        cedis_resp::encode::write_array_header(&mut out, args.len());
        for arg in args {
            cedis_resp::encode::write_bulk(&mut out, arg);
        }
        self.stream.write_all(&out)?;
        loop {
            match self.decoder.decode(&mut self.buffer) {
                Ok(Some(frame)) => return Ok(frame),
                Ok(None) => {}
                Err(err) => return Err(std::io::Error::other(err.to_string())),
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(std::io::Error::other("Server closed the connection"));
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }
}

fn main() -> ExitCode {
    let options = Options::parse();
    let address = format!("{}:{}", options.host, options.port);
    let stream = match TcpStream::connect(&address) {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!(
                "Could not connect to Redis at {address}: {}",
                connection_error_text(&err)
            );
            return ExitCode::from(1);
        }
    };
    let mut conn = Connection {
        stream,
        buffer: BytesMut::new(),
        decoder: Decoder::default(),
    };
    if let Some(password) = &options.password {
        let _ = conn.call(&[b"AUTH".to_vec(), password.clone().into_bytes()]);
    }
    if options.db != 0 {
        let _ = conn.call(&[b"SELECT".to_vec(), options.db.to_string().into_bytes()]);
    }
    let tty = std::io::stdout().is_terminal() && !options.raw;
    if !options.command.is_empty() {
        let args: Vec<Vec<u8>> = options
            .command
            .iter()
            .map(|a| a.clone().into_bytes())
            .collect();
        return match conn.call(&args) {
            Ok(frame) => {
                println!("{}", format::format(&frame, tty));
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("{err}");
                ExitCode::from(1)
            }
        };
    }
    repl(&mut conn, &address, tty)
}

fn repl(conn: &mut Connection, address: &str, tty: bool) -> ExitCode {
    let Ok(mut editor) = rustyline::DefaultEditor::new() else {
        return ExitCode::from(1);
    };
    let prompt = format!("{address}> ");
    while let Ok(line) = editor.readline(&prompt) {
        let Ok(args) = split_args(line.as_bytes()) else {
            println!("Invalid argument(s)");
            continue;
        };
        if args.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line.as_str());
        let quit = args[0].eq_ignore_ascii_case(b"quit") || args[0].eq_ignore_ascii_case(b"exit");
        match conn.call(&args) {
            Ok(frame) => println!("{}", format::format(&frame, tty)),
            Err(err) => println!("{err}"),
        }
        if quit {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn connection_error_text(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::ConnectionRefused => "Connection refused".to_string(),
        _ => err.to_string(),
    }
}
