//! The Worker Status section: module list, and starting and stopping one section in the
//! `<worker-status>` element's shadow root (the loader, `loader/worker-status.js`, calls
//! `mount_section` through the binary's exports): the first rows first (`first_rows`, no
//! Leptos), then the section itself (`section`, lazily loaded in release builds). No logic
//! here: rules and protocol are in `dashboard-core`, I/O in `api` and `realtime`, state in
//! `state` (one capability per module), rendering in `components`.

pub mod alert_health;
pub mod api;
pub mod browser;
pub mod components;
pub mod config;
pub mod connect_policy;
pub mod error;
pub mod first_rows;
pub mod first_rows_follow;
pub mod first_rows_live;
pub mod http;
pub mod lazy;
pub mod lifetime;
pub mod live;
pub mod memo;
pub mod notifications;
pub mod page_lifecycle;
pub mod page_title;
pub mod prefetch;
pub mod realtime;
pub mod rows_page;
pub mod section;
pub mod state;
pub mod triage;
pub mod wall_styles;
pub mod wall_watchdog;

use std::cell::RefCell;
use std::rc::Rc;

use crate::config::Config;
use crate::first_rows_live::FirstRowsLive;
use crate::prefetch::{LoaderStart, Prefetched};
use crate::section::SectionHandle;

pub use crate::section::provide_section_state;

thread_local! {
    /// Containers of the sections mounted now, for the panic hook.
    static MOUNTED: RefCell<Vec<web_sys::HtmlElement>> = const { RefCell::new(Vec::new()) };
}

/// Longest the section's mount waits for the first rows to go live and show their first changes
/// alone (`FirstRowsLive::until_section_wanted`).
const SECTION_WAITS_FOR_LIVE_MS: u32 = 2_000;

/// The event the element dispatches whenever its summary changes.
pub const CHANGE_EVENT: &str = "worker-status-change";

/// Reports panics to the console and, instead of silently dead sections, in each of them. (The
/// release build aborts at once instead, with no hook: its loader says the same on the trap.)
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

/// Where a section's start stands.
enum Slot {
    /// Drawing the first rows (and keeping them live) or loading the section.
    Starting(FirstRowsLive),
    /// Mounted; dropping the handle unmounts it (held for that alone).
    Mounted(#[allow(dead_code)] SectionHandle),
    /// Removed: a start still under way stops.
    Released,
}

/// A mounted section. `unmount` (or dropping it) removes it and stops everything it started:
/// the WebSocket, the timers, the listeners, the reactive owner, or a start still under way.
pub struct MountedSection {
    slot: Rc<RefCell<Slot>>,
    container: web_sys::HtmlElement,
}

impl MountedSection {
    /// Removes the section.
    pub fn unmount(mut self) {
        self.release();
    }

    fn release(&mut self) {
        let before = std::mem::replace(&mut *self.slot.borrow_mut(), Slot::Released);
        if !matches!(before, Slot::Released) {
            if let Slot::Starting(early) = &before {
                early.stop();
            }
            drop(before);
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
/// `started` is what the loader started for it: the first page's request, the history
/// table's probe, the Realtime socket.
///
/// The first rows come first, and live: in the plain case the connection starts beside the
/// first page, which is drawn as soon as it arrives and kept up to date (`first_rows_live`);
/// the section itself (`section`, lazily loaded in release builds) is mounted in a later task
/// and takes over the rows and the connection.
pub fn mount_section(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    started: LoaderStart,
    defaults: &config::Defaults,
) -> MountedSection {
    let config = Config::resolve(&host, defaults);
    MOUNTED.with(|mounted| mounted.borrow_mut().push(container.clone()));
    let LoaderStart {
        first_page,
        history_probe,
        socket,
    } = started;
    // The loader asks for the first page only for a configuration the app accepts (its
    // `connection` makes `Config::problem`'s checks), so the main module need not make them.
    let plain = first_page.is_some() && first_rows::is_plain_view(&config);
    let (early, first_page) = if plain {
        let early = FirstRowsLive::connect(config.clone(), history_probe, socket);
        (early, first_page)
    } else {
        (
            FirstRowsLive::waiting(config.clone(), first_page, history_probe, socket),
            None,
        )
    };
    let slot = Rc::new(RefCell::new(Slot::Starting(early.clone())));
    wasm_bindgen_futures::spawn_local(start(
        host,
        container.clone(),
        config,
        first_page,
        early,
        plain,
        slot.clone(),
    ));
    MountedSection { slot, container }
}

/// Draws the first rows if it can, then mounts the section, until it is mounted or released.
async fn start(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    config: Config,
    first_page: Option<Prefetched>,
    early: FirstRowsLive,
    plain: bool,
    slot: Rc<RefCell<Slot>>,
) {
    let released = || matches!(*slot.borrow(), Slot::Released);
    if plain {
        let answer = api::fetch_page(&config, None, first_page).await;
        if released() {
            return;
        }
        early.first_page(&container, answer);
        // Drawn rows go live first, and show the first changes: the section's mount is a long task.
        early.until_section_wanted(SECTION_WAITS_FOR_LIVE_MS).await;
        if released() {
            return;
        }
    }
    lazy::after_this_task().await;
    let load = || {
        section::mount(
            host.clone(),
            container.clone(),
            config.clone(),
            early.clone(),
        )
    };
    if let Some(handle) = lazy::retrying("the section", load, || !released()).await {
        let mut slot = slot.borrow_mut();
        // Removed while the module was on its way: dropping the handle unmounts it at once.
        if !matches!(*slot, Slot::Released) {
            *slot = Slot::Mounted(handle);
        }
    }
}
