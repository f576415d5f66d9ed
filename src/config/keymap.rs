//! The keymap: (mode, keys) -> [`Action`], as a value. The help overlay, the footer hints and
//! the README's key table are all generated from the live keymap, with each binding's label
//! written from its keys and its description taken from its action, so none of them can
//! disagree with what the keys really do.
//!
//! A binding is one key or a sequence of two (`g g`). The first key of a sequence is held as
//! pending (the footer shows it) until the second arrives or a timeout passes. No key both acts
//! and starts a sequence in one mode, so a pending key never stands for an action of its own,
//! except in the query line, where an unbound character types itself.
//!
//! The defaults are built here; the configuration file's bindings are laid over them in
//! `config::merge`.

use std::borrow::Cow;

use crokey::{KeyCombination, key};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::key::{Key, KeySeq};
use crate::action::Action;

/// Which bindings are live: the pane with the focus, the query line, or an overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// The list of cards has the focus.
    List,
    /// The detail pane has the focus.
    Detail,
    /// The related pane has the focus.
    Related,
    /// Typing into the query line.
    Query,
    /// The help or problems overlay is open.
    Overlay,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::List,
        Mode::Detail,
        Mode::Related,
        Mode::Query,
        Mode::Overlay,
    ];

    /// The three panes, where browsing keys are live.
    pub const PANES: [Mode; 3] = [Mode::List, Mode::Detail, Mode::Related];

    /// Where the mode is, as a sentence names it.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::List => "the list",
            Mode::Detail => "the detail pane",
            Mode::Related => "the related pane",
            Mode::Query => "the query line",
            Mode::Overlay => "help and problems",
        }
    }
}

/// Where a table of a configuration's `[keys]` binds, and where help lists a binding: one mode,
/// the three panes, or every mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Browse,
    One(Mode),
    Everywhere,
}

impl Scope {
    /// In the order help lists them and the default file writes them.
    pub const ALL: [Scope; 7] = [
        Scope::Browse,
        Scope::One(Mode::List),
        Scope::One(Mode::Detail),
        Scope::One(Mode::Related),
        Scope::One(Mode::Query),
        Scope::One(Mode::Overlay),
        Scope::Everywhere,
    ];

    /// The name of its table under `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Browse => "browse",
            Scope::One(Mode::List) => "list",
            Scope::One(Mode::Detail) => "detail",
            Scope::One(Mode::Related) => "related",
            Scope::One(Mode::Query) => "query",
            Scope::One(Mode::Overlay) => "overlay",
            Scope::Everywhere => "everywhere",
        }
    }

    /// Its section's title in help.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Browse => "Browsing",
            Scope::One(Mode::List) => "In the list",
            Scope::One(Mode::Detail) => "In the detail pane",
            Scope::One(Mode::Related) => "In the related pane",
            Scope::One(Mode::Query) => "Typing a filter",
            Scope::One(Mode::Overlay) => "In help and problems",
            Scope::Everywhere => "Everywhere",
        }
    }

    pub fn modes(self) -> &'static [Mode] {
        match self {
            Scope::Browse => &Mode::PANES,
            Scope::One(Mode::List) => &[Mode::List],
            Scope::One(Mode::Detail) => &[Mode::Detail],
            Scope::One(Mode::Related) => &[Mode::Related],
            Scope::One(Mode::Query) => &[Mode::Query],
            Scope::One(Mode::Overlay) => &[Mode::Overlay],
            Scope::Everywhere => &Mode::ALL,
        }
    }

    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The fewest scopes that together are exactly `modes`: how a configuration file writes
    /// a binding.
    pub(crate) fn covering(modes: &[Mode]) -> Vec<Scope> {
        if Mode::ALL.iter().all(|m| modes.contains(m)) {
            return vec![Scope::Everywhere];
        }
        let browse = Mode::PANES.iter().all(|m| modes.contains(m));
        let mut scopes: Vec<Scope> = browse.then_some(Scope::Browse).into_iter().collect();
        scopes.extend(
            Mode::ALL
                .into_iter()
                .filter(|m| modes.contains(m) && !(browse && Mode::PANES.contains(m)))
                .map(Scope::One),
        );
        scopes
    }
}

/// Keys that do one action in some modes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub modes: Vec<Mode>,
    pub keys: Vec<KeySeq>,
    pub action: Action,
    /// What the action does in these modes, only where that differs from its own description.
    pub description: Option<String>,
}

impl Binding {
    pub fn new(modes: &[Mode], keys: impl IntoIterator<Item = KeySeq>, action: Action) -> Binding {
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

    /// The keys as help writes them: `j, down`, `g g, home` (a space is inside a sequence).
    pub fn label(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(KeySeq::to_string).collect();
        keys.join(", ")
    }

    pub fn description(&self) -> Cow<'_, str> {
        match &self.description {
            Some(own) => Cow::Borrowed(own),
            None => self.action.description(),
        }
    }

    /// The help section that lists the binding, so each binding is one row: every mode, the
    /// three panes, or else its first mode.
    fn home(&self) -> Option<Scope> {
        if Mode::ALL.iter().all(|m| self.modes.contains(m)) {
            Some(Scope::Everywhere)
        } else if Mode::PANES.iter().all(|m| self.modes.contains(m)) {
            Some(Scope::Browse)
        } else {
            self.modes.first().map(|m| Scope::One(*m))
        }
    }
}

/// One section of the help: a title and its bindings, in keymap order.
#[derive(Debug)]
pub struct Section<'a> {
    pub title: &'static str,
    pub bindings: Vec<&'a Binding>,
}

/// What a key press comes to: the actions to take, in order, and the key left pending as the
/// start of a sequence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    pub actions: Vec<Action>,
    pub pending: Option<Key>,
}

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
    /// `hints` for their mode (each with the first keys bound to it there). Where keys are
    /// bound twice in a mode, the first binding wins.
    pub fn new(bindings: Vec<Binding>, hints: Vec<(Mode, Action)>) -> Keymap {
        Keymap { bindings, hints }
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    pub(crate) fn hint_list(&self) -> &[(Mode, Action)] {
        &self.hints
    }

    /// What a key press does in a mode, after the `pending` first key of a sequence, if any.
    ///
    /// A key that completes a sequence does its action. One that does not lets the pending key
    /// act alone (in the query line a character types itself; elsewhere a pending key does
    /// nothing alone) and is then read afresh, so it may start a sequence of its own. Key
    /// releases are ignored: terminals that report them (kitty's protocol, Windows) must not
    /// do everything twice.
    pub fn resolve(&self, mode: Mode, pending: Option<Key>, event: &KeyEvent) -> Resolved {
        if event.kind == KeyEventKind::Release {
            return Resolved {
                actions: Vec::new(),
                pending,
            };
        }
        let key = Key::from(event);
        let mut actions = Vec::new();
        if let Some(first) = pending {
            if let Some(action) = self.bound(mode, KeySeq::two(first, key)) {
                return Resolved {
                    actions: vec![action],
                    pending: None,
                };
            }
            actions.extend(self.alone(mode, first));
        }
        if self.starts_sequence(mode, key) {
            return Resolved {
                actions,
                pending: Some(key),
            };
        }
        actions.extend(self.alone(mode, key));
        Resolved {
            actions,
            pending: None,
        }
    }

    /// The action for a single key press in a mode with nothing pending, if it has one of its
    /// own (a key that starts a sequence has none).
    pub fn action_for(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        let resolved = self.resolve(mode, None, event);
        match resolved.pending {
            Some(_) => None,
            None => resolved.actions.first().copied(),
        }
    }

    /// What `key` does by itself in `mode`: its binding, or in the query line an unbound
    /// character without Ctrl or Alt types itself.
    pub fn alone(&self, mode: Mode, key: Key) -> Option<Action> {
        if let Some(action) = self.bound(mode, KeySeq::one(key)) {
            return Some(action);
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

    /// The action bound to exactly `keys` in `mode`.
    pub(crate) fn bound(&self, mode: Mode, keys: KeySeq) -> Option<Action> {
        self.live(mode)
            .find(|b| b.keys.contains(&keys))
            .map(|b| b.action)
    }

    fn starts_sequence(&self, mode: Mode, key: Key) -> bool {
        self.live(mode)
            .flat_map(|b| &b.keys)
            .any(|k| k.first() == key && k.second().is_some())
    }

    /// The keys that complete a sequence started with `first` in `mode`, and what each does:
    /// what the footer offers while a key is pending.
    pub fn continuations(&self, mode: Mode, first: Key) -> Vec<(Key, Action)> {
        self.live(mode)
            .flat_map(|b| b.keys.iter().map(move |k| (k, b.action)))
            .filter(|(k, _)| k.first() == first)
            .filter_map(|(k, action)| Some((k.second()?, action)))
            .collect()
    }

    /// The first keys that do `action` in `mode`: the ones to name in a hint.
    pub(crate) fn key_for(&self, mode: Mode, action: Action) -> Option<KeySeq> {
        self.live(mode)
            .filter(|b| b.action == action)
            .find_map(|b| b.keys.first().copied())
    }

    /// The footer's hints for a mode: keys and the action's short word. An action the mode
    /// does not bind, or that has no short word, is left out.
    pub fn hints(&self, mode: Mode) -> impl Iterator<Item = (KeySeq, &'static str)> + '_ {
        self.hinted(mode)
            .filter_map(|(keys, action)| Some((keys, action.hint()?)))
    }

    /// The footer's hints for a mode as keys and actions, for a footer that must choose which
    /// of them to keep; only actions with a short word.
    pub fn hinted(&self, mode: Mode) -> impl Iterator<Item = (KeySeq, Action)> + '_ {
        self.hints
            .iter()
            .filter(move |(m, action)| *m == mode && action.hint().is_some())
            .filter_map(move |(_, action)| Some((self.key_for(mode, *action)?, *action)))
    }

    /// The bindings live in a mode.
    pub(crate) fn live(&self, mode: Mode) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(move |b| b.modes.contains(&mode))
    }

    /// The help's sections, each binding in one of them; empty sections are left out.
    pub(crate) fn sections(&self) -> Vec<Section<'_>> {
        Scope::ALL
            .into_iter()
            .map(|scope| Section {
                title: scope.title(),
                bindings: self
                    .bindings
                    .iter()
                    .filter(|b| !b.keys.is_empty() && b.home() == Some(scope))
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

/// One key, as the defaults name it.
fn k(combination: KeyCombination) -> KeySeq {
    KeySeq::from(combination)
}

fn bind<const N: usize>(modes: &[Mode], keys: [KeySeq; N], action: Action) -> Binding {
    Binding::new(modes, keys, action)
}

/// Every default binding, in the order help lists them. No key both acts and starts a
/// sequence in one mode.
fn default_bindings() -> Vec<Binding> {
    use Action::*;
    use Mode::{Detail, List, Overlay, Query, Related};
    let panes = &Mode::PANES;
    let scrolling = &[List, Detail, Related, Overlay];
    let g_g = KeySeq::two(Key::from(key!(g)), Key::from(key!(g)));
    vec![
        bind(panes, [k(key!('/'))], StartQuery),
        bind(scrolling, [k(key!(j)), k(key!(down))], MoveDown),
        bind(scrolling, [k(key!(k)), k(key!(up))], MoveUp),
        // While typing, the focus is on the list: nothing scrolls.
        bind(&[Query], [k(key!(down))], MoveDown).described("Next row of the list, while typing."),
        bind(&[Query], [k(key!(up))], MoveUp).described("Previous row of the list, while typing."),
        bind(&[Query], [k(key!(ctrl - p))], HistoryBack),
        bind(&[Query], [k(key!(ctrl - n))], HistoryForward),
        bind(scrolling, [k(key!(ctrl - d))], HalfPageDown),
        bind(scrolling, [k(key!(ctrl - u))], HalfPageUp),
        bind(
            &[List, Detail, Related, Query],
            [k(key!(pagedown))],
            PageDown,
        ),
        bind(&[List, Detail, Related, Query], [k(key!(pageup))], PageUp),
        bind(&[Overlay], [k(key!(pagedown)), k(key!(space))], PageDown),
        bind(&[Overlay], [k(key!(pageup))], PageUp),
        bind(scrolling, [g_g, k(key!(home))], Top),
        bind(scrolling, [k(key!(shift - g)), k(key!(end))], Bottom),
        bind(panes, [k(key!(tab))], FocusNext),
        bind(panes, [k(key!(shift - tab))], FocusPrev),
        bind(panes, [k(key!(enter))], Activate),
        bind(panes, [k(key!(backspace))], Back),
        bind(panes, [k(key!(s))], CycleSort),
        bind(panes, [k(key!(r))], Reverse),
        bind(panes, [k(key!(o))], OpenUrl),
        bind(panes, [k(key!(y))], CopyUrl),
        bind(panes, [k(key!('!'))], ToggleDiagnostics),
        bind(panes, [k(key!('?'))], ToggleHelp),
        bind(panes, [k(key!(q))], Quit),
        bind(panes, [k(key!(m))], ToggleRead),
        bind(panes, [k(key!(shift - m))], MarkAllRead),
        bind(panes, [k(key!(u))], Undo),
        bind(panes, [k(key!('*'))], ToggleStar),
        bind(panes, [k(key!(n))], NextUnread),
        bind(panes, [k(key!(shift - n))], PrevUnread),
        bind(panes, [k(key!(shift - u))], ToggleUnreadOnly),
        bind(panes, [k(key!(shift - s))], SaveSearch),
        bind(panes, [k(key!('@'))], SavedSearches),
        bind(&[List], [k(key!(esc))], QueryClear),
        // One binding per pane, so that help lists the keys under each.
        bind(
            &[Detail],
            [k(key!(esc)), k(key!(h)), k(key!(left))],
            ShowList,
        ),
        bind(
            &[Related],
            [k(key!(esc)), k(key!(h)), k(key!(left))],
            ShowList,
        ),
        bind(&[Query], [k(key!(enter))], QueryAccept),
        bind(&[Query], [k(key!(esc))], QueryClear),
        bind(&[Query], [k(key!(backspace))], QueryBackspace),
        bind(&[Query], [k(key!(del)), k(key!(ctrl - d))], QueryDelete),
        bind(&[Query], [k(key!(ctrl - w))], QueryDeleteWord),
        bind(&[Query], [k(key!(ctrl - u))], QueryDeleteToStart),
        bind(&[Query], [k(key!(ctrl - k))], QueryDeleteToEnd),
        bind(&[Query], [k(key!(left)), k(key!(ctrl - b))], QueryLeft),
        bind(&[Query], [k(key!(right)), k(key!(ctrl - f))], QueryRight),
        bind(&[Query], [k(key!(alt - b))], QueryWordLeft),
        bind(&[Query], [k(key!(alt - f))], QueryWordRight),
        bind(&[Query], [k(key!(home)), k(key!(ctrl - a))], QueryHome),
        bind(&[Query], [k(key!(end)), k(key!(ctrl - e))], QueryEnd),
        bind(
            &[Overlay],
            [k(key!(esc)), k(key!(q)), k(key!('?')), k(key!('!'))],
            CloseOverlay,
        ),
        bind(&[Overlay], [k(key!(enter))], Activate).described(
            "In the problems: show the card the chosen one is about; in the saved searches: \
             apply the chosen one.",
        ),
        bind(&[Overlay], [k(key!(r))], RenameSaved),
        bind(&[Overlay], [k(key!(d))], DeleteSaved),
        bind(&Mode::ALL, [k(key!(ctrl - c))], Quit),
        bind(&Mode::ALL, [k(key!(ctrl - z))], Suspend),
        bind(&Mode::ALL, [k(key!(ctrl - l))], Repaint),
    ]
}

/// What the footer names by default, per mode.
fn default_hints() -> Vec<(Mode, Action)> {
    use Action::*;
    let mut hints = Vec::new();
    for pane in Mode::PANES {
        // Where one pane fills the screen, the way back to the list must be in sight.
        if pane != Mode::List {
            hints.push((pane, ShowList));
        }
        for action in [
            StartQuery, FocusNext, CycleSort, OpenUrl, CopyUrl, ToggleHelp, Quit,
        ] {
            hints.push((pane, action));
        }
    }
    hints.extend([
        (Mode::Query, QueryAccept),
        (Mode::Query, QueryClear),
        (Mode::Overlay, CloseOverlay),
    ]);
    hints
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
        assert_eq!(keymap.action_for(Mode::List, &key), Some(Action::MoveDown));
        key.kind = KeyEventKind::Release;
        assert_eq!(keymap.action_for(Mode::List, &key), None);
        key.kind = KeyEventKind::Repeat;
        key.state = KeyEventState::NONE;
        assert_eq!(keymap.action_for(Mode::List, &key), Some(Action::MoveDown));
    }

    #[test]
    fn letters_type_into_the_query_but_act_in_the_list() {
        let keymap = Keymap::default();
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for(Mode::List, &q), Some(Action::Quit));
        assert_eq!(
            keymap.action_for(Mode::Query, &q),
            Some(Action::QueryInsert('q'))
        );
        let upper = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(keymap.action_for(Mode::List, &upper), Some(Action::Bottom));
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
                keymap.action_for(Mode::List, &press(KeyCode::BackTab, m)),
                Some(Action::FocusPrev)
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_or_both_acts_and_starts_a_sequence() {
        let keymap = Keymap::default();
        for mode in Mode::ALL {
            let keys: Vec<KeySeq> = keymap
                .live(mode)
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k} bound twice in {mode:?}");
                assert!(
                    !keys.iter().any(|other| k.clashes_with(other)),
                    "{k} acts and starts a sequence in {mode:?}"
                );
            }
        }
    }

    #[test]
    fn a_sequence_waits_for_its_second_key() {
        let keymap = Keymap::default();
        let g = press(KeyCode::Char('g'), KeyModifiers::NONE);
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        let first = keymap.resolve(Mode::List, None, &g);
        assert_eq!(first.actions, []);
        assert_eq!(first.pending, Some(Key::from(&g)));
        assert_eq!(keymap.action_for(Mode::List, &g), None);
        let second = keymap.resolve(Mode::List, first.pending, &g);
        assert_eq!(second.actions, [Action::Top]);
        assert_eq!(second.pending, None);
        // Another key ends the wait and is read on its own.
        let other = keymap.resolve(Mode::List, first.pending, &j);
        assert_eq!(other.actions, [Action::MoveDown]);
        assert_eq!(other.pending, None);
        // A release changes nothing.
        let mut release = g;
        release.kind = KeyEventKind::Release;
        assert_eq!(keymap.resolve(Mode::List, first.pending, &release), first);
        assert_eq!(
            keymap.continuations(Mode::List, Key::from(&g)),
            [(Key::from(&g), Action::Top)]
        );
        // In the query line, g types itself.
        assert_eq!(
            keymap.resolve(Mode::Query, None, &g).actions,
            [Action::QueryInsert('g')]
        );
    }

    #[test]
    fn a_pending_character_in_the_query_line_types_itself_when_the_sequence_breaks() {
        let j = Key::new(KeyCode::Char('j'), KeyModifiers::NONE);
        let k = Key::new(KeyCode::Char('k'), KeyModifiers::NONE);
        let keymap = Keymap::new(
            vec![Binding::new(
                &[Mode::Query],
                [KeySeq::two(j, k)],
                Action::QueryAccept,
            )],
            Vec::new(),
        );
        let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        let after_j = keymap.resolve(Mode::Query, Some(j), &x);
        assert_eq!(
            after_j.actions,
            [Action::QueryInsert('j'), Action::QueryInsert('x')]
        );
        let jk = keymap.resolve(
            Mode::Query,
            Some(j),
            &press(KeyCode::Char('k'), KeyModifiers::NONE),
        );
        assert_eq!(jk.actions, [Action::QueryAccept]);
    }

    #[test]
    fn esc_goes_to_the_list_from_the_panes_and_clears_the_filter_in_the_list() {
        let keymap = Keymap::default();
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            keymap.action_for(Mode::List, &esc),
            Some(Action::QueryClear)
        );
        for key in [
            esc,
            press(KeyCode::Char('h'), KeyModifiers::NONE),
            press(KeyCode::Left, KeyModifiers::NONE),
        ] {
            assert_eq!(
                keymap.action_for(Mode::Detail, &key),
                Some(Action::ShowList)
            );
            assert_eq!(
                keymap.action_for(Mode::Related, &key),
                Some(Action::ShowList)
            );
        }
        assert_eq!(
            keymap.action_for(Mode::Query, &esc),
            Some(Action::QueryClear)
        );
        assert_eq!(
            keymap.action_for(Mode::Overlay, &esc),
            Some(Action::CloseOverlay)
        );
    }

    #[test]
    fn scopes_cover_modes_exactly() {
        use Mode::*;
        assert_eq!(Scope::covering(&Mode::ALL), [Scope::Everywhere]);
        assert_eq!(
            Scope::covering(&[List, Detail, Related, Overlay]),
            [Scope::Browse, Scope::One(Overlay)]
        );
        assert_eq!(
            Scope::covering(&[Detail, Query]),
            [Scope::One(Detail), Scope::One(Query)]
        );
        for scope in Scope::ALL {
            assert_eq!(Scope::from_name(scope.name()), Some(scope));
            assert_eq!(Scope::covering(scope.modes()), [scope]);
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
            words(Mode::List),
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
        assert_eq!(described.len(), 3, "kept for where the meaning differs");
        for b in described {
            assert!(b.modes == [Mode::Query] || b.modes == [Mode::Overlay]);
            assert_ne!(b.description(), b.action.description());
        }
    }

    #[test]
    fn markdown_cells_survive_pipes_and_backticks() {
        assert_eq!(code_span("|"), "`\\|`");
        assert_eq!(code_span("`"), "`` ` ``");
        let keymap = Keymap::new(
            vec![
                Binding::new(&[Mode::List], ["|".parse().expect("a key")], Action::Quit)
                    .described("a | b"),
            ],
            Vec::new(),
        );
        assert_eq!(
            keymap.markdown_table(),
            "**In the list**\n\n| keys | action | what it does |\n|---|---|---|\n\
             | `\\|` | `quit` | a \\| b |\n"
        );
    }
}
