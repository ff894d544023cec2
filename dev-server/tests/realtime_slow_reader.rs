//! A client that subscribes and then never reads its socket (issue 12): the gateway drops it
//! instead of queueing for it without end, its memory stays bounded, and another client keeps
//! receiving every change on time. A test binary of its own: the memory figure is the process's.

mod support;

use std::time::Duration;

use support::{Heard, change_arrives_within, connect, gateway, hear, resident_bytes, subscribe};

#[tokio::test]
async fn a_client_that_never_reads_is_dropped_and_memory_stays_bounded() {
    let gateway = gateway(|config| {
        config.client_limits.queued_frames = 500;
        config.client_limits.send_timeout = Duration::from_secs(2);
    })
    .await;
    let mut bystander = connect(&gateway).await;
    subscribe(&mut bystander, "realtime:bystander").await;
    let mut sleeper = connect(&gateway).await;
    subscribe(&mut sleeper, "realtime:sleeper").await;
    // From here on the sleeper reads nothing, while 1,500 changes of 7 KB each are written.
    let before = resident_bytes();
    let admin = throwaway_db::connect(&gateway.database_url)
        .await
        .expect("admin");
    let reader = tokio::spawn(async move {
        // The bystander drains its socket meanwhile, as a live dashboard does.
        let mut seen = 0;
        while seen < 1_500 {
            match hear(&mut bystander, Duration::from_secs(10)).await {
                Heard::Frame(frame) if frame.event == "postgres_changes" => seen += 1,
                Heard::Frame(_) => {}
                other => panic!("the bystander lost its socket after {seen} changes: {other:?}"),
            }
        }
        bystander
    });
    for n in 0..1_500i64 {
        admin
            .execute(
                "update public.hp_worker_status set jobs_processed = $1, \
                 metadata = jsonb_build_object('pad', repeat('x', 7000)) where worker_name = 'crawl-worker'",
                &[&n],
            )
            .await
            .expect("update");
    }
    let mut bystander = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .expect("the bystander got every change")
        .expect("reader task");
    let grown = resident_bytes().saturating_sub(before);
    println!(
        "resident memory grew {} KiB over 1,500 changes of 7 KB",
        grown >> 10
    );
    assert!(grown < 64 << 20, "the gateway grew by {} MiB", grown >> 20);
    // The sleeper's socket was closed by the gateway: reading it now ends, not waits.
    let ended = async {
        loop {
            if let Heard::Closed(_) = hear(&mut sleeper, Duration::from_secs(10)).await {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), ended)
        .await
        .expect("the gateway dropped the client that did not read");
    let latency = change_arrives_within(&gateway, &mut bystander, 31_337).await;
    println!("the other client got its change in {latency:?}");
    assert!(
        latency < Duration::from_secs(1),
        "the other client got its change in {latency:?}"
    );
}
