//! The overlays over the panes, help and load problems: opening, scrolling, closing; in the
//! problems, choosing one and going to the card it is about.

use super::{Effect, State};
use crate::action::Action;
use crate::corpus::{Severity, Subject};
use crate::view;

/// An overlay over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Diagnostics,
    /// The saved searches' picker.
    Saved,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverlayState {
    pub kind: Overlay,
    /// First row drawn.
    pub scroll: usize,
    /// In the problems, the one chosen (an index into [`State::diagnostics`]).
    pub selected: usize,
}

impl State {
    pub(super) fn open_overlay(&mut self, kind: Overlay) {
        self.overlay = Some(OverlayState {
            kind,
            scroll: 0,
            selected: 0,
        });
    }

    /// Rows of the open overlay's text, as drawn: long entries wrap.
    fn overlay_rows(&self, kind: Overlay) -> usize {
        match kind {
            Overlay::Help => {
                view::help::rows(&self.keymap, view::help::inner_width(self.width)).len()
            }
            Overlay::Diagnostics => {
                let width = usize::from(self.width.saturating_sub(2));
                view::diagnostics::rows(&self.diagnostics, width).len()
            }
            Overlay::Saved => self.reading.saved.len(),
        }
    }

    /// An overlay's inner height: the screen less the status, the footer and two borders.
    pub(super) fn overlay_page(&self) -> usize {
        usize::from(self.height.saturating_sub(4)).max(1)
    }

    fn scroll_overlay(&mut self, delta: isize) {
        let Some(overlay) = self.overlay else {
            return;
        };
        let last = self
            .overlay_rows(overlay.kind)
            .saturating_sub(self.overlay_page());
        let scroll = overlay.scroll.saturating_add_signed(delta).min(last);
        self.overlay = Some(OverlayState { scroll, ..overlay });
    }

    /// Moves the chosen problem by `delta` and scrolls so all its rows are in sight.
    fn move_diagnostic(&mut self, delta: isize) {
        let Some(overlay) = self.overlay else {
            return;
        };
        let width = usize::from(self.width.saturating_sub(2));
        let (rows, starts) = view::diagnostics::layout(&self.diagnostics, width);
        let last = starts.len().saturating_sub(1);
        let selected = overlay.selected.saturating_add_signed(delta).min(last);
        let first = starts.get(selected).copied().unwrap_or(0);
        let end = starts.get(selected + 1).copied().unwrap_or(rows.len());
        let page = self.overlay_page();
        let mut scroll = overlay.scroll;
        if end > scroll + page {
            scroll = end.saturating_sub(page);
        }
        // A problem taller than the page shows its first row.
        scroll = scroll.min(first);
        self.overlay = Some(OverlayState {
            scroll,
            selected,
            ..overlay
        });
    }

    /// Enter on a problem: a file that loaded as a card (a warning) shows that card.
    fn open_diagnostic(&mut self) -> Vec<Effect> {
        let Some(d) = self
            .overlay
            .and_then(|o| self.diagnostics.get(o.selected))
            .cloned()
        else {
            return Vec::new();
        };
        let card = (d.severity == Severity::Warning && d.subject == Subject::File)
            .then(|| {
                self.corpus
                    .ids()
                    .find(|id| self.corpus.card(*id).is_some_and(|c| *c.path == *d.path))
            })
            .flatten()
            .and_then(|id| self.corpus.by_id(id));
        match card {
            Some(ix) => {
                self.overlay = None;
                self.jump_to(ix);
            }
            None => self.notify("this file was not loaded as a card: nothing to show", false),
        }
        Vec::new()
    }

    /// What an action does while an overlay is open: it scrolls or closes it, and in the
    /// problems it chooses one and goes to its card; nothing else.
    pub(super) fn overlay_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.overlay_page() as isize;
        if self.overlay.map(|o| o.kind) == Some(Overlay::Diagnostics) {
            let far = isize::MAX / 2;
            match action {
                Action::MoveDown => self.move_diagnostic(1),
                Action::MoveUp => self.move_diagnostic(-1),
                Action::PageDown => self.move_diagnostic(page),
                Action::PageUp => self.move_diagnostic(-page),
                Action::HalfPageDown => self.move_diagnostic(page / 2),
                Action::HalfPageUp => self.move_diagnostic(-page / 2),
                Action::Top => self.move_diagnostic(-far),
                Action::Bottom => self.move_diagnostic(far),
                Action::Scroll { down, .. } => self.move_diagnostic(if down { 3 } else { -3 }),
                Action::Activate => return self.open_diagnostic(),
                Action::CloseOverlay | Action::Click { .. } => self.overlay = None,
                _ => {}
            }
            return Vec::new();
        }
        match action {
            Action::MoveDown => self.scroll_overlay(1),
            Action::MoveUp => self.scroll_overlay(-1),
            Action::PageDown => self.scroll_overlay(page),
            Action::PageUp => self.scroll_overlay(-page),
            Action::HalfPageDown => self.scroll_overlay(page / 2),
            Action::HalfPageUp => self.scroll_overlay(-page / 2),
            Action::Top => self.scroll_overlay(-(isize::MAX / 2)),
            Action::Bottom => self.scroll_overlay(isize::MAX / 2),
            Action::Scroll { down, .. } => self.scroll_overlay(if down { 3 } else { -3 }),
            Action::CloseOverlay | Action::Click { .. } => self.overlay = None,
            _ => {}
        }
        Vec::new()
    }
}
