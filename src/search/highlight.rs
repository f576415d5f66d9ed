//! What to light in a matched card's text, so a person sees why the card is there: the same
//! rules as [`super::engine`]'s matching, applied to one text. A plain term lights the start of
//! each word it starts (as much of the word as the term covers); a phrase its words; `'exact`,
//! `^`, `$` the text they found; `~` and the scattered tier the title letters the score counted;
//! for an approximate hit, the words a term matched with typos.

use super::engine::{Tier, phrase_at, places};
use super::index::Place;
use super::needle::{Anchor, Needle};
use super::skim;
use super::syntax::{Comparison, Group, Measure, NumberTest, Query, Scope, Term, TermKind};
use super::typos::Typos;
use super::words::{Word, chars_covering, words};
use crate::corpus::Card;

/// Char indices of `text`, a text of the card's `place`, to light for `query`, for a hit of
/// `tier`; ascending, without repeats.
pub fn lit(query: &Query, place: Place, text: &str, tier: Tier) -> Vec<usize> {
    let mut bytes: Vec<(usize, usize)> = Vec::new();
    let mut chars: Vec<usize> = Vec::new();
    let mut cut: Option<Vec<Word>> = None;
    for term in query.terms().filter(|t| !t.negated) {
        match &term.kind {
            TermKind::Words {
                scope,
                words: terms,
                last_is_prefix,
            } if places(*scope).contains(&place) => {
                let cut = cut.get_or_insert_with(|| words(text).collect());
                let before = bytes.len();
                if let [term] = terms.as_slice() {
                    for word in cut.iter() {
                        let whole = word.folded == *term;
                        if whole || (*last_is_prefix && word.folded.starts_with(term.as_str())) {
                            let written = &text[word.start..word.end];
                            let n = if whole {
                                written.chars().count()
                            } else {
                                chars_covering(written, term.len())
                            };
                            let end = written
                                .char_indices()
                                .nth(n)
                                .map_or(word.end, |(i, _)| word.start + i);
                            bytes.push((word.start, end));
                        }
                    }
                    if bytes.len() == before && tier.is_approximate() && *last_is_prefix {
                        if let Some(typos) = Typos::new(term) {
                            bytes.extend(
                                cut.iter()
                                    .filter(|w| typos.matches(&w.folded))
                                    .map(|w| (w.start, w.end)),
                            );
                        }
                        if bytes.len() == before && tier == Tier::Scattered && place == Place::Title
                        {
                            chars.extend(scattered(term, text));
                        }
                    }
                } else {
                    let folded: Vec<String> = cut.iter().map(|w| w.folded.clone()).collect();
                    if let Some((start, _)) = phrase_at(&folded, terms, *last_is_prefix) {
                        let run = &cut[start..start + terms.len()];
                        if let (Some(first), Some(last)) = (run.first(), run.last()) {
                            bytes.push((first.start, last.end));
                        }
                    }
                }
            }
            TermKind::Exact { scope, text: t } if places(*scope).contains(&place) => {
                bytes.extend(Needle::new(t).locate(Anchor::Anywhere, text));
            }
            TermKind::Start { scope, text: t } if places(*scope).contains(&place) => {
                bytes.extend(Needle::new(t).locate(Anchor::Start, text));
            }
            TermKind::End { scope, text: t } if places(*scope).contains(&place) => {
                bytes.extend(Needle::new(t).locate(Anchor::End, text));
            }
            TermKind::Whole { scope, text: t } if places(*scope).contains(&place) => {
                bytes.extend(Needle::new(t).locate(Anchor::Whole, text));
            }
            TermKind::Scattered { text: t } if place == Place::Title => {
                chars.extend(scattered(t, text));
            }
            _ => {}
        }
    }
    for (start, end) in bytes {
        let first = text[..start].chars().count();
        chars.extend(first..first + text[start..end].chars().count());
    }
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// The chars of `text` the scattered-letter score of `pattern` counted.
fn scattered(pattern: &str, text: &str) -> Vec<usize> {
    let pattern: Vec<char> = pattern.chars().collect();
    skim::indices(&pattern, skim::smart_case(&pattern), text)
        .map(|(_, ixs)| ixs)
        .unwrap_or_default()
}

/// How one term of a query matched one card, for `tidings search --explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The term, written back in the query language.
    pub term: String,
    /// The field it matched in (or, negated, was looked for), where it is a field's.
    pub place: Option<Place>,
    /// How: `word`, `prefix`, `typo`, `scattered letters`, `phrase`, `text`, `holds`, `absent`.
    pub how: &'static str,
    /// The card's word it matched, as written, where there is one.
    pub word: Option<String>,
}

/// For each term of `query`, how it matched `card`, a hit of `tier`, by the rules of the
/// matching: the best field (title, then topics, provider and category, then excerpt, then
/// body), a whole word before a prefix.
pub fn explain(query: &Query, card: &Card, tier: Tier) -> Vec<Explained> {
    query
        .terms()
        .map(|term| {
            let written = describe(term);
            if term.negated {
                return Explained {
                    term: written,
                    place: None,
                    how: "absent",
                    word: None,
                };
            }
            let mut best: Option<(u8, Place, &'static str, Option<String>)> = None;
            let mut consider = |rank: u8, place: Place, how: &'static str, word: Option<String>| {
                if best.as_ref().is_none_or(|b| rank < b.0) {
                    best = Some((rank, place, how, word));
                }
            };
            let hows = ["word", "prefix", "typo", "scattered letters"];
            if let TermKind::Words {
                scope,
                words: terms,
                last_is_prefix,
            } = &term.kind
            {
                for &place in places(*scope).iter() {
                    for text in place.texts(card) {
                        let lit = lit_term(term, place, &text, tier);
                        let Some(&first) = lit.first() else { continue };
                        let cut: Vec<Word> = words(&text).collect();
                        let at: usize = text.char_indices().nth(first).map_or(0, |(b, _)| b);
                        let word = cut.iter().find(|w| w.start <= at && at < w.end);
                        let how = match word {
                            Some(_) if terms.len() > 1 => 1,
                            Some(w) if w.folded == terms[0] => 0,
                            Some(w) if *last_is_prefix && w.folded.starts_with(&terms[0]) => 1,
                            Some(_) => 2,
                            None => 3,
                        };
                        let how_name = if terms.len() > 1 { "phrase" } else { hows[how] };
                        consider(
                            place.rank() * 4 + how as u8,
                            place,
                            how_name,
                            word.map(|w| text[w.start..w.end].to_string()),
                        );
                    }
                }
            } else {
                for &place in &Place::ALL {
                    for text in place.texts(card) {
                        if !lit_term(term, place, &text, tier).is_empty() {
                            consider(place.rank() * 4, place, "text", None);
                        }
                    }
                }
            }
            match best {
                Some((_, place, how, word)) => Explained {
                    term: written,
                    place: Some(place),
                    how,
                    word,
                },
                None => Explained {
                    term: written,
                    place: None,
                    how: "holds",
                    word: None,
                },
            }
        })
        .collect()
}

/// What one term lights in `text`.
fn lit_term(term: &Term, place: Place, text: &str, tier: Tier) -> Vec<usize> {
    let one = Query {
        groups: vec![Group {
            alternatives: vec![term.clone()],
        }],
    };
    lit(&one, place, text, tier)
}

/// A term written back in the query language.
pub fn describe(term: &Term) -> String {
    let scope = |scope: &Scope| match scope {
        Scope::Any | Scope::Fields(_) => String::new(),
        other => format!("{}:", format!("{other:?}").to_lowercase()),
    };
    let body = match &term.kind {
        TermKind::Words {
            scope: s,
            words,
            last_is_prefix,
        } => {
            if words.len() == 1 && *last_is_prefix {
                format!("{}{}", scope(s), words[0])
            } else {
                format!("{}\"{}\"", scope(s), words.join(" "))
            }
        }
        TermKind::Exact { scope: s, text } => format!("{}'{text}", scope(s)),
        TermKind::Start { scope: s, text } => format!("{}^{text}", scope(s)),
        TermKind::End { scope: s, text } => format!("{}{text}$", scope(s)),
        TermKind::Whole { scope: s, text } => format!("{}^{text}$", scope(s)),
        TermKind::Scattered { text } => format!("~{text}"),
        TermKind::Date { from, until } => format!(
            "date:{}..{}",
            from.map_or(String::new(), |t| t.to_string()),
            until.map_or(String::new(), |t| t.to_string())
        ),
        TermKind::Is(test) => format!("is:{}", test.name()),
        TermKind::Number { measure, test } => {
            let name = match measure {
                Measure::Quality => "quality",
                Measure::Heat => "heat",
            };
            match test {
                NumberTest::Unknown => format!("{name}:unknown"),
                NumberTest::Compare(cmp, n) => {
                    let op = match cmp {
                        Comparison::Less => "<",
                        Comparison::AtMost => "<=",
                        Comparison::Equal => "=",
                        Comparison::AtLeast => ">=",
                        Comparison::Greater => ">",
                    };
                    format!("{name}:{op}{n}")
                }
            }
        }
    };
    if term.negated {
        format!("!{body}")
    } else {
        body
    }
}
