//! The public anon key reaches the database as role `anon` through `authenticator`: it must read
//! every row and be refused every write, loudly (42501), never silently.

use schema_tests::{SEEDED, as_role, authenticator, fresh_db, message, sqlstate};
use tokio_postgres::error::SqlState;

#[tokio::test]
async fn anon_sees_the_five_seeded_workers_in_display_order() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    let rows = as_role(
        &mut client,
        "anon",
        "select worker_name, status, last_heartbeat is null as never_seen \
         from public.hp_worker_status order by display_order",
    )
    .await
    .expect("anon may select");
    let names: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    assert_eq!(names, SEEDED);
    for row in &rows {
        assert_eq!(row.get::<_, String>(1), "unknown");
        assert!(
            row.get::<_, bool>(2),
            "seeded workers have not reported yet"
        );
    }
}

#[tokio::test]
async fn every_kind_of_anon_write_is_refused_with_42501() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    let writes = [
        "insert into public.hp_worker_status (worker_name) values ('intruder')",
        "update public.hp_worker_status set status = 'crashed'",
        "update public.hp_worker_status set status = 'crashed' where worker_name = 'x-autopost'",
        "delete from public.hp_worker_status",
        "truncate public.hp_worker_status",
        "insert into public.hp_worker_status (worker_name, status) values ('x-autopost', 'running') \
         on conflict (worker_name) do update set status = excluded.status",
    ];
    for role in ["anon", "authenticated"] {
        for sql in writes {
            let error = as_role(&mut client, role, sql).await.expect_err(sql);
            assert_eq!(
                sqlstate(&error),
                Some(&SqlState::INSUFFICIENT_PRIVILEGE),
                "{role}: {sql}"
            );
            assert!(
                message(&error).contains("permission denied for table hp_worker_status"),
                "{role}: {sql}: {}",
                message(&error)
            );
        }
    }
    // Nothing changed behind the refusals.
    let rows = as_role(
        &mut client,
        "anon",
        "select count(*) from public.hp_worker_status where status = 'unknown'",
    )
    .await
    .expect("anon may select");
    assert_eq!(rows[0].get::<_, i64>(0), 5);
}

#[tokio::test]
async fn authenticator_alone_cannot_read_the_table() {
    // NOINHERIT: logging in as authenticator grants nothing until a role is chosen.
    let db = fresh_db().await;
    let client = authenticator(&db).await;
    let error = client
        .query("select * from public.hp_worker_status", &[])
        .await
        .expect_err("no access");
    assert_eq!(sqlstate(&error), Some(&SqlState::INSUFFICIENT_PRIVILEGE));
}

#[tokio::test]
async fn grants_and_the_single_policy_are_exactly_as_designed() {
    let db = fresh_db().await;
    let client = db.connect_superuser().await.expect("superuser connects");
    let row = client
        .query_one(
            "select has_table_privilege('anon', 'public.hp_worker_status', 'INSERT,UPDATE,DELETE,TRUNCATE'), \
                    has_table_privilege('authenticated', 'public.hp_worker_status', 'INSERT,UPDATE,DELETE,TRUNCATE'), \
                    has_table_privilege('anon', 'public.hp_worker_status', 'SELECT'), \
                    (select relrowsecurity from pg_class where oid = 'public.hp_worker_status'::regclass)",
            &[],
        )
        .await
        .expect("privilege query");
    assert!(!row.get::<_, bool>(0), "anon must hold no write privilege");
    assert!(
        !row.get::<_, bool>(1),
        "authenticated must hold no write privilege"
    );
    assert!(row.get::<_, bool>(2), "anon must be able to read");
    assert!(row.get::<_, bool>(3), "row-level security must be enabled");

    let policies = client
        .query(
            "select polcmd::text, array(select rolname::text from pg_roles where oid = any(polroles) order by 1), \
                    0 = any(polroles) \
             from pg_policy where polrelid = 'public.hp_worker_status'::regclass",
            &[],
        )
        .await
        .expect("policy query");
    // One for the dashboard's roles, and one for the silence sweep's own role (issue 22); both
    // read only.
    assert_eq!(policies.len(), 2, "exactly two policies");
    let roles: Vec<Vec<String>> = policies.iter().map(|policy| policy.get(1)).collect();
    assert!(
        roles.contains(&vec!["anon".to_owned(), "authenticated".to_owned()]),
        "{roles:?}"
    );
    assert!(
        roles.contains(&vec!["hp_worker_sweeper".to_owned()]),
        "{roles:?}"
    );
    for policy in &policies {
        assert_eq!(
            policy.get::<_, String>(0),
            "r",
            "every policy is for SELECT only"
        );
        assert!(
            !policy.get::<_, bool>(2),
            "no policy may apply to PUBLIC (a missing TO clause)"
        );
    }
}
