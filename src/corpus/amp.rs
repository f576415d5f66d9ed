//! The usual AMP forms of an article's URL. Most cards give an `ampWebUrl` that is their
//! `webUrl` with `/amp` after the host, and a `cdnAmpWebUrl` that is that AMP URL on Google's
//! AMP cache; a card holds such a URL only as "the usual form" (see [`crate::corpus::Urls`]),
//! which at 100k cards is tens of megabytes of text never held. Only an exact match counts:
//! what is read back is always the very string the card gave.

/// `https://host/path` -> `https://host/amp/path`; `None` without a path after the host.
pub(crate) fn amp_of(web: &str) -> Option<String> {
    let (scheme, rest) = web.split_once("://")?;
    let slash = rest.find('/')?;
    let (host, path) = rest.split_at(slash);
    if host.is_empty() || path.len() < 2 {
        return None;
    }
    Some(format!("{scheme}://{host}/amp{path}"))
}

/// `https://www.host.com/path` -> `https://www-host-com.cdn.ampproject.org/c/s/www.host.com/path`,
/// the AMP cache's address of an https page (`-` in the host doubled, `.` made `-`).
pub(crate) fn cache_of(amp: &str) -> Option<String> {
    let rest = amp.strip_prefix("https://")?;
    let host = &rest[..rest.find('/').unwrap_or(rest.len())];
    if host.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(amp.len() * 2 + 32);
    out.push_str("https://");
    for c in host.chars() {
        match c {
            '-' => out.push_str("--"),
            '.' => out.push('-'),
            c => out.push(c),
        }
    }
    out.push_str(".cdn.ampproject.org/c/s/");
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_forms_of_a_seed() {
        // From tests/fixtures/seeds/000_f18be6a7170f6cf1.txt.
        let web = "https://www.techtimes.com/articles/302436/20240310/chinese.htm";
        let amp = amp_of(web).expect("an AMP form");
        assert_eq!(
            amp,
            "https://www.techtimes.com/amp/articles/302436/20240310/chinese.htm"
        );
        assert_eq!(
            cache_of(&amp).as_deref(),
            Some(
                "https://www-techtimes-com.cdn.ampproject.org/c/s/www.techtimes.com/amp/articles/\
                 302436/20240310/chinese.htm"
            )
        );
        assert_eq!(
            cache_of("https://a-b.example/x").as_deref(),
            Some("https://a--b-example.cdn.ampproject.org/c/s/a-b.example/x")
        );
    }

    #[test]
    fn no_form_without_a_host_or_path() {
        for url in [
            "",
            "https://",
            "https://host",
            "https://host/",
            "host/path",
            "https:///x",
        ] {
            assert_eq!(amp_of(url), None, "{url}");
        }
        assert_eq!(
            cache_of("http://host/amp/x"),
            None,
            "the cache's form is of https"
        );
        assert_eq!(cache_of("https:///x"), None);
    }
}
