//! Benchmarks of `cedis_types::glob::glob_match`, the matcher behind `KEYS`,
//! `SCAN MATCH`, `PSUBSCRIBE` and `CONFIG GET`.
//!
//! Each benchmark runs one pattern over the same 10,000 keys, the way `KEYS pattern`
//! walks a keyspace, so the reported time is per keyspace scan. The pathological
//! pattern checks that the matcher stays polynomial on a long run of `a`s.
//!
//! Run with `cargo bench -p cedis-benches --bench glob`.

use std::hint::black_box;

use cedis_types::glob::glob_match;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A keyspace resembling a real one: `user:N:name`, `user:N:email`, `session:N`, ...
fn keys() -> Vec<Vec<u8>> {
    (0..10_000u32)
        .map(|i| match i % 4 {
            0 => format!("user:{i}:name"),
            1 => format!("user:{i}:email"),
            2 => format!("session:{i:08x}"),
            _ => format!("cache:page:/articles/{i}/comments?page={}", i % 7),
        })
        .map(String::into_bytes)
        .collect()
}

fn bench_patterns(c: &mut Criterion) {
    let keys = keys();
    let patterns: [(&str, &[u8]); 6] = [
        ("literal", b"user:5000:name"),
        ("star", b"*"),
        ("user_star_name", b"user:*:name"),
        ("bracket_class", b"session:[0-9a-f]*[^0-9]"),
        ("question_marks", b"session:0000????"),
        ("pathological", b"*a*a*a*a*a*a*a*a*b"),
    ];
    let mut group = c.benchmark_group("glob_keys");
    group.throughput(Throughput::Elements(keys.len() as u64));
    for (name, pattern) in patterns {
        group.bench_function(name, |b| {
            b.iter(|| {
                keys.iter()
                    .filter(|key| glob_match(black_box(pattern), key, false))
                    .count()
            })
        });
    }
    group.finish();
}

fn bench_pathological(c: &mut Criterion) {
    let mut group = c.benchmark_group("glob_pathological");
    for len in [100usize, 1_000, 10_000] {
        let string = vec![b'a'; len];
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(format!("star_a_x8_b/{len}"), |b| {
            b.iter(|| glob_match(black_box(b"*a*a*a*a*a*a*a*a*b"), black_box(&string), false))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_patterns, bench_pathological);
criterion_main!(benches);
