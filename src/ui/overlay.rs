//! The overlays: key help and the problems found while loading, drawn from
//! [`crate::view::help`] and [`crate::view::diagnostics`]; and the saved searches' picker.
//!
//! Both are as tall as the panes' area, so their inner height is the terminal's minus four:
//! the page `update` scrolls them by.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{Theme, spaces};
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

/// The widest name column of the picker; longer names are cut.
const SAVED_NAME_W: usize = 24;

/// `12 matching · 3 unread`, `counting…`, or why the saved query cannot be used.
fn saved_count(state: &State, name: &str) -> (String, bool) {
    let Some(counts) = &state.saved_counts.counts else {
        return ("counting…".to_string(), false);
    };
    match counts.get(name) {
        Some(Ok(count)) => (
            format!(
                "{} matching · {} unread",
                thousands(count.matching),
                thousands(count.unread)
            ),
            false,
        ),
        Some(Err(why)) => (format!("✗ {why}"), true),
        None => ("counting…".to_string(), false),
    }
}

pub(crate) fn draw_saved(frame: &mut Frame, main: Rect, state: &State, theme: &Theme) {
    let title = format!(" saved searches{} ", closes(state));
    let mut block = theme.pane_block(Line::from(title), true);
    let inner = block.inner(main);
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let saved = &state.reading.saved;
    let name_w = saved
        .iter()
        .map(|s| text::width(&text::clean_line(&s.name)) + 1)
        .max()
        .unwrap_or(0)
        .min(SAVED_NAME_W);
    let overlay = state.overlay.unwrap_or(crate::app::OverlayState {
        kind: crate::app::Overlay::Saved,
        scroll: 0,
        selected: 0,
    });
    let first = first_row(overlay.scroll, saved.len(), height);
    if let Some(pos) = position(first, height, saved.len()) {
        block = block.title_bottom(pos);
    }
    let lines: Vec<Line<'static>> = if saved.is_empty() {
        vec![Line::styled(
            text::truncate(
                "no saved searches yet: filter with /, then S saves the filter under a name",
                width,
            )
            .into_owned(),
            theme.dim,
        )]
    } else {
        saved
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, search)| {
                let name = format!("@{}", text::clean_line(&search.name));
                let name = text::truncate(&name, name_w + 1).into_owned();
                let name_pad = spaces((name_w + 1).saturating_sub(text::width(&name)));
                let (count, failed) = saved_count(state, &search.name);
                let count = text::truncate(&count, width / 2).into_owned();
                let query_w = width
                    .saturating_sub(name_w + 1 + 2 + text::width(&count) + 2)
                    .max(1);
                let query = text::truncate(&text::clean_line(&search.query), query_w).into_owned();
                let gap = spaces(
                    width
                        .saturating_sub(name_w + 1 + 2 + text::width(&query) + text::width(&count)),
                );
                let line = Line::from(vec![
                    Span::styled(name, theme.strong),
                    Span::raw(name_pad),
                    Span::raw("  "),
                    Span::raw(query),
                    Span::raw(gap),
                    Span::styled(count, if failed { theme.error } else { theme.dim }),
                ]);
                if i == overlay.selected {
                    line.patch_style(theme.selected)
                } else {
                    line
                }
            })
            .collect()
    };
    clear(frame, main);
    frame.render_widget(block, main);
    Paragraph::new(lines).render(inner, frame.buffer_mut());
}
