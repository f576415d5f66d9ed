//! Filtering off the UI thread: the latest query wins and stale work is dropped (after gitui's
//! `AsyncSingleJob`), and the word index follows the corpus in the background.
//!
//! One thread owns the [`WordIndex`]. It answers one request at a time; requests submitted
//! meanwhile replace each other, so only the newest runs next, and the running one gives up
//! early when a newer one arrives. Between requests it indexes the cards of the newest store it
//! was shown ([`FilterWorker::catch_up`]), a slice at a time so a request never waits long, and
//! reports how far it got, so the reader can say "indexing" until every card is in. A request
//! first brings the index up to its own store, so its answer covers every card it was sent.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::engine::{Found, Hit, find, find_into, likely_next, warm};
use super::index::{IndexError, LEAD_LETTERS, WordIndex};
use super::syntax::{Query, Scope, TermKind};
use crate::corpus::CardStore;
use crate::library::state::Marks;

/// What to filter: a query over a snapshot of the cards loaded so far.
#[derive(Debug, Clone)]
pub struct FilterRequest {
    /// Chosen by the caller, increasing; echoed in the result so stale results can be told.
    pub generation: u64,
    pub query: Query,
    /// A cheap clone of the snapshot's store; the reader may apply deltas to its own meanwhile.
    pub cards: CardStore,
    /// The epoch of the snapshot `cards` comes from.
    pub epoch: u64,
    /// The reading state `is:` terms test; `None` without one.
    pub marks: Option<Arc<Marks>>,
}

/// The matches for one request.
#[derive(Debug, Clone)]
pub struct FilterResult {
    pub generation: u64,
    /// The epoch the hits' positions belong to.
    pub epoch: u64,
    /// Slots of the store the index had taken in: the cards after them were not searched.
    pub covered: usize,
    /// The matches, or why the index could not be used.
    pub found: Result<Arc<Found>, IndexError>,
}

/// Every saved search's query, to count its matches in the background (the picker's counts).
#[derive(Debug, Clone)]
pub struct CountRequest {
    pub generation: u64,
    /// Each saved search's query, or why it does not parse (passed through as the answer).
    pub queries: Vec<Result<Query, String>>,
    pub cards: CardStore,
    pub epoch: u64,
    /// The reading state, for `is:` terms and the unread counts.
    pub marks: Option<Arc<Marks>>,
}

/// How many cards a saved search matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Word matches and, below [`super::engine`]'s threshold, approximate ones: the rows the
    /// list would show.
    pub matching: usize,
    /// How many of those are unread.
    pub unread: usize,
}

/// The answer to a [`CountRequest`], in the order of its queries.
#[derive(Debug, Clone)]
pub struct Counted {
    pub generation: u64,
    pub epoch: u64,
    pub counts: Vec<Result<Count, String>>,
}

/// How far the index has caught up with the newest store it was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indexed {
    pub epoch: u64,
    /// Slots indexed (all of the store's when `done`).
    pub slots: usize,
    pub done: bool,
}

/// What the worker tells its owner.
#[derive(Debug, Clone)]
pub enum Report {
    Filtered(FilterResult),
    Indexed(Indexed),
    Counted(Counted),
}

type Notify = Box<dyn Fn(Report) + Send>;

/// The reader's indexing threads: one, so the other core keeps the screen and the keys.
const INDEXING_THREADS: usize = 1;
/// Cards indexed between two looks for a newer request: a few tens of milliseconds.
const SLICE: usize = 1024;
/// While indexing a load, how often what is indexed is committed (made searchable).
const COMMIT_EVERY: Duration = Duration::from_millis(300);
/// The same once the load is over and only what it held back is left: each commit writes a
/// segment, and a few big ones are written (and later merged) sooner than many small ones.
const COMMIT_AFTER_LOAD_EVERY: Duration = Duration::from_secs(1);
/// Documents handed to the index's writer and not yet indexed, at most: a fifth of a second
/// of its work. The writer blocks once its own queue is full, and a commit waits for every
/// queued document; the worker must stay free to answer.
const QUEUED_AT_MOST: usize = 2 * SLICE;
/// How soon the worker looks again when indexing waits on the writer (a full queue, or a
/// commit waiting for it to empty).
const RETRY: Duration = Duration::from_millis(20);

/// A background thread that filters the cards, always working on the newest request.
pub struct FilterWorker {
    shared: Arc<Shared>,
    /// `None` if the thread could not be started; requests are then answered in `submit`.
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    /// Raised when a newer request (or a stop) is waiting, so a running search stops early.
    interrupt: AtomicBool,
    /// The index, behind a lock only so the inline fallback can reach it too.
    index: Mutex<Result<WordIndex, IndexError>>,
    notify: Mutex<Notify>,
}

#[derive(Default)]
struct Pending {
    request: Option<FilterRequest>,
    /// Saved searches to count, after any request.
    counts: Option<CountRequest>,
    /// The newest store to index, with its epoch.
    store: Option<(CardStore, u64)>,
    /// The store the index last caught up with, for the work done while idle.
    latest: Option<CardStore>,
    /// A store loading settled on, to drop from the index what it no longer holds.
    settle: Option<(CardStore, u64)>,
    /// Loading has settled once: before that every batch changes the index, and looking
    /// terms up ahead would be work thrown away at the next one.
    settled: bool,
    /// One-letter terms still to look up ahead of the user (see [`super::engine::warm`]).
    warm: Vec<char>,
    /// What the next key likely makes of the two-letter term being typed, to look up ahead of
    /// it; dropped once a key comes.
    ahead: Option<LookAhead>,
    /// The index is merging its segments: look now and then whether it is done.
    merging: bool,
    /// A question came while loading: somebody waits for the cards still to be indexed, so
    /// from then on this load's cards are indexed as they come. Until then, a load's new
    /// documents wait for its end: the cards' load goes first.
    asked_while_loading: bool,
    /// Indexing waits on the writer: `store` and `settle` are taken up again from then on.
    retry_at: Option<Instant>,
    stop: bool,
}

impl Pending {
    /// Leaves `cards` of `epoch` to be indexed further, after any request that came
    /// meanwhile, unless a newer store came.
    fn keep_store(&mut self, cards: &CardStore, epoch: u64) {
        if self.store.is_none() {
            self.store = Some((cards.clone(), epoch));
        }
    }
}

/// Locks, carrying on through poisoning: the guarded data stays consistent in this module
/// (every critical section is a plain assignment or a whole index operation), so a panic
/// elsewhere must not spread.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FilterWorker {
    /// Starts the worker; `notify` receives each report, on the worker's thread, and should
    /// hand it on (e.g. send it down the event channel) rather than block.
    ///
    /// The index is the one stored in `home` (see [`WordIndex::at`]), opened on the worker's
    /// thread so start-up never waits for it.
    pub fn spawn(home: Option<PathBuf>, notify: impl Fn(Report) + Send + 'static) -> FilterWorker {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            interrupt: AtomicBool::new(false),
            index: Mutex::new(Err(IndexError::not_open())),
            notify: Mutex::new(Box::new(notify)),
        });
        let for_thread = Arc::clone(&shared);
        let opening = home.clone();
        let thread = std::thread::Builder::new()
            .name("tidings-filter".into())
            .spawn(move || {
                // Before anything else, so no work ever finds the index unopened.
                *lock(&for_thread.index) = WordIndex::at(opening.as_deref(), INDEXING_THREADS);
                // Its own threads for the work it spreads over the cores: in the shared pool,
                // that work waited behind the load's parsing, and a key typed while loading
                // was answered only once the load was over.
                let cores = std::thread::available_parallelism().map_or(2, usize::from);
                match rayon::ThreadPoolBuilder::new()
                    .num_threads(cores)
                    .thread_name(|i| format!("tidings-filter-{i}"))
                    .build()
                {
                    Ok(pool) => pool.install(|| run(&for_thread)),
                    Err(_) => run(&for_thread),
                }
            })
            .ok();
        if thread.is_none() {
            *lock(&shared.index) = WordIndex::at(home.as_deref(), INDEXING_THREADS);
        }
        FilterWorker { shared, thread }
    }

    /// Queues `request`, replacing any request not yet started, and interrupts the running
    /// one: its result would be stale.
    pub fn submit(&self, request: FilterRequest) {
        if self.thread.is_none() {
            // No thread to hand it to: filtering late beats never filtering.
            let never = AtomicBool::new(false);
            // Everything is indexed first: no thread would index the rest later.
            if let Ok(index) = lock(&self.shared.index).as_mut() {
                index.catch_up(&request.cards, request.epoch, usize::MAX);
                // A failed commit leaves the cards out; the answer says nothing of it, so the
                // next request tries again.
                let _ = index.commit(false);
            }
            if let Some((result, _)) = answer(&self.shared, request, &never, Vec::new()) {
                (lock(&self.shared.notify))(Report::Filtered(result));
            }
            return;
        }
        let mut pending = lock(&self.shared.pending);
        pending.request = Some(request);
        // Under the lock: raised after the worker took this very request, it would cancel it.
        self.shared.interrupt.store(true, Ordering::Relaxed);
        drop(pending);
        self.shared.wake.notify_one();
    }

    /// Queues counting the saved searches' matches, replacing any count not yet started; a
    /// filter request goes first.
    pub fn count(&self, request: CountRequest) {
        if self.thread.is_none() {
            let never = AtomicBool::new(false);
            if let Some(counted) = count(&self.shared, &request, &never) {
                (lock(&self.shared.notify))(Report::Counted(counted));
            }
            return;
        }
        lock(&self.shared.pending).counts = Some(request);
        self.shared.wake.notify_one();
    }

    /// Once loading has settled on `cards`: the index drops what no card holds any more
    /// (see [`WordIndex::settle`]), after any indexing and requests.
    pub fn settle(&self, cards: CardStore, epoch: u64) {
        if self.thread.is_none() {
            if let Ok(index) = lock(&self.shared.index).as_mut() {
                index.catch_up(&cards, epoch, usize::MAX);
                let _ = index.settle(&cards, epoch);
            }
            return;
        }
        lock(&self.shared.pending).settle = Some((cards, epoch));
        self.shared.wake.notify_one();
    }

    /// Shows the worker the newest store, to index in the background.
    pub fn catch_up(&self, cards: CardStore, epoch: u64) {
        if self.thread.is_none() {
            // Indexed when the next request comes.
            return;
        }
        lock(&self.shared.pending).store = Some((cards, epoch));
        self.shared.wake.notify_one();
    }
}

impl Drop for FilterWorker {
    /// Tells the thread to stop and lets it go without waiting: a search in progress notices
    /// the interrupt soon, and quitting the reader must never wait for it.
    fn drop(&mut self) {
        {
            let mut pending = lock(&self.shared.pending);
            pending.stop = true;
            pending.request = None;
            pending.counts = None;
            pending.store = None;
            pending.latest = None;
            pending.settle = None;
            self.shared.interrupt.store(true, Ordering::Relaxed);
        }
        self.shared.wake.notify_all();
        self.thread.take();
    }
}

/// Terms to look up ahead of the next key (see [`super::engine::likely_next`]), most likely
/// last, in the store the last answer searched.
struct LookAhead {
    terms: Vec<(Scope, String)>,
    cards: CardStore,
}

/// What the thread does next.
enum Work {
    Answer(FilterRequest),
    Count(CountRequest),
    Index(CardStore, u64),
    Settle(CardStore, u64),
    /// Look up one one-letter term ahead of the user.
    Warm(char, CardStore),
    /// Look up one likely next prefix of the term being typed ahead of the user.
    Ahead(Scope, String, CardStore),
    /// Nothing asked for a while: pick up merges the index finished meanwhile.
    Idle,
}

/// How long the thread waits, idle, before it looks whether a merge has finished (and lets
/// go of the answers it kept to write the next ones over).
const IDLE: Duration = Duration::from_secs(1);

/// The answers sent lately, whose memory the next answer is written over once the reader has
/// let go of them: the reader keeps the answer it shows until the next one comes, so the one
/// before it is free when a key comes after that. Let go of when the worker is idle, so no
/// memory is kept from the system for long.
#[derive(Default)]
struct Recycled {
    sent: Vec<Arc<Found>>,
}

impl Recycled {
    /// The reader was sent `found`.
    fn sent(&mut self, found: &Arc<Found>) {
        // The reader holds one; two more cover answers it dropped unshown.
        const KEPT: usize = 3;
        if self.sent.len() >= KEPT {
            self.sent.remove(0);
        }
        self.sent.push(Arc::clone(found));
    }

    /// The biggest memory for hits that nobody else holds any more, emptied; the answers the
    /// reader still holds are kept.
    fn spare(&mut self) -> Vec<Hit> {
        let mut spare: Vec<Hit> = Vec::new();
        for found in std::mem::take(&mut self.sent) {
            match Arc::try_unwrap(found) {
                Ok(found) if found.hits.capacity() > spare.capacity() => spare = found.hits,
                Ok(_) => {}
                Err(held) => self.sent.push(held),
            }
        }
        spare.clear();
        spare
    }
}

fn run(shared: &Shared) {
    let mut last_commit = Instant::now();
    let mut recycled = Recycled::default();
    loop {
        let work = {
            let mut pending = lock(&shared.pending);
            loop {
                if pending.stop {
                    return;
                }
                if let Some(request) = pending.request.take() {
                    // Under the lock, so a submit racing with this take is never missed.
                    shared.interrupt.store(false, Ordering::Relaxed);
                    pending.ahead = None;
                    break Work::Answer(request);
                }
                if let Some(request) = pending.counts.take() {
                    shared.interrupt.store(false, Ordering::Relaxed);
                    break Work::Count(request);
                }
                let retry_in = pending
                    .retry_at
                    .map(|at| at.saturating_duration_since(Instant::now()));
                if retry_in.is_none_or(|wait| wait.is_zero()) {
                    pending.retry_at = None;
                    if let Some((cards, epoch)) = pending.store.take() {
                        break Work::Index(cards, epoch);
                    }
                    if let Some((cards, epoch)) = pending.settle.take() {
                        break Work::Settle(cards, epoch);
                    }
                }
                if let Some(ahead) = pending.ahead.as_mut()
                    && let Some((scope, word)) = ahead.terms.pop()
                {
                    let cards = ahead.cards.clone();
                    if ahead.terms.is_empty() {
                        pending.ahead = None;
                    }
                    break Work::Ahead(scope, word, cards);
                }
                if let Some(cards) = pending.latest.clone()
                    && let Some(first) = pending.warm.pop()
                {
                    break Work::Warm(first, cards);
                }
                let (guard, timeout) = shared
                    .wake
                    .wait_timeout(pending, retry_in.unwrap_or(IDLE).min(IDLE))
                    .unwrap_or_else(PoisonError::into_inner);
                pending = guard;
                if timeout.timed_out() && retry_in.is_none() {
                    // A whole while without work.
                    recycled = Recycled::default();
                }
                if timeout.timed_out() && pending.retry_at.is_none() && pending.merging {
                    break Work::Idle;
                }
            }
        };
        match work {
            Work::Answer(request) => {
                let typing =
                    typed_prefix(&request.query).map(|typed| (typed, request.cards.clone()));
                let result = answer(shared, request, &shared.interrupt, recycled.spare());
                if let Some((
                    FilterResult {
                        found: Ok(found), ..
                    },
                    _,
                )) = &result
                {
                    recycled.sent(found);
                }
                if result.as_ref().is_some_and(|(_, changed)| *changed) {
                    refill_warm(shared, cards_of(shared));
                }
                let result = result.map(|(result, _)| result);
                // A newer request is waiting: this result is stale and the UI would discard it.
                if let Some(result) = result
                    && !shared.interrupt.load(Ordering::Relaxed)
                {
                    (lock(&shared.notify))(Report::Filtered(result));
                    if let Some(((scope, word), cards)) = typing {
                        look_ahead(shared, scope, &word, cards);
                    }
                }
            }
            Work::Count(request) => match count(shared, &request, &shared.interrupt) {
                Some(counted) => (lock(&shared.notify))(Report::Counted(counted)),
                // A filter request came: count again after it, unless a newer count did.
                None => {
                    lock(&shared.pending).counts.get_or_insert(request);
                }
            },
            Work::Index(cards, epoch) => {
                let report = {
                    let mut index = lock(&shared.index);
                    let Ok(index) = index.as_mut() else { continue };
                    let (loading, asked) = {
                        let pending = lock(&shared.pending);
                        (!pending.settled, pending.asked_while_loading)
                    };
                    let held_back = loading && !asked;
                    // What is indexed is searchable only once committed; a commit costs, so it
                    // waits for a while of indexing (or the end), and for the writer to have
                    // indexed what it was given (else it would wait for that here): once one
                    // is due, the writer is given nothing more until then.
                    let every = if loading {
                        COMMIT_EVERY
                    } else {
                        COMMIT_AFTER_LOAD_EVERY
                    };
                    let commit_due =
                        last_commit.elapsed() >= every && index.has_uncommitted_documents();
                    let room = if held_back || commit_due {
                        0
                    } else {
                        QUEUED_AT_MOST.saturating_sub(index.queued())
                    };
                    let progress = index.catch_up_within(&cards, epoch, SLICE, room);
                    // Caught up with this store, but while loading another batch is coming:
                    // the index has caught up when loading settles (`Work::Settle`).
                    let caught_up = progress.done && !loading;
                    // A failed commit is tried again. Slots that only matched held documents
                    // cost nothing to cover: at once.
                    let due = commit_due || caught_up;
                    let committed = index.has_uncommitted()
                        && ((!caught_up && index.cover_matched())
                            || (due && index.queued() == 0 && {
                                last_commit = Instant::now();
                                index.commit(caught_up).is_ok()
                            }));
                    let mut pending = lock(&shared.pending);
                    if progress.done {
                        pending.merging = index.is_unmerged();
                        pending.latest = Some(cards.clone());
                    }
                    // The rest, or the commit, after any request that came meanwhile (unless a
                    // newer store did); soon, when waiting on the writer. Slots held back for
                    // the load wait for a question or for the load's end.
                    let held = held_back && progress.full;
                    let more = !progress.done && !held;
                    let uncommitted =
                        index.has_uncommitted_documents() || (caught_up && index.has_uncommitted());
                    if more || uncommitted {
                        pending.keep_store(&cards, epoch);
                        if progress.full || uncommitted {
                            pending.retry_at = Some(Instant::now() + RETRY);
                        }
                    }
                    committed.then_some(Indexed {
                        epoch,
                        slots: index.covers().1,
                        done: progress.done,
                    })
                };
                if let Some(indexed) = report {
                    if indexed.done {
                        refill_warm(shared, cards_of(shared));
                    }
                    (lock(&shared.notify))(Report::Indexed(indexed));
                }
            }
            Work::Settle(cards, epoch) => {
                // Made once per set of slots, here rather than on the first key that needs
                // them: the rank of every match, and the scattered-letters tier.
                cards.date_order();
                cards.title_letters();
                let mut index = lock(&shared.index);
                let mut report = None;
                if let Ok(index) = index.as_mut() {
                    {
                        let mut pending = lock(&shared.pending);
                        pending.settled = true;
                        pending.asked_while_loading = false;
                        // What the load held back is indexed first, slice by slice (the
                        // worker answering in between), and then the index settles.
                        if index.backlog(&cards, epoch) > 0 || index.queued() > 0 {
                            pending.keep_store(&cards, epoch);
                            if pending.settle.is_none() {
                                pending.settle = Some((cards, epoch));
                            }
                            continue;
                        }
                    }
                    index.catch_up(&cards, epoch, usize::MAX);
                    // A failure keeps a few documents no card holds; the next load drops them.
                    let _ = index.settle(&cards, epoch);
                    // The load's last batches were taken in here (see `Work::Index`): the
                    // index has caught up.
                    report = Some(Indexed {
                        epoch,
                        slots: index.covers().1,
                        done: true,
                    });
                    let mut pending = lock(&shared.pending);
                    pending.merging = index.is_unmerged();
                    pending.settled = true;
                    pending.latest = Some(cards);
                }
                drop(index);
                refill_warm(shared, cards_of(shared));
                if let Some(indexed) = report {
                    (lock(&shared.notify))(Report::Indexed(indexed));
                }
            }
            Work::Warm(first, cards) => {
                let stop = || shared.interrupt.load(Ordering::Relaxed);
                let finished = match lock(&shared.index).as_ref() {
                    Ok(index) => warm(index, &cards, Scope::Any, &first.to_string(), &stop),
                    Err(_) => true,
                };
                if !finished {
                    // A key came: it goes first, and this letter after it.
                    lock(&shared.pending).warm.push(first);
                }
            }
            Work::Ahead(scope, word, cards) => {
                // Interrupted, it is left: the key it was for came.
                let stop = || shared.interrupt.load(Ordering::Relaxed);
                if let Ok(index) = lock(&shared.index).as_ref() {
                    warm(index, &cards, scope, &word, &stop);
                }
            }
            Work::Idle => {
                let (changed, merged) = match lock(&shared.index).as_mut() {
                    Ok(index) => (index.refresh().unwrap_or(false), !index.is_unmerged()),
                    Err(_) => (false, true),
                };
                lock(&shared.pending).merging = !merged;
                if changed {
                    refill_warm(shared, cards_of(shared));
                }
            }
        }
    }
}

/// Searches what the index has committed of the request's store; `None` if interrupted. Cards
/// not yet indexed are left to the background, and the owner asks again once
/// [`Report::Indexed`] says more are in.
fn answer(
    shared: &Shared,
    request: FilterRequest,
    interrupt: &AtomicBool,
    spare: Vec<Hit>,
) -> Option<(FilterResult, bool)> {
    let FilterRequest {
        generation,
        query,
        cards,
        epoch,
        marks,
    } = request;
    let mut index = lock(&shared.index);
    let mut changed = false;
    let mut covered = 0;
    let found = match index.as_mut() {
        Err(e) => Err(e.clone()),
        Ok(index) => {
            // A small backlog (a live-reload delta, a few cards) is indexed before answering, so
            // the answer has it; a big one (a load) is left to the background, slice by slice.
            if index.backlog(&cards, epoch) <= SLICE {
                index.catch_up(&cards, epoch, SLICE);
                if index.has_uncommitted() {
                    let _ = index.commit(true);
                }
            }
            if index.covers() != (Some(epoch), cards.slots()) {
                let mut pending = lock(&shared.pending);
                pending.keep_store(&cards, epoch);
                pending.asked_while_loading |= !pending.settled;
            }
            covered = index.covers().1;
            // Slots matched since the last commit are taken in. A merge finished meanwhile is
            // left to the idle worker: matching a merged segment's documents to slots again
            // takes tens of milliseconds a key must not wait for, and the segments it merged
            // give the same answer.
            let refreshed = if index.has_new_matching() {
                index.refresh()
            } else {
                Ok(false)
            };
            match refreshed {
                Err(e) => Err(e),
                Ok(refreshed) => {
                    changed = refreshed;
                    Ok(Arc::new(find_into(
                        &query,
                        index,
                        &cards,
                        marks.as_deref(),
                        interrupt,
                        spare,
                    )?))
                }
            }
        }
    };
    let result = FilterResult {
        generation,
        epoch,
        covered,
        found,
    };
    Some((result, changed))
}

/// Counts each query's matches in what the index holds; `None` if interrupted.
fn count(shared: &Shared, request: &CountRequest, interrupt: &AtomicBool) -> Option<Counted> {
    let mut index = lock(&shared.index);
    // Slots covered since matching last saw them (see `WordIndex::cover_matched`) are taken
    // in, as for an answer.
    if let Ok(index) = index.as_mut()
        && index.has_new_matching()
    {
        // A failure leaves matching as it was: the counts cover what it saw.
        let _ = index.refresh();
    }
    let marks = request.marks.as_deref();
    let mut counts = Vec::with_capacity(request.queries.len());
    for query in &request.queries {
        counts.push(match (query, index.as_ref()) {
            (Err(why), _) => Err(why.clone()),
            (Ok(_), Err(e)) => Err(e.to_string()),
            (Ok(query), Ok(index)) => {
                let found = find(query, index, &request.cards, marks, interrupt)?;
                let unread = found
                    .hits
                    .iter()
                    .filter_map(|h| request.cards.get(h.ix))
                    .filter(|c| marks.is_some_and(|m| !m.is_read(c.id)))
                    .count();
                Ok(Count {
                    matching: found.hits.len(),
                    unread,
                })
            }
        });
    }
    Some(Counted {
        generation: request.generation,
        epoch: request.epoch,
        counts,
    })
}

/// The store the index last caught up with.
fn cards_of(shared: &Shared) -> Option<CardStore> {
    lock(&shared.pending).latest.clone()
}

/// The letters and digits looked up ahead of the user, in order.
const WARM_ORDER: &str = "scpdmatbrfhegilwonuvkjyqzx0123456789";

/// How many likely next prefixes of a two-letter term are looked up ahead of the next key: at
/// a million cards each takes 10-30 ms, and a person's next key comes 100-300 ms later.
const LIKELY_NEXT: usize = 2;

/// The term being typed, when it is a plain term of two letters: the last of `query`.
fn typed_prefix(query: &Query) -> Option<(Scope, String)> {
    let term = query.terms().last()?;
    match &term.kind {
        TermKind::Words {
            scope,
            words,
            last_is_prefix: true,
        } if !term.negated => match words.as_slice() {
            [word] if word.chars().count() == LEAD_LETTERS => Some((*scope, word.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// Queues the likely next prefixes of `word` to look up, in `cards`, ahead of the next key.
fn look_ahead(shared: &Shared, scope: Scope, word: &str, cards: CardStore) {
    let likely = match lock(&shared.index).as_ref() {
        Ok(index) => likely_next(index, scope, word, LIKELY_NEXT, &|| {
            shared.interrupt.load(Ordering::Relaxed)
        }),
        Err(_) => return,
    };
    let mut pending = lock(&shared.pending);
    // A key came meanwhile: what it makes of the term is known.
    if pending.request.is_some() || !pending.settled {
        return;
    }
    let terms = likely.into_iter().rev().map(|next| (scope, next)).collect();
    pending.ahead = Some(LookAhead { terms, cards });
}

/// Queues the one-letter terms to look up ahead of the user, once loading has settled.
fn refill_warm(shared: &Shared, cards: Option<CardStore>) {
    if cards.is_none() {
        return;
    }
    let mut pending = lock(&shared.pending);
    if !pending.settled {
        return;
    }
    // Taken from the end: the letters most English words start with first (a person types
    // soon after the load settles, and at a million cards a letter takes a tenth of a
    // second), then the rest of the alphabet, then the digits.
    pending.warm = WARM_ORDER.chars().rev().collect();
}

/// Searches `cards` once, without a thread, with an index in memory: see [`OneShot`].
pub fn search_once(query: &Query, cards: &CardStore, epoch: u64) -> Result<Found, IndexError> {
    search_once_with(query, cards, epoch, None)
}

/// [`search_once`] with the reading state `is:` terms test.
pub fn search_once_with(
    query: &Query,
    cards: &CardStore,
    epoch: u64,
    marks: Option<&Marks>,
) -> Result<Found, IndexError> {
    Ok(OneShot::open(None, cards, epoch)?.find(query, cards, marks))
}

/// The word index for one-shot commands (`tidings search`), so they answer exactly as the
/// reader does: the stored index of `home` brought up to the cards, on every core.
pub struct OneShot {
    index: WordIndex,
}

impl OneShot {
    /// The index of `home` (in memory without one) caught up with `cards` of `epoch`.
    pub fn open(home: Option<&Path>, cards: &CardStore, epoch: u64) -> Result<OneShot, IndexError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut index = WordIndex::at(home, threads)?;
        index.catch_up(cards, epoch, usize::MAX);
        index.commit(false)?;
        Ok(OneShot { index })
    }

    /// The matches of `query`, `marks` being the reading state `is:` terms test.
    pub fn find(&self, query: &Query, cards: &CardStore, marks: Option<&Marks>) -> Found {
        let never = AtomicBool::new(false);
        find(query, &self.index, cards, marks, &never).unwrap_or_default()
    }

    /// Drops from a stored index what no card holds and waits for its merges, so the next
    /// run finds it whole.
    pub fn finish(mut self, cards: &CardStore, epoch: u64) -> Result<(), IndexError> {
        self.index.settle(cards, epoch)?;
        self.index.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Card;
    use crate::search::syntax::{Group, Scope, Term, TermKind};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// The term looked ahead for is the last, plain and of two letters.
    #[test]
    fn the_term_typed_is_the_last_plain_one_of_two_letters() {
        let clock = crate::search::syntax::Clock {
            now: jiff::Timestamp::UNIX_EPOCH,
            zone: jiff::tz::TimeZone::UTC,
        };
        let typed = |text: &str| typed_prefix(&crate::search::parse(text, &clock).expect(text));
        assert_eq!(typed("climate ch"), Some((Scope::Any, "ch".to_string())));
        assert_eq!(typed("title:Ch"), Some((Scope::Title, "ch".to_string())));
        for text in [
            "climate c",
            "climate cha",
            "ch climate",
            "!ch",
            "'ch",
            "ch$",
            "\"ch\"",
        ] {
            assert_eq!(typed(text), None, "{text}");
        }
    }

    /// The next answer is written over the memory of one the reader let go of, never over one
    /// it still shows.
    #[test]
    fn answers_are_written_over_those_the_reader_let_go_of() {
        let answer = |n: usize| {
            let hit = Hit {
                ix: 1,
                score: 0,
                tier: crate::search::engine::Tier::Words,
            };
            Arc::new(Found {
                hits: vec![hit; n],
                words: n,
            })
        };
        let mut recycled = Recycled::default();
        let (first, second) = (answer(10), answer(1000));
        recycled.sent(&first);
        recycled.sent(&second);
        // The reader shows both still: nothing to write over.
        assert_eq!(recycled.spare().capacity(), 0);
        let at = second.hits.as_ptr();
        drop(second);
        let spare = recycled.spare();
        assert!(spare.is_empty() && spare.capacity() >= 1000 && spare.as_ptr() == at);
        // The one still shown stays kept, and only it.
        assert_eq!(recycled.sent.len(), 1);
        assert_eq!(Arc::strong_count(&first), 2);
    }

    const WAIT: Duration = Duration::from_secs(20);

    /// A query of plain terms, each a prefix of a word anywhere.
    pub(crate) fn words(text: &str) -> Query {
        Query {
            groups: text
                .split_whitespace()
                .map(|w| Group {
                    alternatives: vec![Term {
                        negated: false,
                        kind: TermKind::Words {
                            scope: Scope::Any,
                            words: vec![w.to_string()],
                            last_is_prefix: true,
                        },
                        column: 1,
                    }],
                })
                .collect(),
        }
    }

    fn corpus(n: usize) -> CardStore {
        let names = [
            "lupus", "lunar", "plum", "ample", "pulse", "trial", "market",
        ];
        let cards = (0..n)
            .map(|i| Card {
                // Distinct, as the corpus makes them.
                id: crate::corpus::CardId(i as u64),
                title: Some(
                    format!(
                        "{} {} {}",
                        names[i % 7],
                        names[(i / 7) % 7],
                        names[(i / 49) % 7]
                    )
                    .into(),
                ),
                ..Card::default()
            })
            .collect();
        let mut s = CardStore::default();
        s.push_chunk(cards);
        s
    }

    /// Asks for "market" (as question `generation`) and checks that every card holding it is
    /// found: the index covers them all.
    fn assert_answers_every_card(
        worker: &FilterWorker,
        rx: &mpsc::Receiver<Report>,
        cards: &CardStore,
        generation: u64,
    ) {
        worker.submit(request(generation, "market", cards));
        let holding = cards
            .iter()
            .filter(|(_, c)| c.display_title().contains("market"))
            .count();
        assert_eq!(hits(&filtered(rx)).len(), holding);
    }

    /// A worker in memory, and what it reports.
    fn spawned() -> (FilterWorker, mpsc::Receiver<Report>) {
        let (tx, rx) = mpsc::channel();
        let worker = FilterWorker::spawn(None, move |r| {
            let _ = tx.send(r);
        });
        (worker, rx)
    }

    fn request(generation: u64, query: &str, cards: &CardStore) -> FilterRequest {
        FilterRequest {
            generation,
            query: words(query),
            cards: cards.clone(),
            epoch: 0,
            marks: None,
        }
    }

    fn filtered(rx: &mpsc::Receiver<Report>) -> FilterResult {
        loop {
            match rx.recv_timeout(WAIT) {
                Ok(Report::Filtered(r)) => return r,
                Ok(Report::Indexed(_) | Report::Counted(_)) => continue,
                Err(e) => panic!("no answer: {e}"),
            }
        }
    }

    fn hits(result: &FilterResult) -> Vec<crate::corpus::CardIx> {
        match &result.found {
            Ok(found) => found.hits.iter().map(|h| h.ix).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_letter_and_digit_is_looked_up_ahead_once() {
        let mut order: Vec<char> = WARM_ORDER.chars().collect();
        order.sort_unstable();
        let every: Vec<char> = ('0'..='9').chain('a'..='z').collect();
        assert_eq!(order, every);
    }

    #[test]
    fn the_worker_answers_as_a_one_shot_search_does() {
        let cards = corpus(500);
        let (worker, rx) = spawned();
        worker.submit(request(7, "lup", &cards));
        let r = filtered(&rx);
        assert_eq!(r.generation, 7);
        let once = search_once(&words("lup"), &cards, 0).unwrap();
        assert_eq!(hits(&r), once.hits.iter().map(|h| h.ix).collect::<Vec<_>>());
        assert!(!once.hits.is_empty());
    }

    #[test]
    fn the_index_catches_up_in_the_background_and_says_when_it_is_done() {
        let cards = corpus(10_000);
        let (worker, rx) = spawned();
        // As a load does: its batches, then the word that it is over, a while later (longer
        // than commits are apart: nothing was indexed meanwhile, nobody asked).
        worker.catch_up(cards.clone(), 0);
        std::thread::sleep(COMMIT_AFTER_LOAD_EVERY + Duration::from_millis(100));
        worker.settle(cards.clone(), 0);
        let mut reports = Vec::new();
        let deadline = Instant::now() + WAIT;
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Report::Indexed(i)) => {
                    reports.push(i);
                    if i.done {
                        break;
                    }
                }
                Ok(Report::Filtered(_) | Report::Counted(_)) => panic!("nothing was asked"),
                Err(e) => panic!("indexing never finished: {e}"),
            }
        }
        assert_eq!(reports.last().map(|i| i.slots), Some(10_000));
        assert_answers_every_card(&worker, &rx, &cards, 1);
    }

    #[test]
    fn a_load_is_indexed_as_it_comes_only_once_somebody_asks() {
        let cards = corpus(10_000);
        let (worker, rx) = spawned();
        let added = || match lock(&worker.shared.index).as_ref() {
            Ok(index) => index.added(),
            Err(e) => panic!("{e}"),
        };
        // A load's batch, nobody asking: its cards wait for the load's end.
        worker.catch_up(cards.clone(), 0);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(added(), 0, "the load goes first");
        // A question while it loads is answered at once, from what is indexed (nothing yet)...
        worker.submit(request(1, "market", &cards));
        let first = filtered(&rx);
        assert_eq!(first.covered, 0);
        // ...and from then on the load's cards are indexed, committed as they go.
        let mut covered = 0;
        let deadline = Instant::now() + WAIT;
        while covered < 10_000 {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Report::Indexed(i)) => covered = i.slots,
                Ok(_) => continue,
                Err(e) => panic!("indexing never went on: {e}"),
            }
        }
        assert_eq!(added(), 10_000);
        assert_answers_every_card(&worker, &rx, &cards, 2);
    }

    #[test]
    fn removed_cards_leave_the_index() {
        let mut cards = corpus(100);
        let (worker, rx) = spawned();
        worker.submit(request(1, "lupus", &cards));
        let before = hits(&filtered(&rx));
        assert!(before.contains(&0));
        cards.kill(0);
        worker.submit(request(2, "lupus", &cards));
        let after = hits(&filtered(&rx));
        assert_eq!(after.len(), before.len() - 1);
        assert!(!after.contains(&0));
    }

    #[test]
    fn only_the_newest_of_the_queued_requests_runs() {
        let cards = corpus(400);
        let (tx, rx) = mpsc::channel();
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let worker = FilterWorker::spawn(None, move |r| {
            let first = matches!(&r, Report::Filtered(f) if f.generation == 1);
            let _ = tx.send(r);
            if first {
                // Hold the worker here while more requests pile up.
                let _ = gate_rx.recv_timeout(WAIT);
            }
        });
        worker.submit(request(1, "l", &cards));
        assert_eq!(filtered(&rx).generation, 1);
        for (g, text) in [(2, "lu"), (3, "lup"), (4, "lupu")] {
            worker.submit(request(g, text, &cards));
        }
        let _ = gate_tx.send(());
        let last = filtered(&rx);
        assert_eq!(last.generation, 4);
        let once = search_once(&words("lupu"), &cards, 0).unwrap();
        assert_eq!(
            hits(&last),
            once.hits.iter().map(|h| h.ix).collect::<Vec<_>>()
        );
        while let Ok(r) = rx.recv_timeout(Duration::from_millis(300)) {
            assert!(
                matches!(r, Report::Indexed(_)),
                "only one answer after the gate"
            );
        }
    }

    #[test]
    fn dropping_the_worker_stops_its_thread_even_mid_search() {
        let cards = corpus(50_000);
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let worker = FilterWorker::spawn(None, |_| {});
            worker.catch_up(cards.clone(), 0);
            worker.submit(request(1, "lup", &cards));
            drop(worker);
            let _ = done_tx.send(());
        });
        assert_eq!(done_rx.recv_timeout(WAIT), Ok(()));
    }

    #[test]
    fn a_panicking_notify_does_not_take_the_caller_down() {
        let cards = corpus(10);
        let worker = FilterWorker::spawn(None, |_| panic!("receiver gone"));
        worker.submit(request(1, "lu", &cards));
        std::thread::sleep(Duration::from_millis(100));
        // The thread is gone and the notify lock may be poisoned: neither may panic here.
        worker.submit(request(2, "lup", &cards));
        drop(worker);
    }
}
