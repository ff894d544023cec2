//! One WebSocket connection: Phoenix framing in the socket's version, heartbeats, joins, leaves,
//! token refreshes, the broadcasts its client sends (`client_broadcast`), the idle timeout,
//! faults, and the per-client limits (`limits`). Outgoing
//! frames from anywhere (replies, system messages, changes from the WAL poller) go through one
//! bounded queue (`outbox`), so the socket has one writer.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use dashboard_core::frame::{Frame, Vsn};
use dashboard_core::json::Json;
use dashboard_core::protocol::{
    PHOENIX_TOPIC, SUBSCRIBED_MESSAGE, TOPIC_PREFIX, UNMATCHED_TOPIC, event,
};
use dashboard_core::user_broadcast::{BROADCAST_EVENT, UserBroadcast};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::faults::SocketFault;
use crate::keys;
use crate::realtime::authorization::{self, Refusal};
use crate::realtime::client_broadcast::{self, ClientBroadcast};
use crate::realtime::hub::{Binding, BroadcastReceiver, ChannelKey, Subscription};
use crate::realtime::join::{self, JoinRequest};
use crate::realtime::limits::{self, PerSecond};
use crate::realtime::outbox::{self, Outbox};
use crate::state::AppState;

/// How long a join waits for the replication slot before reporting an error.
const SLOT_READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A joined channel on this socket.
#[derive(Debug)]
struct Channel {
    join_ref: Option<String>,
    token: String,
    has_bindings: bool,
    /// Joined with `config.private`: a new token is authorized against the topic again.
    private: bool,
    /// Whether the channel's broadcasts are relayed: always on a public channel, on a private
    /// one when the policies let the role write.
    may_send: bool,
    /// `config.broadcast.self`.
    broadcast_self: bool,
    /// `config.broadcast.ack`.
    broadcast_ack: bool,
}

/// Refuses a join with `reason` after Realtime's error backoff.
fn refuse_later(outbox: &Outbox, delay: Duration, request: &Frame, reason: String) {
    let (outbox, reply) = (
        outbox.clone(),
        Frame::reply(request, "error", json!({ "reason": reason })),
    );
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        outbox.send(reply);
    });
}

/// The state of one connection.
struct Session {
    state: AppState,
    socket_id: u64,
    connect_token: String,
    outbox: Outbox,
    channels: HashMap<String, Channel>,
    joins: PerSecond,
    /// Every frame but joins (which have their own limit), malformed ones included.
    messages: PerSecond,
    /// Set when a limit was passed: the socket is closed with this reason.
    close_reason: Option<&'static str>,
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
    let limits = state.config.client_limits;
    let (outbox, mut queue) = outbox::outbox(limits.queued_frames);
    let mut faults = state.faults.socket_faults();
    let idle_timeout = state.config.idle_timeout;
    let mut session = Session {
        state: state.clone(),
        socket_id,
        connect_token,
        outbox,
        channels: HashMap::new(),
        joins: PerSecond::new(Instant::now()),
        messages: PerSecond::new(Instant::now()),
        close_reason: None,
    };
    // A frame as this socket's version writes it (Phoenix's V1 serializer sends no join_ref;
    // Realtime's V2 serializer sends a broadcast as a binary user-broadcast frame).
    let outgoing = |mut frame: Frame| {
        if vsn == Vsn::V1 {
            frame.join_ref = None;
        } else if frame.join_ref.is_none()
            && let Some(bytes) =
                UserBroadcast::from_frame(&frame).and_then(|message| message.encode_binary().ok())
        {
            return Message::Binary(bytes.into());
        }
        Message::Text(frame.encode(vsn).into())
    };
    let mut deadline = Instant::now() + idle_timeout;
    tracing::debug!(
        socket = socket_id,
        vsn = vsn.as_str(),
        "realtime: socket open"
    );
    loop {
        if let Some(reason) = session
            .close_reason
            .or(queue.overflowed().then_some(limits::NOT_READING))
        {
            tracing::info!(
                socket = socket_id,
                reason,
                "realtime: closing a client over its limits"
            );
            let close = Message::Close(Some(CloseFrame {
                code: close_code::POLICY,
                reason: reason.into(),
            }));
            // What is queued (a join's error reply) goes first, then the close frame; a client
            // that does not read may take neither, so this waits one second at most.
            let flush = async {
                if session.close_reason.is_some() {
                    while let Some(frame) = queue.try_recv() {
                        sink.send(outgoing(frame)).await?;
                    }
                }
                sink.send(close).await
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), flush).await;
            // The closing handshake: read (and drop) what the client still sends until its own
            // close frame, so the connection ends cleanly instead of with a reset that would
            // throw away the replies and the reason it has not read yet.
            let drain = async {
                while let Some(Ok(message)) = stream.next().await {
                    if matches!(message, Message::Close(_)) {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
            break;
        }
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    deadline = Instant::now() + idle_timeout;
                    session.on_text(text.as_str(), vsn).await;
                }
                // Binary frames are user-broadcast pushes.
                Some(Ok(Message::Binary(bytes))) => {
                    deadline = Instant::now() + idle_timeout;
                    session.on_binary(&bytes);
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {
                    deadline = Instant::now() + idle_timeout;
                    session.count_message();
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
            Some(frame) = queue.recv() => {
                match tokio::time::timeout(limits.send_timeout, sink.send(outgoing(frame))).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => break,
                    Err(_) => {
                        tracing::info!(socket = socket_id, "realtime: client not reading; socket dropped");
                        break;
                    }
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
        self.outbox.send(frame);
    }

    /// Counts one frame against the messages-per-second limit; past it, the socket closes.
    fn count_message(&mut self) {
        let limit = self.state.config.client_limits.messages_per_second;
        if !self.messages.allow(Instant::now(), limit) {
            self.close_reason = Some(limits::TOO_MANY_MESSAGES);
        }
    }

    async fn on_text(&mut self, text: &str, vsn: Vsn) {
        let decoded = Frame::decode(text, vsn);
        if !matches!(&decoded, Ok(frame) if frame.event == event::JOIN) {
            self.count_message();
            if self.close_reason.is_some() {
                return;
            }
        }
        let frame = match decoded {
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
            event::ACCESS_TOKEN => self.refresh_token(&frame).await,
            BROADCAST_EVENT => self.client_broadcast(&ClientBroadcast::from_text(&frame)),
            other => tracing::debug!(
                socket = self.socket_id,
                event = other,
                "realtime: event ignored"
            ),
        }
    }

    async fn join(&mut self, frame: Frame) {
        let config = &self.state.config;
        let limits = config.client_limits;
        if !self.joins.allow(Instant::now(), limits.joins_per_second) {
            self.send(Frame::reply(
                &frame,
                "error",
                json!({ "reason": limits::TOO_MANY_JOINS }),
            ));
            self.close_reason = Some(limits::TOO_MANY_JOINS);
            return;
        }
        if self.channels.len() >= limits.channels_per_client
            && !self.channels.contains_key(&frame.topic)
        {
            self.send(Frame::reply(
                &frame,
                "error",
                json!({ "reason": limits::TOO_MANY_CHANNELS }),
            ));
            return;
        }
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
                refuse_later(&self.outbox, config.channel_error_backoff, &frame, reason);
                return;
            }
        };
        // A private channel: the role must be allowed to read the topic (checked at join, kept
        // for the channel, and checked again when its token is refreshed).
        let may_send = if request.private {
            let followed = authorization::may_follow(&self.state.admin_url, &claims, &name)
                .await
                .map_err(|refusal| match refusal {
                    Refusal::CannotRead => authorization::unauthorized(&name),
                    Refusal::Unchecked(reason) => reason,
                });
            match followed {
                Ok(write) => write,
                Err(reason) => {
                    tracing::debug!(socket = self.socket_id, topic = %frame.topic, %reason, "realtime: private join refused");
                    refuse_later(&self.outbox, config.channel_error_backoff, &frame, reason);
                    return;
                }
            }
        } else {
            true
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
                private: request.private,
                may_send,
                broadcast_self: request.broadcast_self,
                broadcast_ack: request.broadcast_ack,
            },
        );
        self.send(Frame::reply(&frame, "ok", request.reply()));
        // Every joined channel receives the broadcasts of its topic and privacy.
        self.state.hub.insert_receiver(
            self.key(&frame.topic),
            BroadcastReceiver {
                private: request.private,
                outbox: self.outbox.clone(),
            },
        );
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

    /// A binary frame: realtime-js's user-broadcast push (protocol 2.0.0).
    fn on_binary(&mut self, bytes: &[u8]) {
        self.count_message();
        if self.close_reason.is_some() {
            return;
        }
        match ClientBroadcast::from_binary(bytes) {
            Ok(broadcast) => self.client_broadcast(&broadcast),
            Err(error) => {
                tracing::debug!(socket = self.socket_id, %error, "realtime: binary frame ignored");
            }
        }
    }

    /// Relays what a client broadcast on a joined channel, if its channel may send.
    fn client_broadcast(&self, broadcast: &ClientBroadcast) {
        let Some(channel) = self.channels.get(&broadcast.topic) else {
            tracing::debug!(socket = self.socket_id, topic = %broadcast.topic, "realtime: broadcast on a topic not joined ignored");
            return;
        };
        if !channel.may_send {
            // Realtime drops it, ack or not: the sender's ack times out.
            tracing::debug!(socket = self.socket_id, topic = %broadcast.topic, "realtime: broadcast without a write policy dropped");
            return;
        }
        client_broadcast::relay(
            &self.state.hub,
            &self.key(&broadcast.topic),
            channel.private,
            channel.broadcast_self,
            broadcast,
        );
        if channel.broadcast_ack {
            let ack = Frame {
                join_ref: channel.join_ref.clone(),
                r#ref: broadcast.r#ref.clone(),
                topic: broadcast.topic.clone(),
                event: event::REPLY.to_owned(),
                payload: json!({"status": "ok", "response": {}}).into(),
            };
            self.send(ack);
        }
    }

    /// A new `access_token` for a channel: verified, and for a private channel authorized
    /// against its topic again (Realtime resets the channel's policies on a new token); a
    /// token that fails either ends the channel with a system error.
    async fn refresh_token(&mut self, frame: &Frame) {
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
        let private = channel.private;
        let verified = keys::verify_for_realtime(
            token,
            &self.state.config.jwt_secret,
            chrono::Utc::now().timestamp(),
        )
        .map_err(|reason| keys::reason_message(&reason).to_owned());
        let authorized = match verified {
            Ok(claims) if private => {
                let name = frame.topic.strip_prefix(TOPIC_PREFIX).unwrap_or_default();
                authorization::may_follow(&self.state.admin_url, &claims, name)
                    .await
                    .map(|write| (claims, write))
                    .map_err(|refusal| match refusal {
                        Refusal::CannotRead => authorization::cannot_read(name),
                        Refusal::Unchecked(reason) => reason,
                    })
            }
            other => other.map(|claims| (claims, true)),
        };
        match authorized {
            Ok((claims, may_send)) => {
                if let Some(channel) = self.channels.get_mut(&frame.topic) {
                    channel.token = token.to_owned();
                    channel.may_send = may_send;
                }
                let role = claims.role.clone();
                self.state.hub.set_claims(&self.key(&frame.topic), claims);
                tracing::debug!(topic = %frame.topic, %role, "realtime: token refreshed");
                if has_bindings {
                    self.subscribed(&frame.topic, join_ref);
                }
            }
            Err(message) => {
                // A bad or unauthorized token ends the channel: system error, then phx_close.
                tracing::debug!(topic = %frame.topic, %message, "realtime: refreshed token refused");
                self.system(&frame.topic, join_ref.clone(), "system", "error", &message);
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
