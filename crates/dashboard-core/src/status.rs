//! The status rules: one pure function of a row, the server-time "now" and the thresholds
//! (ARCHITECTURE.md, "Status rules"). The first matching rule wins, in the table's order.

use crate::row::WorkerRow;

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

/// When a silent worker turns Late and Stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A running worker is Late after this long without a heartbeat (default 60 s: two 30 s
    /// intervals).
    pub late_after_ms: i64,
    /// Any worker is Stopped after this long without a heartbeat (default 5 min).
    pub stopped_after_ms: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            late_after_ms: 60_000,
            stopped_after_ms: 300_000,
        }
    }
}

impl Thresholds {
    /// The `late-after` and `stopped-after` attributes, in whole seconds. A missing or unusable
    /// value (not a positive integer, or Stopped not after Late) keeps the default: the section
    /// never judges by a threshold it could not read.
    pub fn from_seconds(late: Option<&str>, stopped: Option<&str>) -> Self {
        let read = |text: Option<&str>| {
            text.and_then(|text| text.trim().parse::<i64>().ok())
                .filter(|seconds| (1..=86_400 * 365).contains(seconds))
                .map(|seconds| seconds * 1000)
        };
        let default = Self::default();
        let late_after_ms = read(late).unwrap_or(default.late_after_ms);
        let stopped_after_ms = read(stopped).unwrap_or(default.stopped_after_ms);
        if stopped_after_ms > late_after_ms {
            Self {
                late_after_ms,
                stopped_after_ms,
            }
        } else {
            default
        }
    }
}

/// The status of `row` at `now_ms` (server clock).
pub fn status_of(row: &WorkerRow, now_ms: i64, thresholds: Thresholds) -> Status {
    // A worker that reports its own heartbeat interval is judged by it (`crate::cadence`).
    let thresholds = crate::cadence::thresholds_for(row, thresholds);
    if row.circuit_breaker_open || row.reported_status == "crashed" {
        return Status::Crashed;
    }
    let Some(last) = row.last_heartbeat_ms else {
        return Status::Unknown;
    };
    if !matches!(row.reported_status.as_str(), "running" | "stopped") {
        return Status::Unknown;
    }
    // A heartbeat stamped slightly in the future (clock skew between worker and server) is fresh.
    let age = (now_ms - last).max(0);
    if row.reported_status == "stopped" || age > thresholds.stopped_after_ms {
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
