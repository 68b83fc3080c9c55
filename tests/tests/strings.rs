//! The string commands compared with real Redis 7.0.15: GET, SET (every option), GETSET,
//! GETEX, GETDEL, MGET, MSET, MSETNX, APPEND, STRLEN, the INCR/DECR family, INCRBYFLOAT,
//! SETNX, SETEX, PSETEX, GETRANGE, SUBSTR, SETRANGE and LCS; their COMMAND INFO/DOCS.
//!
//! Replies must be byte-identical. Values that are not UTF-8 go through [`Both`], which
//! sends raw bytes to both servers. Tests that need a key of another type (WRONGTYPE) use
//! LPUSH and are ignored until cedis has lists; they pass against Redis with
//! `--ignored`.

use std::time::Duration;

use cedis_tests::{Both, Differential, Mask, RawConn, XorShift64};

/// Redis's reply for a key of another type, made with LPUSH (cedis has no lists yet).
const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

#[test]
fn get_and_set_basics() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["GET", "missing"],
        &["SET", "k", "v"],
        &["GET", "k"],
        &["SET", "k", "other"],
        &["GET", "k"],
        &["SET", "empty", ""],
        &["GET", "empty"],
        &["STRLEN", "empty"],
        &["EXISTS", "empty"],
        &["SET", "", "empty key"],
        &["GET", ""],
        &["SET", "n", "12345"],
        &["GET", "n"],
        &["SET", "n", "-0"],
        &["GET", "n"],
        &["SET", "n", "007"],
        &["GET", "n"],
        &["SET", "n", "-9223372036854775808"],
        &["GET", "n"],
        &["SET", "n", "9223372036854775808"],
        &["GET", "n"],
        &["get", "K"],
        &["gEt", "k"],
    ]);
    // Binary-safe keys and values.
    let binary: &[&[u8]] = &[
        b"\x00",
        b"a\x00b",
        b"\r\n",
        b"line\r\nbreak\r\n",
        b"\xff\xfe\x80\x00",
        b"$3\r\nfoo\r\n",
        b"*1\r\n",
        b" leading and trailing ",
    ];
    for v in binary {
        b.check(&[&b"SET"[..], v, v]);
        b.check(&[&b"GET"[..], v]);
        b.check(&[&b"STRLEN"[..], v]);
    }
    // Long keys and values.
    let long_key = vec![b'k'; 10_000];
    let long_value: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    b.check(&[&b"SET"[..], &long_key, &long_value]);
    b.check(&[&b"GET"[..], &long_key]);
    b.check(&[&b"STRLEN"[..], &long_key]);
    // Arity.
    b.all(&[
        &["GET"],
        &["GET", "a", "b"],
        &["SET"],
        &["SET", "k"],
        &["STRLEN"],
        &["STRLEN", "a", "b"],
    ]);
}

#[test]
fn set_options() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        // NX / XX.
        &["SET", "k", "1", "NX"],
        &["SET", "k", "2", "NX"],
        &["GET", "k"],
        &["SET", "k", "3", "XX"],
        &["GET", "k"],
        &["SET", "missing", "x", "XX"],
        &["EXISTS", "missing"],
        &["SET", "k", "4", "nx", "nx"],
        &["SET", "k", "4", "xx", "xx"],
        &["GET", "k"],
        &["SET", "k", "5", "NX", "XX"],
        &["SET", "k", "5", "XX", "NX"],
        // GET.
        &["SET", "k", "6", "GET"],
        &["SET", "fresh", "1", "GET"],
        &["SET", "k", "7", "GET", "GET"],
        &["SET", "k", "8", "NX", "GET"],
        &["GET", "k"],
        &["SET", "k", "9", "XX", "GET"],
        &["SET", "absent", "9", "XX", "GET"],
        &["EXISTS", "absent"],
        &["SET", "absent", "9", "NX", "GET"],
        &["GET", "absent"],
        &["SET", "k", "10", "get", "xx", "ex", "100"],
        &["TTL", "k"],
        // Expiry options and their conflicts.
        &["SET", "k", "v", "EX", "100"],
        &["TTL", "k"],
        &["SET", "k", "v", "PX", "100000"],
        &["TTL", "k"],
        &["SET", "k", "v", "EX", "10", "EX", "20"],
        &["TTL", "k"],
        &["SET", "k", "v", "PX", "10", "EX", "20"],
        &["SET", "k", "v", "EX", "10", "PX", "20"],
        &["SET", "k", "v", "EX", "10", "EXAT", "20"],
        &["SET", "k", "v", "PXAT", "10", "EXAT", "20"],
        &["SET", "k", "v", "KEEPTTL", "EX", "1"],
        &["SET", "k", "v", "EX", "1", "KEEPTTL"],
        &["SET", "k", "v", "KEEPTTL", "KEEPTTL"],
        &["SET", "k", "v", "EX"],
        &["SET", "k", "v", "PX"],
        &["SET", "k", "v", "EXAT"],
        &["SET", "k", "v", "PXAT"],
        &["SET", "k", "v", "EX", "NX"],
        &["SET", "k", "v", "NX", "EX"],
        &["SET", "k", "v", "foo"],
        &["SET", "k", "v", "NX", "foo"],
        &["SET", "k", "v", "PERSIST"],
        &["SET", "k", "v", "EX", "abc"],
        &["SET", "k", "v", "EX", "1.5"],
        &["SET", "k", "v", "EX", " 1"],
        &["SET", "k", "v", "EX", "+1"],
        &["SET", "k", "v", "EX", "0"],
        &["SET", "k", "v", "EX", "-1"],
        &["SET", "k", "v", "PX", "0"],
        &["SET", "k", "v", "EXAT", "0"],
        &["SET", "k", "v", "PXAT", "-5"],
        &["SET", "k", "v", "EX", "9223372036854775807"],
        &["SET", "k", "v", "EX", "9223372036854775808"],
        &["SET", "k", "v", "EX", "9223372036854775"],
        &["SET", "k", "v", "EX", "9999999999999999"],
        &["SET", "k", "v", "PX", "9223372036854775807"],
        &["SET", "k", "v", "PX", "9223372036854000000"],
        &["SET", "k", "v", "EXAT", "9223372036854776"],
        &["SET", "k", "v", "EXAT", "9223372036854775"],
        &["EXPIRETIME", "k"],
        &["SET", "k", "v", "PXAT", "9223372036854775807"],
        &["PEXPIRETIME", "k"],
        &["SET", "k", "v", "EXAT", "4102444800"],
        &["EXPIRETIME", "k"],
        &["SET", "k", "v", "PXAT", "4102444800123"],
        &["PEXPIRETIME", "k"],
        // The expiry is checked before GET looks at the key and before NX/XX apply.
        &["SET", "k", "v", "EX", "0", "GET"],
        &["SET", "newkey", "v", "NX", "EX", "abc"],
        &["EXISTS", "newkey"],
        // Case-insensitive options.
        &["set", "k", "v", "ex", "50", "nx"],
        &["SET", "k", "w", "Px", "50000", "Xx", "gEt"],
        &["TTL", "k"],
    ]);
}

#[test]
fn set_and_ttls() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["SET", "k", "v", "EX", "100"],
        &["TTL", "k"],
        // A plain SET clears the TTL; KEEPTTL keeps it.
        &["SET", "k", "v2"],
        &["TTL", "k"],
        &["SET", "k", "v", "EX", "100"],
        &["SET", "k", "v3", "KEEPTTL"],
        &["TTL", "k"],
        &["GET", "k"],
        &["SET", "k", "v4", "KEEPTTL", "GET"],
        &["TTL", "k"],
        &["SET", "nottl", "v", "KEEPTTL"],
        &["TTL", "nottl"],
        // GETSET, MSET, SETNX over a key with a TTL clear it (SETNX only creates).
        &["GETSET", "k", "v5"],
        &["TTL", "k"],
        &["SET", "k", "v", "EX", "100"],
        &["MSET", "k", "v6"],
        &["TTL", "k"],
        // In-place changes keep it.
        &["SET", "n", "10", "EX", "100"],
        &["INCR", "n"],
        &["INCRBY", "n", "5"],
        &["DECR", "n"],
        &["DECRBY", "n", "2"],
        &["INCRBYFLOAT", "n", "0.5"],
        &["APPEND", "n", "0"],
        &["SETRANGE", "n", "0", "9"],
        &["GET", "n"],
        &["TTL", "n"],
        // A deadline already in the past: the key is gone for every reader.
        &["SET", "past", "v", "PXAT", "1"],
        &["GET", "past"],
        &["EXISTS", "past"],
        &["SET", "past", "v", "EXAT", "1", "GET"],
        &["SET", "past", "v", "EXAT", "1", "GET"],
        &["EXISTS", "past"],
        // SETEX / PSETEX.
        &["SETEX", "s", "100", "v"],
        &["TTL", "s"],
        &["GET", "s"],
        &["PSETEX", "p", "100000", "v"],
        &["TTL", "p"],
        &["SETEX", "s", "0", "v"],
        &["SETEX", "s", "-1", "v"],
        &["SETEX", "s", "abc", "v"],
        &["SETEX", "s", "9223372036854775", "v"],
        &["SETEX", "s", "9223372036854774", "v"],
        &["PSETEX", "p", "0", "v"],
        &["PSETEX", "p", "9223372036854775807", "v"],
        &["PSETEX", "p", "9223372036854775000", "v"],
        &["SETEX", "s", "10"],
        &["SETEX", "s", "10", "v", "x"],
        &["PSETEX", "p"],
        &["TTL", "s"],
    ]);
    // Short real deadlines.
    b.all(&[
        &["SET", "short", "v", "PX", "100"],
        &["PSETEX", "short2", "100", "v"],
        &["SET", "short3", "v"],
        &["GETEX", "short3", "PX", "100"],
    ]);
    std::thread::sleep(Duration::from_millis(250));
    b.all(&[
        &["GET", "short"],
        &["GET", "short2"],
        &["GET", "short3"],
        &["EXISTS", "short", "short2", "short3"],
        &["SET", "short", "again", "XX"],
        &["SETNX", "short2", "again"],
        &["GET", "short2"],
    ]);
}

#[test]
fn getset_getex_getdel() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["GETSET", "k", "1"],
        &["GETSET", "k", "2"],
        &["GET", "k"],
        &["GETSET", "k"],
        &["GETSET", "k", "a", "b"],
        // GETDEL.
        &["GETDEL", "k"],
        &["GETDEL", "k"],
        &["EXISTS", "k"],
        &["GETDEL"],
        &["GETDEL", "a", "b"],
        // GETEX without options reads, with options changes the TTL.
        &["GETEX", "missing"],
        &["GETEX", "missing", "EX", "10"],
        &["GETEX", "missing", "EX", "-1"],
        &["GETEX", "missing", "EX", "abc"],
        &["GETEX", "missing", "foo"],
        &["GETEX", "missing", "EX"],
        &["SET", "k", "v"],
        &["GETEX", "k"],
        &["TTL", "k"],
        &["GETEX", "k", "EX", "100"],
        &["TTL", "k"],
        &["GETEX", "k", "PX", "200000"],
        &["TTL", "k"],
        &["GETEX", "k", "EXAT", "4102444800"],
        &["EXPIRETIME", "k"],
        &["GETEX", "k", "PXAT", "4102444800999"],
        &["PEXPIRETIME", "k"],
        &["GETEX", "k", "PERSIST"],
        &["TTL", "k"],
        &["GETEX", "k", "PERSIST"],
        &["GETEX", "k", "persist", "persist"],
        &["GETEX", "k", "ex", "10", "ex", "20"],
        &["TTL", "k"],
        // Conflicts and bad values.
        &["GETEX", "k", "EX", "10", "PX", "10"],
        &["GETEX", "k", "PERSIST", "EX", "10"],
        &["GETEX", "k", "EX", "10", "PERSIST"],
        &["GETEX", "k", "EXAT", "10", "PXAT", "10"],
        &["GETEX", "k", "KEEPTTL"],
        &["GETEX", "k", "NX"],
        &["GETEX", "k", "EX"],
        &["GETEX", "k", "EX", "0"],
        &["GETEX", "k", "EX", "-5"],
        &["GETEX", "k", "EX", "abc"],
        &["GETEX", "k", "PX", "9223372036854775807"],
        &["GETEX", "k", "EX", "9223372036854775"],
        &["GETEX", "k", "EXAT", "9223372036854776"],
        &["GETEX", "k", "EXAT", "0"],
        &["GETEX", "k", "PXAT", "-1"],
        &["TTL", "k"],
        &["GETEX", "k", "PXAT", "9223372036854775807"],
        &["PEXPIRETIME", "k"],
        // A deadline in the past deletes the key, after replying with its value.
        &["GETEX", "k", "EXAT", "1"],
        &["EXISTS", "k"],
        &["GETEX"],
        // Integers come back as text.
        &["SET", "n", "42"],
        &["GETEX", "n", "EX", "100"],
        &["GETDEL", "n"],
        &["SET", "n", "-7"],
        &["GETSET", "n", "8"],
    ]);
    b.check(&[&b"SET"[..], b"bin", b"\x00\xff\r\n"]);
    b.check(&[&b"GETEX"[..], b"bin", b"PERSIST"]);
    b.check(&[&b"GETDEL"[..], b"bin"]);
}

#[test]
fn mget_mset_msetnx() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["MSET", "a", "1", "b", "2", "c", "3"],
        &["MGET", "a", "b", "c", "missing", "a"],
        &["MGET", "missing"],
        &["MSET", "a", "x", "a", "y"],
        &["GET", "a"],
        &["MSET", "a"],
        &["MSET", "a", "1", "b"],
        &["MSET"],
        &["MGET"],
        &["MSETNX", "a", "1"],
        &["MSETNX", "n1", "1", "n2", "2"],
        &["MGET", "n1", "n2"],
        &["MSETNX", "n3", "3", "n1", "x"],
        &["EXISTS", "n3"],
        &["MSETNX", "d", "1", "d", "2"],
        &["GET", "d"],
        &["MSETNX", "a"],
        &["MSETNX", "a", "1", "b"],
        &["MSETNX"],
        &["mset", "e", ""],
        &["MGET", "e"],
    ]);
    b.check(&[&b"MSET"[..], b"\x00", b"\r\n", b"\xff", b""]);
    b.check(&[&b"MGET"[..], b"\x00", b"\xff", b"nope"]);
}

#[test]
fn append_and_strlen() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["APPEND", "k", "hello"],
        &["APPEND", "k", " world"],
        &["GET", "k"],
        &["STRLEN", "k"],
        &["APPEND", "k", ""],
        &["APPEND", "new", ""],
        &["EXISTS", "new"],
        &["STRLEN", "new"],
        &["STRLEN", "missing"],
        &["SET", "n", "123"],
        &["STRLEN", "n"],
        &["APPEND", "n", "456"],
        &["GET", "n"],
        &["INCR", "n"],
        &["SET", "m", "-9223372036854775808"],
        &["STRLEN", "m"],
        &["APPEND", "num", "42"],
        &["INCR", "num"],
        &["APPEND"],
        &["APPEND", "k"],
        &["APPEND", "k", "a", "b"],
    ]);
    b.check(&[&b"APPEND"[..], b"bin", b"\x00\r\n"]);
    b.check(&[&b"APPEND"[..], b"bin", b"\xff"]);
    b.check(&[&b"GET"[..], b"bin"]);
}

#[test]
fn append_and_setrange_respect_proto_max_bulk_len() {
    let Some(mut b) = Both::with_args(&["--proto-max-bulk-len", "1mb"]) else {
        return;
    };
    let limit = 1024 * 1024;
    b.all(&[
        &["SETRANGE", "k", "1048576", "x"],
        &["SETRANGE", "k", "1048575", "xy"],
        &["EXISTS", "k"],
        &["SETRANGE", "k", "1048575", "x"],
        &["STRLEN", "k"],
        &["APPEND", "k", "y"],
        &["APPEND", "k", ""],
        &["SETRANGE", "k", "1048576", ""],
        &["SETRANGE", "k", "99999999999", ""],
        &["SETRANGE", "missing", "99999999999", ""],
        &["SETRANGE", "missing", "9223372036854775807", "x"],
        &["EXISTS", "missing"],
        &["SET", "small", "abc"],
    ]);
    let fill = vec![b'z'; limit - 3];
    b.check(&[&b"APPEND"[..], b"small", &fill]);
    b.all(&[
        &["APPEND", "small", "!"],
        &["STRLEN", "small"],
        &["SETRANGE", "small", "1048575", "!"],
        &["SETRANGE", "small", "1048576", "!"],
    ]);
}

#[test]
fn incr_decr_family() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["INCR", "c"],
        &["INCR", "c"],
        &["DECR", "c"],
        &["DECR", "fresh"],
        &["INCRBY", "c", "100"],
        &["INCRBY", "c", "-300"],
        &["DECRBY", "c", "-5"],
        &["DECRBY", "c", "5"],
        &["INCRBY", "c", "0"],
        &["GET", "c"],
        // Limits.
        &["SET", "c", "9223372036854775807"],
        &["INCR", "c"],
        &["INCRBY", "c", "0"],
        &["DECR", "c"],
        &["SET", "c", "-9223372036854775808"],
        &["DECR", "c"],
        &["INCRBY", "c", "-1"],
        &["DECRBY", "c", "1"],
        &["INCRBY", "c", "9223372036854775807"],
        &["GET", "c"],
        &["DECRBY", "d", "-9223372036854775808"],
        &["EXISTS", "d"],
        &["INCRBY", "d", "-9223372036854775808"],
        &["DECRBY", "d", "-9223372036854775807"],
        &["GET", "d"],
        &["DECRBY", "d", "9223372036854775807"],
        &["DECRBY", "d", "2"],
        // Arguments that are not integers.
        &["INCRBY", "c", "1.5"],
        &["INCRBY", "c", "+1"],
        &["INCRBY", "c", " 1"],
        &["INCRBY", "c", "1 "],
        &["INCRBY", "c", "01"],
        &["INCRBY", "c", "-0"],
        &["INCRBY", "c", ""],
        &["INCRBY", "c", "9223372036854775808"],
        &["INCRBY", "c", "0x10"],
        &["DECRBY", "c", "abc"],
        &["INCRBY", "missing", "abc"],
        &["EXISTS", "missing"],
        // Values that are not integers.
        &["SET", "s", " 1"],
        &["INCR", "s"],
        &["SET", "s", "01"],
        &["INCR", "s"],
        &["SET", "s", "1.0"],
        &["INCR", "s"],
        &["SET", "s", "-0"],
        &["INCR", "s"],
        &["SET", "s", "123456789012345678901"],
        &["INCR", "s"],
        &["SET", "s", ""],
        &["INCR", "s"],
        &["SET", "s", "abc"],
        &["DECR", "s"],
        &["INCRBY", "s", "1"],
        &["DECRBY", "s", "1"],
        &["GET", "s"],
        // A value written as text but canonical counts as an integer.
        &["SET", "t", "41"],
        &["APPEND", "t", "1"],
        &["INCR", "t"],
        &["SET", "neg", "-10"],
        &["INCRBY", "neg", "10"],
        &["GET", "neg"],
        // Arity.
        &["INCR"],
        &["INCR", "a", "b"],
        &["DECR"],
        &["INCRBY", "a"],
        &["INCRBY", "a", "1", "2"],
        &["DECRBY", "a"],
    ]);
    b.check(&[&b"SET"[..], b"z", b"12\x00"]);
    b.check(&[&b"INCR"[..], b"z"]);
}

#[test]
fn incrbyfloat() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["INCRBYFLOAT", "f", "0.1"],
        &["INCRBYFLOAT", "f", "0.2"],
        &["INCRBYFLOAT", "f", "0.1"],
        &["GET", "f"],
        &["SET", "f", "10.5"],
        &["INCRBYFLOAT", "f", "0.1"],
        &["INCRBYFLOAT", "f", "-5.0e3"],
        &["SET", "f", "5.0e3"],
        &["INCRBYFLOAT", "f", "2.0e2"],
        &["SET", "f", "3"],
        &["INCRBYFLOAT", "f", "1.0e-30"],
        &["SET", "f", "1.23456789012345678901234"],
        &["INCRBYFLOAT", "f", "0"],
        &["INCRBYFLOAT", "f", "-1.23456789012345678901234"],
        &["INCRBYFLOAT", "a", "3.0e3"],
        &["INCRBYFLOAT", "b", "1e20"],
        &["INCRBYFLOAT", "c", "12345678901234567890"],
        &["INCRBYFLOAT", "d", "123456789012345678901234567890"],
        &["INCRBYFLOAT", "e", ".5"],
        &["INCRBYFLOAT", "e", "5."],
        &["INCRBYFLOAT", "e", "-.5"],
        &["INCRBYFLOAT", "e", "+5"],
        &["INCRBYFLOAT", "e", "5e+3"],
        &["INCRBYFLOAT", "e", "5E-3"],
        &["INCRBYFLOAT", "g", "-0"],
        &["SET", "g", "-0.0"],
        &["INCRBYFLOAT", "g", "-0"],
        &["SET", "g", "-1e-30"],
        &["INCRBYFLOAT", "g", "0"],
        &["INCRBYFLOAT", "h", "0.000003814697265625"],
        &["INCRBYFLOAT", "i", "0.000011444091796875"],
        &["INCRBYFLOAT", "j", "0.000000000000000005"],
        &["INCRBYFLOAT", "j", "0.000000000000000015"],
        &["INCRBYFLOAT", "j2", "0.000000000000000025"],
        &["INCRBYFLOAT", "l", "-1.5"],
        &["INCRBYFLOAT", "l", "1.5"],
        // Hexadecimal floats (strtold reads them).
        &["INCRBYFLOAT", "x", "0x1p-3"],
        &["INCRBYFLOAT", "x", "0X1.8P1"],
        &["INCRBYFLOAT", "x", "0x10"],
        &["INCRBYFLOAT", "x", "-0x.8"],
        &["INCRBYFLOAT", "x", "0x"],
        &["INCRBYFLOAT", "x", "0x1p"],
        // Beyond double precision and range: Redis computes in long double.
        &["INCRBYFLOAT", "big", "1e400"],
        &["INCRBYFLOAT", "big", "1"],
        &["SET", "big", "1e400"],
        &["INCRBYFLOAT", "big", "-1e400"],
        &["INCRBYFLOAT", "big", "1.7976931348623157e308"],
        &["INCRBYFLOAT", "huge", "1e4931"],
        &["INCRBYFLOAT", "huge", "1e4931"],
        &["INCRBYFLOAT", "huge", "1e4931"],
        &["INCRBYFLOAT", "tiny", "1e-4940"],
        &["INCRBYFLOAT", "tiny2", "1e-400"],
        &["INCRBYFLOAT", "tiny2", "1"],
        // Errors.
        &["INCRBYFLOAT", "e", "1e5000"],
        &["INCRBYFLOAT", "e", "1e-5000"],
        &["INCRBYFLOAT", "e", "inf"],
        &["INCRBYFLOAT", "e", "-inf"],
        &["INCRBYFLOAT", "e", "+Infinity"],
        &["INCRBYFLOAT", "e", "nan"],
        &["INCRBYFLOAT", "e", "NaN"],
        &["INCRBYFLOAT", "e", "nan(123)"],
        &["INCRBYFLOAT", "e", "abc"],
        &["INCRBYFLOAT", "e", ""],
        &["INCRBYFLOAT", "e", " 1"],
        &["INCRBYFLOAT", "e", "1 "],
        &["INCRBYFLOAT", "e", "1e"],
        &["INCRBYFLOAT", "e", "."],
        &["INCRBYFLOAT", "e", "1_0"],
        &["INCRBYFLOAT", "e", "--1"],
        &["INCRBYFLOAT", "e", "1,5"],
        &["GET", "e"],
        &["INCRBYFLOAT", "fresh", "abc"],
        &["EXISTS", "fresh"],
        &["SET", "s", "abc"],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", " 1"],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", "1.5 "],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", "+1.5"],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", "inf"],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", "1e308"],
        &["INCRBYFLOAT", "s", "1e308"],
        &["SET", "s", "9223372036854775807"],
        &["INCRBYFLOAT", "s", "1"],
        &["SET", "s", "-9223372036854775808"],
        &["INCRBYFLOAT", "s", "-0.5"],
        &["INCRBYFLOAT"],
        &["INCRBYFLOAT", "k"],
        &["INCRBYFLOAT", "k", "1", "2"],
    ]);
    b.check(&[&b"SET"[..], b"z", b"1.5\x00"]);
    b.check(&[&b"INCRBYFLOAT"[..], b"z", b"1"]);
    b.check(&[&b"INCRBYFLOAT"[..], b"z2", b"1\x00"]);
    // Redis refuses numbers of 5120 characters or more.
    for len in [5119usize, 5120] {
        let arg = format!("1.{}", "0".repeat(len - 2));
        b.check(&["INCRBYFLOAT", "long", arg.as_str()]);
        b.check(&["SET", "longval", arg.as_str()]);
        b.check(&["INCRBYFLOAT", "longval", "1"]);
    }
}

#[test]
fn incrbyfloat_random_sums() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0x5eed_f10a);
    let mantissas = [
        "0",
        "1",
        "3",
        "7",
        "0.1",
        "0.2",
        "0.3",
        "2.5",
        "1.0000001",
        "123.456",
        "99999.99999",
    ];
    for i in 0..400 {
        let m = *rng.pick(&mantissas);
        let exp = rng.below(41) as i64 - 20;
        let sign = if rng.below(3) == 0 { "-" } else { "" };
        let arg = if rng.below(2) == 0 {
            format!("{sign}{m}e{exp}")
        } else {
            format!("{sign}{m}")
        };
        let key = format!("k{}", i % 7);
        b.check(&["INCRBYFLOAT", key.as_str(), arg.as_str()]);
    }
}

#[test]
fn setnx() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["SETNX", "k", "1"],
        &["SETNX", "k", "2"],
        &["GET", "k"],
        &["SETNX", "e", ""],
        &["GET", "e"],
        &["SETNX", "k"],
        &["SETNX", "k", "1", "2"],
    ]);
}

#[test]
fn getrange_substr_setrange() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["SET", "s", "Hello World"],
        &["GETRANGE", "s", "0", "4"],
        &["GETRANGE", "s", "-5", "-1"],
        &["GETRANGE", "s", "0", "-1"],
        &["GETRANGE", "s", "-1", "-3"],
        &["GETRANGE", "s", "5", "3"],
        &["GETRANGE", "s", "-100", "100"],
        &["GETRANGE", "s", "100", "200"],
        &["GETRANGE", "s", "-100", "-50"],
        &["GETRANGE", "s", "3", "3"],
        &[
            "GETRANGE",
            "s",
            "9223372036854775807",
            "-9223372036854775808",
        ],
        &[
            "GETRANGE",
            "s",
            "-9223372036854775808",
            "9223372036854775807",
        ],
        &["GETRANGE", "s", "0", "abc"],
        &["GETRANGE", "s", "1.5", "2"],
        &["GETRANGE", "missing", "0", "-1"],
        &["GETRANGE", "missing", "a", "0"],
        &["SUBSTR", "s", "0", "4"],
        &["SUBSTR", "s", "-3", "-1"],
        &["SUBSTR", "missing", "0", "1"],
        &["SET", "e", ""],
        &["GETRANGE", "e", "0", "-1"],
        &["GETRANGE", "e", "-1", "0"],
        &["GETRANGE", "e", "0", "0"],
        &["SET", "n", "-12345"],
        &["GETRANGE", "n", "0", "2"],
        &["GETRANGE", "n", "-2", "-1"],
        &["GETRANGE", "s"],
        &["GETRANGE", "s", "0"],
        &["GETRANGE", "s", "0", "1", "2"],
        &["SUBSTR", "s", "0"],
        // SETRANGE.
        &["SETRANGE", "s", "6", "Redis"],
        &["GET", "s"],
        &["SETRANGE", "s", "20", "!"],
        &["GET", "s"],
        &["SETRANGE", "s", "0", ""],
        &["SETRANGE", "new", "5", "abc"],
        &["GET", "new"],
        &["SETRANGE", "new2", "0", ""],
        &["EXISTS", "new2"],
        &["SETRANGE", "new2", "10", ""],
        &["EXISTS", "new2"],
        &["SETRANGE", "s", "-1", "x"],
        &["SETRANGE", "missing", "-1", ""],
        &["SETRANGE", "s", "abc", "x"],
        &["SETRANGE", "s", "1.5", "x"],
        &["SETRANGE", "s", "536870912", "x"],
        &["SETRANGE", "s", "536870911", ""],
        &["SETRANGE", "missing", "536870912", ""],
        &["EXISTS", "missing"],
        &["SET", "num", "12345"],
        &["SETRANGE", "num", "1", "9"],
        &["GET", "num"],
        &["INCR", "num"],
        &["SETRANGE", "s"],
        &["SETRANGE", "s", "0"],
        &["SETRANGE", "s", "0", "a", "b"],
    ]);
    b.check(&[&b"SETRANGE"[..], b"bin", b"3", b"\x00\r\n\xff"]);
    b.check(&[&b"GET"[..], b"bin"]);
    b.check(&[&b"GETRANGE"[..], b"bin", b"2", b"4"]);
}

#[test]
fn getrange_random_ranges() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0xa11ce);
    for len in [0usize, 1, 2, 7, 16, 45, 100] {
        let value = rng.bytes(len);
        b.check(&[&b"SET"[..], b"r", &value]);
        for _ in 0..60 {
            let span = len as i64 + 5;
            let start = rng.below((2 * span + 1) as u64) as i64 - span;
            let end = rng.below((2 * span + 1) as u64) as i64 - span;
            let (start, end) = (start.to_string(), end.to_string());
            b.check(&["GETRANGE", "r", start.as_str(), end.as_str()]);
        }
    }
}

#[test]
fn lcs() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["MSET", "key1", "ohmytext", "key2", "mynewtext"],
        &["LCS", "key1", "key2"],
        &["LCS", "key1", "key2", "LEN"],
        &["LCS", "key1", "key2", "IDX"],
        &["LCS", "key1", "key2", "IDX", "WITHMATCHLEN"],
        &["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"],
        &[
            "LCS",
            "key1",
            "key2",
            "IDX",
            "MINMATCHLEN",
            "4",
            "WITHMATCHLEN",
        ],
        &[
            "LCS",
            "key1",
            "key2",
            "idx",
            "minmatchlen",
            "-5",
            "withmatchlen",
        ],
        &["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "100"],
        &["LCS", "key1", "key2", "WITHMATCHLEN"],
        &["LCS", "key1", "key2", "MINMATCHLEN", "2"],
        &["LCS", "key1", "key2", "LEN", "LEN"],
        &["LCS", "key2", "key1", "IDX"],
        &["LCS", "key1", "key1", "IDX", "WITHMATCHLEN"],
        &["LCS", "key1", "missing"],
        &["LCS", "missing", "key1", "IDX"],
        &["LCS", "missing", "missing2", "LEN"],
        &["LCS", "missing", "missing2", "IDX"],
        // Errors.
        &["LCS", "key1", "key2", "LEN", "IDX"],
        &["LCS", "key1", "key2", "IDX", "LEN"],
        &["LCS", "key1", "key2", "foo"],
        &["LCS", "key1", "key2", "MINMATCHLEN"],
        &["LCS", "key1", "key2", "MINMATCHLEN", "abc"],
        &["LCS", "key1", "key2", "MINMATCHLEN", "abc", "LEN", "IDX"],
        &["LCS", "key1"],
        &["LCS"],
        // Numbers are compared as text.
        &["MSET", "n1", "123456", "n2", "2468"],
        &["LCS", "n1", "n2", "IDX", "WITHMATCHLEN"],
    ]);
    b.check(&[
        &b"MSET"[..],
        b"b1",
        b"\x00a\r\nb\xff",
        b"b2",
        b"\r\n\xff\x00",
    ]);
    b.check(&[&b"LCS"[..], b"b1", b"b2"]);
    b.check(&[&b"LCS"[..], b"b1", b"b2", b"IDX", b"WITHMATCHLEN"]);
    // RESP3: IDX is a map.
    b.run(&["HELLO", "3"]);
    b.all(&[
        &["LCS", "key1", "key2", "IDX", "WITHMATCHLEN"],
        &["LCS", "key1", "key2", "IDX"],
        &["LCS", "missing", "missing2", "IDX"],
    ]);
}

#[test]
fn lcs_random_strings() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0x1c5);
    for _ in 0..150 {
        let alphabet = 1 + rng.below(4) as u8;
        let la = rng.below(30) as usize;
        let lb = rng.below(30) as usize;
        let a: Vec<u8> = (0..la)
            .map(|_| b'a' + rng.below(u64::from(alphabet)) as u8)
            .collect();
        let c: Vec<u8> = (0..lb)
            .map(|_| b'a' + rng.below(u64::from(alphabet)) as u8)
            .collect();
        b.check(&[&b"MSET"[..], b"a", &a, b"b", &c]);
        b.check(&["LCS", "a", "b"]);
        b.check(&["LCS", "a", "b", "IDX", "WITHMATCHLEN"]);
        let min = rng.below(4).to_string();
        b.check(&["LCS", "b", "a", "IDX", "MINMATCHLEN", min.as_str()]);
    }
}

#[test]
fn lcs_memory_limit() {
    let Some(mut b) = Both::with_args(&["--proto-max-bulk-len", "1mb"]) else {
        return;
    };
    // (len1 + 1) * (len2 + 1) * 4 bytes of table may not exceed proto-max-bulk-len.
    let x511 = "x".repeat(511);
    let x512 = "x".repeat(512);
    b.check(&["MSET", "a", x511.as_str(), "b", x511.as_str()]);
    b.all(&[&["LCS", "a", "b", "LEN"], &["LCS", "a", "b", "foo"]]);
    b.check(&["SET", "b", x512.as_str()]);
    b.all(&[
        &["LCS", "a", "b", "LEN"],
        &["LCS", "a", "b"],
        &["LCS", "a", "b", "foo"],
        &["LCS", "a", "b", "LEN", "IDX"],
        &["LCS", "a", "missing"],
    ]);
}

#[test]
fn resp3_replies() {
    let Some(mut b) = Both::new() else { return };
    b.run(&["HELLO", "3"]);
    b.all(&[
        &["GET", "missing"],
        &["MGET", "missing", "x"],
        &["SET", "k", "v", "GET"],
        &["SET", "k", "v", "NX"],
        &["GETDEL", "missing"],
        &["GETEX", "missing"],
        &["GETSET", "missing", "v"],
        &["INCRBYFLOAT", "f", "1.5"],
        &["SET", "k", "1"],
        &["MGET", "k", "missing"],
    ]);
}

#[test]
fn object_encoding_after_writes() {
    let Some(mut b) = Both::new() else { return };
    let long = "x".repeat(45);
    b.all(&[
        &["SET", "i", "12345"],
        &["OBJECT", "ENCODING", "i"],
        &["SET", "e", "hello"],
        &["OBJECT", "ENCODING", "e"],
        &["SET", "l", long.as_str()],
        &["OBJECT", "ENCODING", "l"],
        &["APPEND", "e", "!"],
        &["OBJECT", "ENCODING", "e"],
        &["SETRANGE", "i", "0", "9"],
        &["OBJECT", "ENCODING", "i"],
        &["INCR", "c"],
        &["OBJECT", "ENCODING", "c"],
        &["APPEND", "a", "123"],
        &["OBJECT", "ENCODING", "a"],
        &["SETRANGE", "r", "0", "1"],
        &["OBJECT", "ENCODING", "r"],
        &["MSET", "m1", "1", "m2", "abc"],
        &["OBJECT", "ENCODING", "m1"],
        &["OBJECT", "ENCODING", "m2"],
        &["INCRBYFLOAT", "f", "1.5"],
        &["OBJECT", "ENCODING", "f"],
    ]);
}

/// Redis stores INCRBYFLOAT's result as text even when it is a whole number.
#[test]
fn object_encoding_after_integral_incrbyfloat() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[&["INCRBYFLOAT", "f", "3"], &["OBJECT", "ENCODING", "f"]]);
}

/// Read commands count hits and misses; write commands' lookups do not.
#[test]
fn keyspace_hits_and_misses() {
    let Some(mut b) = Both::new() else { return };
    let stat = |conn: &mut RawConn, name: &str| -> String {
        let text = cedis_tests::frame_text(&conn.cmd_frame(&["INFO", "stats"]));
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    b.run(&["CONFIG", "RESETSTAT"]);
    b.all(&[
        &["GET", "missing"],
        &["SET", "k", "1"],
        &["GET", "k"],
        &["MGET", "k", "missing", "k"],
        &["STRLEN", "k"],
        &["GETRANGE", "missing", "0", "1"],
        &["INCR", "k"],
        &["APPEND", "k", "x"],
        &["SETNX", "k", "x"],
        &["SET", "k", "v", "GET"],
        &["GETEX", "k"],
        &["LCS", "k", "missing"],
        &["GETDEL", "k"],
    ]);
    for name in ["keyspace_hits:", "keyspace_misses:"] {
        assert_eq!(stat(&mut b.s, name), stat(&mut b.r, name));
    }
}

const STRING_COMMANDS: &[&str] = &[
    "get",
    "set",
    "getset",
    "getex",
    "getdel",
    "mget",
    "mset",
    "msetnx",
    "append",
    "strlen",
    "incr",
    "decr",
    "incrby",
    "decrby",
    "incrbyfloat",
    "setnx",
    "setex",
    "psetex",
    "getrange",
    "setrange",
    "substr",
    "lcs",
];

/// COMMAND INFO byte for byte, key specifications (flags, notes) included.
#[test]
fn command_info() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in STRING_COMMANDS {
        d.check(&[&["COMMAND", "INFO", name]]);
    }
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["COMMAND", "INFO", "get", "mset", "lcs", "set", "getex"]]);
}

/// COMMAND DOCS without the prose: GETSET and SUBSTR carry `doc_flags`, `deprecated_since`
/// and `replaced_by`; both keys of LCS point at its one key specification.
#[test]
fn command_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in STRING_COMMANDS {
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
    d.run_both(&["HELLO", "3"]);
    d.check_masked(
        &["COMMAND", "DOCS", "set", "getex", "getset", "lcs"],
        &Mask::command_docs(),
    );
}

#[test]
fn command_getkeys() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    d.check(&[
        &["COMMAND", "GETKEYS", "get", "foo"],
        &["COMMAND", "GETKEYS", "SET", "a", "b"],
        &["COMMAND", "GETKEYS", "get", "a", "b"],
        &["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
        &["COMMAND", "GETKEYS", "MGET", "a", "b", "c"],
        &["COMMAND", "GETKEYS", "LCS", "a", "b", "IDX"],
        &["COMMAND", "GETKEYS", "SETRANGE", "k", "0", "v"],
        &["COMMAND", "GETKEYS", "MSET", "a"],
    ]);
}

#[test]
fn wrong_type() {
    let Some(mut b) = Both::new() else { return };
    b.run(&["LPUSH", "l", "a"]);
    for cmd in [
        &["GET", "l"][..],
        &["GETSET", "l", "x"],
        &["GETDEL", "l"],
        &["GETEX", "l"],
        &["GETEX", "l", "EX", "10"],
        &["SET", "l", "v", "GET"],
        &["SET", "l", "v", "NX", "GET"],
        &["SET", "l", "v", "XX", "GET"],
        &["APPEND", "l", "x"],
        &["STRLEN", "l"],
        &["INCR", "l"],
        &["DECR", "l"],
        &["INCRBY", "l", "1"],
        &["DECRBY", "l", "1"],
        &["INCRBYFLOAT", "l", "1"],
        &["INCRBYFLOAT", "l", "abc"],
        &["GETRANGE", "l", "0", "1"],
        &["SUBSTR", "l", "0", "1"],
        &["SETRANGE", "l", "0", "x"],
        &["SETRANGE", "l", "0", ""],
    ] {
        assert_eq!(b.check(cmd), WRONGTYPE, "{cmd:?}");
    }
    b.all(&[
        // Errors that come before the type check.
        &["GETEX", "l", "EX", "0"],
        &["GETEX", "l", "foo"],
        &["SET", "l", "v", "EX", "0", "GET"],
        &["INCRBY", "l", "abc"],
        &["GETRANGE", "l", "a", "b"],
        &["SETRANGE", "l", "-1", "x"],
        // Commands that ignore or replace other types.
        &["MGET", "l", "missing"],
        &["SETNX", "l", "x"],
        &["MSETNX", "l", "x", "other", "y"],
        &["EXISTS", "other"],
        &["LCS", "l", "missing"],
        &["LCS", "missing", "l", "foo"],
        &["SET", "l", "v", "NX"],
        &["SET", "l", "v", "XX"],
        &["TYPE", "l"],
        &["LPUSH", "l", "a"],
        &["SETEX", "l", "10", "x"],
        &["TYPE", "l"],
        &["LPUSH", "l2", "a"],
        &["MSET", "l2", "x"],
        &["TYPE", "l2"],
        &["LPUSH", "l3", "a"],
        &["GETSET", "l3", "x"],
        &["SET", "l3", "x"],
        &["TYPE", "l3"],
    ]);
}
