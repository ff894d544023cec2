//! Broadcast from the database (issue 14): every change of a worker becomes a message on the
//! private topic `worker-status` with Supabase's payload shape, and the authorization Realtime
//! checks at join (the same probes as Supabase Realtime's `Tenants.Authorization`: a message of
//! the topic read back, and one written, as the joining role) lets the dashboard's roles receive
//! on exactly that topic and send on none.

use schema_tests::{as_role, authenticator, fresh_db, message, sqlstate};
use tokio_postgres::error::SqlState;

/// Whether `role` may read (receive) broadcasts of `topic`: a probe message inserted by the
/// admin, read back as the role with the topic set, as Realtime does; rolled back.
async fn may_receive(client: &mut tokio_postgres::Client, role: &str, topic: &str) -> bool {
    let transaction = client.transaction().await.expect("begin");
    // The id as text: this tokio-postgres is built without its uuid feature.
    let id: String = transaction
        .query_one(
            "insert into realtime.messages (topic, extension) values ($1, 'broadcast') returning id::text",
            &[&topic],
        )
        .await
        .expect("probe")
        .get(0);
    transaction
        .execute(
            "select set_config('role', $1, true), set_config('realtime.topic', $2, true), \
                    set_config('request.jwt.claims', json_build_object('role', $1::text)::text, true)",
            &[&role, &topic],
        )
        .await
        .expect("as the role");
    let seen = transaction
        .query(
            "select 1 from realtime.messages where id::text = $1",
            &[&id],
        )
        .await
        .expect("read back");
    transaction.rollback().await.expect("rollback");
    !seen.is_empty()
}

/// Whether `role` may send on `topic`: a message inserted as the role, as Realtime does.
async fn may_send(client: &mut tokio_postgres::Client, role: &str, topic: &str) -> bool {
    let sql = format!(
        "select set_config('realtime.topic', '{topic}', true); \
         insert into realtime.messages (topic, extension, event, payload) \
         values ('{topic}', 'broadcast', 'UPDATE', '{{\"record\": {{\"worker_name\": \"x-autopost\", \"status\": \"crashed\"}}}}')"
    );
    let transaction = client.transaction().await.expect("begin");
    transaction
        .execute("select set_config('role', $1, true)", &[&role])
        .await
        .expect("as the role");
    let outcome = transaction.batch_execute(&sql).await;
    transaction.rollback().await.expect("rollback");
    match outcome {
        Ok(()) => true,
        Err(error) => {
            assert_eq!(
                sqlstate(&error),
                Some(&SqlState::INSUFFICIENT_PRIVILEGE),
                "{role} on {topic}: {}",
                message(&error)
            );
            false
        }
    }
}

#[tokio::test]
async fn every_change_is_broadcast_on_the_private_topic_with_supabase_s_payload() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    for sql in [
        "insert into public.hp_worker_status (worker_name, status) values ('b', 'running')",
        "update public.hp_worker_status set status = 'crashed' where worker_name = 'b'",
        "delete from public.hp_worker_status where worker_name = 'b'",
    ] {
        as_role(&mut client, "service_role", sql)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {}", message(&error)));
    }
    let superuser = db.connect_superuser().await.expect("connect");
    let rows = superuser
        .query(
            "select topic, event, private, extension, payload->>'operation', payload->>'schema', payload->>'table', \
                    payload->'record'->>'status', payload->'old_record'->>'status', payload ? 'id' \
               from realtime.messages order by inserted_at, payload->>'operation' desc",
            &[],
        )
        .await
        .expect("messages");
    let seen: Vec<String> = rows
        .iter()
        .map(|row| {
            let text = |i: usize| {
                row.get::<_, Option<String>>(i)
                    .unwrap_or_else(|| "-".to_owned())
            };
            format!(
                "{} {} private={} {} {} {}.{} {}<-{} id={}",
                text(0),
                text(1),
                row.get::<_, bool>(2),
                text(3),
                text(4),
                text(5),
                text(6),
                text(7),
                text(8),
                row.get::<_, bool>(9)
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            "worker-status INSERT private=true broadcast INSERT public.hp_worker_status running<-- id=true",
            "worker-status UPDATE private=true broadcast UPDATE public.hp_worker_status crashed<-running id=true",
            "worker-status DELETE private=true broadcast DELETE public.hp_worker_status -<-crashed id=true",
        ]
    );
}

#[tokio::test]
async fn the_public_key_receives_on_worker_status_only_and_sends_on_no_topic() {
    let db = fresh_db().await;
    let mut client = db.connect_superuser().await.expect("connect");
    for role in ["anon", "authenticated"] {
        assert!(
            may_receive(&mut client, role, "worker-status").await,
            "{role} receives"
        );
        assert!(
            !may_receive(&mut client, role, "other").await,
            "{role} on another topic"
        );
        assert!(!may_receive(&mut client, role, "worker-status-2").await);
        for topic in ["worker-status", "other"] {
            assert!(
                !may_send(&mut client, role, topic).await,
                "{role} may send on {topic}: anyone with the public key could fake worker states"
            );
        }
    }
    // Nor can the API roles call the trigger function or send through realtime.send's owner.
    let mut api = authenticator(&db).await;
    let error = as_role(
        &mut api,
        "anon",
        "select public.hp_worker_status_broadcast()",
    )
    .await
    .expect_err("not callable");
    assert_eq!(sqlstate(&error), Some(&SqlState::INSUFFICIENT_PRIVILEGE));
    // realtime.send as anon swallows its own failure (a warning), and nothing is written.
    as_role(
        &mut api,
        "anon",
        "select realtime.send('{\"record\": {}}'::jsonb, 'UPDATE', 'worker-status')",
    )
    .await
    .expect("send returns");
    let written: i64 = client
        .query_one("select count(*) from realtime.messages", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(written, 0, "anon wrote a broadcast through realtime.send");
}
