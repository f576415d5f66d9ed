//! `tidings check`: load cards and report every problem, for people and for CI.

use std::io::Write;

use serde::Serialize;

use super::{exit, load_paths};
use crate::cli::CheckArgs;
use crate::corpus::load::Loaded;
use crate::corpus::{Diagnostic, Severity};
use crate::text;

#[derive(Serialize)]
struct JsonReport<'a> {
    cards: usize,
    files: usize,
    skipped: usize,
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

/// Runs `check`, writing the report to `out`; returns the exit status.
pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let loaded = match load_paths(&args.paths, &args.load.into(), err) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    // A write error is a closed pipe (`tidings check | head`): not worth a message, and the
    // exit status still says whether files were skipped.
    let _ = if args.json {
        write_json(&loaded, out)
    } else {
        write_text(&loaded, out)
    };
    if loaded.skipped > 0 {
        exit::FOUND_PROBLEMS
    } else {
        exit::OK
    }
}

/// One diagnostic as a line of text, through the text gate: paths and messages come from files.
pub fn diagnostic_line(d: &Diagnostic) -> String {
    text::clean_line(&d.to_string()).into_owned()
}

fn write_text(loaded: &Loaded, out: &mut dyn Write) -> std::io::Result<()> {
    for d in &loaded.diagnostics {
        writeln!(out, "{}", diagnostic_line(d))?;
    }
    let warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    writeln!(
        out,
        "{} cards loaded from {} files, {} skipped, {} warnings",
        loaded.corpus.len(),
        loaded.files,
        loaded.skipped,
        warnings
    )
}

fn write_json(loaded: &Loaded, out: &mut dyn Write) -> std::io::Result<()> {
    let report = JsonReport {
        cards: loaded.corpus.len(),
        files: loaded.files,
        skipped: loaded.skipped,
        diagnostics: loaded
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                path: d.path.to_string_lossy().into_owned(),
                line: d.line,
                column: d.column,
                severity: d.severity,
                message: &d.message,
            })
            .collect(),
    };
    super::output::write_json(out, &report)?;
    writeln!(out)
}
