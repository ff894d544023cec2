//! One worker: name, description, status (icon and word), "Last seen" ticking with the exact
//! local time on hover and focus, jobs and errors, the circuit-breaker badge, metadata.

use dashboard_core::relative_time::last_seen;
use dashboard_core::row::WorkerRow;
use dashboard_core::status::{Thresholds, status_of};
use leptos::prelude::*;

use crate::components::metadata_list::MetadataList;
use crate::store::Store;

/// One worker's card, following that worker's row and the clock. Every binding is a
/// type-erased `Signal`, so the many cards share one compiled copy of each binding.
#[component]
pub fn WorkerCard(name: String) -> impl IntoView {
    let store = Store::expect();
    let Some(row) = store.row(&name) else {
        return ().into_any();
    };
    let now = store.server_now();
    let thresholds = store.thresholds();
    let text = |read: fn(&WorkerRow, i64, Thresholds) -> String| {
        let row = row.clone();
        Signal::derive(move || row.with(|row| read(row, now.get(), thresholds)))
    };
    let status = text(|row, now, thresholds| status_of(row, now, thresholds).as_str().to_owned());
    let icon = text(|row, now, thresholds| status_of(row, now, thresholds).icon().to_owned());
    let label = text(|row, now, thresholds| status_of(row, now, thresholds).label().to_owned());
    let seen = text(|row, now, _| last_seen(row.last_heartbeat_ms, now));
    let exact = text(|row, _, _| {
        row.last_heartbeat_ms
            .map(local_time)
            .unwrap_or_else(|| "No heartbeat received yet".to_owned())
    });
    let iso = text(|row, _, _| row.last_heartbeat_ms.map(iso_time).unwrap_or_default());
    let counts =
        text(|row, _, _| format!("Jobs: {} | Errors: {}", row.jobs_processed, row.error_count));
    let description = text(|row, _, _| row.description.clone().unwrap_or_default());
    let has_description = Signal::derive({
        let row = row.clone();
        move || row.with(|row| row.description.is_some())
    });
    let breaker = Signal::derive({
        let row = row.clone();
        move || row.with(|row| row.circuit_breaker_open)
    });
    let metadata = Memo::new(move |_| row.with(|row| row.metadata.clone()));
    let display_name = name.clone();
    view! {
        <li class="wsm-card" data-worker=name data-status=status>
            <div class="wsm-card-head">
                <span class="wsm-name">{display_name}</span>
                <span class="wsm-status" data-testid="status">
                    <span aria-hidden="true">{icon}</span>" "{label}
                </span>
            </div>
            <Show when=move || has_description.get()>
                <p class="wsm-description">{description}</p>
            </Show>
            <Show when=move || breaker.get()>
                <p class="wsm-breaker" data-testid="breaker">"⚠️ Circuit Breaker Open"</p>
            </Show>
            <p class="wsm-seen">
                <time datetime=iso title=exact tabindex="0" data-exact=exact>{seen}</time>
            </p>
            <p class="wsm-counts" data-testid="counts">{counts}</p>
            {move || view! { <MetadataList metadata=metadata.get() /> }}
        </li>
    }
    .into_any()
}

fn local_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

fn iso_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.to_iso_string().as_string().unwrap_or_default()
}
