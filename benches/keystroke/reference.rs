//! The yardsticks measured in the same run: `fzf --filter Q` over a file of the same cards'
//! titles, and reading every card file (`cat` to `/dev/null`). Also what the queries need from
//! the corpus: the titles, and its most common provider's name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Runs per reference figure; the median is reported.
const RUNS: usize = 3;

/// What the benchmark reads off the corpus, and the titles file made for fzf.
pub struct Corpus {
    pub titles: PathBuf,
    pub top_provider: String,
}

/// The value of a `key: "..."` line, its YAML double-quoted escapes undone (the generator
/// writes `\"`, `\\` and escapes for control characters).
fn quoted_value(text: &str, key: &str) -> Option<String> {
    let at = text.find(key)?;
    let rest = &text[at + key.len()..];
    let rest = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push(' '),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(
                        u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or('\u{fffd}'),
                    );
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Every card file under `dir`.
pub fn card_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "txt") => {
                    out.push(path)
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// Writes `<dir>.keystroke-titles` (one title a line) once, and finds the top provider.
pub fn read(dir: &Path) -> Result<Corpus, String> {
    let titles = dir.with_extension("keystroke-titles");
    let mut lines = String::new();
    let mut providers: HashMap<String, usize> = HashMap::new();
    for path in card_files(dir) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if let Some(title) = quoted_value(&text, "\ntitle: ") {
            lines.push_str(&title);
            lines.push('\n');
        }
        if let Some(name) = quoted_value(&text, "\nprovider:\n  name: ") {
            *providers.entry(name).or_default() += 1;
        }
    }
    std::fs::write(&titles, lines)
        .map_err(|e| format!("cannot write {}: {e}", titles.display()))?;
    let top_provider = providers
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(name, _)| name)
        .ok_or("no provider in the corpus")?;
    Ok(Corpus {
        titles,
        top_provider,
    })
}

fn median_run(program: &str, args: &[&str], input: Option<&Path>) -> Option<Duration> {
    crate::common::median_run(RUNS, program, args, input)
}

/// `fzf --filter Q < titles`, or `None` without fzf.
pub fn fzf(query: &str, titles: &Path) -> Option<Duration> {
    median_run("fzf", &["--filter", query], Some(titles))
}

/// Reading every file of the corpus to `/dev/null` with `cat` (the page cache is warm: the
/// files were just generated or read), or `None` without `sh`.
pub fn cat(dir: &Path) -> Option<Duration> {
    let script = "find \"$1\" -type f -name '*.txt' -print0 | xargs -0 cat > /dev/null";
    median_run("sh", &["-c", script, "sh", &dir.to_string_lossy()], None)
}
