//! The bitmap commands compared with real Redis 7.0.15: SETBIT, GETBIT, BITCOUNT, BITPOS,
//! BITOP, BITFIELD and BITFIELD_RO, with fixed edge cases and seeded random inputs; their
//! COMMAND INFO/DOCS.
//!
//! Bitmaps are mostly not UTF-8, so commands go through [`Both`], which sends raw bytes to
//! both servers. Tests that need a key of another type (WRONGTYPE) use LPUSH and are
//! ignored until cedis has lists; they pass against Redis with `--ignored`.

use cedis_tests::{Both, Differential, Mask, XorShift64};

const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

#[test]
fn setbit_and_getbit() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["SETBIT", "k", "7", "1"],
        &["GET", "k"],
        &["SETBIT", "k", "7", "1"],
        &["SETBIT", "k", "7", "0"],
        &["SETBIT", "k", "0", "1"],
        &["GETBIT", "k", "0"],
        &["GETBIT", "k", "1"],
        &["GETBIT", "k", "7"],
        &["GETBIT", "k", "8"],
        &["GETBIT", "k", "100000"],
        &["GETBIT", "missing", "0"],
        &["GETBIT", "missing", "4294967295"],
        &["EXISTS", "missing"],
        // Writing grows the string with zero bytes, even when writing a 0.
        &["SETBIT", "grow", "100", "0"],
        &["STRLEN", "grow"],
        &["SETBIT", "grow", "23", "1"],
        &["GET", "grow"],
        &["STRLEN", "grow"],
        // On strings written as text and integers.
        &["SET", "t", "abc"],
        &["SETBIT", "t", "6", "1"],
        &["GET", "t"],
        &["SET", "n", "1"],
        &["GETBIT", "n", "2"],
        &["GETBIT", "n", "7"],
        &["SETBIT", "n", "6", "1"],
        &["GET", "n"],
        &["INCR", "n"],
        &["SET", "e", ""],
        &["GETBIT", "e", "0"],
        &["SETBIT", "e", "0", "1"],
        &["GET", "e"],
        // Errors: the offset first, then the bit.
        &["SETBIT", "k", "-1", "1"],
        &["SETBIT", "k", "abc", "1"],
        &["SETBIT", "k", "1.5", "1"],
        &["SETBIT", "k", "4294967296", "1"],
        &["SETBIT", "k", "9223372036854775807", "1"],
        &["SETBIT", "k", "abc", "2"],
        &["SETBIT", "k", "0", "2"],
        &["SETBIT", "k", "0", "-1"],
        &["SETBIT", "k", "0", "a"],
        &["SETBIT", "k", "0", "01"],
        &["SETBIT", "k", "0", ""],
        &["SETBIT", "newkey", "0", "2"],
        &["EXISTS", "newkey"],
        &["GETBIT", "k", "-1"],
        &["GETBIT", "k", "abc"],
        &["GETBIT", "k", "4294967296"],
        &["GETBIT", "missing", "-1"],
        // Arity.
        &["SETBIT", "k", "0"],
        &["SETBIT", "k", "0", "1", "1"],
        &["GETBIT", "k"],
        &["GETBIT", "k", "0", "1"],
    ]);
    b.check(&[&b"SET"[..], b"bin", b"\x00\xff\r\n"]);
    for offset in 0..32 {
        let offset = offset.to_string();
        b.check(&["GETBIT", "bin", offset.as_str()]);
    }
}

#[test]
fn setbit_respects_proto_max_bulk_len() {
    let Some(mut b) = Both::with_args(&["--proto-max-bulk-len", "1mb"]) else {
        return;
    };
    b.all(&[
        &["SETBIT", "k", "8388608", "1"],
        &["GETBIT", "k", "8388608"],
        &["SETBIT", "k", "8388607", "1"],
        &["STRLEN", "k"],
        &["GETBIT", "k", "8388607"],
        &["BITFIELD", "k", "GET", "u8", "8388608"],
        &["BITFIELD", "k", "GET", "u8", "8388607"],
        &["BITFIELD", "k", "GET", "u8", "#1048575"],
        &["BITFIELD", "k", "GET", "u8", "#1048576"],
    ]);
}

#[test]
fn bitcount() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["SET", "s", "foobar"],
        &["BITCOUNT", "s"],
        &["BITCOUNT", "s", "0", "0"],
        &["BITCOUNT", "s", "1", "1"],
        &["BITCOUNT", "s", "1", "1", "BYTE"],
        &["BITCOUNT", "s", "5", "30", "BIT"],
        &["BITCOUNT", "s", "0", "-1", "bit"],
        &["BITCOUNT", "s", "-3", "-1", "BIT"],
        &["BITCOUNT", "s", "-2", "-1"],
        &["BITCOUNT", "s", "2", "1"],
        &["BITCOUNT", "s", "-1", "-2"],
        &["BITCOUNT", "s", "-100", "100"],
        &["BITCOUNT", "s", "100", "200"],
        &[
            "BITCOUNT",
            "s",
            "9223372036854775807",
            "-9223372036854775808",
            "bit",
        ],
        &[
            "BITCOUNT",
            "s",
            "-9223372036854775808",
            "9223372036854775807",
            "bit",
        ],
        &[
            "BITCOUNT",
            "s",
            "-9223372036854775808",
            "9223372036854775807",
        ],
        // Errors, found only once the key is known to exist.
        &["BITCOUNT", "s", "0"],
        &["BITCOUNT", "s", "0", "a"],
        &["BITCOUNT", "s", "a", "b"],
        &["BITCOUNT", "s", "a", "0", "foo"],
        &["BITCOUNT", "s", "0", "1", "foo"],
        &["BITCOUNT", "s", "0", "1", "byte", "byte"],
        &["BITCOUNT", "s", "0", "1", "2", "3"],
        &["BITCOUNT", "missing"],
        &["BITCOUNT", "missing", "0"],
        &["BITCOUNT", "missing", "0", "a"],
        &["BITCOUNT", "missing", "0", "1", "foo"],
        &["BITCOUNT", "missing", "0", "1", "bit", "x"],
        &["SET", "e", ""],
        &["BITCOUNT", "e"],
        &["BITCOUNT", "e", "0", "-1"],
        &["BITCOUNT", "e", "0", "-1", "BIT"],
        &["SET", "n", "-123"],
        &["BITCOUNT", "n"],
        &["BITCOUNT"],
    ]);
}

#[test]
fn bitcount_random_ranges() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0xb17c);
    for len in [1usize, 2, 3, 8, 9, 17, 64, 100] {
        let value = rng.bytes(len);
        b.check(&[&b"SET"[..], b"r", &value]);
        b.check(&["BITCOUNT", "r"]);
        for _ in 0..50 {
            let bits = rng.below(2) == 0;
            let span = if bits {
                len as i64 * 8 + 10
            } else {
                len as i64 + 3
            };
            let start = (rng.below((2 * span + 1) as u64) as i64 - span).to_string();
            let end = (rng.below((2 * span + 1) as u64) as i64 - span).to_string();
            let unit = if bits { "BIT" } else { "BYTE" };
            b.check(&["BITCOUNT", "r", start.as_str(), end.as_str(), unit]);
        }
    }
}

#[test]
fn bitpos() {
    let Some(mut b) = Both::new() else { return };
    b.check(&[&b"SET"[..], b"ones", b"\xff\xff\xff"]);
    b.check(&[&b"SET"[..], b"zeros", b"\x00\x00"]);
    b.check(&[&b"SET"[..], b"mix", b"\x00\x0f\xf0"]);
    b.all(&[
        &["BITPOS", "missing", "0"],
        &["BITPOS", "missing", "1"],
        &["BITPOS", "missing", "0", "5"],
        &["BITPOS", "missing", "1", "a"],
        &["BITPOS", "missing", "1", "0", "1", "foo"],
        &["BITPOS", "missing", "2"],
        &["BITPOS", "missing", "a"],
        &["BITPOS", "missing", "-1"],
        &["BITPOS", "ones", "0"],
        &["BITPOS", "ones", "0", "0"],
        &["BITPOS", "ones", "0", "1"],
        &["BITPOS", "ones", "0", "5"],
        &["BITPOS", "ones", "0", "0", "-1"],
        &["BITPOS", "ones", "0", "0", "-1", "bit"],
        &["BITPOS", "ones", "0", "0", "100"],
        &["BITPOS", "ones", "1"],
        &["BITPOS", "ones", "1", "2"],
        &["BITPOS", "ones", "1", "5"],
        &["BITPOS", "ones", "1", "-1"],
        &["BITPOS", "ones", "1", "3", "100", "bit"],
        &["BITPOS", "ones", "1", "0", "-1", "BIT"],
        &["BITPOS", "zeros", "1"],
        &["BITPOS", "zeros", "0"],
        &["BITPOS", "zeros", "0", "1"],
        &["BITPOS", "zeros", "0", "5", "3"],
        &["BITPOS", "zeros", "1", "0", "-1", "BIT"],
        &["BITPOS", "mix", "1"],
        &["BITPOS", "mix", "0"],
        &["BITPOS", "mix", "1", "1", "1", "byte"],
        &["BITPOS", "mix", "1", "10", "20", "bit"],
        &["BITPOS", "mix", "0", "12", "-1", "bit"],
        &["BITPOS", "mix", "1", "-9", "-1", "bit"],
        &["BITPOS", "mix", "1", "-100", "-50", "bit"],
        &["BITPOS", "mix", "0", "-1", "-2"],
        &[
            "BITPOS",
            "mix",
            "0",
            "-9223372036854775808",
            "9223372036854775807",
        ],
        &[
            "BITPOS",
            "mix",
            "0",
            "-9223372036854775808",
            "9223372036854775807",
            "BIT",
        ],
        &["BITPOS", "mix", "1", "9223372036854775807"],
        // Errors.
        &["BITPOS", "mix", "2"],
        &["BITPOS", "mix", "-1"],
        &["BITPOS", "mix", "a"],
        &["BITPOS", "mix", "1", "a"],
        &["BITPOS", "mix", "1", "0", "a"],
        &["BITPOS", "mix", "1", "0", "1", "foo"],
        &["BITPOS", "mix", "1", "0", "1", "bit", "x"],
        &["BITPOS", "mix", "1", "0", "1", "bit", "bit"],
        &["BITPOS", "mix"],
        &["BITPOS"],
        // An existing empty string has no bits at all.
        &["SET", "e", ""],
        &["BITPOS", "e", "0"],
        &["BITPOS", "e", "1"],
        &["BITPOS", "e", "0", "0"],
        &["BITPOS", "e", "0", "0", "-1", "BIT"],
        &["BITPOS", "e", "1", "a"],
        &["SET", "n", "0"],
        &["BITPOS", "n", "1"],
        &["BITPOS", "n", "0"],
    ]);
}

#[test]
fn bitpos_random_ranges() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0xb1790);
    for round in 0..40 {
        let len = 1 + rng.below(12) as usize;
        // Mostly 0x00 and 0xff bytes, so that runs of equal bits cross byte edges.
        let value: Vec<u8> = (0..len)
            .map(|_| match rng.below(4) {
                0 => 0x00,
                1 => 0xff,
                _ => rng.next_u64() as u8,
            })
            .collect();
        b.check(&[&b"SET"[..], b"r", &value]);
        for bit in ["0", "1"] {
            b.check(&["BITPOS", "r", bit]);
            for _ in 0..12 {
                let bits = rng.below(2) == 0;
                let span = if bits {
                    len as i64 * 8 + 10
                } else {
                    len as i64 + 3
                };
                let start = (rng.below((2 * span + 1) as u64) as i64 - span).to_string();
                let end = (rng.below((2 * span + 1) as u64) as i64 - span).to_string();
                match (round + rng.below(3) as usize) % 3 {
                    0 => b.check(&["BITPOS", "r", bit, start.as_str()]),
                    1 => b.check(&["BITPOS", "r", bit, start.as_str(), end.as_str()]),
                    _ => {
                        let unit = if bits { "BIT" } else { "BYTE" };
                        b.check(&["BITPOS", "r", bit, start.as_str(), end.as_str(), unit])
                    }
                };
            }
        }
    }
}

#[test]
fn bitop() {
    let Some(mut b) = Both::new() else { return };
    b.check(&[&b"SET"[..], b"a", b"\xff\x0f\x00\xaa"]);
    b.check(&[&b"SET"[..], b"b", b"\xf0\xf0"]);
    b.check(&[&b"SET"[..], b"c", b"\x01"]);
    b.all(&[
        &["BITOP", "AND", "d", "a", "b"],
        &["GET", "d"],
        &["BITOP", "OR", "d", "a", "b", "c"],
        &["GET", "d"],
        &["BITOP", "XOR", "d", "a", "b", "c"],
        &["GET", "d"],
        &["BITOP", "NOT", "d", "a"],
        &["GET", "d"],
        &["BITOP", "and", "d", "a"],
        &["GET", "d"],
        &["BITOP", "Or", "d", "a", "missing"],
        &["GET", "d"],
        &["BITOP", "AND", "d", "a", "missing"],
        &["GET", "d"],
        &["BITOP", "XOR", "d", "missing", "a"],
        &["GET", "d"],
        &["BITOP", "NOT", "d", "missing"],
        &["EXISTS", "d"],
        &["SET", "d", "x", "EX", "100"],
        &["BITOP", "AND", "d", "missing", "missing2"],
        &["EXISTS", "d"],
        &["SET", "e", ""],
        &["BITOP", "OR", "d", "e"],
        &["EXISTS", "d"],
        // The destination may be a source; the result replaces it (and its TTL).
        &["SET", "self", "ab", "EX", "100"],
        &["BITOP", "XOR", "self", "self", "a"],
        &["GET", "self"],
        &["TTL", "self"],
        &["BITOP", "NOT", "self", "self"],
        &["GET", "self"],
        // Integers as text.
        &["SET", "n", "12"],
        &["BITOP", "NOT", "d", "n"],
        &["GET", "d"],
        // Errors.
        &["BITOP", "NOT", "d", "a", "b"],
        &["BITOP", "NAND", "d", "a"],
        &["BITOP", "foo", "d", "a", "b"],
        &["BITOP", "AND", "d"],
        &["BITOP", "AND"],
        &["BITOP"],
    ]);
}

#[test]
fn bitop_random() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0xb170);
    for _ in 0..60 {
        for key in ["x", "y", "z"] {
            if rng.below(5) == 0 {
                b.check(&["DEL", key]);
            } else {
                let len = rng.below(10) as usize;
                let value = rng.bytes(len);
                b.check(&[&b"SET"[..], key.as_bytes(), &value]);
            }
        }
        let op = *rng.pick(&["AND", "OR", "XOR", "NOT"]);
        if op == "NOT" {
            b.check(&["BITOP", op, "dest", *rng.pick(&["x", "y", "z"])]);
        } else {
            b.check(&["BITOP", op, "dest", "x", "y", "z"]);
        }
        b.check(&["GET", "dest"]);
    }
}

#[test]
fn bitfield() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["BITFIELD", "missing"],
        &["BITFIELD", "missing", "GET", "u8", "0"],
        &["EXISTS", "missing"],
        &["BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0"],
        &[
            "BITFIELD", "k", "GET", "i8", "0", "GET", "u4", "4", "GET", "i4", "4",
        ],
        &["BITFIELD", "k", "INCRBY", "u8", "0", "1"],
        &[
            "BITFIELD", "k", "INCRBY", "i5", "100", "1", "GET", "u4", "0",
        ],
        &["GET", "k"],
        &[
            "BITFIELD", "k", "SET", "i8", "#1", "-100", "GET", "i8", "#1", "GET", "u8", "8",
        ],
        &[
            "BITFIELD", "k", "get", "u8", "0", "set", "u8", "0", "1", "incrby", "u8", "0", "1",
        ],
        // Overflow modes, sticky until changed.
        &[
            "BITFIELD", "o", "SET", "u8", "0", "250", "INCRBY", "u8", "0", "10",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "10", "INCRBY", "u8", "0",
            "-1000",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "-1", "GET", "u8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "SET", "u8", "0", "255",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "WRAP", "INCRBY", "u8", "0", "1",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "sat", "SET", "u8", "0", "-5", "GET", "u8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "wrap", "SET", "u8", "0", "-5", "GET", "u8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "fail", "SET", "u8", "0", "-5", "GET", "u8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "SAT", "SET", "i8", "0", "-500", "GET", "i8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "SAT", "SET", "i8", "0", "500", "GET", "i8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "WRAP", "SET", "i8", "0", "200", "GET", "i8", "0",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-1000",
        ],
        &[
            "BITFIELD", "o", "OVERFLOW", "WRAP", "INCRBY", "u8", "0", "-1000",
        ],
        &["BITFIELD", "o", "OVERFLOW", "WRAP", "OVERFLOW", "SAT"],
        // 64-bit fields.
        &[
            "BITFIELD",
            "w",
            "SET",
            "i64",
            "0",
            "9223372036854775807",
            "INCRBY",
            "i64",
            "0",
            "1",
        ],
        &[
            "BITFIELD",
            "w",
            "OVERFLOW",
            "SAT",
            "INCRBY",
            "i64",
            "0",
            "-9223372036854775808",
            "INCRBY",
            "i64",
            "0",
            "-9223372036854775808",
        ],
        &[
            "BITFIELD",
            "w",
            "OVERFLOW",
            "SAT",
            "INCRBY",
            "i64",
            "0",
            "9223372036854775807",
            "INCRBY",
            "i64",
            "0",
            "9223372036854775807",
        ],
        &[
            "BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1", "GET", "i64", "0",
        ],
        &[
            "BITFIELD",
            "w",
            "SET",
            "u63",
            "1",
            "9223372036854775807",
            "GET",
            "u63",
            "1",
            "GET",
            "i64",
            "0",
        ],
        &[
            "BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "u63", "1", "-1", "GET", "u63", "1",
        ],
        &[
            "BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "u63", "1", "1",
        ],
        &[
            "BITFIELD", "w", "SET", "u1", "0", "1", "SET", "i1", "1", "1", "GET", "i1", "0", "GET",
            "u2", "0",
        ],
        // Fields past the end and unaligned.
        &[
            "BITFIELD", "p", "SET", "u16", "3", "65535", "GET", "u32", "0", "GET", "u8", "100",
        ],
        &["GET", "p"],
        &["BITFIELD", "p", "GET", "u8", "4294967295"],
        &["BITFIELD", "p", "GET", "i64", "#2305843009213693953"],
        &["BITFIELD", "p", "GET", "u8", "#2305843009213693953"],
        // A failing write still creates (and grows) the string.
        &[
            "BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5",
        ],
        &["GET", "f"],
        &["BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u2", "20", "5"],
        &["STRLEN", "f"],
        // Errors: every operation is parsed before anything runs.
        &["BITFIELD", "x", "GET", "u8"],
        &["BITFIELD", "x", "GET"],
        &["BITFIELD", "x", "GET", "u8", "0", "foo"],
        &["BITFIELD", "x", "foo", "u8", "0"],
        &["BITFIELD", "x", "GET", "u8", "0", "OVERFLOW"],
        &["BITFIELD", "x", "OVERFLOW", "foo"],
        &["BITFIELD", "x", "OVERFLOW"],
        &["BITFIELD", "x", "GET", "u8", "abc"],
        &["BITFIELD", "x", "GET", "u8", "-1"],
        &["BITFIELD", "x", "GET", "u8", "#-1"],
        &["BITFIELD", "x", "GET", "u8", "#"],
        &["BITFIELD", "x", "GET", "u8", "-0"],
        &["BITFIELD", "x", "GET", "u8", "01"],
        &["BITFIELD", "x", "GET", "u8", "4294967296"],
        &["BITFIELD", "x", "GET", "u8", "#536870912"],
        &["BITFIELD", "x", "GET", "u8", "#1152921504606846976"],
        &["BITFIELD", "x", "GET", "u64", "0"],
        &["BITFIELD", "x", "GET", "i65", "0"],
        &["BITFIELD", "x", "GET", "u0", "0"],
        &["BITFIELD", "x", "GET", "i0", "0"],
        &["BITFIELD", "x", "GET", "U8", "0"],
        &["BITFIELD", "x", "GET", "I8", "0"],
        &["BITFIELD", "x", "GET", "x8", "0"],
        &["BITFIELD", "x", "GET", "i08", "0"],
        &["BITFIELD", "x", "GET", "u+8", "0"],
        &["BITFIELD", "x", "GET", "u", "0"],
        &["BITFIELD", "x", "SET", "u8", "0", "abc"],
        &["BITFIELD", "x", "SET", "u8", "0", "1.5"],
        &["BITFIELD", "x", "INCRBY", "u8", "0", "9223372036854775808"],
        &["BITFIELD", "x", "SET", "u8", "0", "1", "GET", "u99", "0"],
        &["BITFIELD", "x", "SET", "u8", "0"],
        &["EXISTS", "x"],
        &["BITFIELD"],
    ]);
    b.check(&[&b"SET"[..], b"bin", b"\x00\xff\r\n\x80"]);
    b.check(&[
        "BITFIELD", "bin", "GET", "i16", "4", "GET", "u31", "1", "GET", "i64", "0",
    ]);
    b.run(&["HELLO", "3"]);
    b.all(&[
        &[
            "BITFIELD", "o", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "GET", "u8", "0",
        ],
        &["BITFIELD", "missing"],
    ]);
}

#[test]
fn bitfield_ro() {
    let Some(mut b) = Both::new() else { return };
    b.all(&[
        &["BITFIELD_RO", "missing"],
        &[
            "BITFIELD_RO",
            "missing",
            "GET",
            "u8",
            "0",
            "GET",
            "i64",
            "60",
        ],
        &["SET", "k", "hello"],
        &[
            "BITFIELD_RO",
            "k",
            "GET",
            "u8",
            "0",
            "GET",
            "i8",
            "#1",
            "GET",
            "u63",
            "3",
        ],
        &["BITFIELD_RO", "k", "OVERFLOW", "SAT"],
        &["BITFIELD_RO", "k", "GET", "u8", "0", "OVERFLOW", "FAIL"],
        &["BITFIELD_RO", "k", "get", "u8", "0"],
        // Errors: parsing finishes before the read-only check.
        &["BITFIELD_RO", "k", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "k", "INCRBY", "u8", "0", "1"],
        &["BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "k", "SET", "u99", "0", "1"],
        &["BITFIELD_RO", "k", "SET", "u8", "abc", "1"],
        &["BITFIELD_RO", "k", "SET", "u8", "0", "1", "GET", "u99", "0"],
        &["BITFIELD_RO", "k", "OVERFLOW", "foo"],
        &["BITFIELD_RO", "k", "GET", "u8"],
        &["BITFIELD_RO", "k", "foo"],
        &["GET", "k"],
        &["BITFIELD_RO"],
    ]);
}

#[test]
fn bitfield_random() {
    let Some(mut b) = Both::new() else { return };
    let mut rng = XorShift64::new(0xf1e1d);
    let keys = ["a", "b"];
    for _ in 0..300 {
        let key = *rng.pick(&keys);
        let mut cmd: Vec<String> = vec!["BITFIELD".into(), key.into()];
        for _ in 0..1 + rng.below(4) {
            if rng.below(4) == 0 {
                cmd.push("OVERFLOW".into());
                cmd.push((*rng.pick(&["WRAP", "SAT", "FAIL"])).into());
            }
            let signed = rng.below(2) == 0;
            let bits = 1 + rng.below(if signed { 64 } else { 63 });
            let ty = format!("{}{bits}", if signed { "i" } else { "u" });
            let offset = if rng.below(3) == 0 {
                format!("#{}", rng.below(4))
            } else {
                rng.below(80).to_string()
            };
            let value = match rng.below(4) {
                0 => (rng.below(20) as i64 - 10).to_string(),
                1 => (rng.next_u64() as i64).to_string(),
                2 => (rng.next_u64() as i64 >> rng.below(63)).to_string(),
                _ => (*rng.pick(&[
                    "9223372036854775807",
                    "-9223372036854775808",
                    "255",
                    "-128",
                    "127",
                    "256",
                ]))
                .to_string(),
            };
            match rng.below(3) {
                0 => cmd.extend(["GET".to_string(), ty, offset]),
                1 => cmd.extend(["SET".to_string(), ty, offset, value]),
                _ => cmd.extend(["INCRBY".to_string(), ty, offset, value]),
            }
        }
        b.check(&cmd);
        if rng.below(10) == 0 {
            b.check(&["GET", key]);
        }
    }
    b.all(&[&["GET", "a"], &["GET", "b"]]);
}

const BITMAP_COMMANDS: &[&str] = &[
    "setbit",
    "getbit",
    "bitcount",
    "bitpos",
    "bitop",
    "bitfield",
    "bitfield_ro",
];

/// COMMAND INFO byte for byte, key specifications included (BITOP has two, BITFIELD a
/// note and `variable_flags`).
#[test]
fn command_info() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in BITMAP_COMMANDS {
        d.check(&[&["COMMAND", "INFO", name]]);
    }
    d.check(&[
        &["COMMAND", "GETKEYS", "BITOP", "AND", "dest", "a", "b"],
        &["COMMAND", "GETKEYS", "SETBIT", "k", "0", "1"],
        &["COMMAND", "GETKEYS", "BITFIELD", "k", "GET", "u8", "0"],
    ]);
    d.run_both(&["HELLO", "3"]);
    d.check(&[&["COMMAND", "INFO", "bitop", "bitfield", "getbit"]]);
}

/// COMMAND DOCS without the prose: BITOP's keys point at its two key specifications,
/// BITFIELD_RO's repeated GET is `multiple_token`.
#[test]
fn command_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in BITMAP_COMMANDS {
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
    d.run_both(&["HELLO", "3"]);
    d.check_masked(
        &[
            "COMMAND",
            "DOCS",
            "bitfield",
            "bitpos",
            "bitfield_ro",
            "bitop",
        ],
        &Mask::command_docs(),
    );
}

#[test]
fn wrong_type() {
    let Some(mut b) = Both::new() else { return };
    b.run(&["LPUSH", "l", "a"]);
    b.run(&["SET", "s", "x"]);
    for cmd in [
        &["SETBIT", "l", "0", "1"][..],
        &["GETBIT", "l", "0"],
        &["BITCOUNT", "l"],
        &["BITCOUNT", "l", "0"],
        &["BITCOUNT", "l", "0", "a"],
        &["BITCOUNT", "l", "0", "1", "foo"],
        &["BITPOS", "l", "1"],
        &["BITPOS", "l", "1", "a"],
        &["BITOP", "AND", "d", "l"],
        &["BITOP", "OR", "d", "s", "l"],
        &["BITFIELD", "l"],
        &["BITFIELD", "l", "GET", "u8", "0"],
        &["BITFIELD", "l", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "l"],
        &["BITFIELD_RO", "l", "GET", "u8", "0"],
    ] {
        assert_eq!(b.check(cmd), WRONGTYPE, "{cmd:?}");
    }
    b.all(&[
        // Errors found before the type check.
        &["SETBIT", "l", "abc", "1"],
        &["SETBIT", "l", "0", "2"],
        &["GETBIT", "l", "abc"],
        &["BITPOS", "l", "2"],
        &["BITOP", "NOT", "d", "l", "l"],
        &["BITOP", "foo", "d", "l"],
        &["BITFIELD", "l", "GET", "u99", "0"],
        &["BITFIELD_RO", "l", "SET", "u8", "0", "1"],
        &["EXISTS", "d"],
        // BITOP's destination may hold another type: it is replaced.
        &["BITOP", "AND", "l", "s"],
        &["TYPE", "l"],
    ]);
}
