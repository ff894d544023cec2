//! A local stand-in for Supabase's API gateway: PostgREST-style REST at `/rest/v1/<table>` and
//! Realtime `postgres_changes` at `/realtime/v1/websocket`, over a real PostgreSQL with
//! Supabase's roles and RLS. `app()` builds the router (tests use it without a network);
//! `Gateway::start` connects the database, checks it, binds and serves.

pub mod auth;
pub mod config;
pub mod cors;
pub mod db;
pub mod error;
pub mod faults;
pub mod filter;
pub mod keys;
pub mod realtime;
pub mod rest;
pub mod schema;
pub mod state;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::{any, get, post};
use throwaway_db::{DbOptions, ThrowawayDb};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::GatewayConfig;
use schema::SchemaCache;
pub use state::AppState;

/// The routes, with CORS around all of them.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route(
            "/rest/v1/{table}",
            any(rest::handle).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                rest::edge::inject_faults,
            )),
        )
        .route("/rest/v1/", any(rest::invalid_path))
        .route("/rest/v1/{table}/{*rest}", any(rest::invalid_path))
        .route(
            dashboard_core::wire::protocol::WEBSOCKET_PATH,
            get(realtime::websocket),
        )
        .route("/health", get(|| async { "ok" }));
    if state.config.faults_enabled {
        router = router
            .route("/__faults", get(faults::show_faults))
            .route("/__faults/{action}", post(faults::set_fault));
    }
    router
        .layer(axum::middleware::from_fn(cors::cors))
        .with_state(state)
}

/// Where the database comes from.
#[derive(Debug, Clone)]
pub enum Database {
    /// Start a throwaway cluster (the default of `make stack`).
    Embedded(DbOptions),
    /// Use a running PostgreSQL prepared with `supabase/bootstrap.sql` and the migrations.
    External {
        /// A role that may create replication slots and switch to the API roles.
        admin_url: String,
        /// The `authenticator` login used for REST.
        authenticator_url: String,
    },
}

/// Why the gateway could not start. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration breaks a rule.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The embedded database did not start.
    #[error("the throwaway database did not start: {0}")]
    EmbeddedDatabase(#[from] throwaway_db::DbError),
    /// The database is not reachable.
    #[error(
        "cannot reach the database ({url}): {reason}; is PostgreSQL running and the URL right?"
    )]
    Unreachable {
        /// The URL without its password.
        url: String,
        /// What the driver said.
        reason: String,
    },
    /// Logical decoding with wal2json is not possible on that database.
    #[error(
        "realtime needs wal2json and wal_level=logical on the database: {0}; install postgresql-15-wal2json (make deps)"
    )]
    NoWal2json(String),
    /// The listen port is taken.
    #[error("{0} is already in use; stop the other process or pass --listen with another port")]
    PortTaken(SocketAddr),
    /// Any other start-up failure.
    #[error("{0}")]
    Other(String),
}

/// A running gateway.
#[derive(Debug)]
pub struct Gateway {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Shared state (tests inspect the hub).
    pub state: AppState,
    /// Admin URL of the database.
    pub database_url: String,
    db: Option<ThrowawayDb>,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    poller: JoinHandle<()>,
}

impl Gateway {
    /// Connects and checks the database, binds `config.listen` (port 0 picks one), and serves.
    pub async fn start(config: GatewayConfig, database: Database) -> Result<Self, StartError> {
        config.validate()?;
        let (db, admin_url, authenticator_url) = match database {
            Database::Embedded(options) => {
                let db = ThrowawayDb::start(options).await?;
                let (admin, authenticator) = (db.superuser_url(), db.authenticator_url());
                (Some(db), admin, authenticator)
            }
            Database::External {
                admin_url,
                authenticator_url,
            } => (None, admin_url, authenticator_url),
        };
        check_database(&admin_url).await?;
        let pool = db::pool(&authenticator_url).map_err(StartError::Other)?;
        let client = pool.get().await.map_err(|error| StartError::Unreachable {
            url: redact(&authenticator_url),
            reason: error.to_string(),
        })?;
        let schema = SchemaCache::load(&client)
            .await
            .map_err(|error| StartError::Other(error.to_string()))?;
        drop(client);
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|error| match error.kind() {
                    std::io::ErrorKind::AddrInUse => StartError::PortTaken(config.listen),
                    _ => StartError::Other(format!("cannot listen on {}: {error}", config.listen)),
                })?;
        let addr = listener
            .local_addr()
            .map_err(|error| StartError::Other(error.to_string()))?;
        let state = AppState::new(config, pool, admin_url.clone(), schema);
        let poller = tokio::spawn(realtime::wal::run_poller(state.clone()));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let router = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(error) = served.await {
                tracing::error!(%error, "server stopped with an error");
            }
        });
        Ok(Self {
            addr,
            state,
            database_url: admin_url,
            db,
            shutdown: Some(shutdown),
            server,
            poller,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:54321`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving, then the poller, then the embedded database.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // WebSocket sessions keep graceful shutdown waiting; give them a moment, then end.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.server).await;
        self.server.abort();
        self.poller.abort();
        if let Some(db) = self.db.take() {
            db.stop().await;
        }
    }
}

async fn check_database(admin_url: &str) -> Result<(), StartError> {
    let client =
        throwaway_db::connect(admin_url)
            .await
            .map_err(|error| StartError::Unreachable {
                url: redact(admin_url),
                reason: error.to_string(),
            })?;
    let slot = format!("gateway_startup_check_{}", std::process::id());
    client
        .execute(
            "select pg_create_logical_replication_slot($1, 'wal2json', true)",
            &[&slot],
        )
        .await
        .map_err(|error| {
            let message = error
                .as_db_error()
                .map_or_else(|| error.to_string(), |db| db.message().to_owned());
            StartError::NoWal2json(message)
        })?;
    let _ = client
        .execute("select pg_drop_replication_slot($1)", &[&slot])
        .await;
    Ok(())
}

/// A connection URL with its password replaced, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://postgres:secret@127.0.0.1:5432/postgres"),
            "postgres://postgres:***@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact("postgres://127.0.0.1/x"), "postgres://127.0.0.1/x");
    }
}
