//! The controls above the list: status chips with live counts, the search box (`/` focuses it,
//! Escape clears it), the group picker and the notifications switch. The wall-screen view has
//! none of them.

use std::sync::Arc;

use dashboard_core::view::grouping;
use dashboard_core::view::triage::StatusFilter;
use leptos::prelude::*;

use crate::components::keyed_names::KeyedNames;
use crate::lazy::lazy_part;
use crate::memo::memo;
use crate::notifications::{Notifications, Permission};
use crate::state::State;
use crate::triage::Triage;

lazy_part! {
    module section;
    /// The triage controls, loaded once the first rows are on screen.
    pub fn triage_bar() -> AnyView {
        view! { <TriageBar /> }.into_any()
    }
}

/// The triage controls.
#[component]
pub fn TriageBar() -> impl IntoView {
    let state = State::expect();
    let triage = Triage::expect();
    let counts = state.fleet.counts();
    let chips = StatusFilter::CHIPS.map(|chip| {
        let pressed = move || triage.filter.get() == chip;
        let count = move || chip.count(&counts.get());
        view! {
            <button
                type="button"
                class="wsm-chip"
                data-filter=chip.as_str()
                aria-pressed=move || if pressed() { "true" } else { "false" }
                on:click=move |_| triage.filter.set(chip)
            >
                {chip.label()}" "<span class="wsm-chip-count">{count}</span>
            </button>
        }
    });
    // Keys change with membership, not with every heartbeat.
    let order = state.fleet.order();
    let keys = memo(move |_| {
        order.track();
        let mut keys = state.fleet.peek_workers(grouping::keys);
        if let Some(chosen) = triage.group_by.get()
            && !keys.contains(&chosen)
        {
            keys.insert(0, chosen);
        }
        keys
    });
    let chosen = move || triage.group_by.get().unwrap_or_default();
    let notifications = Notifications::expect();
    let notify_label = move || match (notifications.permission.get(), notifications.enabled.get()) {
        (Permission::Unsupported, _) => "Notifications unavailable",
        (Permission::Denied, _) => "Notifications blocked",
        (_, true) => "Notifications on",
        (_, false) => "Notify me",
    };
    let notify_title = move || match notifications.permission.get() {
        Permission::Unsupported => "This browser cannot show notifications here.",
        Permission::Denied => {
            "Notifications are blocked for this site; allow them in the browser's site settings."
        }
        _ => {
            "A notification when a worker turns Crashed or Stopped, or is Late for more than a minute."
        }
    };
    let cannot_notify = move || {
        matches!(
            notifications.permission.get(),
            Permission::Unsupported | Permission::Denied
        )
    };
    view! {
        <div class="wsm-triage" data-testid="triage">
            <div class="wsm-chips" role="group" aria-label="Show workers by status">{chips}</div>
            <input
                type="search"
                class="wsm-search"
                data-testid="search"
                node_ref=triage.search_box
                aria-label="Search workers by name or description (press / to focus)"
                placeholder="Search name or description   /"
                prop:value=move || triage.search_text.get()
                on:input=move |event| triage.search_text.set(event_target_value(&event))
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        triage.search_text.set(String::new());
                    }
                }
            />
            <label class="wsm-group-picker">
                "Group by "
                <select
                    data-testid="group-by"
                    prop:value=chosen
                    on:change=move |event| {
                        let key = event_target_value(&event);
                        triage.set_group_by(Some(key).filter(|key| !key.is_empty()));
                    }
                >
                    <option value="">"nothing"</option>
                    <KeyedNames
                        names=keys.into()
                        draw=Arc::new(move |key| {
                            let selected = {
                                let key = key.clone();
                                move || triage.group_by.get().as_deref() == Some(key.as_str())
                            };
                            let label = key.clone();
                            view! { <option value=key selected=selected>{label}</option> }.into_any()
                        })
                    />
                </select>
            </label>
            <button
                type="button"
                class="wsm-chip wsm-notify"
                data-testid="notify"
                aria-pressed=move || if notifications.enabled.get() { "true" } else { "false" }
                disabled=cannot_notify
                title=notify_title
                on:click=move |_| notifications.toggle()
            >
                <span aria-hidden="true">"🔔 "</span>{notify_label}
            </button>
        </div>
    }
}
