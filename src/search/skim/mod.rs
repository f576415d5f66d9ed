//! SkimMatcherV2's `fuzzy_match` score, recomputed here, and the path it came from.
//!
//! Why not call the matcher: `SkimMatcherV2` keeps its score matrix in per-thread buffers
//! reused across calls and reads cells the current call never wrote, so the same
//! (choice, pattern) can score differently depending on what that thread scored before
//! (for example `fuzzy_match("Accb.-xb-xABbyBBB", "bby")` gives 65 or 53). Across rayon's
//! threads that made rankings differ run to run and broke "narrowed equals full rank".
//! This is the same algorithm and constants (fuzzy-matcher 0.3.7, default config), run on a
//! matrix cleared each call, so it equals a freshly built matcher exactly (tests check that
//! against the crate); it also works on bytes for ASCII text and allocates nothing once its
//! scratch buffers have grown. Short inputs are scored sparsely (module `sparse`), the rest
//! by the full matrix, which also yields the matched positions (module `indices`). Only the
//! approximate tier and `~` terms use it, on titles.

mod indices;
mod sparse;

pub(crate) use indices::indices;

use super::needle::for_each_byte;
use sparse::SparseRow;

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

/// Skim's smart case: only an ASCII uppercase letter makes a pattern case-sensitive.
pub(crate) fn smart_case(pattern: &[char]) -> bool {
    pattern.iter().any(char::is_ascii_uppercase)
}

/// Buffers reused across calls by one thread of work.
#[derive(Default)]
pub(crate) struct Scratch {
    chars: Vec<char>,
    first_matches: Vec<usize>,
    bonus: Vec<i32>,
    rows: [Row; 2],
    sparse: Vec<SparseRow>,
    prefix_scores: Vec<i64>,
}

pub(crate) trait Unit: Copy {
    fn ch(self) -> char;
    fn char_type(self) -> CharType;
    /// The text as ASCII bytes, when that is what it is.
    fn as_bytes(text: &[Self]) -> Option<&[u8]>;
}

impl Unit for u8 {
    fn as_bytes(text: &[u8]) -> Option<&[u8]> {
        Some(text)
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
pub(crate) enum CharType {
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
fn in_place_bonus(prev: CharType, cur: CharType) -> i32 {
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
pub(crate) fn bonus_at(ix: usize, prev: CharType, cur: CharType) -> i32 {
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
pub(crate) fn score(
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

pub(crate) fn ascii_subsequence(pattern: &[char], case_sensitive: bool, hay: &[u8]) -> bool {
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
    for_each_byte(choice, p, !case_sensitive, |ix| {
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

/// Two or more pattern chars: the matrix, sparsely where that is exact.
fn run<U: Unit>(
    pattern: &[char],
    case_sensitive: bool,
    choice: &[U],
    scratch: &mut Scratch,
) -> Option<i64> {
    scratch.prefix_scores.clear();
    if !find_first_matches(pattern, case_sensitive, choice, &mut scratch.first_matches) {
        return None;
    }
    if pattern.len() <= sparse::MAX_PATTERN && choice.len() <= sparse::MAX_CHOICE {
        return sparse::run_sparse(
            pattern,
            case_sensitive,
            choice,
            &scratch.first_matches,
            &mut scratch.sparse,
            &mut scratch.prefix_scores,
        );
    }
    dense(pattern, case_sensitive, choice, scratch, &mut ())
}

/// Fills `out` with the matcher's greedy first matches: where each pattern char first
/// occurs after the one before. False if not every char does.
fn find_first_matches<U: Unit>(
    pattern: &[char],
    case_sensitive: bool,
    choice: &[U],
    out: &mut Vec<usize>,
) -> bool {
    out.clear();
    let mut want = pattern.iter();
    let mut next = want.next();
    for (ix, &c) in choice.iter().enumerate() {
        let Some(&p) = next else { break };
        if char_equal(c.ch(), p, case_sensitive) {
            out.push(ix);
            next = want.next();
        }
    }
    next.is_none()
}

/// Which way the matrix reached each cell, reported as [`dense`] computes it, so that
/// [`indices()`] can walk back the path a score came from; scoring passes `()`.
trait Trace {
    /// The cell at `col` of the row for pattern char `i`: whether its M came along the
    /// diagonal from a match (rather than from a gap) and its P from a match on its left
    /// (rather than a longer gap). The matcher's ties go to the match, and so do these.
    fn cell(&mut self, i: usize, col: usize, m_by_match: bool, p_by_match: bool);
}

impl Trace for () {
    #[inline(always)]
    fn cell(&mut self, _: usize, _: usize, _: bool, _: bool) {}
}

/// The matrix itself, for the first matches already in `scratch`: every cell from each
/// row's first match on, as the crate computes it. It also leaves the last row in
/// `scratch.rows[pattern.len() % 2]`.
fn dense<U: Unit>(
    pattern: &[char],
    case_sensitive: bool,
    choice: &[U],
    scratch: &mut Scratch,
    trace: &mut impl Trace,
) -> Option<i64> {
    scratch.prefix_scores.clear();
    let first_matches = &scratch.first_matches;
    let start = *first_matches.first()?;

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
            let gap_after_match = GAP_START + GAP_EXTENSION + last_m;
            let gap_extended = GAP_EXTENSION + last_p;
            let gap = gap_after_match.max(gap_extended);
            let mut by_match = false;
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
                by_match = via_match >= via_skip;
                // Not written by the matcher on a match: whatever was there stays.
                last_bonus = row_bonus[j + 1];
            } else {
                last_m = NEG_INFINITY;
                last_bonus = 0;
                row_bonus[j + 1] = 0;
            }
            trace.cell(
                i,
                to_skip + 1 + j,
                by_match,
                gap_after_match >= gap_extended,
            );
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

/// One row of the matrix, field by field.
#[derive(Default)]
struct Row {
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use proptest::prelude::*;

    pub(super) fn skim_fresh(choice: &str, pattern: &str) -> Option<i64> {
        SkimMatcherV2::default()
            .smart_case()
            .fuzzy_match(choice, pattern)
    }

    /// The port's score, by both its paths, which must agree.
    pub(super) fn ours(choice: &str, pattern: &str) -> Option<i64> {
        let chars: Vec<char> = pattern.chars().collect();
        let cs = smart_case(&chars);
        score(&chars, cs, choice, &mut Scratch::default())
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

    /// Calls `check` on every choice of up to `choices` chars over `a A ' ' b` and every
    /// pattern of 1 to `patterns` chars over `a b A`: mixed case, repeats and word starts in all
    /// arrangements.
    pub(in crate::search::skim) fn every_short_pair(
        choices: u32,
        patterns: u32,
        mut check: impl FnMut(&str, &str),
    ) {
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
        for len in 0..=choices {
            for code in 0..alpha.len().pow(len) {
                let choice = word(code, len as usize, &alpha);
                for plen in 1..=patterns {
                    for pcode in 0..palpha.len().pow(plen) {
                        check(&choice, &word(pcode, plen as usize, &palpha));
                    }
                }
            }
        }
    }

    #[test]
    fn skim_port_equals_the_crate_on_every_short_string() {
        every_short_pair(6, 4, |choice, pattern| {
            assert_eq!(
                ours(choice, pattern),
                skim_fresh(choice, pattern),
                "{choice:?} {pattern:?}"
            );
        });
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

    proptest! {
        #[test]
        fn skim_port_equals_a_fresh_crate_matcher(
            choice in "[ab AB.\\-_/éÉ1]{0,24}",
            pattern in "[abAB.\\- éÉ1]{0,5}",
        ) {
            prop_assert_eq!(ours(&choice, &pattern), skim_fresh(&choice, &pattern));
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
            let cs = smart_case(&chars);
            let mut scratch = Scratch::default();
            if score(&chars, cs, &choice, &mut scratch).is_some() {
                prop_assert_eq!(scratch.prefix_scores.len(), chars.len());
                for k in 1..=chars.len() {
                    let prefix: String = chars[..k].iter().collect();
                    if prefix.chars().any(|c| c.is_ascii_uppercase()) == cs {
                        prop_assert_eq!(Some(scratch.prefix_scores[k - 1]), skim_fresh(&choice, &prefix));
                    }
                }
            }
        }
    }
}
