//! The line under the list about workers silent for more than 7 days: "3 hidden: silent for more
//! than 7 days. Show", or, once shown, a button to fold them again. Nothing when there are none.

use leptos::prelude::*;

use crate::components::shown_when::ShownWhen;
use crate::lazy::lazy_part;
use crate::state::State;

lazy_part! {
    module section;
    /// The fold line, loaded once the first rows are on screen.
    pub fn silent_fold() -> AnyView {
        view! { <SilentFold /> }.into_any()
    }
}

/// The fold line.
#[component]
pub fn SilentFold() -> impl IntoView {
    let state = State::expect();
    let count = state.fold.silent_count();
    let shown = state.fold.shows_silent();
    let text = move || {
        let count = count.get();
        let workers = if count == 1 { "worker" } else { "workers" };
        if shown.get() {
            format!("Showing {count} {workers} silent for more than 7 days.")
        } else {
            format!("{count} hidden: silent for more than 7 days.")
        }
    };
    let any = move || count.get() != 0;
    view! {
        <ShownWhen when=any>
            <p class="wsm-fold" data-testid="silent-fold">
                {text} " "
                <button type="button" class="wsm-fold-toggle" on:click=move |_| state.fold.set_show_silent(!shown.get_untracked())>
                    {move || if shown.get() { "Hide them" } else { "Show them" }}
                </button>
            </p>
        </ShownWhen>
    }
}
