//! The one URL policy: which card URLs may be opened or copied, and the normalised key that
//! decides whether two URLs name the same article. Both read URLs with the `url` crate (the
//! WHATWG parser browsers use), so the reader never disagrees with itself, or with the
//! browser, about what a URL is.
//!
//! Card URLs are written by strangers and end up as a program's argument or on the clipboard,
//! where a newline runs a second command once pasted in a shell. So the check is strict: a
//! plain `http://` or `https://` URL, with a host, exactly as the reader shows it.

use std::borrow::Cow;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use url::{Url, form_urlencoded};

use crate::text;

/// Why a URL may not be opened or copied. Its `Display` is the reason the reader shows, as in
/// "not opened: <reason>: <url as shown>".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing to open.
    Empty,
    /// A space, a line break or a control character (ESC, BEL, ...): in a shell or a terminal
    /// they do things a URL must not.
    SpaceOrControl,
    /// Characters the reader does not draw (zero-width, bidi controls, ...), so the URL is not
    /// what it looks like.
    Invisible,
    /// Starts with `-`, so a program would read it as an option.
    LeadingDash,
    /// Not written as `http://` or `https://`: `javascript:`, `file:`, relative, ...
    NotWeb,
    /// A backslash, which browsers read as `/` and other programs do not.
    Backslash,
    /// A user name or password before the host (`https://bank.example@evil.example/`), a
    /// classic way to make a URL look like another site's.
    Credentials,
    /// No host after the scheme.
    NoHost,
    /// The host starts with `-`.
    HostLeadingDash,
    /// The `url` crate cannot read it.
    Malformed(url::ParseError),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self {
            Refusal::Empty => "empty URL",
            Refusal::SpaceOrControl => "contains spaces or control characters",
            Refusal::Invisible => "contains invisible characters",
            Refusal::LeadingDash => "starts with '-'",
            Refusal::NotWeb => "not an http:// or https:// URL",
            Refusal::Backslash => "contains a backslash",
            Refusal::Credentials => "contains a user name or password",
            Refusal::NoHost => "no host",
            Refusal::HostLeadingDash => "the host starts with '-'",
            Refusal::Malformed(e) => return write!(f, "malformed URL: {e}"),
        };
        f.write_str(reason)
    }
}

impl std::error::Error for Refusal {}

/// Whether `url` may be opened or copied: the one check behind `o`, `y` and `search -f urls`.
///
/// On success it returns `url` itself, unchanged: what is opened or copied is exactly what the
/// reader shows, not the `url` crate's serialisation (which would, for instance, turn an
/// international host into its `xn--` form). The browser parses the same text the same way.
pub fn may_open(url: &str) -> Result<&str, Refusal> {
    // A URL of the plain shape passes every check below; most card URLs are of that shape.
    if plain_parts(url).is_some() {
        return Ok(url);
    }
    checked(url)
}

/// [`may_open`]'s checks, one by one, with the `url` crate's parse among them.
fn checked(url: &str) -> Result<&str, Refusal> {
    if url.is_empty() {
        return Err(Refusal::Empty);
    }
    // Before the text gate, so a newline or ESC gets the more telling reason.
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Refusal::SpaceOrControl);
    }
    if text::clean_line(url) != url {
        return Err(Refusal::Invisible);
    }
    if url.starts_with('-') {
        return Err(Refusal::LeadingDash);
    }
    // The parser would accept `https:example.com` and `https:/example.com` too; requiring the
    // `//` keeps the text readable the same way by every program it may reach.
    if !has_prefix_ignore_case(url, "http://") && !has_prefix_ignore_case(url, "https://") {
        return Err(Refusal::NotWeb);
    }
    if url.contains('\\') {
        return Err(Refusal::Backslash);
    }
    let parsed = Url::parse(url).map_err(|e| match e {
        url::ParseError::EmptyHost => Refusal::NoHost,
        e => Refusal::Malformed(e),
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Refusal::Credentials);
    }
    match parsed.host_str() {
        None | Some("") => Err(Refusal::NoHost),
        Some(host) if host.starts_with('-') => Err(Refusal::HostLeadingDash),
        Some(_) => Ok(url),
    }
}

fn has_prefix_ignore_case(s: &str, prefix: &str) -> bool {
    strip_prefix_ignore_case(s.as_bytes(), prefix.as_bytes()).is_some()
}

/// How many AMP-cache wrappings [`link_key`] unwraps. Real cache URLs wrap once; a card nesting
/// more is made up, and gets no key rather than costing a parse per level.
pub(crate) const MAX_AMP_CACHE_LEVELS: usize = 8;

/// What the key keeps unescaped: RFC 3986's unreserved characters. Everything else is
/// percent-encoded with upper-case hex, so `é`, `%C3%A9` and `%c3%a9` give one key.
const KEY_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The normalised form of a URL used to decide whether two URLs name the same article, or
/// `None` when it is not an `http`/`https` URL with a host.
///
/// It forgets what publishers and feeds vary: the scheme, host case, international hosts
/// (`münchen` and `xn--mnchen-3ya` meet), `www.`, a trailing dot, the ports 80 and 443,
/// userinfo, fragments, empty path segments and trailing slashes, percent-encoding variants,
/// tracking parameters and the order of query parameters, `amp` path segments, `.amp`,
/// `.amp.html`, `.html` and `.htm` endings, and Google's AMP-cache wrapping (unwrapped at most
/// [`MAX_AMP_CACHE_LEVELS`] times; deeper nesting gets no key).
///
/// The key is lenient where [`may_open`] is strict: a URL that may not be opened can still
/// name an article of the corpus.
///
/// The parser hashes these keys and the cache keeps the hashes with each card: a change here
/// is a change of the parser's output, so it bumps [`crate::corpus::parse::PARSER_VERSION`].
pub fn link_key(url: &str) -> Option<String> {
    let mut inner: String;
    let mut url = url.trim();
    // A loop, not recursion: a card can nest cache prefixes thousands deep.
    for _ in 0..=MAX_AMP_CACHE_LEVELS {
        let parsed;
        let parts = match plain_parts(url) {
            Some(parts) => parts,
            None => {
                parsed = parse_web(url)?;
                WebParts::of(&parsed)
            }
        };
        match amp_cache_inner(&parts) {
            None => return key_of(&parts),
            Some(wrapped) => inner = wrapped,
        }
        url = &inner;
    }
    None
}

fn parse_web(url: &str) -> Option<Url> {
    let parsed = Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then_some(parsed)
}

/// What the key and the AMP-cache unwrapping read of a web URL, as the `url` crate gives it.
#[derive(Debug, PartialEq, Eq)]
struct WebParts<'a> {
    host: &'a str,
    port: Option<u16>,
    /// Empty, or starting with `/`.
    path: &'a str,
    query: Option<&'a str>,
}

impl<'a> WebParts<'a> {
    fn of(url: &'a Url) -> WebParts<'a> {
        WebParts {
            host: url.host_str().unwrap_or(""),
            port: url.port(),
            path: url.path(),
            query: url.query(),
        }
    }

    /// The non-empty path segments, as written (percent-encoded).
    fn segments(&self) -> impl Iterator<Item = &'a str> {
        self.path.split('/').filter(|s| !s.is_empty())
    }
}

/// The parts of a URL of the plain shape most card URLs have, read without the `url` crate,
/// which would give the same parts for it (the tests hold the two together): `http://` or
/// `https://`, a host of lower-case ASCII letters, digits, dots and dashes (no port, no user,
/// no IDNA `xn--` label, not an IP address), then a path, query and fragment of characters the
/// parser keeps as they are (no space, quote, backslash or non-ASCII; no `.` or `..`
/// segment). `None` for any other URL, which the `url` crate then reads.
fn plain_parts(url: &str) -> Option<WebParts<'_>> {
    let rest = strip_prefix_ignore_case(url.as_bytes(), b"https://")
        .or_else(|| strip_prefix_ignore_case(url.as_bytes(), b"http://"))?;
    if !rest.iter().all(|b| PLAIN_BYTES[usize::from(*b)]) {
        return None;
    }
    // All ASCII from here, so any byte offset is a character boundary.
    let rest = &url[url.len() - rest.len()..];
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (rest, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let (host, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    let plain_label = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let last_label = host.rsplit('.').next().unwrap_or("");
    if !host.split('.').all(plain_label) || last_label.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // The parser resolves `.` and `..` segments, and their percent-encoded forms.
    let dots = |segment: &str| {
        let maybe = !segment.is_empty()
            && segment
                .bytes()
                .all(|b| matches!(b, b'.' | b'%' | b'2' | b'e' | b'E'));
        maybe && percent_decode_str(segment).all(|b| b == b'.')
    };
    if path.split('/').any(dots) {
        return None;
    }
    Some(WebParts {
        host,
        port: None,
        path,
        query,
    })
}

/// The bytes a plain URL is made of: ASCII letters and digits, and the punctuation the `url`
/// crate keeps as it is in a path, a query and a fragment.
const PLAIN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let punctuation = b"-._~/%!$&()*+,;=:@?#";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
};

fn strip_prefix_ignore_case<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The host as the key has it: lower case (the parser's work), IDNA-encoded, without a
/// trailing dot or `www.`.
fn key_host<'a>(url: &WebParts<'a>) -> Option<&'a str> {
    let host = url.host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The URL an AMP-cache URL wraps, if `url` is one. Google's AMP cache serves
/// `https://<host>/<path>` as `https://<host-with-dashes>.cdn.ampproject.org/c/s/<host>/<path>`
/// (`/c/` without `s/` for an `http` page; `/v/` and `/i/` for other content).
fn amp_cache_inner(url: &WebParts) -> Option<String> {
    let host = key_host(url)?;
    if host != "cdn.ampproject.org" && !host.ends_with(".cdn.ampproject.org") {
        return None;
    }
    let inner = url
        .path
        .trim_start_matches('/')
        .split_once('/')
        .map_or("", |(_, rest)| rest);
    let inner = inner.strip_prefix("s/").unwrap_or(inner);
    if inner.is_empty() {
        return None;
    }
    Some(match url.query.filter(|q| !q.is_empty()) {
        Some(query) => format!("https://{inner}?{query}"),
        None => format!("https://{inner}"),
    })
}

fn key_of(url: &WebParts) -> Option<String> {
    let host = key_host(url)?;
    let mut key = String::with_capacity(host.len() + url.path.len() + 16);
    key.push_str(host);
    // The parser already drops a scheme's own default port; 80 on https and 443 on http are
    // the same mistake made by feeds, so they go too.
    if let Some(port) = url.port.filter(|p| *p != 80 && *p != 443) {
        key.push(':');
        key.push_str(&port.to_string());
    }
    for segment in url.segments() {
        let decoded: Cow<[u8]> = if segment.contains('%') {
            percent_decode_str(segment).into()
        } else {
            Cow::Borrowed(segment.as_bytes())
        };
        if decoded.eq_ignore_ascii_case(b"amp") {
            continue;
        }
        let segment = [".amp.html", ".amp", ".html", ".htm"]
            .iter()
            .find_map(|suffix| strip_suffix_ignore_case(&decoded, suffix.as_bytes()))
            .unwrap_or(&decoded);
        key.push('/');
        key.extend(percent_encode(segment, KEY_SET));
    }
    let mut params: Vec<(Cow<str>, Cow<str>)> =
        form_urlencoded::parse(url.query.unwrap_or("").as_bytes())
            .filter(|(name, _)| !is_tracking_param(name))
            .collect();
    params.sort_unstable();
    for (i, (name, value)) in params.iter().enumerate() {
        key.push(if i == 0 { '?' } else { '&' });
        key.extend(percent_encode(name.as_bytes(), KEY_SET));
        if !value.is_empty() {
            key.push('=');
            key.extend(percent_encode(value.as_bytes(), KEY_SET));
        }
    }
    Some(key)
}

/// `s` without `suffix` (ASCII case ignored), unless that leaves nothing: a segment named
/// `.html` is a name, not an ending.
fn strip_suffix_ignore_case<'a>(s: &'a [u8], suffix: &[u8]) -> Option<&'a [u8]> {
    let cut = s.len().checked_sub(suffix.len())?;
    let (head, tail) = s.split_at(cut);
    (tail.eq_ignore_ascii_case(suffix) && !head.is_empty()).then_some(head)
}

/// Query parameters that say where a reader came from, not which article it is.
fn is_tracking_param(name: &str) -> bool {
    const NAMES: [&str; 19] = [
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ocid",
        "cmpid",
        "ref",
        "ref_src",
        "_ga",
        "amp",
        "outputtype",
        "s_cid",
        "smid",
        // Added by the AMP cache itself.
        "amp_js_v",
        "amp_gsa",
        "usqp",
    ];
    has_prefix_ignore_case(name, "utm_") || NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the `url` crate reads of `url`, in [`plain_parts`]'s terms.
    fn parsed_parts(url: &Url) -> WebParts<'_> {
        let parts = WebParts::of(url);
        WebParts {
            // The parser gives an empty path as `/`; both have no segments.
            path: if parts.path == "/" { "" } else { parts.path },
            ..parts
        }
    }

    /// Where the plain reading answers, the `url` crate reads the same parts and every check
    /// of `may_open` passes.
    fn plain_agrees(url: &str) -> Result<bool, TestCaseError> {
        let Some(plain) = plain_parts(url) else {
            return Ok(false);
        };
        let parsed = Url::parse(url).map_err(|e| TestCaseError::fail(format!("{url}: {e}")))?;
        let mut plain = plain;
        if plain.path == "/" {
            plain.path = "";
        }
        prop_assert_eq!(plain, parsed_parts(&parsed), "{}", url);
        prop_assert_eq!(checked(url), Ok(url));
        Ok(true)
    }

    #[test]
    fn card_urls_are_read_plainly() {
        for url in [
            "https://northwindledger.com.au/2026/05/wultstrike-oplyckdraimton-brussels-211862",
            "https://northwindledger-com-au.cdn.ampproject.org/c/s/northwindledger.com.au/amp/2026/05/x",
            "https://horizonstandard.ca/2026/05/your-syrtcoss-921515?utm_source=feed",
            "https://www.lupus.org/sites/default/files/Inside%20Lupus%20Research%20%28ILR%29.JPG",
            "http://a.example/",
            "https://a.example",
            "HTTPS://a.example/x?b=2&a=1#frag",
            "https://a.example/p;x=1/q:r@s/!$&()*+,=~",
        ] {
            assert!(plain_agrees(url).expect("agrees"), "{url}");
        }
    }

    #[test]
    fn other_urls_are_left_to_the_parser() {
        for url in [
            "https://A.example/",
            "https://a.example:8080/",
            "https://user@a.example/",
            "https://xn--mnchen-3ya.example/",
            "https://münchen.example/",
            "https://127.0.0.1/",
            "https://a.0x7f/",
            "https://a..example/",
            "https://.a.example/",
            "https://a.example./",
            "https://-a.example/",
            "https:///a.example/",
            "https:a.example/",
            "https://a.example/x/../y",
            "https://a.example/x/%2e%2E/y",
            "https://a.example/a b",
            "https://a.example/a\\b",
            "https://a.example/it's",
            " https://a.example/",
            "ftp://a.example/",
            "https://",
        ] {
            assert!(plain_parts(url).is_none(), "{url}");
        }
    }

    /// Mostly `usual`, sometimes `odd`.
    fn weighted(
        usual: &[&'static str],
        odd: &[&'static str],
    ) -> impl Strategy<Value = &'static str> + use<> {
        prop_oneof![
            10 => prop::sample::select(usual.to_vec()),
            1 => prop::sample::select(odd.to_vec()),
        ]
    }

    /// URLs near the plain shape: a scheme, host labels and path, query and fragment pieces,
    /// each now and then one the plain reading must refuse.
    fn url_text() -> impl Strategy<Value = String> {
        let scheme = weighted(
            &["https://", "http://", "HTTP://"],
            &["https:/", "", "ftp://"],
        );
        let host = prop::collection::vec(
            weighted(
                &["a", "b1", "www", "x-y", "news"],
                &["-", "xn--", "7", "0x1", "", "A", "é", ":8", "@", "_"],
            ),
            1..4,
        );
        let rest = prop::collection::vec(
            weighted(
                &[
                    "/",
                    "p",
                    "Q",
                    "1",
                    "%41",
                    "%",
                    "%zz",
                    "?",
                    "&",
                    "=",
                    "+",
                    "#",
                    ";",
                    ":",
                    "@",
                    "!",
                    "~",
                    "amp",
                    ".html",
                    "utm_source",
                ],
                &[
                    ".", "..", "%2e", "%2E", " ", "'", "\\", "\"", "é", "<", "{", "|", "^", "`",
                ],
            ),
            0..10,
        );
        (scheme, host, rest)
            .prop_map(|(scheme, host, rest)| format!("{scheme}{}{}", host.join("."), rest.concat()))
    }

    /// The property below holds only where the plain reading answers: it must answer often.
    #[test]
    fn generated_urls_are_often_plain() {
        let plain =
            crate::corpus::testing::passing(&url_text(), 1000, |url| plain_parts(url).is_some());
        assert!(plain >= 100, "{plain} of 1,000");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn plain_urls_read_as_the_parser_reads_them(url in url_text()) {
            plain_agrees(&url)?;
        }
    }

    #[test]
    fn keys_forget_what_feeds_vary() {
        let base = link_key("https://www.example.com/news/a-story").unwrap();
        assert_eq!(base, "example.com/news/a-story");
        for variant in [
            "http://example.com/news/a-story",
            "HTTPS://WWW.EXAMPLE.COM:443/news/a-story/",
            "https://example.com/news/a-story#comments",
            "https://example.com/news/a-story?utm_source=feed&utm_medium=rss",
            "https://example.com/amp/news/a-story",
            "https://example.com/news/a-story/amp",
            "https://example.com/news/a-story.amp",
            "https://example.com/news/a-story.html",
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/amp/news/a-story",
            // Also forgotten since the key is built on the URL parser.
            "https://example.com.:80/news//a-story",
            "https://user@example.com/news/a-story",
            "https://example.com/news/./x/../a-story",
            "https://www-example-com.cdn.ampproject.org/c/s/example.com/news/a-story?usqp=mq331AQ&amp_js_v=0.1",
        ] {
            assert_eq!(
                link_key(variant).as_deref(),
                Some(base.as_str()),
                "{variant}"
            );
        }
    }

    #[test]
    fn keys_keep_what_names_the_article() {
        let a = link_key("https://example.com/news?id=1").unwrap();
        let b = link_key("https://example.com/news?id=2").unwrap();
        assert_ne!(a, b);
        assert_ne!(
            link_key("https://example.com/a"),
            link_key("https://example.org/a")
        );
        assert_eq!(
            link_key("https://example.com:8080/a").as_deref(),
            Some("example.com:8080/a")
        );
        assert_ne!(
            link_key("https://example.com/a%2Fb"),
            link_key("https://example.com/a/b")
        );
        assert_eq!(link_key("file:///etc/passwd"), None);
        assert_eq!(link_key("javascript:alert(1)"), None);
        assert_eq!(link_key("not a url"), None);
        assert_eq!(link_key("https://"), None);
        assert_eq!(link_key(""), None);
    }

    #[test]
    fn query_parameters_meet_in_any_order_and_encoding() {
        let base = link_key("https://example.com/news?b=2&a=x%20y").unwrap();
        assert_eq!(base, "example.com/news?a=x%20y&b=2");
        for variant in [
            "https://example.com/news?a=x+y&b=2",
            "https://example.com/news?b=2&fbclid=abc&a=x%20y",
            "https://example.com/news?UTM_Campaign=z&a=x%20y&b=2",
        ] {
            assert_eq!(
                link_key(variant).as_deref(),
                Some(base.as_str()),
                "{variant}"
            );
        }
        assert_eq!(
            link_key("https://example.com/news?id").as_deref(),
            Some("example.com/news?id")
        );
    }

    #[test]
    fn seed_web_and_amp_urls_meet() {
        assert_eq!(
            link_key(
                "https://medicalxpress.com/news/2023-09-reveals-machine-critical-immune-thrombocytopenia.html"
            ),
            link_key(
                "https://medicalxpress-com.cdn.ampproject.org/c/s/medicalxpress.com/news/2023-09-reveals-machine-critical-immune-thrombocytopenia.amp"
            ),
        );
    }

    #[test]
    fn international_hosts_meet_their_ascii_form() {
        let unicode = link_key("https://münchen.example/a").unwrap();
        assert_eq!(unicode, "xn--mnchen-3ya.example/a");
        for variant in [
            "https://xn--mnchen-3ya.example/a",
            "https://MÜNCHEN.example/a",
            "https://www.xn--MNCHEN-3ya.example/a/",
        ] {
            assert_eq!(
                link_key(variant).as_deref(),
                Some(unicode.as_str()),
                "{variant}"
            );
        }
    }

    #[test]
    fn default_ports_are_forgotten_and_others_kept() {
        let base = link_key("https://example.com/a");
        for variant in [
            "https://example.com:443/a",
            "http://example.com:80/a",
            "http://example.com:443/a",
            "https://example.com:/a",
        ] {
            assert_eq!(link_key(variant), base, "{variant}");
        }
        assert_eq!(
            link_key("http://example.com:8443/a").as_deref(),
            Some("example.com:8443/a")
        );
    }

    #[test]
    fn percent_encoding_variants_meet() {
        let base = link_key("https://example.com/caf%C3%A9/a~b").unwrap();
        assert_eq!(base, "example.com/caf%C3%A9/a~b");
        for variant in [
            "https://example.com/caf%c3%a9/a~b",
            "https://example.com/café/a%7Eb",
            "https://example.com/caf%C3%A9/a%7eb",
            "https://ex%61mple.com/café/a~b",
        ] {
            assert_eq!(
                link_key(variant).as_deref(),
                Some(base.as_str()),
                "{variant}"
            );
        }
    }

    fn nested_amp_cache(levels: usize) -> String {
        format!(
            "https://{}e.com/",
            "x.cdn.ampproject.org/c/s/".repeat(levels)
        )
    }

    #[test]
    fn amp_cache_nesting_is_unwrapped_up_to_the_cap() {
        assert_eq!(
            link_key(&nested_amp_cache(MAX_AMP_CACHE_LEVELS)).as_deref(),
            Some("e.com")
        );
        assert_eq!(link_key(&nested_amp_cache(MAX_AMP_CACHE_LEVELS + 1)), None);
    }

    /// Used to recurse once per prefix and overflow the stack, aborting the whole reader.
    #[test]
    fn deeply_nested_amp_cache_urls_do_not_overflow_the_stack() {
        let url = nested_amp_cache(6000);
        // A small stack proves there is no recursion per level: the old code needed more than
        // this after a few dozen levels.
        let key = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || link_key(&url))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(key, None);
    }

    #[test]
    fn plain_web_urls_may_be_opened_exactly_as_written() {
        for url in [
            "https://example.org/safe-article",
            "http://example.org/a?q=1#top",
            "HTTPS://EXAMPLE.ORG/A",
            "https://münchen.example/a",
            "https://example.org/a;b$(c)&d='e'|f",
            "https://[::1]:8080/a",
            "https://192.0.2.1/a",
        ] {
            assert_eq!(may_open(url), Ok(url), "{url}");
        }
    }

    #[test]
    fn hostile_urls_are_refused_with_a_reason() {
        for (url, refusal) in [
            ("", Refusal::Empty),
            ("javascript:alert(1)", Refusal::NotWeb),
            ("file:///etc/passwd", Refusal::NotWeb),
            ("mailto:a@example.org", Refusal::NotWeb),
            ("example.org/a", Refusal::NotWeb),
            ("https:example.org/a", Refusal::NotWeb),
            ("https:/example.org/a", Refusal::NotWeb),
            ("--help", Refusal::LeadingDash),
            ("-https://example.org/", Refusal::LeadingDash),
            ("http://", Refusal::NoHost),
            ("https:///", Refusal::NoHost),
            ("https://example.org/has space", Refusal::SpaceOrControl),
            (" https://example.org/", Refusal::SpaceOrControl),
            ("https://x.example/a\ntouch ~/p", Refusal::SpaceOrControl),
            ("https://x.example/a\r", Refusal::SpaceOrControl),
            ("https://x.example/a\tb", Refusal::SpaceOrControl),
            (
                "https://x.example/\x1b]0;pwned\x07",
                Refusal::SpaceOrControl,
            ),
            ("https://x.example/a\x07", Refusal::SpaceOrControl),
            ("https://x.example/a\u{9b}2J", Refusal::SpaceOrControl),
            ("https://x.example/a\u{2028}b", Refusal::SpaceOrControl),
            ("https://x.example/a\u{200B}b", Refusal::Invisible),
            ("https://x.example/\u{202E}txt.exe", Refusal::Invisible),
            ("https://x.exa\u{00AD}mple/a", Refusal::Invisible),
            ("https://x.example/a\u{FEFF}", Refusal::Invisible),
            ("https://-x.example/a", Refusal::HostLeadingDash),
            ("https://evil.example\\@good.example/", Refusal::Backslash),
            ("https://good.example@evil.example/", Refusal::Credentials),
            ("https://u:p@evil.example/", Refusal::Credentials),
            ("https://exa mple.org/", Refusal::SpaceOrControl),
            (
                "https://exa<mple.org/",
                Refusal::Malformed(url::ParseError::IdnaError),
            ),
            (
                "https://example.org:99999/",
                Refusal::Malformed(url::ParseError::InvalidPort),
            ),
        ] {
            assert_eq!(may_open(url), Err(refusal), "{url:?}");
        }
    }

    #[test]
    fn refusals_read_as_reasons() {
        assert_eq!(
            Refusal::Invisible.to_string(),
            "contains invisible characters"
        );
        assert_eq!(
            Refusal::NotWeb.to_string(),
            "not an http:// or https:// URL"
        );
        assert_eq!(
            Refusal::Malformed(url::ParseError::InvalidPort).to_string(),
            "malformed URL: invalid port number"
        );
    }
}
