//! `RequestDecoder` against behaviour observed on Redis 7.0.15 (raw bytes sent over a
//! socket, replies compared).

use bytes::{Bytes, BytesMut};
use cedis_resp::{Limits, ProtocolError, RequestDecoder};
use proptest::prelude::*;

#[derive(Debug, PartialEq)]
enum Out {
    Cmd(Vec<Vec<u8>>),
    Err(ProtocolError),
}

/// Decodes everything in `input` (fed at once), stopping at the first error.
fn run(input: &[u8]) -> (Vec<Out>, usize) {
    run_with(RequestDecoder::default(), input)
}

fn run_with(mut dec: RequestDecoder, input: &[u8]) -> (Vec<Out>, usize) {
    let mut buf = BytesMut::from(input);
    let mut out = Vec::new();
    loop {
        match dec.decode(&mut buf) {
            Ok(Some(args)) => out.push(Out::Cmd(args.iter().map(|a| a.to_vec()).collect())),
            Ok(None) => break,
            Err(e) => {
                out.push(Out::Err(e));
                break;
            }
        }
    }
    (out, buf.len())
}

/// Feeds `input` one byte at a time.
fn run_bytewise(input: &[u8]) -> Vec<Out> {
    let mut dec = RequestDecoder::default();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for &b in input {
        buf.extend_from_slice(&[b]);
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(args)) => {
                    out.push(Out::Cmd(args.iter().map(|a| a.to_vec()).collect()));
                }
                Ok(None) => break,
                Err(e) => {
                    out.push(Out::Err(e));
                    return out;
                }
            }
        }
    }
    out
}

fn cmd(args: &[&str]) -> Out {
    Out::Cmd(args.iter().map(|a| a.as_bytes().to_vec()).collect())
}

fn cmds(input: &[u8]) -> Vec<Out> {
    let (out, _) = run(input);
    assert_eq!(out, run_bytewise(input), "bytewise differs for {input:?}");
    out
}

fn err(input: &[u8]) -> ProtocolError {
    let out = cmds(input);
    match out.last() {
        Some(Out::Err(e)) => e.clone(),
        other => panic!("expected an error for {input:?}, got {other:?}"),
    }
}

fn pending(input: &[u8]) {
    assert_eq!(cmds(input), vec![], "expected to wait on {input:?}");
}

#[test]
fn multibulk_basics() {
    assert_eq!(
        cmds(b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"),
        vec![cmd(&["SET", "key", "value"])]
    );
    assert_eq!(cmds(b"*1\r\n$0\r\n\r\n"), vec![cmd(&[""])]);
    assert_eq!(
        cmds(b"*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n"),
        vec![cmd(&["ECHO", "a\r\nb"])]
    );
}

#[test]
fn empty_commands_are_skipped() {
    let ping = b"*1\r\n$4\r\nPING\r\n";
    for prefix in [
        &b"*0\r\n"[..],
        b"*-1\r\n",
        b"*-5\r\n",
        b"*-9223372036854775808\r\n",
        b"\r\n",
        b"\n",
        b"  \r\n",
        b"\r\n\r\n",
    ] {
        let input = [prefix, ping].concat();
        let (out, left) = run(&input);
        assert_eq!(out, vec![cmd(&["PING"])], "prefix {prefix:?}");
        assert_eq!(left, 0);
        assert_eq!(run_bytewise(&input), vec![cmd(&["PING"])]);
    }
}

#[test]
fn terminators_are_not_checked() {
    // Redis skips the two bytes after a bulk and the byte after a length line's `\r`.
    assert_eq!(cmds(b"*1\rX$4\r\nPING\r\n"), vec![cmd(&["PING"])]);
    assert_eq!(cmds(b"*1\r\n$4\rXPING\r\n"), vec![cmd(&["PING"])]);
    assert_eq!(
        cmds(b"*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n"),
        vec![cmd(&["PING"]), cmd(&["PING"])]
    );
    assert_eq!(cmds(b"*1\r\n$4\r\nPINGXYZ"), vec![cmd(&["PING"])]);
    pending(b"*1\r\n$4\r\nPINGX");
    pending(b"*1\r\n$4\r");
    pending(b"*1\r");
}

#[test]
fn multibulk_length_errors() {
    use ProtocolError::InvalidMultibulkLength as E;
    for bad in [
        &b"*01\r\n"[..],
        b"*+1\r\n",
        b"*-0\r\n",
        b"*\r\n",
        b"* 1\r\n",
        b"*1 \r\n",
        b"*a\r\n",
        b"*2147483648\r\n",
        b"*99999999999999999999\r\n",
        b"*-9223372036854775809\r\n",
    ] {
        assert_eq!(err(bad), E, "{bad:?}");
    }
    // Redis 7.0.15 accepts up to INT_MAX and waits for the elements.
    pending(b"*2147483647\r\n");
    pending(b"*2000000\r\n");
    pending(b"*a\r");
    pending(b"*a");
    // A smaller configured limit is honoured.
    let dec = RequestDecoder::new(Limits {
        max_elements: 3,
        ..Limits::default()
    });
    assert_eq!(run_with(dec, b"*4\r\n").0, vec![Out::Err(E)]);
}

#[test]
fn bulk_length_errors() {
    use ProtocolError::InvalidBulkLength as E;
    for bad in [
        &b"*1\r\n$-1\r\n"[..],
        b"*1\r\n$-0\r\n",
        b"*1\r\n$01\r\nx\r\n",
        b"*1\r\n$\r\n",
        b"*1\r\n$536870913\r\n",
        b"*1\r\n$9999999999\r\n",
        b"*1\r\n$99999999999999999999999\r\n",
    ] {
        assert_eq!(err(bad), E, "{bad:?}");
    }
    pending(b"*1\r\n$536870912\r\n");
    pending(b"*1\r\n$x\r");
    let dec = RequestDecoder::new(Limits {
        max_bulk_len: 10,
        ..Limits::default()
    });
    assert_eq!(run_with(dec, b"*1\r\n$11\r\n").0, vec![Out::Err(E)]);
}

#[test]
fn expected_dollar() {
    assert_eq!(err(b"*1\r\n:4\r\n"), ProtocolError::ExpectedDollar(b':'));
    assert_eq!(err(b"*1\r\n\xff4\r\n"), ProtocolError::ExpectedDollar(0xff));
    assert_eq!(err(b"*1\r\n\r\n"), ProtocolError::ExpectedDollar(b'\r'));
    assert_eq!(err(b"*1\r\n\n4\r\n"), ProtocolError::ExpectedDollar(b'\n'));
    // The error waits for the whole line, like Redis.
    pending(b"*1\r\n:");
    pending(b"*1\r\n:4\r");

    assert_eq!(
        ProtocolError::ExpectedDollar(b':').to_string(),
        "ERR Protocol error: expected '$', got ':'"
    );
    assert_eq!(
        ProtocolError::ExpectedDollar(b'\r').reply_bytes(),
        b"ERR Protocol error: expected '$', got ' '"
    );
    assert_eq!(
        ProtocolError::ExpectedDollar(b'\n').to_string(),
        "ERR Protocol error: expected '$', got ' '"
    );
    assert_eq!(
        ProtocolError::ExpectedDollar(0xff).reply_bytes(),
        b"ERR Protocol error: expected '$', got '\xff'"
    );
}

#[test]
fn too_big_lines() {
    let mut long_count = b"*1".to_vec();
    long_count.resize(70_000, b'1');
    assert_eq!(err(&long_count), ProtocolError::TooBigMultibulkCount);

    let mut long_bulk = b"*1\r\n$".to_vec();
    long_bulk.resize(70_005, b'1');
    assert_eq!(
        run(&long_bulk).0,
        vec![Out::Err(ProtocolError::TooBigBulkCount)]
    );

    assert_eq!(
        run(&vec![b'x'; 65_537]).0,
        vec![Out::Err(ProtocolError::TooBigInlineRequest)]
    );
    assert_eq!(run(&vec![b'x'; 65_536]).0, vec![]);
    // A long line that is complete when it is looked at is fine, as in Redis.
    let mut long_line = vec![b'x'; 70_000];
    long_line.push(b'\n');
    assert_eq!(run(&long_line).0.len(), 1);
}

#[test]
fn nul_hides_the_terminator() {
    // Redis searches lines with strchr, which stops at NUL: the command never completes.
    let (out, _) = run(b"ECHO a\0b\r\n");
    assert_eq!(out, vec![]);
    let (out, _) = run(b"*1\0\r\n$4\r\nPING\r\n");
    assert_eq!(out, vec![]);
    let (out, _) = run(b"*1\r\n$4\0\r\nPING\r\n");
    assert_eq!(out, vec![]);
    let mut big = b"ECHO a\0b\r\n".to_vec();
    big.resize(70_010, b'x');
    assert_eq!(
        run(&big).0,
        vec![Out::Err(ProtocolError::TooBigInlineRequest)]
    );
    // Inside a bulk payload NUL is just data.
    assert_eq!(cmds(b"*1\r\n$4\r\nPI\0G\r\n"), vec![cmd(&["PI\0G"])]);
}

#[test]
fn inline_commands() {
    assert_eq!(cmds(b"PING\r\n"), vec![cmd(&["PING"])]);
    assert_eq!(cmds(b"PING\n"), vec![cmd(&["PING"])]);
    assert_eq!(cmds(b"PING\rPING\r\n"), vec![cmd(&["PING", "PING"])]);
    assert_eq!(cmds(b"ECHO a\r\r\n"), vec![cmd(&["ECHO", "a"])]);
    assert_eq!(
        cmds(b"SET k \"hello world\"\r\n"),
        vec![cmd(&["SET", "k", "hello world"])]
    );
    assert_eq!(cmds(b"ECHO a\"b c\"\r\n"), vec![cmd(&["ECHO", "ab c"])]);
    assert_eq!(cmds(b"ECHO 'a\\'b'\r\n"), vec![cmd(&["ECHO", "a'b"])]);
    assert_eq!(cmds(b"ECHO \"\"\r\n"), vec![cmd(&["ECHO", ""])]);
    assert_eq!(cmds(b"\x0b\x0cPING\r\n"), vec![cmd(&["PING"])]);
    pending(b"ECHO \"a");
    for bad in [
        &b"ECHO \"a\"b\r\n"[..],
        b"ECHO \"abc\r\n",
        b"ECHO 'abc\r\n",
        b"ECHO ''x\r\n",
        b"ECHO \"a\n",
        b"ECHO a\\\"b\r\n",
    ] {
        assert_eq!(err(bad), ProtocolError::UnbalancedQuotes, "{bad:?}");
    }
}

#[test]
fn mixed_pipeline() {
    let input = b"PING\r\n*1\r\n$4\r\nPING\r\nPING\n\r\n*0\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nECHO \"x y\"\r\n";
    assert_eq!(
        cmds(input),
        vec![
            cmd(&["PING"]),
            cmd(&["PING"]),
            cmd(&["PING"]),
            cmd(&["GET", "k"]),
            cmd(&["ECHO", "x y"]),
        ]
    );
    // Commands before an error are still returned, then the error.
    assert_eq!(
        cmds(b"PING\r\n*1\r\n:x\r\nPING\r\n"),
        vec![
            cmd(&["PING"]),
            Out::Err(ProtocolError::ExpectedDollar(b':'))
        ]
    );
}

#[test]
fn unauthenticated_limits() {
    let mut dec = RequestDecoder::default();
    dec.set_auth_required(true);
    assert!(dec.auth_required());
    assert_eq!(
        run_with(dec.clone(), b"*11\r\n").0,
        vec![Out::Err(ProtocolError::UnauthenticatedMultibulkLength)]
    );
    assert_eq!(run_with(dec.clone(), b"*10\r\n").0, vec![]);
    assert_eq!(
        run_with(dec.clone(), b"*-1\r\n*11\r\n").0,
        vec![Out::Err(ProtocolError::UnauthenticatedMultibulkLength)]
    );
    assert_eq!(
        run_with(dec.clone(), b"*1\r\n$16385\r\n").0,
        vec![Out::Err(ProtocolError::UnauthenticatedBulkLength)]
    );
    assert_eq!(run_with(dec.clone(), b"*1\r\n$16384\r\n").0, vec![]);
    // Inline commands are bounded only by the inline limit.
    let mut inline = b"ECHO".to_vec();
    for _ in 0..20 {
        inline.extend_from_slice(b" x");
    }
    inline.extend_from_slice(b"\r\n");
    assert_eq!(run_with(dec.clone(), &inline).0.len(), 1);

    // AUTH in a pipeline lifts the limit for the commands after it.
    let mut buf = BytesMut::from(&b"*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$16385\r\n"[..]);
    let auth = dec.decode(&mut buf).unwrap().unwrap();
    assert_eq!(auth[0], "AUTH");
    dec.set_auth_required(false);
    assert_eq!(dec.decode(&mut buf), Ok(None));

    assert_eq!(
        ProtocolError::UnauthenticatedMultibulkLength.to_string(),
        "ERR Protocol error: unauthenticated multibulk length"
    );
    assert_eq!(
        ProtocolError::UnauthenticatedBulkLength.to_string(),
        "ERR Protocol error: unauthenticated bulk length"
    );
}

#[test]
fn error_lines() {
    let lines = [
        (
            ProtocolError::InvalidMultibulkLength,
            "ERR Protocol error: invalid multibulk length",
        ),
        (
            ProtocolError::InvalidBulkLength,
            "ERR Protocol error: invalid bulk length",
        ),
        (
            ProtocolError::UnbalancedQuotes,
            "ERR Protocol error: unbalanced quotes in request",
        ),
        (
            ProtocolError::TooBigInlineRequest,
            "ERR Protocol error: too big inline request",
        ),
        (
            ProtocolError::TooBigMultibulkCount,
            "ERR Protocol error: too big mbulk count string",
        ),
        (
            ProtocolError::TooBigBulkCount,
            "ERR Protocol error: too big bulk count string",
        ),
    ];
    for (e, line) in lines {
        assert_eq!(e.to_string(), line);
        assert_eq!(e.reply_bytes(), line.as_bytes());
    }
}

#[test]
fn payloads_share_the_buffer() {
    let mut dec = RequestDecoder::default();
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"[..]);
    let base = buf.as_ptr() as usize;
    let args = dec.decode(&mut buf).unwrap().unwrap();
    assert_eq!(args[1].as_ptr() as usize, base + 17);
}

#[test]
fn huge_multibulk_in_small_chunks_is_linear() {
    // 200k arguments fed 7 bytes at a time: quadratic rescanning would take minutes.
    let n = 200_000;
    let mut input = format!("*{n}\r\n").into_bytes();
    for i in 0..n {
        let arg = format!("v{i}");
        input.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
    }
    let mut dec = RequestDecoder::default();
    let mut buf = BytesMut::new();
    let mut got = None;
    for chunk in input.chunks(7) {
        buf.extend_from_slice(chunk);
        if let Some(args) = dec.decode(&mut buf).unwrap() {
            got = Some(args);
        }
    }
    let got = got.unwrap();
    assert_eq!(got.len(), n);
    assert_eq!(got[n - 1], Bytes::from(format!("v{}", n - 1)));
}

#[test]
fn length_prefixes_do_not_allocate() {
    let mut dec = RequestDecoder::default();
    let mut buf = BytesMut::from(&b"*2147483647\r\n$536870912\r\nabc"[..]);
    assert_eq!(dec.decode(&mut buf), Ok(None));
    assert!(buf.capacity() < 1 << 20);
}

fn arb_args() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20), 1..6)
}

fn multibulk(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

proptest! {
    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = run(&input);
        let _ = run_bytewise(&input);
    }

    #[test]
    fn random_protocolish_bytes_never_panic(
        parts in prop::collection::vec(prop::sample::select(vec![
            &b"*"[..], b"$", b"\r\n", b"\r", b"\n", b"1", b"-1", b"0", b"3", b"x", b" ", b"\"",
            b"'", b"\\", b"\0", b"99999999999",
        ]), 0..64)
    ) {
        let input = parts.concat();
        let _ = run(&input);
        let _ = run_bytewise(&input);
    }

    #[test]
    fn pipelines_decode_in_any_chunking(
        cmds_in in prop::collection::vec(arb_args(), 1..6),
        chunk in 1usize..40,
    ) {
        let input: Vec<u8> = cmds_in.iter().flat_map(|c| multibulk(c)).collect();
        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            buf.extend_from_slice(piece);
            while let Some(args) = dec.decode(&mut buf).unwrap() {
                out.push(args.iter().map(|a| a.to_vec()).collect::<Vec<_>>());
            }
        }
        prop_assert_eq!(out, cmds_in);
        prop_assert!(buf.is_empty());
    }
}
