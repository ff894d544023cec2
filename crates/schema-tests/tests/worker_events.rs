//! The history table (issue 13): the trigger on hp_worker_status records status changes,
//! circuit-breaker changes and silences of more than 5 minutes, and nothing for a plain
//! heartbeat; anon and authenticated read it and write nothing; service_role may insert and
//! delete; retention keeps 30 days and at most 1,000 rows per worker.

use schema_tests::{as_role, authenticator, fresh_db, message, sqlstate};
use tokio_postgres::error::SqlState;

/// The events of `worker` as anon reads them, oldest first, as "kind from>to breaker gap_s".
async fn events(client: &mut tokio_postgres::Client, worker: &str) -> Vec<String> {
    let rows = as_role(
        client,
        "anon",
        &format!(
            "select kind, coalesce(from_status, '-'), coalesce(to_status, '-'), \
                    coalesce(circuit_breaker_open::text, '-'), \
                    coalesce(round(extract(epoch from occurred_at - silence_started_at))::text, '-') \
               from public.hp_worker_events where worker_name = '{worker}' order by id"
        ),
    )
    .await
    .expect("anon reads the history");
    rows.iter()
        .map(|row| {
            let field = |i: usize| row.get::<_, String>(i);
            format!(
                "{} {}>{} {} {}",
                field(0),
                field(1),
                field(2),
                field(3),
                field(4)
            )
        })
        .collect()
}

async fn service(client: &mut tokio_postgres::Client, sql: &str) {
    as_role(client, "service_role", sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {}", message(&error)));
}

#[tokio::test]
async fn changes_and_silences_are_recorded_and_plain_heartbeats_are_not() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    let upsert = |fields: &str| {
        format!(
            "insert into public.hp_worker_status (worker_name, status, last_heartbeat, jobs_processed, circuit_breaker_open) \
             values ('w', {fields}) on conflict (worker_name) do update set status = excluded.status, \
             last_heartbeat = excluded.last_heartbeat, jobs_processed = excluded.jobs_processed, \
             circuit_breaker_open = excluded.circuit_breaker_open"
        )
    };
    service(
        &mut client,
        &upsert("'running', now() - interval '20 minutes', 1, false"),
    )
    .await;
    service(
        &mut client,
        &upsert("'running', now() - interval '19 minutes', 2, false"),
    )
    .await;
    // 19 minutes later the worker is back, without having said goodbye: a silence.
    service(&mut client, &upsert("'running', now(), 3, false")).await;
    service(&mut client, &upsert("'running', now(), 4, true")).await;
    service(&mut client, &upsert("'crashed', now(), 4, true")).await;
    service(&mut client, &upsert("'running', now(), 5, false")).await;
    assert_eq!(
        events(&mut client, "w").await,
        [
            "status ->running - -",
            "silence ->- - 1140",
            "circuit_breaker ->- true -",
            "status running>crashed - -",
            "status crashed>running - -",
            "circuit_breaker ->- false -",
        ]
    );
    // A seeded worker's first heartbeat is a status change from unknown.
    service(
        &mut client,
        "update public.hp_worker_status set status = 'running', last_heartbeat = now() where worker_name = 'x-autopost'",
    )
    .await;
    assert_eq!(
        events(&mut client, "x-autopost").await,
        ["status unknown>running - -"]
    );
}

#[tokio::test]
async fn the_public_key_reads_history_and_writes_none() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    service(
        &mut client,
        "update public.hp_worker_status set status = 'running' where worker_name = 'x-autopost'",
    )
    .await;
    let writes = [
        "insert into public.hp_worker_events (worker_name, kind, to_status) values ('x', 'status', 'crashed')",
        "update public.hp_worker_events set to_status = 'crashed'",
        "delete from public.hp_worker_events",
        "truncate public.hp_worker_events",
        "select nextval('public.hp_worker_events_id_seq')",
        "select public.hp_worker_status_record_events()",
    ];
    for role in ["anon", "authenticated"] {
        for sql in writes {
            let error = as_role(&mut client, role, sql).await.expect_err(sql);
            assert_eq!(
                sqlstate(&error),
                Some(&SqlState::INSUFFICIENT_PRIVILEGE),
                "{role}: {sql}: {}",
                message(&error)
            );
        }
        let rows = as_role(
            &mut client,
            role,
            "select count(*) from public.hp_worker_events",
        )
        .await
        .expect("reads");
        assert_eq!(rows[0].get::<_, i64>(0), 1, "{role} reads the one event");
    }
    // service_role may backfill and prune, but history is never rewritten.
    service(
        &mut client,
        "insert into public.hp_worker_events (worker_name, kind, silence_started_at, occurred_at) \
         values ('x-autopost', 'silence', now() - interval '1 hour', now() - interval '50 minutes')",
    )
    .await;
    let error = as_role(
        &mut client,
        "service_role",
        "update public.hp_worker_events set kind = 'status'",
    )
    .await
    .expect_err("no update");
    assert_eq!(sqlstate(&error), Some(&SqlState::INSUFFICIENT_PRIVILEGE));
    let error = as_role(
        &mut client,
        "service_role",
        "insert into public.hp_worker_events (worker_name, kind, silence_started_at, occurred_at) \
         values ('x', 'silence', now(), now() - interval '1 minute')",
    )
    .await
    .expect_err("a silence ending before it starts");
    assert!(
        message(&error).contains("a_silence_starts_before_it_ends"),
        "{}",
        message(&error)
    );
    service(
        &mut client,
        "delete from public.hp_worker_events where kind = 'silence'",
    )
    .await;
}

#[tokio::test]
async fn retention_keeps_30_days_and_1000_rows_per_worker() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    service(
        &mut client,
        "insert into public.hp_worker_events (worker_name, kind, to_status, occurred_at) \
         select 'x-autopost', 'status', 'running', now() - interval '31 days' \
         union all \
         select 'x-autopost', 'status', 'running', now() - make_interval(secs => n) from generate_series(1, 1005) n \
         union all \
         select 'crawl-worker', 'status', 'running', now() - interval '40 days'",
    )
    .await;
    // The next event of x-autopost prunes its history, and only its.
    service(
        &mut client,
        "update public.hp_worker_status set status = 'running' where worker_name = 'x-autopost'",
    )
    .await;
    let rows = as_role(
        &mut client,
        "anon",
        "select worker_name, count(*), min(occurred_at) > now() - interval '30 days' \
           from public.hp_worker_events group by worker_name order by worker_name",
    )
    .await
    .expect("reads");
    let summary: Vec<(String, i64, bool)> = rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    assert_eq!(
        summary,
        [
            ("crawl-worker".to_owned(), 1, false),
            ("x-autopost".to_owned(), 1000, true),
        ]
    );
    let newest = as_role(
        &mut client,
        "anon",
        "select count(*) from public.hp_worker_events where worker_name = 'x-autopost' and from_status = 'unknown'",
    )
    .await
    .expect("reads");
    assert_eq!(
        newest[0].get::<_, i64>(0),
        1,
        "the newest event is among those kept"
    );
}

#[tokio::test]
async fn the_history_migration_runs_again_without_changing_anything() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    service(
        &mut client,
        "update public.hp_worker_status set status = 'running' where worker_name = 'x-autopost'",
    )
    .await;
    let superuser = db.connect_superuser().await.expect("connect");
    let shape = "select (select count(*) from public.hp_worker_events), \
                        (select count(*) from pg_trigger where tgname = 'hp_worker_status_record_events'), \
                        (select count(*) from pg_policies where tablename = 'hp_worker_events' and 'anon' = any(roles)), \
                        (select count(*) from pg_publication_tables where tablename = 'hp_worker_events')";
    let before: Vec<i64> = {
        let row = superuser.query_one(shape, &[]).await.expect("shape");
        (0..4).map(|i| row.get(i)).collect()
    };
    let migration = std::fs::read_to_string(
        throwaway_db::DbOptions::default()
            .supabase_dir
            .join("migrations/20261203000000_worker_events.sql"),
    )
    .expect("read");
    superuser
        .batch_execute(&migration)
        .await
        .expect("runs again");
    let row = superuser.query_one(shape, &[]).await.expect("shape");
    let after: Vec<i64> = (0..4).map(|i| row.get(i)).collect();
    assert_eq!(before, [1, 1, 1, 1]);
    assert_eq!(after, before);
}
