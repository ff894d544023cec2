//! One row of `hp_worker_events` as the section reads it (a status change, a circuit-breaker
//! change, a silence, a crossing into Late or Stopped recorded by the database's sweep), and the
//! words a worker's detail lists it with.

use crate::wire::json::Json;
use crate::wire::reported_status::ReportedStatus;
use crate::wire::timestamp::parse_timestamp_ms;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// The reported status changed (`from` is `None` for a worker's first row).
    Status {
        /// Before.
        from: Option<ReportedStatus>,
        /// After.
        to: ReportedStatus,
    },
    /// The circuit breaker opened or closed.
    CircuitBreaker {
        /// Open now.
        open: bool,
    },
    /// No heartbeat from `started_ms` until the event's time.
    Silence {
        /// The last heartbeat before the gap.
        started_ms: i64,
    },
    /// The database's sweep found the worker silent past its Late (or Stopped) time
    /// (`kind = 'overdue'`). The strip draws silence from the heartbeats themselves, so this
    /// adds no stretch of its own: only a line in the detail.
    Overdue {
        /// Stopped (else Late).
        stopped: bool,
        /// The last heartbeat before the silence.
        started_ms: i64,
    },
}

/// One row of `hp_worker_events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerEvent {
    /// The row's id (keyset and de-duplication).
    pub id: i64,
    /// Whose.
    pub worker_name: String,
    /// What.
    pub kind: EventKind,
    /// When (for a silence: when it ended).
    pub occurred_ms: i64,
}

impl WorkerEvent {
    /// Reads one row; a message naming the problem when it is not usable.
    pub fn from_json(value: &Json) -> Result<Self, String> {
        let text = |key: &str| value.get(key).and_then(Json::as_str);
        let time = |key: &str| text(key).and_then(parse_timestamp_ms);
        let id = value
            .get("id")
            .and_then(Json::as_i64)
            .ok_or("an event without an id")?;
        let worker_name = text("worker_name")
            .filter(|name| !name.is_empty())
            .ok_or_else(|| format!("event {id}: no worker_name"))?
            .to_owned();
        let occurred_ms =
            time("occurred_at").ok_or_else(|| format!("event {id}: no occurred_at"))?;
        let kind = match text("kind") {
            Some("status") => EventKind::Status {
                from: text("from_status").map(ReportedStatus::parse),
                to: text("to_status")
                    .map(ReportedStatus::parse)
                    .ok_or_else(|| format!("event {id}: a status event without to_status"))?,
            },
            Some("circuit_breaker") => EventKind::CircuitBreaker {
                open: value
                    .get("circuit_breaker_open")
                    .and_then(Json::as_bool)
                    .ok_or_else(|| format!("event {id}: a breaker event without its state"))?,
            },
            Some("silence") => EventKind::Silence {
                started_ms: time("silence_started_at")
                    .filter(|started| *started < occurred_ms)
                    .ok_or_else(|| {
                        format!("event {id}: a silence without a start before its end")
                    })?,
            },
            Some("overdue") => EventKind::Overdue {
                stopped: match text("to_status") {
                    Some("late") => false,
                    Some("stopped") => true,
                    _ => {
                        return Err(format!(
                            "event {id}: an overdue event neither late nor stopped"
                        ));
                    }
                },
                started_ms: time("silence_started_at").ok_or_else(|| {
                    format!("event {id}: an overdue event without its silence's start")
                })?,
            },
            Some(other) => return Err(format!("event {id}: unknown kind \"{other}\"")),
            None => return Err(format!("event {id}: no kind")),
        };
        Ok(Self {
            id,
            worker_name,
            kind,
            occurred_ms,
        })
    }

    /// The event in words: "Running → Crashed", "Circuit breaker opened", "Silent for 12 min".
    pub fn describe(&self) -> String {
        match &self.kind {
            EventKind::Status { from: None, to } => format!("First reported {}", to.word()),
            EventKind::Status {
                from: Some(from),
                to,
            } => format!("{} → {}", from.word(), to.word()),
            EventKind::CircuitBreaker { open: true } => "Circuit breaker opened".to_owned(),
            EventKind::CircuitBreaker { open: false } => "Circuit breaker closed".to_owned(),
            EventKind::Silence { started_ms } => {
                format!(
                    "Silent for {}",
                    crate::view::relative_time::duration_words(self.occurred_ms - started_ms)
                )
            }
            EventKind::Overdue {
                stopped,
                started_ms,
            } => format!(
                "{} after {} without a heartbeat",
                if *stopped { "Stopped" } else { "Late" },
                crate::view::relative_time::duration_words(self.occurred_ms - started_ms)
            ),
        }
    }
}
