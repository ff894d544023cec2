//! How current the section's data is, and so at what moment statuses are judged. Our lost
//! connection is not the workers' silence: while the data is not known to be current, every
//! status (and "Last seen") is judged as of the last moment it was, instead of letting healthy
//! workers age into Late and Stopped because *we* stopped hearing from them.
//!
//! Current means: the live connection is up, and a snapshot requested after it came up has
//! landed (changes missed during the gap are only known once that snapshot is in). Without a
//! live connection, a snapshot still tells the state as of the moment it was requested (the
//! polling fallback). All times are browser milliseconds; the caller converts to server time.

/// What is known of the data's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Freshness {
    /// When the live connection (last) came up, while it is up.
    live_since: Option<i64>,
    /// Live, and synced by a snapshot requested after `live_since`.
    current: bool,
    /// While not current: the latest moment the data is known to have been current.
    known_at: Option<i64>,
}

impl Freshness {
    /// The live connection is up (repeats are harmless).
    pub fn on_live(&mut self, now_ms: i64) {
        if self.live_since.is_none() {
            self.live_since = Some(now_ms);
        }
    }

    /// The live connection is down (or never came up).
    pub fn on_lost(&mut self, now_ms: i64) {
        if self.current {
            self.known_at = Some(now_ms);
        }
        self.current = false;
        self.live_since = None;
    }

    /// A whole snapshot landed; it was requested at `requested_ms`.
    pub fn on_snapshot(&mut self, requested_ms: i64) {
        match self.live_since {
            Some(since) if requested_ms >= since => {
                self.current = true;
                self.known_at = None;
            }
            _ if !self.current => {
                self.known_at = Some(
                    self.known_at
                        .map_or(requested_ms, |at| at.max(requested_ms)),
                );
            }
            _ => {}
        }
    }

    /// Whether the data is known to be current.
    pub fn is_current(&self) -> bool {
        self.current
    }

    /// The moment to judge statuses at: now while current, else the last moment the data was
    /// known (now, if nothing was ever known: there is nothing to misjudge then).
    pub fn judged_at(&self, now_ms: i64) -> i64 {
        match (self.current, self.known_at) {
            (false, Some(at)) => at.min(now_ms),
            _ => now_ms,
        }
    }

    /// Since when the data has been held (not current), if it is.
    pub fn held_since(&self) -> Option<i64> {
        if self.current { None } else { self.known_at }
    }

    /// Whether the live connection is up but its first snapshot has not landed yet.
    pub fn is_syncing(&self) -> bool {
        self.live_since.is_some() && !self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_then_synced_judges_at_now() {
        let mut freshness = Freshness::default();
        freshness.on_live(1_000);
        assert!(freshness.is_syncing());
        freshness.on_snapshot(1_000);
        assert!(freshness.is_current());
        assert_eq!(freshness.judged_at(90_000), 90_000);
        assert_eq!(freshness.held_since(), None);
    }

    #[test]
    fn an_outage_holds_statuses_at_the_moment_contact_was_lost() {
        let mut freshness = Freshness::default();
        freshness.on_live(0);
        freshness.on_snapshot(0);
        freshness.on_lost(10_000);
        // Ten minutes later, statuses are still judged at 10 s.
        assert_eq!(freshness.judged_at(610_000), 10_000);
        assert_eq!(freshness.held_since(), Some(10_000));
        // Back live: still held until the snapshot after the reconnect lands.
        freshness.on_live(611_000);
        assert_eq!(freshness.judged_at(611_500), 10_000);
        // A snapshot requested before the reconnect does not count as synced.
        freshness.on_snapshot(600_000);
        assert!(!freshness.is_current());
        assert_eq!(freshness.judged_at(611_600), 600_000);
        freshness.on_snapshot(611_100);
        assert_eq!(freshness.judged_at(612_000), 612_000);
    }

    #[test]
    fn polled_snapshots_move_the_held_moment_forward() {
        let mut freshness = Freshness::default();
        freshness.on_snapshot(5_000);
        assert_eq!(freshness.judged_at(9_000), 5_000);
        freshness.on_snapshot(20_000);
        assert_eq!(freshness.judged_at(30_000), 20_000);
        // An older snapshot landing late never moves it back.
        freshness.on_snapshot(15_000);
        assert_eq!(freshness.judged_at(30_000), 20_000);
    }

    #[test]
    fn nothing_known_judges_at_now() {
        let mut freshness = Freshness::default();
        assert_eq!(freshness.judged_at(7), 7);
        freshness.on_lost(5);
        assert_eq!(freshness.judged_at(7), 7);
    }
}
