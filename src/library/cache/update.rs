//! The next cache file, made from the one read (its chunks whose files all still hold are
//! copied as they are) and what was parsed this time (encoded batch by batch while loading, so
//! the cards themselves can go on to the corpus).

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
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
    /// same order).
    pub(crate) fn add_fresh(&mut self, records: Vec<FileRecord>, results: &[&Parsed]) {
        for (records, results) in records.chunks(CHUNK_FILES).zip(results.chunks(CHUNK_FILES)) {
            let refs: Vec<ResultRef<'_>> = results
                .iter()
                .map(|p| ResultRef {
                    card: p.card.as_ref(),
                    diagnostics: &p.diagnostics,
                })
                .collect();
            let bytes = format::encode_chunk(&refs);
            let encoded = self.spilled(&bytes).unwrap_or(Encoded::Held(bytes));
            self.fresh.push((records.to_vec(), encoded));
        }
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
        let Some((folder, path)) = &self.target else {
            return Ok(None);
        };
        let cannot = |e: std::io::Error| {
            format!(
                "cannot write the cache in {}: {e}; going on without it",
                folder.path().display()
            )
        };
        folder.create().map_err(cannot)?;
        // Each chunk to write: its files, its bytes, their CRC.
        let mut out: Vec<(Vec<FileRecord>, Bytes<'_>, u32)> = Vec::new();
        if let Some(old) = &self.old {
            let interner = Interner::default();
            let mut pool: Vec<(FileRecord, Parsed)> = Vec::new();
            let mut first = 0;
            for chunk in &old.header.chunks {
                let range = first..first + chunk.files;
                first = range.end;
                let kept = &self.kept[range.clone()];
                let records = &old.header.files[range];
                if chunk.files >= KEEP_CHUNK && kept.iter().all(|k| *k) {
                    let bytes = Bytes::In {
                        file: &old.file,
                        offset: chunk.offset as u64,
                        len: chunk.len,
                    };
                    out.push((records.to_vec(), bytes, chunk.crc));
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
            for packed in pool.chunks(CHUNK_FILES) {
                let refs: Vec<ResultRef<'_>> = packed
                    .iter()
                    .map(|(_, p)| ResultRef {
                        card: p.card.as_ref(),
                        diagnostics: &p.diagnostics,
                    })
                    .collect();
                let bytes = format::encode_chunk(&refs);
                let crc = format::chunk_crc(&bytes);
                let records = packed.iter().map(|(r, _)| r.clone()).collect();
                out.push((records, Bytes::Held(bytes.into()), crc));
            }
        }
        for (records, encoded) in &self.fresh {
            let (bytes, crc) = match encoded {
                Encoded::Held(bytes) => (Bytes::Held(bytes.into()), format::chunk_crc(bytes)),
                Encoded::Spilled { offset, len, crc } => {
                    let file = self.spill.as_ref();
                    let file = file.ok_or_else(|| cannot(std::io::Error::other("spill")))?;
                    let (offset, len) = (*offset as u64, *len);
                    (Bytes::In { file, offset, len }, *crc)
                }
            };
            out.push((records.clone(), bytes, crc));
        }
        let mut header = Header {
            taken_ns: self.taken_ns,
            size_cap: self.size_cap,
            roots: self.roots.clone(),
            ..Header::default()
        };
        for (records, bytes, crc) in &out {
            header.chunks.push(ChunkRef {
                offset: 0,
                len: bytes.len(),
                crc: *crc,
                files: records.len(),
            });
            header.files.extend(records.iter().cloned());
        }
        let head = format::encode_header(&header);
        let mut parts: Vec<Part<'_>> = vec![Part::Bytes(&head)];
        parts.extend(out.iter().map(|(_, bytes, _)| bytes.part()));
        write_atomic(path, &parts).map_err(cannot)?;
        folder.clean_up(path, SystemTime::now());
        Ok(Some(Written {
            path: path.clone(),
            bytes: parts.iter().map(Part::len).sum(),
            files: header.files.len(),
        }))
    }
}
