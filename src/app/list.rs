//! The list: which cards show, in what order, which one is selected and which rows are in sight.
//!
//! The selection is a card id; its row is where that card is in the current view. Every change
//! of the corpus, the filter or the sort rebuilds the view and finds the selected card again,
//! or its neighbour when it is gone.

use std::sync::Arc;

use super::{Pane, State, layout};
use crate::config::ListOptions;
use crate::corpus::id::IdArg;
use crate::corpus::{CardId, CardIx, Corpus};
use crate::search::sort::{SortKey, sort_view};

#[derive(Debug)]
pub struct ListState {
    /// The order the user chose for the whole corpus (never relevance).
    pub sort: SortKey,
    /// The order the user chose while a filter is on; `None` is relevance. Forgotten when the
    /// filter is cleared, so clearing it returns to `sort`.
    pub filtered_sort: Option<SortKey>,
    /// The list as shown: positions in the current snapshot.
    pub view: Vec<CardIx>,
    /// The selected card; `None` only when the list is empty.
    pub selected: Option<CardId>,
    /// Row of the selected card in `view`.
    pub row: usize,
    /// First row drawn.
    pub offset: usize,
    /// The user has chosen the selection (moved, clicked, jumped): it stays on its card from
    /// then on. Until then it follows the top of the list as cards stream in.
    pub pinned: bool,
    /// The configured start and look: the reverse order, the columns, the date style.
    pub options: ListOptions,
    /// Every card in one sort at one version of the corpus, so that clearing a filter on 100k
    /// cards is a copy, not a sort.
    unfiltered: Option<(SortKey, u64, Arc<[CardIx]>)>,
}

impl Default for ListState {
    fn default() -> ListState {
        ListState {
            sort: SortKey::Date,
            filtered_sort: None,
            view: Vec::new(),
            selected: None,
            row: 0,
            offset: 0,
            pinned: false,
            unfiltered: None,
            options: ListOptions::default(),
        }
    }
}

impl ListState {
    /// An empty list that starts in the configured order.
    pub(crate) fn new(options: ListOptions) -> ListState {
        ListState {
            // Relevance orders matches; with nothing filtered it means newest first.
            sort: match options.sort {
                SortKey::Relevance => SortKey::Date,
                sort => sort,
            },
            options,
            ..ListState::default()
        }
    }

    /// Puts `view` in `sort` order, the other way round when the configuration says so; the
    /// best match stays first whatever it says.
    fn order(&self, view: &mut [CardIx], corpus: &Corpus, sort: SortKey) {
        sort_view(view, corpus, sort);
        if self.options.reverse && sort != SortKey::Relevance {
            view.reverse();
        }
    }
}

/// One place the user was, to go back to: the card and everything that decided what was shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub card: CardId,
    pub query: String,
    pub sort: SortKey,
    pub filtered_sort: Option<SortKey>,
    pub detail_scroll: usize,
}

impl State {
    /// The sort in force: the user's filtered order (relevance unless chosen) while a filter
    /// is on, their order for the whole corpus otherwise.
    pub fn effective_sort(&self) -> SortKey {
        if self.filter.found.is_some() {
            self.list.filtered_sort.unwrap_or(SortKey::Relevance)
        } else {
            self.list.sort
        }
    }

    fn list_height(&self) -> usize {
        self.areas().list.map_or(1, layout::inner_height).max(1)
    }

    /// `r`: every order the other way round, now and after the filter changes, as the
    /// configuration's `reverse` does; the best match still comes first, which is said when
    /// that is the order shown, since the list then does not change.
    pub(super) fn reverse_order(&mut self) {
        self.list.options.reverse = !self.list.options.reverse;
        self.list.unfiltered = None;
        self.rebuild_view();
        if self.effective_sort() == SortKey::Relevance {
            let how = if self.list.options.reverse {
                "reversed"
            } else {
                "in their own direction"
            };
            self.notify(
                format!("the best match stays first; the other orders are {how}"),
                false,
            );
        }
    }

    /// Rebuilds the view from the filter's hits (or every card) and the sort, keeping the
    /// selection on its card, or on the row it had when the card is no longer listed.
    pub(super) fn rebuild_view(&mut self) {
        let sort = self.effective_sort();
        // Written over in place: a fresh list of a million rows per key would be a million
        // rows' worth of fresh pages from the system.
        let mut view = std::mem::take(&mut self.list.view);
        view.clear();
        match &self.filter.found {
            Some(found) => {
                view.reserve(found.hits.len());
                let hits = found.hits.iter().map(|h| h.ix);
                self.corpus.cards().extend_with_live(&mut view, hits);
                self.list.order(&mut view, &self.corpus, sort);
            }
            None => view.extend_from_slice(&self.whole_corpus_sorted(sort)),
        }
        self.list.view = view;
        // Looked for only when the selection stays on its card: a walk over a list that can
        // hold a million cards.
        let row = if self.list.pinned {
            self.list
                .selected
                .and_then(|id| self.corpus.by_id(id))
                .and_then(|ix| self.list.view.iter().position(|v| *v == ix))
                .unwrap_or(self.list.row)
        } else {
            0
        };
        self.select_row(row);
    }

    /// Every card in `sort` order, kept for the corpus version it was made for.
    fn whole_corpus_sorted(&mut self, sort: SortKey) -> Arc<[CardIx]> {
        let version = self.corpus.version();
        match &self.list.unfiltered {
            Some((s, v, view)) if *s == sort && *v == version => Arc::clone(view),
            _ => {
                let mut view: Vec<CardIx> = self.corpus.cards().iter().map(|(ix, _)| ix).collect();
                self.list.order(&mut view, &self.corpus, sort);
                let view: Arc<[CardIx]> = view.into();
                self.list.unfiltered = Some((sort, version, Arc::clone(&view)));
                view
            }
        }
    }

    pub(super) fn scroll_list_to_selection(&mut self) {
        let height = self.list_height();
        let list = &mut self.list;
        if list.row < list.offset {
            list.offset = list.row;
        } else if list.row >= list.offset + height {
            list.offset = list.row + 1 - height;
        }
        let max_offset = list.view.len().saturating_sub(height);
        list.offset = list.offset.min(max_offset);
    }

    /// Selects the card on `row` (clamped to the list); the detail and related panes start
    /// from the top when that is another card.
    pub(super) fn select_row(&mut self, row: usize) {
        let row = row.min(self.list.view.len().saturating_sub(1));
        let id = self
            .list
            .view
            .get(row)
            .and_then(|ix| self.corpus.get(*ix))
            .map(|c| c.id);
        if id != self.list.selected {
            self.card_changed();
        }
        self.list.row = row;
        self.list.selected = id;
        self.scroll_list_to_selection();
    }

    /// Selects a card, clearing the filter if it hides it. Returns false if it is not loaded.
    pub(super) fn select_card(&mut self, ix: CardIx) -> bool {
        let Some(id) = self.corpus.get(ix).map(|c| c.id) else {
            return false;
        };
        if !self.list.view.contains(&ix) {
            self.clear_query();
            self.notify("filter cleared to show the card", false);
        }
        if self.list.selected != Some(id) {
            self.card_changed();
        }
        self.list.selected = Some(id);
        self.list.pinned = true;
        self.rebuild_view();
        true
    }

    /// The selected card changed: its detail and related rows start from the top.
    fn card_changed(&mut self) {
        self.detail.scroll = 0;
        self.related.selected = 0;
    }

    /// Where the user is now, to come back to.
    fn place(&self) -> Option<Place> {
        Some(Place {
            card: self.list.selected?,
            query: self.query.text.clone(),
            sort: self.list.sort,
            filtered_sort: self.list.filtered_sort,
            detail_scroll: self.detail.scroll,
        })
    }

    /// Goes back to where the user was before the last jump: the card, the filter, the sort
    /// and the scroll; or, with nowhere to go back to, from a pane to the list.
    pub(super) fn back(&mut self) -> Vec<super::Effect> {
        while let Some(place) = self.history.pop() {
            if self.corpus.by_id(place.card).is_none() {
                continue; // The card is gone since.
            }
            let mut effects = Vec::new();
            if place.query != self.query.text {
                self.query.set(place.query);
                effects = self.query_changed();
            }
            self.list.sort = place.sort;
            self.list.filtered_sort = place.filtered_sort;
            self.focus = Pane::Detail;
            self.select_when_shown(place.card, place.detail_scroll);
            return effects;
        }
        if self.focus != Pane::List {
            self.focus = Pane::List;
        } else {
            self.notify("no earlier card to go back to", false);
        }
        Vec::new()
    }

    /// Selects a card as soon as the list that should show it is ready: now, or once the
    /// filter in flight has answered.
    pub(super) fn select_when_shown(&mut self, card: CardId, detail_scroll: usize) {
        self.pending = Some(super::Pending {
            card: IdArg::Full(card),
            detail_scroll,
        });
        self.select_pending();
    }

    /// Selects a linked card, remembering where the jump came from. The new card's detail
    /// starts at its top.
    pub(super) fn jump_to(&mut self, target: CardIx) {
        let from = self.place();
        if self.select_card(target) {
            if let Some(from) = from.filter(|f| Some(f.card) != self.list.selected) {
                self.history.push(from);
            }
            self.detail.scroll = 0;
            self.focus = Pane::Detail;
        }
    }
}
