//! Links between cards: related entry -> card in the corpus, and backlinks.
//!
//! A related entry points inside the corpus when any of its URLs names the same article as any
//! URL of a card. "The same article" is decided on the normalised key of [`super::url::link_key`],
//! which forgets what publishers and feeds vary (scheme, `www.`, tracking parameters, the AMP
//! and AMP-cache variants of a page, ...).

use std::collections::HashMap;

use rayon::prelude::*;

use super::card::{Card, CardIx, Urls};
use super::id::stable_hash;
use super::url::link_key;
// Under its old name for the callers that still import it from here.
pub use super::url::link_key as url_key;

fn url_hashes(urls: &Urls) -> Vec<u64> {
    let mut hashes: Vec<u64> = urls
        .iter()
        .filter_map(|(_, u)| link_key(u))
        .map(|k| stable_hash(k.as_bytes()))
        .collect();
    hashes.dedup();
    hashes
}

/// Which card each related entry points to, and which cards point to each card.
///
/// Built batch by batch as cards load, so links appear while a big corpus is still loading; the
/// result depends only on the order of the cards, which the loader keeps deterministic.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// Per card, per related entry: the card it names, if it is in the corpus.
    targets: Vec<Box<[Option<CardIx>]>>,
    /// Per card: the cards whose related lists point to it, in load order, without repeats.
    backlinks: Vec<Vec<CardIx>>,
    /// Normalised-URL hash -> the first card with that URL. 64-bit hashes, not strings, keep
    /// this small; a collision among a few million URLs is vanishingly unlikely.
    by_url: HashMap<u64, CardIx>,
    /// Related entries not yet resolved, by each of their URL hashes, for cards loaded later.
    pending: HashMap<u64, Vec<(CardIx, u32)>>,
}

impl Links {
    pub fn targets(&self, card: CardIx) -> &[Option<CardIx>] {
        self.targets.get(card as usize).map_or(&[], |t| &t[..])
    }

    pub fn target(&self, card: CardIx, related: usize) -> Option<CardIx> {
        self.targets(card).get(related).copied().flatten()
    }

    pub fn backlinks(&self, card: CardIx) -> &[CardIx] {
        self.backlinks.get(card as usize).map_or(&[], |b| &b[..])
    }

    /// The card whose URL (any variant, normalised) is `url`.
    pub fn card_with_url(&self, url: &str) -> Option<CardIx> {
        let key = link_key(url)?;
        self.by_url.get(&stable_hash(key.as_bytes())).copied()
    }

    /// Adds the links of a batch of cards whose first index is `start`.
    pub fn add_batch(&mut self, start: CardIx, cards: &[Card]) {
        // Normalising URLs is the costly part; do it on all cores, then link in order.
        let keys: Vec<(Vec<u64>, Vec<Vec<u64>>)> = cards
            .par_iter()
            .map(|card| {
                let own = url_hashes(&card.urls);
                let related = card.related.iter().map(|r| url_hashes(&r.urls)).collect();
                (own, related)
            })
            .collect();

        for (ix, (own, _)) in (start..).zip(&keys) {
            self.targets.push(Box::default());
            self.backlinks.push(Vec::new());
            for hash in own {
                self.by_url.entry(*hash).or_insert(ix);
            }
        }
        // Entries of earlier cards that were waiting for one of these cards.
        for (ix, (own, _)) in (start..).zip(&keys) {
            for hash in own {
                if let Some(waiting) = self.pending.remove(hash) {
                    for (source, entry) in waiting {
                        self.link(source, entry as usize, ix);
                    }
                }
            }
        }
        for (ix, (_, related)) in (start..).zip(keys) {
            let mut targets = vec![None; related.len()];
            for (entry, hashes) in related.iter().enumerate() {
                targets[entry] = hashes.iter().find_map(|h| self.by_url.get(h).copied());
                if let Some(target) = targets[entry] {
                    self.add_backlink(target, ix);
                } else {
                    for hash in hashes {
                        self.pending
                            .entry(*hash)
                            .or_default()
                            .push((ix, entry as u32));
                    }
                }
            }
            if let Some(slot) = self.targets.get_mut(ix as usize) {
                *slot = targets.into_boxed_slice();
            }
        }
    }

    fn link(&mut self, source: CardIx, entry: usize, target: CardIx) {
        let Some(slot) = self
            .targets
            .get_mut(source as usize)
            .and_then(|t| t.get_mut(entry))
        else {
            return;
        };
        // Several URLs of one entry may have been waiting; the first card found keeps it.
        if slot.is_none() {
            *slot = Some(target);
            self.add_backlink(target, source);
        }
    }

    fn add_backlink(&mut self, target: CardIx, source: CardIx) {
        if let Some(list) = self.backlinks.get_mut(target as usize)
            && !list.contains(&source)
        {
            list.push(source);
            list.sort_unstable();
        }
    }

    /// Drops what is only needed while cards are still arriving.
    pub fn finish(&mut self) {
        self.pending = HashMap::new();
        for list in &mut self.backlinks {
            list.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn card(url: &str, related: &[&str]) -> Card {
        Card {
            urls: Urls {
                web_url: Some(Arc::from(url)),
                ..Urls::default()
            },
            related: related
                .iter()
                .map(|r| crate::corpus::card::Related {
                    urls: Urls {
                        web_url: Some(Arc::from(*r)),
                        ..Urls::default()
                    },
                    ..Default::default()
                })
                .collect(),
            ..Card::default()
        }
    }

    #[test]
    fn links_resolve_across_batches_with_cycles_and_backlinks() {
        let mut links = Links::default();
        links.add_batch(
            0,
            &[
                card(
                    "https://a.example/1",
                    &["https://b.example/2/", "https://out.example/x"],
                ),
                card("https://b.example/2", &["https://a.example/1?utm_source=x"]),
            ],
        );
        // Card 2 arrives later and is named by card 0's... nobody yet; card 3 names card 0.
        links.add_batch(
            2,
            &[
                card("https://c.example/3", &[]),
                card(
                    "https://d.example/4",
                    &["https://c.example/3", "https://a.example/1"],
                ),
            ],
        );
        links.finish();
        assert_eq!(links.targets(0), &[Some(1), None]);
        assert_eq!(links.targets(1), &[Some(0)]);
        assert_eq!(links.targets(3), &[Some(2), Some(0)]);
        assert_eq!(links.backlinks(0), &[1, 3]);
        assert_eq!(links.backlinks(1), &[0]);
        assert_eq!(links.backlinks(2), &[3]);
        assert_eq!(links.card_with_url("http://A.example/1/"), Some(0));
    }

    #[test]
    fn an_entry_waiting_for_a_later_card_is_linked_when_it_arrives() {
        let mut links = Links::default();
        links.add_batch(
            0,
            &[card("https://a.example/1", &["https://late.example/z"])],
        );
        assert_eq!(links.targets(0), &[None]);
        links.add_batch(1, &[card("https://late.example/z", &[])]);
        assert_eq!(links.targets(0), &[Some(1)]);
        assert_eq!(links.backlinks(1), &[0]);
    }
}
