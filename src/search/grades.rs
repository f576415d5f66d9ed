//! How well each slot's card matched one word term: what a look-up in the word index answers.
//!
//! Most terms match few cards. Those are kept as the list of the slots they matched, ascending,
//! each with its grade, so finding the cards every term matched, and ranking them, costs in
//! proportion to the matches rather than to the corpus (at a million cards, a table of every
//! slot per term was most of a keystroke). A term matching a large part of the corpus (a letter
//! or two) is kept as one grade per slot, which is then the smaller of the two and read without
//! a search.

use std::sync::Arc;

use rayon::prelude::*;

use crate::corpus::CardIx;

/// How well a term matched a card, lower is better.
pub type Grade = u8;
/// No match.
pub const NONE: Grade = Grade::MAX;

/// A term's grade for every slot below [`Grades::slots`].
#[derive(Clone, Debug)]
pub struct Grades {
    slots: usize,
    form: Form,
}

/// Shared as built: an `Arc<[T]>` made from a vector is a copy of it, a table of a million
/// grades per look-up.
#[derive(Clone, Debug)]
enum Form {
    /// The matched slots, ascending, each once, with their grades.
    Sparse(Arc<Vec<(CardIx, Grade)>>),
    /// A grade per slot, [`NONE`] where the term did not match; and how many matched.
    Dense {
        grades: Arc<Vec<Grade>>,
        matched: usize,
    },
}

/// Above one match in this many slots, grades are kept per slot: a listed match takes eight
/// bytes (slot and grade, aligned), a slot's grade one.
const DENSE_FROM: usize = 8;

impl Grades {
    /// No slot matched.
    pub fn none(slots: usize) -> Grades {
        Grades {
            slots,
            form: Form::Sparse(Arc::default()),
        }
    }

    /// The slots these grades are for: every slot below this one.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The grade of slot `ix`; [`NONE`] if it did not match (or lies past [`Grades::slots`]).
    pub fn get(&self, ix: CardIx) -> Grade {
        match &self.form {
            Form::Sparse(list) => list
                .binary_search_by_key(&ix, |&(slot, _)| slot)
                .map_or(NONE, |at| list[at].1),
            Form::Dense { grades, .. } => grades.get(ix as usize).copied().unwrap_or(NONE),
        }
    }

    /// The grade of every slot below [`Grades::slots`], when they are kept per slot.
    pub fn per_slot(&self) -> Option<&[Grade]> {
        match &self.form {
            Form::Sparse(_) => None,
            Form::Dense { grades, .. } => Some(grades),
        }
    }

    /// How many slots matched.
    pub fn matched(&self) -> usize {
        match &self.form {
            Form::Sparse(list) => list.len(),
            Form::Dense { matched, .. } => *matched,
        }
    }

    /// The matched slots, ascending, if they are listed (else finding them means reading every
    /// slot's grade).
    pub fn listed(&self) -> Option<impl Iterator<Item = CardIx> + '_> {
        match &self.form {
            Form::Sparse(list) => Some(list.iter().map(|&(ix, _)| ix)),
            Form::Dense { .. } => None,
        }
    }

    /// The grade of each of `slots`, which ascend: one pass over both lists, rather than a
    /// search per slot.
    pub fn along(&self, slots: &[CardIx]) -> Vec<Grade> {
        match &self.form {
            Form::Sparse(list) => {
                let mut rest = &list[..];
                slots
                    .iter()
                    .map(|&ix| {
                        // Past the matches below `ix` (a gallop would skip more at once; the
                        // lists met here are of like length).
                        while let [(slot, _), tail @ ..] = rest
                            && *slot < ix
                        {
                            rest = tail;
                        }
                        match rest.first() {
                            Some(&(slot, g)) if slot == ix => g,
                            _ => NONE,
                        }
                    })
                    .collect()
            }
            Form::Dense { grades, .. } => slots
                .iter()
                .map(|&ix| grades.get(ix as usize).copied().unwrap_or(NONE))
                .collect(),
        }
    }

    /// The grades `regrade` gives each matched slot (from its grade here); a slot it gives
    /// [`NONE`] no longer matches. On all cores: a regrade may read the card.
    pub fn regraded(&self, regrade: impl Fn(CardIx, Grade) -> Grade + Sync) -> Grades {
        match &self.form {
            Form::Sparse(list) => {
                let kept: Vec<(CardIx, Grade)> = list
                    .par_iter()
                    .filter_map(|&(ix, g)| {
                        let g = regrade(ix, g);
                        (g != NONE).then_some((ix, g))
                    })
                    .collect();
                Grades::from_list(self.slots, kept)
            }
            Form::Dense { grades, .. } => {
                let regraded: Vec<Grade> = grades
                    .par_iter()
                    .enumerate()
                    .map(|(ix, &g)| {
                        if g == NONE {
                            NONE
                        } else {
                            regrade(ix as CardIx, g)
                        }
                    })
                    .collect();
                Grades::from_table(self.slots, regraded)
            }
        }
    }

    /// Whether `matched` of `slots` are best kept per slot.
    fn is_dense(matched: usize, slots: usize) -> bool {
        matched.saturating_mul(DENSE_FROM) > slots
    }

    /// Grades from a grade per slot, in the form their number of matches calls for.
    fn from_table(slots: usize, grades: Vec<Grade>) -> Grades {
        let matched = grades.iter().filter(|&&g| g != NONE).count();
        if Grades::is_dense(matched, slots) {
            let form = Form::Dense {
                grades: Arc::new(grades),
                matched,
            };
            return Grades { slots, form };
        }
        let list: Vec<(CardIx, Grade)> = grades
            .iter()
            .enumerate()
            .filter(|&(_, &g)| g != NONE)
            .map(|(ix, &g)| (ix as CardIx, g))
            .collect();
        Grades::from_list(slots, list)
    }

    /// Grades from the matched slots, ascending and each once, in the form their number calls
    /// for.
    fn from_list(slots: usize, mut list: Vec<(CardIx, Grade)>) -> Grades {
        if !Grades::is_dense(list.len(), slots) {
            // Gathered with room for every document of every word, then cut to one per slot:
            // kept among the remembered look-ups, it gives back what it does not hold when
            // that is most of it.
            if list.capacity() > 2 * list.len() {
                list.shrink_to_fit();
            }
            return Grades {
                slots,
                form: Form::Sparse(Arc::new(list)),
            };
        }
        let mut grades = vec![NONE; slots];
        for (ix, g) in list {
            grades[ix as usize] = g;
        }
        Grades::from_table(slots, grades)
    }
}

/// Grades gathered match by match, in any order and any slot more than once; each slot keeps
/// its best.
pub struct GradesBuilder {
    slots: usize,
    gathered: Gathered,
}

enum Gathered {
    Listed(Vec<(CardIx, Grade)>),
    PerSlot(Vec<Grade>),
}

impl GradesBuilder {
    /// For `slots` slots, with at most about `expected` matches to come (which decides how
    /// they are gathered: listed, or a grade per slot).
    pub fn new(slots: usize, expected: usize) -> GradesBuilder {
        let gathered = if Grades::is_dense(expected, slots) {
            Gathered::PerSlot(vec![NONE; slots])
        } else {
            Gathered::Listed(Vec::with_capacity(expected))
        };
        GradesBuilder { slots, gathered }
    }

    /// Slot `ix` matched with grade `g` (a slot past the end is ignored).
    pub fn add(&mut self, ix: CardIx, g: Grade) {
        if ix as usize >= self.slots || g == NONE {
            return;
        }
        match &mut self.gathered {
            Gathered::Listed(list) => list.push((ix, g)),
            Gathered::PerSlot(grades) => {
                let cell = &mut grades[ix as usize];
                *cell = (*cell).min(g);
            }
        }
    }

    /// Takes in what `other` gathered for the same slots (gathered apart, on another thread).
    pub fn absorb(&mut self, other: GradesBuilder) {
        match (&mut self.gathered, other.gathered) {
            (Gathered::Listed(list), Gathered::Listed(more)) => list.extend(more),
            (Gathered::PerSlot(grades), Gathered::PerSlot(more)) => {
                for (cell, g) in grades.iter_mut().zip(more) {
                    *cell = (*cell).min(g);
                }
            }
            (_, Gathered::Listed(more)) => {
                for (ix, g) in more {
                    self.add(ix, g);
                }
            }
            (_, Gathered::PerSlot(more)) => {
                for (ix, g) in more.into_iter().enumerate() {
                    self.add(ix as CardIx, g);
                }
            }
        }
    }

    pub fn finish(self) -> Grades {
        match self.gathered {
            Gathered::Listed(mut list) => {
                // Sorted by slot, then grade: the first of each slot is its best. On every
                // core: a word of a few letters is found in a hundred thousand cards.
                list.par_sort_unstable();
                list.dedup_by_key(|&mut (ix, _)| ix);
                Grades::from_list(self.slots, list)
            }
            Gathered::PerSlot(grades) => Grades::from_table(self.slots, grades),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Grades from (slot, grade) pairs, gathered either way.
    fn built(slots: usize, expected: usize, pairs: &[(CardIx, Grade)]) -> Grades {
        let mut b = GradesBuilder::new(slots, expected);
        for &(ix, g) in pairs {
            b.add(ix, g);
        }
        b.finish()
    }

    proptest::proptest! {
        #[test]
        fn both_forms_agree_with_the_best_grade_of_each_slot(
            pairs in proptest::collection::vec((0u32..200, 0u8..20), 0..400),
            probe in 0u32..220,
        ) {
            let best = pairs.iter().filter(|p| p.0 == probe).map(|p| p.1).min().unwrap_or(NONE);
            let listed = built(200, 0, &pairs);
            let per_slot = built(200, 10_000, &pairs);
            proptest::prop_assert_eq!(listed.get(probe), best);
            proptest::prop_assert_eq!(per_slot.get(probe), best);
            proptest::prop_assert_eq!(listed.matched(), per_slot.matched());
            let probes: Vec<CardIx> = (0..220).filter(|ix| ix % 3 != probe % 3).collect();
            let one_by_one: Vec<Grade> = probes.iter().map(|&ix| listed.get(ix)).collect();
            proptest::prop_assert_eq!(&listed.along(&probes), &one_by_one);
            proptest::prop_assert_eq!(&per_slot.along(&probes), &one_by_one);
            let odd = |g: &Grades| g.regraded(|ix, g| if ix % 2 == 1 { g } else { NONE });
            proptest::prop_assert_eq!(odd(&listed).get(probe), if probe % 2 == 1 { best } else { NONE });
            proptest::prop_assert_eq!(odd(&per_slot).get(probe), if probe % 2 == 1 { best } else { NONE });
        }
    }

    #[test]
    fn grades_gathered_apart_and_absorbed_are_those_gathered_together() {
        let pairs: Vec<(CardIx, Grade)> =
            (0..300).map(|i| (i * 7 % 100, (i % 5) as Grade)).collect();
        let together = built(100, 0, &pairs);
        for (first, second) in [(0, 0), (0, 1_000), (1_000, 0), (1_000, 1_000)] {
            let mut a = GradesBuilder::new(100, first);
            let mut b = GradesBuilder::new(100, second);
            for (n, &(ix, g)) in pairs.iter().enumerate() {
                if n % 2 == 0 {
                    a.add(ix, g)
                } else {
                    b.add(ix, g)
                }
            }
            a.absorb(b);
            let apart = a.finish();
            for ix in 0..100 {
                assert_eq!(apart.get(ix), together.get(ix));
            }
        }
    }

    #[test]
    fn few_matches_are_listed_and_many_kept_per_slot() {
        let few = built(1000, 1000, &[(5, 1), (3, 2), (5, 0)]);
        assert_eq!(
            few.listed().map(Iterator::collect::<Vec<_>>),
            Some(vec![3, 5])
        );
        assert_eq!(few.get(5), 0);
        let many: Vec<(CardIx, Grade)> = (0..500).map(|ix| (ix, 1)).collect();
        for expected in [10, 10_000] {
            let many = built(1000, expected, &many);
            assert!(many.listed().is_none());
            assert_eq!(
                (many.matched(), many.get(499), many.get(500)),
                (500, 1, NONE)
            );
        }
    }
}
