//! Opening a URL in a browser: which programs to try, in which order, with which arguments, and
//! starting them. Never through a shell, so nothing in a URL is ever read as a command.
//!
//! The order is: the command the configuration names, then each command of `$BROWSER`, then
//! the platform's opener (`xdg-open`, `open`; on Windows the `open` crate). `$BROWSER` follows
//! its long-standing convention: commands separated by `:` (`;` on Windows), `%s` in a command
//! replaced by the URL (`%%` is a literal `%`; `{url}` works too), else the URL added as the
//! last argument. A command is split on whitespace; there is no quoting language.
//!
//! Terminal browsers (`w3m`, `lynx`, ...) need the reader's terminal, so they are not started
//! here: [`open`] hands their command back for the caller to run in the foreground while the
//! reader is suspended. Desktop browsers and openers are started detached, with their output
//! discarded, and are not waited for.

use std::env;
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

use crate::corpus::url::{Refusal, may_open};

/// Where an [`OpenCommand`]'s argument takes the URL.
pub(crate) const URL_PLACEHOLDER: &str = "{url}";

/// Programs that draw in the terminal they are started from.
pub(crate) const TERMINAL_BROWSERS: [&str; 7] = [
    "w3m", "lynx", "links", "links2", "elinks", "browsh", "carbonyl",
];

/// How `$BROWSER` separates its commands: the platform's `PATH` separator, as everywhere.
const BROWSER_SEPARATOR: char = if cfg!(windows) { ';' } else { ':' };

/// A way to open a URL: a program and its arguments, where an argument's `{url}` becomes the
/// URL (the URL is the last argument when none has it), and whether the program runs in the
/// reader's terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenCommand {
    pub argv: Vec<String>,
    pub terminal: bool,
}

impl OpenCommand {
    /// A command that runs in the terminal when its program is one of [`TERMINAL_BROWSERS`].
    pub(crate) fn from_argv(argv: Vec<String>) -> Self {
        let terminal = argv.first().is_some_and(|p| is_terminal_browser(p));
        Self { argv, terminal }
    }

    /// The argument list that opens `url`, the URL in place, or why there is none. Only a URL
    /// the policy accepts gets this far, so it can never be read as an option.
    pub(crate) fn argv_for(&self, url: &str) -> Result<Vec<String>, OpenError> {
        let url = may_open(url).map_err(OpenError::Refused)?;
        let Some((program, args)) = self.argv.split_first() else {
            return Err(OpenError::EmptyCommand);
        };
        // Checked again here, whatever the policy says, because this is the line that matters.
        if url.starts_with('-') {
            return Err(OpenError::Refused(Refusal::LeadingDash));
        }
        let mut argv = Vec::with_capacity(self.argv.len() + 1);
        argv.push(program.clone());
        // One pass per argument, so a `{url}` inside the URL is not replaced again.
        argv.extend(args.iter().map(|a| a.replace(URL_PLACEHOLDER, url)));
        if !args.iter().any(|a| a.contains(URL_PLACEHOLDER)) {
            argv.push(url.to_string());
        }
        Ok(argv)
    }
}

/// Whether `program` (a name or a path, `.exe` or not) is a terminal browser.
pub(crate) fn is_terminal_browser(program: &str) -> bool {
    let name = Path::new(program)
        .file_name()
        .and_then(OsStr::to_str)
        .unwrap_or(program);
    let name = name.strip_suffix(".exe").unwrap_or(name);
    TERMINAL_BROWSERS
        .iter()
        .any(|b| name.eq_ignore_ascii_case(b))
}

/// The commands of a `$BROWSER` value, in order; empty entries are skipped.
pub fn parse_browser_env(value: &str) -> Vec<OpenCommand> {
    value
        .split(BROWSER_SEPARATOR)
        .map(|entry| {
            entry
                .split_whitespace()
                .map(browser_word)
                .collect::<Vec<_>>()
        })
        .filter(|argv| !argv.is_empty())
        .map(OpenCommand::from_argv)
        .collect()
}

/// One word of a `$BROWSER` command with `%s` turned into [`URL_PLACEHOLDER`] and `%%` into `%`.
fn browser_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push_str(URL_PLACEHOLDER),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The platform's opener, if it has one that takes a URL as an argument. Windows has none
/// that is safe to call without a shell; [`open`] falls back to the `open` crate there.
pub(crate) fn platform_opener() -> Option<OpenCommand> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(unix) {
        "xdg-open"
    } else {
        return None;
    };
    Some(OpenCommand {
        argv: vec![program.to_string()],
        terminal: false,
    })
}

/// The commands to try, in order: the configured one, those of `$BROWSER` (pass its value),
/// then the platform's opener. The configuration comes first because it is the choice made
/// for this program in particular.
pub fn candidates(browser_env: Option<&str>, configured: Option<&OpenCommand>) -> Vec<OpenCommand> {
    let mut list: Vec<OpenCommand> = configured.into_iter().cloned().collect();
    list.extend(browser_env.map(parse_browser_env).unwrap_or_default());
    list.extend(platform_opener());
    list
}

/// Inherits the terminal: the caller has handed it over.
fn foreground(program: &OsStr, args: &[String]) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    command
}

fn detached(program: &OsStr, args: &[String]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Its own process group, so the terminal's signals (a closed window's SIGHUP, ^C) are not
    // the browser's business.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command
}

/// What [`open`] did, or left to the caller.
#[derive(Debug)]
pub enum Opened {
    /// A desktop browser or opener was started; `command` is what ran, for the status line.
    Detached { command: String },
    /// A terminal browser: the caller suspends the reader, runs `command` with the terminal,
    /// waits for it, and resumes. `shown` names it for messages.
    Foreground { command: Command, shown: String },
}

/// One command that did not work, whole, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub command: String,
    pub problem: String,
}

/// Why a URL was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// The URL policy refuses it.
    Refused(Refusal),
    /// A command without a program.
    EmptyCommand,
    /// Every command was tried and none could be started.
    NothingWorked(Vec<Attempt>),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Refused(refusal) => write!(f, "{refusal}"),
            OpenError::EmptyCommand => f.write_str("an open command without a program"),
            OpenError::NothingWorked(tried) if tried.is_empty() => {
                f.write_str("no browser to open it with; set $BROWSER")
            }
            OpenError::NothingWorked(tried) => {
                f.write_str("no browser could be started; tried ")?;
                for (i, attempt) in tried.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "`{}` ({})", attempt.command, attempt.problem)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for OpenError {}

/// Opens `url` with the first of `candidates` that can be started.
///
/// A detached command counts as opened once it is spawned; one whose program is missing (or
/// cannot be run) is skipped for the next. A terminal browser is looked up on `PATH` and, when
/// present, handed back as [`Opened::Foreground`] without being started. Only the spawn is
/// waited for, so this is cheap to call from an event handler's thread. When nothing works the
/// error names every command tried.
pub fn open(candidates: &[OpenCommand], url: &str) -> Result<Opened, OpenError> {
    let url = may_open(url).map_err(OpenError::Refused)?;
    let path_var = env::var_os("PATH");
    let mut tried = Vec::new();
    for cmd in candidates {
        // The URL passed the policy above, so the only error left is a command without a
        // program: there is nothing to try.
        let Ok(argv) = cmd.argv_for(url) else {
            continue;
        };
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let shown = shown(&argv);
        if cmd.terminal {
            // Started by the caller, so its absence must be found out here, while there are
            // other candidates to fall back on. The path found is the one that runs.
            match find_program(program, path_var.as_deref()) {
                Some(found) => {
                    let command = foreground(found.as_os_str(), args);
                    return Ok(Opened::Foreground { command, shown });
                }
                None => tried.push(Attempt {
                    command: shown,
                    problem: "not found".to_string(),
                }),
            }
            continue;
        }
        match detached(OsStr::new(program), args).spawn() {
            Ok(child) => {
                reap_in_background(child);
                return Ok(Opened::Detached { command: shown });
            }
            Err(e) => tried.push(Attempt {
                command: shown,
                problem: spawn_problem(&e),
            }),
        }
    }
    #[cfg(windows)]
    match ::open::that_detached(url) {
        Ok(()) => {
            return Ok(Opened::Detached {
                command: "the default browser".to_string(),
            });
        }
        Err(e) => tried.push(Attempt {
            command: "the default browser".to_string(),
            problem: e.to_string(),
        }),
    }
    Err(OpenError::NothingWorked(tried))
}

/// Waits for a detached child on a small thread of its own, so it leaves no zombie behind and
/// the caller does not wait. If no thread can be had the child is left to the system.
fn reap_in_background(mut child: std::process::Child) {
    let _ = thread::Builder::new()
        .name("opener-reap".into())
        .stack_size(64 * 1024)
        .spawn(move || {
            let _ = child.wait();
        });
}

fn spawn_problem(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "not found".to_string(),
        io::ErrorKind::PermissionDenied => "not executable".to_string(),
        _ => e.to_string(),
    }
}

/// An argument list as a person would type it: words with spaces quoted.
fn shown(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.is_empty() || a.contains(char::is_whitespace) {
                format!("{a:?}")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `program` would be found when started: itself when it names a path, else the first
/// executable file of that name in `path_var`'s folders.
pub(crate) fn find_program(program: &str, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let as_path = Path::new(program);
    if as_path.components().count() > 1 {
        return is_executable(as_path).then(|| as_path.to_path_buf());
    }
    env::split_paths(path_var?).find_map(|dir| {
        let names = if cfg!(windows) {
            vec![program.to_string(), format!("{program}.exe")]
        } else {
            vec![program.to_string()]
        };
        names
            .into_iter()
            .map(|name| dir.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = path.metadata() else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(argv: &[&str]) -> OpenCommand {
        OpenCommand::from_argv(argv.iter().map(|s| s.to_string()).collect())
    }

    const URL: &str = "https://example.org/a?b=1&c=$(x);d";

    #[test]
    fn browser_env_is_a_list_of_commands_split_on_whitespace() {
        let sep = BROWSER_SEPARATOR;
        let value =
            format!("firefox{sep}  {sep}w3m -T text/html{sep}chromium --new-window=%s %%s 5%");
        assert_eq!(
            parse_browser_env(&value),
            vec![
                cmd(&["firefox"]),
                OpenCommand {
                    argv: vec!["w3m".into(), "-T".into(), "text/html".into()],
                    terminal: true,
                },
                OpenCommand {
                    argv: vec![
                        "chromium".into(),
                        "--new-window={url}".into(),
                        "%s".into(),
                        "5%".into()
                    ],
                    terminal: false,
                },
            ]
        );
        assert!(parse_browser_env("").is_empty());
        assert!(parse_browser_env(&format!(" {sep} ")).is_empty());
    }

    #[test]
    fn the_url_takes_the_placeholder_or_comes_last_as_one_argument() {
        assert_eq!(
            cmd(&["firefox", "--private"]).argv_for(URL).unwrap(),
            ["firefox", "--private", URL]
        );
        assert_eq!(
            cmd(&["chromium", "--app={url}", "--x"])
                .argv_for(URL)
                .unwrap(),
            ["chromium", &format!("--app={URL}"), "--x"]
        );
        // A placeholder inside the URL is the URL's text, not a second place to fill.
        let tricky = "https://example.org/{url}%s";
        assert_eq!(
            cmd(&["b", "{url}"]).argv_for(tricky).unwrap(),
            ["b", tricky]
        );
        assert_eq!(
            parse_browser_env("b")
                .first()
                .unwrap()
                .argv_for(tricky)
                .unwrap(),
            ["b", tricky]
        );
    }

    #[test]
    fn no_refused_url_reaches_an_argument_list() {
        for url in [
            "--help",
            "-x",
            "javascript:alert(1)",
            "https://a.example/b c",
            "",
        ] {
            assert!(
                matches!(cmd(&["firefox"]).argv_for(url), Err(OpenError::Refused(_))),
                "{url:?}"
            );
        }
        assert_eq!(cmd(&[]).argv_for(URL), Err(OpenError::EmptyCommand));
    }

    #[test]
    fn terminal_browsers_are_known_by_program_name() {
        for program in [
            "w3m",
            "lynx",
            "links",
            "elinks",
            "browsh",
            "carbonyl",
            "/usr/bin/lynx",
            "ELinks.exe",
        ] {
            assert!(is_terminal_browser(program), "{program}");
        }
        for program in ["firefox", "xdg-open", "open", "/opt/w3m/firefox", "lynxx"] {
            assert!(!is_terminal_browser(program), "{program}");
        }
    }

    #[test]
    fn configured_then_browser_env_then_platform() {
        let configured = OpenCommand {
            argv: vec!["mine".into(), "{url}".into()],
            terminal: false,
        };
        let list = candidates(Some("firefox"), Some(&configured));
        let programs: Vec<&str> = list.iter().map(|c| c.argv[0].as_str()).collect();
        let mut expected = vec!["mine", "firefox"];
        if let Some(platform) = platform_opener() {
            assert!(!platform.terminal);
            expected.push(if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            });
        }
        assert_eq!(programs, expected);
        assert_eq!(
            candidates(None, None),
            platform_opener().into_iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_error_names_every_command_tried_whole() {
        let error = OpenError::NothingWorked(vec![
            Attempt {
                command: shown(&["/no/such/browser".into(), URL.into()]),
                problem: "not found".into(),
            },
            Attempt {
                command: shown(&["xdg-open".into(), "a b".into(), URL.into()]),
                problem: "not executable".into(),
            },
        ]);
        assert_eq!(
            error.to_string(),
            format!(
                "no browser could be started; tried `/no/such/browser {URL}` (not found); \
                 `xdg-open \"a b\" {URL}` (not executable)"
            )
        );
        assert_eq!(
            OpenError::NothingWorked(Vec::new()).to_string(),
            "no browser to open it with; set $BROWSER"
        );
    }

    #[cfg(unix)]
    #[test]
    fn programs_are_found_on_the_path_only_when_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (bin, other) = (dir.path().join("bin"), dir.path().join("other"));
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        for (folder, mode) in [(&bin, 0o644), (&other, 0o755)] {
            let file = folder.join("lynx");
            std::fs::write(&file, "").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let path_var = env::join_paths([&bin, &other]).unwrap();
        assert_eq!(
            find_program("lynx", Some(&path_var)),
            Some(other.join("lynx"))
        );
        assert_eq!(find_program("w3m", Some(&path_var)), None);
        assert_eq!(find_program("lynx", None), None);
        let absolute = other.join("lynx");
        assert_eq!(
            find_program(absolute.to_str().unwrap(), None),
            Some(absolute)
        );
        assert_eq!(find_program(bin.join("lynx").to_str().unwrap(), None), None);
    }
}
