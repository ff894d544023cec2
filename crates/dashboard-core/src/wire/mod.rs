//! The wire: what comes from and goes to Supabase, read leniently and checked once.
//!
//! - `json`: the JSON value, parser and writer;
//! - `timestamp`: PostgreSQL and RFC 3339 timestamps, in Unix milliseconds;
//! - `row`: one worker's row, with its `reported_status`; `change`: a `postgres_changes` payload as a typed change;
//! - `paging`: keyset pages past the server's row cap;
//! - `frame`: Phoenix frames in both encodings; `protocol`: every Realtime string and number;
//! - `user_broadcast`: a Broadcast message, as text or binary;
//! - `alert_health`: the counts of alerts that could not be delivered.
//!
//! The gateway (`dev-server`) shares `json`, `frame`, `protocol` and `user_broadcast`, so both
//! ends of the socket speak one codec.

pub mod alert_health;
pub mod change;
pub mod frame;
pub mod json;
pub mod paging;
pub mod protocol;
pub mod reported_status;
pub mod row;
pub mod timestamp;
pub mod user_broadcast;
