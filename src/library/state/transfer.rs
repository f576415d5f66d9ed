//! Export and import: the whole state as [`Record`]s (JSON lines in `tidings state export`),
//! merged back on import so that for each mark, search and query the later time wins. For
//! backups, and for moving state between machines.
//!
//! Reader sessions are not exported: "new since last time" belongs to one machine.

use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::db::{micros, timestamp};
use super::ops::{self, Failed, key};
use super::searches::{self, SavedSearch};
use super::store::StateStore;
use super::{HistoryEntry, Problem, WriteError, history};
use crate::corpus::CardId;

/// One line of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Record {
    /// A card's marks; a flag whose time is `null` was never set (and is off).
    Mark {
        #[serde(with = "hex_id")]
        id: CardId,
        read: bool,
        read_at: Option<Timestamp>,
        starred: bool,
        starred_at: Option<Timestamp>,
        first_seen: Option<Timestamp>,
    },
    Search {
        name: String,
        query: String,
        created: Timestamp,
        updated: Timestamp,
    },
    History {
        query: String,
        used: Timestamp,
    },
}

/// Card ids as everywhere else: 16 lower-case hex digits (exactly 16 on the way in).
mod hex_id {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::corpus::CardId;
    use crate::corpus::id::{IdArg, parse_id_arg};

    pub fn serialize<S: Serializer>(id: &CardId, s: S) -> Result<S::Ok, S::Error> {
        id.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CardId, D::Error> {
        let s = String::deserialize(d)?;
        match parse_id_arg(&s) {
            Ok(IdArg::Full(id)) => Ok(id),
            _ => Err(serde::de::Error::custom("a card id is 16 hex digits")),
        }
    }
}

/// How many records of each kind an import merged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub marks: usize,
    pub searches: usize,
    pub history: usize,
}

impl StateStore {
    /// Every mark (by card id), saved search (by name) and history entry (newest first), read
    /// in one transaction so they agree with each other.
    pub fn export(&self) -> Result<Vec<Record>, Problem> {
        let Some(conn) = self.conn() else {
            return Err(self.problem().cloned().unwrap_or(Problem::Corrupt));
        };
        read_all(conn).map_err(|e| Problem::from_sqlite(&e))
    }

    /// Merges `records` in one transaction: a flag, a search's query or a query's last use is
    /// taken when its time is later than the one stored; a card's first sighting is the
    /// earlier of the two. Importing the same file twice changes nothing the second time.
    pub fn import(&mut self, records: &[Record]) -> Result<Imported, WriteError> {
        for record in records {
            if let Record::Search { name, query, .. } = record {
                searches::check_name(name)
                    .and_then(|()| searches::check_query(query))
                    .map_err(|why| WriteError::Invalid(format!("saved search {name:?}: {why}")))?;
            }
        }
        self.write_with(|conn| merge(conn, records).map_err(Failed::Sqlite))
    }
}

fn read_all(conn: &Connection) -> rusqlite::Result<Vec<Record>> {
    let tx = conn.unchecked_transaction()?;
    let mut records = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT id, read, read_at, starred, starred_at, first_seen FROM card ORDER BY id",
        )?;
        let time = |v: Option<i64>| v.and_then(timestamp);
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            records.push(Record::Mark {
                id: ops::card_id(r.get(0)?),
                read: r.get(1)?,
                read_at: time(r.get(2)?),
                starred: r.get(3)?,
                starred_at: time(r.get(4)?),
                first_seen: time(r.get(5)?),
            });
        }
    }
    // Ordered by stored key (signed), so ids above 7fff... come first: sort as ids.
    records.sort_by_key(|r| match r {
        Record::Mark { id, .. } => *id,
        _ => CardId(0),
    });
    records.extend(searches::load(&tx)?.into_iter().map(|s| Record::Search {
        name: s.name,
        query: s.query,
        created: s.created,
        updated: s.updated,
    }));
    records.extend(
        history::load(&tx)?
            .into_iter()
            .map(|HistoryEntry { query, used }| Record::History { query, used }),
    );
    tx.finish()?;
    Ok(records)
}

fn merge(conn: &mut Connection, records: &[Record]) -> rusqlite::Result<Imported> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut imported = Imported::default();
    {
        // A flag is taken when its time is later than the stored one (or there is none);
        // every SET expression sees the row as it was, so the test and the value agree.
        let mut mark = tx.prepare(
            "INSERT INTO card (id, read, read_at, starred, starred_at, first_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET
                 read = iif(excluded.read_at > coalesce(read_at, excluded.read_at - 1),
                            excluded.read, read),
                 read_at = iif(excluded.read_at > coalesce(read_at, excluded.read_at - 1),
                               excluded.read_at, read_at),
                 starred = iif(excluded.starred_at > coalesce(starred_at, excluded.starred_at - 1),
                               excluded.starred, starred),
                 starred_at = iif(excluded.starred_at >
                                      coalesce(starred_at, excluded.starred_at - 1),
                                  excluded.starred_at, starred_at),
                 first_seen = coalesce(min(first_seen, excluded.first_seen), first_seen,
                                       excluded.first_seen)",
        )?;
        for record in records {
            match record {
                Record::Mark {
                    id,
                    read,
                    read_at,
                    starred,
                    starred_at,
                    first_seen,
                } => {
                    // A flag never set is off whatever the line says.
                    mark.execute(params![
                        key(*id),
                        *read && read_at.is_some(),
                        read_at.map(micros),
                        *starred && starred_at.is_some(),
                        starred_at.map(micros),
                        first_seen.map(micros),
                    ])?;
                    imported.marks += 1;
                }
                Record::Search {
                    name,
                    query,
                    created,
                    updated,
                } => {
                    searches::merge(
                        &tx,
                        &SavedSearch {
                            name: name.clone(),
                            query: query.clone(),
                            created: *created,
                            updated: *updated,
                        },
                    )?;
                    imported.searches += 1;
                }
                Record::History { query, used } => {
                    if let Some(query) = history::normal(query) {
                        tx.execute(
                            "INSERT INTO history (query, used) VALUES (?1, ?2)
                             ON CONFLICT (query) DO UPDATE SET used = max(used, excluded.used)",
                            params![query, micros(*used)],
                        )?;
                        imported.history += 1;
                    }
                }
            }
        }
    }
    history::trim(&tx)?;
    tx.commit()?;
    Ok(imported)
}
