//! The manifest: which files make up a multi-part AOF, and in what order.
//!
//! # Format (Redis 7.0)
//!
//! ```text
//! file appendonly.aof.1.base.rdb seq 1 type b\n
//! file appendonly.aof.1.incr.aof seq 1 type i\n
//! ```
//!
//! One file per line, as `key value` pairs split like Redis's `sdssplitargs` (so a name
//! may be double-quoted). What Redis 7.0.15 accepts, found by starting it on hand-broken
//! manifests:
//!
//! - the keys `file`, `seq` and `type` must all be there, in any order; other keys are
//!   ignored, but the tokens must come in pairs;
//! - leading and trailing blanks (`" \t\r\n"`) are trimmed, lines starting with `#` are
//!   comments, an empty line is an error;
//! - every line must end in `\n` and hold at most 1023 bytes before it (else "The AOF
//!   manifest file contains too long line");
//! - `type` is judged by its first byte: `b` base, `h` history, `i` incremental;
//! - at most one base; incremental sequence numbers must increase strictly;
//! - a zero-byte manifest is "Found an empty AOF manifest".
//!
//! Redis writes names bare when they need no quoting; so does [`Manifest::to_bytes`].

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use thiserror::Error;

/// Longest manifest line Redis reads (its `fgets` buffer, less the terminating NUL).
pub const MAX_LINE: usize = 1024;

/// What a file listed in the manifest is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AofFileKind {
    /// `type b`: the snapshot loading starts from (`.base.rdb` or `.base.aof`).
    Base,
    /// `type h`: replaced by a rewrite, waiting to be deleted; never loaded.
    History,
    /// `type i`: commands appended after the base, loaded in manifest order.
    Incr,
}

impl AofFileKind {
    /// The letter written after `type`.
    pub fn letter(self) -> char {
        match self {
            AofFileKind::Base => 'b',
            AofFileKind::History => 'h',
            AofFileKind::Incr => 'i',
        }
    }
}

/// One line of the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AofFileInfo {
    /// The file name, relative to the AOF directory.
    pub name: String,
    pub seq: u64,
    pub kind: AofFileKind,
}

/// Why a manifest line was refused; `Display` is Redis's log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum LineError {
    #[error("Invalid AOF manifest file format")]
    InvalidFormat,
    #[error("Unknown AOF file type")]
    UnknownType,
    #[error("Found duplicate base file information")]
    DuplicateBase,
    #[error("Found a non-monotonic sequence number")]
    NonMonotonicSeq,
}

/// Why a manifest could not be used.
#[derive(Debug, Error)]
pub enum ManifestError {
    /// A bad line: Redis logs `Reading the manifest file, at line N`, `>>> 'line'` and
    /// the reason on three lines; this shows them on one.
    #[error("Reading the manifest file, at line {line}: >>> '{text}': {kind}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// The line, trimmed, lossily as UTF-8.
        text: String,
        kind: LineError,
    },
    #[error("The AOF manifest file contains too long line")]
    TooLongLine,
    #[error("Found an empty AOF manifest")]
    Empty,
    #[error("can't read the AOF manifest {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

/// The parsed manifest: at most one base, history files, incremental files in load
/// order.
///
/// ```
/// use cedis_persist::aof::Manifest;
/// let m = Manifest::parse(b"file appendonly.aof.1.base.rdb seq 1 type b\n\
///                           file appendonly.aof.1.incr.aof seq 1 type i\n")?;
/// assert_eq!(m.base.as_ref().unwrap().name, "appendonly.aof.1.base.rdb");
/// assert_eq!(m.load_order().count(), 2);
/// assert_eq!(Manifest::parse(&m.to_bytes())?, m);
/// # Ok::<(), cedis_persist::aof::ManifestError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFileInfo>,
    pub history: Vec<AofFileInfo>,
    pub incrs: Vec<AofFileInfo>,
}

/// The manifest's file name: `<appendfilename>.manifest`.
pub fn manifest_name(appendfilename: &str) -> String {
    format!("{appendfilename}.manifest")
}

/// A base file's name: `<appendfilename>.<seq>.base.rdb` (RDB preamble) or `.base.aof`.
pub fn base_name(appendfilename: &str, seq: u64, rdb: bool) -> String {
    let ext = if rdb { "rdb" } else { "aof" };
    format!("{appendfilename}.{seq}.base.{ext}")
}

/// An incremental file's name: `<appendfilename>.<seq>.incr.aof`.
pub fn incr_name(appendfilename: &str, seq: u64) -> String {
    format!("{appendfilename}.{seq}.incr.aof")
}

impl Manifest {
    /// Parses a manifest's bytes, with Redis's checks and messages (see the module docs).
    pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        if bytes.is_empty() {
            return Err(ManifestError::Empty);
        }
        let mut m = Manifest::default();
        let mut rest = bytes;
        let mut line_no = 0usize;
        while !rest.is_empty() {
            line_no += 1;
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                return Err(ManifestError::TooLongLine);
            };
            if nl >= MAX_LINE {
                return Err(ManifestError::TooLongLine);
            }
            let raw = &rest[..nl];
            rest = &rest[nl + 1..];
            let line = trim(raw);
            if line.first() == Some(&b'#') {
                continue;
            }
            let err = |kind| ManifestError::Line {
                line: line_no,
                text: String::from_utf8_lossy(line).into_owned(),
                kind,
            };
            let info = parse_line(line).map_err(err)?;
            match info.kind {
                AofFileKind::Base => {
                    if m.base.is_some() {
                        return Err(err(LineError::DuplicateBase));
                    }
                    m.base = Some(info);
                }
                AofFileKind::History => m.history.push(info),
                AofFileKind::Incr => {
                    if m.incrs.last().is_some_and(|last| info.seq <= last.seq) {
                        return Err(err(LineError::NonMonotonicSeq));
                    }
                    m.incrs.push(info);
                }
            }
        }
        Ok(m)
    }

    /// Reads and parses `<dir>/<appendfilename>.manifest`. `Ok(None)` when there is none
    /// (a fresh directory).
    pub fn load(dir: &Path, appendfilename: &str) -> Result<Option<Manifest>, ManifestError> {
        let path = dir.join(manifest_name(appendfilename));
        match fs::read(&path) {
            Ok(bytes) => Manifest::parse(&bytes).map(Some),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ManifestError::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// The manifest as Redis writes it: base, then history, then incremental files.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for f in self.base.iter().chain(&self.history).chain(&self.incrs) {
            out.extend_from_slice(b"file ");
            write_name(&mut out, &f.name);
            out.extend_from_slice(format!(" seq {} type {}\n", f.seq, f.kind.letter()).as_bytes());
        }
        out
    }

    /// The files to load, in order: the base (if any), then the incremental files.
    pub fn load_order(&self) -> impl Iterator<Item = &AofFileInfo> {
        self.base.iter().chain(&self.incrs)
    }

    /// The manifest of a fresh AOF: base seq 1 and incr seq 1 (what Redis 7.0 creates on
    /// first start with `appendonly yes`).
    pub fn fresh(appendfilename: &str, rdb_preamble: bool) -> Manifest {
        Manifest {
            base: Some(AofFileInfo {
                name: base_name(appendfilename, 1, rdb_preamble),
                seq: 1,
                kind: AofFileKind::Base,
            }),
            history: Vec::new(),
            incrs: vec![AofFileInfo {
                name: incr_name(appendfilename, 1),
                seq: 1,
                kind: AofFileKind::Incr,
            }],
        }
    }

    /// Adds a new incremental file (seq one past the last incremental file's) and
    /// returns it. Redis does this when a rewrite starts, so writes made during the
    /// rewrite land in a file the new base does not cover; commit the manifest before
    /// writing to it.
    pub fn open_new_incr(&mut self, appendfilename: &str) -> AofFileInfo {
        let seq = self.incrs.last().map_or(1, |f| f.seq + 1);
        let info = AofFileInfo {
            name: incr_name(appendfilename, seq),
            seq,
            kind: AofFileKind::Incr,
        };
        self.incrs.push(info.clone());
        info
    }

    /// Plans a rewrite: see [`RewritePlan`] and [`RewriteMode`].
    pub fn plan_rewrite(
        &self,
        appendfilename: &str,
        rdb_preamble: bool,
        mode: RewriteMode,
    ) -> RewritePlan {
        let mut during = self.clone();
        let new_incr = match mode {
            RewriteMode::Logging => Some(during.open_new_incr(appendfilename)),
            RewriteMode::Enabling => Some(self.clone().open_new_incr(appendfilename)),
            RewriteMode::Off => None,
        };
        let base_seq = self.base.as_ref().map_or(1, |b| b.seq + 1);
        let new_base = AofFileInfo {
            name: base_name(appendfilename, base_seq, rdb_preamble),
            seq: base_seq,
            kind: AofFileKind::Base,
        };
        // Every file the new base covers becomes history, each put in front of the
        // history already there (Redis lists the newest history first).
        let retired: Vec<AofFileInfo> = self
            .base
            .iter()
            .chain(&self.incrs)
            .map(|f| AofFileInfo {
                kind: AofFileKind::History,
                ..f.clone()
            })
            .collect();
        let mut history: Vec<AofFileInfo> = retired.iter().rev().cloned().collect();
        history.extend(self.history.iter().cloned());
        let after = Manifest {
            base: Some(new_base.clone()),
            history,
            incrs: new_incr.iter().cloned().collect(),
        };
        RewritePlan {
            mode,
            during,
            new_incr,
            new_base,
            after,
            history: retired,
        }
    }
}

/// What the AOF does while a rewrite runs, which decides where writes go meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RewriteMode {
    /// The AOF is on: a new incremental file, committed to the manifest at once, takes
    /// the writes; if the rewrite fails, it stays (so failures pile up incr files).
    Logging,
    /// The AOF is being turned on: writes go to a temporary incremental file
    /// ([`temp_incr_name`]) and the manifest is not touched until the rewrite succeeds;
    /// then the temporary file becomes the next incremental file.
    Enabling,
    /// The AOF is off: the rewrite only replaces the base; no incremental file.
    Off,
}

/// The steps of BGREWRITEAOF, as Redis 7.0 takes them (seen in its log: "Creating AOF
/// incr file appendonly.aof.3.incr.aof on background rewrite", then "Successfully renamed
/// the temporary AOF base file … into appendonly.aof.3.base.aof", then "Removing the
/// history file …"):
///
/// 1. [`begin`](Self::begin): open where writes go during the rewrite (see
///    [`RewriteMode`]) and commit [`during`](Self::during);
/// 2. write the dataset to a temporary file, fsync it, rename it to
///    [`new_base`](Self::new_base)'s name;
/// 3. commit [`after`](Self::after): the new base, the new incr, the old base and incr
///    files as history;
/// 4. unless `aof-disable-auto-gc`, delete the [`history`](Self::history) files and
///    commit [`after`](Self::after) without them ([`Manifest::drop_history`]).
///
/// ```
/// use cedis_persist::aof::{Manifest, RewriteMode};
/// let m = Manifest::fresh("appendonly.aof", true);
/// let plan = m.plan_rewrite("appendonly.aof", false, RewriteMode::Logging);
/// assert_eq!(plan.new_incr.unwrap().name, "appendonly.aof.2.incr.aof");
/// assert_eq!(plan.new_base.name, "appendonly.aof.2.base.aof");
/// let names: Vec<_> = plan.history.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewritePlan {
    pub mode: RewriteMode,
    /// The manifest while the rewrite runs.
    pub during: Manifest,
    /// The incremental file that follows the new base (none with [`RewriteMode::Off`]).
    pub new_incr: Option<AofFileInfo>,
    /// The name the rewritten base is renamed to.
    pub new_base: AofFileInfo,
    /// The manifest once the base is in place.
    pub after: Manifest,
    /// The files the rewrite retires (`type h` in `after`), to delete.
    pub history: Vec<AofFileInfo>,
}

/// The temporary name a rewrite writes its base under before renaming it (Redis 7.0:
/// `temp-rewriteaof-bg-<pid>.aof`).
pub fn temp_rewrite_name(id: u32) -> String {
    format!("temp-rewriteaof-bg-{id}.aof")
}

/// The temporary incremental file of a rewrite that turns the AOF on
/// ([`RewriteMode::Enabling`]): `temp-<appendfilename>.incr`.
pub fn temp_incr_name(appendfilename: &str) -> String {
    format!("temp-{appendfilename}.incr")
}

impl RewritePlan {
    /// Step 1: creates the (empty) file writes go to while the rewrite runs, fsyncs it
    /// and the directory, and (with [`RewriteMode::Logging`]) commits
    /// [`during`](Self::during). Returns the file, opened for appending, to give to a
    /// fresh [`AofWriter`](super::AofWriter) (its first command gets a `SELECT`, as in
    /// Redis); `None` with [`RewriteMode::Off`].
    pub fn begin(&self, dir: &Path, appendfilename: &str) -> io::Result<Option<File>> {
        let name = match (self.mode, &self.new_incr) {
            (RewriteMode::Logging, Some(incr)) => incr.name.clone(),
            (RewriteMode::Enabling, _) => temp_incr_name(appendfilename),
            _ => return Ok(None),
        };
        let file = fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(dir.join(name))?;
        file.sync_all()?;
        fsync_dir(dir)?;
        if self.mode == RewriteMode::Logging {
            commit_manifest(dir, appendfilename, &self.during)?;
        }
        Ok(Some(file))
    }

    /// Steps 2 to 4, once the base is written to `temp_base` (anywhere on the same
    /// file system) and fsynced: renames it to [`new_base`](Self::new_base) (and the
    /// temporary incr file to its name), commits [`after`](Self::after), and unless
    /// `keep_history`, deletes the history files and commits the manifest without them.
    /// Returns the manifest now in force. A crash at any point leaves a manifest that
    /// loads the whole dataset.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("aof-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use cedis_persist::aof::{commit_manifest, Manifest, RewriteMode};
    /// let m = Manifest::fresh("appendonly.aof", false);
    /// for f in m.load_order() { std::fs::write(dir.join(&f.name), b"")?; }
    /// commit_manifest(&dir, "appendonly.aof", &m)?;
    /// let plan = m.plan_rewrite("appendonly.aof", false, RewriteMode::Logging);
    /// let _incr = plan.begin(&dir, "appendonly.aof")?;
    /// std::fs::write(dir.join("temp-rewriteaof-bg-1.aof"), b"")?;
    /// let done = plan.finish(&dir, "appendonly.aof", &dir.join("temp-rewriteaof-bg-1.aof"), false)?;
    /// assert_eq!(Manifest::load(&dir, "appendonly.aof").unwrap(), Some(done));
    /// assert!(!dir.join("appendonly.aof.1.incr.aof").exists());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn finish(
        &self,
        dir: &Path,
        appendfilename: &str,
        temp_base: &Path,
        keep_history: bool,
    ) -> io::Result<Manifest> {
        fs::rename(temp_base, dir.join(&self.new_base.name))?;
        if let (RewriteMode::Enabling, Some(incr)) = (self.mode, &self.new_incr) {
            fs::rename(
                dir.join(temp_incr_name(appendfilename)),
                dir.join(&incr.name),
            )?;
        }
        fsync_dir(dir)?;
        commit_manifest(dir, appendfilename, &self.after)?;
        let mut done = self.after.clone();
        if !keep_history && !done.history.is_empty() {
            done.drop_history(dir)?;
            commit_manifest(dir, appendfilename, &done)?;
        }
        Ok(done)
    }

    /// A failed rewrite: removes what only this rewrite used (the temporary incr file
    /// of [`RewriteMode::Enabling`]). Returns its name when there was one.
    pub fn abandon(&self, dir: &Path, appendfilename: &str) -> Option<String> {
        if self.mode != RewriteMode::Enabling {
            return None;
        }
        let name = temp_incr_name(appendfilename);
        let _ = fs::remove_file(dir.join(&name));
        Some(name)
    }
}

/// Moves a pre-7.0 single-file AOF (`<dir>/<appendfilename>`) into the AOF directory
/// as the base of a new manifest, as Redis 7.0 does on start-up ("Successfully migrated
/// an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir)"): the
/// file keeps its name and becomes `file appendonly.aof seq 1 type b`. `Ok(None)` when
/// there is nothing to migrate (no old file, or a manifest already there). The caller
/// then loads the directory and adds an incremental file ([`Manifest::open_new_incr`]).
pub fn migrate_old_style(
    dir: &Path,
    appenddirname: &str,
    appendfilename: &str,
) -> io::Result<Option<Manifest>> {
    let old = dir.join(appendfilename);
    let aof_dir = dir.join(appenddirname);
    if !old.is_file() || aof_dir.join(manifest_name(appendfilename)).exists() {
        return Ok(None);
    }
    fs::create_dir_all(&aof_dir)?;
    fs::rename(&old, aof_dir.join(appendfilename))?;
    fsync_dir(dir)?;
    let manifest = Manifest {
        base: Some(AofFileInfo {
            name: appendfilename.to_string(),
            seq: 1,
            kind: AofFileKind::Base,
        }),
        history: Vec::new(),
        incrs: Vec::new(),
    };
    commit_manifest(&aof_dir, appendfilename, &manifest)?;
    Ok(Some(manifest))
}

impl Manifest {
    /// Deletes every history file from `dir` (a missing one is fine) and drops them from
    /// the manifest; commit it afterwards.
    pub fn drop_history(&mut self, dir: &Path) -> io::Result<()> {
        for f in &self.history {
            match fs::remove_file(dir.join(&f.name)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        self.history.clear();
        Ok(())
    }
}

/// Replaces `<dir>/<appendfilename>.manifest` atomically: writes
/// `temp-<appendfilename>.manifest`, fsyncs it, renames it over the manifest and fsyncs
/// the directory, so a crash leaves the old manifest or the new one, never a mix.
pub fn commit_manifest(dir: &Path, appendfilename: &str, manifest: &Manifest) -> io::Result<()> {
    let name = manifest_name(appendfilename);
    let temp = dir.join(format!("temp-{name}"));
    {
        let mut f = File::create(&temp)?;
        f.write_all(&manifest.to_bytes())?;
        f.sync_all()?;
    }
    fs::rename(&temp, dir.join(&name))?;
    fsync_dir(dir)
}

/// fsyncs a directory, so a rename or a new file in it survives a crash.
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    const BLANK: &[u8] = b" \t\r\n";
    while let [first, rest @ ..] = s {
        if !BLANK.contains(first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !BLANK.contains(last) {
            break;
        }
        s = rest;
    }
    s
}

fn parse_line(line: &[u8]) -> Result<AofFileInfo, LineError> {
    let tokens = split_args(line).ok_or(LineError::InvalidFormat)?;
    if tokens.is_empty() || tokens.len() % 2 != 0 {
        return Err(LineError::InvalidFormat);
    }
    let (mut name, mut seq, mut kind) = (None, None, None);
    for pair in tokens.chunks_exact(2) {
        match pair[0].as_slice() {
            b"file" => name = Some(pair[1].clone()),
            b"seq" => seq = Some(pair[1].clone()),
            b"type" => kind = Some(pair[1].clone()),
            _ => {}
        }
    }
    let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
        return Err(LineError::InvalidFormat);
    };
    let seq = std::str::from_utf8(&seq)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .ok_or(LineError::InvalidFormat)?;
    let kind = match kind.first() {
        Some(b'b') => AofFileKind::Base,
        Some(b'h') => AofFileKind::History,
        Some(b'i') => AofFileKind::Incr,
        _ => return Err(LineError::UnknownType),
    };
    let name = String::from_utf8(name).map_err(|_| LineError::InvalidFormat)?;
    if name.is_empty() || name.contains('/') {
        return Err(LineError::InvalidFormat);
    }
    Ok(AofFileInfo { name, seq, kind })
}

/// `sdssplitargs`: blank-separated tokens, double quotes with C escapes (`\"`, `\\`,
/// `\n`, `\r`, `\t`, `\b`, `\a`, `\xHH`), single quotes with `\'`. `None` for unbalanced
/// quotes or a closing quote not followed by a blank.
fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut i = 0;
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | 0);
    loop {
        while i < line.len() && blank(line[i]) {
            i += 1;
        }
        if i >= line.len() {
            return Some(out);
        }
        let mut tok = Vec::new();
        match line[i] {
            b'"' => {
                i += 1;
                loop {
                    let c = *line.get(i)?;
                    match c {
                        b'\\' => {
                            let e = *line.get(i + 1)?;
                            let hex = |b: u8| (b as char).to_digit(16);
                            if e == b'x' {
                                if let (Some(h), Some(l)) = (
                                    line.get(i + 2).and_then(|&b| hex(b)),
                                    line.get(i + 3).and_then(|&b| hex(b)),
                                ) {
                                    tok.push((h * 16 + l) as u8);
                                    i += 4;
                                    continue;
                                }
                            }
                            tok.push(match e {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => 8,
                                b'a' => 7,
                                other => other,
                            });
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            if i < line.len() && !blank(line[i]) {
                                return None;
                            }
                            break;
                        }
                        _ => {
                            tok.push(c);
                            i += 1;
                        }
                    }
                }
            }
            b'\'' => {
                i += 1;
                loop {
                    let c = *line.get(i)?;
                    if c == b'\\' && line.get(i + 1) == Some(&b'\'') {
                        tok.push(b'\'');
                        i += 2;
                    } else if c == b'\'' {
                        i += 1;
                        if i < line.len() && !blank(line[i]) {
                            return None;
                        }
                        break;
                    } else {
                        tok.push(c);
                        i += 1;
                    }
                }
            }
            _ => {
                while i < line.len() && !blank(line[i]) {
                    tok.push(line[i]);
                    i += 1;
                }
            }
        }
        out.push(tok);
    }
}

/// A name bare when it is safe to, else double-quoted with escapes (`sdscatrepr`).
fn write_name(out: &mut Vec<u8>, name: &str) {
    let safe = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\'' && b != b'\\');
    if safe {
        out.extend_from_slice(name.as_bytes());
        return;
    }
    out.push(b'"');
    for b in name.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            b if b.is_ascii_graphic() || b == b' ' => out.push(b),
            b => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

impl fmt::Display for AofFileInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "file {} seq {} type {}",
            self.name,
            self.seq,
            self.kind.letter()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_err(text: &str) -> (usize, LineError) {
        match Manifest::parse(text.as_bytes()) {
            Err(ManifestError::Line { line, kind, .. }) => (line, kind),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn redis_errors() {
        use LineError::*;
        let b = "file appendonly.aof.1.base.rdb seq 1 type b\n";
        assert_eq!(
            line_err("file appendonly.aof.1.base.rdb seq 1 type x\n"),
            (1, UnknownType)
        );
        assert_eq!(
            line_err("file appendonly.aof.1.base.rdb seq 1\n"),
            (1, InvalidFormat)
        );
        assert_eq!(line_err("bogus line\n"), (1, InvalidFormat));
        assert_eq!(line_err("file a seq abc type b\n"), (1, InvalidFormat));
        assert_eq!(line_err("file a seq 0 type b\n"), (1, InvalidFormat));
        assert_eq!(line_err("file a seq 1 type b extra\n"), (1, InvalidFormat));
        assert_eq!(line_err(&format!("{b}\n")), (2, InvalidFormat));
        assert_eq!(
            line_err(&format!("{b}file x.2 seq 2 type b\n")),
            (2, DuplicateBase)
        );
        assert_eq!(
            line_err("file a seq 3 type i\nfile b seq 2 type i\n"),
            (2, NonMonotonicSeq)
        );
        assert_eq!(
            line_err("file a seq 1 type i\nfile b seq 1 type i\n"),
            (2, NonMonotonicSeq)
        );
        assert!(matches!(
            Manifest::parse(b"file a seq 1 type b"),
            Err(ManifestError::TooLongLine)
        ));
        let long = format!("file {} seq 1 type b\n", "x".repeat(1030));
        assert!(matches!(
            Manifest::parse(long.as_bytes()),
            Err(ManifestError::TooLongLine)
        ));
        assert!(matches!(Manifest::parse(b""), Err(ManifestError::Empty)));
        let e = Manifest::parse(b"file a seq 1 type x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Reading the manifest file, at line 1: >>> 'file a seq 1 type x': Unknown AOF file type"
        );
    }

    #[test]
    fn accepted_like_redis() {
        for text in [
            "# comment\nfile a seq 1 type b\n",
            "type b seq 1 file a\n",
            "file a seq 1 type b # hi\n",
            "file \"a\" seq 1 type b\n",
            "  file a  seq 1 type b\r\n",
            "file a seq 1 type bb\n",
            "#only comment\n",
            "file i seq 1 type i\nfile a seq 1 type b\n",
        ] {
            Manifest::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        }
    }

    #[test]
    fn quoted_names_round_trip() {
        let m = Manifest {
            base: Some(AofFileInfo {
                name: "my aof \"x\".1.base.rdb".into(),
                seq: 1,
                kind: AofFileKind::Base,
            }),
            history: vec![],
            incrs: vec![],
        };
        assert_eq!(Manifest::parse(&m.to_bytes()).unwrap(), m);
    }

    #[test]
    fn migrates_old_style_file() {
        let dir = std::env::temp_dir().join(format!("cedis-aof-migrate-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("appendonly.aof"), b"*1\r\n$4\r\nPING\r\n").unwrap();
        let m = migrate_old_style(&dir, "appendonlydir", "appendonly.aof")
            .unwrap()
            .unwrap();
        let aof_dir = dir.join("appendonlydir");
        assert_eq!(
            fs::read(aof_dir.join("appendonly.aof.manifest")).unwrap(),
            b"file appendonly.aof seq 1 type b\n"
        );
        assert!(aof_dir.join("appendonly.aof").is_file());
        assert_eq!(Manifest::load(&aof_dir, "appendonly.aof").unwrap(), Some(m));
        assert!(migrate_old_style(&dir, "appendonlydir", "appendonly.aof")
            .unwrap()
            .is_none());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rewrite_plan_names() {
        let mut m = Manifest::fresh("appendonly.aof", true);
        assert_eq!(
            m.to_bytes(),
            b"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        let plan = m.plan_rewrite("appendonly.aof", true, RewriteMode::Logging);
        assert_eq!(plan.during.incrs.len(), 2);
        assert_eq!(plan.new_base.name, "appendonly.aof.2.base.rdb");
        assert_eq!(
            plan.after.incrs,
            plan.new_incr.iter().cloned().collect::<Vec<_>>()
        );
        assert_eq!(plan.after.history.len(), 2);
        m = plan.after;
        m.history.clear();
        let plan = m.plan_rewrite("appendonly.aof", false, RewriteMode::Logging);
        assert_eq!(plan.new_base.name, "appendonly.aof.3.base.aof");
        assert_eq!(plan.new_incr.unwrap().name, "appendonly.aof.3.incr.aof");
    }

    /// Redis 7.0's manifests, seen in its TCL suite: history files newest first, the
    /// incr numbering restarting at 1 once the AOF was off, and the temporary incr file
    /// of an AOF being turned on leaving the manifest alone.
    #[test]
    fn rewrite_modes_name_files_as_redis() {
        let names = |m: &Manifest| String::from_utf8(m.to_bytes()).unwrap();
        let start = Manifest::parse(
            b"file appendonly.aof.5.base.rdb seq 5 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
        )
        .unwrap();
        let once = start
            .plan_rewrite("appendonly.aof", true, RewriteMode::Logging)
            .after;
        let twice = once
            .plan_rewrite("appendonly.aof", true, RewriteMode::Logging)
            .after;
        assert_eq!(
            names(&twice),
            "file appendonly.aof.7.base.rdb seq 7 type b\n\
             file appendonly.aof.2.incr.aof seq 2 type h\n\
             file appendonly.aof.6.base.rdb seq 6 type h\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.5.base.rdb seq 5 type h\n\
             file appendonly.aof.3.incr.aof seq 3 type i\n"
        );
        let mut off = start
            .plan_rewrite("appendonly.aof", true, RewriteMode::Off)
            .after;
        off.history.clear();
        assert_eq!(names(&off), "file appendonly.aof.6.base.rdb seq 6 type b\n");
        let enabling = off.plan_rewrite("appendonly.aof", true, RewriteMode::Enabling);
        assert_eq!(enabling.during, off);
        assert_eq!(enabling.new_incr.unwrap().name, "appendonly.aof.1.incr.aof");
    }
}
