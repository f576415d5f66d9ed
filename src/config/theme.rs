//! The reader's look as data: a [`Theme`] is a set of named styles that drawing takes by name,
//! so a theme can change every colour without touching a line of drawing code. Three are built
//! in: `dark` (the default), `light` (for a white background) and `monochrome`, which `NO_COLOR`
//! chooses and which uses modifiers only (bold, reversed, underline, dim), so that every style
//! still says what it means without colour.

use std::ffi::OsStr;
use std::fmt;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

/// The built-in themes, by the names a configuration uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    Monochrome,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Monochrome];

    /// The theme when none is chosen: monochrome when `NO_COLOR` is set to anything but the
    /// empty string (no-color.org), else dark.
    pub(crate) fn default_for(no_color: Option<&OsStr>) -> ThemeName {
        match no_color {
            Some(value) if !value.is_empty() => ThemeName::Monochrome,
            _ => ThemeName::Dark,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Monochrome => "monochrome",
        }
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a name is not a theme's.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("no theme named {0:?} (dark, light, monochrome)")]
pub struct UnknownTheme(pub String);

impl FromStr for ThemeName {
    type Err = UnknownTheme;

    fn from_str(s: &str) -> Result<ThemeName, UnknownTheme> {
        ThemeName::ALL
            .into_iter()
            .find(|name| name.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownTheme(s.to_string()))
    }
}

/// Every style the reader draws with, by what it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    /// Whether the styles use colour. Without it, a few marks add a word (the related pane's
    /// `in`, `out`, `by`), so that nothing rests on telling hues apart.
    pub color: bool,
    /// Ordinary text.
    pub text: Style,
    /// Titles, counts, the keys in help and the footer.
    pub strong: Style,
    /// Metadata: providers, ages, labels, the footer's words.
    pub dim: Style,
    /// A row of the list or the related pane.
    pub row: Style,
    /// The selected row of the focused pane.
    pub selected: Style,
    /// The selected row of a pane without the focus: quieter, so the eye finds the focus.
    pub selected_unfocused: Style,
    /// Characters of a title the filter matched.
    pub matched: Style,
    pub warning: Style,
    pub error: Style,
    /// A pane's frame.
    pub border: Style,
    /// The frame of the pane with the focus (also drawn thick, which shows without colour).
    pub border_focused: Style,
    /// The title of the pane with the focus.
    pub title: Style,
    /// A URL, and a related entry that stays inside the corpus.
    pub link: Style,
    /// The mark beside the URL `open_url` opens.
    pub link_mark: Style,
    /// Section headers of the detail pane and help.
    pub heading: Style,
    /// The status row under the panes.
    pub status: Style,
    /// The filled part of the loading bar.
    pub progress: Style,
    /// The cursor of the query line.
    pub cursor: Style,
    /// A row of a card not read yet: bold where colours are on (without them bold is the
    /// unfocused selection's, and the unread mark says it).
    pub unread: Style,
    /// The unread and starred marks beside a title.
    pub mark: Style,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::named(ThemeName::Dark)
    }
}

const fn fg(color: Color) -> Style {
    Style::new().fg(color)
}

const fn modifier(m: Modifier) -> Style {
    Style::new().add_modifier(m)
}

impl Theme {
    pub fn named(name: ThemeName) -> Theme {
        match name {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::Monochrome => Theme::monochrome(),
        }
    }

    /// Light text on a dark background: the ANSI colours terminals tune for it.
    fn dark() -> Theme {
        let accent = Color::Cyan;
        Theme {
            name: ThemeName::Dark,
            color: true,
            matched: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            warning: fg(Color::Yellow),
            error: fg(Color::Red).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(Color::DarkGray),
            border_focused: fg(accent).add_modifier(Modifier::BOLD),
            link: fg(accent),
            link_mark: fg(accent).add_modifier(Modifier::BOLD),
            heading: fg(accent).add_modifier(Modifier::BOLD),
            progress: fg(accent),
            unread: modifier(Modifier::BOLD),
            mark: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ..Theme::monochrome()
        }
    }

    /// Dark text on a white background: no yellow or cyan, which fade on white, and a pale
    /// grey behind the unfocused selection so the text on it stays dark.
    fn light() -> Theme {
        let accent = Color::Blue;
        Theme {
            name: ThemeName::Light,
            color: true,
            matched: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            // 256-colour dark orange: the 16 ANSI colours have no warning colour readable on
            // white.
            warning: fg(Color::Indexed(130)),
            error: fg(Color::Red).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(Color::Indexed(253)),
            border_focused: fg(accent).add_modifier(Modifier::BOLD),
            link: fg(accent),
            link_mark: fg(accent).add_modifier(Modifier::BOLD),
            heading: fg(accent).add_modifier(Modifier::BOLD),
            progress: fg(accent),
            unread: modifier(Modifier::BOLD),
            mark: fg(Color::Magenta).add_modifier(Modifier::BOLD),
            ..Theme::monochrome()
        }
    }

    /// Modifiers only. Each style keeps its meaning: the selection is reversed where the focus
    /// is and bold elsewhere, matches are bold and underlined, errors bold, warnings
    /// underlined, headings and the link mark bold, metadata dim.
    fn monochrome() -> Theme {
        Theme {
            name: ThemeName::Monochrome,
            color: false,
            text: Style::new(),
            strong: modifier(Modifier::BOLD),
            dim: modifier(Modifier::DIM),
            row: Style::new(),
            selected: modifier(Modifier::REVERSED),
            selected_unfocused: modifier(Modifier::BOLD),
            matched: modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
            warning: modifier(Modifier::UNDERLINED),
            error: modifier(Modifier::BOLD),
            border: modifier(Modifier::DIM),
            border_focused: modifier(Modifier::BOLD),
            title: modifier(Modifier::BOLD),
            link: Style::new(),
            link_mark: modifier(Modifier::BOLD),
            heading: modifier(Modifier::BOLD),
            status: Style::new(),
            progress: Style::new(),
            cursor: modifier(Modifier::REVERSED),
            unread: Style::new(),
            mark: modifier(Modifier::BOLD),
        }
    }

    /// The style of a field by its name, for a configuration's overrides.
    fn style_mut(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "text" => &mut self.text,
            "strong" => &mut self.strong,
            "dim" => &mut self.dim,
            "row" => &mut self.row,
            "selected" => &mut self.selected,
            "selected_unfocused" => &mut self.selected_unfocused,
            "matched" => &mut self.matched,
            "warning" => &mut self.warning,
            "error" => &mut self.error,
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            "title" => &mut self.title,
            "link" => &mut self.link,
            "link_mark" => &mut self.link_mark,
            "heading" => &mut self.heading,
            "status" => &mut self.status,
            "progress" => &mut self.progress,
            "cursor" => &mut self.cursor,
            "unread" => &mut self.unread,
            "mark" => &mut self.mark,
            _ => return None,
        })
    }

    /// Every style with its field's name, for checks over the whole theme.
    pub fn styles(&self) -> [(&'static str, Style); 20] {
        [
            ("text", self.text),
            ("strong", self.strong),
            ("dim", self.dim),
            ("row", self.row),
            ("selected", self.selected),
            ("selected_unfocused", self.selected_unfocused),
            ("matched", self.matched),
            ("warning", self.warning),
            ("error", self.error),
            ("border", self.border),
            ("border_focused", self.border_focused),
            ("title", self.title),
            ("link", self.link),
            ("link_mark", self.link_mark),
            ("heading", self.heading),
            ("status", self.status),
            ("progress", self.progress),
            ("cursor", self.cursor),
            ("unread", self.unread),
            ("mark", self.mark),
        ]
    }
}

/// What each style is for, in the order of [`Theme::styles`]: the default configuration file
/// writes these beside the style names.
pub const STYLE_DOCS: [(&str, &str); 20] = [
    ("text", "Ordinary text."),
    ("strong", "Titles, counts, the keys in help and the footer."),
    (
        "dim",
        "Metadata: providers, ages, labels, the footer's words.",
    ),
    ("row", "A row of the list or the related pane."),
    ("selected", "The selected row of the focused pane."),
    (
        "selected_unfocused",
        "The selected row of a pane without the focus.",
    ),
    ("matched", "Characters of a title the filter matched."),
    ("warning", "Warnings: a card loaded without a field."),
    ("error", "Errors: a file skipped, a link refused."),
    ("border", "A pane's frame."),
    ("border_focused", "The frame of the pane with the focus."),
    ("title", "The title of the pane with the focus."),
    ("link", "A URL, and a related entry inside the corpus."),
    ("link_mark", "The mark beside the URL `o` opens."),
    ("heading", "Section headers of the detail pane and help."),
    ("status", "The status row under the panes."),
    ("progress", "The filled part of the loading bar."),
    ("cursor", "The cursor of the query line."),
    (
        "unread",
        "A row of a card not read yet (bold where colours are on).",
    ),
    (
        "mark",
        "The unread `•` and starred `★` marks beside a title.",
    ),
];

/// A change to one named style: each part given replaces the theme's, the rest stay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StyleOverride {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: Option<bool>,
    pub dim: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub reversed: Option<bool>,
}

impl StyleOverride {
    /// `style` with this override's parts; without colour (`NO_COLOR`), the colours are left
    /// out and only the modifiers apply.
    fn apply(&self, style: Style, color: bool) -> Style {
        let mut style = style;
        if color {
            if let Some(fg) = self.fg {
                style = style.fg(fg);
            }
            if let Some(bg) = self.bg {
                style = style.bg(bg);
            }
        }
        for (on, modifier) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            style = match on {
                Some(true) => style.add_modifier(modifier),
                Some(false) => style.remove_modifier(modifier),
                None => style,
            };
        }
        style
    }
}

/// The theme a configuration asks for: a built-in one by name, and overrides of its styles.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemeConfig {
    pub name: ThemeName,
    /// Style name (one of [`STYLE_DOCS`]) and its override, in the file's order.
    pub styles: Vec<(String, StyleOverride)>,
}

impl ThemeConfig {
    /// Whether `name` is a style an override can name.
    pub(crate) fn is_style(name: &str) -> bool {
        STYLE_DOCS.iter().any(|(n, _)| *n == name)
    }

    /// The theme to draw with. `NO_COLOR` (set and not empty) wins over the configuration: the
    /// monochrome theme, with the overrides' modifiers but none of their colours.
    pub fn theme(&self, no_color: Option<&OsStr>) -> Theme {
        let name = match ThemeName::default_for(no_color) {
            ThemeName::Monochrome => ThemeName::Monochrome,
            _ => self.name,
        };
        let mut theme = Theme::named(name);
        let color = theme.color;
        for (style, over) in &self.styles {
            if let Some(target) = theme.style_mut(style) {
                *target = over.apply(*target, color);
            }
        }
        theme
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_chooses_monochrome_unless_empty() {
        assert_eq!(ThemeName::default_for(None), ThemeName::Dark);
        assert_eq!(
            ThemeName::default_for(Some(OsStr::new(""))),
            ThemeName::Dark
        );
        assert_eq!(
            ThemeName::default_for(Some(OsStr::new("1"))),
            ThemeName::Monochrome
        );
    }

    /// The styles a reader tells apart by what they mean differ in every theme, so that
    /// monochrome keeps every meaning the colours give.
    #[test]
    fn meanings_stay_apart_in_every_theme() {
        for name in ThemeName::ALL {
            let t = Theme::named(name);
            let rows = [t.row, t.selected, t.selected_unfocused];
            for (i, a) in rows.iter().enumerate() {
                assert!(!rows[i + 1..].contains(a), "{name}: rows alike");
            }
            for (what, style) in [
                ("strong", t.strong),
                ("dim", t.dim),
                ("matched", t.matched),
                ("warning", t.warning),
                ("error", t.error),
                ("link_mark", t.link_mark),
                ("heading", t.heading),
                ("cursor", t.cursor),
            ] {
                assert_ne!(style, t.text, "{name}: {what} looks like text");
            }
            assert_ne!(t.warning, t.error, "{name}");
            assert_ne!(t.border, t.border_focused, "{name}");
        }
    }

    #[test]
    fn monochrome_uses_modifiers_only() {
        for (field, style) in Theme::named(ThemeName::Monochrome).styles() {
            assert_eq!((style.fg, style.bg), (None, None), "{field}");
        }
    }

    /// The colour's usual RGB: xterm's defaults for the 16 named colours.
    fn rgb(color: Color) -> (u8, u8, u8) {
        const ANSI: [(u8, u8, u8); 16] = [
            (0, 0, 0),
            (205, 0, 0),
            (0, 205, 0),
            (205, 205, 0),
            (0, 0, 238),
            (205, 0, 205),
            (0, 205, 205),
            (229, 229, 229),
            (127, 127, 127),
            (255, 0, 0),
            (0, 255, 0),
            (255, 255, 0),
            (92, 92, 255),
            (255, 0, 255),
            (0, 255, 255),
            (255, 255, 255),
        ];
        let index = match color {
            Color::Rgb(r, g, b) => return (r, g, b),
            Color::Indexed(i) => i,
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
            Color::Reset => panic!("no colour"),
        };
        match index {
            0..=15 => ANSI[usize::from(index)],
            16..=231 => {
                let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
                let i = index - 16;
                (level(i / 36), level(i / 6 % 6), level(i % 6))
            }
            _ => {
                let v = 8 + 10 * (index - 232);
                (v, v, v)
            }
        }
    }

    /// WCAG contrast ratio of two colours.
    fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
        let luminance = |(r, g, b): (u8, u8, u8)| {
            let lin = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.04045 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// Text in the light theme reads on white, and dark text reads on its backgrounds (WCAG
    /// AA, 4.5:1), with the colours terminals use by default.
    #[test]
    fn the_light_theme_reads_on_white() {
        let white = (255, 255, 255);
        let black = (0, 0, 0);
        for (field, style) in Theme::named(ThemeName::Light).styles() {
            if let Some(fg) = style.fg {
                let ratio = contrast(rgb(fg), white);
                assert!(ratio >= 4.5, "{field}: {fg:?} on white is {ratio:.1}:1");
            }
            if let Some(bg) = style.bg {
                let ratio = contrast(black, rgb(bg));
                assert!(ratio >= 4.5, "{field}: text on {bg:?} is {ratio:.1}:1");
            }
        }
        // The dark theme's yellow and cyan would not.
        assert!(contrast(rgb(Color::Yellow), white) < 2.0);
        assert!(contrast(rgb(Color::Cyan), white) < 2.0);
    }

    #[test]
    fn names_read_back() {
        for name in ThemeName::ALL {
            assert_eq!(name.to_string().parse::<ThemeName>(), Ok(name));
            assert_eq!(Theme::named(name).name, name);
        }
        assert_eq!("Light".parse::<ThemeName>(), Ok(ThemeName::Light));
        assert!("solarized".parse::<ThemeName>().is_err());
    }

    #[test]
    fn style_docs_name_every_style_in_order() {
        let theme = Theme::default();
        let names: Vec<&str> = theme.styles().iter().map(|(n, _)| *n).collect();
        let documented: Vec<&str> = STYLE_DOCS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, documented);
        let mut theme = theme;
        for name in names {
            assert!(theme.style_mut(name).is_some(), "{name}");
        }
    }

    #[test]
    fn overrides_change_only_what_they_name() {
        let config = ThemeConfig {
            name: ThemeName::Light,
            styles: vec![(
                "selected".into(),
                StyleOverride {
                    fg: Some(Color::Indexed(208)),
                    bg: Some(Color::Rgb(0x12, 0x34, 0x56)),
                    reversed: Some(false),
                    italic: Some(true),
                    ..StyleOverride::default()
                },
            )],
        };
        let theme = config.theme(None);
        let light = Theme::named(ThemeName::Light);
        assert_eq!(theme.name, ThemeName::Light);
        assert_eq!(
            theme.selected,
            Style::new()
                .fg(Color::Indexed(208))
                .bg(Color::Rgb(0x12, 0x34, 0x56))
                .add_modifier(Modifier::ITALIC)
                .remove_modifier(Modifier::REVERSED)
        );
        assert_eq!(theme.text, light.text);
        assert_eq!(theme.error, light.error);
    }

    #[test]
    fn no_color_wins_over_the_configuration() {
        let config = ThemeConfig {
            name: ThemeName::Dark,
            styles: vec![(
                "error".into(),
                StyleOverride {
                    fg: Some(Color::Red),
                    underline: Some(true),
                    ..StyleOverride::default()
                },
            )],
        };
        let theme = config.theme(Some(OsStr::new("1")));
        assert_eq!(theme.name, ThemeName::Monochrome);
        assert_eq!(theme.error.fg, None);
        assert!(theme.error.add_modifier.contains(Modifier::UNDERLINED));
        assert_eq!(config.theme(Some(OsStr::new(""))).name, ThemeName::Dark);
    }
}
