//! The section's components, one per file. They read the state (`state`) and render; rules live
//! in `dashboard-core`.

pub mod compact_row;
pub mod connection_badge;
pub mod empty_state;
pub mod error_panel;
pub mod history_strip;
pub mod keyed_names;
pub mod metadata_list;
pub mod shown_when;
pub mod silent_fold;
pub mod stale_banner;
pub mod triage_bar;
pub mod undelivered_alerts;
pub mod wall_board;
pub mod windowed_list;
pub mod worker_card;
pub mod worker_cells;
pub mod worker_detail;
pub mod worker_group;
pub mod worker_list;
pub mod worker_status;
pub mod worker_texts;
