//! Workers write with the service_role key: their upsert, an update and a delete must work, and
//! `updated_at` must follow every change.

use schema_tests::{as_role, authenticator, fresh_db};

/// The statement PostgREST builds for the heartbeat's upsert with `resolution=merge-duplicates`.
const HEARTBEAT_UPSERT: &str = "
    insert into public.hp_worker_status
        (worker_name, status, last_heartbeat, jobs_processed, error_count, circuit_breaker_open)
    select worker_name, status, last_heartbeat, jobs_processed, error_count, circuit_breaker_open
    from json_populate_recordset(null::public.hp_worker_status, $1::json)
    on conflict (worker_name) do update set
        status = excluded.status, last_heartbeat = excluded.last_heartbeat,
        jobs_processed = excluded.jobs_processed, error_count = excluded.error_count,
        circuit_breaker_open = excluded.circuit_breaker_open
    returning (xmax = 0) as inserted, updated_at";

async fn heartbeat(
    client: &mut tokio_postgres::Client,
    body: &serde_json::Value,
) -> (bool, std::time::SystemTime) {
    let transaction = client.transaction().await.expect("begin");
    transaction
        .execute("select set_config('role', 'service_role', true)", &[])
        .await
        .expect("switch role");
    let row = transaction
        .query_one(HEARTBEAT_UPSERT, &[body])
        .await
        .expect("service_role upsert");
    transaction.commit().await.expect("commit");
    (row.get(0), row.get(1))
}

#[tokio::test]
async fn the_heartbeat_upsert_updates_a_seeded_row_and_inserts_a_new_one() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    let beat = serde_json::json!([{
        "worker_name": "x-autopost", "status": "running", "last_heartbeat": "2026-11-28T15:00:00Z",
        "jobs_processed": 142, "error_count": 0, "circuit_breaker_open": false
    }]);
    let (inserted, first_updated_at) = heartbeat(&mut client, &beat).await;
    assert!(!inserted, "x-autopost was seeded, so this is an update");

    let rows = as_role(
        &mut client,
        "anon",
        "select status, jobs_processed, description, display_order \
         from public.hp_worker_status where worker_name = 'x-autopost'",
    )
    .await
    .expect("anon reads");
    assert_eq!(rows[0].get::<_, String>(0), "running");
    assert_eq!(rows[0].get::<_, i64>(1), 142);
    assert_eq!(
        rows[0].get::<_, String>(2),
        "Tweet publishing",
        "an upsert keeps the description"
    );
    assert_eq!(
        rows[0].get::<_, i32>(3),
        2,
        "an upsert keeps the display order"
    );

    let (_, second_updated_at) = heartbeat(&mut client, &beat).await;
    assert!(
        second_updated_at > first_updated_at,
        "updated_at advances on every heartbeat"
    );

    let new_worker = serde_json::json!([{
        "worker_name": "new-worker", "status": "running", "last_heartbeat": "2026-11-28T15:00:00Z",
        "jobs_processed": 0, "error_count": 0, "circuit_breaker_open": false
    }]);
    let (inserted, _) = heartbeat(&mut client, &new_worker).await;
    assert!(inserted, "an unknown worker is inserted");
}

#[tokio::test]
async fn service_role_updates_and_deletes() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    let before = as_role(
        &mut client,
        "service_role",
        "select updated_at from public.hp_worker_status where worker_name = 'crawl-worker'",
    )
    .await
    .expect("read");
    let before: std::time::SystemTime = before[0].get(0);
    let updated = as_role(
        &mut client,
        "service_role",
        "update public.hp_worker_status set circuit_breaker_open = true, status = 'crashed' \
         where worker_name = 'crawl-worker' returning updated_at",
    )
    .await
    .expect("service_role updates");
    assert_eq!(updated.len(), 1);
    assert!(
        updated[0].get::<_, std::time::SystemTime>(0) > before,
        "the trigger moved updated_at"
    );

    let deleted = as_role(
        &mut client,
        "service_role",
        "delete from public.hp_worker_status where worker_name = 'crawl-worker' returning worker_name",
    )
    .await
    .expect("service_role deletes");
    assert_eq!(deleted.len(), 1);
    let left = as_role(
        &mut client,
        "anon",
        "select count(*) from public.hp_worker_status",
    )
    .await
    .expect("read");
    assert_eq!(left[0].get::<_, i64>(0), 4);
}
