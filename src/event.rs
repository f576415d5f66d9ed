//! One channel for everything the reader waits on: terminal input, loader batches, filter
//! results, effect outcomes and termination signals. The loop drains it, updates, then draws.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use crate::app::Msg;

#[derive(Debug)]
pub enum Event {
    Terminal(crossterm::event::Event),
    App(Msg),
    /// SIGTERM or SIGHUP: leave cleanly.
    Terminate,
    /// Reading the terminal failed; nothing more will come from it.
    InputClosed(String),
}

pub fn channel() -> (Sender<Event>, Receiver<Event>) {
    mpsc::channel()
}

/// Reads terminal events on their own thread so the loop never blocks on the keyboard.
pub fn spawn_input(tx: Sender<Event>) {
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

/// Turns SIGTERM and SIGHUP into an orderly quit, so the terminal is restored.
pub fn spawn_signals(tx: Sender<Event>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])?;
        thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if signals.forever().next().is_some() {
                    let _ = tx.send(Event::Terminate);
                }
            })?;
    }
    Ok(())
}
