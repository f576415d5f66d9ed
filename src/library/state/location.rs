//! Where the state file is: `--state PATH`, else `$TIDINGS_STATE`, else
//! `$XDG_DATA_HOME/tidings/state.db` (`~/.local/share/tidings/state.db` when that is unset), or
//! nowhere with `--no-state`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that names the state file, below `--state` and above the default.
pub const ENV: &str = "TIDINGS_STATE";

/// Where reading state is read from and written to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// `--no-state`: nothing is read or written.
    Off,
    File(PathBuf),
}

/// Why there is no default place for the state file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no home folder to keep reading state in; give one with --state PATH or ${ENV}")]
pub struct NoHome;

/// The state file for these options, in the order of the module comment.
pub fn resolve(flag: Option<&Path>, off: bool) -> Result<Location, NoHome> {
    resolve_with(flag, off, std::env::var_os(ENV), default_path)
}

/// [`resolve`] with the variable and the default given, so tests need no environment.
pub(crate) fn resolve_with(
    flag: Option<&Path>,
    off: bool,
    env: Option<OsString>,
    default: impl FnOnce() -> Result<PathBuf, NoHome>,
) -> Result<Location, NoHome> {
    if off {
        return Ok(Location::Off);
    }
    if let Some(path) = flag {
        return Ok(Location::File(path.to_path_buf()));
    }
    // An empty variable is an unset one, as shells make it easy to leave one empty by mistake.
    if let Some(path) = env.filter(|v| !v.is_empty()) {
        return Ok(Location::File(PathBuf::from(path)));
    }
    default().map(Location::File)
}

/// `$XDG_DATA_HOME/tidings/state.db`, else `~/.local/share/tidings/state.db`: the XDG layout on
/// macOS too, where people who use terminal readers expect it (as with the config file).
fn default_path() -> Result<PathBuf, NoHome> {
    use etcetera::BaseStrategy;
    let strategy = etcetera::choose_base_strategy().map_err(|_| NoHome)?;
    Ok(strategy.data_dir().join("tidings").join("state.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fallback() -> Result<PathBuf, NoHome> {
        Ok(PathBuf::from("/home/u/.local/share/tidings/state.db"))
    }

    #[test]
    fn the_flag_beats_the_variable_which_beats_the_default() {
        let flag = Path::new("/a/flag.db");
        let env = || Some(OsString::from("/b/env.db"));
        assert_eq!(
            resolve_with(Some(flag), false, env(), fallback),
            Ok(Location::File(flag.into()))
        );
        assert_eq!(
            resolve_with(None, false, env(), fallback),
            Ok(Location::File("/b/env.db".into()))
        );
        assert_eq!(
            resolve_with(None, false, Some(OsString::new()), fallback),
            fallback().map(Location::File)
        );
        assert_eq!(
            resolve_with(Some(flag), true, env(), fallback),
            Ok(Location::Off)
        );
        assert_eq!(resolve_with(None, false, None, || Err(NoHome)), Err(NoHome));
    }
}
