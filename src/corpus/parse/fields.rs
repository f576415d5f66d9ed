//! The typed field readers: front matter nodes -> the fields of a [`Card`], each wrong value a
//! warning naming its path (`related[0].images[1].width`) and what was expected.

use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;

use crate::corpus::card::{Card, Extras, ExtrasAt, Image, Provider, Related, Secured, Urls};
use crate::corpus::intern::Interner;
use crate::corpus::prose::Prose;
use crate::corpus::yaml::{Document, NodeId, Offset, ScalarKind, Value};

/// How a node is named in "front matter is X, not a mapping" and in warnings.
pub(super) fn kind_name(doc: &Document, id: NodeId) -> &'static str {
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
pub(super) struct Fields<'a> {
    doc: &'a Document,
    interner: &'a Interner,
    /// Each warning with the offset of the value it is about, in the order the fields were read.
    pub(super) warnings: Vec<(Offset, String)>,
}

impl<'a> Fields<'a> {
    pub(super) fn new(doc: &'a Document, interner: &'a Interner) -> Self {
        Fields {
            doc,
            interner,
            warnings: Vec::new(),
        }
    }

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
        Urls::new(
            self.url(map, "webUrl", path),
            self.url(map, "originalUrl", path),
            self.url(map, "ampWebUrl", path),
            self.url(map, "cdnAmpWebUrl", path),
        )
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

    /// The card of the front matter `map`, with the `body` found after it.
    pub(super) fn card(&mut self, map: &Entries, body: Option<Box<str>>) -> Card {
        let top = FieldPath::Root;
        Card {
            category: self.shared(map, "category", top),
            title: self.string(map, "title", top),
            prose: Prose::held(self.string(map, "excerpt", top), body),
            published_date_time: self.time(map, "publishedDateTime", top),
            urls: self.urls(map, top),
            kind: self.shared(map, "type", top),
            quality: self.integer(map, "quality", top),
            heat: self.integer(map, "heat", top),
            published: self.boolean(map, "published", top),
            provider: self.provider(map, top),
            topics: self.topics(map),
            extras: ExtrasAt::Held(Arc::new(Extras {
                images: self.images(map, top),
                related: self.related(map),
            })),
            secured: self.secured(map),
            ..Card::default()
        }
    }
}

/// RFC 3339, and leniently a time without an offset or a bare date, both read as UTC.
fn parse_time(s: &str) -> Option<Timestamp> {
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
