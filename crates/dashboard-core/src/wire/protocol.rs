//! Every Phoenix / Supabase Realtime protocol string and number in one place, as realtime-js
//! keeps them in `lib/constants.ts`. Sources: shared reference `realtime-protocol.md`.

/// Event names of Phoenix channels.
pub mod event {
    /// Client asks to join a channel.
    pub const JOIN: &str = "phx_join";
    /// Client leaves a channel.
    pub const LEAVE: &str = "phx_leave";
    /// Server reply to any client push.
    pub const REPLY: &str = "phx_reply";
    /// Server: the channel is closed for good (do not rejoin).
    pub const CLOSE: &str = "phx_close";
    /// Server: the channel process crashed (rejoin).
    pub const ERROR: &str = "phx_error";
    /// Client keep-alive on the `phoenix` topic.
    pub const HEARTBEAT: &str = "heartbeat";
    /// Client sends a refreshed user token.
    pub const ACCESS_TOKEN: &str = "access_token";
    /// Server status messages (`extension`, `status`, `message`, `channel`).
    pub const SYSTEM: &str = "system";
    /// Server presence snapshot; ignorable for postgres_changes.
    pub const PRESENCE_STATE: &str = "presence_state";
    /// A database change.
    pub const POSTGRES_CHANGES: &str = "postgres_changes";
}

/// Topic of socket-level messages such as heartbeats.
pub const PHOENIX_TOPIC: &str = "phoenix";
/// Prefix of every Realtime channel topic.
pub const TOPIC_PREFIX: &str = "realtime:";
/// The `system` message that means changes will now really flow.
pub const SUBSCRIBED_MESSAGE: &str = "Subscribed to PostgreSQL";
/// Reply reason for a push on a topic that is not joined.
pub const UNMATCHED_TOPIC: &str = "unmatched topic";
/// Path of the Realtime WebSocket below the project URL.
pub const WEBSOCKET_PATH: &str = "/realtime/v1/websocket";
/// Interval between client heartbeats, in milliseconds (realtime-js 25 000).
pub const HEARTBEAT_INTERVAL_MS: u64 = 25_000;
/// The server closes a socket after this long without any client frame, in milliseconds.
pub const SERVER_IDLE_TIMEOUT_MS: u64 = 60_000;
/// realtime-js reconnect schedule in milliseconds; the last entry repeats.
pub const RECONNECT_AFTER_MS: [u64; 4] = [1_000, 2_000, 5_000, 10_000];
