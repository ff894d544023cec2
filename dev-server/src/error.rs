//! One error type for everything the gateway answers HTTP requests with (REST, and the key and
//! token checks `auth` and `db` share), and how each becomes an HTTP response: PostgREST's `{code, details, hint, message}` with its status mapping (reference §2),
//! or the gateway's `{message}` for key problems. Details go to the log, not to the caller.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::keys::JwtError;

/// A REST failure, already shaped like the component of Supabase that would produce it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// An error PostgREST would send.
    Postgrest {
        /// HTTP status.
        status: StatusCode,
        /// SQLSTATE or `PGRSTxxx`.
        code: String,
        /// Human message.
        message: String,
        /// `details`, or null.
        details: Option<String>,
        /// `hint`, or null.
        hint: Option<String>,
        /// `WWW-Authenticate` value on 401s.
        www_authenticate: Option<String>,
    },
    /// An error the API gateway (Kong) sends before PostgREST sees the request.
    Gateway {
        /// HTTP status.
        status: StatusCode,
        /// The `message` field.
        message: &'static str,
        /// `WWW-Authenticate` value, if any.
        www_authenticate: Option<&'static str>,
        /// The `hint` field, if the platform sends one.
        hint: Option<&'static str>,
    },
}

impl ApiError {
    /// A PostgREST-shaped error without details or hint.
    pub fn postgrest(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::Postgrest {
            status,
            code: code.to_owned(),
            message: message.into(),
            details: None,
            hint: None,
            www_authenticate: None,
        }
    }

    /// The same error with `details` set (PostgREST errors only).
    pub fn with_details(mut self, text: impl Into<String>) -> Self {
        if let Self::Postgrest { details, .. } = &mut self {
            *details = Some(text.into());
        }
        self
    }

    /// The same error with `hint` set (PostgREST errors only).
    pub fn with_hint(mut self, text: impl Into<String>) -> Self {
        if let Self::Postgrest { hint, .. } = &mut self {
            *hint = Some(text.into());
        }
        self
    }

    /// PGRST100: the query string could not be parsed.
    pub fn bad_query(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::postgrest(StatusCode::BAD_REQUEST, "PGRST100", message).with_details(details)
    }

    /// PGRST102: the body is not valid JSON of the expected shape.
    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::postgrest(StatusCode::BAD_REQUEST, "PGRST102", message)
    }

    /// PGRST205: no such table in the exposed schema.
    pub fn unknown_table(name: &str) -> Self {
        Self::postgrest(
            StatusCode::NOT_FOUND,
            "PGRST205",
            format!("Could not find the table 'public.{name}' in the schema cache"),
        )
    }

    /// PGRST204: a body or `columns` key that is not a column.
    pub fn unknown_column(column: &str, table: &str) -> Self {
        Self::postgrest(
            StatusCode::BAD_REQUEST,
            "PGRST204",
            format!("Could not find the '{column}' column of '{table}' in the schema cache"),
        )
    }

    /// PGRST106: a profile other than `public` was asked for.
    pub fn schema_not_exposed(schema: &str) -> Self {
        Self::postgrest(
            StatusCode::NOT_ACCEPTABLE,
            "PGRST106",
            format!("Invalid schema: {schema}"),
        )
        .with_hint("Only the following schemas are exposed: public")
    }

    /// A refused bearer token (PGRST301 / PGRST303).
    pub fn jwt(error: &JwtError) -> Self {
        let message = error.to_string();
        Self::Postgrest {
            status: StatusCode::UNAUTHORIZED,
            code: error.code().to_owned(),
            www_authenticate: Some(format!(
                "Bearer error=\"invalid_token\", error_description=\"{message}\""
            )),
            message,
            details: None,
            hint: None,
        }
    }

    /// Kong key-auth: no `apikey` header or query parameter.
    pub fn missing_api_key() -> Self {
        Self::Gateway {
            status: StatusCode::UNAUTHORIZED,
            message: "No API key found in request",
            www_authenticate: Some("Key realm=\"kong\""),
            hint: None,
        }
    }

    /// Kong key-auth: an `apikey` that is none of the configured keys.
    pub fn invalid_api_key() -> Self {
        Self::Gateway {
            status: StatusCode::UNAUTHORIZED,
            message: "Invalid authentication credentials",
            www_authenticate: Some("Key realm=\"kong\""),
            hint: None,
        }
    }

    /// The hosted platform's answer to an `sb_…` key it does not know (a typo, a revoked or
    /// another project's key).
    pub fn unregistered_api_key() -> Self {
        Self::Gateway {
            status: StatusCode::UNAUTHORIZED,
            message: "Invalid API key",
            www_authenticate: None,
            hint: Some("Double check your Supabase `anon` or `service_role` API key."),
        }
    }

    /// The database could not be reached (PGRST001, 503).
    pub fn database_unavailable(detail: impl Into<String>) -> Self {
        Self::postgrest(
            StatusCode::SERVICE_UNAVAILABLE,
            "PGRST001",
            "Database client error. Retrying the connection.",
        )
        .with_details(detail)
    }

    /// A PostgreSQL error, with PostgREST's status for its SQLSTATE. `role_is_anon` decides
    /// 401 versus 403 for 42501.
    pub fn from_postgres(error: &tokio_postgres::Error, role_is_anon: bool) -> Self {
        let Some(db) = error.as_db_error() else {
            return Self::database_unavailable(error.to_string());
        };
        let code = db.code().code();
        let status = status_for_sqlstate(code, role_is_anon, db.message());
        let www_authenticate = (status == StatusCode::UNAUTHORIZED).then(|| "Bearer".to_owned());
        Self::Postgrest {
            status,
            code: code.to_owned(),
            message: db.message().to_owned(),
            details: db.detail().map(str::to_owned),
            hint: db.hint().map(str::to_owned),
            www_authenticate,
        }
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Postgrest { status, .. } | Self::Gateway { status, .. } => *status,
        }
    }

    /// The JSON body this error is sent with.
    pub fn body(&self) -> Value {
        match self {
            Self::Postgrest {
                code,
                message,
                details,
                hint,
                ..
            } => {
                json!({ "code": code, "details": details, "hint": hint, "message": message })
            }
            Self::Gateway {
                message,
                hint: None,
                ..
            } => json!({ "message": message }),
            Self::Gateway {
                message,
                hint: Some(hint),
                ..
            } => json!({ "message": message, "hint": hint }),
        }
    }
}

/// PostgREST's `pgErrorStatus` (Error.hs), by SQLSTATE or its class.
pub fn status_for_sqlstate(code: &str, role_is_anon: bool, message: &str) -> StatusCode {
    let class = code.get(..2).unwrap_or("");
    match code {
        "42501" if role_is_anon => StatusCode::UNAUTHORIZED,
        "42501" => StatusCode::FORBIDDEN,
        "23503" | "23505" => StatusCode::CONFLICT,
        "25006" => StatusCode::METHOD_NOT_ALLOWED,
        "42883" | "42P01" => StatusCode::NOT_FOUND,
        "42P17" => StatusCode::INTERNAL_SERVER_ERROR,
        "P0001" => StatusCode::BAD_REQUEST,
        // `set_config('role', 'nope', true)`: PostgREST 13.0.1+ answers 401.
        "22023" if message.starts_with("role ") => StatusCode::UNAUTHORIZED,
        _ => match class {
            "08" | "53" => StatusCode::SERVICE_UNAVAILABLE,
            "0L" | "0P" | "28" => StatusCode::FORBIDDEN,
            "54" => StatusCode::PAYLOAD_TOO_LARGE,
            "09" | "25" | "2D" | "38" | "39" | "3B" | "40" | "55" | "57" | "58" | "F0" | "HV"
            | "P0" | "XX" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        },
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        match &self {
            Self::Postgrest {
                code,
                www_authenticate,
                ..
            } => {
                if let Ok(value) = HeaderValue::from_str(&format!("PostgREST; error={code}")) {
                    headers.insert("proxy-status", value);
                }
                if let Some(value) = www_authenticate
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            Self::Gateway {
                www_authenticate, ..
            } => {
                if let Some(value) = www_authenticate {
                    headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(value));
                }
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_denied_is_401_for_anon_and_403_for_others() {
        assert_eq!(
            status_for_sqlstate("42501", true, ""),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status_for_sqlstate("42501", false, ""),
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn sqlstates_map_like_postgrest() {
        for (code, status) in [
            ("23505", 409),
            ("23503", 409),
            ("23514", 400),
            ("23502", 400),
            ("42703", 400),
            ("25006", 405),
            ("42P01", 404),
            ("57014", 500),
            ("08006", 503),
            ("22P02", 400),
        ] {
            assert_eq!(
                status_for_sqlstate(code, true, "").as_u16(),
                status,
                "{code}"
            );
        }
        assert_eq!(
            status_for_sqlstate("22023", true, "role \"x\" does not exist"),
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn bodies_have_all_four_keys_with_nulls() {
        let body = ApiError::unknown_table("nope").body();
        assert_eq!(
            body,
            json!({"code":"PGRST205","details":null,"hint":null,"message":"Could not find the table 'public.nope' in the schema cache"})
        );
        assert_eq!(
            ApiError::missing_api_key().body(),
            json!({"message":"No API key found in request"})
        );
    }
}
