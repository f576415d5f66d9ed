//! Property tests: no input makes the card parser panic, and what it keeps is consistent.

use std::path::Path;

use proptest::prelude::*;
use tidings::corpus::Severity;
use tidings::corpus::intern::Interner;
use tidings::corpus::parse::parse_card;

/// Fragments of card syntax, so random inputs reach deep into the YAML and field code rather
/// than failing at the first byte.
fn card_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("title: ".to_string()),
        Just("quality: ".to_string()),
        Just("heat: -1\n".to_string()),
        Just("published: ".to_string()),
        Just("publishedDateTime: 2024-03-08T00:00:00Z\n".to_string()),
        Just("related:\n  - ".to_string()),
        Just("images:\n  - url: ".to_string()),
        Just("topics: ".to_string()),
        Just("provider:\n  name: ".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("&a ".to_string()),
        Just("*a ".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("\n  ".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just(": ".to_string()),
        Just("- ".to_string()),
        "[a-z0-9 \u{1b}\u{9b}é日]{0,8}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn check(bytes: &[u8]) {
    let parsed = parse_card(
        bytes,
        &Path::new("p/x.txt").into(),
        Path::new("x.txt"),
        &Interner::default(),
    );
    let has_error = parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    // A file is either a card or skipped with an error, never both or neither.
    assert_eq!(parsed.card.is_none(), has_error, "{:?}", parsed.diagnostics);
    for d in &parsed.diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
        assert!(d.line <= lines + 1, "line {} of {lines}: {d:?}", d.line);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_card_like_text_never_panics(text in card_like()) {
        check(text.as_bytes());
        check(format!("---\n{text}\n---\n").as_bytes());
    }
}
