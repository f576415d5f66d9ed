//! The detail of a card: every field, labelled, wrapped to a width. The reader's detail pane
//! draws these rows, `update` counts them to keep the scroll in range, and `tidings show`
//! prints them.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::time::{format_time, relative};
use super::{Role, Row, markdown, thousands};
use crate::corpus::url::may_open;
use crate::corpus::{Card, ExtrasRead, Image, Related, Urls};
use crate::search::engine::Tier;
use crate::search::highlight;
use crate::search::index::Place;
use crate::search::syntax::Query;
use crate::text;

/// Labels take this many columns, values the rest.
const LABEL_W: usize = 10;
/// Below this width labels sit on their own line, above their value.
const STACK_BELOW: usize = 30;
const MISSING: &str = "—";
const OPENS: &str = "→ o opens";

/// What the detail text depends on besides the card and the width.
#[derive(Clone, Debug)]
pub struct Look {
    /// Ages are relative to this.
    pub now: Timestamp,
    /// Times are shown in this zone.
    pub zone: TimeZone,
    /// Mark the URL `o` opens; off while `o` means the related pane's entry instead, and
    /// where there is no `o` at all (`tidings show`).
    pub mark_opens: bool,
    /// The filter in force, whose matches are lit, and how the card matched it.
    pub lit: Option<(Query, Tier)>,
}

impl Look {
    /// Chars of a shown (clean) `text` of `place` to light.
    fn lit(&self, place: Place, text: &str) -> Vec<usize> {
        match &self.lit {
            Some((query, tier)) => highlight::lit(query, place, text, *tier),
            None => Vec::new(),
        }
    }
}

/// The whole detail of `card` at `width` columns, one row per screen row, with its `extras`
/// (or why they could not be read).
pub fn rows(card: &Card, extras: &ExtrasRead, width: usize, look: &Look) -> Vec<Row> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut b = Builder {
        out: &mut out,
        width,
    };

    // The matches are lit in what is shown, row by row: a phrase broken across rows is not.
    for row in text::wrap(&text::clean_line(card.display_title()), width) {
        b.out
            .push(Row::lit(&row, Role::Strong, &look.lit(Place::Title, &row)));
    }
    b.out.push(Row::blank());

    b.field_lit(
        "provider",
        &pair(card.provider_name(), card.provider_domain()),
        &[Place::Provider, Place::Domain],
        look,
    );
    b.field(
        "category",
        &pair(card.category.as_deref(), card.kind.as_deref()),
    );
    b.field("date", &date(card.published_date_time, look));
    b.field("quality", &quality(card.quality));
    let heat = match card.heat {
        Some(h) if h >= 0 => h.to_string(),
        Some(_) => "unknown".to_string(),
        None => MISSING.to_string(),
    };
    b.field("heat", &heat);
    let published = match card.published {
        Some(true) => "yes",
        Some(false) => "no",
        None => MISSING,
    };
    b.field("published", published);
    let topics = text::clean_items(card.topics.iter().map(|t| &**t));
    let topics = if topics.is_empty() {
        MISSING.to_string()
    } else {
        topics.join(", ")
    };
    b.field_lit("topics", &topics, &[Place::Topic], look);

    b.excerpt(card.excerpt().as_deref(), look);

    b.out.push(Row::blank());
    b.urls(&card.urls, look.mark_opens);
    match extras {
        Ok(extras) => {
            for image in extras.images.iter() {
                b.image(image);
            }
        }
        Err(why) => b.field_as(
            "images",
            &format!("unknown: {}", text::clean_line(why)),
            Role::Dim,
        ),
    }
    let secured = match card.secured {
        Some(s) => format!("present, {} bytes", thousands(s.length)),
        None => "absent".to_string(),
    };
    b.field("secured", &secured);
    b.field_as("id", &card.id.to_string(), Role::Dim);
    b.field_as(
        "file",
        &text::clean_line(&card.path.display().to_string()),
        Role::Dim,
    );

    if let Some(body) = card.body() {
        let body = markdown::rows(&body, width);
        if !body.is_empty() {
            // The body comes last: a long one must not push the links and ids out of reach.
            b.out.push(Row::blank());
            b.out.push(Row::new(
                text::truncate("── body ──", width).into_owned(),
                Role::Dim,
            ));
            b.out.extend(body);
        }
    }
    out
}

/// The detail of a related entry that names no card of the corpus, at `width` columns: what
/// the card says of it (title, provider, date, excerpt, URL), so it can be judged before it is
/// opened. `o` opens its URL (the related pane has the focus), so that one is marked.
pub fn entry_rows(entry: &Related, width: usize, look: &Look) -> Vec<Row> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut b = Builder {
        out: &mut out,
        width,
    };
    let title = entry
        .title
        .as_deref()
        .map(text::clean_line)
        .filter(|t| !t.is_empty());
    let title = title.as_deref().unwrap_or("(untitled)");
    for row in text::wrap(title, width) {
        b.out.push(Row::new(row, Role::Strong));
    }
    b.out.push(Row::new(
        text::truncate("not among the cards loaded", width).into_owned(),
        Role::Dim,
    ));
    b.out.push(Row::blank());
    let provider = entry.provider.as_ref();
    b.field(
        "provider",
        &pair(
            provider.and_then(|p| p.name.as_deref()),
            provider.and_then(|p| p.domain.as_deref()),
        ),
    );
    b.field("type", &pair(entry.kind.as_deref(), None));
    b.field("date", &date(entry.published_date_time, look));
    b.field("quality", &quality(entry.quality));
    b.excerpt(entry.excerpt.as_deref(), look);
    b.out.push(Row::blank());
    b.urls(&entry.urls, look.mark_opens);
    for image in entry.images.iter() {
        b.image(image);
    }
    out
}

fn date(t: Option<Timestamp>, look: &Look) -> String {
    t.map_or_else(
        || MISSING.to_string(),
        |t| format!("{} ({})", format_time(t, &look.zone), relative(look.now, t)),
    )
}

fn quality(q: Option<i64>) -> String {
    q.map_or_else(|| MISSING.to_string(), |q| q.to_string())
}

/// `a · b`, either alone, or the missing mark; each part through the gate.
fn pair(a: Option<&str>, b: Option<&str>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{} · {}", text::clean_line(a), text::clean_line(b)),
        (Some(one), None) | (None, Some(one)) => text::clean_line(one).into_owned(),
        (None, None) => MISSING.to_string(),
    }
}

/// Appends labelled rows to the detail.
struct Builder<'a> {
    out: &'a mut Vec<Row>,
    width: usize,
}

impl Builder<'_> {
    fn stacked(&self) -> bool {
        self.width < STACK_BELOW
    }

    fn value_width(&self) -> usize {
        if self.stacked() {
            self.width
        } else {
            self.width - LABEL_W
        }
    }

    fn label(&self, label: &str, first: bool) -> Row {
        let shown = if first { label } else { "" };
        Row::new(text::pad_to(shown, LABEL_W), Role::Dim)
    }

    /// `label  value`, the value (already clean) wrapped under itself.
    fn field(&mut self, label: &str, value: &str) {
        self.field_as(label, value, Role::Plain);
    }

    /// [`Builder::field`] with what the filter matched in it lit, as a text of `places`.
    fn field_lit(&mut self, label: &str, value: &str, places: &[Place], look: &Look) {
        let rows = text::wrap(value, self.value_width());
        let lit: Vec<Row> = rows
            .iter()
            .map(|r| {
                let mut chars: Vec<usize> = places.iter().flat_map(|p| look.lit(*p, r)).collect();
                chars.sort_unstable();
                chars.dedup();
                Row::lit(r, Role::Plain, &chars)
            })
            .collect();
        self.push_lit_rows(label, lit);
    }

    fn push_lit_rows(&mut self, label: &str, rows: Vec<Row>) {
        if self.stacked() {
            self.out.push(Row::new(
                text::truncate(label, self.width).into_owned(),
                Role::Dim,
            ));
            self.out.extend(rows);
            return;
        }
        if rows.is_empty() {
            self.out.push(self.label(label, true));
        }
        for (i, value) in rows.into_iter().enumerate() {
            let mut row = self.label(label, i == 0);
            row.0.extend(value.0);
            self.out.push(row);
        }
    }

    fn field_as(&mut self, label: &str, value: &str, role: Role) {
        let rows = text::wrap(value, self.value_width());
        self.push_rows(label, rows, role);
    }

    fn push_rows(&mut self, label: &str, rows: Vec<String>, role: Role) {
        self.push_lit_rows(label, rows.into_iter().map(|r| Row::new(r, role)).collect());
    }

    /// The excerpt under a blank row, the filter's matches lit; nothing when there is none.
    fn excerpt(&mut self, excerpt: Option<&str>, look: &Look) {
        let Some(excerpt) = excerpt.map(text::clean_block).filter(|e| !e.is_empty()) else {
            return;
        };
        self.out.push(Row::blank());
        for row in text::wrap(&excerpt, self.width) {
            self.out
                .push(Row::lit(&row, Role::Plain, &look.lit(Place::Excerpt, &row)));
        }
    }

    /// Every URL, labelled by kind; the one `o` opens marked when `mark_opens`.
    fn urls(&mut self, urls: &Urls, mark_opens: bool) {
        // Only a URL `o` would really open gets the mark.
        let preferred = urls
            .preferred()
            .filter(|(_, url)| mark_opens && may_open(url).is_ok())
            .map(|(kind, _)| kind);
        let mut any_url = false;
        for (kind, url) in urls.iter() {
            any_url = true;
            self.url(kind.label(), &url, Some(kind) == preferred);
        }
        if !any_url {
            self.field("url", MISSING);
        }
    }

    /// A URL, broken anywhere since it has no spaces worth keeping, with the mark of the one `o`
    /// opens after it, or on a row of its own when it does not fit.
    fn url(&mut self, label: &str, url: &str, opens: bool) {
        let url = text::clean_line(url);
        let url = if url.is_empty() { MISSING.into() } else { url };
        let value_w = self.value_width();
        let rows = text::wrap(&url, value_w);
        let role = if opens { Role::Link } else { Role::Plain };
        let last = rows.last().map_or(0, |r| text::width(r));
        self.push_rows(label, rows, role);
        if !opens {
            return;
        }
        let fits = last + 1 + text::width(OPENS) <= value_w;
        match self.out.last_mut() {
            Some(row) if fits => {
                row.push(" ", Role::Plain);
                row.push(OPENS, Role::LinkMark);
            }
            _ => {
                let indent = if self.stacked() { 0 } else { LABEL_W };
                let mut row = Row::plain(" ".repeat(indent));
                row.push(text::truncate(OPENS, value_w).into_owned(), Role::LinkMark);
                self.out.push(row);
            }
        }
    }

    fn image(&mut self, image: &Image) {
        let size = match (image.width, image.height) {
            (Some(w), Some(h)) => format!("{w}×{h}"),
            (Some(w), None) => format!("{w}×?"),
            (None, Some(h)) => format!("?×{h}"),
            (None, None) => "size unknown".to_string(),
        };
        let cached = match image.is_cached {
            Some(true) => " cached",
            Some(false) => " not cached",
            None => "",
        };
        self.field("image", &format!("{size}{cached}"));
        if let Some(url) = image.url.as_deref() {
            let url = text::clean_line(url);
            if !url.is_empty() {
                let rows = text::wrap(&url, self.value_width());
                if self.stacked() {
                    self.out
                        .extend(rows.into_iter().map(|r| Row::new(r, Role::Dim)));
                } else {
                    self.push_rows("", rows, Role::Dim);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(url: &str, mark_opens: bool) -> usize {
        let card = Card {
            urls: Urls::new(Some(url.into()), None, None, None),
            ..Card::default()
        };
        let look = Look {
            now: Timestamp::UNIX_EPOCH,
            zone: TimeZone::UTC,
            mark_opens,
            lit: None,
        };
        rows(&card, &Ok(Default::default()), 80, &look)
            .iter()
            .flat_map(|row| &row.0)
            .filter(|s| s.role == Role::LinkMark)
            .count()
    }

    #[test]
    fn only_a_url_o_would_open_is_marked() {
        assert_eq!(marks("https://a.example/x", true), 1);
        assert_eq!(marks("https://a.example/x", false), 0);
        for refused in [
            "javascript:alert(1)",
            "--help",
            "https://a.example/\u{200b}x",
        ] {
            assert_eq!(marks(refused, true), 0, "{refused}");
        }
    }
}
