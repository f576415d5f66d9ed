//! A file's key in the cache: what says its bytes are the ones parsed last time without
//! reading them, and the "racy" rule for files changed too close to the moment the keys were
//! taken for their timestamps to tell.

use std::fs::Metadata;
use std::time::{SystemTime, UNIX_EPOCH};

/// (device, inode, size, modification time in nanoseconds): any write to a file, a rename of
/// another file over it or a copy in its place changes at least one of them, as far as the
/// file system's clock can tell (see [`FileKey::is_racy`] for where it cannot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileKey {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    /// Nanoseconds since the Unix epoch; before it, negative.
    pub mtime_ns: i64,
}

/// Timestamps with a fractional second are stamped from the kernel's coarse clock, which lags
/// the real time by at most one tick (10 ms at the slowest common rate); twice that, for margin.
const FINE_GRANULARITY_NS: i64 = 20_000_000;

/// Whole-second timestamps: the file system keeps seconds only, or two (FAT): two seconds.
const COARSE_GRANULARITY_NS: i64 = 2_000_000_000;

impl FileKey {
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> FileKey {
        use std::os::unix::fs::MetadataExt;
        FileKey {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_ns: meta
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(meta.mtime_nsec()),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &Metadata) -> FileKey {
        FileKey {
            dev: 0,
            ino: 0,
            size: meta.len(),
            mtime_ns: meta.modified().map_or(0, nanos_since_epoch),
        }
    }

    /// The "racy git" rule: a file whose modification time is not older than `taken_ns` (the
    /// moment its key was taken) by more than the file system's timestamp granularity may have
    /// been written again within the same tick, after it was read, without its key changing.
    /// Such a file is read again rather than trusted.
    pub fn is_racy(&self, taken_ns: i64) -> bool {
        let granularity = if self.mtime_ns.rem_euclid(1_000_000_000) == 0 {
            COARSE_GRANULARITY_NS
        } else {
            FINE_GRANULARITY_NS
        };
        self.mtime_ns > taken_ns.saturating_sub(granularity)
    }
}

/// Now, in nanoseconds since the Unix epoch: when a walk starts taking keys.
pub fn now_ns() -> i64 {
    nanos_since_epoch(SystemTime::now())
}

fn nanos_since_epoch(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000_000;

    fn key(mtime_ns: i64) -> FileKey {
        FileKey {
            mtime_ns,
            ..FileKey::default()
        }
    }

    #[test]
    fn a_file_older_than_a_tick_is_trusted() {
        let taken = 1_700_000_000 * SECOND + 500_000_000;
        assert!(!key(taken - SECOND + 3).is_racy(taken));
        assert!(!key(taken - FINE_GRANULARITY_NS - 1).is_racy(taken));
    }

    #[test]
    fn a_file_within_a_tick_or_later_is_racy() {
        let taken = 1_700_000_000 * SECOND + 500_000_000;
        assert!(key(taken - FINE_GRANULARITY_NS + 1).is_racy(taken));
        assert!(key(taken).is_racy(taken));
        assert!(key(taken + SECOND + 1).is_racy(taken));
    }

    #[test]
    fn whole_second_timestamps_are_racy_for_two_seconds() {
        let taken = 1_700_000_000 * SECOND + 500_000_000;
        assert!(key(1_700_000_000 * SECOND).is_racy(taken));
        assert!(key(1_699_999_999 * SECOND).is_racy(taken));
        assert!(!key(1_699_999_998 * SECOND).is_racy(taken));
    }

    #[test]
    fn times_before_the_epoch_are_negative() {
        let before = UNIX_EPOCH - std::time::Duration::from_secs(2);
        assert_eq!(nanos_since_epoch(before), -2 * SECOND);
    }
}
