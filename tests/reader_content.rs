//! What the reader shows of a card's content: Markdown bodies rendered with roles and through
//! the text gate, related entries outside the corpus shown in the detail pane, the load
//! problems leading to their cards, and `tidings check` warning about URLs `o` would refuse.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use tidings::action::Action;
use tidings::app::{self, Msg, Options, Overlay, Pane, RelatedItem, State};
use tidings::config::{Theme, ThemeName};
use tidings::corpus::intern::Interner;
use tidings::corpus::load::Progress;
use tidings::corpus::parse::parse_card;
use tidings::corpus::{Card, Diagnostic, Severity};
use tidings::text;
use tidings::view::detail::{self, Look};
use tidings::view::{Role, Row};

fn now() -> Timestamp {
    "2026-11-23T12:00:00Z".parse().expect("time")
}

/// A card from a few YAML lines and a body; `n` makes its file name, id and URL unique.
fn card_with_body(n: u64, fields: &str, body: &str) -> Card {
    let text = format!("---\nwebUrl: \"https://news.example/{n}\"\n{fields}\n---\n{body}");
    let name = format!("{n:03}_{n:016x}.txt");
    let parsed = parse_card(
        text.as_bytes(),
        &Path::new(&name).into(),
        Path::new(&name),
        &Interner::default(),
    );
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed.card.expect("a card")
}

fn card(n: u64, fields: &str) -> Card {
    card_with_body(n, fields, "")
}

fn loaded(width: u16, height: u16, cards: Vec<Card>, diagnostics: Vec<Diagnostic>) -> State {
    let (mut state, _) = State::new(width, height, now(), Options::default());
    let n = cards.len();
    app::update(
        &mut state,
        Msg::Loaded {
            cards: cards.into(),
            diagnostics,
            progress: Progress {
                files_done: n,
                files_total: n,
                ..Progress::default()
            },
        },
    );
    app::update(&mut state, Msg::LoadDone);
    state
}

fn user(state: &mut State, action: Action) {
    app::update(state, Msg::User(action));
}

fn look() -> Look {
    Look {
        now: now(),
        zone: TimeZone::UTC,
        mark_opens: true,
        lit: None,
    }
}

/// Rows with each segment that is not plain text marked `[Role:text]`.
fn marked(rows: &[Row]) -> String {
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for s in &row.0 {
            match s.role {
                Role::Plain => line.push_str(&s.text),
                role => line.push_str(&format!("[{role:?}:{}]", s.text)),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The detail of a card made in memory (its extras held).
fn detail_rows(card: &Card, width: usize) -> Vec<Row> {
    let extras = card.held_extras().cloned().unwrap_or_default();
    detail::rows(card, &Ok(std::sync::Arc::new(extras)), width, &look())
}

/// The body's rows of the detail: what follows the `── body ──` rule.
fn body_rows(card: &Card, width: usize) -> Vec<Row> {
    let rows = detail_rows(card, width);
    let at = rows
        .iter()
        .position(|r| r.0.iter().any(|s| s.text.contains("body ──")))
        .expect("a body");
    rows[at + 1..].to_vec()
}

fn screen(state: &State) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(state.width, state.height)).expect("test backend");
    let theme = Theme::named(ThemeName::Monochrome);
    terminal
        .draw(|frame| tidings::ui::draw(frame, state, &theme))
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

const MARKDOWN: &str = "\
# A heading

Some *emphasis*, **strong words** and `inline code`, then a
[link to the report](https://report.example/2024) and <https://auto.example>.

## Second level

- first item
- second item with a longer text that has to wrap under itself
  - a nested item
1. one
2. two

> A quoted line
> that goes on.

```
fn main() {
    println!(\"hi\");
}
```

---
The end.
";

#[test]
fn a_markdown_body_is_rendered_with_roles() {
    let card = card_with_body(1, "title: Markdown", MARKDOWN);
    insta::assert_snapshot!("markdown_body_60", marked(&body_rows(&card, 60)));
    insta::assert_snapshot!("markdown_body_30", marked(&body_rows(&card, 30)));
    for width in [1, 2, 5, 12, 30, 60] {
        for row in detail_rows(&card, width) {
            assert!(row.width() <= width, "{width}: {row:?}");
        }
    }
}

#[test]
fn hostile_markdown_passes_the_gate() {
    // Escape sequences and bidi controls, raw and as character references, in every kind of
    // Markdown text: headings, emphasis, link text and destinations, code, quotes, lists.
    let body = "\
# Title \u{1b}]0;pwned\u{7} &#x1b;]0;pwned&#x7;

*a\u{202e}b* **&#x202E;evil** [te\u{1b}[2Jxt](https://x.example/&#x1b;[2J) `c\u{1b}[31md`

> quote &#27;[5m &#x2066;iso&#x2069;
- item \u{200b}zero &#8203;width
<span>&#x1b;]52;c;aGk=&#x7;</span>

```
code \u{1b}[2J line &#x1b;
```
";
    let card = card_with_body(2, "title: Hostile", body);
    let rows = body_rows(&card, 60);
    assert!(!rows.is_empty());
    for row in &rows {
        for segment in &row.0 {
            assert!(
                text::is_clean(&segment.text),
                "gated character in {:?}",
                segment.text
            );
            assert!(!segment.text.contains('\u{1b}'), "{:?}", segment.text);
        }
    }
    let all = marked(&rows);
    for payload in ["pwned", "52;c", "[2J", "[5m"] {
        assert!(!all.contains(payload), "{payload} in {all}");
    }
    assert!(all.contains("Title"), "{all}");
    // The reader's screen shows it whole, and nothing from it reaches a cell unclean.
    let mut state = loaded(120, 40, vec![card], Vec::new());
    user(&mut state, Action::FocusNext);
    let shown = screen(&state);
    assert!(text::is_clean(&shown.replace('\n', "")), "{shown}");
}

fn outside_card() -> Card {
    card(
        1,
        "title: A\npublishedDateTime: 2024-01-02T00:00:00Z\nrelated:\n  - title: Far away\n    excerpt: \"What the far article says, in a sentence.\"\n    publishedDateTime: 2024-01-01T09:00:00Z\n    webUrl: \"https://elsewhere.example/far\"\n    provider: {name: Elsewhere News, domain: elsewhere.example}\n    quality: 77",
    )
}

#[test]
fn a_related_entry_outside_the_corpus_is_shown_in_the_detail() {
    let mut state = loaded(120, 40, vec![outside_card()], Vec::new());
    assert_eq!(
        state.related_items(),
        [RelatedItem::Entry {
            index: 0,
            target: None
        }]
    );
    // From the list, the detail is the card's.
    assert!(state.outside_entry().is_none());
    user(&mut state, Action::FocusNext);
    user(&mut state, Action::FocusNext);
    assert_eq!(state.focus, Pane::Related);
    let entry = state
        .outside_entry()
        .expect("the outside entry is selected");
    assert_eq!(entry.title.as_deref(), Some("Far away"));

    let shown = screen(&state);
    for expected in [
        "related entry",
        "Far away",
        "Elsewhere News · elsewhere.example",
        "2024-01-01",
        "What the far article says",
        "https://elsewhere.example/far",
        "→ o opens",
        "77",
    ] {
        assert!(shown.contains(expected), "no {expected:?} in\n{shown}");
    }
    // Back in the detail, the card is shown again.
    user(&mut state, Action::FocusNext);
    assert!(state.outside_entry().is_none());
    assert!(!screen(&state).contains("What the far article says"));
}

#[test]
fn enter_on_a_warning_in_the_problems_shows_its_card() {
    let a = card(1, "title: Alpha");
    let b = card(2, "title: Beta");
    let skipped = Diagnostic::file("gone.txt", Severity::Error, "not a card");
    let warning = Diagnostic {
        line: 3,
        column: 8,
        ..Diagnostic::file(
            b.path.to_path_buf(),
            Severity::Warning,
            "quality: not a number",
        )
    };
    let mut state = loaded(120, 40, vec![a, b], vec![skipped, warning]);
    if state.selected_card().map(|c| c.display_title()) == Some("Beta") {
        user(&mut state, Action::MoveDown);
    }
    assert_eq!(
        state.selected_card().map(|c| c.display_title()),
        Some("Alpha")
    );

    user(&mut state, Action::ToggleDiagnostics);
    // The skipped file has no card: Enter says so and stays.
    user(&mut state, Action::Activate);
    assert_eq!(state.overlay.map(|o| o.kind), Some(Overlay::Diagnostics));
    assert!(state.notice.is_some());
    // The warning's card is shown, in the detail.
    user(&mut state, Action::MoveDown);
    assert_eq!(state.overlay.map(|o| o.selected), Some(1));
    user(&mut state, Action::Activate);
    assert!(state.overlay.is_none());
    assert_eq!(
        state.selected_card().map(|c| c.display_title()),
        Some("Beta")
    );
    assert_eq!(state.focus, Pane::Detail);
    // Backspace goes back to where the user was.
    user(&mut state, Action::Back);
    assert_eq!(
        state.selected_card().map(|c| c.display_title()),
        Some("Alpha")
    );
}

#[test]
fn enter_is_bound_in_the_problems() {
    let keymap = tidings::config::Keymap::default();
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        keymap.action_for(tidings::config::Mode::Overlay, &enter),
        Some(Action::Activate)
    );
}

#[test]
fn check_warns_about_urls_o_would_refuse() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad_urls.txt");
    std::fs::write(
        &path,
        "---\ntitle: Bad URLs\nwebUrl: --help\nrelated:\n  - title: r\n    webUrl: \"javascript:alert(1)\"\n  - title: fine\n    webUrl: https://ok.example/\n---\n",
    )
    .expect("write");
    let out = assert_cmd::Command::cargo_bin("tidings")
        .expect("binary")
        .env("TIDINGS_STATE", dir.path().join("state.db"))
        .env("TIDINGS_CACHE_DIR", dir.path().join("cache"))
        .arg("check")
        .arg(&path)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let shown = path.display();
    assert!(
        stdout.contains(&format!(
            "{shown}:3:9: warning: webUrl would not be opened: starts with '-': --help"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{shown}:6:14: warning: webUrl would not be opened: not an http:// or https:// URL"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("ok.example"), "{stdout}");
    assert!(stdout.contains("2 warnings"), "{stdout}");
    // Warnings are not skips: the exit status stays 0.
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}
