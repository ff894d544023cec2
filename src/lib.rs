//! The Worker Status section: module list, mounting, and the root component. No logic here:
//! rules and protocol are in `dashboard-core`, I/O in `api` and `realtime`, state in `store`,
//! rendering in `components`.

pub mod api;
pub mod components;
pub mod config;
pub mod error;
pub mod realtime;
pub mod store;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::worker_status::WorkerStatus;
use crate::config::Config;
use crate::store::Store;

/// Reports panics to the console and, instead of a silently dead section, in the page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = "The Worker Status section stopped because of an internal error. Reload the page; \
                       if it happens again, the browser console has the details.";
        if let Some(root) = mount_element() {
            root.set_text_content(Some(message));
            let _ = root.set_attribute("data-crashed", "true");
        }
    }));
}

/// `#worker-status` when the host page has one, else `<body>`.
pub fn mount_element() -> Option<web_sys::HtmlElement> {
    let document = web_sys::window()?.document()?;
    match document.get_element_by_id("worker-status") {
        Some(element) => element.dyn_into::<web_sys::HtmlElement>().ok(),
        None => document.body(),
    }
}

/// Reads the configuration, starts the live data, and mounts the section.
pub fn mount() {
    let Some(element) = mount_element() else {
        return;
    };
    let config = Config::resolve(&element);
    let handle = leptos::mount::mount_to(element, move || {
        // Inside the mount: Leptos has set up its async executor by now.
        let store = Store::new(config.clone());
        provide_context(store);
        if config.problem().is_none() {
            store.refresh();
            realtime::start(config, store);
        }
        view! { <WorkerStatus /> }
    });
    // The section lives as long as the page.
    handle.forget();
}
