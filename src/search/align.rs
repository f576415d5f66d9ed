//! A cheap test that a fuzzy pattern has a real, compact alignment in a long text, run on
//! excerpts before the exact score, and a cap on what the excerpt may count.
//!
//! It scores alignments the way skim's matrix does (16 per char, skim's position bonuses,
//! gaps costing 3 + their length) but optimistically (a consecutive char always gets the
//! largest consecutive bonus, 8; case penalties are ignored) and only for alignments that
//! really place every char, which skim's quirks do not guarantee. It is therefore at least
//! skim's score along any real alignment, and an excerpt counts at most this much: skim
//! scores more only along a path that skips a char. One sparse pass over the positions where
//! the pattern's chars occur gives the best alignment of every prefix at once.

use super::skim::{ByteTable, CharType, Unit, ascii_subsequence, bonus_at};

/// A pattern made ready for the test: which pattern chars (bit i for char i, case-blind)
/// each char is, built once per term so the scan over an excerpt costs one lookup per
/// char, and what each prefix must reach.
pub(crate) struct Table {
    bytes: ByteTable,
    /// Non-ASCII pattern chars, compared one by one with non-ASCII text chars.
    others: Vec<(usize, char)>,
    /// The pattern, when it is all ASCII: a text without its chars in order, ignoring
    /// case, is rejected before it is decoded.
    ascii: Option<Vec<char>>,
    /// For each prefix of k chars (index k - 1): what it scores against itself.
    self_scores: Vec<i64>,
}

impl Table {
    /// `None` for patterns too long for the masks; they skip this test. `self_scores`
    /// holds what each prefix of the pattern scores against itself.
    pub(crate) fn new(pattern: &[char], self_scores: Vec<i64>) -> Option<Table> {
        Some(Table {
            bytes: ByteTable::new(pattern, true)?,
            others: pattern
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.is_ascii())
                .map(|(i, &p)| (i, p))
                .collect(),
            ascii: pattern.iter().all(char::is_ascii).then(|| pattern.to_vec()),
            self_scores,
        })
    }

    /// The best alignment of the whole pattern in `text`, if for every prefix of k chars
    /// the best alignment scores at least half of what that prefix scores against itself.
    pub(crate) fn best_if_every_prefix_reaches_half(
        &self,
        text: &str,
        scratch: &mut Scratch,
    ) -> Option<i64> {
        if text.is_ascii() {
            return best_if_every_prefix_reaches_half(self, text.as_bytes(), scratch);
        }
        if let Some(pattern) = &self.ascii
            && !ascii_subsequence(pattern, false, text.as_bytes())
        {
            return None;
        }
        let mut chars = std::mem::take(&mut scratch.chars);
        chars.clear();
        chars.extend(text.chars());
        let best = best_if_every_prefix_reaches_half(self, &chars, scratch);
        scratch.chars = chars;
        best
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

/// Buffers reused across calls by one thread of work.
#[derive(Default)]
pub(crate) struct Scratch {
    /// A non-ASCII text, decoded.
    chars: Vec<char>,
    /// Per pattern char: positions in the text where it occurs, with their bonus.
    positions: Vec<Vec<(u32, i32)>>,
    /// Best alignment ending at each position of the previous and the current row.
    prev: Vec<i32>,
    cur: Vec<i32>,
}

/// [`Table::best_if_every_prefix_reaches_half`] on the text's chars or, for ASCII, bytes.
fn best_if_every_prefix_reaches_half<U: Unit>(
    table: &Table,
    text: &[U],
    scratch: &mut Scratch,
) -> Option<i64> {
    let self_scores = &table.self_scores;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::skim;

    fn table(pattern: &str) -> Option<Table> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut scratch = skim::Scratch::default();
        let self_scores = (1..=chars.len())
            .map(|k| {
                let prefix = &chars[..k];
                let own: String = prefix.iter().collect();
                skim::score(prefix, skim::smart_case(prefix), &own, &mut scratch).unwrap_or(0)
            })
            .collect();
        Table::new(&chars, self_scores)
    }

    #[test]
    fn non_ascii_text_is_aligned_like_ascii() {
        let mut scratch = Scratch::default();
        let mut best = |pattern: &str, text: &str| {
            table(pattern).and_then(|t| t.best_if_every_prefix_reaches_half(text, &mut scratch))
        };
        let compact = "Patients with lupus may benefit";
        let scattered = "Lawmakers urged patients to seek help as budgets ran short";
        assert!(best("lupus", compact).is_some());
        assert_eq!(
            best("lupus", compact),
            best("lupus", &format!("{compact} – é"))
        );
        assert_eq!(
            best("lupus", scattered),
            best("lupus", &format!("{scattered} – é"))
        );
        assert_eq!(best("lupus", "no such letters, in order – é"), None);
        assert_eq!(
            best("élan", "un élan vital"),
            best("élan", "un élan vital é")
        );
        assert!(best("élan", "un élan vital").is_some());
        assert_eq!(best("xyz", "un élan vital"), None);
    }
}
