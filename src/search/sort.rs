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
    let date = |ix: CardIx| order.position.get(ix as usize).copied().unwrap_or(u32::MAX);
    match sort {
        SortKey::Relevance => {}
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
