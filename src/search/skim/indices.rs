//! Where a pattern matched: the chars of the choice along the path through the matcher's
//! matrix that its score comes from, so that a highlighted char is always one the score
//! counted.
//!
//! The crate's own `fuzzy_indices` fills another matrix than `fuzzy_match` (every row kept,
//! so none of the two-row quirks), whose best path can differ from the scored one. Here the
//! matrix is the one [`super::score`] computes, with each cell's move recorded, walked back
//! from the best cell of the last row the way the crate walks its own. The two-row quirks
//! show in the walk: a row's first cell holds the row two above's, so a path through it
//! leaves out the chars in between, and so does its highlight.

use super::{Scratch, Trace, char_equal, dense, find_first_matches};

/// [`super::score`] of `pattern` in `choice`, with the char indices of `choice` its path
/// matched, ascending; `None` if the pattern's chars do not all appear in order.
pub(crate) fn indices(
    pattern: &[char],
    case_sensitive: bool,
    choice: &str,
) -> Option<(i64, Vec<usize>)> {
    if pattern.is_empty() {
        return Some((0, Vec::new()));
    }
    let chars: Vec<char> = choice.chars().collect();
    let mut scratch = Scratch::default();
    if !find_first_matches(pattern, case_sensitive, &chars, &mut scratch.first_matches) {
        return None;
    }
    let n = pattern.len();
    let cols = chars.len() + 1;
    let mut moves = Moves {
        cols,
        cells: vec![0; n * cols],
    };
    let score = dense(pattern, case_sensitive, &chars, &mut scratch, &mut moves)?;
    let first = &scratch.first_matches;
    // The last row, from its first match's column on; ties go to the rightmost cell, as
    // the crate's `max_by_key` has them.
    let last = &scratch.rows[n % 2].m;
    let from = first[n - 1];
    let mut end = from;
    for col in from..cols {
        if last[col] >= last[end] {
            end = col;
        }
    }

    let mut positions = Vec::with_capacity(n);
    // The walk stands on row `r` (r pattern chars placed) at column `col`, on its M cell
    // (the char before `col` matched) or its P cell (a gap).
    let (mut r, mut col, mut on_m) = (n, end, true);
    while r > 0 {
        if col == first[r - 1] {
            // Not computed by row r: the two-row matrix left row r - 2's cell here, and the
            // first row starts from nothing.
            if r < 2 {
                break;
            }
            r -= 2;
            continue;
        }
        let cell = moves.cells[(r - 1) * cols + col];
        if on_m {
            if !char_equal(chars[col - 1], pattern[r - 1], case_sensitive) {
                // Minus infinity, which only a text of tens of thousands of chars lets a
                // best path reach: nothing here was a match.
                break;
            }
            positions.push(col - 1);
            on_m = cell & M_BY_MATCH != 0;
            r -= 1;
        } else {
            on_m = cell & P_BY_MATCH != 0;
        }
        col -= 1;
    }
    positions.reverse();
    Some((score, positions))
}

const M_BY_MATCH: u8 = 1;
const P_BY_MATCH: u8 = 2;

/// Every cell's moves, a byte per cell, row by row: the walk back needs them all, and a
/// byte keeps a long title's matrix small.
struct Moves {
    cols: usize,
    cells: Vec<u8>,
}

impl Trace for Moves {
    fn cell(&mut self, i: usize, col: usize, m_by_match: bool, p_by_match: bool) {
        let mut moves = 0;
        if m_by_match {
            moves |= M_BY_MATCH;
        }
        if p_by_match {
            moves |= P_BY_MATCH;
        }
        self.cells[i * self.cols + col] = moves;
    }
}

#[cfg(test)]
mod tests {
    use super::super::smart_case;
    use super::super::tests::skim_fresh;
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use proptest::prelude::*;

    fn ours(choice: &str, pattern: &str) -> Option<(i64, Vec<usize>)> {
        let chars: Vec<char> = pattern.chars().collect();
        indices(&chars, smart_case(&chars), choice)
    }

    fn the_crates(choice: &str, pattern: &str) -> Option<(i64, Vec<usize>)> {
        SkimMatcherV2::default()
            .smart_case()
            .fuzzy_indices(choice, pattern)
    }

    /// Whether `positions` ascend and hold chars of `pattern` in its order: a path, not
    /// necessarily through every pattern char.
    fn holds_pattern_chars_in_order(choice: &str, pattern: &str, positions: &[usize]) -> bool {
        let choice: Vec<char> = choice.chars().collect();
        let pattern: Vec<char> = pattern.chars().collect();
        let cs = smart_case(&pattern);
        let mut want = pattern.iter();
        positions.windows(2).all(|w| w[0] < w[1])
            && positions.iter().all(|&ix| {
                choice
                    .get(ix)
                    .is_some_and(|&c| want.any(|&p| char_equal(c, p, cs)))
            })
    }

    #[test]
    fn plain_matches_highlight_what_the_crate_does() {
        for (choice, pattern, want) in [
            ("Apple pie recipe", "apr", vec![0, 6, 10]),
            ("Apple pie recipe", "Apie", vec![0, 6, 7, 8]),
            ("Élan vital: über alles", "Élvü", vec![0, 1, 5, 12]),
            ("lupus", "lupus", vec![0, 1, 2, 3, 4]),
        ] {
            let got = ours(choice, pattern);
            assert_eq!(got, the_crates(choice, pattern), "{choice:?} {pattern:?}");
            assert_eq!(got.map(|g| g.1), Some(want), "{choice:?} {pattern:?}");
        }
        assert_eq!(ours("abc", "abx"), None);
        assert_eq!(ours("abc", ""), Some((0, Vec::new())));
    }

    #[test]
    fn a_score_that_leaves_chars_out_highlights_only_those_it_counted() {
        // The score of "tgh" here is that of the "t" of "the" alone (23: a word start), by
        // a path the two-row matrix allows; the crate highlights a real alignment of all
        // three chars that scores 19 in its own full matrix, not what was ranked.
        let title = "rates again news economy the";
        assert_eq!(skim_fresh(title, "tgh"), Some(23));
        assert_eq!(skim_fresh(title, "t"), Some(23));
        assert_eq!(ours(title, "tgh"), Some((23, vec![25])));
        assert_eq!(the_crates(title, "tgh"), Some((19, vec![2, 7, 26])));
    }

    #[test]
    fn short_strings_highlight_what_the_crate_does() {
        // The crate's two matrices agree on strings this short, so its positions are the
        // scored path's, ties and all.
        super::super::tests::every_short_pair(5, 3, |choice, pattern| {
            assert_eq!(
                ours(choice, pattern),
                the_crates(choice, pattern),
                "{choice:?} {pattern:?}"
            );
        });
    }

    proptest! {
        #[test]
        fn the_score_is_the_matchers_and_the_positions_lie_on_its_path(
            choice in "[ab AB.xé]{0,80}",
            pattern in "[abA.é]{1,6}",
        ) {
            let got = ours(&choice, &pattern);
            prop_assert_eq!(got.as_ref().map(|g| g.0), skim_fresh(&choice, &pattern));
            if let Some((score, positions)) = got {
                prop_assert!(
                    holds_pattern_chars_in_order(&choice, &pattern, &positions),
                    "{:?}", positions
                );
                // Where the crate's full matrix scores the same, its path is the same.
                if let Some((theirs, their_positions)) = the_crates(&choice, &pattern)
                    && theirs == score
                {
                    prop_assert_eq!(positions, their_positions);
                }
            }
        }
    }
}
