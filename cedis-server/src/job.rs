//! Background jobs (BGSAVE, BGREWRITEAOF) and the *job process* that stands in for
//! Redis's fork child.
//!
//! cedis never forks: a background save runs on a thread over a point-in-time snapshot
//! of the store (`cedis_store::snapshot`). Operators and tools still expect a child
//! process, though: `ps` and `pgrep -P <server pid>` show it, and killing it (`kill -9`)
//! is how a stuck BGSAVE or rewrite is cancelled. So each job spawns a job process: this
//! binary again, started with [`JOB_PROCESS_ARG`], which holds no data and only waits
//! for its standard input to close. The job's thread checks on it between keys; once it
//! is gone, the job stops and fails as Redis's does when its child is killed
//! (`Background saving terminated by signal 9`). The process exits when the job ends,
//! and when the server dies (its stdin closes with the server). It costs one process
//! spawn per job, about a millisecond; without it (spawn failed) the job runs anyway.
//!
//! ```no_run
//! use cedis_server::job::Job;
//! let mut job = Job::start(std::time::Duration::ZERO);
//! // … write keys, calling job.check() between them …
//! assert!(job.check().is_ok());
//! job.finish();
//! ```

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The argument that starts the binary as a job process (see the module docs).
pub const JOB_PROCESS_ARG: &str = "--cedis-job-process";

/// The job process's whole life: wait until the server closes our stdin (the job ended,
/// or the server died).
pub fn run_job_process() -> ExitCode {
    let mut sink = [0u8; 64];
    let mut stdin = std::io::stdin();
    while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    ExitCode::SUCCESS
}

/// Why a job stopped early.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Its job process died: killed by an operator (or by the OOM killer).
    #[error("the job process was terminated by signal {0}")]
    Killed(i32),
    #[error("the job process exited")]
    Exited,
}

impl From<JobError> for std::io::Error {
    fn from(err: JobError) -> std::io::Error {
        std::io::Error::other(err)
    }
}

/// One background job's process and pacing (`rdb-key-save-delay`).
#[derive(Debug)]
pub struct Job {
    child: Option<Child>,
    pid: u32,
    /// Pause after each key: `rdb-key-save-delay` as it was when the job started (a
    /// forked child keeps the config it was forked with; tests rely on that).
    delay: Duration,
    /// How long starting the job process took (`latest_fork_usec`).
    pub spawn_us: u64,
}

impl Job {
    /// Spawns the job process. If that fails the job still runs, without one.
    pub fn start(delay: Duration) -> Job {
        let started = Instant::now();
        // /proc/self/exe still works when the binary was replaced on disk.
        let exe = if std::path::Path::new("/proc/self/exe").exists() {
            std::path::PathBuf::from("/proc/self/exe")
        } else {
            std::env::current_exe().unwrap_or_default()
        };
        let child = Command::new(exe)
            .arg(JOB_PROCESS_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => Some(child),
            Err(err) => {
                tracing::warn!("Can't start the background job process: {err}");
                None
            }
        };
        let pid = child.as_ref().map_or_else(std::process::id, Child::id);
        Job {
            child,
            pid,
            delay,
            spawn_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        }
    }

    /// The job process's pid (the server's own when there is none), for the logs.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `Err` once the job process is gone.
    pub fn check(&mut self) -> Result<(), JobError> {
        let Some(child) = self.child.as_mut() else {
            return Ok(());
        };
        match child.try_wait() {
            Ok(None) | Err(_) => Ok(()),
            Ok(Some(status)) => {
                self.child = None;
                Err(status.signal().map_or(JobError::Exited, JobError::Killed))
            }
        }
    }

    /// The pause after each key (`rdb-key-save-delay`), in slices so that a killed job
    /// process or `cancelled()` is noticed within a few milliseconds.
    pub fn pause(&mut self, cancelled: impl Fn() -> bool) -> std::io::Result<()> {
        if self.delay.is_zero() {
            return Ok(());
        }
        let until = Instant::now() + self.delay;
        loop {
            self.check()?;
            let now = Instant::now();
            if now >= until || cancelled() {
                return Ok(());
            }
            std::thread::sleep((until - now).min(Duration::from_millis(10)));
        }
    }

    /// Whether keys are paced (tests slow jobs down to watch them).
    pub fn paced(&self) -> bool {
        !self.delay.is_zero()
    }

    /// The job ended: the job process exits and is reaped.
    pub fn finish(mut self) {
        self.reap();
    }

    fn reap(&mut self) {
        if let Some(mut child) = self.child.take() {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.reap();
    }
}

/// The signal that killed the job process, when that is why `err` stopped the job.
pub fn killed_by(err: &std::io::Error) -> Option<i32> {
    match err.get_ref()?.downcast_ref::<JobError>()? {
        JobError::Killed(signal) => Some(*signal),
        JobError::Exited => None,
    }
}
