//! One worker's row as the dashboard holds it, read leniently from PostgREST or Realtime JSON.
//! A malformed row becomes a `RowError` that names the problem; it never panics and never takes
//! the other rows down with it.

use crate::wire::json::{Json, Object};
use crate::wire::reported_status::ReportedStatus;

/// A worker row, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerRow {
    /// Primary key; shown as text, never as markup.
    pub worker_name: String,
    /// What the worker does.
    pub description: Option<String>,
    /// The status the worker reported (anything but the four known ones the status rules call
    /// Unknown).
    pub reported_status: ReportedStatus,
    /// Last heartbeat, milliseconds since the epoch (server clock).
    pub last_heartbeat_ms: Option<i64>,
    /// Jobs done.
    pub jobs_processed: i64,
    /// Errors seen.
    pub error_count: i64,
    /// Whether the worker's circuit breaker is open.
    pub circuit_breaker_open: bool,
    /// Free-form key/value pairs.
    pub metadata: Object,
    /// Seeded position; `None` sorts after the seeded workers.
    pub display_order: Option<i64>,
    /// Version of the row: `updated_at` in milliseconds (0 when absent).
    pub updated_at_ms: i64,
}

/// Why a JSON value is not a usable worker row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// Not a JSON object.
    #[error("row is not a JSON object")]
    NotAnObject,
    /// `worker_name` missing, not a string, or empty.
    #[error("row has no worker_name")]
    NoName,
    /// A field of the wrong type.
    #[error("worker {worker}: {field} has an unexpected value {value}")]
    BadField {
        /// Which worker.
        worker: String,
        /// Which field.
        field: &'static str,
        /// The offending value, shortened.
        value: String,
    },
}

impl WorkerRow {
    /// Reads a row. Missing optional fields take the table's defaults.
    pub fn from_json(value: &Json) -> Result<Self, RowError> {
        value.as_object().ok_or(RowError::NotAnObject)?;
        let object = value;
        let worker_name = object
            .get("worker_name")
            .and_then(Json::as_str)
            .filter(|name| !name.trim().is_empty())
            .ok_or(RowError::NoName)?
            .to_owned();
        let bad = |field: &'static str, value: &Json| RowError::BadField {
            worker: worker_name.clone(),
            field,
            value: shorten(&value.to_json()),
        };
        let text = |field: &'static str| -> Result<Option<String>, RowError> {
            match object.get(field) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(text)) => Ok(Some(text.clone())),
                Some(other) => Err(bad(field, other)),
            }
        };
        let count = |field: &'static str| -> Result<i64, RowError> {
            match object.get(field) {
                None | Some(Json::Null) => Ok(0),
                // PostgREST may send big int8 values as strings when asked to; accept digits.
                Some(value @ (Json::Number(text) | Json::String(text))) => {
                    text.parse().map_err(|_| bad(field, value))
                }
                Some(other) => Err(bad(field, other)),
            }
        };
        let time = |field: &'static str| -> Result<Option<i64>, RowError> {
            match text(field)? {
                None => Ok(None),
                Some(text) => parse_timestamp_ms(&text)
                    .map(Some)
                    .ok_or_else(|| bad(field, &Json::String(text))),
            }
        };
        let circuit_breaker_open = match object.get("circuit_breaker_open") {
            None | Some(Json::Null) => false,
            Some(Json::Bool(open)) => *open,
            Some(other) => return Err(bad("circuit_breaker_open", other)),
        };
        let metadata = match object.get("metadata") {
            None | Some(Json::Null) => Object::new(),
            Some(Json::Object(pairs)) => pairs.clone(),
            Some(other) => return Err(bad("metadata", other)),
        };
        Ok(Self {
            description: text("description")?,
            reported_status: text("status")?.map_or(ReportedStatus::Unknown, |status| {
                ReportedStatus::parse(&status)
            }),
            last_heartbeat_ms: time("last_heartbeat")?,
            jobs_processed: count("jobs_processed")?,
            error_count: count("error_count")?,
            circuit_breaker_open,
            metadata,
            display_order: value.get("display_order").and_then(Json::as_i64),
            updated_at_ms: time("updated_at")?.unwrap_or(0),
            worker_name,
        })
    }
}

/// RFC 3339 / PostgreSQL JSON timestamps (`2026-11-28T15:00:00.123456+00:00`) to milliseconds.
pub use crate::wire::timestamp::parse_timestamp_ms;

fn shorten(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_owned()
    } else {
        text.chars().take(40).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgrest_row_reads_with_all_fields() {
        let row = WorkerRow::from_json(&j!({
            "worker_name": "x-autopost", "description": "Tweet publishing", "status": "running",
            "last_heartbeat": "2026-11-28T15:00:00.5+00:00", "jobs_processed": 142, "error_count": 0,
            "circuit_breaker_open": false, "metadata": {"region": "eu"}, "display_order": 2,
            "created_at": "2026-11-28T14:00:00+00:00", "updated_at": "2026-11-28T15:00:00.501+00:00"
        }))
        .unwrap();
        assert_eq!(row.worker_name, "x-autopost");
        assert_eq!(row.last_heartbeat_ms, Some(1_795_878_000_500));
        assert_eq!(row.updated_at_ms, 1_795_878_000_501);
        assert_eq!(row.jobs_processed, 142);
        assert_eq!(row.display_order, Some(2));
        assert_eq!(row.metadata, vec![("region".to_owned(), Json::from("eu"))]);
    }

    #[test]
    fn the_seeded_row_before_any_heartbeat_reads() {
        let row = WorkerRow::from_json(
            &j!({"worker_name": "crawl-worker", "status": "unknown", "last_heartbeat": null}),
        )
        .unwrap();
        assert_eq!(row.last_heartbeat_ms, None);
        assert_eq!(row.jobs_processed, 0);
    }

    #[test]
    fn malformed_rows_name_their_problem() {
        assert_eq!(WorkerRow::from_json(&j!([1])), Err(RowError::NotAnObject));
        assert_eq!(
            WorkerRow::from_json(&j!({"worker_name": ""})),
            Err(RowError::NoName)
        );
        let error =
            WorkerRow::from_json(&j!({"worker_name": "w", "jobs_processed": "many"})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "worker w: jobs_processed has an unexpected value \"many\""
        );
        let error = WorkerRow::from_json(&j!({"worker_name": "w", "last_heartbeat": "yesterday"}))
            .unwrap_err();
        assert!(error.to_string().contains("last_heartbeat"));
        assert!(WorkerRow::from_json(&j!({"worker_name": "w", "metadata": [1]})).is_err());
    }

    /// A section pinned to an older version reading a newer database (the migrations only add):
    /// a column it does not know is ignored, a status it does not know is kept as written and
    /// judged Unknown, and the rest of the row reads as before (CHANGELOG.md's promise).
    #[test]
    fn a_row_from_a_newer_schema_reads() {
        let row = WorkerRow::from_json(&j!({
            "worker_name": "x-autopost", "status": "paused", "jobs_processed": 7,
            "last_heartbeat": "2026-11-28T15:00:00+00:00",
            "region": "eu-west-1", "owner_team": {"name": "ops"}, "tags": ["a", "b"]
        }))
        .unwrap();
        assert_eq!(
            row.reported_status,
            ReportedStatus::Other("paused".to_owned())
        );
        let now = row.last_heartbeat_ms.unwrap_or_default();
        assert_eq!(
            crate::rules::status::status_of(&row, now, crate::rules::status::Thresholds::default()),
            crate::rules::status::Status::Unknown
        );
        assert_eq!(row.jobs_processed, 7);
        assert_eq!(row.last_heartbeat_ms, Some(1_795_878_000_000));
    }

    #[test]
    fn hostile_names_stay_plain_text() {
        let row = WorkerRow::from_json(&j!({"worker_name": "<script>alert(1)</script>"})).unwrap();
        assert_eq!(row.worker_name, "<script>alert(1)</script>");
    }
}
