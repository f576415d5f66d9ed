//! The key table: (mode, key) -> [`Action`], each binding with the description the help overlay
//! shows and, for a few, the short hint the footer shows. Both are generated from this one
//! table, so they always agree with what the keys really do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::action::Action;

/// Which bindings are live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Moving around the panes.
    Browse,
    /// Typing into the query line.
    Query,
    /// The help or diagnostics overlay is open.
    Overlay,
}

/// One key: a code and the modifiers that must be held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// A row of the key table.
#[derive(Debug)]
pub struct Binding {
    pub modes: &'static [Mode],
    pub keys: &'static [Key],
    pub action: Action,
    /// How the keys are written in help, e.g. `j ↓`.
    pub label: &'static str,
    pub description: &'static str,
    /// The footer's short word for this binding, if it has a place there.
    pub hint: Option<&'static str>,
}

const BROWSE: &[Mode] = &[Mode::Browse];
const QUERY: &[Mode] = &[Mode::Query];
const OVERLAY: &[Mode] = &[Mode::Overlay];
const BROWSE_QUERY: &[Mode] = &[Mode::Browse, Mode::Query];
const BROWSE_OVERLAY: &[Mode] = &[Mode::Browse, Mode::Overlay];
const ALL: &[Mode] = &[Mode::Browse, Mode::Query, Mode::Overlay];

macro_rules! binding {
    ($modes:expr, [$($key:expr),+], $action:expr, $label:expr, $desc:expr, $hint:expr) => {
        Binding {
            modes: $modes,
            keys: &[$($key),+],
            action: $action,
            label: $label,
            description: $desc,
            hint: $hint,
        }
    };
}

/// Every binding, in the order help lists them.
pub static BINDINGS: &[Binding] = &[
    binding!(
        BROWSE,
        [ch('/')],
        Action::StartQuery,
        "/",
        "filter the list (fuzzy; 'exact ^prefix suffix$ !not title: provider: topic: category:)",
        Some("filter")
    ),
    binding!(
        BROWSE_OVERLAY,
        [ch('j'), plain(KeyCode::Down)],
        Action::MoveDown,
        "j ↓",
        "next row, or scroll down",
        None
    ),
    binding!(
        BROWSE_OVERLAY,
        [ch('k'), plain(KeyCode::Up)],
        Action::MoveUp,
        "k ↑",
        "previous row, or scroll up",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Down), ctrl('n')],
        Action::MoveDown,
        "↓ C-n",
        "next row while filtering",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Up), ctrl('p')],
        Action::MoveUp,
        "↑ C-p",
        "previous row while filtering",
        None
    ),
    binding!(
        BROWSE_OVERLAY,
        [ctrl('d')],
        Action::HalfPageDown,
        "C-d",
        "half a page down",
        None
    ),
    binding!(
        BROWSE_OVERLAY,
        [ctrl('u')],
        Action::HalfPageUp,
        "C-u",
        "half a page up",
        None
    ),
    binding!(
        BROWSE_QUERY,
        [plain(KeyCode::PageDown)],
        Action::PageDown,
        "PgDn",
        "a page down",
        None
    ),
    binding!(
        BROWSE_QUERY,
        [plain(KeyCode::PageUp)],
        Action::PageUp,
        "PgUp",
        "a page up",
        None
    ),
    binding!(
        OVERLAY,
        [plain(KeyCode::PageDown), ch(' ')],
        Action::PageDown,
        "PgDn Space",
        "a page down",
        None
    ),
    binding!(
        OVERLAY,
        [plain(KeyCode::PageUp)],
        Action::PageUp,
        "PgUp",
        "a page up",
        None
    ),
    binding!(
        BROWSE_OVERLAY,
        [ch('g'), plain(KeyCode::Home)],
        Action::Top,
        "g Home",
        "first row",
        None
    ),
    binding!(
        BROWSE_OVERLAY,
        [ch('G'), plain(KeyCode::End)],
        Action::Bottom,
        "G End",
        "last row",
        None
    ),
    binding!(
        BROWSE,
        [plain(KeyCode::Tab)],
        Action::FocusNext,
        "Tab",
        "next pane: list, detail, related",
        Some("pane")
    ),
    binding!(
        BROWSE,
        [
            plain(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                modifiers: KeyModifiers::SHIFT
            }
        ],
        Action::FocusPrev,
        "S-Tab",
        "previous pane",
        None
    ),
    binding!(
        BROWSE,
        [plain(KeyCode::Enter)],
        Action::Activate,
        "Enter",
        "open the card's detail; on a related entry, jump to it (or open it if outside)",
        None
    ),
    binding!(
        BROWSE,
        [plain(KeyCode::Backspace)],
        Action::Back,
        "Backspace",
        "back to the card before the last jump",
        None
    ),
    binding!(
        BROWSE,
        [ch('s')],
        Action::CycleSort,
        "s",
        "cycle the sort: date, quality, heat, title, provider (relevance when filtering)",
        Some("sort")
    ),
    binding!(
        BROWSE,
        [ch('o')],
        Action::OpenUrl,
        "o",
        "open the URL in the browser (card, or related entry in the related pane)",
        Some("open")
    ),
    binding!(
        BROWSE,
        [ch('y')],
        Action::CopyUrl,
        "y",
        "copy the URL to the clipboard (OSC 52)",
        Some("copy")
    ),
    binding!(
        BROWSE,
        [ch('!')],
        Action::ToggleDiagnostics,
        "!",
        "problems found while loading",
        None
    ),
    binding!(
        BROWSE,
        [ch('?')],
        Action::ToggleHelp,
        "?",
        "this help",
        Some("help")
    ),
    binding!(
        BROWSE,
        [plain(KeyCode::Esc)],
        Action::QueryClear,
        "Esc",
        "clear the filter",
        None
    ),
    binding!(BROWSE, [ch('q')], Action::Quit, "q", "quit", Some("quit")),
    binding!(
        QUERY,
        [plain(KeyCode::Enter)],
        Action::QueryAccept,
        "Enter",
        "keep the filter, back to the list",
        Some("keep")
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Esc)],
        Action::QueryClear,
        "Esc",
        "clear the filter, back to the list",
        Some("clear")
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Backspace)],
        Action::QueryBackspace,
        "Backspace",
        "delete before the cursor",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Delete), ctrl('d')],
        Action::QueryDelete,
        "Del C-d",
        "delete under the cursor",
        None
    ),
    binding!(
        QUERY,
        [ctrl('w')],
        Action::QueryDeleteWord,
        "C-w",
        "delete the word before the cursor",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Left), ctrl('b')],
        Action::QueryLeft,
        "← C-b",
        "cursor left",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Right), ctrl('f')],
        Action::QueryRight,
        "→ C-f",
        "cursor right",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::Home), ctrl('a')],
        Action::QueryHome,
        "Home C-a",
        "cursor to the start",
        None
    ),
    binding!(
        QUERY,
        [plain(KeyCode::End), ctrl('e')],
        Action::QueryEnd,
        "End C-e",
        "cursor to the end",
        None
    ),
    binding!(
        OVERLAY,
        [plain(KeyCode::Esc), ch('q'), ch('?'), ch('!')],
        Action::CloseOverlay,
        "Esc q",
        "close this view",
        Some("close")
    ),
    binding!(ALL, [ctrl('c')], Action::Quit, "C-c", "quit", None),
    binding!(
        ALL,
        [ctrl('z')],
        Action::Suspend,
        "C-z",
        "suspend to the shell (fg resumes)",
        None
    ),
];

/// Folds what terminals disagree on: Shift is implied by an upper-case letter, and Shift-Tab
/// arrives as BackTab with or without the Shift flag.
fn normalise(key: &KeyEvent) -> Key {
    let mut modifiers = key.modifiers;
    if let KeyCode::Char(c) = key.code
        && !c.is_ascii_lowercase()
    {
        modifiers.remove(KeyModifiers::SHIFT);
    }
    Key {
        code: key.code,
        modifiers,
    }
}

/// The action for a key in a mode, if any. Key releases are ignored: terminals that report them
/// (kitty's protocol, Windows) must not do everything twice.
pub fn action_for(mode: Mode, key: &KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = normalise(key);
    if let Some(binding) = BINDINGS
        .iter()
        .find(|b| b.modes.contains(&mode) && b.keys.contains(&pressed))
    {
        return Some(binding.action);
    }
    match (mode, pressed.code) {
        (Mode::Query, KeyCode::Char(c))
            if !pressed
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Action::QueryInsert(c))
        }
        _ => None,
    }
}

/// The bindings shown in help for a mode.
pub fn help(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.modes.contains(&mode))
}

/// The footer hints for a mode: (keys, word), from the same table.
pub fn hints(mode: Mode) -> impl Iterator<Item = (&'static str, &'static str)> {
    help(mode).filter_map(|b| b.hint.map(|h| (b.label, h)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn releases_are_ignored_and_repeats_count() {
        let mut key = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Browse, &key), Some(Action::MoveDown));
        key.kind = KeyEventKind::Release;
        assert_eq!(action_for(Mode::Browse, &key), None);
        key.kind = KeyEventKind::Repeat;
        key.state = KeyEventState::NONE;
        assert_eq!(action_for(Mode::Browse, &key), Some(Action::MoveDown));
    }

    #[test]
    fn letters_type_into_the_query_but_act_in_the_list() {
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Browse, &q), Some(Action::Quit));
        assert_eq!(action_for(Mode::Query, &q), Some(Action::QueryInsert('q')));
        let upper = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Mode::Browse, &upper), Some(Action::Bottom));
        assert_eq!(
            action_for(Mode::Query, &upper),
            Some(Action::QueryInsert('G'))
        );
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in [Mode::Browse, Mode::Query, Mode::Overlay] {
            assert_eq!(action_for(mode, &ctrl_c), Some(Action::Quit));
        }
        let alt_x = press(KeyCode::Char('x'), KeyModifiers::ALT);
        assert_eq!(action_for(Mode::Query, &alt_x), None);
    }

    #[test]
    fn shift_tab_arrives_either_way() {
        for m in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
            assert_eq!(
                action_for(Mode::Browse, &press(KeyCode::BackTab, m)),
                Some(Action::FocusPrev)
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for mode in [Mode::Browse, Mode::Query, Mode::Overlay] {
            let keys: Vec<Key> = help(mode).flat_map(|b| b.keys.iter().copied()).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice in {mode:?}");
            }
        }
    }

    #[test]
    fn footer_hints_come_from_the_table() {
        let browse: Vec<_> = hints(Mode::Browse).collect();
        assert!(browse.contains(&("/", "filter")));
        assert!(browse.contains(&("q", "quit")));
        assert!(hints(Mode::Query).any(|(_, h)| h == "keep"));
    }
}
