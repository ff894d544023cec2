//! One group of workers sharing a metadata value (`group-by`): a header that collapses it, with
//! the group's worst status and counts, and its workers.

use dashboard_core::view::grouping::Group;
use dashboard_core::view::window::full_cards_in_group;
use leptos::prelude::*;

use crate::components::shown_when::ShownWhen;
use crate::components::worker_list::WorkerList;
use crate::memo::memo;
use crate::triage::Triage;

/// The group `value` of the grouping `groups`.
#[component]
pub fn WorkerGroup(value: String, groups: Memo<Vec<Group>>) -> impl IntoView {
    let shown = memo(move |_| {
        groups.with(|groups| {
            (
                groups.iter().map(|group| group.names.len()).sum::<usize>(),
                groups.len(),
            )
        })
    });
    let triage = Triage::expect();
    let group = {
        let value = value.clone();
        memo(move |_| {
            groups.with(|groups| groups.iter().find(|group| group.value == value).cloned())
        })
    };
    let names = Signal::derive(move || {
        group.with(|group| {
            group
                .as_ref()
                .map(|group| group.names.clone())
                .unwrap_or_default()
        })
    });
    let cards = Signal::derive(move || {
        let (fleet, count) = shown.get();
        group.with(|group| {
            group.as_ref().map_or(0, |group| {
                full_cards_in_group(group.names.len(), group.counts.problems, fleet, count)
            })
        })
    });
    let worst = move || group.with(|group| group.as_ref().map(|group| group.worst));
    let status = move || worst().map(|status| status.as_str()).unwrap_or_default();
    let icon = move || worst().map(|status| status.icon()).unwrap_or_default();
    let label = move || worst().map(|status| status.label()).unwrap_or_default();
    let counts = move || {
        group.with(|group| {
            group.as_ref().map(|group| {
                let problems = match group.counts.problems {
                    0 => String::new(),
                    1 => " · 1 problem".to_owned(),
                    n => format!(" · {n} problems"),
                };
                format!("{}{problems}", group.counts.summary())
            })
        })
    };
    let collapsed = {
        let value = value.clone();
        memo(move |_| triage.is_collapsed(&value))
    };
    let open = move || !collapsed.get();
    let toggle_value = value.clone();
    let key = move || triage.group_by.get().unwrap_or_default();
    let group_value = value.clone();
    view! {
        <section class="wsm-group" data-group=group_value data-status=status>
            <h3 class="wsm-group-head">
                <button
                    type="button"
                    class="wsm-group-toggle"
                    aria-expanded=move || if open() { "true" } else { "false" }
                    on:click=move |_| triage.toggle_collapsed(&toggle_value)
                >
                    <span class="wsm-group-caret" aria-hidden="true">{move || if open() { "▾" } else { "▸" }}</span>
                    <span class="wsm-group-name">{key}" "{value}</span>
                    <span class="wsm-status"><span aria-hidden="true">{icon}</span>" "{label}</span>
                    <span class="wsm-group-counts" data-testid="group-counts">{counts}</span>
                </button>
            </h3>
            <ShownWhen when=open>
                <WorkerList names=names cards=cards />
            </ShownWhen>
        </section>
    }
}
