//! Times as the reader shows them: in a given time zone, and as ages relative to a clock.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A time as `2024-03-08 01:00 +01:00` in `zone`.
pub(crate) fn format_time(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone())
        .strftime("%Y-%m-%d %H:%M %:z")
        .to_string()
}

/// How long ago `then` was, in the list's few characters: `now`, `5m`, `3h`, `2d`, `5mo`, `3y`;
/// or how far ahead it is, `in 3d`. Within a minute either way it reads `now`: a clock a
/// little ahead is not worth a stranger word.
pub fn age(now: Timestamp, then: Timestamp) -> String {
    let ahead = then.as_second().saturating_sub(now.as_second());
    if ahead >= 60 {
        return format!("in {}", span(ahead));
    }
    span(now.as_second().saturating_sub(then.as_second()))
}

/// `secs` in the largest unit that fits: `now`, `5m`, `3h`, `2d`, `5mo`, `3y`.
fn span(secs: i64) -> String {
    let minutes = secs / 60;
    let hours = minutes / 60;
    let days = hours / 24;
    if minutes < 1 {
        "now".to_string()
    } else if hours < 1 {
        format!("{minutes}m")
    } else if days < 1 {
        format!("{hours}h")
    } else if days < 30 {
        format!("{days}d")
    } else if days < 365 {
        format!("{}mo", (days / 30).min(11))
    } else {
        format!("{}y", days / 365)
    }
}

/// The age of an optional time, `—` (as every missing value) when there is none.
pub(crate) fn age_of(now: Timestamp, then: Option<Timestamp>) -> String {
    then.map_or_else(|| super::MISSING.to_string(), |t| age(now, t))
}

/// `2y ago`, `just now`, or `in 3d` for a time ahead of the clock: the list's age in words.
pub fn relative(now: Timestamp, then: Timestamp) -> String {
    // No-break spaces keep `2y ago` whole when the date wraps.
    let age = age(now, then);
    if age == "now" {
        "just\u{a0}now".to_string()
    } else if let Some(ahead) = age.strip_prefix("in ") {
        format!("in\u{a0}{ahead}")
    } else {
        format!("{age}\u{a0}ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn times_show_in_the_given_zone_with_offset() {
        let t = ts("2024-03-08T00:00:00Z");
        assert_eq!(format_time(t, &TimeZone::UTC), "2024-03-08 00:00 +00:00");
        let paris = TimeZone::get("Europe/Paris");
        if let Ok(paris) = paris {
            assert_eq!(format_time(t, &paris), "2024-03-08 01:00 +01:00");
        }
        let fixed = TimeZone::fixed(jiff::tz::offset(-5));
        assert_eq!(format_time(t, &fixed), "2024-03-07 19:00 -05:00");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = ts("2026-11-23T12:00:00Z");
        assert_eq!(relative(now, ts("2024-03-08T00:00:00Z")), "2y\u{a0}ago");
        assert_eq!(relative(now, ts("2026-11-23T11:59:50Z")), "just\u{a0}now");
        assert_eq!(relative(now, ts("2026-11-23T15:00:00Z")), "in\u{a0}3h");
        assert_eq!(relative(now, ts("2026-11-26T12:00:00Z")), "in\u{a0}3d");
        assert_eq!(age(now, ts("2026-11-26T12:00:00Z")), "in 3d");
        assert_eq!(age_of(now, None), "—");
    }
}
