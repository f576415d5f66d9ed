//! The list: which cards show, in what order, which one is selected and which rows are in sight.
//!
//! The selection is a card id; its row is where that card is in the current view. Every change
//! of the corpus, the filter or the sort rebuilds the view and finds the selected card again,
//! or its neighbour when it is gone.

use std::sync::Arc;

use super::{Pane, State, layout};
use crate::config::ListOptions;
use crate::corpus::{CardId, CardIx, Corpus};
use crate::search::sort::{SortKey, sort_view};

#[derive(Debug, Default)]
pub struct ListState {
    /// The order the user chose; relevance means newest first while nothing is filtered.
    pub sort: SortKey,
    /// The list as shown: positions in the current snapshot.
    pub view: Vec<CardIx>,
    /// The selected card; `None` only when the list is empty.
    pub selected: Option<CardId>,
    /// Row of the selected card in `view`.
    pub row: usize,
    /// First row drawn.
    pub offset: usize,
    /// The configured start and look: the reverse order, the columns, the date style.
    pub options: ListOptions,
    /// Every card in one sort at one version of the corpus, so that clearing a filter on 100k
    /// cards is a copy, not a sort.
    unfiltered: Option<(SortKey, u64, Arc<[CardIx]>)>,
}

impl ListState {
    /// An empty list that starts in the configured order.
    pub(crate) fn new(options: ListOptions) -> ListState {
        ListState {
            sort: options.sort,
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

impl State {
    /// The sort in force: relevance means newest first when nothing is filtered.
    pub fn effective_sort(&self) -> SortKey {
        match (self.list.sort, self.filter.hits.is_some()) {
            (SortKey::Relevance, false) => SortKey::Date,
            (sort, _) => sort,
        }
    }

    fn list_height(&self) -> usize {
        self.areas().list.map_or(1, layout::inner_height).max(1)
    }

    /// Rebuilds the view from the filter's hits (or every card) and the sort, keeping the
    /// selection on its card, or on the row it had when the card is no longer listed.
    pub(super) fn rebuild_view(&mut self) {
        let sort = self.effective_sort();
        self.list.view = match &self.filter.hits {
            Some(hits) => {
                let mut view: Vec<CardIx> = hits
                    .iter()
                    .map(|h| h.ix)
                    .filter(|ix| self.corpus.cards().is_live(*ix))
                    .collect();
                self.list.order(&mut view, &self.corpus, sort);
                view
            }
            None => self.whole_corpus_sorted(sort).to_vec(),
        };
        let kept = self
            .list
            .selected
            .and_then(|id| self.corpus.by_id(id))
            .and_then(|ix| self.list.view.iter().position(|v| *v == ix));
        let row = kept.unwrap_or(self.list.row);
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
        self.list.selected = Some(id);
        self.rebuild_view();
        true
    }

    /// The selected card changed: its detail and related rows start from the top.
    fn card_changed(&mut self) {
        self.detail.scroll = 0;
        self.related.selected = 0;
    }

    /// Goes back to the card before the last jump, or from a pane to the list.
    pub(super) fn back(&mut self) {
        while let Some(previous) = self.history.pop() {
            if let Some(ix) = self.corpus.by_id(previous) {
                self.select_card(ix);
                return;
            }
        }
        if self.focus != Pane::List {
            self.focus = Pane::List;
        } else {
            self.notify("no earlier card to go back to", false);
        }
    }

    /// Selects a linked card, remembering where the jump came from.
    pub(super) fn jump_to(&mut self, target: CardIx) {
        let from = self.list.selected;
        if self.select_card(target) {
            let to = self.list.selected;
            if let Some(from) = from.filter(|f| Some(*f) != to) {
                self.history.push(from);
            }
            self.focus = Pane::Detail;
        }
    }
}
