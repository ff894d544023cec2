//! Whether alerts are getting through: the section reads the alert counts
//! (`dashboard_core::wire::alert_health`) a few seconds after it mounts and every minute after,
//! and provides them to the components (`UndeliveredAlerts`). A database without the alerts
//! (404) is asked no more; any other failure keeps the last counts. Its timers end at unmount.

use dashboard_core::wire::alert_health::{ALERT_HEALTH_EVERY_MS, AlertHealth};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::config::Config;
use crate::error::ApiError;

/// The first read waits this long: the first rows and the live channel come first.
const FIRST_READ_AFTER_MS: u32 = 3_000;

/// The counts, as last read (`None`: not read, or nothing to say).
#[derive(Clone, Copy)]
pub struct UndeliveredAlerts(pub ReadSignal<Option<AlertHealth>>);

/// Starts reading the counts for `config` and provides them; call inside the section's owner.
pub fn follow(config: Config) {
    let (health, set_health) = signal(None::<AlertHealth>);
    provide_context(UndeliveredAlerts(health));
    let config = StoredValue::new(config);
    let absent = StoredValue::new(false);
    let read = move || {
        let Some(config) = config.try_get_value().filter(|_| !absent.get_value()) else {
            return;
        };
        spawn_local(async move {
            match crate::api::fetch_alert_health(&config).await {
                Ok(counts) => {
                    set_health.try_set(counts);
                }
                Err(ApiError::NotFound(_)) => {
                    let _ = absent.try_set_value(true);
                }
                Err(_) => {}
            }
        });
    };
    crate::lifetime::keep_until_unmount(gloo_timers::callback::Timeout::new(
        FIRST_READ_AFTER_MS,
        read,
    ));
    crate::lifetime::keep_until_unmount(gloo_timers::callback::Interval::new(
        ALERT_HEALTH_EVERY_MS,
        read,
    ));
}
