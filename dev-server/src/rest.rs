//! `/rest/v1/<table>`: the PostgREST subset supabase-js uses, on the tables of `public`.
//! This file is the HTTP edge (faults, keys, profiles, statuses, headers); parsing is in
//! `rest::query` and `rest::prefer`, SQL in `rest::sql`, errors in `crate::error`, and the
//! transaction in `db`.

pub mod prefer;
pub mod query;
pub mod sql;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::db::{RequestContext, in_request_transaction};
use crate::error::ApiError;
use crate::schema::Table;
use crate::state::AppState;
use prefer::{Preferences, Resolution, Return};
use query::Query;

/// Handles every method on `/rest/v1/{table}`.
pub async fn handle(
    State(state): State<AppState>,
    method: Method,
    Path(table_name): Path<String>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = std::time::Instant::now();
    let response = match respond(
        &state,
        &method,
        &table_name,
        raw_query.as_deref(),
        &headers,
        body,
    )
    .await
    {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    tracing::debug!(%method, table = %table_name, status = response.status().as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "rest");
    response
}

/// Any other path under `/rest/v1/`: the key is checked as for a table (Kong routes the whole
/// prefix to PostgREST), then PostgREST's own answer, PGRST125 "Invalid path specified in
/// request URL". (PostgREST serves its OpenAPI document at the root; this stand-in does not.)
pub async fn invalid_path(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let checked = crate::auth::authenticate(
        &state.config,
        &headers,
        raw_query.as_deref(),
        chrono::Utc::now().timestamp(),
    );
    match checked {
        Err(error) => error.into_response(),
        Ok(_) => ApiError::postgrest(
            StatusCode::NOT_FOUND,
            "PGRST125",
            "Invalid path specified in request URL",
        )
        .into_response(),
    }
}

async fn respond(
    state: &AppState,
    method: &Method,
    table_name: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(fault) = state.faults.next_rest_fault() {
        tokio::time::sleep(fault.delay).await;
        if let Some(status) = fault.fail_status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return Err(ApiError::postgrest(
                status,
                "FAULT",
                "injected fault (dev-server --faults)",
            ));
        }
    }
    let claims = crate::auth::authenticate(
        &state.config,
        headers,
        raw_query,
        chrono::Utc::now().timestamp(),
    )?;
    let is_read = matches!(*method, Method::GET | Method::HEAD);
    let profile_header = if is_read {
        "accept-profile"
    } else {
        "content-profile"
    };
    let profile = headers
        .get(profile_header)
        .and_then(|value| value.to_str().ok());
    if let Some(schema) = profile.filter(|schema| *schema != "public") {
        return Err(ApiError::schema_not_exposed(schema));
    }
    let table = state
        .table(table_name)
        .await
        .ok_or_else(|| ApiError::unknown_table(table_name))?;
    let query = Query::parse(raw_query.unwrap_or_default())?;
    let mut preferences = Preferences::from_headers(headers);
    preferences.singular = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/vnd.pgrst.object+json"));
    let context = RequestContext {
        claims: &claims,
        method: method.as_str(),
        path: &format!("/{table_name}"),
        headers,
        read_only: is_read,
    };
    let mut response = match *method {
        Method::GET | Method::HEAD => read(state, &table, &query, &preferences, context).await?,
        Method::POST => insert(state, &table, &query, &preferences, context, &body).await?,
        Method::PATCH => update(state, &table, &query, &preferences, context, &body).await?,
        Method::DELETE => delete(state, &table, &query, &preferences, context).await?,
        _ => {
            return Err(ApiError::postgrest(
                StatusCode::METHOD_NOT_ALLOWED,
                "PGRST117",
                format!("Unsupported HTTP method: {method}"),
            ));
        }
    };
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if profile.is_some() {
        response_headers.insert("content-profile", HeaderValue::from_static("public"));
    }
    if !preferences.applied.is_empty()
        && let Ok(value) = HeaderValue::from_str(&preferences.applied.join(", "))
    {
        response_headers.insert("preference-applied", value);
    }
    if is_read {
        let location = format!("/{table_name}?{}", raw_query.unwrap_or_default());
        insert_header(&mut response, "content-location", &location);
    }
    if *method == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    Ok(response)
}

async fn read(
    state: &AppState,
    table: &Table,
    query: &Query,
    preferences: &Preferences,
    context: RequestContext<'_>,
) -> Result<Response, ApiError> {
    let statement = sql::select(table, query, state.config.max_rows);
    let count = preferences
        .count_exact
        .then(|| sql::count(table, &query.filters));
    let (body, rows, total) =
        in_request_transaction(&state.pool, &state.schema(), context, async |client| {
            let row = client
                .query_one(&statement.sql, &statement.params())
                .await?;
            let total = match &count {
                Some(count) => Some(
                    client
                        .query_one(&count.sql, &count.params())
                        .await?
                        .get::<_, i64>(0),
                ),
                None => None,
            };
            Ok((row.get::<_, String>(0), row.get::<_, i64>(1), total))
        })
        .await?;
    let offset = query.offset.unwrap_or(0);
    let partial = total.is_some_and(|total| offset > 0 || offset + rows < total);
    let status = if partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let body = if preferences.singular {
        single_object(&body)?
    } else {
        body
    };
    let mut response = (status, body).into_response();
    insert_header(
        &mut response,
        header::CONTENT_RANGE.as_str(),
        &content_range(offset, rows, total),
    );
    Ok(response)
}

async fn insert(
    state: &AppState,
    table: &Table,
    query: &Query,
    preferences: &Preferences,
    context: RequestContext<'_>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let rows = parse_rows(body)?;
    let columns = match &query.columns {
        Some(columns) => columns.clone(),
        None => payload_columns(&rows)?,
    };
    check_columns(table, &columns)?;
    let conflict_target = query
        .on_conflict
        .clone()
        .unwrap_or_else(|| table.primary_key.clone());
    let conflict = preferences
        .resolution
        .map(|resolution| (conflict_target.as_slice(), resolution));
    let missing = if preferences.missing_default {
        sql::Missing::Default
    } else {
        sql::Missing::Null
    };
    let statement = sql::insert(
        table,
        &columns,
        Value::Array(rows).to_string(),
        conflict,
        missing,
        &query.select,
    );
    let (inserted, representation) =
        in_request_transaction(&state.pool, &state.schema(), context, async |client| {
            let row = client
                .query_one(&statement.sql, &statement.params())
                .await?;
            Ok((row.get::<_, i64>(0), row.get::<_, String>(2)))
        })
        .await?;
    // PostgREST: 201 when a row was inserted, 200 when an upsert only updated.
    let status = match preferences.resolution {
        Some(Resolution::MergeDuplicates | Resolution::IgnoreDuplicates) if inserted == 0 => {
            StatusCode::OK
        }
        _ => StatusCode::CREATED,
    };
    Ok(write_response(
        status,
        preferences,
        representation,
        "*/*".to_owned(),
    ))
}

async fn update(
    state: &AppState,
    table: &Table,
    query: &Query,
    preferences: &Preferences,
    context: RequestContext<'_>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let Value::Object(object) = parse_json(body)? else {
        return Err(ApiError::bad_body("Empty or invalid json")
            .with_details("a PATCH body must be a JSON object"));
    };
    let columns: Vec<String> = object.keys().cloned().collect();
    check_columns(table, &columns)?;
    if columns.is_empty() {
        return Ok(write_response(
            StatusCode::NO_CONTENT,
            preferences,
            "[]".to_owned(),
            "*/*".to_owned(),
        ));
    }
    let statement = sql::update(
        table,
        &columns,
        Value::Object(object).to_string(),
        &query.filters,
        &query.select,
    );
    let (affected, representation) = run_write(state, context, &statement).await?;
    Ok(write_response(
        StatusCode::NO_CONTENT,
        preferences,
        representation,
        content_range(0, affected, None),
    ))
}

async fn delete(
    state: &AppState,
    table: &Table,
    query: &Query,
    preferences: &Preferences,
    context: RequestContext<'_>,
) -> Result<Response, ApiError> {
    let statement = sql::delete(table, &query.filters, &query.select);
    let (affected, representation) = run_write(state, context, &statement).await?;
    Ok(write_response(
        StatusCode::NO_CONTENT,
        preferences,
        representation,
        content_range(0, affected, None),
    ))
}

async fn run_write(
    state: &AppState,
    context: RequestContext<'_>,
    statement: &sql::Statement,
) -> Result<(i64, String), ApiError> {
    in_request_transaction(&state.pool, &state.schema(), context, async |client| {
        let row = client
            .query_one(&statement.sql, &statement.params())
            .await?;
        Ok((row.get::<_, i64>(0), row.get::<_, String>(1)))
    })
    .await
}

/// `Accept: application/vnd.pgrst.object+json` (supabase-js `.single()`): exactly one row,
/// sent as an object, else PGRST116.
fn single_object(array: &str) -> Result<String, ApiError> {
    let rows: Vec<Value> = serde_json::from_str(array).unwrap_or_default();
    match rows.as_slice() {
        [row] => Ok(row.to_string()),
        _ => Err(ApiError::postgrest(
            StatusCode::NOT_ACCEPTABLE,
            "PGRST116",
            "Cannot coerce the result to a single JSON object",
        )
        .with_details(format!("The result contains {} rows", rows.len()))),
    }
}

/// A write's response: no body unless `return=representation` (then 200 for PATCH/DELETE).
fn write_response(
    status: StatusCode,
    preferences: &Preferences,
    representation: String,
    range: String,
) -> Response {
    let mut response = if preferences.r#return == Some(Return::Representation) {
        let status = if status == StatusCode::NO_CONTENT {
            StatusCode::OK
        } else {
            status
        };
        let body = if preferences.singular {
            match single_object(&representation) {
                Ok(body) => body,
                Err(error) => return error.into_response(),
            }
        } else {
            representation
        };
        (status, body).into_response()
    } else {
        status.into_response()
    };
    insert_header(&mut response, header::CONTENT_RANGE.as_str(), &range);
    response
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::bad_body("Empty or invalid json").with_details(error.to_string())
    })
}

/// An object or an array of objects, as a list of objects.
fn parse_rows(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    match parse_json(body)? {
        object @ Value::Object(_) => Ok(vec![object]),
        Value::Array(items) if items.iter().all(Value::is_object) => Ok(items),
        _ => Err(ApiError::bad_body("Empty or invalid json")
            .with_details("expected an object or an array of objects")),
    }
}

/// The columns of the payload; PostgREST requires every object of an array to have the same keys
/// when no `columns` parameter says which to take.
fn payload_columns(rows: &[Value]) -> Result<Vec<String>, ApiError> {
    let keys = |row: &Value| -> Vec<String> {
        row.as_object()
            .map(Map::keys)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    };
    let first = rows.first().map(keys).unwrap_or_default();
    let mut sorted_first = first.clone();
    sorted_first.sort();
    for row in rows.iter().skip(1) {
        let mut other = keys(row);
        other.sort();
        if other != sorted_first {
            return Err(ApiError::bad_body("All object keys must match"));
        }
    }
    Ok(first)
}

fn check_columns(table: &Table, columns: &[String]) -> Result<(), ApiError> {
    match columns.iter().find(|column| table.column(column).is_none()) {
        Some(column) => Err(ApiError::unknown_column(column, &table.name)),
        None => Ok(()),
    }
}

fn content_range(offset: i64, rows: i64, total: Option<i64>) -> String {
    let total = total.map_or_else(|| "*".to_owned(), |total| total.to_string());
    if rows == 0 {
        format!("*/{total}")
    } else {
        format!("{offset}-{}/{total}", offset + rows - 1)
    }
}

fn insert_header(response: &mut Response, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn content_range_follows_postgrest() {
        assert_eq!(content_range(0, 5, None), "0-4/*");
        assert_eq!(content_range(0, 0, None), "*/*");
        assert_eq!(content_range(2, 3, Some(10)), "2-4/10");
        assert_eq!(content_range(0, 0, Some(0)), "*/0");
    }

    #[test]
    fn array_bodies_need_matching_keys() {
        let rows = vec![json!({"a":1,"b":2}), json!({"b":3,"a":4})];
        assert_eq!(payload_columns(&rows).unwrap(), ["a", "b"]);
        let mismatched = vec![json!({"a":1}), json!({"b":2})];
        assert_eq!(
            payload_columns(&mismatched).unwrap_err().body()["message"],
            "All object keys must match"
        );
    }

    #[test]
    fn bodies_must_be_objects_or_arrays_of_objects() {
        assert!(parse_rows(b"{\"a\":1}").is_ok());
        assert!(parse_rows(b"[{\"a\":1}]").is_ok());
        assert_eq!(parse_rows(b"[1]").unwrap_err().body()["code"], "PGRST102");
        assert_eq!(
            parse_rows(b"not json").unwrap_err().body()["code"],
            "PGRST102"
        );
    }
}
