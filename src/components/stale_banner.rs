//! A banner while the data is held: the live connection is down (or its first snapshot has not
//! landed), so the list, its statuses and "Last seen" are shown as of the last moment they were
//! known, at that stated time. No worker turns Late or Stopped because *we* lost contact.

use leptos::prelude::*;

use crate::components::worker_texts::local_clock_time;
use crate::lazy::lazy_part;
use crate::state::State;

lazy_part! {
    module section;
    /// The banner, loaded once the first rows are on screen (it has nothing to say before).
    pub fn stale_banner() -> AnyView {
        view! { <StaleBanner /> }.into_any()
    }
}

/// The banner (nothing while current).
#[component]
pub fn StaleBanner() -> impl IntoView {
    let state = State::expect();
    let held_since = state.clock.held_since();
    let now = state.clock.local_now();
    let has_workers = state.fleet.has_workers();
    let text = move || {
        held_since.get().map(|at| {
            format!(
                "Live updates paused: showing the state as of {} ({}). Statuses are held at that \
                 moment until the connection is back; reconnecting automatically.",
                local_clock_time(at),
                dashboard_core::view::relative_time::ago(now.get() - at)
            )
        })
    };
    view! {
        <Show when=move || held_since.get().is_some() && has_workers.get()>
            <p class="wsm-banner" data-testid="stale-banner" role="status">{text}</p>
        </Show>
    }
}
