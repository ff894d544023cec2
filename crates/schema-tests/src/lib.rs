//! Helpers for the schema tests: a migrated throwaway database and a way to run SQL exactly as
//! PostgREST does for an API role (log in as `authenticator`, switch role for one transaction).
//! The tests themselves are in `tests/`, one file per property of the schema.

use throwaway_db::{DbOptions, ThrowawayDb};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Row};

/// The table under test.
pub const TABLE: &str = "public.hp_worker_status";

/// The seeded workers, in display order.
pub const SEEDED: [&str; 5] = [
    "roundtable-worker",
    "x-autopost",
    "analyze-worker",
    "content-worker",
    "crawl-worker",
];

/// Starts a fresh, migrated throwaway database.
pub async fn fresh_db() -> ThrowawayDb {
    ThrowawayDb::start(DbOptions::default())
        .await
        .expect("throwaway database starts")
}

/// A connection as `authenticator`, the login the REST gateway uses.
pub async fn authenticator(db: &ThrowawayDb) -> Client {
    throwaway_db::connect(&db.authenticator_url())
        .await
        .expect("authenticator can log in")
}

/// Runs `sql` in one transaction as `role`, set up the way PostgREST does it
/// (`set_config('role', …, true)` and `request.jwt.claims`), then commits.
pub async fn as_role(
    client: &mut Client,
    role: &str,
    sql: &str,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let transaction = client.transaction().await?;
    let claims = serde_json::json!({ "role": role, "iss": "supabase-demo" }).to_string();
    transaction
        .execute(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
            &[&role, &claims],
        )
        .await?;
    let rows = transaction.query(sql, &[]).await?;
    transaction.commit().await?;
    Ok(rows)
}

/// The SQLSTATE of a failed statement, if it came from the server.
pub fn sqlstate(error: &tokio_postgres::Error) -> Option<&SqlState> {
    error.code()
}

/// The server's message for a failed statement.
pub fn message(error: &tokio_postgres::Error) -> String {
    error
        .as_db_error()
        .map(|db| db.message().to_owned())
        .unwrap_or_else(|| error.to_string())
}
