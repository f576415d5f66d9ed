//! Drawing one frame of the reader at 120x40 with 100k generated cards loaded: the list, the
//! detail and the related pane, unfiltered and filtered.
//!
//! `cargo bench --bench draw`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{self, Msg, Options, State};
use tidings::config::Theme;
use tidings::corpus::load::{self, LoadOptions};
use tidings::search::syntax::{Clock, parse};
use tidings::search::worker::FilterResult;

mod common;

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn loaded_state() -> State {
    let files = common::files(100_000);
    let now = jiff::Timestamp::now();
    let (mut state, _) = State::new(120, 40, now, Options::default());
    load::stream(&files, &LoadOptions::default(), |event| {
        app::update(&mut state, Msg::from(event));
        true
    });
    state
}

fn bench_draw(c: &mut Criterion) {
    let mut state = loaded_state();
    let theme = Theme::default();
    let mut terminal = match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    c.bench_function("draw_120x40_100k", |b| {
        b.iter(|| {
            let _ = black_box(terminal.draw(|frame| tidings::ui::draw(frame, &state, &theme)));
        })
    });

    // Filtered, so each visible row also computes its highlighted characters.
    let effects = app::update(&mut state, Msg::User(tidings::action::Action::StartQuery));
    drop(effects);
    let mut generation = 0;
    for c in "learn".chars() {
        for effect in app::update(
            &mut state,
            Msg::User(tidings::action::Action::QueryInsert(c)),
        ) {
            if let app::Effect::Filter { generation: g, .. } = effect {
                generation = g;
            }
        }
    }
    let clock = Clock {
        now: state.now,
        zone: state.zone.clone(),
    };
    let q = match parse("learn", &clock) {
        Ok(q) => q,
        Err(e) => panic!("{e}"),
    };
    let found =
        tidings::search::worker::search_once(&q, state.corpus.cards(), state.corpus.epoch())
            .map(Arc::new);
    let epoch = state.corpus.epoch();
    app::update(
        &mut state,
        Msg::Filtered(FilterResult {
            covered: usize::MAX,
            generation,
            found,
            epoch,
        }),
    );
    c.bench_function("draw_120x40_100k_filtered", |b| {
        b.iter(|| {
            let _ = black_box(terminal.draw(|frame| tidings::ui::draw(frame, &state, &theme)));
        })
    });
}

criterion_group!(benches, bench_draw);
criterion_main!(benches);
