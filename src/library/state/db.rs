//! Opening the state file, and what can go wrong with it: every SQLite failure is sorted into a
//! [`Problem`] a person can act on, and a store with a problem goes read-only instead of
//! guessing. Nothing here ever deletes, resets or rewrites a file it cannot read.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::schema::{self, Shape};

/// How long a write waits for another tidings (or any program) holding the file's write lock
/// before it gives up: long enough for a bulk mark of 100k cards elsewhere to commit.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the state cannot be written (and sometimes not read either). Once a store has one, it
/// stays read-only for the rest of the run: marks made from then on are shown but not saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Another program held the write lock for longer than [`BUSY_TIMEOUT`].
    Locked,
    /// The file or its folder cannot be written (permissions, a read-only file system).
    ReadOnly,
    /// The file is not an SQLite database, or a damaged one. It is left exactly as it is.
    Corrupt,
    /// No space left to write.
    DiskFull,
    /// The file was written by a newer tidings, whose schema this one does not know.
    Newer { found: i64, known: i64 },
    /// An SQLite database of some other program.
    Foreign,
    /// Anything else, as SQLite or the system described it.
    Other(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Locked => write!(
                f,
                "locked by another program for over {} seconds",
                BUSY_TIMEOUT.as_secs()
            ),
            Problem::ReadOnly => write!(f, "the file or its folder is read-only"),
            Problem::Corrupt => write!(
                f,
                "the file is damaged or not a database; it is left as it is"
            ),
            Problem::DiskFull => write!(f, "the disk is full"),
            Problem::Newer { found, known } => write!(
                f,
                "written by a newer tidings (schema version {found}; this one knows up to \
                 {known}); it is left as it is"
            ),
            Problem::Foreign => write!(
                f,
                "not a tidings state file (another program's database); it is left as it is"
            ),
            Problem::Other(why) => write!(f, "{why}"),
        }
    }
}

impl Problem {
    /// The problem an SQLite error stands for.
    pub(crate) fn from_sqlite(e: &rusqlite::Error) -> Problem {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Problem::Locked,
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                Problem::ReadOnly
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Problem::Corrupt,
            Some(ErrorCode::DiskFull) => Problem::DiskFull,
            _ => Problem::Other(e.to_string()),
        }
    }

    /// A problem with the file system around the file.
    fn from_io(e: &std::io::Error) -> Problem {
        match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                Problem::ReadOnly
            }
            std::io::ErrorKind::StorageFull => Problem::DiskFull,
            _ => Problem::Other(e.to_string()),
        }
    }
}

/// A connection to the state file as far as it could be opened: `conn` is `None` when nothing
/// can be read from it; `problem` is `Some` when nothing may be written to it.
pub(crate) struct Opened {
    pub conn: Option<Connection>,
    pub problem: Option<Problem>,
}

/// Opens the state file at `path`, creating it (and its folder) when it does not exist, and
/// brings its schema up to date; anything in the way becomes the [`Problem`] of a read-only
/// store. A file that is damaged, foreign or of a newer schema is only ever read.
///
/// SQLite answers "busy" at once, without calling the busy handler, where waiting could
/// deadlock: switching a new file to WAL, recovering another connection's WAL, upgrading a read
/// to a write. Several programs started together on one file meet exactly those, so the whole
/// open is tried again until [`BUSY_TIMEOUT`] has passed.
pub(crate) fn open(path: &Path) -> Opened {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        let opened = open_once(path);
        if opened.problem != Some(Problem::Locked) || std::time::Instant::now() >= deadline {
            return opened;
        }
        drop(opened);
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// One attempt of [`open`].
fn open_once(path: &Path) -> Opened {
    let refuse = |problem| Opened {
        conn: None,
        problem: Some(problem),
    };
    if path.is_dir() {
        return refuse(Problem::Other("it is a folder, not a file".into()));
    }
    if !path.exists()
        && let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(folder)
    {
        return refuse(Problem::from_io(&e));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match Connection::open_with_flags(path, flags) {
        Ok(conn) => conn,
        // SQLite opens a write-protected file read-only by itself; this is a folder where the
        // file cannot be created, or a file that cannot be read at all.
        Err(e) => return refuse(Problem::from_sqlite(&e)),
    };
    prepare(conn, path)
}

/// Checks what the file holds before writing anything to it, then switches it to WAL and
/// migrates it.
fn prepare(conn: Connection, path: &Path) -> Opened {
    if let Err(e) = conn.busy_timeout(BUSY_TIMEOUT) {
        return Opened {
            conn: None,
            problem: Some(Problem::from_sqlite(&e)),
        };
    }
    let shape = match schema::inspect(&conn) {
        Ok(shape) => shape,
        // A WAL file in a folder this process cannot write: its shared-memory index cannot be
        // created, so read the file as it is on disk, assuming nobody changes it meanwhile.
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly)
            ) && let Some(conn) = open_immutable(path) =>
        {
            return Opened {
                conn: Some(conn),
                problem: Some(Problem::ReadOnly),
            };
        }
        Err(e) => {
            return Opened {
                conn: None,
                problem: Some(Problem::from_sqlite(&e)),
            };
        }
    };
    match shape {
        Shape::Foreign => Opened {
            conn: None,
            problem: Some(Problem::Foreign),
        },
        Shape::Newer(found) => Opened {
            conn: Some(conn),
            problem: Some(Problem::Newer {
                found,
                known: schema::VERSION,
            }),
        },
        Shape::Ours(_) | Shape::Empty if conn.is_readonly("main").unwrap_or(true) => Opened {
            conn: Some(conn),
            problem: Some(Problem::ReadOnly),
        },
        Shape::Ours(_) | Shape::Empty => {
            let mut conn = conn;
            let ready = wal(&conn).and_then(|()| schema::migrate(&mut conn, schema::STEPS));
            match ready {
                Ok(_) => Opened {
                    conn: Some(conn),
                    problem: None,
                },
                Err(e) => {
                    let problem = Problem::from_sqlite(&e);
                    // A file that turned out to be damaged is not read either; for any other
                    // problem what is there can still be shown.
                    let readable = problem != Problem::Corrupt && matches!(shape, Shape::Ours(_));
                    Opened {
                        conn: readable.then_some(conn),
                        problem: Some(problem),
                    }
                }
            }
        }
    }
}

/// WAL lets a reader and a writer (the reader's own writer thread, or a second tidings) work at
/// once, and a transaction killed half-way leaves the file as it was. A file system without
/// shared memory keeps the rollback journal SQLite reports instead, which is as safe.
fn wal(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
}

/// The file opened as an immutable snapshot (SQLite's `immutable=1`), read-only.
fn open_immutable(path: &Path) -> Option<Connection> {
    let uri = format!("file:{}?immutable=1", uri_path(path)?);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri, flags).ok()?;
    schema::inspect(&conn).ok()?;
    Some(conn)
}

/// An absolute path percent-encoded for a `file:` URI: `?`, `#` and `%` in a file name must
/// not be read as the URI's own syntax.
fn uri_path(path: &Path) -> Option<String> {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let absolute: PathBuf = std::path::absolute(path).ok()?;
    Some(utf8_percent_encode(absolute.to_str()?, KEEP).to_string())
}

/// `t` to the microsecond, as the file keeps it: what is shown before a write is what is read
/// back after it.
pub(crate) fn stored(t: Timestamp) -> Timestamp {
    timestamp(micros(t)).unwrap_or(t)
}

/// The time now, as the file keeps it ([`stored`]): the time to give every [`super::Op`].
pub fn now() -> Timestamp {
    stored(Timestamp::now())
}

/// A time as the database keeps it: microseconds since the Unix epoch.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// A stored time back; `None` for a value no timestamp has (only a damaged or hand-edited
/// file holds one).
pub(crate) fn timestamp(us: i64) -> Option<Timestamp> {
    Timestamp::from_microsecond(us).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_a_uri_would_read_as_syntax() {
        assert_eq!(
            uri_path(Path::new("/a b/c?d#e%f.db")).as_deref(),
            Some("/a%20b/c%3Fd%23e%25f.db")
        );
    }

    #[test]
    fn sqlite_failures_become_problems_a_person_can_act_on() {
        let failure = |code| {
            rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some("x".into()))
        };
        assert_eq!(
            Problem::from_sqlite(&failure(rusqlite::ffi::SQLITE_BUSY)),
            Problem::Locked
        );
        assert_eq!(
            Problem::from_sqlite(&failure(rusqlite::ffi::SQLITE_FULL)),
            Problem::DiskFull
        );
        assert_eq!(
            Problem::from_sqlite(&failure(rusqlite::ffi::SQLITE_NOTADB)),
            Problem::Corrupt
        );
        assert_eq!(
            Problem::from_sqlite(&failure(rusqlite::ffi::SQLITE_READONLY)),
            Problem::ReadOnly
        );
    }
}
