//! The realistic mode: text whose word frequencies, stories, providers, topics and dates are
//! distributed as in a real news corpus, so that what a search costs and finds on it is what
//! it costs and finds on real cards.
//!
//! - Words: a 40,000-word vocabulary ([`super::vocab`]) drawn with Zipf frequencies for
//!   titles, excerpts, related entries and the Markdown bodies a quarter of the cards carry.
//! - Stories: about 60% of the cards belong to a story, a cluster of 3 to 600 cards (sizes
//!   heavy-tailed, median about 6) that share a person, a subject (`<name> <event>`), a place
//!   and a topic in their titles and excerpts, are published within days of each other, and
//!   whose related entries point at each other. A story's keyword matches its cards: tens to
//!   hundreds of them.
//! - Providers: 300, drawn with Zipf frequencies (the most common publishes about 9% of the
//!   cards); topics: 208, Zipf, one to four per card, a story's own topic first.
//! - Dates over the two years up to 2026-11-22; quality bell-shaped around 50; heat `-1`
//!   (unknown) for a quarter, otherwise mostly low and higher for big stories.
//! - A few percent of titles carry accents, other scripts or emoji, from story names and places
//!   (`São Paulo`, `東京`, `Søren`) and from a list of words and emoji.

use std::fmt::Write as _;

use super::emit::{
    IMAGE_SIZES, base64, capitalize, cdn_of, civil_from_days, days_from_civil, image, kv_quoted,
    random_bytes, slug, teaser,
};
use super::lists::{
    EMOJI, EVENTS, FIRST_NAMES, MONTHS, PLACES, PROVIDER_FIRST, PROVIDER_SECOND, SURNAMES, TLDS,
    TOPICS, UNICODE_WORDS,
};
use super::rng::{Rng, Zipf};
use super::vocab::{Vocab, made_up_word};

/// Distinct words in the vocabulary.
pub const VOCABULARY: usize = 40_000;
const PROVIDERS: usize = 300;
const PROVIDER_EXPONENT: f64 = 0.8;
const TOPIC_EXPONENT: f64 = 1.0;
const PLACE_EXPONENT: f64 = 0.9;
/// Share of the cards that belong to a story, per mille.
const IN_STORY: u64 = 600;
const STORY_MIN: f64 = 3.0;
const STORY_MAX: u64 = 600;
/// Pareto shape of story sizes: close to 1, so a few stories are very large.
const STORY_SHAPE: f64 = 1.1;
/// Share of the cards with a Markdown body after the front matter, per mille.
const WITH_BODY: u64 = 250;
const NO_STORY: u32 = u32::MAX;

struct Provider {
    name: String,
    domain: String,
}

/// A cluster of cards about one thing.
struct Story {
    /// `First Surname`.
    person: String,
    surname: String,
    /// `<Name> <event>`, e.g. `Varnell strike`.
    subject: String,
    place: &'static str,
    topic: usize,
    /// The day the story peaks (days since 1970-01-01) and how many days it spreads over.
    center: i64,
    spread: i64,
    members: Vec<u32>,
}

/// What other cards need to know about card `i`: a pure function of the seed, `i` and the
/// generator's tables, so related entries can point at any card without storing the corpus.
struct Ident {
    hex: String,
    provider: usize,
    title: String,
    excerpt: String,
    day: i64,
    date: String,
    web_url: String,
    amp_url: Option<String>,
    cdn_url: Option<String>,
    quality: u64,
    image: Option<(String, u32, u32)>,
}

/// The realistic generator for one seed and corpus size.
pub struct Gen {
    seed: u64,
    n: u64,
    vocab: Vocab,
    providers: Vec<Provider>,
    provider_zipf: Zipf,
    topic_zipf: Zipf,
    place_zipf: Zipf,
    stories: Vec<Story>,
    story_of: Vec<u32>,
    date_lo: i64,
    date_hi: i64,
}

impl Gen {
    pub fn new(seed: u64, n: u64) -> Gen {
        let place_zipf = Zipf::new(PLACES.len(), PLACE_EXPONENT);
        let topic_zipf = Zipf::new(TOPICS.len(), TOPIC_EXPONENT);
        let date_lo = days_from_civil(2024, 11, 23);
        let date_hi = days_from_civil(2026, 11, 22);
        let (stories, story_of) = stories(seed, n, &place_zipf, &topic_zipf, date_lo, date_hi);
        let providers = providers(seed);
        Gen {
            seed,
            n,
            vocab: Vocab::new(seed, VOCABULARY),
            provider_zipf: Zipf::new(providers.len(), PROVIDER_EXPONENT),
            providers,
            topic_zipf,
            place_zipf,
            stories,
            story_of,
            date_lo,
            date_hi,
        }
    }

    /// The largest story: its person's surname, its subject and how many cards it has; for
    /// benchmarks that search for a story as a reader would.
    pub fn biggest_story(&self) -> Option<(&str, &str, usize)> {
        self.stories
            .iter()
            .max_by_key(|s| s.members.len())
            .map(|s| (s.surname.as_str(), s.subject.as_str(), s.members.len()))
    }

    fn story(&self, i: u64) -> Option<&Story> {
        let k = *self.story_of.get(i as usize)?;
        self.stories.get(k as usize)
    }

    fn ident(&self, i: u64) -> Ident {
        let mut rng = Rng::stream(self.seed, i, 31);
        let story = self.story(i);
        let hex = format!("{:016x}", rng.next_u64());
        let provider = self.provider_zipf.sample(&mut rng);
        let day = match story {
            Some(s) => {
                // Most of a story's cards come close to its peak, a few trail after it.
                let offset = (-(1.0 - rng.unit()).ln() * s.spread as f64) as i64;
                let offset = if rng.chance(300) { -offset / 3 } else { offset };
                (s.center + offset).clamp(self.date_lo, self.date_hi)
            }
            None => self.date_lo + rng.below((self.date_hi - self.date_lo + 1) as u64) as i64,
        };
        let words = self.title_words(&mut rng, story);
        let title = words.join(" ");
        let excerpt = self.excerpt(&mut rng, story, day);
        let (y, m, d) = civil_from_days(day);
        let (hh, mm) = (rng.below(24), rng.below(60));
        let date = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:00Z");
        let domain = &self.providers[provider].domain;
        let path = format!("/{y:04}/{m:02}/{}", slug(&words, &mut rng));
        let web_url = format!("https://{domain}{path}");
        let (amp_url, cdn_url) = if rng.chance(400) {
            let amp_path = format!("/amp{path}");
            (
                Some(format!("https://{domain}{amp_path}")),
                Some(cdn_of(domain, &amp_path)),
            )
        } else {
            (None, None)
        };
        // Bell-shaped around 50.
        let quality = (0..4).map(|_| rng.range(0, 25)).sum();
        let image = rng.chance(750).then(|| {
            let (w, h) = IMAGE_SIZES[rng.below(IMAGE_SIZES.len() as u64) as usize];
            let url = format!(
                "https://{domain}/images/{y:04}/{m:02}/{}.jpg",
                rng.next_u64() >> 24
            );
            (url, w, h)
        });
        Ident {
            hex,
            provider,
            title,
            excerpt,
            day,
            date,
            web_url,
            amp_url,
            cdn_url,
            quality,
            image,
        }
    }

    /// A headline: Zipf words with the story's keywords, sometimes `Subject: ...`, sometimes
    /// in title case, now and then with a non-ASCII word or an emoji.
    fn title_words(&self, rng: &mut Rng, story: Option<&Story>) -> Vec<String> {
        let n = rng.range(5, 12) as usize;
        let mut words: Vec<String> = (0..n)
            .map(|_| self.vocab.title_word(rng).to_string())
            .collect();
        let mut lead = None;
        match story {
            Some(s) => {
                let keywords = [
                    if rng.chance(300) {
                        s.person.as_str()
                    } else {
                        s.surname.as_str()
                    },
                    s.subject.as_str(),
                    s.place,
                ];
                if rng.chance(120) {
                    // `Subject: ...`, then one other keyword.
                    lead = Some(format!("{}:", s.subject));
                    let other = keywords[rng.below(2) as usize * 2];
                    insert(rng, &mut words, other);
                } else {
                    let first = rng.below(3) as usize;
                    insert(rng, &mut words, keywords[first]);
                    if rng.chance(500) {
                        insert(rng, &mut words, keywords[(first + 1) % 3]);
                    }
                }
            }
            None => {
                if rng.chance(250) {
                    let place = PLACES[self.place_zipf.sample(rng)];
                    insert(rng, &mut words, place);
                }
                if rng.chance(100) {
                    let person = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(SURNAMES));
                    insert(rng, &mut words, &person);
                }
            }
        }
        if rng.chance(30) {
            let word = rng.pick(UNICODE_WORDS);
            insert(rng, &mut words, word);
        }
        if rng.chance(20) {
            words.push(rng.pick(EMOJI).to_string());
        }
        if rng.chance(350) {
            for w in &mut words {
                if w.len() > 3 {
                    *w = capitalize(w);
                }
            }
        }
        if let Some(lead) = lead {
            words.insert(0, lead);
        }
        words[0] = capitalize(&words[0]);
        words
    }

    /// One sentence of `lo..=hi` Zipf words with `keywords` placed among them.
    fn sentence(&self, rng: &mut Rng, lo: u64, hi: u64, keywords: &[&str]) -> String {
        let mut words: Vec<&str> = (0..rng.range(lo, hi))
            .map(|_| self.vocab.word(rng))
            .collect();
        for k in keywords {
            let at = rng.below(words.len() as u64 + 1) as usize;
            words.insert(at, k);
        }
        let mut s = String::with_capacity(words.len() * 7);
        for (j, w) in words.iter().enumerate() {
            if j > 0 {
                if rng.chance(50) {
                    s.push(',');
                }
                s.push(' ');
            }
            s.push_str(w);
        }
        let mut s = capitalize(&s);
        s.push('.');
        s
    }

    /// Two to four sentences; a story's first names its person, subject and place. One in five
    /// writes the date out (`on 14 March 2025`). Half are cut to a teaser ending in ` ...`.
    fn excerpt(&self, rng: &mut Rng, story: Option<&Story>, day: i64) -> String {
        let mut keywords: Vec<&str> = Vec::new();
        if let Some(s) = story {
            for k in [s.person.as_str(), s.subject.as_str(), s.place] {
                if rng.chance(600) {
                    keywords.push(k);
                }
            }
        }
        let date;
        if rng.chance(200) {
            let (y, m, d) = civil_from_days(day);
            date = format!("on {d} {} {y}", MONTHS[(m - 1) as usize]);
            keywords.push(&date);
        }
        let mut s = self.sentence(rng, 8, 20, &keywords);
        for _ in 0..rng.range(1, 3) {
            s.push(' ');
            s.push_str(&self.sentence(rng, 6, 18, &[]));
        }
        if rng.chance(500) {
            teaser(&s, rng.range(150, 350) as usize)
        } else {
            s
        }
    }

    /// Two to five paragraphs of Markdown, now and then with a heading.
    fn body(&self, rng: &mut Rng, story: Option<&Story>) -> String {
        let mut out = String::new();
        for p in 0..rng.range(2, 5) {
            if p > 0 && rng.chance(200) {
                let _ = writeln!(out, "## {}\n", self.sentence(rng, 2, 5, &[]));
            }
            for k in 0..rng.range(2, 5) {
                if k > 0 {
                    out.push(' ');
                }
                let keyword = story
                    .filter(|_| rng.chance(150))
                    .map(|s| s.surname.as_str());
                let keywords: Vec<&str> = keyword.into_iter().collect();
                out.push_str(&self.sentence(rng, 8, 24, &keywords));
            }
            out.push_str("\n\n");
        }
        out
    }

    /// Card `i`: its content id (for the file name) and its text.
    pub fn card(&self, i: u64) -> (String, String) {
        let me = self.ident(i);
        let story = self.story(i);
        let mut rng = Rng::stream(self.seed, i, 32);
        let prov = &self.providers[me.provider];
        let mut s = String::with_capacity(4096);
        s.push_str("---\ncategory: news\n");
        kv_quoted(&mut s, "", "title", &me.title);
        kv_quoted(&mut s, "", "excerpt", &me.excerpt);
        let _ = writeln!(s, "publishedDateTime: {}", me.date);
        kv_quoted(&mut s, "", "originalUrl", &me.web_url);
        kv_quoted(&mut s, "", "webUrl", &me.web_url);
        if let (Some(amp), Some(cdn)) = (&me.amp_url, &me.cdn_url) {
            kv_quoted(&mut s, "", "ampWebUrl", amp);
            kv_quoted(&mut s, "", "cdnAmpWebUrl", cdn);
        }
        s.push_str("type: article\n");
        let _ = writeln!(s, "quality: {}", me.quality);
        let heat: i64 = if rng.chance(250) {
            -1
        } else {
            // Mostly low; a big story runs hot.
            let boost = story.map_or(0.0, |st| (st.members.len() as f64).ln() * 8.0);
            (rng.unit().powi(3) * 70.0 + boost).min(100.0) as i64
        };
        let _ = writeln!(s, "heat: {heat}");
        let _ = writeln!(s, "published: {}", rng.chance(80));
        kv_quoted(&mut s, "\nprovider:\n  ", "name", &prov.name);
        let _ = writeln!(s, "  domain: {}", prov.domain);

        s.push_str("\ntopics:\n");
        let mut chosen: Vec<usize> = story.map(|st| st.topic).into_iter().collect();
        let n_topics = rng.range(1, 4) as usize;
        while chosen.len() < n_topics {
            let t = self.topic_zipf.sample(&mut rng);
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        for t in &chosen {
            let _ = writeln!(s, "  - {}", TOPICS[*t]);
        }

        let n_images = match rng.below(10) {
            0..=2 => 0,
            3..=8 => 1,
            _ => 2,
        };
        if n_images > 0 {
            s.push_str("\nimages:\n");
            for k in 0..n_images {
                let (url, w, h) = match (&me.image, k) {
                    (Some(img), 0) => img.clone(),
                    _ => {
                        let (w, h) = IMAGE_SIZES[rng.below(IMAGE_SIZES.len() as u64) as usize];
                        let url = format!(
                            "https://cdn.{}/media/{:x}/{w}x{h}.jpg",
                            prov.domain,
                            rng.next_u64() >> 16
                        );
                        (url, w, h)
                    }
                };
                image(&mut s, "  ", &url, w, h, !rng.chance(100));
            }
        }

        let n_related = match rng.below(20) {
            0..=2 => 0,
            3..=9 => 1,
            10..=15 => 2,
            16..=18 => 3,
            _ => 4,
        };
        if n_related > 0 {
            s.push_str("\nrelated:\n");
        }
        for _ in 0..n_related {
            match story {
                Some(st) if st.members.len() > 1 && rng.chance(750) => {
                    // Another member: skip over this card's own place in the sorted list.
                    let own = st.members.partition_point(|&m| u64::from(m) < i);
                    let mut k = rng.below(st.members.len() as u64 - 1) as usize;
                    if k >= own {
                        k += 1;
                    }
                    let j = u64::from(st.members[k]);
                    self.related_inside(&mut s, &mut rng, &self.ident(j));
                }
                _ if self.n > 1 && rng.chance(100) => {
                    let mut j = rng.below(self.n - 1);
                    if j >= i {
                        j += 1;
                    }
                    self.related_inside(&mut s, &mut rng, &self.ident(j));
                }
                _ => self.related_outside(&mut s, &mut rng, story, me.day),
            }
        }

        let payload_len = rng.range(330, 342) as usize;
        let payload = base64(&random_bytes(&mut rng, payload_len));
        let iv = base64(&random_bytes(&mut rng, 16));
        let _ = write!(s, "\nsecured: \"{payload};{iv}\"\n---\n\n");
        if rng.chance(WITH_BODY) {
            s.push_str(self.body(&mut rng, story).trim_end());
            s.push('\n');
        }
        (me.hex, s)
    }

    /// A related entry pointing at another generated card.
    fn related_inside(&self, s: &mut String, rng: &mut Rng, t: &Ident) {
        let prov = &self.providers[t.provider];
        let mut url = match &t.amp_url {
            Some(amp) if rng.chance(300) => amp.clone(),
            _ => t.web_url.clone(),
        };
        if rng.chance(200) {
            url.push_str("?utm_source=feed");
        }
        kv_quoted(s, "  - ", "title", &t.title);
        if rng.chance(600) {
            kv_quoted(s, "    ", "excerpt", &teaser(&t.excerpt, 120));
        }
        let _ = writeln!(s, "    publishedDateTime: {}", t.date);
        kv_quoted(s, "    ", "webUrl", &url);
        if let (Some(amp), Some(cdn), true) = (&t.amp_url, &t.cdn_url, rng.chance(250)) {
            kv_quoted(s, "    ", "ampWebUrl", amp);
            kv_quoted(s, "    ", "cdnAmpWebUrl", cdn);
        }
        s.push_str("    type: article\n");
        kv_quoted(s, "    provider:\n      ", "name", &prov.name);
        let _ = writeln!(s, "      domain: {}", prov.domain);
        let _ = writeln!(s, "    quality: {}", t.quality);
        if let (Some((u, w, h)), true) = (&t.image, rng.chance(350)) {
            s.push_str("    images:\n");
            image(s, "      ", u, *w, *h, true);
        }
    }

    /// A related entry pointing outside the corpus; about the same story when there is one.
    fn related_outside(&self, s: &mut String, rng: &mut Rng, story: Option<&Story>, day: i64) {
        let words = self.title_words(rng, story);
        let prov = &self.providers[self.provider_zipf.sample(rng)];
        let day = (day - rng.below(10) as i64).max(self.date_lo);
        let (y, m, d) = civil_from_days(day);
        let path = format!("/ext/{y:04}{m:02}{d:02}/{}", slug(&words, rng));
        let host = format!("www.{}", prov.domain);
        kv_quoted(s, "  - ", "title", &words.join(" "));
        if rng.chance(500) {
            let excerpt = self.sentence(rng, 10, 24, &[]);
            kv_quoted(s, "    ", "excerpt", &teaser(&excerpt, 120));
        }
        let _ = writeln!(
            s,
            "    publishedDateTime: {y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z",
            rng.below(24),
            rng.below(60)
        );
        kv_quoted(s, "    ", "webUrl", &format!("https://{host}{path}"));
        if rng.chance(200) {
            let amp_path = format!("/amp{path}");
            kv_quoted(s, "    ", "ampWebUrl", &format!("https://{host}{amp_path}"));
            kv_quoted(s, "    ", "cdnAmpWebUrl", &cdn_of(&host, &amp_path));
        }
        s.push_str("    type: article\n");
        kv_quoted(s, "    provider:\n      ", "name", &prov.name);
        let _ = writeln!(s, "      domain: {}", prov.domain);
        let _ = writeln!(s, "    quality: {}", rng.range(0, 100));
    }
}

/// Puts `word` at a random place among `words`, never first (headlines rarely start with it).
fn insert(rng: &mut Rng, words: &mut Vec<String>, word: &str) {
    let at = rng.range(1, words.len().max(1) as u64) as usize;
    words.insert(at.min(words.len()), word.to_string());
}

/// The providers: distinct `<first> <second>` names in an order fixed by the seed, so which
/// ones are common depends on the seed too.
fn providers(seed: u64) -> Vec<Provider> {
    let mut rng = Rng::stream(seed, 0, 21);
    let mut pairs: Vec<(usize, usize)> = (0..PROVIDER_FIRST.len())
        .flat_map(|a| (0..PROVIDER_SECOND.len()).map(move |b| (a, b)))
        .collect();
    rng.shuffle(&mut pairs);
    pairs
        .into_iter()
        .take(PROVIDERS)
        .map(|(a, b)| {
            let name = format!("{} {}", PROVIDER_FIRST[a], PROVIDER_SECOND[b]);
            let domain = format!("{}.{}", ascii_fold(&name), rng.pick(TLDS));
            Provider { name, domain }
        })
        .collect()
}

/// Lowercase ASCII letters and digits of `s`, accents dropped: `Città Post` → `cittapost`.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'å' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'ø' => Some('o'),
            'ú' | 'ù' | 'û' | 'ü' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The stories and, for each card, the index of its story (or [`NO_STORY`]): story sizes
/// follow a Pareto law until they cover [`IN_STORY`] of the cards, which are dealt to them in
/// an order shuffled by the seed.
fn stories(
    seed: u64,
    n: u64,
    places: &Zipf,
    topics: &Zipf,
    date_lo: i64,
    date_hi: i64,
) -> (Vec<Story>, Vec<u32>) {
    let mut rng = Rng::stream(seed, 0, 22);
    let target = n * IN_STORY / 1000;
    let cap = (n / 4).clamp(STORY_MIN as u64, STORY_MAX);
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    let mut story_of = vec![NO_STORY; n as usize];
    let mut stories = Vec::new();
    let mut dealt = 0u64;
    while dealt < target {
        let size = (STORY_MIN / (1.0 - rng.unit()).powf(1.0 / STORY_SHAPE)) as u64;
        let size = size.clamp(1, cap).min(n - dealt);
        let mut members = order[dealt as usize..(dealt + size) as usize].to_vec();
        members.sort_unstable();
        for m in &members {
            story_of[*m as usize] = stories.len() as u32;
        }
        dealt += size;
        let first = rng.pick(FIRST_NAMES);
        let surname = if rng.chance(750) {
            capitalize(&made_up_word(&mut rng))
        } else {
            rng.pick(SURNAMES).to_string()
        };
        let subject = format!(
            "{} {}",
            capitalize(&made_up_word(&mut rng)),
            rng.pick(EVENTS)
        );
        stories.push(Story {
            person: format!("{first} {surname}"),
            surname,
            subject,
            place: PLACES[places.sample(&mut rng)],
            topic: topics.sample(&mut rng),
            center: date_lo + rng.below((date_hi - date_lo + 1) as u64) as i64,
            spread: 1 + rng.below(3) as i64 + size as i64 / 8,
            members,
        });
    }
    (stories, story_of)
}
