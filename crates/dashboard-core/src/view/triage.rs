//! Triage (issue 13): which workers the list shows for a status filter and a search, the counts
//! on the filter chips, how that view is written in a page address (`?status=problems&q=crawl`),
//! and the order held while someone points at or focuses the list, so cards never jump under the
//! pointer.

use rustc_hash::FxHashSet as HashSet;

use crate::rules::status::Status;
use crate::rules::workers::Counts;
use crate::wire::row::WorkerRow;

/// The address parameter holding the status filter.
pub const STATUS_PARAM: &str = "status";
/// The address parameter holding the search text.
pub const SEARCH_PARAM: &str = "q";

/// A filter chip: every worker, the problems, or one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Every worker.
    #[default]
    All,
    /// Crashed, Late and Stopped (`Status::is_problem`).
    Problems,
    /// Workers with this status.
    Only(Status),
}

impl StatusFilter {
    /// The chips, in the order shown.
    pub const CHIPS: [Self; 7] = [
        Self::All,
        Self::Problems,
        Self::Only(Status::Running),
        Self::Only(Status::Late),
        Self::Only(Status::Stopped),
        Self::Only(Status::Crashed),
        Self::Only(Status::Unknown),
    ];

    /// Its value in the address (`all` is the default and is left out of it).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Problems => "problems",
            Self::Only(status) => status.as_str(),
        }
    }

    /// The chip's word.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Problems => "Problems",
            Self::Only(status) => status.label(),
        }
    }

    /// The filter an address value names; `None` for anything else (the address is typed by
    /// people and shared: an unknown value shows everything rather than nothing).
    pub fn parse(value: &str) -> Option<Self> {
        Self::CHIPS
            .into_iter()
            .find(|chip| chip.as_str().eq_ignore_ascii_case(value.trim()))
    }

    /// Whether a worker with `status` passes.
    pub fn admits(self, status: Status) -> bool {
        match self {
            Self::All => true,
            Self::Problems => status.is_problem(),
            Self::Only(only) => status == only,
        }
    }

    /// How many of the counted workers pass (the chip's live count).
    pub fn count(self, counts: &Counts) -> usize {
        match self {
            Self::All => counts.total,
            Self::Problems => counts.problems,
            Self::Only(status) => counts.of_status(status),
        }
    }
}

/// Folds a text's case for comparison. The browser passes JavaScript's `toLowerCase` (Rust's
/// `str::to_lowercase` brings Unicode tables of about 10 KiB into the bundle); native code and
/// tests pass `str::to_lowercase`: both follow Unicode's default case mapping.
pub type CaseFold = fn(&str) -> String;

/// A search over worker names and descriptions: every word must appear in one of them, case
/// ignored. An empty search matches everything.
#[derive(Debug, Clone)]
pub struct Search {
    words: Vec<String>,
    fold: CaseFold,
}

/// Two searches are the same when they look for the same words.
impl PartialEq for Search {
    fn eq(&self, other: &Self) -> bool {
        self.words == other.words
    }
}

impl Search {
    /// The search for the text typed, comparing with `fold`.
    pub fn new(text: &str, fold: CaseFold) -> Self {
        Self {
            words: text.split_whitespace().map(fold).collect(),
            fold,
        }
    }

    /// Whether nothing is searched for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether `row` matches.
    pub fn matches(&self, row: &WorkerRow) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let name = (self.fold)(&row.worker_name);
        let description = row
            .description
            .as_deref()
            .map(self.fold)
            .unwrap_or_default();
        self.words
            .iter()
            .all(|word| name.contains(word.as_str()) || description.contains(word.as_str()))
    }
}

/// The order to show while the list is held (pointer or focus in it): the names shown before
/// stay in their places as long as the worker exists (even one that no longer passes the filter:
/// removing it would move the cards below it), and newcomers are added at the end. Once the list
/// is let go, the latest order applies.
pub fn held_order(
    shown: &[String],
    latest: &[String],
    exists: impl Fn(&str) -> bool,
) -> Vec<String> {
    let before: HashSet<&str> = shown.iter().map(String::as_str).collect();
    shown
        .iter()
        .filter(|name| exists(name))
        .chain(latest.iter().filter(|name| !before.contains(name.as_str())))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, description: Option<&str>) -> WorkerRow {
        WorkerRow::from_json(&j!({
            "worker_name": name, "description": description, "status": "running",
            "updated_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn filters_round_trip_through_the_address_and_unknown_values_show_everything() {
        for chip in StatusFilter::CHIPS {
            assert_eq!(StatusFilter::parse(chip.as_str()), Some(chip));
        }
        assert_eq!(
            StatusFilter::parse(" Problems "),
            Some(StatusFilter::Problems)
        );
        assert_eq!(StatusFilter::parse("<script>"), None);
        assert_eq!(StatusFilter::parse(""), None);
    }

    #[test]
    fn problems_are_crashed_late_and_stopped_only() {
        let problems = StatusFilter::Problems;
        assert!(problems.admits(Status::Crashed));
        assert!(problems.admits(Status::Late));
        assert!(problems.admits(Status::Stopped));
        assert!(!problems.admits(Status::Running));
        assert!(!problems.admits(Status::Unknown));
        assert!(StatusFilter::Only(Status::Late).admits(Status::Late));
        assert!(!StatusFilter::Only(Status::Late).admits(Status::Stopped));
    }

    #[test]
    fn chip_counts_follow_the_counts() {
        let counts = Counts::of(&[Status::Running, Status::Late, Status::Late, Status::Unknown]);
        let count = |chip: StatusFilter| chip.count(&counts);
        assert_eq!(count(StatusFilter::All), 4);
        assert_eq!(count(StatusFilter::Problems), 2);
        assert_eq!(count(StatusFilter::Only(Status::Late)), 2);
        assert_eq!(count(StatusFilter::Only(Status::Unknown)), 1);
        assert_eq!(count(StatusFilter::Only(Status::Crashed)), 0);
    }

    #[test]
    fn search_needs_every_word_in_the_name_or_description_case_ignored() {
        let crawler = row("Crawler-EU", Some("Fetches the Ärzte directory"));
        assert!(Search::new("", str::to_lowercase).matches(&crawler));
        assert!(Search::new("   ", str::to_lowercase).is_empty());
        assert!(Search::new("crawl", str::to_lowercase).matches(&crawler));
        assert!(
            Search::new("eu ärzte", str::to_lowercase).matches(&crawler),
            "words from both fields"
        );
        assert!(
            Search::new("ÄRZTE", str::to_lowercase).matches(&crawler),
            "case ignored beyond ASCII"
        );
        assert!(
            !Search::new("crawl us", str::to_lowercase).matches(&crawler),
            "every word must match"
        );
        assert!(!Search::new("fetcher", str::to_lowercase).matches(&row("x", None)));
    }

    #[test]
    fn a_held_list_keeps_its_places_drops_the_gone_and_appends_newcomers() {
        let names = |list: &[&str]| {
            list.iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };
        let shown = names(&["a", "b", "c"]);
        // c turned Crashed and moved first; b was deleted; d arrived.
        let latest = names(&["c", "a", "d"]);
        let held = held_order(&shown, &latest, |name| name != "b");
        assert_eq!(held, names(&["a", "c", "d"]));
        // A worker that stopped passing the filter stays while it exists.
        let held = held_order(&shown, &names(&["a"]), |_| true);
        assert_eq!(held, names(&["a", "b", "c"]));
    }
}
