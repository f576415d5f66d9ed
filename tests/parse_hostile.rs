//! The card parser on inputs built to make it slow, deep or wrong: each is answered within a
//! generous time limit (a debug build, on a shared machine), and valid cards that look odd load.

use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tidings::corpus::Severity;
use tidings::corpus::intern::Interner;
use tidings::corpus::parse::{Parsed, parse_card};

/// Parses `text` on its own thread and fails the test if that takes more than ten seconds: a
/// hang or a quadratic blow-up fails here instead of stalling the suite.
fn parse_within_limit(text: impl Into<Vec<u8>>) -> Parsed {
    let bytes = text.into();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let parsed = parse_card(
            &bytes,
            &Path::new("cards/x.txt").into(),
            Path::new("x.txt"),
            &Interner::default(),
        );
        let _ = tx.send(parsed);
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(parsed) => parsed,
        Err(_) => panic!("parsing took over 10 s"),
    }
}

/// (line, column, message) of every diagnostic of one severity.
fn of(parsed: &Parsed, severity: Severity) -> Vec<(usize, usize, String)> {
    parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| (d.line, d.column, d.message.clone()))
        .collect()
}

fn card(front: &str) -> String {
    format!("---\ntitle: A card\n{front}\n---\n")
}

#[test]
fn many_wrong_typed_fields_are_located_in_one_pass() {
    // 40,000 topics that are mappings: each a warning with its own position. Locating each by
    // parsing the front matter again took minutes.
    let n = 40_000;
    let text = card(&format!("topics: [{}]", "{},".repeat(n)));
    let parsed = parse_within_limit(text);
    let warnings = of(&parsed, Severity::Warning);
    assert_eq!(warnings.len(), n);
    assert_eq!(
        warnings[0],
        (
            3,
            10,
            "topics[0]: expected a string, found a mapping".to_string()
        )
    );
    assert_eq!(warnings[1].1, 13, "{:?}", warnings[1]);
    assert_eq!(
        warnings[n - 1],
        (
            3,
            10 + 3 * (n - 1),
            format!("topics[{}]: expected a string, found a mapping", n - 1)
        )
    );
    assert!(parsed.card.is_some());
}

#[test]
fn a_stray_quote_in_plain_text_does_not_hide_deep_nesting() {
    // `a "b` is a plain scalar holding a quote, not the start of a quoted string: the nesting
    // after it is real and must be refused at once, not parsed for minutes.
    for stray in ["title2: a \"b", "title2: a 'b", "title2: don't"] {
        let depth = 100_000;
        let text = card(&format!(
            "{stray}\nextra: {}{}",
            "[".repeat(depth),
            "]".repeat(depth)
        ));
        let parsed = parse_within_limit(text);
        let errors = of(&parsed, Severity::Error);
        assert_eq!(errors.len(), 1, "{stray}: {errors:?}");
        assert_eq!(errors[0].0, 4, "{stray}: {errors:?}");
        assert!(errors[0].2.contains("nested 65 deep"), "{errors:?}");
    }
}

#[test]
fn brackets_and_stars_in_plain_text_are_not_nesting_or_aliases() {
    let brackets = "a[".repeat(65);
    let stars = " *word*".repeat(65);
    let quotes = "don't \"quote\" 'me' [ { ".repeat(40);
    let text = card(&format!(
        "excerpt: {brackets}\nprovider: x{stars}\ncategory: {quotes}"
    ));
    let parsed = parse_within_limit(text);
    assert_eq!(parsed.diagnostics, []);
    let card = parsed.card.expect("a valid card");
    assert_eq!(card.excerpt().as_deref(), Some(brackets.as_str()));
    let provider = card.provider.and_then(|p| p.name).expect("provider");
    assert_eq!(&*provider, format!("x{stars}"));
    assert_eq!(card.category.as_deref(), Some(quotes.trim_end()));
}

#[test]
fn nesting_within_the_limit_loads_and_beyond_it_is_refused_where_it_crosses() {
    // The front matter's mapping is level 1: 63 flow levels below it are fine.
    let ok = card(&format!("extra: {}{}", "[".repeat(63), "]".repeat(63)));
    let parsed = parse_within_limit(ok);
    assert_eq!(parsed.diagnostics, []);
    let deep = card(&format!("extra: {}{}", "[".repeat(64), "]".repeat(64)));
    let errors = of(&parse_within_limit(deep), Severity::Error);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].0, errors[0].1), (3, 8 + 63));
    assert!(errors[0].2.contains("nested 65 deep"), "{errors:?}");
}

#[test]
fn a_mebibyte_of_nested_block_collections_is_refused_quickly() {
    // Block mappings: each line one deeper than the last.
    let mut mappings = String::from("---\n");
    let mut depth = 0;
    while mappings.len() < (1 << 20) - 4096 {
        mappings.push_str(&" ".repeat(depth));
        mappings.push_str("k:\n");
        depth += 1;
    }
    mappings.push_str(&" ".repeat(depth));
    mappings.push_str("end\n---\n");
    // Block sequences: `- - - - ...` on one line, half a million deep.
    let sequences = format!("---\nx:\n  {}end\n---\n", "- ".repeat(500_000));
    for (name, text) in [("mappings", mappings), ("sequences", sequences)] {
        let errors = of(&parse_within_limit(text), Severity::Error);
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert!(errors[0].2.contains("nested 65 deep"), "{name}: {errors:?}");
    }
}

#[test]
fn alias_bombs_are_refused_and_a_few_small_aliases_are_fine() {
    let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (prev, name) in "abcdefghi".chars().zip("bcdefghij".chars()) {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            format!("*{prev},").repeat(9)
        ));
    }
    let errors = of(&parse_within_limit(card(&bomb)), Severity::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].2.contains("refusing to expand"), "{errors:?}");

    // A hundred aliases of one short string are no bomb: the card loads.
    let fine = format!(
        "provider: &p Reuters\nextra: [{}]",
        "*p, ".repeat(100).trim_end_matches(", ")
    );
    let parsed = parse_within_limit(card(&fine));
    assert_eq!(parsed.diagnostics, []);
    let provider = parsed.card.and_then(|c| c.provider).and_then(|p| p.name);
    assert_eq!(provider.as_deref(), Some("Reuters"));
}

#[test]
fn odd_values_under_unknown_keys_are_ignored() {
    let text = card(
        "extra: 1e999999\nbig: 99999999999999999999\nnegative: -99999999999999999999\n\
         tagged: !!int abc\nyes_tag: !!bool maybe\nodd: !custom {a: [1, 2]}",
    );
    let parsed = parse_within_limit(text);
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(parsed.card.and_then(|c| c.title).as_deref(), Some("A card"));
}

#[test]
fn out_of_range_and_wrongly_tagged_fields_are_warnings_not_lost_cards() {
    let text = card(
        "heat: 99999999999999999999\nquality: 1e999999\npublished: !!bool yes\n\
         images:\n  - url: https://example.org/a.jpg\n    width: !!int wide\n    height: 1e3",
    );
    let parsed = parse_within_limit(text);
    assert_eq!(
        of(&parsed, Severity::Warning),
        [
            (
                3,
                7,
                "heat: expected an integer, found number 99999999999999999999".to_string()
            ),
            (
                4,
                10,
                "quality: expected an integer, found number 1e999999".to_string()
            ),
            (
                8,
                12,
                "images[0].width: expected an integer, found string \"wide\"".to_string()
            ),
        ]
    );
    let card = parsed.card.expect("the card loads");
    assert_eq!((card.heat, card.quality), (None, None));
    assert_eq!(card.published, Some(true), "`yes` is YAML 1.1's true");
    let images = &card.held_extras().expect("parsed in memory, held").images;
    assert_eq!(images[0].height, Some(1000));
    assert_eq!(images[0].width, None);
}

#[test]
fn json_style_surrogate_pairs_in_double_quotes_are_one_character() {
    let text = card(
        "excerpt: \"grin \\ud83d\\ude00 \\uD83D\\uDE03!\"\nprovider: plain \\ud83d\\ude00 stays\n\
         category: 'single \\ud83d\\ude00 stays'\nkind: \"escaped \\\\ud83d\\ude00\"",
    );
    let parsed = parse_within_limit(text);
    let errors = of(&parsed, Severity::Error);
    // `\\ud83d` is an escaped backslash and the text `ud83d`: then `\ude00` is a lone
    // surrogate, which YAML refuses.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 6, "{errors:?}");

    let text = card(
        "excerpt: \"grin \\ud83d\\ude00 \\uD83D\\uDE03!\"\nprovider: plain \\ud83d\\ude00 stays\n\
         category: 'single \\ud83d\\ude00 stays'\nheat: [1, 2]",
    );
    let parsed = parse_within_limit(text);
    // Positions after a pair on the same line are unchanged.
    assert_eq!(
        of(&parsed, Severity::Warning),
        [(6, 7, "heat: expected an integer, found a list".to_string())]
    );
    let card = parsed.card.expect("the card loads");
    assert_eq!(card.excerpt().as_deref(), Some("grin 😀 😃!"));
    let provider = card.provider.and_then(|p| p.name).expect("provider");
    assert_eq!(&*provider, "plain \\ud83d\\ude00 stays");
    assert_eq!(
        card.category.as_deref(),
        Some("single \\ud83d\\ude00 stays")
    );
}

#[test]
fn an_opening_fence_may_carry_a_comment() {
    let parsed = parse_within_limit("--- # a card\ntitle: Fenced\n---   # end\nBody\n");
    assert_eq!(parsed.diagnostics, []);
    let card = parsed.card.expect("the card loads");
    assert_eq!(card.title.as_deref(), Some("Fenced"));
    assert_eq!(card.body().as_deref(), Some("Body"));
    // `---x` is not a fence.
    let errors = of(
        &parse_within_limit("---x\ntitle: no\n---\n"),
        Severity::Error,
    );
    assert!(errors[0].2.contains("no front matter"), "{errors:?}");
}

#[test]
fn nul_bytes_are_a_binary_file_and_utf16_is_still_named() {
    let errors = of(&parse_within_limit(vec![0u8; 4096]), Severity::Error);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].2.starts_with("binary file: NUL bytes"),
        "{errors:?}"
    );

    let mut text = b"---\ntitle: x\n".to_vec();
    text.extend([0, 0, 0]);
    let errors = of(&parse_within_limit(text), Severity::Error);
    assert_eq!((errors[0].0, errors[0].1), (3, 1), "{errors:?}");
    assert!(errors[0].2.starts_with("binary file"), "{errors:?}");

    let utf16: Vec<u8> = "---\ntitle: x\n---\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let errors = of(&parse_within_limit(utf16), Severity::Error);
    assert!(errors[0].2.contains("UTF-16"), "{errors:?}");
}

#[test]
fn duplicate_keys_are_refused_at_the_repeat_even_when_far_apart() {
    let keys: String = (0..5000).map(|i| format!("k{i}: v\n")).collect();
    let text = card(&format!("{keys}k17: again"));
    let errors = of(&parse_within_limit(text), Severity::Error);
    assert_eq!(
        errors,
        [(
            5003,
            1,
            "YAML: duplicate entry with key \"k17\"".to_string()
        )]
    );
}

#[test]
fn positions_count_lines_at_newlines_only() {
    // YAML also breaks lines at a lone CR, NEL, U+2028 and U+2029; editors and `grep -n` do
    // not, and a diagnostic must point where the person looking will find it. (Found by the
    // card fuzzer: positions past the end of a file with lone CRs.)
    let text = "---\ntitle: x\rquality: high\nheat: [1]\n---\n";
    let parsed = parse_within_limit(text);
    assert_eq!(
        of(&parsed, Severity::Warning),
        [
            (
                2,
                19,
                "quality: expected an integer, found string \"high\"".to_string()
            ),
            (3, 7, "heat: expected an integer, found a list".to_string()),
        ]
    );
    // The flow list runs to the end of the front matter: the closing fence's line, not one past.
    let errors = of(
        &parse_within_limit("---\na: b\rc: [\n---\n"),
        Severity::Error,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].0, errors[0].1), (3, 1), "{errors:?}");
}
