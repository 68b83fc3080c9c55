//! Round trips through `Frame::encode` and `Decoder`, chunking, and hostile input.

use bytes::{Bytes, BytesMut};
use cedis_resp::double::write_g17;
use cedis_resp::{Decoder, Frame, Limits, Protocol};
use proptest::prelude::*;

fn line_bytes() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..12,
    )
    .prop_map(Bytes::from)
}

fn any_bytes() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(prop_oneof![any::<u8>(), Just(b'\r'), Just(b'\n')], 0..24)
        .prop_map(Bytes::from)
}

fn big_number() -> impl Strategy<Value = Bytes> {
    (any::<bool>(), "[0-9]{1,40}")
        .prop_map(|(neg, d)| Bytes::from(if neg { format!("-{d}") } else { d }))
}

fn double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("NaN never equals itself", |d| !d.is_nan()),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        (-1000i32..1000).prop_map(|i| f64::from(i) / 8.0),
    ]
}

/// Any frame, up to a few levels deep.
fn frame() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        line_bytes().prop_map(Frame::Simple),
        line_bytes().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        any_bytes().prop_map(Frame::Bulk),
        Just(Frame::NullBulk),
        Just(Frame::NullArray),
        Just(Frame::Null),
        double().prop_map(Frame::Double),
        any::<bool>().prop_map(Frame::Boolean),
        big_number().prop_map(Frame::BigNumber),
        (prop::array::uniform3(any::<u8>()), any_bytes())
            .prop_map(|(format, text)| Frame::Verbatim { format, text }),
        any_bytes().prop_map(Frame::BlobError),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let pairs = prop::collection::vec((inner.clone(), inner.clone()), 0..4);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Frame::Array),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Frame::Set),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Frame::Push),
            pairs.clone().prop_map(Frame::Map),
            (pairs, inner).prop_map(|(attributes, data)| Frame::Attribute {
                attributes,
                data: Box::new(data),
            }),
        ]
    })
}

/// Frames that RESP2 can carry unchanged.
fn resp2_frame() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        line_bytes().prop_map(Frame::Simple),
        line_bytes().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        any_bytes().prop_map(Frame::Bulk),
        Just(Frame::NullBulk),
        Just(Frame::NullArray),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop::collection::vec(inner, 0..6).prop_map(Frame::Array)
    })
}

/// What RESP3 encoding then decoding gives: both RESP2 nulls become `_`.
fn via_resp3(f: &Frame) -> Frame {
    match f {
        Frame::NullBulk | Frame::NullArray => Frame::Null,
        Frame::Array(v) => Frame::Array(v.iter().map(via_resp3).collect()),
        Frame::Set(v) => Frame::Set(v.iter().map(via_resp3).collect()),
        Frame::Push(v) => Frame::Push(v.iter().map(via_resp3).collect()),
        Frame::Map(p) => Frame::Map(
            p.iter()
                .map(|(k, v)| (via_resp3(k), via_resp3(v)))
                .collect(),
        ),
        Frame::Attribute { attributes, data } => Frame::Attribute {
            attributes: attributes
                .iter()
                .map(|(k, v)| (via_resp3(k), via_resp3(v)))
                .collect(),
            data: Box::new(via_resp3(data)),
        },
        other => other.clone(),
    }
}

/// Redis's RESP3 → RESP2 downgrade, written out independently of the encoder.
fn downgrade(f: &Frame) -> Frame {
    match f {
        Frame::Null => Frame::NullBulk,
        Frame::Double(d) => {
            let mut s = Vec::new();
            write_g17(&mut s, *d);
            Frame::Bulk(s.into())
        }
        Frame::Boolean(b) => Frame::Integer(i64::from(*b)),
        Frame::BigNumber(n) => Frame::Bulk(n.clone()),
        Frame::Verbatim { text, .. } => Frame::Bulk(text.clone()),
        Frame::BlobError(e) => Frame::Error(
            e.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                .collect::<Vec<u8>>()
                .into(),
        ),
        Frame::Array(v) | Frame::Set(v) | Frame::Push(v) => {
            Frame::Array(v.iter().map(downgrade).collect())
        }
        Frame::Map(p) => Frame::Array(
            p.iter()
                .flat_map(|(k, v)| [downgrade(k), downgrade(v)])
                .collect(),
        ),
        Frame::Attribute { data, .. } => downgrade(data),
        other => other.clone(),
    }
}

fn encode(f: &Frame, proto: Protocol) -> Vec<u8> {
    let mut buf = BytesMut::new();
    f.encode(&mut buf, proto);
    buf.to_vec()
}

fn decode_all(bytes: &[u8]) -> Vec<Frame> {
    let mut dec = Decoder::default();
    let mut buf = BytesMut::from(bytes);
    let mut out = Vec::new();
    while let Some(f) = dec.decode(&mut buf).unwrap() {
        out.push(f);
    }
    assert!(buf.is_empty(), "left over {buf:?}");
    out
}

/// Splits `bytes` at `cut`: the first part alone must be `Ok(None)` and leave the buffer
/// untouched (unless it already holds a whole frame), then the rest completes it.
fn check_split(bytes: &[u8], cut: usize, expected: &[Frame], fresh: bool) {
    let mut dec = Decoder::default();
    let mut buf = BytesMut::from(&bytes[..cut]);
    let mut out = Vec::new();
    loop {
        let before = buf.clone();
        match dec.decode(&mut buf).unwrap() {
            Some(f) => out.push(f),
            None => {
                assert_eq!(buf, before, "Ok(None) consumed bytes");
                break;
            }
        }
    }
    if fresh {
        dec = Decoder::default();
    }
    buf.extend_from_slice(&bytes[cut..]);
    while let Some(f) = dec.decode(&mut buf).unwrap() {
        out.push(f);
    }
    assert!(buf.is_empty());
    assert_eq!(out, expected, "cut at {cut}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn resp3_round_trip(f in frame()) {
        let bytes = encode(&f, Protocol::Resp3);
        prop_assert_eq!(decode_all(&bytes), vec![via_resp3(&f)]);
    }

    #[test]
    fn resp2_round_trip(f in resp2_frame()) {
        let bytes = encode(&f, Protocol::Resp2);
        prop_assert_eq!(decode_all(&bytes), vec![f]);
    }

    #[test]
    fn resp2_downgrade(f in frame()) {
        let bytes = encode(&f, Protocol::Resp2);
        prop_assert_eq!(decode_all(&bytes), vec![downgrade(&f)]);
    }

    #[test]
    fn every_split_decodes_the_same(a in frame(), b in frame()) {
        let mut bytes = encode(&a, Protocol::Resp3);
        bytes.extend_from_slice(&encode(&b, Protocol::Resp3));
        let expected = vec![via_resp3(&a), via_resp3(&b)];
        for cut in 0..=bytes.len() {
            check_split(&bytes, cut, &expected, false);
            check_split(&bytes, cut, &expected, true);
        }
    }

    #[test]
    fn one_byte_at_a_time(f in frame()) {
        let bytes = encode(&f, Protocol::Resp3);
        let mut dec = Decoder::default();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for &byte in &bytes {
            buf.extend_from_slice(&[byte]);
            let len = buf.len();
            match dec.decode(&mut buf).unwrap() {
                Some(frame) => out.push(frame),
                None => prop_assert_eq!(buf.len(), len),
            }
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(out, vec![via_resp3(&f)]);
    }

    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..256)) {
        let mut dec = Decoder::default();
        let mut buf = BytesMut::from(&input[..]);
        while let Ok(Some(_)) = dec.decode(&mut buf) {}
        let mut dec = Decoder::default();
        let mut buf = BytesMut::new();
        for &byte in &input {
            buf.extend_from_slice(&[byte]);
            if dec.decode(&mut buf).is_err() {
                break;
            }
        }
    }

    #[test]
    fn protocolish_bytes_never_panic(
        parts in prop::collection::vec(prop::sample::select(vec![
            &b"*"[..], b"$", b"%", b"~", b">", b"|", b"=", b"!", b",", b"#", b"(", b"_", b":",
            b"+", b"-", b"\r\n", b"\r", b"1", b"-1", b"0", b"2", b"4", b"t", b"txt:",
            b"99999999999", b"inf", b"nan",
        ]), 0..64)
    ) {
        let input = parts.concat();
        let mut dec = Decoder::default();
        let mut buf = BytesMut::from(&input[..]);
        while let Ok(Some(_)) = dec.decode(&mut buf) {}
    }

    /// Corrupting one byte of a valid encoding never panics.
    #[test]
    fn mutated_frames_never_panic(f in frame(), idx in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = encode(&f, Protocol::Resp3);
        let i = idx.index(bytes.len());
        bytes[i] = byte;
        let mut dec = Decoder::default();
        let mut buf = BytesMut::from(&bytes[..]);
        while let Ok(Some(_)) = dec.decode(&mut buf) {}
    }
}

#[test]
fn huge_length_prefixes_do_not_allocate() {
    let mut dec = Decoder::default();
    let mut buf = BytesMut::from(&b"$9999999999\r\n"[..]);
    assert!(dec.decode(&mut buf).is_err());

    for input in [
        &b"$536870912\r\nabc"[..],
        b"*99999999\r\n",
        b"*2147483647\r\n:1\r\n",
        b"%99999999\r\n+k\r\n",
        b"~99999999\r\n",
        b">99999999\r\n",
        b"|99999999\r\n",
        b"!536870912\r\n",
        b"=536870912\r\n",
    ] {
        let mut dec = Decoder::default();
        let mut buf = BytesMut::from(input);
        assert_eq!(dec.decode(&mut buf), Ok(None), "{input:?}");
        assert_eq!(buf.len(), input.len());
        assert!(buf.capacity() < 1 << 20);
    }

    let mut dec = Decoder::default();
    let mut buf = BytesMut::from(&b"*2147483648\r\n"[..]);
    assert!(dec.decode(&mut buf).is_err());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let input = b"*1\r\n".repeat(10_000);
    let mut dec = Decoder::default();
    assert!(dec.decode(&mut BytesMut::from(&input[..])).is_err());

    let mut ok = b"*1\r\n".repeat(128);
    ok.extend_from_slice(b":1\r\n");
    assert!(Decoder::default()
        .decode(&mut BytesMut::from(&ok[..]))
        .unwrap()
        .is_some());
    let mut too_deep = b"*1\r\n".repeat(129);
    too_deep.extend_from_slice(b":1\r\n");
    assert!(Decoder::default()
        .decode(&mut BytesMut::from(&too_deep[..]))
        .is_err());

    // Any nesting mix counts, attributes and maps included.
    let mixed = b"%1\r\n|1\r\n".repeat(5_000);
    assert!(Decoder::default()
        .decode(&mut BytesMut::from(&mixed[..]))
        .is_err());
}

#[test]
fn large_reply_in_small_chunks_is_linear() {
    let n = 200_000;
    let f = Frame::Array((0..n).map(|i| Frame::Integer(i as i64)).collect());
    let bytes = encode(&f, Protocol::Resp3);
    let mut dec = Decoder::default();
    let mut buf = BytesMut::new();
    let mut got = None;
    for chunk in bytes.chunks(5) {
        buf.extend_from_slice(chunk);
        if let Some(frame) = dec.decode(&mut buf).unwrap() {
            got = Some(frame);
        }
    }
    assert_eq!(got, Some(f));
}

/// Replies captured from Redis 7.0.15 (HELLO 3, DEL, ZADD, ZSCORE, ZRANGE WITHSCORES,
/// HSET, HGETALL, SADD, SMEMBERS, GET of a missing key, EXISTS, CLIENT TRACKING, a
/// WRONGTYPE error, GET, and a tracking invalidation push).
const REDIS_RESP3: &[u8] =
    b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n\
$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:86\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n\
$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n:0\r\n:2\r\n,0.10000000000000001\r\n*2\r\n*2\r\n$1\r\nb\r\n\
,0.10000000000000001\r\n*2\r\n$1\r\na\r\n,1.5\r\n:1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n:1\r\n~1\r\n\
$1\r\nx\r\n_\r\n:1\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n\
_\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\ntkey1\r\n";

/// Then DEL, an invalidation push, HELLO 2 and BLPOP timing out, from the same connection.
const REDIS_MIXED: &[u8] =
    b":4\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nzz1\r\n*14\r\n$6\r\nserver\r\n\
$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:86\r\n$4\r\n\
mode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n*-1\r\n";

#[test]
fn redis_replies_decode_and_reencode_byte_for_byte() {
    let frames = decode_all(REDIS_RESP3);
    assert_eq!(frames.len(), 15);
    assert!(matches!(&frames[0], Frame::Map(p) if p.len() == 7));
    assert_eq!(frames[3], Frame::Double(0.1));
    assert!(matches!(&frames[14], Frame::Push(v) if v.len() == 2));
    let mut out = BytesMut::new();
    for f in &frames {
        f.encode(&mut out, Protocol::Resp3);
    }
    assert_eq!(&out[..], REDIS_RESP3);

    let frames = decode_all(REDIS_MIXED);
    assert_eq!(frames.len(), 4);
    assert_eq!(frames[3], Frame::NullArray);
    let mut out = BytesMut::new();
    frames[0].encode(&mut out, Protocol::Resp3);
    frames[1].encode(&mut out, Protocol::Resp3);
    frames[2].encode(&mut out, Protocol::Resp2);
    frames[3].encode(&mut out, Protocol::Resp2);
    assert_eq!(&out[..], REDIS_MIXED);
}

#[test]
fn custom_limits_apply() {
    let mut dec = Decoder::new(Limits {
        max_depth: 3,
        ..Limits::default()
    });
    let mut buf = BytesMut::from(&b"*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n"[..]);
    assert!(dec.decode(&mut buf).is_err());
}
