//! The reader's state and `update(&mut State, Msg) -> Vec<Effect>`: every change of state
//! happens here, with no I/O, no terminal and no drawing, so tests drive the whole reader with
//! messages and read the effects it asks for.
//!
//! The state is a few parts with one job each: the list ([`list`]), the query line and the
//! filter it drives ([`query`]), the detail and related panes ([`panes`]), and the overlays
//! ([`overlay`]). Cards are held by id; positions ([`CardIx`]) are only ever used within the
//! snapshot they came from.

mod keys;
pub mod layout;
pub mod list;
pub mod overlay;
pub mod panes;
pub mod query;
pub mod reading;
pub mod saved;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::action::Action;
use crate::config::{FilterOptions, Key, Keymap, ListOptions, Mode};
use crate::corpus::id::{IdArg, Resolve};
use crate::corpus::load::{LoadEvent, Progress};
use crate::corpus::{Applied, Card, CardIx, Corpus, Delta, Diagnostic, ExtrasRead};
use crate::search::sort::SortKey;
use crate::search::syntax::Query;
use crate::search::worker::{Counted, FilterResult, Indexed};

pub use layout::Areas;
pub use list::ListState;
pub use overlay::{Overlay, OverlayState};
pub use panes::{DetailState, RelatedItem, RelatedState, related_offset};
pub use query::{Filter, QueryLine};
pub use reading::{Loaded, Reading};
pub use saved::{Prompt, Purpose, SavedCounts};

/// The three panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
    Related,
}

impl Pane {
    fn next(self) -> Pane {
        match self {
            Pane::List => Pane::Detail,
            Pane::Detail => Pane::Related,
            Pane::Related => Pane::List,
        }
    }

    fn prev(self) -> Pane {
        self.next().next()
    }
}

/// A line for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// Everything that happens outside the state, for the runtime to carry out.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Open an `http`/`https` URL, already checked, in the browser.
    OpenUrl(String),
    /// Put text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Find a query's matches in the current snapshot, in the background.
    Filter { generation: u64, query: Query },
    /// Index the current snapshot's new cards (and forget its removed ones) in the background.
    Index,
    /// Loading has settled on the current snapshot: the index drops what no card holds.
    SettleIndex,
    /// Give the terminal back to the shell until `fg`.
    Suspend,
    /// Clear the screen and draw every cell again.
    Repaint,
    /// Count every saved search's matches (and the unread among them) in the background; the
    /// answer comes as [`Msg::Counted`]. A query that does not parse comes with why.
    CountSaved {
        generation: u64,
        queries: Vec<Result<Query, String>>,
    },
    /// Write to the reading state, off the UI thread; the answer comes as
    /// [`Msg::StateDone`], in the order the writes were asked for.
    State(crate::library::state::Op),
}

/// What the reader reacts to: the user, and the background work it started.
#[derive(Debug)]
pub enum Msg {
    User(Action),
    /// A key pressed, read through the keymap (which may hold it as the start of a sequence).
    Key(crossterm::event::KeyEvent),
    /// The key held as the start of a sequence waited too long for its second.
    KeyTimeout,
    /// A batch of new cards (and problems) from the first load.
    Loaded {
        cards: Arrivals,
        diagnostics: Vec<Diagnostic>,
        progress: Progress,
    },
    /// The first load is over.
    LoadDone,
    /// Cards changed on disk while the reader runs.
    Changed {
        delta: Delta,
        diagnostics: Vec<Diagnostic>,
    },
    Filtered(FilterResult),
    /// How far the word index has caught up with the cards.
    Indexed(Indexed),
    /// The saved searches' counts, for the picker.
    Counted(Counted),
    /// Text pasted into the terminal (bracketed paste), whole.
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved (card ages are relative to it).
    Tick(Timestamp),
    /// An effect failed or finished with something to say.
    Notice(Notice),
    /// The reading state's writer carried out (or refused) the oldest write not answered yet.
    StateDone(crate::library::state::Done),
    /// The state file changed under the reader (another tidings marked cards): its marks.
    MarksReloaded(crate::library::state::Marks),
}

impl Msg {
    /// Folds `next` into this message when updating with the one message is updating with
    /// both in turn (consecutive load batches), so a reader that fell behind a fast load
    /// catches up in one step rather than sorting the list once per batch; else gives `next`
    /// back.
    pub fn absorb(&mut self, next: Msg) -> Option<Msg> {
        match (self, next) {
            (
                Msg::Loaded {
                    cards,
                    diagnostics,
                    progress,
                },
                Msg::Loaded {
                    cards: more,
                    diagnostics: more_diagnostics,
                    progress: later,
                },
            ) => {
                cards.append(more);
                diagnostics.extend(more_diagnostics);
                *progress = later;
                None
            }
            (_, next) => Some(next),
        }
    }
}

/// Cards from the load, in load order, in the batches they came in: folding a burst of
/// batches into one message ([`Msg::absorb`]) moves no card (putting them in one list copied
/// each card, 40 MB of fresh pages at 100k cards, on the reader's thread).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Arrivals(Vec<Vec<Card>>);

impl From<Vec<Card>> for Arrivals {
    fn from(cards: Vec<Card>) -> Arrivals {
        Arrivals(vec![cards])
    }
}

impl Arrivals {
    pub fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Vec::is_empty)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Card> {
        self.0.iter().flatten()
    }

    /// `later`'s cards after these.
    pub fn append(&mut self, later: Arrivals) {
        self.0.extend(later.0);
    }

    /// The batches, in order.
    pub fn into_batches(self) -> Vec<Vec<Card>> {
        self.0
    }
}

impl From<LoadEvent> for Msg {
    fn from(event: LoadEvent) -> Msg {
        match event {
            LoadEvent::Batch {
                cards,
                diagnostics,
                progress,
            } => Msg::Loaded {
                cards: cards.into(),
                diagnostics,
                progress,
            },
            LoadEvent::Done { .. } => Msg::LoadDone,
        }
    }
}

/// How the reader starts.
#[derive(Clone, Debug)]
pub struct Options {
    pub query: Option<String>,
    pub select: Option<IdArg>,
    /// What the keys do; help and the footer are written from it.
    pub keymap: Keymap,
    /// How the list starts and looks.
    pub list: ListOptions,
    /// What plain terms of the filter mean.
    pub filter: FilterOptions,
    /// The zone times are shown in (the system's, in the reader; fixed in tests).
    pub zone: TimeZone,
    /// The reading state loaded at start-up; `None` with `--no-state`.
    pub reading: Option<Loaded>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            query: None,
            select: None,
            keymap: Keymap::default(),
            list: ListOptions::default(),
            filter: FilterOptions::default(),
            zone: TimeZone::UTC,
            reading: None,
        }
    }
}

#[derive(Debug)]
pub struct State {
    pub corpus: Corpus,
    pub diagnostics: Vec<Diagnostic>,
    /// Loading progress; `None` once loading is done.
    pub loading: Option<Progress>,
    pub width: u16,
    pub height: u16,
    pub now: Timestamp,
    pub zone: TimeZone,
    pub keymap: Keymap,
    /// The first key of a sequence, waiting for the second (the footer shows it).
    pub pending_key: Option<Key>,

    pub focus: Pane,
    pub list: ListState,
    pub query: QueryLine,
    pub filter: Filter,
    pub detail: DetailState,
    pub related: RelatedState,
    pub overlay: Option<OverlayState>,
    /// A name being asked for (saving or renaming a search), in the footer.
    pub prompt: Option<Prompt>,
    /// The picker's counts of the saved searches.
    pub saved_counts: SavedCounts,
    /// Places to return to with Backspace, most recent last.
    pub history: Vec<list::Place>,
    pub notice: Option<Notice>,
    /// Read and starred marks, undo, saved searches and the query history.
    pub reading: Reading,
    /// A card to select once it can be: asked for with `--select` and not loaded yet (a prefix
    /// waits until every card has, since a later one could make it ambiguous), or going back
    /// to it while the filter it was shown under is being applied again.
    pending: Option<Pending>,
    pub should_quit: bool,
}

impl State {
    pub fn new(width: u16, height: u16, now: Timestamp, options: Options) -> (State, Vec<Effect>) {
        let (reading, unsaved) = Reading::new(options.reading);
        let mut state = State {
            corpus: Corpus::default(),
            diagnostics: Vec::new(),
            loading: Some(Progress::default()),
            width,
            height,
            now,
            zone: options.zone,
            keymap: options.keymap,
            pending_key: None,
            focus: Pane::List,
            list: ListState::new(options.list),
            query: QueryLine::default(),
            filter: Filter::with_options(options.filter),
            detail: DetailState::default(),
            related: RelatedState::default(),
            overlay: None,
            prompt: None,
            saved_counts: SavedCounts::default(),
            history: Vec::new(),
            notice: None,
            reading,
            pending: options.select.map(|card| Pending {
                card,
                detail_scroll: 0,
            }),
            should_quit: false,
        };
        let mut effects = Vec::new();
        if state.reading.kept {
            effects.push(state.write(crate::library::state::Op::StartSession { at: now }));
        }
        if let Some(q) = options.query {
            state.query.set(q);
            effects.extend(state.query_changed());
            if let Some(err) = &state.query.error {
                state.notify(format!("query: {err}"), true);
            }
        }
        if let Some(text) = unsaved {
            state.reading.unsaved = true;
            state.notify(text, true);
        }
        (state, effects)
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.width, self.height, self.focus)
    }

    /// Which key bindings are live.
    pub fn mode(&self) -> Mode {
        if self.prompt.is_some() {
            Mode::Query
        } else if self.overlay.is_some() {
            Mode::Overlay
        } else if self.query.editing {
            Mode::Query
        } else {
            match self.focus {
                Pane::List => Mode::List,
                Pane::Detail => Mode::Detail,
                Pane::Related => Mode::Related,
            }
        }
    }

    /// Whether `pane` has the keyboard: no overlay and no query line in front of it.
    pub(crate) fn has_focus(&self, pane: Pane) -> bool {
        self.focus == pane && self.overlay.is_none() && !(self.query.editing && pane != Pane::List)
    }

    pub(crate) fn selected_ix(&self) -> Option<CardIx> {
        self.list.view.get(self.list.row).copied()
    }

    pub fn selected_card(&self) -> Option<&Card> {
        self.selected_ix().and_then(|ix| self.corpus.get(ix))
    }

    /// The selected card's images and related entries (read again from the cache or its file
    /// when left there; see [`crate::corpus::Corpus::extras`]).
    pub fn selected_extras(&self) -> Option<ExtrasRead> {
        self.selected_ix().and_then(|ix| self.corpus.extras(ix))
    }

    pub(crate) fn skipped_count(&self) -> usize {
        crate::corpus::load::count_skipped(&self.diagnostics)
    }

    fn pane_height(&self, pane: Pane) -> usize {
        self.areas()
            .pane(pane)
            .map_or(1, layout::inner_height)
            .max(1)
    }

    fn notify(&mut self, text: impl Into<String>, is_error: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            is_error,
        });
    }

    /// Applies a delta to the corpus and brings every part of the state up to its version.
    fn apply_delta(
        &mut self,
        delta: Delta,
        diagnostics: Vec<Diagnostic>,
    ) -> (Applied, Vec<Effect>) {
        self.apply_deltas([delta], diagnostics)
    }

    /// Applies `deltas` in turn, then lists the corpus once.
    fn apply_deltas(
        &mut self,
        deltas: impl IntoIterator<Item = Delta>,
        diagnostics: Vec<Diagnostic>,
    ) -> (Applied, Vec<Effect>) {
        let mut applied = Applied::default();
        for delta in deltas {
            if !delta.forget.is_empty() {
                // A file read again or gone: what was said about it before no longer holds.
                let forgotten: std::collections::HashSet<&std::path::Path> =
                    delta.forget.iter().map(|f| f.path.as_path()).collect();
                self.diagnostics
                    .retain(|d| !forgotten.contains(d.path.as_path()));
            }
            let one = self.corpus.apply(delta);
            applied.added.extend(one.added);
            applied.changed.extend(one.changed);
            applied.removed.extend(one.removed);
            applied.diagnostics.extend(one.diagnostics);
        }
        self.diagnostics.extend(diagnostics);
        self.diagnostics.extend(applied.diagnostics.iter().cloned());
        // The index follows every delta; a filter in force is asked again once it has.
        let mut effects = vec![Effect::Index];
        if self.filter.is_on() {
            effects.push(self.filter.request());
        }
        self.rebuild_view();
        self.select_pending();
        (applied, effects)
    }

    fn loaded(
        &mut self,
        cards: Arrivals,
        diagnostics: Vec<Diagnostic>,
        progress: Progress,
    ) -> Vec<Effect> {
        self.loading = Some(progress);
        self.corpus.expect(progress.files_total);
        let ids: Vec<_> = cards.iter().map(|c| c.id).collect();
        let deltas = cards.into_batches().into_iter().map(Delta::arrivals);
        let mut effects = self.apply_deltas(deltas, diagnostics).1;
        effects.extend(self.see(ids));
        effects
    }

    fn changed(&mut self, delta: Delta, diagnostics: Vec<Diagnostic>) -> Vec<Effect> {
        let (applied, mut effects) = self.apply_delta(delta, diagnostics);
        effects.extend(self.see(applied.added.to_vec()));
        let parts: Vec<String> = [
            (applied.added.len(), "new"),
            (applied.changed.len(), "changed"),
            (applied.removed.len(), "removed"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{} {what}", crate::view::thousands(n)))
        .collect();
        // While loading, a change is part of the load (the cache's cards checked against the
        // files), not news.
        if !parts.is_empty() && self.loading.is_none() {
            self.notify(parts.join(" · "), false);
        }
        effects.extend(self.request_counts());
        effects
    }

    fn load_done(&mut self) {
        self.loading = None;
        let Some(Pending {
            card: wanted,
            detail_scroll,
        }) = self.pending.take()
        else {
            return;
        };
        match wanted.resolve(self.corpus.ids()) {
            Ok(id) => self.select_when_shown(id, detail_scroll),
            Err(Resolve::NotFound) => self.notify(format!("no card with id {wanted}"), true),
            Err(Resolve::Ambiguous(ids)) => self.notify(
                format!(
                    "{} cards have ids starting with {wanted}; give more digits",
                    ids.len()
                ),
                true,
            ),
        }
    }

    fn resize(&mut self, width: u16, height: u16) {
        self.width = width;
        self.height = height;
        self.scroll_list_to_selection();
        self.clamp_detail_scroll();
    }

    // ----- actions -----

    fn user(&mut self, action: Action) -> Vec<Effect> {
        // A repaint changes nothing shown, so the notice stays for the person to read.
        if action == Action::Repaint {
            return vec![Effect::Repaint];
        }
        let before = (self.focus, self.list.selected);
        let mut effects = self.act(action);
        self.read_on_open(before, &mut effects);
        effects
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        self.notice = None;
        match self.mode() {
            _ if self.prompt.is_some() => self.prompt_action(action),
            Mode::Overlay if self.overlay.map(|o| o.kind) == Some(Overlay::Saved) => {
                self.saved_action(action)
            }
            Mode::Overlay => {
                let effects = self.overlay_action(action);
                match action {
                    Action::Quit => self.should_quit = true,
                    Action::Suspend => return vec![Effect::Suspend],
                    _ => {}
                }
                effects
            }
            Mode::Query | Mode::List | Mode::Detail | Mode::Related => {
                if let Some(effects) = self.query_action(&action) {
                    return effects;
                }
                self.browse_action(action)
            }
        }
    }

    fn browse_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.pane_height(self.focus) as isize;
        match action {
            Action::Quit => self.should_quit = true,
            Action::Suspend => return vec![Effect::Suspend],
            Action::MoveDown => self.move_by(1),
            Action::MoveUp => self.move_by(-1),
            Action::HalfPageDown => self.move_by((page / 2).max(1)),
            Action::HalfPageUp => self.move_by(-(page / 2).max(1)),
            Action::PageDown => self.move_by(page),
            Action::PageUp => self.move_by(-page),
            Action::Top => self.move_to_end(false),
            Action::Bottom => self.move_to_end(true),
            Action::FocusNext => self.focus = self.focus.next(),
            Action::FocusPrev => self.focus = self.focus.prev(),
            Action::Activate => return self.activate(),
            Action::Back => return self.back(),
            Action::ShowList => self.focus = Pane::List,
            Action::CycleSort => self.cycle_sort(),
            Action::Reverse => self.reverse_order(),
            Action::OpenUrl => {
                let url = self.selected_url();
                let mut effects = self.open_url(url);
                // In the related pane `o` opens the entry, not the card.
                if self.focus != Pane::Related
                    && effects.iter().any(|e| matches!(e, Effect::OpenUrl(_)))
                {
                    effects.extend(self.read_selected());
                }
                return effects;
            }
            Action::ToggleRead => return self.toggle_read(),
            Action::ToggleStar => return self.toggle_star(),
            Action::MarkAllRead => return self.mark_all_read(),
            Action::Undo => return self.undo(),
            Action::NextUnread => self.next_unread(true),
            Action::PrevUnread => self.next_unread(false),
            Action::ToggleUnreadOnly => return self.toggle_unread_only(),
            Action::CopyUrl => return self.copy_url(),
            Action::ToggleDiagnostics => self.open_overlay(Overlay::Diagnostics),
            Action::ToggleHelp => self.open_overlay(Overlay::Help),
            Action::SaveSearch => return self.start_save(),
            Action::SavedSearches => return self.open_saved(),
            Action::Scroll { column, row, down } => {
                if let Some(pane) = self.areas().pane_at(column, row) {
                    let focus = self.focus;
                    self.focus = pane;
                    self.move_by(if down { 3 } else { -3 });
                    self.focus = focus;
                }
            }
            Action::Click { column, row } => self.click(column, row),
            // Query-line and overlay actions are handled before this point.
            _ => {}
        }
        Vec::new()
    }

    /// Moves in the focused pane: rows of the list, lines of the detail, entries of related.
    fn move_by(&mut self, delta: isize) {
        match self.focus {
            Pane::List => {
                let row = self.list.row.saturating_add_signed(delta);
                self.list.pinned = true;
                self.select_row(row);
            }
            Pane::Detail => {
                self.detail.scroll = self.detail.scroll.saturating_add_signed(delta);
                self.clamp_detail_scroll();
            }
            Pane::Related => {
                let count = self.related_items().len();
                self.related.selected = self
                    .related
                    .selected
                    .saturating_add_signed(delta)
                    .min(count.saturating_sub(1));
            }
        }
    }

    fn move_to_end(&mut self, end: bool) {
        let far = if end {
            isize::MAX / 2
        } else {
            -(isize::MAX / 2)
        };
        self.move_by(far);
    }

    /// `s`: the next order. While a filter is on it changes the filtered order (relevance
    /// among them); otherwise the order of the whole corpus.
    fn cycle_sort(&mut self) {
        let next = match self.effective_sort() {
            SortKey::Relevance => SortKey::Date,
            SortKey::Date => SortKey::Quality,
            SortKey::Quality => SortKey::Heat,
            SortKey::Heat => SortKey::Title,
            SortKey::Title => SortKey::Provider,
            SortKey::Provider => SortKey::Relevance,
        };
        if self.filter.found.is_some() {
            self.list.filtered_sort = Some(next).filter(|s| *s != SortKey::Relevance);
        } else {
            self.list.sort = Some(next)
                .filter(|s| *s != SortKey::Relevance)
                .unwrap_or(SortKey::Date);
        }
        // The status row names the order; a notice saying it again would repeat it.
        self.rebuild_view();
    }

    fn click(&mut self, column: u16, row: u16) {
        let areas = self.areas();
        let Some(pane) = areas.pane_at(column, row) else {
            return;
        };
        self.focus = pane;
        let Some(area) = areas.pane(pane) else {
            return;
        };
        // The first row inside the border is row 0.
        let Some(line) = row.checked_sub(area.y + 1).map(usize::from) else {
            return;
        };
        let height = layout::inner_height(area);
        if line >= height {
            return;
        }
        match pane {
            Pane::List => {
                let row = self.list.offset + line;
                if row < self.list.view.len() {
                    self.list.pinned = true;
                    self.select_row(row);
                }
            }
            Pane::Related => {
                let row = panes::related_offset(self.related.selected, height) + line;
                if row < self.related_items().len() {
                    self.related.selected = row;
                }
            }
            Pane::Detail => {}
        }
    }
}

/// A card to select once it can be (see [`State`]'s `pending`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    card: IdArg,
    /// Where its detail was scrolled to, for going back.
    detail_scroll: usize,
}

impl State {
    /// Selects the pending card if it is loaded and the list that should show it is ready
    /// (no filter in flight); a prefix waits for the end of loading.
    fn select_pending(&mut self) {
        let Some(Pending {
            card: IdArg::Full(id),
            detail_scroll,
        }) = self.pending
        else {
            return;
        };
        if self.filter.in_flight {
            return;
        }
        let Some(ix) = self.corpus.by_id(id) else {
            return;
        };
        self.pending = None;
        self.select_card(ix);
        self.detail.scroll = detail_scroll;
        self.clamp_detail_scroll();
    }
}

/// Applies one message to the state; returns what the runtime must do.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::User(action) => {
            // The mouse (or a test) acts directly: a half-typed sequence is forgotten.
            state.pending_key = None;
            state.user(action)
        }
        Msg::Key(event) => state.key(&event),
        Msg::KeyTimeout => state.key_timeout(),
        Msg::Loaded {
            cards,
            diagnostics,
            progress,
        } => state.loaded(cards, diagnostics, progress),
        Msg::LoadDone => {
            state.load_done();
            vec![Effect::SettleIndex]
        }
        Msg::Changed { delta, diagnostics } => state.changed(delta, diagnostics),
        Msg::Filtered(result) => state.filtered(result),
        Msg::Indexed(indexed) => state.indexed(indexed),
        Msg::Counted(counted) => state.counted(counted),
        Msg::Paste(text) => state.paste(&text),
        Msg::Resize { width, height } => {
            state.resize(width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Msg::Notice(notice) => {
            state.notice = Some(notice);
            Vec::new()
        }
        Msg::StateDone(done) => state.state_done(done),
        Msg::MarksReloaded(marks) => state.marks_reloaded(marks),
    }
}
