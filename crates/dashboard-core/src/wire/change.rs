//! A `postgres_changes` payload turned into a typed change of a worker row (the validated layer
//! above `frame`). Anything unexpected is an error with a reason; the caller logs and counts it.

use crate::wire::json::Json;

use crate::wire::row::{RowError, WorkerRow, parse_timestamp_ms};

/// One change to apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A row was inserted or updated: the full new row.
    Upsert(WorkerRow),
    /// A row was deleted: its key, and the commit time.
    Delete {
        /// `worker_name` of the removed row.
        worker_name: String,
        /// Commit time in ms (server clock), 0 if unknown.
        commit_ms: i64,
    },
}

impl Change {
    /// The worker it concerns.
    pub fn worker_name(&self) -> &str {
        match self {
            Self::Upsert(row) => &row.worker_name,
            Self::Delete { worker_name, .. } => worker_name,
        }
    }
}

/// A change and its commit time.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// The change.
    pub change: Change,
    /// `commit_timestamp` in ms (server clock).
    pub commit_ms: Option<i64>,
}

/// Why a payload was not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// Not the shape Realtime sends.
    #[error("change payload is malformed: {0}")]
    Malformed(&'static str),
    /// Realtime reported errors instead of data.
    #[error("realtime reported: {0}")]
    Reported(String),
    /// A change to another table.
    #[error("change for another table ({0})")]
    OtherTable(String),
    /// The row in it is unusable.
    #[error(transparent)]
    Row(#[from] RowError),
}

/// Reads `{"ids": [...], "data": {...}}` for `table`.
pub fn parse_change(payload: &Json, table: &str) -> Result<ChangeEvent, ChangeError> {
    let data = payload
        .get("data")
        .ok_or(ChangeError::Malformed("no data"))?;
    if let Some(errors) = data.get("errors").filter(|errors| !errors.is_null()) {
        return Err(ChangeError::Reported(errors.to_json()));
    }
    let change_table = data
        .get("table")
        .and_then(Json::as_str)
        .ok_or(ChangeError::Malformed("no table"))?;
    if change_table != table {
        return Err(ChangeError::OtherTable(change_table.to_owned()));
    }
    let commit_ms = data
        .get("commit_timestamp")
        .and_then(Json::as_str)
        .and_then(parse_timestamp_ms);
    let change = match data.get("type").and_then(Json::as_str) {
        Some("INSERT" | "UPDATE") => Change::Upsert(WorkerRow::from_json(
            data.get("record")
                .ok_or(ChangeError::Malformed("no record"))?,
        )?),
        Some("DELETE") => {
            let worker_name = data
                .get("old_record")
                .and_then(|old| old.get("worker_name"))
                .and_then(Json::as_str)
                .ok_or(ChangeError::Malformed(
                    "DELETE without old_record.worker_name",
                ))?;
            Change::Delete {
                worker_name: worker_name.to_owned(),
                commit_ms: commit_ms.unwrap_or(0),
            }
        }
        _ => return Err(ChangeError::Malformed("unknown type")),
    };
    Ok(ChangeEvent { change, commit_ms })
}

/// Reads a Broadcast-from-the-database message (`realtime.broadcast_changes`: `operation`,
/// `schema`, `table`, `record`, `old_record`) for `table`. It carries no commit time: a DELETE's
/// tombstone is dated by the old row's `updated_at`, which no older copy of the row can pass.
pub fn parse_broadcast_change(payload: &Json, table: &str) -> Result<ChangeEvent, ChangeError> {
    let change_table = payload
        .get("table")
        .and_then(Json::as_str)
        .ok_or(ChangeError::Malformed("no table"))?;
    if change_table != table {
        return Err(ChangeError::OtherTable(change_table.to_owned()));
    }
    let change = match payload.get("operation").and_then(Json::as_str) {
        Some("INSERT" | "UPDATE") => Change::Upsert(WorkerRow::from_json(
            payload
                .get("record")
                .filter(|record| !record.is_null())
                .ok_or(ChangeError::Malformed("no record"))?,
        )?),
        Some("DELETE") => {
            let old = payload
                .get("old_record")
                .ok_or(ChangeError::Malformed("DELETE without old_record"))?;
            Change::Delete {
                worker_name: old
                    .get("worker_name")
                    .and_then(Json::as_str)
                    .ok_or(ChangeError::Malformed(
                        "DELETE without old_record.worker_name",
                    ))?
                    .to_owned(),
                commit_ms: old
                    .get("updated_at")
                    .and_then(Json::as_str)
                    .and_then(parse_timestamp_ms)
                    .unwrap_or(0),
            }
        }
        _ => return Err(ChangeError::Malformed("unknown operation")),
    };
    Ok(ChangeEvent {
        change,
        commit_ms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_messages_parse_and_a_delete_is_dated_by_the_old_row() {
        let update = j!({"operation": "UPDATE", "schema": "public", "table": TABLE,
            "record": {"worker_name": "w", "status": "crashed"}, "old_record": {"worker_name": "w"}});
        let event = parse_broadcast_change(&update, TABLE).unwrap();
        assert!(
            matches!(event.change, Change::Upsert(ref row) if row.reported_status == crate::wire::reported_status::ReportedStatus::Crashed)
        );
        assert_eq!(event.commit_ms, None);
        let delete = j!({"operation": "DELETE", "schema": "public", "table": TABLE, "record": null,
            "old_record": {"worker_name": "w", "updated_at": "2026-11-28T15:00:00.123Z"}});
        assert_eq!(
            parse_broadcast_change(&delete, TABLE).unwrap().change,
            Change::Delete {
                worker_name: "w".into(),
                commit_ms: 1_795_878_000_123
            }
        );
        for bad in [
            j!({"operation": "UPDATE", "table": "other", "record": {"worker_name": "w"}}),
            j!({"operation": "INSERT", "table": TABLE, "record": null}),
            j!({"operation": "TRUNCATE", "table": TABLE}),
            j!({"operation": "DELETE", "table": TABLE, "old_record": {}}),
            j!("<script>"),
        ] {
            assert!(parse_broadcast_change(&bad, TABLE).is_err(), "{bad:?}");
        }
    }

    const TABLE: &str = "hp_worker_status";

    #[test]
    fn updates_and_deletes_parse() {
        let update = j!({"ids": [1], "data": {"schema": "public", "table": TABLE, "type": "UPDATE",
            "commit_timestamp": "2026-11-28T15:00:00.123Z", "errors": null,
            "record": {"worker_name": "x-autopost", "status": "running"}, "old_record": {"worker_name": "x-autopost"}}});
        let event = parse_change(&update, TABLE).unwrap();
        assert_eq!(event.commit_ms, Some(1_795_878_000_123));
        assert!(matches!(event.change, Change::Upsert(ref row) if row.worker_name == "x-autopost"));
        let delete = j!({"ids": [1], "data": {"table": TABLE, "type": "DELETE", "errors": null,
            "commit_timestamp": "2026-11-28T15:00:01.000Z", "old_record": {"worker_name": "gone"}}});
        assert!(
            matches!(parse_change(&delete, TABLE).unwrap().change, Change::Delete { ref worker_name, .. } if worker_name == "gone")
        );
    }

    #[test]
    fn bad_payloads_are_errors_with_reasons() {
        assert_eq!(
            parse_change(&j!({}), TABLE),
            Err(ChangeError::Malformed("no data"))
        );
        let other = j!({"data": {"table": "other", "type": "INSERT", "record": {}}});
        assert_eq!(
            parse_change(&other, TABLE),
            Err(ChangeError::OtherTable("other".into()))
        );
        let reported = j!({"data": {"table": TABLE, "type": "INSERT", "errors": ["Error 413: Payload Too Large"]}});
        assert!(matches!(
            parse_change(&reported, TABLE),
            Err(ChangeError::Reported(_))
        ));
        let bad_row = j!({"data": {"table": TABLE, "type": "INSERT", "errors": null, "record": {"worker_name": 5}}});
        assert!(matches!(
            parse_change(&bad_row, TABLE),
            Err(ChangeError::Row(RowError::NoName))
        ));
    }
}
