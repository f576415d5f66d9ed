//! Where each pane goes for a terminal size: one function shared by drawing and by
//! [`crate::app::update`], which needs page sizes and where a click landed.

use ratatui::layout::{Position, Rect};

use super::Pane;

/// Below this, nothing but a "terminal too small" line is drawn.
pub(crate) const MIN_WIDTH: u16 = 20;
pub(crate) const MIN_HEIGHT: u16 = 6;
/// Below this width one pane is shown at a time.
pub(crate) const NARROW_BELOW: u16 = 90;
/// From this height, one-pane mode shows the detail under the related pane.
const SPLIT_RELATED_FROM: u16 = 16;

/// The screen, cut into areas. A pane that is not shown has no area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub list: Option<Rect>,
    pub detail: Option<Rect>,
    pub related: Option<Rect>,
    /// Counts, sort, loading progress, messages.
    pub status: Rect,
    /// Key hints, or the query line while filtering.
    pub footer: Rect,
    pub too_small: bool,
}

impl Areas {
    pub fn pane(&self, pane: Pane) -> Option<Rect> {
        match pane {
            Pane::List => self.list,
            Pane::Detail => self.detail,
            Pane::Related => self.related,
        }
    }

    /// The pane under a cell, if any.
    pub(crate) fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        let at = Position::new(column, row);
        [Pane::List, Pane::Detail, Pane::Related]
            .into_iter()
            .find(|p| self.pane(*p).is_some_and(|r| r.contains(at)))
    }
}

/// Rows inside a bordered pane.
pub(crate) fn inner_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

/// Columns inside a bordered pane.
pub fn inner_width(area: Rect) -> usize {
    usize::from(area.width.saturating_sub(2))
}

pub fn areas(width: u16, height: u16, focus: Pane) -> Areas {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let main = Rect::new(0, 0, width, height - 2);
    let status = Rect::new(0, height - 2, width, 1);
    let footer = Rect::new(0, height - 1, width, 1);
    if width < NARROW_BELOW {
        let mut areas = Areas {
            status,
            footer,
            ..Areas::default()
        };
        match focus {
            Pane::List => areas.list = Some(main),
            Pane::Detail => areas.detail = Some(main),
            // The related entries above the detail, when there is room for both: an entry
            // outside the corpus can only be seen there before it is opened.
            Pane::Related if main.height >= SPLIT_RELATED_FROM => {
                let related_height = main.height * 2 / 5;
                areas.related = Some(Rect::new(main.x, main.y, main.width, related_height));
                areas.detail = Some(Rect::new(
                    main.x,
                    main.y + related_height,
                    main.width,
                    main.height - related_height,
                ));
            }
            Pane::Related => areas.related = Some(main),
        }
        return areas;
    }
    let list_width = (width * 11 / 20).max(40);
    let right_width = width - list_width;
    let detail_height = main.height * 3 / 5;
    Areas {
        list: Some(Rect::new(0, 0, list_width, main.height)),
        detail: Some(Rect::new(list_width, 0, right_width, detail_height)),
        related: Some(Rect::new(
            list_width,
            detail_height,
            right_width,
            main.height - detail_height,
        )),
        status,
        footer,
        too_small: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_show_three_panes_that_tile_the_main_area() {
        let a = areas(120, 40, Pane::List);
        let (list, detail, related) = (a.list.unwrap(), a.detail.unwrap(), a.related.unwrap());
        assert_eq!(list.width + detail.width, 120);
        assert_eq!(detail.height + related.height, 38);
        assert_eq!(a.pane_at(0, 0), Some(Pane::List));
        assert_eq!(a.pane_at(119, 37), Some(Pane::Related));
        assert_eq!(a.pane_at(0, 39), None);
    }

    #[test]
    fn narrow_screens_show_the_focused_pane_only() {
        let a = areas(80, 24, Pane::Detail);
        assert_eq!((a.list, a.related), (None, None));
        assert_eq!(a.detail, Some(Rect::new(0, 0, 80, 22)));
        // Short: the related pane alone.
        let a = areas(80, 16, Pane::Related);
        assert_eq!((a.list, a.detail), (None, None));
        assert_eq!(a.related, Some(Rect::new(0, 0, 80, 14)));
    }

    /// In one-pane mode the related entries have the detail under them, where an entry outside
    /// the corpus shows, when the terminal is tall enough for both.
    #[test]
    fn narrow_related_shows_the_detail_under_it_when_tall_enough() {
        let a = areas(80, 24, Pane::Related);
        assert_eq!(a.list, None);
        assert_eq!(a.related, Some(Rect::new(0, 0, 80, 8)));
        assert_eq!(a.detail, Some(Rect::new(0, 8, 80, 14)));
    }

    #[test]
    fn tiny_screens_are_too_small() {
        assert!(areas(19, 40, Pane::List).too_small);
        assert!(areas(120, 5, Pane::List).too_small);
        assert!(!areas(20, 6, Pane::List).too_small);
    }
}
