//! How card text is written: YAML double-quoted values, images, teasers, slugs, dates and the
//! base64 payload. Shared by every mode, so all of them write the format the same way.

use std::fmt::Write as _;

use super::rng::Rng;

pub const IMAGE_SIZES: &[(u32, u32)] = &[
    (1200, 630),
    (1600, 900),
    (1024, 683),
    (2048, 1365),
    (1280, 720),
    (800, 600),
];

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn slug(words: &[String], rng: &mut Rng) -> String {
    let mut out = String::new();
    for w in words {
        let clean: String = w
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if clean.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&clean);
        if out.len() > 48 {
            break;
        }
    }
    let _ = write!(out, "-{}", rng.range(10_000, 999_999));
    out
}

pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn random_bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

pub fn cdn_of(domain: &str, path: &str) -> String {
    format!(
        "https://{}.cdn.ampproject.org/c/s/{domain}{path}",
        domain.replace('.', "-")
    )
}

/// `text` cut at a word boundary before `max` bytes, followed by ` ...`.
pub fn teaser(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let head = head.rfind(' ').map_or(head, |sp| &head[..sp]);
    format!("{} ...", head.trim_end_matches([',', '.', ' ']))
}

/// `<indent><key>: "<value>"` with YAML double-quoted escaping: quotes, backslashes and every
/// character YAML forbids raw (controls, U+FFFE, U+FFFF) are escaped, so any text round-trips.
pub fn kv_quoted(s: &mut String, indent: &str, key: &str, value: &str) {
    s.push_str(indent);
    s.push_str(key);
    s.push_str(": \"");
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\u{1b}' => s.push_str("\\e"),
            '\u{7}' => s.push_str("\\a"),
            '\0' => s.push_str("\\0"),
            // YAML allows none of these raw, or reads them as line breaks; an escape carries
            // them as they are.
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}') =>
            {
                let _ = write!(s, "\\u{:04x}", u32::from(c));
            }
            c => s.push(c),
        }
    }
    s.push_str("\"\n");
}

pub fn image(s: &mut String, indent: &str, url: &str, w: u32, h: u32, cached: bool) {
    kv_quoted(s, &format!("{indent}- "), "url", url);
    let _ = write!(
        s,
        "{indent}  width: {w}\n{indent}  height: {h}\n{indent}  isCached: {cached}\n"
    );
}
