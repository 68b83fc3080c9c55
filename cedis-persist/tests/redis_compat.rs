//! Files and payloads written by cedis, checked by real Redis: `redis-check-rdb` must
//! accept the file, `redis-server` must load it with every key, value, encoding and TTL,
//! and RESTORE must take cedis's DUMP payloads.
//!
//! Skipped (with a message) when the binaries are not on PATH, unless
//! `CEDIS_REQUIRE_REDIS=1`.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cedis_persist::dump::dump;
use cedis_persist::{read_rdb, AuxFields, LoadLimits, RdbWriter, WriteOptions};
use cedis_types::hash::Limits;
use cedis_types::{Hash, List, Set, Value, ZSet};
use common::resp::{Client, Reply};
use common::*;

fn find_binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The binary, or `None` (after saying so) when it is missing and not required.
fn require(name: &str) -> Option<PathBuf> {
    match find_binary(name) {
        Some(p) => Some(p),
        None if std::env::var("CEDIS_REQUIRE_REDIS").as_deref() == Ok("1") => {
            panic!("{name} is not on PATH and CEDIS_REQUIRE_REDIS=1")
        }
        None => {
            eprintln!("skipping: {name} is not on PATH");
            None
        }
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cedis-persist-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A redis-server this test started, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(binary: &Path, dir: &Path, dbfilename: &str) -> (Server, Client) {
    let port = free_port();
    let child = Command::new(binary)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir)
        .args([
            "--dbfilename",
            dbfilename,
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(mut c) = Client::connect(port) {
            match c.cmd(&[b"PING"]) {
                Reply::Status(s) if s == "PONG" => return (server, c),
                _ => {}
            }
        }
        assert!(
            Instant::now() < deadline,
            "redis-server did not start on port {}",
            server.port
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The value as the real server holds it, in the comparable form.
fn server_contents(c: &mut Client, key: &[u8], type_name: &str) -> Contents {
    match type_name {
        "string" => Contents::Items(vec![hex(&c.cmd(&[b"GET", key]).bytes())]),
        "list" => Contents::Items(
            c.cmd(&[b"LRANGE", key, b"0", b"-1"])
                .items()
                .iter()
                .map(|i| hex(i))
                .collect(),
        ),
        "set" => {
            let mut v: Vec<String> = c
                .cmd(&[b"SMEMBERS", key])
                .items()
                .iter()
                .map(|i| hex(i))
                .collect();
            v.sort();
            Contents::Items(v)
        }
        "hash" => {
            let items = c.cmd(&[b"HGETALL", key]).items();
            let mut v: Vec<String> = items
                .chunks(2)
                .map(|p| format!("{}={}", hex(&p[0]), hex(&p[1])))
                .collect();
            v.sort();
            Contents::Items(v)
        }
        "zset" => {
            let items = c.cmd(&[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]).items();
            Contents::Scored(
                items
                    .chunks(2)
                    .map(|p| {
                        (
                            hex(&p[0]),
                            String::from_utf8_lossy(&p[1]).parse::<f64>().unwrap(),
                        )
                    })
                    .collect(),
            )
        }
        other => panic!("type {other}"),
    }
}

/// Keys with their values and expire times.
type Keys = Vec<(Vec<u8>, Value, Option<u64>)>;

/// Values of every type and encoding, built in cedis.
fn cedis_values() -> Keys {
    let mut out: Keys = Vec::new();
    let mut add = |k: &str, v: Value, ttl: Option<u64>| out.push((k.as_bytes().to_vec(), v, ttl));
    add("s:int", Value::string(b"-123456"), None);
    add("s:i64", Value::string(b"-9223372036854775808"), None);
    add("s:embstr", Value::string(b"some text"), Some(4102444800000));
    add(
        "s:raw-compressible",
        Value::string(&b"xyz".repeat(200)),
        None,
    );
    add(
        "s:raw-binary",
        Value::string(&(0..=255u8).collect::<Vec<u8>>()),
        None,
    );
    let mut l = List::new();
    for i in 0..5000 {
        l.push_back(format!("element-{i}-{}", "p".repeat(i % 70)).as_bytes());
    }
    l.push_back(&vec![b'B'; 20000]);
    l.push_back(b"12");
    add("l:big", Value::List(Box::new(l)), None);
    let mut s = Set::new();
    for m in ["5", "-40000", "3000000000"] {
        s.insert(m.as_bytes(), 512);
    }
    add("set:intset64", Value::Set(Box::new(s)), None);
    let mut s = Set::new();
    for i in 0..300 {
        s.insert(format!("m{i}").as_bytes(), 512);
    }
    add("set:table", Value::Set(Box::new(s)), Some(4102444800999));
    let mut h = Hash::new();
    for i in 0..50 {
        h.insert(
            format!("f{i}").as_bytes(),
            format!("{}", i * 1000).as_bytes(),
            Limits::default(),
        );
    }
    add("h:listpack", Value::Hash(Box::new(h)), None);
    let mut h = Hash::new();
    for i in 0..500 {
        h.insert(
            format!("f{i}").as_bytes(),
            "v".repeat(i % 90).as_bytes(),
            Limits::default(),
        );
    }
    add("h:table", Value::Hash(Box::new(h)), None);
    let mut z = ZSet::new();
    for (i, s) in [0.5, -2.0, f64::INFINITY, 1e300, -1e-300, 7.0, 123456789.125]
        .iter()
        .enumerate()
    {
        z.insert(*s, format!("z{i}").as_bytes(), 128, 64);
    }
    add("z:listpack", Value::ZSet(Box::new(z)), None);
    let mut z = ZSet::new();
    for i in 0..1000 {
        z.insert(
            f64::from(i) * 0.37 - 100.0,
            format!("member:{i}").as_bytes(),
            128,
            64,
        );
    }
    add("z:skiplist", Value::ZSet(Box::new(z)), None);
    out
}

#[test]
fn redis_loads_what_cedis_writes() {
    let Some(server_bin) = require("redis-server") else {
        return;
    };
    let check_bin = require("redis-check-rdb");
    let dir = temp_dir("load");

    // Everything Redis wrote into the fixture, plus values built in cedis.
    let fixture = std::fs::read(fixture("redis-7.0.15-all-types.rdb")).unwrap();
    let mut loaded = Collect::default();
    read_rdb(&fixture[..], &LoadLimits::default(), &mut loaded).unwrap();
    let mut dbs: Vec<(u64, Keys)> = Vec::new();
    for db in [0u64, 1, 5] {
        let entries = loaded
            .entries
            .iter()
            .filter(|e| e.db == db)
            .map(|e| (e.key.clone(), e.value.clone(), e.expire_ms))
            .collect();
        dbs.push((db, entries));
    }
    dbs.push((3, cedis_values()));

    let path = dir.join("cedis.rdb");
    let file = std::fs::File::create(&path).unwrap();
    let mut w = RdbWriter::new(std::io::BufWriter::new(file), WriteOptions::default()).unwrap();
    w.aux_fields(&AuxFields {
        ctime: 1_700_000_000,
        used_mem: 1 << 20,
        ..AuxFields::default()
    })
    .unwrap();
    for code in &loaded.functions {
        w.function(code).unwrap();
    }
    for (db, entries) in &dbs {
        let expires = entries.iter().filter(|e| e.2.is_some()).count() as u64;
        w.select_db(*db, entries.len() as u64, expires).unwrap();
        for (k, v, ttl) in entries {
            w.entry(k, v, *ttl).unwrap();
        }
    }
    w.finish().unwrap();

    if let Some(check) = check_bin {
        let out = Command::new(check).arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("RDB looks OK"),
            "redis-check-rdb:\n{text}"
        );
    }

    // What cedis reads back is what Redis must hold (encodings after loading included).
    let mut reread = Collect::default();
    read_rdb(
        &std::fs::read(&path).unwrap()[..],
        &LoadLimits::default(),
        &mut reread,
    )
    .unwrap();

    let (_server, mut c) = start_server(&server_bin, &dir, "cedis.rdb");
    for (db, entries) in &dbs {
        c.cmd(&[b"SELECT", db.to_string().as_bytes()]);
        assert_eq!(c.cmd(&[b"DBSIZE"]).int(), entries.len() as i64, "db {db}");
        for (key, value, ttl) in entries {
            let name = String::from_utf8_lossy(key).to_string();
            let type_name = String::from_utf8(c.cmd(&[b"TYPE", key]).bytes()).unwrap();
            assert_eq!(type_name, value.type_name(), "{name}");
            let enc = String::from_utf8(c.cmd(&[b"OBJECT", b"ENCODING", key]).bytes()).unwrap();
            let want = reread.get(*db, key).unwrap();
            assert_eq!(enc, want.value.encoding(), "{name}");
            let pexp = c.cmd(&[b"PEXPIRETIME", key]).int();
            assert_eq!(pexp, ttl.map_or(-1, |t| t as i64), "{name}");
            assert_eq!(
                server_contents(&mut c, key, &type_name),
                contents(value),
                "{name}"
            );
            // Redis's DUMP of what it loaded is cedis's DUMP of the value, byte for byte,
            // wherever the layout does not depend on hash-table order (and but for the
            // list whose plain node, built under a lower threshold, Redis keeps).
            if enc != "hashtable" && key != b"list:plain" {
                let theirs = c.cmd(&[b"DUMP", key]).bytes();
                assert_eq!(theirs, dump(value).unwrap(), "{name}: DUMP differs");
            }
        }
    }
    fn strings(r: &Reply, out: &mut Vec<Vec<u8>>) {
        match r {
            Reply::Bulk(Some(b)) => out.push(b.clone()),
            Reply::Array(items) => items.iter().for_each(|i| strings(i, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    strings(&c.cmd(&[b"FUNCTION", b"LIST"]), &mut names);
    assert!(
        names.contains(&b"mylib".to_vec()),
        "function library not loaded"
    );

    // And what Redis saves from it, cedis reads with the same contents.
    assert_eq!(c.cmd(&[b"SAVE"]), Reply::Status("OK".into()));
    let mut saved = Collect::default();
    read_rdb(
        &std::fs::read(&path).unwrap()[..],
        &LoadLimits::default(),
        &mut saved,
    )
    .unwrap();
    for (db, entries) in &dbs {
        for (key, value, ttl) in entries {
            let got = saved.get(*db, key).unwrap();
            assert_eq!(contents(&got.value), contents(value));
            assert_eq!(got.expire_ms, *ttl);
        }
    }
    drop(_server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redis_restores_cedis_dump_payloads() {
    let Some(server_bin) = require("redis-server") else {
        return;
    };
    let dir = temp_dir("restore");
    let (_server, mut c) = start_server(&server_bin, &dir, "none.rdb");
    for (key, value, _) in cedis_values() {
        let payload = dump(&value).unwrap();
        let reply = c.cmd(&[b"RESTORE", &key, b"0", &payload]);
        assert_eq!(
            reply,
            Reply::Status("OK".into()),
            "{}",
            String::from_utf8_lossy(&key)
        );
        assert_eq!(
            server_contents(&mut c, &key, value.type_name()),
            contents(&value)
        );
        // Redis's own DUMP of deterministic encodings is byte-identical to cedis's.
        if !matches!(value.encoding(), "hashtable") {
            let theirs = c.cmd(&[b"DUMP", &key]).bytes();
            assert_eq!(theirs, payload, "{}", String::from_utf8_lossy(&key));
        }
    }

    // Redis's error lines for bad payloads are the ones `DumpError` displays.
    let payload = dump(&Value::string(b"hello")).unwrap();
    let mut bad = payload.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    let want = cedis_persist::restore(&bad, &LoadLimits::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        c.cmd(&[b"RESTORE", b"bad1", b"0", &bad]),
        Reply::Error(want)
    );

    // A body that does not decode, with a right footer.
    let mut body = b"\x0b\x05\x03\x00\x00\x00\x01".to_vec(); // intset, width 3
    body.extend_from_slice(&10u16.to_le_bytes());
    let crc = cedis_persist::crc64(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    let want = cedis_persist::restore(&body, &LoadLimits::default())
        .unwrap_err()
        .to_string();
    assert_eq!(want, "ERR Bad data format");
    assert_eq!(
        c.cmd(&[b"RESTORE", b"bad2", b"0", &body]),
        Reply::Error(want)
    );
    drop(_server);
    let _ = std::fs::remove_dir_all(&dir);
}
