//! The reader's writer thread: ops go in through a channel that never blocks the sender, are
//! written one transaction each, in order, and each result comes back through a callback, so
//! the UI thread never waits on the disk or on another program's lock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::db::{self, Opened, Problem};
use super::ops::{self, Op, Outcome, WriteError};
use super::store;

/// Names one op sent to a [`Writer`]: its result carries the same ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub u64);

/// The result of one op, as the writer thread reports it.
#[derive(Debug)]
pub struct Done {
    pub ticket: Ticket,
    pub result: Result<Outcome, WriteError>,
}

struct Job {
    ticket: Ticket,
    op: Op,
}

/// The handle of the writer thread (see [`super::StateStore::writer`]). Dropping it waits for
/// the ops already sent to be written, so none is lost when the reader quits.
pub struct Writer {
    jobs: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    next: AtomicU64,
}

impl Writer {
    pub(crate) fn spawn(
        path: PathBuf,
        problem: Option<Problem>,
        mut on_done: impl FnMut(Done) + Send + 'static,
    ) -> Writer {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("tidings-state".into())
            .spawn(move || {
                // A store that is read-only already stays so: its writer does not open the
                // file at all (a damaged or newer file must not even be switched to WAL).
                let (mut conn, mut problem): (Option<Connection>, Option<Problem>) = match problem {
                    Some(p) => (None, Some(p)),
                    None => {
                        let Opened { conn, problem } = db::open(&path);
                        (conn, problem)
                    }
                };
                for job in inbox {
                    let result =
                        store::write(&mut conn, &mut problem, |c| ops::execute(c, &job.op));
                    on_done(Done {
                        ticket: job.ticket,
                        result,
                    });
                }
            });
        Writer {
            jobs: Some(jobs),
            thread: thread.ok(),
            next: AtomicU64::new(1),
        }
    }

    /// Queues `op` and returns at once; its [`Done`] carries the ticket returned here. If the
    /// thread could not be started, nothing is written and no result comes.
    pub fn send(&self, op: Op) -> Ticket {
        let ticket = Ticket(self.next.fetch_add(1, Ordering::Relaxed));
        if let Some(jobs) = &self.jobs {
            // Only a thread that never started (or died) has no inbox; see above.
            let _ = jobs.send(Job { ticket, op });
        }
        ticket
    }

    /// Waits until every op sent so far is written (or refused), then ends the thread.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}
