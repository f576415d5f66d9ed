//! `update()` tests: messages in, state and effects out; no terminal, no threads.

use std::path::Path;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use tidings::action::Action;
use tidings::app::{self, Effect, Msg, Options, Pane, State};
use tidings::corpus::id::IdArg;
use tidings::corpus::intern::Interner;
use tidings::corpus::load::Progress;
use tidings::corpus::parse::parse_card;
use tidings::corpus::{Card, CardId};
use tidings::search::sort::SortKey;
use tidings::search::worker::FilterResult;

fn now() -> jiff::Timestamp {
    "2026-11-23T12:00:00Z".parse().expect("time")
}

/// A card from a few YAML lines; `n` makes its file name, id and URL unique.
fn card(n: u64, fields: &str) -> Card {
    let text = format!("---\nwebUrl: \"https://news.example/{n}\"\n{fields}\n---\n");
    let name = format!("{n:03}_{n:016x}.txt");
    let parsed = parse_card(
        text.as_bytes(),
        &Path::new(&name).into(),
        Path::new(&name),
        &Interner::default(),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed.card.expect("a card")
}

fn dated(n: u64, title: &str, date: &str) -> Card {
    card(n, &format!("title: \"{title}\"\npublishedDateTime: {date}"))
}

fn state_with(cards: Vec<Card>) -> State {
    let (mut state, effects) = State::new(120, 40, now(), Options::default());
    assert!(effects.is_empty());
    load(&mut state, cards);
    app::update(&mut state, Msg::LoadDone);
    state
}

fn load(state: &mut State, cards: Vec<Card>) -> Vec<Effect> {
    let n = cards.len();
    app::update(
        state,
        Msg::Loaded {
            cards: cards.into(),
            diagnostics: Vec::new(),
            progress: Progress {
                files_done: n,
                files_total: n,
                ..Progress::default()
            },
        },
    )
}

fn user(state: &mut State, action: Action) -> Vec<Effect> {
    app::update(state, Msg::User(action))
}

fn titles(state: &State) -> Vec<String> {
    state
        .list
        .view
        .iter()
        .filter_map(|ix| state.corpus.get(*ix))
        .map(|c| c.display_title().to_string())
        .collect()
}

fn selected_title(state: &State) -> Option<String> {
    state.selected_card().map(|c| c.display_title().to_string())
}

/// Types a query and answers the last filter request as the worker would.
fn filter(state: &mut State, text: &str) {
    user(state, Action::StartQuery);
    let mut last = None;
    for c in text.chars() {
        for effect in user(state, Action::QueryInsert(c)) {
            if let Effect::Filter { generation, query } = effect {
                last = Some((generation, query));
            }
        }
    }
    let (generation, query) = last.expect("typing asks for a filter");
    answer(state, generation, &query);
}

fn answer(state: &mut State, generation: u64, query: &tidings::search::syntax::Query) {
    let found =
        tidings::search::worker::search_once(query, state.corpus.cards(), state.corpus.epoch())
            .map(Arc::new);
    let epoch = state.corpus.epoch();
    app::update(
        state,
        Msg::Filtered(FilterResult {
            covered: usize::MAX,
            generation,
            found,
            epoch,
        }),
    );
}

#[test]
fn the_list_is_newest_first_and_the_selection_survives_new_batches() {
    let (mut state, _) = State::new(120, 40, now(), Options::default());
    load(
        &mut state,
        vec![
            dated(1, "old", "2020-01-01T00:00:00Z"),
            dated(2, "mid", "2022-01-01T00:00:00Z"),
        ],
    );
    assert_eq!(titles(&state), ["mid", "old"]);
    user(&mut state, Action::MoveDown);
    assert_eq!(selected_title(&state).as_deref(), Some("old"));
    // A newer card arrives above the selection: the selection stays on "old".
    load(&mut state, vec![dated(3, "new", "2024-01-01T00:00:00Z")]);
    assert_eq!(titles(&state), ["new", "mid", "old"]);
    assert_eq!(selected_title(&state).as_deref(), Some("old"));
    assert!(state.loading.is_some());
    app::update(&mut state, Msg::LoadDone);
    assert!(state.loading.is_none());
}

#[test]
fn sort_cycles_and_keeps_the_selected_card() {
    let mut state = state_with(vec![
        card(
            1,
            "title: b\nquality: 10\nheat: -1\npublishedDateTime: 2024-01-03T00:00:00Z\nprovider: {name: Zeta}",
        ),
        card(
            2,
            "title: a\nquality: 90\nheat: 5\npublishedDateTime: 2024-01-01T00:00:00Z\nprovider: {name: Alpha}",
        ),
        card(
            3,
            "title: c\nquality: 50\nheat: 50\npublishedDateTime: 2024-01-02T00:00:00Z\nprovider: {name: mid}",
        ),
    ]);
    assert_eq!(state.effective_sort(), SortKey::Date);
    assert_eq!(titles(&state), ["b", "c", "a"]);
    user(&mut state, Action::MoveDown); // on "c"
    user(&mut state, Action::CycleSort);
    assert_eq!(state.effective_sort(), SortKey::Quality);
    assert_eq!(titles(&state), ["a", "c", "b"]);
    assert_eq!(selected_title(&state).as_deref(), Some("c"));
    user(&mut state, Action::CycleSort);
    assert_eq!(titles(&state), ["c", "a", "b"], "heat, unknown (-1) last");
    user(&mut state, Action::CycleSort);
    assert_eq!(titles(&state), ["a", "b", "c"], "title");
    user(&mut state, Action::CycleSort);
    assert_eq!(
        titles(&state),
        ["a", "c", "b"],
        "provider, case-insensitive"
    );
    user(&mut state, Action::CycleSort);
    assert_eq!(
        state.effective_sort(),
        SortKey::Date,
        "no relevance without a filter"
    );
    // The status row names the order: a notice saying it too would repeat it.
    assert_eq!(state.notice, None);
}

#[test]
fn typing_filters_in_the_background_and_stale_answers_are_dropped() {
    let mut state = state_with(vec![
        dated(1, "Lupus research advances", "2020-01-01T00:00:00Z"),
        dated(2, "Glacier melt", "2024-01-01T00:00:00Z"),
        dated(3, "Lupus trial results", "2023-01-01T00:00:00Z"),
    ]);
    user(&mut state, Action::StartQuery);
    let first = user(&mut state, Action::QueryInsert('l'));
    let Some(Effect::Filter {
        generation: g1,
        query: q1,
    }) = first.first().cloned()
    else {
        panic!("no filter request: {first:?}");
    };
    let second = user(&mut state, Action::QueryInsert('u'));
    let Some(Effect::Filter {
        generation: g2,
        query: q2,
    }) = second.first().cloned()
    else {
        panic!("no filter request: {second:?}");
    };
    assert!(g2 > g1);
    assert!(state.filter.in_flight);
    // The answer to "l" arrives late: ignored.
    answer(&mut state, g1, &q1);
    assert_eq!(titles(&state).len(), 3);
    assert!(state.filter.in_flight);
    answer(&mut state, g2, &q2);
    assert!(!state.filter.in_flight);
    assert_eq!(
        titles(&state),
        ["Lupus trial results", "Lupus research advances"]
    );
    assert_eq!(state.effective_sort(), SortKey::Relevance);
    assert_eq!(state.list.row, 0, "a new query selects its best match");
    // Enter keeps the filter; Esc clears it.
    user(&mut state, Action::QueryAccept);
    assert!(!state.query.editing);
    assert_eq!(titles(&state).len(), 2);
    user(&mut state, Action::QueryClear);
    assert_eq!(titles(&state).len(), 3);
    assert_eq!(state.query.text, "");
}

#[test]
fn an_unparseable_query_says_why_and_keeps_the_list() {
    let mut state = state_with(vec![
        dated(1, "Lupus", "2020-01-01T00:00:00Z"),
        dated(2, "Other", "2021-01-01T00:00:00Z"),
    ]);
    filter(&mut state, "lupus");
    assert_eq!(titles(&state), ["Lupus"]);
    let effects = user(&mut state, Action::QueryInsert(' '));
    assert!(
        effects.is_empty(),
        "a trailing space changes nothing: {effects:?}"
    );
    let effects = user(&mut state, Action::QueryInsert('"'));
    assert!(effects.is_empty(), "{effects:?}");
    let error = state
        .query
        .error
        .as_ref()
        .expect("unterminated quote is an error");
    assert_eq!(error.column, 7, "columns count from 1");
    assert_eq!(
        titles(&state),
        ["Lupus"],
        "the list keeps the last good results"
    );
    user(&mut state, Action::QueryAccept);
    assert!(state.notice.as_ref().is_some_and(|n| n.is_error));
}

#[test]
fn query_editing_moves_by_characters_not_bytes() {
    let mut state = state_with(vec![dated(1, "Café", "2020-01-01T00:00:00Z")]);
    user(&mut state, Action::StartQuery);
    for c in "café".chars() {
        user(&mut state, Action::QueryInsert(c));
    }
    user(&mut state, Action::QueryLeft);
    user(&mut state, Action::QueryLeft);
    user(&mut state, Action::QueryInsert('X'));
    assert_eq!(state.query.text, "caXfé");
    user(&mut state, Action::QueryEnd);
    user(&mut state, Action::QueryBackspace);
    assert_eq!(state.query.text, "caXf");
    user(&mut state, Action::QueryHome);
    user(&mut state, Action::QueryDelete);
    assert_eq!(state.query.text, "aXf");
    user(&mut state, Action::QueryEnd);
    user(&mut state, Action::QueryInsert(' '));
    user(&mut state, Action::QueryInsert('b'));
    user(&mut state, Action::QueryDeleteWord);
    assert_eq!(state.query.text, "aXf ");
}

#[test]
fn o_opens_the_preferred_url_and_refuses_anything_but_http() {
    let mut state = state_with(vec![card(
        1,
        "title: ok\noriginalUrl: \"https://orig.example/1\"",
    )]);
    let effects = user(&mut state, Action::OpenUrl);
    assert_eq!(effects, [Effect::OpenUrl("https://news.example/1".into())]);
    let effects = user(&mut state, Action::CopyUrl);
    assert_eq!(effects, [Effect::Copy("https://news.example/1".into())]);

    let text = "---\ntitle: bad\nwebUrl: \"javascript:alert(1)\"\n---\n";
    let bad = parse_card(
        text.as_bytes(),
        &Path::new("b.txt").into(),
        Path::new("b.txt"),
        &Interner::default(),
    )
    .card
    .expect("card");
    let mut state = state_with(vec![bad]);
    assert_eq!(user(&mut state, Action::OpenUrl), []);
    let notice = state.notice.clone().expect("a reason");
    assert!(notice.is_error);
    assert!(
        notice.text.contains("not an http:// or https:// URL"),
        "{}",
        notice.text
    );
}

#[test]
fn related_entries_jump_inside_the_corpus_open_outside_and_backspace_returns() {
    let a = card(
        1,
        "title: A\npublishedDateTime: 2024-01-02T00:00:00Z\nrelated:\n  - {title: to B, webUrl: \"https://news.example/2?utm_source=x\"}\n  - {title: outside, webUrl: \"https://elsewhere.example/x\"}",
    );
    let b = card(2, "title: B\npublishedDateTime: 2024-01-01T00:00:00Z");
    let mut state = state_with(vec![a, b]);
    assert_eq!(selected_title(&state).as_deref(), Some("A"));
    user(&mut state, Action::FocusNext);
    user(&mut state, Action::FocusNext);
    assert_eq!(state.focus, Pane::Related);
    assert_eq!(state.related_items().len(), 2);
    assert!(user(&mut state, Action::Activate).is_empty());
    assert_eq!(selected_title(&state).as_deref(), Some("B"));
    // B is cited by A: its related pane lists the backlink.
    assert_eq!(state.related_items(), [app::RelatedItem::CitedBy(0)]);
    user(&mut state, Action::Back);
    assert_eq!(selected_title(&state).as_deref(), Some("A"));
    state.focus = Pane::Related;
    user(&mut state, Action::MoveDown);
    let effects = user(&mut state, Action::Activate);
    assert_eq!(
        effects,
        [Effect::OpenUrl("https://elsewhere.example/x".into())]
    );
    let effects = user(&mut state, Action::OpenUrl);
    assert_eq!(
        effects,
        [Effect::OpenUrl("https://elsewhere.example/x".into())]
    );
}

#[test]
fn a_jump_to_a_card_hidden_by_the_filter_clears_the_filter() {
    let a = card(
        1,
        "title: Alpha\nrelated:\n  - {title: to B, webUrl: \"https://news.example/2\"}",
    );
    let b = card(2, "title: Beta");
    let mut state = state_with(vec![a, b]);
    filter(&mut state, "alpha");
    user(&mut state, Action::QueryAccept);
    assert_eq!(titles(&state), ["Alpha"]);
    state.focus = Pane::Related;
    user(&mut state, Action::Activate);
    assert_eq!(selected_title(&state).as_deref(), Some("Beta"));
    assert_eq!(state.query.text, "");
    assert_eq!(titles(&state).len(), 2);
}

#[test]
fn paging_clicks_and_the_wheel_move_the_selection() {
    let cards: Vec<Card> = (0..100)
        .map(|n| {
            dated(
                n,
                &format!("card {n:03}"),
                &format!("2024-01-01T00:{:02}:{:02}Z", n / 60, n % 60),
            )
        })
        .collect();
    let mut state = state_with(cards);
    let page = usize::from(state.areas().list.expect("list").height) - 2;
    user(&mut state, Action::PageDown);
    assert_eq!(state.list.row, page);
    assert!(state.list.offset > 0 && state.list.row < state.list.offset + page);
    user(&mut state, Action::Bottom);
    assert_eq!(state.list.row, 99);
    user(&mut state, Action::Top);
    assert_eq!((state.list.row, state.list.offset), (0, 0));
    user(&mut state, Action::HalfPageDown);
    assert_eq!(state.list.row, page / 2);
    // A click on the fourth row of the list (the border is row 0).
    user(&mut state, Action::Click { column: 5, row: 4 });
    assert_eq!(state.list.row, 3);
    user(
        &mut state,
        Action::Scroll {
            column: 5,
            row: 4,
            down: true,
        },
    );
    assert_eq!(state.list.row, 6);
    // A click in the detail pane focuses it.
    let detail = state.areas().detail.expect("detail");
    user(
        &mut state,
        Action::Click {
            column: detail.x + 2,
            row: detail.y + 2,
        },
    );
    assert_eq!(state.focus, Pane::Detail);
}

#[test]
fn narrow_terminals_show_the_focused_pane() {
    let mut state = state_with(vec![dated(1, "x", "2024-01-01T00:00:00Z")]);
    app::update(
        &mut state,
        Msg::Resize {
            width: 60,
            height: 20,
        },
    );
    assert!(state.areas().detail.is_none());
    assert!(state.areas().list.is_some());
    user(&mut state, Action::Activate);
    assert_eq!(state.focus, Pane::Detail);
    assert!(state.areas().list.is_none() && state.areas().detail.is_some());
    user(&mut state, Action::Back);
    assert_eq!(state.focus, Pane::List);
}

#[test]
fn select_and_query_options_apply_when_the_cards_arrive() {
    let options = Options {
        select: Some(IdArg::Full(CardId(2))),
        query: Some("beta".into()),
        ..Options::default()
    };
    let (mut state, effects) = State::new(120, 40, now(), options);
    assert!(
        matches!(effects.as_slice(), [Effect::Filter { .. }]),
        "{effects:?}"
    );
    let effects = load(
        &mut state,
        vec![
            dated(1, "Alpha", "2024-01-02T00:00:00Z"),
            dated(2, "Beta", "2024-01-01T00:00:00Z"),
        ],
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Index, Effect::Filter { .. }]
    ));
    // The card is selected once the filter has answered, and the filter stays: it matches.
    answer_effects(&mut state, effects);
    assert_eq!(selected_title(&state).as_deref(), Some("Beta"));
    assert_eq!(state.query.text, "beta");
    assert_eq!(titles(&state), ["Beta"]);

    let options = Options {
        select: Some(IdArg::Full(CardId(0xdead))),
        ..Options::default()
    };
    let (mut state, _) = State::new(120, 40, now(), options);
    load(&mut state, vec![dated(1, "Alpha", "2024-01-02T00:00:00Z")]);
    app::update(&mut state, Msg::LoadDone);
    let notice = state.notice.expect("says the id was not found");
    assert!(notice.text.contains("000000000000dead"), "{}", notice.text);
}

#[test]
fn overlays_take_the_keys_until_closed() {
    let mut state = state_with(vec![dated(1, "x", "2024-01-01T00:00:00Z")]);
    user(&mut state, Action::ToggleHelp);
    assert_eq!(state.mode(), tidings::config::Mode::Overlay);
    user(&mut state, Action::MoveDown);
    assert_eq!(state.list.row, 0);
    user(&mut state, Action::CloseOverlay);
    assert_eq!(state.mode(), tidings::config::Mode::List);
    user(&mut state, Action::ToggleDiagnostics);
    assert_eq!(
        state.overlay.map(|o| o.kind),
        Some(app::Overlay::Diagnostics)
    );
    user(&mut state, Action::Quit);
    assert!(state.should_quit);
}

#[test]
fn the_diagnostics_view_scrolls_to_its_last_wrapped_row() {
    let (mut state, _) = State::new(40, 12, now(), Options::default());
    let diagnostics: Vec<tidings::corpus::Diagnostic> = (0..5)
        .map(|n| tidings::corpus::Diagnostic {
            path: format!("some/folder/file_{n}.txt").into(),
            line: n + 1,
            column: 1,
            severity: tidings::corpus::Severity::Error,
            message: "a message long enough to wrap over several rows of a narrow view".into(),
            subject: tidings::corpus::Subject::File,
        })
        .collect();
    app::update(
        &mut state,
        Msg::Loaded {
            cards: Default::default(),
            diagnostics,
            progress: Progress::default(),
        },
    );
    user(&mut state, Action::ToggleDiagnostics);
    user(&mut state, Action::Bottom);
    let rows = tidings::view::diagnostics::rows(&state.diagnostics, 38).len();
    assert!(rows > 5 * 2, "long messages wrap: {rows} rows");
    // The page is the terminal less the status, footer and two borders.
    assert_eq!(state.overlay.map_or(0, |o| o.scroll), rows - 8);
}

#[test]
fn the_help_scrolls_to_its_last_wrapped_row() {
    for width in [120u16, 60, 30] {
        let (mut state, _) = State::new(width, 20, now(), Options::default());
        user(&mut state, Action::ToggleHelp);
        user(&mut state, Action::Bottom);
        let inner = tidings::view::help::inner_width(width);
        let rows = tidings::view::help::rows(&state.keymap, inner).len();
        assert!(rows >= state.keymap.bindings().len() + 4);
        assert_eq!(
            state.overlay.map_or(0, |o| o.scroll),
            rows - 16,
            "at {width} columns"
        );
    }
}

/// Applies a change from disk as the watcher will: cards new or changed, ids gone.
fn change(state: &mut State, upserts: Vec<Card>, removals: &[u64]) -> Vec<Effect> {
    app::update(
        state,
        Msg::Changed {
            delta: tidings::corpus::Delta {
                upserts,
                removals: removals.iter().map(|n| CardId(*n)).collect(),
                forget: Vec::new(),
            },
            diagnostics: Vec::new(),
        },
    )
}

/// Answers whatever filter request the effects carry, as the worker would.
fn answer_effects(state: &mut State, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Filter { generation, query } = effect {
            answer(state, generation, &query);
        }
    }
}

#[test]
fn changes_from_disk_keep_the_selection_on_its_card() {
    let mut state = state_with(vec![
        dated(1, "one", "2024-01-01T00:00:00Z"),
        dated(2, "two", "2024-01-02T00:00:00Z"),
        dated(3, "three", "2024-01-03T00:00:00Z"),
    ]);
    user(&mut state, Action::MoveDown);
    assert_eq!(selected_title(&state).as_deref(), Some("two"));

    // A newer card arrives above, an older one below, and "one" changes its title.
    change(
        &mut state,
        vec![
            dated(4, "four", "2024-01-04T00:00:00Z"),
            dated(1, "one, edited", "2024-01-01T00:00:00Z"),
            dated(0, "zero", "2023-12-31T00:00:00Z"),
        ],
        &[],
    );
    assert_eq!(
        titles(&state),
        ["four", "three", "two", "one, edited", "zero"]
    );
    assert_eq!(selected_title(&state).as_deref(), Some("two"));
    assert_eq!(state.list.row, 2);
    let notice = state.notice.as_ref().map(|n| n.text.clone());
    assert_eq!(notice.as_deref(), Some("2 new · 1 changed"));

    // The selected card changes in place: still selected, with its new text.
    change(
        &mut state,
        vec![dated(2, "two, edited", "2024-01-02T00:00:00Z")],
        &[],
    );
    assert_eq!(selected_title(&state).as_deref(), Some("two, edited"));

    // The selected card goes: the selection moves to its neighbour.
    change(&mut state, Vec::new(), &[2]);
    assert_eq!(titles(&state), ["four", "three", "one, edited", "zero"]);
    assert_eq!(selected_title(&state).as_deref(), Some("one, edited"));
    assert_eq!(
        state.notice.as_ref().map(|n| n.text.as_str()),
        Some("1 removed")
    );

    // The last card goes while selected: the one above takes its place.
    user(&mut state, Action::Bottom);
    change(&mut state, Vec::new(), &[0]);
    assert_eq!(selected_title(&state).as_deref(), Some("one, edited"));
    change(&mut state, Vec::new(), &[1, 3, 4]);
    assert_eq!(selected_title(&state), None);
    assert!(titles(&state).is_empty());
}

/// A file read again, as the watcher sends it: its earlier reading forgotten by path, its card
/// and diagnostics now.
fn reread(state: &mut State, card: Card, diagnostics: Vec<tidings::corpus::Diagnostic>) {
    let forget = tidings::corpus::Forget {
        path: card.path.to_path_buf(),
        id: Some(card.id),
    };
    app::update(
        state,
        Msg::Changed {
            delta: tidings::corpus::Delta {
                upserts: vec![card],
                forget: vec![forget],
                ..Default::default()
            },
            diagnostics,
        },
    );
}

#[test]
fn a_file_read_again_is_one_change_and_its_old_problems_go() {
    let mut state = state_with(vec![
        dated(1, "one", "2024-01-01T00:00:00Z"),
        dated(2, "two", "2024-01-02T00:00:00Z"),
    ]);
    user(&mut state, Action::MoveDown);
    assert_eq!(selected_title(&state).as_deref(), Some("one"));
    let edited = dated(1, "one, edited", "2024-01-01T00:00:00Z");
    let warning = tidings::corpus::Diagnostic::file(
        edited.path.clone(),
        tidings::corpus::Severity::Warning,
        "a warning",
    );
    reread(&mut state, edited.clone(), vec![warning]);
    assert_eq!(selected_title(&state).as_deref(), Some("one, edited"));
    assert_eq!(
        state.notice.as_ref().map(|n| n.text.as_str()),
        Some("1 changed")
    );
    assert_eq!(state.diagnostics.len(), 1);
    // Read again without the problem: the warning goes with the earlier reading.
    reread(&mut state, edited, Vec::new());
    assert!(state.diagnostics.is_empty(), "{:?}", state.diagnostics);
    assert_eq!(titles(&state), ["two", "one, edited"]);
}

#[test]
fn changes_while_loading_are_part_of_the_load_not_news() {
    let (mut state, _) = State::new(120, 40, now(), Options::default());
    load(&mut state, vec![dated(1, "one", "2024-01-01T00:00:00Z")]);
    reread(
        &mut state,
        dated(1, "one, newer", "2024-01-01T00:00:00Z"),
        Vec::new(),
    );
    assert_eq!(titles(&state), ["one, newer"]);
    assert!(state.notice.is_none(), "{:?}", state.notice);
}

#[test]
fn changes_keep_links_right_both_ways() {
    let a = card(
        1,
        "title: A\npublishedDateTime: 2024-01-02T00:00:00Z\nrelated:\n  - {title: to B, webUrl: \"https://news.example/2\"}",
    );
    let mut state = state_with(vec![a]);
    // A names B, which is not there yet.
    assert_eq!(
        state.related_items(),
        [app::RelatedItem::Entry {
            index: 0,
            target: None
        }]
    );
    change(&mut state, vec![dated(2, "B", "2024-01-01T00:00:00Z")], &[]);
    let b = state.corpus.by_id(CardId(2));
    assert_eq!(
        state.related_items(),
        [app::RelatedItem::Entry {
            index: 0,
            target: b
        }]
    );
    // From B, the backlink to A; B gone, A's entry points outside again.
    user(&mut state, Action::MoveDown);
    assert_eq!(selected_title(&state).as_deref(), Some("B"));
    let a_ix = state.corpus.by_id(CardId(1)).expect("A");
    assert_eq!(state.related_items(), [app::RelatedItem::CitedBy(a_ix)]);
    change(&mut state, Vec::new(), &[2]);
    assert_eq!(selected_title(&state).as_deref(), Some("A"));
    assert_eq!(
        state.related_items(),
        [app::RelatedItem::Entry {
            index: 0,
            target: None
        }]
    );
    // A changes so that it no longer names B; B comes back and is cited by nobody.
    change(
        &mut state,
        vec![
            card(1, "title: A\npublishedDateTime: 2024-01-02T00:00:00Z"),
            dated(2, "B", "2024-01-01T00:00:00Z"),
        ],
        &[],
    );
    user(&mut state, Action::MoveDown);
    assert_eq!(selected_title(&state).as_deref(), Some("B"));
    assert!(state.related_items().is_empty());
}

#[test]
fn changes_while_filtered_refilter_and_keep_the_list_right() {
    let mut state = state_with(vec![
        dated(1, "Lupus research", "2024-01-01T00:00:00Z"),
        dated(2, "Glacier melt", "2024-01-02T00:00:00Z"),
    ]);
    filter(&mut state, "lupus");
    user(&mut state, Action::QueryAccept);
    assert_eq!(titles(&state), ["Lupus research"]);

    // A new match arrives, the old one goes: the filter runs again over the new version.
    let effects = change(
        &mut state,
        vec![dated(3, "Lupus trial", "2024-01-03T00:00:00Z")],
        &[1],
    );
    // Until the new ranking is in, the removed card is already gone from the list.
    assert!(titles(&state).is_empty());
    answer_effects(&mut state, effects);
    assert_eq!(titles(&state), ["Lupus trial"]);
    assert_eq!(selected_title(&state).as_deref(), Some("Lupus trial"));

    // Clearing the filter shows every card of the current version, sorted.
    user(&mut state, Action::StartQuery);
    user(&mut state, Action::QueryClear);
    assert_eq!(titles(&state), ["Lupus trial", "Glacier melt"]);
    // A card that changes its date moves in the sorted list.
    change(
        &mut state,
        vec![dated(2, "Glacier melt", "2024-02-01T00:00:00Z")],
        &[],
    );
    assert_eq!(titles(&state), ["Glacier melt", "Lupus trial"]);
}

#[test]
fn jump_history_holds_cards_not_positions() {
    let a = card(
        1,
        "title: A\npublishedDateTime: 2024-01-02T00:00:00Z\nrelated:\n  - {title: to B, webUrl: \"https://news.example/2\"}",
    );
    let b = card(2, "title: B\npublishedDateTime: 2024-01-01T00:00:00Z");
    let mut state = state_with(vec![a, b]);
    state.focus = Pane::Related;
    user(&mut state, Action::Activate);
    assert_eq!(selected_title(&state).as_deref(), Some("B"));
    // A newer card arrives above both: going back still finds A.
    change(&mut state, vec![dated(3, "C", "2024-01-03T00:00:00Z")], &[]);
    user(&mut state, Action::Back);
    assert_eq!(selected_title(&state).as_deref(), Some("A"));
}

/// A card whose only URL is `url`, as a YAML double-quoted string (escapes allowed).
fn card_with_url(n: u64, url: &str) -> Card {
    let text = format!("---\ntitle: \"card {n}\"\nwebUrl: \"{url}\"\n---\n");
    let name = format!("{n:03}_{n:016x}.txt");
    parse_card(
        text.as_bytes(),
        &Path::new(&name).into(),
        Path::new(&name),
        &Interner::default(),
    )
    .card
    .expect("a card")
}

#[test]
fn y_copies_only_what_o_would_open() {
    for (url, why) in [
        ("https://x.example/a\\ntouch ~/p", "spaces or control"),
        ("javascript:alert(1)", "not an http:// or https:// URL"),
        ("file:///etc/passwd", "not an http:// or https:// URL"),
        ("https://x.example/\\e]0;x\\a", "spaces or control"),
    ] {
        let mut state = state_with(vec![card_with_url(1, url)]);
        assert_eq!(user(&mut state, Action::CopyUrl), [], "{url}");
        let notice = state.notice.clone().expect("says why");
        assert!(
            notice.is_error && notice.text.contains(why),
            "{url}: {}",
            notice.text
        );
        assert!(notice.text.starts_with("not copied"), "{}", notice.text);
    }
}

#[test]
fn a_paste_is_one_edit_with_line_breaks_folded_and_a_cap() {
    let mut state = state_with(vec![dated(1, "x", "2024-01-01T00:00:00Z")]);
    // Outside the query line a paste does nothing: it is not a stream of commands.
    assert_eq!(app::update(&mut state, Msg::Paste("q/jj".into())), []);
    assert!(!state.should_quit);
    user(&mut state, Action::StartQuery);
    let effects = app::update(&mut state, Msg::Paste("climate\nchange\r\tnow".into()));
    assert_eq!(effects.len(), 1, "one filter request for the whole paste");
    assert_eq!(state.query.text, "climate change  now");
    assert_eq!(state.query.cursor, state.query.text.len());

    // 100 KB pasted: cut to what the line holds, saying so, still one request.
    user(&mut state, Action::QueryClear);
    user(&mut state, Action::StartQuery);
    let big = "word ".repeat(20_000);
    let effects = app::update(&mut state, Msg::Paste(big));
    assert!(effects.len() <= 1);
    assert_eq!(
        state.query.text.chars().count(),
        tidings::search::syntax::MAX_QUERY_CHARS
    );
    let notice = state.notice.clone().expect("says the paste was cut");
    assert!(notice.text.contains("left out"), "{}", notice.text);
    // The line is full: typing adds nothing more.
    user(&mut state, Action::QueryInsert('z'));
    assert_eq!(
        state.query.text.chars().count(),
        tidings::search::syntax::MAX_QUERY_CHARS
    );
}

#[test]
fn select_by_prefix_waits_for_every_card_and_says_when_it_is_ambiguous() {
    let cards = || {
        vec![
            dated(0xabcd01, "First", "2024-01-03T00:00:00Z"),
            dated(0xabcd02, "Second", "2024-01-02T00:00:00Z"),
            dated(0x1234, "Third", "2024-01-01T00:00:00Z"),
        ]
    };
    let start = |prefix: &str| {
        let select = tidings::corpus::id::parse_id_arg(prefix).ok();
        let (mut state, _) = State::new(
            120,
            40,
            now(),
            Options {
                select,
                ..Options::default()
            },
        );
        load(&mut state, cards());
        app::update(&mut state, Msg::LoadDone);
        state
    };
    // Ids are 16 digits; these cards' ids start with zeros.
    let state = start("000000000000123");
    assert_eq!(selected_title(&state).as_deref(), Some("Third"));
    let state = start("0000000000abcd");
    assert_eq!(selected_title(&state).as_deref(), Some("First"));
    let notice = state.notice.expect("ambiguous");
    assert!(notice.text.contains("2 cards"), "{}", notice.text);
}

#[test]
fn until_the_user_moves_the_selection_follows_the_top_as_cards_stream_in() {
    let (mut state, _) = State::new(120, 40, now(), Options::default());
    load(&mut state, vec![dated(1, "old", "2020-01-01T00:00:00Z")]);
    load(&mut state, vec![dated(2, "newer", "2022-01-01T00:00:00Z")]);
    load(&mut state, vec![dated(3, "newest", "2024-01-01T00:00:00Z")]);
    assert_eq!(selected_title(&state).as_deref(), Some("newest"));
    assert_eq!(state.list.row, 0);
    // Once moved, it stays on its card.
    user(&mut state, Action::MoveDown);
    load(&mut state, vec![dated(4, "latest", "2025-01-01T00:00:00Z")]);
    assert_eq!(selected_title(&state).as_deref(), Some("newer"));
}

#[test]
fn a_select_option_that_the_query_hides_clears_the_filter_saying_so() {
    let options = Options {
        select: Some(IdArg::Full(CardId(1))),
        query: Some("beta".into()),
        ..Options::default()
    };
    let (mut state, _) = State::new(120, 40, now(), options);
    let effects = load(
        &mut state,
        vec![
            dated(1, "Alpha", "2024-01-02T00:00:00Z"),
            dated(2, "Beta", "2024-01-01T00:00:00Z"),
        ],
    );
    answer_effects(&mut state, effects);
    assert_eq!(selected_title(&state).as_deref(), Some("Alpha"));
    assert_eq!(state.query.text, "");
    let notice = state.notice.clone().expect("says why");
    assert!(notice.text.contains("filter cleared"), "{}", notice.text);
}

/// Cards A (names B) and B, plus filler so the detail can scroll.
fn linked_pair() -> State {
    let long = "word ".repeat(400);
    let a = card(
        1,
        &format!(
            "title: Alpha\npublishedDateTime: 2024-01-02T00:00:00Z\nexcerpt: \"{long}\"\nrelated:\n  - {{title: to B, webUrl: \"https://news.example/2\"}}"
        ),
    );
    let b = card(
        2,
        &format!("title: Beta\npublishedDateTime: 2024-01-01T00:00:00Z\nexcerpt: \"{long}\""),
    );
    let c = dated(3, "Gamma alpha", "2023-01-01T00:00:00Z");
    state_with(vec![a, b, c])
}

#[test]
fn a_jump_starts_at_the_top_and_back_restores_filter_sort_and_scroll() {
    let mut state = linked_pair();
    filter(&mut state, "alpha");
    user(&mut state, Action::QueryAccept);
    user(&mut state, Action::CycleSort); // relevance -> date, among the matches
    assert_eq!(titles(&state), ["Alpha", "Gamma alpha"]);
    assert_eq!(selected_title(&state).as_deref(), Some("Alpha"));
    state.focus = Pane::Detail;
    for _ in 0..5 {
        user(&mut state, Action::MoveDown);
    }
    assert_eq!(state.detail.scroll, 5);

    state.focus = Pane::Related;
    user(&mut state, Action::Activate);
    assert_eq!(selected_title(&state).as_deref(), Some("Beta"));
    assert_eq!(state.detail.scroll, 0, "the new card's title is in sight");
    assert_eq!(
        state.query.text, "",
        "the jump cleared the filter hiding Beta"
    );

    let effects = user(&mut state, Action::Back);
    answer_effects(&mut state, effects);
    assert_eq!(selected_title(&state).as_deref(), Some("Alpha"));
    assert_eq!(state.query.text, "alpha");
    assert_eq!(titles(&state), ["Alpha", "Gamma alpha"]);
    assert_eq!(state.effective_sort(), SortKey::Date);
    assert_eq!(state.detail.scroll, 5);
}

#[test]
fn the_chosen_sort_comes_back_when_the_filter_is_cleared() {
    let mut state = state_with(vec![
        card(
            1,
            "title: Lupus a\nquality: 10\npublishedDateTime: 2024-01-03T00:00:00Z",
        ),
        card(
            2,
            "title: Lupus b\nquality: 90\npublishedDateTime: 2024-01-01T00:00:00Z",
        ),
        card(
            3,
            "title: other\nquality: 50\npublishedDateTime: 2024-01-02T00:00:00Z",
        ),
    ]);
    user(&mut state, Action::CycleSort);
    assert_eq!(state.effective_sort(), SortKey::Quality);
    filter(&mut state, "lupus");
    assert_eq!(
        state.effective_sort(),
        SortKey::Relevance,
        "a filter ranks by relevance"
    );
    user(&mut state, Action::QueryClear);
    assert_eq!(state.effective_sort(), SortKey::Quality);
    assert_eq!(titles(&state), ["Lupus b", "other", "Lupus a"]);
}

/// A key as the terminal reports it, through the live keymap.
fn press(state: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app::update(state, Msg::Key(KeyEvent::new(code, modifiers)))
}

#[test]
fn ctrl_l_asks_for_a_repaint_in_every_mode_and_keeps_the_notice() {
    let mut state = state_with(vec![dated(1, "One", "2020-01-01T00:00:00Z")]);
    let ctrl_l = |state: &mut State| press(state, KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert_eq!(ctrl_l(&mut state), [Effect::Repaint]);
    user(&mut state, Action::Activate);
    assert_eq!(state.focus, Pane::Detail);
    assert_eq!(ctrl_l(&mut state), [Effect::Repaint]);
    user(&mut state, Action::StartQuery);
    assert_eq!(ctrl_l(&mut state), [Effect::Repaint]);
    assert_eq!(state.query.text, "", "Ctrl-L types nothing");
    user(&mut state, Action::QueryClear);
    user(&mut state, Action::ToggleHelp);
    assert_eq!(ctrl_l(&mut state), [Effect::Repaint]);
    assert!(state.overlay.is_some(), "the help stays open");
    user(&mut state, Action::CloseOverlay);
    user(&mut state, Action::Back);
    let notice = state.notice.clone();
    assert!(notice.is_some());
    ctrl_l(&mut state);
    assert_eq!(state.notice, notice);
}

#[test]
fn the_query_line_has_readline_keys() {
    let mut state = state_with(vec![dated(1, "One", "2020-01-01T00:00:00Z")]);
    user(&mut state, Action::StartQuery);
    for c in "lupus title:café-2024 x".chars() {
        user(&mut state, Action::QueryInsert(c));
    }
    let (alt, ctrl) = (KeyModifiers::ALT, KeyModifiers::CONTROL);
    // Alt-B: to the start of the last word, then the one before (a word is letters and digits).
    press(&mut state, KeyCode::Char('b'), alt);
    assert_eq!(&state.query.text[state.query.cursor..], "x");
    press(&mut state, KeyCode::Char('b'), alt);
    assert_eq!(&state.query.text[state.query.cursor..], "2024 x");
    press(&mut state, KeyCode::Char('b'), alt);
    assert_eq!(&state.query.text[state.query.cursor..], "café-2024 x");
    // Alt-F: to the end of the word, over a multi-byte letter.
    press(&mut state, KeyCode::Char('f'), alt);
    assert_eq!(&state.query.text[state.query.cursor..], "-2024 x");
    // Ctrl-K deletes to the end, Ctrl-U to the start.
    press(&mut state, KeyCode::Char('k'), ctrl);
    assert_eq!(state.query.text, "lupus title:café");
    press(&mut state, KeyCode::Char('b'), alt);
    press(&mut state, KeyCode::Char('u'), ctrl);
    assert_eq!(state.query.text, "café");
    assert_eq!(state.query.cursor, 0);
    // At the ends they stay put.
    press(&mut state, KeyCode::Char('b'), alt);
    assert_eq!(state.query.cursor, 0);
    press(&mut state, KeyCode::Char('f'), alt);
    press(&mut state, KeyCode::Char('f'), alt);
    assert_eq!(state.query.cursor, state.query.text.len());
    // An Alt key with nothing bound still types nothing.
    press(&mut state, KeyCode::Char('x'), alt);
    assert_eq!(state.query.text, "café");
}

#[test]
fn in_one_pane_esc_h_and_left_go_back_to_the_list_keeping_the_filter() {
    let mut state = state_with(vec![
        dated(1, "lupus one", "2024-01-01T00:00:00Z"),
        dated(2, "other", "2024-01-02T00:00:00Z"),
    ]);
    app::update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    filter(&mut state, "lupus");
    user(&mut state, Action::QueryAccept);
    for (code, pane) in [
        (KeyCode::Esc, Pane::Detail),
        (KeyCode::Char('h'), Pane::Detail),
        (KeyCode::Left, Pane::Detail),
        (KeyCode::Esc, Pane::Related),
        (KeyCode::Char('h'), Pane::Related),
        (KeyCode::Left, Pane::Related),
    ] {
        user(&mut state, Action::Activate);
        if pane == Pane::Related {
            user(&mut state, Action::Activate);
        }
        assert_eq!(state.focus, pane);
        press(&mut state, code, KeyModifiers::NONE);
        assert_eq!(state.focus, Pane::List, "{code:?} in {pane:?}");
        assert_eq!(state.query.text, "lupus", "the filter stays");
        assert_eq!(titles(&state), ["lupus one"]);
    }
    user(&mut state, Action::Activate);
    press(&mut state, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(state.should_quit, "q still quits");
}

#[test]
fn r_reverses_the_order_and_it_survives_filtering() {
    let mut state = state_with(vec![
        dated(1, "lupus old", "2020-01-01T00:00:00Z"),
        dated(2, "mid", "2022-01-01T00:00:00Z"),
        dated(3, "lupus new", "2024-01-01T00:00:00Z"),
    ]);
    assert_eq!(titles(&state), ["lupus new", "mid", "lupus old"]);
    press(&mut state, KeyCode::Char('r'), KeyModifiers::NONE);
    assert!(state.list.options.reverse);
    assert_eq!(titles(&state), ["lupus old", "mid", "lupus new"]);
    // Filtered in relevance order, the best match stays first, and the notice says why.
    filter(&mut state, "lupus");
    user(&mut state, Action::QueryAccept);
    user(&mut state, Action::CycleSort);
    assert_eq!(state.effective_sort(), SortKey::Date);
    assert_eq!(
        titles(&state),
        ["lupus old", "lupus new"],
        "reversed while filtered"
    );
    user(&mut state, Action::QueryClear);
    assert_eq!(titles(&state), ["lupus old", "mid", "lupus new"]);
    press(&mut state, KeyCode::Char('r'), KeyModifiers::NONE);
    assert_eq!(titles(&state), ["lupus new", "mid", "lupus old"]);
}

#[test]
fn titles_sort_without_case_or_accents_and_emoji_by_their_first_letter() {
    let mut state = state_with(vec![
        dated(1, "Wind farms", "2024-01-01T00:00:00Z"),
        dated(2, "Über die Alpen", "2024-01-02T00:00:00Z"),
        dated(3, "\u{1F30D} Earth day", "2024-01-03T00:00:00Z"),
        dated(4, "apples", "2024-01-04T00:00:00Z"),
        dated(5, "Zebras", "2024-01-05T00:00:00Z"),
    ]);
    while state.effective_sort() != SortKey::Title {
        user(&mut state, Action::CycleSort);
    }
    assert_eq!(
        titles(&state),
        [
            "apples",
            "\u{1F30D} Earth day",
            "Über die Alpen",
            "Wind farms",
            "Zebras"
        ]
    );
}

// ----- reading state -----

use tidings::library::state::{FlagKind, Marks, Op};

/// A reader that keeps reading state (an empty one), with these cards loaded.
fn reading_with(cards: Vec<Card>) -> (State, Vec<Effect>) {
    let options = Options {
        reading: Some(app::Loaded::default()),
        ..Options::default()
    };
    let (mut state, mut effects) = State::new(120, 40, now(), options);
    effects.extend(load(&mut state, cards));
    app::update(&mut state, Msg::LoadDone);
    (state, effects)
}

fn writes(effects: &[Effect]) -> Vec<&Op> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::State(op) => Some(op),
            _ => None,
        })
        .collect()
}

fn three() -> Vec<Card> {
    vec![
        dated(1, "one", "2024-01-03T00:00:00Z"),
        dated(2, "two", "2024-01-02T00:00:00Z"),
        dated(3, "three", "2024-01-01T00:00:00Z"),
    ]
}

#[test]
fn a_session_starts_and_loaded_cards_are_seen_once() {
    let (mut state, effects) = reading_with(three());
    let ops = writes(&effects);
    assert!(matches!(ops[0], Op::StartSession { .. }), "{ops:?}");
    assert!(
        matches!(ops[1], Op::See { ids, .. } if ids.len() == 3),
        "{ops:?}"
    );
    // The same cards again (a reload) are not first seen twice.
    let again = load(&mut state, vec![dated(1, "one", "2024-01-03T00:00:00Z")]);
    assert!(writes(&again).is_empty());
}

#[test]
fn passing_over_cards_reads_none_and_opening_one_reads_it() {
    let (mut state, _) = reading_with(three());
    user(&mut state, Action::MoveDown);
    user(&mut state, Action::MoveDown);
    assert_eq!(state.unread_count(), 3);
    let effects = user(&mut state, Action::Activate);
    assert_eq!(state.focus, Pane::Detail);
    let id = state.list.selected.expect("selected");
    assert!(state.reading.marks.is_read(id));
    assert!(matches!(writes(&effects)[..], [Op::Mark(c)] if c.kind == FlagKind::Read && c.on));
    assert_eq!(state.unread_count(), 2);
    // `m` in the detail pane makes it unread again, and it stays so.
    user(&mut state, Action::ToggleRead);
    assert!(!state.reading.marks.is_read(id));
    user(&mut state, Action::MoveDown);
    assert!(!state.reading.marks.is_read(id));
    // Tab to the detail pane of another card reads that one.
    user(&mut state, Action::FocusPrev);
    assert_eq!(state.focus, Pane::List);
    user(&mut state, Action::MoveUp);
    user(&mut state, Action::FocusNext);
    let other = state.list.selected.expect("selected");
    assert_ne!(other, id);
    assert!(state.reading.marks.is_read(other));
}

/// The count of unread cards looks only at the slots a new batch adds: a read card that comes
/// again (its file read again) still counts as read, a new one as unread.
#[test]
fn the_unread_count_follows_cards_that_come_after_one_was_read() {
    let (mut state, _) = reading_with(three());
    user(&mut state, Action::Activate);
    let read = state.list.selected.expect("selected");
    assert_eq!(state.unread_count(), 2);
    // Seen before: the marks stay as they were, and only the new slot is looked at.
    let marks = state.reading.marks.version();
    load(&mut state, vec![dated(1, "one", "2024-01-03T00:00:00Z")]);
    assert_eq!(state.reading.marks.version(), marks);
    assert_eq!(state.unread_count(), 2);
    load(&mut state, vec![dated(4, "four", "2024-01-04T00:00:00Z")]);
    assert_eq!(state.corpus.len(), 4);
    assert!(state.reading.marks.is_read(read));
    assert_eq!(state.unread_count(), 3);
    load(&mut state, vec![dated(5, "five", "2024-01-05T00:00:00Z")]);
    assert_eq!(state.unread_count(), 4);
    user(&mut state, Action::MarkAllRead);
    assert_eq!(state.unread_count(), 0);
}

#[test]
fn mark_all_is_one_step_and_undo_goes_several_back() {
    let (mut state, _) = reading_with(three());
    user(&mut state, Action::ToggleStar);
    let first = state.list.selected.expect("selected");
    assert!(state.reading.marks.is_starred(first));
    let effects = user(&mut state, Action::MarkAllRead);
    assert!(matches!(writes(&effects)[..], [Op::Mark(c)] if c.ids.len() == 3));
    assert_eq!(state.unread_count(), 0);
    let effects = user(&mut state, Action::Undo);
    assert!(matches!(writes(&effects)[..], [Op::Restore(r)] if r.values.len() == 3));
    assert_eq!(state.unread_count(), 3);
    user(&mut state, Action::Undo);
    assert!(!state.reading.marks.is_starred(first));
    assert!(writes(&user(&mut state, Action::Undo)).is_empty());
}

#[test]
fn next_unread_skips_read_cards_and_unread_only_edits_the_query() {
    let (mut state, _) = reading_with(three());
    user(&mut state, Action::MoveDown);
    user(&mut state, Action::ToggleRead);
    user(&mut state, Action::MoveUp);
    user(&mut state, Action::NextUnread);
    assert_eq!(selected_title(&state).as_deref(), Some("three"));
    user(&mut state, Action::PrevUnread);
    assert_eq!(selected_title(&state).as_deref(), Some("one"));

    let effects = user(&mut state, Action::ToggleUnreadOnly);
    assert_eq!(state.query.text, "is:unread");
    let Some(Effect::Filter { generation, query }) = effects.into_iter().next() else {
        panic!("asks for a filter");
    };
    let marks = Arc::clone(&state.reading.marks);
    let found = tidings::search::worker::search_once_with(
        &query,
        state.corpus.cards(),
        state.corpus.epoch(),
        Some(&marks),
    )
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
    let mut shown = titles(&state);
    shown.sort();
    assert_eq!(shown, ["one", "three"]);
    // Marking while `is:` filters asks the filter again.
    let effects = user(&mut state, Action::ToggleRead);
    assert!(effects.iter().any(|e| matches!(e, Effect::Filter { .. })));
    user(&mut state, Action::ToggleUnreadOnly);
    assert_eq!(state.query.text, "");
}

#[test]
fn without_state_is_terms_are_a_query_error_and_nothing_is_marked() {
    let mut state = state_with(three());
    user(&mut state, Action::StartQuery);
    for c in "is:read".chars() {
        user(&mut state, Action::QueryInsert(c));
    }
    let err = state.query.error.clone().expect("an error");
    assert_eq!(err.column, 1);
    assert!(err.message.contains("--no-state"), "{}", err.message);
    user(&mut state, Action::QueryClear);
    assert!(user(&mut state, Action::ToggleRead).is_empty());
    assert!(state.notice.is_some());
}

#[test]
fn history_walks_back_and_forth_and_returns_to_the_typed_text() {
    let (mut state, _) = reading_with(three());
    for q in ["one", "two"] {
        user(&mut state, Action::StartQuery);
        for c in q.chars() {
            user(&mut state, Action::QueryInsert(c));
        }
        let effects = user(&mut state, Action::QueryAccept);
        assert!(matches!(writes(&effects)[..], [Op::RecordQuery { query, .. }] if query == q));
        user(&mut state, Action::QueryClear);
    }
    assert_eq!(state.reading.history, ["two", "one"]);
    user(&mut state, Action::StartQuery);
    user(&mut state, Action::QueryInsert('t'));
    user(&mut state, Action::HistoryBack);
    assert_eq!(state.query.text, "two");
    user(&mut state, Action::HistoryBack);
    assert_eq!(state.query.text, "one");
    user(&mut state, Action::HistoryBack);
    assert_eq!(state.query.text, "one");
    user(&mut state, Action::HistoryForward);
    assert_eq!(state.query.text, "two");
    user(&mut state, Action::HistoryForward);
    assert_eq!(state.query.text, "t");
}

#[test]
fn a_reload_keeps_the_changes_not_yet_written() {
    let (mut state, _) = reading_with(three());
    user(&mut state, Action::ToggleStar);
    let id = state.list.selected.expect("selected");
    // Another program's marks arrive before this reader's star was written.
    app::update(&mut state, Msg::MarksReloaded(Marks::default()));
    assert!(state.reading.marks.is_starred(id));
}

// ----- saved searches -----

/// Types `text` on the open prompt and presses Enter.
fn answer_prompt(state: &mut State, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        user(state, Action::QueryInsert(c));
    }
    user(state, Action::QueryAccept)
}

/// Counts the saved searches as the worker would, from the effects asking for it.
fn count_effects(state: &mut State, effects: &[Effect]) {
    use tidings::search::worker::{Count, Counted, search_once_with};
    for effect in effects {
        if let Effect::CountSaved {
            generation,
            queries,
        } = effect
        {
            let marks = Arc::clone(&state.reading.marks);
            let counts = queries
                .iter()
                .map(|q| {
                    let q = q.clone()?;
                    let found = search_once_with(
                        &q,
                        state.corpus.cards(),
                        state.corpus.epoch(),
                        Some(&marks),
                    )
                    .map_err(|e| e.to_string())?;
                    let unread = found
                        .hits
                        .iter()
                        .filter_map(|h| state.corpus.get(h.ix))
                        .filter(|c| !marks.is_read(c.id))
                        .count();
                    Ok(Count {
                        matching: found.hits.len(),
                        unread,
                    })
                })
                .collect();
            let epoch = state.corpus.epoch();
            app::update(
                state,
                Msg::Counted(Counted {
                    generation: *generation,
                    epoch,
                    counts,
                }),
            );
        }
    }
}

#[test]
fn s_saves_the_filter_and_at_name_stands_for_it() {
    let (mut state, _) = reading_with(three());
    // Nothing to save yet.
    user(&mut state, Action::SaveSearch);
    assert!(state.prompt.is_none());
    assert!(
        state
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("no filter"))
    );

    filter(&mut state, "one | two");
    user(&mut state, Action::QueryAccept);
    user(&mut state, Action::SaveSearch);
    assert!(state.prompt.is_some());
    // A name that could not follow `@` is refused, and the prompt stays to be put right.
    let effects = answer_prompt(&mut state, "my list");
    assert!(writes(&effects).is_empty());
    assert!(state.prompt.is_some());
    user(&mut state, Action::QueryDeleteToStart);
    let effects = answer_prompt(&mut state, "firsts");
    assert!(state.prompt.is_none());
    assert!(matches!(
        writes(&effects)[..],
        [Op::SaveSearch { name, query, .. }] if name == "firsts" && query == "one | two"
    ));
    assert_eq!(state.reading.saved.len(), 1);

    // `@firsts` in the filter line is the saved query.
    user(&mut state, Action::QueryClear);
    filter(&mut state, "@firsts");
    assert_eq!(titles(&state), ["one", "two"]);
    // An unknown name says so, where it is.
    user(&mut state, Action::QueryClear);
    user(&mut state, Action::StartQuery);
    for c in "x @nope".chars() {
        user(&mut state, Action::QueryInsert(c));
    }
    let error = state
        .query
        .error
        .clone()
        .expect("an unknown @name is an error");
    assert_eq!(error.column, 3);
    assert!(error.message.contains("@nope"), "{error}");
}

#[test]
fn the_picker_counts_applies_renames_and_deletes() {
    let (mut state, _) = reading_with(three());
    for (name, query) in [("firsts", "one | two"), ("third", "three")] {
        filter(&mut state, query);
        user(&mut state, Action::QueryAccept);
        user(&mut state, Action::SaveSearch);
        answer_prompt(&mut state, name);
        user(&mut state, Action::QueryClear);
    }
    let three_id = state
        .corpus
        .cards()
        .iter()
        .find(|(_, c)| c.title.as_deref() == Some("three"))
        .map(|(_, c)| c.id);
    // Read "three", so the unread counts differ.
    app::update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
    );
    assert_eq!(selected_title(&state).as_deref(), Some("three"));
    user(&mut state, Action::ToggleRead);
    assert!(three_id.is_some_and(|id| state.reading.marks.is_read(id)));

    let effects = user(&mut state, Action::SavedSearches);
    assert_eq!(state.overlay.map(|o| o.kind), Some(app::Overlay::Saved));
    assert!(
        state.saved_counts.counts.is_none(),
        "counting until the worker answers"
    );
    count_effects(&mut state, &effects);
    let counts = state.saved_counts.counts.clone().expect("counted");
    let count = |name: &str| counts[name].clone().map(|c| (c.matching, c.unread));
    assert_eq!(count("firsts"), Ok((2, 2)));
    assert_eq!(count("third"), Ok((1, 0)));

    // Rename the second one.
    user(&mut state, Action::MoveDown);
    user(&mut state, Action::RenameSaved);
    user(&mut state, Action::QueryDeleteToStart);
    let effects = answer_prompt(&mut state, "last");
    assert!(matches!(
        writes(&effects)[..],
        [Op::RenameSearch { from, to, .. }] if from == "third" && to == "last"
    ));
    let names: Vec<_> = state
        .reading
        .saved
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["firsts", "last"]);
    assert_eq!(
        state.overlay.map(|o| o.selected),
        Some(1),
        "stays on the renamed one"
    );
    count_effects(&mut state, &effects);

    // Delete asks first, then deletes.
    user(&mut state, Action::MoveUp);
    assert!(writes(&user(&mut state, Action::DeleteSaved)).is_empty());
    assert_eq!(state.reading.saved.len(), 2);
    let effects = user(&mut state, Action::DeleteSaved);
    assert!(matches!(writes(&effects)[..], [Op::DeleteSearch { name }] if name == "firsts"));
    assert_eq!(state.reading.saved.len(), 1);

    // Enter applies the chosen one.
    let effects = user(&mut state, Action::Activate);
    assert!(state.overlay.is_none());
    assert_eq!(state.query.text, "@last");
    answer_effects(&mut state, effects);
    assert_eq!(titles(&state), ["three"]);
}

#[test]
fn without_state_nothing_is_saved_and_the_picker_says_why() {
    let mut state = state_with(three());
    filter(&mut state, "one");
    user(&mut state, Action::QueryAccept);
    user(&mut state, Action::SaveSearch);
    assert!(state.prompt.is_none());
    assert!(
        state
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("--no-state"))
    );
    user(&mut state, Action::SavedSearches);
    assert!(state.overlay.is_none());
}

/// The reader starts before the file's marks are read: first sightings wait for them, then
/// every card loaded meanwhile is seen against the file's.
#[test]
fn first_sightings_wait_for_the_marks_read_off_the_start_up_path() {
    let options = Options {
        reading: Some(app::Loaded {
            marks_pending: true,
            ..app::Loaded::default()
        }),
        ..Options::default()
    };
    let (mut state, effects) = State::new(120, 40, now(), options);
    assert!(
        !writes(&effects)
            .iter()
            .any(|op| matches!(op, Op::See { .. })),
        "{effects:?}"
    );
    let effects = load(&mut state, three());
    assert!(
        writes(&effects).is_empty(),
        "nothing is seen before the marks are in"
    );
    // The file knew card 1 already.
    let mut marks = Marks::default();
    let known = state.corpus.ids().next().expect("a card");
    marks.see([known], now());
    let effects = app::update(&mut state, Msg::MarksReloaded(marks));
    let seen: Vec<_> = writes(&effects)
        .into_iter()
        .filter_map(|op| match op {
            Op::See { ids, .. } => Some(ids.len()),
            _ => None,
        })
        .collect();
    assert_eq!(seen, [2], "the two cards the file had not seen");
}

/// Batches folded into one (a reader behind a fast load) leave the state one by one would.
#[test]
fn load_batches_folded_together_give_the_state_applied_one_by_one() {
    let batch = |cards: Vec<Card>, done: usize| Msg::Loaded {
        cards: cards.into(),
        diagnostics: Vec::new(),
        progress: Progress {
            files_done: done,
            files_total: 4,
            ..Progress::default()
        },
    };
    let first = || {
        vec![
            dated(1, "one", "2024-01-01T00:00:00Z"),
            dated(2, "two", "2024-03-01T00:00:00Z"),
        ]
    };
    let second = || {
        vec![
            dated(3, "three", "2024-02-01T00:00:00Z"),
            dated(4, "four", "2023-01-01T00:00:00Z"),
        ]
    };

    let (mut apart, _) = State::new(120, 40, now(), Options::default());
    app::update(&mut apart, batch(first(), 2));
    app::update(&mut apart, batch(second(), 4));

    let (mut together, _) = State::new(120, 40, now(), Options::default());
    let mut folded = batch(first(), 2);
    assert!(folded.absorb(batch(second(), 4)).is_none());
    assert!(folded.absorb(Msg::LoadDone).is_some(), "only batches fold");
    app::update(&mut together, folded);

    assert_eq!(titles(&together), titles(&apart));
    assert_eq!(titles(&together), ["two", "three", "one", "four"]);
    assert_eq!(together.loading, apart.loading);
}
