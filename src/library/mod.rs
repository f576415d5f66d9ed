//! What persists between runs: the cache of parsed cards ([`cache`]) and the reading state
//! (marks, saved searches, query history), kept in SQLite ([`state`]); and the watcher that
//! follows the folders while the reader runs ([`watch`]).

pub mod cache;
pub mod state;
pub mod watch;
