//! The reader's event loop: start the loader and the filter worker, then repeatedly drain the
//! event channel into `update`, carry out the effects, and draw once.

use std::io::IsTerminal;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, MouseButton, MouseEventKind};
use jiff::Timestamp;

use crate::action::Action;
use crate::app::{self, Msg, Notice, Options, State};
use crate::cli::ReaderArgs;
use crate::commands::exit;
use crate::config::{OpenConfig, Theme};
use crate::corpus::load;
use crate::effects::Effects;
use crate::event::{self, Event};
use crate::library::state::location::{self, Location};
use crate::library::state::{Problem, StateStore};
use crate::loader::{self, Start};
use crate::search::worker::{FilterWorker, Report};
use crate::text;
use crate::tui::{self, Guard};
use crate::ui;

/// How often card ages are brought up to date.
const TICK: Duration = Duration::from_secs(30);

/// How often the state file is asked whether another program changed it.
const STATE_POLL: Duration = Duration::from_secs(2);

/// How long the first key of a sequence waits for the second, as Vim's `timeoutlen`.
const SEQUENCE_TIMEOUT: Duration = Duration::from_secs(1);

/// Runs the reader; returns the exit status. Usage errors are reported before the terminal is
/// touched.
pub fn run(args: ReaderArgs) -> u8 {
    // First, before the terminal is even looked at: its problems must stay on the screen, and
    // a broken file says so whatever the output is.
    let config = match crate::commands::config::for_reader(args.config.as_deref(), args.no_config) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return exit::USAGE;
        }
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "tidings: the reader needs a terminal; for pipes use `tidings search QUERY [PATH...]`"
        );
        return exit::USAGE;
    }
    if let Some(problem) = unusable_terminal(std::env::var("TERM").ok().as_deref()) {
        eprintln!("tidings: {problem}; for plain output use `tidings search QUERY [PATH...]`");
        return exit::USAGE;
    }
    // Only a quick existence check here; the walk itself happens behind the first frame.
    if let Err(e) = load::check_paths(&args.paths) {
        eprintln!("tidings: {}", text::clean_line(&e.to_string()));
        return exit::USAGE;
    }
    let (store, reading) = open_state(&args.state);
    let options = Options {
        reading,
        query: args.query,
        select: args.select,
        keymap: config.keymap,
        list: config.list,
        filter: config.filter,
        zone: jiff::tz::TimeZone::system(),
    };
    let theme = config.theme.theme(std::env::var_os("NO_COLOR").as_deref());
    tui::install_panic_hook();
    let mut guard = match Guard::new() {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("tidings: cannot set up the terminal: {e}");
            return exit::USAGE;
        }
    };
    let start = Start {
        paths: args.paths,
        options: args.load.into(),
        cache: args.cache.settings(),
        watch: !args.no_watch,
    };
    let result = event_loop(&mut guard, start, options, &theme, config.open, store);
    drop(guard);
    match result {
        Ok(Ending::Quit) => exit::OK,
        // As a shell reports a process ended by a signal.
        Ok(Ending::Signal(signal)) => u8::try_from(128 + signal).unwrap_or(1),
        Err(e) => {
            eprintln!("tidings: {e}");
            1
        }
    }
}

/// Why the reader's terminal will not do, if it will not: the reader draws with cursor
/// movement and colours, which a dumb terminal (or none named) cannot show.
fn unusable_terminal(term: Option<&str>) -> Option<String> {
    match term.map(str::trim) {
        None | Some("") => Some("TERM is not set, so the terminal's abilities are unknown".into()),
        Some("dumb") => Some("the terminal is dumb (TERM=dumb): it cannot move the cursor".into()),
        _ => None,
    }
}

/// The reading state the reader's arguments name, opened and read: the store (to poll and
/// to write through) and what the app starts from; neither with `--no-state`.
fn open_state(args: &crate::cli::StateArgs) -> (Option<StateStore>, Option<app::Loaded>) {
    let path = match location::resolve(args.file.as_deref(), args.no_state) {
        Ok(Location::Off) => return (None, None),
        Ok(Location::File(path)) => path,
        Err(e) => {
            // No home to keep state in: the reader runs, saying why nothing is kept.
            let loaded = app::Loaded {
                notice: Some(e.to_string()),
                ..app::Loaded::default()
            };
            return (None, Some(loaded));
        }
    };
    let store = StateStore::open(&path);
    let mut notice = store.notice();
    let mut problem = |p: Problem| {
        notice.get_or_insert_with(|| format!("reading state {}: {p}", path.display()));
    };
    let saved = store.saved_searches().unwrap_or_else(|p| {
        problem(p);
        Vec::new()
    });
    let history = store.history().unwrap_or_else(|p| {
        problem(p);
        Vec::new()
    });
    // The marks themselves (tens of milliseconds for 100k cards) are read by the poll thread
    // first thing, so the first frame does not wait for them.
    let loaded = app::Loaded {
        marks: store.empty_marks(),
        saved,
        history,
        notice: notice.map(|n| text::clean_line(&n).into_owned()),
        marks_pending: true,
    };
    (Some(store), Some(loaded))
}

/// Asks the state file every [`STATE_POLL`] whether another connection (another tidings, or
/// this reader's own writer) committed, and if so reads the marks again and sends them. On a
/// thread of its own: reading 100k marks takes tens of milliseconds, which the screen's thread
/// must not spend between two keys.
fn spawn_state_poll(mut store: StateStore, tx: std::sync::mpsc::Sender<Event>) {
    let poll = move || {
        // The first read is at once: the reader starts without the marks.
        let mut read_once = false;
        loop {
            if read_once {
                std::thread::sleep(STATE_POLL);
            }
            let due = !read_once || store.changed();
            let first = !read_once;
            read_once = true;
            if !due {
                continue;
            }
            let msg = match store.load() {
                Ok(marks) => Msg::MarksReloaded(marks),
                // The first read failing is said once; a later one keeps the marks shown.
                Err(problem) if first => Msg::Notice(Notice {
                    text: text::clean_line(&format!(
                        "reading state {}: {problem}; marks are not shown",
                        store.path().display()
                    ))
                    .into_owned(),
                    is_error: true,
                }),
                Err(_) => continue,
            };
            if tx.send(Event::App(msg)).is_err() {
                return; // The reader is gone.
            }
        }
    };
    // Without the thread, marks from elsewhere are seen at the next start.
    let _ = std::thread::Builder::new()
        .name("tidings-state-poll".into())
        .spawn(poll);
}

/// How the event loop ended.
enum Ending {
    Quit,
    /// A signal ended it (its number).
    Signal(i32),
}

fn event_loop(
    guard: &mut Guard,
    start: Start,
    options: Options,
    theme: &Theme,
    open: OpenConfig,
    store: Option<StateStore>,
) -> std::io::Result<Ending> {
    let (tx, rx) = event::channel();
    event::spawn_input(tx.clone());
    event::spawn_signals(tx.clone())?;

    let (width, height) = guard.size();
    let (state, effects) = State::new(width, height, Timestamp::now(), options);
    // Never freed: the process ends with the loop, and giving 100k cards back to the allocator
    // one by one would keep the terminal waiting a third of a second after `q`.
    let mut state = std::mem::ManuallyDrop::new(state);

    let home = crate::library::cache::index_home(&start.cache, &start.paths);
    let loader_tx = tx.clone();
    loader::spawn(start, move |msg| loader_tx.send(Event::App(msg)).is_ok())?;

    let worker_tx = tx.clone();
    let worker = FilterWorker::spawn(home, move |report| {
        let msg = match report {
            Report::Filtered(result) => Msg::Filtered(result),
            Report::Indexed(indexed) => Msg::Indexed(indexed),
            Report::Counted(counted) => Msg::Counted(counted),
        };
        let _ = worker_tx.send(Event::App(msg));
    });
    let writer = store.as_ref().map(|store| {
        let state_tx = tx.clone();
        store.writer(move |done| {
            let _ = state_tx.send(Event::App(Msg::StateDone(done)));
        })
    });
    let effects_runner = Effects::new(tx.clone(), worker, writer, open);
    for effect in effects {
        effects_runner.run(effect, &state, guard);
    }

    if let Some(store) = store {
        spawn_state_poll(store, tx.clone());
    }
    let mut last_tick = Instant::now();
    // When the key now pending was pressed.
    let mut pending_since: Option<Instant> = None;
    loop {
        {
            let _lock = tui::lock();
            guard
                .terminal
                .draw(|frame| ui::draw(frame, &state, theme))?;
        }
        let wait = match pending_since {
            Some(since) => SEQUENCE_TIMEOUT.saturating_sub(since.elapsed()).min(TICK),
            None => TICK,
        };
        let first = match rx.recv_timeout(wait) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if pending_since.is_some_and(|since| since.elapsed() >= SEQUENCE_TIMEOUT) {
            pending_since = None;
            for effect in app::update(&mut state, Msg::KeyTimeout) {
                effects_runner.run(effect, &state, guard);
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            app::update(&mut state, Msg::Tick(Timestamp::now()));
        }
        // Everything already waiting is applied before the next draw, so a burst of keys or
        // batches costs one frame, not one each.
        let mut pending: Vec<Event> = Vec::new();
        for event in first.into_iter().chain(rx.try_iter()) {
            match (pending.last_mut(), event) {
                (Some(Event::App(msg)), Event::App(next)) => {
                    if let Some(next) = msg.absorb(next) {
                        pending.push(Event::App(next));
                    }
                }
                (_, event) => pending.push(event),
            }
        }
        for event in pending {
            let msg = match event {
                Event::Terminal(term) => {
                    if let TermEvent::Resize(width, height) = term {
                        guard.resize(width, height)?;
                    }
                    let is_key = matches!(term, TermEvent::Key(_));
                    for msg in to_msgs(term) {
                        for effect in app::update(&mut state, msg) {
                            effects_runner.run(effect, &state, guard);
                        }
                    }
                    if is_key {
                        // The wait starts again with each key that leaves one pending.
                        pending_since = state.pending_key.map(|_| Instant::now());
                    }
                    if state.should_quit {
                        return Ok(Ending::Quit);
                    }
                    continue;
                }
                Event::App(msg) => msg,
                Event::Terminate(signal) => return Ok(Ending::Signal(signal)),
                Event::Repaint => {
                    guard.repaint()?;
                    continue;
                }
                Event::Foreground { mut command, shown } => {
                    let shown = text::clean_line(&shown).into_owned();
                    match guard.run_foreground(&mut command) {
                        Ok(status) if status.success() => continue,
                        Ok(status) => Msg::Notice(Notice {
                            text: format!("{shown} ended with {status}"),
                            is_error: true,
                        }),
                        Err(e) => Msg::Notice(Notice {
                            text: format!("could not run {shown}: {e}"),
                            is_error: true,
                        }),
                    }
                }
                Event::InputClosed(reason) => {
                    return Err(std::io::Error::other(format!(
                        "terminal input closed: {reason}"
                    )));
                }
            };
            for effect in app::update(&mut state, msg) {
                effects_runner.run(effect, &state, guard);
            }
            if state.should_quit {
                return Ok(Ending::Quit);
            }
        }
    }
    Ok(Ending::Quit)
}

/// A terminal event as messages for `update` (which reads keys through the live keymap).
fn to_msgs(event: TermEvent) -> Vec<Msg> {
    match event {
        TermEvent::Key(key) => vec![Msg::Key(key)],
        TermEvent::Mouse(mouse) => {
            let (column, row) = (mouse.column, mouse.row);
            let action = match mouse.kind {
                MouseEventKind::ScrollDown => Action::Scroll {
                    column,
                    row,
                    down: true,
                },
                MouseEventKind::ScrollUp => Action::Scroll {
                    column,
                    row,
                    down: false,
                },
                MouseEventKind::Down(MouseButton::Left) => Action::Click { column, row },
                _ => return Vec::new(),
            };
            vec![Msg::User(action)]
        }
        TermEvent::Resize(width, height) => {
            let (width, height) = tui::bounded(width, height);
            vec![Msg::Resize { width, height }]
        }
        TermEvent::Paste(text) => vec![Msg::Paste(text)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumb_or_unnamed_terminals_are_refused() {
        assert!(unusable_terminal(None).is_some());
        assert!(unusable_terminal(Some("")).is_some());
        assert!(unusable_terminal(Some("dumb")).is_some());
        assert!(unusable_terminal(Some("xterm-256color")).is_none());
        assert!(unusable_terminal(Some("tmux-256color")).is_none());
    }
}
