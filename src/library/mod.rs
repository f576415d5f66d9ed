//! What persists between runs: the on-disk cache of parsed cards ([`cache`]).

pub mod cache;
