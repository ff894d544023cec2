//! What one client may do, as Supabase Realtime limits it (docs: "Realtime Limits"; the reasons
//! are Realtime's own texts): 100 channels per connection ("ChannelRateLimitReached: Too many
//! channels", on the join), 100 joins a second ("ClientJoinRateLimitReached: Too many joins per
//! second", on the join, then the socket closes), 100 messages a second (past it the socket is
//! closed with "Too many messages per second"). And one limit of this stand-in's own: a client
//! that does not read its socket (10,000 frames waiting, or one frame unsent for 10 s) is
//! closed, so it cannot make the gateway hold an ever longer queue.

use std::time::Duration;

use tokio::time::Instant;

/// The limits, each configurable (tests use small ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientLimits {
    /// Channels joined at once on one socket.
    pub channels_per_client: usize,
    /// Joins a second on one socket.
    pub joins_per_second: u32,
    /// Frames a second from one socket.
    pub messages_per_second: u32,
    /// Frames waiting for a client before it counts as not reading.
    pub queued_frames: usize,
    /// Longest wait for one frame to be taken by the client's connection.
    pub send_timeout: Duration,
}

impl Default for ClientLimits {
    fn default() -> Self {
        Self {
            channels_per_client: 100,
            joins_per_second: 100,
            messages_per_second: 100,
            queued_frames: crate::realtime::outbox::DEFAULT_CAPACITY,
            send_timeout: Duration::from_secs(10),
        }
    }
}

/// The reason on a join refused for too many channels.
pub const TOO_MANY_CHANNELS: &str = "ChannelRateLimitReached: Too many channels";
/// The reason on a join refused for too many joins a second.
pub const TOO_MANY_JOINS: &str = "ClientJoinRateLimitReached: Too many joins per second";
/// The close reason for too many messages a second.
pub const TOO_MANY_MESSAGES: &str = "Too many messages per second";
/// The close reason for a client that does not read.
pub const NOT_READING: &str = "ClientNotReading: too many messages waiting for this client";

/// Counts events in the current one-second window.
#[derive(Debug, Clone, Copy)]
pub struct PerSecond {
    window_start: Instant,
    count: u32,
}

impl PerSecond {
    /// A counter starting now.
    pub fn new(now: Instant) -> Self {
        Self {
            window_start: now,
            count: 0,
        }
    }

    /// Counts one event at `now`; false when it is over `limit` in its second.
    pub fn allow(&mut self, now: Instant, limit: u32) -> bool {
        if now.duration_since(self.window_start) >= Duration::from_secs(1) {
            self.window_start = now;
            self.count = 0;
        }
        self.count += 1;
        self.count <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_allows_the_limit_and_the_next_second_starts_afresh() {
        let start = Instant::now();
        let mut counter = PerSecond::new(start);
        assert!((0..3).all(|_| counter.allow(start, 3)));
        assert!(!counter.allow(start + Duration::from_millis(999), 3));
        assert!(counter.allow(start + Duration::from_millis(1_000), 3));
    }
}
