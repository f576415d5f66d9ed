//! The corpus at one version: the cards keyed by [`CardId`], their links, and one way to change
//! them, [`Corpus::apply`] of a [`Delta`].
//!
//! The first load, a cache and a folder watcher all produce deltas, so there is one path by
//! which cards arrive, change and go, and one place that keeps ids unique and links right.
//! A [`CardIx`] is a slot inside one snapshot (see [`super::store`]): anything that outlives a
//! delta holds ids, or remembers the [`Corpus::version`] (and [`Corpus::epoch`]) its positions
//! belong to.

use std::cmp::Reverse;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::card::{Card, CardId, CardIx, ExtrasAt, ExtrasRead, Urls};
use super::diagnostic::{Diagnostic, Severity};
use super::id;
use super::links::{CardKeys, Links};
use super::load;
use super::store::CardStore;

/// A change to the corpus: cards that are new or changed, ids that are gone, and files whose
/// earlier reading no longer holds. Removals apply first, so a renamed file is one delta.
#[derive(Clone, Debug, Default)]
pub struct Delta {
    pub upserts: Vec<Card>,
    pub removals: Vec<CardId>,
    /// Files gone from disk, or read again: the card each one gave goes, whatever id a clash
    /// gave it (the cache and the watcher know a file by its path, not by the id it ended up
    /// with). Whoever holds the files' diagnostics drops them too.
    pub forget: Vec<Forget>,
}

/// A file whose card (if it had one) and diagnostics are to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forget {
    pub path: PathBuf,
    /// The id its card was read with, before any clash with another card's id was resolved;
    /// `None` when the file gave no card.
    pub id: Option<CardId>,
}

impl Delta {
    /// New cards only, as the first load sends them.
    pub(crate) fn arrivals(cards: Vec<Card>) -> Delta {
        Delta {
            upserts: cards,
            ..Delta::default()
        }
    }
}

/// What a delta did, by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    pub added: Vec<CardId>,
    pub changed: Vec<CardId>,
    pub removed: Vec<CardId>,
    /// Cards whose id another card already held (they got an id of their own).
    pub diagnostics: Vec<Diagnostic>,
}

/// When dead slots outnumber live ones (and are more than this), they are reclaimed.
const COMPACT_AFTER: usize = 4096;

/// The cards and their links at one version.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    cards: CardStore,
    ids: id::KeyMap<CardId, CardIx>,
    links: Links,
    version: u64,
    epoch: u64,
    /// Extras last read again from files, by epoch and slot (see [`Corpus::extras`]); shared
    /// by the versions that follow, whose slots keep their cards.
    opened: Arc<Mutex<Vec<Opened>>>,
}

/// Extras read again, keyed by the epoch and slot of their card.
type Opened = ((u64, CardIx), ExtrasRead);

/// How many cards' extras read from files [`Corpus::extras`] keeps.
const KEEP_OPENED: usize = 8;

impl Corpus {
    /// Makes room for `total` cards in all: a load that says how many files it has fills its
    /// tables once, instead of moving every entry each time one of them doubles.
    pub fn expect(&mut self, total: usize) {
        let more = total.saturating_sub(self.ids.len());
        self.ids.reserve(more);
        self.links.reserve(more);
    }

    /// Applies a delta and moves to the next version.
    pub fn apply(&mut self, mut delta: Delta) -> Applied {
        let mut applied = Applied::default();
        let forgotten = delta
            .forget
            .iter()
            .filter_map(|f| self.card_of_file(&f.path, f.id));
        let removals: Vec<CardId> = delta.removals.into_iter().chain(forgotten).collect();
        for id in removals {
            if let Some(ix) = self.ids.remove(&id) {
                self.cards.kill(ix);
                self.links.remove(id);
                applied.removed.push(id);
            }
        }
        // Normalising URLs is the costly part of linking: the parser did it, or it is done
        // here on all cores; then the cards are linked in order.
        let keys: Vec<CardKeys> = delta
            .upserts
            .par_iter_mut()
            .map(|card| card.link_keys.take().unwrap_or_else(|| CardKeys::of(card)))
            .collect();
        let first_slot = self.cards.slots() as CardIx;
        // The cards stay where the delta holds them, and that list becomes the store's chunk:
        // copied into a list of its own, 100k cards were 40 MB of fresh pages to fill on the
        // reader's thread. The first `kept` are the chunk so far; a card that a later reading
        // of the same file replaces is moved behind them, and cut off at the end.
        let mut cards = std::mem::take(&mut delta.upserts);
        let mut kept = 0;
        for (i, keys) in keys.into_iter().enumerate() {
            let (before, rest) = cards.split_at_mut(i);
            let card = &mut rest[0];
            let slot = first_slot + kept as CardIx;
            let path_of = |ix: CardIx| -> Option<&Path> {
                let card = match ix.checked_sub(first_slot) {
                    Some(at) => before[..kept].get(at as usize),
                    None => self.cards.get(ix),
                };
                card.map(|c| &*c.path)
            };
            // A card keeps its id unless a card from another file holds it: then that one,
            // first in load order, keeps it, and this one is known by its path.
            let mut held = self.ids.get(&card.id).copied();
            if let Some(holder) = held.and_then(|ix| path_of(ix).filter(|p| **p != *card.path)) {
                // The id for this file: the first of its path's ids that no other file holds.
                let own = ids_from_path(&card.path)
                    .find(|id| {
                        self.ids
                            .get(id)
                            .is_none_or(|ix| path_of(*ix) == Some(&*card.path))
                    })
                    .unwrap_or(card.id);
                applied.diagnostics.push(Diagnostic::file(
                    card.path.to_path_buf(),
                    Severity::Warning,
                    format!(
                        "same id {} as {}; this card is listed as {own}",
                        card.id,
                        holder.display()
                    ),
                ));
                card.id = own;
                held = self.ids.get(&own).copied();
            }
            match held {
                Some(old) => {
                    if old >= first_slot {
                        // The same file twice in one delta: the later reading wins.
                        let at = (old - first_slot) as usize;
                        self.links.insert(card.id, keys);
                        cards.swap(at, i);
                        continue;
                    }
                    self.cards.kill(old);
                    self.links.remove(card.id);
                    applied.changed.push(card.id);
                }
                None => applied.added.push(card.id),
            }
            self.ids.insert(card.id, slot);
            self.links.insert_new(card.id, keys);
            // (A swap in place still copies the card, 392 bytes, three times.)
            if kept != i {
                cards.swap(kept, i);
            }
            kept += 1;
        }
        cards.truncate(kept);
        self.cards.push_chunk(cards);
        // A card removed and upserted in one delta (a file read again, a file renamed with its
        // id) changed: it did not go.
        if !applied.removed.is_empty() && !applied.added.is_empty() {
            let added: std::collections::HashSet<CardId> = applied.added.iter().copied().collect();
            let back: std::collections::HashSet<CardId> = applied
                .removed
                .iter()
                .copied()
                .filter(|id| added.contains(id))
                .collect();
            if !back.is_empty() {
                applied.removed.retain(|id| !back.contains(id));
                applied.added.retain(|id| !back.contains(id));
                applied.changed.extend(back);
            }
        }
        self.version += 1;
        if self.cards.dead_slots() > COMPACT_AFTER.max(self.cards.len()) {
            self.compact();
        }
        applied
    }

    /// Reclaims dead slots: every position changes, so the epoch does too.
    fn compact(&mut self) {
        self.cards = self.cards.compacted();
        self.ids = self.cards.iter().map(|(ix, c)| (c.id, ix)).collect();
        self.epoch += 1;
    }

    /// Goes up by one with every delta.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Goes up when slots are renumbered: positions from another epoch mean nothing here.
    /// Within an epoch a slot keeps its card (or dies), so a list of positions from an earlier
    /// version stays right once dead slots are dropped and newer slots are added.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn cards(&self) -> &CardStore {
        &self.cards
    }

    /// Live cards.
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
        self.ids.get(&id).copied()
    }

    pub fn card(&self, id: CardId) -> Option<&Card> {
        self.by_id(id).and_then(|ix| self.get(ix))
    }

    /// Every live card's id.
    pub fn ids(&self) -> impl Iterator<Item = CardId> + '_ {
        self.ids.keys().copied()
    }

    /// Per related entry of the card at `ix`, the card of the corpus it names (the links know
    /// how many entries a card has, wherever its extras are).
    pub fn targets(&self, ix: CardIx) -> Vec<Option<CardIx>> {
        let Some(card) = self.get(ix) else {
            return Vec::new();
        };
        self.links
            .targets(card.id)
            .into_iter()
            .map(|t| t.and_then(|id| self.by_id(id)))
            .collect()
    }

    /// The images and related entries of the card at `ix`: held, or read again from where they
    /// were left (the cache, or the card's file).
    /// The last few read are kept, since a card's panes ask for them on every frame while it
    /// is selected. A slot keeps its card within an epoch (a changed card gets a new slot), so
    /// the epoch and the slot say which card a kept reading is of.
    pub fn extras(&self, ix: CardIx) -> Option<ExtrasRead> {
        let card = self.get(ix)?;
        if matches!(card.extras, ExtrasAt::Held(_)) {
            return Some(load::extras_of(card));
        }
        let key = (self.epoch, ix);
        let mut kept = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, read)) = kept.iter().find(|(k, _)| *k == key) {
            return Some(read.clone());
        }
        let read = load::extras_of(card);
        if kept.len() >= KEEP_OPENED {
            kept.drain(..1);
        }
        kept.push((key, read.clone()));
        Some(read)
    }

    /// The extras of many cards at once, read on every core and not kept: what printing every
    /// field of a list of cards needs (one file read and parsed per card whose extras are left in
    /// its file).
    pub fn extras_of_many(&self, cards: &[CardIx]) -> Vec<Option<ExtrasRead>> {
        cards
            .par_iter()
            .map(|&ix| self.get(ix).map(load::extras_of))
            .collect()
    }

    /// The cards with a related entry naming any of `urls`: the backlinks of a card read on its
    /// own, not in the corpus. Newest first.
    pub fn citing_urls(&self, urls: &Urls) -> Vec<CardIx> {
        let mut sources: Vec<CardIx> = self
            .links
            .citing_hashes(&CardKeys::own_hashes(urls))
            .into_iter()
            .filter_map(|id| self.by_id(id))
            .collect();
        self.newest_first(&mut sources);
        sources
    }

    /// The cards whose related entries name the card at `ix`, newest first.
    pub fn backlinks(&self, ix: CardIx) -> Vec<CardIx> {
        let Some(card) = self.get(ix) else {
            return Vec::new();
        };
        let mut sources: Vec<CardIx> = self
            .links
            .citing(card.id)
            .into_iter()
            .filter_map(|id| self.by_id(id))
            .collect();
        self.newest_first(&mut sources);
        sources
    }

    fn newest_first(&self, cards: &mut [CardIx]) {
        cards.sort_by_key(|ix| {
            let date = self.get(*ix).and_then(|c| c.published_date_time);
            (Reverse(date), *ix)
        });
    }

    /// The id of the card read from the file at `path`, given the id it was read with: that
    /// one, or the id from its path that a clash gave it (see [`Corpus::apply`]).
    fn card_of_file(&self, path: &Path, read_as: Option<CardId>) -> Option<CardId> {
        let read_as = read_as?;
        let from = |id: &CardId| self.card(*id).is_some_and(|c| *c.path == *path);
        std::iter::once(read_as)
            .chain(ids_from_path(path).take(4))
            .find(from)
    }

    /// The card whose URL (any variant, normalised) is `url`.
    pub fn card_with_url(&self, url: &str) -> Option<CardIx> {
        self.links.card_with_url(url).and_then(|id| self.by_id(id))
    }

    /// The card a related entry with these URLs names.
    pub(crate) fn card_named_by(&self, urls: &Urls) -> Option<CardIx> {
        self.links.card_named_by(urls).and_then(|id| self.by_id(id))
    }
}

/// Ids for a card whose own id another card holds, derived from its path (which no other card
/// has), in the order to try them; more than one only in case of a hash collision.
fn ids_from_path(path: &Path) -> impl Iterator<Item = CardId> {
    let path = path.to_string_lossy().into_owned();
    (0u32..64).map(move |salt| CardId(id::stable_hash(format!("{path}\0{salt}").as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn card(id: u64, path: &str, url: &str, related: &[&str]) -> Card {
        Card {
            id: CardId(id),
            path: path.into(),
            title: Some(format!("card {id:x}").into()),
            urls: Urls::new(Some(url.into()), None, None, None),
            extras: crate::corpus::ExtrasAt::related_to(related),
            ..Card::default()
        }
    }

    fn ids(corpus: &Corpus, ixs: &[CardIx]) -> Vec<u64> {
        ixs.iter()
            .filter_map(|ix| corpus.get(*ix))
            .map(|c| c.id.0)
            .collect()
    }

    #[test]
    fn deltas_add_change_and_remove_by_id() {
        let mut corpus = Corpus::default();
        let applied = corpus.apply(Delta::arrivals(vec![
            card(1, "a.txt", "https://x.example/1", &["https://x.example/2"]),
            card(2, "b.txt", "https://x.example/2", &[]),
        ]));
        assert_eq!(applied.added, vec![CardId(1), CardId(2)]);
        assert_eq!(corpus.version(), 1);
        let one = corpus.by_id(CardId(1)).unwrap_or(u32::MAX);
        let two = corpus.by_id(CardId(2)).unwrap_or(u32::MAX);
        assert_eq!(corpus.targets(one), vec![Some(two)]);
        assert_eq!(ids(&corpus, &corpus.backlinks(two)), vec![1]);

        // Card 2 changes its URL: card 1's entry no longer names it.
        let applied = corpus.apply(Delta::arrivals(vec![card(
            2,
            "b.txt",
            "https://x.example/moved",
            &[],
        )]));
        assert_eq!(applied.changed, vec![CardId(2)]);
        let two = corpus.by_id(CardId(2)).unwrap_or(u32::MAX);
        assert_eq!(corpus.targets(one), vec![None]);
        assert!(corpus.backlinks(two).is_empty());
        assert_eq!(corpus.len(), 2);

        // A card that names 2's new URL arrives; then 2 goes: its links go both ways.
        corpus.apply(Delta::arrivals(vec![card(
            3,
            "c.txt",
            "https://x.example/3",
            &["https://x.example/moved"],
        )]));
        let three = corpus.by_id(CardId(3)).unwrap_or(u32::MAX);
        assert_eq!(corpus.targets(three), vec![Some(two)]);
        let applied = corpus.apply(Delta {
            upserts: Vec::new(),
            removals: vec![CardId(2), CardId(99)],
            forget: Vec::new(),
        });
        assert_eq!(applied.removed, vec![CardId(2)]);
        assert_eq!(corpus.targets(three), vec![None]);
        assert_eq!(corpus.by_id(CardId(2)), None);
        assert_eq!(corpus.len(), 2);
    }

    #[test]
    fn the_same_file_twice_in_one_delta_is_one_card_its_later_reading() {
        let mut corpus = Corpus::default();
        let applied = corpus.apply(Delta::arrivals(vec![
            card(1, "a.txt", "https://x.example/1", &[]),
            card(2, "b.txt", "https://x.example/2", &["https://x.example/1b"]),
            card(1, "a.txt", "https://x.example/1b", &[]),
            card(3, "c.txt", "https://x.example/3", &["https://x.example/2"]),
            card(2, "b.txt", "https://x.example/2", &["https://x.example/1b"]),
            card(4, "d.txt", "https://x.example/4", &[]),
        ]));
        assert_eq!(applied.added.len(), 4, "each file once");
        assert_eq!(corpus.len(), 4);
        for id in 1..=4 {
            let card = corpus.card(CardId(id)).map(|c| c.id);
            assert_eq!(card, Some(CardId(id)), "card {id} at its own slot");
        }
        let one = corpus.card(CardId(1)).and_then(|c| c.urls.web_url.clone());
        assert_eq!(one, Some(Arc::from("https://x.example/1b")));
        let [one, two, three] = [1, 2, 3].map(|id| corpus.by_id(CardId(id)));
        let (Some(one), Some(two), Some(three)) = (one, two, three) else {
            panic!("cards missing");
        };
        assert_eq!(corpus.targets(two), vec![Some(one)]);
        assert_eq!(corpus.targets(three), vec![Some(two)]);
    }

    #[test]
    fn the_same_id_in_two_files_keeps_both_cards() {
        let mut corpus = Corpus::default();
        let applied = corpus.apply(Delta::arrivals(vec![
            card(7, "one/x.txt", "https://a.example/", &[]),
            card(7, "two/x.txt", "https://b.example/", &[]),
        ]));
        assert_eq!(corpus.len(), 2);
        assert_eq!(applied.diagnostics.len(), 1);
        let warning = &applied.diagnostics[0];
        assert_eq!(warning.path, PathBuf::from("two/x.txt"));
        assert!(warning.message.contains("one/x.txt"), "{}", warning.message);
        let first = corpus.card(CardId(7)).map(|c| c.path.to_path_buf());
        assert_eq!(first, Some(PathBuf::from("one/x.txt")));
        // Read again (a reload), the second file keeps the id it was given.
        let other = applied.added[1];
        corpus.apply(Delta::arrivals(vec![card(
            7,
            "two/x.txt",
            "https://b.example/new",
            &[],
        )]));
        assert_eq!(corpus.len(), 2);
        assert_eq!(
            corpus.card(other).and_then(|c| c.urls.web_url.clone()),
            Some(Arc::from("https://b.example/new"))
        );
    }

    #[test]
    fn forgetting_a_file_removes_its_card_whatever_id_a_clash_gave_it() {
        let mut corpus = Corpus::default();
        let applied = corpus.apply(Delta::arrivals(vec![
            card(7, "one/x.txt", "https://a.example/", &[]),
            card(7, "two/x.txt", "https://b.example/", &[]),
        ]));
        let other = applied.added[1];
        // The second file is read again: one change, and still two cards.
        let applied = corpus.apply(Delta {
            upserts: vec![card(7, "two/x.txt", "https://b.example/new", &[])],
            forget: vec![Forget {
                path: PathBuf::from("two/x.txt"),
                id: Some(CardId(7)),
            }],
            ..Delta::default()
        });
        assert_eq!(applied.changed, vec![other]);
        assert!(applied.added.is_empty() && applied.removed.is_empty());
        assert_eq!(corpus.len(), 2);
        // Gone: only its card goes, not the one holding the id it was read with.
        let applied = corpus.apply(Delta {
            forget: vec![Forget {
                path: PathBuf::from("two/x.txt"),
                id: Some(CardId(7)),
            }],
            ..Delta::default()
        });
        assert_eq!(applied.removed, vec![other]);
        let first = corpus.card(CardId(7)).map(|c| c.path.to_path_buf());
        assert_eq!(first, Some(PathBuf::from("one/x.txt")));
        // A file that gave no card, or a path never seen, removes nothing.
        let applied = corpus.apply(Delta {
            forget: vec![
                Forget {
                    path: PathBuf::from("one/x.txt"),
                    id: None,
                },
                Forget {
                    path: PathBuf::from("nowhere.txt"),
                    id: Some(CardId(7)),
                },
            ],
            ..Delta::default()
        });
        assert!(applied.removed.is_empty());
        assert_eq!(corpus.len(), 1);
    }

    #[test]
    fn backlinks_are_newest_first() {
        let mut corpus = Corpus::default();
        let mut old = card(1, "1.txt", "https://s.example/1", &["https://t.example/"]);
        old.published_date_time = "2020-01-01T00:00:00Z".parse().ok();
        let mut new = card(2, "2.txt", "https://s.example/2", &["https://t.example/"]);
        new.published_date_time = "2024-01-01T00:00:00Z".parse().ok();
        corpus.apply(Delta::arrivals(vec![
            old,
            new,
            card(3, "3.txt", "https://t.example/", &[]),
        ]));
        let target = corpus.by_id(CardId(3)).unwrap_or(u32::MAX);
        assert_eq!(ids(&corpus, &corpus.backlinks(target)), vec![2, 1]);
    }

    #[test]
    fn many_removals_compact_the_slots_and_change_the_epoch() {
        let mut corpus = Corpus::default();
        let n = (COMPACT_AFTER * 2) as u64;
        corpus.apply(Delta::arrivals(
            (0..n)
                .map(|i| {
                    card(
                        i,
                        &format!("{i}.txt"),
                        &format!("https://e.example/{i}"),
                        &[],
                    )
                })
                .collect(),
        ));
        assert_eq!(corpus.epoch(), 0);
        corpus.apply(Delta {
            upserts: Vec::new(),
            removals: (0..n - 10).map(CardId).collect(),
            forget: Vec::new(),
        });
        assert_eq!(corpus.epoch(), 1);
        assert_eq!(corpus.len(), 10);
        assert_eq!(corpus.cards().slots(), 10);
        let last = corpus.by_id(CardId(n - 1)).unwrap_or(u32::MAX);
        assert_eq!(corpus.get(last).map(|c| c.id), Some(CardId(n - 1)));
        assert_eq!(
            corpus.card_with_url(&format!("https://e.example/{}", n - 1)),
            Some(last)
        );
    }
}
