//! The values of `since:`, `until:` and `date:`: ages counted back from now (`7d`), calendar
//! spans read in the reader's zone (`2024`, `2024-03`, `2024-03-01`), minutes with or without an
//! explicit offset (`2024-03-01T10:30Z`), and for `date:` ranges of them (`2024-01..2024-03`).
//!
//! Civil times become instants through jiff's zone rules, and calendar steps (the next month,
//! three months back) through jiff's calendar arithmetic, so month ends, leap years and daylight
//! saving days come out right without arithmetic of our own.

use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use jiff::{SignedDuration, Span, Timestamp};

use super::Clock;

/// The three words a date value follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateWord {
    Since,
    Until,
    Date,
}

/// The publication times a date term lets through: at or after the first, before the second;
/// `None` is open.
pub(super) type Window = (Option<Timestamp>, Option<Timestamp>);

/// What a date value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    /// An age (`7d`): the instant that long before now.
    Age(Timestamp),
    /// A calendar span (`2024-03`) or a minute: from `start` up to `end`, which is `None` when
    /// it lies past the last instant jiff can represent.
    Span {
        start: Timestamp,
        end: Option<Timestamp>,
    },
}

impl Named {
    fn start(self) -> Timestamp {
        match self {
            Named::Age(at) => at,
            Named::Span { start, .. } => start,
        }
    }

    fn end(self) -> Option<Timestamp> {
        match self {
            Named::Age(at) => Some(at),
            Named::Span { end, .. } => end,
        }
    }
}

/// The forms a date value may take, for error messages.
const FORMS: &str = "dates are 2024, 2024-03, 2024-03-01 or 2024-03-01T10:30 (add Z or +02:00 \
                     for a zone other than yours), ages are 12h, 7d, 2w, 3mo or 1y";

/// The window `word:value` stands for:
/// - `since:X`: from the start of X (an age: from that long ago), open-ended;
/// - `until:X`: up to the end of X's span (`until:2024-06` keeps all of June; an age: up to
///   that long ago), open at the start;
/// - `date:X`: X's span; an age has no span of its own, so `date:7d` is the last seven days,
///   the same as `since:7d`;
/// - `date:A..B`: from the start of A to the end of B.
///
/// The error is a message for the person who typed it; the caller knows the column.
pub(super) fn window(word: DateWord, value: &str, clock: &Clock) -> Result<Window, String> {
    if let Some((first, last)) = value.split_once("..") {
        if word != DateWord::Date {
            return Err(format!(
                "a range goes with `date:`, as in `date:{value}`; {FORMS}"
            ));
        }
        if first.is_empty() || last.is_empty() {
            return Err(format!(
                "a range needs a date at both ends, as in `date:2024-01..2024-03` \
                 (for an open end, use `since:` or `until:`); {FORMS}"
            ));
        }
        let from = named(first, clock)?.start();
        let until = named(last, clock)?.end();
        if until.is_some_and(|until| until <= from) {
            return Err(format!("`{value}` ends before it starts"));
        }
        return Ok((Some(from), until));
    }
    let named = named(value, clock)?;
    Ok(match (word, named) {
        (DateWord::Since, _) | (DateWord::Date, Named::Age(_)) => (Some(named.start()), None),
        (DateWord::Until, _) => (None, named.end()),
        (DateWord::Date, Named::Span { start, end }) => (Some(start), end),
    })
}

/// Reads one date or age.
fn named(text: &str, clock: &Clock) -> Result<Named, String> {
    match age(text, clock) {
        Some(found) => found,
        None => calendar(text, clock),
    }
}

/// Reads an age (`12h`, `7d`, `2w`, `3mo`, `1y`); `None` when `text` is not shaped like one.
fn age(text: &str, clock: &Clock) -> Option<Result<Named, String>> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (amount, unit) = text.split_at(digits);
    let step: fn(Span, i64) -> Result<Span, jiff::Error> = match unit.to_ascii_lowercase().as_str()
    {
        "h" => Span::try_hours,
        "d" => Span::try_days,
        "w" => Span::try_weeks,
        "mo" => Span::try_months,
        "y" => Span::try_years,
        _ => return None,
    };
    let too_far = || format!("`{text}` is further back than dates go");
    let back = amount
        .parse::<i64>()
        .ok()
        .and_then(|amount| step(Span::new(), amount).ok())
        // Days, weeks, months and years are counted on the reader's calendar, so `1d` is the
        // same time yesterday even across a daylight saving change, and `1mo` from 31 March
        // is the last day of February.
        .and_then(|span| {
            clock
                .now
                .to_zoned(clock.zone.clone())
                .checked_sub(span)
                .ok()
        });
    Some(
        back.map(|then| Named::Age(then.timestamp()))
            .ok_or_else(too_far),
    )
}

/// Reads a calendar date: a year, a month, a day, or a minute (or second) of a day, with an
/// optional `Z` or offset on a time.
fn calendar(text: &str, clock: &Clock) -> Result<Named, String> {
    let malformed = || format!("`{text}` is not a date or an age: {FORMS}");
    let (day_part, time_part) = match text.find(['T', 't']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let fields: Vec<&str> = day_part.split('-').collect();
    let widths = [4, 2, 2];
    if fields.len() > widths.len()
        || fields
            .iter()
            .zip(widths)
            .any(|(field, width)| field.len() != width || !all_digits(field))
    {
        return Err(malformed());
    }
    let number = |at: usize| fields.get(at).and_then(|f| f.parse::<i16>().ok());
    let year = number(0).ok_or_else(malformed)?;
    let month = number(1).unwrap_or(1);
    if !(1..=12).contains(&month) {
        return Err(format!("`{text}`: there is no month {month}; {FORMS}"));
    }
    // Both fit an i8: the month was checked, the day has two digits.
    let (month, day) = (month as i8, number(2).unwrap_or(1) as i8);
    let date = Date::new(year, month, day).map_err(|_| {
        let days = Date::new(year, month, 1).map_or(0, |first| first.days_in_month());
        format!("`{day_part}` is not a date: {year:04}-{month:02} has {days} days")
    })?;
    let out_of_range = || format!("`{text}` is beyond the dates that can be searched");

    if let Some(time_part) = time_part {
        if fields.len() != 3 {
            return Err(malformed());
        }
        let (clock_part, offset) = split_offset(time_part).ok_or_else(malformed)?;
        let (time, length) = time_of_day(clock_part).ok_or_else(malformed)?;
        let time = time.ok_or_else(|| format!("`{text}`: there is no time {clock_part}"))?;
        let at = date.to_datetime(time);
        let start = match offset {
            Some(offset) => offset.to_timestamp(at),
            None => clock.zone.to_timestamp(at),
        }
        .map_err(|_| out_of_range())?;
        return Ok(Named::Span {
            start,
            end: start.checked_add(length).ok(),
        });
    }

    let start = day_start(date, clock).ok_or_else(out_of_range)?;
    let next = match fields.len() {
        1 => Date::new(year.saturating_add(1), 1, 1).ok(),
        2 => date.checked_add(Span::new().months(1)).ok(),
        _ => date.tomorrow().ok(),
    };
    Ok(Named::Span {
        start,
        end: next.and_then(|next| day_start(next, clock)),
    })
}

/// The first instant of `date` in the reader's zone. A day whose midnight falls in a daylight
/// saving gap starts when the gap ends (jiff's "compatible" choice).
fn day_start(date: Date, clock: &Clock) -> Option<Timestamp> {
    clock
        .zone
        .to_timestamp(date.to_datetime(Time::midnight()))
        .ok()
}

/// Splits `10:30Z` / `10:30+02:00` / `10:30` into the time and its offset, if one is given;
/// `None` when the offset is malformed.
fn split_offset(text: &str) -> Option<(&str, Option<Offset>)> {
    if let Some(time) = text.strip_suffix(['Z', 'z']) {
        return Some((time, Some(Offset::UTC)));
    }
    let Some(sign_at) = text.find(['+', '-']) else {
        return Some((text, None));
    };
    let (time, offset) = text.split_at(sign_at);
    let sign: i32 = if offset.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = offset[1..].split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 || !all_digits(hours) || !all_digits(minutes) {
        return None;
    }
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let offset = Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()?;
    Some((time, Some(offset)))
}

/// Reads `HH:MM` or `HH:MM:SS`, with the length of the span it names. The outer `None` is a
/// malformed text; the inner one a well-formed time that does not exist (`25:00`).
fn time_of_day(text: &str) -> Option<(Option<Time>, SignedDuration)> {
    let fields: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&fields.len()) || fields.iter().any(|f| f.len() != 2 || !all_digits(f)) {
        return None;
    }
    let number = |at: usize| fields.get(at).and_then(|f| f.parse::<i8>().ok());
    let (hour, minute, second) = (number(0)?, number(1)?, number(2).unwrap_or(0));
    let length = if fields.len() == 2 {
        SignedDuration::from_mins(1)
    } else {
        SignedDuration::from_secs(1)
    };
    Some((Time::new(hour, minute, second, 0).ok(), length))
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    /// Berlin's rules written out, so the tests need no time zone database on the machine.
    fn berlin() -> TimeZone {
        TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("a valid POSIX TZ string")
    }

    fn clock_at(now: &str, zone: TimeZone) -> Clock {
        Clock {
            now: now.parse().expect("a valid timestamp"),
            zone,
        }
    }

    fn berlin_clock() -> Clock {
        clock_at("2024-03-31T10:00:00Z", berlin())
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().expect("a valid timestamp")
    }

    fn win(word: DateWord, value: &str, clock: &Clock) -> Window {
        window(word, value, clock).unwrap_or_else(|e| panic!("{value}: {e}"))
    }

    fn span_of(value: &str, clock: &Clock) -> (Timestamp, Option<Timestamp>) {
        let (from, until) = win(DateWord::Date, value, clock);
        (from.expect("a start"), until)
    }

    #[test]
    fn years_months_and_days_are_local_spans() {
        let utc = clock_at("2024-06-15T12:00:00Z", TimeZone::UTC);
        assert_eq!(
            span_of("2024", &utc),
            (ts("2024-01-01T00:00Z"), Some(ts("2025-01-01T00:00Z")))
        );
        assert_eq!(
            span_of("2024-03", &utc),
            (ts("2024-03-01T00:00Z"), Some(ts("2024-04-01T00:00Z")))
        );
        assert_eq!(
            span_of("2024-12-31", &utc),
            (ts("2024-12-31T00:00Z"), Some(ts("2025-01-01T00:00Z")))
        );
        // In Berlin, 1 January starts an hour before it does in London.
        assert_eq!(
            span_of("2024", &berlin_clock()),
            (ts("2023-12-31T23:00Z"), Some(ts("2024-12-31T23:00Z")))
        );
    }

    #[test]
    fn month_ends_and_leap_years() {
        let utc = clock_at("2024-06-15T12:00:00Z", TimeZone::UTC);
        assert_eq!(span_of("2024-02", &utc).1, Some(ts("2024-03-01T00:00Z")));
        assert_eq!(span_of("2023-02", &utc).1, Some(ts("2023-03-01T00:00Z")));
        assert_eq!(
            span_of("2024-02-29", &utc),
            (ts("2024-02-29T00:00Z"), Some(ts("2024-03-01T00:00Z")))
        );
        let err = window(DateWord::Date, "2023-02-29", &utc).unwrap_err();
        assert!(
            err.contains("2023-02-29") && err.contains("28 days"),
            "{err}"
        );
        let err = window(DateWord::Since, "2024-04-31", &utc).unwrap_err();
        assert!(
            err.contains("2024-04-31") && err.contains("30 days"),
            "{err}"
        );
        // `date:2024-02` ends at 1 March, local midnight.
        assert_eq!(
            span_of("2024-02", &berlin_clock()).1,
            Some(ts("2024-02-29T23:00Z"))
        );
    }

    #[test]
    fn daylight_saving_days_are_as_long_as_they_are() {
        let clock = berlin_clock();
        let (from, until) = span_of("2024-03-31", &clock);
        assert_eq!(from, ts("2024-03-30T23:00Z"));
        assert_eq!(until, Some(ts("2024-03-31T22:00Z")), "a 23-hour day");
        let (from, until) = span_of("2024-10-27", &clock);
        assert_eq!(from, ts("2024-10-26T22:00Z"));
        assert_eq!(until, Some(ts("2024-10-27T23:00Z")), "a 25-hour day");
        // 02:30 does not exist on 31 March; jiff moves it past the gap.
        assert_eq!(
            span_of("2024-03-31T02:30", &clock).0,
            ts("2024-03-31T01:30Z")
        );
    }

    #[test]
    fn the_system_zone_database_agrees_when_there_is_one() {
        // Not every machine has a zone database; where there is one, the named zone and the
        // written-out rules above must give the same day.
        if let Ok(named) = TimeZone::get("Europe/Berlin") {
            let clock = clock_at("2024-03-31T10:00:00Z", named);
            assert_eq!(
                span_of("2024-03-31", &clock),
                span_of("2024-03-31", &berlin_clock())
            );
        }
    }

    #[test]
    fn minutes_seconds_and_explicit_offsets() {
        let clock = berlin_clock();
        assert_eq!(
            span_of("2024-03-01T10:30", &clock),
            (ts("2024-03-01T09:30Z"), Some(ts("2024-03-01T09:31Z")))
        );
        assert_eq!(
            span_of("2024-03-01T10:30Z", &clock),
            (ts("2024-03-01T10:30Z"), Some(ts("2024-03-01T10:31Z")))
        );
        assert_eq!(
            span_of("2024-03-01t10:30z", &clock).0,
            ts("2024-03-01T10:30Z")
        );
        assert_eq!(
            span_of("2024-03-01T10:30+02:00", &clock).0,
            ts("2024-03-01T08:30Z")
        );
        assert_eq!(
            span_of("2024-03-01T10:30-05:30", &clock).0,
            ts("2024-03-01T16:00Z")
        );
        assert_eq!(
            span_of("2024-03-01T10:30:15Z", &clock),
            (ts("2024-03-01T10:30:15Z"), Some(ts("2024-03-01T10:30:16Z")))
        );
    }

    #[test]
    fn ages_count_back_from_now_on_the_readers_calendar() {
        let clock = berlin_clock(); // 12:00 in Berlin, the first day of summer time
        let since = |v: &str| win(DateWord::Since, v, &clock).0.expect("a start");
        assert_eq!(since("12h"), ts("2024-03-30T22:00Z"));
        assert_eq!(since("0h"), clock.now);
        // Yesterday at 12:00 was still winter time: 24 hours and one more.
        assert_eq!(since("1d"), ts("2024-03-30T11:00Z"));
        assert_eq!(since("2w"), ts("2024-03-17T11:00Z"));
        // 31 March less a month is the last day of February, a leap day.
        assert_eq!(since("1mo"), ts("2024-02-29T11:00Z"));
        assert_eq!(since("3MO"), ts("2023-12-31T11:00Z"));
        assert_eq!(since("1y"), ts("2023-03-31T10:00Z"));
        assert_eq!(
            win(DateWord::Until, "7d", &clock),
            (None, Some(ts("2024-03-24T11:00Z")))
        );
        assert_eq!(
            win(DateWord::Date, "7d", &clock),
            win(DateWord::Since, "7d", &clock),
            "date: with an age is since:"
        );
    }

    #[test]
    fn since_until_and_date_take_the_ends_they_say() {
        let utc = clock_at("2024-06-15T12:00:00Z", TimeZone::UTC);
        assert_eq!(
            win(DateWord::Since, "2024-06", &utc),
            (Some(ts("2024-06-01T00:00Z")), None)
        );
        assert_eq!(
            win(DateWord::Until, "2024-06", &utc),
            (None, Some(ts("2024-07-01T00:00Z"))),
            "until: keeps all of June"
        );
        assert_eq!(
            win(DateWord::Date, "2024-01..2024-03", &utc),
            (Some(ts("2024-01-01T00:00Z")), Some(ts("2024-04-01T00:00Z")))
        );
        assert_eq!(
            win(DateWord::Date, "2024-03-01T10:00Z..2024-03-02", &utc),
            (Some(ts("2024-03-01T10:00Z")), Some(ts("2024-03-03T00:00Z")))
        );
        assert_eq!(
            win(DateWord::Date, "7d..1d", &utc),
            (Some(ts("2024-06-08T12:00Z")), Some(ts("2024-06-14T12:00Z")))
        );
        assert_eq!(
            win(DateWord::Date, "2024..2024", &utc),
            win(DateWord::Date, "2024", &utc)
        );
    }

    #[test]
    fn the_far_ends_of_the_calendar_stay_open_or_are_errors() {
        let utc = clock_at("2024-06-15T12:00:00Z", TimeZone::UTC);
        assert_eq!(win(DateWord::Until, "9999", &utc), (None, None));
        assert!(window(DateWord::Date, "9999-12-31", &utc).is_err());
        assert!(window(DateWord::Since, "0000", &utc).is_ok());
        for value in ["99999y", "9999999999999999999999d", "20000y", "200000000h"] {
            let err = window(DateWord::Since, value, &utc).unwrap_err();
            assert!(err.contains("further back"), "{value}: {err}");
        }
    }

    #[test]
    fn malformed_values_say_what_is_accepted() {
        let utc = clock_at("2024-06-15T12:00:00Z", TimeZone::UTC);
        for (word, value) in [
            (DateWord::Since, "yesterday"),
            (DateWord::Since, "7x"),
            (DateWord::Since, "7"),
            (DateWord::Since, "d"),
            (DateWord::Date, "2024-13"),
            (DateWord::Date, "2024-00"),
            (DateWord::Date, "2024-3"),
            (DateWord::Date, "24-03-01"),
            (DateWord::Date, "2024-03-01-02"),
            (DateWord::Date, "2024-03T10:30"),
            (DateWord::Date, "2024-03-01T10"),
            (DateWord::Date, "2024-03-01T10:30+2"),
            (DateWord::Date, "2024-03-01T10:30+24:00"),
            (DateWord::Date, "2024-03-01T10:30Z+02:00"),
            (DateWord::Date, "2024-03-01T25:00"),
            (DateWord::Date, ".."),
            (DateWord::Date, "2024.."),
            (DateWord::Date, "..2024"),
            (DateWord::Date, "2024...2025"),
            (DateWord::Date, "2025..2024"),
            (DateWord::Since, "2024..2025"),
            (DateWord::Until, ""),
            (DateWord::Date, "２０２４"),
        ] {
            let err = window(word, value, &utc).unwrap_err();
            assert!(!err.is_empty(), "{value}");
        }
        let err = window(DateWord::Since, "yesterday", &utc).unwrap_err();
        assert!(err.contains("2024-03-01") && err.contains("7d"), "{err}");
        let err = window(DateWord::Date, "2024-13", &utc).unwrap_err();
        assert!(err.contains("month 13"), "{err}");
        let err = window(DateWord::Date, "2025..2024", &utc).unwrap_err();
        assert!(err.contains("before it starts"), "{err}");
    }
}
