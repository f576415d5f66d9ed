//! The word index: every card's words (see [`super::words`]), per field, in a tantivy index, so
//! that finding the cards with a word starting with some letters is a range scan of a sorted
//! term dictionary and a walk over postings, whatever the size of the corpus.
//!
//! A document is one version of one card: its id and a stamp of the text it was made from
//! ([`stamp`]), and its words. Matching reads documents as slots of a [`CardStore`]: a
//! document counts for the slot that holds a card of its id and stamp, and for none when no
//! slot does (a card changed or gone). So an index made by another run, or by another tidings,
//! is used as it is for every card whose text it holds, and only the others are indexed.
//!
//! A store's live cards have distinct ids, as [`crate::corpus::Corpus`] makes them.
//!
//! The index follows a store through [`WordIndex::catch_up`]: slots that died delete their
//! card's documents, new slots are matched against the documents there are and indexed only
//! when none holds their text. The cards' own changes are the only path by which the index
//! changes, delta by delta.
//!
//! It lives in memory, or in a folder beside the cache of parsed cards ([`WordIndex::open`]),
//! written through tantivy's atomic commits; one tidings at a time holds its writer lock,
//! another reads it as it is and keeps the rest in memory.
//!
//! Only what matching needs is kept: which documents hold a term (no frequencies, no positions:
//! phrases are checked on the few cards that hold all their words), each document's id and
//! stamp. Nothing else of the card is stored; the store has it. Beside its words a field holds
//! their leads ([`lead_term`]): which documents have a word starting with a given letter or
//! two, the lookups that would otherwise read the most lists.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::index::SegmentId;
use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyError, Term,
};

use super::document::CardDocument;
pub use super::fields::Place;
use super::grades::Grades;
use super::words::{fold_into, spans};
use crate::background;
use crate::corpus::id::KeyMap;
use crate::corpus::{Card, CardIx, CardStore, SharedCard, prose};

/// Why the index could not be built or read; tantivy's own words.
#[derive(Debug, Clone, thiserror::Error)]
#[error("word index: {0}")]
pub struct IndexError(String);

impl From<TantivyError> for IndexError {
    fn from(e: TantivyError) -> Self {
        IndexError(e.to_string())
    }
}

impl IndexError {
    /// The index has not been opened yet.
    pub fn not_open() -> IndexError {
        IndexError("not open yet".into())
    }
}

impl From<std::io::Error> for IndexError {
    fn from(e: std::io::Error) -> Self {
        IndexError(e.to_string())
    }
}

/// The version of what a stored index holds (its fields, its words): a folder of another
/// version is never opened, and goes with the cache's clean-up.
pub const FORMAT: u32 = 2;

/// The name the word tokenizer is registered under.
const TOKENIZER: &str = "tidings-words";
/// Each indexing thread's memory: tantivy's least, enough to take a loader batch at a time.
const THREAD_MEMORY: usize = 15_000_000;

/// One segment of the index as matching reads it: tantivy's reader and each document's slot.
#[derive(Clone)]
pub struct Segment {
    pub reader: SegmentReader,
    /// The slot of each document, by document id; `CardIx::MAX` for a document no slot holds.
    pub slots: Arc<[CardIx]>,
}

impl Segment {
    /// The slot of document `doc`, if it is not deleted and a slot holds its card's text.
    pub fn live_slot(&self, doc: DocId) -> Option<CardIx> {
        if self.reader.is_deleted(doc) {
            return None;
        }
        self.slots
            .get(doc as usize)
            .copied()
            .filter(|&s| s != CardIx::MAX)
    }
}

/// The fields of the schema, the same in memory and on disk.
#[derive(Clone, Copy)]
struct Fields {
    words: [Field; Place::ALL.len()],
    id: Field,
    stamp: Field,
}

fn schema() -> (Schema, Fields) {
    let mut schema = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let words = Place::ALL.map(|place| schema.add_text_field(place.name(), text.clone()));
    let id = schema.add_u64_field("id", INDEXED | FAST);
    let stamp = schema.add_u64_field("stamp", FAST);
    (schema.build(), Fields { words, id, stamp })
}

/// A fingerprint of the text `card` gives the index: equal stamps, equal documents (a CRC-32
/// of every indexed text and their total length; the id is compared besides). A card read from
/// the cache was stamped then (its long texts are not in memory to read again).
pub fn stamp(card: &Card) -> u64 {
    card.prose.stamp().unwrap_or_else(|| texts_stamp(card))
}

/// The stamp [`stamp`] gives, made from the card's texts.
pub fn texts_stamp(card: &Card) -> u64 {
    let mut crc = crc32fast::Hasher::new();
    let mut length: u64 = 0;
    for place in Place::ALL {
        for text in place.texts(card) {
            crc.update(text.as_bytes());
            // Not UTF-8: texts cannot run into each other.
            crc.update(&[0xFF]);
            length += text.len() as u64 + 1;
        }
        crc.update(&[0xFE]);
    }
    u64::from(crc.finalize()) << 32 | (length & 0xFFFF_FFFF)
}

/// Each document's (id, stamp), by document id: read once per segment, which never changes
/// its documents.
type Keys = Arc<[(u64, u64)]>;

/// The word index of one [`CardStore`] as far as it has caught up.
pub struct WordIndex {
    fields: Fields,
    writer: IndexWriter<CardDocument>,
    reader: IndexReader,
    /// Whether `writer` writes a stored index (else it is in memory).
    stored: bool,
    /// A stored index another tidings holds the writer lock of: read as it was when opened.
    borrowed: Option<IndexReader>,
    /// (id, stamp) of the live documents of `borrowed`.
    borrowed_docs: KeyMap<u64, u64>,
    /// (id, stamp) of the documents of `writer`'s index, as they are after the next commit.
    docs: KeyMap<u64, u64>,
    /// The epoch the slots belong to.
    epoch: Option<u64>,
    /// Per slot looked at: the id of its card while it lives (`None`: dead, or no card).
    slot_ids: Vec<Option<u64>>,
    /// How many of `slot_ids` are `None`. Slots only ever die, so while the store has no more
    /// dead slots than this, none looked at has died since: the sweep for them (a walk over
    /// every slot, on every keystroke) is skipped.
    vacant: usize,
    /// Per id of a live slot looked at: the slot and its card's stamp.
    live: KeyMap<u64, (CardIx, u64)>,
    /// Documents added or deleted since the last commit.
    uncommitted: bool,
    /// Documents added since the index was opened.
    added: usize,
    /// Documents handed to the writer that its indexing threads have not yet indexed (each
    /// [`CardDocument`] counts itself in and out).
    queued: Arc<AtomicUsize>,
    /// The writer's indexing threads run at the usual priority (see `make_writer`).
    threads_restarted: bool,
    /// Slots matched or dropped since the segments' slot tables were made.
    remap: bool,
    /// Slots the committed index covers: matching looks no further.
    committed: usize,
    /// The first full load has been merged into one segment.
    merged_once: bool,
    /// The maps holding texts of cards indexed since the last commit (see [`crate::corpus::Prose`]): their
    /// pages are given back once the commit has read them, else every text indexed would
    /// stay counted as the reader's memory.
    read_maps: Vec<Arc<memmap2::Mmap>>,
    segments: Vec<Segment>,
    /// How many of `segments` are `writer`'s (they come first).
    own_segments: usize,
    keys: HashMap<SegmentId, Keys>,
    /// Lookups kept until the committed index changes (see [`Remembered`]).
    remembered: Mutex<Remembered>,
}

/// Lookups kept for the next keys. The costliest (terms of a letter or two start tens of
/// thousands of words) are kept, up to [`REMEMBERED`]; of the others, the [`RECENT`] last
/// used: typing a second word looks the first one up again at every key, and a lookup holds
/// at most a byte per slot, so a few cost a few megabytes at a million cards.
#[derive(Default)]
struct Remembered {
    lasting: HashMap<String, Grades>,
    /// Oldest first.
    recent: std::collections::VecDeque<(String, Grades)>,
}

/// Lasting lookups [`WordIndex::remember`] keeps at most.
const REMEMBERED: usize = 128;
/// Other lookups [`WordIndex::remember`] keeps: the most recent ones.
const RECENT: usize = 8;

/// The fewest slots [`WordIndex::catch_up_within`] stamps at once.
const STAMP_WINDOW: usize = 64;

/// How far [`WordIndex::catch_up`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Slots of the store looked at, all of them when `done`.
    pub slots: usize,
    pub done: bool,
    /// It stopped short for want of room for more documents.
    pub full: bool,
}

impl WordIndex {
    /// An empty index in memory.
    pub fn new() -> Result<WordIndex, IndexError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        WordIndex::with(index, fields, 1, None)
    }

    /// The index stored in `home`, or in memory without one or when it cannot be opened
    /// (the cache of parsed cards says what is wrong with the cache folder).
    pub fn at(home: Option<&Path>, threads: usize) -> Result<WordIndex, IndexError> {
        match home {
            Some(folder) => WordIndex::open(folder, threads).or_else(|_| WordIndex::new()),
            None => WordIndex::new(),
        }
    }

    /// The index stored in `folder` (made if missing; made again if it cannot be read),
    /// indexing on `threads` threads. When another tidings holds its writer lock, it is read
    /// as it is and what it lacks is kept in memory. The error is a sentence for a notice;
    /// the index in memory is the fallback.
    pub fn open(folder: &Path, threads: usize) -> Result<WordIndex, IndexError> {
        let (schema, fields) = schema();
        let index = match open_folder(folder, &schema) {
            Ok(index) => index,
            Err(problem) => {
                // Unreadable, or of another schema: it is only a cache, so start it again; but
                // only as the holder of its writer lock, since another tidings may be making it
                // at this very moment (then this one keeps its index in memory).
                let directory =
                    MmapDirectory::open(folder).map_err(|e| IndexError(e.to_string()))?;
                let _lock = directory
                    .acquire_lock(&INDEX_WRITER_LOCK)
                    .map_err(|_| problem)?;
                empty_folder(folder)?;
                open_folder(folder, &schema)?
            }
        };
        match make_writer(&index, threads) {
            Ok(writer) => WordIndex::with_writer(index, writer, fields, true, None),
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                let borrowed: IndexReader = index
                    .reader_builder()
                    .reload_policy(ReloadPolicy::Manual)
                    .try_into()?;
                let own = Index::create_in_ram(schema);
                WordIndex::with(own, fields, threads, Some(borrowed))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An index in memory (beside `borrowed`, if another tidings holds the stored one).
    fn with(
        index: Index,
        fields: Fields,
        threads: usize,
        borrowed: Option<IndexReader>,
    ) -> Result<WordIndex, IndexError> {
        let writer = make_writer(&index, threads)?;
        WordIndex::with_writer(index, writer, fields, false, borrowed)
    }

    fn with_writer(
        index: Index,
        writer: IndexWriter<CardDocument>,
        fields: Fields,
        stored: bool,
        borrowed: Option<IndexReader>,
    ) -> Result<WordIndex, IndexError> {
        index.tokenizers().register(TOKENIZER, WordTokenizer);
        // While a load is indexed, segments are left alone: they are merged into one once it
        // is all in (see `commit`), and a merge tantivy started meanwhile would keep some of
        // them from that one.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mut keys = HashMap::new();
        let docs = live_docs(&reader, fields, &mut keys)?;
        let borrowed_docs = match &borrowed {
            Some(borrowed) => live_docs(borrowed, fields, &mut keys)?,
            None => KeyMap::default(),
        };
        Ok(WordIndex {
            fields,
            writer,
            reader,
            stored,
            borrowed,
            borrowed_docs,
            docs,
            epoch: None,
            slot_ids: Vec::new(),
            vacant: 0,
            live: KeyMap::default(),
            uncommitted: false,
            added: 0,
            queued: Arc::default(),
            threads_restarted: false,
            remap: true,
            committed: 0,
            merged_once: false,
            read_maps: Vec::new(),
            segments: Vec::new(),
            own_segments: 0,
            keys,
            remembered: Mutex::new(Remembered::default()),
        })
    }

    /// Documents indexed since the index was opened: the cards no document held.
    pub fn added(&self) -> usize {
        self.added
    }

    /// Whether the index is stored in a folder, written by this tidings.
    pub fn is_stored(&self) -> bool {
        self.stored
    }

    /// Brings the index towards `cards` of `epoch`, looking at most `budget` new slots in
    /// this call (so a caller can answer a query in between); dead slots are always dropped
    /// in full. Call [`WordIndex::commit`] for matching to see the changes.
    pub fn catch_up(&mut self, cards: &CardStore, epoch: u64, budget: usize) -> Progress {
        self.catch_up_within(cards, epoch, budget, usize::MAX)
    }

    /// [`WordIndex::catch_up`], handing the writer at most `room` new documents: it stops at
    /// the first slot whose card no document holds once that many are added. Slots whose
    /// cards are held are matched whatever the room (that costs no indexing).
    pub fn catch_up_within(
        &mut self,
        cards: &CardStore,
        epoch: u64,
        budget: usize,
        room: usize,
    ) -> Progress {
        if self.epoch != Some(epoch) {
            // Slots of another epoch mean other cards: match them again. The documents stay;
            // those no card holds any more go when the index settles.
            self.slot_ids.clear();
            self.vacant = 0;
            self.live.clear();
            self.committed = 0;
            self.epoch = Some(epoch);
            self.remap = true;
        }
        let slots = cards.slots();
        let sweep = if self.has_dying(cards) {
            0..self.slot_ids.len().min(slots)
        } else {
            0..0
        };
        for ix in sweep {
            if self.slot_ids[ix].is_none() || cards.is_live(ix as CardIx) {
                continue;
            }
            let Some(id) = self.slot_ids[ix].take() else {
                continue;
            };
            self.vacant += 1;
            if self
                .live
                .get(&id)
                .is_some_and(|(slot, _)| *slot == ix as CardIx)
            {
                self.live.remove(&id);
                self.forget(id);
            }
            self.remap = true;
        }
        let start = self.slot_ids.len();
        let end = slots.min(start.saturating_add(budget));
        let added_before = self.added;
        let mut full = false;
        // Stamping reads every text of every card: on all cores, a window of slots at a time.
        // The first window is about as wide as the room left (slots past the room would be
        // stamped for nothing, as the writer is kept busy with a few at a time), and each one
        // whose cards the index all held doubles the next (a load from the cache).
        let mut window = room.clamp(STAMP_WINDOW, budget.max(STAMP_WINDOW));
        let mut from = start;
        'windows: while from < end && !full {
            let to = end.min(from.saturating_add(window));
            let stamps: Vec<Option<u64>> = (from..to)
                .into_par_iter()
                .map(|ix| cards.get(ix as CardIx).map(stamp))
                .collect();
            for (ix, stamp) in (from..to).zip(stamps) {
                let ix = ix as CardIx;
                let card = cards.shared(ix);
                if let (Some(card), Some(stamp)) = (&card, stamp)
                    && !self.holds(card.id.0, stamp)
                    && self.added - added_before >= room
                {
                    full = true;
                    break 'windows;
                }
                let id = match (card, stamp) {
                    (Some(card), Some(stamp)) => Some(self.take_in(ix, card, stamp)),
                    _ => None,
                };
                self.vacant += usize::from(id.is_none());
                self.slot_ids.push(id);
            }
            from = to;
            window = window.saturating_mul(2);
        }
        let looked = self.slot_ids.len();
        Progress {
            slots: looked,
            done: looked == slots,
            full,
        }
    }

    /// Matches the card of slot `ix`, of `stamp`, with a document holding its text, indexing
    /// it when none does. Its id.
    fn take_in(&mut self, ix: CardIx, card: SharedCard, stamp: u64) -> u64 {
        let id = card.id.0;
        if !self.holds(id, stamp) {
            self.restart_threads();
            self.forget(id);
            if let Some(map) = card.prose.map()
                && self
                    .read_maps
                    .last()
                    .is_none_or(|last| !Arc::ptr_eq(last, map))
            {
                self.read_maps.push(Arc::clone(map));
            }
            if self.writer.add_document(self.document(card, stamp)).is_ok() {
                self.docs.insert(id, stamp);
                self.uncommitted = true;
                self.added += 1;
            }
        }
        self.live.insert(id, (ix, stamp));
        self.remap = true;
        id
    }

    /// Before the first document is handed to the writer: its indexing threads, started with
    /// it at the idle priority of the thread that made it, are started again at the usual one
    /// by a commit from this thread (tantivy starts them anew at each commit, from the
    /// committing thread). Only what was deleted so far is committed with it: documents of
    /// cards gone. Nothing for an index that indexes nothing (a warm start, a headless search
    /// from the cache). A failure leaves the threads as they were: indexing goes on, behind
    /// everything else.
    fn restart_threads(&mut self) {
        if !std::mem::replace(&mut self.threads_restarted, true) {
            let _ = self.writer.commit();
        }
    }

    /// Whether a document holds the texts of card `id` as of `stamp`.
    fn holds(&self, id: u64, stamp: u64) -> bool {
        self.docs.get(&id) == Some(&stamp) || self.borrowed_docs.get(&id) == Some(&stamp)
    }

    /// Documents handed to the writer and not yet indexed: a commit waits for them all.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Deletes the documents of card `id` this index writes.
    fn forget(&mut self, id: u64) {
        if self.docs.remove(&id).is_some() {
            self.writer
                .delete_term(Term::from_field_u64(self.fields.id, id));
            self.uncommitted = true;
        }
    }

    /// Once `cards` of `epoch` is complete (loading has settled): deletes the documents no
    /// card holds any more (cards gone while tidings was not running), so a stored index does
    /// not keep them for ever. Nothing when the index has not caught up with `cards`.
    pub fn settle(&mut self, cards: &CardStore, epoch: u64) -> Result<(), IndexError> {
        if self.epoch != Some(epoch) || self.slot_ids.len() != cards.slots() {
            return Ok(());
        }
        let stale: Vec<u64> = self
            .docs
            .iter()
            .filter(|(id, stamp)| self.live.get(id).map(|(_, s)| s) != Some(stamp))
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            self.forget(id);
        }
        self.commit(true)
    }

    /// Waits for the merges in progress, so a stored index is left whole when the process ends.
    pub fn close(self) -> Result<(), IndexError> {
        Ok(self.writer.wait_merging_threads()?)
    }

    /// Makes what [`WordIndex::catch_up`] did visible to matching. Once the index has caught
    /// up, its segments are merged into one in tantivy's background threads (a query walks
    /// every segment's dictionary, so one segment answers several times faster than the dozen
    /// a load leaves); [`WordIndex::refresh`] picks the merged segment up.
    pub fn commit(&mut self, caught_up: bool) -> Result<(), IndexError> {
        if self.uncommitted {
            // A commit starts the indexing threads again, from the committing thread: at the
            // usual priority (see `make_writer`).
            self.writer.commit()?;
            self.threads_restarted = true;
            self.uncommitted = false;
            for map in self.read_maps.drain(..) {
                prose::give_back(&map, 0, map.len());
            }
        }
        self.committed = self.slot_ids.len();
        self.refresh()?;
        if caught_up && !self.merged_once {
            if self.own_segments > 1 {
                let ids: Vec<_> = self.segments[..self.own_segments]
                    .iter()
                    .map(|s| s.reader.segment_id())
                    .collect();
                // Not waited for: the merge runs on its own thread and is seen at a later
                // refresh.
                drop(self.writer.merge(&ids));
            }
            // From here on deltas are small: tantivy's usual policy merges their segments.
            self.merged_once = true;
            self.writer
                .set_merge_policy(Box::new(LogMergePolicy::default()));
        }
        Ok(())
    }

    /// Brings matching up to the index's latest committed state (new commits, finished
    /// merges, slots matched or dropped); cheap when nothing changed. Whether anything did.
    pub fn refresh(&mut self) -> Result<bool, IndexError> {
        self.reader.reload()?;
        let own = self.reader.searcher();
        let borrowed = self.borrowed.as_ref().map(IndexReader::searcher);
        let readers: Vec<&SegmentReader> = own
            .segment_readers()
            .iter()
            .chain(borrowed.iter().flat_map(|s| s.segment_readers()))
            .collect();
        let unchanged = !self.remap
            && readers.len() == self.segments.len()
            && readers.iter().zip(&self.segments).all(|(r, s)| {
                r.segment_id() == s.reader.segment_id()
                    && r.delete_opstamp() == s.reader.delete_opstamp()
            });
        if unchanged {
            return Ok(false);
        }
        let mut keys = HashMap::new();
        let mut segments = Vec::new();
        for reader in readers {
            let id = reader.segment_id();
            let doc_keys = match self.keys.get(&id) {
                Some(k) => Arc::clone(k),
                None => read_keys(reader, self.fields)?,
            };
            let slots = doc_keys
                .iter()
                .map(|(id, stamp)| match self.live.get(id) {
                    Some((slot, s)) if s == stamp => *slot,
                    _ => CardIx::MAX,
                })
                .collect();
            keys.insert(id, doc_keys);
            segments.push(Segment {
                reader: reader.clone(),
                slots,
            });
        }
        self.own_segments = own.segment_readers().len();
        self.keys = keys;
        self.segments = segments;
        self.remap = false;
        *self
            .remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Remembered::default();
        Ok(true)
    }

    /// A lookup kept under `key` by [`WordIndex::remember`] since the index last changed.
    pub fn remembered(&self, key: &str) -> Option<Grades> {
        let mut kept = self
            .remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(grades) = kept.lasting.get(key) {
            return Some(grades.clone());
        }
        // Used again, it is the most recent: a first word is used at every key of the next.
        let at = kept.recent.iter().position(|(k, _)| k == key)?;
        let used = kept.recent.remove(at)?;
        let grades = used.1.clone();
        kept.recent.push_back(used);
        Some(grades)
    }

    /// Keeps a lookup until the index changes: among the lasting ones (past a limit, the
    /// others are forgotten) or among the recent ones (the one used longest ago is forgotten).
    pub fn remember(&self, key: String, value: Grades, lasting: bool) {
        let mut kept = self
            .remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if lasting {
            if kept.lasting.len() >= REMEMBERED {
                kept.lasting.clear();
            }
            kept.lasting.insert(key, value);
        } else {
            kept.recent.retain(|(k, _)| *k != key);
            if kept.recent.len() >= RECENT {
                kept.recent.pop_front();
            }
            kept.recent.push_back((key, value));
        }
    }

    /// How many of `cards`' slots of `epoch` are not yet looked at (all of them, for another
    /// epoch), plus any dead slot not yet dropped.
    pub fn backlog(&self, cards: &CardStore, epoch: u64) -> usize {
        if self.epoch != Some(epoch) {
            return cards.slots();
        }
        let dying = if self.has_dying(cards) {
            self.slot_ids
                .iter()
                .enumerate()
                .filter(|&(ix, id)| id.is_some() && !cards.is_live(ix as CardIx))
                .count()
        } else {
            0
        };
        cards.slots().saturating_sub(self.slot_ids.len()) + dying
    }

    /// Whether some slot looked at may have died since: `cards` has more dead slots than this
    /// index has vacant ones (every vacant slot is dead, and a dead one never lives again).
    fn has_dying(&self, cards: &CardStore) -> bool {
        cards.dead_slots() > self.vacant
    }

    /// Whether slots were matched or dropped since matching last saw them (a commit shows
    /// them; so does [`WordIndex::refresh`]).
    pub fn has_new_matching(&self) -> bool {
        self.remap
    }

    /// The committed index's size in bytes, as its files would take on disk.
    pub fn bytes(&self) -> Result<u64, IndexError> {
        Ok(self.reader.searcher().space_usage()?.total().get_bytes())
    }

    /// Counts the slots looked at so far as covered when they only matched documents the
    /// index already holds (a load from the cache): nothing to commit, and matching them to
    /// their documents waits for the next [`WordIndex::refresh`] (the next answer's, or the
    /// commit once caught up). Refreshing at every step of a load went through every
    /// document each time. `false`, and nothing done, when documents wait for a commit.
    pub fn cover_matched(&mut self) -> bool {
        if self.uncommitted {
            return false;
        }
        self.committed = self.slot_ids.len();
        true
    }

    /// Whether documents added or deleted wait for a commit.
    pub fn has_uncommitted_documents(&self) -> bool {
        self.uncommitted
    }

    /// Whether changes are waiting for a commit.
    pub fn has_uncommitted(&self) -> bool {
        self.uncommitted || self.remap || self.committed != self.slot_ids.len()
    }

    /// Whether this index's own segments are more than one (a merge is due or running).
    pub fn is_unmerged(&self) -> bool {
        self.own_segments > 1
    }

    /// The committed segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The field of `place`.
    pub fn field(&self, place: Place) -> Field {
        self.fields.words[place as usize]
    }

    /// The epoch and the number of slots the committed index covers (live or not).
    pub fn covers(&self) -> (Option<u64>, usize) {
        (self.epoch, self.committed)
    }

    fn document(&self, card: SharedCard, stamp: u64) -> CardDocument {
        let Fields {
            words,
            id,
            stamp: stamp_field,
        } = self.fields;
        CardDocument::new(card, id, (stamp_field, stamp), words, &self.queued)
    }
}

/// A writer indexing on `threads` threads. Its merging threads run at a lower priority than
/// the rest of tidings (a merge is background work: the screen and the answers to keys go
/// first); its indexing threads at the usual one from the first document on
/// ([`WordIndex::restart_threads`]), as they index only what the filter worker hands them,
/// when it chooses (see `search::worker`): at an idle priority they ran only when a load left
/// a core free, and the worker, waiting on them, could not answer.
fn make_writer(index: &Index, threads: usize) -> Result<IndexWriter<CardDocument>, TantivyError> {
    let threads = threads.max(1);
    background::in_background(|| index.writer_with_num_threads(threads, threads * THREAD_MEMORY))
}

/// The index in `folder`, made with `schema` if there is none.
fn open_folder(folder: &Path, schema: &Schema) -> Result<Index, IndexError> {
    std::fs::create_dir_all(folder)?;
    let directory = MmapDirectory::open(folder).map_err(|e| IndexError(e.to_string()))?;
    Ok(Index::open_or_create(directory, schema.clone())?)
}

/// Removes every file of `folder` but tantivy's lock files (held by the caller).
fn empty_folder(folder: &Path) -> Result<(), IndexError> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        if entry
            .file_name()
            .as_encoded_bytes()
            .starts_with(b".tantivy-")
        {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// (id, stamp) of every live document `reader` sees; each segment's keys are kept in `keys`.
fn live_docs(
    reader: &IndexReader,
    fields: Fields,
    keys: &mut HashMap<SegmentId, Keys>,
) -> Result<KeyMap<u64, u64>, IndexError> {
    let mut docs = KeyMap::default();
    for segment in reader.searcher().segment_readers() {
        let doc_keys = read_keys(segment, fields)?;
        for (doc, key) in doc_keys.iter().enumerate() {
            if !segment.is_deleted(doc as DocId) {
                docs.insert(key.0, key.1);
            }
        }
        keys.insert(segment.segment_id(), doc_keys);
    }
    Ok(docs)
}

/// Reads each document's (id, stamp) of a segment from their fast fields.
fn read_keys(reader: &SegmentReader, fields: Fields) -> Result<Keys, IndexError> {
    let schema = reader.schema();
    let ids = reader.fast_fields().u64(schema.get_field_name(fields.id))?;
    let stamps = reader
        .fast_fields()
        .u64(schema.get_field_name(fields.stamp))?;
    Ok((0..reader.max_doc())
        .map(|doc| {
            (
                ids.first(doc).unwrap_or(u64::MAX),
                stamps.first(doc).unwrap_or(u64::MAX),
            )
        })
        .collect())
}

/// [`words`] as a tantivy tokenizer, so the index holds exactly the words a query looks for;
/// and after each word its leads ([`lead_term`]).
#[derive(Clone)]
struct WordTokenizer;

struct WordStream<'a> {
    text: &'a str,
    spans: Box<dyn Iterator<Item = (usize, usize)> + 'a>,
    token: Token,
    /// The last word given.
    word: String,
    /// How many of its leads are still to be given, longest first.
    leads: usize,
}

/// How many letters a word's leads have at most: the terms of one or two letters.
pub const LEAD_LETTERS: usize = 2;

/// Whether `word` is a term of a letter or two: one the index answers through its leads, and
/// one that starts tens of thousands of words.
pub fn is_short(word: &str) -> bool {
    word.chars().count() <= LEAD_LETTERS
}

/// The term standing for every word of a field that starts with `prefix` (of at most
/// [`LEAD_LETTERS`] letters): indexed beside each word, so a term of a letter or two reads
/// one list of documents per field, not the lists of the tens of thousands of words it starts
/// (at a million cards, 40-90 ms a keystroke). A control character no word holds marks it, so
/// it sorts before every word and no word's range or typo takes it in.
pub fn lead_term(prefix: &str) -> String {
    let mut term = String::with_capacity(prefix.len() + 1);
    term.push(LEAD_MARK);
    term.push_str(prefix);
    term
}

const LEAD_MARK: char = '\u{1}';

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            spans: Box::new(spans(text)),
            token: Token::default(),
            word: String::new(),
            leads: 0,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        if self.leads > 0 {
            // At the word's place: the index keeps no positions, but a lead is of the word.
            self.token.text.clear();
            self.token.text.push(LEAD_MARK);
            self.token.text.extend(self.word.chars().take(self.leads));
            self.leads -= 1;
            return true;
        }
        let Some((start, end)) = self.spans.next() else {
            return false;
        };
        // One token, its text buffer reused: indexing allocates nothing per word.
        self.token.position = self.token.position.wrapping_add(1);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.text.clear();
        fold_into(&self.text[start..end], &mut self.token.text);
        self.word.clone_from(&self.token.text);
        self.leads = self.word.chars().count().min(LEAD_LETTERS);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::CardId;

    fn card(id: u64, title: &str) -> Card {
        Card {
            id: CardId(id),
            title: Some(title.into()),
            ..Card::default()
        }
    }

    fn store(cards: Vec<Card>) -> CardStore {
        let mut store = CardStore::default();
        store.push_chunk(cards);
        store
    }

    /// The slots holding the word `word` in their title.
    fn found(index: &WordIndex, word: &str) -> Vec<CardIx> {
        found_in(index, Place::Title, word)
    }

    /// The slots holding the word `word` in `place`.
    fn found_in(index: &WordIndex, place: Place, word: &str) -> Vec<CardIx> {
        let field = index.field(place);
        let mut slots = Vec::new();
        for segment in index.segments() {
            let Ok(inverted) = segment.reader.inverted_index(field) else {
                continue;
            };
            let term = Term::from_field_text(field, word);
            let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::Basic)
            else {
                continue;
            };
            use tantivy::DocSet;
            while postings.doc() != tantivy::TERMINATED {
                slots.extend(segment.live_slot(postings.doc()));
                postings.advance();
            }
        }
        slots.sort_unstable();
        slots
    }

    fn caught_up(index: &mut WordIndex, cards: &CardStore, epoch: u64) {
        index.catch_up(cards, epoch, usize::MAX);
        index.commit(true).expect("committed");
    }

    #[test]
    fn a_stored_index_is_used_again_for_every_card_whose_text_it_holds() {
        let dir = tempfile::tempdir().expect("a folder");
        let first = store(vec![card(1, "alpha"), card(2, "bravo"), card(3, "charlie")]);
        let mut index = WordIndex::open(dir.path(), 1).expect("opened");
        assert!(index.is_stored());
        caught_up(&mut index, &first, 0);
        index.settle(&first, 0).expect("settled");
        index.close().expect("closed");

        // Another run: card 2 changed, card 3 gone, card 4 new, in another order.
        let second = store(vec![
            card(4, "delta"),
            card(2, "bravissimo"),
            card(1, "alpha"),
        ]);
        let mut index = WordIndex::open(dir.path(), 1).expect("opened again");
        caught_up(&mut index, &second, 7);
        assert_eq!(
            index.added(),
            2,
            "only the changed and the new card are indexed"
        );
        assert_eq!(found(&index, "alpha"), vec![2]);
        assert_eq!(
            found(&index, "bravo"),
            Vec::<CardIx>::new(),
            "the old text is not found"
        );
        assert_eq!(found(&index, "bravissimo"), vec![1]);
        assert_eq!(found(&index, "charlie"), Vec::<CardIx>::new());
        assert_eq!(found(&index, "delta"), vec![0]);
        index.settle(&second, 7).expect("settled");
        let live: u32 = index.segments().iter().map(|s| s.reader.num_docs()).sum();
        assert_eq!(
            live, 3,
            "what no card holds is dropped once loading settles"
        );
    }

    /// A load from the cache only matches slots with documents the stored index holds: each
    /// step counts them covered, and matching takes them in at its next refresh. A step that
    /// wrote documents is left to a commit.
    #[test]
    fn slots_matching_held_documents_are_covered_and_taken_in_at_the_next_refresh() {
        let dir = tempfile::tempdir().expect("a folder");
        let all = vec![card(1, "alpha"), card(2, "bravo"), card(3, "charlie")];
        let mut index = WordIndex::open(dir.path(), 1).expect("opened");
        caught_up(&mut index, &store(all.clone()), 0);
        index.close().expect("closed");

        let mut index = WordIndex::open(dir.path(), 1).expect("opened again");
        let mut loading = store(all[..2].to_vec());
        index.catch_up(&loading, 1, usize::MAX);
        assert!(index.cover_matched(), "nothing to write");
        assert_eq!(index.covers(), (Some(1), 2));
        assert!(index.has_new_matching(), "matching has yet to take them in");
        assert!(index.refresh().expect("refreshed"));
        assert_eq!(found(&index, "bravo"), vec![1]);

        loading.push_chunk(vec![all[2].clone(), card(4, "delta")]);
        index.catch_up(&loading, 1, usize::MAX);
        assert!(
            !index.cover_matched(),
            "a new card's document waits for a commit"
        );
        assert_eq!(index.covers(), (Some(1), 2));
        index.commit(true).expect("committed");
        assert_eq!(index.covers(), (Some(1), 4));
        assert_eq!(found(&index, "charlie"), vec![2]);
        assert_eq!(found(&index, "delta"), vec![3]);
        assert_eq!(index.added(), 1);
    }

    #[test]
    fn a_second_tidings_reads_the_stored_index_and_keeps_the_rest_in_memory() {
        let dir = tempfile::tempdir().expect("a folder");
        let cards = store(vec![card(1, "alpha"), card(2, "bravo")]);
        let mut writer = WordIndex::open(dir.path(), 1).expect("opened");
        caught_up(&mut writer, &cards, 0);

        let more = store(vec![card(1, "alpha"), card(2, "bravo"), card(3, "charlie")]);
        let mut reader = WordIndex::open(dir.path(), 1).expect("opened while locked");
        assert!(!reader.is_stored(), "the writer lock is the first one's");
        caught_up(&mut reader, &more, 0);
        assert_eq!(reader.added(), 1);
        assert_eq!(found(&reader, "alpha"), vec![0]);
        assert_eq!(found(&reader, "charlie"), vec![2]);
        drop(writer);
    }

    #[test]
    fn a_damaged_stored_index_is_made_again() {
        let dir = tempfile::tempdir().expect("a folder");
        std::fs::write(dir.path().join("meta.json"), b"{ not json").expect("written");
        let cards = store(vec![card(1, "alpha")]);
        let mut index = WordIndex::open(dir.path(), 1).expect("made again");
        caught_up(&mut index, &cards, 0);
        assert_eq!(found(&index, "alpha"), vec![0]);
    }

    #[test]
    fn a_damaged_stored_index_is_left_to_the_tidings_holding_its_lock() {
        let dir = tempfile::tempdir().expect("a folder");
        let meta = dir.path().join("meta.json");
        std::fs::write(&meta, b"{ not json").expect("written");
        let directory = MmapDirectory::open(dir.path()).expect("a directory");
        let lock = directory.acquire_lock(&INDEX_WRITER_LOCK).expect("locked");
        assert!(WordIndex::open(dir.path(), 1).is_err());
        let index = WordIndex::at(Some(dir.path()), 1).expect("in memory instead");
        assert!(!index.is_stored());
        assert_eq!(std::fs::read(&meta).expect("still there"), b"{ not json");
        drop(lock);
    }

    #[test]
    fn a_card_removed_and_back_with_new_text_is_found_by_it_only() {
        let mut cards = store(vec![card(1, "alpha")]);
        let mut index = WordIndex::new().expect("in memory");
        caught_up(&mut index, &cards, 0);
        cards.kill(0);
        cards.push_chunk(vec![card(1, "omega")]);
        caught_up(&mut index, &cards, 0);
        assert_eq!(found(&index, "alpha"), Vec::<CardIx>::new());
        assert_eq!(found(&index, "omega"), vec![1]);
    }

    /// The writer reads a card's texts where the card keeps them: held, or mapped, and made
    /// into text once when the map's bytes are not UTF-8.
    #[test]
    fn mapped_texts_are_indexed_even_when_they_are_not_utf8() {
        let bytes = b"mapped words\xFF here";
        let mut file = tempfile::tempfile().expect("a file");
        std::io::Write::write_all(&mut file, bytes).expect("written");
        // SAFETY: the file is this test's own, and nothing changes it.
        let map = Arc::new(unsafe { memmap2::Mmap::map(&file) }.expect("mapped"));
        let mut mapped = card(1, "alpha");
        mapped.prose = crate::corpus::Prose::mapped(&map, 0, Some(bytes.len() as u32), None)
            .expect("within the file");
        let cards = store(vec![card(2, "bravo"), mapped]);
        let mut index = WordIndex::new().expect("in memory");
        caught_up(&mut index, &cards, 0);
        assert_eq!(found_in(&index, Place::Excerpt, "mapped"), vec![1]);
        assert_eq!(found_in(&index, Place::Excerpt, "here"), vec![1]);
        assert_eq!(found(&index, "alpha"), vec![1]);
        assert_eq!(found(&index, "bravo"), vec![0]);
    }

    /// The lookups of a letter or two are kept until the index changes; of the others, the
    /// last few used, the one used longest ago forgotten first.
    #[test]
    fn lasting_lookups_stay_and_recent_ones_are_the_last_few_used() {
        let index = WordIndex::new().expect("in memory");
        let grades = |slots| Grades::none(slots);
        index.remember("m".into(), grades(1), true);
        for n in 0..RECENT {
            index.remember(format!("word{n}"), grades(n + 2), false);
        }
        // word0 used again: word1 is now the one used longest ago.
        assert_eq!(index.remembered("word0").map(|g| g.slots()), Some(2));
        index.remember("newest".into(), grades(99), false);
        assert_eq!(index.remembered("m").map(|g| g.slots()), Some(1));
        assert!(index.remembered("word1").is_none());
        for n in [0, 2, RECENT - 1] {
            let kept = index.remembered(&format!("word{n}")).map(|g| g.slots());
            assert_eq!(kept, Some(n + 2), "word{n}");
        }
        assert_eq!(index.remembered("newest").map(|g| g.slots()), Some(99));
        assert!(index.remembered("never").is_none());
    }
}
