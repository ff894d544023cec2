//! A banner while the data may be stale: the live connection is down, so what is shown is as of
//! the moment it was lost (statuses still age with the clock).

use leptos::prelude::*;

use crate::store::Store;

/// The banner (nothing while live).
#[component]
pub fn StaleBanner() -> impl IntoView {
    let store = Store::expect();
    let lost_at = store.lost_live_at();
    let now = store.local_now();
    let has_workers = store.has_workers();
    let text = move || {
        lost_at.get().map(|at| {
            format!(
                "Live updates paused {}: the list may be out of date. Reconnecting automatically.",
                dashboard_core::relative_time::ago(now.get() - at)
            )
        })
    };
    view! {
        <Show when=move || lost_at.get().is_some() && has_workers.get()>
            <p class="wsm-banner" data-testid="stale-banner" role="status">{text}</p>
        </Show>
    }
}
