//! The allocator's settings: freed memory goes back to the system.
//!
//! The binary allocates with mimalloc (see `main.rs`). Left to its defaults it keeps freed
//! pages for a second before giving them back, and asks for its heap in transparent huge
//! pages, which the system gives back whole or not at all: a reader holding 207 MB of live
//! data after loading 100k cards had 380 MB resident, most of it freed by the load and kept.
//! With the settings below it had 261 MB.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// mimalloc v3's `mi_option_purge_delay` (`mi_option_e` in its `mimalloc.h`; the -sys crate
/// names only the options of older versions). Milliseconds before freed pages are given
/// back: 1000 by default.
const PURGE_DELAY: mi_option_t = 15;
/// mimalloc v3's `mi_option_allow_thp`: back the heap with transparent huge pages (1 by
/// default).
const ALLOW_THP: mi_option_t = 43;

/// Gives freed memory back to the system at once, and in small pieces: for a process that
/// stays (the reader), at the cost of a fresh, zeroed page for much of what it allocates
/// later (a fifth of a warm `tidings search`'s time, which therefore keeps the defaults).
/// Call before starting threads, before there is much to give back.
pub fn give_back_freed_memory() {
    // SAFETY: setting an option is a plain store into mimalloc's option table; these two are
    // read when memory is next freed or mapped, and any value is valid for them. Called
    // before the binary starts its threads (the functions are not thread safe).
    unsafe {
        mi_option_set(PURGE_DELAY, 0);
        mi_option_set(ALLOW_THP, 0);
    }
    // mimalloc asked for huge pages for its first arena when the binary made its first
    // allocation, before `main`: the system is told to use none for this process.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libmimalloc_sys::mi_option_get;

    fn option(option: mi_option_t) -> std::ffi::c_long {
        // SAFETY: reading an option is a plain load from mimalloc's option table.
        unsafe { mi_option_get(option) }
    }

    /// The option numbers are mimalloc's, not the crate's: a mimalloc that renumbered them
    /// would have these defaults elsewhere (and the settings above would change others).
    #[test]
    fn the_option_numbers_name_the_options_meant() {
        assert_eq!(option(PURGE_DELAY), 1000, "mi_option_purge_delay's default");
        assert_eq!(option(ALLOW_THP), 1, "mi_option_allow_thp's default");
    }
}
