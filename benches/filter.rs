//! Time per keystroke while filtering 100k generated cards: typing `l`, `lu`, `lup`, `lupu`,
//! `lupus`, then deleting back to `l`, each measured from the request to the ranked results,
//! through the same background worker (and its cache) the reader uses. A fresh worker per round,
//! so the first `l` always ranks the whole corpus.
//!
//! `cargo bench --bench filter`. Prints every keystroke's time, the median and the worst.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use tidings::corpus::load::{self, LoadOptions};
use tidings::search::query;
use tidings::search::worker::{FilterRequest, FilterWorker};

mod common;

const ROUNDS: usize = 10;
const KEYSTROKES: [&str; 9] = ["l", "lu", "lup", "lupu", "lupus", "lupu", "lup", "lu", "l"];

fn main() {
    let dir = common::generated(100_000);
    let files = match load::discover(&[dir]) {
        Ok((files, _)) => files,
        Err(e) => panic!("{e}"),
    };
    let loaded = load::load_all(&files, &LoadOptions::default());
    let cards = loaded.corpus.cards.clone();
    println!("filter: {} cards loaded", cards.len());

    let mut all: Vec<Duration> = Vec::new();
    let mut per_key: Vec<Vec<Duration>> = vec![Vec::new(); KEYSTROKES.len()];
    for _ in 0..ROUNDS {
        let (tx, rx) = mpsc::channel();
        let worker = FilterWorker::spawn(move |result| {
            let _ = tx.send(result);
        });
        for (generation, text) in (1u64..).zip(KEYSTROKES) {
            let query = match query::parse(text) {
                Ok(q) => q,
                Err(e) => panic!("{e}"),
            };
            let started = Instant::now();
            worker.submit(FilterRequest {
                generation,
                query,
                cards: cards.clone(),
            });
            loop {
                match rx.recv() {
                    Ok(result) if result.generation == generation => break,
                    Ok(_) => continue,
                    Err(_) => panic!("worker stopped"),
                }
            }
            let took = started.elapsed();
            all.push(took);
            per_key[generation as usize - 1].push(took);
        }
    }
    for (key, times) in KEYSTROKES.iter().zip(&per_key) {
        let mut times = times.clone();
        times.sort();
        println!(
            "filter: {:<6} median {:>7.2} ms  worst {:>7.2} ms",
            key,
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
    }
    all.sort();
    println!(
        "filter: per keystroke over {} keystrokes: median {:.2} ms, worst {:.2} ms",
        all.len(),
        ms(all[all.len() / 2]),
        ms(all[all.len() - 1])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
