//! Which corpus a cache belongs to: the canonical paths of the PATH arguments, as a set, and
//! how a walked file maps to one of them and back.
//!
//! A file is found in the cache by its root and its path below it, so the same folder named
//! `corpus`, `./corpus` or by its full path shares one cache, and its cards are shown under
//! the path as given this time.

use std::io;
use std::path::{Path, PathBuf};

use super::format::path_bytes;
use crate::corpus::load::FileEntry;

#[derive(Clone, Debug)]
pub struct Roots {
    /// Canonical, sorted, without repeats.
    canonical: Vec<PathBuf>,
    /// Per canonical root: the path as given first, and whether it is a folder.
    given: Vec<(PathBuf, bool)>,
    /// A given folder -> its root; a given file is found by its own path. Each path once.
    by_given: Vec<(PathBuf, u32)>,
}

impl Roots {
    /// The roots of `paths`; an error if one cannot be resolved (it is gone, or unreadable).
    pub fn of(paths: &[PathBuf]) -> io::Result<Roots> {
        let resolved: Vec<(PathBuf, PathBuf, bool)> = paths
            .iter()
            .map(|p| {
                let canonical = std::fs::canonicalize(p)?;
                let is_dir = std::fs::metadata(&canonical)?.is_dir();
                Ok((p.clone(), canonical, is_dir))
            })
            .collect::<io::Result<_>>()?;
        let mut canonical: Vec<PathBuf> = resolved.iter().map(|(_, c, _)| c.clone()).collect();
        canonical.sort();
        canonical.dedup();
        let mut given: Vec<Option<(PathBuf, bool)>> = vec![None; canonical.len()];
        let mut by_given: Vec<(PathBuf, u32)> = Vec::new();
        for (path, canon, is_dir) in resolved {
            if let Ok(ix) = canonical.binary_search(&canon) {
                if !by_given.iter().any(|(p, _)| *p == path) {
                    by_given.push((path.clone(), ix as u32));
                }
                given[ix].get_or_insert((path, is_dir));
            }
        }
        Ok(Roots {
            canonical,
            given: given.into_iter().map(Option::unwrap_or_default).collect(),
            by_given,
        })
    }

    pub fn canonical(&self) -> &[PathBuf] {
        &self.canonical
    }

    /// The root a walked file was found under: its path is the given root joined with its
    /// path below it (a file named as a PATH is its own root).
    ///
    /// Compared as bytes, not as `Path`s (component by component, and hashed): it is asked
    /// for every file of every load, and there are only a few roots.
    pub fn root_of(&self, entry: &FileEntry) -> Option<u32> {
        let path = path_bytes(&entry.path);
        let is_dir = |ix: u32| self.given[ix as usize].1;
        let file = self
            .by_given
            .iter()
            .find(|(given, ix)| !is_dir(*ix) && path_bytes(given) == path);
        if let Some((_, ix)) = file {
            return Some(*ix);
        }
        let relative = path_bytes(&entry.relative);
        let below = |given: &Path| {
            let given = path_bytes(given);
            let Some(rest) = path.strip_prefix(given) else {
                return false;
            };
            let separator = std::path::MAIN_SEPARATOR as u8;
            let rest = match rest.split_first() {
                _ if given.last() == Some(&separator) => rest,
                Some((first, rest)) if *first == separator => rest,
                _ => return false,
            };
            rest == relative
        };
        self.by_given
            .iter()
            .find(|(given, ix)| is_dir(*ix) && below(given))
            .map(|(_, ix)| *ix)
    }

    /// The path to show for a file the cache holds under `root`, as the root was given now.
    pub fn display_path(&self, root: u32, relative: &Path) -> Option<PathBuf> {
        let (given, is_dir) = self.given.get(root as usize)?;
        Some(if *is_dir {
            given.join(relative)
        } else {
            given.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::load::Content;

    fn entry(path: &str, relative: &str) -> FileEntry {
        FileEntry {
            path: PathBuf::from(path).into(),
            relative: PathBuf::from(relative),
            size: 0,
            content: Content::Disk,
        }
    }

    #[test]
    fn spellings_of_one_folder_are_one_root_and_files_map_back() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub)?;
        let file = dir.path().join("one.txt");
        std::fs::write(&file, "---\n---\n")?;
        let dotted = sub.join("..").join("sub");
        let roots = Roots::of(&[sub.clone(), dotted.clone(), file.clone()])?;
        assert_eq!(roots.canonical().len(), 2);
        let walked = entry(&format!("{}/a/x.txt", dotted.display()), "a/x.txt");
        let ix = roots
            .root_of(&walked)
            .expect("found under the dotted spelling");
        assert_eq!(
            roots.display_path(ix, Path::new("a/x.txt")),
            Some(sub.join("a/x.txt")),
            "shown under the first spelling given"
        );
        let named = entry(&file.display().to_string(), "one.txt");
        let ix = roots.root_of(&named).expect("a named file is its own root");
        assert_eq!(roots.display_path(ix, Path::new("one.txt")), Some(file));
        assert_eq!(roots.root_of(&entry("/elsewhere/x.txt", "x.txt")), None);
        Ok(())
    }
}
