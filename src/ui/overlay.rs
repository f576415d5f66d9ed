//! The overlays: key help, generated from [`crate::keymap`] so it lists what the keys really do,
//! and the problems found while loading.
//!
//! Both are one row per entry and as tall as the panes' area, so their inner height is the
//! terminal's minus four: the page `update` scrolls them by, and the row count it clamps to
//! (a header per help section plus one row per binding; one row per diagnostic).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{Theme, thousands};
use crate::app::State;
use crate::corpus::{Diagnostic, Severity};
use crate::keymap::{self, Binding, Mode};
use crate::text;

/// The help popup is no wider than this, so its rows stay easy to read on a wide screen.
const HELP_MAX_W: u16 = 100;

/// Where a binding is listed: once, under the first mode it works in, or under "everywhere"
/// when it works in all of them, so each binding is one row.
fn home(binding: &Binding) -> Option<Mode> {
    match binding.modes {
        [_, _, _] => None,
        [first, ..] => Some(*first),
        [] => None,
    }
}

/// The help text: a header per section, then `keys  description` rows.
pub fn help_rows() -> Vec<(Option<&'static str>, &'static str)> {
    let sections: [(&str, Option<Mode>); 4] = [
        ("Browsing", Some(Mode::Browse)),
        ("Typing a filter", Some(Mode::Query)),
        ("In help and problems", Some(Mode::Overlay)),
        ("Everywhere", None),
    ];
    let mut rows = Vec::new();
    for (header, mode) in sections {
        rows.push((None, header));
        let listed = keymap::BINDINGS.iter().filter(|b| home(b) == mode);
        let listed: Vec<&Binding> = match mode {
            Some(mode) => keymap::help(mode)
                .filter(|b| home(b) == Some(mode))
                .collect(),
            None => listed.collect(),
        };
        rows.extend(listed.into_iter().map(|b| (Some(b.label), b.description)));
    }
    rows
}

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

/// The help popup's area within `main`: centred, at most `HELP_MAX_W` wide.
fn help_area(main: Rect) -> Rect {
    let width = main.width.min(HELP_MAX_W);
    Rect::new(
        main.x + (main.width - width) / 2,
        main.y,
        width,
        main.height,
    )
}

/// Every row of the help at `width` columns inside its border: section headers, then each
/// binding's keys and its description, wrapped under itself when it does not fit.
pub fn help_lines(width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let rows = help_rows();
    let label_w = rows
        .iter()
        .filter_map(|(label, _)| label.map(text::width))
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines = Vec::new();
    for (label, description) in rows {
        let Some(label) = label else {
            lines.push(Line::styled(
                text::truncate(description, width).into_owned(),
                theme.bold().patch(theme.accent()),
            ));
            continue;
        };
        let label = text::pad_to(&format!(" {label}"), (label_w + 1).min(width));
        let indent = text::width(&label);
        let rest = width.saturating_sub(indent).max(1);
        for (i, row) in text::wrap(description, rest).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(label.clone(), theme.bold())
            } else {
                Span::raw(" ".repeat(indent))
            };
            lines.push(Line::from(vec![lead, Span::raw(row)]));
        }
    }
    lines
}

/// Columns inside the help popup's border for a terminal `width` columns wide.
pub fn help_inner_width(width: u16) -> usize {
    usize::from(help_area(Rect::new(0, 0, width, 1)).width.saturating_sub(2))
}

pub fn draw_help(frame: &mut Frame, main: Rect, state: &State, theme: &Theme) {
    let area = help_area(main);
    let mut block = theme.pane_block(Line::from(" keys — Esc closes "), true);
    let inner = block.inner(area);
    let height = usize::from(inner.height);
    let all = help_lines(usize::from(inner.width), theme);
    let first = first_row(state.overlay_scroll, all.len(), height);
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

/// ` 3 skipped, 5 warnings — Esc closes `.
fn diagnostics_title(state: &State) -> String {
    let mut parts = super::problem_summary(state);
    if parts.is_empty() {
        parts.push("problems".to_string());
    }
    format!(" {} — Esc closes ", parts.join(", "))
}

/// `path:line:column: severity: message`, the shape of `tidings check`, with the severity in
/// its colour. Path and message come from files and pass the gate. `short` shows only the
/// file name of the path (`…/file.txt`).
fn diagnostic_spans(d: &Diagnostic, short: bool, theme: &Theme) -> Vec<Span<'static>> {
    let (severity, style) = match d.severity {
        Severity::Error => ("error", theme.error()),
        Severity::Warning => ("warning", theme.warning()),
    };
    let path = match d.path.file_name() {
        Some(name) if short && d.path.parent().is_some_and(|p| !p.as_os_str().is_empty()) => {
            format!("…/{}", text::clean_line(&name.to_string_lossy()))
        }
        _ => text::clean_line(&d.path.display().to_string()).into_owned(),
    };
    vec![
        Span::styled(format!("{path}:{}:{}: ", d.line, d.column), theme.dim()),
        Span::styled(severity, style),
        Span::raw(format!(": {}", text::clean_line(&d.message))),
    ]
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| text::width(&s.content)).sum()
}

/// Every row of the diagnostics view at `width` columns. A diagnostic that fits is one row, as
/// `tidings check` prints it; a longer one puts its place on a row and its message, wrapped,
/// on the rows under it, so every message can be read whole at any width.
pub fn diagnostics_lines(state: &State, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for d in &state.diagnostics {
        let full = diagnostic_spans(d, false, theme);
        if spans_width(&full) <= width {
            lines.push(Line::from(full));
            continue;
        }
        // The place: path (folders dropped first), line, column and severity.
        let mut place = diagnostic_spans(d, true, theme);
        place.truncate(2);
        place.push(Span::raw(":"));
        lines.push(Line::from(super::fit_spans(place, width)));
        let message = text::clean_line(&d.message);
        for row in text::wrap(&message, width.saturating_sub(2).max(1)) {
            lines.push(Line::raw(format!("  {row}")));
        }
    }
    lines
}

pub fn draw_diagnostics(frame: &mut Frame, main: Rect, state: &State, theme: &Theme) {
    let mut block = theme.pane_block(Line::from(diagnostics_title(state)), true);
    let inner = block.inner(main);
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let all = diagnostics_lines(state, width, theme);
    let rows = all.len();
    let first = first_row(state.overlay_scroll, rows, height);
    if let Some(pos) = position(first, height, rows) {
        block = block.title_bottom(pos);
    }
    let lines: Vec<Line<'static>> = if rows == 0 {
        vec![Line::styled(
            text::truncate("no problems found", width).into_owned(),
            theme.dim(),
        )]
    } else {
        all.into_iter().skip(first).take(height).collect()
    };
    clear(frame, main);
    frame.render_widget(block, main);
    Paragraph::new(lines).render(inner, frame.buffer_mut());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_has_a_row_per_binding_and_four_headers() {
        // Each binding is listed once, under one of four sections.
        assert_eq!(help_rows().len(), keymap::BINDINGS.len() + 4);
    }
}
