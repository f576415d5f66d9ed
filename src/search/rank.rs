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
//! The score is computed by a port of the matcher (module `skim`) rather than the matcher
//! itself, which is not deterministic across calls; tests hold the port equal to the crate.

use std::sync::atomic::{AtomicBool, Ordering};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use rayon::prelude::*;

use super::query::{Kind, Query, Scope, Term, fold};
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

/// The score of one card for `query`, or `None` if it does not match.
pub fn matches(card: &Card, query: &Query) -> Option<i64> {
    Compiled::new(query).score(card, &mut skim::Scratch::default())
}

/// Char indices of `card.display_title()` to highlight for `query`: the union over the
/// positive terms that may match a title (unscoped or `title:`) of where they match it.
pub fn title_match_positions(card: &Card, query: &Query) -> Vec<usize> {
    let title = card.display_title();
    let mut out = Vec::new();
    for term in query.terms() {
        if term.negated || !matches!(term.scope, Scope::Any | Scope::Title) {
            continue;
        }
        if term.kind == Kind::Fuzzy {
            // A matcher per call: its reused buffers would otherwise carry state between calls
            // (see `skim`); this runs for drawn rows only, so the allocation does not matter.
            let matcher = SkimMatcherV2::default().smart_case();
            if let Some((_, ixs)) = matcher.fuzzy_indices(title, &term.text) {
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
    let score_piece = |scratch: &mut skim::Scratch,
                       ixs: &mut dyn Iterator<Item = (CardIx, &Card)>| {
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
            .map_init(skim::Scratch::default, |scratch, piece| {
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
                .map_init(skim::Scratch::default, |scratch, &(start, piece)| {
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

    fn score(&self, card: &Card, scratch: &mut skim::Scratch) -> Option<i64> {
        let total = self.terms.iter().try_fold(0i64, |total, p| {
            Some(total.saturating_add(p.score(card, scratch)?))
        })?;
        Some(total.clamp(-MAX_SCORE - 1, MAX_SCORE))
    }
}

struct Prepared<'q> {
    term: &'q Term,
    pattern: Vec<char>,
    /// Skim's smart case: only ASCII uppercase makes a fuzzy pattern case-sensitive.
    fuzzy_case_sensitive: bool,
    needle: Needle,
    /// What the text scores against itself: the score of any non-fuzzy match.
    base: i64,
    /// No skim score of this pattern exceeds it, so a field whose weight times it cannot
    /// beat the best so far is not scored at all.
    upper: i64,
    /// For each prefix length k (index k - 1): its smart case and its score against itself.
    prefixes: Vec<(bool, i64)>,
    /// The second half of `prefixes`, on its own for `align`.
    self_scores: Vec<i64>,
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
            let cs = prefix.iter().any(char::is_ascii_uppercase);
            let own: String = prefix.iter().collect();
            let self_score = skim::score(prefix, cs, &own, scratch).unwrap_or(0);
            prefixes.push((cs, self_score));
        }
        Prepared {
            term,
            fuzzy_case_sensitive: pattern.iter().any(char::is_ascii_uppercase),
            needle: Needle::new(term),
            base: prefixes.last().map_or(0, |p| p.1),
            upper: skim::upper_bound(pattern.len()),
            self_scores: prefixes.iter().map(|p| p.1).collect(),
            align: align::Table::new(&pattern),
            skim_table: skim::ByteTable::new(
                &pattern,
                !pattern.iter().any(char::is_ascii_uppercase),
            ),
            prefixes,
            pattern,
        }
    }

    fn score(&self, card: &Card, scratch: &mut skim::Scratch) -> Option<i64> {
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
                let Some(aligned) = self.excerpt_alignment(text, scratch) else {
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
                scratch,
            ) else {
                return false;
            };
            if field == Field::Excerpt && !self.excerpt_accepts(s, text, scratch) {
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
    fn excerpt_alignment(&self, text: &str, scratch: &mut skim::Scratch) -> Option<i64> {
        let Some(table) = &self.align else {
            return Some(i64::MAX);
        };
        if text.is_ascii() {
            return align::best_if_every_prefix_reaches_half(
                table,
                &self.self_scores,
                text.as_bytes(),
                &mut scratch.align,
            );
        }
        if self.pattern.iter().all(char::is_ascii)
            && !skim::ascii_subsequence(&self.pattern, false, text.as_bytes())
        {
            return None;
        }
        scratch.chars.clear();
        scratch.chars.extend(text.chars());
        align::best_if_every_prefix_reaches_half(
            table,
            &self.self_scores,
            &scratch.chars,
            &mut scratch.align,
        )
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
                .prefix_scores
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

/// A non-fuzzy term's text, prepared for smart-case comparison.
enum Needle {
    /// The text has an uppercase letter: compare exactly.
    Sensitive(String),
    /// Lowercase ASCII: compare bytes, ignoring ASCII case (exact for any haystack, since a
    /// non-ASCII byte never equals an ASCII one and `fold` never maps non-ASCII to ASCII).
    Ascii(Vec<u8>),
    /// Folded chars, compared with the folded chars of the field.
    Folded(Vec<char>),
}

impl Needle {
    fn new(term: &Term) -> Needle {
        if term.case_sensitive() {
            Needle::Sensitive(term.text.clone())
        } else if term.text.is_ascii() {
            Needle::Ascii(term.text.to_ascii_lowercase().into_bytes())
        } else {
            Needle::Folded(term.text.chars().map(fold).collect())
        }
    }

    /// Byte range of `text` matched under `kind` (exact, prefix, suffix or whole; fuzzy is
    /// taken as exact); prefix, suffix and whole compare with `text` trimmed.
    fn locate(&self, kind: Kind, text: &str) -> Option<(usize, usize)> {
        if kind == Kind::Fuzzy || kind == Kind::Exact {
            return self.find(text);
        }
        let trimmed = text.trim();
        let offset = trimmed.as_ptr() as usize - text.as_ptr() as usize;
        let len = self.match_len_at_start(trimmed);
        let range = match kind {
            Kind::Prefix => len.map(|n| (0, n)),
            Kind::Whole => len.filter(|&n| n == trimmed.len()).map(|n| (0, n)),
            _ => self
                .match_len_at_end(trimmed)
                .map(|n| (trimmed.len() - n, trimmed.len())),
        };
        range.map(|(s, e)| (offset + s, offset + e))
    }

    fn find(&self, text: &str) -> Option<(usize, usize)> {
        match self {
            Needle::Sensitive(n) => text.find(n.as_str()).map(|s| (s, s + n.len())),
            Needle::Ascii(n) => find_ascii_caseless(text.as_bytes(), n).map(|s| (s, s + n.len())),
            Needle::Folded(n) => text
                .char_indices()
                .find_map(|(s, _)| folded_prefix_len(&text[s..], n).map(|len| (s, s + len))),
        }
    }

    /// Bytes of `text`'s start that match the needle, if it starts with it.
    fn match_len_at_start(&self, text: &str) -> Option<usize> {
        match self {
            Needle::Sensitive(n) => text.starts_with(n.as_str()).then_some(n.len()),
            Needle::Ascii(n) => text
                .as_bytes()
                .get(..n.len())
                .filter(|h| h.eq_ignore_ascii_case(n))
                .map(|_| n.len()),
            Needle::Folded(n) => folded_prefix_len(text, n),
        }
    }

    /// Bytes of `text`'s end that match the needle, if it ends with it.
    fn match_len_at_end(&self, text: &str) -> Option<usize> {
        match self {
            Needle::Sensitive(n) => text.ends_with(n.as_str()).then_some(n.len()),
            Needle::Ascii(n) => text
                .len()
                .checked_sub(n.len())
                .and_then(|s| text.as_bytes().get(s..))
                .filter(|h| h.eq_ignore_ascii_case(n))
                .map(|_| n.len()),
            Needle::Folded(n) => {
                let mut bytes = 0;
                let mut chars = text.chars().rev();
                for &want in n.iter().rev() {
                    let c = chars.next().filter(|&c| fold(c) == want)?;
                    bytes += c.len_utf8();
                }
                Some(bytes)
            }
        }
    }
}

/// Where lowercase ASCII `needle` first occurs in `hay` ignoring ASCII case; negated terms
/// run this over every field of every card.
fn find_ascii_caseless(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut found = None;
    for_each_byte(&hay[..=last_start], first, true, |s| {
        let here = hay[s + 1..s + needle.len()].eq_ignore_ascii_case(rest);
        if here {
            found = Some(s);
        }
        here
    });
    found
}

/// Calls `f` with each index of `hay` holding `b` (either case of it if `caseless` and it
/// is a letter), in order, until `f` returns true. Eight bytes at a time: a byte equals `b`
/// where `word ^ repeated(b)` has a zero byte, and most words have none.
fn for_each_byte(hay: &[u8], b: u8, caseless: bool, mut f: impl FnMut(usize) -> bool) {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // For a letter, `byte | 0x20` equals its lowercase exactly for its two cases.
    let (b, fold) = if caseless && b.is_ascii_alphabetic() {
        (b.to_ascii_lowercase(), 0x20u8)
    } else {
        (b, 0)
    };
    let repeated = u64::from(b) * LOW;
    let fold_word = u64::from(fold) * LOW;
    let mut words = hay.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = (u64::from_le_bytes(bytes) | fold_word) ^ repeated;
        // Flags every zero byte, and maybe a byte above one: each flag is checked below.
        let mut zero = x.wrapping_sub(LOW) & !x & HIGH;
        while zero != 0 {
            let k = zero.trailing_zeros() as usize / 8;
            zero &= zero - 1;
            if word[k] | fold == b && f(base + k) {
                return;
            }
        }
        base += 8;
    }
    for (k, &c) in words.remainder().iter().enumerate() {
        if c | fold == b && f(base + k) {
            return;
        }
    }
}

/// Bytes of `text`'s start whose folded chars are `needle`, if they are.
fn folded_prefix_len(text: &str, needle: &[char]) -> Option<usize> {
    let mut bytes = 0;
    let mut chars = text.chars();
    for &want in needle {
        let c = chars.next().filter(|&c| fold(c) == want)?;
        bytes += c.len_utf8();
    }
    Some(bytes)
}

/// SkimMatcherV2's `fuzzy_match` score, recomputed here.
///
/// Why not call the matcher: `SkimMatcherV2` keeps its score matrix in per-thread buffers
/// reused across calls and reads cells the current call never wrote, so the same
/// (choice, pattern) can score differently depending on what that thread scored before
/// (for example `fuzzy_match("Accb.-xb-xABbyBBB", "bby")` gives 65 or 53). Across rayon's
/// threads that made rankings differ run to run and broke "narrowed equals full rank".
/// This is the same algorithm and constants (fuzzy-matcher 0.3.7, default config), run on a
/// matrix cleared each call, so it equals a freshly built matcher exactly (a test checks
/// that against the crate); it also works on bytes for ASCII text and allocates nothing once
/// its scratch buffers have grown.
mod skim {
    const SCORE_MATCH: i32 = 16;
    const GAP_START: i32 = -3;
    const GAP_EXTENSION: i32 = -1;
    const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;
    const BONUS_HEAD: i32 = SCORE_MATCH / 2;
    const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
    const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
    const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
    const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
    const NEG_INFINITY: i32 = i16::MIN as i32;

    /// No score of an `n`-char pattern exceeds this: the first char scores at most
    /// 16 - 1 + 16 (a head bonus doubled at the choice's start), every other at most 16 + 8
    /// (no bonus but the first char's reaches 16, and that one is never read as a
    /// consecutive bonus). A test checks it against the crate.
    pub(super) fn upper_bound(n: usize) -> i64 {
        if n == 0 { 0 } else { 31 + 24 * (n as i64 - 1) }
    }

    /// Buffers reused across calls by one thread of work.
    #[derive(Default)]
    pub(super) struct Scratch {
        pub(super) chars: Vec<char>,
        first_matches: Vec<usize>,
        bonus: Vec<i32>,
        rows: [Row; 2],
        pub(super) sparse: Vec<SparseRow>,
        /// After a successful `score`: the score of each prefix of the pattern, scored with
        /// the pattern's case mode (index k - 1 for k chars).
        pub(super) prefix_scores: Vec<i64>,
        pub(super) align: super::align::Scratch,
    }

    pub(super) trait Unit: Copy {
        fn ch(self) -> char;
        fn char_type(self) -> CharType;
        /// The text as ASCII bytes, when that is what it is.
        fn as_bytes(text: &[Self]) -> Option<&[u8]>;
        /// The char as a byte, if it is ASCII.
        fn byte(self) -> Option<u8>;
    }

    impl Unit for u8 {
        fn as_bytes(text: &[u8]) -> Option<&[u8]> {
            Some(text)
        }
        #[inline]
        fn byte(self) -> Option<u8> {
            Some(self)
        }
        #[inline]
        fn ch(self) -> char {
            char::from(self)
        }
        #[inline]
        fn char_type(self) -> CharType {
            ASCII_TYPES[usize::from(self & 0x7f)]
        }
    }

    impl Unit for char {
        fn as_bytes(_: &[char]) -> Option<&[u8]> {
            None
        }
        #[inline]
        fn byte(self) -> Option<u8> {
            u8::try_from(self).ok().filter(u8::is_ascii)
        }
        #[inline]
        fn ch(self) -> char {
            self
        }
        #[inline]
        fn char_type(self) -> CharType {
            if self.is_ascii() {
                ASCII_TYPES[self as usize]
            } else {
                CharType::Lower
            }
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    pub(super) enum CharType {
        Empty,
        Upper,
        Lower,
        Number,
        HardSep,
        SoftSep,
    }

    const fn char_type(ch: char) -> CharType {
        match ch {
            '\0' => CharType::Empty,
            ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => CharType::HardSep,
            '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => CharType::SoftSep,
            '0'..='9' => CharType::Number,
            'A'..='Z' => CharType::Upper,
            _ => CharType::Lower,
        }
    }

    /// `char_type` of every ASCII char, looked up rather than matched in the inner loops.
    const ASCII_TYPES: [CharType; 128] = {
        let mut t = [CharType::Lower; 128];
        let mut i = 0;
        while i < 128 {
            t[i] = char_type(i as u8 as char);
            i += 1;
        }
        t
    };

    #[inline]
    pub(super) fn in_place_bonus(prev: CharType, cur: CharType) -> i32 {
        match (prev, cur) {
            (CharType::Empty | CharType::HardSep, _) => BONUS_HEAD,
            (CharType::SoftSep, _) => BONUS_BREAK,
            (CharType::Lower | CharType::Number, CharType::Upper) => BONUS_CAMEL,
            _ => 0,
        }
    }

    /// The bonus of the char at `ix` given the type of the one before, as the matcher
    /// computes it (doubled for the first char of the choice).
    #[inline]
    pub(super) fn bonus_at(ix: usize, prev: CharType, cur: CharType) -> i32 {
        let b = in_place_bonus(prev, cur);
        if ix == 0 {
            b * BONUS_FIRST_CHAR_MULTIPLIER
        } else {
            b
        }
    }

    #[inline]
    fn char_equal(a: char, b: char, case_sensitive: bool) -> bool {
        if case_sensitive {
            a == b
        } else {
            a.eq_ignore_ascii_case(&b)
        }
    }

    /// The score of `pattern` in `choice`, `None` if its chars do not all appear in order.
    pub(super) fn score(
        pattern: &[char],
        case_sensitive: bool,
        choice: &str,
        scratch: &mut Scratch,
    ) -> Option<i64> {
        if pattern.is_empty() {
            scratch.prefix_scores.clear();
            return Some(0);
        }
        if choice.is_ascii() {
            return dispatch(pattern, case_sensitive, choice.as_bytes(), scratch);
        }
        // Reject before decoding: an ASCII pattern char can only equal an ASCII byte.
        scratch.prefix_scores.clear();
        if pattern.iter().all(char::is_ascii)
            && !ascii_subsequence(pattern, case_sensitive, choice.as_bytes())
        {
            return None;
        }
        let mut chars = std::mem::take(&mut scratch.chars);
        chars.clear();
        chars.extend(choice.chars());
        let result = dispatch(pattern, case_sensitive, &chars, scratch);
        scratch.chars = chars;
        result
    }

    fn dispatch<U: Unit>(
        pattern: &[char],
        case_sensitive: bool,
        choice: &[U],
        scratch: &mut Scratch,
    ) -> Option<i64> {
        match pattern {
            [p] => {
                let score = match U::as_bytes(choice) {
                    Some(bytes) if p.is_ascii() => single_byte(*p as u8, case_sensitive, bytes),
                    _ => single(*p, case_sensitive, choice),
                };
                scratch.prefix_scores.clear();
                scratch.prefix_scores.extend(score);
                score
            }
            _ => run(pattern, case_sensitive, choice, scratch),
        }
    }

    pub(super) fn ascii_subsequence(pattern: &[char], case_sensitive: bool, hay: &[u8]) -> bool {
        let mut hay = hay.iter();
        pattern.iter().all(|&p| {
            let p = p as u8;
            if case_sensitive {
                hay.any(|&h| h == p)
            } else {
                let p = p.to_ascii_lowercase();
                hay.any(|&h| h.to_ascii_lowercase() == p)
            }
        })
    }

    /// One pattern char: the matrix reduces to the best of `-1 + bonus + match` over the
    /// positions it matches (the row above holds `p = -1` and `m = -inf` throughout).
    fn single<U: Unit>(p: char, case_sensitive: bool, choice: &[U]) -> Option<i64> {
        let mut best = None;
        for (ix, &c) in choice.iter().enumerate() {
            let ch = c.ch();
            if char_equal(ch, p, case_sensitive) {
                // Char classes only where the pattern char occurs: most chars are skipped.
                let prev = match ix.checked_sub(1) {
                    Some(before) => choice[before].char_type(),
                    None => CharType::Empty,
                };
                let matched = SCORE_MATCH
                    + if !case_sensitive && ch != p {
                        PENALTY_CASE_MISMATCH
                    } else {
                        0
                    };
                let s = GAP_EXTENSION + bonus_at(ix, prev, c.char_type()) + matched;
                best = Some(best.map_or(s, |b: i32| b.max(s)));
            }
        }
        best.map(i64::from)
    }

    /// [`single`] for ASCII text and an ASCII pattern char, which is every card's title on
    /// the first keystroke: candidates are found eight bytes at a time.
    fn single_byte(p: u8, case_sensitive: bool, choice: &[u8]) -> Option<i64> {
        let mut best: Option<i32> = None;
        super::for_each_byte(choice, p, !case_sensitive, |ix| {
            let c = choice[ix];
            let prev = match ix.checked_sub(1) {
                Some(before) => choice[before].char_type(),
                None => CharType::Empty,
            };
            let matched = if c == p {
                SCORE_MATCH
            } else {
                SCORE_MATCH + PENALTY_CASE_MISMATCH
            };
            let s = GAP_EXTENSION + bonus_at(ix, prev, c.char_type()) + matched;
            best = Some(best.map_or(s, |b| b.max(s)));
            false
        });
        best.map(i64::from)
    }

    fn run<U: Unit>(
        pattern: &[char],
        case_sensitive: bool,
        choice: &[U],
        scratch: &mut Scratch,
    ) -> Option<i64> {
        scratch.prefix_scores.clear();
        let first_matches = &mut scratch.first_matches;
        first_matches.clear();
        let mut want = pattern.iter();
        let mut next = want.next();
        for (ix, &c) in choice.iter().enumerate() {
            let Some(&p) = next else { break };
            if char_equal(c.ch(), p, case_sensitive) {
                first_matches.push(ix);
                next = want.next();
            }
        }
        if next.is_some() {
            return None;
        }
        if pattern.len() <= SPARSE_MAX_PATTERN && choice.len() <= SPARSE_MAX_CHOICE {
            return run_sparse(
                pattern,
                case_sensitive,
                choice,
                first_matches,
                &mut scratch.sparse,
                &mut scratch.prefix_scores,
            );
        }
        let start = first_matches[0];

        // Columns are choice positions + 1; nothing left of the first match is ever read.
        let cols = choice.len() + 1;
        let bonus = &mut scratch.bonus;
        bonus.clear();
        bonus.resize(cols, 0);
        let mut prev = match start.checked_sub(1) {
            Some(ix) => choice[ix].char_type(),
            None => CharType::Empty,
        };
        for (ix, &c) in choice.iter().enumerate().skip(start) {
            let cur = c.char_type();
            bonus[ix + 1] = bonus_at(ix, prev, cur);
            prev = cur;
        }

        // Two rows, used alternately, as the matcher's score-only mode does; its quirks (the
        // consecutive bonus and the first cell of a row read from the row two back) are
        // kept, since equality with the crate is the point.
        let rows = &mut scratch.rows;
        for row in rows.iter_mut() {
            row.fit(cols);
        }
        let [row0, row1] = rows;
        // What a new matcher holds where it is read before being written: the row above the
        // first, each row's starting cell, and every consecutive bonus.
        row0.m[start..].fill(NEG_INFINITY);
        row0.p[start..].fill(GAP_EXTENSION);
        row0.bonus[start..].fill(0);
        row1.bonus[start..].fill(0);
        row1.m[start] = NEG_INFINITY;
        row1.p[start] = NEG_INFINITY;
        for (i, &p_ch) in pattern.iter().enumerate() {
            let (row, above) = if i % 2 == 0 {
                (&mut *row1, &*row0)
            } else {
                (&mut *row0, &*row1)
            };
            let to_skip = first_matches[i];
            let p_other = if p_ch.is_ascii_alphabetic() && !case_sensitive {
                char::from(p_ch as u8 ^ 0x20)
            } else {
                p_ch
            };
            let Row {
                m,
                p,
                bonus: row_bonus,
            } = row;
            // Column `to_skip + 1 + j` for j in 0..len, as equal-length slices so the loop
            // keeps its pointers in registers and needs no bounds checks.
            let len = cols - 1 - to_skip;
            let chars = &choice[to_skip..][..len];
            let in_place = &bonus[to_skip + 1..][..len];
            let above_m = &above.m[to_skip..][..len];
            let above_p = &above.p[to_skip..][..len];
            let m = &mut m[to_skip..][..len + 1];
            let p = &mut p[to_skip..][..len + 1];
            let row_bonus = &mut row_bonus[to_skip..][..len + 1];
            let (mut last_m, mut last_p, mut last_bonus) = (m[0], p[0], row_bonus[0]);
            let mut best = last_m;
            for j in 0..len {
                let c_ch = chars[j].ch();
                let gap = (GAP_START + GAP_EXTENSION + last_m).max(GAP_EXTENSION + last_p);
                if c_ch == p_ch || c_ch == p_other {
                    let matched = if c_ch == p_ch {
                        SCORE_MATCH
                    } else {
                        SCORE_MATCH + PENALTY_CASE_MISMATCH
                    };
                    let consecutive = last_bonus.max(in_place[j].max(BONUS_CONSECUTIVE));
                    row_bonus[j] = consecutive;
                    let via_match = above_m[j] + consecutive;
                    let via_skip = above_p[j] + in_place[j];
                    last_m = via_match.max(via_skip) + matched;
                    // Not written by the matcher on a match: whatever was there stays.
                    last_bonus = row_bonus[j + 1];
                } else {
                    last_m = NEG_INFINITY;
                    last_bonus = 0;
                    row_bonus[j + 1] = 0;
                }
                last_p = gap;
                m[j + 1] = last_m;
                p[j + 1] = last_p;
                best = best.max(last_m);
            }
            // What the matcher returns for the first i + 1 chars alone (same case mode):
            // the rows so far are exactly what that shorter run leaves.
            scratch.prefix_scores.push(i64::from(best));
        }
        scratch.prefix_scores.last().copied()
    }

    /// Sizes up to which [`run_sparse`] is exact: its "minus infinity" stands for every value
    /// the matrix derives from its `-32768`, which stays below -16384 while patterns are
    /// short, and real scores stay above it while choices are.
    const SPARSE_MAX_PATTERN: usize = 64;
    const SPARSE_MAX_CHOICE: usize = 8000;
    const FLOOR: i32 = -16384;
    const MINUS_INF: i32 = i32::MIN / 4;

    fn finite(v: i32) -> Option<i32> {
        (v > FLOOR).then_some(v)
    }

    /// One row of the matrix, kept only where its pattern char matches.
    #[derive(Default)]
    pub(super) struct SparseRow {
        /// The column the row starts from (its first match's column minus one) and the
        /// values found there, left by the row two above or by a new matcher.
        start: u32,
        start_m: i32,
        start_p: i32,
        start_bonus: i32,
        /// Columns where the pattern char matches, ascending, all after `start`.
        cols: Vec<u32>,
        /// The score M at each of those columns.
        m: Vec<i32>,
        /// The consecutive bonus computed there, which the matcher stores in the column
        /// before.
        consecutive: Vec<i32>,
        /// Best `M + column - 3` over the first j matches: the gap score P at any later
        /// column follows from it (P falls by one per column after the best match).
        gap_best: Vec<i32>,
    }

    impl SparseRow {
        fn find(&self, col: u32) -> Option<usize> {
            self.cols.binary_search(&col).ok()
        }

        /// M at `col` (> start).
        fn m_at(&self, col: u32) -> i32 {
            self.find(col).map_or(MINUS_INF, |j| self.m[j])
        }

        /// `P + col` at `col` (> start).
        fn gap_at(&self, col: u32) -> i32 {
            let before = self.cols.partition_point(|&c| c < col);
            let mut q = self.start_gap();
            if before > 0 {
                q = q.max(self.gap_best[before - 1]);
            }
            q
        }

        /// `P + col` just after the start, before any match.
        fn start_gap(&self) -> i32 {
            let s = self.start as i32;
            let from_p = finite(self.start_p).map_or(MINUS_INF, |p| p + s);
            let from_m = finite(self.start_m).map_or(MINUS_INF, |m| m + s - 3);
            from_p.max(from_m)
        }
    }

    /// The bonus field at `col` of the physical row of `rows[r]` once that row is done.
    fn bonus_after(rows: &[SparseRow], r: usize, col: u32) -> i32 {
        let row = &rows[r];
        if col >= row.start
            && let Some(j) = row.find(col + 1)
        {
            return row.consecutive[j];
        }
        if col > row.start && row.find(col).is_none() {
            return 0;
        }
        if r >= 2 {
            bonus_after(rows, r - 2, col)
        } else {
            0
        }
    }

    /// [`run`] computed only at the cells that matter: work in proportion to the positions
    /// where pattern chars occur rather than to pattern length times choice length.
    fn run_sparse<U: Unit>(
        pattern: &[char],
        case_sensitive: bool,
        choice: &[U],
        first_matches: &[usize],
        rows: &mut Vec<SparseRow>,
        prefix_scores: &mut Vec<i64>,
    ) -> Option<i64> {
        let n = pattern.len();
        if rows.len() < n {
            rows.resize_with(n, SparseRow::default);
        }
        for (i, &p_ch) in pattern.iter().enumerate() {
            let other = if p_ch.is_ascii_alphabetic() && !case_sensitive {
                char::from(p_ch as u8 ^ 0x20)
            } else {
                p_ch
            };
            let row = &mut rows[i];
            row.cols.clear();
            let from = first_matches[i];
            for (ix, &c) in choice.iter().enumerate().skip(from) {
                let c = c.ch();
                if c == p_ch || c == other {
                    row.cols.push(ix as u32 + 1);
                }
            }
        }
        sparse_rows(
            pattern,
            choice,
            first_matches,
            &mut rows[..n],
            prefix_scores,
        )
    }

    /// For each byte, which pattern chars it equals in one case mode (bit i for char i), so
    /// that one pass over ASCII text finds every row's positions.
    pub(super) struct ByteTable {
        masks: [u64; 256],
    }

    impl ByteTable {
        /// `None` for patterns of more than 64 chars. Non-ASCII pattern chars get no byte:
        /// they cannot occur in ASCII text.
        pub(super) fn new(pattern: &[char], case_blind: bool) -> Option<ByteTable> {
            if pattern.len() > 64 {
                return None;
            }
            let mut masks = [0u64; 256];
            for (i, &p) in pattern.iter().enumerate() {
                if p.is_ascii() {
                    let b = p as u8;
                    masks[usize::from(b)] |= 1 << i;
                    if case_blind {
                        masks[usize::from(b.to_ascii_lowercase())] |= 1 << i;
                        masks[usize::from(b.to_ascii_uppercase())] |= 1 << i;
                    }
                }
            }
            Some(ByteTable { masks })
        }

        #[inline]
        pub(super) fn get(&self, b: u8) -> u64 {
            self.masks[usize::from(b)]
        }
    }

    /// [`score`] for a pattern whose `table` is in its case mode: on ASCII text, one pass
    /// finds the first matches and every row's positions together.
    pub(super) fn score_with_table(
        pattern: &[char],
        case_sensitive: bool,
        table: Option<&ByteTable>,
        choice: &str,
        scratch: &mut Scratch,
    ) -> Option<i64> {
        let n = pattern.len();
        let Some(table) =
            table.filter(|_| n >= 2 && choice.is_ascii() && choice.len() <= SPARSE_MAX_CHOICE)
        else {
            return score(pattern, case_sensitive, choice, scratch);
        };
        let bytes = choice.as_bytes();
        scratch.prefix_scores.clear();
        if scratch.sparse.len() < n {
            scratch.sparse.resize_with(n, SparseRow::default);
        }
        let rows = &mut scratch.sparse[..n];
        rows.iter_mut().for_each(|r| r.cols.clear());
        let first_matches = &mut scratch.first_matches;
        first_matches.clear();
        let mut next = 0;
        for (ix, &b) in bytes.iter().enumerate() {
            let mut mask = table.get(b);
            if mask == 0 {
                continue;
            }
            // The matcher's greedy first matches: one pattern char per text char.
            if next < n && mask >> next & 1 == 1 {
                first_matches.push(ix);
                next += 1;
            }
            // A row only runs from its first match on.
            mask &= if next >= 64 {
                u64::MAX
            } else {
                (1 << next) - 1
            };
            while mask != 0 {
                let row = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                rows[row].cols.push(ix as u32 + 1);
            }
        }
        if next < n {
            return None;
        }
        sparse_rows(
            pattern,
            bytes,
            first_matches,
            rows,
            &mut scratch.prefix_scores,
        )
    }

    /// The matrix rows of [`run_sparse`], from each row's match positions.
    fn sparse_rows<U: Unit>(
        pattern: &[char],
        choice: &[U],
        first_matches: &[usize],
        rows: &mut [SparseRow],
        prefix_scores: &mut Vec<i64>,
    ) -> Option<i64> {
        let n = pattern.len();
        for i in 0..n {
            let (done, rest) = rows.split_at_mut(i);
            let row = &mut rest[0];
            let start = first_matches[i] as u32;
            let (start_m, start_p, start_bonus) = match i {
                0 => (MINUS_INF, MINUS_INF, 0),
                1 => (MINUS_INF, GAP_EXTENSION, 0),
                _ => {
                    let two_up = &done[i - 2];
                    (
                        two_up.m_at(start),
                        two_up.gap_at(start) - start as i32,
                        bonus_after(done, i - 2, start),
                    )
                }
            };
            row.start = start;
            row.start_m = start_m;
            row.start_p = start_p;
            row.start_bonus = start_bonus;
            row.m.clear();
            row.consecutive.clear();
            row.gap_best.clear();

            let p_ch = pattern[i];
            let above = i.checked_sub(1).map(|a| &done[a]);
            // Walks the row above in step with this one.
            let mut above_j = 0;
            let mut above_gap = above.map_or(MINUS_INF, SparseRow::start_gap);
            let mut gap_best = MINUS_INF;
            let mut prev_col = start;
            for j in 0..row.cols.len() {
                let col = row.cols[j];
                let ix = col as usize - 1;
                let (a_m, a_p) = match above {
                    None => (MINUS_INF, GAP_EXTENSION),
                    Some(a) => {
                        while above_j < a.cols.len() && a.cols[above_j] < col - 1 {
                            above_gap = above_gap.max(a.gap_best[above_j]);
                            above_j += 1;
                        }
                        // The row above starts left of this one's start, so column
                        // `col - 1` is one it computed: a match or minus infinity.
                        let a_m = if a.cols.get(above_j) == Some(&(col - 1)) {
                            a.m[above_j]
                        } else {
                            MINUS_INF
                        };
                        (a_m, above_gap - (col as i32 - 1))
                    }
                };
                let last_bonus = if col - 1 == start {
                    start_bonus
                } else if j > 0 && prev_col == col - 1 {
                    // Matched there too, so the matcher left that cell's bonus as it was.
                    if i >= 2 {
                        bonus_after(done, i - 2, col - 1)
                    } else {
                        0
                    }
                } else {
                    0
                };
                let prev_type = match ix.checked_sub(1) {
                    Some(b) => choice[b].char_type(),
                    None => CharType::Empty,
                };
                let in_place = bonus_at(ix, prev_type, choice[ix].char_type());
                let consecutive = last_bonus.max(in_place.max(BONUS_CONSECUTIVE));
                let matched = if choice[ix].ch() == p_ch {
                    SCORE_MATCH
                } else {
                    SCORE_MATCH + PENALTY_CASE_MISMATCH
                };
                let via_match = finite(a_m).map_or(MINUS_INF, |m| m + consecutive);
                let via_skip = finite(a_p).map_or(MINUS_INF, |p| p + in_place);
                let m = finite(via_match.max(via_skip)).map_or(MINUS_INF, |v| v + matched);
                row.m.push(m);
                row.consecutive.push(consecutive);
                if let Some(m) = finite(m) {
                    gap_best = gap_best.max(m + col as i32 - 3);
                }
                row.gap_best.push(gap_best);
                prev_col = col;
            }
            let best = row
                .m
                .iter()
                .copied()
                .fold(finite(start_m).unwrap_or(MINUS_INF), i32::max);
            prefix_scores.push(i64::from(best));
        }
        prefix_scores.last().copied()
    }

    /// One row of the matrix, field by field.
    #[derive(Default)]
    pub(super) struct Row {
        m: Vec<i32>,
        p: Vec<i32>,
        bonus: Vec<i32>,
    }

    impl Row {
        fn fit(&mut self, cols: usize) {
            for v in [&mut self.m, &mut self.p, &mut self.bonus] {
                if v.len() < cols {
                    v.resize(cols, 0);
                }
            }
        }
    }
}

/// A cheap test that a fuzzy pattern has a real, compact alignment in a long text, run on
/// excerpts before the exact score, and a cap on what the excerpt may count.
///
/// It scores alignments the way skim's matrix does (16 per char, skim's position bonuses,
/// gaps costing 3 + their length) but optimistically (a consecutive char always gets the
/// largest consecutive bonus, 8; case penalties are ignored) and only for alignments that
/// really place every char, which skim's quirks do not guarantee. It is therefore at least
/// skim's score along any real alignment, and an excerpt counts at most this much: skim
/// scores more only along a path that skips a char. One sparse pass over the positions where
/// the pattern's chars occur gives the best alignment of every prefix at once.
mod align {
    use super::skim::{ByteTable, CharType, Unit, bonus_at};

    /// Which pattern chars (bit i for char i, case-blind) each char is; built once per term
    /// so the scan over an excerpt costs one lookup per char.
    pub(super) struct Table {
        bytes: ByteTable,
        /// Non-ASCII pattern chars, compared one by one with non-ASCII text chars.
        others: Vec<(usize, char)>,
    }

    impl Table {
        /// `None` for patterns too long for the masks; they skip this test.
        pub(super) fn new(pattern: &[char]) -> Option<Table> {
            Some(Table {
                bytes: ByteTable::new(pattern, true)?,
                others: pattern
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !p.is_ascii())
                    .map(|(i, &p)| (i, p))
                    .collect(),
            })
        }

        #[inline]
        fn mask<U: Unit>(&self, c: U) -> u64 {
            match c.byte() {
                Some(b) => self.bytes.get(b),
                None => self
                    .others
                    .iter()
                    .filter(|&&(_, p)| p == c.ch())
                    .fold(0, |m, &(i, _)| m | 1 << i),
            }
        }
    }

    #[derive(Default)]
    pub(super) struct Scratch {
        /// Per pattern char: positions in the text where it occurs, with their bonus.
        positions: Vec<Vec<(u32, i32)>>,
        /// Best alignment ending at each position of the previous and the current row.
        prev: Vec<i32>,
        cur: Vec<i32>,
    }

    /// The best alignment of the whole pattern in `text`, if for every prefix of k chars the
    /// best alignment scores at least half of `self_scores[k - 1]`.
    pub(super) fn best_if_every_prefix_reaches_half<U: Unit>(
        table: &Table,
        self_scores: &[i64],
        text: &[U],
        scratch: &mut Scratch,
    ) -> Option<i64> {
        let n = self_scores.len();
        if n == 0 {
            return Some(0);
        }
        if scratch.positions.len() < n {
            scratch.positions.resize_with(n, Vec::new);
        }
        let positions = &mut scratch.positions[..n];
        positions.iter_mut().for_each(Vec::clear);
        for (ix, &c) in text.iter().enumerate() {
            let mut mask = table.mask(c);
            if mask == 0 {
                continue;
            }
            let prev = match ix.checked_sub(1) {
                Some(before) => text[before].char_type(),
                None => CharType::Empty,
            };
            let bonus = bonus_at(ix, prev, c.char_type());
            while mask != 0 {
                let row = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                positions[row].push((ix as u32, bonus));
            }
        }

        let (prev, cur) = (&mut scratch.prev, &mut scratch.cur);
        prev.clear();
        // The first char: 16 for the match, its bonus, and skim's initial gap of -1.
        prev.extend(positions[0].iter().map(|&(_, b)| 15 + b));
        let reaches =
            |best: Option<i32>, k: usize| best.is_some_and(|b| 2 * i64::from(b) >= self_scores[k]);
        let mut row_best = prev.iter().copied().max();
        if !reaches(row_best, 0) {
            return None;
        }
        for i in 1..n {
            cur.clear();
            let before = &positions[i - 1];
            let mut k = 0;
            // Best (score + position) over the previous row's positions <= j - 2.
            let mut gap_best: Option<i32> = None;
            row_best = None;
            for &(j, bonus) in &positions[i] {
                let mut consecutive = None;
                while k < before.len() && before[k].0 < j {
                    let (pos, score) = (before[k].0, prev[k]);
                    if pos + 1 == j {
                        consecutive = Some(score);
                        break;
                    }
                    let g = score + pos as i32;
                    gap_best = Some(gap_best.map_or(g, |b| b.max(g)));
                    k += 1;
                }
                // A gap of length L costs 3 + L; the char after it gets its own bonus.
                let via_gap = gap_best.map(|g| g - j as i32 - 2 + bonus);
                let via_run = consecutive.map(|s| s + 8);
                let v = match (via_gap, via_run) {
                    (Some(a), Some(b)) => a.max(b) + 16,
                    (Some(a), None) | (None, Some(a)) => a + 16,
                    // Unreachable here; kept so positions and scores stay aligned.
                    (None, None) => i32::MIN / 2,
                };
                row_best = Some(row_best.map_or(v, |r| r.max(v)));
                cur.push(v);
            }
            if !reaches(row_best, i) {
                return None;
            }
            std::mem::swap(prev, cur);
        }
        row_best.map(i64::from)
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

    fn skim_fresh(choice: &str, pattern: &str) -> Option<i64> {
        SkimMatcherV2::default()
            .smart_case()
            .fuzzy_match(choice, pattern)
    }

    /// The port's score, by both its paths, which must agree.
    fn ours(choice: &str, pattern: &str) -> Option<i64> {
        let chars: Vec<char> = pattern.chars().collect();
        let cs = chars.iter().any(char::is_ascii_uppercase);
        let plain = skim::score(&chars, cs, choice, &mut skim::Scratch::default());
        let table = skim::ByteTable::new(&chars, !cs);
        let mut scratch = skim::Scratch::default();
        let tabled = skim::score_with_table(&chars, cs, table.as_ref(), choice, &mut scratch);
        assert_eq!(
            plain, tabled,
            "{choice:?} {pattern:?}: plain and table paths differ"
        );
        plain
    }

    #[test]
    fn skim_port_equals_the_crate_on_known_cases() {
        for (choice, pattern) in [
            ("Accb.-xb-xABbyBBB", "bby"),
            ("--ByycB-Accy..b", "bb-ay"),
            ("lupus", "lupus"),
            ("Researchers find new lupus treatment", "lupus"),
            ("Researchers find new lupus treatment", "rflt"),
            ("Élan vital: über alles", "éla"),
            ("Élan vital: über alles", "ÜBER"),
            ("abc", "abx"),
            ("", "a"),
            ("x", ""),
        ] {
            assert_eq!(
                ours(choice, pattern),
                skim_fresh(choice, pattern),
                "{choice:?} {pattern:?}"
            );
        }
    }

    #[test]
    fn skim_port_equals_the_crate_on_every_short_string() {
        // Every choice of up to 6 chars over 4 and pattern of up to 4 over 3: mixed case,
        // repeats and word starts in all arrangements.
        let alpha = ['a', 'A', ' ', 'b'];
        let palpha = ['a', 'b', 'A'];
        let word = |mut code: usize, len: usize, of: &[char]| -> String {
            (0..len)
                .map(|_| {
                    let ch = of[code % of.len()];
                    code /= of.len();
                    ch
                })
                .collect()
        };
        for len in 0..=6u32 {
            for code in 0..alpha.len().pow(len) {
                let choice = word(code, len as usize, &alpha);
                for plen in 1..=4u32 {
                    for pcode in 0..palpha.len().pow(plen) {
                        let pattern = word(pcode, plen as usize, &palpha);
                        assert_eq!(
                            ours(&choice, &pattern),
                            skim_fresh(&choice, &pattern),
                            "{choice:?} {pattern:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn dense_fallback_for_long_inputs_equals_the_crate() {
        let long: String = "Ab a.b ".repeat(1300);
        for pattern in ["ab", "a.bA", "bba"] {
            assert_eq!(
                ours(&long, pattern),
                skim_fresh(&long, pattern),
                "{pattern}"
            );
        }
        let long_pattern: String = "ab".repeat(40);
        let choice: String = "a b ".repeat(100);
        assert_eq!(
            ours(&choice, &long_pattern),
            skim_fresh(&choice, &long_pattern)
        );
    }

    #[test]
    fn shared_skim_matcher_depends_on_history_which_is_why_it_is_ported() {
        let shared = SkimMatcherV2::default().smart_case();
        let before = shared.fuzzy_match("Accb.-xb-xABbyBBB", "bby");
        let _ = shared.fuzzy_match(" x-bA cAcayxxaxcy. ABBA bbbb yyyy", "bby");
        let after = shared.fuzzy_match("Accb.-xb-xABbyBBB", "bby");
        // If a future fuzzy-matcher fixes this, the port can go: this test will say so.
        let varies = (1..200).any(|n| {
            let noise: String = "bAy-c. ".chars().cycle().skip(n % 7).take(n).collect();
            let _ = shared.fuzzy_match(&noise, "bby");
            shared.fuzzy_match("Accb.-xb-xABbyBBB", "bby") != before
        });
        assert!(varies || before != after);
        assert_eq!(ours("Accb.-xb-xABbyBBB", "bby"), before);
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
    fn caseless_search_finds_the_first_occurrence_anywhere() {
        let hay = b"xxAxxxxa.bcA.BCdefgh-abc-ABC@bc`bc";
        for (needle, want) in [
            (&b"a.bc"[..], Some(7)),
            (b"abc", Some(21)),
            (b"a.bcx", None),
            (b"@bc", Some(28)),
            (b"`bc", Some(31)),
            (b"h", Some(19)),
            (b"x", Some(0)),
            (b"c`bc", Some(30)),
            (b"bc`bcz", None),
        ] {
            assert_eq!(find_ascii_caseless(hay, needle), want, "{needle:?}");
            let slow = (0..=hay.len() - needle.len())
                .find(|&s| hay[s..s + needle.len()].eq_ignore_ascii_case(needle));
            assert_eq!(want, slow);
        }
        assert_eq!(find_ascii_caseless(b"ab", b"abc"), None);
        assert_eq!(find_ascii_caseless(b"", b"a"), None);
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
        assert!(
            ours(scattered, "lupus").is_some(),
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
    fn matches_agrees_with_rank() {
        let s = store(vec![card("lupus trial"), card("other")]);
        let query = q("lupus");
        let hits = rank(&s, &query, None);
        assert_eq!(ixs(&hits), vec![0]);
        assert_eq!(matches(&card("lupus trial"), &query), Some(hits[0].score));
        assert_eq!(matches(&card("other"), &query), None);
        assert_eq!(matches(&card("other"), &Query::default()), Some(0));
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
        assert!(matches(&untitled, &q("lupus")).is_some());
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
        fn skim_port_equals_a_fresh_crate_matcher(
            choice in "[ab AB.\\-_/éÉ1]{0,24}",
            pattern in "[abAB.\\- éÉ1]{0,5}",
        ) {
            let want = skim_fresh(&choice, &pattern);
            prop_assert_eq!(ours(&choice, &pattern), want);
            if let Some(s) = want {
                prop_assert!(s <= skim::upper_bound(pattern.chars().count()));
            }
        }

        #[test]
        fn caseless_search_equals_a_plain_scan(
            hay in "[aAbB@`. ]{0,40}",
            needle in "[ab@`. ]{1,4}",
        ) {
            let (h, n) = (hay.as_bytes(), needle.as_bytes());
            let slow = h
                .len()
                .checked_sub(n.len())
                .and_then(|last| (0..=last).find(|&s| h[s..s + n.len()].eq_ignore_ascii_case(n)));
            prop_assert_eq!(find_ascii_caseless(h, n), slow);
        }

        #[test]
        fn skim_port_equals_the_crate_on_repetitive_text(
            choice in "[aA b.]{0,48}",
            pattern in "[aAb]{1,9}",
        ) {
            // Runs of one letter exercise the matcher's bonus carried between rows.
            prop_assert_eq!(ours(&choice, &pattern), skim_fresh(&choice, &pattern));
        }

        #[test]
        fn prefix_scores_equal_the_crate_on_each_prefix(
            choice in "[ab AB.]{0,60}",
            pattern in "[abAB. ]{1,7}",
        ) {
            let chars: Vec<char> = pattern.chars().collect();
            let cs = chars.iter().any(char::is_ascii_uppercase);
            let mut scratch = skim::Scratch::default();
            if skim::score(&chars, cs, &choice, &mut scratch).is_some() {
                prop_assert_eq!(scratch.prefix_scores.len(), chars.len());
                for k in 1..=chars.len() {
                    let prefix: String = chars[..k].iter().collect();
                    if prefix.chars().any(|c| c.is_ascii_uppercase()) == cs {
                        prop_assert_eq!(Some(scratch.prefix_scores[k - 1]), skim_fresh(&choice, &prefix));
                    }
                }
            }
        }

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
            let each: Vec<_> = cards.iter().map(|c| matches(c, &now)).collect();
            prop_assert_eq!(full.len(), each.iter().filter(|m| m.is_some()).count());
            for h in &full {
                prop_assert_eq!(each[h.ix as usize], Some(h.score));
            }
        }
    }
}
