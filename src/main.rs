//! The `tidings` binary: parse arguments and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

use tidings::cli::{Cli, Command};
use tidings::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let status = match cli.command {
        Some(Command::Check(args)) => {
            commands::check::run(&args, &mut stdout.lock(), &mut stderr.lock())
        }
        _ => {
            eprintln!("tidings: not yet");
            2
        }
    };
    ExitCode::from(status)
}
