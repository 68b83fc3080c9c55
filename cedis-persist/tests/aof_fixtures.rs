//! Loading AOF directories written by redis-server 7.0.15 (`tests/fixtures/aof/`, made
//! by `generate.py`), truncated and corrupt files, and what cedis writes read back.

mod aof_common;

use std::io::Cursor;

use aof_common::{copy_dir, expected, fixture_dir, temp_dir, write_dir, written_keys, Model};
use bytes::Bytes;
use cedis_persist::aof::{load_aof_dir, read_aof, AofError, AofFileKind, AofLoadOptions, Manifest};
use proptest::prelude::*;

fn load_dir(
    dir: &std::path::Path,
    opts: &AofLoadOptions,
) -> (
    Result<Option<cedis_persist::aof::DirLoadOutcome>, AofError>,
    Model,
) {
    let mut model = Model::default();
    let r = load_aof_dir(dir, "appendonly.aof", opts, &mut model);
    (r, model)
}

#[test]
fn loads_redis_rdb_preamble_dir() {
    let dir = fixture_dir("rdb-preamble");
    let (r, model) = load_dir(&dir.join("appendonlydir"), &AofLoadOptions::default());
    let outcome = r.unwrap().expect("manifest");
    let base = outcome.manifest.base.as_ref().unwrap();
    assert!(base.name.ends_with(".base.rdb"), "{}", base.name);
    assert_eq!(base.kind, AofFileKind::Base);
    assert!(outcome.files[0].1.rdb.is_some());
    assert!(outcome.files[1].1.commands > 0);
    assert_eq!(outcome.truncated(), None);
    assert_eq!(model.keys, expected(&dir.join("expected.txt")));
}

#[test]
fn loads_redis_aof_base_dir() {
    let dir = fixture_dir("aof-base");
    let (r, model) = load_dir(&dir.join("appendonlydir"), &AofLoadOptions::default());
    let outcome = r.unwrap().expect("manifest");
    assert!(outcome
        .manifest
        .base
        .as_ref()
        .unwrap()
        .name
        .ends_with(".base.aof"));
    assert!(outcome.files[0].1.rdb.is_none());
    assert_eq!(model.keys, expected(&dir.join("expected.txt")));
    // The rewrite batches 64 items per command: the 200-element list is 4 RPUSHes.
    let rpushes: Vec<usize> = model
        .commands
        .iter()
        .filter(|c| c[0] == "RPUSH" && c[1] == "biglist")
        .map(|c| c.len() - 2)
        .collect();
    assert_eq!(rpushes, [64, 64, 64, 8, 1]); // the last one is in the incr file
                                             // Redis translates EXPIREAT into PEXPIREAT in the incr file.
    assert!(model
        .commands
        .iter()
        .any(|c| c[0] == "PEXPIREAT" && c[1] == "int" && c[2] == "4102444800000"));
}

#[test]
fn no_manifest_is_none() {
    let dir = temp_dir("nomanifest");
    let (r, _) = load_dir(&dir, &AofLoadOptions::default());
    assert!(r.unwrap().is_none());
}

/// Start offsets of each command in a command stream.
fn command_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = vec![];
    let mut i = 0;
    while i < data.len() {
        starts.push(i);
        let line_end = |i: usize| data[i..].iter().position(|&b| b == b'\n').unwrap() + i + 1;
        let argc: usize = std::str::from_utf8(&data[i + 1..line_end(i) - 2])
            .unwrap()
            .parse()
            .unwrap();
        i = line_end(i);
        for _ in 0..argc {
            let len: usize = std::str::from_utf8(&data[i + 1..line_end(i) - 2])
                .unwrap()
                .parse()
                .unwrap();
            i = line_end(i) + len + 2;
        }
    }
    starts
}

#[test]
fn truncated_last_file() {
    let src = fixture_dir("aof-base").join("appendonlydir");
    let dir = temp_dir("truncated");
    copy_dir(&src, &dir);
    let m = Manifest::load(&dir, "appendonly.aof").unwrap().unwrap();
    let incr = dir.join(&m.incrs.last().unwrap().name);
    let data = std::fs::read(&incr).unwrap();
    let last_start = *command_starts(&data).last().unwrap() as u64;
    std::fs::write(&incr, &data[..data.len() - 3]).unwrap();

    let (r, _) = load_dir(&dir, &AofLoadOptions::default());
    let outcome = r.unwrap().unwrap();
    let (info, t) = outcome.truncated().expect("truncated");
    assert_eq!(info.name, m.incrs.last().unwrap().name);
    assert_eq!(t.valid_len, last_start);
    assert_eq!(t.file_len, data.len() as u64 - 3);

    let strict = AofLoadOptions {
        load_truncated: false,
        ..AofLoadOptions::default()
    };
    let (r, _) = load_dir(&dir, &strict);
    let err = r.unwrap_err();
    assert_eq!(err.valid_len(), Some(last_start));
    assert!(err.to_string().contains("Unexpected end of file"), "{err}");

    cedis_persist::aof::reader::truncate_file(&incr, t.valid_len).unwrap();
    let (r, _) = load_dir(&dir, &strict);
    assert_eq!(r.unwrap().unwrap().truncated(), None);
}

#[test]
fn truncated_base_is_an_error_even_when_accepted() {
    let src = fixture_dir("aof-base").join("appendonlydir");
    let dir = temp_dir("truncbase");
    copy_dir(&src, &dir);
    let m = Manifest::load(&dir, "appendonly.aof").unwrap().unwrap();
    let base = dir.join(&m.base.unwrap().name);
    let data = std::fs::read(&base).unwrap();
    std::fs::write(&base, &data[..data.len() - 1]).unwrap();
    let (r, _) = load_dir(&dir, &AofLoadOptions::default());
    let err = r.unwrap_err();
    assert!(matches!(err, AofError::TruncatedNotLast { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("Fatal error: the truncated file is not the last file"));
}

#[test]
fn missing_file_message() {
    let dir = temp_dir("missing");
    std::fs::write(
        dir.join("appendonly.aof.manifest"),
        "file missing.rdb seq 1 type b\n",
    )
    .unwrap();
    let (r, _) = load_dir(&dir, &AofLoadOptions::default());
    let err = r.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Unable to obtain the AOF file missing.rdb length. stat: "),
        "{err}"
    );
}

#[test]
fn cedis_dirs_read_back() {
    for rdb in [false, true] {
        let dir = temp_dir(if rdb { "rt-rdb" } else { "rt-aof" });
        write_dir(&dir, rdb);
        let (r, model) = load_dir(&dir, &AofLoadOptions::default());
        let outcome = r.unwrap().unwrap();
        assert_eq!(outcome.files[0].1.rdb.is_some(), rdb);
        assert_eq!(model.keys, written_keys(), "rdb base: {rdb}");
    }
}

#[derive(Default)]
struct Count(u64);
impl cedis_persist::RdbSink for Count {
    fn entry(&mut self, _: cedis_persist::Entry) {
        self.0 += 1;
    }
}
impl cedis_persist::aof::AofSink for Count {
    fn command(&mut self, _: Vec<Bytes>) -> Result<(), String> {
        self.0 += 1;
        Ok(())
    }
}

fn valid_stream() -> Vec<u8> {
    let dir = fixture_dir("aof-base").join("appendonlydir");
    let m = Manifest::load(&dir, "appendonly.aof").unwrap().unwrap();
    std::fs::read(dir.join(&m.incrs[0].name)).unwrap()
}

proptest! {
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        for load_truncated in [false, true] {
            let opts = AofLoadOptions { load_truncated, ..AofLoadOptions::default() };
            let _ = read_aof(Cursor::new(&data), &opts, &mut Count::default());
        }
    }

    #[test]
    fn command_like_bytes_never_panic(parts in proptest::collection::vec(
        prop_oneof![
            Just(b"*".to_vec()), Just(b"$".to_vec()), Just(b"\r\n".to_vec()),
            Just(b"REDIS0010".to_vec()), Just(b"-1".to_vec()), Just(b"99999999999".to_vec()),
            Just(b"MULTI".to_vec()), Just(b"EXEC".to_vec()), Just(b"#".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..4),
            (0u32..20).prop_map(|n| n.to_string().into_bytes()),
        ], 0..64)) {
        let data = parts.concat();
        let _ = read_aof(Cursor::new(&data), &AofLoadOptions::default(), &mut Count::default());
    }

    #[test]
    fn mutated_redis_file_never_panics(pos in 0usize..4096, byte in any::<u8>(), cut in 0usize..4096) {
        let mut data = valid_stream();
        let n = data.len();
        data[pos % n] = byte;
        data.truncate(n - cut % n);
        match read_aof(Cursor::new(&data), &AofLoadOptions::default(), &mut Count::default()) {
            Ok(o) => if let Some(t) = o.truncated { prop_assert!(t.valid_len <= data.len() as u64) },
            Err(e) => prop_assert!(e.valid_len().is_none_or(|v| v <= data.len() as u64)),
        }
    }
}

#[test]
fn writer_reproduces_redis_incr_file_byte_for_byte() {
    for fixture in ["aof-base", "rdb-preamble"] {
        let dir = fixture_dir(fixture).join("appendonlydir");
        let m = Manifest::load(&dir, "appendonly.aof").unwrap().unwrap();
        let redis_bytes = std::fs::read(dir.join(&m.incrs[0].name)).unwrap();
        let mut model = Model::default();
        read_aof(
            Cursor::new(&redis_bytes),
            &AofLoadOptions::default(),
            &mut model,
        )
        .unwrap();
        let mut w = cedis_persist::aof::AofWriter::new(Vec::new());
        let mut db = 0;
        for argv in &model.commands {
            if argv[0].eq_ignore_ascii_case(b"select") {
                db = std::str::from_utf8(&argv[1]).unwrap().parse().unwrap();
            } else {
                w.feed(db, argv);
            }
        }
        w.write_pending().unwrap();
        assert_eq!(w.into_inner(), redis_bytes, "{fixture}");
    }
}
