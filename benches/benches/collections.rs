//! Benchmarks of the collection types of `cedis-types`: the skip list, `ZSet`, `Set` and
//! `Hash`, at 1K, 100K and 1M elements (plus a 256-member intset for integer sets).
//!
//! Each structure is built once per size, outside the timed loops, and every benchmark
//! leaves it as it found it:
//!
//! - mutating benchmarks (`insert`, `add`, `delete`, `set`) time their operations in
//!   chunks of at most a tenth of the structure (and at most 10,000); each chunk is undone
//!   untimed (fresh elements removed again, deleted ones put back), so the size stays
//!   within 10% of `n` throughout;
//! - lookups visit present elements in a scrambled order, so consecutive operations touch
//!   unrelated memory.
//!
//! Every time Criterion reports is per operation (`Throughput::Elements(1)`), except the
//! `*_range10` benchmarks, which are per 10-element range (seek plus iteration).
//!
//! Benchmarks (`<group>/<op>/<n>`):
//! - `skiplist/{insert,delete,rank,score_range10,rank_range10}/<n>`;
//! - `zset/{add,score,rank}/<n>` (default thresholds 128/64, so skiplist encoding);
//! - `set_int/{insert,contains}/<n>` (intset at 256, hashtable from 1K on) and
//!   `set_str/{insert,contains}/<n>`;
//! - `hash/{set,get}/<n>` (new fields for `set`; default limits, so hashtable encoding).
//!
//! Run with `cargo bench -p cedis-benches --bench collections` (a few minutes), or one
//! size with a filter such as `-- '/100000$'`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cedis_types::hash::Limits;
use cedis_types::skiplist::SkipList;
use cedis_types::{Hash, Set, ZSet};
use criterion::{
    criterion_group, criterion_main, measurement::WallTime, BenchmarkGroup, BenchmarkId, Criterion,
    Throughput,
};

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

/// `zset-max-listpack-entries` / `zset-max-listpack-value` defaults.
const ZSET_MAX_ENTRIES: usize = 128;
const ZSET_MAX_VALUE: usize = 64;

/// `set-max-intset-entries` default.
const MAX_INTSET: usize = 512;

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

/// How many mutations are timed between two untimed restorations of a structure of `n`.
fn chunk_len(n: usize) -> usize {
    (n / 10).clamp(1, 10_000)
}

/// Applies the group's sampling settings for size `n`: few, short samples for 1M so the
/// file runs in a few minutes.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    if n >= 1_000_000 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(2));
    } else {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(1));
    }
}

fn new_group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(Duration::from_millis(300));
    group.throughput(Throughput::Elements(1));
    group
}

/// Runs `iters` mutations on `state` in chunks of at most `chunk`, timing only `timed`
/// (which applies the first `k` prepared operations) and restoring with `undo`.
fn chunked<S>(
    state: &mut S,
    iters: u64,
    chunk: usize,
    mut timed: impl FnMut(&mut S, usize),
    mut undo: impl FnMut(&mut S, usize),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = usize::try_from(iters).unwrap_or(usize::MAX);
    while left > 0 {
        let k = left.min(chunk);
        let start = Instant::now();
        timed(state, k);
        total += start.elapsed();
        undo(state, k);
        left -= k;
    }
    total
}

/// Cycles through `order`, returning the next index each call.
struct Cycle<'a> {
    order: &'a [usize],
    at: usize,
}

impl<'a> Cycle<'a> {
    fn new(order: &'a [usize]) -> Cycle<'a> {
        Cycle { order, at: 0 }
    }

    fn next_index(&mut self) -> usize {
        let i = self.order[self.at];
        self.at += 1;
        if self.at == self.order.len() {
            self.at = 0;
        }
        i
    }
}

fn bench_skiplist(c: &mut Criterion) {
    let mut group = new_group(c, "skiplist");
    for n in SIZES {
        configure(&mut group, n);
        let elems: Vec<(f64, Vec<u8>)> = (0..n)
            .map(|i| (i as f64, format!("m:{i:010}").into_bytes()))
            .collect();
        let order = scrambled(n);
        let chunk = chunk_len(n);
        // New elements, scattered between the present ones.
        let fresh: Vec<(f64, Vec<u8>)> = order[..chunk]
            .iter()
            .map(|&p| (p as f64 + 0.5, format!("f:{p:010}").into_bytes()))
            .collect();
        let mut list = SkipList::new();
        for (s, m) in &elems {
            list.insert(*s, m);
        }

        group.bench_function(BenchmarkId::new("insert", n), |b| {
            b.iter_custom(|iters| {
                chunked(
                    &mut list,
                    iters,
                    chunk,
                    |l, k| {
                        for (s, m) in &fresh[..k] {
                            black_box(l.insert(*s, m));
                        }
                    },
                    |l, k| {
                        for (s, m) in &fresh[..k] {
                            l.delete(*s, m);
                        }
                    },
                )
            });
        });

        let victims: Vec<&(f64, Vec<u8>)> = order[..chunk].iter().map(|&i| &elems[i]).collect();
        group.bench_function(BenchmarkId::new("delete", n), |b| {
            b.iter_custom(|iters| {
                chunked(
                    &mut list,
                    iters,
                    chunk,
                    |l, k| {
                        for (s, m) in &victims[..k] {
                            black_box(l.delete(*s, m));
                        }
                    },
                    |l, k| {
                        for (s, m) in &victims[..k] {
                            l.insert(*s, m);
                        }
                    },
                )
            });
        });
        assert_eq!(list.len(), n);

        group.bench_function(BenchmarkId::new("rank", n), |b| {
            let mut cycle = Cycle::new(&order);
            b.iter(|| {
                let (s, m) = &elems[cycle.next_index()];
                black_box(list.rank(*s, m))
            });
        });

        // Ranges of 10 elements starting at scrambled positions (all within the list).
        let starts: Vec<usize> = order.iter().map(|&i| i % (n - 10)).collect();
        group.throughput(Throughput::Elements(10));
        group.bench_function(BenchmarkId::new("score_range10", n), |b| {
            let mut cycle = Cycle::new(&starts);
            b.iter(|| {
                let lo = cycle.next_index() as f64;
                let first = list.count_while(|s, _| s < black_box(lo));
                for e in list.iter_from(first, false).take(10) {
                    black_box(e);
                }
            });
        });
        group.bench_function(BenchmarkId::new("rank_range10", n), |b| {
            let mut cycle = Cycle::new(&starts);
            b.iter(|| {
                for e in list.iter_from(cycle.next_index(), false).take(10) {
                    black_box(e);
                }
            });
        });
        group.throughput(Throughput::Elements(1));
    }
    group.finish();
}

fn bench_zset(c: &mut Criterion) {
    let mut group = new_group(c, "zset");
    for n in SIZES {
        configure(&mut group, n);
        let members: Vec<Vec<u8>> = (0..n).map(|i| format!("m:{i:010}").into_bytes()).collect();
        let order = scrambled(n);
        let chunk = chunk_len(n);
        let fresh: Vec<(f64, Vec<u8>)> = order[..chunk]
            .iter()
            .map(|&p| (p as f64 + 0.5, format!("f:{p:010}").into_bytes()))
            .collect();
        let mut zset = ZSet::new();
        for (i, m) in members.iter().enumerate() {
            zset.insert(i as f64, m, ZSET_MAX_ENTRIES, ZSET_MAX_VALUE);
        }
        assert_eq!(zset.encoding(), "skiplist");

        group.bench_function(BenchmarkId::new("add", n), |b| {
            b.iter_custom(|iters| {
                chunked(
                    &mut zset,
                    iters,
                    chunk,
                    |z, k| {
                        for (s, m) in &fresh[..k] {
                            black_box(z.insert(*s, m, ZSET_MAX_ENTRIES, ZSET_MAX_VALUE));
                        }
                    },
                    |z, k| {
                        for (_, m) in &fresh[..k] {
                            z.remove(m);
                        }
                    },
                )
            });
        });
        assert_eq!(zset.len(), n);

        group.bench_function(BenchmarkId::new("score", n), |b| {
            let mut cycle = Cycle::new(&order);
            b.iter(|| black_box(zset.score(&members[cycle.next_index()])));
        });
        group.bench_function(BenchmarkId::new("rank", n), |b| {
            let mut cycle = Cycle::new(&order);
            b.iter(|| black_box(zset.rank(&members[cycle.next_index()])));
        });
    }
    group.finish();
}

/// Insert/contains benchmarks for a set of `members`, with `fresh` members to add.
fn set_benches(
    group: &mut BenchmarkGroup<'_, WallTime>,
    members: &[Vec<u8>],
    fresh: &[Vec<u8>],
    encoding: &str,
) {
    let n = members.len();
    configure(group, n);
    let order = scrambled(n);
    let chunk = fresh.len();
    let mut set = Set::new();
    for m in members {
        set.insert(m, MAX_INTSET);
    }
    assert_eq!(set.encoding(), encoding);

    group.bench_function(BenchmarkId::new("insert", n), |b| {
        b.iter_custom(|iters| {
            chunked(
                &mut set,
                iters,
                chunk,
                |s, k| {
                    for m in &fresh[..k] {
                        black_box(s.insert(m, MAX_INTSET));
                    }
                },
                |s, k| {
                    for m in &fresh[..k] {
                        s.remove(m);
                    }
                },
            )
        });
    });
    assert_eq!(set.len(), n);
    assert_eq!(set.encoding(), encoding);

    group.bench_function(BenchmarkId::new("contains", n), |b| {
        let mut cycle = Cycle::new(&order);
        b.iter(|| black_box(set.contains(&members[cycle.next_index()])));
    });
}

fn bench_set(c: &mut Criterion) {
    let mut group = new_group(c, "set_int");
    for n in [256].into_iter().chain(SIZES) {
        // Even members present, odd ones (scattered among them) fresh.
        let members: Vec<Vec<u8>> = (0..n).map(|i| (2 * i).to_string().into_bytes()).collect();
        let fresh: Vec<Vec<u8>> = scrambled(n)[..chunk_len(n)]
            .iter()
            .map(|&p| (2 * p + 1).to_string().into_bytes())
            .collect();
        let encoding = if n <= MAX_INTSET {
            "intset"
        } else {
            "hashtable"
        };
        set_benches(&mut group, &members, &fresh, encoding);
    }
    group.finish();

    let mut group = new_group(c, "set_str");
    for n in SIZES {
        let members: Vec<Vec<u8>> = (0..n)
            .map(|i| format!("member:{i:012}").into_bytes())
            .collect();
        let fresh: Vec<Vec<u8>> = scrambled(n)[..chunk_len(n)]
            .iter()
            .map(|&p| format!("fresh:{p:012}").into_bytes())
            .collect();
        set_benches(&mut group, &members, &fresh, "hashtable");
    }
    group.finish();
}

fn bench_hash(c: &mut Criterion) {
    let mut group = new_group(c, "hash");
    let limits = Limits::default();
    for n in SIZES {
        configure(&mut group, n);
        let fields: Vec<Vec<u8>> = (0..n)
            .map(|i| format!("field:{i:012}").into_bytes())
            .collect();
        let order = scrambled(n);
        let chunk = chunk_len(n);
        let fresh: Vec<Vec<u8>> = order[..chunk]
            .iter()
            .map(|&p| format!("new:{p:012}").into_bytes())
            .collect();
        let value = b"v123456789";
        let mut hash = Hash::new();
        for f in &fields {
            hash.insert(f, value, limits);
        }
        assert_eq!(hash.encoding(), "hashtable");

        group.bench_function(BenchmarkId::new("set", n), |b| {
            b.iter_custom(|iters| {
                chunked(
                    &mut hash,
                    iters,
                    chunk,
                    |h, k| {
                        for f in &fresh[..k] {
                            black_box(h.insert(f, value, limits));
                        }
                    },
                    |h, k| {
                        for f in &fresh[..k] {
                            h.remove(f);
                        }
                    },
                )
            });
        });
        assert_eq!(hash.len(), n);

        group.bench_function(BenchmarkId::new("get", n), |b| {
            let mut cycle = Cycle::new(&order);
            b.iter(|| black_box(hash.get(&fields[cycle.next_index()]).map(<[u8]>::len)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_skiplist, bench_zset, bench_set, bench_hash);
criterion_main!(benches);
