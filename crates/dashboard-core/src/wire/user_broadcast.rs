//! A Broadcast message as Supabase Realtime delivers it to a channel (issue 14): in protocol
//! 1.0.0 (and as text in 2.0.0) a `broadcast` event whose payload is `{"type":"broadcast",
//! "event":…,"meta":{"id":…},"payload":…}`; in 2.0.0 Realtime sends what comes from the database
//! as a binary "user broadcast" frame (kind 4, `RealtimeWeb.Socket.V2Serializer.fastlane!`):
//!
//! ```text
//! u8 kind = 4 | u8 topic size | u8 event size | u8 metadata size | u8 encoding (1 JSON, 0 binary)
//! topic | event | metadata (JSON) | payload (the rest)
//! ```

use crate::wire::frame::Frame;
use crate::wire::json::Json;

/// The first byte of a server user-broadcast frame.
pub const USER_BROADCAST_KIND: u8 = 4;
/// The event name of a broadcast in text frames.
pub const BROADCAST_EVENT: &str = "broadcast";

/// One broadcast message on a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct UserBroadcast {
    /// The channel's topic, `realtime:<name>`.
    pub topic: String,
    /// The user event (`INSERT`, `UPDATE`, `DELETE` for database changes).
    pub event: String,
    /// Realtime's metadata (`{"id": <message uuid>}`), if any.
    pub meta: Option<Json>,
    /// The message.
    pub payload: Json,
}

/// Why a binary frame is not a user broadcast.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a user broadcast frame: {0}")]
pub struct BinaryFrameError(&'static str);

impl UserBroadcast {
    /// The text form: a `broadcast` push with `join_ref` and `ref` null (a fastlane message).
    pub fn to_frame(&self) -> Frame {
        let mut payload = vec![
            ("event".to_owned(), Json::string(&self.event)),
            ("payload".to_owned(), self.payload.clone()),
            ("type".to_owned(), Json::string(BROADCAST_EVENT)),
        ];
        if let Some(meta) = &self.meta {
            payload.push(("meta".to_owned(), meta.clone()));
        }
        Frame::push(
            None,
            None,
            &self.topic,
            BROADCAST_EVENT,
            Json::Object(payload),
        )
    }

    /// Reads the text form (`None` when `frame` is not a broadcast).
    pub fn from_frame(frame: &Frame) -> Option<Self> {
        if frame.event != BROADCAST_EVENT {
            return None;
        }
        Some(Self {
            topic: frame.topic.clone(),
            event: frame.payload["event"].as_str()?.to_owned(),
            meta: frame.payload.get("meta").cloned(),
            payload: frame.payload.get("payload").cloned().unwrap_or_default(),
        })
    }

    /// The binary form (kind 4, JSON payload). Topic, event and metadata longer than 255 bytes
    /// cannot be framed (Realtime refuses them too).
    pub fn encode_binary(&self) -> Result<Vec<u8>, BinaryFrameError> {
        let meta = self.meta.as_ref().map(Json::to_json).unwrap_or_default();
        let size = |part: &str, what: &'static str| {
            u8::try_from(part.len()).map_err(|_| BinaryFrameError(what))
        };
        let payload = self.payload.to_json();
        let mut bytes = Vec::with_capacity(
            5 + self.topic.len() + self.event.len() + meta.len() + payload.len(),
        );
        bytes.extend([
            USER_BROADCAST_KIND,
            size(&self.topic, "topic longer than 255 bytes")?,
            size(&self.event, "event longer than 255 bytes")?,
            size(&meta, "metadata longer than 255 bytes")?,
            1,
        ]);
        for part in [&self.topic, &self.event, &meta, &payload] {
            bytes.extend_from_slice(part.as_bytes());
        }
        Ok(bytes)
    }

    /// Reads the binary form. A binary payload (encoding 0) is refused: the dashboard only
    /// receives JSON.
    pub fn decode_binary(bytes: &[u8]) -> Result<Self, BinaryFrameError> {
        let [kind, topic_size, event_size, meta_size, encoding, rest @ ..] = bytes else {
            return Err(BinaryFrameError("shorter than its header"));
        };
        if *kind != USER_BROADCAST_KIND {
            return Err(BinaryFrameError("another kind"));
        }
        if *encoding != 1 {
            return Err(BinaryFrameError("a binary payload"));
        }
        let (topic_size, event_size, meta_size) = (
            *topic_size as usize,
            *event_size as usize,
            *meta_size as usize,
        );
        if rest.len() < topic_size + event_size + meta_size {
            return Err(BinaryFrameError("shorter than its sizes"));
        }
        let (topic, rest) = rest.split_at(topic_size);
        let (event, rest) = rest.split_at(event_size);
        let (meta, payload) = rest.split_at(meta_size);
        let text = |part: &[u8]| {
            std::str::from_utf8(part)
                .map(str::to_owned)
                .map_err(|_| BinaryFrameError("text that is not UTF-8"))
        };
        Ok(Self {
            topic: text(topic)?,
            event: text(event)?,
            meta: if meta.is_empty() {
                None
            } else {
                Some(
                    Json::parse_bytes(meta)
                        .map_err(|_| BinaryFrameError("metadata that is not JSON"))?,
                )
            },
            payload: Json::parse_bytes(payload)
                .map_err(|_| BinaryFrameError("a payload that is not JSON"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> UserBroadcast {
        UserBroadcast {
            topic: "realtime:worker-status".to_owned(),
            event: "UPDATE".to_owned(),
            meta: Some(j!({"id": "5f1c"})),
            payload: j!({"operation": "UPDATE", "schema": "public", "table": "hp_worker_status",
                "record": {"worker_name": "ä"}, "old_record": {"worker_name": "ä"}}),
        }
    }

    #[test]
    fn the_binary_frame_is_realtime_s_kind_4_layout_and_reads_back() {
        let bytes = message().encode_binary().unwrap();
        assert_eq!(&bytes[..5], &[4, 22, 6, 13, 1]);
        assert_eq!(&bytes[5..27], b"realtime:worker-status");
        assert_eq!(&bytes[27..33], b"UPDATE");
        assert_eq!(&bytes[33..46], br#"{"id":"5f1c"}"#);
        assert_eq!(UserBroadcast::decode_binary(&bytes).unwrap(), message());
    }

    #[test]
    fn broken_binary_frames_are_errors_not_panics() {
        let bytes = message().encode_binary().unwrap();
        for cut in 0..bytes.len() - 1 {
            let _ = UserBroadcast::decode_binary(&bytes[..cut]);
        }
        assert!(UserBroadcast::decode_binary(&[2, 0, 0, 0, 1]).is_err());
        assert!(
            UserBroadcast::decode_binary(&[4, 0, 0, 0, 0, b'x']).is_err(),
            "binary payload"
        );
        assert!(UserBroadcast::decode_binary(&[4, 9, 0, 0, 1, b'x']).is_err());
        let long = UserBroadcast {
            topic: "t".repeat(256),
            ..message()
        };
        assert!(long.encode_binary().is_err());
    }

    #[test]
    fn the_text_form_round_trips() {
        let frame = message().to_frame();
        assert_eq!(frame.event, "broadcast");
        assert_eq!(
            (frame.join_ref.as_deref(), frame.r#ref.as_deref()),
            (None, None)
        );
        assert_eq!(frame.payload["type"], "broadcast");
        assert_eq!(UserBroadcast::from_frame(&frame), Some(message()));
    }
}
