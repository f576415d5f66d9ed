//! What loading holds on to: the live heap and the resident set after loading 100k generated
//! cards, against the corpus's size on disk. Not a timing; prints one line for the notes.
//!
//! `cargo bench --bench memory`.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

use tidings::corpus::load::{self, LoadOptions};

mod common;

/// The binary's allocator, counting the bytes live at any moment.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Resident set size in bytes, from /proc (Linux); 0 elsewhere.
fn resident() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

fn main() {
    let files = common::files(100_000);
    let bytes: u64 = files.iter().map(|f| f.size).sum();
    let heap_before = LIVE.load(Ordering::Relaxed);
    let rss_before = resident();
    let loaded = load::load_all(&files, &LoadOptions::default());
    let held = LIVE.load(Ordering::Relaxed).saturating_sub(heap_before);
    let rss = resident().saturating_sub(rss_before);
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "memory: {} cards, corpus {:.1} MB on disk; held after loading: live heap {:.1} MB ({:.2} of the corpus), resident set grew {:.1} MB ({:.2})",
        loaded.corpus.len(),
        mb(bytes),
        mb(held as u64),
        held as f64 / bytes as f64,
        mb(rss),
        rss as f64 / bytes as f64,
    );
}
