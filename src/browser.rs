//! The browser's clock and storage, for the modules that need them (no state of its own).

/// Browser time in ms since the epoch (the server's time is the clock's to judge). Outside the
/// browser (native unit tests of the state) the system's clock.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as i64)
    }
}

/// The monotonic clock (`performance.now()`), in ms: what a jump of the browser's clock is
/// measured against. `None` outside the browser.
pub fn monotonic_ms() -> Option<f64> {
    web_sys::window()?
        .performance()
        .map(|performance| performance.now())
}

/// The browser's local storage, if the page may use it (a sandboxed frame may not); none
/// outside the browser.
pub fn local_storage() -> Option<web_sys::Storage> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}
