//! The polling fallback: while the live connection is down but REST may still answer, the
//! snapshot is fetched again every 15 s (±20 % jitter, so many open dashboards spread out),
//! which keeps the list and the held statuses moving forward (`crate::rules::freshness`). Live again,
//! polling stops; realtime's own snapshot after resubscribing takes over.

/// Time between polls before jitter.
pub const POLL_EVERY_MS: i64 = 15_000;

/// When the next poll is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PollFallback {
    next_at: Option<i64>,
}

impl PollFallback {
    /// Called on every clock tick; true when a snapshot should be fetched now. `random` is in
    /// [0, 1) (the transport's `Math.random()`).
    pub fn due(&mut self, now_ms: i64, live: bool, random: f64) -> bool {
        if live {
            self.next_at = None;
            return false;
        }
        let delay = (POLL_EVERY_MS as f64 * (0.8 + 0.4 * random.clamp(0.0, 1.0))) as i64;
        match self.next_at {
            None => {
                self.next_at = Some(now_ms + delay);
                false
            }
            Some(at) if now_ms >= at => {
                self.next_at = Some(now_ms + delay);
                true
            }
            Some(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_every_fifteen_seconds_with_jitter_only_while_not_live() {
        let mut poll = PollFallback::default();
        assert!(!poll.due(0, true, 0.5));
        // Contact lost at 1 s: the first poll about 15 s later, then every 15 s.
        assert!(!poll.due(1_000, false, 0.5));
        assert!(!poll.due(15_999, false, 0.5));
        assert!(poll.due(16_000, false, 0.5));
        assert!(!poll.due(17_000, false, 0.5));
        assert!(
            poll.due(31_000, false, 0.0),
            "due again 15 s after the last"
        );
        // Jitter: 12 s at the earliest, 18 s at the latest.
        assert!(!poll.due(42_999, false, 0.9));
        assert!(poll.due(43_000, false, 0.9));
        assert!(poll.due(43_000 + 19_000, false, 0.99));
        // Live again: no polling, and losing it again starts a fresh 15 s.
        assert!(!poll.due(70_000, true, 0.5));
        assert!(!poll.due(71_000, false, 0.5));
        assert!(!poll.due(80_000, false, 0.5));
        assert!(poll.due(86_000, false, 0.5));
    }
}
