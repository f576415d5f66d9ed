//! The state file shared between processes: a bulk mark killed with SIGKILL half-way leaves
//! all of it or none, never a damaged file; two processes marking at once lose nothing; a
//! read-only folder makes a read-only store that still shows what it holds.
//!
//! The other processes are this test binary again, running [`child_process`] with a role in
//! its environment.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings::corpus::CardId;
use tidings::library::state::{Change, FlagKind, Op, Outcome, Problem, StateStore, WriteError};

const ROLE: &str = "TIDINGS_TEST_ROLE";
const STATE: &str = "TIDINGS_TEST_STATE";
/// Generous: a debug build on a busy machine.
const LIMIT: Duration = Duration::from_secs(120);

const BULK: u64 = 100_000;

fn child(role: &str, state: &Path) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("the test binary"));
    cmd.args([
        "--exact",
        "child_process",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(ROLE, role)
    .env(STATE, state)
    .stdout(Stdio::piped());
    cmd
}

/// Reads the child's stdout lines until `want`; panics past [`LIMIT`].
fn wait_for_line(lines: &mpsc::Receiver<String>, want: &str) {
    let deadline = Instant::now() + LIMIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(want) => return,
            Ok(_) => {}
            Err(e) => panic!("no {want:?} from the child: {e}"),
        }
    }
}

fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("a child process hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn mark(kind: FlagKind, ids: impl Iterator<Item = u64>) -> Op {
    Op::Mark(Change {
        kind,
        on: true,
        ids: ids.map(CardId).collect(),
        at: Timestamp::now(),
    })
}

/// What the other processes do; nothing when run as an ordinary test.
#[test]
fn child_process() {
    let (Ok(role), Some(state)) = (std::env::var(ROLE), std::env::var_os(STATE)) else {
        return;
    };
    let path = PathBuf::from(state);
    match role.as_str() {
        "bulk" => {
            let mut store = StateStore::open(&path);
            assert_eq!(store.problem(), None);
            println!("@@ready@@");
            let done = store.write(&mark(FlagKind::Read, 1..=BULK));
            assert!(matches!(done, Ok(Outcome::Marked(_))), "{done:?}");
            println!("@@done@@");
        }
        // One transaction per card, from a headless-style store...
        "reader-a" => {
            let mut store = StateStore::open(&path);
            println!("@@ready@@");
            wait_for_go(&path);
            for id in 0..400 {
                let done = store.write(&mark(FlagKind::Read, id..id + 1));
                assert!(done.is_ok(), "{id}: {done:?}");
            }
        }
        // ...and from a writer thread, as the reader writes.
        "reader-b" => {
            let store = StateStore::open(&path);
            let (tx, rx) = mpsc::channel();
            let writer = store.writer(move |done| {
                let _ = tx.send(done);
            });
            println!("@@ready@@");
            wait_for_go(&path);
            for id in 200..600 {
                writer.send(mark(FlagKind::Starred, id..id + 1));
                if id >= 300 {
                    writer.send(mark(FlagKind::Read, id..id + 1));
                }
            }
            writer.finish();
            let results: Vec<_> = rx.iter().collect();
            assert_eq!(results.len(), 700);
            assert!(results.iter().all(|d| d.result.is_ok()));
        }
        "read-only" => read_only_checks(&path),
        other => panic!("unknown role {other}"),
    }
}

fn wait_for_go(state: &Path) {
    let go = state.with_extension("go");
    let deadline = Instant::now() + LIMIT;
    while !go.exists() {
        assert!(Instant::now() < deadline, "no go");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn read_count(path: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

/// When to kill the bulk mark.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    /// This long after the transaction begins.
    After(u64),
    /// As soon as the transaction's pages start reaching the WAL, before the commit.
    WalGrows,
}

#[test]
fn a_bulk_mark_killed_half_way_leaves_all_of_it_or_none() {
    let mut outcomes = Vec::new();
    // Kills spread over the transaction: while it reads the old values, while it writes,
    // and around its commit.
    let kills = [30, 150, 400, 600, 900, 1500]
        .map(KillAt::After)
        .into_iter()
        .chain([KillAt::WalGrows]);
    for kill in kills {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.db");
        let wal = dir.path().join("state.db-wal");
        let mut child = child("bulk", &path).spawn().expect("child starts");
        let lines = lines_of(&mut child);
        wait_for_line(&lines, "@@ready@@");
        match kill {
            KillAt::After(ms) => std::thread::sleep(Duration::from_millis(ms)),
            KillAt::WalGrows => {
                let size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
                let (start, deadline) = (size(), Instant::now() + LIMIT);
                while size() <= start + 4096 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
        // SIGKILL: no destructor, no rollback, no chance to tidy up.
        child.kill().expect("kill");
        wait(child);
        // The lines end with the child's stdout, which its death closes.
        let finished = lines.iter().any(|l| l.contains("@@done@@"));

        assert_eq!(integrity(&path), "ok", "after a kill {kill:?}");
        let read = read_count(&path, "SELECT count(*) FROM card WHERE read = 1");
        assert!(
            read == 0 || read == BULK as i64,
            "{read} of {BULK} marked after a kill {kill:?}"
        );
        // The store opens and works again after the crash.
        let mut store = StateStore::open(&path);
        assert_eq!(store.problem(), None);
        assert_eq!(store.load().expect("loads").len(), read as usize);
        outcomes.push((kill, read, finished));
    }
    eprintln!("(kill, cards read, child finished): {outcomes:?}");
    assert!(
        outcomes
            .iter()
            .any(|(_, read, finished)| *read == 0 && !finished),
        "no kill landed inside the transaction: {outcomes:?}"
    );
}

#[test]
fn two_processes_marking_at_once_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.db");
    // Created first, so neither child has to migrate.
    drop(StateStore::open(&path));
    let mut a = child("reader-a", &path).spawn().expect("a starts");
    let mut b = child("reader-b", &path).spawn().expect("b starts");
    let (la, lb) = (lines_of(&mut a), lines_of(&mut b));
    wait_for_line(&la, "@@ready@@");
    wait_for_line(&lb, "@@ready@@");
    std::fs::write(path.with_extension("go"), b"").expect("go");
    assert!(wait(a).success(), "a failed");
    assert!(wait(b).success(), "b failed");

    assert_eq!(integrity(&path), "ok");
    let mut store = StateStore::open(&path);
    let marks = store.load().expect("loads");
    for id in 0..600 {
        assert!(marks.is_read(CardId(id)), "card {id} lost its read mark");
        assert_eq!(
            marks.is_starred(CardId(id)),
            id >= 200,
            "card {id}: star mark"
        );
    }
}

/// Run as a user who cannot write `path`'s folder.
fn read_only_checks(path: &Path) {
    let mut store = StateStore::open(path);
    assert_eq!(
        store.problem(),
        Some(&Problem::ReadOnly),
        "{:?}",
        store.notice()
    );
    assert!(store.notice().expect("a notice").contains("read-only"));
    let marks = store.load().expect("what is there is still read");
    assert!(marks.is_read(CardId(7)));
    assert_eq!(
        store.write(&mark(FlagKind::Read, 8..9)),
        Err(WriteError::Unsaved(Problem::ReadOnly))
    );
    let missing = path.with_file_name("missing.db");
    let store = StateStore::open(&missing);
    assert_eq!(store.problem(), Some(&Problem::ReadOnly));
    assert!(!missing.exists());
    println!("@@checked@@");
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_gives_a_read_only_store_that_still_reads() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("state");
    std::fs::create_dir(&folder).expect("folder");
    let path = folder.join("state.db");
    {
        let mut store = StateStore::open(&path);
        store
            .write(&mark(FlagKind::Read, 7..8))
            .expect("marked while writable");
    }
    let before = std::fs::read(&path).expect("read");
    let mode = |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    mode(dir.path(), 0o755).expect("chmod");
    mode(&path, 0o444).expect("chmod");
    mode(&folder, 0o555).expect("chmod");

    // Permissions do not stop root: run the checks as nobody then.
    let mut cmd = child("read-only", &path);
    // SAFETY: `geteuid` only reads the process's credentials; it cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
    let mut checks = cmd.spawn().expect("child starts");
    let lines = lines_of(&mut checks);
    let ok = wait(checks).success();
    mode(&folder, 0o755).expect("chmod back");
    assert!(ok, "the read-only checks failed");
    assert!(lines.iter().any(|l| l.contains("@@checked@@")));
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn many_ids_are_one_change() {
    // The shape the reader's `M` sends: ids shared, not copied per op.
    let ids: Arc<[CardId]> = (0..10).map(CardId).collect();
    let change = Change {
        kind: FlagKind::Read,
        on: true,
        ids: Arc::clone(&ids),
        at: Timestamp::now(),
    };
    assert_eq!(Arc::strong_count(&ids), 2);
    assert_eq!(change.ids.len(), 10);
}
