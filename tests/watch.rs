//! The watcher on real folders, without the reader: polling (what the reader falls back on when
//! the system gives no events) finds what changed, as events do.

use std::fs;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tidings::corpus::load::LoadOptions;
use tidings::library::cache::now_ns;
use tidings::library::watch::{self, Report, Tracker, Watching};

fn card_text(title: &str) -> String {
    format!("---\ntitle: \"{title}\"\nwebUrl: \"https://example.com/{title}\"\n---\n")
}

#[test]
fn polling_finds_new_changed_and_removed_files_and_says_it_polls() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).expect("corpus folder");
    let paths = vec![corpus.clone()];
    let watching = Watching::polling(&paths, LoadOptions::default());
    let tracker = Tracker::new(watch::roots(&paths));
    let (tx, rx) = mpsc::channel();
    let since = now_ns();
    std::thread::spawn(move || watching.follow(tracker, Some(since), move |r| tx.send(r).is_ok()));

    let notice = rx.recv_timeout(Duration::from_secs(5)).expect("a notice");
    assert!(
        matches!(&notice, Report::Notice(text) if text.contains("checking the folders every")),
        "{notice:?}"
    );
    let next_change = |what: &str| -> watch::Change {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(Report::Change(change)) => return change,
                Ok(_) => {}
                Err(_) => panic!("no change for {what}"),
            }
        }
    };

    fs::write(corpus.join("a.txt"), card_text("alpha")).expect("written");
    let change = next_change("a new file");
    assert_eq!(change.delta.upserts.len(), 1);
    assert!(change.delta.forget.is_empty());

    fs::write(corpus.join("a.txt"), card_text("alpha, longer")).expect("rewritten");
    let change = next_change("a changed file");
    assert_eq!(change.delta.upserts.len(), 1);
    assert_eq!(change.delta.forget.len(), 1);

    // Rewritten within one tick of the file system's clock: the same modification time, only
    // the size tells (a watcher comparing times alone never saw this change).
    let a = corpus.join("a.txt");
    let mtime = fs::metadata(&a).and_then(|m| m.modified()).expect("mtime");
    fs::write(&a, card_text("alpha, longer still")).expect("rewritten");
    fs::File::options()
        .append(true)
        .open(&a)
        .and_then(|f| f.set_modified(mtime))
        .expect("mtime kept");
    let change = next_change("a file changed within one clock tick");
    assert_eq!(change.delta.upserts.len(), 1);
    assert_eq!(
        change.delta.upserts[0].title.as_deref(),
        Some("alpha, longer still")
    );

    fs::remove_file(corpus.join("a.txt")).expect("removed");
    let change = next_change("a removed file");
    assert!(change.delta.upserts.is_empty());
    assert_eq!(change.delta.forget.len(), 1);
}
