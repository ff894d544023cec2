//! The gateway's door for REST: Kong's key-auth (an `apikey` header or query parameter that is
//! one of the configured keys), Kong's choice of token (the client's `Authorization` unless it is
//! a bearer `sb_…` key, else the JWT the apikey stands for), then PostgREST's verification.
//! Realtime has its own rules in `realtime::join`.

use axum::http::{HeaderMap, header};

use crate::config::GatewayConfig;
use crate::error::ApiError;
use crate::keys::{self, Claims, JwtError};

/// The `apikey` header, else the `apikey` query parameter.
pub fn api_key(headers: &HeaderMap, raw_query: Option<&str>) -> Option<String> {
    if let Some(value) = headers.get("apikey").and_then(|value| value.to_str().ok()) {
        return Some(value.to_owned());
    }
    let query = raw_query?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "apikey")
        .map(|(_, value)| value.into_owned())
}

/// The error for an `apikey` the gateway does not know: the hosted platform's words for an
/// `sb_…` key, Kong's for anything else.
pub fn unknown_key_error(key: &str) -> ApiError {
    if key.starts_with("sb_") {
        ApiError::unregistered_api_key()
    } else {
        ApiError::invalid_api_key()
    }
}

/// Who a REST request acts as, or the error Kong or PostgREST would answer with.
pub fn authenticate(
    config: &GatewayConfig,
    headers: &HeaderMap,
    raw_query: Option<&str>,
    now: i64,
) -> Result<Claims, ApiError> {
    let key = api_key(headers, raw_query).ok_or_else(ApiError::missing_api_key)?;
    let Some(key_jwt) = config.jwt_for_api_key(&key) else {
        return Err(unknown_key_error(&key));
    };
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let token = match authorization.map(|value| (value, bearer(value))) {
        // A bearer API key (what supabase-js sends without a session) is not a JWT: the
        // gateway replaces it with the JWT the apikey stands for.
        Some((_, Some(token))) if token.starts_with("sb_") => key_jwt.to_owned(),
        Some((_, Some(token))) => token.to_owned(),
        // Not a bearer credential: PostgREST sees no token and uses the anonymous role.
        Some((_, None)) => return Ok(Claims::anonymous()),
        None => key_jwt.to_owned(),
    };
    if token.is_empty() {
        return Err(ApiError::jwt(&JwtError::Empty));
    }
    keys::verify(&token, &config.jwt_secret, now).map_err(|error| ApiError::jwt(&error))
}

/// `Bearer <token>` with a case-insensitive scheme.
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use dashboard_core::local_stack::{ANON_KEY, SERVICE_ROLE_KEY};

    const NOW: i64 = 1_800_000_000;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_key_may_come_from_header_or_query() {
        let config = GatewayConfig::default();
        let from_header =
            authenticate(&config, &headers(&[("apikey", ANON_KEY)]), None, NOW).unwrap();
        assert_eq!(from_header.role, "anon");
        let query = format!("select=*&apikey={SERVICE_ROLE_KEY}");
        assert_eq!(
            authenticate(&config, &HeaderMap::new(), Some(&query), NOW)
                .unwrap()
                .role,
            "service_role"
        );
    }

    #[test]
    fn missing_and_unknown_keys_are_refused_by_the_gateway() {
        let config = GatewayConfig::default();
        let missing = authenticate(&config, &HeaderMap::new(), None, NOW).unwrap_err();
        assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(missing.body()["message"], "No API key found in request");
        let unknown =
            authenticate(&config, &headers(&[("apikey", "nope")]), None, NOW).unwrap_err();
        assert_eq!(
            unknown.body()["message"],
            "Invalid authentication credentials"
        );
    }

    #[test]
    fn new_keys_stand_for_their_roles_and_a_bearer_sb_key_is_replaced() {
        use dashboard_core::local_stack::{PUBLISHABLE_KEY, SECRET_KEY};
        let config = GatewayConfig::default();
        for (key, role) in [(PUBLISHABLE_KEY, "anon"), (SECRET_KEY, "service_role")] {
            let alone = authenticate(&config, &headers(&[("apikey", key)]), None, NOW).unwrap();
            assert_eq!(alone.role, role, "{key} alone");
            // What supabase-js sends without a session: the key as apikey and as the bearer.
            let bearer = format!("Bearer {key}");
            let as_bearer = authenticate(
                &config,
                &headers(&[("apikey", key), ("authorization", &bearer)]),
                None,
                NOW,
            )
            .unwrap();
            assert_eq!(as_bearer.role, role, "{key} as bearer");
        }
        let unknown = authenticate(
            &config,
            &headers(&[("apikey", "sb_publishable_other")]),
            None,
            NOW,
        )
        .unwrap_err();
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.body()["message"], "Invalid API key");
    }

    #[test]
    fn the_bearer_token_decides_the_role() {
        let config = GatewayConfig::default();
        let bearer = format!("Bearer {SERVICE_ROLE_KEY}");
        let claims = authenticate(
            &config,
            &headers(&[("apikey", ANON_KEY), ("authorization", &bearer)]),
            None,
            NOW,
        )
        .unwrap();
        assert_eq!(claims.role, "service_role");
        let broken = authenticate(
            &config,
            &headers(&[("apikey", ANON_KEY), ("authorization", "bearer x.y")]),
            None,
            NOW,
        )
        .unwrap_err();
        assert_eq!(broken.body()["code"], "PGRST301");
        assert_eq!(broken.body()["message"], "Expected 3 parts in JWT; got 2");
        let empty = authenticate(
            &config,
            &headers(&[("apikey", ANON_KEY), ("authorization", "Bearer ")]),
            None,
            NOW,
        )
        .unwrap_err();
        assert_eq!(
            empty.body()["message"],
            "Empty JWT is sent in Authorization header"
        );
    }
}
