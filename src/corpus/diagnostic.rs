//! What loading says about a file: a problem with its place (path, line, column) and severity.
//!
//! A bad file is data, not a failure: the loader turns every problem into a [`Diagnostic`] and
//! goes on. Messages hold raw text from the file; they pass the text gate when they are shown.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The card loaded, but a field was dropped or the file is not quite well formed.
    Warning,
    /// The file was skipped.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What a diagnostic is about: a file (a card, or a file that should have been one), or a
/// folder the walk could not go into. Counts of skipped files leave folders out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    #[default]
    File,
    Folder,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based; the opening `---` is line 1.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    pub subject: Subject,
}

impl Diagnostic {
    /// A problem with a whole file, at its start.
    pub fn file(path: impl Into<PathBuf>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 1,
            column: 1,
            severity,
            message: message.into(),
            subject: Subject::File,
        }
    }

    /// A folder the walk could not read or go into: an error, never a file skipped.
    pub fn folder(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            subject: Subject::Folder,
            ..Diagnostic::file(path, Severity::Error, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:column: severity: message`, the shape editors and CI logs link from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.severity,
            self.message
        )
    }
}

/// Why a file is not a card. Each becomes an error [`Diagnostic`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum FileProblem {
    #[error("empty file")]
    Empty,
    #[error("no front matter: a card starts with a line `---`")]
    NoFrontMatter,
    #[error("file is {size} bytes, over the {cap}-byte size cap")]
    TooLarge { size: u64, cap: u64 },
    #[error("file is UTF-16 encoded; cards are UTF-8")]
    Utf16,
    #[error("binary file: NUL bytes; cards are UTF-8 text")]
    Binary,
    #[error("invalid UTF-8 (byte 0x{byte:02X}); is the file Latin-1 or Windows-1252?")]
    InvalidUtf8 { byte: u8 },
    #[error("YAML: {0}")]
    Yaml(String),
    #[error("front matter is {0}, not a mapping of fields")]
    NotMapping(&'static str),
    /// The limits come with the problem, from the reader that enforces them.
    #[error("collections nested {depth} deep; refusing to parse (limit {limit})")]
    TooDeep { depth: usize, limit: usize },
    #[error("aliases stand for {nodes} values; refusing to expand (limit {limit})")]
    AliasesTooLarge { nodes: u64, limit: u64 },
    #[error("not a regular file: {0}")]
    NotRegular(&'static str),
    #[error("cannot read: {0}")]
    Io(String),
}
