//! Pure drawing: [`draw`] paints the whole screen from a [`State`] and a [`Theme`] and nothing
//! else, so the same state always gives the same picture and tests can draw on a `TestBackend`.
//! Every style is one of the theme's, taken by name.
//!
//! Nothing here mutates the state, does I/O or panics: every area is clipped to the frame, every
//! string from a card passes [`crate::text`] before it becomes a `Span`, and every width is
//! measured in terminal columns.

pub mod detail;
pub mod list;
pub mod overlay;
pub mod related;
pub mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::app::{Overlay, State, layout};
use crate::config::Theme;
use crate::text;
use crate::view::{Role, Row};

/// Draws the reader for `state` in `theme`.
pub fn draw(frame: &mut Frame, state: &State, theme: &Theme) {
    let screen = frame.area();
    let areas = state.areas();
    // The state's size and the frame's can disagree for one frame after a resize; the smaller
    // one decides, and every area is clipped to the frame below.
    if areas.too_small || screen.width < layout::MIN_WIDTH || screen.height < layout::MIN_HEIGHT {
        // The longest wording that fits, rather than a cut one.
        let width = usize::from(screen.width);
        let line = ["terminal too small", "too small", "small"]
            .into_iter()
            .find(|m| text::width(m) <= width)
            .unwrap_or("");
        let row = Rect::new(screen.x, screen.y, screen.width, screen.height.min(1));
        frame.render_widget(Paragraph::new(line), row);
        return;
    }
    let clip = |r: Rect| r.intersection(screen);

    if let Some(area) = areas.list {
        list::draw(frame, clip(area), state, theme);
    }
    if let Some(area) = areas.detail {
        detail::draw(frame, clip(area), state, theme);
    }
    if let Some(area) = areas.related {
        related::draw(frame, clip(area), state, theme);
    }
    status::draw_status(frame, clip(areas.status), state, theme);
    status::draw_footer(frame, clip(areas.footer), state, theme);

    // Overlays cover the panes but leave the status and footer rows: the footer says how to
    // close them. Their inner height is the screen's minus four, the page `update` scrolls by.
    let main = Rect::new(
        screen.x,
        screen.y,
        screen.width,
        areas.status.y.saturating_sub(screen.y),
    );
    let main = clip(main);
    match state.overlay.map(|o| o.kind) {
        Some(Overlay::Help) => overlay::draw_help(frame, main, state, theme),
        Some(Overlay::Diagnostics) => overlay::draw_diagnostics(frame, main, state, theme),
        Some(Overlay::Saved) => overlay::draw_saved(frame, main, state, theme),
        None => {}
    }
}

/// Drawing's view of the theme: the plain layout's roles and the panes' frames, on top of the
/// named styles of [`crate::config::theme`].
impl Theme {
    /// The style of a role of the plain layout.
    pub fn style(&self, role: Role) -> Style {
        match role {
            Role::Plain => self.text,
            Role::Strong => self.strong,
            Role::Dim => self.dim,
            Role::Link => self.link,
            Role::LinkMark => self.link_mark,
            Role::Heading => self.heading,
            Role::Error => self.error,
            Role::Warning => self.warning,
            Role::Match => self.matched,
            // The body's roles are the text's style with a modifier, which every theme shows,
            // monochrome included.
            Role::Emphasis => self.text.add_modifier(Modifier::ITALIC),
            Role::Code => self.heading.remove_modifier(Modifier::BOLD),
            Role::Quote => self.dim.add_modifier(Modifier::ITALIC),
            Role::LinkText => self.text.add_modifier(Modifier::UNDERLINED),
        }
    }

    /// A pane's frame: thick when it has the focus, which shows without colour too.
    pub(crate) fn pane_block<'a>(&self, title: Line<'a>, focused: bool) -> Block<'a> {
        let block = Block::bordered().title(title);
        if focused {
            block
                .border_type(BorderType::Thick)
                .border_style(self.border_focused)
                .title_style(self.title)
        } else {
            block.border_style(self.border)
        }
    }
}

/// Rows of the plain layout as lines, each role in its style.
pub fn lines(rows: Vec<Row>, theme: &Theme) -> Vec<Line<'static>> {
    rows.into_iter()
        .map(|row| {
            Line::from(
                row.0
                    .into_iter()
                    .map(|s| Span::styled(s.text, theme.style(s.role)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// Spans laid end to end, cut to `width` columns: a span that does not fit whole is truncated
/// and ends the line. The strings must already be clean.
pub(crate) fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let pieces = spans.into_iter().map(|s| (s.content.into_owned(), s.style));
    crate::view::fit_pieces(pieces, width)
        .into_iter()
        .map(|(text, style)| Span::styled(text, style))
        .collect()
}

/// Spaces to fill `width` columns.
pub fn spaces(width: usize) -> String {
    " ".repeat(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_spans_cuts_at_the_width() {
        let spans = vec![Span::raw("abc"), Span::raw("defgh")];
        let out = fit_spans(spans, 6);
        let joined: String = out.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(joined, "abcde…");
    }
}
