//! Key presses through the keymap: a key may act at once, or be held as the first of a
//! sequence until the next key (or a timeout) says what it was.

use crossterm::event::KeyEvent;

use super::{Effect, State};

impl State {
    /// A key press: the actions it completes, in order; a key that starts a sequence is held.
    pub(super) fn key(&mut self, event: &KeyEvent) -> Vec<Effect> {
        let resolved = self
            .keymap
            .resolve(self.mode(), self.pending_key.take(), event);
        let mut effects = Vec::new();
        for action in resolved.actions {
            effects.extend(self.user(action));
        }
        self.pending_key = resolved.pending;
        effects
    }

    /// The held key waited too long: it does what it does alone, which outside the query line
    /// is nothing (no key both acts and starts a sequence there).
    pub(super) fn key_timeout(&mut self) -> Vec<Effect> {
        let Some(key) = self.pending_key.take() else {
            return Vec::new();
        };
        match self.keymap.alone(self.mode(), key) {
            Some(action) => self.user(action),
            None => Vec::new(),
        }
    }
}
