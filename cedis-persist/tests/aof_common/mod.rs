//! Helpers for the AOF integration tests: a tiny keyspace model that executes the
//! commands an AOF holds, the fixtures' `expected.txt`, and a minimal redis-server
//! driver (start, RESP client, dump every key).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cedis_persist::aof::{
    commit_manifest, translate_for_aof, AofRewriter, AofSink, AofWriter, Manifest,
};
use cedis_persist::{Entry, RdbSink};
use cedis_types::Value;
use cedis_types::{Hash, List, Set, ZSet};

pub fn fixture_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/aof")
        .join(name)
}

/// A value in comparable form.
#[derive(Clone, Debug, PartialEq)]
pub enum M {
    Str(Vec<u8>),
    List(Vec<Vec<u8>>),
    Set(BTreeSet<Vec<u8>>),
    ZSet(BTreeMap<Vec<u8>, f64>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
}

/// (db, key) → (value, absolute expire in ms).
pub type Keys = BTreeMap<(u64, Vec<u8>), (M, Option<i64>)>;

pub fn model_of(value: &Value) -> M {
    match value {
        Value::String(s) => M::Str(s.to_bytes().into_owned()),
        Value::List(l) => M::List(l.iter().map(<[u8]>::to_vec).collect()),
        Value::Set(s) => M::Set(s.iter().map(|m| m.into_owned()).collect()),
        Value::ZSet(z) => M::ZSet(
            z.iter_from(0, false)
                .map(|(s, m)| (m.to_vec(), s))
                .collect(),
        ),
        Value::Hash(h) => M::Hash(h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect()),
        other => panic!("unexpected value type {}", other.type_name()),
    }
}

/// Executes the handful of commands Redis writes into an AOF.
#[derive(Default, Debug)]
pub struct Model {
    pub db: u64,
    pub keys: Keys,
    pub commands: Vec<Vec<Bytes>>,
}

impl RdbSink for Model {
    fn entry(&mut self, e: Entry) {
        self.keys.insert(
            (e.db, e.key),
            (model_of(&e.value), e.expire_ms.map(|m| m as i64)),
        );
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn num<T: std::str::FromStr>(b: &[u8]) -> Result<T, String> {
    text(b)
        .parse()
        .map_err(|_| format!("not a number: {}", text(b)))
}

impl AofSink for Model {
    fn command(&mut self, argv: Vec<Bytes>) -> Result<(), String> {
        self.commands.push(argv.clone());
        let name = text(&argv[0]).to_ascii_lowercase();
        let a: Vec<Vec<u8>> = argv.iter().map(|b| b.to_vec()).collect();
        let db = self.db;
        let k = |i: usize| (db, a[i].clone());
        match name.as_str() {
            "select" => self.db = num(&a[1])?,
            "multi" | "exec" => {}
            "set" => {
                let mut expire = None;
                let mut keep = false;
                let mut i = 3;
                while i < a.len() {
                    match text(&a[i]).to_ascii_lowercase().as_str() {
                        "pxat" => {
                            expire = Some(num(&a[i + 1])?);
                            i += 1;
                        }
                        "keepttl" => keep = true,
                        o => return Err(format!("SET option {o} not modelled")),
                    }
                    i += 1;
                }
                let old = self.keys.get(&k(1)).and_then(|(_, e)| *e);
                let expire = if keep { old } else { expire };
                self.keys.insert(k(1), (M::Str(a[2].clone()), expire));
            }
            "del" => {
                for i in 1..a.len() {
                    self.keys.remove(&k(i));
                }
            }
            "incr" => {
                let entry = self
                    .keys
                    .entry(k(1))
                    .or_insert((M::Str(b"0".to_vec()), None));
                let M::Str(s) = &mut entry.0 else {
                    return Err("incr on non-string".into());
                };
                let n: i64 = num(s)?;
                *s = (n + 1).to_string().into_bytes();
            }
            "pexpireat" => {
                if let Some(e) = self.keys.get_mut(&k(1)) {
                    e.1 = Some(num(&a[2])?);
                }
            }
            "persist" => {
                if let Some(e) = self.keys.get_mut(&k(1)) {
                    e.1 = None;
                }
            }
            "rpush" => {
                let e = self.keys.entry(k(1)).or_insert((M::List(vec![]), None));
                let M::List(l) = &mut e.0 else {
                    return Err("wrong type".into());
                };
                l.extend(a[2..].iter().cloned());
            }
            "sadd" => {
                let e = self
                    .keys
                    .entry(k(1))
                    .or_insert((M::Set(BTreeSet::new()), None));
                let M::Set(s) = &mut e.0 else {
                    return Err("wrong type".into());
                };
                s.extend(a[2..].iter().cloned());
            }
            "zadd" => {
                let e = self
                    .keys
                    .entry(k(1))
                    .or_insert((M::ZSet(BTreeMap::new()), None));
                let M::ZSet(z) = &mut e.0 else {
                    return Err("wrong type".into());
                };
                for p in a[2..].chunks(2) {
                    z.insert(p[1].clone(), num(&p[0])?);
                }
            }
            "hset" | "hmset" => {
                let e = self
                    .keys
                    .entry(k(1))
                    .or_insert((M::Hash(BTreeMap::new()), None));
                let M::Hash(h) = &mut e.0 else {
                    return Err("wrong type".into());
                };
                for p in a[2..].chunks(2) {
                    h.insert(p[0].clone(), p[1].clone());
                }
            }
            other => return Err(format!("command {other} not modelled")),
        }
        Ok(())
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Parses a fixture's `expected.txt` (see `generate.py`).
pub fn expected(path: &Path) -> Keys {
    let text = std::fs::read_to_string(path).expect("expected.txt");
    let mut keys = Keys::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let items: Vec<&str> = if f[4].is_empty() {
            vec![]
        } else {
            f[4].split(',').collect()
        };
        let pairs = || {
            items.iter().map(|i| {
                let (a, b) = i.split_once('=').expect("pair");
                (unhex(a), b)
            })
        };
        let value = match f[1] {
            "string" => M::Str(unhex(items[0])),
            "list" => M::List(items.iter().map(|i| unhex(i)).collect()),
            "set" => M::Set(items.iter().map(|i| unhex(i)).collect()),
            "zset" => M::ZSet(pairs().map(|(m, s)| (m, s.parse().unwrap())).collect()),
            "hash" => M::Hash(pairs().map(|(f, v)| (f, unhex(v))).collect()),
            t => panic!("type {t}"),
        };
        let exp: i64 = f[2].parse().unwrap();
        keys.insert(
            (f[0].parse().unwrap(), unhex(f[3])),
            (value, (exp >= 0).then_some(exp)),
        );
    }
    keys
}

/// The path of a Redis binary, or `None` (test skipped) when it is not installed,
/// unless `CEDIS_REQUIRE_REDIS=1`.
pub fn require(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CEDIS_REQUIRE_REDIS").as_deref() == Ok("1") {
            panic!("{name} is not on PATH and CEDIS_REQUIRE_REDIS=1");
        }
        eprintln!("skipped: {name} is not on PATH");
    }
    found
}

pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cedis-aof-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A running redis-server, killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts redis-server with `--appendonly yes --dir <dir>` and waits until it answers
/// PING (it answers only once the AOF is loaded). `None` when it exited (bad AOF).
pub fn start_server(binary: &Path, dir: &Path, extra: &[&str]) -> Option<Server> {
    let port = free_port();
    let child = Command::new(binary)
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "yes",
        ])
        .arg("--dir")
        .arg(dir)
        .args(["--logfile", "redis.log"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start redis-server");
    let mut server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = server.child.try_wait() {
            return None;
        }
        if let Ok(mut c) = Client::connect(port) {
            if c.call(&["PING"]) == Reply::Status("PONG".into()) {
                return Some(server);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("redis-server did not start");
}

#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
}

pub struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    pub fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Client {
            r: BufReader::new(s.try_clone()?),
            w: s,
        })
    }

    pub fn call<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Reply {
        let mut out = Vec::new();
        cedis_persist::aof::encode_command(&mut out, argv);
        self.w.write_all(&out).unwrap();
        self.read()
    }

    fn read(&mut self) -> Reply {
        let mut line = Vec::new();
        self.r.read_until(b'\n', &mut line).unwrap();
        line.truncate(line.len() - 2);
        let rest = text(&line[1..]);
        match line[0] {
            b'+' => Reply::Status(rest),
            b'-' => Reply::Error(rest),
            b':' => Reply::Int(rest.parse().unwrap()),
            b'$' => {
                let n: i64 = rest.parse().unwrap();
                if n < 0 {
                    return Reply::Bulk(None);
                }
                let mut buf = vec![0; n as usize + 2];
                std::io::Read::read_exact(&mut self.r, &mut buf).unwrap();
                buf.truncate(n as usize);
                Reply::Bulk(Some(buf))
            }
            b'*' => {
                let n: i64 = rest.parse().unwrap();
                Reply::Array((0..n.max(0)).map(|_| self.read()).collect())
            }
            t => panic!("reply type {t}"),
        }
    }

    fn bulks(&mut self, argv: &[&[u8]]) -> Vec<Vec<u8>> {
        match self.call(argv) {
            Reply::Array(items) => items
                .into_iter()
                .map(|r| match r {
                    Reply::Bulk(Some(b)) => b,
                    other => panic!("{other:?}"),
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    /// Every key of every database, as the model holds them.
    pub fn dump(&mut self) -> Keys {
        let mut keys = Keys::new();
        for db in 0..16u64 {
            self.call(&["SELECT", &db.to_string()]);
            for key in self.bulks(&[b"KEYS", b"*"]) {
                let Reply::Status(t) = self.call(&[&b"TYPE"[..], &key]) else {
                    panic!("TYPE")
                };
                let Reply::Int(exp) = self.call(&[&b"PEXPIRETIME"[..], &key]) else {
                    panic!("PEXPIRETIME")
                };
                let v = match t.as_str() {
                    "string" => match self.call(&[&b"GET"[..], &key]) {
                        Reply::Bulk(Some(b)) => M::Str(b),
                        other => panic!("{other:?}"),
                    },
                    "list" => M::List(self.bulks(&[b"LRANGE", &key, b"0", b"-1"])),
                    "set" => M::Set(self.bulks(&[b"SMEMBERS", &key]).into_iter().collect()),
                    "zset" => {
                        let r = self.bulks(&[b"ZRANGE", &key, b"0", b"-1", b"WITHSCORES"]);
                        M::ZSet(
                            r.chunks(2)
                                .map(|p| (p[0].clone(), text(&p[1]).parse().unwrap()))
                                .collect(),
                        )
                    }
                    "hash" => {
                        let r = self.bulks(&[b"HGETALL", &key]);
                        M::Hash(r.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect())
                    }
                    t => panic!("type {t}"),
                };
                keys.insert((db, key), (v, (exp >= 0).then_some(exp)));
            }
        }
        keys
    }
}

pub fn dataset() -> Vec<(u64, Vec<u8>, Value, Option<u64>)> {
    let mut list = List::new();
    for i in 0..200 {
        list.push_back(format!("e{i}").as_bytes());
    }
    let mut hash = Hash::new();
    for i in 0..150 {
        hash.insert(
            format!("f{i}").as_bytes(),
            format!("v{i}").as_bytes(),
            cedis_types::hash::Limits::default(),
        );
    }
    let mut set = Set::new();
    for i in 0..130 {
        set.insert(i.to_string().as_bytes(), 512);
    }
    let mut sset = Set::new();
    for m in ["x", "y", "z"] {
        sset.insert(m.as_bytes(), 512);
    }
    let mut zset = ZSet::new();
    for (i, s) in [
        1.0,
        0.1,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e20,
        -2.5,
        1.0 / 3.0,
    ]
    .into_iter()
    .enumerate()
    {
        zset.insert(s, format!("m{i}").as_bytes(), 128, 64);
    }
    for i in 0..100 {
        zset.insert(i as f64 * 1.5, format!("z{i}").as_bytes(), 128, 64);
    }
    vec![
        (0, b"str".to_vec(), Value::string(b"hello"), None),
        (
            0,
            b"int".to_vec(),
            Value::string(b"-42"),
            Some(4_102_444_800_000),
        ),
        (0, b"bin\0\r\n".to_vec(), Value::string(b"\0\xff\r\n"), None),
        (
            0,
            b"list".to_vec(),
            Value::List(Box::new(list)),
            Some(4_102_444_800_123),
        ),
        (0, b"hash".to_vec(), Value::Hash(Box::new(hash)), None),
        (0, b"intset".to_vec(), Value::Set(Box::new(set)), None),
        (0, b"set".to_vec(), Value::Set(Box::new(sset)), None),
        (0, b"zset".to_vec(), Value::ZSet(Box::new(zset)), None),
        (
            7,
            b"other".to_vec(),
            Value::string(b"v"),
            Some(4_102_444_800_000),
        ),
    ]
}

/// The commands logged after the base, through `translate_for_aof`.
pub const NOW_MS: i64 = 1_700_000_000_000;

pub fn incr_commands() -> Vec<(u64, Vec<&'static str>)> {
    vec![
        (0, vec!["set", "after", "1"]),
        (0, vec!["incr", "after"]),
        (0, vec!["setex", "tmp", "1000000000", "x"]),
        (0, vec!["expire", "str", "2000000000"]),
        (0, vec!["MULTI"]),
        (0, vec!["set", "m", "1"]),
        (0, vec!["incr", "m"]),
        (0, vec!["EXEC"]),
        (3, vec!["rpush", "l3", "a", "b"]),
        (0, vec!["set", "px", "v", "NX", "PX", "5000000000000"]),
        (0, vec!["del", "set"]),
    ]
}

/// Writes a whole AOF directory with cedis's writers.
pub fn write_dir(dir: &std::path::Path, rdb_base: bool) -> Manifest {
    let m = Manifest::fresh("appendonly.aof", rdb_base);
    let data = dataset();
    let base_path = dir.join(&m.base.as_ref().unwrap().name);
    let file = std::io::BufWriter::new(std::fs::File::create(&base_path).unwrap());
    if rdb_base {
        let items = data.iter().map(|(db, k, v, e)| (*db, &k[..], v, *e));
        cedis_persist::aof::write_rdb_base(
            file,
            &cedis_persist::AuxFields::default(),
            cedis_persist::WriteOptions::default(),
            items,
            |db| {
                let keys: Vec<_> = data.iter().filter(|d| d.0 == db).collect();
                (
                    keys.len() as u64,
                    keys.iter().filter(|d| d.3.is_some()).count() as u64,
                )
            },
        )
        .unwrap();
    } else {
        let mut w = AofRewriter::new(file);
        for (db, k, v, e) in &data {
            w.entry(*db, k, v, *e).unwrap();
        }
        w.finish().unwrap();
    }
    let incr = std::fs::File::create(dir.join(&m.incrs[0].name)).unwrap();
    let mut w = AofWriter::new(incr);
    for (db, argv) in incr_commands() {
        let argv: Vec<Bytes> = argv.into_iter().map(Bytes::from).collect();
        let logged = translate_for_aof(&argv, NOW_MS).unwrap().unwrap_or(argv);
        w.feed(db, &logged);
    }
    w.write_pending().unwrap();
    w.get_mut().sync_all().unwrap();
    commit_manifest(dir, "appendonly.aof", &m).unwrap();
    m
}

/// What `write_dir` should load as.
pub fn written_keys() -> Keys {
    let mut keys: Keys = dataset()
        .into_iter()
        .map(|(db, k, v, e)| ((db, k), (model_of(&v), e.map(|e| e as i64))))
        .collect();
    let s = |b: &str| b.as_bytes().to_vec();
    keys.insert((0, s("after")), (M::Str(s("2")), None));
    keys.insert(
        (0, s("tmp")),
        (M::Str(s("x")), Some(NOW_MS + 1_000_000_000_000)),
    );
    keys.get_mut(&(0, s("str"))).unwrap().1 = Some(NOW_MS + 2_000_000_000_000);
    keys.insert((0, s("m")), (M::Str(s("2")), None));
    keys.insert((3, s("l3")), (M::List(vec![s("a"), s("b")]), None));
    keys.insert(
        (0, s("px")),
        (M::Str(s("v")), Some(NOW_MS + 5_000_000_000_000)),
    );
    keys.remove(&(0, s("set")));
    keys
}
