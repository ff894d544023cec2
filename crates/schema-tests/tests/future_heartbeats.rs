//! A heartbeat stamped by a worker host whose clock runs fast is clamped to the database's
//! clock, so a dead worker cannot stay "just now"; a true or past stamp is kept as written.

use schema_tests::{as_role, authenticator, fresh_db};

/// `last_heartbeat` of `worker`, minus the database's now(), in seconds, after `write` as
/// service_role.
async fn written_minus_now(client: &mut tokio_postgres::Client, write: &str, worker: &str) -> f64 {
    as_role(client, "service_role", write)
        .await
        .expect("service_role writes");
    let rows = as_role(
        client,
        "anon",
        &format!(
            "select extract(epoch from last_heartbeat - now())::float8 \
             from public.hp_worker_status where worker_name = '{worker}'"
        ),
    )
    .await
    .expect("anon reads");
    rows[0].get(0)
}

#[tokio::test]
async fn a_heartbeat_ten_minutes_ahead_is_clamped_on_insert_and_update() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    // Ten minutes ahead, as the setup guide's inline code writes it on a fast host: clamped.
    let inserted = written_minus_now(
        &mut client,
        "insert into public.hp_worker_status (worker_name, status, last_heartbeat) \
         values ('fast-clock', 'running', now() + interval '10 minutes')",
        "fast-clock",
    )
    .await;
    assert!(
        inserted <= 0.0,
        "insert kept a future heartbeat: {inserted} s ahead"
    );
    assert!(
        inserted > -5.0,
        "clamped to now, not further back: {inserted} s"
    );
    let updated = written_minus_now(
        &mut client,
        "update public.hp_worker_status set last_heartbeat = now() + interval '10 minutes' \
         where worker_name = 'x-autopost'",
        "x-autopost",
    )
    .await;
    assert!(
        updated <= 0.0,
        "update kept a future heartbeat: {updated} s ahead"
    );
    // Ten minutes behind (a slow host) is the heartbeat module's to correct: kept as written.
    let past = written_minus_now(
        &mut client,
        "update public.hp_worker_status set last_heartbeat = now() - interval '10 minutes' \
         where worker_name = 'x-autopost'",
        "x-autopost",
    )
    .await;
    assert!((past + 600.0).abs() < 5.0, "a past stamp is kept: {past} s");
}

#[tokio::test]
async fn the_clamp_function_is_not_callable_through_the_api() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    for role in ["anon", "authenticated"] {
        let rows = as_role(
            &mut client,
            role,
            "select has_function_privilege('public.hp_worker_status_clamp_heartbeat()', 'execute')",
        )
        .await
        .expect("privilege check");
        assert!(
            !rows[0].get::<_, bool>(0),
            "{role} may execute the trigger function"
        );
    }
}
