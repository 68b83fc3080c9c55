//! RDB throughput: writing and reading a file of 1M small keys (16-byte keys, 10-byte
//! values, what `DEBUG POPULATE` makes) with `cedis-persist`, in memory (no disk), so the
//! numbers are the codec's. Criterion reports bytes/s (`Throughput::Bytes` of the file);
//! keys/s is that times keys per byte, printed once at the start.
//!
//! Run with `cargo bench -p cedis-benches --bench rdb`. Redis's side (SAVE and start-up
//! load of the same data) is measured by `benches/rdb-vs-redis.sh`.

use std::hint::black_box;

use cedis_persist::{read_rdb, AuxFields, Entry, LoadLimits, RdbSink, RdbWriter, WriteOptions};
use cedis_types::Value;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const KEYS: usize = 1_000_000;

fn dataset() -> Vec<(Vec<u8>, Value)> {
    (0..KEYS)
        .map(|i| {
            let key = format!("key:{i:012}").into_bytes();
            let value = Value::string(format!("value:{:04}", i % 10_000).as_bytes());
            (key, value)
        })
        .collect()
}

fn write(data: &[(Vec<u8>, Value)]) -> Vec<u8> {
    let out = Vec::with_capacity(32 * KEYS);
    let mut writer = RdbWriter::new(out, WriteOptions::default()).expect("in memory");
    writer.aux_fields(&AuxFields::default()).expect("in memory");
    writer
        .select_db(0, data.len() as u64, 0)
        .expect("in memory");
    for (key, value) in data {
        writer.entry(key, value, None).expect("in memory");
    }
    writer.finish().expect("in memory")
}

/// Counts what it is given, as a loader that only has to keep the values would.
#[derive(Default)]
struct Count(usize);

impl RdbSink for Count {
    fn entry(&mut self, entry: Entry) {
        self.0 += 1;
        black_box(entry);
    }
}

fn bench(c: &mut Criterion) {
    let data = dataset();
    let file = write(&data);
    eprintln!(
        "rdb: {KEYS} keys in {} bytes ({:.1} bytes/key)",
        file.len(),
        file.len() as f64 / KEYS as f64
    );
    let mut group = c.benchmark_group("rdb");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(file.len() as u64));
    group.bench_function("save_1M", |b| b.iter(|| black_box(write(&data))));
    group.bench_function("load_1M", |b| {
        b.iter(|| {
            let mut sink = Count::default();
            read_rdb(&file[..], &LoadLimits::default(), &mut sink).expect("valid file");
            assert_eq!(sink.0, KEYS);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
