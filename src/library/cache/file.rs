//! Reading a cache file whole and checking it, and replacing one atomically: written beside
//! it under a temporary name and renamed over it, so a reader sees the old file or the new
//! one, never a mix, however many tidings write at once or crash half way.

use std::io::{self, Write};
use std::path::Path;

use std::sync::Arc;

use super::format::{self, Header, Invalid};
use crate::corpus::{Extras, ExtrasStore, StoredSpot};

/// A cache file read and checked down to its header; its chunks are checked as they are
/// decoded.
pub struct CacheFile {
    pub header: Header,
    /// The whole file, mapped: its pages come straight from the page cache, where reading it
    /// would first have the kernel zero as many fresh pages and then copy into them (a large
    /// part of a warm start). The cards decoded from it keep it mapped for their texts (see
    /// `Prose`); what was read is given back once decoded ([`CacheFile::release`]).
    pub bytes: Arc<memmap2::Mmap>,
    /// Where the cards decoded from it find their extras again (see `ExtrasAt::Stored`).
    pub extras: Arc<dyn ExtrasStore>,
    /// The file itself, to copy chunks from without mapping their pages.
    pub file: std::fs::File,
}

/// The extras of a cache's cards, read from the file it was when opened: a cache written
/// since is renamed over the path, and this one stays readable through its open handle. Read
/// a card at a time, not mapped, so that opened cards add nothing to the reader's resident
/// pages.
#[derive(Debug)]
struct CachedExtras {
    file: std::fs::File,
    path: std::path::PathBuf,
}

impl CachedExtras {
    fn bytes(&self, spot: &StoredSpot) -> Result<Vec<u8>, String> {
        let mut bytes = vec![0; spot.len as usize];
        read_at(&self.file, &mut bytes, spot.offset)
            .map_err(|e| format!("cannot read them from the cache: {e}"))?;
        if crc32fast::hash(&bytes) != spot.crc {
            return Err(self.corrupt(Invalid::Corrupt("extras checksum")));
        }
        Ok(bytes)
    }

    /// A load checks only the part of the cache it decodes, so damage here is found only
    /// now: the cache is removed if it is still the one at its path (not one written since),
    /// and the next start makes it again.
    fn corrupt(&self, why: Invalid) -> String {
        if self.is_at_its_path() {
            let _ = std::fs::remove_file(&self.path);
        }
        format!("the cache holding them is {why}; it is made again on the next start")
    }

    #[cfg(unix)]
    fn is_at_its_path(&self) -> bool {
        use std::os::unix::fs::MetadataExt;
        let here = self.file.metadata().map(|m| (m.dev(), m.ino()));
        let there = std::fs::metadata(&self.path).map(|m| (m.dev(), m.ino()));
        matches!((here, there), (Ok(a), Ok(b)) if a == b)
    }

    /// Without inodes to compare: a newer cache removed too only costs its making again.
    #[cfg(not(unix))]
    fn is_at_its_path(&self) -> bool {
        true
    }
}

impl CacheFile {
    /// Takes `len` bytes of the map from `offset` on out of this process's resident pages,
    /// once read: the cards keep the map, and its pages would otherwise stay counted as the
    /// reader's memory for as long as it runs. The system still holds them in its page cache,
    /// and a card's text read later maps its page again.
    ///
    /// Pages around one read are mapped with it (the system's fault-around), so a chunk's
    /// neighbours, decoded on another core, can get some of theirs back: once every chunk is
    /// decoded, [`CacheFile::release_all`].
    pub(crate) fn release(&self, offset: usize, len: usize) {
        crate::corpus::prose::give_back(&self.bytes, offset, len);
    }

    pub(crate) fn release_all(&self) {
        self.release(0, self.bytes.len());
    }
}

impl ExtrasStore for CachedExtras {
    fn read(&self, spot: &StoredSpot) -> Result<Extras, String> {
        let bytes = self.bytes(spot)?;
        format::decode_extras(&bytes).map_err(|why| self.corrupt(why))
    }

    fn read_raw(&self, spot: &StoredSpot) -> Result<Vec<u8>, String> {
        self.bytes(spot)
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {error}", .path.display())]
    Io {
        path: std::path::PathBuf,
        error: io::Error,
    },
    #[error("{} is {why}", .path.display())]
    Invalid {
        path: std::path::PathBuf,
        why: Invalid,
    },
}

/// The cache at `path`, `None` if there is none yet.
pub fn read(path: &Path) -> Result<Option<CacheFile>, ReadError> {
    let io = |error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        // No cache yet, or no folder for one: writing it will say if it cannot be made.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(error) => return Err(io(error)),
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(io(io::Error::other("not a file")));
    }
    if meta.len() == 0 {
        return Err(ReadError::Invalid {
            path: path.to_path_buf(),
            why: Invalid::Truncated,
        });
    }
    // SAFETY: the map is only ever read. Tidings never writes a cache file in place: a new
    // one is renamed over it, and this mapping keeps the old one. Every byte read from it is
    // checked like any untrusted input. What a mapping cannot guard against is another
    // program truncating this very file, in the user's private cache folder, while it is
    // mapped, which is for as long as a card read from it lives (its texts stay here); reading
    // the file whole instead would cost a fresh zeroed page per 4 KiB of it, and hold the
    // texts on the heap.
    let bytes = Arc::new(unsafe { memmap2::Mmap::map(&file) }.map_err(io)?);
    let header = format::decode_header(&bytes).map_err(|why| ReadError::Invalid {
        path: path.to_path_buf(),
        why,
    })?;
    let extras = Arc::new(CachedExtras {
        file: file.try_clone().map_err(io)?,
        path: path.to_path_buf(),
    });
    let cache = CacheFile {
        header,
        bytes,
        extras,
        file,
    };
    // The header is decoded: what it holds is in `header` now.
    let header_end = cache
        .header
        .chunks
        .first()
        .map_or(cache.bytes.len(), |c| c.offset);
    cache.release(0, header_end);
    Ok(Some(cache))
}

/// A piece of a file to write: bytes, or bytes of another file, copied by the system
/// (`copy_file_range` where there is one) without passing through memory of ours. A cold
/// load's encoded cache is as large as the corpus's cards: mapped to be written, it was a
/// third of the load's peak resident memory.
pub enum Part<'a> {
    Bytes(&'a [u8]),
    Range {
        file: &'a std::fs::File,
        offset: u64,
        len: u64,
    },
}

impl Part<'_> {
    pub fn len(&self) -> u64 {
        match self {
            Part::Bytes(bytes) => bytes.len() as u64,
            Part::Range { len, .. } => *len,
        }
    }
}

/// Writes `parts` one after another to a new file beside `path` and renames it over `path`.
/// The temporary file is removed if anything fails.
pub fn write_atomic(path: &Path, parts: &[Part<'_>]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".tidings-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    for part in parts {
        match part {
            Part::Bytes(bytes) => temp.write_all(bytes)?,
            Part::Range { file, offset, len } => {
                use std::io::{Read, Seek, SeekFrom};
                let mut from: &std::fs::File = file;
                from.seek(SeekFrom::Start(*offset))?;
                let copied = io::copy(&mut from.take(*len), temp.as_file_mut())?;
                if copied != *len {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
        }
    }
    temp.flush()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
