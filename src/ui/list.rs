//! The list pane: one row per card in the view, the title first and short columns (provider,
//! age, quality, heat) right-aligned after it. Narrow panes drop columns before they squeeze the
//! title, because the title is what a reader scans.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_segmentation::UnicodeSegmentation;

use super::{Theme, spaces};
use crate::app::{Pane, State};
use crate::config::{Column, DateStyle, ListOptions};
use crate::corpus::{Card, CardIx};
use crate::text;
use crate::view::time::age_of;
use crate::view::{MISSING, thousands};

/// Columns of the selection gutter (`▸ `).
const GUTTER: usize = 2;
/// The provider column is as wide as the names in sight need, within these bounds; its
/// upper bound grows with the pane ([`PROVIDER_SHARE`]), so wide panes show whole names.
const PROVIDER_MIN: usize = 8;
const PROVIDER_MAX: usize = 24;
/// The provider takes at most one part in this many of the row.
const PROVIDER_SHARE: usize = 6;
/// Columns of the reading marks (`•★`), when reading state is kept.
const MARKS_W: usize = 2;
/// `11mo` is the widest past age; a time ahead of the clock (`in 11mo`) widens the column
/// while one is in sight.
const AGE_W: usize = 4;
/// `2024-03-08`.
const DAY_W: usize = 10;
/// `q100`, `h100`.
const SCORE_W: usize = 4;
/// The title keeps at least this many columns before another column is shown.
const TITLE_MIN: usize = 16;
/// The order columns are given room in as a pane widens, the most useful first; so the
/// provider goes first as the pane narrows, then heat and quality.
const USEFULNESS: [Column; 4] = [
    Column::Date,
    Column::Quality,
    Column::Heat,
    Column::Provider,
];

/// How wide the rows in sight need the variable columns: the widest provider name and the
/// widest age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Needs {
    pub provider: usize,
    pub age: usize,
}

impl Default for Needs {
    /// As much as any row could want, as when the rows are not known.
    fn default() -> Needs {
        Needs {
            provider: PROVIDER_MAX,
            age: AGE_W,
        }
    }
}

/// Which of the configured short columns fit beside the title, in their configured order, and
/// how wide the ones whose width varies are.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Columns {
    pub shown: Vec<Column>,
    pub dates: DateStyle,
    pub provider_w: usize,
    pub age_w: usize,
}

impl Columns {
    /// Adds the configured columns by usefulness while the title keeps [`TITLE_MIN`]
    /// columns, stopping at the first that does not fit. Each column takes what its cells
    /// need and no more; the title takes the rest.
    pub(crate) fn for_width(width: usize, options: &ListOptions, needs: Needs) -> Columns {
        let room = width.saturating_sub(GUTTER);
        let mut columns = Columns {
            shown: Vec::new(),
            dates: options.dates,
            provider_w: needs
                .provider
                .min((room / PROVIDER_SHARE).clamp(PROVIDER_MIN, PROVIDER_MAX))
                .max(1),
            age_w: needs.age.max(AGE_W),
        };
        let mut title = room;
        let mut fitting = Vec::new();
        for column in USEFULNESS {
            if !options.columns.contains(&column) {
                continue;
            }
            // The column and the space before it.
            let w = columns.column_width(column);
            if title <= TITLE_MIN + w {
                break;
            }
            title -= w + 1;
            fitting.push(column);
        }
        columns.shown = options
            .columns
            .iter()
            .copied()
            .filter(|c| fitting.contains(c))
            .collect();
        columns
    }

    fn width(&self) -> usize {
        self.shown.iter().map(|c| self.column_width(*c) + 1).sum()
    }

    fn column_width(&self, column: Column) -> usize {
        match column {
            Column::Provider => self.provider_w,
            Column::Quality | Column::Heat => SCORE_W,
            Column::Date => match self.dates {
                DateStyle::Relative => self.age_w,
                DateStyle::Absolute => DAY_W,
                DateStyle::Both => DAY_W + 1 + self.age_w,
            },
        }
    }
}

/// What the rows in sight need of the variable columns.
fn needs(state: &State, rows: &[CardIx]) -> Needs {
    let mut needs = Needs {
        provider: 1,
        age: AGE_W,
    };
    for card in rows.iter().filter_map(|ix| state.corpus.get(*ix)) {
        if let Some(provider) = card.provider_name() {
            needs.provider = needs.provider.max(text::width(&text::clean_line(provider)));
        }
        needs.age = needs
            .age
            .max(text::width(&age_of(state.now, card.published_date_time)));
    }
    needs
}

/// A card's time as the date column writes it, right-aligned in its width.
fn date_cell(state: &State, card: &Card, columns: &Columns) -> String {
    let age = age_of(state.now, card.published_date_time);
    let day = card.published_date_time.map_or_else(
        || MISSING.to_string(),
        |t| {
            t.to_zoned(state.zone.clone())
                .strftime("%Y-%m-%d")
                .to_string()
        },
    );
    let text = match columns.dates {
        DateStyle::Relative => age,
        DateStyle::Absolute => day,
        DateStyle::Both => format!("{} {}", right(&day, DAY_W), right(&age, columns.age_w)),
    };
    right(&text, columns.column_width(Column::Date))
}

/// The block title: the count, or matches out of the total while a filter is on.
pub fn title(state: &State) -> String {
    let total = state.corpus.len();
    if state.filter.found.is_some() {
        format!(
            " {} / {} ",
            thousands(state.list.view.len()),
            thousands(total)
        )
    } else if total == 1 {
        " 1 card ".to_string()
    } else {
        format!(" {} cards ", thousands(total))
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.has_focus(Pane::List);
    let mut block = theme.pane_block(Line::from(title(state)), focused);
    if !state.list.view.is_empty() {
        let position = format!(
            " {}/{} ",
            thousands(state.list.row.saturating_add(1).min(state.list.view.len())),
            thousands(state.list.view.len())
        );
        block = block.title_bottom(Line::from(position).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    let lines = if state.list.view.is_empty() {
        vec![Line::styled(
            text::truncate(&empty_message(state), width).into_owned(),
            theme.dim,
        )]
    } else {
        let in_sight = state
            .list
            .view
            .get(state.list.offset..)
            .map_or(&[][..], |rest| &rest[..rest.len().min(height)]);
        // The reading marks take their columns from the title's room, as the gutter does.
        let marks_w = if state.reading.kept { MARKS_W } else { 0 };
        let columns = Columns::for_width(
            width.saturating_sub(marks_w),
            &state.list.options,
            needs(state, in_sight),
        );
        let highlight = !state.filter.active.is_empty();
        state
            .list
            .view
            .iter()
            .enumerate()
            .skip(state.list.offset)
            .take(height)
            .filter_map(|(row, ix)| {
                let card = state.corpus.get(*ix)?;
                let positions = if highlight {
                    crate::search::highlight::lit(
                        &state.filter.active,
                        crate::search::index::Place::Title,
                        card.display_title(),
                        state.filter.tier(*ix),
                    )
                } else {
                    Vec::new()
                };
                Some(row_line(
                    state,
                    card,
                    &positions,
                    state.filter.tier(*ix).is_approximate(),
                    row == state.list.row,
                    focused,
                    width,
                    &columns,
                    theme,
                ))
            })
            .collect()
    };
    Paragraph::new(lines).render(inner, frame.buffer_mut());
}

/// What an empty list says: still loading, nothing loaded, or nothing matched.
fn empty_message(state: &State) -> String {
    if state.corpus.is_empty() {
        if state.loading.is_some() {
            "loading…".to_string()
        } else {
            "no cards".to_string()
        }
    } else if state.filter.in_flight {
        // An empty answer for an older version is not "no matches": a newer one is coming.
        "filtering…".to_string()
    } else if state.query.error.is_some() {
        // The text on the query line is not what the list shows; do not name it.
        "no matches".to_string()
    } else {
        format!("no matches for {}", text::clean_line(&state.query.text))
    }
}

#[allow(clippy::too_many_arguments)]
fn row_line(
    state: &State,
    card: &Card,
    positions: &[usize],
    approximate: bool,
    selected: bool,
    focused: bool,
    width: usize,
    columns: &Columns,
    theme: &Theme,
) -> Line<'static> {
    let marks_w = if state.reading.kept { MARKS_W } else { 0 };
    let title_w = width.saturating_sub(GUTTER + marks_w + columns.width());
    // An approximate match (typos forgiven, or letters scattered through the title) is marked
    // beside the selection arrow, so the list shows where the word matches end.
    let gutter = match (selected, approximate) {
        (true, false) => "▸ ",
        (true, true) => "▸≈",
        (false, true) => " ≈",
        (false, false) => "  ",
    };
    let mut spans = vec![Span::raw(text::truncate(gutter, width).into_owned())];
    let unread = state.reading.kept && !state.reading.marks.is_read(card.id);
    if state.reading.kept {
        spans.push(mark_span(state, card, width.saturating_sub(GUTTER), theme));
    }
    spans.extend(title_spans(card.display_title(), positions, title_w, theme));

    let dim = theme.dim;
    for column in &columns.shown {
        let cell = match column {
            Column::Provider => match card.provider_name() {
                Some(provider) => text::pad_to(&text::clean_line(provider), columns.provider_w),
                None => text::pad_to(MISSING, columns.provider_w),
            },
            Column::Date => date_cell(state, card, columns),
            Column::Quality => {
                let q = card
                    .quality
                    .map_or_else(|| MISSING.to_string(), |q| format!("q{q}"));
                right(&q, SCORE_W)
            }
            Column::Heat => {
                // A heat below zero means unknown: as missing as none.
                let h = card
                    .heat_known()
                    .map_or_else(|| MISSING.to_string(), |h| format!("h{h}"));
                right(&h, SCORE_W)
            }
        };
        spans.push(Span::styled(format!(" {cell}"), dim));
    }
    let style = match (selected, focused) {
        (false, _) => theme.row,
        (true, true) => theme.selected,
        (true, false) => theme.selected_unfocused,
    };
    Line::from(spans).style(if unread {
        style.patch(theme.unread)
    } else {
        style
    })
}

/// The reading marks of a row, in a column of their own: `•` unread, `★` starred.
fn mark_span(state: &State, card: &Card, room: usize, theme: &Theme) -> Span<'static> {
    let marks = &state.reading.marks;
    let text = format!(
        "{}{}",
        if marks.is_read(card.id) { ' ' } else { '•' },
        if marks.is_starred(card.id) {
            '★'
        } else {
            ' '
        }
    );
    Span::styled(text::truncate(&text, room).into_owned(), theme.mark)
}

/// `s` right-aligned in `w` columns, cut if longer.
fn right(s: &str, w: usize) -> String {
    let t = text::truncate(s, w);
    format!("{}{}", spaces(w.saturating_sub(text::width(&t))), t)
}

/// The title cleaned and fitted to exactly `width` columns, with the characters the query
/// matched in their own style.
///
/// `positions` index the characters of the raw title; the gate can remove or rewrite
/// characters, so they are carried over to the clean title by walking both together.
pub(crate) fn title_spans(
    raw: &str,
    positions: &[usize],
    width: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let clean = text::clean_line(raw);
    let shown = text::truncate(&clean, width);
    let pad = spaces(width.saturating_sub(text::width(&shown)));
    if positions.is_empty() {
        return vec![Span::raw(shown.into_owned()), Span::raw(pad)];
    }
    let marks = clean_positions(raw, &clean, positions);
    let cut = shown.len() < clean.len();
    let kept = if cut {
        shown.len().saturating_sub('…'.len_utf8())
    } else {
        shown.len()
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    let mut char_ix = 0;
    for (at, grapheme) in shown.grapheme_indices(true) {
        let n = grapheme.chars().count();
        let marked = at < kept && (char_ix..char_ix + n).any(|c| marks.get(c) == Some(&true));
        char_ix += n;
        if marked != run_marked && !run.is_empty() {
            spans.push(styled_run(std::mem::take(&mut run), run_marked, theme));
        }
        run_marked = marked;
        run.push_str(grapheme);
    }
    if !run.is_empty() {
        spans.push(styled_run(run, run_marked, theme));
    }
    spans.push(Span::raw(pad));
    spans
}

fn styled_run(s: String, marked: bool, theme: &Theme) -> Span<'static> {
    if marked {
        Span::styled(s, theme.matched)
    } else {
        Span::raw(s)
    }
}

/// For each character of `clean`, whether it stands for a matched character of `raw`.
///
/// The clean title is the raw one with characters removed and whitespace folded, so a greedy
/// walk pairs each clean character with the next equal raw one (a space with any whitespace).
fn clean_positions(raw: &str, clean: &str, positions: &[usize]) -> Vec<bool> {
    let raw_chars: Vec<char> = raw.chars().collect();
    let mut matched = vec![false; raw_chars.len()];
    for p in positions {
        if let Some(m) = matched.get_mut(*p) {
            *m = true;
        }
    }
    let mut out = Vec::with_capacity(clean.len());
    let mut r = 0;
    for c in clean.chars() {
        let mut mark = false;
        while let Some(rc) = raw_chars.get(r) {
            r += 1;
            if *rc == c || (c == ' ' && rc.is_whitespace()) {
                mark = matched.get(r - 1).copied().unwrap_or(false);
                break;
            }
        }
        out.push(mark);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::time::age;
    use jiff::Timestamp;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn ages_step_through_units() {
        let now = ts("2026-11-23T12:00:00Z");
        let cases = [
            ("2026-11-23T12:00:00Z", "now"),
            ("2026-11-23T11:59:30Z", "now"),
            ("2026-11-23T11:55:00Z", "5m"),
            ("2026-11-23T11:00:01Z", "59m"),
            ("2026-11-23T09:00:00Z", "3h"),
            ("2026-11-22T12:00:01Z", "23h"),
            ("2026-11-21T12:00:00Z", "2d"),
            ("2026-10-25T12:00:00Z", "29d"),
            ("2026-06-20T12:00:00Z", "5mo"),
            ("2025-11-24T12:00:00Z", "11mo"),
            ("2025-11-23T12:00:00Z", "1y"),
            ("2023-11-01T12:00:00Z", "3y"),
        ];
        for (then, want) in cases {
            assert_eq!(age(now, ts(then)), want, "{then}");
        }
    }

    #[test]
    fn future_times_read_ahead_beyond_a_minute() {
        let now = ts("2026-11-23T12:00:00Z");
        assert_eq!(age(now, ts("2026-11-23T12:00:30Z")), "now");
        assert_eq!(age(now, ts("2026-11-26T12:00:00Z")), "in 3d");
        assert_eq!(age(now, ts("2027-01-01T00:00:00Z")), "in 1mo");
        assert_eq!(age_of(now, None), "—");
    }

    #[test]
    fn ages_fit_their_column() {
        let now = ts("2026-11-23T12:00:00Z");
        for secs in (0..400 * 86_400).step_by(3_607) {
            let then = Timestamp::from_second(now.as_second() - secs).expect("in range");
            assert!(age(now, then).len() <= AGE_W, "{secs}");
        }
    }

    #[test]
    fn columns_drop_provider_first_then_scores() {
        use Column::*;
        let options = ListOptions::default();
        let shown = |width| Columns::for_width(width, &options, Needs::default()).shown;
        assert_eq!(shown(64), [Provider, Date, Quality, Heat]);
        assert_eq!(shown(38), [Date, Quality, Heat]);
        assert_eq!(shown(28), [Date, Quality]);
        assert_eq!(shown(10), []);
    }

    /// The title gets what the other columns do not need: the provider column is as wide as
    /// the names in sight, up to a share of the row that grows with it.
    #[test]
    fn titles_take_what_the_other_columns_do_not_need() {
        let options = ListOptions::default();
        let title = |width, provider| {
            let columns = Columns::for_width(
                width,
                &options,
                Needs {
                    provider,
                    age: AGE_W,
                },
            );
            (width - GUTTER - columns.width(), columns.provider_w)
        };
        // The list's inner widths at 100, 120 and 200 columns: 53, 64 and 108.
        assert_eq!(title(53, 20), (27, 8));
        assert_eq!(title(64, 20), (36, 10));
        assert_eq!(title(108, 20), (73, 17));
        assert_eq!(title(200, 20), (162, 20));
        assert_eq!(title(400, 40), (358, PROVIDER_MAX));
        // Short names leave the rest to the title.
        assert_eq!(title(64, 5), (41, 5));
    }

    #[test]
    fn columns_show_in_the_configured_order_and_only_those() {
        use Column::*;
        let options = ListOptions {
            columns: vec![Heat, Provider, Date],
            dates: DateStyle::Both,
            ..ListOptions::default()
        };
        let columns = Columns::for_width(80, &options, Needs::default());
        assert_eq!(columns.shown, [Heat, Provider, Date]);
        // The date first, then heat: the provider does not fit beside a wide date.
        assert_eq!(
            Columns::for_width(46, &options, Needs::default()).shown,
            [Heat, Date]
        );
        assert_eq!(columns.width(), (4 + 1) + (13 + 1) + (15 + 1));
        // A time ahead of the clock widens the age.
        let ahead = Columns::for_width(
            80,
            &options,
            Needs {
                provider: 10,
                age: 7,
            },
        );
        assert_eq!(ahead.width(), (4 + 1) + (10 + 1) + (18 + 1));
    }

    #[test]
    fn matches_follow_the_clean_title() {
        let theme = Theme::named(crate::config::ThemeName::Monochrome);
        // Raw "\x1b[1mab cd": the match on 'c' (raw index 7) must mark 'c' of "ab cd".
        let spans = title_spans("\x1b[1mab\tcd", &[7], 10, &theme);
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style == theme.matched)
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, ["c"]);
        let all: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(all, "ab cd     ");
    }
}
