//! A card's excerpt and body: the longest texts it has, and wanted only to show one card or
//! to check a few forms of query (`'exact`, `^`, `$`, phrases) on the cards the index found.
//!
//! A card parsed from its file holds them, until the cache encodes it: then, like a card read
//! from the cache, it leaves them in the cache's bytes (the cache file, or the file a new
//! cache is put together in), mapped: their pages are the page cache's, counted in the
//! reader's resident memory only while they are read, and given back to the system when it
//! needs them (at 100k cards, a quarter of what the cards would otherwise hold). The cache
//! checked them when it was read (its chunk's CRC covers them); they are read through a lossy
//! conversion, which costs no copy for valid UTF-8 and keeps a file changed under the map by
//! another program from ever giving anything but text.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// An excerpt and a body, each perhaps absent.
#[derive(Clone, Default)]
pub struct Prose(At);

#[derive(Clone)]
enum At {
    Held {
        excerpt: Option<Box<str>>,
        body: Option<Box<str>>,
    },
    Mapped {
        file: Arc<memmap2::Mmap>,
        /// Where the excerpt begins in `file`; the body follows it.
        at: u64,
        /// Their lengths in bytes, [`ABSENT`] for none.
        excerpt: u32,
        body: u32,
        /// The word index's stamp of the card's texts (see `crate::search::index::stamp`),
        /// as the cache stored it, so that matching the index's documents to the cards reads
        /// none of these pages.
        stamp: u64,
    },
}

const ABSENT: u32 = u32::MAX;

/// The bytes a text of length `len` (or [`ABSENT`]) takes.
fn taken(len: u32) -> u64 {
    if len == ABSENT { 0 } else { u64::from(len) }
}

impl Default for At {
    fn default() -> Self {
        At::Held {
            excerpt: None,
            body: None,
        }
    }
}

impl Prose {
    pub fn held(excerpt: Option<Box<str>>, body: Option<Box<str>>) -> Prose {
        Prose(At::Held { excerpt, body })
    }

    /// The texts `file` holds from byte `at` on: an excerpt of `excerpt` bytes, then a body of
    /// `body` bytes (`None`: absent). `None` when they do not lie within the file.
    pub fn mapped(
        file: &Arc<memmap2::Mmap>,
        at: usize,
        excerpt: Option<u32>,
        body: Option<u32>,
    ) -> Option<Prose> {
        if excerpt == Some(ABSENT) || body == Some(ABSENT) {
            return None;
        }
        let (excerpt, body) = (excerpt.unwrap_or(ABSENT), body.unwrap_or(ABSENT));
        let end = (at as u64)
            .checked_add(taken(excerpt))?
            .checked_add(taken(body))?;
        file.get(at..usize::try_from(end).ok()?)?;
        Some(Prose(At::Mapped {
            file: file.clone(),
            at: at as u64,
            excerpt,
            body,
            stamp: 0,
        }))
    }

    pub fn excerpt(&self) -> Option<Cow<'_, str>> {
        match &self.0 {
            At::Held { excerpt, .. } => excerpt.as_deref().map(Cow::Borrowed),
            At::Mapped {
                file, at, excerpt, ..
            } => text(file, *at, *excerpt),
        }
    }

    pub fn body(&self) -> Option<Cow<'_, str>> {
        match &self.0 {
            At::Held { body, .. } => body.as_deref().map(Cow::Borrowed),
            At::Mapped {
                file,
                at,
                excerpt,
                body,
                ..
            } => text(file, *at + taken(*excerpt), *body),
        }
    }

    /// The map mapped texts lie in.
    pub fn map(&self) -> Option<&Arc<memmap2::Mmap>> {
        match &self.0 {
            At::Held { .. } => None,
            At::Mapped { file, .. } => Some(file),
        }
    }

    /// The stamp given by [`Prose::with_stamp`], for mapped texts.
    pub fn stamp(&self) -> Option<u64> {
        match &self.0 {
            At::Held { .. } => None,
            At::Mapped { stamp, .. } => Some(*stamp),
        }
    }

    /// Mapped texts with the word index's stamp of their card; held ones need none.
    pub fn with_stamp(mut self, made: u64) -> Prose {
        if let At::Mapped { stamp, .. } = &mut self.0 {
            *stamp = made;
        }
        self
    }
}

/// Gives the pages of `len` bytes of `map` from `offset` back to the system (`MADV_DONTNEED`):
/// they stop counting in this process's resident memory, the system keeps them in its page
/// cache, and a text read later maps its page again. What read texts in bulk (a cache's
/// decoding, the word index's indexing) calls once done.
pub fn give_back(map: &memmap2::Mmap, offset: usize, len: usize) {
    let len = len.min(map.len().saturating_sub(offset));
    if len == 0 {
        return;
    }
    #[cfg(unix)]
    // SAFETY: the maps of texts are read-only and shared with their file: MADV_DONTNEED only
    // unmaps their pages from this process, and the next read of them finds the file's
    // contents again, as before. Nothing holds a reference into those pages across the call
    // that could see anything but the file's bytes.
    unsafe {
        let _ = map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len);
    }
}

/// The text of `len` bytes at `at` in `file`.
fn text(file: &memmap2::Mmap, at: u64, len: u32) -> Option<Cow<'_, str>> {
    if len == ABSENT {
        return None;
    }
    let start = usize::try_from(at).ok()?;
    let bytes = file.get(start..start.checked_add(len as usize)?)?;
    Some(String::from_utf8_lossy(bytes))
}

/// The same texts, wherever they are.
impl PartialEq for Prose {
    fn eq(&self, other: &Self) -> bool {
        self.excerpt() == other.excerpt() && self.body() == other.body()
    }
}

impl fmt::Debug for Prose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prose")
            .field("excerpt", &self.excerpt())
            .field("body", &self.body())
            .field("mapped", &matches!(self.0, At::Mapped { .. }))
            .finish()
    }
}

/// As the card's `excerpt` and `body` keys.
impl serde::Serialize for Prose {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = s.serialize_struct("Prose", 2)?;
        fields.serialize_field("excerpt", &self.excerpt())?;
        fields.serialize_field("body", &self.body())?;
        fields.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn map(bytes: &[u8]) -> Arc<memmap2::Mmap> {
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(bytes).expect("write");
        // SAFETY: a private temporary file, written above and never again.
        Arc::new(unsafe { memmap2::Mmap::map(&file) }.expect("map"))
    }

    #[test]
    fn mapped_texts_read_back_as_held_ones() {
        let file = map("..exc€rptbody..".as_bytes());
        let mapped = Prose::mapped(&file, 2, Some(9), Some(4)).expect("within the file");
        let held = Prose::held(Some("exc€rpt".into()), Some("body".into()));
        assert_eq!(mapped, held);
        assert_eq!(mapped.excerpt().as_deref(), Some("exc€rpt"));
        assert_eq!(mapped.body().as_deref(), Some("body"));
        assert!(matches!(mapped.excerpt(), Some(Cow::Borrowed(_))));

        let body_only = Prose::mapped(&file, 11, None, Some(4)).expect("within the file");
        assert_eq!(body_only, Prose::held(None, Some("body".into())));
        let none = Prose::mapped(&file, 0, None, None).expect("nothing to read");
        assert_eq!(none, Prose::default());
        assert_eq!(none.with_stamp(7).stamp(), Some(7));
        assert_eq!(held.with_stamp(7).stamp(), None);
    }

    #[test]
    fn texts_outside_the_file_are_refused_and_bytes_not_utf8_read_as_text() {
        let file = map("ab€".as_bytes());
        assert!(Prose::mapped(&file, 0, Some(5), None).is_some());
        assert!(
            Prose::mapped(&file, 0, Some(6), None).is_none(),
            "past the end"
        );
        let cut = Prose::mapped(&file, 0, Some(3), None).expect("within the file");
        assert_eq!(cut.excerpt().as_deref(), Some("ab\u{FFFD}"), "cut inside €");
        assert!(Prose::mapped(&file, 4, Some(1), Some(1)).is_none());
        assert!(Prose::mapped(&file, usize::MAX, Some(1), None).is_none());
        assert!(Prose::mapped(&file, 0, Some(ABSENT), None).is_none());
    }
}
