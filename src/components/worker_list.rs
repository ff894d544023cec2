//! A list of workers: the first ones as full cards (problems first), the rest of a large list as
//! windowed compact rows (`dashboard_core::view::window`). Used for the whole list and for each group.

use dashboard_core::view::window::full_cards;
use leptos::prelude::*;

use crate::components::shown_when::ShownWhen;
use crate::components::windowed_list::WindowedList;
use crate::components::worker_cells::CardCells;
use crate::memo::memo;

/// The workers `names`, in that order; the first `cards` as full cards (by default as
/// `window::full_cards` says for a list of that length).
#[component]
pub fn WorkerList(
    names: Signal<Vec<String>>,
    #[prop(optional)] cards: Option<Signal<usize>>,
) -> impl IntoView {
    let split = memo(move |_| match cards {
        Some(cards) => cards.get(),
        None => full_cards(names.with(Vec::len)),
    });
    let cards =
        Signal::derive(move || names.with(|names| names[..split.get().min(names.len())].to_vec()));
    let rest =
        Signal::derive(move || names.with(|names| names[split.get().min(names.len())..].to_vec()));
    view! {
        <ul class="wsm-list" data-testid="worker-list">
            <CardCells names=cards />
        </ul>
        <ShownWhen when=move || !rest.with(Vec::is_empty)>
            <WindowedList names=rest />
        </ShownWhen>
    }
}
