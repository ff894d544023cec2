//! The compact rows of a large fleet, rendered only where they are on screen
//! (`dashboard_core::view::window`): a spacer as tall as every row, and inside it the visible rows
//! moved into place. It follows scrolling of the page or of any scrolling ancestor, and resizes;
//! its listeners end when the section unmounts.

use dashboard_core::view::window::visible_rows;
use leptos::prelude::*;

use crate::memo::memo;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::components::worker_cells::RowCells;
use crate::lifetime;

/// A row's height until one has been measured, in px.
const DEFAULT_ROW_PX: f64 = 40.0;

/// The windowed list of `names`.
#[component]
pub fn WindowedList(names: Signal<Vec<String>>) -> impl IntoView {
    let spacer = NodeRef::<leptos::html::Div>::new();
    let window_rows = RwSignal::new((0usize, 0usize));
    let row_px = RwSignal::new(DEFAULT_ROW_PX);
    let measure = move || {
        let (Some(spacer), Some(window)) = (spacer.get_untracked(), web_sys::window()) else {
            return;
        };
        if let Some(first) = spacer.query_selector(".wsm-row").ok().flatten() {
            let height = first.get_bounding_client_rect().height();
            if height > 0.0 && (height - row_px.get_untracked()).abs() > 0.5 {
                row_px.set(height);
            }
        }
        let viewport = window
            .inner_height()
            .ok()
            .and_then(|height| height.as_f64())
            .unwrap_or(800.0);
        let count = names.with_untracked(Vec::len);
        let rows = visible_rows(
            count,
            row_px.get_untracked(),
            spacer.get_bounding_client_rect().top(),
            viewport,
        );
        if window_rows.get_untracked() != (rows.start, rows.end) {
            window_rows.set((rows.start, rows.end));
        }
    };
    // Scrolling anywhere (scroll events do not bubble, so listen in the capture phase) and resizing.
    if let Some(window) = web_sys::window() {
        let options = web_sys::AddEventListenerOptions::new();
        options.set_capture(true);
        options.set_passive(true);
        for (target, event) in [
            (
                window.clone().unchecked_into::<web_sys::EventTarget>(),
                "resize",
            ),
            (window.unchecked_into::<web_sys::EventTarget>(), "scroll"),
        ] {
            let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| measure());
            lifetime::listen_until_unmount(target, event, &options, callback);
        }
    }
    // Whenever the list itself changes (and once mounted).
    Effect::new(move |_| {
        names.track();
        row_px.track();
        measure();
    });
    let visible = memo(move |_| {
        let (start, end) = window_rows.get();
        names.with(|names| names[start.min(names.len())..end.min(names.len())].to_vec())
    });
    // Whole pixels: formatting a float would pull float formatting into the bundle.
    let px = move |rows: usize| (rows as f64 * row_px.get()).round() as i64;
    let height = move || format!("{}px", px(names.with(Vec::len)));
    let offset = move || format!("translateY({}px)", px(window_rows.get().0));
    view! {
        <div class="wsm-window" node_ref=spacer style:height=height>
            <ul class="wsm-rows" data-testid="compact-list" style:transform=offset>
                <RowCells names=visible.into() />
            </ul>
        </div>
    }
}
