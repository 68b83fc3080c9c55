//! `StringValue` against behaviour observed on Redis 7.0.15 (`OBJECT ENCODING`,
//! GETRANGE, SETRANGE, APPEND, STRLEN).

use cedis_types::string::{would_exceed, EMBSTR_MAX_LEN};
use cedis_types::{StringValue, Value};

#[test]
fn set_chooses_the_encoding_redis_does() {
    let cases: &[(&[u8], &str)] = &[
        (b"123", "int"),
        (b"-9223372036854775808", "int"),
        (b"9223372036854775807", "int"),
        (b"-1234567890123456789", "int"),
        (b"9223372036854775808", "embstr"),
        (b"12345678901234567890", "embstr"),
        (b"", "embstr"),
        (b"-0", "embstr"),
        (b"007", "embstr"),
        (b"+1", "embstr"),
        (b" 5", "embstr"),
        (b"1.5", "embstr"),
        (&[b'x'; 44], "embstr"),
        (&[b'x'; 45], "raw"),
        (&[b'1'; 45], "raw"),
    ];
    for &(bytes, encoding) in cases {
        let value = StringValue::from_bytes(bytes);
        assert_eq!(
            value.encoding(),
            encoding,
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(&*value.to_bytes(), bytes);
        assert_eq!(value.len(), bytes.len());
        let owned = StringValue::from_vec(bytes.to_vec());
        assert_eq!(owned, value);
    }
    assert_eq!(EMBSTR_MAX_LEN, 44);
}

#[test]
fn in_place_changes_make_raw() {
    // SET n 10; APPEND n 1 -> "101" raw; INCR n -> int.
    let mut v = StringValue::from_bytes(b"10");
    assert_eq!(v.append(b"1"), 3);
    assert_eq!((&*v.to_bytes(), v.encoding()), (&b"101"[..], "raw"));
    assert_eq!(v.as_i64(), Some(101));
    let incremented = StringValue::from_i64(v.as_i64().unwrap() + 1);
    assert_eq!(incremented.encoding(), "int");

    // APPEND of nothing still converts, for int and embstr alike.
    for start in [&b"12"[..], b"ab"] {
        let mut v = StringValue::from_bytes(start);
        assert_eq!(v.append(b""), 2);
        assert_eq!(v.encoding(), "raw");
    }

    // SETRANGE with a value converts; with an empty value it changes nothing.
    let mut v = StringValue::from_bytes(b"ab");
    assert_eq!(v.set_range(0, b""), 2);
    assert_eq!(v.encoding(), "embstr");
    assert_eq!(v.set_range(0, b"x"), 2);
    assert_eq!((&*v.to_bytes(), v.encoding()), (&b"xb"[..], "raw"));
    let mut n = StringValue::from_i64(12);
    assert_eq!(n.set_range(0, b""), 2);
    assert_eq!(n.encoding(), "int");

    // SETBIT converts even when the bit is unchanged (SET n ab; SETBIT n 3 0 -> raw).
    let mut v = StringValue::from_bytes(b"ab");
    let _ = v.raw_mut();
    assert_eq!((&*v.to_bytes(), v.encoding()), (&b"ab"[..], "raw"));
    let mut n = StringValue::from_i64(-7);
    assert_eq!(n.raw_mut().as_slice(), b"-7");
    assert_eq!(n.encoding(), "raw");

    // A raw value holding digits stays raw (BITOP dest, SETRANGE on a missing key).
    let raw = StringValue::from_raw(b"123".to_vec());
    assert_eq!((raw.encoding(), raw.as_i64()), ("raw", Some(123)));
}

#[test]
fn set_range_pads_with_zeros() {
    // SETRANGE on a missing key: a raw string built from nothing.
    let mut v = StringValue::from_raw(Vec::new());
    assert_eq!(v.set_range(3, b"ab"), 5);
    assert_eq!(&*v.to_bytes(), b"\0\0\0ab");
    assert_eq!(v.set_range(1, b"XYZW"), 5);
    assert_eq!(&*v.to_bytes(), b"\0XYZW");
    assert_eq!(v.set_range(4, b"12"), 6);
    assert_eq!(&*v.to_bytes(), b"\0XYZ12");
    // SET b abc; SETRANGE b 1 x -> 3, "axc".
    let mut v = StringValue::from_bytes(b"abc");
    assert_eq!(v.set_range(1, b"x"), 3);
    assert_eq!(&*v.to_bytes(), b"axc");
    // On an int, the digits are edited.
    let mut n = StringValue::from_i64(1234);
    assert_eq!(n.set_range(1, b"9"), 4);
    assert_eq!((n.as_i64(), n.encoding()), (Some(1934), "raw"));
}

#[test]
fn size_limit_checks() {
    let max = 512 * 1024 * 1024;
    // SETRANGE b 536870911 x -> 536870912 (allowed); 536870912 x and 536870911 xy refused.
    assert!(!would_exceed(536_870_911, 1, max));
    assert!(would_exceed(536_870_912, 1, max));
    assert!(would_exceed(536_870_911, 2, max));
    // With proto-max-bulk-len 1mb: SETRANGE b 1048575 x allowed, APPEND refused after.
    assert!(!would_exceed(1_048_575, 1, 1 << 20));
    assert!(would_exceed(1 << 20, 1, 1 << 20));
    assert!(would_exceed(u64::MAX, u64::MAX, u64::MAX));
}

#[test]
fn get_range_matches_redis() {
    let s = StringValue::from_bytes(b"Hello World");
    let cases: &[(i64, i64, &[u8])] = &[
        (0, -1, b"Hello World"),
        (-1, -5, b""),
        (5, 3, b""),
        (-3, -1, b"rld"),
        (0, 0, b"H"),
        (-100, -50, b"H"),
        (-100, 100, b"Hello World"),
        (100, 200, b""),
        (3, -100, b""),
        (-5, -1, b"World"),
        (0, i64::MAX, b"Hello World"),
        (i64::MIN, i64::MAX, b"Hello World"),
        (i64::MIN, i64::MIN, b"H"),
        (10, 10, b"d"),
        (11, 11, b""),
        (-1, -1, b"d"),
        (-11, -11, b"H"),
        (-12, -12, b"H"),
        (-12, 0, b"H"),
        (0, -12, b"H"),
        (0, -11, b"H"),
        (-12, -13, b""),
        (-20, -30, b""),
        (-1, -2, b""),
    ];
    for &(start, end, want) in cases {
        assert_eq!(&*s.get_range(start, end), want, "GETRANGE {start} {end}");
    }
    let empty = StringValue::from_bytes(b"");
    for (start, end) in [(0, -1), (0, 0), (-1, -1), (1, 2), (-100, 100)] {
        assert!(empty.get_range(start, end).is_empty());
    }
    let int = StringValue::from_i64(12345);
    assert_eq!(&*int.get_range(0, -1), b"12345");
    assert_eq!(&*int.get_range(1, 2), b"23");
    assert_eq!(&*int.get_range(-2, -1), b"45");
}

#[test]
fn numeric_views() {
    assert_eq!(StringValue::from_i64(-120).len(), 4);
    assert_eq!(StringValue::from_i64(i64::MIN).len(), 20);
    assert_eq!(StringValue::from_i64(0).len(), 1);
    assert_eq!(StringValue::from_bytes(b" 5").as_i64(), None);
    assert_eq!(StringValue::from_bytes(b"abc").as_i64(), None);
    // INCRBYFLOAT's parsing (strtold) for the float view.
    let floats: &[(&[u8], Option<f64>)] = &[
        (b"1e3", Some(1000.0)),
        (b" 1", None),
        (b"1 ", None),
        (b"inf", Some(f64::INFINITY)),
        (b"nan", None),
        (b"0x10", Some(16.0)),
        (b"1.5e400", Some(f64::INFINITY)), // valid long double, beyond f64
        (b".5", Some(0.5)),
        (b"5.", Some(5.0)),
        (b"abc", None),
    ];
    for &(bytes, want) in floats {
        assert_eq!(StringValue::from_bytes(bytes).as_f64(), want, "{bytes:?}");
    }
}

#[test]
fn incr_by_float_results_are_text() {
    // SET n 10; INCRBYFLOAT n 1 -> "11", embstr (not int).
    let v = StringValue::from_bytes(b"10").incr_by_float(b"1").unwrap();
    assert_eq!((&*v.to_bytes(), v.encoding()), (&b"11"[..], "embstr"));
    // A result longer than 44 bytes is raw.
    let v = StringValue::from_bytes(b"0")
        .incr_by_float(b"1e308")
        .unwrap();
    assert_eq!(v.encoding(), "raw");
    assert_eq!(StringValue::from_f64_incr(3.0).encoding(), "embstr");
    assert_eq!(StringValue::from_bytes_no_int(b"5").encoding(), "embstr");
}

#[test]
fn mem_usage_counts_the_allocation() {
    let inline = std::mem::size_of::<StringValue>();
    assert_eq!(StringValue::from_i64(1).mem_usage(), inline);
    assert_eq!(
        StringValue::from_bytes(&[b'x'; 44]).mem_usage(),
        inline + 44
    );
    // Short strings live inside the value: no heap part.
    assert_eq!(StringValue::from_bytes(b"").mem_usage(), inline);
    assert_eq!(StringValue::from_bytes(&[b'x'; 22]).mem_usage(), inline);
    assert_eq!(
        StringValue::from_bytes(&[b'x'; 23]).mem_usage(),
        inline + 23
    );
    assert_eq!(
        StringValue::from_bytes(&[b'x'; 45]).mem_usage(),
        inline + 45
    );
    // Written whole, a raw string keeps exactly its bytes (spare capacity given back).
    let mut raw = StringValue::from_raw(vec![1; 100]);
    assert_eq!(raw.mem_usage(), inline + 100);
    assert_eq!(
        StringValue::from_raw(Vec::with_capacity(100)).mem_usage(),
        inline
    );
    // Changed in place it is a growable Vec: the Vec itself and its capacity count.
    raw.append(&[0; 200]);
    let vec = std::mem::size_of::<Vec<u8>>();
    assert!(raw.mem_usage() >= inline + vec + 300);
    assert_eq!(raw.len(), 300);
    let mut short = StringValue::from_bytes(b"ab");
    short.append(b"c");
    assert!(short.mem_usage() >= inline + vec + 3);
    let value = Value::string(b"abc");
    assert_eq!(
        value.mem_usage(),
        StringValue::from_bytes(b"abc").mem_usage()
    );
}

#[test]
fn value_string_helpers() {
    let v = Value::string(b"123");
    assert_eq!((v.type_name(), v.encoding()), ("string", "int"));
    let v = Value::from(StringValue::from_bytes(b"abc"));
    assert_eq!(v.encoding(), "embstr");
    assert_eq!(v.as_string().map(|s| s.len()), Some(3));
}

#[test]
fn values_are_24_bytes() {
    assert!(std::mem::size_of::<StringValue>() <= 24);
    assert!(std::mem::size_of::<Value>() <= 24);
    // Room for the collections to come: boxed variants fit in the same 24 bytes.
    #[allow(dead_code)]
    enum FutureValue {
        String(StringValue),
        List(Box<[u64; 4]>),
        Hash(Box<[u64; 8]>),
    }
    assert_eq!(std::mem::size_of::<FutureValue>(), 24);
    assert_eq!(std::mem::size_of::<Option<Value>>(), 24);
}

#[test]
fn every_representation_round_trips() {
    // Lengths around each boundary: inline (22), embstr (44), raw.
    for len in [0, 1, 21, 22, 23, 43, 44, 45, 100] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let expected = if len <= EMBSTR_MAX_LEN {
            "embstr"
        } else {
            "raw"
        };
        for value in [
            StringValue::from_bytes(&bytes),
            StringValue::from_vec(bytes.clone()),
            StringValue::from_bytes_no_int(&bytes),
        ] {
            assert_eq!(value.encoding(), expected, "len {len}");
            assert_eq!(&*value.to_bytes(), &bytes[..]);
            assert_eq!(value.len(), len);
            assert_eq!(value.clone(), value);
            let mut changed = value.clone();
            assert_eq!(changed.raw_mut(), &bytes);
            assert_eq!(changed.encoding(), "raw");
            assert_eq!(&*changed.to_bytes(), &bytes[..]);
            // Raw either way past 44 bytes: equal whatever the representation.
            assert_eq!(changed == value, expected == "raw");
            assert_eq!(changed.append(b"!"), len + 1);
            assert_eq!(&changed.to_bytes()[..len], &bytes[..]);
            assert_eq!(changed, StringValue::from_raw([&bytes[..], b"!"].concat()));
        }
        let raw = StringValue::from_raw(bytes.clone());
        assert_eq!((raw.encoding(), &*raw.to_bytes()), ("raw", &bytes[..]));
    }
    // Numbers held as text parse as before, inline or boxed.
    assert_eq!(StringValue::from_bytes(b"007").as_i64(), None);
    assert_eq!(StringValue::from_bytes_no_int(b"42").as_i64(), Some(42));
    assert_eq!(StringValue::from_raw(b"12".to_vec()).as_i64(), Some(12));
    assert_eq!(StringValue::from_bytes(b"2.5").as_f64(), Some(2.5));
    let long = format!("{}.5", "1".repeat(30));
    assert!(StringValue::from_bytes(long.as_bytes()).as_f64().is_some());
    assert_eq!(StringValue::from_i64(5), StringValue::from_bytes(b"5"));
    assert_ne!(
        StringValue::from_i64(5),
        StringValue::from_raw(b"5".to_vec())
    );
    assert_eq!(
        format!("{:?}", StringValue::from_bytes(b"a\"b")),
        "Embstr(b\"a\\\"b\")"
    );
}
