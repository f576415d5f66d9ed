//! Laying text out in terminal columns: display width, cutting to a width with `…`, padding
//! and word-wrapping, always measured in columns and cut between grapheme clusters.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::gated::ZWJ;

const ELLIPSIS: &str = "…";

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Fits `s` into `max_width` columns, cutting between grapheme clusters and
/// ending with `…` (one column) when anything was cut.
///
/// A wide character is never split, so a cut result can be one column short.
pub(crate) fn truncate(s: &str, max_width: usize) -> Cow<'_, str> {
    if width(s) <= max_width {
        return Cow::Borrowed(s);
    }
    if max_width == 0 {
        return Cow::Borrowed("");
    }
    let budget = max_width - 1;
    let mut end = 0;
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = width(g);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + g.len();
    }
    // As in `wrap`: a joiner the cut leaves at the end would join nothing.
    let mut prefix = s.get(..end).unwrap_or("").trim_end_matches(ZWJ);
    // Summing cluster widths is only an estimate: unicode-width applies a few
    // rules across neighbouring characters. Measuring the real candidate
    // makes the bound a guarantee rather than a likelihood.
    loop {
        let candidate = format!("{prefix}{ELLIPSIS}");
        if width(&candidate) <= max_width {
            return Cow::Owned(candidate);
        }
        match prefix.grapheme_indices(true).next_back() {
            Some((i, _)) => prefix = prefix.get(..i).unwrap_or("").trim_end_matches(ZWJ),
            // The ellipsis alone is one column and max_width >= 1 here, so
            // this is unreachable; returning empty still honours the bound.
            None => return Cow::Borrowed(""),
        }
    }
}

/// Truncates `s` to `w` columns and pads it with spaces to exactly `w`.
pub(crate) fn pad_to(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Word-wraps clean block text to `width` columns (0 is treated as 1).
///
/// Existing newlines are kept as line/paragraph breaks, an empty line stays an
/// empty line, and the first line of a paragraph keeps its indentation when it
/// fits. Words wider than `width` are broken between grapheme clusters; a
/// single cluster wider than `width` (only possible for tiny widths) is shown
/// as `…`. Every returned line is at most `width` columns wide.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rough = Vec::new();
    for para in s.lines() {
        wrap_paragraph(para, width, &mut rough);
    }
    // Same reasoning as in `truncate`: widths were summed piecewise, so check
    // each line for real and re-split the (in practice nonexistent) offenders.
    let mut lines = Vec::with_capacity(rough.len());
    for line in rough {
        if self::width(&line) <= width {
            lines.push(line);
        } else {
            hard_split(&line, width, &mut lines);
        }
    }
    // A cluster can end in a joiner that joined it to the next one (`🏽‍` before `👍`); cut
    // there, the joiner would join nothing, which the gate never lets through.
    for line in &mut lines {
        let kept = line.trim_end_matches(ZWJ).len();
        line.truncate(kept);
    }
    lines
}

fn wrap_paragraph(para: &str, width: usize, lines: &mut Vec<String>) {
    let para_start = lines.len();
    let mut cur = String::new();
    let mut cur_w = 0;
    // Spaces since the previous word; `split(' ')` yields an empty piece for
    // every extra space, which lets indentation and inner spacing survive.
    let mut gap = 0;
    for (i, word) in para.split(' ').enumerate() {
        if i > 0 {
            gap += 1;
        }
        if word.is_empty() {
            continue;
        }
        let word_w = self::width(word);
        // Spaces at a wrap point are dropped; only the paragraph's first line
        // keeps leading spaces, as indentation.
        let sep = if cur.is_empty() && lines.len() > para_start {
            0
        } else {
            gap
        };
        gap = 0;
        if cur_w + sep + word_w <= width {
            cur.extend(std::iter::repeat_n(' ', sep));
            cur.push_str(word);
            cur_w += sep + word_w;
        } else if word_w <= width {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            cur.push_str(word);
            cur_w = word_w;
        } else {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            for g in word.graphemes(true) {
                let (g, g_w) = fit_cluster(g, width);
                if cur_w + g_w > width {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
                cur.push_str(g);
                cur_w += g_w;
            }
        }
    }
    // A paragraph without words is a blank line and must still take a row.
    if !cur.is_empty() || lines.len() == para_start {
        lines.push(cur);
    }
}

/// Replaces a cluster that can never fit with a one-column marker, so the
/// width guarantee holds even for absurdly narrow panes.
fn fit_cluster(g: &str, width: usize) -> (&str, usize) {
    let w = self::width(g);
    if w > width { (ELLIPSIS, 1) } else { (g, w) }
}

/// Splits `line` measuring every candidate directly. Quadratic, so only used
/// as the fallback when piecewise summing was wrong.
fn hard_split(line: &str, width: usize, lines: &mut Vec<String>) {
    let mut cur = String::new();
    for g in line.graphemes(true) {
        let (g, _) = fit_cluster(g, width);
        let before = cur.len();
        cur.push_str(g);
        if self::width(&cur) > width {
            cur.truncate(before);
            lines.push(std::mem::replace(&mut cur, g.to_owned()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{dirty, mostly_clean, only_allowed};
    use crate::text::{clean_block, clean_items, clean_line, is_clean};
    use proptest::prelude::*;

    #[test]
    fn width_counts_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("👍"), 2);
        assert_eq!(width("e\u{301}"), 1);
    }

    #[test]
    fn truncate_ascii() {
        assert!(matches!(truncate("abc", 3), Cow::Borrowed("abc")));
        assert_eq!(truncate("hello world", 5), "hell…");
        assert_eq!(truncate("hello", 1), "…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("", 0), "");
    }

    #[test]
    fn truncate_wide_and_clusters() {
        let t = truncate("日本語テキスト", 5);
        assert_eq!(t, "日本…");
        assert_eq!(width(&t), 5);
        // The third column cannot hold half of 語, so one column is lost.
        let t = truncate("日本語", 4);
        assert_eq!(t, "日…");
        assert_eq!(width(&t), 3);
        assert_eq!(truncate("日本", 2), "…");
        let family = "👩\u{200d}👩\u{200d}👧";
        let titled = format!("{family} family");
        let t = truncate(&titled, 3);
        assert_eq!(t, format!("{family}…"));
        assert_eq!(width(&t), 3);
        assert_eq!(truncate("👍👍👍", 4), "👍…");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    #[test]
    fn pad_to_exact_width() {
        assert_eq!(pad_to("ab", 4), "ab  ");
        assert_eq!(pad_to("日本語", 5), "日本…");
        assert_eq!(pad_to("日本語", 4), "日… ");
        assert_eq!(pad_to("abc", 0), "");
        assert_eq!(width(&pad_to("👍x", 6)), 6);
    }

    #[test]
    fn wrap_words() {
        assert_eq!(wrap("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(wrap("a\n\nb", 5), ["a", "", "b"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("    code here", 20), ["    code here"]);
        assert_eq!(wrap("    toolong", 8), ["toolong"]);
        assert_eq!(wrap("a  b", 10), ["a  b"]);
        assert_eq!(wrap("aaaa bbbb", 4), ["aaaa", "bbbb"]);
    }

    #[test]
    fn wrap_breaks_long_words() {
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("hi abcdefghij", 4), ["hi", "abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語テキスト", 5), ["日本", "語テ", "キス", "ト"]);
        assert_eq!(wrap("ab", 0), ["a", "b"]);
        assert_eq!(wrap("日", 1), ["…"]);
        for line in wrap("日本語 テキスト is mixed with English words", 7) {
            assert!(width(&line) <= 7, "{line:?}");
        }
    }

    #[test]
    fn hard_split_measures_every_line() {
        let mut lines = Vec::new();
        hard_split("abcdef日", 4, &mut lines);
        assert_eq!(lines, ["abcd", "ef日"]);
        let mut lines = Vec::new();
        hard_split("a日b", 1, &mut lines);
        assert_eq!(lines, ["a", "…", "b"]);
    }

    proptest! {
        #[test]
        fn prop_truncate_fits(s in prop_oneof![dirty(), mostly_clean()], w in 0usize..40) {
            let t = truncate(&s, w);
            prop_assert!(width(&t) <= w, "{t:?} wider than {w}");
            if width(&s) <= w {
                prop_assert_eq!(&t, &s);
            } else if let Some(kept) = t.strip_suffix(ELLIPSIS) {
                prop_assert!(s.starts_with(kept));
            } else {
                prop_assert!(t.is_empty() && w == 0, "{t:?}");
            }
        }

        #[test]
        fn prop_truncate_loses_at_most_one_column(s in "[a-z日👍 ]{0,40}", w in 1usize..30) {
            let t = truncate(&s, w);
            prop_assert!(width(&t) + 1 >= w.min(width(&s)), "{t:?} for width {w}");
        }

        #[test]
        fn prop_pad_to_exact(s in dirty(), w in 0usize..40) {
            prop_assert_eq!(width(&pad_to(&s, w)), w);
        }

        #[test]
        fn prop_wrap_fits(s in prop_oneof![dirty(), mostly_clean()], w in 0usize..30) {
            for line in wrap(&s, w) {
                prop_assert!(width(&line) <= w.max(1), "{line:?} wider than {w}");
            }
            for line in wrap(&clean_block(&s), w) {
                prop_assert!(width(&line) <= w.max(1), "{line:?} wider than {w}");
            }
        }

        #[test]
        fn prop_wrap_keeps_words(s in "[a-z ]{0,80}", w in 1usize..20) {
            let joined: String = wrap(&s, w).concat().split(' ').collect();
            let expected: String = s.split(' ').collect();
            prop_assert_eq!(joined, expected);
        }

        /// Layout helpers never undo the gate: cutting, padding and wrapping
        /// gated text leave no joiner stranded outside its emoji sequence.
        #[test]
        fn prop_everything_public_stays_gated(
            items in prop::collection::vec(dirty(), 0..4),
            w in 0usize..30,
        ) {
            for item in clean_items(items.iter().map(String::as_str)) {
                prop_assert_eq!(only_allowed(&item, false), Ok(()));
            }
            for s in &items {
                let line = clean_line(s);
                prop_assert_eq!(only_allowed(&truncate(&line, w), false), Ok(()));
                prop_assert_eq!(only_allowed(&pad_to(&line, w), false), Ok(()));
                let block = clean_block(s);
                for row in wrap(&block, w).iter().chain(wrap(&line, w).iter()) {
                    prop_assert_eq!(only_allowed(row, false), Ok(()));
                    prop_assert!(is_clean(row), "{row:?}");
                }
            }
        }
    }
}
