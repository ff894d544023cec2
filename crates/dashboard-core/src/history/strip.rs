//! A worker's time-proportional strip over a window: its events and its row folded into bands
//! (Running, silent, Stopped, Crashed, nothing known).

use super::{EventKind, WorkerEvent};
use crate::wire::reported_status::ReportedStatus;
use crate::wire::row::WorkerRow;

/// A band of the strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    /// Reported running, heartbeats arriving.
    Running,
    /// Reported running, but silent (a recorded silence, or the current one past the Late threshold).
    Silent,
    /// Reported stopped.
    Stopped,
    /// Reported crashed, or the circuit breaker open.
    Crashed,
    /// Nothing known (before the first report, or reported unknown).
    Unknown,
}

impl Band {
    /// The `data-band` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Silent => "silent",
            Self::Stopped => "stopped",
            Self::Crashed => "crashed",
            Self::Unknown => "unknown",
        }
    }

    /// The word shown on hover and focus.
    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "Running",
            Self::Silent => "Late / silent",
            Self::Stopped => "Stopped",
            Self::Crashed => "Crashed",
            Self::Unknown => "No data",
        }
    }
}

/// One stretch of time in one band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segment {
    /// Which band.
    pub band: Band,
    /// From (ms).
    pub start_ms: i64,
    /// Until (ms).
    pub end_ms: i64,
}

/// The bands of `row`'s worker from `since_ms` to `now_ms`, from its `events` (oldest first):
/// status and breaker changes give the reported state, recorded silences and the current one
/// (past `late_after_ms` since the last heartbeat) turn Running stretches silent. Adjacent
/// stretches of one band are merged.
pub fn strip(
    events: &[WorkerEvent],
    row: &WorkerRow,
    since_ms: i64,
    now_ms: i64,
    late_after_ms: i64,
) -> Vec<Segment> {
    if now_ms <= since_ms {
        return Vec::new();
    }
    // An event received has happened: the page's estimate of the server's clock can trail the
    // database's by a few milliseconds, which must not hide the newest change until the next
    // redraw.
    let now_ms = events
        .last()
        .map_or(now_ms, |newest| newest.occurred_ms.max(now_ms));
    // The reported state at `since_ms`: the last change before it, else the "from" of the first
    // change after it, else what the row says now.
    let before = |at: i64| events.iter().filter(move |event| event.occurred_ms <= at);
    let first_status_after = events.iter().find_map(|event| match &event.kind {
        EventKind::Status { from, .. } if event.occurred_ms > since_ms => Some(from.clone()),
        _ => None,
    });
    let mut status: Option<ReportedStatus> = before(since_ms)
        .rev()
        .find_map(|event| match &event.kind {
            EventKind::Status { to, .. } => Some(Some(to.clone())),
            _ => None,
        })
        .or(first_status_after)
        .unwrap_or_else(|| Some(row.reported_status.clone()));
    let first_breaker_after = events.iter().find_map(|event| match event.kind {
        EventKind::CircuitBreaker { open } if event.occurred_ms > since_ms => Some(!open),
        _ => None,
    });
    let mut breaker = before(since_ms)
        .rev()
        .find_map(|event| match event.kind {
            EventKind::CircuitBreaker { open } => Some(open),
            _ => None,
        })
        .or(first_breaker_after)
        .unwrap_or(row.circuit_breaker_open);
    let band_of = |status: &Option<ReportedStatus>, breaker: bool| match status {
        _ if breaker => Band::Crashed,
        Some(ReportedStatus::Crashed) => Band::Crashed,
        Some(ReportedStatus::Running) => Band::Running,
        Some(ReportedStatus::Stopped) => Band::Stopped,
        _ => Band::Unknown,
    };
    let mut segments = Vec::new();
    let mut from = since_ms;
    for event in events.iter().filter(|event| event.occurred_ms > since_ms) {
        let (next_status, next_breaker) = match &event.kind {
            EventKind::Status { to, .. } => (Some(to.clone()), breaker),
            EventKind::CircuitBreaker { open } => (status.clone(), *open),
            // Silence is drawn from the heartbeats (below); the sweep's record adds no stretch.
            EventKind::Silence { .. } | EventKind::Overdue { .. } => continue,
        };
        if (&next_status, next_breaker) != (&status, breaker) {
            push(
                &mut segments,
                band_of(&status, breaker),
                from,
                event.occurred_ms,
            );
            from = event.occurred_ms;
            (status, breaker) = (next_status, next_breaker);
        }
    }
    let current = band_of(&status, breaker);
    push(&mut segments, current, from, now_ms);
    // Silences: recorded ones, and the one going on now.
    let mut silences: Vec<(i64, i64)> = events
        .iter()
        .filter_map(|event| match event.kind {
            EventKind::Silence { started_ms } => Some((started_ms, event.occurred_ms)),
            _ => None,
        })
        .collect();
    let silent_since = row
        .last_heartbeat_ms
        .filter(|last| now_ms - last > late_after_ms);
    if let Some(last) = silent_since {
        silences.push((last, now_ms));
    }
    for (start, end) in silences {
        segments = overlay_silence(segments, start.max(since_ms), end.min(now_ms));
    }
    // The current state always ends the strip, even the instant it began (drawn 1 px wide):
    // silent if the worker reports Running but is silent now.
    let current = match current {
        Band::Running if silent_since.is_some() => Band::Silent,
        band => band,
    };
    if from == now_ms && segments.last().is_none_or(|last| last.band != current) {
        segments.push(Segment {
            band: current,
            start_ms: from,
            end_ms: from,
        });
    }
    segments
}

/// Appends a stretch, merging it into the previous one of the same band.
fn push(segments: &mut Vec<Segment>, band: Band, start_ms: i64, end_ms: i64) {
    if end_ms <= start_ms {
        return;
    }
    match segments.last_mut() {
        Some(last) if last.band == band && last.end_ms == start_ms => last.end_ms = end_ms,
        _ => segments.push(Segment {
            band,
            start_ms,
            end_ms,
        }),
    }
}

/// Turns the Running parts of `segments` between `start` and `end` silent.
fn overlay_silence(segments: Vec<Segment>, start: i64, end: i64) -> Vec<Segment> {
    if end <= start {
        return segments;
    }
    let mut out = Vec::with_capacity(segments.len() + 2);
    for segment in segments {
        if segment.band != Band::Running || segment.end_ms <= start || segment.start_ms >= end {
            push(&mut out, segment.band, segment.start_ms, segment.end_ms);
            continue;
        }
        push(
            &mut out,
            Band::Running,
            segment.start_ms,
            start.max(segment.start_ms),
        );
        push(
            &mut out,
            Band::Silent,
            start.max(segment.start_ms),
            end.min(segment.end_ms),
        );
        push(
            &mut out,
            Band::Running,
            end.min(segment.end_ms),
            segment.end_ms,
        );
    }
    out
}
