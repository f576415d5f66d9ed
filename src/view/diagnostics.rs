//! The problems found while loading, one per row as `tidings check` prints them, wrapped
//! under their place when they do not fit.

use super::{Role, Row, count};
use crate::corpus::load::count_skipped;
use crate::corpus::{Diagnostic, Severity};
use crate::text;

/// `3 skipped, 5 warnings`: what loading found, as the status row and the diagnostics view
/// both say it; empty when nothing was found.
pub fn summary(diagnostics: &[Diagnostic]) -> Vec<String> {
    let skipped = count_skipped(diagnostics);
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let mut parts = Vec::new();
    if skipped > 0 {
        parts.push(format!("{} skipped", super::thousands(skipped)));
    }
    if warnings > 0 {
        parts.push(count(warnings, "warning"));
    }
    parts
}

/// `path:line:column: severity: message`, the shape of `tidings check`. Path and message come
/// from files and pass the gate. `short` shows only the file name of the path (`…/file.txt`).
fn place_and_message(d: &Diagnostic, short: bool) -> Row {
    let (severity, role) = match d.severity {
        Severity::Error => ("error", Role::Error),
        Severity::Warning => ("warning", Role::Warning),
    };
    let path = match d.path.file_name() {
        Some(name) if short && d.path.parent().is_some_and(|p| !p.as_os_str().is_empty()) => {
            format!("…/{}", text::clean_line(&name.to_string_lossy()))
        }
        _ => text::clean_line(&d.path.display().to_string()).into_owned(),
    };
    let mut row = Row::new(format!("{path}:{}:{}: ", d.line, d.column), Role::Dim);
    row.push(severity, role);
    row.push(format!(": {}", text::clean_line(&d.message)), Role::Plain);
    row
}

/// Every row of the diagnostics view at `width` columns. A diagnostic that fits is one row; a
/// longer one puts its place on a row and its message, wrapped, on the rows under it, so every
/// message can be read whole at any width.
pub fn rows(diagnostics: &[Diagnostic], width: usize) -> Vec<Row> {
    layout(diagnostics, width).0
}

/// [`rows`], and the first row of each diagnostic, so a selection can be drawn and scrolled to.
///
/// Paths are shown one way on every row: whole when every diagnostic's place fits the width,
/// else all as their file name (`…/file.txt`), so rows never mix the two forms.
pub fn layout(diagnostics: &[Diagnostic], width: usize) -> (Vec<Row>, Vec<usize>) {
    let width = width.max(1);
    let short = diagnostics.iter().any(|d| place(d, false).width() > width);
    let mut rows = Vec::new();
    let mut starts = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        starts.push(rows.len());
        let full = place_and_message(d, short);
        if full.width() <= width {
            rows.push(full);
            continue;
        }
        rows.push(place(d, short).fit(width));
        let message = text::clean_line(&d.message);
        for line in text::wrap(&message, width.saturating_sub(2).max(1)) {
            rows.push(Row::plain(format!("  {line}")));
        }
    }
    (rows, starts)
}

/// The place of a diagnostic on a row of its own: `path:line:column: severity:`.
fn place(d: &Diagnostic, short: bool) -> Row {
    let mut place = place_and_message(d, short);
    place.0.truncate(2);
    place.push(":", Role::Plain);
    place
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::plain_text;

    #[test]
    fn paths_are_shown_the_same_way_on_every_row() {
        let diagnostics = [
            Diagnostic::file("cards/a.md", Severity::Warning, "short"),
            Diagnostic::file(
                "cards/b.md",
                Severity::Error,
                "a message long enough that it needs a row of its own under the place",
            ),
        ];
        let text = plain_text(&rows(&diagnostics, 60));
        assert!(text.contains("cards/a.md:1:1: warning: short"), "{text}");
        assert!(text.contains("cards/b.md:1:1: error:"), "{text}");
        assert!(!text.contains('…'), "{text}");

        // Too narrow for any whole place: every path is the file name.
        let text = plain_text(&rows(&diagnostics, 20));
        assert!(text.contains("…/a.md:1:1:"), "{text}");
        assert!(text.contains("…/b.md:1:1:"), "{text}");
        assert!(!text.contains("cards/"), "{text}");
    }

    #[test]
    fn each_diagnostic_starts_where_layout_says() {
        let diagnostics = [
            Diagnostic::file("a.md", Severity::Error, "one two three four five six seven"),
            Diagnostic::file("b.md", Severity::Warning, "x"),
        ];
        let (rows, starts) = layout(&diagnostics, 24);
        assert_eq!(starts.len(), 2);
        assert_eq!(starts[0], 0);
        assert!(plain_text(&rows[starts[1]..]).starts_with("b.md"));
    }
}
