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

/// How many of a group's `group_len` workers (its `problems` first) are full cards when the
/// list shows `fleet_len` workers in `groups` groups: all of them in a small fleet; in a large
/// one, every problem and an equal share of `FULL_CARDS` (at least two), so a thousand workers in
/// fifty groups cost about as much DOM as without groups.
pub fn full_cards_in_group(
    group_len: usize,
    problems: usize,
    fleet_len: usize,
    groups: usize,
) -> usize {
    if fleet_len <= ALL_CARDS_UP_TO {
        return group_len;
    }
    let share = (FULL_CARDS / groups.max(1)).max(2);
    group_len.min(problems.max(share))
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

    #[test]
    fn groups_of_a_large_fleet_share_the_cards_and_keep_every_problem_a_card() {
        assert_eq!(
            full_cards_in_group(20, 0, 60, 3),
            20,
            "a small fleet is all cards"
        );
        assert_eq!(full_cards_in_group(20, 0, 1_000, 50), 2);
        assert_eq!(
            full_cards_in_group(20, 7, 1_000, 50),
            7,
            "every problem is a card"
        );
        assert_eq!(full_cards_in_group(500, 0, 1_000, 2), FULL_CARDS / 2);
        assert_eq!(full_cards_in_group(1, 0, 1_000, 2), 1);
    }
}
