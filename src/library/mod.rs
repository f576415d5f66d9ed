//! What persists between runs: the cache of parsed cards ([`cache`]) and the reading state
//! (marks, saved searches, query history), kept in SQLite ([`state`]).

pub mod cache;
pub mod state;
