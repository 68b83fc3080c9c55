//! `CLIENT PAUSE`: holding clients' commands back for a while.
//!
//! A pause has a mode and an end. In `WRITE` mode only commands that may change data or
//! reach replicas (flags `write` or `may_replicate`, and an EXEC whose queue holds one)
//! wait; in `ALL` mode every command does, `CLIENT UNPAUSE` included, so only the timeout
//! ends an `ALL` pause that nobody lifted before it started waiting. A held command
//! waits where it was decoded: the connection stops its batch, waits for the pause to
//! change, then runs the command and carries on (see `connection.rs`). Commands refused
//! before running (unknown, wrong arity) are answered at once.
//!
//! While paused, keys are not expired: a read of an expired key sees nothing but the key
//! stays, so no `DEL` would have to be propagated. The store's expiry pause is switched
//! with the client pause (and by the cron once the pause times out).
//!
//! ```text
//! CLIENT PAUSE 5000 WRITE   → writers wait up to 5 s, readers go on
//! CLIENT UNPAUSE            → they run now, in the order they arrived
//! ```

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use bytes::Bytes;
use tokio::sync::watch;

use crate::client::ClientState;
use crate::command::{self, Flags};

/// What a pause holds back; `All` is the stronger one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PauseMode {
    Write,
    All,
}

/// One pause in force until `until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub mode: PauseMode,
    pub until: Instant,
}

/// The server's pause state. Reading it costs one atomic load while no pause was ever
/// set since the last unpause.
#[derive(Debug)]
pub struct ClientPause {
    state: watch::Sender<Option<Pause>>,
    /// Set while a pause may be in force (it may also have timed out).
    maybe_active: AtomicBool,
    /// Clients waiting for the pause to end (counted in `blocked_clients`).
    waiting: AtomicUsize,
}

impl Default for ClientPause {
    fn default() -> Self {
        ClientPause {
            state: watch::channel(None).0,
            maybe_active: AtomicBool::new(false),
            waiting: AtomicUsize::new(0),
        }
    }
}

impl ClientPause {
    /// Starts or extends a pause: the later end and the stronger mode win, as in Redis
    /// (a `WRITE` pause never weakens an `ALL` one in force).
    pub fn pause(&self, mode: PauseMode, until: Instant) {
        let now = Instant::now();
        self.state.send_modify(|state| {
            *state = Some(match state.filter(|p| p.until > now) {
                Some(current) => Pause {
                    mode: current.mode.max(mode),
                    until: current.until.max(until),
                },
                None => Pause { mode, until },
            });
        });
        self.maybe_active.store(true, Ordering::SeqCst);
    }

    /// Ends the pause (`CLIENT UNPAUSE`); waiting clients run now.
    pub fn unpause(&self) {
        self.maybe_active.store(false, Ordering::SeqCst);
        self.state.send_replace(None);
    }

    /// The pause in force now, if any.
    pub fn current(&self) -> Option<Pause> {
        if !self.maybe_active.load(Ordering::Relaxed) {
            return None;
        }
        let now = Instant::now();
        (*self.state.borrow()).filter(|p| p.until > now)
    }

    /// Whether `argv`, sent by `client`, has to wait for the pause to end.
    pub fn holds(&self, client: &ClientState, argv: &[Bytes]) -> bool {
        let Some(pause) = self.current() else {
            return false;
        };
        let Ok(cmd) = command::resolve(argv) else {
            return false;
        };
        match pause.mode {
            PauseMode::All => true,
            PauseMode::Write => {
                may_replicate(cmd.flags)
                    || (cmd.name == "exec"
                        && client.transaction.as_ref().is_some_and(|queue| {
                            queue.iter().any(|queued| {
                                command::resolve(queued).is_ok_and(|c| may_replicate(c.flags))
                            })
                        }))
            }
        }
    }

    /// Resolves when the pause state changes (set, extended, lifted).
    pub fn subscribe(&self) -> watch::Receiver<Option<Pause>> {
        self.state.subscribe()
    }

    /// A client starts (`true`) or stops waiting.
    pub fn note_waiting(&self, waiting: bool) {
        if waiting {
            self.waiting.fetch_add(1, Ordering::Relaxed);
        } else {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Clients held by the pause right now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

fn may_replicate(flags: Flags) -> bool {
    flags.intersects(Flags::WRITE.union(Flags::MAY_REPLICATE))
}
