//! `tidings completions SHELL` and `tidings man`: generated from the clap definitions, so they
//! never drift from the real arguments.

use std::io::Write;

use clap::CommandFactory;

use super::exit;
use crate::cli::Cli;

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> u8 {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "tidings", out);
    exit::OK
}

pub fn man(out: &mut dyn Write) -> u8 {
    let page = clap_mangen::Man::new(Cli::command());
    match page.render(out) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("tidings: cannot write the man page: {e}");
            1
        }
    }
}
