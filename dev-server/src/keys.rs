//! API keys and JWTs: which `apikey` values the gateway accepts (Kong's key-auth), how a bearer
//! token is verified and what it means (PostgREST's HS256 check with 30 s of clock skew), and
//! minting keys for a custom secret. Messages are verbatim from the reference (§2.3, §3).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde_json::{Value, json};

/// Allowed clock skew for `exp`, `nbf` and `iat`, in seconds (PostgREST).
const CLOCK_SKEW_SECONDS: i64 = 30;
/// Lifetime of a minted key: ten years, as Supabase's keys.
const MINTED_KEY_LIFETIME_SECONDS: i64 = 10 * 365 * 24 * 3600;

/// A verified token: the database role to act as and the claims to expose to SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    /// The `role` claim, or `anon` when absent.
    pub role: String,
    /// All claims, with `role` always present (PostgREST inserts it).
    pub json: Value,
}

impl Claims {
    /// The claims PostgREST uses when there is no token at all.
    pub fn anonymous() -> Self {
        Self {
            role: "anon".to_owned(),
            json: json!({ "role": "anon" }),
        }
    }

    /// Seconds since the epoch of `exp`, if the token has one.
    pub fn exp(&self) -> Option<i64> {
        self.json.get("exp").and_then(Value::as_i64)
    }
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// `Authorization: Bearer ` with nothing after it.
    #[error("Empty JWT is sent in Authorization header")]
    Empty,
    /// Not three dot-separated parts.
    #[error("Expected 3 parts in JWT; got {0}")]
    Parts(usize),
    /// Undecodable, or the signature does not match the secret.
    #[error("JWT cryptographic operation failed")]
    Crypto,
    /// Signed with something other than HS256.
    #[error("Wrong or unsupported encoding algorithm")]
    Algorithm,
    /// `exp` is in the past (beyond the skew).
    #[error("JWT expired")]
    Expired,
    /// `nbf` is in the future (beyond the skew).
    #[error("JWT not yet valid")]
    NotYetValid,
    /// `iat` is in the future (beyond the skew).
    #[error("JWT issued at future")]
    IssuedInFuture,
}

impl JwtError {
    /// PostgREST's error code: PGRST301 for decoding, PGRST303 for claims.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty | Self::Parts(_) | Self::Crypto | Self::Algorithm => "PGRST301",
            Self::Expired | Self::NotYetValid | Self::IssuedInFuture => "PGRST303",
        }
    }
}

/// Verifies an HS256 token and its time claims at `now` (seconds since the epoch).
pub fn verify(token: &str, secret: &str, now: i64) -> Result<Claims, JwtError> {
    let json = verify_signature(token, secret)?;
    let claim = |name: &str| json.get(name).and_then(Value::as_i64);
    if claim("exp").is_some_and(|exp| now > exp + CLOCK_SKEW_SECONDS) {
        return Err(JwtError::Expired);
    }
    if claim("nbf").is_some_and(|nbf| now + CLOCK_SKEW_SECONDS < nbf) {
        return Err(JwtError::NotYetValid);
    }
    if claim("iat").is_some_and(|iat| now + CLOCK_SKEW_SECONDS < iat) {
        return Err(JwtError::IssuedInFuture);
    }
    Ok(claims_from(json))
}

/// Checks the signature only and returns the raw claims.
pub fn verify_signature(token: &str, secret: &str) -> Result<Value, JwtError> {
    if token.is_empty() {
        return Err(JwtError::Empty);
    }
    let parts = token.split('.').count();
    if parts != 3 {
        return Err(JwtError::Parts(parts));
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let key = DecodingKey::from_secret(secret.as_bytes()).map_err(|_| JwtError::Crypto)?;
    let decoded = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|error| {
        match error.kind() {
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => JwtError::Algorithm,
            _ => JwtError::Crypto,
        }
    })?;
    match decoded.claims {
        Value::Object(_) => Ok(decoded.claims),
        _ => Err(JwtError::Crypto),
    }
}

fn claims_from(mut json: Value) -> Claims {
    let role = json
        .get("role")
        .and_then(Value::as_str)
        .unwrap_or("anon")
        .to_owned();
    json["role"] = json!(role);
    Claims { role, json }
}

/// Realtime's own check of a channel token (shared reference realtime-protocol.md §3): it needs
/// `role` and `exp`, and allows no skew. Returns the reason string of the join error.
pub fn verify_for_realtime(token: &str, secret: &str, now: i64) -> Result<Claims, String> {
    let json = verify_signature(token, secret).map_err(|error| match error {
        JwtError::Crypto => "JwtSignatureError: Failed to validate JWT signature".to_owned(),
        _ => "MalformedJWT: The token provided is not a valid JWT".to_owned(),
    })?;
    let (Some(_), Some(exp)) = (
        json.get("role").and_then(Value::as_str),
        json.get("exp").and_then(Value::as_i64),
    ) else {
        return Err("InvalidJWTToken: Fields `role` and `exp` are required in JWT".to_owned());
    };
    if exp <= now {
        return Err(format!(
            "InvalidJWTToken: Token has expired {} seconds ago",
            now - exp
        ));
    }
    Ok(claims_from(json))
}

/// The message part of a Realtime reason (`"InvalidJWTToken: Token has expired"` →
/// `"Token has expired"`), as upgrade errors and `system` messages carry it.
pub fn reason_message(reason: &str) -> &str {
    reason
        .split_once(": ")
        .map_or(reason, |(_, message)| message)
}

/// Signs a key for `role` with `secret`, shaped like Supabase's demo keys.
pub fn mint_key(secret: &str, role: &str) -> String {
    let claims = json!({
        "iss": "supabase-demo",
        "role": role,
        "exp": chrono::Utc::now().timestamp() + MINTED_KEY_LIFETIME_SECONDS,
    });
    // An HMAC key accepts any bytes and signing a JSON object cannot fail with one; only a
    // missing crypto backend (a build error) could make these fail.
    let key = EncodingKey::from_secret(secret.as_bytes()).expect("an HMAC key accepts any secret");
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        .expect("HS256 signing cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_core::local_stack::{ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY};

    const NOW: i64 = 1_800_000_000;

    fn sign(claims: Value, secret: &str) -> String {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_cli_demo_keys_verify_with_the_demo_secret() {
        assert_eq!(verify(ANON_KEY, JWT_SECRET, NOW).unwrap().role, "anon");
        let service = verify(SERVICE_ROLE_KEY, JWT_SECRET, NOW).unwrap();
        assert_eq!(service.role, "service_role");
        assert_eq!(service.json["iss"], "supabase-demo");
        assert_eq!(service.exp(), Some(1_983_812_996));
    }

    #[test]
    fn decoding_failures_are_pgrst301_with_postgrest_messages() {
        assert_eq!(verify("", JWT_SECRET, NOW), Err(JwtError::Empty));
        assert_eq!(
            verify("abc", JWT_SECRET, NOW).unwrap_err().to_string(),
            "Expected 3 parts in JWT; got 1"
        );
        assert_eq!(
            verify(ANON_KEY, "another-secret-that-is-long-enough-123", NOW),
            Err(JwtError::Crypto)
        );
        assert_eq!(verify("a.b.c", JWT_SECRET, NOW), Err(JwtError::Crypto));
        assert_eq!(JwtError::Crypto.code(), "PGRST301");
    }

    #[test]
    fn time_claims_allow_thirty_seconds_of_skew() {
        let token = |claims| sign(claims, JWT_SECRET);
        assert!(
            verify(
                &token(json!({"role":"anon","exp": NOW - 30})),
                JWT_SECRET,
                NOW
            )
            .is_ok()
        );
        assert_eq!(
            verify(
                &token(json!({"role":"anon","exp": NOW - 31})),
                JWT_SECRET,
                NOW
            ),
            Err(JwtError::Expired)
        );
        assert!(verify(&token(json!({"nbf": NOW + 30})), JWT_SECRET, NOW).is_ok());
        assert_eq!(
            verify(&token(json!({"nbf": NOW + 31})), JWT_SECRET, NOW),
            Err(JwtError::NotYetValid)
        );
        assert_eq!(
            verify(&token(json!({"iat": NOW + 31})), JWT_SECRET, NOW),
            Err(JwtError::IssuedInFuture)
        );
        assert_eq!(JwtError::Expired.code(), "PGRST303");
    }

    #[test]
    fn a_token_without_role_acts_as_anon_with_role_inserted() {
        let claims = verify(&sign(json!({"sub":"u1"}), JWT_SECRET), JWT_SECRET, NOW).unwrap();
        assert_eq!(claims.role, "anon");
        assert_eq!(claims.json, json!({"sub":"u1","role":"anon"}));
    }

    #[test]
    fn realtime_requires_role_and_exp_and_reports_expiry_age() {
        let no_exp = sign(json!({"role":"anon"}), JWT_SECRET);
        assert_eq!(
            verify_for_realtime(&no_exp, JWT_SECRET, NOW).unwrap_err(),
            "InvalidJWTToken: Fields `role` and `exp` are required in JWT"
        );
        let expired = sign(json!({"role":"anon","exp": NOW - 12}), JWT_SECRET);
        assert_eq!(
            verify_for_realtime(&expired, JWT_SECRET, NOW).unwrap_err(),
            "InvalidJWTToken: Token has expired 12 seconds ago"
        );
        assert_eq!(
            verify_for_realtime(ANON_KEY, "another-secret-that-is-long-enough-123", NOW)
                .unwrap_err(),
            "JwtSignatureError: Failed to validate JWT signature"
        );
        assert_eq!(
            verify_for_realtime("nope", JWT_SECRET, NOW).unwrap_err(),
            "MalformedJWT: The token provided is not a valid JWT"
        );
    }

    #[test]
    fn minted_keys_verify_and_carry_their_role() {
        let secret = "a-custom-secret-that-is-long-enough-42";
        let key = mint_key(secret, "service_role");
        assert_eq!(
            verify(&key, secret, chrono::Utc::now().timestamp())
                .unwrap()
                .role,
            "service_role"
        );
    }
}
