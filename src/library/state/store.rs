//! [`StateStore`]: the state file opened once, read into [`Marks`] snapshots, written one
//! transaction per [`Op`] (here, for headless commands; on a [`Writer`] thread, for the reader).

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;

use super::db::{self, Opened, Problem, timestamp};
use super::marks::{Entry, IdMap, Marks};
use super::ops::{self, Failed, Op, Outcome, WriteError};
use super::searches::SavedSearch;
use super::writer::{Done, Writer};
use super::{HistoryEntry, history, searches};

/// The state file, open. Never fails to exist: a file that cannot be written makes a read-only
/// store (see [`StateStore::problem`]), and one that cannot be read an empty one.
pub struct StateStore {
    path: PathBuf,
    conn: Option<Connection>,
    problem: Option<Problem>,
    since: Option<Timestamp>,
    /// `PRAGMA data_version` when the marks were last loaded.
    seen_version: Option<i64>,
}

impl StateStore {
    /// Opens (creating when needed) and migrates the state file at `path`. Takes a few
    /// milliseconds, or up to the busy timeout when another program holds the file locked.
    pub fn open(path: &Path) -> StateStore {
        let Opened { conn, mut problem } = db::open(path);
        let since = match conn.as_ref().map(last_session).transpose() {
            Ok(since) => since.flatten(),
            Err(e) => {
                problem.get_or_insert_with(|| Problem::from_sqlite(&e));
                None
            }
        };
        StateStore {
            path: path.to_path_buf(),
            conn,
            problem,
            since,
            seen_version: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why nothing is saved, when nothing is: then every write answers
    /// [`WriteError::Unsaved`] and the file is left as it is.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// The sentence to show when the store is read-only.
    pub fn notice(&self) -> Option<String> {
        self.problem.as_ref().map(|p| notice(&self.path, p))
    }

    /// Every card's marks, as the file has them now. An unreadable file gives an error (and
    /// the reader goes on with empty marks); so does a store that could not open it at all.
    pub fn load(&mut self) -> Result<Marks, Problem> {
        let Some(conn) = &self.conn else {
            return Err(self.problem.clone().unwrap_or(Problem::Corrupt));
        };
        let read = || -> rusqlite::Result<(i64, IdMap<Entry>)> {
            // The version first: a change committed while reading shows as a change next time.
            let version = data_version(conn)?;
            Ok((version, load_cards(conn)?))
        };
        match read() {
            Ok((version, cards)) => {
                self.seen_version = Some(version);
                Ok(Marks::new(cards, self.since))
            }
            Err(e) => Err(Problem::from_sqlite(&e)),
        }
    }

    /// No marks yet, but the previous session's start: what the reader starts from while
    /// [`StateStore::load`] runs off the start-up path.
    pub fn empty_marks(&self) -> Marks {
        Marks::new(IdMap::default(), self.since)
    }

    /// Whether another connection (a second tidings, this reader's own writer) committed a
    /// change since the last [`StateStore::load`]: a cheap query to poll every second or two.
    pub fn changed(&self) -> bool {
        match (&self.conn, self.seen_version) {
            (Some(conn), Some(seen)) => data_version(conn).is_ok_and(|now| now != seen),
            _ => false,
        }
    }

    /// Every saved search, by name; none when the file cannot be read.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>, Problem> {
        self.read(searches::load)
    }

    /// The query history, newest first.
    pub fn history(&self) -> Result<Vec<HistoryEntry>, Problem> {
        self.read(history::load)
    }

    fn read<T: Default>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Problem> {
        match &self.conn {
            Some(conn) => f(conn).map_err(|e| Problem::from_sqlite(&e)),
            None => Ok(T::default()),
        }
    }

    /// Writes `op` now, on this thread: for headless commands. A failure that is the file's
    /// (locked, read-only, full, damaged) makes the store read-only from then on.
    pub fn write(&mut self, op: &Op) -> Result<Outcome, WriteError> {
        write(&mut self.conn, &mut self.problem, |conn| {
            ops::execute(conn, op)
        })
    }

    /// A thread that writes for the reader: [`Writer::send`] never blocks, and each write's
    /// result comes back through `on_done` (which runs on that thread). It opens its own
    /// connection to the file; a read-only store's writer refuses every op with its problem.
    pub fn writer(&self, on_done: impl FnMut(Done) + Send + 'static) -> Writer {
        Writer::spawn(self.path.clone(), self.problem.clone(), on_done)
    }

    /// Runs `f` in the store's connection for a write of its own (import), with the same rule
    /// as [`StateStore::write`].
    pub(crate) fn write_with<T>(
        &mut self,
        f: impl FnOnce(&mut Connection) -> Result<T, Failed>,
    ) -> Result<T, WriteError> {
        write(&mut self.conn, &mut self.problem, f)
    }

    /// The store's connection, to read from; `None` when the file cannot be read.
    pub(crate) fn conn(&self) -> Option<&Connection> {
        self.conn.as_ref()
    }
}

/// `state.db: the disk is full; marks are not saved`.
pub(crate) fn notice(path: &Path, problem: &Problem) -> String {
    format!(
        "reading state {}: {problem}; marks are not saved",
        path.display()
    )
}

/// One write with the read-only rule: refused when there is a problem; a failure of the file
/// becomes the problem.
pub(crate) fn write<T>(
    conn: &mut Option<Connection>,
    problem: &mut Option<Problem>,
    f: impl FnOnce(&mut Connection) -> Result<T, Failed>,
) -> Result<T, WriteError> {
    if let Some(p) = problem {
        return Err(WriteError::Unsaved(p.clone()));
    }
    let Some(c) = conn.as_mut() else {
        let p = Problem::Other("the state file could not be opened".into());
        *problem = Some(p.clone());
        return Err(WriteError::Unsaved(p));
    };
    match f(c) {
        Ok(t) => Ok(t),
        Err(Failed::Invalid(why)) => Err(WriteError::Invalid(why)),
        Err(Failed::Sqlite(e)) => {
            let p = Problem::from_sqlite(&e);
            *problem = Some(p.clone());
            Err(WriteError::Unsaved(p))
        }
    }
}

fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
}

/// The start of the latest reader session.
fn last_session(conn: &Connection) -> rusqlite::Result<Option<Timestamp>> {
    let us: Option<i64> = conn.query_row("SELECT max(started) FROM session", [], |r| r.get(0))?;
    Ok(us.and_then(timestamp))
}

fn load_cards(conn: &Connection) -> rusqlite::Result<IdMap<Entry>> {
    let count: i64 = conn.query_row("SELECT count(*) FROM card", [], |r| r.get(0))?;
    let mut rows = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut stmt =
        conn.prepare("SELECT id, read, read_at, starred, starred_at, first_seen FROM card")?;
    let mut cursor = stmt.query([])?;
    while let Some(r) = cursor.next()? {
        let int = |i: usize| {
            r.get_ref(i)?
                .as_i64_or_null()
                .map_err(rusqlite::Error::from)
        };
        let flag = |i: usize| int(i).map(|v| v.is_some_and(|v| v != 0));
        rows.push((
            ops::card_id(r.get(0)?),
            Entry::stored(flag(1)?, int(2)?, flag(3)?, int(4)?, int(5)?),
        ));
    }
    // Filling the map after the rows are read, not between steps, halves its cost: the
    // table's scattered writes no longer evict SQLite's pages from the cache.
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::corpus::CardId;
    use crate::library::state::{Change, FlagKind};

    /// A full disk, as SQLite sees one: the file may not grow past its current size.
    #[test]
    fn a_full_disk_refuses_the_write_whole_and_makes_the_store_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let Opened {
            mut conn,
            mut problem,
        } = db::open(&path);
        assert_eq!(problem, None);
        if let Some(c) = &conn {
            let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
            c.execute_batch(&format!("PRAGMA max_page_count = {pages}"))
                .unwrap();
        }
        let op = Op::Mark(Change {
            kind: FlagKind::Read,
            on: true,
            ids: (0..20_000).map(CardId).collect::<Arc<[_]>>(),
            at: Timestamp::UNIX_EPOCH,
        });
        let result = write(&mut conn, &mut problem, |c| ops::execute(c, &op));
        assert_eq!(result, Err(WriteError::Unsaved(Problem::DiskFull)));
        assert_eq!(problem, Some(Problem::DiskFull));
        let rows: i64 = conn
            .as_ref()
            .unwrap()
            .query_row("SELECT count(*) FROM card", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0, "nothing of the transaction was kept");
        // From then on writes are refused without touching the file.
        let again = write(&mut conn, &mut problem, |_| -> Result<(), Failed> {
            panic!("a read-only store must not try")
        });
        assert_eq!(again, Err(WriteError::Unsaved(Problem::DiskFull)));
        assert!(
            notice(&path, &Problem::DiskFull).ends_with("the disk is full; marks are not saved")
        );
    }
}
