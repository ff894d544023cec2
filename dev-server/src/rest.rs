//! `/rest/v1/<table>`: the PostgREST subset supabase-js uses, on the tables of `public`.
//! This file dispatches a request to its read or write and sets the answer's headers; what a
//! request passes first (faults, key, profile) is in `rest::edge`, parsing in `rest::query` and
//! `rest::prefer`, SQL in `rest::sql`, errors in `crate::error`, and the transaction in `db`.

pub mod edge;
pub mod payload;
pub mod prefer;
pub mod query;
pub mod sql;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::db::{RequestContext, in_request_transaction};
use crate::error::ApiError;
use crate::keys::Claims;
use crate::schema::Table;
use crate::state::AppState;
use edge::{Authenticated, Profile};
use payload::{check_columns, parse_json, parse_rows, payload_columns};
use prefer::{Preferences, Resolution, Return};
use query::Query;

/// Handles every method on `/rest/v1/{table}`, for a request that passed the edge
/// (`edge`: faults, key, profile).
#[allow(clippy::too_many_arguments)] // axum's extractors, one per part of the request
pub async fn handle(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    profile: Profile,
    method: Method,
    Path(table_name): Path<String>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = std::time::Instant::now();
    let request = TableRequest {
        claims: &claims,
        method: &method,
        table_name: &table_name,
        raw_query: raw_query.as_deref().unwrap_or_default(),
        headers: &headers,
    };
    let response = match respond(&state, &request, body).await {
        Ok(response) => finish(response, &request, &profile),
        Err(error) => error.into_response(),
    };
    tracing::debug!(%method, table = %table_name, status = response.status().as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "rest");
    response
}

/// Any other path under `/rest/v1/`: the key is checked as for a table (Kong routes the whole
/// prefix to PostgREST; `Authenticated` refuses a bad one), then PostgREST's own answer,
/// PGRST125 "Invalid path specified in request URL". (PostgREST serves its OpenAPI document at
/// the root; this stand-in does not.)
pub async fn invalid_path(_: Authenticated) -> Response {
    ApiError::postgrest(
        StatusCode::NOT_FOUND,
        "PGRST125",
        "Invalid path specified in request URL",
    )
    .into_response()
}

/// A request on a table, as the edge let it through.
struct TableRequest<'a> {
    claims: &'a Claims,
    method: &'a Method,
    table_name: &'a str,
    raw_query: &'a str,
    headers: &'a HeaderMap,
}

impl TableRequest<'_> {
    fn is_read(&self) -> bool {
        edge::is_read(self.method)
    }
}

/// Dispatches on the method, with the table, the query and the preferences read.
async fn respond(
    state: &AppState,
    request: &TableRequest<'_>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let table = state
        .table(request.table_name)
        .await
        .ok_or_else(|| ApiError::unknown_table(request.table_name))?;
    let query = Query::parse(request.raw_query)?;
    let preferences = Preferences::of_request(request.headers);
    let context = RequestContext {
        claims: request.claims,
        method: request.method.as_str(),
        path: &format!("/{}", request.table_name),
        headers: request.headers,
        read_only: request.is_read(),
    };
    let mut response = match *request.method {
        Method::GET | Method::HEAD => read(state, &table, &query, &preferences, context).await?,
        Method::POST => insert(state, &table, &query, &preferences, context, &body).await?,
        Method::PATCH => update(state, &table, &query, &preferences, context, &body).await?,
        Method::DELETE => delete(state, &table, &query, &preferences, context).await?,
        _ => {
            return Err(ApiError::postgrest(
                StatusCode::METHOD_NOT_ALLOWED,
                "PGRST117",
                format!("Unsupported HTTP method: {}", request.method),
            ));
        }
    };
    if !preferences.applied.is_empty()
        && let Ok(value) = HeaderValue::from_str(&preferences.applied.join(", "))
    {
        response.headers_mut().insert("preference-applied", value);
    }
    Ok(response)
}

/// The headers every answer carries (content type, the profile echoed, where a read was
/// from), and no body for HEAD.
fn finish(mut response: Response, request: &TableRequest<'_>, profile: &Profile) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if profile.named {
        headers.insert("content-profile", HeaderValue::from_static("public"));
    }
    if request.is_read() {
        let location = format!("/{}?{}", request.table_name, request.raw_query);
        insert_header(&mut response, "content-location", &location);
    }
    if *request.method == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    response
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

    #[test]
    fn content_range_follows_postgrest() {
        assert_eq!(content_range(0, 5, None), "0-4/*");
        assert_eq!(content_range(0, 0, None), "*/*");
        assert_eq!(content_range(2, 3, Some(10)), "2-4/10");
        assert_eq!(content_range(0, 0, Some(0)), "*/0");
    }
}
