//! The article card, as the rest of tidings sees it: every field of `shared/FORMAT.md`, typed.
//!
//! Strings that repeat across a corpus (provider, category, type, topics) are `Arc<str>` shared
//! through the loader's interner; everything else is a `Box<str>` so a loaded card holds no spare
//! capacity. The `secured` payload is never kept, only that it was there and how long it was; a
//! card read from a folder leaves its images and related entries in the cache or in its file
//! ([`ExtrasAt`]), a card read from the cache its excerpt and body there ([`Prose`]), and its
//! AMP URLs, when they are the usual ones, unwritten ([`Urls`]).

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use super::prose::Prose;

/// Position of a card in [`crate::corpus::Corpus::cards`]; stable for the life of a corpus.
pub type CardIx = u32;

/// A card's identity across re-loads and moves of its folder (see [`crate::corpus::id`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardId(pub u64);

impl fmt::Display for CardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for CardId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for CardId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u64::from_str_radix(s, 16).map(CardId)
    }
}

/// The path of a card's file, shared: the folder watcher keeps every card's path too, and
/// two copies of 100k paths are megabytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CardPath(Arc<Path>);

impl Default for CardPath {
    fn default() -> Self {
        CardPath(Arc::from(Path::new("")))
    }
}

impl Deref for CardPath {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

/// Hashes and compares as the path it holds (the derived `Hash` and `Eq` are the path's).
impl std::borrow::Borrow<Path> for CardPath {
    fn borrow(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for CardPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl From<&Path> for CardPath {
    fn from(path: &Path) -> Self {
        CardPath(Arc::from(path))
    }
}

impl From<PathBuf> for CardPath {
    fn from(path: PathBuf) -> Self {
        CardPath(Arc::from(path))
    }
}

impl From<String> for CardPath {
    fn from(path: String) -> Self {
        CardPath::from(PathBuf::from(path))
    }
}

impl From<CardPath> for PathBuf {
    fn from(path: CardPath) -> Self {
        path.to_path_buf()
    }
}

impl From<&str> for CardPath {
    fn from(path: &str) -> Self {
        CardPath::from(Path::new(path))
    }
}

/// The URL variants a card or related entry may carry. The AMP ones are held only when they
/// are not the usual form of the URL before them (see [`crate::corpus::amp`]); read them
/// through [`Urls::get`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Urls {
    pub web_url: Option<Arc<str>>,
    /// Shares its allocation with `web_url` when both are the same string, as in most cards.
    pub original_url: Option<Arc<str>>,
    amp_web_url: Held,
    cdn_amp_web_url: Held,
}

/// An AMP URL as a card holds it.
#[derive(Clone, Debug, Default, PartialEq)]
enum Held {
    #[default]
    None,
    /// The usual form of the URL before it: made again when asked for.
    Usual,
    Own(Arc<str>),
}

impl Held {
    fn part(&self) -> HeldUrl<'_> {
        match self {
            Held::None => (false, None),
            Held::Usual => (true, None),
            Held::Own(own) => (false, Some(own)),
        }
    }
}

/// How [`Urls::parts`] gives an AMP URL: `(usual form, own string)`.
pub type HeldUrl<'a> = (bool, Option<&'a str>);

/// Which of a card's URLs a user means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlKind {
    Web,
    Original,
    Amp,
    CdnAmp,
}

impl UrlKind {
    pub const ALL: [UrlKind; 4] = [
        UrlKind::Web,
        UrlKind::Original,
        UrlKind::Amp,
        UrlKind::CdnAmp,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UrlKind::Web => "web",
            UrlKind::Original => "original",
            UrlKind::Amp => "AMP",
            UrlKind::CdnAmp => "AMP cache",
        }
    }
}

impl Urls {
    /// The URLs a card gives; `originalUrl` the same as `webUrl` shares its string.
    pub fn new(
        web_url: Option<Arc<str>>,
        original_url: Option<Arc<str>>,
        amp_web_url: Option<Arc<str>>,
        cdn_amp_web_url: Option<Arc<str>>,
    ) -> Urls {
        let original_url = match (&web_url, original_url) {
            (Some(web), Some(original)) if *web == original => Some(Arc::clone(web)),
            (_, original) => original,
        };
        // The usual form is made only for a URL that is there to compare it with: most cards
        // have none, and this runs for every card and related entry parsed.
        let held = |url: Option<Arc<str>>,
                    base: Option<&str>,
                    usual: fn(&str) -> Option<String>| {
            match url {
                None => Held::None,
                Some(url) if base.and_then(usual).as_deref() == Some(&*url) => Held::Usual,
                Some(url) => Held::Own(url),
            }
        };
        let cdn_amp_web_url = held(
            cdn_amp_web_url,
            amp_web_url.as_deref(),
            super::amp::cache_of,
        );
        let amp_web_url = held(amp_web_url, web_url.as_deref(), super::amp::amp_of);
        Urls {
            web_url,
            original_url,
            amp_web_url,
            cdn_amp_web_url,
        }
    }

    /// The URLs as [`Urls::parts`] gave them (a cache's); `None` if they do not hold together
    /// (a usual form of a URL that is not there).
    pub fn from_parts(
        web_url: Option<Arc<str>>,
        original_url: Option<Arc<str>>,
        amp: HeldUrl<'_>,
        cdn_amp: HeldUrl<'_>,
    ) -> Option<Urls> {
        let held = |(usual, own): HeldUrl<'_>, base: bool| match (usual, own) {
            (false, None) => Some(Held::None),
            (false, Some(own)) => Some(Held::Own(Arc::from(own))),
            (true, None) if base => Some(Held::Usual),
            (true, _) => None,
        };
        let amp_web_url = held(amp, web_url.is_some())?;
        // Checked without making the AMP URL (this runs for every card a cache gives).
        let cdn_amp_web_url = held(cdn_amp, amp_web_url != Held::None)?;
        Some(Urls {
            web_url,
            original_url,
            amp_web_url,
            cdn_amp_web_url,
        })
    }

    /// The AMP URLs as held, for a cache to store: see [`Urls::from_parts`].
    pub fn parts(&self) -> (HeldUrl<'_>, HeldUrl<'_>) {
        (self.amp_web_url.part(), self.cdn_amp_web_url.part())
    }

    pub fn get(&self, kind: UrlKind) -> Option<Cow<'_, str>> {
        match kind {
            UrlKind::Web => self.web_url.as_deref().map(Cow::Borrowed),
            UrlKind::Original => self.original_url.as_deref().map(Cow::Borrowed),
            UrlKind::Amp => self.made(&self.amp_web_url, UrlKind::Web, super::amp::amp_of),
            UrlKind::CdnAmp => self.made(&self.cdn_amp_web_url, UrlKind::Amp, super::amp::cache_of),
        }
    }

    /// An AMP URL: its own string, or the usual form of the URL of kind `of`.
    fn made<'a>(
        &'a self,
        held: &'a Held,
        of: UrlKind,
        usual: fn(&str) -> Option<String>,
    ) -> Option<Cow<'a, str>> {
        match held {
            Held::None => None,
            Held::Own(own) => Some(Cow::Borrowed(own)),
            Held::Usual => self.get(of).and_then(|base| usual(&base)).map(Cow::Owned),
        }
    }

    /// The URL `o` opens and its kind: `webUrl`, else `originalUrl`, `ampWebUrl`, `cdnAmpWebUrl`.
    pub(crate) fn preferred(&self) -> Option<(UrlKind, Cow<'_, str>)> {
        UrlKind::ALL.into_iter().find_map(|kind| {
            self.get(kind)
                .filter(|u| !u.trim().is_empty())
                .map(|u| (kind, u))
        })
    }

    /// Every URL present, in preference order.
    pub fn iter(&self) -> impl Iterator<Item = (UrlKind, Cow<'_, str>)> {
        UrlKind::ALL
            .into_iter()
            .filter_map(|kind| self.get(kind).map(|u| (kind, u)))
    }
}

impl Serialize for Urls {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("Urls", 4)?;
        out.serialize_field("webUrl", &self.get(UrlKind::Web))?;
        out.serialize_field("originalUrl", &self.get(UrlKind::Original))?;
        out.serialize_field("ampWebUrl", &self.get(UrlKind::Amp))?;
        out.serialize_field("cdnAmpWebUrl", &self.get(UrlKind::CdnAmp))?;
        out.end()
    }
}

/// The publisher of a card or related entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Provider {
    pub name: Option<Arc<str>>,
    pub domain: Option<Arc<str>>,
}

/// A lead image.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub url: Option<Box<str>>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub is_cached: Option<bool>,
}

/// One entry of a card's `related` list.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
    pub title: Option<Box<str>>,
    pub excerpt: Option<Box<str>>,
    #[serde(serialize_with = "serialize_time")]
    pub published_date_time: Option<Timestamp>,
    #[serde(flatten)]
    pub urls: Urls,
    #[serde(rename = "type")]
    pub kind: Option<Arc<str>>,
    pub provider: Option<Provider>,
    pub quality: Option<i64>,
    pub images: Box<[Image]>,
}

/// That a card carried an opaque `secured` payload, and its size; the payload itself is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Secured {
    /// Bytes of the whole `payload;iv` string.
    pub length: usize,
}

/// What only an opened card shows: its lead images and related entries. Half of what a card
/// holds, and needed for one card at a time, so a card read from a file on disk leaves them
/// there ([`ExtrasAt::File`]) and they are read again when the card is opened; searching,
/// sorting, linking and listing never need them (the links keep the entries' URL hashes).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Extras {
    pub images: Box<[Image]>,
    pub related: Box<[Related]>,
}

/// Where a card's [`Extras`] are.
#[derive(Clone, Debug, PartialEq)]
pub enum ExtrasAt {
    /// With the card: cards made in memory, and the demo corpus built into the binary.
    Held(Arc<Extras>),
    /// In the card's file at [`Card::path`], to be read again (see
    /// [`crate::corpus::Corpus::extras`]).
    File {
        /// Whether a related entry has a URL `o` would refuse: what `tidings check` reports
        /// without reading every file again.
        refused_url: bool,
    },
    /// Kept by a store beside the cards (the cache they were read from), to be read from
    /// there: no parse, and still the very entries parsed from the unchanged file.
    Stored {
        spot: StoredSpot,
        /// As for [`ExtrasAt::File`].
        refused_url: bool,
    },
}

/// Where in an [`ExtrasStore`] one card's extras lie, and their checksum.
#[derive(Clone, Debug)]
pub struct StoredSpot {
    pub store: Arc<dyn ExtrasStore>,
    pub offset: u64,
    pub len: u32,
    pub crc: u32,
}

impl PartialEq for StoredSpot {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.store, &other.store)
            && (self.offset, self.len, self.crc) == (other.offset, other.len, other.crc)
    }
}

/// What keeps extras out of the cards and reads one card's back.
pub trait ExtrasStore: fmt::Debug + Send + Sync {
    /// The extras at `spot` (one of this store's), or why they cannot be had.
    fn read(&self, spot: &StoredSpot) -> Result<Extras, String>;
    /// Their bytes as stored, checked, for a store of the same kind to keep as they are.
    fn read_raw(&self, spot: &StoredSpot) -> Result<Vec<u8>, String>;
}

impl ExtrasAt {
    /// Held related entries with these web URLs and nothing else: what tests of linking need.
    #[cfg(test)]
    pub(crate) fn related_to(urls: &[&str]) -> ExtrasAt {
        let related = urls.iter().map(|url| Related {
            urls: Urls::new(Some(Arc::from(*url)), None, None, None),
            ..Related::default()
        });
        ExtrasAt::Held(Arc::new(Extras {
            related: related.collect(),
            ..Extras::default()
        }))
    }

    /// Whether a related entry has a URL `o` and `y` would refuse to open, known without
    /// reading the extras wherever they are.
    pub fn has_refused_url(&self) -> bool {
        match self {
            ExtrasAt::Held(extras) => extras.has_refused_url(),
            ExtrasAt::File { refused_url } | ExtrasAt::Stored { refused_url, .. } => *refused_url,
        }
    }
}

impl Extras {
    /// Whether a related entry has a URL `o` and `y` would refuse to open.
    pub fn has_refused_url(&self) -> bool {
        self.related
            .iter()
            .flat_map(|r| r.urls.iter())
            .any(|(_, url)| crate::corpus::url::may_open(&url).is_err())
    }
}

impl Default for ExtrasAt {
    fn default() -> Self {
        ExtrasAt::Held(Arc::default())
    }
}

/// A card's extras as far as they could be had: the reason, if its file could not be read
/// again or no longer holds the same card.
pub type ExtrasRead = Result<Arc<Extras>, Arc<str>>;

/// One article card.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub id: CardId,
    /// Where the card was read from (for the embedded demo corpus, its name under `assets/`).
    pub path: CardPath,
    pub category: Option<Arc<str>>,
    pub title: Option<Box<str>>,
    /// The excerpt and the Markdown body after the closing `---`: held, or left in the cache.
    #[serde(flatten)]
    pub prose: Prose,
    #[serde(serialize_with = "serialize_time")]
    pub published_date_time: Option<Timestamp>,
    #[serde(flatten)]
    pub urls: Urls,
    #[serde(rename = "type")]
    pub kind: Option<Arc<str>>,
    pub quality: Option<i64>,
    /// Raw value; `-1` means unknown, see [`Card::heat_known`].
    pub heat: Option<i64>,
    pub published: Option<bool>,
    pub provider: Option<Provider>,
    pub topics: Box<[Arc<str>]>,
    pub secured: Option<Secured>,
    /// The lead images and related entries: held, or left in the card's file.
    #[serde(skip)]
    pub extras: ExtrasAt,
    /// The normalised-URL hashes linking needs, as the parser (or the cache) made them; taken
    /// by the corpus when the card joins it. `None`: made then.
    #[serde(skip)]
    pub link_keys: Option<crate::corpus::links::CardKeys>,
}

impl Card {
    /// The title, or a stand-in naming the file so a card without one is still findable.
    pub fn display_title(&self) -> &str {
        match self.title.as_deref() {
            Some(t) if !t.trim().is_empty() => t,
            _ => self
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("(untitled)"),
        }
    }

    pub(crate) fn provider_name(&self) -> Option<&str> {
        self.provider.as_ref().and_then(|p| p.name.as_deref())
    }

    pub(crate) fn provider_domain(&self) -> Option<&str> {
        self.provider.as_ref().and_then(|p| p.domain.as_deref())
    }

    /// The extras, when held with the card.
    pub fn held_extras(&self) -> Option<&Extras> {
        match &self.extras {
            ExtrasAt::Held(extras) => Some(extras),
            ExtrasAt::File { .. } | ExtrasAt::Stored { .. } => None,
        }
    }

    pub fn excerpt(&self) -> Option<Cow<'_, str>> {
        self.prose.excerpt()
    }

    pub fn body(&self) -> Option<Cow<'_, str>> {
        self.prose.body()
    }

    /// Heat, with the format's `-1` (and any other negative) read as unknown.
    pub fn heat_known(&self) -> Option<i64> {
        self.heat.filter(|h| *h >= 0)
    }
}

impl Related {
    pub(crate) fn provider_name(&self) -> Option<&str> {
        self.provider.as_ref().and_then(|p| p.name.as_deref())
    }
}

fn serialize_time<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn urls(given: [Option<&str>; 4]) -> Urls {
        let [web, original, amp, cdn] = given.map(|u| u.map(Arc::from));
        Urls::new(web, original, amp, cdn)
    }

    fn got(urls: &Urls) -> [Option<String>; 4] {
        UrlKind::ALL.map(|kind| urls.get(kind).map(Cow::into_owned))
    }

    #[test]
    fn usual_amp_urls_are_not_held_and_read_back_the_same() {
        let web = "https://www.techtimes.com/articles/302436/x.htm";
        let amp = "https://www.techtimes.com/amp/articles/302436/x.htm";
        let cdn = "https://www-techtimes-com.cdn.ampproject.org/c/s/www.techtimes.com/amp/\
                   articles/302436/x.htm";
        let given = [Some(web), Some(web), Some(amp), Some(cdn)];
        let made = urls(given);
        assert_eq!(
            (&made.amp_web_url, &made.cdn_amp_web_url),
            (&Held::Usual, &Held::Usual)
        );
        assert!(Arc::ptr_eq(
            made.web_url.as_ref().expect("web"),
            made.original_url.as_ref().expect("original")
        ));
        assert_eq!(got(&made), given.map(|u| u.map(String::from)));
        let json = serde_json::to_value(&made).expect("JSON");
        assert_eq!(json["ampWebUrl"], amp);
        assert_eq!(json["cdnAmpWebUrl"], cdn);

        // Another AMP URL is held; the cache's form of it still need not be.
        let other = "https://amp.techtimes.com/x.htm";
        let other_cdn = "https://amp-techtimes-com.cdn.ampproject.org/c/s/amp.techtimes.com/x.htm";
        let made = urls([Some(web), None, Some(other), Some(other_cdn)]);
        assert_eq!(made.amp_web_url, Held::Own(Arc::from(other)));
        assert_eq!(made.cdn_amp_web_url, Held::Usual);
        assert_eq!(made.get(UrlKind::CdnAmp).as_deref(), Some(other_cdn));
    }

    #[test]
    fn parts_that_do_not_hold_together_are_refused() {
        let web = Some(Arc::from("https://host/a"));
        assert!(Urls::from_parts(None, None, (true, None), (false, None)).is_none());
        assert!(Urls::from_parts(web.clone(), None, (true, Some("x")), (false, None)).is_none());
        assert!(Urls::from_parts(web.clone(), None, (false, None), (true, None)).is_none());
        let made = Urls::from_parts(web, None, (true, None), (true, None)).expect("whole");
        assert_eq!(
            made.get(UrlKind::CdnAmp).as_deref(),
            Some("https://host.cdn.ampproject.org/c/s/host/amp/a")
        );
    }

    fn url() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(None),
            "(https?://)?[a-z.-]{0,8}(/[a-z/]{0,6})?".prop_map(Some),
            "\\PC{0,12}".prop_map(Some),
        ]
    }

    proptest! {
        /// Whatever a card gives, its URLs read back as the very strings given, also through
        /// a cache's parts.
        #[test]
        fn urls_read_back_as_given(
            web in url(),
            original in url(),
            (amp, amp_usual) in (url(), any::<bool>()),
            (cdn, cdn_usual) in (url(), any::<bool>()),
        ) {
            let usual = |base: &Option<String>, form: fn(&str) -> Option<String>| {
                base.as_deref().and_then(form)
            };
            let amp = if amp_usual { usual(&web, super::super::amp::amp_of) } else { amp };
            let cdn = if cdn_usual { usual(&amp, super::super::amp::cache_of) } else { cdn };
            let given = [web, original, amp, cdn];
            let made = urls([0, 1, 2, 3].map(|i| given[i].as_deref()));
            prop_assert_eq!(&got(&made), &given);
            let (amp_part, cdn_part) = made.parts();
            let again = Urls::from_parts(
                made.web_url.clone(),
                made.original_url.clone(),
                amp_part,
                cdn_part,
            );
            prop_assert_eq!(again.as_ref(), Some(&made));
        }
    }
}
