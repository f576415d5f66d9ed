//! `tidings cache info|clear`: what the cache of parsed cards holds, and removing it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::exit;
use super::output::deliver;
use crate::cli::{CacheCommand, CacheTarget};
use crate::library::cache::{self, Folder, Roots};
use crate::text;

pub fn run(command: &CacheCommand, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (CacheCommand::Info(target) | CacheCommand::Clear(target)) = command;
    let Some(folder) = Folder::locate(target.cache_dir.as_deref()) else {
        let _ = writeln!(
            err,
            "tidings: no cache folder: there is no home folder; set {} or --cache-dir",
            cache::ENV_DIR
        );
        return exit::USAGE;
    };
    let files = match files_of(&folder, target) {
        Ok(files) => files,
        Err(e) => {
            let _ = writeln!(err, "tidings: {}", text::clean_line(&e));
            return exit::USAGE;
        }
    };
    match command {
        CacheCommand::Info(_) => info(&folder, &files, out, err),
        CacheCommand::Clear(_) => clear(&files, out, err),
    }
}

/// The cache files meant: those of the PATHs (whether they exist or not), else all.
fn files_of(folder: &Folder, target: &CacheTarget) -> Result<Vec<PathBuf>, String> {
    if target.paths.is_empty() {
        return Ok(folder.caches());
    }
    let roots = Roots::of(&target.paths).map_err(|e| format!("cannot resolve the PATHs: {e}"))?;
    Ok(vec![folder.file_for(roots.canonical())])
}

fn info(folder: &Folder, files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let infos: Vec<cache::Info> = files.iter().map(|f| cache::info(f)).collect();
    let written = deliver(out, err, |out| {
        let total: u64 = infos.iter().map(|i| i.bytes).sum();
        writeln!(
            out,
            "{}: {} cache{}, {}",
            text::clean_line(&folder.path().display().to_string()),
            infos.len(),
            if infos.len() == 1 { "" } else { "s" },
            size(total)
        )?;
        for info in &infos {
            writeln!(
                out,
                "\n{}",
                text::clean_line(&info.path.display().to_string())
            )?;
            writeln!(out, "  size:    {}", size(info.bytes))?;
            if let Some(bytes) = folder_bytes(&cache::index_for(&info.path)) {
                writeln!(out, "  index:   {} (word index)", size(bytes))?;
            }
            match &info.contents {
                Ok(c) => {
                    for root in &c.roots {
                        let root = root.display().to_string();
                        writeln!(out, "  folder:  {}", text::clean_line(&root))?;
                    }
                    writeln!(
                        out,
                        "  cards:   {} (from {})",
                        c.cards,
                        crate::view::count(c.files, "file")
                    )?;
                    writeln!(out, "  written: {}", time(c.written_ns))?;
                }
                Err(why) => writeln!(
                    out,
                    "  unusable: {} (rebuilt on the next run)",
                    text::clean_line(why)
                )?,
            }
            if let Some(opened) = info.opened {
                let opened = jiff::Timestamp::try_from(opened).map_or_else(
                    |_| "?".to_string(),
                    |t| {
                        t.round(jiff::Unit::Second)
                            .map_or_else(|_| t.to_string(), |t| t.to_string())
                    },
                );
                writeln!(out, "  opened:  {opened}")?;
            }
        }
        Ok(())
    });
    match written {
        Ok(()) => exit::OK,
        Err(status) => status,
    }
}

fn clear(files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut removed = 0;
    let mut failed = false;
    for file in files {
        // The word index goes with its cache, and is rebuilt with it.
        match std::fs::remove_dir_all(cache::index_for(file)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                failed = true;
                let line = format!("cannot remove the word index of {}: {e}", file.display());
                let _ = writeln!(err, "tidings: {}", text::clean_line(&line));
            }
        }
        match std::fs::remove_file(file) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                failed = true;
                let line = format!("cannot remove {}: {e}", file.display());
                let _ = writeln!(err, "tidings: {}", text::clean_line(&line));
            }
        }
    }
    let written = deliver(out, err, |out| {
        writeln!(
            out,
            "removed {removed} cache{}",
            if removed == 1 { "" } else { "s" }
        )
    });
    match written {
        Err(status) => status,
        Ok(()) if failed => exit::FOUND_PROBLEMS,
        Ok(()) => exit::OK,
    }
}

/// The bytes of the files directly in `folder`, if it exists.
fn folder_bytes(folder: &Path) -> Option<u64> {
    let entries = std::fs::read_dir(folder).ok()?;
    Some(
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
            .sum(),
    )
}

fn time(ns: i64) -> String {
    jiff::Timestamp::from_nanosecond(i128::from(ns))
        .and_then(|t| t.round(jiff::Unit::Second))
        .map_or_else(|_| "?".to_string(), |t| t.to_string())
}

/// Bytes in units of 1024, as `--max-size` takes them.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
