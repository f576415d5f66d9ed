//! What the gate's and the layout's tests share: generators of hostile and of mostly clean
//! text, and the check of what the gate's output may hold.

use proptest::prelude::*;

use super::gated::{is_gated, joins_emoji};

/// What the gate's output may hold: nothing [`is_gated`] names, except `\n`
/// in a block and a ZWJ or presentation selector inside an emoji sequence.
pub(super) fn only_allowed(out: &str, block: bool) -> Result<(), String> {
    let chars: Vec<char> = out.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !is_gated(c) || (block && c == '\n') {
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if !joins_emoji(before, c, after) {
            return Err(format!("U+{:04X} at {i} in {out:?}", u32::from(c)));
        }
    }
    Ok(())
}

const BIASED: &str = r"[\x00-\x1f\x7f\x{80}-\x{9f}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{2060}-\x{206f}\x{fe00}-\x{fe0f}\x{e0000}-\x{e007f}\x{115f}\x{3164}\x{e000}a-z \n\r\t👩❤]{0,64}";

/// Pieces of escape sequences, so that well-formed, nested and truncated
/// sequences all turn up often.
const FRAGMENTS: &[&str] = &[
    "\x1b",
    "[",
    "]",
    "P",
    "X",
    "^",
    "_",
    "\\",
    "(",
    "#",
    "B",
    "0",
    "1;2",
    "m",
    "H",
    "\x07",
    "\u{9b}",
    "\u{9c}",
    "\u{9d}",
    "\u{90}",
    "a",
    "z",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{2028}",
    "\u{a0}",
    "日",
    "👍",
    "e\u{301}",
    "\u{200d}",
    "\u{202e}",
    "\u{ad}",
    "👩",
    "❤",
    "1",
    "\u{fe0f}",
    "\u{fe0e}",
    "\u{1f3fd}",
    "\u{20e3}",
    "\u{e0041}",
    "\u{200b}",
];

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
}

pub(super) fn dirty() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), BIASED, fragments(),]
}

/// Mostly clean text, to drive the fast paths.
pub(super) fn mostly_clean() -> impl Strategy<Value = String> {
    "[a-c \n\u{a0}\u{3000}日\t]{0,40}"
}
