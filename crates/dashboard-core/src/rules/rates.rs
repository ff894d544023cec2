//! Jobs per minute from consecutive heartbeats seen by the page (not from the history table), and
//! the sparkline's points.

use crate::wire::row::WorkerRow;

/// Jobs-per-minute samples kept per worker.
pub const RATE_SAMPLES: usize = 60;

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
    use crate::wire::json::Json;

    fn row(status: &str) -> WorkerRow {
        WorkerRow::from_json(
            &Json::parse(&format!(r#"{{"worker_name":"w","status":"{status}"}}"#))
                .expect("valid JSON"),
        )
        .expect("a valid row")
    }

    #[test]
    fn jobs_per_minute_from_consecutive_heartbeats() {
        let mut samples = Vec::new();
        for (at, jobs) in [(0, 10), (30, 40), (30, 40), (60, 40), (90, 5)] {
            let mut r = row("running");
            r.last_heartbeat_ms = Some(at * 1000);
            r.jobs_processed = jobs;
            add_sample(&mut samples, &r);
        }
        assert_eq!(samples.len(), 4, "the same heartbeat twice counts once");
        assert_eq!(jobs_per_minute(&samples), [60, 0, 0]);
        assert_eq!(sparkline_points(&[0, 60, 30], 100, 20), "0,20 50,0 100,10");
    }
}
