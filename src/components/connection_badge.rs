//! The live-connection indicator: connecting, live, reconnecting in N s, offline, in the words of
//! `dashboard_core::view::connection_text`.

use dashboard_core::view::connection_text;
use leptos::prelude::*;

use crate::state::State;

/// The indicator.
#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let state = State::expect();
    let connection = state.clock.connection();
    let now = state.clock.local_now();
    let text = move || connection_text::label(&connection.get(), now.get());
    let title = move || connection_text::title(&connection.get());
    view! {
        <span class="wsm-connection" data-testid="connection" data-state=move || connection.get().as_str() title=title role="status">
            {text}
        </span>
    }
}
