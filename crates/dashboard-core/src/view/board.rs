//! What the list shows, kept up to date without redoing the whole fleet for every event: each
//! worker's status as of the last clock tick, the display order (problems first, then the
//! seeded order, then by name) and the counts. A heartbeat that changes neither a worker's status
//! nor its place costs one status evaluation; the order is sorted again only when a status, a
//! place or the membership changes, and the once-a-second tick only re-evaluates statuses.

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Ordering;

use crate::rules::status::{Status, Thresholds, status_of};
use crate::rules::transition::Transition;
use crate::rules::workers::{Counts, Workers};
use crate::wire::row::WorkerRow;

/// Where a worker sorts: its status and seeded place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placement {
    status: Status,
    display_order: Option<i64>,
}

/// The view's bookkeeping over a `Workers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    placements: HashMap<String, Placement>,
    order: Vec<String>,
    counts: Counts,
    /// Status changes of known workers since `take_transitions`, a rebuild's included: a
    /// snapshot after a reconnection is how the page learns what changed while it was away.
    /// Workers seen for the first time (the first snapshot, a newcomer) change nothing.
    transitions: Vec<Transition>,
}

impl Board {
    /// Names in display order.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// Running, total, problems.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The status changes since the last call, oldest first.
    pub fn take_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }

    /// A worker's status as of the last evaluation.
    pub fn status(&self, name: &str) -> Option<Status> {
        self.placements.get(name).map(|placement| placement.status)
    }

    /// Everything again (after a snapshot or a page), recording the status changes of workers
    /// it already knew.
    pub fn rebuild(&mut self, workers: &Workers, now_ms: i64, thresholds: Thresholds) {
        let placements: HashMap<String, Placement> = workers
            .iter()
            .map(|row| (row.worker_name.clone(), placement(row, now_ms, thresholds)))
            .collect();
        for row in workers.iter() {
            let name = &row.worker_name;
            if let (Some(before), Some(now)) = (self.placements.get(name), placements.get(name))
                && before.status != now.status
            {
                self.transitions.push(Transition {
                    worker_name: name.clone(),
                    from: before.status,
                    to: now.status,
                });
            }
        }
        self.placements = placements;
        self.order = self.placements.keys().cloned().collect();
        self.sort();
    }

    /// Re-evaluates every status at `now_ms` (the clock ticked). Returns whether the order or
    /// the counts changed; nothing is sorted when no status changed.
    pub fn tick(&mut self, workers: &Workers, now_ms: i64, thresholds: Thresholds) -> bool {
        let mut changed = false;
        for row in workers.iter() {
            let status = status_of(row, now_ms, thresholds);
            if let Some(known) = self.placements.get_mut(&row.worker_name)
                && known.status != status
            {
                self.transitions.push(Transition {
                    worker_name: row.worker_name.clone(),
                    from: known.status,
                    to: status,
                });
                known.status = status;
                changed = true;
            }
        }
        if changed {
            self.sort();
        }
        changed
    }

    /// After a change to the worker `name` (now in `workers`, or gone from it). Returns whether
    /// the order or the counts changed.
    pub fn touch(
        &mut self,
        workers: &Workers,
        name: &str,
        now_ms: i64,
        thresholds: Thresholds,
    ) -> bool {
        let now = workers
            .get(name)
            .map(|row| placement(row, now_ms, thresholds));
        let before = self.placements.get(name).copied();
        if now == before {
            return false;
        }
        if let (Some(before), Some(now)) = (before, now)
            && before.status != now.status
        {
            self.transitions.push(Transition {
                worker_name: name.to_owned(),
                from: before.status,
                to: now.status,
            });
        }
        match now {
            Some(placement) => {
                self.placements.insert(name.to_owned(), placement);
                if before.is_none() {
                    self.order.push(name.to_owned());
                }
            }
            None => {
                self.placements.remove(name);
                self.order.retain(|known| known != name);
            }
        }
        self.sort();
        true
    }

    fn sort(&mut self) {
        let placements = &self.placements;
        let rank = |name: &String| placements.get(name).copied();
        self.order
            .sort_unstable_by(|a, b| match (rank(a), rank(b)) {
                (Some(x), Some(y)) => compare(a, x, b, y),
                _ => a.cmp(b),
            });
        let statuses: Vec<Status> = placements
            .values()
            .map(|placement| placement.status)
            .collect();
        self.counts = Counts::of(&statuses);
    }
}

fn placement(row: &WorkerRow, now_ms: i64, thresholds: Thresholds) -> Placement {
    Placement {
        status: status_of(row, now_ms, thresholds),
        display_order: row.display_order,
    }
}

/// Problems first (Crashed, then Late, then Stopped), then the seeded order, then by name.
fn compare(a: &str, x: Placement, b: &str, y: Placement) -> Ordering {
    let rank = |status: Status| {
        if status.is_problem() {
            status as u8
        } else {
            u8::MAX
        }
    };
    rank(x.status)
        .cmp(&rank(y.status))
        .then_with(|| {
            x.display_order
                .unwrap_or(i64::MAX)
                .cmp(&y.display_order.unwrap_or(i64::MAX))
        })
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Workers a and b, Running, and the board of their first snapshot.
    fn two_running() -> (Workers, Board) {
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![
            row("a", "running", NOW, None, 1),
            row("b", "running", NOW, None, 1),
        ]);
        let mut board = Board::default();
        board.rebuild(&workers, now(), Thresholds::default());
        (workers, board)
    }

    #[test]
    fn ticks_and_changes_record_transitions_and_a_first_snapshot_does_not() {
        let (workers, mut board) = two_running();
        assert!(
            board.take_transitions().is_empty(),
            "a first snapshot is no event"
        );
        board.tick(&workers, now() + 61_000, Thresholds::default());
        let late: Vec<_> = board
            .take_transitions()
            .into_iter()
            .map(|t| (t.worker_name, t.to))
            .collect();
        assert_eq!(late.len(), 2);
        assert!(late.iter().all(|(_, to)| *to == Status::Late));
        board.tick(&workers, now() + 62_000, Thresholds::default());
        assert!(
            board.take_transitions().is_empty(),
            "no change, no transition"
        );
    }

    #[test]
    fn a_later_snapshot_records_what_changed_while_the_page_was_away() {
        let (mut workers, mut board) = two_running();
        board.take_transitions();
        let later = "2026-11-28T15:00:20Z";
        workers.apply_snapshot(vec![
            row("a", "crashed", later, None, 1),
            row("b", "running", later, None, 2),
            row("c", "stopped", later, None, 1),
        ]);
        board.rebuild(&workers, now() + 20_000, Thresholds::default());
        let changes: Vec<_> = board
            .take_transitions()
            .into_iter()
            .map(|t| (t.worker_name, t.from, t.to))
            .collect();
        assert_eq!(
            changes,
            [("a".to_owned(), Status::Running, Status::Crashed)],
            "b did not change and c is new"
        );
    }
    use crate::wire::change::Change;
    use crate::wire::row::parse_timestamp_ms;

    const NOW: &str = "2026-11-28T15:00:00Z";

    fn row(name: &str, status: &str, seen: &str, order: Option<i64>, jobs: i64) -> WorkerRow {
        WorkerRow::from_json(
            &j!({"worker_name": name, "status": status, "last_heartbeat": seen,
            "display_order": order, "jobs_processed": jobs, "updated_at": seen}),
        )
        .unwrap()
    }

    fn now() -> i64 {
        parse_timestamp_ms(NOW).unwrap()
    }

    #[test]
    fn the_order_matches_the_full_sort_and_only_changes_when_a_place_does() {
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![
            row("b", "running", NOW, Some(2), 1),
            row("a", "running", NOW, Some(1), 1),
            row("z", "crashed", NOW, None, 1),
            row("m", "running", NOW, None, 1),
        ]);
        let thresholds = Thresholds::default();
        let mut board = Board::default();
        board.rebuild(&workers, now(), thresholds);
        let expected: Vec<String> = workers
            .ordered(now(), thresholds)
            .into_iter()
            .map(|(row, _)| row.worker_name)
            .collect();
        assert_eq!(board.order(), expected.as_slice());
        assert_eq!(board.order(), ["z", "a", "b", "m"]);
        let counts = board.counts();
        assert_eq!((counts.running, counts.total, counts.problems), (3, 4, 1));

        // A heartbeat that changes only the job count moves nothing.
        workers.apply(Change::Upsert(row(
            "b",
            "running",
            "2026-11-28T15:00:01Z",
            Some(2),
            9,
        )));
        assert!(!board.touch(&workers, "b", now(), thresholds));
        // A crash moves the worker up, a new worker joins, a delete leaves.
        workers.apply(Change::Upsert(row(
            "m",
            "crashed",
            "2026-11-28T15:00:02Z",
            None,
            1,
        )));
        assert!(board.touch(&workers, "m", now(), thresholds));
        assert_eq!(board.order(), ["m", "z", "a", "b"]);
        workers.apply(Change::Upsert(row("c", "running", NOW, Some(3), 1)));
        assert!(board.touch(&workers, "c", now(), thresholds));
        workers.apply(Change::Delete {
            worker_name: "z".into(),
            commit_ms: now(),
        });
        assert!(board.touch(&workers, "z", now(), thresholds));
        assert_eq!(board.order(), ["m", "a", "b", "c"]);
        let counts = board.counts();
        assert_eq!((counts.running, counts.total, counts.problems), (3, 4, 1));
    }

    #[test]
    fn a_tick_re_sorts_only_when_a_status_changes() {
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![
            row("quiet", "running", "2026-11-28T14:59:30Z", Some(1), 1),
            row("busy", "running", NOW, Some(2), 1),
        ]);
        let thresholds = Thresholds::default();
        let mut board = Board::default();
        board.rebuild(&workers, now(), thresholds);
        assert!(
            !board.tick(&workers, now() + 1_000, thresholds),
            "still running: nothing to do"
        );
        // 60 s after its last heartbeat 'quiet' turns Late and moves first.
        assert!(board.tick(&workers, now() + 31_000, thresholds));
        assert_eq!(board.status("quiet"), Some(Status::Late));
        assert_eq!(board.order(), ["quiet", "busy"]);
        assert_eq!(board.counts().problems, 1);
    }
}
