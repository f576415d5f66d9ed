//! The shape nearly every card's front matter has, read without libyaml.
//!
//! Cards are block mappings and block sequences indented with spaces, one scalar to a line,
//! plain, single- or double-quoted. libyaml reads that at about 10 ns a byte (it copies the
//! text into its own buffer character by character, then scans tokens through a queue), which
//! made parsing most of a cold start. This reader takes the same text line by line and
//! produces libyaml's events with libyaml's marks, or gives up: on anything outside that shape
//! (a comment, a tab or CR, flow collections, anchors, aliases, tags, block scalars, a scalar
//! over several lines, an empty value, a rare escape, a character libyaml treats specially) it
//! returns `None` and libyaml reads the text as before. So what a card means, and every
//! message about a broken one, stays libyaml's; the tests hold the two to the same events on
//! generated texts of both kinds.

use super::MAX_DEPTH;
use super::events::{Event, Mark, Style};

/// The events of `text` and where each starts, if `text` is in the shape this reader knows.
pub(super) fn events(text: &str) -> Option<Vec<(Event, Mark)>> {
    if !plain_characters(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        text,
        next: 0,
        out: Vec::with_capacity(96),
    };
    reader.emit(Event::StreamStart, 0);
    let first = reader.next_line()?;
    if first.col != 0 {
        return None;
    }
    reader.emit(Event::DocumentStart, first.at);
    // The root mapping is at column 0, so no line can be left over after it.
    reader.mapping(first, 1)?;
    reader.emit(Event::DocumentEnd, text.len());
    reader.emit(Event::StreamEnd, text.len());
    Some(reader.out)
}

/// Whether every character is one libyaml reads as itself: no control character but the line
/// feed (so no tab and no CR), and none of those libyaml rejects or treats as a line break or a
/// byte order mark (U+0080-U+009F, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF).
fn plain_characters(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        let odd = match b {
            b'\n' | 0x20..=0x7E => false,
            0xC2 => (0x80..=0x9F).contains(&next(1)),
            0xE2 => next(1) == 0x80 && matches!(next(2), 0xA8 | 0xA9),
            0xEF => matches!(
                (next(1), next(2)),
                (0xBB, 0xBF) | (0xBF, 0xBE) | (0xBF, 0xBF)
            ),
            // Other lead and continuation bytes of valid UTF-8 (the text is a `str`).
            0x80.. => false,
            _ => true,
        };
        if odd {
            return false;
        }
        i += 1;
    }
    true
}

/// A line with something on it: where its first non-space byte is, that byte's column, and
/// where the line ends (its line feed, or the end of the text). For an entry of a sequence, the
/// part after `- ` is a line of its own, at its own column.
#[derive(Clone, Copy, Debug)]
struct Line {
    at: usize,
    col: usize,
    end: usize,
}

/// What follows a collection: the first line less indented than it, or the end of the text.
/// `None` from a reading function means "not this shape".
type After = Option<Line>;

/// Longer keys than this are left to libyaml, which limits a key to 1,024 characters.
const MAX_KEY: usize = 128;

struct Reader<'a> {
    text: &'a str,
    /// Where the next unread line starts.
    next: usize,
    out: Vec<(Event, Mark)>,
}

impl Reader<'_> {
    fn emit(&mut self, event: Event, index: usize) {
        self.out.push((event, Mark { index }));
    }

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The next line that is not blank (blank lines hold spaces at most).
    fn next_line(&mut self) -> Option<Line> {
        let bytes = self.text.as_bytes();
        while self.next < bytes.len() {
            let start = self.next;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
            self.next = end + 1;
            let indent = bytes[start..end].iter().take_while(|b| **b == b' ').count();
            if start + indent < end {
                return Some(Line {
                    at: start + indent,
                    col: indent,
                    end,
                });
            }
        }
        None
    }

    /// A block mapping whose first key starts `first`; the entries are the lines at its column.
    fn mapping(&mut self, first: Line, depth: usize) -> Option<After> {
        let indent = self.open(Event::MappingStart { anchor: None }, first, depth)?;
        let mut line = first;
        loop {
            let (key_end, value) = self.key(line)?;
            let key = self.text[line.at..key_end].to_owned();
            self.emit(plain(key), line.at);
            let after = if value == line.end {
                // Nothing after the colon: the value is the collection on the lines below. An
                // empty value (null) is left to libyaml, whose mark for it is not a position
                // in the text.
                let child = self.next_line()?;
                if child.col <= indent {
                    return None;
                }
                match self.is_entry(child) {
                    true => self.sequence(child, depth + 1)?,
                    false => self.mapping(child, depth + 1)?,
                }
            } else {
                self.scalar(value, line.end)?;
                self.next_line()
            };
            match after {
                Some(next) if next.col == indent => line = next,
                // A deeper line here continues a scalar or is an error: libyaml's to read.
                Some(next) if next.col > indent => return None,
                after => {
                    self.emit(Event::MappingEnd, after.map_or(self.text.len(), |l| l.at));
                    return Some(after);
                }
            }
        }
    }

    /// A block sequence whose first `- ` starts `first`.
    fn sequence(&mut self, first: Line, depth: usize) -> Option<After> {
        let indent = self.open(Event::SequenceStart { anchor: None }, first, depth)?;
        let mut line = first;
        loop {
            let item = self.item(line)?;
            let after = if self.key(item).is_some() {
                self.mapping(item, depth + 1)?
            } else {
                self.scalar(item.at, item.end)?;
                self.next_line()
            };
            match after {
                Some(next) if next.col == indent && self.is_entry(next) => line = next,
                Some(next) if next.col >= indent => return None,
                after => {
                    self.emit(Event::SequenceEnd, after.map_or(self.text.len(), |l| l.at));
                    return Some(after);
                }
            }
        }
    }

    /// A collection starts at `first`, `depth` deep: its start event, and its column; deeper
    /// than the builder's limit is libyaml's to read (and refuse).
    fn open(&mut self, start: Event, first: Line, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.emit(start, first.at);
        Some(first.col)
    }

    /// A line that is an entry of a block sequence: `-` then a space or the end of the line.
    fn is_entry(&self, line: Line) -> bool {
        let bytes = self.bytes();
        bytes[line.at] == b'-' && (line.at + 1 == line.end || bytes[line.at + 1] == b' ')
    }

    /// What an entry holds, after `- ` and any more spaces; an empty entry is not this shape.
    fn item(&self, line: Line) -> Option<Line> {
        let bytes = self.bytes();
        let mut at = line.at + 1;
        while at < line.end && bytes[at] == b' ' {
            at += 1;
        }
        (at < line.end).then_some(Line {
            at,
            col: line.col + (at - line.at),
            end: line.end,
        })
    }

    /// A plain key of letters, digits, `_`, `-` and `.` (starting with a letter, digit or
    /// `_`), a colon, and a space or the end of the line: where the key ends, and where its
    /// value starts (the end of the line if it has none there).
    fn key(&self, line: Line) -> Option<(usize, usize)> {
        let bytes = self.bytes();
        let first = bytes[line.at];
        if !(first.is_ascii_alphanumeric() || first == b'_') {
            return None;
        }
        let mut at = line.at + 1;
        while at < line.end
            && matches!(bytes[at], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.')
        {
            at += 1;
        }
        if at - line.at > MAX_KEY || at == line.end || bytes[at] != b':' {
            return None;
        }
        let key_end = at;
        at += 1;
        if at < line.end && bytes[at] != b' ' {
            return None;
        }
        while at < line.end && bytes[at] == b' ' {
            at += 1;
        }
        Some((key_end, at))
    }

    /// The scalar (or empty collection) that takes the rest of a line, from `at` to `end`.
    fn scalar(&mut self, at: usize, end: usize) -> Option<()> {
        // An empty list or mapping (`related: []`) is the one flow collection cards write.
        match self.text[at..end].trim_end_matches(' ') {
            "[]" => {
                self.emit(Event::SequenceStart { anchor: None }, at);
                self.emit(Event::SequenceEnd, at + 1);
                return Some(());
            }
            "{}" => {
                self.emit(Event::MappingStart { anchor: None }, at);
                self.emit(Event::MappingEnd, at + 1);
                return Some(());
            }
            _ => {}
        }
        let (value, style, closed) = match self.bytes()[at] {
            b'"' => {
                let (value, closed) = double_quoted(self.text, at + 1, end)?;
                (value, Style::DoubleQuoted, closed)
            }
            b'\'' => {
                let (value, closed) = single_quoted(self.text, at + 1, end)?;
                (value, Style::SingleQuoted, closed)
            }
            // `-`, `?` and `:` start a plain scalar when something other than a space
            // follows (`-1`); the others never do.
            b'-' | b'?' | b':' if at + 1 < end && self.bytes()[at + 1] != b' ' => {
                self.plain_scalar(at, end)?
            }
            first if is_indicator(first) => return None,
            _ => self.plain_scalar(at, end)?,
        };
        // After a quoted scalar, spaces at most.
        if self.bytes()[closed..end].iter().any(|b| *b != b' ') {
            return None;
        }
        self.emit(
            Event::Scalar {
                anchor: None,
                tag: None,
                value,
                style,
            },
            at,
        );
        Some(())
    }

    /// A plain scalar: the rest of the line but its trailing spaces, unless a colon and a
    /// space (or the end) or a space and a `#` in it make it something else.
    fn plain_scalar(&self, at: usize, end: usize) -> Option<(String, Style, usize)> {
        let text = self.text[at..end].trim_end_matches(' ');
        if text.ends_with(':') || text.contains(": ") || text.contains(" #") {
            return None;
        }
        Some((text.to_owned(), Style::Plain, end))
    }
}

fn plain(value: String) -> Event {
    Event::Scalar {
        anchor: None,
        tag: None,
        value,
        style: Style::Plain,
    }
}

/// Characters that mean something other than a plain scalar at its start (`-`, `?` and `:`
/// only when a space or the end of the line follows).
fn is_indicator(byte: u8) -> bool {
    matches!(
        byte,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// A double-quoted scalar's text from `at` (after its opening quote), closed on the same line:
/// its value and where it ends (after the closing quote). Escapes beyond the common ones are
/// left to libyaml.
fn double_quoted(text: &str, mut at: usize, end: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut value = String::new();
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', &bytes[at..end])?;
        value.push_str(&text[at..found]);
        if bytes[found] == b'"' {
            return Some((value, found + 1));
        }
        let escape = *bytes.get(found + 1).filter(|_| found + 1 < end)?;
        at = found + 2;
        let decoded = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'n' => '\n',
            b't' => '\t',
            b'u' => {
                let hex = text.get(at..at + 4).filter(|_| at + 4 <= end)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                at += 4;
                // Surrogates (which `from_u32` refuses) are libyaml's to reject.
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
            }
            _ => return None,
        };
        value.push(decoded);
    }
}

/// A single-quoted scalar's text from `at` (after its opening quote), closed on the same line:
/// its value (`''` is a quote) and where it ends.
fn single_quoted(text: &str, mut at: usize, end: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut value = String::new();
    loop {
        let found = at + memchr::memchr(b'\'', &bytes[at..end])?;
        value.push_str(&text[at..found]);
        if found + 1 < end && bytes[found + 1] == b'\'' {
            value.push('\'');
            at = found + 2;
        } else {
            return Some((value, found + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::events::Events;
    use super::*;
    use proptest::prelude::*;

    /// libyaml's events for `text`, or `None` if it finds an error.
    fn libyaml(text: &str) -> Option<Vec<(Event, Mark)>> {
        let mut events = Events::new(text);
        let mut out = Vec::new();
        loop {
            let (event, mark) = events.next_event().ok()?;
            let end = matches!(event, Event::StreamEnd);
            out.push((event, mark));
            if end {
                return Some(out);
            }
        }
    }

    /// Events as text, with the marks of the events that make nodes (the others' marks are
    /// never read).
    fn shown(events: &[(Event, Mark)]) -> Vec<String> {
        events
            .iter()
            .map(|(event, mark)| match event {
                Event::Scalar { .. } | Event::SequenceStart { .. } | Event::MappingStart { .. } => {
                    format!("{event:?} @{}", mark.index)
                }
                _ => format!("{event:?}"),
            })
            .collect()
    }

    /// Where this reader has an answer, it is libyaml's.
    fn agrees(text: &str) -> Result<bool, TestCaseError> {
        let Some(simple) = events(text) else {
            return Ok(false);
        };
        let Some(reference) = libyaml(text) else {
            return Err(TestCaseError::fail(format!(
                "libyaml rejects what this reader read: {text:?}"
            )));
        };
        prop_assert_eq!(shown(&simple), shown(&reference), "text: {:?}", text);
        Ok(true)
    }

    /// The real cards in the seeds and the demo corpus are all in the shape read here.
    #[test]
    fn cards_as_written_are_read_here() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for folder in ["tests/fixtures/seeds", "assets/demo"] {
            for entry in std::fs::read_dir(root.join(folder)).expect("card folder") {
                let path = entry.expect("card").path();
                let text = std::fs::read_to_string(&path).expect("card text");
                let front = text
                    .strip_prefix("---\n")
                    .and_then(|t| t.split("\n---\n").next())
                    .expect("front matter");
                assert!(agrees(front).expect("agrees"), "not read here: {path:?}");
                read += 1;
            }
        }
        assert!(read >= 30, "{read} cards");
    }

    #[test]
    fn odd_shapes_are_left_to_libyaml() {
        for text in [
            "a: 1 # note\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: [1, 2]\n",
            "a: [ ]\n",
            "a: []]\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: one\n  two\n",
            "a:\nb: 1\n",
            "a:\n- 1\n",
            "a: \"open\n  close\"\n",
            "a: \"\\x41\"\n",
            "a: \"\\ud83d\\ude00\"\n",
            "a: b: c\n",
            "a: b:\n",
            "  a: 1\n",
            "a: 1\n  b: 2\n",
            "a: \u{2028}\n",
            "a: \u{85}\n",
            "a: -\n",
            "a: - x\n",
            "a: ? x\n",
            "a:\n  -\n",
            "'a': 1\n",
            "",
            "\n  \n",
        ] {
            assert!(events(text).is_none(), "read here: {text:?}");
        }
    }

    #[test]
    fn shapes_read_here_give_libyaml_events() {
        for text in [
            "a: 1\n",
            "a: 1",
            "a: one two  three   \nb: 'it''s'\nc: \"q\\\"uote\\\\ \\/ \\n\\t \\u00e9\"\n",
            "a:\n  b: 1\n  c:\n    - x\n    - y: 1\n      z: 2\n    -   w\nd: 2\n",
            "a:\n    - 1\n\n    - 2\n   \nb: x#y\n",
            "a: https://example.com/a#b?c=d:e\n",
            "title: \"Über café — 東京\"\nb: 日本語 の 題\n",
            "x: \"\"\ny: ''\n",
            "a: -1\nb: ?x\nc: :y\nd: -\"\n",
            "a: []\nb: {}  \nc:\n  - []\n  - {}\n",
        ] {
            assert!(agrees(text).expect("agrees"), "not read here: {text:?}");
        }
    }

    /// Scalars of every style, from an alphabet with the characters that end, start or break
    /// them.
    fn scalar_text() -> impl Strategy<Value = String> {
        let plain = prop::sample::select(vec!["a", "Zé", "東", " ", "1", "word", "-", ":", "."]);
        let odd = prop::sample::select(vec![
            ": ", "#", " #", "- ", "'", "''", "\"", "\\", "\\n", "\\t", "\\/", "\\\"", "\\u00e9",
            "\\u12", "\\x", "\\0", "[", "{", "&", "*", "!", "|", ">", "?", "%", "@", ",", "\t",
            "[]", "{}", "\u{a0}", "\u{feff}", "\u{7f}", "\u{85}",
        ]);
        let atom = prop_oneof![30 => plain, 1 => odd];
        let atoms = prop::collection::vec(atom, 0..6).prop_map(|a| a.concat());
        prop_oneof![
            atoms
                .clone()
                .prop_filter("a plain value", |a| !a.trim().is_empty()),
            atoms.clone().prop_map(|a| format!("\"{a}\"")),
            atoms.prop_map(|a| format!("'{a}'")),
        ]
    }

    /// Keys, mostly of the shape read here.
    fn key_text() -> impl Strategy<Value = &'static str> {
        let plain = prop::sample::select(vec!["title", "a-b", "x.y", "_k", "1", "true"]);
        let odd = prop::sample::select(vec!["-k", "k k", "é", "東", "k#"]);
        prop_oneof![8 => plain, 1 => odd]
    }

    /// Texts near the shape: lines of keys, entries and scalars at any indentation.
    fn near_card() -> impl Strategy<Value = String> {
        let line = (
            0usize..7,
            key_text(),
            prop::bool::ANY,
            scalar_text(),
            0usize..4,
        )
            .prop_map(|(indent, key, entry, value, shape)| {
                let pad = " ".repeat(indent);
                let dash = if entry { "- " } else { "" };
                match shape {
                    0 => format!("{pad}{dash}{key}:"),
                    1 => format!("{pad}{dash}{value}"),
                    2 => String::new(),
                    _ => format!("{pad}{dash}{key}: {value}"),
                }
            });
        prop::collection::vec(line, 1..12).prop_map(|lines| lines.join("\n"))
    }

    /// A tree of mappings, sequences and scalars.
    #[derive(Clone, Debug)]
    enum Tree {
        Scalar(String),
        Mapping(Vec<(&'static str, Tree)>),
        Sequence(Vec<Tree>),
    }

    fn tree() -> impl Strategy<Value = Tree> {
        scalar_text()
            .prop_map(Tree::Scalar)
            .prop_recursive(4, 40, 5, |inner| {
                prop_oneof![
                    prop::collection::vec((key_text(), inner.clone()), 1..5)
                        .prop_map(Tree::Mapping),
                    prop::collection::vec(inner, 1..5).prop_map(Tree::Sequence),
                ]
            })
    }

    /// A tree written as a card is: nested collections `step` columns deeper, `gap` spaces
    /// after a dash.
    fn written(tree: &Tree, indent: usize, step: usize, gap: usize, out: &mut Vec<String>) {
        let pad = " ".repeat(indent);
        let dash = format!("-{}", " ".repeat(gap));
        match tree {
            Tree::Scalar(s) => out.push(format!("{pad}{s}")),
            Tree::Mapping(entries) => {
                for (key, value) in entries {
                    match value {
                        Tree::Scalar(s) => out.push(format!("{pad}{key}: {s}")),
                        nested => {
                            out.push(format!("{pad}{key}:"));
                            written(nested, indent + step, step, gap, out);
                        }
                    }
                }
            }
            Tree::Sequence(items) => {
                for item in items {
                    let mut lines = Vec::new();
                    written(item, indent + 1 + gap, step, gap, &mut lines);
                    if let Some(first) = lines.first_mut() {
                        *first = format!("{pad}{dash}{}", &first[indent + 1 + gap..]);
                    }
                    out.extend(lines);
                }
            }
        }
    }

    /// Cards' shape: a mapping at the root, written out, sometimes with a line changed.
    fn card_shaped() -> impl Strategy<Value = String> {
        let root = prop::collection::vec((key_text(), tree()), 1..6).prop_map(Tree::Mapping);
        (
            root,
            1usize..5,
            1usize..3,
            prop::option::of((any::<prop::sample::Index>(), 0usize..4)),
        )
            .prop_map(|(root, step, gap, change)| {
                let mut lines = Vec::new();
                written(&root, 0, step, gap, &mut lines);
                if let Some((at, how)) = change {
                    let at = at.index(lines.len());
                    match how {
                        0 => lines[at].insert(0, ' '),
                        1 => lines[at] = lines[at].trim_start().to_string(),
                        2 => lines.insert(at, String::new()),
                        _ => {
                            lines.remove(at);
                        }
                    }
                }
                lines.join("\n") + "\n"
            })
    }

    /// The property tests hold only where this reader answers: on texts written as cards are,
    /// it must answer often.
    #[test]
    fn generated_cards_are_often_read_here() {
        let read =
            crate::corpus::testing::passing(&card_shaped(), 1000, |text| events(text).is_some());
        assert!(read >= 50, "{read} of 1,000");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn where_this_reader_answers_it_is_libyamls_answer(text in near_card()) {
            agrees(&text)?;
        }

        #[test]
        fn cards_read_here_are_read_as_libyaml_reads_them(text in card_shaped()) {
            agrees(&text)?;
        }
    }
}
