//! The append-only file: writes survive a crash (kill -9) with `appendfsync always`,
//! BGREWRITEAOF swaps in a new base while writes go on, truncated files load as Redis
//! loads them, and AOF directories move between cedis and real Redis 7.0.15 both ways
//! (and pass `redis-check-aof`).

use std::path::Path;
use std::time::Duration;

use cedis_tests::util::{redis_tool, wait_until};
use cedis_tests::{RawConn, ServerBuilder, Target, TestServer};

const AOF_ARGS: &[&str] = &["--appendonly", "yes", "--appendfsync", "always"];

/// A workload that exercises what the log must get right: relative expiry made absolute,
/// a transaction, deletes, several databases, every type.
fn workload(conn: &mut RawConn) {
    workload_with(conn, false);
}

/// [`workload`], plus random pops when `random` (they differ between two servers, but
/// must replay to the same set on one).
fn workload_with(conn: &mut RawConn, random: bool) {
    if random {
        for cmd in [
            &["SADD", "sp", "a", "b", "c", "d", "e", "f"][..],
            &["SPOP", "sp", "2"],
            &["SPOP", "sp"],
            &["SADD", "whole", "a", "b"],
            &["SPOP", "whole", "5"],
        ] {
            conn.cmd(cmd);
        }
    }
    for cmd in [
        &["SET", "s", "v"][..],
        &["SET", "ttl", "v", "EX", "1000"],
        &["SETEX", "setex", "1000", "v"],
        &["EXPIRE", "s", "5000"],
        &["INCR", "n"],
        &["INCRBYFLOAT", "f", "1.5"],
        &["RPUSH", "l", "a", "b", "c"],
        &["LPOP", "l"],
        &["SADD", "set", "x", "y"],
        &["HSET", "h", "f", "v"],
        &["ZADD", "z", "1", "a", "2", "b"],
        &["DEL", "nosuchkey"],
        &["SET", "gone", "x"],
        &["DEL", "gone"],
        &["SELECT", "5"],
        &["SET", "in5", "five"],
        &["SELECT", "0"],
    ] {
        let reply = conn.cmd(cmd);
        assert!(!reply.starts_with(b"-"), "{cmd:?}: {reply:?}");
    }
    conn.send(b"MULTI\r\nSET t1 1\r\nSET t2 2\r\nINCR n\r\nEXEC\r\n");
    let _ = conn.read_until_quiet(Duration::from_millis(100));
}

/// Every key with its value and whether it has a TTL, in databases 0 and 5.
fn contents(conn: &mut RawConn) -> Vec<String> {
    let mut out = Vec::new();
    for db in ["0", "5"] {
        conn.cmd(&["SELECT", db]);
        let mut keys: Vec<String> = cedis_tests::util::frame_items(&conn.cmd_frame(&["KEYS", "*"]))
            .iter()
            .map(cedis_tests::util::frame_text)
            .collect();
        keys.sort();
        for key in keys {
            // DUMP bytes, except for sets, whose DUMP follows hash-table order.
            let dump = if conn.cmd(&["TYPE", &key]) == b"+set\r\n" {
                conn.cmd(&["SORT", &key, "ALPHA"])
            } else {
                conn.cmd(&["DUMP", &key])
            };
            let ttl = conn.cmd(&["TTL", &key]);
            out.push(format!(
                "{db} {key} {:?} ttl={}",
                String::from_utf8_lossy(&dump),
                ttl != b":-1\r\n"
            ));
        }
    }
    conn.cmd(&["SELECT", "0"]);
    out
}

fn aof_dir(server: &TestServer) -> std::path::PathBuf {
    server.dir().join("appendonlydir")
}

#[test]
fn writes_survive_a_crash_and_a_rewrite() {
    let mut server = TestServer::with_args(AOF_ARGS);
    let mut conn = server.raw();
    workload_with(&mut conn, true);
    let before = contents(&mut conn);
    server.restart(); // SIGKILL, then start again
    let mut conn = server.raw();
    assert_eq!(contents(&mut conn), before);

    // A rewrite while writing: the new base plus the new incremental file hold it all.
    conn.assert_cmd(
        &["BGREWRITEAOF"],
        b"+Background append only file rewriting started\r\n",
    );
    conn.assert_cmd(&["SET", "during", "rewrite"], b"+OK\r\n");
    assert!(wait_until(Duration::from_secs(10), || {
        String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"]))
            .contains("aof_rewrite_in_progress:0")
    }));
    conn.assert_cmd(&["SET", "after", "rewrite"], b"+OK\r\n");
    let before = contents(&mut conn);
    let manifest =
        std::fs::read_to_string(aof_dir(&server).join("appendonly.aof.manifest")).unwrap();
    assert!(manifest.contains("appendonly.aof.2.base.rdb"), "{manifest}");
    assert!(!aof_dir(&server).join("appendonly.aof.1.incr.aof").exists());
    server.restart();
    let mut conn = server.raw();
    assert_eq!(contents(&mut conn), before);
}

#[test]
fn a_truncated_aof_loads_up_to_the_last_whole_command() {
    let mut server = TestServer::with_args(AOF_ARGS);
    let mut conn = server.raw();
    conn.assert_cmd(&["SET", "a", "1"], b"+OK\r\n");
    conn.assert_cmd(&["SET", "b", "2"], b"+OK\r\n");
    server.stop();
    let incr = aof_dir(&server).join("appendonly.aof.1.incr.aof");
    let bytes = std::fs::read(&incr).unwrap();
    std::fs::write(&incr, &bytes[..bytes.len() - 5]).unwrap();
    server.restart();
    let mut conn = server.raw();
    conn.assert_cmd(&["GET", "a"], b"$1\r\n1\r\n");
    conn.assert_cmd(&["EXISTS", "b"], b":0\r\n");
    // The file was cut back to its last whole command, and appends go on after it.
    conn.assert_cmd(&["SET", "c", "3"], b"+OK\r\n");
    server.restart();
    let mut conn = server.raw();
    conn.assert_cmd(&["MGET", "a", "c"], b"*2\r\n$1\r\n1\r\n$1\r\n3\r\n");
}

#[test]
fn appendonly_can_be_turned_on_at_run_time() {
    let mut server = TestServer::start();
    let mut conn = server.raw();
    workload(&mut conn);
    conn.assert_cmd(&["CONFIG", "SET", "appendonly", "yes"], b"+OK\r\n");
    assert!(wait_until(Duration::from_secs(10), || {
        String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"]))
            .contains("aof_rewrite_in_progress:0")
    }));
    conn.assert_cmd(&["SET", "later", "x"], b"+OK\r\n");
    let before = contents(&mut conn);
    drop(conn);
    // Restart with the AOF on (the command line still says no: start a new server on the dir).
    let dir = server.dir().to_path_buf();
    server.stop();
    let restarted = ServerBuilder::default()
        .args(&["--appendonly", "yes", "--dir", &dir.to_string_lossy()])
        .start();
    let mut conn = restarted.raw();
    assert_eq!(contents(&mut conn), before);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn aof_directories_move_between_redis_and_cedis() {
    if redis_tool(
        "redis-server",
        "aof_directories_move_between_redis_and_cedis",
    )
    .is_none()
    {
        return;
    }
    for preamble in ["yes", "no"] {
        let args = [
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--aof-use-rdb-preamble",
            preamble,
        ];
        let mut redis = ServerBuilder::default()
            .target(Target::Redis)
            .args(&args)
            .start();
        let mut cedis = ServerBuilder::default()
            .target(Target::Cedis)
            .args(&args)
            .start();
        let (mut r, mut c) = (redis.raw(), cedis.raw());
        workload(&mut r);
        workload(&mut c);
        // Rewrite once on each side so the base holds data too, then write some more.
        for conn in [&mut r, &mut c] {
            conn.cmd(&["BGREWRITEAOF"]);
            assert!(wait_until(Duration::from_secs(10), || {
                String::from_utf8_lossy(&conn.cmd(&["INFO", "persistence"]))
                    .contains("aof_rewrite_in_progress:0")
            }));
            conn.cmd(&["SET", "after", "rewrite"]);
            conn.cmd(&["SADD", "set", "z"]);
        }
        let expected = contents(&mut r);
        assert_eq!(contents(&mut c), expected);
        redis.stop();
        cedis.stop();
        if let Some(check) = redis_tool(
            "redis-check-aof",
            "aof_directories_move_between_redis_and_cedis",
        ) {
            let out = std::process::Command::new(check)
                .arg(aof_dir(&cedis).join("appendonly.aof.manifest"))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("All AOF files and manifest are valid"),
                "{text}"
            );
        }
        // Swap the directories and start both again.
        let (redis_aof, cedis_aof) = (aof_dir(&redis), aof_dir(&cedis));
        let swap = redis.dir().join("swap");
        copy_dir(&redis_aof, &swap);
        std::fs::remove_dir_all(&redis_aof).unwrap();
        copy_dir(&cedis_aof, &redis_aof);
        std::fs::remove_dir_all(&cedis_aof).unwrap();
        copy_dir(&swap, &cedis_aof);
        redis.restart();
        cedis.restart();
        let (mut r, mut c) = (redis.raw(), cedis.raw());
        assert_eq!(
            contents(&mut r),
            expected,
            "Redis loading cedis's AOF ({preamble})"
        );
        assert_eq!(
            contents(&mut c),
            expected,
            "cedis loading Redis's AOF ({preamble})"
        );
    }
}

/// Writes one key after the other, each acknowledged before the next, until the server
/// goes away; returns how many were acknowledged.
fn write_until_killed(addr: std::net::SocketAddr) -> u64 {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut acked = 0u64;
    let mut reply = [0u8; 5];
    loop {
        let cmd = format!("SET k{acked} {acked}\r\n");
        if stream.write_all(cmd.as_bytes()).is_err() || stream.read_exact(&mut reply).is_err() {
            return acked;
        }
        assert_eq!(&reply, b"+OK\r\n");
        acked += 1;
    }
}

#[test]
fn acknowledged_writes_survive_sigkill_with_appendfsync_always() {
    let mut server = TestServer::with_args(AOF_ARGS);
    let addr = server.addr();
    let writer = std::thread::spawn(move || write_until_killed(addr));
    // A moment that differs from run to run.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::thread::sleep(Duration::from_millis(150 + u64::from(nanos % 300)));
    server.stop(); // SIGKILL
    let acked = writer.join().unwrap();
    assert!(acked > 0, "no write was acknowledged before the kill");
    server.restart();
    let mut conn = server.raw();
    let last = acked - 1;
    conn.assert_cmd(
        &["GET", &format!("k{last}")],
        format!("${}\r\n{last}\r\n", last.to_string().len()).as_bytes(),
    );
    let size = String::from_utf8_lossy(&conn.cmd(&["DBSIZE"])).into_owned();
    let size: u64 = size.trim().trim_start_matches(':').parse().unwrap();
    // Every acknowledged write is there; at most the one in flight at the kill is extra.
    assert!(
        size == acked || size == acked + 1,
        "{size} keys after {acked} acknowledged writes"
    );
}

/// The pids of `pid`'s child processes (from /proc, so no procps is needed).
fn child_pids(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so start after its ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(pid) {
            if let Ok(child) = entry.file_name().to_string_lossy().parse() {
                children.push(child);
            }
        }
    }
    children
}

fn info_field(conn: &mut RawConn, section: &str, field: &str) -> String {
    let info = String::from_utf8_lossy(&conn.cmd(&["INFO", section])).into_owned();
    info.lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .unwrap_or_default()
        .to_string()
}

/// As with Redis's fork child, killing a background job's process cancels the job:
/// the rewrite fails (its incremental file stays in the manifest), and the next one
/// succeeds. Runs against real Redis too (`CEDIS_TEST_TARGET=redis`).
#[test]
fn killing_the_rewrite_process_fails_the_rewrite() {
    let server = TestServer::with_args(AOF_ARGS);
    let mut conn = server.raw();
    conn.assert_cmd(&["SET", "k", "v"], b"+OK\r\n");
    conn.assert_cmd(
        &["CONFIG", "SET", "rdb-key-save-delay", "10000000"],
        b"+OK\r\n",
    );
    conn.assert_cmd(
        &["BGREWRITEAOF"],
        b"+Background append only file rewriting started\r\n",
    );
    let mut children = Vec::new();
    assert!(wait_until(Duration::from_secs(5), || {
        children = child_pids(server.pid());
        !children.is_empty()
    }));
    for child in children {
        let _ = std::process::Command::new("kill")
            .args(["-9", &child.to_string()])
            .status();
    }
    assert!(wait_until(Duration::from_secs(10), || {
        info_field(&mut conn, "persistence", "aof_rewrite_in_progress") == "0"
    }));
    assert_eq!(
        info_field(&mut conn, "persistence", "aof_last_bgrewrite_status"),
        "err"
    );
    let manifest = aof_dir(&server).join("appendonly.aof.manifest");
    assert_eq!(
        std::fs::read_to_string(&manifest).unwrap(),
        "file appendonly.aof.1.base.rdb seq 1 type b\n\
         file appendonly.aof.1.incr.aof seq 1 type i\n\
         file appendonly.aof.2.incr.aof seq 2 type i\n"
    );
    conn.assert_cmd(&["CONFIG", "SET", "rdb-key-save-delay", "0"], b"+OK\r\n");
    conn.assert_cmd(
        &["BGREWRITEAOF"],
        b"+Background append only file rewriting started\r\n",
    );
    assert!(wait_until(Duration::from_secs(10), || {
        info_field(&mut conn, "persistence", "aof_rewrite_in_progress") == "0"
    }));
    assert_eq!(
        std::fs::read_to_string(&manifest).unwrap(),
        "file appendonly.aof.2.base.rdb seq 2 type b\n\
         file appendonly.aof.3.incr.aof seq 3 type i\n"
    );
    assert!(server.log().contains("terminated by signal 9"));
}

fn encode(argv: &[&str]) -> String {
    let mut out = format!("*{}\r\n", argv.len());
    for arg in argv {
        out.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
    }
    out
}

/// A pre-7.0 AOF (one `appendonly.aof` in `dir`) is moved into the AOF directory as its
/// base, and a first incremental file follows it, as Redis 7.0 upgrades it.
#[test]
fn a_pre_7_aof_file_is_upgraded_into_the_aof_directory() {
    let dir = cedis_tests::server::fresh_temp_dir();
    std::fs::write(
        dir.join("appendonly.aof"),
        encode(&["SET", "k1", "v1"]) + &encode(&["RPUSH", "l", "a"]),
    )
    .unwrap();
    let server = ServerBuilder::default()
        .args(&["--appendonly", "yes", "--dir", &dir.to_string_lossy()])
        .start();
    let mut conn = server.raw();
    conn.assert_cmd(&["GET", "k1"], b"$2\r\nv1\r\n");
    assert!(!dir.join("appendonly.aof").exists());
    let aof_dir = dir.join("appendonlydir");
    assert!(aof_dir.join("appendonly.aof").exists());
    assert_eq!(
        std::fs::read_to_string(aof_dir.join("appendonly.aof.manifest")).unwrap(),
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
}

/// Replaying an AOF, a key whose PEXPIREAT is already past is still there for the
/// commands after it (they ran when it was alive); it is gone once loading ends.
#[test]
fn an_expiry_in_the_past_applies_after_the_aof_is_loaded() {
    let dir = cedis_tests::server::fresh_temp_dir();
    let aof_dir = dir.join("appendonlydir");
    std::fs::create_dir_all(&aof_dir).unwrap();
    std::fs::write(
        aof_dir.join("appendonly.aof.1.incr.aof"),
        encode(&["RPUSH", "list", "foo"])
            + &encode(&["PEXPIREAT", "list", "1000"])
            + &encode(&["RPUSH", "list", "bar"]),
    )
    .unwrap();
    std::fs::write(
        aof_dir.join("appendonly.aof.manifest"),
        "file appendonly.aof.1.incr.aof seq 1 type i\n",
    )
    .unwrap();
    let server = ServerBuilder::default()
        .args(&["--appendonly", "yes", "--dir", &dir.to_string_lossy()])
        .start();
    let mut conn = server.raw();
    conn.assert_cmd(&["LLEN", "list"], b":0\r\n");
}

/// `aof-timestamp-enabled`: a `#TS:` line before the first command of each second, in
/// the incremental file and at the top of a command base.
#[test]
fn timestamp_annotations_mark_the_aof() {
    let server = TestServer::with_args(&[
        "--appendonly",
        "yes",
        "--aof-use-rdb-preamble",
        "no",
        "--aof-timestamp-enabled",
        "yes",
    ]);
    let mut conn = server.raw();
    // The fresh command base's `#TS:` covers the start-up second (as in Redis).
    std::thread::sleep(Duration::from_millis(1100));
    conn.assert_cmd(&["SET", "foo", "bar"], b"+OK\r\n");
    let incr = std::fs::read_to_string(aof_dir(&server).join("appendonly.aof.1.incr.aof")).unwrap();
    assert!(incr.starts_with("#TS:"), "{incr:?}");
    conn.assert_cmd(
        &["BGREWRITEAOF"],
        b"+Background append only file rewriting started\r\n",
    );
    assert!(wait_until(Duration::from_secs(10), || {
        info_field(&mut conn, "persistence", "aof_rewrite_in_progress") == "0"
    }));
    let base = std::fs::read_to_string(aof_dir(&server).join("appendonly.aof.2.base.aof")).unwrap();
    assert!(base.starts_with("#TS:"), "{base:?}");
}
