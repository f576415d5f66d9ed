//! A card's Markdown body as rows: headings, emphasis, lists, block quotes, code and links
//! rendered as text with roles, wrapped to a width.
//!
//! The body passes the gate twice. Whole, before parsing, so an escape sequence is removed in
//! one piece before Markdown syntax could split it; and piece by piece after, because Markdown
//! decodes character references (`&#x1b;`, `&#x202e;`) into exactly the characters the first
//! pass removed.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Role, Row};
use crate::text;

/// The rule `---` draws, no wider than this.
const RULE_W: usize = 40;
/// Code blocks are set in by this much.
const CODE_INDENT: &str = "  ";
const BULLET: &str = "• ";
const QUOTE_BAR: &str = "│ ";

/// The rows of a Markdown `body` at `width` columns; every row fits.
pub fn rows(body: &str, width: usize) -> Vec<Row> {
    let body = text::clean_block(body);
    let mut r = Renderer {
        width: width.max(1),
        out: Vec::new(),
        line: Vec::new(),
        inline: Vec::new(),
        containers: Vec::new(),
        lists: Vec::new(),
        links: Vec::new(),
        heading: false,
        code: None,
        gap: false,
    };
    for event in Parser::new(&body) {
        r.event(event);
    }
    r.flush();
    r.out
}

/// A block that sets off every row inside it.
enum Container {
    Quote,
    /// A list item: its marker (`• `, `3. `) goes on its first row, spaces as wide on the rest.
    Item {
        marker: Option<String>,
        width: usize,
    },
}

struct Renderer {
    width: usize,
    out: Vec<Row>,
    /// The inline text of the block being read: clean characters and their roles.
    line: Vec<(char, Role)>,
    /// Roles of the open inline tags (emphasis, strong, link text), innermost last.
    inline: Vec<Role>,
    containers: Vec<Container>,
    /// The open lists: the next number of an ordered one, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Open links and images: where they go, and where their text starts in `line`.
    links: Vec<(String, usize)>,
    heading: bool,
    /// The text of the code block being read.
    code: Option<String>,
    /// A blank row is due before the next block.
    gap: bool,
}

impl Renderer {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => match &mut self.code {
                Some(code) => code.push_str(&t),
                None => self.push(&t, self.role()),
            },
            Event::Code(t) => self.push(&t, Role::Code),
            Event::Html(t) | Event::InlineHtml(t) => self.push(&t, Role::Dim),
            Event::SoftBreak => self.push(" ", self.role()),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.block_start();
                let rule = "─".repeat(self.width.min(RULE_W));
                self.emit(vec![Row::new(rule, Role::Dim)]);
                self.gap = true;
            }
            Event::TaskListMarker(done) => self.push(if done { "[x] " } else { "[ ] " }, Role::Dim),
            // Extensions that are not turned on.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => self.block_start(),
            Tag::Heading { .. } => {
                self.block_start();
                self.heading = true;
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.block_start();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.block_start();
                self.code = Some(String::new());
            }
            Tag::List(first) => {
                self.flush();
                self.block_start();
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n = n.saturating_add(1);
                        marker
                    }
                    _ => BULLET.to_string(),
                };
                let width = text::width(&marker);
                self.containers.push(Container::Item {
                    marker: Some(marker),
                    width,
                });
            }
            Tag::Emphasis => self.inline.push(Role::Emphasis),
            Tag::Strong => self.inline.push(Role::Strong),
            Tag::Link { dest_url, .. } => {
                self.inline.push(Role::LinkText);
                self.links.push((dest_url.into_string(), self.line.len()));
            }
            Tag::Image { dest_url, .. } => {
                self.push("image: ", Role::Dim);
                self.inline.push(Role::LinkText);
                self.links.push((dest_url.into_string(), self.line.len()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => {
                self.flush();
                self.gap = true;
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = false;
                self.gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.containers.pop();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                self.code_rows(&code);
                self.gap = true;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                // A list inside an item runs on into the next item.
                self.gap = !self
                    .containers
                    .iter()
                    .any(|c| matches!(c, Container::Item { .. }));
            }
            TagEnd::Item => {
                self.flush();
                self.containers.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong => {
                self.inline.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                self.inline.pop();
                if let Some((url, start)) = self.links.pop() {
                    let shown: String = self.line.iter().skip(start).map(|(c, _)| *c).collect();
                    let url = text::clean_line(&url);
                    // An autolink's text is its URL: once is enough.
                    if !url.is_empty() && shown.trim() != url.trim_start_matches("mailto:") {
                        self.push(&format!(" ({url})"), Role::Dim);
                    }
                }
            }
            _ => {}
        }
    }

    /// The role of text outside any inline tag.
    fn role(&self) -> Role {
        if let Some(role) = self.inline.last() {
            *role
        } else if self.heading {
            Role::Heading
        } else if self
            .containers
            .iter()
            .any(|c| matches!(c, Container::Quote))
        {
            Role::Quote
        } else {
            Role::Plain
        }
    }

    /// Adds a piece of inline text as the parser gives it, not yet through the gate: the
    /// parser splits text at character references, so `&#x1b;]0;title&#x7;` arrives in three
    /// pieces and only the whole line shows the escape sequence to remove.
    fn push(&mut self, raw: &str, role: Role) {
        self.line.extend(raw.chars().map(|c| (c, role)));
    }

    /// A blank row when one is due, then none until the next block ends.
    fn block_start(&mut self) {
        if self.gap && !self.out.is_empty() {
            self.out.push(Row::blank());
        }
        self.gap = false;
    }

    /// The prefixes of the next block's first row and of its other rows.
    fn prefixes(&mut self) -> (Row, Row) {
        let mut first = Row::default();
        let mut rest = Row::default();
        for container in &mut self.containers {
            match container {
                Container::Quote => {
                    first.push(QUOTE_BAR, Role::Quote);
                    rest.push(QUOTE_BAR, Role::Quote);
                }
                Container::Item { marker, width } => {
                    let pad = " ".repeat(*width);
                    match marker.take() {
                        Some(marker) => first.push(marker, Role::Dim),
                        None => first.push(pad.clone(), Role::Plain),
                    }
                    rest.push(pad, Role::Plain);
                }
            }
        }
        (first, rest)
    }

    /// Rows under the prefixes, each cut to the width.
    fn emit(&mut self, rows: Vec<Row>) {
        let (first, rest) = self.prefixes();
        for (i, row) in rows.into_iter().enumerate() {
            let mut out = if i == 0 { first.clone() } else { rest.clone() };
            out.0.extend(row.0);
            self.out.push(out.fit(self.width));
        }
    }

    /// Columns left for text once the open containers have their prefixes.
    fn text_width(&self) -> usize {
        let used: usize = self
            .containers
            .iter()
            .map(|c| match c {
                Container::Quote => text::width(QUOTE_BAR),
                Container::Item { width, .. } => *width,
            })
            .sum();
        self.width.saturating_sub(used).max(1)
    }

    /// The inline text read so far as wrapped rows, each character in its role.
    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.line);
        let line = gate(&raw);
        if line.is_empty() {
            return;
        }
        let plain: String = line.iter().map(|(c, _)| *c).collect();
        let wrapped = text::wrap(&plain, self.text_width());
        let rows = align(&wrapped, &line);
        self.emit(rows);
    }

    /// A code block, line by line as written (each line through the gate), wrapped when wider
    /// than the pane.
    fn code_rows(&mut self, code: &str) {
        let width = self.text_width().saturating_sub(CODE_INDENT.len()).max(1);
        let mut rows = Vec::new();
        for line in code.lines() {
            let line = text::clean_block(line);
            if line.is_empty() {
                rows.push(Row::blank());
            }
            for part in text::wrap(&line, width) {
                let mut row = Row::plain(CODE_INDENT);
                row.push(part, Role::Code);
                rows.push(row);
            }
        }
        self.emit(rows);
    }
}

/// A line of raw characters through the gate, whole, each clean character keeping the role of
/// the raw one it came from. The gate only removes characters and turns whitespace into single
/// spaces, so the clean text is matched to the raw one in order; should a removed sequence hold
/// the same letters, a few characters take a neighbour's role, while the text stays the gate's.
fn gate(raw: &[(char, Role)]) -> Vec<(char, Role)> {
    let text: String = raw.iter().map(|(c, _)| *c).collect();
    let clean = text::clean_line(&text);
    let mut src = raw.iter();
    let mut last = raw.first().map_or(Role::Plain, |(_, r)| *r);
    let mut out = Vec::with_capacity(clean.len());
    for c in clean.chars() {
        let mut role = None;
        for (rc, r) in src.by_ref() {
            if *rc == c || (c == ' ' && rc.is_whitespace()) {
                role = Some(*r);
                break;
            }
        }
        let role = role.unwrap_or(last);
        last = role;
        out.push((c, role));
    }
    out
}

/// Wrapped rows of `source`'s characters, each in its role again. Wrapping only drops spaces
/// at breaks (and, at widths under two columns, shows a wide character as `…`), so the rows are
/// matched to the source character by character.
fn align(wrapped: &[String], source: &[(char, Role)]) -> Vec<Row> {
    let mut src = source.iter().peekable();
    let mut last = source.first().map_or(Role::Plain, |(_, r)| *r);
    let mut rows = Vec::with_capacity(wrapped.len());
    for line in wrapped {
        let mut row = Row::default();
        let mut run = String::new();
        let mut run_role = None;
        for c in line.chars() {
            while let Some((sc, _)) = src.peek() {
                if *sc == ' ' && c != ' ' {
                    src.next();
                } else {
                    break;
                }
            }
            let role = src.next().map_or(last, |(_, r)| *r);
            last = role;
            if run_role.is_some_and(|r| r != role) {
                row.push(std::mem::take(&mut run), run_role.unwrap_or(role));
            }
            run_role = Some(role);
            run.push(c);
        }
        if let Some(role) = run_role {
            row.push(run, role);
        }
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each segment as `text` or `[role:text]`, rows joined by newlines.
    fn marked(rows: &[Row]) -> String {
        let mut out = String::new();
        for row in rows {
            for s in &row.0 {
                match s.role {
                    Role::Plain => out.push_str(&s.text),
                    role => out.push_str(&format!("[{role:?}:{}]", s.text)),
                }
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn inline_roles_keep_their_spaces() {
        let rows = rows("Some *emphasis*, **strong** and `code`.", 80);
        assert_eq!(
            marked(&rows),
            "Some [Emphasis:emphasis], [Strong:strong] and [Code:code].\n"
        );
    }

    #[test]
    fn links_show_their_text_and_url() {
        let rows = rows(
            "See [the report](https://a.example/r) or <https://b.example>.",
            80,
        );
        assert_eq!(
            marked(&rows),
            "See [LinkText:the report][Dim: (https://a.example/r)] or \
             [LinkText:https://b.example].\n"
        );
    }

    #[test]
    fn wrapped_rows_keep_roles_and_prefixes() {
        let rows = rows("- one **two three** four\n- five", 12);
        assert_eq!(
            marked(&rows),
            "[Dim:• ]one [Strong:two]\n  [Strong:three] four\n[Dim:• ]five\n"
        );
    }

    #[test]
    fn every_row_fits_at_any_width() {
        let body = "# A heading\n\n> quoted *text* here\n\n1. one\n   - nested item\n\n```\nlet x = 1;\n```\n\n---\n";
        for width in 1..30 {
            for row in rows(body, width) {
                assert!(row.width() <= width, "{width}: {row:?}");
            }
        }
    }
}
