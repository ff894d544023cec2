//! The section root: title, summary, connection indicator, banners, and the worker list or the
//! empty / error / loading state. Carries the stable DOM hooks of ARCHITECTURE.md.

use leptos::prelude::*;

use crate::components::connection_badge::ConnectionBadge;
use crate::components::empty_state::EmptyState;
use crate::components::error_panel::ErrorPanel;
use crate::components::silent_fold::SilentFold;
use crate::components::stale_banner::StaleBanner;
use crate::components::windowed_list::WindowedList;
use crate::components::worker_card::WorkerCard;
use crate::store::{Panel, Store};

/// The whole Worker Status section.
#[component]
pub fn WorkerStatus() -> impl IntoView {
    let store = Store::expect();
    let (cards, rest) = store.split_list();
    let summary = store.summary();
    let panel = store.panel();
    let show_list = move || panel.get() == Panel::List;
    let show_empty = move || panel.get() == Panel::Empty;
    let show_error = move || panel.get() == Panel::Error;
    let show_loading = move || panel.get() == Panel::Loading;
    let skipped = store.skipped_rows();
    let none_running = store.none_running();
    let announcement = store.announcement();

    view! {
        <section class="wsm" data-testid="worker-status" aria-labelledby="wsm-title">
            <header class="wsm-header">
                <h2 id="wsm-title" class="wsm-title">"Worker Status"</h2>
                <span class="wsm-summary" data-testid="summary" aria-live="polite">{summary}</span>
                <ConnectionBadge />
            </header>
            // Above everything else: the one fact that matters most when it is true.
            <Show when=move || none_running.get()>
                <p class="wsm-banner wsm-banner-none-running" data-testid="none-running" role="status">
                    "No worker is running."
                </p>
            </Show>
            <StaleBanner />
            // Status changes, one sentence each, for screen readers; never the ticking clock.
            <p class="wsm-sr-only" aria-live="polite" data-testid="announcer">{announcement}</p>
            <Show when=move || !skipped.get().is_empty()>
                <p class="wsm-banner wsm-banner-warn" role="status">
                    {move || format!("{} row(s) could not be shown; see the browser console.", skipped.get().len())}
                </p>
            </Show>
            <Show when=show_loading>
                <p class="wsm-loading" role="status">"Loading workers…"</p>
            </Show>
            <Show when=show_empty>
                <EmptyState />
            </Show>
            <Show when=show_error>
                <ErrorPanel />
            </Show>
            <Show when=show_list>
                <ul class="wsm-list" data-testid="worker-list">
                    // Keyed by name: a heartbeat updates its card in place (focus and hover
                    // survive); only a change of place moves a card.
                    <For
                        each=move || cards.get()
                        key=|name| name.clone()
                        children=move |name| view! { <WorkerCard name=name /> }
                    />
                </ul>
                <Show when=move || !rest.with(Vec::is_empty)>
                    <WindowedList names=rest />
                </Show>
                <SilentFold />
            </Show>
        </section>
    }
}
