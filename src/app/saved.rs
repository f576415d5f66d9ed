//! Saved searches in the reader: `S` names the query in force, `@` opens the picker (with how
//! many cards each saved search matches and how many of those are unread), where Enter applies
//! one, `r` renames and `d` deletes; and `@name` in the filter line stands for a saved query.
//!
//! The names live in [`super::Reading::saved`], changed here at once and written to the state
//! store as effects, like the marks. The counts come from the filter worker, which runs every
//! saved query against its index ([`Effect::CountSaved`]).

use std::collections::HashMap;

use super::overlay::Overlay;
use super::{Effect, QueryLine, State};
use crate::action::Action;
use crate::library::state::{Op, SavedSearch, check_name, check_query, expand};
use crate::search::syntax::{self, Clock, Query, QueryError};
use crate::search::worker::{Count, Counted};

/// A line the reader asks a name on, in the footer.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub purpose: Purpose,
    pub line: QueryLine,
}

/// What the name typed on a [`Prompt`] is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `S`: the query in force, saved under this name.
    SaveAs { query: String },
    /// `r` in the picker: a new name for the saved search `from`.
    Rename { from: String },
}

impl Prompt {
    /// The words before the line, as the footer shows them.
    pub fn label(&self) -> String {
        match &self.purpose {
            Purpose::SaveAs { .. } => "save the filter as @".to_string(),
            Purpose::Rename { from } => format!("rename @{from} to @"),
        }
    }
}

/// The picker's view of the saved searches: the counts the worker gave for each, by name.
#[derive(Clone, Debug, Default)]
pub struct SavedCounts {
    /// Numbers the count requests; only the latest answer is kept.
    pub generation: u64,
    /// `None` while the counts are being made.
    pub counts: Option<HashMap<String, Result<Count, String>>>,
    /// A name `d` was pressed on once: a second `d` deletes it.
    pub confirm_delete: Option<String>,
}

/// The query `text` stands for once every `@name` in it is replaced by its saved query, parsed;
/// an error's column points into `text` where it can (a problem inside a saved query points at
/// the first `@`, and the message shows the query it became).
pub(crate) fn parse_with_saved(
    text: &str,
    saved: &[SavedSearch],
    clock: &Clock,
) -> Result<Query, QueryError> {
    let expanded = expand(text, saved).map_err(|e| QueryError {
        column: e.position + 1,
        message: e.message,
    })?;
    syntax::parse(&expanded, clock).map_err(|e| {
        if expanded == text {
            return e;
        }
        let first_at = text.chars().position(|c| c == '@').unwrap_or(0);
        QueryError {
            column: first_at + 1,
            message: format!("{} (in `{expanded}`)", e.message),
        }
    })
}

impl State {
    /// `S`: asks for a name to save the query in force under.
    pub(super) fn start_save(&mut self) -> Vec<Effect> {
        if !self.reading.kept {
            self.notify(
                "reading state is off (--no-state): searches cannot be saved",
                true,
            );
            return Vec::new();
        }
        let query = self.query.text.trim().to_string();
        if query.is_empty() {
            self.notify("no filter to save: type one with / first", false);
            return Vec::new();
        }
        if let Some(err) = &self.query.error {
            self.notify(
                format!("the filter has an error, so it is not saved: {err}"),
                true,
            );
            return Vec::new();
        }
        self.prompt = Some(Prompt {
            purpose: Purpose::SaveAs { query },
            line: QueryLine::default(),
        });
        Vec::new()
    }

    /// What an action does while a prompt is open: it edits the name, Enter takes it, Esc
    /// gives up.
    pub(super) fn prompt_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::QueryAccept => {
                let Some(prompt) = self.prompt.take() else {
                    return Vec::new();
                };
                self.take_name(prompt)
            }
            Action::QueryClear => {
                self.prompt = None;
                Vec::new()
            }
            Action::QueryBackspace if prompt.line.text.is_empty() => {
                self.prompt = None;
                Vec::new()
            }
            Action::Quit => {
                self.should_quit = true;
                Vec::new()
            }
            Action::Suspend => vec![Effect::Suspend],
            Action::Repaint => vec![Effect::Repaint],
            other => {
                prompt.line.edit(&other);
                prompt.line.error = check_name(&prompt.line.text)
                    .err()
                    .filter(|_| !prompt.line.text.is_empty())
                    .map(|message| QueryError { column: 1, message });
                Vec::new()
            }
        }
    }

    /// Pasted text goes into the prompt's line, one line of it.
    pub(super) fn paste_into_prompt(&mut self, text: &str) {
        if let Some(prompt) = self.prompt.as_mut() {
            prompt
                .line
                .insert(text.lines().next().unwrap_or_default().trim());
        }
    }

    /// Enter on a prompt: the name is checked, then used.
    fn take_name(&mut self, prompt: Prompt) -> Vec<Effect> {
        let name = prompt.line.text.trim().trim_start_matches('@').to_string();
        if let Err(why) = check_name(&name) {
            self.notify(why, true);
            // The prompt stays, with what was typed, to be put right.
            self.prompt = Some(prompt);
            return Vec::new();
        }
        match prompt.purpose {
            Purpose::SaveAs { query } => self.save_search(name, query),
            Purpose::Rename { from } => self.rename_search(from, name),
        }
    }

    fn save_search(&mut self, name: String, query: String) -> Vec<Effect> {
        if let Err(why) = check_query(&query) {
            self.notify(why, true);
            return Vec::new();
        }
        let saved = &mut self.reading.saved;
        let replaced = match saved.iter_mut().find(|s| s.name == name) {
            Some(s) => {
                s.query.clone_from(&query);
                s.updated = self.now;
                true
            }
            None => {
                saved.push(SavedSearch {
                    name: name.clone(),
                    query: query.clone(),
                    created: self.now,
                    updated: self.now,
                });
                saved.sort_by(|a, b| a.name.cmp(&b.name));
                false
            }
        };
        let verb = if replaced { "replaced" } else { "saved" };
        self.notify(format!("{verb} @{name}: @ lists the saved searches"), false);
        vec![self.write(Op::SaveSearch {
            name,
            query,
            at: self.now,
        })]
    }

    fn rename_search(&mut self, from: String, to: String) -> Vec<Effect> {
        if from == to {
            return Vec::new();
        }
        if self.reading.saved.iter().any(|s| s.name == to) {
            self.notify(
                format!("@{to} is taken: delete it first, or choose another name"),
                true,
            );
            return Vec::new();
        }
        let Some(search) = self.reading.saved.iter_mut().find(|s| s.name == from) else {
            return Vec::new();
        };
        search.name.clone_from(&to);
        search.updated = self.now;
        self.reading.saved.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(row) = self.reading.saved.iter().position(|s| s.name == to)
            && let Some(overlay) = self.overlay.as_mut()
        {
            overlay.selected = row;
        }
        self.notify(format!("@{from} is @{to} now"), false);
        let mut effects = vec![self.write(Op::RenameSearch {
            from,
            to,
            at: self.now,
        })];
        effects.extend(self.request_counts());
        effects
    }

    /// `@`: the picker of saved searches, its counts asked for.
    pub(super) fn open_saved(&mut self) -> Vec<Effect> {
        if !self.reading.kept {
            self.notify("reading state is off (--no-state): no saved searches", true);
            return Vec::new();
        }
        self.open_overlay(Overlay::Saved);
        self.saved_counts.confirm_delete = None;
        self.request_counts().into_iter().collect()
    }

    /// Asks the worker to count every saved search's matches, if the picker is open.
    pub(super) fn request_counts(&mut self) -> Option<Effect> {
        if self.overlay.map(|o| o.kind) != Some(Overlay::Saved) {
            return None;
        }
        let clock = Clock {
            now: self.now,
            zone: self.zone.clone(),
        };
        let saved = &self.reading.saved;
        let queries = saved
            .iter()
            .map(|s| {
                parse_with_saved(&s.query, saved, &clock)
                    .map(|q| self.filter.options.apply(q))
                    .map_err(|e| e.to_string())
            })
            .collect();
        self.saved_counts.generation += 1;
        self.saved_counts.counts = None;
        Some(Effect::CountSaved {
            generation: self.saved_counts.generation,
            queries,
        })
    }

    /// The worker's counts: kept if they answer the latest request.
    pub(super) fn counted(&mut self, counted: Counted) -> Vec<Effect> {
        if counted.generation != self.saved_counts.generation {
            return Vec::new();
        }
        if counted.epoch != self.corpus.epoch() {
            return self.request_counts().into_iter().collect();
        }
        let names = self.reading.saved.iter().map(|s| s.name.clone());
        self.saved_counts.counts = Some(names.zip(counted.counts).collect());
        Vec::new()
    }

    /// What an action does in the picker: move, apply, rename, delete, close.
    pub(super) fn saved_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(overlay) = self.overlay else {
            return Vec::new();
        };
        let last = self.reading.saved.len().saturating_sub(1);
        let page = self.overlay_page() as isize;
        let moved = |by: isize| overlay.selected.saturating_add_signed(by).min(last);
        let selected = match action {
            Action::MoveDown => moved(1),
            Action::MoveUp => moved(-1),
            Action::PageDown => moved(page),
            Action::PageUp => moved(-page),
            Action::HalfPageDown => moved(page / 2),
            Action::HalfPageUp => moved(-page / 2),
            Action::Top => 0,
            Action::Bottom => last,
            Action::Scroll { down, .. } => moved(if down { 1 } else { -1 }),
            _ => overlay.selected,
        };
        let chosen = self.reading.saved.get(selected).cloned();
        if selected != overlay.selected {
            self.saved_counts.confirm_delete = None;
            let page = self.overlay_page();
            let scroll = overlay
                .scroll
                .min(selected)
                .max((selected + 1).saturating_sub(page));
            self.overlay = Some(super::OverlayState {
                selected,
                scroll,
                ..overlay
            });
            return Vec::new();
        }
        match (action, chosen) {
            (Action::Activate, Some(search)) => {
                self.overlay = None;
                self.query.set(format!("@{}", search.name));
                self.query.editing = false;
                let mut effects = self.query_changed();
                effects.extend(self.record_query());
                effects
            }
            (Action::RenameSaved, Some(search)) => {
                let mut line = QueryLine::default();
                line.set(search.name.clone());
                self.prompt = Some(Prompt {
                    purpose: Purpose::Rename { from: search.name },
                    line,
                });
                Vec::new()
            }
            (Action::DeleteSaved, Some(search)) => self.delete_saved(search),
            (Action::CloseOverlay | Action::Click { .. }, _) => {
                self.overlay = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// `d` once asks; `d` again on the same search deletes it.
    fn delete_saved(&mut self, search: SavedSearch) -> Vec<Effect> {
        if self.saved_counts.confirm_delete.as_deref() != Some(search.name.as_str()) {
            self.notify(
                format!(
                    "press d again to delete @{} ({})",
                    search.name, search.query
                ),
                false,
            );
            self.saved_counts.confirm_delete = Some(search.name);
            return Vec::new();
        }
        self.saved_counts.confirm_delete = None;
        self.reading.saved.retain(|s| s.name != search.name);
        if let Some(overlay) = self.overlay.as_mut() {
            overlay.selected = overlay
                .selected
                .min(self.reading.saved.len().saturating_sub(1));
        }
        self.notify(
            format!("deleted @{}: it was `{}`", search.name, search.query),
            false,
        );
        let mut effects = vec![self.write(Op::DeleteSearch { name: search.name })];
        effects.extend(self.request_counts());
        effects
    }
}
