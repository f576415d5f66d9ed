//! The reader's loader thread: the cached cards on screen first, then every file checked
//! against the cache and the changed ones parsed, the cache written back in the background,
//! and then the folders followed while the reader runs ([`crate::library::watch`]).
//!
//! Everything reaches the reader as messages: [`Msg::Loaded`] batches, [`Msg::Changed`] for
//! what the cache showed that no longer holds and for what changes on disk, [`Msg::LoadDone`]
//! once the files are all in, and [`Msg::Notice`] for the status line.

use std::path::PathBuf;
use std::thread::{self, JoinHandle};

use crate::app::{Msg, Notice};
use crate::corpus::load::{self, LoadEvent, LoadOptions, Progress};
use crate::corpus::{Delta, Forget};
use crate::library::cache::{Cache, Refresh, Settings, Update, now_ns};
use crate::library::watch::{self, Report, Tracker, Watching};
use crate::text;

/// What the reader was opened on, and how.
#[derive(Clone, Debug)]
pub struct Start {
    /// The PATH arguments; none means the demo corpus.
    pub paths: Vec<PathBuf>,
    pub options: LoadOptions,
    pub cache: Settings,
    /// Follow the folders while the reader runs (not with `--no-watch`).
    pub watch: bool,
}

/// Starts the loader thread; `send` returns `false` once the reader is gone.
pub fn spawn(
    start: Start,
    send: impl Fn(Msg) -> bool + Clone + Send + 'static,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("loader".into())
        .spawn(move || run(start, send))
}

fn notice(text: &str, is_error: bool) -> Msg {
    Msg::Notice(Notice {
        text: text::clean_line(text).into_owned(),
        is_error,
    })
}

/// The loader's work, on the calling thread: returns once the reader is gone (or, without
/// watching, once the load is done and the cache written).
pub fn run(start: Start, send: impl Fn(Msg) -> bool + Clone + Send + 'static) {
    let Start {
        paths,
        options,
        cache: settings,
        watch,
    } = start;
    if paths.is_empty() {
        return demo(&options, &send);
    }
    // When the load began: when the folders are watched only after it (a cold start), every
    // file is then checked against what the load saw, and one written since then is read
    // again, so nothing written during the load is missed (see `Watching::follow`).
    let since = now_ns();
    let mut tracker = watch.then(|| Tracker::new(watch::roots(&paths)));
    let mut cache = Cache::open(&settings, &paths);
    // With cards from the cache, the load opens few files: each folder is watched as the walk
    // lists it, and what changes from then on is an event. Without, the load opens every file,
    // and inotify reports opens (`notify` asks for them): a hundred thousand events for the
    // watcher and its debouncer to sort through while the cards are parsed. So the folders
    // the walk listed are watched after the load, and every file looked at again then.
    let watch_as_walked = cache.files() > 0;
    let mut watching = watch.then(|| Watching::new(&paths, options));
    // The files are walked and their keys taken while the cached cards stream: the two are
    // the start's longest steps, and neither needs the other.
    let walking = {
        let paths = paths.clone();
        let mut watching = watching.take();
        let expected = cache.files();
        thread::spawn(move || {
            let mut folders = Vec::new();
            let walked = Cache::walk_in_folders(&paths, &options, expected, &mut |folder| match (
                &mut watching,
                watch_as_walked,
            ) {
                (Some(watching), true) => watching.folder(folder),
                (Some(_), false) => folders.push(folder.to_path_buf()),
                (None, _) => {}
            });
            (walked, watching, folders)
        })
    };
    let sent = |msg: Msg, tracker: &mut Option<Tracker>| {
        if let Some(tracker) = tracker.as_mut() {
            match &msg {
                Msg::Loaded {
                    cards, diagnostics, ..
                } => tracker.loaded(cards.iter(), diagnostics),
                Msg::Changed { delta, diagnostics } => {
                    tracker.forgotten(&delta.forget);
                    tracker.loaded(&delta.upserts, diagnostics);
                }
                _ => {}
            }
        }
        send(msg)
    };
    let shown = cache.stream_cached(|event| match event {
        LoadEvent::Batch { .. } => sent(event.into(), &mut tracker),
        // The files are yet to be checked: loading goes on.
        LoadEvent::Done { .. } => true,
    });
    for n in cache.take_notices() {
        send(notice(&n, false));
    }
    let (walked, watching, folders) = walking.join().unwrap_or_else(|_| {
        let watching = watch.then(|| Watching::new(&paths, options));
        (Cache::walk(&paths, &options), watching, Vec::new())
    });
    if let (Some(tracker), Ok(walked)) = (tracker.as_mut(), &walked) {
        tracker.walked(walked.keyed(), walked.taken_ns());
    }
    let refreshed = cache.refresh_walked(walked, &options, &shown, |refresh| match refresh {
        Refresh::Checked {
            walk,
            stale,
            to_parse,
            ..
        } => {
            let forget = stale
                .into_iter()
                .map(|s| Forget {
                    path: s.path,
                    id: s.id,
                })
                .collect();
            let delta = Delta {
                forget,
                ..Delta::default()
            };
            let msg = Msg::Changed {
                delta,
                diagnostics: walk,
            };
            // The count of files to parse comes first, so the gauge has its total.
            let total = Msg::Loaded {
                cards: Default::default(),
                diagnostics: Vec::new(),
                progress: Progress {
                    files_total: to_parse,
                    ..Progress::default()
                },
            };
            sent(msg, &mut tracker) && (to_parse == 0 || send(total))
        }
        Refresh::Load(event) => sent(event.into(), &mut tracker),
    });
    let update = match refreshed {
        Ok(update) => update,
        Err(e) => {
            // A PATH went away since it was checked: say so, and end the load.
            send(notice(&e.to_string(), true));
            send(Msg::LoadDone);
            Update::default()
        }
    };
    let mut writing = Some(write_in_background(update, send.clone()));
    let (Some(mut watching), Some(tracker)) = (watching, tracker) else {
        if let Some(writing) = writing.take() {
            let _ = writing.join();
        }
        return;
    };
    for folder in &folders {
        watching.folder(folder);
    }
    let since = (!watch_as_walked).then_some(since);
    watching.follow(tracker, since, |report| match report {
        Report::Change(change) => send(Msg::Changed {
            delta: change.delta,
            diagnostics: change.diagnostics,
        }),
        Report::Notice(text) => send(notice(&text, false)),
        Report::Settled => {
            // One write at a time; each brings the cache up to the folders as they are.
            if let Some(writing) = writing.take() {
                let _ = writing.join();
            }
            let (paths, send) = (paths.clone(), send.clone());
            let settings = settings.clone();
            writing = Some(thread::spawn(move || {
                crate::background::lower_priority();
                // A PATH gone is no error here: its cards went with the changes already.
                if let Ok(update) = Cache::open(&settings, &paths).sync(&paths, &options) {
                    write(update, &send);
                }
            }));
            true
        }
    });
}

fn write(update: Update, send: &impl Fn(Msg) -> bool) {
    if let Err(problem) = update.write() {
        send(notice(&problem, false));
    }
}

fn write_in_background(
    update: Update,
    send: impl Fn(Msg) -> bool + Send + 'static,
) -> JoinHandle<()> {
    thread::spawn(move || {
        // Written while the user starts reading and typing: that goes first.
        crate::background::lower_priority();
        write(update, &send)
    })
}

/// The demo corpus: built in, so neither cached nor watched.
fn demo(options: &LoadOptions, send: &impl Fn(Msg) -> bool) {
    let files = crate::corpus::demo::files();
    let found = Msg::Loaded {
        cards: Default::default(),
        diagnostics: Vec::new(),
        progress: Progress {
            files_total: files.len(),
            bytes_total: files.iter().map(|f| f.size).sum(),
            ..Progress::default()
        },
    };
    if !send(found) {
        return;
    }
    load::stream(&files, options, |event| send(event.into()));
}
