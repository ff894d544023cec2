//! Ties browser resources (timers, listeners, sockets) to the reactive owner that started them:
//! when a section unmounts, its owner is disposed and everything it kept is dropped, which
//! cancels timers and closes what the value's `Drop` closes.

use leptos::prelude::{Owner, on_cleanup};
use send_wrapper::SendWrapper;

/// Keeps `value` until the current owner is cleaned up. Without an owner (a test mounting
/// pieces by hand) it is kept for the life of the page.
pub fn keep_until_unmount<T: 'static>(value: T) {
    keep_boxed(Box::new(value));
}

/// `keep_until_unmount`'s work, one copy for every kind of value.
fn keep_boxed(value: Box<dyn std::any::Any>) {
    if Owner::current().is_some() {
        let kept = SendWrapper::new(value);
        on_cleanup(move || drop(kept));
    } else {
        std::mem::forget(value);
    }
}

/// Runs `stop` when the current owner is cleaned up (never, without an owner).
pub fn on_unmount(stop: impl FnOnce() + 'static) {
    keep_until_unmount(Deferred(Some(Box::new(stop))));
}

/// Runs its closure when dropped.
struct Deferred(Option<Box<dyn FnOnce()>>);

impl Drop for Deferred {
    fn drop(&mut self) {
        if let Some(run) = self.0.take() {
            run();
        }
    }
}

/// Adds `callback` for `event` on `target` with `options`, and removes it when the current owner
/// is cleaned up.
pub fn listen_until_unmount(
    target: web_sys::EventTarget,
    event: &'static str,
    options: &web_sys::AddEventListenerOptions,
    callback: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
) {
    use wasm_bindgen::JsCast;
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        event,
        callback.as_ref().unchecked_ref(),
        options,
    );
    let capture = options.get_capture().unwrap_or(false);
    on_unmount(move || {
        let _ = target.remove_event_listener_with_callback_and_bool(
            event,
            callback.as_ref().unchecked_ref(),
            capture,
        );
    });
}
