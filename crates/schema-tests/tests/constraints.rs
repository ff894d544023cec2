//! Bad rows are refused with a message that names the rule they broke.

use schema_tests::{as_role, authenticator, fresh_db, message, sqlstate};
use tokio_postgres::error::SqlState;

#[tokio::test]
async fn invalid_rows_are_refused_with_a_message_naming_the_problem() {
    let db = fresh_db().await;
    let mut client = authenticator(&db).await;
    let cases = [
        (
            "insert into public.hp_worker_status (worker_name, status) values ('w', 'sleeping')",
            "status_must_be_running_stopped_crashed_or_unknown",
        ),
        (
            "update public.hp_worker_status set status = 'RUNNING' where worker_name = 'x-autopost'",
            "status_must_be_running_stopped_crashed_or_unknown",
        ),
        (
            "insert into public.hp_worker_status (worker_name, jobs_processed) values ('w', -1)",
            "jobs_processed_must_not_be_negative",
        ),
        (
            "insert into public.hp_worker_status (worker_name, error_count) values ('w', -5)",
            "error_count_must_not_be_negative",
        ),
        (
            "insert into public.hp_worker_status (worker_name) values ('')",
            "worker_name_must_be_1_to_128_visible_chars",
        ),
        (
            "insert into public.hp_worker_status (worker_name) values ('   ')",
            "worker_name_must_be_1_to_128_visible_chars",
        ),
        (
            "insert into public.hp_worker_status (worker_name) values (repeat('w', 129))",
            "worker_name_must_be_1_to_128_visible_chars",
        ),
        (
            "insert into public.hp_worker_status (worker_name, metadata) values ('w', '[1,2]')",
            "metadata_must_be_a_json_object",
        ),
        (
            "insert into public.hp_worker_status (worker_name, metadata) values ('w', '\"text\"')",
            "metadata_must_be_a_json_object",
        ),
        (
            "insert into public.hp_worker_status (worker_name, metadata) \
          values ('w', jsonb_build_object('blob', repeat('x', 9000)))",
            "metadata_must_be_at_most_8_kb",
        ),
    ];
    for (sql, rule) in cases {
        let error = as_role(&mut client, "service_role", sql)
            .await
            .expect_err(sql);
        assert_eq!(sqlstate(&error), Some(&SqlState::CHECK_VIOLATION), "{sql}");
        assert!(
            message(&error).contains(rule),
            "{sql}: expected {rule} in {:?}",
            message(&error)
        );
    }
    let error = as_role(
        &mut client,
        "service_role",
        "insert into public.hp_worker_status (worker_name) values (null)",
    )
    .await
    .expect_err("null name");
    assert_eq!(sqlstate(&error), Some(&SqlState::NOT_NULL_VIOLATION));
    assert!(
        message(&error).contains("worker_name"),
        "{}",
        message(&error)
    );

    // A name at the limit, with hostile characters, is fine: it is text, never markup.
    let hostile = format!("<img src=x onerror=alert(1)>{}", "w".repeat(100));
    let sql = format!(
        "insert into public.hp_worker_status (worker_name) values ('{hostile}') returning worker_name"
    );
    let rows = as_role(&mut client, "service_role", &sql)
        .await
        .expect("hostile but valid name");
    assert_eq!(rows[0].get::<_, String>(0), hostile);
}
