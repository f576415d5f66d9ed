//! Start-up and live reload, as a person sees them: the release binary in a 120x40
//! pseudo-terminal on N generated realistic cards (default 100,000).
//!
//! ```text
//! cargo bench --bench startup [-- --cards N] [--runs R] [--bin PATH] [--batch B]
//! cargo bench --bench startup -- --warm-only --bin A [--bin B ...] [--runs R]
//! ```
//!
//! `--warm-only` compares warm starts alone: each binary writes its own cache in its own home,
//! then their warm starts alternate, R each (default 3), against one `cat` of the files
//! before and one after.
//!
//! Figures, each the median of R runs (default 3), against the time to merely read the same
//! files (`cat` of every card file, page cache warm), measured in the same run:
//! - cold start (an empty cache folder; and with `--no-cache`) and warm start (the cache the
//!   cold start wrote), from spawn to the full list on screen: the status row shows every
//!   card and no "loading";
//! - resident memory (VmRSS, file-backed pages included) when the list is on screen and once
//!   the reader is idle (its CPU time still for a second: the cache written, the index caught
//!   up), and the peak (VmHWM) by then, against the corpus's bytes on disk;
//! - `tidings search Q DIR --format paths` with a warm cache, against `fzf --filter Q` over a
//!   file of the same titles (skipped without fzf: `apt-get install -y fzf`);
//! - live reload: from a card file written to its row on screen; and B files (default 10,000)
//!   moved in at once: the time until the count shows them all, and that it never shows more
//!   (a card twice would count twice).
//!
//! The files written into the corpus for live reload are removed at the end. Unix only.

#[path = "common/mod.rs"]
mod common;
#[cfg(unix)]
#[allow(dead_code)] // What the keystroke benchmark alone needs.
#[path = "keystroke/pty.rs"]
mod pty;
#[allow(dead_code)]
#[path = "keystroke/reference.rs"]
mod reference;
#[allow(dead_code)]
#[path = "keystroke/screen.rs"]
mod screen;

#[cfg(not(unix))]
fn main() {
    println!("startup: skipped: pseudo-terminals are Unix only");
}

#[cfg(unix)]
fn main() {
    if let Err(e) = run::run() {
        eprintln!("startup: {e}");
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
    use crate::screen::{LOADING, Screen};

    const ROWS: u16 = 40;
    const COLS: u16 = 120;
    /// How long a start or a reload may take before the run gives up.
    const LIMIT: Duration = Duration::from_secs(300);
    /// The screen must stay unchanged this long for a wait to end.
    const QUIET: Duration = Duration::from_millis(300);

    struct Options {
        cards: u64,
        runs: usize,
        batch: u64,
        bins: Vec<PathBuf>,
        warm_only: bool,
    }

    fn options() -> Result<Options, String> {
        let mut o = Options {
            cards: 100_000,
            runs: 3,
            batch: 10_000,
            bins: Vec::new(),
            warm_only: false,
        };
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            let number = |name: &str, v: String| -> Result<u64, String> {
                v.parse().map_err(|e| format!("{name}: {e}"))
            };
            match a.as_str() {
                "--cards" => o.cards = number("--cards", value("--cards")?)?,
                "--runs" => o.runs = number("--runs", value("--runs")?)?.max(1) as usize,
                "--batch" => o.batch = number("--batch", value("--batch")?)?,
                "--bin" => o.bins.push(PathBuf::from(value("--bin")?)),
                "--warm-only" => o.warm_only = true,
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

    fn ms(d: Duration) -> String {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }

    fn mib(bytes: u64) -> String {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }

    fn median<T: Ord + Copy>(mut values: Vec<T>) -> Option<T> {
        values.sort();
        values.get(values.len() / 2).copied()
    }

    fn ratio(a: f64, b: f64) -> String {
        if b > 0.0 {
            format!("{:.2}x", a / b)
        } else {
            "-".into()
        }
    }

    /// `1234567` as the status row writes it: `1,234,567`.
    fn thousands(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// The full list on screen: the status row counts `cards` and says nothing of loading.
    fn shows_all(screen: &Screen, cards: u64) -> bool {
        let want = format!("{} card", thousands(cards));
        let rows = screen.rows();
        let bottom = &rows[rows.len().saturating_sub(3)..];
        screen.count().starts_with(&want) && !bottom.iter().any(|r| r.contains(LOADING))
    }

    /// A field of `/proc/PID/status`, in bytes.
    fn proc_status(pid: u32, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    struct Started {
        time: Duration,
        /// When the list was on screen.
        rss: u64,
        /// Once idle, and the peak by then (see `common::idle`).
        rss_idle: u64,
        hwm: u64,
        term: Term,
    }

    /// Starts the reader on `dir` with `home` as every XDG folder, and waits for all `cards`.
    fn start(
        bin: &Path,
        dir: &Path,
        home: &Path,
        extra: &[&Path],
        cards: u64,
    ) -> Result<Started, String> {
        let envs = [
            ("HOME", home),
            ("XDG_CONFIG_HOME", home),
            ("XDG_CACHE_HOME", home),
            ("XDG_STATE_HOME", home),
            ("XDG_DATA_HOME", home),
        ];
        let mut args: Vec<&Path> = extra.to_vec();
        args.push(dir);
        let started = Instant::now();
        let mut term = Term::spawn(bin, &args, ROWS, COLS, &envs)
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let settled = term.settle(started, |s| shows_all(s, cards), QUIET, LIMIT)?;
        let pid = term.pid();
        let rss = proc_status(pid, "VmRSS:").unwrap_or(0);
        common::idle(pid, Duration::from_secs(30));
        Ok(Started {
            time: settled.last_change - started,
            rss,
            rss_idle: proc_status(pid, "VmRSS:").unwrap_or(0),
            hwm: proc_status(pid, "VmHWM:").unwrap_or(0),
            term,
        })
    }

    /// Waits until the cache folder under `home` holds a cache file, written by the reader
    /// in the background once its load was over.
    fn wait_for_cache(home: &Path) -> Result<(), String> {
        let folder = home.join("tidings");
        let deadline = Instant::now() + LIMIT;
        loop {
            let written = std::fs::read_dir(&folder).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "cache"))
            });
            if written {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the reader wrote no cache".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Files written into the corpus for the live figures, removed however the run ends.
    struct Scratch(Vec<PathBuf>);

    impl Drop for Scratch {
        fn drop(&mut self) {
            for path in &self.0 {
                let _ = std::fs::remove_dir_all(path);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    fn card_text(title: &str) -> String {
        format!(
            "---\ntitle: \"{title}\"\npublishedDateTime: 2099-01-01T00:00:00Z\n\
             webUrl: \"https://bench.example/{title}\"\n---\n"
        )
    }

    pub fn run() -> Result<(), String> {
        let o = options()?;
        if o.warm_only {
            return warm_only(&o);
        }
        if o.bins.len() > 1 {
            return Err("more than one --bin is for --warm-only".into());
        }
        let bin = match o.bins.first() {
            Some(bin) => bin.clone(),
            None => release_binary()?,
        };
        let dir = common::generated(o.cards);
        let corpus = reference::read(&dir)?;
        let bytes: u64 = reference::card_files(&dir)
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        println!(
            "startup: {} with {} realistic cards ({}) in {COLS}x{ROWS}, {} runs",
            bin.display(),
            o.cards,
            mib(bytes),
            o.runs
        );
        let read = reference::cat(&dir).ok_or("cannot time cat")?;
        println!(
            "reference: cat of every card file to /dev/null: {}",
            ms(read)
        );

        let mut cold = Vec::new();
        let mut no_cache = Vec::new();
        let mut warm = Vec::new();
        let mut cold_hwm = Vec::new();
        let mut cold_rss = Vec::new();
        let mut warm_rss = Vec::new();
        let mut warm_idle = Vec::new();
        let mut warm_hwm = Vec::new();
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        for _ in 0..o.runs {
            let _ = std::fs::remove_dir_all(home.path().join("tidings"));
            let started = start(&bin, &dir, home.path(), &[], o.cards)?;
            cold.push(started.time);
            cold_hwm.push(started.hwm);
            cold_rss.push(started.rss);
            wait_for_cache(home.path())?;
            drop(started.term);
            let started = start(&bin, &dir, home.path(), &[Path::new("--no-cache")], o.cards)?;
            no_cache.push(started.time);
        }
        for _ in 0..o.runs {
            let started = start(&bin, &dir, home.path(), &[], o.cards)?;
            warm.push(started.time);
            warm_rss.push(started.rss);
            warm_idle.push(started.rss_idle);
            warm_hwm.push(started.hwm);
        }
        let read_s = read.as_secs_f64();
        let show = |label: &str, times: Vec<Duration>| {
            let t = median(times).unwrap_or_default();
            println!(
                "startup: {label:<28} {:>10}  {} the read time",
                ms(t),
                ratio(t.as_secs_f64(), read_s)
            );
        };
        show("cold (empty cache folder)", cold);
        show("cold (--no-cache)", no_cache);
        show("warm (valid cache)", warm);
        let memory = |label: &str, values: Vec<u64>| {
            let v = median(values).unwrap_or(0);
            println!(
                "memory:  {label:<28} {:>10}  {} the corpus's bytes",
                mib(v),
                ratio(v as f64, bytes as f64)
            );
        };
        memory("warm VmRSS, list shown", warm_rss);
        memory("warm VmRSS, idle", warm_idle);
        memory("warm VmHWM (peak)", warm_hwm);
        memory("cold VmRSS", cold_rss);
        memory("cold VmHWM (peak)", cold_hwm);

        search(&bin, &dir, home.path(), &corpus.titles)?;
        live(&bin, &dir, home.path(), o.cards, o.batch)
    }

    /// Warm starts of several binaries, alternating (see the module comment).
    fn warm_only(o: &Options) -> Result<(), String> {
        let bins = match o.bins.is_empty() {
            true => vec![release_binary()?],
            false => o.bins.clone(),
        };
        let dir = common::generated(o.cards);
        let mut homes = Vec::new();
        for bin in &bins {
            let home = tempfile::tempdir().map_err(|e| e.to_string())?;
            let cold = start(bin, &dir, home.path(), &[], o.cards)?;
            wait_for_cache(home.path())?;
            drop(cold);
            homes.push(home);
        }
        let before = reference::cat(&dir).ok_or("cannot time cat")?;
        let mut times = vec![Vec::new(); bins.len()];
        for _ in 0..o.runs {
            for ((bin, home), times) in bins.iter().zip(&homes).zip(&mut times) {
                times.push(start(bin, &dir, home.path(), &[], o.cards)?.time);
            }
        }
        let after = reference::cat(&dir).ok_or("cannot time cat")?;
        let read_s = (before + after).as_secs_f64() / 2.0;
        println!(
            "reference: cat of every card file to /dev/null: {} before, {} after",
            ms(before),
            ms(after)
        );
        for (bin, times) in bins.iter().zip(times) {
            let all = times.iter().map(|t| ms(*t)).collect::<Vec<_>>().join(", ");
            let t = median(times).unwrap_or_default();
            println!(
                "warm:    {:>10}  {} the mean read time  {} ({all})",
                ms(t),
                ratio(t.as_secs_f64(), read_s),
                bin.display()
            );
        }
        Ok(())
    }

    /// `tidings search` with the warm cache against fzf over the titles.
    fn search(bin: &Path, dir: &Path, home: &Path, titles: &Path) -> Result<(), String> {
        let bin = bin.to_string_lossy();
        let dir = dir.to_string_lossy();
        // The same home as the reader's runs: its cache, and a reading state that has seen
        // this corpus (not the state file of whoever runs the benchmark, which may hold
        // millions of other cards). SAFETY: the benchmark is single-threaded here; the
        // children inherit the variables.
        for var in [
            "HOME",
            "XDG_CONFIG_HOME",
            "XDG_CACHE_HOME",
            "XDG_STATE_HOME",
            "XDG_DATA_HOME",
        ] {
            unsafe { std::env::set_var(var, home) };
        }
        for query in ["climate change", "telescope"] {
            let ours =
                common::median_run(3, &bin, &["search", query, &dir, "--format", "paths"], None)
                    .ok_or("tidings search failed")?;
            match reference::fzf(query, titles) {
                Some(fzf) => println!(
                    "search:  {:<28} {:>10}  {} fzf --filter ({})",
                    format!("{query:?} warm"),
                    ms(ours),
                    ratio(ours.as_secs_f64(), fzf.as_secs_f64()),
                    ms(fzf)
                ),
                None => println!(
                    "search:  {:<28} {:>10}  (fzf not installed: apt-get install -y fzf)",
                    format!("{query:?} warm"),
                    ms(ours)
                ),
            }
        }
        Ok(())
    }

    /// Live reload on a running reader: one card written; then `batch` cards moved in at once.
    fn live(bin: &Path, dir: &Path, home: &Path, cards: u64, batch: u64) -> Result<(), String> {
        let mut scratch = Scratch(Vec::new());
        let mut reader = start(bin, dir, home, &[], cards)?;
        let term = &mut reader.term;
        // Let the watcher's first look after the load pass.
        std::thread::sleep(Duration::from_secs(1));

        let mut times = Vec::new();
        for i in 0..5 {
            let title = format!("Live reload probe {i}");
            let path = dir.join(format!("zz_live_{i}.txt"));
            scratch.0.push(path.clone());
            let written = Instant::now();
            std::fs::write(&path, card_text(&title)).map_err(|e| e.to_string())?;
            let shown = term.settle(
                written,
                |s| s.rows().iter().any(|r| r.contains(&title)),
                Duration::from_millis(100),
                LIMIT,
            )?;
            times.push(shown.last_change - written);
        }
        let all = times.iter().map(|t| ms(*t)).collect::<Vec<_>>().join(", ");
        println!(
            "live:    a card written to its row {:>10}  (median of {}: {all})",
            ms(median(times.clone()).unwrap_or_default()),
            times.len()
        );

        // Made beside the corpus (one file system), then moved in at once.
        let staging = dir.with_extension("startup-batch");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
        for i in 0..batch {
            let name = format!("zz_{:016x}.txt", 0xb000_0000_0000_0000u64 + i);
            std::fs::write(staging.join(name), card_text(&format!("Batch card {i}")))
                .map_err(|e| e.to_string())?;
        }
        let moved = dir.join("zz_batch");
        scratch.0.push(moved.clone());
        let expected = cards + times.len() as u64 + batch;
        let at = Instant::now();
        std::fs::rename(&staging, &moved).map_err(|e| e.to_string())?;
        let all_in = term.settle(at, |s| shows_all(s, expected), QUIET, LIMIT)?;
        // None twice: the count stays at what was written.
        std::thread::sleep(Duration::from_secs(2));
        let _ = term.settle(Instant::now(), |_| true, QUIET, Duration::from_secs(3));
        let count = term.screen.count();
        let exact = shows_all(&term.screen, expected);
        println!(
            "live:    {batch} files moved in at once {:>10}  shows {count}: {}",
            ms(all_in.last_change - at),
            if exact {
                "all of them, none twice"
            } else {
                "NOT the expected count"
            }
        );
        drop(reader);
        drop(scratch);
        if !exact {
            return Err(format!("expected {} cards", thousands(expected)));
        }
        Ok(())
    }
}
