//! The section root: title, summary, connection indicator, banners, and the worker list or the
//! empty / error / loading state. Carries the stable DOM hooks of ARCHITECTURE.md.

use leptos::prelude::*;

use crate::components::connection_badge::ConnectionBadge;
use crate::components::empty_state::EmptyState;
use crate::components::error_panel::ErrorPanel;
use crate::components::stale_banner::StaleBanner;
use crate::components::windowed_list::WindowedList;
use crate::components::worker_card::WorkerCard;
use crate::store::{LoadState, Store};
use dashboard_core::window::full_cards;

/// The whole Worker Status section.
#[component]
pub fn WorkerStatus() -> impl IntoView {
    let store = Store::expect();
    let order = store.order();
    // Small fleets are all cards; a large one shows the first cards (problems first) and the
    // rest as compact rows, rendered only where they are on screen.
    let split = Memo::new(move |_| full_cards(order.with(Vec::len)));
    let cards =
        Signal::derive(move || order.with(|names| names[..split.get().min(names.len())].to_vec()));
    let rest =
        Signal::derive(move || order.with(|names| names[split.get().min(names.len())..].to_vec()));
    let summary = store.summary();
    let load = store.load();
    let has_workers = store.has_workers();
    let show_list = move || has_workers.get();
    let show_empty = move || !has_workers.get() && load.get() == LoadState::Loaded;
    let show_error = move || {
        !has_workers.get()
            && matches!(
                load.get(),
                LoadState::Failed(_) | LoadState::Misconfigured(_)
            )
    };
    let show_loading = move || !has_workers.get() && load.get() == LoadState::Loading;
    let skipped = store.skipped_rows();

    view! {
        <section class="wsm" data-testid="worker-status" aria-labelledby="wsm-title">
            <header class="wsm-header">
                <h2 id="wsm-title" class="wsm-title">"Worker Status"</h2>
                <span class="wsm-summary" data-testid="summary" aria-live="polite">{summary}</span>
                <ConnectionBadge />
            </header>
            <StaleBanner />
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
            </Show>
        </section>
    }
}
