//! Grouping by a metadata key (issue 13, `group-by="host"`): the groups of a display order, each
//! with its worst status and counts, worst groups first; the metadata keys a picker offers; and
//! the workers whose `metadata.version` differs from the majority of their group.

use rustc_hash::FxHashMap as HashMap;

use crate::rules::status::Status;
use crate::rules::workers::{Counts, Workers};
use crate::view::metadata::display;
use crate::wire::json::Json;
use crate::wire::row::WorkerRow;

/// The group of the workers that do not report the key.
pub const NOT_SET: &str = "(not set)";

/// Most metadata keys a group picker offers.
pub const MAX_KEYS: usize = 24;

/// One group of workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The key's value these workers share (as text), or `NOT_SET`.
    pub value: String,
    /// Its workers, in display order.
    pub names: Vec<String>,
    /// The most urgent status among them.
    pub worst: Status,
    /// Running, total and problems among them.
    pub counts: Counts,
}

/// The value `row` is grouped under for `key`.
pub fn value_of(row: &WorkerRow, key: &str) -> String {
    match row.metadata.iter().rev().find(|(name, _)| name == key) {
        None | Some((_, Json::Null)) => NOT_SET.to_owned(),
        Some((_, value)) => display(value),
    }
}

/// The groups of `order` (names in display order) by `key`: worst status first, then by value;
/// inside a group the display order is kept. `status` gives each worker's status.
pub fn groups(
    order: &[String],
    workers: &Workers,
    key: &str,
    status: impl Fn(&str) -> Option<Status>,
) -> Vec<Group> {
    let members = partition(order, workers, key)
        .into_iter()
        .filter_map(|(value, names)| {
            let (names, statuses): (Vec<String>, Vec<Status>) = names
                .into_iter()
                .filter_map(|name| status(&name).map(|status| (name, status)))
                .unzip();
            (!names.is_empty()).then_some((value, names, statuses))
        });
    let mut groups: Vec<Group> = members
        .map(|(value, names, statuses)| Group {
            value,
            names,
            worst: statuses.iter().copied().min().unwrap_or(Status::Unknown),
            counts: Counts::of(&statuses),
        })
        .collect();
    groups.sort_by(|a, b| {
        urgency(a.worst)
            .cmp(&urgency(b.worst))
            .then_with(|| (a.value == NOT_SET).cmp(&(b.value == NOT_SET)))
            .then_with(|| a.value.cmp(&b.value))
    });
    groups
}

/// The names of `order` by their value of `key`, in order of first appearance, each group in
/// display order. Names without a row are left out.
pub fn partition(order: &[String], workers: &Workers, key: &str) -> Vec<(String, Vec<String>)> {
    let mut index: HashMap<String, usize> = HashMap::default();
    let mut members: Vec<(String, Vec<String>)> = Vec::new();
    for name in order {
        let Some(row) = workers.get(name) else {
            continue;
        };
        let value = value_of(row, key);
        let slot = *index.entry(value.clone()).or_insert_with(|| {
            members.push((value, Vec::new()));
            members.len() - 1
        });
        members[slot].1.push(name.clone());
    }
    members
}

/// Problems first (Crashed, Late, Stopped), then Unknown, then Running.
fn urgency(status: Status) -> u8 {
    status as u8
}

/// The metadata keys a group picker offers: those at least two workers share, most common first,
/// at most `MAX_KEYS`.
pub fn keys(workers: &Workers) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::default();
    for row in workers.iter() {
        for (key, _) in &row.metadata {
            *seen.entry(key.as_str()).or_default() += 1;
        }
    }
    let mut keys: Vec<(&str, usize)> = seen.into_iter().filter(|(_, count)| *count >= 2).collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    keys.into_iter()
        .take(MAX_KEYS)
        .map(|(key, _)| key.to_owned())
        .collect()
}

/// The workers among `names` whose `metadata.version` differs from the version most of those
/// reporting one share, sorted. Nothing when no version is the most common (a tie: nobody can
/// tell which side is the odd one) or when fewer than three report one.
pub fn version_outliers(names: &[String], workers: &Workers) -> Vec<String> {
    let versions: Vec<(&str, String)> = names
        .iter()
        .filter_map(|name| {
            let row = workers.get(name)?;
            let version = row
                .metadata
                .iter()
                .rev()
                .find(|(key, _)| key == "version")?;
            (!version.1.is_null()).then(|| (name.as_str(), display(&version.1)))
        })
        .collect();
    if versions.len() < 3 {
        return Vec::new();
    }
    let mut tally: HashMap<&str, usize> = HashMap::default();
    for (_, version) in &versions {
        *tally.entry(version.as_str()).or_default() += 1;
    }
    let top = tally.values().copied().max().unwrap_or(0);
    let mut leaders = tally.iter().filter(|(_, count)| **count == top);
    let (Some((majority, _)), None) = (leaders.next(), leaders.next()) else {
        return Vec::new();
    };
    let mut outliers: Vec<String> = versions
        .iter()
        .filter(|(_, version)| version != majority)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    outliers.sort_unstable();
    outliers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers(rows: &[(&str, &str, Json)]) -> Workers {
        let mut workers = Workers::default();
        workers.apply_snapshot(
            rows.iter()
                .map(|(name, status, metadata)| {
                    let mut row = WorkerRow::from_json(&j!({
                        "worker_name": name, "status": status, "updated_at": "2026-01-01T00:00:00Z"
                    }))
                    .unwrap();
                    row.metadata = metadata.as_object().cloned().unwrap_or_default();
                    row
                })
                .collect(),
        );
        workers
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    fn status_of(name: &str) -> Option<Status> {
        Some(match name.chars().next() {
            Some('c') => Status::Crashed,
            Some('l') => Status::Late,
            _ => Status::Running,
        })
    }

    #[test]
    fn groups_put_the_worst_first_keep_the_order_inside_and_gather_the_unset() {
        let fleet = workers(&[
            ("r1", "running", j!({"host": "b"})),
            ("c1", "crashed", j!({"host": "b"})),
            ("r2", "running", j!({"host": "a"})),
            ("r3", "running", j!({})),
            ("l1", "running", j!({"host": 7})),
        ]);
        let order = names(&["c1", "l1", "r1", "r2", "r3"]);
        let groups = groups(&order, &fleet, "host", status_of);
        let summary: Vec<(&str, Vec<String>, Status, usize)> = groups
            .iter()
            .map(|group| {
                (
                    group.value.as_str(),
                    group.names.clone(),
                    group.worst,
                    group.counts.running,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("b", names(&["c1", "r1"]), Status::Crashed, 1),
                ("7", names(&["l1"]), Status::Late, 0),
                ("a", names(&["r2"]), Status::Running, 1),
                (NOT_SET, names(&["r3"]), Status::Running, 1),
            ]
        );
        assert_eq!(groups[0].counts.problems, 1);
    }

    #[test]
    fn the_picker_offers_shared_keys_most_common_first() {
        let fleet = workers(&[
            ("a", "running", j!({"host": "x", "region": "eu", "pid": 1})),
            ("b", "running", j!({"host": "y", "region": "eu"})),
            ("c", "running", j!({"host": "y"})),
        ]);
        assert_eq!(keys(&fleet), names(&["host", "region"]));
    }

    #[test]
    fn a_version_other_than_the_majority_is_flagged_and_a_tie_flags_nobody() {
        let fleet = workers(&[
            ("a", "running", j!({"version": "1.4.0"})),
            ("b", "running", j!({"version": "1.4.0"})),
            ("c", "running", j!({"version": "1.3.9"})),
            ("d", "running", j!({})),
            ("e", "running", j!({"version": null})),
        ]);
        let all = names(&["a", "b", "c", "d", "e"]);
        assert_eq!(version_outliers(&all, &fleet), names(&["c"]));
        assert!(
            version_outliers(&names(&["a", "c"]), &fleet).is_empty(),
            "too few to tell"
        );
        let tie = workers(&[
            ("a", "running", j!({"version": "1"})),
            ("b", "running", j!({"version": "2"})),
            ("c", "running", j!({"version": "1"})),
            ("d", "running", j!({"version": "2"})),
        ]);
        assert!(version_outliers(&names(&["a", "b", "c", "d"]), &tie).is_empty());
    }
}
