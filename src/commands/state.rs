//! `tidings state export|import|path`, and the reading state as every headless command sees
//! it ([`Headless`]): opened once, `@name` expanded, first sightings recorded, marks for the
//! JSON formats.

use std::io::{BufRead, Write};
use std::path::Path;

use super::exit;
use super::output::{self, deliver};
use crate::cli::{StateArgs, StateCommand, StateFileArg};
use crate::corpus::{CardId, Corpus};
use crate::library::state::location::{self, Location};
use crate::library::state::{
    ExpandError, Marks, Op, Problem, Record, SavedSearch, StateStore, WriteError, expand,
};
use crate::text;

/// The reading state of one headless command: `None` parts when `--no-state` turned it off or
/// the file could not be read.
pub(crate) struct Headless {
    store: Option<StateStore>,
    saved: Vec<SavedSearch>,
    marks: Option<Marks>,
    /// The marks read while the cards loaded ([`Headless::while_loading`]), for
    /// [`Headless::see`].
    read: Option<Result<Marks, Problem>>,
    /// The problem was reported on stderr: once per command is enough.
    told: bool,
}

impl Headless {
    /// Opens the state `args` name; a store that is read-only says why on `err`.
    pub(crate) fn open(args: &StateArgs, err: &mut dyn Write) -> Headless {
        let store = match location::resolve(args.file.as_deref(), args.no_state) {
            Ok(Location::Off) => None,
            Ok(Location::File(path)) => Some(StateStore::open(&path)),
            Err(e) => {
                let _ = writeln!(err, "tidings: {e}");
                None
            }
        };
        let saved = store
            .as_ref()
            .and_then(|s| s.saved_searches().ok())
            .unwrap_or_default();
        let mut headless = Headless {
            store,
            saved,
            marks: None,
            read: None,
            told: false,
        };
        headless.tell(err);
        headless
    }

    /// Says once why the state is not saved, if it is not.
    fn tell(&mut self, err: &mut dyn Write) {
        if self.told {
            return;
        }
        if let Some(notice) = self.store.as_ref().and_then(StateStore::notice) {
            let _ = writeln!(err, "tidings: {}", text::clean_line(&notice));
            self.told = true;
        }
    }

    /// `query` with its `@name` references replaced by the saved searches' queries.
    pub(crate) fn expand(&self, query: &str) -> Result<String, ExpandError> {
        expand(query, &self.saved).map_err(|e| match self.store {
            Some(_) => e,
            None => ExpandError {
                position: e.position,
                message: "`@name` stands for a saved search, and there are none without the \
                          reading state (--no-state, or no state file)"
                    .into(),
            },
        })
    }

    /// Runs `load` (the cards' load) while the marks are read on another thread: a state file
    /// that has seen a million cards takes as long to read as a cached corpus of 100k.
    pub(crate) fn while_loading<T>(&mut self, load: impl FnOnce() -> T) -> T {
        let Some(store) = self.store.as_mut() else {
            return load();
        };
        let (loaded, read) = std::thread::scope(|scope| {
            let reading = scope.spawn(|| store.load());
            let loaded = load();
            (loaded, reading.join())
        });
        // A panic reading is a file that cannot be read, as far as this command goes.
        self.read = Some(read.unwrap_or(Err(Problem::Corrupt)));
        loaded
    }

    /// Reads the marks (unless [`Headless::while_loading`] did), and records now as the first
    /// sighting of every card of `corpus` never seen before.
    pub(crate) fn see(&mut self, corpus: &Corpus, err: &mut dyn Write) {
        self.see_ids(corpus.ids(), err);
    }

    /// [`Headless::see`] for cards given by id.
    pub(crate) fn see_ids(&mut self, ids: impl Iterator<Item = CardId>, err: &mut dyn Write) {
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let read = self.read.take().unwrap_or_else(|| store.load());
        let Ok(mut marks) = read else {
            self.tell(err);
            return;
        };
        let now = crate::library::state::now();
        let fresh = marks.see(ids, now);
        if !fresh.is_empty() && store.problem().is_none() {
            // Not saved is not fatal: the command goes on, and says why once.
            let _ = store.write(&Op::See {
                ids: fresh,
                at: now,
            });
        }
        self.marks = Some(marks);
        self.tell(err);
    }

    /// Whether there is a state file at all (not `--no-state`, a home to keep it in).
    pub(crate) fn has_state(&self) -> bool {
        self.store.is_some()
    }

    /// The marks after [`Headless::see`]; `None` without state.
    pub(crate) fn marks(&self) -> Option<&Marks> {
        self.marks.as_ref()
    }

    /// The store, for a command that writes.
    pub(crate) fn store_mut(&mut self) -> Option<&mut StateStore> {
        self.store.as_mut()
    }
}

/// Runs `tidings state ...`; returns the exit status.
pub fn run(command: &StateCommand, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match command {
        StateCommand::Export(arg) => export(arg, out, err),
        StateCommand::Import { file, state } => import(file, state, out, err),
        StateCommand::Path(arg) => match path_of(arg, err) {
            Ok(path) => {
                let shown = path.to_string_lossy();
                match deliver(out, err, |out| {
                    writeln!(out, "{}", text::clean_line(&shown))
                }) {
                    Ok(()) => exit::OK,
                    Err(status) => status,
                }
            }
            Err(status) => status,
        },
    }
}

fn path_of(arg: &StateFileArg, err: &mut dyn Write) -> Result<std::path::PathBuf, u8> {
    match location::resolve(arg.file.as_deref(), false) {
        Ok(Location::File(path)) => Ok(path),
        Ok(Location::Off) => Err(exit::USAGE),
        Err(e) => {
            let _ = writeln!(err, "tidings: {e}");
            Err(exit::USAGE)
        }
    }
}

/// Opens the store for `export`/`import`, or says why it cannot be used.
fn open(arg: &StateFileArg, err: &mut dyn Write) -> Result<StateStore, u8> {
    let path = path_of(arg, err)?;
    Ok(StateStore::open(&path))
}

fn export(arg: &StateFileArg, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let store = match open(arg, err) {
        Ok(store) => store,
        Err(status) => return status,
    };
    let records = match store.export() {
        Ok(records) => records,
        Err(problem) => {
            let _ = writeln!(
                err,
                "tidings: cannot read the state {}: {problem}",
                text::clean_line(&store.path().to_string_lossy())
            );
            return exit::USAGE;
        }
    };
    let written = deliver(out, err, |out| {
        for record in &records {
            output::write_json(out, record)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    });
    match written {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}

/// The longest line an import reads: a record is well under a kilobyte, so a longer line is
/// not an export and would only take memory.
const MAX_LINE: usize = 64 * 1024;

fn import(file: &Path, arg: &StateFileArg, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let shown = text::clean_line(&file.to_string_lossy()).into_owned();
    let records = if file == Path::new("-") {
        read_records(std::io::stdin().lock(), &shown)
    } else {
        match std::fs::File::open(file) {
            Ok(f) => read_records(std::io::BufReader::new(f), &shown),
            Err(e) => Err(format!("{shown}: {e}")),
        }
    };
    let records = match records {
        Ok(records) => records,
        Err(why) => {
            let _ = writeln!(err, "tidings: {why}; nothing imported");
            return exit::USAGE;
        }
    };
    let mut store = match open(arg, err) {
        Ok(store) => store,
        Err(status) => return status,
    };
    match store.import(&records) {
        Ok(n) => {
            let searches = if n.searches == 1 {
                "search"
            } else {
                "searches"
            };
            let history = if n.history == 1 { "entry" } else { "entries" };
            let summary = format!(
                "imported {}, {} saved {searches}, {} history {history}",
                crate::view::count(n.marks, "mark"),
                crate::view::thousands(n.searches),
                crate::view::thousands(n.history),
            );
            match deliver(out, err, |out| writeln!(out, "{summary}")) {
                Ok(()) => exit::OK,
                Err(status) => status,
            }
        }
        Err(e) => {
            let why = match &e {
                WriteError::Unsaved(_) => store.notice().unwrap_or_else(|| e.to_string()),
                WriteError::Invalid(_) => e.to_string(),
            };
            let _ = writeln!(err, "tidings: {}; nothing imported", text::clean_line(&why));
            exit::USAGE
        }
    }
}

/// Every record of an export, or the first line that is not one (`FILE:LINE: why`). Blank
/// lines are skipped.
fn read_records(mut input: impl BufRead, shown: &str) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        number += 1;
        let n = std::io::Read::take(&mut input, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{shown}: {e}"))?;
        if n == 0 {
            return Ok(records);
        }
        if line.len() > MAX_LINE {
            return Err(format!(
                "{shown}:{number}: line longer than {MAX_LINE} bytes"
            ));
        }
        let text = std::str::from_utf8(&line)
            .map_err(|_| format!("{shown}:{number}: not UTF-8"))?
            .trim();
        if text.is_empty() {
            continue;
        }
        let record = serde_json::from_str(text)
            .map_err(|e| format!("{shown}:{number}: {}", text::clean_line(&e.to_string())))?;
        records.push(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_read_line_by_line_and_a_bad_one_is_named() {
        let good = "{\"kind\":\"history\",\"query\":\"x\",\"used\":\"2024-01-01T00:00:00Z\"}\n\n";
        assert_eq!(read_records(good.as_bytes(), "f").unwrap().len(), 1);
        let bad = format!("{good}{{\"kind\":\"mark\",\"id\":\"12\"}}\n");
        let e = read_records(bad.as_bytes(), "f").unwrap_err();
        assert!(e.starts_with("f:3: "), "{e}");
        let long = "x".repeat(MAX_LINE + 10);
        assert!(
            read_records(long.as_bytes(), "f")
                .unwrap_err()
                .contains("longer")
        );
    }
}
