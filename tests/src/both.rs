//! [`Both`]: one raw connection to the server under test and one to real Redis, for
//! differential checks whose arguments need not be UTF-8.

use crate::{show, Differential, RawConn};

/// Side-by-side connections to the server under test and to Redis, for arguments that
/// need not be UTF-8 (the [`Differential`] API takes `&str`).
pub struct Both {
    /// Keeps both servers running.
    _servers: Differential,
    pub s: RawConn,
    pub r: RawConn,
}

impl Both {
    pub fn new() -> Option<Both> {
        Both::with_args(&[])
    }

    pub fn with_args(args: &[&str]) -> Option<Both> {
        let d = Differential::with_args(args)?;
        let (s, r) = (d.subject().raw(), d.redis().raw());
        Some(Both { _servers: d, s, r })
    }

    /// Sends `cmd` to both; the replies must be the same bytes. Returns Redis's reply.
    pub fn check<A: AsRef<[u8]>>(&mut self, cmd: &[A]) -> Vec<u8> {
        let r = self.r.cmd(cmd);
        let s = self.s.cmd(cmd);
        if s != r {
            let shown: Vec<String> = cmd.iter().map(|a| show(a.as_ref())).collect();
            panic!(
                "replies differ for [{}]\n  subject: {}\n  redis:   {}",
                shown.join(", "),
                show(&s),
                show(&r)
            );
        }
        r
    }

    /// [`Both::check`] for each command.
    pub fn all(&mut self, cmds: &[&[&str]]) {
        for cmd in cmds {
            self.check(cmd);
        }
    }

    /// Sends `cmd` to both without comparing (set-up steps).
    pub fn run<A: AsRef<[u8]>>(&mut self, cmd: &[A]) {
        self.r.cmd(cmd);
        self.s.cmd(cmd);
    }
}
