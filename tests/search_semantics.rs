//! What queries find, and in what order, on a small corpus written for these tests: folding,
//! prefixes, Japanese, the tiers and their order, typo limits, scopes, dates (time zones, month
//! ends), numbers, `|`, `~`, exact terms and the negation of each kind.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tidings::corpus::{Card, CardId, Corpus, Delta, Prose, Provider};
use tidings::search::engine::{Found, Tier};
use tidings::search::syntax::{Clock, parse};
use tidings::search::worker::search_once;

struct Spec {
    id: u64,
    title: &'static str,
    excerpt: &'static str,
    provider: (&'static str, &'static str),
    topics: &'static [&'static str],
    date: Option<&'static str>,
    quality: Option<i64>,
    heat: Option<i64>,
}

const CARDS: &[Spec] = &[
    Spec {
        id: 1,
        title: "Über den Wolken: café culture in Berlin",
        excerpt: "A look at coffee houses and their regulars.",
        provider: ("Der Spiegel", "spiegel.de"),
        topics: &["Culture"],
        date: Some("2024-03-01T10:00:00Z"),
        quality: Some(80),
        heat: Some(90),
    },
    Spec {
        id: 2,
        title: "James Webb telescope spots an early galaxy",
        excerpt: "Astronomers found light from the first billion years.",
        provider: ("BBC News", "bbc.co.uk"),
        topics: &["Space", "Science"],
        date: Some("2024-03-15T23:30:00Z"),
        quality: Some(60),
        heat: None,
    },
    Spec {
        id: 3,
        title: "Climate change talks stall in Bonn",
        excerpt: "Energy ministers left without a deal on emissions.",
        provider: ("Reuters", "reuters.com"),
        topics: &["Climate", "Energy"],
        date: Some("2024-06-30T22:30:00Z"),
        quality: Some(40),
        heat: Some(20),
    },
    Spec {
        id: 4,
        title: "Energy prices fall for a third month",
        excerpt: "Gas and electricity were cheaper in February.",
        provider: ("Financial Times", "ft.com"),
        topics: &["Energy", "Markets"],
        date: Some("2024-02-29T12:00:00Z"),
        quality: Some(70),
        heat: Some(75),
    },
    Spec {
        id: 5,
        title: "東京の天気は雨",
        excerpt: "Rain over the capital all weekend.",
        provider: ("NHK", "nhk.or.jp"),
        topics: &["Weather"],
        date: Some("2023-12-31T23:00:00Z"),
        quality: None,
        heat: None,
    },
    Spec {
        id: 6,
        title: "Mars rover finds water ice",
        excerpt: "The drill went two metres down.",
        provider: ("NASA", "nasa.gov"),
        topics: &["Space"],
        date: Some("2025-01-10T08:00:00Z"),
        quality: Some(55),
        heat: Some(60),
    },
    Spec {
        id: 7,
        title: "Rover lands safely as the Mars mission team celebrates",
        excerpt: "A long wait ends.",
        provider: ("NASA", "nasa.gov"),
        topics: &["Space"],
        date: Some("2025-01-11T08:00:00Z"),
        quality: Some(50),
        heat: Some(50),
    },
    Spec {
        id: 8,
        title: "AI chips in short supply",
        excerpt: "Makers cannot keep up.",
        provider: ("The Verge", "theverge.com"),
        topics: &["AI", "Hardware"],
        date: Some("2024-05-01T08:00:00Z"),
        quality: Some(30),
        heat: Some(10),
    },
    Spec {
        id: 9,
        title: "Athletics championship opens in Rome",
        excerpt: "Sprinters arrive.",
        provider: ("ANSA", "ansa.it"),
        topics: &["Sport", "Athletics"],
        date: Some("2024-05-02T08:00:00Z"),
        quality: Some(20),
        heat: Some(5),
    },
    Spec {
        id: 10,
        title: "Vaccine rollout speeds up",
        excerpt: "Clinics open on Sundays.",
        provider: ("BBC News", "bbc.co.uk"),
        topics: &["Health"],
        date: Some("2024-04-01T08:00:00Z"),
        quality: Some(45),
        heat: Some(40),
    },
    Spec {
        id: 11,
        title: "Weekly roundup",
        excerpt: "A new telescope, a vaccine and the weather.",
        provider: ("Local Paper", "local.example"),
        topics: &["Roundup"],
        date: Some("2024-04-02T08:00:00Z"),
        quality: Some(10),
        heat: None,
    },
    Spec {
        id: 12,
        title: "Council meeting moved to 10:30",
        excerpt: "Residents asked for a later start; lockers open.",
        provider: ("Local Paper", "local.example"),
        topics: &["Local"],
        date: None,
        quality: Some(5),
        heat: Some(1),
    },
    Spec {
        id: 13,
        title: "Rovers win the cup",
        excerpt: "A late goal.",
        provider: ("ANSA", "ansa.it"),
        topics: &["Sport"],
        date: Some("2024-05-03T08:00:00Z"),
        quality: Some(35),
        heat: Some(30),
    },
];

fn corpus() -> Corpus {
    let cards = CARDS
        .iter()
        .map(|s| Card {
            id: CardId(s.id),
            path: format!("card-{}.txt", s.id).into(),
            title: Some(s.title.into()),
            prose: Prose::held(Some(s.excerpt.into()), None),
            provider: Some(Provider {
                name: Some(s.provider.0.into()),
                domain: Some(s.provider.1.into()),
            }),
            topics: s.topics.iter().map(|t| (*t).into()).collect(),
            published_date_time: s.date.map(|d| d.parse().unwrap()),
            quality: s.quality,
            heat: s.heat,
            ..Card::default()
        })
        .collect();
    let mut corpus = Corpus::default();
    corpus.apply(Delta {
        upserts: cards,
        removals: Vec::new(),
        forget: Vec::new(),
    });
    corpus
}

fn now() -> Timestamp {
    "2025-01-12T12:00:00Z".parse().unwrap()
}

fn find_in(zone: TimeZone, query: &str) -> Found {
    let corpus = corpus();
    let clock = Clock { now: now(), zone };
    let parsed = parse(query, &clock).unwrap_or_else(|e| panic!("{query:?}: {e}"));
    search_once(&parsed, corpus.cards(), corpus.epoch()).unwrap()
}

/// The ids found for `query` (UTC), in ranked order.
fn ids(query: &str) -> Vec<u64> {
    ids_in(TimeZone::UTC, query)
}

fn ids_in(zone: TimeZone, query: &str) -> Vec<u64> {
    let corpus = corpus();
    find_in(zone, query)
        .hits
        .iter()
        .map(|h| corpus.get(h.ix).unwrap().id.0)
        .collect()
}

/// The ids of the hits of one tier.
fn tier_ids(query: &str, tier: Tier) -> Vec<u64> {
    let corpus = corpus();
    find_in(TimeZone::UTC, query)
        .hits
        .iter()
        .filter(|h| h.tier == tier)
        .map(|h| corpus.get(h.ix).unwrap().id.0)
        .collect()
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v
}

#[test]
fn case_and_accents_fold() {
    assert_eq!(ids("uber"), [1]);
    assert_eq!(ids("ÜBER"), [1]);
    assert_eq!(ids("cafe"), [1]);
    assert_eq!(ids("café"), [1]);
}

#[test]
fn every_term_is_a_prefix_and_all_are_required() {
    assert_eq!(ids("vacc"), [10, 11]);
    assert_eq!(ids("vacc roll"), [10]);
    assert_eq!(ids("vacc mars"), Vec::<u64>::new());
}

#[test]
fn japanese_is_found_per_character() {
    assert_eq!(ids("東京"), [5]);
    assert_eq!(ids("天気"), [5]);
    assert_eq!(ids("京東"), Vec::<u64>::new(), "the characters in order");
}

#[test]
fn title_before_topics_before_excerpt_and_whole_words_before_prefixes() {
    assert_eq!(ids("telescope")[..2], [2, 11], "title, then excerpt");
    assert_eq!(ids("energy")[..2], [4, 3], "title, then topics");
    assert_eq!(
        tier_ids("rover", Tier::Words),
        [7, 6, 13],
        "whole words (newest first), then `Rovers`"
    );
    assert_eq!(
        tier_ids("rover", Tier::Typos),
        [5],
        "`over`, one letter dropped"
    );
}

#[test]
fn terms_close_together_in_the_title_rank_first() {
    assert_eq!(ids("mars rover"), [6, 7]);
    assert_eq!(ids("rover mars"), [6, 7]);
}

#[test]
fn approximate_matches_follow_the_word_matches_in_tier_order() {
    let found = find_in(TimeZone::UTC, "telscope");
    assert_eq!(found.words, 0);
    let tiers: Vec<Tier> = found.hits.iter().map(|h| h.tier).collect();
    assert_eq!(tiers[..2], [Tier::Typos, Tier::Typos], "{tiers:?}");
    assert!(tiers.windows(2).all(|w| w[0] <= w[1]), "{tiers:?}");
    assert_eq!(ids("telscope")[..2], [2, 11]);

    let found = find_in(TimeZone::UTC, "tlscp");
    assert_eq!(found.words, 0);
    assert_eq!(found.hits.first().map(|h| h.tier), Some(Tier::Scattered));
    assert_eq!(ids("tlscp")[0], 2, "the best scattered match first");
    assert_eq!(
        sorted(ids("tlscp")),
        [2, 9],
        "aTHLetics Championship: the title only"
    );
}

#[test]
fn typos_are_forgiven_by_length() {
    assert!(
        tier_ids("rovr", Tier::Typos).is_empty(),
        "4 letters: no typo"
    );
    assert_eq!(tier_ids("wolkn", Tier::Typos), [1], "5 letters: one typo");
    assert!(tier_ids("wlkn", Tier::Typos).is_empty());
    assert_eq!(tier_ids("wlken", Tier::Typos), [1]);
    assert!(
        tier_ids("wlkeen", Tier::Typos).is_empty(),
        "two typos in 6 letters"
    );
    assert_eq!(tier_ids("championsihp", Tier::Typos), [9], "a swap");
    assert_eq!(
        tier_ids("chmpionsihp", Tier::Typos),
        [9],
        "9 letters: two typos"
    );
}

#[test]
fn approximate_matches_come_only_below_fifty_word_matches() {
    let corpus_of = |n: u64| {
        let mut cards: Vec<Card> = (0..n)
            .map(|i| Card {
                id: CardId(i),
                title: Some(format!("alpha story {i}").into()),
                ..Card::default()
            })
            .collect();
        cards.push(Card {
            id: CardId(1000),
            title: Some("alpah report".into()),
            ..Card::default()
        });
        let mut corpus = Corpus::default();
        corpus.apply(Delta {
            upserts: cards,
            removals: Vec::new(),
            forget: Vec::new(),
        });
        corpus
    };
    let clock = Clock {
        now: now(),
        zone: TimeZone::UTC,
    };
    let query = parse("alpha", &clock).unwrap();
    let few = corpus_of(49);
    let found = search_once(&query, few.cards(), few.epoch()).unwrap();
    assert_eq!((found.words, found.approximate()), (49, 1));
    let enough = corpus_of(50);
    let found = search_once(&query, enough.cards(), enough.epoch()).unwrap();
    assert_eq!((found.words, found.approximate()), (50, 0));
}

#[test]
fn scopes_match_words_of_their_field() {
    assert_eq!(
        ids("topic:ai"),
        [8],
        "not `Athletics`, nor scattered through a title"
    );
    assert_eq!(ids("provider:bbc"), [10, 2]);
    assert_eq!(ids("domain:bbc"), [10, 2]);
    assert_eq!(ids("provider:verge"), [8]);
    assert!(ids("domain:verge").is_empty(), "the domain is one word");
    assert_eq!(ids("excerpt:astronomers"), [2]);
    assert!(ids("title:astronomers").is_empty());
    assert_eq!(ids("title:\"mars rover\""), [6]);
}

#[test]
fn dates_in_the_readers_zone_with_month_ends() {
    assert_eq!(sorted(ids("date:2024-03")), [1, 2]);
    assert_eq!(sorted(ids("date:2024-02")), [4], "29 February");
    assert_eq!(sorted(ids("until:2024-02")), [4, 5]);
    assert_eq!(ids("date:2024-02-29"), [4]);
    assert_eq!(sorted(ids("date:2024-06")), [3], "30 June 22:30 UTC");
    let berlin = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
    assert!(
        ids_in(berlin.clone(), "date:2024-06").is_empty(),
        "in Berlin it is 1 July"
    );
    assert_eq!(ids_in(berlin.clone(), "date:2024-07-01"), [3]);
    assert_eq!(
        ids_in(berlin, "date:2023"),
        Vec::<u64>::new(),
        "New Year's Eve 23:00 UTC"
    );
    assert_eq!(ids("date:2023"), [5]);
    assert_eq!(sorted(ids("since:2025-01-11")), [7]);
    assert_eq!(sorted(ids("since:3d")), [6, 7]);
    assert_eq!(sorted(ids("date:2024-03-01..2024-03-15")), [1, 2]);
    assert!(ids("date:2024-03-01T00:00+02:00..2024-03-01T11:59+02:00").is_empty());
    assert!(
        !ids("until:1y").contains(&12),
        "a card without a date never matches"
    );
}

#[test]
fn numbers_compare_and_unknown_is_its_own_value() {
    assert_eq!(sorted(ids("quality:>50")), [1, 2, 4, 6]);
    assert_eq!(sorted(ids("quality:>=55")), [1, 2, 4, 6]);
    assert_eq!(sorted(ids("heat:>=80")), [1]);
    assert_eq!(sorted(ids("heat:unknown")), [2, 5, 11]);
    assert_eq!(sorted(ids("quality:unknown")), [5]);
}

#[test]
fn alternatives_scattered_and_exact_terms() {
    assert_eq!(sorted(ids("climate | vaccine")), [3, 10, 11]);
    assert_eq!(sorted(ids("climate|vaccine")), [3, 10, 11]);
    assert_eq!(sorted(ids("~tlscp")), [2, 9]);
    assert_eq!(ids("'10:30"), [12]);
    assert_eq!(ids("'ocker"), [12], "inside a word");
    assert_eq!(ids("^climate"), [3]);
    assert_eq!(ids("title:celebrates$"), [7]);
}

#[test]
fn every_kind_of_term_negates() {
    let all: Vec<u64> = (1..=13).collect();
    let without =
        |drop: &[u64]| -> Vec<u64> { all.iter().copied().filter(|i| !drop.contains(i)).collect() };
    assert_eq!(sorted(ids("!space")), without(&[2, 6, 7]));
    assert_eq!(sorted(ids("!provider:bbc")), without(&[2, 10]));
    assert_eq!(sorted(ids("!'10:30")), without(&[12]));
    assert_eq!(sorted(ids("!\"mars rover\"")), without(&[6]));
    assert_eq!(sorted(ids("!date:2024")), [5, 6, 7, 12]);
    assert_eq!(sorted(ids("!quality:>50")), without(&[1, 2, 4, 6]));
    assert_eq!(sorted(ids("!heat:unknown")), without(&[2, 5, 11]));
    assert_eq!(sorted(ids("!~tlscp")), without(&[2, 9]));
    assert_eq!(sorted(ids("!^climate")), without(&[3]));
    assert_eq!(sorted(ids("space !mars")), [2]);
}
