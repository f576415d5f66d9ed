//! The parser: the text a person typed in, a [`Query`] out, or an error that says at which
//! column (in characters, counting from 1) the query went wrong and what to write instead.
//!
//! A query is read term by term. A term runs to the next space or `|` (a quoted phrase may hold
//! either); `|` outside quotes joins the terms on its two sides into one group, with or without
//! spaces around it. Anything a person could mean two ways is an error rather than a guess: an
//! unknown `word:` may be a mistyped scope, so text with a colon has to be quoted.

use super::dates::{self, DateWord};
use super::{
    Clock, Comparison, Group, MarkTest, Measure, NumberTest, Query, Scope, Term, TermKind,
};
use crate::search::words::words;

/// The longest query: what the query line holds at most, and what a paste is cut to.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The longest term, operators and quotes included. Matching costs grow steeply with a term's
/// length; no word or phrase a person looks for comes near this.
pub const MAX_TERM_CHARS: usize = 200;

/// Why a query could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at column {column}: {message}")]
pub struct QueryError {
    /// The character the problem is at, counting characters (not bytes) from 1. It may be one
    /// past the last character, where something is missing (`title:` at the end).
    pub column: usize,
    pub message: String,
}

/// The names that may stand before a colon, for error messages.
const SCOPE_NAMES: &str =
    "title, excerpt, provider, domain, topic, category, since, until, date, quality, heat, is";

/// The error for a `|` at the start or the end of a query.
const BAR_ALONE: &str = "`|` needs a term on each side, as in `climate | energy`";

/// Parses a query; blank input gives the empty query, which matches every card.
pub fn parse(input: &str, clock: &Clock) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(QueryError::at(
            MAX_QUERY_CHARS,
            format!("the query is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    Parser {
        chars: &chars,
        clock,
    }
    .query()
}

impl QueryError {
    /// An error at the character with 0-based index `index`.
    fn at(index: usize, message: impl Into<String>) -> Self {
        QueryError {
            column: index + 1,
            message: message.into(),
        }
    }
}

type Parsed<T> = Result<T, QueryError>;

struct Parser<'a> {
    chars: &'a [char],
    clock: &'a Clock,
}

impl Parser<'_> {
    fn query(&self) -> Parsed<Query> {
        let mut groups: Vec<Group> = Vec::new();
        // Where the `|` waiting for its right-hand term is.
        let mut pipe: Option<usize> = None;
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '|' {
                if pipe.is_some() {
                    return Err(QueryError::at(i, "`|` twice: write one `|` between terms"));
                }
                if groups.is_empty() {
                    return Err(QueryError::at(i, BAR_ALONE));
                }
                pipe = Some(i);
                i += 1;
            } else {
                let (term, next) = self.term(i)?;
                match (pipe.take(), groups.last_mut()) {
                    (Some(_), Some(group)) => group.alternatives.push(term),
                    _ => groups.push(Group {
                        alternatives: vec![term],
                    }),
                }
                i = next;
            }
        }
        if let Some(at) = pipe {
            return Err(QueryError::at(at, BAR_ALONE));
        }
        Ok(Query { groups })
    }

    /// Whether index `i` is past the term being read: the end, a space or a `|`.
    fn at_end(&self, i: usize) -> bool {
        self.chars
            .get(i)
            .is_none_or(|&c| c.is_whitespace() || c == '|')
    }

    /// The index past the unquoted text starting at `from`.
    fn text_end(&self, from: usize) -> usize {
        (from..self.chars.len())
            .find(|&i| self.at_end(i))
            .unwrap_or(self.chars.len())
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }

    /// Reads the term starting at `start`; returns it and the index past it.
    fn term(&self, start: usize) -> Parsed<(Term, usize)> {
        let mut i = start;
        let negated = self.chars[i] == '!';
        if negated {
            i += 1;
            if self.at_end(i) {
                return Err(QueryError::at(
                    start,
                    "`!` needs a term after it, as in `!sport`",
                ));
            }
            if self.chars[i] == '!' {
                return Err(QueryError::at(i, "a term is negated with one `!`"));
            }
        }
        let (kind, next) = match self.scope_name(i) {
            Some(colon) => self.scoped(i, colon)?,
            None => self.body(Scope::Any, i)?,
        };
        if next - start > MAX_TERM_CHARS {
            return Err(QueryError::at(
                start + MAX_TERM_CHARS,
                format!("a term is longer than {MAX_TERM_CHARS} characters"),
            ));
        }
        let term = Term {
            negated,
            kind,
            column: start + 1,
        };
        Ok((term, next))
    }

    /// If a run of letters and a colon start at `i`, the colon's index.
    fn scope_name(&self, i: usize) -> Option<usize> {
        let colon = (i..self.chars.len()).find(|&j| !self.chars[j].is_alphabetic())?;
        (colon > i && self.chars[colon] == ':').then_some(colon)
    }

    /// Reads `name:value`, with the name at `name_at` and the colon at `colon`.
    fn scoped(&self, name_at: usize, colon: usize) -> Parsed<(TermKind, usize)> {
        let name = self.text(name_at, colon);
        let value_at = colon + 1;
        let lower = name.to_lowercase();
        let scope = match lower.as_str() {
            "title" => Scope::Title,
            "excerpt" => Scope::Excerpt,
            "provider" => Scope::Provider,
            "domain" => Scope::Domain,
            "topic" => Scope::Topic,
            "category" => Scope::Category,
            "since" => return self.date(DateWord::Since, &name, value_at),
            "until" => return self.date(DateWord::Until, &name, value_at),
            "date" => return self.date(DateWord::Date, &name, value_at),
            "quality" => return self.number(Measure::Quality, &name, value_at),
            "heat" => return self.number(Measure::Heat, &name, value_at),
            "is" => return self.is(&name, value_at),
            _ => {
                let whole = self.text(name_at, self.text_end(name_at));
                let quote_it = format!(
                    "to search for `{whole}` itself, quote it: `'{whole}` or `\"{whole}\"`"
                );
                let message = if self.chars[value_at..].starts_with(&['/', '/']) {
                    format!("a colon reads as a scope; {quote_it}")
                } else {
                    format!("unknown scope `{name}`; scopes are {SCOPE_NAMES} ({quote_it})")
                };
                return Err(QueryError::at(name_at, message));
            }
        };
        if self.at_end(value_at) {
            return Err(QueryError::at(
                value_at,
                format!(
                    "`{name}:` needs something to look for after the colon, as in `{lower}:climate`"
                ),
            ));
        }
        match self.chars[value_at] {
            '!' => Err(QueryError::at(
                value_at,
                format!("to leave out what matches, put `!` before the scope: `!{name}:...`"),
            )),
            '~' => Err(QueryError::at(
                name_at,
                "`~` looks in titles only and takes no scope: write `~...` alone",
            )),
            _ => self.body(scope, value_at),
        }
    }

    /// Reads what a word scope looks for, starting at `i` (not at the term's end).
    fn body(&self, scope: Scope, i: usize) -> Parsed<(TermKind, usize)> {
        match self.chars[i] {
            '"' => {
                let (text, next) = self.quoted(i)?;
                if self.chars.get(next) == Some(&'$') {
                    let next = self.closed(next + 1)?;
                    return Ok((TermKind::End { scope, text }, next));
                }
                let next = self.closed(next)?;
                let words: Vec<String> = words(&text).map(|w| w.folded).collect();
                if words.is_empty() {
                    return Err(nothing_in(i, &self.text(i, next)));
                }
                let kind = TermKind::Words {
                    scope,
                    words,
                    last_is_prefix: false,
                };
                Ok((kind, next))
            }
            '\'' => {
                let from = i + 1;
                if self.at_end(from) {
                    return Err(QueryError::at(
                        i,
                        "`'` needs text after it, as in `'covid-19`",
                    ));
                }
                // The rest is taken as typed, so `'$` looks for a dollar sign.
                let (text, next) = if self.chars[from] == '"' {
                    let (text, next) = self.quoted(from)?;
                    (text, self.closed(next)?)
                } else {
                    let end = self.text_end(from);
                    (self.text(from, end), end)
                };
                Ok((TermKind::Exact { scope, text }, next))
            }
            '^' => {
                let from = i + 1;
                if self.at_end(from) {
                    return Err(QueryError::at(
                        i,
                        "`^` needs text after it, as in `^breaking`",
                    ));
                }
                let (text, whole, next) = if self.chars[from] == '"' {
                    let (text, next) = self.quoted(from)?;
                    let whole = self.chars.get(next) == Some(&'$');
                    (text, whole, self.closed(next + usize::from(whole))?)
                } else {
                    let end = self.text_end(from);
                    let whole = self.chars[end - 1] == '$';
                    if whole && end - 1 == from {
                        return Err(QueryError::at(
                            i,
                            "`^$` needs text between `^` and `$`, as in `^breaking$`",
                        ));
                    }
                    (self.text(from, end - usize::from(whole)), whole, end)
                };
                let kind = if whole {
                    TermKind::Whole { scope, text }
                } else {
                    TermKind::Start { scope, text }
                };
                Ok((kind, next))
            }
            '~' => {
                let from = i + 1;
                if self.at_end(from) {
                    return Err(QueryError::at(
                        i,
                        "`~` needs letters after it, as in `~clmt`",
                    ));
                }
                let end = self.text_end(from);
                let text = self.text(from, end);
                Ok((TermKind::Scattered { text }, end))
            }
            _ => {
                let end = self.text_end(i);
                if self.chars[end - 1] == '$' {
                    if end - 1 == i {
                        return Err(QueryError::at(i, "`$` needs text before it, as in `2024$`"));
                    }
                    let text = self.text(i, end - 1);
                    return Ok((TermKind::End { scope, text }, end));
                }
                let text = self.text(i, end);
                if let Some(colon) = (i..end).find(|&j| self.chars[j] == ':') {
                    return Err(QueryError::at(
                        colon,
                        format!(
                            "a colon reads as a scope; to search for `{text}`, quote it: \
                             `'{text}` or `\"{text}\"`"
                        ),
                    ));
                }
                let words: Vec<String> = words(&text).map(|w| w.folded).collect();
                if words.is_empty() {
                    return Err(nothing_in(i, &text));
                }
                let kind = TermKind::Words {
                    scope,
                    words,
                    last_is_prefix: true,
                };
                Ok((kind, end))
            }
        }
    }

    /// Reads `"..."` with the opening quote at `open`; returns the text between the quotes and
    /// the index past the closing one.
    fn quoted(&self, open: usize) -> Parsed<(String, usize)> {
        let close = (open + 1..self.chars.len())
            .find(|&i| self.chars[i] == '"')
            .ok_or_else(|| {
                QueryError::at(
                    open,
                    "this quote is never closed: add a `\"` after the text",
                )
            })?;
        if close == open + 1 {
            return Err(QueryError::at(
                open,
                "nothing to search for between the quotes",
            ));
        }
        Ok((self.text(open + 1, close), close + 1))
    }

    /// Checks that the term ends at `i`, just after a closing quote (or its `$`).
    fn closed(&self, i: usize) -> Parsed<usize> {
        if self.at_end(i) {
            Ok(i)
        } else {
            Err(QueryError::at(
                i,
                "a closing quote ends the term: put a space after it",
            ))
        }
    }

    /// Reads the value of `since:`, `until:` or `date:` at `value_at`.
    fn date(&self, word: DateWord, name: &str, value_at: usize) -> Parsed<(TermKind, usize)> {
        let end = self.text_end(value_at);
        if end == value_at {
            return Err(QueryError::at(
                value_at,
                format!(
                    "`{name}:` needs a date after the colon, as in `{name}:7d` or `{name}:2024-03`"
                ),
            ));
        }
        let value = self.text(value_at, end);
        let (from, until) = dates::window(word, &value, self.clock)
            .map_err(|message| QueryError::at(value_at, message))?;
        Ok((TermKind::Date { from, until }, end))
    }

    /// Reads the value of `is:` at `value_at`.
    fn is(&self, name: &str, value_at: usize) -> Parsed<(TermKind, usize)> {
        let end = self.text_end(value_at);
        let value = self.text(value_at, end).to_lowercase();
        let test = [
            MarkTest::Unread,
            MarkTest::Read,
            MarkTest::Starred,
            MarkTest::New,
        ]
        .into_iter()
        .find(|t| t.name() == value)
        .ok_or_else(|| {
            QueryError::at(
                value_at,
                format!("`{name}:` takes unread, read, starred or new, as in `{name}:unread`"),
            )
        })?;
        Ok((TermKind::Is(test), end))
    }

    /// Reads the value of `quality:` or `heat:` at `value_at`.
    fn number(&self, measure: Measure, name: &str, value_at: usize) -> Parsed<(TermKind, usize)> {
        let end = self.text_end(value_at);
        let value = self.text(value_at, end);
        let malformed = || {
            QueryError::at(
                value_at,
                format!(
                    "`{name}:` takes a number, a comparison and a number, or `unknown`: \
                     `{name}:50`, `{name}:>50`, `{name}:>=50`, `{name}:<50`, `{name}:<=50`, \
                     `{name}:unknown`"
                ),
            )
        };
        if value.eq_ignore_ascii_case("unknown") {
            return Ok((
                TermKind::Number {
                    measure,
                    test: NumberTest::Unknown,
                },
                end,
            ));
        }
        let (comparison, digits) = [
            (">=", Comparison::AtLeast),
            ("<=", Comparison::AtMost),
            (">", Comparison::Greater),
            ("<", Comparison::Less),
            ("=", Comparison::Equal),
        ]
        .into_iter()
        .find_map(|(op, comparison)| Some((comparison, value.strip_prefix(op)?)))
        .unwrap_or((Comparison::Equal, value.as_str()));
        let unsigned = digits.strip_prefix('-').unwrap_or(digits);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let number = digits
            .parse::<i64>()
            .map_err(|_| QueryError::at(value_at, format!("`{digits}` is too large a number")))?;
        let test = NumberTest::Compare(comparison, number);
        Ok((TermKind::Number { measure, test }, end))
    }
}

/// The error for a term whose text holds no word, which would otherwise match everything.
fn nothing_in(index: usize, text: &str) -> QueryError {
    QueryError::at(
        index,
        format!(
            "nothing to search for in `{text}`: it holds no letters or digits \
             (to look for the characters themselves, write `'{text}`)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::tz::TimeZone;

    fn clock() -> Clock {
        Clock {
            now: "2024-06-15T12:00:00Z".parse().expect("a valid timestamp"),
            zone: TimeZone::UTC,
        }
    }

    fn ok(input: &str) -> Query {
        parse(input, &clock()).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// The kinds of a query's terms, group by group.
    fn kinds(input: &str) -> Vec<Vec<(bool, TermKind)>> {
        ok(input)
            .groups
            .into_iter()
            .map(|g| {
                g.alternatives
                    .into_iter()
                    .map(|t| (t.negated, t.kind))
                    .collect()
            })
            .collect()
    }

    /// The only term of a one-term query.
    fn one(input: &str) -> TermKind {
        let mut groups = kinds(input);
        assert_eq!(groups.len(), 1, "{input:?}");
        let (negated, kind) = groups.remove(0).remove(0);
        assert!(!negated, "{input:?}");
        kind
    }

    fn err(input: &str) -> QueryError {
        match parse(input, &clock()) {
            Ok(query) => panic!("{input:?} parsed as {query:?}"),
            Err(e) => e,
        }
    }

    /// The column of the error `input` gives, checking its message mentions `needle`.
    fn err_at(input: &str, needle: &str) -> usize {
        let e = err(input);
        assert!(
            e.message.contains(needle),
            "{input:?}: {e} (expected it to mention {needle:?})"
        );
        e.column
    }

    fn words(scope: Scope, words: &[&str], last_is_prefix: bool) -> TermKind {
        TermKind::Words {
            scope,
            words: words.iter().map(|w| w.to_string()).collect(),
            last_is_prefix,
        }
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().expect("a valid timestamp")
    }

    #[test]
    fn blank_queries_are_empty() {
        assert!(ok("").is_empty());
        assert!(ok("  \t ").is_empty());
    }

    #[test]
    fn is_terms_test_reading_state_and_negate_and_combine() {
        assert_eq!(one("is:unread"), TermKind::Is(MarkTest::Unread));
        assert_eq!(one("IS:Starred"), TermKind::Is(MarkTest::Starred));
        assert_eq!(
            kinds("!is:read is:new | is:starred"),
            [
                vec![(true, TermKind::Is(MarkTest::Read))],
                vec![
                    (false, TermKind::Is(MarkTest::New)),
                    (false, TermKind::Is(MarkTest::Starred)),
                ],
            ]
        );
        assert_eq!(err_at("is:old", "unread, read, starred or new"), 4);
        assert_eq!(ok("vacc !is:read").mark_term().map(|t| t.column), Some(6));
        assert_eq!(ok("vacc").mark_term(), None);
    }

    #[test]
    fn plain_terms_are_folded_prefix_words() {
        assert_eq!(one("vacc"), words(Scope::Any, &["vacc"], true));
        assert_eq!(one("Über"), words(Scope::Any, &["uber"], true));
        assert_eq!(one("covid-19"), words(Scope::Any, &["covid", "19"], true));
        assert_eq!(one("東京"), words(Scope::Any, &["東", "京"], true));
        assert_eq!(one("a\"b"), words(Scope::Any, &["a", "b"], true));
        let q = ok("  mars  rover ");
        assert_eq!(q.groups.len(), 2);
        let columns: Vec<usize> = q.terms().map(|t| t.column).collect();
        assert_eq!(columns, [3, 9]);
    }

    #[test]
    fn quoted_phrases_are_whole_words() {
        assert_eq!(
            one("\"Climate Deal\""),
            words(Scope::Any, &["climate", "deal"], false)
        );
        assert_eq!(
            one("title:\"a  b | c\""),
            words(Scope::Title, &["a", "b", "c"], false)
        );
    }

    #[test]
    fn operators_keep_their_text_as_typed() {
        let text = |t: &str| t.to_string();
        let any = Scope::Any;
        assert_eq!(
            one("'Covid-19"),
            TermKind::Exact {
                scope: any,
                text: text("Covid-19")
            }
        );
        assert_eq!(
            one("'$"),
            TermKind::Exact {
                scope: any,
                text: text("$")
            }
        );
        assert_eq!(
            one("'10:30"),
            TermKind::Exact {
                scope: any,
                text: text("10:30")
            }
        );
        assert_eq!(
            one("'\"a b\""),
            TermKind::Exact {
                scope: any,
                text: text("a b")
            }
        );
        assert_eq!(
            one("^Breaking"),
            TermKind::Start {
                scope: any,
                text: text("Breaking")
            }
        );
        assert_eq!(
            one("2024$"),
            TermKind::End {
                scope: any,
                text: text("2024")
            }
        );
        assert_eq!(
            one("^Whole$"),
            TermKind::Whole {
                scope: any,
                text: text("Whole")
            }
        );
        assert_eq!(
            one("^\"The Guardian\""),
            TermKind::Start {
                scope: any,
                text: text("The Guardian")
            }
        );
        assert_eq!(
            one("\"a b\"$"),
            TermKind::End {
                scope: any,
                text: text("a b")
            }
        );
        assert_eq!(
            one("^\"a b\"$"),
            TermKind::Whole {
                scope: any,
                text: text("a b")
            }
        );
        assert_eq!(
            one("^$$"),
            TermKind::Whole {
                scope: any,
                text: text("$")
            }
        );
        assert_eq!(one("~clmt"), TermKind::Scattered { text: text("clmt") });
        assert_eq!(one("~a:b$"), TermKind::Scattered { text: text("a:b$") });
    }

    #[test]
    fn scopes_go_before_any_word_form_and_ignore_case() {
        let text = |t: &str| t.to_string();
        assert_eq!(one("title:mars"), words(Scope::Title, &["mars"], true));
        assert_eq!(one("TITLE:mars"), words(Scope::Title, &["mars"], true));
        assert_eq!(
            one("Excerpt:rover"),
            words(Scope::Excerpt, &["rover"], true)
        );
        assert_eq!(one("provider:bbc"), words(Scope::Provider, &["bbc"], true));
        assert_eq!(
            one("domain:bbc.co.uk"),
            words(Scope::Domain, &["bbc.co.uk"], true)
        );
        assert_eq!(one("topic:space"), words(Scope::Topic, &["space"], true));
        assert_eq!(
            one("category:science"),
            words(Scope::Category, &["science"], true)
        );
        assert_eq!(
            one("topic:'ai"),
            TermKind::Exact {
                scope: Scope::Topic,
                text: text("ai")
            }
        );
        assert_eq!(
            one("title:^Mars"),
            TermKind::Start {
                scope: Scope::Title,
                text: text("Mars")
            }
        );
        assert_eq!(
            one("title:Mars$"),
            TermKind::End {
                scope: Scope::Title,
                text: text("Mars")
            }
        );
        assert_eq!(
            one("title:^Mars$"),
            TermKind::Whole {
                scope: Scope::Title,
                text: text("Mars")
            }
        );
        assert_eq!(
            one("provider:'https://x.y"),
            TermKind::Exact {
                scope: Scope::Provider,
                text: text("https://x.y")
            }
        );
    }

    #[test]
    fn a_leading_bang_negates_any_term() {
        let negated = |input: &str| {
            let groups = kinds(input);
            assert_eq!(groups.len(), 1);
            assert!(groups[0][0].0, "{input}");
        };
        for input in [
            "!sport",
            "!provider:bbc",
            "!'x",
            "!\"a b\"",
            "!since:7d",
            "!~abc",
            "!^a$",
            "!quality:<10",
            "!date:2024",
        ] {
            negated(input);
        }
        assert_eq!(err_at("!", "`!`"), 1);
        assert_eq!(err_at("a ! b", "`!`"), 3);
        assert_eq!(err_at("!|a", "`!`"), 1);
        assert_eq!(err_at("!!a", "one `!`"), 2);
        assert_eq!(err_at("provider:!bbc", "!provider:"), 10);
    }

    #[test]
    fn bars_join_neighbours_into_alternatives() {
        let q = ok("mars | !title:venus rover|'x|since:7d");
        let sizes: Vec<usize> = q.groups.iter().map(|g| g.alternatives.len()).collect();
        assert_eq!(sizes, [2, 3]);
        assert!(q.groups[0].alternatives[1].negated);
        assert_eq!(
            q.groups[1].alternatives[1].kind,
            TermKind::Exact {
                scope: Scope::Any,
                text: "x".into()
            }
        );
        let columns: Vec<usize> = q.terms().map(|t| t.column).collect();
        assert_eq!(columns, [1, 8, 21, 27, 30]);
        assert_eq!(ok("\"a|b\"").groups.len(), 1, "quoted bars are text");
        assert_eq!(err_at("| a", "`|`"), 1);
        assert_eq!(err_at("a |", "`|`"), 3);
        assert_eq!(err_at("a || b", "twice"), 4);
        assert_eq!(err_at("a | | b", "twice"), 5);
        assert_eq!(err_at("|", "`|`"), 1);
    }

    #[test]
    fn lone_operators_and_wordless_terms_are_errors() {
        assert_eq!(err_at("a '", "`'`"), 3);
        assert_eq!(err_at("a ^", "`^`"), 3);
        assert_eq!(err_at("a $", "`$`"), 3);
        assert_eq!(err_at("^$", "`^$`"), 1);
        assert_eq!(err_at("~", "`~`"), 1);
        assert_eq!(err_at("~|a", "`~`"), 1);
        assert_eq!(err_at("ok !!!", "one `!`"), 5);
        assert_eq!(err_at("ok !!", "one `!`"), 5);
        assert_eq!(err_at("!!!", "one `!`"), 2);
        assert_eq!(err_at("...", "nothing to search for in `...`"), 1);
        assert_eq!(err_at("a -", "nothing to search for in `-`"), 3);
        assert_eq!(err_at("!-", "nothing to search for in `-`"), 2);
        assert_eq!(err_at("title:--", "nothing to search for"), 7);
        assert_eq!(err_at("\"- -\"", "nothing to search for"), 1);
        assert_eq!(err_at("\"\"", "between the quotes"), 1);
    }

    #[test]
    fn quotes_must_close_and_end_their_term() {
        assert_eq!(err_at("a \"b c", "never closed"), 3);
        assert_eq!(err_at("'\"b c", "never closed"), 2);
        assert_eq!(err_at("title:\"b", "never closed"), 7);
        assert_eq!(err_at("\"a b\"c", "space after"), 6);
        assert_eq!(err_at("^\"a b\"$c", "space after"), 8);
        assert_eq!(err_at("'\"a b\"$", "space after"), 7);
    }

    #[test]
    fn scopes_need_a_body_and_take_no_tilde() {
        assert_eq!(err_at("title:", "after the colon"), 7);
        assert_eq!(err_at("a title: b", "after the colon"), 9);
        assert_eq!(err_at("topic:|a", "after the colon"), 7);
        assert_eq!(err_at("x title:~abc", "`~`"), 3);
        assert_eq!(err_at("since:", "needs a date"), 7);
        assert_eq!(err_at("quality:", "quality:>50"), 9);
    }

    #[test]
    fn unknown_scopes_and_colons_ask_for_quotes() {
        let e = err("mars foo:bar");
        assert_eq!(e.column, 6);
        assert!(e.message.contains("unknown scope `foo`"), "{e}");
        assert!(e.message.contains(SCOPE_NAMES), "{e}");
        assert!(e.message.contains("'foo:bar"), "{e}");
        assert_eq!(err_at("isnt:read", "unknown scope `isnt`"), 1);
        assert_eq!(err_at("Is:", "takes unread, read, starred or new"), 4);
        assert_eq!(err_at("at 10:30", "'10:30"), 6);
        assert_eq!(err_at("title:10:30", "'10:30"), 9);
        assert_eq!(err_at(":x", "quote it"), 1);
        let e = err("see https://x.y/a");
        assert_eq!(e.column, 5);
        assert!(
            e.message.contains("'https://x.y/a") && e.message.contains("\"https://x.y/a\""),
            "{e}"
        );
        assert!(!e.message.contains("unknown scope"), "{e}");
        // Quoted, the same texts parse.
        ok("'10:30 \"https://x.y\" 'foo:bar");
    }

    #[test]
    fn dates_go_into_half_open_windows() {
        let date = |from: Option<&str>, until: Option<&str>| TermKind::Date {
            from: from.map(ts),
            until: until.map(ts),
        };
        assert_eq!(one("since:7d"), date(Some("2024-06-08T12:00Z"), None));
        assert_eq!(one("SINCE:2024"), date(Some("2024-01-01T00:00Z"), None));
        assert_eq!(one("until:2024-06"), date(None, Some("2024-07-01T00:00Z")));
        assert_eq!(one("until:12h"), date(None, Some("2024-06-15T00:00Z")));
        assert_eq!(
            one("date:2024-02"),
            date(Some("2024-02-01T00:00Z"), Some("2024-03-01T00:00Z"))
        );
        assert_eq!(
            one("date:2024-01..2024-03-10T10:30+02:00"),
            date(Some("2024-01-01T00:00Z"), Some("2024-03-10T08:31Z"))
        );
        assert_eq!(one("date:7d"), one("since:7d"));
    }

    #[test]
    fn malformed_dates_are_errors_at_their_value() {
        for (input, column) in [
            ("since:yesterday", 7),
            ("a date:2024-13", 8),
            ("since:7x", 7),
            ("date:..", 6),
            ("!until:soon", 8),
            ("date:2023-02-29", 6),
            ("since:2024..2025", 7),
        ] {
            let e = err(input);
            assert_eq!(e.column, column, "{input}: {e}");
        }
        assert!(err("since:yesterday").message.contains("2024-03-01T10:30"));
        assert!(err("date:2023-02-29").message.contains("2023-02-29"));
    }

    #[test]
    fn numbers_compare_or_ask_for_unknown() {
        let number = |measure, test| TermKind::Number { measure, test };
        let cmp = |c, n| NumberTest::Compare(c, n);
        use Comparison::*;
        use Measure::*;
        assert_eq!(one("quality:>50"), number(Quality, cmp(Greater, 50)));
        assert_eq!(one("quality:>=50"), number(Quality, cmp(AtLeast, 50)));
        assert_eq!(one("quality:<50"), number(Quality, cmp(Less, 50)));
        assert_eq!(one("quality:<=50"), number(Quality, cmp(AtMost, 50)));
        assert_eq!(one("quality:50"), number(Quality, cmp(Equal, 50)));
        assert_eq!(one("quality:=50"), number(Quality, cmp(Equal, 50)));
        assert_eq!(one("heat:>-1"), number(Heat, cmp(Greater, -1)));
        assert_eq!(one("Heat:Unknown"), number(Heat, NumberTest::Unknown));
        assert_eq!(one("quality:unknown"), number(Quality, NumberTest::Unknown));
        assert_eq!(
            one(&format!("heat:{}", i64::MAX)),
            number(Heat, cmp(Equal, i64::MAX))
        );
        for (input, column) in [
            ("quality:>", 9),
            ("quality:=>5", 9),
            ("quality:+5", 9),
            ("quality:5.5", 9),
            ("x heat:high", 8),
            ("heat:-", 6),
            ("heat:<<3", 6),
        ] {
            assert_eq!(err_at(input, ":>50"), column, "{input}");
        }
        assert_eq!(err_at("quality:99999999999999999999", "too large"), 9);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(err_at("東京 foo:bar", "unknown scope"), 4);
        assert_eq!(err_at("é \"ü", "never closed"), 3);
        assert_eq!(ok("é ü").terms().nth(1).map(|t| t.column), Some(3));
    }

    #[test]
    fn overlong_queries_and_terms_are_errors_where_the_limit_is_passed() {
        let longest = "abc ".repeat(MAX_QUERY_CHARS / 4);
        assert_eq!(ok(&longest).groups.len(), MAX_QUERY_CHARS / 4);
        let e = err(&"é ".repeat(MAX_QUERY_CHARS / 2 + 1));
        assert_eq!(e.column, MAX_QUERY_CHARS + 1);
        assert!(ok(&"a".repeat(MAX_TERM_CHARS)).groups.len() == 1);
        let e = err(&format!("x {}", "a".repeat(MAX_TERM_CHARS + 1)));
        assert_eq!(e.column, 3 + MAX_TERM_CHARS);
        let e = err(&format!("\"{}\"", "a ".repeat(MAX_TERM_CHARS)));
        assert_eq!(e.column, 1 + MAX_TERM_CHARS);
    }

    #[test]
    fn errors_print_their_column() {
        assert_eq!(
            err("a $").to_string(),
            "at column 3: `$` needs text before it, as in `2024$`"
        );
    }
}
