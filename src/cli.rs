//! The command line, as clap definitions: the reader is the default; `check`, `search`, `show`,
//! `mark`, `state`, `cache`, `config`, `completions` and `man` are subcommands. Completions and
//! the man page are generated from
//! these same definitions.

use crate::corpus::id::IdArg;
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

    /// Open with the card of this id selected: 16 hex digits, or a prefix of at least 4 that
    /// names one card.
    #[arg(long, value_name = "ID", value_parser = crate::corpus::id::parse_id_arg)]
    pub select: Option<IdArg>,

    /// Read the configuration from this file instead of $TIDINGS_CONFIG or
    /// $XDG_CONFIG_HOME/tidings/config.toml (`tidings config path` says which is used).
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Start with the built-in defaults, reading no configuration file.
    #[arg(long)]
    pub no_config: bool,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// Do not follow the folders while reading: cards written, changed or removed after the
    /// start show only on the next start.
    #[arg(long)]
    pub no_watch: bool,
}

/// Where reading state (read and starred marks, first sightings, saved searches, query
/// history) is kept; see `crate::library::state::location`.
#[derive(Debug, Args, Clone, Default)]
pub struct StateArgs {
    /// The reading state file [default: $TIDINGS_STATE, else
    /// $XDG_DATA_HOME/tidings/state.db, else ~/.local/share/tidings/state.db].
    #[arg(long = "state", id = "state_file", value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Neither read nor write reading state: no marks, saved searches or history.
    #[arg(long, conflicts_with = "state_file")]
    pub no_state: bool,
}

/// Where parsed cards are kept between runs.
#[derive(Debug, Args, Clone, Default)]
pub struct CacheArgs {
    /// Keep the cache of parsed cards in this folder [default: $TIDINGS_CACHE_DIR, else
    /// tidings in $XDG_CACHE_HOME or ~/.cache].
    #[arg(long, value_name = "PATH")]
    pub cache_dir: Option<PathBuf>,

    /// Neither read nor write the cache: parse every card.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

impl CacheArgs {
    pub fn settings(&self) -> crate::library::cache::Settings {
        crate::library::cache::Settings::new(self.no_cache, self.cache_dir.as_deref())
    }
}

#[derive(Debug, Args, Clone, Copy)]
pub struct LoadArgs {
    /// Skip card files larger than this: bytes, or with a unit k, M or G (powers of 1024, any
    /// case, `B` or `iB` may follow: `512k`, `4MiB`), at most 1G.
    #[arg(long, value_name = "SIZE", default_value = DEFAULT_MAX_SIZE, value_parser = parse_size)]
    pub max_size: u64,

    /// Follow symbolic links inside folders (links named as PATHs are always followed).
    #[arg(long, short = 'L')]
    pub follow: bool,
}

/// `crate::corpus::parse::DEFAULT_SIZE_CAP` as `--help` shows it (a test keeps them equal).
const DEFAULT_MAX_SIZE: &str = "1M";

/// The largest `--max-size`: a card is a page of text, and a file is read whole into memory,
/// so a larger cap would only let one stray file take the machine's memory.
pub(crate) const MAX_SIZE_CEILING: u64 = 1 << 30;

/// A size as written on the command line: plain bytes, or a whole number with a unit `k`, `M`
/// or `G` (powers of 1024, any case), optionally followed by `B` or `iB`; at most
/// [`MAX_SIZE_CEILING`]. The error is the reason, for clap to show as a usage error.
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    const FORMAT: &str = "a size is a whole number of bytes, or one with a unit k, M or G \
                          (powers of 1024), like 512k or 4M";
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    if number.is_empty() {
        return Err(FORMAT.to_string());
    }
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(FORMAT.to_string()),
    };
    let too_large = || "over the largest size allowed, 1G".to_string();
    // Digits past u64 are too large for the same reason as a size past the ceiling.
    let n: u64 = number.parse().map_err(|_| too_large())?;
    n.checked_mul(1 << shift)
        .filter(|bytes| *bytes <= MAX_SIZE_CEILING)
        .ok_or_else(too_large)
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
    /// Exit status: 0 when every file loaded, 1 when any file or folder was skipped, 2 for a
    /// usage error or output that could not be written.
    Check(CheckArgs),
    /// Print the cards that match QUERY, ranked exactly as the reader's filter ranks them.
    ///
    /// Exit status: 0 with matches, 1 with none, 2 for a usage error, a query that does not
    /// parse, or output that could not be written.
    Search(SearchArgs),
    /// Print one card, every field.
    ///
    /// Exit status: 0 when shown, 1 for an unknown id or a file that is not a card, 2 for a
    /// usage error (a malformed or ambiguous id) or output that could not be written.
    Show(ShowArgs),
    /// Mark cards read, unread, starred or unstarred: those named by --id, or every card that
    /// matches --query.
    ///
    /// All the cards are marked in one transaction. Exit status: 0 when marked, 1 for an
    /// unknown id or a query that matches nothing, 2 for a usage error (a malformed or
    /// ambiguous id, a query that does not parse) or when the state cannot be written.
    Mark(MarkArgs),
    /// Export, import or locate the reading state.
    #[command(subcommand)]
    State(StateCommand),
    /// The configuration file: print the defaults, check a file, or say where it is read from.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Show or clear the cache of parsed cards.
    #[command(subcommand)]
    Cache(CacheCommand),
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Where the caches are, and for each: its size, cards, folders and when it was written.
    Info(CacheTarget),
    /// Remove the caches (of PATHs, or all); the next run parses every card again.
    Clear(CacheTarget),
}

#[derive(Debug, Args)]
pub struct CacheTarget {
    /// The folders whose cache to show or remove; none means every cache.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The folder of caches [default: $TIDINGS_CACHE_DIR, else tidings in $XDG_CACHE_HOME or
    /// ~/.cache].
    #[arg(long, value_name = "PATH")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the default configuration: every setting, key binding, action and style, with
    /// what each does; saved where `tidings config path` says, it starts a file.
    Default,
    /// Check a configuration file and print every problem: `path:line:column: error: message`.
    ///
    /// Exit status: 0 when the file is good (or absent from the usual place), 1 when it has
    /// problems, 2 when it cannot be read.
    Check {
        /// The file to check; without it, the one the reader would read.
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
    },
    /// Print the path the reader reads its configuration from, whether or not the file exists.
    ///
    /// Exit status: 0, or 1 when there is nowhere to look ($HOME and $XDG_CONFIG_HOME unset).
    Path,
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

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args)]
pub struct MarkArgs {
    /// What to mark the cards.
    #[arg(value_enum)]
    pub mark: MarkHow,

    /// A card to mark: 16 hex digits, or a prefix of at least 4 that names one card.
    /// Repeatable.
    #[arg(
        long = "id",
        value_name = "ID",
        value_parser = crate::corpus::id::parse_id_arg,
        required_unless_present = "query",
        conflicts_with = "query"
    )]
    pub ids: Vec<IdArg>,

    /// Mark every card that matches this query (`@name` stands for a saved search).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,

    /// Card files or folders the cards are in; none uses the demo corpus.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub config: FilterConfigArgs,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

/// The configuration file, of which the commands that search read the `[filter]` table only,
/// so they find what the reader finds.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterConfigArgs {
    /// Read the `[filter]` table from this file instead of $TIDINGS_CONFIG or
    /// $XDG_CONFIG_HOME/tidings/config.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Use the built-in meaning of plain terms, reading no configuration file (for scripts).
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MarkHow {
    Read,
    Unread,
    Star,
    Unstar,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Print every mark, saved search and history entry as JSON lines, each with the time it
    /// was set.
    Export(StateFileArg),
    /// Merge JSON lines written by `state export` into the state: for each mark, saved search
    /// and history entry the later time wins. Nothing is imported unless every line is valid.
    Import {
        /// The file to read; `-` reads stdin.
        #[arg(value_name = "FILE")]
        file: PathBuf,

        #[command(flatten)]
        state: StateFileArg,
    },
    /// Print the path of the state file.
    Path(StateFileArg),
}

#[derive(Debug, Args, Clone, Default)]
pub struct StateFileArg {
    /// The reading state file [default: $TIDINGS_STATE, else
    /// $XDG_DATA_HOME/tidings/state.db, else ~/.local/share/tidings/state.db].
    #[arg(long = "state", id = "state_file", value_name = "PATH")]
    pub file: Option<PathBuf>,
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

    /// With `-f paths` or `-f urls`: print each exactly and end it with a NUL instead of a
    /// newline, for `xargs -0`. Without it, a name that cannot be printed exactly on one line
    /// is left out.
    #[arg(long, short = '0')]
    pub print0: bool,

    /// Print at most N cards.
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,

    /// Reverse the order.
    #[arg(long, short = 'r')]
    pub reverse: bool,

    /// Also print diagnostics of bad files, on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Print, under each card, how each term matched it: in which field, and as a word, a
    /// prefix, with typos or as scattered letters (approximate matches are marked `≈`).
    #[arg(long, conflicts_with_all = ["format", "print0"])]
    pub explain: bool,

    #[command(flatten)]
    pub config: FilterConfigArgs,

    #[command(flatten)]
    pub load: LoadArgs,

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A card id (16 hex digits, or a unique prefix of at least 4) or a card file.
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

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_units_of_1024() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("4mb"), Ok(4 << 20));
        assert_eq!(parse_size("4MiB"), Ok(4 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("100B"), Ok(100));
        assert_eq!(
            parse_size(DEFAULT_MAX_SIZE),
            Ok(crate::corpus::parse::DEFAULT_SIZE_CAP)
        );
    }

    #[test]
    fn sizes_past_the_ceiling_or_malformed_are_refused() {
        for too_large in [
            "18446744073709551615",
            "99999999999999999999999",
            "1025M",
            "2G",
            "17179869184k",
            "18014398509481984G",
        ] {
            let e = parse_size(too_large).expect_err(too_large);
            assert!(e.contains("largest"), "{too_large}: {e}");
        }
        for malformed in [
            "", "k", "1.5M", "-1", "+4", "4 M", "4T", "4kk", "0x10", " 4",
        ] {
            let e = parse_size(malformed).expect_err(malformed);
            assert!(e.contains("unit"), "{malformed}: {e}");
        }
        assert_eq!(parse_size(&(MAX_SIZE_CEILING + 1).to_string()).ok(), None);
        assert_eq!(
            parse_size(&MAX_SIZE_CEILING.to_string()),
            Ok(MAX_SIZE_CEILING)
        );
    }
}
