//! Reading state at the size of a large corpus: 100k cards seen, 50k of them marked (40k read,
//! 10k starred). Measures what the reader pays at start-up (opening the file, loading the
//! marks), what `M` on 100k cards costs before the screen can show it (the change applied to
//! a shared snapshot), and until its one transaction commits (written directly, and through
//! the writer thread as the reader sends it).
//!
//! `cargo bench --bench state`. Prints the median and worst of each.

use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use tidings::corpus::CardId;
use tidings::library::state::{Change, FlagKind, Marks, Op, StateStore, now};

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CARDS: u64 = 100_000;
const READ: usize = 40_000;
const STARRED: usize = 10_000;
const ROUNDS: usize = 20;
const BULK_ROUNDS: usize = 6;

/// Ids spread over 64 bits as real content ids are (splitmix64).
fn id(i: u64) -> CardId {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    CardId(z ^ (z >> 31))
}

/// CPU time this thread has used: on a machine shared with other work, what a step costs
/// regardless of how long it waited for a core.
fn cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; the clock id is a constant.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall-clock and CPU time of one run of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, (Duration, Duration)) {
    let (wall, on_cpu) = (Instant::now(), cpu());
    let t = f();
    (t, (wall.elapsed(), cpu() - on_cpu))
}

fn report(what: &str, times: Vec<(Duration, Duration)>) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (mut wall, mut on_cpu): (Vec<_>, Vec<_>) = times.into_iter().unzip();
    wall.sort();
    on_cpu.sort();
    println!(
        "{what:<56} wall median {:>7.2} ms, worst {:>7.2}; cpu median {:>7.2} ms",
        ms(wall[wall.len() / 2]),
        ms(wall[wall.len() - 1]),
        ms(on_cpu[on_cpu.len() / 2]),
    );
}

fn mark(kind: FlagKind, on: bool, ids: Arc<[CardId]>) -> Op {
    Op::Mark(Change {
        kind,
        on,
        ids,
        at: now(),
    })
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("state.db");
    let all: Arc<[CardId]> = (0..CARDS).map(id).collect();
    {
        let mut store = StateStore::open(&path);
        store
            .write(&Op::See {
                ids: all.to_vec(),
                at: now(),
            })
            .expect("seen");
        store
            .write(&mark(FlagKind::Read, true, all[..READ].into()))
            .expect("read");
        let starred = &all[READ..READ + STARRED];
        store
            .write(&mark(FlagKind::Starred, true, starred.into()))
            .expect("starred");
    }
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "state file: {CARDS} cards seen, {READ} read, {STARRED} starred, {} KiB",
        size / 1024
    );

    let (mut opens, mut loads, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (mut store, open) = timed(|| StateStore::open(&path));
        let (marks, load) = timed(|| store.load().expect("loads"));
        opens.push(open);
        loads.push(load);
        assert_eq!(marks.len(), CARDS as usize);
        // SQLite's share: stepping through the same rows, reading every column.
        let conn = rusqlite::Connection::open(&path).expect("open");
        let (sum, step) = timed(|| {
            let mut stmt = conn
                .prepare("SELECT id, read, read_at, starred, starred_at, first_seen FROM card")
                .expect("prepare");
            let mut rows = stmt.query([]).expect("query");
            let mut sum = 0i64;
            while let Some(r) = rows.next().expect("step") {
                for i in 0..6 {
                    sum = sum.wrapping_add(r.get::<_, Option<i64>>(i).ok().flatten().unwrap_or(0));
                }
            }
            sum
        });
        assert_ne!(sum, 0);
        steps.push(step);
    }
    report("open the file (schema check, WAL)", opens);
    report("load 100k cards with 50k marks into a snapshot", loads);
    report("  of which SQLite alone: step through the 100k rows", steps);

    let mut store = StateStore::open(&path);
    let base = Arc::new(store.load().expect("loads"));
    let mut shows = Vec::new();
    for round in 0..ROUNDS {
        // The filter worker still holds the old snapshot, as it would in the reader.
        let shared = Arc::clone(&base);
        let mut mine = Arc::clone(&base);
        let change = Change {
            kind: FlagKind::Read,
            on: round % 2 == 0,
            ids: Arc::clone(&all),
            at: now(),
        };
        let (undo, shown) = timed(|| Arc::make_mut(&mut mine).apply(&change));
        shows.push(shown);
        assert_eq!(undo.values.len(), all.len());
        drop((shared, undo));
    }
    report("M on 100k cards: the reader's copy shows them read", shows);

    let mut commits = Vec::new();
    for round in 0..BULK_ROUNDS {
        let op = mark(FlagKind::Read, round % 2 == 0, Arc::clone(&all));
        let ((), commit) = timed(|| {
            store.write(&op).expect("written");
        });
        commits.push(commit);
    }
    report("M on 100k cards: one transaction, committed", commits);

    let (tx, rx) = mpsc::channel();
    let writer = store.writer(move |done| {
        let _ = tx.send((Instant::now(), done));
    });
    let mut through_writer = Vec::new();
    let mut sends = Vec::new();
    for round in 0..BULK_ROUNDS {
        let op = mark(FlagKind::Read, round % 2 == 0, Arc::clone(&all));
        let started = Instant::now();
        let (_, send) = timed(|| writer.send(op));
        sends.push(send);
        let (at, done) = rx.recv().expect("the writer answers");
        done.result.expect("written");
        // The writer's CPU is on its own thread: wall time only.
        through_writer.push((at - started, at - started));
    }
    drop(writer);
    report("M on 100k cards: Writer::send returns", sends);
    report(
        "M on 100k cards: sent to the writer thread, committed",
        through_writer,
    );

    let mut changed = Vec::new();
    for _ in 0..ROUNDS {
        let (_, poll) = timed(|| store.changed());
        changed.push(poll);
    }
    report("changed(): the poll for another tidings' writes", changed);
    let marks: Marks = store.load().expect("loads");
    assert_eq!(marks.len(), CARDS as usize);
}
