//! The folder of caches: where it is, the file each set of roots gets in it, and the
//! clean-up of caches whose folders have not been opened for a while.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::format::path_bytes;
use crate::corpus::id::stable_hash;

/// Caches of roots not opened for this long are removed when another cache is written.
pub const KEEP_UNUSED: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Temporary files older than this were left by a writer that died.
const KEEP_TEMPORARY: Duration = Duration::from_secs(60 * 60);

/// The environment variable that moves the folder of caches.
pub const ENV_DIR: &str = "TIDINGS_CACHE_DIR";

const EXTENSION: &str = "cache";

/// The word index of a cache's corpus is the folder named as the cache, with this extension
/// followed by the index's format version.
const INDEX_EXTENSION: &str = "words";

/// The word index folder that goes with `cache_file`.
pub fn index_for(cache_file: &Path) -> PathBuf {
    cache_file.with_extension(format!("{INDEX_EXTENSION}{}", crate::search::index::FORMAT))
}

/// Where the caches live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    path: PathBuf,
}

impl Folder {
    /// `--cache-dir`, else `$TIDINGS_CACHE_DIR`, else `tidings` in the user's cache folder
    /// (`$XDG_CACHE_HOME`, else `~/.cache`); `None` when none can be found (no home folder).
    pub fn locate(flag: Option<&Path>) -> Option<Folder> {
        let path = match flag {
            Some(path) => path.to_path_buf(),
            None => match std::env::var_os(ENV_DIR).filter(|v| !v.is_empty()) {
                Some(dir) => PathBuf::from(dir),
                None => {
                    use etcetera::BaseStrategy;
                    etcetera::choose_base_strategy()
                        .ok()?
                        .cache_dir()
                        .join("tidings")
                }
            },
        };
        Some(Folder { path })
    }

    pub fn at(path: impl Into<PathBuf>) -> Folder {
        Folder { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cache file of one set of canonical roots.
    pub fn file_for(&self, canonical_roots: &[PathBuf]) -> PathBuf {
        let mut key = Vec::new();
        for root in canonical_roots {
            key.extend_from_slice(path_bytes(root));
            key.push(0);
        }
        self.path
            .join(format!("{:016x}.{EXTENSION}", stable_hash(&key)))
    }

    /// Creates the folder, readable by its owner only: caches hold the cards' text.
    pub fn create(&self) -> std::io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&self.path)
    }

    /// Every cache file in the folder, in name order; nothing if the folder cannot be read.
    pub fn caches(&self) -> Vec<PathBuf> {
        let Ok(read) = std::fs::read_dir(&self.path) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> = read
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == EXTENSION))
            .collect();
        found.sort();
        found
    }

    /// Removes caches not opened for [`KEEP_UNUSED`] (but `keep`), with their word indexes;
    /// word indexes of another format, or whose cache has been gone a while; and temporary
    /// files of writers long gone. What cannot be removed is left: this is housekeeping.
    pub fn clean_up(&self, keep: &Path, now: SystemTime) {
        let Ok(read) = std::fs::read_dir(&self.path) else {
            return;
        };
        let current = index_for(Path::new("x"));
        let current = current.extension();
        for entry in read.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name();
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            let extension = path.extension();
            if meta.is_dir() {
                let is_index = extension
                    .is_some_and(|e| e.as_encoded_bytes().starts_with(INDEX_EXTENSION.as_bytes()));
                let orphan = !path.with_extension(EXTENSION).exists() && age > KEEP_TEMPORARY;
                if is_index && (extension != current || orphan) {
                    let _ = std::fs::remove_dir_all(&path);
                }
                continue;
            }
            let limit = if extension.is_some_and(|e| e == EXTENSION) {
                KEEP_UNUSED
            } else if name.as_encoded_bytes().starts_with(b".tidings-")
                && extension.is_some_and(|e| e == "tmp")
            {
                KEEP_TEMPORARY
            } else {
                continue;
            };
            if meta.is_file() && age > limit && path != keep {
                let _ = std::fs::remove_file(&path);
                if limit == KEEP_UNUSED {
                    let _ = std::fs::remove_dir_all(index_for(&path));
                }
            }
        }
    }
}

pub fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_set_of_roots_has_its_own_file() {
        let folder = Folder::at("/c");
        let a = folder.file_for(&[PathBuf::from("/a")]);
        let ab = folder.file_for(&[PathBuf::from("/a"), PathBuf::from("/b")]);
        let a_b = folder.file_for(&[PathBuf::from("/a/b")]);
        assert_ne!(a, ab);
        assert_ne!(ab, a_b);
        assert_eq!(a, folder.file_for(&[PathBuf::from("/a")]));
        assert_eq!(a.parent(), Some(Path::new("/c")));
    }

    #[test]
    fn old_caches_and_dead_temporaries_go_the_rest_stays() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let folder = Folder::at(dir.path());
        let write = |name: &str| -> std::io::Result<PathBuf> {
            let path = dir.path().join(name);
            std::fs::write(&path, b"x")?;
            Ok(path)
        };
        let old = write("0000000000000001.cache")?;
        let kept_old = write("0000000000000002.cache")?;
        let recent = write("0000000000000003.cache")?;
        let temporary = write(".tidings-abc.tmp")?;
        let other = write("notes.txt")?;
        let now = SystemTime::now() + KEEP_UNUSED + Duration::from_secs(60);
        touch(&recent);
        std::fs::File::options()
            .append(true)
            .open(&recent)?
            .set_modified(now)?;
        let index_of = |cache: &Path| -> std::io::Result<PathBuf> {
            let index = index_for(cache);
            std::fs::create_dir_all(&index)?;
            std::fs::write(index.join("meta.json"), b"{}")?;
            Ok(index)
        };
        let old_index = index_of(&old)?;
        let recent_index = index_of(&recent)?;
        let other_format = dir.path().join("0000000000000003.words0");
        std::fs::create_dir_all(&other_format)?;
        let orphan = index_of(&dir.path().join("0000000000000009.cache"))?;
        let young_orphan = index_of(&dir.path().join("000000000000000a.cache"))?;
        std::fs::File::open(&young_orphan)?.set_modified(now - Duration::from_secs(60))?;
        folder.clean_up(&kept_old, now);
        assert!(!old.exists());
        assert!(!old_index.exists(), "an index goes with its cache");
        assert!(recent_index.exists());
        assert!(!other_format.exists(), "an index of another format goes");
        assert!(!orphan.exists(), "an index whose cache is long gone goes");
        assert!(young_orphan.exists(), "its cache may still be on its way");
        assert!(!temporary.exists());
        assert!(kept_old.exists(), "the cache being written is kept");
        assert!(recent.exists());
        assert!(other.exists(), "not ours");
        Ok(())
    }
}
