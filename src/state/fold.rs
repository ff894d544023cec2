//! The 7-day fold: workers silent for more than seven days are folded away under one line
//! unless the person chose to show them, a choice the browser remembers. Who is silent is
//! re-evaluated when the minute turns (plenty for that threshold) or the order changes (a
//! silent worker that reports again changes status), not on every tick of the clock.

use dashboard_core::view::fold;
use leptos::prelude::*;

use crate::browser::local_storage;
use crate::memo::memo;
use crate::state::clock::Clock;
use crate::state::fleet::Fleet;

/// Where the choice to show workers silent for more than 7 days is remembered.
const SHOW_SILENT_KEY: &str = "worker-status.show-silent";

/// Handles to the fold's state; `Copy`, part of `State`.
#[derive(Clone, Copy)]
pub struct Fold {
    fleet: Fleet,
    /// Whether workers silent for more than 7 days are shown.
    show_silent: RwSignal<bool>,
    /// Names of the workers silent for more than 7 days.
    silent: Memo<Vec<String>>,
}

fn remembered_show_silent() -> bool {
    cfg!(target_arch = "wasm32")
        && local_storage()
            .and_then(|storage| storage.get_item(SHOW_SILENT_KEY).ok().flatten())
            .is_some_and(|value| value == "1")
}

impl Fold {
    /// The fold of `fleet`, judged at `clock`'s minute; shown or folded as last chosen.
    pub fn new(fleet: Fleet, clock: Clock) -> Self {
        let minute = clock.server_minute_ms();
        let order = fleet.order();
        let silent = memo(move |_| {
            let at = minute.get();
            order.track();
            fleet.peek_workers(|workers| fold::long_silent(workers, at))
        });
        Self {
            fleet,
            show_silent: RwSignal::new(remembered_show_silent()),
            silent,
        }
    }

    /// The display order without the workers silent for more than 7 days, unless they are shown.
    pub fn unfolded_order(self) -> Memo<Vec<String>> {
        let (all, show_silent, silent) = (self.fleet.order(), self.show_silent, self.silent);
        memo(move |_| {
            if show_silent.get() {
                all.get()
            } else {
                silent.with(|silent| all.with(|names| fold::without(names, silent)))
            }
        })
    }

    /// How many workers have been silent for more than 7 days.
    pub fn silent_count(self) -> Signal<usize> {
        let silent = self.silent;
        Signal::derive(move || silent.with(Vec::len))
    }

    /// Whether those workers are shown.
    pub fn shows_silent(self) -> Signal<bool> {
        self.show_silent.into()
    }

    /// Shows or folds the workers silent for more than 7 days, and remembers the choice.
    pub fn set_show_silent(self, show: bool) {
        self.show_silent.set(show);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(SHOW_SILENT_KEY, if show { "1" } else { "0" });
        }
    }
}

#[cfg(test)]
mod tests {
    use dashboard_core::wire::json::Json;
    use dashboard_core::wire::row::WorkerRow;

    use super::*;

    const DAY_MS: i64 = 86_400_000;
    const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn row(name: &str, heartbeat: &str) -> WorkerRow {
        let text = format!(
            r#"{{"worker_name":"{name}","status":"running","last_heartbeat":"{heartbeat}","updated_at":"{heartbeat}"}}"#
        );
        WorkerRow::from_json(&Json::parse(&text).expect("test row")).expect("test row")
    }

    #[test]
    fn workers_silent_for_a_week_are_folded_until_shown() {
        let owner = Owner::new();
        owner.set();
        // Eight days after the first worker's last heartbeat.
        let clock = Clock::new(T0 + 8 * DAY_MS);
        let thresholds = crate::config::Config::from_parts(None, None).thresholds;
        let fleet = Fleet::new(thresholds, clock);
        let fold = Fold::new(fleet, clock);
        fleet.apply_snapshot(vec![
            row("gone", "2026-01-01T00:00:00Z"),
            row("here", "2026-01-09T00:00:00Z"),
        ]);
        let unfolded = fold.unfolded_order();
        assert_eq!(unfolded.get_untracked(), vec!["here".to_owned()]);
        assert_eq!(fold.silent_count().get_untracked(), 1);
        fold.set_show_silent(true);
        assert_eq!(unfolded.get_untracked().len(), 2);
        assert!(fold.shows_silent().get_untracked());
    }
}
