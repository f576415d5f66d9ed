//! The overlays: key help and the problems found while loading, drawn from
//! [`crate::view::help`] and [`crate::view::diagnostics`].
//!
//! Both are as tall as the panes' area, so their inner height is the terminal's minus four:
//! the page `update` scrolls them by.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::Theme;
use crate::action::Action;
use crate::app::State;
use crate::config::Mode;
use crate::text;
use crate::view::{self, thousands};

/// The first row to draw: the scroll, kept so the last page is full.
fn first_row(scroll: usize, rows: usize, height: usize) -> usize {
    scroll.min(rows.saturating_sub(height))
}

/// ` 12–40/52 ` when not everything fits.
fn position(first: usize, height: usize, rows: usize) -> Option<Line<'static>> {
    (rows > height).then(|| {
        let last = (first + height).min(rows);
        Line::from(format!(" {}–{}/{} ", first + 1, last, thousands(rows))).right_aligned()
    })
}

/// The help popup's area within `main`: centred, no wider than the help's rows need.
fn help_area(main: Rect) -> Rect {
    let width = main.width.min(view::help::MAX_WIDTH);
    Rect::new(
        main.x + (main.width - width) / 2,
        main.y,
        width,
        main.height,
    )
}

/// ` — esc closes`, with the first key that closes an overlay in the live keymap.
fn closes(state: &State) -> String {
    match state.keymap.key_for(Mode::Overlay, Action::CloseOverlay) {
        Some(key) => format!(" — {} closes", text::clean_line(&key.to_string())),
        None => String::new(),
    }
}

pub(crate) fn draw_help(frame: &mut Frame, main: Rect, state: &State, theme: &Theme) {
    let area = help_area(main);
    let title = format!(" keys{} ", closes(state));
    let mut block = theme.pane_block(Line::from(title), true);
    let inner = block.inner(area);
    let height = usize::from(inner.height);
    let all = super::lines(
        view::help::rows(&state.keymap, usize::from(inner.width)),
        theme,
    );
    let first = first_row(state.overlay.map_or(0, |o| o.scroll), all.len(), height);
    if let Some(pos) = position(first, height, all.len()) {
        block = block.title_bottom(pos);
    }
    let lines: Vec<Line<'static>> = all.into_iter().skip(first).take(height).collect();
    clear(frame, area);
    frame.render_widget(block, area);
    Paragraph::new(lines).render(inner, frame.buffer_mut());
}

/// Blanks `area` for a popup. A wide character just left of it would reach under the popup's
/// border, and the terminal diff would then skip the border cell: it goes too.
fn clear(frame: &mut Frame, area: Rect) {
    let buffer = frame.buffer_mut();
    Clear.render(area, buffer);
    if let Some(left) = area.x.checked_sub(1) {
        for y in area.top()..area.bottom() {
            if let Some(cell) = buffer.cell_mut((left, y))
                && text::width(cell.symbol()) > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
}

/// ` 3 skipped, 5 warnings — esc closes `.
fn diagnostics_title(state: &State) -> String {
    let mut parts = view::diagnostics::summary(&state.diagnostics);
    if parts.is_empty() {
        parts.push("problems".to_string());
    }
    format!(" {}{} ", parts.join(", "), closes(state))
}

pub(crate) fn draw_diagnostics(frame: &mut Frame, main: Rect, state: &State, theme: &Theme) {
    let mut block = theme.pane_block(Line::from(diagnostics_title(state)), true);
    let inner = block.inner(main);
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let (rows, starts) = view::diagnostics::layout(&state.diagnostics, width);
    let total = rows.len();
    // The chosen problem, whose card Enter shows, stands out over its rows.
    let chosen = state.overlay.map_or(0, |o| o.selected);
    let chosen = starts.get(chosen).copied().unwrap_or(total)
        ..starts.get(chosen + 1).copied().unwrap_or(total);
    let all: Vec<Line<'static>> = super::lines(rows, theme)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if chosen.contains(&i) {
                line.patch_style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    let rows = all.len();
    let first = first_row(state.overlay.map_or(0, |o| o.scroll), rows, height);
    if let Some(pos) = position(first, height, rows) {
        block = block.title_bottom(pos);
    }
    let lines: Vec<Line<'static>> = if rows == 0 {
        vec![Line::styled(
            text::truncate("no problems found", width).into_owned(),
            theme.dim,
        )]
    } else {
        all.into_iter().skip(first).take(height).collect()
    };
    clear(frame, main);
    frame.render_widget(block, main);
    Paragraph::new(lines).render(inner, frame.buffer_mut());
}
