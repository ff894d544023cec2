//! Supabase Realtime's `postgres_changes` and Broadcast over Phoenix channels at
//! `/realtime/v1/websocket`. This file is the HTTP upgrade: the key check and the socket's
//! protocol version. The rest: `session` (one socket), `join` (join payloads), `authorization`
//! (private topics), `hub` (who listens), `wal` (reading changes), `wal_change` (what a change
//! is), `delivery` (RLS and payloads), `broadcast` (from the database), `client_broadcast` (from
//! clients).

pub mod authorization;
pub mod broadcast;
pub mod client_broadcast;
pub mod delivery;
pub mod hub;
pub mod join;
pub mod limits;
pub mod outbox;
pub mod session;
pub mod wal;
pub mod wal_change;

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{RawQuery, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use dashboard_core::wire::frame::Vsn;
use serde_json::json;

use crate::auth::api_key;
use crate::keys;
use crate::state::AppState;

/// Realtime's largest accepted frame (`max_frame_size`).
const MAX_FRAME_BYTES: usize = 5_000_000;

/// `GET /realtime/v1/websocket?apikey=…&vsn=…`.
pub async fn websocket(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    static NEXT_SOCKET: AtomicU64 = AtomicU64::new(1);
    let config = &state.config;
    let vsn_param = raw_query.as_deref().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "vsn")
            .map(|(_, value)| value.into_owned())
    });
    let Some(vsn) = vsn_param.as_deref().map_or(Some(Vsn::V1), Vsn::parse) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported serializer version"})),
        )
            .into_response();
    };
    let key = api_key(&headers, raw_query.as_deref()).or_else(|| {
        headers
            .get("x-api-key")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    });
    let Some(key) = key else {
        tokio::time::sleep(config.connect_error_backoff).await;
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "API key is missing"})),
        )
            .into_response();
    };
    // The API gateway refuses unknown keys before Realtime sees them, and hands Realtime the
    // JWT that a publishable or secret key stands for.
    let Some(key) = config.jwt_for_api_key(&key).map(str::to_owned) else {
        return crate::auth::unknown_key_error(&key).into_response();
    };
    if let Err(reason) =
        keys::verify_for_realtime(&key, &config.jwt_secret, chrono::Utc::now().timestamp())
    {
        tokio::time::sleep(config.connect_error_backoff).await;
        let message = keys::reason_message(&reason);
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": message}))).into_response();
    }
    // The key is checked before the upgrade headers, as the gateway answers first.
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let socket_id = NEXT_SOCKET.fetch_add(1, Ordering::Relaxed);
    upgrade
        .max_message_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| session::run(socket, state, socket_id, vsn, key))
}
