//! What the gateway is configured with: where it listens, the JWT secret and the API keys (the
//! legacy anon / service_role JWTs and the publishable / secret keys that stand for them),
//! fault injection, and the delays Supabase adds to errors. Defaults are the Supabase CLI's local
//! stack (shared reference postgrest-and-roles.md §3.4), so a `supabase start` config works as is.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use dashboard_core::local_stack;

use crate::keys::mint_key;

/// Everything the gateway needs to know besides the database.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Where HTTP and WebSocket are served. Default 127.0.0.1:54321.
    pub listen: SocketAddr,
    /// HS256 secret that signs every accepted JWT.
    pub jwt_secret: String,
    /// The public anon key (a JWT with `role: anon`).
    pub anon_key: String,
    /// The service_role key (a JWT with `role: service_role`); never for browsers.
    pub service_role_key: String,
    /// The publishable key (`sb_publishable_…`): stands for the anon JWT.
    pub publishable_key: String,
    /// The secret key (`sb_secret_…`): stands for the service_role JWT; never for browsers.
    pub secret_key: String,
    /// Most rows one GET returns (Supabase's "Max rows", default 1,000).
    pub max_rows: i64,
    /// Fault-injection endpoints under `/__faults` (loopback callers only). Default off.
    pub faults_enabled: bool,
    /// Realtime's delay before a join error reply (`CHANNEL_ERROR_BACKOFF_MS`, 5 s on Supabase).
    pub channel_error_backoff: Duration,
    /// Realtime's delay before refusing a WebSocket upgrade (`CONNECT_ERROR_BACKOFF_MS`, 2 s).
    pub connect_error_backoff: Duration,
    /// How often the WAL is polled for changes (Realtime: 100 ms).
    pub poll_interval: Duration,
    /// A socket with no client frame for this long is closed (Phoenix: 60 s).
    pub idle_timeout: Duration,
    /// Per-client limits, Supabase Realtime's documented defaults (`realtime::limits`).
    pub client_limits: crate::realtime::limits::ClientLimits,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 54321),
            jwt_secret: local_stack::JWT_SECRET.to_owned(),
            anon_key: local_stack::ANON_KEY.to_owned(),
            service_role_key: local_stack::SERVICE_ROLE_KEY.to_owned(),
            publishable_key: local_stack::PUBLISHABLE_KEY.to_owned(),
            secret_key: local_stack::SECRET_KEY.to_owned(),
            max_rows: crate::rest::sql::DEFAULT_MAX_ROWS,
            faults_enabled: false,
            channel_error_backoff: Duration::from_millis(5_000),
            connect_error_backoff: Duration::from_millis(2_000),
            poll_interval: Duration::from_millis(100),
            idle_timeout: Duration::from_millis(
                dashboard_core::wire::protocol::SERVER_IDLE_TIMEOUT_MS,
            ),
            client_limits: crate::realtime::limits::ClientLimits::default(),
        }
    }
}

/// A configuration that must not be served.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The public demo secret may only guard a loopback listener.
    #[error(
        "refusing to listen on {0} with the public demo JWT secret: anyone could mint a \
         service_role token; pass --jwt-secret (32+ characters) or listen on 127.0.0.1"
    )]
    DefaultSecretOffLoopback(IpAddr),
    /// PostgREST refuses secrets shorter than 32 characters (v13+).
    #[error("the JWT secret must have at least 32 characters")]
    SecretTooShort,
}

impl GatewayConfig {
    /// A configuration with its own secret; keys are minted with it unless given.
    pub fn with_secret(
        secret: &str,
        anon_key: Option<String>,
        service_role_key: Option<String>,
    ) -> Self {
        Self {
            anon_key: anon_key.unwrap_or_else(|| mint_key(secret, "anon")),
            service_role_key: service_role_key.unwrap_or_else(|| mint_key(secret, "service_role")),
            jwt_secret: secret.to_owned(),
            ..Self::default()
        }
    }

    /// The JWT an accepted `apikey` stands for, as the CLI's API gateway maps it: a legacy key
    /// is its own JWT, a publishable key the anon JWT, a secret key the service_role JWT.
    /// `None` for a key the gateway does not know.
    pub fn jwt_for_api_key(&self, key: &str) -> Option<&str> {
        if key == self.anon_key || key == self.publishable_key {
            Some(&self.anon_key)
        } else if key == self.service_role_key || key == self.secret_key {
            Some(&self.service_role_key)
        } else {
            None
        }
    }

    /// Checks the rules a served configuration must follow.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.jwt_secret.len() < 32 {
            return Err(ConfigError::SecretTooShort);
        }
        if self.jwt_secret == local_stack::JWT_SECRET && !self.listen.ip().is_loopback() {
            return Err(ConfigError::DefaultSecretOffLoopback(self.listen.ip()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_secret_is_refused_off_loopback() {
        let mut config = GatewayConfig::default();
        assert_eq!(config.validate(), Ok(()));
        config.listen = "0.0.0.0:54321".parse().unwrap();
        assert!(matches!(
            config.validate(),
            Err(ConfigError::DefaultSecretOffLoopback(_))
        ));
        let mut custom =
            GatewayConfig::with_secret("a-custom-secret-that-is-long-enough-42", None, None);
        custom.listen = "0.0.0.0:54321".parse().unwrap();
        assert_eq!(custom.validate(), Ok(()));
    }

    #[test]
    fn new_keys_stand_for_the_legacy_jwts() {
        let config = GatewayConfig::default();
        assert_eq!(
            config.jwt_for_api_key(local_stack::PUBLISHABLE_KEY),
            Some(local_stack::ANON_KEY)
        );
        assert_eq!(
            config.jwt_for_api_key(local_stack::SECRET_KEY),
            Some(local_stack::SERVICE_ROLE_KEY)
        );
        assert_eq!(
            config.jwt_for_api_key(local_stack::ANON_KEY),
            Some(local_stack::ANON_KEY)
        );
        assert_eq!(config.jwt_for_api_key("sb_publishable_unknown"), None);
    }

    #[test]
    fn short_secrets_are_refused() {
        let config = GatewayConfig::with_secret("short", None, None);
        assert_eq!(config.validate(), Err(ConfigError::SecretTooShort));
    }
}
