//! The `tidings` binary: parse arguments and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

use tidings::cli::{Cli, Command};

/// Parsing a card makes many small allocations on every core at once; mimalloc's per-thread
/// heaps load 100k cards about a third faster than the system allocator and scale across cores.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tidings::{commands, runtime};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // The reader stays: what its load frees goes back. A command that answers and exits
        // keeps the allocator's defaults, which are faster.
        tidings::allocator::give_back_freed_memory();
        // The reader writes to the terminal from more than one thread (a signal's teardown):
        // it must not hold the stdout lock for its whole run.
        return ExitCode::from(runtime::run(cli.reader));
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let status = match command {
        Command::Check(args) => commands::check::run(&args, &mut out, &mut err),
        Command::Search(args) => commands::search::run(&args, &mut out, &mut err),
        Command::Show(args) => commands::show::run(&args, &mut out, &mut err),
        Command::Mark(args) => commands::mark::run(&args, &mut out, &mut err),
        Command::State(command) => commands::state::run(&command, &mut out, &mut err),
        Command::Config(command) => commands::config::run(
            &command,
            &tidings::config::file::Env::current(),
            &mut out,
            &mut err,
        ),
        Command::Completions { shell } => {
            commands::generate::completions(shell, &mut out, &mut err)
        }
        Command::Man => commands::generate::man(&mut out, &mut err),
        Command::Cache(command) => commands::cache::run(&command, &mut out, &mut err),
    };
    ExitCode::from(status)
}
