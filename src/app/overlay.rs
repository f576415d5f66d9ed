//! The overlays over the panes, help and load problems: opening, scrolling, closing.

use super::State;
use crate::action::Action;
use crate::view;

/// An overlay over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Diagnostics,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverlayState {
    pub kind: Overlay,
    /// First row drawn.
    pub scroll: usize,
}

impl State {
    pub(super) fn open_overlay(&mut self, kind: Overlay) {
        self.overlay = Some(OverlayState { kind, scroll: 0 });
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
        }
    }

    /// An overlay's inner height: the screen less the status, the footer and two borders.
    fn overlay_page(&self) -> usize {
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

    /// What an action does while an overlay is open: it scrolls or closes it, nothing else.
    pub(super) fn overlay_action(&mut self, action: Action) {
        let page = self.overlay_page() as isize;
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
    }
}
