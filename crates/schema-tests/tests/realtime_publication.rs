//! Supabase Realtime streams a table only if it is in `supabase_realtime`, reading the WAL with
//! wal2json. This checks both on the real database.

use schema_tests::fresh_db;

#[tokio::test]
async fn the_table_is_published_for_realtime() {
    let db = fresh_db().await;
    let client = db.connect_superuser().await.expect("connect");
    let rows = client
        .query(
            "select schemaname::text, tablename::text from pg_publication_tables \
             where pubname = 'supabase_realtime' order by tablename",
            &[],
        )
        .await
        .expect("query");
    let tables: Vec<(String, String)> = rows.iter().map(|row| (row.get(0), row.get(1))).collect();
    assert_eq!(
        tables,
        [
            ("public".to_owned(), "hp_worker_events".to_owned()),
            ("public".to_owned(), "hp_worker_status".to_owned())
        ]
    );
    let identity: i8 = client
        .query_one(
            "select relreplident from pg_class where oid = 'public.hp_worker_status'::regclass",
            &[],
        )
        .await
        .expect("query")
        .get(0);
    assert_eq!(
        identity as u8, b'd',
        "replica identity is the primary key (DEFAULT)"
    );
}

#[tokio::test]
async fn a_change_appears_in_a_wal2json_slot() {
    let db = fresh_db().await;
    let client = db.connect_superuser().await.expect("connect");
    client
        .execute(
            "select pg_create_logical_replication_slot('schema_test', 'wal2json', true)",
            &[],
        )
        .await
        .expect("temporary wal2json slot");
    client
        .execute(
            "update public.hp_worker_status set status = 'running', jobs_processed = 3 where worker_name = 'content-worker'",
            &[],
        )
        .await
        .expect("update");
    let rows = client
        .query(
            "select data from pg_logical_slot_get_changes('schema_test', null, null, \
             'format-version', '2', 'include-timestamp', 'true', 'add-tables', 'public.hp_worker_status')",
            &[],
        )
        .await
        .expect("read slot");
    let changes: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| serde_json::from_str(row.get::<_, &str>(0)).expect("wal2json emits JSON"))
        .filter(|change: &serde_json::Value| change["action"] == "U")
        .collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let change = &changes[0];
    assert_eq!(change["table"], "hp_worker_status");
    let column = |name: &str| {
        change["columns"]
            .as_array()
            .and_then(|columns| columns.iter().find(|c| c["name"] == name))
            .map(|c| c["value"].clone())
    };
    assert_eq!(
        column("worker_name"),
        Some(serde_json::json!("content-worker"))
    );
    assert_eq!(column("status"), Some(serde_json::json!("running")));
    assert_eq!(column("jobs_processed"), Some(serde_json::json!(3)));
    assert_eq!(
        change["identity"][0]["name"], "worker_name",
        "the old key comes from the primary key"
    );
}
