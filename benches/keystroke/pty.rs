//! The reader in a pseudo-terminal, as a person's terminal runs it: its own session with the
//! terminal as its controlling tty, a window size, keys written as bytes, and everything it
//! draws read back, time-stamped the moment it arrives, into a [`Screen`].

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;

use crate::screen::Screen;

/// A running reader and the screen it has drawn so far.
pub struct Term {
    child: Child,
    input: File,
    output: Receiver<(Instant, Vec<u8>)>,
    pub screen: Screen,
}

/// When a wait ended and the last time the screen changed before that.
pub struct Settled {
    pub last_change: Instant,
}

impl Term {
    /// Starts `program args` in a new `rows` x `cols` pseudo-terminal.
    pub fn spawn(
        program: &Path,
        args: &[&Path],
        rows: u16,
        cols: u16,
        envs: &[(&str, &Path)],
    ) -> std::io::Result<Term> {
        let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
        rustix::pty::grantpt(&master)?;
        rustix::pty::unlockpt(&master)?;
        let name = rustix::pty::ptsname(&master, Vec::new())?;
        rustix::termios::tcsetwinsize(
            &master,
            rustix::termios::Winsize {
                ws_row: rows,
                ws_col: cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )?;
        let tty: OwnedFd = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let tty = File::from(tty);
        let mut command = Command::new(program);
        command
            .args(args)
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(tty.try_clone()?))
            .stdout(Stdio::from(tty.try_clone()?))
            .stderr(Stdio::from(tty));
        for (key, value) in envs {
            command.env(key, value);
        }
        // SAFETY: between fork and exec only async-signal-safe system calls are made (setsid,
        // ioctl), with no allocation or lock.
        unsafe {
            command.pre_exec(|| {
                rustix::process::setsid()?;
                // The terminal on stdin becomes the session's controlling terminal.
                rustix::process::ioctl_tiocsctty(BorrowedFd::borrow_raw(0))?;
                Ok(())
            });
        }
        let child = command.spawn()?;
        // `command` still holds the terminal's side; drop it so the reader's exit ends reads.
        drop(command);

        let master = File::from(master);
        let mut reader = master.try_clone()?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            // Ends at EOF, or EIO once the reader has exited and closed its side.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        Ok(Term {
            child,
            input: master,
            output: rx,
            screen: Screen::new(rows, cols),
        })
    }

    /// The reader's process id (the startup benchmark reads its memory from `/proc`).
    #[allow(dead_code)] // The keystroke benchmark does not.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes `bytes` (a key) and returns the moment they were written.
    pub fn key(&mut self, bytes: &[u8]) -> std::io::Result<Instant> {
        let at = Instant::now();
        self.input.write_all(bytes)?;
        self.input.flush()?;
        Ok(at)
    }

    /// Reads the screen until `done` holds and it has not changed for `quiet`, having changed
    /// at least once since `since`; gives up after `limit`. Returns the time of the last change,
    /// which is when the screen came to show what it settled on.
    pub fn settle(
        &mut self,
        since: Instant,
        done: impl Fn(&Screen) -> bool,
        quiet: Duration,
        limit: Duration,
    ) -> Result<Settled, String> {
        let deadline = since + limit;
        let mut last_change: Option<Instant> = None;
        loop {
            let now = Instant::now();
            let ready = last_change.is_some() && done(&self.screen);
            let wait = match (ready, last_change) {
                (true, Some(at)) => {
                    let until = at + quiet;
                    if now >= until {
                        return Ok(Settled { last_change: at });
                    }
                    until - now
                }
                _ => {
                    if now >= deadline {
                        return Err(format!(
                            "the screen did not settle within {limit:?}; it shows:\n{}",
                            self.screen.dump()
                        ));
                    }
                    deadline - now
                }
            };
            match self.output.recv_timeout(wait) {
                Ok((at, bytes)) => {
                    let (changed, replies) = self.screen.feed(&bytes);
                    for reply in replies {
                        self.input.write_all(&reply).map_err(|e| e.to_string())?;
                    }
                    if changed && at >= since {
                        last_change = Some(at);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the reader exited; its screen:\n{}",
                        self.screen.dump()
                    ));
                }
            }
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
