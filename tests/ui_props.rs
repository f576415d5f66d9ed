//! Property test: no sequence of keys, clicks and resizes makes `update()` or drawing panic, at
//! any terminal size, and nothing drawn from a card holds a control character.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::action::Action;
use tidings::app::{self, Effect, Msg, Options, State};
use tidings::corpus::Card;
use tidings::corpus::load::{self, LoadOptions, Progress};
use tidings::search::worker::FilterResult;

/// Demo, hostile and bad-but-loadable cards, loaded once for all cases.
fn cards() -> &'static Vec<Card> {
    static CARDS: OnceLock<Vec<Card>> = OnceLock::new();
    CARDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let paths = [
            "assets/demo",
            "tests/fixtures/hostile",
            "tests/fixtures/bad",
            "tests/fixtures/seeds",
        ]
        .map(|p| root.join(p));
        let (files, _) = load::discover(&paths).expect("fixtures exist");
        let loaded = load::load_all(&files, &LoadOptions::default());
        loaded
            .corpus
            .cards()
            .iter()
            .map(|(_, c)| c.clone())
            .collect()
    })
}

#[derive(Clone, Debug)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Click(u16, u16),
    Wheel(u16, u16, bool),
    Resize(u16, u16),
}

fn input() -> impl Strategy<Value = Input> {
    let code = prop_oneof![
        proptest::char::range(' ', '~').prop_map(KeyCode::Char),
        Just(KeyCode::Char('é')),
        Just(KeyCode::Char('日')),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Backspace),
        Just(KeyCode::Delete),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
    ];
    let modifiers = prop_oneof![
        4 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::CONTROL),
        1 => Just(KeyModifiers::SHIFT),
    ];
    prop_oneof![
        12 => (code, modifiers).prop_map(|(c, m)| Input::Key(c, m)),
        1 => (0u16..200, 0u16..80).prop_map(|(x, y)| Input::Click(x, y)),
        1 => (0u16..200, 0u16..80, any::<bool>()).prop_map(|(x, y, d)| Input::Wheel(x, y, d)),
        1 => (1u16..200, 1u16..70).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

fn apply(state: &mut State, msg: Msg) {
    for effect in app::update(state, msg) {
        if let Effect::Filter { generation, query } = effect {
            // Answer as the worker would, at once.
            let found = tidings::search::worker::search_once(
                &query,
                state.corpus.cards(),
                state.corpus.epoch(),
            )
            .map(Arc::new);
            let epoch = state.corpus.epoch();
            apply(
                state,
                Msg::Filtered(FilterResult {
                    covered: usize::MAX,
                    generation,
                    found,
                    epoch,
                }),
            );
        }
    }
}

fn draw_and_check(state: &State) {
    let mut terminal =
        Terminal::new(TestBackend::new(state.width, state.height)).expect("test backend");
    terminal
        .draw(|frame| tidings::ui::draw(frame, state, &tidings::config::Theme::default()))
        .expect("draws");
    for cell in terminal.backend().buffer().content() {
        let symbol = cell.symbol();
        assert!(
            !symbol.chars().any(|c| c.is_control()),
            "control character drawn: {symbol:?}"
        );
        assert!(!symbol.contains('\u{202e}'), "bidi override drawn");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_inputs_at_random_sizes_never_panic(
        width in 1u16..160,
        height in 1u16..60,
        batches in 1usize..4,
        inputs in proptest::collection::vec(input(), 0..60),
    ) {
        let now = "2026-11-23T12:00:00Z".parse().expect("time");
        let (mut state, _) = State::new(width, height, now, Options::default());
        let all = cards();
        let per = all.len().div_ceil(batches);
        for chunk in all.chunks(per.max(1)) {
            apply(&mut state, Msg::Loaded { cards: chunk.to_vec().into(), diagnostics: Vec::new(), progress: Progress::default() });
            draw_and_check(&state);
        }
        apply(&mut state, Msg::LoadDone);
        for input in inputs {
            let msg = match input {
                // Through the keymap as the reader reads keys, so held sequences are drawn too.
                Input::Key(code, modifiers) => Msg::Key(KeyEvent::new(code, modifiers)),
                Input::Click(column, row) => Msg::User(Action::Click { column, row }),
                Input::Wheel(column, row, down) => Msg::User(Action::Scroll { column, row, down }),
                Input::Resize(width, height) => Msg::Resize { width, height },
            };
            apply(&mut state, msg);
            draw_and_check(&state);
            if state.should_quit {
                break;
            }
        }
    }
}
