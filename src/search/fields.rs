//! The fields of a card that words are looked for in, best first, and sets of them: one list
//! for the index, the query language's scopes, the ranking and the `[filter]` configuration.

use std::borrow::Cow;

use crate::corpus::Card;

/// The indexed fields, in the order a match in them ranks: a word in the title says more about
/// a card than the same word in its excerpt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Title,
    Topic,
    Provider,
    Domain,
    Category,
    Excerpt,
    Body,
}

impl Place {
    pub const ALL: [Place; 7] = [
        Place::Title,
        Place::Topic,
        Place::Provider,
        Place::Domain,
        Place::Category,
        Place::Excerpt,
        Place::Body,
    ];

    /// How good a match here is: 0 best. Topics, provider and category rank together.
    pub fn rank(self) -> u8 {
        match self {
            Place::Title => 0,
            Place::Topic | Place::Provider | Place::Domain | Place::Category => 1,
            Place::Excerpt => 2,
            Place::Body => 3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Place::Title => "title",
            Place::Topic => "topic",
            Place::Provider => "provider",
            Place::Domain => "domain",
            Place::Category => "category",
            Place::Excerpt => "excerpt",
            Place::Body => "body",
        }
    }

    /// The card's texts in this field.
    pub fn texts(self, card: &Card) -> Vec<Cow<'_, str>> {
        match self {
            Place::Title => vec![Cow::Borrowed(card.display_title())],
            Place::Topic => card.topics.iter().map(|t| Cow::Borrowed(&**t)).collect(),
            Place::Provider => card
                .provider_name()
                .map(Cow::Borrowed)
                .into_iter()
                .collect(),
            Place::Domain => card
                .provider_domain()
                .map(Cow::Borrowed)
                .into_iter()
                .collect(),
            Place::Category => card
                .category
                .as_deref()
                .map(Cow::Borrowed)
                .into_iter()
                .collect(),
            Place::Excerpt => card.excerpt().into_iter().collect(),
            Place::Body => card.body().into_iter().collect(),
        }
    }
}

/// Some of the fields, as a set small enough to copy (a scope holds one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Places(u8);

impl Places {
    pub const ALL: Places = Places((1 << Place::ALL.len()) - 1);

    pub fn of(places: &[Place]) -> Places {
        Places(places.iter().fold(0, |set, p| set | 1 << *p as u8))
    }

    pub fn contains(self, place: Place) -> bool {
        self.0 & 1 << place as u8 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields, best first.
    pub fn list(self) -> PlaceList {
        let mut list = PlaceList {
            items: [Place::Title; Place::ALL.len()],
            len: 0,
        };
        for place in Place::ALL {
            if self.contains(place) {
                list.items[list.len] = place;
                list.len += 1;
            }
        }
        list
    }
}

/// Fields in order, without allocating: what [`Places::list`] gives.
#[derive(Debug, Clone, Copy)]
pub struct PlaceList {
    items: [Place; Place::ALL.len()],
    len: usize,
}

impl std::ops::Deref for PlaceList {
    type Target = [Place];

    fn deref(&self) -> &[Place] {
        &self.items[..self.len]
    }
}

impl Place {
    /// The field named so in the query language and the configuration (`topic` and `topics`
    /// both).
    pub fn named(name: &str) -> Option<Place> {
        match name {
            "topics" => Some(Place::Topic),
            _ => Place::ALL.into_iter().find(|p| p.name() == name),
        }
    }
}
