//! What every REST request passes before a table is read or written: the injected faults of
//! `--faults` (a middleware on the table route, so a fault answers before anything else), the
//! key (`Authenticated`, an extractor: a request without a usable key never reaches a handler),
//! and the schema profile headers (`Profile`, an extractor).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::keys::Claims;
use crate::state::AppState;

/// Middleware: the next injected REST fault, if any: its delay, then its failure (a 503 unless
/// it names another status) or the request as usual.
pub async fn inject_faults(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(fault) = state.faults.next_rest_fault() {
        tokio::time::sleep(fault.delay).await;
        if let Some(status) = fault.fail_status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return ApiError::postgrest(status, "FAULT", "injected fault (dev-server --faults)")
                .into_response();
        }
    }
    next.run(request).await
}

/// Whether `method` reads (PostgREST's GET and HEAD), which decides the profile header, the
/// read-only transaction and the `Content-Location` of the answer.
pub fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// The role a request's key (and bearer token) stands for, as Kong and PostgREST decide it.
pub struct Authenticated(pub Claims);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        crate::auth::authenticate(
            &state.config,
            &parts.headers,
            parts.uri.query(),
            chrono::Utc::now().timestamp(),
        )
        .map(Self)
    }
}

/// The schema a request names (`Accept-Profile` on reads, `Content-Profile` on writes): only
/// `public` is exposed. `named` says whether the answer echoes it.
pub struct Profile {
    pub named: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Profile {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let header = if is_read(&parts.method) {
            "accept-profile"
        } else {
            "content-profile"
        };
        let named = parts
            .headers
            .get(header)
            .and_then(|value| value.to_str().ok());
        match named {
            Some(schema) if schema != "public" => Err(ApiError::schema_not_exposed(schema)),
            named => Ok(Self {
                named: named.is_some(),
            }),
        }
    }
}
