//! The only place the reader touches the world: the browser, the clipboard (the terminal's, or
//! a program the configuration names), the filter worker, and suspending. Each [`Effect`] from `update` is carried out here; what comes of it returns
//! as a message.

use std::io::{self, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;

use crate::app::{Effect, Msg, Notice, State};
use crate::config::OpenConfig;
use crate::event::Event;
use crate::library::state::Writer;
use crate::opener::{self, Opened};
use crate::search::worker::{CountRequest, FilterRequest, FilterWorker};
use crate::text;
use crate::tui::Guard;

/// The least time between two browser launches.
const LAUNCH_GAP: Duration = Duration::from_secs(1);

pub(crate) struct Effects {
    pub tx: Sender<Event>,
    pub worker: FilterWorker,
    /// The reading state's writer; `None` with `--no-state`.
    pub writer: Option<Writer>,
    /// The configured ways to open and copy URLs.
    open: OpenConfig,
    /// A browser is being launched: one at a time, so a held `o` cannot start hundreds.
    launching: Arc<AtomicBool>,
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. The payload is
/// base64, so nothing in it can end the sequence early.
pub(crate) fn osc52(text: &str) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{payload}\x07")
}

impl Effects {
    pub fn new(
        tx: Sender<Event>,
        worker: FilterWorker,
        writer: Option<Writer>,
        open: OpenConfig,
    ) -> Effects {
        Effects {
            tx,
            worker,
            writer,
            open,
            launching: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn run(&self, effect: Effect, state: &State, guard: &mut Guard) {
        match effect {
            Effect::OpenUrl(url) => {
                if self.launching.swap(true, Ordering::AcqRel) {
                    self.notice("still opening the last link; this one was not opened".into());
                    return;
                }
                let tx = self.tx.clone();
                let launching = Arc::clone(&self.launching);
                let candidates = opener::candidates(
                    std::env::var("BROWSER").ok().as_deref(),
                    self.open.command.as_ref(),
                );
                // Never on the UI thread: starting a program can take a while.
                let spawned = thread::Builder::new().name("open".into()).spawn(move || {
                    let started = Instant::now();
                    match opener::open(&candidates, &url) {
                        Ok(Opened::Detached { .. }) => {}
                        // A terminal browser needs the terminal: the event loop hands it over.
                        Ok(Opened::Foreground { command, shown }) => {
                            let _ = tx.send(Event::Foreground { command, shown });
                        }
                        Err(e) => {
                            let _ = tx.send(Event::App(Msg::Notice(Notice {
                                text: text::clean_line(&e.to_string()).into_owned(),
                                is_error: true,
                            })));
                        }
                    }
                    // A browser takes a moment to show; presses meanwhile would start more.
                    thread::sleep(LAUNCH_GAP.saturating_sub(started.elapsed()));
                    launching.store(false, Ordering::Release);
                });
                if let Err(e) = spawned {
                    self.launching.store(false, Ordering::Release);
                    self.notice(format!("could not open: {e}"));
                }
            }
            Effect::Copy(url) => match &self.open.copy {
                Some(argv) => self.copy_with(argv.clone(), url),
                None => {
                    if let Err(e) = guard.write_raw(osc52(&url).as_bytes()) {
                        self.notice(format!("could not copy: {e}"));
                    }
                }
            },
            Effect::Filter { generation, query } => self.worker.submit(FilterRequest {
                generation,
                cards: state.corpus.cards().clone(),
                epoch: state.corpus.epoch(),
                marks: query
                    .mark_term()
                    .map(|_| std::sync::Arc::clone(&state.reading.marks)),
                query,
            }),
            Effect::CountSaved {
                generation,
                queries,
            } => self.worker.count(CountRequest {
                generation,
                queries,
                cards: state.corpus.cards().clone(),
                epoch: state.corpus.epoch(),
                marks: state
                    .reading
                    .kept
                    .then(|| std::sync::Arc::clone(&state.reading.marks)),
            }),
            Effect::Index => self
                .worker
                .catch_up(state.corpus.cards().clone(), state.corpus.epoch()),
            Effect::SettleIndex => self
                .worker
                .settle(state.corpus.cards().clone(), state.corpus.epoch()),
            Effect::Repaint => {
                if let Err(e) = guard.repaint() {
                    self.notice(format!("could not repaint: {e}"));
                }
            }
            Effect::State(op) => {
                // Without a writer (`--no-state`) the app sends no writes at all.
                if let Some(writer) = &self.writer {
                    writer.send(op);
                }
            }
            Effect::Suspend => {
                // The signal thread stops the process with the terminal given back, as it does
                // for a SIGTSTP sent from outside, and asks for a repaint when it continues.
                #[cfg(unix)]
                if let Err(e) = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP) {
                    self.notice(format!("could not suspend: {e}"));
                }
                #[cfg(not(unix))]
                self.notice("suspending needs a Unix shell".into());
            }
        }
    }

    /// Hands `url` to the configured clipboard program on its own thread: a program that waits
    /// (for a display, say) must not stop the reader.
    fn copy_with(&self, argv: Vec<String>, url: String) {
        let tx = self.tx.clone();
        let spawned = thread::Builder::new().name("copy".into()).spawn(move || {
            let shown = text::clean_line(&argv.join(" ")).into_owned();
            let problem = match pipe_to(&argv, &url) {
                Ok(status) if status.success() => return,
                Ok(status) => format!("{shown} ended with {status}"),
                Err(e) => format!("could not run {shown}: {e}"),
            };
            let _ = tx.send(Event::App(Msg::Notice(Notice {
                text: format!("not copied: {problem}"),
                is_error: true,
            })));
        });
        if let Err(e) = spawned {
            self.notice(format!("could not copy: {e}"));
        }
    }

    fn notice(&self, text: String) {
        let _ = self.tx.send(Event::App(Msg::Notice(Notice {
            text,
            is_error: true,
        })));
    }
}

/// Runs `argv` (a program and its arguments, no shell) with `input` on its standard input and
/// its output discarded, and waits for it. Its own process group, so the terminal's signals
/// are not its business.
pub(crate) fn pipe_to(argv: &[String], input: &str) -> io::Result<ExitStatus> {
    let Some((program, args)) = argv.split_first() else {
        return Err(io::Error::other("no program named"));
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that exits without reading is its own affair: its status says how it went.
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("https://a.b/"), "\x1b]52;c;aHR0cHM6Ly9hLmIv\x07");
        // A hostile string cannot terminate the sequence: its bytes are all base64.
        let seq = osc52("\x07\x1b\\");
        assert_eq!(seq.matches('\x07').count(), 1);
        assert_eq!(seq.matches('\x1b').count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_copy_program_gets_the_text_on_its_stdin_and_no_shell_reads_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let program = dir.path().join("fake-copy");
        let record = dir.path().join("copied");
        std::fs::write(
            &program,
            format!("#!/bin/sh\ncat > '{}'\n", record.display()),
        )
        .expect("script");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let url = "https://example.org/$(touch pwned);`x`";
        let argv = vec![program.display().to_string()];
        let status = pipe_to(&argv, url).expect("runs");
        assert!(status.success());
        assert_eq!(std::fs::read_to_string(&record).expect("recorded"), url);
        assert!(!dir.path().join("pwned").exists());
        assert!(pipe_to(&["/no/such/program".to_string()], url).is_err());
    }
}
