//! A banner while the data is held: the live connection is down (or its first snapshot has not
//! landed), so the list, its statuses and "Last seen" are shown as of the last moment they were
//! known, at that stated time. No worker turns Late or Stopped because *we* lost contact. The
//! wall-screen view says the same in its header, short enough to read across the room
//! (`DataAge`).

use leptos::prelude::*;

use crate::components::shown_when::ShownWhen;
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
                "Live updates paused: showing the state as of {}. Statuses are held at that \
                 moment until the connection is back; reconnecting automatically.",
                as_of(at, now.get())
            )
        })
    };
    view! {
        <ShownWhen when=move || held_since.get().is_some() && has_workers.get()>
            <p class="wsm-banner" data-testid="stale-banner" role="status">{text}</p>
        </ShownWhen>
    }
}

/// The wall screen's header note while the data is held: "Not live: data as of 10:32:27 AM
/// (3 minutes ago)". Nothing while current.
#[component]
pub fn DataAge() -> impl IntoView {
    let state = State::expect();
    let held_since = state.clock.held_since();
    let now = state.clock.local_now();
    let text = move || {
        held_since
            .get()
            .map(|at| format!("Not live: data as of {}", as_of(at, now.get())))
    };
    view! {
        <ShownWhen when=move || held_since.with(Option::is_some)>
            <span class="wsm-data-age" data-testid="data-age">{text}</span>
        </ShownWhen>
    }
}

/// "10:32:27 AM (3 minutes ago)".
fn as_of(at: i64, now: i64) -> String {
    format!(
        "{} ({})",
        local_clock_time(at),
        dashboard_core::view::relative_time::ago(now - at)
    )
}
