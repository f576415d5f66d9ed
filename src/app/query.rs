//! The query line and the filter it drives: editing the text, parsing it, asking the worker
//! for a ranking, and taking the answer that belongs to the latest question.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Effect, State};
use crate::action::Action;
use crate::config::FilterOptions;
use crate::corpus::CardIx;
use crate::search::engine::{Found, Tier};
use crate::search::syntax::{self, Clock, MAX_QUERY_CHARS, Query, QueryError};
use crate::search::worker::{FilterResult, Indexed};

/// The query line being edited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryLine {
    pub text: String,
    /// Byte offset of the cursor in `text`, always on a char boundary.
    pub cursor: usize,
    /// Why the text does not parse; the list keeps the last good query's results meanwhile.
    pub error: Option<QueryError>,
    /// The line is open for typing.
    pub editing: bool,
}

impl QueryLine {
    pub(super) fn set(&mut self, text: String) {
        self.cursor = text.len();
        self.text = text;
    }

    /// Inserts text at the cursor as one edit: line breaks and other controls become spaces,
    /// and what would make the line longer than [`MAX_QUERY_CHARS`] is left out. Returns how
    /// many characters were left out.
    pub(super) fn insert(&mut self, text: &str) -> usize {
        let room = MAX_QUERY_CHARS.saturating_sub(self.text.chars().count());
        let folded: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(room)
            .collect();
        self.text.insert_str(self.cursor, &folded);
        self.cursor += folded.len();
        text.chars().count().saturating_sub(room)
    }

    /// Applies an editing action; `None` when the action is not an edit, else whether the
    /// text changed.
    pub(super) fn edit(&mut self, action: &Action) -> Option<bool> {
        let before = self.text.len();
        let cursor = self.cursor;
        let prev = self.text[..cursor]
            .char_indices()
            .next_back()
            .map(|(at, _)| at);
        let next = self.text[cursor..]
            .chars()
            .next()
            .map(|c| cursor + c.len_utf8());
        match action {
            Action::QueryInsert(c) => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            Action::QueryBackspace => {
                if let Some(at) = prev {
                    self.text.replace_range(at..cursor, "");
                    self.cursor = at;
                }
            }
            Action::QueryDelete => {
                if let Some(end) = next {
                    self.text.replace_range(cursor..end, "");
                }
            }
            Action::QueryDeleteWord => {
                let start = self.text[..cursor]
                    .trim_end()
                    .rfind(' ')
                    .map_or(0, |i| i + 1);
                self.text.replace_range(start..cursor, "");
                self.cursor = start;
            }
            Action::QueryDeleteToStart => {
                self.text.replace_range(..cursor, "");
                self.cursor = 0;
            }
            Action::QueryDeleteToEnd => self.text.truncate(cursor),
            Action::QueryLeft => self.cursor = prev.unwrap_or(cursor),
            Action::QueryRight => self.cursor = next.unwrap_or(cursor),
            Action::QueryWordLeft => self.cursor = word_start_before(&self.text, cursor),
            Action::QueryWordRight => self.cursor = word_end_after(&self.text, cursor),
            Action::QueryHome => self.cursor = 0,
            Action::QueryEnd => self.cursor = self.text.len(),
            _ => return None,
        }
        Some(self.text.len() != before)
    }
}

/// A word is letters and digits, as readline's Alt-B and Alt-F take it: they stop inside
/// `lupus-2024` and `title:glacier`, where a filter's parts meet.
fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Byte offset of the start of the word before `cursor` (or the one it is in).
fn word_start_before(text: &str, cursor: usize) -> usize {
    let before = &text[..cursor];
    let end = before.trim_end_matches(|c| !is_word(c)).len();
    before[..end].trim_end_matches(is_word).len()
}

/// Byte offset of the end of the word after `cursor` (or the one it is in).
fn word_end_after(text: &str, cursor: usize) -> usize {
    let after = &text[cursor..];
    let start = after.len() - after.trim_start_matches(|c| !is_word(c)).len();
    let rest = &after[start..];
    cursor + start + (rest.len() - rest.trim_start_matches(is_word).len())
}

/// The filter in force and the question out to the worker.
#[derive(Debug, Default)]
pub struct Filter {
    /// The last query that parsed; what the list shows.
    pub active: Query,
    /// Ranked matches of `active`, positions in the snapshot of the corpus's current epoch;
    /// `None` when it is empty (every card shows).
    pub found: Option<Arc<Found>>,
    /// Why the last answer could not be had (the word index failed), shown in the status.
    pub error: Option<String>,
    /// How far the word index has caught up, when it has not yet.
    pub indexing: Option<Indexed>,
    /// Slots the last answer searched: cards indexed after them need asking again.
    pub covered: usize,
    /// What plain terms mean (the configuration's `[filter]`).
    pub options: FilterOptions,
    /// The approximate hits of `found`, and how each matched: rows are marked and lit so.
    pub approximate: HashMap<CardIx, Tier>,
    /// Numbers the questions; an answer to any but the latest is dropped.
    pub generation: u64,
    /// A question is out and its answer not yet in.
    pub in_flight: bool,
    /// The next answer is for a new query: select its best match.
    select_best: bool,
}

impl Filter {
    /// A filter is on or coming: the list shows ranked matches rather than every card.
    pub(crate) fn is_on(&self) -> bool {
        self.found.is_some() || self.in_flight
    }

    /// Asks the worker to rank the current snapshot against the active query.
    pub(super) fn request(&mut self) -> Effect {
        self.generation += 1;
        self.in_flight = true;
        Effect::Filter {
            generation: self.generation,
            query: self.active.clone(),
        }
    }

    /// No filter yet, its plain terms meaning what `options` say.
    pub(super) fn with_options(options: FilterOptions) -> Filter {
        Filter {
            options,
            ..Filter::default()
        }
    }

    /// How the listed card at `ix` matched.
    pub fn tier(&self, ix: CardIx) -> Tier {
        self.approximate.get(&ix).copied().unwrap_or(Tier::Words)
    }

    fn clear(&mut self) {
        self.active = Query::default();
        self.found = None;
        self.approximate.clear();
        self.error = None;
        self.in_flight = false;
        // A late answer to the old query must not come back.
        self.generation += 1;
    }
}

impl State {
    /// Handles the query line's actions; `None` for any other action.
    pub(super) fn query_action(&mut self, action: &Action) -> Option<Vec<super::Effect>> {
        match action {
            Action::StartQuery => {
                self.query.editing = true;
                self.focus = super::Pane::List;
                self.query.cursor = self.query.text.len();
                Some(Vec::new())
            }
            Action::QueryBackspace if self.query.text.is_empty() => {
                self.query.editing = false;
                Some(Vec::new())
            }
            Action::QueryAccept => {
                self.query.editing = false;
                self.reading.walk = None;
                if let Some(err) = &self.query.error {
                    self.notify(format!("query not applied: {err}"), true);
                    return Some(Vec::new());
                }
                Some(self.record_query().into_iter().collect())
            }
            Action::HistoryBack => Some(self.walk_history(true)),
            Action::HistoryForward => Some(self.walk_history(false)),
            Action::QueryClear => {
                self.query.editing = false;
                if !self.query.text.is_empty() || self.filter.found.is_some() {
                    self.clear_query();
                    self.rebuild_view();
                }
                Some(Vec::new())
            }
            _ => {
                let changed = self.query.edit(action)?;
                if changed {
                    self.reading.walk = None;
                }
                Some(if changed {
                    self.query_changed()
                } else {
                    Vec::new()
                })
            }
        }
    }

    /// Pasted text goes into the query line, as one edit; anywhere else it would be read as a
    /// stream of commands, so it is dropped.
    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        if self.prompt.is_some() {
            self.paste_into_prompt(text);
            return Vec::new();
        }
        if !self.query.editing || self.overlay.is_some() {
            return Vec::new();
        }
        let before = self.query.text.len();
        let left_out = self.query.insert(text);
        if left_out > 0 {
            self.notify(
                format!(
                    "the query line holds {MAX_QUERY_CHARS} characters: {} left out",
                    crate::view::thousands(left_out)
                ),
                true,
            );
        }
        if self.query.text.len() == before {
            return Vec::new();
        }
        self.query_changed()
    }

    pub(super) fn clear_query(&mut self) {
        self.query = super::QueryLine::default();
        self.filter.clear();
        self.list.filtered_sort = None;
    }

    /// The query text changed: parse it and ask for results, or say why it does not parse.
    pub(super) fn query_changed(&mut self) -> Vec<Effect> {
        let clock = Clock {
            now: self.now,
            zone: self.zone.clone(),
        };
        let parsed =
            match super::saved::parse_with_saved(&self.query.text, &self.reading.saved, &clock) {
                Ok(parsed) => self.filter.options.apply(parsed),
                Err(err) => {
                    self.query.error = Some(err);
                    return Vec::new();
                }
            };
        if let Some(term) = parsed.mark_term().filter(|_| !self.reading.kept) {
            self.query.error = Some(QueryError {
                column: term.column,
                message: syntax::NEEDS_STATE.to_string(),
            });
            return Vec::new();
        }
        self.query.error = None;
        if parsed == self.filter.active && (self.filter.found.is_some() || parsed.is_empty()) {
            return Vec::new();
        }
        self.filter.active = parsed;
        if self.filter.active.is_empty() {
            self.filter.clear();
            self.rebuild_view();
            return Vec::new();
        }
        // A new query selects its best match, and the selection follows the top of the list
        // again until the user moves.
        self.filter.select_best = true;
        self.list.pinned = false;
        vec![self.filter.request()]
    }

    /// The worker's answer: shown if it answers the latest question about this epoch.
    pub(super) fn filtered(&mut self, result: FilterResult) -> Vec<Effect> {
        if result.generation != self.filter.generation {
            return Vec::new(); // An answer to a query that has since changed.
        }
        if result.epoch != self.corpus.epoch() {
            // The slots were renumbered while it ranked: ask again.
            return vec![self.filter.request()];
        }
        self.filter.in_flight = false;
        self.filter.covered = result.covered;
        let found = match result.found {
            Ok(found) => {
                self.filter.error = None;
                found
            }
            Err(e) => {
                self.filter.error = Some(e.to_string());
                Arc::new(Found::default())
            }
        };
        if std::mem::take(&mut self.filter.select_best) {
            self.list.row = 0;
            self.list.offset = 0;
            self.list.selected = found
                .hits
                .iter()
                .find_map(|h| self.corpus.get(h.ix))
                .map(|c| c.id);
        }
        self.filter.approximate = found.hits[found.words..]
            .iter()
            .map(|h| (h.ix, h.tier))
            .collect();
        self.filter.found = Some(found);
        self.rebuild_view();
        self.select_pending();
        Vec::new()
    }
}

impl State {
    /// The word index caught up further: a filter in force is asked again, to cover the cards
    /// indexed since.
    pub(super) fn indexed(&mut self, indexed: Indexed) -> Vec<Effect> {
        if indexed.epoch != self.corpus.epoch() {
            return Vec::new();
        }
        self.filter.indexing = (!indexed.done).then_some(indexed);
        let mut effects: Vec<Effect> = Vec::new();
        if indexed.done {
            effects.extend(self.request_counts());
        }
        let progressed = indexed.slots > self.filter.covered;
        if progressed && self.filter.found.is_some() && !self.filter.in_flight {
            effects.push(self.filter.request());
        }
        effects
    }
}
