//! The Realtime channel as a pure state machine (sans-IO): it never sleeps, sends or reads a
//! clock. The transport feeds it `Input`s with the current time and carries out the `Command`s
//! it returns. It covers what realtime-js's socket, channel, push and timer do for one
//! postgres_changes channel: join, heartbeat every 25 s with a fresh ref, reconnect when a
//! heartbeat reply is missing, reconnect backoff 1, 2, 5, 10 s, rejoin with a new join_ref after
//! `phx_error`, a join error or timeout, dropping frames of an older join, and a fresh snapshot
//! after every "Subscribed to PostgreSQL" so that nothing missed in a gap stays wrong.

use crate::backoff::Backoff;
use crate::change::{ChangeEvent, parse_change};
use crate::frame::{Frame, Vsn};
use crate::history::WorkerEvent;
use crate::json::Json;
use crate::protocol::{HEARTBEAT_INTERVAL_MS, PHOENIX_TOPIC, SUBSCRIBED_MESSAGE, event};

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
    /// Seeds the reconnect jitter (`crate::backoff`); a random number per dashboard, 0 for none.
    pub jitter_seed: u64,
    /// Channel topic, `realtime:<name>`.
    pub topic: String,
    /// Schema of the table.
    pub schema: String,
    /// The table.
    pub table: String,
    /// A second table whose inserts are followed (the history), if any.
    pub history_table: Option<String>,
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

/// The connection as the indicator shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// First connection under way.
    Connecting,
    /// Subscribed: changes flow.
    Live,
    /// Lost; trying again at `retry_at_ms` (None: trying now).
    Reconnecting {
        /// When the next attempt starts.
        retry_at_ms: Option<u64>,
    },
    /// The server refused the subscription; retrying later. The reason is for the tooltip.
    Offline {
        /// Why.
        reason: String,
        /// When the next attempt starts.
        retry_at_ms: u64,
    },
}

impl ConnectionStatus {
    /// The `data-state` value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Reconnecting { .. } => "reconnecting",
            Self::Offline { .. } => "offline",
        }
    }
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

    /// The indicator's view of the connection at `now_ms`.
    pub fn status(&self) -> ConnectionStatus {
        if self.browser_offline {
            let retry_at_ms = match &self.phase {
                Phase::Waiting { reconnect_at } => *reconnect_at,
                Phase::Rejoining { at, .. } => *at,
                _ => 0,
            };
            return ConnectionStatus::Offline {
                reason: OFFLINE_REASON.to_owned(),
                retry_at_ms,
            };
        }
        match &self.phase {
            Phase::Live { .. } => ConnectionStatus::Live,
            Phase::Rejoining {
                at,
                refused: Some(reason),
            } => ConnectionStatus::Offline {
                reason: reason.clone(),
                retry_at_ms: *at,
            },
            Phase::Waiting { reconnect_at } => ConnectionStatus::Reconnecting {
                retry_at_ms: Some(*reconnect_at),
            },
            Phase::Rejoining { at, refused: None } => ConnectionStatus::Reconnecting {
                retry_at_ms: Some(*at),
            },
            _ if self.ever_live || self.reconnect_attempts > 0 => {
                ConnectionStatus::Reconnecting { retry_at_ms: None }
            }
            _ => ConnectionStatus::Connecting,
        }
    }

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
                self.reconnect_attempts = 0;
                self.pending_heartbeat = None;
                self.next_heartbeat_at = now_ms + HEARTBEAT_INTERVAL_MS;
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
            Input::Tick => self.on_tick(now_ms, &mut commands),
        }
        commands
    }

    /// Skips the rest of the backoff when waiting to reconnect.
    fn reconnect_now(&mut self, now_ms: u64, commands: &mut Vec<Command>) {
        if let Phase::Waiting { .. } = self.phase {
            self.reconnect_attempts = 0;
            self.phase = Phase::Opening { since: now_ms };
            commands.push(Command::Open);
        }
    }

    /// Whether a `postgres_changes` payload is about the history table.
    fn is_history(&self, payload: &Json) -> bool {
        let table = payload["data"]["table"].as_str();
        table.is_some() && table == self.options.history_table.as_deref()
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

    fn join(&mut self, now_ms: u64, commands: &mut Vec<Command>) {
        let join_ref = self.make_ref();
        // What realtime-js 2.x sends for one postgres_changes listener, in its key order.
        let payload = Json::object([
            (
                "config",
                Json::object([
                    (
                        "broadcast",
                        Json::object([("ack", false.into()), ("self", false.into())]),
                    ),
                    (
                        "presence",
                        Json::object([("key", "".into()), ("enabled", false.into())]),
                    ),
                    (
                        "postgres_changes",
                        Json::Array(
                            std::iter::once(Json::object([
                                ("event", "*".into()),
                                ("schema", Json::string(&self.options.schema)),
                                ("table", Json::string(&self.options.table)),
                            ]))
                            .chain(self.options.history_table.iter().map(|table| {
                                Json::object([
                                    ("event", "INSERT".into()),
                                    ("schema", Json::string(&self.options.schema)),
                                    ("table", Json::string(table)),
                                ])
                            }))
                            .collect(),
                        ),
                    ),
                    ("private", false.into()),
                ]),
            ),
            ("access_token", Json::string(&self.options.access_token)),
        ]);
        let frame = Frame::push(
            Some(join_ref.clone()),
            Some(join_ref.clone()),
            &self.options.topic,
            event::JOIN,
            payload,
        );
        commands.push(Command::Send(frame.encode(Self::VSN)));
        self.phase = Phase::Joining {
            join_ref,
            since: now_ms,
        };
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

    fn on_text(&mut self, text: &str, now_ms: u64, commands: &mut Vec<Command>) {
        let frame = match Frame::decode(text, Self::VSN) {
            Ok(frame) => frame,
            Err(error) => {
                self.dropped_frames += 1;
                commands.push(Command::Log(format!("realtime: dropped a frame: {error}")));
                return;
            }
        };
        if frame.topic == PHOENIX_TOPIC {
            if frame.event == event::REPLY
                && frame.r#ref.is_some()
                && frame.r#ref == self.pending_heartbeat
            {
                self.pending_heartbeat = None;
            }
            return;
        }
        if frame.topic != self.options.topic {
            return;
        }
        // A frame from an older incarnation of the channel (realtime-js `isMember`).
        if let Some(join_ref) = &frame.join_ref
            && Some(join_ref.as_str()) != self.join_ref()
        {
            self.dropped_frames += 1;
            return;
        }
        match frame.event.as_str() {
            event::REPLY => {
                let Phase::Joining { join_ref, .. } = &self.phase else {
                    return;
                };
                if frame.r#ref.as_deref() != Some(join_ref.as_str()) {
                    return;
                }
                let join_ref = join_ref.clone();
                if frame.payload["status"] == "ok" {
                    self.phase = Phase::Subscribing { join_ref };
                } else {
                    let reason = frame.payload["response"]["reason"]
                        .as_str()
                        .unwrap_or("join refused")
                        .to_owned();
                    commands.push(Command::Log(format!("realtime: join refused: {reason}")));
                    self.rejoin_later(now_ms, None);
                }
            }
            event::SYSTEM => {
                let ok = frame.payload["status"] == "ok";
                let message = frame.payload["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                if ok && message == SUBSCRIBED_MESSAGE {
                    if let Phase::Subscribing { join_ref } | Phase::Live { join_ref } = &self.phase
                    {
                        self.phase = Phase::Live {
                            join_ref: join_ref.clone(),
                        };
                        self.rejoin_attempts = 0;
                        self.ever_live = true;
                        commands.push(Command::FetchSnapshot);
                    }
                } else if !ok {
                    commands.push(Command::Log(format!(
                        "realtime: server refused the subscription: {message}"
                    )));
                    self.rejoin_later(now_ms, Some(message));
                }
            }
            event::ERROR | event::CLOSE => {
                commands.push(Command::Log(format!(
                    "realtime: channel {}; rejoining",
                    frame.event
                )));
                self.rejoin_later(now_ms, None);
            }
            event::POSTGRES_CHANGES if self.is_history(&frame.payload) => {
                match parse_history_insert(&frame.payload) {
                    Ok(event) => commands.push(Command::Record(event)),
                    Err(error) => {
                        self.dropped_frames += 1;
                        commands.push(Command::Log(format!(
                            "realtime: ignored a history event: {error}"
                        )));
                    }
                }
            }
            event::POSTGRES_CHANGES => match parse_change(&frame.payload, &self.options.table) {
                Ok(change) => commands.push(Command::Apply(change)),
                Err(error) => {
                    self.dropped_frames += 1;
                    commands.push(Command::Log(format!("realtime: ignored a change: {error}")));
                }
            },
            _ => {}
        }
    }
}

/// The event of a history insert.
fn parse_history_insert(payload: &Json) -> Result<WorkerEvent, String> {
    let data = &payload["data"];
    if let Some(errors) = data.get("errors").filter(|errors| !errors.is_null()) {
        return Err(errors.to_json());
    }
    if data["type"] != "INSERT" {
        return Err("not an insert".to_owned());
    }
    WorkerEvent::from_json(data.get("record").ok_or("no record")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ChannelOptions {
        ChannelOptions {
            jitter_seed: 0,
            topic: "realtime:worker-status".into(),
            schema: "public".into(),
            table: "hp_worker_status".into(),
            history_table: Some("hp_worker_events".into()),
            access_token: "anon".into(),
        }
    }

    #[test]
    fn history_inserts_are_followed_on_the_same_channel() {
        let (mut channel, _) = live(0);
        let insert = r#"[null,null,"realtime:worker-status","postgres_changes",{"ids":[2],"data":{"schema":"public","table":"hp_worker_events","type":"INSERT","commit_timestamp":"2026-11-28T15:00:00.000Z","errors":null,"record":{"id":9,"worker_name":"w","kind":"status","from_status":"running","to_status":"crashed","occurred_at":"2026-11-28T15:00:00Z"}}}]"#;
        let commands = channel.on(Input::Text(insert.into()), 1);
        let [Command::Record(event)] = commands.as_slice() else {
            panic!("{commands:?}");
        };
        assert_eq!(
            (event.id, event.describe().as_str()),
            (9, "Running → Crashed")
        );
        let broken = insert.replace(r#""kind":"status""#, r#""kind":"nonsense""#);
        let commands = channel.on(Input::Text(broken), 2);
        assert!(
            matches!(commands.as_slice(), [Command::Log(_)]),
            "{commands:?}"
        );
    }

    fn sent(commands: &[Command]) -> Vec<Frame> {
        commands
            .iter()
            .filter_map(|command| match command {
                Command::Send(text) => Some(Frame::decode(text, Vsn::V2).unwrap()),
                _ => None,
            })
            .collect()
    }

    fn reply(join_ref: &str, status: &str) -> String {
        format!(
            r#"["{join_ref}","{join_ref}","realtime:worker-status","phx_reply",{{"status":"{status}","response":{{"postgres_changes":[]}}}}]"#
        )
    }

    fn subscribed(join_ref: &str) -> String {
        format!(
            r#"["{join_ref}",null,"realtime:worker-status","system",{{"extension":"postgres_changes","status":"ok","message":"Subscribed to PostgreSQL","channel":"worker-status"}}]"#
        )
    }

    /// Start, open, join ok, subscribed: returns the machine and the join_ref.
    fn live(now: u64) -> (Channel, String) {
        let mut channel = Channel::new(options());
        assert_eq!(channel.on(Input::Start, now), vec![Command::Open]);
        assert_eq!(channel.status(), ConnectionStatus::Connecting);
        let join = sent(&channel.on(Input::Opened, now));
        let join_ref = join[0].join_ref.clone().unwrap();
        assert_eq!(join[0].event, "phx_join");
        assert_eq!(
            join[0].payload["config"]["postgres_changes"][0]["table"],
            "hp_worker_status"
        );
        let history = &join[0].payload["config"]["postgres_changes"][1];
        assert_eq!(
            (&history["event"], &history["table"]),
            (&Json::string("INSERT"), &Json::string("hp_worker_events"))
        );
        assert_eq!(join[0].payload["access_token"], "anon");
        assert!(
            channel
                .on(Input::Text(reply(&join_ref, "ok")), now)
                .is_empty()
        );
        assert_eq!(
            channel.status(),
            ConnectionStatus::Connecting,
            "not live before the system message"
        );
        assert_eq!(
            channel.on(Input::Text(subscribed(&join_ref)), now),
            vec![Command::FetchSnapshot]
        );
        assert_eq!(channel.status(), ConnectionStatus::Live);
        (channel, join_ref)
    }

    #[test]
    fn subscribed_to_postgresql_makes_it_live_and_asks_for_a_snapshot() {
        live(0);
    }

    #[test]
    fn heartbeats_every_25_s_with_fresh_refs() {
        let (mut channel, _) = live(0);
        assert!(sent(&channel.on(Input::Tick, 24_999)).is_empty());
        let first = sent(&channel.on(Input::Tick, 25_000));
        assert_eq!(first[0].topic, "phoenix");
        let first_ref = first[0].r#ref.clone().unwrap();
        channel.on(
            Input::Text(format!(
                r#"[null,"{first_ref}","phoenix","phx_reply",{{"status":"ok","response":{{}}}}]"#
            )),
            25_010,
        );
        let second = sent(&channel.on(Input::Tick, 50_000));
        assert_ne!(second[0].r#ref.clone().unwrap(), first_ref);
    }

    #[test]
    fn missed_heartbeat_reply_forces_reconnect() {
        let (mut channel, _) = live(0);
        channel.on(Input::Tick, 25_000);
        let commands = channel.on(Input::Tick, 50_000);
        assert!(commands.contains(&Command::Close), "{commands:?}");
        assert_eq!(
            channel.status(),
            ConnectionStatus::Reconnecting {
                retry_at_ms: Some(51_000)
            }
        );
    }

    #[test]
    fn reconnect_backoff_is_1_2_5_10_then_10_seconds() {
        let mut channel = Channel::new(options());
        channel.on(Input::Start, 0);
        let mut now = 0;
        let mut delays = Vec::new();
        for _ in 0..6 {
            channel.on(Input::Closed, now);
            let ConnectionStatus::Reconnecting {
                retry_at_ms: Some(at),
            } = channel.status()
            else {
                panic!()
            };
            delays.push(at - now);
            now = at;
            assert_eq!(channel.on(Input::Tick, now), vec![Command::Open]);
        }
        assert_eq!(delays, [1_000, 2_000, 5_000, 10_000, 10_000, 10_000]);
        // A successful open resets the schedule.
        channel.on(Input::Opened, now);
        channel.on(Input::Closed, now);
        assert_eq!(
            channel.status(),
            ConnectionStatus::Reconnecting {
                retry_at_ms: Some(now + 1_000)
            }
        );
    }

    #[test]
    fn phx_error_leads_to_a_rejoin_with_a_new_join_ref() {
        let (mut channel, old_ref) = live(0);
        let error =
            format!(r#"["{old_ref}","{old_ref}","realtime:worker-status","phx_error",{{}}]"#);
        channel.on(Input::Text(error), 100);
        assert!(matches!(
            channel.status(),
            ConnectionStatus::Reconnecting {
                retry_at_ms: Some(1_100)
            }
        ));
        let rejoin = sent(&channel.on(Input::Tick, 1_100));
        assert_eq!(rejoin[0].event, "phx_join");
        let new_ref = rejoin[0].join_ref.clone().unwrap();
        assert_ne!(new_ref, old_ref);
        channel.on(Input::Text(reply(&new_ref, "ok")), 1_200);
        assert_eq!(
            channel.on(Input::Text(subscribed(&new_ref)), 1_300),
            vec![Command::FetchSnapshot],
            "a fresh snapshot after every resubscription"
        );
    }

    #[test]
    fn a_join_timeout_rejoins() {
        let mut channel = Channel::new(options());
        channel.on(Input::Start, 0);
        channel.on(Input::Opened, 0);
        channel.on(Input::Tick, JOIN_TIMEOUT_MS);
        assert!(matches!(
            channel.status(),
            ConnectionStatus::Reconnecting { .. }
        ));
        assert_eq!(
            sent(&channel.on(Input::Tick, JOIN_TIMEOUT_MS + 1_000))[0].event,
            "phx_join"
        );
    }

    #[test]
    fn messages_with_a_stale_join_ref_are_dropped() {
        let (mut channel, old_ref) = live(0);
        channel.on(
            Input::Text(format!(
                r#"["{old_ref}","{old_ref}","realtime:worker-status","phx_error",{{}}]"#
            )),
            0,
        );
        channel.on(Input::Tick, 1_000);
        // The old incarnation's close arrives late: it must not disturb the new join.
        let stale =
            format!(r#"["{old_ref}","{old_ref}","realtime:worker-status","phx_close",{{}}]"#);
        assert!(channel.on(Input::Text(stale), 1_001).is_empty());
        assert_eq!(channel.dropped_frames, 1);
        assert!(channel.join_ref().is_some_and(|current| current != old_ref));
    }

    #[test]
    fn changes_are_applied_and_bad_ones_logged() {
        let (mut channel, _) = live(0);
        let change = r#"[null,null,"realtime:worker-status","postgres_changes",{"ids":[1],"data":{"schema":"public","table":"hp_worker_status","type":"UPDATE","commit_timestamp":"2026-11-28T15:00:00.000Z","errors":null,"record":{"worker_name":"x-autopost","status":"running"},"old_record":{"worker_name":"x-autopost"}}}]"#;
        assert!(matches!(
            channel.on(Input::Text(change.into()), 10).as_slice(),
            [Command::Apply(_)]
        ));
        assert!(matches!(
            channel.on(Input::Text("not json".into()), 10).as_slice(),
            [Command::Log(_)]
        ));
        let bad = r#"[null,null,"realtime:worker-status","postgres_changes",{"data":{"table":"hp_worker_status","type":"INSERT","errors":null,"record":{"worker_name":7}}}]"#;
        assert!(matches!(
            channel.on(Input::Text(bad.into()), 10).as_slice(),
            [Command::Log(_)]
        ));
        assert_eq!(
            channel.status(),
            ConnectionStatus::Live,
            "bad frames do not break the channel"
        );
    }

    #[test]
    fn browser_offline_closes_and_online_reconnects_at_once() {
        let (mut channel, _) = live(0);
        assert_eq!(
            channel.on(Input::BrowserOffline, 1_000),
            vec![Command::Close]
        );
        assert_eq!(channel.status().as_str(), "offline");
        // Backoff keeps running while offline (attempts fail fast)...
        channel.on(Input::Tick, 2_000);
        channel.on(Input::Closed, 2_100);
        assert_eq!(channel.status().as_str(), "offline");
        // ...and the online event skips the rest of it.
        assert_eq!(channel.on(Input::BrowserOnline, 2_200), vec![Command::Open]);
        assert_eq!(
            channel.status(),
            ConnectionStatus::Reconnecting { retry_at_ms: None }
        );
    }

    #[test]
    fn a_visible_page_retries_a_lost_socket_at_once_unless_offline() {
        let (mut channel, _) = live(0);
        assert!(
            channel.on(Input::PageVisible, 10).is_empty(),
            "nothing to do while live"
        );
        channel.on(Input::Closed, 100);
        assert_eq!(channel.on(Input::PageVisible, 200), vec![Command::Open]);
        channel.on(Input::BrowserOffline, 300);
        channel.on(Input::Closed, 300);
        assert!(
            channel.on(Input::PageVisible, 400).is_empty(),
            "no point while the device is offline"
        );
    }

    #[test]
    fn a_refused_subscription_is_offline_and_retried() {
        let mut channel = Channel::new(options());
        channel.on(Input::Start, 0);
        let join_ref = sent(&channel.on(Input::Opened, 0))[0]
            .join_ref
            .clone()
            .unwrap();
        channel.on(Input::Text(reply(&join_ref, "ok")), 0);
        let refused = format!(
            r#"["{join_ref}",null,"realtime:worker-status","system",{{"extension":"postgres_changes","status":"error","message":"Unable to subscribe","channel":"worker-status"}}]"#
        );
        channel.on(Input::Text(refused), 5);
        assert_eq!(
            channel.status(),
            ConnectionStatus::Offline {
                reason: "Unable to subscribe".into(),
                retry_at_ms: 5 + SUBSCRIBE_RETRY_MS
            }
        );
        assert_eq!(channel.status().as_str(), "offline");
    }
}
