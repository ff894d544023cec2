//! Many viewers, side by side (issue 14; `make load`, not part of `make test`): a throwaway
//! database with 1,000 workers and the dev-server binary as its own process; then, for Postgres
//! Changes and for Broadcast from the database, N viewer sockets (protocol 2.0.0, the anon key,
//! as the section joins) while a writer updates workers at R changes per second for a few
//! seconds. For each (mode, N, R) it prints how many of the N × changes messages arrived within
//! the wait, the delivery latency from COMMIT to arrival (p50/p99), and the CPU the gateway and
//! the database used over the phase (percent of one core). The load client runs on the same
//! machine and takes its own share of the cores.
//!
//! `LOAD_VIEWERS=100,500,1000 LOAD_RATES=33,333 LOAD_SECONDS=5 make load` changes the grid.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dashboard_core::local_stack::ANON_KEY;
use dashboard_core::wire::frame::{Frame, Vsn};
use dashboard_core::wire::user_broadcast::UserBroadcast;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use throwaway_db::{DbOptions, ThrowawayDb};
use tokio_tungstenite::tungstenite::Message;

mod common;

/// Workers in the table (the fleet of the issue).
const FLEET: i64 = 1_000;
/// How long a phase waits for the last messages after the last write.
const DRAIN: Duration = Duration::from_secs(15);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    PostgresChanges,
    Broadcast,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Self::PostgresChanges => "postgres_changes",
            Self::Broadcast => "broadcast",
        }
    }
}

/// Send times of the changes, by the job count they write (unique per change).
type Sent = Arc<Mutex<HashMap<i64, Instant>>>;
/// Latencies in microseconds, from every viewer.
type Received = Arc<Mutex<Vec<u32>>>;

fn list(name: &str, default: &[u64]) -> Vec<u64> {
    std::env::var(name)
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .filter(|list: &Vec<u64>| !list.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let viewers = list("LOAD_VIEWERS", &[100, 500, 1_000]);
    let rates = list("LOAD_RATES", &[33, 333]);
    let seconds = list("LOAD_SECONDS", &[5])[0];
    let db = ThrowawayDb::start(DbOptions::default()).await?;
    let admin = Arc::new(throwaway_db::connect(&db.superuser_url()).await?);
    admin
        .execute(
            "insert into public.hp_worker_status (worker_name, status, last_heartbeat) \
             select 'load-' || n, 'running', now() from generate_series(1, $1::bigint) n",
            &[&FLEET],
        )
        .await?;
    let postmaster = postmaster_pid(&admin).await?;
    let common::Gateway {
        process: mut gateway,
        pid: gateway_pid,
        base,
    } = common::start_gateway(&db, "dev_server=error").await?;
    let host = base.trim_start_matches("http://").to_owned();

    println!(
        "load: {FLEET} workers, viewers {viewers:?}, changes/s {rates:?}, {seconds} s of writes per phase, {} cores (client, gateway and database share them)",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!(
        "  {:<17} {:>7} {:>9} {:>10} {:>10} {:>10} {:>12} {:>9}",
        "mode", "viewers", "changes/s", "delivered", "p50 ms", "p99 ms", "gateway CPU", "db CPU"
    );
    let mut sequence = 0_i64;
    for mode in [Mode::PostgresChanges, Mode::Broadcast] {
        for &count in &viewers {
            let received: Received = Arc::new(Mutex::new(Vec::new()));
            let sent: Sent = Arc::new(Mutex::new(HashMap::new()));
            let mut readers = Vec::new();
            for n in 0..count {
                let socket = join(&host, mode, n).await?;
                readers.push(tokio::spawn(read(
                    socket,
                    mode,
                    sent.clone(),
                    received.clone(),
                )));
            }
            for &rate in &rates {
                received.lock().map_err(|_| "poisoned")?.clear();
                let cpu_before = (cpu_ticks(&[gateway_pid]), cpu_ticks(&children(postmaster)));
                let started = Instant::now();
                let total = rate * seconds;
                let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
                for _ in 0..total {
                    ticker.tick().await;
                    sequence += 1;
                    let worker = format!("load-{}", sequence % FLEET + 1);
                    sent.lock()
                        .map_err(|_| "poisoned")?
                        .insert(sequence, Instant::now());
                    let (admin, seq) = (admin.clone(), sequence);
                    tokio::spawn(async move {
                        let _ = admin
                            .execute(
                                "update public.hp_worker_status set jobs_processed = $1, last_heartbeat = now() where worker_name = $2",
                                &[&seq, &worker],
                            )
                            .await;
                    });
                }
                let expected = (total * count) as usize;
                let deadline = Instant::now() + DRAIN;
                while Instant::now() < deadline
                    && received.lock().map_err(|_| "poisoned")?.len() < expected
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let elapsed = started.elapsed().as_secs_f64();
                let cpu_after = (cpu_ticks(&[gateway_pid]), cpu_ticks(&children(postmaster)));
                let mut latencies = received.lock().map_err(|_| "poisoned")?.clone();
                latencies.sort_unstable();
                let percent = |ticks: u64| ticks as f64 / ticks_per_second() / elapsed * 100.0;
                println!(
                    "  {:<17} {:>7} {:>9} {:>9.1}% {:>10} {:>10} {:>11.0}% {:>8.0}%",
                    mode.name(),
                    count,
                    rate,
                    latencies.len() as f64 * 100.0 / expected as f64,
                    percentile(&latencies, 50.0),
                    percentile(&latencies, 99.0),
                    percent(cpu_after.0 - cpu_before.0),
                    percent(cpu_after.1.saturating_sub(cpu_before.1)),
                );
                // Let the backlog of a phase the gateway could not keep up with drain away.
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            for reader in readers {
                reader.abort();
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    gateway.kill().await?;
    db.stop().await;
    Ok(())
}

/// A viewer socket joined as the section joins in `mode`.
async fn join(
    host: &str,
    mode: Mode,
    n: u64,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    Box<dyn std::error::Error>,
> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!(
        "ws://{host}/realtime/v1/websocket?apikey={ANON_KEY}&vsn=2.0.0"
    ))
    .await?;
    let (changes, private) = match mode {
        Mode::PostgresChanges => (
            json!([{"event": "*", "schema": "public", "table": "hp_worker_status"}]),
            false,
        ),
        Mode::Broadcast => (json!([]), true),
    };
    let join = Frame {
        join_ref: Some("1".into()),
        r#ref: Some("1".into()),
        topic: "realtime:worker-status".into(),
        event: "phx_join".into(),
        payload: json!({"config": {"broadcast": {"ack": false, "self": false}, "presence": {"key": "", "enabled": false},
            "postgres_changes": changes, "private": private}, "access_token": ANON_KEY}).into(),
    };
    socket
        .send(Message::Text(join.encode(Vsn::V2).into()))
        .await?;
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let ready = match mode {
            Mode::PostgresChanges => text.as_str().contains("Subscribed to PostgreSQL"),
            Mode::Broadcast => {
                text.as_str().contains("phx_reply") && text.as_str().contains("\"ok\"")
            }
        };
        if ready {
            return Ok(socket);
        }
        if text.as_str().contains("\"error\"") {
            return Err(format!("viewer {n}: join refused: {text}").into());
        }
    }
    Err(format!("viewer {n}: the socket closed while joining").into())
}

/// Records the latency of every change a viewer receives.
async fn read(
    mut socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    mode: Mode,
    sent: Sent,
    received: Received,
) {
    while let Some(Ok(message)) = socket.next().await {
        let jobs = match (mode, message) {
            (Mode::PostgresChanges, Message::Text(text)) => Frame::decode(text.as_str(), Vsn::V2)
                .ok()
                .and_then(|frame| frame.payload["data"]["record"]["jobs_processed"].as_i64()),
            (Mode::Broadcast, Message::Binary(bytes)) => UserBroadcast::decode_binary(&bytes)
                .ok()
                .and_then(|message| message.payload["record"]["jobs_processed"].as_i64()),
            _ => None,
        };
        let at = jobs.and_then(|jobs| sent.lock().ok()?.get(&jobs).copied());
        if let (Some(at), Ok(mut received)) = (at, received.lock()) {
            received.push(u32::try_from(at.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
    }
}

fn percentile(sorted: &[u32], percentile: f64) -> String {
    if sorted.is_empty() {
        return "-".to_owned();
    }
    let index = ((percentile / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    format!("{:.1}", f64::from(sorted[index]) / 1000.0)
}

/// The server's postmaster: the parent of this connection's backend.
async fn postmaster_pid(
    client: &tokio_postgres::Client,
) -> Result<u32, Box<dyn std::error::Error>> {
    let backend: i32 = client
        .query_one("select pg_backend_pid()", &[])
        .await?
        .get(0);
    let stat = std::fs::read_to_string(format!("/proc/{backend}/stat"))?;
    Ok(stat_fields(&stat)
        .get(1)
        .and_then(|ppid| ppid.parse().ok())
        .ok_or("no ppid")?)
}

/// The postmaster and its children (backends, WAL sender, walwriter...).
fn children(parent: u32) -> Vec<u32> {
    let mut pids = vec![parent];
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<u32>().ok())
            else {
                continue;
            };
            if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                && stat_fields(&stat)
                    .get(1)
                    .and_then(|ppid| ppid.parse::<u32>().ok())
                    == Some(parent)
            {
                pids.push(pid);
            }
        }
    }
    pids
}

/// User + system CPU ticks of `pids` (processes that ended in between are not counted).
fn cpu_ticks(pids: &[u32]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .map(|stat| {
            let fields = stat_fields(&stat);
            let field = |i: usize| {
                fields
                    .get(i)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            // After the command: state, ppid, ... utime is field 14 of the whole line (index 11
            // here), stime 15 (index 12).
            field(11) + field(12)
        })
        .sum()
}

/// The fields of `/proc/<pid>/stat` after the `(command)`, which may contain spaces.
fn stat_fields(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default()
}

fn ticks_per_second() -> f64 {
    // USER_HZ is 100 on Linux for every architecture this runs on.
    100.0
}
