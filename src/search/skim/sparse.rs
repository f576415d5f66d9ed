//! The matcher's matrix computed only where a pattern char matches: work in proportion to
//! those positions rather than to pattern length times text length, which is what makes
//! scoring every card on every keystroke affordable. Exact for inputs up to [`MAX_PATTERN`]
//! and [`MAX_CHOICE`] chars; longer ones take the full matrix.

use super::{
    BONUS_CONSECUTIVE, CharType, GAP_EXTENSION, PENALTY_CASE_MISMATCH, SCORE_MATCH, Unit, bonus_at,
};

/// Sizes up to which [`run_sparse`] is exact: its "minus infinity" stands for every value
/// the matrix derives from its `-32768`, which stays below -16384 while patterns are
/// short, and real scores stay above it while choices are.
pub(super) const MAX_PATTERN: usize = 64;
pub(super) const MAX_CHOICE: usize = 8000;
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

/// [`super::run`] computed only at the cells that matter: work in proportion to the positions
/// where pattern chars occur rather than to pattern length times choice length.
pub(super) fn run_sparse<U: Unit>(
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
