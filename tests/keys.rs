//! The keymap as a user meets it: every key that does something is in help with what it does,
//! the footer and the overlay titles name the live keys, the README's key table is the keymap's
//! own, and keys read back as they are written.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use tidings::action::Action;
use tidings::app::{self, Msg, Options, State};
use tidings::config::{Binding, Key, KeySeq, Keymap, Mode, Theme};
use tidings::view;

const START: &str = "<!-- keys:start -->";
const END: &str = "<!-- keys:end -->";

/// The help as plain text lines at a width where nothing wraps.
fn help_lines(keymap: &Keymap) -> Vec<String> {
    view::plain_text(&view::help::rows(keymap, 400))
        .lines()
        .map(str::to_string)
        .collect()
}

/// Help's entries as (keys, description): an entry is indented, its keys (separated by `, `)
/// end at the first run of two spaces.
fn help_entries(keymap: &Keymap) -> Vec<(Vec<String>, String)> {
    help_lines(keymap)
        .iter()
        .filter_map(|line| {
            let line = line.strip_prefix(' ')?;
            let (keys, description) = line.split_once("  ")?;
            let keys = keys.split(", ").map(str::to_string).collect();
            Some((keys, description.trim_start().to_string()))
        })
        .collect()
}

/// Every key (or sequence) worth trying: those the keymap binds, and every printable ASCII
/// character with and without Ctrl.
fn candidate_keys(keymap: &Keymap) -> Vec<KeySeq> {
    let mut keys: Vec<KeySeq> = keymap
        .bindings()
        .iter()
        .flat_map(|b| b.keys.iter().copied())
        .collect();
    for c in ' '..='~' {
        for m in [KeyModifiers::NONE, KeyModifiers::CONTROL] {
            keys.push(KeySeq::one(Key::new(KeyCode::Char(c), m)));
        }
    }
    keys
}

/// What typing `keys` does in `mode` with nothing pending: the action the last key completes.
fn action_of(keymap: &Keymap, mode: Mode, keys: KeySeq) -> Option<Action> {
    let press = |key: Key| KeyEvent::new(key.code(), key.modifiers());
    let first = keymap.resolve(mode, None, &press(keys.first()));
    match keys.second() {
        None => first.actions.first().copied(),
        Some(second) => {
            let pending = first.pending?;
            keymap
                .resolve(mode, Some(pending), &press(second))
                .actions
                .first()
                .copied()
        }
    }
}

#[test]
fn every_key_that_acts_is_in_help_with_what_it_does() {
    let keymap = Keymap::default();
    let entries = help_entries(&keymap);
    for mode in Mode::ALL {
        for key in candidate_keys(&keymap) {
            let Some(action) = action_of(&keymap, mode, key) else {
                continue;
            };
            if matches!(action, Action::QueryInsert(_)) {
                continue;
            }
            let binding: &Binding = keymap
                .bindings()
                .iter()
                .find(|b| b.modes.contains(&mode) && b.keys.contains(&key))
                .expect("a key that acts has a binding");
            assert_eq!(binding.action, action);
            let label = key.to_string();
            assert!(
                entries
                    .iter()
                    .any(|(keys, description)| keys.contains(&label)
                        && *description == binding.description()),
                "{label} ({action:?} in {mode:?}) is not in help:\n{}",
                help_lines(&keymap).join("\n")
            );
        }
    }
}

/// Closing an overlay is bound to four keys; help used to name two of them.
#[test]
fn help_names_every_key_that_closes_it() {
    let entries = help_entries(&Keymap::default());
    let close = entries
        .iter()
        .find(|(_, d)| *d == Action::CloseOverlay.description())
        .expect("closing is in help");
    assert_eq!(close.0, ["esc", "q", "?", "!"]);
}

/// Backspace on an empty query line closes it, and help says so where it lists the query keys.
#[test]
fn backspace_on_an_empty_query_closes_it_and_help_says_so() {
    let now = "2026-11-23T12:00:00Z".parse().expect("time");
    let (mut state, _) = State::new(80, 24, now, Options::default());
    let backspace = KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE);
    app::update(&mut state, Msg::User(Action::StartQuery));
    assert_eq!(state.mode(), Mode::Query);
    let action = state.keymap.action_for(state.mode(), &backspace);
    assert_eq!(action, Some(Action::QueryBackspace));
    app::update(&mut state, Msg::User(Action::QueryBackspace));
    assert_eq!(state.mode(), Mode::List, "the empty line closed");

    let lines = help_lines(&state.keymap);
    let section = lines
        .iter()
        .position(|l| l == "Typing a filter")
        .expect("a section for the query line");
    let row = lines[section..]
        .iter()
        .find(|l| l.starts_with(" backspace "))
        .expect("backspace is listed for the query line");
    assert!(row.ends_with("on an empty line, close it."), "{row}");
}

fn screen(state: &State) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(state.width, state.height)).expect("test backend");
    terminal
        .draw(|frame| tidings::ui::draw(frame, state, &Theme::default()))
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer.cell((x, y)).map_or(" ", |c| c.symbol()));
        }
        out.push('\n');
    }
    out
}

/// A keymap whose quit key is `x` and whose overlays close with `c`.
fn rebound() -> Keymap {
    let mut bindings: Vec<Binding> = Keymap::default()
        .bindings()
        .iter()
        .filter(|b| !matches!(b.action, Action::Quit | Action::CloseOverlay))
        .cloned()
        .collect();
    bindings.push(Binding::new(
        &Mode::PANES,
        ["x".parse().expect("a key")],
        Action::Quit,
    ));
    bindings.push(Binding::new(
        &[Mode::Overlay],
        ["c".parse().expect("a key")],
        Action::CloseOverlay,
    ));
    let hints = vec![
        (Mode::List, Action::Quit),
        (Mode::Overlay, Action::CloseOverlay),
    ];
    Keymap::new(bindings, hints)
}

#[test]
fn the_footer_and_titles_name_the_live_keys() {
    let options = Options {
        keymap: rebound(),
        ..Options::default()
    };
    // Tall enough for help's whole first section.
    let (mut state, _) = State::new(
        100,
        60,
        "2026-11-23T12:00:00Z".parse().expect("time"),
        options,
    );
    let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(state.keymap.action_for(Mode::List, &x), Some(Action::Quit));
    let picture = screen(&state);
    let footer = picture.lines().last().expect("a footer row");
    assert_eq!(footer.trim(), "x quit");

    app::update(&mut state, Msg::User(Action::ToggleHelp));
    let picture = screen(&state);
    assert!(picture.contains(" keys — c closes "), "{picture}");
    assert_eq!(picture.lines().last().map(str::trim), Some("c close"));
    assert!(
        picture.contains(" x   "),
        "help lists the new key:\n{picture}"
    );
}

/// The README's key table is the keymap's, between two markers. Run with
/// `TIDINGS_UPDATE_README=1` to write it there after changing the keymap.
#[test]
fn the_readme_key_table_is_the_keymaps() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md reads");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} and {END} markers");
    };
    let table = Keymap::default().markdown_table();
    let shown = readme[start + START.len()..end].trim();
    if shown == table.trim() {
        return;
    }
    if std::env::var_os("TIDINGS_UPDATE_README").is_some() {
        let updated = format!(
            "{}{START}\n{}\n{END}{}",
            &readme[..start],
            table.trim(),
            &readme[end + END.len()..]
        );
        std::fs::write(&path, updated).expect("README.md writes");
        return;
    }
    panic!(
        "README.md's key table differs from the keymap; run the test with \
         TIDINGS_UPDATE_README=1 to write this one:\n{table}"
    );
}

fn any_key() -> impl Strategy<Value = Key> {
    let code = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        (1u8..=24).prop_map(KeyCode::F),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
        ]),
    ];
    let modifiers = (0u8..16).prop_map(|bits| {
        let mut m = KeyModifiers::NONE;
        for (bit, flag) in [
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
            KeyModifiers::SHIFT,
            KeyModifiers::SUPER,
        ]
        .into_iter()
        .enumerate()
        {
            if bits & (1 << bit) != 0 {
                m.insert(flag);
            }
        }
        m
    });
    (code, modifiers).prop_map(|(code, modifiers)| Key::new(code, modifiers))
}

proptest! {
    /// A key written the way help writes it reads back as the same key, so a label copied from
    /// help into a keymap binds what it says.
    #[test]
    fn keys_read_back_as_written(key in any_key()) {
        // Control characters and whitespace are no key a person types by name.
        prop_assume!(!matches!(key.code(), KeyCode::Char(c) if c.is_control() || (c.is_whitespace() && c != ' ')));
        let written = key.to_string();
        let read: Key = written.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(read, key, "{}", written);
    }
}

/// `g` waits for its second key with the footer saying so; `g g` goes to the top; a timeout
/// lets go of a held key without doing anything.
#[test]
fn a_sequence_is_held_in_the_footer_until_its_second_key() {
    let now = "2026-11-23T12:00:00Z".parse().expect("time");
    let (mut state, _) = State::new(100, 30, now, Options::default());
    let cards: Vec<tidings::corpus::Card> = (0..5u64)
        .map(|i| tidings::corpus::Card {
            id: tidings::corpus::CardId(i + 1),
            title: Some(format!("Card {i}").into()),
            ..Default::default()
        })
        .collect();
    app::update(
        &mut state,
        Msg::Loaded {
            cards: cards.into(),
            diagnostics: Vec::new(),
            progress: Default::default(),
        },
    );
    app::update(&mut state, Msg::LoadDone);
    let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    app::update(&mut state, key('G'));
    assert_eq!(state.list.row, 4);

    app::update(&mut state, key('g'));
    assert_eq!(
        state.pending_key.map(|k| k.to_string()).as_deref(),
        Some("g")
    );
    assert_eq!(state.list.row, 4, "nothing happens yet");
    let picture = screen(&state);
    let footer = picture.lines().last().expect("a footer");
    assert_eq!(footer.trim(), "g …  g g top");
    app::update(&mut state, key('g'));
    assert_eq!(state.pending_key, None);
    assert_eq!(state.list.row, 0);

    app::update(&mut state, key('j'));
    app::update(&mut state, key('g'));
    app::update(&mut state, Msg::KeyTimeout);
    assert_eq!(state.pending_key, None);
    assert_eq!(state.list.row, 1, "the timeout did nothing but let go");
    let picture = screen(&state);
    assert!(picture.lines().last().expect("a footer").contains("q quit"));

    // A click in between forgets the held key.
    app::update(&mut state, key('g'));
    app::update(&mut state, Msg::User(Action::Click { column: 1, row: 1 }));
    assert_eq!(state.pending_key, None);
}
