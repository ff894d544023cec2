//! A banner when alerts are not getting through: some could not be delivered, or an alert route
//! is failing (`crate::alert_health`). Nothing while they are, or where the database has no
//! alerts.

use leptos::prelude::*;

use crate::alert_health::UndeliveredAlerts;

/// The banner (nothing while alerts are delivered).
#[component]
pub fn UndeliveredAlertsBanner() -> impl IntoView {
    let health = use_context::<UndeliveredAlerts>();
    move || {
        let text = health.and_then(|UndeliveredAlerts(health)| health.get()?.notice())?;
        Some(
            view! { <p class="wsm-banner wsm-banner-warn" data-testid="undelivered-alerts" role="status">{text}</p> },
        )
    }
}
