//! Render snapshots: the reader drawn on a `TestBackend` at several sizes, for each state a user
//! meets (list, filter, no matches, detail, related, help, loading, problems), plus hostile
//! cards checked cell by cell for anything a terminal would act on.
//!
//! Pictures are plain text, one line per row, drawn in the monochrome theme (NO_COLOR's); a
//! separate check proves that it draws no colour at all and the colour themes do. Time is pinned (a fixed `now`, local times in UTC) so
//! the snapshots are the same on every machine.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

use tidings::action::Action;
use tidings::app::{Effect, Msg, Options, Pane, State, update};
use tidings::config::{Theme, ThemeName};
use tidings::corpus::load::{self, FileEntry, LoadEvent, LoadOptions, Progress};
use tidings::corpus::{Card, demo};
use tidings::search::worker::FilterResult;
use tidings::ui;

const SIZES: [(u16, u16); 4] = [(120, 40), (80, 24), (40, 12), (20, 6)];

fn now() -> Timestamp {
    "2026-11-23T12:00:00Z".parse().expect("fixed now")
}

fn new_state(width: u16, height: u16) -> State {
    let (state, effects) = State::new(width, height, now(), Options::default());
    assert!(effects.is_empty());
    state
}

/// Paths relative to the package root (where `cargo test` runs), so they read the same in
/// snapshots on every machine.
fn fixture_files(sub: &str) -> Vec<FileEntry> {
    let (files, walk) = load::discover(&[PathBuf::from("tests/fixtures").join(sub)])
        .expect("fixture folder exists");
    assert!(walk.is_empty(), "{walk:?}");
    files
}

/// Carries out the effects a test cares about: filtering, as the worker would.
fn run(state: &mut State, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Filter { generation, query } = effect {
            let found = tidings::search::worker::search_once(
                &query,
                state.corpus.cards(),
                state.corpus.epoch(),
            )
            .map(Arc::new);
            let epoch = state.corpus.epoch();
            let more = update(
                state,
                Msg::Filtered(FilterResult {
                    covered: usize::MAX,
                    generation,
                    found,
                    epoch,
                }),
            );
            run(state, more);
        }
    }
}

fn load_into(state: &mut State, files: &[FileEntry]) {
    let mut events = Vec::new();
    load::stream(files, &LoadOptions::default(), |event| {
        events.push(event);
        true
    });
    for event in events {
        let effects = match event {
            LoadEvent::Batch {
                cards,
                diagnostics,
                progress,
            } => update(
                state,
                Msg::Loaded {
                    cards: cards.into(),
                    diagnostics,
                    progress,
                },
            ),
            LoadEvent::Done { .. } => update(state, Msg::LoadDone),
        };
        run(state, effects);
    }
}

fn act(state: &mut State, action: Action) {
    let effects = update(state, Msg::User(action));
    run(state, effects);
}

fn type_query(state: &mut State, query: &str) {
    act(state, Action::StartQuery);
    for c in query.chars() {
        act(state, Action::QueryInsert(c));
    }
}

fn demo_state(width: u16, height: u16) -> State {
    let mut state = new_state(width, height);
    load_into(&mut state, &demo::files());
    state
}

/// The state drawn in the monochrome theme, as every picture is.
fn draw(state: &State) -> Buffer {
    draw_in(state, &Theme::named(ThemeName::Monochrome))
}

fn draw_in(state: &State, theme: &Theme) -> Buffer {
    let backend = TestBackend::new(state.width, state.height);
    let mut terminal = Terminal::new(backend).expect("test backend");
    terminal
        .draw(|frame| ui::draw(frame, state, theme))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer as text, one line per row. The cell after a wide character holds nothing the
/// terminal shows, so it is skipped.
fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut skip = 0;
        let mut row = String::new();
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer.cell((x, y)).map_or(" ", |c| c.symbol());
            skip = symbol.width().saturating_sub(1);
            row.push_str(symbol);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

/// What every picture must satisfy: nothing a terminal acts on in any cell, and no colour
/// when colour is off.
fn check_cells(buffer: &Buffer, color: bool) {
    for cell in &buffer.content {
        let symbol = cell.symbol();
        assert!(
            !symbol.chars().any(|c| c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{ad}')),
            "unsafe cell {symbol:?}"
        );
        if !color {
            assert_eq!(cell.fg, Color::Reset, "colour drawn with NO_COLOR");
            assert_eq!(cell.bg, Color::Reset, "colour drawn with NO_COLOR");
        }
    }
}

fn snapshot(name: &str, state: &State) {
    let buffer = draw(state);
    check_cells(&buffer, false);
    let text = buffer_text(&buffer);
    insta::assert_snapshot!(format!("{name}_{}x{}", state.width, state.height), text);
}

fn each_size(name: &str, build: impl Fn(u16, u16) -> State) {
    for (w, h) in SIZES {
        snapshot(name, &build(w, h));
    }
}

/// Row of the first card in the view for which `want` holds.
fn row_where(state: &State, want: impl Fn(&State, &Card) -> bool) -> usize {
    state
        .list
        .view
        .iter()
        .position(|ix| state.corpus.get(*ix).is_some_and(|c| want(state, c)))
        .expect("a card to select")
}

fn select_row(state: &mut State, row: usize) {
    act(state, Action::Top);
    for _ in 0..row {
        act(state, Action::MoveDown);
    }
    assert_eq!(state.list.row, row);
}

#[test]
fn list() {
    each_size("list", demo_state);
}

/// Under each row with highlighted cells, a row of `^` marking them: highlights are styles,
/// which the text picture alone would not show.
fn highlight_map(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut marks = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let Some(cell) = buffer.cell((x, y)) else {
                continue;
            };
            let w = cell.symbol().width().max(1);
            skip = w - 1;
            let mark = if cell
                .modifier
                .contains(Modifier::BOLD | Modifier::UNDERLINED)
            {
                '^'
            } else {
                ' '
            };
            marks.extend(std::iter::repeat_n(mark, w));
        }
        if marks.contains('^') {
            out.push_str(&format!("{y:>2} {}\n", marks.trim_end()));
        }
    }
    out
}

#[test]
fn filtered_with_highlights() {
    for (w, h) in SIZES {
        let mut state = demo_state(w, h);
        type_query(&mut state, "heat");
        assert!(
            state
                .filter
                .found
                .as_ref()
                .is_some_and(|f| !f.hits.is_empty())
        );
        let buffer = draw(&state);
        check_cells(&buffer, false);
        let text = format!(
            "{}--- highlighted cells (row: marks) ---\n{}",
            buffer_text(&buffer),
            highlight_map(&buffer)
        );
        insta::assert_snapshot!(format!("filtered_{w}x{h}"), text);
    }
}

/// Highlights do not show in the text pictures: the matched cells of the top row are bold and
/// underlined (NO_COLOR's highlight) and spell the query.
#[test]
fn matched_characters_are_highlighted() {
    let mut state = demo_state(120, 40);
    type_query(&mut state, "heat");
    let buffer = draw(&state);
    let list = state.areas().list.expect("wide layout shows the list");
    let marked: String = (list.x..list.right())
        .filter_map(|x| buffer.cell((x, list.y + 1)))
        .filter(|c| c.modifier.contains(Modifier::BOLD | Modifier::UNDERLINED))
        .map(|c| c.symbol().to_lowercase())
        .collect();
    assert_eq!(marked, "heat");
}

#[test]
fn filter_kept_while_browsing() {
    each_size("filter_kept", |w, h| {
        let mut state = demo_state(w, h);
        type_query(&mut state, "heat");
        act(&mut state, Action::QueryAccept);
        act(&mut state, Action::MoveDown);
        state
    });
}

#[test]
fn no_matches() {
    each_size("no_matches", |w, h| {
        let mut state = demo_state(w, h);
        type_query(&mut state, "zzqqxxj");
        assert!(state.list.view.is_empty());
        state
    });
}

#[test]
fn query_error() {
    each_size("query_error", |w, h| {
        let mut state = demo_state(w, h);
        // "heat " parses; the open quote does not, so the list keeps the matches for "heat".
        type_query(&mut state, "heat \"pu");
        assert!(state.query.error.is_some());
        state
    });
}

/// The first card with related entries both in and outside the corpus, and backlinks.
fn linked_card(state: &State, card: &Card) -> bool {
    let Some(ix) = state
        .corpus
        .cards()
        .iter()
        .find(|(_, c)| c.id == card.id)
        .map(|(ix, _)| ix)
    else {
        return false;
    };
    let targets = state.corpus.targets(ix);
    targets.iter().any(Option::is_some)
        && targets.iter().any(Option::is_none)
        && !state.corpus.backlinks(ix).is_empty()
        && card.body().is_none()
}

#[test]
fn detail() {
    each_size("detail", |w, h| {
        let mut state = demo_state(w, h);
        let row = row_where(&state, linked_card);
        select_row(&mut state, row);
        act(&mut state, Action::Activate);
        assert_eq!(state.focus, Pane::Detail);
        state
    });
}

#[test]
fn detail_scrolled() {
    each_size("detail_scrolled", |w, h| {
        let mut state = demo_state(w, h);
        act(&mut state, Action::Activate);
        for _ in 0..8 {
            act(&mut state, Action::MoveDown);
        }
        state
    });
}

#[test]
fn related() {
    each_size("related", |w, h| {
        let mut state = demo_state(w, h);
        let row = row_where(&state, linked_card);
        select_row(&mut state, row);
        act(&mut state, Action::FocusNext);
        act(&mut state, Action::FocusNext);
        assert_eq!(state.focus, Pane::Related);
        act(&mut state, Action::MoveDown);
        state
    });
}

#[test]
fn help_overlay() {
    each_size("help", |w, h| {
        let mut state = demo_state(w, h);
        act(&mut state, Action::ToggleHelp);
        state
    });
}

#[test]
fn loading() {
    each_size("loading", |w, h| {
        let mut state = new_state(w, h);
        let loaded = load::load_all(&demo::files(), &LoadOptions::default());
        let cards: Vec<Card> = loaded
            .corpus
            .cards()
            .iter()
            .take(5)
            .map(|(_, c)| c.clone())
            .collect();
        let effects = update(
            &mut state,
            Msg::Loaded {
                cards: cards.into(),
                diagnostics: Vec::new(),
                progress: Progress {
                    files_done: 5,
                    files_total: 36,
                    bytes_done: 5_000,
                    bytes_total: 36_000,
                },
            },
        );
        run(&mut state, effects);
        state
    });
}

#[test]
fn loading_before_any_card() {
    each_size("loading_empty", new_state);
}

#[test]
fn diagnostics_overlay() {
    each_size("diagnostics", |w, h| {
        let mut state = new_state(w, h);
        load_into(&mut state, &fixture_files("bad"));
        assert!(!state.diagnostics.is_empty());
        act(&mut state, Action::ToggleDiagnostics);
        state
    });
}

#[test]
fn diagnostics_status_row() {
    let mut state = new_state(80, 24);
    load_into(&mut state, &fixture_files("bad"));
    snapshot("bad_corpus_list", &state);
}

/// The hostile card drawn in every pane, at every size: every cell safe, every border whole.
#[test]
fn hostile_cards_draw_as_plain_text() {
    for (w, h) in SIZES {
        for focus_steps in 0..3 {
            let mut state = new_state(w, h);
            load_into(&mut state, &fixture_files("hostile"));
            for name in ["osc_and_clear.txt", "bidi_zero_width.txt", "bad_urls.txt"] {
                let row = row_where(&state, |_, c| c.path.file_name().is_some_and(|n| n == name));
                select_row(&mut state, row);
                for _ in 0..focus_steps {
                    act(&mut state, Action::FocusNext);
                }
                let buffer = draw(&state);
                check_cells(&buffer, false);
                check_borders(&state, &buffer);
                if name == "osc_and_clear.txt" {
                    snapshot(&format!("hostile_focus{focus_steps}"), &state);
                }
                state.focus = Pane::List;
            }
        }
    }
}

/// Each shown pane's left and right borders run unbroken from corner to corner.
fn check_borders(state: &State, buffer: &Buffer) {
    let areas = state.areas();
    for rect in [areas.list, areas.detail, areas.related]
        .into_iter()
        .flatten()
    {
        let Rect {
            x,
            y,
            width,
            height,
        } = rect;
        if width < 2 || height < 2 {
            continue;
        }
        let symbol = |cx: u16, cy: u16| buffer.cell((cx, cy)).map_or("", |c| c.symbol());
        for cy in y + 1..y + height - 1 {
            for cx in [x, x + width - 1] {
                assert!(
                    matches!(symbol(cx, cy), "│" | "┃"),
                    "border broken at {cx},{cy}: {:?}\n{}",
                    symbol(cx, cy),
                    buffer_text(buffer)
                );
            }
        }
        for (cx, cy) in [(x, y), (x + width - 1, y), (x, y + height - 1)] {
            assert!(
                matches!(symbol(cx, cy), "┌" | "┐" | "└" | "┏" | "┓" | "┗"),
                "corner broken at {cx},{cy}\n{}",
                buffer_text(buffer)
            );
        }
    }
}

#[test]
fn colour_themes_use_colour_and_monochrome_none() {
    let state = demo_state(120, 40);
    for name in ThemeName::ALL {
        let theme = Theme::named(name);
        let buffer = draw_in(&state, &theme);
        check_cells(&buffer, theme.color);
        assert_eq!(
            buffer.content.iter().any(|c| c.fg != Color::Reset),
            theme.color,
            "{name}"
        );
    }
}

/// Drawing never panics, whatever the size, the focus or the overlay, including a frame whose
/// size the state has not heard of yet.
#[test]
fn any_size_draws() {
    let widths = [0, 1, 5, 19, 20, 21, 39, 40, 41, 60, 89, 90, 91, 120, 250];
    let heights = [0, 1, 2, 5, 6, 7, 10, 24, 40, 80];
    let base = demo_state(120, 40);
    for w in widths {
        for h in heights {
            let mut state = demo_state(w, h);
            for step in 0..6 {
                match step {
                    1 => act(&mut state, Action::FocusNext),
                    2 => act(&mut state, Action::FocusNext),
                    3 => act(&mut state, Action::ToggleHelp),
                    4 => {
                        act(&mut state, Action::CloseOverlay);
                        act(&mut state, Action::ToggleDiagnostics);
                    }
                    5 => {
                        act(&mut state, Action::CloseOverlay);
                        type_query(&mut state, "a title:");
                    }
                    _ => {}
                }
                check_cells(&draw(&state), false);
            }
            // The frame disagrees with the state's idea of the size.
            let backend = TestBackend::new(w, h);
            let mut terminal = Terminal::new(backend).expect("test backend");
            for name in ThemeName::ALL {
                terminal
                    .draw(|frame| ui::draw(frame, &base, &Theme::named(name)))
                    .expect("draw");
            }
        }
    }
}

#[test]
fn detail_rows_fit_their_width() {
    let state = demo_state(120, 40);
    for (ix, card) in state.corpus.cards().iter() {
        let extras = state.corpus.extras(ix).expect("a live card");
        for width in [0, 1, 10, 29, 30, 52, 200] {
            for row in tidings::view::detail::rows(card, &extras, width, &state.detail_look()) {
                assert!(row.width() <= width.max(1), "{row:?} wider than {width}");
            }
        }
    }
}

/// A card from a few YAML lines; `n` makes its file name, id and URL unique.
fn yaml_card(n: u64, fields: &str) -> Card {
    let text = format!("---\nwebUrl: \"https://news.example/{n}\"\n{fields}\n---\n");
    let name = format!("{n:03}_{n:016x}.txt");
    let parsed = tidings::corpus::parse::parse_card(
        text.as_bytes(),
        &std::path::Path::new(&name).into(),
        std::path::Path::new(&name),
        &tidings::corpus::intern::Interner::default(),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed.card.expect("a card")
}

/// A card dated ahead of the clock reads `in 3d` in the list and the detail alike, and every
/// missing value is one mark, `—`, right-aligned in its cell.
#[test]
fn future_dates_and_missing_values() {
    let mut state = new_state(120, 16);
    let cards = vec![
        yaml_card(
            1,
            "title: \"Launch window opens\"\npublishedDateTime: 2026-11-26T12:00:00Z\n\
             quality: 80\nheat: 12\nprovider: {name: Space Agency}",
        ),
        yaml_card(2, "title: \"Nothing known about this one\"\nheat: -1"),
        yaml_card(
            3,
            "title: \"Yesterday's news\"\npublishedDateTime: 2026-11-22T12:00:00Z\nquality: 5\n\
             related:\n  - title: \"Launch window opens\"\n    webUrl: \"https://news.example/1\"",
        ),
    ];
    let effects = update(
        &mut state,
        Msg::Loaded {
            cards: cards.into(),
            diagnostics: Vec::new(),
            progress: Progress {
                files_done: 3,
                files_total: 3,
                ..Progress::default()
            },
        },
    );
    run(&mut state, effects);
    update(&mut state, Msg::LoadDone);
    snapshot("future_and_missing", &state);
    act(&mut state, Action::MoveDown);
    snapshot("future_and_missing_detail", &state);
}

/// The footer gives up its least essential hints first: help and quit stay to the last.
#[test]
fn narrow_footers_keep_help_and_quit() {
    for width in [20, 30, 40, 50, 60] {
        let state = demo_state(width, 12);
        let footer = buffer_text(&draw(&state))
            .lines()
            .last()
            .unwrap_or_default()
            .to_string();
        if width >= 30 {
            assert!(footer.contains("? help"), "{width}: {footer}");
        }
        assert!(footer.contains("q quit"), "{width}: {footer}");
    }
}
