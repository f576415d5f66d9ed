//! The related pane: the selected card's related entries, then the cards that cite it.
//!
//! Exactly one screen row per [`RelatedItem`], from [`related_offset`]: the click handler in
//! `update` maps a row back to an item with the same arithmetic, so a header row between the
//! groups would make clicks land one row off. The groups are told apart by each row's marker
//! and counted in the title instead.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Theme, spaces};
use crate::app::{Pane, RelatedItem, State, related_offset};
use crate::text;
use crate::view::time::age_of;

/// Columns of the selection gutter (`▸ `), as in the list.
const GUTTER: usize = 2;
const PROVIDER_W: usize = 14;
const AGE_W: usize = 4;
const TITLE_MIN: usize = 16;

/// What a row's marker says, in glyphs and, without colour, in words too, so that a link in the
/// corpus and one leaving it differ by more than a hue.
fn marker(item: &RelatedItem, theme: &Theme) -> (&'static str, Style) {
    match (item, theme.color) {
        (
            RelatedItem::Entry {
                target: Some(_), ..
            },
            true,
        ) => ("● ", theme.link),
        (RelatedItem::Entry { target: None, .. }, true) => ("↗ ", theme.dim),
        (RelatedItem::CitedBy(_), true) => ("← ", theme.link),
        (
            RelatedItem::Entry {
                target: Some(_), ..
            },
            false,
        ) => ("● in  ", theme.text),
        (RelatedItem::Entry { target: None, .. }, false) => ("↗ out ", theme.text),
        (RelatedItem::CitedBy(_), false) => ("← by  ", theme.text),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.has_focus(Pane::Related);
    let items = state.related_items();
    let entries = items
        .iter()
        .filter(|i| matches!(i, RelatedItem::Entry { .. }))
        .count();
    let cited = items.len() - entries;
    let title = if cited > 0 {
        format!(" related {entries} · cited by {cited} ")
    } else {
        format!(" related {entries} ")
    };
    let block = theme.pane_block(Line::from(title), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);

    let Some(extras) = state.selected_extras().filter(|_| !items.is_empty()) else {
        let empty = text::truncate("no related articles", width).into_owned();
        Paragraph::new(Line::styled(empty, theme.dim)).render(inner, frame.buffer_mut());
        return;
    };

    let selected = state.related.selected.min(items.len().saturating_sub(1));
    let offset = related_offset(selected, height);
    let lines: Vec<Line<'static>> = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(row, item)| {
            let (title, provider, time) = match item {
                RelatedItem::Entry { index, target } => {
                    let entry = extras.as_ref().ok().and_then(|e| e.related.get(*index));
                    let linked = target.and_then(|t| state.corpus.get(t));
                    let title = entry
                        .and_then(|e| e.title.as_deref())
                        .filter(|t| !text::clean_line(t).is_empty())
                        .or(linked.map(|c| c.display_title()))
                        .map(Cow::Borrowed)
                        .or_else(|| entry.and_then(|e| e.urls.preferred().map(|(_, u)| u)))
                        .or_else(|| extras.as_ref().err().map(|why| Cow::Borrowed(&**why)))
                        .unwrap_or(Cow::Borrowed("(untitled)"));
                    let provider = entry
                        .and_then(|e| e.provider_name())
                        .or(linked.and_then(|c| c.provider_name()));
                    let time = entry
                        .and_then(|e| e.published_date_time)
                        .or(linked.and_then(|c| c.published_date_time));
                    (title, provider, time)
                }
                RelatedItem::CitedBy(ix) => match state.corpus.get(*ix) {
                    Some(c) => (
                        Cow::Borrowed(c.display_title()),
                        c.provider_name(),
                        c.published_date_time,
                    ),
                    None => (Cow::Borrowed("(not loaded)"), None, None),
                },
            };
            let (mark, mark_style) = marker(item, theme);
            let age = age_of(state.now, time);
            row_line(
                (mark, mark_style),
                &title,
                provider,
                &age,
                width,
                theme,
                (focused && row == selected).then_some(theme.selected),
            )
        })
        .collect();
    Paragraph::new(lines).render(inner, frame.buffer_mut());
}

fn row_line(
    (mark, mark_style): (&'static str, Style),
    title: &str,
    provider: Option<&str>,
    age: &str,
    width: usize,
    theme: &Theme,
    selected: Option<Style>,
) -> Line<'static> {
    let gutter = if selected.is_some() { "▸ " } else { "  " };
    let gutter = text::truncate(gutter, width).into_owned();
    let mark = text::truncate(mark, width.saturating_sub(GUTTER)).into_owned();
    let rest = width.saturating_sub(GUTTER + text::width(&mark));
    // A time ahead of the clock (`in 11mo`) is wider than any age.
    let age_w = AGE_W.max(text::width(age));
    let show_age = rest > TITLE_MIN + age_w;
    let show_provider = show_age && rest > TITLE_MIN + age_w + 1 + PROVIDER_W;
    let mut title_w = rest;
    if show_age {
        title_w -= age_w + 1;
    }
    if show_provider {
        title_w -= PROVIDER_W + 1;
    }
    let mut spans = vec![
        Span::raw(gutter),
        Span::styled(mark, mark_style),
        Span::raw(text::pad_to(&text::clean_line(title), title_w)),
    ];
    if show_provider {
        let provider = text::clean_line(provider.unwrap_or("—"));
        spans.push(Span::styled(
            format!(" {}", text::pad_to(&provider, PROVIDER_W)),
            theme.dim,
        ));
    }
    if show_age {
        let pad = spaces(age_w.saturating_sub(text::width(age)));
        spans.push(Span::styled(format!(" {pad}{age}"), theme.dim));
    }
    Line::from(spans).style(selected.unwrap_or(theme.row))
}
