//! Reading TOML values with their places: each accessor takes a value as the file wrote it and
//! returns it as the type wanted, or records where it is and what was expected there and
//! returns `None`, so that reading goes on and every problem is named.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::error::Problems;

/// A key as the file wrote it, with its place.
pub(crate) type TomlKey<'i> = Spanned<DeString<'i>>;
/// A value as the file wrote it, with its place.
pub(crate) type TomlValue<'i> = Spanned<DeValue<'i>>;

/// A table's entries in the order the file writes them.
pub(crate) fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a TomlKey<'i>, &'a TomlValue<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// A value's type as a sentence names it: `a string`, `an array`.
pub(crate) fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Records that `value` is not what `what` takes.
pub(crate) fn wrong_type(
    problems: &mut Problems,
    value: &TomlValue<'_>,
    what: &str,
    expected: &str,
) {
    problems.add(
        value.span(),
        format!("{what} takes {expected}, not {}", kind(value.get_ref())),
    );
}

/// Records a key that `place` does not have, listing those it does.
pub(crate) fn unknown_key(problems: &mut Problems, key: &TomlKey<'_>, place: &str, known: &[&str]) {
    problems.add(
        key.span(),
        format!(
            "{place} has no key {:?}; expected one of: {}",
            key.get_ref().as_ref(),
            known.join(", ")
        ),
    );
}

pub(crate) fn table<'a, 'i>(
    value: &'a TomlValue<'i>,
    what: &str,
    problems: &mut Problems,
) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Some(table),
        _ => {
            wrong_type(problems, value, what, "a table");
            None
        }
    }
}

pub(crate) fn string<'a>(
    value: &'a TomlValue<'_>,
    what: &str,
    expected: &str,
    problems: &mut Problems,
) -> Option<&'a str> {
    match value.get_ref() {
        DeValue::String(s) => Some(s),
        _ => {
            wrong_type(problems, value, what, expected);
            None
        }
    }
}

pub(crate) fn boolean(value: &TomlValue<'_>, what: &str, problems: &mut Problems) -> Option<bool> {
    match value.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => {
            wrong_type(problems, value, what, "true or false");
            None
        }
    }
}

/// An integer that fits `T`, or a problem naming the range.
pub(crate) fn integer<T: TryFrom<i64>>(
    value: &TomlValue<'_>,
    what: &str,
    expected: &str,
    problems: &mut Problems,
) -> Option<T> {
    let DeValue::Integer(n) = value.get_ref() else {
        wrong_type(problems, value, what, expected);
        return None;
    };
    let parsed = i64::from_str_radix(n.as_str(), n.radix())
        .ok()
        .and_then(|n| T::try_from(n).ok());
    if parsed.is_none() {
        problems.add(value.span(), format!("{what} takes {expected}, not {n}"));
    }
    parsed
}

/// An array of strings, each with its span.
pub(crate) fn strings<'a>(
    value: &'a TomlValue<'_>,
    what: &str,
    problems: &mut Problems,
) -> Option<Vec<(&'a str, Range<usize>)>> {
    let DeValue::Array(items) = value.get_ref() else {
        wrong_type(problems, value, what, "an array of strings");
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push((s.as_ref(), item.span())),
            _ => {
                wrong_type(problems, item, &format!("each item of {what}"), "a string");
                ok = false;
            }
        }
    }
    ok.then_some(out)
}
