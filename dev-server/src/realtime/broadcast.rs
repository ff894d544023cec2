//! Broadcast from the database (issue 14): a row inserted into `realtime.messages` (by
//! `realtime.send`, which `realtime.broadcast_changes` calls from a trigger) is delivered to the
//! channels joined to its topic with the same privacy, as a `broadcast` message with Realtime's
//! payload and `meta.id` (the session writes it as a binary user-broadcast frame in protocol
//! 2.0.0). No row-level check per message and viewer: a private channel was authorized at join.

use dashboard_core::wire::json::Json;
use dashboard_core::wire::protocol::TOPIC_PREFIX;
use dashboard_core::wire::user_broadcast::UserBroadcast;
use serde_json::Value;

use crate::realtime::hub::ChangeKind;
use crate::realtime::wal_change::WalChange;
use crate::state::AppState;

/// Whether `change` is a message of `realtime.messages`.
pub fn is_message(change: &WalChange) -> bool {
    change.schema == "realtime" && change.table == "messages"
}

/// Delivers one inserted message; anything else (updates, other extensions, unreadable rows) is
/// skipped with a log line.
pub fn deliver(state: &AppState, change: &WalChange) {
    if change.kind != ChangeKind::Insert {
        return;
    }
    let column = |name: &str| {
        change
            .columns
            .iter()
            .find(|column| column.name == name)
            .map(|column| &column.value)
    };
    let text = |name: &str| column(name).and_then(Value::as_str);
    if text("extension") != Some("broadcast") {
        return;
    }
    let (Some(topic), Some(event)) = (text("topic"), text("event")) else {
        tracing::warn!("realtime: a broadcast message without topic or event skipped");
        return;
    };
    let private = column("private").and_then(Value::as_bool).unwrap_or(false);
    // wal2json prints jsonb as its text.
    let Some(Ok(payload)) = text("payload").map(serde_json::from_str::<Value>) else {
        tracing::warn!(
            topic,
            event,
            "realtime: a broadcast message without a JSON payload skipped"
        );
        return;
    };
    let channel = format!("{TOPIC_PREFIX}{topic}");
    let receivers = state.hub.receivers(&channel, private);
    if receivers.is_empty() {
        return;
    }
    let message = UserBroadcast {
        topic: channel,
        event: event.to_owned(),
        meta: text("id").map(|id| Json::object([("id", Json::string(id))])),
        payload: Json::from(payload),
    };
    let frame = message.to_frame();
    for outbox in receivers {
        outbox.send(frame.clone());
    }
}
