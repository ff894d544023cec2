//! The rules: what the section concludes from the wire, as pure functions of the data and a
//! time passed in.
//!
//! - `status`: a row's status at a server time; `thresholds`: when silence turns Late and
//!   Stopped, the section's and each worker's own cadence;
//! - `workers`: the reducer (snapshots and changes, never an older row over a newer one);
//! - `clock`: the server clock's estimate; `freshness`: at what moment statuses are judged;
//! - `poll`: the polling fallback; `backoff`: reconnect delays;
//! - `transition`: a status change in words; `alerts`: which changes deserve a notification;
//! - `rates`: jobs per minute from the heartbeats seen;
//! - `watchdog`: when a wall screen that is not live reloads itself.

pub mod alerts;
pub mod backoff;
pub mod clock;
pub mod freshness;
pub mod poll;
pub mod rates;
pub mod status;
pub mod thresholds;
pub mod transition;
pub mod watchdog;
pub mod workers;
