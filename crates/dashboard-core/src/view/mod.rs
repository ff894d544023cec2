//! What the views show, computed without a browser.
//!
//! - `board`: each worker's status as of the last tick, the display order and the counts;
//! - `window`: which rows of a long list are on screen;
//! - `triage`: status filters, search and the held order; `grouping`: groups by a metadata
//!   key and the version check; `fold`: the workers silent for more than seven days;
//! - `wall`: the wall-screen view's density, grid and cells;
//! - `connection_text`, `relative_time`, `metadata`: the words the cards and the indicator use.

pub mod board;
pub mod connection_text;
pub mod fold;
pub mod grouping;
pub mod metadata;
pub mod relative_time;
pub mod triage;
pub mod wall;
pub mod window;
