//! The browser's clock can be wrong; statuses are judged in server time. This estimates the
//! offset (server minus browser) from two kinds of evidence:
//! - a REST response's `Date` header (whole seconds), taken at the request's midpoint;
//! - a realtime change's `commit_timestamp`, which happened before the frame arrived, so
//!   `commit - arrival` is a lower bound of the offset.
//!
//! The estimate is the median of recent Date samples, raised to the largest recent lower bound.
//!
//! The browser's clock can also jump while the page is open (set by hand, or the machine slept).
//! The transport notices by comparing it with the monotonic clock and calls `wall_clock_jumped`:
//! the evidence is moved by the jump (right for a clock set by hand) and marked provisional, so
//! the next Date header, which the transport asks for at once, replaces it (right after sleep).

use std::collections::VecDeque;

/// A difference between the browser's clock and the monotonic clock between two readings, past
/// which the browser's clock counts as having jumped (ms).
pub const CLOCK_JUMP_MS: i64 = 2_000;

/// Notices the browser's clock jumping: each reading of it is compared with a reading of the
/// monotonic clock (`performance.now()`) against the previous pair.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WallClockWatch {
    last: Option<(i64, f64)>,
}

impl WallClockWatch {
    /// A watch whose first reading is this one.
    pub fn from_reading(wall_ms: i64, monotonic_ms: f64) -> Self {
        Self {
            last: Some((wall_ms, monotonic_ms)),
        }
    }

    /// Reads both clocks; returns how far the browser's clock jumped since the last reading
    /// (more than `CLOCK_JUMP_MS` either way), if it did. The first reading sees no jump.
    pub fn read(&mut self, wall_ms: i64, monotonic_ms: f64) -> Option<i64> {
        let last = self.last.replace((wall_ms, monotonic_ms));
        let (then, then_monotonic) = last?;
        let jump = (wall_ms - then) - (monotonic_ms - then_monotonic) as i64;
        (jump.abs() > CLOCK_JUMP_MS).then_some(jump)
    }
}

/// Samples kept of each kind.
const SAMPLES_KEPT: usize = 9;

/// The running estimate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClockOffset {
    date_samples: VecDeque<i64>,
    lower_bounds: VecDeque<i64>,
    /// The samples were moved by a clock jump and await a fresh Date header.
    provisional: bool,
}

impl ClockOffset {
    /// A `Date` header (`server_ms`, whole seconds) for a request sent at `sent_ms` and answered
    /// at `received_ms` (browser clock).
    pub fn add_date_header(&mut self, server_ms: i64, sent_ms: i64, received_ms: i64) {
        // The header truncates to the second: the true time is on average half a second later.
        let server_mid = server_ms + 500;
        let local_mid = sent_ms + (received_ms - sent_ms) / 2;
        if self.provisional {
            self.provisional = false;
            self.date_samples.clear();
            self.lower_bounds.clear();
        }
        push(&mut self.date_samples, server_mid - local_mid);
    }

    /// The browser's clock moved by `jump_ms` more than the monotonic clock did.
    pub fn wall_clock_jumped(&mut self, jump_ms: i64) {
        for sample in self
            .date_samples
            .iter_mut()
            .chain(self.lower_bounds.iter_mut())
        {
            *sample -= jump_ms;
        }
        self.provisional = true;
    }

    /// A change committed at `commit_ms` (server clock) arrived at `arrival_ms` (browser clock).
    pub fn add_commit(&mut self, commit_ms: i64, arrival_ms: i64) {
        push(&mut self.lower_bounds, commit_ms - arrival_ms);
    }

    /// Server time minus browser time, in milliseconds; 0 without evidence.
    pub fn offset_ms(&self) -> i64 {
        let median = median(&self.date_samples);
        let floor = self.lower_bounds.iter().copied().max();
        match (median, floor) {
            (Some(median), Some(floor)) => median.max(floor),
            (Some(median), None) => median,
            (None, Some(floor)) => floor.max(0),
            (None, None) => 0,
        }
    }

    /// Server time for browser time `local_ms`.
    pub fn server_now(&self, local_ms: i64) -> i64 {
        local_ms + self.offset_ms()
    }
}

fn push(samples: &mut VecDeque<i64>, value: i64) {
    if samples.len() == SAMPLES_KEPT {
        samples.pop_front();
    }
    samples.push_back(value);
}

fn median(samples: &VecDeque<i64>) -> Option<i64> {
    // An insertion sort of at most SAMPLES_KEPT values: the slice sort would add 3 KB of wasm.
    let mut sorted: Vec<i64> = Vec::with_capacity(samples.len());
    for &sample in samples {
        let place = sorted.partition_point(|&kept| kept <= sample);
        sorted.insert(place, sample);
    }
    sorted.get(sorted.len() / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jump_is_what_the_browser_clock_moved_beyond_the_monotonic_one() {
        let mut watch = WallClockWatch::default();
        assert_eq!(watch.read(1_000_000, 10.0), None, "the first reading");
        assert_eq!(
            watch.read(1_001_000, 1_010.0),
            None,
            "a second passed on both"
        );
        assert_eq!(
            watch.read(1_002_000 + CLOCK_JUMP_MS, 2_010.0),
            None,
            "at the bound"
        );
        assert_eq!(
            watch.read(1_603_000 + CLOCK_JUMP_MS, 3_010.0),
            Some(600_000)
        );
        assert_eq!(
            WallClockWatch::from_reading(1_000_000, 0.0).read(400_000, 1_000.0),
            Some(-601_000)
        );
    }

    #[test]
    fn no_evidence_means_no_offset() {
        assert_eq!(ClockOffset::default().offset_ms(), 0);
    }

    #[test]
    fn a_browser_two_minutes_behind_is_corrected_by_the_date_header() {
        let mut clock = ClockOffset::default();
        // Browser says 1_000_000; server says 1_120_000 (truncated to the second).
        clock.add_date_header(1_120_000, 1_000_000, 1_000_040);
        let offset = clock.offset_ms();
        assert!((119_000..=121_000).contains(&offset), "{offset}");
        assert_eq!(clock.server_now(2_000_000), 2_000_000 + offset);
    }

    #[test]
    fn commit_timestamps_raise_the_estimate_but_never_lower_it() {
        let mut clock = ClockOffset::default();
        clock.add_date_header(10_000, 10_000, 10_000);
        assert_eq!(clock.offset_ms(), 500);
        clock.add_commit(20_000, 19_000); // the server was at least 1 s ahead
        assert_eq!(clock.offset_ms(), 1_000);
        clock.add_commit(30_000, 30_200); // a slow delivery proves little
        assert_eq!(clock.offset_ms(), 1_000);
    }

    #[test]
    fn a_clock_set_forward_by_hand_keeps_server_time_and_the_next_header_settles_it() {
        let mut clock = ClockOffset::default();
        for i in 0..5 {
            clock.add_date_header(
                100_000 + i * 1_000,
                100_000 + i * 1_000,
                100_000 + i * 1_000,
            );
            clock.add_commit(99_000 + i * 1_000, 100_000 + i * 1_000);
        }
        let server_before = clock.server_now(105_000);
        // The browser's clock is set 10 minutes ahead: same server time for the new reading.
        clock.wall_clock_jumped(600_000);
        assert_eq!(clock.server_now(705_000), server_before);
        // The machine had slept instead: the next Date header alone decides.
        clock.add_date_header(800_000, 800_000, 800_000);
        assert_eq!(clock.offset_ms(), 500);
    }

    #[test]
    fn one_wild_date_sample_does_not_move_the_median() {
        let mut clock = ClockOffset::default();
        for _ in 0..4 {
            clock.add_date_header(100_000, 100_000, 100_000);
        }
        clock.add_date_header(900_000, 100_000, 100_000);
        assert_eq!(clock.offset_ms(), 500);
    }
}
