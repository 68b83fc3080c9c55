//! MULTI/EXEC/DISCARD/WATCH/UNWATCH against real Redis 7.0.15: queuing, errors while
//! queuing (EXECABORT), runtime errors inside EXEC, WATCH invalidation by other clients,
//! by expiry, by FLUSHDB/FLUSHALL/SWAPDB, and the commands that are not queued.

use std::time::Duration;

use cedis_tests::{Differential, Mask, TestServer};

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

/// Sends `script` (inline commands, one per line) and returns all replies.
fn run(conn: &mut cedis_tests::RawConn, script: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    conn.send(&bytes);
    conn.read_until_quiet(Duration::from_millis(100)).0
}

#[test]
fn queuing_exec_and_errors() {
    let Some(d) = Differential::with_args(&["--enable-debug-command", "no"]) else {
        return;
    };
    compare(&d, |server| {
        let mut c = server.raw();
        [
            "MULTI\nMULTI\nSET a 1\nEXEC",
            "EXEC\nDISCARD",
            "MULTI\nWATCH x\nSET a 2\nEXEC",
            "MULTI\nFOO\nSET a 1\nEXEC",
            "MULTI\nGET\nEXEC",
            "DEL a\nMULTI\nSET a 1\nINCR a\nLPUSH a x\nGET a\nEXEC",
            "MULTI\nEXEC",
            "WATCH\nUNWATCH x",
            "MULTI\nPING\nDISCARD\nEXEC",
            "MULTI\nBLPOP nolist 0\nBRPOP nolist 1\nBLMOVE nolist x LEFT LEFT 0\nBZPOPMIN nz 0\nEXEC",
            "MULTI\nSET a\nMULTI\nEXEC",
            "MULTI\nSELECT 1\nSET a 1\nSELECT 0\nEXEC\nGET a",
            "MULTI\nSHUTDOWN\nEXEC",
            "MULTI\nDEBUG SLEEP 0\nEXEC",
            "MULTI\nSELECT 100\nEXEC",
            "MULTI\nSET k v\nRESET\nEXEC\nGET k",
            "MULTI\nCLIENT REPLY ON\nECHO a\nEXEC",
            "MULTI\nSUBSCRIBE x\nEXEC\nMULTI\nEXEC\nRESET",
        ]
        .iter()
        .map(|script| run(&mut c, script))
        .collect()
    });
}

#[test]
fn watch_sees_other_clients_and_flushes() {
    let Some(d) = Differential::with_args(&["--enable-debug-command", "yes"]) else {
        return;
    };
    compare(&d, |server| {
        let (mut c, mut other) = (server.raw(), server.raw());
        let mut out = vec![
            run(&mut c, "SET a 1\nWATCH a\nMULTI\nGET a"),
            run(&mut other, "GET a\nSET b 1"),
        ];
        out.push(run(&mut c, "EXEC"));
        out.push(run(&mut c, "WATCH a\nMULTI\nGET a"));
        out.push(run(&mut other, "SET a 2"));
        out.push(run(&mut c, "EXEC"));
        // A write that changes nothing still counts; UNWATCH and DISCARD forget.
        out.push(run(&mut c, "WATCH a\nSET a 2\nMULTI\nPING\nEXEC"));
        out.push(run(&mut c, "WATCH a\nSET a 3\nUNWATCH\nMULTI\nPING\nEXEC"));
        out.push(run(
            &mut c,
            "WATCH a\nSET a 4\nMULTI\nDISCARD\nMULTI\nPING\nEXEC",
        ));
        // The database a key was watched in.
        out.push(run(
            &mut c,
            "WATCH a\nSELECT 1\nSET a 1\nSELECT 0\nMULTI\nPING\nEXEC",
        ));
        // FLUSHDB/FLUSHALL touch watched keys that exist; SWAPDB those on either side.
        out.push(run(&mut c, "WATCH a\nMULTI\nPING"));
        out.push(run(&mut other, "FLUSHDB"));
        out.push(run(&mut c, "EXEC"));
        out.push(run(&mut c, "WATCH missing\nFLUSHALL\nMULTI\nPING\nEXEC"));
        out.push(run(
            &mut c,
            "SELECT 1\nSET x 1\nSELECT 0\nWATCH x\nSWAPDB 0 1\nMULTI\nPING\nEXEC",
        ));
        out.push(run(
            &mut c,
            "FLUSHALL\nWATCH x\nSWAPDB 0 1\nMULTI\nPING\nEXEC",
        ));
        // Expiry: a key that expires after WATCH fails EXEC; one already stale doesn't.
        out.push(run(
            &mut c,
            "DEBUG SET-ACTIVE-EXPIRE 0\nSET e v PX 30\nWATCH e",
        ));
        std::thread::sleep(Duration::from_millis(60));
        out.push(run(&mut c, "MULTI\nPING\nEXEC"));
        out.push(run(&mut c, "SET e v PX 1"));
        std::thread::sleep(Duration::from_millis(20));
        out.push(run(&mut c, "WATCH e\nEXISTS e\nMULTI\nPING\nEXEC"));
        out.push(run(&mut c, "DEBUG SET-ACTIVE-EXPIRE 1"));
        out
    });
}

#[test]
fn command_info_and_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in ["multi", "exec", "discard", "watch", "unwatch"] {
        d.check(&[&["COMMAND", "INFO", name]]);
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}
