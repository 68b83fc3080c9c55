//! MONITOR, CLIENT PAUSE/UNPAUSE and CLIENT TRACKING against real Redis 7.0.15: each
//! scenario runs with several connections on both servers and the transcripts (what each
//! connection received, with timestamps, ports and client ids masked) must match.

use std::time::Duration;

use cedis_tests::{Differential, RawConn, TestServer};

fn drain(conn: &mut RawConn) -> Vec<u8> {
    conn.read_until_quiet(Duration::from_millis(100)).0
}

/// Masks what differs between two runs: MONITOR timestamps and client addresses.
fn mask(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match (line.strip_prefix('+'), line.find(" [")) {
            (Some(_), Some(at)) if line[1..at].contains('.') => {
                let rest = &line[at..];
                let rest = match (rest.find(" 127.0.0.1:"), rest.find(']')) {
                    (Some(from), Some(to)) if from < to => {
                        format!("{} ADDR{}", &rest[..from], &rest[to..])
                    }
                    _ => rest.to_string(),
                };
                out.push_str("+TIME");
                out.push_str(&rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn compare(d: &Differential, scenario: impl Fn(&TestServer) -> Vec<Vec<u8>>) {
    let redis = scenario(d.redis());
    let subject = scenario(d.subject());
    for (i, (s, r)) in subject.iter().zip(&redis).enumerate() {
        assert_eq!(mask(s), mask(r), "step {i} differs");
    }
    assert_eq!(subject.len(), redis.len());
}

fn client_id(conn: &mut RawConn) -> String {
    let reply = conn.cmd(&["CLIENT", "ID"]);
    String::from_utf8_lossy(&reply)
        .trim_start_matches(':')
        .trim()
        .to_string()
}

#[test]
fn monitor_shows_executed_commands_with_redactions() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut monitor, mut client) = (server.raw(), server.raw());
        let mut out = vec![monitor.cmd(&["MONITOR"])];
        for cmd in [
            &["SET", "k", "a\nb\"\\\x01"][..],
            &["GET", "k"],
            &["SELECT", "2"],
            &["NOSUCH", "x"],
            &["GET"],
            &["AUTH", "secret"],
            &["HELLO", "3", "AUTH", "user", "pass"],
            &["HELLO", "2"],
            &["MULTI"],
            &["SET", "a", "1"],
            &["EXEC"],
            &["CLIENT", "LIST"],
            &["CONFIG", "GET", "x"],
            &["INCR", "k"],
            &["MONITOR"],
        ] {
            client.send_cmd(cmd);
            drain(&mut client);
        }
        out.push(drain(&mut monitor));
        // A monitor may not touch keys, may run MULTI and PING, and ignores a second MONITOR.
        for cmd in [&["GET", "x"][..], &["PING"], &["MONITOR"]] {
            monitor.send_cmd(cmd);
            out.push(drain(&mut monitor));
        }
        let mut other = server.raw();
        other.send(b"MULTI\r\nMONITOR\r\nEXEC\r\n");
        out.push(drain(&mut other));
        out
    });
}

#[test]
fn client_pause_holds_writes_until_unpause() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut admin, mut writer, mut reader) = (server.raw(), server.raw(), server.raw());
        let mut out = Vec::new();
        for cmd in [
            &["CLIENT", "PAUSE"][..],
            &["CLIENT", "PAUSE", "x"],
            &["CLIENT", "PAUSE", "-1"],
            &["CLIENT", "PAUSE", "10", "foo"],
            &["CLIENT", "PAUSE", "10", "WRITE", "x"],
        ] {
            out.push(admin.cmd(cmd));
        }
        out.push(admin.cmd(&["SET", "k", "v", "PX", "150"]));
        out.push(admin.cmd(&["CLIENT", "PAUSE", "100000", "WRITE"]));
        writer.send_cmd(&["SET", "x", "1"]);
        out.push(drain(&mut writer));
        reader.send(b"GET x\r\nSET\r\n");
        out.push(drain(&mut reader));
        let info = String::from_utf8_lossy(&admin.cmd(&["INFO", "clients"])).into_owned();
        assert!(info.contains("blocked_clients:1"), "{info}");
        std::thread::sleep(Duration::from_millis(250));
        // Expired, but kept while paused: reads see nothing, DBSIZE still counts it.
        out.push(admin.cmd(&["GET", "k"]));
        out.push(admin.cmd(&["DBSIZE"]));
        out.push(admin.cmd(&["CLIENT", "UNPAUSE"]));
        out.push(drain(&mut writer));
        out.push(admin.cmd(&["GET", "x"]));
        // A short ALL pause holds even CLIENT UNPAUSE from others until it times out.
        out.push(admin.cmd(&["CLIENT", "PAUSE", "300", "ALL"]));
        writer.send_cmd(&["CLIENT", "UNPAUSE"]);
        out.push(drain(&mut writer));
        std::thread::sleep(Duration::from_millis(400));
        out.push(drain(&mut writer));
        out
    });
}

#[test]
fn tracking_default_bcast_optin_and_redirect() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut tracker, mut writer, mut target) = (server.raw(), server.raw(), server.raw());
        let target_id = client_id(&mut target);
        let mut out = vec![target.cmd(&["SUBSCRIBE", "__redis__:invalidate"])];
        for cmd in [
            &["CLIENT", "TRACKING", "maybe"][..],
            &["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
            &["CLIENT", "TRACKING", "on", "PREFIX", "a"],
            &["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
            &["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
            &["CLIENT", "CACHING", "yes"],
            &["CLIENT", "TRACKINGINFO"],
            &["CLIENT", "GETREDIR"],
        ] {
            out.push(tracker.cmd(cmd));
        }
        // RESP2 with a redirect: messages on __redis__:invalidate.
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "on", "REDIRECT", &target_id]));
        out.push(writer.cmd(&["MSET", "a", "1", "b", "2"]));
        out.push(tracker.cmd(&["GET", "a"]));
        out.push(writer.cmd(&["INCR", "b"]));
        out.push(writer.cmd(&["INCR", "a"]));
        out.push(drain(&mut target));
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "off"]));
        // RESP3 on the same connection, own writes after the reply, flushes.
        tracker.cmd(&["HELLO", "3"]);
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "on"]));
        out.push(tracker.cmd(&["MGET", "k1", "k2"]));
        out.push(tracker.cmd(&["SET", "k1", "x"]));
        out.push(drain(&mut tracker));
        out.push(writer.cmd(&["SET", "k2", "y"]));
        out.push(drain(&mut tracker));
        out.push(tracker.cmd(&["GET", "k1"]));
        tracker.send(b"MULTI\r\nINCR c\r\nGET k1\r\nFLUSHDB\r\nEXEC\r\n");
        out.push(drain(&mut tracker));
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "off"]));
        // BCAST with prefixes and NOLOOP: one message per prefix.
        out.push(tracker.cmd(&[
            "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "q:", "NOLOOP",
        ]));
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p"]));
        out.push(tracker.cmd(&["CLIENT", "TRACKINGINFO"]));
        out.push(tracker.cmd(&["SET", "p:mine", "1"]));
        writer.send(b"MULTI\r\nSET p:1 a\r\nSET q:1 b\r\nSET r:1 c\r\nSET p:2 d\r\nEXEC\r\n");
        drain(&mut writer);
        let mut pushes = drain(&mut tracker);
        // The per-prefix messages may come in either order.
        let text = String::from_utf8_lossy(&pushes).into_owned();
        let mut parts: Vec<&str> = text.split(">2\r\n").filter(|p| !p.is_empty()).collect();
        parts.sort_unstable();
        pushes = parts.concat().into_bytes();
        out.push(pushes);
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "off"]));
        // OPTIN: only reads after CLIENT CACHING yes are remembered.
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "on", "OPTIN"]));
        out.push(tracker.cmd(&["GET", "o1"]));
        out.push(tracker.cmd(&["CLIENT", "CACHING", "yes"]));
        out.push(tracker.cmd(&["CLIENT", "TRACKINGINFO"]));
        out.push(tracker.cmd(&["GET", "o2"]));
        out.push(writer.cmd(&["MSET", "o1", "1", "o2", "2"]));
        out.push(drain(&mut tracker));
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "off"]));
        out
    });
}

#[test]
fn tracking_redirect_broken_and_info_counts() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut tracker, mut writer) = (server.raw(), server.raw());
        let mut target = server.raw();
        let target_id = client_id(&mut target);
        tracker.cmd(&["HELLO", "3"]);
        let mut out = vec![tracker.cmd(&["CLIENT", "TRACKING", "on", "REDIRECT", &target_id])];
        out.push(tracker.cmd(&["GET", "key1"]));
        out.push(tracker.cmd(&["GET", "key2"]));
        let info = String::from_utf8_lossy(&tracker.cmd(&["INFO"])).into_owned();
        for field in [
            "tracking_clients:1",
            "tracking_total_keys:2",
            "tracking_total_items:2",
        ] {
            assert!(info.contains(field), "{field} in {info}");
        }
        out.push(target.cmd(&["QUIT"]));
        std::thread::sleep(Duration::from_millis(100));
        out.push(writer.cmd(&["SET", "key1", "x"]));
        let pushes = drain(&mut tracker).replace_ids(&target_id);
        out.push(pushes);
        let info = tracker
            .cmd(&["CLIENT", "TRACKINGINFO"])
            .replace_ids(&target_id);
        out.push(info);
        out.push(tracker.cmd(&["CLIENT", "TRACKING", "off"]));
        out
    });
}

/// Replaces a client id (which differs between the servers) by `ID`.
trait ReplaceIds {
    fn replace_ids(self, id: &str) -> Vec<u8>;
}

impl ReplaceIds for Vec<u8> {
    fn replace_ids(self, id: &str) -> Vec<u8> {
        String::from_utf8_lossy(&self)
            .replace(&format!(":{id}\r\n"), ":ID\r\n")
            .into_bytes()
    }
}
