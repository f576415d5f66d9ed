//! Plain text layout, shared by the reader's update and drawing and by `tidings show`: the
//! detail of a card, the key help and the list of load problems, as rows of text at a width.
//!
//! A row is a list of segments, each with a [`Role`] that says what the text is (a label, the
//! URL `o` opens, an error) rather than how it looks: drawing maps roles to the theme's styles,
//! `show` prints the text, and `update` counts the rows to keep scrolling in range. So the three
//! can never disagree about what a pane holds, and `update` never touches a style.
//!
//! Everything from a card passes [`crate::text`] here, before it becomes a segment.

pub mod detail;
pub mod diagnostics;
pub mod help;
pub mod markdown;
pub mod time;

use crate::text;

/// What a piece of text is; drawing gives each role a style of the theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Plain,
    /// A title, a key in the help.
    Strong,
    /// Labels, metadata, ids and paths.
    Dim,
    /// The URL `o` opens.
    Link,
    /// The mark beside that URL.
    LinkMark,
    /// Text the filter matched.
    Match,
    /// A section header; a heading of a card's body.
    Heading,
    Error,
    Warning,
    /// Emphasised text of a card's body.
    Emphasis,
    /// Code in a card's body.
    Code,
    /// A block quote of a card's body, and its bar.
    Quote,
    /// The text of a link in a card's body (its URL follows, [`Role::Dim`]).
    LinkText,
}

/// Clean text with a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub role: Role,
}

/// One screen row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row(pub Vec<Segment>);

impl Row {
    pub fn new(text: impl Into<String>, role: Role) -> Row {
        Row(vec![Segment {
            text: text.into(),
            role,
        }])
    }

    pub fn plain(text: impl Into<String>) -> Row {
        Row::new(text, Role::Plain)
    }

    pub(crate) fn blank() -> Row {
        Row::default()
    }

    /// A row of `text` in `role`, with the chars at `lit` (ascending char indices) in
    /// [`Role::Match`] instead.
    pub fn lit(text: &str, role: Role, lit: &[usize]) -> Row {
        let mut row = Row::default();
        let mut run = String::new();
        let mut run_lit = false;
        for (i, c) in text.chars().enumerate() {
            let is_lit = lit.binary_search(&i).is_ok();
            if is_lit != run_lit && !run.is_empty() {
                row.push(
                    std::mem::take(&mut run),
                    if run_lit { Role::Match } else { role },
                );
            }
            run_lit = is_lit;
            run.push(c);
        }
        if !run.is_empty() || row.0.is_empty() {
            row.push(run, if run_lit { Role::Match } else { role });
        }
        row
    }

    pub fn push(&mut self, text: impl Into<String>, role: Role) {
        self.0.push(Segment {
            text: text.into(),
            role,
        });
    }

    /// Columns the row takes.
    pub fn width(&self) -> usize {
        self.0.iter().map(|s| text::width(&s.text)).sum()
    }

    /// The row's segments cut to `width` columns: a segment that does not fit whole is
    /// truncated and ends the row.
    pub(crate) fn fit(self, width: usize) -> Row {
        let pieces = self.0.into_iter().map(|s| (s.text, s.role));
        Row(fit_pieces(pieces, width)
            .into_iter()
            .map(|(text, role)| Segment { text, role })
            .collect())
    }
}

/// Pieces of clean text laid end to end, cut to `width` columns: a piece that does not fit
/// whole is truncated and ends the line. Whatever rides along (a role, a style) is kept.
pub(crate) fn fit_pieces<T>(
    pieces: impl IntoIterator<Item = (String, T)>,
    width: usize,
) -> Vec<(String, T)> {
    let mut out = Vec::new();
    let mut used = 0;
    for (piece, extra) in pieces {
        let w = text::width(&piece);
        if used + w <= width {
            used += w;
            out.push((piece, extra));
        } else {
            let rest = width.saturating_sub(used);
            if rest > 0 {
                out.push((text::truncate(&piece, rest).into_owned(), extra));
            }
            break;
        }
    }
    out
}

/// Rows as plain text, one line each with trailing spaces dropped, for output that is not a
/// terminal screen.
pub fn plain_text(rows: &[Row]) -> String {
    let mut out = String::new();
    for row in rows {
        for segment in &row.0 {
            out.push_str(&segment.text);
        }
        let kept = out.trim_end_matches(' ').len();
        out.truncate(kept);
        out.push('\n');
    }
    out
}

/// What every view shows where a card has no value: the list, the detail, `show` and the
/// tables of `search` (machine formats keep their own null).
pub const MISSING: &str = "—";

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 warning`, `3 warnings`: a count and its noun, plural when it is not one.
pub fn count(n: usize, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", thousands(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(count(1, "warning"), "1 warning");
        assert_eq!(count(1_000, "warning"), "1,000 warnings");
    }

    #[test]
    fn fit_cuts_at_the_width() {
        let mut row = Row::plain("abc");
        row.push("defgh", Role::Dim);
        let out = row.fit(6);
        let joined: String = out.0.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "abcde…");
        assert_eq!(out.0[1].role, Role::Dim);
    }
}
