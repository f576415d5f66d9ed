//! The corpus generator (`examples/gen_corpus.rs`) in its three modes: the same seed and size
//! give the same bytes; the classic mode's output has not changed; realistic text has Zipf word
//! frequencies and a vocabulary that grows with the corpus; the hostile corpus has every entry
//! its manifest promises.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use gen_corpus::{Args, Mode};

/// What one entry of a generated folder is, read without following links or opening FIFOs.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
    Other,
}

/// Every entry under `dir` by relative path, sorted.
fn tree(dir: &Path) -> Vec<(PathBuf, Node)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            let kind = std::fs::symlink_metadata(&path)
                .expect("metadata")
                .file_type();
            let node = if kind.is_dir() {
                stack.push(path.clone());
                Node::Dir
            } else if kind.is_file() {
                Node::File(std::fs::read(&path).expect("read"))
            } else if kind.is_symlink() {
                Node::Link(std::fs::read_link(&path).expect("read_link"))
            } else {
                Node::Other
            };
            let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
            out.push((rel, node));
        }
    }
    out.sort();
    out
}

/// FNV-1a over every (path, bytes) of the regular files in order: a corpus's fingerprint.
fn fingerprint(tree: &[(PathBuf, Node)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (path, node) in tree {
        if let Node::File(bytes) = node {
            eat(path.to_string_lossy().as_bytes());
            eat(&[0]);
            eat(bytes);
            eat(&[0]);
        }
    }
    h
}

fn generate(mode: Mode, n: u64, seed: u64) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let args = Args {
        dir: tmp.path().to_path_buf(),
        n,
        seed,
        mode,
    };
    gen_corpus::write_corpus(&args).expect("generated");
    tmp
}

/// The card files' texts.
fn cards(tree: &[(PathBuf, Node)]) -> Vec<String> {
    tree.iter()
        .filter_map(|(_, node)| match node {
            Node::File(bytes) => Some(String::from_utf8(bytes.clone()).expect("UTF-8 card")),
            _ => None,
        })
        .collect()
}

/// The value of `key: "..."` at the top of a card, unescaped enough for counting words.
fn field<'a>(card: &'a str, key: &str) -> &'a str {
    let prefix = format!("\n{key}: \"");
    card.find(&prefix)
        .map(|at| {
            let rest = &card[at + prefix.len()..];
            rest.split('\n').next().unwrap_or("").trim_end_matches('"')
        })
        .unwrap_or("")
}

/// Lowercase words of the titles and excerpts (what a search reads), with how many times each
/// appears and in how many cards.
fn word_counts(cards: &[String]) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut tokens: HashMap<String, usize> = HashMap::new();
    let mut in_cards: HashMap<String, usize> = HashMap::new();
    for card in cards {
        let text = format!("{} {}", field(card, "title"), field(card, "excerpt"));
        let mut seen = HashSet::new();
        for w in text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
        {
            let w = w.to_lowercase();
            *tokens.entry(w.clone()).or_default() += 1;
            if seen.insert(w.clone()) {
                *in_cards.entry(w).or_default() += 1;
            }
        }
    }
    (tokens, in_cards)
}

#[test]
fn classic_mode_output_is_unchanged() {
    let tmp = generate(Mode::Classic, 1001, 42);
    let all = tree(tmp.path());
    assert_eq!(cards(&all).len(), 1001);
    // Fingerprint of the classic generator's output before the realistic and hostile modes.
    assert_eq!(fingerprint(&all), 0x80dd_609b_9b34_b033);
}

#[test]
fn modes_are_chosen_on_the_command_line() {
    let parse = |args: &[&str]| gen_corpus::parse_args(args.iter().map(OsString::from));
    let mode = |args: &[&str]| parse(args).expect("parses").expect("not help").mode;
    assert_eq!(mode(&["d", "5"]), Mode::Classic);
    assert_eq!(mode(&["d", "5", "--realistic"]), Mode::Realistic);
    assert_eq!(mode(&["--hostile", "d", "5", "--seed", "3"]), Mode::Hostile);
    assert!(parse(&["d", "5", "--realistic", "--hostile"]).is_err());
    assert!(parse(&["d", "5", "--realist"]).is_err());
}

#[test]
fn realistic_corpus_is_deterministic() {
    let a = tree(generate(Mode::Realistic, 300, 42).path());
    let b = tree(generate(Mode::Realistic, 300, 42).path());
    let c = tree(generate(Mode::Realistic, 300, 43).path());
    assert_eq!(cards(&a).len(), 300);
    assert!(a == b, "same seed and N, different corpora");
    assert_ne!(fingerprint(&a), fingerprint(&c), "the seed changes nothing");
}

#[test]
fn realistic_words_follow_zipf_and_the_vocabulary_grows() {
    let small = cards(&tree(generate(Mode::Realistic, 100, 42).path()));
    let large = cards(&tree(generate(Mode::Realistic, 1000, 42).path()));
    let (small_tokens, _) = word_counts(&small);
    let (tokens, in_cards) = word_counts(&large);
    assert!(
        tokens.len() > 4 * small_tokens.len(),
        "distinct words: {} in 100 cards, {} in 1000",
        small_tokens.len(),
        tokens.len()
    );
    let mut counts: Vec<usize> = tokens.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    assert!(counts.len() > 1000, "{} distinct words", counts.len());
    assert!(
        counts[0] > 50 * counts[999],
        "top word {} times, 1000th {} times",
        counts[0],
        counts[999]
    );
    // A mid-frequency word is in a few cards, not a third of them as in the classic mode.
    let mid = in_cards.get("telescope").copied().unwrap_or(0);
    assert!(mid < large.len() / 20, "telescope in {mid} cards");
}

#[test]
fn realistic_stories_share_their_keywords() {
    let n = 1000;
    let generator = gen_corpus::realistic::Gen::new(42, n);
    let (surname, subject, size) = generator.biggest_story().expect("stories");
    assert!(size >= 20, "the biggest story has {size} cards");
    let all = cards(&tree(generate(Mode::Realistic, n, 42).path()));
    let name = subject.split(' ').next().expect("subject name");
    let with = |word: &str| {
        all.iter()
            .filter(|c| field(c, "title").contains(word) || field(c, "excerpt").contains(word))
            .count()
    };
    assert!(
        with(surname) + with(name) >= size,
        "{surname} / {subject}: {} and {} cards of {size}",
        with(surname),
        with(name)
    );
}

#[test]
fn realistic_cards_load_without_a_problem() {
    let tmp = generate(Mode::Realistic, 300, 7);
    let out = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("check")
        .arg(tmp.path())
        .arg("--no-state")
        .output()
        .expect("tidings runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hostile_corpus_is_deterministic_and_complete() {
    let a = generate(Mode::Hostile, 5, 42);
    let b = generate(Mode::Hostile, 5, 42);
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert!(ta == tb, "same N, different hostile corpora");

    let get = |rel: &str| {
        ta.iter()
            .find(|(p, _)| p == Path::new(rel))
            .map(|(_, node)| node)
    };
    let manifest = match get("MANIFEST.md") {
        Some(Node::File(bytes)) => String::from_utf8(bytes.clone()).expect("UTF-8"),
        other => panic!("MANIFEST.md: {other:?}"),
    };
    // Every top-level entry is listed, by its escaped name.
    for (path, _) in ta.iter().filter(|(p, _)| p.components().count() == 1) {
        let shown = format!("{:?}", path.as_os_str());
        let shown = shown.trim_matches('"');
        assert!(
            manifest.contains(shown),
            "{shown} missing from the manifest"
        );
    }

    let depth = ta
        .iter()
        .filter(|(p, _)| p.starts_with("deep"))
        .map(|(p, _)| p.components().count())
        .max()
        .unwrap_or(0);
    assert_eq!(
        depth,
        1 + gen_corpus::hostile::DEPTH + 1,
        "deep/ + folders + card"
    );
    match get("wrong_topics.txt") {
        Some(Node::File(bytes)) => {
            let text = String::from_utf8_lossy(bytes);
            let topics = text.lines().filter(|l| l.starts_with("  - ")).count();
            assert_eq!(topics, gen_corpus::hostile::WRONG_TOPICS);
        }
        other => panic!("wrong_topics.txt: {other:?}"),
    }
    match get("nuls.txt") {
        Some(Node::File(bytes)) => assert!(!bytes.is_empty() && bytes.iter().all(|b| *b == 0)),
        other => panic!("nuls.txt: {other:?}"),
    }
    match get("stray_quote_nesting.txt") {
        Some(Node::File(bytes)) => {
            assert!(bytes.starts_with(b"---\ntitle: a \"b[[[["));
            assert!(bytes.iter().filter(|b| **b == b'[').count() >= 50 * 1024);
        }
        other => panic!("stray_quote_nesting.txt: {other:?}"),
    }
    let cards = ta
        .iter()
        .filter(|(p, _)| p.starts_with("cards") && p.extension().is_some())
        .count();
    assert_eq!(cards, 5, "the ordinary cards");
    #[cfg(unix)]
    {
        assert_eq!(get("links/root"), Some(&Node::Link(PathBuf::from("/"))));
        assert_eq!(get("links/up"), Some(&Node::Link(PathBuf::from(".."))));
        assert!(get("new\nline.txt").is_some());
        assert!(get("\u{1b}[31mred\u{1b}]0;pwned\u{7}.txt").is_some());
    }
    #[cfg(all(unix, not(target_vendor = "apple")))]
    assert_eq!(get("fifo.txt"), Some(&Node::Other));
}
