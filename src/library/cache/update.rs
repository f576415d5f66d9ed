//! The next cache file, made from the one read (its chunks whose files all still hold are
//! copied as they are) and what was parsed this time (encoded batch by batch while loading, so
//! the cards themselves can go on to the corpus).

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use super::file::{CacheFile, Part, write_atomic};
use super::folder::Folder;
use super::format::{self, ChunkRef, FileRecord, Header, ResultRef};
use crate::corpus::intern::Interner;
use crate::corpus::parse::Parsed;

/// How many files a chunk holds at most. Small enough that decoding one needs only buffers
/// the allocator keeps and hands out again (decoding 2048 at once took fresh, zeroed pages
/// from the system for every chunk, most of a warm start); large enough that the header's
/// record per chunk costs nothing.
const CHUNK_FILES: usize = 256;

/// Chunks of at least this many files are copied when all their files still hold; smaller
/// ones, and what is left of chunks with files gone, are decoded and packed again.
const KEEP_CHUNK: usize = CHUNK_FILES / 2;

/// What the cache should become, to be written when the caller likes (the reader writes it in
/// the background once loading settles): see [`Update::write`].
#[derive(Default)]
pub struct Update {
    /// Where to write; `None` when caching is off or the corpus needs none.
    pub(crate) target: Option<(Folder, PathBuf)>,
    pub(crate) roots: Vec<PathBuf>,
    pub(crate) taken_ns: i64,
    pub(crate) size_cap: u64,
    pub(crate) old: Option<CacheFile>,
    /// Per entry of `old`: still holds.
    pub(crate) kept: Vec<bool>,
    /// Results parsed this time, encoded: their files, and where the bytes are.
    pub(crate) fresh: Vec<(Vec<FileRecord>, Encoded)>,
    /// The encoded chunks, end to end, in a file of their own while the load goes on (see
    /// [`Encoded`]); `None` until the first, or if no such file could be made.
    pub(crate) spill: Option<std::fs::File>,
    /// The spill file could not be made or written: the chunks from then on are held (those
    /// already in it stay readable there).
    pub(crate) spill_refused: bool,
    pub(crate) changed: bool,
}

/// A chunk of results parsed this time, encoded. A cold load encodes the whole corpus before
/// the cache can be written (137 MB at 100k cards, the size of the cache): kept in memory, that
/// was a third of the load's peak. So the bytes go to a file beside the cache as they come,
/// unlinked (nobody else sees it), and copied from there by the system when the cache is
/// written; only if that file cannot be made are they held.
pub(crate) enum Encoded {
    Spilled { offset: usize, len: usize, crc: u32 },
    Held(Vec<u8>),
}

/// A chunk's bytes to write: encoded now, or where they lie in a file (the old cache, the
/// spill file), to be copied from there (see [`Part`]).
enum Bytes<'a> {
    Held(Cow<'a, [u8]>),
    In {
        file: &'a std::fs::File,
        offset: u64,
        len: usize,
    },
}

impl Bytes<'_> {
    fn len(&self) -> usize {
        match self {
            Bytes::Held(bytes) => bytes.len(),
            Bytes::In { len, .. } => *len,
        }
    }

    fn part(&self) -> Part<'_> {
        match self {
            Bytes::Held(bytes) => Part::Bytes(bytes),
            Bytes::In { file, offset, len } => Part::Range {
                file,
                offset: *offset,
                len: *len as u64,
            },
        }
    }
}

/// The next cache file as it is put together: its header, and each chunk's bytes in the
/// header's order.
struct Next<'a> {
    header: Header,
    chunks: Vec<Bytes<'a>>,
}

impl<'a> Next<'a> {
    /// Appends a chunk of the files of `records`, moved into the header (three copies of
    /// every record were held at once at the end of a cold load, when memory peaks).
    fn add(&mut self, records: Vec<FileRecord>, bytes: Bytes<'a>, crc: u32) {
        self.header.chunks.push(ChunkRef {
            offset: 0,
            len: bytes.len(),
            crc,
            files: records.len(),
        });
        self.header.files.extend(records);
        self.chunks.push(bytes);
    }
}

/// The granularity of a map's offset in a file.
fn page_size() -> usize {
    #[cfg(unix)]
    // SAFETY: sysconf only reads a system setting.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    #[cfg(not(unix))]
    let size = 65536; // Windows' allocation granularity.
    usize::try_from(size)
        .ok()
        .filter(|s| *s > 0)
        .unwrap_or(65536)
}

/// What writing did, for `tidings cache info` and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub files: usize,
}

impl Update {
    /// Whether there is anything to write: caching is on and something changed since the
    /// cache was read.
    pub fn is_needed(&self) -> bool {
        self.target.is_some() && self.changed
    }

    /// Keeps the encoded results of files just parsed (`records`, with `results` in the
    /// same order). Their cards' texts are then read from the spill file (see [`Encoded`]),
    /// which the cards keep mapped, as cards read from the cache keep the cache's: held, they
    /// were about 50 MB of a cold load's peak at 100k cards.
    pub(crate) fn add_fresh(&mut self, records: Vec<FileRecord>, results: &mut [&mut Parsed]) {
        let chunks = records.chunks(CHUNK_FILES);
        for (records, results) in chunks.zip(results.chunks_mut(CHUNK_FILES)) {
            let refs: Vec<ResultRef<'_>> = results.iter().map(|p| ResultRef::from(&**p)).collect();
            let (bytes, texts) = format::encode_chunk(&refs);
            let encoded = match self.spilled(&bytes) {
                Some(spilled) => {
                    if let Some((map, base)) = self.spill_map(&spilled) {
                        format::map_texts(&bytes, results, &texts, &map, base);
                    }
                    spilled
                }
                None => Encoded::Held(bytes),
            };
            self.fresh.push((records.to_vec(), encoded));
        }
    }

    /// A map of the spill file's pages that hold a chunk `spilled` there, and where in it the
    /// chunk begins. `None`: it cannot be mapped (the cards keep their texts).
    fn spill_map(&self, spilled: &Encoded) -> Option<(Arc<memmap2::Mmap>, usize)> {
        let (Some(spill), Encoded::Spilled { offset, len, .. }) = (&self.spill, spilled) else {
            return None;
        };
        // A map begins on a page.
        let start = offset - offset % page_size();
        let base = offset - start;
        // SAFETY: the spill file is this process's own, unlinked when made: nothing else
        // writes it, and this process only appends to it, after the bytes mapped here.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(start as u64)
                .len(base + len)
                .map(spill)
        };
        Some((Arc::new(map.ok()?), base))
    }

    /// Appends `bytes` to the spill file, made on first use in the cache's folder (on the
    /// disk the cache goes to; a temporary folder may be memory). `None`: keep them.
    fn spilled(&mut self, bytes: &[u8]) -> Option<Encoded> {
        use std::io::{Seek, SeekFrom};
        if self.spill_refused {
            return None;
        }
        if self.spill.is_none() {
            let (folder, _) = self.target.as_ref()?;
            self.spill = folder
                .create()
                .and_then(|()| tempfile::tempfile_in(folder.path()))
                .ok();
            self.spill_refused = self.spill.is_none();
        }
        let spill = self.spill.as_mut()?;
        let written = (|| {
            let offset = spill.seek(SeekFrom::End(0))?;
            spill.write_all(bytes)?;
            Ok::<_, std::io::Error>(offset)
        })();
        match written.ok().and_then(|o| usize::try_from(o).ok()) {
            Some(offset) => Some(Encoded::Spilled {
                offset,
                len: bytes.len(),
                crc: format::chunk_crc(bytes),
            }),
            None => {
                // A full disk, say: this chunk and the next are held instead; what was written
                // before stays where it is (a short write only adds bytes past it).
                self.spill_refused = true;
                None
            }
        }
    }

    /// Writes the cache if [`Update::is_needed`], atomically, then removes caches of other
    /// folders not opened for 30 days. The error is a sentence for a notice.
    pub fn write(self) -> Result<Option<Written>, String> {
        if !self.is_needed() {
            // What it holds of the cache read (its file table, its map) is not waited for.
            crate::background::drop_later(self);
            return Ok(None);
        }
        let Update {
            target: Some((folder, path)),
            roots,
            taken_ns,
            size_cap,
            old,
            kept,
            fresh,
            spill,
            ..
        } = self
        else {
            return Ok(None);
        };
        let cannot = |e: std::io::Error| {
            format!(
                "cannot write the cache in {}: {e}; going on without it",
                folder.path().display()
            )
        };
        folder.create().map_err(cannot)?;
        let mut next = Next {
            header: Header {
                taken_ns,
                size_cap,
                roots,
                ..Header::default()
            },
            chunks: Vec::new(),
        };
        if let Some(old) = &old {
            let interner = Interner::default();
            let mut pool: Vec<(FileRecord, Parsed)> = Vec::new();
            let mut first = 0;
            for chunk in &old.header.chunks {
                let range = first..first + chunk.files;
                first = range.end;
                let kept = &kept[range.clone()];
                let records = &old.header.files[range];
                if chunk.files >= KEEP_CHUNK && kept.iter().all(|k| *k) {
                    let bytes = Bytes::In {
                        file: &old.file,
                        offset: chunk.offset as u64,
                        len: chunk.len,
                    };
                    next.add(records.to_vec(), bytes, chunk.crc);
                } else if kept.iter().any(|k| *k) {
                    // Decoded once already when it was read; a failure now only loses these.
                    let Ok(results) = format::decode_chunk(old, chunk, &interner) else {
                        continue;
                    };
                    let survivors = records.iter().zip(kept).zip(results);
                    pool.extend(
                        survivors
                            .filter(|((_, kept), _)| **kept)
                            .map(|((record, _), parsed)| (record.clone(), parsed)),
                    );
                }
            }
            let mut pool = pool.into_iter().peekable();
            while pool.peek().is_some() {
                let (records, packed): (Vec<FileRecord>, Vec<Parsed>) =
                    pool.by_ref().take(CHUNK_FILES).unzip();
                let refs: Vec<ResultRef<'_>> = packed.iter().map(ResultRef::from).collect();
                let (bytes, _) = format::encode_chunk(&refs);
                let crc = format::chunk_crc(&bytes);
                next.add(records, Bytes::Held(bytes.into()), crc);
            }
        }
        for (records, encoded) in fresh {
            let (bytes, crc) = match encoded {
                Encoded::Held(bytes) => {
                    let crc = format::chunk_crc(&bytes);
                    (Bytes::Held(bytes.into()), crc)
                }
                Encoded::Spilled { offset, len, crc } => {
                    let file = spill.as_ref();
                    let file = file.ok_or_else(|| cannot(std::io::Error::other("spill")))?;
                    (
                        Bytes::In {
                            file,
                            offset: offset as u64,
                            len,
                        },
                        crc,
                    )
                }
            };
            next.add(records, bytes, crc);
        }
        let head = format::encode_header(&next.header);
        let mut parts: Vec<Part<'_>> = head.iter().map(|bytes| Part::Bytes(bytes)).collect();
        parts.extend(next.chunks.iter().map(Bytes::part));
        write_atomic(&path, &parts).map_err(cannot)?;
        folder.clean_up(&path, SystemTime::now());
        Ok(Some(Written {
            path,
            bytes: parts.iter().map(Part::len).sum(),
            files: next.header.files.len(),
        }))
    }
}
