//! Words: how text is cut into the words the index holds and a query looks for, and how a word
//! is folded. One rule for the index, the query and the highlights, so that what is found is
//! what is lit.
//!
//! Text is cut at Unicode word boundaries (UAX #29). Han, Hiragana and Katakana have no spaces
//! between words, so each of their characters is a word of its own, and a run of them typed in a
//! query is looked for as a phrase of characters. A word is folded for case and accents:
//! lowercased, decomposed (NFD) with the combining marks dropped, and the few Latin letters that
//! do not decompose (`ß`, `æ`, `ø`, `ł`...) spelled out, so `Über` = `uber`, `café` = `cafe`.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_segmentation::UnicodeSegmentation;

/// One word of a text: its folded form, and where it stands in the text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub folded: String,
    pub start: usize,
    pub end: usize,
}

/// The words of `text`, in order.
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    spans(text).map(|(start, end)| Word {
        folded: fold(&text[start..end]),
        start,
        end,
    })
}

/// Where the words of `text` are (byte ranges), in order, without folding or allocating: what
/// the indexer walks for every card.
pub fn spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.split_word_bound_indices()
        .filter(|(_, piece)| piece.chars().any(char::is_alphanumeric))
        .flat_map(|(at, piece)| {
            // A run of an unspaced script is cut per character; anything else is one word.
            let per_char = piece.chars().any(is_unspaced);
            let whole = (!per_char).then_some((at, at + piece.len()));
            let chars = piece
                .char_indices()
                .filter(move |&(_, c)| per_char && c.is_alphanumeric())
                .map(move |(i, c)| (at + i, at + i + c.len_utf8()));
            whole.into_iter().chain(chars)
        })
}

/// A script written without spaces between words, whose characters are indexed one by one.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007 // 々 〇
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // halfwidth Katakana
        | 0x20000..=0x3134F // CJK extensions B-G
    )
}

/// `text` folded for case and accents, as the index keeps words.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Appends `text` folded to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in text.chars() {
        fold_char(c, out);
    }
}

/// Appends `c` folded to `out`.
pub(crate) fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        match lower {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            // A Hangul syllable decomposes into its letters, which no one types apart.
            '\u{AC00}'..='\u{D7A3}' => out.push(lower),
            _ => decompose_canonical(lower, |part| {
                if !is_combining_mark(part) {
                    out.push(part);
                }
            }),
        }
    }
}

/// How many chars of `word` (as written) it takes for their folded form to cover the first
/// `folded_len` bytes of the word's folded form: what to light when a query matched a prefix.
pub fn chars_covering(word: &str, folded_len: usize) -> usize {
    let mut folded = String::new();
    let mut count = 0;
    for c in word.chars() {
        if folded.len() >= folded_len {
            break;
        }
        fold_char(c, &mut folded);
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text).map(|w| w.folded).collect()
    }

    #[test]
    fn case_and_accents_fold() {
        assert_eq!(folded("Über café NAÏVE"), ["uber", "cafe", "naive"]);
        assert_eq!(folded("Straße Ærø Łódź"), ["strasse", "aero", "lodz"]);
    }

    #[test]
    fn words_keep_their_places_in_the_text() {
        let text = "Mars, again: the rover's 3.5 km trip";
        let got: Vec<(&str, String)> = words(text)
            .map(|w| (&text[w.start..w.end], w.folded))
            .collect();
        assert_eq!(
            got.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            ["Mars", "again", "the", "rover's", "3.5", "km", "trip"]
        );
    }

    #[test]
    fn japanese_is_cut_per_character() {
        assert_eq!(
            folded("東京の天気 カメラ"),
            ["東", "京", "の", "天", "気", "カ", "メ", "ラ"]
        );
        assert_eq!(folded("서울 날씨"), ["서울", "날씨"], "Hangul has spaces");
    }

    #[test]
    fn prefix_highlights_cover_folded_letters() {
        assert_eq!(chars_covering("Straße", 6), 5, "ß folds to two letters");
        assert_eq!(chars_covering("Über", 2), 2);
    }
}
