//! The whole section, mounted with Leptos: its state (`state`, triage view, notifications)
//! provided at the root, the change event, the page title, the history and the live channel
//! once the first rows are on screen, and a wall screen's watchdog. The release build loads all
//! of it lazily (`section` module), after `first_rows` drew the first rows, so that the main
//! wasm module holds no Leptos at all; it then takes the first rows' place in the same task.

use std::any::Any;

use dashboard_core::rules::workers::Counts;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::components::worker_status::WorkerStatus;
use crate::config::Config;
use crate::first_rows_live::{FirstRowsLive, Handover};
use crate::lazy::lazy_part;
use crate::prefetch::FirstAnswer;
use crate::state::State;
use crate::{CHANGE_EVENT, alert_health, live, notifications, page_title, triage, wall_watchdog};

/// What keeps a mounted section alive; dropping it unmounts it.
pub type SectionHandle = Box<dyn Any>;

lazy_part! {
    module section;
    /// Mounts the section into a new element of `container`, configured by `config` and
    /// reporting to `host`, taking over what `early` started (`first_rows_live`). When first
    /// rows are drawn there, that element takes their place only once its own first load has
    /// settled, so nothing on screen moves or blinks; otherwise it is shown at once.
    pub fn mount(
        host: web_sys::HtmlElement,
        container: web_sys::HtmlElement,
        config: Config,
        early: FirstRowsLive,
    ) -> SectionHandle {
        mount_into(host, container, config, early.hand_over())
    }
}

fn mount_into(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    config: Config,
    handover: Handover,
) -> SectionHandle {
    let Handover {
        first,
        drawn: replaces_first_rows,
        following,
        open_details,
        held_places,
    } = handover;
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.create_element("div").ok())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    let Some(root) = root else {
        return Box::new(());
    };
    if !replaces_first_rows {
        container.replace_children_with_node_1(&root);
    }
    let host = SendWrapper::new(host);
    let container_in = SendWrapper::new(container.clone());
    let shown_in = SendWrapper::new((container, root.clone()));
    let handle = leptos::mount::mount_to(root, move || {
        // Inside the mount: Leptos has set up its async executor and the owner by now.
        let state = provide_section_state(&config, first);
        provide_context(crate::components::worker_card::OpenOnArrival::new(
            open_details,
        ));
        if let Some(places) = held_places {
            keep_places_under_the_pointer(&container_in, places);
        }
        crate::first_rows_live::exact_times_until_unmount(&container_in);
        let update_title = config.update_title;
        if config.problem().is_none() {
            if triage::Triage::expect().tv.get_untracked() {
                wall_watchdog::start(config.clone(), state);
            }
            state.loader.refresh();
            // Whether alerts reach people: a few seconds later, then every minute.
            alert_health::follow(config.clone());
            // The channel the first rows started, or history and the channel once the first
            // rows are on screen, never before.
            live::follow(config, state, following);
        }
        if replaces_first_rows {
            let settled = state.loader.first_load_settled();
            Effect::new(move |_| {
                if settled.get() {
                    let (container, root) = &*shown_in;
                    container.replace_children_with_node_1(root);
                }
            });
        }
        announce_changes(host, state);
        if update_title {
            page_title::reflect_problems(state);
        }
        view! { <WorkerStatus /> }
    });
    Box::new(handle)
}

/// The pointer was in the first rows' list at the hand-over: the section's list keeps their
/// places until it leaves. The list's own `pointerleave` never comes for a pointer that was
/// already there when it was drawn (the browser sends none until the pointer moves within it),
/// so leaving the container lets go as well.
fn keep_places_under_the_pointer(container: &web_sys::HtmlElement, places: Vec<String>) {
    let triage = triage::Triage::expect();
    triage.hold_from_first_rows(places);
    let left = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        triage.set_pointer_in_list(false)
    });
    crate::lifetime::listen_until_unmount(
        container.clone().into(),
        "pointerleave",
        &web_sys::AddEventListenerOptions::new(),
        left,
    );
}

/// Creates the section's state (`state`, the triage view, notifications) and provides it to the
/// component tree. Called inside the mount: the state's effects need Leptos's executor and owner.
pub fn provide_section_state(config: &Config, first_page: Option<FirstAnswer>) -> State {
    let state = State::provide(config, first_page);
    provide_context(crate::lazy::FirstRowsShown(state.loader.first_rows_shown()));
    provide_context(triage::Triage::new(config));
    provide_context(notifications::Notifications::new(state.fleet, state.clock));
    state
}

/// Dispatches `worker-status-change` (bubbles, composed) with `{ running, total, problems }`
/// on `host` whenever those counts change.
fn announce_changes(host: SendWrapper<web_sys::HtmlElement>, state: State) {
    let counts = state.fleet.counts();
    let loading = state.loader.loading_progress();
    Effect::new(move |previous: Option<Option<Counts>>| {
        let previous = previous.flatten();
        if loading.get().is_some() {
            // Partial counts of a table still loading would claim a total it does not have.
            return previous;
        }
        let counts = counts.get();
        if previous != Some(counts) {
            dispatch_counts(&host, counts);
        }
        Some(counts)
    });
}

fn dispatch_counts(host: &web_sys::HtmlElement, counts: Counts) {
    let detail = js_sys::Object::new();
    for (name, value) in [
        ("running", counts.running),
        ("total", counts.total),
        ("problems", counts.problems),
    ] {
        let _ = js_sys::Reflect::set(&detail, &name.into(), &(value as f64).into());
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(CHANGE_EVENT, &init) {
        let _ = host.dispatch_event(&event);
    }
}
