//! The query language typed into the filter line, `--query` and `tidings search`, as a value:
//! one parser ([`parse`]) for all of them, so a query means the same everywhere.
//!
//! A query is groups of terms, all of which must hold; a group is one term or several joined by
//! `|`, any of which may hold. What each kind of term matches is said on [`TermKind`]; how the
//! cards are found and ranked is [`super::engine`]'s business.

mod dates;
mod parse;

pub use parse::{MAX_QUERY_CHARS, MAX_TERM_CHARS, QueryError, parse};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::fields::Places;

/// The query language in brief, one form a line with an example: for the help overlay, the
/// manual page and the README.
pub const GUIDE: &str = "\
Terms are separated by spaces; a card must match them all.
  vacc              words starting so (vaccine, vaccination), case and accents ignored
  \"climate deal\"    these whole words, next to each other
  'covid-19         this text anywhere, even inside a word
  ^breaking         a field starting with this text
  2024$             a field ending with this text
  ^mars$            a field that is exactly this text (^\"with spaces\"$ too)
  ~clmt             these letters in this order, scattered through the title
  !sport            leave out cards that match (before any term: !provider:bbc)
  climate | energy  either one (| joins the terms on its two sides)
Scopes put a term to one field:
  title:mars  excerpt:rover  provider:bbc  domain:bbc.co.uk  topic:space  category:science
  provider:\"the guardian\"  title:^breaking  topic:'ai
Dates, in your time zone unless a time says Z or +02:00:
  since:7d          published in the last 7 days (h hours, d, w weeks, mo months, y years)
  until:2024-06     published before the end of June 2024
  date:2024-03-01   published that day (also date:2024, date:2024-03, date:2024-03-01T10:30)
  date:2024-01..2024-03  from January to the end of March 2024
  date:7d           the same as since:7d
Reading state (not with --no-state):
  is:unread  is:read  is:starred  is:new   new: first seen since the reader's last session
  @name             a saved search's query (S saves the filter, @ lists the saved ones)
Numbers:
  quality:>50       also >=, <, <=, = or a plain number; quality:unknown for none
  heat:>=80  heat:unknown
A colon is read as a scope: to search for one, quote the text ('10:30 or \"https://x.y\").
Below 50 word matches the list goes on with approximate matches, marked ≈: words with a typo
(one from 5 letters, two from 9), then the letters scattered through the title.
";

/// Why an `is:` term is refused where there is no reading state (`--no-state`, or no state
/// file to be had).
pub const NEEDS_STATE: &str =
    "`is:` terms test the reading state, and there is none (--no-state, or no state file)";

/// What relative dates count back from, and the zone plain dates are read in: the reader's own,
/// so `date:2024-03-01` is the day the reader shows as 1 March.
#[derive(Debug, Clone)]
pub struct Clock {
    pub now: Timestamp,
    pub zone: TimeZone,
}

/// A parsed query; the empty query matches every card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Query {
    /// All must hold.
    pub groups: Vec<Group>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every term, in the order typed.
    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.groups.iter().flat_map(|g| g.alternatives.iter())
    }

    /// The first `is:` term, if any: such a query needs the reading state, and its answer
    /// changes when the marks do.
    pub fn mark_term(&self) -> Option<&Term> {
        self.terms().find(|t| matches!(t.kind, TermKind::Is(_)))
    }

    /// The query as the configuration's `[filter]` table has plain terms (those without a
    /// scope) mean: looking in `fields` only, or, `scattered`, as letters scattered through
    /// the title, as fzf matches.
    pub fn resolved(mut self, fields: Places, scattered: bool) -> Query {
        for term in self
            .groups
            .iter_mut()
            .flat_map(|g| g.alternatives.iter_mut())
        {
            if let TermKind::Words {
                scope: scope @ Scope::Any,
                words,
                ..
            } = &mut term.kind
            {
                if scattered {
                    term.kind = TermKind::Scattered {
                        text: words.concat(),
                    };
                } else if fields != Places::ALL {
                    *scope = Scope::Fields(fields);
                }
            }
        }
        self
    }
}

/// Terms joined by `|`: any one of them may hold. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    pub alternatives: Vec<Term>,
}

/// One term as typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// `!term`: the card matches when the term does not.
    pub negated: bool,
    pub kind: TermKind,
    /// Where the term starts in the query, in characters, counting from 1.
    pub column: usize,
}

/// Which fields a word term looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Every indexed field: title, topics, provider (name and domain), category, excerpt, body.
    Any,
    /// `title:`
    Title,
    /// `topic:`: any one of the topics.
    Topic,
    /// `provider:`: the provider's name or its domain.
    Provider,
    /// `domain:`: the provider's domain.
    Domain,
    /// `category:`
    Category,
    /// `excerpt:`
    Excerpt,
    /// What plain terms search when the configuration's `[filter] fields` names some fields
    /// only (see [`Query::resolved`]); never from the parser.
    Fields(Places),
}

/// What a term looks for. Texts are as typed unless said otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// A plain term (`vacc`) or a phrase (`"a phrase"`): the words, folded (see
    /// [`super::words`]), in this order and next to each other in one field. A plain term is
    /// one word unless it holds a word boundary (`covid-19`, `東京`), then it is a phrase too.
    /// `last_is_prefix`: the last word matches any word starting with it (plain terms); the
    /// words of a quoted phrase are whole words.
    Words {
        scope: Scope,
        words: Vec<String>,
        last_is_prefix: bool,
    },
    /// `'text`: the text anywhere inside a field's text (case and accents folded), not only at
    /// a word start.
    Exact { scope: Scope, text: String },
    /// `^text`: a field's text starts with it.
    Start { scope: Scope, text: String },
    /// `text$`: a field's text ends with it.
    End { scope: Scope, text: String },
    /// `^text$`: a field's text is exactly it.
    Whole { scope: Scope, text: String },
    /// `~text`: the letters in this order, scattered through the title, as fzf matches.
    Scattered { text: String },
    /// `since:`, `until:`, `date:`: published at or after `from` and before `until` (either
    /// may be open). A card without a publication time never matches.
    Date {
        from: Option<Timestamp>,
        until: Option<Timestamp>,
    },
    /// `quality:>50`, `heat:>=80`, `heat:unknown`.
    Number { measure: Measure, test: NumberTest },
    /// `is:unread`, `is:read`, `is:starred`, `is:new`: a test on the card's reading state.
    Is(MarkTest),
}

/// What an `is:` term tests of a card's reading state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkTest {
    Unread,
    Read,
    Starred,
    /// First seen after the start of the reader's previous session.
    New,
}

impl MarkTest {
    /// The word after `is:`.
    pub fn name(self) -> &'static str {
        match self {
            MarkTest::Unread => "unread",
            MarkTest::Read => "read",
            MarkTest::Starred => "starred",
            MarkTest::New => "new",
        }
    }
}

/// The card's numbers a term can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    Quality,
    Heat,
}

/// A test on a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberTest {
    /// The card has no value.
    Unknown,
    /// The card's value compares so with the number.
    Compare(Comparison, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    Less,
    AtMost,
    Equal,
    AtLeast,
    Greater,
}

impl Comparison {
    pub fn holds(self, value: i64, than: i64) -> bool {
        match self {
            Comparison::Less => value < than,
            Comparison::AtMost => value <= than,
            Comparison::Equal => value == than,
            Comparison::AtLeast => value >= than,
            Comparison::Greater => value > than,
        }
    }
}
