//! Saved searches: a name standing for a query, written `@name` in any query (the filter line,
//! `--query`, `tidings search`, `tidings mark --query`) and expanded before it is parsed.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::db::{micros, timestamp};

/// A saved search as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedSearch {
    pub name: String,
    pub query: String,
    pub created: Timestamp,
    /// When the query was last saved under this name.
    pub updated: Timestamp,
}

/// The longest name: it is typed after `@` and shown in a picker column.
pub const MAX_NAME_CHARS: usize = 64;

/// Whether `name` can be a saved search's name: 1 to [`MAX_NAME_CHARS`] letters, digits, `-`,
/// `_` or `.`, so that `@name` is one word of a query. The error says what is allowed.
pub fn check_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME_CHARS || !name.chars().all(is_name_char) {
        return Err(format!(
            "a saved search's name is 1 to {MAX_NAME_CHARS} letters, digits, `-`, `_` or `.`"
        ));
    }
    Ok(())
}

/// Whether `query` can be saved: no longer than the query line holds.
pub fn check_query(query: &str) -> Result<(), String> {
    use crate::search::syntax::MAX_QUERY_CHARS;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(format!(
            "a saved query is at most {MAX_QUERY_CHARS} characters"
        ));
    }
    Ok(())
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Every saved search, by name.
pub(crate) fn load(conn: &Connection) -> rusqlite::Result<Vec<SavedSearch>> {
    let mut stmt =
        conn.prepare("SELECT name, query, created, updated FROM saved_search ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok(SavedSearch {
            name: r.get(0)?,
            query: r.get(1)?,
            created: timestamp(r.get(2)?).unwrap_or_default(),
            updated: timestamp(r.get(3)?).unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// Saves `query` as `name`, replacing the query of a search of that name.
pub(crate) fn save(
    tx: &Transaction,
    name: &str,
    query: &str,
    at: Timestamp,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO saved_search (name, query, created, updated) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (name) DO UPDATE SET query = excluded.query, updated = excluded.updated",
        params![name, query, micros(at)],
    )?;
    Ok(())
}

/// Merges one imported search: the later `updated` wins, the earlier `created` stays.
pub(crate) fn merge(tx: &Transaction, s: &SavedSearch) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO saved_search (name, query, created, updated) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET
             query = iif(excluded.updated > updated, excluded.query, query),
             updated = max(updated, excluded.updated),
             created = min(created, excluded.created)",
        params![s.name, s.query, micros(s.created), micros(s.updated)],
    )?;
    Ok(())
}

/// Whether a search of this name exists.
pub(crate) fn exists(tx: &Transaction, name: &str) -> rusqlite::Result<bool> {
    tx.query_row("SELECT 1 FROM saved_search WHERE name = ?1", [name], |_| {
        Ok(())
    })
    .optional()
    .map(|found| found.is_some())
}

pub(crate) fn rename(
    tx: &Transaction,
    from: &str,
    to: &str,
    at: Timestamp,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE saved_search SET name = ?2, updated = ?3 WHERE name = ?1",
        params![from, to, micros(at)],
    )?;
    Ok(())
}

pub(crate) fn delete(tx: &Transaction, name: &str) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM saved_search WHERE name = ?1", [name])?;
    Ok(())
}

/// Why `@name` references in a query could not be expanded, and where (in chars, like the
/// query parser's errors, so the same caret can point at it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at {position}: {message}")]
pub struct ExpandError {
    pub position: usize,
    pub message: String,
}

/// How deep saved searches may refer to saved searches: far past any real use, and a bound on
/// the text a query can grow to.
const MAX_DEPTH: usize = 8;

/// `query` with every `@name` term replaced by that saved search's query (itself expanded).
/// A term is `@name` when it starts with `@` and the rest is a name ([`check_name`]); text in a
/// `"phrase"` and words like `a@b` are left alone, and `'@name` searches for the text itself.
pub fn expand(query: &str, saved: &[SavedSearch]) -> Result<String, ExpandError> {
    expand_at(query, saved, &mut Vec::new(), None)
}

fn expand_at(
    query: &str,
    saved: &[SavedSearch],
    stack: &mut Vec<String>,
    outer: Option<usize>,
) -> Result<String, ExpandError> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = term_end(&chars, i);
        let term: String = chars[i..end].iter().collect();
        let at = outer.unwrap_or(i);
        let error = |message: String| ExpandError {
            position: at,
            message,
        };
        match reference(&term) {
            Reference::None => out.push_str(&term),
            Reference::Negated(name) => {
                return Err(error(format!(
                    "`!@{name}`: a saved search cannot be negated; write its terms instead"
                )));
            }
            Reference::Named(name) => {
                let Some(found) = saved.iter().find(|s| s.name == name) else {
                    return Err(error(format!(
                        "no saved search named @{name} (to look for the text, write '@{name})"
                    )));
                };
                if stack.iter().any(|n| n == name) || stack.len() >= MAX_DEPTH {
                    return Err(error(format!("saved search @{name} refers back to itself")));
                }
                stack.push(name.to_string());
                let inner = expand_at(&found.query, saved, stack, Some(at))?;
                stack.pop();
                out.push_str(&inner);
            }
        }
        i = end;
    }
    Ok(out)
}

enum Reference<'a> {
    None,
    Named(&'a str),
    Negated(&'a str),
}

fn reference(term: &str) -> Reference<'_> {
    let (negated, rest) = match term.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, term),
    };
    match rest.strip_prefix('@') {
        Some(name) if check_name(name).is_ok() && negated => Reference::Negated(name),
        Some(name) if check_name(name).is_ok() => Reference::Named(name),
        _ => Reference::None,
    }
}

/// End of the term starting at `start`: the next whitespace, except that a `"phrase"` opening
/// the term's body (after `!`, a `scope:` and `^`) runs to its closing quote, as the query
/// parser reads it.
fn term_end(chars: &[char], start: usize) -> usize {
    let word_end = |from: usize| {
        chars[from..]
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(chars.len(), |n| from + n)
    };
    let mut i = start;
    if chars.get(i) == Some(&'!') {
        i += 1;
    }
    let scope_len = chars[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if scope_len > 0 && chars.get(i + scope_len) == Some(&':') {
        i += scope_len + 1;
    }
    while matches!(chars.get(i), Some('!' | '^')) {
        i += 1;
    }
    if chars.get(i) == Some(&'"') {
        let close = chars[i + 1..]
            .iter()
            .position(|c| *c == '"')
            .map_or(chars.len(), |n| i + 1 + n + 1);
        return word_end(close.min(chars.len()));
    }
    word_end(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(pairs: &[(&str, &str)]) -> Vec<SavedSearch> {
        pairs
            .iter()
            .map(|(name, query)| SavedSearch {
                name: name.to_string(),
                query: query.to_string(),
                created: Timestamp::UNIX_EPOCH,
                updated: Timestamp::UNIX_EPOCH,
            })
            .collect()
    }

    #[test]
    fn references_expand_in_place_and_inside_each_other() {
        let s = saved(&[("ai", "topic:AI !crypto"), ("bbc-ai", "@ai provider:bbc")]);
        assert_eq!(expand("@ai  rust", &s).unwrap(), "topic:AI !crypto  rust");
        assert_eq!(
            expand("x @bbc-ai", &s).unwrap(),
            "x topic:AI !crypto provider:bbc"
        );
        // Not references: text in a phrase, a word with @ inside, an exact term.
        for literal in [
            "\"see @ai here\"",
            "a@ai",
            "'@ai",
            "title:\"x @ai\"",
            "@",
            "@a+b",
        ] {
            assert_eq!(expand(literal, &s).unwrap(), literal);
        }
    }

    #[test]
    fn unknown_negated_and_circular_references_are_errors_with_a_place() {
        let s = saved(&[("a", "@b"), ("b", "x @a"), ("c", "@missing")]);
        let e = expand("ok @nope", &s).unwrap_err();
        assert_eq!(e.position, 3);
        assert!(e.message.contains("no saved search named @nope"), "{e}");
        assert!(expand("!@a", &s).unwrap_err().message.contains("negated"));
        let e = expand("é @a", &s).unwrap_err();
        assert_eq!(e.position, 2);
        assert!(e.message.contains("refers back"), "{e}");
        // An error inside a saved search points at the reference typed.
        assert_eq!(expand("zz @c", &s).unwrap_err().position, 3);
    }

    #[test]
    fn names_are_one_word() {
        assert!(check_name("daily-ai_2.0").is_ok());
        assert!(check_name("état").is_ok());
        for bad in ["", "a b", "a:b", "@a", "\"a", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
