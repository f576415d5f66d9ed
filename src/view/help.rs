//! The key help: generated from the key table, so it lists what the keys really do.

use super::{Role, Row};
use crate::keymap::{self, Binding, Mode};
use crate::text;

/// The help popup is no wider than this, so its rows stay easy to read on a wide screen.
pub const MAX_WIDTH: u16 = 100;

/// Where a binding is listed: once, under the first mode it works in, or under "everywhere"
/// when it works in all of them, so each binding is one row.
fn home(binding: &Binding) -> Option<Mode> {
    match binding.modes {
        [_, _, _] => None,
        [first, ..] => Some(*first),
        [] => None,
    }
}

/// The help text: a header per section, then `keys  description` entries.
pub fn entries() -> Vec<(Option<&'static str>, &'static str)> {
    let sections: [(&str, Option<Mode>); 4] = [
        ("Browsing", Some(Mode::Browse)),
        ("Typing a filter", Some(Mode::Query)),
        ("In help and problems", Some(Mode::Overlay)),
        ("Everywhere", None),
    ];
    let mut rows = Vec::new();
    for (header, mode) in sections {
        rows.push((None, header));
        let listed = keymap::BINDINGS.iter().filter(|b| home(b) == mode);
        let listed: Vec<&Binding> = match mode {
            Some(mode) => keymap::help(mode)
                .filter(|b| home(b) == Some(mode))
                .collect(),
            None => listed.collect(),
        };
        rows.extend(listed.into_iter().map(|b| (Some(b.label), b.description)));
    }
    rows
}

/// Columns inside the help popup's border for a terminal `width` columns wide.
pub fn inner_width(width: u16) -> usize {
    usize::from(width.min(MAX_WIDTH).saturating_sub(2))
}

/// Every row of the help at `width` columns: section headers, then each binding's keys and its
/// description, wrapped under itself when it does not fit.
pub fn rows(width: usize) -> Vec<Row> {
    let entries = entries();
    let label_w = entries
        .iter()
        .filter_map(|(label, _)| label.map(text::width))
        .max()
        .unwrap_or(0)
        + 2;
    let mut rows = Vec::new();
    for (label, description) in entries {
        let Some(label) = label else {
            rows.push(Row::new(
                text::truncate(description, width).into_owned(),
                Role::Heading,
            ));
            continue;
        };
        let label = text::pad_to(&format!(" {label}"), (label_w + 1).min(width));
        let indent = text::width(&label);
        let rest = width.saturating_sub(indent).max(1);
        for (i, line) in text::wrap(description, rest).into_iter().enumerate() {
            let mut row = if i == 0 {
                Row::new(label.clone(), Role::Strong)
            } else {
                Row::plain(" ".repeat(indent))
            };
            row.push(line, Role::Plain);
            rows.push(row);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_has_an_entry_per_binding_and_four_headers() {
        // Each binding is listed once, under one of four sections.
        assert_eq!(entries().len(), keymap::BINDINGS.len() + 4);
    }
}
