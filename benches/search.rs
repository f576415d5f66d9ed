//! `tidings search Q DIR --format paths` on 100k generated cards, against `fzf --filter Q` over
//! a file of the same cards' titles, in the same run; and `tidings check DIR`, which loads the
//! same cards and searches nothing, to show how much of a search is loading.
//!
//! `cargo bench --bench search` (fzf from your package manager; without it, only tidings runs).

use std::path::Path;
use std::time::Duration;

mod common;

const RUNS: usize = 5;
const QUERIES: [&str; 3] = ["lupus", "climate", "'quantum"];

fn time(program: &str, args: &[&str], input: Option<&Path>) -> Option<Duration> {
    common::median_run(RUNS, program, args, input)
}

fn main() {
    let dir = common::generated(100_000);
    let titles = dir.with_extension("titles");
    if !titles.exists() {
        let (files, _) = match tidings::corpus::load::discover(std::slice::from_ref(&dir)) {
            Ok(found) => found,
            Err(e) => panic!("{e}"),
        };
        let loaded = tidings::corpus::load::load_all(&files, &Default::default());
        let text: String = loaded
            .corpus
            .cards()
            .iter()
            .map(|(_, c)| format!("{}\n", tidings::text::clean_line(c.display_title())))
            .collect();
        if let Err(e) = std::fs::write(&titles, text) {
            panic!("cannot write {}: {e}", titles.display());
        }
    }
    let bin = env!("CARGO_BIN_EXE_tidings");
    let dir_arg = dir.to_string_lossy().into_owned();
    let ms = |d: Option<Duration>| {
        d.map_or("n/a".to_string(), |d| {
            format!("{:.0} ms", d.as_secs_f64() * 1000.0)
        })
    };
    let load = time(bin, &["check", &dir_arg], None);
    println!("search: tidings check (load only): {}", ms(load));
    for q in QUERIES {
        let search = time(bin, &["search", q, &dir_arg, "--format", "paths"], None);
        let fzf = time("fzf", &["--filter", q], Some(&titles));
        let share = match (load, search) {
            (Some(l), Some(s)) => format!("{:.0}%", 100.0 * l.as_secs_f64() / s.as_secs_f64()),
            _ => "n/a".into(),
        };
        println!(
            "search: {q:<9} tidings search {} (loading {share} of it), fzf --filter over titles {}",
            ms(search),
            ms(fzf)
        );
    }
}
