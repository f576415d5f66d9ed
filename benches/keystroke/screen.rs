//! The reader's screen as a terminal keeps it (a `vt100` emulator fed with everything the reader
//! writes), and what the benchmark reads off it: the query line, the in-progress markers, the
//! match count. The markers are the words the status row and the list show while work is in
//! flight (see `src/ui/status.rs` and `src/ui/list.rs`); if the reader's wording changes, change
//! [`BUSY`] and [`LOADING`] with it.

use std::num::NonZeroU16;

/// Shown (in the status row, or in place of the list) while a filter is being computed.
pub const BUSY: &[&str] = &["filtering…", "searching…"];
/// Shown in the status row while cards are being read.
pub const LOADING: &str = "loading";
/// Shown in the status row while the word index catches up with the cards.
pub const INDEXING: &str = "indexing";

/// Replies the terminal owes the reader: a cursor position report for `ESC [ 6 n` and a device
/// attributes answer for `ESC [ c`, which terminal libraries ask for and may wait on.
#[derive(Default)]
pub struct Replies {
    pub pending: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Replies {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        match (i1, c, params) {
            (None, 'n', [[6]]) => {
                let (row, col) = screen.cursor_position();
                self.pending
                    .push(format!("\x1b[{};{}R", row + 1, col + 1).into_bytes());
            }
            (None, 'c', [] | [[0]]) => self.pending.push(b"\x1b[?62;22c".to_vec()),
            _ => {}
        }
    }
}

pub struct Screen {
    parser: vt100::Parser<Replies>,
    /// The screen as last seen, with attributes, to tell a change from a redraw of the same.
    last: String,
}

impl Screen {
    pub fn new(rows: u16, cols: u16) -> Screen {
        let rows = NonZeroU16::new(rows).unwrap_or(NonZeroU16::MIN);
        let cols = NonZeroU16::new(cols).unwrap_or(NonZeroU16::MIN);
        Screen {
            parser: vt100::Parser::new_with_callbacks(rows, cols, 0, Replies::default()),
            last: String::new(),
        }
    }

    /// Takes what the reader wrote; returns whether the screen now looks different, and the
    /// replies the reader asked for.
    pub fn feed(&mut self, bytes: &[u8]) -> (bool, Vec<Vec<u8>>) {
        self.parser.process(bytes);
        let now = self.parser.screen().contents_formatted();
        let changed = now != self.last;
        self.last = now;
        let replies = std::mem::take(&mut self.parser.callbacks_mut().pending);
        (changed, replies)
    }

    pub fn rows(&self) -> Vec<String> {
        let (_, cols) = self.parser.screen().size();
        self.parser.screen().rows(0, cols.get()).collect()
    }

    /// The bottom rows: the status row and the footer (the query line while one is typed).
    fn bottom(&self) -> Vec<String> {
        let rows = self.rows();
        let from = rows.len().saturating_sub(3);
        rows[from..].to_vec()
    }

    /// Whether the query line shows exactly `text` (followed by the cursor cell or nothing).
    pub fn shows_query(&self, text: &str) -> bool {
        let want = format!("/{text}");
        self.bottom().iter().any(|row| {
            row.trim_start()
                .strip_prefix(&want)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        })
    }

    /// Whether a filter is still being computed.
    pub fn busy(&self) -> bool {
        let rows = self.rows();
        BUSY.iter().any(|m| rows.iter().any(|row| row.contains(m)))
    }

    /// Whether cards are still being read or indexed, or nothing has been drawn yet.
    pub fn loading(&self) -> bool {
        let bottom = self.bottom();
        bottom.iter().all(|row| row.trim().is_empty())
            || bottom
                .iter()
                .any(|row| row.contains(LOADING) || row.contains(INDEXING))
    }

    /// The status row's first segment: `12 matches`, `1,234 / 100,000` or `100,000 cards`.
    pub fn count(&self) -> String {
        let bottom = self.bottom();
        bottom
            .iter()
            .find(|row| row.contains(" cards") || row.contains(" match") || row.contains(" / "))
            .and_then(|row| row.split(" · ").next())
            .map_or_else(|| "?".to_string(), |s| s.trim().to_string())
    }

    /// The whole screen, for a report when something never showed.
    pub fn dump(&self) -> String {
        self.rows().join("\n")
    }
}
