//! The orders a list of cards can take: one sort for the reader and `tidings search --sort`.

use std::cmp::Reverse;

use crate::corpus::{CardIx, Corpus};

/// Order of a list of cards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Best match first while filtering; newest first otherwise.
    #[default]
    Relevance,
    Date,
    Quality,
    Heat,
    Title,
    Provider,
}

impl SortKey {
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Relevance => "relevance",
            SortKey::Date => "date",
            SortKey::Quality => "quality",
            SortKey::Heat => "heat",
            SortKey::Title => "title",
            SortKey::Provider => "provider",
        }
    }
}

/// Sorts card positions; ties fall back to newest first, then slot order, so the order is
/// total and stable. `Relevance` keeps the order given (a ranking's).
pub(crate) fn sort_view(view: &mut [CardIx], corpus: &Corpus, sort: SortKey) {
    let get = |ix: CardIx| corpus.get(ix);
    // Newest first, by the store's own order: one number per card rather than its time.
    let order = corpus.cards().date_order();
    let date = |ix: CardIx| {
        order
            .position()
            .get(ix as usize)
            .copied()
            .unwrap_or(u32::MAX)
    };
    match sort {
        SortKey::Relevance => {}
        SortKey::Date if view.len() >= order.newest_first.len() / 8 => {
            // Most of the corpus: the store's order already is the answer, with the cards not
            // in `view` left out; no sort (a whole corpus listed again per load batch).
            let mut listed = vec![false; order.newest_first.len()];
            for ix in view.iter() {
                if let Some(at) = listed.get_mut(*ix as usize) {
                    *at = true;
                }
            }
            let in_order: Vec<CardIx> = order
                .newest_first
                .iter()
                .copied()
                .filter(|ix| listed.get(*ix as usize).copied().unwrap_or(false))
                .collect();
            match in_order.len() == view.len() {
                true => view.copy_from_slice(&in_order),
                // A position twice, or one the store does not have: sorted as any list is.
                false => sort_by_key(view, date),
            }
        }
        SortKey::Date => sort_by_key(view, date),
        SortKey::Quality => sort_by_key(view, |ix| {
            (Reverse(get(ix).and_then(|c| c.quality)), date(ix))
        }),
        SortKey::Heat => sort_by_key(view, |ix| {
            (Reverse(get(ix).and_then(|c| c.heat_known())), date(ix))
        }),
        SortKey::Title => sort_by_key(view, |ix| {
            (get(ix).map(|c| title_key(c.display_title())), date(ix))
        }),
        SortKey::Provider => sort_by_key(view, |ix| {
            (
                get(ix)
                    .and_then(|c| c.provider_name())
                    .map(str::to_lowercase),
                date(ix),
            )
        }),
    }
}

/// What a title sorts by: folded as the filter folds words (case and accents gone, so `Über`
/// sorts with `U`), from its first letter or digit, so a title led by an emoji or a quotation
/// mark sorts by its words. A title without any sorts by all of it, after the rest.
fn title_key(title: &str) -> (bool, String) {
    let folded = crate::search::words::fold(title);
    match folded.find(char::is_alphanumeric) {
        Some(start) => (false, folded[start..].to_string()),
        None => (true, folded),
    }
}

/// Sorts by `key`, then by position. Each key is computed once: a comparison that looked the
/// cards up would chase two pointers per comparison, millions of times for a large corpus.
fn sort_by_key<K: Ord>(view: &mut [CardIx], key: impl Fn(CardIx) -> K) {
    let mut keyed: Vec<(K, CardIx)> = view.iter().map(|ix| (key(*ix), *ix)).collect();
    keyed.sort_unstable();
    for (slot, (_, ix)) in view.iter_mut().zip(keyed) {
        *slot = ix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Card, CardId, Delta};

    /// Whatever the share of the corpus listed, by the store's order or by a sort, newest
    /// first is one order: dates, then slots for equal dates, then cards without a date.
    #[test]
    fn newest_first_is_one_order_for_a_few_cards_or_most() {
        let dates = [
            Some(5),
            None,
            Some(9),
            Some(5),
            Some(1),
            None,
            Some(9),
            Some(7),
        ];
        let cards: Vec<Card> = dates
            .iter()
            .enumerate()
            .map(|(i, day)| Card {
                id: CardId(i as u64 + 1),
                path: format!("{i}.txt").as_str().into(),
                published_date_time: day
                    .map(|d| jiff::Timestamp::from_second(d * 86_400).expect("a time")),
                ..Card::default()
            })
            .collect();
        let mut corpus = Corpus::default();
        corpus.apply(Delta::arrivals(cards));
        let all: Vec<CardIx> = (0..dates.len() as CardIx).rev().collect();
        let mut by_order = all.clone();
        sort_view(&mut by_order, &corpus, SortKey::Date);
        assert_eq!(by_order, [2, 6, 7, 0, 3, 4, 1, 5]);
        let mut few = vec![7, 1, 3];
        sort_view(&mut few, &corpus, SortKey::Date);
        assert_eq!(few, [7, 3, 1]);
        let mut twice = vec![5, 5, 0, 1, 2, 3, 4, 6, 7];
        sort_view(&mut twice, &corpus, SortKey::Date);
        assert_eq!(twice, [2, 6, 7, 0, 3, 4, 1, 5, 5]);
    }

    #[test]
    fn titles_sort_folded_from_their_first_letter() {
        let mut titles = vec![
            "Wind farms",
            "Über alles",
            "\u{1F30D} Earth day",
            "apples",
            "«Quoted» title",
            "Éclair",
            "???",
            "Zebra",
        ];
        titles.sort_by_key(|t| title_key(t));
        assert_eq!(
            titles,
            [
                "apples",
                "\u{1F30D} Earth day",
                "Éclair",
                "«Quoted» title",
                "Über alles",
                "Wind farms",
                "Zebra",
                "???",
            ]
        );
    }
}
