//! [`TestServer`]: a cedis (or real `redis-server`) process on a free port in a temp dir.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::raw::RawConn;
use crate::util::find_in_path;

/// How long a server gets to answer its first PING.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments every server gets unless it starts from a config file: no RDB snapshots, no AOF.
pub const DEFAULT_ARGS: &[&str] = &["--save", "", "--appendonly", "no"];

/// Which server a [`TestServer`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The cedis binary (built on first use, or `CEDIS_BIN`).
    Cedis,
    /// A real `redis-server` from `$PATH`.
    Redis,
}

impl Target {
    /// `CEDIS_TEST_TARGET=redis` selects real Redis; unset or `cedis` selects cedis.
    pub fn from_env() -> Target {
        match std::env::var("CEDIS_TEST_TARGET").as_deref() {
            Err(_) | Ok("") | Ok("cedis") => Target::Cedis,
            Ok("redis") => Target::Redis,
            Ok(other) => panic!("CEDIS_TEST_TARGET={other:?}: expected \"cedis\" or \"redis\""),
        }
    }

    /// The executable for this target.
    pub fn binary(self) -> PathBuf {
        match self {
            Target::Cedis => cedis_binary(),
            Target::Redis => find_in_path("redis-server").unwrap_or_else(|| {
                panic!("redis-server is not installed (not on PATH) but the test needs it")
            }),
        }
    }
}

/// True when the tests run against real Redis (`CEDIS_TEST_TARGET=redis`).
pub fn target_is_redis() -> bool {
    Target::from_env() == Target::Redis
}

/// The cedis binary: `CEDIS_BIN`, or built once per test process with `$CARGO build`.
pub fn cedis_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("CEDIS_BIN") {
        return PathBuf::from(bin);
    }
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILT.get_or_init(build_cedis) {
        Ok(p) => p.clone(),
        Err(e) => panic!("{e}"),
    }
}

/// The workspace root (the parent of this crate's manifest dir).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests crate lives inside the workspace")
        .to_path_buf()
}

fn build_cedis() -> Result<PathBuf, String> {
    build_workspace_binary("cedis-server", "cedis")
}

/// Builds binary `bin` of workspace package `package` with `$CARGO` (release when the
/// tests are), and returns the executable cargo reports (else the usual target layout).
pub fn build_workspace_binary(package: &str, bin: &str) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let release = !cfg!(debug_assertions);
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "-p", package, "--bin", bin])
        .arg("--message-format=json-render-diagnostics");
    if release {
        cmd.arg("--release");
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {cargo:?} to build {bin}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{} build -p {package} --bin {bin}` failed ({}):\n{}",
            cargo.to_string_lossy(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let from_json = stdout
        .lines()
        .filter(|l| l.contains("\"compiler-artifact\"") && l.contains("\"executable\":\""))
        .filter_map(|l| {
            let start = l.find("\"executable\":\"")? + "\"executable\":\"".len();
            let end = start + l[start..].find('"')?;
            Some(PathBuf::from(l[start..end].replace("\\\\", "\\")))
        })
        .find(|p| p.file_stem().is_some_and(|s| s == bin));
    let path = from_json.unwrap_or_else(|| {
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
            Some(d) => workspace_root().join(d),
            None => workspace_root().join("target"),
        };
        let profile = if release { "release" } else { "debug" };
        target_dir
            .join(profile)
            .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
    });
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{bin} was built but {} does not exist",
            path.display()
        ))
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

/// A fresh, empty directory under the system temp dir.
pub fn fresh_temp_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("cedis-test-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// How a server is started. [`TestServer::start`] and friends are shortcuts for this.
#[derive(Clone, Debug)]
pub struct ServerBuilder {
    target: Target,
    config: Option<String>,
    args: Vec<String>,
    defaults: bool,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            target: Target::from_env(),
            config: None,
            args: Vec::new(),
            defaults: true,
        }
    }
}

impl ServerBuilder {
    /// Runs `target` instead of the one `CEDIS_TEST_TARGET` selects.
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Starts from a config file with this text (written to `<dir>/test.conf`, passed first).
    /// `{{dir}}` in the text becomes the server's directory. [`DEFAULT_ARGS`] are not added
    /// then: the file is in charge.
    pub fn config(mut self, text: &str) -> Self {
        self.config = Some(text.to_string());
        self
    }

    /// Extra command-line arguments, after `--port P --dir D`.
    pub fn args<S: AsRef<str>>(mut self, args: &[S]) -> Self {
        self.args
            .extend(args.iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// Leaves out [`DEFAULT_ARGS`].
    pub fn no_defaults(mut self) -> Self {
        self.defaults = false;
        self
    }

    /// Starts the server and waits until it answers PING; panics with its log on failure.
    pub fn start(self) -> TestServer {
        let binary = self.target.binary();
        let dir = fresh_temp_dir();
        let mut server = TestServer {
            child: None,
            port: 0,
            dir,
            binary,
            spec: self,
            started: false,
            log_in_panic: false,
        };
        server.launch_on_free_port(None);
        server
    }

    /// Runs the server expecting start-up to fail: waits for it to exit and returns its exit
    /// status and output. Panics if it is still running after [`START_TIMEOUT`].
    pub fn start_expecting_failure(self) -> FailedStart {
        let binary = self.target.binary();
        let dir = fresh_temp_dir();
        let mut server = TestServer {
            child: None,
            port: free_port(),
            dir,
            binary,
            spec: self,
            started: false,
            log_in_panic: false,
        };
        let mut child = server.spawn(false);
        let deadline = Instant::now() + START_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                server.log_in_panic = true;
                panic!(
                    "expected start-up to fail, but the server is still running after {:?}; log:\n{}",
                    START_TIMEOUT,
                    server.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let output = server.log();
        FailedStart { status, output }
    }
}

/// The outcome of [`ServerBuilder::start_expecting_failure`].
#[derive(Debug)]
pub struct FailedStart {
    pub status: ExitStatus,
    /// Everything the process wrote to stdout and stderr.
    pub output: String,
}

/// A running server; killed, and its directory removed, on drop.
pub struct TestServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    binary: PathBuf,
    spec: ServerBuilder,
    /// Whether a process was ever spawned (restarts append to the log).
    started: bool,
    /// Set when a panic message already carries the whole log (drop then skips the tail).
    log_in_panic: bool,
}

impl TestServer {
    /// A server with the default arguments.
    pub fn start() -> TestServer {
        ServerBuilder::default().start()
    }

    /// A server with extra command-line arguments (`&["--requirepass", "x"]`).
    pub fn with_args(args: &[&str]) -> TestServer {
        ServerBuilder::default().args(args).start()
    }

    /// A server started from a config file holding `text`, plus `args`.
    pub fn with_config(text: &str, args: &[&str]) -> TestServer {
        ServerBuilder::default().config(text).args(args).start()
    }

    /// The builder behind the shortcuts, for targets or failures.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// The server's working directory (`--dir`), removed on drop.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn target(&self) -> Target {
        self.spec.target
    }

    /// The config file, when started with one.
    pub fn config_path(&self) -> Option<PathBuf> {
        self.spec
            .config
            .as_ref()
            .map(|_| self.dir.join("test.conf"))
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// Everything the server has written to stdout and stderr so far.
    pub fn log(&self) -> String {
        fs::read(self.log_path())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    fn log_since(&self, offset: u64) -> String {
        let log = fs::read(self.log_path()).unwrap_or_default();
        let start = (offset as usize).min(log.len());
        String::from_utf8_lossy(&log[start..]).into_owned()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server is not running").id()
    }

    /// A `redis` crate connection (RESP2), with 10 s read/write timeouts.
    pub fn client(&self) -> redis::Connection {
        self.client_url(&format!("redis://{}/", self.addr()))
    }

    /// A `redis` crate connection that speaks RESP3 (`HELLO 3` on connect).
    pub fn client_resp3(&self) -> redis::Connection {
        self.client_url(&format!("redis://{}/?protocol=resp3", self.addr()))
    }

    fn client_url(&self, url: &str) -> redis::Connection {
        let client = redis::Client::open(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        let conn = client
            .get_connection_with_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("connect to {url}: {e}\nserver log:\n{}", self.log()));
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        conn.set_write_timeout(Some(Duration::from_secs(10)))
            .expect("write timeout");
        conn
    }

    /// A raw TCP connection that speaks bytes.
    pub fn raw(&self) -> RawConn {
        RawConn::connect(self.addr())
    }

    /// Whether the process is still alive (it may have exited on its own, e.g. SHUTDOWN).
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => c.try_wait().expect("try_wait").is_none(),
            None => false,
        }
    }

    /// Waits up to `timeout` for the process to exit by itself; its exit status if it did.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process (SIGKILL) and waits for it. The directory stays until drop.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server and starts it again with the same arguments, directory (and so the
    /// same data files and config file) and, if it is still free, the same port.
    pub fn restart(&mut self) {
        self.stop();
        let port = self.port;
        self.launch_on_free_port(Some(port));
    }

    /// The server's resident set size in KiB (`VmRSS` in `/proc/PID/status`), where /proc exists.
    pub fn rss_kb(&self) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    fn args_for(&self, port: u16) -> Vec<String> {
        let mut argv = Vec::new();
        if let Some(p) = self.config_path() {
            argv.push(p.to_string_lossy().into_owned());
        }
        argv.extend([
            "--port".to_string(),
            port.to_string(),
            "--dir".to_string(),
            self.dir.to_string_lossy().into_owned(),
        ]);
        if self.spec.defaults && self.spec.config.is_none() {
            argv.extend(DEFAULT_ARGS.iter().map(|s| s.to_string()));
        }
        argv.extend(self.spec.args.iter().cloned());
        argv
    }

    /// Spawns the process on `self.port`; `append` keeps the previous log (restarts).
    fn spawn(&mut self, append: bool) -> Child {
        // The config file is written once: a restart must see what CONFIG REWRITE wrote.
        if let (Some(text), Some(path)) = (&self.spec.config, self.config_path()) {
            if !path.exists() {
                let text = text.replace("{{dir}}", &self.dir.to_string_lossy());
                fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            }
        }
        let log = OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(self.log_path())
            .expect("open server log");
        let log2 = log.try_clone().expect("clone log handle");
        let argv = self.args_for(self.port);
        Command::new(&self.binary)
            .args(&argv)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {} {argv:?}: {e}", self.binary.display()))
    }

    fn launch_on_free_port(&mut self, mut preferred: Option<u16>) {
        const ATTEMPTS: usize = 5;
        // A restart keeps the earlier log; a retried first start begins a fresh one.
        let append = self.started;
        for _ in 0..ATTEMPTS {
            self.port = preferred.take().unwrap_or_else(free_port);
            let log_start = if append {
                fs::metadata(self.log_path()).map(|m| m.len()).unwrap_or(0)
            } else {
                0
            };
            let mut child = self.spawn(append);
            self.started = true;
            match wait_ready(&mut child, self.port) {
                Ready::Yes => {
                    self.child = Some(child);
                    return;
                }
                Ready::PortTaken => {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                Ready::Exited(_) if log_says_port_in_use(self.log_since(log_start).as_str()) => {}
                Ready::Exited(status) => {
                    self.log_in_panic = true;
                    panic!(
                        "{} exited during start-up ({status}) with {:?}; log:\n{}",
                        self.binary.display(),
                        self.args_for(self.port),
                        self.log()
                    )
                }
                Ready::Timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    self.log_in_panic = true;
                    panic!(
                        "{} did not answer PING on port {} within {:?} ({:?}); log:\n{}",
                        self.binary.display(),
                        self.port,
                        START_TIMEOUT,
                        self.args_for(self.port),
                        self.log()
                    );
                }
            }
        }
        self.log_in_panic = true;
        panic!(
            "could not start {} on a free port after {ATTEMPTS} attempts (each time the log said \
             the address was in use; last try: {:?}); log:\n{}",
            self.binary.display(),
            self.args_for(self.port),
            self.log()
        );
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.log_in_panic {
            let log = self.log();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!(
                "---- server log tail ({}, port {}, dir {}) ----",
                self.binary.display(),
                self.port,
                self.dir.display()
            );
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
            eprintln!("---- end of server log ----");
        }
        self.stop();
        if std::env::var_os("CEDIS_KEEP_TEST_DIRS").is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn log_says_port_in_use(log: &str) -> bool {
    let l = log.to_ascii_lowercase();
    l.contains("already in use") || l.contains("addrinuse") || l.contains("address in use")
}

enum Ready {
    Yes,
    Exited(ExitStatus),
    PortTaken,
    Timeout,
}

fn wait_ready(child: &mut Child, port: u16) -> Ready {
    let deadline = Instant::now() + START_TIMEOUT;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Ready::Exited(status);
        }
        if ping_answers(addr) {
            // Someone else may have taken the port between free_port() and our bind.
            return match port_owned_by(port, child.id()) {
                Some(false) => Ready::PortTaken,
                _ => Ready::Yes,
            };
        }
        if Instant::now() >= deadline {
            return Ready::Timeout;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True when a multibulk PING gets any reply line but `-LOADING` (`-NOAUTH` counts: the
/// server is up, it just wants a password).
fn ping_answers(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    if s.write_all(b"*1\r\n$4\r\nPING\r\n").is_err() {
        return false;
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(b"\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    !got.starts_with(b"-LOADING")
}

/// Whether the process `pid` holds the socket listening on `port`, judged from /proc;
/// `None` where that cannot be told.
fn port_owned_by(port: u16, pid: u32) -> Option<bool> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 10 || cols[3] != "0A" {
                continue;
            }
            let local_port = cols[1]
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if local_port == Some(port) {
                inodes.push(format!("socket:[{}]", cols[9]));
            }
        }
    }
    if inodes.is_empty() {
        return None;
    }
    let fds = fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let owned = fds.flatten().any(|fd| {
        fs::read_link(fd.path())
            .map(|target| inodes.iter().any(|i| target.as_os_str() == i.as_str()))
            .unwrap_or(false)
    });
    Some(owned)
}

/// Reads a whole file into a string (panics with the path on failure).
pub fn read_to_string(path: &Path) -> String {
    let mut s = String::new();
    File::open(path)
        .and_then(|mut f| f.read_to_string(&mut s))
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_socket_owner() {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = l.local_addr().unwrap().port();
        if port_owned_by(port, std::process::id()).is_none() {
            eprintln!("no /proc: owner check not available here");
            return;
        }
        assert_eq!(port_owned_by(port, std::process::id()), Some(true));
        let mut other = Command::new("sleep").arg("5").spawn().unwrap();
        assert_eq!(port_owned_by(port, other.id()), Some(false));
        let _ = other.kill();
        let _ = other.wait();
        drop(l);
        assert_eq!(port_owned_by(port, std::process::id()), None);
    }

    #[test]
    fn port_in_use_messages() {
        assert!(log_says_port_in_use(
            "# Warning: Could not create server TCP listening socket *:6379: bind: Address already in use"
        ));
        assert!(log_says_port_in_use(
            "Error: Os { code: 98, kind: AddrInUse }"
        ));
        assert!(!log_says_port_in_use("FATAL CONFIG FILE ERROR"));
    }
}
