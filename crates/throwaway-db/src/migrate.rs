//! Applies `supabase/bootstrap.sql`, then `supabase/migrations/*.sql` in file-name order, each
//! file in its own transaction, recording applied versions in
//! `supabase_migrations.schema_migrations` as the Supabase CLI does. A migration already
//! recorded is skipped, so running the migrations again is harmless.

use std::path::Path;

use tokio_postgres::Client;

use crate::error::DbError;

/// What one run of the migrations did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// File names applied by this run, in order.
    pub applied: Vec<String>,
    /// File names skipped because their version was already recorded.
    pub skipped: Vec<String>,
}

/// The CLI's own history table, so `supabase db push` and this runner agree on what ran.
const HISTORY_TABLE: &str = "
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
        version text not null primary key,
        statements text[],
        name text
    );";

/// Runs bootstrap (always; it is idempotent) and every pending migration, as the superuser.
pub async fn apply_all(
    client: &mut Client,
    supabase_dir: &Path,
) -> Result<MigrationReport, DbError> {
    let bootstrap = read(&supabase_dir.join("bootstrap.sql"))?;
    apply_in_transaction(client, "bootstrap.sql", &bootstrap, None).await?;
    client.batch_execute(HISTORY_TABLE).await?;
    let mut report = MigrationReport::default();
    for file in migration_files(&supabase_dir.join("migrations"))? {
        let Some((version, name)) = split_file_name(&file) else {
            continue;
        };
        let done = client
            .query_opt(
                "select 1 from supabase_migrations.schema_migrations where version = $1",
                &[&version],
            )
            .await?
            .is_some();
        if done {
            report.skipped.push(file);
            continue;
        }
        let sql = read(&supabase_dir.join("migrations").join(&file))?;
        apply_in_transaction(client, &file, &sql, Some((version, name))).await?;
        report.applied.push(file);
    }
    Ok(report)
}

/// Applies one file atomically: either all of it and its history row, or nothing.
async fn apply_in_transaction(
    client: &mut Client,
    file: &str,
    sql: &str,
    record: Option<(&str, &str)>,
) -> Result<(), DbError> {
    let failed = |source| DbError::Migration {
        file: file.to_owned(),
        source,
    };
    let transaction = client.transaction().await?;
    transaction.batch_execute(sql).await.map_err(failed)?;
    if let Some((version, name)) = record {
        transaction
            .execute(
                "insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)",
                &[&version, &name],
            )
            .await
            .map_err(failed)?;
    }
    transaction.commit().await.map_err(failed)
}

/// `*.sql` file names in `dir`, sorted as the Supabase CLI sorts them (by name).
pub fn migration_files(dir: &Path) -> Result<Vec<String>, DbError> {
    let entries =
        std::fs::read_dir(dir).map_err(DbError::io(format!("reading {}", dir.display())))?;
    let mut files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    files.sort();
    Ok(files)
}

/// `20261128000000_create_worker_status.sql` → ("20261128000000", "create_worker_status").
fn split_file_name(file: &str) -> Option<(&str, &str)> {
    let stem = file.strip_suffix(".sql")?;
    let (version, name) = stem.split_once('_')?;
    version
        .chars()
        .all(|c| c.is_ascii_digit())
        .then_some((version, name))
}

fn read(path: &Path) -> Result<String, DbError> {
    std::fs::read_to_string(path).map_err(DbError::io(format!("reading {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_file_names_split_into_version_and_name() {
        assert_eq!(
            split_file_name("20261128000000_create_worker_status.sql"),
            Some(("20261128000000", "create_worker_status"))
        );
        assert_eq!(split_file_name("notes.sql"), None);
        assert_eq!(split_file_name("v1_x.sql"), None);
    }
}
