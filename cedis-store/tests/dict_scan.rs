//! SCAN's guarantee for `Dict::scan`, as a property over random cases: a key present from
//! the first scan call to the last is visited at least once, however the table grows,
//! shrinks or rehashes between calls, and the iteration ends (cursor 0).
//!
//! Cases come from seeded `StdRng`s (cedis-store has no proptest dev-dependency); a failure
//! names its seed, replayed with `DICT_SEED=<seed>`.

use std::collections::HashSet;

use cedis_store::dict::Dict;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn key(i: usize) -> Vec<u8> {
    format!("key:{i:012}").into_bytes()
}

fn seeds(default_cases: u64) -> Vec<u64> {
    match std::env::var("DICT_SEED") {
        Ok(s) => vec![s.parse().expect("DICT_SEED is a u64")],
        Err(_) => {
            let base: u64 = rand::random();
            (0..default_cases).map(|i| base.wrapping_add(i)).collect()
        }
    }
}

/// Sizes for a family of cases.
struct Shape {
    max_stable: usize,
    /// Volatile key counts to choose from.
    volatile: &'static [usize],
    /// Most writes between two scan calls.
    max_batch: usize,
    /// The population target is redrawn with probability 1 in this, per call; with
    /// `None` it swings between empty and full, turning when reached.
    retarget: Option<u32>,
}

/// Tables up to 4096 buckets, many writes between calls.
const SMALL: Shape = Shape {
    max_stable: 300,
    volatile: &[16, 300, 2000],
    max_batch: 64,
    retarget: Some(6),
};

/// Tables of up to 16 segments of 16Ki buckets, growing from half full to full and
/// shrinking towards empty during one iteration (which takes ~100K calls, so fewer writes
/// per call).
const LARGE: Shape = Shape {
    max_stable: 3000,
    volatile: &[200_000],
    max_batch: 8,
    retarget: None,
};

/// Stats of one case, to check the generator really resizes mid-scan.
#[derive(Default, Debug)]
struct Seen {
    resizes_during_scan: u64,
    calls_while_rehashing: u64,
}
/// One case: `stable` keys are inserted first and never removed; between scan calls a
/// random batch inserts and removes keys from a disjoint `volatile` range, moving the
/// population towards a target redrawn now and then between empty and full, so the table
/// grows well past its size and empties again (forcing shrinks), with explicit rehash
/// steps now and then.
fn run_case(seed: u64, shape: &Shape) -> Result<Seen, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let stable_n = rng.gen_range(0..shape.max_stable);
    let volatile_n = shape.volatile[rng.gen_range(0..shape.volatile.len())];
    let total = stable_n + volatile_n;

    let mut d: Dict<usize> = Dict::new();
    // Volatile keys present and absent, for O(1) random picks.
    let (mut present, mut absent): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for i in stable_n..total {
        if rng.gen() {
            d.insert_slice(&key(i), i);
            present.push(i);
        } else {
            absent.push(i);
        }
    }
    for i in 0..stable_n {
        d.insert_slice(&key(i), i);
    }

    let mut visited = vec![false; total];
    let mut seen = Seen::default();
    let resizes_before = d.rehash_stats().resizes;
    let mut target = match shape.retarget {
        Some(_) => rng.gen_range(0..=volatile_n),
        None => volatile_n,
    };
    let mut cursor = 0;
    let mut calls = 0u64;
    let mut bad = None;
    loop {
        if d.is_rehashing() {
            seen.calls_while_rehashing += 1;
        }
        cursor = d.scan(cursor, |k, &v| {
            if v >= total || k != key(v) {
                bad = Some(format!("visited {k:?} => {v}, never inserted"));
            } else {
                visited[v] = true;
            }
        });
        calls += 1;
        if let Some(e) = bad {
            return Err(e);
        }
        if cursor == 0 {
            break;
        }
        if calls > 10_000_000 {
            return Err("scan does not terminate".into());
        }
        match shape.retarget {
            Some(n) if rng.gen_ratio(1, n) => {
                target = match rng.gen_range(0..3) {
                    0 => 0,
                    1 => volatile_n,
                    _ => rng.gen_range(0..=volatile_n),
                };
            }
            None if present.len() == target => {
                target = if target == 0 { volatile_n } else { 0 };
            }
            _ => {}
        }
        for _ in 0..rng.gen_range(0..shape.max_batch) {
            // Mostly towards the target, sometimes against it.
            let grow = if rng.gen_ratio(1, 5) {
                rng.gen()
            } else {
                present.len() < target
            };
            let (from, to) = if grow {
                (&mut absent, &mut present)
            } else {
                (&mut present, &mut absent)
            };
            if from.is_empty() {
                continue;
            }
            let i = from.swap_remove(rng.gen_range(0..from.len()));
            to.push(i);
            if grow {
                d.insert_slice(&key(i), i);
            } else {
                d.remove_value(&key(i));
            }
        }
        if rng.gen_ratio(1, 10) {
            d.rehash_step(rng.gen_range(1..50));
        }
    }
    seen.resizes_during_scan = d.rehash_stats().resizes - resizes_before;
    if let Some(i) = (0..stable_n).find(|&i| !visited[i]) {
        return Err(format!(
            "stable key {i} never visited ({stable_n} stable keys, {volatile_n} volatile, \
             {calls} calls)"
        ));
    }
    Ok(seen)
}

#[test]
fn dict_scan_visits_every_stable_key_across_resizes() {
    let (mut resizes, mut rehashing_calls) = (0, 0);
    for seed in seeds(80) {
        match run_case(seed, &SMALL) {
            Ok(seen) => {
                resizes += seen.resizes_during_scan;
                rehashing_calls += seen.calls_while_rehashing;
            }
            Err(e) => panic!("seed {seed} (replay with DICT_SEED={seed}): {e}"),
        }
    }
    if std::env::var("DICT_SEED").is_err() {
        eprintln!("resizes {resizes} rehashing calls {rehashing_calls}");
        assert!(resizes > 100, "only {resizes} resizes during scans");
        assert!(
            rehashing_calls > 500,
            "only {rehashing_calls} calls while rehashing"
        );
    }
}

#[test]
fn dict_scan_multi_segment_tables_across_resizes() {
    let mut resizes = 0;
    for seed in seeds(2) {
        match run_case(seed, &LARGE) {
            Ok(seen) => resizes += seen.resizes_during_scan,
            Err(e) => panic!("seed {seed} (replay with DICT_SEED={seed}): {e}"),
        }
    }
    eprintln!("resizes {resizes}");
    if std::env::var("DICT_SEED").is_err() {
        assert!(resizes >= 4, "only {resizes} resizes during scans");
    }
}

/// Without changes between calls, every entry is visited exactly once, whether or not a
/// resize is half done.
#[test]
fn dict_scan_without_changes_visits_each_key_once() {
    for n in [0usize, 1, 3, 4, 5, 100, 1000, 4097] {
        for steps in [0usize, 1, 7, 1_000_000] {
            let mut d = Dict::new();
            for i in 0..n {
                d.insert_slice(&key(i), i);
            }
            d.rehash_step(steps);
            let mut counts = vec![0u32; n];
            let mut cursor = 0;
            loop {
                cursor = d.scan(cursor, |_, &v| counts[v] += 1);
                if cursor == 0 {
                    break;
                }
            }
            assert!(
                counts.iter().all(|&c| c == 1),
                "n={n} steps={steps} rehashing={}",
                d.is_rehashing()
            );
        }
    }
}

/// A shrink in the middle of an iteration: the large table's cursor is carried into the
/// small one and the iteration still ends and covers the survivors.
#[test]
fn dict_scan_across_a_shrink_and_a_growth() {
    let mut d = Dict::new();
    for i in 0..4096 {
        d.insert_slice(&key(i), i);
    }
    while d.rehash_step(100) {}
    let mut visited = HashSet::new();
    let mut cursor = d.scan(0, |k, _| {
        visited.insert(k.to_vec());
    });
    for _ in 0..10 {
        cursor = d.scan(cursor, |k, _| {
            visited.insert(k.to_vec());
        });
    }
    // Keep 0..100; remove the rest: the table shrinks to 512 buckets when 511 keys are
    // left (1/8 of 4096), and stays there (100 keys are more than 512/8).
    for i in 100..4096 {
        d.remove_value(&key(i));
    }
    while d.rehash_step(100) {}
    assert_eq!(d.bucket_count(), 512);
    for _ in 0..5 {
        cursor = d.scan(cursor, |k, _| {
            visited.insert(k.to_vec());
        });
    }
    // And grow again, leaving the growth half done.
    for i in 10_000..12_000 {
        d.insert_slice(&key(i), i);
    }
    assert!(d.is_rehashing());
    while cursor != 0 {
        cursor = d.scan(cursor, |k, _| {
            visited.insert(k.to_vec());
        });
    }
    for i in 0..100 {
        assert!(visited.contains(&key(i)), "key {i}");
    }
}
