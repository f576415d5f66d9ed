//! The key help: generated from the live keymap, so it lists what the keys really do, each
//! binding's keys as a keymap writes them and its action's description; then the query
//! language, from the same text the README and the man page show.

use super::{Role, Row};
use crate::config::Keymap;
use crate::search::syntax::GUIDE;
use crate::text;

/// The help popup is no wider than this, so its rows stay easy to read on a wide screen.
pub(crate) const MAX_WIDTH: u16 = 100;

/// The help text: a header per section (`None`, title), then (`Some(keys)`, description)
/// entries.
pub fn entries(keymap: &Keymap) -> Vec<(Option<String>, String)> {
    let mut rows = Vec::new();
    for section in keymap.sections() {
        rows.push((None, section.title.to_string()));
        rows.extend(
            section
                .bindings
                .into_iter()
                // Keys and descriptions may come from a configuration file: through the gate.
                .map(|b| {
                    let label = text::clean_line(&b.label()).into_owned();
                    let description = text::clean_line(&b.description()).into_owned();
                    (Some(label), description)
                }),
        );
    }
    rows
}

/// Columns inside the help popup's border for a terminal `width` columns wide.
pub fn inner_width(width: u16) -> usize {
    usize::from(width.min(MAX_WIDTH).saturating_sub(2))
}

/// Every row of the help at `width` columns: section headers, then each binding's keys and its
/// description, wrapped under itself when it does not fit.
pub fn rows(keymap: &Keymap, width: usize) -> Vec<Row> {
    let entries = entries(keymap);
    let label_w = entries
        .iter()
        .filter_map(|(label, _)| label.as_deref().map(text::width))
        .max()
        .unwrap_or(0)
        + 2;
    let mut rows = Vec::new();
    for (label, description) in entries {
        let Some(label) = label else {
            rows.push(Row::new(
                text::truncate(&description, width).into_owned(),
                Role::Heading,
            ));
            continue;
        };
        let label = text::pad_to(&format!(" {label}"), (label_w + 1).min(width));
        let indent = text::width(&label);
        let rest = width.saturating_sub(indent).max(1);
        for (i, line) in text::wrap(&description, rest).into_iter().enumerate() {
            let mut row = if i == 0 {
                Row::new(label.clone(), Role::Strong)
            } else {
                Row::plain(" ".repeat(indent))
            };
            row.push(line, Role::Plain);
            rows.push(row);
        }
    }
    rows.push(Row::blank());
    rows.push(Row::new(
        text::truncate("Query language", width).into_owned(),
        Role::Heading,
    ));
    for line in GUIDE.lines() {
        // Examples are indented; their wrapped rest keeps the indent.
        let indent = line.len() - line.trim_start().len();
        let rest = width.saturating_sub(indent + 1).max(1);
        for (i, part) in text::wrap(line.trim_start(), rest).into_iter().enumerate() {
            let pad = if i == 0 { indent + 1 } else { indent + 3 };
            rows.push(Row::plain(format!(
                "{}{part}",
                " ".repeat(pad.min(width.saturating_sub(1)))
            )));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_has_an_entry_per_binding_and_a_header_per_section() {
        // Each binding is listed once, under one of the sections.
        let keymap = Keymap::default();
        assert_eq!(
            entries(&keymap).len(),
            keymap.bindings().len() + keymap.sections().len()
        );
    }
}
