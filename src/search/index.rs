//! The word index: every card's words (see [`super::words`]), per field, in a tantivy index, so
//! that finding the cards with a word starting with some letters is a range scan of a sorted
//! term dictionary and a walk over postings, whatever the size of the corpus.
//!
//! The index follows a [`CardStore`]: documents are keyed by the card's slot, which within one
//! epoch keeps its card or dies (see [`crate::corpus::store`]). Catching up with a newer store
//! adds the slots added since and deletes the slots that died; a store of another epoch starts
//! the index again. So the index changes exactly as the corpus did, delta by delta, without a
//! second path for it.
//!
//! Only what matching needs is kept: which documents hold a term (no frequencies, no positions:
//! phrases are checked on the few cards that hold all their words) and the slot of each
//! document. Nothing of the card is stored; the store has it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyDocument, Term,
};

pub use super::fields::Place;
use super::words::{fold_into, spans};
use crate::corpus::{Card, CardIx, CardStore};

/// Why the index could not be built or read; tantivy's own words.
#[derive(Debug, Clone, thiserror::Error)]
#[error("word index: {0}")]
pub struct IndexError(String);

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        IndexError(e.to_string())
    }
}

impl From<std::io::Error> for IndexError {
    fn from(e: std::io::Error) -> Self {
        IndexError(e.to_string())
    }
}

/// The name the word tokenizer is registered under.
const TOKENIZER: &str = "tidings-words";
/// The indexing thread's memory: tantivy's least, enough to take a loader batch at a time.
const WRITER_MEMORY: usize = 15_000_000;

/// One segment of the index as matching reads it: tantivy's reader and each document's slot.
#[derive(Clone)]
pub struct Segment {
    pub reader: SegmentReader,
    /// The slot of each document, by document id.
    pub slots: Arc<[CardIx]>,
}

impl Segment {
    /// The slot of document `doc`, if it is not deleted.
    pub fn live_slot(&self, doc: DocId) -> Option<CardIx> {
        if self.reader.is_deleted(doc) {
            return None;
        }
        self.slots.get(doc as usize).copied()
    }
}

/// The word index of one [`CardStore`] as far as it has caught up.
pub struct WordIndex {
    fields: [Field; Place::ALL.len()],
    slot: Field,
    writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
    /// The epoch the indexed slots belong to.
    epoch: Option<u64>,
    /// Per slot: whether a document for it is in the index (or on its way, before a commit).
    indexed: Vec<bool>,
    /// Changes not yet committed.
    uncommitted: bool,
    /// Slots the committed index covers: matching looks no further.
    committed: usize,
    /// The first full load has been merged into one segment.
    merged_once: bool,
    segments: Vec<Segment>,
    /// Slots of each segment, kept across reloads: a segment never changes its documents.
    slot_tables: HashMap<tantivy::index::SegmentId, Arc<[CardIx]>>,
    /// Matching's costliest lookups (terms of a letter or two start tens of thousands of
    /// words), kept until the committed index changes.
    remembered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// Lookups [`WordIndex::remember`] keeps at most.
const REMEMBERED: usize = 128;

/// How far [`WordIndex::catch_up`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Slots of the store looked at, all of them when `done`.
    pub slots: usize,
    pub done: bool,
}

impl WordIndex {
    /// An empty index in memory.
    pub fn new() -> Result<WordIndex, IndexError> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let fields = Place::ALL.map(|place| schema.add_text_field(place.name(), text.clone()));
        let slot = schema.add_u64_field("slot", INDEXED | FAST);
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(TOKENIZER, WordTokenizer);
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        // While the first load is indexed, segments are left alone: they are merged into one
        // once it is all in (see `commit`), and a merge tantivy started meanwhile would keep
        // some of them from that one.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(WordIndex {
            fields,
            slot,
            writer,
            reader,
            epoch: None,
            indexed: Vec::new(),
            uncommitted: false,
            committed: 0,
            merged_once: false,
            segments: Vec::new(),
            slot_tables: HashMap::new(),
            remembered: Mutex::new(HashMap::new()),
        })
    }

    /// Brings the index towards `cards` of `epoch`, adding at most `budget` cards in this call
    /// (so a caller can answer a query in between); deletions are always done in full. Call
    /// [`WordIndex::commit`] for matching to see the changes.
    pub fn catch_up(&mut self, cards: &CardStore, epoch: u64, budget: usize) -> Progress {
        if self.epoch != Some(epoch) {
            // Slots of another epoch mean other cards: start again.
            self.writer.delete_all_documents().ok();
            self.writer.set_merge_policy(Box::new(NoMergePolicy));
            self.merged_once = false;
            self.indexed.clear();
            self.committed = 0;
            self.epoch = Some(epoch);
            self.uncommitted = true;
        }
        let slots = cards.slots();
        for ix in 0..self.indexed.len().min(slots) {
            if self.indexed[ix] && !cards.is_live(ix as CardIx) {
                self.writer
                    .delete_term(Term::from_field_u64(self.slot, ix as u64));
                self.indexed[ix] = false;
                self.uncommitted = true;
            }
        }
        let mut added = 0;
        while self.indexed.len() < slots {
            if added == budget {
                return Progress {
                    slots: self.indexed.len(),
                    done: false,
                };
            }
            let ix = self.indexed.len() as CardIx;
            let live = match cards.get(ix) {
                Some(card) => self.writer.add_document(self.document(ix, card)).is_ok(),
                None => false,
            };
            self.indexed.push(live);
            self.uncommitted |= live;
            added += 1;
        }
        Progress { slots, done: true }
    }

    /// Makes what [`WordIndex::catch_up`] did visible to matching. Once the index has caught
    /// up, its segments are merged into one in tantivy's background threads (a query walks
    /// every segment's dictionary, so one segment answers several times faster than the dozen
    /// a load leaves); [`WordIndex::refresh`] picks the merged segment up.
    pub fn commit(&mut self, caught_up: bool) -> Result<(), IndexError> {
        if self.uncommitted {
            self.writer.commit()?;
            self.uncommitted = false;
            self.committed = self.indexed.len();
        }
        self.refresh()?;
        if caught_up && !self.merged_once && self.segments.len() > 1 {
            let ids: Vec<_> = self
                .segments
                .iter()
                .map(|s| s.reader.segment_id())
                .collect();
            // Not waited for: the merge runs on its own thread and is seen at a later refresh.
            drop(self.writer.merge(&ids));
            self.merged_once = true;
            // From here on deltas are small: tantivy's usual policy merges their segments.
            self.writer
                .set_merge_policy(Box::new(LogMergePolicy::default()));
        }
        Ok(())
    }

    /// Brings matching up to the index's latest committed state (new commits, finished
    /// merges); cheap when nothing changed. Whether anything did.
    pub fn refresh(&mut self) -> Result<bool, IndexError> {
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let unchanged = searcher.segment_readers().len() == self.segments.len()
            && searcher
                .segment_readers()
                .iter()
                .zip(&self.segments)
                .all(|(r, s)| {
                    r.segment_id() == s.reader.segment_id()
                        && r.delete_opstamp() == s.reader.delete_opstamp()
                });
        if unchanged {
            return Ok(false);
        }
        let mut tables = HashMap::new();
        let mut segments = Vec::new();
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let slots = match self.slot_tables.get(&id) {
                Some(slots) => Arc::clone(slots),
                None => slot_table(reader, self.slot)?,
            };
            tables.insert(id, Arc::clone(&slots));
            segments.push(Segment {
                reader: reader.clone(),
                slots,
            });
        }
        self.slot_tables = tables;
        self.segments = segments;
        self.remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        Ok(true)
    }

    /// A lookup kept under `key` by [`WordIndex::remember`] since the index last changed.
    pub fn remembered(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let kept = self
            .remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        kept.get(key).cloned()
    }

    /// Keeps a lookup until the index changes (or, past a limit, forgets the others).
    pub fn remember(&self, key: String, value: Arc<Vec<u8>>) {
        let mut kept = self
            .remembered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= REMEMBERED {
            kept.clear();
        }
        kept.insert(key, value);
    }

    /// How many of `cards`' slots of `epoch` are not yet indexed (all of them, for another
    /// epoch), plus any dead slot still indexed.
    pub fn backlog(&self, cards: &CardStore, epoch: u64) -> usize {
        if self.epoch != Some(epoch) {
            return cards.slots();
        }
        let dying = self
            .indexed
            .iter()
            .enumerate()
            .filter(|&(ix, &indexed)| indexed && !cards.is_live(ix as CardIx))
            .count();
        cards.slots().saturating_sub(self.indexed.len()) + dying
    }

    /// The committed index's size in bytes, as its files would take on disk.
    pub fn bytes(&self) -> Result<u64, IndexError> {
        Ok(self.reader.searcher().space_usage()?.total().get_bytes())
    }

    /// Whether changes are waiting for a commit.
    pub fn has_uncommitted(&self) -> bool {
        self.uncommitted
    }

    /// The committed segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The field of `place`.
    pub fn field(&self, place: Place) -> Field {
        self.fields[place as usize]
    }

    /// The epoch and the number of slots the committed index covers (live or not).
    pub fn covers(&self) -> (Option<u64>, usize) {
        (self.epoch, self.committed)
    }

    fn document(&self, ix: CardIx, card: &Card) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_u64(self.slot, u64::from(ix));
        for place in Place::ALL {
            for text in place.texts(card) {
                doc.add_text(self.field(place), text);
            }
        }
        doc
    }
}

/// Reads the slot of every document of a segment from its fast field.
fn slot_table(reader: &SegmentReader, slot: Field) -> Result<Arc<[CardIx]>, IndexError> {
    let name = reader.schema().get_field_name(slot).to_string();
    let column = reader.fast_fields().u64(&name)?;
    Ok((0..reader.max_doc())
        .map(|doc| {
            column
                .first(doc)
                .and_then(|v| CardIx::try_from(v).ok())
                .unwrap_or(CardIx::MAX)
        })
        .collect())
}

/// [`words`] as a tantivy tokenizer, so the index holds exactly the words a query looks for.
#[derive(Clone)]
struct WordTokenizer;

struct WordStream<'a> {
    text: &'a str,
    spans: Box<dyn Iterator<Item = (usize, usize)> + 'a>,
    token: Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            spans: Box::new(spans(text)),
            token: Token::default(),
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end)) = self.spans.next() else {
            return false;
        };
        // One token, its text buffer reused: indexing allocates nothing per word.
        self.token.position = self.token.position.wrapping_add(1);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.text.clear();
        fold_into(&self.text[start..end], &mut self.token.text);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
