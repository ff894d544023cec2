//! The browser's clock and storage, for the modules that need them (no state of its own).

/// Browser time in ms since the epoch (the server's time is the store's to judge).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The browser's local storage, if the page may use it (a sandboxed frame may not).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
