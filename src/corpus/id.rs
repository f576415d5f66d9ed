//! Stable card ids: the same card gets the same id after a re-load or a move of its folder.
//!
//! In order of preference: the 16 hex digits of a `NNN_<hex>.txt` file name (the content id the
//! corpus already carries), else a hash of the card's canonical URL, else of its path relative
//! to the folder it was loaded from.
//!
//! Ids given as arguments (`show ID`, `--select ID`) are read by one parser, [`parse_id_arg`]:
//! all 16 hex digits, or as git does with hashes, a prefix of at least 4 that names one card.

use std::hash::Hasher;
use std::path::Path;
use std::str::FromStr;

use super::card::CardId;

/// Hashing for keys that are already hashes (card ids, URL hashes): building the map of 100k
/// cards is a third of the load time with SipHash.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing spreads ids that differ only in their high bits (a hashed path
        // and a file-name id are both fine) over the low bits the table uses.
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(32);
    }
}

/// A map keyed by hashes (card ids, URL hashes), with [`IdHasher`].
pub type KeyMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// FNV-1a, 64-bit: tiny, and unlike `std`'s hashers its output is fixed forever, which is the
/// whole point of an id that must survive upgrades.
pub(crate) fn stable_hash(bytes: &[u8]) -> u64 {
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
pub(crate) fn card_id(path: &Path, canonical_url: Option<&str>, relative_path: &Path) -> CardId {
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

/// Shortest id prefix accepted: fewer digits would name many cards in any real corpus.
pub(crate) const MIN_PREFIX: usize = 4;
const FULL: usize = 16;

/// A card id as given on the command line: whole, or a prefix to resolve against the corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdArg {
    Full(CardId),
    /// The first `digits` hex digits of an id (4 to 15), right-aligned in `value`.
    Prefix {
        value: u64,
        digits: u8,
    },
}

/// Why an argument is not a card id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdArgError {
    #[error("a card id is hex digits (0-9, a-f)")]
    NotHex,
    #[error("a card id prefix has at least 4 hex digits")]
    TooShort,
    #[error("a card id has 16 hex digits")]
    TooLong,
}

/// What resolving an [`IdArg`] against a corpus can end in besides one card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolve {
    /// No card's id is or starts with it.
    NotFound,
    /// Several cards' ids start with it: every one, in id order, without repeats.
    Ambiguous(Vec<CardId>),
}

/// Reads a card id argument: 4 to 16 hex digits, either case; nothing else (no sign, no
/// spaces, no `0x`).
pub fn parse_id_arg(s: &str) -> Result<IdArg, IdArgError> {
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(IdArgError::NotHex);
    }
    if s.len() < MIN_PREFIX {
        return Err(IdArgError::TooShort);
    }
    if s.len() > FULL {
        return Err(IdArgError::TooLong);
    }
    let value = u64::from_str_radix(s, 16).map_err(|_| IdArgError::NotHex)?;
    Ok(if s.len() == FULL {
        IdArg::Full(CardId(value))
    } else {
        IdArg::Prefix {
            value,
            digits: s.len() as u8,
        }
    })
}

impl FromStr for IdArg {
    type Err = IdArgError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_id_arg(s)
    }
}

impl IdArg {
    /// Whether `id` is this id, or starts with this prefix.
    pub fn matches(&self, id: CardId) -> bool {
        match *self {
            IdArg::Full(full) => id == full,
            IdArg::Prefix { value, digits } => id.0 >> (4 * (FULL - usize::from(digits))) == value,
        }
    }

    /// The one card among `ids` this names.
    pub(crate) fn resolve(&self, ids: impl IntoIterator<Item = CardId>) -> Result<CardId, Resolve> {
        let mut found: Vec<CardId> = ids.into_iter().filter(|id| self.matches(*id)).collect();
        found.sort_unstable();
        found.dedup();
        match found.as_slice() {
            [] => Err(Resolve::NotFound),
            [one] => Ok(*one),
            _ => Err(Resolve::Ambiguous(found)),
        }
    }
}

impl std::fmt::Display for IdArg {
    /// As given, in lower case.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            IdArg::Full(id) => write!(f, "{id}"),
            IdArg::Prefix { value, digits } => {
                write!(f, "{value:0width$x}", width = usize::from(digits))
            }
        }
    }
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

    #[test]
    fn id_arguments_are_whole_ids_or_prefixes_of_four_or_more() {
        assert_eq!(
            parse_id_arg("9C2F78830C4C02FC"),
            Ok(IdArg::Full(CardId(0x9c2f_7883_0c4c_02fc)))
        );
        assert_eq!(
            parse_id_arg("9c2f"),
            Ok(IdArg::Prefix {
                value: 0x9c2f,
                digits: 4
            })
        );
        assert_eq!(
            parse_id_arg("0000").map(|a| a.to_string()),
            Ok("0000".into())
        );
        assert_eq!(parse_id_arg("abc"), Err(IdArgError::TooShort));
        assert_eq!(parse_id_arg(""), Err(IdArgError::TooShort));
        assert_eq!(parse_id_arg("9c2f78830c4c02fcc"), Err(IdArgError::TooLong));
        for bad in [
            "+c2f78830c4c02fc",
            "xyz",
            "9c2f ",
            "0x9c2f",
            "-9c2f",
            "９c2f",
        ] {
            assert_eq!(parse_id_arg(bad), Err(IdArgError::NotHex), "{bad}");
        }
        assert_eq!("9c2f".parse::<IdArg>(), parse_id_arg("9c2f"));
    }

    #[test]
    fn prefixes_resolve_to_one_card_or_say_why_not() {
        let ids = [
            CardId(0x9c2f_7883_0c4c_02fc),
            CardId(0x9c2f_0000_0000_0001),
            CardId(0x23b2_046b_4490_3d5b),
            CardId(0x0000_0000_0000_0abc),
        ];
        let resolve = |s: &str| parse_id_arg(s).map(|a| a.resolve(ids));
        assert_eq!(resolve("9c2f7"), Ok(Ok(ids[0])));
        assert_eq!(resolve("23B2"), Ok(Ok(ids[2])));
        assert_eq!(resolve("9c2f78830c4c02fc"), Ok(Ok(ids[0])));
        assert_eq!(
            resolve("9c2f"),
            Ok(Err(Resolve::Ambiguous(vec![ids[1], ids[0]])))
        );
        assert_eq!(resolve("0000"), Ok(Ok(ids[3])));
        // Not the number 0xabc: a prefix is the start of an id.
        assert_eq!(resolve("0abc"), Ok(Err(Resolve::NotFound)));
        assert_eq!(resolve("ffff"), Ok(Err(Resolve::NotFound)));
        assert_eq!(resolve("9c2f78830c4c02fd"), Ok(Err(Resolve::NotFound)));
        // The same card twice (named twice) is still one card.
        let twice = [ids[0], ids[0]];
        assert_eq!(
            parse_id_arg("9c2f").map(|a| a.resolve(twice)),
            Ok(Ok(ids[0]))
        );
    }
}
