//! Throughput of the RESP codec: request decoding (the server's read path), generic frame
//! decoding (a client reading replies) and reply encoding (the server's write path).
//!
//! Each workload is measured in two groups, `*_bytes` (MB/s) and `*_frames` or
//! `*_commands` (elements/s), because a criterion group has a single throughput unit.
//!
//! `cargo bench -p cedis-benches --bench resp -- --quick` for a fast run.

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use cedis_resp::{encode, Decoder, Frame, Protocol, RequestDecoder};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const PIPELINE: usize = 1000;

/// `PIPELINE` × `SET key:<i> value-<i>` as multibulk requests.
fn set_pipeline() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..PIPELINE {
        let key = format!("key:{i:06}");
        let value = format!("value-{i:06}-xxxxxxxxxxxxxxxx");
        out.extend_from_slice(
            format!(
                "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n{value}\r\n",
                key.len(),
                value.len()
            )
            .as_bytes(),
        );
    }
    out
}

/// A reply shaped like `XRANGE`/`HGETALL` output: an array of `[id, map of fields]`.
fn nested_reply() -> Frame {
    let entry = |i: usize| {
        Frame::Array(vec![
            Frame::Bulk(Bytes::from(format!("1700000000000-{i}"))),
            Frame::Map(
                (0..4)
                    .map(|f| {
                        (
                            Frame::Bulk(Bytes::from(format!("field{f}"))),
                            Frame::Bulk(Bytes::from(format!("value-{i}-{f}"))),
                        )
                    })
                    .collect(),
            ),
        ])
    };
    Frame::Array((0..PIPELINE).map(entry).collect())
}

fn count_frames(f: &Frame) -> u64 {
    1 + match f {
        Frame::Array(v) | Frame::Set(v) | Frame::Push(v) => v.iter().map(count_frames).sum(),
        Frame::Map(p) => p
            .iter()
            .map(|(k, v)| count_frames(k) + count_frames(v))
            .sum(),
        _ => 0,
    }
}

fn request_decode(c: &mut Criterion) {
    let input = set_pipeline();
    for (unit, throughput) in [
        ("bytes", Throughput::Bytes(input.len() as u64)),
        ("commands", Throughput::Elements(PIPELINE as u64)),
    ] {
        let mut g = c.benchmark_group(format!("request_decode_{unit}"));
        g.throughput(throughput);
        g.bench_function("set_pipeline_1000", |b| {
            b.iter(|| {
                let mut dec = RequestDecoder::default();
                let mut buf = BytesMut::from(&input[..]);
                let mut n = 0;
                while let Some(args) = dec.decode(&mut buf).unwrap() {
                    n += args.len();
                }
                black_box(n)
            })
        });
        // The same pipeline arriving in 4 KB reads, as from a socket.
        g.bench_function("set_pipeline_1000_4k_reads", |b| {
            b.iter(|| {
                let mut dec = RequestDecoder::default();
                let mut buf = BytesMut::with_capacity(16 * 1024);
                let mut n = 0;
                for chunk in input.chunks(4096) {
                    buf.extend_from_slice(chunk);
                    while let Some(args) = dec.decode(&mut buf).unwrap() {
                        n += args.len();
                    }
                }
                black_box(n)
            })
        });
        g.finish();
    }
}

fn frame_decode(c: &mut Criterion) {
    let reply = nested_reply();
    let frames = count_frames(&reply);
    for proto in [Protocol::Resp2, Protocol::Resp3] {
        let mut bytes = BytesMut::new();
        reply.encode(&mut bytes, proto);
        let bytes = bytes.freeze();
        for (unit, throughput) in [
            ("bytes", Throughput::Bytes(bytes.len() as u64)),
            ("frames", Throughput::Elements(frames)),
        ] {
            let mut g = c.benchmark_group(format!("frame_decode_{unit}"));
            g.throughput(throughput);
            g.bench_with_input(
                BenchmarkId::new("nested_reply", format!("{proto:?}")),
                &bytes,
                |b, bytes| {
                    b.iter(|| {
                        let mut buf = BytesMut::from(&bytes[..]);
                        black_box(Decoder::default().decode(&mut buf).unwrap())
                    })
                },
            );
            g.finish();
        }
    }
}

fn reply_encode(c: &mut Criterion) {
    let reply = nested_reply();
    let frames = count_frames(&reply);
    for proto in [Protocol::Resp2, Protocol::Resp3] {
        let mut sized = BytesMut::new();
        reply.encode(&mut sized, proto);
        let len = sized.len();
        for (unit, throughput) in [
            ("bytes", Throughput::Bytes(len as u64)),
            ("frames", Throughput::Elements(frames)),
        ] {
            let mut g = c.benchmark_group(format!("encode_{unit}"));
            g.throughput(throughput);
            g.bench_function(
                BenchmarkId::new("nested_reply", format!("{proto:?}")),
                |b| {
                    let mut buf = BytesMut::with_capacity(len);
                    b.iter(|| {
                        buf.clear();
                        reply.encode(&mut buf, proto);
                        black_box(buf.len())
                    })
                },
            );
            g.finish();
        }
    }
    // The server's hottest replies, through the free functions.
    let mut g = c.benchmark_group("encode_replies");
    g.throughput(Throughput::Elements(4 * PIPELINE as u64));
    g.bench_function("ok_int_bulk_double_x1000", |b| {
        let mut buf = BytesMut::with_capacity(64 * 1024);
        b.iter(|| {
            buf.clear();
            for i in 0..PIPELINE {
                encode::write_simple(&mut buf, b"OK");
                encode::write_integer(&mut buf, i as i64 * 7919);
                encode::write_bulk(&mut buf, b"value-000000-xxxxxxxxxxxxxxxx");
                encode::write_double(&mut buf, Protocol::Resp3, i as f64 / 3.0);
            }
            black_box(buf.len())
        })
    });
    g.finish();
}

criterion_group!(benches, request_decode, frame_decode, reply_encode);
criterion_main!(benches);
