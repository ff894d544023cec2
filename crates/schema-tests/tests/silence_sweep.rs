//! The database notices silence with nobody watching (issue 22): the real pg_cron job of
//! supabase/migrations/20261206000000_silence_sweep.sql records a worker's crossing into Late and
//! into Stopped as `overdue` history rows, once per crossing, and nothing for healthy workers; it
//! runs as a role that can do only that, and nobody can call it through the API.

use std::time::{Duration, Instant};

use schema_tests::{as_role, authenticator, fresh_db};

async fn superuser(db: &throwaway_db::ThrowawayDb) -> tokio_postgres::Client {
    throwaway_db::connect(&db.superuser_url())
        .await
        .expect("superuser connects")
}

#[tokio::test]
async fn the_job_is_scheduled_runs_as_the_sweeper_and_is_not_in_the_api() {
    let db = fresh_db().await;
    let client = superuser(&db).await;
    let job = client
        .query_one(
            "select schedule, command, active from cron.job where jobname = 'hp-worker-status-sweep'",
            &[],
        )
        .await
        .expect("the migration scheduled the job");
    let schedule: String = job.get(0);
    // Debian's pg_cron 1.4: every minute; 1.5 and later: every 10 seconds.
    assert!(
        ["* * * * *", "10 seconds"].contains(&schedule.as_str()),
        "{schedule}"
    );
    assert_eq!(
        job.get::<_, String>(1),
        "select public.hp_worker_status_sweep()"
    );
    assert!(job.get::<_, bool>(2));
    let owner: String = client
        .query_one(
            "select pg_get_userbyid(proowner)::text from pg_proc where proname = 'hp_worker_status_sweep'",
            &[],
        )
        .await
        .expect("the sweep exists")
        .get(0);
    assert_eq!(owner, "hp_worker_sweeper");
    let mut api = authenticator(&db).await;
    for role in ["anon", "authenticated", "service_role"] {
        let refused = as_role(&mut api, role, "select public.hp_worker_status_sweep()").await;
        assert!(refused.is_err(), "{role} must not run the sweep");
    }
    // supabase/check.sql: nothing to report, until the job is gone.
    let check = std::fs::read_to_string(
        throwaway_db::DbOptions::default()
            .supabase_dir
            .join("check.sql"),
    )
    .expect("read check.sql");
    let findings = |rows: Vec<tokio_postgres::Row>| -> Vec<(String, String)> {
        rows.iter().map(|row| (row.get(0), row.get(1))).collect()
    };
    assert_eq!(
        findings(client.query(&check, &[]).await.expect("check runs")),
        []
    );
    client
        .batch_execute("select cron.unschedule('hp-worker-status-sweep')")
        .await
        .expect("unschedule");
    let reported = findings(client.query(&check, &[]).await.expect("check runs"));
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert_eq!(reported[0].0, "off");
    assert!(
        reported[0].1.contains("no active pg_cron job"),
        "{reported:?}"
    );
    // The sweeper itself may add overdue rows and nothing else.
    client
        .batch_execute("set role hp_worker_sweeper")
        .await
        .expect("become the sweeper");
    for forbidden in [
        "insert into public.hp_worker_events (worker_name, kind, to_status) values ('x', 'status', 'crashed')",
        "update public.hp_worker_status set status = 'crashed'",
        "delete from public.hp_worker_events",
    ] {
        assert!(
            client.batch_execute(forbidden).await.is_err(),
            "{forbidden}"
        );
    }
}

#[tokio::test]
async fn a_worker_that_stops_beating_gets_late_and_stopped_from_the_real_job_once_each() {
    let db = fresh_db().await;
    let client = superuser(&db).await;
    // `quiet` last beat 290 s ago: Late already (60 s), Stopped in 10 s (300 s). `fast` beats
    // every second by its own account and has just beaten: Late in 7 s (2 intervals + 5 s), a
    // crossing that happens after the write. `busy` keeps beating.
    client
        .batch_execute(
            "insert into public.hp_worker_status (worker_name, status, last_heartbeat) values \
               ('quiet', 'running', now() - interval '290 seconds'), \
               ('busy', 'running', now())",
        )
        .await
        .expect("the workers are written");
    client
        .batch_execute(
            "insert into public.hp_worker_status (worker_name, status, last_heartbeat, metadata) values \
               ('fast', 'running', now(), '{\"heartbeat_interval_s\": 1}')",
        )
        .await
        .expect("the workers are written");
    let written: f64 = client
        .query_one("select extract(epoch from now())::float8", &[])
        .await
        .expect("the time")
        .get(0);
    let deadline = Instant::now() + Duration::from_secs(80);
    let overdue = loop {
        let rows = client
            .query(
                "select to_status, extract(epoch from occurred_at)::float8, \
                        extract(epoch from silence_started_at)::float8 \
                   from public.hp_worker_events where kind = 'overdue' and worker_name = 'quiet' \
                  order by to_status",
                &[],
            )
            .await
            .expect("the events");
        if rows.len() == 2 || Instant::now() > deadline {
            break rows;
        }
        // `busy` keeps beating while `quiet` stays silent.
        client
            .batch_execute("update public.hp_worker_status set last_heartbeat = now() where worker_name = 'busy'")
            .await
            .expect("busy beats");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let statuses: Vec<String> = overdue.iter().map(|row| row.get(0)).collect();
    assert_eq!(
        statuses,
        ["late", "stopped"],
        "both crossings recorded by the job within 80 s"
    );
    for row in &overdue {
        let (to_status, occurred, started): (String, f64, f64) =
            (row.get(0), row.get(1), row.get(2));
        let threshold = if to_status == "late" { 60.0 } else { 300.0 };
        // Recorded within a minute (and a little) of the crossing, or of the write for a crossing
        // that was already behind it.
        let crossed = (started + threshold).max(written);
        assert!(
            occurred >= crossed - 1.0 && occurred - crossed <= 65.0,
            "{to_status} recorded {:.1} s after its crossing",
            occurred - crossed
        );
        println!(
            "{to_status}: recorded {:.1} s after its crossing",
            occurred - crossed
        );
    }
    let fast = client
        .query(
            "select extract(epoch from occurred_at)::float8, extract(epoch from silence_started_at)::float8 \
               from public.hp_worker_events where kind = 'overdue' and worker_name = 'fast' and to_status = 'late'",
            &[],
        )
        .await
        .expect("fast's events");
    assert_eq!(fast.len(), 1, "fast's Late, recorded by the job");
    let (occurred, started): (f64, f64) = (fast[0].get(0), fast[0].get(1));
    let late_by = occurred - (started + 7.0);
    assert!(
        (0.0..=65.0).contains(&late_by),
        "fast's Late recorded {late_by:.1} s after its crossing"
    );
    println!("fast late: recorded {late_by:.1} s after its crossing");
    let busy: i64 = client
        .query_one(
            "select count(*) from public.hp_worker_events where worker_name = 'busy' and kind = 'overdue'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(busy, 0, "a healthy worker gets nothing");
    // Once per crossing: another run finds them recorded.
    let again: i32 = client
        .query_one("select public.hp_worker_status_sweep()", &[])
        .await
        .expect("the sweep runs")
        .get(0);
    assert_eq!(again, 0);
    // A heartbeat after the silence records the recovery, as before, and no new crossing.
    client
        .batch_execute(
            "update public.hp_worker_status set last_heartbeat = now() where worker_name = 'quiet'",
        )
        .await
        .expect("quiet beats again");
    let silences: i64 = client
        .query_one(
            "select count(*) from public.hp_worker_events where worker_name = 'quiet' and kind = 'silence'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(silences, 1);
    let after: i32 = client
        .query_one("select public.hp_worker_status_sweep()", &[])
        .await
        .expect("the sweep runs")
        .get(0);
    assert_eq!(after, 0);
    let failed: i64 = client
        .query_one(
            "select count(*) from cron.job_run_details where status <> 'succeeded'",
            &[],
        )
        .await
        .expect("the job's runs")
        .get(0);
    assert_eq!(failed, 0, "every run of the job succeeded");
}

#[tokio::test]
async fn ten_thousand_healthy_workers_cost_the_sweep_little_and_write_nothing() {
    let db = fresh_db().await;
    let client = superuser(&db).await;
    client
        .batch_execute(
            "insert into public.hp_worker_status (worker_name, status, last_heartbeat) \
             select 'worker-' || n, 'running', now() from generate_series(1, 10000) n; analyze",
        )
        .await
        .expect("10,000 workers");
    let mut runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let wrote: i32 = client
            .query_one("select public.hp_worker_status_sweep()", &[])
            .await
            .expect("the sweep runs")
            .get(0);
        runs.push(started.elapsed().as_secs_f64() * 1_000.0);
        assert_eq!(wrote, 0);
    }
    runs.sort_by(f64::total_cmp);
    // A figure for the closing note, not a timed assertion (budgets of time live in make bench).
    println!(
        "sweep over 10,000 healthy workers: median {:.1} ms, runs {runs:.1?}",
        runs[2]
    );
    // The same workers 30 s after their last beat: past the cheap filter, every one judged by
    // the full rules, none Late yet.
    client
        .batch_execute("update public.hp_worker_status set last_heartbeat = now() - interval '30 seconds'; analyze")
        .await
        .expect("30 s of silence");
    let mut judged = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let wrote: i32 = client
            .query_one("select public.hp_worker_status_sweep()", &[])
            .await
            .expect("the sweep runs")
            .get(0);
        judged.push(started.elapsed().as_secs_f64() * 1_000.0);
        assert_eq!(wrote, 0);
    }
    judged.sort_by(f64::total_cmp);
    println!(
        "sweep judging 10,000 workers 30 s silent: median {:.1} ms, runs {judged:.1?}",
        judged[2]
    );
}
