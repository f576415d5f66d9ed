//! The detail pane: the selected card's rows from [`crate::view::detail`], scrolled, with the
//! position in its border when they do not all fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::Theme;
use crate::app::{Pane, State};
use crate::text;
use crate::view::thousands;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.has_focus(Pane::Detail);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let rows = state.detail_rows(inner_w);
    let all = if rows.is_empty() {
        vec![Line::styled(
            text::truncate("no card selected", inner_w).into_owned(),
            theme.dim,
        )]
    } else {
        super::lines(rows, theme)
    };
    let total = all.len();
    let first = state.detail_first_row().min(total.saturating_sub(inner_h));
    let title = if state.outside_entry().is_some() {
        " related entry "
    } else {
        " detail "
    };
    let mut block = theme.pane_block(Line::from(title), focused);
    if total > inner_h {
        let last = (first + inner_h).min(total);
        let indicator = format!(" {}–{}/{} ", first + 1, last, thousands(total));
        block = block.title(Line::from(indicator).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let shown: Vec<Line<'static>> = all.into_iter().skip(first).take(inner_h).collect();
    Paragraph::new(shown).render(inner, frame.buffer_mut());
}
