//! Query history: the queries applied in the filter line, newest first, each once (typing a
//! query again moves it to the front), at most [`MAX_HISTORY`], as fzf keeps its history.

use jiff::Timestamp;
use rusqlite::{Connection, Transaction, params};

use super::db::{micros, timestamp};

/// Entries kept; older ones are dropped as new ones come.
pub const MAX_HISTORY: usize = 1000;

/// One past query and when it was last used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub query: String,
    pub used: Timestamp,
}

/// The history, newest first.
pub(crate) fn load(conn: &Connection) -> rusqlite::Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare("SELECT query, used FROM history ORDER BY used DESC, query")?;
    let rows = stmt.query_map([], |r| {
        Ok(HistoryEntry {
            query: r.get(0)?,
            used: timestamp(r.get(1)?).unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// The form a query is kept in: without the spaces around it, which change nothing. `None` for
/// a blank query, which is not worth a place in the history.
pub fn normal(query: &str) -> Option<&str> {
    Some(query.trim()).filter(|q| !q.is_empty())
}

/// Records a use of `query` at `at` (the later time stays when it is already there), then
/// drops the oldest entries past [`MAX_HISTORY`].
pub(crate) fn record(tx: &Transaction, query: &str, at: Timestamp) -> rusqlite::Result<()> {
    let Some(query) = normal(query) else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO history (query, used) VALUES (?1, ?2)
         ON CONFLICT (query) DO UPDATE SET used = max(used, excluded.used)",
        params![query, micros(at)],
    )?;
    trim(tx)
}

pub(crate) fn trim(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM history WHERE query NOT IN
             (SELECT query FROM history ORDER BY used DESC, query LIMIT ?1)",
        [MAX_HISTORY as i64],
    )?;
    Ok(())
}
