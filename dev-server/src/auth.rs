//! The gateway's door for REST: Kong's key-auth (an `apikey` header or query parameter that is
//! one of the two configured keys), then PostgREST's choice of token (the `Authorization` bearer,
//! else the apikey itself) and its verification. Realtime has its own rules in `realtime::join`.

use axum::http::{HeaderMap, header};

use crate::config::GatewayConfig;
use crate::keys::{self, Claims, JwtError};
use crate::rest::error::ApiError;

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

/// Whether `key` is one of the gateway's two keys.
pub fn is_known_key(config: &GatewayConfig, key: &str) -> bool {
    key == config.anon_key || key == config.service_role_key
}

/// Who a REST request acts as, or the error Kong or PostgREST would answer with.
pub fn authenticate(
    config: &GatewayConfig,
    headers: &HeaderMap,
    raw_query: Option<&str>,
    now: i64,
) -> Result<Claims, ApiError> {
    let key = api_key(headers, raw_query).ok_or_else(ApiError::missing_api_key)?;
    if !is_known_key(config, &key) {
        return Err(ApiError::invalid_api_key());
    }
    let token = match headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    {
        Some(value) => match bearer(value) {
            Some(token) => token.to_owned(),
            // Not a bearer credential: PostgREST sees no token and uses the anonymous role.
            None => return Ok(Claims::anonymous()),
        },
        None => key,
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
