//! The set of characters the text gate stops, and the one contextual exception: the joiners
//! and presentation selectors that hold an emoji sequence together.
//!
//! The set comes from Unicode properties, laid out once for fast lookups, and is asked through
//! one predicate, [`is_gated`], by the scrubber, the JSON writer and the tests alike.

use std::sync::OnceLock;

use icu_properties::props::{
    BidiControl, DefaultIgnorableCodePoint, Emoji, EmojiModifier, ExtendedPictographic,
    GeneralCategory, GeneralCategoryGroup,
};
use icu_properties::{
    CodePointMapData, CodePointMapDataBorrowed, CodePointSetData, CodePointSetDataBorrowed,
};

/// Whether the gate stops `c`: it never reaches the output as itself, but is
/// removed, or for tabs and line breaks rewritten. ZWJ and VS15/VS16 are
/// stopped too, except inside an emoji sequence (see [`is_clean`](super::is_clean)).
///
/// The set, from Unicode properties: general categories Cc (controls, C0 and
/// C1), Cf (format: bidi controls, zero-width characters, the soft hyphen,
/// tags, interlinear annotation), Co (private use: no agreed look), Cs
/// (surrogates, which a `char` cannot hold) and Cn (unassigned: no width a
/// terminal agrees on); Zl and Zp (U+2028, U+2029: line breaks);
/// `Default_Ignorable_Code_Point` (invisible by definition: Hangul fillers,
/// variation selectors, the combining grapheme joiner...) and `Bidi_Control`.
/// This is the one definition: the JSON writer and the tests call it too.
pub fn is_gated(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    GatedSet::get().contains(c)
}

/// The gated set, built once from the properties, laid out for speed: the gate looks at every character of every drawn row, and three property
/// lookups cost about three times as much as the rest of the gate for non-ASCII text.
struct GatedSet {
    /// A bit per code point of the Basic Multilingual Plane (8 KiB), where nearly all text is.
    bmp: Box<[u64]>,
    /// The rest as sorted, disjoint, inclusive ranges.
    astral: Vec<(u32, u32)>,
}

const BMP_END: u32 = 0xffff;

impl GatedSet {
    fn get() -> &'static GatedSet {
        static SET: OnceLock<GatedSet> = OnceLock::new();
        SET.get_or_init(GatedSet::build)
    }

    fn build() -> GatedSet {
        let mut ranges: Vec<(u32, u32)> = CATEGORY
            .iter_ranges_for_group(GATED_CATEGORIES)
            .chain(IGNORABLE.iter_ranges())
            .chain(BIDI_CONTROL.iter_ranges())
            .map(|r| (*r.start(), *r.end()))
            .collect();
        ranges.sort_unstable();
        let mut bmp = vec![0u64; (BMP_END as usize + 1) / 64].into_boxed_slice();
        let mut astral: Vec<(u32, u32)> = Vec::new();
        for (start, end) in ranges {
            for cp in start..=end.min(BMP_END) {
                bmp[cp as usize / 64] |= 1 << (cp % 64);
            }
            let start = start.max(BMP_END + 1);
            if start > end {
                continue;
            }
            match astral.last_mut() {
                Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                _ => astral.push((start, end)),
            }
        }
        GatedSet { bmp, astral }
    }

    fn contains(&self, c: char) -> bool {
        let cp = u32::from(c);
        if cp <= BMP_END {
            return self
                .bmp
                .get(cp as usize / 64)
                .is_some_and(|bits| bits >> (cp % 64) & 1 == 1);
        }
        let at = self.astral.partition_point(|(_, end)| *end < cp);
        self.astral.get(at).is_some_and(|(start, _)| *start <= cp)
    }
}

const GATED_CATEGORIES: GeneralCategoryGroup = GeneralCategoryGroup::Other
    .union(GeneralCategoryGroup::LineSeparator)
    .union(GeneralCategoryGroup::ParagraphSeparator);
const CATEGORY: CodePointMapDataBorrowed<'static, GeneralCategory> = CodePointMapData::new();
const IGNORABLE: CodePointSetDataBorrowed<'static> =
    CodePointSetData::new::<DefaultIgnorableCodePoint>();
const BIDI_CONTROL: CodePointSetDataBorrowed<'static> = CodePointSetData::new::<BidiControl>();
const EMOJI: CodePointSetDataBorrowed<'static> = CodePointSetData::new::<Emoji>();
const PICTOGRAPHIC: CodePointSetDataBorrowed<'static> =
    CodePointSetData::new::<ExtendedPictographic>();
const EMOJI_MODIFIER: CodePointSetDataBorrowed<'static> = CodePointSetData::new::<EmojiModifier>();

pub(super) const ZWJ: char = '\u{200d}';
/// Variation selectors 15 and 16: text and emoji presentation of an emoji.
pub(super) const VS15: char = '\u{fe0e}';
pub(super) const VS16: char = '\u{fe0f}';

/// Whether `c`, a gated character, is kept between `before` and `after`, the
/// characters kept on either side of it: a ZWJ joining two emoji (`👩‍👧`), or a
/// presentation selector right after an emoji (`❤️`, the keycap `1️⃣`).
pub(super) fn joins_emoji(before: Option<char>, c: char, after: Option<char>) -> bool {
    match c {
        ZWJ => before.is_some_and(zwj_may_follow) && after.is_some_and(zwj_may_precede),
        VS15 | VS16 => before.is_some_and(|b| EMOJI.contains(b)),
        _ => false,
    }
}

/// The end of an emoji a ZWJ may join on from: a pictograph, a skin tone, or
/// the emoji presentation selector after one.
pub(super) fn zwj_may_follow(c: char) -> bool {
    c == VS16 || PICTOGRAPHIC.contains(c) || EMOJI_MODIFIER.contains(c)
}

fn zwj_may_precede(c: char) -> bool {
    PICTOGRAPHIC.contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gated set asked of the properties one by one.
    fn gated_by_properties(c: char) -> bool {
        GATED_CATEGORIES.contains(CATEGORY.get(c))
            || IGNORABLE.contains(c)
            || BIDI_CONTROL.contains(c)
    }

    /// The fast layout holds exactly the property set, for every code point.
    #[test]
    fn the_gated_set_is_the_property_set() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let expected = if c.is_ascii() {
                c.is_ascii_control()
            } else {
                gated_by_properties(c)
            };
            assert_eq!(is_gated(c), expected, "U+{:04X}", u32::from(c));
        }
        assert!(gated_by_properties('\u{7f}') && gated_by_properties('\n'));
    }

    #[test]
    fn bidi_controls_and_joiners_are_in_the_property_set() {
        for c in [
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2066}',
        ] {
            assert!(BIDI_CONTROL.contains(c) && is_gated(c));
        }
        for c in [ZWJ, VS15, VS16] {
            assert!(is_gated(c) && !EMOJI.contains(c) && !PICTOGRAPHIC.contains(c));
        }
    }
}
