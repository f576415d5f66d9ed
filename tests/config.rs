//! The configuration file as a person writes it: the default file reads back as the defaults,
//! every kind of mistake is named with its line and column and what was expected, all of them
//! at once, and the commands it sets run as argument lists, never through a shell.

use std::path::Path;

use tidings::config::file::{self, Env};
use tidings::config::template::default_file;
use tidings::config::{Config, ConfigError};

fn parse(text: &str) -> Result<Config, Vec<ConfigError>> {
    file::parse(text, Path::new("config.toml"))
}

/// The errors of a file that must not parse, as `line:column: message`.
fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => panic!("parsed, but should not have:\n{text}"),
        Err(errors) => errors
            .iter()
            .map(|e| format!("{}:{}: {}", e.line, e.column, e.message))
            .collect(),
    }
}

/// Asserts one error at `line:column` whose message contains `words`.
fn one_error(text: &str, at: &str, words: &str) {
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (place, message) = errors[0].split_once(": ").expect("a place");
    assert_eq!(place, at, "{}", errors[0]);
    assert!(message.contains(words), "{message:?} lacks {words:?}");
}

#[test]
fn the_default_file_reads_back_as_the_defaults() {
    let text = default_file();
    let config = parse(&text).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(config, Config::default());
    // An empty file is the defaults too.
    assert_eq!(parse("").ok(), Some(Config::default()));
}

#[test]
fn the_default_file_names_every_style() {
    let text = default_file();
    for (name, doc) in tidings::config::theme::STYLE_DOCS {
        assert!(text.contains(&format!("# {name} = ")), "{name}");
        assert!(text.contains(doc), "{doc}");
    }
}

#[test]
fn unknown_keys_are_named_where_they_are() {
    one_error(
        "[themes]\nname = \"dark\"\n",
        "1:2",
        "no section \"themes\"",
    );
    one_error(
        "[theme]\nname = \"dark\"\n  colour = 3\n",
        "3:3",
        "[theme] has no key \"colour\"; expected one of: name, styles",
    );
    one_error(
        "[theme.styles]\nselected = { fg = \"red\", blink = true }\n",
        "2:26",
        "has no key \"blink\"",
    );
    one_error(
        "[theme.styles]\nselcted = { fg = \"red\" }\n",
        "2:1",
        "[theme.styles] has no key \"selcted\"",
    );
    one_error("[open]\nbrowser = [\"w3m\"]\n", "2:1", "[open] has no key");
}

#[test]
fn wrong_types_say_what_was_expected() {
    one_error(
        "[theme]\nname = 3\n",
        "2:8",
        "[theme] name takes a theme's name: dark, light or monochrome, not an integer",
    );
    one_error(
        "[theme.styles.error]\nbold = \"yes\"\n",
        "2:8",
        "bold takes true or false, not a string",
    );
    one_error(
        "[theme.styles]\nerror = { fg = 256 }\n",
        "2:16",
        "a 256-colour index 0-255, not 256",
    );
    one_error(
        "[theme.styles]\nerror = { fg = \"#12345\" }\n",
        "2:16",
        "\"#12345\" is not a colour",
    );
    one_error(
        "[open]\ncommand = \"w3m {url}\"\n",
        "2:11",
        "an array of strings",
    );
    one_error("[open]\ncommand = []\n", "2:11", "this one is empty");
    one_error(
        "[open]\ncommand = [\"w3m\", 3]\n",
        "2:19",
        "a string, not an integer",
    );
    one_error("[open]\nterminal = true\n", "2:1", "set `command` too");
    one_error(
        "[open]\ncopy = [\"xclip\", \"{url}\"]\n",
        "2:8",
        "standard input",
    );
    one_error(
        "theme = 1\n",
        "1:9",
        "[theme] takes a table, not an integer",
    );
    one_error(
        "[theme]\nname = \"solarized\"\n",
        "2:8",
        "no theme named \"solarized\"",
    );
}

#[test]
fn toml_syntax_errors_have_their_place() {
    let errors = errors("[theme]\nname = \"dark\n");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("2:") && e.contains("TOML")),
        "{errors:#?}"
    );
}

#[test]
fn every_problem_is_named_not_just_the_first() {
    let errors = errors(
        "[theme]\nname = \"nope\"\n[theme.styles]\ntext = { fg = \"mauve\" }\n[open]\nterminal = 1\n[list2]\n",
    );
    let places: Vec<&str> = errors
        .iter()
        .map(|e| e.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(places, ["2:8", "4:15", "6:12", "7:2"], "{errors:#?}");
}

#[test]
fn overrides_reach_the_theme_and_no_color_still_wins() {
    let config = parse(
        "[theme]\nname = \"light\"\n[theme.styles]\nselected = { fg = 208, bg = \"#102030\", bold = true }\n",
    )
    .expect("parses");
    let theme = config.theme.theme(None);
    assert_eq!(theme.name, tidings::config::ThemeName::Light);
    assert_eq!(theme.selected.fg, Some(ratatui::style::Color::Indexed(208)));
    assert_eq!(
        theme.selected.bg,
        Some(ratatui::style::Color::Rgb(0x10, 0x20, 0x30))
    );
    let plain = config.theme.theme(Some(std::ffi::OsStr::new("1")));
    assert_eq!(plain.name, tidings::config::ThemeName::Monochrome);
    assert_eq!((plain.selected.fg, plain.selected.bg), (None, None));
}

/// The configured command gets the URL as one argument, in the place of `{url}`, however many
/// shell metacharacters it holds: no shell ever reads it.
#[cfg(unix)]
#[test]
fn a_configured_open_command_gets_the_url_as_one_argument_and_no_shell() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("temp dir");
    let program = dir.path().join("fake-browser");
    let record = dir.path().join("args");
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            record.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let text = format!(
        "[open]\ncommand = [{:?}, \"--new-tab\", \"{{url}}\"]\nterminal = false\n",
        program.display().to_string()
    );
    let config = parse(&text).unwrap_or_else(|e| panic!("{e:#?}"));
    let command = config.open.command.clone().expect("a command");
    assert!(!command.terminal);

    let url = "https://example.org/a?b=1&c=$(touch${IFS}pwned);d=`touch${IFS}pwned2`&e=x";
    let candidates = tidings::opener::candidates(None, Some(&command));
    let opened = tidings::opener::open(&candidates, url).expect("opens");
    assert!(matches!(opened, tidings::opener::Opened::Detached { .. }));

    let start = Instant::now();
    while !record.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    let recorded = std::fs::read_to_string(&record).expect("recorded");
    let args: Vec<&str> = recorded.trim_end_matches('\0').split('\0').collect();
    assert_eq!(args, ["--new-tab", url]);
    assert!(!dir.path().join("pwned").exists());
    assert!(!dir.path().join("pwned2").exists());
}

#[test]
fn a_terminal_browser_runs_in_the_terminal_unless_told() {
    let config = parse("[open]\ncommand = [\"lynx\", \"{url}\"]\n").expect("parses");
    assert!(config.open.command.expect("a command").terminal);
    let config = parse("[open]\ncommand = [\"lynx\"]\nterminal = false\ncopy = [\"wl-copy\"]\n")
        .expect("parses");
    assert!(!config.open.command.expect("a command").terminal);
    assert_eq!(config.open.copy, Some(vec!["wl-copy".to_string()]));
}

/// `config check` prints every problem as `path:line:column: error: message` and exits 1;
/// `config path` follows `TIDINGS_CONFIG`; `config default` is a file `check` accepts.
#[test]
fn the_config_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[theme]\nname = 1\n[nope]\n").expect("write");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, default_file()).expect("write");
    let env = Env {
        tidings_config: Some(good.clone().into()),
        ..Env::default()
    };
    let run = |command, env: &Env| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = tidings::commands::config::run(&command, env, &mut out, &mut err);
        (
            status,
            String::from_utf8(out).expect("utf-8"),
            String::from_utf8(err).expect("utf-8"),
        )
    };
    use tidings::cli::ConfigCommand;
    let (status, out, _) = run(
        ConfigCommand::Check {
            path: Some(bad.clone()),
        },
        &env,
    );
    assert_eq!(status, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(&format!("{}:2:8: error: ", bad.display())));
    assert!(lines[1].starts_with(&format!("{}:3:2: error: ", bad.display())));

    let (status, out, _) = run(ConfigCommand::Check { path: None }, &env);
    assert_eq!((status, out), (0, format!("{}: ok\n", good.display())));
    let (status, out, _) = run(ConfigCommand::Path, &env);
    assert_eq!((status, out), (0, format!("{}\n", good.display())));
    let (status, out, _) = run(ConfigCommand::Default, &env);
    assert_eq!((status, out), (0, default_file()));

    let (status, _, err) = run(
        ConfigCommand::Check {
            path: Some(dir.path().join("missing.toml")),
        },
        &env,
    );
    assert_eq!(status, 2, "{err}");
    let nowhere = Env::default();
    assert_eq!(run(ConfigCommand::Path, &nowhere).0, 1);
    let standard = Env {
        xdg_config_home: Some(dir.path().into()),
        ..Env::default()
    };
    let (status, out, _) = run(ConfigCommand::Check { path: None }, &standard);
    assert_eq!(status, 0);
    assert!(out.ends_with("no such file; the defaults apply\n"), "{out}");
}

/// The reader does not start with a broken file: every problem, then how to start anyway, and
/// the usage exit status; `--no-config` starts it whatever the file says.
#[test]
fn the_reader_refuses_a_broken_file_and_says_how_to_start_anyway() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[theme]\nname = 1\n[nope]\n").expect("write");
    let out = assert_cmd::Command::cargo_bin("tidings")
        .expect("the binary")
        .arg("--config")
        .arg(&bad)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:2:8: error:", bad.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}:3:2: error:", bad.display())),
        "{err}"
    );
    assert!(err.contains("tidings --no-config"), "{err}");

    // With the variable, the same; with --no-config, the file is not read and the reader
    // goes on to its next check (a terminal, which a test has not).
    let out = assert_cmd::Command::cargo_bin("tidings")
        .expect("the binary")
        .env("TIDINGS_CONFIG", &bad)
        .arg("--no-config")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("bad.toml"), "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn key_bindings_merge_over_the_defaults() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use tidings::action::Action;
    use tidings::config::Mode;
    let config = parse(
        "[keys.browse]\nx = \"quit\"\nq = \"none\"\n\"ctrl-x ctrl-e\" = \"start_query\"\n\
         [keys.detail]\nesc = \"focus_prev\"\n",
    )
    .unwrap_or_else(|e| panic!("{e:#?}"));
    let keymap = &config.keymap;
    let press = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    for mode in Mode::PANES {
        assert_eq!(keymap.action_for(mode, &press('x')), Some(Action::Quit));
        assert_eq!(keymap.action_for(mode, &press('q')), None);
    }
    // Untouched keys keep their defaults; overlays still close with q.
    assert_eq!(
        keymap.action_for(Mode::List, &press('j')),
        Some(Action::MoveDown)
    );
    assert_eq!(
        keymap.action_for(Mode::Overlay, &press('q')),
        Some(Action::CloseOverlay)
    );
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(
        keymap.action_for(Mode::Detail, &esc),
        Some(Action::FocusPrev)
    );
    assert_eq!(
        keymap.action_for(Mode::Related, &esc),
        Some(Action::ShowList)
    );
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let held = keymap.resolve(Mode::List, None, &ctrl('x'));
    assert!(held.pending.is_some());
    assert_eq!(
        keymap.resolve(Mode::List, held.pending, &ctrl('e')).actions,
        [Action::StartQuery]
    );
}

#[test]
fn key_mistakes_are_named_where_they_are() {
    one_error(
        "[keys.list]\nx = \"quitt\"\n",
        "2:5",
        "no action is named \"quitt\"; did you mean \"quit\"?",
    );
    one_error(
        "[keys.list]\n\"ctrl-foo\" = \"quit\"\n",
        "2:1",
        "\"ctrl-foo\" is not a key: unknown key name",
    );
    one_error(
        "[keys.list]\n\"a b c\" = \"quit\"\n",
        "2:1",
        "a sequence is at most two keys",
    );
    one_error("[keys.list]\nx = 1\n", "2:5", "takes an action's name");
    one_error(
        "[keys.lists]\nx = \"quit\"\n",
        "1:7",
        "[keys] has no table \"lists\"; expected one of: browse, list, detail",
    );
    one_error(
        "[keys.list]\nx = \"quit\"\n\n[keys.everywhere]\nx = \"top\"\n",
        "5:1",
        "\"x\" is bound twice in the list: to \"quit\" in [keys.list] and to \"top\" here",
    );
    // The same key, spelled two ways.
    one_error(
        "[keys.list]\nG = \"quit\"\n\"shift-g\" = \"top\"\n",
        "3:1",
        "is bound twice in the list",
    );
    one_error(
        "[keys.browse]\nz = \"top\"\n\"z z\" = \"bottom\"\n",
        "3:1",
        "\"z\" is bound to an action and starts the sequence \"z z\"",
    );
    one_error(
        "[keys.browse]\nq = \"none\"\n[keys.everywhere]\n\"ctrl-c\" = \"none\"\n",
        "2:1",
        "this leaves no way to quit from the list",
    );
}

#[test]
fn every_key_mistake_is_named_at_once() {
    let errors = errors(
        "[keys.list]\nx = \"nope\"\n\"hyper-x\" = \"quit\"\n[keys.oops]\n[theme]\nname = \"x\"\n",
    );
    let places: Vec<&str> = errors
        .iter()
        .map(|e| e.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(places, ["2:5", "3:1", "4:7", "6:8"], "{errors:#?}");
}

#[test]
fn list_options_read_and_their_mistakes_are_named() {
    use tidings::config::{Column, DateStyle};
    use tidings::search::sort::SortKey;
    let config = parse(
        "[list]\nsort = \"quality\"\nreverse = true\ncolumns = [\"heat\", \"date\"]\ndates = \"both\"\n",
    )
    .unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(config.list.sort, SortKey::Quality);
    assert!(config.list.reverse);
    assert_eq!(config.list.columns, [Column::Heat, Column::Date]);
    assert_eq!(config.list.dates, DateStyle::Both);
    // No columns at all is a choice too.
    assert_eq!(
        parse("[list]\ncolumns = []\n").map(|c| c.list.columns).ok(),
        Some(Vec::new())
    );

    one_error(
        "[list]\nsort = \"newest\"\n",
        "2:8",
        "no sort is named \"newest\"",
    );
    one_error("[list]\nreverse = \"yes\"\n", "2:11", "true or false");
    one_error(
        "[list]\ncolumns = [\"date\", \"age\"]\n",
        "2:20",
        "no column is named \"age\"; expected some of: provider, date, quality, heat",
    );
    one_error(
        "[list]\ncolumns = [\"date\", \"date\"]\n",
        "2:20",
        "names \"date\" twice",
    );
    one_error(
        "[list]\ndates = \"iso\"\n",
        "2:9",
        "no date style is named \"iso\"",
    );
    one_error("[list]\norder = 1\n", "2:1", "[list] has no key \"order\"");
}

/// The list starts in the configured order, the other way round when asked, and shows the
/// configured columns in their order, with dates written as configured.
#[test]
fn list_options_reach_the_list() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use tidings::app::{self, Msg, Options, State};

    let config = parse(
        "[list]\nsort = \"date\"\nreverse = true\ncolumns = [\"quality\", \"date\"]\ndates = \"absolute\"\n",
    )
    .expect("parses");
    let now = "2026-11-23T12:00:00Z".parse().expect("time");
    let options = Options {
        list: config.list,
        ..Options::default()
    };
    let (mut state, _) = State::new(100, 12, now, options);
    let cards = [
        ("Newest", "2026-11-20T10:00:00Z", 5),
        ("Oldest", "2024-01-02T10:00:00Z", 7),
        ("Middle", "2025-06-01T10:00:00Z", 9),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (title, date, quality))| tidings::corpus::Card {
        id: tidings::corpus::CardId(i as u64 + 1),
        title: Some(title.into()),
        published_date_time: Some(date.parse().expect("date")),
        quality: Some(quality),
        provider: None,
        ..Default::default()
    })
    .collect::<Vec<_>>();
    app::update(
        &mut state,
        Msg::Loaded {
            cards: cards.into(),
            diagnostics: Vec::new(),
            progress: Default::default(),
        },
    );
    app::update(&mut state, Msg::LoadDone);

    let mut terminal = Terminal::new(TestBackend::new(100, 12)).expect("backend");
    terminal
        .draw(|frame| tidings::ui::draw(frame, &state, &tidings::config::Theme::default()))
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let rows: Vec<String> = (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer.cell((x, y)).map_or(" ", |c| c.symbol()))
                .collect()
        })
        .collect();
    let titles: Vec<&str> = ["Oldest", "Middle", "Newest"]
        .into_iter()
        .filter(|t| rows.iter().any(|r| r.contains(t)))
        .collect();
    assert_eq!(titles.len(), 3, "{rows:#?}");
    let row_of = |t: &str| rows.iter().position(|r| r.contains(t)).expect("a row");
    assert!(row_of("Oldest") < row_of("Middle") && row_of("Middle") < row_of("Newest"));
    let oldest = &rows[row_of("Oldest")];
    assert!(
        oldest.contains("q7 2024-01-02"),
        "quality, then the day: {oldest}"
    );
    assert!(
        rows.iter().any(|r| r.contains("sort: date, reversed")),
        "{rows:#?}"
    );
}

/// The README's example configuration is a good file.
#[test]
fn the_readme_example_is_a_good_file() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md reads");
    let section = readme
        .find("### The configuration file")
        .expect("a section on the file");
    let start = readme[section..].find("```toml\n").expect("an example") + section + 8;
    let end = readme[start..].find("```").expect("its end") + start;
    let config = parse(&readme[start..end]).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_ne!(config, Config::default());
}

#[test]
fn filter_options_read_and_their_mistakes_are_named() {
    use tidings::config::Matching;
    use tidings::search::fields::{Place, Places};
    let config = parse("[filter]\nfields = [\"title\", \"topics\"]\nmatch = \"fuzzy\"\n")
        .unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(
        config.filter.fields,
        Places::of(&[Place::Title, Place::Topic])
    );
    assert_eq!(config.filter.matching, Matching::Fuzzy);
    one_error(
        "[filter]\nfields = [\"title\", \"summary\"]\n",
        "2:20",
        "no field is named \"summary\"; expected some of: title, topic, provider, domain, \
         category, excerpt, body",
    );
    one_error("[filter]\nfields = []\n", "2:10", "name at least one field");
    one_error(
        "[filter]\nmatch = \"regex\"\n",
        "2:9",
        "no matching is named \"regex\"",
    );
    one_error(
        "[filter]\nfuzzy = true\n",
        "2:1",
        "[filter] has no key \"fuzzy\"",
    );
}

/// `[filter]` changes what plain terms find, in the reader's filter and in `tidings search`
/// alike; `--no-config` gives scripts the built-in meaning.
#[test]
fn filter_options_reach_the_reader_and_search() {
    use tidings::app::{Effect, Options, State};
    let dir = tempfile::tempdir().expect("temp dir");
    let card = |id: &str, title: &str, excerpt: &str| {
        std::fs::write(
            dir.path().join(format!("{id}.txt")),
            format!("---\ntitle: \"{title}\"\nexcerpt: \"{excerpt}\"\n---\n"),
        )
        .expect("write card");
    };
    card(
        "000_00000000000000a1",
        "Telescope finds a galaxy",
        "Far away.",
    );
    card(
        "000_00000000000000a2",
        "Weekly roundup",
        "A telescope and more.",
    );
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, "[filter]\nfields = [\"title\"]\n").expect("write config");
    let cards = dir.path().join("cards");
    std::fs::create_dir(&cards).expect("mkdir");
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::rename(&path, cards.join(path.file_name().expect("name"))).expect("move");
        }
    }
    let search = |extra: &[&str]| -> String {
        let mut cmd = assert_cmd::Command::cargo_bin("tidings").expect("binary");
        cmd.args(["search", "telescope", "-f", "paths", "--no-state"])
            .arg(&cards)
            .args(extra)
            .env("TIDINGS_CACHE_DIR", dir.path().join("cache"));
        let out = cmd.output().expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let configured = search(&["--config", config_path.to_str().expect("utf-8")]);
    assert!(
        configured.contains("a1") && !configured.contains("a2"),
        "{configured}"
    );
    let defaults = search(&["--no-config"]);
    assert!(
        defaults.contains("a1") && defaults.contains("a2"),
        "{defaults}"
    );

    // The reader: the same options make the same query mean the same.
    let config = file::parse(
        &std::fs::read_to_string(&config_path).expect("read"),
        &config_path,
    )
    .expect("parses");
    let options = Options {
        filter: config.filter,
        query: Some("telescope".into()),
        ..Options::default()
    };
    let (state, effects) = State::new(120, 40, jiff::Timestamp::UNIX_EPOCH, options);
    let Some(Effect::Filter { query, .. }) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::Filter { .. }))
    else {
        panic!("a query option asks for a filter");
    };
    drop(state);
    assert!(matches!(
        query.terms().next().map(|t| &t.kind),
        Some(tidings::search::syntax::TermKind::Words {
            scope: tidings::search::syntax::Scope::Fields(_),
            ..
        })
    ));
}

/// The saved searches' keys are bound like any other: `S` and `@` in the panes, rename and
/// delete in the picker.
#[test]
fn saved_search_keys_are_bindable() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use tidings::action::Action;
    use tidings::config::Mode;
    let config = parse(
        "[keys.browse]\n\"ctrl-s\" = \"save_search\"\n\"ctrl-o\" = \"saved_searches\"\n\
         [keys.overlay]\nx = \"delete_saved\"\nd = \"none\"\n",
    )
    .unwrap_or_else(|e| panic!("{e:#?}"));
    let keymap = &config.keymap;
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let plain = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        keymap.action_for(Mode::List, &ctrl('s')),
        Some(Action::SaveSearch)
    );
    assert_eq!(
        keymap.action_for(Mode::Detail, &ctrl('o')),
        Some(Action::SavedSearches)
    );
    assert_eq!(
        keymap.action_for(Mode::Overlay, &plain('x')),
        Some(Action::DeleteSaved)
    );
    assert_eq!(keymap.action_for(Mode::Overlay, &plain('d')), None);
    assert_eq!(
        keymap.action_for(Mode::Overlay, &plain('r')),
        Some(Action::RenameSaved)
    );
    let shift = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
    assert_eq!(
        keymap.action_for(Mode::List, &shift('S')),
        Some(Action::SaveSearch)
    );
}
