//! One worker as a compact row of a large fleet: status (icon and word), name, "Last seen", jobs
//! and errors, on one line of fixed height, with the same DOM hooks as a card.

use leptos::prelude::*;

use crate::components::worker_texts::WorkerTexts;

/// One compact row.
#[component]
pub fn CompactRow(name: String) -> impl IntoView {
    let Some((_, texts)) = WorkerTexts::lookup(&name) else {
        return ().into_any();
    };
    let WorkerTexts {
        status,
        icon,
        label,
        seen,
        iso,
        counts,
    } = texts;
    let display_name = name.clone();
    view! {
        <li class="wsm-row" data-worker=name data-status=status>
            <span class="wsm-status"><span aria-hidden="true">{icon}</span>" "{label}</span>
            <span class="wsm-name">{display_name}</span>
            <time class="wsm-seen" datetime=iso tabindex="0">{seen}</time>
            <span class="wsm-counts">{counts}</span>
        </li>
    }
    .into_any()
}
