//! The WebAssembly module's face to the loader (`loader/worker-status.js`): `main` runs once
//! when the module is initialised (the panic hook); `mount` places one section in a
//! `<worker-status>` element's shadow root and returns the handle whose `unmount` removes it.

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    dashboard::install_panic_hook();
}

/// One mounted section, owned by the element that mounted it.
#[wasm_bindgen]
pub struct Section(dashboard::MountedSection);

#[wasm_bindgen]
impl Section {
    /// Removes the section and stops everything it started.
    pub fn unmount(self) {
        self.0.unmount();
    }
}

/// Mounts a section into `container`, configured from `host`'s attributes; `started` is what
/// the loader started for it: `{ firstPage, historyProbe, socket }` (`undefined` if nothing);
/// `defaults` is what a missing attribute falls back to: `{ url, key, realtime }`.
#[wasm_bindgen]
pub fn mount(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    started: wasm_bindgen::JsValue,
    defaults: wasm_bindgen::JsValue,
) -> Section {
    let started = dashboard::prefetch::LoaderStart::from_js(&started);
    let defaults = dashboard::config::Defaults::from_js(&defaults);
    Section(dashboard::mount_section(
        host, container, started, &defaults,
    ))
}
