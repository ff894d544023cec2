//! Database access for REST: a pool of `authenticator` connections and the per-request
//! transaction exactly as PostgREST opens it (reference §3.3): isolation and access mode, then
//! one `set_config` batch (search_path, the role's own settings, role, JWT claims, method, path,
//! headers, cookies), the work, and COMMIT, or ROLLBACK on any error.

use axum::http::HeaderMap;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use serde_json::{Map, Value};
use tokio_postgres::{Client, NoTls};

use crate::error::ApiError;
use crate::keys::Claims;
use crate::schema::SchemaCache;

/// Connections kept for REST requests.
const POOL_SIZE: usize = 16;

/// A pool of connections logged in as `url`'s user (the gateway uses `authenticator`).
pub fn pool(url: &str) -> Result<Pool, String> {
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|error| format!("bad database URL: {error}"))?;
    // A connection handed back mid-transaction (a cancelled request) is rolled back on reuse.
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Custom("rollback".to_owned()),
        },
    );
    Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .map_err(|error| error.to_string())
}

/// Who is asking, and how: what PostgREST exposes to SQL through `request.*` settings.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The verified token.
    pub claims: &'a Claims,
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path PostgREST sees, e.g. `/hp_worker_status`.
    pub path: &'a str,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// READ ONLY for GET and HEAD.
    pub read_only: bool,
}

/// Runs `work` inside the request's transaction and commits; any error rolls back and becomes
/// the PostgREST error for it.
pub async fn in_request_transaction<T>(
    pool: &Pool,
    schema: &SchemaCache,
    context: RequestContext<'_>,
    work: impl AsyncFnOnce(&Client) -> Result<T, tokio_postgres::Error>,
) -> Result<T, ApiError> {
    let client = pool
        .get()
        .await
        .map_err(|error| ApiError::database_unavailable(error.to_string()))?;
    let is_anon = context.claims.role == "anon";
    let mode = if context.read_only {
        "read only"
    } else {
        "read write"
    };
    client
        .batch_execute(&format!("begin isolation level read committed {mode}"))
        .await
        .map_err(|error| ApiError::from_postgres(&error, is_anon))?;
    let outcome = async {
        set_request_settings(&client, schema, context).await?;
        work(&client).await
    }
    .await;
    match outcome {
        Ok(value) => {
            client
                .batch_execute("commit")
                .await
                .map_err(|error| ApiError::from_postgres(&error, is_anon))?;
            Ok(value)
        }
        Err(error) => {
            let _ = client.batch_execute("rollback").await;
            Err(ApiError::from_postgres(&error, is_anon))
        }
    }
}

async fn set_request_settings(
    client: &Client,
    schema: &SchemaCache,
    context: RequestContext<'_>,
) -> Result<(), tokio_postgres::Error> {
    let mut settings: Vec<(String, String)> = vec![(
        "search_path".to_owned(),
        "\"public\", \"public\"".to_owned(),
    )];
    settings.extend(schema.role_settings(&context.claims.role).iter().cloned());
    settings.push(("role".to_owned(), context.claims.role.clone()));
    settings.push((
        "request.jwt.claims".to_owned(),
        context.claims.json.to_string(),
    ));
    settings.push(("request.method".to_owned(), context.method.to_owned()));
    settings.push(("request.path".to_owned(), context.path.to_owned()));
    settings.push(("request.headers".to_owned(), headers_json(context.headers)));
    settings.push(("request.cookies".to_owned(), "{}".to_owned()));
    let calls: Vec<String> = (0..settings.len())
        .map(|i| format!("set_config(${}, ${}, true)", 2 * i + 1, 2 * i + 2))
        .collect();
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = settings
        .iter()
        .flat_map(|(name, value)| [name as &(dyn tokio_postgres::types::ToSql + Sync), value])
        .collect();
    client
        .query(&format!("select {}", calls.join(", ")), &params)
        .await?;
    Ok(())
}

/// Request headers as a JSON object with lowercased names (the last duplicate wins), without
/// cookies, as PostgREST's `request.headers`.
pub fn headers_json(headers: &HeaderMap) -> String {
    let mut object = Map::new();
    for (name, value) in headers {
        if name == "cookie" {
            continue;
        }
        if let Ok(text) = value.to_str() {
            object.insert(name.as_str().to_owned(), Value::String(text.to_owned()));
        }
    }
    Value::Object(object).to_string()
}
