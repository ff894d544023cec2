//! A worker's own heartbeat cadence (issue 13, "Cadence"): the heartbeat module writes its
//! interval into `metadata.heartbeat_interval_s`, and a worker that reports one is judged by it.
//! Late after two of its intervals plus a grace of 5 s (a worker beating every 10 s is Late after
//! 25 s; one beating every 120 s is not Late at 61 s). Stopped stays at the section's threshold
//! (5 minutes) unless the interval is longer than 2.5 minutes; then Stopped comes after twice the
//! Late time. Workers that report nothing keep the section's thresholds.

use crate::json::Json;
use crate::row::WorkerRow;
use crate::status::Thresholds;

/// The metadata key the heartbeat module writes.
pub const INTERVAL_KEY: &str = "heartbeat_interval_s";
/// Added to two intervals before a worker counts as Late.
pub const GRACE_MS: i64 = 5_000;
/// Intervals longer than this move Stopped out too.
pub const LONG_INTERVAL_MS: i64 = 150_000;

/// The thresholds that apply to `row`: the section's, or those of its own cadence.
pub fn thresholds_for(row: &WorkerRow, section: Thresholds) -> Thresholds {
    let Some(interval_ms) = reported_interval_ms(row) else {
        return section;
    };
    let late_after_ms = 2 * interval_ms + GRACE_MS;
    let stopped_after_ms = if interval_ms > LONG_INTERVAL_MS {
        2 * late_after_ms
    } else {
        section.stopped_after_ms.max(late_after_ms + 1)
    };
    Thresholds {
        late_after_ms,
        stopped_after_ms,
    }
}

/// `metadata.heartbeat_interval_s` in milliseconds, when it is a positive number of at most a
/// day. Read from the number's text (`30`, `0.5`, `1e1` is refused): no float parsing.
pub fn reported_interval_ms(row: &WorkerRow) -> Option<i64> {
    let (_, value) = row
        .metadata
        .iter()
        .rev()
        .find(|(key, _)| key == INTERVAL_KEY)?;
    let Json::Number(text) = value else {
        return None;
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    // The first three decimals, as milliseconds.
    let millis = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |millis, digit| millis * 10 + i64::from(digit - b'0'));
    let interval_ms = seconds.checked_mul(1000)?.checked_add(millis)?;
    (1..=86_400_000)
        .contains(&interval_ms)
        .then_some(interval_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{Status, status_of};

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
