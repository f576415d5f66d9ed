//! Stable card ids: the same card gets the same id after a re-load or a move of its folder.
//!
//! In order of preference: the 16 hex digits of a `NNN_<hex>.txt` file name (the content id the
//! corpus already carries), else a hash of the card's canonical URL, else of its path relative
//! to the folder it was loaded from.

use std::path::Path;

use super::card::CardId;

/// FNV-1a, 64-bit: tiny, and unlike `std`'s hashers its output is fixed forever, which is the
/// whole point of an id that must survive upgrades.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The content id in a file name like `000_f18be6a7170f6cf1.txt`, if it has one.
pub fn from_file_name(path: &Path) -> Option<CardId> {
    let stem = path.file_stem()?.to_str()?;
    let hex = stem.rsplit('_').next()?;
    if hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        u64::from_str_radix(hex, 16).ok().map(CardId)
    } else {
        None
    }
}

/// The id for a card: see the module comment for the order.
pub fn card_id(path: &Path, canonical_url: Option<&str>, relative_path: &Path) -> CardId {
    if let Some(id) = from_file_name(path) {
        return id;
    }
    if let Some(url) = canonical_url.filter(|u| !u.is_empty()) {
        return CardId(stable_hash(url.as_bytes()));
    }
    // Forward slashes, so the id does not depend on the platform the corpus was loaded on.
    let rel = relative_path.to_string_lossy().replace('\\', "/");
    CardId(stable_hash(rel.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_hex_wins() {
        let id = card_id(
            Path::new("/x/000_f18be6a7170f6cf1.txt"),
            Some("https://a.example/x"),
            Path::new("000_f18be6a7170f6cf1.txt"),
        );
        assert_eq!(id, CardId(0xf18b_e6a7_170f_6cf1));
        assert_eq!(id.to_string(), "f18be6a7170f6cf1");
    }

    #[test]
    fn url_then_relative_path() {
        let by_url = card_id(
            Path::new("/a/note.md"),
            Some("https://a.example/x"),
            Path::new("note.md"),
        );
        let moved = card_id(
            Path::new("/b/c/note.md"),
            Some("https://a.example/x"),
            Path::new("c/note.md"),
        );
        assert_eq!(by_url, moved);
        let by_path = card_id(Path::new("/a/note.md"), None, Path::new("sub/note.md"));
        let moved = card_id(
            Path::new("/elsewhere/sub/note.md"),
            None,
            Path::new("sub/note.md"),
        );
        assert_eq!(by_path, moved);
        assert_ne!(
            by_path,
            card_id(Path::new("/a/n.md"), None, Path::new("other.md"))
        );
    }

    #[test]
    fn not_sixteen_hex_digits_is_no_file_name_id() {
        assert_eq!(from_file_name(Path::new("000_f18be6a7170f6cf.txt")), None);
        assert_eq!(from_file_name(Path::new("000_g18be6a7170f6cf1.txt")), None);
        assert_eq!(
            from_file_name(Path::new("f18be6a7170f6cf1.txt")),
            Some(CardId(0xf18be6a7170f6cf1))
        );
    }
}
