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
    let width = width.max(1);
    let mut rows = Vec::new();
    for d in diagnostics {
        let full = place_and_message(d, false);
        if full.width() <= width {
            rows.push(full);
            continue;
        }
        // The place: path (folders dropped first), line, column and severity.
        let mut place = place_and_message(d, true);
        place.0.truncate(2);
        place.push(":", Role::Plain);
        rows.push(place.fit(width));
        let message = text::clean_line(&d.message);
        for line in text::wrap(&message, width.saturating_sub(2).max(1)) {
            rows.push(Row::plain(format!("  {line}")));
        }
    }
    rows
}
