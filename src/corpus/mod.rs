//! The data: article cards, how they are parsed and loaded, and how they link to each other.
//! No terminal and no threads of its own (loading borrows rayon's pool).

pub mod card;
pub mod demo;
pub mod diagnostic;
pub mod id;
pub mod intern;
pub mod links;
pub mod load;
pub mod parse;
pub mod store;
mod yaml;

use std::collections::HashMap;

pub use card::{Card, CardId, CardIx, Image, Provider, Related, Secured, UrlKind, Urls};
pub use diagnostic::{Diagnostic, Severity, Subject};
pub use links::Links;
pub use store::CardStore;

/// The cards loaded so far, and their links.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub cards: CardStore,
    pub links: Links,
    by_id: HashMap<CardId, CardIx>,
}

impl Corpus {
    /// Adds a batch of cards in load order; returns a warning for each card whose id another
    /// card already has (the first one keeps the id for look-ups).
    pub fn add_batch(&mut self, cards: Vec<Card>) -> Vec<Diagnostic> {
        let start = self.cards.len() as CardIx;
        let mut diagnostics = Vec::new();
        for (ix, card) in (start..).zip(&cards) {
            let first = *self.by_id.entry(card.id).or_insert(ix);
            if first != ix {
                let first_path = self.path_of(first, &cards, start);
                diagnostics.push(Diagnostic::file(
                    card.path.clone(),
                    Severity::Warning,
                    format!("same id {} as {}", card.id, first_path),
                ));
            }
        }
        self.links.add_batch(start, &cards);
        self.cards.push_chunk(cards);
        diagnostics
    }

    fn path_of(&self, ix: CardIx, batch: &[Card], start: CardIx) -> String {
        let card = match ix.checked_sub(start) {
            Some(offset) => batch.get(offset as usize),
            None => self.cards.get(ix),
        };
        card.map_or_else(String::new, |c| c.path.display().to_string())
    }

    /// Drops the bookkeeping only needed while loading.
    pub fn finish(&mut self) {
        self.links.finish();
    }

    pub fn len(&self) -> usize {
        self.cards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    pub fn get(&self, ix: CardIx) -> Option<&Card> {
        self.cards.get(ix)
    }

    pub fn by_id(&self, id: CardId) -> Option<CardIx> {
        self.by_id.get(&id).copied()
    }
}
