//! Incremental rehashing does bounded work per operation: growing to 1M keys (ten
//! doublings) and shrinking back, no single insert, lookup or remove migrates more than one
//! bucket or skips more than ten empty ones. Counted with `Dict::rehash_stats`, not timed.

use cedis_store::dict::{Dict, RehashStats};

/// Largest per-operation difference of each counter seen so far.
#[derive(Default, Debug)]
struct MaxWork {
    buckets: u64,
    entries: u64,
    empty: u64,
}

impl MaxWork {
    fn record(&mut self, before: RehashStats, after: RehashStats) {
        self.buckets = self.buckets.max(after.buckets_moved - before.buckets_moved);
        self.entries = self.entries.max(after.entries_moved - before.entries_moved);
        self.empty = self.empty.max(after.empty_visited - before.empty_visited);
    }

    fn check(&self, what: &str) {
        println!("{what}: max per operation {self:?}");
        assert!(self.buckets <= 1, "{what}: buckets moved per operation");
        assert!(
            self.empty <= 10,
            "{what}: empty buckets visited per operation"
        );
        // A bucket's chain at load <= 1 with SipHash: expected max ~10 for 1M keys; 32 is
        // astronomically unlikely unless hashing is broken.
        assert!(self.entries <= 32, "{what}: entries moved per operation");
    }
}

fn key(buf: &mut Vec<u8>, i: u64) -> &[u8] {
    use std::io::Write;
    buf.clear();
    write!(buf, "key:{i:012}").expect("write to Vec");
    buf
}

#[test]
fn dict_rehash_work_per_operation_is_bounded() {
    const N: u64 = 1_000_000;
    let mut d: Dict<u64> = Dict::new();
    let mut buf = Vec::new();

    let (mut inserts, mut lookups) = (MaxWork::default(), MaxWork::default());
    for i in 0..N {
        let before = d.rehash_stats();
        d.insert(key(&mut buf, i).into(), i);
        inserts.record(before, d.rehash_stats());
        if i % 3 == 0 {
            let before = d.rehash_stats();
            assert_eq!(d.get_mut(key(&mut buf, i / 2)).copied(), Some(i / 2));
            lookups.record(before, d.rehash_stats());
        }
    }
    let grown = d.rehash_stats();
    assert_eq!(d.len() as u64, N);
    // The first allocation (4 buckets), then 18 doublings to 2^20.
    assert_eq!(grown.resizes, 19);
    assert!(grown.buckets_moved > N / 2);
    inserts.check("insert");
    lookups.check("get_mut");
    assert_eq!(
        (inserts.buckets, lookups.buckets),
        (1, 1),
        "both did rehash work"
    );

    while d.rehash_step(1000) {}
    assert_eq!(d.bucket_count(), 1 << 20);

    let mut removes = MaxWork::default();
    for i in 0..N {
        let before = d.rehash_stats();
        assert_eq!(d.remove_value(key(&mut buf, i)), Some(i));
        removes.record(before, d.rehash_stats());
    }
    assert!(d.is_empty());
    assert!(d.rehash_stats().resizes > grown.resizes, "shrank");
    removes.check("remove");
    assert_eq!(removes.buckets, 1, "removes did rehash work");
}
