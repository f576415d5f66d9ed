//! The on-disk cache of parsed cards, so a second start reads one file instead of parsing
//! every card again.
//!
//! One cache per set of corpus roots (the canonical paths of the PATH arguments), in the
//! folder [`Folder::locate`] finds. It holds each file's parse result (its card, all fields,
//! and its diagnostics, so `check` reports the same from it) under the file's root, its path
//! below the root and its [`FileKey`]; and the format and parser versions, which must both
//! match for any of it to be used. A file whose key changed, or that is racy
//! ([`FileKey::is_racy`]), is parsed again; new files are parsed; gone files are dropped.
//! Reading is checked end to end (a CRC-32 per part, every index and value range-checked):
//! a cache that cannot be used is ignored with one notice, and rebuilt.
//!
//! # Headless commands
//!
//! [`Cache::open`], then [`Cache::load_all`]: the walk and the key check come first (a stale
//! answer is a wrong answer), then the same corpus as [`crate::corpus::load::load_all`], in
//! the same order, with unchanged files taken from the cache; then [`Update::write`].
//!
//! # The reader
//!
//! Three calls, each meant for the loader thread, in this order:
//!
//! 1. [`Cache::stream_cached`]: the cards and diagnostics of the cache as it was written, in
//!    its order, as [`LoadEvent`] batches with progress, before anything on disk is looked
//!    at, so the list is on screen at once. Apply them as the loader's batches are applied.
//!    It returns what was shown ([`Shown`]).
//! 2. [`Cache::refresh`]: walks the PATHs and checks every file's key (on all cores), then
//!    sends [`Refresh::Checked`] with the walk's own problems and the files shown in step 1
//!    whose result no longer holds (changed, racy, gone, or renamed away): remove their cards
//!    (by path; the id is the one the cache held, before any clash with another card's id was
//!    resolved) and their diagnostics; then [`Refresh::Load`] batches with the cards and
//!    diagnostics of new and changed files, as [`crate::corpus::load::stream`] sends them,
//!    ending with [`LoadEvent::Done`]. A removal and an upsert of the same id is one change.
//! 3. [`Update::write`] on what `refresh` returned, in the background once loading has
//!    settled; it does nothing unless something changed. [`Cache::take_notices`] after each
//!    step gives the sentences for the status line (a cache ignored, a cache folder that
//!    cannot be written).
//!
//! With caching off (`--no-cache`), no PATH (the demo corpus), or no usable cache, step 1
//! sends nothing and step 2 loads every file.

mod file;
mod folder;
mod format;
mod key;
mod plan;
mod roots;
mod update;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

pub use file::{CacheFile, ReadError, read};
pub use folder::{ENV_DIR, Folder, KEEP_UNUSED, index_for};
pub use format::Invalid;
pub use key::{FileKey, now_ns};
pub use roots::Roots;
pub use update::{Update, Written};

use crate::corpus::intern::Interner;
use crate::corpus::load::{
    self, Discovered, FileEntry, LoadEvent, LoadOptions, Loaded, PathError, Progress,
};
use crate::corpus::parse::Parsed;
use crate::corpus::{CardId, Diagnostic};
use format::FileRecord;
use plan::Plan;

/// Whether to cache, and where: from `--no-cache`, `--cache-dir`, `TIDINGS_CACHE_DIR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settings {
    Off,
    In(Folder),
}

impl Settings {
    /// `no_cache` wins; else the folder [`Folder::locate`] finds, or off if there is none.
    pub fn new(no_cache: bool, dir: Option<&Path>) -> Settings {
        match Folder::locate(dir) {
            Some(folder) if !no_cache => Settings::In(folder),
            _ => Settings::Off,
        }
    }
}

/// Where the word index of the corpus at `paths` is kept, beside its cache (the cache folder
/// made if missing); `None` when caching is off, for the demo corpus, or when the folder cannot
/// be made.
pub fn index_home(settings: &Settings, paths: &[PathBuf]) -> Option<PathBuf> {
    let Settings::In(folder) = settings else {
        return None;
    };
    if paths.is_empty() {
        return None;
    }
    let roots = Roots::of(paths).ok()?;
    folder.create().ok()?;
    Some(folder::index_for(&folder.file_for(roots.canonical())))
}

/// The files under the PATHs with their keys, as [`Cache::walk`] found them.
#[derive(Debug)]
pub struct Walked {
    found: Discovered<FileKey>,
    /// When the keys were taken (nanoseconds since the epoch): the racy rule's moment.
    taken_ns: i64,
}

impl Walked {
    /// Each file found, with its key.
    pub fn keyed(&self) -> impl Iterator<Item = (&FileEntry, &FileKey)> {
        self.found.files.iter().zip(&self.found.keys)
    }

    /// When the keys were taken (nanoseconds since the epoch).
    pub fn taken_ns(&self) -> i64 {
        self.taken_ns
    }
}

/// The cache of one corpus for one run.
pub struct Cache {
    /// The folder and file to write; `None` when caching is off or there are no roots.
    target: Option<(Folder, PathBuf)>,
    roots: Option<Roots>,
    old: Option<CacheFile>,
    notices: Vec<String>,
}

/// What [`Cache::stream_cached`] put on screen, per cache entry: the card's id as the cache
/// held it, `Some(None)` for a file that had no card, `None` for an entry not shown.
#[derive(Debug, Default)]
pub struct Shown {
    entries: Vec<Option<Option<CardId>>>,
}

/// A file shown from the cache whose result no longer holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    /// The path its card and diagnostics were shown under.
    pub path: PathBuf,
    /// Its card's id as the cache held it, if it had a card.
    pub id: Option<CardId>,
}

/// What [`Cache::refresh`] sends.
#[derive(Debug)]
pub enum Refresh {
    /// Every file's key is checked.
    Checked {
        /// The walk's own problems (folders and entries that could not be read).
        walk: Vec<Diagnostic>,
        /// Files shown from the cache that changed or are gone: remove their cards and
        /// diagnostics.
        stale: Vec<Stale>,
        /// Files whose cached result holds (already shown).
        unchanged: usize,
        /// Files to parse, whose cards come in the [`Refresh::Load`] batches.
        to_parse: usize,
    },
    /// Cards and diagnostics of new and changed files.
    Load(LoadEvent),
}

impl Cache {
    /// The cache of the corpus at `paths`, read and its header checked (its chunks are checked
    /// as they are decoded). Never fails: a cache that cannot be used is left out, with a
    /// notice.
    pub fn open(settings: &Settings, paths: &[PathBuf]) -> Cache {
        let mut cache = Cache {
            target: None,
            roots: None,
            old: None,
            notices: Vec::new(),
        };
        let Settings::In(folder) = settings else {
            return cache;
        };
        if paths.is_empty() {
            return cache;
        }
        // A PATH that cannot be resolved is reported by the walk, as without a cache.
        let Ok(roots) = Roots::of(paths) else {
            return cache;
        };
        let path = folder.file_for(roots.canonical());
        match file::read(&path) {
            Ok(Some(old)) if old.header.roots != roots.canonical() => {
                cache.notice(format!("{} is {}", path.display(), Invalid::OtherRoots));
            }
            Ok(Some(old)) => {
                folder::touch(&path);
                cache.old = Some(old);
            }
            Ok(None) => {}
            Err(e) => cache.notice(e.to_string()),
        }
        cache.target = Some((folder.clone(), path));
        cache.roots = Some(roots);
        cache
    }

    fn notice(&mut self, problem: String) {
        self.notices
            .push(format!("cache: {problem}; rebuilding it"));
    }

    /// Sentences to tell the user once (a cache ignored, a cache that cannot be written),
    /// each at most once.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Where this corpus's cache is, when caching is on.
    pub fn path(&self) -> Option<&Path> {
        self.target.as_ref().map(|(_, path)| path.as_path())
    }

    /// Files the cache read holds.
    pub fn files(&self) -> usize {
        self.old.as_ref().map_or(0, |old| old.header.files.len())
    }

    /// Decodes every chunk on all cores: per entry, its result. A chunk that fails its check
    /// makes the whole cache unusable (one notice), as a torn file would.
    fn decode_all(&self) -> Result<Decoded, String> {
        let Some(old) = &self.old else {
            return Ok(Decoded::default());
        };
        let interner = Interner::default();
        let chunks: Vec<Result<Vec<Parsed>, Invalid>> = old
            .header
            .chunks
            .par_iter()
            .map(|chunk| format::decode_chunk(old, chunk, &interner))
            .collect();
        old.release_all();
        let mut decoded = Decoded::default();
        for chunk in chunks {
            let chunk = chunk.map_err(|e| match &self.target {
                Some((_, path)) => format!("{} is {e}", path.display()),
                None => e.to_string(),
            })?;
            decoded.push(chunk);
        }
        Ok(decoded)
    }

    fn drop_old(&mut self, problem: String) {
        self.old = None;
        self.notice(problem);
    }

    /// Walks `paths` with a key per file; the moment the keys are taken is the racy rule's.
    pub fn walk(paths: &[PathBuf], options: &LoadOptions) -> Result<Walked, PathError> {
        Cache::walk_in_folders(paths, options, 0, &mut |_| {})
    }

    /// [`Cache::walk`] of about `expected` files (the cache's count), telling
    /// `before_listing` of each folder before its listing is read (see
    /// [`load::discover_keyed_in_folders`]).
    pub fn walk_in_folders(
        paths: &[PathBuf],
        options: &LoadOptions,
        expected: usize,
        before_listing: &mut dyn FnMut(&Path),
    ) -> Result<Walked, PathError> {
        let taken_ns = now_ns();
        let found = if paths.is_empty() {
            Discovered {
                keys: vec![FileKey::default(); crate::corpus::demo::files().len()],
                files: crate::corpus::demo::files(),
                diagnostics: Vec::new(),
            }
        } else {
            load::discover_keyed_in_folders(paths, options, FileKey::of, expected, before_listing)?
        };
        Ok(Walked { found, taken_ns })
    }

    /// Loads the corpus at `paths` for a headless command: the walk's problems, the corpus
    /// (as [`crate::corpus::load::load_all`] loads it, in the same order), and what to write.
    pub fn load_all(
        &mut self,
        paths: &[PathBuf],
        options: &LoadOptions,
    ) -> Result<(Loaded, Vec<Diagnostic>, Update), PathError> {
        // The keys are checked while the cache decodes; both use every core.
        let expected = self.files();
        let (walked, decoded) = rayon::join(
            || Cache::walk_in_folders(paths, options, expected, &mut |_| {}),
            || self.decode_all(),
        );
        let Walked { found, taken_ns } = walked?;
        let mut decoded = decoded.unwrap_or_else(|problem| {
            self.drop_old(problem);
            Decoded::default()
        });
        let plan = self.plan(&found, options, &|_| true);
        let mut update = self.update(taken_ns, options, &plan);
        let mut reuse = Reusing {
            files: &found.files,
            walked: None,
            keys: &found.keys,
            plan: &plan,
            decoded: &mut decoded,
            update: &mut update,
        };
        let loaded = load::load_all_reusing(&found.files, options, &mut reuse);
        crate::background::drop_later((found.files, found.keys, plan));
        Ok((loaded, found.diagnostics, update))
    }

    /// Step 1 for the reader (see the module comment): the cache's cards and diagnostics, as
    /// it was written, in batches with progress, then [`LoadEvent::Done`]. Returning `false`
    /// from `sink` stops (the reader quit). A chunk that fails its check is left out, with a
    /// notice; its files are parsed by [`Cache::refresh`].
    pub fn stream_cached(&mut self, mut sink: impl FnMut(LoadEvent) -> bool) -> Shown {
        let started = Instant::now();
        let mut shown = Shown::default();
        let (Some(old), Some(roots)) = (&self.old, &self.roots) else {
            return shown;
        };
        let header = &old.header;
        shown.entries = vec![None; header.files.len()];
        let mut progress = Progress {
            files_total: header.files.len(),
            bytes_total: header.files.iter().map(|f| f.key.size).sum(),
            ..Progress::default()
        };
        let interner = Interner::default();
        let mut problem = None;
        let mut first_entry = 0;
        let mut next = 0;
        // The first chunk alone, so the first cards are on screen at once; then a few at a
        // time on all cores.
        let mut group = 1;
        while next < header.chunks.len() {
            let chunks = &header.chunks[next..(next + group).min(header.chunks.len())];
            next += chunks.len();
            group = rayon::current_num_threads() * 2;
            let decoded: Vec<Result<Vec<Parsed>, Invalid>> = chunks
                .par_iter()
                .map(|chunk| format::decode_chunk(old, chunk, &interner))
                .collect();
            // At its full length at once: grown card by card, the list was copied again and
            // again (a card is 392 bytes) on the thread the batches wait for.
            let mut cards = Vec::with_capacity(chunks.iter().map(|c| c.files).sum());
            let mut diagnostics = Vec::new();
            for (chunk, results) in chunks.iter().zip(decoded) {
                let entries = first_entry..first_entry + chunk.files;
                first_entry = entries.end;
                progress.files_done += chunk.files;
                progress.bytes_done += header.files[entries.clone()]
                    .iter()
                    .map(|f| f.key.size)
                    .sum::<u64>();
                let results = match results {
                    Ok(results) => results,
                    Err(e) => {
                        problem.get_or_insert(e);
                        continue;
                    }
                };
                for (j, mut parsed) in entries.zip(results) {
                    let record = &header.files[j];
                    let Some(path) = roots.display_path(record.root, &record.relative) else {
                        continue;
                    };
                    format::set_path(&mut parsed, &path.into());
                    shown.entries[j] = Some(parsed.card.as_ref().map(|c| c.id));
                    cards.extend(parsed.card);
                    diagnostics.extend(parsed.diagnostics);
                }
            }
            if !sink(LoadEvent::Batch {
                cards,
                diagnostics,
                progress,
            }) {
                return shown;
            }
        }
        old.release_all();
        if let Some(e) = problem {
            let path = self.path().map(Path::to_path_buf).unwrap_or_default();
            self.notice(format!("{} is {e}", path.display()));
        }
        sink(LoadEvent::Done {
            progress,
            elapsed: started.elapsed(),
        });
        shown
    }

    /// Step 2 for the reader (see the module comment): walks `paths`, checks every file
    /// against the cache, says what of `shown` no longer holds, and parses the rest. Returns
    /// what to write (step 3), or the error of a PATH that is gone.
    pub fn refresh(
        self,
        paths: &[PathBuf],
        options: &LoadOptions,
        shown: &Shown,
        sink: impl FnMut(Refresh) -> bool,
    ) -> Result<Update, PathError> {
        self.refresh_walked(Cache::walk(paths, options), options, shown, sink)
    }

    /// [`Cache::refresh`] on a walk already made by [`Cache::walk`] (the reader walks while
    /// the cached cards are streamed).
    pub fn refresh_walked(
        mut self,
        walked: Result<Walked, PathError>,
        options: &LoadOptions,
        shown: &Shown,
        mut sink: impl FnMut(Refresh) -> bool,
    ) -> Result<Update, PathError> {
        let Walked { found, taken_ns } = walked?;
        let was_shown = |j: usize| shown.entries.get(j).is_some_and(Option::is_some);
        let plan = self.plan(&found, options, &was_shown);
        let stale = match (&self.old, &self.roots) {
            (Some(old), Some(roots)) => old
                .header
                .files
                .iter()
                .enumerate()
                .filter(|(j, _)| !plan.kept[*j])
                .filter_map(|(j, record)| {
                    let id = (*shown.entries.get(j)?)?;
                    let path = roots.display_path(record.root, &record.relative)?;
                    Some(Stale { path, id })
                })
                .collect(),
            _ => Vec::new(),
        };
        let to_parse = unreused(&plan, found.files.len());
        let checked = Refresh::Checked {
            walk: found.diagnostics,
            stale,
            unchanged: found.files.len() - to_parse.len(),
            to_parse: to_parse.len(),
        };
        let mut update = self.update(taken_ns, options, &plan);
        if !sink(checked) {
            return Ok(update);
        }
        let walked = (&found.files[..], &found.keys[..]);
        parse_unreused(walked, &plan, &to_parse, &mut update, options, |event| {
            sink(Refresh::Load(event))
        });
        // 100k paths freed one by one take a while the load's end need not wait for.
        crate::background::drop_later((found.files, found.keys));
        Ok(update)
    }

    /// For the reader, after live-reload changes have settled: brings the cache up to the
    /// files as they are now, parsing only the files whose cached result no longer holds and
    /// dropping what they give once it is encoded. Returns what to write.
    pub fn sync(mut self, paths: &[PathBuf], options: &LoadOptions) -> Result<Update, PathError> {
        let Walked { found, taken_ns } = Cache::walk(paths, options)?;
        let plan = self.plan(&found, options, &|_| true);
        let mut update = self.update(taken_ns, options, &plan);
        if !update.is_needed() {
            return Ok(update);
        }
        let to_parse = unreused(&plan, found.files.len());
        let walked = (&found.files[..], &found.keys[..]);
        parse_unreused(walked, &plan, &to_parse, &mut update, options, |_| true);
        Ok(update)
    }

    fn plan(
        &self,
        found: &Discovered<FileKey>,
        options: &LoadOptions,
        usable: &dyn Fn(usize) -> bool,
    ) -> Plan {
        let header = self.old.as_ref().map(|old| &old.header);
        match &self.roots {
            Some(roots) => Plan::new(
                header,
                usable,
                roots,
                &found.files,
                &found.keys,
                options.size_cap,
            ),
            None => Plan::nothing(found.files.len()),
        }
    }

    /// What to write after a load planned by `plan`; takes the cache read, whose chunks the
    /// next file copies.
    fn update(&mut self, taken_ns: i64, options: &LoadOptions, plan: &Plan) -> Update {
        let old = self.old.take();
        Update {
            target: self.target.clone(),
            roots: self
                .roots
                .as_ref()
                .map(|r| r.canonical().to_vec())
                .unwrap_or_default(),
            taken_ns,
            size_cap: options.size_cap,
            changed: old.is_none() || plan.changed(),
            kept: plan.kept.clone(),
            old,
            fresh: Vec::new(),
            spill: None,
            spill_refused: false,
        }
    }
}

/// A load's view of the cache: known results for unchanged files, and fresh results encoded
/// for the next cache file as they are parsed.
/// The walked files (of `n`) whose cached result the plan cannot reuse.
fn unreused(plan: &Plan, n: usize) -> Vec<usize> {
    (0..n).filter(|i| plan.reuse[*i].is_none()).collect()
}

/// Parses the walked files `to_parse` (indexes into the walk's files and keys), recording each
/// result in `update`; `sink` gets the loader's events, and stops it by returning `false`.
fn parse_unreused(
    (walked, keys): (&[FileEntry], &[FileKey]),
    plan: &Plan,
    to_parse: &[usize],
    update: &mut Update,
    options: &LoadOptions,
    sink: impl FnMut(LoadEvent) -> bool,
) {
    // Every file when there was no cache (a cold load): the walk's own list, not a copy.
    let every = to_parse.len() == walked.len();
    let some: Vec<FileEntry> = match every {
        true => Vec::new(),
        false => to_parse.iter().map(|i| walked[*i].clone()).collect(),
    };
    let files = if every { walked } else { &some };
    let mut reuse = Reusing {
        files,
        walked: (!every).then_some(to_parse),
        keys,
        plan,
        decoded: &mut Decoded::default(),
        update,
    };
    load::stream_reusing(files, options, &mut reuse, sink);
}

struct Reusing<'a> {
    /// The files loaded.
    files: &'a [FileEntry],
    /// `files[i]` is walked file `walked[i]`; `None`: file `i` of the walk.
    walked: Option<&'a [usize]>,
    /// Per walked file.
    keys: &'a [FileKey],
    plan: &'a Plan,
    /// Per cache entry, its result until a file takes it.
    decoded: &'a mut Decoded,
    update: &'a mut Update,
}

/// The decoded results of a cache, per entry, until a file takes each. A chunk's results go as
/// soon as the last is taken: held until the end of the load, they were the cards' size again
/// at its peak (a card's results are moved into the corpus, not shared).
#[derive(Default)]
struct Decoded {
    chunks: Vec<Vec<Option<Parsed>>>,
    /// The entry each chunk starts at, and how many of its results are left.
    starts: Vec<usize>,
    left: Vec<usize>,
    entries: usize,
}

impl Decoded {
    fn push(&mut self, chunk: Vec<Parsed>) {
        self.starts.push(self.entries);
        self.entries += chunk.len();
        self.left.push(chunk.len());
        self.chunks.push(chunk.into_iter().map(Some).collect());
    }

    fn take(&mut self, entry: usize) -> Option<Parsed> {
        let c = self
            .starts
            .partition_point(|s| *s <= entry)
            .checked_sub(1)?;
        let parsed = self.chunks[c].get_mut(entry - self.starts[c])?.take()?;
        self.left[c] -= 1;
        if self.left[c] == 0 {
            self.chunks[c] = Vec::new();
        }
        Some(parsed)
    }
}

impl Reusing<'_> {
    fn walked(&self, i: usize) -> usize {
        self.walked.map_or(i, |walked| walked[i])
    }
}

impl load::Reuse for Reusing<'_> {
    fn known(&mut self, i: usize) -> Option<Parsed> {
        let j = self.plan.reuse[self.walked(i)]?;
        let mut parsed = self.decoded.take(j)?;
        format::set_path(&mut parsed, &self.files[i].path);
        Some(parsed)
    }

    fn batch(&mut self, first: usize, results: &mut [Parsed]) {
        if !self.update.is_needed() {
            return;
        }
        let mut records = Vec::new();
        let mut fresh = Vec::new();
        for (k, parsed) in results.iter_mut().enumerate() {
            let w = self.walked(first + k);
            if self.plan.reuse[w].is_some() {
                continue;
            }
            if let Some(root) = self.plan.roots[w] {
                records.push(FileRecord {
                    root,
                    relative: self.files[first + k].relative.clone(),
                    key: self.keys[w],
                });
                fresh.push(parsed);
            }
        }
        self.update.add_fresh(records, &mut fresh);
    }
}

/// What `tidings cache info` says about one cache file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub path: PathBuf,
    pub bytes: u64,
    /// When it was last opened or written.
    pub opened: Option<std::time::SystemTime>,
    /// `Err`: why it cannot be used (it would be rebuilt on the next run).
    pub contents: Result<Contents, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents {
    pub roots: Vec<PathBuf>,
    pub files: usize,
    pub cards: usize,
    /// When its files' keys were taken, in nanoseconds since the epoch.
    pub written_ns: i64,
}

/// Reads and checks a whole cache file, chunks included.
pub fn info(path: &Path) -> Info {
    let meta = std::fs::metadata(path).ok();
    let contents = match file::read(path) {
        Ok(Some(cache)) => {
            let interner = Interner::default();
            let decoded: Result<Vec<usize>, Invalid> = cache
                .header
                .chunks
                .par_iter()
                .map(|chunk| {
                    let results = format::decode_chunk(&cache, chunk, &interner)?;
                    Ok(results.iter().filter(|r| r.card.is_some()).count())
                })
                .collect();
            decoded
                .map(|cards| Contents {
                    roots: cache.header.roots.clone(),
                    files: cache.header.files.len(),
                    cards: cards.iter().sum(),
                    written_ns: cache.header.taken_ns,
                })
                .map_err(|e| e.to_string())
        }
        Ok(None) => Err("no such file".to_string()),
        Err(ReadError::Io { error, .. }) => Err(format!("cannot read: {error}")),
        Err(ReadError::Invalid { why, .. }) => Err(why.to_string()),
    };
    Info {
        path: path.to_path_buf(),
        bytes: meta.as_ref().map_or(0, |m| m.len()),
        opened: meta.and_then(|m| m.modified().ok()),
        contents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(lines: &[usize]) -> Vec<Parsed> {
        lines
            .iter()
            .map(|line| Parsed {
                card: None,
                diagnostics: vec![Diagnostic {
                    line: *line,
                    ..Diagnostic::file("x", crate::corpus::Severity::Warning, String::new())
                }],
            })
            .collect()
    }

    #[test]
    fn decoded_results_are_taken_once_and_a_chunk_goes_with_its_last() {
        let mut decoded = Decoded::default();
        decoded.push(results(&[0, 1]));
        decoded.push(results(&[]));
        decoded.push(results(&[2, 3, 4]));
        let line = |d: &mut Decoded, entry| d.take(entry).map(|p| p.diagnostics[0].line);
        assert_eq!(line(&mut decoded, 3), Some(3));
        assert_eq!(line(&mut decoded, 3), None, "taken once");
        assert_eq!(line(&mut decoded, 1), Some(1));
        assert_eq!(line(&mut decoded, 0), Some(0));
        assert!(
            decoded.chunks[0].is_empty(),
            "the first chunk went with its last"
        );
        assert_eq!(line(&mut decoded, 2), Some(2));
        assert_eq!(line(&mut decoded, 4), Some(4));
        assert_eq!(line(&mut decoded, 5), None);
        assert!(decoded.chunks.iter().all(Vec::is_empty));
    }
}
