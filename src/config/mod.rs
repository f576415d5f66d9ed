//! What a person may change about the reader, as data: the keymap (keys -> actions, with the
//! labels help shows written from the keys) and the theme (named styles). Built-in defaults
//! for now; a configuration file can later merge over them.

pub mod key;
pub mod keymap;
pub mod theme;

pub use key::{Key, KeyError};
pub use keymap::{Binding, Keymap, Mode, Section};
pub use theme::{Theme, ThemeName};
