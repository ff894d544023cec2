//! Opt-in browser notifications (issue 13): a button asks for the permission, only when clicked;
//! once on (remembered in the browser), a worker turning Crashed or Stopped, or Late for more than
//! a minute, shows one notification naming it (`dashboard_core::rules::alerts` decides which and when).
//! Nothing is shown while the page's own connection is down; what still holds is told once it
//! is back.

use dashboard_core::rules::alerts::{Alert, Alerts};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::local_storage;
use crate::state::clock::Clock;
use crate::state::fleet::Fleet;

/// Where the choice to be notified is remembered.
const NOTIFY_KEY: &str = "worker-status.notify";

/// What the notifications button can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// The browser has no notifications (or not in this context).
    Unsupported,
    /// Not asked yet.
    Ask,
    /// Granted.
    Granted,
    /// Refused; only the browser's site settings can change that.
    Denied,
}

/// Handles to the notification state; `Copy`, provided as context at the root.
#[derive(Debug, Clone, Copy)]
pub struct Notifications {
    /// Whether notifications are on.
    pub enabled: RwSignal<bool>,
    /// The browser's permission.
    pub permission: RwSignal<Permission>,
}

impl Notifications {
    /// Follows `fleet`'s status changes and `clock` until unmount.
    pub fn new(fleet: Fleet, clock: Clock) -> Self {
        let permission = current_permission();
        let remembered = local_storage()
            .and_then(|storage| storage.get_item(NOTIFY_KEY).ok().flatten())
            .is_some_and(|value| value == "1");
        let this = Self {
            enabled: RwSignal::new(remembered && permission == Permission::Granted),
            permission: RwSignal::new(permission),
        };
        let alerts = StoredValue::new(Alerts::default());
        let live = move || clock.is_live_untracked();
        fleet.on_transitions(move |transitions| {
            if !this.enabled.get_untracked() {
                return;
            }
            let now = crate::browser::now_ms();
            let due = alerts
                .try_update_value(|alerts| alerts.on_transitions(transitions, now, live()))
                .unwrap_or_default();
            show(&due);
        });
        let local_now = clock.local_now();
        Effect::new(move |_| {
            let now = local_now.get();
            if !this.enabled.get() {
                alerts.update_value(|alerts| *alerts = Alerts::default());
                return;
            }
            let due = alerts
                .try_update_value(|alerts| {
                    alerts.on_tick(now, live(), |name| fleet.status_untracked(name))
                })
                .unwrap_or_default();
            show(&due);
        });
        this
    }

    /// The notifications context of the current component tree.
    pub fn expect() -> Self {
        use_context::<Self>().expect("Notifications are provided at the root of the section")
    }

    /// The button was clicked: turn off, or ask for the permission (only now) and turn on.
    pub fn toggle(self) {
        if self.enabled.get_untracked() {
            self.remember(false);
            return;
        }
        spawn_local(async move {
            if let Ok(asked) = web_sys::Notification::request_permission() {
                let _ = wasm_bindgen_futures::JsFuture::from(asked).await;
            }
            if self.enabled.is_disposed() {
                return;
            }
            let permission = current_permission();
            self.permission.set(permission);
            self.remember(permission == Permission::Granted);
        });
    }

    fn remember(self, on: bool) {
        self.enabled.set(on);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(NOTIFY_KEY, if on { "1" } else { "0" });
        }
    }
}

/// The browser's permission, without touching an API that is not there.
fn current_permission() -> Permission {
    let supported = web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &"Notification".into()).unwrap_or(false)
    });
    if !supported {
        return Permission::Unsupported;
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => Permission::Granted,
        web_sys::NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Ask,
    }
}

fn show(alerts: &[Alert]) {
    for alert in alerts {
        let options = web_sys::NotificationOptions::new();
        options.set_body(&alert.body);
        options.set_tag(&format!("worker-status:{}", alert.worker_name));
        if let Err(error) = web_sys::Notification::new_with_options(&alert.title, &options) {
            leptos::logging::warn!(
                "worker status: a notification could not be shown: {}",
                crate::error::thrown_text(&error)
            );
        }
    }
}
