//! The non-interactive commands, each a function from parsed arguments to an exit status.

pub mod cache;
pub mod check;
pub mod config;
pub mod generate;
pub mod mark;
pub mod output;
pub mod search;
pub mod show;
pub mod state;

use std::path::PathBuf;

use crate::cli::{CacheArgs, LoadArgs};
use std::io::Write;

use crate::corpus::load::{self, FileEntry, LoadOptions, Loaded, PathError};
use crate::corpus::{Diagnostic, demo};
use crate::library::cache::Cache;

/// Exit statuses shared by every command.
pub mod exit {
    pub(crate) const OK: u8 = 0;
    /// `check`: a file or folder was skipped; `search`: nothing matched; `show`: no such card.
    pub(crate) const FOUND_PROBLEMS: u8 = 1;
    pub const USAGE: u8 = 2;
    /// The output could not be written (a full disk, `> /dev/full`): what was asked could not
    /// be done, as with a usage error. A closed pipe is not this: see
    /// [`super::output::deliver`].
    pub(crate) const OUTPUT_FAILED: u8 = 2;
}

/// The files behind the PATH arguments, or the demo corpus when there are none.
pub fn files_for(
    paths: &[PathBuf],
    options: &LoadOptions,
) -> Result<(Vec<FileEntry>, Vec<Diagnostic>), PathError> {
    if paths.is_empty() {
        Ok((demo::files(), Vec::new()))
    } else {
        load::discover_with(paths, options)
    }
}

/// Loads the PATH arguments (or the demo corpus) for a command, the folder walk's problems
/// first; a path that does not exist is reported on `err` and gives the usage exit status.
pub(crate) fn load_paths(
    paths: &[PathBuf],
    options: &LoadOptions,
    cache: &CacheArgs,
    err: &mut dyn Write,
) -> Result<Loaded, u8> {
    let (mut loaded, walk_diagnostics) = load_and_walk(paths, options, cache, err)?;
    loaded.diagnostics.splice(0..0, walk_diagnostics);
    Ok(loaded)
}

/// [`load_paths`] with the folder walk's problems (folders and entries that could not be read)
/// kept apart from the files': `Loaded::skipped` counts only files that were found and not
/// loaded, so it never exceeds `Loaded::files`.
///
/// Unchanged files come from the cache (see [`crate::library::cache`]), after every file's
/// key was checked; the cache is written back before the answer when anything changed. A
/// cache that cannot be read or written is said once on `err`, and the load goes on.
pub(crate) fn load_and_walk(
    paths: &[PathBuf],
    options: &LoadOptions,
    cache: &CacheArgs,
    err: &mut dyn Write,
) -> Result<(Loaded, Vec<Diagnostic>), u8> {
    let mut cache = Cache::open(&cache.settings(), paths);
    let loaded = cache.load_all(paths, options);
    let mut notices = cache.take_notices();
    let (mut loaded, walk_diagnostics, update) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let _ = writeln!(err, "tidings: {}", crate::text::clean_line(&e.to_string()));
            return Err(exit::USAGE);
        }
    };
    if let Err(notice) = update.write() {
        notices.push(notice);
    }
    for notice in notices {
        let _ = writeln!(err, "tidings: {}", crate::text::clean_line(&notice));
    }
    loaded.skipped = load::count_skipped(&loaded.diagnostics);
    Ok((loaded, walk_diagnostics))
}

/// `--verbose`: every diagnostic on stderr, never mixed into the output.
pub(crate) fn report_diagnostics(loaded: &Loaded, err: &mut dyn Write) {
    for d in &loaded.diagnostics {
        let _ = writeln!(err, "{}", check::diagnostic_line(d));
    }
}

impl From<LoadArgs> for LoadOptions {
    fn from(args: LoadArgs) -> Self {
        LoadOptions {
            size_cap: args.max_size,
            follow: args.follow,
        }
    }
}
