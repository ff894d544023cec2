//! One worker: name, description, status (icon and word), "Last seen" ticking with the exact
//! local time on hover and focus, jobs and errors, the circuit-breaker badge, metadata.

use dashboard_core::relative_time::last_seen;
use dashboard_core::row::WorkerRow;
use dashboard_core::status::Status;
use leptos::prelude::*;

use crate::components::metadata_list::MetadataList;
use crate::store::Store;

/// One worker's card.
#[component]
pub fn WorkerCard(row: WorkerRow, status: Status) -> impl IntoView {
    let store = Store::expect();
    let now = store.server_now();
    let heartbeat = row.last_heartbeat_ms;
    let seen = move || last_seen(heartbeat, now.get());
    let exact = heartbeat
        .map(local_time)
        .unwrap_or_else(|| "No heartbeat received yet".to_owned());
    let iso = heartbeat.map(iso_time).unwrap_or_default();
    view! {
        <li class="wsm-card" data-worker=row.worker_name data-status=status.as_str()>
            <div class="wsm-card-head">
                <span class="wsm-name">{row.worker_name.clone()}</span>
                <span class="wsm-status" data-testid="status">
                    <span aria-hidden="true">{status.icon()}</span>" "{status.label()}
                </span>
            </div>
            {row.description.clone().map(|description| view! { <p class="wsm-description">{description}</p> })}
            {row.circuit_breaker_open.then(|| view! { <p class="wsm-breaker" data-testid="breaker">"⚠️ Circuit Breaker Open"</p> })}
            <p class="wsm-seen">
                <time datetime=iso title=exact.clone() tabindex="0" data-exact=exact>{seen}</time>
            </p>
            <p class="wsm-counts" data-testid="counts">{format!("Jobs: {} | Errors: {}", row.jobs_processed, row.error_count)}</p>
            <MetadataList metadata=row.metadata.clone() />
        </li>
    }
}

fn local_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

fn iso_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.to_iso_string().as_string().unwrap_or_default()
}
