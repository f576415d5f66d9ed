//! One YAML document read into a tree of nodes that know where they are, within budgets.
//!
//! The tree is built from the parser's events in one pass, without recursion: nesting deeper
//! than [`MAX_DEPTH`], or aliases that would expand to more than [`MAX_ALIAS_NODES`] values,
//! stop the read at the event that crosses the line, so no input makes the parser or this code
//! take more than linear time, stack or memory. An alias shares its anchor's node rather than
//! copying it. Scalars are
//! kept as written (text, style, tag): what a value means is decided by the field that reads it,
//! so an odd value under a key nobody reads costs nothing and breaks nothing.

mod events;
mod simple;

use std::collections::HashMap;

pub(crate) use events::Style;
use events::{Event, Events, Mark};

use super::diagnostic::FileProblem;

/// Collections inside collections, the front matter's own mapping counting as 1. Cards nest 5
/// deep (card, related, entry, images, image); libyaml's parser is quadratic in flow depth.
pub(crate) const MAX_DEPTH: usize = 64;
/// How many values all aliases together may stand for: the bound on alias bombs however the
/// aliases are arranged. Cards use no aliases; a few small ones cost nothing.
pub(crate) const MAX_ALIAS_NODES: u64 = 10_000;

/// Where something is: a byte offset into the text that was read. Lines and columns are the
/// caller's to count, so that they agree with how the rest of the file is counted (libyaml
/// also breaks lines at a lone CR, NEL, U+2028 and U+2029).
pub(crate) type Offset = usize;

pub(crate) type NodeId = usize;

#[derive(Debug)]
pub struct Node {
    pub offset: Offset,
    pub value: Value,
    /// How many nodes this one stands for, aliases expanded: the measure of alias bombs.
    size: u64,
}

#[derive(Debug)]
pub enum Value {
    Scalar(Scalar),
    Sequence(Vec<NodeId>),
    /// Keys and values in file order; no two scalar keys are equal.
    Mapping(Vec<(NodeId, NodeId)>),
}

#[derive(Debug)]
pub(crate) struct Scalar {
    pub text: String,
    pub style: Style,
    /// Resolved by the parser: `!!int` is `tag:yaml.org,2002:int`.
    pub tag: Option<String>,
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

impl Scalar {
    fn tagged(&self, name: &str) -> bool {
        self.tag
            .as_deref()
            .and_then(|t| t.strip_prefix(TAG_PREFIX))
            .is_some_and(|t| t == name)
    }

    /// An untagged plain scalar: the only kind YAML reads as null, a boolean or a number.
    fn plain(&self) -> bool {
        self.style == Style::Plain && self.tag.is_none()
    }

    /// `~`, `null` or nothing at all, unquoted; or anything tagged `!!null`.
    pub fn is_null(&self) -> bool {
        self.tagged("null")
            || (self.plain() && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// What YAML's core schema reads this scalar as, for messages. A tag other than `!!str`
    /// or `!!null` does not change what the text looks like: `!!int wide` is the string
    /// "wide".
    pub fn kind(&self) -> ScalarKind {
        if self.is_null() {
            ScalarKind::Null
        } else if self.style != Style::Plain || self.tagged("str") {
            ScalarKind::String
        } else if matches!(
            self.text.as_str(),
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        ) {
            ScalarKind::Bool
        } else if is_number(&self.text) {
            ScalarKind::Number
        } else {
            ScalarKind::String
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarKind {
    Null,
    Bool,
    Number,
    String,
}

/// Whether a scalar looks like a number by YAML 1.2's core schema, whatever its size (`12`, `-3`,
/// `0x1F`, `0o17`, `1.5e3`, `.inf`, `.nan`): what a message calls it. Its value, when a field
/// reads one, is serde_yaml's reading (see `parse::fields::read_integer`).
pub(crate) fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8);
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let whole_ok = whole.chars().all(|c| c.is_ascii_digit());
    let fraction_ok = fraction.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()));
    let some_digit = !whole.is_empty() || fraction.is_some_and(|f| !f.is_empty());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    whole_ok && fraction_ok && some_digit && exponent_ok
}

/// A document: its nodes, and the root unless the document is empty.
#[derive(Debug, Default)]
pub(crate) struct Document {
    nodes: Vec<Node>,
    pub root: Option<NodeId>,
}

impl Document {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The value of `key` in a mapping's entries.
    pub fn get(&self, entries: &[(NodeId, NodeId)], key: &str) -> Option<NodeId> {
        entries
            .iter()
            .find(|(k, _)| self.key_text(*k) == Some(key))
            .map(|(_, v)| *v)
    }

    fn key_text(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }
}

type Problem = (FileProblem, Offset);

/// A collection being read: its node, and its children so far.
enum Open {
    Sequence {
        id: NodeId,
        items: Vec<NodeId>,
        anchor: Option<String>,
    },
    Mapping {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        key: Option<NodeId>,
        anchor: Option<String>,
    },
}

/// Reads the one YAML document in `text`.
pub fn read(text: &str) -> Result<Document, Problem> {
    let hidden = SurrogatePairs::hide(text);
    let (parsed_text, shifts) = match &hidden {
        Some((rewritten, shifts)) => (rewritten.as_str(), shifts.clone()),
        None => (text, Vec::new()),
    };
    let builder = Builder {
        doc: Document::default(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        shifts,
    };
    // Most cards are in a shape read far faster than libyaml reads it, to the same events.
    match hidden.is_none().then(|| simple::events(text)).flatten() {
        Some(events) => {
            let mut events = events.into_iter();
            builder.build(|| {
                Ok(events
                    .next()
                    .unwrap_or((Event::StreamEnd, Mark { index: 0 })))
            })
        }
        None => {
            let mut events = Events::new(parsed_text);
            builder.build(|| events.next_event())
        }
    }
}

impl Builder {
    /// The document of a stream of events, read until its end or its first problem.
    fn build(
        mut self,
        mut next_event: impl FnMut() -> Result<(Event, Mark), events::Error>,
    ) -> Result<Document, Problem> {
        let mut documents = 0;
        loop {
            let (event, mark) = match next_event() {
                Ok(next) => next,
                Err(e) => return Err((FileProblem::Yaml(e.problem), self.offset(e.mark))),
            };
            let pos = self.offset(mark);
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::StreamEnd => return Ok(self.doc),
                Event::DocumentStart => {
                    documents += 1;
                    if documents > 1 {
                        let problem = FileProblem::Yaml("more than one document".into());
                        return Err((problem, pos));
                    }
                }
                Event::Alias { anchor } => self.alias(&anchor, pos)?,
                Event::Scalar {
                    anchor,
                    tag,
                    value,
                    style,
                } => {
                    let text = if !self.shifts.is_empty() {
                        SurrogatePairs::restore(value, style)
                    } else {
                        value
                    };
                    let id = self.push(pos, Value::Scalar(Scalar { text, style, tag }), 1);
                    self.done(id, anchor)?;
                }
                Event::SequenceStart { anchor } => {
                    self.deeper(pos)?;
                    let id = self.push(pos, Value::Sequence(Vec::new()), 1);
                    self.stack.push(Open::Sequence {
                        id,
                        items: Vec::new(),
                        anchor,
                    });
                }
                Event::MappingStart { anchor } => {
                    self.deeper(pos)?;
                    let id = self.push(pos, Value::Mapping(Vec::new()), 1);
                    self.stack.push(Open::Mapping {
                        id,
                        entries: Vec::new(),
                        key: None,
                        anchor,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => self.close()?,
            }
        }
    }
}

struct Builder {
    doc: Document,
    stack: Vec<Open>,
    /// Anchors of finished nodes only, so an alias can never refer to a node that contains
    /// it: the tree has no cycles for any later walk to loop on.
    anchors: HashMap<String, NodeId>,
    alias_nodes: u64,
    /// Where, in the text given to the parser, each hidden surrogate pair starts.
    shifts: Vec<usize>,
}

impl Builder {
    /// A parser mark as an offset into the original text: each hidden pair before it took
    /// more bytes in the parsed text than in the original.
    fn offset(&self, mark: Mark) -> Offset {
        let before = self.shifts.partition_point(|start| *start < mark.index);
        mark.index
            .saturating_sub(before * SurrogatePairs::EXTRA_BYTES)
    }

    fn push(&mut self, offset: Offset, value: Value, size: u64) -> NodeId {
        self.doc.nodes.push(Node {
            offset,
            value,
            size,
        });
        self.doc.nodes.len() - 1
    }

    fn deeper(&self, pos: Offset) -> Result<(), Problem> {
        let depth = self.stack.len() + 1;
        if depth > MAX_DEPTH {
            return Err((
                FileProblem::TooDeep {
                    depth,
                    limit: MAX_DEPTH,
                },
                pos,
            ));
        }
        Ok(())
    }

    fn alias(&mut self, anchor: &str, pos: Offset) -> Result<(), Problem> {
        let Some(&target) = self.anchors.get(anchor) else {
            let problem = FileProblem::Yaml(format!("alias *{anchor} names no anchor before it"));
            return Err((problem, pos));
        };
        self.alias_nodes = self.alias_nodes.saturating_add(self.doc.nodes[target].size);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err((
                FileProblem::AliasesTooLarge {
                    nodes: self.alias_nodes,
                    limit: MAX_ALIAS_NODES,
                },
                pos,
            ));
        }
        // The alias is its target: shared, not copied.
        self.attach(target)
    }

    /// A node is complete: remember its anchor and hand it to the collection it is in.
    fn done(&mut self, id: NodeId, anchor: Option<String>) -> Result<(), Problem> {
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, id);
        }
        self.attach(id)
    }

    fn attach(&mut self, id: NodeId) -> Result<(), Problem> {
        let size = self.doc.nodes[id].size;
        match self.stack.last_mut() {
            None => {
                self.doc.root = Some(id);
                return Ok(());
            }
            Some(Open::Sequence {
                id: parent, items, ..
            }) => {
                items.push(id);
                let parent = *parent;
                self.grow(parent, size);
            }
            Some(Open::Mapping {
                id: parent,
                entries,
                key,
                ..
            }) => {
                match key.take() {
                    None => *key = Some(id),
                    Some(k) => entries.push((k, id)),
                }
                let parent = *parent;
                self.grow(parent, size);
            }
        }
        Ok(())
    }

    fn grow(&mut self, parent: NodeId, by: u64) {
        let node = &mut self.doc.nodes[parent];
        node.size = node.size.saturating_add(by);
    }

    fn close(&mut self) -> Result<(), Problem> {
        let Some(open) = self.stack.pop() else {
            return Ok(());
        };
        let (id, value, anchor) = match open {
            Open::Sequence { id, items, anchor } => (id, Value::Sequence(items), anchor),
            Open::Mapping {
                id,
                entries,
                anchor,
                ..
            } => {
                if let Some((key, pos)) = self.repeated_key(&entries) {
                    let problem = FileProblem::Yaml(format!("duplicate entry with key \"{key}\""));
                    return Err((problem, pos));
                }
                (id, Value::Mapping(entries), anchor)
            }
        };
        self.doc.nodes[id].value = value;
        self.done(id, anchor)
    }

    /// The first key, in file order, that repeats an earlier key of the same mapping.
    fn repeated_key(&self, entries: &[(NodeId, NodeId)]) -> Option<(String, Offset)> {
        let mut keys: Vec<(&str, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, (k, _))| self.doc.key_text(*k).map(|t| (t, i)))
            .collect();
        keys.sort_unstable();
        let repeat = keys
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .map(|w| w[1].1)
            .min()?;
        let (key, _) = entries[repeat];
        let text = self.doc.key_text(key)?.to_string();
        Some((text, self.doc.nodes[key].offset))
    }
}

/// JSON writes characters beyond the BMP as two escapes, `"\ud83d\ude00"`; libyaml rejects each
/// half as an invalid character. Before parsing, each such pair is replaced by as many private
/// characters as it has characters, so every position stays the same; after parsing, a
/// double-quoted scalar gets the character the pair stands for, and any other text (where a
/// backslash is just a backslash) gets its original characters back.
struct SurrogatePairs;

/// Stand-ins are this plus an ASCII code: plane 15, private use, never seen in cards. A text
/// that holds any of them already is left alone.
const STAND_IN: u32 = 0xF0000;
const PAIR_LEN: usize = 12;

impl SurrogatePairs {
    /// Stand-ins take 4 bytes where the escape's ASCII took 1.
    const EXTRA_BYTES: usize = PAIR_LEN * 3;

    /// The text with pairs hidden, and where each pair starts in it; `None` if there are none.
    fn hide(text: &str) -> Option<(String, Vec<usize>)> {
        let is_stand_in = |c: char| (STAND_IN..STAND_IN + 0x80).contains(&(c as u32));
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let mut starts = Vec::new();
        let mut copied = 0;
        let mut at = 0;
        while let Some(found) = memchr_backslash_u(&bytes[at..]) {
            let start = at + found;
            at = start + 1;
            let Some(pair) = text.get(start..start + PAIR_LEN) else {
                continue;
            };
            let escaped = bytes[..start]
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count();
            if escaped % 2 == 1 || decode_pair(pair).is_none() {
                continue;
            }
            if out.is_none() && text.chars().any(is_stand_in) {
                return None;
            }
            let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
            out.push_str(&text[copied..start]);
            starts.push(out.len());
            out.extend(
                pair.bytes()
                    .filter_map(|b| char::from_u32(STAND_IN + u32::from(b))),
            );
            copied = start + PAIR_LEN;
            at = copied;
        }
        let mut out = out?;
        out.push_str(&text[copied..]);
        Some((out, starts))
    }

    fn restore(text: String, style: Style) -> String {
        let stand_in = |c: char| {
            (c as u32)
                .checked_sub(STAND_IN)
                .filter(|b| *b < 0x80)
                .and_then(char::from_u32)
        };
        if !text.chars().any(|c| stand_in(c).is_some()) {
            return text;
        }
        let mut out = String::with_capacity(text.len());
        let mut pair = String::new();
        for c in text.chars() {
            match stand_in(c) {
                Some(ascii) if style == Style::DoubleQuoted => {
                    pair.push(ascii);
                    if pair.len() == PAIR_LEN {
                        match decode_pair(&pair) {
                            Some(decoded) => out.push(decoded),
                            None => out.push_str(&pair),
                        }
                        pair.clear();
                    }
                }
                Some(ascii) => out.push(ascii),
                None => out.push(c),
            }
        }
        out.push_str(&pair);
        out
    }
}

fn memchr_backslash_u(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes, b"\\u")
}

/// `\uD83D\uDE00` -> '😀': a high and a low surrogate escape, and nothing else.
fn decode_pair(text: &str) -> Option<char> {
    let unit = |s: &str| -> Option<u32> {
        let hex = s.strip_prefix("\\u")?;
        (hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
    };
    let high = unit(text.get(..6)?)?;
    let low = unit(text.get(6..)?)?;
    if !(0xD800..0xDC00).contains(&high) || !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
}
