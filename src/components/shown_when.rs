//! `ShownWhen`: Leptos's `<Show>` for the section: its children while `when` holds, else its
//! fallback (nothing by default), re-drawn only when `when` flips. Every conditional part of the
//! section is this one component, so the bundle holds one copy of the code that switches, instead
//! of one per condition (`<Show>` is generic over its condition and its children).

use leptos::prelude::*;

use crate::memo::memo;

/// `children` while `when` holds, `fallback` otherwise.
#[component]
pub fn ShownWhen(
    #[prop(into)] when: Signal<bool>,
    children: ChildrenFn,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    let when = memo(move |_| when.get());
    move || {
        if when.get() {
            children()
        } else {
            fallback.run()
        }
    }
}
