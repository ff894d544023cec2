//! Running the migrations again must not damage anything. This shows both layers: the runner
//! skips recorded migrations, and the migration itself refuses a raw second run atomically.

use schema_tests::{fresh_db, message};
use throwaway_db::{DbOptions, ThrowawayDb, apply_migrations, migration_files};

#[tokio::test]
async fn the_runner_skips_migrations_it_already_applied() {
    let db = fresh_db().await;
    let files =
        migration_files(&DbOptions::default().supabase_dir.join("migrations")).expect("list");
    assert_eq!(
        db.migrations().applied,
        files,
        "a fresh cluster applies every migration"
    );
    let mut client = db.connect_superuser().await.expect("connect");
    client
        .execute("update public.hp_worker_status set jobs_processed = 7 where worker_name = 'x-autopost'", &[])
        .await
        .expect("write");
    let report = apply_migrations(&mut client, &DbOptions::default().supabase_dir)
        .await
        .expect("second run");
    assert!(
        report.applied.is_empty(),
        "nothing is applied twice: {report:?}"
    );
    assert_eq!(report.skipped, files);
    let row = client
        .query_one(
            "select jobs_processed, (select count(*) from public.hp_worker_status) \
                    from public.hp_worker_status where worker_name = 'x-autopost'",
            &[],
        )
        .await
        .expect("read");
    assert_eq!(
        row.get::<_, i64>(0),
        7,
        "data written between runs survives"
    );
    assert_eq!(row.get::<_, i64>(1), 5);
}

#[tokio::test]
async fn a_raw_second_run_of_a_migration_is_refused_or_harmless_and_changes_nothing() {
    let db = fresh_db().await;
    let mut client = db.connect_superuser().await.expect("connect");
    let dir = DbOptions::default().supabase_dir.join("migrations");
    for file in migration_files(&dir).expect("list") {
        let sql = std::fs::read_to_string(dir.join(&file)).expect("read");
        let transaction = client.transaction().await.expect("begin");
        match transaction.batch_execute(&sql).await {
            Err(error) => assert!(
                message(&error).contains("already exists"),
                "{file}: {}",
                message(&error)
            ),
            // Only a migration written to run again (adopt.sql repeats its statements) may.
            Ok(()) => assert!(
                sql.contains("can run again without harm"),
                "{file} ran twice without an error"
            ),
        }
        transaction.rollback().await.expect("rollback");
    }
    let count: i64 = client
        .query_one("select count(*) from public.hp_worker_status", &[])
        .await
        .expect("read")
        .get(0);
    assert_eq!(count, 5);
}

#[tokio::test]
async fn a_kept_data_folder_restarts_with_its_data_and_no_reapplied_migration() {
    let folder = tempfile_dir();
    let options = DbOptions {
        data_dir: Some(folder.clone()),
        ..DbOptions::default()
    };
    let first = ThrowawayDb::start(options.clone())
        .await
        .expect("first start");
    let client = first.connect_superuser().await.expect("connect");
    client
        .execute("update public.hp_worker_status set jobs_processed = 9 where worker_name = 'analyze-worker'", &[])
        .await
        .expect("write");
    drop(client);
    first.stop().await;

    let second = ThrowawayDb::start(options).await.expect("second start");
    assert!(second.migrations().applied.is_empty());
    let client = second.connect_superuser().await.expect("connect");
    let jobs: i64 = client
        .query_one("select jobs_processed from public.hp_worker_status where worker_name = 'analyze-worker'", &[])
        .await
        .expect("read")
        .get(0);
    assert_eq!(jobs, 9);
    drop(client);
    second.stop().await;
    let _ = std::fs::remove_dir_all(folder);
}

fn tempfile_dir() -> std::path::PathBuf {
    let base = std::env::temp_dir().join(format!("schema-tests-kept-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    base
}
