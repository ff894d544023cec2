//! The load error: what went wrong in plain words, what to do, and a retry button. A connection
//! the page's Content-Security-Policy refused says so, with the origins to allow.

use leptos::prelude::*;

use crate::components::shown_when::ShownWhen;
use crate::error::ApiError;
use crate::state::State;
use crate::state::loader::LoadState;

/// The error panel (shown when nothing could be loaded).
#[component]
pub fn ErrorPanel() -> impl IntoView {
    let state = State::expect();
    let load = state.loader.load();
    let refreshing = state.loader.is_refreshing();
    // A refused connection fails as any network error does; the page's policy said why.
    let refused = state.loader.refused_by_policy();
    let blocked = move || {
        refused.with(Option::is_some)
            && load.with(|load| {
                matches!(
                    load,
                    LoadState::Failed(ApiError::Network(_) | ApiError::Timeout(_))
                )
            })
    };
    let headline = move || match load.get() {
        LoadState::Failed(_) if blocked() => {
            "This page's security policy blocks the status service".to_owned()
        }
        LoadState::Failed(error) => error.headline().to_owned(),
        LoadState::Misconfigured(_) => "The Worker Status section is not configured".to_owned(),
        _ => String::new(),
    };
    let advice = move || match load.get() {
        LoadState::Failed(_) if blocked() => refused.get().unwrap_or_default(),
        LoadState::Failed(error) => error.advice().to_owned(),
        LoadState::Misconfigured(problem) => problem,
        _ => String::new(),
    };
    let detail = move || match load.get() {
        LoadState::Failed(error) => error.to_string(),
        _ => String::new(),
    };
    let can_retry = move || matches!(load.get(), LoadState::Failed(_));
    view! {
        <div class="wsm-error" data-testid="error-panel" role="alert">
            <p class="wsm-error-title">{headline}</p>
            <p>{advice}</p>
            <p class="wsm-error-detail">{detail}</p>
            <ShownWhen when=can_retry>
                <button type="button" class="wsm-retry" data-testid="retry" disabled=move || refreshing.get() on:click=move |_| state.loader.refresh()>
                    {move || if refreshing.get() { "Retrying…" } else { "Retry now" }}
                </button>
            </ShownWhen>
        </div>
    }
}
