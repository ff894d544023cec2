//! The gateway's Realtime side over a real socket and a real database: Phoenix replies,
//! heartbeats, leave/close, unmatched topics, the idle timeout, fault injection, and RLS-gated
//! delivery (a subscriber whose role cannot see a row gets nothing for it), and private channels
//! authorized again when their token is refreshed.

use std::time::Duration;

use dashboard_core::local_stack::{ANON_KEY, SERVICE_ROLE_KEY};
use dashboard_core::wire::frame::{Frame, Vsn};
use dev_server::{Gateway, GatewayConfig};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

mod support;

/// A gateway with fault injection on (`/__faults`).
async fn gateway(tweak: impl FnOnce(&mut GatewayConfig)) -> Gateway {
    support::gateway(|config| {
        config.faults_enabled = true;
        tweak(config);
    })
    .await
}

async fn connect(gateway: &Gateway, key: &str, vsn: Vsn) -> Socket {
    let url = format!(
        "ws://{}/realtime/v1/websocket?apikey={key}&vsn={}",
        gateway.addr,
        vsn.as_str()
    );
    tokio_tungstenite::connect_async(url)
        .await
        .expect("upgrade")
        .0
}

async fn send(socket: &mut Socket, frame: &Frame, vsn: Vsn) {
    socket
        .send(Message::Text(frame.encode(vsn).into()))
        .await
        .expect("send");
}

/// The next text frame, or `None` when nothing arrives within `wait`.
async fn next(socket: &mut Socket, vsn: Vsn, wait: Duration) -> Option<Frame> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                return Some(Frame::decode(text.as_str(), vsn).expect("server frames decode"));
            }
            Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) | Err(_) => return None,
            Ok(Some(Ok(_))) => {}
        }
    }
}

fn join_frame(join_ref: &str, topic: &str, postgres_changes: Value) -> Frame {
    Frame {
        join_ref: Some(join_ref.into()),
        r#ref: Some(join_ref.into()),
        topic: topic.into(),
        event: "phx_join".into(),
        payload: json!({"config": {"broadcast": {"ack": false, "self": false}, "presence": {"key": "", "enabled": false},
                                   "postgres_changes": postgres_changes, "private": false}})
        .into(),
    }
}

/// Joins and waits for "Subscribed to PostgreSQL".
async fn subscribe(socket: &mut Socket, vsn: Vsn, topic: &str, table: &str) -> u64 {
    send(
        socket,
        &join_frame(
            "1",
            topic,
            json!([{"event": "*", "schema": "public", "table": table}]),
        ),
        vsn,
    )
    .await;
    let reply = next(socket, vsn, Duration::from_secs(5))
        .await
        .expect("join reply");
    assert_eq!(reply.event, "phx_reply");
    assert_eq!(reply.payload["status"], "ok", "{reply:?}");
    let id = reply.payload["response"]["postgres_changes"][0]["id"]
        .as_i64()
        .and_then(|id| u64::try_from(id).ok())
        .expect("an integer id");
    let system = next(socket, vsn, Duration::from_secs(10))
        .await
        .expect("system message");
    assert_eq!(system.event, "system");
    assert_eq!(
        system.payload["message"], "Subscribed to PostgreSQL",
        "{system:?}"
    );
    id
}

#[tokio::test]
async fn heartbeats_unmatched_topics_and_leave_follow_phoenix() {
    let gateway = gateway(|_| {}).await;
    let vsn = Vsn::V2;
    let mut socket = connect(&gateway, ANON_KEY, vsn).await;
    send(&mut socket, &Frame::heartbeat("7".into()), vsn).await;
    let reply = next(&mut socket, vsn, Duration::from_secs(2))
        .await
        .expect("heartbeat reply");
    assert_eq!(
        reply.encode(vsn),
        r#"[null,"7","phoenix","phx_reply",{"response":{},"status":"ok"}]"#
    );

    let stray = Frame {
        join_ref: None,
        r#ref: Some("8".into()),
        topic: "realtime:nobody".into(),
        event: "broadcast".into(),
        payload: json!({}).into(),
    };
    send(&mut socket, &stray, vsn).await;
    let reply = next(&mut socket, vsn, Duration::from_secs(2))
        .await
        .expect("unmatched reply");
    assert_eq!(
        reply.payload,
        json!({"status": "error", "response": {"reason": "unmatched topic"}})
    );

    subscribe(&mut socket, vsn, "realtime:leave-me", "hp_worker_status").await;
    let leave = Frame {
        join_ref: Some("1".into()),
        r#ref: Some("9".into()),
        topic: "realtime:leave-me".into(),
        event: "phx_leave".into(),
        payload: json!({}).into(),
    };
    send(&mut socket, &leave, vsn).await;
    let ok = next(&mut socket, vsn, Duration::from_secs(2))
        .await
        .expect("leave reply");
    assert_eq!(
        (ok.event.as_str(), ok.payload["status"].as_str()),
        ("phx_reply", Some("ok"))
    );
    let close = next(&mut socket, vsn, Duration::from_secs(2))
        .await
        .expect("phx_close");
    assert_eq!(
        (
            close.event.as_str(),
            close.r#ref.as_deref(),
            close.join_ref.as_deref()
        ),
        ("phx_close", Some("1"), Some("1"))
    );
    assert_eq!(
        gateway.state.hub.len(),
        0,
        "a left channel receives nothing more"
    );
    gateway.stop().await;
}

#[tokio::test]
async fn a_subscriber_gets_only_rows_its_role_may_select() {
    let gateway = gateway(|_| {}).await;
    let admin = throwaway_db::connect(&gateway.database_url)
        .await
        .expect("admin");
    admin
        .batch_execute(
            "create table public.notes (id int primary key, body text, shared boolean not null default false);
             alter table public.notes enable row level security;
             grant select on public.notes to anon;
             create policy \"anon sees shared notes\" on public.notes for select to anon using (shared);
             alter publication supabase_realtime add table public.notes;",
        )
        .await
        .expect("second table");
    let vsn = Vsn::V1;
    let mut anon = connect(&gateway, ANON_KEY, vsn).await;
    let mut service = connect(&gateway, SERVICE_ROLE_KEY, vsn).await;
    let anon_id = subscribe(&mut anon, vsn, "realtime:anon-notes", "notes").await;
    subscribe(&mut service, vsn, "realtime:service-notes", "notes").await;

    admin
        .execute("insert into public.notes values (1, 'private', false)", &[])
        .await
        .expect("hidden row");
    admin
        .execute("insert into public.notes values (2, 'public', true)", &[])
        .await
        .expect("shared row");

    let service_first = next(&mut service, vsn, Duration::from_secs(5))
        .await
        .expect("service_role sees the hidden row");
    assert_eq!(service_first.payload["data"]["record"]["id"], 1);
    let anon_first = next(&mut anon, vsn, Duration::from_secs(5))
        .await
        .expect("anon sees the shared row");
    assert_eq!(anon_first.event, "postgres_changes");
    assert_eq!(
        anon_first.payload["data"]["record"],
        json!({"id": 2, "body": "public", "shared": true})
    );
    assert_eq!(anon_first.payload["ids"], json!([anon_id]));
    assert_eq!(
        anon_first.join_ref, None,
        "vsn 1.0.0 server frames carry no join_ref"
    );
    assert!(
        next(&mut anon, vsn, Duration::from_millis(600))
            .await
            .is_none(),
        "and nothing about the hidden row"
    );

    // An update that hides a row is not delivered to anon either (no "row left" signal).
    admin
        .execute("update public.notes set shared = false where id = 2", &[])
        .await
        .expect("hide");
    assert!(
        next(&mut anon, vsn, Duration::from_millis(600))
            .await
            .is_none()
    );
    // A DELETE skips RLS and carries only the key.
    admin
        .execute("delete from public.notes where id = 1", &[])
        .await
        .expect("delete");
    let deleted = next(&mut anon, vsn, Duration::from_secs(5))
        .await
        .expect("delete reaches anon");
    assert_eq!(deleted.payload["data"]["type"], "DELETE");
    assert_eq!(deleted.payload["data"]["old_record"], json!({"id": 1}));
    assert!(deleted.payload["data"].get("record").is_none());
    gateway.stop().await;
}

#[tokio::test]
async fn faults_drop_sockets_silence_heartbeats_and_crash_channels() {
    let gateway = gateway(|_| {}).await;
    let vsn = Vsn::V2;
    let http = reqwest::Client::new();
    let fault = |action: &str| format!("http://{}/__faults/{action}", gateway.addr);

    let mut socket = connect(&gateway, ANON_KEY, vsn).await;
    subscribe(&mut socket, vsn, "realtime:crashy", "hp_worker_status").await;
    http.post(fault("phx-error")).send().await.expect("inject");
    let error = next(&mut socket, vsn, Duration::from_secs(2))
        .await
        .expect("phx_error");
    assert_eq!(
        (
            error.event.as_str(),
            error.r#ref.as_deref(),
            error.join_ref.as_deref()
        ),
        ("phx_error", Some("1"), Some("1"))
    );
    assert_eq!(gateway.state.hub.len(), 0);

    http.post(fault("heartbeats?reply=false"))
        .send()
        .await
        .expect("inject");
    send(&mut socket, &Frame::heartbeat("5".into()), vsn).await;
    assert!(
        next(&mut socket, vsn, Duration::from_millis(500))
            .await
            .is_none(),
        "heartbeat unanswered"
    );
    http.post(fault("reset")).send().await.expect("reset");

    http.post(fault("drop-sockets"))
        .send()
        .await
        .expect("inject");
    let dropped = tokio::time::timeout(Duration::from_secs(2), socket.next())
        .await
        .expect("socket ends");
    assert!(
        !matches!(dropped, Some(Ok(Message::Text(_)))),
        "no more frames: {dropped:?}"
    );

    let rest = fault("rest?fail_status=503&count=1");
    http.post(rest).send().await.expect("inject");
    let url = format!("{}/rest/v1/hp_worker_status", gateway.url());
    assert_eq!(
        http.get(&url)
            .header("apikey", ANON_KEY)
            .send()
            .await
            .expect("get")
            .status(),
        503
    );
    assert_eq!(
        http.get(&url)
            .header("apikey", ANON_KEY)
            .send()
            .await
            .expect("get")
            .status(),
        200,
        "only once"
    );
    gateway.stop().await;
}

#[tokio::test]
async fn faults_are_off_by_default_and_idle_sockets_close() {
    let gateway = gateway(|config| {
        config.faults_enabled = false;
        config.idle_timeout = Duration::from_millis(700);
    })
    .await;
    let status = reqwest::Client::new()
        .post(format!("http://{}/__faults/drop-sockets", gateway.addr))
        .send()
        .await
        .expect("request")
        .status();
    assert_eq!(status, 404);
    let mut socket = connect(&gateway, ANON_KEY, Vsn::V2).await;
    let started = std::time::Instant::now();
    assert!(
        next(&mut socket, Vsn::V2, Duration::from_secs(5))
            .await
            .is_none(),
        "closed, not talking"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "closed after the idle timeout, not before"
    );
    gateway.stop().await;
}

#[tokio::test]
async fn bad_tokens_get_realtimes_errors() {
    let gateway = gateway(|_| {}).await;
    let vsn = Vsn::V2;
    let mut socket = connect(&gateway, ANON_KEY, vsn).await;
    let mut join = join_frame("3", "realtime:bad-token", json!([]));
    join.payload = json!({"config": {"postgres_changes": []}, "access_token": "not-a-jwt"}).into();
    send(&mut socket, &join, vsn).await;
    let reply = next(&mut socket, vsn, Duration::from_secs(2))
        .await
        .expect("error reply");
    assert_eq!(
        reply.payload,
        json!({"status": "error", "response": {"reason": "MalformedJWT: The token provided is not a valid JWT"}})
    );
    let missing = reqwest::get(format!(
        "http://{}/realtime/v1/websocket?vsn=2.0.0",
        gateway.addr
    ))
    .await
    .expect("get");
    assert_eq!(missing.status(), 401);
    assert_eq!(
        missing.json::<Value>().await.expect("json"),
        json!({"error": "API key is missing"})
    );
    gateway.stop().await;
}

#[tokio::test]
async fn a_refreshed_token_that_may_not_read_a_private_topic_ends_the_channel() {
    let gateway = gateway(|_| {}).await;
    let admin = throwaway_db::connect(&gateway.database_url)
        .await
        .expect("admin");
    admin
        .batch_execute(
            "create policy \"staff receive on staff-only\" on realtime.messages for select to authenticated
               using (realtime.topic() = 'staff-only' and extension = 'broadcast');",
        )
        .await
        .expect("a policy for authenticated only");
    let vsn = Vsn::V2;
    let staff =
        dev_server::keys::mint_key(dashboard_core::local_stack::JWT_SECRET, "authenticated");
    let mut socket = connect(&gateway, ANON_KEY, vsn).await;
    let mut join = join_frame("5", "realtime:staff-only", json!([]));
    join.payload =
        json!({"config": {"private": true, "postgres_changes": []}, "access_token": staff}).into();
    send(&mut socket, &join, vsn).await;
    let reply = next(&mut socket, vsn, Duration::from_secs(5))
        .await
        .expect("join reply");
    assert_eq!(reply.payload["status"], "ok", "{:?}", reply.payload);

    // The same token again, and a publishable key, change nothing.
    let refresh = |token: &str, r#ref: &str| Frame {
        join_ref: Some("5".to_owned()),
        r#ref: Some(r#ref.to_owned()),
        topic: "realtime:staff-only".to_owned(),
        event: "access_token".to_owned(),
        payload: json!({"access_token": token}).into(),
    };
    send(&mut socket, &refresh(&staff, "6"), vsn).await;
    send(&mut socket, &refresh("sb_publishable_x", "7"), vsn).await;
    assert!(
        next(&mut socket, vsn, Duration::from_millis(500))
            .await
            .is_none(),
        "nothing to say about an unchanged token"
    );

    // The anon key may not read the topic: the channel ends as Realtime ends it.
    send(&mut socket, &refresh(ANON_KEY, "8"), vsn).await;
    let system = next(&mut socket, vsn, Duration::from_secs(5))
        .await
        .expect("a system message");
    assert_eq!(system.event, "system");
    assert_eq!(
        system.payload,
        json!({"extension": "system", "status": "error", "channel": "staff-only",
               "message": "You do not have permissions to read from this Channel topic: staff-only"})
    );
    let close = next(&mut socket, vsn, Duration::from_secs(5))
        .await
        .expect("phx_close");
    assert_eq!(close.event, "phx_close");
    assert!(
        gateway.state.hub.receivers("staff-only", true).is_empty(),
        "the channel receives nothing more"
    );
    gateway.stop().await;
}
