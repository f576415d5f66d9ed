//! Walks folders, reads and parses card files on all cores, and streams the cards out in
//! batches with progress, so a reader can show the first cards while the rest load.
//!
//! The order of cards is the order of the paths given, each folder walked in name order, so two
//! loads of the same files give the same corpus whatever the thread timing.

use std::collections::HashSet;
use std::fs::{self, File, FileType, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::card::{Card, CardPath, ExtrasAt, ExtrasRead};
use super::diagnostic::{Diagnostic, FileProblem, Severity, Subject};
use super::intern::Interner;
use super::parse::{self, DEFAULT_SIZE_CAP};
use super::{Corpus, Delta};

/// File name endings that a folder walk treats as cards. A file named on the command line is
/// read whatever its name.
pub(crate) const CARD_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "yaml", "yml"];

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
    /// Follow symbolic links met inside walked folders (links named as paths are always
    /// followed). Off by default, as in fd and ripgrep: a link to `/` must not walk the disk.
    pub follow: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            size_cap: DEFAULT_SIZE_CAP,
            follow: false,
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
    /// Shared with the card read from it (a second copy of 100k paths is 10 MB to fill).
    pub path: CardPath,
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
pub(crate) fn check_paths(paths: &[PathBuf]) -> Result<(), PathError> {
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

/// [`discover_with`] with the default options: links inside folders are not followed.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<FileEntry>, Vec<Diagnostic>), PathError> {
    discover_with(paths, &LoadOptions::default())
}

/// Finds the card files under `paths`. Folders are walked in name order, hidden entries
/// skipped; a symbolic link inside a folder is followed only with `options.follow`, and then no
/// folder is walked twice however links loop. A named path is followed if it is a link. Every
/// file and folder is visited once, however often it is reached. Entries that cannot be read,
/// and card-named entries that are not regular files (FIFOs, sockets, devices), become
/// diagnostics; a named path that does not exist is an error.
pub fn discover_with(
    paths: &[PathBuf],
    options: &LoadOptions,
) -> Result<(Vec<FileEntry>, Vec<Diagnostic>), PathError> {
    discover_keyed(paths, options, |_| ()).map(|found| (found.files, found.diagnostics))
}

/// What a walk found: the files, with a key per file made from its metadata, and the problems.
#[derive(Debug)]
pub struct Discovered<K> {
    pub files: Vec<FileEntry>,
    /// One per file, in the same order.
    pub keys: Vec<K>,
    pub diagnostics: Vec<Diagnostic>,
}

/// [`discover_with`], with `key` made from each file's metadata as the walk reads it (a cache
/// keys files by it). The walk itself asks the file system nothing about a regular file but
/// what its folder's listing says; sizes and keys are read afterwards on all cores, so
/// checking 100k files costs a fraction of reading them one by one.
pub fn discover_keyed<K: Send>(
    paths: &[PathBuf],
    options: &LoadOptions,
    key: impl Fn(&Metadata) -> K + Sync,
) -> Result<Discovered<K>, PathError> {
    discover_keyed_in_folders(paths, options, key, 0, &mut |_| {})
}

/// [`discover_keyed`], telling `before_listing` of each folder (as the walk names it, under
/// its PATH) just before the folder's listing is read: a watch set on the folder then misses
/// nothing that its listing does not show. `expected` is how many files the caller expects (a
/// cache's count): the walk's lists are made that long at once, not doubled step by step.
pub fn discover_keyed_in_folders<K: Send>(
    paths: &[PathBuf],
    options: &LoadOptions,
    key: impl Fn(&Metadata) -> K + Sync,
    expected: usize,
    before_listing: &mut dyn FnMut(&Path),
) -> Result<Discovered<K>, PathError> {
    let mut walk = Walk {
        follow: options.follow,
        files: Vec::with_capacity(expected),
        metas: Vec::with_capacity(expected),
        ..Walk::default()
    };
    walk.seen.reserve(expected);
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| path_error(path, e))?;
        if meta.is_dir() {
            walk.folder_tree(path, &meta, before_listing);
        } else {
            let relative = path.file_name().map(PathBuf::from).unwrap_or_default();
            walk.file(path.clone(), relative, meta);
        }
    }
    let looked_up: Vec<Result<(u64, K), Diagnostic>> = walk
        .files
        .par_iter()
        .zip(walk.metas.into_par_iter())
        .map(|(file, meta)| {
            let meta = match meta {
                Lookup::Read(meta) => Ok(*meta),
                // As `symlink_metadata`: a link is not followed.
                Lookup::Entry(entry) => entry.metadata(),
                Lookup::Path => fs::symlink_metadata(&file.path),
            };
            let meta = meta.map_err(|e| {
                Diagnostic::file(&*file.path, Severity::Error, format!("cannot read: {e}"))
            })?;
            if !meta.is_file() {
                // Replaced by something else since its folder was listed.
                let problem = FileProblem::NotRegular(special_kind(meta.file_type()));
                return Err(Diagnostic::file(
                    &*file.path,
                    Severity::Error,
                    problem.to_string(),
                ));
            }
            Ok((meta.len(), key(&meta)))
        })
        .collect();
    let mut found = Discovered {
        files: Vec::with_capacity(walk.files.len()),
        keys: Vec::with_capacity(walk.files.len()),
        diagnostics: walk.diagnostics,
    };
    for (mut file, looked_up) in walk.files.into_iter().zip(looked_up) {
        match looked_up {
            Ok((size, key)) => {
                file.size = size;
                found.files.push(file);
                found.keys.push(key);
            }
            Err(problem) => found.diagnostics.push(problem),
        }
    }
    Ok(found)
}

/// A file's identity on its file system: the same for every path and link that reaches it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Identity(u64, u64);

impl std::hash::Hash for Identity {
    /// One word for the set's fast hasher, which keeps only the last word it is given.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.rotate_left(32) ^ self.1);
    }
}

#[cfg(unix)]
fn identity(meta: &Metadata, _path: &Path) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &Metadata, path: &Path) -> Identity {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Identity(
        BuildHasherDefault::<DefaultHasher>::default().hash_one(canonical),
        0,
    )
}

/// The device a folder is on; what its regular files' identities start with.
#[cfg(unix)]
fn device(meta: &Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.dev()
}

#[cfg(not(unix))]
fn device(_meta: &Metadata) -> u64 {
    0
}

/// What a file that is neither a folder nor a regular file is, for messages.
fn special_kind(file_type: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
    }
    let _ = file_type;
    "a special file"
}

/// One folder entry, before anything but its name, type and inode number is known.
struct Found {
    path: PathBuf,
    file_type: FileType,
    #[cfg(unix)]
    ino: u64,
    /// The listing's own entry, kept (while few folders are held open) so the file's metadata
    /// is read relative to its open folder rather than by its whole path.
    entry: Option<fs::DirEntry>,
}

/// How a file's metadata is had after the walk.
enum Lookup {
    /// The walk read it already.
    Read(Box<Metadata>),
    /// Through the folder listing's entry: relative to the open folder, no path to resolve.
    Entry(fs::DirEntry),
    /// By the file's path.
    Path,
}

/// How many folders' listings the walk holds open for [`Lookup::Entry`]: each is a file
/// descriptor until the lookups are done, and the process has a limit of them.
const OPEN_FOLDERS: usize = 256;

#[derive(Default)]
struct Walk {
    follow: bool,
    files: Vec<FileEntry>,
    /// Per file: its metadata when the walk already read it, or how to look it up after the
    /// walk (regular files known from their folder's listing). Boxed: most files are looked
    /// up, and a `Metadata` in place made this list 20 MB at 100k files.
    metas: Vec<Lookup>,
    /// Folders whose listing is held open by a kept entry (at most [`OPEN_FOLDERS`]).
    open_folders: usize,
    diagnostics: Vec<Diagnostic>,
    /// Files and folders already taken, so links and repeated paths cost one visit.
    seen: HashSet<Identity, std::hash::BuildHasherDefault<super::id::IdHasher>>,
}

impl Walk {
    fn file_problem(&mut self, path: &Path, message: String) {
        self.diagnostics
            .push(Diagnostic::file(path, Severity::Error, message));
    }

    fn folder_problem(&mut self, path: &Path, message: String) {
        self.diagnostics.push(Diagnostic::folder(path, message));
    }

    /// A file to load, unless it was already taken or is not a regular file.
    fn file(&mut self, path: PathBuf, relative: PathBuf, meta: Metadata) {
        if !meta.is_file() {
            let problem = FileProblem::NotRegular(special_kind(meta.file_type()));
            return self.file_problem(&path, problem.to_string());
        }
        if self.seen.insert(identity(&meta, &path)) {
            self.files.push(FileEntry {
                path: path.into(),
                relative,
                size: meta.len(),
                content: Content::Disk,
            });
            self.metas.push(Lookup::Read(Box::new(meta)));
        }
    }

    /// A regular file as its folder's listing shows it, on a device whose number the walk
    /// knows: taken without asking the file system anything more (see [`discover_keyed`]).
    #[cfg(unix)]
    fn listed_file(&mut self, found: Found, relative: PathBuf, identity: Identity) {
        if self.seen.insert(identity) {
            self.files.push(FileEntry {
                path: found.path.into(),
                relative,
                size: 0,
                content: Content::Disk,
            });
            self.metas
                .push(found.entry.map_or(Lookup::Path, Lookup::Entry));
        }
    }

    /// Walks the tree under `root` depth first, in name order, with a stack of its own: no
    /// depth of folders can exhaust the thread's stack.
    fn folder_tree(&mut self, root: &Path, meta: &Metadata, before_listing: &mut dyn FnMut(&Path)) {
        if !self.seen.insert(identity(meta, root)) {
            return;
        }
        let mut stack = Vec::new();
        stack.extend(
            self.entries(root, before_listing)
                .map(|level| (level.into_iter(), device(meta))),
        );
        while let Some((level, _dev)) = stack.last_mut() {
            let Some(found) = level.next() else {
                stack.pop();
                continue;
            };
            #[cfg(unix)]
            if found.file_type.is_file() && has_card_extension(&found.path) {
                // A regular file lives on its folder's device; with the inode number from the
                // listing, that is its identity, and nothing more is needed from it now.
                let identity = Identity(*_dev, found.ino);
                let relative = relative_to(&found.path, root);
                self.listed_file(found, relative, identity);
                continue;
            }
            let Some(meta) = self.resolve(&found) else {
                continue;
            };
            if meta.is_dir() {
                if self.seen.insert(identity(&meta, &found.path)) {
                    stack.extend(
                        self.entries(&found.path, before_listing)
                            .map(|level| (level.into_iter(), device(&meta))),
                    );
                }
            } else if has_card_extension(&found.path) {
                let relative = relative_to(&found.path, root);
                self.file(found.path, relative, meta);
            }
        }
    }

    /// The metadata of an entry, following a link only when asked to; `None` for an entry to
    /// pass over (a link not followed, a broken one, one whose metadata cannot be read).
    fn resolve(&mut self, found: &Found) -> Option<Metadata> {
        let is_link = found.file_type.is_symlink();
        if is_link && !self.follow {
            return None;
        }
        if !is_link && !found.file_type.is_dir() && !has_card_extension(&found.path) {
            // Not a card by its name: no need to ask the file system anything more.
            return None;
        }
        let meta = if is_link {
            fs::metadata(&found.path)
        } else {
            fs::symlink_metadata(&found.path)
        };
        match meta {
            Ok(meta) => Some(meta),
            Err(e) => {
                let message = if is_link {
                    format!("cannot follow link: {e}")
                } else {
                    format!("cannot read: {e}")
                };
                // A broken link with a card's name was meant as a card; any other was most
                // likely a folder.
                if found.file_type.is_dir() || (is_link && !has_card_extension(&found.path)) {
                    self.folder_problem(&found.path, message);
                } else {
                    self.file_problem(&found.path, message);
                }
                None
            }
        }
    }

    /// A folder's entries in name order, hidden ones left out; `None` if it cannot be read.
    fn entries(
        &mut self,
        folder: &Path,
        before_listing: &mut dyn FnMut(&Path),
    ) -> Option<Vec<Found>> {
        before_listing(folder);
        let read = match fs::read_dir(folder) {
            Ok(read) => read,
            Err(e) => {
                self.folder_problem(folder, format!("cannot read folder: {e}"));
                return None;
            }
        };
        let mut entries = Vec::new();
        let keep = self.open_folders < OPEN_FOLDERS;
        self.open_folders += usize::from(keep);
        for entry in read {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.folder_problem(folder, format!("cannot read folder: {e}"));
                    continue;
                }
            };
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            match entry.file_type() {
                Ok(file_type) => entries.push(Found {
                    path: entry.path(),
                    file_type,
                    #[cfg(unix)]
                    ino: std::os::unix::fs::DirEntryExt::ino(&entry),
                    entry: (keep && file_type.is_file()).then_some(entry),
                }),
                Err(e) => self.file_problem(&entry.path(), format!("cannot read: {e}")),
            }
        }
        // By name: the entries share their folder, so the whole paths' bytes order them as
        // their names do, without taking each name apart again per comparison.
        entries.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
        Some(entries)
    }
}

pub(crate) fn has_card_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CARD_EXTENSIONS.iter().any(|c| e.eq_ignore_ascii_case(c)))
}

/// `path` below `root`, for a path the walk made by joining names to `root`: its bytes after
/// `root`'s and the separator, without taking either apart into components (a fifth of the
/// walk's time when `strip_prefix` did, at 100k files).
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (bytes, root_bytes) = (path.as_os_str().as_bytes(), root.as_os_str().as_bytes());
        if let Some(rest) = bytes.strip_prefix(root_bytes) {
            let rest = match rest.strip_prefix(b"/") {
                Some(rest) => Some(rest),
                None => (root_bytes.ends_with(b"/") || rest.is_empty()).then_some(rest),
            };
            if let Some(rest) = rest {
                return PathBuf::from(std::ffi::OsStr::from_bytes(rest));
            }
        }
    }
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Opens a file for reading without ever waiting: a FIFO with no writer, or a device, opens at
/// once instead of blocking the loader for good.
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // NOCTTY: opening a terminal device must not make it this process's terminal.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Reads at most `cap + 1` bytes, so a huge file costs nothing to reject. What is read is what
/// was opened: its type and size come from the open handle, so a file swapped for a FIFO or a
/// device after the walk is refused, not waited on.
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
            let file = open_nonblocking(&entry.path).map_err(|e| {
                // A socket cannot be opened at all: say what it is rather than the errno.
                match fs::metadata(&entry.path) {
                    Ok(meta) if !meta.is_file() && !meta.is_dir() => {
                        FileProblem::NotRegular(special_kind(meta.file_type()))
                    }
                    _ => FileProblem::Io(e.to_string()),
                }
            })?;
            let meta = file
                .metadata()
                .map_err(|e| FileProblem::Io(e.to_string()))?;
            if !meta.is_file() {
                return Err(match meta.is_dir() {
                    true => FileProblem::Io("is a folder".into()),
                    false => FileProblem::NotRegular(special_kind(meta.file_type())),
                });
            }
            if meta.len() > cap {
                return Err(FileProblem::TooLarge {
                    size: meta.len(),
                    cap,
                });
            }
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            file.take(cap + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| FileProblem::Io(e.to_string()))?;
            if bytes.len() as u64 > cap {
                // The file grew between the check and the read.
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
pub(crate) fn load_file(
    entry: &FileEntry,
    options: &LoadOptions,
    interner: &Interner,
) -> parse::Parsed {
    match read_capped(entry, options.size_cap) {
        Ok(bytes) => parse::parse_card(&bytes, &entry.path, &entry.relative, interner),
        Err(problem) => parse::Parsed {
            card: None,
            diagnostics: vec![Diagnostic::file(
                entry.path.clone(),
                Severity::Error,
                problem.to_string(),
            )],
        },
    }
}

/// A card just parsed from a file on disk, with its extras left there: its links were made
/// from them already, and the file (or the cache, which `reuse` has seen them go to) keeps
/// them for when the card is opened.
pub(crate) fn leave_extras(mut card: Card, entry: &FileEntry) -> Card {
    if let (ExtrasAt::Held(extras), Content::Disk) = (&card.extras, &entry.content) {
        let refused_url = extras.has_refused_url();
        card.extras = ExtrasAt::File { refused_url };
    }
    card
}

/// A card's extras: held, read from the cache that kept them, or read again from the card's
/// file (see [`ExtrasAt`]). The file may have changed since; what it holds now counts only if
/// it is still the same article (the same URLs), or the card would show another one's entries
/// until the change is loaded.
pub(crate) fn extras_of(card: &Card) -> ExtrasRead {
    match &card.extras {
        ExtrasAt::Held(extras) => return Ok(extras.clone()),
        ExtrasAt::Stored { spot, .. } => {
            return spot.store.read(spot).map(Arc::new).map_err(Arc::from);
        }
        ExtrasAt::File { .. } => {}
    }
    let entry = FileEntry {
        path: card.path.clone(),
        relative: PathBuf::new(),
        size: 0,
        content: Content::Disk,
    };
    let bytes = read_capped(&entry, DEFAULT_SIZE_CAP).map_err(|p| Arc::from(p.to_string()))?;
    let parsed = parse::parse_card(&bytes, &entry.path, &entry.relative, &Interner::default());
    match (parsed.card, parsed.diagnostics.first()) {
        (Some(again), _) if again.urls != card.urls => {
            Err(Arc::from("the file has changed since it was loaded"))
        }
        (
            Some(Card {
                extras: ExtrasAt::Held(extras),
                ..
            }),
            _,
        ) => Ok(extras),
        (_, Some(problem)) => Err(Arc::from(problem.message.as_str())),
        _ => Err(Arc::from("the file holds no card any more")),
    }
}

/// Loads `files` on all cores, calling `sink` with each batch in file order, then once with
/// [`LoadEvent::Done`]. Returning `false` from `sink` stops loading (the reader quit).
pub fn stream(files: &[FileEntry], options: &LoadOptions, sink: impl FnMut(LoadEvent) -> bool) {
    stream_reusing(files, options, &mut ParseAll, sink);
}

/// Results a load can have without reading files (a cache's), and a look at every batch
/// before it is sent on (to keep what was parsed).
pub trait Reuse {
    /// The result for `files[i]`, if it is known without reading the file.
    fn known(&mut self, i: usize) -> Option<parse::Parsed>;
    /// The results of `files[first..first + results.len()]`, known and parsed alike, before
    /// they go on (the cache may point their texts at itself).
    fn batch(&mut self, first: usize, results: &mut [parse::Parsed]);
}

/// Nothing known: every file is read and parsed.
pub struct ParseAll;

impl Reuse for ParseAll {
    fn known(&mut self, _: usize) -> Option<parse::Parsed> {
        None
    }

    fn batch(&mut self, _: usize, _: &mut [parse::Parsed]) {}
}

/// [`stream`], taking what `reuse` knows instead of reading those files. Batches, order and
/// progress are the same as when every file is parsed.
///
/// Two stages overlap: while the pool parses a batch, the batch before it is finished (handed
/// to `reuse`, which may write it to a cache, and its cards' extras left in their files) on a
/// core of its own. Done one after the other, the pool sat idle through every finish, a fifth
/// of a cold load.
pub fn stream_reusing(
    files: &[FileEntry],
    options: &LoadOptions,
    reuse: &mut (impl Reuse + Send),
    mut sink: impl FnMut(LoadEvent) -> bool,
) {
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
    let mut first = 0;
    // A batch parsed and not yet finished: where it starts, and its results.
    let mut pending: Option<(usize, Vec<parse::Parsed>)> = None;
    while first < files.len() {
        let now = first..(first + batch).min(files.len());
        batch = (batch * 2).min(2048);
        let known: Vec<Option<parse::Parsed>> = now.clone().map(|i| reuse.known(i)).collect();
        let parse = || -> Vec<parse::Parsed> {
            files[now.clone()]
                .par_iter()
                .zip(known)
                .map(|(entry, known)| known.unwrap_or_else(|| load_file(entry, options, &interner)))
                .collect()
        };
        let finish_pending = || {
            let (at, parsed) = pending.take()?;
            Some(finish_batch(files, reuse, at, parsed))
        };
        let (parsed, finished) = rayon::join(parse, finish_pending);
        if let Some(finished) = finished
            && !sink(finished.into_event(&mut progress))
        {
            return;
        }
        if first == 0 {
            // The first cards go on screen without waiting for the next batch.
            let finished = finish_batch(files, reuse, first, parsed);
            if !sink(finished.into_event(&mut progress)) {
                return;
            }
        } else {
            pending = Some((first, parsed));
        }
        first = now.end;
    }
    if let Some((at, parsed)) = pending
        && !sink(finish_batch(files, reuse, at, parsed).into_event(&mut progress))
    {
        return;
    }
    sink(LoadEvent::Done {
        progress,
        elapsed: started.elapsed(),
    });
}

/// A batch of results handed to `reuse` and made ready to go on.
struct Finished<'a> {
    files: &'a [FileEntry],
    cards: Vec<Card>,
    diagnostics: Vec<Diagnostic>,
}

fn finish_batch<'a>(
    files: &'a [FileEntry],
    reuse: &mut impl Reuse,
    first: usize,
    mut parsed: Vec<parse::Parsed>,
) -> Finished<'a> {
    reuse.batch(first, &mut parsed);
    let files = &files[first..first + parsed.len()];
    let mut cards = Vec::with_capacity(parsed.len());
    let mut diagnostics = Vec::new();
    for (p, entry) in parsed.into_iter().zip(files) {
        cards.extend(p.card.map(|card| leave_extras(card, entry)));
        diagnostics.extend(p.diagnostics);
    }
    super::store::side_by_side(&mut cards);
    Finished {
        files,
        cards,
        diagnostics,
    }
}

impl Finished<'_> {
    fn into_event(self, progress: &mut Progress) -> LoadEvent {
        progress.files_done += self.files.len();
        progress.bytes_done += self.files.iter().map(|f| f.size).sum::<u64>();
        LoadEvent::Batch {
            cards: self.cards,
            diagnostics: self.diagnostics,
            progress: *progress,
        }
    }
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
    load_all_reusing(files, options, &mut ParseAll)
}

/// [`load_all`], taking what `reuse` knows instead of reading those files: the same corpus and
/// diagnostics, in the same order, as parsing every file.
pub fn load_all_reusing(
    files: &[FileEntry],
    options: &LoadOptions,
    reuse: &mut (impl Reuse + Send),
) -> Loaded {
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
        stream_reusing(files, options, reuse, |event| tx.send(event).is_ok());
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

/// What was left out of a load: files with an error diagnostic, and folders the walk could
/// not read. Each path counts once, however many diagnostics it has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    pub files: usize,
    pub folders: usize,
}

impl Skipped {
    pub fn count(diagnostics: &[Diagnostic]) -> Skipped {
        let mut skipped: Vec<(Subject, &Path)> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.subject, d.path.as_path()))
            .collect();
        skipped.sort_unstable();
        skipped.dedup();
        let folders = skipped
            .iter()
            .filter(|(subject, _)| *subject == Subject::Folder)
            .count();
        Skipped {
            files: skipped.len() - folders,
            folders,
        }
    }

    pub fn total(&self) -> usize {
        self.files + self.folders
    }
}

/// Files and folders skipped: paths with at least one error diagnostic. [`Skipped::count`]
/// tells the two apart.
pub fn count_skipped(diagnostics: &[Diagnostic]) -> usize {
    Skipped::count(diagnostics).total()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_what_follows_the_root() {
        for root in ["/corpus", "/corpus/", "corpus", "./corpus", "/"] {
            let root = Path::new(root);
            for below in ["a.txt", "sub/a.txt", "sub/deeper/ü.md"] {
                let path = root.join(below);
                assert_eq!(relative_to(&path, root), Path::new(below), "{path:?}");
            }
        }
        // Not below the root (never made by the walk): the path as it is.
        assert_eq!(
            relative_to(Path::new("/corpusx/a.txt"), Path::new("/corpus")),
            Path::new("/corpusx/a.txt")
        );
    }
}
