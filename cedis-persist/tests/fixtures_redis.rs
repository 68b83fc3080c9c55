//! Files and payloads written by real Redis 7.0.15 (see `fixtures/generate.py`): every
//! key, value, encoding and TTL must load as Redis had it.

mod common;

use cedis_persist::dump::{dump, restore, DumpError};
use cedis_persist::{read_rdb, Corrupt, LoadLimits, RdbWriter, WriteOptions};
use common::*;

fn load_fixture() -> (Collect, cedis_persist::Summary) {
    let bytes = std::fs::read(fixture("redis-7.0.15-all-types.rdb")).unwrap();
    let mut sink = Collect::default();
    let summary = read_rdb(&bytes[..], &LoadLimits::default(), &mut sink).unwrap();
    (sink, summary)
}

#[test]
fn every_key_value_and_ttl() {
    let (sink, summary) = load_fixture();
    assert_eq!(summary.version, 10);
    assert!(summary.checksum.is_some());
    assert_eq!(
        sink.aux.get(&b"redis-ver"[..]).map(Vec::as_slice),
        Some(&b"7.0.15"[..])
    );
    assert_eq!(
        sink.aux.get(&b"redis-bits"[..]).map(Vec::as_slice),
        Some(&b"64"[..])
    );
    assert_eq!(sink.dbs, vec![0, 1, 5]);
    assert_eq!(sink.functions.len(), 1);
    assert!(String::from_utf8_lossy(&sink.functions[0]).contains("name=mylib"));

    let expected = expected();
    let streams: Vec<&Expected> = expected
        .iter()
        .filter(|e| e.type_name == "stream")
        .collect();
    assert_eq!(streams.len(), 1);
    assert_eq!(sink.skipped.len(), 1);
    assert_eq!(sink.skipped[0].1.as_deref(), Some(&b"stream"[..]));
    assert!(sink.skipped[0].2.contains("stream"));
    assert_eq!(sink.entries.len(), expected.len() - 1);
    assert_eq!(summary.keys, expected.len() as u64 - 1);

    for e in expected.iter().filter(|e| e.type_name != "stream") {
        let name = String::from_utf8_lossy(&e.key);
        let got = sink
            .get(e.db, &e.key)
            .unwrap_or_else(|| panic!("missing key {name}"));
        assert_eq!(got.value.type_name(), e.type_name, "{name}");
        assert_eq!(got.value.encoding(), e.encoding, "{name}");
        assert_eq!(got.expire_ms, e.expire_ms, "{name}");
        assert_eq!(contents(&got.value), expected_contents(e), "{name}");
        assert_eq!((got.idle_s, got.freq), (None, None));
    }
}

#[test]
fn dump_payloads_restore_and_match_byte_for_byte() {
    let expected = expected();
    for (file, key) in [
        ("dump-str-compressible.bin", "str:compressible"),
        ("dump-list-small.bin", "list:small"),
        ("dump-zset-skiplist.bin", "zset:skiplist"),
        ("dump-hash-listpack.bin", "hash:listpack"),
        ("dump-set-int32.bin", "set:int32"),
        ("dump-zset-listpack.bin", "zset:listpack"),
        ("dump-str-int.bin", "str:int"),
    ] {
        let payload = std::fs::read(fixture(file)).unwrap();
        let value = restore(&payload, &LoadLimits::default()).unwrap();
        let e = expected.iter().find(|e| e.key == key.as_bytes()).unwrap();
        assert_eq!(value.encoding(), e.encoding, "{key}");
        assert_eq!(contents(&value), expected_contents(e), "{key}");
        assert_eq!(
            dump(&value).unwrap(),
            payload,
            "{key}: cedis's DUMP differs from Redis's"
        );

        // A wrong checksum or a newer version is refused as Redis refuses it.
        let mut bad = payload.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        let err = restore(&bad, &LoadLimits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ERR DUMP payload version or checksum are wrong"
        );
        let mut newer = payload.clone();
        newer[n - 10] = 11;
        assert!(matches!(
            restore(&newer, &LoadLimits::default()),
            Err(DumpError::VersionOrChecksum)
        ));
    }
}

#[test]
fn values_written_by_cedis_load_back_identically() {
    let (sink, _) = load_fixture();
    let mut writer = RdbWriter::new(Vec::new(), WriteOptions::default()).unwrap();
    writer.aux_fields(&Default::default()).unwrap();
    for db in [0u64, 1, 5] {
        let entries: Vec<_> = sink.entries.iter().filter(|e| e.db == db).collect();
        let expires = entries.iter().filter(|e| e.expire_ms.is_some()).count();
        writer
            .select_db(db, entries.len() as u64, expires as u64)
            .unwrap();
        for e in entries {
            writer.entry(&e.key, &e.value, e.expire_ms).unwrap();
        }
    }
    let file = writer.finish().unwrap();
    let mut again = Collect::default();
    let summary = read_rdb(&file[..], &LoadLimits::default(), &mut again).unwrap();
    assert_eq!(summary.keys, sink.entries.len() as u64);
    for e in &sink.entries {
        let got = again.get(e.db, &e.key).unwrap();
        assert_eq!(got.value.encoding(), e.value.encoding());
        assert_eq!(contents(&got.value), contents(&e.value));
        assert_eq!(got.expire_ms, e.expire_ms);
    }
}

#[test]
fn corrupt_files_are_errors() {
    let bytes = std::fs::read(fixture("redis-7.0.15-all-types.rdb")).unwrap();
    // Any single flipped byte: an error (usually the checksum), never a panic.
    for at in (9..bytes.len()).step_by(331) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x5a;
        let mut sink = Collect::default();
        assert!(
            read_rdb(&bad[..], &LoadLimits::default(), &mut sink).is_err(),
            "flip at {at}"
        );
    }
    // Every truncation is an error.
    for len in (0..bytes.len()).step_by(701) {
        let mut sink = Collect::default();
        let err = read_rdb(&bytes[..len], &LoadLimits::default(), &mut sink).unwrap_err();
        if len >= 9 {
            assert_eq!(
                err.corrupt_kind(),
                Some(&Corrupt::Truncated),
                "cut at {len}"
            );
        }
    }
    // The checksum is checked.
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    let err = read_rdb(&bad[..], &LoadLimits::default(), &mut Collect::default()).unwrap_err();
    assert!(matches!(
        err.corrupt_kind(),
        Some(Corrupt::BadChecksum { .. })
    ));
    assert!(err.to_string().contains("checksum"), "{err}");
    // A zero checksum means "not computed".
    bad[n - 8..].copy_from_slice(&[0; 8]);
    let summary = read_rdb(&bad[..], &LoadLimits::default(), &mut Collect::default()).unwrap();
    assert_eq!(summary.checksum, None);
    // Versions.
    let mut newer = bytes.clone();
    newer[5..9].copy_from_slice(b"0011");
    let err = read_rdb(&newer[..], &LoadLimits::default(), &mut Collect::default()).unwrap_err();
    assert_eq!(err.corrupt_kind(), Some(&Corrupt::UnsupportedVersion(11)));
    assert!(err.to_string().contains("version 11"), "{err}");
    let err = read_rdb(
        &b"RUBBISH00"[..],
        &LoadLimits::default(),
        &mut Collect::default(),
    )
    .unwrap_err();
    assert_eq!(err.corrupt_kind(), Some(&Corrupt::BadMagic));
}
