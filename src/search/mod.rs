//! Filtering the corpus: the query language, fuzzy ranking, and a background worker that
//! always answers the latest query. Pure functions over [`crate::corpus::CardStore`]; no
//! terminal, and no threads but the worker's.

pub mod query;
pub mod rank;
pub mod sort;
pub mod worker;

pub use query::{Kind, Query, QueryError, Scope, Term, parse};
pub use rank::{Hit, matches, rank, title_match_positions};
pub use worker::{FilterRequest, FilterResult, FilterWorker};
