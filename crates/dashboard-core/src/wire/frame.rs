//! Phoenix channel frames and their two wire encodings (vsn 1.0.0 objects, vsn 2.0.0 arrays).
//!
//! This is the lenient layer: it checks the frame's shape, not its meaning. Turning a frame into
//! a typed change or reply happens above it. Unknown events and extra keys are kept or ignored,
//! never an error, because the server may add them at any time.

use crate::wire::json::Json;

use crate::wire::protocol::{PHOENIX_TOPIC, event};

/// The serializer version named by the socket URL's `vsn` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vsn {
    /// `1.0.0`: JSON objects. The server's default when `vsn` is absent.
    #[default]
    V1,
    /// `2.0.0`: JSON arrays `[join_ref, ref, topic, event, payload]`; realtime-js's default.
    V2,
}

impl Vsn {
    /// Parses the `vsn` URL parameter; `None` for a version we do not speak.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "1.0.0" => Some(Self::V1),
            "2.0.0" => Some(Self::V2),
            _ => None,
        }
    }

    /// The URL parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "1.0.0",
            Self::V2 => "2.0.0",
        }
    }
}

/// One Phoenix message.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Ref of the join that opened this channel incarnation; `None` for socket-level and
    /// broadcast messages (and always absent on the wire in vsn 1.0.0 server frames).
    pub join_ref: Option<String>,
    /// Per-push counter that pairs a reply with its push; `None` for server pushes.
    pub r#ref: Option<String>,
    /// `realtime:<name>` or `phoenix`.
    pub topic: String,
    /// See [`crate::wire::protocol::event`].
    pub event: String,
    /// Event-specific JSON.
    pub payload: Json,
}

/// Why a text frame could not be read as a Phoenix message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The text is not JSON.
    #[error("frame is not JSON: {0}")]
    NotJson(String),
    /// JSON of the wrong shape for the serializer version.
    #[error("frame has the wrong shape for vsn {vsn}: {detail}")]
    WrongShape {
        /// The version we decoded with.
        vsn: &'static str,
        /// What was wrong.
        detail: String,
    },
}

impl Frame {
    /// Reads one text frame.
    pub fn decode(text: &str, vsn: Vsn) -> Result<Self, FrameError> {
        let value = Json::parse(text).map_err(|error| FrameError::NotJson(error.to_string()))?;
        let wrong = |detail: &str| FrameError::WrongShape {
            vsn: vsn.as_str(),
            detail: detail.to_owned(),
        };
        // Both versions carry the same five values; only their packaging differs.
        let [join_ref, r#ref, topic, event, payload]: [Json; 5] = match (vsn, value) {
            (Vsn::V2, Json::Array(items)) => {
                items.try_into().map_err(|_| wrong("expected 5 elements"))?
            }
            (Vsn::V1, mut object @ Json::Object(_)) => {
                // Phoenix requires topic, event, payload and ref (which may be null).
                let mut take = |key: &str| {
                    object
                        .take(key)
                        .ok_or_else(|| wrong(&format!("missing \"{key}\"")))
                };
                let (topic, event, payload, r#ref) = (
                    take("topic")?,
                    take("event")?,
                    take("payload")?,
                    take("ref")?,
                );
                let join_ref = object.take("join_ref").unwrap_or(Json::Null);
                [join_ref, r#ref, topic, event, payload]
            }
            (Vsn::V2, _) => return Err(wrong("expected a JSON array")),
            (Vsn::V1, _) => return Err(wrong("expected a JSON object")),
        };
        Ok(Self {
            join_ref: optional_ref(join_ref)
                .ok_or_else(|| wrong("join_ref must be a string or null"))?,
            r#ref: optional_ref(r#ref).ok_or_else(|| wrong("ref must be a string or null"))?,
            topic: string(topic).ok_or_else(|| wrong("topic must be a string"))?,
            event: string(event).ok_or_else(|| wrong("event must be a string"))?,
            payload,
        })
    }

    /// Writes the frame as text. In vsn 1.0.0 `join_ref` is written only when present; a server
    /// speaking 1.0.0 clears it first, as Phoenix's V1 serializer sends none.
    pub fn encode(&self, vsn: Vsn) -> String {
        let text = |value: &Option<String>| Json::from(value.clone());
        let value = match vsn {
            Vsn::V2 => Json::Array(vec![
                text(&self.join_ref),
                text(&self.r#ref),
                Json::string(&self.topic),
                Json::string(&self.event),
                self.payload.clone(),
            ]),
            Vsn::V1 => {
                let mut object = vec![
                    ("topic".to_owned(), Json::string(&self.topic)),
                    ("event".to_owned(), Json::string(&self.event)),
                    ("payload".to_owned(), self.payload.clone()),
                    ("ref".to_owned(), text(&self.r#ref)),
                ];
                if let Some(join_ref) = &self.join_ref {
                    object.push(("join_ref".to_owned(), Json::string(join_ref)));
                }
                Json::Object(object)
            }
        };
        value.to_json()
    }

    /// A `phx_reply` to a push: `{"response": response, "status": status}`, in the key order
    /// Phoenix writes it.
    pub fn reply(request: &Self, status: &str, response: impl Into<Json>) -> Self {
        Self {
            join_ref: request.join_ref.clone(),
            r#ref: request.r#ref.clone(),
            topic: request.topic.clone(),
            event: event::REPLY.to_owned(),
            payload: Json::object([
                ("response", response.into()),
                ("status", Json::string(status)),
            ]),
        }
    }

    /// A client heartbeat with a fresh `ref`.
    pub fn heartbeat(r#ref: String) -> Self {
        Self {
            join_ref: None,
            r#ref: Some(r#ref),
            topic: PHOENIX_TOPIC.to_owned(),
            event: event::HEARTBEAT.to_owned(),
            payload: Json::Object(Vec::new()),
        }
    }

    /// A server push on a channel (`system`, `phx_close`, `postgres_changes`, ...).
    pub fn push(
        join_ref: Option<String>,
        r#ref: Option<String>,
        topic: &str,
        event: &str,
        payload: impl Into<Json>,
    ) -> Self {
        Self {
            join_ref,
            r#ref,
            topic: topic.to_owned(),
            event: event.to_owned(),
            payload: payload.into(),
        }
    }
}

/// `null` → `Some(None)`, a string → `Some(Some(s))`, a number → its text (lenient: some
/// clients count refs as numbers); anything else → `None` (invalid).
fn optional_ref(value: Json) -> Option<Option<String>> {
    match value {
        Json::Null => Some(None),
        Json::String(text) | Json::Number(text) => Some(Some(text)),
        _ => None,
    }
}

fn string(value: Json) -> Option<String> {
    match value {
        Json::String(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // realtime-protocol.md §3: the join realtime-js sends.
    const V2_JOIN: &str = r#"["3","3","realtime:hp-worker-status","phx_join",{"config":{"broadcast":{"ack":false,"self":false},"presence":{"key":"","enabled":false},"postgres_changes":[{"event":"*","schema":"public","table":"hp_worker_status"}],"private":false},"access_token":"tok"}]"#;
    // realtime-protocol.md §5: the DOCS update example.
    const V2_UPDATE: &str = r#"[null,null,"realtime:chat-room","postgres_changes",{"ids":[104868189],"data":{"schema":"public","table":"test","commit_timestamp":"2025-11-19T00:22:40.877Z","type":"UPDATE","columns":[{"name":"id","type":"int8"}],"record":{"id":46,"text":"content","created_at":"2025-11-03T09:32:55+00:00"},"old_record":{"id":46},"errors":null}}]"#;
    // realtime-protocol.md §5: the RT delete example, V1 framing.
    const V1_DELETE: &str = r#"{"event":"postgres_changes","topic":"realtime:any","ref":null,"payload":{"ids":[91540871],"data":{"schema":"public","table":"test","type":"DELETE","commit_timestamp":"2026-08-21T12:00:01.456Z","errors":null,"columns":[{"name":"id","type":"int4"}],"old_record":{"id":1}}}}"#;

    #[test]
    fn v2_join_from_realtime_js_decodes_and_reencodes_identically() {
        let frame = Frame::decode(V2_JOIN, Vsn::V2).unwrap();
        assert_eq!(frame.join_ref.as_deref(), Some("3"));
        assert_eq!(frame.r#ref.as_deref(), Some("3"));
        assert_eq!(frame.topic, "realtime:hp-worker-status");
        assert_eq!(frame.event, event::JOIN);
        assert_eq!(
            frame.payload["config"]["postgres_changes"][0]["table"],
            "hp_worker_status"
        );
        assert_eq!(frame.encode(Vsn::V2), V2_JOIN);
    }

    #[test]
    fn v2_change_from_the_docs_has_no_refs() {
        let frame = Frame::decode(V2_UPDATE, Vsn::V2).unwrap();
        assert_eq!((frame.join_ref, frame.r#ref), (None, None));
        assert_eq!(frame.payload["data"]["record"]["id"], 46);
    }

    #[test]
    fn v1_delete_from_realtime_tests_decodes_without_join_ref() {
        let frame = Frame::decode(V1_DELETE, Vsn::V1).unwrap();
        assert_eq!(frame.join_ref, None);
        assert_eq!(frame.event, event::POSTGRES_CHANGES);
        assert_eq!(frame.payload["data"]["old_record"]["id"], 1);
    }

    #[test]
    fn v1_heartbeat_matches_the_reference_text() {
        let text = Frame::heartbeat("26".to_owned()).encode(Vsn::V1);
        assert_eq!(
            text,
            r#"{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"26"}"#
        );
        assert_eq!(
            Frame::heartbeat("26".to_owned()).encode(Vsn::V2),
            r#"[null,"26","phoenix","heartbeat",{}]"#
        );
    }

    #[test]
    fn reply_keeps_refs_and_wraps_status_and_response() {
        let push = Frame::decode(r#"[null,"26","phoenix","heartbeat",{}]"#, Vsn::V2).unwrap();
        let reply = Frame::reply(&push, "ok", Json::Object(Vec::new()));
        assert_eq!(
            reply.encode(Vsn::V2),
            r#"[null,"26","phoenix","phx_reply",{"response":{},"status":"ok"}]"#
        );
    }

    #[test]
    fn v1_requires_ref_key_but_accepts_null_and_numbers() {
        let missing = Frame::decode(
            r#"{"topic":"phoenix","event":"heartbeat","payload":{}}"#,
            Vsn::V1,
        );
        assert!(matches!(missing, Err(FrameError::WrongShape { .. })));
        let numeric = Frame::decode(
            r#"{"topic":"phoenix","event":"heartbeat","payload":{},"ref":7}"#,
            Vsn::V1,
        )
        .unwrap();
        assert_eq!(numeric.r#ref.as_deref(), Some("7"));
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        for (text, vsn) in [
            ("", Vsn::V2),
            ("{", Vsn::V1),
            ("[1,2,3]", Vsn::V2),
            (r#"[null,null,5,"e",{}]"#, Vsn::V2),
            (r#"[{},null,"t","e",{}]"#, Vsn::V2),
            (r#"["a","b","t","e",{}]"#, Vsn::V1),
            (
                r#"{"topic":1,"event":"e","payload":{},"ref":null}"#,
                Vsn::V1,
            ),
        ] {
            assert!(Frame::decode(text, vsn).is_err(), "{text}");
        }
    }

    #[test]
    fn vsn_parses_both_versions_only() {
        assert_eq!(Vsn::parse("1.0.0"), Some(Vsn::V1));
        assert_eq!(Vsn::parse("2.0.0"), Some(Vsn::V2));
        assert_eq!(Vsn::parse("3.0.0"), None);
    }
}
