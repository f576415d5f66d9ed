//! The detail pane: every field of the selected card, labelled, wrapped to the pane's width.
//!
//! [`lines`] builds the whole text and [`line_count`] measures it; `update` uses the count to
//! keep the scroll in range, so both come from the one function and can never disagree.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Theme, has_focus, spaces, thousands};
use crate::app::{Pane, State};
use crate::corpus::{Card, Image};
use crate::text;

/// Labels take this many columns, values the rest.
const LABEL_W: usize = 10;
/// Below this width labels sit on their own line, above their value.
const STACK_BELOW: usize = 30;
const MISSING: &str = "—";
const OPENS: &str = "→ o opens";

static LOCAL_ZONE: OnceLock<TimeZone> = OnceLock::new();

/// Fixes the zone local times are shown in, if none is fixed yet; returns whether this call
/// fixed it. Tests pin UTC so their pictures are the same on every machine.
pub fn set_local_zone(zone: TimeZone) -> bool {
    LOCAL_ZONE.set(zone).is_ok()
}

/// The zone times are shown in: the system's, looked up once rather than on every frame.
fn local_zone() -> &'static TimeZone {
    LOCAL_ZONE.get_or_init(TimeZone::system)
}

/// A time as `2024-03-08 01:00 +01:00` in `zone`.
pub fn format_time(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone())
        .strftime("%Y-%m-%d %H:%M %:z")
        .to_string()
}

/// Lines as plain text, one per row, for output that is not a terminal screen.
pub fn plain_text(lines: &[Line<'_>]) -> String {
    let mut out = String::new();
    for line in lines {
        for span in &line.spans {
            out.push_str(&span.content);
        }
        let kept = out.trim_end_matches(' ').len();
        out.truncate(kept);
        out.push('\n');
    }
    out
}

/// `2y ago`, `just now`, or `in the future` for a time ahead of the clock.
pub fn relative(now: Timestamp, then: Timestamp) -> String {
    if then.as_second() > now.as_second().saturating_add(60) {
        return "in the future".to_string();
    }
    // No-break spaces keep `2y ago` whole when the date wraps.
    match super::list::age(now, then).as_str() {
        "now" => "just\u{a0}now".to_string(),
        age => format!("{age}\u{a0}ago"),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = has_focus(state, Pane::Detail);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let all = match state.selected_card() {
        Some(card) => lines(state, card, inner_w),
        None => vec![Line::styled(
            text::truncate("no card selected", inner_w).into_owned(),
            theme.dim(),
        )],
    };
    let total = all.len();
    let first = state.detail_scroll.min(total.saturating_sub(inner_h));
    let mut block = theme.pane_block(Line::from(" detail "), focused);
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

/// How many rows [`lines`] gives; what `update` clamps the scroll with.
pub fn line_count(state: &State, card: &Card, width: usize) -> usize {
    lines(state, card, width).len()
}

/// What the detail text depends on besides the card and the width.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// Ages are relative to this.
    pub now: Timestamp,
    pub color: bool,
    /// Mark the URL `o` opens; off while `o` means the related pane's entry instead.
    pub mark_opens: bool,
}

/// The whole detail of `card` at `width` columns, one `Line` per screen row.
pub fn lines(state: &State, card: &Card, width: usize) -> Vec<Line<'static>> {
    let look = Look {
        now: state.now,
        color: state.color,
        // In the related pane `o` opens the selected entry instead, so the mark would mislead.
        mark_opens: state.focus != Pane::Related,
    };
    card_lines(card, width, &look)
}

/// The detail of a card without a reader around it: also what `tidings show` prints.
pub fn card_lines(card: &Card, width: usize, look: &Look) -> Vec<Line<'static>> {
    let state = look;
    let theme = Theme::new(state.color);
    let width = width.max(1);
    let mut out = Vec::new();
    let mut b = Builder {
        out: &mut out,
        width,
        theme,
    };

    for row in text::wrap(&text::clean_line(card.display_title()), width) {
        b.out.push(Line::styled(row, theme.bold()));
    }
    b.blank();

    let provider = match (card.provider_name(), card.provider_domain()) {
        (Some(n), Some(d)) => format!("{} · {}", text::clean_line(n), text::clean_line(d)),
        (Some(n), None) => text::clean_line(n).into_owned(),
        (None, Some(d)) => text::clean_line(d).into_owned(),
        (None, None) => MISSING.to_string(),
    };
    b.field("provider", &provider, Style::new());
    let kind = match (card.category.as_deref(), card.kind.as_deref()) {
        (Some(c), Some(k)) => format!("{} · {}", text::clean_line(c), text::clean_line(k)),
        (Some(c), None) => text::clean_line(c).into_owned(),
        (None, Some(k)) => text::clean_line(k).into_owned(),
        (None, None) => MISSING.to_string(),
    };
    b.field("category", &kind, Style::new());
    let date = card.published_date_time.map_or_else(
        || MISSING.to_string(),
        |t| {
            format!(
                "{} ({})",
                format_time(t, local_zone()),
                relative(state.now, t)
            )
        },
    );
    b.field("date", &date, Style::new());
    let quality = card
        .quality
        .map_or_else(|| MISSING.to_string(), |q| q.to_string());
    b.field("quality", &quality, Style::new());
    let heat = match card.heat {
        Some(h) if h >= 0 => h.to_string(),
        Some(_) => "unknown".to_string(),
        None => MISSING.to_string(),
    };
    b.field("heat", &heat, Style::new());
    let published = match card.published {
        Some(true) => "yes",
        Some(false) => "no",
        None => MISSING,
    };
    b.field("published", published, Style::new());
    let topics = text::clean_items(card.topics.iter().map(|t| &**t));
    let topics = if topics.is_empty() {
        MISSING.to_string()
    } else {
        topics.join(", ")
    };
    b.field("topics", &topics, Style::new());

    if let Some(excerpt) = card.excerpt.as_deref() {
        let excerpt = text::clean_block(excerpt);
        if !excerpt.is_empty() {
            b.blank();
            for row in text::wrap(&excerpt, width) {
                b.out.push(Line::raw(row));
            }
        }
    }

    b.blank();
    let preferred = card
        .urls
        .preferred()
        .map(|(kind, _)| kind)
        .filter(|_| state.mark_opens);
    let mut any_url = false;
    for (kind, url) in card.urls.iter() {
        any_url = true;
        let opens = Some(kind) == preferred;
        b.url(kind.label(), url, opens);
    }
    if !any_url {
        b.field("url", MISSING, Style::new());
    }
    for image in card.images.iter() {
        b.image(image);
    }
    let secured = match card.secured {
        Some(s) => format!("present, {} bytes", thousands(s.length)),
        None => "absent".to_string(),
    };
    b.field("secured", &secured, Style::new());
    b.field("id", &card.id.to_string(), theme.dim());
    b.field(
        "file",
        &text::clean_line(&card.path.display().to_string()),
        theme.dim(),
    );

    if let Some(body) = card.body.as_deref() {
        let body = text::clean_block(body);
        if !body.is_empty() {
            // The body comes last: a long one must not push the links and ids out of reach.
            b.blank();
            b.out.push(Line::styled(
                text::truncate("── body ──", width).into_owned(),
                theme.dim(),
            ));
            for row in text::wrap(&body, width) {
                b.out.push(Line::raw(row));
            }
        }
    }
    out
}

/// Appends labelled rows to the detail.
struct Builder<'a> {
    out: &'a mut Vec<Line<'static>>,
    width: usize,
    theme: Theme,
}

impl Builder<'_> {
    fn blank(&mut self) {
        self.out.push(Line::raw(""));
    }

    fn stacked(&self) -> bool {
        self.width < STACK_BELOW
    }

    fn value_width(&self) -> usize {
        if self.stacked() {
            self.width
        } else {
            self.width - LABEL_W
        }
    }

    fn label_span(&self, label: &str, first: bool) -> Span<'static> {
        let shown = if first { label } else { "" };
        Span::styled(text::pad_to(shown, LABEL_W), self.theme.dim())
    }

    /// `label  value`, the value (already clean) wrapped under itself.
    fn field(&mut self, label: &str, value: &str, style: Style) {
        let rows = text::wrap(value, self.value_width());
        self.push_rows(label, rows, style);
    }

    fn push_rows(&mut self, label: &str, rows: Vec<String>, style: Style) {
        if self.stacked() {
            self.out.push(Line::styled(
                text::truncate(label, self.width).into_owned(),
                self.theme.dim(),
            ));
            for row in rows {
                self.out.push(Line::styled(row, style));
            }
            return;
        }
        if rows.is_empty() {
            self.out
                .push(Line::from(vec![self.label_span(label, true)]));
        }
        for (i, row) in rows.into_iter().enumerate() {
            self.out.push(Line::from(vec![
                self.label_span(label, i == 0),
                Span::styled(row, style),
            ]));
        }
    }

    /// A URL, broken anywhere since it has no spaces worth keeping, with the mark of the one
    /// `o` opens after it, or on a row of its own when it does not fit.
    fn url(&mut self, label: &str, url: &str, opens: bool) {
        let url = text::clean_line(url);
        let url = if url.is_empty() { MISSING.into() } else { url };
        let value_w = self.value_width();
        let rows = text::wrap(&url, value_w);
        let accent = if opens {
            self.theme.accent()
        } else {
            Style::new()
        };
        let last = rows.last().map_or(0, |r| text::width(r));
        self.push_rows(label, rows, accent);
        if !opens {
            return;
        }
        let mark = Span::styled(OPENS, self.theme.bold().patch(self.theme.accent()));
        let fits = last + 1 + text::width(OPENS) <= value_w;
        match self.out.last_mut() {
            Some(line) if fits => {
                line.spans.push(Span::raw(" "));
                line.spans.push(mark);
            }
            _ => {
                let indent = if self.stacked() { 0 } else { LABEL_W };
                let mark = Span::styled(text::truncate(OPENS, value_w).into_owned(), mark.style);
                self.out
                    .push(Line::from(vec![Span::raw(spaces(indent)), mark]));
            }
        }
    }

    fn image(&mut self, image: &Image) {
        let size = match (image.width, image.height) {
            (Some(w), Some(h)) => format!("{w}×{h}"),
            (Some(w), None) => format!("{w}×?"),
            (None, Some(h)) => format!("?×{h}"),
            (None, None) => "size unknown".to_string(),
        };
        let cached = match image.is_cached {
            Some(true) => " cached",
            Some(false) => " not cached",
            None => "",
        };
        self.field("image", &format!("{size}{cached}"), Style::new());
        if let Some(url) = image.url.as_deref() {
            let url = text::clean_line(url);
            if !url.is_empty() {
                let rows = text::wrap(&url, self.value_width());
                let dim = self.theme.dim();
                if self.stacked() {
                    self.out
                        .extend(rows.into_iter().map(|r| Line::styled(r, dim)));
                } else {
                    self.push_rows("", rows, dim);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn times_show_in_the_given_zone_with_offset() {
        let t = ts("2024-03-08T00:00:00Z");
        assert_eq!(format_time(t, &TimeZone::UTC), "2024-03-08 00:00 +00:00");
        let paris = TimeZone::get("Europe/Paris");
        if let Ok(paris) = paris {
            assert_eq!(format_time(t, &paris), "2024-03-08 01:00 +01:00");
        }
        let fixed = TimeZone::fixed(jiff::tz::offset(-5));
        assert_eq!(format_time(t, &fixed), "2024-03-07 19:00 -05:00");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = ts("2026-11-23T12:00:00Z");
        assert_eq!(relative(now, ts("2024-03-08T00:00:00Z")), "2y\u{a0}ago");
        assert_eq!(relative(now, ts("2026-11-23T11:59:50Z")), "just\u{a0}now");
        assert_eq!(relative(now, ts("2026-11-23T15:00:00Z")), "in the future");
    }
}
