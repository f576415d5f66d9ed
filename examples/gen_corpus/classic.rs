//! The classic mode: cards built from a few hundred phrase fragments. Every word appears in a
//! large share of the cards, so search figures on it flatter; kept byte for byte as it was, for
//! the tests and benchmarks that compare against earlier runs.

use std::fmt::Write as _;

use super::emit::{
    IMAGE_SIZES, base64, capitalize, cdn_of, civil_from_days, days_from_civil, image, kv_quoted,
    random_bytes, slug, teaser,
};
use super::rng::Rng;

const MIN_TITLE_WORDS: usize = 8;
const MAX_TITLE_WORDS: usize = 16;

const SUBJECTS: &[&str] = &[
    "researchers",
    "scientists",
    "engineers",
    "regulators",
    "city officials",
    "economists",
    "doctors",
    "astronomers",
    "startups",
    "agencies",
    "investors",
    "farmers",
    "teachers",
    "lawmakers",
    "new studies",
    "committees",
    "volunteers",
    "analysts",
    "developers",
    "clinicians",
];

const VERBS: &[&str] = &[
    "unveil",
    "report",
    "test",
    "question",
    "map",
    "announce",
    "launch",
    "track",
    "rethink",
    "measure",
    "challenge",
    "expand",
    "review",
    "predict",
    "fund",
    "approve",
    "simulate",
    "propose",
    "publish",
    "revisit",
];

const ADJECTIVES: &[&str] = &[
    "new",
    "low-cost",
    "open",
    "faster",
    "regional",
    "experimental",
    "large",
    "hidden",
    "early",
    "shared",
    "autonomous",
    "public",
    "quantum",
    "coastal",
    "rural",
    "urban",
    "wearable",
    "digital",
    "rare",
    "global",
];

const NOUNS: &[&str] = &[
    "model",
    "vaccine",
    "battery",
    "telescope",
    "dataset",
    "policy",
    "satellite",
    "algorithm",
    "reactor",
    "treatment",
    "network",
    "sensor",
    "marathon",
    "festival",
    "market",
    "harvest",
    "glacier",
    "protein",
    "museum",
    "budget",
    "chip",
    "forecast",
    "trial",
    "exhibition",
    "pipeline",
];

const PLACES: &[&str] = &[
    "in northern towns",
    "across the region",
    "near the coast",
    "at the summit",
    "in three cities",
    "on the ocean floor",
    "in low orbit",
    "in rural clinics",
    "across Europe",
    "in public schools",
    "after a decade",
    "for the first time",
    "despite rising costs",
    "ahead of winter",
    "within weeks",
];

const TAILS: &[&str] = &[
    "study finds",
    "report says",
    "officials say",
    "data show",
    "survey suggests",
    "early results show",
    "experts warn",
    "researchers say",
];

/// Words that put non-ASCII text into about 5% of titles.
const UNICODE_WORDS: &[&str] = &[
    "café",
    "Zürich",
    "São Paulo",
    "Kraków",
    "naïve",
    "Málaga",
    "Ærø",
    "東京",
    "日本語",
    "인공지능",
    "数据",
    "🚀",
    "🌍",
    "📈",
    "Ελλάδα",
    "Москва",
    "Straße",
];

const FILLER: &[&str] = &[
    "The findings",
    "Officials",
    "The team",
    "Critics",
    "Supporters",
    "The authors",
    "Local residents",
    "Industry groups",
    "Independent experts",
    "The company",
];

const FILLER_VERBS: &[&str] = &[
    "said the results were encouraging",
    "cautioned that more data is needed",
    "expect a decision later this year",
    "plan to publish the full dataset",
    "pointed to rising costs and delays",
    "described the change as overdue",
    "warned against drawing early conclusions",
    "said the approach could scale quickly",
    "called for an independent review",
    "noted that the sample was small",
];

const FILLER_OBJECTS: &[&str] = &[
    "after months of testing",
    "in a statement on Tuesday",
    "according to figures released this week",
    "in a peer-reviewed paper",
    "at a briefing for reporters",
    "during a public consultation",
    "in an interview",
    "ahead of the next funding round",
];

const TOPICS: &[&str] = &[
    "AI",
    "Machine Learning",
    "Climate",
    "Energy",
    "Space",
    "Astronomy",
    "Health",
    "Medicine",
    "Lupus",
    "Vaccines",
    "Economy",
    "Markets",
    "Trade",
    "Jobs",
    "Housing",
    "Sport",
    "Football",
    "Athletics",
    "Cycling",
    "Chess",
    "Culture",
    "Film",
    "Music",
    "Theatre",
    "Books",
    "Science",
    "Biology",
    "Physics",
    "Chemistry",
    "Oceans",
    "Technology",
    "Semiconductors",
    "Batteries",
    "Quantum Computing",
    "Robotics",
    "Security",
    "Privacy",
    "Open Source",
    "Politics",
    "Elections",
    "Policy",
    "Education",
    "Transport",
    "Cities",
    "Agriculture",
    "Food",
    "Water",
    "Wildlife",
    "Biodiversity",
    "Weather",
    "Satellites",
    "Mars",
    "Moon",
    "Genetics",
    "Mental Health",
    "Sleep",
    "Cardiology",
    "Startups",
    "Finance",
    "Retail",
];

const PROVIDER_PREFIXES: &[&str] = &[
    "Northwind",
    "Meridian",
    "Harbor",
    "Orbital",
    "Greenline",
    "Pulse",
    "Summit",
    "Lantern",
    "Riverside",
    "Cobalt",
    "Signal",
    "Granite",
    "Beacon",
    "Prairie",
    "Atlas",
    "Juniper",
    "Keystone",
    "Tidewater",
    "Copper",
    "Evergreen",
];

const PROVIDER_SUFFIXES: &[&str] = &[
    "Herald", "Ledger", "Times", "Review", "Dispatch", "Weekly", "Wire", "Journal", "Post",
    "Observer",
];

const TLDS: &[&str] = &["com", "org", "net", "news", "co.uk", "io", "de", "fr"];

struct Provider {
    name: String,
    domain: String,
}

/// The ~200 providers: every prefix x suffix pair, with a TLD fixed by position.
fn providers() -> Vec<Provider> {
    let mut out = Vec::with_capacity(PROVIDER_PREFIXES.len() * PROVIDER_SUFFIXES.len());
    for (i, p) in PROVIDER_PREFIXES.iter().enumerate() {
        for (j, s) in PROVIDER_SUFFIXES.iter().enumerate() {
            let tld = TLDS[(i * 7 + j * 3) % TLDS.len()];
            out.push(Provider {
                name: format!("{p} {s}"),
                domain: format!("{}{}.{tld}", p.to_lowercase(), s.to_lowercase()),
            });
        }
    }
    out
}

/// What other cards need to know about card `i`: it is a pure function of
/// `(seed, i)`, so related entries can point at any card without storing the corpus.
struct Ident {
    hex: String,
    provider: usize,
    title: String,
    excerpt: String,
    date: String,
    web_url: String,
    amp_url: Option<String>,
    cdn_url: Option<String>,
    quality: u64,
    image: Option<(String, u32, u32)>,
}

fn push(phrase: &str, words: &mut Vec<String>) {
    words.extend(phrase.split(' ').map(str::to_string));
}

fn title_words(rng: &mut Rng) -> Vec<String> {
    let n = rng.range(MIN_TITLE_WORDS as u64, MAX_TITLE_WORDS as u64) as usize;
    let mut words: Vec<String> = Vec::with_capacity(20);
    push(rng.pick(SUBJECTS), &mut words);
    push(rng.pick(VERBS), &mut words);
    push(rng.pick(ADJECTIVES), &mut words);
    push(rng.pick(NOUNS), &mut words);
    loop {
        let mut phrase: Vec<String> = Vec::with_capacity(4);
        match rng.below(4) {
            0 => push(rng.pick(PLACES), &mut phrase),
            1 => {
                push("and", &mut phrase);
                push(rng.pick(ADJECTIVES), &mut phrase);
                push(rng.pick(NOUNS), &mut phrase);
            }
            2 => {
                push("for", &mut phrase);
                push(rng.pick(NOUNS), &mut phrase);
                push(rng.pick(NOUNS), &mut phrase);
            }
            _ => push(rng.pick(TAILS), &mut phrase),
        }
        // Phrases are at most 4 words, so this never stops below 8 words.
        if words.len() + phrase.len() > MAX_TITLE_WORDS {
            break;
        }
        words.extend(phrase);
        if words.len() >= n {
            break;
        }
    }
    let n = words.len();
    if rng.chance(50) {
        let at = rng.range(1, n as u64 - 1) as usize;
        words[at] = rng.pick(UNICODE_WORDS).to_string();
    }
    if rng.chance(5) {
        let at = rng.range(1, n as u64 - 1) as usize;
        words[at] = "lupus".to_string();
    }
    words[0] = capitalize(&words[0]);
    words
}

fn excerpt(rng: &mut Rng, words: &[String]) -> String {
    let target = rng.range(200, 350) as usize;
    let mut s = capitalize(&words.join(" "));
    s.push('.');
    let lupus = rng.chance(20);
    while s.len() < target + 40 {
        s.push(' ');
        if lupus && !s.contains("Lupus") {
            s.push_str("Lupus specialists ");
            s.push_str(rng.pick(FILLER_VERBS));
        } else {
            s.push_str(rng.pick(FILLER));
            s.push(' ');
            s.push_str(rng.pick(FILLER_VERBS));
        }
        s.push(' ');
        s.push_str(rng.pick(FILLER_OBJECTS));
        s.push('.');
    }
    if rng.chance(500) {
        // Truncated teaser: cut at a word boundary and add " ...".
        teaser(&s, target)
    } else {
        // Whole sentences up to the target length.
        let mut end = 0;
        for (pos, ch) in s.char_indices() {
            if ch == '.' && pos > 0 {
                if pos > target && end > 0 {
                    break;
                }
                end = pos + 1;
            }
        }
        s[..end].to_string()
    }
}

/// The classic generator for one seed and corpus size.
pub struct Gen {
    seed: u64,
    n: u64,
    providers: Vec<Provider>,
    date_lo: i64,
    date_hi: i64,
}

impl Gen {
    pub fn new(seed: u64, n: u64) -> Gen {
        Gen {
            seed,
            n,
            providers: providers(),
            date_lo: days_from_civil(2019, 1, 1),
            date_hi: days_from_civil(2026, 11, 22),
        }
    }

    fn ident(&self, i: u64) -> Ident {
        let mut rng = Rng::stream(self.seed, i, 1);
        let hex = format!("{:016x}", rng.next_u64());
        let provider = rng.below(self.providers.len() as u64) as usize;
        let domain = &self.providers[provider].domain;
        let words = title_words(&mut rng);
        let title = words.join(" ");
        let excerpt = excerpt(&mut rng, &words);
        let day = self.date_lo + rng.below((self.date_hi - self.date_lo + 1) as u64) as i64;
        let (y, m, d) = civil_from_days(day);
        let (hh, mm) = if rng.chance(200) {
            (0, 0)
        } else {
            (rng.below(24), rng.below(60))
        };
        let date = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:00Z");
        let path = format!("/{y:04}/{m:02}/{}", slug(&words, &mut rng));
        let web_url = format!("https://{domain}{path}");
        let (amp_url, cdn_url) = if rng.chance(600) {
            let amp_path = format!("/amp{path}");
            (
                Some(format!("https://{domain}{amp_path}")),
                Some(cdn_of(domain, &amp_path)),
            )
        } else {
            (None, None)
        };
        let quality = rng.range(0, 100);
        let image = if rng.chance(800) {
            let (w, h) = IMAGE_SIZES[rng.below(IMAGE_SIZES.len() as u64) as usize];
            Some((
                format!(
                    "https://{domain}/images/{y:04}/{m:02}/{}.jpg",
                    rng.next_u64() >> 24
                ),
                w,
                h,
            ))
        } else {
            None
        };
        Ident {
            hex,
            provider,
            title,
            excerpt,
            date,
            web_url,
            amp_url,
            cdn_url,
            quality,
            image,
        }
    }

    /// Card `i`: its content id (for the file name) and its text.
    pub fn card(&self, i: u64) -> (String, String) {
        let me = self.ident(i);
        let mut rng = Rng::stream(self.seed, i, 2);
        let prov = &self.providers[me.provider];
        let mut s = String::with_capacity(3072);
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
        let heat: i64 = if rng.chance(300) {
            -1
        } else {
            rng.range(0, 100) as i64
        };
        let _ = writeln!(s, "heat: {heat}");
        let _ = writeln!(s, "published: {}", rng.chance(100));
        let _ = write!(
            s,
            "\nprovider:\n  name: {}\n  domain: {}\n",
            prov.name, prov.domain
        );

        s.push_str("\ntopics:\n");
        let n_topics = rng.range(1, 4) as usize;
        let mut chosen: Vec<&str> = Vec::with_capacity(n_topics);
        while chosen.len() < n_topics {
            let t = rng.pick(TOPICS);
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        for t in &chosen {
            let _ = writeln!(s, "  - {t}");
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
                            "https://cdn.{}/media/{:x}/{}x{}.jpg",
                            prov.domain,
                            rng.next_u64() >> 16,
                            w,
                            h
                        );
                        (url, w, h)
                    }
                };
                image(&mut s, "  ", &url, w, h, !rng.chance(100));
            }
        }

        s.push_str("\nrelated:\n");
        for _ in 0..related_count(&mut rng) {
            if self.n > 1 && rng.chance(500) {
                let mut j = rng.below(self.n - 1);
                if j >= i {
                    j += 1;
                }
                self.related_inside(&mut s, &mut rng, &self.ident(j));
            } else {
                self.related_outside(&mut s, &mut rng);
            }
        }

        let payload_len = rng.range(330, 342) as usize;
        let payload = base64(&random_bytes(&mut rng, payload_len));
        let iv = base64(&random_bytes(&mut rng, 16));
        let _ = write!(s, "\nsecured: \"{payload};{iv}\"\n---\n\n");
        (me.hex, s)
    }

    /// A related entry pointing at another generated card.
    fn related_inside(&self, s: &mut String, rng: &mut Rng, t: &Ident) {
        let prov = &self.providers[t.provider];
        let mut url = match &t.amp_url {
            Some(amp) if rng.chance(400) => amp.clone(),
            _ => t.web_url.clone(),
        };
        if rng.chance(250) {
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
        let _ = write!(
            s,
            "    provider:\n      name: {}\n      domain: {}\n",
            prov.name, prov.domain
        );
        let _ = writeln!(s, "    quality: {}", t.quality);
        if let (Some((u, w, h)), true) = (&t.image, rng.chance(350)) {
            s.push_str("    images:\n");
            image(s, "      ", u, *w, *h, true);
        }
    }

    /// A related entry pointing outside the corpus.
    fn related_outside(&self, s: &mut String, rng: &mut Rng) {
        let words = title_words(rng);
        let prov = &self.providers[rng.below(self.providers.len() as u64) as usize];
        let day = self.date_lo + rng.below((self.date_hi - self.date_lo + 1) as u64) as i64;
        let (y, m, d) = civil_from_days(day);
        let path = format!("/ext/{y:04}{m:02}{d:02}/{}", slug(&words, rng));
        let host = format!("www.{}", prov.domain);
        kv_quoted(s, "  - ", "title", &words.join(" "));
        if rng.chance(600) {
            kv_quoted(s, "    ", "excerpt", &teaser(&excerpt(rng, &words), 120));
        }
        let _ = writeln!(
            s,
            "    publishedDateTime: {y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z",
            rng.below(24),
            rng.below(60)
        );
        kv_quoted(s, "    ", "webUrl", &format!("https://{host}{path}"));
        if rng.chance(250) {
            let amp_path = format!("/amp{path}");
            kv_quoted(s, "    ", "ampWebUrl", &format!("https://{host}{amp_path}"));
            kv_quoted(s, "    ", "cdnAmpWebUrl", &cdn_of(&host, &amp_path));
        }
        s.push_str("    type: article\n");
        let _ = write!(
            s,
            "    provider:\n      name: {}\n      domain: {}\n",
            prov.name, prov.domain
        );
        let _ = writeln!(s, "    quality: {}", rng.range(0, 100));
        if rng.chance(300) {
            let (w, h) = IMAGE_SIZES[rng.below(IMAGE_SIZES.len() as u64) as usize];
            let url = format!("https://{host}/img/{:x}.jpg", rng.next_u64() >> 20);
            s.push_str("    images:\n");
            image(s, "      ", &url, w, h, true);
        }
    }
}

/// 1 to 3 related entries: 1 half the time, 2 for 30%, 3 for 20%.
fn related_count(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0..=4 => 1,
        5..=7 => 2,
        _ => 3,
    }
}
