//! Blocking commands against real Redis 7.0.15: argument and timeout errors, timeouts in
//! RESP2 and RESP3, first-come first-served wake-ups, chained BLMOVE, a transaction that
//! pushes and pops, keys re-typed under a waiter, CLIENT UNBLOCK, SWAPDB wake-ups and
//! pipelined commands behind a blocked one.

use std::time::Duration;

use cedis_tests::{Differential, Mask, RawConn, TestServer};

fn compare(d: &Differential, scenario: impl Fn(&TestServer) -> Vec<Vec<u8>>) {
    let redis = scenario(d.redis());
    let subject = scenario(d.subject());
    for (i, (s, r)) in subject.iter().zip(&redis).enumerate() {
        assert_eq!(
            String::from_utf8_lossy(s),
            String::from_utf8_lossy(r),
            "step {i} differs"
        );
    }
    assert_eq!(subject.len(), redis.len());
}

fn run(conn: &mut RawConn, script: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    conn.send(&bytes);
    drain(conn)
}

fn drain(conn: &mut RawConn) -> Vec<u8> {
    conn.read_until_quiet(Duration::from_millis(120)).0
}

#[test]
fn errors_and_timeouts() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let mut c = server.raw();
        let mut out = vec![run(&mut c, "SET str v")];
        for cmd in [
            "BLPOP x 9223372036854776",
            "BLPOP x -1",
            "BLPOP x abc",
            "BLPOP x 1e400",
            "BLPOP x \" 1\"",
            "BLPOP x 1e-4",
            "BLMOVE nolist x FOO LEFT 0.01",
            "BLMOVE nolist x LEFT LEFT -1",
            "BLMPOP 0 0 x LEFT",
            "BLMPOP -1 1 x LEFT",
            "BLMPOP 0 1 x FOO",
            "BLMPOP 0 1 x LEFT COUNT 0",
            "BZMPOP 0 1 x FOO",
            "BZMPOP 0 1 x MIN COUNT 0",
            "BLPOP str 0",
            "BLPOP nokey str 0",
            "BZPOPMIN str 0",
            "BLMOVE str x LEFT LEFT 0",
            "BLMPOP 0 2 nokey str LEFT",
            "BLMOVE nolist x LEFT LEFT 0.01",
            "BRPOPLPUSH nolist x 0.01",
            "BZPOPMIN zz 0.01",
            "BLMPOP 0.01 1 x LEFT",
            "BZMPOP 0.01 1 zz MIN",
            "BLPOP x 0.01",
            "RPUSH l a b c\nBLPOP l 0\nBRPOP l 0\nBLMPOP 0 2 none l RIGHT COUNT 5",
            "ZADD z 1 a 2 b 3 c\nBZPOPMIN z 0\nBZPOPMAX z 0\nBZMPOP 0 1 z MIN COUNT 9",
        ] {
            out.push(run(&mut c, cmd));
        }
        run(&mut c, "HELLO 3");
        for cmd in [
            "BLPOP x 0.01",
            "BLMOVE nolist x LEFT LEFT 0.01",
            "ZADD z 1 a\nBZPOPMIN z 0",
        ] {
            out.push(run(&mut c, cmd));
        }
        out
    });
}

#[test]
fn waiters_are_served_in_order() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut a, mut b, mut c, mut w) = (server.raw(), server.raw(), server.raw(), server.raw());
        let mut out = Vec::new();
        a.send(b"BLPOP k1 k2 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        b.send(b"BRPOP k2 0\r\nPING\r\n");
        std::thread::sleep(Duration::from_millis(50));
        c.send(b"BLMOVE k2 k3 LEFT RIGHT 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        out.push(
            run(&mut w, "INFO clients")
                .split(|&b| b == b'\n')
                .filter(|l| l.starts_with(b"blocked"))
                .flatten()
                .copied()
                .collect(),
        );
        out.push(run(&mut w, "RPUSH k2 x y z"));
        out.push(drain(&mut a));
        out.push(drain(&mut b));
        out.push(drain(&mut c));
        out.push(run(&mut w, "LRANGE k2 0 -1\nLRANGE k3 0 -1"));
        // A transaction that pushes and pops leaves nothing to the waiter.
        a.send(b"BLPOP t 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        out.push(run(&mut w, "MULTI\nLPUSH t v\nLPOP t\nEXEC"));
        out.push(drain(&mut a));
        // A key re-typed under its waiter keeps it waiting; CLIENT UNBLOCK answers it.
        out.push(run(&mut w, "SET t str"));
        out.push(drain(&mut a));
        out.push(run(&mut w, "DEL t\nRPUSH t after"));
        out.push(drain(&mut a));
        out
    });
}

#[test]
fn chained_blmove_and_client_unblock() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut a, mut b, mut w) = (server.raw(), server.raw(), server.raw());
        let mut out = Vec::new();
        let a_id = String::from_utf8_lossy(&a.cmd(&["CLIENT", "ID"]))
            .trim_start_matches(':')
            .trim()
            .to_string();
        a.send(b"BLMOVE src mid LEFT LEFT 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        b.send(b"BLPOP mid 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        out.push(run(&mut w, "RPUSH src v"));
        out.push(drain(&mut a));
        out.push(drain(&mut b));
        out.push(run(&mut w, "EXISTS src mid"));
        a.send(b"BLPOP never 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        out.push(run(
            &mut w,
            &format!("CLIENT UNBLOCK {a_id}\nCLIENT UNBLOCK {a_id}"),
        ));
        out.push(drain(&mut a));
        a.send(b"BZPOPMIN never 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        out.push(run(&mut w, &format!("CLIENT UNBLOCK {a_id} ERROR")));
        out.push(drain(&mut a));
        // SWAPDB brings data to a waiter.
        a.send(b"BLPOP swapped 0\r\n");
        std::thread::sleep(Duration::from_millis(50));
        out.push(run(
            &mut w,
            "SELECT 1\nRPUSH swapped hello\nSWAPDB 0 1\nSELECT 0",
        ));
        out.push(drain(&mut a));
        out
    });
}

#[test]
fn a_blocked_client_that_disconnects_leaves_nothing() {
    let server = TestServer::start();
    let mut a = server.raw();
    a.send(b"BLPOP gone 0\r\n");
    std::thread::sleep(Duration::from_millis(50));
    drop(a);
    std::thread::sleep(Duration::from_millis(100));
    let mut w = server.raw();
    assert_eq!(w.cmd(&["RPUSH", "gone", "v"]), b":1\r\n");
    assert_eq!(w.cmd(&["LLEN", "gone"]), b":1\r\n");
    let info = String::from_utf8_lossy(&w.cmd(&["INFO", "clients"])).into_owned();
    assert!(info.contains("blocked_clients:0"), "{info}");
}

#[test]
fn command_info_and_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in [
        "blpop",
        "brpop",
        "brpoplpush",
        "blmove",
        "blmpop",
        "bzpopmin",
        "bzpopmax",
        "bzmpop",
    ] {
        d.check(&[&["COMMAND", "INFO", name]]);
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}
