//! Filtering the corpus: the query language, fuzzy ranking, the sort orders, and a background
//! worker that always answers the latest query. Pure functions over [`crate::corpus::CardStore`]; no
//! terminal, and no threads but the worker's.
//!
//! `rank` holds the ranking policy; it scores fuzzy terms with `skim` (a port of the
//! fuzzy-matcher crate's scorer, which also says where a term matched), finds the other
//! terms with `needle`, and tests excerpt matches for compactness with `align`.

mod align;
mod needle;
pub mod query;
pub mod rank;
mod skim;
pub mod syntax;
pub mod words;
pub mod sort;
pub mod worker;

pub use query::parse;
pub use rank::rank;
