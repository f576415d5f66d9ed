//! The `[keys]` table: a table per scope (`[keys.list]`, `[keys.browse]`, ...) mapping keys
//! (`"ctrl-d"`, `"shift-tab"`, `"g g"`) to action names (`"move_down"`), or to `"none"` to
//! unbind them. Reading checks each key and name on its own; [`super::merge`] then lays them
//! over the defaults and checks them together.

use std::ops::Range;

use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as NameError, StrDeserializer};
use strum::IntoEnumIterator;
use toml::de::DeTable;

use super::error::Problems;
use super::key::KeySeq;
use super::keymap::Scope;
use super::value::{self, entries};
use crate::action::Action;

/// The word that unbinds a key.
pub(crate) const UNBIND: &str = "none";

/// One line of a `[keys.*]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyEntry {
    pub scope: Scope,
    pub keys: KeySeq,
    /// `None` unbinds.
    pub action: Option<Action>,
    /// Where the keys are written: where a problem with this line is shown.
    pub span: Range<usize>,
}

/// Reads `[keys]`, its tables in the file's order; what is wrong goes to `problems`.
pub(crate) fn read(table: &DeTable<'_>, problems: &mut Problems) -> Vec<KeyEntry> {
    let names: Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
    let mut out = Vec::new();
    for (key, value) in entries(table) {
        let Some(scope) = Scope::from_name(key.get_ref()) else {
            problems.add(
                key.span(),
                format!(
                    "[keys] has no table {:?}; expected one of: {}",
                    key.get_ref().as_ref(),
                    names.join(", ")
                ),
            );
            continue;
        };
        let what = format!("[keys.{}]", scope.name());
        if let Some(bindings) = value::table(value, &what, problems) {
            read_scope(scope, bindings, &what, problems, &mut out);
        }
    }
    out
}

fn read_scope(
    scope: Scope,
    table: &DeTable<'_>,
    what: &str,
    problems: &mut Problems,
    out: &mut Vec<KeyEntry>,
) {
    for (key, value) in entries(table) {
        let keys = match key.get_ref().parse::<KeySeq>() {
            Ok(keys) => Some(keys),
            Err(e) => {
                problems.add(
                    key.span(),
                    format!(
                        "{what}: {e} (keys are written like \"j\", \"G\", \"ctrl-d\", \
                         \"shift-tab\", \"alt-b\", \"pgdn\", \"space\", or two of them: \"g g\")"
                    ),
                );
                None
            }
        };
        let expected = "an action's name (like \"move_down\"), or \"none\" to unbind the key";
        let Some(name) = value::string(
            value,
            &format!("{what} {:?}", key.get_ref().as_ref()),
            expected,
            problems,
        ) else {
            continue;
        };
        let action = match action_named(name) {
            Ok(action) => action,
            Err(message) => {
                problems.add(value.span(), format!("{what}: {message}"));
                continue;
            }
        };
        if let Some(keys) = keys {
            out.push(KeyEntry {
                scope,
                keys,
                action,
                span: key.span(),
            });
        }
    }
}

/// The action a configuration names (`None` for [`UNBIND`]), or why there is none. Names are
/// read by the action's own `Deserialize`, so they are spelled as help and the README show
/// them.
fn action_named(name: &str) -> Result<Option<Action>, String> {
    if name == UNBIND {
        return Ok(None);
    }
    let deserializer: StrDeserializer<'_, NameError> = name.into_deserializer();
    if let Ok(action) = Action::deserialize(deserializer) {
        return Ok(Some(action));
    }
    let mut message = format!("no action is named {name:?}");
    match closest(name) {
        Some(near) => message.push_str(&format!("; did you mean {near:?}?")),
        None => message
            .push_str("; `tidings config default` lists every action, and \"none\" unbinds a key"),
    }
    Err(message)
}

/// The bindable action's name nearest to `name`, if one is near: a typo, or a name written
/// with dashes or spaces.
fn closest(name: &str) -> Option<String> {
    let wanted = name.to_lowercase().replace(['-', ' '], "_");
    Action::iter()
        .filter_map(|a| a.config_name())
        .map(|n| (edit_distance(&wanted, &n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 5))
        .min()
        .map(|(_, n)| n)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_read_as_help_writes_them() {
        assert_eq!(action_named("move_down"), Ok(Some(Action::MoveDown)));
        assert_eq!(action_named("none"), Ok(None));
        let typo = action_named("qiut").expect_err("a typo");
        assert!(typo.contains("did you mean \"quit\""), "{typo}");
        let dashed = action_named("move-down").expect_err("dashes");
        assert!(dashed.contains("\"move_down\""), "{dashed}");
        let far = action_named("launch_rockets").expect_err("nonsense");
        assert!(far.contains("tidings config default"), "{far}");
        // Typing and the mouse reach the reader without a binding: no name binds them.
        assert!(action_named("query_insert").is_err());
        assert!(action_named("click").is_err());
    }

    #[test]
    fn edit_distance_counts_changes() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("quit", "quit"), 0);
        assert_eq!(edit_distance("qiut", "quit"), 2);
        assert_eq!(edit_distance("top", "stop"), 1);
    }
}
