//! Terminal setup and teardown in one place: raw mode, the alternate screen, mouse capture,
//! bracketed paste and line wrapping go on together and come off together, on quit, on a panic
//! (before the panic message, so it is readable), on every signal that ends or stops the
//! process, and around Ctrl-Z.
//!
//! Every write to the terminal, the event loop's drawing and a signal's teardown alike, holds
//! [`lock`], so a teardown never lands in the middle of a frame.

use std::io::{self, Stdout, Write};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// The largest screen the reader draws on. A terminal that reports more (10,000 x 10,000 was
/// tried) gets the top left corner: every cell costs memory twice over, and no one reads a
/// list a thousand columns wide.
pub(crate) const MAX_WIDTH: u16 = 1000;
pub(crate) const MAX_HEIGHT: u16 = 500;

/// The size drawn on for a terminal of `width` x `height`.
pub(crate) fn bounded(width: u16, height: u16) -> (u16, u16) {
    (width.min(MAX_WIDTH), height.min(MAX_HEIGHT))
}

/// Auto-wrap (DECAWM) off: a character the terminal measures wider than tidings does cannot
/// push text into the next row, whatever width a terminal gives an emoji sequence.
const WRAP_OFF: &str = "\x1b[?7l";
const WRAP_ON: &str = "\x1b[?7h";

static TERMINAL: Mutex<()> = Mutex::new(());

/// Held while writing to the terminal.
pub fn lock() -> MutexGuard<'static, ()> {
    TERMINAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Puts the terminal in the reader's mode.
pub(crate) fn enter() -> io::Result<()> {
    // crossterm remembers that raw mode is on and would do nothing; after a stop, another
    // program may have put the terminal back in cooked mode, so raw mode is set afresh.
    terminal::disable_raw_mode()?;
    terminal::enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    out.write_all(WRAP_OFF.as_bytes())?;
    out.flush()
}

/// Gives the terminal back as it was. Safe to call twice, and from a panic hook: each step is
/// tried whatever the others did.
pub fn leave() {
    let mut out = io::stdout();
    let _ = out.write_all(WRAP_ON.as_bytes());
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the default panic message is printed.
pub(crate) fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}

/// A terminal drawing into the top left `width` x `height` cells (see [`bounded`]).
fn terminal(width: u16, height: u16) -> io::Result<Term> {
    let (width, height) = bounded(width, height);
    Terminal::with_options(
        CrosstermBackend::new(io::stdout()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )
}

/// The terminal, set up; restored when dropped.
pub(crate) struct Guard {
    pub terminal: Term,
}

impl Guard {
    pub fn new() -> io::Result<Guard> {
        let (width, height) = terminal::size()?;
        enter()?;
        match self::terminal(width, height) {
            Ok(terminal) => Ok(Guard { terminal }),
            Err(e) => {
                leave();
                Err(e)
            }
        }
    }

    /// The size drawn on.
    pub fn size(&mut self) -> (u16, u16) {
        let area = self.terminal.get_frame().area();
        (area.width, area.height)
    }

    /// The terminal changed size: draw on the new size (bounded) from scratch.
    pub fn resize(&mut self, width: u16, height: u16) -> io::Result<()> {
        let (width, height) = bounded(width, height);
        self.terminal.resize(Rect::new(0, 0, width, height))
    }

    /// Clears the screen and forgets what was on it, so the next draw paints every cell:
    /// after a suspend, or when something else garbled the screen (Ctrl-L). Forgetting alone
    /// is not enough: the next frame would then skip every cell it believes blank, leaving
    /// the garbage there. (`Terminal::clear` would first ask the terminal where its cursor
    /// is, a reply the input thread may swallow.)
    pub fn repaint(&mut self) -> io::Result<()> {
        let (width, height) = terminal::size()?;
        self.terminal = self::terminal(width, height)?;
        let _lock = lock();
        execute!(io::stdout(), terminal::Clear(terminal::ClearType::All))
    }

    /// Runs a program that needs the terminal (a terminal browser): the terminal is given back
    /// while it runs and taken again, repainted, when it exits.
    pub(crate) fn run_foreground(
        &mut self,
        command: &mut std::process::Command,
    ) -> io::Result<std::process::ExitStatus> {
        let status = {
            let _lock = lock();
            leave();
            let status = command.status();
            enter()?;
            status
        };
        self.repaint()?;
        status
    }

    /// Writes an escape sequence the reader itself built (OSC 52), not text from a card.
    pub(crate) fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let _lock = lock();
        let out = self.terminal.backend_mut();
        out.write_all(bytes)?;
        out.flush()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _lock = lock();
        leave();
    }
}

/// Stops the process until `fg` (or SIGCONT), the terminal given back meanwhile. Called on the
/// signal thread for Ctrl-Z and for a SIGTSTP sent from outside alike.
#[cfg(unix)]
pub(crate) fn stop_until_continued() {
    let _lock = lock();
    leave();
    // SIGSTOP, not SIGTSTP: tidings handles SIGTSTP itself, and this must really stop.
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    let _ = enter();
}

/// Takes the terminal back after the process was stopped and continued from outside.
pub(crate) fn reenter() {
    let _lock = lock();
    let _ = enter();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_terminal_is_drawn_in_a_bounded_corner() {
        assert_eq!(bounded(10_000, 10_000), (MAX_WIDTH, MAX_HEIGHT));
        assert_eq!(bounded(120, 40), (120, 40));
        // Two buffers of cells at the bound stay in the tens of megabytes.
        let cells = usize::from(MAX_WIDTH) * usize::from(MAX_HEIGHT);
        assert!(cells * 2 * std::mem::size_of::<ratatui::buffer::Cell>() < 100 << 20);
    }
}
