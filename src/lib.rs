//! tidings: a terminal reader for news article cards. The binary is a thin shell over this
//! library, so tests drive everything it does.
//!
//! # The shape
//!
//! The Elm Architecture, with the corpus as versioned snapshots:
//!
//! - [`corpus`]: the data, with no terminal and no threads of its own. Cards are parsed
//!   leniently ([`corpus::parse`]), loaded in parallel batches ([`corpus::load`]), and held in
//!   a [`corpus::Corpus`]: one version of the cards keyed by [`corpus::CardId`], with their
//!   links, changed only by [`corpus::Corpus::apply`] of a [`corpus::Delta`].
//! - [`search`]: the query language, ranking and the sort orders, as pure functions over a
//!   snapshot; the word index, stored beside the cache and keyed by card id and text stamp so
//!   a later run uses it again; and the background worker that answers the latest query.
//! - [`app`]: `State` and `update(&mut State, Msg) -> Vec<Effect>`. No I/O, no terminal, no
//!   drawing: effects are values the runtime carries out.
//! - [`view`]: plain text layout (a card's detail, the key help, the load problems) as rows of
//!   text with roles, shared by `app` (to count rows), `ui` (to draw them) and `commands`
//!   (`tidings show` prints them).
//! - [`ui`]: drawing, as plain functions of the state. It imports `app` and `view`; nothing
//!   imports it but the runtime.
//! - [`text`]: the one gate untrusted text passes before it reaches a terminal.
//! - [`config`] and [`action`]: keys and theme as data (the keymap, the named styles), the
//!   config file that changes them, and the vocabulary of things a user can ask for.
//! - [`library`]: what persists between runs and follows the folders: the cache of parsed
//!   cards (read in place from a memory map, checked file by file against each file's key), the
//!   watcher of live reload, and the reading state (read and starred marks, first sightings,
//!   sessions, saved searches, query history) in SQLite, read as immutable snapshots and
//!   written one transaction per action, off the UI thread.
//! - [`opener`]: how a URL reaches a browser (`$BROWSER`, the platform opener, terminal
//!   browsers in the foreground), never through a shell.
//! - [`runtime`], [`loader`], [`event`], [`effects`], [`tui`]: the event loop, the thread that
//!   loads and follows the corpus, the loop's one channel, the only place that touches the
//!   world, and terminal setup and teardown.
//! - [`commands`] and [`cli`]: the headless commands (`check`, `search`, `show`, `mark`,
//!   `state`) on the same corpus, search, view and state code.
//! - [`background`]: how work nobody waits for (indexing, writing the cache) yields to the rest.
//!
//! Imports go one way: `corpus` <- `search` <- `app` <- `ui` <- `runtime`, with `view`,
//! `text` and `background` beside them for anyone to use.
//!
//! # A key press
//!
//! The input thread sends the terminal event down the channel ([`event`]); the runtime maps it
//! through the key table to an [`action::Action`] and calls [`app::update`], which changes the
//! state and may return effects, such as [`app::Effect::Filter`] with a new query; the runtime
//! hands that to the filter worker, whose answer comes back down the channel as
//! [`app::Msg::Filtered`] and goes through `update` in turn. After each burst of events the
//! runtime draws once ([`ui::draw`]).
//!
//! # A mark
//!
//! `m` reaches [`app::update`] as any key does; the state's copy of the marks changes at once
//! (the list redraws from it), and the write goes out as [`app::Effect::State`] to the state
//! writer's thread, which commits it as one transaction and answers with
//! [`app::Msg::StateDone`]. The runtime asks the state file every two seconds whether another
//! program committed (`PRAGMA data_version`); if so the marks are read again
//! ([`app::Msg::MarksReloaded`]) with the writes not yet answered laid over them.
//!
//! # A changed file
//!
//! Cards reach the state only as deltas: the loader's batches ([`app::Msg::Loaded`]) and
//! changes from disk ([`app::Msg::Changed`]) both become a [`corpus::Delta`] that
//! [`corpus::Corpus::apply`] turns into the next version. The reader's loader thread
//! ([`loader`]) sends the cache's cards first, then, as a change, the files the cache showed
//! that no longer hold (by path: [`corpus::Forget`]) and the batches of files parsed again;
//! then the watcher ([`library::watch`]) turns what the folders' events name into changes of
//! the same kind, against each file's size and modification time. `update` then rebuilds the list from
//! the new version, finds the selected card again by its id, and asks the worker to filter
//! again if a filter is on. Positions ([`corpus::CardIx`]) are only ever read within the
//! snapshot they came from.

pub mod action;
pub mod allocator;
pub mod app;
pub mod background;
pub mod cli;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod effects;
pub mod event;
pub mod library;
pub mod loader;
pub mod opener;
pub mod runtime;
pub mod search;
pub mod text;
pub mod tui;
pub mod ui;
pub mod view;
