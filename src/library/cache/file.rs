//! Reading a cache file whole and checking it, and replacing one atomically: written beside
//! it under a temporary name and renamed over it, so a reader sees the old file or the new
//! one, never a mix, however many tidings write at once or crash half way.

use std::io::{self, Write};
use std::path::Path;

use super::format::{self, Header, Invalid};

/// A cache file read and checked down to its header; its chunks are checked as they are
/// decoded.
pub struct CacheFile {
    pub header: Header,
    pub bytes: Vec<u8>,
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
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        // No cache yet, or no folder for one: writing it will say if it cannot be made.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(error) => {
            return Err(ReadError::Io {
                path: path.to_path_buf(),
                error,
            });
        }
    };
    if bytes.is_empty() {
        return Err(ReadError::Invalid {
            path: path.to_path_buf(),
            why: Invalid::Truncated,
        });
    }
    let header = format::decode_header(&bytes).map_err(|why| ReadError::Invalid {
        path: path.to_path_buf(),
        why,
    })?;
    Ok(Some(CacheFile { header, bytes }))
}

/// Writes `parts` one after another to a new file beside `path` and renames it over `path`.
/// The temporary file is removed if anything fails.
pub fn write_atomic(path: &Path, parts: &[&[u8]]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".tidings-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    for part in parts {
        temp.write_all(part)?;
    }
    temp.flush()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
