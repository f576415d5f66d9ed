//! One file's bytes -> a [`Card`] and what was wrong with it.
//!
//! Lenient per field: a field of the wrong type becomes a warning and is left empty, and the card
//! still loads; a key nobody reads is ignored whatever its value. Only a file that is not a card
//! at all (not text, no front matter, not YAML, not a mapping, or built to make the YAML parser
//! work without end) is an error, and it is skipped.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use super::card::{Card, Image, Provider, Related, Secured, Urls};
use super::diagnostic::{Diagnostic, FileProblem, Severity, Subject};
use super::id;
use super::intern::Interner;
use super::url::link_key;
use super::yaml::{self, Document, NodeId, Offset, ScalarKind, Value};

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

/// Parses one card file. `path` is what diagnostics name; `relative_path` is the path below the
/// folder it was loaded from, used for the id of a card that has neither a content id in its
/// file name nor a URL.
pub fn parse_card(bytes: &[u8], path: &Path, relative_path: &Path, interner: &Interner) -> Parsed {
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

    let mut fields = Fields {
        doc: &doc,
        interner,
        warnings: Vec::new(),
    };
    let mut card = fields.card(entries);
    card.body = split
        .body
        .map(|b| b.trim_matches(|c: char| c == '\n' || c == '\r' || c.is_whitespace()))
        .filter(|b| !b.is_empty())
        .map(Box::from);
    let canonical = card.urls.preferred().and_then(|(_, u)| link_key(u));
    card.id = id::card_id(path, canonical.as_deref(), relative_path);
    card.path = path.to_path_buf();

    // In file order, as a person reads the file, whatever order the fields are read in.
    fields.warnings.sort_by_key(|(offset, _)| *offset);
    let offsets: Vec<Offset> = fields.warnings.iter().map(|(offset, _)| *offset).collect();
    for (pos, (_, message)) in to_file(&offsets).into_iter().zip(fields.warnings) {
        parsed
            .diagnostics
            .push(diagnostic(pos, Severity::Warning, message));
    }
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

/// How a node is named in "front matter is X, not a mapping" and in warnings.
fn kind_name(doc: &Document, id: NodeId) -> &'static str {
    match &doc.node(id).value {
        Value::Scalar(s) => match s.kind() {
            ScalarKind::Null => "empty",
            ScalarKind::Bool => "a boolean",
            ScalarKind::Number => "a number",
            ScalarKind::String => "a string",
        },
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
    }
}

/// How a wrong value is described in a warning: its kind, and for scalars the value itself.
fn describe(doc: &Document, id: NodeId) -> String {
    const MAX: usize = 40;
    match &doc.node(id).value {
        Value::Scalar(s) => match s.kind() {
            ScalarKind::Bool => format!("boolean {}", s.text),
            ScalarKind::Number => format!("number {}", s.text),
            ScalarKind::String if s.text.chars().count() > MAX => {
                format!(
                    "string \"{}...\"",
                    s.text.chars().take(MAX).collect::<String>()
                )
            }
            ScalarKind::String => format!("string \"{}\"", s.text),
            ScalarKind::Null => kind_name(doc, id).to_string(),
        },
        _ => kind_name(doc, id).to_string(),
    }
}

/// Where a field is, for messages: `related[0].images[1].width`. Lives on the stack, so reading
/// a field costs no allocation unless it has something to say.
#[derive(Clone, Copy)]
enum FieldPath<'p> {
    Root,
    Key(&'p FieldPath<'p>, &'static str),
    Index(&'p FieldPath<'p>, usize),
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root => Ok(()),
            FieldPath::Key(FieldPath::Root, key) => f.write_str(key),
            FieldPath::Key(parent, key) => write!(f, "{parent}.{key}"),
            FieldPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

type Entries = [(NodeId, NodeId)];

/// A scalar read as an integer, by serde_yaml's reading of YAML numbers (decimal, `0x`, `0o`,
/// `0b`, floats): an integer, or a float with nothing after the point (`39.0`, `1e3`) small
/// enough to be exact. Anything out of range is not an integer.
fn read_integer(text: &str) -> Option<i64> {
    let number: serde_yaml::Number = text.trim().parse().ok()?;
    number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
            .map(|f| f as i64)
    })
}

/// `true`/`false`, and `yes`/`no` as YAML 1.1 and people write them, in any case.
fn read_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("true") || is("yes") {
        Some(true)
    } else if is("false") || is("no") {
        Some(false)
    } else {
        None
    }
}

/// Reads typed fields out of the front matter, collecting a warning, with the position of the
/// value, for each one that is there but of the wrong type.
struct Fields<'a> {
    doc: &'a Document,
    interner: &'a Interner,
    warnings: Vec<(Offset, String)>,
}

impl<'a> Fields<'a> {
    fn warn(&mut self, path: FieldPath<'_>, id: NodeId, expected: &str) {
        let message = format!(
            "{path}: expected {expected}, found {}",
            describe(self.doc, id)
        );
        self.warnings.push((self.doc.node(id).offset, message));
    }

    /// The value of `key`, unless it is missing or null.
    fn get(&self, map: &Entries, key: &str) -> Option<NodeId> {
        let id = self.doc.get(map, key)?;
        match &self.doc.node(id).value {
            Value::Scalar(s) if s.is_null() => None,
            _ => Some(id),
        }
    }

    /// A scalar's text, as written: numbers and booleans are text too (`title: 2024` is a fine
    /// title). A list or mapping is a warning.
    fn text(&mut self, id: NodeId, path: FieldPath<'_>) -> Option<&'a str> {
        let doc = self.doc;
        match &doc.node(id).value {
            Value::Scalar(s) if s.is_null() => None,
            Value::Scalar(s) => Some(&s.text),
            _ => {
                self.warn(path, id, "a string");
                None
            }
        }
    }

    /// A scalar's text read by `read`; a warning naming `expected` when it cannot be.
    fn typed<T>(
        &mut self,
        map: &Entries,
        key: &'static str,
        path: FieldPath<'_>,
        expected: &str,
        read: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let id = self.get(map, key)?;
        let value = match &self.doc.node(id).value {
            Value::Scalar(s) => read(&s.text),
            _ => None,
        };
        if value.is_none() {
            self.warn(FieldPath::Key(&path, key), id, expected);
        }
        value
    }

    fn string(
        &mut self,
        map: &Entries,
        key: &'static str,
        path: FieldPath<'_>,
    ) -> Option<Box<str>> {
        let id = self.get(map, key)?;
        self.text(id, FieldPath::Key(&path, key)).map(Box::from)
    }

    fn shared(
        &mut self,
        map: &Entries,
        key: &'static str,
        path: FieldPath<'_>,
    ) -> Option<Arc<str>> {
        let id = self.get(map, key)?;
        let interner = self.interner;
        self.text(id, FieldPath::Key(&path, key))
            .map(|t| interner.intern(t))
    }

    fn url(&mut self, map: &Entries, key: &'static str, path: FieldPath<'_>) -> Option<Arc<str>> {
        let id = self.get(map, key)?;
        self.text(id, FieldPath::Key(&path, key))
            .map(|t| Arc::from(t.trim()))
    }

    fn integer(&mut self, map: &Entries, key: &'static str, path: FieldPath<'_>) -> Option<i64> {
        self.typed(map, key, path, "an integer", read_integer)
    }

    fn dimension(&mut self, map: &Entries, key: &'static str, path: FieldPath<'_>) -> Option<u32> {
        let n = self.integer(map, key, path)?;
        let fits = u32::try_from(n).ok();
        if fits.is_none()
            && let Some(id) = self.get(map, key)
        {
            let message = format!(
                "{}: expected a size in pixels, found {n}",
                FieldPath::Key(&path, key)
            );
            self.warnings.push((self.doc.node(id).offset, message));
        }
        fits
    }

    fn boolean(&mut self, map: &Entries, key: &'static str, path: FieldPath<'_>) -> Option<bool> {
        self.typed(map, key, path, "true or false", read_bool)
    }

    fn time(&mut self, map: &Entries, key: &'static str, path: FieldPath<'_>) -> Option<Timestamp> {
        self.typed(
            map,
            key,
            path,
            "an RFC 3339 time like 2024-03-08T00:00:00Z",
            |t| parse_time(t.trim()),
        )
    }

    /// The items of a list field. A single value where a list belongs is a list of one, so
    /// `topics: AI` is one topic.
    fn list(&self, map: &Entries, key: &str) -> Vec<NodeId> {
        let Some(id) = self.get(map, key) else {
            return Vec::new();
        };
        match &self.doc.node(id).value {
            Value::Sequence(items) => items.clone(),
            _ => vec![id],
        }
    }

    fn mapping(&mut self, id: NodeId, path: FieldPath<'_>) -> Option<&'a Entries> {
        let doc = self.doc;
        match &doc.node(id).value {
            Value::Mapping(entries) => Some(entries),
            Value::Scalar(s) if s.is_null() => None,
            _ => {
                self.warn(path, id, "a mapping");
                None
            }
        }
    }

    fn provider(&mut self, map: &Entries, path: FieldPath<'_>) -> Option<Provider> {
        let id = self.get(map, "provider")?;
        let path = FieldPath::Key(&path, "provider");
        let doc = self.doc;
        match &doc.node(id).value {
            // `provider: Reuters` names the provider; nothing is lost by reading it so.
            Value::Scalar(name) => Some(Provider {
                name: Some(self.interner.intern(&name.text)),
                domain: None,
            }),
            _ => {
                let m = self.mapping(id, path)?;
                Some(Provider {
                    name: self.shared(m, "name", path),
                    domain: self.shared(m, "domain", path),
                })
            }
        }
    }

    fn urls(&mut self, map: &Entries, path: FieldPath<'_>) -> Urls {
        let web_url = self.url(map, "webUrl", path);
        let original_url = self.url(map, "originalUrl", path);
        // Most cards repeat webUrl as originalUrl: keep one allocation for both.
        let original_url = match (&web_url, original_url) {
            (Some(web), Some(orig)) if *web == orig => Some(Arc::clone(web)),
            (_, orig) => orig,
        };
        Urls {
            web_url,
            original_url,
            amp_web_url: self.url(map, "ampWebUrl", path),
            cdn_amp_web_url: self.url(map, "cdnAmpWebUrl", path),
        }
    }

    fn images(&mut self, map: &Entries, path: FieldPath<'_>) -> Box<[Image]> {
        let mut images = Vec::new();
        let list = FieldPath::Key(&path, "images");
        for (i, id) in self.list(map, "images").into_iter().enumerate() {
            let path = FieldPath::Index(&list, i);
            if let Some(m) = self.mapping(id, path) {
                images.push(Image {
                    url: self.string(m, "url", path),
                    width: self.dimension(m, "width", path),
                    height: self.dimension(m, "height", path),
                    is_cached: self.boolean(m, "isCached", path),
                });
            }
        }
        images.into_boxed_slice()
    }

    fn topics(&mut self, map: &Entries) -> Box<[Arc<str>]> {
        let mut topics = Vec::new();
        let list = FieldPath::Key(&FieldPath::Root, "topics");
        for (i, id) in self.list(map, "topics").into_iter().enumerate() {
            if let Some(t) = self.text(id, FieldPath::Index(&list, i)) {
                let t = t.trim();
                if !t.is_empty() {
                    topics.push(self.interner.intern(t));
                }
            }
        }
        topics.into_boxed_slice()
    }

    fn related(&mut self, map: &Entries) -> Box<[Related]> {
        let mut related = Vec::new();
        let list = FieldPath::Key(&FieldPath::Root, "related");
        for (i, id) in self.list(map, "related").into_iter().enumerate() {
            let path = FieldPath::Index(&list, i);
            if let Some(m) = self.mapping(id, path) {
                let mut urls = self.urls(m, path);
                // A related entry has no originalUrl in the format; ignore one if present.
                urls.original_url = None;
                related.push(Related {
                    title: self.string(m, "title", path),
                    excerpt: self.string(m, "excerpt", path),
                    published_date_time: self.time(m, "publishedDateTime", path),
                    urls,
                    kind: self.shared(m, "type", path),
                    provider: self.provider(m, path),
                    quality: self.integer(m, "quality", path),
                    images: self.images(m, path),
                });
            }
        }
        related.into_boxed_slice()
    }

    fn secured(&mut self, map: &Entries) -> Option<Secured> {
        let id = self.get(map, "secured")?;
        let path = FieldPath::Key(&FieldPath::Root, "secured");
        self.text(id, path).map(|s| Secured { length: s.len() })
    }

    fn card(&mut self, map: &Entries) -> Card {
        let top = FieldPath::Root;
        Card {
            category: self.shared(map, "category", top),
            title: self.string(map, "title", top),
            excerpt: self.string(map, "excerpt", top),
            published_date_time: self.time(map, "publishedDateTime", top),
            urls: self.urls(map, top),
            kind: self.shared(map, "type", top),
            quality: self.integer(map, "quality", top),
            heat: self.integer(map, "heat", top),
            published: self.boolean(map, "published", top),
            provider: self.provider(map, top),
            topics: self.topics(map),
            images: self.images(map, top),
            related: self.related(map),
            secured: self.secured(map),
            ..Card::default()
        }
    }
}

/// RFC 3339, and leniently a time without an offset or a bare date, both read as UTC.
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let utc = jiff::tz::TimeZone::UTC;
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt.to_zoned(utc).ok().map(|z| z.timestamp());
    }
    s.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(utc).ok())
        .map(|z| z.timestamp())
}
