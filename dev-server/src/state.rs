//! What every handler shares: configuration, the REST connection pool, the schema cache, the
//! fault switchboard and the Realtime hub. Cheap to clone.

use std::ops::Deref;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use deadpool_postgres::Pool;
use tokio::sync::watch;

use crate::config::GatewayConfig;
use crate::faults::Faults;
use crate::realtime::hub::Hub;
use crate::schema::{SchemaCache, Table};

/// Shortest time between two schema reloads caused by unknown table names.
const SCHEMA_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// Shared state; see the module docs.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

/// The shared parts.
#[derive(Debug)]
pub struct Inner {
    /// Configuration.
    pub config: GatewayConfig,
    /// `authenticator` connections for REST.
    pub pool: Pool,
    /// Connection URL with replication and role-switching rights, for Realtime.
    pub admin_url: String,
    /// Fault injection (its routes take only it: `FromRef` below).
    pub faults: Arc<Faults>,
    /// Realtime subscribers.
    pub hub: Hub,
    /// True while the WAL poller has a replication slot, i.e. while changes really flow.
    pub realtime_ready: watch::Sender<bool>,
    schema: RwLock<(Arc<SchemaCache>, Instant)>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for Arc<Faults> {
    fn from_ref(state: &AppState) -> Self {
        state.faults.clone()
    }
}

impl AppState {
    /// Assembles the state.
    pub fn new(config: GatewayConfig, pool: Pool, admin_url: String, schema: SchemaCache) -> Self {
        let faults = Arc::new(Faults::new(config.faults_enabled));
        Self(Arc::new(Inner {
            config,
            pool,
            admin_url,
            faults,
            hub: Hub::default(),
            realtime_ready: watch::Sender::new(false),
            schema: RwLock::new((Arc::new(schema), Instant::now())),
        }))
    }

    /// The current schema cache (shared, not copied: requests read it on every call).
    pub fn schema(&self) -> Arc<SchemaCache> {
        self.schema
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
            .clone()
    }

    /// A table of `public`, reloading the cache (at most once a second) when it is unknown, so
    /// that a table created after start-up is found as PostgREST's schema reload would.
    pub async fn table(&self, name: &str) -> Option<Arc<Table>> {
        self.lookup_table(name, false).await
    }

    /// Like `table`, but reloads without the rate limit: for a change the WAL already shows,
    /// the table certainly exists.
    pub async fn table_now(&self, name: &str) -> Option<Arc<Table>> {
        self.lookup_table(name, true).await
    }

    async fn lookup_table(&self, name: &str, always_reload: bool) -> Option<Arc<Table>> {
        if let Some(table) = self.schema().table(name) {
            return Some(table);
        }
        let stale = always_reload
            || self
                .schema
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .1
                .elapsed()
                > SCHEMA_RELOAD_INTERVAL;
        if stale
            && let Ok(client) = self.pool.get().await
            && let Ok(fresh) = SchemaCache::load(&client).await
        {
            let table = fresh.table(name);
            *self
                .schema
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                (Arc::new(fresh), Instant::now());
            return table;
        }
        None
    }
}
