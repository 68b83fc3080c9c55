//! Running `cedis-cli` (and `redis-cli`) from tests.
//!
//! - [`cedis_cli_binary`]: `CEDIS_CLI_BIN`, or built once per test process with `$CARGO`,
//!   the way [`crate::cedis_binary`] finds the server.
//! - [`run`]: one run of a client with arguments and stdin, killed after a timeout, with its
//!   stdout, stderr and exit status.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The cedis-cli binary: `CEDIS_CLI_BIN`, or built once with `$CARGO build -p cedis-cli`.
pub fn cedis_cli_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("CEDIS_CLI_BIN") {
        return PathBuf::from(bin);
    }
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILT.get_or_init(build) {
        Ok(p) => p.clone(),
        Err(e) => panic!("{e}"),
    }
}

fn build() -> Result<PathBuf, String> {
    crate::server::build_workspace_binary("cedis-cli", "cedis-cli")
}

/// What one run of a client printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Exit code; `None` when killed (by the timeout or a signal).
    pub code: Option<i32>,
}

impl Output {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs `program args` with `stdin` as its input (`None`: an empty, closed stdin), and kills
/// it after `timeout`. Standard input is fed from a thread, so large inputs cannot deadlock.
pub fn run(program: &Path, args: &[&str], stdin: Option<Stdin>, timeout: Duration) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("REDISCLI_AUTH")
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
    let mut input = child.stdin.take().expect("piped stdin");
    let feeder = std::thread::spawn(move || {
        match stdin {
            None => {}
            Some(Stdin::Bytes(bytes)) => {
                let _ = input.write_all(&bytes);
            }
            Some(Stdin::File(path)) => {
                if let Ok(mut f) = std::fs::File::open(path) {
                    let _ = std::io::copy(&mut f, &mut input);
                }
            }
        }
        drop(input);
    });
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = feeder.join();
    Output {
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        code: status.and_then(|s| s.code()),
    }
}

/// Standard input for [`run`].
pub enum Stdin {
    Bytes(Vec<u8>),
    File(PathBuf),
}
