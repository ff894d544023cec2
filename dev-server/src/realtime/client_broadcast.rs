//! Broadcasts a client sends on a channel, relayed as Supabase Realtime relays them
//! (`RealtimeWeb.RealtimeChannel.BroadcastHandler`): to the other channels joined to the same
//! topic with the same privacy (to the sender's own channel too with `config.broadcast.self`),
//! acknowledged with `config.broadcast.ack`. On a private channel only a role the
//! `realtime.messages` policies let write may send; anything else is dropped without a reply,
//! as Realtime drops it. This is why nobody with the public key can broadcast fake worker
//! states on `worker-status`.
//!
//! Protocol 1.0.0 (and 2.0.0 when the payload has no string event) sends a text `broadcast`
//! push; realtime-js in 2.0.0 sends a binary "user broadcast push" (kind 3):
//!
//! ```text
//! u8 kind = 3 | u8 join_ref size | u8 ref size | u8 topic size | u8 event size |
//! u8 metadata size | u8 encoding (1 JSON, 0 binary) | join_ref | ref | topic | event | metadata |
//! payload (the rest)
//! ```

use dashboard_core::wire::frame::Frame;
use dashboard_core::wire::json::Json;
use dashboard_core::wire::user_broadcast::UserBroadcast;

use crate::realtime::hub::{ChannelKey, Hub};

/// The first byte of a client's user-broadcast push.
pub const USER_BROADCAST_PUSH_KIND: u8 = 3;

/// One broadcast a client sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientBroadcast {
    /// The push's `ref` (what an ack answers), if any.
    pub r#ref: Option<String>,
    /// The channel's topic, `realtime:<name>`.
    pub topic: String,
    /// What receivers get: a text push (from a text frame) or a user broadcast (from kind 3).
    pub message: Frame,
}

/// Why a binary frame cannot be relayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// Not a kind-3 frame, or its sizes run past its end.
    #[error("not a user broadcast push: {0}")]
    Malformed(&'static str),
    /// A binary (not JSON) payload: the gateway relays JSON only.
    #[error("binary broadcast payloads are not relayed by the local gateway")]
    BinaryPayload,
}

impl ClientBroadcast {
    /// A text `broadcast` push: relayed with its payload as it came.
    pub fn from_text(frame: &Frame) -> Self {
        Self {
            r#ref: frame.r#ref.clone(),
            topic: frame.topic.clone(),
            message: Frame::push(
                None,
                None,
                &frame.topic,
                &frame.event,
                frame.payload.clone(),
            ),
        }
    }

    /// A binary user-broadcast push (kind 3) with a JSON payload.
    pub fn from_binary(bytes: &[u8]) -> Result<Self, PushError> {
        let [
            kind,
            join_ref,
            r#ref,
            topic,
            event,
            meta,
            encoding,
            rest @ ..,
        ] = bytes
        else {
            return Err(PushError::Malformed("shorter than its header"));
        };
        if *kind != USER_BROADCAST_PUSH_KIND {
            return Err(PushError::Malformed("not kind 3"));
        }
        let mut rest = rest;
        let mut take = |size: u8| -> Result<&str, PushError> {
            let size = usize::from(size);
            if rest.len() < size {
                return Err(PushError::Malformed("a part runs past the end"));
            }
            let (part, tail) = rest.split_at(size);
            rest = tail;
            std::str::from_utf8(part).map_err(|_| PushError::Malformed("a part is not UTF-8"))
        };
        let _join_ref = take(*join_ref)?;
        let r#ref = take(*r#ref)?.to_owned();
        let topic = take(*topic)?.to_owned();
        let event = take(*event)?.to_owned();
        let _meta = take(*meta)?;
        if *encoding != 1 {
            return Err(PushError::BinaryPayload);
        }
        let payload = serde_json::from_slice::<serde_json::Value>(rest)
            .map_err(|_| PushError::Malformed("the payload is not JSON"))?;
        let message = UserBroadcast {
            topic: topic.clone(),
            event,
            meta: None,
            payload: Json::from(payload),
        };
        Ok(Self {
            r#ref: (!r#ref.is_empty()).then_some(r#ref),
            topic,
            message: message.to_frame(),
        })
    }
}

/// Sends `broadcast` to the channels of its topic with privacy `private`, the sender's own
/// channel `from` only when `to_self`.
pub fn relay(
    hub: &Hub,
    from: &ChannelKey,
    private: bool,
    to_self: bool,
    broadcast: &ClientBroadcast,
) {
    let except = (!to_self).then_some(from);
    for outbox in hub.receivers_except(&broadcast.topic, private, except) {
        outbox.send(broadcast.message.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(parts: [&str; 5], encoding: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![USER_BROADCAST_PUSH_KIND];
        bytes.extend(parts.iter().map(|part| u8::try_from(part.len()).unwrap()));
        bytes.push(encoding);
        for part in parts {
            bytes.extend_from_slice(part.as_bytes());
        }
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn a_kind_3_push_becomes_the_user_broadcast_receivers_get() {
        let bytes = push(["1", "2", "realtime:room", "moved", ""], 1, br#"{"x":1}"#);
        let broadcast = ClientBroadcast::from_binary(&bytes).unwrap();
        assert_eq!(broadcast.r#ref.as_deref(), Some("2"));
        assert_eq!(broadcast.topic, "realtime:room");
        let message = UserBroadcast::from_frame(&broadcast.message).unwrap();
        assert_eq!(message.event, "moved");
        assert_eq!(message.payload.to_json(), r#"{"x":1}"#);
        assert_eq!(message.meta, None);
    }

    #[test]
    fn broken_pushes_are_errors_not_panics() {
        let good = push(["1", "2", "realtime:room", "moved", ""], 1, b"{}");
        for cut in 0..good.len() - 2 {
            assert!(
                ClientBroadcast::from_binary(&good[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut other_kind = good;
        other_kind[0] = 4;
        assert!(ClientBroadcast::from_binary(&other_kind).is_err());
        assert_eq!(
            ClientBroadcast::from_binary(&push(["1", "2", "realtime:room", "e", ""], 0, b"\x00")),
            Err(PushError::BinaryPayload)
        );
        assert!(
            ClientBroadcast::from_binary(&push(["1", "2", "t", "e", ""], 1, b"not json")).is_err()
        );
    }
}
