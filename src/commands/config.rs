//! `tidings config default | check [PATH] | path`: the configuration file from the command
//! line, through the same reading the reader does.

use std::io::Write;
use std::path::Path;

use super::exit;
use super::output::deliver;
use crate::cli::ConfigCommand;
use crate::config::error::LoadError;
use crate::config::file::{self, Env, Location, Origin};
use crate::config::template;
use crate::text;

/// Runs a `config` command with the environment `env`; returns the exit status.
pub fn run(command: &ConfigCommand, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match command {
        ConfigCommand::Default => {
            let text = template::default_file();
            match deliver(out, err, |out| out.write_all(text.as_bytes())) {
                Ok(()) => exit::OK,
                Err(status) => status,
            }
        }
        ConfigCommand::Path => path(env, out, err),
        ConfigCommand::Check { path } => check(path.as_deref(), env, out, err),
    }
}

fn shown(path: &Path) -> String {
    text::clean_line(&path.display().to_string()).into_owned()
}

fn path(env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(location) = file::locate(None, env) else {
        let _ = writeln!(
            err,
            "tidings: nowhere to look for a configuration: neither XDG_CONFIG_HOME nor HOME is set"
        );
        return exit::FOUND_PROBLEMS;
    };
    if !location.path.exists() {
        let _ = writeln!(
            err,
            "tidings: there is no file there yet; the defaults apply \
             (`tidings config default` prints them)"
        );
    }
    let line = format!("{}\n", shown(&location.path));
    match deliver(out, err, |out| out.write_all(line.as_bytes())) {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}

fn check(path: Option<&Path>, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(location) = file::locate(path, env) else {
        let _ = writeln!(
            err,
            "tidings: nowhere to look for a configuration: neither XDG_CONFIG_HOME nor HOME is set"
        );
        return exit::FOUND_PROBLEMS;
    };
    let absent = location.origin == Origin::Standard && !location.path.exists();
    let (report, status) = match file::load(Some(&location)) {
        Ok(_) if absent => (
            format!(
                "{}: no such file; the defaults apply\n",
                shown(&location.path)
            ),
            exit::OK,
        ),
        Ok(_) => (format!("{}: ok\n", shown(&location.path)), exit::OK),
        Err(LoadError::Invalid { errors, .. }) => {
            let mut report = String::new();
            for error in &errors {
                report.push_str(&text::clean_line(&error.to_string()));
                report.push('\n');
            }
            (report, exit::FOUND_PROBLEMS)
        }
        Err(e @ LoadError::Unreadable { .. }) => {
            let _ = writeln!(err, "tidings: {}", text::clean_line(&e.to_string()));
            return exit::USAGE;
        }
    };
    match deliver(out, err, |out| out.write_all(report.as_bytes())) {
        Ok(()) => status,
        Err(status) => status,
    }
}

/// The configuration the reader starts with, or the message that stops it: every problem and
/// the way to start anyway. `--no-config` reads nothing.
pub fn for_reader(flag: Option<&Path>, no_config: bool) -> Result<crate::config::Config, String> {
    if no_config {
        return Ok(crate::config::Config::default());
    }
    let location: Option<Location> = file::locate(flag, &Env::current());
    file::load(location.as_ref()).map_err(|e| {
        let mut message = String::new();
        match &e {
            LoadError::Invalid { errors, .. } => {
                for error in errors {
                    message.push_str(&text::clean_line(&error.to_string()));
                    message.push('\n');
                }
            }
            LoadError::Unreadable { .. } => {
                message.push_str(&format!("tidings: {}\n", text::clean_line(&e.to_string())));
            }
        }
        message.push_str(
            "tidings: the configuration was not used; fix it (`tidings config check` checks \
             it), or start with the defaults: tidings --no-config",
        );
        message
    })
}
