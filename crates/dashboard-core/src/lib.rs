//! Pure code shared by the dashboard (wasm) and the dev server (native): no I/O, no clock, no
//! browser. Everything here is tested with plain `#[test]`.

#![warn(missing_docs)]

pub mod board;
pub mod change;
pub mod channel;
pub mod clock;
pub mod connection_text;
pub mod frame;
pub mod local_stack;
pub mod metadata;
pub mod paging;
pub mod protocol;
pub mod relative_time;
pub mod row;
pub mod status;
pub mod timestamp;
pub mod window;
pub mod workers;
