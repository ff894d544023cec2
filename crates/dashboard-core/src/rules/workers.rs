//! The reducer: the set of workers the dashboard knows, changed only by snapshots and changes,
//! keyed by `worker_name`. An older version of a row never overwrites a newer one (versions are
//! `updated_at`), duplicates are harmless, and a delete is remembered so that a late, older
//! update cannot bring the row back. Also: display order and the summary line.

use rustc_hash::FxHashMap as HashMap;

use crate::rules::status::{Status, Thresholds, status_of};
use crate::wire::change::Change;
use crate::wire::row::WorkerRow;

/// What one change did to the known workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Nothing: an older or identical copy, a late upsert of a deleted worker, or a delete of
    /// an unknown one.
    Unchanged,
    /// A known worker's row changed, but not its description or metadata (a heartbeat).
    Refreshed,
    /// A worker appeared or went, or its description or metadata changed.
    Reshaped,
}

/// The known workers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workers {
    rows: HashMap<String, WorkerRow>,
    /// Deleted names and when (ms), to ignore older upserts that arrive late.
    tombstones: HashMap<String, i64>,
}

impl Workers {
    /// Replaces the set with a REST snapshot, keeping any row that is newer than the snapshot's
    /// copy (a change that arrived while the snapshot was in flight).
    pub fn apply_snapshot(&mut self, snapshot: Vec<WorkerRow>) {
        let mut rows = HashMap::with_capacity_and_hasher(snapshot.len(), Default::default());
        for row in snapshot {
            if self.deleted_since(&row) {
                // Deleted after the snapshot read it (a page read before the delete arrived).
                continue;
            }
            let newest = match self.rows.remove(&row.worker_name) {
                Some(known) if known.updated_at_ms > row.updated_at_ms => known,
                _ => row,
            };
            rows.insert(newest.worker_name.clone(), newest);
        }
        self.rows = rows;
        self.tombstones.clear();
    }

    /// Adds or refreshes the rows of one page of a snapshot that is still loading, keeping every
    /// other row (the final `apply_snapshot` removes what the table no longer has).
    pub fn merge_page(&mut self, page: &[WorkerRow]) {
        for row in page {
            if self.deleted_since(row) {
                continue;
            }
            match self.rows.get(&row.worker_name) {
                Some(known) if known.updated_at_ms > row.updated_at_ms => {}
                _ => {
                    self.rows.insert(row.worker_name.clone(), row.clone());
                }
            }
        }
    }

    /// Ends a snapshot whose pages were all merged (`merge_page`) as `apply_snapshot` would end
    /// it: the rows the snapshot did not have (`names`) go. The caller keeps only the names, not
    /// a second copy of every row, while a large table loads.
    pub fn end_merged_snapshot(&mut self, mut names: Vec<String>) {
        names.sort_unstable();
        self.rows
            .retain(|name, _| names.binary_search(name).is_ok());
        self.tombstones.clear();
    }

    /// Whether a delete of this worker was committed at or after this version of its row.
    fn deleted_since(&self, row: &WorkerRow) -> bool {
        self.tombstones
            .get(&row.worker_name)
            .is_some_and(|deleted| *deleted >= row.updated_at_ms && row.updated_at_ms > 0)
    }

    /// Applies one change, and says what it did.
    pub fn apply(&mut self, change: Change) -> Applied {
        match change {
            Change::Upsert(row) => {
                if self.deleted_since(&row) {
                    return Applied::Unchanged;
                }
                let applied = match self.rows.get(&row.worker_name) {
                    Some(known) if known.updated_at_ms > row.updated_at_ms => Applied::Unchanged,
                    Some(known) if *known == row => Applied::Unchanged,
                    Some(known)
                        if known.description == row.description
                            && known.metadata == row.metadata =>
                    {
                        Applied::Refreshed
                    }
                    _ => Applied::Reshaped,
                };
                if applied != Applied::Unchanged {
                    self.tombstones.remove(&row.worker_name);
                    self.rows.insert(row.worker_name.clone(), row);
                }
                applied
            }
            Change::Delete {
                worker_name,
                commit_ms,
            } => {
                self.tombstones.insert(worker_name.clone(), commit_ms);
                match self.rows.remove(&worker_name) {
                    Some(_) => Applied::Reshaped,
                    None => Applied::Unchanged,
                }
            }
        }
    }

    /// Every worker, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &WorkerRow> {
        self.rows.values()
    }

    /// Number of workers.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no worker is known.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A worker by name.
    pub fn get(&self, worker_name: &str) -> Option<&WorkerRow> {
        self.rows.get(worker_name)
    }

    /// Every worker with its status at `now_ms`, in display order: problems first (Crashed,
    /// Late, Stopped), then the rest in the seeded order, then by name.
    pub fn ordered(&self, now_ms: i64, thresholds: Thresholds) -> Vec<(WorkerRow, Status)> {
        let mut list: Vec<(WorkerRow, Status)> = self
            .rows
            .values()
            .map(|row| (row.clone(), status_of(row, now_ms, thresholds)))
            .collect();
        list.sort_by(|(a, status_a), (b, status_b)| {
            let rank = |status: &Status| {
                if status.is_problem() {
                    *status as u8
                } else {
                    u8::MAX
                }
            };
            rank(status_a)
                .cmp(&rank(status_b))
                .then_with(|| {
                    a.display_order
                        .unwrap_or(i64::MAX)
                        .cmp(&b.display_order.unwrap_or(i64::MAX))
                })
                .then_with(|| a.worker_name.cmp(&b.worker_name))
        });
        list
    }
}

/// "3/5 Running".
pub fn summary(statuses: &[Status]) -> String {
    Counts::of(statuses).summary()
}

/// What a host page needs for a badge: how many run, how many there are, how many need someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Workers shown Running.
    pub running: usize,
    /// All workers shown.
    pub total: usize,
    /// Crashed, Late and Stopped ones (Unknown is not a problem: see `Status::is_problem`).
    pub problems: usize,
    /// How many have each status, indexed by `Status as usize`.
    by_status: [usize; 5],
}

impl Counts {
    /// Counts `statuses`.
    pub fn of(statuses: &[Status]) -> Self {
        Self {
            running: statuses
                .iter()
                .filter(|status| **status == Status::Running)
                .count(),
            total: statuses.len(),
            problems: statuses.iter().filter(|status| status.is_problem()).count(),
            by_status: statuses.iter().fold([0; 5], |mut by_status, status| {
                by_status[*status as usize] += 1;
                by_status
            }),
        }
    }

    /// How many have `status`.
    pub fn of_status(self, status: Status) -> usize {
        self.by_status[status as usize]
    }

    /// "N/M Running".
    pub fn summary(self) -> String {
        format!("{}/{} Running", self.running, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delete_that_arrives_while_pages_load_is_not_undone_by_them() {
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![]);
        // Page 1 was read (with the row), then the delete arrived, then the page was merged.
        let page = vec![
            row("gone", "2026-01-01T00:00:00Z", 1),
            row("kept", "2026-01-01T00:00:00Z", 1),
        ];
        let deleted_at = crate::wire::row::parse_timestamp_ms("2026-01-01T00:00:03Z").unwrap();
        workers.apply(Change::Delete {
            worker_name: "gone".into(),
            commit_ms: deleted_at,
        });
        workers.merge_page(&page);
        assert!(
            workers.get("gone").is_none(),
            "a page read before the delete does not bring it back"
        );
        workers.apply_snapshot(page);
        assert!(workers.get("gone").is_none(), "nor does the final snapshot");
        assert!(workers.get("kept").is_some());
        // A worker re-created after its delete is a newer row and shows.
        workers.apply(Change::Delete {
            worker_name: "again".into(),
            commit_ms: deleted_at,
        });
        workers.apply_snapshot(vec![row("again", "2026-01-01T00:00:09Z", 1)]);
        assert!(workers.get("again").is_some());
    }

    #[test]
    fn a_change_says_whether_it_reshaped_the_fleet_or_only_refreshed_a_row() {
        let mut workers = Workers::default();
        let upsert = |row: WorkerRow| Change::Upsert(row);
        let first = row("a", "2026-01-01T00:00:00Z", 1);
        assert_eq!(workers.apply(upsert(first.clone())), Applied::Reshaped);
        assert_eq!(workers.apply(upsert(first)), Applied::Unchanged);
        let beat = row("a", "2026-01-01T00:00:30Z", 2);
        assert_eq!(workers.apply(upsert(beat.clone())), Applied::Refreshed);
        let mut described = row("a", "2026-01-01T00:01:00Z", 3);
        described.description = Some("crawls".into());
        assert_eq!(workers.apply(upsert(described)), Applied::Reshaped);
        let mut versioned = row("a", "2026-01-01T00:01:30Z", 3);
        versioned.description = Some("crawls".into());
        versioned.metadata = vec![(
            "version".into(),
            crate::wire::json::Json::String("2".into()),
        )];
        assert_eq!(workers.apply(upsert(versioned)), Applied::Reshaped);
        assert_eq!(workers.apply(upsert(beat)), Applied::Unchanged, "older");
        let delete = |name: &str| Change::Delete {
            worker_name: name.into(),
            commit_ms: 0,
        };
        assert_eq!(workers.apply(delete("a")), Applied::Reshaped);
        assert_eq!(workers.apply(delete("a")), Applied::Unchanged);
    }

    #[test]
    fn pages_merge_without_removing_and_the_final_snapshot_removes() {
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![
            row("gone", "2026-01-01T00:00:00Z", 1),
            row("a", "2026-01-01T00:00:00Z", 1),
        ]);
        workers.merge_page(&[
            row("a", "2026-01-01T00:00:05Z", 2),
            row("b", "2026-01-01T00:00:00Z", 1),
        ]);
        assert_eq!(workers.len(), 3, "a page adds and refreshes, never removes");
        assert_eq!(workers.get("a").map(|r| r.jobs_processed), Some(2));
        workers.merge_page(&[row("a", "2026-01-01T00:00:01Z", 9)]);
        assert_eq!(
            workers.get("a").map(|r| r.jobs_processed),
            Some(2),
            "an older copy loses"
        );
        let mut merged = workers.clone();
        workers.apply_snapshot(vec![
            row("a", "2026-01-01T00:00:05Z", 2),
            row("b", "2026-01-01T00:00:00Z", 1),
        ]);
        assert_eq!(workers.len(), 2);
        assert!(workers.get("gone").is_none());
        // Ending it with the names alone leaves the same workers.
        merged.end_merged_snapshot(vec!["b".into(), "a".into()]);
        assert_eq!(merged, workers);
    }

    #[test]
    fn counts_name_running_total_and_problems() {
        let counts = Counts::of(&[
            Status::Running,
            Status::Late,
            Status::Stopped,
            Status::Crashed,
            Status::Unknown,
            Status::Running,
        ]);
        assert_eq!((counts.running, counts.total, counts.problems), (2, 6, 3));
        assert_eq!(counts.summary(), "2/6 Running");
    }

    fn row(name: &str, updated_at: &str, jobs: i64) -> WorkerRow {
        WorkerRow::from_json(
            &j!({"worker_name": name, "status": "running", "updated_at": updated_at,
            "last_heartbeat": updated_at, "jobs_processed": jobs}),
        )
        .unwrap()
    }

    const T1: &str = "2026-11-28T15:00:01+00:00";
    const T2: &str = "2026-11-28T15:00:02+00:00";

    #[test]
    fn a_snapshot_replaces_everything() {
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![row("a", T1, 1), row("b", T1, 1)]);
        workers.apply_snapshot(vec![row("b", T2, 2)]);
        assert_eq!(workers.len(), 1);
        assert_eq!(workers.get("b").unwrap().jobs_processed, 2);
    }

    #[test]
    fn an_older_row_never_overwrites_a_newer_one() {
        let mut workers = Workers::default();
        assert_eq!(
            workers.apply(Change::Upsert(row("a", T2, 2))),
            Applied::Reshaped
        );
        assert_eq!(
            workers.apply(Change::Upsert(row("a", T1, 1))),
            Applied::Unchanged,
            "out of order"
        );
        assert_eq!(workers.get("a").unwrap().jobs_processed, 2);
        // A snapshot fetched before the newer change does not roll it back either.
        workers.apply_snapshot(vec![row("a", T1, 1)]);
        assert_eq!(workers.get("a").unwrap().jobs_processed, 2);
    }

    #[test]
    fn duplicates_change_nothing() {
        let mut workers = Workers::default();
        assert_eq!(
            workers.apply(Change::Upsert(row("a", T1, 1))),
            Applied::Reshaped
        );
        assert_eq!(
            workers.apply(Change::Upsert(row("a", T1, 1))),
            Applied::Unchanged
        );
    }

    #[test]
    fn a_delete_removes_and_a_late_older_update_does_not_resurrect() {
        let mut workers = Workers::default();
        workers.apply(Change::Upsert(row("a", T1, 1)));
        let deleted_at = crate::wire::row::parse_timestamp_ms(T2).unwrap();
        let delete = Change::Delete {
            worker_name: "a".into(),
            commit_ms: deleted_at,
        };
        assert_eq!(workers.apply(delete), Applied::Reshaped);
        assert_eq!(
            workers.apply(Change::Upsert(row("a", T1, 1))),
            Applied::Unchanged
        );
        assert!(workers.is_empty());
        // A genuinely new row with the same name may come back.
        let again = row("a", "2026-11-28T15:00:03+00:00", 0);
        assert_eq!(workers.apply(Change::Upsert(again)), Applied::Reshaped);
    }

    #[test]
    fn problems_come_first_then_the_seeded_order() {
        let mut workers = Workers::default();
        let now = crate::wire::row::parse_timestamp_ms(T2).unwrap();
        let mut seeded = |name: &str, order: i64, status: &str, breaker: bool| {
            let mut row = WorkerRow::from_json(
                &j!({"worker_name": name, "status": status, "display_order": order,
                "last_heartbeat": T2, "circuit_breaker_open": breaker}),
            )
            .unwrap();
            row.updated_at_ms = 1;
            workers.apply(Change::Upsert(row));
        };
        seeded("roundtable-worker", 1, "running", false);
        seeded("x-autopost", 2, "stopped", false);
        seeded("analyze-worker", 3, "running", true);
        seeded("content-worker", 4, "running", false);
        seeded("crawl-worker", 5, "unknown", false);
        let order: Vec<(String, Status)> = workers
            .ordered(now, Thresholds::default())
            .into_iter()
            .map(|(row, status)| (row.worker_name, status))
            .collect();
        assert_eq!(
            order,
            [
                ("analyze-worker".to_owned(), Status::Crashed),
                ("x-autopost".to_owned(), Status::Stopped),
                ("roundtable-worker".to_owned(), Status::Running),
                ("content-worker".to_owned(), Status::Running),
                ("crawl-worker".to_owned(), Status::Unknown),
            ]
        );
        let statuses: Vec<Status> = order.iter().map(|(_, status)| *status).collect();
        assert_eq!(summary(&statuses), "2/5 Running");
    }
}
