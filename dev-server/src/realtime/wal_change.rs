//! A change as wal2json (format-version 2) prints it, read into typed values: what the poller
//! (`wal`) reads from the slot and `delivery` turns into Realtime payloads. Its own module so
//! that the two depend on it, not on each other.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::realtime::hub::ChangeKind;

/// One column value from wal2json (format-version 2).
#[derive(Debug, Clone, PartialEq)]
pub struct WalColumn {
    /// Column name.
    pub name: String,
    /// `format_type()` name, e.g. `timestamp with time zone`.
    pub type_name: String,
    /// Type OID.
    pub type_oid: u32,
    /// Value as wal2json printed it: numbers and booleans bare, everything else a string.
    pub value: Value,
}

/// One row change.
#[derive(Debug, Clone, PartialEq)]
pub struct WalChange {
    /// INSERT, UPDATE or DELETE.
    pub kind: ChangeKind,
    /// Schema name.
    pub schema: String,
    /// Table name.
    pub table: String,
    /// Commit time, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub commit_timestamp: String,
    /// New values (INSERT, UPDATE).
    pub columns: Vec<WalColumn>,
    /// Replica-identity values (UPDATE, DELETE).
    pub identity: Vec<WalColumn>,
}

/// Parses one wal2json v2 row; `Ok(None)` for rows that are not row changes.
pub fn parse_change(text: &str) -> Result<Option<WalChange>, String> {
    let json: Value =
        serde_json::from_str(text).map_err(|error| format!("wal2json row is not JSON: {error}"))?;
    let kind = match json.get("action").and_then(Value::as_str) {
        Some("I") => ChangeKind::Insert,
        Some("U") => ChangeKind::Update,
        Some("D") => ChangeKind::Delete,
        _ => return Ok(None),
    };
    let text_of = |key: &str| {
        json.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(format!("wal2json row lacks {key}"))
    };
    let columns = |key: &str| -> Vec<WalColumn> {
        json.get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|item| WalColumn {
                        name: item
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        type_name: item
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        type_oid: item
                            .get("typeoid")
                            .and_then(Value::as_u64)
                            .and_then(|oid| u32::try_from(oid).ok())
                            .unwrap_or(0),
                        value: item.get("value").cloned().unwrap_or(Value::Null),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let timestamp = text_of("timestamp")?;
    Ok(Some(WalChange {
        kind,
        schema: text_of("schema")?,
        table: text_of("table")?,
        commit_timestamp: commit_timestamp(&timestamp)
            .ok_or(format!("unreadable commit timestamp {timestamp}"))?,
        columns: columns("columns"),
        identity: columns("identity"),
    }))
}

/// wal2json's `2026-11-28 15:00:00.123456+00` → Realtime's `2026-11-28T15:00:00.123Z`.
pub fn commit_timestamp(text: &str) -> Option<String> {
    let parsed = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z").ok()?;
    Some(
        parsed
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Millis, true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_timestamps_become_utc_milliseconds() {
        assert_eq!(
            commit_timestamp("2026-11-28 15:00:00.123456+00").as_deref(),
            Some("2026-11-28T15:00:00.123Z")
        );
        assert_eq!(
            commit_timestamp("2026-11-28 16:00:00+01").as_deref(),
            Some("2026-11-28T15:00:00.000Z")
        );
        assert_eq!(commit_timestamp("yesterday"), None);
    }

    #[test]
    fn wal2json_v2_update_rows_parse() {
        let row = r#"{"action":"U","timestamp":"2026-11-28 15:00:00.5+00","schema":"public","table":"hp_worker_status",
            "columns":[{"name":"worker_name","type":"text","typeoid":25,"value":"x-autopost"},{"name":"jobs_processed","type":"bigint","typeoid":20,"value":3}],
            "identity":[{"name":"worker_name","type":"text","typeoid":25,"value":"x-autopost"}]}"#;
        let change = parse_change(row).unwrap().unwrap();
        assert_eq!(change.kind, ChangeKind::Update);
        assert_eq!(change.commit_timestamp, "2026-11-28T15:00:00.500Z");
        assert_eq!(change.columns[1].value, serde_json::json!(3));
        assert_eq!(change.identity[0].type_oid, 25);
        assert_eq!(parse_change(r#"{"action":"B"}"#).unwrap(), None);
        assert!(parse_change("{").is_err());
    }
}
