//! What persists between runs: the reading state (marks, saved searches, query history), kept in
//! SQLite by [`state`].

pub mod state;
