//! One rule in two places (issue 22): `public.hp_worker_status_at` (SQL, for the database's own
//! sweep) and `dashboard_core::rules::status::status_of` (the section) say the same status for
//! every row at every instant. Thousands of generated cases, edges included: exactly at and one
//! millisecond around each threshold, a missing, odd or long `heartbeat_interval_s`, no heartbeat,
//! heartbeats in the future, sub-millisecond timestamps, every reported status, the breaker, and
//! custom thresholds. Each row reaches Rust as PostgREST sends it (the row's JSON from PostgreSQL)
//! and SQL as the sweep reads it.

use dashboard_core::rules::status::{Thresholds, status_of};
use dashboard_core::wire::json::Json;
use dashboard_core::wire::row::WorkerRow;
use schema_tests::fresh_db;

/// A small deterministic generator (no randomness between runs).
struct Walk(u64);

impl Walk {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next(items.len() as u64) as usize]
    }
}

const AT_MS: i64 = 1_800_000_000_123;

#[tokio::test]
async fn sql_and_rust_say_the_same_status_for_every_generated_row_and_instant() {
    let db = fresh_db().await;
    let client = throwaway_db::connect(&db.superuser_url())
        .await
        .expect("superuser connects");
    // (metadata, its interval in ms if the worker reports one usably)
    let metadata = [
        "{}",
        "null",
        r#"{"heartbeat_interval_s": 30}"#,
        r#"{"heartbeat_interval_s": 10}"#,
        r#"{"heartbeat_interval_s": 120}"#,
        r#"{"heartbeat_interval_s": 150}"#,
        r#"{"heartbeat_interval_s": 151}"#,
        r#"{"heartbeat_interval_s": 600}"#,
        r#"{"heartbeat_interval_s": 0.5}"#,
        r#"{"heartbeat_interval_s": 1.0005}"#,
        r#"{"heartbeat_interval_s": 0.0004}"#,
        r#"{"heartbeat_interval_s": 0}"#,
        r#"{"heartbeat_interval_s": -5}"#,
        r#"{"heartbeat_interval_s": 86400}"#,
        r#"{"heartbeat_interval_s": 86400.001}"#,
        r#"{"heartbeat_interval_s": 1e1}"#,
        r#"{"heartbeat_interval_s": 2.5e1}"#,
        r#"{"heartbeat_interval_s": 99999999999999999999999}"#,
        r#"{"heartbeat_interval_s": "30"}"#,
        r#"{"heartbeat_interval_s": null}"#,
        r#"{"heartbeat_interval_s": [30]}"#,
        r#"{"heartbeat_interval_s": {"s": 30}}"#,
        r#"{"heartbeat_interval_s": true}"#,
        r#"{"region": "eu", "heartbeat_interval_s": 45, "version": "2.1"}"#,
    ];
    let statuses = [
        "running", "stopped", "crashed", "unknown", "paused", "RUNNING", "",
    ];
    let thresholds = [
        (60, 300),
        (60, 300),
        (60, 300),
        (10, 20),
        (120, 121),
        (3_600, 86_400),
    ];
    // Silences around every threshold any of the cases can have, and some anywhere.
    let mut edges: Vec<i64> = vec![
        0,
        1,
        -1,
        -60_000,
        -86_400_000,
        5_000,
        7_200_000,
        200_000_000,
    ];
    for threshold in [
        10_000,
        20_000,
        25_000,
        60_000,
        65_000,
        120_000,
        121_000,
        245_000,
        255_000,
        300_000,
        305_000,
        310_000,
        1_210_000,
        2_420_000,
        3_600_000,
        6_000,
        7_001,
        86_400_000,
        172_805_000,
        345_610_000,
    ] {
        edges.extend([threshold - 1, threshold, threshold + 1]);
    }
    let mut walk = Walk(22);
    let mut cases = Vec::new();
    for index in 0..10_000 {
        let heartbeat = if walk.next(20) == 0 {
            None
        } else {
            let silence = if walk.next(3) == 0 {
                walk.next(400_000_000) as i64 - 1_000_000
            } else {
                *walk.pick(&edges)
            };
            // Microseconds below the millisecond: truncated toward the past on both sides.
            let micros = *walk.pick(&[0, 1, 499, 500, 999]);
            Some((AT_MS - silence) * 1_000 + micros)
        };
        cases.push((
            index,
            // Mostly running: the silence rules (Late, Stopped) are the ones under test.
            if walk.next(2) == 0 {
                "running"
            } else {
                *walk.pick(&statuses)
            },
            walk.next(10) == 0,
            *walk.pick(&metadata),
            heartbeat,
            *walk.pick(&thresholds),
        ));
    }
    // One query for all: each case's row as PostgREST would send it, and SQL's verdict at AT_MS.
    let mut values = String::new();
    for (index, status, breaker, metadata, heartbeat, (late, stopped)) in &cases {
        let heartbeat = match heartbeat {
            Some(micros) => format!("to_timestamp({micros}::numeric / 1000000)"),
            None => "null".to_owned(),
        };
        if !values.is_empty() {
            values.push(',');
        }
        values.push_str(&format!(
            "({index}, '{status}', {heartbeat}, {breaker}, '{metadata}'::jsonb, {late}, {stopped})"
        ));
    }
    let sql = format!(
        "select c.i, json_build_object('worker_name', 'w' || c.i, 'status', c.status, \
           'last_heartbeat', c.last_heartbeat, 'circuit_breaker_open', c.breaker, \
           'metadata', c.metadata)::text, \
           public.hp_worker_status_at(c.status, c.last_heartbeat, c.breaker, c.metadata, \
             to_timestamp({AT_MS}::numeric / 1000), c.late, c.stopped) \
         from (values {values}) as c(i, status, last_heartbeat, breaker, metadata, late, stopped) \
         order by c.i"
    );
    let rows = client
        .query(&sql, &[])
        .await
        .expect("the generated cases run");
    assert_eq!(rows.len(), cases.len());
    let mut seen = std::collections::BTreeMap::new();
    for row in rows {
        let index: i32 = row.get(0);
        let json: String = row.get(1);
        let sql_status: String = row.get(2);
        let (_, _, _, _, _, (late, stopped)) = cases[index as usize];
        let parsed = Json::parse(&json).expect("PostgreSQL's JSON parses");
        let worker = WorkerRow::from_json(&parsed).expect("a row the section reads");
        let thresholds = Thresholds {
            late_after_ms: late * 1_000,
            stopped_after_ms: stopped * 1_000,
        };
        let rust_status = status_of(&worker, AT_MS, thresholds).as_str();
        assert_eq!(
            sql_status, rust_status,
            "case {index}: {json} at {AT_MS} ms, thresholds {late}/{stopped} s"
        );
        *seen.entry(rust_status).or_insert(0) += 1;
    }
    // The generator reached every status, so the agreement covers each rule.
    assert_eq!(seen.len(), 5, "every status generated: {seen:?}");
    println!("{} cases agree: {seen:?}", cases.len());
}
