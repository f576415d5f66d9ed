//! Substring search for the terms that look for text as typed (`'exact`, `^prefix`,
//! `suffix$`, `^whole$`): where a term's text occurs in a field, under smart case (an uppercase
//! letter in the term makes it case-sensitive), and the byte scan the scattered-letter scorer
//! shares to find a pattern's first char.

/// Where in a field a text must stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Anywhere,
    /// At the start of the field's text, trimmed.
    Start,
    /// At its end, trimmed.
    End,
    /// The whole field's text, trimmed.
    Whole,
}

/// A term's text, prepared for smart-case comparison.
pub(crate) enum Needle {
    /// The text has an uppercase letter: compare exactly.
    Sensitive(String),
    /// Lowercase ASCII: compare bytes, ignoring ASCII case (exact for any haystack, since a
    /// non-ASCII byte never equals an ASCII one and `fold` never maps non-ASCII to ASCII).
    Ascii(Vec<u8>),
    /// Folded chars, compared with the folded chars of the field.
    Folded(Vec<char>),
}

impl Needle {
    pub(crate) fn new(text: &str) -> Needle {
        if text.chars().any(char::is_uppercase) {
            Needle::Sensitive(text.to_string())
        } else if text.is_ascii() {
            Needle::Ascii(text.to_ascii_lowercase().into_bytes())
        } else {
            Needle::Folded(text.chars().map(fold).collect())
        }
    }

    /// Byte range of `text` where the needle stands as `anchor` asks.
    pub(crate) fn locate(&self, anchor: Anchor, text: &str) -> Option<(usize, usize)> {
        if anchor == Anchor::Anywhere {
            return self.find(text);
        }
        let trimmed = text.trim();
        let offset = trimmed.as_ptr() as usize - text.as_ptr() as usize;
        let len = self.match_len_at_start(trimmed);
        let range = match anchor {
            Anchor::Start => len.map(|n| (0, n)),
            Anchor::Whole => len.filter(|&n| n == trimmed.len()).map(|n| (0, n)),
            _ => self
                .match_len_at_end(trimmed)
                .map(|n| (trimmed.len() - n, trimmed.len())),
        };
        range.map(|(s, e)| (offset + s, offset + e))
    }

    fn find(&self, text: &str) -> Option<(usize, usize)> {
        match self {
            Needle::Sensitive(n) => text.find(n.as_str()).map(|s| (s, s + n.len())),
            Needle::Ascii(n) => find_ascii_caseless(text.as_bytes(), n).map(|s| (s, s + n.len())),
            Needle::Folded(n) => text
                .char_indices()
                .find_map(|(s, _)| folded_prefix_len(&text[s..], n).map(|len| (s, s + len))),
        }
    }

    /// Bytes of `text`'s start that match the needle, if it starts with it.
    fn match_len_at_start(&self, text: &str) -> Option<usize> {
        match self {
            Needle::Sensitive(n) => text.starts_with(n.as_str()).then_some(n.len()),
            Needle::Ascii(n) => text
                .as_bytes()
                .get(..n.len())
                .filter(|h| h.eq_ignore_ascii_case(n))
                .map(|_| n.len()),
            Needle::Folded(n) => folded_prefix_len(text, n),
        }
    }

    /// Bytes of `text`'s end that match the needle, if it ends with it.
    fn match_len_at_end(&self, text: &str) -> Option<usize> {
        match self {
            Needle::Sensitive(n) => text.ends_with(n.as_str()).then_some(n.len()),
            Needle::Ascii(n) => text
                .len()
                .checked_sub(n.len())
                .and_then(|s| text.as_bytes().get(s..))
                .filter(|h| h.eq_ignore_ascii_case(n))
                .map(|_| n.len()),
            Needle::Folded(n) => {
                let mut bytes = 0;
                let mut chars = text.chars().rev();
                for &want in n.iter().rev() {
                    let c = chars.next().filter(|&c| fold(c) == want)?;
                    bytes += c.len_utf8();
                }
                Some(bytes)
            }
        }
    }
}

/// Where lowercase ASCII `needle` first occurs in `hay` ignoring ASCII case; negated terms
/// run this over every field of every card.
fn find_ascii_caseless(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut found = None;
    for_each_byte(&hay[..=last_start], first, true, |s| {
        let here = hay[s + 1..s + needle.len()].eq_ignore_ascii_case(rest);
        if here {
            found = Some(s);
        }
        here
    });
    found
}

/// Calls `f` with each index of `hay` holding `b` (either case of it if `caseless` and it
/// is a letter), in order, until `f` returns true. Eight bytes at a time: a byte equals `b`
/// where `word ^ repeated(b)` has a zero byte, and most words have none.
pub(crate) fn for_each_byte(hay: &[u8], b: u8, caseless: bool, mut f: impl FnMut(usize) -> bool) {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // For a letter, `byte | 0x20` equals its lowercase exactly for its two cases.
    let (b, fold) = if caseless && b.is_ascii_alphabetic() {
        (b.to_ascii_lowercase(), 0x20u8)
    } else {
        (b, 0)
    };
    let repeated = u64::from(b) * LOW;
    let fold_word = u64::from(fold) * LOW;
    let mut words = hay.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = (u64::from_le_bytes(bytes) | fold_word) ^ repeated;
        // Flags every zero byte, and maybe a byte above one: each flag is checked below.
        let mut zero = x.wrapping_sub(LOW) & !x & HIGH;
        while zero != 0 {
            let k = zero.trailing_zeros() as usize / 8;
            zero &= zero - 1;
            if word[k] | fold == b && f(base + k) {
                return;
            }
        }
        base += 8;
    }
    for (k, &c) in words.remainder().iter().enumerate() {
        if c | fold == b && f(base + k) {
            return;
        }
    }
}

/// The case folding of these terms: one char to one char, and never a non-ASCII char to an
/// ASCII one, so an ASCII needle can be searched byte by byte.
pub(crate) fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if !l.is_ascii() => l,
        _ => c,
    }
}

/// Bytes of `text`'s start whose folded chars are `needle`, if they are.
fn folded_prefix_len(text: &str, needle: &[char]) -> Option<usize> {
    let mut bytes = 0;
    let mut chars = text.chars();
    for &want in needle {
        let c = chars.next().filter(|&c| fold(c) == want)?;
        bytes += c.len_utf8();
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn caseless_search_finds_the_first_occurrence_anywhere() {
        let hay = b"xxAxxxxa.bcA.BCdefgh-abc-ABC@bc`bc";
        for (needle, want) in [
            (&b"a.bc"[..], Some(7)),
            (b"abc", Some(21)),
            (b"a.bcx", None),
            (b"@bc", Some(28)),
            (b"`bc", Some(31)),
            (b"h", Some(19)),
            (b"x", Some(0)),
            (b"c`bc", Some(30)),
            (b"bc`bcz", None),
        ] {
            assert_eq!(find_ascii_caseless(hay, needle), want, "{needle:?}");
            let slow = (0..=hay.len() - needle.len())
                .find(|&s| hay[s..s + needle.len()].eq_ignore_ascii_case(needle));
            assert_eq!(want, slow);
        }
        assert_eq!(find_ascii_caseless(b"ab", b"abc"), None);
        assert_eq!(find_ascii_caseless(b"", b"a"), None);
    }

    proptest! {
        #[test]
        fn caseless_search_equals_a_plain_scan(
            hay in "[aAbB@`. ]{0,40}",
            needle in "[ab@`. ]{1,4}",
        ) {
            let (h, n) = (hay.as_bytes(), needle.as_bytes());
            let slow = h
                .len()
                .checked_sub(n.len())
                .and_then(|last| (0..=last).find(|&s| h[s..s + n.len()].eq_ignore_ascii_case(n)));
            prop_assert_eq!(find_ascii_caseless(h, n), slow);
        }
    }
}
