//! `tidings search QUERY [PATH...]`: the cards that match, ranked exactly as the reader's filter
//! ranks them, in a format for people (table, Markdown, CSV) or for scripts (JSON, JSON lines,
//! paths, URLs). Exit status: 0 with matches, 1 with none, 2 for a usage error or a bad query.

use std::collections::HashMap;
use std::io::{BufWriter, IsTerminal, Write};

use super::output::{self, CardJson, Resolved};
use super::{exit, load_paths, report_diagnostics};
use crate::cli::{SearchArgs, SearchFormat, SortArg};
use crate::corpus::{Card, CardIx, Corpus};
use crate::search::sort::{SortKey, sort_view};
use crate::search::{query, rank};
use crate::text;

/// Width of a table written to a pipe (`--format table` when stdout is not a terminal).
pub const PIPE_WIDTH: usize = 100;

/// Where the output goes, which decides the default format and the table's width.
#[derive(Clone, Copy, Debug)]
pub struct Env {
    pub is_terminal: bool,
    /// Columns available to a table.
    pub width: usize,
}

impl Env {
    /// Stdout as it is: a terminal of some width, or a pipe or file.
    pub fn detect() -> Env {
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
        Env { is_terminal, width }
    }
}

/// Runs `search`, writing results to `out` and problems to `err`; returns the exit status.
pub fn run(args: &SearchArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_with(args, Env::detect(), out, err)
}

/// [`run`] for a given output environment.
pub fn run_with(args: &SearchArgs, env: Env, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let parsed = match query::parse(&args.query) {
        Ok(q) => q,
        Err(e) => {
            let _ = write_query_error(&args.query, e.position, &e.message, err);
            return exit::USAGE;
        }
    };
    let mut loaded = match load_paths(&args.paths, &args.load.into(), err) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    if args.verbose {
        report_diagnostics(&loaded, err);
    }
    let corpus = std::mem::take(&mut loaded.corpus);

    let hits = rank::rank(corpus.cards(), &parsed, None);
    let scores: HashMap<CardIx, i64> = hits.iter().map(|h| (h.ix, h.score)).collect();
    let mut view: Vec<CardIx> = hits.iter().map(|h| h.ix).collect();
    sort_view(&mut view, &corpus, sort_key(args.sort));
    if args.reverse {
        view.reverse();
    }
    if let Some(limit) = args.limit {
        view.truncate(limit);
    }

    let format = args.format.unwrap_or(if env.is_terminal {
        SearchFormat::Table
    } else {
        SearchFormat::Jsonl
    });
    let results = Results {
        corpus: &corpus,
        view: &view,
        scores: &scores,
    };
    let mut out = BufWriter::new(out);
    let written = match format {
        SearchFormat::Table => write_table(&results, env.width, &mut out),
        SearchFormat::Json => write_json(&results, &mut out),
        SearchFormat::Jsonl => write_jsonl(&results, &mut out),
        SearchFormat::Csv => write_csv(&results, &mut out),
        SearchFormat::Md => write_md(&results, &mut out),
        SearchFormat::Paths => write_paths(&results, &mut out),
        SearchFormat::Urls => write_urls(&results, &mut out),
    }
    .and_then(|()| out.flush());
    if let Err(e) = written {
        output::report_write_error(&e, err);
    }
    if hits.is_empty() {
        exit::FOUND_PROBLEMS
    } else {
        exit::OK
    }
}

/// The reader's sort for a `--sort` value: `score` is the rank order, as in the reader.
pub fn sort_key(sort: SortArg) -> SortKey {
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
pub fn write_query_error(
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
}

impl<'a> Results<'a> {
    fn cards(&self) -> impl Iterator<Item = (CardIx, &'a Card)> + '_ {
        self.view
            .iter()
            .filter_map(|ix| self.corpus.get(*ix).map(|c| (*ix, c)))
    }

    fn json(&self, ix: CardIx) -> Option<CardJson<'a>> {
        let resolved = Resolved::in_corpus(self.corpus, ix)?;
        Some(CardJson::new(
            &resolved,
            self.corpus,
            self.scores.get(&ix).copied(),
        ))
    }
}

fn write_json(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    // One card per line inside the array: still one JSON value, and readable with `less`.
    out.write_all(b"[")?;
    let mut first = true;
    for (ix, _) in results.cards() {
        let Some(card) = results.json(ix) else {
            continue;
        };
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        output::write_json(out, &card)?;
    }
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}

fn write_jsonl(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    for (ix, _) in results.cards() {
        if let Some(card) = results.json(ix) {
            output::write_json(out, &card)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Which columns a table of `width` columns has room for, and how wide the two flexible ones
/// (title, provider) are.
#[derive(Debug, PartialEq, Eq)]
struct TableLayout {
    title: usize,
    provider: Option<usize>,
    date: bool,
    scores: bool,
    id: bool,
}

const GAP: &str = "  ";
const DATE_W: usize = 10;
const NUM_W: usize = 4;
const ID_W: usize = 16;

fn table_layout(width: usize) -> TableLayout {
    let gap = GAP.len();
    let split = |flex: usize| {
        let provider = (flex / 3).clamp(8, 24);
        (flex - provider - gap, provider)
    };
    // Widest first: every column, then without the id, as long as the title keeps room.
    for (id, min_title) in [(true, 40), (false, 30)] {
        let fixed = DATE_W + 2 * NUM_W + 4 * gap + if id { ID_W + gap } else { 0 };
        if let Some(flex) = width.checked_sub(fixed).filter(|f| *f >= min_title) {
            let (title, provider) = split(flex + gap);
            return TableLayout {
                title,
                provider: Some(provider),
                date: true,
                scores: true,
                id,
            };
        }
    }
    if let Some(flex) = width.checked_sub(DATE_W + gap).filter(|f| *f >= 12) {
        return TableLayout {
            title: flex,
            provider: None,
            date: true,
            scores: false,
            id: false,
        };
    }
    TableLayout {
        title: width.max(1),
        provider: None,
        date: false,
        scores: false,
        id: false,
    }
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
    if layout.id {
        cells.push(text::pad_to(&row.id, ID_W));
    }
    cells.join(GAP).trim_end().to_string()
}

fn write_table(results: &Results, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let layout = table_layout(width);
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
            provider: text::clean_line(card.provider_name().unwrap_or("")).into_owned(),
            date: card
                .published_date_time
                .map_or_else(String::new, output::local_date),
            quality: card.quality.map_or_else(String::new, |q| q.to_string()),
            heat: card
                .heat_known()
                .map_or_else(|| "-".into(), |h| h.to_string()),
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
            output::csv_text(output::opening_url(&card.urls).unwrap_or("")),
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
            output::md_link(card.display_title(), output::opening_url(&card.urls)),
            output::md_text(card.provider_name().unwrap_or("")),
            card.published_date_time
                .map_or_else(String::new, output::local_date),
            card.quality.map_or_else(String::new, |q| q.to_string()),
            card.heat_known()
                .map_or_else(|| "-".into(), |h| h.to_string()),
            card.id,
        )?;
    }
    Ok(())
}

fn write_paths(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    for (_, card) in results.cards() {
        // A file name may hold a newline or an escape sequence; the gate keeps one path a line.
        writeln!(out, "{}", text::clean_line(&card.path.to_string_lossy()))?;
    }
    Ok(())
}

fn write_urls(results: &Results, out: &mut dyn Write) -> std::io::Result<()> {
    // Only the URL the reader would open: a `--help` or `javascript:` URL piped into
    // `xargs open` would be an injected option or worse, so a card without one is left out.
    for (_, card) in results.cards() {
        if let Some(url) = output::opening_url(&card.urls) {
            writeln!(out, "{}", text::clean_line(url))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_fit_their_width() {
        for width in [1, 10, 20, 30, 40, 60, 80, 100, 200] {
            let layout = table_layout(width);
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
        assert!(table_layout(100).id);
        assert!(!table_layout(40).id);
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
