//! The headless commands end to end, through the built binary: `search` in every format and
//! exit status, `show` in every format, what reaches stdout from hostile cards, and that
//! `search` lists the same cards in the same order as the reader's filter.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;

use tidings::action::Action;
use tidings::app::{Effect, Msg, Options, State, update};
use tidings::corpus::load::{self, LoadOptions};
use tidings::search::{query, rank, worker::FilterResult};

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

fn tidings() -> Command {
    let mut cmd = Command::cargo_bin("tidings").expect("the tidings binary is built");
    cmd.env("TZ", "UTC");
    cmd
}

/// Runs tidings; returns (status, stdout, stderr).
fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = tidings().args(args).output().expect("tidings runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    String::from_utf8(stdout).expect("stdout is UTF-8")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("fixture paths are UTF-8")
}

/// No human format may print a character the text gate stops (it asks the gate's own
/// predicate): nothing a terminal acts on or that disguises text.
fn assert_terminal_safe(what: &str, out: &[u8]) {
    assert!(!out.contains(&0x1b), "{what}: raw ESC in {out:?}");
    let text = String::from_utf8(out.to_vec()).expect("output is UTF-8");
    if !tidings::text::is_clean(&text) {
        let c = text
            .chars()
            .find(|c| *c != '\n' && tidings::text::is_gated(*c))
            .unwrap_or('?');
        panic!("{what}: U+{:04X} in output:\n{text}", u32::from(c));
    }
}

fn jsonl_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is JSON");
            v["id"].as_str().expect("id is a string").to_string()
        })
        .collect()
}

// ----- formats -----

const HUMAN_SEARCH: [&str; 5] = ["table", "csv", "md", "paths", "urls"];

#[test]
fn every_human_format_keeps_hostile_text_off_the_terminal() {
    let all = fixtures("");
    for format in HUMAN_SEARCH {
        let (code, stdout, stderr) = run(&["search", "", path_str(&all), "-f", format]);
        assert_eq!(code, 0, "{format}: {stderr}");
        assert!(!stdout.is_empty(), "{format}");
        assert_terminal_safe(format, &stdout);
    }
    for entry in std::fs::read_dir(fixtures("hostile")).expect("hostile fixtures") {
        let file = entry.expect("a fixture").path();
        for format in ["text", "md"] {
            let (code, stdout, stderr) = run(&["show", path_str(&file), "-f", format]);
            assert_eq!(code, 0, "{}: {stderr}", file.display());
            assert_terminal_safe(&format!("show {format} {}", file.display()), &stdout);
        }
    }
}

#[test]
fn json_is_terminal_safe_too_but_exact() {
    let hostile = fixtures("hostile");
    let (code, stdout, _) = run(&["search", "", path_str(&hostile), "-f", "json"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains(&0x1b));
    let text = String::from_utf8(stdout).expect("UTF-8");
    assert!(!text.contains(['\u{9b}', '\u{202e}', '\u{200b}']));
    let cards: Vec<Value> = serde_json::from_str(&text).expect("one JSON array");
    let osc = cards
        .iter()
        .find(|c| {
            c["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("osc_and_clear.txt"))
        })
        .expect("the OSC card");
    assert_eq!(
        osc["title"],
        "\u{1b}]0;pwned\u{7}Markets rally as chipmakers report record quarter"
    );
    assert_eq!(
        osc["provider"]["name"],
        "Hostile Fixtures \u{1b}[31mRed\u{1b}[0m Wire"
    );
    let bidi = cards
        .iter()
        .find(|c| {
            c["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("bidi_zero_width.txt"))
        })
        .expect("the bidi card");
    assert_eq!(bidi["provider"]["name"], "Science Daily \u{202e}txt.exe");
    assert_eq!(
        bidi["related"][0]["title"],
        "CSI injection \u{9b}2J via C1 control and DEL\u{7f}\u{7f} characters"
    );
}

/// Every FORMAT.md field of every card, as printed, equals the card as parsed.
#[test]
fn json_round_trips_every_field_exactly() {
    let dirs = [fixtures("hostile"), fixtures("seeds"), fixtures("bad")];
    let (files, _) = load::discover(&dirs).expect("fixtures exist");
    let loaded = load::load_all(&files, &LoadOptions::default());
    let by_path: HashMap<String, Value> = loaded
        .corpus
        .cards
        .iter()
        .map(|(_, c)| {
            (
                c.path.to_string_lossy().into_owned(),
                serde_json::to_value(c).expect("cards serialise"),
            )
        })
        .collect();
    let args: Vec<&str> = ["search", "", "-f", "jsonl"]
        .into_iter()
        .chain(dirs.iter().map(|d| path_str(d)))
        .collect();
    let stdout = run_ok(&args);
    let printed: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(printed.len(), by_path.len());
    let fields = [
        "category",
        "title",
        "excerpt",
        "publishedDateTime",
        "originalUrl",
        "webUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "type",
        "quality",
        "heat",
        "published",
        "provider",
        "topics",
        "images",
        "secured",
        "body",
        "id",
        "path",
    ];
    for card in &printed {
        let path = card["path"].as_str().expect("path");
        let parsed = &by_path[path];
        for field in fields {
            assert!(card.get(field).is_some(), "{path}: no key {field}");
            assert_eq!(card[field], parsed[field], "{path}: {field}");
        }
        let related = card["related"].as_array().expect("related is a list");
        let parsed_related = parsed["related"].as_array().expect("related");
        assert_eq!(related.len(), parsed_related.len(), "{path}");
        for (mine, theirs) in related.iter().zip(parsed_related) {
            let mut mine = mine.clone();
            let id = mine
                .as_object_mut()
                .and_then(|o| o.remove("id"))
                .expect("related entries carry an id key");
            assert!(id.is_null() || id.as_str().is_some_and(|s| s.len() == 16));
            assert_eq!(&mine, theirs, "{path}");
        }
        assert!(card["backlinks"].is_array());
        assert!(card["score"].is_i64());
    }
}

#[test]
fn json_resolves_links_and_backlinks() {
    let stdout = run_ok(&["show", "9c2f78830c4c02fc", "-f", "json"]);
    let card: Value = serde_json::from_str(&stdout).expect("one JSON object");
    let ids: Vec<&Value> = card["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(ids[0], "23b2046b44903d5b");
    assert!(ids[1].is_null());
    let backlinks = card["backlinks"].as_array().expect("backlinks");
    assert!(backlinks.iter().any(|b| b == "23b2046b44903d5b"));
    assert!(card.get("score").is_none());
}

#[test]
fn json_and_jsonl_list_the_same_cards() {
    let json = run_ok(&["search", "climate", "-f", "json"]);
    let array: Vec<Value> = serde_json::from_str(&json).expect("array");
    let jsonl = run_ok(&["search", "climate", "-f", "jsonl"]);
    let from_array: Vec<String> = array
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(from_array, jsonl_ids(&jsonl));
    assert!(!from_array.is_empty());
}

#[test]
fn piped_output_defaults_to_jsonl() {
    let stdout = run_ok(&["search", "climate"]);
    assert!(!jsonl_ids(&stdout).is_empty());
}

#[test]
fn table_fits_100_columns_when_piped() {
    let stdout = run_ok(&["search", "", path_str(&fixtures("")), "-f", "table"]);
    let mut lines = stdout.lines();
    let header = lines.next().expect("a header");
    assert!(
        header.starts_with("TITLE") && header.ends_with("ID"),
        "{header}"
    );
    for line in stdout.lines() {
        assert!(tidings::text::width(line) <= 100, "{line}");
    }
    assert!(stdout.contains('…'), "long titles are cut with an ellipsis");
}

#[test]
fn csv_has_a_header_quotes_and_defuses_formulas() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("000_00000000000000aa.txt"),
        "---\ntitle: \"=HYPERLINK(\\\"https://evil.example\\\", \\\"x\\\")\"\nprovider:\n  name: \"A, B and \\\"C\\\"\"\n---\n",
    )
    .expect("write card");
    let stdout = run_ok(&["search", "", path_str(dir.path()), "-f", "csv"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "id,score,title,provider,domain,publishedDateTime,quality,heat,topics,url,path"
    );
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].starts_with(
            "00000000000000aa,0,\"'=HYPERLINK(\"\"https://evil.example\"\", \"\"x\"\")\",\"A, B and \"\"C\"\"\","
        ),
        "{}",
        lines[1]
    );
}

#[test]
fn markdown_is_a_table_with_links_and_escaped_pipes() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("000_00000000000000bb.txt"),
        "---\ntitle: \"Pipes | and [brackets]\"\nwebUrl: \"https://a.example/x\"\n---\n",
    )
    .expect("write card");
    let stdout = run_ok(&["search", "", path_str(dir.path()), "-f", "md"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("| Title |"));
    assert!(lines[1].starts_with("|---"));
    assert!(
        lines[2].starts_with("| [Pipes \\| and \\[brackets\\]](https://a.example/x) |"),
        "{}",
        lines[2]
    );
}

#[test]
fn paths_keep_one_card_per_line_and_urls_only_openable_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "evil\n\u{1b}[31mname.txt";
    std::fs::write(
        dir.path().join(name),
        "---\ntitle: A card in a badly named file\nwebUrl: \"https://a.example/ok\"\n---\n",
    )
    .expect("write card");
    let stdout = run_ok(&["search", "", path_str(dir.path()), "-f", "paths"]);
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert_terminal_safe("paths", stdout.as_bytes());

    // bad_urls.txt has no http(s) URL that may be opened; the others each have one.
    let stdout = run_ok(&["search", "", path_str(&fixtures("hostile")), "-f", "urls"]);
    let urls: Vec<&str> = stdout.lines().collect();
    assert_eq!(urls.len(), 3, "{stdout}");
    assert!(urls.iter().all(|u| u.starts_with("https://")));
    assert!(urls.contains(&"https://example.org/safe-article"));
}

// ----- ordering options -----

fn demo_cards(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.extend(["-f", "jsonl"]);
    run_ok(&all)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn limit_reverse_and_sort() {
    let all = demo_cards(&[""]);
    assert!(all.len() > 10);
    let limited = demo_cards(&["", "--limit", "3"]);
    assert_eq!(limited, all[..3].to_vec());

    let by_date = demo_cards(&["", "--sort", "date"]);
    let dates: Vec<&str> = by_date
        .iter()
        .filter_map(|c| c["publishedDateTime"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    let mut reversed = demo_cards(&["", "--sort", "date", "--reverse"]);
    reversed.reverse();
    assert_eq!(reversed, by_date);
    let oldest = demo_cards(&["", "--sort", "date", "--reverse", "-n", "2"]);
    assert_eq!(oldest.len(), 2);
    assert_eq!(oldest[0], by_date[by_date.len() - 1]);

    let by_quality = demo_cards(&["", "--sort", "quality"]);
    let qualities: Vec<i64> = by_quality
        .iter()
        .filter_map(|c| c["quality"].as_i64())
        .collect();
    assert!(qualities.windows(2).all(|w| w[0] >= w[1]), "{qualities:?}");

    let by_title = demo_cards(&["", "--sort", "title"]);
    let titles: Vec<String> = by_title
        .iter()
        .filter_map(|c| c["title"].as_str().map(str::to_lowercase))
        .collect();
    assert!(titles.windows(2).all(|w| w[0] <= w[1]), "{titles:?}");

    let ranked = demo_cards(&["climate"]);
    let scores: Vec<i64> = ranked.iter().filter_map(|c| c["score"].as_i64()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

// ----- exit statuses -----

#[test]
fn no_match_exits_1_with_nothing_on_stdout() {
    for format in ["table", "jsonl", "csv", "md", "paths", "urls"] {
        let (code, stdout, stderr) = run(&["search", "zzqqxxjj", "-f", format]);
        assert_eq!(code, 1, "{format}");
        assert!(stdout.is_empty(), "{format}: {stdout:?}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
    let (code, stdout, _) = run(&["search", "zzqqxxjj", "-f", "json"]);
    assert_eq!(code, 1);
    assert_eq!(String::from_utf8_lossy(&stdout).trim(), "[]");
}

#[test]
fn a_bad_query_exits_2_and_says_where() {
    let (code, stdout, stderr) = run(&["search", "climate \"open"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("tidings: query error at column 9: "),
        "{stderr}"
    );
    assert_eq!(lines[1], "  climate \"open");
    assert_eq!(lines[2], "          ^");
}

#[test]
fn a_missing_path_exits_2_in_one_line() {
    let (code, stdout, stderr) = run(&["search", "x", "/no/such/folder"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/no/such/folder"));
    let (code, _, stderr) = run(&["show", "9c2f78830c4c02fc", "/no/such/folder"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = run(&["search"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["search", "x", "--format", "yaml"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["search", "x", "--sort", "colour"]);
    assert_eq!(code, 2);
}

#[test]
fn diagnostics_go_to_stderr_and_only_with_verbose() {
    let bad = fixtures("bad");
    let (code, stdout, stderr) = run(&["search", "", path_str(&bad), "-f", "table"]);
    assert_eq!(code, 0);
    assert!(stderr.is_empty(), "{stderr}");
    let stdout = String::from_utf8(stdout).expect("UTF-8");
    assert!(
        !stdout.contains("error:") && !stdout.contains("empty.txt"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run(&["search", "", path_str(&bad), "--verbose"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("empty.txt:1:1: error: empty file"),
        "{stderr}"
    );
    assert!(stderr.contains("yaml_syntax.txt:15:"), "{stderr}");
    let stdout = String::from_utf8(stdout).expect("UTF-8");
    assert!(!stdout.contains("error:"));
    for line in stdout.lines() {
        serde_json::from_str::<Value>(line).expect("stdout holds only JSON lines");
    }
}

// ----- check -----

#[test]
fn check_json_escapes_like_every_other_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "000_\u{9b}31m\u{202e}txt.exe.txt";
    std::fs::write(
        dir.path().join(name),
        "---\ntitle: ok\nquality: \"\\x9b2J\\u202Ex\\U000E0041\"\n---\n",
    )
    .expect("write card");
    let (code, stdout, stderr) = run(&["check", "--json", path_str(dir.path())]);
    assert_eq!(code, 0, "{stderr}");
    let text = String::from_utf8(stdout).expect("UTF-8");
    assert!(
        !text.contains(['\u{9b}', '\u{202e}', '\u{e0041}']),
        "raw in {text:?}"
    );
    assert!(
        text.contains("\\u009b") && text.contains("\\udb40\\udc41"),
        "{text}"
    );
    let report: Value = serde_json::from_str(&text).expect("JSON");
    let diagnostic = &report["diagnostics"][0];
    assert!(
        diagnostic["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(name)),
        "{report}"
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .is_some_and(|m| m.contains("\u{9b}2J\u{202e}x\u{e0041}")),
        "{report}"
    );
}

// ----- show -----

#[test]
fn show_by_id_in_every_format() {
    let text = run_ok(&["show", "9c2f78830c4c02fc"]);
    let first = text.lines().next().expect("a title");
    assert_eq!(
        first,
        "Startup unveils low-power inference chip aimed at hearing aids"
    );
    for label in [
        "provider",
        "category",
        "date",
        "quality",
        "heat",
        "published",
        "topics",
        "secured",
        "id",
        "file",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(label)),
            "no {label}:\n{text}"
        );
    }
    assert!(text.contains("→ o opens"));
    assert!(text.contains("related 3 · cited by"));
    assert!(text.contains("● in") && text.contains("↗ out") && text.contains("← by"));
    assert!(text.contains("id 23b2046b44903d5b"));

    let md = run_ok(&["show", "9c2f78830c4c02fc", "-f", "md"]);
    assert!(md.starts_with("# [Startup unveils"), "{md}");
    assert!(md.contains("## Related"));

    let json = run_ok(&["show", "9C2F78830C4C02FC", "-f", "json"]);
    let card: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(card["id"], "9c2f78830c4c02fc");
}

#[test]
fn show_a_file_alone_or_against_a_corpus() {
    let seed = fixtures("seeds/004_7e8f824abe713a45.txt");
    let json = run_ok(&["show", path_str(&seed), "-f", "json"]);
    let card: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(card["id"], "7e8f824abe713a45");
    assert_eq!(card["heat"], -1);
    assert!(card["related"][0]["id"].is_null());
    let text = run_ok(&["show", path_str(&seed)]);
    assert!(text.lines().any(|l| l == "heat      unknown"), "{text}");

    // Linked against the folder it is in: the same card, found there.
    let json = run_ok(&[
        "show",
        path_str(&seed),
        path_str(&fixtures("seeds")),
        "-f",
        "json",
    ]);
    let card: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(card["id"], "7e8f824abe713a45");
}

#[test]
fn show_statuses() {
    let (code, stdout, stderr) = run(&["show", "0000000000000000"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(stderr.trim(), "tidings: no card with id 0000000000000000");

    for bad in [
        "xyz",
        "9c2f78830c4c02f",
        "9c2f78830c4c02fcc",
        "+c2f78830c4c02fc",
    ] {
        let (code, stdout, _) = run(&["show", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(stdout.is_empty());
    }

    let (code, stdout, stderr) = run(&["show", path_str(&fixtures("bad/empty.txt"))]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("empty file"), "{stderr}");
}

#[test]
fn completions_and_man_page() {
    let bash = run_ok(&["completions", "bash"]);
    assert!(bash.contains("tidings") && bash.contains("search"));
    let man = run_ok(&["man"]);
    assert!(man.contains(".TH"), "{man}");
}

// ----- the same order as the reader -----

/// Ids of the reader's list after typing `query` into the filter, with the filter's answer
/// computed the way the worker computes it, and after cycling the sort `cycles` times.
fn reader_ids(query_text: &str, cycles: usize) -> Vec<String> {
    let now = jiff::Timestamp::now();
    let (mut state, _) = State::new(120, 40, now, Options::default());
    let (files, _) = tidings::commands::files_for(&[]).expect("the demo corpus");
    let mut msgs = Vec::new();
    load::stream(&files, &LoadOptions::default(), |event| {
        msgs.push(Msg::from(event));
        true
    });
    for msg in msgs {
        update(&mut state, msg);
    }
    update(&mut state, Msg::User(Action::StartQuery));
    let mut last = None;
    for c in query_text.chars() {
        for effect in update(&mut state, Msg::User(Action::QueryInsert(c))) {
            if let Effect::Filter { generation, query } = effect {
                last = Some((generation, query));
            }
        }
    }
    let (generation, query) = last.expect("the query asked for a filter");
    assert_eq!(Ok(&query), query::parse(query_text).as_ref());
    let hits = rank::rank(&state.corpus.cards, &query, None);
    let total = state.corpus.len();
    update(
        &mut state,
        Msg::Filtered(FilterResult {
            generation,
            hits: Arc::new(hits),
            total,
        }),
    );
    update(&mut state, Msg::User(Action::QueryAccept));
    for _ in 0..cycles {
        update(&mut state, Msg::User(Action::CycleSort));
    }
    state
        .view
        .iter()
        .filter_map(|ix| state.corpus.get(*ix).map(|c| c.id.to_string()))
        .collect()
}

const QUERIES: [&str; 10] = [
    "ai",
    "climate",
    "'space",
    "^the",
    "!ai",
    "provider:rhein",
    "topic:health",
    "energy !provider:meridian",
    "\"machine learning\"",
    "e",
];

#[test]
fn search_lists_what_the_reader_lists_in_the_same_order() {
    for q in QUERIES {
        let reader = reader_ids(q, 0);
        let (code, stdout, stderr) = run(&["search", q, "-f", "jsonl"]);
        let search = jsonl_ids(&String::from_utf8_lossy(&stdout));
        assert_eq!(search, reader, "{q}: {stderr}");
        assert_eq!(code, if reader.is_empty() { 1 } else { 0 }, "{q}");
    }
    assert!(
        QUERIES
            .iter()
            .filter(|q| !reader_ids(q, 0).is_empty())
            .count()
            >= 6,
        "most queries match something in the demo corpus"
    );
}

#[test]
fn search_sorts_like_the_reader_sorts() {
    // The reader's `s` cycles relevance -> date -> quality -> heat -> title -> provider.
    for (cycles, sort) in [
        (1, "date"),
        (2, "quality"),
        (3, "heat"),
        (4, "title"),
        (5, "provider"),
    ] {
        for q in ["e", "climate"] {
            let reader = reader_ids(q, cycles);
            let stdout = run_ok(&["search", q, "--sort", sort, "-f", "jsonl"]);
            assert_eq!(jsonl_ids(&stdout), reader, "{q} --sort {sort}");
        }
    }
}

#[test]
fn a_closed_pipe_stops_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..3000 {
        std::fs::write(
            dir.path().join(format!("{i:05}.txt")),
            format!("---\ntitle: Card number {i} with a title long enough to fill the pipe\nwebUrl: \"https://a.example/{i}\"\n---\n"),
        )
        .expect("write card");
    }
    let bin = assert_cmd::cargo::cargo_bin("tidings");
    let mut child = std::process::Command::new(bin)
        .args(["search", "", path_str(dir.path()), "-f", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tidings starts");
    let mut first = [0u8; 100];
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The read end is dropped here, like `| head -c 100`.
    let out = child.wait_with_output().expect("tidings ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}
