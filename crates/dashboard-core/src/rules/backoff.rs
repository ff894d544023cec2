//! Reconnect and rejoin delays: realtime-js's schedule (1, 2, 5, 10 s, then 10 s) with "equal
//! jitter": each delay is drawn between half of the scheduled one and all of it, so a thousand
//! dashboards that lost the same server do not come back in lockstep, and none waits longer than
//! the schedule says. The randomness is a seeded xorshift, so tests are deterministic; seed 0
//! means no jitter (the plain schedule).

use crate::wire::protocol::RECONNECT_AFTER_MS;

/// The scheduled delay for the `attempt`-th retry (0-based), before jitter.
pub fn scheduled(attempt: usize) -> u64 {
    RECONNECT_AFTER_MS
        .get(attempt)
        .copied()
        .unwrap_or(RECONNECT_AFTER_MS[RECONNECT_AFTER_MS.len() - 1])
}

/// Draws jittered delays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    state: u64,
}

impl Backoff {
    /// A generator seeded with `seed` (the transport passes a random one; 0: no jitter).
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The delay for the `attempt`-th retry: in [scheduled / 2, scheduled].
    pub fn delay(&mut self, attempt: usize) -> u64 {
        let full = scheduled(attempt);
        if self.state == 0 {
            return full;
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let half = full / 2;
        half + self.state % (full - half + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_zero_is_the_plain_schedule() {
        let mut backoff = Backoff::new(0);
        let delays: Vec<u64> = (0..6).map(|attempt| backoff.delay(attempt)).collect();
        assert_eq!(delays, [1_000, 2_000, 5_000, 10_000, 10_000, 10_000]);
    }

    #[test]
    fn jittered_delays_stay_within_half_and_all_of_the_schedule() {
        for seed in 1..200 {
            let mut backoff = Backoff::new(seed);
            for attempt in 0..6 {
                let delay = backoff.delay(attempt);
                let full = scheduled(attempt);
                assert!(
                    delay >= full / 2 && delay <= full,
                    "seed {seed}: {delay} for {full}"
                );
            }
        }
    }

    #[test]
    fn a_thousand_dashboards_do_not_reconnect_in_lockstep() {
        // Each dashboard seeds from its own random number; after a 10 s-capped outage their
        // reconnects spread over 5 to 10 s instead of all landing on the same millisecond.
        let mut spread: Vec<u64> = (1..=1_000u64)
            .map(|dashboard| Backoff::new(dashboard.wrapping_mul(0x9E37_79B9_7F4A_7C15)).delay(3))
            .collect();
        spread.sort_unstable();
        spread.dedup();
        assert!(spread.len() > 800, "only {} distinct delays", spread.len());
        let (first, last) = (spread[0], spread[spread.len() - 1]);
        assert!(first < 5_500 && last > 9_500, "{first}..{last}");
    }
}
