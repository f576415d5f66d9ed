//! The hostile mode: one file (or folder, or link) for each way a corpus can hurt a reader:
//! things that block, loop or recurse without end, parsers' worst cases, text that would drive
//! the terminal, URLs that would run commands, numbers out of range. `MANIFEST.md` at the top
//! lists every entry, what it is and what a reader should do with it. The content does not
//! depend on the seed; the same `N` gives the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::emit::kv_quoted;

/// Folders in the deep chain.
pub const DEPTH: usize = 1500;
/// Wrong-typed entries in the `topics` of `wrong_topics.txt`.
pub const WRONG_TOPICS: usize = 8000;
/// Bytes of flow nesting after the stray quote.
const NESTING: usize = 50 * 1024;
/// Repeats of `a[` and of ` *word*` in the pathological plain-text cards.
const REPEATS: usize = 65;
/// Levels of AMP-cache nesting in the nested URL.
const AMP_LEVELS: usize = 6000;
const LONG_TITLE: usize = 10 * 1024;
const NULS: usize = 4096;

/// One line of the manifest.
struct Entry {
    path: PathBuf,
    what: String,
    expect: &'static str,
}

struct Writer<'a> {
    dir: &'a Path,
    entries: Vec<Entry>,
    bytes: u64,
}

impl Writer<'_> {
    fn note(&mut self, path: impl Into<PathBuf>, what: impl Into<String>, expect: &'static str) {
        self.entries.push(Entry {
            path: path.into(),
            what: what.into(),
            expect,
        });
    }

    fn file(
        &mut self,
        path: impl Into<PathBuf>,
        bytes: &[u8],
        what: impl Into<String>,
        expect: &'static str,
    ) -> Result<(), String> {
        let path = path.into();
        let full = self.dir.join(&path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&full, bytes)
            .map_err(|e| format!("cannot write {}: {e}", full.display()))?;
        self.bytes += bytes.len() as u64;
        self.note(path, what, expect);
        Ok(())
    }

    fn card(
        &mut self,
        name: &str,
        card: String,
        what: impl Into<String>,
        expect: &'static str,
    ) -> Result<(), String> {
        self.file(name, card.as_bytes(), what, expect)
    }
}

/// A valid card whose title and excerpt are `title` and `excerpt` (quoted and escaped), with
/// `fields` (raw YAML lines) after the usual ones and `body` after the closing line.
fn card(title: &str, excerpt: &str, fields: &str, body: &str) -> String {
    let mut s = String::from("---\ncategory: news\n");
    kv_quoted(&mut s, "", "title", title);
    kv_quoted(&mut s, "", "excerpt", excerpt);
    s.push_str(
        "publishedDateTime: 2026-03-08T09:30:00Z\n\
         originalUrl: \"https://hostile.example/story\"\n\
         webUrl: \"https://hostile.example/story\"\n\
         type: article\nquality: 40\nheat: 12\npublished: false\n\
         provider:\n  name: Hostile Example\n  domain: hostile.example\n\
         topics:\n  - Testing\n",
    );
    s.push_str(fields);
    s.push_str("---\n");
    if !body.is_empty() {
        s.push('\n');
        s.push_str(body);
        s.push('\n');
    }
    s
}

/// The same card with `webUrl` (and `originalUrl`) set to `url`, and a related entry, an image
/// and the AMP fields pointing at it too, so every place a URL can be opened from carries it.
fn url_card(title: &str, url: &str) -> String {
    let mut s = String::from("---\ncategory: news\n");
    kv_quoted(&mut s, "", "title", title);
    kv_quoted(
        &mut s,
        "",
        "excerpt",
        "Every URL field of this card is hostile.",
    );
    s.push_str("publishedDateTime: 2026-03-08T09:30:00Z\n");
    for key in ["originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl"] {
        kv_quoted(&mut s, "", key, url);
    }
    s.push_str(
        "type: article\nquality: 40\nheat: 12\npublished: false\n\
         provider:\n  name: Hostile Example\n  domain: hostile.example\n\
         topics:\n  - Testing\nimages:\n",
    );
    kv_quoted(&mut s, "  - ", "url", url);
    s.push_str("    width: 1200\n    height: 630\n    isCached: true\nrelated:\n");
    kv_quoted(&mut s, "  - ", "title", &format!("Related: {title}"));
    kv_quoted(&mut s, "    ", "webUrl", url);
    kv_quoted(&mut s, "    ", "ampWebUrl", url);
    kv_quoted(&mut s, "    ", "cdnAmpWebUrl", url);
    s.push_str("---\n\n");
    s
}

/// Invisible and format characters that render as nothing (or change the text's direction).
fn invisibles() -> String {
    let mut s = String::new();
    let singles = [
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}',
        '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        '\u{180e}', '\u{034f}', '\u{115f}', '\u{1160}', '\u{3164}', '\u{ffa0}', '\u{feff}',
        '\u{00ad}', '\u{2060}',
    ];
    s.extend(singles);
    s.extend('\u{2061}'..='\u{2064}');
    s.extend('\u{206a}'..='\u{206f}');
    s.extend('\u{e0000}'..='\u{e007f}');
    s
}

/// Writes the hostile corpus into `dir`, plus `n` ordinary realistic cards under `cards/`;
/// returns the bytes written.
pub fn write(dir: &Path, n: u64, seed: u64) -> Result<u64, String> {
    let mut w = Writer {
        dir,
        entries: Vec::new(),
        bytes: 0,
    };
    let ok = "load it as a card";

    // --- Things that block, loop or recurse -------------------------------------------------
    fifo(&mut w)?;
    let mut deep = PathBuf::from("deep");
    for _ in 0..DEPTH {
        deep.push("d");
    }
    deep.push("bottom.txt");
    w.card(
        &deep.to_string_lossy(),
        card(
            "At the bottom of 1,500 folders",
            "A card deep down.",
            "",
            "",
        ),
        format!("a valid card at the bottom of a chain of {DEPTH} nested folders"),
        "load it, or report the chain as too deep; never overflow the stack",
    )?;
    links(&mut w)?;

    // --- Wrong types and out-of-range values ------------------------------------------------
    let mut topics = String::from("topics:\n");
    let wrong = ["12", "true", "{a: 1}", "[x, y]", "null", "1.5", "~", "{}"];
    for k in 0..WRONG_TOPICS {
        let _ = writeln!(topics, "  - {}", wrong[k % wrong.len()]);
    }
    let text = card(
        "Eight thousand wrong topics",
        "The topics are all wrong.",
        "",
        "",
    )
    .replace("topics:\n  - Testing\n", &topics);
    w.card(
        "wrong_topics.txt",
        text,
        format!("{WRONG_TOPICS} topics of the wrong type (numbers, maps, lists, nulls)"),
        "load the card; report the wrong topics once, not 8,000 times",
    )?;
    w.card(
        "wrong_fields.txt",
        "---\ncategory: [1, 2]\ntitle: {a: b}\nexcerpt: 12\npublishedDateTime: yesterday\n\
         webUrl: [\"https://a.example/\"]\ntype: 3\nquality: high\nheat: {}\npublished: maybe\n\
         provider: Just A String\ntopics: Not A List\nimages: 7\nrelated: none\nsecured: 42\n---\n"
            .to_string(),
        "every known field of the wrong type",
        "load what it can (nothing typed right); report each field with its line",
    )?;
    w.card(
        "out_of_range.txt",
        card(
            "Numbers out of range",
            "Heat and quality overflow every integer type.",
            "extra: 1e999999\nsize: -1e999999\n",
            "",
        )
        .replace(
            "quality: 40\nheat: 12\n",
            "quality: -99999999999999999999\nheat: 99999999999999999999\n",
        ),
        "`heat: 99999999999999999999`, `quality: -99999999999999999999`, `extra: 1e999999`",
        "load the card; report the numbers as out of range; never panic",
    )?;
    w.card(
        "bool_tag.txt",
        card("Tagged values", "Explicit YAML tags.", "", "")
            .replace("published: false\n", "published: !!bool yes\n")
            .replace("quality: 40\n", "quality: !!str 40\n"),
        "`published: !!bool yes` and `quality: !!str 40`",
        "load the card; treat the tagged values by their tags or report them",
    )?;

    // --- Parsers' worst cases -----------------------------------------------------------------
    let nest = "[".repeat(NESTING);
    w.card(
        "stray_quote_nesting.txt",
        format!("---\ntitle: a \"b{nest}\nwebUrl: \"https://hostile.example/q\"\n---\n"),
        "`title: a \"b` then 50 KB of `[` on the same line",
        "load or report it quickly; never recurse once per bracket",
    )?;
    w.card(
        "stray_quote_nesting_next_line.txt",
        format!("---\ntitle: a \"b\n{nest}\n---\n"),
        "`title: a \"b`, then a line of 50 KB of `[`",
        "report a syntax error quickly; never recurse once per bracket",
    )?;
    w.card(
        "flow_nesting.txt",
        format!("---\ntitle: {nest}\n---\n"),
        "`title:` followed by 50 KB of unclosed `[`",
        "report a syntax error quickly; never overflow the stack",
    )?;
    let brackets = "a[".repeat(REPEATS);
    w.card(
        "brackets_65.txt",
        card(&brackets, &brackets, "", &brackets).replacen(
            &format!("title: \"{brackets}\""),
            &format!("title: {brackets}"),
            1,
        ),
        format!("a valid card with {REPEATS} `a[` in a plain title, the excerpt and the body"),
        ok,
    )?;
    let emphasis = format!("x{}", " *word*".repeat(REPEATS));
    w.card(
        "emphasis_65.txt",
        card(&emphasis, &emphasis, "", &emphasis).replacen(
            &format!("title: \"{emphasis}\""),
            &format!("title: {emphasis}"),
            1,
        ),
        format!("a valid card with {REPEATS} ` *word*` in a plain title, the excerpt and the body"),
        ok,
    )?;
    w.card(
        "fence_comment.txt",
        card(
            "Opening fence with a comment",
            "The first line is `--- # comment`.",
            "",
            "",
        )
        .replacen("---\n", "--- # comment\n", 1),
        "a valid card whose opening line is `--- # comment`",
        ok,
    )?;
    w.file(
        "nuls.txt",
        &[0u8; NULS],
        format!("{NULS} NUL bytes"),
        "report it as not a card",
    )?;
    let surrogates = "---\ntitle: \"\\ud83d\\ude00 pair\"\nexcerpt: \"lone \\ud800 high\"\n\
                      webUrl: \"https://hostile.example/s\"\n---\n";
    w.card(
        "surrogates.txt",
        surrogates.to_string(),
        "JSON-style surrogate escapes: `\"\\ud83d\\ude00\"` and a lone `\\ud800`",
        "report the escapes (YAML has no surrogates) or read the pair as 😀; never panic",
    )?;
    let long = "Pneumonoultramicroscopicsilicovolcanoconiosis"
        .chars()
        .cycle()
        .take(LONG_TITLE)
        .collect::<String>();
    w.card(
        "long_title.txt",
        card(&long, "The title is one 10 KB word.", "", ""),
        "a valid card whose title is one 10 KB word",
        "load it; cut the title to the screen; no line breaking in a loop",
    )?;

    // --- URLs ---------------------------------------------------------------------------------
    let amp = format!(
        "https://{}e.com/",
        "x.cdn.ampproject.org/c/s/".repeat(AMP_LEVELS)
    );
    let mut text = card(
        "AMP cache nested 6,000 times",
        "The URL nests.",
        "related:\n",
        "",
    );
    text = text.replacen(
        "webUrl: \"https://hostile.example/story\"\n",
        &{
            let mut line = String::new();
            kv_quoted(&mut line, "", "webUrl", &amp);
            line
        },
        1,
    );
    let mut related = String::new();
    kv_quoted(&mut related, "  - ", "title", "Nested AMP");
    kv_quoted(&mut related, "    ", "webUrl", &amp);
    text = text.replacen("related:\n", &format!("related:\n{related}"), 1);
    w.card(
        "amp_nested.txt",
        text,
        "`https://` + `x.cdn.ampproject.org/c/s/` × 6,000 + `e.com/` (144 KB) as `webUrl` and in a related entry",
        "load it; normalise the URL in linear time, not once per level",
    )?;
    let urls: [(&str, &str, &str); 8] = [
        (
            "url_newline.txt",
            "https://hostile.example/a\n touch ~/p",
            "a URL with a newline then ` touch ~/p`",
        ),
        (
            "url_javascript.txt",
            "javascript:alert(document.cookie)",
            "a `javascript:` URL",
        ),
        ("url_file.txt", "file:///etc/passwd", "a `file:` URL"),
        (
            "url_osc52.txt",
            "https://hostile.example/\u{1b}]52;c;cHduZWQ=\u{7}",
            "a URL with ESC ] 52 ... BEL (would set the clipboard)",
        ),
        (
            "url_csi.txt",
            "https://hostile.example/\u{1b}[2J\u{1b}[31mred",
            "a URL with ESC [ 2J (would clear the screen)",
        ),
        (
            "url_zero_width.txt",
            "https://host\u{200b}ile.example/zw",
            "a URL with U+200B ZERO WIDTH SPACE in the host",
        ),
        (
            "url_bidi.txt",
            "https://hostile.example/\u{202e}fdp.exe",
            "a URL with U+202E RIGHT-TO-LEFT OVERRIDE",
        ),
        (
            "url_shell.txt",
            "https://hostile.example/$(touch ~/p)`id`;rm -rf ~",
            "a URL with shell syntax",
        ),
    ];
    for (name, url, what) in urls {
        w.card(
            name,
            url_card(what, url),
            format!("{what}, in every URL field and a related entry"),
            "load it; never open or copy it as is; show it escaped",
        )?;
    }

    // --- Text that would drive the terminal -----------------------------------------------------
    let controls = "Title \u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7} bell\u{7} \u{1b}[2J cleared \
                    back\u{8}\u{8}space cr\rreturn del\u{7f} csi\u{9b}31m c1";
    w.card(
        "title_controls.txt",
        card(controls, controls, "", controls),
        "ESC sequences (colour, window title, clear screen), BEL, backspace, CR, DEL and C1 CSI in the title, excerpt and body",
        "load it; show no control character to the terminal",
    )?;
    let inv = invisibles();
    let inv_title = format!("Invisible{inv}characters");
    w.card(
        "invisible.txt",
        card(&inv_title, &inv_title, "", &inv_title).replace(
            "provider:\n  name: Hostile Example\n",
            &{
                let mut p = String::from("provider:\n");
                kv_quoted(&mut p, "  ", "name", &format!("Hidden{inv}Provider"));
                p
            },
        ),
        "U+200B, U+202E, U+180E, U+2061-2064, U+206A-206F, U+034F, U+115F, U+1160, U+3164, U+FFA0, tag characters U+E0000-E007F and other format characters in the title, excerpt, body and provider",
        "load it; show none of them (or a visible mark); keep the columns aligned",
    )?;
    w.card(
        "invisible_only.txt",
        card(&inv, &inv, "", ""),
        "a title and excerpt made only of invisible characters",
        "load it; show the title as empty or as the file name, not as nothing",
    )?;
    let emoji = "Emoji 👋🏻👋🏼👋🏽👋🏾👋🏿 families 👨‍👩‍👧‍👦 👩‍👩‍👦 👨🏽‍👩🏽‍👧🏽 flags 🇺🇦🇯🇵 🏳️‍🌈 \
                 🏴‍☠️ keycap 1️⃣ astronaut 🧑🏿‍🚀 text ☺ vs ☺️";
    w.card(
        "emoji.txt",
        card(emoji, emoji, "", emoji),
        "emoji with skin-tone modifiers, ZWJ families, flags, keycaps and variation selectors",
        "load it; keep the columns aligned (each sequence is one wide cell pair)",
    )?;

    // --- File names ---------------------------------------------------------------------------
    names(&mut w)?;

    // --- Ordinary cards around them -------------------------------------------------------------
    if n > 0 {
        let cards = dir.join("cards");
        std::fs::create_dir_all(&cards)
            .map_err(|e| format!("cannot create {}: {e}", cards.display()))?;
        w.bytes += super::write_corpus(&super::Args {
            dir: cards,
            n,
            seed,
            mode: super::Mode::Realistic,
        })?;
        w.note(
            "cards/",
            format!("{n} ordinary realistic cards (seed {seed})"),
            "load them all",
        );
    }

    manifest(&mut w)?;
    Ok(w.bytes)
}

/// A named pipe: opening it for reading blocks until something writes to it.
#[cfg(all(unix, not(target_vendor = "apple")))]
fn fifo(w: &mut Writer) -> Result<(), String> {
    let path = w.dir.join("fifo.txt");
    rustix::fs::mkfifoat(rustix::fs::CWD, &path, rustix::fs::Mode::from(0o644))
        .map_err(|e| format!("cannot make the fifo {}: {e}", path.display()))?;
    w.note(
        "fifo.txt",
        "a named pipe (FIFO) with a card's name",
        "skip it without opening it (it is not a regular file); never block on it",
    );
    Ok(())
}

#[cfg(not(all(unix, not(target_vendor = "apple"))))]
fn fifo(_: &mut Writer) -> Result<(), String> {
    Ok(())
}

/// A link to `/`, a folder linking to itself and to its parent, and two links to each other.
#[cfg(unix)]
fn links(w: &mut Writer) -> Result<(), String> {
    let links = w.dir.join("links");
    std::fs::create_dir_all(&links)
        .map_err(|e| format!("cannot create {}: {e}", links.display()))?;
    let make = |target: &str, name: &str| {
        let at = links.join(name);
        std::os::unix::fs::symlink(target, &at)
            .map_err(|e| format!("cannot link {}: {e}", at.display()))
    };
    make("/", "root")?;
    make(".", "self")?;
    make("..", "up")?;
    make("loop_b", "loop_a")?;
    make("loop_a", "loop_b")?;
    w.note(
        "links/root",
        "a symbolic link to `/`",
        "do not walk the whole file system: stay inside the corpus or stop at a bound",
    );
    w.note(
        "links/self",
        "a symbolic link to its own folder (`.`)",
        "walk it at most once; never loop",
    );
    w.note(
        "links/up",
        "a symbolic link to the corpus root (`..`)",
        "walk it at most once; never loop or load a card twice",
    );
    w.note(
        "links/loop_a",
        "links `loop_a` → `loop_b` → `loop_a`",
        "report them as a link loop (or skip them); never hang",
    );
    Ok(())
}

#[cfg(not(unix))]
fn links(_: &mut Writer) -> Result<(), String> {
    Ok(())
}

/// Valid cards whose file names carry a newline, escape sequences, a bidi override and (on
/// Unix) bytes that are not UTF-8.
fn names(w: &mut Writer) -> Result<(), String> {
    let valid = || {
        card(
            "A card with a hostile file name",
            "Its file name is hostile.",
            "",
            "",
        )
    };
    #[cfg(unix)]
    {
        w.card(
            "new\nline.txt",
            valid(),
            "a valid card whose file name has a newline",
            "load it; show the name escaped, on one line",
        )?;
        w.card(
            "\u{1b}[31mred\u{1b}]0;pwned\u{7}.txt",
            valid(),
            "a valid card whose file name has ESC sequences and BEL",
            "load it; show the name escaped",
        )?;
        use std::os::unix::ffi::OsStrExt;
        let latin1 = std::ffi::OsStr::from_bytes(b"latin1-caf\xe9.txt");
        w.file(
            latin1,
            valid().as_bytes(),
            "a valid card whose file name is not UTF-8 (`caf\\xe9`)",
            "load it; show the name lossily",
        )?;
    }
    w.card(
        "\u{202e}txt.exe.txt",
        valid(),
        "a valid card whose file name starts with U+202E RIGHT-TO-LEFT OVERRIDE",
        "load it; show the name without reordering the line",
    )?;
    Ok(())
}

/// `MANIFEST.md`: one row per entry. Its own `.md` name makes it an entry too: a Markdown file
/// without front matter, which a reader should report as not a card.
fn manifest(w: &mut Writer) -> Result<(), String> {
    w.note(
        "MANIFEST.md",
        "this list: Markdown without front matter",
        "report it as not a card",
    );
    let mut s = String::from(
        "# Hostile corpus\n\nWritten by `gen_corpus --hostile`. One row per entry; names are \
         shown escaped.\n\n| entry | what it is | a reader should |\n| --- | --- | --- |\n",
    );
    for e in &w.entries {
        // Debug escapes controls, newlines and bytes that are not UTF-8 (`\xE9`).
        let name = format!("{:?}", e.path.as_os_str());
        let name = name.trim_matches('"').replace('|', "\\|");
        let chars: Vec<char> = name.chars().collect();
        let shown = if chars.len() > 80 {
            let head: String = chars[..20].iter().collect();
            let tail: String = chars[chars.len() - 40..].iter().collect();
            format!("{head}…{tail}")
        } else {
            name
        };
        let _ = writeln!(
            s,
            "| `{shown}` | {} | {} |",
            e.what.replace('|', "\\|"),
            e.expect
        );
    }
    let path = w.dir.join("MANIFEST.md");
    std::fs::write(&path, &s).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    w.bytes += s.len() as u64;
    Ok(())
}
