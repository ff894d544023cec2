//! Reading a `phx_join` payload for postgres_changes (reference §3): the token to use, the
//! `postgres_changes` entries with their stable ids, and the reply and error texts Realtime
//! sends. Pure functions; the session decides when to send what.

use serde_json::{Value, json};

use crate::filter::Filter;
use crate::realtime::hub::{Binding, ChangeKind};
use crate::schema::SchemaCache;

/// What a join asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinRequest {
    /// `access_token` (or `user_token`); `None` means "use the socket's apikey".
    pub access_token: Option<String>,
    /// `config.postgres_changes`, verbatim, without null entries.
    pub entries: Vec<Value>,
    /// `config.presence.enabled`.
    pub presence_enabled: bool,
    /// `config.private`: a private channel, authorized by the `realtime.messages` policies.
    pub private: bool,
    /// `config.broadcast.self`: the channel receives its own broadcasts.
    pub broadcast_self: bool,
    /// `config.broadcast.ack`: each broadcast the channel sends is acknowledged.
    pub broadcast_ack: bool,
}

impl JoinRequest {
    /// Reads a join payload leniently: anything missing takes Realtime's default.
    pub fn parse(payload: &Value) -> Self {
        let token = payload
            .get("access_token")
            .or_else(|| payload.get("user_token"))
            .and_then(Value::as_str)
            // Tokens starting sb_ are API keys, not JWTs: Realtime keeps the connect-time token.
            .filter(|token| !token.is_empty() && !token.starts_with("sb_"))
            .map(str::to_owned);
        let config = payload.get("config");
        let entries = config
            .and_then(|config| config.get("postgres_changes"))
            .and_then(Value::as_array)
            .map(|entries| {
                entries
                    .iter()
                    .filter(|entry| !entry.is_null())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let presence_enabled = config
            .and_then(|config| config.pointer("/presence/enabled"))
            .is_some_and(|enabled| enabled == &json!(true) || enabled == &json!("true"));
        let flag = |pointer: &str| {
            config
                .and_then(|config| config.pointer(pointer))
                .is_some_and(|value| value == &json!(true))
        };
        Self {
            access_token: token,
            entries,
            presence_enabled,
            private: flag("/private"),
            broadcast_self: flag("/broadcast/self"),
            broadcast_ack: flag("/broadcast/ack"),
        }
    }

    /// The ok reply's response: each entry echoed with its id.
    pub fn reply(&self) -> Value {
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|entry| {
                let mut echoed = entry.clone();
                if let Value::Object(object) = &mut echoed {
                    object.insert("id".to_owned(), json!(binding_id(entry)));
                }
                echoed
            })
            .collect();
        json!({ "postgres_changes": entries })
    }
}

/// A deterministic id below 2^27 for identical parameters (Realtime uses `:erlang.phash2`; the
/// value differs but the properties are the same: stable across rejoins, equal for equal params).
pub fn binding_id(entry: &Value) -> u32 {
    let text = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or("");
    let canonical = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        text("event"),
        text("schema"),
        text("table"),
        text("filter")
    );
    // FNV-1a, 32 bits, folded to 27.
    let hash = canonical.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash & ((1 << 27) - 1)
}

/// Turns entries into bindings, checking them against the publication and the schema. The
/// error is the `system` message Realtime sends (with no retry).
pub fn bindings(
    entries: &[Value],
    published: &[(String, String)],
    schema: &SchemaCache,
) -> Result<Vec<Binding>, String> {
    entries
        .iter()
        .map(|entry| binding(entry, published, schema))
        .collect()
}

fn binding(
    entry: &Value,
    published: &[(String, String)],
    schema: &SchemaCache,
) -> Result<Binding, String> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
    let event_text = text("event").unwrap_or_else(|| "*".to_owned());
    let schema_name = text("schema").unwrap_or_else(|| "*".to_owned());
    let table = text("table").filter(|table| table != "*");
    let filter_text = text("filter").filter(|filter| !filter.trim().is_empty());
    let params = format!(
        "[event: {event_text}, schema: {schema_name}, table: {}, filters: [{}], select: nil]",
        table.as_deref().unwrap_or("*"),
        filter_text.as_deref().unwrap_or("")
    );
    let unable = || {
        format!(
            "Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: {params}"
        )
    };
    let event = match event_text.to_ascii_uppercase().as_str() {
        "*" => None,
        "INSERT" => Some(ChangeKind::Insert),
        "UPDATE" => Some(ChangeKind::Update),
        "DELETE" => Some(ChangeKind::Delete),
        _ => return Err(unable()),
    };
    let covered = published.iter().any(|(published_schema, published_table)| {
        (schema_name == "*" || &schema_name == published_schema)
            && table.as_ref().is_none_or(|t| t == published_table)
    });
    if !covered {
        return Err(unable());
    }
    let filter = match filter_text {
        None => None,
        Some(text) => {
            let parsed = text
                .split_once('=')
                .and_then(|(column, expr)| Filter::parse(column, expr).ok())
                .ok_or_else(|| format!("Error parsing `filter` params: [\"{text}\"]"))?;
            let column_exists = table
                .as_deref()
                .and_then(|table| schema.table(table))
                .is_none_or(|table| table.column(&parsed.column).is_some());
            if !column_exists {
                return Err(format!(
                    "Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: {params}. Exception: ERROR P0001 (raise_exception) invalid column for filter {}",
                    parsed.column
                ));
            }
            Some(parsed)
        }
    };
    Ok(Binding {
        id: binding_id(entry),
        event,
        schema: schema_name,
        table,
        filter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> Vec<(String, String)> {
        vec![("public".to_owned(), "hp_worker_status".to_owned())]
    }

    #[test]
    fn realtime_js_join_payload_is_read() {
        let payload = json!({
            "config": {"broadcast": {"ack": false, "self": false}, "presence": {"key": "", "enabled": false},
                       "postgres_changes": [{"event": "*", "schema": "public", "table": "hp_worker_status"}, null],
                       "private": false},
            "access_token": "tok"
        });
        let join = JoinRequest::parse(&payload);
        assert_eq!(join.access_token.as_deref(), Some("tok"));
        assert_eq!(join.entries.len(), 1, "null entries are dropped");
        assert!(!join.presence_enabled);
        let reply = join.reply();
        let echoed = &reply["postgres_changes"][0];
        assert_eq!(echoed["table"], "hp_worker_status");
        assert!(echoed["id"].as_u64().unwrap() < (1 << 27));
    }

    #[test]
    fn ids_are_stable_and_equal_for_equal_params() {
        let a = json!({"event": "*", "schema": "public", "table": "t"});
        assert_eq!(binding_id(&a), binding_id(&a.clone()));
        assert_ne!(
            binding_id(&a),
            binding_id(&json!({"event": "INSERT", "schema": "public", "table": "t"}))
        );
    }

    #[test]
    fn sb_keys_and_empty_tokens_fall_back_to_the_socket_key() {
        assert_eq!(
            JoinRequest::parse(&json!({"access_token": "sb_publishable_x"})).access_token,
            None
        );
        assert_eq!(
            JoinRequest::parse(&json!({"access_token": ""})).access_token,
            None
        );
        assert_eq!(
            JoinRequest::parse(&json!({"user_token": "t"}))
                .access_token
                .as_deref(),
            Some("t")
        );
    }

    #[test]
    fn tables_outside_the_publication_are_refused_with_realtimes_message() {
        let entry = json!({"event": "*", "schema": "public", "table": "secrets"});
        let error = bindings(&[entry], &published(), &SchemaCache::default()).unwrap_err();
        assert_eq!(
            error,
            "Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: *, schema: public, table: secrets, filters: [], select: nil]"
        );
    }

    #[test]
    fn filters_are_parsed_and_bad_ones_refused() {
        let good = json!({"event": "UPDATE", "schema": "public", "table": "hp_worker_status", "filter": "worker_name=eq.x-autopost"});
        let bindings = bindings(&[good], &published(), &SchemaCache::default()).unwrap();
        assert_eq!(bindings[0].event, Some(ChangeKind::Update));
        assert_eq!(bindings[0].filter.as_ref().unwrap().column, "worker_name");
        let bad = json!({"event": "*", "schema": "public", "table": "hp_worker_status", "filter": "wrong"});
        assert_eq!(
            super::bindings(&[bad], &published(), &SchemaCache::default()).unwrap_err(),
            "Error parsing `filter` params: [\"wrong\"]"
        );
    }
}
