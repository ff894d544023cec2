//! Pure code shared by the dashboard (wasm) and the dev server (native): no I/O, no clock, no
//! browser. Everything here is tested with plain `#[test]`.

#![warn(missing_docs)]

/// Tests build values with serde_json's `json!` and read them with our parser.
#[cfg(test)]
macro_rules! j {
    ($($json:tt)+) => {
        $crate::json::Json::parse(&serde_json::json!($($json)+).to_string())
            .expect("serde_json writes JSON")
    };
}

pub mod alerts;
pub mod backoff;
pub mod board;
pub mod change;
pub mod channel;
pub mod clock;
pub mod connection_text;
pub mod fold;
pub mod frame;
pub mod freshness;
pub mod grouping;
pub mod history;
pub mod json;
pub mod local_stack;
pub mod metadata;
pub mod paging;
pub mod poll;
pub mod protocol;
pub mod rates;
pub mod relative_time;
pub mod row;
pub mod status;
pub mod thresholds;
pub mod timestamp;
pub mod transition;
pub mod triage;
pub mod user_broadcast;
pub mod window;
pub mod workers;
