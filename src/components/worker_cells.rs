//! The workers of a list as cells, keyed by name so that a heartbeat updates a cell in place
//! (focus and hover survive) and only a change of place moves one: full cards, or compact rows.
//! One keyed list of each kind for every view that draws them (the list, its windowed rows,
//! the wall).

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::compact_row::CompactRow;
use crate::components::keyed_names::KeyedNames;
use crate::components::worker_card::WorkerCard;

/// `names` as full cards, in that order.
#[component]
pub fn CardCells(names: Signal<Vec<String>>) -> impl IntoView {
    view! { <KeyedNames names=names draw=Arc::new(|name| view! { <WorkerCard name=name /> }.into_any()) /> }
}

/// `names` as compact rows, in that order.
#[component]
pub fn RowCells(names: Signal<Vec<String>>) -> impl IntoView {
    view! { <KeyedNames names=names draw=Arc::new(|name| view! { <CompactRow name=name /> }.into_any()) /> }
}
