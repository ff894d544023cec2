//! The alert tables (issue 29) are the service role's alone: the public key's roles can neither
//! read where alerts go (routes name secrets, messages hold what was sent) nor write a route, an
//! outbox row or a message. They may read one row of counts, hp_alert_health, and nothing of it
//! can they change. The outbox is filled by the history trigger whoever writes the history.

use schema_tests::{as_role, authenticator, fresh_db, message, sqlstate};
use tokio_postgres::error::SqlState;

const CLOSED: [&str; 4] = [
    "hp_alert_routes",
    "hp_alert_outbox",
    "hp_alert_messages",
    "hp_alert_worker_states",
];

#[tokio::test]
async fn the_public_key_can_neither_read_nor_write_routes_outbox_or_messages() {
    let db = fresh_db().await;
    let admin = db.connect_superuser().await.expect("connect");
    admin
        .batch_execute(
            "insert into public.hp_alert_routes (name, channel, secret) values ('ops', 'slack', 'OPS_SLACK');
             update public.hp_worker_status set status = 'running', last_heartbeat = now() where worker_name = 'crawl-worker';
             update public.hp_worker_status set status = 'crashed' where worker_name = 'crawl-worker';",
        )
        .await
        .expect("set up");
    let mut client = authenticator(&db).await;
    for role in ["anon", "authenticated"] {
        for table in CLOSED {
            let column = if table == "hp_alert_routes" {
                "enabled"
            } else {
                "route"
            };
            let statements = [
                format!("select * from public.{table}"),
                format!("delete from public.{table}"),
                format!("update public.{table} set {column} = {column}"),
            ];
            for sql in &statements {
                let error = as_role(&mut client, role, sql).await.expect_err(sql);
                assert_eq!(
                    sqlstate(&error),
                    Some(&SqlState::INSUFFICIENT_PRIVILEGE),
                    "{role}: {sql}"
                );
                assert!(
                    message(&error).contains(&format!("permission denied for table {table}")),
                    "{role}: {sql}: {}",
                    message(&error)
                );
            }
        }
        let inserts = [
            "insert into public.hp_alert_routes (name, channel, secret) values ('evil', 'webhook', 'X')",
            "insert into public.hp_alert_messages (route, items) values ('ops', '[]')",
            "insert into public.hp_alert_outbox (event_id, route, worker_name, kind, occurred_at) values (1, 'ops', 'w', 'status', now())",
            "update public.hp_alert_health set undeliverable = 0",
            "select public.hp_alert_refresh_health()",
            "select public.hp_alert_wake_drain()",
        ];
        for sql in inserts {
            let error = as_role(&mut client, role, sql).await.expect_err(sql);
            assert_eq!(
                sqlstate(&error),
                Some(&SqlState::INSUFFICIENT_PRIVILEGE),
                "{role}: {sql}: {}",
                message(&error)
            );
        }
        let counts = as_role(
            &mut client,
            role,
            "select undeliverable, failing_routes from public.hp_alert_health",
        )
        .await
        .expect("the counts are readable");
        assert_eq!(counts.len(), 1);
    }
    // The crash reached the outbox, untouched by the refused writes.
    let row = admin
        .query_one("select count(*) from public.hp_alert_outbox where route = 'ops' and to_status = 'crashed'", &[])
        .await
        .expect("read");
    assert_eq!(row.get::<_, i64>(0), 1);
}

#[tokio::test]
async fn the_service_role_manages_routes_and_a_route_stores_a_secret_name_not_a_url() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    as_role(
        &mut client,
        "service_role",
        "insert into public.hp_alert_routes (name, channel, secret, notify_late) values ('pager', 'webhook', 'PAGER_HOOK', true)",
    )
    .await
    .expect("service_role adds a route");
    let error = as_role(
        &mut client,
        "service_role",
        "insert into public.hp_alert_routes (name, channel, secret) values ('leaky', 'slack', 'https://hooks.slack.com/services/T/B/X')",
    )
    .await
    .expect_err("a URL is not a secret's name");
    assert!(
        message(&error).contains("secret_is_a_name_not_a_value"),
        "{}",
        message(&error)
    );
    let rows = as_role(
        &mut client,
        "service_role",
        "select count(*) from public.hp_alert_routes",
    )
    .await
    .expect("service_role reads routes");
    assert_eq!(rows[0].get::<_, i64>(0), 1);
}

#[tokio::test]
async fn the_outbox_keeps_an_alert_when_retention_deletes_its_event() {
    let db = fresh_db().await;
    let admin = db.connect_superuser().await.expect("connect");
    admin
        .batch_execute(
            "insert into public.hp_alert_routes (name, channel) values ('console', 'log');
             update public.hp_worker_status set status = 'stopped', last_heartbeat = now() where worker_name = 'x-autopost';
             delete from public.hp_worker_events where worker_name = 'x-autopost';",
        )
        .await
        .expect("set up");
    let row = admin
        .query_one(
            "select worker_name, to_status, state from public.hp_alert_outbox where route = 'console' and to_status = 'stopped'",
            &[],
        )
        .await
        .expect("the alert is still there");
    assert_eq!(row.get::<_, String>(0), "x-autopost");
    assert_eq!(row.get::<_, String>(2), "pending");
}
