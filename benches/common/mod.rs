//! Shared by the benchmarks: a generated corpus of realistic text on disk, made once and kept
//! under `target/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../examples/gen_corpus.rs"]
#[allow(dead_code)]
pub mod gen_corpus;

/// The seed every benchmark corpus is generated with.
#[allow(dead_code)] // Not every benchmark needs to know.
pub const SEED: u64 = 42;

/// A folder holding `n` generated realistic cards (seed [`SEED`]), generated on first use.
///
/// Realistic text, because figures on the classic mode's few hundred words mislead: there every
/// word is in a third of the cards. The folder name carries the generator's version, so a
/// corpus from an older generator is never measured by mistake.
pub fn generated(n: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-corpus/realistic-v1")
        .join(n.to_string());
    let done = dir.join(".complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let args = gen_corpus::Args {
            dir: dir.clone(),
            n,
            seed: SEED,
            mode: gen_corpus::Mode::Realistic,
        };
        if let Err(e) = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| gen_corpus::write_corpus(&args))
        {
            panic!("cannot generate the benchmark corpus: {e}");
        }
        let _ = std::fs::write(&done, b"");
    }
    dir
}

/// The card files of [`generated`]`(n)`, as the loader finds them.
#[allow(dead_code)] // Not every benchmark loads through here.
pub fn files(n: u64) -> Vec<tidings::corpus::load::FileEntry> {
    match tidings::corpus::load::discover(&[generated(n)]) {
        Ok((files, _)) => files,
        Err(e) => panic!("{e}"),
    }
}

/// The median wall time of `runs` runs of `program args`, its stdin from `input` if given, its
/// output discarded: the reference timings (fzf, cat) and the binary's own. `None` if it cannot
/// be started or a signal kills it (a non-zero exit, such as fzf's for no match, still counts).
#[allow(dead_code)] // Only the benchmarks that time programs use it.
pub fn median_run(
    runs: usize,
    program: &str,
    args: &[&str],
    input: Option<&Path>,
) -> Option<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut command = Command::new(program);
        command
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(input) = input {
            command.stdin(std::fs::File::open(input).ok()?);
        }
        let started = Instant::now();
        let status = command.status().ok()?;
        times.push(started.elapsed());
        status.code()?;
    }
    times.sort();
    times.get(runs / 2).copied()
}

/// The process's CPU time so far, in clock ticks (utime + stime of /proc/PID/stat).
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Waits until `pid` has used no CPU for a second (at most `limit`): loading is over, with the
/// work done after it (the files' keys checked, the cache written, the index caught up).
/// Returns how long that took; elsewhere than Linux, waits for nothing.
#[allow(dead_code)] // Not every benchmark waits for the reader to settle.
pub fn idle(pid: u32, limit: Duration) -> Duration {
    let started = Instant::now();
    #[cfg(target_os = "linux")]
    {
        let mut last = cpu_ticks(pid);
        while started.elapsed() < limit {
            std::thread::sleep(Duration::from_secs(1));
            let now = cpu_ticks(pid);
            if now == last {
                break;
            }
            last = now;
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (pid, limit);
    started.elapsed()
}
