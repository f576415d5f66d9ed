//! The terms a query tests on the cards themselves rather than looks up in the word index:
//! exact and anchored text, scattered letters, dates, numbers and the reading state.

use super::*;

/// A term that is not looked up in the index, prepared to be tested on cards.
pub(super) enum Check<'m> {
    /// A word term: its grades are looked up instead.
    Words,
    Text {
        places: PlaceList,
        needle: Needle,
        anchor: Anchor,
    },
    Scattered {
        pattern: Vec<char>,
        case_sensitive: bool,
    },
    Date {
        from: Option<jiff::Timestamp>,
        until: Option<jiff::Timestamp>,
    },
    Number {
        measure: Measure,
        test: NumberTest,
    },
    Is {
        test: MarkTest,
        marks: Option<&'m Marks>,
    },
}

impl<'m> Check<'m> {
    pub(super) fn new(term: &Term, marks: Option<&'m Marks>) -> Check<'m> {
        let text = |scope: Scope, text: &str, anchor| Check::Text {
            places: places(scope),
            needle: Needle::new(text),
            anchor,
        };
        match &term.kind {
            TermKind::Words { .. } => Check::Words,
            TermKind::Exact { scope, text: t } => text(*scope, t, Anchor::Anywhere),
            TermKind::Start { scope, text: t } => text(*scope, t, Anchor::Start),
            TermKind::End { scope, text: t } => text(*scope, t, Anchor::End),
            TermKind::Whole { scope, text: t } => text(*scope, t, Anchor::Whole),
            TermKind::Scattered { text } => {
                let pattern: Vec<char> = text.chars().collect();
                Check::Scattered {
                    case_sensitive: skim::smart_case(&pattern),
                    pattern,
                }
            }
            TermKind::Date { from, until } => Check::Date {
                from: *from,
                until: *until,
            },
            TermKind::Number { measure, test } => Check::Number {
                measure: *measure,
                test: *test,
            },
            TermKind::Is(test) => Check::Is { test: *test, marks },
        }
    }

    /// Whether the check holds for `card` (before negation), and the scattered score it adds.
    pub(super) fn holds(&self, card: &Card) -> (bool, i64) {
        match self {
            Check::Words => (false, 0),
            Check::Text {
                places,
                needle,
                anchor,
            } => {
                let found = places
                    .iter()
                    .flat_map(|place| place.texts(card))
                    .any(|field| needle.locate(*anchor, &field).is_some());
                (found, 0)
            }
            Check::Scattered {
                pattern,
                case_sensitive,
            } => {
                let mut scratch = skim::Scratch::default();
                match skim::score(pattern, *case_sensitive, card.display_title(), &mut scratch) {
                    Some(score) => (true, score),
                    None => (false, 0),
                }
            }
            Check::Date { from, until } => {
                let holds = card.published_date_time.is_some_and(|t| {
                    from.is_none_or(|from| t >= from) && until.is_none_or(|until| t < until)
                });
                (holds, 0)
            }
            Check::Number { measure, test } => {
                let value = match measure {
                    Measure::Quality => card.quality,
                    Measure::Heat => card.heat,
                };
                let holds = match (test, value) {
                    (NumberTest::Unknown, v) => v.is_none(),
                    (NumberTest::Compare(cmp, than), Some(v)) => cmp.holds(v, *than),
                    (NumberTest::Compare(..), None) => false,
                };
                (holds, 0)
            }
            Check::Is { test, marks } => {
                let holds = marks.is_some_and(|m| match test {
                    MarkTest::Unread => !m.is_read(card.id),
                    MarkTest::Read => m.is_read(card.id),
                    MarkTest::Starred => m.is_starred(card.id),
                    MarkTest::New => m.is_new(card.id),
                });
                (holds, 0)
            }
        }
    }
}
