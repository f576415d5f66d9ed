//! Shares one allocation among the many copies of a repeated string (provider names, domains,
//! categories, types, topics), so that 100k cards from 200 publishers hold 200 provider names.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};

/// Split into shards so parser threads rarely wait on each other's lock.
const SHARDS: usize = 16;

#[derive(Debug)]
pub struct Interner {
    shards: [Mutex<HashSet<Arc<str>>>; SHARDS],
    hasher: RandomState,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            shards: std::array::from_fn(|_| Mutex::new(HashSet::new())),
            hasher: RandomState::new(),
        }
    }
}

impl Interner {
    pub fn intern(&self, s: &str) -> Arc<str> {
        let shard = (self.hasher.hash_one(s) as usize) % SHARDS;
        // A poisoned shard only means another parser thread panicked mid-insert; the set is
        // still a valid set, so keep using it rather than spreading the failure.
        let mut set = match self.shards[shard].lock() {
            Ok(set) => set,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(existing) = set.get(s) {
            return Arc::clone(existing);
        }
        let fresh: Arc<str> = Arc::from(s);
        set.insert(Arc::clone(&fresh));
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let interner = Interner::default();
        let a = interner.intern("Reuters");
        let b = interner.intern(&String::from("Reuters"));
        let c = interner.intern("AP");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
