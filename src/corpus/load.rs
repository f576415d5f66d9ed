//! Walks folders, reads and parses card files on all cores, and streams the cards out in
//! batches with progress, so a reader can show the first cards while the rest load.
//!
//! The order of cards is the order of the paths given, each folder walked in name order, so two
//! loads of the same files give the same corpus whatever the thread timing.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::card::Card;
use super::diagnostic::{Diagnostic, FileProblem, Severity};
use super::intern::Interner;
use super::parse::{self, DEFAULT_SIZE_CAP};
use super::{Corpus, Delta};

/// File name endings that a folder walk treats as cards. A file named on the command line is
/// read whatever its name.
pub const CARD_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "yaml", "yml"];

/// A path the user named that cannot be loaded at all: a usage error, not a bad card.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("{}: no such file or folder", .0.display())]
    NotFound(PathBuf),
    #[error("{}: cannot read: {reason}", .path.display())]
    Unreadable { path: PathBuf, reason: String },
}

#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Files over this many bytes are skipped with an error diagnostic.
    pub size_cap: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            size_cap: DEFAULT_SIZE_CAP,
        }
    }
}

/// Where a card file's bytes are.
#[derive(Clone, Debug)]
pub enum Content {
    Disk,
    /// Built into the binary (the demo corpus).
    Embedded(&'static [u8]),
}

/// One file to load.
#[derive(Clone, Debug)]
pub struct FileEntry {
    pub path: PathBuf,
    /// The path below the folder it was found in; what a card id falls back on.
    pub relative: PathBuf,
    pub size: u64,
    pub content: Content,
}

/// How far loading has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// What the loader sends while it works.
#[derive(Debug)]
pub enum LoadEvent {
    Batch {
        cards: Vec<Card>,
        diagnostics: Vec<Diagnostic>,
        progress: Progress,
    },
    Done {
        progress: Progress,
        elapsed: Duration,
    },
}

/// Checks that every named path exists, without walking anything: the quick test a command
/// makes before it takes over the terminal.
pub fn check_paths(paths: &[PathBuf]) -> Result<(), PathError> {
    for path in paths {
        fs::metadata(path).map_err(|e| path_error(path, e))?;
    }
    Ok(())
}

fn path_error(path: &Path, e: std::io::Error) -> PathError {
    match e.kind() {
        std::io::ErrorKind::NotFound => PathError::NotFound(path.to_path_buf()),
        _ => PathError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
    }
}

/// Finds the card files under `paths`. Folders are walked recursively, hidden entries skipped,
/// symbolic links followed once (a link back up the tree is not walked again). Folder entries
/// that cannot be read become diagnostics; a named path that does not exist is an error.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<FileEntry>, Vec<Diagnostic>), PathError> {
    let mut walk = Walk::default();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| path_error(path, e))?;
        if meta.is_dir() {
            walk.folder(path, path);
        } else {
            let relative = path.file_name().map(PathBuf::from).unwrap_or_default();
            walk.file(path.clone(), relative, meta.len());
        }
    }
    Ok((walk.files, walk.diagnostics))
}

#[derive(Default)]
struct Walk {
    files: Vec<FileEntry>,
    diagnostics: Vec<Diagnostic>,
    seen_folders: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk {
    fn problem(&mut self, path: &Path, message: String) {
        self.diagnostics.push(Diagnostic {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            severity: Severity::Error,
            message,
        });
    }

    fn file(&mut self, path: PathBuf, relative: PathBuf, size: u64) {
        // The same file named twice, or reached through a link, loads once.
        let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if self.seen_files.insert(canonical) {
            self.files.push(FileEntry {
                path,
                relative,
                size,
                content: Content::Disk,
            });
        }
    }

    fn folder(&mut self, root: &Path, folder: &Path) {
        let canonical = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        if !self.seen_folders.insert(canonical) {
            return;
        }
        let entries = match fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => return self.problem(folder, format!("cannot read folder: {e}")),
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            // Follows links: a link to a folder is walked, a broken one is reported.
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    self.problem(&path, format!("cannot read: {e}"));
                    continue;
                }
            };
            if meta.is_dir() {
                self.folder(root, &path);
            } else if meta.is_file() && has_card_extension(&path) {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                self.file(path, relative, meta.len());
            }
        }
    }
}

fn has_card_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CARD_EXTENSIONS.iter().any(|c| e.eq_ignore_ascii_case(c)))
}

/// Reads at most `cap + 1` bytes, so a huge file costs nothing to reject.
fn read_capped(
    entry: &FileEntry,
    cap: u64,
) -> Result<std::borrow::Cow<'static, [u8]>, FileProblem> {
    match entry.content {
        Content::Embedded(bytes) => Ok(bytes.into()),
        Content::Disk => {
            if entry.size > cap {
                return Err(FileProblem::TooLarge {
                    size: entry.size,
                    cap,
                });
            }
            let file = fs::File::open(&entry.path).map_err(|e| FileProblem::Io(e.to_string()))?;
            let mut bytes = Vec::with_capacity(entry.size as usize);
            file.take(cap + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| FileProblem::Io(e.to_string()))?;
            if bytes.len() as u64 > cap {
                // The file grew between the walk and the read.
                return Err(FileProblem::TooLarge {
                    size: bytes.len() as u64,
                    cap,
                });
            }
            Ok(bytes.into())
        }
    }
}

/// Reads and parses one file.
pub fn load_file(entry: &FileEntry, options: &LoadOptions, interner: &Interner) -> parse::Parsed {
    match read_capped(entry, options.size_cap) {
        Ok(bytes) => parse::parse_card(&bytes, &entry.path, &entry.relative, interner),
        Err(problem) => parse::Parsed {
            card: None,
            diagnostics: vec![Diagnostic {
                path: entry.path.clone(),
                line: 1,
                column: 1,
                severity: Severity::Error,
                message: problem.to_string(),
            }],
        },
    }
}

/// Loads `files` on all cores, calling `sink` with each batch in file order, then once with
/// [`LoadEvent::Done`]. Returning `false` from `sink` stops loading (the reader quit).
pub fn stream(files: &[FileEntry], options: &LoadOptions, mut sink: impl FnMut(LoadEvent) -> bool) {
    let started = Instant::now();
    let interner = Interner::default();
    let mut progress = Progress {
        files_total: files.len(),
        bytes_total: files.iter().map(|f| f.size).sum(),
        ..Progress::default()
    };
    // Small first batches put cards on screen at once; larger ones later keep the per-batch
    // cost (a channel send, a redraw) negligible.
    let mut batch = 64usize;
    let mut rest = files;
    while !rest.is_empty() {
        let (now, later) = rest.split_at(batch.min(rest.len()));
        rest = later;
        batch = (batch * 2).min(2048);
        let parsed: Vec<parse::Parsed> = now
            .par_iter()
            .map(|entry| load_file(entry, options, &interner))
            .collect();
        let mut cards = Vec::with_capacity(parsed.len());
        let mut diagnostics = Vec::new();
        for p in parsed {
            cards.extend(p.card);
            diagnostics.extend(p.diagnostics);
        }
        progress.files_done += now.len();
        progress.bytes_done += now.iter().map(|f| f.size).sum::<u64>();
        if !sink(LoadEvent::Batch {
            cards,
            diagnostics,
            progress,
        }) {
            return;
        }
    }
    sink(LoadEvent::Done {
        progress,
        elapsed: started.elapsed(),
    });
}

/// A whole load: the corpus, every diagnostic, and counts for a report.
#[derive(Debug, Default)]
pub struct Loaded {
    pub corpus: Corpus,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    /// Files with an error diagnostic: not cards, not loaded.
    pub skipped: usize,
}

/// Loads everything before returning; for `tidings check` and the headless commands.
///
/// Linking each batch into the corpus runs on this thread while the pool parses the next one,
/// as in the reader, so the parse is never held up by bookkeeping.
pub fn load_all(files: &[FileEntry], options: &LoadOptions) -> Loaded {
    // A small buffer: enough to overlap, not enough to hold the corpus twice.
    let (tx, rx) = std::sync::mpsc::sync_channel(2);
    let loaded = std::thread::scope(|scope| {
        let linker = scope.spawn(move || {
            let mut loaded = Loaded {
                files: files.len(),
                ..Loaded::default()
            };
            for event in rx {
                if let LoadEvent::Batch {
                    cards, diagnostics, ..
                } = event
                {
                    loaded.diagnostics.extend(diagnostics);
                    let applied = loaded.corpus.apply(Delta::arrivals(cards));
                    loaded.diagnostics.extend(applied.diagnostics);
                }
            }
            loaded
        });
        // Parsing stays on the calling thread, so it runs in the caller's rayon pool.
        stream(files, options, |event| tx.send(event).is_ok());
        drop(tx);
        linker.join()
    });
    let mut loaded = match loaded {
        Ok(loaded) => loaded,
        // Only a bug of ours can panic the linker; let it surface as the panic it was.
        Err(panic) => std::panic::resume_unwind(panic),
    };
    loaded.skipped = count_skipped(&loaded.diagnostics);
    loaded
}

/// Files skipped: those with at least one error diagnostic.
pub fn count_skipped(diagnostics: &[Diagnostic]) -> usize {
    let mut skipped: Vec<&Path> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.path.as_path())
        .collect();
    skipped.sort_unstable();
    skipped.dedup();
    skipped.len()
}
