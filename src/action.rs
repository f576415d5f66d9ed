//! Everything a person can ask the reader to do, one variant each. Keys and mouse events map to
//! these (see [`crate::config::keymap`]); [`crate::app::update`] is the only place they take
//! effect.
//!
//! Each variant's doc comment is what the key help and the README say it does, so the words a
//! person reads and the code they describe sit together. The `message` is the footer's short
//! word for the few actions the footer names.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumMessage};

/// One user request. A keymap binds keys to any of them by its snake_case name (`move_down`)
/// but to `QueryInsert`, `Scroll` and `Click`: typed characters and the mouse reach `update`
/// without a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, EnumMessage, EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Quit tidings.
    #[strum(message = "quit")]
    Quit,
    /// Suspend to the shell (fg resumes).
    Suspend,
    /// Redraw every cell of the screen, after something else wrote over it.
    Repaint,
    /// Next row; in the detail pane, help or problems, scroll down a line.
    MoveDown,
    /// Previous row; in the detail pane, help or problems, scroll up a line.
    MoveUp,
    /// Half a page down.
    HalfPageDown,
    /// Half a page up.
    HalfPageUp,
    /// A page down.
    PageDown,
    /// A page up.
    PageUp,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Next pane: list, detail, related.
    #[strum(message = "pane")]
    FocusNext,
    /// Previous pane.
    FocusPrev,
    /// Open the card's detail; on a related entry, jump to its card (or open its URL when it
    /// is outside the corpus).
    Activate,
    /// Back to the card before the last jump.
    Back,
    /// Back to the list (the filter stays).
    #[strum(message = "list")]
    ShowList,
    /// Filter the list by words (`?` shows the query language).
    #[strum(message = "filter")]
    StartQuery,
    /// Type a character into the query line.
    #[serde(skip)]
    QueryInsert(char),
    /// Delete the character before the cursor; on an empty line, close it.
    QueryBackspace,
    /// Delete the character under the cursor.
    QueryDelete,
    /// Delete the word before the cursor.
    QueryDeleteWord,
    /// Delete from the start of the line to the cursor.
    QueryDeleteToStart,
    /// Delete from the cursor to the end of the line.
    QueryDeleteToEnd,
    /// Cursor left.
    QueryLeft,
    /// Cursor right.
    QueryRight,
    /// Cursor to the start of this word, or of the one before.
    QueryWordLeft,
    /// Cursor to the end of this word, or of the one after.
    QueryWordRight,
    /// Cursor to the start.
    QueryHome,
    /// Cursor to the end.
    QueryEnd,
    /// Keep the filter and go back to the list.
    #[strum(message = "keep")]
    QueryAccept,
    /// Clear the filter (and close the query line).
    #[strum(message = "clear")]
    QueryClear,
    /// Cycle the sort: date, quality, heat, title, provider (and relevance while filtering).
    #[strum(message = "sort")]
    CycleSort,
    /// Reverse the order: oldest first, lowest first, Z to A (the best match stays first).
    Reverse,
    /// Open the URL in the browser (http and https only): the card's, or in the related pane
    /// the entry's.
    #[strum(message = "open")]
    OpenUrl,
    /// Copy the URL to the clipboard (OSC 52).
    #[strum(message = "copy")]
    CopyUrl,
    /// Show the problems found while loading.
    ToggleDiagnostics,
    /// Show the keys (this help).
    #[strum(message = "help")]
    ToggleHelp,
    /// Mark the card read, or unread again.
    #[strum(message = "read")]
    ToggleRead,
    /// Mark every card of the list read (one step for undo).
    MarkAllRead,
    /// Undo the last marking (several steps back).
    Undo,
    /// Star the card, or take its star away.
    ToggleStar,
    /// Next unread card of the list.
    NextUnread,
    /// Previous unread card of the list.
    PrevUnread,
    /// Show unread cards only, or all again (adds or removes `is:unread` in the filter).
    ToggleUnreadOnly,
    /// Save the query in force under a name, to use as `@name`.
    #[strum(message = "save")]
    SaveSearch,
    /// The saved searches, with how many cards each matches and how many are unread.
    #[strum(message = "saved")]
    SavedSearches,
    /// In the saved searches: rename the chosen one.
    #[strum(message = "rename")]
    RenameSaved,
    /// In the saved searches: delete the chosen one (pressed twice).
    #[strum(message = "delete")]
    DeleteSaved,
    /// An older query from the history, in the filter line.
    HistoryBack,
    /// A newer query from the history (past the newest, the text typed before).
    HistoryForward,
    /// Close help or problems.
    #[strum(message = "close")]
    CloseOverlay,
    /// Scroll the pane under the mouse pointer.
    #[serde(skip)]
    Scroll { column: u16, row: u16, down: bool },
    /// Select the row, or focus the pane, under the mouse pointer.
    #[serde(skip)]
    Click { column: u16, row: u16 },
}

impl Action {
    /// What the action does, in one line: its doc comment.
    pub fn description(&self) -> Cow<'static, str> {
        let doc = self.get_documentation().unwrap_or_default().trim_end();
        if doc.contains('\n') {
            Cow::Owned(doc.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        } else {
            Cow::Borrowed(doc)
        }
    }

    /// The footer's word for the action, or `None` for those the footer never names.
    pub fn hint(&self) -> Option<&'static str> {
        self.get_message()
    }

    /// The name a keymap binds keys to (`move_down`), or `None` for the actions no key can
    /// be bound to. Serde's own name, so configuration and help can never spell it apart.
    pub(crate) fn config_name(&self) -> Option<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => Some(name),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_action_is_described_on_one_line() {
        for action in Action::iter() {
            let description = action.description();
            assert!(!description.is_empty(), "{action:?} has no description");
            assert!(!description.contains('\n'), "{action:?}");
            assert!(description.ends_with('.'), "{action:?}: {description}");
        }
        assert_eq!(
            Action::Activate.description(),
            "Open the card's detail; on a related entry, jump to its card (or open its URL when \
             it is outside the corpus)."
        );
    }

    #[test]
    fn names_are_snake_case_and_read_back() {
        assert_eq!(
            Action::HalfPageDown.config_name().as_deref(),
            Some("half_page_down")
        );
        for action in Action::iter() {
            let Some(name) = action.config_name() else {
                continue;
            };
            let back: Action = serde_json::from_value(serde_json::Value::String(name.clone()))
                .expect("a name reads back");
            assert_eq!(back, action, "{name}");
        }
    }

    #[test]
    fn typing_and_the_mouse_have_no_name() {
        for action in [
            Action::QueryInsert('x'),
            Action::Scroll {
                column: 0,
                row: 0,
                down: true,
            },
            Action::Click { column: 0, row: 0 },
        ] {
            assert_eq!(action.config_name(), None, "{action:?}");
        }
        assert!(serde_json::from_str::<Action>("\"query_insert\"").is_err());
        assert!(serde_json::from_str::<Action>("\"click\"").is_err());
    }
}
