//! The wall screen's last resort (issue 23): a page that has not been live for ten minutes
//! asks whether the server answers, and if it does, reloads. Waking from sleep (the checks
//! stopped for a while) starts the wait again, so a machine that slept comes back by
//! reconnecting, not by reloading; a server that does not answer never causes a reload.

/// Not live for this long (browser time, checks running) before the server is asked.
pub const RELOAD_AFTER_MS: i64 = 10 * 60_000;
/// How often the page checks, in ms.
pub const CHECK_EVERY_MS: u32 = 5_000;
/// A gap this long between two checks means the page slept or was frozen: the wait restarts.
pub const WOKE_AFTER_MS: i64 = 60_000;
/// At most one question to the server this often, in ms.
const ASK_EVERY_MS: i64 = 60_000;

/// When the page was last live, and when it last asked the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watchdog {
    live_at_ms: i64,
    checked_at_ms: i64,
    asked_at_ms: Option<i64>,
}

impl Watchdog {
    /// A watchdog started at `now_ms` (counted as live then: the page has just loaded).
    pub fn new(now_ms: i64) -> Self {
        Self {
            live_at_ms: now_ms,
            checked_at_ms: now_ms,
            asked_at_ms: None,
        }
    }

    /// One check at `now_ms`: whether to ask the server now (and reload if it answers).
    pub fn check(&mut self, now_ms: i64, live: bool) -> bool {
        let woke = now_ms - self.checked_at_ms > WOKE_AFTER_MS || now_ms < self.checked_at_ms;
        self.checked_at_ms = now_ms;
        if live || woke {
            self.live_at_ms = now_ms;
            self.asked_at_ms = None;
            return false;
        }
        if now_ms - self.live_at_ms < RELOAD_AFTER_MS {
            return false;
        }
        if self
            .asked_at_ms
            .is_some_and(|asked| now_ms - asked < ASK_EVERY_MS)
        {
            return false;
        }
        self.asked_at_ms = Some(now_ms);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: i64 = CHECK_EVERY_MS as i64;

    /// Checks every `STEP` from `from` to `to` (ms), live or not; the times it asked.
    fn run(watchdog: &mut Watchdog, from: i64, to: i64, live: bool) -> Vec<i64> {
        (from / STEP..=to / STEP)
            .map(|step| step * STEP)
            .filter(|at| watchdog.check(*at, live))
            .collect()
    }

    #[test]
    fn a_live_page_never_asks() {
        let mut watchdog = Watchdog::new(0);
        assert!(run(&mut watchdog, 0, 3 * 3_600_000, true).is_empty());
    }

    #[test]
    fn ten_minutes_not_live_asks_then_once_a_minute() {
        let mut watchdog = Watchdog::new(0);
        let asked = run(&mut watchdog, STEP, 13 * 60_000, false);
        assert_eq!(
            asked,
            vec![RELOAD_AFTER_MS, 11 * 60_000, 12 * 60_000, 13 * 60_000]
        );
    }

    #[test]
    fn being_live_again_restarts_the_wait() {
        let mut watchdog = Watchdog::new(0);
        assert!(run(&mut watchdog, STEP, 9 * 60_000, false).is_empty());
        assert!(!watchdog.check(9 * 60_000 + STEP, true));
        assert!(run(&mut watchdog, 9 * 60_000 + 2 * STEP, 18 * 60_000, false).is_empty());
        assert_eq!(
            run(&mut watchdog, 18 * 60_000 + STEP, 20 * 60_000, false).first(),
            Some(&(19 * 60_000 + STEP))
        );
    }

    #[test]
    fn waking_from_sleep_restarts_the_wait() {
        let mut watchdog = Watchdog::new(0);
        assert!(run(&mut watchdog, STEP, 5 * 60_000, false).is_empty());
        // Eight hours asleep: the first check after it is not a reason to reload.
        let woke = 8 * 3_600_000;
        assert!(!watchdog.check(woke, false));
        assert!(run(&mut watchdog, woke + STEP, woke + 9 * 60_000, false).is_empty());
        assert!(watchdog.check(woke + RELOAD_AFTER_MS, false));
        // The browser's clock set back: the same.
        let mut watchdog = Watchdog::new(1_000_000);
        assert!(!watchdog.check(0, false));
    }
}
