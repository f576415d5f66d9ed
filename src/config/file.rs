//! The configuration file: where it is, reading it, and turning its TOML into a [`Config`]
//! over the defaults. Every problem is collected with its line and column, so one reading names
//! them all; a file with any problem is not used.
//!
//! Where it is: `--config PATH`, else `$TIDINGS_CONFIG`, else `$XDG_CONFIG_HOME/tidings/config.toml`,
//! else `~/.config/tidings/config.toml`. A file named by the flag or the variable must exist; one
//! in the usual place may be absent, and then the defaults apply.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::error::{ConfigError, LoadError, Problems};
use super::value::{self, entries};
use super::{Config, Keymap, filter, keys_table, list, merge, open, theme_table};

/// The file is a few kilobytes; anything much larger is not a configuration.
const MAX_BYTES: u64 = 1 << 20;

/// The sections a file may have.
const SECTIONS: [&str; 5] = ["filter", "keys", "list", "open", "theme"];

/// Who chose the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `--config PATH`.
    Flag,
    /// `$TIDINGS_CONFIG`.
    Env,
    /// The usual place under the configuration folder: it may be absent.
    Standard,
}

/// Where the configuration is read from, and why there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub origin: Origin,
}

/// The environment variables that decide where the file is.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub tidings_config: Option<OsString>,
    pub xdg_config_home: Option<OsString>,
    pub home: Option<OsString>,
}

impl Env {
    pub fn current() -> Env {
        Env {
            tidings_config: std::env::var_os("TIDINGS_CONFIG"),
            xdg_config_home: std::env::var_os("XDG_CONFIG_HOME"),
            home: std::env::var_os("HOME"),
        }
    }
}

/// Where the file is, or `None` when there is nowhere to look (no `$HOME`). Empty variables
/// count as unset, and a relative `$XDG_CONFIG_HOME` is ignored, as the XDG specification says.
pub fn locate(flag: Option<&Path>, env: &Env) -> Option<Location> {
    let set = |v: &Option<OsString>| v.clone().filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = flag {
        return Some(Location {
            path: path.to_path_buf(),
            origin: Origin::Flag,
        });
    }
    if let Some(path) = set(&env.tidings_config) {
        return Some(Location {
            path,
            origin: Origin::Env,
        });
    }
    let base = set(&env.xdg_config_home)
        .filter(|p| p.is_absolute())
        .or_else(|| set(&env.home).map(|home| home.join(".config")))?;
    Some(Location {
        path: base.join("tidings").join("config.toml"),
        origin: Origin::Standard,
    })
}

/// The configuration at `location`: the defaults when there is no location or the usual file
/// is absent.
pub fn load(location: Option<&Location>) -> Result<Config, LoadError> {
    let Some(location) = location else {
        return Ok(Config::default());
    };
    let bytes = match read_bytes(&location.path) {
        Ok(bytes) => bytes,
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound && location.origin == Origin::Standard =>
        {
            return Ok(Config::default());
        }
        Err(e) => {
            return Err(LoadError::Unreadable {
                path: location.path.clone(),
                reason: e.to_string(),
            });
        }
    };
    let invalid = |errors| LoadError::Invalid {
        path: location.path.clone(),
        errors,
    };
    match String::from_utf8(bytes) {
        Ok(text) => parse(&text, &location.path).map_err(invalid),
        Err(e) => {
            // Where the text stops being UTF-8, counted in the part that is.
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&bytes[..at]);
            let mut problems = Problems::default();
            problems.add(
                valid.len()..valid.len(),
                format!(
                    "not UTF-8 text (byte 0x{:02X}); a configuration file is UTF-8",
                    bytes[at]
                ),
            );
            Err(invalid(problems.into_errors(&location.path, &valid)))
        }
    }
}

/// The file's bytes. Only a regular file is opened, so a FIFO at the path cannot block the
/// reader before it starts.
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_BYTES {
        return Err(std::io::Error::other(format!(
            "{} bytes; a configuration file is at most {MAX_BYTES}",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    File::open(path)?.take(MAX_BYTES).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A configuration file's text over the defaults, or every problem in it. `path` names the
/// file in the errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, Vec<ConfigError>> {
    let mut problems = Problems::default();
    // Past a syntax error the parser recovers what it can, so the rest is checked too.
    let (document, syntax) = DeTable::parse_recoverable(text);
    for error in syntax {
        let message = error.message().trim().replace('\n', "; ");
        problems.add(error.span().unwrap_or(0..0), format!("TOML: {message}"));
    }
    let config = read_document(document.get_ref(), &mut problems);
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems.into_errors(path, text))
    }
}

fn read_document(document: &DeTable<'_>, problems: &mut Problems) -> Config {
    let mut config = Config::default();
    let mut bindings = Vec::new();
    for (key, value) in entries(document) {
        let name = key.get_ref().as_ref();
        let what = format!("[{name}]");
        match name {
            "keys" => {
                if let Some(table) = value::table(value, &what, problems) {
                    bindings = keys_table::read(table, problems);
                }
            }
            "list" => {
                if let Some(table) = value::table(value, &what, problems) {
                    config.list = list::read(table, problems);
                }
            }
            "filter" => {
                if let Some(table) = value::table(value, &what, problems) {
                    config.filter = filter::read(table, problems);
                }
            }
            "open" => {
                if let Some(table) = value::table(value, &what, problems) {
                    config.open = open::read(table, problems);
                }
            }
            "theme" => {
                if let Some(table) = value::table(value, &what, problems) {
                    config.theme = theme_table::read(table, problems);
                }
            }
            _ => problems.add(
                key.span(),
                format!(
                    "no section {name:?}; expected one of: {}",
                    SECTIONS.join(", ")
                ),
            ),
        }
    }
    config.keymap = merge::keymap(&Keymap::default(), &bindings, problems);
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(tidings: &str, xdg: &str, home: &str) -> Env {
        let some = |s: &str| Some(OsString::from(s));
        Env {
            tidings_config: some(tidings),
            xdg_config_home: some(xdg),
            home: some(home),
        }
    }

    #[test]
    fn the_flag_then_the_variable_then_xdg_then_home() {
        let path = |l: Option<Location>| l.map(|l| (l.path, l.origin));
        assert_eq!(
            path(locate(
                Some(Path::new("f.toml")),
                &env("t.toml", "/x", "/h")
            )),
            Some((PathBuf::from("f.toml"), Origin::Flag))
        );
        assert_eq!(
            path(locate(None, &env("t.toml", "/x", "/h"))),
            Some((PathBuf::from("t.toml"), Origin::Env))
        );
        assert_eq!(
            path(locate(None, &env("", "/x", "/h"))),
            Some((PathBuf::from("/x/tidings/config.toml"), Origin::Standard))
        );
        // A relative XDG_CONFIG_HOME is invalid and ignored.
        assert_eq!(
            path(locate(None, &env("", "rel", "/h"))),
            Some((
                PathBuf::from("/h/.config/tidings/config.toml"),
                Origin::Standard
            ))
        );
        assert_eq!(path(locate(None, &env("", "", ""))), None);
    }

    #[test]
    fn an_absent_file_is_the_defaults_only_in_the_usual_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("none.toml");
        let at = |origin| Location {
            path: missing.clone(),
            origin,
        };
        assert_eq!(
            load(Some(&at(Origin::Standard))).ok(),
            Some(Config::default())
        );
        for origin in [Origin::Flag, Origin::Env] {
            assert!(matches!(
                load(Some(&at(origin))),
                Err(LoadError::Unreadable { .. })
            ));
        }
        // A folder is not a file.
        assert!(matches!(
            load(Some(&Location {
                path: dir.path().to_path_buf(),
                origin: Origin::Standard
            })),
            Err(LoadError::Unreadable { .. })
        ));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_problem_with_a_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("latin1.toml");
        std::fs::write(&path, b"[theme]\nname = \"caf\xe9\"\n").expect("write");
        let location = Location {
            path: path.clone(),
            origin: Origin::Flag,
        };
        match load(Some(&location)) {
            Err(LoadError::Invalid { errors, .. }) => {
                assert_eq!(errors.len(), 1);
                assert_eq!((errors[0].line, errors[0].column), (2, 12));
                assert!(errors[0].message.contains("0xE9"), "{}", errors[0].message);
            }
            other => panic!("{other:?}"),
        }
    }
}
