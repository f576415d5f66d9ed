//! Any text -> the query parser: a query or an error whose column lies inside the text (or just
//! past its end), never a panic or a hang. Dates count back from a fixed time, in a zone with
//! daylight saving, so relative and calendar dates are both exercised.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tidings::search::syntax::{Clock, parse};

fn main() {
    let zone = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap_or(TimeZone::UTC);
    let clock = Clock {
        now: Timestamp::from_second(1_750_000_000).unwrap_or(Timestamp::UNIX_EPOCH),
        zone,
    };
    afl::fuzz!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            if let Err(e) = parse(text, &clock) {
                let chars = text.chars().count();
                assert!(e.column >= 1 && e.column <= chars + 1, "column {} of {chars}", e.column);
            }
        }
    });
}
