//! The two bottom rows. The status row says what is shown (counts, sort, the filter), what is
//! happening (loading, filtering) and what went wrong (load problems, the last notice). The
//! footer row shows the key hints for the mode, generated from the live keymap ([`crate::config::keymap`]), or the query
//! line while one is typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_segmentation::UnicodeSegmentation;

use super::{Theme, fit_spans, spaces};
use crate::action::Action;
use crate::app::{Overlay, QueryLine, State};
use crate::config::{Key, KeySeq, Keymap, Mode};
use crate::text;
use crate::view::thousands;

/// Cells of the loading bar.
const BAR_W: usize = 10;
/// Room kept for a notice before optional status segments are given up for it.
const NOTICE_MIN: usize = 24;
/// Segments kept below this give way to the whole of a notice.
const NOTICE_OVER: u8 = 5;
/// The filter shown in the status row is cut to this many columns.
const FILTER_W: usize = 24;
const SEPARATOR: &str = " · ";

/// A piece of the status row; lower `keep` goes first when the row is too narrow.
struct Segment {
    spans: Vec<Span<'static>>,
    keep: u8,
}

impl Segment {
    fn width(&self) -> usize {
        self.spans.iter().map(|s| text::width(&s.content)).sum()
    }
}

/// `[█████░░░░░]`: how much of the corpus has been read.
fn bar(done: usize, total: usize, theme: &Theme) -> Vec<Span<'static>> {
    let filled = (done.min(total) * BAR_W).checked_div(total).unwrap_or(0);
    vec![
        Span::raw("["),
        Span::styled("█".repeat(filled), theme.progress),
        Span::styled("░".repeat(BAR_W - filled), theme.dim),
        Span::raw("]"),
    ]
}

/// "32 matches · 410 approximate": word matches, and the approximate ones when there are any.
pub fn matches(words: usize, approximate: usize) -> String {
    let noun = if words == 1 { "match" } else { "matches" };
    let mut out = format!("{} {noun}", thousands(words));
    if approximate > 0 {
        out.push_str(&format!(" · {} approximate", thousands(approximate)));
    }
    out
}

fn segments(state: &State, theme: &Theme) -> Vec<Segment> {
    let mut out = Vec::new();
    let total = state.corpus.len();
    let counts = if let Some(found) = &state.filter.found {
        matches(found.words, found.approximate())
    } else if total == 1 {
        "1 card".to_string()
    } else {
        format!("{} cards", thousands(total))
    };
    out.push(Segment {
        spans: vec![Span::styled(counts, theme.strong)],
        keep: u8::MAX,
    });
    if state.reading.kept {
        out.push(Segment {
            spans: vec![Span::raw(format!(
                "{} unread",
                thousands(state.unread_count())
            ))],
            keep: 7,
        });
    }
    if let Some(error) = &state.filter.error {
        out.push(Segment {
            spans: vec![Span::styled(
                text::clean_line(error).into_owned(),
                theme.error,
            )],
            keep: 6,
        });
    }
    if let Some(indexed) = state.filter.indexing
        && state.loading.is_none()
    {
        out.push(Segment {
            spans: vec![Span::raw(format!(
                "indexing {}/{}",
                thousands(indexed.slots.min(state.corpus.cards().slots())),
                thousands(state.corpus.cards().slots())
            ))],
            keep: 5,
        });
    }
    if let Some(progress) = state.loading.filter(|p| p.files_total > 0) {
        let mut spans = vec![Span::raw("loading ")];
        spans.extend(bar(progress.files_done, progress.files_total, theme));
        spans.push(Span::raw(format!(
            " {}/{}",
            thousands(progress.files_done),
            thousands(progress.files_total)
        )));
        out.push(Segment { spans, keep: 5 });
    } else if state.loading.is_some() {
        // Still looking for files: nothing to count yet.
        out.push(Segment {
            spans: vec![Span::raw("loading…")],
            keep: 5,
        });
    }
    if state.filter.in_flight {
        out.push(Segment {
            spans: vec![Span::styled("filtering…", theme.dim)],
            keep: 4,
        });
    }
    if !state.query.editing && !state.query.text.is_empty() {
        let filter = text::truncate(&text::clean_line(&state.query.text), FILTER_W).into_owned();
        out.push(Segment {
            spans: vec![Span::raw(format!("/{filter}"))],
            keep: 2,
        });
    }
    let parts = crate::view::diagnostics::summary(&state.diagnostics);
    if !parts.is_empty() {
        let style = if state.skipped_count() > 0 {
            theme.error
        } else {
            theme.warning
        };
        out.push(Segment {
            spans: vec![Span::styled(format!("! {}", parts.join(", ")), style)],
            keep: 3,
        });
    }
    let sort = state.effective_sort();
    let reversed = state.list.options.reverse && sort != crate::search::sort::SortKey::Relevance;
    out.push(Segment {
        spans: vec![Span::styled(
            format!(
                "sort: {}{}",
                sort.label(),
                if reversed { ", reversed" } else { "" }
            ),
            theme.dim,
        )],
        keep: 1,
    });
    out
}

pub(crate) fn draw_status(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let width = usize::from(area.width);
    let mut segments = segments(state, theme);
    let notice = state.notice.as_ref().map(|n| {
        let style = if n.is_error { theme.error } else { theme.text };
        (text::clean_line(&n.text).into_owned(), style)
    });
    let notice_w = notice.as_ref().map_or(0, |(t, _)| text::width(t));
    // One leading space, the segments, and a separator between each two.
    let used = |segs: &[Segment]| -> usize {
        1 + segs.iter().map(Segment::width).sum::<usize>()
            + text::width(SEPARATOR) * segs.len().saturating_sub(1)
    };
    // A notice is what the person needs to read now: the less useful segments make way for
    // all of it; the more useful ones only for its start.
    let fit = |segments: &mut Vec<Segment>, wanted: usize, below: u8| {
        while used(segments) + wanted > width {
            let Some(drop) = segments
                .iter()
                .enumerate()
                .filter(|(_, s)| s.keep < below)
                .min_by_key(|(_, s)| s.keep)
                .map(|(i, _)| i)
            else {
                break;
            };
            segments.remove(drop);
        }
    };
    if notice.is_some() {
        fit(
            &mut segments,
            text::width(SEPARATOR) + notice_w,
            NOTICE_OVER,
        );
    }
    let wanted = notice
        .as_ref()
        .map_or(0, |_| text::width(SEPARATOR) + notice_w.min(NOTICE_MIN));
    fit(&mut segments, wanted, u8::MAX);
    let mut spans = vec![Span::raw(" ")];
    for (i, seg) in segments.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(SEPARATOR, theme.dim));
        }
        spans.extend(seg.spans);
    }
    if let Some((notice, style)) = notice {
        spans.push(Span::styled(SEPARATOR, theme.dim));
        spans.push(Span::styled(notice, style));
    }
    let line = Line::from(fit_spans(spans, width));
    Paragraph::new(line)
        .style(theme.status)
        .render(area, frame.buffer_mut());
}

pub(crate) fn draw_footer(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let width = usize::from(area.width);
    let line = match (state.pending_key, state.mode()) {
        (Some(key), mode) => Line::from(pending_spans(&state.keymap, mode, key, width, theme)),
        (None, Mode::Query) => query_line(state, width, theme),
        (None, Mode::Overlay) => Line::from(hint_spans_with(
            &state.keymap,
            Mode::Overlay,
            overlay_keys(state),
            width,
            theme,
        )),
        (None, mode) => Line::from(hint_spans(&state.keymap, mode, width, theme)),
    };
    Paragraph::new(line).render(area, frame.buffer_mut());
}

/// The keys of the open overlay beyond scrolling and closing, with what each does.
fn overlay_keys(state: &State) -> &'static [(Action, &'static str)] {
    match state.overlay.map(|o| o.kind) {
        Some(Overlay::Diagnostics) => &[(Action::Activate, "show card")],
        Some(Overlay::Saved) => &[
            (Action::Activate, "apply"),
            (Action::RenameSaved, "rename"),
            (Action::DeleteSaved, "delete"),
        ],
        Some(Overlay::Help) | None => &[],
    }
}

/// The first key of a sequence, waiting, and the keys that would complete it with the name of
/// what each does: `g …  g top`.
fn pending_spans(
    keymap: &Keymap,
    mode: Mode,
    first: Key,
    width: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let shown = text::clean_line(&first.to_string()).into_owned();
    let mut used = 1 + text::width(&shown) + 4;
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(shown, theme.strong),
        Span::styled(" …  ", theme.dim),
    ];
    for (second, action) in keymap.continuations(mode, first) {
        let keys = text::clean_line(&format!("{first} {second}")).into_owned();
        let name = action.config_name().unwrap_or_default();
        let w = text::width(&keys) + 1 + text::width(&name) + 2;
        if used + w > width + 2 {
            break;
        }
        used += w;
        spans.push(Span::styled(keys, theme.strong));
        spans.push(Span::styled(format!(" {name}  "), theme.dim));
    }
    spans
}

/// How much a footer hint is missed when it is left out: a narrow footer gives up the lowest
/// first. Help and quit go last, since help names every other key.
fn essential(action: Action) -> u8 {
    match action {
        Action::Quit | Action::CloseOverlay => 9,
        Action::ToggleHelp => 8,
        Action::QueryAccept | Action::QueryClear => 7,
        Action::ShowList => 6,
        Action::StartQuery => 5,
        Action::OpenUrl => 4,
        Action::FocusNext => 3,
        Action::CycleSort => 2,
        _ => 1,
    }
}

/// `key word` pairs from the keymap in its order, the least essential left out until the rest
/// fit (the trailing gap after the last may run off the edge).
fn hint_spans(keymap: &Keymap, mode: Mode, width: usize, theme: &Theme) -> Vec<Span<'static>> {
    hint_spans_with(keymap, mode, &[], width, theme)
}

/// [`hint_spans`] with `extra` actions first, each with its word: what the open overlay's own
/// keys do.
fn hint_spans_with(
    keymap: &Keymap,
    mode: Mode,
    extra: &[(Action, &'static str)],
    width: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    // A key may come from a configuration file: through the gate.
    let shown = |key: KeySeq| text::clean_line(&key.to_string()).into_owned();
    let mut hints: Vec<(String, &'static str, u8)> = extra
        .iter()
        .filter_map(|(action, word)| {
            let key = keymap.key_for(mode, *action)?;
            Some((shown(key), *word, 6))
        })
        .chain(
            keymap
                .hinted(mode)
                .filter_map(|(key, action)| Some((shown(key), action.hint()?, essential(action)))),
        )
        .collect();
    let needed = |hints: &[(String, &str, u8)]| -> usize {
        1 + hints
            .iter()
            .map(|(keys, word, _)| text::width(keys) + 1 + text::width(word) + 2)
            .sum::<usize>()
    };
    while needed(&hints) > width.saturating_add(2) {
        // The least essential, and of those the last.
        let Some(drop) = hints
            .iter()
            .enumerate()
            .rev()
            .min_by_key(|(_, (_, _, rank))| *rank)
            .map(|(i, _)| i)
        else {
            break;
        };
        hints.remove(drop);
    }
    let mut spans = vec![Span::raw(" ")];
    for (keys, word, _) in hints {
        spans.push(Span::styled(keys, theme.strong));
        spans.push(Span::styled(format!(" {word}  "), theme.dim));
    }
    spans
}

/// Keeps a query character that would be unsafe to draw from reaching the screen, one for one,
/// so the cursor's place in the text still matches its place on screen.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            if c == '\n' || !text::is_clean(c.encode_utf8(&mut buf)) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// The tail of `s` that fits in `width` columns, with `…` in front when cut.
fn tail(s: &str, width: usize) -> String {
    if text::width(s) <= width {
        return s.to_string();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 1;
    for g in s.graphemes(true).rev() {
        let w = text::width(g);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(g);
    }
    if width == 0 {
        return String::new();
    }
    kept.reverse();
    format!("…{}", kept.concat())
}

/// `/query` with the cursor drawn as a reversed cell, the parse error after it, and the query
/// keys on the right when there is room.
fn query_line(state: &State, width: usize, theme: &Theme) -> Line<'static> {
    if let Some(prompt) = &state.prompt {
        let keys = [(Action::QueryAccept, "ok"), (Action::QueryClear, "cancel")]
            .into_iter()
            .filter_map(|(action, word)| {
                let key = state.keymap.key_for(Mode::Query, action)?;
                Some(vec![
                    Span::styled(
                        text::clean_line(&key.to_string()).into_owned(),
                        theme.strong,
                    ),
                    Span::styled(format!(" {word}  "), theme.dim),
                ])
            })
            .flatten()
            .collect();
        // A name's problem is not at a column: the message alone says it.
        let error = prompt.line.error.as_ref().map(|e| e.message.clone());
        return edit_line(&prompt.label(), &prompt.line, error, keys, width, theme);
    }
    let hints = hint_spans(&state.keymap, Mode::Query, usize::MAX / 4, theme);
    let error = state.query.error.as_ref().map(ToString::to_string);
    edit_line("/", &state.query, error, hints, width, theme)
}

/// `label` and the line being typed, with the cursor drawn as a reversed cell, the line's
/// error after it, and `hints` on the right when there is room.
fn edit_line(
    label: &str,
    q: &QueryLine,
    error: Option<String>,
    hints: Vec<Span<'static>>,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let cursor = if q.text.is_char_boundary(q.cursor) {
        q.cursor.min(q.text.len())
    } else {
        q.text.len()
    };
    let (before, after) = q.text.split_at(cursor);
    let (at, after) = match after.graphemes(true).next() {
        Some(g) => (visible(g), visible(&after[g.len()..])),
        None => (" ".to_string(), String::new()),
    };
    let before = visible(before);
    let error = error.map(|e| format!("  ✗ {}", text::clean_line(&e)));

    // The cursor must stay on screen: the text before it gives way first.
    let prompt = text::truncate(&text::clean_line(label), width / 2).into_owned();
    let room = width.saturating_sub(text::width(&prompt) + text::width(&at));
    let before = tail(&before, room);
    let after_room = room.saturating_sub(text::width(&before));
    let after = text::truncate(&after, after_room).into_owned();

    let mut spans = vec![
        Span::styled(prompt, theme.strong),
        Span::raw(before),
        Span::styled(at, theme.cursor),
        Span::raw(after),
    ];
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    let mut rest = width.saturating_sub(used);
    if let Some(error) = error {
        let shown = text::truncate(&error, rest).into_owned();
        rest = rest.saturating_sub(text::width(&shown));
        spans.push(Span::styled(shown, theme.error));
    }
    let hints_w: usize = hints.iter().map(|s| text::width(&s.content)).sum();
    if hints_w + 2 <= rest {
        spans.push(Span::raw(spaces(rest - hints_w)));
        spans.extend(hints);
    }
    Line::from(fit_spans(spans, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(tail("abcdef", 10), "abcdef");
        assert_eq!(tail("abcdef", 4), "…def");
        assert_eq!(tail("abcdef", 0), "");
    }

    #[test]
    fn unsafe_query_characters_become_replacement_marks() {
        assert_eq!(visible("a\u{202e}b"), "a\u{fffd}b");
        assert_eq!(visible("日本"), "日本");
    }
}
