//! The command line, as clap definitions: the reader is the default; `check`, `search`, `show`,
//! `completions` and `man` are subcommands. Completions and the man page are generated from
//! these same definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "tidings",
    version,
    about = "A terminal reader for news article cards",
    long_about = "A terminal reader for news article cards: folders of text files with YAML front \
                  matter (title, excerpt, URLs, provider, topics, related articles...).\n\n\
                  With no command, opens the reader on PATHs (files or folders, walked \
                  recursively), or on the built-in demo corpus when no PATH is given.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub reader: ReaderArgs,
}

#[derive(Debug, Args, Default)]
pub struct ReaderArgs {
    /// Card files or folders to open; none opens the demo corpus.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Open with this filter query already applied.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,

    /// Open with the card of this id (16 hex digits) selected.
    #[arg(long, value_name = "ID")]
    pub select: Option<String>,

    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args, Clone, Copy)]
pub struct LoadArgs {
    /// Skip card files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::corpus::parse::DEFAULT_SIZE_CAP)]
    pub max_size: u64,

    /// Follow symbolic links inside folders (links named as PATHs are always followed).
    #[arg(long, short = 'L')]
    pub follow: bool,
}

impl Default for LoadArgs {
    fn default() -> Self {
        LoadArgs {
            max_size: crate::corpus::parse::DEFAULT_SIZE_CAP,
            follow: false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load cards and report every problem: `path:line:column: severity: message`.
    ///
    /// Exit status: 0 when every file loaded, 1 when any file was skipped, 2 for a usage error.
    Check(CheckArgs),
    /// Print the cards that match QUERY, ranked exactly as the reader's filter ranks them.
    ///
    /// Exit status: 0 with matches, 1 with none, 2 for a usage error or a query that does not
    /// parse.
    Search(SearchArgs),
    /// Print one card, every field.
    Show(ShowArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Card files or folders to check; none checks the demo corpus.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print one JSON object instead of the text report.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The filter, in the reader's query language (`'exact ^prefix suffix$ !not title:x`).
    pub query: String,

    /// Card files or folders to search; none searches the demo corpus.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format [default: table on a terminal, jsonl when piped].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<SearchFormat>,

    /// Order of the results.
    #[arg(long, value_enum, default_value_t = SortArg::Score)]
    pub sort: SortArg,

    /// Print at most N cards.
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,

    /// Reverse the order.
    #[arg(long, short = 'r')]
    pub reverse: bool,

    /// Also print diagnostics of bad files, on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A card id (16 hex digits) or a card file.
    #[arg(value_name = "ID|FILE")]
    pub card: String,

    /// Folders or files to look the id up in; none uses the demo corpus.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[arg(long, short = 'f', value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,

    /// Also print diagnostics of bad files, on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    Table,
    Json,
    Jsonl,
    Csv,
    Md,
    Paths,
    Urls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Score,
    Date,
    Quality,
    Heat,
    Title,
    Provider,
}
