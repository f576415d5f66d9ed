//! The detail and related panes: scrolling the detail, the related entries and backlinks of the
//! selected card, following them, and the URL the selection stands for.

use super::{Effect, Pane, State, layout};
use crate::corpus::url::may_open;
use crate::corpus::{CardIx, Related, Urls};
use crate::text;
use crate::view::Row;
use crate::view::detail::{self, Look};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DetailState {
    /// First row of the detail text drawn.
    pub scroll: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelatedState {
    /// Row of the selection among [`State::related_items`].
    pub selected: usize,
}

/// A row of the related pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelatedItem {
    /// The selected card's related entry number `index`, and the card it names if in the corpus.
    Entry {
        index: usize,
        target: Option<CardIx>,
    },
    /// A card whose related list names the selected card.
    CitedBy(CardIx),
}

/// First related row drawn for a selection in a pane of `height` rows: keeps it in sight.
pub fn related_offset(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

impl State {
    /// How the detail pane lays out the selected card.
    pub fn detail_look(&self) -> Look {
        Look {
            now: self.now,
            zone: self.zone.clone(),
            // In the related pane `o` opens the selected entry instead, so the mark would mislead.
            mark_opens: self.focus != Pane::Related,
            lit: self.selected_ix().and_then(|ix| {
                let found = self.filter.found.as_ref()?;
                (!self.filter.active.is_empty() && !found.hits.is_empty())
                    .then(|| (self.filter.active.clone(), self.filter.tier(ix)))
            }),
        }
    }

    /// The related entry the related pane has selected when it names no card of the corpus:
    /// the detail pane shows it then, since there is no card to show and it can only be opened.
    pub fn outside_entry(&self) -> Option<Related> {
        if self.focus != Pane::Related {
            return None;
        }
        match self.related_items().get(self.related.selected)? {
            RelatedItem::Entry {
                index,
                target: None,
            } => self.selected_entry(*index),
            _ => None,
        }
    }

    /// The selected card's related entry `index`, if its extras could be read.
    fn selected_entry(&self, index: usize) -> Option<Related> {
        let extras = self.selected_extras()?.ok()?;
        extras.related.get(index).cloned()
    }

    /// The detail pane's rows at `width` columns: the outside entry selected in the related
    /// pane, else the selected card; empty when there is neither.
    pub fn detail_rows(&self, width: usize) -> Vec<Row> {
        let look = self.detail_look();
        if let Some(entry) = self.outside_entry() {
            // `o` opens the entry: its URL gets the mark the card's has elsewhere.
            let look = Look {
                mark_opens: true,
                lit: None,
                ..look
            };
            return detail::entry_rows(&entry, width, &look);
        }
        match (self.selected_card(), self.selected_extras()) {
            (Some(card), Some(extras)) => detail::rows(card, &extras, width, &look),
            _ => Vec::new(),
        }
    }

    /// The first detail row drawn: an outside entry is shown from its top, since the detail
    /// pane cannot be scrolled while the related pane has the focus.
    pub fn detail_first_row(&self) -> usize {
        if self.outside_entry().is_some() {
            0
        } else {
            self.detail.scroll
        }
    }

    /// The related pane's rows: the related entries, then the cards that cite this one.
    pub fn related_items(&self) -> Vec<RelatedItem> {
        let Some(ix) = self.selected_ix() else {
            return Vec::new();
        };
        let entries = self
            .corpus
            .targets(ix)
            .into_iter()
            .enumerate()
            .map(|(index, target)| RelatedItem::Entry { index, target });
        let cited_by = self
            .corpus
            .backlinks(ix)
            .into_iter()
            .map(RelatedItem::CitedBy);
        entries.chain(cited_by).collect()
    }

    pub(super) fn clamp_detail_scroll(&mut self) {
        let areas = self.areas();
        let height = areas.detail.map_or(1, layout::inner_height).max(1);
        let width = areas
            .detail
            .map_or(usize::from(self.width), layout::inner_width);
        let rows = match (self.selected_card(), self.selected_extras()) {
            (Some(card), Some(extras)) => {
                detail::rows(card, &extras, width, &self.detail_look()).len()
            }
            _ => 0,
        };
        self.detail.scroll = self.detail.scroll.min(rows.saturating_sub(height));
    }

    /// Enter: from the list to the detail, from the detail to related, and in related along
    /// the selected link.
    pub(super) fn activate(&mut self) -> Vec<Effect> {
        match self.focus {
            Pane::List => {
                if self.selected_card().is_some() {
                    self.focus = Pane::Detail;
                }
                Vec::new()
            }
            Pane::Detail => {
                self.focus = Pane::Related;
                Vec::new()
            }
            Pane::Related => match self.related_items().get(self.related.selected).copied() {
                Some(
                    RelatedItem::Entry {
                        target: Some(target),
                        ..
                    }
                    | RelatedItem::CitedBy(target),
                ) => {
                    self.jump_to(target);
                    Vec::new()
                }
                Some(RelatedItem::Entry { target: None, .. }) => {
                    let url = self.selected_url();
                    self.open_url(url)
                }
                None => Vec::new(),
            },
        }
    }

    /// The URL the selection stands for: in the related pane the selected entry's, elsewhere
    /// the card's preferred one.
    pub(super) fn selected_url(&self) -> Option<String> {
        let card = self.selected_card()?;
        let preferred = |urls: &Urls| urls.preferred().map(|(_, u)| u.to_string());
        if self.focus != Pane::Related {
            return preferred(&card.urls);
        }
        match self.related_items().get(self.related.selected)? {
            RelatedItem::Entry { index, .. } => preferred(&self.selected_entry(*index)?.urls),
            RelatedItem::CitedBy(ix) => preferred(&self.corpus.get(*ix)?.urls),
        }
    }

    /// `y`: the selected URL onto the clipboard, under the same rule as opening it, since a
    /// pasted URL is as good as an opened one (and a newline in it runs a command in a shell).
    pub(super) fn copy_url(&mut self) -> Vec<Effect> {
        let Some(url) = self.selected_url() else {
            self.notify("no URL to copy", true);
            return Vec::new();
        };
        match may_open(&url) {
            Ok(_) => {
                self.notify(format!("copied {}", text::clean_line(&url)), false);
                vec![Effect::Copy(url)]
            }
            Err(reason) => {
                self.notify(
                    format!("not copied: {reason}: {}", text::clean_line(&url)),
                    true,
                );
                Vec::new()
            }
        }
    }

    pub(super) fn open_url(&mut self, url: Option<String>) -> Vec<Effect> {
        let Some(url) = url else {
            self.notify("no URL to open", true);
            return Vec::new();
        };
        match may_open(&url) {
            Ok(_) => {
                self.notify(format!("opening {}", text::clean_line(&url)), false);
                vec![Effect::OpenUrl(url)]
            }
            Err(reason) => {
                self.notify(
                    format!("not opened: {reason}: {}", text::clean_line(&url)),
                    true,
                );
                Vec::new()
            }
        }
    }
}
