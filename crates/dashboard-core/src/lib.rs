//! Pure code shared by the dashboard (wasm) and the dev server (native): no I/O, no clock, no
//! browser. Everything here is tested with plain `#[test]`. By layer, each folder's `mod.rs` a
//! map of it:
//!
//! - `wire`: JSON, rows, changes, pages, Phoenix frames and the Realtime protocol (the gateway
//!   shares this layer);
//! - `rules`: statuses, thresholds, the reducer, the server clock, freshness, polling,
//!   backoff, transitions and alerts;
//! - `view`: the board, the window, triage, grouping, the fold, and the words shown;
//! - `history`: status events, the per-worker store, strips, uptime and loading on demand;
//! - `channel`: the Realtime channel's state machine (sans I/O);
//! - `local_stack`: the local stack's URL and keys.

#![warn(missing_docs)]

/// Tests build values with serde_json's `json!` and read them with our parser.
#[cfg(test)]
macro_rules! j {
    ($($json:tt)+) => {
        $crate::wire::json::Json::parse(&serde_json::json!($($json)+).to_string())
            .expect("serde_json writes JSON")
    };
}

pub mod channel;
pub mod history;
pub mod local_stack;
pub mod rules;
pub mod view;
pub mod wire;
