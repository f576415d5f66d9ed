//! `tidings search QUERY [PATH...]`: the cards that match, ranked exactly as the reader's filter
//! ranks them, in a format for people (table, Markdown, CSV) or for scripts (JSON, JSON lines,
//! paths, URLs). Exit status: 0 with matches, 1 with none, 2 for a usage error, a bad query
//! or output that could not be written.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::output::{self, CardJson, Resolved, deliver};
use super::state::Headless;
use super::{exit, load_paths, report_diagnostics};
use crate::cli::{CacheArgs, FilterConfigArgs, SearchArgs, SearchFormat, SortArg};

use crate::corpus::{Card, CardId, CardIx, Corpus};
use crate::library::cache;
use crate::library::state::Marks;
use crate::search::engine::{Found, Tier};
use crate::search::highlight::explain;
use crate::search::sort::{SortKey, sort_view};
use crate::search::syntax::{self, Clock, Query};
use crate::search::worker::OneShot;
use crate::text;
use crate::view::MISSING;

/// Width of a table written to a pipe (`--format table` when stdout is not a terminal).
pub(crate) const PIPE_WIDTH: usize = 100;

/// Where the output goes, which decides the default format and the table's width.
#[derive(Clone, Copy, Debug)]
pub struct Env {
    /// Stdout is a terminal.
    pub is_terminal: bool,
    /// Columns available to a table.
    pub width: usize,
    /// Stderr is a terminal: a person is watching, so an empty result is worth a word.
    pub err_is_terminal: bool,
}

impl Env {
    /// Stdout and stderr as they are: terminals (stdout of some width), pipes or files.
    pub(crate) fn detect() -> Env {
        let is_terminal = std::io::stdout().is_terminal();
        let width = if is_terminal {
            crossterm::terminal::size()
                .ok()
                .map(|(w, _)| usize::from(w))
                .filter(|w| *w > 0)
                .unwrap_or(PIPE_WIDTH)
        } else {
            PIPE_WIDTH
        };
        Env {
            is_terminal,
            width,
            err_is_terminal: std::io::stderr().is_terminal(),
        }
    }
}

/// Runs `search`, writing results to `out` and problems to `err`; returns the exit status.
pub fn run(args: &SearchArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_with(args, Env::detect(), out, err)
}

/// [`run`] for a given output environment.
pub fn run_with(args: &SearchArgs, env: Env, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut state = Headless::open(&args.state, err);
    let parsed = match parse_query(&args.query, &state, &args.config, err) {
        Ok(q) => q,
        Err(status) => return status,
    };
    let format = args.format.unwrap_or(if env.is_terminal {
        SearchFormat::Table
    } else {
        SearchFormat::Jsonl
    });
    if args.print0 && !matches!(format, SearchFormat::Paths | SearchFormat::Urls) {
        let _ = writeln!(err, "tidings: -0 (--print0) goes with -f paths or -f urls");
        return exit::USAGE;
    }
    let loaded =
        state.while_loading(|| load_paths(&args.paths, &args.load.into(), &args.cache, err));
    let mut loaded = match loaded {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    if args.verbose {
        report_diagnostics(&loaded, err);
    }
    let corpus = std::mem::take(&mut loaded.corpus);
    state.see(&corpus, err);

    let index = match open_index(&args.paths, &args.cache, &corpus, err) {
        Ok(index) => index,
        Err(status) => return status,
    };
    let found = index.find(&parsed, corpus.cards(), state.marks());
    let answer = Answer {
        args,
        env,
        format,
        query: &parsed,
        corpus: &corpus,
        found: &found,
        marks: state.marks(),
    };
    let status = answer.write(out, err);
    // After the answer, so it is not kept waiting.
    finish_index(index, &corpus, err);
    // Not freed: the process ends right after, and giving 100k cards back to the allocator
    // one by one takes a third of a second.
    std::mem::forget(corpus);
    status
}

/// The word index of `corpus`, stored beside the cache of the corpus at `paths`, caught up;
/// a failure is written to `err` and becomes the usage status.
pub(crate) fn open_index(
    paths: &[PathBuf],
    cache: &CacheArgs,
    corpus: &Corpus,
    err: &mut dyn Write,
) -> Result<OneShot, u8> {
    let home = cache::index_home(&cache.settings(), paths);
    OneShot::open(home.as_deref(), corpus.cards(), corpus.epoch()).map_err(|e| {
        let _ = writeln!(err, "tidings: {}", text::clean_line(&e.to_string()));
        exit::USAGE
    })
}

/// Leaves a stored index whole for the next run (what no card holds dropped, merges done); a
/// failure is said on `err`, and changes nothing of the answer.
pub(crate) fn finish_index(index: OneShot, corpus: &Corpus, err: &mut dyn Write) {
    if let Err(e) = index.finish(corpus.cards(), corpus.epoch()) {
        let _ = writeln!(err, "tidings: {}", text::clean_line(&e.to_string()));
    }
}

/// A search's answer, to write in the format asked for.
struct Answer<'a> {
    args: &'a SearchArgs,
    env: Env,
    format: SearchFormat,
    query: &'a Query,
    corpus: &'a Corpus,
    found: &'a Found,
    marks: Option<&'a Marks>,
}

impl Answer<'_> {
    /// Writes the answer; the exit status.
    fn write(&self, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
        let Answer {
            args,
            env,
            format,
            query: parsed,
            corpus,
            found,
            marks,
        } = *self;
        let hits = &found.hits;
        let scores: HashMap<CardIx, i64> =
            hits.iter().map(|h| (h.ix, i64::from(h.score))).collect();
        let mut view: Vec<CardIx> = hits.iter().map(|h| h.ix).collect();
        sort_view(&mut view, corpus, sort_key(args.sort));
        if args.reverse {
            view.reverse();
        }
        if let Some(limit) = args.limit {
            view.truncate(limit);
        }

        if args.explain {
            let tiers: HashMap<CardIx, Tier> = hits.iter().map(|h| (h.ix, h.tier)).collect();
            let written = deliver(out, err, |out| {
                write_explained(parsed, corpus, &view, &tiers, out)
            });
            if let Err(status) = written {
                return status;
            }
            return if view.is_empty() {
                exit::FOUND_PROBLEMS
            } else {
                exit::OK
            };
        }
        let results = Results {
            corpus,
            view: &view,
            scores: &scores,
            marks,
        };
        let list = List {
            nul: args.print0,
            is_terminal: env.is_terminal,
        };
        let mut left_out = None;
        let written = deliver(out, err, |out| match format {
            SearchFormat::Table => write_table(&results, env.width, out),
            SearchFormat::Json => write_json(&results, out),
            SearchFormat::Jsonl => write_jsonl(&results, out),
            SearchFormat::Csv => write_csv(&results, out),
            SearchFormat::Md => write_md(&results, out),
            SearchFormat::Paths => {
                left_out = Some((["path", "paths"], list.write(results.paths(), out)?));
                Ok(())
            }
            SearchFormat::Urls => {
                left_out = Some((["URL", "URLs"], list.write(results.urls(), out)?));
                Ok(())
            }
        });
        if let Err(status) = written {
            return status;
        }
        if let Some(([one, many], n)) = left_out.filter(|(_, n)| *n > 0) {
            let noun = if n == 1 { one } else { many };
            let _ = writeln!(err, "tidings: {n} {noun} left out, {}", list.why_left_out());
        }
        if hits.is_empty() {
            if env.err_is_terminal {
                let _ = writeln!(err, "tidings: no matches");
            }
            exit::FOUND_PROBLEMS
        } else {
            exit::OK
        }
    }
}

/// The reader's sort for a `--sort` value: `score` is the rank order, as in the reader.
pub(crate) fn sort_key(sort: SortArg) -> SortKey {
    match sort {
        SortArg::Score => SortKey::Relevance,
        SortArg::Date => SortKey::Date,
        SortArg::Quality => SortKey::Quality,
        SortArg::Heat => SortKey::Heat,
        SortArg::Title => SortKey::Title,
        SortArg::Provider => SortKey::Provider,
    }
}

/// `tidings: query error at column N: message`, then the query and a caret under column N.
/// The query as typed, saved searches expanded, parsed with the clock and zone of this
/// machine; a problem is written to `err` and becomes the usage status.
pub(crate) fn parse_query(
    typed: &str,
    state: &Headless,
    config: &FilterConfigArgs,
    err: &mut dyn Write,
) -> Result<Query, u8> {
    let options = match super::config::for_reader(config.config.as_deref(), config.no_config) {
        Ok(config) => config.filter,
        Err(message) => {
            let _ = writeln!(err, "{message}");
            return Err(exit::USAGE);
        }
    };
    let expanded = match state.expand(typed) {
        Ok(q) => q,
        Err(e) => {
            let _ = write_query_error(typed, e.position, &e.message, err);
            return Err(exit::USAGE);
        }
    };
    let clock = Clock {
        now: jiff::Timestamp::now(),
        zone: jiff::tz::TimeZone::system(),
    };
    let query = syntax::parse(&expanded, &clock)
        .map(|query| options.apply(query))
        .map_err(|e| {
            let _ = write_query_error(&expanded, e.column.saturating_sub(1), &e.message, err);
            exit::USAGE
        })?;
    if let Some(term) = query.mark_term().filter(|_| !state.has_state()) {
        let _ = write_query_error(
            &expanded,
            term.column.saturating_sub(1),
            syntax::NEEDS_STATE,
            err,
        );
        return Err(exit::USAGE);
    }
    Ok(query)
}

/// `--explain`: each card, then how each term matched it.
fn write_explained(
    query: &Query,
    corpus: &Corpus,
    view: &[CardIx],
    tiers: &HashMap<CardIx, Tier>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for &ix in view {
        let Some(card) = corpus.get(ix) else { continue };
        let tier = tiers.get(&ix).copied().unwrap_or(Tier::Words);
        let mark = if tier.is_approximate() { "≈ " } else { "" };
        writeln!(
            out,
            "{}  {mark}{}",
            card.id,
            text::clean_line(card.display_title())
        )?;
        for explained in explain(query, card, tier) {
            let place = explained.place.map_or("", |p| p.name());
            let word = explained
                .word
                .map(|w| format!(" \"{}\"", text::clean_line(&w)))
                .unwrap_or_default();
            let at = if place.is_empty() {
                explained.how.to_string()
            } else {
                format!("{place} · {}", explained.how)
            };
            writeln!(
                out,
                "    {:<20} {at}{word}",
                text::clean_line(&explained.term)
            )?;
        }
    }
    Ok(())
}

/// Writes a query error with a caret under the character at `position` (counted from 0).
pub(crate) fn write_query_error(
    query: &str,
    position: usize,
    message: &str,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        err,
        "tidings: query error at column {}: {}",
        position + 1,
        text::clean_line(message)
    )?;
    let shown = text::clean_line(query);
    // The caret goes under the same character of the gated query: gate the part before it,
    // with a stand-in for the character itself so trailing spaces are not trimmed away.
    let before: String = query.chars().take(position).collect();
    let caret_at = text::width(&text::clean_line(&format!("{before}x"))).saturating_sub(1);
    writeln!(err, "  {shown}")?;
    writeln!(err, "  {}^", " ".repeat(caret_at))
}

struct Results<'a> {
    corpus: &'a Corpus,
    view: &'a [CardIx],
    scores: &'a HashMap<CardIx, i64>,
    marks: Option<&'a Marks>,
}

impl<'a> Results<'a> {
    fn cards(&self) -> impl Iterator<Item = (CardIx, &'a Card)> + '_ {
        self.view
            .iter()
            .filter_map(|ix| self.corpus.get(*ix).map(|c| (*ix, c)))
    }

    /// Each card with its extras and links, in order, for the JSON formats. The extras of
    /// cards left in their files are read a batch at a time on every core, not one by one.
    fn for_each_resolved(
        &self,
        mut each: impl FnMut(CardIx, &Resolved<'_>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for batch in self.view.chunks(JSON_BATCH) {
            let extras = self.corpus.extras_of_many(batch);
            for (&ix, extras) in batch.iter().zip(extras) {
                let resolved = extras.and_then(|e| Resolved::with_extras(self.corpus, ix, e));
                if let Some(resolved) = resolved {
                    each(ix, &resolved)?;
                }
            }
        }
        Ok(())
    }

    fn write_card(
        &self,
        ix: CardIx,
        resolved: &Resolved<'_>,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let card = CardJson::new(resolved, self.corpus, self.scores.get(&ix).copied())
            .with_marks(self.marks);
        output::write_json(out, &card)
    }
}

/// How many cards' extras the JSON formats read at once.
const JSON_BATCH: usize = 1024;

fn write_json(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    // One card per line inside the array: still one JSON value, and readable with `less`.
    out.write_all(b"[")?;
    let mut first = true;
    results.for_each_resolved(|ix, resolved| {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        results.write_card(ix, resolved, out)
    })?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}

fn write_jsonl(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    results.for_each_resolved(|ix, resolved| {
        results.write_card(ix, resolved, out)?;
        out.write_all(b"\n")
    })
}

/// Which columns a table of `width` columns has room for, and how wide the flexible ones are.
#[derive(Debug, PartialEq, Eq)]
struct TableLayout {
    title: usize,
    provider: Option<usize>,
    date: bool,
    scores: bool,
    /// Digits of the id shown; `None` only where not even a short id fits beside a title.
    id: Option<usize>,
}

const GAP: &str = "  ";
const DATE_W: usize = 10;
const NUM_W: usize = 4;
const ID_W: usize = 16;
/// The shortest id a narrow table shows: `show` takes a unique prefix, and 8 digits rarely
/// need more in any real corpus.
const MIN_ID_W: usize = 8;

/// Plans from widest to narrowest: (provider, date, scores, whole id, least title width). The
/// id goes last of all, since it is what `show` needs to open the card.
const PLANS: [(bool, bool, bool, bool, usize); 6] = [
    (true, true, true, true, 30),
    (true, true, false, true, 24),
    (false, true, false, true, 20),
    (false, false, false, true, 16),
    (false, false, false, false, 8),
    (false, false, false, false, 1),
];

/// The layout for `width` columns, where `short_id` digits (8 to 16) make every shown id a
/// unique prefix in the corpus.
fn table_layout(width: usize, short_id: usize) -> TableLayout {
    let gap = GAP.len();
    for (provider, date, scores, whole_id, min_title) in PLANS {
        let id = if whole_id { ID_W } else { short_id };
        let mut fixed = id + gap;
        if date {
            fixed += DATE_W + gap;
        }
        if scores {
            fixed += 2 * (NUM_W + gap);
        }
        let Some(flex) = width.checked_sub(fixed) else {
            continue;
        };
        let (title, provider) = if provider {
            let provider = (flex / 3).clamp(8, 24);
            (flex.saturating_sub(provider + gap), Some(provider))
        } else {
            (flex, None)
        };
        if title >= min_title {
            return TableLayout {
                title,
                provider,
                date,
                scores,
                id: Some(id),
            };
        }
    }
    TableLayout {
        title: width.max(1),
        provider: None,
        date: false,
        scores: false,
        id: None,
    }
}

/// Hex digits (at least [`MIN_ID_W`]) that tell every id of `shown` apart from every other id
/// of `all`, as `show` resolves a prefix.
fn unique_id_digits(
    shown: impl Iterator<Item = CardId>,
    all: impl Iterator<Item = CardId>,
) -> usize {
    let mut all: Vec<u64> = all.map(|id| id.0).collect();
    all.sort_unstable();
    all.dedup();
    let common = |a: u64, b: u64| (a ^ b).leading_zeros() as usize / 4;
    shown
        .map(|id| {
            // The ids sorted around it share the most digits with it.
            let at = all.partition_point(|other| *other < id.0);
            let next = if all.get(at) == Some(&id.0) {
                at + 1
            } else {
                at
            };
            [at.checked_sub(1).and_then(|i| all.get(i)), all.get(next)]
                .into_iter()
                .flatten()
                .map(|other| common(id.0, *other) + 1)
                .max()
                .unwrap_or(1)
        })
        .fold(MIN_ID_W, usize::max)
        .min(ID_W)
}

struct Row {
    title: String,
    provider: String,
    date: String,
    quality: String,
    heat: String,
    id: String,
}

fn table_line(layout: &TableLayout, row: &Row) -> String {
    let mut cells = vec![text::pad_to(&row.title, layout.title)];
    if let Some(w) = layout.provider {
        cells.push(text::pad_to(&row.provider, w));
    }
    if layout.date {
        cells.push(text::pad_to(&row.date, DATE_W));
    }
    if layout.scores {
        cells.push(format!("{:>NUM_W$}", text::truncate(&row.quality, NUM_W)));
        cells.push(format!("{:>NUM_W$}", text::truncate(&row.heat, NUM_W)));
    }
    if let Some(w) = layout.id {
        // A prefix, never an id cut with an ellipsis: what is shown must still resolve.
        let id = row.id.get(..w).unwrap_or(&row.id);
        cells.push(text::pad_to(id, w));
    }
    cells.join(GAP).trim_end().to_string()
}

fn write_table(results: &Results, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let short_id = unique_id_digits(results.cards().map(|(_, c)| c.id), results.corpus.ids());
    let layout = table_layout(width, short_id);
    let header = Row {
        title: "TITLE".into(),
        provider: "PROVIDER".into(),
        date: "DATE".into(),
        quality: "QUAL".into(),
        heat: "HEAT".into(),
        id: "ID".into(),
    };
    let mut wrote_header = false;
    for (_, card) in results.cards() {
        if !wrote_header {
            writeln!(out, "{}", table_line(&layout, &header))?;
            wrote_header = true;
        }
        let row = Row {
            title: text::clean_line(card.display_title()).into_owned(),
            provider: text::clean_line(card.provider_name().unwrap_or(MISSING)).into_owned(),
            date: card
                .published_date_time
                .map_or_else(|| MISSING.into(), output::local_date),
            quality: card
                .quality
                .map_or_else(|| MISSING.into(), |q| q.to_string()),
            heat: card
                .heat_known()
                .map_or_else(|| MISSING.into(), |h| h.to_string()),
            id: card.id.to_string(),
        };
        writeln!(out, "{}", table_line(&layout, &row))?;
    }
    Ok(())
}

fn write_csv(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    // No header without rows: a search that matched nothing prints nothing.
    if !results.view.is_empty() {
        writeln!(
            out,
            "id,score,title,provider,domain,publishedDateTime,quality,heat,topics,url,path"
        )?;
    }
    for (ix, card) in results.cards() {
        let opt_num = |n: Option<i64>| n.map_or_else(String::new, |n| n.to_string());
        let topics = text::clean_items(card.topics.iter().map(|t| &**t));
        let fields = [
            card.id.to_string(),
            opt_num(results.scores.get(&ix).copied()),
            output::csv_text(card.display_title()),
            output::csv_text(card.provider_name().unwrap_or("")),
            output::csv_text(card.provider_domain().unwrap_or("")),
            card.published_date_time
                .map_or_else(String::new, |t| t.to_string()),
            opt_num(card.quality),
            opt_num(card.heat_known()),
            output::csv_text(&topics.join("; ")),
            output::csv_text(output::opening_url(&card.urls).as_deref().unwrap_or("")),
            output::csv_text(&card.path.to_string_lossy()),
        ];
        writeln!(out, "{}", fields.join(","))?;
    }
    Ok(())
}

fn write_md(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    let mut wrote_header = false;
    for (_, card) in results.cards() {
        if !wrote_header {
            writeln!(out, "| Title | Provider | Date | Quality | Heat | ID |")?;
            writeln!(out, "|---|---|---|---:|---:|---|")?;
            wrote_header = true;
        }
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | `{}` |",
            output::md_link(
                card.display_title(),
                output::opening_url(&card.urls).as_deref(),
            ),
            output::md_text(card.provider_name().unwrap_or(MISSING)),
            card.published_date_time
                .map_or_else(|| MISSING.into(), output::local_date),
            card.quality
                .map_or_else(|| MISSING.into(), |q| q.to_string()),
            card.heat_known()
                .map_or_else(|| MISSING.into(), |h| h.to_string()),
            card.id,
        )?;
    }
    Ok(())
}

/// One entry of `paths` or `urls`: its exact bytes, and the text they are when they are UTF-8.
struct Entry<'a> {
    bytes: Cow<'a, [u8]>,
    text: Option<Cow<'a, str>>,
}

/// How `paths` and `urls` print: one entry a line, or with `-0` exactly and NUL-ended. Either
/// way an entry is printed exactly or not at all: a name changed to be printable
/// (`a\nb.txt` as `a b.txt`) would name another file for `| xargs rm`.
struct List {
    nul: bool,
    is_terminal: bool,
}

impl List {
    /// Whether `entry` can be printed exactly here. NUL-ended output to a pipe takes any bytes;
    /// a line takes no newline; a terminal takes nothing the text gate would stop.
    fn exact(&self, entry: &Entry) -> bool {
        if self.nul && !self.is_terminal {
            return true;
        }
        entry
            .text
            .as_deref()
            .is_some_and(|t| text::is_clean(t) && (self.nul || !t.contains('\n')))
    }

    /// Writes the entries it can print exactly; returns how many it left out.
    fn write<'a>(
        &self,
        entries: impl Iterator<Item = Entry<'a>>,
        out: &mut dyn Write,
    ) -> std::io::Result<usize> {
        let mut left_out = 0;
        for entry in entries {
            if self.exact(&entry) {
                out.write_all(&entry.bytes)?;
                out.write_all(if self.nul { b"\0" } else { b"\n" })?;
            } else {
                left_out += 1;
            }
        }
        Ok(left_out)
    }

    fn why_left_out(&self) -> &'static str {
        if self.nul {
            "not shown exactly on a terminal; pipe the output to get all of them"
        } else {
            "not printable exactly on a line; -0 (--print0) prints all of them NUL-separated"
        }
    }
}

impl<'a> Results<'a> {
    /// The cards' files, as the exact bytes of their paths.
    fn paths(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.cards().map(|(_, card)| Entry {
            bytes: path_bytes(&card.path),
            text: card.path.to_str().map(Cow::Borrowed),
        })
    }

    /// Only the URL the reader would open: a `--help` or `javascript:` URL piped into
    /// `xargs open` would be an injected option or worse, so a card without one is left out
    /// (and not counted: it has nothing to print).
    fn urls(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.cards().filter_map(|(_, card)| {
            output::opening_url(&card.urls).map(|url| Entry {
                bytes: match &url {
                    Cow::Borrowed(url) => Cow::Borrowed(url.as_bytes()),
                    Cow::Owned(url) => Cow::Owned(url.as_bytes().to_vec()),
                },
                text: Some(url),
            })
        })
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    Cow::Borrowed(path.as_os_str().as_bytes())
}

/// Elsewhere a path has no bytes of its own: only one that is Unicode can be printed exactly.
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Cow<'_, [u8]> {
    match path.to_str() {
        Some(s) => Cow::Borrowed(s.as_bytes()),
        None => Cow::Owned(path.to_string_lossy().into_owned().into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_fit_their_width() {
        for width in (1..=120).chain([200]) {
            let layout = table_layout(width, 9);
            let row = Row {
                title: "x".repeat(300),
                provider: "p".repeat(300),
                date: "2024-01-01".into(),
                quality: "100".into(),
                heat: "-".into(),
                id: "0123456789abcdef".into(),
            };
            let line = table_line(&layout, &row);
            assert!(text::width(&line) <= width, "{width}: {line}");
        }
        assert_eq!(table_layout(100, 9).id, Some(ID_W));
        assert!(table_layout(100, 9).provider.is_some() && table_layout(100, 9).scores);
    }

    /// `show` needs the id: every other column goes first.
    #[test]
    fn narrow_tables_keep_the_id() {
        for width in [80, 60, 40, 34] {
            let layout = table_layout(width, 9);
            assert_eq!(layout.id, Some(ID_W), "{width}: {layout:?}");
            assert!(layout.title >= 16, "{width}: {layout:?}");
        }
        assert!(!table_layout(60, 9).scores);
        for width in [12, 20, 30] {
            assert_eq!(table_layout(width, 9).id, Some(9), "{width}");
        }
        assert_eq!(table_layout(10, 9).id, None);
        let row = Row {
            title: "A title".into(),
            provider: "P".into(),
            date: "2024-01-01".into(),
            quality: "1".into(),
            heat: "-".into(),
            id: "0123456789abcdef".into(),
        };
        assert_eq!(
            table_line(&table_layout(20, 9), &row),
            "A title    012345678"
        );
    }

    #[test]
    fn short_ids_are_unique_prefixes_in_the_corpus() {
        let ids = |v: &[u64]| v.iter().map(|i| CardId(*i)).collect::<Vec<_>>();
        let all = ids(&[
            0x0123_4567_89ab_cdef,
            0x0123_4567_8000_0000,
            0xffff_0000_0000_0000,
        ]);
        // The first two share 9 digits, so 10 tell them apart.
        assert_eq!(
            unique_id_digits(
                ids(&[0x0123_4567_89ab_cdef]).into_iter(),
                all.clone().into_iter()
            ),
            10
        );
        assert_eq!(
            unique_id_digits(
                ids(&[0xffff_0000_0000_0000]).into_iter(),
                all.clone().into_iter()
            ),
            MIN_ID_W
        );
        assert_eq!(
            unique_id_digits(std::iter::empty(), all.clone().into_iter()),
            MIN_ID_W
        );
        let twins = ids(&[1, 2]);
        assert_eq!(
            unique_id_digits(twins.clone().into_iter(), twins.into_iter()),
            ID_W
        );
    }

    #[test]
    fn caret_sits_under_the_column() {
        let mut err = Vec::new();
        write_query_error("foo  \"bar", 5, "unterminated phrase", &mut err).unwrap();
        let err = String::from_utf8(err).unwrap();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines[0],
            "tidings: query error at column 6: unterminated phrase"
        );
        let caret = lines[2].find('^').unwrap();
        assert_eq!(&lines[1][caret..caret + 1], "\"");
    }
}
