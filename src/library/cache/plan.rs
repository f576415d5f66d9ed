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
        // component, with SipHash) was a tenth of a warm `tidings search`. Made only when
        // needed: a walk lists the files in the order the cache has them, unless files came
        // or went, so the entry after the last one taken is looked at first.
        let mut index: Option<KeyMap<u64, usize>> = None;
        let mut next = 0;
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
                let is_at = |j: usize| {
                    header.files.get(j).is_some_and(|record| {
                        record.root == root
                            && path_bytes(&record.relative) == path_bytes(&file.relative)
                    })
                };
                let j = if is_at(next) {
                    next
                } else {
                    let index = index.get_or_insert_with(|| {
                        header
                            .files
                            .iter()
                            .enumerate()
                            .map(|(j, f)| (path_key(f.root, &f.relative), j))
                            .collect()
                    });
                    let j = *index.get(&path_key(root, &file.relative))?;
                    // A hash shared by another path.
                    is_at(j).then_some(j)?
                };
                next = j + 1;
                let record: &FileRecord = &header.files[j];
                let holds = record.key == *key
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::corpus::load::Content;

    fn key(n: u64) -> FileKey {
        FileKey {
            dev: 1,
            ino: n,
            size: 10,
            mtime_ns: 1_000_000_000,
        }
    }

    fn header(names: &[(&str, u64)]) -> Header {
        Header {
            taken_ns: 9_000_000_000,
            size_cap: 1 << 20,
            roots: vec![PathBuf::from("/r")],
            files: names
                .iter()
                .map(|(name, n)| FileRecord {
                    root: 0,
                    relative: PathBuf::from(name),
                    key: key(*n),
                })
                .collect(),
            chunks: Vec::new(),
        }
    }

    /// The plan for files walked under `root` (named, with the number of their key).
    fn plan(cached: &Header, root: &Path, walked: &[(&str, u64)]) -> Plan {
        let roots = Roots::of(&[root.to_path_buf()]).expect("roots");
        let files: Vec<FileEntry> = walked
            .iter()
            .map(|(name, _)| FileEntry {
                path: root.join(name).into(),
                relative: PathBuf::from(name),
                size: 10,
                content: Content::Disk,
            })
            .collect();
        let keys: Vec<FileKey> = walked.iter().map(|(_, n)| key(*n)).collect();
        Plan::new(Some(cached), &|_| true, &roots, &files, &keys, 1 << 20)
    }

    /// A walk in the cache's order takes every entry in turn; files that came, went, changed
    /// or moved up the list are each matched with their own entry, or none.
    #[test]
    fn each_walked_file_takes_its_own_entry_in_any_order() {
        let dir = tempfile::tempdir().expect("a folder");
        let files = [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5), ("f", 6)];
        let cached = header(&files);
        // "b" gone, "new" come, "e" changed, "f" listed first.
        let walked = [("f", 6), ("a", 1), ("new", 9), ("c", 3), ("d", 4), ("e", 7)];
        let changed = plan(&cached, dir.path(), &walked);
        assert_eq!(
            changed.reuse,
            vec![Some(5), Some(0), None, Some(2), Some(3), None]
        );
        assert_eq!(changed.kept, vec![true, false, true, true, false, true]);
        assert!(changed.changed());

        let same = plan(&cached, dir.path(), &files);
        assert_eq!(same.reuse, (0..6).map(Some).collect::<Vec<_>>());
        assert!(!same.changed());
    }
}
