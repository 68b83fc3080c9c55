//! Directives with their own syntax: `save`, `client-output-buffer-limit`, `bind`,
//! `notify-keyspace-events`, `oom-score-adj-values`, `latency-tracking-info-percentiles`,
//! `replicaof`, `unixsocketperm`, `dir`, `shutdown-on-*`, `maxmemory-clients`, and the
//! checked strings. Every rule and message here was observed on Redis 7.0.15.

use std::path::{Path, PathBuf};

use super::value::{parse_memory, parse_strict_i64, parse_strtoll, strerror};

/// One client class's output buffer limits (`client-output-buffer-limit`).
///
/// A client is disconnected when its pending output exceeds `hard` bytes, or stays above
/// `soft` bytes for `soft_seconds` seconds; `0` disables a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientBufferLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: u64,
}

/// Index of the normal-client class in [`crate::config::Config::client_output_buffer_limit`].
pub const CLIENT_CLASS_NORMAL: usize = 0;
/// Index of the replica class.
pub const CLIENT_CLASS_REPLICA: usize = 1;
/// Index of the Pub/Sub class.
pub const CLIENT_CLASS_PUBSUB: usize = 2;

/// Class names as `CONFIG GET` prints them (Redis 7.0 still says `slave` there).
const CLIENT_CLASS_GET_NAMES: [&str; 3] = ["normal", "slave", "pubsub"];
/// Class names as `CONFIG REWRITE` writes them.
pub(crate) const CLIENT_CLASS_REWRITE_NAMES: [&str; 3] = ["normal", "replica", "pubsub"];

/// Parses `save` arguments: pairs of `<seconds> <changes>`.
///
/// No argument, or one empty argument (`save ""`), means "never save". Numbers are
/// read like C's `strtoll` (so `01` and `+1` pass and a huge number saturates), seconds
/// must be at least 1 and changes at least 0.
///
/// ```text
/// save 900 1 300 10  -> [(900, 1), (300, 10)]
/// save ""            -> []
/// save 900           -> "Invalid save parameters"
/// ```
pub(crate) fn parse_save(args: &[&[u8]]) -> Result<Vec<(u64, u64)>, String> {
    const INVALID: &str = "Invalid save parameters";
    if args.is_empty() || (args.len() == 1 && args[0].is_empty()) {
        return Ok(Vec::new());
    }
    if args.len() % 2 != 0 {
        return Err(INVALID.to_string());
    }
    args.chunks_exact(2)
        .map(|pair| {
            let (seconds, _) = parse_strtoll(pair[0]).ok_or_else(|| INVALID.to_string())?;
            let (changes, _) = parse_strtoll(pair[1]).ok_or_else(|| INVALID.to_string())?;
            if seconds < 1 || changes < 0 {
                return Err(INVALID.to_string());
            }
            Ok((seconds as u64, changes as u64))
        })
        .collect()
}

/// Parses `client-output-buffer-limit <class> <hard> <soft> <seconds> [...]` on top of
/// the current limits: classes not named keep their value.
///
/// Classes are `normal`, `replica` (or `slave`) and `pubsub`, case-insensitive; sizes
/// take memory units; seconds are a non-negative `strtoll` number.
///
/// ```text
/// client-output-buffer-limit pubsub 32mb 8mb 60
/// client-output-buffer-limit foo 1 2 3 -> "Invalid client class specified in buffer limit configuration."
/// ```
pub(crate) fn parse_client_output_buffer_limit(
    args: &[&[u8]],
    mut limits: [ClientBufferLimit; 3],
) -> Result<[ClientBufferLimit; 3], String> {
    if args.len() % 4 != 0 {
        return Err("Wrong number of arguments in buffer limit configuration.".to_string());
    }
    for quad in args.chunks_exact(4) {
        let class = match quad[0].to_ascii_lowercase().as_slice() {
            b"normal" => CLIENT_CLASS_NORMAL,
            b"replica" | b"slave" => CLIENT_CLASS_REPLICA,
            b"pubsub" => CLIENT_CLASS_PUBSUB,
            _ => {
                return Err(
                    "Invalid client class specified in buffer limit configuration.".to_string(),
                )
            }
        };
        let bad = || "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        let hard = parse_memory(quad[1]).ok_or_else(bad)?;
        let soft = parse_memory(quad[2]).ok_or_else(bad)?;
        let seconds = match parse_strtoll(quad[3]) {
            Some((s, false)) if s >= 0 => s as u64,
            _ => return Err(bad().to_string()),
        };
        limits[class] = ClientBufferLimit {
            hard,
            soft,
            soft_seconds: seconds,
        };
    }
    Ok(limits)
}

/// `CONFIG GET client-output-buffer-limit`: all three classes, sizes in bytes.
pub(crate) fn format_client_output_buffer_limit(limits: &[ClientBufferLimit; 3]) -> String {
    limits
        .iter()
        .zip(CLIENT_CLASS_GET_NAMES)
        .map(|(l, class)| format!("{class} {} {} {}", l.hard, l.soft, l.soft_seconds))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses `bind` addresses. Addresses are not resolved here (Redis only finds out when
/// it listens); a `-` prefix marks an address that may be missing.
pub(crate) fn parse_bind(args: &[&[u8]]) -> Result<Vec<String>, String> {
    if args == [b""] {
        return Ok(Vec::new());
    }
    if args.len() > 16 {
        return Err("Too many bind addresses specified.".to_string());
    }
    Ok(args
        .iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect())
}

/// Keyspace notification class bits (`notify-keyspace-events`).
pub mod keyspace_events {
    /// `K`: publish on `__keyspace@<db>__:<key>`.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: publish on `__keyevent@<db>__:<event>`.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: generic commands (DEL, EXPIRE, RENAME, ...).
    pub const GENERIC: u32 = 1 << 2;
    /// `$`: string commands.
    pub const STRING: u32 = 1 << 3;
    /// `l`: list commands.
    pub const LIST: u32 = 1 << 4;
    /// `s`: set commands.
    pub const SET: u32 = 1 << 5;
    /// `h`: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// `z`: sorted-set commands.
    pub const ZSET: u32 = 1 << 7;
    /// `x`: expired events.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: evicted events.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// `m`: key-miss events (not part of `A`).
    pub const KEY_MISS: u32 = 1 << 11;
    /// `d`: module key-type events.
    pub const MODULE: u32 = 1 << 12;
    /// `n`: new-key events (not part of `A`).
    pub const NEW: u32 = 1 << 13;
    /// `A`: alias for `g$lshzxetd`.
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// The class characters and their bits, in the order `CONFIG GET` prints them.
const EVENT_CLASSES: [(u8, u32); 11] = {
    use keyspace_events::*;
    [
        (b'g', GENERIC),
        (b'$', STRING),
        (b'l', LIST),
        (b's', SET),
        (b'h', HASH),
        (b'z', ZSET),
        (b'x', EXPIRED),
        (b'e', EVICTED),
        (b't', STREAM),
        (b'd', MODULE),
        (b'n', NEW),
    ]
};

/// Parses `notify-keyspace-events` class characters (case-sensitive).
///
/// ```text
/// KEA -> KEYSPACE | KEYEVENT | ALL
/// kea -> "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
/// ```
pub(crate) fn parse_keyspace_events(arg: &[u8]) -> Result<u32, String> {
    use keyspace_events::*;
    let mut flags = 0;
    for &c in arg {
        flags |= match c {
            b'A' => ALL,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            b'm' => KEY_MISS,
            _ => EVENT_CLASSES
                .iter()
                .find(|(ch, _)| *ch == c)
                .map(|(_, bit)| *bit)
                .ok_or_else(|| {
                    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_string()
                })?,
        };
    }
    Ok(flags)
}

/// Prints keyspace event flags the way Redis normalises them: `A` when every class of
/// `A` is on (then `n` is not printed, a Redis quirk), else each class in `g$lshzxetdn`
/// order; then `K`, `E`, `m`.
///
/// ```text
/// KEA -> AKE      Kg -> gK      Kmn -> nKm
/// ```
pub(crate) fn format_keyspace_events(flags: u32) -> String {
    use keyspace_events::*;
    let mut out = String::new();
    if flags & ALL == ALL {
        out.push('A');
    } else {
        for (c, bit) in EVENT_CLASSES {
            if flags & bit != 0 {
                out.push(char::from(c));
            }
        }
    }
    for (c, bit) in [('K', KEYSPACE), ('E', KEYEVENT), ('m', KEY_MISS)] {
        if flags & bit != 0 {
            out.push(c);
        }
    }
    out
}

/// Parses the three `oom-score-adj-values`, each in -2000..=2000.
pub(crate) fn parse_oom_score_adj_values(args: &[&[u8]]) -> Result<[i64; 3], String> {
    if args.len() != 3 {
        return Err("wrong number of arguments".to_string());
    }
    let mut out = [0; 3];
    for (slot, arg) in out.iter_mut().zip(args) {
        *slot = match parse_strtoll(arg) {
            Some((v, false)) if (-2000..=2000).contains(&v) => v,
            _ => {
                return Err(
                    "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
                        .to_string(),
                )
            }
        };
    }
    Ok(out)
}

/// Parses `latency-tracking-info-percentiles`: any number of floats in 0..=100.
pub(crate) fn parse_percentiles(args: &[&[u8]]) -> Result<Vec<f64>, String> {
    if args == [b""] {
        return Ok(Vec::new());
    }
    args.iter()
        .map(|arg| {
            let value = parse_double(arg).ok_or_else(|| {
                "Invalid latency-tracking-info-percentiles parameters".to_string()
            })?;
            if (0.0..=100.0).contains(&value) {
                Ok(value)
            } else {
                Err(
                    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                        .to_string(),
                )
            }
        })
        .collect()
}

/// Redis's `string2d`: `strtod` without leading blanks, not NaN.
fn parse_double(arg: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(arg).ok()?;
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let (sign, unsigned) = match text.as_bytes()[0] {
        b'-' => (-1.0, &text[1..]),
        b'+' => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    let value = if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        sign * u64::from_str_radix(hex, 16).ok()? as f64
    } else {
        text.parse::<f64>().ok()?
    };
    (!value.is_nan()).then_some(value)
}

/// Prints percentiles as Redis does: `%f`, then trailing zeros dropped (`99.9`, `50`).
pub(crate) fn format_percentiles(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| {
            let text = format!("{v:.6}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text.is_empty() || text == "-" {
                "0".to_string()
            } else {
                text.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses `replicaof <host> <port>` (or `no one`).
pub(crate) fn parse_replicaof(args: &[&[u8]]) -> Result<Option<(String, u16)>, String> {
    if args.len() != 2 {
        return Err("wrong number of arguments".to_string());
    }
    if args[0].eq_ignore_ascii_case(b"no") && args[1].eq_ignore_ascii_case(b"one") {
        return Ok(None);
    }
    let port = parse_strict_i64(args[1])
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(|| "Invalid master port".to_string())?;
    Ok(Some((String::from_utf8_lossy(args[0]).into_owned(), port)))
}

/// Parses `unixsocketperm`, an octal mode up to `777`, read like C's `strtol(.., 8)`
/// (so `+1` and `""` pass, and `-1` fails the range rather than the parse, as in Redis).
pub(crate) fn parse_octal_perm(arg: &[u8]) -> Result<u64, String> {
    let (value, overflow) = super::value::parse_strtoll_radix(arg, 8)
        .ok_or_else(|| "argument couldn't be parsed as an octal number".to_string())?;
    if overflow || !(0..=0o777).contains(&value) {
        return Err("argument must be between 0 and 777 inclusive".to_string());
    }
    Ok(value as u64)
}

/// Shutdown flag bits (`shutdown-on-sigint`, `shutdown-on-sigterm`); `0` is `default`.
pub mod shutdown_flags {
    /// Save before exiting even without save points.
    pub const SAVE: u32 = 1 << 0;
    /// Do not save, even with save points.
    pub const NOSAVE: u32 = 1 << 1;
    /// Skip waiting for lagging replicas.
    pub const NOW: u32 = 1 << 2;
    /// Exit even if the final save fails.
    pub const FORCE: u32 = 1 << 3;
}

const SHUTDOWN_FLAG_NAMES: [(&str, u32); 4] = [
    ("save", shutdown_flags::SAVE),
    ("nosave", shutdown_flags::NOSAVE),
    ("now", shutdown_flags::NOW),
    ("force", shutdown_flags::FORCE),
];

/// Parses `shutdown-on-sig*`: `default` or any of `save nosave now force`.
pub(crate) fn parse_shutdown_flags(args: &[&[u8]]) -> Result<u32, String> {
    let invalid = || {
        "argument(s) must be one of the following: default, save, nosave, now, force".to_string()
    };
    if args.is_empty() {
        return Err(invalid());
    }
    let mut flags = 0;
    for arg in args {
        if arg.eq_ignore_ascii_case(b"default") {
            continue;
        }
        flags |= SHUTDOWN_FLAG_NAMES
            .iter()
            .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(arg))
            .map(|(_, bit)| *bit)
            .ok_or_else(invalid)?;
    }
    if flags & shutdown_flags::SAVE != 0 && flags & shutdown_flags::NOSAVE != 0 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".to_string());
    }
    Ok(flags)
}

/// Prints shutdown flags: `default`, or the set flags in `save nosave now force` order.
pub(crate) fn format_shutdown_flags(flags: u32) -> String {
    if flags == 0 {
        return "default".to_string();
    }
    SHUTDOWN_FLAG_NAMES
        .iter()
        .filter(|(_, bit)| flags & bit != 0)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses `maxmemory-clients`: a memory size, or a percentage of `maxmemory` (`10%`),
/// stored as Redis stores it: bytes as a positive number, a percentage as a negative one.
///
/// ```text
/// 1gb -> 1073741824     10% -> -10     101% -> "percentage argument must be less or equal to 100"
/// ```
pub(crate) fn parse_memory_or_percent(arg: &[u8]) -> Result<i64, String> {
    let invalid = || "argument must be a memory or percent value".to_string();
    let value = if let Some(percent) = arg.strip_suffix(b"%") {
        let p = parse_strict_i64(percent).ok_or_else(invalid)?;
        if p < 0 {
            return Err(invalid());
        }
        p.wrapping_neg()
    } else {
        // A size too big for a signed number wraps negative, and so reads as a
        // percentage, as it does in Redis (`18446744073709551615` becomes `1%`).
        parse_memory(arg).ok_or_else(invalid)? as i64
    };
    if value < 0 && value.unsigned_abs() > 100 {
        return Err("percentage argument must be less or equal to 100".to_string());
    }
    Ok(value)
}

/// Prints `maxmemory-clients`: `10%`, or bytes (with units when rewriting).
pub(crate) fn format_memory_or_percent(value: i64, units: bool) -> String {
    if value < 0 {
        format!("{}%", value.unsigned_abs())
    } else if units {
        super::value::format_memory_units(value as u64)
    } else {
        value.to_string()
    }
}

/// Validates a checked string directive.
pub(crate) fn check_string(check: super::directive::StringCheck, arg: &[u8]) -> Result<(), String> {
    use super::directive::StringCheck;
    match check {
        StringCheck::Any => Ok(()),
        StringCheck::BaseName(message, empty) => {
            if arg.iter().any(|&b| b == b'/' || b == b'\\') {
                Err(message.to_string())
            } else if arg.is_empty() && !empty.is_empty() {
                Err(empty.to_string())
            } else {
                Ok(())
            }
        }
        StringCheck::Hostname => {
            if arg
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                Ok(())
            } else {
                Err(
                    "Hostnames may only contain alphanumeric characters, hyphens or dots"
                        .to_string(),
                )
            }
        }
        StringCheck::ProcTitle => {
            if proc_title_is_valid(arg) {
                Ok(())
            } else {
                Err("template format is invalid or contains unknown variables".to_string())
            }
        }
    }
}

/// `proc-title-template` checks: `{{`/`}}` are literal braces, `{name}` must be a
/// known variable, and the title must not expand to nothing (Redis rejects both `""`
/// and a bare `{title}`, observed on 7.0.15).
fn proc_title_is_valid(template: &[u8]) -> bool {
    const VARIABLES: [&[u8]; 7] = [
        b"title",
        b"listen-addr",
        b"server-mode",
        b"port",
        b"tls-port",
        b"unixsocket",
        b"config-file",
    ];
    let mut has_other_text = false;
    let mut i = 0;
    while i < template.len() {
        match template[i] {
            b'{' if template.get(i + 1) == Some(&b'{') => {
                has_other_text = true;
                i += 2;
            }
            b'{' => {
                let Some(len) = template[i + 1..].iter().position(|&b| b == b'}') else {
                    return false;
                };
                let name = &template[i + 1..i + 1 + len];
                if !VARIABLES.contains(&name) {
                    return false;
                }
                if name != b"title" {
                    has_other_text = true;
                }
                i += len + 2;
            }
            b'}' if template.get(i + 1) == Some(&b'}') => {
                has_other_text = true;
                i += 2;
            }
            c => {
                if !c.is_ascii_whitespace() {
                    has_other_text = true;
                }
                i += 1;
            }
        }
    }
    has_other_text
}

/// Resolves a `dir` value against the current directory `base` and checks it names an
/// existing directory, without changing the process's working directory.
///
/// Returns the canonical absolute path: exactly what `getcwd` returns after Redis's
/// `chdir`, which is what Redis's `CONFIG GET dir` prints.
///
/// Why no `chdir` here: loading a config must not change the process (tests run in
/// parallel); the server applies it with [`crate::config::Config::apply_dir`].
pub(crate) fn resolve_dir(base: &str, arg: &[u8]) -> Result<String, String> {
    let text = String::from_utf8_lossy(arg);
    if text.is_empty() {
        return Err("No such file or directory".to_string());
    }
    let path = Path::new(text.as_ref());
    let joined: PathBuf = if path.is_absolute() || base.is_empty() {
        path.to_path_buf()
    } else {
        Path::new(base).join(path)
    };
    let canonical = std::fs::canonicalize(&joined).map_err(|e| strerror(&e))?;
    if !canonical.is_dir() {
        return Err("Not a directory".to_string());
    }
    Ok(canonical.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<&[u8]> {
        super::super::value::split_spaces(text.as_bytes())
    }

    #[test]
    fn save_rules() {
        assert_eq!(
            parse_save(&args("900 1 300 10")),
            Ok(vec![(900, 1), (300, 10)])
        );
        assert_eq!(parse_save(&args("")), Ok(vec![]));
        assert_eq!(parse_save(&[b""]), Ok(vec![]));
        assert_eq!(parse_save(&args("1 0")), Ok(vec![(1, 0)]));
        assert_eq!(parse_save(&args("01 +1")), Ok(vec![(1, 1)]));
        assert_eq!(parse_save(&args("1 ")), Ok(vec![(1, 0)]));
        assert_eq!(
            parse_save(&args("9223372036854775808 1")),
            Ok(vec![(9223372036854775807, 1)])
        );
        assert_eq!(parse_save(&[b" 1", b"1"]), Ok(vec![(1, 1)]));
        for bad in [
            "900",
            "900 1 300",
            "a 1",
            "-1 1",
            "  900   1  ",
            "0 0",
            "1k 1",
            "1 -1",
            " 1 1",
            "1 1x",
        ] {
            assert_eq!(
                parse_save(&args(bad)).unwrap_err(),
                "Invalid save parameters",
                "{bad}"
            );
        }
    }

    #[test]
    fn client_output_buffer_limit_rules() {
        let start = [ClientBufferLimit::default(); 3];
        let got = parse_client_output_buffer_limit(&args("replica 1mb 2k 3 NORMAL 5 5 5"), start)
            .unwrap();
        assert_eq!(
            format_client_output_buffer_limit(&got),
            "normal 5 5 5 slave 1048576 2000 3 pubsub 0 0 0"
        );
        let got =
            parse_client_output_buffer_limit(&args("normal 0 0 01 normal 1 1 +1"), start).unwrap();
        assert_eq!(
            got[0],
            ClientBufferLimit {
                hard: 1,
                soft: 1,
                soft_seconds: 1
            }
        );
        assert_eq!(
            parse_client_output_buffer_limit(&args(""), start),
            Ok(start)
        );
        let err = |s| parse_client_output_buffer_limit(&args(s), start).unwrap_err();
        assert_eq!(
            err("pubsub 1 2"),
            "Wrong number of arguments in buffer limit configuration."
        );
        assert_eq!(
            err("normal  1 2 3"),
            "Wrong number of arguments in buffer limit configuration."
        );
        assert_eq!(
            err("foo 1 2 3"),
            "Invalid client class specified in buffer limit configuration."
        );
        assert_eq!(
            err("master 1 2 3"),
            "Invalid client class specified in buffer limit configuration."
        );
        for bad in [
            "normal a 2 3",
            "normal 1 2 -3",
            "normal 1 2 x",
            "normal 1 2 3gb",
            "normal 0 0 9223372036854775808",
        ] {
            assert_eq!(
                err(bad),
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
                "{bad}"
            );
        }
    }

    #[test]
    fn keyspace_events_normalise_like_redis() {
        let cases = [
            ("KEA", "AKE"),
            ("AKE", "AKE"),
            ("g", "g"),
            ("Kg", "gK"),
            ("g$lshzxetd", "A"),
            ("g$lshzxetdK", "AK"),
            ("Kg$lshzxetdmn", "AKm"),
            ("KEm", "KEm"),
            ("Kn", "nK"),
            ("AKEmn", "AKEm"),
            ("KEAA", "AKE"),
            ("", ""),
            ("Kx", "xK"),
            ("Kmn", "nKm"),
            ("K$lshz", "$lshzK"),
            ("KgEx", "gxKE"),
            ("Kndte", "etdnK"),
            ("Kndtexzhsl", "lshzxetdnK"),
            ("mEKg", "gKEm"),
            ("Kn$", "$nK"),
        ];
        for (input, printed) in cases {
            let flags = parse_keyspace_events(input.as_bytes()).unwrap();
            assert_eq!(format_keyspace_events(flags), printed, "{input}");
        }
        assert_eq!(
            parse_keyspace_events(b"kea").unwrap_err(),
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
        );
    }

    #[test]
    fn oom_score_adj_values_rules() {
        assert_eq!(
            parse_oom_score_adj_values(&args("0 200 800")),
            Ok([0, 200, 800])
        );
        assert_eq!(
            parse_oom_score_adj_values(&args("100 50 10")),
            Ok([100, 50, 10])
        );
        assert_eq!(parse_oom_score_adj_values(&args("01 +2 3")), Ok([1, 2, 3]));
        assert_eq!(parse_oom_score_adj_values(&args("0  200")), Ok([0, 0, 200]));
        for bad in ["1 2", " 0 200 800", "", "0  200 800"] {
            assert_eq!(
                parse_oom_score_adj_values(&args(bad)).unwrap_err(),
                "wrong number of arguments"
            );
        }
        for bad in ["a b c", "-2001 0 0", "0 0 2001"] {
            assert_eq!(
                parse_oom_score_adj_values(&args(bad)).unwrap_err(),
                "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
            );
        }
    }

    #[test]
    fn percentiles_rules() {
        let fmt = |s: &str| format_percentiles(&parse_percentiles(&args(s)).unwrap());
        assert_eq!(fmt("50 99 99.9"), "50 99 99.9");
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("50.0 99"), "50 99");
        assert_eq!(fmt("1e1"), "10");
        assert_eq!(fmt("0x10"), "16");
        assert_eq!(fmt("+5"), "5");
        assert_eq!(fmt("33.333333333333"), "33.333333");
        assert_eq!(fmt("0.000001"), "0.000001");
        assert_eq!(fmt("1e-7"), "0");
        assert_eq!(fmt("99 50"), "99 50");
        for bad in ["abc", " 50", "nan", "50  99"] {
            assert_eq!(
                parse_percentiles(&args(bad)).unwrap_err(),
                "Invalid latency-tracking-info-percentiles parameters",
                "{bad}"
            );
        }
        for bad in ["100.1", "-1", "inf"] {
            assert_eq!(
                parse_percentiles(&args(bad)).unwrap_err(),
                "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
            );
        }
    }

    #[test]
    fn replicaof_rules() {
        assert_eq!(
            parse_replicaof(&args("127.0.0.1 6380")),
            Ok(Some(("127.0.0.1".into(), 6380)))
        );
        assert_eq!(parse_replicaof(&args("no ONE")), Ok(None));
        assert_eq!(parse_replicaof(&args("h 0")), Ok(Some(("h".into(), 0))));
        assert_eq!(
            parse_replicaof(&args("h")).unwrap_err(),
            "wrong number of arguments"
        );
        for bad in ["h -1", "h 65536", "h 12x", "h abc"] {
            assert_eq!(
                parse_replicaof(&args(bad)).unwrap_err(),
                "Invalid master port"
            );
        }
    }

    #[test]
    fn octal_perm_rules() {
        assert_eq!(parse_octal_perm(b"700"), Ok(0o700));
        assert_eq!(parse_octal_perm(b"0"), Ok(0));
        assert_eq!(
            parse_octal_perm(b"999").unwrap_err(),
            "argument couldn't be parsed as an octal number"
        );
        assert_eq!(
            parse_octal_perm(b"abc").unwrap_err(),
            "argument couldn't be parsed as an octal number"
        );
        assert_eq!(
            parse_octal_perm(b"7777").unwrap_err(),
            "argument must be between 0 and 777 inclusive"
        );
    }

    #[test]
    fn shutdown_flags_rules() {
        let fmt = |s: &str| format_shutdown_flags(parse_shutdown_flags(&args(s)).unwrap());
        assert_eq!(fmt("save now"), "save now");
        assert_eq!(fmt("now save"), "save now");
        assert_eq!(fmt("nosave force now"), "nosave now force");
        assert_eq!(fmt("default"), "default");
        assert_eq!(fmt("default save"), "save");
        assert_eq!(fmt("SAVE"), "save");
        assert_eq!(
            parse_shutdown_flags(&args("save nosave")).unwrap_err(),
            "shutdown options SAVE and NOSAVE can't be used simultaneously"
        );
        for bad in ["", "save  now", "foo"] {
            assert_eq!(
                parse_shutdown_flags(&args(bad)).unwrap_err(),
                "argument(s) must be one of the following: default, save, nosave, now, force"
            );
        }
    }

    #[test]
    fn memory_or_percent_rules() {
        let fmt = |s: &str| {
            format_memory_or_percent(parse_memory_or_percent(s.as_bytes()).unwrap(), false)
        };
        assert_eq!(fmt("10%"), "10%");
        assert_eq!(fmt("0%"), "0");
        assert_eq!(fmt("100%"), "100%");
        assert_eq!(fmt("0"), "0");
        assert_eq!(fmt("1kb"), "1024");
        assert_eq!(fmt("18446744073709551615"), "1%");
        assert_eq!(fmt("9223372036854775807"), "9223372036854775807");
        for bad in ["101%", "9223372036854775808"] {
            assert_eq!(
                parse_memory_or_percent(bad.as_bytes()).unwrap_err(),
                "percentage argument must be less or equal to 100"
            );
        }
        for bad in ["-5%", "5kb%", "1.5%", "%", "abc"] {
            assert_eq!(
                parse_memory_or_percent(bad.as_bytes()).unwrap_err(),
                "argument must be a memory or percent value"
            );
        }
        assert_eq!(format_memory_or_percent(-10, true), "10%");
        assert_eq!(format_memory_or_percent(3072, true), "3kb");
    }

    #[test]
    fn checked_strings() {
        use super::super::directive::StringCheck;
        let base = StringCheck::BaseName("dbfilename can't be a path, just a filename", "");
        assert!(check_string(base, b"dump.rdb").is_ok());
        assert!(check_string(base, b"").is_ok());
        assert_eq!(
            check_string(base, b"a/b").unwrap_err(),
            "dbfilename can't be a path, just a filename"
        );
        assert!(check_string(base, b"a\\b").is_err());
        let aof = StringCheck::BaseName(
            "appendfilename can't be a path, just a filename",
            "appendfilename can't be empty",
        );
        assert_eq!(
            check_string(aof, b"").unwrap_err(),
            "appendfilename can't be empty"
        );
        assert!(check_string(StringCheck::Hostname, b"A-b.c9").is_ok());
        assert!(check_string(StringCheck::Hostname, b"").is_ok());
        assert_eq!(
            check_string(StringCheck::Hostname, b"a_b").unwrap_err(),
            "Hostnames may only contain alphanumeric characters, hyphens or dots"
        );
        for ok in [
            "{port}",
            "x{title}y",
            "a}",
            "{title} {port} {tls-port} {unixsocket} {config-file} {listen-addr} {server-mode}",
            "{{title}}",
            "abc",
            "{title} {listen-addr} {server-mode}",
        ] {
            assert!(proc_title_is_valid(ok.as_bytes()), "{ok}");
        }
        for bad in ["{title}", "", "{title", "{TITLE}", "{}", "{nosuch}"] {
            assert!(!proc_title_is_valid(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn dir_must_exist() {
        let tmp = std::env::temp_dir();
        let canonical = std::fs::canonicalize(&tmp).unwrap();
        assert_eq!(
            resolve_dir("", tmp.to_string_lossy().as_bytes()),
            Ok(canonical.to_string_lossy().into_owned())
        );
        assert_eq!(
            resolve_dir(&canonical.to_string_lossy(), b"."),
            Ok(canonical.to_string_lossy().into_owned())
        );
        assert_eq!(
            resolve_dir("", b"/nonexistent-cedis-dir").unwrap_err(),
            "No such file or directory"
        );
        assert_eq!(
            resolve_dir("", b"").unwrap_err(),
            "No such file or directory"
        );
    }
}
