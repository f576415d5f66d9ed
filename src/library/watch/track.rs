//! What the watcher knows of the files on screen, and how a batch of changed paths (or a
//! rescan) becomes one change: which files go, which are read again. Everything that touches
//! the disk goes through [`Disk`], so tests run it over files made up in memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::corpus::card::Card;
use crate::corpus::load::{Discovered, FileEntry, has_card_extension};
use crate::corpus::parse::Parsed;
use crate::corpus::{CardId, CardPath, Delta, Diagnostic, Forget, Severity, Subject};
use crate::library::cache::FileKey;

/// A file that fails to parse is taken for half-written while its last write is this recent
/// (nanoseconds): it is looked at again once the writes have settled, not reported broken.
pub const SETTLE_NS: i64 = 1_000_000_000;

/// What a path is on disk now, as `lstat` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Gone,
    Folder,
    File(FileKey),
    /// A symbolic link (followed only with `--follow`).
    Link,
    /// A FIFO, socket or device.
    Special,
}

/// The disk, as the tracker sees it.
pub trait Disk {
    fn look(&self, path: &Path) -> Look;
    /// The walk of `corpus::load` over `paths`, each file with its key.
    fn walk(&self, paths: &[PathBuf]) -> Discovered<FileKey>;
    /// Reads and parses each file, as the loader does.
    fn read(&self, files: &[FileEntry]) -> Vec<Parsed>;
}

/// One PATH the reader was opened on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// As given on the command line: what card paths start with.
    pub path: PathBuf,
    pub is_dir: bool,
}

/// What the reader is to apply: as the loader's batches, a delta and the diagnostics of the
/// files read again.
#[derive(Debug, Default)]
pub struct Change {
    pub delta: Delta,
    pub diagnostics: Vec<Diagnostic>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.delta.upserts.is_empty()
            && self.delta.removals.is_empty()
            && self.delta.forget.is_empty()
            && self.diagnostics.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Known {
    /// The id its card was read with; `None`: it gave no card.
    id: Option<CardId>,
    /// Its key when it was read, or as the load's walk found it; `None` for files the load
    /// read without a trusted key, until a rescan or an event takes theirs. Boxed: the tracker
    /// holds an entry for every file, and files it knows only by their cards have none.
    key: Option<Box<FileKey>>,
}

/// A file that failed to parse while it was still being written.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    key: FileKey,
    /// When to look again (nanoseconds since the epoch).
    due_ns: i64,
}

/// A path ordered by its bytes: the files under a folder are still one range, and comparing
/// two is one `memcmp` (comparing them component by component made taking note of a 100k-card
/// load a tenth of the reader's start). Shared with the card read from the file.
#[derive(Clone, Debug)]
struct PathKey(CardPath);

impl PathKey {
    fn bytes(&self) -> &[u8] {
        bytes(&self.0)
    }
}

/// Sorts `list` by path and keeps each path once, `fold` taking the value of a later entry
/// for the path into the one kept. Stable, so "later" is the order noted; in place, as the list
/// holds a path per file of a load, at its memory peak.
fn sort_once<V: Copy>(list: &mut Vec<(PathKey, V)>, fold: impl Fn(&mut V, V)) {
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            fold(&mut kept.1, later.1);
        }
        same
    });
}

/// The files a walk found, and those it reported (a FIFO, a socket: still there, with the
/// problem it had). The walk's own paths, shared, not copied: a rescan runs as a load ends,
/// when memory is at its peak.
fn found_paths(found: &Discovered<FileKey>) -> HashSet<CardPath> {
    let mut seen = HashSet::with_capacity(found.files.len());
    seen.extend(found.files.iter().map(|f| f.path.clone()));
    let reported = found
        .diagnostics
        .iter()
        .filter(|d| d.subject == Subject::File);
    seen.extend(reported.map(|d| CardPath::from(d.path.as_path())));
    seen
}

fn bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

impl PartialEq for PathKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for PathKey {}

impl PartialOrd for PathKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PathKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes().cmp(other.bytes())
    }
}

impl std::borrow::Borrow<[u8]> for PathKey {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

/// The files on screen, by the path their cards carry.
#[derive(Debug)]
pub struct Tracker {
    roots: Vec<Root>,
    /// Ordered, so the files under a folder are one range.
    known: BTreeMap<PathKey, Known>,
    /// Files the load sent (with their cards' ids), and keys its walk took, not yet in
    /// `known` (see [`Tracker::settle`]).
    arrived: Vec<(PathKey, Option<CardId>)>,
    walked: Vec<(PathKey, FileKey)>,
    waiting: HashMap<PathBuf, Waiting>,
}

impl Tracker {
    pub fn new(roots: Vec<Root>) -> Tracker {
        Tracker {
            roots,
            known: BTreeMap::new(),
            arrived: Vec::new(),
            walked: Vec::new(),
            waiting: HashMap::new(),
        }
    }

    /// Files known.
    pub fn len(&mut self) -> usize {
        self.settle();
        self.known.len()
    }

    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }

    /// Takes note of a batch the reader was sent by the load (or a change).
    pub fn loaded<'a>(
        &mut self,
        cards: impl IntoIterator<Item = &'a Card>,
        diagnostics: &[Diagnostic],
    ) {
        let cards = cards
            .into_iter()
            .map(|c| (PathKey(c.path.clone()), Some(c.id)));
        let reported = diagnostics
            .iter()
            .filter(|d| d.subject == Subject::File)
            .map(|d| (PathKey(d.path.as_path().into()), None));
        self.arrived.extend(cards.chain(reported));
    }

    /// Takes note of the keys the load's walk took (taken at `taken_ns`), so a rescan finds
    /// these files unchanged without reading them: a key is trusted unless its file was
    /// written within a tick of the walk (the cache's racy rule).
    pub fn walked<'a>(
        &mut self,
        keyed: impl Iterator<Item = (&'a FileEntry, &'a FileKey)>,
        taken_ns: i64,
    ) {
        let trusted = keyed.filter(|(_, key)| !key.is_racy(taken_ns));
        self.walked
            .extend(trusted.map(|(file, key)| (PathKey(file.path.clone()), *key)));
    }

    /// Takes note of files the reader was told to forget by the load.
    pub fn forgotten(&mut self, forget: &[Forget]) {
        if forget.is_empty() {
            return;
        }
        self.settle();
        for f in forget {
            self.known.remove(bytes(&f.path));
        }
    }

    /// Puts what the load sent into `known`. Noted as it came, it was a search of the tree
    /// per file on the loader's thread, between batches the reader was waiting for; now the
    /// tree is made once, from the sorted list, when it is first needed (after the load).
    fn settle(&mut self) {
        if self.arrived.is_empty() && self.walked.is_empty() {
            return;
        }
        // A path that came twice keeps its last card's id, and its last key.
        let mut arrived = std::mem::take(&mut self.arrived);
        sort_once(&mut arrived, |kept, later| *kept = later.or(*kept));
        let mut walked = std::mem::take(&mut self.walked);
        sort_once(&mut walked, |kept, later| *kept = later);
        // The two sorted lists merged: a file's card's id and its key.
        let mut arrived = arrived.into_iter().peekable();
        let mut walked = walked.into_iter().peekable();
        let merged = std::iter::from_fn(|| {
            use std::cmp::Ordering::{Equal, Greater, Less};
            let order = match (arrived.peek(), walked.peek()) {
                (Some(a), Some(w)) => a.0.cmp(&w.0),
                (Some(_), None) => Less,
                (None, Some(_)) => Greater,
                (None, None) => return None,
            };
            let (path, known) = match order {
                Less => {
                    let (path, id) = arrived.next()?;
                    (path, Known { id, key: None })
                }
                Greater => {
                    let (path, key) = walked.next()?;
                    let key = Some(Box::new(key));
                    (path, Known { id: None, key })
                }
                Equal => {
                    let (path, id) = arrived.next()?;
                    let key = walked.next().map(|(_, key)| Box::new(key));
                    (path, Known { id, key })
                }
            };
            Some((path, known))
        });
        if self.known.is_empty() {
            // The first time (the load's end): the tree built whole from the sorted list,
            // rather than searched for each file (a tenth of a second at 100k).
            self.known = merged.collect();
            return;
        }
        for (path, Known { id, key }) in merged {
            let known = self.known.entry(path).or_default();
            known.id = id.or(known.id);
            if key.is_some() {
                known.key = key;
            }
        }
    }

    /// The earliest time a half-written file is to be looked at again.
    pub fn next_due(&self) -> Option<i64> {
        self.waiting.values().map(|w| w.due_ns).min()
    }

    /// Whether `path` (as cards carry it) can hold a card: under a folder root, a card's name
    /// and nothing hidden on the way; or a file root itself.
    pub fn is_card_path(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| {
            if !root.is_dir {
                return root.path == path;
            }
            let Ok(below) = path.strip_prefix(&root.path) else {
                return false;
            };
            let hidden = below
                .components()
                .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."));
            !hidden && below.components().next().is_some() && has_card_extension(path)
        })
    }

    /// The path below its root, as the load gives it (what a card id falls back on).
    fn relative(&self, path: &Path) -> PathBuf {
        for root in &self.roots {
            if !root.is_dir && root.path == path {
                return path.file_name().map(PathBuf::from).unwrap_or_default();
            }
            if let Ok(below) = path.strip_prefix(&root.path)
                && root.is_dir
            {
                return below.to_path_buf();
            }
        }
        path.to_path_buf()
    }

    /// Known files at `path` or under it.
    fn known_under(&self, path: &Path) -> Vec<PathBuf> {
        use std::ops::Bound;
        let prefix = bytes(path);
        self.known
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(p, _)| p.bytes().starts_with(prefix))
            // `dir/b` starts the bytes of `dir/bc` too: only what is under `dir/b` counts.
            .filter(|(p, _)| p.0.starts_with(path))
            .map(|(p, _)| p.0.to_path_buf())
            .collect()
    }

    /// The change for a batch of paths that events named (as cards carry them): each is
    /// looked at, folders walked, and what changed is read.
    pub fn paths_changed(
        &mut self,
        paths: &[PathBuf],
        disk: &impl Disk,
        follow: bool,
        now_ns: i64,
    ) -> Change {
        self.settle();
        let mut work = Work::default();
        let mut paths = paths.to_vec();
        paths.sort();
        paths.dedup();
        for path in paths {
            match disk.look(&path) {
                Look::Gone => work.gone.extend(self.known_under(&path)),
                Look::Folder => self.folder(&path, disk, &mut work),
                Look::Link if follow => self.folder(&path, disk, &mut work),
                Look::Link => work.gone.extend(self.known_under(&path)),
                Look::Special => {
                    if self.is_card_path(&path) {
                        // The walk says what it is, as at load.
                        work.diagnostics
                            .extend(disk.walk(std::slice::from_ref(&path)).diagnostics);
                    }
                    work.gone.extend(self.known_under(&path));
                }
                Look::File(key) => {
                    if !self.is_card_path(&path) {
                        work.gone.extend(self.known_under(&path));
                    } else if self.known.get(bytes(&path)).and_then(|k| k.key.as_deref())
                        != Some(&key)
                    {
                        work.read.push((self.entry(&path, key.size), key));
                    }
                }
            }
        }
        self.finish(work, disk, now_ns)
    }

    /// A folder that appeared, or changed as a whole: walked as the load walks; what was
    /// known under it and is not there now went.
    fn folder(&mut self, path: &Path, disk: &impl Disk, work: &mut Work) {
        let found = disk.walk(&[path.to_path_buf()]);
        // Known files are card files: another file the walk found matches none of them.
        let seen = found_paths(&found);
        for (file, key) in found.files.into_iter().zip(found.keys) {
            if !self.is_card_path(&file.path) {
                continue;
            }
            if self
                .known
                .get(bytes(&file.path))
                .and_then(|k| k.key.as_deref())
                != Some(&key)
            {
                work.read.push((self.entry(&file.path, key.size), key));
            }
        }
        work.diagnostics.extend(found.diagnostics);
        let gone = self
            .known_under(path)
            .into_iter()
            .filter(|p| !seen.contains(p.as_path()));
        work.gone.extend(gone);
    }

    /// Everything again: every file under the roots against its known key (after lost events,
    /// and once after the load). With `since`, a file known from the load without a key is read
    /// again if it was written after the load began (`since`, nanoseconds since the epoch), as
    /// the cache's racy rule says.
    pub fn rescan(&mut self, disk: &impl Disk, since: Option<i64>, now_ns: i64) -> Change {
        self.settle();
        let roots: Vec<PathBuf> = self.roots.iter().map(|r| r.path.clone()).collect();
        let found = disk.walk(&roots);
        let mut work = Work::default();
        let seen = found_paths(&found);
        for (file, key) in found.files.into_iter().zip(found.keys) {
            match self.known.get_mut(bytes(&file.path)) {
                Some(Known {
                    key: known @ None, ..
                }) if since.is_some_and(|since| !key.is_racy(since)) => {
                    *known = Some(Box::new(key));
                }
                Some(Known { key: Some(k), .. }) if **k == key => {}
                _ => work.read.push((file, key)),
            }
        }
        // The walk's own problems were said at load; a rescan repeats none.
        work.gone = self
            .known
            .keys()
            .filter(|p| !seen.contains(&*p.0))
            .map(|p| p.0.to_path_buf())
            .collect();
        self.finish(work, disk, now_ns)
    }

    /// Half-written files whose time has come: read again, and reported as they are if their
    /// writes have settled.
    pub fn retry_due(&mut self, disk: &impl Disk, now_ns: i64) -> Change {
        self.settle();
        let due: Vec<(PathBuf, Waiting)> = self
            .waiting
            .iter()
            .filter(|(_, w)| w.due_ns <= now_ns)
            .map(|(p, w)| (p.clone(), *w))
            .collect();
        let mut work = Work::default();
        for (path, waiting) in due {
            self.waiting.remove(&path);
            match disk.look(&path) {
                Look::File(key) => {
                    if key == waiting.key {
                        // Untouched since it failed: whatever it says now is what it is.
                        work.settled.push(path.clone());
                    }
                    work.read.push((self.entry(&path, key.size), key));
                }
                _ => work.gone.extend(self.known_under(&path)),
            }
        }
        self.finish(work, disk, now_ns)
    }

    fn entry(&self, path: &Path, size: u64) -> FileEntry {
        FileEntry {
            path: path.into(),
            relative: self.relative(path),
            size,
            content: crate::corpus::load::Content::Disk,
        }
    }

    /// Reads what is to be read and turns the work into one change, taking note of it.
    fn finish(&mut self, mut work: Work, disk: &impl Disk, now_ns: i64) -> Change {
        let mut change = Change {
            diagnostics: std::mem::take(&mut work.diagnostics),
            ..Change::default()
        };
        work.gone.sort();
        work.gone.dedup();
        for path in work.gone {
            self.waiting.remove(&path);
            if let Some(known) = self.known.remove(bytes(&path)) {
                change.delta.forget.push(Forget { path, id: known.id });
            }
        }
        // The same file named twice (an event and a folder walk) is read once.
        let mut read = work.read;
        read.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        read.dedup_by(|a, b| a.0.path == b.0.path);
        let entries: Vec<FileEntry> = read.iter().map(|(e, _)| e.clone()).collect();
        let results = disk.read(&entries);
        for ((entry, key), parsed) in read.into_iter().zip(results) {
            let failed = parsed.card.is_none()
                && parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Error);
            let recent = now_ns.saturating_sub(key.mtime_ns) < SETTLE_NS;
            if failed && recent && !work.settled.iter().any(|p| *p == *entry.path) {
                // Most likely still being written: the card on screen (if any) stays.
                let due_ns = key.mtime_ns.max(now_ns).saturating_add(SETTLE_NS);
                self.waiting
                    .insert(entry.path.to_path_buf(), Waiting { key, due_ns });
                continue;
            }
            self.waiting.remove(&*entry.path);
            let id = parsed.card.as_ref().map(|c| c.id);
            // The card's own path, shared, when there is a card.
            let shared = parsed.card.as_ref().map(|c| c.path.clone());
            let path = entry.path.clone();
            let known = Known {
                id,
                key: Some(Box::new(key)),
            };
            let old = self
                .known
                .insert(PathKey(shared.unwrap_or(entry.path)), known);
            if let Some(old) = old {
                change.delta.forget.push(Forget {
                    path: path.to_path_buf(),
                    id: old.id,
                });
            }
            change.delta.upserts.extend(parsed.card);
            change.diagnostics.extend(parsed.diagnostics);
        }
        change
    }
}

/// What a batch comes to before anything is read.
#[derive(Default)]
struct Work {
    /// Known files that are gone.
    gone: Vec<PathBuf>,
    /// Files to read, with their keys.
    read: Vec<(FileEntry, FileKey)>,
    /// Half-written files given their time: reported as they are.
    settled: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::intern::Interner;
    use std::cell::RefCell;

    /// Files made up in memory: path -> (text, mtime in seconds). Folders are implied.
    #[derive(Default)]
    struct Fake {
        files: RefCell<BTreeMap<PathBuf, (String, i64)>>,
        reads: RefCell<usize>,
    }

    fn card(title: &str) -> String {
        format!("---\ntitle: {title}\nwebUrl: https://e.example/{title}\n---\n")
    }

    impl Fake {
        fn put(&self, path: &str, text: &str, mtime: i64) {
            self.files
                .borrow_mut()
                .insert(PathBuf::from(path), (text.to_string(), mtime));
        }

        fn remove(&self, path: &str) {
            let path = Path::new(path);
            self.files.borrow_mut().retain(|p, _| !p.starts_with(path));
        }

        fn key(path: &Path, text: &str, mtime: i64) -> FileKey {
            FileKey {
                dev: 1,
                ino: crate::corpus::id::stable_hash(path.as_os_str().as_encoded_bytes()),
                size: text.len() as u64,
                mtime_ns: mtime * 1_000_000_000 + 1,
            }
        }
    }

    impl Disk for Fake {
        fn look(&self, path: &Path) -> Look {
            let files = self.files.borrow();
            if let Some((text, mtime)) = files.get(path) {
                return Look::File(Fake::key(path, text, *mtime));
            }
            match files.keys().any(|p| p.starts_with(path)) {
                true => Look::Folder,
                false => Look::Gone,
            }
        }

        fn walk(&self, paths: &[PathBuf]) -> Discovered<FileKey> {
            let mut found = Discovered {
                files: Vec::new(),
                keys: Vec::new(),
                diagnostics: Vec::new(),
            };
            for (path, (text, mtime)) in self.files.borrow().iter() {
                if paths.iter().any(|root| path.starts_with(root)) && has_card_extension(path) {
                    found.files.push(FileEntry {
                        path: path.clone().into(),
                        relative: path.clone(),
                        size: text.len() as u64,
                        content: crate::corpus::load::Content::Disk,
                    });
                    found.keys.push(Fake::key(path, text, *mtime));
                }
            }
            found
        }

        fn read(&self, files: &[FileEntry]) -> Vec<Parsed> {
            *self.reads.borrow_mut() += files.len();
            let interner = Interner::default();
            files
                .iter()
                .map(|f| {
                    let text = self.files.borrow().get(&*f.path).map(|(t, _)| t.clone());
                    crate::corpus::parse::parse_card(
                        text.unwrap_or_default().as_bytes(),
                        &f.path,
                        &f.relative,
                        &interner,
                    )
                })
                .collect()
        }
    }

    const NOW: i64 = 1_000 * 1_000_000_000;

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    /// A tracker over the folder `c` that has read every file of `disk` (at time 10).
    fn tracking(disk: &Fake) -> Tracker {
        let mut tracker = Tracker::new(vec![Root {
            path: PathBuf::from("c"),
            is_dir: true,
        }]);
        let change = tracker.rescan(disk, None, NOW);
        assert!(change.delta.forget.is_empty());
        tracker
    }

    fn titles(change: &Change) -> Vec<String> {
        change
            .delta
            .upserts
            .iter()
            .map(|c| c.title.as_deref().unwrap_or("").to_string())
            .collect()
    }

    fn forgotten(change: &Change) -> Vec<String> {
        change
            .delta
            .forget
            .iter()
            .map(|f| f.path.display().to_string())
            .collect()
    }

    #[test]
    fn a_new_file_is_read_and_an_unchanged_one_is_not() {
        let disk = Fake::default();
        disk.put("c/a.txt", &card("a"), 10);
        let mut tracker = tracking(&disk);
        disk.put("c/b.txt", &card("b"), 20);
        *disk.reads.borrow_mut() = 0;
        let change = tracker.paths_changed(&paths(&["c/a.txt", "c/b.txt"]), &disk, false, NOW);
        assert_eq!(titles(&change), ["b"]);
        assert!(change.delta.forget.is_empty());
        assert_eq!(*disk.reads.borrow(), 1, "a.txt's key had not changed");
    }

    #[test]
    fn a_changed_file_forgets_its_old_reading() {
        let disk = Fake::default();
        disk.put("c/a.txt", &card("a"), 10);
        let mut tracker = tracking(&disk);
        disk.put("c/a.txt", &card("a2"), 20);
        let change = tracker.paths_changed(&paths(&["c/a.txt"]), &disk, false, NOW);
        assert_eq!(titles(&change), ["a2"]);
        assert_eq!(forgotten(&change), ["c/a.txt"]);
        let id = change.delta.upserts[0].id;
        assert_ne!(
            change.delta.forget[0].id,
            Some(id),
            "its URL, hence its id, changed"
        );
    }

    #[test]
    fn a_rename_is_one_forget_and_one_upsert() {
        let disk = Fake::default();
        disk.put("c/a.txt", &card("a"), 10);
        let mut tracker = tracking(&disk);
        disk.remove("c/a.txt");
        disk.put("c/b.txt", &card("a"), 10);
        let change = tracker.paths_changed(&paths(&["c/a.txt", "c/b.txt"]), &disk, false, NOW);
        assert_eq!(titles(&change), ["a"]);
        assert_eq!(forgotten(&change), ["c/a.txt"]);
        assert_eq!(change.delta.forget[0].id, Some(change.delta.upserts[0].id));
    }

    #[test]
    fn a_folder_gone_forgets_every_file_under_it_and_only_those() {
        let disk = Fake::default();
        disk.put("c/x/a.txt", &card("a"), 10);
        disk.put("c/x/deep/b.txt", &card("b"), 10);
        disk.put("c/x2.txt", &card("c"), 10);
        let mut tracker = tracking(&disk);
        disk.remove("c/x");
        let change = tracker.paths_changed(&paths(&["c/x"]), &disk, false, NOW);
        assert_eq!(forgotten(&change), ["c/x/a.txt", "c/x/deep/b.txt"]);
        assert!(change.delta.upserts.is_empty());
        assert_eq!(tracker.len(), 1);
    }

    #[test]
    fn a_folder_moved_in_is_walked() {
        let disk = Fake::default();
        let mut tracker = tracking(&disk);
        disk.put("c/new/a.txt", &card("a"), 10);
        disk.put("c/new/b.md", &card("b"), 10);
        disk.put("c/new/notes.pdf", "no card", 10);
        let change = tracker.paths_changed(&paths(&["c/new"]), &disk, false, NOW);
        assert_eq!(titles(&change), ["a", "b"]);
        // The id falls back on the path below the root, as at load.
        let relative = tracker.relative(Path::new("c/new/a.txt"));
        assert_eq!(relative, PathBuf::from("new/a.txt"));
    }

    #[test]
    fn hidden_and_foreign_paths_are_passed_over() {
        let disk = Fake::default();
        let mut tracker = tracking(&disk);
        disk.put("c/.git/x.txt", &card("hidden"), 10);
        disk.put("c/a.txt.swp", &card("swap"), 10);
        disk.put("elsewhere/b.txt", &card("b"), 10);
        let change = tracker.paths_changed(
            &paths(&["c/.git/x.txt", "c/a.txt.swp", "elsewhere/b.txt"]),
            &disk,
            false,
            NOW,
        );
        assert!(change.is_empty(), "{change:?}");
    }

    #[test]
    fn a_half_written_file_waits_until_its_writes_settle() {
        let disk = Fake::default();
        disk.put("c/a.txt", &card("a"), 10);
        let mut tracker = tracking(&disk);
        // Half written, just now: the card on screen stays, nothing is reported.
        let now = NOW;
        disk.put("c/a.txt", "---\ntitle: [half", now / 1_000_000_000);
        let change = tracker.paths_changed(&paths(&["c/a.txt"]), &disk, false, now);
        assert!(change.is_empty(), "{change:?}");
        let due = tracker.next_due().unwrap_or(i64::MAX);
        assert!(due > now && due <= now + 2 * SETTLE_NS);
        // Written in full before it is due: read as the card it now is.
        disk.put("c/a.txt", &card("a-full"), now / 1_000_000_000);
        let change = tracker.retry_due(&disk, due);
        assert_eq!(titles(&change), ["a-full"]);
        assert_eq!(forgotten(&change), ["c/a.txt"]);
        assert_eq!(tracker.next_due(), None);
    }

    #[test]
    fn a_file_still_broken_once_settled_is_reported() {
        let disk = Fake::default();
        let mut tracker = tracking(&disk);
        let now = NOW;
        disk.put("c/a.txt", "---\ntitle: [broken", now / 1_000_000_000);
        let change = tracker.paths_changed(&paths(&["c/a.txt"]), &disk, false, now);
        assert!(change.is_empty());
        let due = tracker.next_due().unwrap_or(i64::MAX);
        let change = tracker.retry_due(&disk, due);
        assert!(change.delta.upserts.is_empty());
        assert!(!change.diagnostics.is_empty(), "reported as broken");
        assert_eq!(tracker.next_due(), None);
    }

    #[test]
    fn a_rescan_applies_the_difference_only() {
        let disk = Fake::default();
        disk.put("c/a.txt", &card("a"), 10);
        disk.put("c/b.txt", &card("b"), 10);
        let mut tracker = tracking(&disk);
        disk.remove("c/a.txt");
        disk.put("c/b.txt", &card("b2"), 30);
        disk.put("c/c.txt", &card("c"), 30);
        *disk.reads.borrow_mut() = 0;
        let change = tracker.rescan(&disk, None, NOW);
        assert_eq!(titles(&change), ["b2", "c"]);
        assert_eq!(forgotten(&change), ["c/a.txt", "c/b.txt"]);
        assert_eq!(*disk.reads.borrow(), 2);
        let again = tracker.rescan(&disk, None, NOW);
        assert!(again.is_empty(), "{again:?}");
    }

    /// What the load sent, noted as it came and put in order later, is what noting each at
    /// once gave: a file's last card's id, a problem reported of it not undoing that, a file
    /// forgotten between two readings known by its second.
    #[test]
    fn files_noted_during_the_load_keep_their_last_cards_id() {
        let disk = Fake::default();
        let mut tracker = Tracker::new(vec![Root {
            path: PathBuf::from("c"),
            is_dir: true,
        }]);
        let card = |id: u64, path: &str| Card {
            id: CardId(id),
            path: path.into(),
            ..Card::default()
        };
        let problem = |path: &str| Diagnostic::file(path, Severity::Error, "broken".to_string());
        tracker.loaded(&[card(1, "c/a.txt"), card(2, "c/b.txt")], &[]);
        tracker.loaded(&[], &[problem("c/a.txt"), problem("c/z.txt")]);
        tracker.forgotten(&[Forget {
            path: PathBuf::from("c/b.txt"),
            id: Some(CardId(2)),
        }]);
        tracker.loaded(&[card(3, "c/b.txt")], &[]);
        tracker.loaded(&[card(4, "c/a.txt")], &[]);
        assert_eq!(tracker.len(), 3);
        // Every file gone: each forgotten with the id its card has on screen.
        let change = tracker.rescan(&disk, None, NOW);
        let mut ids: Vec<(String, Option<u64>)> = change
            .delta
            .forget
            .iter()
            .map(|f| (f.path.display().to_string(), f.id.map(|id| id.0)))
            .collect();
        ids.sort();
        assert_eq!(
            ids,
            [
                ("c/a.txt".to_string(), Some(4)),
                ("c/b.txt".to_string(), Some(3)),
                ("c/z.txt".to_string(), None)
            ]
        );
    }

    #[test]
    fn keys_the_walk_took_spare_a_rescan_unless_written_within_its_tick() {
        let disk = Fake::default();
        disk.put("c/old.txt", &card("old"), 10);
        disk.put("c/racy.txt", &card("racy"), 400);
        let mut tracker = Tracker::new(vec![Root {
            path: PathBuf::from("c"),
            is_dir: true,
        }]);
        let walked = disk.walk(&paths(&["c"]));
        let loaded: Vec<Card> = disk
            .read(&walked.files)
            .into_iter()
            .flat_map(|p| p.card)
            .collect();
        tracker.loaded(&loaded, &[]);
        // Walked in the very second `racy.txt` was written: its key cannot be trusted.
        tracker.walked(walked.files.iter().zip(&walked.keys), 400 * 1_000_000_000);
        let reads = *disk.reads.borrow();
        let change = tracker.rescan(&disk, None, NOW);
        assert_eq!(titles(&change), ["racy"]);
        assert_eq!(
            *disk.reads.borrow() - reads,
            1,
            "only the racy file read again"
        );
    }

    #[test]
    fn after_the_load_only_files_written_since_it_began_are_read_again() {
        let disk = Fake::default();
        disk.put("c/old.txt", &card("old"), 10);
        disk.put("c/during.txt", &card("during"), 500);
        disk.put("c/missed.txt", &card("missed"), 500);
        let mut tracker = Tracker::new(vec![Root {
            path: PathBuf::from("c"),
            is_dir: true,
        }]);
        // What the load sent: two of the three files (one was written after its walk).
        let interner = Interner::default();
        let loaded: Vec<Card> = ["c/old.txt", "c/during.txt"]
            .iter()
            .filter_map(|p| {
                let text = card(p.trim_start_matches("c/").trim_end_matches(".txt"));
                let path = Path::new(p);
                crate::corpus::parse::parse_card(text.as_bytes(), &path.into(), path, &interner)
                    .card
            })
            .collect();
        tracker.loaded(&loaded, &[]);
        let change = tracker.rescan(&disk, Some(400 * 1_000_000_000), NOW);
        assert_eq!(titles(&change), ["during", "missed"]);
        assert_eq!(forgotten(&change), ["c/during.txt"]);
    }

    #[test]
    fn a_file_the_walk_reports_is_not_taken_for_gone() {
        struct Reporting(Fake);
        impl Disk for Reporting {
            fn look(&self, path: &Path) -> Look {
                self.0.look(path)
            }
            fn walk(&self, paths: &[PathBuf]) -> Discovered<FileKey> {
                let mut found = self.0.walk(paths);
                found.diagnostics.push(Diagnostic::file(
                    "c/fifo.txt",
                    Severity::Error,
                    "is a FIFO, not a regular file",
                ));
                found
            }
            fn read(&self, files: &[FileEntry]) -> Vec<Parsed> {
                self.0.read(files)
            }
        }
        let disk = Reporting(Fake::default());
        let mut tracker = Tracker::new(vec![Root {
            path: PathBuf::from("c"),
            is_dir: true,
        }]);
        let load = disk.walk(&paths(&["c"]));
        tracker.loaded(&[], &load.diagnostics);
        let change = tracker.rescan(&disk, Some(NOW), NOW);
        assert!(change.is_empty(), "{change:?}");
        assert_eq!(tracker.len(), 1);
    }

    #[test]
    fn a_file_root_is_followed_by_its_own_path_only() {
        let disk = Fake::default();
        disk.put("one.card", &card("one"), 10);
        let mut tracker = Tracker::new(vec![Root {
            path: PathBuf::from("one.card"),
            is_dir: false,
        }]);
        tracker.rescan(&disk, None, NOW);
        disk.put("one.card", &card("one again"), 20);
        let change = tracker.paths_changed(&paths(&["one.card"]), &disk, false, NOW);
        assert_eq!(titles(&change), ["one again"]);
        assert!(!tracker.is_card_path(Path::new("other.card")));
    }
}
