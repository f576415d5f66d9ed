//! `tidings config default`: the whole default configuration as a commented TOML file, written
//! from the built-in defaults themselves, so it can never tell of a default that is not the
//! real one (a test reads it back and compares).

use std::fmt::Write;

use ratatui::style::{Color, Modifier, Style};

use strum::IntoEnumIterator;

use super::Config;
use super::filter::Matching;
use super::keymap::Scope;
use super::list::{Column, DateStyle, SORTS};
use super::theme::STYLE_DOCS;
use crate::action::Action;
use crate::search::fields::Place;

/// The default configuration file, every setting at its default.
pub fn default_file() -> String {
    let config = Config::default();
    let mut out = String::new();
    out.push_str(HEADER);
    keys_section(&mut out, &config);
    list_section(&mut out, &config);
    filter_section(&mut out, &config);
    theme_section(&mut out, &config);
    open_section(&mut out);
    out
}

const HEADER: &str = "\
# tidings configuration: every setting, each at its default.
#
# `tidings config path` prints where this file is read from, `tidings config check` checks it,
# and `tidings --no-config` starts without it. Settings left out keep their defaults, so a file
# need hold only what it changes.
";

const KEYS_INTRO: &str = "
[keys]
# What keys do, a table per mode: [keys.list], [keys.detail] and [keys.related] while that pane
# has the focus, [keys.browse] in all three panes, [keys.query] while typing a filter,
# [keys.overlay] in help, problems and the saved searches, and [keys.everywhere] in every mode.
#
# Keys are written like \"j\", \"G\" (shift-g), \"?\", \"ctrl-d\", \"alt-b\", \"shift-tab\", \"enter\",
# \"esc\", \"backspace\", \"space\", \"pgdn\", \"home\", \"f5\". Two keys with a space between them
# (\"g g\") are a sequence: the first waits a second for the next, shown in the footer meanwhile.
# In one mode a key cannot both act alone and start a sequence.
#
# A key this file binds replaces what it did in that mode; \"none\" unbinds it. Keys the file
# does not name keep their defaults, below. In the query line, characters no key binds are typed.
#
# The actions:
";

fn keys_section(out: &mut String, config: &Config) {
    out.push_str(KEYS_INTRO);
    let names: Vec<(String, Action)> = Action::iter()
        .filter_map(|a| Some((a.config_name()?, a)))
        .collect();
    let width = names.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    // Descriptions wrap under themselves, so the file reads at 100 columns.
    let room = 100usize.saturating_sub(width + 6).max(20);
    for (name, action) in &names {
        for (i, line) in crate::text::wrap(&action.description(), room)
            .iter()
            .enumerate()
        {
            let name = if i == 0 { name.as_str() } else { "" };
            let _ = writeln!(out, "#   {name:width$}  {line}");
        }
    }
    for scope in Scope::ALL {
        let _ = write!(out, "\n[keys.{}]\n", scope.name());
        for binding in config.keymap.bindings() {
            if !Scope::covering(&binding.modes).contains(&scope) {
                continue;
            }
            let Some(name) = binding.action.config_name() else {
                continue;
            };
            for keys in &binding.keys {
                let _ = writeln!(out, "{} = {}", quoted(&keys.to_string()), quoted(&name));
            }
        }
    }
}

/// `text` as a TOML string, escaped as TOML escapes it.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn list_section(out: &mut String, config: &Config) {
    let list = &config.list;
    let sorts: Vec<&str> = SORTS.iter().map(|s| s.label()).collect();
    let all: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
    let columns: Vec<String> = list.columns.iter().map(|c| quoted(c.name())).collect();
    let dates: Vec<&str> = DateStyle::ALL.iter().map(|d| d.name()).collect();
    let _ = write!(
        out,
        "
[list]
# The order the list starts in, one of:
#   {}.
# Relevance is the best match first while filtering, and the newest first otherwise; `s`
# cycles on from here.
sort = {}
# Every order the other way round: oldest first, lowest first, Z to A (the best match stays
# first).
reverse = {}
# The short columns beside the titles, in the order they show; some or all of:
#   {}.
# Narrow panes drop the provider first, then heat and quality, and the date last.
columns = [{}]
# How the date column writes a card's time: {} (how long ago: 3h, 2d, 5mo),
# {} (the day: 2024-03-08), or {}.
dates = {}
",
        sorts.join(", "),
        quoted(list.sort.label()),
        list.reverse,
        all.join(", "),
        columns.join(", "),
        dates[0],
        dates[1],
        dates[2],
        quoted(list.dates.name()),
    );
}

fn filter_section(out: &mut String, config: &Config) {
    let filter = &config.filter;
    let all: Vec<&str> = Place::ALL.iter().map(|p| p.name()).collect();
    let fields: Vec<String> = filter
        .fields
        .list()
        .iter()
        .map(|p| quoted(p.name()))
        .collect();
    let _ = write!(
        out,
        "
[filter]
# Where plain terms (those without a scope such as title:) look; some or all of:
#   {}.
# `tidings search` reads this table too, so it finds what the reader finds.
fields = [{}]
# How plain terms match: {} (the start of a word, typos forgiven when few cards match) or
# {} (the letters in order, scattered through the title, as fzf matches).
match = {}
",
        all.join(", "),
        fields.join(", "),
        Matching::Words.name(),
        Matching::Fuzzy.name(),
        quoted(filter.matching.name()),
    );
}

fn theme_section(out: &mut String, config: &Config) {
    let theme = config.theme.theme(None);
    let _ = write!(
        out,
        "
[theme]
# The built-in theme: dark, light or monochrome. NO_COLOR (set and not empty) chooses
# monochrome whatever this says.
name = {:?}

# Changes to the theme's styles, by name. Each takes any of: fg and bg (a colour name such as
# \"red\", \"lightblue\" or \"darkgray\", \"#rrggbb\", or a 256-colour index 0-255), and bold, dim,
# italic, underline and reversed (true or false). Under NO_COLOR only the modifiers apply.
# The examples show each style as the {} theme draws it.
[theme.styles]
",
        config.theme.name.as_str(),
        config.theme.name.as_str(),
    );
    let styles = theme.styles();
    for ((name, doc), (_, style)) in STYLE_DOCS.iter().zip(styles) {
        let _ = writeln!(out, "# {doc}\n# {name} = {}", inline_style(style));
    }
}

/// A style as an inline table of the keys an override takes.
fn inline_style(style: Style) -> String {
    let mut parts = Vec::new();
    for (key, color) in [("fg", style.fg), ("bg", style.bg)] {
        if let Some(color) = color {
            parts.push(format!("{key} = {}", color_value(color)));
        }
    }
    for (key, modifier) in [
        ("bold", Modifier::BOLD),
        ("dim", Modifier::DIM),
        ("italic", Modifier::ITALIC),
        ("underline", Modifier::UNDERLINED),
        ("reversed", Modifier::REVERSED),
    ] {
        if style.add_modifier.contains(modifier) {
            parts.push(format!("{key} = true"));
        }
    }
    if parts.is_empty() {
        "{}".to_string()
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

/// A colour as the file writes it: a name, `#rrggbb`, or an index.
pub(crate) fn color_value(color: Color) -> String {
    let name = match color {
        Color::Indexed(i) => return i.to_string(),
        Color::Rgb(r, g, b) => return format!("\"#{r:02x}{g:02x}{b:02x}\""),
        Color::Reset => "reset",
        Color::Black => "black",
        Color::Red => "red",
        Color::Green => "green",
        Color::Yellow => "yellow",
        Color::Blue => "blue",
        Color::Magenta => "magenta",
        Color::Cyan => "cyan",
        Color::Gray => "gray",
        Color::DarkGray => "darkgray",
        Color::LightRed => "lightred",
        Color::LightGreen => "lightgreen",
        Color::LightYellow => "lightyellow",
        Color::LightBlue => "lightblue",
        Color::LightMagenta => "lightmagenta",
        Color::LightCyan => "lightcyan",
        Color::White => "white",
    };
    format!("\"{name}\"")
}

fn open_section(out: &mut String) {
    out.push_str(
        "
[open]
# The program `o` opens a URL with, and its arguments: \"{url}\" stands for the URL (without it,
# the URL comes last). It is run directly, never through a shell. Unset: each command of
# $BROWSER, then the platform's opener (xdg-open, open).
# command = [\"w3m\", \"{url}\"]
# Whether that program draws in this terminal, the reader stepping aside until it ends.
# Unset: true for known terminal browsers (w3m, lynx, links, elinks, browsh, carbonyl).
# terminal = true
# A program `y` gives the URL to, on its standard input, instead of asking the terminal to
# copy it (OSC 52, which some terminals refuse). Run directly, never through a shell.
# copy = [\"wl-copy\"]
",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn colours_are_written_as_they_read_back() {
        for color in [
            Color::Indexed(130),
            Color::Rgb(1, 0xab, 0xff),
            Color::DarkGray,
            Color::LightMagenta,
            Color::Reset,
        ] {
            let written = color_value(color);
            let read = match written.parse::<u8>() {
                Ok(i) => Color::Indexed(i),
                Err(_) => Color::from_str(written.trim_matches('"')).expect("a colour"),
            };
            assert_eq!(read, color, "{written}");
        }
    }
}
