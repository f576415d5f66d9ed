//! The reading state through the built binary: `mark`, `state export|import|path`, the
//! `read`, `starred` and `firstSeen` fields of `search` and `show`, `@name` in queries,
//! `--no-state`, and a damaged state file.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const A: &str = "9c2f78830c4c02fc";
const B: &str = "9c2f000000000001";
const C: &str = "23b2046b44903d5b";

/// A folder of three cards, and a state file beside it.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let cards = dir.path().join("cards");
        std::fs::create_dir(&cards).expect("cards folder");
        for (n, id, title, provider) in [
            (0, A, "Rust ships a release", "bbc"),
            (1, B, "Rust in the kernel", "lwn"),
            (2, C, "Gardening in winter", "bbc"),
        ] {
            std::fs::write(
                cards.join(format!("{n:03}_{id}.txt")),
                format!(
                    "---\ntitle: {title}\nwebUrl: https://{provider}.example/{id}\n\
                     provider:\n  name: {provider}\n  domain: {provider}.example\n---\n"
                ),
            )
            .expect("card");
        }
        Setup { dir }
    }

    fn cards(&self) -> String {
        self.dir.path().join("cards").to_string_lossy().into_owned()
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state.db")
    }

    /// tidings with this setup's state file (by `TIDINGS_STATE`).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("tidings")
            .expect("the tidings binary")
            .args(args)
            .env("TIDINGS_STATE", self.state())
            .env("TZ", "UTC")
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .expect("tidings runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        stdout
    }

    /// `search` as JSON lines, by id.
    fn cards_json(&self, extra: &[&str]) -> Vec<Value> {
        let cards = self.cards();
        let mut args = vec!["search", "", &cards, "-f", "jsonl", "--sort", "title"];
        args.extend(extra);
        self.ok(&args)
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect()
    }

    fn card(&self, id: &str) -> Value {
        self.cards_json(&[])
            .into_iter()
            .find(|c| c["id"] == id)
            .expect("card listed")
    }
}

#[test]
fn mark_by_id_and_prefix_shows_in_search_and_show() {
    let s = Setup::new();
    let cards = s.cards();
    // Before any mark: unread, unstarred, and seen from the first command on.
    let before = s.card(A);
    assert_eq!(
        (before["read"].clone(), before["starred"].clone()),
        (false.into(), false.into())
    );
    let first_seen = before["firstSeen"].as_str().expect("firstSeen").to_string();
    assert!(first_seen.ends_with('Z'), "{first_seen}");

    assert_eq!(
        s.ok(&["mark", "read", "--id", "9c2f7", "--id", C, &cards]),
        "marked 2 cards read\n"
    );
    assert_eq!(
        s.ok(&["mark", "read", "--id", A, &cards]),
        "marked 1 card read (1 already were)\n"
    );
    s.ok(&["mark", "star", "--id", C, &cards]);
    s.ok(&["mark", "unread", "--id", C, &cards]);
    let (a, b, c) = (s.card(A), s.card(B), s.card(C));
    assert_eq!(a["read"], true);
    assert_eq!(b["read"], false);
    assert_eq!(
        (c["read"].clone(), c["starred"].clone()),
        (false.into(), true.into())
    );
    assert_eq!(a["firstSeen"], first_seen.as_str(), "first seen stays");

    let shown: Value =
        serde_json::from_str(&s.ok(&["show", C, &cards, "-f", "json"])).expect("JSON");
    assert_eq!(shown["starred"], true);
    assert_eq!(shown["read"], false);
    assert_eq!(shown["firstSeen"], first_seen.as_str());
    s.ok(&["mark", "unstar", "--id", C, &cards]);
    assert_eq!(s.card(C)["starred"], false);
}

#[test]
fn mark_by_query_and_by_saved_search() {
    let s = Setup::new();
    let cards = s.cards();
    assert_eq!(
        s.ok(&["mark", "star", "--query", "provider:bbc", &cards]),
        "marked 2 cards starred\n"
    );
    assert_eq!(s.card(A)["starred"], true);
    assert_eq!(s.card(B)["starred"], false);

    // A saved search, brought in by import, stands for its query wherever `@name` is typed.
    let import = s.dir.path().join("searches.jsonl");
    std::fs::write(
        &import,
        "{\"kind\":\"search\",\"name\":\"rusty\",\"query\":\"title:rust\",\
         \"created\":\"2024-01-01T00:00:00Z\",\"updated\":\"2024-01-01T00:00:00Z\"}\n",
    )
    .expect("write");
    s.ok(&["state", "import", &import.to_string_lossy()]);
    s.ok(&["mark", "read", "--query", "@rusty !kernel", &cards]);
    assert_eq!(s.card(A)["read"], true);
    assert_eq!(s.card(B)["read"], false);
    let found: Vec<Value> = s.cards_json(&[]).into_iter().collect();
    assert_eq!(found.len(), 3);
    let hits = s.ok(&["search", "@rusty", &cards, "-f", "paths"]);
    assert_eq!(hits.lines().count(), 2, "{hits}");

    let (code, _, stderr) = s.run(&["search", "@nope", &cards]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no saved search named @nope"), "{stderr}");
    let (code, _, _) = s.run(&["mark", "read", "--query", "zzzzqqq", &cards]);
    assert_eq!(code, 1, "nothing matched");
}

#[test]
fn ids_that_name_no_card_or_several_are_refused() {
    let s = Setup::new();
    let cards = s.cards();
    let (code, _, stderr) = s.run(&["mark", "read", "--id", "ffff", &cards]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no card with id ffff"), "{stderr}");
    let (code, _, stderr) = s.run(&["mark", "read", "--id", "9c2f", &cards]);
    assert_eq!(code, 2);
    assert!(stderr.contains("names 2 cards"), "{stderr}");
    let (code, _, _) = s.run(&["mark", "read", &cards]);
    assert_eq!(code, 2, "--id or --query is required");
    let (code, _, _) = s.run(&["mark", "read", "--id", A, "--query", "x", &cards]);
    assert_eq!(code, 2, "not both");
    // Nothing was marked by any of them.
    assert!(s.cards_json(&[]).iter().all(|c| c["read"] == false));
}

#[test]
fn no_state_reads_and_writes_nothing() {
    let s = Setup::new();
    let cards = s.cards();
    let json = s.cards_json(&["--no-state"]);
    for card in &json {
        for key in ["read", "starred", "firstSeen"] {
            assert!(card[key].is_null(), "{key}: {card}");
        }
    }
    let (code, _, stderr) = s.run(&["mark", "read", "--id", A, &cards, "--no-state"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--no-state"), "{stderr}");
    let (code, _, stderr) = s.run(&["search", "@x", &cards, "--no-state"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--no-state"), "{stderr}");
    s.ok(&["check", &cards, "--no-state"]);
    assert!(!s.state().exists(), "--no-state created the state file");
    let (code, _, _) = s.run(&["search", "", &cards, "--no-state", "--state", "x.db"]);
    assert_eq!(code, 2, "--state and --no-state conflict");
}

#[test]
fn export_then_import_moves_state_between_files() {
    let s = Setup::new();
    let cards = s.cards();
    s.ok(&["mark", "read", "--id", A, &cards]);
    s.ok(&["mark", "star", "--id", B, &cards]);
    let exported = s.ok(&["state", "export"]);
    let lines: Vec<Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "{exported}");
    let a = lines.iter().find(|l| l["id"] == A).expect("A exported");
    assert_eq!(a["kind"], "mark");
    assert_eq!(a["read"], true);
    assert!(a["readAt"].is_string() && a["firstSeen"].is_string());
    assert!(a["starredAt"].is_null());

    let file = s.dir.path().join("backup.jsonl");
    std::fs::write(&file, &exported).expect("write");
    let other = s.dir.path().join("other.db");
    let other_arg = other.to_string_lossy().into_owned();
    let file_arg = file.to_string_lossy().into_owned();
    assert_eq!(
        s.ok(&["state", "import", &file_arg, "--state", &other_arg]),
        "imported 3 marks, 0 saved searches, 0 history entries\n"
    );
    assert_eq!(s.ok(&["state", "export", "--state", &other_arg]), exported);
    assert_eq!(
        s.ok(&["state", "path", "--state", &other_arg]).trim_end(),
        other_arg
    );
    assert_eq!(
        s.ok(&["state", "path"]).trim_end(),
        s.state().to_string_lossy()
    );

    // A file with one bad line imports nothing.
    let bad = s.dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        format!("{exported}{{\"kind\":\"mark\",\"id\":\"xyz\"}}\n"),
    )
    .expect("write");
    let fresh = s.dir.path().join("fresh.db");
    let fresh_arg = fresh.to_string_lossy().into_owned();
    let (code, _, stderr) = s.run(&[
        "state",
        "import",
        &bad.to_string_lossy(),
        "--state",
        &fresh_arg,
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":4:") && stderr.contains("nothing imported"),
        "{stderr}"
    );
    assert_eq!(s.ok(&["state", "export", "--state", &fresh_arg]), "");
}

#[test]
fn a_damaged_state_file_is_named_kept_and_the_commands_go_on() {
    let s = Setup::new();
    let cards = s.cards();
    let garbage = b"not a database at all\n".repeat(300);
    std::fs::write(s.state(), &garbage).expect("write");
    let (code, stdout, stderr) = s.run(&["search", "", &cards, "-f", "jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3);
    assert!(
        stderr.contains("damaged") && stderr.contains("not saved"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "said once: {stderr}");
    let card: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert!(card["read"].is_null(), "unknown, not false: {card}");

    let (code, _, stderr) = s.run(&["mark", "read", "--id", A, &cards]);
    assert_eq!(code, 2);
    assert!(stderr.contains("damaged"), "{stderr}");
    let (code, _, _) = s.run(&["state", "export"]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read(s.state()).expect("read"), garbage);
}

#[test]
fn check_records_first_sightings_too() {
    let s = Setup::new();
    s.ok(&["check", &s.cards()]);
    let exported = s.ok(&["state", "export"]);
    assert_eq!(exported.lines().count(), 3, "{exported}");
    assert!(exported.lines().all(|l| l.contains("\"firstSeen\":\"")));
    assert!(Path::new(&s.state()).exists());
}
