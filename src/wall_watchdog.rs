//! The wall screen's watchdog (`view="tv"`): a page that has not been live for ten minutes
//! although the server answers reloads itself, so a wall screen never needs a person
//! (`dashboard_core::rules::watchdog` decides when). It checks every few seconds until the
//! section unmounts.

use dashboard_core::rules::watchdog::{CHECK_EVERY_MS, Watchdog};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::now_ms;
use crate::config::Config;
use crate::state::State;

/// Starts the watchdog of a wall screen showing `state`, fetched with `config`.
pub fn start(config: Config, state: State) {
    let watchdog = StoredValue::new(Watchdog::new(now_ms()));
    let config = StoredValue::new(config);
    crate::lifetime::keep_until_unmount(gloo_timers::callback::Interval::new(
        CHECK_EVERY_MS,
        move || {
            let live = state.clock.is_live_untracked();
            let ask = watchdog
                .try_update_value(|watchdog| watchdog.check(now_ms(), live))
                .unwrap_or(false);
            let Some(config) = config.try_get_value().filter(|_| ask) else {
                return;
            };
            spawn_local(async move {
                if crate::api::probe_rows(&config).await.is_ok() && !state.clock.is_live_untracked()
                {
                    leptos::logging::warn!(
                        "worker status: not live for 10 minutes although the server answers; reloading the page"
                    );
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }
            });
        },
    ));
}
