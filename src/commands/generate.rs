//! `tidings completions SHELL` and `tidings man`: generated from the clap definitions, so they
//! never drift from the real arguments. The man page is one page for every command, with the
//! keys from the default keymap and the query language from the text the help shows.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::exit;
use super::output::deliver;
use crate::cli::Cli;
use crate::config::Keymap;
use crate::library::cache::{ENV_DIR as CACHE_ENV, KEEP_UNUSED};
use crate::library::state::location::ENV as STATE_ENV;
use crate::search::syntax::GUIDE;
use crate::view::help;

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
    match deliver(out, err, |out| {
        let page = man_page()?;
        out.write_all(&page)
    }) {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}

/// The whole man page as roff. clap_mangen's own page would list the subcommands as pages of
/// their own (`tidings-search(1)`) that nobody installs, so its sections are used piece by piece
/// and each subcommand is described here, under COMMANDS.
pub(crate) fn man_page() -> io::Result<Vec<u8>> {
    let mut command = Cli::command();
    // Building names every subcommand `tidings search`, as its synopsis should read.
    command.build();
    let man = Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;

    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    commands.text([roman(
        "With no command, tidings opens the reader (see KEYS). The other commands print to \
         standard output and never need a terminal.",
    )]);
    commands.to_writer(&mut page)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_command(sub, &mut page)?;
    }

    let mut rest = Roff::new();
    keys(&mut rest);
    query_language(&mut rest);
    files(&mut rest);
    environment(&mut rest);
    exit_status(&mut rest);
    rest.to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// A subcommand (and the commands under it) as a subsection of COMMANDS: its synopsis, its
/// description and its options.
fn write_command(command: &clap::Command, page: &mut Vec<u8>) -> io::Result<()> {
    let name = command.get_bin_name().unwrap_or_else(|| command.get_name());
    let mut head = Roff::new();
    head.control("SS", [name]);
    head.to_writer(page)?;
    let man = Man::new(command.clone());
    let mut parts = Vec::new();
    man.render_synopsis_section(&mut parts)?;
    man.render_description_section(&mut parts)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut parts)?;
    }
    page.extend(without_headers(&parts));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_command(sub, page)?;
    }
    Ok(())
}

/// clap_mangen renders whole sections; inside a subsection their `.SH` lines would start new
/// sections of the page, so they become paragraph breaks.
fn without_headers(roff: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(roff.len());
    for line in roff.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b".SH ") {
            out.extend_from_slice(b".PP\n");
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// KEYS: every binding of the default keymap, by section, as the help overlay lists them.
fn keys(roff: &mut Roff) {
    roff.control("SH", ["KEYS"]);
    roff.text([roman(
        "The reader's default keys. A configuration file can change them (see FILES); \
         ? in the reader lists the keys in effect.",
    )]);
    for (label, description) in help::entries(&Keymap::default()) {
        match label {
            None => {
                roff.control("SS", [description.as_str()]);
            }
            Some(keys) => {
                roff.control("TP", []);
                roff.text([bold(keys)]);
                roff.text([roman(description)]);
            }
        }
    }
}

/// QUERY LANGUAGE: the text the help shows; its indented lines are examples, kept as laid out,
/// and the prose between them runs on as paragraphs.
fn query_language(roff: &mut Roff) {
    roff.control("SH", ["QUERY LANGUAGE"]);
    roff.text([roman(
        "The reader's filter (/) and tidings search read the same language.",
    )]);
    // Whether the previous line was an example; `None` before the first.
    let mut in_examples = None;
    for line in GUIDE.lines() {
        let example = line.starts_with(' ');
        match (in_examples, example) {
            (Some(false) | None, true) => {
                roff.control("RS", ["4"]).control("nf", []);
            }
            (Some(true), false) => {
                roff.control("fi", []).control("RE", []).control("PP", []);
            }
            (None, false) => {
                roff.control("PP", []);
            }
            _ => {}
        }
        in_examples = Some(example);
        roff.text([roman(line.trim_start())]);
    }
    if in_examples == Some(true) {
        roff.control("fi", []).control("RE", []);
    }
}

/// A `.TP` entry: a name in bold, then its paragraph.
fn entry(roff: &mut Roff, name: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(name)]);
    roff.text([roman(text)]);
}

/// FILES: where the configuration, the reading state and the cache are, in the order each is
/// looked for.
fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    entry(
        roff,
        "$XDG_CONFIG_HOME/tidings/config.toml",
        "The configuration (keys, list columns, theme, how to open links); \
         ~/.config/tidings/config.toml when XDG_CONFIG_HOME is unset. --config PATH or \
         TIDINGS_CONFIG names another file, --no-config reads none. It may be absent; \
         tidings config default prints one with every setting, tidings config path says which \
         file is used.",
    );
    entry(
        roff,
        "$XDG_DATA_HOME/tidings/state.db",
        &format!(
            "The reading state: read and starred marks, when each card was first seen, saved \
             searches and the query history (SQLite); ~/.local/share/tidings/state.db when \
             XDG_DATA_HOME is unset. --state PATH or {STATE_ENV} names another file, \
             --no-state keeps none."
        ),
    );
    let days = KEEP_UNUSED.as_secs() / (24 * 60 * 60);
    entry(
        roff,
        "$XDG_CACHE_HOME/tidings/",
        &format!(
            "Parsed cards, one file per set of folders opened, so the next start reads only \
             what changed; ~/.cache/tidings when XDG_CACHE_HOME is unset. --cache-dir PATH or \
             {CACHE_ENV} names another folder, --no-cache keeps none. A cache whose folders \
             have not been opened for {days} days is removed; tidings cache clear removes caches \
             now. Deleting the folder at any time is safe."
        ),
    );
}

/// ENVIRONMENT: every variable tidings reads.
fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    let vars = [
        (
            "TIDINGS_CONFIG",
            "The configuration file, instead of the one under XDG_CONFIG_HOME; it must exist.",
        ),
        (STATE_ENV, "The reading state file."),
        (CACHE_ENV, "The folder of caches."),
        (
            "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME, HOME",
            "Where the configuration, the state and the cache are by default (see FILES). \
             Empty variables count as unset.",
        ),
        (
            "BROWSER",
            "Programs to open links with, tried in turn after the one the configuration names \
             and before the platform's opener (xdg-open, open): commands separated by colons, \
             %s in a command replaced by the link, else the link added as the last argument. \
             Never run through a shell. Terminal browsers (w3m, lynx, links, elinks) take over \
             the terminal until they exit.",
        ),
        (
            "NO_COLOR",
            "When set and not empty, the monochrome theme is the default: styles without colour.",
        ),
        (
            "TERM",
            "The reader needs a terminal that can move the cursor: it refuses to start when TERM \
             is unset or dumb (use tidings search there).",
        ),
        ("PATH", "Where the programs that open links are looked for."),
    ];
    for (name, text) in vars {
        entry(roff, name, text);
    }
}

/// EXIT STATUS: the statuses of [`super::exit`], and the reader's when a signal ends it.
fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    let statuses = [
        ("0", "Success."),
        (
            "1",
            "The command ran and found a problem: check skipped a file or folder, search \
             matched nothing, show or mark found no such card, config check found problems in \
             the file, config path found nowhere to look, cache clear could not remove \
             everything; or the reader stopped on an error.",
        ),
        (
            "2",
            "A usage error: a bad option, a PATH that does not exist, a query that does not \
             parse, a malformed or ambiguous id, no terminal for the reader; or the output \
             could not be written (a closed pipe is not an error: output stops quietly).",
        ),
        (
            "128+N",
            "The reader was ended by signal N (SIGTERM, SIGHUP).",
        ),
    ];
    for (status, text) in statuses {
        entry(roff, status, text);
    }
    roff.control("PP", []);
    roff.text([
        roman("See "),
        italic("tidings check --help"),
        roman(" and the other commands' help for details."),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        String::from_utf8(man_page().unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn the_man_page_has_every_section_and_no_missing_pages() {
        let page = page();
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH OPTIONS",
            ".SH COMMANDS",
            ".SH KEYS",
            ".SH \"QUERY LANGUAGE\"",
            ".SH FILES",
            ".SH ENVIRONMENT",
            ".SH \"EXIT STATUS\"",
        ] {
            assert!(page.contains(section), "no {section}");
        }
        // One page covers every command: none is referred to a page of its own.
        assert!(!page.contains("(1)"), "a reference to another page");
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            assert!(page.contains(&format!(".SS \"tidings {name}\"")), "{name}");
        }
        // Sections of subcommands do not start top-level sections.
        assert_eq!(page.matches(".SH SYNOPSIS").count(), 1);
    }

    #[test]
    fn the_man_page_lists_the_default_keys_and_the_query_language() {
        let page = page();
        for (label, _) in help::entries(&Keymap::default()) {
            let Some(keys) = label else { continue };
            let first = keys.split_whitespace().next().unwrap_or_default();
            // roff escapes `-` and `\`; plain words are found as written.
            if first.chars().all(char::is_alphanumeric) {
                assert!(page.contains(first), "{keys}");
            }
        }
        assert!(page.contains("since:7d"));
        for var in [
            "TIDINGS_CONFIG",
            "TIDINGS_STATE",
            "TIDINGS_CACHE_DIR",
            "NO_COLOR",
        ] {
            assert!(page.contains(var), "{var}");
        }
    }
}
