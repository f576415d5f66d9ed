//! Work nobody waits for (indexing, merging, writing the cache) runs at a lower priority than
//! the rest of tidings, so the cards' load, the screen and the answers to keys go first.

/// Runs `work` on a thread of lower priority, for the threads it starts to inherit it
/// (tantivy starts its indexing threads with the writer and again at each commit).
pub fn in_background<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let mut work = Some(work);
    let done = std::thread::scope(|scope| {
        let task = &mut work;
        let started = std::thread::Builder::new()
            .name("tidings-background".into())
            .spawn_scoped(scope, move || {
                lower_priority();
                task.take().map(|work| work())
            });
        // A thread that started took the work and ran it (or panicked: so does this one).
        started.ok().and_then(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    });
    match (done, work) {
        (Some(result), _) => result,
        // No thread to be had: the work is still here, and runs at the usual priority.
        (None, Some(work)) => work(),
        (None, None) => unreachable!("a thread that started returned what the work gave"),
    }
}

/// Drops `value` on a thread of its own, for an answer not to wait while the bookkeeping of a
/// load is freed (100k files' paths and keys take tens of milliseconds). A process that ends
/// first leaves it to the system, which takes everything back at once; without a thread to be
/// had, it is dropped here.
pub fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("tidings-drop".into())
        .spawn(move || drop(value));
}

/// Lowers the calling thread's priority (Linux's nice values are per thread); elsewhere, where
/// it would lower the whole process, nothing.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id; a failure only leaves the
    // priority as it was.
    unsafe {
        let thread = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 10);
    }
}
