//! `KeyedNames`: a list keyed by name (a worker's, a group's, a metadata key's), drawn in the
//! order given, where a name that stays keeps its element (focus and hover survive) and only a
//! change of place moves it. Every keyed list of names in the section is this one component,
//! so the bundle holds one copy of Leptos's keyed-list code instead of one per list (each
//! `<For>` is generic over its closures: about 4 KiB of the section's module apiece, before
//! compression).

use std::sync::Arc;

use leptos::prelude::*;

/// What a keyed list draws for one name.
pub type DrawName = Arc<dyn Fn(String) -> AnyView + Send + Sync>;

/// `names`, each drawn by `draw`, keyed by the name.
#[component]
pub fn KeyedNames(names: Signal<Vec<String>>, draw: DrawName) -> impl IntoView {
    view! { <For each=move || names.get() key=|name: &String| name.clone() children=move |name| draw(name) /> }
}
