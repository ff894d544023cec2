//! A banner when alerts are not getting through: some could not be delivered, or an alert route
//! is failing (`crate::alert_health`). Nothing while they are, or where the database has no
//! alerts.

use leptos::prelude::*;

use crate::alert_health::UndeliveredAlerts;

/// The banner (nothing while alerts are delivered).
#[component]
pub fn UndeliveredAlertsBanner() -> impl IntoView {
    let text = use_context::<UndeliveredAlerts>().map(|UndeliveredAlerts(health)| {
        Signal::derive(move || health.get().and_then(|h| h.notice()))
    });
    let text = text.unwrap_or_else(|| Signal::derive(|| None));
    view! {
        <Show when=move || text.with(Option::is_some)>
            <p class="wsm-banner wsm-banner-warn" data-testid="undelivered-alerts" role="status">{text}</p>
        </Show>
    }
}
