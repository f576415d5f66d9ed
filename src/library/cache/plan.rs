//! Which cached results still hold for the files a walk found: same root, same path below it,
//! same key, not racy, read under a size cap that gives the same answer.

use std::path::Path;

use super::format::{FileRecord, Header, path_bytes};
use super::key::FileKey;
use super::roots::Roots;
use crate::corpus::id::{KeyMap, stable_hash};
use crate::corpus::load::FileEntry;

#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Per walked file: its root, `None` if it maps to none (it is then never stored).
    pub roots: Vec<Option<u32>>,
    /// Per walked file: the cache entry whose result it takes.
    pub reuse: Vec<Option<usize>>,
    /// Per cache entry: taken by a walked file.
    pub kept: Vec<bool>,
}

impl Plan {
    /// Matches the walked `files` (with their `keys`) against `header`; `usable` says which
    /// cache entries may be taken at all (those whose chunk decoded).
    pub fn new(
        header: Option<&Header>,
        usable: &dyn Fn(usize) -> bool,
        roots: &Roots,
        files: &[FileEntry],
        keys: &[FileKey],
        size_cap: u64,
    ) -> Plan {
        let file_roots: Vec<Option<u32>> = files.iter().map(|f| roots.root_of(f)).collect();
        let Some(header) = header else {
            return Plan {
                roots: file_roots,
                ..Plan::nothing(files.len())
            };
        };
        // By a hash of the path's bytes, checked on use: hashing `Path`s (component by
        // component, with SipHash) was a tenth of a warm `tidings search`.
        let index: KeyMap<u64, usize> = header
            .files
            .iter()
            .enumerate()
            .map(|(j, f)| (path_key(f.root, &f.relative), j))
            .collect();
        // A file at or under both caps gave the same result under either; over one of them,
        // it is read again with the cap of now.
        let cap = header.size_cap.min(size_cap);
        let mut kept = vec![false; header.files.len()];
        let reuse = files
            .iter()
            .zip(keys)
            .zip(&file_roots)
            .map(|((file, key), root)| {
                let root = (*root)?;
                let j = *index.get(&path_key(root, &file.relative))?;
                let record: &FileRecord = &header.files[j];
                let same_path = path_bytes(&record.relative) == path_bytes(&file.relative);
                let holds = record.root == root
                    && same_path
                    && record.key == *key
                    && !key.is_racy(header.taken_ns)
                    && (key.size <= cap || header.size_cap == size_cap)
                    && !kept[j]
                    && usable(j);
                holds.then(|| {
                    kept[j] = true;
                    j
                })
            })
            .collect();
        Plan {
            roots: file_roots,
            reuse,
            kept,
        }
    }

    /// No cache and no roots: every file is parsed, none stored.
    pub fn nothing(files: usize) -> Plan {
        Plan {
            roots: vec![None; files],
            reuse: vec![None; files],
            kept: Vec::new(),
        }
    }

    /// Whether the cache would differ from one written now: a file to store was parsed, or a
    /// cached one is gone.
    pub fn changed(&self) -> bool {
        self.reuse
            .iter()
            .zip(&self.roots)
            .any(|(reuse, root)| reuse.is_none() && root.is_some())
            || self.kept.iter().any(|kept| !kept)
    }
}

/// Which file of which root, as one hash (see [`stable_hash`]); equal paths, equal keys.
fn path_key(root: u32, relative: &Path) -> u64 {
    stable_hash(path_bytes(relative)) ^ u64::from(root).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
