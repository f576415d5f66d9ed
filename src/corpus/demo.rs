//! The demo corpus under `assets/demo/`, built into the binary so `tidings` with no path has
//! something to show on a fresh machine.

use std::path::PathBuf;

use include_dir::{Dir, include_dir};

use super::load::{Content, FileEntry};

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/demo");

/// The demo cards as files to load, named `assets/demo/<file>` in diagnostics and paths.
pub fn files() -> Vec<FileEntry> {
    let mut files: Vec<FileEntry> = DEMO
        .files()
        .map(|f| FileEntry {
            path: PathBuf::from("assets/demo").join(f.path()).into(),
            relative: f.path().to_path_buf(),
            size: f.contents().len() as u64,
            content: Content::Embedded(f.contents()),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
