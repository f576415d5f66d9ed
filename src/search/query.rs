//! The query language typed into the filter box, parsed into a [`Query`] value.
//!
//! It follows fzf's extended search syntax: space-separated terms that must all match, each
//! fuzzy by default, with `'exact`, `^prefix`, `suffix$`, `^whole$` and `!negation`; on top of
//! that a term may be scoped to one field (`title:`, `provider:`, `topic:`, `category:`) and a
//! `"quoted phrase"` is one exact term that may contain spaces.

use std::fmt;

/// Which fields of a card a term is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Title, provider name, topics and excerpt.
    Any,
    /// `title:` — the title (or the file name standing in for a missing one).
    Title,
    /// `provider:` — the provider's name or its domain.
    Provider,
    /// `topic:` — any one of the topics.
    Topic,
    /// `category:` — the category.
    Category,
}

impl Scope {
    fn from_name(name: &str) -> Option<Scope> {
        // Case-insensitive so `Title:` typed with a stray shift still scopes.
        match name.to_ascii_lowercase().as_str() {
            "title" => Some(Scope::Title),
            "provider" => Some(Scope::Provider),
            "topic" => Some(Scope::Topic),
            "category" => Some(Scope::Category),
            _ => None,
        }
    }
}

/// How a term's text is compared with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The term's characters appear in order (skim's fuzzy matching, smart case).
    Fuzzy,
    /// `'text` or `"text"`: the text appears as a substring (smart case).
    Exact,
    /// `^text`: the field, trimmed, starts with the text.
    Prefix,
    /// `text$`: the field, trimmed, ends with the text.
    Suffix,
    /// `^text$`: the field, trimmed, is the text.
    Whole,
}

/// One term of a query: every term of a [`Query`] must match for a card to match.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// The card matches when the term does *not* match in any field of its scope.
    pub negated: bool,
    pub scope: Scope,
    /// Never [`Kind::Fuzzy`] when negated: as in fzf, `!foo` excludes cards containing `foo`,
    /// since "does not fuzzily match" would exclude almost nothing useful.
    pub kind: Kind,
    /// The text to look for, without operators, quotes or scope; never empty from [`parse`].
    pub text: String,
}

impl Term {
    /// Smart case for the non-fuzzy kinds: any uppercase letter makes the term case-sensitive.
    pub(crate) fn case_sensitive(&self) -> bool {
        self.text.chars().any(char::is_uppercase)
    }
}

/// A parsed filter query; the empty query matches every card with score 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Query {
    terms: Vec<Term>,
}

impl Query {
    /// The terms in the order they were typed.
    pub(crate) fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// True when there is no term, so every card matches.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when every card matching `self` is sure to match `previous` too, so `self` can be
    /// answered by re-ranking only `previous`'s hits.
    ///
    /// It holds when each of `previous`'s terms is implied by one of `self`'s: an identical
    /// term, a fuzzy term typed further (`lu` → `lup`), an exact, prefix or suffix text grown
    /// on the side that keeps it implied, or a prefix/suffix closed to a whole (`^lu` →
    /// `^lu$`). Negated terms only imply themselves: typing on a negated term lets more in.
    pub fn narrows(&self, previous: &Query) -> bool {
        previous
            .terms
            .iter()
            .all(|p| self.terms.iter().any(|s| implies(s, p)))
    }
}

/// Whether every card matching `s` also matches `p`; false when unsure.
fn implies(s: &Term, p: &Term) -> bool {
    if s == p {
        return true;
    }
    if s.negated || p.negated {
        return false;
    }
    // A title or topic match is also a match for the same term unscoped (those fields are
    // part of `Any`); provider and category scopes reach fields `Any` does not.
    let scope_ok = s.scope == p.scope
        || (p.scope == Scope::Any && matches!(s.scope, Scope::Title | Scope::Topic));
    if !scope_ok {
        return false;
    }
    let cs = p.case_sensitive();
    match (s.kind, p.kind) {
        // Only extension at the end: the excerpt rule accepts a fuzzy pattern only when each
        // of its prefixes is accepted too (see `rank`), which makes exactly this monotone.
        (Kind::Fuzzy, Kind::Fuzzy) => !p.text.is_empty() && s.text.starts_with(&p.text),
        (Kind::Exact | Kind::Prefix | Kind::Suffix | Kind::Whole, Kind::Exact) => {
            cased_contains(&s.text, &p.text, cs)
        }
        (Kind::Prefix | Kind::Whole, Kind::Prefix) => cased_starts_with(&s.text, &p.text, cs),
        (Kind::Suffix | Kind::Whole, Kind::Suffix) => cased_ends_with(&s.text, &p.text, cs),
        (Kind::Whole, Kind::Whole) => {
            if cs {
                s.text == p.text
            } else {
                s.text.chars().map(fold).eq(p.text.chars().map(fold))
            }
        }
        _ => false,
    }
}

/// The case folding used by case-insensitive non-fuzzy terms: one char to one char, and never
/// a non-ASCII char to an ASCII one, so an ASCII needle can be searched byte by byte.
pub(crate) fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if !l.is_ascii() => l,
        _ => c,
    }
}

fn folded(s: &str) -> Vec<char> {
    s.chars().map(fold).collect()
}

fn cased_contains(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        return hay.contains(needle);
    }
    let (h, n) = (folded(hay), folded(needle));
    n.is_empty() || h.windows(n.len()).any(|w| w == n.as_slice())
}

fn cased_starts_with(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        return hay.starts_with(needle);
    }
    folded(hay).starts_with(&folded(needle))
}

fn cased_ends_with(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        return hay.ends_with(needle);
    }
    folded(hay).ends_with(&folded(needle))
}

/// Why a query could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {position}: {message}")]
pub struct QueryError {
    /// Index, in chars (not bytes) of the input, of the character the problem is at: the
    /// opening quote of an unterminated phrase, the lone operator, or for an empty scope the
    /// position right after its colon, where the missing term belongs.
    pub position: usize,
    pub message: String,
}

impl QueryError {
    fn new(position: usize, message: impl fmt::Display) -> Self {
        QueryError {
            position,
            message: message.to_string(),
        }
    }
}

/// Parses a filter query; blank input gives the empty query.
///
/// Grammar of one term: `[!][scope:][!]body`, where body is `'text` (exact, the rest taken
/// literally, so `'$` finds a dollar sign), `"phrase"` (exact, may hold spaces), or
/// `[^]text[$]` / `[^]"phrase"[$]`. A `foo:` that is not a known scope is part of the text,
/// since URLs and times contain colons; a `"` inside a word is an ordinary character.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(QueryError::new(
            MAX_QUERY_CHARS,
            format!("the query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mut terms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let (term, next) = parse_term(&chars, i)?;
        if term.text.chars().count() > MAX_TERM_CHARS {
            return Err(QueryError::new(
                i,
                format!("a term is longer than {MAX_TERM_CHARS} characters"),
            ));
        }
        terms.push(term);
        i = next;
    }
    Ok(Query { terms })
}

/// The longest query: what the query line holds at most, and what a paste is cut to.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The longest term. Matching costs grow steeply with a term's length (a 3,000-letter word
/// took seconds); no word or phrase a person looks for comes near this.
pub(crate) const MAX_TERM_CHARS: usize = 200;

/// End (exclusive) of the run of non-whitespace chars starting at `from`.
fn word_end(chars: &[char], from: usize) -> usize {
    chars[from..]
        .iter()
        .position(|c| c.is_whitespace())
        .map_or(chars.len(), |n| from + n)
}

fn at_term_end(chars: &[char], i: usize) -> bool {
    chars.get(i).is_none_or(|c| c.is_whitespace())
}

/// Parses the term starting at `start`; returns it and the index just past it.
fn parse_term(chars: &[char], start: usize) -> Result<(Term, usize), QueryError> {
    let mut i = start;
    let mut negated = false;
    let mut bang = None;
    if chars[i] == '!' {
        negated = true;
        bang = Some(i);
        i += 1;
    }

    let mut scope = Scope::Any;
    if chars.get(i).is_some_and(|&c| c != '"') {
        let end = word_end(chars, i);
        if let Some(colon) = chars[i..end].iter().position(|&c| c == ':') {
            let name: String = chars[i..i + colon].iter().collect();
            if let Some(s) = Scope::from_name(&name) {
                scope = s;
                i += colon + 1;
                if at_term_end(chars, i) {
                    return Err(QueryError::new(
                        i,
                        format!("`{name}:` needs a term after the colon"),
                    ));
                }
                if chars[i] == '!' {
                    if negated {
                        return Err(QueryError::new(i, "a term can be negated only once"));
                    }
                    negated = true;
                    bang = Some(i);
                    i += 1;
                }
            }
        }
    }
    if let Some(b) = bang
        && at_term_end(chars, i)
    {
        return Err(QueryError::new(b, "`!` needs a term after it"));
    }

    let (kind, text, next) = parse_body(chars, i)?;
    // fzf's rule: a negated fuzzy term excludes cards containing the text.
    let kind = if negated && kind == Kind::Fuzzy {
        Kind::Exact
    } else {
        kind
    };
    Ok((
        Term {
            negated,
            scope,
            kind,
            text,
        },
        next,
    ))
}

/// Parses the operators and text of a term from `i`, which is not at the term's end.
fn parse_body(chars: &[char], mut i: usize) -> Result<(Kind, String, usize), QueryError> {
    if chars[i] == '\'' {
        let quote = i;
        i += 1;
        if chars.get(i) == Some(&'"') {
            let (text, next) = parse_quoted(chars, i)?;
            return Ok((Kind::Exact, text, next));
        }
        let end = word_end(chars, i);
        if end == i {
            return Err(QueryError::new(quote, "`'` needs text after it"));
        }
        return Ok((Kind::Exact, chars[i..end].iter().collect(), end));
    }

    let mut prefix = None;
    if chars[i] == '^' {
        prefix = Some(i);
        i += 1;
        if at_term_end(chars, i) {
            return Err(QueryError::new(i - 1, "`^` needs text after it"));
        }
    }

    if chars[i] == '"' {
        let (text, mut next) = parse_quoted(chars, i)?;
        let mut suffix = false;
        if chars.get(next) == Some(&'$') {
            suffix = true;
            next += 1;
        }
        if !at_term_end(chars, next) {
            return Err(QueryError::new(
                next,
                "expected a space after the closing quote",
            ));
        }
        let kind = match (prefix.is_some(), suffix) {
            (true, true) => Kind::Whole,
            (true, false) => Kind::Prefix,
            (false, true) => Kind::Suffix,
            (false, false) => Kind::Exact,
        };
        return Ok((kind, text, next));
    }

    let end = word_end(chars, i);
    let mut text_end = end;
    let suffix = chars[end - 1] == '$';
    if suffix {
        text_end -= 1;
        if text_end == i {
            return Err(match prefix {
                Some(p) => QueryError::new(p, "`^$` needs text between `^` and `$`"),
                None => QueryError::new(end - 1, "`$` needs text before it"),
            });
        }
    }
    let kind = match (prefix.is_some(), suffix) {
        (true, true) => Kind::Whole,
        (true, false) => Kind::Prefix,
        (false, true) => Kind::Suffix,
        (false, false) => Kind::Fuzzy,
    };
    Ok((kind, chars[i..text_end].iter().collect(), end))
}

/// Parses `"..."` with the opening quote at `open`; returns the text and the index past the
/// closing quote.
fn parse_quoted(chars: &[char], open: usize) -> Result<(String, usize), QueryError> {
    let close = chars[open + 1..]
        .iter()
        .position(|&c| c == '"')
        .map(|n| open + 1 + n)
        .ok_or_else(|| QueryError::new(open, "unterminated quote"))?;
    if close == open + 1 {
        return Err(QueryError::new(open, "empty quotes"));
    }
    Ok((chars[open + 1..close].iter().collect(), close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlong_queries_and_terms_are_errors_not_work() {
        let word = "a".repeat(3000);
        let err = parse(&word).err().map(|e| e.position);
        assert_eq!(err, Some(MAX_QUERY_CHARS));
        let term = format!("ok {}", "b".repeat(MAX_TERM_CHARS + 1));
        let err = parse(&term).err().map(|e| (e.position, e.message));
        assert_eq!(
            err,
            Some((
                3,
                format!("a term is longer than {MAX_TERM_CHARS} characters")
            ))
        );
        assert!(parse(&"c".repeat(MAX_TERM_CHARS)).is_ok());
    }
    use proptest::prelude::*;

    fn term(negated: bool, scope: Scope, kind: Kind, text: &str) -> Term {
        Term {
            negated,
            scope,
            kind,
            text: text.to_string(),
        }
    }

    fn one(input: &str) -> Term {
        match parse(input) {
            Ok(q) if q.terms.len() == 1 => q.terms[0].clone(),
            other => panic!("{input:?} parsed to {other:?}, wanted one term"),
        }
    }

    fn err(input: &str) -> (usize, String) {
        match parse(input) {
            Err(e) => (e.position, e.message),
            Ok(q) => panic!("{input:?} parsed to {q:?}, wanted an error"),
        }
    }

    fn q(input: &str) -> Query {
        match parse(input) {
            Ok(q) => q,
            Err(e) => panic!("{input:?}: {e}"),
        }
    }

    #[test]
    fn blank_input_is_the_empty_query() {
        assert!(q("").is_empty());
        assert!(q("  \t ").is_empty());
        assert!(!q("a").is_empty());
    }

    #[test]
    fn plain_words_are_fuzzy_terms_that_all_must_match() {
        let query = q("  lupus   trial ");
        assert_eq!(
            query.terms(),
            &[
                term(false, Scope::Any, Kind::Fuzzy, "lupus"),
                term(false, Scope::Any, Kind::Fuzzy, "trial"),
            ]
        );
    }

    #[test]
    fn fzf_operators() {
        assert_eq!(one("'exact"), term(false, Scope::Any, Kind::Exact, "exact"));
        assert_eq!(one("^pre"), term(false, Scope::Any, Kind::Prefix, "pre"));
        assert_eq!(one("suf$"), term(false, Scope::Any, Kind::Suffix, "suf"));
        assert_eq!(
            one("^whole$"),
            term(false, Scope::Any, Kind::Whole, "whole")
        );
        // A negated fuzzy term is a negated substring, as in fzf.
        assert_eq!(one("!neg"), term(true, Scope::Any, Kind::Exact, "neg"));
        assert_eq!(one("!^foo"), term(true, Scope::Any, Kind::Prefix, "foo"));
        assert_eq!(one("!'bar"), term(true, Scope::Any, Kind::Exact, "bar"));
        assert_eq!(one("!bar$"), term(true, Scope::Any, Kind::Suffix, "bar"));
        assert_eq!(one("!^bar$"), term(true, Scope::Any, Kind::Whole, "bar"));
    }

    #[test]
    fn exact_takes_the_rest_literally() {
        assert_eq!(one("'$"), term(false, Scope::Any, Kind::Exact, "$"));
        assert_eq!(one("'^a$"), term(false, Scope::Any, Kind::Exact, "^a$"));
        assert_eq!(
            one("'title:x"),
            term(false, Scope::Any, Kind::Exact, "title:x")
        );
    }

    #[test]
    fn scopes_apply_to_one_term() {
        let query = q("title:^Apple provider:bbc topic:AI category:news x");
        assert_eq!(
            query.terms(),
            &[
                term(false, Scope::Title, Kind::Prefix, "Apple"),
                term(false, Scope::Provider, Kind::Fuzzy, "bbc"),
                term(false, Scope::Topic, Kind::Fuzzy, "AI"),
                term(false, Scope::Category, Kind::Fuzzy, "news"),
                term(false, Scope::Any, Kind::Fuzzy, "x"),
            ]
        );
        assert_eq!(one("Title:x"), term(false, Scope::Title, Kind::Fuzzy, "x"));
        assert_eq!(
            one("title::x"),
            term(false, Scope::Title, Kind::Fuzzy, ":x")
        );
    }

    #[test]
    fn negation_goes_before_or_after_the_scope() {
        let want = term(true, Scope::Provider, Kind::Exact, "bbc");
        assert_eq!(one("!provider:bbc"), want);
        assert_eq!(one("provider:!bbc"), want);
        assert_eq!(
            one("topic:!^AI$"),
            term(true, Scope::Topic, Kind::Whole, "AI")
        );
    }

    #[test]
    fn unknown_scopes_are_plain_text() {
        assert_eq!(
            one("foo:bar"),
            term(false, Scope::Any, Kind::Fuzzy, "foo:bar")
        );
        assert_eq!(
            one("https://bbc.co.uk"),
            term(false, Scope::Any, Kind::Fuzzy, "https://bbc.co.uk")
        );
        assert_eq!(one("12:30"), term(false, Scope::Any, Kind::Fuzzy, "12:30"));
        assert_eq!(
            one("!foo:bar"),
            term(true, Scope::Any, Kind::Exact, "foo:bar")
        );
        assert_eq!(one("foo:"), term(false, Scope::Any, Kind::Fuzzy, "foo:"));
    }

    #[test]
    fn quotes_make_one_exact_term() {
        let query = q(r#"a "two words" b"#);
        assert_eq!(
            query.terms(),
            &[
                term(false, Scope::Any, Kind::Fuzzy, "a"),
                term(false, Scope::Any, Kind::Exact, "two words"),
                term(false, Scope::Any, Kind::Fuzzy, "b"),
            ]
        );
        assert_eq!(
            one(r#"title:^"Apple and"$"#),
            term(false, Scope::Title, Kind::Whole, "Apple and")
        );
        assert_eq!(one(r#"!"a b""#), term(true, Scope::Any, Kind::Exact, "a b"));
        assert_eq!(
            one(r#"'"a b""#),
            term(false, Scope::Any, Kind::Exact, "a b")
        );
        assert_eq!(
            one(r#""a:b c""#),
            term(false, Scope::Any, Kind::Exact, "a:b c")
        );
        // Inside a word a quote is just a character (5" screens).
        assert_eq!(one(r#"5""#), term(false, Scope::Any, Kind::Fuzzy, r#"5""#));
    }

    #[test]
    fn errors_say_why_and_where_in_chars() {
        assert_eq!(err(r#"lupus "trial"#), (6, "unterminated quote".into()));
        // Positions count chars, not bytes.
        assert_eq!(err(r#"ééé "x"#).0, 4);
        assert_eq!(err(r#"a """#), (2, "empty quotes".into()));
        assert_eq!(
            err("a title:"),
            (8, "`title:` needs a term after the colon".into())
        );
        assert_eq!(
            err("provider: bbc"),
            (9, "`provider:` needs a term after the colon".into())
        );
        assert_eq!(err("a ! b"), (2, "`!` needs a term after it".into()));
        assert_eq!(err("!"), (0, "`!` needs a term after it".into()));
        assert_eq!(err("title:!"), (6, "`!` needs a term after it".into()));
        assert_eq!(err("x ^"), (2, "`^` needs text after it".into()));
        assert_eq!(err("!^"), (1, "`^` needs text after it".into()));
        assert_eq!(err("'"), (0, "`'` needs text after it".into()));
        assert_eq!(err("!'"), (1, "`'` needs text after it".into()));
        assert_eq!(err("ab $"), (3, "`$` needs text before it".into()));
        assert_eq!(err("^$"), (0, "`^$` needs text between `^` and `$`".into()));
        assert_eq!(
            err("!title:!x"),
            (7, "a term can be negated only once".into())
        );
        assert_eq!(
            err(r#""a"b"#),
            (3, "expected a space after the closing quote".into())
        );
    }

    #[test]
    fn error_display_names_the_position() {
        let e = QueryError::new(7, "unterminated quote");
        assert_eq!(e.to_string(), "at 7: unterminated quote");
    }

    #[test]
    fn narrows_when_typing_further() {
        let n = |now: &str, before: &str| q(now).narrows(&q(before));
        assert!(n("lup", "lu"));
        assert!(n("a b", "a"));
        assert!(n("b a", "a"));
        assert!(n("lu", "lu"));
        assert!(n("anything", ""));
        assert!(n("'lupus", "'upu"));
        assert!(n("'Lupus", "'upu"));
        assert!(n("^lupus", "^lu"));
        assert!(n("xlupus$", "lupus$"));
        assert!(n("^lu$", "^lu"));
        assert!(n("^lu$", "lu$"));
        assert!(n("^lupus", "'pus"));
        assert!(n("title:lup", "lu"));
        assert!(n("topic:lup", "lu"));
        assert!(n("!bbc lup", "!bbc lu"));
        assert!(n("provider:bbc", "provider:bb"));
        assert!(n("^LU$", "^LU$"));
        assert!(n("^Lu$", "^lu$"));
    }

    #[test]
    fn does_not_narrow_when_more_can_match() {
        let n = |now: &str, before: &str| q(now).narrows(&q(before));
        assert!(!n("lu", "lup"));
        assert!(!n("a", "a b"));
        assert!(!n("", "a"));
        assert!(!n("!lup", "!lu"));
        assert!(!n("lup$", "lu$"));
        assert!(!n("^xlu", "^lu"));
        assert!(!n("lpu", "lu"));
        assert!(!n("xlu", "lu"));
        assert!(!n("lup", "'lu"));
        assert!(!n("'lup", "lu"));
        assert!(!n("lUp", "lu"));
        assert!(!n("'lupus", "'Upu"));
        assert!(!n("^lu$", "^LU$"));
        assert!(!n("provider:lup", "lu"));
        assert!(!n("category:lup", "lu"));
        assert!(!n("lup", "title:lu"));
        assert!(!n("!title:lu", "!lu"));
    }

    #[test]
    fn fold_keeps_ascii_and_non_ascii_apart() {
        assert_eq!(fold('A'), 'a');
        assert_eq!(fold('É'), 'é');
        // The Kelvin sign lowercases to ASCII 'k'; folding must not, or byte search breaks.
        assert_eq!(fold('\u{212A}'), '\u{212A}');
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            if let Err(e) = parse(&input) {
                prop_assert!(e.position <= input.chars().count());
            }
        }

        #[test]
        fn parse_never_panics_on_operator_soup(input in "[!^$'\": a-cT\\t]{0,12}(title|topic|provider|category)?[!^$'\": a-c]{0,6}") {
            if let Err(e) = parse(&input) {
                prop_assert!(e.position <= input.chars().count());
            }
        }

        #[test]
        fn parsed_terms_are_never_empty(input in "[!^$'\" a-c:]{0,16}") {
            if let Ok(query) = parse(&input) {
                prop_assert!(query.terms().iter().all(|t| !t.text.is_empty()));
            }
        }
    }
}
