//! What arrives on the socket, one handler per kind: replies to the join, `system` messages,
//! `phx_error`/`phx_close`, postgres_changes of the table and of the history, and broadcasts
//! (text in 1.0.0, binary user-broadcast frames in 2.0.0).

use super::{Channel, Command, Phase};
use crate::history::WorkerEvent;
use crate::wire::change::{parse_broadcast_change, parse_change};
use crate::wire::frame::Frame;
use crate::wire::json::Json;
use crate::wire::protocol::{PHOENIX_TOPIC, SUBSCRIBED_MESSAGE, event};
use crate::wire::user_broadcast::{BROADCAST_EVENT, UserBroadcast};

impl Channel {
    /// A binary frame: in broadcast mode, a user broadcast of the channel; else ignored.
    pub(super) fn on_binary(&mut self, bytes: &[u8], commands: &mut Vec<Command>) {
        if !self.options.broadcast {
            return;
        }
        match UserBroadcast::decode_binary(bytes) {
            Ok(message) => self.on_broadcast(&message, commands),
            Err(error) => {
                self.dropped_frames += 1;
                commands.push(Command::Log(format!(
                    "realtime: dropped a binary frame: {error}"
                )));
            }
        }
    }

    /// A broadcast of the channel, while live: a change of the table.
    fn on_broadcast(&mut self, message: &UserBroadcast, commands: &mut Vec<Command>) {
        if !self.options.broadcast
            || message.topic != self.options.topic
            || !matches!(self.phase, Phase::Live { .. })
        {
            return;
        }
        match parse_broadcast_change(&message.payload, &self.options.table) {
            Ok(change) => commands.push(Command::Apply(change)),
            Err(error) => {
                self.dropped_frames += 1;
                commands.push(Command::Log(format!(
                    "realtime: ignored a broadcast: {error}"
                )));
            }
        }
    }

    /// Whether a `postgres_changes` payload is about the history table.
    fn is_history(&self, payload: &Json) -> bool {
        let table = payload["data"]["table"].as_str();
        table.is_some() && table == self.options.history_table.as_deref()
    }

    pub(super) fn on_text(&mut self, text: &str, now_ms: u64, commands: &mut Vec<Command>) {
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
                if frame.payload["status"] != "ok" {
                    let reason = frame.payload["response"]["reason"]
                        .as_str()
                        .unwrap_or("join refused")
                        .to_owned();
                    commands.push(Command::Log(format!("realtime: join refused: {reason}")));
                    // A private topic the policies do not open: say so, and ask again later
                    // (an administrator may add the policy), not at the reconnect pace.
                    let refused = reason.starts_with("Unauthorized").then_some(reason);
                    self.rejoin_later(now_ms, refused);
                } else if self.has_postgres_changes() {
                    self.phase = Phase::Subscribing { join_ref };
                } else {
                    // Broadcast only: live once joined (realtime-js: SUBSCRIBED on the reply).
                    self.go_live(join_ref, commands);
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
                        self.go_live(join_ref.clone(), commands);
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
            BROADCAST_EVENT => match UserBroadcast::from_frame(&frame) {
                Some(message) => self.on_broadcast(&message, commands),
                None => {
                    self.dropped_frames += 1;
                    commands.push(Command::Log(
                        "realtime: ignored a broadcast without an event".to_owned(),
                    ));
                }
            },
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
