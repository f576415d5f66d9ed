//! What a person may change about the reader, as data: the keymap (keys -> actions, with the
//! labels help shows written from the keys), the theme (named styles), how URLs are opened and
//! copied, how the list starts and looks, and the configuration file that sets them over the
//! built-in defaults.

pub mod error;
pub mod file;
pub mod filter;
pub mod key;
pub mod keymap;
mod keys_table;
pub mod list;
mod merge;
pub mod open;
pub mod template;
pub mod theme;
mod theme_table;
mod value;

pub use error::{ConfigError, LoadError};
pub use filter::{FilterOptions, Matching};
pub use key::{Key, KeyError, KeySeq};
pub use keymap::{Binding, Keymap, Mode, Resolved, Scope, Section};
pub use list::{Column, DateStyle, ListOptions};
pub use open::OpenConfig;
pub use theme::{StyleOverride, Theme, ThemeConfig, ThemeName};

/// Everything a configuration file sets; `Config::default()` is the reader without one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub keymap: Keymap,
    pub theme: ThemeConfig,
    pub open: OpenConfig,
    pub list: ListOptions,
    pub filter: FilterOptions,
}
