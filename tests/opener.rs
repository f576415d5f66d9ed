//! The opener starts real programs: fake browsers, shell scripts in a temporary folder that
//! record the arguments they were given, one per NUL-terminated record.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tidings::corpus::url::{Refusal, may_open};
use tidings::opener::{self, OpenError, Opened};

/// One test at a time writes and starts scripts: a script another thread forks while it is
/// still open for writing cannot be executed ("text file busy").
static SERIAL: Mutex<()> = Mutex::new(());

const WAIT: Duration = Duration::from_secs(10);

/// A browser that records its arguments in `<itself>.args`, written whole by a rename.
fn fake_browser(path: &Path) -> PathBuf {
    fake_program(
        path,
        "#!/bin/sh\nprintf '%s\\0' \"$@\" > \"$0.args.tmp\" && mv \"$0.args.tmp\" \"$0.args\"\n",
    )
}

fn fake_program(path: &Path, script: &str) -> PathBuf {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, script).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// The arguments a fake browser recorded, once it has.
fn recorded_args(browser: &Path) -> Vec<String> {
    let file = PathBuf::from(format!("{}.args", browser.display()));
    let start = Instant::now();
    while !file.exists() {
        assert!(start.elapsed() < WAIT, "{} never ran", browser.display());
        std::thread::sleep(Duration::from_millis(20));
    }
    let bytes = fs::read(&file).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut args: Vec<String> = text.split('\0').map(str::to_string).collect();
    // printf ends every record with NUL, so the last piece is empty.
    assert_eq!(args.pop().as_deref(), Some(""));
    args
}

fn has_run(browser: &Path) -> bool {
    Path::new(&format!("{}.args", browser.display())).exists()
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn a_hostile_url_reaches_the_browser_as_one_unchanged_argument() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let firefox = fake_browser(&dir.path().join("firefox"));
    let pwned = dir.path().join("pwned");
    let pwned = pwned.display();
    let url = format!(
        "https://x.example/a;b$(touch${{IFS}}{pwned})`touch${{IFS}}{pwned}`&c='d'|e\"f<g>{{url}}%s*"
    );
    assert_eq!(may_open(&url), Ok(url.as_str()));

    let browser_env = firefox.display().to_string();
    let opened = opener::open(&opener::candidates(Some(&browser_env), None), &url).unwrap();

    let Opened::Detached { command } = opened else {
        panic!("firefox is not a terminal browser");
    };
    assert_eq!(command, format!("{browser_env} {url}"));
    assert_eq!(recorded_args(&firefox), [url.as_str()]);
    assert!(!dir.path().join("pwned").exists(), "a shell read the URL");
}

#[test]
fn browser_env_puts_the_url_where_percent_s_is() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let chromium = fake_browser(&dir.path().join("chromium"));
    let url = "https://example.org/a?b=1&c=2";

    let browser_env = format!("{} --app=%s --incognito %%s", chromium.display());
    opener::open(&opener::parse_browser_env(&browser_env), url).unwrap();

    assert_eq!(
        recorded_args(&chromium),
        [&format!("--app={url}"), "--incognito", "%s"]
    );
}

#[test]
fn a_missing_or_unusable_browser_falls_through_to_the_next() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let not_executable = dir.path().join("not-executable");
    fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    let third = fake_browser(&dir.path().join("third"));
    let url = "https://example.org/a";

    let browser_env = format!(
        "{}:{}:{}",
        dir.path().join("absent").display(),
        not_executable.display(),
        third.display()
    );
    let opened = opener::open(&opener::parse_browser_env(&browser_env), url).unwrap();

    assert!(
        matches!(&opened, Opened::Detached { command } if *command == format!("{} {url}", third.display())),
        "{opened:?}"
    );
    assert_eq!(recorded_args(&third), [url]);
}

#[test]
fn when_nothing_starts_the_error_names_every_command_whole() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let url = "https://example.org/a";
    let (absent, also) = (dir.path().join("absent"), dir.path().join("also-absent"));

    let browser_env = format!("{} --flag:{}", absent.display(), also.display());
    let error = opener::open(&opener::parse_browser_env(&browser_env), url).unwrap_err();

    let OpenError::NothingWorked(tried) = &error else {
        panic!("{error:?}");
    };
    let commands: Vec<&str> = tried.iter().map(|a| a.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            format!("{} --flag {url}", absent.display()),
            format!("{} {url}", also.display())
        ]
    );
    let message = error.to_string();
    for command in commands {
        assert!(message.contains(command), "{message}");
    }
    assert!(message.contains("not found"), "{message}");
}

#[test]
fn terminal_browsers_are_handed_back_to_run_in_the_foreground() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let w3m = fake_browser(&dir.path().join("bin/w3m"));
    let firefox = fake_browser(&dir.path().join("firefox"));
    let url = "https://example.org/a;b";

    let opened = opener::open(&opener::parse_browser_env(&w3m.display().to_string()), url).unwrap();
    let Opened::Foreground { mut command, shown } = opened else {
        panic!("w3m is a terminal browser");
    };
    assert_eq!(shown, format!("{} {url}", w3m.display()));
    assert!(
        !has_run(&w3m),
        "a terminal browser is the caller's to start"
    );
    assert!(command.status().unwrap().success());
    assert_eq!(recorded_args(&w3m), [url]);

    // A terminal browser that is not installed is skipped like any other.
    let browser_env = format!(
        "{}:{}",
        dir.path().join("nowhere/lynx").display(),
        firefox.display()
    );
    let opened = opener::open(&opener::parse_browser_env(&browser_env), url).unwrap();
    assert!(matches!(opened, Opened::Detached { .. }), "{opened:?}");
    assert_eq!(recorded_args(&firefox), [url]);
}

#[test]
fn a_refused_url_starts_nothing() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let firefox = fake_browser(&dir.path().join("firefox"));
    let candidates = opener::parse_browser_env(&firefox.display().to_string());

    for (url, refusal) in [
        ("--help", Refusal::LeadingDash),
        ("-https://example.org/", Refusal::LeadingDash),
        ("javascript:alert(1)", Refusal::NotWeb),
        ("https://x.example/a\ntouch ~/p", Refusal::SpaceOrControl),
        ("https://x.example/a\u{202E}b", Refusal::Invisible),
    ] {
        assert_eq!(
            opener::open(&candidates, url).unwrap_err(),
            OpenError::Refused(refusal),
            "{url:?}"
        );
    }
    // Nothing was spawned, so nothing can turn up late either; give it a moment anyway.
    std::thread::sleep(Duration::from_millis(300));
    assert!(!has_run(&firefox));
}

#[test]
fn a_detached_browser_is_not_waited_for() {
    let _serial = lock();
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let slow = fake_program(
        &dir.path().join("slow-browser"),
        &format!(
            "#!/bin/sh\necho $$ > '{}'\nexec sleep 60\n",
            pid_file.display()
        ),
    );
    let start = Instant::now();
    let opened = opener::open(
        &opener::parse_browser_env(&slow.display().to_string()),
        "https://example.org/",
    );
    let returned_after = start.elapsed();

    // Stop the sleeper, by its own pid, before asserting anything.
    while !pid_file.exists() && start.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Ok(pid) = fs::read_to_string(&pid_file) {
        let _ = std::process::Command::new("kill").arg(pid.trim()).status();
    }
    assert!(matches!(opened, Ok(Opened::Detached { .. })), "{opened:?}");
    assert!(returned_after < WAIT, "open waited {returned_after:?}");
}
