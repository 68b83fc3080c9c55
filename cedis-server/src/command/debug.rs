//! `DEBUG <subcommand>` (the subcommands Redis's test suite and client test suites use)
//! and `LASTSAVE`.
//!
//! DEBUG is refused unless `enable-debug-command` allows it (`yes`, or `local` for a
//! loopback client), with Redis's error, and counted as a rejected call.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use cedis_resp::Frame;
use cedis_store::keyspace::{lru_clock, LRU_CLOCK_MAX};
use cedis_store::{Lookup, Ttl};
use cedis_types::{StringValue, Value};

use super::{Acl, Command, Ctx, Doc, DocFlags, Flags};
use crate::args::parse_i64;
use crate::error::{printable_line, CommandError, CommandResult};

/// Arguments each subcommand accepts, counting `DEBUG` and the subcommand: (min, max).
fn arity(sub: &[u8]) -> Option<(usize, usize)> {
    let sub = sub.to_ascii_lowercase();
    Some(match &sub[..] {
        b"help" => (2, 2),
        b"sleep" => (3, 3),
        b"set-active-expire" => (3, 3),
        b"object" => (3, 3),
        b"populate" => (3, 5),
        b"change-repl-id" => (2, 2),
        b"config-rewrite-force-all" => (2, 2),
        b"reload" => (2, usize::MAX),
        b"quicklist-packed-threshold" => (3, 3),
        b"stringmatch-test" => (2, 2),
        b"listpack" => (3, 3),
        b"quicklist" => (3, 4),
        b"protocol" => (3, 3),
        b"error" => (3, 3),
        b"log" => (3, 3),
        b"set-skip-checksum-validation" => (3, 3),
        b"loadaof" => (2, 2),
        b"aof-flush-sleep" => (3, 3),
        b"pause-cron" => (3, 3),
        b"replybuffer" => (4, 4),
        b"structsize" => (2, 2),
        b"digest" => (2, 2),
        b"digest-value" => (2, usize::MAX),
        _ => return None,
    })
}

/// The refusal DEBUG gets when `enable-debug-command` does not allow this client. Also
/// checked before DEBUG is queued in MULTI, as Redis refuses it there.
pub fn protection_error(ctx: &Ctx<'_>) -> Option<CommandError> {
    let local = ctx.client.handle.addr.ip().is_loopback();
    let allowed = ctx.server.config().enable_debug_command.allows(local);
    (!allowed).then_some(CommandError::ProtectedCommand {
        command: "DEBUG",
        option: "enable-debug-command",
    })
}

fn debug(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    if let Some(err) = protection_error(ctx) {
        return Err(err);
    }
    let sub = &argv[1];
    match arity(sub) {
        Some((min, max)) if (min..=max).contains(&argv.len()) => {}
        _ => return Err(CommandError::DebugSubcommand(printable_line(sub))),
    }
    let name = sub.to_ascii_lowercase();
    match &name[..] {
        b"help" => help(ctx),
        b"sleep" => sleep(ctx, &argv[2]),
        b"set-active-expire" => {
            ctx.server
                .active_expire
                .store(atoi(&argv[2]) != 0, Ordering::Relaxed);
            ctx.reply.ok();
            Ok(())
        }
        b"object" => object(ctx, &argv[2]),
        b"aof-flush-sleep" => {
            // Microseconds to sleep before each AOF write (tests check that replies
            // wait for the AOF).
            let us = u64::try_from(atoi(&argv[2])).unwrap_or(0);
            ctx.server.aof.flush_sleep_us.store(us, Ordering::Relaxed);
            ctx.reply.ok();
            Ok(())
        }
        b"populate" => populate(ctx, argv),
        b"change-repl-id" => {
            ctx.server.change_repl_id();
            ctx.reply.ok();
            Ok(())
        }
        b"config-rewrite-force-all" => {
            ctx.server
                .config()
                .rewrite_all()
                .map_err(|err| CommandError::Line(err.to_string()))?;
            ctx.reply.ok();
            Ok(())
        }
        b"reload" => reload(ctx, &argv[2..]),
        b"quicklist-packed-threshold" => {
            const MAX: u64 = (1 << 32) - (1 << 20);
            match parse_memory(&argv[2]) {
                Some(size) if size <= MAX => {
                    ctx.reply.ok();
                    Ok(())
                }
                _ => Err(CommandError::Line(
                    "ERR argument must be a memory value bigger than 1 and smaller than 4gb"
                        .to_string(),
                )),
            }
        }
        b"stringmatch-test" => {
            ctx.reply
                .simple(b"Apparently Redis did not crash: test passed");
            Ok(())
        }
        b"listpack" => encoding_dump(ctx, &argv[2], &["listpack"], "listpack", "Listpack"),
        b"quicklist" => encoding_dump(ctx, &argv[2], &["quicklist"], "quicklist", "Quicklist"),
        b"protocol" => protocol(ctx, &argv[2]),
        b"error" => Err(CommandError::Line(printable_line(&argv[2]))),
        b"log" => {
            tracing::warn!("DEBUG LOG: {}", printable_line(&argv[2]));
            ctx.reply.ok();
            Ok(())
        }
        b"set-skip-checksum-validation" => {
            ctx.server
                .skip_dump_checksum
                .store(atoi(&argv[2]) != 0, Ordering::Relaxed);
            ctx.reply.ok();
            Ok(())
        }
        b"loadaof" => loadaof(ctx),
        b"pause-cron" | b"replybuffer" => {
            ctx.reply.ok();
            Ok(())
        }
        b"structsize" => {
            let text = format!(
                "bits:{} value:{} entry:{} ",
                usize::BITS,
                std::mem::size_of::<Value>(),
                std::mem::size_of::<cedis_store::keyspace::Entry>()
            );
            ctx.reply.bulk(text.as_bytes());
            Ok(())
        }
        b"digest" => {
            let now = ctx.now_ms();
            let store = ctx.store();
            let mut total = Digest::default();
            for (index, db) in store.dbs().iter().enumerate() {
                db.for_each_entry(now, |key, entry, expire| {
                    let mut one = Digest::of(&[b"db", &index.to_le_bytes(), key]);
                    one.mix(&value_digest(&entry.value));
                    if let Some(at) = expire {
                        one.mix(&Digest::of(&[b"expire", &at.to_le_bytes()]));
                    }
                    total.xor(&one);
                });
            }
            ctx.reply.simple(total.hex().as_bytes());
            Ok(())
        }
        b"digest-value" => {
            let now = ctx.now_ms();
            let db = ctx.db();
            let digests: Vec<String> = argv[2..]
                .iter()
                .map(|key| match db.lookup(key, now, Lookup::PEEK) {
                    Some(value) => value_digest(value).hex(),
                    None => Digest::default().hex(),
                })
                .collect();
            ctx.reply.array(digests.len());
            for digest in digests {
                ctx.reply.simple(digest.as_bytes());
            }
            Ok(())
        }
        _ => Err(CommandError::DebugSubcommand(printable_line(sub))),
    }
}

/// A 160-bit content digest for `DEBUG DIGEST`/`DIGEST-VALUE`, printed as 40 hex digits
/// like Redis's. Redis uses SHA-1; these are different (deterministic, non-cryptographic)
/// values with the same properties the test suite relies on: equal contents give equal
/// digests, an empty dataset or missing key gives all zeros, and members of unordered
/// types (sets, hashes) are combined order-independently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Digest([u64; 3]);

impl Digest {
    fn of(parts: &[&[u8]]) -> Digest {
        use std::hash::{Hash, Hasher};
        let mut words = [0u64; 3];
        for (seed, word) in words.iter_mut().enumerate() {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            seed.hash(&mut hasher);
            for part in parts {
                part.hash(&mut hasher);
            }
            *word = hasher.finish();
        }
        Digest(words)
    }

    /// Order-dependent combination.
    fn mix(&mut self, other: &Digest) {
        let bytes: Vec<u8> = self
            .0
            .iter()
            .chain(&other.0)
            .flat_map(|w| w.to_le_bytes())
            .collect();
        *self = Digest::of(&[&bytes]);
    }

    /// Order-independent combination.
    fn xor(&mut self, other: &Digest) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a ^= b;
        }
    }

    fn hex(&self) -> String {
        let hex: String = self.0.iter().map(|w| format!("{w:016x}")).collect();
        hex[..40].to_string()
    }
}

/// The digest of one value: its type and its logical contents.
fn value_digest(value: &Value) -> Digest {
    let mut digest = Digest::of(&[value.type_name().as_bytes()]);
    match value {
        Value::String(s) => digest.mix(&Digest::of(&[&s.to_bytes()])),
        Value::List(list) => {
            for item in list.iter() {
                digest.mix(&Digest::of(&[item]));
            }
        }
        Value::Set(set) => {
            let mut members = Digest::default();
            for member in set.iter() {
                members.xor(&Digest::of(&[&member]));
            }
            digest.mix(&members);
        }
        Value::Hash(hash) => {
            let mut pairs = Digest::default();
            for (field, value) in hash.iter() {
                pairs.xor(&Digest::of(&[field, value]));
            }
            digest.mix(&pairs);
        }
        Value::ZSet(zset) => {
            for (score, member) in zset.iter_from(0, false) {
                digest.mix(&Digest::of(&[member, &score.to_bits().to_le_bytes()]));
            }
        }
        _ => {}
    }
    digest
}

/// C `atoi`: optional spaces and sign, then digits up to the first non-digit; 0 if none.
fn atoi(arg: &[u8]) -> i64 {
    let text = std::str::from_utf8(arg).unwrap_or("").trim_start();
    let (negative, rest) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let mut n: i64 = 0;
    for d in rest.iter().take_while(|d| d.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    if negative {
        -n
    } else {
        n
    }
}

/// C `strtod` on a whole argument as Redis uses it for DEBUG SLEEP: the longest numeric
/// prefix, 0 when there is none.
fn strtod_prefix(arg: &[u8]) -> f64 {
    let start = arg
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(arg.len());
    // Only the characters a decimal number can hold, and no more than any double needs.
    let numeric: String = arg[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        .take(400)
        .map(|&b| char::from(b))
        .collect();
    (1..=numeric.len())
        .rev()
        .find_map(|end| numeric[..end].parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
}

/// A memory size as in a config file: digits with an optional `b`, `k`, `kb`, `m`, `mb`,
/// `g` or `gb` (case-insensitive; `k` is 1000, `kb` 1024).
fn parse_memory(arg: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(arg).ok()?.to_ascii_lowercase();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let multiplier: u64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(multiplier)
}

/// `DEBUG SLEEP seconds`: stops the whole server, as Redis does, by holding the keyspace
/// for the duration.
fn sleep(ctx: &mut Ctx<'_>, arg: &[u8]) -> CommandResult {
    let seconds = strtod_prefix(arg);
    let _store = ctx.store();
    if seconds > 0.0 {
        std::thread::sleep(Duration::from_secs_f64(seconds.min(1e9)));
    }
    ctx.reply.ok();
    Ok(())
}

/// How many bytes `rdbSaveLen` uses for a length.
fn rdb_len_size(len: usize) -> usize {
    if len < 1 << 6 {
        1
    } else if len < 1 << 14 {
        2
    } else if u32::try_from(len).is_ok() {
        5
    } else {
        9
    }
}

/// The length of `input` compressed by LZF (liblzf 3.6 as Redis builds it: `HLOG` 16,
/// `VERY_FAST`), or `None` when it does not fit in `out_len` bytes. Only the length is
/// computed: DEBUG OBJECT's `serializedlength` needs nothing else.
fn lzf_compressed_len(input: &[u8], out_len: usize) -> Option<usize> {
    const HLOG: u32 = 16;
    const HSIZE: usize = 1 << HLOG;
    const MAX_LIT: usize = 1 << 5;
    const MAX_OFF: usize = 1 << 13;
    const MAX_REF: usize = (1 << 8) + (1 << 3);
    const EMPTY: u32 = u32::MAX;
    let in_len = input.len();
    if in_len == 0 || out_len == 0 {
        return None;
    }
    let byte = |i: usize| u32::from(input.get(i).copied().unwrap_or(0));
    let first = |p: usize| (byte(p) << 8) | byte(p + 1);
    let next = |v: u32, p: usize| (v << 8) | byte(p + 2);
    let index =
        |h: u32| ((h >> (24 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1);
    let mut table = vec![EMPTY; HSIZE];
    let (mut ip, mut op, mut lit) = (0usize, 1usize, 0usize);
    let mut hval = first(0);
    while ip + 2 < in_len {
        hval = next(hval, ip);
        let slot = index(hval);
        let earlier = table[slot];
        table[slot] = u32::try_from(ip).unwrap_or(EMPTY);
        let found = usize::try_from(earlier)
            .ok()
            .filter(|_| earlier != EMPTY)
            .filter(|&r| r > 0 && r < ip && ip - r - 1 < MAX_OFF)
            .filter(|&r| input[r..r + 3] == input[ip..ip + 3]);
        if let Some(r) = found {
            let maxlen = (in_len - ip - 2).min(MAX_REF);
            if op + 4 >= out_len && op - usize::from(lit == 0) + 4 >= out_len {
                return None;
            }
            if lit == 0 {
                op -= 1;
            }
            // liblzf unrolls 16 steps of the match loop when more than 16 bytes are left,
            // without checking `maxlen` in them: a match found there ends one byte past
            // where the plain loop would stop it. Redis's lengths depend on that.
            let mut len = 2;
            let mut mismatch = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        mismatch = true;
                        break;
                    }
                }
            }
            if !mismatch {
                loop {
                    len += 1;
                    if !(len < maxlen && input[r + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2;
            ip += 1;
            op += if len < 7 { 2 } else { 3 };
            op += 1; // the next literal run's length byte
            lit = 0;
            ip += len + 1;
            if ip + 2 >= in_len {
                break;
            }
            ip -= 2;
            hval = first(ip);
            hval = next(hval, ip);
            table[index(hval)] = u32::try_from(ip).unwrap_or(EMPTY);
            ip += 1;
            hval = next(hval, ip);
            table[index(hval)] = u32::try_from(ip).unwrap_or(EMPTY);
            ip += 1;
        } else {
            if op >= out_len {
                return None;
            }
            lit += 1;
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_len {
        return None;
    }
    while ip < in_len {
        lit += 1;
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            lit = 0;
            op += 1;
        }
    }
    if lit == 0 {
        op -= 1;
    }
    Some(op)
}

/// The size of a string in an RDB file, LZF-compressed (over 20 bytes, when it saves at
/// least 4 bytes) when `compress` (`rdbcompression`).
fn rdb_string_size(bytes: &[u8], compress: bool) -> usize {
    // Short strings that are integers are stored as 8/16/32-bit integers.
    if bytes.len() <= 11 {
        let canonical = parse_i64(bytes).filter(|n| n.to_string().as_bytes() == bytes);
        if let Some(n) = canonical {
            if i8::try_from(n).is_ok() {
                return 2;
            }
            if i16::try_from(n).is_ok() {
                return 3;
            }
            if i32::try_from(n).is_ok() {
                return 5;
            }
        }
    }
    if compress && bytes.len() > 20 {
        if let Some(compressed) = lzf_compressed_len(bytes, bytes.len() - 4) {
            return 1 + rdb_len_size(compressed) + rdb_len_size(bytes.len()) + compressed;
        }
    }
    rdb_len_size(bytes.len()) + bytes.len()
}

/// `serializedlength` of DEBUG OBJECT.
fn serialized_length(value: &Value, compress: bool) -> usize {
    match value.as_string() {
        Some(s) => rdb_string_size(&s.to_bytes(), compress),
        None => 0,
    }
}

fn object(ctx: &mut Ctx<'_>, key: &[u8]) -> CommandResult {
    let now = ctx.now_ms();
    let (maxmemory, policy, compress) = {
        let config = ctx.server.config();
        (
            config.maxmemory,
            config.maxmemory_policy,
            config.rdbcompression,
        )
    };
    let db = ctx.db();
    let idle = db.idle_time(key, now).ok_or(CommandError::NoSuchKey)?;
    let line = {
        let value = db
            .lookup(key, now, Lookup::PEEK)
            .ok_or(CommandError::NoSuchKey)?;
        let clock = u64::from(lru_clock(now));
        let lru = (clock + u64::from(LRU_CLOCK_MAX) + 1 - idle % (u64::from(LRU_CLOCK_MAX) + 1))
            % (u64::from(LRU_CLOCK_MAX) + 1);
        format!(
            "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{lru} lru_seconds_idle:{idle}",
            value,
            super::keys::refcount(value, maxmemory, policy),
            value.encoding(),
                        serialized_length(value, compress),
        )
    };
    ctx.reply.simple(line.as_bytes());
    Ok(())
}

/// `DEBUG POPULATE count [prefix] [size]`: creates string keys `prefix:N` (prefix `key`)
/// holding `value:N`, cut or zero-padded to `size` bytes when a size is given; existing
/// keys are left alone.
fn populate(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let positive = |arg: &[u8]| {
        parse_i64(arg)
            .filter(|&n| n >= 0)
            .ok_or(CommandError::NotPositive)
    };
    let count = positive(&argv[2])?;
    let size = match argv.get(4) {
        Some(arg) => Some(usize::try_from(positive(arg)?).unwrap_or(usize::MAX)),
        None => None,
    };
    let prefix: &[u8] = argv.get(3).map_or(b"key", |p| &p[..]);
    let now = ctx.now_ms();
    let db = ctx.db();
    for j in 0..count {
        let mut key = prefix.to_vec();
        key.extend_from_slice(format!(":{j}").as_bytes());
        // Redis formats the key into a 128-byte buffer.
        key.truncate(127);
        if db.contains(&key, now) {
            continue;
        }
        let text = format!("value:{j}");
        let value = match size {
            None | Some(0) => text.into_bytes(),
            Some(size) => {
                let mut bytes = vec![0u8; size];
                let n = size.min(text.len());
                bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
                bytes
            }
        };
        db.set(
            &key,
            Value::String(StringValue::from_bytes(&value)),
            Ttl::Clear,
            now,
        );
    }
    ctx.reply.ok();
    Ok(())
}

/// DEBUG LISTPACK / QUICKLIST: only for values in that encoding (their dump goes to the
/// log in Redis; cedis has nothing lower-level to show).
fn encoding_dump(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    encodings: &[&str],
    article: &str,
    title: &str,
) -> CommandResult {
    let now = ctx.now_ms();
    let encoding = ctx
        .db()
        .get(key, now)
        .map(Value::encoding)
        .ok_or(CommandError::NoSuchKey)?;
    if !encodings.contains(&encoding) {
        return Err(CommandError::Line(format!(
            "ERR Not a {article} encoded object."
        )));
    }
    ctx.reply
        .simple(format!("{title} structure printed on stdout").as_bytes());
    Ok(())
}

/// `DEBUG PROTOCOL <type>`: a sample reply of each RESP type (Redis's sample values;
/// its double is 3.141, not π).
#[allow(clippy::approx_constant)]
fn protocol(ctx: &mut Ctx<'_>, kind: &[u8]) -> CommandResult {
    let reply = &mut *ctx.reply;
    let kind = kind.to_ascii_lowercase();
    match &kind[..] {
        b"string" => reply.bulk(b"Hello World"),
        b"integer" => reply.int(12345),
        b"double" => reply.double(3.141),
        b"bignum" => reply.frame(&Frame::BigNumber(Bytes::from_static(
            b"1234567999999999999999999999999999999",
        ))),
        b"null" => reply.null(),
        b"array" => {
            reply.array(3);
            (0..3).for_each(|j| reply.int(j));
        }
        b"set" => {
            reply.set(3);
            (0..3).for_each(|j| reply.int(j));
        }
        b"map" => {
            reply.map(3);
            for j in 0..3 {
                reply.int(j);
                reply.boolean(j == 1);
            }
        }
        b"attrib" => {
            reply.frame(&Frame::Attribute {
                attributes: vec![(
                    Frame::Bulk(Bytes::from_static(b"key-popularity")),
                    Frame::Array(vec![
                        Frame::Bulk(Bytes::from_static(b"key:123")),
                        Frame::Integer(90),
                    ]),
                )],
                data: Box::new(Frame::Bulk(Bytes::from_static(
                    b"Some real reply following the attribute",
                ))),
            });
        }
        b"push" => {
            if reply.protocol() == cedis_resp::Protocol::Resp2 {
                return Err(CommandError::Line(
                    "ERR RESP2 is not supported by this command".to_string(),
                ));
            }
            reply.push(2);
            reply.bulk(b"server-cpu-usage");
            reply.int(42);
            reply.bulk(b"Some real reply following the push reply");
        }
        b"true" => reply.boolean(true),
        b"false" => reply.boolean(false),
        b"verbatim" => reply.verbatim(b"txt", b"This is a verbatim\nstring"),
        _ => {
            return Err(CommandError::Line(
                "ERR Wrong protocol type name. Please use one of the following: \
                 string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false"
                    .to_string(),
            ))
        }
    }
    Ok(())
}

fn help(ctx: &mut Ctx<'_>) -> CommandResult {
    ctx.reply.help(
        "DEBUG",
        &[
            "CHANGE-REPL-ID",
            "    Replaces the replication ID with a new random one.",
            "ERROR <string>",
            "    Replies with <string> as an error.",
            "LISTPACK <key>",
            "    Checks that <key> is listpack encoded.",
            "LOG <message>",
            "    Writes <message> to the server log.",
            "OBJECT <key>",
            "    Shows low-level details of the value stored at <key>.",
            "PAUSE-CRON <0|1>",
            "    Accepted for compatibility.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Creates <count> string keys named <prefix>:<num> (prefix 'key') holding",
            "    'value:<num>', cut or padded to <size> bytes when given.",
            "PROTOCOL <type>",
            "    Replies with a sample of a RESP type: string, integer, double, bignum,",
            "    null, array, set, map, attrib, push, verbatim, true or false.",
            "QUICKLIST <key> [<0|1>]",
            "    Checks that <key> is quicklist encoded.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Accepted for compatibility (sizes up to 4gb).",
            "RELOAD [option ...]",
            "    Not supported yet.",
            "REPLYBUFFER <subcommand> <value>",
            "    Accepted for compatibility.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Turns the background expiry of keys off (0) or on (1).",
            "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
            "    Accepted for compatibility.",
            "SLEEP <seconds>",
            "    Stops the server for <seconds> (decimals allowed).",
            "STRINGMATCH-TEST",
            "    Runs the glob matcher self-test.",
            "STRUCTSIZE",
            "    Shows the sizes of internal structures.",
        ],
    );
    Ok(())
}

/// `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: save the dataset (unless NOSAVE), then
/// replace it with what the file holds, as a restart would. MERGE and NOFLUSH are
/// accepted and load the same way (the file replaces the dataset).
fn reload(ctx: &mut Ctx<'_>, options: &[Bytes]) -> CommandResult {
    let mut save = true;
    for option in options {
        let option = option.to_ascii_lowercase();
        match &option[..] {
            b"nosave" => save = false,
            b"merge" | b"noflush" => {}
            _ => return Err(CommandError::Syntax),
        }
    }
    let server = ctx.server;
    // A background save in progress is cut short: the dataset it reads is replaced.
    let aborted = server.persistence.cancel_job(ctx.store());
    drop(aborted);
    if save {
        server.save_now(ctx.store()).map_err(|err| {
            tracing::warn!("Error trying to save the DB: {err}");
            CommandError::Line("ERR Error trying to save the DB".to_string())
        })?;
    }
    server.load_rdb(ctx.store()).map_err(|err| {
        tracing::warn!("Error trying to load the RDB dump: {err}");
        CommandError::Line("ERR Error trying to load the RDB dump, check server logs.".to_string())
    })?;
    tracing::info!("DB reloaded by DEBUG RELOAD");
    ctx.reply.ok();
    Ok(())
}

/// `DEBUG LOADAOF`: flush the AOF to disk, empty the dataset and load it back from the
/// AOF files, as a restart with `appendonly yes` would. The AOF's own state (the file
/// being appended to, a rewrite running) is left as it is.
fn loadaof(ctx: &mut Ctx<'_>) -> CommandResult {
    let server = ctx.server;
    let Some(this) = server.arc() else {
        return Err(CommandError::Line(
            "ERR the server is not serving yet".to_string(),
        ));
    };
    if server.aof.is_on() {
        server.aof.flush_all();
    }
    // The loader takes the keyspace lock per command: give up this batch's hold first.
    ctx.store().flush_all();
    ctx.release_store();
    crate::aof::replay(&this).map_err(|err| {
        tracing::warn!("DEBUG LOADAOF: {err}");
        CommandError::Line("ERR Error loading the AOF, check server logs.".to_string())
    })?;
    tracing::info!("Append Only File loaded by DEBUG LOADAOF");
    ctx.reply.ok();
    Ok(())
}

/// LASTSAVE: the Unix time of the last successful save (start-up time before one).
fn lastsave(ctx: &mut Ctx<'_>, _argv: &[Bytes]) -> CommandResult {
    let at = ctx.server.lastsave.load(Ordering::Relaxed);
    ctx.reply.int(i64::try_from(at).unwrap_or(i64::MAX));
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "debug",
        -2,
        Doc::new(
            "A container for debugging commands.",
            "1.0.0",
            "server",
            "Depends on subcommand.",
            "",
        )
        .flags(DocFlags::SYSCMD),
        debug,
    )
    .flags(
        Flags::ADMIN
            .union(Flags::NOSCRIPT)
            .union(Flags::LOADING)
            .union(Flags::STALE),
    ),
    Command::new(
        "lastsave",
        1,
        Doc::new(
            "Returns the Unix time of the last successful save to disk.",
            "1.0.0",
            "server",
            "O(1)",
            "",
        ),
        lastsave,
    )
    .flags(Flags::LOADING.union(Flags::STALE).union(Flags::FAST))
    .acl(Acl::ADMIN.union(Acl::DANGEROUS))
    .tips(&["nondeterministic_output"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_number_parsers() {
        assert_eq!(atoi(b"1"), 1);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b" 12x"), 12);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(strtod_prefix(b"0.5"), 0.5);
        assert_eq!(strtod_prefix(b"abc"), 0.0);
        assert_eq!(strtod_prefix(b"1e-3"), 0.001);
        assert_eq!(strtod_prefix(b"2s"), 2.0);
        assert_eq!(parse_memory(b"1k"), Some(1000));
        assert_eq!(parse_memory(b"4095mb"), Some(4095 << 20));
        assert_eq!(parse_memory(b"1.5"), None);
        assert_eq!(parse_memory(b"-1"), None);
    }

    #[test]
    fn rdb_sizes() {
        assert_eq!(rdb_string_size(b"v2", true), 3);
        assert_eq!(rdb_string_size(b"12345", true), 3);
        assert_eq!(rdb_string_size(b"-1", true), 2);
        assert_eq!(rdb_string_size(b"012", true), 4);
        assert_eq!(rdb_string_size(&[b'x'; 64], false), 66);
    }

    /// `serializedlength` observed on Redis 7.0.15 (`rdbcompression yes`).
    #[test]
    fn lzf_lengths_match_redis() {
        let cases: &[(String, usize)] = &[
            ("x".repeat(60), 12),
            ("x".repeat(21), 9),
            ("x".repeat(22), 11),
            ("x".repeat(23), 12),
            ("x".repeat(63), 12),
            ("x".repeat(64), 13),
            ("x".repeat(266), 13),
            ("x".repeat(270), 14),
            ("x".repeat(20), 21),
            ("ab".repeat(15), 13),
            ("abc".repeat(34), 15),
            ("hello world hello world hello world".into(), 23),
            ("1234567890".repeat(3), 18),
            (
                "the quick brown fox jumps over the lazy dog; the quick brown fox jumps again"
                    .into(),
                60,
            ),
            ("x".repeat(300), 16),
            ("y".repeat(20000), 242),
            ("0123456789".repeat(40), 25),
        ];
        for (text, want) in cases {
            assert_eq!(
                rdb_string_size(text.as_bytes(), true),
                *want,
                "{} bytes of {:?}",
                text.len(),
                &text[..10.min(text.len())]
            );
        }
    }

    #[test]
    fn unknown_or_misused_subcommands() {
        assert!(arity(b"nope").is_none());
        assert_eq!(arity(b"SLEEP"), Some((3, 3)));
    }
}
