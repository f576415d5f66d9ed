//! Loading speed on generated corpora of 10k and 100k cards: cards/s and MB/s for a full load on
//! all cores and with a one-thread pool, against merely reading the same files. (Memory held
//! after loading is `benches/memory.rs`.)
//!
//! `cargo bench --bench load`. The corpora are generated once under `target/bench-corpus/`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use rayon::prelude::*;
use tidings::corpus::load::{self, FileEntry, LoadOptions};

mod common;

fn read_only(files: &[FileEntry]) -> usize {
    files
        .par_iter()
        .map(|f| std::fs::read(&f.path).map_or(0, |b| b.len()))
        .sum()
}

fn bench_load(c: &mut Criterion) {
    for n in [10_000u64, 100_000] {
        let files = common::files(n);
        let bytes: u64 = files.iter().map(|f| f.size).sum();
        let mut group = c.benchmark_group(format!("load_{}k", n / 1000));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if n > 10_000 { 40 } else { 10 }));
        // Cards per second from criterion; MB/s is this many bytes over the same time.
        println!("load_{}k: {} files, {bytes} bytes", n / 1000, files.len());
        group.throughput(Throughput::Elements(n));
        group.bench_function("read_only", |b| b.iter(|| black_box(read_only(&files))));
        group.bench_function("load_all_cores", |b| {
            b.iter(|| black_box(load::load_all(&files, &LoadOptions::default()).corpus.len()))
        });
        if let Ok(one) = rayon::ThreadPoolBuilder::new().num_threads(1).build() {
            group.bench_function("load_one_thread", |b| {
                b.iter(|| {
                    one.install(|| {
                        black_box(load::load_all(&files, &LoadOptions::default()).corpus.len())
                    })
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_load);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
