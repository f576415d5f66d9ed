//! What is wrong with a configuration file: every problem with its place (line and column, as
//! an editor counts them) and what was expected there. Reading a file goes on past a problem,
//! so one run names them all.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    /// `path:line:column: error: message`, the shape `tidings check` and compilers use, which
    /// editors link from. The message may quote the file: it passes the text gate when shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file named could not be read (a file that is simply absent from the usual place is
    /// no error: the defaults apply).
    #[error("cannot read the configuration file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// The file was read, and these are all its problems, in the order they appear.
    #[error("{} problem(s) in the configuration file {}", errors.len(), path.display())]
    Invalid {
        path: PathBuf,
        errors: Vec<ConfigError>,
    },
}

/// Problems found while reading one file's text, by byte span, turned into [`ConfigError`]s
/// with lines and columns at the end.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    found: Vec<(Range<usize>, String)>,
}

impl Problems {
    pub(crate) fn add(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.found.push((span, message.into()));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems in the order of the file, each at its line and column in `text`.
    pub(crate) fn into_errors(mut self, path: &Path, text: &str) -> Vec<ConfigError> {
        self.found.sort_by_key(|(span, _)| span.start);
        self.found.dedup();
        self.found
            .into_iter()
            .map(|(span, message)| {
                let (line, column) = line_column(text, span.start);
                ConfigError {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message,
                }
            })
            .collect()
    }
}

/// Line and column (in characters, both 1-based) of byte `offset` in `text`: lines break at
/// `\n` only, as editors and `grep -n` count them. An offset inside a character counts as
/// that character.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let text = "a = 1\r\nbé = \"x\"\n\nlast";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (1, 5));
        // After `bé = `: the é is one column, though two bytes.
        assert_eq!(line_column(text, 7 + 6), (2, 6));
        assert_eq!(line_column(text, text.len()), (4, 5));
        assert_eq!(line_column(text, 10_000), (4, 5));
        // Inside the é: its own column.
        assert_eq!(line_column(text, 9), (2, 2));
    }

    #[test]
    fn problems_come_out_in_file_order() {
        let text = "x\ny\nz\n";
        let mut problems = Problems::default();
        problems.add(4..5, "third");
        problems.add(0..1, "first");
        problems.add(2..3, "second");
        let errors = problems.into_errors(Path::new("c.toml"), text);
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "c.toml:1:1: error: first",
                "c.toml:2:1: error: second",
                "c.toml:3:1: error: third"
            ]
        );
    }
}
