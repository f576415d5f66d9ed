//! Live reload: watches the reader's folders and turns what happens in them into changes for
//! the reader (cards new, changed and gone), within a second.
//!
//! The file system's events (inotify and the like, through `notify`, bursts folded by
//! `notify-debouncer-full`) only say which paths to look at; what changed is decided by
//! [`track::Tracker`] against each file's key, so a lost or repeated event costs a look, never
//! a wrong row. Lost events (a queue overflow) mean a rescan of every file against its key.
//! Where events cannot be had (the system's limit of watches is reached, a network file
//! system), the folders are polled instead, with a notice.

pub mod track;

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};
use rayon::prelude::*;

use crate::corpus::intern::Interner;
use crate::corpus::load::{self, Discovered, FileEntry, LoadOptions};
use crate::corpus::parse::Parsed;
use crate::library::cache::{FileKey, now_ns};
pub use track::{Change, Disk, Look, Root, Tracker};

/// How long a burst of events on one file is folded into one: short enough that a written
/// card is on screen within a second.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// How often the folders are polled when events cannot be had.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// How long the folders must have been quiet after a change before the cache is written again.
pub const SETTLED_AFTER: Duration = Duration::from_secs(5);

/// What the watcher tells the reader.
#[derive(Debug)]
pub enum Report {
    Change(Change),
    /// A sentence for the status line.
    Notice(String),
    /// Changes were sent and the folders have been quiet since, for [`SETTLED_AFTER`]: a good
    /// moment to write the cache.
    Settled,
}

/// What the event handler passes on to the watching thread.
enum Incoming {
    Paths(Vec<PathBuf>),
    /// Events were lost: look at everything.
    Rescan,
    /// The system's limit of watches was reached while following a new folder.
    LimitReached,
    Failed(String),
}

/// Held for what it does while it lives: watching stops when it is dropped.
enum Backend {
    Events {
        watcher: Debouncer<RecommendedWatcher, NoCache>,
    },
    /// No watcher: the folders are walked again every [`POLL_EVERY`] and every file's key
    /// compared with the one known. A polling watcher compares modification times only, and
    /// two writes within one tick of the file system's clock leave the same one: a file
    /// created and rewritten at once was never seen changed.
    Polling,
}

/// Watches under way; dropping it stops them.
pub struct Watching {
    backend: Option<Backend>,
    rx: Receiver<Incoming>,
    tx: Sender<Incoming>,
    /// Per root: as given, and as the file system names it (what events carry).
    roots: Vec<(Root, PathBuf)>,
    options: LoadOptions,
    notices: Vec<String>,
    /// Folders watched one by one, as the file system names them (and events carry them).
    folders: HashSet<PathBuf>,
    /// Folders that appeared while watching, watched with everything below them (`notify`
    /// follows what is made under them).
    trees: Vec<PathBuf>,
    /// A folder could not be watched, and said so: one notice is enough.
    failed: bool,
}

/// Each PATH that can be resolved, with the path the file system gives it.
fn resolved(paths: &[PathBuf]) -> Vec<(Root, PathBuf)> {
    paths
        .iter()
        .filter_map(|path| {
            let canonical = std::fs::canonicalize(path).ok()?;
            let is_dir = canonical.is_dir();
            let root = Root {
                path: path.clone(),
                is_dir,
            };
            Some((root, canonical))
        })
        .collect()
}

/// The roots of the PATH arguments, as cards name their paths (what a [`Tracker`] needs).
pub fn roots(paths: &[PathBuf]) -> Vec<Root> {
    resolved(paths).into_iter().map(|(root, _)| root).collect()
}

/// Why events cannot be had for a root, if that is known before trying: a file system that
/// sends none for changes made by other machines.
fn eventless_file_system(path: &Path) -> Option<&'static str> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut stats: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: a valid C string and a zeroed struct of the right type for statfs to fill.
        if unsafe { libc::statfs(c_path.as_ptr(), &mut stats) } != 0 {
            return None;
        }
        // NFS, SMB/CIFS (three magics), 9P (virtual machines' shared folders).
        #[allow(clippy::unnecessary_cast)]
        return match stats.f_type as u64 {
            0x6969 => Some("NFS"),
            0x517B | 0xFF53_4D42 | 0xFE53_4D42 => Some("SMB"),
            0x0102_1997 => Some("9P"),
            _ => None,
        };
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// Whether a watch error means the system's limit of watches (inotify's
/// `max_user_watches`, or no space left for one): then polling is the way.
fn is_limit(error: &notify::Error) -> bool {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        notify::ErrorKind::Io(io) => matches!(io.raw_os_error(), Some(libc::ENOSPC | libc::EMFILE)),
        _ => false,
    }
}

fn handler(tx: Sender<Incoming>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result| {
        let incoming = match result {
            Ok(events) if events.iter().any(|e| e.need_rescan()) => Incoming::Rescan,
            Ok(events) => Incoming::Paths(
                events
                    .into_iter()
                    .filter(|e| !e.kind.is_access())
                    .flat_map(|e| e.event.paths)
                    .collect(),
            ),
            Err(errors) if errors.iter().any(is_limit) => Incoming::LimitReached,
            Err(errors) => Incoming::Failed(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        let _ = tx.send(incoming);
    }
}

impl Watching {
    /// Starts watching for `paths` (the PATH arguments): a PATH that is a file is watched at
    /// once; the folders, one by one as the walk lists them ([`Watching::folder`]: watching a
    /// whole tree at once had `notify` look up every file in it, a third of a second of a warm
    /// start at 100k cards, only to find the folders). Never fails: what cannot be watched is
    /// said in a notice.
    pub fn new(paths: &[PathBuf], options: LoadOptions) -> Watching {
        let mut watching = Watching::unstarted(paths, options);
        let eventless = watching
            .roots
            .iter()
            .find_map(|(_, canonical)| eventless_file_system(canonical));
        match eventless {
            Some(kind) => {
                watching.poll(&format!("the folders are on {kind}, which sends no events"))
            }
            None => watching.listen(),
        }
        watching
    }

    /// As [`Watching::new`], but polling from the start, as when events cannot be had.
    pub fn polling(paths: &[PathBuf], options: LoadOptions) -> Watching {
        let mut watching = Watching::unstarted(paths, options);
        watching.poll("polling was asked for");
        watching
    }

    fn unstarted(paths: &[PathBuf], options: LoadOptions) -> Watching {
        let (tx, rx) = mpsc::channel();
        Watching {
            backend: None,
            rx,
            tx,
            roots: resolved(paths),
            options,
            notices: Vec::new(),
            folders: HashSet::new(),
            trees: Vec::new(),
            failed: false,
        }
    }

    /// Watches `folder` (as the walk names it: under a PATH as given), not what is below it:
    /// called before its listing is read, nothing the listing misses goes unseen.
    pub fn folder(&mut self, folder: &Path) {
        let Some(resolved) = self.resolved_path(folder) else {
            return;
        };
        if !self.is_watched(&resolved) {
            self.watch(resolved, RecursiveMode::NonRecursive);
        }
    }

    /// `path` (under a PATH as given) as the file system names it, which events carry.
    fn resolved_path(&self, path: &Path) -> Option<PathBuf> {
        self.roots.iter().find_map(|(root, canonical)| {
            let below = path.strip_prefix(&root.path).ok()?;
            root.is_dir.then(|| canonical.join(below))
        })
    }

    fn is_watched(&self, folder: &Path) -> bool {
        self.folders.contains(folder) || self.trees.iter().any(|t| folder.starts_with(t))
    }

    /// Sets a watch on `folder`; the system's limit reached means polling from now on.
    fn watch(&mut self, folder: PathBuf, mode: RecursiveMode) {
        let Some(Backend::Events { watcher }) = &mut self.backend else {
            return;
        };
        match watcher.watch(&folder, mode) {
            Ok(()) => match mode {
                RecursiveMode::Recursive => self.trees.push(folder),
                RecursiveMode::NonRecursive => {
                    self.folders.insert(folder);
                }
            },
            Err(e) if is_limit(&e) => {
                self.poll("the system's limit of watches is reached (fs.inotify.max_user_watches)")
            }
            // Gone already: its parent's watch said so, or will.
            Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => {}
            Err(e) if !self.failed => {
                self.failed = true;
                self.notices
                    .push(format!("watch: cannot follow {}: {e}", folder.display()));
            }
            Err(_) => {}
        }
    }

    /// Events named `paths` (as the file system names them): a folder that appeared is
    /// watched, with all below it, before the tracker walks it; one that went is forgotten, so
    /// a folder made again under its name is watched again.
    fn folders_changed(&mut self, paths: &[PathBuf]) {
        if !matches!(self.backend, Some(Backend::Events { .. })) {
            return;
        }
        for path in paths {
            let is_dir = match self.options.follow {
                true => std::fs::metadata(path),
                false => std::fs::symlink_metadata(path),
            }
            .map(|m| m.is_dir());
            match is_dir {
                Ok(true) if !self.is_watched(path) => {
                    self.watch(path.clone(), RecursiveMode::Recursive)
                }
                Ok(_) => {}
                Err(_) => {
                    if self.is_watched(path) {
                        self.folders.retain(|f| !f.starts_with(path));
                        self.trees.retain(|t| !t.starts_with(path));
                    }
                }
            }
        }
    }

    /// Sentences to show once.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// What the watch of each root that is a file is set on: its folder (a watch on the file
    /// itself ends when an editor saves by renaming over it). Folders come from the walk.
    fn targets(&self) -> Vec<PathBuf> {
        self.roots
            .iter()
            .filter(|(root, _)| !root.is_dir)
            .filter_map(|(_, canonical)| Some(canonical.parent()?.to_path_buf()))
            .collect()
    }

    fn config(&self) -> notify::Config {
        notify::Config::default().with_follow_symlinks(self.options.follow)
    }

    /// A debouncer over watcher `W` with every target watched; on failure, the target that
    /// could not be watched (`None`: the watcher itself could not start) and why.
    fn watched<W: notify::Watcher>(
        &self,
    ) -> Result<Debouncer<W, NoCache>, (Option<PathBuf>, notify::Error)> {
        let mut debouncer = new_debouncer_opt::<_, W, NoCache>(
            DEBOUNCE,
            None,
            handler(self.tx.clone()),
            NoCache,
            self.config(),
        )
        .map_err(|e| (None, e))?;
        for target in self.targets() {
            debouncer
                .watch(&target, RecursiveMode::NonRecursive)
                .map_err(|e| (Some(target), e))?;
        }
        Ok(debouncer)
    }

    fn listen(&mut self) {
        match self.watched::<RecommendedWatcher>() {
            Ok(debouncer) => {
                self.backend = Some(Backend::Events { watcher: debouncer });
            }
            Err((None, e)) if is_limit(&e) => {
                self.poll("the system's limit of watches is reached");
            }
            Err((Some(_), e)) if is_limit(&e) => {
                self.poll("the system's limit of watches is reached (fs.inotify.max_user_watches)");
            }
            Err((None, e)) => {
                self.notices
                    .push(format!("watch: cannot follow the folders: {e}"));
            }
            Err((Some(target), e)) => {
                self.notices
                    .push(format!("watch: cannot follow {}: {e}", target.display()));
            }
        }
    }

    fn poll(&mut self, why: &str) {
        self.notices.push(format!(
            "watch: {why}; checking the folders every {} s instead",
            POLL_EVERY.as_secs()
        ));
        self.backend = Some(Backend::Polling);
    }

    /// An event's path as cards name it: under the root as given, not as the file system
    /// resolved it.
    fn shown_path(&self, path: &Path) -> Option<PathBuf> {
        self.roots.iter().find_map(|(root, canonical)| {
            if !root.is_dir {
                return (path == canonical).then(|| root.path.clone());
            }
            let below = path.strip_prefix(canonical).ok()?;
            Some(root.path.join(below))
        })
    }

    /// Follows the folders until `report` returns `false` (the reader quit). `tracker` knows
    /// what the load put on screen. With `since` (when the load began), every file is looked
    /// at first and one written since then read again: for folders watched only after the
    /// load, so nothing written during it is missed. Without, the folders were watched as the
    /// load walked them, and their events since say what changed.
    pub fn follow(
        mut self,
        mut tracker: Tracker,
        since: Option<i64>,
        mut report: impl FnMut(Report) -> bool,
    ) {
        let disk = RealDisk {
            options: self.options,
            folders: RefCell::default(),
        };
        let follow = self.options.follow;
        for notice in self.take_notices() {
            if !report(Report::Notice(notice)) {
                return;
            }
        }
        let mut unsaved = false;
        if since.is_some() {
            let first = tracker.rescan(&disk, since, now_ns());
            unsaved = !first.is_empty();
            if !first.is_empty() && !report(Report::Change(first)) {
                return;
            }
        }
        let mut next_poll = Instant::now() + POLL_EVERY;
        loop {
            let wait = match tracker.next_due() {
                Some(due) => Duration::from_nanos(due.saturating_sub(now_ns()).max(0) as u64),
                None if unsaved => SETTLED_AFTER,
                None => Duration::from_secs(3600),
            };
            let polling = matches!(self.backend, Some(Backend::Polling));
            let wait = match polling {
                true => wait.min(next_poll.saturating_duration_since(Instant::now())),
                false => wait,
            };
            let first = match self.rx.recv_timeout(wait) {
                Ok(incoming) => Some(incoming),
                Err(RecvTimeoutError::Timeout) => None,
                // The sender lives in `self`: not reached.
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let quiet = first.is_none();
            let mut paths = Vec::new();
            let mut rescan = polling && Instant::now() >= next_poll;
            if rescan {
                next_poll = Instant::now() + POLL_EVERY;
            }
            for incoming in first
                .into_iter()
                .chain(self.rx.try_iter().collect::<Vec<_>>())
            {
                match incoming {
                    Incoming::Paths(found) => {
                        self.folders_changed(&found);
                        paths.extend(found.iter().filter_map(|p| self.shown_path(p)));
                    }
                    Incoming::Rescan => rescan = true,
                    Incoming::LimitReached => {
                        if matches!(self.backend, Some(Backend::Events { .. })) {
                            self.poll("the system's limit of watches is reached (fs.inotify.max_user_watches)");
                        }
                        rescan = true;
                    }
                    Incoming::Failed(why) => {
                        self.notices.push(format!("watch: {why}"));
                        rescan = true;
                    }
                }
            }
            for notice in self.take_notices() {
                if !report(Report::Notice(notice)) {
                    return;
                }
            }
            let now = now_ns();
            let mut change = if rescan {
                tracker.rescan(&disk, None, now)
            } else {
                tracker.paths_changed(&paths, &disk, follow, now)
            };
            // Folders a rescan found that no event named (made while events were lost).
            for folder in disk.folders.take() {
                self.folder(&folder);
            }
            let retried = tracker.retry_due(&disk, now);
            change.delta.upserts.extend(retried.delta.upserts);
            change.delta.forget.extend(retried.delta.forget);
            change.diagnostics.extend(retried.diagnostics);
            if !change.is_empty() {
                unsaved = true;
                if !report(Report::Change(change)) {
                    return;
                }
            } else if quiet && unsaved && tracker.next_due().is_none() {
                unsaved = false;
                if !report(Report::Settled) {
                    return;
                }
            }
        }
    }
}

/// The disk itself, read with the loader's own walk and parse.
struct RealDisk {
    options: LoadOptions,
    /// The folders its walks listed, to be watched if they are not.
    folders: RefCell<Vec<PathBuf>>,
}

impl Disk for RealDisk {
    fn look(&self, path: &Path) -> Look {
        match std::fs::symlink_metadata(path) {
            Err(_) => Look::Gone,
            Ok(meta) if meta.is_dir() => Look::Folder,
            Ok(meta) if meta.is_file() => Look::File(FileKey::of(&meta)),
            Ok(meta) if meta.file_type().is_symlink() => Look::Link,
            Ok(_) => Look::Special,
        }
    }

    fn walk(&self, paths: &[PathBuf]) -> Discovered<FileKey> {
        // A path gone since it was looked at is simply not there.
        let paths: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
        let mut folders = self.folders.borrow_mut();
        let mut listed = |folder: &Path| folders.push(folder.to_path_buf());
        load::discover_keyed_in_folders(&paths, &self.options, FileKey::of, 0, &mut listed)
            .unwrap_or(Discovered {
                files: Vec::new(),
                keys: Vec::new(),
                diagnostics: Vec::new(),
            })
    }

    fn read(&self, files: &[FileEntry]) -> Vec<Parsed> {
        let interner = Interner::default();
        let options = &self.options;
        files
            .par_iter()
            .map(|file| {
                let mut parsed = load::load_file(file, options, &interner);
                parsed.card = parsed.card.map(|card| load::leave_extras(card, file));
                parsed
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watch_limit_means_polling() {
        assert!(is_limit(&notify::Error::new(
            notify::ErrorKind::MaxFilesWatch
        )));
        let enospc = std::io::Error::from_raw_os_error(libc::ENOSPC);
        assert!(is_limit(&notify::Error::io(enospc)));
        assert!(!is_limit(&notify::Error::generic("other")));
    }
}
