//! One WebSocket connection: Phoenix framing in the socket's version, heartbeats, leaves, the
//! broadcasts its client sends (`client_broadcast`), the idle timeout, faults, and the
//! per-client limits (`limits`); joins and token refreshes are in `joining`. Outgoing frames
//! from anywhere (replies, system messages, changes from the WAL poller) go through one bounded
//! queue (`outbox`), so the socket has one writer.

mod joining;

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use dashboard_core::wire::frame::{Frame, Vsn};
use dashboard_core::wire::protocol::{
    PHOENIX_TOPIC, SUBSCRIBED_MESSAGE, TOPIC_PREFIX, UNMATCHED_TOPIC, event,
};
use dashboard_core::wire::user_broadcast::{BROADCAST_EVENT, UserBroadcast};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::time::Instant;

use crate::faults::SocketFault;
use crate::realtime::client_broadcast::{self, ClientBroadcast};
use crate::realtime::hub::ChannelKey;
use crate::realtime::limits::{self, PerSecond};
use crate::realtime::outbox::{self, Inbox, Outbox};
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
    let outgoing = |frame: Frame| encode(frame, vsn);
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
            let flush_queue = session.close_reason.is_some();
            close_over_limits(&mut sink, &mut stream, &mut queue, flush_queue, reason, vsn).await;
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

/// A frame as this socket's version writes it (Phoenix's V1 serializer sends no join_ref;
/// Realtime's V2 serializer sends a broadcast as a binary user-broadcast frame).
fn encode(mut frame: Frame, vsn: Vsn) -> Message {
    if vsn == Vsn::V1 {
        frame.join_ref = None;
    } else if frame.join_ref.is_none()
        && let Some(bytes) =
            UserBroadcast::from_frame(&frame).and_then(|message| message.encode_binary().ok())
    {
        return Message::Binary(bytes.into());
    }
    Message::Text(frame.encode(vsn).into())
}

/// Closes a socket whose client passed a limit, with `reason`: what is queued (a join's error
/// reply) goes first when `flush_queue`, then the close frame; a client that does not read may
/// take neither, so this waits one second at most. Then the closing handshake: what the client
/// still sends is read (and dropped) until its own close frame, so the connection ends cleanly
/// instead of with a reset that would throw away the replies and the reason it has not read.
async fn close_over_limits(
    sink: &mut SplitSink<WebSocket, Message>,
    stream: &mut SplitStream<WebSocket>,
    queue: &mut Inbox,
    flush_queue: bool,
    reason: &'static str,
    vsn: Vsn,
) {
    let close = Message::Close(Some(CloseFrame {
        code: close_code::POLICY,
        reason: reason.into(),
    }));
    let flush = async {
        if flush_queue {
            while let Some(frame) = queue.try_recv() {
                sink.send(encode(frame, vsn)).await?;
            }
        }
        sink.send(close).await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), flush).await;
    let drain = async {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
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
