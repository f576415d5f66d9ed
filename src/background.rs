//! Work nobody waits for (merging the word index, writing the cache) runs at a lower priority
//! than the rest of tidings, so the cards' load, the screen and the answers to keys go first.
//! Indexing is paced by the filter worker instead (`search::worker`): somebody may wait for it.

/// Runs `work` on a thread of lower priority, for the threads it starts to inherit it
/// (tantivy starts its merging threads with the writer).
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

/// Lowers the calling thread's priority to Linux's idle class (scheduling is per thread
/// there), or failing that to the lowest nice value; elsewhere, where it would lower the whole
/// process, nothing.
///
/// Idle, not merely nice: at nice 10, tantivy's indexing and merging threads still took a
/// quarter of both cores during a cold load of 100k cards, and the loader's threads waited
/// for a core a third of the time (their run-queue wait, /proc/PID/task/TID/schedstat). An
/// idle thread runs when nothing else wants the core, so the cards are on screen first and
/// the index catches up behind them.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread (0 and its own id); a failure only
    // leaves the priority as it was.
    unsafe {
        let idle = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &idle) != 0 {
            let thread = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 19);
        }
    }
}
