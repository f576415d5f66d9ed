//! The `[filter]` table: which fields plain terms (those without a scope) look in, and whether
//! they match words, as the query language has it, or letters scattered through the title, as
//! fzf does. The headless commands read this table too, so `tidings search` finds what the
//! reader finds.

use toml::de::DeTable;

use super::error::Problems;
use super::value::{self, entries};
use crate::search::fields::{Place, Places};
use crate::search::syntax::Query;

/// How plain terms match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Matching {
    /// The start of a word (see the query language).
    #[default]
    Words,
    /// The letters in order, scattered through the title (`~term` for every plain term).
    Fuzzy,
}

impl Matching {
    pub const ALL: [Matching; 2] = [Matching::Words, Matching::Fuzzy];

    pub fn name(self) -> &'static str {
        match self {
            Matching::Words => "words",
            Matching::Fuzzy => "fuzzy",
        }
    }
}

/// What plain terms mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilterOptions {
    pub fields: Places,
    pub matching: Matching,
}

impl Default for FilterOptions {
    fn default() -> FilterOptions {
        FilterOptions {
            fields: Places::ALL,
            matching: Matching::Words,
        }
    }
}

impl FilterOptions {
    /// `query` with its plain terms meaning what these options say.
    pub fn apply(&self, query: Query) -> Query {
        query.resolved(self.fields, self.matching == Matching::Fuzzy)
    }
}

const KEYS: [&str; 2] = ["fields", "match"];

/// Reads `[filter]`; what is wrong goes to `problems` and leaves that part at its default.
pub(crate) fn read(table: &DeTable<'_>, problems: &mut Problems) -> FilterOptions {
    let mut options = FilterOptions::default();
    for (key, value) in entries(table) {
        match key.get_ref().as_ref() {
            "fields" => {
                let Some(items) = value::strings(value, "[filter] fields", problems) else {
                    continue;
                };
                let expected: Vec<&str> = Place::ALL.iter().map(|p| p.name()).collect();
                let mut fields = Vec::new();
                let mut ok = true;
                for (name, span) in items {
                    match Place::named(name) {
                        Some(place) => fields.push(place),
                        None => {
                            problems.add(
                                span,
                                format!(
                                    "[filter] fields: no field is named {name:?}; expected some \
                                     of: {}",
                                    expected.join(", ")
                                ),
                            );
                            ok = false;
                        }
                    }
                }
                if ok && fields.is_empty() {
                    problems.add(
                        value.span(),
                        "[filter] fields: name at least one field, or plain terms find nothing",
                    );
                } else if ok {
                    options.fields = Places::of(&fields);
                }
            }
            "match" => {
                let names: Vec<&str> = Matching::ALL.iter().map(|m| m.name()).collect();
                let expected = format!("one of: {}", names.join(", "));
                let Some(name) = value::string(value, "[filter] match", &expected, problems) else {
                    continue;
                };
                match Matching::ALL.into_iter().find(|m| m.name() == name) {
                    Some(matching) => options.matching = matching,
                    None => problems.add(
                        value.span(),
                        format!(
                            "[filter] match: no matching is named {name:?}; expected {expected}"
                        ),
                    ),
                }
            }
            _ => value::unknown_key(problems, key, "[filter]", &KEYS),
        }
    }
    options
}
