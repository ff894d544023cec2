//! The status a worker reports in its row (`hp_worker_status.status`) and in its history events
//! (`from_status`, `to_status`), read once from the text: the four the migration documents, and
//! anything else kept as it came, so the section shows it as it is (as Unknown) instead of
//! guessing.

/// A reported status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportedStatus {
    /// `running`: the worker says it works (whether it still does is the heartbeat's to say).
    Running,
    /// `stopped`: the worker said goodbye.
    Stopped,
    /// `crashed`: the worker says it crashed.
    Crashed,
    /// `unknown`, or no status at all.
    Unknown,
    /// A value this section does not know, as written.
    Other(String),
}

impl ReportedStatus {
    /// Reads the column's text (exact, as the migration's check constraint writes it).
    pub fn parse(text: &str) -> Self {
        match text {
            "running" => Self::Running,
            "stopped" => Self::Stopped,
            "crashed" => Self::Crashed,
            "unknown" => Self::Unknown,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The column's text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Running => "running",
            Self::Stopped => "stopped",
            Self::Crashed => "crashed",
            Self::Unknown => "unknown",
            Self::Other(text) => text,
        }
    }

    /// As the card words it: "Running", …, or an unknown value as it came.
    pub fn word(&self) -> &str {
        match self {
            Self::Running => "Running",
            Self::Stopped => "Stopped",
            Self::Crashed => "Crashed",
            Self::Unknown => "Unknown",
            Self::Other(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_statuses_round_trip_and_others_are_kept_as_written() {
        for text in ["running", "stopped", "crashed", "unknown"] {
            assert_eq!(ReportedStatus::parse(text).as_str(), text);
        }
        let odd = ReportedStatus::parse("Paused <b>");
        assert_eq!(odd, ReportedStatus::Other("Paused <b>".into()));
        assert_eq!(odd.word(), "Paused <b>");
        assert_eq!(
            ReportedStatus::parse("Running"),
            ReportedStatus::Other("Running".into())
        );
        assert_eq!(ReportedStatus::Crashed.word(), "Crashed");
    }
}
