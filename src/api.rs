//! REST transport: the status table, one keyset page at a time (`dashboard_core::wire::paging`), and
//! the history table's last week, requested with the headers supabase-js sends. The only file that calls `fetch`. Rows that cannot be read
//! are skipped and reported, so one bad row never hides the others.

use dashboard_core::history::WorkerEvent;
use dashboard_core::wire::alert_health::{ALERT_HEALTH_QUERY, AlertHealth};
use dashboard_core::wire::json::Json;
use dashboard_core::wire::paging::{self, PAGE_SIZE, PageOutcome};
use dashboard_core::wire::row::WorkerRow;

use crate::browser::now_ms;
use crate::config::{Config, HISTORY_TABLE, SNAPSHOT_TIMEOUT_MS, TABLE};
use crate::error::ApiError;
use crate::http::{FetchError, TextResponse, get_text, receive_text};
use crate::prefetch::Prefetched;
pub use crate::rows_page::Page;

/// Fetches the page of rows after `after` (the first page when `None`), ordered by the key,
/// taking the loader's request for it instead of sending one when it asked exactly that.
pub async fn fetch_page(
    config: &Config,
    after: Option<&str>,
    prefetched: Option<Prefetched>,
) -> Result<Page, ApiError> {
    let cursor = after
        .map(|name| {
            format!(
                "&worker_name=gt.{}",
                String::from(js_sys::encode_uri_component(name))
            )
        })
        .unwrap_or_default();
    let query = format!("{TABLE}?select=*&order=worker_name.asc&limit={PAGE_SIZE}{cursor}");
    let answer = get(config, &query, true, prefetched).await?;
    let ReadRows {
        rows,
        skipped,
        last_key,
    } = read_rows(&answer.body)?;
    Ok(Page {
        outcome: PageOutcome {
            items: rows.len() + skipped.len(),
            last_key,
            remaining: answer.remaining,
        },
        rows,
        skipped,
        server_date_ms: answer.server_date_ms,
        sent_ms: answer.sent_ms,
        received_ms: answer.received_ms,
    })
}

/// One page of history events since `since_ms`, after the id `after_id`, in id order: the
/// events, one message per unusable row, and whether more pages follow.
pub async fn fetch_events_page(
    config: &Config,
    worker_names: &[String],
    since_ms: i64,
    after_id: i64,
) -> Result<(Vec<WorkerEvent>, Vec<String>, Option<i64>), ApiError> {
    let since: String = js_sys::Date::new(&(since_ms as f64).into())
        .to_iso_string()
        .into();
    let names = dashboard_core::history::demand::in_list(worker_names);
    let query = format!(
        "{HISTORY_TABLE}?select=*&worker_name=in.{}&occurred_at=gte.{}&id=gt.{after_id}&order=id.asc&limit={PAGE_SIZE}",
        String::from(js_sys::encode_uri_component(&names)),
        String::from(js_sys::encode_uri_component(&since))
    );
    let answer = get(config, &query, false, None).await?;
    let Ok(Json::Array(items)) = Json::parse(&answer.body) else {
        return Err(ApiError::BadResponse(
            "the body is not a JSON array".to_owned(),
        ));
    };
    let mut events = Vec::with_capacity(items.len());
    let mut skipped = Vec::new();
    for item in &items {
        match WorkerEvent::from_json(item) {
            Ok(event) => events.push(event),
            Err(problem) => skipped.push(problem),
        }
    }
    let last_id = items
        .last()
        .and_then(|item| item.get("id"))
        .and_then(Json::as_i64);
    let more = (items.len() >= PAGE_SIZE).then_some(last_id).flatten();
    Ok((events, skipped, more))
}

/// Whether the history table answers (one row asked for): the channel may name it. Takes the
/// loader's request for it (`prefetched`) when that is this one.
pub async fn probe_events(config: &Config, prefetched: Option<Prefetched>) -> Result<(), ApiError> {
    get(
        config,
        &format!("{HISTORY_TABLE}?select=id&limit=1"),
        false,
        prefetched,
    )
    .await
    .map(|_| ())
}

/// The alert counts (`hp_alert_health`): `Ok(None)` when the row is missing or unusable. A
/// database without the alerts answers 404, which the caller takes as "no alerts here".
pub async fn fetch_alert_health(config: &Config) -> Result<Option<AlertHealth>, ApiError> {
    let answer = get(config, ALERT_HEALTH_QUERY, false, None).await?;
    Ok(AlertHealth::from_body(&answer.body))
}

/// Whether the status table answers (one name asked for): the wall's watchdog asks before it
/// reloads the page.
pub async fn probe_rows(config: &Config) -> Result<(), ApiError> {
    get(
        config,
        &format!("{TABLE}?select=worker_name&limit=1"),
        false,
        None,
    )
    .await
    .map(|_| ())
}

/// A successful answer of the REST API.
struct Answer {
    body: String,
    remaining: Option<u64>,
    server_date_ms: Option<i64>,
    sent_ms: i64,
    received_ms: i64,
}

/// GETs `query` (the path after `/rest/v1/`) with the headers supabase-js sends, asking for the
/// total count when `count`, or takes `prefetched` if it is that request; an answer other than
/// 2xx is the error it names.
async fn get(
    config: &Config,
    query: &str,
    count: bool,
    prefetched: Option<Prefetched>,
) -> Result<Answer, ApiError> {
    let url = format!("{}/rest/v1/{query}", config.supabase_url);
    let prefetched = prefetched.and_then(|page| page.answer_for(&url, &config.key));
    let sent_ms = prefetched
        .as_ref()
        .map_or_else(now_ms, |(_, sent_ms)| *sent_ms);
    // As supabase-js 2.109 does with any key, publishable ones included: `apikey` and the key
    // as the bearer (the API gateway swaps a bearer `sb_…` key for the role's JWT).
    let bearer = format!("Bearer {}", config.key);
    let mut headers = vec![
        ("apikey", config.key.as_str()),
        ("Authorization", bearer.as_str()),
        ("Accept-Profile", "public"),
        (
            "X-Client-Info",
            concat!("worker-status-dashboard/", env!("CARGO_PKG_VERSION")),
        ),
    ];
    if count {
        // The rows after the cursor, so the loop knows when the table is loaded.
        headers.push(("Prefer", "count=exact"));
    }
    let answer = match prefetched {
        Some((response, _)) => receive_text(response).await,
        None => get_text(&url, &headers, SNAPSHOT_TIMEOUT_MS).await,
    };
    let TextResponse {
        status,
        date,
        content_range,
        body,
    } = answer.map_err(|error| match error {
        FetchError::TimedOut => ApiError::Timeout(SNAPSHOT_TIMEOUT_MS / 1000),
        FetchError::Failed(text) => ApiError::Network(text),
    })?;
    let received_ms = now_ms();
    let server_date_ms = date
        .map(|date| js_sys::Date::parse(&date))
        .filter(|ms| ms.is_finite())
        .map(|ms| ms as i64);
    let remaining = content_range.and_then(|range| paging::content_range_total(&range));
    if !(200..300).contains(&status) {
        let message = Json::parse(&body)
            .ok()
            .and_then(|json| {
                json.get("message")
                    .and_then(Json::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| body.chars().take(200).collect());
        return Err(match status {
            401 | 403 => ApiError::Unauthorized { status, message },
            404 => ApiError::NotFound(message),
            _ => ApiError::Server { status, message },
        });
    }
    Ok(Answer {
        body,
        remaining,
        server_date_ms,
        sent_ms,
        received_ms,
    })
}

/// A page's body, read.
#[derive(Debug, Clone, Default)]
pub struct ReadRows {
    /// Usable rows.
    pub rows: Vec<WorkerRow>,
    /// One message per unusable row.
    pub skipped: Vec<String>,
    /// `worker_name` of the last item (the next page's cursor).
    pub last_key: Option<String>,
}

/// Splits a JSON array body into usable rows and messages for the unusable ones.
pub fn read_rows(body: &str) -> Result<ReadRows, ApiError> {
    let Ok(Json::Array(items)) = Json::parse(body) else {
        return Err(ApiError::BadResponse(
            "the body is not a JSON array".to_owned(),
        ));
    };
    let mut rows = Vec::with_capacity(items.len());
    let mut skipped = Vec::new();
    for item in &items {
        match WorkerRow::from_json(item) {
            Ok(row) => rows.push(row),
            Err(error) => skipped.push(error.to_string()),
        }
    }
    let last_key = items
        .last()
        .and_then(|item| item.get("worker_name"))
        .and_then(Json::as_str)
        .map(str::to_owned);
    Ok(ReadRows {
        rows,
        skipped,
        last_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_skipped_with_a_reason_and_good_ones_kept() {
        let ReadRows {
            rows,
            skipped,
            last_key,
        } = read_rows(r#"[{"worker_name":"a"},{"worker_name":""},{"worker_name":"b","jobs_processed":"x"},{"worker_name":"c"}]"#).unwrap();
        assert_eq!(last_key.as_deref(), Some("c"));
        assert_eq!(
            rows.iter()
                .map(|r| r.worker_name.as_str())
                .collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(skipped.len(), 2);
        assert!(read_rows("{}").is_err());
    }
}
