//! The folder walk and the file read against what a file system can hold: FIFOs, sockets,
//! folders nested thousands deep, links to the root and links in loops. Every call that could
//! hang runs on its own thread with a generous time limit.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use clap::Parser;
use tidings::cli::{Cli, Command as Sub};
use tidings::corpus::load::{self, FileEntry, LoadOptions, Loaded, Skipped};
use tidings::corpus::{Diagnostic, Severity, Subject};

const SEED: &str = "tests/fixtures/seeds/000_f18be6a7170f6cf1.txt";
const OTHER_SEED: &str = "tests/fixtures/seeds/004_7e8f824abe713a45.txt";

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)
}

fn other_seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(OTHER_SEED)
}

/// Runs `work` on its own thread; fails the test if it is not done in ten seconds.
fn within_limit<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(work());
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(done) => done,
        Err(_) => panic!("{what} took over 10 s"),
    }
}

/// Discovers and loads `paths` within the time limit: the walk's diagnostics, then the load.
fn walk_and_load(paths: Vec<PathBuf>, options: LoadOptions) -> (Vec<FileEntry>, Loaded) {
    within_limit("walking and loading", move || {
        let (files, walk) = load::discover_with(&paths, &options).expect("paths exist");
        let mut loaded = load::load_all(&files, &options);
        loaded.diagnostics.splice(0..0, walk);
        (files, loaded)
    })
}

fn following() -> LoadOptions {
    LoadOptions {
        follow: true,
        ..LoadOptions::default()
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn errors(loaded: &Loaded) -> Vec<(String, String, Subject)> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let name = d.path.file_name().unwrap_or_default();
            (
                name.to_string_lossy().into_owned(),
                d.message.clone(),
                d.subject,
            )
        })
        .collect()
}

#[test]
fn a_fifo_named_on_the_command_line_is_reported_not_waited_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("x.txt");
    mkfifo(&fifo);
    let (_, loaded) = walk_and_load(vec![fifo, seed()], LoadOptions::default());
    assert_eq!(
        errors(&loaded),
        [(
            "x.txt".to_string(),
            "not a regular file: a FIFO".to_string(),
            Subject::File
        )]
    );
    assert_eq!(loaded.corpus.len(), 1);
}

#[test]
fn fifos_and_sockets_in_a_folder_are_reported_and_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    mkfifo(&dir.path().join("a.txt"));
    mkfifo(&dir.path().join("not-a-card.fifo"));
    let _socket =
        std::os::unix::net::UnixListener::bind(dir.path().join("b.md")).expect("bind a socket");
    std::fs::copy(seed(), dir.path().join("c.txt")).expect("copy");
    let (_, loaded) = walk_and_load(vec![dir.path().to_path_buf()], LoadOptions::default());
    assert_eq!(
        errors(&loaded),
        [
            (
                "a.txt".to_string(),
                "not a regular file: a FIFO".to_string(),
                Subject::File
            ),
            (
                "b.md".to_string(),
                "not a regular file: a socket".to_string(),
                Subject::File
            ),
        ]
    );
    assert_eq!(loaded.corpus.len(), 1);
}

#[test]
fn a_file_swapped_for_a_fifo_after_the_walk_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let card = dir.path().join("x.txt");
    std::fs::copy(seed(), &card).expect("copy");
    let (files, _) = load::discover(&[dir.path().to_path_buf()]).expect("exists");
    assert_eq!(files.len(), 1);
    std::fs::remove_file(&card).expect("remove");
    mkfifo(&card);
    let loaded = within_limit("loading", move || {
        load::load_all(&files, &LoadOptions::default())
    });
    assert_eq!(
        errors(&loaded),
        [(
            "x.txt".to_string(),
            "not a regular file: a FIFO".to_string(),
            Subject::File
        )]
    );
}

#[test]
fn folders_nested_two_thousand_deep_are_walked() {
    // 2,000 levels of `a/` stay under the 4,096-byte path limit. Resolving every entry's full
    // path took close to a minute at this depth.
    // In memory where the system has it: thousands of folders are slow to make and remove on
    // a disk.
    let shm = Path::new("/dev/shm");
    let dir = match shm.is_dir() {
        true => tempfile::tempdir_in(shm),
        false => tempfile::tempdir(),
    }
    .expect("temp dir");
    let mut deep = dir.path().to_path_buf();
    for _ in 0..2000 {
        deep.push("a");
    }
    std::fs::create_dir_all(&deep).expect("mkdir -p");
    std::fs::copy(seed(), deep.join("x.txt")).expect("copy");
    let (files, loaded) = walk_and_load(vec![dir.path().to_path_buf()], LoadOptions::default());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].relative.components().count(), 2001);
    assert_eq!(loaded.corpus.len(), 1, "{:?}", loaded.diagnostics);
}

#[test]
fn links_inside_a_folder_are_not_followed_by_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::copy(seed(), corpus.join("a.txt")).expect("copy");
    std::fs::copy(other_seed(), outside.join("b.txt")).expect("copy");
    // A link to the root would walk the whole disk, /proc included.
    symlink("/", corpus.join("disk")).expect("symlink");
    symlink(&outside, corpus.join("outside")).expect("symlink");
    symlink(outside.join("b.txt"), corpus.join("b.txt")).expect("symlink");
    symlink("/no/such/target", corpus.join("broken.txt")).expect("symlink");

    let (files, loaded) = walk_and_load(vec![corpus.clone()], LoadOptions::default());
    let names: Vec<_> = files.iter().map(|f| f.relative.clone()).collect();
    assert_eq!(names, [PathBuf::from("a.txt")]);
    assert_eq!(loaded.diagnostics, Vec::<Diagnostic>::new());

    // A link named on the command line is followed, as fd and ripgrep do.
    let named = dir.path().join("named");
    symlink(&outside, &named).expect("symlink");
    let (files, _) = walk_and_load(vec![named], LoadOptions::default());
    assert_eq!(files.len(), 1);
}

#[test]
fn follow_walks_links_once_and_survives_loops() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(corpus.join("sub")).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::copy(seed(), corpus.join("sub/a.txt")).expect("copy");
    std::fs::copy(other_seed(), outside.join("b.txt")).expect("copy");
    // Two links to one folder, a link to a file already walked, and loops back up.
    symlink(&outside, corpus.join("one")).expect("symlink");
    symlink(&outside, corpus.join("two")).expect("symlink");
    symlink(corpus.join("sub/a.txt"), corpus.join("z.txt")).expect("symlink");
    symlink(&corpus, corpus.join("sub/up")).expect("symlink");
    symlink(dir.path(), outside.join("top")).expect("symlink");

    let (files, loaded) = walk_and_load(vec![corpus.clone()], following());
    let names: Vec<_> = files.iter().map(|f| f.relative.clone()).collect();
    assert_eq!(
        names,
        [PathBuf::from("one/b.txt"), PathBuf::from("sub/a.txt")]
    );
    assert_eq!(loaded.corpus.len(), 2);
    assert_eq!(loaded.diagnostics, Vec::<Diagnostic>::new());
}

#[test]
fn folder_problems_are_told_apart_from_file_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(seed(), dir.path().join("a.txt")).expect("copy");
    std::fs::write(dir.path().join("bad.txt"), "not a card").expect("write");
    symlink("/no/such/folder", dir.path().join("archive")).expect("symlink");
    symlink("/no/such/card.txt", dir.path().join("gone.txt")).expect("symlink");
    let (_, loaded) = walk_and_load(vec![dir.path().to_path_buf()], following());
    let found: Vec<_> = errors(&loaded)
        .into_iter()
        .map(|(name, _, subject)| (name, subject))
        .collect();
    assert_eq!(
        found,
        [
            ("archive".to_string(), Subject::Folder),
            ("gone.txt".to_string(), Subject::File),
            ("bad.txt".to_string(), Subject::File),
        ]
    );
    assert_eq!(
        Skipped::count(&loaded.diagnostics),
        Skipped {
            files: 2,
            folders: 1
        }
    );
    assert_eq!(load::count_skipped(&loaded.diagnostics), 3);
}

#[test]
fn the_follow_flag_reaches_the_load_options() {
    for (args, follow) in [
        (&["tidings", "check", "x"][..], false),
        (&["tidings", "check", "-L", "x"][..], true),
        (&["tidings", "search", "q", "x", "--follow"][..], true),
        (&["tidings", "--follow", "x"][..], true),
    ] {
        let cli = Cli::try_parse_from(args).expect("parses");
        let load = match cli.command {
            Some(Sub::Check(a)) => a.load,
            Some(Sub::Search(a)) => a.load,
            _ => cli.reader.load,
        };
        let options: LoadOptions = load.into();
        assert_eq!(options.follow, follow, "{args:?}");
    }
}
