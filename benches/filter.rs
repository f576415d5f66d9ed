//! Time per keystroke while filtering 100k generated cards in the reader: typing `l`, `lu`,
//! `lup`, `lupu`, `lupus`, then deleting back to the empty query, each measured from the key's
//! `update()` to the list being ready (the background worker searches its word index, built
//! before the first key, and its result is applied), the
//! same path the reader takes. A fresh reader per round.
//!
//! `cargo bench --bench filter`. Prints each keystroke's median and worst, then over all.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings::action::Action;
use tidings::app::{self, Effect, Msg, Options, State};
use tidings::corpus::load::{self, LoadOptions};
use tidings::search::worker::{FilterRequest, FilterWorker, Report};

mod common;

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 10;

fn main() {
    let files = common::files(100_000);

    let keys: Vec<(&str, Action)> = "lupus"
        .chars()
        .map(|c| ("type", Action::QueryInsert(c)))
        .chain((0..5).map(|_| ("delete", Action::QueryBackspace)))
        .collect();
    let mut per_key: Vec<Vec<Duration>> = vec![Vec::new(); keys.len()];
    let mut labels = vec![String::new(); keys.len()];
    for _ in 0..ROUNDS {
        // Loaded afresh each round, as the reader loads: the cards lie in memory as they would.
        let (mut state, _) = State::new(120, 40, Timestamp::now(), Options::default());
        load::stream(&files, &LoadOptions::default(), |event| {
            app::update(&mut state, Msg::from(event));
            true
        });
        let (tx, rx) = mpsc::channel();
        let worker = FilterWorker::spawn(None, move |result| {
            let _ = tx.send(result);
        });
        // The reader indexes while loading; here the index is built before the first key.
        worker.catch_up(state.corpus.cards().clone(), state.corpus.epoch());
        loop {
            match rx.recv() {
                Ok(Report::Indexed(indexed)) if indexed.done => break,
                Ok(_) => continue,
                Err(_) => panic!("worker stopped"),
            }
        }
        app::update(&mut state, Msg::User(Action::StartQuery));
        for (i, (_, action)) in keys.iter().enumerate() {
            let started = Instant::now();
            for effect in app::update(&mut state, Msg::User(*action)) {
                if let Effect::Filter { generation, query } = effect {
                    worker.submit(FilterRequest {
                        generation,
                        query,
                        cards: state.corpus.cards().clone(),
                        epoch: state.corpus.epoch(),
                        marks: None,
                    });
                }
            }
            while state.filter.in_flight {
                match rx.recv() {
                    Ok(Report::Filtered(result)) => {
                        app::update(&mut state, Msg::Filtered(result));
                    }
                    Ok(Report::Indexed(indexed)) => {
                        app::update(&mut state, Msg::Indexed(indexed));
                    }
                    Ok(Report::Counted(_)) => {}
                    Err(_) => panic!("worker stopped"),
                }
            }
            per_key[i].push(started.elapsed());
            labels[i] = format!("{:?}", state.query.text);
        }
        assert!(state.filter.found.is_none() && state.list.view.len() == 100_000);
    }
    let mut all = Vec::new();
    for (label, times) in labels.iter().zip(&mut per_key) {
        times.sort();
        println!(
            "filter: {label:<8} median {:>7.2} ms  worst {:>7.2} ms",
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
        all.extend(times.iter().copied());
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
