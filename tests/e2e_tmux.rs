//! End to end, as a person uses it: the real binary in a real terminal (tmux), keys typed with
//! `send-keys`, the screen read with `capture-pane`, and a fake `xdg-open` first on PATH that
//! records the URL that would have opened. Where tmux is missing they are skipped, saying why,
//! except under CI (`CI` set), where that is a failure: `.ci/run` installs tmux.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The release binary, as a person runs it: built once for all these tests (cargo has
/// already built the crate for the tests, so this is the release profile on top).
fn bin() -> &'static str {
    static BIN: OnceLock<String> = OnceLock::new();
    BIN.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(env!("CARGO"))
            .args(["build", "--release", "--bin", "tidings", "--manifest-path"])
            .arg(manifest.join("Cargo.toml"))
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "cargo build --release: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| manifest.join("target"), PathBuf::from);
        target
            .join("release/tidings")
            .to_string_lossy()
            .into_owned()
    })
}
const WAIT: Duration = Duration::from_secs(15);

fn have_tmux() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is not installed, and CI must run the end-to-end tests"
        );
        println!("skipped: tmux is not installed (apt-get install -y tmux)");
    }
    found
}

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(sub)
}

/// One tmux server per test, on its own socket, so tests run in parallel without meeting.
struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Tmux {
    /// Starts `tidings ARGS` in a detached session of the given size, with a fake xdg-open.
    fn start(width: u16, height: u16, args: &[&str]) -> Tmux {
        Tmux::start_with(width, height, "", args)
    }

    /// As [`Tmux::start`], with `env` (`NAME=value ...`, already quoted) set for tidings.
    fn start_with(width: u16, height: u16, env: &str, args: &[&str]) -> Tmux {
        let tmux = Tmux::new();
        let bin = tmux.dir.path().join("bin");
        std::fs::create_dir(&bin).expect("bin dir");
        let record = tmux.dir.path().join("opened.txt");
        let fake = bin.join("xdg-open");
        std::fs::write(
            &fake,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                record.display()
            ),
        )
        .expect("fake xdg-open");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        // After tidings exits, the shell says how, and stays so the screen can be read. The
        // configuration and cache folders are the test's own, so a file of the person running
        // the tests changes nothing, and no test leaves a cache behind.
        let command = format!(
            "unset BROWSER TIDINGS_CONFIG TIDINGS_CACHE_DIR; XDG_CONFIG_HOME='{dir}' \
             XDG_CACHE_HOME='{dir}/cache' PATH='{}':\"$PATH\" {env} '{}' {}; \
             echo \"EXITED:$?\"; sleep 600",
            bin.display(),
            self::bin(),
            quoted.join(" "),
            dir = tmux.dir.path().display(),
        );
        tmux.session(width, height, &["sh", "-c", &command]);
        tmux
    }

    /// An interactive shell with job control, for Ctrl-Z and `fg`.
    fn shell(width: u16, height: u16) -> Tmux {
        let tmux = Tmux::new();
        tmux.session(
            width,
            height,
            &["env", "PS1=$ ", "bash", "--norc", "--noprofile", "-i"],
        );
        tmux
    }

    fn new() -> Tmux {
        Tmux {
            socket: format!(
                "tidings-e2e-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn session(&self, width: u16, height: u16, command: &[&str]) {
        let (width, height) = (width.to_string(), height.to_string());
        let mut args = vec!["new-session", "-d", "-x", &width, "-y", &height];
        args.extend_from_slice(command);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // An Escape followed by a key must not arrive as Alt+key; OSC 52 lands in a buffer.
        self.run(&["set", "-g", "escape-time", "0"]);
        self.run(&["set", "-s", "set-clipboard", "on"]);
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            let out = self.run(&["send-keys", "-t", "0", key]);
            assert!(out.status.success(), "send-keys {key}");
            // Let the reader draw between keys, as a person's typing would.
            sleep(Duration::from_millis(60));
        }
    }

    fn typed(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", "0", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text}");
        sleep(Duration::from_millis(100));
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "0"]).stdout).into_owned()
    }

    fn format(&self, what: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", "0", what]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits until the screen satisfies `ok`; fails with the screen if it never does.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if started.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    fn opened(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("opened.txt")).unwrap_or_default()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

#[test]
fn filter_jump_back_open_and_quit_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    let demo = fixtures("assets/demo");
    let t = Tmux::start(120, 40, &[demo.to_str().expect("utf-8 path")]);
    t.wait_text("Alpine glacier");
    assert_eq!(
        t.format("#{alternate_on}"),
        "1",
        "the reader uses the alternate screen"
    );
    // Auto-wrap is off while it runs, so no cluster a terminal measures wider can spill into
    // the next row.
    assert_eq!(t.format("#{wrap_flag}"), "0", "auto-wrap off while running");

    // Filter: the list narrows as we type.
    t.keys(&["/"]);
    t.typed("glacier");
    let screen = t.wait_for("the filter to narrow", |s| {
        s.contains("Alpine glacier") && !s.contains("lunar south pole")
    });
    assert!(screen.contains("glacier"), "{screen}");
    t.keys(&["Enter"]);

    // Jump to a related card inside the corpus (the first related entry, marked ●), then back.
    t.keys(&["Tab", "Tab"]);
    t.wait_text("● Heat pump");
    t.keys(&["Enter"]);
    t.wait_text("┃Heat pump installations outpace gas boilers for the");
    t.keys(&["BSpace"]);
    t.wait_text("Alpine glacier lost a fifth of its volume in a");

    // Open the card's URL through the fake xdg-open.
    t.keys(&["Tab"]);
    t.keys(&["o"]);
    let started = Instant::now();
    while t.opened().is_empty() && started.elapsed() < WAIT {
        sleep(Duration::from_millis(50));
    }
    let opened = t.opened();
    assert!(opened.starts_with("https://"), "opened: {opened:?}");
    assert_eq!(opened.lines().count(), 1, "{opened:?}");

    t.keys(&["q"]);
    let end = t.wait_text("EXITED:");
    assert!(end.contains("EXITED:0"), "{end}");
    assert_eq!(t.format("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(t.format("#{wrap_flag}"), "1", "auto-wrap back on");
}

#[test]
fn hostile_cards_draw_as_plain_text_and_bad_urls_are_refused() {
    if !have_tmux() {
        return;
    }
    let hostile = fixtures("tests/fixtures/hostile");
    let t = Tmux::start(100, 30, &[hostile.to_str().expect("utf-8 path")]);
    let screen = t.wait_text("Markets rally");
    // The OSC title sequence did not set the pane title; nothing was cleared or overwritten.
    assert!(!t.format("#{pane_title}").contains("pwned"));
    // The whole OSC sequence went, payload included.
    assert!(!screen.contains("pwned"), "{screen}");
    // Nothing cleared the screen or moved the cursor: the frame is whole, top to bottom.
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with('┏')),
        "{screen}"
    );
    assert!(lines.iter().any(|l| l.starts_with('┗')), "{screen}");
    assert!(
        screen.contains("Hostile Fixtures Red Wire"),
        "SGR codes gone, text kept: {screen}"
    );

    // The card whose URLs are javascript:, file:, --help and one with spaces opens nothing.
    t.keys(&["/"]);
    t.typed("never be opened");
    t.wait_for("the filter", |s| {
        s.contains("Links in this card") && !s.contains("Markets rally")
    });
    t.keys(&["Enter", "o"]);
    let refused = t.wait_text("not opened");
    assert!(refused.contains("http"), "{refused}");
    // In the related pane, each outside entry with a bad URL is refused too.
    t.keys(&["Tab", "Tab", "Enter"]);
    t.wait_text("not opened");
    t.keys(&["j", "Enter", "j", "Enter"]);
    sleep(Duration::from_millis(500));
    assert_eq!(t.opened(), "", "no URL was handed to xdg-open");

    // The safe card opens exactly its URL. Esc goes back from the related pane to the list,
    // where Esc clears the filter.
    t.keys(&["Escape", "Escape", "/"]);
    t.typed("safe");
    t.keys(&["Enter", "o"]);
    let started = Instant::now();
    while t.opened().is_empty() && started.elapsed() < WAIT {
        sleep(Duration::from_millis(50));
    }
    assert_eq!(t.opened(), "https://example.org/safe-article\n");
    t.keys(&["C-c"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

#[test]
fn small_and_narrow_terminals_draw_and_resize() {
    if !have_tmux() {
        return;
    }
    let seeds = fixtures("tests/fixtures/seeds");
    let t = Tmux::start(80, 24, &[seeds.to_str().expect("utf-8 path")]);
    t.wait_text("Lupus");
    // Narrow: one pane at a time; Enter shows the detail.
    t.keys(&["Enter"]);
    t.wait_text("lupus.org");
    let _ = t.run(&["resize-window", "-t", "0", "-x", "15", "-y", "5"]);
    t.wait_text("too small");
    let _ = t.run(&["resize-window", "-t", "0", "-x", "120", "-y", "40"]);
    t.wait_for("the wide layout", |s| {
        s.contains("Lupus") && s.contains("lupus.org")
    });
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

#[test]
fn sigterm_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::start(100, 30, &[]);
    t.wait_text("Alpine glacier");
    let pid = t.format("#{pane_pid}");
    // The pane runs sh; tidings is its child.
    let out = Command::new("pkill")
        .args(["-TERM", "-P", &pid, "tidings"])
        .output();
    if out.is_err() {
        let _ = Command::new("sh")
            .args(["-c", &format!("kill -TERM $(pgrep -P {pid})")])
            .output();
    }
    let end = t.wait_text("EXITED:");
    assert!(end.contains("EXITED:143"), "{end}");
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn bad_paths_and_pipes_fail_before_the_terminal_is_touched() {
    let out = Command::new(bin())
        .arg("/no/such/tidings/dir")
        .output()
        .expect("runs");
    // Output is not a terminal here either; whichever is checked first, it is a usage error
    // with a one-line message and no escape sequence.
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains('\u{1b}'));
    assert!(out.stdout.is_empty());
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_repaints() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::shell(100, 30);
    t.wait_text("$");
    t.typed(&format!("'{}'", bin()));
    t.keys(&["Enter"]);
    t.wait_text("Alpine glacier");
    t.keys(&["C-z"]);
    t.wait_text("Stopped");
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "the shell gets its screen back"
    );
    t.typed("fg");
    t.keys(&["Enter"]);
    // Every cell is drawn again on resume, without waiting for a key.
    t.wait_for("the reader to repaint", |s| {
        s.contains("Alpine glacier") && s.contains("cards")
    });
    t.keys(&["j", "q"]);
    t.wait_for("the prompt", |s| !s.contains("Alpine glacier"));
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn query_and_select_options_open_the_reader_there() {
    if !have_tmux() {
        return;
    }
    // The demo corpus (no path), with a card far down the list selected.
    let t = Tmux::start(120, 40, &["--select", "1d7d1aaf7c40c74a"]);
    let screen = t.wait_text("│Heat pump installations outpace gas boilers for the");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("▸") && l.contains("Heat pump installations")),
        "the list row is selected: {screen}"
    );
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));

    let t = Tmux::start(120, 40, &["--query", "glacier"]);
    let screen = t.wait_for("the filter", |s| {
        s.contains("/glacier") && s.contains(" / 36 ") && s.contains("Alpine glacier")
    });
    assert!(screen.contains("Alpine glacier"), "{screen}");
    assert!(!screen.contains("lunar south pole"), "{screen}");
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));

    // A malformed id is a usage error before the terminal is touched.
    let out = Command::new(bin())
        .args(["--select", "not-hex"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// The pid of the tidings running in the pane's shell.
fn tidings_pid(t: &Tmux) -> String {
    let shell = t.format("#{pane_pid}");
    let out = Command::new("pgrep")
        .args(["-P", &shell, "tidings"])
        .output()
        .expect("pgrep runs");
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no tidings under {shell}");
    pid
}

fn kill(signal: &str, pid: &str) {
    let out = Command::new("kill")
        .args([&format!("-{signal}"), pid])
        .output()
        .expect("kill runs");
    assert!(out.status.success(), "kill -{signal} {pid}");
}

/// After tidings has gone, the pane is a normal terminal again: main screen, no mouse
/// reporting, the cursor shown, and the line discipline cooked (`stty -a` from the shell).
fn assert_terminal_restored(t: &Tmux) {
    assert_eq!(t.format("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(
        t.format("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}"),
        "000",
        "mouse reporting off"
    );
    assert_eq!(t.format("#{cursor_flag}"), "1", "cursor shown");
    t.typed("stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon -e isig | sort | tr '\\n' +");
    t.keys(&["Enter"]);
    t.wait_text("echo+icanon+isig+");
}

/// Starts tidings on the demo corpus from an interactive shell, as a person would.
fn reader_in_shell() -> Tmux {
    let t = Tmux::shell(100, 30);
    t.wait_text("$");
    t.typed(&format!("'{}'", bin()));
    t.keys(&["Enter"]);
    t.wait_text("Alpine glacier");
    t
}

#[test]
fn every_ending_signal_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    for (signal, status) in [("INT", 130), ("QUIT", 131), ("TERM", 143), ("HUP", 129)] {
        let t = reader_in_shell();
        kill(signal, &tidings_pid(&t));
        t.wait_for("the prompt", |s| !s.contains("Alpine glacier"));
        t.typed("echo \"STATUS:$?\"");
        t.keys(&["Enter"]);
        t.wait_text(&format!("STATUS:{status}"));
        assert_terminal_restored(&t);
    }
}

#[test]
fn sigtstp_from_outside_stops_with_the_terminal_restored_and_fg_resumes() {
    if !have_tmux() {
        return;
    }
    let t = reader_in_shell();
    let pid = tidings_pid(&t);
    kill("TSTP", &pid);
    t.wait_text("Stopped");
    assert_eq!(t.format("#{alternate_on}"), "0");
    t.typed("stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon | sort | tr '\\n' +");
    t.keys(&["Enter"]);
    t.wait_text("echo+icanon+");
    t.typed("fg");
    t.keys(&["Enter"]);
    t.wait_for("the reader to repaint", |s| {
        s.contains("Alpine glacier") && s.contains("cards")
    });
    // Raw mode again: keys act at once, without echo or Enter.
    t.keys(&["j", "j"]);
    t.wait_text("3/36");
    t.keys(&["q"]);
    t.wait_for("the prompt", |s| !s.contains("Alpine glacier"));
    assert_terminal_restored(&t);
}

#[test]
fn sigcont_after_a_stop_from_outside_takes_the_terminal_back() {
    if !have_tmux() {
        return;
    }
    // Under a shell without job control, so nothing else takes the terminal meanwhile.
    let t = Tmux::start(100, 30, &[]);
    t.wait_text("Alpine glacier");
    let pid = tidings_pid(&t);
    kill("STOP", &pid);
    // Another program messes with the terminal while tidings is stopped.
    let tty = t.format("#{pane_tty}");
    let out = Command::new("sh")
        .args(["-c", &format!("stty sane < '{tty}'")])
        .output()
        .expect("stty runs");
    assert!(out.status.success());
    kill("CONT", &pid);
    t.wait_for("the reader to repaint", |s| s.contains("Alpine glacier"));
    // Raw mode again: a key acts at once.
    t.keys(&["j"]);
    t.wait_text("2/36");
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

#[test]
fn a_huge_paste_is_one_edit_and_quitting_is_prompt() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::start(100, 30, &[]);
    t.wait_text("Alpine glacier");
    t.keys(&["/"]);
    let paste = t.dir.path().join("paste.txt");
    std::fs::write(&paste, "glacier\n".repeat(12_500)).expect("paste file");
    let paste = paste.to_string_lossy().into_owned();
    assert!(t.run(&["load-buffer", "-b", "p", &paste]).status.success());
    let started = Instant::now();
    assert!(
        t.run(&["paste-buffer", "-p", "-b", "p", "-t", "0"])
            .status
            .success()
    );
    t.wait_text("left out");
    t.keys(&["Escape", "q"]);
    let end = t.wait_text("EXITED:");
    assert!(end.contains("EXITED:0"), "{end}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn y_copies_a_good_url_and_refuses_one_with_a_line_break() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("001_00000000000000a1.txt"),
        "---\ntitle: \"Good link\"\npublishedDateTime: 2024-01-02T00:00:00Z\nwebUrl: \"https://good.example/a\"\n---\n",
    )
    .expect("card");
    std::fs::write(
        dir.path().join("002_00000000000000b2.txt"),
        "---\ntitle: \"Bad link\"\npublishedDateTime: 2024-01-01T00:00:00Z\nwebUrl: \"https://x.example/a\\ntouch ~/p\"\n---\n",
    )
    .expect("card");
    let t = Tmux::start(100, 30, &[dir.path().to_str().expect("utf-8 path")]);
    t.wait_text("Good link");
    t.keys(&["y"]);
    t.wait_text("copied https://good.example/a");
    let buffers = || {
        String::from_utf8_lossy(&t.run(&["list-buffers", "-F", "#{buffer_sample}"]).stdout)
            .into_owned()
    };
    let started = Instant::now();
    while !buffers().contains("https://good.example/a") && started.elapsed() < WAIT {
        sleep(Duration::from_millis(50));
    }
    assert!(
        buffers().contains("https://good.example/a"),
        "{}",
        buffers()
    );
    t.keys(&["j", "y"]);
    t.wait_text("not copied");
    assert!(!buffers().contains("touch"), "{}", buffers());
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

#[test]
fn a_dumb_terminal_is_a_usage_error_pointing_at_search() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::start_with(200, 30, "TERM=dumb", &[]);
    let end = t.wait_text("EXITED:");
    assert!(end.contains("EXITED:2"), "{end}");
    assert!(end.contains("tidings search"), "{end}");
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn holding_o_launches_one_browser_not_hundreds() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::start(100, 30, &[]);
    t.wait_text("Alpine glacier");
    // Thirty presses in one burst, as a held key sends them.
    let mut args = vec!["send-keys", "-t", "0"];
    args.extend(std::iter::repeat_n("o", 30));
    assert!(t.run(&args).status.success());
    t.wait_text("still opening");
    sleep(Duration::from_millis(500));
    let opened = t.opened();
    assert_eq!(opened.lines().count(), 1, "{opened:?}");
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

/// A key bound in the configuration file works in a real terminal and help shows it: `x` quits
/// where `q` no longer does.
#[test]
fn a_key_rebound_in_the_config_file_quits_and_help_shows_it() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys.browse]\nx = \"quit\"\nq = \"none\"\n").expect("config");
    let demo = fixtures("assets/demo");
    let t = Tmux::start(
        120,
        40,
        &[
            "--config",
            config.to_str().expect("utf-8 path"),
            demo.to_str().expect("utf-8 path"),
        ],
    );
    t.wait_text("Alpine glacier");
    t.wait_text("x quit");

    t.keys(&["?"]);
    let help = t.wait_text("Quit tidings.");
    assert!(
        help.lines()
            .any(|l| l.contains("┃ x ") && l.contains("Quit tidings.")),
        "help lists x:\n{help}"
    );
    t.keys(&["Escape"]);
    t.wait_for("help to close", |s| !s.contains("Quit tidings."));

    // q is unbound now: the reader stays.
    t.keys(&["q"]);
    sleep(Duration::from_millis(300));
    assert!(!t.screen().contains("EXITED:"), "{}", t.screen());
    t.keys(&["x"]);
    let end = t.wait_text("EXITED:");
    assert!(end.contains("EXITED:0"), "{end}");
}

/// Writes `bytes` to the pane's terminal as if another program had: what garbles a screen.
fn garble(t: &Tmux, bytes: &str) {
    let tty = t.format("#{pane_tty}");
    std::fs::write(&tty, bytes).expect("write to the pane's terminal");
    sleep(Duration::from_millis(100));
}

#[test]
fn ctrl_l_repaints_a_garbled_screen_in_every_mode() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::start(100, 30, &[]);
    t.wait_text("Alpine glacier");
    // Into cells the reader draws blank (inside the detail pane, below the list's rows), and
    // over text, so only a full repaint takes it all away.
    let junk = "\x1b[20;60HXGARBLEX\x1b[2;3HXGARBLEX\x1b[30;1HXGARBLEX";
    for keys in [&[][..], &["/"][..], &["?"][..]] {
        t.keys(keys);
        garble(&t, junk);
        t.wait_text("XGARBLEX");
        t.keys(&["C-l"]);
        let screen = t.wait_for("the repaint", |s| !s.contains("GARBLE"));
        assert!(screen.contains("cards"), "{screen}");
        t.keys(&["Escape"]);
    }
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

/// Reading state end to end: marks, a star and a saved search outlive the reader, and `u`
/// undoes a mark.
#[test]
fn marks_stars_and_saved_searches_are_kept_between_runs() {
    if !have_tmux() {
        return;
    }
    let demo = fixtures("assets/demo");
    let demo = demo.to_str().expect("utf-8 path");
    let state_dir = tempfile::tempdir().expect("temp dir");
    let state = state_dir.path().join("state.db");
    let state = state.to_str().expect("utf-8 path");

    let t = Tmux::start(120, 40, &["--state", state, demo]);
    t.wait_text("36 unread");
    t.keys(&["m"]);
    t.wait_text("35 unread");
    t.keys(&["u"]);
    t.wait_text("36 unread");
    t.keys(&["m", "*"]);
    let screen = t.wait_text("35 unread");
    let starred = screen
        .lines()
        .find(|l| l.contains('▸'))
        .expect("a selected row")
        .to_string();
    assert!(starred.contains('★'), "{screen}");
    t.keys(&["/"]);
    t.typed("glacier");
    t.keys(&["Enter", "S"]);
    t.wait_text("save the filter as @");
    t.typed("ice");
    t.keys(&["Enter"]);
    t.wait_text("saved @ice");
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));

    let t = Tmux::start(120, 40, &["--state", state, demo]);
    let screen = t.wait_text("35 unread");
    assert!(screen.contains('★'), "the star is kept: {screen}");
    t.keys(&["@"]);
    let screen = t.wait_text("matching");
    assert!(
        screen.contains("@ice") && screen.contains("glacier"),
        "{screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for("the saved search applied", |s| {
        s.contains("/@ice") && s.contains("Alpine glacier")
    });
    t.keys(&["q"]);
    assert!(t.wait_text("EXITED:").contains("EXITED:0"));
}

/// A card file's text: its title, and a date that fixes its row in the date order.
fn card_text(title: &str, day: u32) -> String {
    format!(
        "---\ntitle: \"{title}\"\npublishedDateTime: 2024-03-{day:02}T00:00:00Z\n\
         webUrl: \"https://example.com/{day}\"\n---\n"
    )
}

/// The list's row of the selected card (marked ▸).
fn selected_row(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('▸'))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn live_reload_shows_cards_written_changed_renamed_and_removed() {
    if !have_tmux() {
        return;
    }
    let corpus = tempfile::tempdir().expect("corpus folder");
    let dir = corpus.path();
    let write = |name: &str, title: &str, day: u32| {
        std::fs::write(dir.join(name), card_text(title, day)).expect("card written");
    };
    write("a.txt", "Alpha story", 1);
    write("b.txt", "Bravo story", 2);
    write("c.txt", "Charlie story", 3);
    let t = Tmux::start(120, 30, &[dir.to_str().expect("utf-8 path")]);
    t.wait_text("3 cards");
    // Newest first: Charlie, Bravo, Alpha. Select Bravo.
    t.keys(&["j"]);
    let screen = t.wait_for("Bravo selected", |s| selected_row(s).contains("Bravo"));
    assert!(screen.contains("Charlie story"), "{screen}");

    // A new card, newest of all: its row appears above, the selection stays on Bravo.
    write("d.txt", "Delta story", 9);
    let screen = t.wait_for("the new card", |s| {
        s.contains("Delta story") && s.contains("4 cards")
    });
    assert!(screen.contains("1 new"), "{screen}");
    assert!(selected_row(&screen).contains("Bravo"), "{screen}");

    // Its title changes: the row changes.
    write("d.txt", "Delta retitled", 9);
    let screen = t.wait_for("the changed title", |s| s.contains("Delta retitled"));
    assert!(!screen.contains("Delta story"), "{screen}");
    assert!(screen.contains("1 changed"), "{screen}");

    // Renamed: still one row.
    std::fs::rename(dir.join("d.txt"), dir.join("e.txt")).expect("renamed");
    sleep(Duration::from_millis(1500));
    let screen = t.wait_text("Delta retitled");
    assert_eq!(screen.matches("Delta retitled").count(), 1, "{screen}");
    assert!(screen.contains("4 cards"), "{screen}");
    assert!(selected_row(&screen).contains("Bravo"), "{screen}");

    // Deleted: the row goes.
    std::fs::remove_file(dir.join("e.txt")).expect("removed");
    let screen = t.wait_for("the removal", |s| !s.contains("Delta retitled"));
    assert!(screen.contains("3 cards"), "{screen}");
    assert!(selected_row(&screen).contains("Bravo"), "{screen}");

    // The selected card deleted: the selection moves to its neighbour.
    std::fs::remove_file(dir.join("b.txt")).expect("removed");
    let screen = t.wait_for("the selected card's removal", |s| !s.contains("Bravo"));
    let row = selected_row(&screen);
    assert!(row.contains("Alpha") || row.contains("Charlie"), "{screen}");
    assert!(screen.contains("2 cards"), "{screen}");

    // Many files at once: all appear, none twice.
    let batch = tempfile::tempdir_in(dir.parent().expect("a parent")).expect("batch folder");
    for i in 0..2000 {
        let text = card_text(&format!("Batch card {i}"), 10 + (i % 18));
        std::fs::write(batch.path().join(format!("{i:04}.txt")), text).expect("written");
    }
    std::fs::rename(batch.path(), dir.join("batch")).expect("moved in");
    let screen = t.wait_text("2,002 cards");
    assert!(screen.contains("2,000 new"), "{screen}");
    t.keys(&["q"]);
    t.wait_text("EXITED:0");
}

#[test]
fn no_watch_leaves_the_list_as_it_was_loaded() {
    if !have_tmux() {
        return;
    }
    let corpus = tempfile::tempdir().expect("corpus folder");
    let dir = corpus.path();
    std::fs::write(dir.join("a.txt"), card_text("Alpha story", 1)).expect("written");
    let t = Tmux::start(100, 20, &["--no-watch", dir.to_str().expect("utf-8 path")]);
    t.wait_text("1 card");
    std::fs::write(dir.join("b.txt"), card_text("Bravo story", 2)).expect("written");
    sleep(Duration::from_millis(1500));
    let screen = t.screen();
    assert!(!screen.contains("Bravo"), "{screen}");
    t.keys(&["q"]);
    t.wait_text("EXITED:0");
}
