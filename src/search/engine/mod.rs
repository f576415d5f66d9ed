//! Finding and ranking the cards a [`Query`] asks for, over the word index and the cards: the
//! one implementation behind the reader's filter and `tidings search`.
//!
//! A plain term matches a card holding, in a field of its scope, a word that starts with it.
//! The cards matching every term that way are the **word matches**, ranked by where their terms
//! matched (title, then topics, provider and category, then excerpt, then body; summed over the
//! terms), whole words before prefixes, terms close together in the title before apart, then
//! newest. When there are fewer than [`ENOUGH_WORD_MATCHES`], the list goes on with
//! **approximate** matches: first cards whose plain terms match with typos (see
//! [`super::typos`]), then cards whose plain terms are found as letters scattered through the
//! title (fzf's matching), best score first; that last tier stops once it has
//! [`ENOUGH_APPROXIMATE`] matches, a whole wave of cards at a time so the answer is the same on
//! every run. Every other kind of term (exact, prefix, suffix, scattered, dates, numbers, and
//! every negation) must hold in every tier.
//!
//! Word terms are looked up in the index into one grade per slot (how well the slot's card
//! matched); the other terms are tested on the cards the word terms left.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use tantivy::postings::BlockSegmentPostings;

use super::fields::{Place, PlaceList, Places};
use super::grades::{Grade, Grades, GradesBuilder, NONE};
use super::index::{WordIndex, is_short, lead_term};
use super::needle::{Anchor, Needle};
use super::skim;
use super::syntax::{MarkTest, Measure, NumberTest, Query, Scope, Term, TermKind};
use super::typos::Typos;
use super::words::{fold_into, spans, words};
use crate::corpus::{Card, CardIx, CardStore, DateOrder, Letters};
use crate::library::state::Marks;

mod check;
mod lookup;

use check::Check;
pub(crate) use lookup::phrase_at;
use lookup::{NARROW_ENOUGH, graded_by_text, word_grades};
pub use lookup::{likely_next, warm};

/// Below this many word matches, approximate matches are added. A fixed number, so `tidings
/// search` and the reader list the same cards.
pub const ENOUGH_WORD_MATCHES: usize = 50;
/// The scattered-letters tier stops after the wave of cards that reaches this many.
pub const ENOUGH_APPROXIMATE: usize = 300;
/// Cards the scattered-letters tier looks at between two checks of what it has found.
const WAVE: usize = 8192;

/// How a card came to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Every plain term is the start of a word of the card.
    Words,
    /// With typos forgiven.
    Typos,
    /// Some plain term only as letters scattered through the title.
    Scattered,
}

impl Tier {
    pub fn is_approximate(self) -> bool {
        self != Tier::Words
    }
}

/// One matching card; `score` is higher for better matches (for `--sort score` and JSON),
/// from 0 to 10,000. Eight bytes: a letter can match a million cards, and each key's hits are
/// written afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hit {
    pub ix: CardIx,
    pub score: i16,
    pub tier: Tier,
}

const _: () = assert!(std::mem::size_of::<Hit>() == 8);

/// The matches of a query, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// How many of `hits` are word matches (they come first).
    pub words: usize,
}

impl Found {
    /// How many of the hits are approximate.
    pub fn approximate(&self) -> usize {
        self.hits.len() - self.words
    }
}

/// A match that says nothing of quality (a date, a number, a negated term).
const HOLDS: Grade = 0;

/// A term's grade in `place`: whole word, prefix, or with typos.
fn grade(place: Place, how: u8) -> Grade {
    place.rank() * 4 + how
}
const WHOLE: u8 = 0;
const PREFIX: u8 = 1;
const TYPO: u8 = 2;

/// The fields a scope looks in, best first.
pub fn places(scope: Scope) -> PlaceList {
    let set = match scope {
        Scope::Any => Places::ALL,
        Scope::Title => Places::of(&[Place::Title]),
        Scope::Topic => Places::of(&[Place::Topic]),
        Scope::Provider => Places::of(&[Place::Provider, Place::Domain]),
        Scope::Domain => Places::of(&[Place::Domain]),
        Scope::Category => Places::of(&[Place::Category]),
        Scope::Excerpt => Places::of(&[Place::Excerpt]),
        Scope::Fields(set) => set,
    };
    set.list()
}

/// Whether `term` is a plain term that may be relaxed into the approximate tiers.
fn relaxable(term: &Term) -> bool {
    !term.negated
        && matches!(&term.kind, TermKind::Words { words, last_is_prefix: true, .. } if words.len() == 1)
}

/// Finds `query`'s matches among the live cards of `cards`, using `index`, which must have
/// caught up with `cards`. `is:` terms read `marks`; without marks they match no card (the
/// caller refuses such a query where it parses it). `None` if `interrupt` was raised meanwhile.
pub fn find(
    query: &Query,
    index: &WordIndex,
    cards: &CardStore,
    marks: Option<&Marks>,
    interrupt: &AtomicBool,
) -> Option<Found> {
    find_into(query, index, cards, marks, interrupt, Vec::new())
}

/// [`find`], writing the hits into `spare`'s memory (emptied first) as far as it goes: a
/// letter matches most of a million cards, eight megabytes of hits that would otherwise be
/// fresh pages from the system at every key.
pub fn find_into(
    query: &Query,
    index: &WordIndex,
    cards: &CardStore,
    marks: Option<&Marks>,
    interrupt: &AtomicBool,
    spare: Vec<Hit>,
) -> Option<Found> {
    // Cards loaded but not yet indexed are left out until they are.
    let slots = cards.slots().min(index.covers().1);
    let stop = || interrupt.load(Ordering::Relaxed);
    let order = cards.date_order();
    // Every word term's grades, looked up once; a short term (one or two letters start tens
    // of thousands of words) is graded on the few cards the other terms leave, if they do.
    let short = |term: &Term| {
        !term.negated
            && matches!(&term.kind, TermKind::Words { words, .. }
                if words.len() == 1 && is_short(&words[0]))
    };
    // A word term's grades in the index, no typos forgiven.
    let exact = |scope: Scope, words: &[String], prefix: bool| {
        word_grades(index, slots, cards, scope, words, prefix, None, &stop)
    };
    let mut lookups: Vec<Option<Grades>> = Vec::new();
    for term in query.terms() {
        if stop() {
            return None;
        }
        lookups.push(match &term.kind {
            TermKind::Words {
                scope,
                words,
                last_is_prefix,
            } if !short(term) => Some(exact(*scope, words, *last_is_prefix)),
            _ => None,
        });
    }
    // Worked out only for a short term to use: listing the candidates of a term matching
    // a hundred thousand cards takes longer than a frame at a million.
    let narrowed = if query.terms().any(short) {
        let checks: Vec<Check> = query.terms().map(|_| Check::Words).collect();
        let partial = Evaluator {
            query,
            cards,
            lookups: &lookups,
            checks: &checks,
            order,
        };
        partial.required_candidates(slots)
    } else {
        None
    };
    for (term, lookup) in query.terms().zip(lookups.iter_mut()) {
        if let (
            true,
            TermKind::Words {
                scope,
                words,
                last_is_prefix,
            },
        ) = (short(term), &term.kind)
        {
            *lookup = Some(match &narrowed {
                Some(candidates) if candidates.len() <= NARROW_ENOUGH => {
                    graded_by_text(cards, slots, candidates, *scope, &words[0], *last_is_prefix)
                }
                _ => exact(*scope, words, *last_is_prefix),
            });
        }
    }
    let checks: Vec<Check> = query.terms().map(|t| Check::new(t, marks)).collect();
    let evaluator = Evaluator {
        query,
        cards,
        lookups: &lookups,
        checks: &checks,
        order,
    };
    let mut word_hits = spare;
    evaluator.matches(slots, Tier::Words, &stop, &mut word_hits)?;
    if query.is_empty() {
        // Every card, newest first, and none better than another.
        word_hits.iter_mut().for_each(|h| h.score = 0);
        let words = word_hits.len();
        return Some(Found {
            hits: word_hits,
            words,
        });
    }
    let words = word_hits.len();
    let mut hits = word_hits;
    let plain: Vec<bool> = query.terms().map(relaxable).collect();
    if words < ENOUGH_WORD_MATCHES && plain.iter().any(|&p| p) {
        // Typos: the relaxable terms' grades again, typos forgiven.
        let mut relaxed = lookups.clone();
        for ((term, lookup), &plain) in query.terms().zip(relaxed.iter_mut()).zip(&plain) {
            if stop() {
                return None;
            }
            if let (true, TermKind::Words { scope, words, .. }) = (plain, &term.kind)
                && let Some(typos) = Typos::new(&words[0])
            {
                *lookup = Some(word_grades(
                    index,
                    slots,
                    cards,
                    *scope,
                    words,
                    true,
                    Some(&typos),
                    &stop,
                ));
            }
        }
        let evaluator = Evaluator {
            query,
            cards,
            lookups: &relaxed,
            checks: &checks,
            order,
        };
        let seen: std::collections::HashSet<CardIx> = hits.iter().map(|h| h.ix).collect();
        let mut typo_hits = Vec::new();
        evaluator.matches(slots, Tier::Typos, &stop, &mut typo_hits)?;
        hits.extend(typo_hits.into_iter().filter(|h| !seen.contains(&h.ix)));
        let seen: std::collections::HashSet<CardIx> = hits.iter().map(|h| h.ix).collect();
        let scattered = evaluator.scattered(slots, &plain, &seen, &stop)?;
        hits.extend(scattered);
    }
    Some(Found { hits, words })
}

/// Evaluates a query's terms on slots, given the word terms' grades.
struct Evaluator<'a> {
    query: &'a Query,
    cards: &'a CardStore,
    lookups: &'a [Option<Grades>],
    checks: &'a [Check<'a>],
    order: &'a DateOrder,
}

/// Where the candidates come from: the groups of positive word terms only (by their terms'
/// numbers), which every match must hold; and, when the one matching fewest slots has its
/// slots listed, those slots (else every slot is looked at).
struct Leading {
    required: Vec<Vec<usize>>,
    listed: Option<Vec<CardIx>>,
    /// How many slots the leading group matches (at most): every slot when there is none.
    at_most: usize,
}

/// The slots that may match a query, ascending, and each word term's grades along them.
struct Candidates {
    slots: Vec<CardIx>,
    /// Per term (by number): its grade of each of `slots`, for a word term.
    grades: Vec<Option<Vec<Grade>>>,
}

impl Candidates {
    /// The grade of term `term` for the candidate at `at`; `None` if it is not a word term.
    fn grade(&self, term: usize, at: usize) -> Option<Grade> {
        let grades = self.grades.get(term)?.as_ref()?;
        Some(grades.get(at).copied().unwrap_or(NONE))
    }

    fn len(&self) -> usize {
        self.slots.len()
    }
}

/// A hit being ranked: ascending order is best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    tier: Tier,
    cost: u32,
    /// Negated scattered score (higher scores first).
    scattered: i64,
    proximity: u32,
    /// The card's position in the store's [`DateOrder`]: newest first, which also names the
    /// card.
    newest: u32,
}

impl Evaluator<'_> {
    /// The cost of slot `ix`'s card under every group, `None` if some group does not hold (or
    /// the slot is dead). `graded` gives the card's grade for a term by its number (`None`:
    /// not a word term); `relax` gives the scattered title score of a relaxable term that did
    /// not otherwise match (term number, slot) → score.
    fn cost(
        &self,
        ix: CardIx,
        graded: &dyn Fn(usize) -> Option<Grade>,
        relax: &mut dyn FnMut(usize, CardIx) -> Option<i64>,
        scattered: &mut i64,
    ) -> Option<u32> {
        // Fetched only for a term tested on the card: a card is a cache miss, and for word
        // terms alone the grades say everything (a reference would let the compiler read
        // the card ahead of need).
        let card = || self.cards.get(ix);
        let mut cost = 0u32;
        let mut n = 0;
        for group in &self.query.groups {
            let mut best: Option<Grade> = None;
            for term in &group.alternatives {
                let number = n;
                n += 1;
                let grade = match graded(number) {
                    Some(g) => match (term.negated, g) {
                        (true, NONE) => HOLDS,
                        (true, _) => NONE,
                        (false, NONE) => match relax(number, ix) {
                            Some(score) => {
                                *scattered += score;
                                grade(Place::Title, TYPO + 1)
                            }
                            None => NONE,
                        },
                        (false, g) => g,
                    },
                    None => {
                        let (holds, score) = self.checks[number].holds(card()?);
                        *scattered += score;
                        if holds != term.negated { HOLDS } else { NONE }
                    }
                };
                if grade != NONE {
                    best = Some(best.map_or(grade, |b| b.min(grade)));
                }
            }
            cost += u32::from(best?);
        }
        Some(cost)
    }

    /// The slots matching with the lookups as they are, ranked, as hits of `tier`, written
    /// over `hits`. `None` if `stop` said so meanwhile.
    fn matches(
        &self,
        slots: usize,
        tier: Tier,
        stop: &(dyn Fn() -> bool + Sync),
        hits: &mut Vec<Hit>,
    ) -> Option<()> {
        let leading = self.leading();
        let walkable = self.reads_no_card();
        if walkable
            && leading.listed.is_none()
            && walk_pays(leading.at_most, slots)
            && self.walked(&self.costs_of_every_slot(slots), tier, hits)
        {
            // Many slots may match, and each one's grades say whether it does.
            return Some(());
        }
        // Slots no positive word group can hold are skipped without looking at the card.
        let candidates = self.candidates(slots, leading);
        if stop() {
            return None;
        }
        if walkable
            && walk_pays(candidates.len(), slots)
            && self.walked(&self.costs_of(&candidates, slots), tier, hits)
        {
            return Some(());
        }
        let ranked = self.ranked(&candidates, tier);
        if stop() {
            return None;
        }
        self.finish(ranked, hits);
        Some(())
    }

    /// The candidates that match, as packed ranks ([`Rank::packed`]), unsorted. Eight bytes a
    /// candidate, written in place: a hundred thousand candidates per key, each rank a struct
    /// gathered piece by piece, was three times the memory, fresh from the system every key.
    fn ranked(&self, candidates: &Candidates, tier: Tier) -> Vec<u64> {
        let mut keys: Vec<u64> = candidates
            .slots
            .par_iter()
            .enumerate()
            .map(|(at, &ix)| {
                let mut scattered = 0;
                let graded = |term| candidates.grade(term, at);
                let cost = self.cost(ix, &graded, &mut |_, _| None, &mut scattered);
                let newest = self.order.position().get(ix as usize);
                match (cost, newest) {
                    (Some(cost), Some(&newest)) => Rank {
                        tier,
                        cost,
                        scattered: -scattered,
                        proximity: 0,
                        newest,
                    }
                    .packed(),
                    _ => NO_RANK,
                }
            })
            .collect();
        keys.retain(|&key| key != NO_RANK);
        keys
    }

    /// Whether every term is looked up in the index, so a card's cost needs nothing of the
    /// card and no score of scattered letters decides between two cards.
    fn reads_no_card(&self) -> bool {
        self.checks.iter().all(|c| matches!(c, Check::Words))
    }

    /// The cost of each slot, [`UNMATCHED`] where it does not match, for the candidates
    /// only (the other slots do not match).
    fn costs_of(&self, candidates: &Candidates, slots: usize) -> Vec<Cost> {
        // Along the candidates (an indexed collect writes in place; a filtered one would
        // gather pieces and copy them).
        let costs: Vec<Cost> = candidates
            .slots
            .par_iter()
            .enumerate()
            .map(|(at, &ix)| {
                let graded = |term| candidates.grade(term, at);
                self.clamped_cost(ix, &graded)
            })
            .collect();
        let mut cost_of = vec![UNMATCHED; slots];
        for (&ix, &cost) in candidates.slots.iter().zip(&costs) {
            cost_of[ix as usize] = cost;
        }
        cost_of
    }

    /// The cost of every slot, [`UNMATCHED`] where it does not match.
    fn costs_of_every_slot(&self, slots: usize) -> Vec<Cost> {
        if let Some(terms) = self.plain_terms() {
            // Every group one positive word term: the cost is the sum of their grades. Kept
            // per slot (a letter or two: a million slots per key), they are read in a tight
            // loop over plain arrays, a few times faster than slot by slot through the grades.
            let tables: Option<Vec<&[Grade]>> = terms.iter().map(|g| g.per_slot()).collect();
            if let Some(tables) = tables {
                let dead = self.cards.dead_flags();
                let mut costs = vec![UNMATCHED; slots];
                costs
                    .par_chunks_mut(COSTS_PER_TASK)
                    .enumerate()
                    .for_each(|(n, out)| {
                        let start = n * COSTS_PER_TASK;
                        for (at, cost) in out.iter_mut().enumerate() {
                            let ix = start + at;
                            let mut matched = !dead.get(ix).copied().unwrap_or(true);
                            let mut sum = 0u32;
                            for table in &tables {
                                let g = table.get(ix).copied().unwrap_or(NONE);
                                matched &= g != NONE;
                                sum += u32::from(g);
                            }
                            if matched {
                                *cost = Rank::clamped(sum);
                            }
                        }
                    });
                return costs;
            }
            return (0..slots as CardIx)
                .into_par_iter()
                .map(|ix| {
                    let mut sum = 0u32;
                    for grades in &terms {
                        match grades.get(ix) {
                            NONE => return UNMATCHED,
                            g => sum += u32::from(g),
                        }
                    }
                    if self.cards.is_live(ix) {
                        Rank::clamped(sum)
                    } else {
                        UNMATCHED
                    }
                })
                .collect();
        }
        (0..slots as CardIx)
            .into_par_iter()
            .map(|ix| {
                if !self.cards.is_live(ix) {
                    return UNMATCHED;
                }
                let graded = |term: usize| self.lookups[term].as_ref().map(|g| g.get(ix));
                self.clamped_cost(ix, &graded)
            })
            .collect()
    }

    /// The grades of the query's terms when every group is one positive word term (whose
    /// costs are then the sums of their grades).
    fn plain_terms(&self) -> Option<Vec<&Grades>> {
        // With one term per group, a term's number is its group's.
        let mut terms = Vec::new();
        for (n, group) in self.query.groups.iter().enumerate() {
            let [term] = group.alternatives.as_slice() else {
                return None;
            };
            terms.push(self.lookups[n].as_ref().filter(|_| !term.negated)?);
        }
        Some(terms)
    }

    /// A slot's cost as ranks compare it ([`Rank::clamped`]), [`UNMATCHED`] if it does not match.
    fn clamped_cost(&self, ix: CardIx, graded: &dyn Fn(usize) -> Option<Grade>) -> Cost {
        self.cost(ix, graded, &mut |_, _| None, &mut 0)
            .map_or(UNMATCHED, Rank::clamped)
    }

    /// [`Evaluator::matches`] for many matches whose rank is their cost, then newest first
    /// (nothing read from a card: see [`Evaluator::reads_no_card`]; and too many for proximity
    /// to count), given each slot's cost. Rather than sorting them all, the date order is cut
    /// into stretches; each stretch counts its slots of each cost, which says where each
    /// stretch's slots of each cost go among the hits (cost by cost, stretch by stretch within
    /// a cost), and each stretch then writes its slots there, in date order: a counting sort
    /// on every core, straight into the hits.
    /// The hits are written over `hits`; false (and `hits` untouched) when so few match that
    /// proximity would count: [`Evaluator::finish`] ranks them.
    fn walked(&self, cost_of: &[Cost], tier: Tier, hits: &mut Vec<Hit>) -> bool {
        self.walked_in_stretches(cost_of, tier, STRETCH, hits)
    }

    /// [`Evaluator::walked`], the date order cut every `stretch` slots.
    fn walked_in_stretches(
        &self,
        cost_of: &[Cost],
        tier: Tier,
        stretch: usize,
        hits: &mut Vec<Hit>,
    ) -> bool {
        let matched = cost_of.par_iter().filter(|&&c| c != UNMATCHED).count();
        if matched <= PROXIMITY_LIMIT {
            return false;
        }
        // A cost is one byte and UNMATCHED its last value: the slots are read in date order,
        // at random places of `cost_of`, and neither a test nor a clamp is made per slot (a
        // branch taken for about every other one, mispredicted as often, stalled those reads:
        // 2.6 times slower over a million slots).
        let level_of =
            |ix: &CardIx| usize::from(cost_of.get(*ix as usize).copied().unwrap_or(UNMATCHED));
        let counts: Vec<[usize; LEVELS]> = self
            .order
            .newest_first
            .par_chunks(stretch)
            .map(|slots| {
                let mut count = [0; LEVELS];
                for ix in slots {
                    count[level_of(ix)] += 1;
                }
                count
            })
            .collect();
        let scores: Vec<i16> = (0..LEVELS)
            .map(|cost| {
                score(&Rank {
                    tier,
                    cost: cost as u32,
                    scattered: 0,
                    proximity: 0,
                    newest: 0,
                })
            })
            .collect();
        let blank = Hit {
            ix: 0,
            score: 0,
            tier,
        };
        hits.clear();
        hits.resize(matched, blank);
        // Each stretch's place for each cost: cut from the hits, cost by cost; the unmatched
        // slots of a stretch all go to one hit of its own, written over and over, so the
        // loop below has no branch either.
        let mut sinks = vec![blank; counts.len()];
        let mut places: Vec<Vec<&mut [Hit]>> =
            counts.iter().map(|_| Vec::with_capacity(LEVELS)).collect();
        let mut rest = hits.as_mut_slice();
        for level in 0..usize::from(UNMATCHED) {
            for (count, place) in counts.iter().zip(places.iter_mut()) {
                let (run, tail) = std::mem::take(&mut rest).split_at_mut(count[level]);
                place.push(run);
                rest = tail;
            }
        }
        for (place, sink) in places.iter_mut().zip(sinks.iter_mut()) {
            place.push(std::slice::from_mut(sink));
        }
        self.order
            .newest_first
            .par_chunks(stretch)
            .zip(places)
            .for_each(|(slots, mut place)| {
                let mut next = [0usize; LEVELS];
                for ix in slots {
                    let level = level_of(ix);
                    let at = next[level];
                    if let Some(hit) = place.get_mut(level).and_then(|run| run.get_mut(at)) {
                        *hit = Hit {
                            ix: *ix,
                            score: scores[level],
                            tier,
                        };
                    }
                    next[level] += usize::from(level != usize::from(UNMATCHED));
                }
            });
        true
    }

    /// The cards matching only once some relaxable term is taken as letters scattered through
    /// the title, in waves until [`ENOUGH_APPROXIMATE`], best score first.
    fn scattered(
        &self,
        slots: usize,
        plain: &[bool],
        seen: &std::collections::HashSet<CardIx>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Hit>> {
        // Each pattern with its letters: a title lacking one of them is passed over unread.
        let patterns: Vec<Option<(Vec<char>, Letters)>> = self
            .query
            .terms()
            .zip(plain)
            .map(|(term, &plain)| match (&term.kind, plain) {
                // Scattered letters are looked for in the title only, so only by terms that
                // may match the title.
                (
                    TermKind::Words {
                        words,
                        scope: Scope::Any | Scope::Title,
                        ..
                    },
                    true,
                ) => Some((words[0].chars().collect(), Letters::of(&words[0]))),
                _ => None,
            })
            .collect();
        let letters = self.cards.title_letters();
        let mut found: Vec<u64> = Vec::new();
        for start in (0..slots).step_by(WAVE) {
            if stop() {
                return None;
            }
            let wave = start as CardIx..slots.min(start + WAVE) as CardIx;
            let ranked: Vec<u64> = wave
                .into_par_iter()
                .filter(|ix| !seen.contains(ix) && self.cards.is_live(*ix))
                .filter_map(|ix| {
                    // Made only for a title that may hold a pattern (a folder of rayon's moves
                    // its state with every item: a scratch kept there was copied per slot).
                    let mut scratch: Option<skim::Scratch> = None;
                    let mut relax = |number: usize, ix: CardIx| {
                        let (pattern, needs) = patterns.get(number)?.as_ref()?;
                        if !needs.within(*letters.get(ix as usize)?) {
                            return None;
                        }
                        let title = self.cards.get(ix)?.display_title();
                        if !may_hold_in_order(pattern, title) {
                            return None;
                        }
                        let scratch = scratch.get_or_insert_with(skim::Scratch::default);
                        skim::score(pattern, false, title, scratch)
                    };
                    let mut scattered = 0;
                    let graded = |term: usize| self.lookups[term].as_ref().map(|g| g.get(ix));
                    let cost = self.cost(ix, &graded, &mut relax, &mut scattered)?;
                    let rank = Rank {
                        tier: Tier::Scattered,
                        cost: 0,
                        scattered: -scattered,
                        proximity: cost,
                        newest: *self.order.position().get(ix as usize)?,
                    };
                    Some(rank.packed())
                })
                .collect();
            found.extend(ranked);
            if found.len() >= ENOUGH_APPROXIMATE {
                break;
            }
        }
        let mut hits = Vec::new();
        self.finish(found, &mut hits);
        Some(hits)
    }

    /// [`Evaluator::candidates`] when some group narrows them; `None` when every slot is one.
    fn required_candidates(&self, slots: usize) -> Option<Vec<CardIx>> {
        let mut n = 0;
        let mut narrowing = false;
        for group in &self.query.groups {
            let mut all = true;
            for term in &group.alternatives {
                all &= self.lookups[n].is_some() && !term.negated;
                n += 1;
            }
            narrowing |= all;
        }
        narrowing.then(|| self.candidates(slots, self.leading()).slots)
    }

    /// Slots that may match: those graded by every group made only of positive word terms,
    /// or every live slot when there is no such group; with every word term's grades along
    /// them. The group matching fewest slots leads: when its slots are listed, only they are
    /// looked at.
    fn candidates(&self, slots: usize, leading: Leading) -> Candidates {
        let Leading {
            required, listed, ..
        } = leading;
        let base: Vec<CardIx> = match listed {
            Some(listed) => listed
                .into_iter()
                .filter(|&ix| (ix as usize) < slots)
                .collect(),
            None => (0..slots as CardIx).collect(),
        };
        let along: Vec<Option<Vec<Grade>>> = self
            .lookups
            .iter()
            .map(|l| l.as_ref().map(|g| g.along(&base)))
            .collect();
        let holds = |at: usize| {
            required.iter().all(|numbers| {
                numbers
                    .iter()
                    .any(|&n| along[n].as_ref().is_some_and(|g| g[at] != NONE))
            })
        };
        let keep: Vec<bool> = base
            .iter()
            .enumerate()
            .map(|(at, &ix)| holds(at) && self.cards.is_live(ix))
            .collect();
        fn kept<T>(list: Vec<T>, keep: &[bool]) -> Vec<T> {
            list.into_iter()
                .zip(keep)
                .filter(|(_, keep)| **keep)
                .map(|(x, _)| x)
                .collect()
        }
        Candidates {
            slots: kept(base, &keep),
            grades: along
                .into_iter()
                .map(|g| g.map(|g| kept(g, &keep)))
                .collect(),
        }
    }

    /// The groups every candidate must match, and, when the one matching fewest slots has
    /// them listed, those slots.
    fn leading(&self) -> Leading {
        let mut n = 0;
        // Per group of positive word terms only: its terms' numbers.
        let mut required: Vec<Vec<usize>> = Vec::new();
        for group in &self.query.groups {
            let mut numbers = Vec::new();
            for term in &group.alternatives {
                if self.lookups[n].is_some() && !term.negated {
                    numbers.push(n);
                }
                n += 1;
            }
            if numbers.len() == group.alternatives.len() {
                required.push(numbers);
            }
        }
        let matched = |numbers: &Vec<usize>| -> usize {
            numbers
                .iter()
                .filter_map(|&n| self.lookups[n].as_ref())
                .map(Grades::matched)
                .sum()
        };
        required.sort_by_key(matched);
        let listed: Option<Vec<CardIx>> = required.first().and_then(|leader| {
            let mut listed = Vec::new();
            for &n in leader {
                listed.extend(self.lookups[n].as_ref()?.listed()?);
            }
            if leader.len() > 1 {
                listed.sort_unstable();
                listed.dedup();
            }
            Some(listed)
        });
        let at_most = required.first().map_or(usize::MAX, matched);
        Leading {
            required,
            listed,
            at_most,
        }
    }

    /// Sorts packed ranks ([`Rank::packed`]), adding title proximity where it decides, and
    /// makes hits of them, written over `hits`.
    fn finish(&self, mut keys: Vec<u64>, hits: &mut Vec<Hit>) {
        let title_terms: Vec<&[String]> = self
            .query
            .terms()
            .filter(|t| !t.negated)
            .filter_map(|t| match &t.kind {
                TermKind::Words { scope, words, .. }
                    if matches!(scope, Scope::Any | Scope::Title) && words.len() == 1 =>
                {
                    Some(words.as_slice())
                }
                _ => None,
            })
            .collect();
        // Proximity only separates cards whose terms all matched in the title: find those.
        if title_terms.len() > 1 && keys.len() <= PROXIMITY_LIMIT {
            keys.par_iter_mut().for_each(|key| {
                let mut rank = Rank::unpacked(*key);
                if rank.tier == Tier::Words
                    && let Some(card) = self.cards.get(self.order.card(rank.newest))
                {
                    rank.proximity = proximity(card.display_title(), &title_terms);
                    *key = rank.packed();
                }
            });
        }
        // One integer per hit sorts several times faster than the struct compared field by
        // field, which matters when a letter or two match most of the corpus.
        keys.par_sort_unstable();
        keys.into_par_iter()
            .map(|key| {
                let r = Rank::unpacked(key);
                Hit {
                    ix: self.order.card(r.newest),
                    score: score(&r),
                    tier: r.tier,
                }
            })
            .collect_into_vec(hits);
    }
}

impl Rank {
    /// The largest cost a rank tells apart: one byte, [`UNMATCHED`] aside. A term costs at
    /// most 14 (a typo in the body), so only a query of nineteen terms or more, all matched
    /// in the body, reaches it; past it, all costs are equal.
    const COST_MAX: Cost = UNMATCHED - 1;

    /// A cost as ranks compare it: past [`Rank::COST_MAX`], all costs are equal.
    fn clamped(cost: u32) -> Cost {
        cost.min(u32::from(Rank::COST_MAX)) as Cost
    }

    /// The rank as one integer whose ascending order is the rank's: tier (2 bits), cost (10),
    /// scattered score inverted (12), proximity (8), position newest first (32). Fields past
    /// their width are clamped.
    fn packed(&self) -> u64 {
        let tier = self.tier as u64;
        let cost = u64::from(Rank::clamped(self.cost));
        let scattered = (4095 - (-self.scattered).clamp(0, 4095)) as u64;
        let proximity = u64::from(self.proximity.min(255));
        tier << 62 | cost << 52 | scattered << 40 | proximity << 32 | u64::from(self.newest)
    }

    /// A packed rank back.
    fn unpacked(key: u64) -> Rank {
        let tier = match key >> 62 {
            0 => Tier::Words,
            1 => Tier::Typos,
            _ => Tier::Scattered,
        };
        Rank {
            tier,
            cost: (key >> 52 & COST_FIELD) as u32,
            scattered: -(4095 - (key >> 40 & 4095) as i64),
            proximity: (key >> 32 & 255) as u32,
            newest: (key & 0xFFFF_FFFF) as u32,
        }
    }
}

/// A slot's cost in [`Evaluator::walked`]'s table: the sum of its terms' grades, clamped.
type Cost = u8;
/// The cost of a slot that does not match, in [`Evaluator::walked`]'s table.
const UNMATCHED: Cost = Cost::MAX;
/// Every cost a table holds, [`UNMATCHED`] the last.
const LEVELS: usize = Cost::MAX as usize + 1;
/// The cost's bits in a packed rank.
const COST_FIELD: u64 = 1023;
/// No packed rank: its two top bits would be a fourth tier.
const NO_RANK: u64 = u64::MAX;

/// From this many candidates on, [`Evaluator::walked`] may rank them (more than
/// [`PROXIMITY_LIMIT`], so proximity never counts there).
const WALK_FROM: usize = 20_000;
/// ... and from this share of the slots on: the walk reads every slot, a sort only the
/// candidates. At a million slots the two took as long for 130,000 candidates; at 80,000 the
/// sort took half the walk's time.
const WALK_SHARE: usize = 8;

/// Whether [`Evaluator::walked`] ranks `candidates` of `slots` faster than a sort.
fn walk_pays(candidates: usize, slots: usize) -> bool {
    candidates >= WALK_FROM && candidates >= slots / WALK_SHARE
}

/// Slots whose costs one task works out, when they are read from per-slot tables.
const COSTS_PER_TASK: usize = 1 << 16;
/// Slots of the date order [`Evaluator::walked`] sorts in one task.
const STRETCH: usize = 1 << 16;

/// Above this many hits, proximity is not worked out: cutting every title into words costs
/// more than a frame, and in so long a list the cost and the date order it well enough.
const PROXIMITY_LIMIT: usize = 2_000;

/// Whether `text` may hold the letters of `pattern` in order, ignoring ASCII case: a quick
/// "no" for most titles before the scorer runs. Non-ASCII letters are left to the scorer.
fn may_hold_in_order(pattern: &[char], text: &str) -> bool {
    let mut rest = text.as_bytes();
    for &c in pattern {
        if !c.is_ascii() {
            return true;
        }
        let (lower, upper) = (c.to_ascii_lowercase() as u8, c.to_ascii_uppercase() as u8);
        match memchr::memchr2(lower, upper, rest) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}

/// The score shown for a hit: higher is better, consistent with the ranking within a tier.
fn score(rank: &Rank) -> i16 {
    let score = match rank.tier {
        Tier::Words => {
            10_000 - 100 * i64::from(rank.cost.min(90)) - i64::from(rank.proximity.min(99))
        }
        Tier::Typos => 5_000 - 100 * i64::from(rank.cost.min(40)),
        Tier::Scattered => (-rank.scattered).clamp(0, 999),
    };
    // Within these bounds already, by the clamps above.
    score.clamp(0, 10_000) as i16
}

/// How far apart the terms lie in `title`: the fewest words spanning one word starting with each
/// term, less the number of terms; `u32::MAX / 2` where some term is missing. One pass over the
/// title's words, keeping where each term was last seen; nothing allocated per word.
fn proximity(title: &str, terms: &[&[String]]) -> u32 {
    let mut last: Vec<Option<usize>> = vec![None; terms.len()];
    let mut best = usize::MAX;
    let mut folded = String::new();
    for (position, (start, end)) in spans(title).enumerate() {
        folded.clear();
        fold_into(&title[start..end], &mut folded);
        let mut seen = false;
        for (term, at) in terms.iter().zip(last.iter_mut()) {
            if folded.starts_with(term[0].as_str()) {
                *at = Some(position);
                seen = true;
            }
        }
        if seen && last.iter().all(Option::is_some) {
            let first = last.iter().flatten().copied().min().unwrap_or(position);
            best = best.min(position - first + 1);
        }
    }
    if best == usize::MAX {
        return u32::MAX / 2;
    }
    u32::try_from(best.saturating_sub(terms.len())).unwrap_or(u32::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn packed_ranks_sort_as_ranks_do(
            a in (0u8..3, 0u32..255, 0i64..4096, 0u32..256, proptest::num::u32::ANY),
            b in (0u8..3, 0u32..255, 0i64..4096, 0u32..256, proptest::num::u32::ANY),
        ) {
            let rank = |(tier, cost, scattered, proximity, newest): (u8, u32, i64, u32, u32)| Rank {
                tier: [Tier::Words, Tier::Typos, Tier::Scattered][usize::from(tier)],
                cost,
                scattered: -scattered,
                proximity,
                newest,
            };
            let (a, b) = (rank(a), rank(b));
            proptest::prop_assert_eq!(a.cmp(&b), a.packed().cmp(&b.packed()));
            proptest::prop_assert_eq!(Rank::unpacked(a.packed()), a);
        }
    }

    #[test]
    fn walking_the_date_order_ranks_as_sorting_does() {
        // Dates repeating and missing; two terms matching most cards, at various grades.
        let n = 5_000u32;
        let cards: Vec<Card> = (0..n)
            .map(|i| Card {
                published_date_time: (i % 7 != 0)
                    .then(|| jiff::Timestamp::from_second(i64::from(i * 7_919 % 1_000)).unwrap()),
                ..Card::default()
            })
            .collect();
        let mut store = CardStore::default();
        store.push_chunk(cards);
        store.kill(17);
        let graded = |seed: u32| {
            let mut b = GradesBuilder::new(n as usize, n as usize);
            for ix in (0..n).filter(|ix| (ix * seed) % 10 != 3) {
                b.add(ix, (ix * seed % 9) as Grade);
            }
            b.finish()
        };
        let clock = crate::search::syntax::Clock {
            now: jiff::Timestamp::UNIX_EPOCH,
            zone: jiff::tz::TimeZone::UTC,
        };
        // Both terms required (costs summed straight from the grades), and either of them.
        for text in ["alpha beta", "alpha | beta"] {
            let query = crate::search::parse(text, &clock).unwrap();
            let lookups = [Some(graded(13)), Some(graded(31))];
            let checks = [Check::Words, Check::Words];
            let evaluator = Evaluator {
                query: &query,
                cards: &store,
                lookups: &lookups,
                checks: &checks,
                order: store.date_order(),
            };
            let candidates = evaluator.candidates(n as usize, evaluator.leading());
            assert!(candidates.len() > PROXIMITY_LIMIT && evaluator.reads_no_card());
            let mut sorted = Vec::new();
            evaluator.finish(evaluator.ranked(&candidates, Tier::Words), &mut sorted);
            let walked_in = |costs: &[Cost], stretch| {
                // Written over a spare longer than the hits, as the reader's worker gives.
                let old = Hit {
                    ix: 7,
                    score: 1,
                    tier: Tier::Typos,
                };
                let mut hits = vec![old; n as usize + 3];
                evaluator
                    .walked_in_stretches(costs, Tier::Words, stretch, &mut hits)
                    .then_some(hits)
            };
            let costs = evaluator.costs_of(&candidates, n as usize);
            assert_eq!(walked_in(&costs, STRETCH).as_ref(), Some(&sorted));
            let every = evaluator.costs_of_every_slot(n as usize);
            // Read from the tables or slot by slot, the costs are those of the one rule.
            let one_by_one: Vec<Cost> = (0..n)
                .map(|ix| match store.is_live(ix) {
                    true => evaluator
                        .clamped_cost(ix, &|term| lookups[term].as_ref().map(|g| g.get(ix))),
                    false => UNMATCHED,
                })
                .collect();
            assert_eq!(every, one_by_one, "{text}");
            assert_eq!(walked_in(&every, STRETCH).as_ref(), Some(&sorted));
            // Cut into stretches of every size around the levels' boundaries.
            for stretch in [1, 7, 1_000, 4_999] {
                assert_eq!(
                    walked_in(&every, stretch).as_ref(),
                    Some(&sorted),
                    "{text} in stretches of {stretch}"
                );
            }
        }
    }

    #[test]
    fn proximity_counts_the_words_between() {
        let t = |s: &str| vec![s.to_string()];
        let (a, b) = (t("mars"), t("rover"));
        assert_eq!(proximity("Mars rover lands", &[&a, &b]), 0);
        assert_eq!(proximity("Mars: the old rover lands", &[&a, &b]), 2);
        assert_eq!(proximity("rover lands on Mars", &[&a, &b]), 2);
    }

    #[test]
    fn phrases_match_in_order_with_the_last_word_a_prefix() {
        let f = |s: &str| words(s).map(|w| w.folded).collect::<Vec<_>>();
        let terms = f("climate ch");
        assert_eq!(
            phrase_at(&f("The climate change talks"), &terms, true),
            Some((1, false))
        );
        assert_eq!(phrase_at(&f("change of climate"), &terms, true), None);
        assert_eq!(phrase_at(&f("climate ch"), &terms, false), Some((0, true)));
    }
}
