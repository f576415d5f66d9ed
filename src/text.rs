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
//! Escape sequences are removed whole, not just their `ESC`: dropping only the
//! introducer would leave the payload (`]0;pwned`) on screen, and an attacker
//! could split a sequence across fields. An unterminated sequence swallows the
//! rest of the string for the same reason.
//!
//! Both cleaners return `Cow::Borrowed` when the input needs no change, because
//! they run on every drawn row and almost all real text is already clean.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// C1 String Terminator; `ESC \` is its 7-bit form.
const C1_ST: char = '\u{9c}';
const TAB_STOP: usize = 4;
/// Keeps deliberate spacing in a body but stops a card from scrolling the
/// reader through pages of nothing.
const MAX_BLANK_LINES: usize = 2;
const ELLIPSIS: &str = "…";

/// Cleans a one-line field (title, name, shown URL, diagnostic).
///
/// Removes escape sequences whole, all control characters, bidi controls,
/// zero-width characters, the soft hyphen and interlinear annotation marks.
/// Tabs, line breaks (`\n`, `\r\n`, `\r`, U+2028, U+2029) become spaces, runs
/// of spaces collapse to one, and the result is trimmed.
///
/// ZWJ (U+200D) is removed too, so emoji ZWJ sequences fall apart into their
/// components; that costs some width but keeps the rule simple and auditable.
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
pub fn clean_items<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    items
        .into_iter()
        .map(|item| clean_line(item).into_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Returns `true` if `s` contains nothing the gate removes or rewrites: no
/// control character except `\n`, no tab or `\r`, no bidi, zero-width,
/// soft-hyphen, interlinear-annotation or U+2028/U+2029 character.
///
/// Space layout (doubled, leading, trailing) is not judged. The output of both
/// [`clean_line`] and [`clean_block`] is always clean, so this is meant for
/// `debug_assert!`s at the drawing boundary.
pub fn is_clean(s: &str) -> bool {
    !s.chars().any(|c| c != '\n' && is_gated(c))
}

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Fits `s` into `max_width` columns, cutting between grapheme clusters and
/// ending with `…` (one column) when anything was cut.
///
/// A wide character is never split, so a cut result can be one column short.
pub fn truncate(s: &str, max_width: usize) -> Cow<'_, str> {
    if width(s) <= max_width {
        return Cow::Borrowed(s);
    }
    if max_width == 0 {
        return Cow::Borrowed("");
    }
    let budget = max_width - 1;
    let mut end = 0;
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = width(g);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + g.len();
    }
    let mut prefix = s.get(..end).unwrap_or("");
    // Summing cluster widths is only an estimate: unicode-width applies a few
    // rules across neighbouring characters. Measuring the real candidate
    // makes the bound a guarantee rather than a likelihood.
    loop {
        let candidate = format!("{prefix}{ELLIPSIS}");
        if width(&candidate) <= max_width {
            return Cow::Owned(candidate);
        }
        match prefix.grapheme_indices(true).next_back() {
            Some((i, _)) => prefix = prefix.get(..i).unwrap_or(""),
            // The ellipsis alone is one column and max_width >= 1 here, so
            // this is unreachable; returning empty still honours the bound.
            None => return Cow::Borrowed(""),
        }
    }
}

/// Truncates `s` to `w` columns and pads it with spaces to exactly `w`.
pub fn pad_to(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Word-wraps clean block text to `width` columns (0 is treated as 1).
///
/// Existing newlines are kept as line/paragraph breaks, an empty line stays an
/// empty line, and the first line of a paragraph keeps its indentation when it
/// fits. Words wider than `width` are broken between grapheme clusters; a
/// single cluster wider than `width` (only possible for tiny widths) is shown
/// as `…`. Every returned line is at most `width` columns wide.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rough = Vec::new();
    for para in s.lines() {
        wrap_paragraph(para, width, &mut rough);
    }
    // Same reasoning as in `truncate`: widths were summed piecewise, so check
    // each line for real and re-split the (in practice nonexistent) offenders.
    let mut lines = Vec::with_capacity(rough.len());
    for line in rough {
        if self::width(&line) <= width {
            lines.push(line);
        } else {
            hard_split(&line, width, &mut lines);
        }
    }
    lines
}

fn wrap_paragraph(para: &str, width: usize, lines: &mut Vec<String>) {
    let para_start = lines.len();
    let mut cur = String::new();
    let mut cur_w = 0;
    // Spaces since the previous word; `split(' ')` yields an empty piece for
    // every extra space, which lets indentation and inner spacing survive.
    let mut gap = 0;
    for (i, word) in para.split(' ').enumerate() {
        if i > 0 {
            gap += 1;
        }
        if word.is_empty() {
            continue;
        }
        let word_w = self::width(word);
        // Spaces at a wrap point are dropped; only the paragraph's first line
        // keeps leading spaces, as indentation.
        let sep = if cur.is_empty() && lines.len() > para_start {
            0
        } else {
            gap
        };
        gap = 0;
        if cur_w + sep + word_w <= width {
            cur.extend(std::iter::repeat_n(' ', sep));
            cur.push_str(word);
            cur_w += sep + word_w;
        } else if word_w <= width {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            cur.push_str(word);
            cur_w = word_w;
        } else {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            for g in word.graphemes(true) {
                let (g, g_w) = fit_cluster(g, width);
                if cur_w + g_w > width {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
                cur.push_str(g);
                cur_w += g_w;
            }
        }
    }
    // A paragraph without words is a blank line and must still take a row.
    if !cur.is_empty() || lines.len() == para_start {
        lines.push(cur);
    }
}

/// Replaces a cluster that can never fit with a one-column marker, so the
/// width guarantee holds even for absurdly narrow panes.
fn fit_cluster(g: &str, width: usize) -> (&str, usize) {
    let w = self::width(g);
    if w > width { (ELLIPSIS, 1) } else { (g, w) }
}

/// Splits `line` measuring every candidate directly. Quadratic, so only used
/// as the fallback when piecewise summing was wrong.
fn hard_split(line: &str, width: usize, lines: &mut Vec<String>) {
    let mut cur = String::new();
    for g in line.graphemes(true) {
        let (g, _) = fit_cluster(g, width);
        let before = cur.len();
        cur.push_str(g);
        if self::width(&cur) > width {
            cur.truncate(before);
            lines.push(std::mem::replace(&mut cur, g.to_owned()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
}

/// Characters that never reach the output unchanged (in block mode `\n`
/// excepted, which callers handle).
fn is_gated(c: char) -> bool {
    c.is_control() || is_invisible_format(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Invisible format characters that can disguise text: bidi controls (the
/// "Trojan Source" family), zero-width characters, the soft hyphen and
/// interlinear annotation marks.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
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

/// Removes escape sequences and gated characters, reporting what is left.
///
/// Modelled on how terminals parse (ECMA-48 / the DEC VT parser): an `ESC` or
/// C1 control inside a sequence aborts it and starts the next one, so the
/// scrubber never disagrees with a terminal about where a sequence ends in a
/// way that would leave part of one visible.
fn scrub(s: &str, mut emit: impl FnMut(Tok)) {
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
                            emit(Tok::Break);
                            State::Ground
                        }
                        '\n' | '\u{2028}' | '\u{2029}' => {
                            emit(Tok::Break);
                            State::Ground
                        }
                        '\t' => {
                            emit(Tok::Tab);
                            State::Ground
                        }
                        c if is_gated(c) => State::Ground,
                        c => {
                            emit(Tok::Char(c));
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
    use proptest::prelude::*;

    /// Written independently of `is_gated` so a mistake there cannot hide.
    fn forbidden(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{ad}'
                    | '\u{61c}'
                    | '\u{200b}'..='\u{200f}'
                    | '\u{2028}'..='\u{202e}'
                    | '\u{2060}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{feff}'
                    | '\u{fff9}'..='\u{fffb}'
            )
    }

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
    }

    #[test]
    fn width_counts_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("👍"), 2);
        assert_eq!(width("e\u{301}"), 1);
    }

    #[test]
    fn truncate_ascii() {
        assert!(matches!(truncate("abc", 3), Cow::Borrowed("abc")));
        assert_eq!(truncate("hello world", 5), "hell…");
        assert_eq!(truncate("hello", 1), "…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("", 0), "");
    }

    #[test]
    fn truncate_wide_and_clusters() {
        let t = truncate("日本語テキスト", 5);
        assert_eq!(t, "日本…");
        assert_eq!(width(&t), 5);
        // The third column cannot hold half of 語, so one column is lost.
        let t = truncate("日本語", 4);
        assert_eq!(t, "日…");
        assert_eq!(width(&t), 3);
        assert_eq!(truncate("日本", 2), "…");
        let family = "👩\u{200d}👩\u{200d}👧";
        let titled = format!("{family} family");
        let t = truncate(&titled, 3);
        assert_eq!(t, format!("{family}…"));
        assert_eq!(width(&t), 3);
        assert_eq!(truncate("👍👍👍", 4), "👍…");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    #[test]
    fn pad_to_exact_width() {
        assert_eq!(pad_to("ab", 4), "ab  ");
        assert_eq!(pad_to("日本語", 5), "日本…");
        assert_eq!(pad_to("日本語", 4), "日… ");
        assert_eq!(pad_to("abc", 0), "");
        assert_eq!(width(&pad_to("👍x", 6)), 6);
    }

    #[test]
    fn wrap_words() {
        assert_eq!(wrap("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(wrap("a\n\nb", 5), ["a", "", "b"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("    code here", 20), ["    code here"]);
        assert_eq!(wrap("    toolong", 8), ["toolong"]);
        assert_eq!(wrap("a  b", 10), ["a  b"]);
        assert_eq!(wrap("aaaa bbbb", 4), ["aaaa", "bbbb"]);
    }

    #[test]
    fn wrap_breaks_long_words() {
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("hi abcdefghij", 4), ["hi", "abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語テキスト", 5), ["日本", "語テ", "キス", "ト"]);
        assert_eq!(wrap("ab", 0), ["a", "b"]);
        assert_eq!(wrap("日", 1), ["…"]);
        for line in wrap("日本語 テキスト is mixed with English words", 7) {
            assert!(width(&line) <= 7, "{line:?}");
        }
    }

    #[test]
    fn hard_split_measures_every_line() {
        let mut lines = Vec::new();
        hard_split("abcdef日", 4, &mut lines);
        assert_eq!(lines, ["abcd", "ef日"]);
        let mut lines = Vec::new();
        hard_split("a日b", 1, &mut lines);
        assert_eq!(lines, ["a", "…", "b"]);
    }

    const BIASED: &str = r"[\x00-\x1f\x7f\x{80}-\x{9f}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}a-z \n\r\t]{0,64}";

    /// Pieces of escape sequences, so that well-formed, nested and truncated
    /// sequences all turn up often.
    const FRAGMENTS: &[&str] = &[
        "\x1b", "[", "]", "P", "X", "^", "_", "\\", "(", "#", "B", "0", "1;2", "m", "H", "\x07",
        "\u{9b}", "\u{9c}", "\u{9d}", "\u{90}", "a", "z", " ", "  ", "\t", "\n", "\r", "\r\n",
        "\u{2028}", "\u{a0}", "日", "👍", "e\u{301}", "\u{200d}", "\u{202e}", "\u{ad}",
    ];

    fn fragments() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
    }

    fn dirty() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), BIASED, fragments(),]
    }

    /// Mostly clean text, to drive the fast paths.
    fn mostly_clean() -> impl Strategy<Value = String> {
        "[a-c \n\u{a0}\u{3000}日\t]{0,40}"
    }

    proptest! {
        #[test]
        fn prop_clean_line_output_is_safe(s in dirty()) {
            let out = clean_line(&s);
            prop_assert!(!out.chars().any(forbidden), "{out:?}");
            prop_assert!(!out.contains("  "), "{out:?}");
            prop_assert_eq!(out.trim(), &*out);
            prop_assert!(is_clean(&out));
        }

        #[test]
        fn prop_clean_block_output_is_safe(s in dirty()) {
            let out = clean_block(&s);
            prop_assert!(!out.chars().any(|c| c != '\n' && forbidden(c)), "{out:?}");
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
        fn prop_truncate_fits(s in prop_oneof![dirty(), mostly_clean()], w in 0usize..40) {
            let t = truncate(&s, w);
            prop_assert!(width(&t) <= w, "{t:?} wider than {w}");
            if width(&s) <= w {
                prop_assert_eq!(&t, &s);
            } else if let Some(kept) = t.strip_suffix(ELLIPSIS) {
                prop_assert!(s.starts_with(kept));
            } else {
                prop_assert!(t.is_empty() && w == 0, "{t:?}");
            }
        }

        #[test]
        fn prop_truncate_loses_at_most_one_column(s in "[a-z日👍 ]{0,40}", w in 1usize..30) {
            let t = truncate(&s, w);
            prop_assert!(width(&t) + 1 >= w.min(width(&s)), "{t:?} for width {w}");
        }

        #[test]
        fn prop_pad_to_exact(s in dirty(), w in 0usize..40) {
            prop_assert_eq!(width(&pad_to(&s, w)), w);
        }

        #[test]
        fn prop_wrap_fits(s in prop_oneof![dirty(), mostly_clean()], w in 0usize..30) {
            for line in wrap(&s, w) {
                prop_assert!(width(&line) <= w.max(1), "{line:?} wider than {w}");
            }
            for line in wrap(&clean_block(&s), w) {
                prop_assert!(width(&line) <= w.max(1), "{line:?} wider than {w}");
            }
        }

        #[test]
        fn prop_wrap_keeps_words(s in "[a-z ]{0,80}", w in 1usize..20) {
            let joined: String = wrap(&s, w).concat().split(' ').collect();
            let expected: String = s.split(' ').collect();
            prop_assert_eq!(joined, expected);
        }
    }
}
