//! One file's bytes -> a [`Card`] and what was wrong with it.
//!
//! Lenient per field: a field of the wrong type becomes a warning and is left empty, and the card
//! still loads; a key nobody reads is ignored whatever its value. Only a file that is not a card
//! at all (not text, no front matter, not YAML, not a mapping, or built to make the YAML parser
//! work without end) is an error, and it is skipped.
//!
//! This module finds the front matter and turns what went wrong into diagnostics with line and
//! column; `fields` reads the typed fields out of it.

mod fields;

use std::path::Path;

use super::card::{Card, CardPath};
use super::diagnostic::{Diagnostic, FileProblem, Severity, Subject};
use super::id;
use super::intern::Interner;
use super::links::CardKeys;
use super::url::link_key;
use super::yaml::{self, Offset, Value};
use fields::{Fields, kind_name};

/// Files larger than this are skipped unless the caller says otherwise.
pub(crate) const DEFAULT_SIZE_CAP: u64 = 1 << 20;

/// The version of what parsing makes of a file. The on-disk cache keeps parse results, and
/// throws them all away when this differs from the one they were made by: bump it with any
/// change to parsing that changes a card, an id or a diagnostic for the same bytes (a field
/// read differently, a new field, a message reworded, a line counted otherwise).
pub const PARSER_VERSION: u32 = 1;

/// What parsing one file gave: the card, unless the file was skipped, and its diagnostics.
#[derive(Debug, Default)]
pub struct Parsed {
    pub card: Option<Card>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a problem is, 1-based, in the whole file; columns count characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos {
    line: usize,
    column: usize,
}

const START: Pos = Pos { line: 1, column: 1 };

/// Parses one card file. `path` is what diagnostics name, and the card shares it (a loaded
/// file's path is its walk entry's); `relative_path` is the path below the folder it was loaded
/// from, used for the id of a card that has neither a content id in its file name nor a URL.
pub fn parse_card(
    bytes: &[u8],
    path: &CardPath,
    relative_path: &Path,
    interner: &Interner,
) -> Parsed {
    let mut parsed = Parsed::default();
    let diagnostic = |pos: Pos, severity, message: String| Diagnostic {
        path: path.to_path_buf(),
        line: pos.line,
        column: pos.column,
        severity,
        message,
        subject: Subject::File,
    };
    let text = match decode(bytes) {
        Ok(text) => text,
        Err((problem, pos)) => {
            parsed
                .diagnostics
                .push(diagnostic(pos, Severity::Error, problem.to_string()));
            return parsed;
        }
    };
    let yaml_file = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let split = match split_front_matter(text, yaml_file) {
        Ok(split) => split,
        Err((problem, pos)) => {
            parsed
                .diagnostics
                .push(diagnostic(pos, Severity::Error, problem.to_string()));
            return parsed;
        }
    };
    if !split.closed {
        parsed.diagnostics.push(diagnostic(
            START,
            Severity::Warning,
            "front matter opened here is never closed by a `---` line; read it to the end of the file"
                .into(),
        ));
    }
    // Offsets in the front matter -> positions in the file, for offsets in ascending order.
    let to_file = |offsets: &[Offset]| -> Vec<Pos> {
        line_columns(split.front, offsets)
            .into_iter()
            .map(|pos| Pos {
                line: split.first_line + pos.line - 1,
                column: pos.column,
            })
            .collect()
    };
    let at = |offset: Offset| to_file(&[offset]).pop().unwrap_or(START);
    let doc = match yaml::read(split.front) {
        Ok(doc) => doc,
        Err((problem, offset)) => {
            parsed
                .diagnostics
                .push(diagnostic(at(offset), Severity::Error, problem.to_string()));
            return parsed;
        }
    };
    let entries = match doc.root.map(|id| (id, &doc.node(id).value)) {
        Some((_, Value::Mapping(entries))) => entries.as_slice(),
        other => {
            let (what, pos) = match other {
                Some((id, _)) => (kind_name(&doc, id), at(doc.node(id).offset)),
                None => ("empty", at(0)),
            };
            let problem = FileProblem::NotMapping(what);
            parsed
                .diagnostics
                .push(diagnostic(pos, Severity::Error, problem.to_string()));
            return parsed;
        }
    };

    let mut fields = Fields::new(&doc, interner);
    let body = split
        .body
        .map(|b| b.trim_matches(|c: char| c == '\n' || c == '\r' || c.is_whitespace()))
        .filter(|b| !b.is_empty())
        .map(Box::from);
    let mut card = fields.card(entries, body);
    let canonical = card.urls.preferred().and_then(|(_, u)| link_key(&u));
    card.id = id::card_id(path, canonical.as_deref(), relative_path);
    card.path = path.clone();

    // In file order, as a person reads the file, whatever order the fields are read in.
    fields.warnings.sort_by_key(|(offset, _)| *offset);
    let offsets: Vec<Offset> = fields.warnings.iter().map(|(offset, _)| *offset).collect();
    for (pos, (_, message)) in to_file(&offsets).into_iter().zip(fields.warnings) {
        parsed
            .diagnostics
            .push(diagnostic(pos, Severity::Warning, message));
    }
    // Normalising URLs is the costly part of linking: done here, on the loader's cores, and
    // kept in the cache with the card.
    card.link_keys = Some(CardKeys::of(&card));
    parsed.card = Some(card);
    parsed
}

/// The text of a file, or why it is not text a card can be.
fn decode(bytes: &[u8]) -> Result<&str, (FileProblem, Pos)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err((FileProblem::Empty, START));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((FileProblem::Utf16, START));
    }
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        if looks_like_utf16(bytes) {
            return Err((FileProblem::Utf16, START));
        }
        return Err((FileProblem::Binary, position_of(bytes, nul)));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(err) => {
            let byte = bytes.get(err.valid_up_to()).copied().unwrap_or(0);
            let pos = position_of(bytes, err.valid_up_to());
            Err((FileProblem::InvalidUtf8 { byte }, pos))
        }
    }
}

/// UTF-16 without a byte-order mark: text mostly from ASCII shows as one NUL in every other
/// byte and none between. A run of NULs, or NULs scattered through text, is something else.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64) & !1];
    let half = sample.len() / 2;
    if half < 2 {
        return false;
    }
    let nuls_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (nuls_at(0), nuls_at(1));
    (odd * 4 >= half * 3 && even == 0) || (even * 4 >= half * 3 && odd == 0)
}

/// Line and column (in characters) of byte `offset`, which starts a character or is past the
/// valid UTF-8 before it.
fn position_of(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Pos { line, column }
}

/// Line and column of each offset into `text`, which must come in ascending order: lines break
/// at `\n` only, as editors and `grep -n` count them. One pass over the text, however many
/// offsets there are.
fn line_columns(text: &str, offsets: &[Offset]) -> Vec<Pos> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(offsets.len());
    let mut pos = START;
    let mut at = 0;
    for &offset in offsets {
        let offset = offset.min(bytes.len());
        for &b in &bytes[at.min(offset)..offset] {
            if b == b'\n' {
                pos = Pos {
                    line: pos.line + 1,
                    column: 1,
                };
            } else if b & 0xC0 != 0x80 {
                // The first byte of a character.
                pos.column += 1;
            }
        }
        at = at.max(offset);
        out.push(pos);
    }
    out
}

struct Split<'a> {
    front: &'a str,
    /// File line number of the first line of `front`.
    first_line: usize,
    body: Option<&'a str>,
    closed: bool,
}

/// `---` alone on its line, or followed by blanks and a comment, as YAML allows.
fn is_fence(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| {
        let rest = rest.trim_end();
        rest.is_empty() || (rest.starts_with([' ', '\t']) && rest.trim_start().starts_with('#'))
    })
}

fn split_front_matter(text: &str, yaml_file: bool) -> Result<Split<'_>, (FileProblem, Pos)> {
    let mut offset = 0;
    let mut line_no = 0;
    let mut lines = text.split_inclusive('\n');
    // Blank lines before the opening fence are tolerated, like trailing whitespace.
    let opening = loop {
        let Some(line) = lines.next() else {
            return Err((FileProblem::Empty, START));
        };
        line_no += 1;
        offset += line.len();
        if !line.trim().is_empty() {
            break line;
        }
    };
    if !is_fence(opening) {
        if yaml_file {
            // A plain YAML file is a card without fences.
            let start = offset - opening.len();
            return Ok(Split {
                front: &text[start..],
                first_line: line_no,
                body: None,
                closed: true,
            });
        }
        return Err((
            FileProblem::NoFrontMatter,
            Pos {
                line: line_no,
                column: 1,
            },
        ));
    }
    let front_start = offset;
    let first_line = line_no + 1;
    for line in lines {
        if is_fence(line) || line.trim_end() == "..." {
            return Ok(Split {
                front: &text[front_start..offset],
                first_line,
                body: Some(&text[offset + line.len()..]),
                closed: true,
            });
        }
        offset += line.len();
    }
    Ok(Split {
        front: &text[front_start..],
        first_line,
        body: None,
        closed: false,
    })
}
