//! Redis-style log lines on top of `tracing`.
//!
//! Operators grep Redis logs and Redis's own test suite tails the log file waiting
//! for lines such as `Ready to accept connections`, so cedis writes exactly the line
//! shape `redis-server` 7.0 does:
//!
//! ```text
//! 12345:M 24 Nov 2026 03:38:01.123 * Ready to accept connections
//! ```
//!
//! That is `PID:ROLE DD Mon YYYY HH:MM:SS.mmm LEVEL message`, where `ROLE` is `M`
//! (master), `S` (replica), `C` (child process) or `X` (sentinel), and `LEVEL` is one
//! of Redis's four level characters. Messages longer than 1023 bytes are cut there,
//! as Redis cuts them.
//!
//! # Levels
//!
//! Redis has four levels, `tracing` five. Code logs with the `tracing` macros:
//!
//! | macro | Redis level | char | shown from `loglevel` |
//! |-------|-------------|------|-----------------------|
//! | `trace!` | debug | `.` | `debug` |
//! | `debug!` | verbose | `-` | `verbose` |
//! | `info!` | notice | `*` | `notice` (the default) |
//! | `warn!`, `error!` | warning | `#` | `warning` |
//!
//! and Redis's `loglevel` becomes the maximum `tracing` level (`debug` → `TRACE`,
//! `verbose` → `DEBUG`, `notice` → `INFO`, `warning` → `WARN`). The filter is a
//! reloadable global [`LevelFilter`], so a filtered-out macro costs one atomic load,
//! and [`LogHandle::set_level`] (for `CONFIG SET loglevel`) takes effect at once.
//!
//! # Time
//!
//! Timestamps are UTC, not local time as in Redis: finding the local offset
//! portably needs a time-zone database crate, and servers (and CI) usually run in
//! UTC anyway. The date is computed here with Howard Hinnant's `civil_from_days`.
//!
//! # Output
//!
//! With an empty `logfile` lines go to stdout; otherwise each line is appended to the
//! file, which is opened for every line just as Redis does, so that `logrotate` can
//! move the file away without a restart. Every line is written with one `write` and
//! flushed before the call returns, so anyone tailing the log sees it immediately.
//! If a line cannot be written (disk full, directory removed, stdout closed) it goes
//! to stderr instead; logging never panics and never fails the caller.
//!
//! # Example
//!
//! ```no_run
//! use cedis_server::logging::{self, LogLevel};
//!
//! let handle = logging::init(LogLevel::Notice, "")?;
//! tracing::info!("Ready to accept connections");
//! // CONFIG SET loglevel verbose
//! handle.set_level("verbose".parse()?);
//! tracing::debug!("Accepted 127.0.0.1:56628");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::{self, Write as _};
use std::fs::OpenOptions;
use std::io::{self, Write as _};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::{reload, Layer, Registry};

/// Redis's `LOG_MAX_LEN`: a message is cut to this many bytes minus one.
const LOG_MAX_LEN: usize = 1024;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One of Redis's `loglevel` values, least to most severe.
///
/// Parses case-insensitively, like `CONFIG SET loglevel`:
///
/// ```
/// use cedis_server::logging::LogLevel;
///
/// assert_eq!("NOTICE".parse::<LogLevel>(), Ok(LogLevel::Notice));
/// assert_eq!(LogLevel::Verbose.to_string(), "verbose");
/// assert!("nothing".parse::<LogLevel>().is_err()); // only Redis 7.2+ has it
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Everything, including `tracing::trace!`; char `.`.
    Debug,
    /// `tracing::debug!` and up; char `-`.
    Verbose,
    /// `tracing::info!` and up, Redis's default; char `*`.
    Notice,
    /// `tracing::warn!` and `tracing::error!` only; char `#`.
    Warning,
}

impl LogLevel {
    const ALL: [LogLevel; 4] = [
        LogLevel::Debug,
        LogLevel::Verbose,
        LogLevel::Notice,
        LogLevel::Warning,
    ];

    /// The name `CONFIG GET loglevel` reports, e.g. `"notice"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Verbose => "verbose",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
        }
    }

    /// The character Redis prints for this level: `.`, `-`, `*` or `#`.
    pub fn as_char(self) -> char {
        match self {
            LogLevel::Debug => '.',
            LogLevel::Verbose => '-',
            LogLevel::Notice => '*',
            LogLevel::Warning => '#',
        }
    }

    /// The Redis level a `tracing` event of `level` is printed at (see the module docs).
    pub fn of_event(level: Level) -> LogLevel {
        match level {
            Level::TRACE => LogLevel::Debug,
            Level::DEBUG => LogLevel::Verbose,
            Level::INFO => LogLevel::Notice,
            _ => LogLevel::Warning,
        }
    }

    /// The most verbose `tracing` level let through when `loglevel` is `self`.
    pub fn max_tracing_level(self) -> LevelFilter {
        match self {
            LogLevel::Debug => LevelFilter::TRACE,
            LogLevel::Verbose => LevelFilter::DEBUG,
            LogLevel::Notice => LevelFilter::INFO,
            LogLevel::Warning => LevelFilter::WARN,
        }
    }

    fn from_index(index: u8) -> LogLevel {
        Self::ALL
            .get(usize::from(index))
            .copied()
            .unwrap_or(LogLevel::Notice)
    }

    fn index(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `loglevel` value that is none of `debug`, `verbose`, `notice`, `warning`.
///
/// Its `Display` is the tail of Redis's `CONFIG SET` error for such a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("argument(s) must be one of the following: debug, verbose, notice, warning")]
pub struct UnknownLogLevel;

impl FromStr for LogLevel {
    type Err = UnknownLogLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(s))
            .ok_or(UnknownLogLevel)
    }
}

/// The role character after the pid: which kind of process wrote the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// `M`: a master (the default).
    Master,
    /// `S`: a replica.
    Replica,
    /// `C`: a child process (Redis's fork for RDB/AOF rewrites).
    Child,
    /// `X`: a sentinel.
    Sentinel,
}

impl Role {
    const ALL: [Role; 4] = [Role::Master, Role::Replica, Role::Child, Role::Sentinel];

    /// The character Redis prints: `M`, `S`, `C` or `X`.
    pub fn as_char(self) -> char {
        match self {
            Role::Master => 'M',
            Role::Replica => 'S',
            Role::Child => 'C',
            Role::Sentinel => 'X',
        }
    }
}

/// Controls the installed logger at run time; cheap to clone.
#[derive(Clone)]
pub struct LogHandle {
    filter: reload::Handle<LevelFilter, Registry>,
    shared: Arc<Shared>,
}

impl fmt::Debug for LogHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogHandle")
            .field("level", &self.level())
            .finish_non_exhaustive()
    }
}

impl LogHandle {
    /// Changes the level (`CONFIG SET loglevel`); applies to every thread at once.
    pub fn set_level(&self, level: LogLevel) {
        self.shared.level.store(level.index(), Ordering::Relaxed);
        // Only fails if the subscriber was dropped, which a global one never is.
        let _ = self.filter.reload(level.max_tracing_level());
    }

    /// The current level (`CONFIG GET loglevel`).
    pub fn level(&self) -> LogLevel {
        LogLevel::from_index(self.shared.level.load(Ordering::Relaxed))
    }

    /// Changes the role character printed after the pid (e.g. after `REPLICAOF`).
    pub fn set_role(&self, role: Role) {
        self.shared.role.store(role as u8, Ordering::Relaxed);
    }
}

/// Where lines go.
#[derive(Debug)]
enum Sink {
    Stdout,
    /// Opened in append mode for each line, as Redis does (so log rotation works).
    File(PathBuf),
}

/// State shared by the layer and every [`LogHandle`].
#[derive(Debug)]
struct Shared {
    sink: Mutex<Sink>,
    role: AtomicU8,
    level: AtomicU8,
}

impl Shared {
    fn role(&self) -> Role {
        Role::ALL
            .get(usize::from(self.role.load(Ordering::Relaxed)))
            .copied()
            .unwrap_or(Role::Master)
    }

    /// Writes and flushes one complete line, falling back to stderr.
    fn write_line(&self, line: &[u8]) {
        // A panic elsewhere while holding the lock leaves the sink intact.
        let sink = self
            .sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let written = match &*sink {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(line).and_then(|()| out.flush())
            }
            Sink::File(path) => append(path, line),
        };
        if written.is_err() {
            let mut err = io::stderr().lock();
            let _ = err.write_all(line).and_then(|()| err.flush());
        }
    }
}

/// Appends `bytes` to the file at `path`, creating it if needed.
fn append(path: &PathBuf, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(bytes)
}

/// The global logger, once [`init`] has installed it.
static INSTALLED: OnceLock<LogHandle> = OnceLock::new();

/// Installs the global logger, writing to stdout when `logfile` is empty and
/// appending to `logfile` otherwise.
///
/// Fails, like `redis-server` at start-up (`Can't open the log file`), when the file
/// cannot be opened for appending, and when some other global `tracing` subscriber
/// is already installed. Calling it again (several servers in one test process)
/// keeps the installed logger and switches it to the new level and destination.
///
/// ```no_run
/// use cedis_server::logging::{init, LogLevel};
///
/// let handle = init(LogLevel::Notice, "/var/log/cedis.log")?;
/// assert_eq!(handle.level(), LogLevel::Notice);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn init(level: LogLevel, logfile: &str) -> Result<LogHandle, io::Error> {
    let sink = if logfile.is_empty() {
        Sink::Stdout
    } else {
        let path = PathBuf::from(logfile);
        append(&path, b"")?;
        Sink::File(path)
    };
    if let Some(handle) = INSTALLED.get() {
        *handle.shared.sink.lock().unwrap_or_else(|p| p.into_inner()) = sink;
        handle.set_level(level);
        return Ok(handle.clone());
    }
    let shared = Arc::new(Shared {
        sink: Mutex::new(sink),
        role: AtomicU8::new(Role::Master as u8),
        level: AtomicU8::new(level.index()),
    });
    let (filter, filter_handle) = reload::Layer::new(level.max_tracing_level());
    let subscriber = Registry::default().with(filter).with(RedisLayer {
        shared: Arc::clone(&shared),
        pid: std::process::id(),
    });
    tracing::subscriber::set_global_default(subscriber).map_err(io::Error::other)?;
    let handle = LogHandle {
        filter: filter_handle,
        shared,
    };
    // Only this function sets INSTALLED, and it just won the global-default race.
    Ok(INSTALLED.get_or_init(|| handle).clone())
}

/// The layer that prints every event that passed the level filter.
struct RedisLayer {
    shared: Arc<Shared>,
    pid: u32,
}

impl<S: Subscriber> Layer<S> for RedisLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        let message = visitor.finish();
        let mut line = String::with_capacity(64 + message.len());
        format_line(
            &mut line,
            self.pid,
            self.shared.role(),
            SystemTime::now(),
            LogLevel::of_event(*event.metadata().level()),
            &message,
        );
        self.shared.write_line(line.as_bytes());
    }
}

/// Collects an event's `message`, then its other fields as ` name=value`.
#[derive(Default)]
struct MessageVisitor {
    text: String,
    fields: String,
}

impl MessageVisitor {
    /// The whole message: the text, then any other fields.
    fn finish(self) -> String {
        let mut text = self.text;
        text.push_str(&self.fields);
        text
    }

    fn target(&mut self, field: &Field) -> &mut String {
        if field.name() == "message" {
            &mut self.text
        } else {
            self.fields.push(' ');
            self.fields.push_str(field.name());
            self.fields.push('=');
            &mut self.fields
        }
    }
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.target(field).push_str(value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // `message` is `format_args!`, whose Debug is its plain text.
        let _ = write!(self.target(field), "{value:?}");
    }
}

/// Appends one complete log line (with its `\n`) to `out`, exactly as Redis prints
/// it; `message` is cut to 1023 bytes (at a character boundary) like Redis's.
///
/// Public so that code printing outside `tracing` (a crash report, say) matches.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use cedis_server::logging::{format_line, LogLevel, Role};
///
/// let mut line = String::new();
/// let at = UNIX_EPOCH + Duration::from_millis(1_795_492_081_123);
/// format_line(&mut line, 12345, Role::Master, at, LogLevel::Notice, "Ready to accept connections");
/// assert_eq!(line, "12345:M 24 Nov 2026 03:48:01.123 * Ready to accept connections\n");
/// ```
pub fn format_line(
    out: &mut String,
    pid: u32,
    role: Role,
    at: SystemTime,
    level: LogLevel,
    message: &str,
) {
    // Before 1970 only with a broken clock; print the epoch then.
    let since_epoch = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since_epoch.as_secs();
    let millis = since_epoch.subsec_millis();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let (year, month, day) = civil_from_days(days);
    let second_of_day = secs % 86_400;
    let _ = write!(
        out,
        "{pid}:{} {day:02} {} {year} {:02}:{:02}:{:02}.{millis:03} {} ",
        role.as_char(),
        MONTHS[usize::from(month - 1)],
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
        level.as_char(),
    );
    let mut cut = message.len().min(LOG_MAX_LEN - 1);
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    out.push_str(&message[..cut]);
    out.push('\n');
}

/// The proleptic Gregorian `(year, month 1..=12, day 1..=31)` of the day `days`
/// after 1970-01-01 (negative for earlier days).
///
/// This is Howard Hinnant's `civil_from_days`: shifting the year to start on
/// March 1st puts the leap day last, so month lengths follow the fixed 153-day
/// five-month pattern and no table or leap-year branch is needed.
///
/// ```text
/// civil_from_days(0)     == (1970, 1, 1)
/// civil_from_days(11016) == (2000, 2, 29)
/// ```
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097); // 400-year eras
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of March-based year
    let mp = (5 * doy + 2) / 153; // March-based month, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    (year, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Hinnant's inverse, to check `civil_from_days` round-trips.
    fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
        let (month, day) = (i64::from(month), i64::from(day));
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn at(secs: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(secs * 1000 + millis)
    }

    fn line(secs: u64, millis: u64, level: LogLevel, message: &str) -> String {
        let mut out = String::new();
        format_line(
            &mut out,
            12345,
            Role::Master,
            at(secs, millis),
            level,
            message,
        );
        out
    }

    #[test]
    fn known_dates() {
        // Values checked with Python's datetime.fromtimestamp(t, UTC).
        let cases: [(i64, (i64, u8, u8)); 8] = [
            (0, (1970, 1, 1)),
            (-86_400, (1969, 12, 31)),
            (68_256_000, (1972, 3, 1)),
            (951_782_400, (2000, 2, 29)),
            (1_709_164_800, (2024, 2, 29)),
            (1_795_492_081, (2026, 11, 24)),
            (4_107_542_400, (2100, 3, 1)),
            (253_402_300_799, (9999, 12, 31)),
        ];
        for (secs, date) in cases {
            assert_eq!(civil_from_days(secs.div_euclid(86_400)), date, "{secs}");
        }
    }

    #[test]
    fn leap_years() {
        let feb_days = |year| days_from_civil(year, 3, 1) - days_from_civil(year, 2, 1);
        assert_eq!(feb_days(2000), 29); // divisible by 400
        assert_eq!(feb_days(1900), 28); // by 100 only
        assert_eq!(feb_days(2100), 28);
        assert_eq!(feb_days(2024), 29); // by 4
        assert_eq!(feb_days(2026), 28);
        assert_eq!(
            civil_from_days(days_from_civil(2100, 2, 28) + 1),
            (2100, 3, 1)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2000, 2, 28) + 1),
            (2000, 2, 29)
        );
    }

    #[test]
    fn round_trips_every_day_for_a_millennium() {
        let mut expected = (1600, 1, 1);
        let month_len = |y: i64, m: u8| match m {
            2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        for days in days_from_civil(1600, 1, 1)..days_from_civil(2600, 1, 1) {
            assert_eq!(civil_from_days(days), expected);
            assert_eq!(days_from_civil(expected.0, expected.1, expected.2), days);
            let (y, m, d) = expected;
            expected = if d < month_len(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn line_format_matches_redis() {
        // Shape copied from redis-server 7.0.15's own log.
        assert_eq!(
            line(
                1_795_492_081,
                123,
                LogLevel::Notice,
                "Ready to accept connections"
            ),
            "12345:M 24 Nov 2026 03:48:01.123 * Ready to accept connections\n"
        );
        assert_eq!(
            line(0, 7, LogLevel::Debug, "x"),
            "12345:M 01 Jan 1970 00:00:00.007 . x\n"
        );
        assert_eq!(
            line(951_868_799, 999, LogLevel::Warning, "Server initialized"),
            "12345:M 29 Feb 2000 23:59:59.999 # Server initialized\n"
        );
        assert_eq!(
            line(1_709_164_800 + 3600 * 9 + 61, 50, LogLevel::Verbose, ""),
            "12345:M 29 Feb 2024 09:01:01.050 - \n"
        );
        let mut out = String::new();
        format_line(&mut out, 7, Role::Replica, at(0, 0), LogLevel::Notice, "m");
        assert_eq!(out, "7:S 01 Jan 1970 00:00:00.000 * m\n");
    }

    #[test]
    fn long_messages_are_cut_like_redis() {
        let prefix = "12345:M 01 Jan 1970 00:00:00.000 # ".len();
        let long = "x".repeat(2000);
        assert_eq!(
            line(0, 0, LogLevel::Warning, &long).len(),
            prefix + 1023 + 1
        );
        let exact = "y".repeat(1023);
        assert!(line(0, 0, LogLevel::Warning, &exact).ends_with(&format!("{exact}\n")));
        // Never split a UTF-8 character.
        let wide = "é".repeat(600); // 1200 bytes
        let cut = line(0, 0, LogLevel::Warning, &wide);
        assert_eq!(cut.len(), prefix + 1022 + 1);
    }

    #[test]
    fn levels() {
        for level in LogLevel::ALL {
            assert_eq!(level.as_str().parse(), Ok(level));
            assert_eq!(level.as_str().to_uppercase().parse(), Ok(level));
            assert_eq!(LogLevel::from_index(level.index()), level);
        }
        assert_eq!("nothing".parse::<LogLevel>(), Err(UnknownLogLevel));
        assert_eq!(LogLevel::of_event(Level::TRACE).as_char(), '.');
        assert_eq!(LogLevel::of_event(Level::DEBUG).as_char(), '-');
        assert_eq!(LogLevel::of_event(Level::INFO).as_char(), '*');
        assert_eq!(LogLevel::of_event(Level::WARN).as_char(), '#');
        assert_eq!(LogLevel::of_event(Level::ERROR).as_char(), '#');
        assert_eq!(LogLevel::Notice.max_tracing_level(), LevelFilter::INFO);
    }

    /// The only test that installs the global subscriber.
    #[test]
    fn init_writes_filters_and_reloads() {
        let dir = std::env::temp_dir().join(format!("cedis-logging-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("cedis.log");
        let _ = std::fs::remove_file(&path);
        let path_str = path.to_str().expect("utf-8 temp path");

        assert!(init(LogLevel::Notice, "/nonexistent-dir/cedis.log").is_err());
        let handle = init(LogLevel::Notice, path_str).expect("init");
        tracing::info!("Ready to accept connections");
        tracing::debug!("hidden at notice");
        assert!(!tracing::enabled!(Level::DEBUG));
        handle.set_level(LogLevel::Verbose);
        assert_eq!(handle.level(), LogLevel::Verbose);
        assert!(tracing::enabled!(Level::DEBUG));
        tracing::debug!(port = 6379, "Accepted {}", "127.0.0.1:5000");
        tracing::trace!("hidden at verbose");
        handle.set_role(Role::Replica);
        handle.set_level(LogLevel::Warning);
        tracing::info!("hidden at warning");
        tracing::error!("boom");
        let again = init(LogLevel::Debug, path_str).expect("second init reuses the logger");
        assert_eq!(handle.level(), LogLevel::Debug);
        tracing::trace!("now visible");
        again.set_role(Role::Master);

        let log = std::fs::read_to_string(&path).expect("log file");
        let pid = std::process::id();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 4, "{log}");
        let shape = |line: &str, role: char, level: char, message: &str| {
            let head = format!("{pid}:{role} ");
            assert!(line.starts_with(&head), "{line}");
            // "DD Mon YYYY HH:MM:SS.mmm " is 25 bytes.
            let rest = &line[head.len() + 25..];
            assert_eq!(rest, format!("{level} {message}"), "{line}");
            assert_eq!(&line[head.len() + 20..head.len() + 21], ".", "{line}");
        };
        shape(lines[0], 'M', '*', "Ready to accept connections");
        shape(lines[1], 'M', '-', "Accepted 127.0.0.1:5000 port=6379");
        shape(lines[2], 'S', '#', "boom");
        shape(lines[3], 'S', '.', "now visible");

        // A log file that disappears must not panic (lines go to stderr).
        std::fs::remove_dir_all(&dir).expect("cleanup");
        tracing::warn!("to stderr");
    }
}
