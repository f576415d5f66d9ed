//! The word index on its own, on N generated realistic cards (default 100,000): how long it takes
//! to build (one core's indexing thread, as the reader's worker runs it), its size against the
//! cards' bytes on disk, and how long matching takes per query, from the query to the ranked
//! hits, without the terminal (the keystroke benchmark measures what a person sees).
//!
//! ```text
//! cargo bench --bench index [-- --cards N]
//! ```

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use tidings::search::engine::{find, warm};
use tidings::search::index::WordIndex;
use tidings::search::syntax::{Clock, Scope, parse};

mod common;

const RUNS: usize = 9;
const QUERIES: [&str; 12] = [
    "m",
    "c",
    "cl",
    "climate",
    "climate c",
    "climate change",
    "telscope",
    "tlscp",
    "qxzvj",
    "provider:p",
    "climate since:2025-06",
    "quality:>90 !heat:unknown",
];

fn main() {
    let mut cards = 100_000;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--cards" {
            cards = args.next().and_then(|n| n.parse().ok()).unwrap_or(cards);
        }
    }
    let dir = common::generated(cards);
    let files = common::files(cards);
    let bytes_on_disk: u64 = files.iter().map(|f| f.size).sum();
    let corpus = tidings::corpus::load::load_all(&files, &Default::default()).corpus;
    println!(
        "index: {} realistic cards in {}",
        corpus.len(),
        dir.display()
    );

    let started = Instant::now();
    let mut index = match WordIndex::new() {
        Ok(index) => index,
        Err(e) => panic!("{e}"),
    };
    index.catch_up(corpus.cards(), corpus.epoch(), usize::MAX);
    let handed = started.elapsed();
    if let Err(e) = index.commit(true) {
        panic!("{e}");
    }
    let built = started.elapsed();
    println!(
        "index: documents handed to the indexing thread in {} ms",
        handed.as_millis()
    );
    // The merge into one segment runs on tantivy's threads; wait for it, as the reader does.
    let merging = Instant::now();
    while index.segments().len() > 1 && merging.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
        let _ = index.refresh();
    }
    let index_bytes = index.bytes().unwrap_or(0);
    println!(
        "index: built in {} ms (then merged in {} ms); {:.1} MiB, {:.3}x the cards' {:.1} MiB",
        built.as_millis(),
        merging.elapsed().as_millis(),
        index_bytes as f64 / 1048576.0,
        index_bytes as f64 / bytes_on_disk as f64,
        bytes_on_disk as f64 / 1048576.0,
    );
    for first in ('a'..='z').chain('0'..='9') {
        warm(
            &index,
            corpus.cards(),
            Scope::Any,
            &first.to_string(),
            &|| false,
        );
    }

    let clock = Clock {
        now: jiff::Timestamp::now(),
        zone: jiff::tz::TimeZone::UTC,
    };
    let never = AtomicBool::new(false);
    for text in QUERIES {
        let query = match parse(text, &clock) {
            Ok(q) => q,
            Err(e) => panic!("{text}: {e}"),
        };
        let mut times = Vec::new();
        let mut found = None;
        for _ in 0..RUNS {
            let t = Instant::now();
            found = find(&query, &index, corpus.cards(), None, &never);
            times.push(t.elapsed());
        }
        times.sort();
        let found = found.unwrap_or_default();
        println!(
            "index: {:<28} {:>7} matches {:>5} approximate: median {:>6.2} ms, worst {:>6.2} ms",
            format!("{text:?}"),
            found.words,
            found.approximate(),
            times[RUNS / 2].as_secs_f64() * 1000.0,
            times[RUNS - 1].as_secs_f64() * 1000.0,
        );
    }
}
