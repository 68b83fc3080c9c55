//! Benchmarks of `cedis_store::dict::Dict`, the keyspace's hash table, against
//! `std::collections::HashMap<Box<[u8]>, Vec<u8>>` for scale.
//!
//! Keys are 16 bytes (`key:000000000042`), values 10-byte `Vec<u8>`s, at 1K, 100K and 1M
//! keys (the larger sizes no longer fit in cache, which is where a keyspace lives).
//!
//! - `keyspace_insert/<impl>/<n>`: builds a table of `n` keys from empty, growth included
//!   (`Dict` grows incrementally, `HashMap` all at once). Criterion's time is per table;
//!   per-insert time is that divided by `n` (the reported throughput is inserts/s).
//! - `keyspace_get/<impl>/<n>`: one lookup of a present key per iteration, keys visited in
//!   a scrambled order so consecutive lookups touch unrelated memory; the time is per get.
//!
//! Run with `cargo bench -p cedis-benches --bench keyspace` (about two minutes).

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use cedis_store::dict::Dict;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

fn key(i: usize) -> Box<[u8]> {
    format!("key:{i:012}").into_bytes().into()
}

fn value(i: usize) -> Vec<u8> {
    format!("v{:09}", i % 1_000_000_000).into_bytes()
}

fn entries(n: usize) -> Vec<(Box<[u8]>, Vec<u8>)> {
    (0..n).map(|i| (key(i), value(i))).collect()
}

/// The indexes `0..n` in a scrambled order (a multiplicative step coprime with `n`).
fn scrambled(n: usize) -> Vec<usize> {
    let mut step = 2_654_435_761 % n.max(2);
    while gcd(step, n) != 1 {
        step += 1;
    }
    (0..n).map(|i| (i * step) % n).collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Samples and measurement time: few and short, so the whole file runs in about two
/// minutes; building a 1M-key table takes ~0.5 s, and its 10 samples (plus cloning the
/// input for each) need ~12 s.
fn measurement(n: usize, building: bool) -> (usize, Duration) {
    match (n >= 1_000_000, building) {
        (true, true) => (10, Duration::from_secs(12)),
        (true, false) => (10, Duration::from_secs(3)),
        (false, _) => (20, Duration::from_secs(2)),
    }
}

fn bench_insert(c: &mut Criterion) {
    let mut group = c.benchmark_group("keyspace_insert");
    group.warm_up_time(Duration::from_millis(500));
    // Each iteration builds a whole table: flat sampling keeps the iteration count (and
    // run time) proportional to the sample size.
    group.sampling_mode(SamplingMode::Flat);
    for n in SIZES {
        let (samples, time) = measurement(n, true);
        group.sample_size(samples).measurement_time(time);
        group.throughput(Throughput::Elements(n as u64));
        let input = entries(n);
        let batch = if n >= 100_000 {
            BatchSize::PerIteration
        } else {
            BatchSize::SmallInput
        };
        group.bench_with_input(BenchmarkId::new("dict", n), &input, |b, input| {
            b.iter_batched(
                || input.clone(),
                |input| {
                    let mut d = Dict::new();
                    for (k, v) in input {
                        d.insert(k, v);
                    }
                    d
                },
                batch,
            )
        });
        group.bench_with_input(BenchmarkId::new("hashmap", n), &input, |b, input| {
            b.iter_batched(
                || input.clone(),
                |input| {
                    let mut m = HashMap::new();
                    for (k, v) in input {
                        m.insert(k, v);
                    }
                    m
                },
                batch,
            )
        });
    }
    group.finish();
}

fn bench_get(c: &mut Criterion) {
    let mut group = c.benchmark_group("keyspace_get");
    group.warm_up_time(Duration::from_millis(500));
    for n in SIZES {
        let (samples, time) = measurement(n, false);
        group.sample_size(samples).measurement_time(time);
        group.throughput(Throughput::Elements(1));
        let order: Vec<Box<[u8]>> = scrambled(n).into_iter().map(key).collect();

        let mut d = Dict::new();
        let mut m = HashMap::new();
        for (k, v) in entries(n) {
            d.insert(k.clone(), v.clone());
            m.insert(k, v);
        }
        // Finish any resize in progress, as the server cron would have by then.
        while d.rehash_step(1000) {}

        group.bench_function(BenchmarkId::new("dict", n), |b| {
            let mut i = 0;
            b.iter(|| {
                let k = &order[i];
                i = if i + 1 == order.len() { 0 } else { i + 1 };
                black_box(d.get(black_box(k)))
            })
        });
        group.bench_function(BenchmarkId::new("hashmap", n), |b| {
            let mut i = 0;
            b.iter(|| {
                let k: &[u8] = &order[i];
                i = if i + 1 == order.len() { 0 } else { i + 1 };
                black_box(m.get(black_box(k)))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_insert, bench_get);
criterion_main!(benches);
