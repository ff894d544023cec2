//! The wall-screen view's board (`view="tv"`): the workers of the view on one screen that never
//! scrolls, as cards, tiles, or problems with the healthy counted, by the density
//! `dashboard_core::view::wall` chooses for the fleet and the room the board has. The room is
//! measured again whenever the board changes size; the observer ends when the section unmounts.

use dashboard_core::view::wall::{self, Count, Grid};
use leptos::prelude::*;

use crate::memo::memo;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::components::worker_cells::{CardCells, RowCells};
use crate::lifetime;
use crate::state::State;
use crate::triage::Triage;

/// The room the board has: width and height, and the readable text size of the screen, px.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Room {
    width: u32,
    height: u32,
    readable_px: u32,
}

/// The board of the workers `shown` (in display order).
#[component]
pub fn WallBoard(shown: Memo<Vec<String>>) -> impl IntoView {
    let state = State::expect();
    let triage = Triage::expect();
    let board = NodeRef::<leptos::html::Div>::new();
    let room = RwSignal::new(Room::default());
    let measure = move || {
        let (Some(board), Some(window)) = (board.get_untracked(), web_sys::window()) else {
            return;
        };
        let screen = |size: Result<wasm_bindgen::JsValue, _>| {
            size.ok().and_then(|size| size.as_f64()).unwrap_or(0.0) as u32
        };
        let size = board.get_bounding_client_rect();
        let measured = Room {
            width: size.width() as u32,
            height: size.height() as u32,
            readable_px: wall::readable_px(
                screen(window.inner_width()),
                screen(window.inner_height()),
            ),
        };
        if room.get_untracked() != measured {
            room.set(measured);
        }
    };
    Effect::new(move |observing: Option<bool>| {
        if observing == Some(true) {
            return true;
        }
        let Some(element) = board.get() else {
            return false;
        };
        crate::wall_styles::adopt(&element);
        observe_size(&element, measure);
        measure();
        true
    });
    let group_by = triage.group_by;
    let problem_cells = memo(move |_| {
        let group_by = group_by.get();
        shown.with(|names| {
            state.fleet.with_workers_standing(|workers| {
                wall::problem_cells(
                    names,
                    workers,
                    |name| state.fleet.status_untracked(name),
                    group_by.as_deref(),
                )
            })
        })
    });
    let grid = memo(move |_| {
        let room = room.get();
        wall::grid(
            room.width,
            room.height,
            room.readable_px,
            shown.with(Vec::len),
            problem_cells.get(),
        )
    });
    let cells = memo(move |_| {
        let grid = grid.get();
        let group_by = group_by.get();
        shown.with(|names| {
            state.fleet.with_workers_standing(|workers| {
                wall::cells(
                    &grid,
                    names,
                    workers,
                    |name| state.fleet.status_untracked(name),
                    group_by.as_deref(),
                )
            })
        })
    });
    let density = memo(move |_| grid.with(|grid| grid.density));
    let cards = memo(move |_| grid.with(|grid| grid.cards));
    let workers = memo(move |_| cells.with(|cells| cells.workers.clone()));
    // Through the CSSOM (`style:`), which a host's CSP without 'unsafe-inline' allows; whole
    // pixels, so no float is formatted.
    let px = |read: fn(&Grid) -> u32| move || format!("{}px", grid.with(read));
    let columns = move || {
        format!(
            "repeat({},minmax(0,1fr))",
            grid.with(|grid| grid.columns.max(1))
        )
    };
    let worker_cells = move || {
        if cards.get() {
            view! { <CardCells names=workers.into() /> }.into_any()
        } else {
            view! { <RowCells names=workers.into() /> }.into_any()
        }
    };
    view! {
        <div class="wsm-wall" node_ref=board data-testid="wall" data-density=move || density.get().as_str()>
            <ul
                class="wsm-wall-grid"
                data-testid="worker-list"
                style:font-size=px(|grid| grid.font_px)
                style:grid-template-columns=columns
                style:grid-auto-rows=px(|grid| grid.cell_px)
                style:gap=px(|grid| grid.gap_px)
            >
                {worker_cells}
                {move || cells.with(|cells| cells.counts.clone()).into_iter().map(count_cell).collect_view()}
            </ul>
        </div>
    }
}

/// A cell that counts workers instead of showing them.
fn count_cell(cell: Count) -> impl IntoView {
    let (testid, title, detail) = match cell {
        Count::MoreProblems(count) => (
            "more-problems",
            format!("+{count} problem{}", plural(count)),
            "the oldest, not shown".to_owned(),
        ),
        Count::Healthy {
            group,
            running,
            unknown,
        } => (
            "wall-healthy",
            group.unwrap_or_else(|| "Healthy".to_owned()),
            healthy_words(running, unknown),
        ),
        Count::MoreGroups {
            groups,
            running,
            unknown,
        } => (
            "wall-healthy",
            format!("{groups} more group{}", plural(groups)),
            healthy_words(running, unknown),
        ),
    };
    view! {
        <li class="wsm-wall-count" data-testid=testid>
            <span class="wsm-name">{title}</span>
            <span class="wsm-wall-count-detail">{detail}</span>
        </li>
    }
}

/// "412 running", "412 running, 3 unknown".
fn healthy_words(running: usize, unknown: usize) -> String {
    if unknown == 0 {
        format!("{running} running")
    } else {
        format!("{running} running, {unknown} unknown")
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Calls `on_resize` whenever `element` changes size, until the section unmounts.
fn observe_size(element: &web_sys::HtmlDivElement, on_resize: impl Fn() + 'static) {
    let callback = Closure::<dyn FnMut()>::new(on_resize);
    let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    observer.observe(element);
    lifetime::on_unmount(move || {
        observer.disconnect();
        drop(callback);
    });
}
