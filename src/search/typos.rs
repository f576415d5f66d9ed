//! Typos: which words a term may stand for when it was mistyped. One typo (a letter inserted,
//! dropped, changed, or two neighbours swapped) is forgiven in a term of 5 letters or more, two
//! in one of 9 or more; the term, so corrected, may still be the start of a longer word, as every
//! plain term is.
//!
//! The same automaton walks the index's term dictionary (finding the words) and tests a word of
//! a card (lighting it), so what is found is what is lit.

use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};

/// Typos forgiven in a term of `letters` letters.
pub fn allowed(letters: usize) -> u8 {
    match letters {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The words a term may stand for with its typos; `None` for a term too short for any.
pub struct Typos(DFA);

impl Typos {
    /// For `folded`, a folded term.
    pub fn new(folded: &str) -> Option<Typos> {
        let distance = allowed(folded.chars().count());
        if distance == 0 {
            return None;
        }
        // Building a builder takes milliseconds; the two are built once per process.
        static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 2] =
            [OnceLock::new(), OnceLock::new()];
        let builder = BUILDERS[usize::from(distance - 1)]
            .get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true));
        Some(Typos(builder.build_prefix_dfa(folded)))
    }

    /// Whether the folded `word` starts with what the term may stand for.
    pub fn matches(&self, word: &str) -> bool {
        matches!(self.0.eval(word.as_bytes()), Distance::Exact(_))
    }
}

impl tantivy_fst::Automaton for Typos {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_typo_from_five_letters_two_from_nine() {
        assert!(Typos::new("tele").is_none());
        let one = Typos::new("telscope").unwrap();
        assert!(one.matches("telescope"));
        assert!(
            one.matches("telescopes"),
            "the corrected term is a prefix too"
        );
        assert!(!one.matches("microscope"));
        let swap = Typos::new("telecsope").unwrap();
        assert!(
            swap.matches("telescope"),
            "a swap of neighbours is one typo"
        );
        assert!(!Typos::new("tlscope").unwrap().matches("telescope"));
        assert!(!Typos::new("tlscopee").unwrap().matches("telescope"));
        assert!(
            Typos::new("telesscoope").unwrap().matches("telescope"),
            "two from 9"
        );
    }
}
