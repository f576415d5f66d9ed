//! The marks of every card at one moment: an immutable value the reader's filter worker reads
//! while the UI thread goes on, with a version for caches to key on.
//!
//! A user action is a [`Change`]; [`Marks::apply`] makes it on a copy at once (so the screen
//! shows it before the database has it) and returns the [`Restore`] that undoes it, which is
//! also the [`super::Op`] that writes the undo.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;

use super::db::{micros, stored, timestamp};
use crate::corpus::CardId;
use crate::corpus::id::KeyMap;

/// The two marks a user sets on a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlagKind {
    Read,
    Starred,
}

impl FlagKind {
    /// The columns of the `card` table that hold this flag and the time it was set.
    pub(crate) fn columns(self) -> (&'static str, &'static str) {
        match self {
            FlagKind::Read => ("read", "read_at"),
            FlagKind::Starred => ("starred", "starred_at"),
        }
    }
}

/// One mark of one card: on or off, and when it was last set either way (`None`: never set, so
/// off).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag {
    pub on: bool,
    pub at: Option<Timestamp>,
}

/// Everything the state knows of one card.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CardState {
    pub read: Flag,
    pub starred: Flag,
    /// When a tidings command or the reader first loaded the card; `None` until one has.
    pub first_seen: Option<Timestamp>,
}

impl CardState {
    pub fn flag(&self, kind: FlagKind) -> Flag {
        match kind {
            FlagKind::Read => self.read,
            FlagKind::Starred => self.starred,
        }
    }
}

/// One user action: set `kind` to `on` for every card of `ids`, at `at`. `m` and `*` change one
/// card; `M` every card of the list, as one change (one transaction, one undo step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: FlagKind,
    pub on: bool,
    pub ids: Arc<[CardId]>,
    pub at: Timestamp,
}

/// The values a [`Change`] replaced, card by card: writing them back undoes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restore {
    pub kind: FlagKind,
    pub values: Vec<(CardId, Flag)>,
}

pub(crate) type IdMap<V> = KeyMap<CardId, V>;

/// A stored time in microseconds, or none.
const NONE: i64 = i64::MIN;
const READ: u8 = 1;
const STARRED: u8 = 2;

/// One card's state as a snapshot holds it: times as the file keeps them (microseconds), so
/// loading 100k cards converts nothing, and 32 bytes a card, so copying a snapshot for a
/// change is quick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    read_at: i64,
    starred_at: i64,
    first_seen: i64,
    flags: u8,
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            read_at: NONE,
            starred_at: NONE,
            first_seen: NONE,
            flags: 0,
        }
    }
}

impl Entry {
    /// A card as stored: each flag, its time and the first sighting in microseconds.
    pub(crate) fn stored(
        read: bool,
        read_at: Option<i64>,
        starred: bool,
        starred_at: Option<i64>,
        first_seen: Option<i64>,
    ) -> Entry {
        Entry {
            read_at: read_at.unwrap_or(NONE),
            starred_at: starred_at.unwrap_or(NONE),
            first_seen: first_seen.unwrap_or(NONE),
            flags: if read { READ } else { 0 } | if starred { STARRED } else { 0 },
        }
    }

    fn state(&self) -> CardState {
        CardState {
            read: self.flag(FlagKind::Read),
            starred: self.flag(FlagKind::Starred),
            first_seen: time(self.first_seen),
        }
    }

    fn bit_and_time(&mut self, kind: FlagKind) -> (u8, &mut i64) {
        match kind {
            FlagKind::Read => (READ, &mut self.read_at),
            FlagKind::Starred => (STARRED, &mut self.starred_at),
        }
    }

    fn flag(&self, kind: FlagKind) -> Flag {
        let (bit, at) = match kind {
            FlagKind::Read => (READ, self.read_at),
            FlagKind::Starred => (STARRED, self.starred_at),
        };
        Flag {
            on: self.flags & bit != 0,
            at: time(at),
        }
    }

    /// Sets `kind` to `flag`; returns what it was.
    fn set(&mut self, kind: FlagKind, flag: Flag) -> Flag {
        let old = self.flag(kind);
        let (bit, at) = self.bit_and_time(kind);
        *at = flag.at.map_or(NONE, micros);
        if flag.on {
            self.flags |= bit;
        } else {
            self.flags &= !bit;
        }
        old
    }
}

fn time(us: i64) -> Option<Timestamp> {
    if us == NONE { None } else { timestamp(us) }
}

/// Every version handed out so far: two different snapshots never share one, even across a
/// reload from disk.
static VERSIONS: AtomicU64 = AtomicU64::new(1);

fn next_version() -> u64 {
    VERSIONS.fetch_add(1, Ordering::Relaxed)
}

/// The state of every card at one moment. Cards it does not hold are unread, unstarred and not
/// yet seen. Cheap to share (`Arc<Marks>`); the reader changes its own copy with
/// `Arc::make_mut` and [`Marks::apply`].
#[derive(Debug)]
pub struct Marks {
    version: u64,
    cards: IdMap<Entry>,
    since: Option<Timestamp>,
    /// `since` in microseconds, [`NONE`] when there is none.
    since_us: i64,
}

impl Clone for Marks {
    /// A copy is a new snapshot as soon as it exists, so it gets its own version.
    fn clone(&self) -> Self {
        Marks {
            version: next_version(),
            cards: self.cards.clone(),
            since: self.since,
            since_us: self.since_us,
        }
    }
}

impl Default for Marks {
    fn default() -> Self {
        Marks::new(IdMap::default(), None)
    }
}

impl Marks {
    pub(crate) fn new(cards: IdMap<Entry>, since: Option<Timestamp>) -> Marks {
        Marks {
            version: next_version(),
            cards,
            since,
            since_us: since.map_or(NONE, micros),
        }
    }

    /// Changes with every change to the marks: part of the filter's cache key.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The start of the reader session before this one (for a headless command, the last one):
    /// cards first seen after it are new. `None` before the first session.
    pub fn since(&self) -> Option<Timestamp> {
        self.since
    }

    pub fn get(&self, id: CardId) -> CardState {
        self.cards.get(&id).map(Entry::state).unwrap_or_default()
    }

    pub fn is_read(&self, id: CardId) -> bool {
        self.cards.get(&id).is_some_and(|e| e.flags & READ != 0)
    }

    pub fn is_starred(&self, id: CardId) -> bool {
        self.cards.get(&id).is_some_and(|e| e.flags & STARRED != 0)
    }

    /// New: first seen after the previous session started, or not recorded yet (it is being
    /// seen now). Before any session every card is new.
    pub fn is_new(&self, id: CardId) -> bool {
        match self.cards.get(&id).map(|e| e.first_seen) {
            Some(seen) if seen != NONE && self.since_us != NONE => seen > self.since_us,
            _ => true,
        }
    }

    /// Cards with any state at all.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    /// The cards marked read, in no particular order.
    pub fn read_ids(&self) -> impl Iterator<Item = CardId> + '_ {
        self.cards
            .iter()
            .filter(|(_, e)| e.flags & READ != 0)
            .map(|(id, _)| *id)
    }

    /// Every card's state, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (CardId, CardState)> + '_ {
        self.cards.iter().map(|(id, e)| (*id, e.state()))
    }

    /// Makes `change` here and returns what it replaced.
    pub fn apply(&mut self, change: &Change) -> Restore {
        self.version = next_version();
        let set = Flag {
            on: change.on,
            at: Some(stored(change.at)),
        };
        let values = change
            .ids
            .iter()
            .map(|id| {
                (
                    *id,
                    self.cards.entry(*id).or_default().set(change.kind, set),
                )
            })
            .collect();
        Restore {
            kind: change.kind,
            values,
        }
    }

    /// Writes back the values of an undone change.
    pub fn restore(&mut self, restore: &Restore) {
        self.version = next_version();
        for (id, flag) in &restore.values {
            self.cards.entry(*id).or_default().set(restore.kind, *flag);
        }
    }

    /// Records `at` as the first sighting of the cards of `ids` not seen before; returns those.
    pub fn see(&mut self, ids: impl IntoIterator<Item = CardId>, at: Timestamp) -> Vec<CardId> {
        let at = micros(stored(at));
        let mut fresh = Vec::new();
        for id in ids {
            let entry = self.cards.entry(id).or_default();
            if entry.first_seen == NONE {
                entry.first_seen = at;
                fresh.push(id);
            }
        }
        if !fresh.is_empty() {
            self.version = next_version();
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn a_change_applies_at_once_and_its_restore_undoes_it() {
        let mut marks = Marks::default();
        let v0 = marks.version();
        let first = marks.apply(&Change {
            kind: FlagKind::Read,
            on: true,
            ids: Arc::from([CardId(1), CardId(2)]),
            at: t(10),
        });
        assert!(marks.is_read(CardId(1)) && marks.is_read(CardId(2)));
        assert!(!marks.is_starred(CardId(1)));
        let v1 = marks.version();
        assert_ne!(v0, v1);
        let second = marks.apply(&Change {
            kind: FlagKind::Read,
            on: false,
            ids: Arc::from([CardId(2)]),
            at: t(20),
        });
        assert_eq!(
            second.values,
            [(
                CardId(2),
                Flag {
                    on: true,
                    at: Some(t(10))
                }
            )]
        );
        marks.restore(&second);
        assert!(marks.is_read(CardId(2)));
        marks.restore(&first);
        assert_eq!(marks.get(CardId(1)), CardState::default());
        assert!(!marks.is_read(CardId(2)));
        assert_ne!(marks.version(), v1);
        let copy = marks.clone();
        assert_ne!(copy.version(), marks.version());
    }

    #[test]
    fn new_means_seen_after_the_previous_session() {
        let mut cards = IdMap::default();
        for (id, seen) in [(1, 5), (2, 15)] {
            let seen = Some(micros(t(seen)));
            cards.insert(CardId(id), Entry::stored(false, None, false, None, seen));
        }
        let mut marks = Marks::new(cards.clone(), Some(t(10)));
        assert!(!marks.is_new(CardId(1)));
        assert!(marks.is_new(CardId(2)));
        assert!(marks.is_new(CardId(3)), "not seen yet: being seen now");
        assert_eq!(marks.see([CardId(1), CardId(3)], t(30)), [CardId(3)]);
        assert_eq!(marks.get(CardId(1)).first_seen, Some(t(5)));
        assert!(Marks::new(cards, None).is_new(CardId(1)));
    }
}
