//! Loading speed and memory on generated corpora of 10k and 100k cards: cards/s and MB/s for a
//! full load on all cores and on one, against merely reading the same files; and the heap held
//! once 100k cards are loaded, against the corpus's size on disk.
//!
//! `cargo bench --bench load`. The corpora are generated once under `target/bench-corpus/`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use rayon::prelude::*;
use tidings::corpus::load::{self, FileEntry, LoadOptions};

mod common;
use common as corpus;

/// Counts live heap bytes, so a benchmark can say what loading holds on to.
mod alloc {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Counting;

    static LIVE: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    pub fn live() -> usize {
        LIVE.load(Ordering::Relaxed)
    }
}

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

fn files(n: u64) -> Vec<FileEntry> {
    let dir = corpus::generated(n);
    match load::discover(&[dir]) {
        Ok((files, _)) => files,
        Err(e) => panic!("{e}"),
    }
}

fn read_only(files: &[FileEntry]) -> usize {
    files
        .par_iter()
        .map(|f| std::fs::read(&f.path).map_or(0, |b| b.len()))
        .sum()
}

fn bench_load(c: &mut Criterion) {
    for n in [10_000u64, 100_000] {
        let files = files(n);
        let bytes: u64 = files.iter().map(|f| f.size).sum();
        let mut group = c.benchmark_group(format!("load_{}k", n / 1000));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if n > 10_000 { 40 } else { 10 }));
        for (name, throughput) in [
            ("cards", Throughput::Elements(n)),
            ("bytes", Throughput::Bytes(bytes)),
        ] {
            group.throughput(throughput);
            group.bench_function(format!("read_only/{name}"), |b| {
                b.iter(|| black_box(read_only(&files)))
            });
            group.bench_function(format!("parse_all_cores/{name}"), |b| {
                b.iter(|| black_box(load::load_all(&files, &LoadOptions::default()).corpus.len()))
            });
            let one = rayon::ThreadPoolBuilder::new().num_threads(1).build();
            if let Ok(one) = one {
                group.bench_function(format!("parse_one_core/{name}"), |b| {
                    b.iter(|| {
                        one.install(|| {
                            black_box(load::load_all(&files, &LoadOptions::default()).corpus.len())
                        })
                    })
                });
            }
        }
        group.finish();
    }
}

/// Not a timing: the live heap after a load, printed for the closing note.
fn report_memory() {
    let files = files(100_000);
    let bytes: u64 = files.iter().map(|f| f.size).sum();
    let before = alloc::live();
    let started = Instant::now();
    let loaded = load::load_all(&files, &LoadOptions::default());
    let took = started.elapsed();
    let held = alloc::live().saturating_sub(before);
    println!(
        "memory: {} cards, corpus {:.1} MB on disk, heap held after loading {:.1} MB ({:.2} of the corpus size); one load took {:.2} s",
        loaded.corpus.len(),
        bytes as f64 / 1e6,
        held as f64 / 1e6,
        held as f64 / bytes as f64,
        took.as_secs_f64()
    );
    drop(loaded);
}

criterion_group!(benches, bench_load);

fn main() {
    report_memory();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
