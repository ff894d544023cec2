//! Helpers for the Realtime abuse tests: a gateway with tweaked limits, raw sockets, and what a
//! socket says next (a frame, or how it closed).
#![allow(dead_code)] // each test binary uses a different part

use std::time::{Duration, Instant};

use dashboard_core::local_stack::ANON_KEY;
use dashboard_core::wire::frame::{Frame, Vsn};
use dev_server::{Database, Gateway, GatewayConfig};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use throwaway_db::DbOptions;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub const VSN: Vsn = Vsn::V2;

pub async fn gateway(tweak: impl FnOnce(&mut GatewayConfig)) -> Gateway {
    let mut config = GatewayConfig {
        listen: "127.0.0.1:0".parse().expect("an address"),
        ..GatewayConfig::default()
    };
    config.channel_error_backoff = Duration::from_millis(50);
    tweak(&mut config);
    Gateway::start(config, Database::Embedded(DbOptions::default()))
        .await
        .expect("gateway starts")
}

pub async fn connect(gateway: &Gateway) -> Socket {
    let url = format!(
        "ws://{}/realtime/v1/websocket?apikey={ANON_KEY}&vsn={}",
        gateway.addr,
        VSN.as_str()
    );
    tokio_tungstenite::connect_async(url)
        .await
        .expect("upgrade")
        .0
}

pub fn join(join_ref: usize, topic: &str, table: Option<&str>) -> String {
    let changes = table.map_or(
        json!([]),
        |table| json!([{"event": "*", "schema": "public", "table": table}]),
    );
    Frame {
        join_ref: Some(join_ref.to_string()),
        r#ref: Some(join_ref.to_string()),
        topic: topic.to_owned(),
        event: "phx_join".to_owned(),
        payload: json!({"config": {"postgres_changes": changes}}).into(),
    }
    .encode(VSN)
}

/// What the socket says next: a frame, or how it closed.
#[derive(Debug)]
pub enum Heard {
    /// A text frame.
    Frame(Frame),
    /// The socket closed, with the close frame's code and reason if one came.
    Closed(Option<(CloseCode, String)>),
    /// Nothing within the wait.
    Nothing,
}

pub async fn hear(socket: &mut Socket, wait: Duration) -> Heard {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                return Heard::Frame(
                    Frame::decode(text.as_str(), VSN).expect("server frames decode"),
                );
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Heard::Closed(frame.map(|frame| (frame.code, frame.reason.to_string())));
            }
            Ok(Some(Err(_)) | None) => return Heard::Closed(None),
            Ok(Some(Ok(_))) => {}
            Err(_) => return Heard::Nothing,
        }
    }
}

/// Joins `topic` for hp_worker_status changes and waits for "Subscribed to PostgreSQL".
pub async fn subscribe(socket: &mut Socket, topic: &str) {
    socket
        .send(Message::Text(
            join(1, topic, Some("hp_worker_status")).into(),
        ))
        .await
        .expect("join");
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Heard::Frame(frame) = hear(socket, Duration::from_secs(15)).await
            && frame.payload["message"] == "Subscribed to PostgreSQL"
        {
            return;
        }
    }
    panic!("not subscribed");
}

/// Updates x-autopost's job count and measures how long until `socket` shows it.
pub async fn change_arrives_within(gateway: &Gateway, socket: &mut Socket, jobs: i64) -> Duration {
    let admin = throwaway_db::connect(&gateway.database_url)
        .await
        .expect("admin");
    let started = Instant::now();
    admin
        .execute(
            "update public.hp_worker_status set jobs_processed = $1 where worker_name = 'x-autopost'",
            &[&jobs],
        )
        .await
        .expect("update");
    loop {
        match hear(socket, Duration::from_secs(5)).await {
            Heard::Frame(frame) if frame.payload["data"]["record"]["jobs_processed"] == jobs => {
                return started.elapsed();
            }
            Heard::Frame(_) => {}
            other => panic!("the other client stopped receiving: {other:?}"),
        }
    }
}

pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|kb| kb.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
