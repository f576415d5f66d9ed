//! `tidings mark read|unread|star|unstar (--id ID... | --query Q) [PATH...]`: sets a mark on
//! cards, all of them in one transaction, as the reader's `M` does. Exit status: 0 when
//! marked, 1 for an unknown id or a query that matches nothing, 2 for a usage error, a bad
//! query, or state that cannot be written.

use std::io::Write;
use std::sync::Arc;

use super::output::deliver;
use super::search::{finish_index, open_index, parse_query};
use super::show::write_ambiguous;
use super::state::Headless;
use super::{exit, load_paths};
use crate::cli::{MarkArgs, MarkHow};
use crate::corpus::id::Resolve;
use crate::corpus::{CardId, Corpus};
use crate::library::state::{Change, FlagKind, Op, Outcome, WriteError};
use crate::text;

/// Runs `mark`; returns the exit status.
pub fn run(args: &MarkArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut state = Headless::open(&args.state, err);
    if state.store_mut().is_none() {
        let _ = writeln!(
            err,
            "tidings: marks are kept in the reading state, which --no-state turns off"
        );
        return exit::USAGE;
    }
    // The query is checked before the cards are loaded: a typo should not cost a load.
    let parsed = match &args.query {
        Some(typed) => match parse_query(typed, &state, &args.config, err) {
            Ok(q) => Some(q),
            Err(status) => return status,
        },
        None => None,
    };
    let loaded = match load_paths(&args.paths, &args.load.into(), &args.cache, err) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let corpus = &loaded.corpus;
    state.see(corpus, err);

    let ids = match &parsed {
        Some(q) => {
            let index = match open_index(&args.paths, &args.cache, corpus, err) {
                Ok(index) => index,
                Err(status) => return status,
            };
            let found = index.find(q, corpus.cards(), state.marks());
            finish_index(index, corpus, err);
            found
                .hits
                .iter()
                .filter_map(|hit| corpus.get(hit.ix).map(|c| c.id))
                .collect()
        }
        None => match resolve_all(args, corpus, err) {
            Ok(ids) => ids,
            Err(status) => return status,
        },
    };
    if ids.is_empty() {
        let _ = writeln!(err, "tidings: no card matches; nothing marked");
        return exit::FOUND_PROBLEMS;
    }
    let (kind, on, word) = match args.mark {
        MarkHow::Read => (FlagKind::Read, true, "read"),
        MarkHow::Unread => (FlagKind::Read, false, "unread"),
        MarkHow::Star => (FlagKind::Starred, true, "starred"),
        MarkHow::Unstar => (FlagKind::Starred, false, "unstarred"),
    };
    let change = Change {
        kind,
        on,
        ids: Arc::from(ids),
        at: crate::library::state::now(),
    };
    let Some(store) = state.store_mut() else {
        return exit::USAGE;
    };
    match store.write(&Op::Mark(change)) {
        Ok(Outcome::Marked(before)) => {
            let already = before.values.iter().filter(|(_, f)| f.on == on).count();
            let n = before.values.len();
            let cards = if n == 1 { "card" } else { "cards" };
            let summary = if already > 0 {
                format!("marked {n} {cards} {word} ({already} already were)")
            } else {
                format!("marked {n} {cards} {word}")
            };
            match deliver(out, err, |out| writeln!(out, "{summary}")) {
                Ok(()) => exit::OK,
                Err(status) => status,
            }
        }
        Ok(_) => exit::OK,
        Err(e) => {
            let why = match &e {
                WriteError::Unsaved(_) => store.notice().unwrap_or_else(|| e.to_string()),
                WriteError::Invalid(_) => e.to_string(),
            };
            let _ = writeln!(err, "tidings: {}", text::clean_line(&why));
            exit::USAGE
        }
    }
}

/// The cards the `--id` arguments name, each once, in the order given.
fn resolve_all(args: &MarkArgs, corpus: &Corpus, err: &mut dyn Write) -> Result<Vec<CardId>, u8> {
    let mut ids = Vec::with_capacity(args.ids.len());
    for arg in &args.ids {
        match arg.resolve(corpus.ids()) {
            Ok(id) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Err(Resolve::NotFound) => {
                let _ = writeln!(err, "tidings: no card with id {arg}; nothing marked");
                return Err(exit::FOUND_PROBLEMS);
            }
            Err(Resolve::Ambiguous(found)) => {
                let _ = write_ambiguous(arg, &found, corpus, err);
                return Err(exit::USAGE);
            }
        }
    }
    Ok(ids)
}
