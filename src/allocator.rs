//! Tuning of the allocator the binary and the benchmarks use (mimalloc).

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (mimalloc.h); the Rust bindings name
/// the options around it but not this one.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// mimalloc's own default for it, in milliseconds.
const DEFAULT_PURGE_DELAY: std::ffi::c_long = 1000;

/// Keeps freed memory for reuse instead of handing it back to the OS page by page.
///
/// Loading frees hundreds of megabytes of YAML trees; mimalloc returned them to the OS a
/// second later, lazily, inside whatever allocated next, which was the first filter after
/// loading: a one-letter query on 100k cards took about 34 ms instead of 14 to 18, and loading
/// itself spent a second in madvise. The memory is reused by later allocations either way; the
/// resident size after loading 100k cards differs by 5%. A `MIMALLOC_PURGE_DELAY` the user set
/// is left alone, and so is everything if the option is not where this version puts it.
pub fn keep_freed_memory() {
    // SAFETY: mi_option_get and mi_option_set only read and write an entry of mimalloc's option
    // table; they take any option number and touch no memory of ours.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT_PURGE_DELAY {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_number_is_the_purge_delay() {
        // If the number were another option's, it would not hold mimalloc's purge default.
        // SAFETY: as in keep_freed_memory.
        let value = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        let from_env = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
        assert!(
            from_env || value == super::DEFAULT_PURGE_DELAY || value == -1,
            "{value}"
        );
    }
}
