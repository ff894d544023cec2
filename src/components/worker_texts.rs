//! The words a worker's card and its compact row show, as signals over that worker's row and
//! the clock: one place for both, and type-erased so every card shares one compiled copy.

use dashboard_core::rules::status::{Status, Thresholds, status_of};
use dashboard_core::view::relative_time::last_seen;
use dashboard_core::wire::row::WorkerRow;
use leptos::prelude::*;

use crate::memo::memo;
use crate::state::State;

/// Text of one worker, ticking with the clock.
#[derive(Clone, Copy)]
pub struct WorkerTexts {
    /// `running|late|stopped|crashed|unknown` (the `data-status` hook).
    pub status: Signal<String>,
    /// ✅ ⏳ ⏹️ 💥 ❔
    pub icon: Signal<String>,
    /// Running, Late, …
    pub label: Signal<String>,
    /// "Last seen: 15 seconds ago".
    pub seen: Signal<String>,
    /// The same instant as ISO 8601 (`datetime`).
    pub iso: Signal<String>,
    /// "Jobs: 142 | Errors: 0".
    pub counts: Signal<String>,
}

impl WorkerTexts {
    /// The row of the worker `name` in the current section, with its texts (`None` if it is
    /// gone, e.g. deleted between the order and the render).
    pub fn lookup(name: &str) -> Option<(ArcRwSignal<WorkerRow>, Self)> {
        let state = State::expect();
        let row = state.fleet.row(name)?;
        let texts = Self::of(&row, state);
        Some((row, texts))
    }

    /// The texts of `row`.
    pub fn of(row: &ArcRwSignal<WorkerRow>, state: State) -> Self {
        let now = state.clock.server_now();
        let thresholds = state.fleet.thresholds();
        let text = |read: fn(&WorkerRow, i64, Thresholds) -> String| {
            let row = row.clone();
            Signal::derive(move || row.with(|row| read(row, now.get(), thresholds)))
        };
        // One status evaluation per tick; its words change only when it does.
        let current = {
            let row = row.clone();
            memo(move |_| row.with(|row| status_of(row, now.get(), thresholds)))
        };
        let word = |read: fn(Status) -> &'static str| {
            Signal::derive(move || read(current.get()).to_owned())
        };
        Self {
            status: word(Status::as_str),
            icon: word(Status::icon),
            label: word(Status::label),
            seen: text(|row, now, _| last_seen(row.last_heartbeat_ms, now)),
            iso: text(|row, _, _| iso_last_heartbeat(row)),
            counts: text(|row, _, _| counts_text(row)),
        }
    }
}

/// The exact local time of a last heartbeat at `ms`, or that there was none.
pub fn exact_time(ms: Option<i64>) -> String {
    ms.map(local_time)
        .unwrap_or_else(|| "No heartbeat received yet".to_owned())
}

/// The last heartbeat as ISO 8601 (the `datetime` of "Last seen"), empty without one.
pub fn iso_last_heartbeat(row: &WorkerRow) -> String {
    row.last_heartbeat_ms.map(iso_time).unwrap_or_default()
}

/// "Jobs: 142 | Errors: 0".
pub fn counts_text(row: &WorkerRow) -> String {
    format!("Jobs: {} | Errors: {}", row.jobs_processed, row.error_count)
}

/// A browser-time instant in the reader's locale.
pub fn local_time(ms: i64) -> String {
    String::from(js_date(ms).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// A browser-time instant's time of day in the reader's locale (10:32:27 AM).
pub fn local_clock_time(ms: i64) -> String {
    String::from(js_date(ms).to_locale_time_string("default"))
}

fn iso_time(ms: i64) -> String {
    js_date(ms).to_iso_string().as_string().unwrap_or_default()
}

fn js_date(ms: i64) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
}
