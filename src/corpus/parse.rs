//! One file's bytes -> a [`Card`] and what was wrong with it.
//!
//! Lenient per field: a field of the wrong type becomes a warning and is left empty, and the card
//! still loads. Only a file that is not a card at all (not text, no front matter, not YAML, not a
//! mapping, or built to make the YAML parser hang) is an error, and it is skipped.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::{Mapping, Value};

use super::card::{Card, Image, Provider, Related, Secured, Urls};
use super::diagnostic::{Diagnostic, FileProblem, Severity};
use super::id;
use super::intern::Interner;
use super::url::link_key;

/// libyaml's parser is quadratic in flow-collection depth; cards never nest more than 2 deep.
pub const MAX_FLOW_DEPTH: usize = 64;
/// Cards use no aliases at all; a few are tolerated, an alias bomb is not.
pub const MAX_ALIASES: usize = 64;
/// Files larger than this are skipped unless the caller says otherwise.
pub const DEFAULT_SIZE_CAP: u64 = 1 << 20;

/// What parsing one file gave: the card, unless the file was skipped, and its diagnostics.
#[derive(Debug, Default)]
pub struct Parsed {
    pub card: Option<Card>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a problem is, 1-based, in the whole file.
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
    let to_file = |line: usize, column: usize| Pos {
        line: split.first_line + line.saturating_sub(1),
        column: column.max(1),
    };
    if let Err((problem, line, column)) = guard(split.front) {
        parsed.diagnostics.push(diagnostic(
            to_file(line, column),
            Severity::Error,
            problem.to_string(),
        ));
        return parsed;
    }
    let value: Value = match serde_yaml::from_str(split.front) {
        Ok(value) => value,
        Err(err) => {
            let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
            // For a duplicate key the parser points at the start of the mapping; the person
            // fixing the file wants the second occurrence of the key.
            let (line, column) =
                duplicate_key_position(split.front, &err, line, column).unwrap_or((line, column));
            let pos = to_file(line, column);
            let message = FileProblem::Yaml(yaml_message(&err)).to_string();
            parsed
                .diagnostics
                .push(diagnostic(pos, Severity::Error, message));
            return parsed;
        }
    };
    let mapping = match strip_tags(&value) {
        Value::Mapping(m) => m,
        other => {
            let problem = FileProblem::NotMapping(kind_name(other));
            parsed.diagnostics.push(diagnostic(
                to_file(1, 1),
                Severity::Error,
                problem.to_string(),
            ));
            return parsed;
        }
    };

    let mut fields = Fields {
        interner,
        warnings: Vec::new(),
    };
    let mut card = fields.card(mapping);
    card.body = split
        .body
        .map(|b| b.trim_matches(|c: char| c == '\n' || c == '\r' || c.is_whitespace()))
        .filter(|b| !b.is_empty())
        .map(Box::from);
    let canonical = card.urls.preferred().and_then(|(_, u)| link_key(u));
    card.id = id::card_id(path, canonical.as_deref(), relative_path);
    card.path = path.to_path_buf();

    for (field_path, message) in fields.warnings {
        let pos = locate(split.front, &field_path).map_or(to_file(1, 1), |(l, c)| to_file(l, c));
        let message = format!("{}: {message}", display_path(&field_path));
        parsed
            .diagnostics
            .push(diagnostic(pos, Severity::Warning, message));
    }
    parsed.card = Some(card);
    parsed
}

/// serde_yaml's message carries its own " at line L column C" for the front matter alone;
/// the diagnostic already says where in the whole file, so drop it.
fn yaml_message(err: &serde_yaml::Error) -> String {
    let message = err.to_string();
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// Where the repeated key of a "duplicate entry" error is: the second line, at the mapping's
/// indentation from the mapping's start on, that holds `key:`.
fn duplicate_key_position(
    front: &str,
    err: &serde_yaml::Error,
    line: usize,
    column: usize,
) -> Option<(usize, usize)> {
    let message = err.to_string();
    let key = message
        .strip_prefix("duplicate entry with key \"")?
        .split('"')
        .next()?;
    let indent = column.saturating_sub(1);
    let wanted = [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ];
    front
        .lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .filter(|(_, text)| {
            let rest = text.get(indent..).unwrap_or("");
            text.len() - text.trim_start().len() == indent
                && wanted.iter().any(|w| rest.starts_with(w.as_str()))
        })
        .nth(1)
        .map(|(n, _)| (n + 1, column))
}

fn decode(bytes: &[u8]) -> Result<&str, (FileProblem, Pos)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err((FileProblem::Empty, START));
    }
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    // Without a BOM, UTF-16 text shows as ASCII interleaved with NUL bytes.
    let utf16_nuls = bytes.len() >= 4 && bytes.iter().take(64).filter(|b| **b == 0).count() >= 8;
    if utf16_bom || utf16_nuls {
        return Err((FileProblem::Utf16, START));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(err) => {
            let good = &bytes[..err.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            let byte = bytes.get(err.valid_up_to()).copied().unwrap_or(0);
            Err((FileProblem::InvalidUtf8 { byte }, Pos { line, column }))
        }
    }
}

struct Split<'a> {
    front: &'a str,
    /// File line number of the first line of `front`.
    first_line: usize,
    body: Option<&'a str>,
    closed: bool,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
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

/// Rejects, in one linear pass, what would make the YAML parser take seconds or expand without
/// bound: deeply nested flow collections and alias bombs. Returns the problem with a 1-based
/// line and column within `front`.
fn guard(front: &str) -> Result<(), (FileProblem, usize, usize)> {
    let mut depth = 0usize;
    let mut aliases = 0usize;
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let (mut line, mut column) = (1usize, 0usize);
    let mut chars = front.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
        }
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
                column += 1;
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                // A quote only opens a scalar at the start of a token, not inside "don't".
                let token_start =
                    matches!(previous, ' ' | '\t' | '\n' | ':' | '[' | '{' | ',' | '-');
                match c {
                    '"' | '\'' if token_start => quote = Some(c),
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_FLOW_DEPTH {
                            return Err((FileProblem::TooDeep(depth), line, column));
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    '*' if token_start => {
                        aliases += 1;
                        if aliases > MAX_ALIASES {
                            return Err((FileProblem::TooManyAliases(aliases), line, column));
                        }
                    }
                    '#' if matches!(previous, ' ' | '\t' | '\n') => {
                        // A comment: skip to the end of the line.
                        for c in chars.by_ref() {
                            if c == '\n' {
                                line += 1;
                                column = 0;
                                break;
                            }
                        }
                        previous = '\n';
                        continue;
                    }
                    _ => {}
                }
            }
        }
        previous = c;
    }
    Ok(())
}

fn strip_tags(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => strip_tags(&tagged.value),
        other => other,
    }
}

fn kind_name(value: &Value) -> &'static str {
    match strip_tags(value) {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// How a wrong value is described in a warning: its kind, and for scalars the value itself.
fn describe(value: &Value) -> String {
    const MAX: usize = 40;
    match strip_tags(value) {
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() > MAX => {
            format!("string \"{}...\"", s.chars().take(MAX).collect::<String>())
        }
        Value::String(s) => format!("string \"{s}\""),
        other => kind_name(other).to_string(),
    }
}

/// One step of the path to a field, for messages and for finding its position.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(&'static str),
    Index(usize),
}

fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Reads typed fields out of a YAML mapping, collecting a warning for each one that is there
/// but of the wrong type.
struct Fields<'a> {
    interner: &'a Interner,
    warnings: Vec<(Vec<Step>, String)>,
}

fn child(path: &[Step], step: Step) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(step);
    p
}

impl Fields<'_> {
    fn warn(&mut self, path: Vec<Step>, expected: &str, found: &Value) {
        let message = format!("expected {expected}, found {}", describe(found));
        self.warnings.push((path, message));
    }

    /// A scalar as text. Numbers and booleans are text too: `title: 2024` is a fine title.
    fn text<'v>(&mut self, value: &'v Value, path: Vec<Step>) -> Option<std::borrow::Cow<'v, str>> {
        match strip_tags(value) {
            Value::Null => None,
            Value::String(s) => Some(s.as_str().into()),
            Value::Number(n) => Some(n.to_string().into()),
            Value::Bool(b) => Some(b.to_string().into()),
            other => {
                self.warn(path, "a string", other);
                None
            }
        }
    }

    fn string(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<Box<str>> {
        let value = map.get(key)?;
        self.text(value, child(path, Step::Key(key)))
            .map(|t| Box::from(t.as_ref()))
    }

    fn shared(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<Arc<str>> {
        let value = map.get(key)?;
        let interner = self.interner;
        self.text(value, child(path, Step::Key(key)))
            .map(|t| interner.intern(&t))
    }

    fn url(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<Arc<str>> {
        let value = map.get(key)?;
        self.text(value, child(path, Step::Key(key)))
            .map(|t| Arc::from(t.trim()))
    }

    fn integer(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<i64> {
        let value = map.get(key)?;
        let parsed = match strip_tags(value) {
            Value::Null => return None,
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.warn(child(path, Step::Key(key)), "an integer", value);
        }
        parsed
    }

    fn dimension(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<u32> {
        let n = self.integer(map, key, path)?;
        let fits = u32::try_from(n).ok();
        if fits.is_none() {
            self.warnings.push((
                child(path, Step::Key(key)),
                format!("expected a size in pixels, found {n}"),
            ));
        }
        fits
    }

    fn boolean(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<bool> {
        let value = map.get(key)?;
        let parsed = match strip_tags(value) {
            Value::Null => return None,
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" => Some(true),
                "false" | "no" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            self.warn(child(path, Step::Key(key)), "true or false", value);
        }
        parsed
    }

    fn time(&mut self, map: &Mapping, key: &'static str, path: &[Step]) -> Option<Timestamp> {
        let value = map.get(key)?;
        let parsed = match strip_tags(value) {
            Value::Null => return None,
            Value::String(s) => parse_time(s.trim()),
            _ => None,
        };
        if parsed.is_none() {
            self.warn(
                child(path, Step::Key(key)),
                "an RFC 3339 time like 2024-03-08T00:00:00Z",
                value,
            );
        }
        parsed
    }

    /// The items of a list field. A single value where a list belongs is a list of one, so
    /// `topics: AI` is one topic.
    fn list<'v>(&mut self, map: &'v Mapping, key: &'static str) -> Vec<(usize, &'v Value)> {
        match map.get(key).map(strip_tags) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => items.iter().enumerate().collect(),
            Some(single) => vec![(0, single)],
        }
    }

    fn mapping<'v>(&mut self, value: &'v Value, path: Vec<Step>) -> Option<&'v Mapping> {
        match strip_tags(value) {
            Value::Mapping(m) => Some(m),
            Value::Null => None,
            other => {
                self.warn(path, "a mapping", other);
                None
            }
        }
    }

    fn provider(&mut self, map: &Mapping, path: &[Step]) -> Option<Provider> {
        let value = map.get("provider")?;
        let path = child(path, Step::Key("provider"));
        match strip_tags(value) {
            // `provider: Reuters` names the provider; nothing is lost by reading it so.
            Value::String(name) => Some(Provider {
                name: Some(self.interner.intern(name)),
                domain: None,
            }),
            _ => {
                let m = self.mapping(value, path.clone())?;
                Some(Provider {
                    name: self.shared(m, "name", &path),
                    domain: self.shared(m, "domain", &path),
                })
            }
        }
    }

    fn urls(&mut self, map: &Mapping, path: &[Step]) -> Urls {
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

    fn images(&mut self, map: &Mapping, path: &[Step]) -> Box<[Image]> {
        let mut images = Vec::new();
        for (i, value) in self.list(map, "images") {
            let path = child(&child(path, Step::Key("images")), Step::Index(i));
            if let Some(m) = self.mapping(value, path.clone()) {
                images.push(Image {
                    url: self.string(m, "url", &path),
                    width: self.dimension(m, "width", &path),
                    height: self.dimension(m, "height", &path),
                    is_cached: self.boolean(m, "isCached", &path),
                });
            }
        }
        images.into_boxed_slice()
    }

    fn topics(&mut self, map: &Mapping) -> Box<[Arc<str>]> {
        let mut topics = Vec::new();
        for (i, value) in self.list(map, "topics") {
            let path = vec![Step::Key("topics"), Step::Index(i)];
            if let Some(t) = self.text(value, path) {
                let t = t.trim();
                if !t.is_empty() {
                    topics.push(self.interner.intern(t));
                }
            }
        }
        topics.into_boxed_slice()
    }

    fn related(&mut self, map: &Mapping) -> Box<[Related]> {
        let mut related = Vec::new();
        for (i, value) in self.list(map, "related") {
            let path = vec![Step::Key("related"), Step::Index(i)];
            if let Some(m) = self.mapping(value, path.clone()) {
                let mut urls = self.urls(m, &path);
                // A related entry has no originalUrl in the format; ignore one if present.
                urls.original_url = None;
                related.push(Related {
                    title: self.string(m, "title", &path),
                    excerpt: self.string(m, "excerpt", &path),
                    published_date_time: self.time(m, "publishedDateTime", &path),
                    urls,
                    kind: self.shared(m, "type", &path),
                    provider: self.provider(m, &path),
                    quality: self.integer(m, "quality", &path),
                    images: self.images(m, &path),
                });
            }
        }
        related.into_boxed_slice()
    }

    fn secured(&mut self, map: &Mapping) -> Option<Secured> {
        let value = map.get("secured")?;
        match strip_tags(value) {
            Value::Null => None,
            Value::String(s) => Some(Secured { length: s.len() }),
            other => {
                self.warn(vec![Step::Key("secured")], "a string", other);
                None
            }
        }
    }

    fn card(&mut self, map: &Mapping) -> Card {
        let top: &[Step] = &[];
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
pub fn parse_time(s: &str) -> Option<Timestamp> {
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

/// Finds where the value at `path` starts, by parsing again and stopping there. Only files with
/// warnings pay for this, and the position comes from the YAML parser itself, so it is exact for
/// any layout: block, flow, or quoted keys.
fn locate(front: &str, path: &[Step]) -> Option<(usize, usize)> {
    let deserializer = serde_yaml::Deserializer::from_str(front);
    match (Probe { path }).deserialize(deserializer) {
        Ok(()) => None,
        Err(err) => err.location().map(|l| (l.line(), l.column())),
    }
}

/// Walks a YAML document along a path and fails, on purpose, at the value it names: the error
/// carries that value's position.
struct Probe<'p> {
    path: &'p [Step],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the field being located")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom("here"));
        };
        while let Some(key) = map.next_key::<Value>()? {
            match (first, key.as_str()) {
                (Step::Key(want), Some(k)) if k == *want => {
                    map.next_value_seed(Probe { path: rest })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom("here"));
        };
        let mut index = 0;
        loop {
            let found = match first {
                Step::Index(want) if *want == index => {
                    seq.next_element_seed(Probe { path: rest })?
                }
                _ => seq.next_element::<IgnoredAny>()?.map(|_| ()),
            };
            if found.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    // Any scalar: if the path ends here, this is the value being located.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
}

impl Probe<'_> {
    fn scalar<E: de::Error>(self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom("here"))
        } else {
            // A scalar where the path wanted to go deeper: a list of one, like `topics: AI`.
            match self.path.first() {
                Some(Step::Index(0)) if self.path.len() == 1 => Err(E::custom("here")),
                _ => Ok(()),
            }
        }
    }
}
