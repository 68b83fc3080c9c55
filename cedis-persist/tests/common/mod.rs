//! Helpers shared by the integration tests: the fixture expectations, a sink that
//! collects everything, values in a comparable form.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use cedis_persist::{Entry, RdbSink};
use cedis_types::Value;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// One line of `expected.txt`.
#[derive(Clone, Debug)]
pub struct Expected {
    pub db: u64,
    pub type_name: String,
    pub encoding: String,
    pub expire_ms: Option<u64>,
    pub key: Vec<u8>,
    pub items: Vec<String>,
}

pub fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(fixture("expected.txt")).expect("expected.txt");
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Expected {
                db: f[0].parse().unwrap(),
                type_name: f[1].to_string(),
                encoding: f[2].to_string(),
                expire_ms: (f[3] != "-").then(|| f[3].parse().unwrap()),
                key: unhex(f[4]),
                items: if f[1] == "string" {
                    vec![f[5].to_string()]
                } else if f[5].is_empty() {
                    Vec::new()
                } else {
                    f[5].split(',').map(str::to_string).collect()
                },
            }
        })
        .collect()
}

/// A value's contents in the form of `expected.txt` (zset scores as numbers).
#[derive(Debug, PartialEq)]
pub enum Contents {
    Items(Vec<String>),
    Scored(Vec<(String, f64)>),
}

pub fn contents(value: &Value) -> Contents {
    match value {
        Value::String(s) => Contents::Items(vec![hex(&s.to_bytes())]),
        Value::List(l) => Contents::Items(l.iter().map(hex).collect()),
        Value::Set(s) => {
            let mut v: Vec<String> = s.iter().map(|m| hex(&m)).collect();
            v.sort();
            Contents::Items(v)
        }
        Value::Hash(h) => {
            let mut v: Vec<String> = h
                .iter()
                .map(|(f, x)| format!("{}={}", hex(f), hex(x)))
                .collect();
            v.sort();
            Contents::Items(v)
        }
        Value::ZSet(z) => {
            Contents::Scored(z.iter_from(0, false).map(|(s, m)| (hex(m), s)).collect())
        }
        _ => panic!("unexpected value type"),
    }
}

pub fn expected_contents(e: &Expected) -> Contents {
    if e.type_name == "zset" {
        Contents::Scored(
            e.items
                .iter()
                .map(|i| {
                    let (m, s) = i.split_once('=').unwrap();
                    (m.to_string(), s.parse::<f64>().unwrap())
                })
                .collect(),
        )
    } else {
        Contents::Items(e.items.clone())
    }
}

/// Collects everything a reader finds.
#[derive(Debug, Default)]
pub struct Collect {
    pub aux: BTreeMap<Vec<u8>, Vec<u8>>,
    pub dbs: Vec<u64>,
    pub resize: Vec<(u64, u64)>,
    pub entries: Vec<Entry>,
    pub functions: Vec<Vec<u8>>,
    pub skipped: Vec<(u64, Option<Vec<u8>>, String)>,
}

impl RdbSink for Collect {
    fn aux(&mut self, key: &[u8], value: &[u8]) {
        self.aux.insert(key.to_vec(), value.to_vec());
    }
    fn select_db(&mut self, db: u64) {
        self.dbs.push(db);
    }
    fn resize_db(&mut self, keys: u64, expires: u64) {
        self.resize.push((keys, expires));
    }
    fn entry(&mut self, entry: Entry) {
        self.entries.push(entry);
    }
    fn function(&mut self, code: &[u8]) {
        self.functions.push(code.to_vec());
    }
    fn skipped(&mut self, db: u64, key: Option<&[u8]>, reason: &str) {
        self.skipped
            .push((db, key.map(<[u8]>::to_vec), reason.to_string()));
    }
}

impl Collect {
    pub fn get(&self, db: u64, key: &[u8]) -> Option<&Entry> {
        self.entries.iter().find(|e| e.db == db && e.key == key)
    }
}

/// A minimal RESP2 client for talking to a real redis-server in tests.
pub mod resp {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;

    #[derive(Debug, Clone, PartialEq)]
    pub enum Reply {
        Status(String),
        Error(String),
        Int(i64),
        Bulk(Option<Vec<u8>>),
        Array(Vec<Reply>),
    }

    impl Reply {
        pub fn bytes(&self) -> Vec<u8> {
            match self {
                Reply::Bulk(Some(b)) => b.clone(),
                Reply::Status(s) => s.clone().into_bytes(),
                other => panic!("not a string reply: {other:?}"),
            }
        }
        pub fn int(&self) -> i64 {
            match self {
                Reply::Int(n) => *n,
                other => panic!("not an integer reply: {other:?}"),
            }
        }
        pub fn items(&self) -> Vec<Vec<u8>> {
            match self {
                Reply::Array(v) => v.iter().map(Reply::bytes).collect(),
                other => panic!("not an array reply: {other:?}"),
            }
        }
    }

    pub struct Client {
        reader: BufReader<TcpStream>,
        writer: TcpStream,
    }

    impl Client {
        pub fn connect(port: u16) -> std::io::Result<Client> {
            let stream = TcpStream::connect(("127.0.0.1", port))?;
            Ok(Client {
                reader: BufReader::new(stream.try_clone()?),
                writer: stream,
            })
        }

        pub fn cmd(&mut self, args: &[&[u8]]) -> Reply {
            let mut out = format!("*{}\r\n", args.len()).into_bytes();
            for a in args {
                out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
                out.extend_from_slice(a);
                out.extend_from_slice(b"\r\n");
            }
            self.writer.write_all(&out).unwrap();
            self.read()
        }

        fn read(&mut self) -> Reply {
            let mut line = Vec::new();
            self.reader.read_until(b'\n', &mut line).unwrap();
            let text = String::from_utf8_lossy(&line[1..line.len() - 2]).to_string();
            match line[0] {
                b'+' => Reply::Status(text),
                b'-' => Reply::Error(text),
                b':' => Reply::Int(text.parse().unwrap()),
                b'$' => {
                    let n: i64 = text.parse().unwrap();
                    if n < 0 {
                        return Reply::Bulk(None);
                    }
                    let mut buf = vec![0; n as usize + 2];
                    self.reader.read_exact(&mut buf).unwrap();
                    buf.truncate(n as usize);
                    Reply::Bulk(Some(buf))
                }
                b'*' => {
                    let n: i64 = text.parse().unwrap();
                    Reply::Array((0..n.max(0)).map(|_| self.read()).collect())
                }
                other => panic!("bad reply byte {other}"),
            }
        }
    }
}
