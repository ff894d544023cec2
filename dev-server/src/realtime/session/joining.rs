//! Joining a channel, in named steps: `admit` (the client's limits and the topic's name),
//! `authorize` (the token, and for a private channel the `realtime.messages` policies),
//! `register` (the channel, its reply and its broadcasts) and `follow_changes` (the Postgres
//! Changes bindings, checked against the publication, live once the replication slot is).
//! Also a channel's token refresh, which authorizes again.

use dashboard_core::wire::frame::Frame;
use dashboard_core::wire::json::Json;
use dashboard_core::wire::protocol::{TOPIC_PREFIX, UNMATCHED_TOPIC, event};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Channel, SLOT_READY_TIMEOUT, Session, refuse_later};
use crate::keys::{self, Claims};
use crate::realtime::authorization::{self, Refusal};
use crate::realtime::hub::{Binding, BroadcastReceiver, Subscription};
use crate::realtime::join::{self, JoinRequest};
use crate::realtime::limits;

/// A join the token (and the policies) allow.
struct Authorized {
    token: String,
    claims: Claims,
    /// Whether the channel's broadcasts are relayed.
    may_send: bool,
}

impl Session {
    /// A `phx_join`: admitted, authorized, registered, then following its changes; a step that
    /// refuses replies with its reason and ends the join.
    pub(super) async fn join(&mut self, frame: Frame) {
        let Some(name) = self.admit(&frame) else {
            return;
        };
        let request = JoinRequest::parse(&Value::from(frame.payload.clone()));
        let Some(authorized) = self.authorize(&frame, &request, &name).await else {
            return;
        };
        let join_ref = self.register(&frame, &request, &authorized);
        if !request.entries.is_empty() {
            self.follow_changes(&frame.topic, &request, authorized.claims, join_ref)
                .await;
        }
    }

    /// The client's join rate and channel count, and the topic's name; past a limit, or
    /// without a name, the join is refused (the join rate closes the socket too).
    fn admit(&mut self, frame: &Frame) -> Option<String> {
        let limits = self.state.config.client_limits;
        let refusal = if !self.joins.allow(Instant::now(), limits.joins_per_second) {
            self.close_reason = Some(limits::TOO_MANY_JOINS);
            limits::TOO_MANY_JOINS
        } else if self.channels.len() >= limits.channels_per_client
            && !self.channels.contains_key(&frame.topic)
        {
            limits::TOO_MANY_CHANNELS
        } else if let Some(name) = frame.topic.strip_prefix(TOPIC_PREFIX) {
            return Some(name.to_owned());
        } else {
            UNMATCHED_TOPIC
        };
        self.send(Frame::reply(frame, "error", json!({ "reason": refusal })));
        None
    }

    /// The join's token (its own, or the socket's apikey) verified, and for a private channel
    /// the role's right to read the topic (checked at join, kept for the channel, and checked
    /// again when its token is refreshed). A refusal is replied after Realtime's error backoff.
    async fn authorize(
        &self,
        frame: &Frame,
        request: &JoinRequest,
        name: &str,
    ) -> Option<Authorized> {
        let config = &self.state.config;
        let token = request
            .access_token
            .clone()
            .unwrap_or_else(|| self.connect_token.clone());
        let verified = if name.is_empty() {
            Err("TopicNameRequired: You must provide a topic name".to_owned())
        } else {
            keys::verify_for_realtime(&token, &config.jwt_secret, chrono::Utc::now().timestamp())
        };
        let authorized = match verified {
            Ok(claims) if request.private => {
                authorization::may_follow(&self.state.admin_url, &claims, name)
                    .await
                    .map(|may_send| (claims, may_send))
                    .map_err(|refusal| match refusal {
                        Refusal::CannotRead => authorization::unauthorized(name),
                        Refusal::Unchecked(reason) => reason,
                    })
            }
            other => other.map(|claims| (claims, true)),
        };
        match authorized {
            Ok((claims, may_send)) => Some(Authorized {
                token,
                claims,
                may_send,
            }),
            Err(reason) => {
                tracing::debug!(socket = self.socket_id, topic = %frame.topic, %reason, "realtime: join refused");
                refuse_later(&self.outbox, config.channel_error_backoff, frame, reason);
                None
            }
        }
    }

    /// The channel joined: an earlier incarnation of the topic closed first (Phoenix), the ok
    /// reply, its broadcasts, and an empty presence state if asked for. Returns its join ref.
    fn register(
        &mut self,
        frame: &Frame,
        request: &JoinRequest,
        authorized: &Authorized,
    ) -> Option<String> {
        if let Some(previous) = self.channels.get(&frame.topic) {
            let old_ref = previous.join_ref.clone();
            self.close_channel(&frame.topic, old_ref);
        }
        let join_ref = frame.join_ref.clone().or_else(|| frame.r#ref.clone());
        self.channels.insert(
            frame.topic.clone(),
            Channel {
                join_ref: join_ref.clone(),
                token: authorized.token.clone(),
                has_bindings: !request.entries.is_empty(),
                private: request.private,
                may_send: authorized.may_send,
                broadcast_self: request.broadcast_self,
                broadcast_ack: request.broadcast_ack,
            },
        );
        self.send(Frame::reply(frame, "ok", request.reply()));
        // Every joined channel receives the broadcasts of its topic and privacy.
        self.state.hub.insert_receiver(
            self.key(&frame.topic),
            BroadcastReceiver {
                private: request.private,
                outbox: self.outbox.clone(),
            },
        );
        tracing::debug!(socket = self.socket_id, topic = %frame.topic, role = %authorized.claims.role, "realtime: joined");
        if request.presence_enabled {
            self.send(Frame::push(
                join_ref.clone(),
                None,
                &frame.topic,
                event::PRESENCE_STATE,
                json!({}),
            ));
        }
        join_ref
    }

    /// The channel's Postgres Changes bindings: "Subscribed to PostgreSQL" once changes flow,
    /// or a system error saying why they cannot.
    async fn follow_changes(
        &mut self,
        topic: &str,
        request: &JoinRequest,
        claims: Claims,
        join_ref: Option<String>,
    ) {
        match self.subscribe(&request.entries).await {
            Ok(bindings) => {
                let subscription = Subscription {
                    claims,
                    bindings,
                    outbox: self.outbox.clone(),
                };
                self.state.hub.insert(self.key(topic), subscription);
                self.subscribed(topic, join_ref);
            }
            Err(message) => self.system(topic, join_ref, "postgres_changes", "error", &message),
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

    /// A new `access_token` for a channel: verified, and for a private channel authorized
    /// against its topic again (Realtime resets the channel's policies on a new token); a
    /// token that fails either ends the channel with a system error.
    pub(super) async fn refresh_token(&mut self, frame: &Frame) {
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
}
