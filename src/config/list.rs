//! The `[list]` table: the order the list starts in, which short columns show beside the titles
//! and in what order, and how dates are written there.

use toml::de::DeTable;

use super::error::Problems;
use super::value::{self, entries};
use crate::search::sort::SortKey;

/// A short column beside the titles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Provider,
    Date,
    Quality,
    Heat,
}

impl Column {
    pub const ALL: [Column; 4] = [
        Column::Provider,
        Column::Date,
        Column::Quality,
        Column::Heat,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Provider => "provider",
            Column::Date => "date",
            Column::Quality => "quality",
            Column::Heat => "heat",
        }
    }
}

/// How the date column writes a card's time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateStyle {
    /// How long ago: `3h`, `2d`, `5mo`.
    #[default]
    Relative,
    /// The day, in the local time zone: `2024-03-08`.
    Absolute,
    /// Both: `2024-03-08   2d`.
    Both,
}

impl DateStyle {
    pub const ALL: [DateStyle; 3] = [DateStyle::Relative, DateStyle::Absolute, DateStyle::Both];

    pub fn name(self) -> &'static str {
        match self {
            DateStyle::Relative => "relative",
            DateStyle::Absolute => "absolute",
            DateStyle::Both => "both",
        }
    }
}

/// How the list starts and looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListOptions {
    /// The order the list starts in (`s` cycles from it).
    pub sort: SortKey,
    /// Every order the other way round: oldest first, lowest first, Z to A. The relevance of
    /// matches is never reversed: the best match stays first.
    pub reverse: bool,
    /// The short columns, in the order they show; narrow panes drop them by usefulness (the
    /// date last, the provider first), never by this order.
    pub columns: Vec<Column>,
    pub dates: DateStyle,
}

impl Default for ListOptions {
    fn default() -> ListOptions {
        ListOptions {
            sort: SortKey::Date,
            reverse: false,
            columns: Column::ALL.to_vec(),
            dates: DateStyle::Relative,
        }
    }
}

/// The sorts a configuration can start with, by name.
pub(crate) const SORTS: [SortKey; 6] = [
    SortKey::Relevance,
    SortKey::Date,
    SortKey::Quality,
    SortKey::Heat,
    SortKey::Title,
    SortKey::Provider,
];

const KEYS: [&str; 4] = ["sort", "reverse", "columns", "dates"];

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
    names.join(", ")
}

/// Reads `[list]`; what is wrong goes to `problems` and leaves that part at its default.
pub(crate) fn read(table: &DeTable<'_>, problems: &mut Problems) -> ListOptions {
    let mut options = ListOptions::default();
    for (key, value) in entries(table) {
        match key.get_ref().as_ref() {
            "sort" => {
                let expected = format!("a sort: {}", names(&SORTS, SortKey::label));
                let Some(name) = value::string(value, "[list] sort", &expected, problems) else {
                    continue;
                };
                match SORTS.into_iter().find(|s| s.label() == name) {
                    Some(sort) => options.sort = sort,
                    None => problems.add(
                        value.span(),
                        format!("[list] sort: no sort is named {name:?}; expected {expected}"),
                    ),
                }
            }
            "reverse" => {
                if let Some(reverse) = value::boolean(value, "[list] reverse", problems) {
                    options.reverse = reverse;
                }
            }
            "columns" => {
                if let Some(columns) = read_columns(value, problems) {
                    options.columns = columns;
                }
            }
            "dates" => {
                let expected = format!("a date style: {}", names(&DateStyle::ALL, DateStyle::name));
                let Some(name) = value::string(value, "[list] dates", &expected, problems) else {
                    continue;
                };
                match DateStyle::ALL.into_iter().find(|d| d.name() == name) {
                    Some(style) => options.dates = style,
                    None => problems.add(
                        value.span(),
                        format!(
                            "[list] dates: no date style is named {name:?}; expected {expected}"
                        ),
                    ),
                }
            }
            _ => value::unknown_key(problems, key, "[list]", &KEYS),
        }
    }
    options
}

fn read_columns(value: &value::TomlValue<'_>, problems: &mut Problems) -> Option<Vec<Column>> {
    let items = value::strings(value, "[list] columns", problems)?;
    let expected = names(&Column::ALL, Column::name);
    let mut columns = Vec::new();
    let mut ok = true;
    for (name, span) in items {
        match Column::ALL.into_iter().find(|c| c.name() == name) {
            Some(column) if columns.contains(&column) => {
                problems.add(span, format!("[list] columns names {name:?} twice"));
                ok = false;
            }
            Some(column) => columns.push(column),
            None => {
                problems.add(
                    span,
                    format!(
                        "[list] columns: no column is named {name:?}; expected some of: {expected}"
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(columns)
}
