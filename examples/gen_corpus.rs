//! Deterministic generator of large synthetic corpora of article cards, for load tests,
//! benchmarks and trying `tidings` on a big folder.
//!
//! ```text
//! cargo run --release --example gen_corpus -- DIR N [--seed S] [--realistic | --hostile]
//! ```
//!
//! Writes `N` cards into `DIR`, 1000 per subfolder (`DIR/000/`, `DIR/001/`, ...), named
//! `NNNNNN_<16 hex>.txt`, in the same format and key order as the real cards in
//! `tests/fixtures/seeds/`. The default seed is 42; the same seed, `N` and mode always give
//! byte-identical output. Titles, excerpts, providers and URLs are all made up. Three modes:
//!
//! - classic (the default; [`classic`]): titles and excerpts from a few hundred phrase
//!   fragments, about 2.4 KB per card. Every word is in a large share of the cards, so search
//!   figures measured on it flatter. Its output is kept byte for byte as it always was.
//! - `--realistic` ([`realistic`]): a 40,000-word vocabulary, common English words first, drawn
//!   with Zipf frequencies (s = 1.07) for titles, excerpts, related entries and Markdown bodies;
//!   stories (clusters of 3 to 600 cards sharing a person, a subject, a place and a topic, with
//!   related entries pointing at each other); 300 providers and 208 topics with Zipf
//!   frequencies; dates over two years; quality and heat spread as in real feeds; a few
//!   percent of titles with accents, other scripts or emoji. What the benchmarks use.
//! - `--hostile` ([`hostile`]): one entry for each way a corpus can hurt a reader (a FIFO, a
//!   chain of 1,500 folders, link loops and a link to `/`, 8,000 wrong-typed topics, parsers'
//!   worst cases, terminal escapes, hostile URLs and file names, ...), listed with what a reader
//!   should do in `DIR/MANIFEST.md`, plus `N` realistic cards under `DIR/cards/`.
//!
//! Uses only the standard library, and `rustix` for the FIFO.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

// Explicit paths: this file is also included by the benchmarks and tests, from elsewhere.
#[path = "gen_corpus/classic.rs"]
mod classic;
#[path = "gen_corpus/emit.rs"]
mod emit;
#[path = "gen_corpus/hostile.rs"]
pub mod hostile;
#[path = "gen_corpus/lists.rs"]
mod lists;
#[path = "gen_corpus/realistic.rs"]
pub mod realistic;
#[path = "gen_corpus/rng.rs"]
mod rng;
#[path = "gen_corpus/vocab.rs"]
mod vocab;

const USAGE: &str = "usage: gen_corpus DIR N [--seed S] [--realistic | --hostile]

Writes N synthetic article cards into DIR (subfolders of 1000 files).
  DIR          output folder (created if missing)
  N            number of cards, a non-negative integer
  --seed S     PRNG seed, a non-negative integer (default 42)
  --realistic  Zipf-distributed words from a 40,000-word vocabulary, stories, realistic
               providers, topics and dates
  --hostile    a corpus of hostile files (listed in DIR/MANIFEST.md), plus N realistic
               cards under DIR/cards/";

const DEFAULT_SEED: u64 = 42;
const PER_FOLDER: u64 = 1000;

/// Which kind of corpus to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Classic,
    Realistic,
    Hostile,
}

/// What to generate; public so benchmarks and tests can include this file and build a corpus.
#[derive(Debug)]
pub struct Args {
    pub dir: PathBuf,
    pub n: u64,
    pub seed: u64,
    pub mode: Mode,
}

/// The command line (without the program name); `Ok(None)` when help was asked for.
pub fn parse_args(mut it: impl Iterator<Item = OsString>) -> Result<Option<Args>, String> {
    let mut positional: Vec<OsString> = Vec::new();
    let mut seed = DEFAULT_SEED;
    let mut mode = None;
    while let Some(arg) = it.next() {
        // DIR may be any path; everything else must be UTF-8 to mean anything.
        let Some(a) = arg.to_str() else {
            positional.push(arg);
            continue;
        };
        let looks_negative =
            a.len() > 1 && a.starts_with('-') && a[1..].starts_with(|c: char| c.is_ascii_digit());
        let wanted = match a {
            "--realistic" => Some(Mode::Realistic),
            "--hostile" => Some(Mode::Hostile),
            _ => None,
        };
        if let Some(wanted) = wanted {
            if mode.is_some_and(|m| m != wanted) {
                return Err("--realistic and --hostile exclude each other".into());
            }
            mode = Some(wanted);
        } else if a == "-h" || a == "--help" {
            return Ok(None);
        } else if a == "--seed" {
            let v = it.next().ok_or("--seed needs a value")?;
            seed = parse_u64(&v, "seed")?;
        } else if let Some(v) = a.strip_prefix("--seed=") {
            seed = parse_u64(OsStr::new(v), "seed")?;
        } else if a.starts_with('-') && a.len() > 1 && !looks_negative {
            return Err(format!("unknown option '{a}'"));
        } else {
            positional.push(arg);
        }
    }
    match positional.as_slice() {
        [dir, n] => Ok(Some(Args {
            dir: PathBuf::from(dir),
            n: parse_u64(n, "N")?,
            seed,
            mode: mode.unwrap_or_default(),
        })),
        [] => Err("missing DIR and N".into()),
        [_] => Err("missing N".into()),
        _ => Err(format!("too many arguments ({} given)", positional.len())),
    }
}

fn parse_u64(v: &OsStr, what: &str) -> Result<u64, String> {
    v.to_str()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| {
            format!(
                "{what} must be a non-negative integer, got '{}'",
                v.display()
            )
        })
}

/// Writes the corpus `args` asks for into `args.dir` (which must exist); returns the bytes
/// written.
pub fn write_corpus(args: &Args) -> Result<u64, String> {
    match args.mode {
        Mode::Classic => {
            let g = classic::Gen::new(args.seed, args.n);
            write_cards(&args.dir, args.n, |i| g.card(i))
        }
        Mode::Realistic => {
            let g = realistic::Gen::new(args.seed, args.n);
            write_cards(&args.dir, args.n, |i| g.card(i))
        }
        Mode::Hostile => hostile::write(&args.dir, args.n, args.seed),
    }
}

/// Writes cards `0..n`, each `(content id, text)` from `card`, 1000 to a folder.
fn write_cards(dir: &Path, n: u64, card: impl Fn(u64) -> (String, String)) -> Result<u64, String> {
    let mut bytes = 0u64;
    for i in 0..n {
        let dir = dir.join(format!("{:03}", i / PER_FOLDER));
        if i % PER_FOLDER == 0 {
            create_dir(&dir)?;
        }
        let (hex, text) = card(i);
        let path = dir.join(format!("{i:06}_{hex}.txt"));
        std::fs::write(&path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        bytes += text.len() as u64;
    }
    Ok(bytes)
}

fn create_dir(p: &Path) -> Result<(), String> {
    std::fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("gen_corpus: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    if let Err(msg) = create_dir(&args.dir) {
        eprintln!("gen_corpus: {msg}");
        return ExitCode::FAILURE;
    }
    match write_corpus(&args) {
        Ok(bytes) => {
            let secs = start.elapsed().as_secs_f64();
            let what = match args.mode {
                Mode::Classic | Mode::Realistic => {
                    let avg = bytes.checked_div(args.n).unwrap_or(0);
                    let realistic = if args.mode == Mode::Realistic {
                        " realistic"
                    } else {
                        ""
                    };
                    format!(
                        "{}{realistic} cards, {bytes} bytes (avg {avg} B/card)",
                        args.n
                    )
                }
                Mode::Hostile => format!(
                    "hostile corpus (see MANIFEST.md) and {} realistic cards, {bytes} bytes",
                    args.n
                ),
            };
            println!(
                "gen_corpus: {what}, seed {}, {secs:.2} s -> {}",
                args.seed,
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("gen_corpus: {msg}");
            ExitCode::FAILURE
        }
    }
}
