//! Bytes -> card and diagnostics, through the parser the loader uses (with its nesting and
//! alias budgets). Crashes are panics; hangs and slow inputs are what AFL's timeout reports.

use std::path::Path;

use tidings::corpus::Severity;
use tidings::corpus::intern::Interner;
use tidings::corpus::parse::parse_card;

fn check(data: &[u8], name: &str) {
    let parsed = parse_card(data, Path::new(name), Path::new(name), &Interner::default());
    let has_error = parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    // A file is a card or skipped with an error, never both, never neither.
    assert_eq!(parsed.card.is_none(), has_error, "{:?}", parsed.diagnostics);
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    for d in &parsed.diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(d.line <= lines + 1, "line {} of {lines}: {d:?}", d.line);
    }
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        // Fenced cards, and plain YAML files, which are read without fences.
        check(data, "card.txt");
        check(data, "card.yaml");
    });
}
