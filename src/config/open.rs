//! The `[open]` table: which program `o` opens a URL with, and which one `y` hands a URL to
//! instead of the terminal's clipboard (OSC 52). Both are argument lists, never shell lines, so
//! nothing in a URL is ever read as a command.

use toml::de::DeTable;

use super::error::Problems;
use super::value::{self, entries};
use crate::opener::{OpenCommand, URL_PLACEHOLDER};

/// What the configuration says about opening and copying URLs. `None` keeps the built-in way:
/// `$BROWSER`, then the platform's opener; OSC 52 for copying.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenConfig {
    /// Tried before `$BROWSER` and the platform's opener.
    pub command: Option<OpenCommand>,
    /// A program that takes the URL on its standard input (`wl-copy`, `xclip -selection
    /// clipboard`, `pbcopy`).
    pub copy: Option<Vec<String>>,
}

const KEYS: [&str; 3] = ["command", "terminal", "copy"];

/// Reads `[open]`; what is wrong goes to `problems` and leaves that part at its default.
pub(crate) fn read(table: &DeTable<'_>, problems: &mut Problems) -> OpenConfig {
    let mut config = OpenConfig::default();
    let mut terminal = None;
    for (key, value) in entries(table) {
        match key.get_ref().as_ref() {
            "command" => {
                config.command = argv(value, "[open] command", problems).map(OpenCommand::from_argv)
            }
            "terminal" => {
                terminal = value::boolean(value, "[open] terminal", problems).map(|t| (t, key))
            }
            "copy" => {
                let Some(argv) = argv(value, "[open] copy", problems) else {
                    continue;
                };
                if argv.iter().any(|a| a.contains(URL_PLACEHOLDER)) {
                    problems.add(
                        value.span(),
                        format!(
                            "[open] copy gets the URL on its standard input; \
                             {URL_PLACEHOLDER} has no place in its arguments"
                        ),
                    );
                    continue;
                }
                config.copy = Some(argv);
            }
            _ => value::unknown_key(problems, key, "[open]", &KEYS),
        }
    }
    match (terminal, config.command.as_mut()) {
        (Some((terminal, _)), Some(command)) => command.terminal = terminal,
        (Some((_, key)), None) => problems.add(
            key.span(),
            "[open] terminal says how `command` runs; set `command` too",
        ),
        (None, _) => {}
    }
    config
}

/// A program and its arguments: a non-empty array of strings whose first is not empty.
fn argv(value: &value::TomlValue<'_>, what: &str, problems: &mut Problems) -> Option<Vec<String>> {
    let items = value::strings(value, what, problems)?;
    match items.first() {
        None => {
            problems.add(
                value.span(),
                format!("{what} takes a program and its arguments, like [\"w3m\", \"{URL_PLACEHOLDER}\"]; this one is empty"),
            );
            None
        }
        Some((program, span)) if program.trim().is_empty() => {
            problems.add(span.clone(), format!("{what}: the program's name is empty"));
            None
        }
        Some(_) => Some(items.into_iter().map(|(s, _)| s.to_string()).collect()),
    }
}
