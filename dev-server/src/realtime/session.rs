//! One WebSocket connection: Phoenix framing in the socket's version, heartbeats, joins, leaves,
//! token refreshes, the idle timeout, and faults. Outgoing frames from anywhere (replies, system
//! messages, changes from the WAL poller) go through one queue, so the socket has one writer.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use dashboard_core::frame::{Frame, Vsn};
use dashboard_core::json::Json;
use dashboard_core::protocol::{
    PHOENIX_TOPIC, SUBSCRIBED_MESSAGE, TOPIC_PREFIX, UNMATCHED_TOPIC, event,
};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::faults::SocketFault;
use crate::keys;
use crate::realtime::hub::{Binding, ChannelKey, Subscription};
use crate::realtime::join::{self, JoinRequest};
use crate::state::AppState;

/// How long a join waits for the replication slot before reporting an error.
const SLOT_READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A joined channel on this socket.
#[derive(Debug)]
struct Channel {
    join_ref: Option<String>,
    token: String,
    has_bindings: bool,
}

/// The state of one connection.
struct Session {
    state: AppState,
    socket_id: u64,
    connect_token: String,
    outbox: mpsc::UnboundedSender<Frame>,
    channels: HashMap<String, Channel>,
}

/// Serves one upgraded socket until it closes, idles out, or a fault drops it.
pub async fn run(
    socket: WebSocket,
    state: AppState,
    socket_id: u64,
    vsn: Vsn,
    connect_token: String,
) {
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut queue) = mpsc::unbounded_channel::<Frame>();
    let mut faults = state.faults.socket_faults();
    let idle_timeout = state.config.idle_timeout;
    let mut session = Session {
        state: state.clone(),
        socket_id,
        connect_token,
        outbox,
        channels: HashMap::new(),
    };
    let mut deadline = Instant::now() + idle_timeout;
    tracing::debug!(
        socket = socket_id,
        vsn = vsn.as_str(),
        "realtime: socket open"
    );
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    deadline = Instant::now() + idle_timeout;
                    session.on_text(text.as_str(), vsn).await;
                }
                // Binary frames are broadcast-only; a postgres_changes server ignores them.
                Some(Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_))) => {
                    deadline = Instant::now() + idle_timeout;
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
            Some(mut frame) = queue.recv() => {
                if vsn == Vsn::V1 {
                    // Phoenix's V1 serializer sends no join_ref.
                    frame.join_ref = None;
                }
                if sink.send(Message::Text(frame.encode(vsn).into())).await.is_err() {
                    break;
                }
            }
            fault = faults.recv() => match fault {
                Ok(SocketFault::Drop) => {
                    tracing::info!(socket = socket_id, "realtime: socket dropped by fault injection");
                    state.hub.remove_socket(socket_id);
                    return;
                }
                Ok(SocketFault::PhxError(topic)) => session.crash_channels(topic.as_deref()),
                Err(_) => {}
            },
            () = tokio::time::sleep_until(deadline) => {
                tracing::debug!(socket = socket_id, "realtime: closing idle socket");
                let _ = sink.send(Message::Close(None)).await;
                break;
            }
        }
    }
    state.hub.remove_socket(socket_id);
    tracing::debug!(socket = socket_id, "realtime: socket closed");
}

impl Session {
    fn key(&self, topic: &str) -> ChannelKey {
        ChannelKey {
            socket: self.socket_id,
            topic: topic.to_owned(),
        }
    }

    fn send(&self, frame: Frame) {
        let _ = self.outbox.send(frame);
    }

    async fn on_text(&mut self, text: &str, vsn: Vsn) {
        let frame = match Frame::decode(text, vsn) {
            Ok(frame) => frame,
            Err(error) => {
                // Realtime logs MalformedWebSocketMessage and keeps the socket.
                tracing::warn!(socket = self.socket_id, %error, "realtime: malformed frame ignored");
                return;
            }
        };
        if frame.topic == PHOENIX_TOPIC && frame.event == event::HEARTBEAT {
            if self.state.faults.answers_heartbeats() {
                self.send(Frame::reply(&frame, "ok", json!({})));
            }
            return;
        }
        if frame.event == event::JOIN {
            self.join(frame).await;
            return;
        }
        let Some(channel) = self.channels.get(&frame.topic) else {
            self.send(Frame::reply(
                &frame,
                "error",
                json!({ "reason": UNMATCHED_TOPIC }),
            ));
            return;
        };
        let join_ref = channel.join_ref.clone();
        match frame.event.as_str() {
            event::LEAVE => {
                self.send(Frame::reply(&frame, "ok", json!({})));
                self.close_channel(&frame.topic, join_ref);
            }
            event::ACCESS_TOKEN => self.refresh_token(&frame),
            other => tracing::debug!(
                socket = self.socket_id,
                event = other,
                "realtime: event ignored"
            ),
        }
    }

    async fn join(&mut self, frame: Frame) {
        let config = &self.state.config;
        let Some(name) = frame.topic.strip_prefix(TOPIC_PREFIX) else {
            self.send(Frame::reply(
                &frame,
                "error",
                json!({ "reason": UNMATCHED_TOPIC }),
            ));
            return;
        };
        let name = name.to_owned();
        let request = JoinRequest::parse(&Value::from(frame.payload.clone()));
        let token = request
            .access_token
            .clone()
            .unwrap_or_else(|| self.connect_token.clone());
        let verified = if name.is_empty() {
            Err("TopicNameRequired: You must provide a topic name".to_owned())
        } else {
            keys::verify_for_realtime(&token, &config.jwt_secret, chrono::Utc::now().timestamp())
        };
        let claims = match verified {
            Ok(claims) => claims,
            Err(reason) => {
                tracing::debug!(socket = self.socket_id, topic = %frame.topic, %reason, "realtime: join refused");
                // Realtime waits CHANNEL_ERROR_BACKOFF_MS before an error reply.
                let (outbox, delay) = (self.outbox.clone(), config.channel_error_backoff);
                let reply = Frame::reply(&frame, "error", json!({ "reason": reason }));
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = outbox.send(reply);
                });
                return;
            }
        };
        if let Some(previous) = self.channels.get(&frame.topic) {
            // Joining a joined topic closes the old incarnation first (Phoenix).
            let old_ref = previous.join_ref.clone();
            self.close_channel(&frame.topic, old_ref);
        }
        let join_ref = frame.join_ref.clone().or_else(|| frame.r#ref.clone());
        self.channels.insert(
            frame.topic.clone(),
            Channel {
                join_ref: join_ref.clone(),
                token,
                has_bindings: !request.entries.is_empty(),
            },
        );
        self.send(Frame::reply(&frame, "ok", request.reply()));
        tracing::debug!(socket = self.socket_id, topic = %frame.topic, role = %claims.role, "realtime: joined");
        if request.presence_enabled {
            self.send(Frame::push(
                join_ref.clone(),
                None,
                &frame.topic,
                event::PRESENCE_STATE,
                json!({}),
            ));
        }
        if request.entries.is_empty() {
            return;
        }
        match self.subscribe(&request.entries).await {
            Ok(bindings) => {
                let subscription = Subscription {
                    claims,
                    bindings,
                    outbox: self.outbox.clone(),
                };
                self.state.hub.insert(self.key(&frame.topic), subscription);
                self.subscribed(&frame.topic, join_ref);
            }
            Err(message) => self.system(
                &frame.topic,
                join_ref,
                "postgres_changes",
                "error",
                &message,
            ),
        }
    }

    /// Checks the bindings against the publication and waits until changes really flow.
    async fn subscribe(&self, entries: &[Value]) -> Result<Vec<Binding>, String> {
        let client = self.state.pool.get().await.map_err(|error| {
            format!("Realtime was unable to connect to the project database: {error}")
        })?;
        let published = crate::realtime::wal::published_tables(&client)
            .await
            .map_err(|error| {
                format!("Realtime was unable to connect to the project database: {error}")
            })?;
        drop(client);
        let bindings = join::bindings(entries, &published, &self.state.schema())?;
        let mut ready = self.state.realtime_ready.subscribe();
        tokio::time::timeout(SLOT_READY_TIMEOUT, ready.wait_for(|ready| *ready))
            .await
            .map_err(|_| "Replication connection was not established in time".to_owned())?
            .map_err(|_| "Realtime is restarting, please standby".to_owned())?;
        Ok(bindings)
    }

    fn refresh_token(&mut self, frame: &Frame) {
        let Some(token) = frame.payload.get("access_token").and_then(Json::as_str) else {
            return;
        };
        let Some(channel) = self.channels.get(&frame.topic) else {
            return;
        };
        if token.is_empty() || token.starts_with("sb_") || token == channel.token {
            return;
        }
        let join_ref = channel.join_ref.clone();
        let has_bindings = channel.has_bindings;
        match keys::verify_for_realtime(
            token,
            &self.state.config.jwt_secret,
            chrono::Utc::now().timestamp(),
        ) {
            Ok(claims) => {
                if let Some(channel) = self.channels.get_mut(&frame.topic) {
                    channel.token = token.to_owned();
                }
                let role = claims.role.clone();
                self.state.hub.set_claims(&self.key(&frame.topic), claims);
                tracing::debug!(topic = %frame.topic, %role, "realtime: token refreshed");
                if has_bindings {
                    self.subscribed(&frame.topic, join_ref);
                }
            }
            Err(reason) => {
                // A bad token ends the channel: system error, then phx_close.
                let message = keys::reason_message(&reason);
                self.system(&frame.topic, join_ref.clone(), "system", "error", message);
                self.close_channel(&frame.topic, join_ref);
            }
        }
    }

    /// "Subscribed to PostgreSQL": changes for this channel now flow.
    fn subscribed(&self, topic: &str, join_ref: Option<String>) {
        self.system(
            topic,
            join_ref,
            "postgres_changes",
            "ok",
            SUBSCRIBED_MESSAGE,
        );
    }

    fn system(
        &self,
        topic: &str,
        join_ref: Option<String>,
        extension: &str,
        status: &str,
        message: &str,
    ) {
        let channel = topic.strip_prefix(TOPIC_PREFIX).unwrap_or(topic);
        let payload = json!({ "extension": extension, "status": status, "message": message, "channel": channel });
        self.send(Frame::push(join_ref, None, topic, event::SYSTEM, payload));
    }

    /// `phx_close` with `ref = join_ref`, and forget the channel.
    fn close_channel(&mut self, topic: &str, join_ref: Option<String>) {
        self.send(Frame::push(
            join_ref.clone(),
            join_ref,
            topic,
            event::CLOSE,
            json!({}),
        ));
        self.channels.remove(topic);
        self.state.hub.remove(&self.key(topic));
    }

    /// Fault injection: the channel processes crash (`phx_error`, `ref = join_ref`).
    fn crash_channels(&mut self, only: Option<&str>) {
        let topics: Vec<String> = self
            .channels
            .keys()
            .filter(|t| only.is_none_or(|only| only == t.as_str()))
            .cloned()
            .collect();
        for topic in topics {
            if let Some(channel) = self.channels.remove(&topic) {
                let join_ref = channel.join_ref;
                self.send(Frame::push(
                    join_ref.clone(),
                    join_ref,
                    &topic,
                    event::ERROR,
                    json!({}),
                ));
                self.state.hub.remove(&self.key(&topic));
            }
        }
    }
}
