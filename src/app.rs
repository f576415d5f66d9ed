//! The reader's state and `update(&mut State, Msg) -> Vec<Effect>`: every change of state
//! happens here, with no I/O and no terminal, so tests drive the whole reader with messages.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::action::Action;
use crate::corpus::load::{LoadEvent, Progress};
use crate::corpus::{Card, CardId, CardIx, Corpus, Diagnostic, Severity};
use crate::keymap::Mode;
use crate::search::query::{self, Query, QueryError};
use crate::search::rank::Hit;
use crate::search::worker::FilterResult;
use crate::text;
use crate::ui::layout::{self, Areas};

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

/// An overlay over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Diagnostics,
}

/// Order of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Best match first while filtering; newest first otherwise.
    Relevance,
    Date,
    Quality,
    Heat,
    Title,
    Provider,
}

impl SortKey {
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Relevance => "relevance",
            SortKey::Date => "date",
            SortKey::Quality => "quality",
            SortKey::Heat => "heat",
            SortKey::Title => "title",
            SortKey::Provider => "provider",
        }
    }
}

/// A line for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// The query line being edited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryLine {
    pub text: String,
    /// Byte offset of the cursor in `text`, always on a char boundary.
    pub cursor: usize,
    /// Why the text does not parse; the list keeps the last good query's results meanwhile.
    pub error: Option<QueryError>,
}

/// A row of the related pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelatedItem {
    /// The selected card's related entry number `index`, and the card it names if in the corpus.
    Entry {
        index: usize,
        target: Option<CardIx>,
    },
    /// A card whose related list names the selected card.
    CitedBy(CardIx),
}

/// Everything that happens outside the state, for the runtime to carry out.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Open an `http`/`https` URL, already checked, in the browser.
    OpenUrl(String),
    /// Put text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Rank the corpus against a query in the background.
    Filter { generation: u64, query: Query },
    /// Give the terminal back to the shell until `fg`.
    Suspend,
}

/// What the reader reacts to: the user, and the background work it started.
#[derive(Debug)]
pub enum Msg {
    User(Action),
    /// A batch of cards (and problems) from the loader.
    Loaded {
        cards: Vec<Card>,
        diagnostics: Vec<Diagnostic>,
        progress: Progress,
    },
    LoadDone {
        progress: Progress,
        elapsed: Duration,
    },
    Filtered(FilterResult),
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved (card ages are relative to it).
    Tick(Timestamp),
    /// An effect failed or finished with something to say.
    Notice(Notice),
}

impl From<LoadEvent> for Msg {
    fn from(event: LoadEvent) -> Msg {
        match event {
            LoadEvent::Batch {
                cards,
                diagnostics,
                progress,
            } => Msg::Loaded {
                cards,
                diagnostics,
                progress,
            },
            LoadEvent::Done { progress, elapsed } => Msg::LoadDone { progress, elapsed },
        }
    }
}

/// How the reader starts.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub query: Option<String>,
    pub select: Option<CardId>,
    pub color: bool,
}

#[derive(Debug)]
pub struct State {
    pub corpus: Corpus,
    pub diagnostics: Vec<Diagnostic>,
    /// Loading progress; `None` once loading is done.
    pub loading: Option<Progress>,
    pub loaded_in: Option<Duration>,
    pub width: u16,
    pub height: u16,
    pub now: Timestamp,
    pub color: bool,

    pub focus: Pane,
    pub overlay: Option<Overlay>,
    /// The query line is open for typing.
    pub editing_query: bool,
    pub query: QueryLine,
    /// The last query that parsed; what the list shows.
    pub active_query: Query,
    /// Ranked matches of `active_query`; `None` when it is empty (every card shows).
    pub hits: Option<Arc<Vec<Hit>>>,
    pub filter_generation: u64,
    /// A filter request is out and its answer not yet in.
    pub filtering: bool,
    /// The next filter answer is for a new query: select its best match.
    select_best_on_result: bool,
    pub sort: SortKey,

    /// The list as shown: card indices in order.
    pub view: Vec<CardIx>,
    /// The unfiltered list for a sort and a corpus size, to show again without sorting.
    unfiltered: Option<(SortKey, usize, Vec<CardIx>)>,
    /// Row of the selection in `view`.
    pub selected: usize,
    /// First row drawn.
    pub list_offset: usize,
    pub detail_scroll: usize,
    pub related_selected: usize,
    pub overlay_scroll: usize,
    /// Cards to return to with Backspace, most recent last.
    pub history: Vec<CardIx>,
    pub notice: Option<Notice>,
    /// A card asked for with `--select` that has not loaded yet.
    pending_select: Option<CardId>,
    pub should_quit: bool,
}

impl State {
    pub fn new(width: u16, height: u16, now: Timestamp, options: Options) -> (State, Vec<Effect>) {
        let mut state = State {
            corpus: Corpus::default(),
            diagnostics: Vec::new(),
            loading: Some(Progress::default()),
            loaded_in: None,
            width,
            height,
            now,
            color: options.color,
            focus: Pane::List,
            overlay: None,
            editing_query: false,
            query: QueryLine::default(),
            active_query: Query::default(),
            hits: None,
            filter_generation: 0,
            filtering: false,
            select_best_on_result: false,
            sort: SortKey::Relevance,
            view: Vec::new(),
            unfiltered: None,
            selected: 0,
            list_offset: 0,
            detail_scroll: 0,
            related_selected: 0,
            overlay_scroll: 0,
            history: Vec::new(),
            notice: None,
            pending_select: options.select,
            should_quit: false,
        };
        let mut effects = Vec::new();
        if let Some(q) = options.query {
            state.query.cursor = q.len();
            state.query.text = q;
            effects = state.query_changed();
            if let Some(err) = &state.query.error {
                state.notice = Some(Notice {
                    text: format!("query: {err}"),
                    is_error: true,
                });
            }
        }
        (state, effects)
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.width, self.height, self.focus)
    }

    pub fn mode(&self) -> Mode {
        if self.overlay.is_some() {
            Mode::Overlay
        } else if self.editing_query {
            Mode::Query
        } else {
            Mode::Browse
        }
    }

    /// The sort in force: relevance means newest first when nothing is filtered.
    pub fn effective_sort(&self) -> SortKey {
        match (self.sort, self.hits.is_some()) {
            (SortKey::Relevance, false) => SortKey::Date,
            (sort, _) => sort,
        }
    }

    pub fn selected_ix(&self) -> Option<CardIx> {
        self.view.get(self.selected).copied()
    }

    pub fn selected_card(&self) -> Option<&Card> {
        self.selected_ix().and_then(|ix| self.corpus.get(ix))
    }

    /// The related pane's rows: the related entries, then the cards that cite this one.
    pub fn related_items(&self) -> Vec<RelatedItem> {
        let Some(ix) = self.selected_ix() else {
            return Vec::new();
        };
        let entries = self.corpus.get(ix).map_or(0, |c| c.related.len());
        (0..entries)
            .map(|index| RelatedItem::Entry {
                index,
                target: self.corpus.links.target(ix, index),
            })
            .chain(
                self.corpus
                    .links
                    .backlinks(ix)
                    .iter()
                    .map(|b| RelatedItem::CitedBy(*b)),
            )
            .collect()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    pub fn skipped_count(&self) -> usize {
        crate::corpus::load::count_skipped(&self.diagnostics)
    }

    fn list_height(&self) -> usize {
        self.areas().list.map_or(1, layout::inner_height).max(1)
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

    // ----- the list -----

    /// Rebuilds `view` from the hits (or every card) and the sort, keeping the selection on the
    /// same card when it is still listed.
    fn rebuild_view(&mut self, keep: Option<CardIx>) {
        let sort = self.effective_sort();
        self.view = match &self.hits {
            Some(hits) => {
                let mut view: Vec<CardIx> = hits.iter().map(|h| h.ix).collect();
                sort_view(&mut view, &self.corpus, sort);
                view
            }
            None => self.whole_corpus_sorted(sort),
        };
        self.selected = keep
            .and_then(|ix| self.view.iter().position(|v| *v == ix))
            .unwrap_or_else(|| self.selected.min(self.view.len().saturating_sub(1)));
        if keep != self.selected_ix() {
            self.card_changed();
        }
        self.scroll_list_to_selection();
    }

    /// Every card in `sort` order. Kept while the corpus and the sort stay the same, so that
    /// clearing a filter on 100k cards is a copy, not a sort.
    fn whole_corpus_sorted(&mut self, sort: SortKey) -> Vec<CardIx> {
        let len = self.corpus.len();
        match &self.unfiltered {
            Some((s, n, view)) if *s == sort && *n == len => view.clone(),
            _ => {
                let mut view: Vec<CardIx> = (0..len as CardIx).collect();
                sort_view(&mut view, &self.corpus, sort);
                self.unfiltered = Some((sort, len, view.clone()));
                view
            }
        }
    }

    fn scroll_list_to_selection(&mut self) {
        let height = self.list_height();
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + height {
            self.list_offset = self.selected + 1 - height;
        }
        let max_offset = self.view.len().saturating_sub(height);
        self.list_offset = self.list_offset.min(max_offset);
    }

    /// The selected card changed: its detail and related rows start from the top.
    fn card_changed(&mut self) {
        self.detail_scroll = 0;
        self.related_selected = 0;
    }

    fn select_row(&mut self, row: usize) {
        let row = row.min(self.view.len().saturating_sub(1));
        if row != self.selected {
            self.selected = row;
            self.card_changed();
        }
        self.scroll_list_to_selection();
    }

    /// Selects a card, clearing the filter if it hides it. Returns false if it is not loaded.
    fn select_card(&mut self, ix: CardIx) -> bool {
        if self.corpus.get(ix).is_none() {
            return false;
        }
        if !self.view.contains(&ix) {
            self.clear_query();
            self.notify("filter cleared to show the card", false);
        }
        self.rebuild_view(Some(ix));
        true
    }

    fn move_by(&mut self, delta: isize) {
        match self.focus {
            Pane::List => {
                let row = self.selected.saturating_add_signed(delta);
                self.select_row(row);
            }
            Pane::Detail => {
                self.detail_scroll = self.detail_scroll.saturating_add_signed(delta);
                self.clamp_detail_scroll();
            }
            Pane::Related => {
                let count = self.related_items().len();
                self.related_selected = self
                    .related_selected
                    .saturating_add_signed(delta)
                    .min(count.saturating_sub(1));
            }
        }
    }

    fn clamp_detail_scroll(&mut self) {
        let height = self.pane_height(Pane::Detail);
        let width = self
            .areas()
            .detail
            .map_or(usize::from(self.width), layout::inner_width);
        let lines = self
            .selected_card()
            .map_or(0, |card| crate::ui::detail::line_count(self, card, width));
        self.detail_scroll = self.detail_scroll.min(lines.saturating_sub(height));
    }

    fn move_to_end(&mut self, end: bool) {
        let far = if end {
            isize::MAX / 2
        } else {
            -(isize::MAX / 2)
        };
        self.move_by(far);
    }

    // ----- the query -----

    fn clear_query(&mut self) {
        self.query = QueryLine::default();
        self.active_query = Query::default();
        self.hits = None;
        self.filtering = false;
        // A late answer to the old query must not come back.
        self.filter_generation += 1;
    }

    /// The query text changed: parse it and ask for results, or say why it does not parse.
    fn query_changed(&mut self) -> Vec<Effect> {
        match query::parse(&self.query.text) {
            Err(err) => {
                self.query.error = Some(err);
                Vec::new()
            }
            Ok(parsed) => {
                self.query.error = None;
                if parsed == self.active_query && (self.hits.is_some() || parsed.is_empty()) {
                    return Vec::new();
                }
                self.active_query = parsed.clone();
                self.filter_generation += 1;
                if parsed.is_empty() {
                    let keep = self.selected_ix();
                    self.hits = None;
                    self.filtering = false;
                    self.rebuild_view(keep);
                    Vec::new()
                } else {
                    self.filtering = true;
                    self.select_best_on_result = true;
                    if self.sort == SortKey::Relevance || self.hits.is_none() {
                        self.sort = SortKey::Relevance;
                    }
                    vec![Effect::Filter {
                        generation: self.filter_generation,
                        query: parsed,
                    }]
                }
            }
        }
    }

    fn edit_query(&mut self, edit: impl FnOnce(&mut QueryLine)) -> Vec<Effect> {
        let before = self.query.text.clone();
        edit(&mut self.query);
        if self.query.text == before {
            Vec::new()
        } else {
            self.query_changed()
        }
    }

    // ----- URLs -----

    /// The URL the selection stands for: in the related pane the selected entry's, elsewhere
    /// the card's preferred one.
    fn selected_url(&self) -> Option<String> {
        let card = self.selected_card()?;
        if self.focus == Pane::Related {
            return match self.related_items().get(self.related_selected)? {
                RelatedItem::Entry { index, .. } => card
                    .related
                    .get(*index)?
                    .urls
                    .preferred()
                    .map(|(_, u)| u.to_string()),
                RelatedItem::CitedBy(ix) => self
                    .corpus
                    .get(*ix)?
                    .urls
                    .preferred()
                    .map(|(_, u)| u.to_string()),
            };
        }
        card.urls.preferred().map(|(_, u)| u.to_string())
    }

    fn open_url(&mut self, url: Option<String>) -> Vec<Effect> {
        let Some(url) = url else {
            self.notify("no URL to open", true);
            return Vec::new();
        };
        match check_url(&url) {
            Ok(()) => {
                self.notify(format!("opening {}", text::clean_line(&url)), false);
                vec![Effect::OpenUrl(url)]
            }
            Err(reason) => {
                self.notify(
                    format!("not opened: {reason}: {}", text::clean_line(&url)),
                    true,
                );
                Vec::new()
            }
        }
    }

    // ----- actions -----

    fn activate(&mut self) -> Vec<Effect> {
        match self.focus {
            Pane::List => {
                if self.selected_card().is_some() {
                    self.focus = Pane::Detail;
                }
                Vec::new()
            }
            Pane::Detail => {
                self.focus = Pane::Related;
                Vec::new()
            }
            Pane::Related => {
                let Some(item) = self.related_items().get(self.related_selected).copied() else {
                    return Vec::new();
                };
                match item {
                    RelatedItem::Entry {
                        target: Some(target),
                        ..
                    }
                    | RelatedItem::CitedBy(target) => {
                        self.jump_to(target);
                        Vec::new()
                    }
                    RelatedItem::Entry { target: None, .. } => {
                        let url = self.selected_url();
                        self.open_url(url)
                    }
                }
            }
        }
    }

    fn jump_to(&mut self, target: CardIx) {
        let from = self.selected_ix();
        if self.select_card(target) {
            if let Some(from) = from.filter(|f| *f != target) {
                self.history.push(from);
            }
            self.focus = Pane::Detail;
        }
    }

    fn back(&mut self) {
        match self.history.pop() {
            Some(previous) => {
                self.select_card(previous);
            }
            None => {
                if self.focus != Pane::List {
                    self.focus = Pane::List;
                } else {
                    self.notify("no earlier card to go back to", false);
                }
            }
        }
    }

    fn cycle_sort(&mut self) {
        let filtering = self.hits.is_some();
        self.sort = match self.effective_sort() {
            SortKey::Relevance => SortKey::Date,
            SortKey::Date => SortKey::Quality,
            SortKey::Quality => SortKey::Heat,
            SortKey::Heat => SortKey::Title,
            SortKey::Title => SortKey::Provider,
            SortKey::Provider if filtering => SortKey::Relevance,
            SortKey::Provider => SortKey::Date,
        };
        let keep = self.selected_ix();
        self.rebuild_view(keep);
        self.notify(
            format!("sorted by {}", self.effective_sort().label()),
            false,
        );
    }

    fn scroll_overlay(&mut self, delta: isize) {
        self.overlay_scroll = self.overlay_scroll.saturating_add_signed(delta);
        let rows = match self.overlay {
            Some(Overlay::Help) => {
                let width = crate::ui::overlay::help_inner_width(self.width);
                crate::ui::overlay::help_lines(width, &crate::ui::Theme::new(false)).len()
            }
            Some(Overlay::Diagnostics) => {
                // The view's own rows: long diagnostics wrap, as drawn.
                let width = usize::from(self.width.saturating_sub(2));
                crate::ui::overlay::diagnostics_lines(self, width, &crate::ui::Theme::new(false))
                    .len()
            }
            None => 0,
        };
        let height = usize::from(self.height.saturating_sub(4)).max(1);
        self.overlay_scroll = self.overlay_scroll.min(rows.saturating_sub(height));
    }

    fn user(&mut self, action: Action) -> Vec<Effect> {
        self.notice = None;
        let page = match self.overlay {
            Some(_) => usize::from(self.height.saturating_sub(4)).max(1),
            None => self.pane_height(self.focus),
        } as isize;
        if self.overlay.is_some() {
            match action {
                Action::MoveDown => self.scroll_overlay(1),
                Action::MoveUp => self.scroll_overlay(-1),
                Action::PageDown => self.scroll_overlay(page),
                Action::PageUp => self.scroll_overlay(-page),
                Action::HalfPageDown => self.scroll_overlay(page / 2),
                Action::HalfPageUp => self.scroll_overlay(-page / 2),
                Action::Top => self.overlay_scroll = 0,
                Action::Bottom => self.scroll_overlay(isize::MAX / 2),
                Action::Scroll { down, .. } => self.scroll_overlay(if down { 3 } else { -3 }),
                Action::CloseOverlay | Action::Click { .. } => self.overlay = None,
                Action::Quit => self.should_quit = true,
                Action::Suspend => return vec![Effect::Suspend],
                _ => {}
            }
            return Vec::new();
        }
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
            Action::Back => self.back(),
            Action::StartQuery => {
                self.editing_query = true;
                self.focus = Pane::List;
                self.query.cursor = self.query.text.len();
            }
            Action::QueryInsert(c) => {
                let c = if c.is_control() { ' ' } else { c };
                return self.edit_query(|q| {
                    q.text.insert(q.cursor, c);
                    q.cursor += c.len_utf8();
                });
            }
            Action::QueryBackspace => {
                if self.query.text.is_empty() {
                    self.editing_query = false;
                    return Vec::new();
                }
                return self.edit_query(|q| {
                    if let Some((at, _)) = q.text[..q.cursor].char_indices().next_back() {
                        q.text.remove(at);
                        q.cursor = at;
                    }
                });
            }
            Action::QueryDelete => {
                return self.edit_query(|q| {
                    if q.cursor < q.text.len() {
                        q.text.remove(q.cursor);
                    }
                });
            }
            Action::QueryDeleteWord => {
                return self.edit_query(|q| {
                    let before = &q.text[..q.cursor];
                    let trimmed = before.trim_end();
                    let start = trimmed.rfind(' ').map_or(0, |i| i + 1);
                    q.text.replace_range(start..q.cursor, "");
                    q.cursor = start;
                });
            }
            Action::QueryLeft => {
                if let Some((at, _)) = self.query.text[..self.query.cursor]
                    .char_indices()
                    .next_back()
                {
                    self.query.cursor = at;
                }
            }
            Action::QueryRight => {
                if let Some(c) = self.query.text[self.query.cursor..].chars().next() {
                    self.query.cursor += c.len_utf8();
                }
            }
            Action::QueryHome => self.query.cursor = 0,
            Action::QueryEnd => self.query.cursor = self.query.text.len(),
            Action::QueryAccept => {
                self.editing_query = false;
                if let Some(err) = &self.query.error {
                    self.notify(format!("query not applied: {err}"), true);
                }
            }
            Action::QueryClear => {
                self.editing_query = false;
                if !self.query.text.is_empty() || self.hits.is_some() {
                    let keep = self.selected_ix();
                    self.clear_query();
                    self.rebuild_view(keep);
                }
            }
            Action::CycleSort => self.cycle_sort(),
            Action::OpenUrl => {
                let url = self.selected_url();
                return self.open_url(url);
            }
            Action::CopyUrl => match self.selected_url() {
                Some(url) => {
                    self.notify(format!("copied {}", text::clean_line(&url)), false);
                    return vec![Effect::Copy(url)];
                }
                None => self.notify("no URL to copy", true),
            },
            Action::ToggleDiagnostics => {
                self.overlay = Some(Overlay::Diagnostics);
                self.overlay_scroll = 0;
            }
            Action::ToggleHelp => {
                self.overlay = Some(Overlay::Help);
                self.overlay_scroll = 0;
            }
            Action::CloseOverlay => {}
            Action::Scroll { column, row, down } => {
                if let Some(pane) = self.areas().pane_at(column, row) {
                    let focus = self.focus;
                    self.focus = pane;
                    self.move_by(if down { 3 } else { -3 });
                    self.focus = focus;
                }
            }
            Action::Click { column, row } => self.click(column, row),
        }
        Vec::new()
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
        if line >= layout::inner_height(area) {
            return;
        }
        match pane {
            Pane::List => {
                let row = self.list_offset + line;
                if row < self.view.len() {
                    self.select_row(row);
                }
            }
            Pane::Related => {
                let offset = related_offset(self.related_selected, layout::inner_height(area));
                let row = offset + line;
                if row < self.related_items().len() {
                    self.related_selected = row;
                }
            }
            Pane::Detail => {}
        }
    }

    fn loaded(
        &mut self,
        cards: Vec<Card>,
        diagnostics: Vec<Diagnostic>,
        progress: Progress,
    ) -> Vec<Effect> {
        let keep = self.selected_ix();
        let more = self.corpus.add_batch(cards);
        self.diagnostics.extend(diagnostics);
        self.diagnostics.extend(more);
        self.loading = Some(progress);
        let mut effects = Vec::new();
        if self.hits.is_some() || self.filtering {
            // The new cards may match too; the worker ranks only what it has not seen.
            self.filter_generation += 1;
            self.filtering = true;
            effects.push(Effect::Filter {
                generation: self.filter_generation,
                query: self.active_query.clone(),
            });
        }
        let pending = self.pending_select.and_then(|id| self.corpus.by_id(id));
        self.rebuild_view(keep);
        if let Some(ix) = pending {
            self.pending_select = None;
            self.select_card(ix);
        }
        effects
    }

    fn filtered(&mut self, result: FilterResult) {
        if result.generation != self.filter_generation {
            return; // An answer to a query that has since changed.
        }
        self.filtering = false;
        let keep = if std::mem::take(&mut self.select_best_on_result) {
            self.selected = 0;
            self.list_offset = 0;
            result.hits.first().map(|h| h.ix)
        } else {
            self.selected_ix()
        };
        self.hits = Some(result.hits);
        self.rebuild_view(keep);
    }
}

/// Opening a URL hands it to another program: only a well-formed `http`/`https` URL goes.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    if url.is_empty() {
        return Err("empty URL");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL contains spaces or control characters");
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err("only http and https URLs are opened");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with('-') {
        return Err("the URL has no host");
    }
    Ok(())
}

/// First related row drawn for a selection in a pane of `height` rows: keeps it in sight.
pub fn related_offset(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

/// Sorts card indices for the list; ties fall back to newest first, then load order, so the
/// order is total and stable.
pub fn sort_view(view: &mut [CardIx], corpus: &Corpus, sort: SortKey) {
    use std::cmp::Reverse;
    let get = |ix: CardIx| corpus.get(ix);
    let date = |ix: CardIx| Reverse(get(ix).and_then(|c| c.published_date_time));
    match sort {
        // Already in rank order.
        SortKey::Relevance => {}
        SortKey::Date => sort_by_key(view, date),
        SortKey::Quality => sort_by_key(view, |ix| {
            (Reverse(get(ix).and_then(|c| c.quality)), date(ix))
        }),
        SortKey::Heat => sort_by_key(view, |ix| {
            (Reverse(get(ix).and_then(|c| c.heat_known())), date(ix))
        }),
        SortKey::Title => sort_by_key(view, |ix| {
            (get(ix).map(|c| c.display_title().to_lowercase()), date(ix))
        }),
        SortKey::Provider => sort_by_key(view, |ix| {
            (
                get(ix)
                    .and_then(|c| c.provider_name())
                    .map(str::to_lowercase),
                date(ix),
            )
        }),
    }
}

/// Sorts by `key`, then by index. Each key is computed once: a comparison that looked the
/// cards up would chase two pointers per comparison, millions of times for a large corpus.
fn sort_by_key<K: Ord>(view: &mut [CardIx], key: impl Fn(CardIx) -> K) {
    let mut keyed: Vec<(K, CardIx)> = view.iter().map(|ix| (key(*ix), *ix)).collect();
    keyed.sort_unstable();
    for (slot, (_, ix)) in view.iter_mut().zip(keyed) {
        *slot = ix;
    }
}

/// Applies one message to the state; returns what the runtime must do.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::User(action) => state.user(action),
        Msg::Loaded {
            cards,
            diagnostics,
            progress,
        } => state.loaded(cards, diagnostics, progress),
        Msg::LoadDone { elapsed, .. } => {
            state.corpus.finish();
            state.loading = None;
            state.loaded_in = Some(elapsed);
            if let Some(id) = state.pending_select.take() {
                state.notify(format!("no card with id {id}"), true);
            }
            Vec::new()
        }
        Msg::Filtered(result) => {
            state.filtered(result);
            Vec::new()
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            state.scroll_list_to_selection();
            state.clamp_detail_scroll();
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
    }
}
