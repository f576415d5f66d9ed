//! A card as the word index's writer takes it: the card itself, shared with the store, not a
//! copy of its texts.
//!
//! The writer queues thousands of documents for its indexing threads (when a load's last
//! cards all come at once, a queue of copies held 20-40 MB more at the load's peak, all of it
//! fresh pages to fill). A [`CardDocument`] is a handle on the card and the few values only
//! the index has; the indexing threads read the texts where the card keeps them.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tantivy::Document;
use tantivy::schema::Field;
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf, Value};

use super::fields::Place;
use crate::corpus::SharedCard;

/// One document: a card's id, the stamp of its texts, and its texts per field.
#[derive(Debug)]
pub struct CardDocument {
    card: SharedCard,
    /// The fields of the id, the stamp and of each [`Place`], in [`Place::ALL`]'s order.
    id: Field,
    stamp: (Field, u64),
    places: [Field; Place::ALL.len()],
    /// The card's texts that it cannot lend as they are (a mapped text whose bytes are not
    /// UTF-8: a cache file changed under its map), made once here.
    made: Vec<(Field, String)>,
    /// The documents made and not yet dropped (indexed, or refused by a closed writer):
    /// this one counts itself in when made and out when dropped.
    queued: Arc<AtomicUsize>,
}

impl CardDocument {
    pub fn new(
        card: SharedCard,
        id: Field,
        stamp: (Field, u64),
        places: [Field; Place::ALL.len()],
        queued: &Arc<AtomicUsize>,
    ) -> CardDocument {
        let mut made = Vec::new();
        for (place, field) in Place::ALL.into_iter().zip(places) {
            for text in place.texts(&card) {
                if let Cow::Owned(text) = text {
                    made.push((field, text));
                }
            }
        }
        queued.fetch_add(1, Ordering::Relaxed);
        CardDocument {
            card,
            id,
            stamp,
            places,
            made,
            queued: Arc::clone(queued),
        }
    }
}

impl Drop for CardDocument {
    fn drop(&mut self) {
        self.queued.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Document for CardDocument {
    type Value<'a> = DocumentValue<'a>;
    type FieldsValuesIter<'a> = std::vec::IntoIter<(Field, DocumentValue<'a>)>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        let card: &crate::corpus::Card = &self.card;
        let mut values = vec![
            (self.id, DocumentValue::Number(card.id.0)),
            (self.stamp.0, DocumentValue::Number(self.stamp.1)),
        ];
        for (place, field) in Place::ALL.into_iter().zip(self.places) {
            for text in place.texts(card) {
                // The others are in `made`.
                if let Cow::Borrowed(text) = text {
                    values.push((field, DocumentValue::Text(text)));
                }
            }
        }
        values.extend(
            self.made
                .iter()
                .map(|(field, text)| (*field, DocumentValue::Text(text))),
        );
        values.into_iter()
    }
}

/// A value of a [`CardDocument`]: a text borrowed from the card, or a number.
#[derive(Clone, Copy, Debug)]
pub enum DocumentValue<'a> {
    Text(&'a str),
    Number(u64),
}

impl<'a> Value<'a> for DocumentValue<'a> {
    type ArrayIter = std::iter::Empty<DocumentValue<'a>>;
    type ObjectIter = std::iter::Empty<(&'a str, DocumentValue<'a>)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match *self {
            DocumentValue::Text(text) => ReferenceValueLeaf::Str(text),
            DocumentValue::Number(n) => ReferenceValueLeaf::U64(n),
        })
    }
}
