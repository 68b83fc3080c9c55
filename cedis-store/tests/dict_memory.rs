//! Resident memory per key, for comparing with Redis 7.0 (~119 bytes for a 16-byte key and
//! a 10-byte value). Ignored by default (slow, and RSS depends on the allocator); run one
//! size per process so earlier runs' freed memory doesn't skew the next:
//!
//! ```text
//! cargo test --release -p cedis-store --test dict_memory -- --ignored --nocapture rss_1m
//! cargo test --release -p cedis-store --test dict_memory -- --ignored --nocapture rss_10m
//! ```

use cedis_store::dict::Dict;

/// VmRSS from /proc/self/status, in bytes (Linux only; 0 elsewhere).
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<usize>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn measure(n: u64) {
    let before = rss_bytes();
    let mut d: Dict<Box<[u8]>> = Dict::new();
    let mut buf = Vec::with_capacity(16);
    for i in 0..n {
        use std::io::Write;
        buf.clear();
        write!(buf, "key:{i:012}").expect("write to Vec");
        assert_eq!(buf.len(), 16);
        // A 10-byte value, as in the Redis comparison.
        let value: Box<[u8]> = format!("v{:09}", i % 1_000_000_000).into_bytes().into();
        d.insert(buf.as_slice().into(), value);
    }
    while d.rehash_step(1000) {}
    let after = rss_bytes();
    let per_key = (after - before) as f64 / n as f64;
    println!(
        "{n} keys: {per_key:.1} resident bytes/key ({} buckets, overhead_bytes {:.1}/key)",
        d.bucket_count(),
        d.overhead_bytes() as f64 / n as f64
    );
    assert_eq!(d.len() as u64, n);
    // Freed bucket segments of the last resize's old table stay in the allocator's free
    // lists (resident) until reused: the next keys (few enough not to trigger a resize)
    // show how much of the above that is.
    let more = n / 50;
    let before_more = rss_bytes();
    for i in n..n + more {
        use std::io::Write;
        buf.clear();
        write!(buf, "key:{i:012}").expect("write to Vec");
        let value: Box<[u8]> = format!("v{:09}", i % 1_000_000_000).into_bytes().into();
        d.insert(buf.as_slice().into(), value);
    }
    println!(
        "then {more} more keys: {:.1} resident bytes/key",
        (rss_bytes() - before_more) as f64 / more as f64
    );
}

#[test]
#[ignore = "measurement; run with --release --ignored --nocapture"]
fn rss_1m() {
    measure(1_000_000);
}

#[test]
#[ignore = "measurement; run with --release --ignored --nocapture"]
fn rss_10m() {
    measure(10_000_000);
}
