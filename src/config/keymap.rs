//! The keymap: (mode, key) -> [`Action`], as a value. The help overlay, the footer hints and the
//! README's key table are all generated from the live keymap, with each binding's label written
//! from its keys and its description taken from its action, so none of them can disagree with
//! what the keys really do.
//!
//! The defaults are built here; a configuration file can later merge its bindings over them.

use std::borrow::Cow;

use crokey::{KeyCombination, key};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::key::Key;
use crate::action::Action;

/// Which bindings are live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Moving around the panes.
    Browse,
    /// Typing into the query line.
    Query,
    /// The help or problems overlay is open.
    Overlay,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Browse, Mode::Query, Mode::Overlay];
}

/// Keys that do one action in some modes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub modes: Vec<Mode>,
    pub keys: Vec<Key>,
    pub action: Action,
    /// What the action does in these modes, only where that differs from its own description.
    pub description: Option<String>,
}

impl Binding {
    pub fn new(modes: &[Mode], keys: impl IntoIterator<Item = Key>, action: Action) -> Binding {
        Binding {
            modes: modes.to_vec(),
            keys: keys.into_iter().collect(),
            action,
            description: None,
        }
    }

    /// The binding with its own description instead of its action's.
    pub fn described(mut self, description: impl Into<String>) -> Binding {
        self.description = Some(description.into());
        self
    }

    /// The keys as help writes them: `j down`.
    pub fn label(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(Key::to_string).collect();
        keys.join(" ")
    }

    pub fn description(&self) -> Cow<'_, str> {
        match &self.description {
            Some(own) => Cow::Borrowed(own),
            None => self.action.description(),
        }
    }

    /// The help section that lists the binding: `None` for "everywhere" when it is live in
    /// every mode, else its first mode, so each binding is one row.
    fn home(&self) -> Option<Mode> {
        if Mode::ALL.iter().all(|m| self.modes.contains(m)) {
            None
        } else {
            self.modes.first().copied()
        }
    }
}

/// One section of the help: a title and its bindings, in keymap order.
#[derive(Debug)]
pub struct Section<'a> {
    pub title: &'static str,
    pub bindings: Vec<&'a Binding>,
}

/// Help's sections, in order: one per mode, then the bindings live in every mode.
const SECTIONS: [(&str, Option<Mode>); 4] = [
    ("Browsing", Some(Mode::Browse)),
    ("Typing a filter", Some(Mode::Query)),
    ("In help and problems", Some(Mode::Overlay)),
    ("Everywhere", None),
];

/// Every binding, and which actions the footer names in each mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
    hints: Vec<(Mode, Action)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::new(default_bindings(), default_hints())
    }
}

impl Keymap {
    /// A keymap of `bindings`, listed in help in this order, whose footer names the actions of
    /// `hints` for their mode (each with the first key bound to it there). Where a key is bound
    /// twice in a mode, the first binding wins.
    pub fn new(bindings: Vec<Binding>, hints: Vec<(Mode, Action)>) -> Keymap {
        Keymap { bindings, hints }
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action for a key in a mode, if any. Key releases are ignored: terminals that report
    /// them (kitty's protocol, Windows) must not do everything twice. In the query line, an
    /// unbound character without Ctrl or Alt types itself.
    pub fn action_for(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from(event);
        if let Some(binding) = self.live(mode).find(|b| b.keys.contains(&key)) {
            return Some(binding.action);
        }
        match (mode, key.code()) {
            (Mode::Query, KeyCode::Char(c))
                if !key
                    .modifiers()
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(Action::QueryInsert(c))
            }
            _ => None,
        }
    }

    /// The first key that does `action` in `mode`: the one to name in a hint.
    pub(crate) fn key_for(&self, mode: Mode, action: Action) -> Option<Key> {
        self.live(mode)
            .filter(|b| b.action == action)
            .find_map(|b| b.keys.first().copied())
    }

    /// The footer's hints for a mode: a key and the action's short word. An action the mode
    /// does not bind, or that has no short word, is left out.
    pub fn hints(&self, mode: Mode) -> impl Iterator<Item = (Key, &'static str)> + '_ {
        self.hints
            .iter()
            .filter(move |(m, _)| *m == mode)
            .filter_map(move |(_, action)| Some((self.key_for(mode, *action)?, action.hint()?)))
    }

    /// The bindings live in a mode.
    fn live(&self, mode: Mode) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(move |b| b.modes.contains(&mode))
    }

    /// The help's sections, each binding in one of them; empty sections are left out.
    pub(crate) fn sections(&self) -> Vec<Section<'_>> {
        SECTIONS
            .into_iter()
            .map(|(title, home)| Section {
                title,
                bindings: self
                    .bindings
                    .iter()
                    .filter(|b| !b.modes.is_empty() && b.home() == home)
                    .collect(),
            })
            .filter(|s| !s.bindings.is_empty())
            .collect()
    }

    /// The key table in Markdown, a table per help section, as the README shows it.
    pub fn markdown_table(&self) -> String {
        let mut out = String::new();
        for section in self.sections() {
            out.push_str(&format!("**{}**\n\n", section.title));
            out.push_str("| keys | action | what it does |\n|---|---|---|\n");
            for binding in section.bindings {
                let keys: Vec<String> = binding
                    .keys
                    .iter()
                    .map(|k| code_span(&k.to_string()))
                    .collect();
                let name = binding
                    .action
                    .config_name()
                    .map_or_else(String::new, |n| code_span(&n));
                out.push_str(&format!(
                    "| {} | {name} | {} |\n",
                    keys.join(" "),
                    binding.description().replace('|', "\\|")
                ));
            }
            out.push('\n');
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

/// `text` as inline code inside a Markdown table cell: a backtick in it needs a wider fence,
/// and a pipe is escaped even inside code.
fn code_span(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn bind<const N: usize>(modes: &[Mode], keys: [KeyCombination; N], action: Action) -> Binding {
    Binding::new(modes, keys.map(Key::from), action)
}

/// Every default binding, in the order help lists them.
fn default_bindings() -> Vec<Binding> {
    use Action::*;
    use Mode::{Browse, Overlay, Query};
    let all = &Mode::ALL;
    vec![
        bind(&[Browse], [key!('/')], StartQuery),
        bind(&[Browse, Overlay], [key!(j), key!(down)], MoveDown),
        bind(&[Browse, Overlay], [key!(k), key!(up)], MoveUp),
        // While typing, the focus is on the list: nothing scrolls.
        bind(&[Query], [key!(down), key!(ctrl - n)], MoveDown)
            .described("Next row of the list, while typing."),
        bind(&[Query], [key!(up), key!(ctrl - p)], MoveUp)
            .described("Previous row of the list, while typing."),
        bind(&[Browse, Overlay], [key!(ctrl - d)], HalfPageDown),
        bind(&[Browse, Overlay], [key!(ctrl - u)], HalfPageUp),
        bind(&[Browse, Query], [key!(pagedown)], PageDown),
        bind(&[Browse, Query], [key!(pageup)], PageUp),
        bind(&[Overlay], [key!(pagedown), key!(space)], PageDown),
        bind(&[Overlay], [key!(pageup)], PageUp),
        bind(&[Browse, Overlay], [key!(g), key!(home)], Top),
        bind(&[Browse, Overlay], [key!(shift - g), key!(end)], Bottom),
        bind(&[Browse], [key!(tab)], FocusNext),
        bind(&[Browse], [key!(shift - tab)], FocusPrev),
        bind(&[Browse], [key!(enter)], Activate),
        bind(&[Browse], [key!(backspace)], Back),
        bind(&[Browse], [key!(s)], CycleSort),
        bind(&[Browse], [key!(o)], OpenUrl),
        bind(&[Browse], [key!(y)], CopyUrl),
        bind(&[Browse], [key!('!')], ToggleDiagnostics),
        bind(&[Browse], [key!('?')], ToggleHelp),
        bind(&[Browse], [key!(esc)], QueryClear),
        bind(&[Browse], [key!(q)], Quit),
        bind(&[Query], [key!(enter)], QueryAccept),
        bind(&[Query], [key!(esc)], QueryClear),
        bind(&[Query], [key!(backspace)], QueryBackspace),
        bind(&[Query], [key!(del), key!(ctrl - d)], QueryDelete),
        bind(&[Query], [key!(ctrl - w)], QueryDeleteWord),
        bind(&[Query], [key!(left), key!(ctrl - b)], QueryLeft),
        bind(&[Query], [key!(right), key!(ctrl - f)], QueryRight),
        bind(&[Query], [key!(home), key!(ctrl - a)], QueryHome),
        bind(&[Query], [key!(end), key!(ctrl - e)], QueryEnd),
        bind(
            &[Overlay],
            [key!(esc), key!(q), key!('?'), key!('!')],
            CloseOverlay,
        ),
        bind(all, [key!(ctrl - c)], Quit),
        bind(all, [key!(ctrl - z)], Suspend),
    ]
}

/// What the footer names by default, per mode.
fn default_hints() -> Vec<(Mode, Action)> {
    use Action::*;
    use Mode::{Browse, Overlay, Query};
    vec![
        (Browse, StartQuery),
        (Browse, FocusNext),
        (Browse, CycleSort),
        (Browse, OpenUrl),
        (Browse, CopyUrl),
        (Browse, ToggleHelp),
        (Browse, Quit),
        (Query, QueryAccept),
        (Query, QueryClear),
        (Overlay, CloseOverlay),
    ]
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
        let keymap = Keymap::default();
        let mut key = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(
            keymap.action_for(Mode::Browse, &key),
            Some(Action::MoveDown)
        );
        key.kind = KeyEventKind::Release;
        assert_eq!(keymap.action_for(Mode::Browse, &key), None);
        key.kind = KeyEventKind::Repeat;
        key.state = KeyEventState::NONE;
        assert_eq!(
            keymap.action_for(Mode::Browse, &key),
            Some(Action::MoveDown)
        );
    }

    #[test]
    fn letters_type_into_the_query_but_act_in_the_list() {
        let keymap = Keymap::default();
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for(Mode::Browse, &q), Some(Action::Quit));
        assert_eq!(
            keymap.action_for(Mode::Query, &q),
            Some(Action::QueryInsert('q'))
        );
        let upper = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            keymap.action_for(Mode::Browse, &upper),
            Some(Action::Bottom)
        );
        assert_eq!(
            keymap.action_for(Mode::Query, &upper),
            Some(Action::QueryInsert('G'))
        );
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in Mode::ALL {
            assert_eq!(keymap.action_for(mode, &ctrl_c), Some(Action::Quit));
        }
        let alt_x = press(KeyCode::Char('x'), KeyModifiers::ALT);
        assert_eq!(keymap.action_for(Mode::Query, &alt_x), None);
    }

    #[test]
    fn shift_tab_arrives_either_way() {
        let keymap = Keymap::default();
        for m in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
            assert_eq!(
                keymap.action_for(Mode::Browse, &press(KeyCode::BackTab, m)),
                Some(Action::FocusPrev)
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        let keymap = Keymap::default();
        for mode in Mode::ALL {
            let keys: Vec<Key> = keymap
                .live(mode)
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k} bound twice in {mode:?}");
            }
        }
    }

    #[test]
    fn footer_hints_come_from_the_keymap() {
        let keymap = Keymap::default();
        let words = |mode| -> Vec<String> {
            keymap
                .hints(mode)
                .map(|(key, word)| format!("{key} {word}"))
                .collect()
        };
        assert_eq!(
            words(Mode::Browse),
            [
                "/ filter", "tab pane", "s sort", "o open", "y copy", "? help", "q quit"
            ]
        );
        assert_eq!(words(Mode::Query), ["enter keep", "esc clear"]);
        assert_eq!(words(Mode::Overlay), ["esc close"]);
    }

    #[test]
    fn a_per_mode_description_replaces_the_actions_own() {
        let keymap = Keymap::default();
        let described: Vec<&Binding> = keymap
            .bindings()
            .iter()
            .filter(|b| b.description.is_some())
            .collect();
        assert_eq!(described.len(), 2, "kept for where the meaning differs");
        for b in described {
            assert_eq!(b.modes, [Mode::Query]);
            assert_ne!(b.description(), b.action.description());
        }
    }

    #[test]
    fn markdown_cells_survive_pipes_and_backticks() {
        assert_eq!(code_span("|"), "`\\|`");
        assert_eq!(code_span("`"), "`` ` ``");
        let keymap = Keymap::new(
            vec![
                Binding::new(&[Mode::Browse], ["|".parse().expect("a key")], Action::Quit)
                    .described("a | b"),
            ],
            Vec::new(),
        );
        assert_eq!(
            keymap.markdown_table(),
            "**Browsing**\n\n| keys | action | what it does |\n|---|---|---|\n\
             | `\\|` | `quit` | a \\| b |\n"
        );
    }
}
