//! The reader's loader thread without a terminal: the cached cards first, then what changed
//! since the cache was written, as messages the reader applies; and, while it runs, files
//! written, changed, renamed and removed reaching it as changes.

use std::fs;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime};

use jiff::Timestamp;
use tidings::app::{self, Msg, Options, State};
use tidings::corpus::load::LoadOptions;
use tidings::library::cache::Settings;
use tidings::loader::{self, Start};

struct Setup {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    caches: PathBuf,
}

fn card_text(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nexcerpt: \"About {title}.\"\npublishedDateTime: \
         2024-03-08T00:00:00Z\nwebUrl: \"https://example.com/{title}\"\n---\n"
    )
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = dir.path().join("corpus");
        let caches = dir.path().join("caches");
        fs::create_dir_all(&corpus).expect("corpus folder");
        Setup {
            corpus,
            caches,
            _dir: dir,
        }
    }

    /// A card at `name`, dated an hour ago so the cache trusts it (see the racy rule).
    fn card(&self, name: &str, title: &str) -> PathBuf {
        let path = self.corpus.join(name);
        fs::write(&path, card_text(title)).expect("card written");
        fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_secs(3600)))
            .expect("mtime set");
        path
    }

    fn start(&self, watch: bool) -> Start {
        Start {
            paths: vec![self.corpus.clone()],
            options: LoadOptions::default(),
            cache: Settings::new(false, Some(&self.caches)),
            watch,
        }
    }

    /// Runs the loader to its end (no watching): every message it sent.
    fn load(&self) -> Vec<Msg> {
        let (tx, rx) = mpsc::channel();
        loader::run(self.start(false), move |msg| tx.send(msg).is_ok());
        rx.try_iter().collect()
    }
}

fn titles(state: &State) -> Vec<String> {
    let mut titles: Vec<String> = state
        .corpus
        .cards()
        .iter()
        .map(|(_, c)| c.title.as_deref().unwrap_or("").to_string())
        .collect();
    titles.sort();
    titles
}

fn new_state() -> State {
    State::new(120, 40, Timestamp::now(), Options::default()).0
}

fn apply(state: &mut State, msgs: Vec<Msg>) {
    for msg in msgs {
        app::update(state, msg);
    }
}

/// What kind of message each is, in order, with the cards `Loaded` messages in a row carry
/// (how many batches they come in is the loader's business).
fn kinds(msgs: &[Msg]) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    let mut loaded: Option<usize> = None;
    for m in msgs {
        let kind = match m {
            Msg::Loaded { cards, .. } => {
                loaded = Some(loaded.unwrap_or(0) + cards.len());
                continue;
            }
            Msg::Changed { delta, .. } => format!("changed -{}", delta.forget.len()),
            Msg::LoadDone => "done".to_string(),
            Msg::Notice(n) => format!("notice {}", n.text),
            other => format!("{other:?}"),
        };
        kinds.extend(loaded.take().map(|n| format!("loaded {n}")));
        kinds.push(kind);
    }
    kinds.extend(loaded.map(|n| format!("loaded {n}")));
    kinds
}

#[test]
fn a_warm_start_sends_the_cached_cards_then_only_what_changed() {
    let setup = Setup::new();
    setup.card("a.txt", "alpha");
    setup.card("b.txt", "beta");
    setup.card("c.txt", "gamma");

    // Cold: nothing cached; every file parsed, and the cache written.
    let cold = setup.load();
    assert_eq!(kinds(&cold), ["changed -0", "loaded 3", "done"]);
    assert!(fs::read_dir(&setup.caches).is_ok_and(|mut d| d.next().is_some()));

    // Between runs: one file changes, one goes, one arrives.
    setup.card("b.txt", "beta, longer now");
    fs::remove_file(setup.corpus.join("c.txt")).expect("removed");
    setup.card("d.txt", "delta");

    let warm = setup.load();
    // The cache as it was, at once; then the two files it showed that no longer hold; then
    // the two files parsed.
    assert_eq!(
        kinds(&warm),
        ["loaded 3", "changed -2", "loaded 2", "done"],
        "{warm:?}"
    );
    let mut state = new_state();
    let mut msgs = warm.into_iter();
    apply(&mut state, msgs.by_ref().take(1).collect());
    assert_eq!(
        titles(&state),
        ["alpha", "beta", "gamma"],
        "the cache's cards"
    );
    apply(&mut state, msgs.collect());
    assert_eq!(titles(&state), ["alpha", "beta, longer now", "delta"]);
    assert!(state.loading.is_none());
    assert!(state.notice.is_none(), "a load's changes are not news");

    // Warm and unchanged: the cache alone, and nothing parsed.
    let again = setup.load();
    assert_eq!(kinds(&again), ["loaded 3", "changed -0", "done"]);
}

#[test]
fn with_no_cache_every_file_is_parsed_and_nothing_written() {
    let setup = Setup::new();
    setup.card("a.txt", "alpha");
    let (tx, rx) = mpsc::channel();
    let start = Start {
        cache: Settings::Off,
        ..setup.start(false)
    };
    loader::run(start, move |msg| tx.send(msg).is_ok());
    let msgs: Vec<Msg> = rx.try_iter().collect();
    assert_eq!(kinds(&msgs), ["changed -0", "loaded 1", "done"]);
    assert!(!setup.caches.exists());
}

#[test]
fn the_demo_corpus_needs_no_cache() {
    let setup = Setup::new();
    let (tx, rx) = mpsc::channel();
    let start = Start {
        paths: Vec::new(),
        ..setup.start(true)
    };
    loader::run(start, move |msg| tx.send(msg).is_ok());
    let mut state = new_state();
    apply(&mut state, rx.try_iter().collect());
    assert!(state.corpus.len() > 3);
    assert!(state.loading.is_none());
    assert!(!setup.caches.exists());
}

/// Applies messages until `ok` holds of the state, or fails after a while.
fn until(state: &mut State, rx: &Receiver<Msg>, what: &str, ok: impl Fn(&State) -> bool) {
    let started = Instant::now();
    while !ok(state) {
        let left = Duration::from_secs(10).saturating_sub(started.elapsed());
        assert!(
            !left.is_zero(),
            "timed out waiting for {what}: {:?}",
            titles(state)
        );
        if let Ok(msg) = rx.recv_timeout(left) {
            app::update(state, msg);
        }
    }
}

#[test]
fn while_watching_files_written_changed_renamed_and_removed_reach_the_reader() {
    let setup = Setup::new();
    setup.card("a.txt", "alpha");
    let (tx, rx) = mpsc::channel();
    loader::spawn(setup.start(true), move |msg| tx.send(msg).is_ok()).expect("loader started");
    let mut state = new_state();
    until(&mut state, &rx, "the load", |s| s.loading.is_none());
    assert_eq!(titles(&state), ["alpha"]);

    let started = Instant::now();
    fs::write(setup.corpus.join("b.txt"), card_text("beta")).expect("written");
    until(&mut state, &rx, "the new card", |s| titles(s).len() == 2);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        state.notice.as_ref().map(|n| n.text.as_str()),
        Some("1 new")
    );

    fs::write(setup.corpus.join("b.txt"), card_text("beta two")).expect("rewritten");
    until(&mut state, &rx, "the change", |s| {
        titles(s).contains(&"beta two".to_string())
    });
    assert_eq!(titles(&state), ["alpha", "beta two"]);

    fs::rename(setup.corpus.join("b.txt"), setup.corpus.join("c.txt")).expect("renamed");
    until(&mut state, &rx, "the rename", |s| {
        s.corpus
            .cards()
            .iter()
            .any(|(_, c)| c.path.ends_with("c.txt"))
    });
    assert_eq!(titles(&state), ["alpha", "beta two"], "still one row");

    fs::create_dir(setup.corpus.join("sub")).expect("folder");
    fs::write(setup.corpus.join("sub/d.txt"), card_text("delta")).expect("written");
    until(&mut state, &rx, "a card in a new folder", |s| {
        titles(s).len() == 3
    });

    fs::remove_dir_all(setup.corpus.join("sub")).expect("folder removed");
    fs::remove_file(setup.corpus.join("c.txt")).expect("removed");
    until(&mut state, &rx, "the removals", |s| titles(s).len() == 1);
    assert_eq!(titles(&state), ["alpha"]);
}

#[test]
fn a_file_written_during_the_load_is_not_missed() {
    let setup = Setup::new();
    for i in 0..2000 {
        setup.card(&format!("{i:04}.txt"), &format!("card {i}"));
    }
    let (tx, rx) = mpsc::channel();
    loader::spawn(setup.start(true), move |msg| tx.send(msg).is_ok()).expect("loader started");
    // Written while the loader is at work (the walk or the parse): whichever it is, the card
    // arrives once.
    fs::write(setup.corpus.join("late.txt"), card_text("late")).expect("written");
    let mut state = new_state();
    until(&mut state, &rx, "the late card", |s| {
        s.loading.is_none() && titles(s).contains(&"late".to_string())
    });
    assert_eq!(state.corpus.len(), 2001);
}

#[test]
fn a_file_written_or_changed_during_a_warm_load_is_not_missed() {
    let setup = Setup::new();
    for i in 0..2000 {
        setup.card(&format!("{i:04}.txt"), &format!("card {i}"));
    }
    // The cache written: this start shows the cards from it, and watches as it walks.
    setup.load();
    let (tx, rx) = mpsc::channel();
    loader::spawn(setup.start(true), move |msg| tx.send(msg).is_ok()).expect("loader started");
    fs::write(setup.corpus.join("late.txt"), card_text("late")).expect("written");
    fs::write(
        setup.corpus.join("1999.txt"),
        card_text("card 1999, changed"),
    )
    .expect("written");
    let mut state = new_state();
    until(&mut state, &rx, "the late card and the change", |s| {
        let titles = titles(s);
        s.loading.is_none()
            && titles.contains(&"late".to_string())
            && titles.contains(&"card 1999, changed".to_string())
    });
    assert_eq!(state.corpus.len(), 2001);
}

/// Long enough for a folder's events to have been followed (they are debounced).
const FOLLOWED: Duration = Duration::from_millis(1500);

/// Folders that exist at the start, and folders made, moved and made again while the reader
/// runs: files written into them later, once their own events are over, still arrive.
fn folders_are_followed_as_they_come_and_go(warm: bool) {
    let setup = Setup::new();
    fs::create_dir_all(setup.corpus.join("old/inner")).expect("folders");
    setup.card("old/inner/a.txt", "alpha");
    if warm {
        setup.load();
    }
    let (tx, rx) = mpsc::channel();
    loader::spawn(setup.start(true), move |msg| tx.send(msg).is_ok()).expect("loader started");
    let mut state = new_state();
    until(&mut state, &rx, "the load", |s| s.loading.is_none());
    let mut expected = vec!["alpha".to_string()];
    let mut write_later = |state: &mut State, path: &str, title: &str| {
        std::thread::sleep(FOLLOWED);
        fs::write(setup.corpus.join(path), card_text(title)).expect("written");
        expected.push(title.to_string());
        expected.sort();
        until(state, &rx, path, |s| titles(s) == expected);
    };
    write_later(&mut state, "old/inner/b.txt", "bravo");
    fs::create_dir(setup.corpus.join("new")).expect("folder");
    write_later(&mut state, "new/c.txt", "charlie");
    fs::create_dir(setup.corpus.join("new/deeper")).expect("folder");
    write_later(&mut state, "new/deeper/d.txt", "delta");
    fs::create_dir_all(setup.corpus.join("new/made/at/once")).expect("folders");
    write_later(&mut state, "new/made/at/once/e.txt", "echo");
    fs::rename(setup.corpus.join("old"), setup.corpus.join("moved")).expect("moved");
    write_later(&mut state, "moved/inner/f.txt", "foxtrot");
    fs::create_dir_all(setup.corpus.join("old/inner")).expect("made again");
    write_later(&mut state, "old/inner/g.txt", "golf");
}

#[test]
fn folders_are_followed_as_they_come_and_go_after_a_cold_start() {
    folders_are_followed_as_they_come_and_go(false);
}

#[test]
fn folders_are_followed_as_they_come_and_go_after_a_warm_start() {
    folders_are_followed_as_they_come_and_go(true);
}
