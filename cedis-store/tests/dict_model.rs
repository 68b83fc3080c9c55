//! Model-based property tests for `Dict`: random operation sequences, checked step by step
//! against `std::collections::HashMap`, through growths, shrinks and the rehashes between.
//!
//! Why hand-rolled rather than proptest: cedis-store has no proptest dev-dependency, so
//! cases come from seeded `StdRng`s (a failure names its seed, and is replayed with
//! `DICT_SEED=<seed>`), and a failing sequence is shrunk by deleting chunks of operations
//! while it still fails, which is what proptest would print. The operations replay
//! exactly; the bucket layout does not, since every `Dict` hashes with a fresh random
//! SipHash key, so a layout-dependent failure may need a few replays.

use std::collections::HashMap;

use cedis_store::dict::{Dict, INLINE_KEY_LEN};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Clone, Debug)]
enum Op {
    Insert(usize, u32),
    InsertSlice(usize, u32),
    Remove(usize),
    RemoveValue(usize),
    Get(usize),
    GetMut(usize, u32),
    Step(usize),
    Random,
    Reserve(usize),
    Clear,
}

/// Key number `i`: short (inline) for most, some longer than the inline limit, and the
/// empty key.
fn key(i: usize) -> Vec<u8> {
    match i % 7 {
        0 if i == 0 => Vec::new(),
        3 => format!("long-key-{i:0>width$}", width = INLINE_KEY_LEN).into_bytes(),
        _ => format!("k{i}").into_bytes(),
    }
}

/// A random sequence alternating insert-heavy and remove-heavy phases, so the table grows
/// and shrinks (and operations land during rehashes) several times.
fn gen_ops(rng: &mut StdRng) -> Vec<Op> {
    let universe = *[8usize, 64, 600, 3000]
        .get(rng.gen_range(0..4))
        .expect("in range");
    let n = rng.gen_range(1..2500);
    let mut ops = Vec::with_capacity(n);
    let mut growing = true;
    for _ in 0..n {
        if rng.gen_ratio(1, 150) {
            growing = !growing;
        }
        let k = rng.gen_range(0..universe);
        let v = rng.gen();
        let write = if growing { 70 } else { 15 };
        let op = match rng.gen_range(0..100) {
            x if x < write / 2 => Op::Insert(k, v),
            x if x < write => Op::InsertSlice(k, v),
            x if x < 80 => {
                if rng.gen() {
                    Op::Remove(k)
                } else {
                    Op::RemoveValue(k)
                }
            }
            x if x < 88 => Op::Get(k),
            x if x < 93 => Op::GetMut(k, v),
            x if x < 96 => Op::Step(rng.gen_range(0..20)),
            x if x < 99 => Op::Random,
            _ => {
                if rng.gen_ratio(1, 20) {
                    Op::Clear
                } else {
                    Op::Reserve(rng.gen_range(0..universe))
                }
            }
        };
        ops.push(op);
    }
    ops
}

/// The key an operation reads or writes.
fn op_key(op: &Op) -> Option<usize> {
    match *op {
        Op::Insert(k, _)
        | Op::InsertSlice(k, _)
        | Op::Remove(k)
        | Op::RemoveValue(k)
        | Op::Get(k)
        | Op::GetMut(k, _) => Some(k),
        Op::Step(_) | Op::Random | Op::Reserve(_) | Op::Clear => None,
    }
}

/// What a passing run went through, to check the generator covers resizes.
#[derive(Default)]
struct Coverage {
    ops_while_rehashing: usize,
    grows: usize,
    shrinks: usize,
}

/// Runs `ops` on a `Dict` and a `HashMap`, comparing after every operation.
fn check(ops: &[Op], seed: u64) -> Result<Coverage, String> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut d: Dict<u32> = Dict::new();
    let mut m: HashMap<Vec<u8>, u32> = HashMap::new();
    // Node size, from the overhead of one short key in a 4-bucket table.
    let node = {
        let mut one: Dict<u32> = Dict::new();
        one.insert_slice(b"x", 0);
        one.overhead_bytes() - 4 * 8
    };
    let mut cov = Coverage::default();
    // Bytes of the model's keys too long to be stored inline.
    let mut heap_keys = 0;
    for (i, op) in ops.iter().enumerate() {
        let was_rehashing = d.is_rehashing();
        let buckets_before = d.bucket_count();
        let had_key = op_key(op).is_some_and(|k| m.contains_key(&key(k)));
        let fail = |what: String| Err(format!("op #{i} {op:?}: {what}"));
        match *op {
            Op::Insert(k, v) => {
                let (got, want) = (d.insert(key(k).into(), v), m.insert(key(k), v));
                if got != want {
                    return fail(format!("insert returned {got:?}, model {want:?}"));
                }
            }
            Op::InsertSlice(k, v) => {
                let (got, want) = (d.insert_slice(&key(k), v), m.insert(key(k), v));
                if got != want {
                    return fail(format!("insert_slice returned {got:?}, model {want:?}"));
                }
            }
            Op::Remove(k) => {
                let got = d.remove(&key(k));
                let want = m.remove_entry(&key(k)).map(|(k, v)| (k.into(), v));
                if got != want {
                    return fail(format!("remove returned {got:?}, model {want:?}"));
                }
            }
            Op::RemoveValue(k) => {
                let (got, want) = (d.remove_value(&key(k)), m.remove(&key(k)));
                if got != want {
                    return fail(format!("remove_value returned {got:?}, model {want:?}"));
                }
            }
            Op::Get(k) => {
                let (got, want) = (d.get(&key(k)), m.get(&key(k)));
                if got != want || d.contains_key(&key(k)) != want.is_some() {
                    return fail(format!("get returned {got:?}, model {want:?}"));
                }
                if d.get_key_value(&key(k)).map(|(k, _)| k.to_vec()) != want.map(|_| key(k)) {
                    return fail("get_key_value disagrees".into());
                }
            }
            Op::GetMut(k, v) => {
                let got = d.get_mut(&key(k)).map(|x| std::mem::replace(x, v));
                let want = m.get_mut(&key(k)).map(|x| std::mem::replace(x, v));
                if got != want {
                    return fail(format!("get_mut returned {got:?}, model {want:?}"));
                }
            }
            Op::Step(n) => {
                let more = d.rehash_step(n);
                if more != d.is_rehashing() {
                    return fail(format!("rehash_step returned {more}"));
                }
            }
            Op::Random => match d.random_entry(&mut rng) {
                None if m.is_empty() => {}
                Some((k, v)) if m.get(k) == Some(v) => {}
                other => return fail(format!("random_entry gave {other:?}")),
            },
            Op::Reserve(n) => d.reserve(n),
            Op::Clear => {
                d.clear();
                m.clear();
            }
        }
        if was_rehashing {
            cov.ops_while_rehashing += 1;
        } else if d.is_rehashing() {
            if d.bucket_count() > buckets_before * 2 {
                cov.grows += 1;
            } else {
                cov.shrinks += 1;
            }
        }
        if d.len() != m.len() || d.is_empty() != m.is_empty() {
            return fail(format!("len {} vs model {}", d.len(), m.len()));
        }
        if let Some(k) = op_key(op) {
            let k = key(k);
            if k.len() > INLINE_KEY_LEN {
                match (had_key, m.contains_key(&k)) {
                    (false, true) => heap_keys += k.len(),
                    (true, false) => heap_keys -= k.len(),
                    _ => {}
                }
            }
        } else if matches!(op, Op::Clear) {
            heap_keys = 0;
        }
        // Bucket slots are counted for allocated segments (16Ki buckets each; a table no
        // larger than one is always allocated), so the count is exact for small tables and
        // at most the logical bucket count otherwise.
        let entries_part = d.len() * node + heap_keys;
        let buckets_part = d.overhead_bytes().checked_sub(entries_part);
        let exact = d.bucket_count() <= 1 << 14;
        match buckets_part {
            Some(b) if b == d.bucket_count() * 8 || (!exact && b < d.bucket_count() * 8) => {}
            _ => {
                return fail(format!(
                    "overhead_bytes {} for {} buckets and {entries_part} bytes of entries",
                    d.overhead_bytes(),
                    d.bucket_count()
                ))
            }
        }
        if !d.is_rehashing() && d.bucket_count() != 0 && !d.bucket_count().is_power_of_two() {
            return fail(format!("{} buckets", d.bucket_count()));
        }
        // A full comparison costs O(len): do it every max(64, len) operations, so it adds
        // O(1) per operation.
        if i % m.len().max(64) == 0 || i + 1 == ops.len() {
            let mut count = 0;
            let all_in_model = d.iter().all(|(k, v)| {
                count += 1;
                m.get(k) == Some(v)
            });
            if !all_in_model || count != m.len() {
                return fail("iter() disagrees with the model".into());
            }
        }
    }
    Ok(cov)
}

/// Deletes chunks of `ops` (halves, quarters, … single ops) while `run` still fails;
/// returns the smaller sequence and its failure.
fn shrink<T>(mut ops: Vec<Op>, run: impl Fn(&[Op]) -> Result<T, String>) -> (Vec<Op>, String) {
    let mut err = match run(&ops) {
        Err(e) => e,
        Ok(_) => panic!("shrinking a passing case"),
    };
    let mut chunk = ops.len() / 2;
    while chunk > 0 {
        let mut start = 0;
        while start < ops.len() {
            let mut candidate = ops.clone();
            candidate.drain(start..(start + chunk).min(ops.len()));
            match run(&candidate) {
                Err(e) => {
                    ops = candidate;
                    err = e;
                }
                Ok(_) => start += chunk,
            }
        }
        chunk /= 2;
    }
    (ops, err)
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

#[test]
fn dict_matches_hashmap_model() {
    let mut total = Coverage::default();
    for seed in seeds(96) {
        let ops = gen_ops(&mut StdRng::seed_from_u64(seed));
        match check(&ops, seed) {
            Ok(cov) => {
                total.ops_while_rehashing += cov.ops_while_rehashing;
                total.grows += cov.grows;
                total.shrinks += cov.shrinks;
            }
            Err(first) => {
                // Each Dict hashes with its own random key, so a candidate's outcome can
                // depend on the layout: count it as failing if any of a few runs fails.
                let (ops, err) = shrink(ops, |ops| {
                    (0..4).try_for_each(|_| check(ops, seed).map(drop))
                });
                panic!(
                    "seed {seed} (replay with DICT_SEED={seed}) failed: {first}\n\
                     minimal failing sequence ({} ops): {ops:?}\nits failure: {err}",
                    ops.len()
                );
            }
        }
    }
    if std::env::var("DICT_SEED").is_err() {
        assert!(total.grows > 50, "{} grows", total.grows);
        assert!(total.shrinks > 10, "{} shrinks", total.shrinks);
        assert!(total.ops_while_rehashing > 1000);
    }
}

/// The shrinker finds the two operations that matter in a long sequence.
#[test]
fn dict_model_shrinker_finds_minimal_sequence() {
    let mut ops: Vec<Op> = (0..300).map(|i| Op::InsertSlice(i % 50, 0)).collect();
    ops.insert(120, Op::Get(7));
    ops.insert(260, Op::Clear);
    // "Fails" when a Get(7) is followed, anywhere later, by a Clear.
    let run = |ops: &[Op]| {
        let get = ops.iter().position(|op| matches!(op, Op::Get(7)));
        let clear = ops.iter().rposition(|op| matches!(op, Op::Clear));
        match (get, clear) {
            (Some(g), Some(c)) if g < c => Err(format!("get at {g}, clear at {c}")),
            _ => Ok(()),
        }
    };
    let (min, err) = shrink(ops, run);
    assert!(matches!(min[..], [Op::Get(7), Op::Clear]), "{min:?}");
    assert_eq!(err, "get at 0, clear at 1");
}

/// Long sequences over a large universe, so inserts, removes and lookups keep landing
/// while a resize is half done.
#[test]
fn dict_model_during_long_rehashes() {
    for seed in seeds(4) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut ops = Vec::new();
        for round in 0..3 {
            let universe = 20_000;
            for _ in 0..15_000 {
                ops.push(Op::InsertSlice(rng.gen_range(0..universe), rng.gen()));
                if rng.gen_ratio(1, 3) {
                    ops.push(Op::Get(rng.gen_range(0..universe)));
                }
            }
            for _ in 0..(14_000 + round * 300) {
                ops.push(Op::RemoveValue(rng.gen_range(0..universe)));
                if rng.gen_ratio(1, 3) {
                    ops.push(Op::GetMut(rng.gen_range(0..universe), 1));
                }
            }
        }
        if let Err(e) = check(&ops, seed) {
            panic!("seed {seed} (replay with DICT_SEED={seed}): {e}");
        }
    }
}

/// Tables of many segments (the bucket arrays are stored in segments of 16Ki buckets):
/// grow to ~150K keys and back down to a handful, twice, with lookups, random picks and
/// explicit steps throughout.
#[test]
fn dict_model_multi_segment_tables() {
    for seed in seeds(1) {
        let mut rng = StdRng::seed_from_u64(seed);
        let universe = 150_000;
        let mut ops = Vec::new();
        for _ in 0..2 {
            for _ in 0..160_000 {
                ops.push(Op::InsertSlice(rng.gen_range(0..universe), rng.gen()));
                match rng.gen_range(0..8) {
                    0 => ops.push(Op::Get(rng.gen_range(0..universe))),
                    1 => ops.push(Op::Random),
                    2 if rng.gen_ratio(1, 50) => ops.push(Op::Step(rng.gen_range(0..2000))),
                    _ => {}
                }
            }
            for k in 0..universe {
                ops.push(Op::RemoveValue(k));
                if rng.gen_ratio(1, 4) {
                    ops.push(Op::GetMut(rng.gen_range(0..universe), 1));
                }
            }
        }
        if let Err(e) = check(&ops, seed) {
            panic!("seed {seed} (replay with DICT_SEED={seed}): {e}");
        }
    }
}
