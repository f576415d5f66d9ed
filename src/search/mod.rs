//! Filtering the corpus: the query language (`syntax`), the word index (`index`, over the
//! words of module `words`), the matching and ranking behind both the reader and `tidings
//! search` (`engine`, with `typos` for the approximate tier and `skim`, a port of
//! fuzzy-matcher's scorer, for letters scattered through a title), what to light in a matched
//! text (`highlight`), the sort orders, and a background worker that keeps the index and
//! always answers the latest query.

mod document;
pub mod engine;
pub mod fields;
pub mod grades;
pub mod highlight;
pub mod index;
mod needle;
mod skim;
pub mod sort;
pub mod syntax;
pub mod typos;
pub mod words;
pub mod worker;

pub use syntax::parse;
