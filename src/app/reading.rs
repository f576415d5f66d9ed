//! Reading state in the reader: read and starred marks, undo, first sightings, and the writes
//! they send to the state store. Marks change here at once, in the reader's own copy; each
//! change goes to the store as an [`Effect::State`], written off the UI thread, and what the
//! writer answers comes back as [`super::Msg::StateDone`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::Arc;

use jiff::Timestamp;

use super::{Effect, Pane, State};
use crate::corpus::{CardId, CardIx};
use crate::library::state::{
    Change, Done, FlagKind, HistoryEntry, Marks, Op, Restore, SavedSearch, WriteError,
};

/// How many past queries are kept, as the store keeps them.
const HISTORY_DEPTH: usize = crate::library::state::MAX_HISTORY;

/// How many marking actions `u` can undo.
const UNDO_DEPTH: usize = 100;

/// What the reader starts from when it keeps reading state (none with `--no-state`).
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub marks: Marks,
    pub saved: Vec<SavedSearch>,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
    /// Why nothing is saved this run, if nothing is: said once in the status.
    pub notice: Option<String>,
    /// `marks` is empty because the file's are still being read (off the start-up path): they
    /// come as [`super::Msg::MarksReloaded`], and first sightings wait for them.
    pub marks_pending: bool,
}

/// A write sent and not answered yet that changes marks: a reload of the marks from the file
/// applies it again, since the file may not have it yet.
#[derive(Clone, Debug)]
enum Unconfirmed {
    Mark(Change),
    Restore(Restore),
}

#[derive(Debug, Default)]
pub struct Reading {
    /// The marks as the reader shows them: the file's, with this reader's changes.
    pub marks: Arc<Marks>,
    /// Reading state is kept (not `--no-state`): marks can be made, and `is:` terms work.
    pub kept: bool,
    /// The store went read-only and the status said so.
    pub unsaved: bool,
    /// Undo steps, the latest last.
    undo: Vec<Restore>,
    /// Every write sent, in order, answered in the same order by the one writer thread.
    unconfirmed: VecDeque<Option<Unconfirmed>>,
    /// Saved searches, by name.
    pub saved: Vec<SavedSearch>,
    /// Past queries, newest first.
    pub history: Vec<String>,
    /// The file's marks are still being read: first sightings wait for them.
    marks_pending: bool,
    /// Walking the history: the entry shown and the text typed before the walk began.
    pub(super) walk: Option<(usize, String)>,
    /// Unread cards of the list, for the key it was counted at.
    unread: Cell<Option<(UnreadKey, usize)>>,
    /// Which slots of the store hold a read card, for the (marks, corpus) versions it was made
    /// at: counting a list's unread cards is then a walk over a small bit table rather than a
    /// look-up of every listed card, which a keystroke that changes the list cannot afford.
    read_slots: RefCell<Option<ReadSlots>>,
}

type UnreadKey = (u64, u64, u64, bool, usize);

/// Which slots hold a read card: a bit per slot (a million slots fit in the processor's cache
/// as bits, not as bytes), none while no listed card is read.
#[derive(Debug)]
struct ReadSlots {
    /// The marks' version and the corpus's epoch it holds for: slots keep their cards within
    /// an epoch, so a new corpus version only adds slots to look at.
    made_for: (u64, u64),
    /// The slots looked at.
    slots: usize,
    bits: Vec<u64>,
}

impl Reading {
    pub(super) fn new(loaded: Option<Loaded>) -> (Reading, Option<String>) {
        match loaded {
            None => (Reading::default(), None),
            Some(loaded) => (
                Reading {
                    marks: Arc::new(loaded.marks),
                    kept: true,
                    saved: loaded.saved,
                    history: loaded.history.into_iter().map(|h| h.query).collect(),
                    marks_pending: loaded.marks_pending,
                    ..Reading::default()
                },
                loaded.notice,
            ),
        }
    }

    /// How many undo steps there are.
    pub fn undo_depth(&self) -> usize {
        self.undo.len()
    }
}

impl State {
    /// Sends `op` to the store, keeping its place in the queue of answers.
    pub(super) fn write(&mut self, op: Op) -> Effect {
        self.reading.unconfirmed.push_back(match &op {
            Op::Mark(change) => Some(Unconfirmed::Mark(change.clone())),
            Op::Restore(restore) => Some(Unconfirmed::Restore(restore.clone())),
            _ => None,
        });
        Effect::State(op)
    }

    /// Says so and returns false when marks cannot be made (`--no-state`).
    fn can_mark(&mut self) -> bool {
        if !self.reading.kept {
            self.notify(
                "reading state is off (--no-state): nothing can be marked",
                true,
            );
        }
        self.reading.kept
    }

    /// Sets `kind` to `on` for `ids`: at once here, as one undo step, and in the store.
    fn mark(&mut self, kind: FlagKind, on: bool, ids: Vec<CardId>) -> Vec<Effect> {
        if ids.is_empty() {
            return Vec::new();
        }
        let change = Change {
            kind,
            on,
            ids: ids.into(),
            at: self.now,
        };
        let restore = Arc::make_mut(&mut self.reading.marks).apply(&change);
        self.reading.undo.push(restore);
        if self.reading.undo.len() > UNDO_DEPTH {
            self.reading.undo.remove(0);
        }
        let mut effects = vec![self.write(Op::Mark(change))];
        effects.extend(self.marks_changed());
        effects
    }

    /// The marks changed: a filter that tests them is asked again.
    fn marks_changed(&mut self) -> Option<Effect> {
        (self.filter.active.mark_term().is_some() && self.filter.is_on())
            .then(|| self.filter.request())
    }

    /// `m`: the selected card read, or unread again.
    pub(super) fn toggle_read(&mut self) -> Vec<Effect> {
        self.toggle(FlagKind::Read)
    }

    /// `*`: a star on the selected card, or off.
    pub(super) fn toggle_star(&mut self) -> Vec<Effect> {
        self.toggle(FlagKind::Starred)
    }

    fn toggle(&mut self, kind: FlagKind) -> Vec<Effect> {
        if !self.can_mark() {
            return Vec::new();
        }
        let Some(id) = self.list.selected else {
            return Vec::new();
        };
        let on = !self.reading.marks.get(id).flag(kind).on;
        self.mark(kind, on, vec![id])
    }

    /// The selected card was opened (its detail, or its URL): it is read now.
    pub(super) fn read_selected(&mut self) -> Vec<Effect> {
        match self.list.selected {
            Some(id) if self.reading.kept && !self.reading.marks.is_read(id) => {
                self.mark(FlagKind::Read, true, vec![id])
            }
            _ => Vec::new(),
        }
    }

    /// After an action: a card whose detail has just come into the focus is read; passing over
    /// cards in the list reads none.
    pub(super) fn read_on_open(
        &mut self,
        before: (Pane, Option<CardId>),
        effects: &mut Vec<Effect>,
    ) {
        let now = (self.focus, self.list.selected);
        if now.0 == Pane::Detail && now != before && self.overlay.is_none() {
            effects.extend(self.read_selected());
        }
    }

    /// `M`: every unread card of the list read, as one change and one undo step.
    pub(super) fn mark_all_read(&mut self) -> Vec<Effect> {
        if !self.can_mark() {
            return Vec::new();
        }
        let marks = &self.reading.marks;
        let ids: Vec<CardId> = self
            .list
            .view
            .iter()
            .filter_map(|ix| self.corpus.get(*ix).map(|c| c.id))
            .filter(|id| !marks.is_read(*id))
            .collect();
        if ids.is_empty() {
            self.notify("every card of the list is read already", false);
            return Vec::new();
        }
        let n = ids.len();
        let effects = self.mark(FlagKind::Read, true, ids);
        self.notify(
            format!("{} marked read (u undoes)", crate::view::thousands(n)),
            false,
        );
        effects
    }

    /// `u`: the last marking undone.
    pub(super) fn undo(&mut self) -> Vec<Effect> {
        let Some(restore) = self.reading.undo.pop() else {
            self.notify("nothing to undo", false);
            return Vec::new();
        };
        Arc::make_mut(&mut self.reading.marks).restore(&restore);
        let n = restore.values.len();
        let what = match restore.kind {
            FlagKind::Read => "read mark",
            FlagKind::Starred => "star",
        };
        let plural = if n == 1 { "" } else { "s" };
        self.notify(
            format!("undone: {} {what}{plural}", crate::view::thousands(n)),
            false,
        );
        let mut effects = vec![self.write(Op::Restore(restore))];
        effects.extend(self.marks_changed());
        effects
    }

    /// `n` / `N`: the next (or previous) unread card of the list.
    pub(super) fn next_unread(&mut self, forward: bool) {
        let marks = &self.reading.marks;
        let unread =
            |ix: &crate::corpus::CardIx| self.corpus.get(*ix).is_some_and(|c| !marks.is_read(c.id));
        let row = self.list.row;
        let found = if forward {
            self.list
                .view
                .iter()
                .enumerate()
                .skip(row + 1)
                .find(|(_, ix)| unread(ix))
                .map(|(r, _)| r)
        } else {
            self.list.view[..row.min(self.list.view.len())]
                .iter()
                .rposition(unread)
        };
        match found {
            Some(r) => {
                self.list.pinned = true;
                self.select_row(r);
            }
            None => {
                let which = if forward { "below" } else { "above" };
                self.notify(format!("no unread card {which}"), false);
            }
        }
    }

    /// `U`: the `is:unread` term added to the query, or taken out of it.
    pub(super) fn toggle_unread_only(&mut self) -> Vec<Effect> {
        let text = &self.query.text;
        let terms: Vec<&str> = text.split(' ').collect();
        let is_term = |t: &&str| t.eq_ignore_ascii_case("is:unread");
        let next = if terms.iter().any(is_term) {
            terms
                .into_iter()
                .filter(|t| !is_term(t) && !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        } else if text.trim().is_empty() {
            "is:unread".to_string()
        } else {
            format!("{} is:unread", text.trim_end())
        };
        self.query.set(next);
        self.query_changed()
    }

    /// Cards just loaded: the first sighting of those never seen before is now.
    pub(super) fn see(&mut self, ids: Vec<CardId>) -> Option<Effect> {
        // Before the file's marks are in, every card would look never seen.
        if !self.reading.kept || ids.is_empty() || self.reading.marks_pending {
            return None;
        }
        let at: Timestamp = self.now;
        let fresh = Arc::make_mut(&mut self.reading.marks).see(ids, at);
        (!fresh.is_empty()).then(|| self.write(Op::See { ids: fresh, at }))
    }

    /// The writer's answer to the oldest write not yet answered.
    pub(super) fn state_done(&mut self, done: Done) -> Vec<Effect> {
        self.reading.unconfirmed.pop_front();
        match done.result {
            Ok(_) => {}
            Err(WriteError::Unsaved(problem)) => {
                if !self.reading.unsaved {
                    self.reading.unsaved = true;
                    self.notify(
                        format!("reading state: {problem}; marks are not saved"),
                        true,
                    );
                }
            }
            Err(WriteError::Invalid(why)) => self.notify(why, true),
        }
        Vec::new()
    }

    /// Another program (or this reader's writer) changed the file: its marks, with the
    /// changes of this reader not written yet laid over them.
    pub(super) fn marks_reloaded(&mut self, mut marks: Marks) -> Vec<Effect> {
        for pending in self.reading.unconfirmed.iter().flatten() {
            match pending {
                Unconfirmed::Mark(change) => {
                    marks.apply(change);
                }
                Unconfirmed::Restore(restore) => marks.restore(restore),
            }
        }
        self.reading.marks = Arc::new(marks);
        let mut effects: Vec<Effect> = self.marks_changed().into_iter().collect();
        if std::mem::take(&mut self.reading.marks_pending) {
            // The cards loaded meanwhile are seen now, against the file's first sightings.
            let ids = self.corpus.ids().collect();
            effects.extend(self.see(ids));
        }
        effects.extend(self.request_counts());
        effects
    }

    /// The query applied in the filter line goes to the front of the history (once), and to
    /// the store.
    pub(super) fn record_query(&mut self) -> Option<Effect> {
        let query = self.query.text.trim().to_string();
        if query.is_empty() || !self.reading.kept {
            return None;
        }
        let history = &mut self.reading.history;
        history.retain(|q| *q != query);
        history.insert(0, query.clone());
        history.truncate(HISTORY_DEPTH);
        Some(self.write(Op::RecordQuery {
            query,
            at: self.now,
        }))
    }

    /// Ctrl-P (`back`) and Ctrl-N in the filter line: an older or newer past query on the
    /// line; past the newest, the text typed before the walk began.
    pub(super) fn walk_history(&mut self, back: bool) -> Vec<Effect> {
        let history = &self.reading.history;
        let next = match (&self.reading.walk, back) {
            (None, true) => (!history.is_empty()).then_some(0),
            (None, false) => return Vec::new(),
            (Some((i, _)), true) => Some((i + 1).min(history.len().saturating_sub(1))),
            (Some((0, _)), false) => None,
            (Some((i, _)), false) => Some(i - 1),
        };
        let text = match next {
            Some(i) => {
                let typed = match self.reading.walk.take() {
                    Some((_, typed)) => typed,
                    None => self.query.text.clone(),
                };
                let text = history[i].clone();
                self.reading.walk = Some((i, typed));
                text
            }
            None => match self.reading.walk.take() {
                Some((_, typed)) => typed,
                None => return Vec::new(),
            },
        };
        if text == self.query.text {
            return Vec::new();
        }
        self.query.set(text);
        self.query_changed()
    }

    /// How many cards of the list are unread; counted again only when the marks or the list
    /// changed.
    pub fn unread_count(&self) -> usize {
        let key = (
            self.reading.marks.version(),
            self.corpus.version(),
            self.filter.generation,
            self.filter.found.is_some(),
            self.list.view.len(),
        );
        if let Some((k, n)) = self.reading.unread.get()
            && k == key
        {
            return n;
        }
        let marks = &self.reading.marks;
        let made_for = (marks.version(), self.corpus.epoch());
        let slots = self.corpus.cards().slots();
        let mut table = self.reading.read_slots.borrow_mut();
        let table = match &mut *table {
            // The same marks and slots, and perhaps new slots (a load's next batch): only the
            // new ones are looked at.
            Some(table) if table.made_for == made_for && table.slots <= slots => table,
            table => table.insert(ReadSlots {
                made_for,
                slots: 0,
                bits: Vec::new(),
            }),
        };
        if table.slots < slots {
            let fresh = table.slots as CardIx..slots as CardIx;
            let read: Vec<CardIx> = if table.slots == 0 {
                // Every slot: from the read marks, fewer than the cards.
                marks
                    .read_ids()
                    .filter_map(|id| self.corpus.by_id(id))
                    .collect()
            } else {
                fresh
                    .filter(|ix| {
                        self.corpus
                            .cards()
                            .get(*ix)
                            .is_some_and(|c| marks.is_read(c.id))
                    })
                    .collect()
            };
            // None read: no table, and no list to walk.
            if !read.is_empty() {
                table.bits.resize(slots.div_ceil(64), 0);
            }
            for ix in read {
                if let Some(word) = table.bits.get_mut(ix as usize / 64) {
                    *word |= 1 << (ix % 64);
                }
            }
            table.slots = slots;
        }
        let read = &table.bits;
        let view = &self.list.view;
        let read_in_view = if read.is_empty() {
            0
        } else {
            let is_read = |ix: CardIx| {
                read.get(ix as usize / 64)
                    .is_some_and(|w| w >> (ix % 64) & 1 == 1)
            };
            view.iter().filter(|ix| is_read(**ix)).count()
        };
        let n = view.len() - read_in_view;
        self.reading.unread.set(Some((key, n)));
        n
    }
}
