//! Any text -> the text gate: nothing it returns may reach a terminal as a control character,
//! an escape sequence or a bidi control. The check here is written out on its own rather than
//! borrowed from the gate, so a mistake in the gate's own predicate is found too.

use tidings::text::{clean_block, clean_line};

/// Bidi controls: marks, embeddings, overrides and isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        let line = clean_line(&text);
        for c in line.chars() {
            assert!(!c.is_control() && !is_bidi_control(c), "{c:?} in {line:?}");
        }
        let block = clean_block(&text);
        for c in block.chars() {
            assert!(
                c == '\n' || (!c.is_control() && !is_bidi_control(c)),
                "{c:?} in {block:?}"
            );
        }
    });
}
