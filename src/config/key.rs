//! One key as a keymap names it: a code and the modifiers held, read from and written as the
//! short names a keymap uses (`ctrl-d`, `shift-tab`, `pgdn`, `G`, `?`), on top of crokey's key
//! combinations. What help and the README show is what a keymap file would say.

use std::fmt;
use std::str::FromStr;

use crokey::KeyCombination;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key a binding can name, always in one canonical form so that a key typed and the same key
/// written in a keymap compare equal:
/// - Shift is part of a character (`G`, `?`), never a flag beside it, because terminals
///   disagree on whether they report it with the character;
/// - Shift-Tab is `BackTab` with Shift, however the terminal sends it;
/// - one key code: terminals without the kitty protocol cannot report chords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key(KeyCombination);

/// Why a string does not name a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{text:?} is not a key: {reason}")]
pub struct KeyError {
    pub text: String,
    pub reason: &'static str,
}

/// Modifier prefixes, in the order they are written.
const MODIFIERS: [(&str, KeyModifiers); 4] = [
    ("ctrl-", KeyModifiers::CONTROL),
    ("alt-", KeyModifiers::ALT),
    ("shift-", KeyModifiers::SHIFT),
    ("cmd-", KeyModifiers::SUPER),
];

impl Key {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        let mut modifiers = modifiers;
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char('\r' | '\n') => KeyCode::Enter,
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(shifted(c))
            }
            code => code,
        };
        match code {
            KeyCode::BackTab => modifiers.insert(KeyModifiers::SHIFT),
            KeyCode::Char(_) => modifiers.remove(KeyModifiers::SHIFT),
            _ => {}
        }
        Key(KeyCombination::one_key(code, modifiers))
    }

    pub fn code(&self) -> KeyCode {
        *self.0.codes.first()
    }

    pub fn modifiers(&self) -> KeyModifiers {
        self.0.modifiers
    }
}

/// The character Shift makes of `c`, where that is one character (`ß` stays itself).
fn shifted(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// A combination of several keys keeps its first, as crokey's own conversion to a key event
/// does: the keymap's defaults are written with `crokey::key!`, one key each.
impl From<KeyCombination> for Key {
    fn from(combination: KeyCombination) -> Key {
        Key::new(*combination.codes.first(), combination.modifiers)
    }
}

impl From<&KeyEvent> for Key {
    fn from(event: &KeyEvent) -> Key {
        Key::new(event.code, event.modifiers)
    }
}

impl FromStr for Key {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Key, KeyError> {
        let error = |reason| KeyError {
            text: text.to_string(),
            reason,
        };
        // The modifiers are split off here because crokey lower-cases the whole string, which
        // would lose what the case of a letter says: `G` is Shift-g.
        let mut rest = text.trim();
        let mut modifiers = KeyModifiers::NONE;
        while let Some((prefix, modifier)) = MODIFIERS.iter().find(|(prefix, _)| {
            rest.len() > prefix.len()
                && rest.is_char_boundary(prefix.len())
                && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
        }) {
            rest = &rest[prefix.len()..];
            modifiers.insert(*modifier);
        }
        let mut chars = rest.chars();
        let name = match (chars.next(), chars.next()) {
            (None, _) => return Err(error("no key named")),
            // crokey reads one-byte names only; other characters are keys of their own.
            (Some(c), None) if !c.is_ascii() => return Ok(Key::new(KeyCode::Char(c), modifiers)),
            (Some(c), None) if c.is_ascii_uppercase() => {
                modifiers.insert(KeyModifiers::SHIFT);
                c.to_ascii_lowercase().to_string()
            }
            _ => rest.to_ascii_lowercase(),
        };
        let name = match name.as_str() {
            "pgdn" => "pagedown",
            "pgup" => "pageup",
            other => other,
        };
        let prefix: String = MODIFIERS
            .iter()
            .filter(|(_, m)| modifiers.contains(*m))
            .map(|(p, _)| *p)
            .collect();
        let combination =
            crokey::parse(&format!("{prefix}{name}")).map_err(|_| error("unknown key name"))?;
        if !combination.is_ansi_compatible() {
            return Err(error("one key at a time: terminals cannot report chords"));
        }
        Ok(Key::from(combination))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code();
        for (prefix, modifier) in MODIFIERS {
            // BackTab's Shift is written in its name.
            let implied = modifier == KeyModifiers::SHIFT && code == KeyCode::BackTab;
            if self.modifiers().contains(modifier) && !implied {
                f.write_str(prefix)?;
            }
        }
        let name = match code {
            KeyCode::Char(' ') => "space",
            KeyCode::Char(c) => return write!(f, "{c}"),
            KeyCode::F(n) => return write!(f, "f{n}"),
            KeyCode::Enter => "enter",
            KeyCode::Esc => "esc",
            KeyCode::Tab => "tab",
            KeyCode::BackTab => "shift-tab",
            KeyCode::Backspace => "backspace",
            KeyCode::Delete => "del",
            KeyCode::Insert => "ins",
            KeyCode::Up => "up",
            KeyCode::Down => "down",
            KeyCode::Left => "left",
            KeyCode::Right => "right",
            KeyCode::Home => "home",
            KeyCode::End => "end",
            KeyCode::PageUp => "pgup",
            KeyCode::PageDown => "pgdn",
            // Keys no keymap can name (media keys, lone modifiers); still shown readably.
            other => return write!(f, "{}", format!("{other:?}").to_lowercase()),
        };
        f.write_str(name)
    }
}

/// What a binding is bound to: one key, or a sequence of two typed one after the other
/// (`g g`), written with a space between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySeq {
    first: Key,
    second: Option<Key>,
}

impl KeySeq {
    pub fn one(key: Key) -> KeySeq {
        KeySeq {
            first: key,
            second: None,
        }
    }

    pub fn two(first: Key, second: Key) -> KeySeq {
        KeySeq {
            first,
            second: Some(second),
        }
    }

    pub fn first(&self) -> Key {
        self.first
    }

    /// The second key of a sequence; `None` for one key.
    pub fn second(&self) -> Option<Key> {
        self.second
    }

    /// Whether this is the single key `key`.
    pub fn is(&self, key: Key) -> bool {
        self.first == key && self.second.is_none()
    }

    /// Whether one of the two is a single key the other starts with: a key cannot both act and
    /// wait for a second one.
    pub(crate) fn clashes_with(&self, other: &KeySeq) -> bool {
        self.first == other.first && self.second.is_some() != other.second.is_some()
    }
}

impl From<Key> for KeySeq {
    fn from(key: Key) -> KeySeq {
        KeySeq::one(key)
    }
}

impl From<KeyCombination> for KeySeq {
    fn from(combination: KeyCombination) -> KeySeq {
        KeySeq::one(Key::from(combination))
    }
}

impl FromStr for KeySeq {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<KeySeq, KeyError> {
        let mut keys = text.split_whitespace();
        let first: Key = keys.next().unwrap_or_default().parse()?;
        let second = keys.next().map(str::parse::<Key>).transpose()?;
        if keys.next().is_some() {
            return Err(KeyError {
                text: text.to_string(),
                reason: "a sequence is at most two keys",
            });
        }
        Ok(KeySeq { first, second })
    }
}

impl fmt::Display for KeySeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        if let Some(second) = self.second {
            write!(f, " {second}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crokey::key;

    fn parse(s: &str) -> Key {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn names_from_the_brief_parse() {
        let cases = [
            ("ctrl-d", KeyCode::Char('d'), KeyModifiers::CONTROL),
            ("shift-tab", KeyCode::BackTab, KeyModifiers::SHIFT),
            ("backtab", KeyCode::BackTab, KeyModifiers::SHIFT),
            ("alt-b", KeyCode::Char('b'), KeyModifiers::ALT),
            ("esc", KeyCode::Esc, KeyModifiers::NONE),
            ("enter", KeyCode::Enter, KeyModifiers::NONE),
            ("backspace", KeyCode::Backspace, KeyModifiers::NONE),
            ("pgdn", KeyCode::PageDown, KeyModifiers::NONE),
            ("PageUp", KeyCode::PageUp, KeyModifiers::NONE),
            ("up", KeyCode::Up, KeyModifiers::NONE),
            ("?", KeyCode::Char('?'), KeyModifiers::NONE),
            ("/", KeyCode::Char('/'), KeyModifiers::NONE),
            ("-", KeyCode::Char('-'), KeyModifiers::NONE),
            ("space", KeyCode::Char(' '), KeyModifiers::NONE),
            ("G", KeyCode::Char('G'), KeyModifiers::NONE),
            ("shift-g", KeyCode::Char('G'), KeyModifiers::NONE),
            ("Ctrl-Shift-x", KeyCode::Char('X'), KeyModifiers::CONTROL),
            ("ctrl-G", KeyCode::Char('G'), KeyModifiers::CONTROL),
            ("shift-up", KeyCode::Up, KeyModifiers::SHIFT),
            ("é", KeyCode::Char('é'), KeyModifiers::NONE),
            ("alt-É", KeyCode::Char('É'), KeyModifiers::ALT),
            ("f5", KeyCode::F(5), KeyModifiers::NONE),
        ];
        for (text, code, modifiers) in cases {
            assert_eq!(parse(text), Key::new(code, modifiers), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        for text in ["", "ctrl-", "pgdown", "a-b", "ctrl-foo", "  "] {
            let err = text.parse::<Key>().expect_err(text);
            assert_eq!(err.text, text);
        }
    }

    #[test]
    fn written_names_are_short_and_read_back() {
        let cases = [
            (key!(ctrl - d), "ctrl-d"),
            (key!(shift - tab), "shift-tab"),
            (key!(backtab), "shift-tab"),
            (key!(alt - b), "alt-b"),
            (key!(pagedown), "pgdn"),
            (key!(pageup), "pgup"),
            (key!(shift - g), "G"),
            (key!(space), "space"),
            (key!(del), "del"),
            (key!('?'), "?"),
            (key!(ctrl - alt - shift - up), "ctrl-alt-shift-up"),
        ];
        for (combination, want) in cases {
            let key = Key::from(combination);
            assert_eq!(key.to_string(), want);
            assert_eq!(parse(want), key, "{want}");
        }
    }

    #[test]
    fn typed_keys_meet_written_ones() {
        let typed = |code, modifiers| Key::from(&KeyEvent::new(code, modifiers));
        // Terminals send Shift with an upper-case letter or a symbol, or not.
        assert_eq!(typed(KeyCode::Char('G'), KeyModifiers::SHIFT), parse("G"));
        assert_eq!(typed(KeyCode::Char('G'), KeyModifiers::NONE), parse("G"));
        assert_eq!(typed(KeyCode::Char('?'), KeyModifiers::SHIFT), parse("?"));
        assert_eq!(
            typed(KeyCode::BackTab, KeyModifiers::NONE),
            parse("shift-tab")
        );
        assert_eq!(
            typed(KeyCode::BackTab, KeyModifiers::SHIFT),
            parse("shift-tab")
        );
        assert_eq!(
            typed(KeyCode::Char('\r'), KeyModifiers::NONE),
            parse("enter")
        );
        assert_ne!(typed(KeyCode::Char('g'), KeyModifiers::NONE), parse("G"));
    }

    #[test]
    fn sequences_are_two_keys_with_a_space() {
        let seq: KeySeq = "g g".parse().expect("a sequence");
        assert_eq!(seq, KeySeq::two(parse("g"), parse("g")));
        assert_eq!(seq.to_string(), "g g");
        let seq: KeySeq = " ctrl-x   ctrl-e ".parse().expect("a sequence");
        assert_eq!(seq.to_string(), "ctrl-x ctrl-e");
        assert_eq!("G".parse::<KeySeq>(), Ok(KeySeq::one(parse("G"))));
        assert!("g g g".parse::<KeySeq>().is_err());
        assert!("".parse::<KeySeq>().is_err());
        assert!("g nokey".parse::<KeySeq>().is_err());
        let g = KeySeq::one(parse("g"));
        assert!(g.clashes_with(&"g x".parse().expect("a sequence")));
        assert!(!g.clashes_with(&"h x".parse().expect("a sequence")));
        assert!(!g.clashes_with(&g));
    }
}
