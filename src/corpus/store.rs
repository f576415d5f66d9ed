//! Where a snapshot's cards live: immutable chunks shared by reference count, so a background
//! filter can hold one version of the corpus while the next is built beside it.
//!
//! A card sits in a slot, and its [`CardIx`] is that slot's number. Slots are only ever
//! appended; a removed (or replaced) card leaves its slot dead rather than moving the ones after
//! it, so the positions held by sorted lists and filter results of an earlier version stay
//! meaningful in a later one, and a delta costs work in proportion to its size. Dead slots are
//! reclaimed by [`CardStore::compacted`], which renumbers every slot.

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::card::{Card, CardIx};

/// The slots of one snapshot; cheap to clone (one `Arc` per stored batch, and the shared maps).
#[derive(Clone, Debug, Default)]
pub struct CardStore {
    /// Each batch as it came, moved in: an `Arc<[Card]>` would be a new allocation to copy
    /// the cards into (the whole corpus's cards once more, 38 MB at 100k, all of it fresh pages
    /// a headless command waits for).
    chunks: Vec<Arc<Vec<Card>>>,
    /// First slot of each chunk.
    starts: Vec<CardIx>,
    /// Chunk number of every slot, so lookups are O(1) rather than a search over `starts`.
    /// Shared, so a snapshot for the filter worker copies no per-card data; the next append
    /// copies it only if a snapshot still holds the old one.
    chunk_of: Arc<Vec<u32>>,
    /// Per slot: the card was removed or replaced. Shared like `chunk_of`.
    dead: Arc<Vec<bool>>,
    dead_count: usize,
    /// Made on first use; shared by the clones of one set of slots, made again once slots
    /// are added (a removal leaves it right: dead slots stay in it).
    date_order: Arc<OnceLock<DateOrder>>,
    /// The last date order made for fewer slots: the next is made from it by merging in the
    /// slots added since (see [`DateOrder::extended`]).
    date_base: Option<Arc<OnceLock<DateOrder>>>,
    /// Made and shared like `date_order`.
    title_letters: Arc<OnceLock<Vec<Letters>>>,
}

/// One card of a store, shared with it: see [`CardStore::shared`].
#[derive(Clone, Debug)]
pub struct SharedCard {
    chunk: Arc<Vec<Card>>,
    /// Always inside `chunk`.
    at: usize,
}

impl std::ops::Deref for SharedCard {
    type Target = Card;

    fn deref(&self) -> &Card {
        &self.chunk[self.at]
    }
}

/// Which ASCII letters (case folded) and digits a text holds, a bit each: a test of letters
/// scattered through a title can rule out most titles by this alone, without reading them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Letters(u64);

impl Letters {
    pub fn of(text: &str) -> Letters {
        Letters(text.bytes().fold(0, |set, b| set | Letters::bit(b)))
    }

    /// The bit of an ASCII letter or digit; 0 for any other byte.
    fn bit(b: u8) -> u64 {
        match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            b'A'..=b'Z' => 1 << (b - b'A'),
            b'0'..=b'9' => 1 << (26 + b - b'0'),
            _ => 0,
        }
    }

    /// Whether every letter and digit of `self` is in `other`.
    pub fn within(self, other: Letters) -> bool {
        self.0 & !other.0 == 0
    }
}

/// Copies the titles and topics of `cards` one after another. Every keystroke of a filter
/// reads each card's title and topics; parsed on several threads among much garbage, they lie
/// scattered, and side by side in memory a full scan for a one-letter query runs about a
/// third faster (38 ms -> 27 ms on one core for 100k cards). (The cache's reader makes them
/// so as it decodes.)
pub(crate) fn side_by_side(cards: &mut [Card]) {
    for card in cards {
        if let Some(title) = card.title.take() {
            card.title = Some(Box::from(&*title));
        }
        card.topics = card.topics.iter().cloned().collect();
    }
}

/// Every slot, newest card first: the list's default order, and the last word of every
/// ranking. Cards without a date come last; equal dates in slot order.
#[derive(Debug, Default)]
pub struct DateOrder {
    /// The slots, dead ones included, newest first.
    pub newest_first: Vec<CardIx>,
    /// Per position, the key the slot there sorts by (see [`CardStore::date_key`]): what new
    /// slots are merged in by, without reading the cards again.
    keys: Vec<(i64, i32)>,
    /// Per slot, its position in `newest_first`: made when first asked for, by a ranking or
    /// a sort by another key (not by listing newest first, after every load batch).
    position: OnceLock<Vec<u32>>,
}

impl DateOrder {
    /// The order of `keyed` slots (each with its key), sorted.
    fn of(keyed: Vec<((i64, i32), CardIx)>) -> DateOrder {
        let (keys, newest_first) = keyed.into_iter().unzip();
        DateOrder {
            newest_first,
            keys,
            position: OnceLock::new(),
        }
    }

    /// Per slot, its position newest first.
    pub fn position(&self) -> &[u32] {
        self.position.get_or_init(|| {
            let mut position = vec![0u32; self.newest_first.len()];
            for (at, &ix) in self.newest_first.iter().enumerate() {
                if let Some(p) = position.get_mut(ix as usize) {
                    *p = at as u32;
                }
            }
            position
        })
    }

    /// This order with the slots of `store` it does not have (those added since it was made)
    /// merged in: linear in the slots, where sorting them all again for every load batch was
    /// not. Merged straight into the two lists: an order of 100k slots made again per batch is
    /// megabytes of fresh pages.
    fn extended(&self, store: &CardStore) -> DateOrder {
        let first = self.newest_first.len() as CardIx;
        let mut fresh: Vec<((i64, i32), CardIx)> = (first..store.slots() as CardIx)
            .map(|ix| (store.date_key(ix), ix))
            .collect();
        fresh.sort_unstable();
        let len = self.newest_first.len() + fresh.len();
        let (mut keys, mut newest_first) = (Vec::with_capacity(len), Vec::with_capacity(len));
        let mut old = self
            .keys
            .iter()
            .copied()
            .zip(self.newest_first.iter().copied())
            .peekable();
        let mut fresh = fresh.into_iter().peekable();
        loop {
            let next = match (old.peek(), fresh.peek()) {
                (Some(a), Some(b)) if a <= b => old.next(),
                (_, Some(_)) => fresh.next(),
                _ => old.next(),
            };
            let Some((key, ix)) = next else {
                break;
            };
            keys.push(key);
            newest_first.push(ix);
        }
        DateOrder {
            newest_first,
            keys,
            position: OnceLock::new(),
        }
    }

    /// The slot at `position` newest first.
    pub fn card(&self, position: u32) -> CardIx {
        self.newest_first
            .get(position as usize)
            .copied()
            .unwrap_or(CardIx::MAX)
    }
}

impl CardStore {
    /// Live cards.
    pub fn len(&self) -> usize {
        self.slots() - self.dead_count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Slots, dead ones included: every valid [`CardIx`] is below this.
    pub(crate) fn slots(&self) -> usize {
        self.chunk_of.len()
    }

    /// Dead slots, which [`CardStore::compacted`] would reclaim.
    pub(crate) fn dead_slots(&self) -> usize {
        self.dead_count
    }

    /// Appends one batch; its cards get the next slots in order.
    /// A load's batches come with their titles and topics side by side (see
    /// [`side_by_side`]), made so on the loader's threads rather than here, on the reader's.
    pub(crate) fn push_chunk(&mut self, mut cards: Vec<Card>) {
        if cards.is_empty() {
            return;
        }
        let chunk_no = self.chunks.len() as u32;
        self.starts.push(self.slots() as CardIx);
        Arc::make_mut(&mut self.chunk_of).extend(std::iter::repeat_n(chunk_no, cards.len()));
        Arc::make_mut(&mut self.dead).extend(std::iter::repeat_n(false, cards.len()));
        cards.shrink_to_fit();
        self.chunks.push(Arc::new(cards));
        // The order made, if one was, is the base of the next (made when it is asked for).
        let made = std::mem::take(&mut self.date_order);
        if made.get().is_some() {
            self.date_base = Some(made);
        }
        self.title_letters = Arc::default();
    }

    /// Per slot, the letters and digits of its card's title as shown (dead slots included).
    pub fn title_letters(&self) -> &[Letters] {
        self.title_letters.get_or_init(|| {
            (0..self.slots() as CardIx)
                .into_par_iter()
                .map(|ix| {
                    self.slot(ix)
                        .map_or_else(Letters::default, |c| Letters::of(c.display_title()))
                })
                .collect()
        })
    }

    /// Every slot newest first, and each slot's position in that order (sorted on all cores
    /// the first time it is asked for in this set of slots).
    pub fn date_order(&self) -> &DateOrder {
        self.date_order.get_or_init(|| {
            // The reader lists the corpus newest first after every load batch: sorting every
            // slot again each time was most of what listing cost.
            if let Some(base) = self.date_base.as_ref().and_then(|b| b.get()) {
                return base.extended(self);
            }
            let mut keyed: Vec<((i64, i32), CardIx)> = (0..self.slots() as CardIx)
                .into_par_iter()
                .map(|ix| (self.date_key(ix), ix))
                .collect();
            keyed.par_sort_unstable();
            DateOrder::of(keyed)
        })
    }

    /// What a slot sorts by newest first: newer is smaller; no date sorts after every date.
    fn date_key(&self, ix: CardIx) -> (i64, i32) {
        self.slot(ix)
            .and_then(|c| c.published_date_time)
            .map_or((i64::MAX, 0), |t| (-t.as_second(), -t.subsec_nanosecond()))
    }

    /// Marks a slot dead; its card is no longer listed or found.
    pub fn kill(&mut self, ix: CardIx) {
        if let Some(dead) = Arc::make_mut(&mut self.dead).get_mut(ix as usize)
            && !*dead
        {
            *dead = true;
            self.dead_count += 1;
        }
    }

    /// Per slot, whether it is dead: for a pass over every slot.
    pub(crate) fn dead_flags(&self) -> &[bool] {
        &self.dead
    }

    pub(crate) fn is_live(&self, ix: CardIx) -> bool {
        self.dead.get(ix as usize).is_some_and(|dead| !dead)
    }

    /// Appends the live slots of `slots` to `out`, in order. With no slot dead, the flags are
    /// not read: read in a random order (a filter's hits), each would cost a cache miss.
    pub(crate) fn extend_with_live(
        &self,
        out: &mut Vec<CardIx>,
        slots: impl Iterator<Item = CardIx>,
    ) {
        if self.dead_count == 0 {
            let all = self.slots();
            out.extend(slots.filter(|&ix| (ix as usize) < all));
        } else {
            out.extend(slots.filter(|&ix| self.is_live(ix)));
        }
    }

    /// The card in a live slot.
    pub fn get(&self, ix: CardIx) -> Option<&Card> {
        if !self.is_live(ix) {
            return None;
        }
        self.slot(ix)
    }

    /// The card in a live slot, as a handle that keeps it (and the rest of its batch) alive
    /// without copying it: what a background job that outlives this store takes.
    pub fn shared(&self, ix: CardIx) -> Option<SharedCard> {
        if !self.is_live(ix) {
            return None;
        }
        let chunk_no = *self.chunk_of.get(ix as usize)? as usize;
        let chunk = Arc::clone(self.chunks.get(chunk_no)?);
        let at = (ix - *self.starts.get(chunk_no)?) as usize;
        (at < chunk.len()).then_some(SharedCard { chunk, at })
    }

    /// The card in a slot, dead or alive: what a removal needs to undo the card's links.
    pub(crate) fn slot(&self, ix: CardIx) -> Option<&Card> {
        let chunk_no = *self.chunk_of.get(ix as usize)? as usize;
        let start = *self.starts.get(chunk_no)?;
        self.chunks.get(chunk_no)?.get((ix - start) as usize)
    }

    /// Every live card with its index, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (CardIx, &Card)> + '_ {
        self.chunks()
            .flat_map(|(start, cards)| (start..).zip(cards.iter()))
            .filter(|(ix, _)| self.is_live(*ix))
    }

    /// The chunks with the index of their first slot: the unit of parallel work for filters.
    /// They include dead slots; skip those with [`CardStore::is_live`].
    pub fn chunks(&self) -> impl Iterator<Item = (CardIx, &[Card])> + '_ {
        self.starts
            .iter()
            .copied()
            .zip(self.chunks.iter().map(|c| &c[..]))
    }

    /// The live cards in new slots, numbered from 0 in their old order. Chunks without a dead
    /// slot are shared with `self`, not copied.
    pub(crate) fn compacted(&self) -> CardStore {
        let mut out = CardStore::default();
        for (chunk, start) in self.chunks.iter().zip(&self.starts) {
            let start = *start as usize;
            let dead = self
                .dead
                .get(start..start + chunk.len())
                .unwrap_or_default();
            if !dead.contains(&true) {
                let chunk_no = out.chunks.len() as u32;
                out.starts.push(out.chunk_of.len() as CardIx);
                Arc::make_mut(&mut out.chunk_of).extend(std::iter::repeat_n(chunk_no, chunk.len()));
                Arc::make_mut(&mut out.dead).extend(std::iter::repeat_n(false, chunk.len()));
                out.chunks.push(Arc::clone(chunk));
            } else {
                let live: Vec<Card> = chunk
                    .iter()
                    .zip(dead)
                    .filter(|(_, dead)| !**dead)
                    .map(|(card, _)| card.clone())
                    .collect();
                out.push_chunk(live);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titled(t: &str) -> Card {
        Card {
            title: Some(t.into()),
            ..Card::default()
        }
    }

    fn titles(store: &CardStore) -> Vec<(CardIx, String)> {
        store
            .iter()
            .map(|(ix, c)| (ix, c.display_title().to_string()))
            .collect()
    }

    /// With no slot dead or some, the same slots are kept: live ones, in order, none past the end.
    #[test]
    fn only_live_slots_are_kept_in_order() {
        let mut store = CardStore::default();
        store.push_chunk(vec![titled("a"), titled("b"), titled("c"), titled("d")]);
        let kept = |store: &CardStore| {
            let mut out = vec![7];
            store.extend_with_live(&mut out, [3, 0, 9, 2, 1].into_iter());
            out
        };
        assert_eq!(kept(&store), vec![7, 3, 0, 2, 1]);
        store.kill(2);
        assert_eq!(kept(&store), vec![7, 3, 0, 1]);
    }

    #[test]
    fn the_date_order_is_newest_first_undated_last_ties_by_slot_and_follows_new_slots() {
        let dated = |t: &str, s: Option<i64>| Card {
            published_date_time: s.map(|s| jiff::Timestamp::from_second(s).unwrap()),
            ..titled(t)
        };
        let mut store = CardStore::default();
        store.push_chunk(vec![
            dated("a", Some(5)),
            dated("b", None),
            dated("c", Some(9)),
        ]);
        store.push_chunk(vec![dated("d", Some(5))]);
        let before = store.clone();
        assert_eq!(store.date_order().newest_first, vec![2, 0, 3, 1]);
        assert_eq!(store.date_order().position(), vec![1, 3, 0, 2]);
        store.kill(0);
        assert_eq!(store.date_order().newest_first, vec![2, 0, 3, 1]);
        store.push_chunk(vec![dated("e", Some(7))]);
        assert_eq!(store.date_order().newest_first, vec![2, 4, 0, 3, 1]);
        assert_eq!(before.date_order().newest_first, vec![2, 0, 3, 1]);
    }

    /// An order followed chunk by chunk is the order made at once from every slot.
    #[test]
    fn the_date_order_followed_chunk_by_chunk_is_the_one_made_at_once() {
        let days = [3, -1, 7, 3, 0, -1, 9, 7, 7, 1, 3, -1, 12, 0, 5];
        let card = |i: usize, day: i64| Card {
            published_date_time: (day >= 0)
                .then(|| jiff::Timestamp::from_second(day * 86_400 + (i as i64 % 2)).unwrap()),
            ..titled(&i.to_string())
        };
        let cards: Vec<Card> = days.iter().enumerate().map(|(i, d)| card(i, *d)).collect();
        let mut at_once = CardStore::default();
        at_once.push_chunk(cards.clone());
        let mut followed = CardStore::default();
        for chunk in [&cards[..4], &cards[4..5], &cards[5..11], &cards[11..]] {
            followed.push_chunk(chunk.to_vec());
            // Asked for after every chunk, as the reader's list does.
            followed.date_order();
        }
        assert_eq!(
            followed.date_order().newest_first,
            at_once.date_order().newest_first
        );
        assert_eq!(
            followed.date_order().position(),
            at_once.date_order().position()
        );
        assert_eq!(followed.date_order().keys, at_once.date_order().keys);
    }

    #[test]
    fn title_letters_fold_ascii_case_and_follow_new_slots() {
        let mut store = CardStore::default();
        store.push_chunk(vec![titled("Mars 2024"), titled("Über")]);
        let letters = store.title_letters();
        assert!(Letters::of("ms2").within(letters[0]) && Letters::of("RA").within(letters[0]));
        assert!(!Letters::of("x").within(letters[0]) && !Letters::of("5").within(letters[0]));
        assert!(Letters::of("ber").within(letters[1]) && !Letters::of("u").within(letters[1]));
        store.push_chunk(vec![titled("x")]);
        assert_eq!(store.title_letters()[2], Letters::of("X"));
    }

    #[test]
    fn a_shared_card_is_the_live_card_of_its_slot() {
        let mut store = CardStore::default();
        store.push_chunk(vec![titled("a"), titled("b")]);
        store.push_chunk(vec![titled("c")]);
        store.kill(1);
        let title = |ix| store.shared(ix).map(|c| c.display_title().to_string());
        assert_eq!(title(0).as_deref(), Some("a"));
        assert_eq!(title(1), None, "dead");
        assert_eq!(title(2).as_deref(), Some("c"));
        assert_eq!(title(3), None, "no such slot");
        // It outlives the store.
        let shared = store.shared(2).expect("live");
        drop(store);
        assert_eq!(shared.display_title(), "c");
    }

    #[test]
    fn indices_follow_slot_order_across_chunks() {
        let mut store = CardStore::default();
        store.push_chunk(vec![titled("a"), titled("b")]);
        store.push_chunk(vec![]);
        store.push_chunk(vec![titled("c")]);
        assert_eq!(store.len(), 3);
        assert_eq!(
            titles(&store),
            vec![(0, "a".into()), (1, "b".into()), (2, "c".into())]
        );
        assert_eq!(store.get(2).map(Card::display_title), Some("c"));
        assert!(store.get(3).is_none());
    }

    #[test]
    fn dead_slots_keep_the_others_in_place_until_compacted() {
        let mut store = CardStore::default();
        store.push_chunk(vec![titled("a"), titled("b")]);
        store.push_chunk(vec![titled("c"), titled("d")]);
        let before = store.clone();
        store.kill(1);
        store.kill(1);
        assert_eq!((store.len(), store.slots(), store.dead_slots()), (3, 4, 1));
        assert!(store.get(1).is_none());
        assert_eq!(store.slot(1).map(Card::display_title), Some("b"));
        assert_eq!(
            titles(&store),
            vec![(0, "a".into()), (2, "c".into()), (3, "d".into())]
        );
        // A clone taken before is a snapshot: the kill did not reach it.
        assert_eq!(before.len(), 4);
        let compact = store.compacted();
        assert_eq!(
            titles(&compact),
            vec![(0, "a".into()), (1, "c".into()), (2, "d".into())]
        );
        assert_eq!(compact.dead_slots(), 0);
        // The untouched chunk is shared, not copied.
        let shared = compact.chunks().nth(1).map(|(_, c)| c.as_ptr());
        assert_eq!(shared, store.chunks().nth(1).map(|(_, c)| c.as_ptr()));
    }
}
