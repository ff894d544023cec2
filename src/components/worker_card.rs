//! One worker: name, description, status (icon and word), "Last seen" ticking (its exact local
//! time on hover and focus: `first_rows::show_exact_time`, for the whole section), jobs and
//! errors, the circuit-breaker badge, the 24-hour history strip with uptime, metadata, "version
//! differs", and its detail on request.
//!
//! The strip and the "Details" row are lazily loaded into slots that hold their height from the
//! first render on (and `first_rows` draws the same slots), so nothing moves when they arrive.

use leptos::prelude::*;

use crate::components::history_strip::history_strip;
use crate::components::metadata_list::MetadataList;
use crate::components::shown_when::ShownWhen;
use crate::components::worker_detail::worker_detail;
use crate::components::worker_texts::WorkerTexts;
use crate::lazy::{deferred, lazy_part};
use crate::memo::memo;
use crate::state::State;
use crate::triage::VersionOutliers;

/// One worker's card, following that worker's row and the clock. What the first rows need is
/// here; the history strip and the rest (`card_extras`) are lazily loaded parts.
#[component]
pub fn WorkerCard(name: String) -> impl IntoView {
    let Some((row, texts)) = WorkerTexts::lookup(&name) else {
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
    let description = Signal::derive({
        let row = row.clone();
        move || row.with(|row| row.description.clone().unwrap_or_default())
    });
    let has_description = Signal::derive({
        let row = row.clone();
        move || row.with(|row| row.description.is_some())
    });
    let breaker = Signal::derive({
        let row = row.clone();
        move || row.with(|row| row.circuit_breaker_open)
    });
    let metadata = memo(move |_| row.with(|row| row.metadata.clone()));
    let history = State::expect().history;
    let display_name = name.clone();
    let strip = deferred({
        let name = name.clone();
        move || history_strip(name.clone())
    });
    let extras = deferred({
        let name = name.clone();
        move || card_extras(name.clone())
    });
    view! {
        <li class="wsm-card" data-worker=name data-status=status>
            <div class="wsm-card-head">
                <span class="wsm-name">{display_name}</span>
                <span class="wsm-status" data-testid="status">
                    <span aria-hidden="true">{icon}</span>" "{label}
                </span>
            </div>
            <ShownWhen when=move || has_description.get()>
                <p class="wsm-description">{description}</p>
            </ShownWhen>
            <ShownWhen when=move || breaker.get()>
                <p class="wsm-breaker" data-testid="breaker">"⚠️ Circuit Breaker Open"</p>
            </ShownWhen>
            <p class="wsm-seen">
                <time datetime=iso tabindex="0">{seen}</time>
            </p>
            <p class="wsm-counts" data-testid="counts">{counts}</p>
            <div class="wsm-history-slot" class:wsm-history-none=move || history.table_unavailable()>
                {strip}
            </div>
            {move || view! { <MetadataList metadata=metadata.get() /> }}
            <div class="wsm-extras">{extras}</div>
        </li>
    }
    .into_any()
}

lazy_part! {
    module section;
    /// A card's "Details" row ("version differs" beside it) and the detail on request, loaded
    /// once the first rows are on screen.
    pub fn card_extras(name: String) -> AnyView {
        view! { <CardExtras name=name /> }.into_any()
    }
}

/// The worker whose card was clicked before the section was in (`first_rows_live`): its
/// details open when its "Details" toggle appears, once. Provided at the section's root.
#[derive(Clone, Copy)]
pub struct OpenOnArrival(StoredValue<Option<String>>);

impl OpenOnArrival {
    /// `name`'s details open on arrival (none for `None`).
    pub fn new(name: Option<String>) -> Self {
        Self(StoredValue::new(name))
    }

    /// Whether `name`'s details are to open now (then no longer).
    fn take(self, name: &str) -> bool {
        self.0
            .try_update_value(|queued| {
                let this = queued.as_deref() == Some(name);
                if this {
                    *queued = None;
                }
                this
            })
            .unwrap_or(false)
    }
}

/// The "Details" toggle with "version differs" beside it, and the detail on request.
#[component]
fn CardExtras(name: String) -> impl IntoView {
    let version_differs = {
        let outliers = use_context::<VersionOutliers>();
        let name = name.clone();
        move || {
            outliers.is_some_and(|VersionOutliers(outliers)| {
                outliers.with(|names| names.binary_search(&name).is_ok())
            })
        }
    };
    let clicked_early = use_context::<OpenOnArrival>().is_some_and(|queued| queued.take(&name));
    let open = RwSignal::new(clicked_early);
    view! {
        <div class="wsm-actions">
            <button
                type="button"
                class="wsm-fold-toggle wsm-open"
                data-testid="open-detail"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || if open.get() { "Hide details" } else { "Details" }}
            </button>
            <ShownWhen when=version_differs>
                <p class="wsm-version-differs" data-testid="version-differs">"Version differs from the rest of its group"</p>
            </ShownWhen>
        </div>
        <ShownWhen when=move || open.get()>
            {deferred({
                let name = name.clone();
                move || worker_detail(name.clone())
            })}
        </ShownWhen>
    }
    .into_any()
}
