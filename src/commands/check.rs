//! `tidings check`: load cards and report every problem, for people and for CI.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use super::output::{self, deliver};
use super::state::Headless;
use super::{exit, load_and_walk};
use crate::cli::CheckArgs;
use crate::corpus::load::{self, Loaded};
use crate::corpus::url::{Refusal, may_open};
use crate::corpus::{Diagnostic, Severity, UrlKind};
use crate::text;
use crate::view::{count, thousands};

/// The `--json` report. `skipped` counts files found and not loaded, so it never exceeds
/// `files`; what the folder walk could not read is counted apart.
#[derive(Serialize)]
struct JsonReport<'a> {
    cards: usize,
    files: usize,
    skipped: usize,
    folders_skipped: usize,
    entries_skipped: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    line: usize,
    column: usize,
    severity: Severity,
    message: &'a str,
}

/// Everything `check` reports on.
struct Report {
    loaded: Loaded,
    /// The folder walk's problems, printed first.
    walk: Vec<Diagnostic>,
    /// URLs of loaded cards that the reader would not open, printed last.
    urls: Vec<Diagnostic>,
    unreadable: Unreadable,
}

/// What the folder walk could not read: folders it could not list, and entries of a folder it
/// could not even look at (a broken symbolic link, a link loop).
#[derive(Debug, Default, PartialEq, Eq)]
struct Unreadable {
    folders: usize,
    entries: usize,
}

impl Unreadable {
    /// Told apart by the walk's own word on each problem (its subject), not by the wording
    /// of the message.
    fn count(walk: &[Diagnostic]) -> Unreadable {
        let skipped = load::Skipped::count(walk);
        Unreadable {
            folders: skipped.folders,
            entries: skipped.files,
        }
    }
}

/// Runs `check`, writing the report to `out`; returns the exit status.
pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut state = Headless::open(&args.state, err);
    let loaded =
        state.while_loading(|| load_and_walk(&args.paths, &args.load.into(), &args.cache, err));
    let (loaded, walk) = match loaded {
        Ok(load) => load,
        Err(status) => return status,
    };
    state.see(&loaded.corpus, err);
    let report = Report {
        unreadable: Unreadable::count(&walk),
        urls: refused_urls(&loaded),
        loaded,
        walk,
    };
    let written = deliver(out, err, |out| {
        if args.json {
            write_json(&report, out)
        } else {
            write_text(&report, out)
        }
    });
    if let Err(status) = written {
        return status;
    }
    let unreadable = report.unreadable.folders + report.unreadable.entries;
    if report.loaded.skipped + unreadable > 0 {
        exit::FOUND_PROBLEMS
    } else {
        exit::OK
    }
}

/// One diagnostic as a line of text, through the text gate: paths and messages come from files.
pub(crate) fn diagnostic_line(d: &Diagnostic) -> String {
    text::clean_line(&d.to_string()).into_owned()
}

impl Report {
    fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.walk
            .iter()
            .chain(&self.loaded.diagnostics)
            .chain(&self.urls)
    }
}

/// A warning for every URL of a loaded card (its own or a related entry's) that `o` and `y`
/// would refuse, with the policy's reason, placed where the file writes it when it can be found.
fn refused_urls(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (ix, card) in loaded.corpus.cards().iter() {
        // A card's related entries are read again only when parsing found one to report.
        let extras = if card.extras.has_refused_url() {
            loaded.corpus.extras(ix).and_then(Result::ok)
        } else {
            None
        };
        let entries = extras.as_deref().map_or(&[][..], |e| &e.related[..]);
        let urls = std::iter::once(&card.urls).chain(entries.iter().map(|r| &r.urls));
        let refused: Vec<(UrlKind, Cow<'_, str>, Refusal)> = urls
            .flat_map(|urls| urls.iter())
            .filter_map(|(kind, url)| may_open(&url).err().map(|why| (kind, url, why)))
            .collect();
        if refused.is_empty() {
            continue;
        }
        // Only files with something to report are read again, to find where.
        let source = std::fs::read_to_string(&card.path).unwrap_or_default();
        for (kind, url, why) in refused {
            let (line, column) = find_url(&source, key(kind), &url).unwrap_or((1, 1));
            out.push(Diagnostic {
                line,
                column,
                ..Diagnostic::file(
                    card.path.to_path_buf(),
                    Severity::Warning,
                    format!("{} would not be opened: {why}: {url}", key(kind)),
                )
            })
        }
    }
    out
}

/// The front matter key of a kind of URL.
fn key(kind: UrlKind) -> &'static str {
    match kind {
        UrlKind::Web => "webUrl",
        UrlKind::Original => "originalUrl",
        UrlKind::Amp => "ampWebUrl",
        UrlKind::CdnAmp => "cdnAmpWebUrl",
    }
}

/// Line and column (1-based, in characters) of `url` written after `key:` in `source`: the
/// first line holding both. `None` when the file does not write it as is (escaped, folded).
fn find_url(source: &str, key: &str, url: &str) -> Option<(usize, usize)> {
    if url.is_empty() {
        return None;
    }
    let key = format!("{key}:");
    source.lines().enumerate().find_map(|(i, line)| {
        let after_key = line.find(&key)? + key.len();
        let at = after_key + line.get(after_key..)?.find(url)?;
        let column = line.get(..at)?.chars().count() + 1;
        Some((i + 1, column))
    })
}

fn write_text(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for d in report.diagnostics() {
        writeln!(out, "{}", diagnostic_line(d))?;
    }
    let warnings = report
        .diagnostics()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let loaded = &report.loaded;
    write!(
        out,
        "{} loaded from {}, {} skipped, {}",
        count(loaded.corpus.len(), "card"),
        count(loaded.files, "file"),
        thousands(loaded.skipped),
        count(warnings, "warning")
    )?;
    let Unreadable { folders, entries } = report.unreadable;
    let unreadable: Vec<String> = [
        (folders, "folder", "folders"),
        (entries, "other entry", "other entries"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if !unreadable.is_empty() {
        write!(out, "; could not read {}", unreadable.join(" and "))?;
    }
    writeln!(out)
}

fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let json = JsonReport {
        cards: report.loaded.corpus.len(),
        files: report.loaded.files,
        skipped: report.loaded.skipped,
        folders_skipped: report.unreadable.folders,
        entries_skipped: report.unreadable.entries,
        diagnostics: report
            .diagnostics()
            .map(|d| JsonDiagnostic {
                path: d.path.to_string_lossy().into_owned(),
                line: d.line,
                column: d.column,
                severity: d.severity,
                message: &d.message,
            })
            .collect(),
    };
    output::write_json(out, &json)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_found_after_its_key() {
        let source = "---\ntitle: --help\nwebUrl: --help\nrelated:\n  - webUrl: \"javascript:x\"\n";
        assert_eq!(find_url(source, "webUrl", "--help"), Some((3, 9)));
        assert_eq!(find_url(source, "webUrl", "javascript:x"), Some((5, 14)));
        assert_eq!(find_url(source, "ampWebUrl", "--help"), None);
    }

    #[test]
    fn walk_problems_are_folders_or_other_entries() {
        let walk = [
            Diagnostic::folder("d", "cannot read folder"),
            Diagnostic::folder("d", "cannot read folder"),
            Diagnostic::file("d/gone.txt", Severity::Error, "broken link"),
            Diagnostic::file("d/w.txt", Severity::Warning, "odd"),
        ];
        assert_eq!(
            Unreadable::count(&walk),
            Unreadable {
                folders: 1,
                entries: 1
            }
        );
        assert_eq!(Unreadable::count(&[]), Unreadable::default());
    }
}
