//! What the commands share: the JSON shape of a card (every field of FORMAT.md plus its id,
//! path, resolved links and backlinks), the one JSON writer, safe to print on a terminal, the
//! one way output is delivered and a write error turned into an exit status, and the small
//! helpers human formats need (dates, ages, the URL that opens, CSV and Markdown escaping).

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

use jiff::{Timestamp, tz::TimeZone};
use serde::Serialize;

use super::exit;
use crate::corpus::{
    Card, CardId, CardIx, Corpus, ExtrasRead, Image, Provider, Related, Secured, Urls,
};
use crate::library::state::Marks;
use crate::text;

/// A card with its extras (read again from where they were left) and its links resolved:
/// the related entries' targets and the cards citing it, as indices into the corpus the card
/// is shown against.
pub(crate) struct Resolved<'a> {
    pub card: &'a Card,
    pub extras: ExtrasRead,
    /// One per related entry: the card in the corpus it names, if any.
    pub targets: Vec<Option<CardIx>>,
    /// Cards whose related lists name this card, newest first.
    pub backlinks: Vec<CardIx>,
}

impl<'a> Resolved<'a> {
    /// A card of the corpus, with the links the loader found.
    pub(crate) fn in_corpus(corpus: &'a Corpus, ix: CardIx) -> Option<Resolved<'a>> {
        Resolved::with_extras(corpus, ix, corpus.extras(ix)?)
    }

    /// A card of the corpus with its extras read already (see
    /// [`Corpus::extras_of_many`]).
    pub(crate) fn with_extras(
        corpus: &'a Corpus,
        ix: CardIx,
        extras: ExtrasRead,
    ) -> Option<Resolved<'a>> {
        Some(Resolved {
            card: corpus.get(ix)?,
            extras,
            targets: corpus.targets(ix),
            backlinks: corpus.backlinks(ix),
        })
    }

    /// A card read on its own (`show FILE`), linked against `corpus` the way the loader links:
    /// by normalised URL, in both directions.
    pub(crate) fn standalone(card: &'a Card, corpus: &Corpus) -> Resolved<'a> {
        let extras = crate::corpus::load::extras_of(card);
        let entries = extras.as_deref().map_or(&[][..], |e| &e.related[..]);
        let targets = entries
            .iter()
            .map(|r| corpus.card_named_by(&r.urls))
            .collect();
        Resolved {
            card,
            extras,
            targets,
            backlinks: corpus.citing_urls(&card.urls),
        }
    }

    /// The related entries, none when they could not be read.
    pub(crate) fn related(&self) -> &[Related] {
        self.extras.as_ref().map_or(&[], |e| &e.related)
    }
}

/// One card as JSON: the keys of FORMAT.md, always present (`null` when the card lacks the
/// field), plus `id`, `path`, `backlinks`, the reading state (`read`, `starred`, `firstSeen`:
/// `null` without state) and, from `search`, `score`. Documented in README.md.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardJson<'a> {
    pub id: CardId,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    pub category: Option<&'a str>,
    pub title: Option<&'a str>,
    pub excerpt: Option<Cow<'a, str>>,
    pub published_date_time: Option<String>,
    #[serde(flatten)]
    pub urls: &'a Urls,
    #[serde(rename = "type")]
    pub kind: Option<&'a str>,
    pub quality: Option<i64>,
    pub heat: Option<i64>,
    pub published: Option<bool>,
    pub provider: Option<&'a Provider>,
    pub topics: &'a [Arc<str>],
    /// `null` (with `related`) when the card's file could not be read again.
    pub images: Option<&'a [Image]>,
    pub related: Option<Vec<RelatedJson<'a>>>,
    pub secured: Option<Secured>,
    pub body: Option<Cow<'a, str>>,
    pub backlinks: Vec<CardId>,
    pub read: Option<bool>,
    pub starred: Option<bool>,
    pub first_seen: Option<String>,
}

/// A related entry as JSON: its own fields (the card model's serialisation) plus `id`, the
/// card of the corpus it names or `null` when it points outside.
#[derive(Serialize)]
pub(crate) struct RelatedJson<'a> {
    #[serde(flatten)]
    pub entry: &'a Related,
    pub id: Option<CardId>,
}

impl<'a> CardJson<'a> {
    pub fn new(resolved: &'a Resolved<'a>, corpus: &Corpus, score: Option<i64>) -> CardJson<'a> {
        let card = resolved.card;
        let id_of = |ix: CardIx| corpus.get(ix).map(|c| c.id);
        CardJson {
            id: card.id,
            path: card.path.to_string_lossy().into_owned(),
            score,
            category: card.category.as_deref(),
            title: card.title.as_deref(),
            excerpt: card.excerpt(),
            published_date_time: card.published_date_time.map(|t| t.to_string()),
            urls: &card.urls,
            kind: card.kind.as_deref(),
            quality: card.quality,
            heat: card.heat,
            published: card.published,
            provider: card.provider.as_ref(),
            topics: &card.topics,
            images: resolved.extras.as_ref().ok().map(|e| &e.images[..]),
            related: resolved.extras.as_ref().ok().map(|e| {
                e.related
                    .iter()
                    .enumerate()
                    .map(|(i, entry)| RelatedJson {
                        entry,
                        id: resolved.targets.get(i).copied().flatten().and_then(id_of),
                    })
                    .collect()
            }),
            secured: card.secured,
            body: card.body(),
            backlinks: resolved
                .backlinks
                .iter()
                .filter_map(|ix| id_of(*ix))
                .collect(),
            read: None,
            starred: None,
            first_seen: None,
        }
    }

    /// With the card's reading state from `marks`; without marks (`--no-state`, or state that
    /// could not be read) the fields stay `null`.
    pub fn with_marks(mut self, marks: Option<&Marks>) -> CardJson<'a> {
        if let Some(marks) = marks {
            let state = marks.get(self.id);
            self.read = Some(state.read.on);
            self.starred = Some(state.starred.on);
            self.first_seen = state.first_seen.map(|t| t.to_string());
        }
        self
    }
}

/// Writes `value` as compact JSON: the one JSON writer of every command. Strings stay exact,
/// but besides what JSON requires, every character the text gate stops ([`text::is_gated`]:
/// DEL, C1 controls such as the 8-bit CSI, bidi, zero-width and tag characters...) is written
/// as a `\uXXXX` escape: a JSON decoder gets the same string back, and JSON printed on a
/// terminal cannot drive it or hide text.
pub(crate) fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, TerminalSafe);
    value.serialize(&mut ser).map_err(io::Error::from)
}

struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if text::is_gated(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // Outside the Basic Multilingual Plane (tags, private use planes) JSON spells
                // a character as its UTF-16 surrogate pair.
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// The local calendar date of a timestamp.
pub(crate) fn local_date(t: Timestamp) -> String {
    let zoned = t.to_zoned(TimeZone::system());
    jiff::fmt::strtime::format("%Y-%m-%d", &zoned).unwrap_or_else(|_| t.to_string())
}

/// The URL the reader's `o` would open for these URLs: the preferred one, if it passes the
/// opener's check.
pub(crate) fn opening_url(urls: &Urls) -> Option<Cow<'_, str>> {
    urls.preferred()
        .map(|(_, u)| u)
        .filter(|u| crate::corpus::url::may_open(u).is_ok())
}

/// A CSV field: through the text gate, a leading `=`, `+`, `-` or `@` defused with `'` so a
/// spreadsheet does not run it as a formula, and quoted per RFC 4180 when it needs to be.
pub(crate) fn csv_text(s: &str) -> String {
    let clean = text::clean_line(s);
    let defused = if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean.into_owned()
    };
    csv_quote(&defused)
}

/// Quotes a CSV field when it holds a comma, quote or line break (the gate leaves no line
/// breaks in card text, but a field of ours could still hold a comma).
pub(crate) fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Card text for Markdown: gated, with Markdown's punctuation backslash-escaped so a title can
/// neither break a table row (`|`) nor become a link, emphasis or raw HTML.
pub(crate) fn md_text(s: &str) -> String {
    let clean = text::clean_line(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL as a Markdown link target, or `None` for one that is not a well-formed `http`/`https`
/// URL: such a URL is shown as text, never made clickable.
pub(crate) fn md_url(url: &str) -> Option<String> {
    crate::corpus::url::may_open(url).ok()?;
    let mut out = String::with_capacity(url.len());
    for c in text::clean_line(url).chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '|' => out.push_str("%7C"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    Some(out)
}

/// `[text](url)` when the URL may be linked, else the escaped text alone.
pub(crate) fn md_link(label: &str, url: Option<&str>) -> String {
    match url.and_then(md_url) {
        Some(url) => format!("[{}]({url})", md_text(label)),
        None => md_text(label),
    }
}

/// Writes a command's whole output to `out` through a buffer, then flushes it: the one way
/// every command ends. A closed pipe (`| head`) is not a failure: the reader has all it wanted,
/// so it stays quiet and the command's own status stands. Any other write error (a full disk,
/// `> /dev/full`) means the output is incomplete: a message on `err` and
/// [`exit::OUTPUT_FAILED`] as the `Err`.
pub(crate) fn deliver(
    out: &mut dyn Write,
    err: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), u8> {
    let mut buffered = BufWriter::new(out);
    let written = write(&mut buffered).and_then(|()| buffered.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            let _ = writeln!(err, "tidings: cannot write the output: {e}");
            Err(exit::OUTPUT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_acts_on_and_round_trips() {
        let s = "a\u{1b}[2Jb\u{9b}c\u{202e}d\u{200b}e\u{7f}é€";
        let mut out = Vec::new();
        write_json(&mut out, s).unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert!(!printed.contains(['\u{1b}', '\u{9b}', '\u{202e}', '\u{200b}', '\u{7f}']));
        assert!(printed.contains("é€"));
        let back: String = serde_json::from_str(&printed).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn json_escapes_every_gated_character_beyond_the_first_plane_too() {
        let s = "a\u{e0041}b\u{180e}c\u{3164}d\u{f0000}e👩\u{200d}👧";
        let mut out = Vec::new();
        write_json(&mut out, s).unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert!(printed.contains("a\\udb40\\udc41b\\u180ec\\u3164d\\udb80\\udc00e"));
        assert!(!printed.chars().any(text::is_gated), "{printed}");
        let back: String = serde_json::from_str(&printed).unwrap();
        assert_eq!(back, s);
    }

    /// Fails every write with `kind`, as a full disk or a closed pipe does.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(self.0))
        }
    }

    #[test]
    fn delivery_fails_loudly_except_into_a_closed_pipe() {
        let mut err = Vec::new();
        let full = deliver(&mut Failing(io::ErrorKind::StorageFull), &mut err, |out| {
            out.write_all(b"x")
        });
        assert_eq!(full, Err(exit::OUTPUT_FAILED));
        assert!(String::from_utf8_lossy(&err).starts_with("tidings: cannot write the output: "));

        let mut err = Vec::new();
        let closed = deliver(&mut Failing(io::ErrorKind::BrokenPipe), &mut err, |out| {
            out.write_all(b"x")
        });
        assert_eq!(closed, Ok(()));
        assert!(err.is_empty());

        let mut out = Vec::new();
        assert_eq!(deliver(&mut out, &mut err, |o| o.write_all(b"all")), Ok(()));
        assert_eq!(out, b"all");
    }

    #[test]
    fn csv_fields_are_gated_defused_and_quoted() {
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_text("a, b"), "\"a, b\"");
        assert_eq!(csv_text("plain\u{1b}[31m red"), "plain red");
        assert_eq!(csv_text("-1"), "'-1");
    }

    #[test]
    fn markdown_text_cannot_break_a_table_or_link() {
        assert_eq!(md_text("a | b [c](d)"), "a \\| b \\[c\\](d)");
        assert_eq!(md_link("x", Some("javascript:alert(1)")), "x");
        assert_eq!(
            md_link("x", Some("https://a.example/p(1)")),
            "[x](https://a.example/p%281%29)"
        );
    }
}
