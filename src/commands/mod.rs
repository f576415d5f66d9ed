//! The non-interactive commands, each a function from parsed arguments to an exit status.

pub mod check;
pub mod generate;
pub mod output;
pub mod search;
pub mod show;

use std::path::PathBuf;

use crate::cli::LoadArgs;
use crate::corpus::load::{self, FileEntry, LoadOptions, PathError};
use crate::corpus::{Diagnostic, demo};

/// Exit statuses shared by every command.
pub mod exit {
    pub const OK: u8 = 0;
    /// `check`: a file was skipped; `search`: nothing matched.
    pub const FOUND_PROBLEMS: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// The files behind the PATH arguments, or the demo corpus when there are none.
pub fn files_for(paths: &[PathBuf]) -> Result<(Vec<FileEntry>, Vec<Diagnostic>), PathError> {
    if paths.is_empty() {
        Ok((demo::files(), Vec::new()))
    } else {
        load::discover(paths)
    }
}

impl From<LoadArgs> for LoadOptions {
    fn from(args: LoadArgs) -> Self {
        LoadOptions {
            size_cap: args.max_size,
        }
    }
}
