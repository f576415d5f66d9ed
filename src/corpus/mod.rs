//! The data: article cards, how they are parsed and loaded, and how they link to each other.
//! No terminal and no threads of its own (loading and linking borrow rayon's pool).

mod amp;
pub mod card;
pub mod demo;
pub mod diagnostic;
pub mod id;
pub mod intern;
pub mod links;
pub mod load;
pub mod parse;
pub mod prose;
pub mod snapshot;
pub mod store;
#[cfg(test)]
mod testing;
pub mod url;
mod yaml;

pub use card::{
    Card, CardId, CardIx, CardPath, Extras, ExtrasAt, ExtrasRead, ExtrasStore, Image, Provider,
    Related, Secured, StoredSpot, UrlKind, Urls,
};
pub use diagnostic::{Diagnostic, Severity, Subject};
pub use prose::Prose;
pub use snapshot::{Applied, Corpus, Delta, Forget};
pub use store::{CardStore, DateOrder, Letters, SharedCard};
