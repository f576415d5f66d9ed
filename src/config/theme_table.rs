//! The `[theme]` table: a built-in theme by name, and `[theme.styles]` overriding named styles
//! with colours (names, `#rrggbb`, 256-colour indexes) and modifiers.

use std::str::FromStr;

use ratatui::style::Color;
use toml::de::{DeTable, DeValue};

use super::error::Problems;
use super::theme::{STYLE_DOCS, StyleOverride, ThemeConfig, ThemeName};
use super::value::{self, TomlValue, entries};

const KEYS: [&str; 2] = ["name", "styles"];
const STYLE_KEYS: [&str; 7] = ["fg", "bg", "bold", "dim", "italic", "underline", "reversed"];
const COLOR: &str = "a colour: a name (red, lightblue, darkgray, reset...), \"#rrggbb\", or a \
                     256-colour index 0-255";

/// Reads `[theme]`; what is wrong goes to `problems` and leaves that part at its default.
pub(crate) fn read(table: &DeTable<'_>, problems: &mut Problems) -> ThemeConfig {
    let mut config = ThemeConfig::default();
    for (key, value) in entries(table) {
        match key.get_ref().as_ref() {
            "name" => {
                let expected = "a theme's name: dark, light or monochrome";
                let Some(name) = value::string(value, "[theme] name", expected, problems) else {
                    continue;
                };
                match ThemeName::from_str(name) {
                    Ok(name) => config.name = name,
                    Err(e) => problems.add(value.span(), e.to_string()),
                }
            }
            "styles" => {
                if let Some(styles) = value::table(value, "[theme.styles]", problems) {
                    config.styles = read_styles(styles, problems);
                }
            }
            _ => value::unknown_key(problems, key, "[theme]", &KEYS),
        }
    }
    config
}

fn read_styles(table: &DeTable<'_>, problems: &mut Problems) -> Vec<(String, StyleOverride)> {
    let names: Vec<&str> = STYLE_DOCS.iter().map(|(n, _)| *n).collect();
    let mut out = Vec::new();
    for (key, value) in entries(table) {
        let name = key.get_ref().as_ref();
        if !ThemeConfig::is_style(name) {
            value::unknown_key(problems, key, "[theme.styles]", &names);
            continue;
        }
        let what = format!("[theme.styles] {name}");
        let Some(parts) = value::table(value, &what, problems) else {
            continue;
        };
        out.push((name.to_string(), read_override(parts, &what, problems)));
    }
    out
}

fn read_override(table: &DeTable<'_>, place: &str, problems: &mut Problems) -> StyleOverride {
    let mut over = StyleOverride::default();
    for (key, value) in entries(table) {
        let part = key.get_ref().as_ref();
        let what = format!("{place}.{part}");
        match part {
            "fg" => over.fg = color(value, &what, problems),
            "bg" => over.bg = color(value, &what, problems),
            "bold" => over.bold = value::boolean(value, &what, problems),
            "dim" => over.dim = value::boolean(value, &what, problems),
            "italic" => over.italic = value::boolean(value, &what, problems),
            "underline" => over.underline = value::boolean(value, &what, problems),
            "reversed" => over.reversed = value::boolean(value, &what, problems),
            _ => value::unknown_key(problems, key, place, &STYLE_KEYS),
        }
    }
    over
}

/// A colour: a name or `#rrggbb` as a string, or an index as an integer (or a string of one).
fn color(value: &TomlValue<'_>, what: &str, problems: &mut Problems) -> Option<Color> {
    match value.get_ref() {
        DeValue::Integer(_) => {
            value::integer::<u8>(value, what, COLOR, problems).map(Color::Indexed)
        }
        DeValue::String(s) => match Color::from_str(s) {
            Ok(color) => Some(color),
            Err(_) => {
                problems.add(value.span(), format!("{what}: {s:?} is not {COLOR}"));
                None
            }
        },
        _ => {
            value::wrong_type(problems, value, what, COLOR);
            None
        }
    }
}
