//! Links between cards: related entry -> card in the corpus, and backlinks.
//!
//! A related entry points inside the corpus when any of its URLs names the same article as any
//! URL of a card. "The same article" is decided on the normalised key of [`super::url::link_key`],
//! which forgets what publishers and feeds vary (scheme, `www.`, tracking parameters, the AMP
//! and AMP-cache variants of a page, ...).

use super::card::{Card, CardId, Urls};
use super::id::{KeyMap, stable_hash};
use super::url::link_key;

/// The normalised-URL hashes of a card: its own URLs, and each related entry's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardKeys {
    /// The card's own hashes, then per related entry its hashes, flattened as
    /// `len, hash.., len, hash..`, so a card costs one allocation.
    hashes: Box<[u64]>,
    /// How many of `hashes` are the card's own.
    own: u32,
}

fn url_hashes(urls: &Urls) -> Vec<u64> {
    // In preference order (the web URL first), which decides between two cards an entry's
    // URLs might name.
    let mut hashes: Vec<u64> = Vec::with_capacity(4);
    for hash in urls
        .iter()
        .filter_map(|(_, u)| link_key(&u))
        .map(|k| stable_hash(k.as_bytes()))
    {
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
    }
    hashes
}

impl CardKeys {
    /// Normalises every URL of `card`: the costly part of linking, so callers run it on all
    /// cores before inserting in order. A card whose extras are left in its file came with its
    /// keys (from the parser or the cache); made here, it would have no related entries.
    pub fn of(card: &Card) -> CardKeys {
        let mut related = Vec::new();
        let entries = card.held_extras().map_or(&[][..], |e| &e.related[..]);
        for entry in entries {
            let hashes = url_hashes(&entry.urls);
            related.push(hashes.len() as u64);
            related.extend(hashes);
        }
        let own = Self::own_hashes(&card.urls);
        CardKeys::joined(own, related)
    }

    fn joined(mut own: Vec<u64>, related: Vec<u64>) -> CardKeys {
        let count = own.len() as u32;
        own.extend(related);
        CardKeys {
            hashes: own.into(),
            own: count,
        }
    }

    fn own(&self) -> &[u64] {
        &self.hashes[..self.own as usize]
    }

    fn related(&self) -> &[u64] {
        &self.hashes[self.own as usize..]
    }

    /// The hashes of a card's own URLs, in preference order.
    pub fn own_hashes(urls: &Urls) -> Vec<u64> {
        url_hashes(urls)
    }

    /// Its two lists as stored: the card's own hashes, and the related entries' flattened.
    pub fn parts(&self) -> (Vec<u64>, Vec<u64>) {
        (self.own().to_vec(), self.related().to_vec())
    }

    /// From [`CardKeys::parts`]; `None` if the related list does not split into entries.
    pub fn from_parts(own: Vec<u64>, related: Vec<u64>) -> Option<CardKeys> {
        let mut rest = &related[..];
        while let Some((len, tail)) = rest.split_first() {
            rest = tail.get(usize::try_from(*len).ok()?..)?;
        }
        u32::try_from(own.len()).ok()?;
        Some(CardKeys::joined(own, related))
    }

    /// Each related entry's hashes, in entry order.
    fn entries(&self) -> impl Iterator<Item = &[u64]> + '_ {
        let mut rest = self.related();
        std::iter::from_fn(move || {
            let (len, tail) = rest.split_first()?;
            let (hashes, tail) = tail.split_at((*len as usize).min(tail.len()));
            rest = tail;
            Some(hashes)
        })
    }
}

/// URL hash -> cards, in arrival order. Almost every URL has one card: its first card is held
/// in one table (16 bytes an entry), the others, rarely any, in a second. A vector per URL was
/// a tenth of a loaded corpus's memory, one inline id per entry still a fifth of the rest.
#[derive(Clone, Debug, Default)]
struct IdsByUrl {
    first: KeyMap<u64, CardId>,
    rest: KeyMap<u64, Vec<CardId>>,
}

impl IdsByUrl {
    fn push(&mut self, hash: u64, id: CardId) {
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Vacant(first) => {
                first.insert(id);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.rest.entry(hash).or_default().push(id);
            }
        }
    }

    /// Takes `id` off `hash`'s list; the next card in arrival order becomes the first.
    fn remove(&mut self, hash: u64, id: CardId) {
        let rest = self.rest.get_mut(&hash);
        if self.first.get(&hash) == Some(&id) {
            match rest {
                Some(rest) => {
                    let next = rest.remove(0);
                    if rest.is_empty() {
                        self.rest.remove(&hash);
                    }
                    self.first.insert(hash, next);
                }
                None => {
                    self.first.remove(&hash);
                }
            }
        } else if let Some(rest) = rest {
            rest.retain(|i| *i != id);
            if rest.is_empty() {
                self.rest.remove(&hash);
            }
        }
    }

    fn first(&self, hash: u64) -> Option<CardId> {
        self.first.get(&hash).copied()
    }

    fn all(&self, hash: u64) -> impl Iterator<Item = CardId> + '_ {
        let rest = self.rest.get(&hash).map_or(&[][..], Vec::as_slice);
        self.first(hash).into_iter().chain(rest.iter().copied())
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.first.len()
    }
}

/// Which card each related entry names, and which cards name each card, for one version of
/// the corpus.
///
/// Everything is held by [`CardId`] and by URL, never by position, and nothing is resolved
/// ahead of time: an entry names the first card (in arrival order) that carries one of its
/// URLs, looked up when asked. So a card that arrives later is found by the entries that
/// named it all along, and a removed card's links go with it, both ways, with no bookkeeping
/// beyond the two indices below.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// Normalised-URL hash -> the cards with that URL, in arrival order. 64-bit hashes, not
    /// strings, keep this small; a collision among a few million URLs is vanishingly unlikely.
    by_url: IdsByUrl,
    /// Normalised-URL hash -> the cards with a related entry naming that URL.
    cited_by: IdsByUrl,
    keys: KeyMap<CardId, CardKeys>,
}

impl Links {
    /// Room for `more` cards, each with a URL of its own and one cited.
    pub fn reserve(&mut self, more: usize) {
        self.keys.reserve(more);
        self.by_url.first.reserve(more);
        self.cited_by.first.reserve(more);
    }

    /// Adds a card's URLs and related entries, in place of any it had; `keys` is
    /// [`CardKeys::of`] the card.
    pub fn insert(&mut self, id: CardId, keys: CardKeys) {
        self.remove(id);
        self.insert_new(id, keys);
    }

    /// [`Links::insert`] of a card these links do not hold (a new card, or one removed
    /// first): a load's hundred thousand cards skip looking for links to drop.
    pub fn insert_new(&mut self, id: CardId, keys: CardKeys) {
        debug_assert!(!self.keys.contains_key(&id), "{id} is held already");
        for hash in keys.own() {
            self.by_url.push(*hash, id);
        }
        let mut named: Vec<u64> = keys.entries().flatten().copied().collect();
        named.sort_unstable();
        named.dedup();
        for hash in named {
            self.cited_by.push(hash, id);
        }
        self.keys.insert(id, keys);
    }

    /// Forgets a card: entries that named it fall back to the next card with the URL, if any.
    pub fn remove(&mut self, id: CardId) {
        let Some(keys) = self.keys.remove(&id) else {
            return;
        };
        for hash in keys.own() {
            self.by_url.remove(*hash, id);
        }
        for hash in keys.entries().flatten() {
            self.cited_by.remove(*hash, id);
        }
    }

    fn named_by(&self, hashes: &[u64]) -> Option<CardId> {
        hashes.iter().find_map(|h| self.by_url.first(*h))
    }

    /// Per related entry of `card`, the card it names, if that is in the corpus.
    pub fn targets(&self, card: CardId) -> Vec<Option<CardId>> {
        self.keys
            .get(&card)
            .map(|keys| keys.entries().map(|h| self.named_by(h)).collect())
            .unwrap_or_default()
    }

    /// The cards with a related entry naming any of `hashes`, each once, in no particular
    /// order, whichever card the entry resolves to.
    pub(crate) fn citing_hashes(&self, hashes: &[u64]) -> Vec<CardId> {
        let mut out: Vec<CardId> = hashes.iter().flat_map(|h| self.cited_by.all(*h)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The cards whose related entries name `card`, each once, in no particular order.
    pub(crate) fn citing(&self, card: CardId) -> Vec<CardId> {
        let Some(keys) = self.keys.get(&card) else {
            return Vec::new();
        };
        let mut out = self.citing_hashes(keys.own());
        // Named by URL is not enough: the entry must resolve to this card, not to an earlier
        // one with the same URL.
        out.retain(|source| self.targets(*source).contains(&Some(card)));
        out
    }

    /// The card whose URL (any variant, normalised) is `url`.
    pub fn card_with_url(&self, url: &str) -> Option<CardId> {
        let key = link_key(url)?;
        self.named_by(&[stable_hash(key.as_bytes())])
    }

    /// The card `entry` would name: what a card read on its own links to (`tidings show FILE`).
    pub(crate) fn card_named_by(&self, entry: &Urls) -> Option<CardId> {
        self.named_by(&url_hashes(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: u64, url: &str, related: &[&str]) -> (CardId, CardKeys) {
        let card = Card {
            id: CardId(id),
            urls: Urls::new(Some(url.into()), None, None, None),
            extras: crate::corpus::ExtrasAt::related_to(related),
            ..Card::default()
        };
        (card.id, CardKeys::of(&card))
    }

    fn add(links: &mut Links, cards: Vec<(CardId, CardKeys)>) {
        for (id, keys) in cards {
            links.insert(id, keys);
        }
    }

    const A: CardId = CardId(0xa);
    const B: CardId = CardId(0xb);
    const C: CardId = CardId(0xc);
    const D: CardId = CardId(0xd);

    #[test]
    fn links_resolve_in_any_order_with_cycles_and_backlinks() {
        let mut links = Links::default();
        add(
            &mut links,
            vec![
                card(
                    0xa,
                    "https://a.example/1",
                    &["https://b.example/2/", "https://out.example/x"],
                ),
                card(
                    0xb,
                    "https://b.example/2",
                    &["https://a.example/1?utm_source=x"],
                ),
            ],
        );
        add(
            &mut links,
            vec![
                card(0xc, "https://c.example/3", &[]),
                card(
                    0xd,
                    "https://d.example/4",
                    &["https://c.example/3", "https://a.example/1"],
                ),
            ],
        );
        assert_eq!(links.targets(A), vec![Some(B), None]);
        assert_eq!(links.targets(B), vec![Some(A)]);
        assert_eq!(links.targets(D), vec![Some(C), Some(A)]);
        assert_eq!(links.citing(A), vec![B, D]);
        assert_eq!(links.citing(B), vec![A]);
        assert_eq!(links.citing(C), vec![D]);
        assert_eq!(links.card_with_url("http://A.example/1/"), Some(A));
    }

    #[test]
    fn a_card_that_arrives_later_is_named_by_entries_waiting_for_it_and_leaves_cleanly() {
        let mut links = Links::default();
        add(
            &mut links,
            vec![card(
                0xa,
                "https://a.example/1",
                &["https://late.example/z"],
            )],
        );
        assert_eq!(links.targets(A), vec![None]);
        add(&mut links, vec![card(0xb, "https://late.example/z", &[])]);
        assert_eq!(links.targets(A), vec![Some(B)]);
        assert_eq!(links.citing(B), vec![A]);
        links.remove(B);
        assert_eq!(links.targets(A), vec![None]);
        assert_eq!(links.citing(B), Vec::<CardId>::new());
        // The citing side goes too: no entry names the late card once A is gone.
        add(&mut links, vec![card(0xb, "https://late.example/z", &[])]);
        links.remove(A);
        assert_eq!(links.citing(B), Vec::<CardId>::new());
        assert!(links.cited_by.is_empty() && links.by_url.len() == 1);
    }

    #[test]
    fn ids_by_url_keep_arrival_order_through_removals() {
        let mut ids = IdsByUrl::default();
        for id in [3, 1, 2] {
            ids.push(7, CardId(id));
        }
        let all = |ids: &IdsByUrl| ids.all(7).map(|i| i.0).collect::<Vec<_>>();
        assert_eq!(all(&ids), [3, 1, 2]);
        ids.remove(7, CardId(1));
        assert_eq!(all(&ids), [3, 2]);
        ids.remove(7, CardId(3));
        assert_eq!((all(&ids), ids.rest.len()), (vec![2], 0));
        ids.remove(7, CardId(9));
        ids.remove(7, CardId(2));
        assert!(ids.is_empty() && ids.rest.is_empty() && all(&ids).is_empty());
    }

    #[test]
    fn the_first_card_with_a_url_keeps_it_and_the_next_takes_over() {
        let mut links = Links::default();
        add(
            &mut links,
            vec![
                card(0xa, "https://x.example/same", &[]),
                card(0xb, "https://x.example/same", &[]),
                card(0xc, "https://c.example/", &["https://x.example/same"]),
            ],
        );
        assert_eq!(links.targets(C), vec![Some(A)]);
        assert_eq!(links.citing(A), vec![C]);
        assert_eq!(links.citing(B), Vec::<CardId>::new());
        links.remove(A);
        assert_eq!(links.targets(C), vec![Some(B)]);
        assert_eq!(links.citing(B), vec![C]);
    }

    #[test]
    fn a_changed_card_replaces_its_links() {
        let mut links = Links::default();
        add(
            &mut links,
            vec![card(0xa, "https://a.example/", &["https://b.example/"])],
        );
        add(&mut links, vec![card(0xb, "https://b.example/", &[])]);
        assert_eq!(links.citing(B), vec![A]);
        add(
            &mut links,
            vec![card(
                0xa,
                "https://a.example/",
                &["https://elsewhere.example/"],
            )],
        );
        assert_eq!(links.citing(B), Vec::<CardId>::new());
        assert_eq!(links.targets(A), vec![None]);
    }
}
