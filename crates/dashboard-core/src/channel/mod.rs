//! The Realtime channel as a pure state machine (sans-IO): it never sleeps, sends or reads a
//! clock. The transport feeds it `Input`s with the current time and carries out the `Command`s
//! it returns. It covers what realtime-js's socket, channel, push and timer do for one
//! postgres_changes channel: join, heartbeat every 25 s with a fresh ref, reconnect when a
//! heartbeat reply is missing, reconnect backoff 1, 2, 5, 10 s, rejoin with a new join_ref after
//! `phx_error`, a join error or timeout, dropping frames of an older join, and a fresh snapshot
//! after every "Subscribed to PostgreSQL" so that nothing missed in a gap stays wrong. In
//! broadcast mode (issue 14) it joins the private topic instead and is live on the join's reply.
//!
//! This file holds the machine and its timers; `join` writes the join, `incoming` handles what
//! arrives, `status` projects the phase onto the indicator.

mod incoming;
mod join;
mod status;
#[cfg(test)]
mod tests;

pub use status::ConnectionStatus;

use crate::history::WorkerEvent;
use crate::rules::backoff::Backoff;
use crate::wire::change::ChangeEvent;
use crate::wire::frame::{Frame, Vsn};
use crate::wire::protocol::HEARTBEAT_INTERVAL_MS;

/// How long a join may wait for its reply (realtime-js `DEFAULT_TIMEOUT`).
pub const JOIN_TIMEOUT_MS: u64 = 10_000;
/// How long a socket may take to open before we give up on it.
pub const OPEN_TIMEOUT_MS: u64 = 10_000;
/// Retry delay after the server refused the subscription (`system` error).
pub const SUBSCRIBE_RETRY_MS: u64 = 10_000;
/// What the indicator's tooltip says while the browser reports no network.
pub const OFFLINE_REASON: &str = "This device is offline";

/// What to subscribe to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOptions {
    /// Seeds the reconnect jitter (`crate::rules::backoff`); a random number per dashboard, 0 for none.
    pub jitter_seed: u64,
    /// Channel topic, `realtime:<name>`.
    pub topic: String,
    /// Schema of the table.
    pub schema: String,
    /// The table.
    pub table: String,
    /// A second table whose inserts are followed (the history), if any.
    pub history_table: Option<String>,
    /// Follow the table through Broadcast from the database (the private topic) instead of
    /// postgres_changes (issue 14).
    pub broadcast: bool,
    /// Token for the join (the anon key for the dashboard).
    pub access_token: String,
}

/// What the transport observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Start (or restart after `stop`).
    Start,
    /// The socket is open.
    Opened,
    /// The socket closed or failed.
    Closed,
    /// A text frame arrived.
    Text(String),
    /// A binary frame arrived (protocol 2.0.0 sends broadcasts so).
    Binary(Vec<u8>),
    /// Time passed (the transport calls this about every 250 ms).
    Tick,
    /// The browser says it lost the network (`offline` event).
    BrowserOffline,
    /// The browser says the network is back (`online` event): reconnect now, not at the backoff.
    BrowserOnline,
    /// The page became visible again: background tabs throttle timers, so a socket lost while
    /// hidden is retried now rather than at the end of its backoff.
    PageVisible,
}

/// What the transport must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a new socket.
    Open,
    /// Send this text frame.
    Send(String),
    /// Close the socket.
    Close,
    /// Fetch a fresh REST snapshot.
    FetchSnapshot,
    /// Apply this change.
    Apply(ChangeEvent),
    /// Record this history event.
    Record(WorkerEvent),
    /// Something worth a console line (bad frame, server error).
    Log(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Idle,
    Opening { since: u64 },
    Waiting { reconnect_at: u64 },
    Joining { join_ref: String, since: u64 },
    Subscribing { join_ref: String },
    Live { join_ref: String },
    Rejoining { at: u64, refused: Option<String> },
}

/// The state machine.
#[derive(Debug, Clone)]
pub struct Channel {
    options: ChannelOptions,
    phase: Phase,
    next_ref: u64,
    reconnect_attempts: usize,
    rejoin_attempts: usize,
    backoff: Backoff,
    pending_heartbeat: Option<String>,
    next_heartbeat_at: u64,
    ever_live: bool,
    browser_offline: bool,
    /// Frames that could not be used, for the console and tests.
    pub dropped_frames: u64,
}

impl Channel {
    /// A channel that does nothing until `Input::Start`.
    pub fn new(options: ChannelOptions) -> Self {
        Self {
            backoff: Backoff::new(options.jitter_seed),
            options,
            phase: Phase::Idle,
            next_ref: 0,
            reconnect_attempts: 0,
            rejoin_attempts: 0,
            pending_heartbeat: None,
            next_heartbeat_at: 0,
            ever_live: false,
            browser_offline: false,
            dropped_frames: 0,
        }
    }

    /// The protocol version this machine speaks.
    pub const VSN: Vsn = Vsn::V2;

    /// The join_ref of the current channel incarnation, if joined or joining.
    pub fn join_ref(&self) -> Option<&str> {
        match &self.phase {
            Phase::Joining { join_ref, .. }
            | Phase::Subscribing { join_ref }
            | Phase::Live { join_ref } => Some(join_ref),
            _ => None,
        }
    }

    /// Feeds one input at `now_ms`; returns what to do.
    pub fn on(&mut self, input: Input, now_ms: u64) -> Vec<Command> {
        let mut commands = Vec::new();
        match input {
            Input::Start => {
                if self.phase == Phase::Idle {
                    self.phase = Phase::Opening { since: now_ms };
                    commands.push(Command::Open);
                }
            }
            Input::Opened => {
                self.socket_opened(now_ms);
                self.join(now_ms, &mut commands);
            }
            Input::Closed => self.lost(now_ms, &mut commands, false),
            Input::BrowserOffline => {
                self.browser_offline = true;
                self.lost(now_ms, &mut commands, true);
            }
            Input::BrowserOnline => {
                self.browser_offline = false;
                self.reconnect_now(now_ms, &mut commands);
            }
            Input::PageVisible if !self.browser_offline => {
                self.reconnect_now(now_ms, &mut commands)
            }
            Input::PageVisible => {}
            Input::Text(text) => self.on_text(&text, now_ms, &mut commands),
            Input::Binary(bytes) => self.on_binary(&bytes, &mut commands),
            Input::Tick => self.on_tick(now_ms, &mut commands),
        }
        commands
    }

    /// A socket opened: the reconnect count starts again, and the heartbeat from now.
    fn socket_opened(&mut self, now_ms: u64) {
        self.reconnect_attempts = 0;
        self.pending_heartbeat = None;
        self.next_heartbeat_at = now_ms + HEARTBEAT_INTERVAL_MS;
    }

    /// Skips the rest of the backoff when waiting to reconnect.
    fn reconnect_now(&mut self, now_ms: u64, commands: &mut Vec<Command>) {
        if let Phase::Waiting { .. } = self.phase {
            self.reconnect_attempts = 0;
            self.phase = Phase::Opening { since: now_ms };
            commands.push(Command::Open);
        }
    }

    /// Whether the join asks for postgres_changes (then "Subscribed to PostgreSQL" means live).
    fn has_postgres_changes(&self) -> bool {
        !self.options.broadcast || self.options.history_table.is_some()
    }

    /// Subscribed: changes flow; a snapshot makes up for anything missed before.
    fn go_live(&mut self, join_ref: String, commands: &mut Vec<Command>) {
        self.phase = Phase::Live { join_ref };
        self.rejoin_attempts = 0;
        self.ever_live = true;
        commands.push(Command::FetchSnapshot);
    }

    fn make_ref(&mut self) -> String {
        self.next_ref += 1;
        self.next_ref.to_string()
    }

    fn socket_is_open(&self) -> bool {
        matches!(
            self.phase,
            Phase::Joining { .. }
                | Phase::Subscribing { .. }
                | Phase::Live { .. }
                | Phase::Rejoining { .. }
        )
    }

    /// The socket is gone (or must go): close it and schedule a reconnect with backoff.
    fn lost(&mut self, now_ms: u64, commands: &mut Vec<Command>, close: bool) {
        if matches!(self.phase, Phase::Idle | Phase::Waiting { .. }) {
            return;
        }
        if close {
            commands.push(Command::Close);
        }
        let delay = self.backoff.delay(self.reconnect_attempts);
        self.reconnect_attempts += 1;
        self.pending_heartbeat = None;
        self.phase = Phase::Waiting {
            reconnect_at: now_ms + delay,
        };
    }

    /// The channel failed but the socket is fine: rejoin later with a new join_ref.
    fn rejoin_later(&mut self, now_ms: u64, refused: Option<String>) {
        let delay = if refused.is_some() {
            SUBSCRIBE_RETRY_MS
        } else {
            self.backoff.delay(self.rejoin_attempts)
        };
        self.rejoin_attempts += 1;
        self.phase = Phase::Rejoining {
            at: now_ms + delay,
            refused,
        };
    }

    fn on_tick(&mut self, now_ms: u64, commands: &mut Vec<Command>) {
        match self.phase.clone() {
            Phase::Waiting { reconnect_at } if now_ms >= reconnect_at => {
                self.phase = Phase::Opening { since: now_ms };
                commands.push(Command::Open);
                return;
            }
            Phase::Opening { since } if now_ms >= since + OPEN_TIMEOUT_MS => {
                self.lost(now_ms, commands, true);
                return;
            }
            Phase::Joining { since, .. } if now_ms >= since + JOIN_TIMEOUT_MS => {
                commands.push(Command::Log(
                    "realtime: join timed out; rejoining".to_owned(),
                ));
                self.rejoin_later(now_ms, None);
            }
            Phase::Rejoining { at, .. } if now_ms >= at => self.join(now_ms, commands),
            _ => {}
        }
        if self.socket_is_open() && now_ms >= self.next_heartbeat_at {
            if self.pending_heartbeat.is_some() {
                // The last heartbeat got no reply within an interval: the socket is dead.
                commands.push(Command::Log(
                    "realtime: heartbeat timeout; reconnecting".to_owned(),
                ));
                self.lost(now_ms, commands, true);
                return;
            }
            let heartbeat_ref = self.make_ref();
            commands.push(Command::Send(
                Frame::heartbeat(heartbeat_ref.clone()).encode(Self::VSN),
            ));
            self.pending_heartbeat = Some(heartbeat_ref);
            self.next_heartbeat_at = now_ms + HEARTBEAT_INTERVAL_MS;
        }
    }
}
