//! The wall-screen view's layout (`view="tv"`, issue 23): a fleet of any size on one screen that
//! never scrolls. The density follows the fleet and the screen: full cards while they fit (as
//! large as fits, up to twice the readable size), then compact tiles (name, status, last seen),
//! then every problem as a tile and the healthy workers counted by group. When even the problems
//! overflow, the newest are shown and the oldest counted in a last tile ("and 37 more problems").
//!
//! Sizes are whole pixels (no float is ever formatted into the bundle); the section's styles
//! lay each cell out to fit the sizes here, in ems of the cell's font.

use crate::rules::status::Status;
use crate::rules::workers::Workers;
use crate::view::grouping::value_of;

/// The smallest text a wall screen shows at 1920×1080, in px; it scales with the screen.
pub const READABLE_PX_AT_1080P: u32 = 20;
/// The smallest text on a screen too small to scale down to (a laptop previewing the view).
const SMALLEST_PX: u32 = 12;
/// The largest readable size taken into account (a 16K screen is 160 px).
const LARGEST_PX: u32 = 400;
/// Cells' text grows up to this many times the readable size while the fleet is small; the
/// summary is larger still (`SUMMARY_SCALE` in the styles: 2.5).
pub const LARGEST_SCALE: u32 = 2;

/// A cell's size in ems of its own font, tenths (`(140, 50)` is 14 em × 5 em).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellEm {
    /// Width, tenths of an em.
    pub width: u32,
    /// Height, tenths of an em.
    pub height: u32,
}

/// A full card: name, status, last seen, jobs and errors (or the breaker), one line each, and
/// the strip.
pub const CARD: CellEm = CellEm {
    width: 140,
    height: 64,
};
/// A compact tile: name, status, last seen (smaller), one line each.
pub const TILE: CellEm = CellEm {
    width: 120,
    height: 42,
};
/// The gap between cells, tenths of an em.
pub const GAP: u32 = 3;

/// How the wall shows its workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// Every worker as a full card.
    Cards,
    /// Every worker as a compact tile.
    Tiles,
    /// Problems as tiles, the healthy counted by group.
    Problems,
}

impl Density {
    /// The `data-density` hook.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cards => "cards",
            Self::Tiles => "tiles",
            Self::Problems => "problems",
        }
    }
}

/// The grid the wall draws: its density, cells and font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// Cards, tiles, or problems and counts.
    pub density: Density,
    /// Whether a worker's cell is a full card (else a tile): always with `Cards`, never with
    /// `Tiles`, and with `Problems` while the problems and counts fit as cards.
    pub cards: bool,
    /// Columns of cells.
    pub columns: usize,
    /// Rows of cells there is room for.
    pub rows: usize,
    /// The cells' font size, px.
    pub font_px: u32,
    /// A cell's height, px.
    pub cell_px: u32,
    /// The gap between cells, px.
    pub gap_px: u32,
}

impl Grid {
    /// How many cells there is room for.
    pub fn capacity(&self) -> usize {
        self.columns * self.rows
    }
}

/// The readable text size on a screen `screen_width` × `screen_height` px: 20 px at 1920×1080,
/// 40 px at 3840×2160, never under 12.
pub fn readable_px(screen_width: u32, screen_height: u32) -> u32 {
    let by_width = screen_width.saturating_mul(READABLE_PX_AT_1080P) / 1920;
    let by_height = screen_height.saturating_mul(READABLE_PX_AT_1080P) / 1080;
    by_width.min(by_height).max(SMALLEST_PX)
}

/// The grid for `workers` workers in an area `width` × `height` px, text at least
/// `readable_px`; showing only the problems and the healthy counted takes `problem_cells` cells
/// (see `problem_cells`).
pub fn grid(
    width: u32,
    height: u32,
    readable_px: u32,
    workers: usize,
    problem_cells: usize,
) -> Grid {
    // Before the first measurement the size is 0; nothing reads text larger than LARGEST_PX.
    let readable_px = readable_px.clamp(SMALLEST_PX, LARGEST_PX);
    let fitting = |cell: CellEm, density: Density, count: usize| {
        (readable_px..=readable_px * LARGEST_SCALE)
            .rev()
            .map(|font_px| sized(cell, density, font_px, width, height, count))
            .find(|grid| grid.capacity() >= count)
    };
    fitting(CARD, Density::Cards, workers)
        .or_else(|| fitting(TILE, Density::Tiles, workers))
        .or_else(|| fitting(CARD, Density::Problems, problem_cells))
        .or_else(|| fitting(TILE, Density::Problems, problem_cells))
        .unwrap_or_else(|| {
            sized(
                TILE,
                Density::Problems,
                readable_px,
                width,
                height,
                usize::MAX,
            )
        })
}

/// How many cells showing only the problems among `shown` and the healthy counted by
/// `group_by` takes (before any is folded away): the `problem_cells` of `grid`.
pub fn problem_cells(
    shown: &[String],
    workers: &Workers,
    status: impl Fn(&str) -> Option<Status>,
    group_by: Option<&str>,
) -> usize {
    let (problems, healthy) = split(shown, workers, status, group_by);
    problems.len() + healthy.len()
}

/// The grid of `cell`s at `font_px` in `width` × `height`, no more columns than `count`.
fn sized(
    cell: CellEm,
    density: Density,
    font_px: u32,
    width: u32,
    height: u32,
    count: usize,
) -> Grid {
    let px = |tenths: u32| tenths.saturating_mul(font_px).div_ceil(10);
    let (cell_width, cell_px, gap_px) = (px(cell.width), px(cell.height), px(GAP));
    let fit = |room: u32, size: u32| {
        (room.saturating_add(gap_px))
            .checked_div(size.saturating_add(gap_px))
            .unwrap_or(0) as usize
    };
    Grid {
        density,
        cards: cell == CARD,
        columns: fit(width, cell_width).min(count.max(1)),
        rows: fit(height, cell_px),
        font_px,
        cell_px,
        gap_px,
    }
}

/// What the wall draws: workers as cards or tiles, in display order, then the cells that count
/// workers instead of showing them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cells {
    /// The workers drawn, in display order.
    pub workers: Vec<String>,
    /// The cells that count (none unless the density is `Problems`).
    pub counts: Vec<Count>,
}

/// A cell that counts workers instead of showing them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// The problems there was no room for, the oldest.
    MoreProblems(usize),
    /// A group's healthy workers, counted: its value ("crawl"), or `None` for a fleet without
    /// groups.
    Healthy {
        /// The group's value, or `None` for every healthy worker together.
        group: Option<String>,
        /// Running ones.
        running: usize,
        /// Unknown ones (no heartbeat yet, or a status the section does not know).
        unknown: usize,
    },
    /// The groups there was no room for, their healthy workers counted together.
    MoreGroups {
        /// How many groups.
        groups: usize,
        /// Running ones among them.
        running: usize,
        /// Unknown ones among them.
        unknown: usize,
    },
}

/// The cells of `grid` for the workers `shown` (in display order, problems first), their
/// statuses from `status`, healthy ones counted by the metadata key `group_by` (all together
/// without one).
pub fn cells(
    grid: &Grid,
    shown: &[String],
    workers: &Workers,
    status: impl Fn(&str) -> Option<Status>,
    group_by: Option<&str>,
) -> Cells {
    if grid.density != Density::Problems {
        return Cells {
            workers: shown.to_vec(),
            counts: Vec::new(),
        };
    }
    let capacity = grid.capacity();
    let (problems, healthy) = split(shown, workers, status, group_by);
    // The healthy get at most a quarter of the room (at least one cell); the rest is the
    // problems'.
    let healthy_room = if healthy.is_empty() {
        0
    } else {
        healthy.len().min((capacity / 4).max(1))
    };
    let healthy = fold_groups(healthy, healthy_room);
    let problem_room = capacity.saturating_sub(healthy.len());
    if problems.len() <= problem_room {
        return Cells {
            workers: problems.iter().map(|(name, _)| (*name).clone()).collect(),
            counts: healthy,
        };
    }
    // The newest problems keep their place in the display order; the oldest are counted.
    let room = problem_room.saturating_sub(1);
    let mut by_age: Vec<usize> = (0..problems.len()).collect();
    by_age.sort_by(|a, b| problems[*b].1.cmp(&problems[*a].1).then(a.cmp(b)));
    let mut keep: Vec<usize> = by_age[..room].to_vec();
    keep.sort_unstable();
    let mut counts = Vec::with_capacity(healthy.len() + 1);
    if problem_room > 0 {
        counts.push(Count::MoreProblems(problems.len() - room));
    }
    counts.extend(healthy);
    Cells {
        workers: keep.into_iter().map(|at| problems[at].0.clone()).collect(),
        counts,
    }
}

/// The problems among `shown` with their last heartbeats, and the healthy counted by group.
fn split<'a>(
    shown: &'a [String],
    workers: &Workers,
    status: impl Fn(&str) -> Option<Status>,
    group_by: Option<&str>,
) -> (Vec<(&'a String, Option<i64>)>, Vec<Count>) {
    let mut problems: Vec<(&String, Option<i64>)> = Vec::new();
    let mut healthy: Vec<Count> = Vec::new();
    for name in shown {
        let Some(status) = status(name) else {
            continue;
        };
        let row = workers.get(name);
        if status.is_problem() {
            problems.push((name, row.and_then(|row| row.last_heartbeat_ms)));
            continue;
        }
        let group = group_by.zip(row).map(|(key, row)| value_of(row, key));
        let at = match healthy
            .iter()
            .position(|cell| matches!(cell, Count::Healthy { group: known, .. } if *known == group))
        {
            Some(at) => at,
            None => {
                healthy.push(Count::Healthy {
                    group,
                    running: 0,
                    unknown: 0,
                });
                healthy.len() - 1
            }
        };
        if let Count::Healthy {
            running, unknown, ..
        } = &mut healthy[at]
        {
            if status == Status::Running {
                *running += 1;
            } else {
                *unknown += 1;
            }
        }
    }
    (problems, healthy)
}

/// `groups` in at most `room` cells: the last cell counts every group there was no room for.
fn fold_groups(mut groups: Vec<Count>, room: usize) -> Vec<Count> {
    if groups.len() <= room {
        return groups;
    }
    let rest = groups.split_off(room.saturating_sub(1));
    let (mut running_sum, mut unknown_sum) = (0, 0);
    for cell in &rest {
        if let Count::Healthy {
            running, unknown, ..
        } = cell
        {
            running_sum += running;
            unknown_sum += unknown;
        }
    }
    if room > 0 {
        groups.push(Count::MoreGroups {
            groups: rest.len(),
            running: running_sum,
            unknown: unknown_sum,
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::json::Json;
    use crate::wire::reported_status::ReportedStatus;
    use crate::wire::row::WorkerRow;

    /// The area below a wall header at 1920×1080 and 3840×2160.
    const HD: (u32, u32, u32) = (1880, 960, 20);
    const UHD: (u32, u32, u32) = (3760, 1920, 40);

    /// The grid for a fleet of `workers`, one in eight a problem, in eight groups.
    fn grid_for(screen: (u32, u32, u32), workers: usize) -> Grid {
        grid(screen.0, screen.1, screen.2, workers, workers / 8 + 8)
    }

    #[test]
    fn readable_text_scales_with_the_screen() {
        assert_eq!(readable_px(1920, 1080), 20);
        assert_eq!(readable_px(3840, 2160), 40);
        assert_eq!(readable_px(1080, 1920), SMALLEST_PX); // portrait: by its width, 11 px
        assert_eq!(readable_px(640, 360), SMALLEST_PX);
    }

    #[test]
    fn the_density_follows_the_fleet_and_the_screen() {
        for screen in [HD, UHD] {
            for (workers, density) in [
                (5, Density::Cards),
                (10, Density::Cards),
                (40, Density::Cards),
                (200, Density::Problems),
                (2_000, Density::Problems),
            ] {
                let grid = grid_for(screen, workers);
                assert_eq!(grid.density, density, "{workers} workers on {screen:?}");
                assert!(grid.font_px >= screen.2, "readable: {grid:?}");
                if density != Density::Problems {
                    assert!(grid.capacity() >= workers, "all fit: {grid:?}");
                }
            }
        }
        // Between cards and problems: tiles.
        assert_eq!(grid_for(HD, 70).density, Density::Tiles);
        // Problems as cards while they and the counts fit as cards, else as tiles.
        assert!(grid_for(HD, 200).cards);
        assert!(!grid_for(HD, 2_000).cards);
        assert!(grid_for(UHD, 200).cards);
    }

    #[test]
    fn a_grid_never_overflows_its_area() {
        for workers in [1, 5, 40, 61, 100, 150, 300, 5_000] {
            for screen in [HD, UHD, (1000, 500, 12)] {
                let grid = grid_for(screen, workers);
                let used_height = grid.rows as u32 * (grid.cell_px + grid.gap_px);
                assert!(
                    used_height <= screen.1 + grid.gap_px,
                    "{workers} on {screen:?}: {grid:?}"
                );
                let cell_width =
                    (if grid.cards { CARD.width } else { TILE.width } * grid.font_px).div_ceil(10);
                let used_width = grid.columns as u32 * (cell_width + grid.gap_px);
                assert!(
                    used_width <= screen.0 + grid.gap_px,
                    "{workers} on {screen:?}: {grid:?}"
                );
            }
        }
    }

    #[test]
    fn few_workers_get_large_cards_and_no_empty_columns() {
        let grid = grid_for(HD, 5);
        assert_eq!(grid.font_px, HD.2 * LARGEST_SCALE);
        assert!(grid.columns <= 5);
        assert_eq!(grid_for(HD, 1).columns, 1);
    }

    #[test]
    fn an_empty_area_has_no_room() {
        assert_eq!(grid(0, 0, 20, 10, 2).capacity(), 0);
        // Before the first measurement: no size at all, and no panic.
        assert_eq!(grid(0, 0, 0, 10, 2).capacity(), 0);
        assert!(grid(u32::MAX, u32::MAX, u32::MAX / 100, 10, 2).font_px > 0);
    }

    fn row(name: &str, status: &str, heartbeat_ms: i64, group: &str) -> WorkerRow {
        WorkerRow {
            worker_name: name.to_owned(),
            reported_status: ReportedStatus::parse(status),
            last_heartbeat_ms: Some(heartbeat_ms),
            description: None,
            jobs_processed: 0,
            error_count: 0,
            circuit_breaker_open: false,
            metadata: vec![("pool".to_owned(), Json::String(group.to_owned()))],
            display_order: None,
            updated_at_ms: 1,
        }
    }

    /// `problems` crashed workers (the i-th last seen at i s), then `healthy` running ones in
    /// `groups` pools, and the problems-first display order.
    fn fleet(problems: usize, healthy: usize, groups: usize) -> (Workers, Vec<String>) {
        let mut rows = Vec::new();
        let mut order = Vec::new();
        for i in 0..problems {
            let name = format!("bad-{i:04}");
            rows.push(row(&name, "crashed", i as i64 * 1_000, "p"));
            order.push(name);
        }
        for i in 0..healthy {
            let name = format!("ok-{i:04}");
            rows.push(row(
                &name,
                "running",
                0,
                &format!("pool-{}", i % groups.max(1)),
            ));
            order.push(name);
        }
        let mut workers = Workers::default();
        workers.apply_snapshot(rows);
        (workers, order)
    }

    fn status_in(workers: &Workers) -> impl Fn(&str) -> Option<Status> + '_ {
        |name| {
            workers.get(name).map(|row| {
                if row.reported_status == ReportedStatus::Crashed {
                    Status::Crashed
                } else {
                    Status::Running
                }
            })
        }
    }

    fn problems_grid(columns: usize, rows: usize) -> Grid {
        Grid {
            density: Density::Problems,
            cards: false,
            columns,
            rows,
            font_px: 20,
            cell_px: 62,
            gap_px: 6,
        }
    }

    #[test]
    fn cards_and_tiles_show_every_worker_in_order() {
        let (workers, order) = fleet(2, 3, 1);
        let mut grid = grid_for(HD, 5);
        let all = Cells {
            workers: order.clone(),
            counts: Vec::new(),
        };
        assert_eq!(
            cells(&grid, &order, &workers, status_in(&workers), None),
            all
        );
        grid.density = Density::Tiles;
        assert_eq!(
            cells(&grid, &order, &workers, status_in(&workers), None),
            all
        );
    }

    #[test]
    fn problems_as_tiles_and_the_healthy_counted_by_group() {
        let (workers, order) = fleet(3, 412, 2);
        let grid = problems_grid(10, 10);
        let cells = cells(&grid, &order, &workers, status_in(&workers), Some("pool"));
        assert_eq!(cells.workers, ["bad-0000", "bad-0001", "bad-0002"]);
        assert_eq!(
            cells.counts,
            vec![
                Count::Healthy {
                    group: Some("pool-0".to_owned()),
                    running: 206,
                    unknown: 0
                },
                Count::Healthy {
                    group: Some("pool-1".to_owned()),
                    running: 206,
                    unknown: 0
                },
            ]
        );
        let together = super::cells(&grid, &order, &workers, status_in(&workers), None);
        assert_eq!(
            together.counts.last(),
            Some(&Count::Healthy {
                group: None,
                running: 412,
                unknown: 0
            })
        );
    }

    #[test]
    fn overflowing_problems_show_the_newest_and_count_the_oldest() {
        let (workers, order) = fleet(60, 100, 1);
        let grid = problems_grid(5, 4); // 20 cells: 1 for the healthy, 18 problems, 1 "more"
        let cells = cells(&grid, &order, &workers, status_in(&workers), Some("pool"));
        assert_eq!(cells.workers.len() + cells.counts.len(), 20);
        // bad-0059 is the newest (last seen at 59 s); the 18 newest, in display order.
        let expected: Vec<String> = (42..60).map(|i| format!("bad-{i:04}")).collect();
        assert_eq!(cells.workers, expected);
        assert_eq!(cells.counts.first(), Some(&Count::MoreProblems(42)));
        assert_eq!(
            cells.counts.last(),
            Some(&Count::Healthy {
                group: Some("pool-0".to_owned()),
                running: 100,
                unknown: 0
            })
        );
    }

    #[test]
    fn many_groups_fold_into_one_cell() {
        let (workers, order) = fleet(1, 100, 50);
        let grid = problems_grid(4, 3); // 12 cells: the healthy get 3
        let cells = cells(&grid, &order, &workers, status_in(&workers), Some("pool"));
        assert_eq!(cells.workers.len() + cells.counts.len(), 4);
        assert_eq!(
            cells.counts.last(),
            Some(&Count::MoreGroups {
                groups: 48,
                running: 96,
                unknown: 0
            })
        );
    }

    #[test]
    fn only_problems_fill_the_screen() {
        let (workers, order) = fleet(2_000, 0, 1);
        let grid = problems_grid(9, 15);
        let cells = cells(&grid, &order, &workers, status_in(&workers), None);
        assert_eq!(cells.workers.len(), 134);
        assert_eq!(cells.counts, [Count::MoreProblems(2_000 - 134)]);
    }
}
