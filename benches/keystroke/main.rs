//! Key press to screen, as a person sees it: the release binary in a 120x40 pseudo-terminal on
//! N generated realistic cards (default 100,000), queries typed one key at a time, and for each
//! key the time from writing its bytes to the screen showing the new result.
//!
//! ```text
//! cargo bench --bench keystroke [-- --cards N] [--quiet-ms MS] [--bin PATH] [--cache-dir DIR]
//!                                   [--settled]
//! ```
//!
//! A key counts as answered when the query line shows the typed text, no in-progress marker
//! (`filtering…`) is on screen, and the screen then stays unchanged for a quiet window
//! (default 300 ms); the time taken is that of the last screen change before the window, not
//! the window's end. Keys are typed only once the previous one is answered. The reader starts
//! with empty state and cache folders, so loading is cold as far as the reader is concerned
//! (the files themselves are in the page cache). `--cache-dir` starts it from the cache kept in
//! DIR instead (written there by an earlier run if there is none yet): a warm start, which at a
//! million cards saves minutes per run.
//!
//! Typing starts once the list is loaded, while the reader still checks every file against
//! the cache and catches its index up behind the screen, as a person typing at once meets it.
//! `--settled` waits until it has used no CPU for a second first: the reader at rest, the
//! figures of which do not depend on how far that work had come (at a million cards it takes
//! tens of seconds).
//!
//! In the same run, for ratios: `fzf --filter Q` over a file of the same titles (skipped if
//! fzf is not installed) and `cat` of every card file. `--bin` measures another build of the
//! reader (by default `target/release/tidings` is built and used). Unix only.

#[path = "../common/mod.rs"]
mod common;
#[cfg(unix)]
mod pty;
mod reference;
mod screen;

#[cfg(not(unix))]
fn main() {
    println!("keystroke: skipped: pseudo-terminals are Unix only");
}

#[cfg(unix)]
fn main() {
    if let Err(e) = run::run() {
        eprintln!("keystroke: {e}");
        std::process::exit(1);
    }
}

#[cfg(unix)]
mod run {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant};

    use crate::common;
    use crate::pty::Term;
    use crate::reference;

    const ROWS: u16 = 40;
    const COLS: u16 = 120;
    /// How long one key may take before the run gives up.
    const LIMIT: Duration = Duration::from_secs(120);
    /// How long the load may take, per 100,000 cards (a cold load parses and indexes them all).
    const LOAD_LIMIT_PER_100K: Duration = Duration::from_secs(120);

    /// How long a load of `cards` may take: [`LOAD_LIMIT_PER_100K`] per 100,000, at least that.
    fn load_limit(cards: u64) -> Duration {
        let hundreds_of_thousands = u32::try_from(cards.div_ceil(100_000)).unwrap_or(u32::MAX);
        LOAD_LIMIT_PER_100K.saturating_mul(hundreds_of_thousands.max(1))
    }

    struct Options {
        cards: u64,
        quiet: Duration,
        bin: Option<PathBuf>,
        cache_dir: Option<PathBuf>,
        settled: bool,
    }

    fn options() -> Result<Options, String> {
        let mut o = Options {
            cards: 100_000,
            quiet: Duration::from_millis(300),
            bin: None,
            cache_dir: None,
            settled: false,
        };
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match a.as_str() {
                "--cards" => {
                    o.cards = value("--cards")?
                        .parse()
                        .map_err(|e| format!("--cards: {e}"))?
                }
                "--quiet-ms" => {
                    o.quiet = Duration::from_millis(
                        value("--quiet-ms")?
                            .parse()
                            .map_err(|e| format!("--quiet-ms: {e}"))?,
                    )
                }
                "--bin" => o.bin = Some(PathBuf::from(value("--bin")?)),
                "--cache-dir" => o.cache_dir = Some(PathBuf::from(value("--cache-dir")?)),
                "--settled" => o.settled = true,
                // cargo bench passes --bench to every benchmark.
                "--bench" => {}
                other => return Err(format!("unknown argument '{other}'")),
            }
        }
        Ok(o)
    }

    /// Builds the release binary, as a person would run it, and returns its path.
    fn release_binary() -> Result<PathBuf, String> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(env!("CARGO"))
            .args(["build", "--release", "--bin", "tidings", "--manifest-path"])
            .arg(manifest.join("Cargo.toml"))
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo build --release: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| manifest.join("target"), PathBuf::from);
        Ok(target.join("release/tidings"))
    }

    /// The machine's load average, where the system tells it: figures taken on a busy machine
    /// are slower, and say so.
    fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|s| {
                let parts: Vec<&str> = s.split_whitespace().take(3).collect();
                (parts.len() == 3).then(|| parts.join(" "))
            })
            .unwrap_or_else(|| "unknown".into())
    }

    fn ms(d: Duration) -> String {
        format!("{:.1}", d.as_secs_f64() * 1000.0)
    }

    /// Median, p99 (nearest rank) and worst of `times`.
    fn summary(times: &[Duration]) -> String {
        let mut t = times.to_vec();
        t.sort();
        if t.is_empty() {
            return "no keys".into();
        }
        let p99 = t[((t.len() * 99).div_ceil(100)).saturating_sub(1)];
        format!(
            "median {} ms, p99 {} ms, worst {} ms",
            ms(t[t.len() / 2]),
            ms(p99),
            ms(t[t.len() - 1])
        )
    }

    struct Typed {
        label: &'static str,
        query: String,
        keys: Vec<(char, Duration)>,
        count: String,
    }

    /// Types `query` one key at a time into the query line; each key's time to screen.
    fn type_query(term: &mut Term, query: &str, quiet: Duration) -> Result<Typed, String> {
        let start = term.key(b"/").map_err(|e| e.to_string())?;
        term.settle(start, |s| s.shows_query("") && !s.busy(), quiet, LIMIT)
            .map_err(|e| format!("opening the query line: {e}"))?;
        let mut keys = Vec::new();
        let mut typed = String::new();
        for c in query.chars() {
            typed.push(c);
            let mut buf = [0u8; 4];
            let at = term
                .key(c.encode_utf8(&mut buf).as_bytes())
                .map_err(|e| e.to_string())?;
            let shown = typed.clone();
            let settled = term
                .settle(at, |s| s.shows_query(&shown) && !s.busy(), quiet, LIMIT)
                .map_err(|e| format!("after typing {typed:?}: {e}"))?;
            keys.push((c, settled.last_change.saturating_duration_since(at)));
        }
        let count = term.screen.count();
        // Esc clears the filter and goes back to the list, for the next query.
        let at = term.key(b"\x1b").map_err(|e| e.to_string())?;
        term.settle(at, |s| !s.busy() && !s.shows_query(query), quiet, LIMIT)
            .map_err(|e| format!("clearing {query:?}: {e}"))?;
        Ok(Typed {
            label: "",
            query: query.to_string(),
            keys,
            count,
        })
    }

    pub fn run() -> Result<(), String> {
        let o = options()?;
        let bin = match &o.bin {
            Some(bin) => bin.clone(),
            None => release_binary()?,
        };
        let dir = common::generated(o.cards);
        let corpus = reference::read(&dir)?;
        let generator = common::gen_corpus::realistic::Gen::new(common::SEED, o.cards);
        // The subject's made-up name: unlike a surname from a list, it names one story.
        let story = generator.biggest_story().and_then(|(_, subject, size)| {
            let name = subject.split(' ').next()?.to_lowercase();
            Some((name, size))
        });
        let provider_word = corpus
            .top_provider
            .split(' ')
            .next()
            .unwrap_or("")
            .to_lowercase();

        let mut queries: Vec<(&'static str, String)> = vec![
            ("several words", "climate change".into()),
            ("one letter", "m".into()),
            ("typo", "telscope".into()),
            ("scope", format!("provider:{provider_word}")),
            ("date term", "climate since:2025-06".into()),
            ("no word match", "qxzvj".into()),
        ];
        if let Some((surname, _)) = &story {
            queries.push(("story keyword", surname.clone()));
        }

        println!(
            "keystroke: {} with {} realistic cards in {COLS}x{ROWS}, quiet window {} ms",
            bin.display(),
            o.cards,
            o.quiet.as_millis()
        );
        println!(
            "keystroke: top provider {:?}; biggest story {:?}; load average {}",
            corpus.top_provider,
            story,
            load_average()
        );
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let h = home.path();
        let mut envs = vec![
            ("HOME", h),
            ("XDG_CONFIG_HOME", h),
            ("XDG_CACHE_HOME", h),
            ("XDG_STATE_HOME", h),
            ("XDG_DATA_HOME", h),
        ];
        if let Some(cache) = &o.cache_dir {
            envs.push(("TIDINGS_CACHE_DIR", cache.as_path()));
        }
        let started = Instant::now();
        let mut term = Term::spawn(&bin, &[dir.as_path()], ROWS, COLS, &envs)
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let loaded = term
            .settle(
                started,
                |s| !s.loading() && !s.busy(),
                o.quiet,
                load_limit(o.cards),
            )
            .map_err(|e| format!("loading: {e}"))?;
        println!(
            "keystroke: loaded ({}) in {} ms from start to the last screen change",
            term.screen.count(),
            ms(loaded.last_change - started)
        );
        if o.settled {
            let waited = common::idle(term.pid(), Duration::from_secs(300));
            println!(
                "keystroke: settled (no CPU for a second) {} ms later",
                ms(waited)
            );
        }

        let mut all = Vec::new();
        let mut results = Vec::new();
        for (label, query) in &queries {
            let mut typed = type_query(&mut term, query, o.quiet)?;
            typed.label = label;
            all.extend(typed.keys.iter().map(|(_, d)| *d));
            results.push(typed);
        }

        for t in &results {
            let times: Vec<Duration> = t.keys.iter().map(|(_, d)| *d).collect();
            println!(
                "keystroke: {:<14} {:<24} {:>2} keys: {}; shows {}",
                t.label,
                format!("{:?}", t.query),
                t.keys.len(),
                summary(&times),
                t.count
            );
            let per_key: Vec<String> = t
                .keys
                .iter()
                .map(|(c, d)| format!("{c}:{}", ms(*d)))
                .collect();
            println!("           per key (ms): {}", per_key.join(" "));
        }
        println!(
            "keystroke: all {} keys: {}; load average {}",
            all.len(),
            summary(&all),
            load_average()
        );
        drop(term);

        for t in &results {
            if t.query.contains(':') {
                // A scope means nothing to fzf.
                continue;
            }
            match reference::fzf(&t.query, &corpus.titles) {
                Some(d) => println!(
                    "reference: fzf --filter {:<24} over the titles: {} ms",
                    format!("{:?}", t.query),
                    ms(d)
                ),
                None => {
                    println!("reference: fzf not available (apt-get install fzf)");
                    break;
                }
            }
        }
        match reference::cat(&dir) {
            Some(d) => println!(
                "reference: cat of every card file to /dev/null: {} ms",
                ms(d)
            ),
            None => println!("reference: cat not available"),
        }
        Ok(())
    }
}
