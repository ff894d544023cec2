//! The page's lifecycle as the section sees it, from one place: the page shown again
//! (`visibilitychange` to visible, or `resume` after the browser froze it) and the network gone
//! or back (`offline`, `online`). The shared clock and the live channel both listen here; every
//! listener is removed when the `PageWatch` that `watch` returns is dropped.

use std::rc::Rc;

use wasm_bindgen::JsCast;
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

/// The listeners `watch` added; dropping it removes them.
#[derive(Default)]
pub struct PageWatch(Vec<Listener>);

struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(
            self.event,
            self.callback.as_ref().unchecked_ref(),
        );
    }
}

/// Calls `on_event` with every `PageEvent` until the returned `PageWatch` is dropped.
#[must_use = "the listeners are removed when the PageWatch is dropped"]
pub fn watch(on_event: impl Fn(PageEvent) + 'static) -> PageWatch {
    let mut watch = PageWatch::default();
    watch_with(Rc::new(on_event), &mut watch.0);
    watch
}

/// `watch` for one type of callback: each listener shares it.
fn watch_with(on_event: Rc<dyn Fn(PageEvent)>, listeners: &mut Vec<Listener>) {
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
        listeners.extend(listen(window.clone().into(), event, listener));
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
        listeners.extend(listen(document.clone().into(), event, listener));
    }
}

fn listen(
    target: web_sys::EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
) -> Option<Listener> {
    target
        .add_event_listener_with_callback(event, callback.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener {
        target,
        event,
        callback,
    })
}
