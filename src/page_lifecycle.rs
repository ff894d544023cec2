//! The page's lifecycle as the section sees it, from one place: the page shown again
//! (`visibilitychange` to visible, or `resume` after the browser froze it) and the network gone
//! or back (`offline`, `online`). The shared clock and the live channel both listen here; every
//! listener is removed when the section unmounts.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;

/// What happened to the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEvent {
    /// Shown again, or unfrozen: whatever was throttled in the background is due now.
    Shown,
    /// The browser says the network is gone.
    Offline,
    /// The browser says the network is back.
    Online,
}

/// Whether the browser believes it is online (true where it cannot tell).
pub fn browser_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// Calls `on_event` with every `PageEvent` until the section unmounts.
pub fn watch(on_event: impl Fn(PageEvent) + 'static) {
    watch_with(Rc::new(on_event));
}

/// `watch` for one type of callback: each listener shares it.
fn watch_with(on_event: Rc<dyn Fn(PageEvent)>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    for (event, happened) in [
        ("offline", PageEvent::Offline),
        ("online", PageEvent::Online),
    ] {
        let on_event = on_event.clone();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
            on_event(happened)
        });
        listen(window.clone().into(), event, listener);
    }
    let Some(document) = window.document() else {
        return;
    };
    for event in ["visibilitychange", "resume"] {
        let on_event = on_event.clone();
        let watched = document.clone();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
            if watched.visibility_state() == web_sys::VisibilityState::Visible {
                on_event(PageEvent::Shown);
            }
        });
        listen(document.clone().into(), event, listener);
    }
}

fn listen(
    target: web_sys::EventTarget,
    event: &'static str,
    listener: Closure<dyn FnMut(web_sys::Event)>,
) {
    let options = web_sys::AddEventListenerOptions::new();
    crate::lifetime::listen_until_unmount(target, event, &options, listener);
}
