//! Gateway benchmark (`make bench`; not part of `make test`): starts a throwaway database and the
//! dev-server binary as a separate process, then measures
//! - REST GET of the five-row table (p50/p99 over 500 keep-alive requests, anon key);
//! - COMMIT-to-event latency: an UPDATE returns (autocommit, so committed), and the clock stops
//!   when its postgres_changes frame arrives on a loopback WebSocket (p50/p99 over 200 updates);
//! - the gateway's resident memory idle and with 100 subscribed sockets.

use std::time::{Duration, Instant};

use dashboard_core::local_stack::ANON_KEY;
use dashboard_core::wire::frame::{Frame, Vsn};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use throwaway_db::{DbOptions, ThrowawayDb};
use tokio_tungstenite::tungstenite::Message;

mod common;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = ThrowawayDb::start(DbOptions::default()).await?;
    let common::Gateway {
        process: mut gateway,
        pid,
        base,
    } = common::start_gateway(&db, "dev_server=warn").await?;
    let host = base.trim_start_matches("http://").to_owned();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = rss_kib(pid);

    let http = reqwest::Client::new();
    let url = format!("{base}/rest/v1/hp_worker_status?select=*&order=display_order");
    let mut rest = Vec::new();
    for _ in 0..500 {
        let started = Instant::now();
        let response = http
            .get(&url)
            .header("apikey", ANON_KEY)
            .header("authorization", format!("Bearer {ANON_KEY}"))
            .send()
            .await?;
        let _ = response.bytes().await?;
        rest.push(started.elapsed());
    }

    let admin = throwaway_db::connect(&db.superuser_url()).await?;
    let mut socket = subscribe(&host, "bench-0").await?;
    let mut latencies = Vec::new();
    for n in 0..200_i64 {
        admin.execute("update public.hp_worker_status set jobs_processed = $1 where worker_name = 'x-autopost'", &[&n]).await?;
        let committed = Instant::now();
        loop {
            let Some(Ok(Message::Text(text))) = socket.next().await else {
                return Err("socket ended".into());
            };
            let frame = Frame::decode(text.as_str(), Vsn::V2)?;
            if frame.event == "postgres_changes"
                && frame.payload["data"]["record"]["jobs_processed"] == json!(n)
            {
                break;
            }
        }
        latencies.push(committed.elapsed());
        // Spread the writes over the 100 ms poll cycle so the figure is not phase-locked to it.
        tokio::time::sleep(Duration::from_millis(20 + (n as u64 * 37) % 100)).await;
    }

    let mut crowd = Vec::new();
    for n in 1..=100 {
        crowd.push(subscribe(&host, &format!("bench-{n}")).await?);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let crowd_rss = rss_kib(pid);

    println!(
        "gateway benchmark (loopback, {} cores)",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!(
        "  REST GET five rows          p50 {:>7.2} ms   p99 {:>7.2} ms   (500 requests)",
        pct(&mut rest, 50.0),
        pct(&mut rest, 99.0)
    );
    println!(
        "  COMMIT -> WebSocket event   p50 {:>7.2} ms   p99 {:>7.2} ms   (200 updates)",
        pct(&mut latencies, 50.0),
        pct(&mut latencies, 99.0)
    );
    println!("  resident memory idle        {idle_rss:>7} KiB");
    println!("  resident memory 100 subs    {crowd_rss:>7} KiB");
    drop(crowd);
    gateway.kill().await?;
    db.stop().await;
    Ok(())
}

async fn subscribe(host: &str, name: &str) -> Result<Socket, Box<dyn std::error::Error>> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!(
        "ws://{host}/realtime/v1/websocket?apikey={ANON_KEY}&vsn=2.0.0"
    ))
    .await?;
    let join = Frame {
        join_ref: Some("1".into()),
        r#ref: Some("1".into()),
        topic: format!("realtime:{name}"),
        event: "phx_join".into(),
        payload: json!({"config": {"postgres_changes": [{"event": "*", "schema": "public", "table": "hp_worker_status"}]}}).into(),
    };
    socket
        .send(Message::Text(join.encode(Vsn::V2).into()))
        .await?;
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message
            && text.as_str().contains("Subscribed to PostgreSQL")
        {
            return Ok(socket);
        }
    }
    Err("subscription failed".into())
}

fn pct(samples: &mut [Duration], percentile: f64) -> f64 {
    samples.sort();
    let index = ((percentile / 100.0) * (samples.len() as f64 - 1.0)).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|line| {
            line.split_whitespace()
                .nth(1)
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}
