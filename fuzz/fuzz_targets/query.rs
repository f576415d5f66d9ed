//! Any text -> the query parser: a query or an error, never a panic or a hang.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = tidings::search::query::parse(text);
        }
    });
}
