//! When a silent worker turns Late and Stopped: the section's thresholds (`late-after`,
//! `stopped-after`), and each worker's own, from the cadence it reports.
//!
//! A worker's own heartbeat cadence (issue 13, "Cadence"): the heartbeat module writes its
//! interval into `metadata.heartbeat_interval_s`, and a worker that reports one is judged by it.
//! Late after two of its intervals plus a grace of 5 s (a worker beating every 10 s is Late after
//! 25 s; one beating every 120 s is not Late at 61 s). Stopped stays at the section's threshold
//! (5 minutes) unless the interval is longer than 2.5 minutes; then Stopped comes after twice the
//! Late time. Workers that report nothing keep the section's thresholds.

use crate::wire::json::Json;
use crate::wire::row::WorkerRow;

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
