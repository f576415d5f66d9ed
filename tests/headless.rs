//! The headless commands end to end, through the built binary: `search` in every format and
//! exit status, `show` in every format, what reaches stdout from hostile cards, and that
//! `search` lists the same cards in the same order as the reader's filter.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use clap::Parser;
use serde_json::Value;

use tidings::action::Action;
use tidings::app::{Effect, Msg, Options, State, update};
use tidings::corpus::load::{self, LoadOptions};
use tidings::search::syntax::{Clock, parse};
use tidings::search::worker::FilterResult;

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

fn tidings() -> Command {
    let mut cmd = Command::cargo_bin("tidings").expect("the tidings binary is built");
    cmd.env("TZ", "UTC");
    // The tests' reading state and cache, away from the user's own.
    cmd.env("TIDINGS_STATE", test_state());
    cmd.env(tidings::library::cache::ENV_DIR, test_caches());
    cmd
}

/// The tests' cache folder, emptied once per run: a cache a build of another format left
/// there would add its notice to stderr.
fn test_caches() -> &'static Path {
    static CACHES: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    CACHES.get_or_init(|| {
        let caches = Path::new(env!("CARGO_TARGET_TMPDIR")).join("headless-cache");
        let _ = std::fs::remove_dir_all(&caches);
        caches
    })
}

fn test_state() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("headless-state.db")
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
        .cards()
        .iter()
        .map(|(ix, c)| {
            let mut value = serde_json::to_value(c).expect("cards serialise");
            // Loaded from disk, a card leaves its images and related entries in its file.
            let extras = match loaded.corpus.extras(ix) {
                Some(Ok(extras)) => serde_json::to_value(&*extras).expect("extras serialise"),
                other => panic!("{}: {other:?}", c.path.display()),
            };
            for key in ["images", "related"] {
                value[key] = extras[key].clone();
            }
            (c.path.to_string_lossy().into_owned(), value)
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

/// A missing value is `—` in the tables a person reads, as in the reader; the machine formats
/// keep their null.
#[test]
fn missing_values_are_one_mark_in_tables_and_null_in_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("000_00000000000000ab.txt"),
        "---\ntitle: \"Nothing else known\"\nheat: -1\n---\n",
    )
    .expect("write card");
    let path = path_str(dir.path());
    let table = run_ok(&["search", "", path, "-f", "table"]);
    let row = table.lines().nth(1).expect("a row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells[3..7],
        ["—", "—", "—", "—"],
        "provider, date, quality, heat: {row}"
    );
    let md = run_ok(&["search", "", path, "-f", "md"]);
    assert!(md.contains("| — | — | — | — |"), "{md}");
    let json = run_ok(&["search", "", path, "-f", "jsonl"]);
    let card: Value = serde_json::from_str(json.trim()).expect("JSON");
    assert!(
        card["quality"].is_null() && card["publishedDateTime"].is_null(),
        "{json}"
    );
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
fn urls_are_only_openable_ones() {
    // bad_urls.txt has no http(s) URL that may be opened; the others each have one.
    let stdout = run_ok(&["search", "", path_str(&fixtures("hostile")), "-f", "urls"]);
    let urls: Vec<&str> = stdout.lines().collect();
    assert_eq!(urls.len(), 3, "{stdout}");
    assert!(urls.iter().all(|u| u.starts_with("https://")));
    assert!(urls.contains(&"https://example.org/safe-article"));
}

fn card_text(title: &str, url: &str) -> String {
    format!("---\ntitle: \"{title}\"\nwebUrl: \"{url}\"\n---\n")
}

/// A name the gate would change is never printed changed: `a\nb.txt` printed as `a b.txt`, or
/// `ESC]0;x BEL c.txt` as `c.txt`, would make `| xargs rm` remove another file.
#[cfg(unix)]
#[test]
fn paths_print_exactly_or_not_at_all() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let names = [
        "a\nb.txt",
        "\u{1b}]0;x\u{7}c.txt",
        "c.txt",
        "plain name.txt",
    ];
    for (i, name) in names.iter().enumerate() {
        let url = format!("https://a.example/{i}");
        std::fs::write(dir.path().join(name), card_text("A card", &url)).expect("write card");
    }
    let (code, stdout, stderr) = run(&["search", "", path_str(dir.path()), "-f", "paths"]);
    assert_eq!(code, 0, "{stderr}");
    let printed: Vec<&str> = std::str::from_utf8(&stdout)
        .expect("UTF-8")
        .lines()
        .collect();
    let expected: Vec<String> = ["c.txt", "plain name.txt"]
        .iter()
        .map(|n| path_str(&dir.path().join(n)).to_string())
        .collect();
    assert_eq!(printed, expected);
    assert!(
        stderr.contains("2 paths left out") && stderr.contains("-0"),
        "{stderr}"
    );

    for flag in ["-0", "--print0"] {
        let (code, stdout, stderr) =
            run(&["search", "", path_str(dir.path()), "-f", "paths", flag]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
        let mut printed: Vec<&[u8]> = stdout.split(|b| *b == 0).collect();
        assert_eq!(printed.pop(), Some(&b""[..]), "every path ends with a NUL");
        let mut expected: Vec<Vec<u8>> = names
            .iter()
            .map(|n| dir.path().join(n).as_os_str().as_bytes().to_vec())
            .collect();
        expected.sort();
        let mut printed: Vec<Vec<u8>> = printed.into_iter().map(<[u8]>::to_vec).collect();
        printed.sort();
        assert_eq!(printed, expected);
    }
}

#[test]
fn urls_print_exactly_or_not_at_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hidden = "https://a.example/\u{202e}fdp.exe";
    std::fs::write(
        dir.path().join("000_00000000000000a1.txt"),
        card_text("One", hidden),
    )
    .expect("write card");
    std::fs::write(
        dir.path().join("001_00000000000000a2.txt"),
        card_text("Two", "https://a.example/two"),
    )
    .expect("write card");
    let (code, stdout, stderr) = run(&["search", "", path_str(dir.path()), "-f", "urls"]);
    assert_eq!(code, 0);
    // The hidden one is a URL `o` refuses (invisible characters): it has nothing to print.
    assert_eq!(String::from_utf8_lossy(&stdout), "https://a.example/two\n");
    assert!(stderr.is_empty(), "{stderr}");

    // A URL that `o` would refuse is never printed, not even with -0.
    let (code, stdout, _) = run(&["search", "", path_str(dir.path()), "-f", "urls", "-0"]);
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8_lossy(&stdout), "https://a.example/two\0");
}

/// On a terminal even `-0` leaves out what the gate would stop: the names are bytes a terminal
/// would act on.
#[test]
fn print0_on_a_terminal_still_keeps_escapes_off_it() {
    use tidings::commands::search::{Env, run_with};
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["\u{1b}]0;x\u{7}c.txt", "c.txt"] {
        std::fs::write(
            dir.path().join(name),
            card_text("A card", "https://a.example/c"),
        )
        .expect("write card");
    }
    let dir = path_str(dir.path());
    let cli = tidings::cli::Cli::try_parse_from([
        "tidings",
        "search",
        "",
        dir,
        "-f",
        "paths",
        "-0",
        "--no-state",
    ])
    .expect("arguments parse");
    let Some(tidings::cli::Command::Search(args)) = cli.command else {
        panic!("a search command");
    };
    let env = Env {
        is_terminal: true,
        width: 80,
        err_is_terminal: true,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run_with(&args, env, &mut out, &mut err), 0);
    assert_eq!(String::from_utf8_lossy(&out), format!("{dir}/c.txt\0"));
    let err = String::from_utf8_lossy(&err);
    assert!(
        err.contains("1 path left out") && err.contains("terminal"),
        "{err}"
    );
}

#[test]
fn print0_goes_only_with_paths_and_urls() {
    for args in [
        &["search", "x", "-0"][..],
        &["search", "x", "-0", "-f", "jsonl"],
        &["search", "x", "-0", "-f", "table"],
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("-f paths or -f urls"), "{stderr}");
    }
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
    // Without case or accents, from the first letter: `Über` with U, `🚀 Student` with S.
    let titles: Vec<String> = by_title
        .iter()
        .filter_map(|c| c["title"].as_str())
        .map(|t| {
            let folded = tidings::search::words::fold(t);
            folded
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        })
        .collect();
    assert!(titles.windows(2).all(|w| w[0] <= w[1]), "{titles:?}");
    let at = |start: &str| titles.iter().position(|t| t.starts_with(start));
    assert!(
        at("uber") > at("teenage") && at("uber") < at("wind"),
        "{titles:?}"
    );
    assert!(
        at("student") > at("sodium") && at("student") < at("teenage"),
        "{titles:?}"
    );

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
fn no_match_says_so_when_a_person_watches_stderr() {
    use tidings::commands::search::{Env, run_with};
    let cli = tidings::cli::Cli::try_parse_from(["tidings", "search", "zzqqxxjj", "--no-state"])
        .expect("arguments parse");
    let Some(tidings::cli::Command::Search(args)) = cli.command else {
        panic!("a search command");
    };
    for (err_is_terminal, message) in [(true, "tidings: no matches\n"), (false, "")] {
        let env = Env {
            is_terminal: true,
            width: 80,
            err_is_terminal,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run_with(&args, env, &mut out, &mut err), 1);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&err), message);
    }
}

/// `show` takes the ids a table prints, so a narrow table keeps them and drops other columns.
#[test]
fn a_narrow_table_keeps_the_ids_show_needs() {
    use tidings::commands::search::{Env, run_with};
    let cli =
        tidings::cli::Cli::try_parse_from(["tidings", "search", "e", "-f", "table", "--no-state"])
            .expect("arguments parse");
    let Some(tidings::cli::Command::Search(args)) = cli.command else {
        panic!("a search command");
    };
    for width in [60, 40, 24] {
        let env = Env {
            is_terminal: true,
            width,
            err_is_terminal: false,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run_with(&args, env, &mut out, &mut err), 0);
        let table = String::from_utf8(out).expect("UTF-8");
        let mut lines = table.lines();
        let header = lines.next().expect("a header");
        assert!(header.ends_with("ID"), "{width}: {header}");
        let mut rows = 0;
        for line in lines {
            assert!(tidings::text::width(line) <= width, "{line}");
            let id = line.rsplit(' ').next().expect("an id");
            assert!(
                id.len() >= 8 && id.bytes().all(|b| b.is_ascii_hexdigit()),
                "{line}"
            );
            if rows < 2 {
                let shown = run_ok(&["show", id, "-f", "json"]);
                let card: Value = serde_json::from_str(&shown).expect("JSON");
                assert!(card["id"].as_str().is_some_and(|full| full.starts_with(id)));
            }
            rows += 1;
        }
        assert!(rows > 2, "{table}");
    }
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

#[test]
fn max_size_takes_units_up_to_a_ceiling() {
    let dir = tempfile::tempdir().expect("temp dir");
    let excerpt = "word ".repeat(600);
    std::fs::write(
        dir.path().join("000_00000000000000d1.txt"),
        format!("---\ntitle: big\nexcerpt: \"{excerpt}\"\n---\n"),
    )
    .expect("write card");
    let dir = path_str(dir.path());
    for (size, status) in [
        ("2k", 1),
        ("4k", 0),
        ("4KiB", 0),
        ("1m", 0),
        ("4000", 0),
        ("1G", 0),
    ] {
        let (code, _, stderr) = run(&["check", dir, "--max-size", size]);
        assert_eq!(code, status, "{size}: {stderr}");
    }
    for bad in [
        "18446744073709551615",
        "2G",
        "1025M",
        "12X",
        "1.5M",
        "-1",
        "",
    ] {
        let (code, stdout, stderr) = run(&["check", dir, &format!("--max-size={bad}")]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("--max-size"), "{bad}: {stderr}");
    }
    let (code, _, stderr) = run(&["search", "x", "--max-size", "2G"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("largest size allowed, 1G"), "{stderr}");
}

/// What the folder walk cannot read is not a skipped file: `skipped` never exceeds `files`.
#[cfg(unix)]
#[test]
fn check_counts_folders_and_entries_apart_from_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("nowhere", dir.path().join("gone.txt")).expect("a broken link");
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("a folder");
    std::fs::write(
        locked.join("000_00000000000000e1.txt"),
        card_text("In", "https://a.example/e"),
    )
    .expect("write card");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads any folder: then only the broken link is unreadable.
    let locked_out = std::fs::read_dir(&locked).is_err();
    // Links inside folders are looked at only when followed.
    let (code, stdout, stderr) = run(&["check", "-L", "--json", path_str(dir.path())]);
    let (text_code, text, _) = run(&["check", "-L", path_str(dir.path())]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(text_code, 1);
    let report: Value = serde_json::from_slice(&stdout).expect("JSON");
    let files = if locked_out { 0 } else { 1 };
    assert_eq!(report["files"], files, "{report}");
    assert_eq!(report["skipped"], 0, "{report}");
    assert_eq!(report["folders_skipped"], u64::from(locked_out), "{report}");
    assert_eq!(report["entries_skipped"], 1, "{report}");
    let summary = String::from_utf8_lossy(&text);
    let last = summary.lines().last().expect("a summary");
    let expected = if locked_out {
        "0 cards loaded from 0 files, 0 skipped, 0 warnings; could not read 1 folder and 1 other entry"
    } else {
        "1 card loaded from 1 file, 0 skipped, 0 warnings; could not read 1 other entry"
    };
    assert_eq!(last, expected);
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
    // There is no `o` outside the reader: no mark says what it opens.
    assert!(!text.contains("o opens"));
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
    // Its related entry, read from the file given, points outside (there is no corpus).
    let related = card["related"].as_array().expect("related entries");
    assert_eq!(related.len(), 1, "{json}");
    assert!(related[0]["title"].is_string() && related[0]["id"].is_null());
    let text = run_ok(&["show", path_str(&seed)]);
    assert!(text.lines().any(|l| l == "heat      unknown"), "{text}");
    assert!(text.lines().any(|l| l == "related 1"), "{text}");

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
        "abc",
        "9c2f78830c4c02fcc",
        "+c2f78830c4c02fc",
        "9c2f 7883",
    ] {
        let (code, stdout, stderr) = run(&["show", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("neither a card file nor a card id"),
            "{stderr}"
        );
    }
    let (code, _, stderr) = run(&["show", "ffff"]);
    assert_eq!(code, 1);
    assert_eq!(stderr.trim(), "tidings: no card with id ffff");

    let (code, stdout, stderr) = run(&["show", path_str(&fixtures("bad/empty.txt"))]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("empty file"), "{stderr}");
}

#[test]
fn show_takes_a_unique_id_prefix() {
    let whole = run_ok(&["show", "9c2f78830c4c02fc"]);
    assert_eq!(run_ok(&["show", "9c2f"]), whole);
    assert_eq!(run_ok(&["show", "9C2F7883"]), whole);
    let json = run_ok(&["show", "9c2f78830c4c02f", "-f", "json"]);
    let card: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(card["id"], "9c2f78830c4c02fc");
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates_through_the_gate() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("000_abcd000000000001.txt"),
        card_text(
            "First \\u001b]0;pwned\\u0007story \\u202etxt",
            "https://a.example/1",
        ),
    )
    .expect("write card");
    std::fs::write(
        dir.path().join("001_abcd000000000002.txt"),
        card_text("Second story", "https://a.example/2"),
    )
    .expect("write card");
    for prefix in ["abcd", "ABCD00000000000"] {
        let (code, stdout, stderr) = run(&["show", prefix, path_str(dir.path())]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("names 2 cards"), "{stderr}");
        assert!(
            stderr.contains("  abcd000000000001  First story txt\n"),
            "{stderr}"
        );
        assert!(
            stderr.contains("  abcd000000000002  Second story\n"),
            "{stderr}"
        );
        assert_terminal_safe("ambiguous id", stderr.as_bytes());
    }
    let text = run_ok(&["show", "abcd000000000002", path_str(dir.path())]);
    assert!(text.starts_with("Second story"), "{text}");
}

/// Piped, `show` wraps nothing, so a URL can be copied and grepped whole.
#[test]
fn show_in_a_pipe_keeps_urls_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "https://news.example.com/{}article.html?id=1234567890",
        "a-long-path-segment/".repeat(8)
    );
    let file = dir.path().join("000_00000000000000c1.txt");
    std::fs::write(&file, card_text("A card with a long URL", &url)).expect("write card");
    let text = run_ok(&["show", path_str(&file)]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("web") && l.ends_with(&url)),
        "{text}"
    );
}

// ----- errors writing the output -----

/// Every command that prints, with what it needs to print something.
const PRINTERS: [&[&str]; 10] = [
    &["search", ""],
    &["search", "", "-f", "table"],
    &["search", "", "-f", "paths", "-0"],
    &["show", "9c2f78830c4c02fc"],
    &["show", "9c2f78830c4c02fc", "-f", "json"],
    &["check"],
    &["check", "--json"],
    &["completions", "bash"],
    &["completions", "zsh"],
    &["man"],
];

/// Runs the binary with stdout going to `stdout`; returns (status, stderr).
fn run_into(args: &[&str], stdout: impl Into<std::process::Stdio>) -> (i32, String) {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tidings"))
        .args(args)
        .env("TZ", "UTC")
        .env("TIDINGS_STATE", test_state())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("tidings runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_an_error() {
    for args in PRINTERS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let (code, stderr) = run_into(args, full);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("tidings: cannot write the output: ") && stderr.lines().count() == 1,
            "{args:?}: {stderr}"
        );
    }
}

/// A reader that has gone away (`| head`) had all it wanted: no message, the usual status.
#[test]
fn a_closed_pipe_is_quiet_for_every_command() {
    for args in PRINTERS {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let (code, stderr) = run_into(args, writer);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
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
    let (files, _) =
        tidings::commands::files_for(&[], &LoadOptions::default()).expect("the demo corpus");
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
    let clock = Clock {
        now: state.now,
        zone: state.zone.clone(),
    };
    assert_eq!(Ok(&query), parse(query_text, &clock).as_ref());
    let found =
        tidings::search::worker::search_once(&query, state.corpus.cards(), state.corpus.epoch())
            .map(Arc::new);
    let epoch = state.corpus.epoch();
    update(
        &mut state,
        Msg::Filtered(FilterResult {
            covered: usize::MAX,
            generation,
            found,
            epoch,
        }),
    );
    update(&mut state, Msg::User(Action::QueryAccept));
    for _ in 0..cycles {
        update(&mut state, Msg::User(Action::CycleSort));
    }
    state
        .list
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
        .env("TIDINGS_STATE", test_state())
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
