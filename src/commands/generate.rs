//! `tidings completions SHELL` and `tidings man`: generated from the clap definitions, so they
//! never drift from the real arguments.

use std::io::Write;

use clap::CommandFactory;

use super::exit;
use super::output::deliver;
use crate::cli::Cli;

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut command = Cli::command();
    // clap_complete panics when its writer fails, so the script is built in memory and
    // written the way every command's output is.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "tidings", &mut script);
    match deliver(out, err, |out| out.write_all(&script)) {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}

pub fn man(out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let page = clap_mangen::Man::new(Cli::command());
    match deliver(out, err, |out| page.render(out)) {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}
