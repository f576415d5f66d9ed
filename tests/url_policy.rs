//! The URL policy over real cards: the hostile fixtures' URLs are refused, ordinary ones are
//! accepted as written, and a card built to exhaust the stack loads like any other.

use std::path::{Path, PathBuf};

use tidings::corpus::load::{self, LoadOptions};
use tidings::corpus::url::{link_key, may_open};
use tidings::corpus::{Card, CardIx, Corpus, ExtrasAt};

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

fn load(paths: &[PathBuf]) -> load::Loaded {
    let (files, walk) = load::discover(paths).expect("fixture paths exist");
    assert!(walk.is_empty(), "{walk:?}");
    load::load_all(&files, &LoadOptions::default())
}

/// Every URL of a card and of its related entries (read again from its file), images aside
/// (they are never opened).
fn urls(corpus: &Corpus, ix: CardIx, card: &Card) -> Vec<String> {
    let mut all: Vec<String> = card.urls.iter().map(|(_, u)| u.to_string()).collect();
    let extras = match corpus.extras(ix) {
        Some(Ok(extras)) => extras,
        other => panic!("{}: {other:?}", card.path.display()),
    };
    for related in &extras.related {
        all.extend(related.urls.iter().map(|(_, u)| u.to_string()));
    }
    all
}

fn file_name(card: &Card) -> String {
    card.path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn no_url_of_the_bad_urls_card_may_be_opened_and_the_others_open_as_written() {
    let loaded = load(&[fixtures("hostile"), fixtures("seeds")]);
    let mut refused = 0;
    for (ix, card) in loaded.corpus.cards().iter() {
        let hostile = file_name(card) == "bad_urls.txt";
        // Flagged as it loaded, so `check` reads again only such files.
        let flagged = matches!(card.extras, ExtrasAt::File { refused_url: true });
        assert_eq!(flagged, hostile, "{}", card.path.display());
        for url in urls(&loaded.corpus, ix, card) {
            if hostile {
                assert!(may_open(&url).is_err(), "{url:?} may be opened");
                refused += 1;
            } else {
                assert_eq!(may_open(&url), Ok(url.as_str()));
            }
        }
    }
    assert_eq!(refused, 9, "every hostile URL of bad_urls.txt was checked");
}

#[test]
fn the_safe_articles_urls_name_one_article() {
    let loaded = load(&[fixtures("hostile")]);
    let (_, card) = loaded
        .corpus
        .cards()
        .iter()
        .find(|(_, c)| file_name(c) == "safe_article.txt")
        .expect("safe_article.txt loads");
    let keys: Vec<Option<String>> = card.urls.iter().map(|(_, u)| link_key(&u)).collect();
    assert_eq!(keys.len(), 4);
    assert!(
        keys.iter()
            .all(|k| k.as_deref() == Some("example.org/safe-article")),
        "{keys:?}"
    );
}

/// Normalising this URL for the card's id used to recurse once per prefix and abort the
/// process with a stack overflow.
#[test]
fn a_card_nesting_thousands_of_amp_cache_prefixes_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("https://{}e.com/", "x.cdn.ampproject.org/c/s/".repeat(6000));
    let card =
        format!("---\ntitle: Nested\nwebUrl: \"{url}\"\nrelated:\n  - webUrl: \"{url}\"\n---\n");
    std::fs::write(dir.path().join("nested.txt"), card).expect("write card");

    let loaded = load(&[dir.path().to_path_buf()]);

    assert_eq!(loaded.corpus.len(), 1);
    assert_eq!(link_key(&url), None);
    assert_eq!(may_open(&url), Ok(url.as_str()));
}
