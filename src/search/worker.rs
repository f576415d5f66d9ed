//! Filtering off the UI thread: the latest query wins and stale work is dropped (after gitui's
//! `AsyncSingleJob`).
//!
//! One thread ranks one request at a time. Requests submitted meanwhile replace each other, so
//! only the newest runs next, and the running one gives up early when a newer one arrives.
//! Recent results are kept so that typing on (`lu` → `lup`) re-ranks only the previous hits,
//! and deleting back (`lupus` → `lupu`) is answered without ranking at all.
//!
//! Kept results are keyed by the corpus epoch and the slots they covered: within an epoch a
//! slot keeps its card or dies (see [`crate::corpus::store`]), so a result of an earlier version
//! stays right for a later one once dead slots are dropped and the slots added since are
//! ranked; a result of another epoch is never used.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use super::query::Query;
use super::rank::{Hit, rank_interruptible};
use crate::corpus::{CardIx, CardStore};

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
}

/// The ranked hits for one request.
#[derive(Debug, Clone)]
pub struct FilterResult {
    pub generation: u64,
    /// The epoch the hits' positions belong to.
    pub epoch: u64,
    pub hits: Arc<Vec<Hit>>,
}

type Notify = Box<dyn Fn(FilterResult) + Send>;

/// A background thread that filters the cards, always working on the newest request.
pub struct FilterWorker {
    shared: Arc<Shared>,
    /// `None` if the thread could not be started; requests are then filtered in `submit`.
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    /// Raised when a newer request (or a stop) is waiting, so a running rank stops early.
    interrupt: AtomicBool,
    /// Behind a lock only so the inline fallback can reach it too; only one caller at a time.
    notify: Mutex<Notify>,
}

#[derive(Default)]
struct Pending {
    request: Option<FilterRequest>,
    stop: bool,
}

/// Locks, carrying on through poisoning: the guarded data stays consistent in this module
/// (every critical section is a plain assignment), so a panic elsewhere must not spread.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FilterWorker {
    /// Starts the worker; `notify` receives each result, on the worker's thread, and should
    /// hand it on (e.g. send it down the event channel) rather than block.
    pub fn spawn(notify: impl Fn(FilterResult) + Send + 'static) -> FilterWorker {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            interrupt: AtomicBool::new(false),
            notify: Mutex::new(Box::new(notify)),
        });
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("tidings-filter".into())
            .spawn(move || run(&for_thread))
            .ok();
        FilterWorker { shared, thread }
    }

    /// Queues `request`, replacing any request not yet started, and interrupts the running
    /// one: its result would be stale.
    pub fn submit(&self, request: FilterRequest) {
        if self.thread.is_none() {
            // No thread to hand it to: filtering late beats never filtering.
            let never = AtomicBool::new(false);
            let hits = rank_interruptible(&request.cards, &request.query, None, &never)
                .unwrap_or_default();
            (lock(&self.shared.notify))(FilterResult {
                generation: request.generation,
                epoch: request.epoch,
                hits: Arc::new(hits),
            });
            return;
        }
        let mut pending = lock(&self.shared.pending);
        pending.request = Some(request);
        // Under the lock: raised after the worker took this very request, it would cancel it.
        self.shared.interrupt.store(true, Ordering::Relaxed);
        drop(pending);
        self.shared.wake.notify_one();
    }
}

impl Drop for FilterWorker {
    /// Tells the thread to stop and lets it go without waiting: a rank in progress notices
    /// the interrupt soon, and quitting the reader must never wait for it.
    fn drop(&mut self) {
        {
            let mut pending = lock(&self.shared.pending);
            pending.stop = true;
            pending.request = None;
            self.shared.interrupt.store(true, Ordering::Relaxed);
        }
        self.shared.wake.notify_all();
        self.thread.take();
    }
}

fn run(shared: &Shared) {
    let mut cache = Cache::default();
    loop {
        let request = {
            let mut pending = lock(&shared.pending);
            loop {
                if pending.stop {
                    return;
                }
                if let Some(request) = pending.request.take() {
                    // Under the lock, so a submit racing with this take is never missed.
                    shared.interrupt.store(false, Ordering::Relaxed);
                    break request;
                }
                pending = shared
                    .wake
                    .wait(pending)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let result = cache.answer(request, &shared.interrupt);
        // A newer request is waiting: this result is stale and the UI would discard it.
        if let Some(result) = result
            && !shared.interrupt.load(Ordering::Relaxed)
        {
            (lock(&shared.notify))(result);
        }
    }
}

/// Results kept for re-use.
const CACHE_ENTRIES: usize = 8;

struct Entry {
    query: Query,
    epoch: u64,
    /// Slots of the store ranked: later ones were not seen.
    slots: usize,
    hits: Arc<Vec<Hit>>,
}

#[derive(Default)]
struct Cache {
    /// Most recently used first.
    entries: VecDeque<Entry>,
    /// How many cards the last answer ranked (0 when it came straight from the cache), so
    /// tests can see which way a request was answered.
    last_ranked: usize,
}

impl Cache {
    /// Answers `request`, from the cache if possible; `None` if interrupted.
    fn answer(&mut self, request: FilterRequest, interrupt: &AtomicBool) -> Option<FilterResult> {
        let FilterRequest {
            generation,
            query,
            cards,
            epoch,
        } = request;
        let slots = cards.slots();
        // Positions of another epoch (or a store that shrank, which only a new epoch can do)
        // mean nothing here.
        self.entries
            .retain(|e| e.epoch == epoch && e.slots <= slots);
        // Cards removed since an entry was made: their slots are dead.
        let live = |hits: &[Hit]| -> Vec<Hit> {
            hits.iter()
                .copied()
                .filter(|h| cards.is_live(h.ix))
                .collect()
        };

        if let Some(pos) = self
            .entries
            .iter()
            .position(|e| e.query == query && e.slots == slots)
            && let Some(mut entry) = self.entries.remove(pos)
        {
            if entry.hits.iter().any(|h| !cards.is_live(h.ix)) {
                entry.hits = Arc::new(live(&entry.hits));
            }
            let hits = Arc::clone(&entry.hits);
            self.entries.push_front(entry);
            self.last_ranked = 0;
            return Some(FilterResult {
                generation,
                epoch,
                hits,
            });
        }

        // Only the previous hits can match, plus the slots added since.
        let candidates: Option<Vec<CardIx>> = self
            .entries
            .iter()
            .filter(|e| query.narrows(&e.query))
            .min_by_key(|e| e.hits.len() + (slots - e.slots))
            .map(|e| {
                let seen = CardIx::try_from(e.slots).unwrap_or(CardIx::MAX);
                let now = CardIx::try_from(slots).unwrap_or(CardIx::MAX);
                e.hits
                    .iter()
                    .map(|h| h.ix)
                    .filter(|ix| cards.is_live(*ix))
                    .chain(seen..now)
                    .collect()
            });
        self.last_ranked = candidates.as_ref().map_or(cards.len(), Vec::len);
        let hits = Arc::new(rank_interruptible(
            &cards,
            &query,
            candidates.as_deref(),
            interrupt,
        )?);
        self.entries.push_front(Entry {
            query,
            epoch,
            slots,
            hits: Arc::clone(&hits),
        });
        self.entries.truncate(CACHE_ENTRIES);
        Some(FilterResult {
            generation,
            epoch,
            hits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Card;
    use crate::search::{parse, rank};
    use std::sync::mpsc;
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(10);

    fn card(title: &str) -> Card {
        Card {
            title: Some(title.into()),
            ..Card::default()
        }
    }

    fn q(input: &str) -> Query {
        match parse(input) {
            Ok(q) => q,
            Err(e) => panic!("{input:?}: {e}"),
        }
    }

    fn corpus(n: usize) -> CardStore {
        let words = [
            "lupus", "lunar", "plum", "ample", "pulse", "trial", "market",
        ];
        let cards = (0..n)
            .map(|i| {
                card(&format!(
                    "{} {} {}",
                    words[i % 7],
                    words[(i / 7) % 7],
                    words[(i / 49) % 7]
                ))
            })
            .collect();
        let mut s = CardStore::default();
        s.push_chunk(cards);
        s
    }

    fn request(generation: u64, query: &str, cards: &CardStore) -> FilterRequest {
        FilterRequest {
            generation,
            query: q(query),
            cards: cards.clone(),
            epoch: 0,
        }
    }

    fn answer(cache: &mut Cache, generation: u64, query: &str, cards: &CardStore) -> Vec<Hit> {
        let never = AtomicBool::new(false);
        match cache.answer(request(generation, query, cards), &never) {
            Some(r) => {
                assert_eq!(r.generation, generation);
                r.hits.to_vec()
            }
            None => panic!("not interrupted, yet no answer"),
        }
    }

    #[test]
    fn narrowing_ranks_only_previous_hits_and_equals_a_full_rank() {
        let cards = corpus(500);
        let mut cache = Cache::default();
        let lu = answer(&mut cache, 1, "lu", &cards);
        assert_eq!(cache.last_ranked, 500);
        let lup = answer(&mut cache, 2, "lup", &cards);
        assert_eq!(cache.last_ranked, lu.len());
        assert!(lu.len() < 500 && lup.len() < lu.len());
        assert_eq!(lup, rank(&cards, &q("lup"), None));
        let two = answer(&mut cache, 3, "lup !trial", &cards);
        assert_eq!(cache.last_ranked, lup.len());
        assert_eq!(two, rank(&cards, &q("lup !trial"), None));
    }

    #[test]
    fn repeats_come_from_the_cache() {
        let cards = corpus(300);
        let mut cache = Cache::default();
        for (g, text) in ["l", "lu", "lup", "lupu", "lupus"].into_iter().enumerate() {
            answer(&mut cache, g as u64, text, &cards);
        }
        for text in ["lupu", "lup", "lu", "l"] {
            let hits = answer(&mut cache, 9, text, &cards);
            assert_eq!(cache.last_ranked, 0, "{text} was ranked again");
            assert_eq!(hits, rank(&cards, &q(text), None));
        }
    }

    #[test]
    fn cards_loaded_since_are_ranked_too() {
        let mut cards = corpus(200);
        let mut cache = Cache::default();
        let before = answer(&mut cache, 1, "lup", &cards);
        cards.push_chunk(vec![card("lupus again"), card("nothing")]);
        let after = answer(&mut cache, 2, "lup", &cards);
        assert_eq!(cache.last_ranked, before.len() + 2);
        assert_eq!(after, rank(&cards, &q("lup"), None));
        assert!(after.iter().any(|h| h.ix == 200));
        let narrower = answer(&mut cache, 3, "lupus", &cards);
        assert_eq!(narrower, rank(&cards, &q("lupus"), None));
    }

    #[test]
    fn another_epoch_is_not_served_from_the_cache() {
        let first = corpus(100);
        let mut other = CardStore::default();
        other.push_chunk((0..100).map(|_| card("market")).collect());
        let mut cache = Cache::default();
        answer(&mut cache, 1, "lu", &first);
        let never = AtomicBool::new(false);
        let mut renumbered = request(2, "lu", &other);
        renumbered.epoch = 1;
        let hits = cache.answer(renumbered, &never).map(|r| r.hits.to_vec());
        assert_eq!(cache.last_ranked, 100);
        assert_eq!(hits, Some(Vec::new()));
    }

    #[test]
    fn removed_cards_leave_cached_and_narrowed_answers() {
        let mut cards = corpus(300);
        let mut cache = Cache::default();
        let lu = answer(&mut cache, 1, "lu", &cards);
        let gone = lu[0].ix;
        cards.kill(gone);
        let again = answer(&mut cache, 2, "lu", &cards);
        assert_eq!(cache.last_ranked, 0);
        assert_eq!(again, rank(&cards, &q("lu"), None));
        assert!(again.iter().all(|h| h.ix != gone));
        let narrower = answer(&mut cache, 3, "lup", &cards);
        assert_eq!(narrower, rank(&cards, &q("lup"), None));
    }

    #[test]
    fn an_interrupted_answer_is_not_cached() {
        let cards = corpus(100);
        let mut cache = Cache::default();
        let stop = AtomicBool::new(true);
        assert!(cache.answer(request(1, "lu", &cards), &stop).is_none());
        assert!(cache.entries.is_empty());
    }

    #[test]
    fn the_worker_answers_with_the_full_rank() {
        let cards = corpus(400);
        let (tx, rx) = mpsc::channel();
        let worker = FilterWorker::spawn(move |r| {
            let _ = tx.send(r);
        });
        worker.submit(request(7, "lup", &cards));
        let r = rx.recv_timeout(WAIT).map_err(|e| e.to_string());
        assert_eq!(r.as_ref().map(|r| r.generation), Ok(7));
        assert_eq!(
            r.map(|r| r.hits.to_vec()),
            Ok(rank(&cards, &q("lup"), None))
        );
    }

    #[test]
    fn only_the_newest_of_the_queued_requests_runs() {
        let cards = corpus(400);
        let (tx, rx) = mpsc::channel();
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let worker = FilterWorker::spawn(move |r| {
            let generation = r.generation;
            let _ = tx.send(r);
            if generation == 1 {
                // Hold the worker here while more requests pile up.
                let _ = gate_rx.recv_timeout(WAIT);
            }
        });
        worker.submit(request(1, "l", &cards));
        assert_eq!(rx.recv_timeout(WAIT).map(|r| r.generation), Ok(1));
        for (g, text) in [(2, "lu"), (3, "lup"), (4, "lupu")] {
            worker.submit(request(g, text, &cards));
        }
        let _ = gate_tx.send(());
        let last = rx.recv_timeout(WAIT).map_err(|e| e.to_string());
        assert_eq!(last.as_ref().map(|r| r.generation), Ok(4));
        assert_eq!(
            last.map(|r| r.hits.to_vec()),
            Ok(rank(&cards, &q("lupu"), None))
        );
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
    }

    #[test]
    fn dropping_the_worker_stops_its_thread_even_mid_rank() {
        let cards = corpus(50_000);
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let worker = FilterWorker::spawn(|_| {});
            worker.submit(request(1, "lup", &cards));
            drop(worker);
            let _ = done_tx.send(());
        });
        assert_eq!(done_rx.recv_timeout(WAIT), Ok(()));
    }

    #[test]
    fn a_panicking_notify_does_not_take_the_caller_down() {
        let cards = corpus(10);
        let worker = FilterWorker::spawn(|_| panic!("receiver gone"));
        worker.submit(request(1, "lu", &cards));
        std::thread::sleep(Duration::from_millis(100));
        // The thread is gone and the notify lock may be poisoned: neither may panic here.
        worker.submit(request(2, "lup", &cards));
        drop(worker);
    }
}
