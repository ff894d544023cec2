//! The Worker Status section: module list, mounting and unmounting one section into the
//! `<worker-status>` element's shadow root (the loader, `loader/worker-status.js`, calls
//! `mount_section` through the binary's exports), and its change event. No logic here:
//! rules and protocol are in `dashboard-core`, I/O in `api` and `realtime`, state in `store`,
//! rendering in `components`.

pub mod api;
pub mod components;
pub mod config;
pub mod error;
pub mod http;
pub mod lazy;
pub mod lifetime;
pub mod live;
pub mod notifications;
pub mod page_title;
pub mod prefetch;
pub mod realtime;
pub mod store;
pub mod triage;

use std::cell::RefCell;

use dashboard_core::workers::Counts;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::components::worker_status::WorkerStatus;
use crate::config::Config;
use crate::prefetch::FirstPage;
use crate::store::Store;

thread_local! {
    /// Containers of the sections mounted now, for the panic hook.
    static MOUNTED: RefCell<Vec<web_sys::HtmlElement>> = const { RefCell::new(Vec::new()) };
}

/// The event the element dispatches whenever its summary changes.
pub const CHANGE_EVENT: &str = "worker-status-change";

/// Reports panics to the console and, instead of silently dead sections, in each of them.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = "The Worker Status section stopped because of an internal error. Reload the page; \
                       if it happens again, the browser console has the details.";
        MOUNTED.with(|mounted| {
            if let Ok(mounted) = mounted.try_borrow() {
                for root in mounted.iter() {
                    root.set_text_content(Some(message));
                    let _ = root.set_attribute("data-crashed", "true");
                }
            }
        });
    }));
}

/// A mounted section. `unmount` (or dropping it) removes it and stops everything it started:
/// the WebSocket, the timers, the listeners, the reactive owner.
pub struct MountedSection {
    handle: Option<Box<dyn std::any::Any>>,
    container: web_sys::HtmlElement,
}

impl MountedSection {
    /// Removes the section.
    pub fn unmount(mut self) {
        self.release();
    }

    fn release(&mut self) {
        if let Some(handle) = self.handle.take() {
            drop(handle);
            MOUNTED.with(|mounted| mounted.borrow_mut().retain(|root| root != &self.container));
        }
    }
}

impl Drop for MountedSection {
    fn drop(&mut self) {
        self.release();
    }
}

/// Mounts a section into `container`, configured from `host`'s attributes (the
/// `<worker-status>` element), which also receives the `worker-status-change` events.
/// `first_page` is the loader's request for the first page of rows, if it sent one.
pub fn mount_section(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    first_page: Option<FirstPage>,
) -> MountedSection {
    let config = Config::resolve(&host);
    MOUNTED.with(|mounted| mounted.borrow_mut().push(container.clone()));
    let host = SendWrapper::new(host);
    let handle = leptos::mount::mount_to(container.clone(), move || {
        // Inside the mount: Leptos has set up its async executor and the owner by now.
        let store = provide_section_state(&config, first_page);
        let update_title = config.update_title;
        if config.problem().is_none() {
            store.refresh();
            // History and the channel once the first rows are on screen, never before.
            live::follow_after_first_load(config, store);
        }
        announce_changes(host, store);
        if update_title {
            page_title::reflect_problems(store);
        }
        view! { <WorkerStatus /> }
    });
    MountedSection {
        handle: Some(Box::new(handle)),
        container,
    }
}

/// Creates the section's state (store, view, notifications) and provides it to the component
/// tree. Called inside the mount: the store's effects need Leptos's executor and owner.
pub fn provide_section_state(config: &Config, first_page: Option<FirstPage>) -> Store {
    let store = Store::new(config.clone(), first_page);
    provide_context(store);
    provide_context(lazy::FirstRowsShown(store.first_load_settled()));
    provide_context(triage::Triage::new(config));
    provide_context(notifications::Notifications::new(store));
    store
}

/// Dispatches `worker-status-change` (bubbles, composed) with `{ running, total, problems }`
/// on `host` whenever those counts change.
fn announce_changes(host: SendWrapper<web_sys::HtmlElement>, store: Store) {
    let counts = store.counts();
    let loading = store.loading_progress();
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
