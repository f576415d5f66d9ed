//! Reading state: which cards are read and starred, when each was first seen, reader sessions
//! (for "new since last time"), saved searches and query history, kept in one SQLite file.
//!
//! # Where
//!
//! [`location::resolve`]: `--state PATH`, else `$TIDINGS_STATE`, else
//! `$XDG_DATA_HOME/tidings/state.db` (`~/.local/share/tidings/state.db`); `--no-state` reads
//! and writes nothing.
//!
//! # How the reader uses it
//!
//! - At start-up, [`StateStore::open`] (a few milliseconds; a locked file waits up to
//!   [`db::BUSY_TIMEOUT`]). If [`StateStore::notice`] is `Some`, show it: the store is
//!   read-only for the whole run (locked, read-only, damaged, full disk, newer schema, not
//!   tidings' file) and marks made are shown but not saved.
//! - [`StateStore::load`] gives the [`Marks`] snapshot (100k cards with 50k marks in a few
//!   milliseconds), [`StateStore::saved_searches`] and [`StateStore::history`] the rest. On
//!   an error, go on with `Marks::default()` and show the problem.
//! - [`StateStore::writer`] starts the [`Writer`] thread; send it [`Op::StartSession`] with
//!   the start time, then [`Op::See`] with the ids of each loaded batch that
//!   [`Marks::see`] reports as unseen.
//! - A user action: build a [`Change`], apply it at once to the reader's own copy of the
//!   marks (`Arc::make_mut(&mut marks).apply(&change)`, which returns the [`Restore`] to push
//!   on the undo stack), and send `Op::Mark(change)` as an effect. `u` pops a `Restore`,
//!   applies it with [`Marks::restore`] and sends `Op::Restore`. `M` is one change of every
//!   id in the list: one transaction, one undo step.
//! - Each op's [`Done`] comes back through the callback given to `writer` (post it to the
//!   event channel). An `Err(WriteError::Unsaved(problem))` means the store went read-only:
//!   say so once and keep going; later ops are refused the same way.
//! - Every second or two, [`StateStore::changed`] (one `PRAGMA data_version`) tells whether
//!   another tidings, or this reader's own writer, committed something: then load again and
//!   re-apply the changes whose `Done` has not come back yet.
//! - Filter terms: `is:read` / `is:unread` ([`Marks::is_read`]), `is:starred`, `is:new`
//!   ([`Marks::is_new`]); [`Marks::version`] belongs in the filter cache's key. `@name` in a
//!   query: [`expand`] it with the saved searches before parsing.
//! - Headless commands are not sessions: they only record first sightings.
//!
//! # Safety of the file
//!
//! WAL mode, a busy timeout, and `BEGIN IMMEDIATE` for every write; one transaction per op,
//! so a process killed mid-write leaves all of the op or none of it. The schema has a version
//! and migrations ([`schema`]); a file that is damaged, of a newer schema or another
//! program's is opened read-only and never modified, and nothing ever resets or deletes it.

pub mod db;
mod history;
pub mod location;
mod marks;
mod ops;
pub mod schema;
mod searches;
mod store;
mod transfer;
mod writer;

pub use db::{Problem, now};
pub use history::{HistoryEntry, MAX_HISTORY};
pub use location::Location;
pub use marks::{CardState, Change, Flag, FlagKind, Marks, Restore};
pub use ops::{Op, Outcome, WriteError};
pub use searches::{ExpandError, MAX_NAME_CHARS, SavedSearch, check_name, check_query, expand};
pub use store::StateStore;
pub use transfer::{Imported, Record};
pub use writer::{Done, Ticket, Writer};
