//! The special modes: `--scan`, `--bigkeys`, `--memkeys`, `--latency`, `--latency-history`,
//! `--latency-dist`, `--stat` and `--rdb`.
//!
//! `--scan`, `--bigkeys`, `--memkeys` and the one-line `--latency` print what redis-cli
//! prints; the others print their own plain-text layout.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cedis_resp::Frame;

use crate::conn::Connection;
use crate::format::{quote, Mode};
use crate::{out, report_connect_error, Settings};

fn connect(settings: &Settings) -> Option<Connection> {
    match Connection::connect(&settings.target) {
        Ok(c) => Some(c),
        Err(e) => {
            report_connect_error(&settings.target, &e);
            None
        }
    }
}

fn fail(what: &str, err: impl std::fmt::Display) -> ExitCode {
    eprintln!("{what}: {err}");
    ExitCode::from(1)
}

fn sleep_secs(secs: Option<f64>) {
    if let Some(s) = secs.filter(|s| *s > 0.0) {
        std::thread::sleep(Duration::from_secs_f64(s));
    }
}

/// One SCAN step: the next cursor and the keys.
fn scan_step(
    conn: &mut Connection,
    cursor: &[u8],
    pattern: Option<&str>,
    count: Option<u64>,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
    let mut args = vec![b"SCAN".to_vec(), cursor.to_vec()];
    if let Some(p) = pattern {
        args.push(b"MATCH".to_vec());
        args.push(p.as_bytes().to_vec());
    }
    if let Some(c) = count {
        args.push(b"COUNT".to_vec());
        args.push(c.to_string().into_bytes());
    }
    match conn.call(&args).map_err(|e| e.to_string())? {
        Frame::Array(parts) if parts.len() == 2 => {
            let next = match &parts[0] {
                Frame::Bulk(b) => b.to_vec(),
                other => return Err(format!("unexpected cursor {other:?}")),
            };
            let keys = match &parts[1] {
                Frame::Array(keys) => keys
                    .iter()
                    .filter_map(|k| match k {
                        Frame::Bulk(b) => Some(b.to_vec()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Ok((next, keys))
        }
        Frame::Error(e) => Err(String::from_utf8_lossy(&e).into_owned()),
        other => Err(format!("unexpected SCAN reply {other:?}")),
    }
}

/// `--scan [--pattern p] [--count n]`: every key, one a line (quoted on a terminal).
pub fn scan(settings: &Settings) -> ExitCode {
    let Some(mut conn) = connect(settings) else {
        return ExitCode::from(1);
    };
    let mut cursor = b"0".to_vec();
    loop {
        let (next, keys) = match scan_step(
            &mut conn,
            &cursor,
            settings.pattern.as_deref(),
            settings.count,
        ) {
            Ok(r) => r,
            Err(e) => return fail("SCAN failed", e),
        };
        let mut text = Vec::new();
        for key in keys {
            if settings.mode == Mode::Tty {
                text.extend_from_slice(quote(&key).as_bytes());
            } else {
                text.extend_from_slice(&key);
            }
            text.push(b'\n');
        }
        out(&text);
        if next == b"0" {
            return ExitCode::SUCCESS;
        }
        cursor = next;
        sleep_secs(settings.interval);
    }
}

/// Key types in the order redis-cli's summary lists them: name, size command, unit.
const TYPES: [(&str, &str, &str); 6] = [
    ("list", "LLEN", "items"),
    ("hash", "HLEN", "fields"),
    ("string", "STRLEN", "bytes"),
    ("stream", "XLEN", "entries"),
    ("set", "SCARD", "members"),
    ("zset", "ZCARD", "members"),
];

#[derive(Default, Clone)]
struct TypeStats {
    count: u64,
    total: u64,
    biggest: Option<(Vec<u8>, u64)>,
}

/// `--bigkeys` (element counts) and `--memkeys` (`MEMORY USAGE`), with redis-cli's report.
pub fn bigkeys(settings: &Settings, memory: bool) -> ExitCode {
    let Some(mut conn) = connect(settings) else {
        return ExitCode::from(1);
    };
    let total_keys = match conn.call_str(&["DBSIZE"]) {
        Ok(Frame::Integer(n)) => n.max(0) as u64,
        Ok(other) => return fail("DBSIZE failed", format!("{other:?}")),
        Err(e) => return fail("DBSIZE failed", e),
    };
    out(b"\n# Scanning the entire keyspace to find biggest keys as well as\n# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n# per 100 SCAN commands (not usually needed).\n\n");
    let mut stats = vec![TypeStats::default(); TYPES.len()];
    let (mut sampled, mut key_bytes, mut scans) = (0u64, 0u64, 0u64);
    let mut cursor = b"0".to_vec();
    loop {
        let (next, keys) = match scan_step(&mut conn, &cursor, settings.pattern.as_deref(), None) {
            Ok(r) => r,
            Err(e) => return fail("SCAN failed", e),
        };
        // Progress is counted per SCAN batch, as redis-cli counts it.
        let done_before = sampled;
        for key in keys {
            let kind = match conn.call(&[b"TYPE".to_vec(), key.clone()]) {
                Ok(Frame::Simple(t)) => t,
                Ok(_) => continue,
                Err(e) => return fail("TYPE failed", e),
            };
            let Some(index) = TYPES.iter().position(|t| t.0.as_bytes() == &kind[..]) else {
                continue;
            };
            let (name, size_cmd, unit) = TYPES[index];
            let args = if memory {
                vec![b"MEMORY".to_vec(), b"USAGE".to_vec(), key.clone()]
            } else {
                vec![size_cmd.as_bytes().to_vec(), key.clone()]
            };
            let size = match conn.call(&args) {
                Ok(Frame::Integer(n)) => n.max(0) as u64,
                Ok(Frame::Error(e)) => {
                    return fail(
                        &format!("{} failed", String::from_utf8_lossy(&args[0])),
                        String::from_utf8_lossy(&e),
                    )
                }
                Ok(_) => 0,
                Err(e) => return fail("size query failed", e),
            };
            let unit = if memory { "bytes" } else { unit };
            sampled += 1;
            key_bytes += key.len() as u64;
            let s = &mut stats[index];
            s.count += 1;
            s.total += size;
            if s.biggest.as_ref().is_none_or(|(_, big)| size > *big) {
                let pct = if total_keys > 0 {
                    100.0 * done_before as f64 / total_keys as f64
                } else {
                    0.0
                };
                let pct = pct.min(100.0);
                out(format!(
                    "[{pct:05.2}%] Biggest {name:<6} found so far '{}' with {size} {unit}\n",
                    quote(&key)
                )
                .as_bytes());
                s.biggest = Some((key, size));
            }
        }
        scans += 1;
        if scans % 100 == 0 {
            sleep_secs(settings.interval);
        }
        if next == b"0" {
            break;
        }
        cursor = next;
    }
    let avg = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let mut text = format!(
        "\n-------- summary -------\n\nSampled {sampled} keys in the keyspace!\nTotal key length in bytes is {key_bytes} (avg len {:.2})\n\n",
        avg(key_bytes, sampled)
    );
    let mut any = false;
    for ((name, _, unit), s) in TYPES.iter().zip(&stats) {
        if let Some((key, size)) = &s.biggest {
            let unit = if memory { "bytes" } else { unit };
            text.push_str(&format!(
                "Biggest {name:>6} found '{}' has {size} {unit}\n",
                quote(key)
            ));
            any = true;
        }
    }
    if any {
        text.push('\n');
    }
    for ((name, _, unit), s) in TYPES.iter().zip(&stats) {
        let unit = if memory { "bytes" } else { unit };
        text.push_str(&format!(
            "{} {name}s with {} {unit} ({:05.2}% of keys, avg size {:.2})\n",
            s.count,
            s.total,
            100.0 * avg(s.count, sampled),
            avg(s.total, s.count)
        ));
    }
    out(text.as_bytes());
    ExitCode::SUCCESS
}

/// Milliseconds one PING takes.
fn ping_ms(conn: &mut Connection) -> std::io::Result<f64> {
    let start = Instant::now();
    conn.call_str(&["PING"])?;
    Ok(start.elapsed().as_secs_f64() * 1000.0)
}

#[derive(Default)]
struct Window {
    min: u64,
    max: u64,
    total: f64,
    count: u64,
}

impl Window {
    fn add(&mut self, ms: f64) {
        let whole = ms as u64;
        if self.count == 0 || whole < self.min {
            self.min = whole;
        }
        self.max = self.max.max(whole);
        self.total += ms;
        self.count += 1;
    }

    fn avg(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.total / self.count as f64
        }
    }
}

/// `--latency` and `--latency-history`: PING every 10 ms. Without a terminal (or with
/// `--raw`/`--csv`), `--latency` samples for `-i` seconds (1 by default) and prints
/// `min max avg samples` once, like redis-cli.
pub fn latency(settings: &Settings, history: bool) -> ExitCode {
    let Some(mut conn) = connect(settings) else {
        return ExitCode::from(1);
    };
    let live = settings.mode == Mode::Tty && std::io::stdout().is_terminal();
    let window_len = Duration::from_secs_f64(
        settings
            .interval
            .filter(|i| *i > 0.0)
            .unwrap_or(if history { 15.0 } else { 1.0 }),
    );
    let mut w = Window::default();
    let mut started = Instant::now();
    loop {
        match ping_ms(&mut conn) {
            Ok(ms) => w.add(ms),
            Err(e) => return fail("PING failed", e),
        }
        if !history && !live && started.elapsed() >= window_len {
            let line = if settings.mode == Mode::Csv {
                format!("{},{},{:.2},{}\n", w.min, w.max, w.avg(), w.count)
            } else {
                format!("{} {} {:.2} {}\n", w.min, w.max, w.avg(), w.count)
            };
            out(line.as_bytes());
            return ExitCode::SUCCESS;
        }
        let stats = format!(
            "min: {}, max: {}, avg: {:.2} ({} samples)",
            w.min,
            w.max,
            w.avg(),
            w.count
        );
        if history && started.elapsed() >= window_len {
            out(format!(
                "{}{stats} -- {:.2} seconds range\n",
                if live { "\x1b[0G\x1b[2K" } else { "" },
                started.elapsed().as_secs_f64()
            )
            .as_bytes());
            w = Window::default();
            started = Instant::now();
        } else if live {
            out(format!("\x1b[0G\x1b[2K{stats}").as_bytes());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Bucket upper bounds (ms) of the `--latency-dist` histogram.
const BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 500.0, 1000.0,
];

/// `--latency-dist`: every `-i` seconds (1 by default), a text histogram of PING latency.
pub fn latency_dist(settings: &Settings) -> ExitCode {
    let Some(mut conn) = connect(settings) else {
        return ExitCode::from(1);
    };
    let window = Duration::from_secs_f64(settings.interval.filter(|i| *i > 0.0).unwrap_or(1.0));
    loop {
        let mut counts = [0u64; BUCKETS.len() + 1];
        let start = Instant::now();
        let mut total = 0u64;
        while start.elapsed() < window {
            let ms = match ping_ms(&mut conn) {
                Ok(ms) => ms,
                Err(e) => return fail("PING failed", e),
            };
            let i = BUCKETS
                .iter()
                .position(|b| ms <= *b)
                .unwrap_or(BUCKETS.len());
            counts[i] += 1;
            total += 1;
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut text = format!("---- {total} samples ----\n");
        for (i, n) in counts.iter().enumerate() {
            let label = match BUCKETS.get(i) {
                Some(b) => format!("<= {b} ms"),
                None => format!("> {} ms", BUCKETS[BUCKETS.len() - 1]),
            };
            let pct = 100.0 * *n as f64 / total.max(1) as f64;
            let bar = "#".repeat((pct / 2.0).round() as usize);
            text.push_str(&format!("{label:>12} {pct:6.2}% {bar}\n"));
        }
        out(text.as_bytes());
    }
}

/// Fields of an INFO reply.
fn info_fields(conn: &mut Connection) -> std::io::Result<Vec<(String, String)>> {
    let text = match conn.call_str(&["INFO"])? {
        Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
        Frame::Verbatim { text, .. } => String::from_utf8_lossy(&text).into_owned(),
        _ => String::new(),
    };
    Ok(text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect())
}

fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "K", "M", "G", "T"];
    let mut v = n;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{v}B")
    } else {
        format!("{v:.2}{}", UNITS[u])
    }
}

/// `--stat`: every `-i` seconds (1 by default) a line with keys, memory, clients, blocked
/// clients, requests (and the change) and connections, from INFO.
pub fn stat(settings: &Settings) -> ExitCode {
    let Some(mut conn) = connect(settings) else {
        return ExitCode::from(1);
    };
    let interval = settings.interval.filter(|i| *i > 0.0).unwrap_or(1.0);
    let mut last_requests: Option<u64> = None;
    for i in 0u64.. {
        let fields = match info_fields(&mut conn) {
            Ok(f) => f,
            Err(e) => return fail("INFO failed", e),
        };
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("0")
        };
        let keys: u64 = fields
            .iter()
            .filter(|(k, _)| k.starts_with("db") && k[2..].chars().all(|c| c.is_ascii_digit()))
            .filter_map(|(_, v)| {
                v.split(',')
                    .next()?
                    .strip_prefix("keys=")?
                    .parse::<u64>()
                    .ok()
            })
            .sum();
        let requests: u64 = get("total_commands_processed").parse().unwrap_or(0);
        let delta = last_requests.map_or(0, |l| requests.saturating_sub(l));
        last_requests = Some(requests);
        let mem = human_bytes(get("used_memory").parse().unwrap_or(0.0));
        let mut text = String::new();
        if i % 20 == 0 {
            text.push_str(
                "------- data ------ --------------------- load -------------------- - child -\n",
            );
            text.push_str(
                "keys       mem      clients blocked requests            connections          \n",
            );
        }
        text.push_str(&format!(
            "{:<11}{:<9}{:<8}{:<8}{:<20}{:<12}\n",
            keys,
            mem,
            get("connected_clients"),
            get("blocked_clients"),
            format!("{requests} (+{delta})"),
            get("total_connections_received"),
        ));
        out(text.as_bytes());
        std::thread::sleep(Duration::from_secs_f64(interval));
    }
    ExitCode::SUCCESS
}

/// `--rdb file`: asks for a snapshot with SYNC and writes the RDB payload to `file` (`-`
/// for stdout). A server without replication answers SYNC with an error, which is reported.
pub fn rdb(settings: &Settings, file: &str) -> ExitCode {
    let Some(mut conn) = connect(settings) else {
        return ExitCode::from(1);
    };
    if let Err(e) = conn.send(&[b"SYNC".to_vec()]) {
        return fail("SYNC failed", e);
    }
    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
    // The server answers `$<len>\r\n<payload>` (no trailing CRLF) or an error; newlines
    // may come first as keep-alives.
    let payload = match conn.read_rdb_payload() {
        Ok(Ok(p)) => p,
        Ok(Err(msg)) => {
            eprintln!(
                "This server does not support SYNC, so --rdb cannot download a snapshot: {msg}"
            );
            return ExitCode::from(1);
        }
        Err(e) => return fail("Error reading the RDB payload", e),
    };
    eprintln!(
        "SYNC sent to master, writing {} bytes to '{file}'",
        payload.len()
    );
    let written = if file == "-" {
        std::io::stdout().lock().write_all(&payload)
    } else {
        std::fs::write(file, &payload)
    };
    if let Err(e) = written {
        return fail(&format!("Error writing {file}"), e);
    }
    eprintln!("Transfer finished with success.");
    ExitCode::SUCCESS
}
