//! The on-disk cache of parsed cards, end to end through the built binary: every way a file
//! can change between two runs, every way a cache file can be broken, a cache folder that
//! cannot be written, and several tidings writing at once. And the reader's streaming API:
//! the cached cards first, then what changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use assert_cmd::Command;

use tidings::corpus::load::{LoadEvent, LoadOptions};
use tidings::library::cache::{self, Cache, Folder, Refresh, Settings};

/// A corpus folder and a cache folder of its own.
struct Setup {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    caches: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = dir.path().join("corpus");
        let caches = dir.path().join("caches");
        fs::create_dir_all(corpus.join("sub")).expect("corpus folder");
        Setup {
            corpus,
            caches,
            _dir: dir,
        }
    }

    /// Writes a card titled `title` at `name` below the corpus, dated an hour ago so it is
    /// not racy (see `racy`).
    fn card(&self, name: &str, title: &str) -> PathBuf {
        let path = self.corpus.join(name);
        fs::write(&path, card_text(title)).expect("card written");
        set_mtime(&path, SystemTime::now() - Duration::from_secs(3600));
        path
    }

    fn tidings(&self) -> Command {
        let mut cmd = Command::cargo_bin("tidings").expect("the tidings binary is built");
        cmd.env("TZ", "UTC").env(cache::ENV_DIR, &self.caches);
        cmd
    }

    /// Runs tidings; returns (status, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.tidings().args(args).output().expect("tidings runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The paths `search` finds for `query`, relative to the corpus, with stderr.
    fn search(&self, query: &str) -> (Vec<String>, String) {
        let corpus = self.corpus.to_str().expect("UTF-8 path");
        let (_, out, err) = self.run(&["search", query, corpus, "-f", "paths", "--sort", "title"]);
        let found = out
            .lines()
            .map(|l| {
                Path::new(l)
                    .strip_prefix(&self.corpus)
                    .map_or_else(|_| l.to_string(), |p| p.display().to_string())
            })
            .collect();
        (found, err)
    }

    /// The titles `search --format jsonl` gives for `query`, in title order.
    fn titles(&self, query: &str) -> Vec<String> {
        let corpus = self.corpus.to_str().expect("UTF-8 path");
        let (_, out, err) = self.run(&["search", query, corpus, "-f", "jsonl", "--sort", "title"]);
        assert!(err.is_empty(), "{err}");
        out.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
                v["title"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }

    /// Loads the corpus through its cache, writes the cache, and gives the load.
    fn load_and_write(&self) -> tidings::corpus::load::Loaded {
        let settings = Settings::In(Folder::at(&self.caches));
        let paths = [self.corpus.clone()];
        let (loaded, _, update) = Cache::open(&settings, &paths)
            .load_all(&paths, &LoadOptions::default())
            .expect("loads");
        update.write().expect("written");
        loaded
    }

    fn cache_files(&self) -> Vec<PathBuf> {
        Folder::at(&self.caches).caches()
    }

    fn cache_file(&self) -> PathBuf {
        let files = self.cache_files();
        assert_eq!(files.len(), 1, "one cache: {files:?}");
        files[0].clone()
    }
}

fn card_text(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nexcerpt: \"About {title}.\"\npublishedDateTime: \
         2024-03-08T00:00:00Z\nwebUrl: \"https://example.com/{title}\"\nprovider:\n  name: \
         \"Example\"\n  domain: example.com\ntopics:\n  - AI\nquality: 7\nheat: -1\n---\n"
    )
}

fn set_mtime(path: &Path, when: SystemTime) {
    fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .expect("mtime set");
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime read")
}

/// Writes `text` over `path` in place (same inode), then gives it back `when` as its mtime.
fn edit_in_place(path: &Path, text: &str, when: SystemTime) {
    fs::write(path, text).expect("edited");
    set_mtime(path, when);
}

#[test]
fn a_second_run_answers_from_the_cache_and_writes_nothing() {
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    s.card("sub/b_2.txt", "Bravo");
    assert_eq!(s.titles("a"), ["Alpha", "Bravo"]);
    let cache = s.cache_file();
    let written = fs::read(&cache).expect("cache read");
    // The proof the second run took the cache: a change its key cannot see (same inode, same
    // size, the old mtime) is not seen. Real edits change the mtime; see the tests below.
    let alpha = s.corpus.join("a_1.txt");
    edit_in_place(&alpha, &card_text("Aleph"), mtime(&alpha));
    assert_eq!(s.titles("a"), ["Alpha", "Bravo"]);
    assert_eq!(
        fs::read(&cache).expect("cache read"),
        written,
        "nothing rewritten"
    );
}

#[test]
fn an_edit_in_place_of_the_same_size_in_the_same_second_is_seen() {
    let s = Setup::new();
    let path = s.card("a_1.txt", "Alpha");
    // A whole-second mtime no older than the run: the cache is written in the same second.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    let this_second = UNIX_EPOCH + Duration::from_secs(now.as_secs() + 1);
    set_mtime(&path, this_second);
    assert_eq!(s.titles("a"), ["Alpha"]);
    edit_in_place(&path, &card_text("Aleph"), this_second);
    assert_eq!(s.titles("a"), ["Aleph"]);
}

#[test]
fn touched_edited_renamed_deleted_and_new_files_are_seen() {
    let s = Setup::new();
    let a = s.card("a_1.txt", "Alpha");
    let b = s.card("b_2.txt", "Bravo");
    let c = s.card("sub/c_3.txt", "Charlie");
    let d = s.card("sub/d_4.txt", "Delta");
    assert_eq!(s.titles("a").len(), 4);
    // Touch: same bytes, a new mtime; an edit of the same size with a new mtime.
    set_mtime(&a, SystemTime::now() - Duration::from_secs(60));
    edit_in_place(
        &b,
        &card_text("Brava"),
        SystemTime::now() - Duration::from_secs(60),
    );
    fs::rename(&c, s.corpus.join("sub/e_5.txt")).expect("renamed");
    fs::remove_file(&d).expect("deleted");
    s.card("f_6.txt", "Foxtrot");
    assert_eq!(s.titles("a"), ["Alpha", "Brava", "Charlie", "Foxtrot"]);
    let (paths, _) = s.search("charlie");
    assert_eq!(paths, ["sub/e_5.txt"]);
    assert_eq!(s.titles("foxtrot"), ["Foxtrot"]);
}

#[test]
fn a_file_replaced_by_another_of_the_same_name_size_and_mtime_is_seen() {
    let s = Setup::new();
    let a = s.card("a_1.txt", "Alpha");
    assert_eq!(s.titles("alpha"), ["Alpha"]);
    let when = mtime(&a);
    let other = s.corpus.join(".incoming");
    fs::write(&other, card_text("Aleph")).expect("written");
    set_mtime(&other, when);
    fs::rename(&other, &a).expect("replaced");
    assert_eq!(s.titles("ale"), ["Aleph"]);
}

#[test]
fn a_moved_folder_shows_its_cards_under_the_new_path() {
    let s = Setup::new();
    s.card("sub/a_1.txt", "Alpha");
    assert_eq!(s.titles("alpha"), ["Alpha"]);
    let moved = s.corpus.with_file_name("moved");
    fs::rename(&s.corpus, &moved).expect("moved");
    let (_, out, err) = s.run(&[
        "search",
        "alpha",
        moved.to_str().expect("UTF-8"),
        "-f",
        "paths",
    ]);
    assert!(err.is_empty(), "{err}");
    assert_eq!(out.trim(), moved.join("sub/a_1.txt").display().to_string());
}

#[test]
fn another_spelling_of_the_folder_shares_its_cache_and_shows_its_paths() {
    let s = Setup::new();
    s.card("sub/a_1.txt", "Alpha");
    assert_eq!(s.titles("alpha"), ["Alpha"]);
    let cache = s.cache_file();
    let before = fs::read(&cache).expect("cache read");
    let dotted = s.corpus.join("sub").join("..");
    let (_, out, _) = s.run(&[
        "search",
        "alpha",
        dotted.to_str().expect("UTF-8"),
        "-f",
        "paths",
    ]);
    assert_eq!(out.trim(), dotted.join("sub/a_1.txt").display().to_string());
    assert_eq!(s.cache_files(), std::slice::from_ref(&cache));
    assert_eq!(
        fs::read(&cache).expect("cache read"),
        before,
        "nothing rewritten"
    );
}

#[test]
fn check_reports_the_same_from_the_cache() {
    let s = Setup::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dirs: Vec<String> = ["seeds", "bad", "hostile"]
        .iter()
        .map(|d| fixtures.join(d).display().to_string())
        .collect();
    let mut args = vec!["check", "--json"];
    args.extend(dirs.iter().map(String::as_str));
    let cold = s.run(&args);
    assert!(!s.cache_files().is_empty());
    let warm = s.run(&args);
    let mut uncached = args.clone();
    uncached.push("--no-cache");
    assert_eq!(cold, warm);
    assert_eq!(cold, s.run(&uncached));
    let text: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
    assert_eq!(s.run(&text), s.run(&text));
}

/// Breaks the cache in some way; the next run says so once, answers right and rebuilds it.
fn broken_cache_is_rebuilt(break_it: impl Fn(&Path), says: &str) {
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    s.card("sub/b_2.txt", "Bravo");
    assert_eq!(s.titles("a"), ["Alpha", "Bravo"]);
    let cache = s.cache_file();
    break_it(&cache);
    let (paths, err) = s.search("a");
    assert_eq!(paths, ["a_1.txt", "sub/b_2.txt"], "answered right");
    assert_eq!(err.lines().count(), 1, "one notice: {err}");
    assert!(err.contains(says) && err.contains("rebuilding"), "{err}");
    let (paths, err) = s.search("a");
    assert_eq!(paths.len(), 2);
    assert!(err.is_empty(), "rebuilt: {err}");
}

#[test]
fn a_corrupt_cache_is_rebuilt() {
    broken_cache_is_rebuilt(
        |cache| {
            let mut bytes = fs::read(cache).expect("read");
            // A byte of the first card (past the preamble, the header and the lengths of the
            // first chunk's main part and texts).
            let header: [u8; 8] = bytes[16..24].try_into().expect("a header length");
            let at = 28 + u64::from_le_bytes(header) as usize + 16 + 4;
            bytes[at] ^= 0x55;
            fs::write(cache, bytes).expect("written");
        },
        "corrupt",
    );
}

#[test]
fn a_truncated_cache_is_rebuilt() {
    broken_cache_is_rebuilt(
        |cache| {
            let bytes = fs::read(cache).expect("read");
            fs::write(cache, &bytes[..bytes.len() / 2]).expect("written");
        },
        "truncated",
    );
}

#[test]
fn an_empty_cache_is_rebuilt() {
    broken_cache_is_rebuilt(|cache| fs::write(cache, b"").expect("written"), "truncated");
}

#[test]
fn a_foreign_file_in_place_of_the_cache_is_rebuilt() {
    broken_cache_is_rebuilt(
        |cache| fs::write(cache, b"PK\x03\x04 not ours at all").expect("written"),
        "not a tidings cache",
    );
}

#[test]
fn a_cache_of_another_parser_version_is_rebuilt() {
    broken_cache_is_rebuilt(
        |cache| {
            let mut bytes = fs::read(cache).expect("read");
            // The parser version, after the magic and the format version.
            let version = tidings::corpus::parse::PARSER_VERSION + 1;
            bytes[12..16].copy_from_slice(&version.to_le_bytes());
            fs::write(cache, bytes).expect("written");
        },
        "another version",
    );
}

#[test]
fn an_unreadable_cache_is_rebuilt() {
    // A folder where the cache file should be: it cannot be read, nor renamed over.
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    assert_eq!(s.titles("alpha"), ["Alpha"]);
    let cache = s.cache_file();
    fs::remove_file(&cache).expect("removed");
    fs::create_dir(&cache).expect("a folder in its place");
    let (paths, err) = s.search("alpha");
    assert_eq!(paths, ["a_1.txt"]);
    assert!(err.contains("cannot read"), "{err}");
    assert!(err.lines().count() <= 2, "{err}");
}

#[test]
fn a_cache_folder_that_cannot_be_made_leaves_tidings_running_and_says_so_once() {
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    // Below a file: no one, root included, can make that folder.
    let blocker = s.corpus.with_file_name("blocker");
    fs::write(&blocker, b"x").expect("written");
    let dir = blocker.join("caches");
    let corpus = s.corpus.to_str().expect("UTF-8");
    let args = ["search", "alpha", corpus, "-f", "paths", "--cache-dir"];
    let out = s
        .tidings()
        .args(args)
        .arg(&dir)
        .output()
        .expect("tidings runs");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot write the cache"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("a_1.txt"));
}

#[test]
fn a_missing_cache_folder_is_made() {
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    let dir = s.caches.join("deeper/still");
    let corpus = s.corpus.to_str().expect("UTF-8");
    let out = s
        .tidings()
        .args(["search", "alpha", corpus, "--cache-dir"])
        .arg(&dir)
        .output()
        .expect("tidings runs");
    assert!(out.stderr.is_empty());
    assert_eq!(Folder::at(&dir).caches().len(), 1);
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    let corpus = s.corpus.to_str().expect("UTF-8");
    let (code, _, err) = s.run(&["search", "alpha", corpus, "--no-cache"]);
    assert_eq!(code, 0, "{err}");
    assert!(!s.caches.exists());
    // The demo corpus needs none either.
    let (code, _, err) = s.run(&["search", "a"]);
    assert_eq!(code, 0, "{err}");
    assert!(!s.caches.exists());
}

#[test]
fn several_tidings_writing_at_once_leave_one_whole_cache() {
    let s = Setup::new();
    for i in 0..200 {
        s.card(&format!("sub/c_{i:03}.txt"), &format!("Card {i:03}"));
    }
    let corpus = s.corpus.to_str().expect("UTF-8");
    let children: Vec<std::process::Child> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("tidings"))
                .args(["check", corpus])
                .env(cache::ENV_DIR, &s.caches)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("tidings starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("tidings ends");
        assert_eq!(out.status.code(), Some(0));
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("200 cards"));
    }
    let cache = s.cache_file();
    let info = cache::info(&cache);
    assert_eq!(info.contents.map(|c| c.cards), Ok(200));
    let leftovers: Vec<_> = fs::read_dir(&s.caches)
        .expect("listed")
        .filter_map(Result::ok)
        .filter(|e| e.path() != cache)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn cache_info_and_clear() {
    let s = Setup::new();
    s.card("a_1.txt", "Alpha");
    s.card("b_2.txt", "Bravo");
    s.titles("a");
    let corpus = s.corpus.to_str().expect("UTF-8");
    let (code, out, err) = s.run(&["cache", "info"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 cache,"), "{out}");
    assert!(out.contains("cards:   2 (from 2 files)"), "{out}");
    let canonical = fs::canonicalize(&s.corpus).expect("canonical");
    assert!(
        out.contains(&format!("folder:  {}", canonical.display())),
        "{out}"
    );
    assert!(out.contains("written: "), "{out}");
    assert!(out.contains("index:   "), "the word index beside it: {out}");
    let index = cache::index_for(&s.cache_file());
    assert!(index.is_dir());
    let (_, out, _) = s.run(&["cache", "info", corpus]);
    assert!(out.contains("cards:   2"), "{out}");
    let (code, out, _) = s.run(&["cache", "clear", corpus]);
    assert_eq!((code, out.trim()), (0, "removed 1 cache"));
    assert!(s.cache_files().is_empty());
    assert!(!index.exists(), "the word index goes with its cache");
    let (code, out, _) = s.run(&["cache", "clear"]);
    assert_eq!((code, out.trim()), (0, "removed 0 caches"));
}

/// Every damaged copy of a cache file is refused or read, never a panic.
#[test]
fn no_damage_to_a_cache_file_panics_the_reading() {
    let s = Setup::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for d in ["seeds", "bad", "hostile"] {
        for entry in fs::read_dir(fixtures.join(d)).expect("fixtures").flatten() {
            if entry.path().is_file() {
                let name = format!("{d}_{}", entry.file_name().to_string_lossy());
                let _ = fs::copy(entry.path(), s.corpus.join(name));
            }
        }
    }
    let settings = Settings::In(Folder::at(&s.caches));
    let paths = [s.corpus.clone()];
    let options = LoadOptions::default();
    let (_, _, update) = Cache::open(&settings, &paths)
        .load_all(&paths, &options)
        .expect("loads");
    update.write().expect("written");
    let cache = s.cache_file();
    let good = fs::read(&cache).expect("read");
    let step = (good.len() / 300).max(1);
    for at in (0..good.len()).step_by(step) {
        for damage in 0..3 {
            let mut bytes = good.clone();
            match damage {
                0 => bytes[at] ^= 0xff,
                1 => bytes.truncate(at),
                _ => bytes[at..].iter_mut().take(8).for_each(|b| *b = 0xff),
            }
            fs::write(&cache, &bytes).expect("written");
            let _ = cache::info(&cache);
            let mut opened = Cache::open(&settings, &paths);
            let _ = opened.stream_cached(|_| true);
            let (loaded, _, _) = Cache::open(&settings, &paths)
                .load_all(&paths, &options)
                .expect("loads");
            assert!(!loaded.corpus.is_empty());
            extras_by_path(&loaded);
        }
    }
}

#[test]
fn the_reader_gets_the_cached_cards_first_then_what_changed() {
    let s = Setup::new();
    let a = s.card("a_1.txt", "Alpha");
    s.card("b_2.txt", "Bravo");
    let c = s.card("sub/c_3.txt", "Charlie");
    let settings = Settings::In(Folder::at(&s.caches));
    let paths = [s.corpus.clone()];
    let options = LoadOptions::default();

    // A first start: nothing cached, every file parsed.
    let mut cache = Cache::open(&settings, &paths);
    let shown = cache.stream_cached(|_| panic!("nothing is cached yet"));
    let mut parsed = 0;
    let update = cache
        .refresh(&paths, &options, &shown, |event| {
            if let Refresh::Load(LoadEvent::Batch { cards, .. }) = event {
                parsed += cards.len();
            }
            true
        })
        .expect("refreshed");
    assert_eq!(parsed, 3);
    assert!(update.is_needed());
    update.write().expect("written");

    // Between starts: one edited, one deleted, one new.
    edit_in_place(
        &a,
        &card_text("Aleph"),
        SystemTime::now() - Duration::from_secs(60),
    );
    fs::remove_file(&c).expect("deleted");
    s.card("d_4.txt", "Delta");

    let mut cache = Cache::open(&settings, &paths);
    let mut cached = Vec::new();
    let shown = cache.stream_cached(|event| {
        if let LoadEvent::Batch { cards, .. } = event {
            cached.extend(cards.into_iter().map(|c| (c.title, c.path.into())));
        }
        true
    });
    cached.sort();
    let expected: Vec<(Option<Box<str>>, PathBuf)> = [
        ("Alpha", "a_1.txt"),
        ("Bravo", "b_2.txt"),
        ("Charlie", "sub/c_3.txt"),
    ]
    .iter()
    .map(|(t, p)| (Some(Box::from(*t)), s.corpus.join(p)))
    .collect();
    assert_eq!(
        cached, expected,
        "the cache as written, under the paths given"
    );

    let mut stale = Vec::new();
    let mut fresh = Vec::new();
    let update = cache
        .refresh(&paths, &options, &shown, |event| {
            match event {
                Refresh::Checked {
                    stale: gone,
                    unchanged,
                    to_parse,
                    ..
                } => {
                    assert_eq!((unchanged, to_parse), (1, 2));
                    stale.extend(gone.into_iter().map(|g| g.path));
                }
                Refresh::Load(LoadEvent::Batch { cards, .. }) => {
                    fresh.extend(cards.into_iter().map(|c| c.title));
                }
                Refresh::Load(LoadEvent::Done { .. }) => {}
            }
            true
        })
        .expect("refreshed");
    stale.sort();
    fresh.sort();
    assert_eq!(
        stale,
        [s.corpus.join("a_1.txt"), s.corpus.join("sub/c_3.txt")]
    );
    assert_eq!(fresh, [Some("Aleph".into()), Some("Delta".into())]);
    update.write().expect("written");
    assert_eq!(s.titles("a"), ["Aleph", "Bravo", "Delta"]);
}

/// Every card's extras as the corpus gives them, by path.
fn extras_by_path(loaded: &tidings::corpus::load::Loaded) -> Vec<(PathBuf, String)> {
    let mut all: Vec<(PathBuf, String)> = loaded
        .corpus
        .cards()
        .iter()
        .map(|(ix, card)| {
            let read = loaded.corpus.extras(ix).expect("a card of the corpus");
            (card.path.to_path_buf(), format!("{read:?}"))
        })
        .collect();
    all.sort();
    all
}

/// `extras` but the card of the file `name`.
fn without(extras: &[(PathBuf, String)], name: &str) -> Vec<(PathBuf, String)> {
    let others = extras.iter().filter(|(path, _)| !path.ends_with(name));
    others.cloned().collect()
}

/// A card read from the cache finds its images and related entries there, as parsed, also
/// after the cache is packed again; damaged, they are a reason, not a panic or a wrong entry.
#[test]
fn extras_come_back_from_the_cache_as_parsed() {
    use tidings::corpus::ExtrasAt;
    let s = Setup::new();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
    for entry in fs::read_dir(&seeds).expect("seeds").flatten() {
        let to = s.corpus.join(entry.file_name());
        fs::copy(entry.path(), &to).expect("copied");
        set_mtime(&to, SystemTime::now() - Duration::from_secs(3600));
    }
    s.card("a_1.txt", "Alpha");
    let settings = Settings::In(Folder::at(&s.caches));
    let paths = [s.corpus.clone()];
    let options = LoadOptions::default();
    let load = || s.load_and_write();

    let parsed = load();
    let from_files = extras_by_path(&parsed);
    assert!(from_files.iter().any(|(_, e)| e.contains("lupus.org")));
    let cached = load();
    for (_, card) in cached.corpus.cards().iter() {
        assert!(matches!(card.extras, ExtrasAt::Stored { .. }), "{card:?}");
    }
    assert_eq!(extras_by_path(&cached), from_files);

    // A file gone: the chunk is packed again, its cards' extras copied from the old cache.
    fs::remove_file(s.corpus.join("a_1.txt")).expect("removed");
    load();
    let repacked = load();
    let expected = without(&from_files, "a_1.txt");
    assert_eq!(extras_by_path(&repacked), expected);

    // A byte of the last card's extras (the end of the file) changed, before the load or
    // after it: the card loads (a load checks only what it decodes), its extras are refused
    // with the reason, and the cache is removed, to be made again.
    for after_load in [false, true] {
        let cache = s.cache_file();
        let mut bytes = fs::read(&cache).expect("read");
        let last = bytes.len() - 3;
        bytes[last] ^= 0x55;
        if !after_load {
            fs::write(&cache, &bytes).expect("written");
        }
        let (loaded, _, _) = Cache::open(&settings, &paths)
            .load_all(&paths, &options)
            .expect("loads");
        assert_eq!(loaded.corpus.len(), expected.len());
        if after_load {
            fs::write(&cache, &bytes).expect("written");
        }
        let refused: Vec<String> = extras_by_path(&loaded)
            .into_iter()
            .map(|(_, e)| e)
            .filter(|e| e.starts_with("Err"))
            .collect();
        assert_eq!(
            refused,
            [
                r#"Err("the cache holding them is corrupt (extras checksum); it is made again on the next start")"#
            ]
        );
        assert!(s.cache_files().is_empty(), "removed");
        assert_eq!(extras_by_path(&load()), expected, "made again");
    }
}

/// A cache written again after one change copies its untouched chunks from the old file as
/// they are: the cards and their extras read back the same.
#[test]
fn untouched_chunks_are_copied_whole_into_the_next_cache() {
    let s = Setup::new();
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds/000_f18be6a7170f6cf1.txt");
    let text = fs::read_to_string(seed).expect("a seed");
    for i in 0..600 {
        let card = text.replace("lupus.org/news/", &format!("lupus.org/news/{i}-"));
        let path = s.corpus.join(format!("c_{i:03}.txt"));
        fs::write(&path, card).expect("written");
        set_mtime(&path, SystemTime::now() - Duration::from_secs(3600));
    }
    let load = || s.load_and_write();
    let from_files = extras_by_path(&load());
    assert_eq!(from_files.len(), 600);
    s.card("c_599.txt", "Changed");
    let first = fs::read(s.cache_file()).expect("read");
    load();
    let second = fs::read(s.cache_file()).expect("read");
    assert_ne!(first, second);
    let again = load();
    assert_eq!(
        without(&extras_by_path(&again), "c_599.txt"),
        without(&from_files, "c_599.txt")
    );
    let changed = again
        .corpus
        .cards()
        .iter()
        .filter(|(_, c)| c.title.as_deref() == Some("Changed"));
    assert_eq!(changed.count(), 1);
}

/// A card read from the cache leaves its excerpt and body there, and reads them back as parsed
/// (escapes, non-ASCII and a body with its own `---` included), with the word index's stamp of
/// its texts made when they were checked; also once the cache file is removed, or replaced by
/// another written after a change. So does a card parsed on a run that writes the cache, from
/// the bytes the cache is made of.
#[test]
fn texts_come_back_from_the_cache_as_parsed() {
    use tidings::search::index::{stamp, texts_stamp};
    let s = Setup::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let copies = [
        "seeds/000_f18be6a7170f6cf1.txt",
        "seeds/004_7e8f824abe713a45.txt",
        "hostile/osc_and_clear.txt",
        "hostile/bidi_zero_width.txt",
    ];
    for name in copies {
        let to = s.corpus.join(Path::new(name).file_name().expect("a name"));
        fs::copy(fixtures.join(name), &to).expect("copied");
        set_mtime(&to, SystemTime::now() - Duration::from_secs(3600));
    }
    let body = s.card("with_body.txt", "Bodied");
    let text = card_text("Bodied") + "# Heading\n\nÜber café ---\n---\nlast line\n";
    fs::write(&body, text).expect("written");
    set_mtime(&body, SystemTime::now() - Duration::from_secs(3600));
    s.card("a_1.txt", "Alpha");
    type Texts = Vec<(PathBuf, Option<String>, Option<String>, u64)>;
    let texts = |loaded: &tidings::corpus::load::Loaded| -> Texts {
        let mut all: Texts = loaded
            .corpus
            .cards()
            .iter()
            .map(|(_, c)| {
                let text = |t: Option<std::borrow::Cow<'_, str>>| t.map(|t| t.into_owned());
                let path = c.path.to_path_buf();
                (path, text(c.excerpt()), text(c.body()), stamp(c))
            })
            .collect();
        all.sort();
        all
    };

    // Parsed without a cache: the texts held, as the parser made them.
    let held = tidings::corpus::load::load_all(
        &tidings::corpus::load::discover(std::slice::from_ref(&s.corpus))
            .expect("walked")
            .0,
        &LoadOptions::default(),
    );
    for (_, card) in held.corpus.cards().iter() {
        assert!(card.prose.map().is_none(), "held: {card:?}");
    }
    let from_files = texts(&held);
    // Parsed with a cache to write: the texts are read from the bytes it is made of.
    let parsed = s.load_and_write();
    for (_, card) in parsed.corpus.cards().iter() {
        assert!(card.prose.map().is_some(), "mapped: {card:?}");
        assert_eq!(card.prose.stamp(), Some(texts_stamp(card)), "{card:?}");
    }
    assert_eq!(texts(&parsed), from_files);
    assert!(
        from_files
            .iter()
            .any(|t| t.2.as_deref().is_some_and(|b| b.contains("\n---\n")))
    );
    assert!(
        from_files
            .iter()
            .any(|t| t.1.as_deref().is_some_and(|e| e.contains('\u{1b}')))
    );
    let cached = s.load_and_write();
    for (_, card) in cached.corpus.cards().iter() {
        assert_eq!(card.prose.stamp(), Some(texts_stamp(card)), "{card:?}");
    }
    assert_eq!(texts(&cached), from_files);

    // Another cache written over it after a change, then none at all: the cards read before
    // still read their texts from the file they were read from.
    s.card("a_1.txt", "Aleph");
    s.load_and_write();
    fs::remove_file(s.cache_file()).expect("removed");
    assert_eq!(texts(&cached), from_files);
    assert_eq!(texts(&parsed), from_files);
}
