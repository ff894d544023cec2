//! What an empty table looks like: say so, and say how to fill it.

use leptos::prelude::*;

/// The empty state.
#[component]
pub fn EmptyState() -> impl IntoView {
    view! {
        <div class="wsm-empty" data-testid="empty-state">
            <p class="wsm-empty-title">"No workers have reported yet"</p>
            <p>"Workers appear here after their first heartbeat. Start a worker that uses the heartbeat module (workers/heartbeat) with this project's URL and service key."</p>
        </div>
    }
}
