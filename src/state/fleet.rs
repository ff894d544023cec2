//! The fleet: the workers the section knows (through the core reducer,
//! `dashboard_core::rules::workers`), one reactive cell per worker (a heartbeat updates that worker's
//! card in place, nothing else), the display order and counts (`dashboard_core::view::board`,
//! re-sorted only when a place changes), the status changes in words, and each worker's
//! heartbeats seen since the page opened (jobs per minute). Statuses are judged at the clock's
//! server time; the loader and the live channel feed it rows.

use std::rc::Rc;

use dashboard_core::rules::status::{Status, Thresholds};
use dashboard_core::rules::transition::Transition;
use dashboard_core::rules::workers::{Applied, Counts, Workers};
use dashboard_core::view::board::Board;
use dashboard_core::wire::change::Change;
use dashboard_core::wire::row::WorkerRow;
use leptos::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::state::clock::Clock;

/// Hears of a batch of status changes.
type TransitionListener = Rc<dyn Fn(&[Transition])>;

/// Handles to the fleet's state; `Copy`, part of `State`.
#[derive(Clone, Copy)]
pub struct Fleet {
    thresholds: Thresholds,
    clock: Clock,
    workers: StoredValue<Workers>,
    board: StoredValue<Board>,
    cells: StoredValue<HashMap<String, ArcRwSignal<WorkerRow>>>,
    order: RwSignal<Vec<String>>,
    counts: RwSignal<Counts>,
    announcement: RwSignal<String>,
    /// Bumped whenever any row or status changes: the jobs-per-minute samples track it.
    revision: RwSignal<u64>,
    /// Bumped when a worker appears or goes, a status changes, or a description or metadata
    /// changes, but not by a heartbeat that moves only counters and times: what reads rows
    /// through `with_workers_standing` tracks it. A burst of heartbeats across a large fleet
    /// would otherwise run the triage's fleet-wide memos once per change.
    standing: RwSignal<u64>,
    /// Each worker's heartbeats seen since the page opened: (heartbeat ms, jobs processed).
    samples: StoredValue<HashMap<String, Vec<(i64, i64)>>>,
    /// Who hears of status changes besides the announcer (notifications).
    transition_listeners: StoredValue<Vec<TransitionListener>, LocalStorage>,
}

impl Fleet {
    /// No workers yet; statuses judged with `thresholds` at `clock`'s server time.
    pub fn new(thresholds: Thresholds, clock: Clock) -> Self {
        Self {
            thresholds,
            clock,
            workers: StoredValue::new(Workers::default()),
            board: StoredValue::new(Board::default()),
            cells: StoredValue::new(HashMap::default()),
            order: RwSignal::new(Vec::new()),
            counts: RwSignal::new(Counts::default()),
            announcement: RwSignal::new(String::new()),
            revision: RwSignal::new(0),
            standing: RwSignal::new(0),
            samples: StoredValue::new(HashMap::default()),
            transition_listeners: StoredValue::new_local(Vec::new()),
        }
    }

    /// Re-evaluates every status at server time `now` (each tick of the clock); the order is
    /// sorted only if one changed.
    pub fn judge_at(self, now: i64) {
        let changed = self
            .board
            .try_update_value(|board| {
                self.workers
                    .with_value(|workers| board.tick(workers, now, self.thresholds))
            })
            .unwrap_or(false);
        if changed {
            self.publish_board();
        }
    }

    /// Replaces the workers with a complete snapshot of the table.
    pub fn apply_snapshot(self, rows: Vec<WorkerRow>) {
        self.workers
            .update_value(|workers| workers.apply_snapshot(rows));
        self.resync_all();
    }

    /// Ends a snapshot whose pages were merged as they arrived: only `names` stay.
    pub fn end_merged_snapshot(self, names: Vec<String>) {
        self.workers
            .update_value(|workers| workers.end_merged_snapshot(names));
        self.resync_all();
    }

    /// Adds one page of a snapshot still loading.
    pub fn merge_page(self, rows: &[WorkerRow]) {
        self.workers
            .update_value(|workers| workers.merge_page(rows));
        self.resync_all();
    }

    /// Applies one live change (through the reducer): the worker's cell, and the order and
    /// counts only if its place changed.
    pub fn apply_change(self, change: Change) {
        let name = change.worker_name().to_owned();
        let applied = self
            .workers
            .try_update_value(|workers| workers.apply(change))
            .unwrap_or(Applied::Unchanged);
        match applied {
            Applied::Unchanged => return,
            Applied::Refreshed => {}
            Applied::Reshaped => self.standing.update(|standing| *standing += 1),
        }
        self.revision.update(|revision| *revision += 1);
        let row = self
            .workers
            .with_value(|workers| workers.get(&name).cloned());
        if let Some(row) = &row {
            self.samples.update_value(|samples| {
                dashboard_core::rules::rates::add_sample(
                    samples.entry(name.clone()).or_default(),
                    row,
                );
            });
        }
        self.cells.update_value(|cells| match row {
            Some(row) => match cells.get(&name) {
                Some(cell) => cell.set(row),
                None => {
                    cells.insert(name.clone(), ArcRwSignal::new(row));
                }
            },
            None => {
                cells.remove(&name);
            }
        });
        let now = self.clock.server_now_untracked();
        let moved = self
            .board
            .try_update_value(|board| {
                self.workers
                    .with_value(|workers| board.touch(workers, &name, now, self.thresholds))
            })
            .unwrap_or(false);
        if moved {
            self.publish_board();
        }
    }

    /// Brings every cell, sample, the order and the counts in line with the workers.
    fn resync_all(self) {
        self.workers.with_value(|workers| {
            self.samples.update_value(|samples| {
                samples.retain(|name, _| workers.get(name).is_some());
                for row in workers.iter() {
                    dashboard_core::rules::rates::add_sample(
                        samples.entry(row.worker_name.clone()).or_default(),
                        row,
                    );
                }
            });
            self.cells.update_value(|cells| {
                cells.retain(|name, _| workers.get(name).is_some());
                for row in workers.iter() {
                    match cells.get(&row.worker_name) {
                        Some(cell) => {
                            if cell.with_untracked(|known| known != row) {
                                cell.set(row.clone());
                            }
                        }
                        None => {
                            cells.insert(row.worker_name.clone(), ArcRwSignal::new(row.clone()));
                        }
                    }
                }
            });
            let now = self.clock.server_now_untracked();
            self.board
                .update_value(|board| board.rebuild(workers, now, self.thresholds));
        });
        self.publish_board();
    }

    /// Hands the board's order and counts to the view, notifying only what changed, and tells
    /// the status changes.
    fn publish_board(self) {
        self.revision.update(|revision| *revision += 1);
        self.standing.update(|standing| *standing += 1);
        let (order, counts) = self
            .board
            .with_value(|board| (board.order().to_vec(), board.counts()));
        if self.order.with_untracked(|known| *known != order) {
            self.order.set(order);
        }
        if self.counts.get_untracked() != counts {
            self.counts.set(counts);
        }
        let transitions = self
            .board
            .try_update_value(Board::take_transitions)
            .unwrap_or_default();
        if !transitions.is_empty() {
            self.announcement
                .set(dashboard_core::rules::transition::announcement(
                    &transitions,
                ));
            for listener in self.transition_listeners.get_value() {
                listener(&transitions);
            }
        }
    }

    /// Calls `listener` with every batch of status changes until unmount.
    pub fn on_transitions(self, listener: impl Fn(&[Transition]) + 'static) {
        self.transition_listeners
            .update_value(|listeners| listeners.push(Rc::new(listener)));
    }

    /// The latest status changes in words, for screen readers (`aria-live`).
    pub fn announcement(self) -> ReadSignal<String> {
        self.announcement.read_only()
    }

    /// The Late and Stopped thresholds.
    pub fn thresholds(self) -> Thresholds {
        self.thresholds
    }

    /// Worker names in display order (changes only when a worker's place does).
    pub fn order(self) -> ReadSignal<Vec<String>> {
        self.order.read_only()
    }

    /// One worker's row, updated in place by its heartbeats.
    pub fn row(self, name: &str) -> Option<ArcRwSignal<WorkerRow>> {
        self.cells.with_value(|cells| cells.get(name).cloned())
    }

    /// Running, total and problems.
    pub fn counts(self) -> ReadSignal<Counts> {
        self.counts.read_only()
    }

    /// Whether any worker is known.
    pub fn has_workers(self) -> Signal<bool> {
        let counts = self.counts;
        Signal::derive(move || counts.get().total > 0)
    }

    /// Runs `read` over the workers, subscribing only to who exists, their statuses, descriptions
    /// and metadata (`standing`): not to heartbeats that change only counters and times.
    pub fn with_workers_standing<R>(self, read: impl FnOnce(&Workers) -> R) -> R {
        self.standing.track();
        self.peek_workers(read)
    }

    /// Runs `read` over the workers without subscribing to anything.
    pub fn peek_workers<R>(self, read: impl FnOnce(&Workers) -> R) -> R {
        self.workers.with_value(read)
    }

    /// A worker's status as of the last clock tick, without subscribing.
    pub fn status_untracked(self, name: &str) -> Option<Status> {
        self.board.with_value(|board| board.status(name))
    }

    /// A worker's jobs per minute between the heartbeats seen since the page opened.
    pub fn jobs_per_minute(self, name: &str) -> Vec<i64> {
        self.revision.track();
        self.samples.with_value(|samples| {
            samples
                .get(name)
                .map(|samples| dashboard_core::rules::rates::jobs_per_minute(samples))
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use dashboard_core::wire::change::Change;
    use dashboard_core::wire::json::Json;

    use super::*;
    use crate::memo::memo;

    const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn row(name: &str, status: &str, heartbeat: &str, metadata: &str) -> WorkerRow {
        let text = format!(
            r#"{{"worker_name":"{name}","status":"{status}","last_heartbeat":"{heartbeat}","updated_at":"{heartbeat}","metadata":{metadata}}}"#
        );
        WorkerRow::from_json(&Json::parse(&text).expect("test row")).expect("test row")
    }

    fn fleet() -> (Owner, Fleet) {
        let owner = Owner::new();
        owner.set();
        let clock = Clock::new(T0);
        let thresholds = crate::config::Config::from_parts(None, None).thresholds;
        (owner, Fleet::new(thresholds, clock))
    }

    #[test]
    fn status_changes_are_told_to_listeners_and_in_words() {
        let (_owner, fleet) = fleet();
        let heard = Rc::new(RefCell::new(Vec::new()));
        let listener = heard.clone();
        fleet.on_transitions(move |transitions| {
            listener
                .borrow_mut()
                .extend(transitions.iter().map(|t| (t.worker_name.clone(), t.to)));
        });
        fleet.apply_snapshot(vec![row("a", "running", "2026-01-01T00:00:00Z", "{}")]);
        assert!(heard.borrow().is_empty(), "a first sight is no change");
        fleet.apply_change(Change::Upsert(row(
            "a",
            "crashed",
            "2026-01-01T00:00:01Z",
            "{}",
        )));
        assert_eq!(*heard.borrow(), vec![("a".to_owned(), Status::Crashed)]);
        assert!(fleet.announcement().get_untracked().contains('a'));
        assert_eq!(fleet.counts().get_untracked().problems, 1);
    }

    #[test]
    fn silence_turns_a_worker_late_when_the_fleet_is_judged_later() {
        let (_owner, fleet) = fleet();
        fleet.apply_snapshot(vec![row("a", "running", "2026-01-01T00:00:00Z", "{}")]);
        assert_eq!(fleet.status_untracked("a"), Some(Status::Running));
        fleet.judge_at(T0 + 10 * 60_000);
        assert_ne!(fleet.status_untracked("a"), Some(Status::Running));
        assert_eq!(fleet.counts().get_untracked().running, 0);
    }

    #[test]
    fn a_heartbeat_moves_its_cell_but_not_what_reads_the_fleet_standing() {
        let (_owner, fleet) = fleet();
        fleet.apply_snapshot(vec![row("a", "running", "2026-01-01T00:00:00Z", "{}")]);
        let runs = StoredValue::new(0);
        let standing = memo(move |_| {
            fleet.with_workers_standing(|workers| workers.len());
            runs.update_value(|count| *count += 1);
            runs.get_value()
        });
        let first = standing.get_untracked();
        let cell = fleet.row("a").expect("a cell");
        fleet.apply_change(Change::Upsert(row(
            "a",
            "running",
            "2026-01-01T00:00:30Z",
            "{}",
        )));
        assert_eq!(
            cell.get_untracked().updated_at_ms,
            T0 + 30_000,
            "the card moves"
        );
        assert_eq!(
            standing.get_untracked(),
            first,
            "the fleet-wide readers do not"
        );
        let versioned = r#"{"version":"2"}"#;
        fleet.apply_change(Change::Upsert(row(
            "a",
            "running",
            "2026-01-01T00:01:00Z",
            versioned,
        )));
        assert_eq!(standing.get_untracked(), first + 1, "new metadata does");
        fleet.apply_change(Change::Upsert(row(
            "b",
            "running",
            "2026-01-01T00:01:00Z",
            "{}",
        )));
        assert_eq!(
            standing.get_untracked(),
            first + 2,
            "and so does a new worker"
        );
    }
}
