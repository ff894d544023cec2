//! Folding away the long dead (issue 13): workers silent for more than 7 days are folded into
//! "N hidden", reversibly, so a fleet does not fill up with machines that are gone. A worker that
//! never reported is not silent (it is Unknown, and new); one that reports again comes back.

use crate::rules::workers::Workers;
use crate::wire::row::WorkerRow;

/// Silence after which a worker is folded away.
pub const SILENT_AFTER_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Whether `row` has been silent for more than 7 days at `now_ms` (server clock).
pub fn is_long_silent(row: &WorkerRow, now_ms: i64) -> bool {
    row.last_heartbeat_ms
        .is_some_and(|last| now_ms - last > SILENT_AFTER_MS)
}

/// The names of the workers silent for more than 7 days, sorted (a sorted list rather than a
/// set: one more map type costs the bundle more than the binary search costs the page).
pub fn long_silent(workers: &Workers, now_ms: i64) -> Vec<String> {
    let mut names: Vec<String> = workers
        .iter()
        .filter(|row| is_long_silent(row, now_ms))
        .map(|row| row.worker_name.clone())
        .collect();
    names.sort_unstable();
    names
}

/// `order` without the folded names (`folded` sorted, as `long_silent` returns it).
pub fn without(order: &[String], folded: &[String]) -> Vec<String> {
    order
        .iter()
        .filter(|name| folded.binary_search(name).is_err())
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    fn row(name: &str, last: Option<i64>) -> WorkerRow {
        let mut row =
            WorkerRow::from_json(&j!({"worker_name": name, "status": "running"})).expect("row");
        row.last_heartbeat_ms = last;
        row
    }

    #[test]
    fn only_workers_silent_for_more_than_seven_days_fold() {
        let now = 100 * DAY;
        let mut workers = Workers::default();
        workers.apply_snapshot(vec![
            row("gone", Some(now - 8 * DAY)),
            row("just-under", Some(now - 7 * DAY)),
            row("fresh", Some(now)),
            row("never", None),
        ]);
        let folded = long_silent(&workers, now);
        assert_eq!(folded.len(), 1);
        assert_eq!(folded, ["gone"]);
        let order: Vec<String> = ["gone", "fresh", "never", "just-under"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(without(&order, &folded), ["fresh", "never", "just-under"]);
    }
}
