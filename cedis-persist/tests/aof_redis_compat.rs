//! AOF directories written by cedis, checked by the real tools: `redis-check-aof`
//! accepts them and `redis-server --appendonly yes` loads the same keys, values and
//! TTLs. Also compares truncation offsets with `redis-check-aof`. Skipped when the
//! binaries are not on PATH, unless `CEDIS_REQUIRE_REDIS=1`.

mod aof_common;

use std::process::Command;

use aof_common::{
    copy_dir, fixture_dir, require, start_server, temp_dir, write_dir, written_keys, Client, Model,
};
use cedis_persist::aof::{load_aof_dir, AofLoadOptions, Manifest};

fn check_aof(binary: &std::path::Path, manifest: &std::path::Path) -> (bool, String) {
    let out = Command::new(binary)
        .arg(manifest)
        .output()
        .expect("run redis-check-aof");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn redis_check_aof_accepts_and_redis_loads_what_cedis_writes() {
    let (Some(check), Some(server)) = (require("redis-check-aof"), require("redis-server")) else {
        return;
    };
    for rdb in [false, true] {
        let root = temp_dir(if rdb { "compat-rdb" } else { "compat-aof" });
        let dir = root.join("appendonlydir");
        std::fs::create_dir_all(&dir).unwrap();
        write_dir(&dir, rdb);
        let (ok, text) = check_aof(&check, &dir.join("appendonly.aof.manifest"));
        assert!(ok, "redis-check-aof refused (rdb base {rdb}):\n{text}");
        assert!(
            text.contains("All AOF files and manifest are valid"),
            "{text}"
        );

        let running = start_server(&server, &root, &[]).unwrap_or_else(|| {
            let log = std::fs::read_to_string(root.join("redis.log")).unwrap_or_default();
            panic!("redis-server refused the AOF (rdb base {rdb}):\n{log}")
        });
        let mut c = Client::connect(running.port).unwrap();
        assert_eq!(c.dump(), written_keys(), "rdb base: {rdb}");
        drop(running);
        // Redis started from our manifest without renaming anything.
        let m = Manifest::load(&dir, "appendonly.aof").unwrap().unwrap();
        assert_eq!(m.base.unwrap().seq, 1);
    }
}

#[test]
fn cedis_loads_what_redis_rewrites() {
    let Some(server) = require("redis-server") else {
        return;
    };
    // Redis rewrites our directory (BGREWRITEAOF), then cedis loads Redis's files.
    let root = temp_dir("rewrite");
    let dir = root.join("appendonlydir");
    std::fs::create_dir_all(&dir).unwrap();
    write_dir(&dir, false);
    for preamble in ["no", "yes"] {
        let running =
            start_server(&server, &root, &["--aof-use-rdb-preamble", preamble]).expect("start");
        let mut c = Client::connect(running.port).unwrap();
        c.call(&["BGREWRITEAOF"]);
        for attempt in 0.. {
            assert!(attempt < 200, "BGREWRITEAOF did not finish");
            let aof_info = match c.call(&["INFO", "persistence"]) {
                aof_common::Reply::Bulk(Some(b)) => String::from_utf8_lossy(&b).into_owned(),
                other => panic!("INFO: {other:?}"),
            };
            if aof_info.contains("aof_rewrite_in_progress:0")
                && aof_info.contains("aof_rewrite_scheduled:0")
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        c.call(&["SET", "late", "1"]);
        let expected = c.dump();
        drop(running);
        let mut model = Model::default();
        let outcome = load_aof_dir(
            &dir,
            "appendonly.aof",
            &AofLoadOptions::default(),
            &mut model,
        )
        .unwrap()
        .unwrap();
        let base = outcome.manifest.base.unwrap();
        let ext = if preamble == "yes" {
            ".base.rdb"
        } else {
            ".base.aof"
        };
        assert!(base.name.ends_with(ext), "{}", base.name);
        assert_eq!(model.keys, expected, "aof-use-rdb-preamble {preamble}");
    }
}

#[test]
fn truncation_offset_matches_redis_check_aof() {
    let Some(check) = require("redis-check-aof") else {
        return;
    };
    let dir = temp_dir("checktrunc");
    copy_dir(&fixture_dir("aof-base").join("appendonlydir"), &dir);
    let m = Manifest::load(&dir, "appendonly.aof").unwrap().unwrap();
    let incr = dir.join(&m.incrs[0].name);
    let data = std::fs::read(&incr).unwrap();
    for cut in [1, 3, 7, 20] {
        std::fs::write(&incr, &data[..data.len() - cut]).unwrap();
        let (ok, text) = check_aof(&check, &dir.join("appendonly.aof.manifest"));
        assert!(!ok, "{text}");
        let ok_up_to: u64 = text
            .rsplit("ok_up_to=")
            .next()
            .and_then(|s| s.split(',').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no ok_up_to in {text}"));
        let mut model = Model::default();
        let outcome = load_aof_dir(
            &dir,
            "appendonly.aof",
            &AofLoadOptions::default(),
            &mut model,
        )
        .unwrap()
        .unwrap();
        let (_, t) = outcome.truncated().expect("truncated");
        assert_eq!(t.valid_len, ok_up_to, "cut {cut}: {text}");
    }
}
