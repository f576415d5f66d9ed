//! One channel for everything the reader waits on: terminal input, loader batches, filter
//! results, effect outcomes and termination signals. The loop drains it, updates, then draws.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use crate::app::Msg;

#[derive(Debug)]
pub enum Event {
    Terminal(crossterm::event::Event),
    App(Msg),
    /// A signal that ends the process (its number): leave cleanly.
    Terminate(i32),
    /// The process was stopped and continued: the screen must be drawn afresh.
    Repaint,
    /// A terminal browser to run in the foreground, the reader suspended meanwhile; `shown`
    /// is the command as a person would read it.
    Foreground {
        command: std::process::Command,
        shown: String,
    },
    /// Reading the terminal failed; nothing more will come from it.
    InputClosed(String),
}

pub fn channel() -> (Sender<Event>, Receiver<Event>) {
    mpsc::channel()
}

/// Reads terminal events on their own thread so the loop never blocks on the keyboard.
pub(crate) fn spawn_input(tx: Sender<Event>) {
    let _ = thread::Builder::new().name("input".into()).spawn(move || {
        loop {
            let event = match crossterm::event::read() {
                Ok(event) => Event::Terminal(event),
                Err(e) => {
                    let _ = tx.send(Event::InputClosed(e.to_string()));
                    return;
                }
            };
            if tx.send(event).is_err() {
                return;
            }
        }
    });
}

/// How long the event loop has to quit on a signal before the signal thread restores the
/// terminal and exits itself: a signal takes effect within this whatever the loop is doing.
const QUIT_GRACE: Duration = Duration::from_millis(100);

/// Handles every catchable signal that ends or stops the process, so the terminal is always
/// given back: SIGTERM, SIGHUP, SIGINT and SIGQUIT quit (the loop first, then, if it is busy,
/// this thread); SIGTSTP stops with the terminal restored, and SIGCONT takes it back.
pub(crate) fn spawn_signals(tx: Sender<Event>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
        let mut signals = signal_hook::iterator::Signals::new([
            SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT,
        ])?;
        thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    match signal {
                        SIGTSTP => {
                            crate::tui::stop_until_continued();
                            let _ = tx.send(Event::Repaint);
                        }
                        SIGCONT => {
                            crate::tui::reenter();
                            let _ = tx.send(Event::Repaint);
                        }
                        _ => {
                            let _ = tx.send(Event::Terminate(signal));
                            thread::sleep(QUIT_GRACE);
                            // Still here: the loop is busy. Give the terminal back and go.
                            let _lock = crate::tui::lock();
                            crate::tui::leave();
                            std::process::exit(128 + signal);
                        }
                    }
                }
            })?;
    }
    Ok(())
}
