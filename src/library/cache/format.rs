//! The cache file's bytes: a fixed preamble, a header with the file table, then chunks of
//! parse results, each checked by a CRC-32 and decoded on its own (so on all cores).
//!
//! ```text
//! 0   8  magic "TIDCACHE"
//! 8   4  format version, little endian (FORMAT_VERSION)
//! 12  4  parser version, little endian (corpus::parse::PARSER_VERSION)
//! 16  8  header length
//! 24  4  header CRC-32
//! 28  .. header: when the keys were taken, the size cap, the canonical roots, one record per
//!        file (root, path below it, key) and one per chunk (files, length, CRC-32)
//! ..  .. the chunks, back to back: the parse results of the files in table order
//! ```
//!
//! A chunk is the lengths of its main part and of its texts (8 bytes each, little endian), the
//! main part (the cards and diagnostics, which a load decodes whole), the texts (each card's
//! excerpt and body, back to back in card order, which a load checks and leaves where they are:
//! see [`Prose`]), then the cards' images and related entries, one encoded piece per card: a
//! card's are read alone, when it is opened (see `ExtrasAt::Stored`), and checked then by a
//! CRC of their own in its record. The chunk's CRC covers its lengths, main part and texts: a
//! load reads nothing else.
//!
//! The stored types mirror [`Card`] and [`Diagnostic`] field by field rather than deriving on
//! them, so the corpus types stay free to change and every value read back is checked on the
//! way in (an index out of range, a timestamp out of range, an unknown severity make the cache
//! corrupt, never a panic). Strings shared across cards (provider, category, type, topics) are
//! stored once per chunk and interned again when read, as the parser interns them.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bitcode::{Decode, Encode};

use super::file::CacheFile;
use super::key::FileKey;
use crate::corpus::intern::Interner;
use crate::corpus::links::CardKeys;
use crate::corpus::parse::{PARSER_VERSION, Parsed};
use crate::corpus::{Card, CardId, CardPath, Diagnostic, ExtrasAt, Provider, Secured, Severity};
use crate::corpus::{Extras, ExtrasStore, Image, Prose, Related, StoredSpot};
use crate::corpus::{Subject, Urls};

pub(crate) const MAGIC: [u8; 8] = *b"TIDCACHE";

/// Bump when the layout or any stored type below changes.
pub(crate) const FORMAT_VERSION: u32 = 7;

pub(crate) const PREAMBLE_LEN: usize = 28;

/// Why a cache file cannot be used. Each is said once, and the cache is rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    #[error("not a tidings cache")]
    NotACache,
    #[error("made by another version of tidings")]
    OtherVersion,
    #[error("truncated")]
    Truncated,
    #[error("corrupt ({0})")]
    Corrupt(&'static str),
    #[error("made for other folders")]
    OtherRoots,
}

/// One file as the cache knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    /// Index into [`Header::roots`].
    pub root: u32,
    /// The path below the root, as the walk found it; what a card's id may fall back on.
    pub relative: PathBuf,
    pub key: FileKey,
}

/// Where a chunk lies in the file, and which files it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkRef {
    pub offset: usize,
    pub len: usize,
    pub crc: u32,
    /// Its files are `files` records of the table, following the previous chunk's.
    pub files: usize,
}

/// Everything before the chunks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// When the keys were taken (nanoseconds since the epoch): the racy rule's reference.
    pub taken_ns: i64,
    /// The `--max-size` the files were read with: a file over either cap is read again.
    pub size_cap: u64,
    /// Canonical, sorted, without repeats: which corpus this cache is for.
    pub roots: Vec<PathBuf>,
    pub files: Vec<FileRecord>,
    pub chunks: Vec<ChunkRef>,
}

#[derive(Encode, Decode)]
struct StoredHeader {
    taken_ns: i64,
    size_cap: u64,
    /// Paths as their bytes (bitcode borrows only `str`; paths need not be Unicode).
    roots: Vec<Vec<u8>>,
    files: Vec<StoredFile>,
    chunks: Vec<StoredChunkRef>,
}

#[derive(Encode, Decode)]
struct StoredFile {
    root: u32,
    relative: Vec<u8>,
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i64,
}

#[derive(Encode, Decode)]
struct StoredChunkRef {
    files: u32,
    len: u64,
    crc: u32,
}

/// The preamble and header, encoded, to be written one after the other (one buffer would be
/// one more copy of the header, megabytes, at the end of a load); `chunks` are their lengths
/// and CRCs, in order.
pub(crate) fn encode_header(header: &Header) -> [Vec<u8>; 2] {
    let stored = StoredHeader {
        taken_ns: header.taken_ns,
        size_cap: header.size_cap,
        roots: header
            .roots
            .iter()
            .map(|r| path_bytes(r).to_vec())
            .collect(),
        files: header
            .files
            .iter()
            .map(|f| StoredFile {
                root: f.root,
                relative: path_bytes(&f.relative).to_vec(),
                dev: f.key.dev,
                ino: f.key.ino,
                size: f.key.size,
                mtime_ns: f.key.mtime_ns,
            })
            .collect(),
        chunks: header
            .chunks
            .iter()
            .map(|c| StoredChunkRef {
                files: c.files as u32,
                len: c.len as u64,
                crc: c.crc,
            })
            .collect(),
    };
    let body = bitcode::encode(&stored);
    drop(stored);
    let mut preamble = Vec::with_capacity(PREAMBLE_LEN);
    preamble.extend_from_slice(&MAGIC);
    preamble.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    preamble.extend_from_slice(&PARSER_VERSION.to_le_bytes());
    preamble.extend_from_slice(&(body.len() as u64).to_le_bytes());
    preamble.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    [preamble, body]
}

/// Reads and checks the preamble and header of a whole cache file: versions, CRCs, and that
/// the chunks exactly fill the rest of the file and the file table.
pub(crate) fn decode_header(bytes: &[u8]) -> Result<Header, Invalid> {
    let field = |at: usize, len: usize| bytes.get(at..at + len).ok_or(Invalid::Truncated);
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) {
            Invalid::Truncated
        } else {
            Invalid::NotACache
        });
    }
    let u32_at = |at| field(at, 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if u32_at(8)? != FORMAT_VERSION || u32_at(12)? != PARSER_VERSION {
        return Err(Invalid::OtherVersion);
    }
    let len = field(16, 8).map(|b| {
        let mut le = [0u8; 8];
        le.copy_from_slice(b);
        u64::from_le_bytes(le)
    })?;
    let crc = u32_at(24)?;
    let len = usize::try_from(len).map_err(|_| Invalid::Truncated)?;
    let end = PREAMBLE_LEN.checked_add(len).ok_or(Invalid::Truncated)?;
    let body = bytes.get(PREAMBLE_LEN..end).ok_or(Invalid::Truncated)?;
    if crc32fast::hash(body) != crc {
        return Err(Invalid::Corrupt("header checksum"));
    }
    let stored: StoredHeader = bitcode::decode(body).map_err(|_| Invalid::Corrupt("header"))?;
    let roots: Vec<PathBuf> = stored.roots.iter().map(|r| path_from_bytes(r)).collect();
    // Pushed into a vector of the right size: collecting `Result`s would grow it step by step,
    // copying the records each time.
    let mut files = Vec::with_capacity(stored.files.len());
    for f in &stored.files {
        if f.root as usize >= roots.len() {
            return Err(Invalid::Corrupt("root index"));
        }
        files.push(FileRecord {
            root: f.root,
            relative: path_from_bytes(&f.relative),
            key: FileKey {
                dev: f.dev,
                ino: f.ino,
                size: f.size,
                mtime_ns: f.mtime_ns,
            },
        });
    }
    let mut offset = end;
    let mut covered = 0usize;
    let mut chunks = Vec::with_capacity(stored.chunks.len());
    for c in &stored.chunks {
        let len = usize::try_from(c.len).map_err(|_| Invalid::Truncated)?;
        chunks.push(ChunkRef {
            offset,
            len,
            crc: c.crc,
            files: c.files as usize,
        });
        offset = offset.checked_add(len).ok_or(Invalid::Truncated)?;
        covered = covered.saturating_add(c.files as usize);
    }
    if offset > bytes.len() {
        return Err(Invalid::Truncated);
    }
    if offset < bytes.len() || covered != files.len() {
        return Err(Invalid::Corrupt("chunk table"));
    }
    Ok(Header {
        taken_ns: stored.taken_ns,
        size_cap: stored.size_cap,
        roots,
        files,
        chunks,
    })
}

#[cfg(unix)]
pub(crate) fn path_bytes(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

#[cfg(not(unix))]
pub(crate) fn path_bytes(path: &Path) -> &[u8] {
    // Paths that are not Unicode are never found again: the file is parsed anew each time.
    path.to_str().map_or(&[], str::as_bytes)
}

#[cfg(unix)]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

// --- chunks ---

#[derive(Encode, Decode)]
struct StoredChunk<'a> {
    /// The chunk's shared strings; fields below that are `u32` index into it.
    strings: Vec<&'a str>,
    results: Vec<StoredResult<'a>>,
}

#[derive(Encode, Decode)]
struct StoredResult<'a> {
    card: Option<StoredCard<'a>>,
    diagnostics: Vec<StoredDiagnostic<'a>>,
}

#[derive(Encode, Decode)]
struct StoredDiagnostic<'a> {
    line: u64,
    column: u64,
    /// 0 warning, 1 error.
    severity: u8,
    /// 0 file, 1 folder.
    subject: u8,
    message: &'a str,
}

#[derive(Encode, Decode)]
struct StoredCard<'a> {
    id: u64,
    category: Option<u32>,
    title: Option<&'a str>,
    /// The lengths of its excerpt and body among the chunk's texts, which hold them one card
    /// after another.
    excerpt: Option<u32>,
    body: Option<u32>,
    /// The word index's stamp of its texts (`crate::search::index::stamp`), so that matching
    /// the card to the index's documents reads none of them: a change to what the stamp
    /// covers changes this format's version.
    stamp: u64,
    time: Option<(i64, i32)>,
    urls: StoredUrls<'a>,
    kind: Option<u32>,
    quality: Option<i64>,
    heat: Option<i64>,
    published: Option<bool>,
    provider: Option<StoredProvider>,
    topics: Vec<u32>,
    /// See `ExtrasAt::File`.
    refused_url: bool,
    /// Where its extras lie after the chunk's main part (offset, length, CRC); `None`: in its
    /// file.
    extras: Option<(u32, u32, u32)>,
    secured: Option<u64>,
    /// The card's own URL hashes, then its related entries' (see `CardKeys::parts`).
    link_keys: (Vec<u64>, Vec<u64>),
}

#[derive(Encode, Decode)]
struct StoredUrls<'a> {
    web: Option<&'a str>,
    /// `originalUrl` is the very string of `webUrl`, sharing its allocation.
    original_is_web: bool,
    original: Option<&'a str>,
    /// See `Urls::parts`.
    amp: (bool, Option<&'a str>),
    cdn_amp: (bool, Option<&'a str>),
}

#[derive(Encode, Decode)]
struct StoredProvider {
    name: Option<u32>,
    domain: Option<u32>,
}

/// One file's parse result as a chunk holds it; the path is the caller's (a cache is found
/// again under other spellings of the same folder).
pub(crate) struct ResultRef<'a> {
    pub card: Option<&'a Card>,
    pub diagnostics: &'a [Diagnostic],
}

impl<'a> From<&'a Parsed> for ResultRef<'a> {
    fn from(parsed: &'a Parsed) -> Self {
        ResultRef {
            card: parsed.card.as_ref(),
            diagnostics: &parsed.diagnostics,
        }
    }
}

/// Gives each shared string of a chunk its index.
#[derive(Default)]
struct Strings<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

impl<'a> Strings<'a> {
    fn index(&mut self, s: &'a str) -> u32 {
        let next = self.list.len() as u32;
        *self.index.entry(s).or_insert_with(|| {
            self.list.push(s);
            next
        })
    }

    fn opt(&mut self, s: &'a Option<Arc<str>>) -> Option<u32> {
        s.as_deref().map(|s| self.index(s))
    }

    fn provider(&mut self, p: &'a Option<Provider>) -> Option<StoredProvider> {
        p.as_ref().map(|p| StoredProvider {
            name: self.opt(&p.name),
            domain: self.opt(&p.domain),
        })
    }
}

fn store_time(t: &Option<jiff::Timestamp>) -> Option<(i64, i32)> {
    t.map(|t| (t.as_second(), t.subsec_nanosecond()))
}

fn store_urls(u: &Urls) -> StoredUrls<'_> {
    let (amp, cdn_amp) = u.parts();
    let original_is_web = match (&u.web_url, &u.original_url) {
        (Some(web), Some(original)) => Arc::ptr_eq(web, original) || web == original,
        _ => false,
    };
    StoredUrls {
        web: u.web_url.as_deref(),
        original_is_web,
        original: if original_is_web {
            None
        } else {
            u.original_url.as_deref()
        },
        amp,
        cdn_amp,
    }
}

/// Where a chunk's cards put what is not in their records: their texts and their extras.
#[derive(Default)]
struct Outside {
    texts: Vec<u8>,
    extras: Vec<u8>,
}

impl Outside {
    /// Adds a text to the chunk's texts: its length, `None` for none.
    fn text(&mut self, text: Option<Cow<'_, str>>) -> Option<u32> {
        let text = text?;
        // The parser's size cap keeps a card's texts far below 4 GiB; `u32::MAX` stands for
        // none where they are read back.
        let len = u32::try_from(text.len()).ok().filter(|n| *n != u32::MAX)?;
        self.texts.extend_from_slice(text.as_bytes());
        Some(len)
    }
}

/// Points the cards of `results`, just encoded into `chunk` by [`encode_chunk`] (which said
/// how it stored their texts: `stored`), at their texts in `map`, which holds the chunk's bytes
/// from byte `base` on: a card parsed now then leaves its texts in the cache's bytes as one
/// decoded from the cache does (see [`Prose`]), instead of holding them until the reader exits.
pub(crate) fn map_texts(
    chunk: &[u8],
    results: &mut [&mut Parsed],
    stored: &[Option<StoredTexts>],
    map: &Arc<memmap2::Mmap>,
    base: usize,
) {
    let Some(mut at) = split_chunk(chunk).and_then(|parts| base.checked_add(parts.texts)) else {
        return;
    };
    for (parsed, texts) in results.iter_mut().zip(stored) {
        let (Some(card), Some(texts)) = (parsed.card.as_mut(), texts) else {
            continue;
        };
        let here = at;
        at += texts.excerpt.unwrap_or(0) as usize + texts.body.unwrap_or(0) as usize;
        // A text the chunk could not store stays with the card, and so does the other.
        let whole = card.excerpt().is_some() == texts.excerpt.is_some()
            && card.body().is_some() == texts.body.is_some();
        if let Some(prose) = Prose::mapped(map, here, texts.excerpt, texts.body).filter(|_| whole) {
            card.prose = prose.with_stamp(texts.stamp);
        }
    }
}

fn store_card<'a>(c: &'a Card, strings: &mut Strings<'a>, outside: &mut Outside) -> StoredCard<'a> {
    let extras = match &c.extras {
        ExtrasAt::Held(extras) => Some(encode_extras(extras)),
        // Already encoded (a chunk packed again): their bytes as they are.
        ExtrasAt::Stored { spot, .. } => spot.store.read_raw(spot).ok(),
        ExtrasAt::File { .. } => None,
    };
    let extras = extras.and_then(|bytes| {
        let offset = u32::try_from(outside.extras.len()).ok()?;
        let len = u32::try_from(bytes.len()).ok()?;
        outside.extras.extend_from_slice(&bytes);
        Some((offset, len, crc32fast::hash(&bytes)))
    });
    StoredCard {
        id: c.id.0,
        category: strings.opt(&c.category),
        title: c.title.as_deref(),
        excerpt: outside.text(c.excerpt()),
        body: outside.text(c.body()),
        stamp: crate::search::index::stamp(c),
        time: store_time(&c.published_date_time),
        urls: store_urls(&c.urls),
        kind: strings.opt(&c.kind),
        quality: c.quality,
        heat: c.heat,
        published: c.published,
        provider: strings.provider(&c.provider),
        topics: c.topics.iter().map(|t| strings.index(t)).collect(),
        refused_url: c.extras.has_refused_url(),
        extras,
        secured: c.secured.map(|s| s.length as u64),
        link_keys: match &c.link_keys {
            Some(keys) => keys.parts(),
            None => CardKeys::of(c).parts(),
        },
    }
}

/// How a card's texts were stored in its chunk: their lengths (`None`: none stored) and the
/// stamp of the card's texts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoredTexts {
    excerpt: Option<u32>,
    body: Option<u32>,
    stamp: u64,
}

/// Encodes the parse results of consecutive files of the table; also, per result, how its
/// card's texts were stored (see [`map_texts`]).
pub(crate) fn encode_chunk(results: &[ResultRef<'_>]) -> (Vec<u8>, Vec<Option<StoredTexts>>) {
    let mut strings = Strings::default();
    let mut outside = Outside::default();
    let results: Vec<StoredResult<'_>> = results
        .iter()
        .map(|r| StoredResult {
            card: r.card.map(|c| store_card(c, &mut strings, &mut outside)),
            diagnostics: r
                .diagnostics
                .iter()
                .map(|d| StoredDiagnostic {
                    line: d.line as u64,
                    column: d.column as u64,
                    severity: match d.severity {
                        Severity::Warning => 0,
                        Severity::Error => 1,
                    },
                    subject: match d.subject {
                        Subject::File => 0,
                        Subject::Folder => 1,
                    },
                    message: &d.message,
                })
                .collect(),
        })
        .collect();
    let stored_texts = results
        .iter()
        .map(|r| {
            r.card.as_ref().map(|c| StoredTexts {
                excerpt: c.excerpt,
                body: c.body,
                stamp: c.stamp,
            })
        })
        .collect();
    let main = bitcode::encode(&StoredChunk {
        strings: strings.list,
        results,
    });
    let (texts, extras) = (outside.texts, outside.extras);
    let mut out = Vec::with_capacity(LENGTHS_BYTES + main.len() + texts.len() + extras.len());
    out.extend_from_slice(&(main.len() as u64).to_le_bytes());
    out.extend_from_slice(&(texts.len() as u64).to_le_bytes());
    out.extend_from_slice(&main);
    out.extend_from_slice(&texts);
    out.extend_from_slice(&extras);
    (out, stored_texts)
}

/// The bytes before a chunk's main part: its length and its texts' length.
const LENGTHS_BYTES: usize = 16;

/// The CRC a chunk's record holds (see the module's notes).
pub(crate) fn chunk_crc(data: &[u8]) -> u32 {
    crc32fast::hash(split_chunk(data).map_or(data, |parts| &data[..parts.extras]))
}

/// Where a chunk's parts begin, from its start; what its CRC covers ends at `extras`.
struct ChunkParts {
    texts: usize,
    extras: usize,
}

fn split_chunk(data: &[u8]) -> Option<ChunkParts> {
    let len = |at: usize| -> Option<usize> {
        let bytes: [u8; 8] = data.get(at..at + 8)?.try_into().ok()?;
        usize::try_from(u64::from_le_bytes(bytes)).ok()
    };
    let texts = LENGTHS_BYTES.checked_add(len(0)?)?;
    let extras = texts.checked_add(len(8)?)?;
    (extras <= data.len()).then_some(ChunkParts { texts, extras })
}

/// Checks a chunk's CRC and decodes its parse results, with paths left empty for the caller
/// to fill in ([`set_path`]); their texts and extras are left in `cache`, and the chunk's
/// pages given back (see [`CacheFile::release`]).
pub(crate) fn decode_chunk(
    cache: &CacheFile,
    chunk: &ChunkRef,
    interner: &Interner,
) -> Result<Vec<Parsed>, Invalid> {
    let decoded = decode_chunk_pages(cache, chunk, interner);
    cache.release(chunk.offset, chunk.len);
    decoded
}

/// [`decode_chunk`] but for giving the pages back.
fn decode_chunk_pages(
    cache: &CacheFile,
    chunk: &ChunkRef,
    interner: &Interner,
) -> Result<Vec<Parsed>, Invalid> {
    let end = chunk.offset.checked_add(chunk.len);
    let data = end
        .and_then(|end| cache.bytes.get(chunk.offset..end))
        .ok_or(Invalid::Truncated)?;
    let parts = split_chunk(data).ok_or(Invalid::Corrupt("chunk length"))?;
    if crc32fast::hash(&data[..parts.extras]) != chunk.crc {
        return Err(Invalid::Corrupt("chunk checksum"));
    }
    let stored: StoredChunk = bitcode::decode(&data[LENGTHS_BYTES..parts.texts])
        .map_err(|_| Invalid::Corrupt("chunk"))?;
    if stored.results.len() != chunk.files {
        return Err(Invalid::Corrupt("chunk length"));
    }
    let shared: Vec<Arc<str>> = stored.strings.iter().map(|s| interner.intern(s)).collect();
    let reader = Reader {
        shared: &shared,
        file: &cache.bytes,
        next_text: Cell::new(chunk.offset + parts.texts),
        store: &cache.extras,
        tail_at: chunk.offset + parts.extras,
        tail_len: data.len() - parts.extras,
    };
    // Every keystroke of a filter reads each card's title and topics: made first, one card
    // after another, they sit side by side in memory (see `store::side_by_side`).
    let mut searched = Vec::with_capacity(stored.results.len());
    for c in stored.results.iter().filter_map(|r| r.card.as_ref()) {
        let topics: Box<[Arc<str>]> = c
            .topics
            .iter()
            .map(|t| reader.one(*t))
            .collect::<Result<_, _>>()?;
        searched.push((c.title.map(Box::from), topics));
    }
    let mut searched = searched.into_iter();
    // As the header's records: a vector of the right size.
    let mut results = Vec::with_capacity(stored.results.len());
    for r in stored.results {
        results.push(reader.result(r, &mut searched)?);
    }
    Ok(results)
}

/// Gives every card and diagnostic of one file its path.
/// The card shares the path (the walk's, for a file it found).
pub(crate) fn set_path(parsed: &mut Parsed, path: &CardPath) {
    if let Some(card) = &mut parsed.card {
        card.path = path.clone();
    }
    for d in &mut parsed.diagnostics {
        d.path = path.to_path_buf();
    }
}

/// A card's title and topics, made before the rest of the chunk's cards.
type Searched = (Option<Box<str>>, Box<[Arc<str>]>);

struct Reader<'s> {
    shared: &'s [Arc<str>],
    /// The cache file; the next card's texts begin at `next_text` in it, and the chunk's
    /// texts end at `tail_at`.
    file: &'s Arc<memmap2::Mmap>,
    next_text: Cell<usize>,
    store: &'s Arc<dyn ExtrasStore>,
    /// Where the chunk's extras begin in the file (where its texts end), and how many bytes
    /// they take.
    tail_at: usize,
    tail_len: usize,
}

impl Reader<'_> {
    fn shared(&self, ix: Option<u32>) -> Result<Option<Arc<str>>, Invalid> {
        ix.map(|ix| self.one(ix)).transpose()
    }

    fn one(&self, ix: u32) -> Result<Arc<str>, Invalid> {
        self.shared
            .get(ix as usize)
            .cloned()
            .ok_or(Invalid::Corrupt("string index"))
    }

    /// A file's result; a card takes the next of `searched` (its title and topics).
    fn result(
        &self,
        r: StoredResult<'_>,
        searched: &mut impl Iterator<Item = Searched>,
    ) -> Result<Parsed, Invalid> {
        let diagnostics = r
            .diagnostics
            .into_iter()
            .map(|d| {
                Ok(Diagnostic {
                    path: PathBuf::new(),
                    line: usize::try_from(d.line).map_err(|_| Invalid::Corrupt("line"))?,
                    column: usize::try_from(d.column).map_err(|_| Invalid::Corrupt("column"))?,
                    severity: match d.severity {
                        0 => Severity::Warning,
                        1 => Severity::Error,
                        _ => return Err(Invalid::Corrupt("severity")),
                    },
                    subject: match d.subject {
                        0 => Subject::File,
                        1 => Subject::Folder,
                        _ => return Err(Invalid::Corrupt("subject")),
                    },
                    message: d.message.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let card = match r.card {
            Some(c) => {
                let searched = searched.next().ok_or(Invalid::Corrupt("titles"))?;
                Some(self.card(c, searched)?)
            }
            None => None,
        };
        Ok(Parsed { card, diagnostics })
    }

    fn provider(&self, p: Option<StoredProvider>) -> Result<Option<Provider>, Invalid> {
        p.map(|p| {
            Ok(Provider {
                name: self.shared(p.name)?,
                domain: self.shared(p.domain)?,
            })
        })
        .transpose()
    }

    /// The card's excerpt and body, which follow the previous card's among the chunk's texts.
    fn prose(&self, excerpt: Option<u32>, body: Option<u32>, stamp: u64) -> Result<Prose, Invalid> {
        let at = self.next_text.get();
        let len = |text: Option<u32>| text.map_or(0, |n| n as usize);
        let end = at.saturating_add(len(excerpt)).saturating_add(len(body));
        // The texts end where the extras begin.
        if end > self.tail_at {
            return Err(Invalid::Corrupt("text length"));
        }
        self.next_text.set(end);
        let prose = Prose::mapped(self.file, at, excerpt, body).ok_or(Invalid::Corrupt("text"))?;
        Ok(prose.with_stamp(stamp))
    }

    fn card(&self, c: StoredCard<'_>, (title, topics): Searched) -> Result<Card, Invalid> {
        Ok(Card {
            id: CardId(c.id),
            path: CardPath::default(),
            category: self.shared(c.category)?,
            title,
            prose: self.prose(c.excerpt, c.body, c.stamp)?,
            published_date_time: time(c.time)?,
            urls: urls(c.urls)?,
            kind: self.shared(c.kind)?,
            quality: c.quality,
            heat: c.heat,
            published: c.published,
            provider: self.provider(c.provider)?,
            topics,
            extras: self.extras_at(c.extras, c.refused_url)?,
            secured: c
                .secured
                .map(|length| {
                    usize::try_from(length)
                        .map(|length| Secured { length })
                        .map_err(|_| Invalid::Corrupt("secured"))
                })
                .transpose()?,
            link_keys: Some(
                CardKeys::from_parts(c.link_keys.0, c.link_keys.1)
                    .ok_or(Invalid::Corrupt("link keys"))?,
            ),
        })
    }

    fn extras_at(
        &self,
        at: Option<(u32, u32, u32)>,
        refused_url: bool,
    ) -> Result<ExtrasAt, Invalid> {
        let Some((offset, len, crc)) = at else {
            // Left in the file, as when it was parsed.
            return Ok(ExtrasAt::File { refused_url });
        };
        let end = (offset as usize).checked_add(len as usize);
        if end.is_none_or(|end| end > self.tail_len) {
            return Err(Invalid::Corrupt("extras offset"));
        }
        Ok(ExtrasAt::Stored {
            spot: StoredSpot {
                store: self.store.clone(),
                offset: (self.tail_at + offset as usize) as u64,
                len,
                crc,
            },
            refused_url,
        })
    }
}

fn time(t: Option<(i64, i32)>) -> Result<Option<jiff::Timestamp>, Invalid> {
    t.map(|(s, ns)| jiff::Timestamp::new(s, ns).map_err(|_| Invalid::Corrupt("timestamp")))
        .transpose()
}

fn urls(u: StoredUrls<'_>) -> Result<Urls, Invalid> {
    let web_url: Option<Arc<str>> = u.web.map(Arc::from);
    let original_url = if u.original_is_web {
        web_url.clone()
    } else {
        u.original.map(Arc::from)
    };
    Urls::from_parts(web_url, original_url, u.amp, u.cdn_amp).ok_or(Invalid::Corrupt("URLs"))
}

// --- extras ---

#[derive(Encode, Decode)]
struct StoredExtras<'a> {
    images: Vec<StoredImage<'a>>,
    related: Vec<StoredRelated<'a>>,
}

#[derive(Encode, Decode)]
struct StoredImage<'a> {
    url: Option<&'a str>,
    width: Option<u32>,
    height: Option<u32>,
    is_cached: Option<bool>,
}

#[derive(Encode, Decode)]
struct StoredRelated<'a> {
    title: Option<&'a str>,
    excerpt: Option<&'a str>,
    time: Option<(i64, i32)>,
    urls: StoredUrls<'a>,
    kind: Option<&'a str>,
    provider: Option<(Option<&'a str>, Option<&'a str>)>,
    quality: Option<i64>,
    images: Vec<StoredImage<'a>>,
}

fn store_images(images: &[Image]) -> Vec<StoredImage<'_>> {
    images
        .iter()
        .map(|i| StoredImage {
            url: i.url.as_deref(),
            width: i.width,
            height: i.height,
            is_cached: i.is_cached,
        })
        .collect()
}

/// One card's extras as the cache stores them.
pub(crate) fn encode_extras(extras: &Extras) -> Vec<u8> {
    bitcode::encode(&StoredExtras {
        images: store_images(&extras.images),
        related: extras
            .related
            .iter()
            .map(|r| StoredRelated {
                title: r.title.as_deref(),
                excerpt: r.excerpt.as_deref(),
                time: store_time(&r.published_date_time),
                urls: store_urls(&r.urls),
                kind: r.kind.as_deref(),
                provider: r
                    .provider
                    .as_ref()
                    .map(|p| (p.name.as_deref(), p.domain.as_deref())),
                quality: r.quality,
                images: store_images(&r.images),
            })
            .collect(),
    })
}

fn images(stored: Vec<StoredImage<'_>>) -> Box<[Image]> {
    stored
        .into_iter()
        .map(|i| Image {
            url: i.url.map(Box::from),
            width: i.width,
            height: i.height,
            is_cached: i.is_cached,
        })
        .collect()
}

/// One card's extras read back from what [`encode_extras`] made.
pub(crate) fn decode_extras(bytes: &[u8]) -> Result<Extras, Invalid> {
    let stored: StoredExtras = bitcode::decode(bytes).map_err(|_| Invalid::Corrupt("extras"))?;
    let related = stored
        .related
        .into_iter()
        .map(|r| {
            Ok(Related {
                title: r.title.map(Box::from),
                excerpt: r.excerpt.map(Box::from),
                published_date_time: time(r.time)?,
                urls: urls(r.urls)?,
                kind: r.kind.map(Arc::from),
                provider: r.provider.map(|(name, domain)| Provider {
                    name: name.map(Arc::from),
                    domain: domain.map(Arc::from),
                }),
                quality: r.quality,
                images: images(r.images),
            })
        })
        .collect::<Result<_, Invalid>>()?;
    Ok(Extras {
        images: images(stored.images),
        related,
    })
}
