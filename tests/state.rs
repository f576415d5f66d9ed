//! The reading state store: marks, undo, first sightings and sessions, saved searches,
//! history, export and import, the writer thread, and every way the file can be unusable
//! (locked, read-only, damaged, newer, foreign), through the library's public API.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use jiff::Timestamp;
use tidings::corpus::CardId;
use tidings::library::state::{
    Change, Flag, FlagKind, Marks, Op, Outcome, Problem, Record, StateStore, WriteError,
};

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + s).unwrap()
}

fn ids(range: std::ops::Range<u64>) -> Arc<[CardId]> {
    range.map(CardId).collect()
}

fn change(kind: FlagKind, on: bool, ids: Arc<[CardId]>, at: Timestamp) -> Change {
    Change { kind, on, ids, at }
}

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("state.db")
}

fn marked(store: &mut StateStore, change: Change) -> tidings::library::state::Restore {
    match store.write(&Op::Mark(change)) {
        Ok(Outcome::Marked(restore)) => restore,
        other => panic!("mark: {other:?}"),
    }
}

#[test]
fn marks_persist_and_undo_writes_the_old_values_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&db(&dir));
    assert_eq!(store.notice(), None);
    // Ids past i64::MAX are stored as negative keys and must come back the same.
    let big = CardId(0xf18b_e6a7_170f_6cf1);
    marked(
        &mut store,
        change(FlagKind::Read, true, Arc::from([CardId(1), big]), t(1)),
    );
    let undo = marked(
        &mut store,
        change(FlagKind::Read, false, Arc::from([big]), t(2)),
    );
    assert_eq!(
        undo.values,
        [(
            big,
            Flag {
                on: true,
                at: Some(t(1))
            }
        )]
    );
    marked(
        &mut store,
        change(FlagKind::Starred, true, Arc::from([big]), t(3)),
    );
    drop(store);

    let mut store = StateStore::open(&db(&dir));
    let marks = store.load().unwrap();
    assert!(marks.is_read(CardId(1)));
    assert!(!marks.is_read(big));
    assert!(marks.is_starred(big));
    assert_eq!(marks.get(big).read.at, Some(t(2)));

    store.write(&Op::Restore(undo)).unwrap();
    let marks = store.load().unwrap();
    assert!(marks.is_read(big));
    assert_eq!(marks.get(big).read.at, Some(t(1)));
    assert!(marks.is_starred(big), "undo touches only its own flag");
}

#[test]
fn first_sightings_and_sessions_make_new_since_last_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&db(&dir));
    assert_eq!(
        store.write(&Op::See {
            ids: ids(0..3).to_vec(),
            at: t(10)
        }),
        Ok(Outcome::Seen(3))
    );
    store.write(&Op::StartSession { at: t(20) }).unwrap();
    // Seen again later: the first sighting stays.
    assert_eq!(
        store.write(&Op::See {
            ids: ids(2..5).to_vec(),
            at: t(30)
        }),
        Ok(Outcome::Seen(2))
    );
    drop(store);

    // The next session's "previous session" is the one at 20.
    let mut store = StateStore::open(&db(&dir));
    let marks = store.load().unwrap();
    assert_eq!(marks.since(), Some(t(20)));
    assert!(!marks.is_new(CardId(0)) && !marks.is_new(CardId(2)));
    assert!(marks.is_new(CardId(3)) && marks.is_new(CardId(4)));
    assert_eq!(marks.get(CardId(2)).first_seen, Some(t(10)));
}

#[test]
fn a_bulk_mark_is_one_transaction_and_its_undo_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&db(&dir));
    marked(&mut store, change(FlagKind::Read, true, ids(0..10), t(1)));
    let undo = marked(
        &mut store,
        change(FlagKind::Read, true, ids(0..20_000), t(2)),
    );
    assert_eq!(undo.values.len(), 20_000);
    assert_eq!(
        undo.values[5].1,
        Flag {
            on: true,
            at: Some(t(1))
        }
    );
    assert_eq!(undo.values[15].1, Flag::default());
    store.write(&Op::Restore(undo)).unwrap();
    let marks = store.load().unwrap();
    assert!(marks.is_read(CardId(9)));
    assert!(!marks.is_read(CardId(10)) && !marks.is_read(CardId(19_999)));
}

#[test]
fn saved_searches_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&db(&dir));
    let save = |name: &str, query: &str, at| Op::SaveSearch {
        name: name.into(),
        query: query.into(),
        at,
    };
    store.write(&save("ai", "topic:AI", t(1))).unwrap();
    store.write(&save("bbc", "provider:bbc", t(2))).unwrap();
    store.write(&save("ai", "topic:AI !crypto", t(3))).unwrap();
    assert!(matches!(
        store.write(&save("a b", "x", t(4))),
        Err(WriteError::Invalid(_))
    ));
    assert!(matches!(
        store.write(&save("long", &"x".repeat(1001), t(4))),
        Err(WriteError::Invalid(_))
    ));
    assert!(matches!(
        store.write(&Op::RenameSearch {
            from: "bbc".into(),
            to: "ai".into(),
            at: t(5)
        }),
        Err(WriteError::Invalid(_))
    ));
    store
        .write(&Op::RenameSearch {
            from: "bbc".into(),
            to: "news".into(),
            at: t(5),
        })
        .unwrap();
    store
        .write(&Op::DeleteSearch {
            name: "gone".into(),
        })
        .unwrap();
    let saved = store.saved_searches().unwrap();
    let pairs: Vec<(&str, &str)> = saved.iter().map(|s| (&*s.name, &*s.query)).collect();
    assert_eq!(
        pairs,
        [("ai", "topic:AI !crypto"), ("news", "provider:bbc")]
    );
    assert_eq!((saved[0].created, saved[0].updated), (t(1), t(3)));

    for (i, q) in ["a", " b ", "a", "", "c"].iter().enumerate() {
        store
            .write(&Op::RecordQuery {
                query: q.to_string(),
                at: t(i as i64),
            })
            .unwrap();
    }
    let history: Vec<String> = store
        .history()
        .unwrap()
        .into_iter()
        .map(|h| h.query)
        .collect();
    assert_eq!(history, ["c", "a", "b"]);
}

#[test]
fn history_keeps_the_latest_thousand() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&db(&dir));
    for i in 0..1005 {
        store
            .write(&Op::RecordQuery {
                query: format!("q{i}"),
                at: t(i),
            })
            .unwrap();
    }
    let history = store.history().unwrap();
    assert_eq!(history.len(), tidings::library::state::MAX_HISTORY);
    assert_eq!(history[0].query, "q1004");
    assert_eq!(history[999].query, "q5");
}

#[test]
fn export_then_import_elsewhere_round_trips_and_later_times_win() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = StateStore::open(&dir.path().join("a.db"));
    marked(&mut a, change(FlagKind::Read, true, ids(1..4), t(10)));
    marked(&mut a, change(FlagKind::Starred, true, ids(2..3), t(11)));
    a.write(&Op::See {
        ids: ids(1..4).to_vec(),
        at: t(5),
    })
    .unwrap();
    a.write(&Op::SaveSearch {
        name: "x".into(),
        query: "q".into(),
        at: t(12),
    })
    .unwrap();
    a.write(&Op::RecordQuery {
        query: "rust".into(),
        at: t(13),
    })
    .unwrap();
    let exported = a.export().unwrap();
    assert_eq!(exported.len(), 5);

    // The other machine read card 1 later, marked card 3 unread earlier, and saw card 2 first.
    let mut b = StateStore::open(&dir.path().join("b.db"));
    marked(&mut b, change(FlagKind::Read, false, ids(1..2), t(20)));
    marked(&mut b, change(FlagKind::Read, false, ids(3..4), t(1)));
    b.write(&Op::See {
        ids: ids(2..3).to_vec(),
        at: t(2),
    })
    .unwrap();
    let imported = b.import(&exported).unwrap();
    assert_eq!(
        (imported.marks, imported.searches, imported.history),
        (3, 1, 1)
    );
    let marks = b.load().unwrap();
    assert!(!marks.is_read(CardId(1)), "the later unread stays");
    assert!(marks.is_read(CardId(2)) && marks.is_read(CardId(3)));
    assert!(marks.is_starred(CardId(2)));
    assert_eq!(marks.get(CardId(2)).first_seen, Some(t(2)));
    assert_eq!(marks.get(CardId(3)).first_seen, Some(t(5)));

    // Importing into an empty store gives back exactly what was exported; twice changes
    // nothing.
    let mut c = StateStore::open(&dir.path().join("c.db"));
    c.import(&exported).unwrap();
    c.import(&exported).unwrap();
    assert_eq!(c.export().unwrap(), exported);
    // Records are JSON lines and back.
    for record in &exported {
        let line = serde_json::to_string(record).unwrap();
        assert_eq!(&serde_json::from_str::<Record>(&line).unwrap(), record);
    }
}

#[test]
fn the_writer_thread_reports_each_op_and_finishes_what_was_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&db(&dir));
    let first = store.load().unwrap();
    let (tx, rx) = mpsc::channel();
    let writer = store.writer(move |done| {
        let _ = tx.send(done);
    });
    let a = writer.send(Op::Mark(change(FlagKind::Read, true, ids(0..100), t(1))));
    let b = writer.send(Op::Mark(change(FlagKind::Starred, true, ids(0..1), t(2))));
    writer.finish();
    let done: Vec<_> = rx.iter().collect();
    assert_eq!(done.len(), 2);
    assert_eq!((done[0].ticket, done[1].ticket), (a, b));
    assert!(matches!(&done[0].result, Ok(Outcome::Marked(r)) if r.values.len() == 100));
    assert!(store.changed(), "the writer's commits show as changes");
    let marks = store.load().unwrap();
    assert_ne!(marks.version(), first.version());
    assert!(marks.is_read(CardId(99)) && marks.is_starred(CardId(0)));
    assert!(!store.changed());
}

/// Marks on a copy show at once and carry their undo, whatever the file does.
#[test]
fn marks_change_in_memory_before_the_write() {
    let mut marks = Arc::new(Marks::default());
    let shared = Arc::clone(&marks);
    let undo = Arc::make_mut(&mut marks).apply(&change(FlagKind::Read, true, ids(0..3), t(1)));
    assert!(marks.is_read(CardId(2)) && !shared.is_read(CardId(2)));
    assert_ne!(marks.version(), shared.version());
    Arc::make_mut(&mut marks).restore(&undo);
    assert!(!marks.is_read(CardId(2)));
}

fn wait_for<T>(rx: &mpsc::Receiver<T>) -> T {
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the writer answers")
}

#[test]
fn a_file_locked_for_long_makes_the_store_read_only_without_blocking_the_sender() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = StateStore::open(&path);
    let (tx, rx) = mpsc::channel();
    let writer = store.writer(move |done| {
        let _ = tx.send(done);
    });
    // Another program takes the write lock and keeps it past the busy timeout.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    writer.send(Op::Mark(change(FlagKind::Read, true, ids(0..1), t(1))));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "send never waits"
    );
    let done = wait_for(&rx);
    assert_eq!(done.result, Err(WriteError::Unsaved(Problem::Locked)));
    holder.execute_batch("ROLLBACK").unwrap();
    // Read-only from then on: the reader said so once, and nothing half-saved follows.
    writer.send(Op::Mark(change(FlagKind::Read, true, ids(1..2), t(2))));
    assert_eq!(
        wait_for(&rx).result,
        Err(WriteError::Unsaved(Problem::Locked))
    );
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_damaged_file_is_reported_and_never_touched() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database, it is a shopping list\n".repeat(100),
    )
    .unwrap();
    // A real state file cut short: the header survives, the pages do not.
    let cut = dir.path().join("cut.db");
    {
        let mut store = StateStore::open(&cut);
        marked(&mut store, change(FlagKind::Read, true, ids(0..5000), t(1)));
        store
            .write(&Op::SaveSearch {
                name: "x".into(),
                query: "y".into(),
                at: t(1),
            })
            .unwrap();
    }
    let whole = bytes(&cut);
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    std::fs::remove_file(dir.path().join("cut.db-wal")).ok();

    for path in [garbage, cut] {
        let before = bytes(&path);
        let mut store = StateStore::open(&path);
        let marks = store.load();
        assert_eq!(
            store.problem(),
            Some(&Problem::Corrupt),
            "{path:?} {marks:?}"
        );
        let notice = store.notice().unwrap();
        assert!(
            notice.contains("damaged") && notice.contains("not saved"),
            "{notice}"
        );
        assert_eq!(
            store.write(&Op::Mark(change(FlagKind::Read, true, ids(0..1), t(2)))),
            Err(WriteError::Unsaved(Problem::Corrupt))
        );
        let (tx, rx) = mpsc::channel();
        let writer = store.writer(move |done| {
            let _ = tx.send(done);
        });
        writer.send(Op::StartSession { at: t(3) });
        assert!(wait_for(&rx).result.is_err());
        drop(writer);
        drop(store);
        assert_eq!(bytes(&path), before, "{path:?} was modified");
    }
}

#[test]
fn a_newer_schema_is_read_only_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    {
        let mut store = StateStore::open(&path);
        marked(&mut store, change(FlagKind::Read, true, ids(0..3), t(1)));
    }
    {
        // What a later tidings might do: a new table and version 2.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE tags (id INTEGER, tag TEXT); PRAGMA user_version = 2;")
            .unwrap();
    }
    let before = bytes(&path);
    let mut store = StateStore::open(&path);
    assert!(matches!(
        store.problem(),
        Some(Problem::Newer { found: 2, known: 1 })
    ));
    assert!(store.notice().unwrap().contains("newer tidings"));
    // What it can read of the file it still shows.
    assert!(store.load().unwrap().is_read(CardId(2)));
    assert!(matches!(
        store.write(&Op::RecordQuery {
            query: "x".into(),
            at: t(2)
        }),
        Err(WriteError::Unsaved(Problem::Newer { .. }))
    ));
    drop(store);
    assert_eq!(bytes(&path), before);
}

#[test]
fn another_programs_database_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE photos (id INTEGER); INSERT INTO photos VALUES (1);")
            .unwrap();
    }
    let before = bytes(&path);
    let mut store = StateStore::open(&path);
    assert_eq!(store.problem(), Some(&Problem::Foreign));
    assert!(store.write(&Op::StartSession { at: t(1) }).is_err());
    drop(store);
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_second_store_on_the_same_file_sees_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = StateStore::open(&db(&dir));
    let mut theirs = StateStore::open(&db(&dir));
    mine.load().unwrap();
    theirs.load().unwrap();
    assert!(!mine.changed());
    marked(
        &mut theirs,
        change(FlagKind::Starred, true, ids(5..6), t(1)),
    );
    assert!(mine.changed(), "a commit by another connection shows");
    assert!(mine.load().unwrap().is_starred(CardId(5)));
    assert!(!mine.changed());
}

#[test]
fn many_programs_opening_a_new_file_at_once_all_get_a_writable_store() {
    // Eight programs started together on a state file nobody has created yet: each one's first
    // open switches the file to WAL and migrates it, and SQLite answers some of them "busy"
    // without waiting. None of them may end up read-only for it.
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = db(&dir);
        let start = Arc::new(std::sync::Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    let mut store = StateStore::open(&path);
                    let problem = store.problem().cloned();
                    let wrote = store.write(&Op::StartSession { at: t(1) }).is_ok();
                    (problem, wrote)
                })
            })
            .collect();
        for handle in handles {
            let (problem, wrote) = handle.join().unwrap();
            assert_eq!(problem, None, "round {round}");
            assert!(wrote, "round {round}");
        }
    }
}
