//! Which rows of a long list are on screen: the list renders only those (plus a margin), with
//! spacers for the rest, so a fleet of 10,000 costs the DOM of a screenful.

use std::ops::Range;

/// Fleets up to this size show every worker as a full card.
pub const ALL_CARDS_UP_TO: usize = 60;
/// Larger fleets show this many full cards (the problems come first), then compact rows.
pub const FULL_CARDS: usize = 24;
/// Rows rendered beyond each edge of the viewport.
pub const OVERSCAN_ROWS: usize = 8;

/// The rows of a list of `count` rows of `row_px` each whose top is `list_top_px` from the
/// viewport's top (negative once scrolled past), in a viewport `viewport_px` high.
pub fn visible_rows(count: usize, row_px: f64, list_top_px: f64, viewport_px: f64) -> Range<usize> {
    if count == 0
        || row_px <= 0.0
        || !row_px.is_finite()
        || !list_top_px.is_finite()
        || !viewport_px.is_finite()
    {
        return 0..count.min(OVERSCAN_ROWS * 2);
    }
    let first = ((-list_top_px) / row_px).floor();
    let last = ((viewport_px - list_top_px) / row_px).ceil();
    let clamp = |value: f64| value.max(0.0).min(count as f64) as usize;
    let start = clamp(first).saturating_sub(OVERSCAN_ROWS);
    let end = (clamp(last) + OVERSCAN_ROWS).min(count);
    if start >= end {
        start.min(count)..start.min(count)
    } else {
        start..end
    }
}

/// How a fleet of `total` is split: the full cards, and compact rows for the rest.
pub fn full_cards(total: usize) -> usize {
    if total <= ALL_CARDS_UP_TO {
        total
    } else {
        FULL_CARDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_on_screen_plus_a_margin() {
        // 10,000 rows of 40 px, list starting 200 px below the top of an 800 px viewport.
        assert_eq!(visible_rows(10_000, 40.0, 200.0, 800.0), 0..23);
        // Scrolled 4,000 px into the list: rows 100 to 120 are on screen.
        assert_eq!(visible_rows(10_000, 40.0, -4_000.0, 800.0), 92..128);
        // Past the end, and a list far below the viewport.
        assert_eq!(
            visible_rows(10_000, 40.0, -1_000_000.0, 800.0),
            9_992..10_000
        );
        assert_eq!(visible_rows(10_000, 40.0, 5_000.0, 800.0), 0..8);
        assert_eq!(visible_rows(0, 40.0, 0.0, 800.0), 0..0);
        assert_eq!(visible_rows(100, f64::NAN, 0.0, 800.0), 0..16);
    }

    #[test]
    fn small_fleets_are_all_cards() {
        assert_eq!(full_cards(5), 5);
        assert_eq!(full_cards(60), 60);
        assert_eq!(full_cards(61), FULL_CARDS);
    }
}
