//! The layout of the state file, its version and the migrations between versions.
//!
//! The version is SQLite's `user_version`; `application_id` marks the file as tidings' own, so
//! another program's database named by mistake is never touched. Each [`Step`] brings the file
//! from one version to the next in its own `BEGIN IMMEDIATE` transaction, so a migration killed
//! half-way leaves the previous version whole. A file of a version past [`VERSION`] is a newer
//! tidings': it is read as far as possible and never written.

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// The schema version this build writes.
pub const VERSION: i64 = STEPS.len() as i64;

/// `PRAGMA application_id` of a tidings state file: "tidi" in ASCII.
pub(crate) const APPLICATION_ID: i64 = 0x7469_6469;

/// One migration: from version `n` to `n + 1`, where `n` is its index in the list.
pub(crate) type Step = fn(&Transaction) -> rusqlite::Result<()>;

/// Every migration, in order. Append a step to change the schema; never edit a released one.
pub(crate) const STEPS: &[Step] = &[v1];

/// Version 1. Card ids are `CardId`'s 64 bits as SQLite's signed integer key; times are
/// microseconds since the Unix epoch. A flag's time is when it was last set either way, so an
/// import can tell which of two values is the later; it is NULL when it never was.
fn v1(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE card (
             id INTEGER PRIMARY KEY,
             read INTEGER NOT NULL DEFAULT 0,
             read_at INTEGER,
             starred INTEGER NOT NULL DEFAULT 0,
             starred_at INTEGER,
             first_seen INTEGER
         );
         CREATE TABLE session (started INTEGER NOT NULL);
         CREATE TABLE saved_search (
             name TEXT PRIMARY KEY,
             query TEXT NOT NULL,
             created INTEGER NOT NULL,
             updated INTEGER NOT NULL
         );
         CREATE TABLE history (query TEXT PRIMARY KEY, used INTEGER NOT NULL);
         CREATE INDEX history_by_use ON history (used);",
    )
}

/// What a file holds, read without writing to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A new file, or an empty database: ready to be given the schema.
    Empty,
    /// A tidings state file of this version or an older one.
    Ours(i64),
    /// A tidings state file of a later version.
    Newer(i64),
    /// Some other program's database.
    Foreign,
}

/// Reads the file's identity and version. An error here is usually a damaged file or one that
/// is not a database at all.
pub(crate) fn inspect(conn: &Connection) -> rusqlite::Result<Shape> {
    inspect_knowing(conn, VERSION)
}

/// [`inspect`] for a build that knows versions up to `known`.
fn inspect_knowing(conn: &Connection, known: i64) -> rusqlite::Result<Shape> {
    // One statement, so all three come from one snapshot: read apart, a migration committed
    // by another program in between would show an id of 0 beside its version (a "foreign" file).
    let (id, version, tables): (i64, i64, i64) = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id()), \
                (SELECT user_version FROM pragma_user_version()), \
                (SELECT count(*) FROM sqlite_schema)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(shape_of(id, version, tables, known))
}

fn shape_of(id: i64, version: i64, tables: i64, known: i64) -> Shape {
    match id {
        0 if version == 0 && tables == 0 => Shape::Empty,
        APPLICATION_ID if version > known => Shape::Newer(version),
        APPLICATION_ID => Shape::Ours(version),
        _ => Shape::Foreign,
    }
}

/// Brings the file to the version `steps` reach, one transaction per step; returns the version
/// it was at. The version is read again inside each transaction, since another tidings may
/// have migrated the file in between.
pub(crate) fn migrate(conn: &mut Connection, steps: &[Step]) -> rusqlite::Result<i64> {
    let target = steps.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut at = found;
    while at < target {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        at = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(step) = usize::try_from(at).ok().and_then(|i| steps.get(i)) else {
            break;
        };
        step(&tx)?;
        at += 1;
        // PRAGMA takes no parameters; `at` is a number this function computed.
        tx.execute_batch(&format!(
            "PRAGMA user_version = {at}; PRAGMA application_id = {APPLICATION_ID};"
        ))?;
        tx.commit()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(shape_of(0, 0, 0, 1), Shape::Empty);
        assert_eq!(shape_of(0, 0, 3, 1), Shape::Foreign);
        assert_eq!(shape_of(0, 4, 0, 1), Shape::Foreign);
        assert_eq!(shape_of(7, 0, 0, 1), Shape::Foreign);
        assert_eq!(shape_of(APPLICATION_ID, 1, 4, 1), Shape::Ours(1));
        assert_eq!(shape_of(APPLICATION_ID, 2, 4, 1), Shape::Newer(2));
    }

    /// The layout of a "version 0" that never shipped, standing in for any older schema: one
    /// table of read ids (as decimal text) with the time each was read.
    fn old_layout(tx: &Transaction) -> rusqlite::Result<()> {
        tx.execute_batch("CREATE TABLE seen_read (id TEXT PRIMARY KEY, at INTEGER NOT NULL);")
    }

    /// Its migration to today's layout: the real first step, then the old rows moved over.
    fn old_to_current(tx: &Transaction) -> rusqlite::Result<()> {
        v1(tx)?;
        tx.execute_batch(
            "INSERT INTO card (id, read, read_at)
                 SELECT CAST(id AS INTEGER), 1, at FROM seen_read;
             DROP TABLE seen_read;",
        )
    }

    #[test]
    fn an_older_layout_migrates_with_its_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn, &[old_layout]).unwrap(), 0);
        conn.execute_batch("INSERT INTO seen_read VALUES ('255', 5), ('256', 6);")
            .unwrap();
        assert_eq!(inspect(&conn).unwrap(), Shape::Ours(1));

        assert_eq!(
            migrate(&mut conn, &[old_layout, old_to_current]).unwrap(),
            1
        );
        let rows: Vec<(i64, bool, i64)> = conn
            .prepare("SELECT id, read, read_at FROM card ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, [(255, true, 5), (256, true, 6)]);
        assert_eq!(inspect_knowing(&conn, 2).unwrap(), Shape::Ours(2));
        assert_eq!(inspect(&conn).unwrap(), Shape::Newer(2));
        // Running again changes nothing.
        assert_eq!(
            migrate(&mut conn, &[old_layout, old_to_current]).unwrap(),
            2
        );
    }

    fn failing(tx: &Transaction) -> rusqlite::Result<()> {
        tx.execute_batch("CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);")
    }

    #[test]
    fn a_failed_step_leaves_the_previous_version_whole() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, STEPS).unwrap();
        let err = migrate(&mut conn, &[v1, failing]);
        assert!(err.is_err());
        assert_eq!(inspect(&conn).unwrap(), Shape::Ours(1));
        let half: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'half'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(half, 0);
    }
}
