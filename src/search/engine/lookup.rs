//! Looking word terms up: in the word index (prefix, whole word, typos) into one grade per
//! slot, or, for short terms over few candidates, on the cards' text; and the phrases.

use super::*;

/// The grades of the slots for a word term: the best place where it matched. Once `stop`
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
    stop: &(dyn Fn() -> bool + Sync),
) -> Grades {
    if let [word] = terms {
        let wanted = Wanted {
            scope,
            word,
            prefix: last_is_prefix,
            typos,
        };
        return looked_up(index, slots, &wanted, stop);
    }
    // A phrase: the cards holding all its words somewhere, then checked word by word.
    let mut together: Option<Grades> = None;
    for (i, word) in terms.iter().enumerate() {
        let prefix = last_is_prefix && i + 1 == terms.len();
        let wanted = Wanted {
            scope,
            word,
            prefix,
            typos: None,
        };
        let grades = looked_up(index, slots, &wanted, stop);
        together = Some(match together {
            None => grades,
            Some(t) => t.regraded(|ix, g| if grades.get(ix) == NONE { NONE } else { g }),
        });
    }
    match together {
        None => Grades::none(slots),
        Some(together) => together.regraded(|ix, _| {
            cards
                .get(ix)
                .and_then(|card| phrase_grade(card, scope, terms, last_is_prefix))
                .unwrap_or(NONE)
        }),
    }
}

/// One word term to look up: a word, whether words it starts count, and the typos forgiven.
struct Wanted<'a> {
    scope: Scope,
    word: &'a str,
    prefix: bool,
    typos: Option<&'a Typos>,
}

/// [`look_up`], answered from what the index remembers when it can: a term of a letter or two
/// walks most of the index and is kept until the index changes; a longer one is kept among
/// the recent few (typing `climate change` looks `climate` up once, not at every key). With
/// typos, not kept: they are looked up once the words have too few matches, not key by key.
fn looked_up(
    index: &WordIndex,
    slots: usize,
    wanted: &Wanted,
    stop: &(dyn Fn() -> bool + Sync),
) -> Grades {
    if wanted.typos.is_some() {
        return look_up(index, slots, wanted, stop);
    }
    let Wanted {
        scope,
        word,
        prefix,
        ..
    } = wanted;
    let key = format!("{scope:?}\u{0}{word}\u{0}{prefix}");
    if let Some(kept) = index.remembered(&key)
        && kept.slots() == slots
    {
        return kept;
    }
    let grades = look_up(index, slots, wanted, stop);
    // Interrupted, the grades are incomplete.
    if !stop() {
        let lasting = is_short(word);
        index.remember(key, grades.clone(), lasting);
    }
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
) -> Grades {
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
                    for (start, end) in spans(&text) {
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
    let mut grades = GradesBuilder::new(slots, found.len());
    for (ix, g) in found {
        grades.add(ix, g);
    }
    grades.finish()
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
            let folded: Vec<String> = words(&text).map(|w| w.folded).collect();
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

/// The grades of the slots holding, in a field of `scope`, `word` (or a word starting with
/// it, or one within the typos). The words are found in every segment's dictionary first, so
/// their documents' count decides how the grades are gathered; then their documents are read.
fn look_up(
    index: &WordIndex,
    slots: usize,
    wanted: &Wanted,
    stop: &(dyn Fn() -> bool + Sync),
) -> Grades {
    let Wanted {
        scope,
        word,
        prefix,
        typos,
    } = *wanted;
    let mut upper = word.as_bytes().to_vec();
    // No UTF-8 text holds 0xFF, so every word starting with `word` sorts below this.
    upper.push(0xFF);
    // A letter or two: the word itself, and the term standing for every word it starts.
    let lead = (prefix && typos.is_none() && is_short(word)).then(|| lead_term(word));
    // (segment, its inverted index of the place, the word's postings, grade)
    let mut found = Vec::new();
    for &place in places(scope).iter() {
        let field = index.field(place);
        for segment in index.segments() {
            let Ok(inverted) = segment.reader.inverted_index(field) else {
                continue;
            };
            let dictionary = inverted.terms();
            let ranges = match &lead {
                Some(lead) => vec![
                    dictionary.range().ge(word).le(word),
                    dictionary.range().ge(lead).le(lead),
                ],
                None if prefix => vec![dictionary.range().ge(word).lt(&upper)],
                None => vec![dictionary.range().ge(word).le(word)],
            };
            for range in ranges {
                let Ok(mut stream) = range.into_stream() else {
                    continue;
                };
                while !stop() && stream.advance() {
                    // Any other term (a longer word, the lead) holds words `word` starts.
                    let how = if stream.key() == word.as_bytes() {
                        WHOLE
                    } else {
                        PREFIX
                    };
                    let g = grade(place, how);
                    found.push((segment, Arc::clone(&inverted), stream.value().clone(), g));
                }
            }
            if let Some(typos) = typos
                && let Ok(mut stream) = dictionary.search(typos).into_stream()
            {
                while !stop() && stream.advance() {
                    if !stream.key().starts_with(word.as_bytes()) {
                        let g = grade(place, TYPO);
                        found.push((segment, Arc::clone(&inverted), stream.value().clone(), g));
                    }
                }
            }
        }
    }
    let expected: usize = found
        .iter()
        .map(|(_, _, info, _)| info.doc_freq as usize)
        .sum();
    // The words' documents are read on every core, in parts of about as many documents.
    let per_part = expected
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let mut cuts = vec![0];
    let mut in_part = 0;
    for (at, (_, _, info, _)) in found.iter().enumerate() {
        in_part += info.doc_freq as usize;
        if in_part >= per_part {
            cuts.push(at + 1);
            in_part = 0;
        }
    }
    cuts.push(found.len());
    cuts.dedup();
    let gathered: Vec<GradesBuilder> = cuts
        .par_windows(2)
        .map(|cut| {
            let mut grades = GradesBuilder::new(slots, expected);
            let mut postings = BlockSegmentPostings::empty();
            for (segment, inverted, info, g) in &found[cut[0]..cut[1]] {
                if stop()
                    || inverted
                        .reset_block_postings_from_terminfo(info, &mut postings)
                        .is_err()
                {
                    continue;
                }
                loop {
                    let docs = postings.docs();
                    if docs.is_empty() {
                        break;
                    }
                    for &doc in docs {
                        if let Some(slot) = segment.live_slot(doc) {
                            grades.add(slot, *g);
                        }
                    }
                    postings.advance();
                }
            }
            grades
        })
        .collect();
    let mut gathered = gathered.into_iter();
    let mut grades = gathered
        .next()
        .unwrap_or_else(|| GradesBuilder::new(slots, expected));
    for more in gathered {
        grades.absorb(more);
    }
    grades.finish()
}

/// Looks up, ahead of the user, the plain term `word` in `scope` (a letter or digit: the
/// first key of nearly every query; or a likely next prefix, see [`likely_next`]), so that
/// its key answers from what is kept. Gives up as soon as `stop` says a key came (a look-up
/// takes tens of milliseconds, which that key must not wait); whether it finished.
pub fn warm(
    index: &WordIndex,
    cards: &CardStore,
    scope: Scope,
    word: &str,
    stop: &(dyn Fn() -> bool + Sync),
) -> bool {
    let slots = cards.slots().min(index.covers().1);
    word_grades(
        index,
        slots,
        cards,
        scope,
        &[word.to_string()],
        true,
        None,
        stop,
    );
    !stop()
}

/// The `how_many` prefixes one letter longer than `word` whose words the most documents hold
/// in `scope`, most first: what the next key likely makes of a term of two letters. Past two
/// letters no lead stands for the words a term starts, and at a million cards looking up the
/// hundreds of words `pro` starts takes tens of milliseconds, which the pause before that key
/// has time for. Cut short once `stop` says a key came.
pub fn likely_next(
    index: &WordIndex,
    scope: Scope,
    word: &str,
    how_many: usize,
    stop: &dyn Fn() -> bool,
) -> Vec<String> {
    let mut upper = word.as_bytes().to_vec();
    upper.push(0xFF);
    let mut held: Vec<(char, u64)> = Vec::new();
    for &place in places(scope).iter() {
        let field = index.field(place);
        for segment in index.segments() {
            let Ok(inverted) = segment.reader.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().range().ge(word).lt(&upper).into_stream() else {
                continue;
            };
            while !stop() && stream.advance() {
                // A word's term is text, and `word` ends at a letter's end.
                let rest = stream.key().get(word.len()..).unwrap_or_default();
                let next = std::str::from_utf8(rest)
                    .ok()
                    .and_then(|t| t.chars().next());
                let Some(next) = next else { continue };
                let docs = u64::from(stream.value().doc_freq);
                match held.iter_mut().find(|(c, _)| *c == next) {
                    Some((_, n)) => *n += docs,
                    None => held.push((next, docs)),
                }
            }
        }
    }
    held.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    held.into_iter()
        .take(how_many)
        .map(|(next, _)| format!("{word}{next}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{CardId, Prose, Provider};

    /// The cards in a store, and indexed.
    fn indexed(cards: Vec<Card>) -> (CardStore, WordIndex) {
        let mut store = CardStore::default();
        store.push_chunk(cards);
        let mut index = WordIndex::new().expect("an index");
        index.catch_up(&store, 0, usize::MAX);
        index.commit(true).expect("committed");
        (store, index)
    }

    /// The likely next prefixes of a two-letter term are those whose words most documents
    /// hold; looked up ahead, the next key finds them kept.
    #[test]
    fn the_likely_next_prefixes_are_the_most_held_and_are_kept_once_warmed() {
        let titles = ["Protest program", "protest", "Press", "Print", "Apple"];
        let cards: Vec<Card> = titles
            .iter()
            .enumerate()
            .map(|(i, title)| Card {
                id: CardId(i as u64 + 1),
                title: Some((*title).into()),
                ..Card::default()
            })
            .collect();
        let (store, index) = indexed(cards);
        // "pro": three documents (protest twice, program once); "pre" and "pri" one each,
        // the tie broken by the letter.
        assert_eq!(
            likely_next(&index, Scope::Any, "pr", 2, &|| false),
            ["pro", "pre"]
        );
        assert_eq!(
            likely_next(&index, Scope::Any, "pr", 9, &|| false),
            ["pro", "pre", "pri"]
        );
        assert!(likely_next(&index, Scope::Any, "zz", 2, &|| false).is_empty());
        let key = format!("{:?}\u{0}pro\u{0}true", Scope::Any);
        assert!(index.remembered(&key).is_none());
        assert!(warm(&index, &store, Scope::Any, "pro", &|| false));
        let kept = index.remembered(&key).expect("kept");
        assert_eq!(
            (kept.matched(), kept.get(0), kept.get(2)),
            (2, grade(Place::Title, PREFIX), NONE)
        );
    }

    /// A term of a letter or two reads the leads the index keeps beside the words; its grades
    /// are those of the index's words read one by one, and of the cards' own text.
    #[test]
    fn a_letter_or_two_reads_the_leads_and_grades_as_the_words_do() {
        let texts = [
            ("Mars rover lands", "The mission's rover, on Mars.", "Space"),
            ("Über die Märkte", "Marktbericht: mäßig", "Wirtschaft"),
            ("m", "a single letter, m, as a word", "Misc"),
            ("Café culture", "coffee; CAFÉS; ca", "Food"),
            ("火星探査", "探査機が火星に着陸", "宇宙"),
            ("Mo money", "more or less", "Money"),
            ("nothing here", "", ""),
        ];
        let cards: Vec<Card> = texts
            .iter()
            .enumerate()
            .map(|(i, (title, excerpt, topic))| Card {
                id: CardId(i as u64 + 1),
                title: Some((*title).into()),
                prose: Prose::held(Some((*excerpt).into()), None),
                topics: vec![Arc::from(*topic)].into(),
                provider: Some(Provider {
                    name: Some(Arc::from("Mainz Monitor")),
                    domain: None,
                }),
                ..Card::default()
            })
            .collect();
        let (store, index) = indexed(cards);
        // The leads are in the index themselves: a letter and two, no more.
        let title = index.field(Place::Title);
        let holds = |term: &str| {
            index.segments().iter().any(|segment| {
                let term = tantivy::Term::from_field_text(title, term);
                segment
                    .reader
                    .inverted_index(title)
                    .ok()
                    .and_then(|inverted| inverted.get_term_info(&term).ok().flatten())
                    .is_some()
            })
        };
        assert!(holds("mars") && holds(&lead_term("m")) && holds(&lead_term("ma")));
        assert!(!holds(&lead_term("mar")) && !holds("ma"));
        let slots = store.slots();
        let all: Vec<CardIx> = (0..slots as CardIx).collect();
        for word in [
            "m", "ma", "mo", "c", "ca", "u", "ub", "火", "火星", "z", "mar",
        ] {
            let wanted = |prefix| Wanted {
                scope: Scope::Any,
                word,
                prefix,
                typos: None,
            };
            let read = look_up(&index, slots, &wanted(true), &|| false);
            let by_text = graded_by_text(&store, slots, &all, Scope::Any, word, true);
            for ix in &all {
                assert_eq!(read.get(*ix), by_text.get(*ix), "{word:?}, card {ix}");
            }
            // A whole word of a letter or two is not a lead: the word alone.
            let whole = look_up(&index, slots, &wanted(false), &|| false);
            let by_text = graded_by_text(&store, slots, &all, Scope::Any, word, false);
            for ix in &all {
                assert_eq!(
                    whole.get(*ix),
                    by_text.get(*ix),
                    "{word:?} whole, card {ix}"
                );
            }
        }
    }
}
