//! The query language through its public API: no input makes the parser panic, every error
//! points inside the query (or just past it), and a few queries read as the guide says.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use proptest::prelude::*;
use tidings::search::syntax::{
    Clock, Comparison, MAX_QUERY_CHARS, Measure, NumberTest, Query, Scope, TermKind, parse,
};

/// Pieces of query syntax, so random queries reach the scope, date and number code rather than
/// stopping at the first odd character.
fn query_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            " ",
            "  ",
            "\t",
            "|",
            " | ",
            "!",
            "~",
            "^",
            "$",
            "'",
            "\"",
            ":",
            "..",
            "-",
            "+",
            "T",
            "Z",
            "title:",
            "Title:",
            "excerpt:",
            "provider:",
            "domain:",
            "topic:",
            "category:",
            "since:",
            "until:",
            "date:",
            "quality:",
            "heat:",
            "is:",
            "foo:",
            "https://",
            ">",
            ">=",
            "<",
            "<=",
            "=",
            "unknown",
            "2024",
            "2023-02-29",
            "-03",
            "-13",
            "-01",
            "T10:30",
            ":59",
            "+02:00",
            "7d",
            "12h",
            "2w",
            "3mo",
            "1y",
            "99999999999999999999",
            "0",
            "é",
            "東京",
            "ß",
            "\u{301}",
            "\u{200d}",
            "\u{feff}",
            "\u{1b}",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(String::from),
        "[a-z0-9]{1,6}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Clocks anywhere jiff can count, in zones with and without daylight saving, so date
/// arithmetic at the ends of time is exercised too.
fn any_clock() -> impl Strategy<Value = Clock> {
    let seconds = Timestamp::MIN.as_second()..=Timestamp::MAX.as_second();
    let zone = prop_oneof![
        Just(TimeZone::UTC),
        Just(TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("a valid POSIX TZ string")),
        (-25 * 3600 + 1..25 * 3600)
            .prop_map(|s| { Offset::from_seconds(s).map_or(TimeZone::UTC, Offset::to_time_zone) }),
    ];
    (seconds, zone).prop_map(|(seconds, zone)| Clock {
        now: Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH),
        zone,
    })
}

fn utc_clock() -> Clock {
    Clock {
        now: "2024-06-15T12:00:00Z".parse().expect("a valid timestamp"),
        zone: TimeZone::UTC,
    }
}

/// Parses `input`, checking what holds for every query: an error points at a column from 1
/// to one past the last character; a query's groups are never empty and its terms start
/// inside the query, in order.
fn check(input: &str, clock: &Clock) -> Option<Query> {
    let chars = input.chars().count();
    match parse(input, clock) {
        Err(e) => {
            assert!(
                (1..=chars + 1).contains(&e.column),
                "{input:?}: column {} of {chars} chars: {e}",
                e.column
            );
            assert!(!e.message.is_empty(), "{input:?}");
            None
        }
        Ok(query) => {
            assert!(chars <= MAX_QUERY_CHARS);
            assert!(query.groups.iter().all(|g| !g.alternatives.is_empty()));
            let columns: Vec<usize> = query.terms().map(|t| t.column).collect();
            assert!(columns.iter().all(|c| (1..=chars).contains(c)), "{input:?}");
            assert!(columns.windows(2).all(|w| w[0] < w[1]), "{input:?}");
            for term in query.terms() {
                if let TermKind::Words { words, .. } = &term.kind {
                    assert!(!words.is_empty(), "{input:?}");
                }
                if let TermKind::Date {
                    from: Some(from),
                    until: Some(until),
                } = term.kind
                {
                    assert!(from <= until, "{input:?}");
                }
            }
            Some(query)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_string_parses_or_points_inside_it(input in any::<String>()) {
        check(&input, &utc_clock());
    }

    #[test]
    fn any_query_like_string_parses_or_points_inside_it(
        input in query_like(),
        clock in any_clock(),
    ) {
        check(&input, &clock);
    }

    #[test]
    fn long_strings_are_cut_off_with_an_error(
        input in prop::collection::vec(any::<char>(), MAX_QUERY_CHARS - 2..MAX_QUERY_CHARS + 3),
    ) {
        let input: String = input.into_iter().collect();
        check(&input, &utc_clock());
    }
}

#[test]
fn a_query_reads_as_the_guide_says() {
    let query = parse(
        "vacc !provider:bbc \"climate deal\" | ^Breaking since:7d quality:>=50",
        &utc_clock(),
    )
    .expect("a valid query");
    let groups: Vec<Vec<(bool, TermKind)>> = query
        .groups
        .iter()
        .map(|g| {
            g.alternatives
                .iter()
                .map(|t| (t.negated, t.kind.clone()))
                .collect()
        })
        .collect();
    let words = |scope, words: &[&str], last_is_prefix| TermKind::Words {
        scope,
        words: words.iter().map(|w| w.to_string()).collect(),
        last_is_prefix,
    };
    assert_eq!(
        groups,
        vec![
            vec![(false, words(Scope::Any, &["vacc"], true))],
            vec![(true, words(Scope::Provider, &["bbc"], true))],
            vec![
                (false, words(Scope::Any, &["climate", "deal"], false)),
                (
                    false,
                    TermKind::Start {
                        scope: Scope::Any,
                        text: "Breaking".into()
                    }
                ),
            ],
            vec![(
                false,
                TermKind::Date {
                    from: Some("2024-06-08T12:00:00Z".parse().expect("a timestamp")),
                    until: None,
                }
            )],
            vec![(
                false,
                TermKind::Number {
                    measure: Measure::Quality,
                    test: NumberTest::Compare(Comparison::AtLeast, 50),
                }
            )],
        ]
    );
}

#[test]
fn errors_name_their_column_and_what_to_write() {
    for (input, column, needle) in [
        ("mars foo:bar", 6, "unknown scope `foo`"),
        ("at 10:30", 6, "'10:30"),
        ("https://x.y", 1, "\"https://x.y\""),
        ("title:", 7, "after the colon"),
        ("a \"b c", 3, "never closed"),
        ("since:yesterday", 7, "2024-03"),
        ("date:2023-02-29", 6, "2023-02-29"),
        ("quality:lots", 9, "quality:>50"),
        ("a | | b", 5, "`|`"),
        ("!!!", 2, "`!`"),
        ("- x", 1, "nothing to search for in `-`"),
        ("title:~abc", 1, "`~`"),
    ] {
        let e = parse(input, &utc_clock()).expect_err(input);
        assert_eq!(e.column, column, "{input}: {e}");
        assert!(e.message.contains(needle), "{input}: {e}");
        assert_eq!(e.to_string(), format!("at column {column}: {}", e.message));
    }
}

#[test]
fn the_guide_examples_all_parse() {
    // Every `word:value` and operator example in the guide is a query of its own.
    for example in [
        "vacc",
        "\"climate deal\"",
        "'covid-19",
        "^breaking",
        "2024$",
        "^mars$",
        "^\"with spaces\"$",
        "~clmt",
        "!sport",
        "!provider:bbc",
        "climate | energy",
        "title:mars excerpt:rover provider:bbc domain:bbc.co.uk topic:space category:science",
        "provider:\"the guardian\" title:^breaking topic:'ai",
        "since:7d until:2024-06 date:2024-03-01 date:2024 date:2024-03 date:2024-03-01T10:30",
        "date:2024-01..2024-03 date:7d",
        "quality:>50 heat:>=80 heat:unknown quality:unknown",
        "'10:30 \"https://x.y\"",
    ] {
        if let Err(e) = parse(example, &utc_clock()) {
            panic!("{example}: {e}");
        }
    }
    assert!(tidings::search::syntax::GUIDE.lines().count() <= 30);
}

/// The README shows the query language from the same text as the help and the man page.
#[test]
fn the_readme_shows_the_guide() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(path).expect("README.md reads");
    assert!(
        readme.contains(&format!("```text\n{}```", tidings::search::syntax::GUIDE)),
        "README.md's query language block differs from syntax::GUIDE"
    );
}
