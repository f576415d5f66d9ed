//! The text gate: the one place untrusted text passes through before any
//! terminal sees it.
//!
//! Article cards are YAML files written by strangers, and a terminal will act
//! on whatever bytes it receives. A title containing `ESC ] 0 ; … BEL` renames
//! the window, `ESC [ 2 J` wipes the screen, OSC 52 writes the clipboard, a bare
//! `\r` lets a line overwrite itself, and bidi overrides or zero-width
//! characters make text read differently from what it is. Rendering code also
//! assumes one `char` advances the cursor by its display width, which controls
//! break. So every string from a card goes through [`clean_line`] or
//! [`clean_block`] before it is drawn, and layout is done with the width-aware
//! helpers here rather than with byte or `char` counts.
//!
//! Which characters the gate stops is decided by Unicode properties, not a hand
//! list, in one predicate, [`is_gated`], which every other gate (the JSON writer,
//! the tests) calls: general categories Cc, Cf, Co, Cs and Cn (controls, format
//! characters such as bidi controls and tags, private use, unassigned),
//! `Default_Ignorable_Code_Point` (zero-width characters, Hangul fillers,
//! variation selectors...) and `Bidi_Control`. The one exception is contextual:
//! ZWJ and the presentation selectors VS15/VS16 pass inside an emoji sequence,
//! so `👩‍👩‍👧‍👦` stays one emoji while a ZWJ or VS anywhere else goes.
//!
//! Escape sequences are removed whole, not just their `ESC`: dropping only the
//! introducer would leave the payload (`]0;pwned`) on screen, and an attacker
//! could split a sequence across fields. An unterminated sequence swallows the
//! rest of the string for the same reason.
//!
//! Both cleaners return `Cow::Borrowed` when the input needs no change, because
//! they run on every drawn row and almost all real text is already clean.
//!
//! This module is the scrubber; the gated set and the emoji rule live in `gated`,
//! the width-aware layout in `layout`, and both are re-exported here.

mod gated;
mod layout;
#[cfg(test)]
mod testing;

use std::borrow::Cow;

pub use gated::is_gated;
use gated::{VS15, VS16, ZWJ, joins_emoji, zwj_may_follow};
pub(crate) use layout::{pad_to, truncate};
pub use layout::{width, wrap};

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// C1 String Terminator; `ESC \` is its 7-bit form.
const C1_ST: char = '\u{9c}';
const TAB_STOP: usize = 4;
/// Keeps deliberate spacing in a body but stops a card from scrolling the
/// reader through pages of nothing.
const MAX_BLANK_LINES: usize = 2;

/// Cleans a one-line field (title, name, shown URL, diagnostic).
///
/// Removes escape sequences whole and every character [`is_gated`] names,
/// except a ZWJ or VS15/VS16 inside an emoji sequence. Tabs, line breaks
/// (`\n`, `\r\n`, `\r`, U+2028, U+2029) become spaces, runs of spaces
/// collapse to one, and the result is trimmed.
pub fn clean_line(s: &str) -> Cow<'_, str> {
    // Whitespace at the ends is dropped whatever it is (tabs and breaks turn
    // into spaces, the rest is removed), so only the inside needs checking and
    // padded but otherwise clean fields stay allocation-free too.
    let trimmed = s.trim();
    if line_needs_no_work(trimmed) {
        return Cow::Borrowed(trimmed);
    }
    Cow::Owned(clean_line_owned(s))
}

/// Cleans multi-line text (excerpt, Markdown body).
///
/// Performs the same removals as [`clean_line`], but line breaks (`\r\n`,
/// `\r`, U+2028, U+2029) become `\n` and are kept. Tabs expand to the next
/// multiple of 4 display columns, trailing whitespace is removed from every
/// line, more than two consecutive blank lines collapse to two, and blank lines
/// at the start and end are dropped. Leading indentation of the first line is
/// kept because it is meaningful in Markdown.
pub fn clean_block(s: &str) -> Cow<'_, str> {
    if let Some(clean) = block_needs_no_work(s) {
        return Cow::Borrowed(clean);
    }
    Cow::Owned(clean_block_owned(s))
}

/// Each item through [`clean_line`], leaving out those with nothing left, so a topic made
/// only of invisible characters leaves no empty slot in a list.
pub(crate) fn clean_items<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items
        .into_iter()
        .map(|item| clean_line(item).into_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Returns `true` if `s` contains nothing the gate removes or rewrites: no
/// character [`is_gated`] names except `\n`, and ZWJ or VS15/VS16 only inside
/// an emoji sequence.
///
/// Space layout (doubled, leading, trailing) is not judged. The output of both
/// [`clean_line`] and [`clean_block`] is always clean, so this is meant for
/// `debug_assert!`s at the drawing boundary and for output that must be
/// printed exactly or not at all.
pub fn is_clean(s: &str) -> bool {
    let mut before = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\n' && is_gated(c) && !joins_emoji(before, c, chars.peek().copied()) {
            return false;
        }
        before = Some(c);
    }
    true
}

fn line_needs_no_work(s: &str) -> bool {
    let mut prev_space = false;
    for c in s.chars() {
        if is_gated(c) {
            return false;
        }
        let space = c == ' ';
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    true
}

/// Returns the borrowed result if `s` only needs blank lines and whitespace
/// trimmed at its ends.
fn block_needs_no_work(s: &str) -> Option<&str> {
    let body = s.trim_end();
    let first_text = body
        .find(|c: char| !c.is_whitespace())
        .unwrap_or(body.len());
    // Start at the beginning of the first non-blank line so its indentation
    // survives. Everything before is whitespace-only lines, which the full
    // path would drop as leading blank lines whatever they contain.
    let start = body
        .get(..first_text)
        .and_then(|head| head.rfind('\n'))
        .map_or(0, |i| i + 1);
    let body = body.get(start..)?;
    let mut newlines = 0;
    let mut prev_whitespace = false;
    for c in body.chars() {
        if c == '\n' {
            // Whitespace before a newline is trailing whitespace (or a
            // whitespace-only line), which must be removed.
            if prev_whitespace {
                return None;
            }
            newlines += 1;
            if newlines > MAX_BLANK_LINES + 1 {
                return None;
            }
            continue;
        }
        if is_gated(c) {
            return None;
        }
        newlines = 0;
        prev_whitespace = c.is_whitespace();
    }
    Some(body)
}

fn clean_line_owned(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    scrub(s, |tok| match tok {
        Tok::Char(c) if c != ' ' => {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
        _ => pending_space = true,
    });
    // Other Unicode spaces (NBSP, ideographic space) are kept inside the text
    // but trimmed at the ends so fields line up.
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_owned()
    }
}

fn clean_block_owned(s: &str) -> String {
    let mut block = BlockBuilder::new(s.len());
    scrub(s, |tok| block.push(tok));
    block.finish()
}

/// Builds the block output a line at a time, because whether a line is blank
/// (and so whether it is kept) is only known at its end.
struct BlockBuilder {
    out: String,
    line: String,
    /// Blank lines seen since the last kept line; written only once the next
    /// non-blank line arrives, so trailing blank lines vanish for free.
    blanks: usize,
    /// Byte offset in `line` just after the last tab expansion, and the column
    /// there. Measuring only the stretch since then keeps tab expansion linear
    /// while still using real string width.
    seg_start: usize,
    seg_col: usize,
}

impl BlockBuilder {
    fn new(capacity: usize) -> Self {
        Self {
            out: String::with_capacity(capacity),
            line: String::new(),
            blanks: 0,
            seg_start: 0,
            seg_col: 0,
        }
    }

    fn push(&mut self, tok: Tok) {
        match tok {
            Tok::Char(c) => self.line.push(c),
            Tok::Tab => {
                let col = self.seg_col + self.line.get(self.seg_start..).map_or(0, width);
                let spaces = TAB_STOP - col % TAB_STOP;
                self.line.extend(std::iter::repeat_n(' ', spaces));
                self.seg_start = self.line.len();
                self.seg_col = col + spaces;
            }
            Tok::Break => self.end_line(),
        }
    }

    fn end_line(&mut self) {
        let kept = self.line.trim_end().len();
        self.line.truncate(kept);
        if self.line.is_empty() {
            if !self.out.is_empty() {
                self.blanks += 1;
            }
        } else {
            if !self.out.is_empty() {
                let breaks = 1 + self.blanks.min(MAX_BLANK_LINES);
                self.out.extend(std::iter::repeat_n('\n', breaks));
            }
            self.out.push_str(&self.line);
            self.blanks = 0;
        }
        self.line.clear();
        self.seg_start = 0;
        self.seg_col = 0;
    }

    fn finish(mut self) -> String {
        self.end_line();
        self.out
    }
}

/// What survives scrubbing; the two modes differ only in how they lay out
/// tabs and breaks.
enum Tok {
    Char(char),
    Tab,
    Break,
}

/// Where the scrubber is inside an escape sequence.
#[derive(Clone, Copy)]
enum State {
    Ground,
    /// After `ESC`.
    Esc,
    /// After `ESC` and one or more intermediates (0x20–0x2F), as in `ESC ( B`.
    EscIntermediate,
    /// Inside a control sequence, until a final byte 0x40–0x7E.
    Csi,
    /// Inside an OSC/DCS/SOS/PM/APC string, until ST or BEL. `ESC` also
    /// ends it; the `\` of a 7-bit ST is then an ordinary two-byte escape.
    Str,
}

/// Hands the scrubber's tokens on, deciding on the way whether a ZWJ or a
/// presentation selector is inside an emoji sequence. That depends on the
/// characters kept around it, not on the input's neighbours, so cleaning twice
/// changes nothing; a ZWJ therefore waits for the next kept character.
struct Joiner<F> {
    emit: F,
    /// The last character passed on since the last tab or break.
    before: Option<char>,
    /// A ZWJ after an emoji, written only if an emoji follows.
    zwj: bool,
}

impl<F: FnMut(Tok)> Joiner<F> {
    fn char(&mut self, c: char) {
        if std::mem::take(&mut self.zwj) && joins_emoji(self.before, ZWJ, Some(c)) {
            (self.emit)(Tok::Char(ZWJ));
        }
        (self.emit)(Tok::Char(c));
        self.before = Some(c);
    }

    fn gated(&mut self, c: char) {
        match c {
            // A second ZWJ in a row is dropped: the first one is still waiting.
            ZWJ => self.zwj |= self.before.is_some_and(zwj_may_follow),
            VS15 | VS16 if !self.zwj && joins_emoji(self.before, c, None) => self.char(c),
            _ => {}
        }
    }

    fn layout(&mut self, tok: Tok) {
        self.zwj = false;
        self.before = None;
        (self.emit)(tok);
    }
}

/// Removes escape sequences and gated characters, reporting what is left.
///
/// Modelled on how terminals parse (ECMA-48 / the DEC VT parser): an `ESC` or
/// C1 control inside a sequence aborts it and starts the next one, so the
/// scrubber never disagrees with a terminal about where a sequence ends in a
/// way that would leave part of one visible.
fn scrub(s: &str, emit: impl FnMut(Tok)) {
    let mut out = Joiner {
        emit,
        before: None,
        zwj: false,
    };
    let mut state = State::Ground;
    let mut after_cr = false;
    for c in s.chars() {
        let crlf = std::mem::take(&mut after_cr) && c == '\n';
        let mut current = state;
        // A character that ends one state may have to be looked at again in
        // the next, so the loop re-examines it. Re-examination always happens
        // in `Ground`, which consumes every character, so this terminates.
        state = loop {
            match current {
                State::Ground => {
                    break match c {
                        ESC => State::Esc,
                        '\u{9b}' => State::Csi,
                        '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => State::Str,
                        '\n' if crlf => State::Ground,
                        '\r' => {
                            after_cr = true;
                            out.layout(Tok::Break);
                            State::Ground
                        }
                        '\n' | '\u{2028}' | '\u{2029}' => {
                            out.layout(Tok::Break);
                            State::Ground
                        }
                        '\t' => {
                            out.layout(Tok::Tab);
                            State::Ground
                        }
                        c if is_gated(c) => {
                            out.gated(c);
                            State::Ground
                        }
                        c => {
                            out.char(c);
                            State::Ground
                        }
                    };
                }
                State::Esc => match c {
                    '[' => break State::Csi,
                    ']' | 'P' | 'X' | '^' | '_' => break State::Str,
                    '\x20'..='\x2f' => break State::EscIntermediate,
                    '\x30'..='\x7e' => break State::Ground,
                    // Not a sequence after all: the ESC is dropped and the
                    // character is ordinary input.
                    _ => current = State::Ground,
                },
                State::EscIntermediate => match c {
                    '\x20'..='\x2f' => break State::EscIntermediate,
                    '\x30'..='\x7e' => break State::Ground,
                    _ => current = State::Ground,
                },
                State::Csi => match c {
                    ESC => break State::Esc,
                    '\u{80}'..='\u{9f}' => current = State::Ground,
                    '\x40'..='\x7e' => break State::Ground,
                    // Parameters, intermediates and any junk are swallowed:
                    // better to lose garbage than to show half a sequence.
                    _ => break State::Csi,
                },
                State::Str => match c {
                    BEL | C1_ST => break State::Ground,
                    ESC => break State::Esc,
                    _ => break State::Str,
                },
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::testing::{dirty, mostly_clean, only_allowed};
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    #[test]
    fn osc_removed_whole() {
        assert_eq!(clean_line("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(clean_line("a\x1b]0;pwned\x1b\\b"), "ab");
        assert_eq!(clean_line("a\x1b]0;pwned\u{9c}b"), "ab");
        assert_eq!(
            clean_line("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
        assert_eq!(clean_line("a\x1b]52;c;aGVsbG8=\x07b"), "ab");
    }

    #[test]
    fn csi_removed_whole() {
        assert_eq!(clean_line("\x1b[2J\x1b[Hx"), "x");
        assert_eq!(clean_line("\x1b[38;5;196mred\x1b[0m"), "red");
        assert_eq!(clean_line("a\x1b[?1049hb"), "ab");
        assert_eq!(clean_line("a\x1b[1 qb"), "ab");
        assert_eq!(clean_line("a\u{9b}31mb"), "ab");
        // '@' (ICH) is the lowest final byte.
        assert_eq!(clean_line("a\x1b[2@b"), "ab");
        assert_eq!(clean_line("a\x1b[2~b"), "ab");
    }

    #[test]
    fn string_sequences_removed_whole() {
        for intro in ['P', 'X', '^', '_'] {
            assert_eq!(clean_line(&format!("a\x1b{intro}payload\x1b\\b")), "ab");
            assert_eq!(clean_line(&format!("a\x1b{intro}payload\x07b")), "ab");
            assert_eq!(clean_line(&format!("a\x1b{intro}payload\u{9c}b")), "ab");
        }
        for intro in ['\u{90}', '\u{98}', '\u{9d}', '\u{9e}', '\u{9f}'] {
            assert_eq!(clean_line(&format!("a{intro}payload\u{9c}b")), "ab");
            assert_eq!(clean_line(&format!("a{intro}payload\x1b\\b")), "ab");
        }
    }

    #[test]
    fn short_escapes_removed_whole() {
        assert_eq!(clean_line("a\x1bcb"), "ab");
        assert_eq!(clean_line("\x1b7x\x1b8"), "x");
        assert_eq!(clean_line("a\x1b(Bb"), "ab");
        assert_eq!(clean_line("a\x1b)0b"), "ab");
        assert_eq!(clean_line("a\x1b*Ab\x1b+<c"), "abc");
        assert_eq!(clean_line("\x1b#8x"), "x");
        assert_eq!(clean_line("\x1b%Gx"), "x");
        // ESC before something that cannot continue a sequence: only it goes.
        assert_eq!(clean_line("a\x1bé"), "aé");
    }

    #[test]
    fn unterminated_sequences_swallow_the_rest() {
        assert_eq!(clean_line("a\x1b]0;xyz"), "a");
        assert_eq!(clean_line("a\x1b[12;3"), "a");
        assert_eq!(clean_line("a\x1bPq#0;2;0"), "a");
        assert_eq!(clean_line("a\u{9d}0;title"), "a");
        assert_eq!(clean_line("a\x1b("), "a");
        assert_eq!(clean_line("a\x1b"), "a");
        assert_eq!(clean_block("a\n\x1b]0;x\ny"), "a");
    }

    #[test]
    fn esc_inside_a_sequence_starts_the_next_one() {
        assert_eq!(clean_line("a\x1b]0;t\x1b[31mb"), "ab");
        assert_eq!(clean_line("a\x1b[1\x1b]0;t\x07b"), "ab");
        assert_eq!(clean_line("a\x1b[1\u{9d}t\x07b"), "ab");
        // A C1 ST aborts the CSI, so the following text is not eaten as its
        // final byte.
        assert_eq!(clean_line("a\x1b[1\u{9c}b"), "ab");
        assert_eq!(clean_line("a\x1b(\x1b[1mb"), "ab");
    }

    #[test]
    fn lone_controls_removed() {
        assert_eq!(
            clean_line("a\x00b\x07c\x08d\x7fe\u{85}f\x0bg\x0ch"),
            "abcdefgh"
        );
        assert_eq!(clean_line("a\u{9c}b\u{80}c"), "abc");
    }

    #[test]
    fn bidi_controls_removed() {
        let s = "a\u{202a}b\u{202b}c\u{202c}d\u{202d}e\u{202e}f\u{2066}g\u{2067}h\u{2068}i\u{2069}j\u{200e}k\u{200f}l\u{61c}m";
        assert_eq!(clean_line(s), "abcdefghijklm");
        assert_eq!(clean_block(s), "abcdefghijklm");
    }

    #[test]
    fn zero_width_and_soft_hyphen_removed() {
        let s = "a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}f\u{ad}g\u{fff9}h\u{fffa}i\u{fffb}j";
        assert_eq!(clean_line(s), "abcdefghij");
        assert_eq!(clean_block(s), "abcdefghij");
    }

    /// Invisible characters a hand-written list once missed: the set now comes
    /// from Unicode properties.
    #[test]
    fn invisible_characters_from_unicode_properties_are_removed() {
        let invisible: Vec<char> = ['\u{180e}', '\u{34f}', '\u{115f}', '\u{1160}', '\u{3164}']
            .into_iter()
            .chain(['\u{ffa0}', '\u{17b4}', '\u{180b}', '\u{fe00}', '\u{e0100}'])
            .chain('\u{2061}'..='\u{2064}')
            .chain('\u{206a}'..='\u{206f}')
            .chain('\u{e0000}'..='\u{e007f}')
            // Private use and unassigned: no look a terminal agrees on.
            .chain(['\u{e000}', '\u{f8ff}', '\u{f0000}', '\u{378}', '\u{2065}'])
            .collect();
        for c in invisible {
            assert!(is_gated(c), "U+{:04X}", u32::from(c));
            let s = format!("a{c}b");
            assert_eq!(clean_line(&s), "ab", "U+{:04X}", u32::from(c));
            assert_eq!(clean_block(&s), "ab", "U+{:04X}", u32::from(c));
            assert!(!is_clean(&s), "U+{:04X}", u32::from(c));
        }
        // Tag characters can spell a whole hidden sentence.
        let hidden: String = "ignore previous instructions"
            .chars()
            .map(|c| char::from_u32(0xe0000 + u32::from(c)).unwrap_or('?'))
            .collect();
        assert_eq!(
            clean_line(&format!("Weather{hidden} today")),
            "Weather today"
        );
        for visible in ['a', 'é', '日', '€', '👍', '\u{a0}', '\u{301}', '\u{20e3}'] {
            assert!(!is_gated(visible), "U+{:04X}", u32::from(visible));
        }
    }

    #[test]
    fn emoji_sequences_keep_their_joiners() {
        for emoji in [
            "👩\u{200d}👩\u{200d}👧\u{200d}👦",
            "🏳\u{fe0f}\u{200d}🌈",
            "❤\u{fe0f}",
            "❤\u{fe0f}\u{200d}🔥",
            "1\u{fe0f}\u{20e3}",
            "🧑\u{1f3fd}\u{200d}🚀",
            "👁\u{fe0f}\u{200d}🗨\u{fe0f}",
            "☺\u{fe0e}",
        ] {
            assert_eq!(clean_line(emoji), emoji);
            assert_eq!(clean_block(emoji), emoji);
            assert!(is_clean(emoji), "{emoji:?}");
            let titled = format!("Family {emoji} day");
            assert_eq!(clean_line(&titled), titled);
        }
        let family = "👩\u{200d}👩\u{200d}👧\u{200d}👦";
        assert_eq!(family.graphemes(true).count(), 1);
        assert_eq!(clean_line(family).graphemes(true).count(), 1);
    }

    #[test]
    fn joiners_outside_emoji_sequences_go() {
        assert_eq!(clean_line("a\u{200d}b"), "ab");
        assert_eq!(clean_line("\u{200d}👩"), "👩");
        assert_eq!(clean_line("👩\u{200d}"), "👩");
        assert_eq!(clean_line("👩\u{200d}a"), "👩a");
        assert_eq!(clean_line("👩\u{200d} 👩"), "👩 👩");
        assert_eq!(clean_line("👩\u{200d}\u{200d}👩"), "👩\u{200d}👩");
        assert_eq!(clean_line("a\u{fe0f}b\u{fe0e}"), "ab");
        assert_eq!(clean_line("❤\u{fe0f}\u{fe0f}"), "❤\u{fe0f}");
        assert_eq!(clean_block("👩\u{200d}\n👩"), "👩\n👩");
        assert_eq!(clean_line("👩\u{200d}\t👩"), "👩 👩");
        // What lies between is judged after removal, so a second pass agrees.
        assert_eq!(clean_line("👩\u{200b}\u{200d}\u{1b}[0m👩"), "👩\u{200d}👩");
        for unjoined in [
            "a\u{200d}b",
            "\u{200d}👩",
            "👩\u{200d}",
            "a\u{fe0f}",
            "❤\u{fe0f}\u{fe0f}",
        ] {
            assert!(!is_clean(unjoined), "{unjoined:?}");
        }
    }

    #[test]
    fn line_mode_whitespace() {
        assert_eq!(
            clean_line("a\r\nb\rc\nd\te\u{2028}f\u{2029}g"),
            "a b c d e f g"
        );
        assert_eq!(clean_line("a\r\n\r\nb"), "a b");
        assert_eq!(clean_line("  a \t\n b  "), "a b");
        assert_eq!(clean_line("a  b"), "a b");
        assert_eq!(clean_line("a \x00 b"), "a b");
        assert_eq!(clean_line("\u{a0}a\u{a0}b\u{3000}"), "a\u{a0}b");
        assert_eq!(clean_line("\n\t\r "), "");
    }

    #[test]
    fn block_mode_line_breaks() {
        assert_eq!(
            clean_block("a\r\nb\rc\nd\u{2028}e\u{2029}f"),
            "a\nb\nc\nd\ne\nf"
        );
        assert_eq!(clean_block("a\r\n\r\nb"), "a\n\nb");
        assert_eq!(clean_block("a\r\r\nb"), "a\n\nb");
    }

    #[test]
    fn block_mode_tabs() {
        assert_eq!(clean_block("\tx"), "    x");
        assert_eq!(clean_block("ab\tc"), "ab  c");
        assert_eq!(clean_block("abcd\te"), "abcd    e");
        assert_eq!(clean_block("a\tb\tc"), "a   b   c");
        assert_eq!(clean_block("日\tx"), "日  x");
        assert_eq!(clean_block("abc\n\tb"), "abc\n    b");
        assert_eq!(clean_block("a\x1b[1m\tb"), "a   b");
    }

    #[test]
    fn block_mode_blank_lines_and_trailing_space() {
        assert_eq!(clean_block("a  \n\n\n\n\nb\t\n\n"), "a\n\n\nb");
        assert_eq!(clean_block("a\n\n\nb"), "a\n\n\nb");
        assert_eq!(clean_block("\n \n\t\n  x\n"), "  x");
        assert_eq!(clean_block("a\n \u{200b} \nb"), "a\n\nb");
        assert_eq!(clean_block(" \n\t\n"), "");
    }

    #[test]
    fn fast_path_borrows() {
        assert!(matches!(clean_line("plain"), Cow::Borrowed("plain")));
        assert!(matches!(
            clean_line("  padded \t\n"),
            Cow::Borrowed("padded")
        ));
        assert!(matches!(clean_line("日本語 ok"), Cow::Borrowed(_)));
        assert!(matches!(clean_line("a\tb"), Cow::Owned(_)));
        assert!(matches!(clean_line("a  b"), Cow::Owned(_)));
        assert!(matches!(clean_block("a\n\n\nb"), Cow::Borrowed("a\n\n\nb")));
        assert!(matches!(
            clean_block("\n\n  code\n"),
            Cow::Borrowed("  code")
        ));
        assert!(matches!(clean_block("a \nb"), Cow::Owned(_)));
        assert!(matches!(clean_block("a\n\n\n\nb"), Cow::Owned(_)));
    }

    #[test]
    fn is_clean_flags_gated_chars() {
        assert!(is_clean("plain"));
        assert!(is_clean("a\nb"));
        assert!(is_clean("  spaced  out "));
        assert!(!is_clean("a\x1b[0m"));
        assert!(!is_clean("a\u{200b}"));
        assert!(!is_clean("a\tb"));
        assert!(!is_clean("a\rb"));
        assert!(!is_clean("a\u{2028}b"));
        assert!(!is_clean("a\u{ad}b"));
        assert!(!is_clean("a\u{e0041}b"));
        assert!(is_clean("👩\u{200d}👧 ok"));
    }

    proptest! {
        #[test]
        fn prop_clean_line_output_is_safe(s in dirty()) {
            let out = clean_line(&s);
            prop_assert_eq!(only_allowed(&out, false), Ok(()));
            prop_assert!(!out.contains('\n'), "{out:?}");
            prop_assert!(!out.contains("  "), "{out:?}");
            prop_assert_eq!(out.trim(), &*out);
            prop_assert!(is_clean(&out));
        }

        #[test]
        fn prop_clean_block_output_is_safe(s in dirty()) {
            let out = clean_block(&s);
            prop_assert_eq!(only_allowed(&out, true), Ok(()));
            prop_assert!(is_clean(&out));
            prop_assert!(!out.contains("\n\n\n\n"), "{out:?}");
            prop_assert!(!out.starts_with('\n') && out.trim_end() == &*out, "{out:?}");
            for line in out.split('\n') {
                prop_assert_eq!(line.trim_end(), line);
            }
        }

        #[test]
        fn prop_clean_line_idempotent(s in dirty()) {
            let once = clean_line(&s);
            prop_assert_eq!(&clean_line(&once), &once);
        }

        #[test]
        fn prop_clean_block_idempotent(s in dirty()) {
            let once = clean_block(&s);
            prop_assert_eq!(&clean_block(&once), &once);
        }

        #[test]
        fn prop_fast_paths_agree_with_full_path(s in prop_oneof![mostly_clean(), dirty()]) {
            prop_assert_eq!(clean_line(&s), clean_line_owned(&s));
            prop_assert_eq!(clean_block(&s), clean_block_owned(&s));
        }

        #[test]
        fn prop_is_clean_agrees_with_the_gate(s in dirty()) {
            prop_assert!(is_clean(&clean_line(&s)));
            prop_assert!(is_clean(&clean_block(&s)));
            if is_clean(&s) && !s.contains(['\n', ' ']) {
                prop_assert_eq!(&*clean_line(&s), s.trim());
            }
        }
    }
}
