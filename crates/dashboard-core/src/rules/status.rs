//! The status rules: one pure function of a row, the server-time "now" and the thresholds
//! (docs/architecture.md, "Status rules"). The first matching rule wins, in the table's order.

pub use crate::rules::thresholds::Thresholds;
use crate::wire::reported_status::ReportedStatus;
use crate::wire::row::WorkerRow;

/// What the dashboard shows for a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Circuit breaker open, or the worker reported `crashed`.
    Crashed,
    /// Running, but the last heartbeat is older than the late threshold.
    Late,
    /// Stopped gracefully, or silent for longer than the stopped threshold.
    Stopped,
    /// No heartbeat yet, or a status the dashboard does not know.
    Unknown,
    /// Running with a recent heartbeat.
    Running,
}

impl Status {
    /// The `data-status` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Crashed => "crashed",
            Self::Late => "late",
            Self::Stopped => "stopped",
            Self::Unknown => "unknown",
            Self::Running => "running",
        }
    }

    /// The word shown next to the icon.
    pub fn label(self) -> &'static str {
        match self {
            Self::Crashed => "Crashed",
            Self::Late => "Late",
            Self::Stopped => "Stopped",
            Self::Unknown => "Unknown",
            Self::Running => "Running",
        }
    }

    /// The icon shown before the word (never the only signal: the word is always there).
    pub fn icon(self) -> &'static str {
        match self {
            Self::Crashed => "💥",
            Self::Late => "⏳",
            Self::Stopped => "⏹️",
            Self::Unknown => "❔",
            Self::Running => "✅",
        }
    }

    /// Whether this status needs attention (sorted first).
    pub fn is_problem(self) -> bool {
        matches!(self, Self::Crashed | Self::Late | Self::Stopped)
    }
}

/// The status of `row` at `now_ms` (server clock).
pub fn status_of(row: &WorkerRow, now_ms: i64, thresholds: Thresholds) -> Status {
    // A worker that reports its own heartbeat interval is judged by it (`crate::rules::thresholds`).
    let thresholds = crate::rules::thresholds::thresholds_for(row, thresholds);
    if row.circuit_breaker_open || row.reported_status == ReportedStatus::Crashed {
        return Status::Crashed;
    }
    let Some(last) = row.last_heartbeat_ms else {
        return Status::Unknown;
    };
    if !matches!(
        row.reported_status,
        ReportedStatus::Running | ReportedStatus::Stopped
    ) {
        return Status::Unknown;
    }
    // A heartbeat stamped slightly in the future (clock skew between worker and server) is fresh.
    let age = (now_ms - last).max(0);
    if row.reported_status == ReportedStatus::Stopped || age > thresholds.stopped_after_ms {
        return Status::Stopped;
    }
    if age > thresholds.late_after_ms {
        Status::Late
    } else {
        Status::Running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_read_from_attributes_or_keep_their_defaults() {
        let read = |late, stopped| Thresholds::from_seconds(late, stopped);
        assert_eq!(
            read(Some("3"), Some(" 6 ")),
            Thresholds {
                late_after_ms: 3_000,
                stopped_after_ms: 6_000
            }
        );
        assert_eq!(read(None, None), Thresholds::default());
        assert_eq!(read(Some("120"), None).late_after_ms, 120_000);
        for bad in ["0", "-5", "1.5", "soon", "", "99999999999999999999"] {
            assert_eq!(read(Some(bad), Some(bad)), Thresholds::default(), "{bad}");
        }
        assert_eq!(
            read(Some("600"), Some("300")),
            Thresholds::default(),
            "Stopped must come after Late"
        );
    }

    const NOW: i64 = 1_800_000_000_000;

    fn row(status: &str, age_ms: Option<i64>, breaker: bool) -> WorkerRow {
        let mut row = WorkerRow::from_json(
            &j!({"worker_name": "w", "status": status, "circuit_breaker_open": breaker}),
        )
        .unwrap();
        row.last_heartbeat_ms = age_ms.map(|age| NOW - age);
        row
    }

    fn status(status: &str, age_ms: Option<i64>, breaker: bool) -> Status {
        status_of(&row(status, age_ms, breaker), NOW, Thresholds::default())
    }

    #[test]
    fn every_row_of_the_rules_table() {
        assert_eq!(
            status("running", Some(1_000), true),
            Status::Crashed,
            "breaker open"
        );
        assert_eq!(status("crashed", Some(1_000), false), Status::Crashed);
        assert_eq!(
            status("crashed", None, false),
            Status::Crashed,
            "crashed wins over no heartbeat"
        );
        assert_eq!(
            status("running", None, false),
            Status::Unknown,
            "no heartbeat yet"
        );
        assert_eq!(status("unknown", Some(1_000), false), Status::Unknown);
        assert_eq!(
            status("sleeping", Some(1_000), false),
            Status::Unknown,
            "unrecognised status"
        );
        assert_eq!(
            status("stopped", Some(1_000), false),
            Status::Stopped,
            "graceful shutdown"
        );
        assert_eq!(
            status("running", Some(400_000), false),
            Status::Stopped,
            "silent too long"
        );
        assert_eq!(status("running", Some(90_000), false), Status::Late);
        assert_eq!(status("running", Some(15_000), false), Status::Running);
    }

    #[test]
    fn thresholds_hold_to_the_second() {
        assert_eq!(
            status("running", Some(60_000 - 1_000), false),
            Status::Running
        );
        assert_eq!(status("running", Some(60_000), false), Status::Running);
        assert_eq!(status("running", Some(60_000 + 1_000), false), Status::Late);
        assert_eq!(
            status("running", Some(300_000 - 1_000), false),
            Status::Late
        );
        assert_eq!(status("running", Some(300_000), false), Status::Late);
        assert_eq!(
            status("running", Some(300_000 + 1_000), false),
            Status::Stopped
        );
    }

    #[test]
    fn thresholds_are_configurable() {
        let quick = Thresholds {
            late_after_ms: 10_000,
            stopped_after_ms: 20_000,
        };
        assert_eq!(
            status_of(&row("running", Some(15_000), false), NOW, quick),
            Status::Late
        );
        assert_eq!(
            status_of(&row("running", Some(25_000), false), NOW, quick),
            Status::Stopped
        );
    }

    #[test]
    fn a_heartbeat_from_the_future_counts_as_fresh() {
        assert_eq!(status("running", Some(-5_000), false), Status::Running);
    }
}

#[cfg(test)]
mod cadence_tests {
    //! A worker's own cadence, as the status it gets.
    use super::*;
    use crate::rules::thresholds::INTERVAL_KEY;
    use crate::wire::json::Json;

    fn worker(interval: &str, age_ms: i64) -> (WorkerRow, i64) {
        let mut row =
            WorkerRow::from_json(&j!({"worker_name": "w", "status": "running"})).expect("row");
        if !interval.is_empty() {
            row.metadata = vec![(
                INTERVAL_KEY.to_owned(),
                Json::parse(interval).expect("test JSON"),
            )];
        }
        row.last_heartbeat_ms = Some(1_000_000);
        (row, 1_000_000 + age_ms)
    }

    fn status(interval: &str, age_ms: i64) -> Status {
        let (row, now) = worker(interval, age_ms);
        status_of(&row, now, Thresholds::default())
    }

    #[test]
    fn a_worker_beating_every_10_s_is_late_after_25_s() {
        assert_eq!(status("10", 24_000), Status::Running);
        assert_eq!(status("10", 26_000), Status::Late);
        assert_eq!(status("10", 299_000), Status::Late);
        assert_eq!(status("10", 301_000), Status::Stopped);
    }

    #[test]
    fn a_worker_beating_every_120_s_is_not_late_at_61_s() {
        assert_eq!(status("120", 61_000), Status::Running);
        assert_eq!(status("120", 246_000), Status::Late);
        assert_eq!(
            status("120", 301_000),
            Status::Stopped,
            "Stopped stays at 5 minutes"
        );
    }

    #[test]
    fn a_long_interval_moves_stopped_out_too() {
        assert_eq!(status("600", 700_000), Status::Running);
        assert_eq!(status("600", 1_300_000), Status::Late);
        assert_eq!(status("600", 2_411_000), Status::Stopped);
    }

    #[test]
    fn workers_reporting_nothing_or_nonsense_keep_the_section_thresholds() {
        for interval in ["", "\"30\"", "0", "-5", "1e1", "99999999999", "true"] {
            assert_eq!(status(interval, 61_000), Status::Late, "{interval}");
        }
        assert_eq!(
            status("0.5", 6_100),
            Status::Late,
            "half a second: Late after 6 s"
        );
    }
}
