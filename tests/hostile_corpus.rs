//! The generator's hostile corpus (every class of bad input the reliability work covers) through
//! every headless command: each finishes, none crashes, and nothing from a card reaches a
//! human format raw. Time limits are generous (debug builds); speed is measured elsewhere.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use gen_corpus::{Args, Mode};

const LIMIT: Duration = Duration::from_secs(120);

fn hostile() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let args = Args {
        dir: tmp.path().to_path_buf(),
        n: 20,
        seed: 42,
        mode: Mode::Hostile,
    };
    gen_corpus::write_corpus(&args).expect("generated");
    tmp
}

/// Runs tidings with `args`, failing the test if it does not finish within [`LIMIT`].
fn tidings(args: &[&str], dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(args)
        .arg(dir)
        // The tests' reading state, away from the user's own.
        .env(
            "TIDINGS_STATE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-state.db"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tidings runs");
    // Drain the pipes on threads so a large output cannot block the child.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("tidings {args:?} did not finish in {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

/// No byte a terminal would act on: ESC, BEL, other C0 controls but tab and newline, DEL, C1.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad = text.chars().find(|c| {
        (c.is_control() && !matches!(c, '\n' | '\t'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{what}: {bad:?} reached the output");
}

#[test]
fn every_command_finishes_on_the_hostile_corpus_without_crashing() {
    let dir = hostile();
    for args in [
        &["check"][..],
        &["check", "--json"],
        &["search", "", "-f", "table"],
        &["search", "", "-f", "json"],
        &["search", "", "-f", "csv"],
        &["search", "", "-f", "md"],
        &["search", "", "-f", "paths"],
        &["search", "", "-f", "urls"],
        &["search", "a", "-f", "jsonl"],
    ] {
        let out = tidings(args, dir.path());
        let code = out.status.code();
        // 0 or 1 (files were skipped), never a panic (101), an abort or a signal (None).
        assert!(
            matches!(code, Some(0 | 1)),
            "{args:?}: {code:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_terminal_safe(&format!("{args:?} stdout"), &out.stdout);
        assert_terminal_safe(&format!("{args:?} stderr"), &out.stderr);
    }
    // Every card the check found loads in search too, and shows.
    let out = tidings(&["search", "", "-f", "jsonl"], dir.path());
    let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    assert!(
        ids.len() > 20,
        "the valid cards and the generated ones: {}",
        ids.len()
    );
    for id in ids.iter().take(10) {
        let out = tidings(&["show", id], dir.path());
        assert_eq!(out.status.code(), Some(0), "show {id}");
        assert_terminal_safe(&format!("show {id}"), &out.stdout);
    }
}
