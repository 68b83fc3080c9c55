//! The file reader on hand-built files: every opcode, old versions, garbage.

mod common;

use cedis_persist::{read_rdb, Corrupt, LoadLimits, RdbWriter, WriteOptions};
use cedis_types::Value;
use common::Collect;
use proptest::prelude::*;

fn read(bytes: &[u8]) -> Result<(Collect, cedis_persist::Summary), cedis_persist::RdbError> {
    let mut sink = Collect::default();
    let summary = read_rdb(bytes, &LoadLimits::default(), &mut sink)?;
    Ok((sink, summary))
}

fn with_crc(mut file: Vec<u8>) -> Vec<u8> {
    let crc = cedis_persist::crc64(&file);
    file.extend_from_slice(&crc.to_le_bytes());
    file
}

#[test]
fn every_opcode() {
    let mut f = b"REDIS0010".to_vec();
    f.extend_from_slice(b"\xfa\x09redis-ver\x067.0.15");
    f.extend_from_slice(b"\xf5\x04code");
    // MODULE_AUX: module id, when-opcode, when, then opcode-tagged data up to EOF (0):
    // an unsigned int, a float, a double, a string.
    f.extend_from_slice(b"\xf7\x81\x01\x02\x03\x04\x05\x06\x07\x08\x02\x02\x02\x07");
    f.extend_from_slice(b"\x03\x00\x00\x80\x3f\x04\x00\x00\x00\x00\x00\x00\xf0\x3f\x05\x02hi\x00");
    f.extend_from_slice(b"\xfe\x02\xfb\x03\x01");
    f.extend_from_slice(b"\xfd\x10\x00\x00\x00\x00\x01a\x011"); // expire in seconds
                                                                // The opcodes as Redis 7.0.15 writes them (checked against a file it saved under
                                                                // allkeys-lru and allkeys-lfu): 0xf8 IDLE, 0xf9 FREQ.
    f.extend_from_slice(b"\xf8\x40\x80\x00\x01b\x012"); // idle 128 s
    f.extend_from_slice(b"\xf9\x05\x00\x01c\x013"); // LFU counter 5
    f.extend_from_slice(b"\x02\x01d\x00"); // an empty set: skipped
    f.push(0xff);
    let f = with_crc(f);
    let (sink, summary) = read(&f).unwrap();
    assert_eq!(summary.keys, 3);
    assert_eq!(summary.skipped, 2);
    assert_eq!(sink.functions, vec![b"code".to_vec()]);
    assert_eq!(sink.dbs, vec![2]);
    assert_eq!(sink.resize, vec![(3, 1)]);
    let a = sink.get(2, b"a").unwrap();
    assert_eq!(
        (a.expire_ms, &a.value),
        (Some(16_000), &Value::string(b"1"))
    );
    let b = sink.get(2, b"b").unwrap();
    assert_eq!((b.expire_ms, b.idle_s, b.freq), (None, Some(128), None));
    let c = sink.get(2, b"c").unwrap();
    assert_eq!((c.idle_s, c.freq), (None, Some(5)));
    assert!(sink.skipped[0].2.contains("module"), "{:?}", sink.skipped);
    assert_eq!(sink.skipped[1].1.as_deref(), Some(&b"d"[..]));
}

#[test]
fn old_versions_have_no_checksum() {
    let f = b"REDIS0003\xfe\x00\x00\x01k\x01v\xff".to_vec();
    let (sink, summary) = read(&f).unwrap();
    assert_eq!((summary.version, summary.checksum), (3, None));
    assert_eq!(sink.get(0, b"k").unwrap().value, Value::string(b"v"));
    let err = read(b"REDIS0000\xff").unwrap_err();
    assert_eq!(err.corrupt_kind(), Some(&Corrupt::UnsupportedVersion(0)));
}

#[test]
fn refused_items() {
    let err = read(&with_crc(b"REDIS0010\xf6\x01f\xff".to_vec())).unwrap_err();
    assert_eq!(err.corrupt_kind(), Some(&Corrupt::OldFunction));
    let err = read(&with_crc(b"REDIS0010\x07\x01k\x00\xff".to_vec())).unwrap_err();
    assert_eq!(err.corrupt_kind(), Some(&Corrupt::ModuleValue(7)));
    assert!(
        err.to_string().contains("module values are not supported"),
        "{err}"
    );
    assert_eq!(err.offset(), 9, "the type byte's offset");
    let err = read(&with_crc(b"REDIS0010\x08\x01k\x00\xff".to_vec())).unwrap_err();
    assert_eq!(err.corrupt_kind(), Some(&Corrupt::UnknownType(8)));
    assert!(err.to_string().contains("unknown value type 8"), "{err}");
}

#[test]
fn writer_layout() {
    let mut w = RdbWriter::new(Vec::new(), WriteOptions::default()).unwrap();
    w.aux_fields(&cedis_persist::AuxFields {
        ctime: 1_700_000_000,
        used_mem: 1_000_000,
        ..Default::default()
    })
    .unwrap();
    w.select_db(0, 1, 0).unwrap();
    w.entry(b"a", &Value::string(b"1"), None).unwrap();
    let file = w.finish().unwrap();
    // The layout of Redis 7.0.15's SAVE of `SET a 1` (its ctime and used-mem aside).
    let mut want = b"REDIS0010\xfa\x09redis-ver\x067.0.15\xfa\x0aredis-bits\xc0\x40".to_vec();
    want.extend_from_slice(b"\xfa\x05ctime\xc2");
    want.extend_from_slice(&1_700_000_000i32.to_le_bytes());
    want.extend_from_slice(b"\xfa\x08used-mem\xc2");
    want.extend_from_slice(&1_000_000i32.to_le_bytes());
    want.extend_from_slice(b"\xfa\x08aof-base\xc0\x00\xfe\x00\xfb\x01\x00\x00\x01a\xc0\x01\xff");
    assert_eq!(file, with_crc(want));
}

proptest! {
    #[test]
    fn random_files_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut f = b"REDIS0010".to_vec();
        f.extend_from_slice(&body);
        let _ = read(&f);
        let _ = read(&body);
    }

    #[test]
    fn mutated_files_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..5)) {
        let mut w = RdbWriter::new(Vec::new(), WriteOptions::default()).unwrap();
        w.aux_fields(&Default::default()).unwrap();
        w.select_db(0, 3, 1).unwrap();
        w.entry(b"s", &Value::string(&[b'x'; 100]), Some(5)).unwrap();
        let list: cedis_types::List = [&b"a"[..], b"123", b"c"].into_iter().collect();
        w.entry(b"l", &Value::List(Box::new(list)), None).unwrap();
        let mut z = cedis_types::ZSet::new();
        z.insert(1.5, b"m", 128, 64);
        w.entry(b"z", &Value::ZSet(Box::new(z)), None).unwrap();
        let mut f = w.finish().unwrap();
        for (i, b) in flips {
            let at = i.index(f.len());
            f[at] = b;
        }
        // Without the checksum, so that the value decoders see the damage.
        let n = f.len();
        f[n - 8..].copy_from_slice(&[0; 8]);
        let _ = read(&f);
    }
}
