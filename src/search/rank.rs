//! Scoring cards against a [`Query`]: which cards match, how well, in what order, and which
//! title characters to highlight.
//!
//! A fuzzy term is scored like fuzzy-matcher's `SkimMatcherV2` (smart case) in each field it
//! may match, weighted by field: title ×3, provider ×2, topic ×2, excerpt ×1; the term keeps its
//! best field and a card's score is the sum over its terms. A non-fuzzy term scores what its
//! text scores against itself, times the field's weight; a negated term scores 0. Ties go to
//! the newer card, then to the lower index.
//!
//! Excerpts are long enough to hold almost any few letters in order, so a fuzzy match there
//! counts only if it is compact: the pattern and each of its prefixes must score at least
//! half of what they score against themselves (prefixes too, so typing a letter more can only
//! narrow the hits; see [`Query::narrows`]).
//!
//! Scores and highlights come from one port of the matcher (module `skim`), which, unlike
//! the matcher itself, is deterministic across calls; tests hold the port equal to the crate.
//! Non-fuzzy terms are found by module `needle`, and the excerpt rule's cheap half is module
//! `align`.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::align;
use super::needle::Needle;
use super::query::{Kind, Query, Scope, Term};
use super::skim;
use crate::corpus::{Card, CardIx, CardStore};

/// One matching card and its score; higher is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hit {
    pub ix: CardIx,
    pub score: i64,
}

/// Ranks every card of `cards`, or only those listed in `candidates` (each listed once), by
/// `query`: best score first, then newest, then lowest index. The empty query keeps every card
/// with score 0, newest first. Indices not in `cards` are skipped.
pub fn rank(cards: &CardStore, query: &Query, candidates: Option<&[CardIx]>) -> Vec<Hit> {
    let never = AtomicBool::new(false);
    rank_interruptible(cards, query, candidates, &never).unwrap_or_default()
}

/// Char indices of `card.display_title()` to highlight for `query`: the union over the
/// positive terms that may match a title (unscoped or `title:`) of where they match it, as
/// scored: a fuzzy term's chars along the path its title score came from.
pub(crate) fn title_match_positions(card: &Card, query: &Query) -> Vec<usize> {
    let title = card.display_title();
    let mut out = Vec::new();
    for term in query.terms() {
        if term.negated || !matches!(term.scope, Scope::Any | Scope::Title) {
            continue;
        }
        if term.kind == Kind::Fuzzy {
            // The full matrix for every call: this runs for drawn rows only.
            let pattern: Vec<char> = term.text.chars().collect();
            if let Some((_, ixs)) = skim::indices(&pattern, skim::smart_case(&pattern), title) {
                out.extend(ixs);
            }
        } else if let Some((start, end)) = Needle::new(term).locate(term.kind, title) {
            let first = title[..start].chars().count();
            out.extend(first..first + title[start..end].chars().count());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// [`rank`] that gives up, returning `None`, soon after `interrupt` is set.
pub(crate) fn rank_interruptible(
    cards: &CardStore,
    query: &Query,
    candidates: Option<&[CardIx]>,
    interrupt: &AtomicBool,
) -> Option<Vec<Hit>> {
    // Small enough to spread over the cores however the loader batched the cards, and to
    // notice an interrupt within a millisecond or so.
    const PIECE: usize = 2048;
    let compiled = Compiled::new(query);
    let score_piece = |scratch: &mut Scratch, ixs: &mut dyn Iterator<Item = (CardIx, &Card)>| {
        if interrupt.load(Ordering::Relaxed) {
            return Vec::new();
        }
        ixs.filter_map(|(ix, card)| {
            let score = compiled.score(card, scratch)?;
            Some(SortKey::new(score, card.published_date_time, ix))
        })
        .collect::<Vec<_>>()
    };
    // In index order, cards are visited in memory order; in score order (as a previous
    // result lists them) every card is a cache miss, which costs more than this sort.
    let sorted = candidates.map(|ixs| {
        let mut v = ixs.to_vec();
        v.par_sort_unstable();
        v
    });
    let mut ranked: Vec<SortKey> = match sorted.as_deref() {
        Some(ixs) => ixs
            .par_chunks(PIECE)
            .map_init(Scratch::default, |scratch, piece| {
                let mut it = piece
                    .iter()
                    .filter_map(|&ix| cards.get(ix).map(|card| (ix, card)));
                score_piece(scratch, &mut it)
            })
            .flatten_iter()
            .collect(),
        None => {
            let pieces: Vec<(CardIx, &[Card])> = cards
                .chunks()
                .flat_map(|(start, chunk)| (start..).step_by(PIECE).zip(chunk.chunks(PIECE)))
                .collect();
            pieces
                .par_iter()
                .map_init(Scratch::default, |scratch, &(start, piece)| {
                    let mut it = (start..)
                        .zip(piece.iter())
                        .filter(|(ix, _)| cards.is_live(*ix));
                    score_piece(scratch, &mut it)
                })
                .flatten_iter()
                .collect()
        }
    };
    if interrupt.load(Ordering::Relaxed) {
        return None;
    }
    ranked.par_sort_unstable();
    Some(ranked.into_par_iter().map(SortKey::hit).collect())
}

/// Scores are kept within +-2^25 so that a hit packs into a [`SortKey`]; no real query
/// comes near (a term scores at most 3 * (31 + 24 per extra char)).
const MAX_SCORE: i64 = (1 << 25) - 1;

/// A hit packed into one integer whose ascending order is the ranking: score descending
/// (26 bits), then publication time descending (70 bits of nanoseconds; unknown last), then
/// index ascending (32 bits). Sorting one `u128` is much faster than comparing a struct
/// field by field, and it never goes back to the store for dates.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey(u128);

impl SortKey {
    fn new(score: i64, time: Option<jiff::Timestamp>, ix: CardIx) -> SortKey {
        let score = score.clamp(-MAX_SCORE - 1, MAX_SCORE);
        let score_part = (MAX_SCORE - score) as u128;
        // jiff's timestamps lie within +-2^69 ns, so this is 1..2^70, and 0 when unknown.
        let time_part = time.map_or(0, |t| (t.as_nanosecond() + (1 << 69)) as u128);
        let time_desc = ((1u128 << 70) - 1) - time_part;
        SortKey(score_part << 102 | time_desc << 32 | u128::from(ix))
    }

    fn hit(self) -> Hit {
        Hit {
            ix: self.0 as CardIx,
            score: MAX_SCORE - (self.0 >> 102) as i64,
        }
    }
}

/// The fields a term can match, with how much a match there counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    ProviderName,
    ProviderDomain,
    Topic,
    Excerpt,
    Category,
}

impl Field {
    fn weight(self) -> i64 {
        match self {
            Field::Title => 3,
            Field::ProviderName | Field::ProviderDomain | Field::Topic => 2,
            Field::Excerpt | Field::Category => 1,
        }
    }
}

/// `card.display_title()`, without trimming the whole title on every call of the hot path.
fn title_of(card: &Card) -> &str {
    match card.title.as_deref() {
        Some(t) if t.starts_with(|c: char| !c.is_whitespace()) || !t.trim_start().is_empty() => t,
        _ => card.display_title(),
    }
}

/// Calls `f` on each field of `card` in `scope`, heaviest first, until it returns true.
fn any_field(card: &Card, scope: Scope, mut f: impl FnMut(Field, &str) -> bool) -> bool {
    let topics =
        |f: &mut dyn FnMut(Field, &str) -> bool| card.topics.iter().any(|t| f(Field::Topic, t));
    match scope {
        Scope::Any => {
            f(Field::Title, title_of(card))
                || card
                    .provider_name()
                    .is_some_and(|n| f(Field::ProviderName, n))
                || topics(&mut f)
                || card
                    .excerpt
                    .as_deref()
                    .is_some_and(|e| f(Field::Excerpt, e))
        }
        Scope::Title => f(Field::Title, title_of(card)),
        Scope::Provider => {
            card.provider_name()
                .is_some_and(|n| f(Field::ProviderName, n))
                || card
                    .provider_domain()
                    .is_some_and(|d| f(Field::ProviderDomain, d))
        }
        Scope::Topic => topics(&mut f),
        Scope::Category => card
            .category
            .as_deref()
            .is_some_and(|c| f(Field::Category, c)),
    }
}

/// Buffers reused across cards by one thread of work.
#[derive(Default)]
struct Scratch {
    skim: skim::Scratch,
    align: align::Scratch,
}

/// A query made ready to score many cards: everything that depends only on the query is
/// computed here once, not per card.
struct Compiled<'q> {
    /// Cheap and selective terms first, so most cards are rejected early.
    terms: Vec<Prepared<'q>>,
}

impl<'q> Compiled<'q> {
    fn new(query: &'q Query) -> Self {
        let mut scratch = skim::Scratch::default();
        let mut terms: Vec<_> = query
            .terms()
            .iter()
            .map(|t| Prepared::new(t, &mut scratch))
            .collect();
        terms.sort_by_key(|p| {
            (
                p.term.kind == Kind::Fuzzy && !p.term.negated,
                std::cmp::Reverse(p.pattern.len()),
            )
        });
        Compiled { terms }
    }

    fn score(&self, card: &Card, scratch: &mut Scratch) -> Option<i64> {
        let total = self.terms.iter().try_fold(0i64, |total, p| {
            Some(total.saturating_add(p.score(card, scratch)?))
        })?;
        Some(total.clamp(-MAX_SCORE - 1, MAX_SCORE))
    }
}

struct Prepared<'q> {
    term: &'q Term,
    pattern: Vec<char>,
    /// The pattern's smart case ([`skim::smart_case`]).
    fuzzy_case_sensitive: bool,
    needle: Needle,
    /// What the text scores against itself: the score of any non-fuzzy match.
    base: i64,
    /// No skim score of this pattern exceeds it, so a field whose weight times it cannot
    /// beat the best so far is not scored at all.
    upper: i64,
    /// For each prefix length k (index k - 1): its smart case and its score against itself.
    prefixes: Vec<(bool, i64)>,
    /// The excerpt rule's cheap half; `None` for patterns too long for it.
    align: Option<align::Table>,
    /// The pattern's chars by byte, in its own case mode, for [`skim::score_with_table`].
    skim_table: Option<skim::ByteTable>,
}

impl<'q> Prepared<'q> {
    fn new(term: &'q Term, scratch: &mut skim::Scratch) -> Self {
        let pattern: Vec<char> = term.text.chars().collect();
        let mut prefixes = Vec::with_capacity(pattern.len());
        for k in 1..=pattern.len() {
            let prefix = &pattern[..k];
            let cs = skim::smart_case(prefix);
            let own: String = prefix.iter().collect();
            let self_score = skim::score(prefix, cs, &own, scratch).unwrap_or(0);
            prefixes.push((cs, self_score));
        }
        let case_sensitive = skim::smart_case(&pattern);
        Prepared {
            term,
            fuzzy_case_sensitive: case_sensitive,
            needle: Needle::new(term),
            base: prefixes.last().map_or(0, |p| p.1),
            upper: skim::upper_bound(pattern.len()),
            align: align::Table::new(&pattern, prefixes.iter().map(|p| p.1).collect()),
            skim_table: skim::ByteTable::new(&pattern, !case_sensitive),
            prefixes,
            pattern,
        }
    }

    fn score(&self, card: &Card, scratch: &mut Scratch) -> Option<i64> {
        let term = self.term;
        if term.negated {
            // Negated fuzzy cannot come from `parse`; treat it like fzf does all the same.
            let kind = if term.kind == Kind::Fuzzy {
                Kind::Exact
            } else {
                term.kind
            };
            let found = any_field(card, term.scope, |_, text| {
                self.needle.locate(kind, text).is_some()
            });
            return if found { None } else { Some(0) };
        }
        if term.kind != Kind::Fuzzy {
            // Fields come heaviest first, so the first match is the best.
            let mut best = None;
            any_field(card, term.scope, |field, text| {
                let found = self.needle.locate(term.kind, text).is_some();
                if found {
                    best = Some(self.base * field.weight());
                }
                found
            });
            return best;
        }
        let mut best: Option<i64> = None;
        any_field(card, term.scope, |field, text| {
            let weight = field.weight();
            if best.is_some_and(|b| b >= self.upper * weight) {
                // Weights only decrease from here: nothing left can do better.
                return true;
            }
            let mut cap = i64::MAX;
            if field == Field::Excerpt {
                let Some(aligned) = self.excerpt_alignment(text, &mut scratch.align) else {
                    return false;
                };
                if best.is_some_and(|b| b >= aligned) {
                    return false;
                }
                cap = aligned;
            }
            let Some(s) = skim::score_with_table(
                &self.pattern,
                self.fuzzy_case_sensitive,
                self.skim_table.as_ref(),
                text,
                &mut scratch.skim,
            ) else {
                return false;
            };
            if field == Field::Excerpt && !self.excerpt_accepts(s, text, &mut scratch.skim) {
                return false;
            }
            // Above `cap` only through one of skim's paths that skip a char: not a real match.
            let s = s.min(cap) * weight;
            best = Some(best.map_or(s, |b| b.max(s)));
            false
        });
        best
    }

    /// The cheap half of [`Self::excerpt_accepts`]: every prefix has a real alignment in the
    /// excerpt scoring, optimistically, at least half its self-score; `None` if not, else the
    /// best such alignment of the whole pattern, which caps what the excerpt may count (see
    /// `align`). Most excerpts that merely hold the letters in order fail here, before the
    /// exact score is computed.
    fn excerpt_alignment(&self, text: &str, scratch: &mut align::Scratch) -> Option<i64> {
        match &self.align {
            Some(table) => table.best_if_every_prefix_reaches_half(text, scratch),
            None => Some(i64::MAX),
        }
    }

    /// Whether a fuzzy match in an excerpt of 300 chars is real rather than letters scattered
    /// across it: the pattern, and each of its prefixes, must score at least half what it
    /// scores against itself, both by skim and by a real alignment ([`Self::excerpt_alignment`],
    /// checked first). Requiring it of the prefixes too makes acceptance monotone as a term is
    /// typed further, which [`Query::narrows`] relies on (`lu` accepted by a mid-word "lu"
    /// while `l` alone is not would otherwise let `lu` match cards `l` did not).
    fn excerpt_accepts(&self, score: i64, text: &str, scratch: &mut skim::Scratch) -> bool {
        let Some(&(_, own)) = self.prefixes.last() else {
            return true;
        };
        if score * 2 < own {
            return false;
        }
        // Prefixes in the pattern's own case mode were scored along with it; the others (no
        // uppercase yet where the pattern has some later) need a run of their own.
        let same_mode = |k: usize| self.prefixes[k - 1].0 == self.fuzzy_case_sensitive;
        let n = self.pattern.len();
        let from_run = (1..n).filter(|&k| same_mode(k)).all(|k| {
            scratch
                .prefix_scores()
                .get(k - 1)
                .is_some_and(|&s| s * 2 >= self.prefixes[k - 1].1)
        });
        from_run
            && (1..n).filter(|&k| !same_mode(k)).all(|k| {
                let (cs, own) = self.prefixes[k - 1];
                skim::score(&self.pattern[..k], cs, text, scratch).is_some_and(|s| s * 2 >= own)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Provider;
    use crate::search::parse;
    use jiff::Timestamp;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn card(title: &str) -> Card {
        Card {
            title: Some(title.into()),
            ..Card::default()
        }
    }

    fn at(mut c: Card, secs: i64) -> Card {
        c.published_date_time = Timestamp::from_second(secs).ok();
        c
    }

    fn excerpt(mut c: Card, e: &str) -> Card {
        c.excerpt = Some(e.into());
        c
    }

    fn store(cards: Vec<Card>) -> CardStore {
        let mut s = CardStore::default();
        s.push_chunk(cards);
        s
    }

    fn q(input: &str) -> Query {
        match parse(input) {
            Ok(q) => q,
            Err(e) => panic!("{input:?}: {e}"),
        }
    }

    fn ixs(hits: &[Hit]) -> Vec<CardIx> {
        hits.iter().map(|h| h.ix).collect()
    }

    /// The score `rank` gives `card` in a store of its own.
    fn score_alone(card: &Card, query: &Query) -> Option<i64> {
        let hits = rank(&store(vec![card.clone()]), query, None);
        hits.first().map(|h| h.score)
    }

    #[test]
    fn title_match_beats_excerpt_match() {
        let s = store(vec![
            excerpt(card("Markets today"), "A new lupus drug is approved"),
            card("New lupus drug approved"),
        ]);
        let hits = rank(&s, &q("lupus"), None);
        assert_eq!(ixs(&hits), vec![1, 0]);
        assert!(hits[0].score > hits[1].score);
    }

    #[test]
    fn ties_go_to_the_newest_then_to_the_lowest_index() {
        let s = store(vec![
            card("lupus"),
            at(card("lupus"), 100),
            card("lupus"),
            at(card("lupus"), 200),
            at(card("lupus"), 100),
        ]);
        let hits = rank(&s, &q("lupus"), None);
        assert_eq!(ixs(&hits), vec![3, 1, 4, 0, 2]);
        assert!(hits.iter().all(|h| h.score == hits[0].score));
    }

    #[test]
    fn sort_keys_order_by_score_then_time_then_index() {
        let t = |s: i64, ns: i32| Timestamp::new(s, ns).ok();
        let keys = [
            SortKey::new(MAX_SCORE + 5, None, 9),
            SortKey::new(7, Some(Timestamp::MAX), 3),
            SortKey::new(7, t(0, 1), 1),
            SortKey::new(7, t(0, 0), 0),
            SortKey::new(7, Some(Timestamp::MIN), 2),
            SortKey::new(7, None, 0),
            SortKey::new(7, None, 1),
            SortKey::new(-3, t(5, 0), 0),
            SortKey::new(i64::MIN, None, 0),
        ];
        let mut sorted = keys;
        sorted.sort_unstable();
        assert!(sorted == keys, "{:?}", sorted.map(|k| k.hit()));
        assert_eq!(
            keys[0].hit(),
            Hit {
                ix: 9,
                score: MAX_SCORE
            }
        );
        assert_eq!(keys[7].hit(), Hit { ix: 0, score: -3 });
        assert_eq!(keys[8].hit().score, -MAX_SCORE - 1);
    }

    #[test]
    fn the_empty_query_keeps_everything_newest_first() {
        let s = store(vec![card("a"), at(card("b"), 5), at(card("c"), 9)]);
        let hits = rank(&s, &Query::default(), None);
        assert_eq!(ixs(&hits), vec![2, 1, 0]);
        assert!(hits.iter().all(|h| h.score == 0));
        assert_eq!(ixs(&rank(&s, &Query::default(), Some(&[0, 2]))), vec![2, 0]);
    }

    #[test]
    fn every_term_must_match() {
        let s = store(vec![card("lupus trial"), card("lupus"), card("trial")]);
        assert_eq!(ixs(&rank(&s, &q("lupus trial"), None)), vec![0]);
        assert_eq!(ixs(&rank(&s, &q("trial lupus"), None)), vec![0]);
    }

    #[test]
    fn negated_terms_exclude() {
        let s = store(vec![card("lupus trial"), card("lupus"), card("lupu s")]);
        // "lupu s" still fuzzily matches lupus in its title, below the contiguous match.
        assert_eq!(ixs(&rank(&s, &q("lupus !trial"), None)), vec![1, 2]);
        // Negated fuzzy is a negated substring: "lupu s" is not excluded by !lupus.
        assert_eq!(ixs(&rank(&s, &q("!lupus"), None)), vec![2]);
        assert_eq!(ixs(&rank(&s, &q("!^lupus"), None)), vec![2]);
        assert_eq!(ixs(&rank(&s, &q("!trial$"), None)), vec![1, 2]);
    }

    #[test]
    fn exact_operators_and_smart_case() {
        let s = store(vec![
            card("Apple unveils"),
            card("apple pie"),
            card("pineapple"),
            card(" Apple "),
        ]);
        let found = |query: &str| {
            let mut v = ixs(&rank(&s, &q(query), None));
            v.sort_unstable();
            v
        };
        assert_eq!(found("'apple"), vec![0, 1, 2, 3]);
        assert_eq!(found("'Apple"), vec![0, 3]);
        assert_eq!(found("^apple"), vec![0, 1, 3]);
        assert_eq!(found("apple$"), vec![2, 3]);
        assert_eq!(found("^apple$"), vec![3]);
        assert_eq!(found("^Apple$"), vec![3]);
        assert_eq!(found("\"apple pie\""), vec![1]);
        assert_eq!(found("Apple"), vec![0, 3]);
        assert_eq!(found("apl"), vec![0, 1, 2, 3]);
    }

    #[test]
    fn non_ascii_exact_terms_fold_case() {
        let s = store(vec![card("Élan vital"), card("élan"), card("elan")]);
        let mut v = ixs(&rank(&s, &q("'élan"), None));
        v.sort_unstable();
        assert_eq!(v, vec![0, 1]);
        assert_eq!(ixs(&rank(&s, &q("^Élan"), None)), vec![0]);
        assert_eq!(ixs(&rank(&s, &q("vital$"), None)), vec![0]);
        assert_eq!(ixs(&rank(&s, &q("'VITAL"), None)), Vec::<CardIx>::new());
    }

    #[test]
    fn scopes_limit_the_fields() {
        let mut bbc = card("Lupus news");
        bbc.provider = Some(Provider {
            name: Some(Arc::from("British Broadcasting")),
            domain: Some(Arc::from("bbc.co.uk")),
        });
        bbc.topics = vec![Arc::from("Health")].into();
        bbc.category = Some(Arc::from("news"));
        let mut other = card("BBC says hello");
        other.topics = vec![Arc::from("Science"), Arc::from("Space")].into();
        other.category = Some(Arc::from("video"));
        let s = store(vec![bbc, other]);
        let found = |query: &str| ixs(&rank(&s, &q(query), None));
        assert_eq!(found("provider:bbc"), vec![0]);
        assert_eq!(found("provider:british"), vec![0]);
        assert_eq!(found("!provider:bbc"), vec![1]);
        assert_eq!(found("provider:!bbc"), vec![1]);
        assert_eq!(found("title:bbc"), vec![1]);
        assert_eq!(found("topic:space"), vec![1]);
        assert_eq!(found("topic:^health$"), vec![0]);
        assert_eq!(found("category:news"), vec![0]);
        // Unscoped terms see the provider's name but not its domain, nor the category.
        assert_eq!(found("'bbc.co"), Vec::<CardIx>::new());
        assert_eq!(found("'video"), Vec::<CardIx>::new());
        assert_eq!(found("space"), vec![1]);
    }

    #[test]
    fn scattered_excerpt_matches_are_junk() {
        let scattered = "Lawmakers urged patients to seek help as budgets ran short";
        let lupus: Vec<char> = "lupus".chars().collect();
        assert!(
            skim::score(&lupus, false, scattered, &mut skim::Scratch::default()).is_some(),
            "the letters are there in order"
        );
        let s = store(vec![
            excerpt(card("Budget news"), scattered),
            excerpt(card("Health"), "Patients with lupus may benefit"),
            excerpt(card("Health"), "A lupus-like illness"),
        ]);
        let mut v = ixs(&rank(&s, &q("lupus"), None));
        v.sort_unstable();
        assert_eq!(v, vec![1, 2]);
        // The same letters scattered over a title do count: titles are short.
        let t = store(vec![card(scattered)]);
        assert_eq!(ixs(&rank(&t, &q("lupus"), None)), vec![0]);
    }

    #[test]
    fn a_cards_score_is_the_same_alone_as_among_others() {
        let s = store(vec![card("lupus trial"), card("other")]);
        let query = q("lupus");
        let hits = rank(&s, &query, None);
        assert_eq!(ixs(&hits), vec![0]);
        assert_eq!(
            score_alone(&card("lupus trial"), &query),
            Some(hits[0].score)
        );
        assert_eq!(score_alone(&card("other"), &query), None);
        assert_eq!(score_alone(&card("other"), &Query::default()), Some(0));
    }

    #[test]
    fn candidates_limit_what_is_ranked() {
        let s = store(vec![card("lupus a"), card("lupus b"), card("lupus c")]);
        assert_eq!(ixs(&rank(&s, &q("lupus"), Some(&[2, 0, 99]))), vec![0, 2]);
    }

    #[test]
    fn ranks_across_chunks_with_global_indices() {
        let mut s = CardStore::default();
        s.push_chunk(vec![card("x"), card("lupus")]);
        s.push_chunk(vec![card("lupus"), card("y")]);
        assert_eq!(ixs(&rank(&s, &q("lupus"), None)), vec![1, 2]);
    }

    #[test]
    fn interrupted_rank_gives_up() {
        let s = store(vec![card("a")]);
        let stop = AtomicBool::new(true);
        assert_eq!(rank_interruptible(&s, &q("a"), None, &stop), None);
    }

    #[test]
    fn highlights_in_the_title() {
        let c = card("Apple pie recipe");
        let hl = |query: &str| title_match_positions(&c, &q(query));
        assert_eq!(hl("apr"), vec![0, 6, 10]);
        assert_eq!(hl("'pie"), vec![6, 7, 8]);
        assert_eq!(hl("^app"), vec![0, 1, 2]);
        assert_eq!(hl("ipe$"), vec![13, 14, 15]);
        assert_eq!(hl("'pie ^app"), vec![0, 1, 2, 6, 7, 8]);
        assert_eq!(hl("title:'pie"), vec![6, 7, 8]);
        assert_eq!(hl("!pie provider:app topic:pie"), Vec::<usize>::new());
        assert_eq!(hl("zzz"), Vec::<usize>::new());
        assert_eq!(hl(""), Vec::<usize>::new());
        // Char indices, not bytes, and trimmed for whole-field terms.
        let e = card(" Élan vital ");
        assert_eq!(title_match_positions(&e, &q("'vit")), vec![6, 7, 8]);
        // Unquoted, those are two terms: a prefix and a suffix of the trimmed title.
        assert_eq!(
            title_match_positions(&e, &q("^élan vital$")),
            vec![1, 2, 3, 4, 6, 7, 8, 9, 10]
        );
        assert_eq!(title_match_positions(&e, &q("^vital")), Vec::<usize>::new());
        assert_eq!(
            title_match_positions(&e, &q("^\"élan vital\"$")),
            (1..11).collect::<Vec<_>>()
        );
        // An untitled card is matched and highlighted on its file name.
        let untitled = Card {
            path: "cards/000_lupus.txt".into(),
            ..Card::default()
        };
        assert_eq!(
            title_match_positions(&untitled, &q("'lupus")),
            vec![4, 5, 6, 7, 8]
        );
        assert!(score_alone(&untitled, &q("lupus")).is_some());
    }

    #[test]
    fn highlights_are_the_letters_the_score_counted() {
        // Skim's two-row matrix scores "tgh" here by the "t" of "the" alone: that letter is
        // highlighted, not an alignment of all three that the ranking never saw.
        let c = card("rates again news economy the");
        assert_eq!(title_match_positions(&c, &q("tgh")), vec![25]);
        assert_eq!(score_alone(&c, &q("tgh")), score_alone(&c, &q("t")));
    }

    /// Words built from few letters, so random queries often match and often narrow.
    fn word() -> impl Strategy<Value = String> {
        "[aAbl][ablu]{0,5}"
    }

    fn corpus() -> impl Strategy<Value = Vec<Card>> {
        let one = (
            prop::collection::vec(word(), 0..5),
            prop::collection::vec(word(), 0..12),
            prop::collection::vec(word(), 0..3),
            prop::option::of(0i64..5),
        )
            .prop_map(|(t, e, topics, secs)| {
                let mut c = card(&t.join(" "));
                c.excerpt = Some(e.join(" ").into());
                c.topics = topics.into_iter().map(Arc::from).collect();
                c.published_date_time = secs.and_then(|s| Timestamp::from_second(s).ok());
                c
            });
        prop::collection::vec(one, 0..40)
    }

    fn query_text() -> impl Strategy<Value = String> {
        let term = ("(!|title:|topic:|')?\\^?", word(), "\\$?")
            .prop_map(|(op, w, end)| format!("{op}{w}{end}"));
        prop::collection::vec(term, 0..3).prop_map(|t| t.join(" "))
    }

    proptest! {
        #[test]
        fn narrowed_rank_over_previous_hits_equals_full_rank(
            cards in corpus(),
            before in query_text(),
            typed in "[ablu]{0,3}( [ablu]{1,3})?",
            split in 0usize..3,
        ) {
            let s = store(cards.clone());
            let previous = q(&before);
            // Type at the end of the previous query, or a new term, or both.
            let now_text = match split {
                0 => format!("{before}{typed}"),
                1 => format!("{before} {typed}"),
                _ => format!("{typed} {before}"),
            };
            let Ok(now) = parse(&now_text) else { return Ok(()) };
            let full = rank(&s, &now, None);
            if now.narrows(&previous) {
                let prev_ixs = ixs(&rank(&s, &previous, None));
                prop_assert_eq!(rank(&s, &now, Some(&prev_ixs)), full.clone());
            }
            let each: Vec<_> = cards.iter().map(|c| score_alone(c, &now)).collect();
            prop_assert_eq!(full.len(), each.iter().filter(|m| m.is_some()).count());
            for h in &full {
                prop_assert_eq!(each[h.ix as usize], Some(h.score));
            }
        }
    }
}
