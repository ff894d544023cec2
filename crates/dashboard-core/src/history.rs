//! The workers' history (issue 13), from `hp_worker_events`: the events read and kept per worker,
//! a card's time-proportional strip of the last 24 hours (Running, Late/silent, Stopped, Crashed),
//! the uptime over a window, the last events in words, and jobs per minute from consecutive
//! heartbeats.

use rustc_hash::FxHashMap as HashMap;

use crate::json::Json;
use crate::row::WorkerRow;
use crate::timestamp::parse_timestamp_ms;

/// A day and a week, in ms.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The strip's and the first uptime's window.
pub const STRIP_MS: i64 = DAY_MS;
/// The second uptime's window, and how far back the page loads events.
pub const WEEK_MS: i64 = 7 * DAY_MS;
/// Events a worker's detail lists.
pub const RECENT_EVENTS: usize = 20;
/// Jobs-per-minute samples kept per worker.
pub const RATE_SAMPLES: usize = 60;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// The reported status changed (`from` is `None` for a worker's first row).
    Status {
        /// Before.
        from: Option<String>,
        /// After.
        to: String,
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
                from: text("from_status").map(str::to_owned),
                to: text("to_status")
                    .ok_or_else(|| format!("event {id}: a status event without to_status"))?
                    .to_owned(),
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
            EventKind::Status { from: None, to } => format!("First reported {}", word(to)),
            EventKind::Status {
                from: Some(from),
                to,
            } => format!("{} → {}", word(from), word(to)),
            EventKind::CircuitBreaker { open: true } => "Circuit breaker opened".to_owned(),
            EventKind::CircuitBreaker { open: false } => "Circuit breaker closed".to_owned(),
            EventKind::Silence { started_ms } => {
                format!(
                    "Silent for {}",
                    crate::relative_time::duration_words(self.occurred_ms - started_ms)
                )
            }
        }
    }
}

/// A reported status as the card words it.
fn word(status: &str) -> &str {
    match status {
        "running" => "Running",
        "stopped" => "Stopped",
        "crashed" => "Crashed",
        "unknown" => "Unknown",
        other => other,
    }
}

/// The events known, per worker, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    by_worker: HashMap<String, Vec<WorkerEvent>>,
}

impl History {
    /// Replaces everything with `events` (a fresh load).
    pub fn replace(&mut self, events: Vec<WorkerEvent>) {
        self.by_worker.clear();
        for event in events {
            self.by_worker
                .entry(event.worker_name.clone())
                .or_default()
                .push(event);
        }
        for events in self.by_worker.values_mut() {
            events.sort_by_key(|event| (event.occurred_ms, event.id));
            events.dedup_by_key(|event| event.id);
        }
    }

    /// Adds loaded events to those known (live ones recorded meanwhile stay); known ones are
    /// ignored.
    pub fn merge(&mut self, events: Vec<WorkerEvent>) {
        for event in events {
            self.insert(event);
        }
    }

    /// Adds one event (live); one already known is ignored. Returns whether it was new.
    pub fn insert(&mut self, event: WorkerEvent) -> bool {
        let events = self.by_worker.entry(event.worker_name.clone()).or_default();
        if events.iter().any(|known| known.id == event.id) {
            return false;
        }
        let at = events
            .partition_point(|known| (known.occurred_ms, known.id) < (event.occurred_ms, event.id));
        events.insert(at, event);
        true
    }

    /// Drops what is known of these workers (nobody shows them any more).
    pub fn forget(&mut self, worker_names: &[String]) {
        for name in worker_names {
            self.by_worker.remove(name);
        }
    }

    /// A worker's events, oldest first.
    pub fn of(&self, worker_name: &str) -> &[WorkerEvent] {
        self.by_worker.get(worker_name).map_or(&[], Vec::as_slice)
    }
}

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
    let mut status: Option<String> = before(since_ms)
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
    let band_of = |status: &Option<String>, breaker: bool| match status.as_deref() {
        _ if breaker => Band::Crashed,
        Some("crashed") => Band::Crashed,
        Some("running") => Band::Running,
        Some("stopped") => Band::Stopped,
        _ => Band::Unknown,
    };
    let mut segments = Vec::new();
    let mut from = since_ms;
    for event in events.iter().filter(|event| event.occurred_ms > since_ms) {
        let (next_status, next_breaker) = match &event.kind {
            EventKind::Status { to, .. } => (Some(to.clone()), breaker),
            EventKind::CircuitBreaker { open } => (status.clone(), *open),
            EventKind::Silence { .. } => continue,
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
    if let Some(last) = row.last_heartbeat_ms
        && now_ms - last > late_after_ms
    {
        silences.push((last, now_ms));
    }
    for (start, end) in silences {
        segments = overlay_silence(segments, start.max(since_ms), end.min(now_ms));
    }
    // The current state always ends the strip, even the instant it began (drawn 1 px wide).
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

/// The share of the known time that was Running, in tenths of a percent; `None` when nothing is
/// known of the window.
pub fn uptime_permille(segments: &[Segment]) -> Option<u32> {
    let known = known_ms(segments);
    (known > 0).then(|| ((band_ms(segments, Band::Running) * 1000 + known / 2) / known) as u32)
}

/// How much of `segments` is known (not "no data"), in ms.
pub fn known_ms(segments: &[Segment]) -> i64 {
    span_ms(segments, |band| band != Band::Unknown)
}

fn band_ms(segments: &[Segment], wanted: Band) -> i64 {
    span_ms(segments, |band| band == wanted)
}

/// The total length of the stretches whose band `counts`.
fn span_ms(segments: &[Segment], counts: impl Fn(Band) -> bool) -> i64 {
    segments
        .iter()
        .filter(|segment| counts(segment.band))
        .map(|segment| segment.end_ms - segment.start_ms)
        .sum()
}

/// The uptime line, from the strips of the last day and week, saying what it rests on: "Uptime
/// 24 h: 99.2% · 7 d: 97.0%" with a full week of history, "Uptime 24 h: 99.2% · 3 d: 97.0%" with
/// three days, "Uptime: 100% over 2 min of history" with less than a day (a worker seen for two
/// minutes must not read as a week at 100%). Durations are rounded down: the strip is redrawn
/// once a minute.
pub fn uptime_line(day: &[Segment], week: &[Segment]) -> String {
    // A minute's slack: the windows' edges move while the page is open.
    const SLACK_MS: i64 = 60_000;
    let known = known_ms(week);
    if known == 0 {
        return "Uptime: no history yet".to_owned();
    }
    if known < DAY_MS - SLACK_MS {
        return format!(
            "Uptime: {} over {} of history",
            percent(uptime_permille(week)),
            short_duration(known)
        );
    }
    let week_label = if known < WEEK_MS - SLACK_MS {
        short_duration(known)
    } else {
        "7 d".to_owned()
    };
    format!(
        "Uptime 24 h: {} · {week_label}: {}",
        percent(uptime_permille(day)),
        percent(uptime_permille(week))
    )
}

/// "<1 min", "5 min", "19 h", "3 d": rounded down.
fn short_duration(ms: i64) -> String {
    match ms / 60_000 {
        0 => "<1 min".to_owned(),
        minutes @ 1..60 => format!("{minutes} min"),
        minutes @ 60..1_440 => format!("{} h", minutes / 60),
        minutes => format!("{} d", minutes / 1_440),
    }
}

/// "99.2%", "100%", "—" when unknown.
pub fn percent(permille: Option<u32>) -> String {
    match permille {
        None => "—".to_owned(),
        Some(1000) => "100%".to_owned(),
        Some(permille) => format!("{}.{}%", permille / 10, permille % 10),
    }
}

/// Jobs per minute between consecutive heartbeats, from `(heartbeat ms, jobs processed)` samples
/// oldest first; a counter that went down (a restart) starts afresh rather than counting negative.
pub fn jobs_per_minute(samples: &[(i64, i64)]) -> Vec<i64> {
    samples
        .windows(2)
        .filter_map(|pair| {
            let ((t0, jobs0), (t1, jobs1)) = (pair[0], pair[1]);
            let elapsed = t1 - t0;
            (elapsed > 0).then(|| (jobs1 - jobs0).max(0) * 60_000 / elapsed)
        })
        .collect()
}

/// Records `row`'s heartbeat in `samples` if it is a new one, keeping the last `RATE_SAMPLES`.
pub fn add_sample(samples: &mut Vec<(i64, i64)>, row: &WorkerRow) {
    let Some(at) = row.last_heartbeat_ms else {
        return;
    };
    if samples.last().is_some_and(|(last, _)| *last >= at) {
        return;
    }
    samples.push((at, row.jobs_processed));
    if samples.len() > RATE_SAMPLES + 1 {
        samples.remove(0);
    }
}

/// An SVG polyline's points for `values`, in a `width` × `height` box (0 at the bottom).
pub fn sparkline_points(values: &[i64], width: i64, height: i64) -> String {
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    let steps = (values.len() as i64 - 1).max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            format!(
                "{},{}",
                i as i64 * width / steps,
                height - value * height / top
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    fn event(id: i64, at_min: i64, kind: EventKind) -> WorkerEvent {
        WorkerEvent {
            id,
            worker_name: "w".to_owned(),
            kind,
            occurred_ms: T0 + at_min * MIN,
        }
    }

    fn status(id: i64, at_min: i64, from: Option<&str>, to: &str) -> WorkerEvent {
        event(
            id,
            at_min,
            EventKind::Status {
                from: from.map(str::to_owned),
                to: to.to_owned(),
            },
        )
    }

    // The channel now starts before the week is loaded: a live event recorded meanwhile was
    // lost when the loaded pages replaced the history.
    #[test]
    fn loaded_pages_merge_with_live_events_recorded_meanwhile() {
        let mut history = History::default();
        assert!(history.insert(status(9, 30, Some("running"), "crashed")));
        history.merge(vec![
            status(2, 10, None, "running"),
            status(9, 30, Some("running"), "crashed"),
        ]);
        let ids: Vec<i64> = history.of("w").iter().map(|event| event.id).collect();
        assert_eq!(
            ids,
            [2, 9],
            "both kept, in time order, the one known twice once"
        );
    }

    fn row(status: &str, last_min: Option<i64>, breaker: bool) -> WorkerRow {
        let mut row = WorkerRow::from_json(&j!({
            "worker_name": "w", "status": status, "updated_at": "2026-01-01T00:00:00Z",
            "circuit_breaker_open": breaker
        }))
        .unwrap();
        row.last_heartbeat_ms = last_min.map(|min| T0 + min * MIN);
        row
    }

    fn bands(segments: &[Segment]) -> Vec<(Band, i64, i64)> {
        segments
            .iter()
            .map(|s| (s.band, (s.start_ms - T0) / MIN, (s.end_ms - T0) / MIN))
            .collect()
    }

    #[test]
    fn rows_are_read_and_bad_ones_refused_with_a_reason() {
        let good = WorkerEvent::from_json(&j!({"id": 7, "worker_name": "w", "kind": "silence",
            "silence_started_at": "2026-01-01T00:00:00Z", "occurred_at": "2026-01-01T00:12:00Z"}))
        .unwrap();
        assert_eq!(good.describe(), "Silent for 12 minutes");
        for bad in [
            j!({"worker_name": "w", "kind": "status", "to_status": "running", "occurred_at": "2026-01-01T00:00:00Z"}),
            j!({"id": 1, "worker_name": "w", "kind": "status", "occurred_at": "2026-01-01T00:00:00Z"}),
            j!({"id": 1, "worker_name": "w", "kind": "<b>", "occurred_at": "2026-01-01T00:00:00Z"}),
            j!({"id": 1, "worker_name": "w", "kind": "silence", "silence_started_at": "2026-01-01T00:13:00Z", "occurred_at": "2026-01-01T00:12:00Z"}),
        ] {
            assert!(WorkerEvent::from_json(&bad).is_err(), "{bad:?}");
        }
        let status = status(1, 0, Some("running"), "crashed");
        assert_eq!(status.describe(), "Running → Crashed");
    }

    #[test]
    fn history_keeps_order_and_ignores_repeats() {
        let mut history = History::default();
        history.replace(vec![
            status(2, 10, None, "running"),
            status(1, 5, None, "running"),
        ]);
        assert!(history.insert(status(3, 7, Some("running"), "crashed")));
        assert!(!history.insert(status(3, 7, Some("running"), "crashed")));
        let ids: Vec<i64> = history.of("w").iter().map(|event| event.id).collect();
        assert_eq!(ids, [1, 3, 2]);
        assert!(history.of("other").is_empty());
    }

    #[test]
    fn the_strip_follows_status_breaker_and_silences() {
        let events = vec![
            status(1, 10, None, "running"),
            event(
                2,
                100,
                EventKind::Silence {
                    started_ms: T0 + 40 * MIN,
                },
            ),
            event(3, 200, EventKind::CircuitBreaker { open: true }),
            event(4, 260, EventKind::CircuitBreaker { open: false }),
            status(5, 300, Some("running"), "stopped"),
            status(6, 400, Some("stopped"), "running"),
        ];
        let now = T0 + 600 * MIN;
        // The last heartbeat 20 minutes ago, Late after 1 minute: silent now.
        let segments = strip(&events, &row("running", Some(580), false), T0, now, MIN);
        assert_eq!(
            bands(&segments),
            [
                (Band::Unknown, 0, 10),
                (Band::Running, 10, 40),
                (Band::Silent, 40, 100),
                (Band::Running, 100, 200),
                (Band::Crashed, 200, 260),
                (Band::Running, 260, 300),
                (Band::Stopped, 300, 400),
                (Band::Running, 400, 580),
                (Band::Silent, 580, 600),
            ]
        );
        // Known: 590 minutes; Running: 30 + 100 + 40 + 180 = 350.
        assert_eq!(uptime_permille(&segments), Some(593));
        assert_eq!(percent(uptime_permille(&segments)), "59.3%");
    }

    #[test]
    fn the_newest_change_ends_the_strip_at_once_even_ahead_of_the_clock_estimate() {
        let events = vec![
            status(1, 10, None, "running"),
            event(
                2,
                15,
                EventKind::Silence {
                    started_ms: T0 + 12 * MIN,
                },
            ),
            status(3, 20, Some("running"), "crashed"),
        ];
        // The page's estimate of the server's clock trails the event by 5 ms.
        let now = T0 + 20 * MIN - 5;
        let segments = strip(&events, &row("crashed", Some(20), false), T0, now, MIN);
        assert_eq!(
            segments.last(),
            Some(&Segment {
                band: Band::Crashed,
                start_ms: T0 + 20 * MIN,
                end_ms: T0 + 20 * MIN,
            }),
            "{segments:?}"
        );
        let kinds: Vec<Band> = segments.iter().map(|segment| segment.band).collect();
        assert_eq!(
            kinds,
            [
                Band::Unknown,
                Band::Running,
                Band::Silent,
                Band::Running,
                Band::Crashed
            ]
        );
    }

    #[test]
    fn the_uptime_line_says_how_much_history_it_rests_on() {
        let band = |band: Band, from_min: i64, to_min: i64| Segment {
            band,
            start_ms: T0 + from_min * MIN,
            end_ms: T0 + to_min * MIN,
        };
        let young = [
            band(Band::Unknown, 0, 1438),
            band(Band::Running, 1438, 1440),
        ];
        assert_eq!(
            uptime_line(&young, &young),
            "Uptime: 100% over 2 min of history"
        );
        let seconds = [Segment {
            band: Band::Running,
            start_ms: T0,
            end_ms: T0 + 4_000,
        }];
        assert_eq!(
            uptime_line(&seconds, &seconds),
            "Uptime: 100% over <1 min of history"
        );
        let hours = [band(Band::Unknown, 0, 240), band(Band::Running, 240, 1440)];
        assert_eq!(
            uptime_line(&hours, &hours),
            "Uptime: 100% over 20 h of history"
        );
        let day = [
            band(Band::Running, 0, 1410),
            band(Band::Crashed, 1410, 1440),
        ];
        let three_days = [
            band(Band::Unknown, 0, 4 * 1440),
            band(Band::Running, 4 * 1440, 7 * 1440 - 30),
            band(Band::Crashed, 7 * 1440 - 30, 7 * 1440),
        ];
        assert_eq!(
            uptime_line(&day, &three_days),
            "Uptime 24 h: 97.9% · 3 d: 99.3%"
        );
        let week = [
            band(Band::Running, 0, 7 * 1440 - 30),
            band(Band::Crashed, 7 * 1440 - 30, 7 * 1440),
        ];
        assert_eq!(uptime_line(&day, &week), "Uptime 24 h: 97.9% · 7 d: 99.7%");
        assert_eq!(uptime_line(&[], &[]), "Uptime: no history yet");
    }

    #[test]
    fn a_window_starts_in_the_state_of_the_last_change_before_it() {
        let events = vec![
            status(1, -100, None, "crashed"),
            status(2, 30, Some("crashed"), "running"),
        ];
        let segments = strip(
            &events,
            &row("running", Some(59), false),
            T0,
            T0 + 60 * MIN,
            5 * MIN,
        );
        assert_eq!(
            bands(&segments),
            [(Band::Crashed, 0, 30), (Band::Running, 30, 60)]
        );
        // Without any event: what the row says, the whole window.
        let quiet = strip(
            &[],
            &row("running", Some(59), false),
            T0,
            T0 + 60 * MIN,
            5 * MIN,
        );
        assert_eq!(bands(&quiet), [(Band::Running, 0, 60)]);
        assert_eq!(uptime_permille(&quiet), Some(1000));
        assert_eq!(percent(uptime_permille(&quiet)), "100%");
        let never = strip(
            &[],
            &row("unknown", None, false),
            T0,
            T0 + 60 * MIN,
            5 * MIN,
        );
        assert_eq!(uptime_permille(&never), None);
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn jobs_per_minute_from_consecutive_heartbeats() {
        let mut samples = Vec::new();
        for (at, jobs) in [(0, 10), (30, 40), (30, 40), (60, 40), (90, 5)] {
            let mut r = row("running", None, false);
            r.last_heartbeat_ms = Some(at * 1000);
            r.jobs_processed = jobs;
            add_sample(&mut samples, &r);
        }
        assert_eq!(samples.len(), 4, "the same heartbeat twice counts once");
        assert_eq!(jobs_per_minute(&samples), [60, 0, 0]);
        assert_eq!(sparkline_points(&[0, 60, 30], 100, 20), "0,20 50,0 100,10");
    }
}
