//! The section root: title, summary, connection indicator, banners (undelivered alerts among them), the triage controls, and the
//! worker list (whole or in groups) or the empty / error / loading state. Carries the stable DOM
//! hooks of docs/architecture.md. The wall-screen view (`view="tv"`) drops the controls, shows
//! the workers on one screen (`WallBoard`) and the age of data that is not live.

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::connection_badge::ConnectionBadge;
use crate::components::empty_state::EmptyState;
use crate::components::error_panel::ErrorPanel;
use crate::components::keyed_names::KeyedNames;
use crate::components::shown_when::ShownWhen;
use crate::components::silent_fold::silent_fold;
use crate::components::stale_banner::{DataAge, stale_banner};
use crate::components::triage_bar::triage_bar;
use crate::components::undelivered_alerts::UndeliveredAlertsBanner;
use crate::components::wall_board::WallBoard;
use crate::components::worker_group::WorkerGroup;
use crate::components::worker_list::WorkerList;
use crate::lazy::deferred;
use crate::state::State;
use crate::state::loader::Panel;
use crate::triage::{Triage, VersionOutliers};

/// Whether the element that just got focus shows it (`:focus-visible`: focus by keyboard).
fn focus_is_visible(event: &web_sys::FocusEvent) -> bool {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| element.matches(":focus-visible").unwrap_or(false))
}

/// The whole Worker Status section.
#[component]
pub fn WorkerStatus() -> impl IntoView {
    let state = State::expect();
    let triage = Triage::expect();
    let shown = triage.shown(state);
    let groups = triage.groups(state, shown);
    provide_context(VersionOutliers(triage.version_outliers(state)));
    let grouped = move || triage.group_by.with(Option::is_some);
    let ungrouped = move || !grouped();
    let no_match = move || shown.with(Vec::is_empty);
    let tv = move || triage.tv.get();
    let controls = move || !triage.tv.get();
    let summary = state.loader.summary();
    let panel = state.loader.panel();
    let show_list = move || panel.get() == Panel::List;
    let show_empty = move || panel.get() == Panel::Empty;
    let show_error = move || panel.get() == Panel::Error;
    let show_loading = move || panel.get() == Panel::Loading;
    let skipped = state.loader.skipped_rows();
    let none_running = state.loader.none_running();
    let announcement = state.fleet.announcement();
    // The data is held (not live): a wall screen dims and outlines everything it shows.
    let held_since = state.clock.held_since();
    let has_workers = state.fleet.has_workers();
    let stale = move || held_since.with(Option::is_some) && has_workers.get();

    view! {
        <section class="wsm" class:wsm-tv=tv class:wsm-stale=stale data-testid="worker-status" aria-labelledby="wsm-title">
            <header class="wsm-header">
                <h2 id="wsm-title" class="wsm-title">"Worker Status"</h2>
                <span class="wsm-summary" data-testid="summary" aria-live="polite">{summary}</span>
                <ShownWhen when=tv>
                    <DataAge />
                </ShownWhen>
                <ConnectionBadge />
            </header>
            // Above everything else: the one fact that matters most when it is true.
            <ShownWhen when=move || none_running.get()>
                <p class="wsm-banner wsm-banner-none-running" data-testid="none-running" role="status">
                    "No worker is running."
                </p>
            </ShownWhen>
            {deferred(stale_banner)}
            <ShownWhen when=controls>
                <UndeliveredAlertsBanner />
            </ShownWhen>
            // Status changes, one sentence each, for screen readers; never the ticking clock.
            <p class="wsm-sr-only" aria-live="polite" data-testid="announcer">{announcement}</p>
            <ShownWhen when=move || !skipped.get().is_empty()>
                <p class="wsm-banner wsm-banner-warn" role="status">
                    {move || format!("{} row(s) could not be shown; see the browser console.", skipped.get().len())}
                </p>
            </ShownWhen>
            <ShownWhen when=show_loading>
                <p class="wsm-loading" role="status">"Loading workers…"</p>
            </ShownWhen>
            <ShownWhen when=show_empty>
                <EmptyState />
            </ShownWhen>
            <ShownWhen when=show_error>
                <ErrorPanel />
            </ShownWhen>
            <ShownWhen when=show_list>
                // Its room is kept from the first render on (`first_rows` draws it too): the rows
                // below do not move when the bar arrives.
                <ShownWhen when=controls>
                    <div class="wsm-triage-slot">
                        <div class="wsm-triage-room"></div>
                        {deferred(triage_bar)}
                    </div>
                </ShownWhen>
                <ShownWhen when=controls fallback=move || view! { <WallBoard shown=shown /> }>
                    // Places hold while the pointer or keyboard focus is in the list: nothing jumps
                    // under it. Focus left by a click does not hold them (a wall screen someone once
                    // clicked would never re-sort).
                    <div
                        class="wsm-workers"
                        on:pointerenter=move |_| triage.set_pointer_in_list(true)
                        on:pointerleave=move |_| triage.set_pointer_in_list(false)
                        on:focusin=move |event| triage.set_focus_in_list(focus_is_visible(&event))
                        on:focusout=move |_| triage.set_focus_in_list(false)
                    >
                        <ShownWhen when=no_match>
                            <p class="wsm-no-match" data-testid="no-match" role="status">
                                "No worker matches this view. "
                                <button type="button" class="wsm-fold-toggle" on:click=move |_| triage.clear()>
                                    "Show all workers"
                                </button>
                            </p>
                        </ShownWhen>
                        <ShownWhen when=ungrouped>
                            <WorkerList names=shown.into() />
                        </ShownWhen>
                        <ShownWhen when=grouped>
                            <KeyedNames
                                names=Signal::derive(move || groups.with(|groups| groups.iter().map(|group| group.value.clone()).collect()))
                                draw=Arc::new(move |value| view! { <WorkerGroup value=value groups=groups /> }.into_any())
                            />
                        </ShownWhen>
                    </div>
                </ShownWhen>
                {deferred(silent_fold)}
            </ShownWhen>
        </section>
    }
}
