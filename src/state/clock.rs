//! The shared clock: browser time ticking once a second, the estimate of the server's clock
//! (from `Date` headers and commit times, `dashboard_core::rules::clock`), the connection's status and
//! what it means for the data's freshness (`dashboard_core::rules::freshness`). Statuses, "Last seen"
//! and the 7-day fold are judged at its server time. It stops ticking when the section unmounts.

use std::rc::Rc;

use dashboard_core::channel::ConnectionStatus;
use dashboard_core::rules::clock::{ClockOffset, WallClockWatch};
use dashboard_core::rules::freshness::Freshness;
use leptos::prelude::*;

use crate::browser::now_ms;
use crate::config::CLOCK_TICK_MS;
use crate::memo::memo;
use crate::page_lifecycle::{self, PageEvent};

/// A server-clock estimate that moved less than this (ms) does not re-evaluate the statuses.
pub const CLOCK_NOTIFY_MS: i64 = 100;

/// What the clock tells whoever started it (`Clock::start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// A second passed (or the page was shown again): browser time is now this (ms).
    Second(i64),
    /// The browser's clock was set by hand or the machine slept: server time was re-anchored,
    /// and what was loaded may be older than it looks.
    Jumped,
}

/// Who hears the clock's ticks.
type OnTick = Rc<dyn Fn(Tick)>;

/// Handles to the clock's state; `Copy`, part of `State`.
#[derive(Clone, Copy)]
pub struct Clock {
    local_now: RwSignal<i64>,
    offset: RwSignal<ClockOffset>,
    freshness: RwSignal<Freshness>,
    connection: RwSignal<ConnectionStatus>,
    /// The judged server time's minute (ms since the epoch / 60 000).
    minute: Memo<i64>,
    /// The last reading's browser time and monotonic time, to notice the browser's clock jumping.
    watch: StoredValue<WallClockWatch>,
    on_tick: StoredValue<Option<OnTick>, LocalStorage>,
}

/// The server time statuses are judged at, for browser time `local_ms`: now while the data is
/// current, held at the last moment it was otherwise, in the server's clock.
fn server_time(freshness: &Freshness, offset: &ClockOffset, local_ms: i64) -> i64 {
    offset.server_now(freshness.judged_at(local_ms))
}

impl Clock {
    /// A clock whose browser time starts at `started_ms`; it ticks once `start`ed.
    pub fn new(started_ms: i64) -> Self {
        let local_now = RwSignal::new(started_ms);
        let offset = RwSignal::new(ClockOffset::default());
        let freshness = RwSignal::new(Freshness::default());
        let minute = memo(move |_| {
            freshness.with(|freshness| {
                offset.with(|offset| server_time(freshness, offset, local_now.get()))
            }) / 60_000
        });
        Self {
            local_now,
            offset,
            freshness,
            connection: RwSignal::new(ConnectionStatus::Connecting),
            minute,
            watch: StoredValue::new(WallClockWatch::default()),
            on_tick: StoredValue::new_local(None),
        }
    }

    /// Ticks once a second, and at once when the page is shown again (a background tab's timers
    /// are throttled), until unmount; `on_tick` hears every tick and every jump of the
    /// browser's clock. In the browser only.
    pub fn start(self, on_tick: impl Fn(Tick) + 'static) {
        self.on_tick.set_value(Some(Rc::new(on_tick)));
        crate::lifetime::keep_until_unmount(gloo_timers::callback::Interval::new(
            CLOCK_TICK_MS,
            move || self.tick(),
        ));
        crate::lifetime::keep_until_unmount(page_lifecycle::watch(move |event| {
            if event == PageEvent::Shown {
                self.tick();
            }
        }));
        // The first reading of both clocks, so that a jump before the first tick is seen.
        self.notice_jump(now_ms());
    }

    fn tell(self, tick: Tick) {
        if let Some(on_tick) = self.on_tick.get_value() {
            on_tick(tick);
        }
    }

    fn tick(self) {
        let now = now_ms();
        self.notice_jump(now);
        self.local_now.set(now);
        self.tell(Tick::Second(now));
    }

    /// Whether the browser's clock moved differently from the monotonic clock since the last
    /// reading; if so, server time is re-anchored and `Tick::Jumped` told.
    fn notice_jump(self, now: i64) {
        let Some(monotonic) = crate::browser::monotonic_ms() else {
            return;
        };
        let jump = self
            .watch
            .try_update_value(|watch| watch.read(now, monotonic))
            .flatten();
        if let Some(jump) = jump {
            leptos::logging::warn!("worker status: the browser's clock jumped by {jump} ms");
            self.offset.update(|offset| offset.wall_clock_jumped(jump));
            // Browser time and offset move together, or server time would be off by the jump.
            self.local_now.set(now);
            self.tell(Tick::Jumped);
        }
    }

    /// A change committed at `commit_ms` (server time) arrived at browser time `arrival_ms`.
    /// Every one refines the estimate, but only a shift that can show (`CLOCK_NOTIFY_MS`)
    /// notifies: each notification re-evaluates every worker's status.
    pub fn add_commit(self, commit_ms: i64, arrival_ms: i64) {
        // A jump of the browser's clock since the last tick is accounted for before this
        // arrival time becomes evidence about the server's clock.
        if cfg!(target_arch = "wasm32") {
            self.notice_jump(arrival_ms);
        }
        self.offset.maybe_update(|offset| {
            let before = offset.offset_ms();
            offset.add_commit(commit_ms, arrival_ms);
            (offset.offset_ms() - before).abs() >= CLOCK_NOTIFY_MS
        });
    }

    /// A REST answer's `Date` header, for a request sent and answered at these browser times.
    pub fn add_date_header(self, date_ms: i64, sent_ms: i64, received_ms: i64) {
        self.offset
            .update(|offset| offset.add_date_header(date_ms, sent_ms, received_ms));
    }

    /// A snapshot requested at browser time `requested_ms` arrived: the data is current as of
    /// then.
    pub fn on_snapshot(self, requested_ms: i64) {
        self.freshness
            .update(|freshness| freshness.on_snapshot(requested_ms));
    }

    /// Sets the connection status (from the live channel).
    pub fn set_connection(self, status: ConnectionStatus) {
        let live = status == ConnectionStatus::Live;
        self.freshness.maybe_update(|freshness| {
            let before = *freshness;
            if live {
                freshness.on_live(now_ms());
            } else {
                freshness.on_lost(now_ms());
            }
            *freshness != before
        });
        if self.connection.get_untracked() != status {
            self.connection.set(status);
        }
    }

    /// The connection status.
    pub fn connection(self) -> ReadSignal<ConnectionStatus> {
        self.connection.read_only()
    }

    /// Whether the live connection is up, read without subscribing.
    pub fn is_live_untracked(self) -> bool {
        self.connection.get_untracked() == ConnectionStatus::Live
    }

    /// The server time statuses are judged at, in ms, ticking once a second while the data is
    /// current, and held at the last moment it was while it is not (`dashboard_core::rules::freshness`).
    pub fn server_now(self) -> Signal<i64> {
        let (freshness, offset, local_now) = (self.freshness, self.offset, self.local_now);
        Signal::derive(move || {
            freshness.with(|freshness| {
                offset.with(|offset| server_time(freshness, offset, local_now.get()))
            })
        })
    }

    /// Server time now, read without subscribing.
    pub fn server_now_untracked(self) -> i64 {
        self.freshness.with_untracked(|freshness| {
            self.offset.with_untracked(|offset| {
                server_time(freshness, offset, self.local_now.get_untracked())
            })
        })
    }

    /// The server time statuses are judged at, ticking once a minute (for what a second does
    /// not change: the history strip, the 7-day fold).
    pub fn server_minute_ms(self) -> Signal<i64> {
        let minute = self.minute;
        Signal::derive(move || minute.get() * 60_000)
    }

    /// Browser time now, ticking once a second.
    pub fn local_now(self) -> ReadSignal<i64> {
        self.local_now.read_only()
    }

    /// While the data is not known to be current after it once was: the browser time it is
    /// held at (statuses are judged as of then). `None` while current, on the first load, and
    /// while the first connection is being made.
    pub fn held_since(self) -> Signal<Option<i64>> {
        let (freshness, connection) = (self.freshness, self.connection);
        Signal::derive(move || {
            let held = freshness.with(Freshness::held_since)?;
            matches!(
                connection.get(),
                ConnectionStatus::Reconnecting { .. } | ConnectionStatus::Offline { .. }
            )
            .then_some(held)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_that_moves_the_estimate_less_than_the_threshold_notifies_nobody() {
        let owner = Owner::new();
        owner.set();
        let clock = Clock::new(1_000_000);
        // Counts the notifications of the estimate (a memo re-runs only when notified).
        let runs = StoredValue::new(0);
        let offset = clock.offset;
        let notified = memo(move |_| {
            offset.track();
            runs.update_value(|count| *count += 1);
            runs.get_value()
        });
        let first = notified.get_untracked();
        // The server is 10 s ahead: that shows.
        clock.add_commit(1_010_000, 1_000_000);
        assert_eq!(notified.get_untracked(), first + 1);
        let estimate = clock.server_now_untracked();
        // 50 ms more evidence refines the estimate without notifying.
        clock.add_commit(1_011_050, 1_001_000);
        assert_eq!(
            notified.get_untracked(),
            first + 1,
            "a shift under CLOCK_NOTIFY_MS is silent"
        );
        assert!((clock.server_now_untracked() - estimate).abs() < CLOCK_NOTIFY_MS);
    }

    #[test]
    fn data_is_held_only_while_a_connection_once_current_is_lost() {
        let owner = Owner::new();
        owner.set();
        let clock = Clock::new(0);
        let held = clock.held_since();
        assert_eq!(held.get_untracked(), None, "first connection");
        clock.set_connection(ConnectionStatus::Live);
        clock.on_snapshot(now_ms());
        assert_eq!(held.get_untracked(), None, "current");
        clock.set_connection(ConnectionStatus::Reconnecting { retry_at_ms: None });
        assert!(held.get_untracked().is_some(), "lost after it was current");
        clock.set_connection(ConnectionStatus::Live);
        clock.on_snapshot(now_ms());
        assert_eq!(held.get_untracked(), None, "current again");
    }
}
