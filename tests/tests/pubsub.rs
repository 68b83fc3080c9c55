//! Pub/Sub against real Redis 7.0.15: each scenario runs with several connections on
//! both servers and the transcripts (every byte each connection received) must match.

use std::time::Duration;

use cedis_tests::{Differential, Mask, RawConn, TestServer};

/// Reads whatever `conn` has received until it is quiet for a moment.
fn drain(conn: &mut RawConn) -> Vec<u8> {
    conn.read_until_quiet(Duration::from_millis(100)).0
}

/// Runs `scenario` on both servers and compares what it recorded.
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

#[test]
fn subscribe_publish_and_unsubscribe() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut sub, mut publisher) = (server.raw(), server.raw());
        let mut out = Vec::new();
        sub.send(b"UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nSUNSUBSCRIBE\r\n");
        out.push(drain(&mut sub));
        sub.send(b"SUBSCRIBE c1 c2 c1\r\nPSUBSCRIBE p* c*\r\nSSUBSCRIBE s1 s2\r\n");
        out.push(drain(&mut sub));
        sub.send(b"GET x\r\nPING\r\nPING hi\r\nECHO x\r\nCLIENT LIST\r\nMULTI\r\n");
        out.push(drain(&mut sub));
        for cmd in [
            &["PUBLISH", "c1", "hello"][..],
            &["PUBLISH", "pq", "pattern only"],
            &["PUBLISH", "nobody", "x"],
            &["SPUBLISH", "s1", "sharded"],
            &["PUBSUB", "NUMSUB", "c1", "c2", "zz"],
            &["PUBSUB", "NUMPAT"],
            &["PUBSUB", "CHANNELS", "c1*"],
            &["PUBSUB", "SHARDCHANNELS", "s1"],
            &["PUBSUB", "SHARDNUMSUB", "s1", "s3"],
            &["PUBSUB", "CHANNELS", "a", "b"],
        ] {
            out.push(publisher.cmd(cmd));
        }
        out.push(drain(&mut sub));
        sub.send(b"UNSUBSCRIBE c1\r\nPUNSUBSCRIBE\r\nSUNSUBSCRIBE s1 s2\r\nSUNSUBSCRIBE\r\nUNSUBSCRIBE\r\nGET x\r\n");
        out.push(drain(&mut sub));
        out.push(publisher.cmd(&["PUBLISH", "c2", "after"]));
        out
    });
}

#[test]
fn resp3_pushes_and_client_reply_off() {
    let Some(d) = Differential::new() else {
        return;
    };
    compare(&d, |server| {
        let (mut sub, mut publisher) = (server.raw(), server.raw());
        let mut out = Vec::new();
        sub.send(b"HELLO 3\r\n");
        drain(&mut sub);
        sub.send(b"CLIENT REPLY OFF\r\nSUBSCRIBE ch\r\nPSUBSCRIBE c*\r\n");
        out.push(drain(&mut sub));
        out.push(publisher.cmd(&["PUBLISH", "ch", "hello"]));
        out.push(drain(&mut sub));
        sub.send(b"CLIENT REPLY ON\r\nGET x\r\nPING\r\nUNSUBSCRIBE\r\nUNSUBSCRIBE\r\nRESET\r\n");
        out.push(drain(&mut sub));
        out
    });
}

#[test]
fn command_info_and_docs() {
    let Some(mut d) = Differential::new() else {
        return;
    };
    for name in [
        "subscribe",
        "unsubscribe",
        "psubscribe",
        "punsubscribe",
        "ssubscribe",
        "sunsubscribe",
        "publish",
        "spublish",
        "pubsub|channels",
        "pubsub|numsub",
        "pubsub|numpat",
        "pubsub|shardchannels",
        "pubsub|shardnumsub",
        "pubsub|help",
    ] {
        d.check(&[&["COMMAND", "INFO", name]]);
        d.check_masked(&["COMMAND", "DOCS", name], &Mask::command_docs());
    }
}

/// A subscriber that never reads is disconnected once its pending output passes the
/// Pub/Sub class's hard limit, so the server's memory stays bounded.
#[test]
fn a_subscriber_that_never_reads_is_dropped() {
    let server = TestServer::with_args(&["--client-output-buffer-limit", "pubsub 1mb 512kb 60"]);
    let mut sub = server.raw();
    sub.cmd(&["SUBSCRIBE", "flood"]);
    let mut publisher = server.raw();
    let payload = "x".repeat(64 * 1024);
    let mut delivered_to_zero = false;
    // 64 MB published in total; the subscriber's socket buffers hold a few MB at most.
    for _ in 0..1024 {
        let reply = publisher.cmd(&["PUBLISH", "flood", &payload]);
        if reply == b":0\r\n" {
            delivered_to_zero = true;
            break;
        }
    }
    assert!(delivered_to_zero, "the subscriber was never disconnected");
    let clients = publisher.cmd(&["CLIENT", "LIST"]);
    assert_eq!(
        String::from_utf8_lossy(&clients).matches("id=").count(),
        1,
        "only the publisher is left"
    );
}
