//! Looking word terms up: in the word index (prefix, whole word, typos) into one grade per
//! slot, or, for short terms over few candidates, on the cards' text; and the phrases.

use super::*;

/// The grade of every slot for a word term: the best place where it matched. Once `stop`
/// says so, the grades are left incomplete (and not kept): the caller's answer is not wanted.
#[allow(clippy::too_many_arguments)]
pub(super) fn word_grades(
    index: &WordIndex,
    slots: usize,
    cards: &CardStore,
    scope: Scope,
    terms: &[String],
    last_is_prefix: bool,
    typos: Option<&Typos>,
    stop: &dyn Fn() -> bool,
) -> Vec<Grade> {
    if let [word] = terms {
        // A term of a letter or two walks most of the index: its grades are kept.
        let key = (typos.is_none() && word.chars().count() <= 2)
            .then(|| format!("{scope:?}\u{0}{word}\u{0}{last_is_prefix}"));
        if let Some(kept) = key.as_deref().and_then(|k| index.remembered(k))
            && kept.len() == slots
        {
            return kept.to_vec();
        }
        let mut grades = vec![NONE; slots];
        for &place in places(scope).iter() {
            look_up(index, place, word, last_is_prefix, typos, &mut grades, stop);
        }
        if let Some(key) = key.filter(|_| !stop()) {
            index.remember(key, Arc::new(grades.clone()));
        }
        return grades;
    }
    // A phrase: the cards holding all its words somewhere, then checked word by word.
    let mut together: Option<Vec<Grade>> = None;
    for (i, word) in terms.iter().enumerate() {
        let prefix = last_is_prefix && i + 1 == terms.len();
        let mut grades = vec![NONE; slots];
        for &place in places(scope).iter() {
            look_up(index, place, word, prefix, None, &mut grades, stop);
        }
        together = Some(match together {
            None => grades,
            Some(mut t) => {
                for (a, b) in t.iter_mut().zip(grades) {
                    if b == NONE {
                        *a = NONE;
                    }
                }
                t
            }
        });
    }
    let mut grades = together.unwrap_or_else(|| vec![NONE; slots]);
    grades.par_iter_mut().enumerate().for_each(|(ix, g)| {
        if *g == NONE {
            return;
        }
        *g = cards
            .get(ix as CardIx)
            .and_then(|card| phrase_grade(card, scope, terms, last_is_prefix))
            .unwrap_or(NONE);
    });
    grades
}

/// Above this many candidates, a short term is looked up in the index rather than on the cards.
pub(super) const NARROW_ENOUGH: usize = 1_000;

/// A single-word term's grades for `candidates` only, found in the cards' texts by the index's
/// own rules (the same words, folded the same way), best field first.
pub(super) fn graded_by_text(
    cards: &CardStore,
    slots: usize,
    candidates: &[CardIx],
    scope: Scope,
    word: &str,
    prefix: bool,
) -> Vec<Grade> {
    let mut grades = vec![NONE; slots];
    let found: Vec<(CardIx, Grade)> = candidates
        .par_iter()
        .filter_map(|&ix| {
            let card = cards.get(ix)?;
            let mut best = NONE;
            let mut folded = String::new();
            for &place in places(scope).iter() {
                // Fields come best first: one that cannot do better ends the search.
                if grade(place, WHOLE) >= best {
                    break;
                }
                for text in place.texts(card) {
                    for (start, end) in spans(text) {
                        folded.clear();
                        fold_into(&text[start..end], &mut folded);
                        if folded == word {
                            best = best.min(grade(place, WHOLE));
                        } else if prefix && folded.starts_with(word) {
                            best = best.min(grade(place, PREFIX));
                        }
                    }
                }
            }
            (best != NONE).then_some((ix, best))
        })
        .collect();
    for (ix, g) in found {
        grades[ix as usize] = g;
    }
    grades
}

/// Where `card` holds the phrase, as a grade.
fn phrase_grade(
    card: &Card,
    scope: Scope,
    terms: &[String],
    last_is_prefix: bool,
) -> Option<Grade> {
    places(scope).iter().find_map(|&place| {
        place.texts(card).into_iter().find_map(|text| {
            let folded: Vec<String> = words(text).map(|w| w.folded).collect();
            phrase_at(&folded, terms, last_is_prefix)
                .map(|(_, whole)| grade(place, if whole { WHOLE } else { PREFIX }))
        })
    })
}

/// The first word of `folded` where the phrase starts, and whether its last word is whole.
pub(crate) fn phrase_at(
    folded: &[String],
    terms: &[String],
    last_is_prefix: bool,
) -> Option<(usize, bool)> {
    let n = terms.len();
    if n == 0 || folded.len() < n {
        return None;
    }
    (0..=folded.len() - n).find_map(|start| {
        let run = &folded[start..start + n];
        let body = run[..n - 1].iter().zip(terms).all(|(w, t)| w == t);
        let (last, want) = (&run[n - 1], &terms[n - 1]);
        let whole = last == want;
        let ok = whole || (last_is_prefix && last.starts_with(want.as_str()));
        (body && ok).then_some((start, whole))
    })
}

/// Grades every slot holding `word` in `place` (or a word starting with it, or within the
/// typos) at least that well.
fn look_up(
    index: &WordIndex,
    place: Place,
    word: &str,
    prefix: bool,
    typos: Option<&Typos>,
    grades: &mut [Grade],
    stop: &dyn Fn() -> bool,
) {
    let field = index.field(place);
    let mut upper = word.as_bytes().to_vec();
    // No UTF-8 text holds 0xFF, so every word starting with `word` sorts below this.
    upper.push(0xFF);
    for segment in index.segments() {
        let Ok(inverted) = segment.reader.inverted_index(field) else {
            continue;
        };
        let dictionary = inverted.terms();
        let mut postings = BlockSegmentPostings::empty();
        let mut walk = |info: &tantivy::postings::TermInfo, g: Grade| {
            if g == NONE
                || inverted
                    .reset_block_postings_from_terminfo(info, &mut postings)
                    .is_err()
            {
                return;
            }
            loop {
                let docs = postings.docs();
                if docs.is_empty() {
                    break;
                }
                for &doc in docs {
                    if let Some(slot) = segment.live_slot(doc)
                        && let Some(cell) = grades.get_mut(slot as usize)
                    {
                        *cell = (*cell).min(g);
                    }
                }
                postings.advance();
            }
        };
        let range = if prefix {
            dictionary.range().ge(word).lt(&upper)
        } else {
            dictionary.range().ge(word).le(word)
        };
        if let Ok(mut stream) = range.into_stream() {
            while !stop() && stream.advance() {
                let how = if stream.key() == word.as_bytes() {
                    WHOLE
                } else {
                    PREFIX
                };
                walk(stream.value(), grade(place, how));
            }
        }
        if let Some(typos) = typos
            && let Ok(mut stream) = dictionary.search(typos).into_stream()
        {
            while !stop() && stream.advance() {
                if !stream.key().starts_with(word.as_bytes()) {
                    walk(stream.value(), grade(place, TYPO));
                }
            }
        }
    }
}

/// Looks up, ahead of the user, the plain terms of one letter or digit (the costliest to look
/// up, and the first key of nearly every query), so they answer from what is kept. Gives up
/// as soon as `stop` says a key came (a look-up takes tens of milliseconds, which that key
/// must not wait); whether it finished.
pub fn warm(index: &WordIndex, cards: &CardStore, first: char, stop: &dyn Fn() -> bool) -> bool {
    let slots = cards.slots().min(index.covers().1);
    word_grades(
        index,
        slots,
        cards,
        Scope::Any,
        &[first.to_string()],
        true,
        None,
        stop,
    );
    !stop()
}
