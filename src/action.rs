//! Everything a person can ask the reader to do, one variant each. Keys and mouse events map to
//! these (see [`crate::keymap`]); [`crate::app::update`] is the only place they take effect.

/// One user request. Named in snake_case (`move_down`) wherever they are shown or configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Leave tidings.
    Quit,
    /// Stop tidings and return to the shell (`fg` resumes).
    Suspend,
    /// Select the next row of the focused pane, or scroll the detail pane down a line.
    MoveDown,
    /// Select the previous row of the focused pane, or scroll the detail pane up a line.
    MoveUp,
    /// Move down half a page.
    HalfPageDown,
    /// Move up half a page.
    HalfPageUp,
    /// Move down a page.
    PageDown,
    /// Move up a page.
    PageUp,
    /// Go to the first row.
    Top,
    /// Go to the last row.
    Bottom,
    /// Focus the next pane (list, detail, related).
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Open what is selected: the card's detail from the list, the related card from the
    /// related pane (or its URL when it is outside the corpus).
    Activate,
    /// Go back to the card before the last jump.
    Back,
    /// Open the query line to filter the list.
    StartQuery,
    /// Type a character into the query line.
    QueryInsert(char),
    /// Delete the character before the cursor.
    QueryBackspace,
    /// Delete the character under the cursor.
    QueryDelete,
    /// Delete the word before the cursor.
    QueryDeleteWord,
    /// Move the cursor left.
    QueryLeft,
    /// Move the cursor right.
    QueryRight,
    /// Move the cursor to the start.
    QueryHome,
    /// Move the cursor to the end.
    QueryEnd,
    /// Keep the filter and return to the list.
    QueryAccept,
    /// Clear the filter and return to the list.
    QueryClear,
    /// Cycle the sort order: date, quality, heat, title, provider (and relevance when filtering).
    CycleSort,
    /// Open the selected URL in the browser.
    OpenUrl,
    /// Copy the selected URL to the clipboard (OSC 52).
    CopyUrl,
    /// Show or hide the list of problems found while loading.
    ToggleDiagnostics,
    /// Show or hide the key help.
    ToggleHelp,
    /// Close the open overlay (help, diagnostics).
    CloseOverlay,
    /// The mouse wheel turned over the cell (column, row).
    Scroll { column: u16, row: u16, down: bool },
    /// A left click at the cell (column, row).
    Click { column: u16, row: u16 },
}

impl Action {
    /// The action's name as shown in help and used in configuration.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Suspend => "suspend",
            Action::MoveDown => "move_down",
            Action::MoveUp => "move_up",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::Activate => "activate",
            Action::Back => "back",
            Action::StartQuery => "start_query",
            Action::QueryInsert(_) => "query_insert",
            Action::QueryBackspace => "query_backspace",
            Action::QueryDelete => "query_delete",
            Action::QueryDeleteWord => "query_delete_word",
            Action::QueryLeft => "query_left",
            Action::QueryRight => "query_right",
            Action::QueryHome => "query_home",
            Action::QueryEnd => "query_end",
            Action::QueryAccept => "query_accept",
            Action::QueryClear => "query_clear",
            Action::CycleSort => "cycle_sort",
            Action::OpenUrl => "open_url",
            Action::CopyUrl => "copy_url",
            Action::ToggleDiagnostics => "toggle_diagnostics",
            Action::ToggleHelp => "toggle_help",
            Action::CloseOverlay => "close_overlay",
            Action::Scroll { .. } => "scroll",
            Action::Click { .. } => "click",
        }
    }
}
