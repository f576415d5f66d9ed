//! Loader tests over fixture folders: the real seeds field by field, one bad file per failure
//! kind, and the demo corpus.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tidings::corpus::load::{self, LoadEvent, LoadOptions};
use tidings::corpus::{
    Card, CardId, Diagnostic, Extras, ExtrasAt, Image, Prose, Provider, Secured, Severity, UrlKind,
};

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

fn card_named<'a>(loaded: &'a load::Loaded, name: &str) -> &'a Card {
    loaded
        .corpus
        .cards()
        .iter()
        .map(|(_, c)| c)
        .find(|c| c.path.file_name().is_some_and(|n| n == name))
        .unwrap_or_else(|| panic!("{name} not loaded"))
}

/// The images and related entries of the card from file `name`, read again from the file (a
/// card loaded from disk leaves them there).
fn extras_named(loaded: &load::Loaded, name: &str) -> Arc<Extras> {
    let (ix, card) = loaded
        .corpus
        .cards()
        .iter()
        .find(|(_, c)| c.path.file_name().is_some_and(|n| n == name))
        .unwrap_or_else(|| panic!("{name} not loaded"));
    assert!(matches!(card.extras, ExtrasAt::File { .. }), "{name}");
    match loaded.corpus.extras(ix) {
        Some(Ok(extras)) => extras,
        other => panic!("{name}: {other:?}"),
    }
}

fn time(s: &str) -> Option<jiff::Timestamp> {
    Some(s.parse().expect("test timestamp"))
}

fn shared(s: &str) -> Option<Arc<str>> {
    Some(Arc::from(s))
}

#[test]
fn seed_000_loads_every_field() {
    let loaded = load(&[fixtures("seeds")]);
    assert_eq!(loaded.diagnostics, Vec::<Diagnostic>::new());
    assert_eq!(loaded.corpus.len(), 2);
    let c = card_named(&loaded, "000_f18be6a7170f6cf1.txt");
    let extras = extras_named(&loaded, "000_f18be6a7170f6cf1.txt");
    assert_eq!(c.id, CardId(0xf18be6a7170f6cf1));
    assert_eq!(c.category.as_deref(), Some("news"));
    assert_eq!(
        c.title.as_deref(),
        Some("Application of Machine Learning in Lupus Research Advancement")
    );
    assert_eq!(
        c.excerpt().as_deref(),
        Some(
            "A new study published in Lupus Science & Medicine discusses how machine learning (ML) \
             opens new possibilities for studying lupus disease, from building predictive models, \
             identifying new biomarkers, and developing techniques for understanding disease ..."
        )
    );
    assert_eq!(c.published_date_time, time("2024-03-08T00:00:00Z"));
    let url =
        "https://www.lupus.org/news/application-of-machine-learning-in-lupus-research-advancement";
    assert_eq!(c.urls.original_url.as_deref(), Some(url));
    assert_eq!(c.urls.web_url.as_deref(), Some(url));
    assert_eq!(c.urls.get(UrlKind::Amp), None);
    assert_eq!(c.urls.get(UrlKind::CdnAmp), None);
    assert_eq!(c.kind.as_deref(), Some("article"));
    assert_eq!(c.quality, Some(39));
    assert_eq!(c.heat, Some(39));
    assert_eq!(c.heat_known(), Some(39));
    assert_eq!(c.published, Some(false));
    assert_eq!(
        c.provider,
        Some(Provider {
            name: shared("Lupus Foundation of America"),
            domain: shared("lupus.org"),
        })
    );
    let topics: Vec<&str> = c.topics.iter().map(|t| &**t).collect();
    assert_eq!(topics, ["Machine Learning", "AI"]);
    assert_eq!(
        &*extras.images,
        &[Image {
            url: Some("https://www.lupus.org/sites/default/files/styles/og_image/public/media/images/Inside%20Lupus%20Research%20%28ILR%29%20Basic%20Science.JPG".into()),
            width: Some(1200),
            height: Some(630),
            is_cached: Some(true),
        }]
    );
    assert_eq!(extras.related.len(), 1);
    let r = &extras.related[0];
    assert_eq!(
        r.title.as_deref(),
        Some(
            "Chinese Researchers on the Brink of Developing 'Real AI Scientists' Capable of Conducting Experiments, Solving Scientific Problems"
        )
    );
    assert_eq!(
        r.excerpt.as_deref(),
        Some(
            "Chinese researchers are on the brink of pioneering a groundbreaking approach to \
             developing 'AI scientists capable of conducting experiments and solving scientific \
             problems. Recent advances in deep learning models have revolutionized scientific \
             research ..."
        )
    );
    assert_eq!(r.published_date_time, time("2024-03-10T09:03:00Z"));
    assert_eq!(
        r.urls.web_url.as_deref(),
        Some(
            "https://www.techtimes.com/articles/302436/20240310/chinese-researchers-brink-developing-real-ai-scientists-capable-conducting-experiments.htm"
        )
    );
    assert_eq!(
        r.urls.get(UrlKind::Amp).as_deref(),
        Some(
            "https://www.techtimes.com/amp/articles/302436/20240310/chinese-researchers-brink-developing-real-ai-scientists-capable-conducting-experiments.htm"
        )
    );
    assert_eq!(
        r.urls.get(UrlKind::CdnAmp).as_deref(),
        Some(
            "https://www-techtimes-com.cdn.ampproject.org/c/s/www.techtimes.com/amp/articles/302436/20240310/chinese-researchers-brink-developing-real-ai-scientists-capable-conducting-experiments.htm"
        )
    );
    assert_eq!(r.urls.original_url, None);
    assert_eq!(r.kind.as_deref(), Some("article"));
    assert_eq!(
        r.provider,
        Some(Provider {
            name: shared("techtimes"),
            domain: shared("techtimes.com"),
        })
    );
    assert_eq!(r.quality, Some(29));
    assert_eq!(
        &*r.images,
        &[Image {
            url: Some("https://1734811051.rsc.cdn77.org/data/images/full/444543/2022-world-robot-conference.jpg".into()),
            width: Some(1024),
            height: Some(683),
            is_cached: Some(true),
        }]
    );
    // The payload is 364 base64 characters, `;`, and a 24-character IV.
    assert_eq!(c.secured, Some(Secured { length: 389 }));
    assert_eq!(c.body(), None);
    // Neither seed's related entry is in this two-card corpus.
    assert_eq!(loaded.corpus.targets(0), &[None]);
}

#[test]
fn seed_004_loads_every_field() {
    let loaded = load(&[fixtures("seeds")]);
    let c = card_named(&loaded, "004_7e8f824abe713a45.txt");
    let extras = extras_named(&loaded, "004_7e8f824abe713a45.txt");
    assert_eq!(c.id.to_string(), "7e8f824abe713a45");
    assert_eq!(c.category.as_deref(), Some("news"));
    assert_eq!(
        c.title.as_deref(),
        Some(
            "New study reveals promising machine learning model for predicting critical bleeding in immune thrombocytopenia patients"
        )
    );
    assert_eq!(
        c.excerpt().as_deref(),
        Some(
            "Researchers have developed a machine learning model that shows promising results in predicting the risk of critical bleeding in patients with immune thrombocytopenia (ITP)."
        )
    );
    assert_eq!(c.published_date_time, time("2023-09-28T21:01:00Z"));
    let web = "https://medicalxpress.com/news/2023-09-reveals-machine-critical-immune-thrombocytopenia.html";
    assert_eq!(c.urls.original_url.as_deref(), Some(web));
    assert_eq!(c.urls.web_url.as_deref(), Some(web));
    assert_eq!(
        c.urls.get(UrlKind::Amp).as_deref(),
        Some(
            "https://medicalxpress.com/news/2023-09-reveals-machine-critical-immune-thrombocytopenia.amp"
        )
    );
    assert_eq!(
        c.urls.get(UrlKind::CdnAmp).as_deref(),
        Some(
            "https://medicalxpress-com.cdn.ampproject.org/c/s/medicalxpress.com/news/2023-09-reveals-machine-critical-immune-thrombocytopenia.amp"
        )
    );
    assert_eq!(c.kind.as_deref(), Some("article"));
    assert_eq!(c.quality, Some(15));
    assert_eq!(c.heat, Some(-1));
    assert_eq!(c.heat_known(), None);
    assert_eq!(c.published, Some(false));
    assert_eq!(
        c.provider,
        Some(Provider {
            name: shared("Medical Xpress"),
            domain: shared("medicalxpress.com"),
        })
    );
    let topics: Vec<&str> = c.topics.iter().map(|t| &**t).collect();
    assert_eq!(topics, ["Machine Learning", "AI"]);
    assert!(extras.images.is_empty());
    assert_eq!(extras.related.len(), 1);
    let r = &extras.related[0];
    assert_eq!(
        r.title.as_deref(),
        Some("Unlocking the code: BigRNA's deep learning model predicts RNA behavior")
    );
    assert_eq!(
        r.excerpt.as_deref(),
        Some(
            "Researchers have developed BigRNA, a groundbreaking deep learning model capable of predicting RNA behavior, including tissue-specific expression and splicing, directly from genomic DNA sequences. The model excels in identifying pathogenic variants and could be a game-changer in the development of personalized RNA-based therapies for treating genetic diseases."
        )
    );
    assert_eq!(r.published_date_time, time("2023-09-29T01:39:00Z"));
    assert_eq!(
        r.urls.web_url.as_deref(),
        Some(
            "https://www.news-medical.net/news/20230928/Unlocking-the-code-BigRNAs-deep-learning-model-predicts-RNA-behavior.aspx"
        )
    );
    assert_eq!(r.urls.get(UrlKind::Amp), None);
    assert_eq!(r.urls.get(UrlKind::CdnAmp), None);
    assert_eq!(r.kind.as_deref(), Some("article"));
    assert_eq!(
        r.provider,
        Some(Provider {
            name: shared("News Medical"),
            domain: shared("news-medical.net"),
        })
    );
    assert_eq!(r.quality, Some(39));
    assert_eq!(
        &*r.images,
        &[Image {
            url: Some("https://d2jx2rerrg6sh3.cloudfront.net/images/news/ImageForNews_760316_16959511970592861.jpg".into()),
            width: Some(2000),
            height: Some(1334),
            is_cached: Some(true),
        }]
    );
    assert_eq!(c.secured, Some(Secured { length: 389 }));
    assert_eq!(c.body(), None);
}

#[test]
fn shared_strings_are_interned_across_cards() {
    let loaded = load(&[fixtures("seeds")]);
    let a = loaded.corpus.get(0).and_then(|c| c.category.clone());
    let b = loaded.corpus.get(1).and_then(|c| c.category.clone());
    let (a, b) = (a.expect("category"), b.expect("category"));
    assert!(Arc::ptr_eq(&a, &b));
}

/// A file's own diagnostics as (line, column, severity, message), leaving out the corpus-level
/// "same id" warnings that copies of one card get (asserted on their own below).
fn diagnostics_of(loaded: &load::Loaded, name: &str) -> Vec<(usize, usize, Severity, String)> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.path.file_name().is_some_and(|n| n == name))
        .filter(|d| !d.message.starts_with("same id"))
        .map(|d| (d.line, d.column, d.severity, d.message.clone()))
        .collect()
}

fn one_error(loaded: &load::Loaded, name: &str, line: usize, column: usize, message: &str) {
    let found = diagnostics_of(loaded, name);
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    let (l, c, severity, m) = &found[0];
    assert_eq!(
        (*l, *c, *severity),
        (line, column, Severity::Error),
        "{name}: {m}"
    );
    assert!(m.contains(message), "{name}: {m:?} lacks {message:?}");
}

#[test]
fn every_bad_file_yields_its_diagnostic_and_good_cards_load_whole() {
    let loaded = load(&[fixtures("bad")]);
    one_error(&loaded, "empty.txt", 1, 1, "empty file");
    one_error(&loaded, "no_front_matter.txt", 1, 1, "no front matter");
    one_error(
        &loaded,
        "yaml_syntax.txt",
        15,
        2,
        "YAML: did not find expected key",
    );
    one_error(
        &loaded,
        "duplicate_keys.txt",
        5,
        1,
        "duplicate entry with key \"title\"",
    );
    one_error(
        &loaded,
        "not_mapping.txt",
        2,
        1,
        "front matter is a list, not a mapping",
    );
    one_error(
        &loaded,
        "invalid_utf8.bin.txt",
        3,
        33,
        "invalid UTF-8 (byte 0xFF)",
    );
    one_error(&loaded, "utf16.txt", 1, 1, "UTF-16");
    one_error(
        &loaded,
        "latin1.txt",
        3,
        61,
        "invalid UTF-8 (byte 0xE9); is the file Latin-1",
    );
    // The front matter's own mapping is the first level, so the 64th `[` is the 65th level.
    one_error(&loaded, "deep_nesting.txt", 2, 71, "nested 65 deep");
    // Rejected where the aliases so far stand for more than 10,000 values: line 7, `*c`.
    one_error(
        &loaded,
        "alias_bomb.txt",
        7,
        8,
        "refusing to expand (limit 10000)",
    );

    let wrong = diagnostics_of(&loaded, "wrong_types.txt");
    let wrong: Vec<(usize, usize, Severity, &str)> = wrong
        .iter()
        .map(|(l, c, s, m)| (*l, *c, *s, m.as_str()))
        .collect();
    assert_eq!(
        wrong,
        [
            (
                11,
                10,
                Severity::Warning,
                "quality: expected an integer, found string \"high\""
            ),
            (
                12,
                7,
                Severity::Warning,
                "heat: expected an integer, found a list"
            ),
            (
                13,
                12,
                Severity::Warning,
                "published: expected true or false, found string \"maybe\""
            ),
            (
                28,
                5,
                Severity::Warning,
                "related[0]: expected a mapping, found number 42"
            ),
        ]
    );
    let wrong = card_named(&loaded, "wrong_types.txt");
    assert_eq!(
        (wrong.quality, wrong.heat, wrong.published),
        (None, None, None)
    );
    assert_eq!(
        extras_named(&loaded, "wrong_types.txt").related.len(),
        1,
        "the good related entry still loads"
    );
    let topics: Vec<&str> = wrong.topics.iter().map(|t| &**t).collect();
    assert_eq!(topics, ["AI"], "a scalar topic is a list of one");

    let no_closing = diagnostics_of(&loaded, "no_closing.txt");
    assert_eq!(no_closing.len(), 1, "{no_closing:?}");
    assert_eq!(no_closing[0].2, Severity::Warning);
    assert!(no_closing[0].3.contains("never closed"));
    assert_eq!(
        card_named(&loaded, "no_closing.txt"),
        &Card {
            id: card_named(&loaded, "no_closing.txt").id,
            path: card_named(&loaded, "no_closing.txt").path.clone(),
            ..card_named(&loaded, "good_2.txt").clone()
        }
    );
    // The same card in two files: both load, each with an id of its own.
    assert_ne!(
        card_named(&loaded, "no_closing.txt").id,
        card_named(&loaded, "good_2.txt").id
    );

    // CRLF, a BOM and trailing spaces are no problem; a body with its own `---` is kept whole.
    for same_as_good_1 in ["crlf_bom.txt", "with_body.txt"] {
        assert!(
            diagnostics_of(&loaded, same_as_good_1).is_empty(),
            "{same_as_good_1}"
        );
        let card = card_named(&loaded, same_as_good_1);
        let good = card_named(&loaded, "good_1.txt");
        assert_eq!(
            Card {
                id: good.id,
                path: good.path.clone(),
                prose: Prose::held(card.excerpt().map(|e| e.into()), None),
                ..card.clone()
            },
            good.clone(),
            "{same_as_good_1}"
        );
        assert_eq!(
            extras_named(&loaded, same_as_good_1),
            extras_named(&loaded, "good_1.txt"),
            "{same_as_good_1}"
        );
    }
    let body = card_named(&loaded, "with_body.txt")
        .body()
        .expect("body kept");
    assert!(body.contains("\n---\n"), "{body}");
    assert!(body.starts_with('#'), "{body}");

    assert!(diagnostics_of(&loaded, "good_1.txt").is_empty());
    assert!(diagnostics_of(&loaded, "good_2.txt").is_empty());
    assert_eq!(loaded.skipped, 10);
    // Four files are copies of good_1.txt (same URL, no content id in the name): one article
    // loaded several times is worth a warning naming the first copy.
    let same_id: Vec<&Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("same id"))
        .collect();
    assert_eq!(same_id.len(), 4, "{same_id:?}");
    assert!(same_id.iter().all(|d| d.severity == Severity::Warning));
    assert_eq!(loaded.corpus.len(), 6);
}

#[test]
fn a_file_over_the_size_cap_is_skipped_and_the_rest_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.txt");
    let mut text = String::from("---\ntitle: big\nexcerpt: \"");
    text.push_str(&"x".repeat(1 << 20));
    text.push_str("\"\n---\n");
    std::fs::write(&big, text).expect("write");
    std::fs::copy(
        fixtures("seeds/000_f18be6a7170f6cf1.txt"),
        dir.path().join("000_f18be6a7170f6cf1.txt"),
    )
    .expect("copy");
    let loaded = load(&[dir.path().to_path_buf()]);
    one_error(&loaded, "big.txt", 1, 1, "over the 1048576-byte size cap");
    assert_eq!(loaded.corpus.len(), 1);

    let (files, _) = load::discover(&[dir.path().to_path_buf()]).expect("exists");
    let larger_cap = LoadOptions {
        size_cap: 2 << 20,
        ..LoadOptions::default()
    };
    let larger_cap = load::load_all(&files, &larger_cap);
    assert_eq!(larger_cap.corpus.len(), 2);
}

#[test]
fn folders_walk_recursively_skip_hidden_and_survive_symlink_loops() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = fixtures("seeds/000_f18be6a7170f6cf1.txt");
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).expect("mkdir");
    std::fs::create_dir_all(dir.path().join(".hidden")).expect("mkdir");
    std::fs::copy(&seed, nested.join("000_f18be6a7170f6cf1.md")).expect("copy");
    std::fs::copy(&seed, dir.path().join(".hidden/001_0000000000000001.txt")).expect("copy");
    std::fs::copy(&seed, dir.path().join("notes.json")).expect("copy");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), nested.join("loop")).expect("symlink");
    let loaded = load(&[dir.path().to_path_buf()]);
    assert_eq!(loaded.corpus.len(), 1, "{:?}", loaded.diagnostics);
    assert!(loaded.diagnostics.is_empty());
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let err = load::discover(&[PathBuf::from("/no/such/tidings/path")]).expect_err("missing");
    assert_eq!(
        err.to_string(),
        "/no/such/tidings/path: no such file or folder"
    );
}

#[test]
fn streaming_reports_progress_and_keeps_a_deterministic_order() {
    let (files, _) = load::discover(&[fixtures("bad"), fixtures("seeds")]).expect("exist");
    let mut events = Vec::new();
    load::stream(&files, &LoadOptions::default(), |e| {
        events.push(e);
        true
    });
    let Some(LoadEvent::Done { progress, .. }) = events.last() else {
        panic!("no Done event");
    };
    assert_eq!(progress.files_done, files.len());
    assert_eq!(progress.files_total, files.len());
    assert_eq!(progress.bytes_done, progress.bytes_total);
    assert!(progress.bytes_total > 100_000);

    let order = |loaded: &load::Loaded| -> Vec<PathBuf> {
        loaded
            .corpus
            .cards()
            .iter()
            .map(|(_, c)| c.path.to_path_buf())
            .collect()
    };
    let first = load::load_all(&files, &LoadOptions::default());
    let second = load::load_all(&files, &LoadOptions::default());
    assert_eq!(order(&first), order(&second));
    let mut sorted = order(&first);
    sorted.sort();
    assert_eq!(order(&first), sorted, "folders are walked in name order");
}

#[test]
fn the_demo_corpus_loads_clean_and_links_inside_itself() {
    let files = tidings::corpus::demo::files();
    assert!(files.len() >= 30, "{}", files.len());
    let loaded = load::load_all(&files, &LoadOptions::default());
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.corpus.len(), files.len());
    let corpus = &loaded.corpus;
    let inside: usize = corpus
        .cards()
        .iter()
        .map(|(ix, _)| corpus.targets(ix).iter().flatten().count())
        .sum();
    let outside: usize = corpus
        .cards()
        .iter()
        .map(|(ix, _)| corpus.targets(ix).iter().filter(|t| t.is_none()).count())
        .sum();
    assert!(inside >= 15, "links inside the demo corpus: {inside}");
    assert!(outside >= 5, "links outside: {outside}");
    let with_backlinks = corpus
        .cards()
        .iter()
        .filter(|(ix, _)| !corpus.backlinks(*ix).is_empty())
        .count();
    assert!(with_backlinks >= 10, "{with_backlinks}");
    // Every demo card has a content id in its file name, so ids do not depend on the folder.
    for (_, card) in corpus.cards().iter() {
        assert_eq!(
            Some(card.id),
            tidings::corpus::id::from_file_name(&card.path)
        );
    }
}

/// A card loaded from a folder leaves its images and related entries in its file: its links
/// are made all the same, and they are read again when asked for, or the reason they cannot be.
#[test]
fn extras_stay_in_the_file_and_are_read_again_when_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let card = |url: &str, related: &str| {
        format!(
            "---\ntitle: A card\nwebUrl: \"{url}\"\nimages:\n  - url: \"https://img.example/1.jpg\"\n    width: 800\nrelated:\n  - title: Its entry\n    webUrl: \"{related}\"\n---\n"
        )
    };
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, card("https://news.example/a", "https://news.example/b")).expect("write");
    std::fs::write(
        &b,
        card("https://news.example/b", "https://elsewhere.example/x"),
    )
    .expect("write");
    let loaded = load(&[dir.path().to_path_buf()]);
    let corpus = &loaded.corpus;
    let ix_of = |name: &str| {
        corpus
            .cards()
            .iter()
            .find(|(_, c)| c.path.file_name().is_some_and(|n| n == name))
            .map(|(ix, _)| ix)
            .expect("loaded")
    };
    let (ix_a, ix_b) = (ix_of("a.txt"), ix_of("b.txt"));
    assert!(matches!(
        corpus.get(ix_a).map(|c| &c.extras),
        Some(ExtrasAt::File { refused_url: false })
    ));
    // Linked without reading the files again.
    assert_eq!(corpus.targets(ix_a), [Some(ix_b)]);
    assert_eq!(corpus.backlinks(ix_b), [ix_a]);

    let extras = extras_named(&loaded, "a.txt");
    assert_eq!(extras.related[0].title.as_deref(), Some("Its entry"));
    assert_eq!(extras.images[0].width, Some(800));

    // The file now holds another article: its entries are not shown as this card's.
    std::fs::write(
        &b,
        card("https://news.example/other", "https://x.example/y"),
    )
    .expect("write");
    let changed = corpus.extras(ix_b).expect("a live card");
    assert!(
        changed.as_ref().is_err_and(|why| why.contains("changed")),
        "{changed:?}"
    );
    // Gone: the reason, not a panic or an empty list passed off as the card's.
    std::fs::remove_file(&a).expect("remove");
    let a_again = corpus.extras(ix_a).expect("a live card");
    // Read once already: kept, so a card's panes drawn again do not read it again.
    assert_eq!(a_again.as_ref().ok(), Some(&extras));
    let fresh = load::load_all(&[], &LoadOptions::default()).corpus;
    assert!(fresh.extras(0).is_none(), "no card, no extras");
}

/// A file gone before its extras were ever read: the reason, for the detail pane to show.
#[test]
fn extras_of_a_file_gone_are_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gone.txt");
    std::fs::write(
        &path,
        "---\ntitle: Soon gone\nwebUrl: \"https://news.example/gone\"\n---\n",
    )
    .expect("write");
    let loaded = load(&[dir.path().to_path_buf()]);
    std::fs::remove_file(&path).expect("remove");
    let (ix, _) = loaded.corpus.cards().iter().next().expect("one card");
    let read = loaded.corpus.extras(ix).expect("a live card");
    assert!(read.is_err(), "{read:?}");
}
