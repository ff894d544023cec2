//! The workers' history (issue 13), from `hp_worker_events`: each module one step from the rows
//! to what a card shows.
//!
//! - `event`: one row of the table, read and put in words;
//! - `known`: the events held per worker (loaded and live);
//! - `demand`: whose history to hold (the workers on screen), loaded a batch at a time;
//! - `strip`: a worker's window as bands;
//! - `uptime`: the share of a window that was Running, in words.

pub mod demand;
mod event;
mod known;
mod strip;
mod uptime;

pub use event::{EventKind, WorkerEvent};
pub use known::History;
pub use strip::{Band, Segment, strip};
pub use uptime::{known_ms, percent, uptime_line, uptime_permille};

/// A day and a week, in ms.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The strip's and the first uptime's window.
pub const STRIP_MS: i64 = DAY_MS;
/// The second uptime's window, and how far back the page loads events.
pub const WEEK_MS: i64 = 7 * DAY_MS;
/// Events a worker's detail lists.
pub const RECENT_EVENTS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::reported_status::ReportedStatus;
    use crate::wire::row::WorkerRow;

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
                from: from.map(ReportedStatus::parse),
                to: ReportedStatus::parse(to),
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

    fn kinds(segments: &[Segment]) -> Vec<Band> {
        segments.iter().map(|segment| segment.band).collect()
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
    fn the_sweeps_late_and_stopped_records_are_read_and_told_but_never_draw_a_second_silence() {
        let late = WorkerEvent::from_json(&j!({"id": 8, "worker_name": "w", "kind": "overdue",
            "to_status": "late", "silence_started_at": "2026-01-01T00:00:00Z", "occurred_at": "2026-01-01T00:01:30Z"}))
        .unwrap();
        assert_eq!(late.describe(), "Late after 1 minute without a heartbeat");
        for bad in [
            j!({"id": 1, "worker_name": "w", "kind": "overdue", "to_status": "crashed", "silence_started_at": "2026-01-01T00:00:00Z", "occurred_at": "2026-01-01T00:01:00Z"}),
            j!({"id": 1, "worker_name": "w", "kind": "overdue", "to_status": "late", "occurred_at": "2026-01-01T00:01:00Z"}),
        ] {
            assert!(WorkerEvent::from_json(&bad).is_err(), "{bad:?}");
        }
        let heard = vec![status(1, 10, None, "running")];
        let mut swept = heard.clone();
        swept.push(event(
            2,
            582,
            EventKind::Overdue {
                stopped: false,
                started_ms: T0 + 580 * MIN,
            },
        ));
        swept.push(event(
            3,
            586,
            EventKind::Overdue {
                stopped: true,
                started_ms: T0 + 580 * MIN,
            },
        ));
        let row = row("running", Some(580), false);
        let now = T0 + 600 * MIN;
        assert_eq!(
            bands(&strip(&swept, &row, T0, now, MIN)),
            bands(&strip(&heard, &row, T0, now, MIN)),
            "the silence from the heartbeat, drawn once"
        );
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
        assert_eq!(
            kinds(&segments),
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
    fn a_first_report_at_this_instant_from_a_silent_worker_ends_the_strip_silent() {
        // The row says Running with its last heartbeat 20 minutes old, and the database recorded
        // its first report just now, a little ahead of the page's estimate of the server's clock:
        // the strip's 1 px end is the silence, not Running.
        let events = vec![status(1, 600, None, "running")];
        let silent = row("running", Some(580), false);
        for now in [T0 + 600 * MIN - 300, T0 + 600 * MIN] {
            let segments = strip(&events, &silent, T0, now, MIN);
            assert_eq!(
                kinds(&segments),
                [Band::Unknown, Band::Silent],
                "{segments:?}"
            );
        }
        // A moment later the silence has a width, still one stretch of it.
        let segments = strip(&events, &silent, T0, T0 + 600 * MIN + 1_000, MIN);
        assert_eq!(
            kinds(&segments),
            [Band::Unknown, Band::Silent],
            "{segments:?}"
        );
        // Heartbeats arriving: the same instant ends Running.
        let fresh = row("running", Some(600), false);
        let segments = strip(&events, &fresh, T0, T0 + 600 * MIN, MIN);
        assert_eq!(
            kinds(&segments),
            [Band::Unknown, Band::Running],
            "{segments:?}"
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
}
