//! `tidings show ID|FILE [PATH...]`: one card, every field, as text laid out like the reader's
//! detail pane, as JSON (the same shape as `search`'s), or as Markdown. Exit status: 0 when
//! shown, 1 for an unknown id or a file that is not a card, 2 for a usage error (a malformed or
//! ambiguous id) or output that could not be written.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::output::{self, CardJson, Resolved, deliver};
use super::search::Env;
use super::state::Headless;
use super::{check, exit, load_paths, report_diagnostics};
use crate::cli::{ShowArgs, ShowFormat};
use crate::corpus::id::{IdArg, Resolve, parse_id_arg};
use crate::corpus::intern::Interner;
use crate::corpus::load::{self, Content, FileEntry, LoadOptions};
use crate::corpus::{Card, CardId, CardIx, Corpus, Severity};
use crate::text;
use crate::view::{self, detail, time};

/// Runs `show`, writing the card to `out` and problems to `err`; returns the exit status.
pub fn run(args: &ShowArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_with(args, Env::detect(), Timestamp::now(), out, err)
}

/// [`run`] for a given output environment and clock (ages are relative to `now`).
pub fn run_with(
    args: &ShowArgs,
    env: Env,
    now: Timestamp,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let options: LoadOptions = args.load.into();
    let mut state = Headless::open(&args.state, err);
    let file = Path::new(&args.card);
    let wanted = if file.is_file() {
        Wanted::File(file.to_path_buf())
    } else {
        match parse_id_arg(&args.card) {
            Ok(id) => Wanted::Id(id),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "tidings: {}: neither a card file nor a card id: {e}",
                    text::clean_line(&args.card)
                );
                return exit::USAGE;
            }
        }
    };

    // The corpus links are resolved against: PATHs, else the demo corpus for an id; a file
    // given alone is shown with every link pointing outside.
    let corpus = if matches!(wanted, Wanted::File(_)) && args.paths.is_empty() {
        Corpus::default()
    } else {
        let loaded = state.while_loading(|| load_paths(&args.paths, &options, &args.cache, err));
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(status) => return status,
        };
        if args.verbose {
            report_diagnostics(&loaded, err);
        }
        loaded.corpus
    };

    let standalone;
    let resolved = match &wanted {
        Wanted::Id(arg) => {
            let found = arg.resolve(corpus.ids()).map(|id| {
                corpus
                    .by_id(id)
                    .and_then(|ix| Resolved::in_corpus(&corpus, ix))
            });
            match found {
                Ok(Some(r)) => r,
                Ok(None) | Err(Resolve::NotFound) => {
                    let _ = writeln!(err, "tidings: no card with id {arg}");
                    return exit::FOUND_PROBLEMS;
                }
                Err(Resolve::Ambiguous(ids)) => {
                    let _ = write_ambiguous(arg, &ids, &corpus, err);
                    return exit::USAGE;
                }
            }
        }
        Wanted::File(path) => {
            let parsed = read_card(path, &options);
            let problems = |severity: Severity| {
                parsed
                    .diagnostics
                    .iter()
                    .filter(move |d| d.severity == severity)
            };
            // The file asked for is not a bad file among many: why it is not a card is the
            // answer, so errors show without --verbose.
            for d in problems(Severity::Error) {
                let _ = writeln!(err, "{}", check::diagnostic_line(d));
            }
            if args.verbose {
                for d in problems(Severity::Warning) {
                    let _ = writeln!(err, "{}", check::diagnostic_line(d));
                }
            }
            let Some(card) = parsed.card else {
                let _ = writeln!(
                    err,
                    "tidings: {}: not a card",
                    text::clean_line(&path.to_string_lossy())
                );
                return exit::FOUND_PROBLEMS;
            };
            standalone = card;
            same_card_in(&corpus, &standalone, path)
                .and_then(|ix| Resolved::in_corpus(&corpus, ix))
                .unwrap_or_else(|| Resolved::standalone(&standalone, &corpus))
        }
    };

    state.see_ids(corpus.ids().chain([resolved.card.id]), err);

    // Wrapping is for a screen: in a pipe or a file a URL cut in two no longer greps or
    // copies, so nothing is wrapped there and lines are as long as their text.
    let width = if env.is_terminal {
        env.width.max(20)
    } else {
        UNWRAPPED
    };
    let written = deliver(out, err, |out| match args.format {
        ShowFormat::Json => output::write_json(
            out,
            &CardJson::new(&resolved, &corpus, None).with_marks(state.marks()),
        )
        .and_then(|()| writeln!(out)),
        ShowFormat::Text => out.write_all(render_text(&resolved, &corpus, now, width).as_bytes()),
        ShowFormat::Md => out.write_all(render_md(&resolved, &corpus, now).as_bytes()),
    });
    match written {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}

/// A width no line reaches, yet far enough from `usize::MAX` that the layout's sums of widths
/// cannot overflow.
const UNWRAPPED: usize = usize::MAX / 4;

/// Candidates listed for an ambiguous id prefix; more are only counted.
const CANDIDATES_SHOWN: usize = 10;

enum Wanted {
    Id(IdArg),
    File(PathBuf),
}

/// `tidings: id 9c2f names 2 cards; give more digits:`, then each candidate's id and title.
pub(crate) fn write_ambiguous(
    arg: &IdArg,
    ids: &[CardId],
    corpus: &Corpus,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        err,
        "tidings: id {arg} names {} cards; give more digits:",
        ids.len()
    )?;
    for id in ids.iter().take(CANDIDATES_SHOWN) {
        let title = corpus
            .by_id(*id)
            .and_then(|ix| corpus.get(ix))
            .map(|c| text::truncate(&text::clean_line(c.display_title()), 60).into_owned())
            .unwrap_or_default();
        writeln!(err, "  {id}  {title}")?;
    }
    if ids.len() > CANDIDATES_SHOWN {
        writeln!(err, "  and {} more", ids.len() - CANDIDATES_SHOWN)?;
    }
    Ok(())
}

fn read_card(path: &Path, options: &LoadOptions) -> crate::corpus::parse::Parsed {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let entry = FileEntry {
        path: path.into(),
        relative: path.file_name().map(PathBuf::from).unwrap_or_default(),
        size,
        content: Content::Disk,
    };
    load::load_file(&entry, options, &Interner::default())
}

/// The corpus's own copy of a card read from `path`, when PATHs include that very file: then
/// its links are exactly the loader's.
fn same_card_in(corpus: &Corpus, card: &Card, path: &Path) -> Option<CardIx> {
    let ix = corpus.by_id(card.id)?;
    let there = corpus.get(ix)?;
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    (canonical(&there.path)? == canonical(path)?).then_some(ix)
}

/// Collects the lines of the text rendering; every piece of card text is gated before it is
/// added.
struct Text {
    width: usize,
    out: String,
}

/// Labels take this many columns, values the rest: the detail pane's layout.
const LABEL_W: usize = 10;
const MISSING: &str = "—";

impl Text {
    fn line(&mut self, s: &str) {
        self.out.push_str(s.trim_end());
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Clean text wrapped beside a label (`lead`), continuation rows under the first.
    fn value_width(&self) -> usize {
        self.width.saturating_sub(LABEL_W).max(10)
    }

    fn rows(&mut self, lead: &str, value: &str) {
        let rows = text::wrap(value, self.value_width());
        if rows.is_empty() {
            self.line(lead);
        }
        for (i, row) in rows.iter().enumerate() {
            let head = if i == 0 { lead } else { "" };
            self.line(&format!("{}{row}", text::pad_to(head, LABEL_W)));
        }
    }
}

fn date_with_age(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        Some(t) => format!(
            "{} ({})",
            time::format_time(t, &TimeZone::system()),
            time::relative(now, t)
        ),
        None => MISSING.into(),
    }
}

fn joined(parts: [Option<&str>; 2]) -> String {
    let parts: Vec<String> = parts
        .into_iter()
        .flatten()
        .map(|s| text::clean_line(s).into_owned())
        .collect();
    if parts.is_empty() {
        MISSING.into()
    } else {
        parts.join(" · ")
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => MISSING,
    }
}

fn heat_text(heat: Option<i64>) -> String {
    match heat {
        Some(h) if h >= 0 => h.to_string(),
        Some(_) => "unknown".into(),
        None => MISSING.into(),
    }
}

fn topics_text(card: &Card) -> String {
    let topics = text::clean_items(card.topics.iter().map(|t| &**t));
    if topics.is_empty() {
        MISSING.into()
    } else {
        topics.join(", ")
    }
}

fn secured_text(card: &Card) -> String {
    card.secured.map_or_else(
        || "absent".into(),
        |s| format!("present, {} bytes", view::thousands(s.length)),
    )
}

/// One row of the related pane: an entry of the card's list or a card citing it.
struct RelatedRow<'a> {
    marker: &'static str,
    title: Cow<'a, str>,
    provider: Option<&'a str>,
    time: Option<Timestamp>,
    /// The card in the corpus it stands for.
    id: Option<CardId>,
    url: Option<Cow<'a, str>>,
}

impl RelatedRow<'_> {
    /// Where the row leads: the card's id, or for an outside entry its URL.
    fn place(&self) -> String {
        match (self.id, self.url.as_deref()) {
            (Some(id), _) => format!("id {id}"),
            (None, Some(url)) => text::clean_line(url).into_owned(),
            (None, None) => "no URL".into(),
        }
    }
}

/// The related pane's rows, with its fallbacks: an entry without a title borrows the linked
/// card's, else shows its URL.
fn related_rows<'a>(resolved: &'a Resolved<'a>, corpus: &'a Corpus) -> Vec<RelatedRow<'a>> {
    let mut rows = Vec::new();
    for (i, entry) in resolved.related().iter().enumerate() {
        let linked = resolved
            .targets
            .get(i)
            .copied()
            .flatten()
            .and_then(|ix| corpus.get(ix));
        let url = entry.urls.preferred().map(|(_, u)| u);
        let title = entry
            .title
            .as_deref()
            .filter(|t| !text::clean_line(t).is_empty())
            .or(linked.map(|c| c.display_title()))
            .map(Cow::Borrowed)
            .or_else(|| url.clone())
            .unwrap_or(Cow::Borrowed("(untitled)"));
        rows.push(RelatedRow {
            marker: if linked.is_some() {
                "● in"
            } else {
                "↗ out"
            },
            title,
            provider: entry
                .provider_name()
                .or(linked.and_then(|c| c.provider_name())),
            time: entry
                .published_date_time
                .or(linked.and_then(|c| c.published_date_time)),
            id: linked.map(|c| c.id),
            url,
        });
    }
    for ix in &resolved.backlinks {
        if let Some(c) = corpus.get(*ix) {
            rows.push(RelatedRow {
                marker: "← by",
                title: Cow::Borrowed(c.display_title()),
                provider: c.provider_name(),
                time: c.published_date_time,
                id: Some(c.id),
                url: output::opening_url(&c.urls),
            });
        }
    }
    rows
}

/// The card as plain text: the reader's detail pane (same fields, order and labels), then its
/// related pane (entries marked in or out of the corpus, then the cards citing it).
pub(crate) fn render_text<'a>(
    resolved: &'a Resolved<'a>,
    corpus: &Corpus,
    now: Timestamp,
    width: usize,
) -> String {
    let card = resolved.card;
    let look = detail::Look {
        now,
        zone: TimeZone::system(),
        // There is no `o` outside the reader.
        mark_opens: false,
        lit: None,
    };
    let mut t = Text {
        width,
        out: view::plain_text(&detail::rows(card, &resolved.extras, width, &look)),
    };

    let rows = related_rows(resolved, corpus);
    t.blank();
    let cited = resolved.backlinks.len();
    t.line(&if cited > 0 {
        format!("related {} · cited by {cited}", resolved.targets.len())
    } else {
        format!("related {}", resolved.targets.len())
    });
    if let Err(why) = &resolved.extras {
        t.line(&format!(
            "related entries unknown: {}",
            text::clean_line(why)
        ));
    } else if rows.is_empty() {
        t.line("no related articles");
    }
    for row in rows {
        let mut meta: Vec<String> = Vec::new();
        if let Some(p) = row.provider {
            meta.push(text::clean_line(p).into_owned());
        }
        if let Some(time) = row.time {
            meta.push(time::age(now, time));
        }
        meta.push(row.place());
        t.rows(row.marker, &text::clean_line(&row.title));
        t.rows("", &meta.join(" · "));
    }
    t.out
}

/// The card as a Markdown document in the detail pane's order: card text gated and escaped,
/// links only to `http`/`https` URLs, the body kept as the Markdown it is.
pub(crate) fn render_md(resolved: &Resolved, corpus: &Corpus, now: Timestamp) -> String {
    use output::{md_link, md_text};
    let card = resolved.card;
    let mut md = String::new();
    let mut line = |s: &str| {
        md.push_str(s);
        md.push('\n');
    };
    line(&format!(
        "# {}",
        md_link(
            card.display_title(),
            output::opening_url(&card.urls).as_deref(),
        )
    ));
    line("");
    let field = |label: &str, value: &str| format!("- **{label}:** {}", md_text(value));
    line(&field(
        "provider",
        &joined([card.provider_name(), card.provider_domain()]),
    ));
    line(&field(
        "category",
        &joined([card.category.as_deref(), card.kind.as_deref()]),
    ));
    line(&field(
        "date",
        &date_with_age(card.published_date_time, now),
    ));
    line(&field(
        "quality",
        &card
            .quality
            .map_or_else(|| MISSING.into(), |q| q.to_string()),
    ));
    line(&field("heat", &heat_text(card.heat)));
    line(&field("published", yes_no(card.published)));
    line(&field("topics", &topics_text(card)));
    if let Some(excerpt) = card.excerpt() {
        let excerpt = text::clean_block(&excerpt);
        if !excerpt.is_empty() {
            line("");
            for l in excerpt.lines() {
                line(format!("> {}", md_text(l)).trim_end());
            }
        }
    }
    line("");
    let preferred = card.urls.preferred().map(|(kind, _)| kind);
    for (kind, url) in card.urls.iter() {
        let note = if Some(kind) == preferred && crate::corpus::url::may_open(&url).is_ok() {
            " (opens)"
        } else {
            ""
        };
        line(&format!(
            "- **{}:** {}{note}",
            kind.label(),
            md_link(&url, Some(&url))
        ));
    }
    if let Err(why) = &resolved.extras {
        line(&format!("- **images:** unknown: {}", md_text(why)));
    }
    for image in resolved.extras.iter().flat_map(|e| e.images.iter()) {
        let url = image.url.as_deref().unwrap_or(MISSING);
        let size = match (image.width, image.height) {
            (Some(w), Some(h)) => format!(" {w}×{h}"),
            _ => String::new(),
        };
        let cached = match image.is_cached {
            Some(true) => " cached",
            Some(false) => " not cached",
            None => "",
        };
        line(&format!(
            "- **image:** {}{size}{cached}",
            md_link(url, Some(url))
        ));
    }
    line(&field("secured", &secured_text(card)));
    line(&format!("- **id:** `{}`", card.id));
    line(&field("file", &card.path.to_string_lossy()));
    if let Some(body) = card.body() {
        let body = text::clean_block(&body);
        if !body.is_empty() {
            line("");
            line(&body);
        }
    }
    let rows = related_rows(resolved, corpus);
    if !rows.is_empty() {
        line("");
        line("## Related");
        line("");
        for row in &rows {
            let mut meta = vec![row.marker.to_string()];
            if let Some(p) = row.provider {
                meta.push(md_text(p));
            }
            if let Some(time) = row.time {
                meta.push(output::local_date(time));
            }
            if let Some(id) = row.id {
                meta.push(format!("id `{id}`"));
            }
            line(&format!(
                "- {} — {}",
                md_link(&row.title, row.url.as_deref()),
                meta.join(" · ")
            ));
        }
    }
    md
}
