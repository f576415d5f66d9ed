//! The writes: every change to the state is an [`Op`], carried out in one `BEGIN IMMEDIATE`
//! transaction whether the reader's writer thread or a headless command runs it.

use std::fmt;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::db::{Problem, micros, timestamp};
use super::marks::{Change, Flag, FlagKind, Restore};
use super::{history, searches};
use crate::corpus::CardId;

/// One write, one transaction: a user action, an undo, or a record the reader keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `m`, `*`, `M`, `tidings mark`: set a flag on cards. Answers [`Outcome::Marked`] with the
    /// values it replaced in the file.
    Mark(Change),
    /// `u`: write back the values a change replaced.
    Restore(Restore),
    /// Cards were loaded at `at`: their first sighting, for those without one. Answers
    /// [`Outcome::Seen`].
    See {
        ids: Vec<CardId>,
        at: Timestamp,
    },
    /// A reader session starts at `at` (headless commands are not sessions).
    StartSession {
        at: Timestamp,
    },
    /// `S`: save `query` as `name`, replacing a search of that name.
    SaveSearch {
        name: String,
        query: String,
        at: Timestamp,
    },
    /// Rename a saved search; refused when `to` is taken or `from` is gone.
    RenameSearch {
        from: String,
        to: String,
        at: Timestamp,
    },
    DeleteSearch {
        name: String,
    },
    /// A query was applied in the filter line.
    RecordQuery {
        query: String,
        at: Timestamp,
    },
}

/// What a write did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The values [`Op::Mark`] replaced, as the file had them: its undo.
    Marked(Restore),
    /// How many cards [`Op::See`] saw for the first time.
    Seen(usize),
    Done,
}

/// Why a write did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The store is read-only, for this reason; nothing was written.
    Unsaved(Problem),
    /// The write makes no sense (a name that is taken, a search that is gone); the store is
    /// fine and nothing was written.
    Invalid(String),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Unsaved(problem) => write!(f, "not saved: {problem}"),
            WriteError::Invalid(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// A failed write: SQLite's error, or the op's own refusal.
pub(crate) enum Failed {
    Sqlite(rusqlite::Error),
    Invalid(String),
}

impl From<rusqlite::Error> for Failed {
    fn from(e: rusqlite::Error) -> Self {
        Failed::Sqlite(e)
    }
}

/// Carries out `op` in one transaction; on any error nothing of it is written.
pub(crate) fn execute(conn: &mut Connection, op: &Op) -> Result<Outcome, Failed> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let outcome = match op {
        Op::Mark(change) => Outcome::Marked(mark(&tx, change)?),
        Op::Restore(restore) => {
            write_flags(&tx, restore.kind, &restore.values)?;
            Outcome::Done
        }
        Op::See { ids, at } => Outcome::Seen(see(&tx, ids, *at)?),
        Op::StartSession { at } => {
            tx.execute("INSERT INTO session (started) VALUES (?1)", [micros(*at)])?;
            // Only the latest two sessions mean anything; a few more cost nothing.
            tx.execute(
                "DELETE FROM session WHERE rowid NOT IN
                     (SELECT rowid FROM session ORDER BY started DESC LIMIT 10)",
                [],
            )?;
            Outcome::Done
        }
        Op::SaveSearch { name, query, at } => {
            searches::check_name(name).map_err(Failed::Invalid)?;
            searches::check_query(query).map_err(Failed::Invalid)?;
            searches::save(&tx, name, query, *at)?;
            Outcome::Done
        }
        Op::RenameSearch { from, to, at } => {
            searches::check_name(to).map_err(Failed::Invalid)?;
            if !searches::exists(&tx, from)? {
                return Err(Failed::Invalid(format!("no saved search named @{from}")));
            }
            if from != to && searches::exists(&tx, to)? {
                return Err(Failed::Invalid(format!(
                    "a saved search named @{to} exists"
                )));
            }
            searches::rename(&tx, from, to, *at)?;
            Outcome::Done
        }
        Op::DeleteSearch { name } => {
            searches::delete(&tx, name)?;
            Outcome::Done
        }
        Op::RecordQuery { query, at } => {
            history::record(&tx, query, *at)?;
            Outcome::Done
        }
    };
    tx.commit()?;
    Ok(outcome)
}

/// The stored key of a card id: its 64 bits as SQLite's signed integer.
pub(crate) fn key(id: CardId) -> i64 {
    id.0 as i64
}

pub(crate) fn card_id(key: i64) -> CardId {
    CardId(key as u64)
}

/// Sets `change` and returns the values it replaced, read in the same transaction.
fn mark(tx: &Transaction, change: &Change) -> rusqlite::Result<Restore> {
    let (flag, flag_at) = change.kind.columns();
    // In key order, the lookups and writes walk the table's pages in order instead of
    // jumping about: a bulk mark of 100k cards takes half the time.
    let mut ids = change.ids.to_vec();
    ids.sort_unstable_by_key(|id| key(*id));
    let mut before = Vec::with_capacity(ids.len());
    {
        // Column names come from `FlagKind`, never from input.
        let mut read = tx.prepare(&format!("SELECT {flag}, {flag_at} FROM card WHERE id = ?1"))?;
        for id in &ids {
            let old = read
                .query_row([key(*id)], |r| {
                    Ok(Flag {
                        on: r.get(0)?,
                        at: r.get::<_, Option<i64>>(1)?.and_then(timestamp),
                    })
                })
                .optional()?
                .unwrap_or_default();
            before.push((*id, old));
        }
    }
    let set = Flag {
        on: change.on,
        at: Some(change.at),
    };
    let values: Vec<(CardId, Flag)> = ids.iter().map(|id| (*id, set)).collect();
    write_flags(tx, change.kind, &values)?;
    Ok(Restore {
        kind: change.kind,
        values: before,
    })
}

/// Writes each card's flag exactly as given (a `None` time back to NULL).
pub(crate) fn write_flags(
    tx: &Transaction,
    kind: FlagKind,
    values: &[(CardId, Flag)],
) -> rusqlite::Result<()> {
    let (flag, flag_at) = kind.columns();
    let mut write = tx.prepare(&format!(
        "INSERT INTO card (id, {flag}, {flag_at}) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET {flag} = excluded.{flag}, {flag_at} = excluded.{flag_at}"
    ))?;
    let mut in_order: Vec<&(CardId, Flag)> = values.iter().collect();
    in_order.sort_unstable_by_key(|(id, _)| key(*id));
    for (id, value) in in_order {
        write.execute(params![key(*id), value.on, value.at.map(micros)])?;
    }
    Ok(())
}

/// Records `at` as the first sighting of the cards that have none; returns how many.
fn see(tx: &Transaction, ids: &[CardId], at: Timestamp) -> rusqlite::Result<usize> {
    let mut ids = ids.to_vec();
    ids.sort_unstable_by_key(|id| key(*id));
    let mut write = tx.prepare(
        "INSERT INTO card (id, first_seen) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen
         WHERE first_seen IS NULL",
    )?;
    let at = micros(at);
    let mut fresh = 0;
    for id in &ids {
        fresh += write.execute(params![key(*id), at])?;
    }
    Ok(fresh)
}
